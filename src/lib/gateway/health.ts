/**
 * The health model of a named gateway: the facts gathered about it (probe.ts) and the one pure rule that turns
 * those facts into a lifecycle class. "Where is the trust-rotation rule" → here, `classifyGateway`.
 */
import {LOCAL_SERVICE_ENDPOINT} from '../openshell/config.js'
import type {Capabilities, Failure, FailureKind, GatewayStatus, Outcome} from '../openshell/types.js'
import {type ClassId, type Guidance, type GuidanceContext, guidanceFor} from './classes.js'

export interface EnvOverride {
  variable: 'OPENSHELL_GATEWAY' | 'OPENSHELL_GATEWAY_ENDPOINT'
  value: string
}

export interface CallEvidence {
  argv: string[]
  exitCode: number | null
  timedOut: boolean
  durationMs: number
  lines: string[]
}

/** Everything nemoclaw learned about one gateway; `classifyGateway` decides from these alone. */
export interface GatewayFacts {
  gateway: string
  /** undefined when openshell is missing / could not report its version. */
  capabilities?: Capabilities
  /** Why openshell could not be used at all. */
  openshellFailure?: Failure
  openshellPath?: string
  /** metadata.json exists for this gateway. */
  registered: boolean
  endpoint?: string
  /** metadata.json `is_remote` (undefined when absent). */
  isRemote?: boolean
  /** metadata.json `auth_mode`: null / absent / 'mtls' mean mTLS; 'plaintext', 'cloudflare_jwt', 'oidc'… do not. */
  authMode?: string | null
  /** `active_gateway` on disk. */
  activeOnDisk?: string
  envOverride?: EnvOverride
  certs: {ca: boolean; cert: boolean; key: boolean}
  /** Modern: the systemd user unit exists. */
  serviceUnit: boolean
  /** Modern: `systemctl --user is-active openshell-gateway` said active (undefined = not asked). */
  serviceActive?: boolean
  /** Modern: the local gateway's TLS bundle exists (a trust re-import is possible). */
  localBundle: boolean
  /** The local gateway service's endpoint (localServiceEndpoint: gateway.toml's port, else the default). */
  localService?: string
  /** Result of `openshell status` for this gateway (undefined when not run). */
  status?: Outcome<GatewayStatus>
  /** Set by recovery: a start was just attempted. */
  startAttempted?: boolean
}

/**
 * Where a gateway runs, as far as nemoclaw may act on it:
 *  - `local`: this machine's own gateway — metadata `is_remote: false`, mTLS, an https loopback endpoint and, on
 *    modern OpenShell, the local gateway service's endpoint (its port from gateway.toml, else LOCAL_SERVICE_ENDPOINT;
 *    on 127.0.0.1, localhost or ::1),
 *    the one its TLS bundle and systemd unit belong to. Legacy gateways each run in their own container, started and
 *    re-synced by name, so any local port will do. Only these are started and re-trusted by nemoclaw.
 *  - `local-other`: modern, on a loopback address but not the local gateway service (another port).
 *  - `plaintext`: reached over http:// (or auth_mode plaintext).
 *  - `cloud`: edge authentication (auth_mode other than mTLS): trusted through `openshell gateway login`.
 *  - `remote`: anything else, including metadata that does not say `is_remote: false` or a non-loopback endpoint.
 */
export type Locality = 'cloud' | 'local' | 'local-other' | 'plaintext' | 'remote'

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]'])

/** A URL hostname that is this machine's loopback: localhost, [::1] or 127.x.y.z. The one loopback rule. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase()) || /^127(\.\d{1,3}){3}$/.test(hostname)
}

function portOf(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80')
}

/** The one locality rule (see Locality). Used by the planner, the probe (whose service it asks about) and onboard. */
export function localityOf(
  facts: Pick<GatewayFacts, 'authMode' | 'capabilities' | 'endpoint' | 'isRemote' | 'localService'>,
): Locality {
  let url: URL | undefined
  try {
    url = facts.endpoint ? new URL(facts.endpoint) : undefined
  } catch {
    url = undefined
  }

  if (url?.protocol === 'http:' || facts.authMode === 'plaintext') return 'plaintext'
  if (facts.authMode !== undefined && facts.authMode !== null && facts.authMode !== 'mtls') return 'cloud'
  if (facts.isRemote !== false || !url || url.protocol !== 'https:' || !isLoopbackHost(url.hostname)) return 'remote'
  if (facts.capabilities?.generation === 'legacy') return 'local'
  return portOf(url) === portOf(new URL(facts.localService ?? LOCAL_SERVICE_ENDPOINT)) ? 'local' : 'local-other'
}

export interface GatewayHealth {
  gateway: string
  classId: ClassId
  guidance: Guidance
  context: GuidanceContext
  facts: GatewayFacts
  /** The gateway answered the API (whether or not it is the active one). */
  answering: boolean
  evidence: CallEvidence[]
}

const FAILURE_TO_CLASS: Partial<Record<FailureKind, ClassId>> = {
  auth_required: 'gateway_auth_required',
  certs_missing: 'gateway_trust_rotated',
  connection_refused: 'gateway_unreachable',
  connection_reset: 'gateway_unreachable',
  gateway_not_configured: 'gateway_not_configured',
  gateway_unknown: 'gateway_not_configured',
  killed: 'unknown',
  openshell_missing: 'openshell_missing',
  openshell_not_executable: 'openshell_missing',
  timed_out: 'probe_timeout',
  trust_rotated: 'gateway_trust_rotated',
  usage_error: 'openshell_unsupported',
}

