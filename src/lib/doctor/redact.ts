/**
 * Redaction for everything doctor prints. Two layers:
 *  1. the VALUES of secret-looking environment variables (names containing KEY, TOKEN, SECRET, PASSWORD, …) are
 *     replaced wherever they appear;
 *  2. patterns: private key blocks, `Bearer …` / `Basic …` strings, well-known key prefixes (nvapi-, sk-, ghp_, …),
 *     JWTs, and `name=value` / `"name": "value"` pairs whose name looks secret.
 */
import {isEnvName} from '../env.js'

export const REDACTED = '[REDACTED]'

const SECRET_NAME =
  /(?:api[_-]?key|apikey|token|secret|passw(?:or)?d|passphrase|credential|private[_-]?key|session|cookie)/i
/** Values shorter than this are not substituted (too likely to match ordinary words). */
const MIN_VALUE_LENGTH = 6

const PATTERNS: Array<[RegExp, string | ((m: string, ...g: string[]) => string)]> = [
  [
    /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
    `${REDACTED} (private key)`,
  ],
  [/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{6,}/gi, (_m, scheme) => `${scheme} ${REDACTED}`],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  [/\b(?:nvapi|sk|sk-proj|sk-ant|ghp|gho|ghs|github_pat|xox[abprs]|glpat|hf|AKIA)[-_][A-Za-z0-9_-]{6,}/g, REDACTED],
  [/\bAKIA[A-Z0-9]{12,}\b/g, REDACTED],
  // NAME=value, NAME: value, "name": "value" with a secret-looking name
  [
    /(["']?)([A-Za-z0-9_.-]*(?:api[_-]?key|apikey|token|secret|passw(?:or)?d|passphrase|credential|private[_-]?key)[A-Za-z0-9_.-]*)\1(\s*[=:]\s*)(["']?)(?!<|\[REDACTED)([^\s"',;]{4,})\4/gi,
    (_m, q, name, sep, vq) => `${q}${name}${q}${sep}${vq}${REDACTED}${vq}`,
  ],
]

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * Values of secret-looking variables in `env`, longest first. A value that is itself an upper-case variable NAME
 * (e.g. NEMOCLAW_CREDENTIAL_ENV=NVIDIA_API_KEY) is not a secret.
 */
export function secretValues(env: NodeJS.ProcessEnv): string[] {
  const out = new Set<string>()
  for (const [k, v] of Object.entries(env)) {
    if (typeof v !== 'string' || v.length < MIN_VALUE_LENGTH || isEnvName(v, {upperCase: true})) continue
    if (SECRET_NAME.test(k) || /^(?:Bearer|Basic)\s/i.test(v) || /^(?:nvapi|sk)-/.test(v)) out.add(v)
  }

  return [...out].sort((a, b) => b.length - a.length)
}

export function redactString(s: string, env: NodeJS.ProcessEnv = {}): string {
  let out = s
  for (const v of secretValues(env)) out = out.replace(new RegExp(escapeRe(v), 'g'), REDACTED)
  for (const [re, rep] of PATTERNS) out = out.replace(re, rep as string)
  return out
}

/** Deep copy with every string redacted (object keys kept). */
export function redact<T>(value: T, env: NodeJS.ProcessEnv = {}): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactString(v, env)
    if (Array.isArray(v)) return v.map(walk)
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]))
    return v
  }

  return walk(value) as T
}
