import {expect} from 'chai'

import {guidanceFor} from '../../../src/lib/gateway/classes.js'
import {
  classifyGateway,
  classOfFailure,
  contextFor,
  isLoopbackHost,
  localityOf,
  overrideOf,
} from '../../../src/lib/gateway/health.js'
import type {FailureKind} from '../../../src/lib/openshell/types.js'
import {connected, facts, failure, health, LEGACY_CAPS, MODERN_CAPS, statusFailed} from './facts.js'

describe('gateway/health classifyGateway', () => {
  it('ok: registered, answering, authenticated, active, no override', () => {
    const h = health()
    expect(h.classId).to.equal('ok')
    expect(h.answering).to.equal(true)
    expect(h.gateway).to.equal('nemoclaw')
    expect(h.guidance).to.deep.equal(guidanceFor('ok', h.context))
    expect(h.guidance.diagnosis).to.equal("Gateway 'nemoclaw' is healthy.")
  })

  describe('openshell itself', () => {
    const table: Array<[FailureKind, string]> = [
      ['openshell_missing', 'openshell_missing'],
      ['openshell_not_executable', 'openshell_missing'],
      ['usage_error', 'openshell_unsupported'],
      ['timed_out', 'probe_timeout'],
      ['killed', 'unknown'],
      ['unparseable', 'openshell_unsupported'],
    ]
    for (const [kind, id] of table) {
      it(`a ${kind} failure of --version → ${id}, not answering, whatever else is known`, () => {
        const h = health({
          capabilities: undefined,
          openshellFailure: failure(kind, `openshell: ${kind}`, ['--version']),
        })
        expect(h.classId).to.equal(id)
        expect(h.answering).to.equal(false)
      })
    }

    it('no capabilities and no failure → openshell_missing', () => {
      expect(health({capabilities: undefined}).classId).to.equal('openshell_missing')
    })

    it('an unsupported version → openshell_unsupported, with the version in the words', () => {
      const h = health({
        capabilities: {...LEGACY_CAPS, unsupported: true, version: {major: 0, minor: 0, patch: 5, raw: '0.0.5'}},
      })
      expect(h.classId).to.equal('openshell_unsupported')
      expect(h.guidance.diagnosis).to.equal(
        'openshell 0.0.5 is outside the versions nemoclaw supports (0.0.10 – 0.1.5).',
      )
    })
  })

  it('not registered → gateway_not_configured, before looking at any status', () => {
    expect(health({registered: false, status: connected()}).classId).to.equal('gateway_not_configured')
    expect(health({registered: false, status: undefined}).classId).to.equal('gateway_not_configured')
  })

  it('registered but no status was run → unknown', () => {
    expect(health({status: undefined}).classId).to.equal('unknown')
  })

  describe('status failed', () => {
    const table: Array<[FailureKind, string, string]> = [
      ['connection_refused', 'Connection refused (os error 111)', 'gateway_unreachable'],
      ['connection_reset', 'Connection reset by peer (os error 104)', 'gateway_unreachable'],
      ['trust_rotated', 'invalid peer certificate: BadSignature', 'gateway_trust_rotated'],
      ['certs_missing', 'failed to read TLS CA from /x/ca.crt', 'gateway_trust_rotated'],
      ['auth_required', 'Missing gateway auth token', 'gateway_auth_required'],
      ['gateway_unknown', "No gateway metadata found for 'nemoclaw'.", 'gateway_not_configured'],
      ['gateway_not_configured', 'No active gateway.', 'gateway_not_configured'],
      ['timed_out', 'openshell -g nemoclaw status did not finish within 1500 ms', 'probe_timeout'],
      ['unknown', 'something odd', 'unknown'],
      ['sandbox_not_found', 'sandbox not found', 'unknown'],
    ]
    for (const [kind, message, id] of table) {
      it(`${kind} → ${id}`, () => {
        const h = health({status: statusFailed(kind, message)})
        expect(h.classId).to.equal(id)
        expect(h.answering).to.equal(false)
      })
    }

    it('refused after a start attempt, or while systemd says the service is active → gateway_refusing_after_restart', () => {
      expect(
        health({startAttempted: true, status: statusFailed('connection_refused', 'Connection refused')}).classId,
      ).to.equal('gateway_refusing_after_restart')
      expect(
        health({serviceActive: true, status: statusFailed('connection_refused', 'Connection refused')}).classId,
      ).to.equal('gateway_refusing_after_restart')
      expect(
        health({serviceActive: false, status: statusFailed('connection_refused', 'Connection refused')}).classId,
      ).to.equal('gateway_unreachable')
      expect(health({startAttempted: true, status: statusFailed('connection_reset', 'reset')}).classId).to.equal(
        'gateway_refusing_after_restart',
      )
    })

    it('a start attempt does not turn other failures into refusing', () => {
      expect(
        health({startAttempted: true, status: statusFailed('trust_rotated', 'invalid peer certificate: BadSignature')})
          .classId,
      ).to.equal('gateway_trust_rotated')
      expect(health({serviceActive: true, status: statusFailed('timed_out', 'x')}).classId).to.equal('probe_timeout')
    })

    it('a timeout names the command that hung (without -g NAME) and the error becomes the message of unknown', () => {
      const t = health({
        status: {failure: failure('timed_out', 'slow', ['-g', 'nemoclaw', 'sandbox', 'list', '-o', 'json']), ok: false},
      })
      expect(t.context.hungCommand).to.equal('openshell sandbox list')
      expect(t.guidance.diagnosis).to.equal('`openshell sandbox list` did not answer within the probe timeout.')
      const u = health({status: statusFailed('unknown', 'something odd')})
      expect(u.guidance.diagnosis).to.equal('openshell failed in a way nemoclaw does not recognise: something odd')
    })
  })

  describe('status answered', () => {
    it('not configured → gateway_not_configured', () => {
      expect(health({status: {ok: true, run: connected().run!, value: {configured: false}}}).classId).to.equal(
        'gateway_not_configured',
      )
    })

    for (const s of ['disconnected', 'error'] as const) {
      it(`status ${s} → gateway_unreachable; after a start (or service active) → refusing`, () => {
        expect(health({status: connected({status: s})}).classId).to.equal('gateway_unreachable')
        expect(health({startAttempted: true, status: connected({status: s})}).classId).to.equal(
          'gateway_refusing_after_restart',
        )
        expect(health({serviceActive: true, status: connected({status: s})}).classId).to.equal(
          'gateway_refusing_after_restart',
        )
      })
    }

    it('connected_http is not connected (no substring health check)', () => {
      expect(health({status: connected({status: 'connected_http'})}).classId).to.equal('gateway_unreachable')
    })

    it('authentication failed → gateway_auth_required, and it answers', () => {
      const h = health({
        status: connected({authentication: {detail: 'edge credentials are missing', status: 'failed'}}),
      })
      expect(h.classId).to.equal('gateway_auth_required')
      expect(h.answering).to.equal(true)
    })

    it('auth comes before selection: auth failed on a non-active gateway is still auth_required', () => {
      expect(health({activeOnDisk: 'other', status: connected({authentication: {status: 'failed'}})}).classId).to.equal(
        'gateway_auth_required',
      )
    })

    it('another gateway active on disk, or none → gateway_other_active (answering)', () => {
      const h = health({activeOnDisk: 'openshell'})
      expect(h.classId).to.equal('gateway_other_active')
      expect(h.answering).to.equal(true)
      expect(h.guidance.diagnosis).to.equal(
        "Gateway 'openshell' is active, but the sandboxes live on gateway 'nemoclaw'; plain openshell commands go to the wrong gateway.",
      )
      expect(health({activeOnDisk: undefined}).classId).to.equal('gateway_other_active')
    })

    it('OPENSHELL_GATEWAY naming another gateway → gateway_other_active with the override words', () => {
      const h = health({envOverride: {value: 'x', variable: 'OPENSHELL_GATEWAY'}})
      expect(h.classId).to.equal('gateway_other_active')
      expect(h.context.envOverride).to.deep.equal({value: 'x', variable: 'OPENSHELL_GATEWAY'})
      expect(h.guidance.steps[0]).to.equal('Unset the override: `unset OPENSHELL_GATEWAY`.')
    })

    it("an override pointing elsewhere is reported before the gateway's own failures (it is knowable with nothing listening)", () => {
      const override = {value: 'other', variable: 'OPENSHELL_GATEWAY'} as const
      for (const [kind, text] of [
        ['connection_refused', 'Connection refused (os error 111)'],
        ['trust_rotated', 'invalid peer certificate: BadSignature'],
      ] as const) {
        const h = health({envOverride: override, status: statusFailed(kind, text)})
        expect(h.classId, kind).to.equal('gateway_other_active')
        expect(h.answering, kind).to.equal(false)
      }
      // the selection on disk is not an override: a down gateway stays unreachable (its plan selects, then starts)
      expect(
        health({activeOnDisk: 'other', status: statusFailed('connection_refused', 'Connection refused')}).classId,
      ).to.equal('gateway_unreachable')
      // an override naming this very gateway changes nothing
      expect(
        health({
          envOverride: {value: 'nemoclaw', variable: 'OPENSHELL_GATEWAY'},
          status: statusFailed('connection_refused', 'Connection refused'),
        }).classId,
      ).to.equal('gateway_unreachable')
    })

    it('an override that names this gateway (or its endpoint, modulo a trailing slash) is no override', () => {
      expect(health({envOverride: {value: 'nemoclaw', variable: 'OPENSHELL_GATEWAY'}}).classId).to.equal('ok')
      expect(
        health({envOverride: {value: 'https://127.0.0.1:17670/', variable: 'OPENSHELL_GATEWAY_ENDPOINT'}}).classId,
      ).to.equal('ok')
      expect(
        health({envOverride: {value: 'https://127.0.0.1:17671', variable: 'OPENSHELL_GATEWAY_ENDPOINT'}}).classId,
      ).to.equal('gateway_other_active')
      expect(
        health({activeOnDisk: 'other', envOverride: {value: 'nemoclaw', variable: 'OPENSHELL_GATEWAY'}}).context
          .envOverride,
      ).to.equal(undefined)
    })
  })

  it('overrideOf: endpoint override without a known endpoint counts as an override', () => {
    expect(
      overrideOf(
        facts({endpoint: undefined, envOverride: {value: 'https://h:1', variable: 'OPENSHELL_GATEWAY_ENDPOINT'}}),
      ),
    ).to.deep.equal({value: 'https://h:1', variable: 'OPENSHELL_GATEWAY_ENDPOINT'})
    expect(overrideOf(facts())).to.equal(undefined)
  })

  it('contextFor carries generation, version, endpoint, service unit, local bundle and the active gateway (override first)', () => {
    expect(
      contextFor(
        facts({capabilities: LEGACY_CAPS, endpoint: 'https://127.0.0.1:8080', localBundle: false, serviceUnit: false}),
      ),
    ).to.deep.equal({
      activeGateway: 'nemoclaw',
      endpoint: 'https://127.0.0.1:8080',
      envOverride: undefined,
      localBundle: false,
      sandboxStart: false,
      locality: 'local',
      gateway: 'nemoclaw',
      generation: 'legacy',
      serviceUnit: false,
      version: '0.0.26',
    })
    expect(contextFor(facts({envOverride: {value: 'x', variable: 'OPENSHELL_GATEWAY'}})).activeGateway).to.equal('x')
    expect(contextFor(facts({capabilities: MODERN_CAPS}), failure('unknown', 'boom')).message).to.equal('boom')
  })

  it("localityOf: only an mTLS https loopback gateway marked is_remote false is local; modern also on the local service's port", () => {
    const table: Array<[Partial<Parameters<typeof localityOf>[0]>, string]> = [
      [{endpoint: 'https://127.0.0.1:17670', isRemote: false}, 'local'],
      [{authMode: null, endpoint: 'https://localhost:17670', isRemote: false}, 'local'],
      [{endpoint: 'https://[::1]:17670/', isRemote: false}, 'local'],
      [{endpoint: 'https://127.0.0.2:17670', isRemote: false}, 'local'],
      [{endpoint: 'https://127.0.0.1:17671', isRemote: false}, 'local-other'],
      [{endpoint: 'https://127.0.0.1:17671', isRemote: false, localService: 'https://127.0.0.1:17671'}, 'local'],
      [{endpoint: 'https://127.0.0.1:17670', isRemote: false, localService: 'https://127.0.0.1:17671'}, 'local-other'],
      [{endpoint: 'https://127.0.0.1', isRemote: false}, 'local-other'],
      [{capabilities: LEGACY_CAPS, endpoint: 'https://127.0.0.1:8081', isRemote: false}, 'local'],
      [{capabilities: LEGACY_CAPS, endpoint: 'https://gw.example.com:8080', isRemote: true}, 'remote'],
      [{endpoint: 'https://127.0.0.1:17670', isRemote: true}, 'remote'],
      [{endpoint: 'https://127.0.0.1:17670', isRemote: undefined}, 'remote'],
      [{endpoint: 'https://10.0.0.5:17670', isRemote: false}, 'remote'],
      [{endpoint: undefined, isRemote: false}, 'remote'],
      [{endpoint: 'not a url', isRemote: false}, 'remote'],
      [{authMode: 'cloudflare_jwt', endpoint: 'https://127.0.0.1:17670', isRemote: true}, 'cloud'],
      [{authMode: 'oidc', endpoint: 'https://gw.example.com', isRemote: false}, 'cloud'],
      [{authMode: 'plaintext', endpoint: 'https://127.0.0.1:17670', isRemote: false}, 'plaintext'],
      [{endpoint: 'http://127.0.0.1:17670', isRemote: false}, 'plaintext'],
    ]
    for (const [over, want] of table)
      expect(localityOf({authMode: 'mtls', capabilities: MODERN_CAPS, ...over}), JSON.stringify(over)).to.equal(want)
  })

  it('classOfFailure maps every failure kind, unrecognised ones to unknown', () => {
    const kinds: FailureKind[] = ['sandbox_exists', 'sandbox_not_ready', 'provision_timeout', 'unparseable', 'unknown']
    for (const k of kinds) expect(classOfFailure(failure(k, 'x')), k).to.equal('unknown')
  })

  it('keeps the evidence it was given', () => {
    const ev = [{argv: ['--version'], durationMs: 1, exitCode: 0, lines: [], timedOut: false}]
    expect(classifyGateway(facts(), ev).evidence).to.equal(ev)
  })
})

describe('gateway/health: the loopback rule', () => {
  it('takes localhost, [::1] and 127.x.y.z (any case) as this machine, nothing else', () => {
    expect(['localhost', 'LocalHost', '[::1]', '127.0.0.1', '127.1.2.3'].map((h) => isLoopbackHost(h))).to.deep.equal([
      true,
      true,
      true,
      true,
      true,
    ])
    expect(
      ['127.0.0.1.example.com', '10.0.0.1', '0.0.0.0', 'host.openshell.internal', '::1', 'localhost.localdomain'].map(
        (h) => isLoopbackHost(h),
      ),
    ).to.deep.equal([false, false, false, false, false, false])
  })
})
