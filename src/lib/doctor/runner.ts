/**
 * Run checks as one listr2 list (concurrently: checks that need the same live state share the context's single
 * gathering), collect their reports, and render the summary. A check that throws is a failed check, not a crash.
 */
import {runSteps, type StepSpec, type TaskVerdict} from '../ui/tasks.js'
import type {DoctorContext} from './context.js'
import {redact, redactString} from './redact.js'
import type {Check, CheckReport, CheckResult, Summary} from './types.js'

const DOCTOR_SCHEMA_VERSION = 1

function firstLine(s: string): string {
  return s.split('\n')[0] ?? ''
}

function verdictOf(r: CheckResult, env: NodeJS.ProcessEnv): TaskVerdict {
  const note = redactString(firstLine(r.detail), env)
  switch (r.status) {
    case 'pass': {
      return {note, ok: true}
    }

    case 'warn': {
      return {note, ok: true, warning: true}
    }

    case 'skip': {
      return {note, skipped: true}
    }

    default: {
      return {note, ok: false}
    }
  }
}

export async function runChecks(
  checks: Array<Check<DoctorContext>>,
  ctx: DoctorContext,
  opts: {silent?: boolean} = {},
): Promise<CheckReport[]> {
  const reports = new Map<string, CheckReport>()
  const steps: Array<StepSpec<object>> = checks.map((check) => ({
    async run() {
      const started = Date.now()
      let result: CheckResult
      try {
        result = await check.run(ctx)
      } catch (error) {
        result = {
          detail: `The check itself failed: ${error instanceof Error ? error.message : String(error)}`,
          status: 'fail',
        }
      }

      reports.set(check.id, {...result, durationMs: Date.now() - started, id: check.id, title: check.title})
      return verdictOf(result, ctx.env)
    },
    title: check.title,
  }))
  await runSteps({}, steps, {concurrent: true, silent: opts.silent})
  return checks.map((c) => reports.get(c.id)).filter((report) => report !== undefined)
}

function summarise(reports: CheckReport[]): Summary {
  const s: Summary = {fail: 0, pass: 0, skip: 0, warn: 0}
  for (const r of reports) s[r.status]++
  return s
}

interface DoctorReport {
  schemaVersion: typeof DOCTOR_SCHEMA_VERSION
  ok: boolean
  summary: Summary
  checks: Array<{
    id: string
    title: string
    status: CheckReport['status']
    detail: string
    fix: string | null
    classId?: string
    durationMs: number
  }>
  fixes?: FixRecord[]
}

export interface FixRecord {
  title: string
  ok: boolean
  note?: string
}

/** The --json document (redacted). */
export function toJson(reports: CheckReport[], env: NodeJS.ProcessEnv, fixes?: FixRecord[]): DoctorReport {
  const summary = summarise(reports)
  const doc: DoctorReport = {
    schemaVersion: DOCTOR_SCHEMA_VERSION,
    checks: reports.map((r) => ({
      ...(r.classId ? {classId: r.classId} : {}),
      detail: r.detail,
      durationMs: r.durationMs,
      fix: r.fix ?? null,
      id: r.id,
      status: r.status,
      title: r.title,
    })),
    ok: summary.fail === 0,
    summary,
  }
  if (fixes) doc.fixes = fixes
  return redact(doc, env)
}

const MARK = {fail: '✖', pass: '✔', skip: '–', warn: '⚠'} as const

/**
 * The human summary: counts, then for each warn/fail one line of diagnosis and the command(s) that fix it. A check
 * whose fix is the one an earlier check already printed (its cause is that check's finding: the sandboxes of a
 * gateway that is down) says so in one line instead of repeating the fix. `--json` keeps every check's own fix.
 */
export function renderSummary(reports: CheckReport[], env: NodeJS.ProcessEnv): string {
  const s = summarise(reports)
  const lines = [`Summary: ${s.pass} passed, ${s.warn} warning(s), ${s.fail} failed, ${s.skip} skipped.`]
  const fixedBy = new Map<string, string>()
  for (const r of reports) {
    if (r.status !== 'warn' && r.status !== 'fail') continue
    lines.push(`${MARK[r.status]} ${r.id}: ${firstLine(r.detail)}`)
    const fix = (r.fix ?? '').trim()
    const earlier = fixedBy.get(fix)
    if (fix !== '' && earlier !== undefined) {
      lines.push(`    cause: ${earlier} (above); its fix applies`)
      continue
    }

    if (fix !== '') fixedBy.set(fix, r.id)
    for (const f of fix.split('\n').filter(Boolean)) lines.push(`    fix: ${f}`)
  }

  if (s.fail === 0 && s.warn === 0) lines.push('Everything checked is healthy.')
  return redactString(lines.join('\n'), env)
}
