/**
 * Applying a reconcile's decision to the registry: lastSeen updates for listed sandboxes, and removals only on proof,
 * each journaled (registry/).
 *
 * Those writes are bookkeeping after a read, and never cost the reader its answer: each waits at most
 * BOOKKEEPING_LOCK_TIMEOUT_MS for the registry lock, and a write that fails (lock held, read-only file system,
 * disk full) does not throw. A lastSeen update is simply skipped; a proven removal that could not be written keeps
 * its record and says so on its verdict (`pruneFailed`), whose class (sandbox_missing) and exit code stay.
 */
import type {GatewayHealth} from '../gateway/health.js'
import {
  describeWriteFailure,
  removeRecord,
  type SandboxRecord,
  touchLastSeen,
  type WriteFailure,
} from '../registry/index.js'
import {type Decision, pruneFailedVerdict, type Verdict} from './decide.js'

/** How long a bookkeeping write after a read waits for the registry lock (a healthy writer holds it for ms). */
const BOOKKEEPING_LOCK_TIMEOUT_MS = 1000

/** A proven removal that could not be written: the record stays registered and nothing was journaled. */
export type NotPruned = Decision['prune'][number] & {failure: WriteFailure}

interface Applied {
  /** Removals written (and journaled). */
  pruned: Decision['prune']
  notPruned: NotPruned[]
  /** The decision's verdicts, those of removals not written marked so (`pruneFailedVerdict`). */
  verdicts: Verdict[]
  /** The first write that failed (a removal or lastSeen); undefined when every write succeeded. */
  writeFailure: WriteFailure | undefined
}

/**
 * How long a lastSeen stays fresh: a reconcile that sees the same phase again within this time writes nothing, so a
 * `status` loop writes the registry at most once a minute (and a healthy `status` takes no lock at all).
 */
export const LAST_SEEN_FRESH_MS = 60_000

/**
 * Is a lastSeen update worth a registry write: nothing stored, another phase, or the stored one older than
 * LAST_SEEN_FRESH_MS (or dated in the future).
 */
export function lastSeenDue(stored: SandboxRecord['lastSeen'] | undefined, phase: string, now: number): boolean {
  if (!stored || stored.phase !== phase) return true
  const age = now - Date.parse(stored.at)
  return !(age >= 0 && age < LAST_SEEN_FRESH_MS)
}

interface ApplyOptions {
  by: string
  env: NodeJS.ProcessEnv
  /** The records the decision was made on (their stored lastSeen). */
  records: SandboxRecord[]
  /**
   * Write lastSeen even when it is fresh: the caller needs this reconcile's proof that the registry can be written
   * (destroy refuses to delete a sandbox whose record it could not remove afterwards).
   */
  proveWritable?: boolean
}

/**
 * Apply the removals and lastSeen updates of `decision`, never throwing. After the first write that fails, no other
 * is tried (it would fail the same way, each after its own lock wait): the remaining removals are reported as not
 * written and lastSeen is left as it was. `gateways`: the health of each gateway the decision covers.
 */
export async function applyDecision(
  decision: Decision,
  gateways: Map<string, GatewayHealth>,
  opts: ApplyOptions,
): Promise<Applied> {
  const options = {by: opts.by, env: opts.env, lockTimeoutMs: BOOKKEEPING_LOCK_TIMEOUT_MS}
  const applied: Applied = {notPruned: [], pruned: [], verdicts: decision.verdicts, writeFailure: undefined}
  let failure: WriteFailure | undefined
  for (const p of decision.prune) {
    if (!failure) {
      try {
        const removed = await removeRecord(p.name, p.reason, options)
        if (removed.value) applied.pruned.push(p)
        continue
      } catch (error) {
        failure = describeWriteFailure(error)
      }
    }

    const written = failure
    applied.notPruned.push({...p, failure: written})
    const health = gateways.get(p.gateway)
    if (!health) throw new Error(`internal error: gateway '${p.gateway}' of sandbox '${p.name}' has no health`)
    applied.verdicts = applied.verdicts.map((v) => (v.name === p.name ? pruneFailedVerdict(v, health, written) : v))
  }

  applied.writeFailure = failure
  const now = Date.now()
  const stored = new Map(opts.records.map((r) => [r.name, r.lastSeen]))
  const seen = opts.proveWritable
    ? decision.seen
    : decision.seen.filter((s) => lastSeenDue(stored.get(s.name), s.phase, now))
  if (failure || seen.length === 0) return applied
  const at = new Date(now).toISOString()
  try {
    await touchLastSeen(
      seen.map((s) => ({at, name: s.name, phase: s.phase})),
      options,
    )
  } catch (error) {
    // lastSeen is a hint for the next run: the answer does not depend on it (only `destroy` asks, see services/destroy.ts)
    applied.writeFailure = describeWriteFailure(error)
  }

  return applied
}
