/**
 * Reconcile registered sandboxes with the live gateways, as a listr2 task list, and apply the registry changes the
 * evidence justifies (lastSeen updates; removals only on proof, journaled). Used by the prerun hook, `recover`
 * (after recovery) and `doctor`.
 *
 * Those writes are bookkeeping after a read, and never cost the reader its answer: each waits at most
 * BOOKKEEPING_LOCK_TIMEOUT_MS for the registry lock, and a write that fails (lock held, read-only file system,
 * disk full) does not throw. A lastSeen update is simply skipped; a proven removal that could not be written keeps
 * its record and says so on its verdict (`pruneFailed`), whose class (sandbox_missing) and exit code stay.
 */
import type {ClassId} from '../gateway/classes.js'
import {worstClass} from '../gateway/classes.js'
import type {GatewayHealth} from '../gateway/health.js'
import {probeGateway} from '../gateway/probe.js'
import type {OpenShell} from '../openshell/client.js'
import {readGatewayMetadata} from '../openshell/config.js'
import type {InferenceRoute, Outcome, SandboxList} from '../openshell/types.js'
import {type Decision, decide, type LiveGateway, pruneFailedVerdict, type Verdict} from './decide.js'
import {
  describeWriteFailure, LEGACY_GATEWAY, load, type RegistryProblem, removeRecord, type SandboxRecord, touchLastSeen,
  type WriteFailure,
} from '../registry/index.js'
import {runSteps, type StepSpec} from '../ui/tasks.js'

export const DEFAULT_GATEWAY = LEGACY_GATEWAY

/** How long a bookkeeping write after a read waits for the registry lock (a healthy writer holds it for ms). */
export const BOOKKEEPING_LOCK_TIMEOUT_MS = 1000

