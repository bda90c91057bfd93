/**
 * What onboard is asked to do: the providers and presets it knows, the input it runs on, and the checks that need
 * no openshell call (validateInput). A refusal is an OnboardError (exit 2), before anything runs.
 */
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {isEnvName} from '../../env.js'
import type {ClassId} from '../../gateway/classes.js'
import {isLoopbackHost} from '../../gateway/health.js'
import {validateGatewayName, validateSandboxName} from '../../registry/index.js'

export const PROVIDERS = {
  anthropic: {credentialEnv: 'ANTHROPIC_API_KEY', model: 'claude-sonnet-4-5', type: 'anthropic'},
  custom: {credentialEnv: undefined, model: undefined, type: 'openai'},
  nvidia: {credentialEnv: 'NVIDIA_API_KEY', model: 'nvidia/nemotron-3-super-120b-a12b', type: 'nvidia'},
  ollama: {
    credentialEnv: undefined,
    endpoint: 'http://host.openshell.internal:11434/v1',
    model: undefined,
    type: 'openai',
  },
  openai: {credentialEnv: 'OPENAI_API_KEY', model: 'gpt-5-mini', type: 'openai'},
  vllm: {
    credentialEnv: undefined,
    endpoint: 'http://host.openshell.internal:8000/v1',
    model: undefined,
    type: 'openai',
  },
} as const satisfies Record<string, {credentialEnv?: string; model?: string; type: string; endpoint?: string}>

export type ProviderId = keyof typeof PROVIDERS
export const PROVIDER_IDS = Object.keys(PROVIDERS) as ProviderId[]
export const DEFAULT_SOURCE = 'openclaw'

export function presetsDir(): string {
  // dist/lib/services/onboard/input.js → <package>/presets
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'presets')
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

export class OnboardError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly classId: ClassId | 'invalid_input' | 'busy' | 'missing_flag' = 'invalid_input',
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

  if (!url || !['http:', 'https:'].includes(url.protocol))
    throw new OnboardError('--endpoint-url must be an http(s) URL (at most 2048 characters).', 2)
  const key = 'pass the key with --credential-env NAME (the environment variable that holds it), never in the URL'
  if (url.username !== '' || url.password !== '')
    throw new OnboardError(`--endpoint-url must not contain credentials (user:key@): ${key}.`, 2)
  if (url.search !== '' || url.hash !== '') {
    throw new OnboardError(
      `--endpoint-url must be a base URL without a query string or fragment (tokens such as ?api_key=… are refused): ${key}.`,
      2,
    )
  }

  if (url.protocol === 'http:' && !isThisMachine(url.hostname)) {
    return [
      `--endpoint-url uses plain http to ${url.host}, which is not this machine: prompts and the key travel unencrypted. Use https:// if the server offers it.`,
    ]
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
  if (!input.model || input.model.length > 200)
    throw new OnboardError('--model is required (at most 200 characters).', 2)
  const warnings = input.endpointUrl === undefined ? [] : checkEndpointUrl(input.endpointUrl)

  if (input.credentialEnv !== undefined) {
    if (!isEnvName(input.credentialEnv, {maxLength: 128})) {
      throw new OnboardError(
        '--credential-env takes the NAME of an environment variable (e.g. NVIDIA_API_KEY), never the key itself.',
        2,
      )
    }

    if (!env[input.credentialEnv])
      throw new OnboardError(
        `Set ${input.credentialEnv} in your environment first: export ${input.credentialEnv}=<your key>`,
        2,
      )
  }

  for (const p of input.policies) {
    if (!(POLICY_PRESETS as readonly string[]).includes(p))
      throw new OnboardError(`Unknown policy preset '${p.slice(0, 40)}'. Presets: ${POLICY_PRESETS.join(', ')}.`, 2)
  }

  if (input.source.length === 0 || input.source.length > 1024)
    throw new OnboardError('--from must not be empty (at most 1024 characters).', 2)
  return warnings
}
