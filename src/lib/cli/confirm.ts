/**
 * The one confirmation before a sandbox is deleted. With --yes nothing is asked. Without it a terminal is needed to
 * ask: otherwise the command is refused (exit 2) before it runs anything. In a terminal the question names the
 * sandbox and its gateway and defaults to no.
 */
import type {Failable} from './base.js'

export const CONFIRMATION_REQUIRED_EXIT = 2

export interface ConfirmOptions {
  /** --yes was given. */
  yes: boolean
  sandbox: string
  /** The sandbox's gateway, when known already. */
  gateway?: string
  /** The command line that confirms, e.g. `nemoclaw destroy alpha --yes`. */
  rerun: string
}

/** Can the user be asked? A terminal on both ends. */
export function canAsk(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY)
}

function where(opts: Pick<ConfirmOptions, 'gateway' | 'sandbox'>): string {
  return `sandbox '${opts.sandbox}'${opts.gateway ? ` on gateway '${opts.gateway}'` : ''}`
}

/** The question asked in a terminal. */
export function deletionQuestion(opts: Pick<ConfirmOptions, 'gateway' | 'sandbox'>): string {
  return `Delete ${where(opts)}? Its files are lost.`
}

/** Call first, before anything runs: refuses (never returns) when a confirmation is needed and cannot be asked for. */
export function refuseUnconfirmable(cmd: Failable, opts: ConfirmOptions): void {
  if (opts.yes || canAsk()) return
  cmd.error(`Refusing to delete ${where(opts)} without --yes (not a terminal). Run \`${opts.rerun}\`.`, {exit: CONFIRMATION_REQUIRED_EXIT})
}

/** Ask (default no); true without asking when --yes was given. Call refuseUnconfirmable first. */
export async function confirmDeletion(opts: ConfirmOptions): Promise<boolean> {
  if (opts.yes) return true
  const {confirm} = await import('@inquirer/prompts')
  return confirm({default: false, message: deletionQuestion(opts)})
}
