/**
 * Reading nemoclaw's own environment settings, and what counts as an environment variable NAME. One rule each, so
 * every `NEMOCLAW_*_MS` setting and every "is this a variable name" check means the same thing everywhere.
 */

/**
 * A positive number setting (a timeout, a delay) from `env[key]`: the value when it is a finite number above zero,
 * else undefined — unset, empty, blank, zero, negative and not-a-number all mean "not set", so the caller's default
 * applies. (`Number` semantics otherwise: ` 5 ` is 5, `1e3` is 1000, `0x10` is 16.)
 */
export function positiveNumberEnv(env: Record<string, string | undefined>, key: string): number | undefined {
  const n = Number(env[key])
  return Number.isFinite(n) && n > 0 ? n : undefined
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const UPPER_CASE_NAME = /^[A-Z_][A-Z0-9_]*$/

interface EnvNameRule {
  /** Only the upper-case convention (`NVIDIA_API_KEY`): what doctor's redaction takes for a name, not a secret. */
  upperCase?: boolean
  /** Longest accepted name (no limit by default). */
  maxLength?: number
}

/** Is `value` an environment variable NAME (POSIX: letters, digits, `_`, not starting with a digit)? */
export function isEnvName(value: string, rule: EnvNameRule = {}): boolean {
  if (rule.maxLength !== undefined && value.length > rule.maxLength) return false
  return (rule.upperCase ? UPPER_CASE_NAME : NAME).test(value)
}

/** An environment as child_process takes it: a plain object, where an absent key is an unset variable. */
type EnvVars = Record<string, string | undefined>

/**
 * A copy of `env` with `changes` applied in order: a string sets the variable, undefined unsets it. One copy, one
 * pass: reading every key of process.env is a call into the host each time (runner.ts makes one per openshell call).
 */
export function withChanges(env: Readonly<EnvVars>, changes: Readonly<EnvVars>): NodeJS.ProcessEnv {
  const next: NodeJS.ProcessEnv = {...env}
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) Reflect.deleteProperty(next, k)
    else next[k] = v
  }

  return next
}
