/**
 * The onboard service, as one task list: preflight → gateway (reuse a healthy one untouched; otherwise only the
 * recovery planner's safe steps, or a first install) → inference → sandbox → policies → register. Each task calls one
 * step function (steps.ts, inference-step.ts) with what the steps before it handed on.
 *
 * Safety: the registry is written once, at the end, atomically; an interrupted run leaves it as it was and a
 * re-run picks up the sandbox that already exists. Secrets are passed to openshell by NAME only (`--credential
 * NVIDIA_API_KEY`); their values stay in the environment of the child. One onboard per sandbox name at a time.
 */
import {type ClassId, EXIT_CODES} from '../../gateway/classes.js'
import type {Conflict} from '../../inference.js'
import type {OpenShell} from '../../openshell/client.js'
import type {InferenceVerifyFailure} from '../../openshell/types.js'
import {load, type SandboxRecord} from '../../registry/index.js'
import {runSteps, type StepSpec, type TaskVerdict} from '../../ui/tasks.js'
import {configureInference, type InferenceValue, providerNameOf} from './inference-step.js'
import {OnboardError, type OnboardInput, validateInput} from './input.js'
import {lockName} from './lock.js'
import {
  applyPolicies,
  type OnboardFailure,
  type OnboardRefusal,
  preflight,
  prepareGateway,
  prepareSandbox,
  type RecoveryNote,
  register,
  type Step,
  type Update,
} from './steps.js'

export {
  DEFAULT_SOURCE,
  OnboardError,
  type OnboardInput,
  POLICY_PRESETS,
  PROVIDER_IDS,
  PROVIDERS,
  type ProviderId,
  validateInput,
} from './input.js'
export {type OnboardFlags, resolveInput} from './resolve.js'
export type {OnboardRefusal} from './steps.js'

const REFUSAL_EXIT = 2
const REFUSALS: ReadonlySet<string> = new Set<OnboardRefusal>([
  'inference_in_use',
  'inference_unverified',
  'provider_conflict',
])

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
  steps: RecoveryNote[]
}

/** What each step hands on (its Step value), by step. */
interface Values {
  preflight: {runtime?: string}
  gateway: {reused: boolean; recovery: RecoveryNote[]}
  inference: InferenceValue
  sandbox: {reused: boolean}
  policies: object
  register: {record: SandboxRecord}
}

/** The task list's context: what the steps handed on so far, and why the run stopped. */
type Progress = {[K in keyof Values]?: Partial<Values[K]>} & {failure?: OnboardFailure}

/** A task that runs one step and keeps what it hands on under `key`. */
function task<K extends keyof Values>(
  key: K,
  title: string,
  step: (p: Progress, update: Update) => Promise<Step<Values[K]>>,
): StepSpec<Progress> {
  return {
    fatal: true,
    async run(p, update): Promise<TaskVerdict> {
      const s = await step(p, update)
      if (s.value) p[key] = s.value as Progress[K]
      if (!s.ok) {
        p.failure = s.failure
        return {note: s.failure.classId === 'unknown' ? s.failure.message.split('\n')[0] : s.failure.classId, ok: false}
      }

      return s.skipped ? {note: s.note, skipped: true} : {note: s.note, ok: true}
    },
    title,
  }
}

function onboardTasks(
  client: OpenShell,
  input: OnboardInput,
  existing: SandboxRecord | undefined,
  registryUnreadable: boolean,
): StepSpec<Progress>[] {
  const providerName = providerNameOf(input)
  return [
    task('preflight', 'Preflight', () => preflight(client, input.gateway, registryUnreadable)),
    task('gateway', `Gateway '${input.gateway}'`, (p, update) =>
      prepareGateway(client, input.gateway, p.preflight?.runtime, update),
    ),
    task('inference', 'Inference', (_p, update) => configureInference(client, input, update)),
    task('sandbox', `Sandbox '${input.name}'`, (p, update) =>
      prepareSandbox(client, input, providerName, p.inference?.listed, update),
    ),
    task('policies', 'Policies', () => applyPolicies(client, input)),
    task('register', 'Register', () => register(input, existing, client.env)),
  ]
}

function resultOf(input: OnboardInput, ok: boolean, p: Progress): OnboardResult {
  const {failure} = p
  const classId = ok ? 'ok' : (failure?.classId ?? 'unknown')
  return {
    classId,
    conflict: failure?.conflict,
    exitCode: ok ? 0 : REFUSALS.has(classId) ? REFUSAL_EXIT : EXIT_CODES[classId as ClassId],
    gatewayReused: p.gateway?.reused ?? false,
    inference: p.inference?.route,
    message: ok
      ? `Sandbox '${input.name}' is Ready on gateway '${input.gateway}'. Connect with: nemoclaw connect ${input.name}`
      : (failure?.message ?? ''),
    ok,
    record: p.register?.record,
    sandboxReused: p.sandbox?.reused ?? false,
    steps: p.gateway?.recovery ?? [],
    verification: failure?.verification,
  }
}

/**
 * Ctrl-C while onboarding: say why the registry is consistent and exit 130 (the registry is written only by the last
 * step, atomically).
 */
async function withInterruptNotice<T>(run: () => Promise<T>): Promise<T> {
  let interrupted = false
  const onSigint = () => {
    interrupted = true
    process.stderr.write(
      '\nInterrupted. The registry is written only by the last step, atomically, so it is consistent; run the same command again to finish.\n',
    )
    process.exit(130)
  }

  process.once('SIGINT', onSigint)
  try {
    return await run()
  } finally {
    process.removeListener('SIGINT', onSigint)
    if (interrupted) process.exitCode = 130
  }
}

/** Onboard one sandbox; throws OnboardError for a refusal before anything runs (input, another gateway, busy). */
export async function onboard(
  client: OpenShell,
  input: OnboardInput,
  opts: {silent?: boolean} = {},
): Promise<OnboardResult> {
  return withInterruptNotice(async () => {
    const env = client.env
    validateInput(input, env)
    const loaded = await load({env})
    const existing = loaded.problem ? undefined : loaded.registry.sandboxes[input.name]
    if (existing && existing.gateway !== input.gateway) {
      throw new OnboardError(
        `Sandbox '${input.name}' is already registered on gateway '${existing.gateway}'. Use another --name, or --gateway ${existing.gateway}.`,
        2,
      )
    }

    const unlock = await lockName(input.name, env)
    const progress: Progress = {}
    try {
      const run = await runSteps(progress, onboardTasks(client, input, existing, Boolean(loaded.problem)), {
        silent: opts.silent,
      })
      return resultOf(input, run.ok, progress)
    } finally {
      await unlock().catch(() => {})
    }
  })
}
