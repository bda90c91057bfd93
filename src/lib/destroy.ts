/**
 * Deleting one sandbox: the only place nemoclaw deletes anything on a gateway. Given the sandbox's reconciled
 * verdict it decides whether deletion is safe now, deletes it on its gateway, then removes the local record
 * (journaled to pruned.jsonl). The gateway itself is never touched.
 */
import type {ClassId, Guidance} from './gateway/classes.js'
import type {OpenShell} from './openshell/client.js'
import type {Verdict} from './reconcile.js'
import {removeRecord} from './registry/index.js'

/** Classes in which the gateway answers and lists the sandbox: deleting it is a plain, checked call. */
const DELETABLE: ReadonlySet<ClassId> = new Set(['ok', 'sandbox_not_ready', 'sandbox_error', 'sandbox_stopped'])

export type DestroyResult =
  /** Deleted on the gateway (or found already absent there) and the record journaled. */
  | {kind: 'destroyed'; name: string; gateway: string; outcome: string}
  /** Not now: the gateway is not in a state where a deletion can be trusted (down, rotated trust, other active…). */
  | {kind: 'refused'; name: string; gateway: string; classId: ClassId; guidance: Guidance}
  /** openshell refused the deletion; the record is kept. */
  | {kind: 'failed'; name: string; gateway: string; message: string}

export async function destroySandbox(client: OpenShell, verdict: Verdict, opts: {by: string}): Promise<DestroyResult> {
  const {gateway, name} = verdict
  // Already gone on a healthy, active gateway: reconcile has journaled the record.
  if (verdict.classId === 'sandbox_missing') return {gateway, kind: 'destroyed', name, outcome: 'already_absent'}
  if (!DELETABLE.has(verdict.classId)) return {classId: verdict.classId, gateway, guidance: verdict.guidance, kind: 'refused', name}

  const result = await client.sandboxDelete(name, gateway)
  if (!result.ok && result.failure.kind !== 'sandbox_not_found') return {gateway, kind: 'failed', message: result.failure.message, name}
  await removeRecord(name, 'destroyed by user', {by: opts.by, env: client.env})
  return {gateway, kind: 'destroyed', name, outcome: result.ok ? result.value.outcome : 'already_absent'}
}
