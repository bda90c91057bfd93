/**
 * Task lists for probes and recovery steps. Each task's title says what is checked and, once done, ends with its
 * result (`Gateway 'nemoclaw' answers  ✔`, `Client trust matches the gateway  ✖ certificates rotated`).
 *
 * One executor (runSteps) runs the steps — in order or concurrently, a fatal failure skipping the rest — and one of
 * three renderers shows them, always on stderr so stdout stays clean for data:
 * - on a TTY (and not CI): listr2's animated renderer, loaded only then;
 * - off a TTY or under CI: one line per task when it ends (`✔ …`, `⚠ …`, `✖ …`, `↓ …`), in task order;
 * - under --json: nothing.
 */
import type {ListrDefaultRendererTask, ListrSimpleRenderer, ListrTaskWrapper, LoggerFieldOptions} from 'listr2'
import type * as Listr2 from 'listr2'
/** How a step ended. `warning`: it did its job, but found something to look at (drawn `⚠`, not `✔`; not a failure). */
export type TaskVerdict =
  {ok: true; note?: string; warning?: boolean} | {ok: false; note: string} | {skipped: true; note: string}

export interface StepSpec<C> {
  title: string
  /** Run the step. Return a verdict; throwing counts as a failure with the error's message. */
  run: (ctx: C, update: (note: string) => void) => Promise<TaskVerdict>
  /** When true, a failure stops the rest of the list (recovery steps). Probes keep going. */
  fatal?: boolean
}

interface TaskListOptions {
  /** --json: render nothing. */
  silent?: boolean
  /** Run the steps concurrently (independent probes). */
  concurrent?: boolean
  /** For tests / special streams. */
  stream?: NodeJS.WriteStream
}

type RendererChoice = 'default' | 'simple' | 'silent'

export function chooseRenderer(opts: {silent?: boolean; isTTY?: boolean; ci?: boolean}): RendererChoice {
  if (opts.silent) return 'silent'
  if (!opts.isTTY || opts.ci) return 'simple'
  return 'default'
}

function resultTitle(title: string, verdict: TaskVerdict): string {
  if ('skipped' in verdict) return `${title}  – ${verdict.note}`
  if (verdict.ok) {
    const mark = verdict.warning ? '⚠' : '✔'
    return verdict.note ? `${title}  ${mark} ${verdict.note}` : `${title}  ${mark}`
  }

  return `${title}  ✖ ${verdict.note}`
}

/** How a step ended: its final title (with the result) and the line symbol off a TTY. */
interface StepOutcome {
  state: 'ok' | 'warned' | 'failed' | 'skipped'
  title: string
}

const SYMBOL: Record<StepOutcome['state'], string> = {failed: '✖', ok: '✔', skipped: '↓', warned: '⚠'}

/** The line a finished task prints off a TTY. */
function outcomeLine(o: StepOutcome): string {
  return `${SYMBOL[o.state]} ${o.title}`
}

interface RunState {
  aborted?: string
  failed: string[]
}

/** Run one step to its outcome (never throws): a fatal failure before it, its verdict or its exception. */
async function runStep<C>(
  ctx: C,
  step: StepSpec<C>,
  state: RunState,
  update: (note: string) => void,
): Promise<StepOutcome> {
  if (state.aborted !== undefined) {
    return {
      state: 'skipped',
      title: resultTitle(step.title, {note: `not run: '${state.aborted}' failed`, skipped: true}),
    }
  }

  let verdict: TaskVerdict
  try {
    verdict = await step.run(ctx, update)
  } catch (error) {
    verdict = {note: error instanceof Error ? error.message : String(error), ok: false}
  }

  if ('skipped' in verdict) return {state: 'skipped', title: resultTitle(step.title, verdict)}
  if (!verdict.ok) {
    state.failed.push(step.title)
    if (step.fatal) state.aborted = step.title
    return {state: 'failed', title: resultTitle(step.title, verdict)}
  }

  return {state: verdict.warning ? 'warned' : 'ok', title: resultTitle(step.title, verdict)}
}

/**
 * Off a TTY: one line per task when it ends, in task order — a concurrent task that ends before an earlier one is
 * printed once every task before it has ended.
 */
async function runPlain<C>(
  ctx: C,
  steps: StepSpec<C>[],
  state: RunState,
  opts: {concurrent: boolean; write?: (line: string) => void},
): Promise<void> {
  const ended: Array<StepOutcome | undefined> = []
  let printed = 0
  const one = async (step: StepSpec<C>, index: number): Promise<void> => {
    ended[index] = await runStep(ctx, step, state, () => {})
    for (let next = ended[printed]; next !== undefined; next = ended[printed]) {
      opts.write?.(outcomeLine(next) + '\n')
      printed++
    }
  }

  if (opts.concurrent) await Promise.all(steps.map((step, i) => one(step, i)))
  else for (const [i, step] of steps.entries()) await one(step, i)
}

