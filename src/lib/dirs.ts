/**
 * The user's directories, one rule each: the home directory, the XDG base directories, and nemoclaw's cache.
 * (The registry's own home, $NEMOCLAW_HOME else ~/.nemoclaw, is registry/paths.ts's `resolveHome`.)
 */
import {mkdirSync, renameSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

type Env = Record<string, string | undefined>

/** The home directory: `$HOME` when set and not empty, else the OS's answer (which reads the process's $HOME). */
export function homeDir(env: Env = process.env): string {
  return env.HOME || os.homedir()
}

type XdgKind = 'cache' | 'config' | 'data' | 'state'

const XDG: Record<XdgKind, {variable: string; underHome: string[]}> = {
  cache: {underHome: ['.cache'], variable: 'XDG_CACHE_HOME'},
  config: {underHome: ['.config'], variable: 'XDG_CONFIG_HOME'},
  data: {underHome: ['.local', 'share'], variable: 'XDG_DATA_HOME'},
  state: {underHome: ['.local', 'state'], variable: 'XDG_STATE_HOME'},
}

interface XdgOptions {
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
