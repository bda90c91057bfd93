/**
 * Onboarding, as one listr2 list: preflight → gateway (reuse a healthy one untouched; otherwise only the recovery
 * planner's safe steps, or a first-time start/registration) → inference → sandbox → policies → register.
 *
 * Safety: the registry is written once, at the end, atomically; an interrupted run leaves it as it was and a
 * re-run picks up the sandbox that already exists. Secrets are passed to openshell by NAME only (`--credential
 * NVIDIA_API_KEY`); their values stay in the environment of the child. One onboard per sandbox name at a time.
 */
import {mkdirSync, statSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import lockfile from 'proper-lockfile'

import {answeringRuntime} from './containers.js'
import {isEnvName, positiveNumberEnv} from './env.js'
import {type ClassId, EXIT_CODES, renderGuidance} from './gateway/classes.js'
import {type GatewayHealth, isLoopbackHost, localityOf} from './gateway/health.js'
import {recoverGateway, waitHealthy} from './gateway/recover.js'
import {waitTimeoutMs} from './gateway/planner.js'
import {probeGateway, startGatewayService} from './gateway/probe.js'
import {type Conflict, ENDPOINT_CONFIG_KEY, type InferenceFacts, type InferencePlan, type InferenceRequest, planInference} from './inference.js'
import {type OpenShell, PLACEHOLDER_CREDENTIAL} from './openshell/client.js'
import {localServiceEndpoint, localTlsBundle} from './openshell/config.js'
import {parseInferenceVerifyFailure} from './openshell/parsers.js'
import type {CredentialSpec, InferenceVerifyFailure, SandboxList, SandboxPhase} from './openshell/types.js'
import {load, registerOnboarded, registryPaths, type SandboxRecord, validateGatewayName, validateSandboxName} from './registry/index.js'
import {backoff, poll} from './poll.js'
import {runSteps, type StepSpec, type TaskVerdict} from './ui/tasks.js'

export const PROVIDERS = {
  anthropic: {credentialEnv: 'ANTHROPIC_API_KEY', model: 'claude-sonnet-4-5', type: 'anthropic'},
  custom: {credentialEnv: undefined, model: undefined, type: 'openai'},
  nvidia: {credentialEnv: 'NVIDIA_API_KEY', model: 'nvidia/nemotron-3-super-120b-a12b', type: 'nvidia'},
  ollama: {credentialEnv: undefined, endpoint: 'http://host.openshell.internal:11434/v1', model: undefined, type: 'openai'},
  openai: {credentialEnv: 'OPENAI_API_KEY', model: 'gpt-5-mini', type: 'openai'},
  vllm: {credentialEnv: undefined, endpoint: 'http://host.openshell.internal:8000/v1', model: undefined, type: 'openai'},
} as const satisfies Record<string, {credentialEnv?: string; model?: string; type: string; endpoint?: string}>

export type ProviderId = keyof typeof PROVIDERS
export const PROVIDER_IDS = Object.keys(PROVIDERS) as ProviderId[]
export const DEFAULT_SOURCE = 'openclaw'

export function presetsDir(): string {
  // dist/lib/onboard.js → <package>/presets
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'presets')
}

export const POLICY_PRESETS = ['discord', 'github', 'huggingface', 'npm', 'pypi', 'slack', 'telegram'] as const

export interface OnboardInput {
  name: string
  gateway: string
  source: string
  provider: ProviderId
  model: string
  endpointUrl?: string
  credentialEnv?: string
  policies: string[]
  recreate: boolean
  /** Allow a change of the gateway's inference (route or shared provider) that reaches other sandboxes. */
  setInference?: boolean
  /** `inference set --no-verify`: the gateway does not check the endpoint before saving the route. */
  noVerify?: boolean
}

/**
 * Onboard's own refusals (exit 2), beside the lifecycle classes: a shared inference change not asked for, a
 * provider of another type, an endpoint the gateway could not verify.
 */
export type OnboardRefusal = 'inference_in_use' | 'provider_conflict' | 'inference_unverified'
export const REFUSAL_EXIT = 2
const REFUSALS: ReadonlySet<string> = new Set<OnboardRefusal>(['inference_in_use', 'inference_unverified', 'provider_conflict'])