/** Thrown by a listr2 task whose step failed (the title already says why); runListr swallows it. */
class StepFailed extends Error {}

/**
 * listr2's logger and default renderer, adapted: the titles already carry the result, a task that ended with a
 * warning is drawn `⚠`, and everything is drawn on `stream`. Takes the loaded module: listr2 is loaded only on a TTY.
 */
function resultRendering(listr2: typeof Listr2, stream: NodeJS.WriteStream) {
  const {DefaultRenderer, ListrDefaultRendererLogLevels, ListrLogger, ListrLogLevels, ProcessOutput} = listr2
  /** Levels of the logger: the default renderer draws icons with its own; log lines come with the generic ones. */
  type Level =
    | (typeof ListrLogLevels)[keyof typeof ListrLogLevels]
    | (typeof ListrDefaultRendererLogLevels)[keyof typeof ListrDefaultRendererLogLevels]
  /** The titles already carry the result; drop listr2's `[FAILED: …]` / `[SKIPPED: …]` suffix that would repeat it. */
  class ResultLogger extends ListrLogger<Level> {
    override log(level: Level, message: string, options?: LoggerFieldOptions): void {
      if (level === ListrLogLevels.FAILED || level === ListrLogLevels.SKIPPED) super.log(level, message)
      else super.log(level, message, options)
    }
  }

  const logger = new ResultLogger({processOutput: new ProcessOutput(stream, stream)})
  /**
   * A task that ended with a warning is drawn with listr2's own warning icon (`⚠`, yellow: the one it draws for a
   * task completed with failed subtasks) instead of `✔`; everything else as listr2 draws it.
   */
  const warned = new WeakSet<object>()
  class ResultRenderer extends DefaultRenderer {
    /**
     * listr2 falls back to its line renderer, on stdout, when stdout is not a TTY; this one draws on `stream`, which
     * is a TTY (chooseRenderer), so `nemoclaw status > file` in a terminal keeps the task list out of the file.
     */
    static override nonTTY = true

    protected override style(task: ListrDefaultRendererTask, output = false): string {
      if (!output && task.isCompleted() && warned.has(task))
        return logger.icon(ListrDefaultRendererLogLevels.COMPLETED_WITH_FAILED_SUBTASKS)
      return super.style(task, output)
    }
  }

  return {logger, ResultRenderer, warned}
}

/** On a TTY: listr2's animated renderer over the same steps. */
async function runListr<C extends object>(
  ctx: C,
  steps: StepSpec<C>[],
  state: RunState,
  opts: {concurrent: boolean; stream: NodeJS.WriteStream},
): Promise<void> {
  const listr2 = await import('listr2')
  const {logger, ResultRenderer, warned} = resultRendering(listr2, opts.stream)
  const tasks = steps.map((step) => ({
    async task(c: C, task: ListrTaskWrapper<C, typeof ResultRenderer, ListrSimpleRenderer>) {
      const o = await runStep(c, step, state, (note) => {
        task.output = note
      })
      task.title = o.title
      if (o.state === 'warned') warned.add(task.task)
      if (o.state === 'skipped') task.skip(o.title)
      else if (o.state === 'failed') throw new StepFailed(o.title)
    },
    title: step.title,
  }))
  const list = new listr2.Listr<C, typeof ResultRenderer>(tasks, {
    collectErrors: false,
    concurrent: opts.concurrent,
    ctx,
    exitOnError: false,
    registerSignalListeners: false,
    renderer: ResultRenderer,
    rendererOptions: {collapseErrors: false, logger, showErrorMessage: false},
  })
  try {
    await list.run()
  } catch (error) {
    if (!(error instanceof StepFailed)) throw error
  }
}

export async function runSteps<C extends object>(
  ctx: C,
  steps: StepSpec<C>[],
  opts: TaskListOptions = {},
): Promise<{ok: boolean; failed: string[]}> {
  const stream = opts.stream ?? process.stderr
  const renderer = chooseRenderer({ci: Boolean(process.env.CI), isTTY: stream.isTTY, silent: opts.silent})
  const state: RunState = {failed: []}
  const concurrent = Boolean(opts.concurrent)
  if (renderer === 'default') await runListr(ctx, steps, state, {concurrent, stream})
  else
    await runPlain(ctx, steps, state, {
      concurrent,
      write: renderer === 'simple' ? (line) => stream.write(line) : undefined,
    })
  return {failed: state.failed, ok: state.failed.length === 0}
}
