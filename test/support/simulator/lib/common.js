// Shared plumbing for the OpenShell simulator: state file + lock, on-disk layout, versions, output helpers.
// Plain Node ESM, no dependencies.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import crypto from 'node:crypto'

export const LEGACY_VERSION = '0.0.26'
export const MODERN_VERSION = '0.1.2'
export const LEGACY_PORT = 8080
export const MODERN_PORT = 17670
export const SERVICE_UNIT = 'openshell-gateway.service'

// ---------- errors ----------
export class SimFatal extends Error {}

// ---------- versions & capabilities ----------
export function parseVersion(v) {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(String(v))
  if (!m) throw new SimFatal(`invalid version '${v}'`)
  return [Number(m[1]), Number(m[2]), Number(m[3])]
}
export function cmpVersion(a, b) {
  const x = parseVersion(a),
    y = parseVersion(b)
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i]
  return 0
}
export function capabilities(version) {
  const ge = (v) => cmpVersion(version, v) >= 0
  const legacy = !ge('0.0.37')
  return {
    version,
    legacy, // k3s generation: gateway start/stop/destroy, NAMESPACE column
    listJson: ge('0.0.44'), // sandbox list -o json|yaml
    objectJson: ge('0.0.92'), // status / sandbox get / sandbox create -o json
    gatewayListJson: !legacy, // gateway list -o (v0.0.37)
    gatewayInfoLive: ge('0.0.85'), // gateway info is a live RPC with Server:/Status:/Version:
    envelope: ge('0.1.0'), // list envelope + paging, alphabetical JSON keys, delete outcomes, no ANSI when piped
    listOffset: ge('0.0.26') && !ge('0.1.0'), // sandbox list --limit (default 100, the rest cut silently) / --offset (real 0.0.26, 0.0.111)
    modernTonic: ge('0.0.61'), // code: '<description>', message: "..."
    authLine: ge('0.0.91'), // Authentication: line in status
    workspace: ge('0.0.88'), // --workspace global flag
    // calibrated against the REAL 0.0.111 CLI + gateway (test/fixtures/openshell/0.0.111/real-gateway/): owo-colors
    // ANSI, sorted JSON keys, the gateway's default policy, sandbox stop/start phase rules, the restart and trust
    // rotation sweeps, provider get/update, inference verification. Older 0.0.x keep the earlier assumptions.
    calibrated: ge('0.0.111') && !ge('0.1.0'),
    providerResourceVersion: ge('0.0.90'), // provider get prints `Resource version:`
    defaultPort: legacy ? LEGACY_PORT : MODERN_PORT,
  }
}

// ---------- paths ----------
export function configBase(env = process.env) {
  const xdg = env.XDG_CONFIG_HOME
  const base = xdg && xdg.length > 0 ? xdg : path.join(env.HOME || os.homedir(), '.config')
  return path.join(base, 'openshell')
}
export function sanitizeName(name) {
  return String(name).replace(/[^A-Za-z0-9._-]/g, '_')
}
export function gatewayDir(name, env) {
  return path.join(configBase(env), 'gateways', sanitizeName(name))
}
export function localTlsDir(env = process.env) {
  return env.OPENSHELL_LOCAL_TLS_DIR || path.join(env.HOME || os.homedir(), '.local', 'state', 'openshell', 'tls')
}
export function unitFilePath(env = process.env) {
  const xdg =
    env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.length > 0
      ? env.XDG_CONFIG_HOME
      : path.join(env.HOME || os.homedir(), '.config')
  return path.join(xdg, 'systemd', 'user', SERVICE_UNIT)
}
export function statePath(env = process.env) {
  const p = env.OPENSHELL_SIM_STATE
  if (!p) throw new SimFatal('OPENSHELL_SIM_STATE is not set (path of the simulator state JSON file)')
  return path.resolve(p)
}
export function logPath(env = process.env) {
  return env.OPENSHELL_SIM_LOG
    ? path.resolve(env.OPENSHELL_SIM_LOG)
    : path.join(path.dirname(statePath(env)), 'argv.log')
}

