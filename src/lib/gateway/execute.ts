/**
 * The executor of the planner's plans (gateway level; the `recover` command's service is services/recover.ts):
 * carry out a recovery plan, one listr2 task per step, then report the gateway's health afterwards.
 * Only the steps the planner produced run; each is non-destructive. The wait is a bounded backoff poll that stops
 * the moment the gateway is healthy.
 */
import type {OpenShell} from '../openshell/client.js'
import type {Failure} from '../openshell/types.js'
import {readActiveGateway, refreshMtlsFromLocalBundle} from '../openshell/config.js'
import {backoff, poll} from '../poll.js'
import {runSteps, type StepSpec, type TaskVerdict} from '../ui/tasks.js'
import type {GatewayHealth} from './health.js'
import {describeStep, planRecovery, preferredGateway, type RecoveryStep, waitTimeoutMs} from './planner.js'
import {probeGateway, startGatewayService} from './probe.js'

export interface RecoveryReport {
  before: GatewayHealth
  steps: Array<{step: RecoveryStep; title: string; ok: boolean; note?: string}>
  after: GatewayHealth
  /** The plan ended with a stop: nothing more was safe to do automatically. */
  stopped: boolean
  /** A start ran (or timed out while it may still be starting): a gateway that still refuses has been started. */
  startAttempted: boolean
}

/** The task note for a failed legacy `gateway start`: the exact next step when the container runtime is down. */
function startFailureNote(failure: Failure): string {
  if (failure.detail === 'docker_not_running') {
    return `${failure.message} Docker is not running (or DOCKER_HOST points nowhere): start it, then run \`nemoclaw recover\`.`
  }

  return failure.message
}

/**
 * Did a start command leave the gateway possibly running? Yes, unless it failed before starting anything: no
 * container runtime, the port taken, a usage error, no openshell. (A start that ran but whose gateway did not become
 * healthy, or that timed out, did start it.)
 */
const NOT_STARTED_DETAILS = new Set(['docker_not_running', 'port_in_use'])
const mayHaveStarted = (r: {ok: boolean; failure?: Failure}) =>
  r.ok ||
  !(
    NOT_STARTED_DETAILS.has(r.failure?.detail ?? '') ||
    ['openshell_missing', 'openshell_not_executable', 'usage_error'].includes(r.failure?.kind ?? '')
  )

/**
 * Poll until healthy (ok or other-active: it answers) or the deadline; returns the last health seen. The backoff
 * delay is the interval between the STARTS of two probes (a slow probe is not followed by the full delay again),
 * so a gateway that comes back is noticed within one interval.
 */
export async function waitHealthy(
  client: OpenShell,
  gateway: string,
  timeoutMs: number,
  startAttempted: boolean,
): Promise<GatewayHealth> {
  // While waiting only "does it answer yet" matters (refusing and unreachable are both worth waiting for): one
  // `status` per probe, without asking systemd; a gateway still down at the deadline gets one full probe.
  const probe = () => probeGateway(client, gateway, {skipServiceCheck: true, startAttempted})
  const transient = (h: GatewayHealth) =>
    h.classId === 'gateway_unreachable' ||
    h.classId === 'gateway_refusing_after_restart' ||
    h.classId === 'probe_timeout'
  // Quick at first (a restart is often done in a moment): a gateway that comes back is seen within ~¼ s, at most
  // four `status` calls a second.
  const health = await poll(probe, (h) => h.answering || !transient(h), {
    delays: backoff(100, 1.5, 250),
    spacing: 'start',
    timeoutMs,
  })
  return health.answering ? health : probeGateway(client, gateway, {startAttempted})
}

