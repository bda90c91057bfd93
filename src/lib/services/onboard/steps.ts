/**
 * Onboard's steps, each a function from what the steps before it found to what it hands on (a Step): preflight,
 * gateway, sandbox, policies, register (the inference step is inference-step.ts). Each makes its openshell calls
 * in a fixed order; only register writes the registry, once, atomically.
 */
import path from 'node:path'

import {answeringRuntime} from '../../containers.js'
import {positiveNumberEnv} from '../../env.js'
import {type ClassId, renderGuidance} from '../../gateway/classes.js'
import {recoverGateway} from '../../gateway/execute.js'
import {localityOf} from '../../gateway/health.js'
import {installGateway} from '../../gateway/install.js'
import {probeGateway} from '../../gateway/probe.js'
import type {Conflict} from '../../inference.js'
import type {OpenShell} from '../../openshell/client.js'
import type {InferenceVerifyFailure, SandboxList, SandboxPhase} from '../../openshell/types.js'
import {backoff, poll} from '../../poll.js'
import {registerOnboarded, registryPaths, type SandboxRecord} from '../../registry/index.js'
import {type OnboardInput, presetsDir} from './input.js'

/**
 * Onboard's own refusals (exit 2), beside the lifecycle classes: a shared inference change not asked for, a
 * provider of another type, an endpoint the gateway could not verify.
 */
export type OnboardRefusal = 'inference_in_use' | 'provider_conflict' | 'inference_unverified'

/** Why onboard stops, and what it says; a refused inference change says why (conflict, verification). */
export interface OnboardFailure {
  classId: ClassId | OnboardRefusal
  message: string
  conflict?: Conflict
  verification?: InferenceVerifyFailure
}

/**
 * What a step hands on: its value and the note on its task line (skipped: it had nothing to do); or why onboard
 * stops, with what the step had learned by then.
 */
export type Step<T> =
  {ok: true; value: T; note: string; skipped?: boolean} | {ok: false; failure: OnboardFailure; value?: Partial<T>}

export const fail = <T>(
  classId: ClassId | OnboardRefusal,
  message: string,
  extra: Partial<OnboardFailure> = {},
): Step<T> => ({failure: {...extra, classId, message}, ok: false})

export type Update = (note: string) => void

/** The openshell version (a probe of the gateway says what is wrong when it cannot be used) and a container runtime. */
export async function preflight(
  client: OpenShell,
  gateway: string,
  registryUnreadable: boolean,
): Promise<Step<{runtime?: string}>> {
  const d = await client.detect()
  if (!d.ok) {
    const h = await probeGateway(client, gateway)
    return fail(h.classId, renderGuidance(h.guidance))
  }

  if (d.value.unsupported) {
    const h = await probeGateway(client, gateway)
    return fail('openshell_unsupported', renderGuidance(h.guidance))
  }

  const runtime = await answeringRuntime(client.env)
  const notes = [`openshell ${d.value.version.raw}`, runtime ? `${runtime} answers` : 'no container runtime answered']
  if (registryUnreadable) notes.push('registry unreadable: it will be set aside')
  return {note: notes.join(', '), ok: true, value: {runtime}}
}

/** The recovery steps onboard ran on the gateway, as its result lists them. */
export type RecoveryNote = {title: string; ok: boolean; note?: string}

/** Reuse a healthy gateway untouched; otherwise only the recovery planner's safe steps, or a first install. */
export async function prepareGateway(
  client: OpenShell,
  gateway: string,
  runtime: string | undefined,
  update: Update,
): Promise<Step<{reused: boolean; recovery: RecoveryNote[]}>> {
  let health = await probeGateway(client, gateway)
  if (health.classId === 'ok')
    return {note: `Reusing healthy gateway '${gateway}'`, ok: true, value: {recovery: [], reused: true}}

  // a gateway on this machine needs a container runtime; a remote or cloud one does not
  const local =
    health.classId === 'gateway_not_configured' || ['local', 'local-other'].includes(localityOf(health.facts))
  if (local && !runtime && health.classId !== 'gateway_other_active' && health.classId !== 'gateway_trust_rotated') {
    return fail(
      health.classId,
      `${renderGuidance(health.guidance)}\nAlso: no container runtime answered (\`docker info\` / \`podman info\`); a local OpenShell gateway needs one.`,
    )
  }

  const recovery: RecoveryNote[] = []
  if (health.classId === 'gateway_not_configured') {
    update('first install: setting up the gateway')
    health = await installGateway(client, gateway, health)
  } else {
    update(`${health.classId}: running safe recovery steps`)
    const report = await recoverGateway(client, health, {silent: true})
    health = report.after
    for (const s of report.steps) recovery.push({note: s.note, ok: s.ok, title: s.title})
  }

  if (health.classId !== 'ok')
    return {failure: {classId: health.classId, message: renderGuidance(health.guidance)}, ok: false, value: {recovery}}
  return {note: `gateway '${gateway}' is healthy`, ok: true, value: {recovery, reused: false}}
}

/**
 * The sandbox: deleted first under --recreate, reused when it exists, created otherwise; then a bounded wait until it
 * is Ready. `listed` is the gateway's sandbox list the inference step read before any change (nothing created a
 * sandbox since).
 */
