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
import path from 'node:path'

import {cacheDir, writeCacheFile, xdgDir} from '../dirs.js'
import {plainOclif, VERSION_HOOKS} from './fast-version.js'

/** Environment that changes oclif's help output: colour detection, width, CI, locale. */
const RENDER_ENV = /COLOR|^TERM|^CI$|^OCLIF_|^LANG$|^LC_/

interface HelpCacheInput {
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

/** A copy's place and the key it must carry: the file name is a short hash of the key, the key itself is its first line. */
interface HelpCopy {
  file: string
  key: string
}

/** The copy for this question, or undefined when it must not be cached or answered from a cache. */
export function helpCacheFile(input: HelpCacheInput): HelpCopy | undefined {
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
      .sort(([a], [b]) => (a < b ? -1 : 1)), // distinct names; no localeCompare (it loads ICU)
    files: files.map((f) => [f, identity(f)]),
    node: process.version,
    stdout: [Boolean(input.stdout.isTTY), input.stdout.isTTY ? (input.stdout.columns ?? 0) : 0],
  })
  // Not node:crypto: loading it costs more than the whole help answer. A name that two keys share only means the
  // copy of one is not used for the other (readHelp compares the key).
  return {
    file: path.join(cacheDir(input.env), 'help', fnv1a(key, 0x81_1c_9d_c5) + fnv1a(key, 0x9e_37_79_b9) + '.txt'),
    key,
  }
}

/** 32-bit FNV-1a over UTF-16 code units, from `seed`, as 8 hex digits. */
function fnv1a(text: string, seed: number): string {
  let hash = seed >>> 0
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01_00_01_93) >>> 0
  return hash.toString(16).padStart(8, '0')
}

/** The copy's text, when its file carries exactly this key. */
export function readHelp(copy: HelpCopy): string | undefined {
  let text: string
  try {
    text = readFileSync(copy.file, 'utf8')
  } catch {
    return undefined
  }

  const newline = text.indexOf('\n')
  return newline !== -1 && text.slice(0, newline) === copy.key ? text.slice(newline + 1) : undefined
}

/** Store what oclif printed (best effort: a read-only home only means no fast help next time). */
export function writeHelp(copy: HelpCopy, text: string): void {
  writeCacheFile(copy.file, copy.key + '\n' + text)
}
