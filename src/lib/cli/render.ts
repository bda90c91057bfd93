/**
 * How sandbox and gateway verdicts look: the status/list table, the guidance block, and the --json shapes.
 * One place, so `status`, `list`, `recover` and `connect` print the same words for the same state.
 */
import {EXIT_CODES, renderGuidance} from '../gateway/classes.js'
import type {GatewayHealth} from '../gateway/health.js'
import type {Verdict} from '../reconcile/decide.js'
import type {Reconciliation} from '../reconcile/run.js'

export function table(rows: string[][]): string {
  if (rows.length === 0) return ''
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)))
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

/** A gateway's inference route (per gateway in OpenShell), when it was read. */
type RouteView = {provider: string; model: string} | null

function gatewayLine(h: GatewayHealth, route?: RouteView): string {
  const caps = h.facts.capabilities
  const bits = [caps ? `openshell ${caps.version.raw}` : undefined, h.facts.endpoint].filter(Boolean)
  const inference = route === undefined ? '' : `; inference: ${route ? `${route.provider} / ${route.model}` : 'none'}`
  return `Gateway '${h.gateway}': ${h.classId}${bits.length > 0 ? ` (${bits.join(', ')})` : ''}${inference}`
}

/** `route`: the gateway's inference route when it was read (status): `inference: {provider, model} | null`. */
export function gatewayJson(h: GatewayHealth, route?: RouteView) {
  const status = h.facts.status?.ok && h.facts.status.value.configured ? h.facts.status.value : undefined
  return {
    ...(route === undefined ? {} : {inference: route}),
    endpoint: h.facts.endpoint ?? null,
    exitCode: EXIT_CODES[h.classId],
    guidance: {diagnosis: h.guidance.diagnosis, steps: h.guidance.steps},
    name: h.gateway,
    openshellVersion: h.facts.capabilities?.version.raw ?? null,
    state: h.classId,
    version: status?.version ?? null,
    evidence: h.evidence,
  }
}

export function verdictJson(v: Verdict) {
  return {
    exitCode: EXIT_CODES[v.classId],
    gateway: v.gateway,
    guidance: {diagnosis: v.guidance.diagnosis, steps: v.guidance.steps},
    name: v.name,
    phase: v.phase ?? null,
    state: v.classId,
    // only when a proven removal could not be written (the record stays): {cause, message}
    ...(v.pruneFailed ? {pruneFailed: {cause: v.pruneFailed.cause, message: v.pruneFailed.message}} : {}),
  }
}

/** The removals that could not be written, in one line (empty when there are none). */
export function notPrunedLine(r: Reconciliation): string {
  if (r.notPruned.length === 0) return ''
  const why = [...new Set(r.notPruned.map((p) => p.failure.words))].join('; ')
  return `Kept ${r.notPruned.length} stale record(s) that could not be moved to pruned.jsonl (${why}): ${r.notPruned.map((p) => p.name).join(', ')}`
}

/** The status report as text: gateways, a table of sandboxes, then guidance for everything not ok. */
export function statusText(r: Reconciliation, opts: {name?: string} = {}): string {
  const out: string[] = []
  for (const h of r.gateways.values()) out.push(gatewayLine(h, r.inference?.get(h.gateway)))
  const gatewayProblems = [...r.gateways.values()].filter((h) => h.classId !== 'ok')
  out.push('')
  if (r.verdicts.length === 0) {
    out.push(
      opts.name
        ? `No sandbox '${opts.name}' is registered.`
        : 'No sandboxes registered. Create one with `nemoclaw onboard`.',
    )
  } else {
    const rows = [['SANDBOX', 'GATEWAY', 'PHASE', 'STATE']]
    for (const v of r.verdicts)
      rows.push([v.name + (v.name === r.defaultSandbox ? ' *' : ''), v.gateway, v.phase ?? '-', v.classId])
    out.push(table(rows))
  }

  const shown = new Set<string>()
  for (const h of gatewayProblems) {
    const text = renderGuidance(h.guidance)
    shown.add(text)
    out.push('', text)
  }

  for (const v of r.verdicts) {
    if (v.classId === 'ok') continue
    const text = renderGuidance(v.guidance)
    if (shown.has(text)) continue
    shown.add(text)
    out.push('', `${v.name}: ${text}`)
  }

  if (r.pruned.length > 0) {
    out.push(
      '',
      `Removed ${r.pruned.length} stale record(s), journaled to pruned.jsonl: ${r.pruned.map((p) => p.name).join(', ')}`,
    )
  }

  if (r.notPruned.length > 0) out.push('', notPrunedLine(r))

  return out.join('\n')
}
