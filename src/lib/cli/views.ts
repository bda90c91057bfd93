/**
 * The bodies of `status` and `list`, free of oclif: the command classes call them with
 * themselves as the IO, and the fast path (fast.ts) with its own. Each assumes the prerun reconcile was started
 * (reconcileTarget) and reads its outcome; the statics the hook reads are declared here once.
 */
import {EXIT_CODES} from '../gateway/classes.js'
import {worstOf} from '../reconcile/run.js'
import {type CommandIO, finish, writeJson} from './output.js'
import {readJournal} from '../registry/index.js'
import {gatewayJson, notPrunedLine, statusText, table, verdictJson} from './render.js'
import {type CommandTraits, requireOne, requireReconciliation} from './targets.js'

/** status and list both read each gateway's inference route along with the reconcile. */
export const STATUS_TRAITS = {id: 'status', readsInference: true} as const satisfies CommandTraits
export const LIST_TRAITS = {id: 'list', readsInference: true} as const satisfies CommandTraits

export async function statusView(io: CommandIO, input: {name?: string; json: boolean}): Promise<void> {
  const r =
    input.name === undefined
      ? await requireReconciliation(io, {json: input.json})
      : (await requireOne(io, {json: input.json, name: input.name})).r
  const worst = worstOf(r, input.name)
  if (input.json) {
    const primaryName = r.verdicts[0]?.gateway ?? [...r.gateways.keys()][0]
    const primary = r.gateways.get(primaryName)
    // the reconcile probes the gateway of every record, and the default gateway when there is none
    if (!primary) throw new Error(`internal error: the reconcile has no health for gateway '${primaryName}'`)
    writeJson({
      schemaVersion: 1,
      gateway: gatewayJson(primary, r.inference?.get(primary.gateway) ?? null),
      gateways: [...r.gateways.values()].map((h) => gatewayJson(h, r.inference?.get(h.gateway) ?? null)),
      notPruned: r.notPruned.map((p) => ({
        cause: p.failure.cause,
        gateway: p.gateway,
        message: p.failure.message,
        name: p.name,
        reason: p.reason,
      })),
      ok: worst === 'ok',
      pruned: r.pruned,
      sandboxes: r.verdicts.map(verdictJson),
      state: worst,
    })
  } else {
    io.log(statusText(r, {name: input.name}))
  }

  finish(io, EXIT_CODES[worst])
}

export async function listView(io: CommandIO, input: {json: boolean}): Promise<void> {
  const r = await requireReconciliation(io, {json: input.json})
  if (input.json) {
    writeJson({
      schemaVersion: 1,
      defaultSandbox: r.defaultSandbox,
      gateways: [...r.gateways.values()].map((h) => ({
        inference: r.inference?.get(h.gateway) ?? null,
        name: h.gateway,
        state: h.classId,
      })),
      sandboxes: r.verdicts.map((v) => {
        const rec = r.records.find((x) => x.name === v.name)
        return {
          ...verdictJson(v),
          createdAt: rec?.createdAt ?? null,
          model: rec?.model ?? null,
          provider: rec?.provider ?? null,
        }
      }),
    })
    return
  }

  if (r.verdicts.length === 0) {
    io.log('No sandboxes registered. Create one with `nemoclaw onboard`.')
    return
  }

  const rows = [['SANDBOX', 'GATEWAY', 'PHASE', 'STATE', 'MODEL']]
  for (const v of r.verdicts) {
    const rec = r.records.find((x) => x.name === v.name)
    rows.push([
      v.name + (v.name === r.defaultSandbox ? ' *' : ''),
      v.gateway,
      v.phase ?? '-',
      v.classId,
      rec?.model ?? '-',
    ])
  }

  io.log(table(rows))
  if (r.notPruned.length > 0) io.log('\n' + notPrunedLine(r))
}

/** `list --pruned`: the journaled removals, read from pruned.jsonl alone (no reconcile, no openshell call). */
export async function prunedView(io: CommandIO, input: {json: boolean}): Promise<void> {
  const journal = await readJournal({env: process.env})
  const entries = journal.entries.filter((e) => e.op === 'prune')
  if (input.json) {
    writeJson({
      schemaVersion: 1,
      pruned: entries.map((e) => ({at: e.at, name: e.name, reason: e.reason, record: e.record, status: e.status})),
    })
    return
  }

  io.log(
    entries.length === 0
      ? 'No removed records.'
      : table([
          ['SANDBOX', 'GATEWAY', 'REMOVED AT', 'REASON'],
          ...entries.map((e) => [e.name, e.record.gateway, e.at, e.reason]),
        ]),
  )
}
