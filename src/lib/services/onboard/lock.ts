/** One onboard per sandbox name at a time: a lock held for the whole run (locks/onboard-<name> in the registry home). */
import {mkdirSync, statSync} from 'node:fs'
import path from 'node:path'

import lockfile from 'proper-lockfile'

import {backoff, poll} from '../../poll.js'
import {registryPaths} from '../../registry/index.js'
import {OnboardError} from './input.js'

const NAME_LOCK_STALE_MS = 10_000
const NAME_LOCK_UPDATE_MS = 2000

function mtimeOf(file: string): number | undefined {
  try {
    return statSync(file).mtimeMs
  } catch {
    return undefined
  }
}

/**
 * Hold a per-name lock for the whole onboard: a second onboard of the same name fails clearly, within one refresh
 * interval. A live holder refreshes the lock every NAME_LOCK_UPDATE_MS; a lock that is not refreshed belongs to a
 * run that was killed (kill -9, OOM): wait until it turns stale and take it, instead of calling a dead run busy.
 */
export async function lockName(name: string, env: NodeJS.ProcessEnv): Promise<() => Promise<void>> {
  const {home} = registryPaths({env})
  const dir = path.join(home, 'locks')
  mkdirSync(dir, {mode: 0o700, recursive: true})
  const file = path.join(dir, `onboard-${name}`)
  const busy = () =>
    new OnboardError(
      `Another \`nemoclaw onboard\` for '${name}' is running. Wait for it to finish, then run \`nemoclaw status ${name}\`.`,
      4,
      'busy',
    )
  let firstSeen: number | undefined
  const attempt = async (): Promise<(() => Promise<void>) | undefined> => {
    try {
      return await lockfile.lock(file, {
        realpath: false,
        retries: 0,
        stale: NAME_LOCK_STALE_MS,
        update: NAME_LOCK_UPDATE_MS,
      })
    } catch (error) {
      if ((error as {code?: string}).code !== 'ELOCKED') throw busy()
      const mtime = mtimeOf(`${file}.lock`)
      firstSeen ??= mtime
      if (mtime !== undefined && mtime !== firstSeen) throw busy() // refreshed: its holder is alive
      return undefined
    }
  }

  const release = await poll(attempt, (r) => r !== undefined, {
    delays: backoff(250, 1, 250),
    timeoutMs: NAME_LOCK_STALE_MS + NAME_LOCK_UPDATE_MS,
  })
  if (!release) throw busy()
  return release
}
