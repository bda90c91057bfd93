import {mkdir, chmod, open, rename, unlink, type FileHandle} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

export const DIR_MODE = 0o700
export const FILE_MODE = 0o600

/** Create the nemoclaw home 0700. An existing directory is left as it is (checkPermissions reports it). */
export async function ensureDir(dir: string): Promise<void> {
  const created = await mkdir(dir, {recursive: true, mode: DIR_MODE})
  if (created !== undefined) await chmod(dir, DIR_MODE) // the umask may have removed bits; never adds any
}

/** fsync a directory so a rename in it is durable. Not possible on every platform; best effort there. */
export async function fsyncDir(dir: string): Promise<void> {
  let fh
  try {
    fh = await open(dir, 'r')
    await fh.sync()
  } catch {
    // e.g. Windows (EISDIR/EPERM): the rename is still atomic, only its durability is weaker
  } finally {
    await fh?.close()
  }
}

/**
 * Write all of `buf[from, to)` at `position`. One write() may take only part of it (the disk filled up: the kernel
 * reports how much it took and says ENOSPC only on the next call), so keep writing until done; a write that takes
 * nothing is an error, never a silent success.
 */
async function writeAll(fh: FileHandle, buf: Buffer, from: number, to: number, position: number): Promise<void> {
  for (let at = from; at < to;) {
    const {bytesWritten} = await fh.write(buf, at, to - at, position + (at - from))
    if (bytesWritten <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC'})
    at += bytesWritten
  }
}

interface AtomicWriteOptions {
  /** Pause this long after half of the temp file is written: only the tests ask (test-hooks.ts writeDelayMs). */
  delayMs?: number
  /** Called just before the rename; throw to abort (e.g. the lock was lost). */
  beforeRename?: () => void
}

/**
 * Write `data` to a temp file in the same directory (0600, exclusive create), fsync it, rename it over `file`,
 * fsync the directory. Readers see the old file or the new one, never a torn one.
 */
export async function writeFileAtomic(file: string, data: string, options: AtomicWriteOptions = {}): Promise<void> {
  const dir = dirname(file)
  // pid + a random suffix: unique enough for the exclusive create below (node:crypto would cost every status run
  // more than its whole registry write)
  const suffix = Math.floor(Math.random() * 0x1_0000_0000)
    .toString(16)
    .padStart(8, '0')
  const tmp = join(dir, `${basename(file)}.tmp-${process.pid}-${suffix}`)
  const buf = Buffer.from(data, 'utf8')
  let renamed = false
  try {
    const fh = await open(tmp, 'wx', FILE_MODE)
    try {
      if (options.delayMs && options.delayMs > 0) {
        const half = Math.floor(buf.length / 2)
        await writeAll(fh, buf, 0, half, 0)
        await fh.sync()
        await sleep(options.delayMs)
        await writeAll(fh, buf, half, buf.length, half)
      } else {
        await writeAll(fh, buf, 0, buf.length, 0)
      }
      await fh.sync()
    } finally {
      await fh.close()
    }
    options.beforeRename?.()
    await rename(tmp, file)
    renamed = true
    await fsyncDir(dir)
  } finally {
    if (!renamed) await unlink(tmp).catch(() => {})
  }
}

/**
 * Append one line and fsync it. Callers hold the registry lock, so lines never interleave. If the line cannot be
 * written whole (disk full), what was written of it is cut off again, so the next line does not fuse with a half one.
 */
export async function appendLineDurable(file: string, line: string): Promise<void> {
  const fh = await open(file, 'a', FILE_MODE)
  try {
    const {size} = await fh.stat()
    const buf = Buffer.from(line.endsWith('\n') ? line : line + '\n', 'utf8')
    try {
      await writeAll(fh, buf, 0, buf.length, size)
      await fh.sync()
    } catch (error) {
      await fh.truncate(size).catch(() => {})
      throw error
    }
  } finally {
    await fh.close()
  }
}

export function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === code
}
