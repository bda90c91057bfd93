/**
 * The shared context of one doctor run. Everything expensive is computed once, lazily, and shared by every check
 * that needs it: the registry read, the openshell detection (cached by the client), and ONE live gathering
 * (probe + `sandbox list` per gateway, see reconcile/gather.ts) used by the gateway, sandboxes and inference checks.
 * Nothing here writes anything.
 */
import {probeRuntimes, type RuntimeAnswer} from '../containers.js'
import {OpenShell} from '../openshell/client.js'
import {defaultTimeout} from '../openshell/runner.js'
import type {LiveGateway, RecordRef} from '../reconcile/decide.js'
import {gatherLive} from '../reconcile/gather.js'
import {LEGACY_GATEWAY, load, type LoadResult} from '../registry/index.js'

interface DoctorOptions {
  env: NodeJS.ProcessEnv
  /** nemoclaw's install root (oclif config.root). */
  root: string
  /** nemoclaw's version (package.json). */
  version: string
  /** `engines.node` of nemoclaw's package.json. */
  nodeRange?: string
  /** Use this binary instead of resolving `openshell` (tests). */
  openshellBinary?: string
}

export interface DoctorContext {
  readonly options: DoctorOptions
  readonly env: NodeJS.ProcessEnv
  readonly client: OpenShell
  /** Probe timeout in ms (NEMOCLAW_PROBE_TIMEOUT_MS or the default). */
  readonly probeTimeoutMs: number
  registry(): Promise<LoadResult>
  /** Every registry record as {name, gateway} (empty when the registry is unreadable). */
  records(): Promise<RecordRef[]>
  /** The gateways to diagnose: the distinct gateways of the records, or 'nemoclaw' when there are none. */
  gateways(): Promise<string[]>
  /** One live gathering for all gateways, shared by every check. */
  live(): Promise<Map<string, LiveGateway>>
  /** Docker's and Podman's answers to `info`, asked once (bounded by the probe timeout). */
  runtimes(): Promise<RuntimeAnswer[]>
}

function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined
  return () => {
    p ??= fn()
    return p
  }
}

export function createContext(options: DoctorOptions): DoctorContext {
  const env = options.env
  const client = new OpenShell({binary: options.openshellBinary, env})
  const registry = once(() => load({env}))
  const records = once(async () => {
    const r = await registry()
    return Object.values(r.registry.sandboxes).map((s) => ({gateway: s.gateway, name: s.name}))
  })
  const gateways = once(async () => {
    const names = [...new Set((await records()).map((r) => r.gateway))].sort()
    return names.length > 0 ? names : [LEGACY_GATEWAY]
  })
  const live = once(async () => gatherLive(client, await gateways()))
  const probeTimeoutMs = defaultTimeout('probe', env)
  const runtimes = once(() => probeRuntimes(env, probeTimeoutMs))
  return {client, env, gateways, live, options, probeTimeoutMs, records, registry, runtimes}
}