// ---------- certificates (fake PEM embedding the CA id) ----------
export function newCaId() {
  return 'ca-' + crypto.randomBytes(6).toString('hex')
}
export function pem(kind, caId, what) {
  const label = kind === 'key' ? 'PRIVATE KEY' : 'CERTIFICATE'
  return `-----BEGIN ${label}-----\nSIM-CA ${caId}\nSIM-${what}\n-----END ${label}-----\n`
}
export function caIdOf(text) {
  const m = /SIM-CA (\S+)/.exec(text || '')
  return m ? m[1] : null
}
export function writeBundle(dir, caId, layout) {
  // layout 'mtls': ca.crt, tls.crt, tls.key ; layout 'local': ca.crt, client/tls.crt, client/tls.key, server/…
  fs.mkdirSync(dir, {recursive: true, mode: 0o700})
  const clientDir = layout === 'local' ? path.join(dir, 'client') : dir
  fs.mkdirSync(clientDir, {recursive: true, mode: 0o700})
  fs.writeFileSync(path.join(dir, 'ca.crt'), pem('cert', caId, 'ca'), {mode: 0o664})
  fs.writeFileSync(path.join(clientDir, 'tls.crt'), pem('cert', caId, 'client'))
  writeKey(path.join(clientDir, 'tls.key'), pem('key', caId, 'client-key'))
  if (layout === 'local') {
    const serverDir = path.join(dir, 'server')
    fs.mkdirSync(serverDir, {recursive: true, mode: 0o700})
    fs.writeFileSync(path.join(serverDir, 'tls.crt'), pem('cert', caId, 'server'))
    writeKey(path.join(serverDir, 'tls.key'), pem('key', caId, 'server-key'))
  }
}
function writeKey(p, text) {
  fs.writeFileSync(p, text, {mode: 0o600})
  fs.chmodSync(p, 0o600)
}
export function copyLocalBundleToMtls(srcDir, mtlsDir) {
  fs.mkdirSync(mtlsDir, {recursive: true, mode: 0o700})
  fs.copyFileSync(path.join(srcDir, 'ca.crt'), path.join(mtlsDir, 'ca.crt'))
  fs.copyFileSync(path.join(srcDir, 'client', 'tls.crt'), path.join(mtlsDir, 'tls.crt'))
  fs.copyFileSync(path.join(srcDir, 'client', 'tls.key'), path.join(mtlsDir, 'tls.key'))
  fs.chmodSync(path.join(mtlsDir, 'tls.key'), 0o600)
}

// ---------- local registration (the real CLI's on-disk layout) ----------
export function readActive(env) {
  try {
    return fs.readFileSync(path.join(configBase(env), 'active_gateway'), 'utf8').trim() || null
  } catch {
    return null
  }
}
export function writeActive(name, env) {
  fs.mkdirSync(configBase(env), {recursive: true})
  atomicWrite(path.join(configBase(env), 'active_gateway'), name)
}
export function clearActive(env) {
  fs.rmSync(path.join(configBase(env), 'active_gateway'), {force: true})
}
export function readMetadata(name, env) {
  try {
    return JSON.parse(fs.readFileSync(path.join(gatewayDir(name, env), 'metadata.json'), 'utf8'))
  } catch {
    return null
  }
}
export function listRegistrations(env) {
  const dir = path.join(configBase(env), 'gateways')
  let names = []
  try {
    names = fs.readdirSync(dir)
  } catch {
    return []
  }
  return names
    .sort()
    .map((n) => readMetadata(n, env))
    .filter(Boolean)
}
export function writeRegistration(
  {name, endpoint, port, caId, exact, isRemote = false, authMode = 'mtls', remoteHost = null},
  env,
) {
  const dir = gatewayDir(name, env)
  fs.mkdirSync(dir, {recursive: true})
  // exact: as the real 0.0.111 `gateway add` writes it (these keys only, no trailing newline)
  const meta = exact
    ? {name, gateway_endpoint: endpoint, is_remote: isRemote, gateway_port: port, auth_mode: authMode}
    : {
        name,
        gateway_endpoint: endpoint,
        is_remote: isRemote,
        gateway_port: port,
        remote_host: remoteHost,
        resolved_host: null,
        auth_mode: authMode,
      }
  atomicWrite(path.join(dir, 'metadata.json'), JSON.stringify(meta, null, 2) + (exact ? '' : '\n'))
  if (caId) writeBundle(path.join(dir, 'mtls'), caId, 'mtls')
}
export function removeRegistration(name, env) {
  fs.rmSync(gatewayDir(name, env), {recursive: true, force: true})
}
/** Real 0.0.111 `gateway remove`: metadata.json goes, mtls/ and last_sandbox stay. */
export function removeMetadata(name, env) {
  fs.rmSync(path.join(gatewayDir(name, env), 'metadata.json'), {force: true})
}