export interface OnboardResult {
  ok: boolean
  classId: ClassId | OnboardRefusal
  exitCode: number
  message: string
  record?: SandboxRecord
  gatewayReused: boolean
  sandboxReused: boolean
  /** The gateway's inference route after a successful onboard. */
  inference?: {provider: string; model: string}
  /** Why a change of the gateway's inference was refused (inference_in_use, provider_conflict). */
  conflict?: Conflict
  /** What the gateway said when it could not verify the endpoint (inference_unverified). */
  verification?: InferenceVerifyFailure
  steps: Array<{title: string; ok: boolean; note?: string}>
}

export class OnboardError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly classId: ClassId | 'invalid_input' | 'busy' = 'invalid_input',
  ) {
    super(message)
  }
}

/** Hosts that are this machine: loopback, and `host.openshell.internal` (the name sandboxes have for it). */
function isThisMachine(hostname: string): boolean {
  return isLoopbackHost(hostname) || hostname.toLowerCase() === 'host.openshell.internal'
}

/**
 * --endpoint-url reaches `openshell provider create` argv and the registry, so it must carry no secret: no
 * `user:password@`, no query string (an OpenAI-compatible base URL has none; `?key=…` / `?sig=…` is where keys hide)
 * and no fragment. The refusal never quotes the URL. Plain http:// to another machine is only warned about.
 */
function checkEndpointUrl(raw: string): string[] {
  let url: URL | undefined
  try {
    url = raw.length <= 2048 ? new URL(raw) : undefined
  } catch {
    url = undefined
  }

  if (!url || !['http:', 'https:'].includes(url.protocol)) throw new OnboardError('--endpoint-url must be an http(s) URL (at most 2048 characters).', 2)
  const key = 'pass the key with --credential-env NAME (the environment variable that holds it), never in the URL'
  if (url.username !== '' || url.password !== '') throw new OnboardError(`--endpoint-url must not contain credentials (user:key@): ${key}.`, 2)
  if (url.search !== '' || url.hash !== '') {
    throw new OnboardError(`--endpoint-url must be a base URL without a query string or fragment (tokens such as ?api_key=… are refused): ${key}.`, 2)
  }

  if (url.protocol === 'http:' && !isThisMachine(url.hostname)) {
    return [`--endpoint-url uses plain http to ${url.host}, which is not this machine: prompts and the key travel unencrypted. Use https:// if the server offers it.`]
  }

  return []
}

/**
 * Checks that need no openshell call: name, provider settings, credentials present, presets known. Returns the
 * warnings (the run proceeds); throws OnboardError (exit 2) on a refusal.
 */
export function validateInput(input: OnboardInput, env: NodeJS.ProcessEnv): string[] {
  const check = validateSandboxName(input.name)
  if (!check.ok) throw new OnboardError(check.reason, 2)
  const gatewayCheck = validateGatewayName(input.gateway)
  if (!gatewayCheck.ok) throw new OnboardError(gatewayCheck.reason, 2)
  if (!input.model || input.model.length > 200) throw new OnboardError('--model is required (at most 200 characters).', 2)
  const warnings = input.endpointUrl === undefined ? [] : checkEndpointUrl(input.endpointUrl)

  if (input.credentialEnv !== undefined) {
    if (!isEnvName(input.credentialEnv, {maxLength: 128})) {
      throw new OnboardError('--credential-env takes the NAME of an environment variable (e.g. NVIDIA_API_KEY), never the key itself.', 2)
    }

    if (!env[input.credentialEnv]) throw new OnboardError(`Set ${input.credentialEnv} in your environment first: export ${input.credentialEnv}=<your key>`, 2)
  }

  for (const p of input.policies) {
    if (!(POLICY_PRESETS as readonly string[]).includes(p)) throw new OnboardError(`Unknown policy preset '${p.slice(0, 40)}'. Presets: ${POLICY_PRESETS.join(', ')}.`, 2)
  }

  if (input.source.length === 0 || input.source.length > 1024) throw new OnboardError('--from must not be empty (at most 1024 characters).', 2)
  return warnings
}

