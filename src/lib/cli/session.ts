/**
 * Hands the prerun hook's reconciliation to the command in the same process, so the command never probes again.
 * Plugin commands with `static targetsSandbox = true` read it the same way (`takeReconciliation()`).
 */
import type {Reconciliation} from '../sandboxes.js'

let current: Reconciliation | undefined

export function setReconciliation(r: Reconciliation | undefined): void {
  current = r
}

export function takeReconciliation(): Reconciliation | undefined {
  return current
}
