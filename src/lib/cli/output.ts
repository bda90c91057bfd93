/**
 * The JSON writer and the one failure path of every command, free of oclif so that the fast path (fast.ts) shares
 * them: `failCommand` calls the command's own `exit`/`error` (oclif's on a Command; the fast path's equivalents).
 */

/** Print a JSON document on stdout (the one JSON writer of every command). */
export function writeJson(data: unknown): void {
  process.stdout.write(JSON.stringify(data, null, 2) + '\n')
}

/** What failCommand needs: a command, or a hook's context. */
export interface Failable {
  exit(code?: number): unknown
  error(message: string, options: {exit: number}): unknown
}

/** What a command body needs besides failing: a line of text on stdout. */
export interface CommandIO extends Failable {
  log(text: string): void
}

/**
 * End `cmd` with a clear error and a specific exit code; under --json the error is also a JSON document on stdout
 * (`{schemaVersion: 1, error: {id, message}}`). The one place for that shape: commands call it through
 * `NemoclawCommand.fail`, shared helpers (e.g. target resolution) directly.
 */
export function failCommand(cmd: Failable, message: string, opts: {exit: number; json?: boolean; id?: string}): never {
  if (opts.json) {
    writeJson({schemaVersion: 1, error: {id: opts.id ?? 'error', message}})
    cmd.exit(opts.exit)
  }

  cmd.error(message, {exit: opts.exit})
  throw new Error(message) // not reached: error() throws
}

/** Finish with an exit code, after output has been written. */
export function finish(cmd: Failable, code: number): void {
  if (code !== 0) cmd.exit(code)
}

/** The exit code an error carries for oclif (`error.oclif.exit`), if any. */
export function exitOf(error: unknown): number | undefined {
  const exit = (error as {oclif?: {exit?: unknown}} | undefined)?.oclif?.exit
  return typeof exit === 'number' ? exit : undefined
}
