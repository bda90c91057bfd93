// Another LIVE process holding the registry lock: test/support/registry-worker.ts `hold`, which takes the lock the
// way every writer does (proper-lockfile, refreshed while alive, so it never goes stale) and keeps it until released.
import {type ChildProcess, spawn} from 'node:child_process'
import path from 'node:path'

import {ROOT} from './cli.js'

const holders = new Set<ChildProcess>()

export interface LockHolder {
  pid: number
  /** Let go of the lock (the holder changes nothing) and wait for the process to end. */
  release(): Promise<void>
}

/** Start a process that holds the registry lock of `home`; resolves once it holds it. */
export async function holdRegistryLock(home: string): Promise<LockHolder> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'test/support/registry-worker.ts'), 'hold', home],
    {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  )
  holders.add(child)
  const ended = new Promise<void>((resolve) => {
    child.on('close', () => {
      holders.delete(child)
      resolve()
    })
  })
  let out = ''
  let err = ''
  child.stderr!.setEncoding('utf8').on('data', (d) => {
    err += d
  })
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the lock holder did not take the lock in 20 s: ${err}`)), 20_000)
    child.stdout!.setEncoding('utf8').on('data', (d) => {
      out += d
      if (out.includes('locked')) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      reject(new Error(`the lock holder ended (${code}) before it took the lock: ${err}`))
    })
  })
  return {
    pid: child.pid!,
    async release() {
      child.stdin!.end()
      await ended
    },
  }
}

/** Kill every holder still running (for `after` hooks). */
export function killLockHolders(): void {
  for (const child of holders) child.kill('SIGKILL')
}
