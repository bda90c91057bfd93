/**
 * The one table of lifecycle classes: every failure nemoclaw can report maps to exactly one of these, with a stable
 * id (used in --json), a one-line diagnosis, numbered next steps for the detected OpenShell generation, and an exit
 * code. The same state always renders the same words: everything here is a pure function of its context.
 *
 * Rule for the steps: the first step is always safe and non-destructive; anything that deletes sandboxes appears
 * only as the last step, spelled out as something the user runs, with a warning.
 */
import {LOCAL_SERVICE_ENDPOINT} from '../openshell/config.js'
import type {Generation} from '../openshell/types.js'
import type {Locality} from './health.js'

export const CLASS_IDS = [
  'ok',
  'openshell_missing',
  'openshell_unsupported',
  'gateway_not_configured',
  'gateway_unreachable',
  'gateway_refusing_after_restart',
  'gateway_trust_rotated',
  'gateway_auth_required',
  'gateway_other_active',
  'sandbox_missing',
  'sandbox_not_ready',
  'sandbox_error',
  'sandbox_stopped',
  'probe_timeout',
  'unknown',
] as const

export type ClassId = (typeof CLASS_IDS)[number]

export const EXIT_CODES: Record<ClassId, number> = {
  ok: 0,
  openshell_missing: 10,
  openshell_unsupported: 11,
  gateway_not_configured: 20,
  gateway_unreachable: 21,
  gateway_refusing_after_restart: 22,
  gateway_trust_rotated: 23,
  gateway_auth_required: 24,
  gateway_other_active: 25,
  sandbox_missing: 30,
  sandbox_not_ready: 31,
  sandbox_error: 32,
  sandbox_stopped: 33,
  probe_timeout: 40,
  unknown: 1,
}

/**
 * How bad a class is, for "the worst finding decides the exit code". Higher is worse. Gateway-level problems
 * outrank sandbox-level ones because they hide the sandboxes' real state.
 */
const SEVERITY: Record<ClassId, number> = {
  ok: 0,
  sandbox_not_ready: 10,
  sandbox_stopped: 11,
  sandbox_missing: 12,
  sandbox_error: 13,
  gateway_other_active: 20,
  probe_timeout: 30,
  gateway_auth_required: 31,
  gateway_trust_rotated: 32,
  gateway_unreachable: 33,
  gateway_refusing_after_restart: 34,
  gateway_not_configured: 35,
  unknown: 36,
  openshell_unsupported: 40,
  openshell_missing: 41,
}

export function worstClass(ids: Iterable<ClassId>): ClassId {
  let worst: ClassId = 'ok'
  for (const id of ids) if (SEVERITY[id] > SEVERITY[worst]) worst = id
  return worst
}

export function isGatewayClass(id: ClassId): boolean {
  return id.startsWith('gateway_') || id === 'openshell_missing' || id === 'openshell_unsupported'
}

/** Facts the words depend on. Only these; nothing time- or machine-dependent beyond what is passed in. */
export interface GuidanceContext {
  /** Detected OpenShell generation; undefined when openshell could not be run. */
  generation?: Generation
  /** The gateway the sandbox(es) live on. */
  gateway: string
  /** Its endpoint, when known from metadata. */
  endpoint?: string
  sandbox?: string
  /** The sandbox phase as the gateway reported it. */
  phase?: string
  /** The gateway that plain `openshell` commands would use (active or env override). */
  activeGateway?: string
  /** Set when OPENSHELL_GATEWAY / OPENSHELL_GATEWAY_ENDPOINT overrides the selection. */
  envOverride?: {variable: string; value: string}
  /** Modern: whether the systemd user unit `openshell-gateway.service` exists. */
  serviceUnit?: boolean
  /** The openshell command that did not answer in time, e.g. `openshell sandbox list`. */
  hungCommand?: string
  timeoutMs?: number
  /** Detected openshell version, for openshell_unsupported. */
  version?: string
  /** The key error text, for unknown. */
  message?: string
  /** Modern: whether the local gateway's TLS bundle exists (a trust re-import is possible). */
  localBundle?: boolean
  /** Where the gateway runs (gateway/health.ts `localityOf`); undefined means this machine's own gateway. */
  locality?: Locality
  /** The client certificates are missing or unreadable (rather than signed by an old CA). */
  certsMissing?: boolean
  /** sandbox_missing seen by a read-only caller (doctor): the record was not moved. */
  recordKept?: boolean
  /** `openshell sandbox start` exists (≥ 0.0.105): a Stopped sandbox can be restarted in place. */
  sandboxStart?: boolean
  /** sandbox_not_ready right after nemoclaw re-imported a rotated CA: the sandbox's supervisor holds the old one. */
  trustReimported?: boolean
  /** sandbox_missing whose proven removal could not be written: why, in words (the record stays). */
  pruneFailed?: string
}

