/**
 * NemoClaw users' habit: `nemoclaw <sandbox> <action>` (connect, status, logs, destroy, recover) works for any
 * registered sandbox. Rewritten before oclif routes the command, so no "command not found" prompt races it.
 * Only a name that is actually registered is rewritten; anything else reaches oclif unchanged.
 */
import {readFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export const SANDBOX_ACTIONS = new Set(['connect', 'destroy', 'logs', 'recover', 'status'])

function registeredNames(env: NodeJS.ProcessEnv): Set<string> {
  const home = env.NEMOCLAW_HOME || path.join(env.HOME || os.homedir(), '.nemoclaw')
  try {
    const data = JSON.parse(readFileSync(path.join(home, 'sandboxes.json'), 'utf8')) as {sandboxes?: Record<string, unknown>}
    return new Set(data && typeof data.sandboxes === 'object' && data.sandboxes !== null ? Object.keys(data.sandboxes) : [])
  } catch {
    return new Set()
  }
}

export function rewriteArgv(argv: string[], env: NodeJS.ProcessEnv = process.env): string[] {
  if (argv.length < 2 || argv[0].startsWith('-') || !SANDBOX_ACTIONS.has(argv[1])) return argv
  if (!registeredNames(env).has(argv[0])) return argv
  return [argv[1], argv[0], ...argv.slice(2)]
}
