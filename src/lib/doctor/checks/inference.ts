/**
 * inference: each answering gateway has an inference route, and every credential environment variable its
 * providers (and the registry records) name is set in this shell. Only NAMES are shown, never values.
 */
import {PLACEHOLDER_CREDENTIAL} from '../../openshell/client.js'
import type {DoctorContext} from '../context.js'
import {uniqueLines, worstStatus} from '../format.js'
import type {Check, CheckResult, CheckStatus} from '../types.js'

export const inferenceCheck: Check<DoctorContext> = {
  id: 'inference',
  title: 'Inference route and credentials',
  async run(ctx): Promise<CheckResult> {
    const [live, reg] = await Promise.all([ctx.live(), ctx.registry()])
    const answering = [...live.values()].filter((l) => l.health.answering).map((l) => l.health.gateway)
    if (answering.length === 0) return {detail: 'No gateway answers; see the gateway check.', status: 'skip'}
    const records = Object.values(reg.registry.sandboxes)
    const lines: string[] = []
    const fixes: string[] = []
    const statuses: CheckStatus[] = []
    await Promise.all(
      answering.map(async (gw) => {
        const [route, providers] = await Promise.all([ctx.client.inferenceGet(gw), ctx.client.providerList(gw)])
        const g = gw === 'nemoclaw' ? '' : ` -g ${gw}`
        if (!route.ok) {
          statuses.push('warn')
          lines.push(`'${gw}': could not read the inference route: ${route.failure.message}`)
        } else if (route.value.configured) {
          statuses.push('pass')
          lines.push(`'${gw}': route ${route.value.provider ?? '?'} / ${route.value.model ?? '?'}`)
        } else {
          statuses.push('warn')
          lines.push(`'${gw}': no inference route is configured${route.value.error ? ` (${route.value.error})` : ''}`)
          fixes.push(`openshell${g} inference set --provider PROVIDER --model MODEL  (or \`nemoclaw onboard\`)`)
        }

        // credential NAMES: from the providers on the gateway, and from the records of sandboxes on it
        const named = new Map<string, Set<string>>()
        const add = (key: string, by: string): void => {
          const bys = named.get(key) ?? new Set<string>()
          named.set(key, bys)
          bys.add(by)
        }

        // nemoclaw's placeholder (a provider that needs no credential) is not the user's to set
        if (providers.ok)
          for (const p of providers.value)
            for (const k of (p.credentialKeys ?? []).filter((x) => x !== PLACEHOLDER_CREDENTIAL.name))
              add(k, `provider '${p.name}'`)
        else lines.push(`'${gw}': could not list providers: ${providers.failure.message}`)
        for (const r of records)
          if (r.gateway === gw && typeof r.credentialEnv === 'string' && r.credentialEnv !== '')
            add(r.credentialEnv, `sandbox '${r.name}'`)
        for (const [key, by] of [...named].sort(([a], [b]) => a.localeCompare(b))) {
          const set = typeof ctx.env[key] === 'string' && ctx.env[key] !== ''
          statuses.push(set ? 'pass' : 'warn')
          lines.push(`'${gw}': ${key} (named by ${[...by].join(', ')}) is ${set ? 'set' : 'NOT set in this shell'}`)
          if (!set) fixes.push(`export ${key}=<your key>  (needed to re-create the provider or re-onboard)`)
        }
      }),
    )
    lines.sort()
    const status = worstStatus(statuses)
    const head =
      status === 'pass'
        ? 'Inference is routed and the named credentials are set.'
        : (lines.find((l) => /no inference|NOT set|could not/.test(l)) ?? lines[0])
    const r: CheckResult = {detail: uniqueLines([head, ...lines]).join('\n'), status}
    const fix = uniqueLines(fixes)
    if (fix.length > 0) r.fix = fix.join('\n')
    return r
  },
}
