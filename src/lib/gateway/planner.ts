/**
 * The recovery planner: from a gateway's health, the ordered non-destructive steps that can bring it back.
 * Steps come only from: select the gateway, start it, re-import trust, wait until healthy. When nothing safe can
 * be done automatically the plan ends with a `stop` step that carries the class's guidance.
 *
 * Never, on any path: `gateway destroy`, `gateway start --recreate`, `sandbox delete`, container removal, or a
 * `gateway remove`. test/unit/gateway/execute.test.ts runs every step the planner can produce for every class
 * (gateway/execute.ts `executeStep`, against a recording fake openshell and systemctl) and checks what was really executed.
 */
import {positiveNumberEnv} from '../env.js'
import type {GatewayHealth} from './health.js'
import {localityOf, overrideOf} from './health.js'

export type RecoveryStep =
  | {kind: 'select'; gateway: string}
  | {kind: 'start'; gateway: string; method: 'legacy' | 'systemd'}
  | {kind: 'reimport-trust'; gateway: string; endpoint: string; method: 'legacy-start' | 'refresh-mtls'}
  | {kind: 'wait-healthy'; gateway: string; timeoutMs: number}
  | {kind: 'stop'; reason: string}

export const DEFAULT_WAIT_MS = 60_000

export function waitTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  return positiveNumberEnv(env, 'NEMOCLAW_RECOVER_TIMEOUT_MS') ?? DEFAULT_WAIT_MS
}

/**
 * Only one gateway can be the selected one. When records live on several gateways, recovery selects just one, so
 * that plain `openshell` commands keep going where the user expects and recoveries never flip the selection back
 * and forth: the gateway of the sandbox the user named; else the gateway already selected, if it holds records;
 * else the default sandbox's; else the one holding most records (then by name). undefined without records.
 */
export function preferredGateway(
  records: ReadonlyArray<{name: string; gateway: string}>,
  opts: {activeOnDisk?: string; defaultSandbox?: string | null; target?: string} = {},
): string | undefined {
  const byName = (n?: string | null) => (n ? records.find((r) => r.name === n)?.gateway : undefined)
  const named = byName(opts.target)
  if (named) return named
  if (opts.activeOnDisk && records.some((r) => r.gateway === opts.activeOnDisk)) return opts.activeOnDisk
  const fromDefault = byName(opts.defaultSandbox)
  if (fromDefault) return fromDefault
  const counts = new Map<string, number>()
  for (const r of records) counts.set(r.gateway, (counts.get(r.gateway) ?? 0) + 1)
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0]
}

/**
 * `select: false` (another gateway is the preferred one, see preferredGateway): no `select` step; a gateway that is
 * merely not the selected one then needs nothing. A start or a trust re-import is planned only for this machine's own
 * gateway (health.ts `localityOf` = 'local'); a remote, cloud, plaintext or other local gateway gets a stop with its
 * owner's next step instead.
 */
export function planRecovery(health: GatewayHealth, opts: {waitMs?: number; select?: boolean} = {}): RecoveryStep[] {
  const {facts} = health
  const gateway = health.gateway
  const waitMs = opts.waitMs ?? DEFAULT_WAIT_MS
  const generation = facts.capabilities?.generation
  const steps: RecoveryStep[] = []
  const stop = (reason: string): RecoveryStep[] => [...steps, {kind: 'stop', reason}]
  const needsSelect = opts.select !== false && facts.registered && facts.activeOnDisk !== gateway
  const wait: RecoveryStep = {gateway, kind: 'wait-healthy', timeoutMs: waitMs}
  const local = localityOf(facts) === 'local'

  switch (health.classId) {
    case 'ok': {
      return []
    }

    case 'gateway_other_active': {
      if (needsSelect) steps.push({gateway, kind: 'select'})
      if (overrideOf(facts)) return stop(health.guidance.diagnosis)
      return steps
    }

    case 'gateway_unreachable': {
      if (needsSelect) steps.push({gateway, kind: 'select'})
      // Only this machine's own gateway is started from here; anything else is its owner's to start.
      if (!local) return stop(health.guidance.diagnosis)
      if (generation === 'legacy') return [...steps, {gateway, kind: 'start', method: 'legacy'}, wait]
      if (facts.serviceUnit) return [...steps, {gateway, kind: 'start', method: 'systemd'}, wait]
      return stop(health.guidance.diagnosis)
    }

    case 'gateway_refusing_after_restart': {
      // The service manager says the gateway runs but its API refuses, and nemoclaw has not started it: it is most
      // likely still booting after a restart. Waiting (bounded) is safe; if it still refuses afterwards the class
      // stays and its guidance (read the logs) is printed. After nemoclaw's own start attempt, stop at once.
      if (facts.startAttempted || !facts.serviceActive) return stop(health.guidance.diagnosis)
      if (needsSelect) steps.push({gateway, kind: 'select'})
      return [...steps, wait]
    }

    case 'gateway_trust_rotated': {
      if (needsSelect) steps.push({gateway, kind: 'select'})
      // The local TLS bundle is the local gateway service's: never copied to another gateway's mtls/.
      if (!local) return stop(health.guidance.diagnosis)
      const endpoint = facts.endpoint ?? ''
      if (generation === 'legacy')
        return [...steps, {endpoint, gateway, kind: 'reimport-trust', method: 'legacy-start'}, wait]
      if (facts.localBundle)
        return [...steps, {endpoint, gateway, kind: 'reimport-trust', method: 'refresh-mtls'}, wait]
      return stop(
        `${health.guidance.diagnosis} The local gateway's TLS bundle was not found, so nemoclaw cannot re-import trust safely.`,
      )
    }

    default: {
      return stop(health.guidance.diagnosis)
    }
  }
}

/** What a step does, in the words of its task title. */
export function describeStep(step: RecoveryStep): string {
  switch (step.kind) {
    case 'select': {
      return `Select gateway '${step.gateway}'`
    }

    case 'start': {
      return step.method === 'legacy'
        ? `Start gateway '${step.gateway}' (openshell gateway start --name ${step.gateway})`
        : 'Start the gateway service (systemctl --user start openshell-gateway)'
    }

    case 'reimport-trust': {
      return step.method === 'legacy-start'
        ? `Re-sync client certificates of '${step.gateway}' (openshell gateway start --name ${step.gateway})`
        : `Re-import the client bundle of '${step.gateway}' from the local gateway's TLS directory`
    }

    case 'wait-healthy': {
      return `Wait until gateway '${step.gateway}' is healthy`
    }

    default: {
      return 'Stop: nothing more is safe to do automatically'
    }
  }
}
