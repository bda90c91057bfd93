/** Turning lifecycle guidance (classes.ts) into check results, and status helpers. No new guidance words here. */
import type {ClassId, Guidance} from '../gateway/classes.js'
import type {CheckResult, CheckStatus} from './types.js'

const RANK: Record<CheckStatus, number> = {fail: 3, pass: 0, skip: -1, warn: 2}

export function worstStatus(statuses: Iterable<CheckStatus>): CheckStatus {
  let worst: CheckStatus | undefined
  for (const s of statuses) if (worst === undefined || RANK[s] > RANK[worst]) worst = s
  return worst ?? 'pass'
}

/** A class's result: the diagnosis first, then the facts; the class's numbered steps are the fix. */
export function fromGuidance(g: Guidance, status: CheckStatus, facts: string[] = []): CheckResult {
  const r: CheckResult = {classId: g.id, detail: [g.diagnosis, ...facts].join('\n'), status}
  if (g.steps.length > 0 && status !== 'pass') r.fix = g.steps.join('\n')
  return r
}

/** How a lifecycle class counts in doctor: healthy → pass; "works, but…" → warn; anything else → fail. */
export function statusOfClass(id: ClassId): CheckStatus {
  if (id === 'ok') return 'pass'
  if (id === 'gateway_other_active' || id === 'sandbox_not_ready') return 'warn'
  return 'fail'
}

/** Unique non-empty lines, order kept. */
export function uniqueLines(lines: Array<string | undefined>): string[] {
  return [...new Set(lines.filter((l): l is string => Boolean(l && l.trim() !== '')))]
}