export interface Guidance {
  id: ClassId
  exitCode: number
  diagnosis: string
  steps: string[]
}

const SUPPORTED_RANGE = '0.0.10 – 0.1.5'

function q(s: string): string {
  return `'${s}'`
}

function startSteps(ctx: GuidanceContext): string[] {
  if (ctx.generation === 'legacy') {
    return [
      `Run \`nemoclaw recover\` to start it and wait until it is healthy (runs \`openshell gateway start --name ${ctx.gateway}\`, which keeps its sandboxes).`,
      `Or by hand: \`openshell gateway start --name ${ctx.gateway}\`, then \`nemoclaw status\`.`,
    ]
  }

  if (ctx.serviceUnit) {
    return [
      'Run `nemoclaw recover` to start the gateway service and wait until it is healthy.',
      'Or by hand: `systemctl --user start openshell-gateway`, then `nemoclaw status`.',
    ]
  }

  return [
    'Start the OpenShell gateway service the way it was installed (systemd: `systemctl --user start openshell-gateway`; Homebrew: `brew services start openshell`; container: start its container).',
    'Then run `nemoclaw status` to confirm it answers.',
  ]
}

/** A gateway nemoclaw must not start or re-trust (see health.ts `localityOf`): what it is, in a few words. */
function notLocal(ctx: GuidanceContext): string | undefined {
  switch (ctx.locality) {
    case 'remote': {
      return 'It is a remote gateway'
    }

    case 'cloud': {
      return 'It is a cloud gateway (its access comes from `openshell gateway login`)'
    }

    case 'plaintext': {
      return 'It is reached over plain HTTP, not as the local gateway service'
    }

    case 'local-other': {
      return `It is not the local gateway service (${LOCAL_SERVICE_ENDPOINT})`
    }

    default: {
      return undefined
    }
  }
}

/** gateway_unreachable for a gateway nemoclaw does not start: who can start it. */
function notLocalStartSteps(ctx: GuidanceContext, endpoint: string): string[] {
  switch (ctx.locality) {
    case 'cloud': {
      return [
        `If your login expired, log in again: \`openshell gateway login ${ctx.gateway}\`; otherwise ask the gateway's operator whether it is up.`,
        'Then run `nemoclaw status`.',
      ]
    }

    case 'local-other': {
      return [
        `Start the gateway that serves ${endpoint} the way it was installed (its container or service): \`systemctl --user start openshell-gateway\` starts only the local gateway service.`,
        'Then run `nemoclaw status`.',
      ]
    }

    default: {
      return [
        `Ask the operator of ${endpoint} to start it (or check the network path to it).`,
        'Then run `nemoclaw status`.',
      ]
    }
  }
}

