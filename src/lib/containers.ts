/**
 * The one place that runs the container runtime (`docker` / `podman`): does one answer (onboard's preflight and
 * doctor's container-runtime check). Read-only: nemoclaw never starts, stops or removes a container.
 */
import {runProcess} from './openshell/runner.js'

export type RuntimeTool = 'docker' | 'podman'
export const RUNTIME_TOOLS: readonly RuntimeTool[] = ['docker', 'podman']

/** The longest a runtime probe may take, whatever the probe timeout. */
export const MAX_RUNTIME_TIMEOUT_MS = 10_000

export interface RuntimeAnswer {
  tool: RuntimeTool
  ok: boolean
  /** One line for humans: `docker 20.10.24 answers`, `podman: not installed`, `docker info: exit 1: …`. */
  line: string
}

/** `<tool> info --format <version>`, bounded. */
export async function probeRuntime(tool: RuntimeTool, env: NodeJS.ProcessEnv, timeoutMs = MAX_RUNTIME_TIMEOUT_MS): Promise<RuntimeAnswer> {
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
export async function answeringRuntime(env: NodeJS.ProcessEnv, timeoutMs = MAX_RUNTIME_TIMEOUT_MS): Promise<RuntimeTool | undefined> {
  return (await probeRuntimes(env, timeoutMs)).find((a) => a.ok)?.tool
}
