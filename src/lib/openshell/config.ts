/**
 * OpenShell's on-disk layout (read-only helpers, plus the one file operation nemoclaw performs there: re-importing
 * the local gateway's client bundle after a trust rotation). All paths are computed from an env object.
 */
import {constants as fsc} from 'node:fs'
import * as fs from 'node:fs'
import * as path from 'node:path'

import {parse as parseToml} from 'smol-toml'

import {homeDir, xdgDir} from '../dirs.js'
import {MODERN_DEFAULT_PORT} from './version.js'

type Env = NodeJS.ProcessEnv

interface FileState {
  path: string
  present: boolean
  readable: boolean
  /** Permission bits (e.g. 0o600) when present. */
  mode?: number
}

interface MtlsFiles {
  dir: string
  ca: FileState
  cert: FileState
  key: FileState
  /** All three present and readable. */
  complete: boolean
}

interface GatewayMetadata {
  name: string
  gatewayEndpoint?: string
  isRemote?: boolean
  gatewayPort?: number
  remoteHost?: string
  resolvedHost?: string
  /** null / absent / 'mtls' mean mTLS. */
  authMode?: string | null
  /** The whole parsed object, for evidence. */
  raw: Record<string, unknown>
}

/** `$XDG_CONFIG_HOME/openshell`, else `~/.config/openshell`. */
export function configBase(env: Env = process.env): string {
  return path.join(xdgDir('config', env, {absoluteOnly: true}), 'openshell')
}

/** OpenShell's directory-name sanitising: characters outside `[A-Za-z0-9._-]` become `_`. */
export function sanitiseGatewayName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_')
}

function gatewayDir(name: string, env: Env = process.env): string {
  return path.join(configBase(env), 'gateways', sanitiseGatewayName(name))
}

function mtlsDir(name: string, env: Env = process.env): string {
  return path.join(gatewayDir(name, env), 'mtls')
}

function readTrimmed(file: string): string | undefined {
  try {
    const v = fs.readFileSync(file, 'utf8').trim()
    return v === '' ? undefined : v
  } catch {
    return undefined
  }
}

/** The user's active gateway name (`active_gateway`), trimmed; undefined when absent or empty. */
export function readActiveGateway(env: Env = process.env): string | undefined {
  return readTrimmed(path.join(configBase(env), 'active_gateway'))
}

/** `gateways/<name>/metadata.json`, tolerant: undefined when missing, unreadable or not a JSON object. */
export function readGatewayMetadata(name: string, env: Env = process.env): GatewayMetadata | undefined {
  let raw: unknown
  try {
    raw = JSON.parse(fs.readFileSync(path.join(gatewayDir(name, env), 'metadata.json'), 'utf8'))
  } catch {
    return undefined
  }

  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined
  const o = raw as Record<string, unknown>
  const s = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
  const md: GatewayMetadata = {name: s(o.name) ?? name, raw: o}
  if (s(o.gateway_endpoint)) md.gatewayEndpoint = s(o.gateway_endpoint)
  if (typeof o.is_remote === 'boolean') md.isRemote = o.is_remote
  if (typeof o.gateway_port === 'number') md.gatewayPort = o.gateway_port
  if (s(o.remote_host)) md.remoteHost = s(o.remote_host)
  if (s(o.resolved_host)) md.resolvedHost = s(o.resolved_host)
  if (o.auth_mode === null || typeof o.auth_mode === 'string') md.authMode = o.auth_mode
  return md
}

/** Names of the directories under `gateways/` that hold a `metadata.json`, sorted. */
export function listRegisteredGateways(env: Env = process.env): string[] {
  const dir = path.join(configBase(env), 'gateways')
  let entries: fs.Dirent[]
  try {
    entries = fs.readdirSync(dir, {withFileTypes: true})
  } catch {
    return []
  }

  return entries
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, 'metadata.json')))
    .map((e) => e.name)
    .sort()
}

function fileState(file: string): FileState {
  let st: fs.Stats
  try {
    st = fs.statSync(file)
  } catch {
    return {path: file, present: false, readable: false}
  }

  let readable = st.isFile()
  if (readable) {
    try {
      fs.accessSync(file, fsc.R_OK)
    } catch {
      readable = false
    }
  }

  return {path: file, present: true, readable, mode: st.mode & 0o777}
}

/** Presence/readability of `gateways/<name>/mtls/{ca.crt,tls.crt,tls.key}`. */
export function mtlsFiles(name: string, env: Env = process.env): MtlsFiles {
  const dir = mtlsDir(name, env)
  const ca = fileState(path.join(dir, 'ca.crt'))
  const cert = fileState(path.join(dir, 'tls.crt'))
  const key = fileState(path.join(dir, 'tls.key'))
  return {dir, ca, cert, key, complete: ca.readable && cert.readable && key.readable}
}

/**
 * The modern local gateway service's endpoint: the gateway its TLS bundle (localTlsBundle) and its systemd user unit
 * belong to, and the endpoint `gateway add --local` registers.
 */
export const LOCAL_SERVICE_ENDPOINT = localEndpoint(MODERN_DEFAULT_PORT)

/** The endpoint of a gateway service listening on this machine's loopback at `port`. */
function localEndpoint(port: number): string {
  return `https://127.0.0.1:${port}`
}

