// Faulty nemoclaw homes for the bookkeeping tests: a read-only directory and a full disk, made with real mounts.
// Tests (and CI) run as root, and root ignores permission bits, so `chmod a-w` cannot make a directory read-only
// for us; a read-only bind mount and a small tmpfs can. When mounting is not permitted (no CAP_SYS_ADMIN):
// a non-root user gets a read-only home from `chmod`; a full disk has no substitute, so that fails loudly
// (never a silent skip).
//
// Every mount is remembered; call `unmountAll()` from an `after` hook (it also runs at process exit), so a failed
// test never leaves a mount behind.
import {execFileSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

interface Undo {
  dir: string
  undo(): void
}

const undos: Undo[] = []

function sh(cmd: string, args: string[]): void {
  execFileSync(cmd, args, {stdio: ['ignore', 'pipe', 'pipe']})
}

function why(error: unknown): string {
  const e = error as {stderr?: Buffer; message?: string}
  return (e.stderr?.toString().trim() || e.message) ?? String(error)
}

function unmounter(dir: string): Undo {
  return {
    dir,
    undo() {
      try {
        sh('umount', [dir])
      } catch {
        sh('umount', ['-l', dir]) // busy (a child still has a file open): detach now, the kernel frees it later
      }
    },
  }
}

/** Make `dir` read-only in place, contents kept: bind-mount it on itself and remount that read-only. */
export function makeReadOnly(dir: string): void {
  try {
    sh('mount', ['--bind', dir, dir])
  } catch (error) {
    if (process.getuid?.() === 0)
      throw new Error(`cannot make ${dir} read-only: root needs \`mount --bind\` (${why(error)})`)
    // An ordinary user: dropping the write bits is enough.
    const modes = [dir, ...fs.readdirSync(dir).map((n) => path.join(dir, n))].map(
      (p) => [p, fs.statSync(p).mode & 0o7777] as const,
    )
    for (const [p, mode] of modes) fs.chmodSync(p, mode & ~0o222)
    undos.push({dir, undo: () => modes.forEach(([p, mode]) => fs.chmodSync(p, mode))})
    return
  }

  undos.push(unmounter(dir))
  sh('mount', ['-o', 'remount,ro,bind', dir])
}

/**
 * Mount a tmpfs of `sizeBytes` over `dir` (hiding what was there), write `files` into it, then fill the rest with a
 * filler file, leaving `leavePages` whole pages (tmpfs counts 4 KiB pages) free.
 */
export function mountFullDisk(
  dir: string,
  files: Record<string, string>,
  opts: {sizeBytes?: number; leavePages?: number} = {},
): void {
  try {
    sh('mount', ['-t', 'tmpfs', '-o', `size=${opts.sizeBytes ?? 64 * 1024},mode=0700`, 'tmpfs', dir])
  } catch (error) {
    throw new Error(
      `cannot make a full disk at ${dir}: mounting a small tmpfs needs root (CAP_SYS_ADMIN) (${why(error)})`,
    )
  }

  undos.push(unmounter(dir))
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text, {mode: 0o600})
  const filler = path.join(dir, 'filler')
  const fd = fs.openSync(filler, 'w')
  const page = Buffer.alloc(4096, 0x78)
  try {
    for (;;) {
      if (fs.writeSync(fd, page) < page.length) break
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error
  } finally {
    fs.closeSync(fd)
  }

  const size = fs.statSync(filler).size
  fs.truncateSync(filler, Math.max(0, size - (size % 4096) - (opts.leavePages ?? 0) * 4096))
}

/** Undo one fault (unmount, or restore the modes). */
export function restore(dir: string): void {
  for (let i = undos.length - 1; i >= 0; i--) {
    if (undos[i].dir !== dir) continue
    const [u] = undos.splice(i, 1)
    u.undo()
  }
}

/** Undo every fault still in place, newest first. */
export function unmountAll(): void {
  const errors: string[] = []
  while (undos.length > 0) {
    const u = undos.pop()!
    try {
      u.undo()
    } catch (error) {
      errors.push(`${u.dir}: ${why(error)}`)
    }
  }

  if (errors.length > 0) throw new Error(`could not undo: ${errors.join('; ')}`)
}

process.on('exit', () => {
  try {
    unmountAll()
  } catch {
    // best effort at exit; the error was already reported by the after hook that failed
  }
})
