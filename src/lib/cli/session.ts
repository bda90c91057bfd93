/**
 * The one reconcile of a process. The prerun hook starts it; the command — or a plugin command with
 * `static targetsSandbox = true` — gets the same outcome from `reconcileOnce` (or `takeReconciliation()`), so the
 * command never probes again. A reconcile that threw is remembered too: nothing runs a second one, whatever failed.
 */
import type {Reconciliation} from '../reconcile/run.js'

type ReconcileOutcome = {ok: true; value: Reconciliation} | {ok: false; error: unknown}

let current: Promise<ReconcileOutcome> | undefined
let settled: ReconcileOutcome | undefined

/** Forget the previous command's outcome (the prerun hook does this before every command). */
export function resetReconciliation(): void {
  current = undefined
  settled = undefined
}

/** Run `fn` unless this process already reconciled, or tried to; every caller gets the first outcome. Never throws. */
export function reconcileOnce(fn: () => Promise<Reconciliation>): Promise<ReconcileOutcome> {
  current ??= (async (): Promise<ReconcileOutcome> => {
    try {
      return {ok: true, value: await fn()}
    } catch (error) {
      return {error, ok: false}
    }
  })().then((outcome) => {
    settled = outcome
    return outcome
  })
  return current
}

/** The reconciliation, once it succeeded (undefined before, or when it failed: `reconcileOnce` tells why). */
export function takeReconciliation(): Reconciliation | undefined {
  return settled?.ok ? settled.value : undefined
}
