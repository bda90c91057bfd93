/** container runtime: does `docker info` / `podman info` answer (bounded), for local gateways. */
import {readGatewayMetadata} from '../../openshell/config.js'
import type {DoctorContext} from '../context.js'
import type {Check, CheckResult} from '../types.js'

export const containerCheck: Check<DoctorContext> = {
  id: 'container-runtime',
  title: 'Container runtime (docker / podman)',
  async run(ctx): Promise<CheckResult> {
    const gateways = await ctx.gateways()
    const local = gateways.filter((g) => readGatewayMetadata(g, ctx.env)?.isRemote !== true)
    if (local.length === 0)
      return {detail: 'Every gateway is remote; no local container runtime is needed.', status: 'skip'}
    const answers = await ctx.runtimes()
    const lines = answers.map((a) => a.line)
    if (answers.some((a) => a.ok))
      return {detail: [`A container runtime answers.`, ...lines].join('\n'), status: 'pass'}
    return {
      detail: ['No container runtime answers (a local gateway runs its sandboxes in one).', ...lines].join('\n'),
      fix: 'Start Docker: `sudo systemctl start docker` (Docker Desktop: start the app; Podman: `podman machine start` or `systemctl --user start podman.socket`).',
      status: 'warn',
    }
  },
}