/** Carry out one plan step: the only code that turns a RecoveryStep into commands and file changes. */
export async function executeStep(
  client: OpenShell,
  step: RecoveryStep,
  state: {startAttempted: boolean; last?: GatewayHealth},
): Promise<TaskVerdict> {
  switch (step.kind) {
    case 'select': {
      const r = await client.gatewaySelect(step.gateway)
      return r.ok ? {ok: true, note: r.value.warning ?? ''} : {note: r.failure.message, ok: false}
    }

    case 'start': {
      if (step.method === 'legacy') {
        const r = await client.gatewayStart(step.gateway)
        state.startAttempted ||= mayHaveStarted(r)
        return r.ok
          ? {ok: true, note: r.value.reused ? 'existing gateway reused' : ''}
          : {note: startFailureNote(r.failure), ok: false}
      }

      const run = await startGatewayService(client.env)
      state.startAttempted ||= run.exitCode === 0 || run.timedOut
      if (run.exitCode === 0) return {ok: true}
      return {note: run.stderr.trim().split('\n')[0] || `systemctl exited ${run.exitCode}`, ok: false}
    }

    case 'reimport-trust': {
      if (step.method === 'legacy-start') {
        const r = await client.gatewayStart(step.gateway)
        state.startAttempted ||= mayHaveStarted(r)
        return r.ok ? {ok: true, note: 'certificates re-synced'} : {note: startFailureNote(r.failure), ok: false}
      }

      const r = refreshMtlsFromLocalBundle(step.gateway, client.env)
      return r.ok
        ? {ok: true, note: r.backupDir ? `old files kept in ${r.backupDir}` : ''}
        : {note: r.message, ok: false}
    }

    case 'wait-healthy': {
      const h = await waitHealthy(client, step.gateway, step.timeoutMs, state.startAttempted)
      state.last = h
      return h.answering ? {ok: true, note: 'healthy'} : {note: h.classId, ok: false}
    }

    default: {
      return {note: step.reason, ok: false}
    }
  }
}

export async function recoverGateway(
  client: OpenShell,
  before: GatewayHealth,
  opts: {silent?: boolean} = {},
): Promise<RecoveryReport> {
  return executePlan(client, before, planRecovery(before, {waitMs: waitTimeoutMs(client.env)}), opts)
}

async function executePlan(
  client: OpenShell,
  before: GatewayHealth,
  plan: RecoveryStep[],
  opts: {silent?: boolean},
): Promise<RecoveryReport> {
  const state: {startAttempted: boolean; last?: GatewayHealth} = {startAttempted: false}
  const report: RecoveryReport = {
    after: before,
    before,
    startAttempted: false,
    steps: [],
    stopped: plan.some((s) => s.kind === 'stop'),
  }
  if (plan.length === 0) return report

  const specs: StepSpec<object>[] = plan.map((step) => ({
    fatal: true,
    async run() {
      const verdict = await executeStep(client, step, state)
      const ok = 'ok' in verdict && verdict.ok
      report.steps.push({note: 'note' in verdict ? verdict.note : undefined, ok, step, title: describeStep(step)})
      return verdict
    },
    title: describeStep(step),
  }))

  await runSteps({}, specs, {silent: opts.silent})
  report.after = state.last ?? (await probeGateway(client, before.gateway, {startAttempted: state.startAttempted}))
  report.startAttempted = state.startAttempted
  return report
}

/**
 * Recover several gateways, one at a time (a select changes the next one's facts). Only one gateway may be selected:
 * preferredGateway over `records` (the selection on disk is read here). Gateways with an empty plan are left alone,
 * and with `actionableOnly` (doctor --fix) also those whose plan is only a stop (the caller prints their guidance).
 */
export async function recoverGateways(
  client: OpenShell,
  healths: Iterable<GatewayHealth>,
  opts: {
    actionableOnly?: boolean
    defaultSandbox?: string | null
    records: ReadonlyArray<{name: string; gateway: string}>
    silent?: boolean
    /** The sandbox the user named, if any: its gateway is the one to select. */
    target?: string
  },
): Promise<RecoveryReport[]> {
  const preferred = preferredGateway(opts.records, {
    activeOnDisk: readActiveGateway(client.env),
    defaultSandbox: opts.defaultSandbox,
    target: opts.target,
  })
  const waitMs = waitTimeoutMs(client.env)
  const reports: RecoveryReport[] = []
  for (const health of healths) {
    const plan = planRecovery(health, {select: preferred === undefined || health.gateway === preferred, waitMs})
    if (plan.length === 0 || (opts.actionableOnly && plan.every((s) => s.kind === 'stop'))) continue
    reports.push(await executePlan(client, health, plan, {silent: opts.silent}))
  }

  return reports
}
