/**
 * `doctor --fix`: only safe, non-destructive repairs, each shown as a task.
 *  - registry: move an unusable file aside intact (update with setAsideCorrupt), fix permissions (0600/0700);
 *  - gateways: the recovery planner's steps via recoverGateway (select, start, re-import trust, wait) — only when
 *    the plan has something to do; a plan that is only "stop" is left to the printed guidance.
 * Never destroys, recreates, deletes or prunes anything.
 */
import {recoverGateways} from '../gateway/execute.js'
import {checkPermissions, fixPermissions, update} from '../registry/index.js'
import {runSteps, type StepSpec, type TaskVerdict} from '../ui/tasks.js'
import type {DoctorContext} from './context.js'
import type {FixRecord} from './runner.js'

/** A task body whose outcome (including a throw) is also recorded for --json. */
function recorded(records: FixRecord[], title: string, fn: () => Promise<string>): () => Promise<TaskVerdict> {
  return async () => {
    try {
      const note = await fn()
      records.push({note, ok: true, title})
      return {note, ok: true}
    } catch (error) {
      const note = error instanceof Error ? error.message : String(error)
      records.push({note, ok: false, title})
      return {note, ok: false}
    }
  }
}

export async function applyFixes(ctx: DoctorContext, opts: {silent?: boolean} = {}): Promise<FixRecord[]> {
  const env = ctx.env
  const records: FixRecord[] = []
  const reg = await ctx.registry()
  const steps: Array<StepSpec<object>> = []

  if (reg.problem?.canSetAside) {
    const title = 'Move the unreadable registry aside'
    steps.push({
      run: recorded(records, title, async () => {
        const r = await update(() => {}, {env, setAsideCorrupt: true})
        return r.setAside?.message ?? 'nothing to move'
      }),
      title,
    })
  }

  // After a set-aside the new file exists; permissions are checked when the step runs (sequential list).
  const permsNow = await checkPermissions({env})
  if (permsNow.length > 0 || reg.problem?.canSetAside) {
    const title = 'Fix registry permissions (directory 0700, files 0600)'
    steps.push({
      run: recorded(records, title, async () => {
        const fixed = await fixPermissions({env})
        return fixed.length === 0 ? 'already private' : `${fixed.length} path(s) fixed`
      }),
      title,
    })
  }

  if (steps.length > 0) await runSteps({}, steps, {silent: opts.silent})

  // Gateways: the same safe recovery as `nemoclaw recover`, selecting one gateway at most.
  const healths = [...(await ctx.live()).values()].map((l) => l.health)
  const gatewayReports = await recoverGateways(ctx.client, healths, {
    actionableOnly: true,
    defaultSandbox: reg.registry.defaultSandbox,
    records: await ctx.records(),
    silent: opts.silent,
  })
  for (const report of gatewayReports) {
    for (const s of report.steps) records.push({note: s.note, ok: s.ok, title: s.title})
  }

  return records
}
