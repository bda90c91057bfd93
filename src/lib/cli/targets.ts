/**
 * What a sandbox command needs before acting: the prerun reconciliation (run here only when the command was invoked
 * without the hook, e.g. from a test harness; never a second time, not even after a failed one), a readable
 * registry, and — for commands that act on one sandbox — a registered name (given, or the default).
 */
import {EXIT_CODES} from '../gateway/classes.js'
import {type Failable, failCommand} from './output.js'
import {readJournal, validateSandboxName} from '../registry/index.js'
import type {Verdict} from '../reconcile/decide.js'
import type {Reconciliation} from '../reconcile/run.js'
import {reconcile} from '../reconcile/run.js'
import {openshell} from './runtime.js'
import {reconcileOnce} from './session.js'

const REGISTRY_UNREADABLE_EXIT = 3
const RECONCILE_FAILED_EXIT = 1
const NOT_REGISTERED_EXIT = 2

/** What the prerun hook reads off a command class (plugin commands declare the same statics). */
export interface CommandTraits {
  id?: string
  /** The reconcile also reads each gateway's inference route (one `inference get` per gateway). */
  readsInference?: boolean
  /** The command's reconcile must prove the registry writable (apply.ts `proveWritable`): it deletes next. */
  provesWritable?: boolean
}

/** The command class declares `static readsInference = true`: its reconcile also reads each gateway's route (the
 *  prerun hook reads the same declaration). */
function readsInference(cmd: Failable): boolean {
  return (cmd.constructor as CommandTraits).readsInference === true
}

/**
 * What the prerun hook does once a sandbox command's argv is parsed: validate the target name (exit 2), then start
 * the process's one reconcile — of that sandbox, or of every registered one. Never throws for a failed reconcile:
 * it is remembered for the command to report (src/lib/cli/session.ts).
 */
export async function reconcileTarget(
  cmd: Failable,
  traits: CommandTraits,
  input: {name?: string; json: boolean},
): Promise<void> {
  if (input.name !== undefined) {
    const check = validateSandboxName(input.name)
    if (!check.ok) failCommand(cmd, check.reason, {exit: 2, id: 'invalid_name', json: input.json})
  }

  await reconcileOnce(() =>
    reconcile(openshell(), {
      by: `nemoclaw ${traits.id ?? ''}`.trim(),
      inference: traits.readsInference === true,
      name: input.name,
      silent: input.json,
    }),
  )
}

function fail(cmd: Failable, message: string, exit: number, json: boolean, id: string): never {
  failCommand(cmd, message, {exit, id, json})
}

export async function requireReconciliation(
  cmd: Failable,
  opts: {name?: string; json: boolean},
): Promise<Reconciliation> {
  if (opts.name !== undefined) {
    const check = validateSandboxName(opts.name)
    if (!check.ok) fail(cmd, check.reason, 2, opts.json, 'invalid_name')
  }

  const outcome = await reconcileOnce(() =>
    reconcile(openshell(), {
      inference: readsInference(cmd),
      name: opts.name,
      proveWritable: (cmd.constructor as CommandTraits).provesWritable === true,
      silent: opts.json,
    }),
  )
  if (!outcome.ok) {
    const why = outcome.error instanceof Error ? outcome.error.message : String(outcome.error)
    fail(
      cmd,
      `Could not check the sandboxes against the gateway: ${why}`,
      RECONCILE_FAILED_EXIT,
      opts.json,
      'reconcile_failed',
    )
  }

  const r = outcome.value
  if (r.registryProblem) {
    fail(
      cmd,
      `${r.registryProblem.message}\nRun \`nemoclaw doctor --fix\` to move it aside (your records stay in the set-aside file).`,
      REGISTRY_UNREADABLE_EXIT,
      opts.json,
      'registry_unreadable',
    )
  }

  return r
}

/** One sandbox: the given name or the registry's default; it must be registered. Returns its verdict too. */
export async function requireOne(
  cmd: Failable,
  opts: {name?: string; json: boolean},
): Promise<{r: Reconciliation; name: string; verdict: Verdict}> {
  let r = await requireReconciliation(cmd, opts)
  const name = opts.name ?? r.defaultSandbox ?? undefined
  if (!name)
    fail(
      cmd,
      'No sandbox named and no default sandbox set. Run `nemoclaw list` to see registered sandboxes.',
      NOT_REGISTERED_EXIT,
      opts.json,
      'no_sandbox',
    )
  if (!opts.name) {
    // The hook reconciled everything; narrow to the default sandbox.
    r = {...r, records: r.records.filter((x) => x.name === name), verdicts: r.verdicts.filter((v) => v.name === name)}
  }

  const verdict = r.verdicts.find((v) => v.name === name)
  if (!verdict) {
    const pruned = r.pruned.find((p) => p.name === name)
    if (!pruned) {
      const journal = await readJournal({env: process.env}).catch(() => undefined)
      const removed = journal?.entries
        .filter((e) => e.name === name && e.op === 'prune' && e.status === 'applied')
        .at(-1)
      if (removed) {
        fail(
          cmd,
          `Sandbox '${name}' is no longer registered: it was removed at ${removed.at} (${removed.reason}). Create it again with \`nemoclaw onboard --name ${name}\`; see \`nemoclaw list --pruned\`.`,
          EXIT_CODES.sandbox_missing,
          opts.json,
          'sandbox_missing',
        )
      }

      fail(
        cmd,
        `No sandbox '${name}' is registered with nemoclaw. Run \`nemoclaw list\` to see registered sandboxes, or \`nemoclaw onboard --name ${name}\` to create it.`,
        NOT_REGISTERED_EXIT,
        opts.json,
        'not_registered',
      )
    }

    // decide() gives every record it is handed a verdict, a pruned one too (sandbox_missing).
    throw new Error(`internal error: sandbox '${name}' was pruned by the reconcile but has no verdict`)
  }

  return {name, r, verdict}
}
