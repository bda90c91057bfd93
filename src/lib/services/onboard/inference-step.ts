/**
 * Onboard's inference step: read the gateway's provider, route and sandboxes (before any change), decide with
 * planInference (inference.ts) what may change, then create or update the provider and set the route. A refused or
 * failed change registers nothing; an updated provider whose route could not be set is put back.
 */
import {
  ENDPOINT_CONFIG_KEY,
  type InferenceFacts,
  type InferencePlan,
  type InferenceRequest,
  planInference,
} from '../../inference.js'
import {type OpenShell, PLACEHOLDER_CREDENTIAL} from '../../openshell/client.js'
import {parseInferenceVerifyFailure} from '../../openshell/parsers.js'
import type {CredentialSpec, SandboxList} from '../../openshell/types.js'
import {load} from '../../registry/index.js'
import {type OnboardInput, PROVIDERS, type ProviderId} from './input.js'
import {fail, type OnboardFailure, type Step, type Update} from './steps.js'

/** The gateway's provider for this onboard's provider id. */
export const providerNameOf = (input: OnboardInput): string => `nemoclaw-${input.provider}`

type Planned = Extract<InferencePlan, {refused: false}>

/** What the inference step hands on: the sandbox list it read before any change, and the route now set. */
export interface InferenceValue {
  listed: SandboxList
  route: {provider: string; model: string}
}

/** Set up the gateway's inference for this sandbox; hands on the sandbox list read first and the route now set. */
export async function configureInference(
  client: OpenShell,
  input: OnboardInput,
  update: Update,
): Promise<Step<InferenceValue>> {
  const providerName = providerNameOf(input)
  const request = inferenceRequest(input, providerName)
  const read = await readInference(client, input, request)
  if (!read.ok) return {failure: read.failure, ok: false}
  const {facts, listed} = read.value
  let plan = planInference(request, facts)
  if (!plan.refused && plan.provider === 'create') {
    const created = await createProvider(client, input, request, facts, plan, update)
    if (!created.ok) return {failure: created.failure, ok: false}
    plan = created.value
  }

  if (plan.refused) return fail(plan.state, plan.message, {conflict: plan.conflict})
  if (plan.provider === 'update') {
    update(`updating provider '${providerName}'`)
    const updated = await client.providerUpdate({
      config: plan.config,
      credential: plan.credential,
      gateway: input.gateway,
      name: providerName,
      removeCredentials: plan.removeCredentials,
    })
    if (!updated.ok) return fail('unknown', `Could not update provider '${providerName}': ${updated.failure.message}`)
  }

  if (plan.setRoute) {
    const refused = await setRoute(client, input, request, plan, update)
    if (refused) return {failure: refused, ok: false}
  }

  const did = plan.setRoute || plan.provider !== 'keep' ? '' : ' (already set)'
  return {
    note: [`${providerName} / ${input.model}${did}`, ...plan.changes].join('; '),
    ok: true,
    value: {listed, route: {model: input.model, provider: providerName}},
  }
}

function inferenceRequest(input: OnboardInput, providerName: string): InferenceRequest {
  const spec = PROVIDERS[input.provider]
  return {
    credentialEnv: input.credentialEnv,
    endpoint: input.endpointUrl ?? ('endpoint' in spec ? spec.endpoint : undefined),
    gateway: input.gateway,
    model: input.model,
    noVerify: input.noVerify === true,
    providerId: input.provider,
    providerName,
    sandbox: input.name,
    setInference: input.setInference === true,
    type: spec.type,
  }
}

/** Everything the decision needs, read before any change: the provider, the route, the live sandboxes, the registry. */
async function readInference(
  client: OpenShell,
  input: OnboardInput,
  request: InferenceRequest,
): Promise<Step<{facts: InferenceFacts; listed: SandboxList}>> {
  const gw = input.gateway
  const providerName = request.providerName
  const [provider, route, listed, registryNow] = await Promise.all([
    client.providerGet(providerName, gw),
    client.inferenceGet(gw),
    client.sandboxList(gw),
    load({env: client.env}),
  ])
  if (!provider.ok) return fail('unknown', `Could not read provider '${providerName}': ${provider.failure.message}`)
  if (!route.ok) return fail('unknown', `Could not read the inference route: ${route.failure.message}`)
  if (!listed.ok) return fail('unknown', `Could not list sandboxes: ${listed.failure.message}`)
  const facts: InferenceFacts = {
    defaultEndpoint: (id) => {
      const p = PROVIDERS[id as ProviderId]
      return p && 'endpoint' in p ? p.endpoint : undefined
    },
    live: listed.value.sandboxes.map((sb) => sb.name),
    placeholderKey: PLACEHOLDER_CREDENTIAL.name,
    provider: provider.value,
    records: registryNow.problem
      ? []
      : Object.values(registryNow.registry.sandboxes).map((r) => ({
          ...r,
          model: r.model ?? '',
          provider: r.provider ?? '',
        })),
    route: route.value,
  }
  return {note: '', ok: true, value: {facts, listed: listed.value}}
}

