/**
 * What onboard may change on a gateway's inference: its provider `nemoclaw-<id>` and its route. Pure: facts in
 * (`provider get`, `inference get`, the live sandbox names, the registry), a plan or a refusal out.
 *
 * Both are shared. OpenShell's route is workspace-wide (`inference set` applies to every sandbox on the gateway),
 * and every sandbox onboarded with the same provider id uses the same provider object. So a change that would
 * reach another sandbox is refused, naming what would change and for whom, unless the user said `--set-inference`.
 *
 * The gateway never prints a provider's values (`provider get` shows key NAMES only), so the endpoint it holds is
 * known only from the registry: the records of the sandboxes onboarded with that provider. When they are absent or
 * disagree, the endpoint counts as unknown, and an unknown endpoint is never changed under another sandbox's feet.
 */
import type {CredentialSpec, InferenceRoute, ProviderDetail} from './openshell/types.js'

/** The config key nemoclaw sets for an endpoint (OpenAI-compatible provider types). */
export const ENDPOINT_CONFIG_KEY = 'OPENAI_BASE_URL'

export interface InferenceRequest {
  sandbox: string
  gateway: string
  /** nemoclaw's provider id (`custom`, `nvidia`, …) and the gateway's provider name (`nemoclaw-custom`). */
  providerId: string
  providerName: string
  type: string
  model: string
  /** The endpoint the provider must hold (the flag, else the provider id's default), undefined for none. */
  endpoint?: string
  /** undefined: the placeholder credential. */
  credentialEnv?: string
  setInference: boolean
  noVerify: boolean
}

/** What a registry record says about the inference it was onboarded with. */
export interface InferenceRecord {
  name: string
  gateway: string
  provider: string
  model: string
  endpointUrl?: string | null
  credentialEnv?: string | null
}

export interface InferenceFacts {
  provider: ProviderDetail
  route: InferenceRoute
  /** Names of the sandboxes the gateway lists. */
  live: string[]
  records: InferenceRecord[]
  /** The name of the placeholder credential key. */
  placeholderKey: string
  /** The default endpoint of a provider id (ollama, vllm), if it has one. */
  defaultEndpoint: (providerId: string) => string | undefined
}

export interface Conflict {
  gateway: string
  /** The route the gateway has now (null: none configured). */
  route: {provider: string; model: string} | null
  requested: {provider: string; model: string}
  /** What would change, one line each, e.g. `provider 'nemoclaw-custom': endpoint http://a → http://b`. */
  changes: string[]
  /** The other sandboxes the change would reach. */
  affected: string[]
}

export type InferencePlan =
  | {refused: true; state: 'inference_in_use' | 'provider_conflict'; message: string; conflict: Conflict}
  | {
      refused: false
      /** create: the gateway has no such provider; update: set it to the request; keep: it already holds it. */
      provider: 'create' | 'update' | 'keep'
      config: Record<string, string>
      credential: CredentialSpec
      /** Credential keys to remove on update (they are not the requested one). */
      removeCredentials: string[]
      /** What the provider held before an update, when the registry knows it (to put it back if verification fails). */
      previous?: {endpoint?: string; credential: CredentialSpec}
      /** Run `inference set`: the route is missing or different, or the provider it uses just changed (re-verify). */
      setRoute: boolean
      /** One line per change, for the progress note. */
      changes: string[]
    }

const endpointText = (e: string | undefined): string => e ?? '(provider default)'

function credentialText(keys: string[], placeholderKey: string): string {
  if (keys.length === 0) return 'none'
  return keys.map((k) => (k === placeholderKey ? `none (${k})` : k)).join(', ')
}

/** The endpoint and credential the registry says the provider was last set to; undefined fields when unknown. */
function recorded(
  req: InferenceRequest,
  facts: InferenceFacts,
): {known: boolean; endpoint?: string; credential?: CredentialSpec} {
  const users = facts.records.filter((r) => r.gateway === req.gateway && r.provider === req.providerId)
  if (users.length === 0) return {known: false}
  const ends = new Set(users.map((r) => r.endpointUrl ?? facts.defaultEndpoint(req.providerId) ?? ''))
  const creds = new Set(users.map((r) => r.credentialEnv ?? ''))
  if (ends.size !== 1 || creds.size !== 1) return {known: false}
  const endpoint = [...ends][0] || undefined
  const cred = [...creds][0]
  return {credential: cred === '' ? {placeholder: true} : {env: cred}, endpoint, known: true}
}

