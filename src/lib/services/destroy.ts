/**
 * Deleting one sandbox: the only place nemoclaw deletes anything on a gateway. Given the sandbox's reconciled
 * verdict it decides whether deletion is safe now, deletes it on its gateway, then removes the local record
 * (journaled to pruned.jsonl). The gateway itself is never touched.
 *
 * The record removal needs a writable registry. When the reconcile just before could not write it (lock held,
 * read-only, disk full), nothing is deleted; when the removal fails after the deletion anyway, that is reported and
 * the record stays (the next reconcile that can write removes it on proof, journaled).
 */
import type {ClassId, Guidance} from '../gateway/classes.js'
import type {OpenShell} from '../openshell/client.js'
import type {Verdict} from '../reconcile/decide.js'
import {describeWriteFailure, removeRecord, type WriteFailure} from '../registry/index.js'

/** Classes in which the gateway answers and lists the sandbox: deleting it is a plain, checked call. */
const DELETABLE: ReadonlySet<ClassId> = new Set(['ok', 'sandbox_not_ready', 'sandbox_error', 'sandbox_stopped'])

export type DestroyResult =
  /** Deleted on the gateway (or found already absent there) and the record journaled. */
  | {kind: 'destroyed'; name: string; gateway: string; outcome: string}
  /** Not now: the gateway is not in a state where a deletion can be trusted (down, rotated trust, other active…). */
  | {kind: 'refused'; name: string; gateway: string; classId: ClassId; guidance: Guidance}
  /** openshell refused the deletion; the record is kept. */
  | {kind: 'failed'; name: string; gateway: string; message: string}
  /**
   * The registry cannot be written, so the record cannot be removed: nothing was deleted (`refused`), or the sandbox
   * is gone on the gateway (`deleted` now, or `already_absent`) and its record stays.
   */
  | {
      kind: 'registry_unwritable'
      name: string
      gateway: string
      outcome: 'refused' | 'deleted' | 'already_absent'
      failure: WriteFailure
    }

/** `writeFailure`: the registry write that failed during the reconcile that produced `verdict`, if any. */
export async function destroySandbox(
  client: OpenShell,
  verdict: Verdict,
  opts: {by: string; writeFailure?: WriteFailure},
): Promise<DestroyResult> {
  const {gateway, name} = verdict
  // Already gone on a healthy, active gateway: reconcile has journaled the record, unless it could not write it.
  if (verdict.classId === 'sandbox_missing') {
    const failure = verdict.pruneFailed ?? opts.writeFailure
    return failure
      ? {failure, gateway, kind: 'registry_unwritable', name, outcome: 'already_absent'}
      : {gateway, kind: 'destroyed', name, outcome: 'already_absent'}
  }

  if (!DELETABLE.has(verdict.classId))
    return {classId: verdict.classId, gateway, guidance: verdict.guidance, kind: 'refused', name}
  if (opts.writeFailure)
    return {failure: opts.writeFailure, gateway, kind: 'registry_unwritable', name, outcome: 'refused'}

  const result = await client.sandboxDelete(name, gateway)
  if (!result.ok && result.failure.kind !== 'sandbox_not_found')
    return {gateway, kind: 'failed', message: result.failure.message, name}
  const outcome = result.ok ? result.value.outcome : 'already_absent'
  try {
    await removeRecord(name, 'destroyed by user', {by: opts.by, env: client.env})
  } catch (error) {
    return {
      failure: describeWriteFailure(error),
      gateway,
      kind: 'registry_unwritable',
      name,
      outcome: outcome === 'already_absent' ? 'already_absent' : 'deleted',
    }
  }

  return {gateway, kind: 'destroyed', name, outcome}
}
