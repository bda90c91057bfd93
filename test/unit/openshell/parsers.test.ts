import {expect} from 'chai'
import {
  isProviderNotFound,
  normalisePhase,
  parseDeleteOutcome,
  parseGatewayInfo,
  parseGatewayList,
  parseInferenceGet,
  parseInferenceVerifyFailure,
  parseNextPageToken,
  parseProviderGet,
  parseProviderList,
  parseSandboxGet,
  parseSandboxList,
  parseStatus,
} from '../../../src/lib/openshell/parsers.js'
import * as S from './samples.js'

describe('openshell/parsers: status', () => {
  it('legacy text with ANSI-dimmed labels', () => {
    expect(parseStatus(S.STATUS_LEGACY_ANSI)).to.deep.equal({
      configured: true,
      gateway: 'nemoclaw',
      server: 'https://127.0.0.1:8080',
      status: 'connected',
      version: '0.0.26',
    })
  })

  it('modern text with Authentication', () => {
    const s = parseStatus(S.STATUS_MODERN_TEXT)
    expect(s).to.deep.include({configured: true, status: 'connected', version: '0.0.97'})
    expect(s && s.configured && s.authentication).to.deep.equal({status: 'authenticated', detail: 'mTLS transport'})
  })

  it('tells Connected (HTTP), Disconnected and Error apart from Connected', () => {
    const http = parseStatus(S.STATUS_HTTP)
    expect(http && http.configured && http.status).to.equal('connected_http')
    expect(http && http.configured && http.error).to.equal('Health failed')
    const d = parseStatus(S.STATUS_DISCONNECTED)
    expect(d && d.configured && d.status).to.equal('disconnected')
    const e = parseStatus(S.STATUS_ERROR)
    expect(e && e.configured && e.status).to.equal('error')
  })

  it('No gateway configured (both hints) → configured false', () => {
    expect(parseStatus(S.STATUS_NOT_CONFIGURED_LEGACY)).to.deep.equal({configured: false})
    expect(parseStatus(S.STATUS_NOT_CONFIGURED_MODERN)).to.deep.equal({configured: false})
    expect(parseStatus('{"status": "not_configured"}')).to.deep.equal({configured: false})
  })

  it('JSON: the 0.1.2 capture and a failed authentication', () => {
    expect(parseStatus(S.STATUS_JSON_012)).to.deep.equal({
      configured: true,
      gateway: 'openshell',
      server: 'https://127.0.0.1:17670',
      status: 'connected',
      authentication: {status: 'authenticated', detail: 'mTLS transport'},
      version: '0.1.2',
    })
    const f = parseStatus(S.STATUS_JSON_PRETTY)
    expect(f && f.configured && f.authentication).to.deep.equal({status: 'failed', detail: 'token expired'})
  })

  it('does not read Connected out of other fields or substrings', () => {
    expect(parseStatus('Server Status\n\n  Gateway: Connected\n  Server: x\n')).to.equal(undefined)
    expect(parseStatus('  Status: Reconnected\n')).to.equal(undefined)
    expect(parseStatus('  Status: Connecting\n')).to.equal(undefined)
  })

  it('legacy header-only stdout (gateway down) and garbage are unparseable', () => {
    expect(parseStatus('Server Status\n\n  Gateway: nemoclaw\n  Server: https://127.0.0.1:8080\n')).to.equal(undefined)
    expect(parseStatus('')).to.equal(undefined)
    expect(parseStatus('{not json')).to.equal(undefined)
    expect(parseStatus('{"status": "sideways"}')).to.equal(undefined)
    expect(parseStatus('[1,2]')).to.equal(undefined)
  })
})