// ---------- state file with a lock ----------
export function atomicWrite(file, data) {
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`
  fs.writeFileSync(tmp, data)
  fs.renameSync(tmp, file)
}
const sleepSync = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
function pidAlive(pid) {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return e.code === 'EPERM'
  }
}
export function withLock(file, fn) {
  const lock = file + '.lock'
  const deadline = Date.now() + 30_000
  for (;;) {
    try {
      fs.mkdirSync(lock)
      try {
        fs.writeFileSync(path.join(lock, 'owner'), JSON.stringify({pid: process.pid, t: Date.now()}))
      } catch {
        /* ignore */
      }
      break
    } catch (e) {
      if (e.code !== 'EEXIST') throw e
      // stale lock recovery: owner dead, or lock older than 10 s
      let stale = false
      try {
        const o = JSON.parse(fs.readFileSync(path.join(lock, 'owner'), 'utf8'))
        stale = !pidAlive(o.pid) || Date.now() - o.t > 10_000
      } catch {
        try {
          stale = Date.now() - fs.statSync(lock).mtimeMs > 2_000
        } catch {
          stale = false
        }
      }
      if (stale) {
        const grave = `${lock}.stale.${process.pid}.${Date.now()}`
        try {
          fs.renameSync(lock, grave)
          fs.rmSync(grave, {recursive: true, force: true})
        } catch {
          /* ignore */
        }
        continue
      }
      if (Date.now() > deadline) throw new SimFatal(`timed out waiting for state lock ${lock}`)
      sleepSync(3 + Math.floor(Math.random() * 12))
    }
  }
  try {
    return fn()
  } finally {
    fs.rmSync(lock, {recursive: true, force: true})
  }
}
export function loadState(file) {
  let text
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch {
    throw new SimFatal(`state file ${file} not found; run 'openshell-sim init --profile legacy|modern' first`)
  }
  return JSON.parse(text)
}
export function saveState(file, state) {
  atomicWrite(file, JSON.stringify(state, null, 2) + '\n')
}
/** Run fn(state) under the lock; saves when fn returns without throwing (fn may set state = undefined to skip). */
export function mutate(fn, env = process.env) {
  const file = statePath(env)
  return withLock(file, () => {
    const state = loadState(file)
    const before = JSON.stringify(state)
    const res = fn(state)
    if (JSON.stringify(state) !== before) saveState(file, state)
    return res
  })
}

// ---------- servers (gateways as servers keyed by endpoint) ----------
export function newServer({name, endpoint, port, version, generation}) {
  return {
    name,
    endpoint,
    port,
    version,
    generation,
    running: true,
    caId: newCaId(),
    refuseAfterStart: false,
    authRequired: false,
    upAt: 0,
    sandboxes: {},
    inference: null,
    providers: {},
    policies: {},
  }
}
/** A copy of the record `obj` without `key` (state is JSON: records stay plain objects). */
export function without(obj, key) {
  return Object.fromEntries(Object.entries(obj).filter(([k]) => k !== key))
}
export function newSandbox(name, phase = 'Ready', extra = {}) {
  return {
    id: crypto.randomUUID(),
    name,
    phase,
    createdAt: new Date().toISOString(),
    resourceVersion: 1,
    readyAt: 0,
    providers: [],
    ...extra,
  }
}
/**
 * The simulator's clock: the wall clock plus what `openshell-sim clock advance MS` added, so that a test can step
 * through a restart's down time and provisioning window without waiting for it.
 */
export function simNow(state) {
  return Date.now() + (state.clockOffsetMs || 0)
}
export function serverAccepting(server, now = Date.now()) {
  return Boolean(server && server.running && !server.refuseAfterStart && now >= (server.upAt || 0))
}
export function effectivePhase(sb, now = Date.now()) {
  if (sb.readyAt && now < sb.readyAt) return 'Provisioning'
  return sb.phase
}
export function writeLocalService(state, server, env) {
  writeBundle(localTlsDir(env), server.caId, 'local')
  state.localTlsCaId = server.caId
}
export function writeUnitFile(env) {
  const p = unitFilePath(env)
  fs.mkdirSync(path.dirname(p), {recursive: true})
  fs.writeFileSync(
    p,
    '[Unit]\nDescription=OpenShell Gateway\n\n[Service]\nType=simple\nExecStart=/usr/bin/openshell-gateway\nRestart=on-failure\n\n[Install]\nWantedBy=default.target\n',
  )
}

// ---------- argv log ----------
const SECRET_ARG = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/
export function redactArgv(argv) {
  // never log a secret value: `--credential KEY=VALUE` is logged as KEY=***REDACTED***
  let secret = false
  const out = argv.map((a, i) => {
    const prev = argv[i - 1]
    if ((prev === '--credential' || prev === '--env') && SECRET_ARG.test(a) && prev === '--credential') {
      secret = true
      return a.replace(SECRET_ARG, '$1=***REDACTED***')
    }
    const m = /^--credential=(.+)$/.exec(a)
    if (m && SECRET_ARG.test(m[1])) {
      secret = true
      return '--credential=' + m[1].replace(SECRET_ARG, '$1=***REDACTED***')
    }
    return a
  })
  return {argv: out, secret}
}
export function appendLog(entry, env = process.env) {
  try {
    const file = logPath(env)
    fs.mkdirSync(path.dirname(file), {recursive: true})
    fs.appendFileSync(file, JSON.stringify(entry) + '\n')
  } catch {
    /* ignore */
  }
}
/**
 * Where each call's start is recorded: one JSON line ({t, pid, cmd, argv}, secrets redacted) when the simulator
 * takes a call, before any latency or fault, so that a test can act while the call is in flight (the argv log
 * records calls when they end). Next to the state file, whatever OPENSHELL_SIM_LOG says.
 */
export function startedLogPath(stateFile) {
  return path.join(path.dirname(stateFile), 'calls-started.log')
}
export function logStarted(cmd, argv, stateFile) {
  try {
    fs.appendFileSync(
      startedLogPath(stateFile),
      JSON.stringify({t: new Date().toISOString(), pid: process.pid, cmd, argv: redactArgv(argv).argv}) + '\n',
    )
  } catch {
    /* ignore */
  }
}
export function logEntry(cmd, argv, exitCode, extra = {}, env = process.env) {
  const {argv: safe, secret} = redactArgv(argv)
  const e = {
    t: new Date().toISOString(),
    pid: process.pid,
    cmd,
    argv: safe,
    gatewayEnv: env.OPENSHELL_GATEWAY ?? null,
    gatewayEndpointEnv: env.OPENSHELL_GATEWAY_ENDPOINT ?? null,
    exitCode,
    ...extra,
  }
  if (secret) e.secretInArgv = true
  appendLog(e, env)
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** An executable's main for an in-process call ({code, stdout, stderr}): print its output, set its exit code. */
export function printAnswer(r) {
  if (r.stdout) process.stdout.write(r.stdout)
  if (r.stderr) process.stderr.write(r.stderr)
  process.exitCode = r.code
}
