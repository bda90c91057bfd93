import {expect} from 'chai'

import {type InferenceFacts, type InferenceRequest, planInference} from '../../src/lib/inference.js'

const PH = 'NEMOCLAW_PLACEHOLDER_CREDENTIAL'
const req = (over: Partial<InferenceRequest> = {}): InferenceRequest => ({
  endpoint: 'http://b/v1',
  gateway: 'nemoclaw',
  model: 'm1',
  noVerify: false,
  providerId: 'custom',
  providerName: 'nemoclaw-custom',
  sandbox: 'beta',
  setInference: false,
  type: 'openai',
  ...over,
})
const found = (credentialKeys = [PH], configKeys = ['OPENAI_BASE_URL'], type = 'openai') => ({
  configKeys,
  credentialKeys,
  found: true as const,
  name: 'nemoclaw-custom',
  type,
})
const facts = (over: Partial<InferenceFacts> = {}): InferenceFacts => ({
  defaultEndpoint: (id) => (id === 'vllm' ? 'http://host.openshell.internal:8000/v1' : undefined),
  live: [],
  placeholderKey: PH,
  provider: {found: false, name: 'nemoclaw-custom'},
  records: [],
  route: {configured: false},
  ...over,
})
const alpha = {
  credentialEnv: null,
  endpointUrl: 'http://a/v1',
  gateway: 'nemoclaw',
  model: 'm1',
  name: 'alpha',
  provider: 'custom',
}
const routeA = {configured: true, model: 'm1', provider: 'nemoclaw-custom'}

