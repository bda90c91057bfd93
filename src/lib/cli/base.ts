/**
 * The base of every nemoclaw command: a --json flag, exit-code handling that survives --json (oclif would turn
 * `this.error(…, {exit})` into exit 1 under enableJsonFlag), and the static `targetsSandbox` declaration the
 * prerun hook reads. Plugin commands that act on a sandbox extend this class (or set the same static property).
 */
import {Command, Flags} from '@oclif/core'

export abstract class NemoclawCommand extends Command {
  /** The prerun hook reconciles the target sandbox (or all, when no name is given) before `run()`. */
  static targetsSandbox = false

  static override baseFlags = {
    json: Flags.boolean({description: 'Print machine-readable JSON on stdout (progress is silent).', default: false}),
  }

  /** Print a JSON document on stdout. */
  protected printJson(data: unknown): void {
    process.stdout.write(JSON.stringify(data, null, 2) + '\n')
  }

  /** Finish with an exit code, after output has been written. */
  protected finish(code: number): void {
    if (code !== 0) this.exit(code)
  }

  /** A clear error with a specific exit code; under --json also as a JSON document on stdout. */
  protected fail(message: string, opts: {exit: number; json?: boolean; id?: string}): never {
    if (opts.json) {
      this.printJson({error: {id: opts.id ?? 'error', message}, schemaVersion: 1})
      this.exit(opts.exit)
    }

    this.error(message, {exit: opts.exit})
  }
}
