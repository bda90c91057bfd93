/**
 * gateway: for every gateway the sandboxes live on (or 'nemoclaw' when there are none): registered, active gateway
 * and env overrides, client certificates, answers, trust, version, auth — reported with the lifecycle class and its
 * guidance. Reads the ONE shared live gathering; runs no openshell call of its own.
 */
import {worstClass} from '../../gateway/classes.js'
import type {GatewayHealth} from '../../gateway/health.js'
import {mtlsFiles} from '../../openshell/config.js'
import type {DoctorContext} from '../context.js'
import {statusOfClass, uniqueLines, worstStatus} from '../format.js'
import type {Check, CheckResult, CheckStatus} from '../types.js'

function yes(b: boolean): string {
  return b ? 'yes' : 'no'
}

/** The facts of one gateway, one short line each. */
function gatewayFacts(h: GatewayHealth, env: NodeJS.ProcessEnv): string[] {
  const f = h.facts
  const lines: string[] = []
  lines.push(`  registered: ${f.registered ? `yes (${f.endpoint ?? 'endpoint unknown'})` : 'no'}`)
  const active = f.activeOnDisk ? `'${f.activeOnDisk}'` : '(none)'
  const override = f.envOverride
    ? `; overridden by ${f.envOverride.variable}=${f.envOverride.value}`
    : '; no OPENSHELL_GATEWAY / OPENSHELL_GATEWAY_ENDPOINT override'
  lines.push(`  active gateway: ${active}${override}`)
  if (f.registered) {
    const m = mtlsFiles(h.gateway, env)
    const missing = [m.ca, m.cert, m.key]
      .filter((x) => !x.readable)
      .map((x) => `${x.path} (${x.present ? 'not readable' : 'missing'})`)
    lines.push(
      `  client certificates: ${missing.length === 0 ? `present and readable (${m.dir})` : missing.join(', ')}`,
    )
  }

  if (f.capabilities && f.registered) {
    const s = f.status
    const live = s?.ok && s.value.configured ? s.value : undefined
    const trust =
      h.classId === 'gateway_trust_rotated'
        ? 'rotated (certificate not trusted)'
        : h.answering
          ? 'ok'
          : 'not checked (no answer)'
    lines.push(`  answers: ${yes(h.answering)}; trust: ${trust}`)
    if (live) lines.push(`  version: ${live.version ?? 'unknown'}; auth: ${live.authentication?.status ?? 'unknown'}`)
    if (f.serviceUnit)
      lines.push(
        `  service unit: openshell-gateway.service${f.serviceActive === undefined ? '' : f.serviceActive ? ' (active)' : ' (inactive)'}`,
      )
  }

  return lines
}

export const gatewayCheck: Check<DoctorContext> = {
  id: 'gateway',
  title: 'Gateway',
  async run(ctx): Promise<CheckResult> {
    const [live, records] = await Promise.all([ctx.live(), ctx.records()])
    const first = [...live.values()][0]?.health
    if (first && (first.classId === 'openshell_missing' || first.classId === 'openshell_unsupported')) {
      return {
        classId: first.classId,
        detail: `No gateway can be asked: ${first.guidance.diagnosis} (see the openshell check)`,
        status: 'skip',
      }
    }

    const blocks: Array<{status: CheckStatus; lines: string[]; steps: string[]}> = []
    for (const [name, {health}] of live) {
      const used = records.some((r) => r.gateway === name)
      let status = statusOfClass(health.classId)
      // Nothing lives on an unregistered gateway yet: onboarding will create it.
      if (health.classId === 'gateway_not_configured' && !used) status = 'warn'
      const lines = [`'${name}' [${health.classId}]: ${health.guidance.diagnosis}`, ...gatewayFacts(health, ctx.env)]
      blocks.push({lines, status, steps: status === 'pass' ? [] : health.guidance.steps})
    }

    // The worst gateway first: its diagnosis is the check's headline.
    const order: CheckStatus[] = ['fail', 'warn', 'pass', 'skip']
    blocks.sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status))
    const statuses = blocks.map((b) => b.status)
    const detail = blocks.flatMap((b) => b.lines)
    const fixes = blocks.flatMap((b) => b.steps)

    const result: CheckResult = {
      classId: worstClass([...live.values()].map((l) => l.health.classId)),
      detail: detail.join('\n'),
      status: worstStatus(statuses),
    }
    const fix = uniqueLines(fixes)
    if (fix.length > 0) result.fix = fix.join('\n')
    return result
  },
}