describe('openshell/parsers: gateway info and list', () => {
  it('legacy `Gateway endpoint:`', () => {
    expect(parseGatewayInfo(S.GATEWAY_INFO_LEGACY)).to.deep.equal({
      gateway: 'nemoclaw',
      endpoint: 'https://127.0.0.1:8080',
      remoteHost: 'gpu-box',
    })
  })

  it('modern `Server:` with status and compute drivers', () => {
    expect(parseGatewayInfo(S.GATEWAY_INFO_MODERN)).to.deep.equal({
      gateway: 'openshell',
      endpoint: 'https://127.0.0.1:17670',
      status: 'healthy',
      version: '0.1.2',
      computeDrivers: ['docker', 'podman'],
    })
  })

  it('JSON', () => {
    expect(parseGatewayInfo(S.GATEWAY_INFO_JSON)).to.deep.equal({
      gateway: 'openshell',
      endpoint: 'https://127.0.0.1:17670',
      status: 'degraded',
      version: '0.1.2',
      computeDrivers: ['docker'],
    })
  })

  it('without an endpoint → undefined', () => {
    expect(parseGatewayInfo('No gateway configured.\n')).to.equal(undefined)
    expect(parseGatewayInfo('{"gateway": "x"}')).to.equal(undefined)
  })

  it('list table with `*` active marker', () => {
    const l = parseGatewayList(S.GATEWAY_LIST_TABLE)
    expect(l).to.deep.equal([
      {
        name: 'nemoclaw',
        endpoint: 'https://127.0.0.1:17670',
        active: true,
        type: 'local',
        source: 'user',
        auth: 'mtls',
      },
      {
        name: 'openshell',
        endpoint: 'https://127.0.0.1:17671',
        active: false,
        type: 'local',
        source: 'system',
        auth: 'mtls',
      },
    ])
  })

  it('list table with an empty cell is cut at header positions', () => {
    const t =
      'NAME   ENDPOINT                 TYPE   SOURCE  AUTH\n* a    https://127.0.0.1:17670  local          mtls\n'
    expect(parseGatewayList(t)).to.deep.equal([
      {name: 'a', endpoint: 'https://127.0.0.1:17670', active: true, type: 'local', auth: 'mtls'},
    ])
  })

  it('list JSON and empty', () => {
    const l = parseGatewayList(S.GATEWAY_LIST_JSON)!
    expect(l.map((e) => [e.name, e.active, e.isRemote])).to.deep.equal([
      ['openshell', false, false],
      ['nemoclaw', true, false],
    ])
    expect(parseGatewayList('No gateways found.\n')).to.deep.equal([])
    expect(parseGatewayList('hello\n')).to.equal(undefined)
  })
})

