/** container runtime: does `docker info` / `podman info` answer (bounded), for local gateways. */
import {readGatewayMetadata} from '../../openshell/config.js'
import {runProcess} from '../../openshell/runner.js'
import type {DoctorContext} from '../context.js'
import type {Check, CheckResult} from '../types.js'

const MAX_TIMEOUT_MS = 10_000

async function ask(tool: 'docker' | 'podman', ctx: DoctorContext): Promise<{tool: string; ok: boolean; line: string}> {
  const format = tool === 'docker' ? '{{.ServerVersion}}' : '{{.Version.Version}}'
  const timeoutMs = Math.min(ctx.probeTimeoutMs, MAX_TIMEOUT_MS)
  const run = await runProcess(tool, ['info', '--format', format], {env: ctx.env, timeoutMs})
  if (run.spawnError) return {line: `${tool}: not installed`, ok: false, tool}
  if (run.timedOut) return {line: `${tool} info: no answer within ${timeoutMs} ms`, ok: false, tool}
  if (run.exitCode !== 0) {
    const first = [...run.stderr.split('\n'), ...run.stdout.split('\n')].map((l) => l.trim()).find(Boolean)
    return {line: `${tool} info: exit ${run.exitCode}${first ? `: ${first}` : ''}`, ok: false, tool}
  }

  return {line: `${tool} ${run.stdout.trim() || '(version unknown)'} answers`, ok: true, tool}
}

export const containerCheck: Check<DoctorContext> = {
  id: 'container-runtime',
  title: 'Container runtime (docker / podman)',
  async run(ctx): Promise<CheckResult> {
    const gateways = await ctx.gateways()
    const local = gateways.filter((g) => readGatewayMetadata(g, ctx.env)?.isRemote !== true)
    if (local.length === 0) return {detail: 'Every gateway is remote; no local container runtime is needed.', status: 'skip'}
    const answers = await Promise.all([ask('docker', ctx), ask('podman', ctx)])
    const lines = answers.map((a) => a.line)
    if (answers.some((a) => a.ok)) return {detail: [`A container runtime answers.`, ...lines].join('\n'), status: 'pass'}
    return {
      detail: ['No container runtime answers (a local gateway runs its sandboxes in one).', ...lines].join('\n'),
      fix: 'Start Docker: `sudo systemctl start docker` (Docker Desktop: start the app; Podman: `podman machine start` or `systemctl --user start podman.socket`).',
      status: 'warn',
    }
  },
}