/** gateway_trust_rotated for a gateway whose trust nemoclaw does not touch: how its owner re-trusts it. */
function notLocalTrustSteps(ctx: GuidanceContext, endpoint: string): string[] {
  const then = 'Then run `nemoclaw status` to see which sandboxes survived.'
  const mtls = `~/.config/openshell/gateways/${ctx.gateway}/mtls/`
  switch (ctx.locality) {
    case 'cloud': {
      return [
        `Log in again: \`openshell gateway login ${ctx.gateway}\`; if that does not help, ask the gateway's operator whether its certificates changed.`,
        then,
      ]
    }

    case 'local-other': {
      return ctx.generation === 'legacy'
        ? [`Get the gateway's current \`ca.crt\`, \`tls.crt\` and \`tls.key\` from whoever runs it into ${mtls}.`, then]
        : [
            `Re-import this gateway's own client bundle: \`OPENSHELL_LOCAL_TLS_DIR=<its TLS directory> openshell gateway remove ${ctx.gateway} && openshell gateway add ${endpoint} --local --name ${ctx.gateway}\`, or ask its operator for the new \`ca.crt\`, \`tls.crt\` and \`tls.key\`.`,
            then,
          ]
    }

    case 'remote': {
      return ctx.generation === 'legacy'
        ? [
            `Ask the gateway's operator for its current \`ca.crt\`, \`tls.crt\` and \`tls.key\` and put them in ${mtls}.`,
            then,
          ]
        : [
            `Re-add it with the bundle from its host: \`openshell gateway remove ${ctx.gateway} && openshell gateway add ${endpoint} --remote ssh://<user>@<host> --name ${ctx.gateway}\`, or ask its operator for the new \`ca.crt\`, \`tls.crt\` and \`tls.key\`.`,
            then,
          ]
    }

    default: {
      return [`Ask the operator of ${endpoint} what changed.`, then]
    }
  }
}

function gwCmd(ctx: GuidanceContext): string {
  return ctx.gateway === 'nemoclaw' ? '' : ` -g ${ctx.gateway}`
}