function readyTimeoutMs(env: NodeJS.ProcessEnv): number {
  return positiveNumberEnv(env, 'NEMOCLAW_SANDBOX_READY_TIMEOUT_MS') ?? 300_000
}

const NAME_LOCK_STALE_MS = 10_000
const NAME_LOCK_UPDATE_MS = 2000

function mtimeOf(file: string): number | undefined {
  try {
    return statSync(file).mtimeMs
  } catch {
    return undefined
  }
}

/**
 * Hold a per-name lock for the whole onboard: a second onboard of the same name fails clearly, within one refresh
 * interval. A live holder refreshes the lock every NAME_LOCK_UPDATE_MS; a lock that is not refreshed belongs to a
 * run that was killed (kill -9, OOM): wait until it turns stale and take it, instead of calling a dead run busy.
 */
async function lockName(name: string, env: NodeJS.ProcessEnv): Promise<() => Promise<void>> {
  const {home} = registryPaths({env})
  const dir = path.join(home, 'locks')
  mkdirSync(dir, {mode: 0o700, recursive: true})
  const file = path.join(dir, `onboard-${name}`)
  const busy = () => new OnboardError(`Another \`nemoclaw onboard\` for '${name}' is running. Wait for it to finish, then run \`nemoclaw status ${name}\`.`, 4, 'busy')
  let firstSeen: number | undefined
  const attempt = async (): Promise<(() => Promise<void>) | undefined> => {
    try {
      return await lockfile.lock(file, {realpath: false, retries: 0, stale: NAME_LOCK_STALE_MS, update: NAME_LOCK_UPDATE_MS})
    } catch (error) {
      if ((error as {code?: string}).code !== 'ELOCKED') throw busy()
      const mtime = mtimeOf(`${file}.lock`)
      firstSeen ??= mtime
      if (mtime !== undefined && mtime !== firstSeen) throw busy() // refreshed: its holder is alive
      return undefined
    }
  }

  const release = await poll(attempt, (r) => r !== undefined, {delays: backoff(250, 1, 250), timeoutMs: NAME_LOCK_STALE_MS + NAME_LOCK_UPDATE_MS})
  if (!release) throw busy()
  return release
}

