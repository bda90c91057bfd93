/**
 * Gathering the live state a reconcile decides on: one probe per gateway and one `sandbox list` (and, when asked,
 * one `inference get`) per gateway that holds records, gateways concurrently, never one `sandbox get` per sandbox.
 *
 * Two shapes of the same gathering: `gatherSteps`, the run's task list (run.ts: the prerun hook, `recover`), and
 * `gatherLive`, the same calls without a task list (doctor's one shared gathering, see doctor/context.ts). A reading
 * command gathers once per process (cli/session.ts: one reconcile per process, the prerun hook's); only recovery
 * gathers again, after it acted (services/recover.ts).
 */
import type {GatewayHealth} from '../gateway/health.js'
import {probeGateway} from '../gateway/probe.js'
import type {OpenShell} from '../openshell/client.js'
import {readGatewayMetadata} from '../openshell/config.js'
import type {InferenceRoute, Outcome, SandboxList} from '../openshell/types.js'
import type {StepSpec, TaskVerdict} from '../ui/tasks.js'
import {listable, type LiveGateway} from './decide.js'

/** What the run's task list gathered, per gateway. */
interface Gathered {
  /** Each gateway's health, in the order the probes finished. */
  healths: Map<string, GatewayHealth>
  /** Sandbox lists of the gateways that hold records (absent: openshell or the gateway was not usable). */
  lists: Map<string, Outcome<SandboxList>>
  /** Inference routes, read only when asked, of the gateways that hold records. */
  routes: Map<string, Outcome<InferenceRoute>>
}

interface GatherOptions {
  /** Does the gateway hold records? Only those are listed (and their route read). */
  holdsRecords: (gateway: string) => boolean
  /** Also read each such gateway's inference route. */
  inference: boolean
  /** Gateways a start was just attempted on (by recovery): a refusing API then reads as refusing-after-restart. */
  startAttempted?: string[]
}

/** A route as the reconcile reports it: null when none is configured, or it could not be read. */
export function inferenceRouteOf(r: Outcome<InferenceRoute> | undefined): {provider: string; model: string} | null {
  return r?.ok && r.value.configured && r.value.provider
    ? {model: r.value.model ?? '', provider: r.value.provider}
    : null
}

/** The live state `decide` reads for a gateway: its list only when the gateway is listable (see decide.ts). */
export function liveGateway(health: GatewayHealth, list: Outcome<SandboxList> | undefined): LiveGateway {
  return listable(health) ? {health, list} : {health}
}

/** The health of a gateway the run's task list probed (gatherSteps probes every gateway it is given). */
export function healthOf(gathered: Gathered, gateway: string): GatewayHealth {
  const health = gathered.healths.get(gateway)
  if (!health) throw new Error(`internal error: gateway '${gateway}' was not probed`)
  return health
}

/** The live state of each named gateway from what the run's task list gathered. */
export function liveOf(gathered: Gathered, gateways: string[]): Map<string, LiveGateway> {
  return new Map(gateways.map((gw) => [gw, liveGateway(healthOf(gathered, gw), gathered.lists.get(gw))]))
}

/**
 * One read of a registered gateway (its sandbox list, its route) beside the probe: started together with `--version`
 * when the version is known from a previous run (see probeGateway), and only kept when openshell is usable (detected,
 * supported) and the gateway is registered; undefined otherwise (an early call is still awaited: no process outlives
 * the reconcile). After detection has finished nothing starts early: the read waits for the same checks.
 */
async function readWhenRegistered<T>(client: OpenShell, gw: string, read: () => Promise<T>): Promise<T | undefined> {
  const early = client.probesStartEarly() && readGatewayMetadata(gw, client.env) ? read() : undefined
  const d = await client.detect()
  if (!d.ok || d.value.unsupported || !readGatewayMetadata(gw, client.env)) {
    await early
    return undefined
  }

  return early ?? read()
}

