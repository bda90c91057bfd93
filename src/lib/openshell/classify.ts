/**
 * Pure classification of a failed `openshell` call into a FailureKind. Matching is done on normalised text (ANSI
 * stripped, miette wraps joined, whitespace collapsed), so a phrase split across wrapped lines still matches.
 *
 * Rule order matters: our own verdicts (spawn error, timeout, signal, output cap) come first, then clap usage errors
 * (exit 2), then local configuration problems (certs, auth, unknown gateway), then transport failures, then the
 * gRPC status texts. The first rule that matches wins.
 */
import {collapse, errorLines, normalise} from './text.js'
import type {Failure, FailureEvidence, FailureKind, RunResult} from './types.js'

interface Rule {
  kind: FailureKind
  re: RegExp
  detail?: string
  /** Only applies when this predicate over argv holds. */
  when?: (argv: string[]) => boolean
}

const isSandboxCmd = (argv: string[]): boolean => argv.includes('sandbox')

/**
 * TLS decisions: `BadSignature` (same CA subject, new key: what a rebuilt OpenShell gateway presents),
 * `UnknownIssuer` (different CA) and legacy `handshake verification failed` are trust rotation. A certificate that
 * is `expired` or `not valid for name` is also classed trust_rotated — the CLI's trust material and the gateway's
 * certificate disagree, and the only non-destructive remedy nemoclaw has is re-importing the local bundle — but
 * `detail` says which, so guidance can differ.
 */
