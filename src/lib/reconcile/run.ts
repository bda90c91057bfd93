/**
 * The reconcile run: read the registry, gather the live state as one task list (gather.ts), decide (decide.ts), and
 * apply the registry changes the evidence justifies (apply.ts: lastSeen updates; removals only on proof, journaled;
 * best effort, never failing the read). Used by the prerun hook (cli/targets.ts, once per process: cli/session.ts),
 * `recover` and `doctor --fix` (after recovery, services/recover.ts).
 */
import type {ClassId} from '../gateway/classes.js'
import {worstClass} from '../gateway/classes.js'
import type {GatewayHealth} from '../gateway/health.js'
import type {OpenShell} from '../openshell/client.js'
import {
  compareSandboxNames,
  LEGACY_GATEWAY,
  load,
  type RegistryProblem,
  type SandboxRecord,
  type WriteFailure,
} from '../registry/index.js'
import {runSteps} from '../ui/tasks.js'
import {applyDecision, type NotPruned} from './apply.js'
import {type Decision, decide, type Verdict} from './decide.js'
import {gatherSteps, healthOf, inferenceRouteOf, liveOf} from './gather.js'

export const DEFAULT_GATEWAY = LEGACY_GATEWAY

export interface Reconciliation {
  /** The records that were reconciled (all, or the one named). */
  records: SandboxRecord[]
  /** The registry's default sandbox. */
  defaultSandbox: string | null
  gateways: Map<string, GatewayHealth>
  verdicts: Verdict[]
  pruned: Decision['prune']
  /** Proven removals that could not be written: the record stays registered and nothing was journaled. */
  notPruned: NotPruned[]
  /** The first registry write of this reconcile that failed (a removal or lastSeen): the registry is not writable. */
  writeFailure?: WriteFailure
  /**
   * With `inference`: each gateway's route as `inference get` reads it (null: none configured, or not readable).
   * OpenShell's route is per gateway: every sandbox on it uses it.
   */
  inference?: Map<string, {provider: string; model: string} | null>
  /** Set when the registry could not be read: nothing was reconciled or written. */
  registryProblem?: RegistryProblem
}

interface ReconcileOptions {
  /** Write lastSeen even when it is fresh, as proof the registry can be written (apply.ts; destroy). */
  proveWritable?: boolean
  /** Only this sandbox (must be registered, else `records` is empty). */
  name?: string
  /** Gateways to probe even without records (e.g. the default gateway when nothing is registered). */
  extraGateways?: string[]
  silent?: boolean
  /** Apply the registry updates (default true). */
  write?: boolean
  by?: string
  /** Gateways a start was just attempted on (by recovery): a refusing API then reads as refusing-after-restart. */
  startAttempted?: string[]
  /**
   * Also read the inference route of each gateway that holds records: one `inference get` per gateway, concurrently
   * with the probes.
   */
  inference?: boolean
}

export function worstOf(r: Reconciliation, name?: string): ClassId {
  if (name) {
    const v = r.verdicts.find((x) => x.name === name)
    return v ? v.classId : 'unknown'
  }

  return worstClass([...[...r.gateways.values()].map((h) => h.classId), ...r.verdicts.map((v) => v.classId)])
}

export async function reconcile(client: OpenShell, opts: ReconcileOptions = {}): Promise<Reconciliation> {
  const loaded = await load({env: client.env})
  const all = Object.values(loaded.registry.sandboxes).sort((a, b) => compareSandboxNames(a.name, b.name))
  const records = opts.name ? all.filter((r) => r.name === opts.name) : all
  const gatewayNames = [...new Set([...records.map((r) => r.gateway), ...(opts.extraGateways ?? [])])]
  if (gatewayNames.length === 0) gatewayNames.push(DEFAULT_GATEWAY)

  const holdsRecords = (gw: string): boolean => records.some((r) => r.gateway === gw)
  // like the list, the route only for gateways that hold records (an unreadable registry is refused before anything else)
  const inference = opts.inference === true && !loaded.problem
  const {gathered, steps} = gatherSteps(client, gatewayNames, {
    holdsRecords,
    inference,
    startAttempted: opts.startAttempted,
  })
  await runSteps({}, steps, {concurrent: true, silent: opts.silent})

  const decision = decide(records, liveOf(gathered, gatewayNames))
  const result: Reconciliation = {
    defaultSandbox: loaded.registry.defaultSandbox,
    // in the order of the records, not the order the probes finished in: the same state prints the same words
    gateways: new Map(gatewayNames.map((gw) => [gw, healthOf(gathered, gw)])),
    notPruned: [],
    pruned: [],
    records,
    registryProblem: loaded.problem ?? undefined,
    verdicts: decision.verdicts,
  }
  if (opts.inference)
    result.inference = new Map(gatewayNames.map((gw) => [gw, inferenceRouteOf(gathered.routes.get(gw))]))

  if (opts.write !== false && !loaded.problem)
    Object.assign(
      result,
      await applyDecision(decision, result.gateways, {
        by: opts.by ?? 'reconcile',
        env: client.env,
        proveWritable: opts.proveWritable,
        records,
      }),
    )
  return result
}
