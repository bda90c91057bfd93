/**
 * Checks contributed by installed plugins through the custom oclif hook event `doctor:checks`.
 *
 * The contract (documented for plugin authors in docs/PLUGINS.md):
 *
 *   hook receives   {doctor: {apiVersion: 1, nemoclawVersion: string}, config, context}   (config/context: oclif's)
 *   hook returns    PluginCheck | PluginCheck[] | undefined
 *   PluginCheck     {id: string, title: string, run(ctx: PluginCheckContext): CheckResult | Promise<CheckResult>}
 *   CheckResult     {status: 'pass' | 'warn' | 'fail' | 'skip', detail: string, fix?: string}
 *
 * nemoclaw validates what comes back: a malformed check or result, a throw, or a hook that fails to load becomes a
 * failing check (never a crash); every `run` is bounded by the probe timeout (a hung check fails as
 * `probe_timeout`). Output is redacted like everything else doctor prints.
 */
import type {Config} from '@oclif/core'

import type {DoctorContext} from './context.js'
import type {Check, CheckResult} from './types.js'

export const DOCTOR_HOOK = 'doctor:checks'
export const PLUGIN_API_VERSION = 1

/** What a plugin check's `run` receives: read-only facts, no nemoclaw internals. */
export interface PluginCheckContext {
  apiVersion: typeof PLUGIN_API_VERSION
  nemoclawVersion: string
  /** The environment doctor runs in (never print values of secrets). */
  env: NodeJS.ProcessEnv
  /** Gateways doctor diagnoses (distinct gateways of the registry, or 'nemoclaw'). */
  gateways: string[]
  /** Registered sandboxes (empty when the registry is unreadable). */
  sandboxes: Array<{name: string; gateway: string}>
  openshell: {path?: string; version?: string; generation?: string}
  /** A plugin check should finish well within this; doctor fails it after this long. */
  timeoutMs: number
}

export interface PluginCheck {
  id: string
  title: string
  run: (ctx: PluginCheckContext) => CheckResult | Promise<CheckResult>
}

export interface DoctorHookOptions {
  doctor: {apiVersion: typeof PLUGIN_API_VERSION; nemoclawVersion: string}
}

const STATUSES = new Set(['pass', 'warn', 'fail', 'skip'])
const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/

function isCheck(v: unknown): v is PluginCheck {
  if (!v || typeof v !== 'object') return false
  const c = v as Record<string, unknown>
  return typeof c.id === 'string' && ID_RE.test(c.id) && typeof c.title === 'string' && typeof c.run === 'function'
}

function validResult(v: unknown): CheckResult | undefined {
  if (!v || typeof v !== 'object') return undefined
  const r = v as Record<string, unknown>
  if (typeof r.status !== 'string' || !STATUSES.has(r.status) || typeof r.detail !== 'string') return undefined
  if (r.fix !== undefined && typeof r.fix !== 'string') return undefined
  const out: CheckResult = {detail: r.detail, status: r.status as CheckResult['status']}
  if (typeof r.fix === 'string' && r.fix !== '') out.fix = r.fix
  return out
}

async function pluginContext(ctx: DoctorContext): Promise<PluginCheckContext> {
  const [gateways, sandboxes, detected] = await Promise.all([ctx.gateways(), ctx.records(), ctx.client.detect()])
  const resolved = ctx.client.resolve()
  return {
    apiVersion: PLUGIN_API_VERSION,
    env: ctx.env,
    gateways,
    nemoclawVersion: ctx.options.version,
    openshell: {
      generation: detected.ok ? detected.value.generation : undefined,
      path: resolved.ok ? resolved.path : undefined,
      version: detected.ok ? detected.value.version.raw : undefined,
    },
    sandboxes: sandboxes.map((s) => ({...s})),
    timeoutMs: ctx.probeTimeoutMs,
  }
}

function bounded<T>(p: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined
  const t = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms)
    timer.unref()
  })
  return Promise.race([p, t]).finally(() => clearTimeout(timer))
}

