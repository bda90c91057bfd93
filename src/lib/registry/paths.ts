import {join, resolve} from 'node:path'

import {homeDir} from '../dirs.js'

/** Every registry function takes these, so tests (and `--home`-style overrides) can point at a temp directory. */
export interface HomeOptions {
  /** Explicit nemoclaw home directory; wins over `env`. */
  home?: string
  /** Environment to read NEMOCLAW_HOME (and the test hooks) from; default process.env. */
  env?: NodeJS.ProcessEnv
}

export interface RegistryPaths {
  home: string
  /** sandboxes.json */
  file: string
  /** Lock directory created by proper-lockfile next to the file. */
  lock: string
  /** pruned.jsonl: one JSON line per removed (or restored) record. */
  journal: string
  /** Prefix of temp files written before the atomic rename. */
  tmpPrefix: string
  /** Prefix of files set aside because they could not be read. */
  corruptPrefix: string
}

const REGISTRY_FILE = 'sandboxes.json'
const JOURNAL_FILE = 'pruned.jsonl'

function resolveHome(options: HomeOptions | string = {}): string {
  if (typeof options === 'string') return resolve(options)
  if (options.home) return resolve(options.home)
  const env = options.env ?? process.env
  if (env.NEMOCLAW_HOME) return resolve(env.NEMOCLAW_HOME)
  return join(homeDir(env), '.nemoclaw')
}

export function registryPaths(options: HomeOptions | string = {}): RegistryPaths {
  const home = resolveHome(options)
  const file = join(home, REGISTRY_FILE)
  return {
    home,
    file,
    lock: `${file}.lock`,
    journal: join(home, JOURNAL_FILE),
    tmpPrefix: `${REGISTRY_FILE}.tmp-`,
    corruptPrefix: `${REGISTRY_FILE}.corrupt-`,
  }
}

export function envOf(options: HomeOptions | string = {}): NodeJS.ProcessEnv {
  return typeof options === 'string' ? process.env : (options.env ?? process.env)
}