/**
 * The local gateway service's endpoint on this machine: its port as the user's `gateway.toml` declares it
 * (`[openshell.gateway] bind_address = "127.0.0.1:PORT"`, which `openshell-gateway` reads from
 * `$XDG_CONFIG_HOME/openshell/`), else LOCAL_SERVICE_ENDPOINT. A file that does not parse, or a bind address that is
 * not a loopback or wildcard one, leaves the default: nemoclaw never guesses a gateway is local.
 */
export function localServiceEndpoint(env: Env = process.env): string {
  let doc: unknown
  try {
    doc = parseToml(fs.readFileSync(path.join(configBase(env), 'gateway.toml'), 'utf8'))
  } catch {
    return LOCAL_SERVICE_ENDPOINT
  }

  const bind = (doc as {openshell?: {gateway?: {bind_address?: unknown}}})?.openshell?.gateway?.bind_address
  const m = typeof bind === 'string' ? /^(127(?:\.\d{1,3}){3}|0\.0\.0\.0|\[::1?\]):(\d{1,5})$/.exec(bind.trim()) : null
  const port = m ? Number(m[2]) : Number.NaN
  return port > 0 && port < 65_536 ? localEndpoint(port) : LOCAL_SERVICE_ENDPOINT
}

/** The local gateway service's PKI dir: `$OPENSHELL_LOCAL_TLS_DIR` or `~/.local/state/openshell/tls`. */
export function localTlsDir(env: Env = process.env): string {
  const o = env.OPENSHELL_LOCAL_TLS_DIR
  return o && o !== '' ? o : path.join(homeDir(env), '.local', 'state', 'openshell', 'tls')
}

/** The local client bundle: `ca.crt`, `client/tls.crt`, `client/tls.key` under localTlsDir(). */
export function localTlsBundle(env: Env = process.env): MtlsFiles {
  const dir = localTlsDir(env)
  const ca = fileState(path.join(dir, 'ca.crt'))
  const cert = fileState(path.join(dir, 'client', 'tls.crt'))
  const key = fileState(path.join(dir, 'client', 'tls.key'))
  return {dir, ca, cert, key, complete: ca.readable && cert.readable && key.readable}
}

/** `OPENSHELL_GATEWAY` / `OPENSHELL_GATEWAY_ENDPOINT` in the environment silently override the selection. */
export function envOverrides(env: Env = process.env): {gateway?: string; endpoint?: string} {
  const out: {gateway?: string; endpoint?: string} = {}
  if (env.OPENSHELL_GATEWAY && env.OPENSHELL_GATEWAY.trim() !== '') out.gateway = env.OPENSHELL_GATEWAY.trim()
  if (env.OPENSHELL_GATEWAY_ENDPOINT && env.OPENSHELL_GATEWAY_ENDPOINT.trim() !== '') {
    out.endpoint = env.OPENSHELL_GATEWAY_ENDPOINT.trim()
  }

  return out
}

type RefreshResult =
  | {ok: true; dir: string; backupDir?: string}
  | {ok: false; reason: 'bundle_incomplete' | 'gateway_not_registered' | 'io_error'; message: string}

function stamp(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.(\d+)Z$/, '$1Z')
}

/**
 * Re-import trust from the local gateway's own TLS bundle into `gateways/<name>/mtls/`. The previous `mtls/` is
 * kept beside it as `mtls.bak-<timestamp>/`. The new files are written to a temporary directory first and swapped
 * in by rename, so a failure leaves the old material in place. `tls.key` is written 0600, the directory 0700.
 */
export function refreshMtlsFromLocalBundle(
  name: string,
  env: Env = process.env,
  now: Date = new Date(),
): RefreshResult {
  const bundle = localTlsBundle(env)
  if (!bundle.complete) {
    const missing = [bundle.ca, bundle.cert, bundle.key].filter((f) => !f.readable).map((f) => f.path)
    return {ok: false, reason: 'bundle_incomplete', message: `local TLS bundle incomplete: ${missing.join(', ')}`}
  }

  const gwDir = gatewayDir(name, env)
  if (!fs.existsSync(gwDir)) {
    return {ok: false, reason: 'gateway_not_registered', message: `no gateway directory ${gwDir}`}
  }

  const target = path.join(gwDir, 'mtls')
  const ts = stamp(now)
  const tmp = path.join(gwDir, `mtls.tmp-${ts}-${process.pid}`)
  let backup: string | undefined
  try {
    fs.mkdirSync(tmp, {mode: 0o700})
    fs.copyFileSync(bundle.ca.path, path.join(tmp, 'ca.crt'))
    fs.chmodSync(path.join(tmp, 'ca.crt'), 0o644)
    fs.copyFileSync(bundle.cert.path, path.join(tmp, 'tls.crt'))
    fs.chmodSync(path.join(tmp, 'tls.crt'), 0o644)
    fs.copyFileSync(bundle.key.path, path.join(tmp, 'tls.key'))
    fs.chmodSync(path.join(tmp, 'tls.key'), 0o600)
    if (fs.existsSync(target)) {
      backup = path.join(gwDir, `mtls.bak-${ts}`)
      for (let i = 1; fs.existsSync(backup); i++) backup = path.join(gwDir, `mtls.bak-${ts}-${i}`)
      fs.renameSync(target, backup)
    }

    try {
      fs.renameSync(tmp, target)
    } catch (error) {
      if (backup) fs.renameSync(backup, target)
      throw error
    }

    return backup ? {ok: true, dir: target, backupDir: backup} : {ok: true, dir: target}
  } catch (error) {
    fs.rmSync(tmp, {recursive: true, force: true})
    return {ok: false, reason: 'io_error', message: error instanceof Error ? error.message : String(error)}
  }
}