describe('openshell/parsers: sandboxes', () => {
  it('legacy table NAME NAMESPACE CREATED PHASE (ANSI header, CREATED with a space)', () => {
    expect(parseSandboxList(S.SANDBOX_LIST_LEGACY)).to.deep.equal({
      sandboxes: [
        {name: 'alpha', phase: 'Ready', createdAt: '2026-03-20 10:11:12', namespace: 'openshell'},
        {name: 'beta-2', phase: 'Provisioning', createdAt: '2026-03-21 08:00:00', namespace: 'openshell'},
      ],
    })
  })

  it('modern table NAME CREATED PHASE; unknown phase → Unknown', () => {
    const l = parseSandboxList(S.SANDBOX_LIST_MODERN)!
    expect(l.sandboxes.map((s) => [s.name, s.createdAt, s.phase])).to.deep.equal([
      ['alpha', '2026-05-01 09:00:00', 'Ready'],
      ['my-long-sandbox-19c', '2026-05-02 10:30:45', 'Error'],
      ['gamma', '1970-01-01 00:00:00', 'Unknown'],
    ])
  })

  it('--all-workspaces table with WORKSPACE first', () => {
    const l = parseSandboxList(S.SANDBOX_LIST_ALL_WS)!
    expect(l.sandboxes).to.deep.equal([
      {name: 'alpha', phase: 'Ready', createdAt: '2026-05-01 09:00:00', workspace: 'default'},
      {name: 'beta', phase: 'Stopped', createdAt: '2026-05-03 11:00:00', workspace: 'team-b'},
    ])
  })

  it('JSON bare array (0.0.44–0.0.116)', () => {
    const l = parseSandboxList(S.SANDBOX_LIST_JSON_ARRAY)!
    expect(l.nextPageToken).to.equal(undefined)
    expect(l.sandboxes[0]).to.deep.equal({
      name: 'alpha',
      phase: 'Ready',
      createdAt: '2026-05-01 09:00:00',
      id: 'sbx-1',
      workspace: 'default',
    })
    expect(l.sandboxes[1].phase).to.equal('Provisioning')
  })

  it('JSON 0.1.x envelope, with and without a next page token', () => {
    const l = parseSandboxList(S.SANDBOX_LIST_ENVELOPE)!
    expect(l).to.deep.equal({
      sandboxes: [
        {name: 'done', phase: 'Completed', createdAt: '2026-06-01 12:00:00', id: 'sbx-9', workspace: 'default'},
      ],
    })
    expect(parseSandboxList('{"next_page_token": "abc", "sandboxes": []}')).to.deep.equal({
      sandboxes: [],
      nextPageToken: 'abc',
    })
  })

  it('empty list and unreadable output', () => {
    expect(parseSandboxList('No sandboxes found.\n')).to.deep.equal({sandboxes: []})
    expect(parseSandboxList('[]')).to.deep.equal({sandboxes: []})
    expect(parseSandboxList('\u0000\u0001 binary garbage')).to.equal(undefined)
    expect(parseSandboxList('{"sandboxes": [{"phase": "Ready"}]}')).to.equal(undefined)
  })

  it('a row that does not fit the header makes the whole list unparseable (no silent drops)', () => {
    expect(
      parseSandboxList('NAME  CREATED              PHASE\nalpha  2026-05-01 09:00:00  Ready  extra  cells\n'),
    ).to.equal(undefined)
  })

  it('normalises phases from names, enum names and numbers', () => {
    expect(normalisePhase('SANDBOX_PHASE_READY')).to.equal('Ready')
    expect(normalisePhase('stopping')).to.equal('Stopping')
    expect(normalisePhase(9)).to.equal('Completed')
    expect(normalisePhase(42)).to.equal('Unknown')
    expect(normalisePhase('Hibernating')).to.equal('Unknown')
  })

  it('sandbox get: legacy text with Namespace and a policy that contains `Name:`', () => {
    const s = parseSandboxGet(S.SANDBOX_GET_LEGACY)!
    expect(s).to.deep.include({name: 'alpha', phase: 'Ready', id: '5f0c-11', namespace: 'openshell'})
    expect(s.policy).to.include('version: 1')
  })

  it('sandbox get: modern text without Namespace and without a policy', () => {
    expect(parseSandboxGet(S.SANDBOX_GET_MODERN)).to.deep.equal({name: 'beta', phase: 'Provisioning', id: '8a7b'})
  })

  it('sandbox get: JSON', () => {
    const s = parseSandboxGet(S.SANDBOX_GET_JSON)!
    expect(s).to.deep.include({name: 'alpha', phase: 'Stopped', id: 'sbx-1', workspace: 'default'})
    expect(JSON.parse(s.policy!)).to.deep.equal({version: 1})
    expect(parseSandboxGet('Sandbox:\n\n  Id: 1\n')).to.equal(undefined)
  })
})