/** Create the provider; one created meanwhile (another onboard) is decided on again as the gateway holds it now. */
async function createProvider(
  client: OpenShell,
  input: OnboardInput,
  request: InferenceRequest,
  facts: InferenceFacts,
  plan: Planned,
  update: Update,
): Promise<Step<InferencePlan>> {
  const {gateway, providerName} = request
  update(`creating provider '${providerName}'`)
  const created = await client.providerCreate({
    config: plan.config,
    credentialEnv: input.credentialEnv,
    gateway,
    name: providerName,
    type: request.type,
  })
  if (created.ok) return {note: '', ok: true, value: plan}
  if (!/already exists/i.test(`${created.failure.message} ${created.failure.evidence.lines.join(' ')}`)) {
    return fail('unknown', `Could not create provider '${providerName}': ${created.failure.message}`)
  }

  const again = await client.providerGet(providerName, gateway)
  if (!again.ok || !again.value.found)
    return fail('unknown', `Could not create provider '${providerName}': ${created.failure.message}`)
  return {note: '', ok: true, value: planInference(request, {...facts, provider: again.value})}
}

/** `inference set`; on failure nothing is registered, and what the provider holds now is said (an updated one goes back). */
async function setRoute(
  client: OpenShell,
  input: OnboardInput,
  request: InferenceRequest,
  plan: Planned,
  update: Update,
): Promise<OnboardFailure | undefined> {
  const {gateway, providerName} = request
  update(`inference set --provider ${providerName} --model ${input.model}${input.noVerify ? ' --no-verify' : ''}`)
  const set = await client.inferenceSet({
    gateway,
    model: input.model,
    noVerify: input.noVerify === true,
    provider: providerName,
  })
  if (set.ok) return undefined
  const after =
    plan.provider === 'create'
      ? `Provider '${providerName}' stays on the gateway, unused (no route, no sandbox); the next onboard updates it.`
      : plan.provider === 'update'
        ? await putBack(client, providerName, gateway, plan, request.endpoint)
        : ''
  const verify = set.run ? parseInferenceVerifyFailure(`${set.run.stderr}\n${set.run.stdout}`) : undefined
  if (!verify)
    return {
      classId: 'unknown',
      message: [`Could not set inference: ${set.failure.message}`, after].filter(Boolean).join('\n'),
    }
  return {
    classId: 'inference_unverified',
    message: [
      `The gateway could not verify the inference endpoint ${verify.url} (provider '${verify.provider}', model '${verify.model}'): ${verify.error}.`,
      `Nothing was registered, and no sandbox was created or changed. ${after}`.trim(),
      'Start the endpoint or correct --endpoint-url, then run the same onboard again; or add --no-verify to save the route without the check.',
    ].join('\n'),
    verification: verify,
  }
}

/**
 * After a failed `inference set`, put an updated provider back to what the registry says it held (when it knows),
 * so that a sandbox already using it keeps working. Returns one line saying what the provider holds now.
 */
async function putBack(
  client: OpenShell,
  name: string,
  gateway: string,
  plan: Planned,
  endpoint: string | undefined,
): Promise<string> {
  const asked = endpoint ?? '(provider default)'
  const prev = plan.previous
  if (!prev) return `Provider '${name}' now holds ${asked}: what it held before is not recorded by nemoclaw.`
  const keyOf = (c: CredentialSpec): string => ('env' in c ? c.env : PLACEHOLDER_CREDENTIAL.name)
  const credentialChanged = keyOf(prev.credential) !== keyOf(plan.credential)
  const canRestoreCredential =
    credentialChanged && ('placeholder' in prev.credential || Boolean(client.env[prev.credential.env]))
  const config: Record<string, string> =
    ENDPOINT_CONFIG_KEY in plan.config ? {[ENDPOINT_CONFIG_KEY]: prev.endpoint ?? ''} : {}
  if (Object.keys(config).length === 0 && !canRestoreCredential)
    return `Provider '${name}' keeps the credential ${keyOf(plan.credential)}.`
  const r = await client.providerUpdate({
    config,
    ...(canRestoreCredential ? {credential: prev.credential, removeCredentials: [keyOf(plan.credential)]} : {}),
    gateway,
    name,
  })
  if (!r.ok) return `Provider '${name}' now holds ${asked}; putting it back failed: ${r.failure.message}`
  const kept =
    credentialChanged && !canRestoreCredential
      ? ` (its credential stays ${keyOf(plan.credential)}: ${keyOf(prev.credential)} is not set here)`
      : ''
  return `Provider '${name}' was put back to ${prev.endpoint ?? '(provider default)'}${kept}.`
}
