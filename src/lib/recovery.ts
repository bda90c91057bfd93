/**
 * `recover` and `doctor --fix`: recover every gateway that needs it (the planner's safe steps only), then
 * reconcile again, waiting — bounded, with backoff — while sandboxes are still coming back (Provisioning after a
 * restart). Stops the moment everything is Ready.
 */
import {waitTimeoutMs} from './gateway/planner.js'
import {backoff, type RecoveryReport, recoverGateways, sleep} from './gateway/recover.js'
import type {OpenShell} from './openshell/client.js'
import {type Reconciliation, reconcile} from './sandboxes.js'
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
  if (gatewaysOk(after) && notReady(after)) {
    await runSteps({}, [
      {
        async run() {
          const deadline = Date.now() + waitTimeoutMs(client.env)
          const delays = backoff(150, 1.5, 1000)
          while (notReady(after) && Date.now() < deadline) {
             
            await sleep(Math.min(delays.next().value as number, Math.max(0, deadline - Date.now())))
             
            after = await reconcile(client, {by: 'nemoclaw recover', name: opts.name, silent: true, startAttempted})
          }

          const waiting = after.verdicts.filter((v) => v.classId === 'sandbox_not_ready').map((v) => v.name)
          return waiting.length === 0 ? {ok: true} : {note: `still not ready: ${waiting.join(', ')}`, ok: false}
        },
        title: 'Wait until the sandboxes are Ready',
      },
    ], {silent: opts.silent})
  }

  return {after, reports}
}