/** Map a low-level failure of any gateway-scoped call to its lifecycle class. */
export function classOfFailure(failure: Failure): ClassId {
  return FAILURE_TO_CLASS[failure.kind] ?? 'unknown'
}

function commandOf(failure: Failure): string {
  const argv = failure.evidence.argv.filter((a, i, all) => !(a === '-g' || all[i - 1] === '-g'))
  const words: string[] = []
  for (const a of argv) {
    if (a.startsWith('-')) break
    words.push(a)
  }

  return ['openshell', ...words].join(' ')
}

export function contextFor(facts: GatewayFacts, failure?: Failure): GuidanceContext {
  const ctx: GuidanceContext = {
    activeGateway: facts.envOverride?.value ?? facts.activeOnDisk,
    endpoint: facts.endpoint,
    envOverride: facts.envOverride,
    gateway: facts.gateway,
    generation: facts.capabilities?.generation,
    localBundle: facts.localBundle,
    sandboxStart: facts.capabilities?.sandboxStart,
    locality: facts.registered ? localityOf(facts) : undefined,
    serviceUnit: facts.serviceUnit,
    version: facts.capabilities?.version.raw,
  }
  if (failure) {
    ctx.message = failure.message
    if (failure.kind === 'timed_out') {
      ctx.hungCommand = commandOf(failure)
      if (failure.evidence.timeoutMs !== undefined) ctx.timeoutMs = failure.evidence.timeoutMs
    }

    if (failure.kind === 'certs_missing') ctx.certsMissing = true
  }

  return ctx
}

/** Is the gateway the one plain `openshell` commands would use? */
export function overrideOf(facts: GatewayFacts): EnvOverride | undefined {
  const o = facts.envOverride
  if (!o) return undefined
  if (o.variable === 'OPENSHELL_GATEWAY' && o.value === facts.gateway) return undefined
  if (
    o.variable === 'OPENSHELL_GATEWAY_ENDPOINT' &&
    facts.endpoint &&
    o.value.replace(/\/+$/, '') === facts.endpoint.replace(/\/+$/, '')
  )
    return undefined
  return o
}

/**
 * The rule. Order matters and is the same everywhere:
 * openshell usable → gateway registered → no environment override points elsewhere → gateway answers (and how it
 * fails) → it is the one selected on disk.
 * An `OPENSHELL_GATEWAY`/`OPENSHELL_GATEWAY_ENDPOINT` override is the user's own setting that nemoclaw must not
 * change; it decides where every plain `openshell` command goes whatever the gateway's health, so it is reported
 * first (even with nothing listening). A different selection on disk is fixed by the recovery plans themselves
 * (a `select` step), so it only matters once the gateway answers.
 */
export function classifyGateway(facts: GatewayFacts, evidence: CallEvidence[] = []): GatewayHealth {
  const done = (classId: ClassId, answering: boolean, failure?: Failure): GatewayHealth => {
    const context = contextFor({...facts, envOverride: overrideOf(facts)}, failure)
    return {
      answering,
      classId,
      context,
      evidence,
      facts,
      gateway: facts.gateway,
      guidance: guidanceFor(classId, context),
    }
  }

  if (facts.openshellFailure) {
    // A binary that answers `--version` with something that is not an openshell version is not one we support.
    const id =
      facts.openshellFailure.kind === 'unparseable' ? 'openshell_unsupported' : classOfFailure(facts.openshellFailure)
    return done(id, false, facts.openshellFailure)
  }
  if (!facts.capabilities) return done('openshell_missing', false)
  if (facts.capabilities.unsupported) return done('openshell_unsupported', false)
  if (!facts.registered) return done('gateway_not_configured', false)
  const answer = answerOf(facts)
  // an override pointing elsewhere is reported whatever the gateway's health, answering as the gateway does
  if (overrideOf(facts)) return done('gateway_other_active', answer.answering)
  return done(answer.classId, answer.answering, answer.failure)
}

/** The registered gateway's own class from its `status`: how it fails, or that it answers (and is selected). */
function answerOf(facts: GatewayFacts): {classId: ClassId; answering: boolean; failure?: Failure} {
  const status = facts.status
  if (!status) return {answering: false, classId: 'unknown'}
  if (!status.ok) {
    const failure = status.failure
    let id = classOfFailure(failure)
    if (id === 'gateway_unreachable' && (facts.startAttempted || facts.serviceActive))
      id = 'gateway_refusing_after_restart'
    return {answering: false, classId: id, failure}
  }

  const s = status.value
  if (!s.configured) return {answering: false, classId: 'gateway_not_configured'}
  if (s.status !== 'connected') {
    return {
      answering: false,
      classId: facts.startAttempted || facts.serviceActive ? 'gateway_refusing_after_restart' : 'gateway_unreachable',
    }
  }

  if (s.authentication?.status === 'failed') return {answering: true, classId: 'gateway_auth_required'}
  return {answering: true, classId: facts.activeOnDisk === facts.gateway ? 'ok' : 'gateway_other_active'}
}
