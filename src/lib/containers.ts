/**
 * The one place that runs the container runtime (`docker` / `podman`): does one answer (onboard's preflight and
 * doctor's container-runtime check), and which OpenShell sandbox containers it holds (doctor's orphan check).
 * Read-only: nemoclaw never starts, stops or removes a container.
 */
import {runProcess} from './openshell/runner.js'

type RuntimeTool = 'docker' | 'podman'
const RUNTIME_TOOLS: readonly RuntimeTool[] = ['docker', 'podman']

/** The longest a runtime probe may take, whatever the probe timeout. */
const MAX_RUNTIME_TIMEOUT_MS = 10_000

export interface RuntimeAnswer {
  tool: RuntimeTool
  ok: boolean
  /** One line for humans: `docker 20.10.24 answers`, `podman: not installed`, `docker info: exit 1: …`. */
  line: string
}

/** `<tool> info --format <version>`, bounded. */
async function probeRuntime(
  tool: RuntimeTool,
  env: NodeJS.ProcessEnv,
  timeoutMs = MAX_RUNTIME_TIMEOUT_MS,
): Promise<RuntimeAnswer> {
  const format = tool === 'docker' ? '{{.ServerVersion}}' : '{{.Version.Version}}'
  const limit = Math.min(timeoutMs, MAX_RUNTIME_TIMEOUT_MS)
  const run = await runProcess(tool, ['info', '--format', format], {env, timeoutMs: limit})
  if (run.spawnError) return {line: `${tool}: not installed`, ok: false, tool}
  if (run.timedOut) return {line: `${tool} info: no answer within ${limit} ms`, ok: false, tool}
  if (run.exitCode !== 0) {
    const first = [...run.stderr.split('\n'), ...run.stdout.split('\n')].map((l) => l.trim()).find(Boolean)
    return {line: `${tool} info: exit ${run.exitCode}${first ? `: ${first}` : ''}`, ok: false, tool}
  }

  return {line: `${tool} ${run.stdout.trim() || '(version unknown)'} answers`, ok: true, tool}
}

/** Docker and Podman, asked concurrently. */
export function probeRuntimes(env: NodeJS.ProcessEnv, timeoutMs = MAX_RUNTIME_TIMEOUT_MS): Promise<RuntimeAnswer[]> {
  return Promise.all(RUNTIME_TOOLS.map((tool) => probeRuntime(tool, env, timeoutMs)))
}

/** The first runtime that answers (Docker before Podman), if any. */
export async function answeringRuntime(
  env: NodeJS.ProcessEnv,
  timeoutMs = MAX_RUNTIME_TIMEOUT_MS,
): Promise<RuntimeTool | undefined> {
  return (await probeRuntimes(env, timeoutMs)).find((a) => a.ok)?.tool
}

/** The label OpenShell's Docker and Podman drivers put on every sandbox container. */
const MANAGED_LABEL = 'openshell.ai/managed-by=openshell'
/** Where the drivers mount the sandbox's client CA (the gateway's CA) inside the container. */
const SANDBOX_CA_PATH = '/etc/openshell/tls/client/ca.crt'

/** A sandbox container as the runtime describes it (`inspect`), reduced to what says whose it is. */
export interface SandboxContainer {
  /** Short id (12 hex digits), as `docker ps` prints it. */
  id: string
  name: string
  /** running, exited, created, … */
  state: string
  sandboxId?: string
  sandboxName?: string
  namespace?: string
  /** OPENSHELL_ENDPOINT: the gateway endpoint the sandbox's supervisor connects back to. */
  endpoint?: string
  /** Host path mounted as the sandbox's client CA (the CA of the gateway that created it). */
  caSource?: string
}

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)

/** Pure: `docker inspect` / `podman inspect` JSON → sandbox containers; undefined when it is not that JSON. */
export function parseInspect(text: string): SandboxContainer[] | undefined {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    return undefined
  }

  if (!Array.isArray(data)) return undefined
  const out: SandboxContainer[] = []
  for (const item of data) {
    if (!isObject(item)) return undefined
    const id = str(item.Id)
    if (!id) return undefined
    const config = isObject(item.Config) ? item.Config : {}
    const labels = isObject(config.Labels) ? config.Labels : {}
    const env = Array.isArray(config.Env) ? config.Env.filter((e): e is string => typeof e === 'string') : []
    const state = isObject(item.State) ? str(item.State.Status) : undefined
    const c: SandboxContainer = {
      id: id.slice(0, 12),
      name: (str(item.Name) ?? '').replace(/^\//, ''),
      state: state ?? 'unknown',
    }
    const label = (k: string): string | undefined => str(labels[`openshell.ai/${k}`])
    if (label('sandbox-id')) c.sandboxId = label('sandbox-id')
    if (label('sandbox-name')) c.sandboxName = label('sandbox-name')
    if (label('sandbox-namespace')) c.namespace = label('sandbox-namespace')
    const endpoint = env.find((e) => e.startsWith('OPENSHELL_ENDPOINT='))?.slice('OPENSHELL_ENDPOINT='.length)
    if (endpoint) c.endpoint = endpoint
    const mounts = Array.isArray(item.Mounts) ? item.Mounts.filter(isObject) : []
    const caMount = mounts.find((m) => m.Destination === SANDBOX_CA_PATH)
    const binds =
      isObject(item.HostConfig) && Array.isArray(item.HostConfig.Binds)
        ? item.HostConfig.Binds.filter((b): b is string => typeof b === 'string')
        : []
    const caBind = binds.map((b) => b.split(':')).find((parts) => parts[1] === SANDBOX_CA_PATH)
    const caSource = str(caMount?.Source) ?? caBind?.[0]
    if (caSource) c.caSource = caSource
    out.push(c)
  }

  return out
}

export type ContainerListing =
  {ok: true; tool: RuntimeTool; containers: SandboxContainer[]} | {ok: false; reason: string}

/**
 * Every OpenShell sandbox container in `tool` (running or not): one `ps` for the ids, one `inspect` for their
 * labels, environment and mounts. Bounded; read-only.
 */
export async function listSandboxContainers(
  tool: RuntimeTool,
  env: NodeJS.ProcessEnv,
  timeoutMs = MAX_RUNTIME_TIMEOUT_MS,
): Promise<ContainerListing> {
  const limit = Math.min(timeoutMs, MAX_RUNTIME_TIMEOUT_MS)
  const ps = await runProcess(tool, ['ps', '-a', '-q', '--no-trunc', '--filter', `label=${MANAGED_LABEL}`], {
    env,
    timeoutMs: limit,
  })
  if (ps.exitCode !== 0 || ps.timedOut)
    return {
      ok: false,
      reason: `${tool} ps failed: ${ps.timedOut ? `no answer within ${limit} ms` : ps.stderr.trim().split('\n')[0] || `exit ${ps.exitCode}`}`,
    }
  const ids = ps.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
  if (ids.length === 0) return {containers: [], ok: true, tool}
  const inspect = await runProcess(tool, ['inspect', ...ids], {env, timeoutMs: limit})
  const containers = inspect.exitCode === 0 && !inspect.timedOut ? parseInspect(inspect.stdout) : undefined
  if (!containers)
    return {
      ok: false,
      reason: `${tool} inspect failed: ${inspect.timedOut ? `no answer within ${limit} ms` : inspect.stderr.trim().split('\n')[0] || 'unreadable output'}`,
    }
  return {containers, ok: true, tool}
}
