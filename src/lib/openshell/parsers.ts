/**
 * Pure parsers, one per `openshell` output. Each takes the (raw or normalised) stdout and returns a typed value, or
 * `undefined` when the text is not a recognisable instance of that output. They never throw.
 */
import {collapse, normalise} from './text.js'
import type {
  ConnectionStatus,
  DeleteOutcome,
  GatewayAddResult,
  GatewayInfo,
  GatewayListEntry,
  GatewayStatus,
  InferenceRoute,
  InferenceVerifyFailure,
  ProviderDetail,
  ProviderEntry,
  SandboxDetail,
  SandboxList,
  SandboxPhase,
  SandboxSummary,
} from './types.js'

type Json = Record<string, unknown>

function tryJson(text: string): unknown {
  const t = text.trim()
  if (!t.startsWith('{') && !t.startsWith('[')) return undefined
  try {
    return JSON.parse(t) as unknown
  } catch {
    return undefined
  }
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  return undefined
}

function lines(text: string): string[] {
  return normalise(text).split('\n')
}

/** How many white-space characters `line` starts with (those of `\s`, which trimStart removes). */
function indentOf(line: string): number {
  return line.length - line.trimStart().length
}

/** Value of the first `  Label: value` line (label matched exactly, at any indentation). */
function field(all: string[], label: string): string | undefined {
  const re = new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:[ \\t]*(.*)$`)
  for (const l of all) {
    const m = re.exec(l)
    if (m) return m[1].trim()
  }

  return undefined
}

function hasLine(all: string[], re: RegExp): boolean {
  return all.some((l) => re.test(l))
}

const NOT_CONFIGURED_RE = /^\s*(?:Status:\s*)?No gateway configured\.?\s*$/

// ---------------------------------------------------------------------------------------------------------------
// status

/** `Connected (HTTP)` → connected_http; `Connected` → connected; … ; anything else → undefined. */
function parseConnectionStatus(value: string): ConnectionStatus | undefined {
  const v = value.trim()
  if (/^connected_http$/i.test(v) || /^Connected\s*\(HTTP\)/i.test(v)) return 'connected_http'
  if (/^Connected\b/i.test(v)) return 'connected'
  if (/^Disconnected\b/i.test(v)) return 'disconnected'
  if (/^Error\b/i.test(v)) return 'error'
  return undefined
}

/** `Authenticated (mTLS transport)` → {status: 'authenticated', detail: 'mTLS transport'}. */
function parseAuthText(value: string): {status: string; detail?: string} {
  const m = /^([^()]+?)\s*(?:\((.*)\))?\s*$/.exec(value)
  if (!m) return {status: value.toLowerCase()}
  const status = m[1].trim().toLowerCase().replace(/\s+/g, '_')
  return m[2] === undefined ? {status} : {status, detail: m[2]}
}

function parseStatusJson(j: unknown): GatewayStatus | undefined {
  if (!isObject(j)) return undefined
  const status = str(j.status)
  if (status === 'not_configured') return {configured: false}
  const conn = status === undefined ? undefined : parseConnectionStatus(status)
  if (!conn) return undefined
  const out: GatewayStatus = {
    configured: true,
    gateway: str(j.gateway) ?? '',
    server: str(j.server) ?? '',
    status: conn,
  }
  if (isObject(j.authentication)) {
    const a = j.authentication
    const detail = str(a.provider) ?? str(a.mode) ?? str(a.error) ?? str(a.reason)
    out.authentication = {status: str(a.status) ?? 'unknown', ...(detail === undefined ? {} : {detail})}
  }

  const version = str(j.version)
  if (version !== undefined) out.version = version
  const error = str(j.error)
  if (error !== undefined && error !== '') out.error = error
  return out
}

/**
 * `openshell status [-o json]`, both generations. `No gateway configured.` (exit 0) → `{configured: false}`.
 * Returns undefined when no `Status:` field can be read.
 */
export function parseStatus(stdout: string): GatewayStatus | undefined {
  const json = tryJson(stdout)
  if (json !== undefined) return parseStatusJson(json)
  const all = lines(stdout)
  if (hasLine(all, NOT_CONFIGURED_RE)) return {configured: false}
  const statusValue = field(all, 'Status')
  if (statusValue === undefined) return undefined
  const conn = parseConnectionStatus(statusValue)
  if (!conn) return undefined
  const out: GatewayStatus = {
    configured: true,
    gateway: field(all, 'Gateway') ?? '',
    server: field(all, 'Server') ?? field(all, 'Gateway endpoint') ?? '',
    status: conn,
  }
  const auth = field(all, 'Authentication')
  if (auth) out.authentication = parseAuthText(auth)
  const version = field(all, 'Version')
  if (version) out.version = version
  const error = field(all, 'gRPC error') ?? field(all, 'Error')
  if (error) out.error = error
  return out
}

// ---------------------------------------------------------------------------------------------------------------
// gateway info / list

/** `gateway info [-o json]`: legacy `Gateway endpoint:` or modern `Server:`; undefined without an endpoint. */
export function parseGatewayInfo(stdout: string): GatewayInfo | undefined {
  const json = tryJson(stdout)
  if (json !== undefined) {
    if (!isObject(json)) return undefined
    const endpoint = str(json.server) ?? str(json.gateway_endpoint) ?? str(json.endpoint)
    const gateway = str(json.gateway) ?? str(json.name)
    if (!endpoint || gateway === undefined) return undefined
    const info: GatewayInfo = {gateway, endpoint}
    const status = str(json.status)
    if (status) info.status = status.toLowerCase()
    const version = str(json.version)
    if (version) info.version = version
    const remote = str(json.remote_host)
    if (remote) info.remoteHost = remote
    if (Array.isArray(json.compute_drivers)) {
      info.computeDrivers = json.compute_drivers
        .map((d) => (isObject(d) ? str(d.name) : str(d)))
        .filter((d): d is string => typeof d === 'string')
    }

    return info
  }

  const all = lines(stdout)
  const endpoint = field(all, 'Server') ?? field(all, 'Gateway endpoint')
  if (!endpoint) return undefined
  const info: GatewayInfo = {gateway: field(all, 'Gateway') ?? '', endpoint}
  const status = field(all, 'Status')
  if (status) info.status = status.toLowerCase()
  const version = field(all, 'Version')
  if (version) info.version = version
  const remote = field(all, 'Remote host')
  if (remote) info.remoteHost = remote
  const idx = all.findIndex((l) => /^\s*Compute drivers:\s*$/.test(l))
  if (idx >= 0) {
    const labelIndent = indentOf(all[idx])
    const drivers: string[] = []
    for (const l of all.slice(idx + 1)) {
      if (l.trim() === '') continue
      const indent = indentOf(l)
      if (indent <= labelIndent) break
      if (/:/.test(l)) continue // `Driver version: …` and other nested fields
      drivers.push(l.trim())
    }

    info.computeDrivers = drivers
  }

  return info
}

/** Column starts of a table header (`NAME  ENDPOINT  TYPE`): names are single words separated by spaces. */
function headerColumns(header: string): Array<{name: string; start: number}> {
  const cols: Array<{name: string; start: number}> = []
  const re = /\S+/g
  let m: RegExpExecArray | null
  while ((m = re.exec(header)) !== null) cols.push({name: m[0].toUpperCase(), start: m.index})
  return cols
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/
const TIME_RE = /^\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|UTC)?$/

/** Whitespace tokens of a row, with `YYYY-MM-DD` + `HH:MM:SS` merged back into one cell. */
function rowTokens(row: string): string[] {
  const raw = row
    .trim()
    .split(/\s+/)
    .filter((t) => t !== '')
  const out: string[] = []
  for (let i = 0; i < raw.length; i++) {
    if (DATE_RE.test(raw[i]) && i + 1 < raw.length && TIME_RE.test(raw[i + 1])) {
      out.push(`${raw[i]} ${raw[i + 1]}`)
      i++
    } else {
      out.push(raw[i])
    }
  }

  return out
}

/**
 * Cells of a table row keyed by header name. Tokens are used when their count matches the header; otherwise cells
 * are cut at the header's column positions. Returns undefined when the row cannot be mapped.
 */
function rowCells(cols: Array<{name: string; start: number}>, row: string): Record<string, string> | undefined {
  const tokens = rowTokens(row)
  const cells: Record<string, string> = {}
  if (tokens.length === cols.length) {
    cols.forEach((c, i) => {
      cells[c.name] = tokens[i]
    })
    return cells
  }

  if (tokens.length > cols.length) return undefined
  for (let i = 0; i < cols.length; i++) {
    const end = i + 1 < cols.length ? cols[i + 1].start : row.length
    cells[cols[i].name] = row.slice(cols[i].start, end).trim()
  }

  // Position cutting only counts when it accounts for every token.
  const rebuilt = cols
    .map((c) => cells[c.name])
    .filter((c) => c !== '')
    .join(' ')
  if (rowTokens(rebuilt).join(' ') !== tokens.join(' ')) return undefined
  return cells
}

interface Table {
  cols: Array<{name: string; start: number}>
  rows: string[]
}

/** Locate a table whose header starts with `first` and contains `must`; rows are the non-empty lines after it. */
function findTable(all: string[], first: string[], must: string): Table | undefined {
  const idx = all.findIndex((l) => {
    const cols = headerColumns(l.replace(/^\s*\*/, ' '))
    return cols.length > 1 && first.includes(cols[0].name) && cols.some((c) => c.name === must) && l === l.toUpperCase()
  })
  if (idx < 0) return undefined
  const rows = all.slice(idx + 1).filter((l) => l.trim() !== '')
  return {cols: headerColumns(all[idx]), rows}
}

function bool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v
  if (v === 'true' || v === 'yes') return true
  if (v === 'false' || v === 'no') return false
  return undefined
}

function gatewayEntryFromJson(j: unknown): GatewayListEntry | undefined {
  if (!isObject(j)) return undefined
  const name = str(j.name)
  const endpoint = str(j.endpoint) ?? str(j.gateway_endpoint) ?? str(j.server)
  if (!name || endpoint === undefined) return undefined
  const e: GatewayListEntry = {name, endpoint, active: bool(j.active) ?? false}
  const type = str(j.type)
  if (type) e.type = type
  const source = str(j.source)
  if (source) e.source = source
  const auth = str(j.auth)
  if (auth) e.auth = auth
  const isRemote = bool(j.is_remote)
  if (isRemote !== undefined) e.isRemote = isRemote
  return e
}

/** `gateway list [-o json]` (modern). `No gateways found.` → []. Active row is prefixed `*`. */
export function parseGatewayList(stdout: string): GatewayListEntry[] | undefined {
  const json = tryJson(stdout)
  if (json !== undefined) {
    const items = Array.isArray(json)
      ? json
      : isObject(json) && Array.isArray(json.gateways)
        ? json.gateways
        : undefined
    if (!items) return undefined
    const entries = items.map(gatewayEntryFromJson)
    return entries.every((e): e is GatewayListEntry => e !== undefined) ? entries : undefined
  }

  const all = lines(stdout)
  if (hasLine(all, /^\s*No gateways found\.?\s*$/)) return []
  const table = findTable(all, ['NAME'], 'ENDPOINT')
  if (!table) return undefined
  const entries: GatewayListEntry[] = []
  for (const row of table.rows) {
    const active = /^\s*\*/.test(row)
    const cells = rowCells(table.cols, row.replace(/^(\s*)\*/, '$1 '))
    if (!cells || !cells.NAME || !cells.ENDPOINT) return undefined
    const e: GatewayListEntry = {name: cells.NAME, endpoint: cells.ENDPOINT, active}
    if (cells.TYPE) e.type = cells.TYPE
    if (cells.SOURCE) e.source = cells.SOURCE
    if (cells.AUTH) e.auth = cells.AUTH
    if (cells.REMOTE) {
      const r = bool(cells.REMOTE.toLowerCase())
      if (r !== undefined) e.isRemote = r
    }

    entries.push(e)
  }

  return entries
}

// ---------------------------------------------------------------------------------------------------------------
// sandboxes

const PHASES: SandboxPhase[] = [
  'Unspecified',
  'Provisioning',
  'Ready',
  'Error',
  'Deleting',
  'Unknown',
  'Stopping',
  'Stopped',
  'Starting',
  'Completed',
]

/** Phase from its display name, enum name (`SANDBOX_PHASE_READY`, `READY`) or number; anything else → Unknown. */
export function normalisePhase(value: unknown): SandboxPhase {
  if (typeof value === 'number') return PHASES[value] ?? 'Unknown'
  if (typeof value !== 'string') return 'Unknown'
  const v = value
    .trim()
    .replace(/^SANDBOX_PHASE_/i, '')
    .toLowerCase()
  if (/^\d+$/.test(v)) return PHASES[Number(v)] ?? 'Unknown'
  return PHASES.find((p) => p.toLowerCase() === v) ?? 'Unknown'
}

function sandboxFromJson(j: unknown): SandboxDetail | undefined {
  if (!isObject(j)) return undefined
  // Some shapes nest the object (`{sandbox: {...}}`) or the metadata (`metadata.name`).
  if (isObject(j.sandbox) && j.name === undefined) return sandboxFromJson(j.sandbox)
  const meta = isObject(j.metadata) ? j.metadata : {}
  const name = str(j.name) ?? str(meta.name)
  if (!name) return undefined
  const s: SandboxDetail = {name, phase: normalisePhase(j.phase ?? (isObject(j.status) ? j.status.phase : undefined))}
  const createdAt = str(j.created_at) ?? str(meta.created_at)
  if (createdAt) s.createdAt = createdAt
  const id = str(j.id) ?? str(meta.id)
  if (id) s.id = id
  const ns = str(j.namespace)
  if (ns) s.namespace = ns
  const ws = str(j.workspace) ?? str(meta.workspace)
  if (ws) s.workspace = ws
  const labels = isObject(j.labels) ? j.labels : isObject(meta.labels) ? meta.labels : undefined
  if (labels) s.labels = Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, str(v) ?? '']))
  if (typeof j.policy === 'string') s.policy = j.policy
  else if (isObject(j.policy)) s.policy = JSON.stringify(j.policy, null, 2)
  return s
}

/**
 * `sandbox list [-o json]`: legacy `NAME NAMESPACE CREATED PHASE`, modern `NAME CREATED PHASE`, `--all-workspaces`
 * `WORKSPACE NAME CREATED PHASE`; JSON bare array (0.0.44–0.0.116) or the 0.1.x envelope
 * `{next_page_token, sandboxes}`. `No sandboxes found.` → empty list. A row that cannot be read makes the whole
 * result undefined (a silently dropped sandbox would later look deleted).
 */
export function parseSandboxList(stdout: string): SandboxList | undefined {
  const json = tryJson(stdout)
  if (json !== undefined) {
    let items: unknown[] | undefined
    let token: string | undefined
    if (Array.isArray(json)) items = json
    else if (isObject(json) && Array.isArray(json.sandboxes)) {
      items = json.sandboxes
      token = str(json.next_page_token) ?? str(json.nextPageToken)
    } else if (isObject(json) && json.sandboxes === null) items = []
    if (!items) return undefined
    const sandboxes: SandboxSummary[] = []
    for (const item of items) {
      const s = sandboxFromJson(item)
      if (!s) return undefined
      delete s.policy
      delete s.labels
      sandboxes.push(s)
    }

    return token ? {sandboxes, nextPageToken: token} : {sandboxes}
  }

  const all = lines(stdout)
  if (hasLine(all, /^\s*No sandboxes found\.?\s*$/)) return {sandboxes: []}
  const table = findTable(all, ['NAME', 'WORKSPACE'], 'PHASE')
  if (!table) return undefined
  const sandboxes: SandboxSummary[] = []
  for (const row of table.rows) {
    const cells = rowCells(table.cols, row)
    if (!cells || !cells.NAME || cells.PHASE === undefined) return undefined
    const s: SandboxSummary = {name: cells.NAME, phase: normalisePhase(cells.PHASE)}
    if (cells.CREATED) s.createdAt = cells.CREATED
    if (cells.NAMESPACE) s.namespace = cells.NAMESPACE
    if (cells.WORKSPACE) s.workspace = cells.WORKSPACE
    if (cells.ID) s.id = cells.ID
    sandboxes.push(s)
  }

  return {sandboxes}
}

/** `sandbox get NAME [-o json]`: text `Sandbox:` block (with or without `Namespace:`) then `Policy:` YAML, or JSON. */
export function parseSandboxGet(stdout: string): SandboxDetail | undefined {
  const json = tryJson(stdout)
  if (json !== undefined) return sandboxFromJson(json)
  const all = lines(stdout)
  const start = all.findIndex((l) => /^\s*Sandbox:\s*$/.test(l))
  if (start < 0) return undefined
  const policyIdx = all.findIndex((l, i) => i > start && /^Policy:\s*$/.test(l))
  const block = all.slice(start + 1, policyIdx < 0 ? undefined : policyIdx)
  const name = field(block, 'Name')
  const phase = field(block, 'Phase')
  if (!name || phase === undefined) return undefined
  const s: SandboxDetail = {name, phase: normalisePhase(phase)}
  const id = field(block, 'Id')
  if (id) s.id = id
  const ns = field(block, 'Namespace')
  if (ns) s.namespace = ns
  const ws = field(block, 'Workspace')
  if (ws) s.workspace = ws
  const created = field(block, 'Created')
  if (created) s.createdAt = created
  // 0.0.111: `  Labels: ` (trailing space) then one `    key: value` line per label, indented deeper.
  const labelsIdx = block.findIndex((l) => /^\s*Labels:\s*$/.test(l))
  if (labelsIdx >= 0) {
    const indent = indentOf(block[labelsIdx])
    const labels: Record<string, string> = {}
    for (const l of block.slice(labelsIdx + 1)) {
      if (l.trim() === '' || indentOf(l) <= indent) break
      const m = /^\s*([^:]+):\s?(.*)$/.exec(l)
      if (m) labels[m[1].trim()] = m[2].trim()
    }

    s.labels = labels
  }

  if (policyIdx >= 0) {
    const body = all.slice(policyIdx + 1)
    const indents = body.filter((l) => l.trim() !== '').map((l) => indentOf(l))
    const cut = indents.length > 0 ? Math.min(...indents) : 0
    const policy = body
      .map((l) => l.slice(Math.min(cut, indentOf(l))))
      .join('\n')
      .replace(/^\n+|\s+$/g, '')
    if (policy) s.policy = policy
  }

  return s
}

// ---------------------------------------------------------------------------------------------------------------
// inference, paging, delete, providers

/** The indented block under a `<label>:` line (up to the next line at the label's indentation or less). */
function blockAfter(all: string[], labelRe: RegExp): string[] | undefined {
  const start = all.findIndex((l) => labelRe.test(l))
  if (start < 0) return undefined
  const indent = indentOf(all[start])
  const block: string[] = []
  for (const l of all.slice(start + 1)) {
    if (l.trim() !== '' && indentOf(l) <= indent) break
    block.push(l)
  }

  return block
}

function routeOf(block: string[]): InferenceRoute | undefined {
  if (hasLine(block, /^\s*Not configured\.?\s*$/)) return {configured: false}
  const provider = field(block, 'Provider')
  const model = field(block, 'Model')
  if (provider || model) {
    const r: InferenceRoute = {configured: true}
    if (provider) r.provider = provider
    if (model) r.model = model
    return r
  }

  const error = field(block, 'Error')
  if (error) return {configured: false, error}
  return undefined
}

/**
 * `inference get`: the `Inference:` block (Provider/Model, or `Not configured`). 0.0.111 also prints a
 * `System inference:` block (the gateway's own route); it is returned as `system` and never mistaken for the user's.
 */
export function parseInferenceGet(stdout: string): InferenceRoute | undefined {
  const all = lines(stdout)
  // the user's route: `Inference:` (modern), `Gateway inference:` (legacy 0.0.26, real binary)
  const block = blockAfter(all, /^\s*(?:Gateway )?[Ii]nference:\s*$/)
  if (!block) return undefined
  const route = routeOf(block)
  if (!route) return undefined
  const sysBlock = blockAfter(all, /^\s*System inference:\s*$/)
  const sys = sysBlock ? routeOf(sysBlock) : undefined
  if (sys && sys.error === undefined) {
    route.system = {
      configured: sys.configured,
      ...(sys.provider ? {provider: sys.provider} : {}),
      ...(sys.model ? {model: sys.model} : {}),
    }
  }

  return route
}

// ---------------------------------------------------------------------------------------------------------------
// gateway add / select / remove, sandbox create (success texts, stdout and stderr together)

/**
 * `gateway add` (0.0.111, stderr): optional `⚠ Gateway is not reachable at <url>. …`, then `✓ Gateway '<n>' added
 * and set as active` / `  Endpoint: <url>` / `  Type: local|remote|cloud`, then `✓ TLS certificates present` (mTLS)
 * or, for a cloud registration, `! Authentication failed: …` and possibly `! Registration for '<n>' removed. …`.
 * undefined without the `added` line.
 */
export function parseGatewayAdd(text: string): GatewayAddResult | undefined {
  const all = lines(text)
  const added = all.map((l) => /^\s*(?:✓\s*)?Gateway '([^']+)' added\b/.exec(l)).find((m) => m !== null)
  if (!added) return undefined
  const name = added[1]
  const r: GatewayAddResult = {
    authFailed: hasLine(all, /^\s*!\s*Authentication failed\b/),
    name,
    reachable: !hasLine(all, /Gateway is not reachable at\b/),
    registrationRemoved: all.some((l) =>
      new RegExp(`^\\s*!\\s*Registration for '${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}' removed`).test(l),
    ),
    // modern: `✓ TLS certificates present`; legacy (read out of the gateway container): `✓ TLS certificates extracted`
    tlsPresent: hasLine(all, /^\s*(?:✓\s*)?TLS certificates (?:present|extracted)\b/),
  }
  const endpoint = field(all, 'Endpoint')
  if (endpoint) r.endpoint = endpoint
  const type = field(all, 'Type')
  if (type) r.type = type.toLowerCase()
  return r
}

/** `gateway select <n>` (stderr): `✓ Active gateway set to '<n>'`, plus a `⚠ OPENSHELL_GATEWAY=… will override` warning. */
export function parseGatewaySelect(text: string): {name: string; warning?: string} | undefined {
  const all = lines(text)
  const m = all.map((l) => /^\s*(?:✓\s*)?Active gateway set to '([^']+)'/.exec(l)).find((x) => x !== null)
  if (!m) return undefined
  const w = all.find((l) => /^\s*⚠/.test(l))
  return w ? {name: m[1], warning: w.replace(/^\s*⚠\s*/, '').trim()} : {name: m[1]}
}

/** `sandbox create` (stdout; 0.0.111 starts with a blank line): `Created sandbox: <n>`. */
export function parseSandboxCreate(text: string): {name: string} | undefined {
  const m = /^\s*Created sandbox:\s*(\S+)\s*$/m.exec(normalise(text))
  return m ? {name: m[1]} : undefined
}

/** `Next page token: <t>` on stderr (0.1.x `sandbox list`). */
export function parseNextPageToken(stderr: string): string | undefined {
  const m = /^\s*Next page token:\s*(\S+)\s*$/m.exec(normalise(stderr))
  return m ? m[1] : undefined
}

/** Outcome of `sandbox delete NAME` for that name, from the `✓ …` / `! …` lines (stdout and stderr together). */
export function parseDeleteOutcome(text: string, name: string): DeleteOutcome {
  const n = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const t = normalise(text)
  if (new RegExp(`Sandbox ${n} deletion accepted`, 'i').test(t)) return 'accepted'
  if (new RegExp(`Sandbox ${n} already deleted`, 'i').test(t)) return 'already_deleted'
  if (new RegExp(`Sandbox ${n} not found`, 'i').test(t)) return 'not_found'
  if (new RegExp(`Deleted sandbox ${n}(?:\\s|$)`, 'i').test(t)) return 'deleted'
  return 'unknown'
}

/** `provider list` table (`NAME  TYPE …`) or JSON array; `No providers found.` → []. */
export function parseProviderList(stdout: string): ProviderEntry[] | undefined {
  const json = tryJson(stdout)
  if (json !== undefined) {
    const items = Array.isArray(json)
      ? json
      : isObject(json) && Array.isArray(json.providers)
        ? json.providers
        : undefined
    if (!items) return undefined
    const out: ProviderEntry[] = []
    for (const i of items) {
      if (!isObject(i)) return undefined
      const name = str(i.name)
      if (!name) return undefined
      const type = str(i.type)
      const entry: ProviderEntry = type ? {name, type} : {name}
      const keys = Array.isArray(i.credential_keys)
        ? i.credential_keys.filter((k): k is string => typeof k === 'string')
        : undefined
      if (keys) entry.credentialKeys = keys
      out.push(entry)
    }

    return out
  }

  const all = lines(stdout)
  if (hasLine(all, /^\s*No providers found\.?\s*$/)) return []
  const table = findTable(all, ['NAME'], 'TYPE')
  if (!table) return undefined
  const out: ProviderEntry[] = []
  for (const row of table.rows) {
    const tokens = rowTokens(row)
    const cells = rowCells(table.cols, row)
    const name = cells?.NAME ?? tokens[0]
    if (!name) return undefined
    const type = cells?.TYPE
    const entry: ProviderEntry = type ? {name, type} : {name}
    // CREDENTIALS column (when printed): comma-separated credential key NAMES, never values.
    if (cells && 'CREDENTIALS' in cells)
      entry.credentialKeys = cells.CREDENTIALS.split(',')
        .map((k) => k.trim())
        .filter((k) => k !== '')
    out.push(entry)
  }

  return out
}

/** A `Credential keys:` / `Config keys:` value: comma-separated names, `<none>` for none. */
function keyList(value: string | undefined): string[] {
  if (value === undefined || /^<none>$/i.test(value.trim())) return []
  return value
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '')
}

/**
 * `provider get NAME` (0.0.26 … 0.0.111): a `Provider:` block with `Id:`, `Name:`, `Type:`, (≥ 0.0.90) `Resource
 * version:`, `Credential keys:` and `Config keys:` — names only, never values. undefined without Name and Type.
 */
export function parseProviderGet(stdout: string): Extract<ProviderDetail, {found: true}> | undefined {
  const all = lines(stdout)
  const start = all.findIndex((l) => /^\s*Provider:\s*$/.test(l))
  if (start < 0) return undefined
  const block = all.slice(start + 1)
  const name = field(block, 'Name')
  const type = field(block, 'Type')
  if (!name || !type) return undefined
  const detail: Extract<ProviderDetail, {found: true}> = {
    configKeys: keyList(field(block, 'Config keys')),
    credentialKeys: keyList(field(block, 'Credential keys')),
    found: true,
    name,
    type,
  }
  const id = field(block, 'Id')
  if (id) detail.id = id
  return detail
}

/** The gateway has no such provider: 0.0.111 `message: "provider not found"`, legacy `status: NotFound, message: "provider not found"`. */
export function isProviderNotFound(text: string): boolean {
  return /message: "provider(?: '[^']*')? not found"/i.test(collapse(normalise(text)))
}

/**
 * `inference set` refused because the gateway could not verify the endpoint (0.0.111, on stderr):
 * `failed to verify inference endpoint for provider 'p' and model 'm' at 'URL': <what failed>. Next steps: …`.
 */
export function parseInferenceVerifyFailure(text: string): InferenceVerifyFailure | undefined {
  const m =
    /failed to verify inference endpoint for provider '([^']*)' and model '([^']*)' at '([^']*)': (.*?)(?:\. Next steps: .*)?$/.exec(
      collapse(normalise(text)),
    )
  return m ? {error: m[4].trim(), model: m[2], provider: m[1], url: m[3]} : undefined
}
