/**
 * The one confirmation before a sandbox is deleted (`destroy`, `onboard --recreate`). With --yes nothing is asked.
 * Without it, a terminal is needed to ask: under --json, --non-interactive or without a terminal the command is
 * refused (exit 2; the JSON error document under --json) before it runs anything. In a terminal the question names
 * the sandbox and its gateway and defaults to no.
 */
import {failCommand, type Failable} from './output.js'

const CONFIRMATION_REQUIRED_EXIT = 2

interface ConfirmOptions {
  /** --yes was given. */
  yes: boolean
  json: boolean
  /** --non-interactive was given (commands that have the flag). */
  nonInteractive?: boolean
  sandbox: string
  /** The sandbox's gateway, when known already. */
  gateway?: string
  /** What confirms, as a sentence: e.g. "Run `nemoclaw destroy alpha --yes`." */
  rerun: string
  /** Appended to the question after the sandbox, e.g. " and create it again". */
  then?: string
}

/** Can the user be asked? A terminal on both ends, and neither --json nor --non-interactive. */
export function canAsk(opts: Pick<ConfirmOptions, 'json' | 'nonInteractive'>): boolean {
  return !opts.json && !opts.nonInteractive && Boolean(process.stdin.isTTY && process.stdout.isTTY)
}

function where(opts: Pick<ConfirmOptions, 'gateway' | 'sandbox'>): string {
  return `sandbox '${opts.sandbox}'${opts.gateway ? ` on gateway '${opts.gateway}'` : ''}`
}

/** The question asked in a terminal. */
function deletionQuestion(opts: Pick<ConfirmOptions, 'gateway' | 'sandbox' | 'then'>): string {
  return `Delete ${where(opts)}${opts.then ?? ''}? Its files are lost.`
}

/** Call first, before anything runs: refuses (never returns) when a confirmation is needed and cannot be asked for. */
export function refuseUnconfirmable(cmd: Failable, opts: ConfirmOptions): void {
  if (opts.yes || canAsk(opts)) return
  const why = opts.json ? '--json' : opts.nonInteractive ? '--non-interactive' : 'not a terminal'
  failCommand(cmd, `Refusing to delete ${where(opts)} without --yes (${why}). ${opts.rerun}`, {
    exit: CONFIRMATION_REQUIRED_EXIT,
    id: 'confirmation_required',
    json: opts.json,
  })
}

/** Ask (default no); true without asking when --yes was given. Call refuseUnconfirmable first. */
export async function confirmDeletion(opts: ConfirmOptions): Promise<boolean> {
  if (opts.yes) return true
  const {confirm} = await import('@inquirer/prompts')
  return confirm({default: false, message: deletionQuestion(opts)})
}