const RULES: Rule[] = [
  // local client material
  {kind: 'certs_missing', re: /TLS CA is required for https endpoints/i, detail: 'ca'},
  {kind: 'certs_missing', re: /failed to read TLS CA from/i, detail: 'ca'},
  {kind: 'certs_missing', re: /failed to read TLS (?:client )?(?:cert|certificate) from/i, detail: 'cert'},
  {kind: 'certs_missing', re: /failed to read TLS (?:client )?(?:private )?key from/i, detail: 'key'},
  // `gateway add --local` found no bundle in $OPENSHELL_LOCAL_TLS_DIR nor gateways/<n>/mtls (0.0.111)
  {kind: 'certs_missing', re: /mTLS certificates for gateway '[^']*' were not found/i, detail: 'local_bundle'},
  // authentication
  {kind: 'auth_required', re: /edge credentials are missing/i, detail: 'edge'},
  {kind: 'auth_required', re: /OIDC credentials are missing/i, detail: 'oidc'},
  {kind: 'auth_required', re: /Missing gateway auth token/i, detail: 'token'},
  {kind: 'auth_required', re: /device identity required/i, detail: 'device'},
  {
    kind: 'auth_required',
    re: /The request does not have valid authentication credentials|status: Unauthenticated\b/i,
    detail: 'unauthenticated',
  },
  // gateway selection
  {kind: 'gateway_unknown', re: /Unknown gateway '[^']*'/i},
  {kind: 'gateway_unknown', re: /No gateway metadata found for '[^']*'/i},
  // not legacy `gateway start`'s progress line `Gateway 'n' already exists, reusing.` (the start then goes on)
  {kind: 'gateway_exists', re: /Gateway '[^']*' already exists(?!, reusing)/i},
  {kind: 'gateway_not_configured', re: /No active gateway\b/i},
  {kind: 'gateway_not_configured', re: /No gateway configured\b/i},
  // TLS trust
  {kind: 'trust_rotated', re: /invalid peer certificate: BadSignature/i, detail: 'bad_signature'},
  {kind: 'trust_rotated', re: /invalid peer certificate: UnknownIssuer/i, detail: 'unknown_issuer'},
  {kind: 'trust_rotated', re: /handshake verification failed/i, detail: 'handshake'},
  {kind: 'trust_rotated', re: /invalid peer certificate: certificate expired/i, detail: 'expired'},
  {kind: 'trust_rotated', re: /invalid peer certificate: certificate not valid for name/i, detail: 'name_mismatch'},
  {kind: 'trust_rotated', re: /invalid peer certificate:/i, detail: 'other'},
  // transport
  {kind: 'connection_refused', re: /Connection refused|os error (?:111|61)\b/i},
  {kind: 'connection_reset', re: /Connection reset by peer|os error (?:104|54)\b|connection reset/i},
  {
    kind: 'timed_out',
    re: /tcp connect error.*(?:timed out|timeout)|Connection timed out|os error (?:110|60)\b/i,
    detail: 'transport_connect_timeout',
  },
  // sandbox state
  {kind: 'sandbox_not_found', re: /message: "sandbox not found"/i},
  {kind: 'sandbox_not_found', re: /\bsandbox not found\b/i},
  {kind: 'sandbox_not_found', re: /\bSandbox \S+ not found\b/i},
  {kind: 'sandbox_exists', re: /\bsandbox (?:'[^']*' |\S+ )?already exists\b/i},
  {
    kind: 'sandbox_exists',
    re: /Some entity that we attempted to create already exists|status: AlreadyExists\b/i,
    when: isSandboxCmd,
  },
  {kind: 'sandbox_not_ready', re: /sandbox is not ready/i},
  {kind: 'sandbox_not_ready', re: /supervisor session not connected/i},
  {kind: 'provision_timeout', re: /sandbox provisioning timed out after \d+\s*s/i},
  {kind: 'provision_timeout', re: /timed out after \d+\s*s waiting for sandbox to reach \w+/i},
  // recognised but without a kind of their own

  {kind: 'unknown', re: /Port already in use|address already in use/i, detail: 'port_in_use'},
  {kind: 'unknown', re: /Corrupted cluster state/i, detail: 'corrupted_cluster_state'},
  {kind: 'unknown', re: /Docker networking issue/i, detail: 'docker_networking'},
  {
    kind: 'unknown',
    re: /Cannot connect to the Docker daemon|Docker is not running|docker daemon is not running/i,
    detail: 'docker_not_running',
  },
  // legacy (<= 0.0.36) lifecycle commands drive Docker themselves (real 0.0.26 texts)
  {
    kind: 'unknown',
    re: /Failed to create Docker client|Socket not found: \S*docker\.sock|Docker socket exists but the daemon is not responding/i,
    detail: 'docker_not_running',
  },
  {kind: 'unknown', re: /HTTP\/2 was not negotiated/i, detail: 'http2_not_negotiated'},
  // A gateway of the other wire generation answers Health but not the sandbox RPCs (0.0.x CLI vs 0.1.x gateway).
  {kind: 'unknown', re: /code: 'Internal error', message: "Error deserializing request"/i, detail: 'wire_mismatch'},
  // …and a legacy CLI cannot decode a late 0.0.x gateway's sandboxes (real 0.0.26 against the 0.0.111 wire).
  {kind: 'unknown', re: /status: Internal, message: "failed to decode Protobuf message/i, detail: 'wire_mismatch'},
]

/** Evidence for a run: argv, exit, signal, timeout and the meaningful stripped error lines. */
export function evidenceOf(run: RunResult, fallbackLines?: string[]): FailureEvidence {
  let lines = errorLines(run.stderr)
  if (lines.length === 0) lines = fallbackLines ?? errorLines(run.stdout, 5)
  const evidence: FailureEvidence = {
    argv: [...run.argv],
    exitCode: run.exitCode,
    signal: run.signal,
    timedOut: run.timedOut,
    lines,
  }
  if (run.timedOut && run.timeoutMs !== undefined) evidence.timeoutMs = run.timeoutMs
  return evidence
}

function cmdText(run: RunResult): string {
  return ['openshell', ...run.argv].join(' ')
}

/** The evidence line that matches `re`, else the matched text itself. */
function messageFor(re: RegExp, lines: string[], text: string): string {
  const line = lines.find((l) => re.test(l))
  if (line) return line
  const m = re.exec(text)
  return m ? m[0] : text.slice(0, 200)
}

/** Classify a failed (or killed) run. Pure; never throws. */
export function classifyFailure(run: RunResult): Failure {
  const evidence = evidenceOf(run)
  const make = (kind: FailureKind, message: string, detail?: string): Failure =>
    detail === undefined ? {kind, message, evidence} : {kind, message, evidence, detail}

  if (run.spawnError === 'ENOENT') return make('openshell_missing', `${run.binary} not found`)
  if (run.spawnError === 'EACCES' || run.spawnError === 'EPERM') {
    return make('openshell_not_executable', `${run.binary} is not executable`)
  }

  if (run.spawnError) return make('unknown', `could not run ${run.binary}: ${run.spawnError}`, 'spawn_error')
  if (run.timedOut) {
    const after = run.timeoutMs === undefined ? `${run.durationMs} ms` : `${run.timeoutMs} ms`
    return make('timed_out', `${cmdText(run)} did not finish within ${after}`)
  }

  if (run.truncated)
    return make('unparseable', `${cmdText(run)} produced more output than nemoclaw accepts`, 'output_cap')
  if (run.signal) return make('killed', `${cmdText(run)} was killed by ${run.signal}`)
  if (run.exitCode === 2) {
    return make('usage_error', evidence.lines[0] ?? `${cmdText(run)}: usage error (exit 2)`)
  }

  if (run.exitCode === 124 && run.argv.includes('policy')) {
    return make('provision_timeout', evidence.lines[0] ?? 'policy did not load before the timeout', 'policy_wait')
  }

  const errText = collapse(normalise(run.stderr))
  const outText = collapse(normalise(run.stdout))
  for (const text of [errText, outText]) {
    if (text === '') continue
    for (const rule of RULES) {
      if (rule.when && !rule.when(run.argv)) continue
      if (rule.re.test(text)) return make(rule.kind, messageFor(rule.re, evidence.lines, text), rule.detail)
    }
  }

  const message = evidence.lines[0] ?? `${cmdText(run)} exited with ${run.exitCode ?? 'no exit code'}`
  return make('unknown', message)
}

/** A failure produced by nemoclaw itself (not from a run): e.g. a command the detected version does not have. */
export function syntheticFailure(kind: FailureKind, message: string, argv: string[] = [], detail?: string): Failure {
  const evidence: FailureEvidence = {argv, exitCode: null, signal: null, timedOut: false, lines: [message]}
  return detail === undefined ? {kind, message, evidence} : {kind, message, evidence, detail}
}
