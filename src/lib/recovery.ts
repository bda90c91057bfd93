/**
 * `recover` and `doctor --fix`: recover every gateway that needs it (the planner's safe steps only), then
 * reconcile again, waiting — bounded, with backoff — while sandboxes are still coming back (Provisioning after a
 * restart). Stops the moment everything is Ready.
 *
 * A sandbox the user named that is Stopped is started in place (`openshell sandbox start`, workspace kept) where the
 * CLI can; a sandbox in Error is never deleted or recreated here. After a trust re-import, sandboxes that stay
 * Provisioning are told apart: on a real 0.0.111 gateway their supervisors keep the old CA and never reconnect.
 */
import {guidanceFor} from './gateway/classes.js'
import {waitTimeoutMs} from './gateway/planner.js'
import {type RecoveryReport, recoverGateways} from './gateway/recover.js'
import type {OpenShell} from './openshell/client.js'
import {backoff, poll} from './poll.js'
import {type Reconciliation, reconcile} from './reconcile/run.js'
import {runSteps} from './ui/tasks.js'

export async function recoverAll(
  client: OpenShell,
  before: Reconciliation,
  opts: {name?: string; silent?: boolean},
): Promise<{after: Reconciliation; reports: RecoveryReport[]}> {
  const reports = await recoverGateways(client, before.gateways.values(),
    {defaultSandbox: before.defaultSandbox, records: before.records, silent: opts.silent, target: opts.name})

  // Keep what recovery learned: a gateway it tried to start that still refuses is "refusing after restart", not
  // merely "unreachable" (whose advice would be to run the recovery that just failed).
  const startAttempted = reports.filter((rep) => rep.startAttempted).map((rep) => rep.before.gateway)
  // Nothing was recovered: the prerun reconciliation still holds, so do not probe again.
  let after = reports.length === 0 ? before : await reconcile(client, {by: 'nemoclaw recover', name: opts.name, silent: true, startAttempted})
  const notReady = (r: Reconciliation) => r.verdicts.some((v) => v.classId === 'sandbox_not_ready')
  const gatewaysOk = (r: Reconciliation) => [...r.gateways.values()].every((h) => h.classId === 'ok')
  const stopped = opts.name === undefined ? undefined : after.verdicts.find((v) => v.name === opts.name && v.classId === 'sandbox_stopped' && v.phase === 'Stopped')
  if (stopped && after.gateways.get(stopped.gateway)?.facts.capabilities?.sandboxStart) {
    await runSteps({}, [
      {
        async run() {
          const started = await client.sandboxStart(stopped.name, stopped.gateway)
          return started.ok ? {ok: true} : {note: started.failure.message, ok: false}
        },
        title: `Start sandbox '${stopped.name}' (workspace kept)`,
      },
    ], {silent: opts.silent})
    after = await reconcile(client, {by: 'nemoclaw recover', name: opts.name, silent: true, startAttempted})
  }

  const reimported = new Set(reports.filter((rep) => rep.steps.some((s) => s.step.kind === 'reimport-trust' && s.ok)).map((rep) => rep.before.gateway))
  if (gatewaysOk(after) && notReady(after)) {
    await runSteps({}, [
      {
        async run() {
          // Supervisors that can reconnect do so within seconds; after a CA rotation they cannot (they hold the old
          // CA), so do not keep the user waiting the whole budget for that.
          const budget = reimported.size > 0 ? Math.min(waitTimeoutMs(client.env), REIMPORT_WAIT_MS) : waitTimeoutMs(client.env)
          after = await poll(() => reconcile(client, {by: 'nemoclaw recover', name: opts.name, silent: true, startAttempted}), (r) => !notReady(r),
            {delays: backoff(150, 1.5, 1000), first: {value: after}, timeoutMs: budget})

          const waiting = after.verdicts.filter((v) => v.classId === 'sandbox_not_ready').map((v) => v.name)
          return waiting.length === 0 ? {ok: true} : {note: `still not ready: ${waiting.join(', ')}`, ok: false}
        },
        title: 'Wait until the sandboxes are Ready',
      },
    ], {silent: opts.silent})
  }

  if (reimported.size > 0) {
    after = {
      ...after,
      verdicts: after.verdicts.map((v) => {
        const health = after.gateways.get(v.gateway)
        if (v.classId !== 'sandbox_not_ready' || !reimported.has(v.gateway) || !health) return v
        return {...v, guidance: guidanceFor('sandbox_not_ready', {...health.context, phase: v.phase, sandbox: v.name, trustReimported: true})}
      }),
    }
  }

  return {after, reports}
}

/** How long recovery waits for sandboxes after it re-imported a rotated CA (see recoverAll). */
export const REIMPORT_WAIT_MS = 15_000
