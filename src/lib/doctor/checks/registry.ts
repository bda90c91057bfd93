/**
 * registry: readable, schema version, permissions (0600 files, 0700 directory), corrupt files set aside earlier,
 * records whose gateway is not registered with OpenShell. Read-only; `doctor --fix` applies the safe fixes.
 */
import {listRegisteredGateways, sanitiseGatewayName} from '../../openshell/config.js'
import {checkPermissions, listCorruptFiles, REGISTRY_VERSION} from '../../registry/index.js'
import type {DoctorContext} from '../context.js'
import type {Check, CheckResult} from '../types.js'

export const registryCheck: Check<DoctorContext> = {
  id: 'registry',
  title: 'Sandbox registry',
  async run(ctx): Promise<CheckResult> {
    const reg = await ctx.registry()
    const env = ctx.env
    const [perms, corrupt] = await Promise.all([checkPermissions({env}), listCorruptFiles({env}).catch(() => [])])
    if (reg.problem) {
      const p = reg.problem
      return {
        detail: [p.message, ...p.issues.slice(0, 5).map((i) => `  ${i}`)].join('\n'),
        fix: p.canSetAside
          ? '`nemoclaw doctor --fix` (moves the file aside intact and starts an empty registry)'
          : `Inspect ${p.path} by hand (nemoclaw will not move it).`,
        status: 'fail',
      }
    }

    const count = Object.keys(reg.registry.sandboxes).length
    const format =
      reg.format === 'missing'
        ? 'not created yet'
        : reg.format === 'legacy'
          ? `legacy format (read as version ${REGISTRY_VERSION}; upgraded on the next write)`
          : `schema version ${reg.registry.version}`
    const lines = [`${reg.path}: ${format}, ${count} record(s)`]
    const warnings: string[] = []
    const fixes: string[] = []
    for (const f of perms) {
      warnings.push(f.message)
      fixes.push(`chmod ${f.expected.toString(8).padStart(4, '0')} ${f.path}`)
    }

    for (const c of corrupt) warnings.push(`Set aside earlier (unreadable registry; its records are in it): ${c.path}`)
    if (corrupt.length > 0)
      fixes.push(
        `Look at the set-aside file(s) and re-onboard what you still need (\`nemoclaw onboard --name NAME\`); remove them when done.`,
      )

    const known = new Set(listRegisteredGateways(env))
    const unknown = Object.values(reg.registry.sandboxes).filter((r) => !known.has(sanitiseGatewayName(r.gateway)))
    for (const r of unknown)
      warnings.push(`Record '${r.name}' lives on gateway '${r.gateway}', which OpenShell does not have registered.`)
    if (unknown.length > 0) fixes.push('`nemoclaw onboard` (registers the gateway again); see the gateway check.')

    if (perms.length > 0) fixes.unshift('`nemoclaw doctor --fix` (fixes the permissions)')
    if (warnings.length === 0)
      return {detail: ['The registry is readable and private.', ...lines].join('\n'), status: 'pass'}
    return {detail: [...warnings, ...lines].join('\n'), fix: fixes.join('\n'), status: 'warn'}
  },
}
