/**
 * `nemoclaw --version` without loading oclif. bin/run.js asks this module first; when it returns a line, that line
 * is printed and @oclif/core is never imported (about half the start-up time of any command is importing and
 * configuring oclif, and a version check needs none of it).
 *
 * The answer must be exactly what oclif would print (`Config.userAgent`: `NAME/VERSION PLATFORM-ARCH node-vX`), so
 * this answers only when nothing could make oclif's answer differ, and returns undefined (→ oclif runs as usual)
 * otherwise:
 *   - argv[0] is `--version` (or one of `oclif.additionalVersionFlags`), exactly oclif's own test;
 *   - no `init` hook in nemoclaw or its core plugins (oclif runs init hooks before printing the version);
 *   - no user-installed or linked plugins (`<dataDir>/package.json`, see `nemoclaw plugins`), which could bring one;
 *   - not Windows and not WSL (oclif reports WSL as platform `wsl`), and no DEBUG output requested.
 */
import {existsSync, readFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {homeDir, xdgDir} from '../dirs.js'

export interface FastVersionOptions {
  argv: string[]
  env: NodeJS.ProcessEnv
  /** The package root (the directory with package.json). */
  root: string
  platform?: NodeJS.Platform
  arch?: string
  nodeVersion?: string
  /** Kernel release (os.release()), for the WSL test. */
  release?: string
}

interface PJSON {
  name?: unknown
  version?: unknown
  oclif?: {
    bin?: unknown
    dirname?: unknown
    plugins?: unknown
    hooks?: Record<string, unknown>
    additionalVersionFlags?: unknown
  }
}

function readJson(file: string): PJSON | undefined {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as unknown
    return typeof data === 'object' && data !== null ? (data as PJSON) : undefined
  } catch {
    return undefined
  }
}

/** oclif's WSL test (is-wsl), conservatively: anything that looks like WSL defers to oclif. */
function looksLikeWsl(release: string): boolean {
  if (release.toLowerCase().includes('microsoft')) return true
  try {
    if (readFileSync('/proc/version', 'utf8').toLowerCase().includes('microsoft')) return true
  } catch {
    // no /proc/version: not WSL
  }

  return existsSync('/proc/sys/fs/binfmt_misc/WSLInterop') || existsSync('/run/WSL')
}

/** oclif's data dir: $<BIN>_DATA_DIR, else $XDG_DATA_HOME/<dirname>, else ~/.local/share/<dirname>. */
function dataDir(env: NodeJS.ProcessEnv, bin: string, dirname: string): string {
  const scoped = env[`${bin.replaceAll('@', '').replaceAll(/[/-]/g, '_')}_DATA_DIR`.toUpperCase()]
  if (scoped) return scoped
  return path.join(xdgDir('data', env, {home: homeDir(env) || os.tmpdir()}), dirname)
}

/** oclif hook events that never fire while a command runs: their hooks cannot change the answer. */
const QUIET_EVENTS = new Set([
  'command_not_found',
  'plugins:postinstall',
  'plugins:postuninstall',
  'plugins:preinstall',
  'update',
])

/**
 * Which hook events could change the answer: `--version` runs only `init` hooks; a command runs every hook except
 * QUIET_EVENTS, and the fast path replays nemoclaw's own prerun hook itself (`rootAllows`).
 */
export interface HookRule {
  fires(event: string): boolean
  /** Events of nemoclaw's own package.json the caller takes care of. */
  rootAllows?: ReadonlySet<string>
}

export const VERSION_HOOKS: HookRule = {fires: (event) => event === 'init'}

/**
 * The package.json, when nothing could make oclif's dispatch differ from a plain one: not Windows or WSL, no DEBUG
 * output, no user-installed or linked plugins, and no hook of nemoclaw or its core plugins that `rule` says fires.
 */
export function plainOclif(opts: FastVersionOptions, rule: HookRule): PJSON | undefined {
  const platform = opts.platform ?? process.platform
  if (platform === 'win32') return undefined
  if (opts.env.DEBUG) return undefined

  const pjson = readJson(path.join(opts.root, 'package.json'))
  if (!pjson || typeof pjson.name !== 'string' || typeof pjson.version !== 'string') return undefined
  if (hooksFire(pjson, rule, rule.rootAllows)) return undefined
  const plugins = Array.isArray(pjson.oclif?.plugins) ? (pjson.oclif.plugins as unknown[]) : []
  for (const name of plugins) {
    if (typeof name !== 'string') return undefined
    const plugin = readJson(path.join(opts.root, 'node_modules', name, 'package.json'))
    if (!plugin || hooksFire(plugin, rule)) return undefined
  }

  const bin = typeof pjson.oclif?.bin === 'string' ? pjson.oclif.bin : pjson.name
  const dirname = typeof pjson.oclif?.dirname === 'string' ? pjson.oclif.dirname : pjson.name
  if (existsSync(path.join(dataDir(opts.env, bin, dirname), 'package.json'))) return undefined
  if (platform === 'linux' && looksLikeWsl(opts.release ?? os.release())) return undefined
  return pjson
}

/** A command run fires every hook event except these. */
export function commandHooks(rootAllows: ReadonlySet<string>): HookRule {
  return {fires: (event) => !QUIET_EVENTS.has(event), rootAllows}
}

function hooksFire(pjson: PJSON, rule: HookRule, allow: ReadonlySet<string> = new Set()): boolean {
  const hooks = pjson.oclif?.hooks
  if (hooks === undefined) return false
  if (typeof hooks !== 'object' || hooks === null) return true
  return Object.keys(hooks).some((event) => rule.fires(event) && !allow.has(event))
}

export function fastVersion(opts: FastVersionOptions): string | undefined {
  // oclif's version flags (`--version`, oclif.additionalVersionFlags) are flags: anything else is not a version
  // question, without reading a file.
  if (!opts.argv[0]?.startsWith('-')) return undefined
  const pjson = plainOclif(opts, VERSION_HOOKS)
  if (!pjson) return undefined
  const extra = Array.isArray(pjson.oclif?.additionalVersionFlags)
    ? (pjson.oclif.additionalVersionFlags as unknown[])
    : []
  if (opts.argv[0] !== '--version' && !extra.includes(opts.argv[0])) return undefined

  const platform = opts.platform ?? process.platform
  const rawArch = opts.arch ?? os.arch()
  const arch = rawArch === 'ia32' ? 'x86' : rawArch
  return `${pjson.name}/${pjson.version} ${platform}-${arch} node-${opts.nodeVersion ?? process.version}`
}
