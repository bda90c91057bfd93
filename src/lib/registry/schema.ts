/**
 * The on-disk shape of `$NEMOCLAW_HOME/sandboxes.json` and its pure parser.
 *
 * Current format (version 1):
 *   {version: 1, defaultSandbox: string|null, sandboxes: {<name>: SandboxRecord}, ...unknown top-level fields}
 * Legacy format (NemoClaw's JavaScript CLI, no `version`):
 *   {defaultSandbox, sandboxes: {<name>: {name, createdAt, model, provider, gpuEnabled, policies, ...}}}
 * A legacy file is read as version 1 in memory (gateway `nemoclaw` filled in, every other field kept) and is written
 * back as version 1 on the first write.
 *
 * Validation policy (a deliberate choice): any wrong TYPE makes the whole file invalid — the root is not an object,
 * `sandboxes` is not an object, a record is not an object, a known record field has the wrong type, a record's
 * `name` disagrees with its key. Such a file is never rewritten: it is reported with every offending field
 * (`sandboxes.alpha.policies: expected an array of strings, got string`) and handled like an unparseable file
 * (see store.ts: refused, or set aside intact on request). Rationale: only nemoclaw writes this file, so a type
 * error means a hand edit or a foreign tool; guessing could write a wrong record back, while setting the file aside
 * loses nothing and every consumer can trust the types. What is merely MISSING is harmless and filled in
 * (legacy records have no gateway/source/lastSeen; model/provider may be null). Unknown fields — top-level or per
 * record — are kept and written back unchanged.
 */

export const REGISTRY_VERSION = 1

/** Entries written before nemoclaw knew about gateways lived on NemoClaw's one gateway. */
export const LEGACY_GATEWAY = 'nemoclaw'

interface LastSeen {
  /** Sandbox phase as the gateway last reported it (Ready, Provisioning, …) or a nemoclaw verdict. */
  phase: string
  /** ISO-8601 time of the observation. */
  at: string
}

export interface SandboxRecord {
  name: string
  /** OpenShell gateway the sandbox was created on. */
  gateway: string
  createdAt: string | null
  /** What it was created from (`--from` value), if known. */
  source: string | null
  provider: string | null
  model: string | null
  policies: string[]
  lastSeen: LastSeen | null
  endpointUrl?: string | null
  /** NAME of the environment variable that holds the credential; never the value. */
  credentialEnv?: string | null
  /** Unknown fields (e.g. legacy `gpuEnabled`, `nimContainer`) are kept as they are. */
  [extra: string]: unknown
}

export interface Registry {
  version: typeof REGISTRY_VERSION
  defaultSandbox: string | null
  sandboxes: Record<string, SandboxRecord>
  /** Unknown top-level fields are kept as they are. */
  [extra: string]: unknown
}

/** `unusable`: the file exists but could not be used (see LoadResult.problem). */
export type RegistryFormat = 'missing' | 'legacy' | 'v1' | 'unusable'

type ParseResult =
  | {ok: true; registry: Registry; format: 'legacy' | 'v1'}
  | {ok: false; kind: 'unparseable' | 'invalid' | 'unsupported-version'; detail: string; issues: string[]}

export function emptyRegistry(): Registry {
  return {version: REGISTRY_VERSION, defaultSandbox: null, sandboxes: {}}
}

function typeOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function fieldPath(base: string, key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`
}

const NULLABLE_STRINGS = ['createdAt', 'source', 'provider', 'model'] as const
const OPTIONAL_STRINGS = ['endpointUrl', 'credentialEnv'] as const

/** Normalise one record; push a message per wrong field onto `issues`. */
function normaliseRecord(key: string, raw: unknown, issues: string[]): SandboxRecord | null {
  const at = fieldPath('sandboxes', key)
  if (!isPlainObject(raw)) {
    issues.push(`${at}: expected an object, got ${typeOf(raw)}`)
    return null
  }
  const rec: Record<string, unknown> = {...raw}
  const before = issues.length

  if (rec.name === undefined) rec.name = key
  else if (typeof rec.name !== 'string') issues.push(`${at}.name: expected a string, got ${typeOf(rec.name)}`)
  else if (rec.name !== key)
    issues.push(`${at}.name: is ${JSON.stringify(rec.name)} but the record is stored under ${JSON.stringify(key)}`)

  if (rec.gateway === undefined || rec.gateway === null) rec.gateway = LEGACY_GATEWAY
  else if (typeof rec.gateway !== 'string' || rec.gateway === '') {
    issues.push(`${at}.gateway: expected a non-empty string, got ${typeOf(rec.gateway)}`)
  }

  for (const field of NULLABLE_STRINGS) {
    if (rec[field] === undefined) rec[field] = null
    else if (rec[field] !== null && typeof rec[field] !== 'string') {
      issues.push(`${at}.${field}: expected a string or null, got ${typeOf(rec[field])}`)
    }
  }
  for (const field of OPTIONAL_STRINGS) {
    if (rec[field] !== undefined && rec[field] !== null && typeof rec[field] !== 'string') {
      issues.push(`${at}.${field}: expected a string, got ${typeOf(rec[field])}`)
    }
  }

  if (rec.policies === undefined || rec.policies === null) rec.policies = []
  else if (!Array.isArray(rec.policies)) {
    issues.push(`${at}.policies: expected an array of strings, got ${typeOf(rec.policies)}`)
  } else {
    rec.policies.forEach((p, i) => {
      if (typeof p !== 'string') issues.push(`${at}.policies[${i}]: expected a string, got ${typeOf(p)}`)
    })
  }

  if (rec.lastSeen === undefined) rec.lastSeen = null
  else if (rec.lastSeen !== null) {
    const ls = rec.lastSeen
    if (!isPlainObject(ls)) issues.push(`${at}.lastSeen: expected {phase, at} or null, got ${typeOf(ls)}`)
    else {
      if (typeof ls.phase !== 'string') issues.push(`${at}.lastSeen.phase: expected a string, got ${typeOf(ls.phase)}`)
      if (typeof ls.at !== 'string') issues.push(`${at}.lastSeen.at: expected a string, got ${typeOf(ls.at)}`)
    }
  }

  return issues.length === before ? (rec as SandboxRecord) : null
}

/**
 * Validate and normalise an already-parsed value. Used for file contents and again for whatever a mutator produced
 * before it is written (so a buggy mutator can never write a file we would refuse to read).
 */
export function normaliseRegistry(data: unknown): ParseResult {
  if (!isPlainObject(data)) {
    return invalid([`(root): expected an object, got ${typeOf(data)}`])
  }
  let format: 'legacy' | 'v1'
  if (data.version === undefined) format = 'legacy'
  else if (data.version === REGISTRY_VERSION) format = 'v1'
  else if (typeof data.version === 'number' && Number.isInteger(data.version) && data.version > REGISTRY_VERSION) {
    return {
      ok: false,
      kind: 'unsupported-version',
      detail: `it has version ${data.version}, written by a newer nemoclaw (this one understands version ${REGISTRY_VERSION}); upgrade nemoclaw`,
      issues: [`version: ${data.version} is newer than ${REGISTRY_VERSION}`],
    }
  } else {
    return invalid([`version: expected ${REGISTRY_VERSION}, got ${JSON.stringify(data.version)}`])
  }

  const issues: string[] = []
  const out: Record<string, unknown> = {...data, version: REGISTRY_VERSION}

  if (data.defaultSandbox === undefined) out.defaultSandbox = null
  else if (data.defaultSandbox !== null && typeof data.defaultSandbox !== 'string') {
    issues.push(`defaultSandbox: expected a string or null, got ${typeOf(data.defaultSandbox)}`)
  }

  const sandboxes: Record<string, SandboxRecord> = {}
  if (data.sandboxes === undefined || data.sandboxes === null) {
    // harmless: no records yet
  } else if (!isPlainObject(data.sandboxes)) {
    issues.push(`sandboxes: expected an object keyed by sandbox name, got ${typeOf(data.sandboxes)}`)
  } else {
    for (const [key, raw] of Object.entries(data.sandboxes)) {
      const rec = normaliseRecord(key, raw, issues)
      // defineProperty: a record stored under the key `__proto__` must stay a record, not become a prototype
      if (rec) Object.defineProperty(sandboxes, key, {value: rec, enumerable: true, writable: true, configurable: true})
    }
  }
  if (issues.length > 0) return invalid(issues)

  // Canonical key order: version, defaultSandbox, sandboxes, then unknown fields in their original order.
  const {version: _v, defaultSandbox, sandboxes: _s, ...extra} = out
  const registry: Registry = {
    version: REGISTRY_VERSION,
    defaultSandbox: defaultSandbox as string | null,
    sandboxes,
    ...extra,
  }
  return {ok: true, registry, format}
}

function invalid(issues: string[]): ParseResult {
  const shown = issues.slice(0, 5).join('; ') + (issues.length > 5 ? `; and ${issues.length - 5} more` : '')
  return {ok: false, kind: 'invalid', detail: `wrong types: ${shown}`, issues}
}

/** Parse file text. Pure. */
export function parseRegistry(text: string): ParseResult {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    const why = text.trim() === '' ? 'the file is empty' : `not valid JSON (${(error as Error).message})`
    return {ok: false, kind: 'unparseable', detail: why, issues: [why]}
  }
  return normaliseRegistry(data)
}

/**
 * The names a registry file's text lists under `sandboxes`, also when the file would not validate (a record with a
 * wrong type, a newer version): enough to recognise a sandbox name in argv, after which the command reports the
 * file's problem. None when the text is not JSON or has no `sandboxes` object. Pure.
 */
export function recordNames(text: string): string[] {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    return []
  }

  return isPlainObject(data) && isPlainObject(data.sandboxes) ? Object.keys(data.sandboxes) : []
}

export function serializeRegistry(registry: Registry): string {
  return JSON.stringify(registry, null, 2) + '\n'
}