export function planInference(req: InferenceRequest, facts: InferenceFacts): InferencePlan {
  const credentialKey = req.credentialEnv ?? facts.placeholderKey
  const credential: CredentialSpec = req.credentialEnv === undefined ? {placeholder: true} : {env: req.credentialEnv}
  const config: Record<string, string> = req.endpoint === undefined ? {} : {[ENDPOINT_CONFIG_KEY]: req.endpoint}
  const requested = {model: req.model, provider: req.providerName}
  const route =
    facts.route.configured && facts.route.provider
      ? {model: facts.route.model ?? '', provider: facts.route.provider}
      : null
  const onGateway = facts.records.filter((r) => r.gateway === req.gateway)
  const others = [...new Set([...facts.live, ...onGateway.map((r) => r.name)])].filter((n) => n !== req.sandbox).sort()
  const conflictOf = (changes: string[], affected: string[]): Conflict => ({
    affected,
    changes,
    gateway: req.gateway,
    requested,
    route,
  })

  // ---- the provider ----
  const changes: string[] = []
  let provider: 'create' | 'update' | 'keep' = 'create'
  let removeCredentials: string[] = []
  let previous: {endpoint?: string; credential: CredentialSpec} | undefined
  let unknownEndpoint = false
  if (facts.provider.found) {
    const p = facts.provider
    if (p.type.trim().toLowerCase() !== req.type.toLowerCase()) {
      const conflict = conflictOf([`provider '${req.providerName}': type ${p.type} → ${req.type}`], others)
      return {
        conflict,
        message: [
          `Provider '${req.providerName}' on gateway '${req.gateway}' has type '${p.type}', not '${req.type}'. OpenShell cannot change a provider's type, and nemoclaw never deletes a provider.`,
          `If no sandbox uses it, delete it yourself (\`openshell -g ${req.gateway} provider delete ${req.providerName}\`), then run the same onboard again. Nothing was changed.`,
        ].join('\n'),
        refused: true,
        state: 'provider_conflict',
      }
    }

    const known = recorded(req, facts)
    const held = [...p.credentialKeys].sort()
    if (held.join(',') !== credentialKey) {
      changes.push(
        `provider '${req.providerName}': credential ${credentialText(held, facts.placeholderKey)} → ${credentialText([credentialKey], facts.placeholderKey)}`,
      )
    }

    const hasEndpoint = p.configKeys.includes(ENDPOINT_CONFIG_KEY)
    if (req.endpoint !== undefined && !hasEndpoint)
      changes.push(`provider '${req.providerName}': endpoint ${endpointText(undefined)} → ${req.endpoint}`)
    else if (req.endpoint === undefined && hasEndpoint)
      changes.push(
        `provider '${req.providerName}': endpoint ${known.known ? endpointText(known.endpoint) : 'set'} → ${endpointText(undefined)}`,
      )
    else if (req.endpoint !== undefined && hasEndpoint) {
      if (!known.known) unknownEndpoint = true
      else if (known.endpoint !== req.endpoint)
        changes.push(`provider '${req.providerName}': endpoint ${endpointText(known.endpoint)} → ${req.endpoint}`)
    }

    removeCredentials = held.filter((k) => k !== credentialKey)
    if (req.endpoint === undefined && hasEndpoint) config[ENDPOINT_CONFIG_KEY] = '' // removes it
    if (known.known && known.credential)
      previous = {credential: known.credential, endpoint: hasEndpoint ? known.endpoint : undefined}
    const users = onGateway.filter((r) => r.provider === req.providerId && r.name !== req.sandbox).map((r) => r.name)
    const reached = route?.provider === req.providerName ? others : [...new Set(users)].sort()
    if ((changes.length > 0 || unknownEndpoint) && reached.length > 0 && !req.setInference) {
      const lines =
        unknownEndpoint && changes.length === 0
          ? [
              `provider '${req.providerName}': endpoint (not recorded by nemoclaw; the gateway does not show it) → ${req.endpoint}`,
            ]
          : changes
      return refuse(req, conflictOf(lines, reached))
    }

    provider = changes.length > 0 || unknownEndpoint || reached.length === 0 ? 'update' : 'keep'
  }

  // ---- the route ----
  const routeChanges = route !== null && (route.provider !== req.providerName || route.model !== req.model)
  if (routeChanges && others.length > 0 && !req.setInference) {
    return refuse(
      req,
      conflictOf([`route ${route.provider} / ${route.model} → ${req.providerName} / ${req.model}`, ...changes], others),
    )
  }

  if (routeChanges) changes.unshift(`route ${route.provider} / ${route.model} → ${req.providerName} / ${req.model}`)
  const reverify = provider === 'update' && !req.noVerify
  const setRoute = route === null || routeChanges || reverify
  return {
    changes,
    config,
    credential,
    provider,
    refused: false,
    removeCredentials: provider === 'update' ? removeCredentials : [],
    setRoute,
    ...(provider === 'update' && previous ? {previous} : {}),
  }
}

function refuse(req: InferenceRequest, conflict: Conflict): InferencePlan {
  const current = conflict.route ? `${conflict.route.provider} / ${conflict.route.model}` : 'none'
  return {
    conflict,
    message: [
      `Refusing to change the inference of gateway '${req.gateway}': it is shared by ${conflict.affected.join(', ')} (OpenShell's inference route applies to every sandbox on the gateway).`,
      `  current route: ${current}`,
      `  requested:     ${conflict.requested.provider} / ${conflict.requested.model}`,
      ...conflict.changes.map((c) => `  would change:  ${c}`),
      `Nothing was changed. To change it for every sandbox on '${req.gateway}', run the same onboard with --set-inference; to keep it, onboard with what the gateway holds now (the left side of each change above).`,
    ].join('\n'),
    refused: true,
    state: 'inference_in_use',
  }
}