function detectStep(client: OpenShell): StepSpec<object> {
  return {
    async run() {
      const d = await client.detect()
      if (!d.ok) return {note: d.failure.message, ok: false}
      const c = d.value
      const note = `${c.version.raw} (${c.generation})${c.unsupported ? ', unsupported' : c.newerThanKnown ? ', newer than known' : ''}`
      return c.unsupported ? {note, ok: false} : {note, ok: true}
    },
    title: 'openshell is installed',
  }
}

function probeStep(
  client: OpenShell,
  gw: string,
  gathered: Gathered,
  startAttempted: boolean | undefined,
): StepSpec<object> {
  return {
    async run() {
      const h = await probeGateway(client, gw, {startAttempted})
      gathered.healths.set(gw, h)
      return h.classId === 'ok' ? {ok: true} : {note: h.classId, ok: false}
    },
    title: `Gateway '${gw}' answers`,
  }
}

/** A read of a registered gateway as a step: skipped when openshell or the gateway is not usable, else kept. */
function readStep<T>(
  title: string,
  client: OpenShell,
  gw: string,
  read: () => Promise<Outcome<T>>,
  into: Map<string, Outcome<T>>,
  verdictOf: (o: Outcome<T>) => TaskVerdict,
): StepSpec<object> {
  return {
    async run() {
      const o = await readWhenRegistered(client, gw, read)
      if (!o) return {note: 'gateway not usable', skipped: true}
      into.set(gw, o)
      return verdictOf(o)
    },
    title,
  }
}

function listStep(client: OpenShell, gw: string, gathered: Gathered): StepSpec<object> {
  return readStep(
    `Sandboxes on '${gw}' listed`,
    client,
    gw,
    () => client.sandboxList(gw),
    gathered.lists,
    (l) => (l.ok ? {note: `${l.value.sandboxes.length} live`, ok: true} : {note: l.failure.kind, ok: false}),
  )
}

function routeStep(client: OpenShell, gw: string, gathered: Gathered): StepSpec<object> {
  return readStep(
    `Inference route of '${gw}'`,
    client,
    gw,
    () => client.inferenceGet(gw),
    gathered.routes,
    (r) => {
      const route = inferenceRouteOf(r)
      return r.ok
        ? {note: route ? `${route.provider} / ${route.model}` : 'not configured', ok: true}
        : {note: r.failure.kind, skipped: true}
    },
  )
}

/**
 * The run's task list, in its order: openshell detected; per gateway its probe, then its list when it holds records;
 * then, when asked, the route of each gateway that holds records. `gathered` fills in as the steps run.
 */
export function gatherSteps(
  client: OpenShell,
  gateways: string[],
  opts: GatherOptions,
): {steps: StepSpec<object>[]; gathered: Gathered} {
  const gathered: Gathered = {healths: new Map(), lists: new Map(), routes: new Map()}
  const steps: StepSpec<object>[] = [detectStep(client)]
  for (const gw of gateways) {
    steps.push(probeStep(client, gw, gathered, opts.startAttempted?.includes(gw)))
    if (opts.holdsRecords(gw)) steps.push(listStep(client, gw, gathered))
  }

  if (opts.inference) {
    for (const gw of gateways.filter((g) => opts.holdsRecords(g))) steps.push(routeStep(client, gw, gathered))
  }

  return {gathered, steps}
}

/**
 * The same gathering without a task list: per distinct gateway its probe and its `sandbox list`, concurrently, the
 * gateways concurrently too. Detection comes first (cached, shared by all gateways), so nothing starts early.
 */
export async function gatherLive(client: OpenShell, gateways: Iterable<string>): Promise<Map<string, LiveGateway>> {
  const names = [...new Set(gateways)]
  const entries = await Promise.all(
    names.map(async (gateway): Promise<[string, LiveGateway]> => {
      await client.detect()
      const [health, list] = await Promise.all([
        probeGateway(client, gateway),
        readWhenRegistered(client, gateway, () => client.sandboxList(gateway)),
      ])
      return [gateway, liveGateway(health, list)]
    }),
  )
  return new Map(entries)
}