export interface Reconciliation {
  /** The records that were reconciled (all, or the one named). */
  records: SandboxRecord[]
  /** The registry's default sandbox. */
  defaultSandbox: string | null
  gateways: Map<string, GatewayHealth>
  verdicts: Verdict[]
  pruned: Decision['prune']
  /** Proven removals that could not be written: the record stays registered and nothing was journaled. */
  notPruned: Array<Decision['prune'][number] & {failure: WriteFailure}>
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

export interface ReconcileOptions {
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

function routeOf(r: Outcome<InferenceRoute> | undefined): {provider: string; model: string} | null {
  return r?.ok && r.value.configured && r.value.provider ? {model: r.value.model ?? '', provider: r.value.provider} : null
}

/**
 * One read of a registered gateway (its sandbox list, its route) beside the probe: started together with `--version`
 * when the version is known from a previous run (see probeGateway), and only kept when openshell is usable and the
 * gateway is registered; undefined otherwise (an early call is still awaited: no process outlives the reconcile).
 */
async function readOnUsable<T>(client: OpenShell, gw: string, read: () => Promise<T>): Promise<T | undefined> {
  const early = client.probesStartEarly() && readGatewayMetadata(gw, client.env) ? read() : undefined
  const d = await client.detect()
  if (!d.ok || d.value.unsupported || !readGatewayMetadata(gw, client.env)) {
    await early
    return undefined
  }

  return early ?? read()
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
  const all = Object.values(loaded.registry.sandboxes).sort((a, b) => a.name.localeCompare(b.name))
  const records = opts.name ? all.filter((r) => r.name === opts.name) : all
  const gatewayNames = [...new Set([...records.map((r) => r.gateway), ...(opts.extraGateways ?? [])])]
  if (gatewayNames.length === 0) gatewayNames.push(DEFAULT_GATEWAY)

  const healths = new Map<string, GatewayHealth>()
  const lists = new Map<string, Outcome<SandboxList>>()
  const routes = new Map<string, Outcome<InferenceRoute>>()
  const steps: StepSpec<object>[] = [
    {
      async run() {
        const d = await client.detect()
        if (!d.ok) return {note: d.failure.message, ok: false}
        const c = d.value
        const note = `${c.version.raw} (${c.generation})${c.unsupported ? ', unsupported' : c.newerThanKnown ? ', newer than known' : ''}`
        return c.unsupported ? {note, ok: false} : {note, ok: true}
      },
      title: 'openshell is installed',
    },
  ]
  for (const gw of gatewayNames) {
    steps.push({
      async run() {
        const h = await probeGateway(client, gw, {startAttempted: opts.startAttempted?.includes(gw)})
        healths.set(gw, h)
        return h.classId === 'ok' ? {ok: true} : {note: h.classId, ok: false}
      },
      title: `Gateway '${gw}' answers`,
    })
    if (records.some((r) => r.gateway === gw)) {
      steps.push({
        async run() {
          const l = await readOnUsable(client, gw, () => client.sandboxList(gw))
          if (!l) return {note: 'gateway not usable', skipped: true}
          lists.set(gw, l)
          return l.ok ? {ok: true, note: `${l.value.sandboxes.length} live`} : {note: l.failure.kind, ok: false}
        },
        title: `Sandboxes on '${gw}' listed`,
      })
    }
  }

  if (opts.inference && !loaded.problem) {
    // like the list: only for gateways that hold records (an unreadable registry is refused before anything else)
    for (const gw of gatewayNames.filter((g) => records.some((r) => r.gateway === g))) {
      steps.push({
        async run() {
          const r = await readOnUsable(client, gw, () => client.inferenceGet(gw))
          if (!r) return {note: 'gateway not usable', skipped: true}
          routes.set(gw, r)
          const route = routeOf(r)
          return r.ok ? {note: route ? `${route.provider} / ${route.model}` : 'not configured', ok: true} : {note: r.failure.kind, skipped: true}
        },
        title: `Inference route of '${gw}'`,
      })
    }
  }

  await runSteps({}, steps, {concurrent: true, silent: opts.silent})

  const live = new Map<string, LiveGateway>()
  for (const gw of gatewayNames) {
    const health = healths.get(gw)!
    const usable = health.classId === 'ok' || health.classId === 'gateway_other_active'
    live.set(gw, usable ? {health, list: lists.get(gw)} : {health})
  }

  const decision = decide(records, live)
  const result: Reconciliation = {
    defaultSandbox: loaded.registry.defaultSandbox,
    gateways: healths,
    notPruned: [],
    pruned: [],
    records,
    registryProblem: loaded.problem ?? undefined,
    verdicts: decision.verdicts,
  }
  if (opts.inference) result.inference = new Map(gatewayNames.map((gw) => [gw, routeOf(routes.get(gw))]))

  if (opts.write !== false && !loaded.problem) await applyBookkeeping(client, decision, result, opts.by ?? 'reconcile')
  return result
}

/**
 * Apply the removals and lastSeen updates of `decision`, never throwing. After the first write that fails, no other
 * is tried (it would fail the same way, each after its own lock wait): the remaining removals are reported as not
 * written and lastSeen is left as it was.
 */
async function applyBookkeeping(client: OpenShell, decision: Decision, result: Reconciliation, by: string): Promise<void> {
  const options = {by, env: client.env, lockTimeoutMs: BOOKKEEPING_LOCK_TIMEOUT_MS}
  let failure: WriteFailure | undefined
  for (const p of decision.prune) {
    if (!failure) {
      try {
        const removed = await removeRecord(p.name, p.reason, options)
        if (removed.value) result.pruned.push(p)
        continue
      } catch (error) {
        failure = describeWriteFailure(error)
      }
    }

    result.notPruned.push({...p, failure})
    const health = result.gateways.get(p.gateway)!
    result.verdicts = result.verdicts.map((v) => (v.name === p.name ? pruneFailedVerdict(v, health, failure!) : v))
  }

  result.writeFailure = failure
  if (failure || decision.seen.length === 0) return
  const at = new Date().toISOString()
  try {
    await touchLastSeen(decision.seen.map((s) => ({at, name: s.name, phase: s.phase})), options)
  } catch (error) {
    // lastSeen is a hint for the next run: the answer does not depend on it (only `destroy` asks, see destroy.ts)
    result.writeFailure = describeWriteFailure(error)
  }
}
