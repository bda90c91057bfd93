/**
 * listr2 task lists for probes and recovery steps. Each task's title says what is checked and, once done, ends with
 * its result (`Gateway 'nemoclaw' answers  ✔`, `Client trust matches the gateway  ✖ certificates rotated`).
 *
 * Renderers: the default (animated) renderer on a TTY; a plain line renderer when stderr is not a TTY or `CI` is
 * set; silent under --json. Task output always goes to stderr so stdout stays clean for data.
 */
import {Listr, ListrLogger, ListrLogLevels, ProcessOutput, type ListrTask} from 'listr2'

export type TaskVerdict = {ok: true; note?: string} | {ok: false; note: string} | {skipped: true; note: string}

export interface StepSpec<C> {
  title: string
  /** Run the step. Return a verdict; throwing counts as a failure with the error's message. */
  run: (ctx: C, update: (note: string) => void) => Promise<TaskVerdict>
  /** When true, a failure stops the rest of the list (recovery steps). Probes keep going. */
  fatal?: boolean
  /** Skip the task entirely when this returns a reason. */
  skipIf?: (ctx: C) => string | undefined
}

export interface TaskListOptions {
  /** --json: render nothing. */
  silent?: boolean
  /** Run the steps concurrently (independent probes). */
  concurrent?: boolean
  /** For tests / special streams. */
  stream?: NodeJS.WriteStream
}

export type RendererChoice = 'default' | 'simple' | 'silent'

export function chooseRenderer(opts: {silent?: boolean; isTTY?: boolean; ci?: boolean}): RendererChoice {
  if (opts.silent) return 'silent'
  if (!opts.isTTY || opts.ci) return 'simple'
  return 'default'
}

export function resultTitle(title: string, verdict: TaskVerdict): string {
  if ('skipped' in verdict) return `${title}  – ${verdict.note}`
  if (verdict.ok) return verdict.note ? `${title}  ✔ ${verdict.note}` : `${title}  ✔`
  return `${title}  ✖ ${verdict.note}`
}

class StepFailed extends Error {}

/** The titles already carry the result; drop listr2's `[FAILED: …]` / `[SKIPPED: …]` suffix that would repeat it. */
class ResultLogger extends ListrLogger {
  override log(level: ListrLogLevels, message: string, options?: Record<string, unknown>): void {
    if (level === ListrLogLevels.FAILED || level === ListrLogLevels.SKIPPED) {
      super.log(level, message)
      return
    }

    super.log(level, message, options as any)
  }
}

export async function runSteps<C extends object>(ctx: C, steps: StepSpec<C>[], opts: TaskListOptions = {}): Promise<{ok: boolean; failed: string[]}> {
  const stream = opts.stream ?? process.stderr
  const renderer = chooseRenderer({ci: Boolean(process.env.CI), isTTY: stream.isTTY, silent: opts.silent})
  const logger = new ResultLogger({processOutput: new ProcessOutput(stream, stream)})
  const failed: string[] = []
  let aborted: string | undefined

  const tasks: ListrTask<C>[] = steps.map((step) => ({
    async task(c, task) {
      if (aborted) {
        task.title = resultTitle(step.title, {note: `not run: '${aborted}' failed`, skipped: true})
        task.skip(task.title)
        return
      }

      let verdict: TaskVerdict
      try {
        verdict = await step.run(c, (note) => {
          task.output = note
        })
      } catch (error) {
        verdict = {note: error instanceof Error ? error.message : String(error), ok: false}
      }

      if ('skipped' in verdict) {
        task.title = resultTitle(step.title, verdict)
        task.skip(task.title)
        return
      }

      task.title = resultTitle(step.title, verdict)
      if (!verdict.ok) {
        failed.push(step.title)
        if (step.fatal) aborted = step.title
        throw new StepFailed(task.title)
      }
    },
    skip: step.skipIf ? (c: C) => step.skipIf!(c) ?? false : undefined,
    title: step.title,
  }))

  const list = new Listr<C, 'default', 'simple'>(tasks, {
    collectErrors: false,
    concurrent: Boolean(opts.concurrent),
    ctx,
    exitOnError: false,
    fallbackRendererOptions: {logger},
    registerSignalListeners: false,
    renderer: renderer === 'default' ? 'default' : 'simple',
    rendererOptions: {collapseErrors: false, logger, showErrorMessage: false},
    silentRendererCondition: renderer === 'silent',
    fallbackRendererCondition: renderer === 'simple',
  } as any)

  try {
    await list.run()
  } catch (error) {
    if (!(error instanceof StepFailed)) throw error
  }

  return {failed, ok: failed.length === 0}
}
