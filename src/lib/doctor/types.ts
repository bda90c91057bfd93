/**
 * Doctor checks as data: a check is `{id, title, run(ctx)}` and its result `{status, detail, fix?}`. Built-in checks
 * and checks contributed by plugins (the `doctor:checks` hook, see plugins.ts) have the same shape.
 */
import type {ClassId} from '../gateway/classes.js'

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip'

export interface CheckResult {
  status: CheckStatus
  /** What was found; may span several lines (one per gateway, sandbox, file…). */
  detail: string
  /** The exact command(s) that fix a warn/fail, one per line. */
  fix?: string
  /** Lifecycle class of a gateway / sandbox finding (classes.ts), when there is one. */
  classId?: ClassId
}

export interface Check<C = unknown> {
  id: string
  title: string
  run: (ctx: C) => Promise<CheckResult> | CheckResult
}

/** One finished check, as printed and as in --json. */
export interface CheckReport extends CheckResult {
  id: string
  title: string
  durationMs: number
}

export interface Summary {
  pass: number
  warn: number
  fail: number
  skip: number
}
