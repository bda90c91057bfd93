/**
 * `nemoclaw … --help` without loading oclif, from a copy of what oclif printed last time for exactly the same
 * question. The help text is a pure function of the argv, the installed package (package.json, the command
 * manifest, the core plugins), the user's theme file, the terminal (TTY or not, width) and the colour/width
 * environment; the key below covers all of them, so any change means a miss and oclif renders (and stores) afresh.
 * Only when oclif's dispatch could not differ otherwise (plainOclif: no user plugins, no init hook, …) and only for
 * an argv with `--help` before any `--`.
 *
 * Written by src/help.ts (the package's oclif helpClass) after oclif rendered; read by bin/run.js.
 */
import {readFileSync, statSync} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'

import {cacheDir, writeCacheFile, xdgDir} from '../dirs.js'
import {plainOclif, VERSION_HOOKS} from './fast-version.js'

/** Environment that changes oclif's help output: colour detection, width, CI, locale. */
const RENDER_ENV = /COLOR|^TERM|^CI$|^OCLIF_|^LANG$|^LC_/

export interface HelpCacheInput {
  argv: string[]
  env: NodeJS.ProcessEnv
  root: string
  stdout: {isTTY?: boolean; columns?: number}
}

/** Whether oclif answers this argv with help: `--help` before any `--`. */
export function asksForHelp(argv: string[]): boolean {
  const end = argv.indexOf('--')
  return (end === -1 ? argv : argv.slice(0, end)).includes('--help')
}

function identity(file: string): string {
  try {
    const st = statSync(file)
    return `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`
  } catch {
    return 'none'
  }
}

/** The cache file for this question, or undefined when it must not be cached or answered from a cache. */
export function helpCacheFile(input: HelpCacheInput): string | undefined {
  if (!asksForHelp(input.argv)) return undefined
  const pjson = plainOclif({argv: input.argv, env: input.env, root: input.root}, VERSION_HOOKS)
  if (!pjson) return undefined
  const plugins = Array.isArray(pjson.oclif?.plugins) ? (pjson.oclif.plugins as string[]) : []
  const dirname = typeof pjson.oclif?.dirname === 'string' ? pjson.oclif.dirname : String(pjson.name)
  const configHome = xdgDir('config', input.env)
  const files = [
    path.join(input.root, 'package.json'),
    path.join(input.root, 'oclif.manifest.json'),
    ...plugins.map((p) => path.join(input.root, 'node_modules', p, 'package.json')),
    path.join(configHome, dirname, 'theme.json'),
  ]
  const key = JSON.stringify({
    argv: input.argv,
    env: Object.entries(input.env)
      .filter(([k]) => RENDER_ENV.test(k))
      .sort(([a], [b]) => a.localeCompare(b)),
    files: files.map((f) => [f, identity(f)]),
    node: process.version,
    stdout: [Boolean(input.stdout.isTTY), input.stdout.isTTY ? (input.stdout.columns ?? 0) : 0],
  })
  // node:crypto only for a help question: importing it costs every other command more than the hash itself.
  const {createHash} = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto')
  return path.join(cacheDir(input.env), 'help', createHash('sha256').update(key).digest('hex').slice(0, 32) + '.txt')
}

export function readHelp(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

/** Store what oclif printed (best effort: a read-only home only means no fast help next time). */
export function writeHelp(file: string, text: string): void {
  writeCacheFile(file, text)
}
