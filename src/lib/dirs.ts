/** Where nemoclaw keeps what it can always rebuild (version hint, help copies): $XDG_CACHE_HOME/nemoclaw, else ~/.cache/nemoclaw. */
import os from 'node:os'
import path from 'node:path'

export function cacheDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : path.join(env.HOME && env.HOME !== '' ? env.HOME : os.homedir(), '.cache')
  return path.join(base, 'nemoclaw')
}