export async function prepareSandbox(
  client: OpenShell,
  input: OnboardInput,
  providerName: string,
  listed: SandboxList | undefined,
  update: Update,
): Promise<Step<{reused: boolean}>> {
  const placed = await placeSandbox(client, input, providerName, listed, update)
  if (!placed.ok) return {failure: placed.failure, ok: false}
  const {ready, reused} = placed.value
  if (ready) return {note: `reusing existing sandbox '${input.name}' (Ready)`, ok: true, value: {reused}}
  const phase = await waitReady(client, input.name, input.gateway, readyTimeoutMs(client.env), update)
  if (phase === 'Ready') return {note: reused ? `reusing '${input.name}' (Ready)` : 'Ready', ok: true, value: {reused}}
  return {
    failure: {
      classId: phase === 'Error' ? 'sandbox_error' : 'sandbox_not_ready',
      message: `Sandbox '${input.name}' did not become Ready (last phase: ${phase ?? 'unknown'}). Run \`nemoclaw logs ${input.name}\`, then run the same onboard again.`,
    },
    ok: false,
    value: {reused},
  }
}

/** Delete it (--recreate), reuse it (`ready` when it is Ready already) or create it. */
async function placeSandbox(
  client: OpenShell,
  input: OnboardInput,
  providerName: string,
  listed: SandboxList | undefined,
  update: Update,
): Promise<Step<{reused: boolean; ready: boolean}>> {
  const live = listed?.sandboxes.find((s) => s.name === input.name)
  if (live && input.recreate) {
    update(`--recreate: deleting sandbox '${input.name}'`)
    const del = await client.sandboxDelete(input.name, input.gateway)
    if (!del.ok && del.failure.kind !== 'sandbox_not_found')
      return fail('unknown', `Could not delete sandbox for --recreate: ${del.failure.message}`)
  }

  if (live && !input.recreate) return {note: '', ok: true, value: {ready: live.phase === 'Ready', reused: true}}
  update(`creating from ${input.source}`)
  const created = await client.sandboxCreate({
    from: input.source,
    gateway: input.gateway,
    name: input.name,
    providers: [providerName],
  })
  if (!created.ok && created.failure.kind !== 'sandbox_exists')
    return fail('unknown', `Could not create sandbox '${input.name}': ${created.failure.message}`)
  return {note: '', ok: true, value: {ready: false, reused: false}}
}

function readyTimeoutMs(env: NodeJS.ProcessEnv): number {
  return positiveNumberEnv(env, 'NEMOCLAW_SANDBOX_READY_TIMEOUT_MS') ?? 300_000
}

/** Bounded backoff poll of the gateway's sandbox list until the sandbox is Ready (or Error). */
async function waitReady(
  client: OpenShell,
  name: string,
  gateway: string,
  timeoutMs: number,
  update: (s: string) => void,
): Promise<SandboxPhase | undefined> {
  let phase: SandboxPhase | undefined
  const list = async () => {
    const l = await client.sandboxList(gateway)
    phase = l.ok ? l.value.sandboxes.find((s) => s.name === name)?.phase : phase
    return phase
  }

  return poll(list, (p) => p === 'Ready' || p === 'Error', {
    delays: backoff(200, 1.5, 2000),
    onWait: (p) => update(`waiting for Ready (${p ?? 'not listed yet'})`),
    timeoutMs,
  })
}

/** The requested network policy presets, one `policy set --wait` each, in order. */
export async function applyPolicies(client: OpenShell, input: OnboardInput): Promise<Step<object>> {
  if (input.policies.length === 0) return {note: 'no presets requested', ok: true, skipped: true, value: {}}
  for (const p of input.policies) {
    const r = await client.policySet({
      file: path.join(presetsDir(), `${p}.yaml`),
      gateway: input.gateway,
      sandbox: input.name,
      wait: true,
    })
    if (!r.ok) return fail('unknown', `Policy preset '${p}' failed: ${r.failure.message}`)
  }

  return {note: input.policies.join(', '), ok: true, value: {}}
}

/** The one registry write: the record (presets merged with those it had), atomically; an unreadable file set aside. */
export async function register(
  input: OnboardInput,
  existing: SandboxRecord | undefined,
  env: NodeJS.ProcessEnv,
): Promise<Step<{record: SandboxRecord}>> {
  const r = await registerOnboarded(
    {
      createdAt: existing?.createdAt ?? new Date().toISOString(),
      credentialEnv: input.credentialEnv ?? null,
      endpointUrl: input.endpointUrl ?? null,
      gateway: input.gateway,
      lastSeen: {at: new Date().toISOString(), phase: 'Ready'},
      model: input.model,
      name: input.name,
      policies: [...new Set([...(existing?.policies ?? []), ...input.policies])].sort(),
      provider: input.provider,
      source: input.source,
    },
    {by: 'nemoclaw onboard', env, makeDefaultIfFirst: true, setAsideCorrupt: true},
  )
  const aside = r.setAside ? `; ${r.setAside.message}` : ''
  const also =
    r.value.alsoChanged.length > 0
      ? `; the gateway's inference is now also recorded for ${r.value.alsoChanged.join(', ')}`
      : ''
  return {note: `${registryPaths({env}).file}${also}${aside}`, ok: true, value: {record: r.value.record}}
}
