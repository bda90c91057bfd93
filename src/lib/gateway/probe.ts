/**
 * Gather the facts about a named gateway with as few `openshell` calls as the version allows: `--version` (once per
 * process) and `status` for it. Registration, selection, overrides and certificates are read from disk, not asked.
 * A healthy gateway costs exactly these two calls.
 */
import {existsSync} from 'node:fs'
import path from 'node:path'

import {homeDir, xdgDir} from '../dirs.js'
import type {OpenShell} from '../openshell/client.js'
import {
  envOverrides,
  localServiceEndpoint,
  localTlsBundle,
  mtlsFiles,
  readActiveGateway,
  readGatewayMetadata,
} from '../openshell/config.js'
import {runProcess} from '../openshell/runner.js'
import type {Outcome, RunResult} from '../openshell/types.js'
import {
  type CallEvidence,
  type EnvOverride,
  type GatewayFacts,
  type GatewayHealth,
  classifyGateway,
  localityOf,
} from './health.js'

const SERVICE_UNIT = 'openshell-gateway.service'

/** systemd user unit search path (the ones that matter for a user-installed deb/rpm/manual unit). */
function serviceUnitExists(env: NodeJS.ProcessEnv): boolean {
  const dirs = [
    path.join(xdgDir('config', env), 'systemd', 'user'),
    path.join(homeDir(env), '.local', 'share', 'systemd', 'user'),
    '/etc/systemd/user',
    '/usr/local/lib/systemd/user',
    '/usr/lib/systemd/user',
    '/lib/systemd/user',
  ]
  if (env.NEMOCLAW_SYSTEMD_UNIT_DIRS) dirs.unshift(...env.NEMOCLAW_SYSTEMD_UNIT_DIRS.split(':').filter(Boolean))
  return dirs.some((d) => existsSync(path.join(d, SERVICE_UNIT)))
}

function evidenceOfRun(run: RunResult | undefined): CallEvidence[] {
  if (!run) return []
  const lines = run.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 6)
  return [{argv: run.argv, durationMs: run.durationMs, exitCode: run.exitCode, lines, timedOut: run.timedOut}]
}

function outcomeEvidence(o: Outcome<unknown> | undefined): CallEvidence[] {
  if (!o) return []
  return evidenceOfRun(o.run)
}

/** The env override that applies to plain openshell commands, if any. */
function currentOverride(env: NodeJS.ProcessEnv): EnvOverride | undefined {
  const o = envOverrides(env)
  if (o.endpoint) return {value: o.endpoint, variable: 'OPENSHELL_GATEWAY_ENDPOINT'}
  if (o.gateway) return {value: o.gateway, variable: 'OPENSHELL_GATEWAY'}
  return undefined
}

/** Facts that need no process: registration, selection, overrides, certificates, service unit, local bundle. */
function diskFacts(gateway: string, env: NodeJS.ProcessEnv): Omit<GatewayFacts, 'capabilities' | 'status'> {
  const meta = readGatewayMetadata(gateway, env)
  const certs = mtlsFiles(gateway, env)
  return {
    activeOnDisk: readActiveGateway(env),
    certs: {ca: certs.ca.readable, cert: certs.cert.readable, key: certs.key.readable},
    authMode: meta?.authMode,
    endpoint: meta?.gatewayEndpoint,
    envOverride: currentOverride(env),
    gateway,
    isRemote: meta?.isRemote,
    localBundle: localTlsBundle(env).complete,
    localService: localServiceEndpoint(env),
    registered: meta !== undefined,
    serviceUnit: serviceUnitExists(env),
  }
}

/** Modern only, and only when the API refuses: does systemd say the service runs? (not an openshell call) */
async function serviceIsActive(env: NodeJS.ProcessEnv): Promise<boolean | undefined> {
  const run = await runProcess('systemctl', ['--user', 'is-active', 'openshell-gateway'], {env, timeoutMs: 5000})
  if (run.spawnError || run.timedOut) return undefined
  return run.exitCode === 0 && run.stdout.trim() === 'active'
}

/** How long `systemctl --user start` may take: the unit's own start-up included. */
const SERVICE_START_TIMEOUT_MS = 60_000

/**
 * Start the local gateway service (`systemctl --user start openshell-gateway`), bounded. The one place that starts
 * it: recovery's systemd start step and onboard's first install. Only for this machine's own gateway (the planner
 * and onboard decide that; see gateway/health.ts localityOf).
 */
export function startGatewayService(env: NodeJS.ProcessEnv): Promise<RunResult> {
  return runProcess('systemctl', ['--user', 'start', 'openshell-gateway'], {env, timeoutMs: SERVICE_START_TIMEOUT_MS})
}

interface ProbeOptions {
  /** Set by recovery right after a start attempt. */
  startAttempted?: boolean
  /**
   * Do not ask systemd whether the service is active when the API refuses (recovery's wait loop: it only needs to
   * know whether the gateway answers yet; its final verdict is probed in full).
   */
  skipServiceCheck?: boolean
}

export async function probeGateway(
  client: OpenShell,
  gateway: string,
  opts: ProbeOptions = {},
): Promise<GatewayHealth> {
  const env = client.env
  const disk = diskFacts(gateway, env)
  // When the client knows this binary's version from a previous run, `status` starts together with `--version`;
  // its result is used only if the version detected now is usable (else it is one wasted read-only call, still
  // waited for so that no process outlives the verdict).
  const early = disk.registered && client.probesStartEarly() ? client.status(gateway) : undefined
  const detected = await client.detect()
  if (early && (!detected.ok || detected.value.unsupported)) await early
  const facts: GatewayFacts = {...disk, startAttempted: opts.startAttempted}
  const evidence: CallEvidence[] = [...outcomeEvidence(detected)]
  const resolved = client.resolve()
  if (resolved.ok) facts.openshellPath = resolved.path

  if (!detected.ok) {
    facts.openshellFailure = detected.failure
    return classifyGateway(facts, evidence)
  }

  facts.capabilities = detected.value
  if (detected.value.unsupported || !disk.registered) return classifyGateway(facts, evidence)

  facts.status = await (early ?? client.status(gateway))
  evidence.push(...outcomeEvidence(facts.status))
  if (
    !facts.status.ok &&
    facts.status.failure.kind === 'connection_refused' &&
    detected.value.generation === 'modern' &&
    disk.serviceUnit &&
    // the unit runs the local gateway service: its state says nothing about any other gateway
    localityOf(facts) === 'local' &&
    !opts.startAttempted &&
    !opts.skipServiceCheck
  ) {
    facts.serviceActive = await serviceIsActive(env)
  }

  return classifyGateway(facts, evidence)
}