export function guidanceFor(id: ClassId, ctx: GuidanceContext): Guidance {
  const g = q(ctx.gateway)
  const s = q(ctx.sandbox ?? '<name>')
  const sName = ctx.sandbox ?? '<name>'
  const endpoint = ctx.endpoint ?? LOCAL_SERVICE_ENDPOINT
  let diagnosis: string
  let steps: string[]

  switch (id) {
    case 'ok': {
      diagnosis = ctx.sandbox ? `Sandbox ${s} is Ready on gateway ${g}.` : `Gateway ${g} is healthy.`
      steps = []
      break
    }

    case 'openshell_missing': {
      diagnosis = 'The openshell CLI was not found or cannot be executed.'
      steps = [
        'Install it: `pip install --user openshell` (or `uv tool install openshell`).',
        'Or point nemoclaw at it: `export NEMOCLAW_OPENSHELL_BIN=/path/to/openshell`.',
        'Then run `nemoclaw doctor`.',
      ]
      break
    }

    case 'openshell_unsupported': {
      diagnosis = `openshell ${ctx.version ?? '(unknown version)'} is outside the versions nemoclaw supports (${SUPPORTED_RANGE}).`
      steps = ['Upgrade it: `pip install --user --upgrade openshell`.', 'Then run `nemoclaw doctor`.']
      break
    }

    case 'gateway_not_configured': {
      diagnosis = `No OpenShell gateway named ${g} is registered on this machine.`
      steps =
        ctx.generation === 'legacy'
          ? [
              `Run \`nemoclaw onboard\` to start gateway ${g} and create a sandbox.`,
              `Or start it by hand: \`openshell gateway start --name ${ctx.gateway}\`.`,
            ]
          : [
              `Run \`nemoclaw onboard\` to register the local gateway service as ${g} and create a sandbox.`,
              `Or register it by hand: \`openshell gateway add ${endpoint} --local --name ${ctx.gateway}\`.`,
            ]
      break
    }

    case 'gateway_unreachable': {
      const other = notLocal(ctx)
      diagnosis = `Gateway ${g} is registered but does not answer at ${endpoint}.${other ? ` ${other}: nemoclaw does not start it.` : ''}`
      steps = other ? notLocalStartSteps(ctx, endpoint) : startSteps(ctx)
      break
    }

    case 'gateway_refusing_after_restart': {
      diagnosis = `Gateway ${g} is running (it was started) but its API still refuses connections at ${endpoint}.`
      steps =
        ctx.generation === 'legacy'
          ? [
              `Read the gateway's logs: \`docker ps -a --filter name=openshell\`, then \`docker logs <container>\`.`,
              `Fix what the logs report (Docker running, port free), then run \`nemoclaw recover\` again.`,
              `Last resort, run by you only — WARNING: deletes every sandbox on gateway ${g}: \`openshell gateway start --name ${ctx.gateway} --recreate\`.`,
            ]
          : [
              "Read the gateway's logs: `journalctl --user -u openshell-gateway -n 200` (or the log of the gateway's container).",
              'Fix what the logs report, then run `nemoclaw recover` again.',
              `Last resort, run by you only — WARNING: deletes every sandbox on gateway ${g}: reinstall the gateway service with fresh state, then \`nemoclaw onboard\`.`,
            ]
      break
    }

    case 'gateway_trust_rotated': {
      const other = notLocal(ctx)
      diagnosis = ctx.certsMissing
        ? `The client certificates of gateway ${g} are missing or unreadable, so nothing can talk to it. Its sandboxes may still exist.`
        : `Gateway ${g} presents a certificate from a CA this machine does not trust: it was rebuilt or its certificates rotated. Its sandboxes may still exist.`
      if (other) diagnosis += ` ${other}: nemoclaw never gives it the local gateway's certificates.`
      steps = other
        ? notLocalTrustSteps(ctx, endpoint)
        : ctx.generation !== 'legacy' && ctx.localBundle === false
          ? [
              "The local gateway's TLS bundle was not found, so nemoclaw cannot re-import trust: put the gateway's current `ca.crt`, `client/tls.crt` and `client/tls.key` in `$OPENSHELL_LOCAL_TLS_DIR` (default `~/.local/state/openshell/tls`), then run `nemoclaw recover`.",
              'Then run `nemoclaw status` to see which sandboxes survived.',
            ]
          : ctx.generation === 'legacy'
            ? [
                `Run \`nemoclaw recover\` to re-sync the client certificates (runs \`openshell gateway start --name ${ctx.gateway}\` on the existing gateway).`,
                'Then run `nemoclaw status` to see which sandboxes survived.',
              ]
            : [
                "Run `nemoclaw recover` to re-import the client bundle from the local gateway's TLS directory (the old files are kept as a backup).",
                `Or by hand: \`openshell gateway remove ${ctx.gateway} && openshell gateway add ${endpoint} --local --name ${ctx.gateway}\`.`,
                'Then run `nemoclaw status` to see which sandboxes survived.',
              ]
      break
    }

    case 'gateway_auth_required': {
      diagnosis =
        ctx.generation === 'legacy'
          ? `Gateway ${g} requires an auth token that this machine does not have.`
          : `Gateway ${g} requires you to log in.`
      steps =
        ctx.generation === 'legacy'
          ? [
              `Get access to gateway ${g} from whoever runs it: legacy openshell (before 0.0.37) has no \`gateway login\` command.`,
              'Then run `nemoclaw status`.',
            ]
          : [`Run \`openshell gateway login ${ctx.gateway}\`.`, 'Then run `nemoclaw status`.']
      break
    }

    case 'gateway_other_active': {
      if (ctx.envOverride) {
        diagnosis = `${ctx.envOverride.variable}=${ctx.envOverride.value} overrides the gateway selection, but the sandboxes live on gateway ${g}; plain openshell commands go to the wrong gateway.`
        steps = [
          `Unset the override: \`unset ${ctx.envOverride.variable}\`.`,
          `Then select the sandboxes' gateway: \`openshell gateway select ${ctx.gateway}\`.`,
        ]
      } else {
        diagnosis = `Gateway ${q(ctx.activeGateway ?? '(none)')} is active, but the sandboxes live on gateway ${g}; plain openshell commands go to the wrong gateway.`
        steps = [
          `Select it: \`openshell gateway select ${ctx.gateway}\` (or run \`nemoclaw recover\`).`,
          'Then run `nemoclaw status`.',
        ]
      }

      break
    }

    case 'sandbox_missing': {
      if (ctx.pruneFailed) {
        diagnosis = `Gateway ${g} is healthy and active but has no sandbox ${s} (the gateway was rebuilt or the sandbox deleted). Its record is still registered: it could not be moved to \`pruned.jsonl\` because ${ctx.pruneFailed}, so nothing was changed.`
        steps = [
          `Create it again: \`nemoclaw onboard --name ${sName}\`.`,
          'Once the registry can be written, `nemoclaw status` moves the record to `pruned.jsonl`.',
        ]
        break
      }

      diagnosis = ctx.recordKept
        ? `Gateway ${g} is healthy and active but has no sandbox ${s} (the gateway was rebuilt or the sandbox deleted). Its record is still registered; \`nemoclaw status\` moves it to \`pruned.jsonl\`.`
        : `Gateway ${g} is healthy and active but has no sandbox ${s} (the gateway was rebuilt or the sandbox deleted). Its record was moved to \`pruned.jsonl\`.`
      steps = [
        `Create it again: \`nemoclaw onboard --name ${sName}\`.`,
        'See removed records: `nemoclaw list --pruned`.',
      ]
      break
    }

    case 'sandbox_not_ready': {
      if (ctx.trustReimported) {
        diagnosis = `Sandbox ${s} stays ${ctx.phase ?? 'not ready'} after the gateway's CA was rotated: its supervisor still holds the old CA and sandbox token, so it cannot reconnect (OpenShell cannot re-key a running sandbox).`
        steps = [
          `Read its logs: \`nemoclaw logs ${sName}\`.`,
          `Recreate it — WARNING: replaces this sandbox and its files: \`nemoclaw onboard --name ${sName} --recreate\`.`,
        ]
        break
      }

      diagnosis = `Sandbox ${s} is ${ctx.phase ?? 'not ready'}: not ready yet (after a gateway restart its supervisor reconnects).`
      steps = [
        `Wait a moment, then run \`nemoclaw status ${sName}\`.`,
        `If it stays so, read its logs: \`nemoclaw logs ${sName}\`.`,
      ]
      break
    }

    case 'sandbox_error': {
      diagnosis = `Sandbox ${s} is in Error: its main process exited or it failed to start.${ctx.generation === 'modern' ? ' OpenShell can neither stop nor start a sandbox in Error: only delete and create, which nemoclaw never does on its own.' : ''}`
      steps = [
        `Read its logs: \`nemoclaw logs ${sName}\`.`,
        `Recreate it — WARNING: replaces this sandbox and its files: \`nemoclaw onboard --name ${sName} --recreate\`.`,
      ]
      break
    }

    case 'sandbox_stopped': {
      diagnosis = `Sandbox ${s} is ${ctx.phase ?? 'Stopped'}: it is not running.`
      steps =
        ctx.sandboxStart && ctx.phase !== 'Completed'
          ? [
              `Start it (its workspace is kept): \`nemoclaw recover ${sName}\` (runs \`openshell${gwCmd(ctx)} sandbox start ${sName}\` and waits until it is Ready).`,
              `Then run \`nemoclaw status ${sName}\`.`,
            ]
          : [
              `This OpenShell version cannot start a stopped sandbox; read its logs: \`nemoclaw logs ${sName}\`.`,
              `Recreate it — WARNING: replaces this sandbox and its files: \`nemoclaw onboard --name ${sName} --recreate\`.`,
            ]
      break
    }

    case 'probe_timeout': {
      const secs = ctx.timeoutMs === undefined ? 'the probe timeout' : `${Math.round(ctx.timeoutMs / 100) / 10}s`
      diagnosis = `\`${ctx.hungCommand ?? 'openshell'}\` did not answer within ${secs}.`
      steps = [
        ctx.generation === 'legacy'
          ? 'Check that Docker and the gateway container are running: `docker ps --filter name=openshell`.'
          : 'Check the gateway service: `systemctl --user status openshell-gateway`.',
        'Run `nemoclaw doctor` for a full diagnosis.',
        'On a slow machine, raise the limit: `export NEMOCLAW_PROBE_TIMEOUT_MS=30000`.',
      ]
      break
    }

    default: {
      diagnosis = `openshell failed in a way nemoclaw does not recognise${ctx.message ? `: ${ctx.message}` : '.'}`
      steps = ['Run `nemoclaw doctor --json` and include its output when you report this.']
      break
    }
  }

  return {diagnosis, exitCode: EXIT_CODES[id], id, steps}
}

/** The canonical text form: diagnosis, then numbered steps. */
export function renderGuidance(g: Guidance): string {
  if (g.steps.length === 0) return g.diagnosis
  return [g.diagnosis, ...g.steps.map((step, i) => `  ${i + 1}. ${step}`)].join('\n')
}
