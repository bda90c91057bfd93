/**
 * The base of every nemoclaw command: a --json flag, exit-code handling that survives --json (oclif would turn
 * `this.error(…, {exit})` into exit 1 under enableJsonFlag), and the static `targetsSandbox` declaration the
 * prerun hook reads. Plugin commands that act on a sandbox extend this class (or set the same static property).
 */
import {Command, Errors, Flags} from '@oclif/core'

import {exitOf, failCommand, finish, writeJson} from './output.js'

export abstract class NemoclawCommand extends Command {
  /**
   * Under --json, an error that did not come through failCommand (a usage error from flag parsing, an unexpected
   * failure) is still the JSON error document: id `usage_error` (exit 2) for parse errors, else `error` with the
   * error's own exit code (1 when it has none). failCommand's own exits pass through untouched.
   */
  protected override async catch(err: Error): Promise<unknown> {
    if (!(err instanceof Errors.ExitError) && this.argv.includes('--json')) {
      const usage = err instanceof Errors.CLIError && 'parse' in err
      failCommand(this, err.message, {exit: exitOf(err) ?? 1, id: usage ? 'usage_error' : 'error', json: true})
    }

    return super.catch(err)
  }

  /** The prerun hook reconciles the target sandbox (or all, when no name is given) before `run()`. */
  static targetsSandbox = false

  /** Boolean flags under which the command reads only local files: the prerun hook then does not reconcile. */
  static skipReconcileFor: string[] = []

  static override baseFlags = {
    json: Flags.boolean({description: 'Print machine-readable JSON on stdout (progress is silent).', default: false}),
  }

  /** Print a JSON document on stdout. */
  protected printJson(data: unknown): void {
    writeJson(data)
  }

  /** Finish with an exit code, after output has been written. */
  protected finish(code: number): void {
    finish(this, code)
  }

  /** A clear error with a specific exit code; under --json also as a JSON document on stdout. */
  protected fail(message: string, opts: {exit: number; json?: boolean; id?: string}): never {
    failCommand(this, message, opts)
  }
}
