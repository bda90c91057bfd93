/**
 * NemoClaw users' habit: `nemoclaw <sandbox> <action>` (connect, status, logs, destroy, recover) works for any
 * registered sandbox. Rewritten before oclif routes the command, so no "command not found" prompt races it.
 * Only a name that is actually registered is rewritten; anything else reaches oclif unchanged.
 */
import {registeredNames} from '../registry/peek.js'

export const SANDBOX_ACTIONS = new Set(['connect', 'destroy', 'logs', 'recover', 'status'])

export function rewriteArgv(argv: string[], env: NodeJS.ProcessEnv = process.env): string[] {
  if (argv.length < 2 || argv[0].startsWith('-') || !SANDBOX_ACTIONS.has(argv[1])) return argv
  if (!registeredNames({env}).has(argv[0])) return argv
  return [argv[1], argv[0], ...argv.slice(2)]
}
