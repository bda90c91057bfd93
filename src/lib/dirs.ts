/**
 * The user's directories, one rule each: the home directory, the XDG base directories, and nemoclaw's cache.
 * (The registry's own home, $NEMOCLAW_HOME else ~/.nemoclaw, is registry/paths.ts's `resolveHome`.)
 */
import os from 'node:os'
import path from 'node:path'

type Env = Record<string, string | undefined>

/** The home directory: `$HOME` when set and not empty, else the OS's answer (which reads the process's $HOME). */
export function homeDir(env: Env = process.env): string {
  return env.HOME || os.homedir()
}

export type XdgKind = 'cache' | 'config' | 'data' | 'state'

const XDG: Record<XdgKind, {variable: string; underHome: string[]}> = {
  cache: {underHome: ['.cache'], variable: 'XDG_CACHE_HOME'},
  config: {underHome: ['.config'], variable: 'XDG_CONFIG_HOME'},
  data: {underHome: ['.local', 'share'], variable: 'XDG_DATA_HOME'},
  state: {underHome: ['.local', 'state'], variable: 'XDG_STATE_HOME'},
}

export interface XdgOptions {
  /** Ignore a relative `$XDG_*_HOME`, as the XDG spec says (OpenShell's rule); by default any non-empty value counts. */
  absoluteOnly?: boolean
  /** The home directory to fall back under (default homeDir(env)). */
  home?: string
}

/** An XDG base directory: `$XDG_<KIND>_HOME` when set, else its default under the home directory (`~/.config`, …). */
export function xdgDir(kind: XdgKind, env: Env = process.env, options: XdgOptions = {}): string {
  const {underHome, variable} = XDG[kind]
  const value = env[variable]
  if (value && (!options.absoluteOnly || path.isAbsolute(value))) return value
  return path.join(options.home ?? homeDir(env), ...underHome)
}

/** Where nemoclaw keeps what it can always rebuild (version hint, help copies): $XDG_CACHE_HOME/nemoclaw, else ~/.cache/nemoclaw. */
export function cacheDir(env: Env): string {
  return path.join(xdgDir('cache', env), 'nemoclaw')
}