export async function onboard(client: OpenShell, input: OnboardInput, opts: {silent?: boolean} = {}): Promise<OnboardResult> {
  const env = client.env
  validateInput(input, env)
  const loaded = await load({env})
  const existing = loaded.problem ? undefined : loaded.registry.sandboxes[input.name]
  if (existing && existing.gateway !== input.gateway) {
    throw new OnboardError(`Sandbox '${input.name}' is already registered on gateway '${existing.gateway}'. Use another --name, or --gateway ${existing.gateway}.`, 2)
  }

  const unlock = await lockName(input.name, env)
  const result: OnboardResult = {classId: 'ok', exitCode: 0, gatewayReused: false, message: '', ok: false, sandboxReused: false, steps: []}
  let health: GatewayHealth | undefined
  let runtime: string | undefined
  let failClass: ClassId | OnboardRefusal | undefined
  let failMessage = ''
  const providerName = `nemoclaw-${input.provider}`
  /** The sandbox list read before any change (the inference step); the sandbox step starts from it. */
  let listedBefore: SandboxList | undefined

  const failWith = (classId: ClassId | OnboardRefusal, message: string): TaskVerdict => {
    failClass = classId
    failMessage = message
    return {note: classId === 'unknown' ? message.split('\n')[0] : classId, ok: false}
  }

  const steps: StepSpec<object>[] = [
    {
      async run() {
        const d = await client.detect()
        if (!d.ok) {
          const h = await probeGateway(client, input.gateway)
          return failWith(h.classId, renderGuidance(h.guidance))
        }

        if (d.value.unsupported) {
          const h = await probeGateway(client, input.gateway)
          return failWith('openshell_unsupported', renderGuidance(h.guidance))
        }

        runtime = await answeringRuntime(env)
        const notes = [`openshell ${d.value.version.raw}`, runtime ? `${runtime} answers` : 'no container runtime answered']
        if (loaded.problem) notes.push('registry unreadable: it will be set aside')
        return {note: notes.join(', '), ok: true}
      },
      title: 'Preflight',
    },
    {
      async run(_c, update) {
        health = await probeGateway(client, input.gateway)
        if (health.classId === 'ok') {
          result.gatewayReused = true
          return {note: `Reusing healthy gateway '${input.gateway}'`, ok: true}
        }

        // a gateway on this machine needs a container runtime; a remote or cloud one does not
        const local = health.classId === 'gateway_not_configured' || ['local', 'local-other'].includes(localityOf(health.facts))
        if (local && !runtime && health.classId !== 'gateway_other_active' && health.classId !== 'gateway_trust_rotated') {
          return failWith(health.classId, `${renderGuidance(health.guidance)}\nAlso: no container runtime answered (\`docker info\` / \`podman info\`); a local OpenShell gateway needs one.`)
        }

        if (health.classId === 'gateway_not_configured') {
          update('first install: setting up the gateway')
          health = await firstInstall(client, input.gateway, health)
        } else {
          update(`${health.classId}: running safe recovery steps`)
          const report = await recoverGateway(client, health, {silent: true})
          health = report.after
          for (const s of report.steps) result.steps.push({note: s.note, ok: s.ok, title: s.title})
        }

        if (health.classId !== 'ok') return failWith(health.classId, renderGuidance(health.guidance))
        return {note: `gateway '${input.gateway}' is healthy`, ok: true}
      },
      title: `Gateway '${input.gateway}'`,
    },
    {
      async run(_c, update) {
        // Everything the decision needs, read before any change: the provider, the route, the live sandboxes.
        const gw = input.gateway
        const [provider, route, listed, registryNow] = await Promise.all([client.providerGet(providerName, gw), client.inferenceGet(gw), client.sandboxList(gw), load({env})])
        if (!provider.ok) return failWith('unknown', `Could not read provider '${providerName}': ${provider.failure.message}`)
        if (!route.ok) return failWith('unknown', `Could not read the inference route: ${route.failure.message}`)
        if (!listed.ok) return failWith('unknown', `Could not list sandboxes: ${listed.failure.message}`)
        listedBefore = listed.value
        const spec = PROVIDERS[input.provider]
        const request: InferenceRequest = {
          credentialEnv: input.credentialEnv,
          endpoint: input.endpointUrl ?? ('endpoint' in spec ? spec.endpoint : undefined),
          gateway: gw,
          model: input.model,
          noVerify: input.noVerify === true,
          providerId: input.provider,
          providerName,
          sandbox: input.name,
          setInference: input.setInference === true,
          type: spec.type,
        }
        const facts: InferenceFacts = {
          defaultEndpoint: (id) => {
            const p = PROVIDERS[id as ProviderId]
            return p && 'endpoint' in p ? p.endpoint : undefined
          },
          live: listed.value.sandboxes.map((sb) => sb.name),
          placeholderKey: PLACEHOLDER_CREDENTIAL.name,
          provider: provider.value,
          records: registryNow.problem ? [] : Object.values(registryNow.registry.sandboxes).map((r) => ({...r, model: r.model ?? '', provider: r.provider ?? ''})),
          route: route.value,
        }
        let plan = planInference(request, facts)
        if (!plan.refused && plan.provider === 'create') {
          update(`creating provider '${providerName}'`)
          const created = await client.providerCreate({config: plan.config, credentialEnv: input.credentialEnv, gateway: gw, name: providerName, type: spec.type})
          if (!created.ok && !/already exists/i.test(`${created.failure.message} ${created.failure.evidence.lines.join(' ')}`)) {
            return failWith('unknown', `Could not create provider '${providerName}': ${created.failure.message}`)
          }

          if (!created.ok) {
            // created meanwhile (another onboard): decide again on what the gateway holds now
            const again = await client.providerGet(providerName, gw)
            if (!again.ok || !again.value.found) return failWith('unknown', `Could not create provider '${providerName}': ${created.failure.message}`)
            plan = planInference(request, {...facts, provider: again.value})
          }
        }

        if (plan.refused) {
          result.conflict = plan.conflict
          return failWith(plan.state, plan.message)
        }

        if (plan.provider === 'update') {
          update(`updating provider '${providerName}'`)
          const updated = await client.providerUpdate({config: plan.config, credential: plan.credential, gateway: gw, name: providerName, removeCredentials: plan.removeCredentials})
          if (!updated.ok) return failWith('unknown', `Could not update provider '${providerName}': ${updated.failure.message}`)
        }

        if (plan.setRoute) {
          update(`inference set --provider ${providerName} --model ${input.model}${input.noVerify ? ' --no-verify' : ''}`)
          const set = await client.inferenceSet({gateway: gw, model: input.model, noVerify: input.noVerify === true, provider: providerName})
          if (!set.ok) {
            // Nothing is registered. What the provider holds now: a new one stays unused; an updated one goes back.
            const after = plan.provider === 'create'
              ? `Provider '${providerName}' stays on the gateway, unused (no route, no sandbox); the next onboard updates it.`
              : plan.provider === 'update' ? await putBack(client, providerName, gw, plan, request.endpoint) : ''
            const verify = set.run ? parseInferenceVerifyFailure(`${set.run.stderr}\n${set.run.stdout}`) : undefined
            if (!verify) return failWith('unknown', [`Could not set inference: ${set.failure.message}`, after].filter(Boolean).join('\n'))
            result.verification = verify
            return failWith('inference_unverified', [
              `The gateway could not verify the inference endpoint ${verify.url} (provider '${verify.provider}', model '${verify.model}'): ${verify.error}.`,
              `Nothing was registered, and no sandbox was created or changed. ${after}`.trim(),
              'Start the endpoint or correct --endpoint-url, then run the same onboard again; or add --no-verify to save the route without the check.',
            ].join('\n'))
          }
        }

        result.inference = {model: input.model, provider: providerName}
        const did = plan.setRoute || plan.provider !== 'keep' ? '' : ' (already set)'
        return {note: [`${providerName} / ${input.model}${did}`, ...plan.changes].join('; '), ok: true}
      },
      title: 'Inference',
    },
    {
      async run(_c, update) {
        // the inference step listed them before changing anything (and nothing created a sandbox since)
        const live = listedBefore?.sandboxes.find((s) => s.name === input.name)
        if (live && input.recreate) {
          update(`--recreate: deleting sandbox '${input.name}'`)
          const del = await client.sandboxDelete(input.name, input.gateway)
          if (!del.ok && del.failure.kind !== 'sandbox_not_found') return failWith('unknown', `Could not delete sandbox for --recreate: ${del.failure.message}`)
        }

        if (live && !input.recreate) {
          result.sandboxReused = true
          if (live.phase === 'Ready') return {note: `reusing existing sandbox '${input.name}' (Ready)`, ok: true}
        } else {
          update(`creating from ${input.source}`)
          const created = await client.sandboxCreate({from: input.source, gateway: input.gateway, name: input.name, providers: [providerName]})
          if (!created.ok && created.failure.kind !== 'sandbox_exists') return failWith('unknown', `Could not create sandbox '${input.name}': ${created.failure.message}`)
        }

        const phase = await waitReady(client, input.name, input.gateway, readyTimeoutMs(env), update)
        if (phase === 'Ready') return {note: result.sandboxReused ? `reusing '${input.name}' (Ready)` : 'Ready', ok: true}
        return failWith(phase === 'Error' ? 'sandbox_error' : 'sandbox_not_ready', `Sandbox '${input.name}' did not become Ready (last phase: ${phase ?? 'unknown'}). Run \`nemoclaw logs ${input.name}\`, then run the same onboard again.`)
      },
      title: `Sandbox '${input.name}'`,
    },
    {
      async run() {
        if (input.policies.length === 0) return {note: 'no presets requested', skipped: true}
        for (const p of input.policies) {
           
          const r = await client.policySet({file: path.join(presetsDir(), `${p}.yaml`), gateway: input.gateway, sandbox: input.name, wait: true})
          if (!r.ok) return failWith('unknown', `Policy preset '${p}' failed: ${r.failure.message}`)
        }

        return {note: input.policies.join(', '), ok: true}
      },
      title: 'Policies',
    },
    {
      async run() {
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
        result.record = r.value.record
        const aside = r.setAside ? `; ${r.setAside.message}` : ''
        const also = r.value.alsoChanged.length > 0 ? `; the gateway's inference is now also recorded for ${r.value.alsoChanged.join(', ')}` : ''
        return {note: `${registryPaths({env}).file}${also}${aside}`, ok: true}
      },
      title: 'Register',
    },
  ]

  try {
    const run = await runSteps({}, steps.map((s) => ({...s, fatal: true})), {silent: opts.silent})
    result.ok = run.ok
  } finally {
    await unlock().catch(() => {})
  }

  if (!result.ok) {
    result.classId = failClass ?? 'unknown'
    result.exitCode = REFUSALS.has(result.classId) ? REFUSAL_EXIT : EXIT_CODES[result.classId as ClassId]
    result.message = failMessage
  } else {
    result.message = `Sandbox '${input.name}' is Ready on gateway '${input.gateway}'. Connect with: nemoclaw connect ${input.name}`
  }

  return result
}

