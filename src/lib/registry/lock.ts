import {positiveNumberEnv} from '../env.js'
import {backoff, jitter, poll} from '../poll.js'

import {RegistryError, RegistryLockTimeoutError} from './errors.js'
import {isErrno} from './fsutil.js'
import type {RegistryPaths} from './paths.js'

/**
 * The registry's exclusive lock: a proper-lockfile lock directory `sandboxes.json.lock`.
 *
 * - The holder refreshes the lock's mtime every stale/2 ms. A process that dies (even kill -9) stops refreshing,
 *   so after `staleMs` the next writer removes the lock and takes it: a crashed writer blocks others at most
 *   `staleMs`.
 * - Acquisition retries with jittered exponential backoff (10 ms … 150 ms) until `timeoutMs` has passed, then
 *   throws RegistryLockTimeoutError naming the lock. The default timeout is longer than the stale time, so a dead
 *   holder's lock is always recovered within one wait.
 * - If the lock is lost while held (its mtime could not be refreshed, or someone took it as stale), `assertHeld()`
 *   throws, and the writer aborts before renaming its temp file over the registry.
 */

const DEFAULT_LOCK_STALE_MS = 5000
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000
/** proper-lockfile's own minimum. */
const MIN_STALE_MS = 2000

interface LockOptions {
  staleMs?: number
  timeoutMs?: number
  env?: NodeJS.ProcessEnv
}

export async function withRegistryLock<T>(
  paths: RegistryPaths,
  options: LockOptions,
  fn: (assertHeld: () => void) => Promise<T>,
): Promise<T> {
  const env = options.env ?? process.env
  const staleMs = Math.max(
    options.staleMs ?? positiveNumberEnv(env, 'NEMOCLAW_REGISTRY_LOCK_STALE_MS') ?? DEFAULT_LOCK_STALE_MS,
    MIN_STALE_MS,
  )
  const timeoutMs =
    options.timeoutMs ?? positiveNumberEnv(env, 'NEMOCLAW_REGISTRY_LOCK_TIMEOUT_MS') ?? DEFAULT_LOCK_TIMEOUT_MS

  let compromised: Error | null = null
  const started = Date.now()
  const attempt = async (): Promise<(() => Promise<void>) | undefined> => {
    try {
      // loaded on the first lock: a read that writes nothing never pays for proper-lockfile and graceful-fs
      const {default: lockfile} = await import('proper-lockfile')
      return await lockfile.lock(paths.file, {
        realpath: false,
        lockfilePath: paths.lock,
        stale: staleMs,
        retries: 0,
        onCompromised: (error) => {
          compromised = error
        },
      })
    } catch (error) {
      if (!isErrno(error, 'ELOCKED')) {
        throw new RegistryError(
          `Could not take the registry lock ${paths.lock}: ${(error as Error).message}`,
          'REGISTRY_LOCK_FAILED',
          {cause: error},
        )
      }
      return undefined
    }
  }

  const release = await poll(attempt, (r) => r !== undefined, {delays: jitter(backoff(10, 1.5, 150)), timeoutMs})
  if (!release) throw new RegistryLockTimeoutError(paths.lock, Date.now() - started)

  const assertHeld = (): void => {
    if (compromised) {
      throw new RegistryError(
        `Lost the registry lock ${paths.lock} while writing (${(compromised as Error).message}); nothing was written.`,
        'REGISTRY_LOCK_LOST',
      )
    }
  }
  try {
    return await fn(assertHeld)
  } finally {
    await release().catch(() => {
      // already released or compromised: nothing left to clean up
    })
  }
}
