/** Where nemoclaw keeps what it can always rebuild (version hint, help copies): $XDG_CACHE_HOME/nemoclaw, else ~/.cache/nemoclaw. */
import {mkdirSync, renameSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export function cacheDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : path.join(env.HOME && env.HOME !== '' ? env.HOME : os.homedir(), '.cache')
  return path.join(base, 'nemoclaw')
}

/**
 * Write a cache file whole or not at all (a temp file renamed over it, 0600 in a 0700 directory). Best effort: a
 * read-only home only means the next process has no copy; returns whether it was written.
 */
export function writeCacheFile(file: string, text: string | Uint8Array): boolean {
  try {
    mkdirSync(path.dirname(file), {mode: 0o700, recursive: true})
    const tmp = `${file}.tmp-${process.pid}`
    writeFileSync(tmp, text, {mode: 0o600})
    renameSync(tmp, file)
    return true
  } catch {
    return false
  }
}
