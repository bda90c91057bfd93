/** openshell: binary found (and where), its version, whether nemoclaw supports it, and the capabilities in use. */
import {guidanceFor} from '../../gateway/classes.js'
import {classOfFailure, contextFor} from '../../gateway/health.js'
import {NEWEST_KNOWN} from '../../openshell/version.js'
import type {Capabilities} from '../../openshell/types.js'
import type {DoctorContext} from '../context.js'
import {fromGuidance} from '../format.js'
import type {Check, CheckResult} from '../types.js'

function capabilityList(c: Capabilities): string[] {
  const out: string[] = [
    c.legacyLifecycle ? 'gateway start/stop (legacy lifecycle)' : 'gateway add/remove/list (gateway service)',
  ]
  if (c.statusJson) out.push('status -o json')
  out.push(
    c.sandboxListJson
      ? c.sandboxListPaged
        ? 'sandbox list -o json (paged)'
        : 'sandbox list -o json'
      : 'sandbox list (text)',
  )
  out.push(c.gatewayInfoLive ? 'gateway info (live)' : 'gateway info (metadata)')
  return out
}

export const openshellCheck: Check<DoctorContext> = {
  id: 'openshell',
  title: 'OpenShell CLI',
  async run(ctx): Promise<CheckResult> {
    const resolved = ctx.client.resolve()
    const detected = await ctx.client.detect()
    const where = resolved.ok
      ? `${resolved.path} (found via ${resolved.source === 'env' ? 'NEMOCLAW_OPENSHELL_BIN' : resolved.source})`
      : undefined
    if (!detected.ok) {
      const classId = classOfFailure(detected.failure)
      const g = guidanceFor(
        classId,
        contextFor(
          {
            certs: {ca: false, cert: false, key: false},
            gateway: 'nemoclaw',
            localBundle: false,
            registered: false,
            serviceUnit: false,
          },
          detected.failure,
        ),
      )
      const searched = resolved.ok ? [`binary: ${where}`] : [`searched: ${resolved.searched.join(', ')}`]
      return fromGuidance(g, 'fail', [...searched, `error: ${detected.failure.message}`])
    }

    const caps = detected.value
    const lines = [
      `binary: ${where}`,
      `version: ${caps.version.raw} (${caps.generation})`,
      `capabilities in use: ${capabilityList(caps).join('; ')}`,
    ]
    if (caps.unsupported) {
      return fromGuidance(
        guidanceFor('openshell_unsupported', {
          gateway: 'nemoclaw',
          generation: caps.generation,
          version: caps.version.raw,
        }),
        'fail',
        lines,
      )
    }

    if (caps.newerThanKnown) {
      return {
        detail: [
          `openshell ${caps.version.raw} is newer than the newest version nemoclaw knows (${NEWEST_KNOWN}); it is treated as modern.`,
          ...lines,
        ].join('\n'),
        fix: `npm install -g nemoclaw@latest  (or pin the known version: pip install --user openshell==${NEWEST_KNOWN})`,
        status: 'warn',
      }
    }

    return {detail: [`openshell ${caps.version.raw} is supported.`, ...lines].join('\n'), status: 'pass'}
  },
}
