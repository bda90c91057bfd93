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
interface InferenceRecord {
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

type Refusal = Extract<InferencePlan, {refused: true}>
type FoundProvider = Extract<ProviderDetail, {found: true}>
type Route = {provider: string; model: string}

/** What every step of the plan reads: the request, the facts, and what follows from them. */
interface PlanContext {
  req: InferenceRequest
  facts: InferenceFacts
  /** The credential key the provider must hold (the requested env name, else the placeholder key). */
  credentialKey: string
  /** The gateway's route now (null: none configured). */
  route: Route | null
  /** The registry records on the request's gateway. */
  onGateway: InferenceRecord[]
  /** The other sandboxes on the gateway (live or recorded), sorted. */
  others: string[]
}

/** The provider half of a plan that goes ahead. */
interface ProviderPlan {
  refused: false
  provider: 'create' | 'update' | 'keep'
  changes: string[]
  removeCredentials: string[]
  previous?: {endpoint?: string; credential: CredentialSpec}
  /** The provider holds an endpoint the request does not: set its key to '' to remove it. */
  clearEndpoint: boolean
}

function planContext(req: InferenceRequest, facts: InferenceFacts): PlanContext {
  const route =
    facts.route.configured && facts.route.provider
      ? {model: facts.route.model ?? '', provider: facts.route.provider}
      : null
  const onGateway = facts.records.filter((r) => r.gateway === req.gateway)
  const others = [...new Set([...facts.live, ...onGateway.map((r) => r.name)])].filter((n) => n !== req.sandbox).sort()
  return {credentialKey: req.credentialEnv ?? facts.placeholderKey, facts, onGateway, others, req, route}
}

function conflictOf(ctx: PlanContext, changes: string[], affected: string[]): Conflict {
  return {
    affected,
    changes,
    gateway: ctx.req.gateway,
    requested: {model: ctx.req.model, provider: ctx.req.providerName},
    route: ctx.route,
  }
}

export function planInference(req: InferenceRequest, facts: InferenceFacts): InferencePlan {
  const ctx = planContext(req, facts)
  const provider = facts.provider.found ? planProvider(ctx, facts.provider) : newProvider()
  if (provider.refused) return provider
  return planRoute(ctx, provider)
}

function newProvider(): ProviderPlan {
  return {changes: [], clearEndpoint: false, provider: 'create', refused: false, removeCredentials: []}
}

/** The provider exists: refuse a type change, else what to change on it, refused when that reaches others. */
function planProvider(ctx: PlanContext, p: FoundProvider): ProviderPlan | Refusal {
  const {req, facts, credentialKey} = ctx
  if (p.type.trim().toLowerCase() !== req.type.toLowerCase()) return typeConflict(ctx, p.type)

  const known = recorded(req, facts)
  const held = [...p.credentialKeys].sort()
  const hasEndpoint = p.configKeys.includes(ENDPOINT_CONFIG_KEY)
  const changes: string[] = []
  if (held.join(',') !== credentialKey) {
    changes.push(
      `provider '${req.providerName}': credential ${credentialText(held, facts.placeholderKey)} → ${credentialText([credentialKey], facts.placeholderKey)}`,
    )
  }

  const endpoint = endpointChange(req, hasEndpoint, known)
  if (endpoint.change !== undefined) changes.push(endpoint.change)
  const unknownEndpoint = endpoint.unknown

  const reached = reachedByProvider(ctx)
  if ((changes.length > 0 || unknownEndpoint) && reached.length > 0 && !req.setInference) {
    const lines =
      unknownEndpoint && changes.length === 0
        ? [
            `provider '${req.providerName}': endpoint (not recorded by nemoclaw; the gateway does not show it) → ${req.endpoint}`,
          ]
        : changes
    return refuse(req, conflictOf(ctx, lines, reached))
  }

  return {
    changes,
    clearEndpoint: req.endpoint === undefined && hasEndpoint,
    provider: changes.length > 0 || unknownEndpoint || reached.length === 0 ? 'update' : 'keep',
    refused: false,
    removeCredentials: held.filter((k) => k !== credentialKey),
    ...(known.known && known.credential
      ? {previous: {credential: known.credential, endpoint: hasEndpoint ? known.endpoint : undefined}}
      : {}),
  }
}

function typeConflict(ctx: PlanContext, heldType: string): Refusal {
  const {req} = ctx
  return {
    conflict: conflictOf(ctx, [`provider '${req.providerName}': type ${heldType} → ${req.type}`], ctx.others),
    message: [
      `Provider '${req.providerName}' on gateway '${req.gateway}' has type '${heldType}', not '${req.type}'. OpenShell cannot change a provider's type, and nemoclaw never deletes a provider.`,
      `If no sandbox uses it, delete it yourself (\`openshell -g ${req.gateway} provider delete ${req.providerName}\`), then run the same onboard again. Nothing was changed.`,
    ].join('\n'),
    refused: true,
    state: 'provider_conflict',
  }
}

/**
 * The endpoint line of a provider change, if any. `unknown`: both the provider and the request have an endpoint,
 * but the registry does not know the held one, so whether it changes cannot be told.
 */
function endpointChange(
  req: InferenceRequest,
  hasEndpoint: boolean,
  known: {known: boolean; endpoint?: string},
): {change?: string; unknown: boolean} {
  const name = req.providerName
  if (req.endpoint !== undefined && !hasEndpoint)
    return {change: `provider '${name}': endpoint ${endpointText(undefined)} → ${req.endpoint}`, unknown: false}
  if (req.endpoint === undefined && hasEndpoint) {
    const from = known.known ? endpointText(known.endpoint) : 'set'
    return {change: `provider '${name}': endpoint ${from} → ${endpointText(undefined)}`, unknown: false}
  }
  if (req.endpoint !== undefined && hasEndpoint) {
    if (!known.known) return {unknown: true}
    if (known.endpoint !== req.endpoint)
      return {change: `provider '${name}': endpoint ${endpointText(known.endpoint)} → ${req.endpoint}`, unknown: false}
  }
  return {unknown: false}
}

/** The other sandboxes a provider change reaches: all of them when the route uses it, else its other users. */
function reachedByProvider(ctx: PlanContext): string[] {
  const {req, route, others, onGateway} = ctx
  const users = onGateway.filter((r) => r.provider === req.providerId && r.name !== req.sandbox).map((r) => r.name)
  return route?.provider === req.providerName ? others : [...new Set(users)].sort()
}

/** The route half: refused when a route change reaches others, else the plan. */
function planRoute(ctx: PlanContext, p: ProviderPlan): InferencePlan {
  const {req, route, others} = ctx
  const routeChanges = route !== null && (route.provider !== req.providerName || route.model !== req.model)
  if (routeChanges && others.length > 0 && !req.setInference) {
    return refuse(
      req,
      conflictOf(
        ctx,
        [`route ${route.provider} / ${route.model} → ${req.providerName} / ${req.model}`, ...p.changes],
        others,
      ),
    )
  }

  const changes = routeChanges
    ? [`route ${route.provider} / ${route.model} → ${req.providerName} / ${req.model}`, ...p.changes]
    : p.changes
  const reverify = p.provider === 'update' && !req.noVerify
  const setRoute = route === null || routeChanges || reverify
  return {
    changes,
    config: requestedConfig(req, p.clearEndpoint),
    credential: req.credentialEnv === undefined ? {placeholder: true} : {env: req.credentialEnv},
    provider: p.provider,
    refused: false,
    removeCredentials: p.provider === 'update' ? p.removeCredentials : [],
    setRoute,
    ...(p.provider === 'update' && p.previous ? {previous: p.previous} : {}),
  }
}

/** The config the provider is set to: the requested endpoint, or '' to remove one it holds but the request lacks. */
function requestedConfig(req: InferenceRequest, clearEndpoint: boolean): Record<string, string> {
  if (req.endpoint !== undefined) return {[ENDPOINT_CONFIG_KEY]: req.endpoint}
  return clearEndpoint ? {[ENDPOINT_CONFIG_KEY]: ''} : {} // '' removes it
}

function refuse(req: InferenceRequest, conflict: Conflict): Refusal {
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