/**
 * After a failed `inference set`, put an updated provider back to what the registry says it held (when it knows),
 * so that a sandbox already using it keeps working. Returns one line saying what the provider holds now.
 */
async function putBack(client: OpenShell, name: string, gateway: string, plan: Extract<InferencePlan, {refused: false}>, endpoint: string | undefined): Promise<string> {
  const asked = endpoint ?? '(provider default)'
  const prev = plan.previous
  if (!prev) return `Provider '${name}' now holds ${asked}: what it held before is not recorded by nemoclaw.`
  const keyOf = (c: CredentialSpec): string => ('env' in c ? c.env : PLACEHOLDER_CREDENTIAL.name)
  const credentialChanged = keyOf(prev.credential) !== keyOf(plan.credential)
  const canRestoreCredential = credentialChanged && ('placeholder' in prev.credential || Boolean(client.env[prev.credential.env]))
  const config: Record<string, string> = ENDPOINT_CONFIG_KEY in plan.config ? {[ENDPOINT_CONFIG_KEY]: prev.endpoint ?? ''} : {}
  if (Object.keys(config).length === 0 && !canRestoreCredential) return `Provider '${name}' keeps the credential ${keyOf(plan.credential)}.`
  const r = await client.providerUpdate({
    config,
    ...(canRestoreCredential ? {credential: prev.credential, removeCredentials: [keyOf(plan.credential)]} : {}),
    gateway,
    name,
  })
  if (!r.ok) return `Provider '${name}' now holds ${asked}; putting it back failed: ${r.failure.message}`
  const kept = credentialChanged && !canRestoreCredential ? ` (its credential stays ${keyOf(plan.credential)}: ${keyOf(prev.credential)} is not set here)` : ''
  return `Provider '${name}' was put back to ${prev.endpoint ?? '(provider default)'}${kept}.`
}

/** No gateway registered under this name yet: legacy starts one; modern registers the local gateway service. */
async function firstInstall(client: OpenShell, gateway: string, health: GatewayHealth): Promise<GatewayHealth> {
  const env = client.env
  const caps = health.facts.capabilities
  if (caps?.generation === 'legacy') {
    const started = await client.gatewayStart(gateway)
    if (!started.ok) return health
    return waitHealthy(client, gateway, waitTimeoutMs(env), true)
  }

  if (health.facts.serviceUnit) {
    await startGatewayService(env)
  }

  if (!localTlsBundle(env).complete) return health
  const added = await client.gatewayAdd(localServiceEndpoint(env), {local: true, name: gateway})
  if (!added.ok) return health
  return waitHealthy(client, gateway, waitTimeoutMs(env), health.facts.serviceUnit)
}

/** Bounded backoff poll of the gateway's sandbox list until the sandbox is Ready (or Error). */
async function waitReady(client: OpenShell, name: string, gateway: string, timeoutMs: number, update: (s: string) => void): Promise<SandboxPhase | undefined> {
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
