/**
 * From the command's flags to onboard's input: in a terminal (not --json, not --non-interactive, not --yes) the
 * missing name, provider and model are asked for; otherwise defaults per provider, and a value still missing is a
 * refusal naming its flag (OnboardError `missing_flag`, exit 2). The prompts are loaded only when asked.
 */
import {canAsk} from '../../cli/confirm.js'
import {validateSandboxName} from '../../registry/index.js'
import {OnboardError, type OnboardInput, PROVIDER_IDS, PROVIDERS, type ProviderId} from './input.js'

/** The onboard command's flags, as oclif parsed them. */
export interface OnboardFlags {
  'credential-env'?: string
  'endpoint-url'?: string
  from: string
  gateway: string
  json: boolean
  model?: string
  name?: string
  'non-interactive': boolean
  policy?: string[]
  provider?: string
  recreate: boolean
  'set-inference': boolean
  verify: boolean
  yes: boolean
}

const missing = (flag: string): never => {
  throw new OnboardError(`Missing ${flag} (required with --non-interactive or without a terminal).`, 2, 'missing_flag')
}

/** Ask in a terminal for what the flags leave open: the name, the provider, the model. */
async function ask(flags: OnboardFlags): Promise<{name: string; provider: ProviderId; model: string}> {
  const {input, select} = await import('@inquirer/prompts')
  const name =
    flags.name ??
    (await input({
      message: 'Sandbox name',
      validate: (v) => {
        const c = validateSandboxName(v)
        return c.ok ? true : c.reason
      },
    }))
  const provider =
    (flags.provider as ProviderId | undefined) ??
    (await select({
      choices: PROVIDER_IDS.map((p) => ({name: p, value: p})),
      default: 'nvidia',
      message: 'Inference provider',
    }))
  const model = flags.model ?? (await input({default: PROVIDERS[provider].model, message: 'Model', required: true}))
  return {model, name, provider}
}

export async function resolveInput(flags: OnboardFlags): Promise<OnboardInput> {
  const asked =
    canAsk({json: flags.json, nonInteractive: flags['non-interactive']}) && !flags.yes ? await ask(flags) : undefined
  const name = asked?.name ?? flags.name ?? missing('--name')
  const provider = asked?.provider ?? (flags.provider as ProviderId | undefined) ?? 'nvidia'
  const model = asked?.model ?? flags.model ?? PROVIDERS[provider].model ?? missing('--model')
  const spec = PROVIDERS[provider]
  if (provider === 'custom' && flags['endpoint-url'] === undefined) missing('--endpoint-url')
  return {
    credentialEnv: flags['credential-env'] ?? spec.credentialEnv,
    endpointUrl: flags['endpoint-url'],
    gateway: flags.gateway,
    model,
    name,
    noVerify: !flags.verify,
    policies: flags.policy ?? [],
    provider,
    recreate: flags.recreate,
    setInference: flags['set-inference'],
    source: flags.from,
  }
}