describe('openshell/parsers: inference, paging, delete, providers', () => {
  it('inference get: Provider/Model from the `Inference:` block, not `System inference:`', () => {
    expect(parseInferenceGet(S.INFERENCE_SET)).to.deep.equal({
      configured: true,
      provider: 'nvidia',
      model: 'meta/llama-3.1-8b-instruct',
      system: {configured: false},
    })
    expect(
      parseInferenceGet('Inference:\n\n  Not configured\n\nSystem inference:\n\n  Provider: nv-sys\n  Model: m-sys\n'),
    ).to.deep.equal({configured: false, system: {configured: true, provider: 'nv-sys', model: 'm-sys'}})
    expect(parseInferenceGet(S.INFERENCE_NOT_CONFIGURED)).to.deep.equal({
      configured: false,
      system: {configured: true, provider: 'nvidia', model: 'x'},
    })
    expect(parseInferenceGet('Inference:\n\n  Error: permission denied\n')).to.deep.equal({
      configured: false,
      error: 'permission denied',
    })
    expect(parseInferenceGet('nothing here')).to.equal(undefined)
  })

  it('next page token from stderr', () => {
    expect(parseNextPageToken('Next page token: eyJvIjoxMDB9\n')).to.equal('eyJvIjoxMDB9')
    expect(parseNextPageToken('')).to.equal(undefined)
  })

  it('delete outcomes', () => {
    expect(parseDeleteOutcome('✓ Deleted sandbox alpha\n', 'alpha')).to.equal('deleted')
    expect(parseDeleteOutcome('✓ Sandbox alpha deletion accepted; cleanup is pending\n', 'alpha')).to.equal('accepted')
    expect(parseDeleteOutcome('✓ Sandbox alpha already deleted\n', 'alpha')).to.equal('already_deleted')
    expect(parseDeleteOutcome('! Sandbox alpha not found\n', 'alpha')).to.equal('not_found')
    expect(parseDeleteOutcome('✓ Deleted sandbox alpha2\n', 'alpha')).to.equal('unknown')
  })

  it('provider list', () => {
    expect(parseProviderList('NAME    TYPE\nnvidia  nvidia\nmine    openai\n')).to.deep.equal([
      {name: 'nvidia', type: 'nvidia'},
      {name: 'mine', type: 'openai'},
    ])
    expect(parseProviderList('No providers found.\n')).to.deep.equal([])
  })

  it('provider get (real 0.0.111): key names only, `<none>` is empty; NotFound recognised, other failures not', () => {
    expect(parseProviderGet(S.PROVIDER_GET_0_0_111)).to.deep.equal({
      configKeys: [],
      credentialKeys: ['MYKEY'],
      found: true,
      id: 'ed1f191b-2314-4799-816f-45a3441ef076',
      name: 'p1',
      type: 'openai',
    })
    // 0.0.26 layout: no Resource version; several keys, comma-separated
    expect(
      parseProviderGet(
        'Provider:\n\n  Id: x\n  Name: nemoclaw-custom\n  Type: openai\n  Credential keys: A, B\n  Config keys: OPENAI_BASE_URL\n',
      ),
    ).to.deep.equal({
      configKeys: ['OPENAI_BASE_URL'],
      credentialKeys: ['A', 'B'],
      found: true,
      id: 'x',
      name: 'nemoclaw-custom',
      type: 'openai',
    })
    expect(parseProviderGet('Provider:\n\n  Id: x\n')).to.equal(undefined)
    expect(parseProviderGet('')).to.equal(undefined)
    expect(isProviderNotFound(S.ERR_PROVIDER_NOT_FOUND_0_0_111)).to.equal(true)
    expect(
      isProviderNotFound(
        'Error:   × status: NotFound, message: "provider not found", details: [], metadata: MetadataMap { headers: {} }\n',
      ),
    ).to.equal(true)
    expect(isProviderNotFound(S.ERR_NOT_FOUND_MODERN)).to.equal(false)
    expect(isProviderNotFound(S.ERR_REFUSED_GRPC)).to.equal(false)
  })

  it('inference set refused by endpoint verification (real 0.0.111, wrapped by miette): provider, model, URL and what failed', () => {
    expect(parseInferenceVerifyFailure(S.ERR_INFERENCE_UNVERIFIED_0_0_111)).to.deep.equal({
      error:
        'failed to connect to http://127.0.0.1:9/v1/chat/completions: error sending request for url (http://127.0.0.1:9/v1/chat/completions)',
      model: 'm1',
      provider: 'p1',
      url: 'http://127.0.0.1:9/v1',
    })
    expect(parseInferenceVerifyFailure(S.ERR_PROVIDER_PROFILE_0_0_111)).to.equal(undefined)
    expect(parseInferenceVerifyFailure(S.ERR_REFUSED_GRPC)).to.equal(undefined)
  })
})
