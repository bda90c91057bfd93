/**
 * The `recover` service: recover every gateway that needs it (the planner's safe steps, through gateway/execute.ts
 * `recoverGateways` as `doctor --fix` does), then reconcile again, waiting — bounded, with backoff — while sandboxes
 * are still coming back (Provisioning after a restart). Stops the moment everything is Ready.
 *
 * A sandbox the user named that is Stopped is started in place (`openshell sandbox start`, workspace kept) where the
 * CLI can; a sandbox in Error is never deleted or recreated here. After a trust re-import, sandboxes that stay
 * Provisioning are told apart: on a real 0.0.111 gateway their supervisors keep the old CA and never reconnect.
 */
import {guidanceFor} from '../gateway/classes.js'
import {waitTimeoutMs} from '../gateway/planner.js'
import {type RecoveryReport, recoverGateways} from '../gateway/execute.js'
import type {OpenShell} from '../openshell/client.js'
import {backoff, poll} from '../poll.js'
import {type Reconciliation, reconcile} from '../reconcile/run.js'
import {runSteps} from '../ui/tasks.js'

export async function recover(
  client: OpenShell,
  before: Reconciliation,
  opts: {name?: string; silent?: boolean},
): Promise<{after: Reconciliation; reports: RecoveryReport[]}> {
  const reports = await recoverGateways(client, before.gateways.values(), {
    defaultSandbox: before.defaultSandbox,
    records: before.records,
    silent: opts.silent,
    target: opts.name,
  })

  // Keep what recovery learned: a gateway it tried to start that still refuses is "refusing after restart", not
  // merely "unreachable" (whose advice would be to run the recovery that just failed).
  const startAttempted = reports.filter((rep) => rep.startAttempted).map((rep) => rep.before.gateway)
  const again = () => reconcile(client, {by: 'nemoclaw recover', name: opts.name, silent: true, startAttempted})
  // Nothing was recovered: the prerun reconciliation still holds, so do not probe again.
  let after = reports.length === 0 ? before : await again()
  after = await startStopped(client, after, {name: opts.name, silent: opts.silent}, again)
  const reimported = new Set(
    reports
      .filter((rep) => rep.steps.some((s) => s.step.kind === 'reimport-trust' && s.ok))
      .map((rep) => rep.before.gateway),
  )
  if (gatewaysOk(after) && notReady(after))
    after = await waitSandboxesReady(client, after, {reimported: reimported.size > 0, silent: opts.silent}, again)
  return {after: withReimportGuidance(after, reimported), reports}
}

const notReady = (r: Reconciliation) => r.verdicts.some((v) => v.classId === 'sandbox_not_ready')
const gatewaysOk = (r: Reconciliation) => [...r.gateways.values()].every((h) => h.classId === 'ok')

/** The sandbox the user named, when it is Stopped and its CLI can start it: started in place, then reconciled again. */
async function startStopped(
  client: OpenShell,
  after: Reconciliation,
  opts: {name?: string; silent?: boolean},
  again: () => Promise<Reconciliation>,
): Promise<Reconciliation> {
  const stopped =
    opts.name === undefined
      ? undefined
      : after.verdicts.find((v) => v.name === opts.name && v.classId === 'sandbox_stopped' && v.phase === 'Stopped')
  if (!stopped || !after.gateways.get(stopped.gateway)?.facts.capabilities?.sandboxStart) return after
  await runSteps(
    {},
    [
      {
        async run() {
          const started = await client.sandboxStart(stopped.name, stopped.gateway)
          return started.ok ? {ok: true} : {note: started.failure.message, ok: false}
        },
        title: `Start sandbox '${stopped.name}' (workspace kept)`,
      },
    ],
    {silent: opts.silent},
  )
  return again()
}

/** Reconcile again, bounded and with backoff, while sandboxes are still coming back; returns the last reconciliation. */
async function waitSandboxesReady(
  client: OpenShell,
  from: Reconciliation,
  opts: {reimported: boolean; silent?: boolean},
  again: () => Promise<Reconciliation>,
): Promise<Reconciliation> {
  let after = from
  await runSteps(
    {},
    [
      {
        async run() {
          // Supervisors that can reconnect do so within seconds; after a CA rotation they cannot (they hold the old
          // CA), so do not keep the user waiting the whole budget for that.
          const budget = opts.reimported
            ? Math.min(waitTimeoutMs(client.env), REIMPORT_WAIT_MS)
            : waitTimeoutMs(client.env)
          after = await poll(again, (r) => !notReady(r), {
            delays: backoff(150, 1.5, 1000),
            first: {value: after},
            timeoutMs: budget,
          })

          const waiting = after.verdicts.filter((v) => v.classId === 'sandbox_not_ready').map((v) => v.name)
          return waiting.length === 0 ? {ok: true} : {note: `still not ready: ${waiting.join(', ')}`, ok: false}
        },
        title: 'Wait until the sandboxes are Ready',
      },
    ],
    {silent: opts.silent},
  )
  return after
}

/** After a trust re-import, a sandbox still not Ready gets the guidance that says why (its supervisor keeps the old CA). */
function withReimportGuidance(after: Reconciliation, reimported: ReadonlySet<string>): Reconciliation {
  if (reimported.size === 0) return after
  return {
    ...after,
    verdicts: after.verdicts.map((v) => {
      const health = after.gateways.get(v.gateway)
      if (v.classId !== 'sandbox_not_ready' || !reimported.has(v.gateway) || !health) return v
      return {
        ...v,
        guidance: guidanceFor('sandbox_not_ready', {
          ...health.context,
          phase: v.phase,
          sandbox: v.name,
          trustReimported: true,
        }),
      }
    }),
  }
}

/** How long recovery waits for sandboxes after it re-imported a rotated CA (see recover). */
const REIMPORT_WAIT_MS = 15_000
