/**
 * Before every command whose class declares `static targetsSandbox = true` (plugin commands too): validate the
 * target name, then reconcile it — or every registered sandbox when no name is given — with the live gateway, and
 * hand the result to the command (src/lib/cli/session.ts: one reconcile per process, a failed one too). Read-only
 * towards the gateway; registry writes are limited to lastSeen and journaled removals on proof.
 *
 * oclif loads this file for EVERY command (help, plugins, autocomplete too), so it imports nothing heavy at load:
 * the reconcile machinery (execa, listr2, the registry) is imported only once a sandbox command is known.
 */
import {type Command, type Hook, Parser} from '@oclif/core'

import {resetReconciliation} from '../../lib/cli/session.js'

/** The statics a sandbox command declares beside oclif's (src/lib/cli/targets.ts reads the same). */
type SandboxCommandClass = Command.Class & {
  targetsSandbox?: boolean
  readsInference?: boolean
  skipReconcileFor?: string[]
}

const hook: Hook<'prerun'> = async function (opts) {
  resetReconciliation()
  const C: SandboxCommandClass = opts.Command
  if (!C.targetsSandbox) return

  let parsed: {args: Record<string, unknown>; flags: Record<string, unknown>}
  try {
    parsed = await Parser.parse(opts.argv, {
      args: C.args ?? {},
      flags: {...C.baseFlags, ...C.flags},
      strict: false,
    })
  } catch {
    return // let the command report its own usage error
  }

  if (C.skipReconcileFor?.some((flag) => parsed.flags[flag] === true)) return

  const {reconcileTarget} = await import('../../lib/cli/targets.js')
  const name = typeof parsed.args.name === 'string' ? parsed.args.name : undefined
  // Never throws for a failed reconcile: it is remembered for the command to report (oclif would swallow a hook
  // error, and the command would then reconcile a second time).
  await reconcileTarget(this, C, {json: Boolean(parsed.flags.json), name})
}

export default hook
