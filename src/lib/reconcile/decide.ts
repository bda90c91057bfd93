/**
 * Registry × live state → a verdict per sandbox and the registry updates the evidence justifies. Pure: the live
 * state is gathered by gather.ts, the updates are applied by apply.ts, run.ts ties the three together.
 *
 * A record is removed only on proof: its own gateway is active, healthy, and its complete sandbox list does not
 * contain the name. Anything else (gateway down, other gateway active, list failed) keeps the record.
 */
import type {Failure, Outcome, SandboxList, SandboxPhase} from '../openshell/types.js'
import {type ClassId, type Guidance, guidanceFor} from '../gateway/classes.js'
import {type GatewayHealth, classOfFailure, contextFor} from '../gateway/health.js'
import type {WriteFailure} from '../registry/index.js'

export interface RecordRef {
  name: string
  gateway: string
}

export interface LiveGateway {
  health: GatewayHealth
  /** The gateway's sandbox list (all pages); undefined when not fetched or not kept: the gateway is not `listable`,
   *  not registered, or openshell is not usable (see gather.ts). */
  list?: Outcome<SandboxList>
}

export interface Verdict {
  name: string
  gateway: string
  classId: ClassId
  /** Live phase when the gateway listed the sandbox. */
  phase?: SandboxPhase
  guidance: Guidance
  /** sandbox_missing whose proven removal could not be written (lock, read-only, disk full…): the record stays. */
  pruneFailed?: WriteFailure
}

export interface Decision {
  verdicts: Verdict[]
  /** Records to remove (journaled) — each backed by proof. */
  prune: Array<{name: string; gateway: string; reason: string}>
  /** lastSeen updates for sandboxes the gateway listed. */
  seen: Array<{name: string; phase: SandboxPhase}>
}

export function phaseClass(phase: SandboxPhase): ClassId {
  switch (phase) {
    case 'Ready': {
      return 'ok'
    }

    case 'Error': {
      return 'sandbox_error'
    }

    case 'Stopped':
    case 'Completed': {
      return 'sandbox_stopped'
    }

    default: {
      return 'sandbox_not_ready'
    }
  }
}

function sandboxGuidance(
  classId: ClassId,
  health: GatewayHealth,
  name: string,
  phase?: SandboxPhase,
  failure?: Failure,
  recordKept?: boolean,
): Guidance {
  const ctx = {
    ...(failure ? contextFor(health.facts, failure) : health.context),
    phase,
    sandbox: name,
    ...(recordKept ? {recordKept} : {}),
  }
  return guidanceFor(classId, ctx)
}

/** The verdict of a proven removal that could not be written: the same class, the record kept, and why. */
export function pruneFailedVerdict(v: Verdict, health: GatewayHealth, failure: WriteFailure): Verdict {
  const ctx = {...health.context, phase: v.phase, pruneFailed: failure.words, sandbox: v.name}
  return {...v, guidance: guidanceFor(v.classId, ctx), pruneFailed: failure}
}

/** Is the gateway's sandbox list worth reading? It answers: healthy, or healthy while another gateway is active
 *  (an override pointing elsewhere is reported even when the gateway is down; then nothing can be listed).
 *  The one definition: `decide` reads a list only from such a gateway, and gather.ts keeps a list only for one. */
export function listable(health: GatewayHealth): boolean {
  return health.classId === 'ok' || (health.classId === 'gateway_other_active' && health.answering)
}

/** What the evidence says about one record on a probed gateway: its class, and the registry update it justifies. */
interface Judgement {
  classId: ClassId
  phase?: SandboxPhase
  failure?: Failure
  seen?: Decision['seen'][number]
  prune?: Decision['prune'][number]
}

/** `readOnly`: the caller will not apply the removals (doctor), so the guidance must not say the record moved. */
export function decide(
  records: RecordRef[],
  live: Map<string, LiveGateway>,
  opts: {readOnly?: boolean} = {},
): Decision {
  const decision: Decision = {prune: [], seen: [], verdicts: []}

  for (const record of records) {
    const gw = live.get(record.gateway)
    if (!gw) {
      decision.verdicts.push(unprobedVerdict(record))
      continue
    }

    const judged = judge(record, gw)
    if (judged.seen) decision.seen.push(judged.seen)
    if (judged.prune) decision.prune.push(judged.prune)
    decision.verdicts.push({
      classId: judged.classId,
      gateway: record.gateway,
      guidance: sandboxGuidance(judged.classId, gw.health, record.name, judged.phase, judged.failure, opts.readOnly),
      name: record.name,
      phase: judged.phase,
    })
  }

  return decision
}

function unprobedVerdict(record: RecordRef): Verdict {
  return {
    classId: 'unknown',
    gateway: record.gateway,
    guidance: guidanceFor('unknown', {
      gateway: record.gateway,
      message: 'gateway was not probed',
      sandbox: record.name,
    }),
    name: record.name,
  }
}

function judge(record: RecordRef, gw: LiveGateway): Judgement {
  const {health} = gw
  if (!listable(health)) return {classId: health.classId}
  if (!gw.list) return {classId: 'unknown'}
  if (!gw.list.ok) return {classId: classOfFailure(gw.list.failure), failure: gw.list.failure}

  const found = gw.list.value.sandboxes.find((s) => s.name === record.name)
  if (found) {
    return {
      classId: health.classId === 'gateway_other_active' ? 'gateway_other_active' : phaseClass(found.phase),
      phase: found.phase,
      seen: {name: record.name, phase: found.phase},
    }
  }

  if (health.classId === 'ok' && !gw.list.value.nextPageToken && !gw.list.value.incomplete) {
    return {
      classId: 'sandbox_missing',
      prune: {
        gateway: record.gateway,
        name: record.name,
        reason: `gateway '${record.gateway}' is active and healthy and does not list sandbox '${record.name}'`,
      },
    }
  }

  // Other gateway active (or an incomplete list): no proof, keep the record.
  return {classId: health.classId === 'ok' ? 'unknown' : health.classId}
}
