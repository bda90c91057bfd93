/**
 * The registry read that routes argv (cli/argv.ts: NemoClaw-style `nemoclaw NAME status`) before any command runs:
 * synchronous, without the lock (the file is only ever replaced atomically), read-only, and small enough for the
 * fast path's start-up (it imports only paths.ts and schema.ts).
 */
import {readFileSync} from 'node:fs'

import {registryPaths, type HomeOptions} from './paths.js'
import {recordNames} from './schema.js'

/** The sandbox names the registry file lists; none when it is missing or cannot be read. */
export function registeredNames(options: HomeOptions = {}): Set<string> {
  let text: string
  try {
    text = readFileSync(registryPaths(options).file, 'utf8')
  } catch {
    return new Set()
  }

  return new Set(recordNames(text))
}