const TIMED_OUT = Symbol('timed out')

/** Wrap a plugin's check: validated result, bounded run, errors become a failing result. */
export function wrapPluginCheck(plugin: string, check: PluginCheck): Check<DoctorContext> {
  return {
    id: check.id,
    title: `${check.title} (plugin ${plugin})`,
    async run(ctx) {
      try {
        const pctx = await pluginContext(ctx)
        const r = await bounded(
          Promise.resolve().then(() => check.run(pctx)),
          ctx.probeTimeoutMs,
        )
        if (r === TIMED_OUT) {
          return {
            classId: 'probe_timeout',
            detail: `Check '${check.id}' of plugin ${plugin} did not finish within ${ctx.probeTimeoutMs} ms.`,
            fix: `nemoclaw plugins uninstall ${plugin}  (or report it to the plugin's author)`,
            status: 'fail',
          }
        }

        return (
          validResult(r) ?? {
            detail: `Check '${check.id}' of plugin ${plugin} returned an invalid result (expected {status, detail, fix?}).`,
            fix: `Report it to the author of ${plugin}.`,
            status: 'fail',
          }
        )
      } catch (error) {
        return {
          detail: `Check '${check.id}' of plugin ${plugin} threw: ${error instanceof Error ? error.message : String(error)}`,
          fix: `Report it to the author of ${plugin}.`,
          status: 'fail',
        }
      }
    },
  }
}

export interface CollectedPluginChecks {
  checks: Array<Check<DoctorContext>>
  /** The `plugins` check: what was collected and which hooks failed. */
  summary: Check<DoctorContext>
}

/** Run the `doctor:checks` hook of every installed plugin and turn what they return into checks. */
export async function collectPluginChecks(
  config: Config,
  takenIds: Set<string>,
  timeoutMs: number,
): Promise<CollectedPluginChecks> {
  const opts: DoctorHookOptions = {doctor: {apiVersion: PLUGIN_API_VERSION, nemoclawVersion: config.version}}
  const problems: string[] = []
  const checks: Array<Check<DoctorContext>> = []
  const sources: string[] = []
  let result: Awaited<ReturnType<Config['runHook']>>
  try {
    result = await config.runHook(DOCTOR_HOOK as never, opts as never, timeoutMs, true)
  } catch (error) {
    result = {failures: [{error: error as Error, plugin: {name: '(unknown)'} as never}], successes: []}
  }

  for (const f of result.failures)
    problems.push(`plugin ${f.plugin.name}: the ${DOCTOR_HOOK} hook failed: ${f.error.message}`)
  for (const s of result.successes) {
    const plugin = s.plugin.name
    const raw = s.result as unknown
    if (raw === undefined || raw === null) continue
    const list = Array.isArray(raw) ? raw : [raw]
    for (const item of list) {
      if (!isCheck(item)) {
        problems.push(`plugin ${plugin}: ignored a check that is not {id, title, run} (id must match ${ID_RE.source})`)
        continue
      }

      const id = takenIds.has(item.id) ? `${plugin}:${item.id}` : item.id
      if (takenIds.has(id)) {
        problems.push(`plugin ${plugin}: duplicate check id '${item.id}' ignored`)
        continue
      }

      takenIds.add(id)
      sources.push(`${id} (${plugin})`)
      checks.push(wrapPluginCheck(plugin, {...item, id}))
    }
  }

  const summary: Check<DoctorContext> = {
    id: 'plugins',
    title: 'Plugin checks',
    run(): CheckResult {
      const head =
        sources.length === 0
          ? 'No installed plugin contributes doctor checks.'
          : `${sources.length} check(s) from plugins: ${sources.join(', ')}`
      if (problems.length === 0) return {detail: head, status: 'pass'}
      return {
        detail: [problems[0], head, ...problems.slice(1)].join('\n'),
        fix: '`nemoclaw plugins` to see installed plugins; update or uninstall the failing one (`nemoclaw plugins uninstall NAME`).',
        status: 'fail',
      }
    },
  }
  return {checks, summary}
}