describe('inference: what onboard may change on a gateway', () => {
  it('first onboard: create the provider (placeholder credential, endpoint config) and set the route', () => {
    const p = planInference(req({sandbox: 'alpha'}), facts())
    expect(p).to.deep.equal({
      changes: [],
      config: {OPENAI_BASE_URL: 'http://b/v1'},
      credential: {placeholder: true},
      provider: 'create',
      refused: false,
      removeCredentials: [],
      setRoute: true,
    })
  })

  it('the same request again with another sandbox on the gateway: nothing to change, no write', () => {
    const p = planInference(
      req({endpoint: 'http://a/v1'}),
      facts({live: ['alpha'], provider: found(), records: [alpha], route: routeA}),
    )
    expect(p).to.include({provider: 'keep', refused: false, setRoute: false})
  })

  it('re-onboarding the only sandbox with a new endpoint: update the provider, re-verify through inference set, remember what it held', () => {
    const p = planInference(
      req({sandbox: 'alpha'}),
      facts({live: ['alpha'], provider: found(), records: [alpha], route: routeA}),
    )
    expect(p).to.deep.include({
      changes: ["provider 'nemoclaw-custom': endpoint http://a/v1 → http://b/v1"],
      provider: 'update',
      refused: false,
      setRoute: true,
    })
    expect(p).to.deep.include({previous: {credential: {placeholder: true}, endpoint: 'http://a/v1'}})
    expect(
      planInference(
        req({noVerify: true, sandbox: 'alpha'}),
        facts({live: ['alpha'], provider: found(), records: [alpha], route: routeA}),
      ),
      '--no-verify: no re-verification',
    ).to.include({provider: 'update', setRoute: false})
  })

  it('another sandbox on the provider: a new endpoint is refused, naming the difference and who it reaches; --set-inference allows it', () => {
    const f = facts({live: ['alpha'], provider: found(), records: [alpha], route: routeA})
    const p = planInference(req(), f)
    expect(p.refused && p.state).to.equal('inference_in_use')
    if (!p.refused) return
    expect(p.conflict).to.deep.equal({
      affected: ['alpha'],
      changes: ["provider 'nemoclaw-custom': endpoint http://a/v1 → http://b/v1"],
      gateway: 'nemoclaw',
      requested: {model: 'm1', provider: 'nemoclaw-custom'},
      route: {model: 'm1', provider: 'nemoclaw-custom'},
    })
    expect(p.message)
      .to.include('alpha')
      .and.include('nemoclaw-custom / m1')
      .and.include('--set-inference')
      .and.include('Nothing was changed')
    expect(planInference(req({setInference: true}), f)).to.include({provider: 'update', refused: false})
  })

  it('another model or provider while another sandbox is on the gateway: refused naming the current route; live-only sandboxes count too', () => {
    const p = planInference(
      req({endpoint: 'http://a/v1', model: 'm2'}),
      facts({live: ['alpha', 'zed'], provider: found(), records: [alpha], route: routeA}),
    )
    expect(p.refused && p.conflict).to.deep.include({
      affected: ['alpha', 'zed'],
      changes: ['route nemoclaw-custom / m1 → nemoclaw-custom / m2'],
    })
    const q = planInference(
      req({providerId: 'vllm', providerName: 'nemoclaw-vllm'}),
      facts({live: ['alpha'], records: [alpha], route: routeA}),
    )
    expect(q.refused && q.conflict.route).to.deep.equal({model: 'm1', provider: 'nemoclaw-custom'})
    const ok = planInference(
      req({providerId: 'vllm', providerName: 'nemoclaw-vllm', setInference: true}),
      facts({live: ['alpha'], records: [alpha], route: routeA}),
    )
    expect(ok).to.deep.include({
      changes: ['route nemoclaw-custom / m1 → nemoclaw-vllm / m1'],
      provider: 'create',
      refused: false,
      setRoute: true,
    })
  })

  it('the route moves freely when no other sandbox is on the gateway', () => {
    const p = planInference(
      req({endpoint: 'http://a/v1', model: 'm2', sandbox: 'alpha'}),
      facts({live: ['alpha'], provider: found(), records: [alpha], route: routeA}),
    )
    expect(p).to.include({refused: false, setRoute: true})
  })

  it('a credential change: the old key is removed; the credential text never shows the placeholder as a key to set', () => {
    const p = planInference(
      req({credentialEnv: 'MY_KEY', endpoint: 'http://a/v1', sandbox: 'alpha'}),
      facts({live: ['alpha'], provider: found(), records: [alpha], route: routeA}),
    )
    expect(p).to.deep.include({
      changes: [`provider 'nemoclaw-custom': credential none (${PH}) → MY_KEY`],
      credential: {env: 'MY_KEY'},
      provider: 'update',
      removeCredentials: [PH],
    })
  })

  it('an endpoint the registry does not know (no record, or records that disagree) is never changed under another sandbox', () => {
    const p = planInference(req(), facts({live: ['alpha'], provider: found(), records: [], route: routeA}))
    expect(p.refused && p.conflict.changes[0]).to.match(/endpoint \(not recorded by nemoclaw.*\) → http:\/\/b\/v1/)
    const alone = planInference(req(), facts({provider: found()}))
    expect(alone, 'nobody else: update it to the request').to.include({provider: 'update', refused: false})
    expect(alone).to.not.have.property('previous')
    const disagree = [alpha, {...alpha, endpointUrl: 'http://c/v1', name: 'gamma'}]
    expect(
      planInference(
        req({sandbox: 'alpha'}),
        facts({live: ['alpha', 'gamma'], provider: found(), records: disagree, route: routeA}),
      ).refused,
    ).to.equal(true)
  })

  it("a record without endpointUrl means the provider id's default endpoint (vllm)", () => {
    const v = {...alpha, endpointUrl: null, provider: 'vllm'}
    const r = req({
      endpoint: 'http://host.openshell.internal:8000/v1',
      providerId: 'vllm',
      providerName: 'nemoclaw-vllm',
    })
    const p = planInference(
      r,
      facts({
        live: ['alpha'],
        provider: {...found(), name: 'nemoclaw-vllm'},
        records: [v],
        route: {configured: true, model: 'm1', provider: 'nemoclaw-vllm'},
      }),
    )
    expect(p).to.include({provider: 'keep', refused: false, setRoute: false})
  })

  it('a provider of another type cannot be updated: refused even with --set-inference, nemoclaw never deletes it', () => {
    const p = planInference(req({setInference: true}), facts({provider: found([PH], [], 'anthropic')}))
    expect(p.refused && p.state).to.equal('provider_conflict')
    expect(p.refused && p.message)
      .to.include('provider delete nemoclaw-custom')
      .and.include('never deletes')
  })

  it("an endpoint nobody asked for any more is removed (config value '')", () => {
    const p = planInference(
      req({
        credentialEnv: 'OPENAI_API_KEY',
        endpoint: undefined,
        providerId: 'openai',
        providerName: 'nemoclaw-openai',
        sandbox: 'alpha',
      }),
      facts({provider: {...found(['OPENAI_API_KEY']), name: 'nemoclaw-openai'}}),
    )
    expect(p).to.deep.include({config: {OPENAI_BASE_URL: ''}, provider: 'update', refused: false})
  })
})
