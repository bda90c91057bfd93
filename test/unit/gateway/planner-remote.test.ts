// Remote and cloud gateways get only remote-safe plans: nemoclaw never copies the local gateway service's TLS bundle
// into another gateway's mtls/ and never "starts" a gateway that is not the local one. The class (and its exit code)
// stays what it is; only the plan and the guidance differ.
import {expect} from 'chai'

import {EXIT_CODES} from '../../../src/lib/gateway/classes.js'
import {classifyGateway, type GatewayFacts} from '../../../src/lib/gateway/health.js'
import {planRecovery} from '../../../src/lib/gateway/planner.js'
import {facts, LEGACY_CAPS, statusFailed} from './facts.js'

const ROTATED = statusFailed('trust_rotated', 'invalid peer certificate: BadSignature')
const REFUSED = statusFailed('connection_refused', 'Connection refused (os error 111)')

/** A modern gateway with the local TLS bundle and the systemd unit present: everything a local recovery would use. */
const gateway = (over: Partial<GatewayFacts>): GatewayFacts => facts({localBundle: true, serviceUnit: true, ...over})

const kinds = (f: GatewayFacts) => planRecovery(classifyGateway(f), {waitMs: 1000}).map((s) => s.kind)

interface Case {
  what: string
  facts: Partial<GatewayFacts>
  /** What the guidance must tell the user to do instead. */
  words: RegExp
}

const NOT_LOCAL: Case[] = [
  {
    facts: {endpoint: 'https://gw.example.com:17670', isRemote: true},
    what: 'a remote mTLS gateway',
    words: /remote gateway[\s\S]*(operator|--remote)/,
  },
  {
    facts: {authMode: 'cloudflare_jwt', endpoint: 'https://gw.example.com', isRemote: true},
    what: 'a cloud gateway (edge auth)',
    words: /cloud gateway[\s\S]*openshell gateway login nemoclaw/,
  },
  {
    // `gateway add https://127.0.0.1:… ` without --local registers a cloud gateway even on a loopback address
    facts: {authMode: 'cloudflare_jwt', endpoint: 'https://127.0.0.1:17670', isRemote: true},
    what: 'a cloud gateway on a loopback address',
    words: /cloud gateway[\s\S]*openshell gateway login nemoclaw/,
  },
  {
    facts: {authMode: 'oidc', endpoint: 'https://127.0.0.1:17670', isRemote: false},
    what: 'an OIDC gateway',
    words: /cloud gateway[\s\S]*openshell gateway login nemoclaw/,
  },
  {
    facts: {authMode: 'plaintext', endpoint: 'http://10.0.0.5:17670', isRemote: false},
    what: 'a plaintext http:// gateway',
    words: /plain HTTP[\s\S]*operator/,
  },
  {
    facts: {authMode: null, endpoint: 'http://127.0.0.1:17670', isRemote: false},
    what: 'a plaintext http:// gateway on loopback',
    words: /plain HTTP[\s\S]*operator/,
  },
  {
    facts: {endpoint: 'https://10.0.0.5:17670', isRemote: false},
    what: 'a gateway marked local whose endpoint is not a loopback address',
    words: /remote gateway[\s\S]*(operator|--remote)/,
  },
  {
    facts: {endpoint: 'https://127.0.0.1:17670', isRemote: undefined},
    what: 'a gateway whose metadata does not say it is local',
    words: /remote gateway[\s\S]*(operator|--remote)/,
  },
  {
    facts: {endpoint: 'https://127.0.0.1:17671', isRemote: false},
    what: "a local gateway whose endpoint is not the local bundle's (https://127.0.0.1:17670)",
    words: /not the local gateway service/,
  },
]

describe('planner: remote, cloud and other non-local gateways', () => {
  for (const c of NOT_LOCAL) {
    describe(c.what, () => {
      it('trust rotated: no re-import of the local bundle, a stop with what to do; still gateway_trust_rotated (23)', () => {
        const h = classifyGateway(gateway({...c.facts, status: ROTATED}))
        expect(h.classId).to.equal('gateway_trust_rotated')
        expect(h.guidance.exitCode).to.equal(EXIT_CODES.gateway_trust_rotated)
        expect(kinds(h.facts)).to.deep.equal(['stop'])
        const text = [h.guidance.diagnosis, ...h.guidance.steps].join('\n')
        expect(text).to.match(c.words)
        expect(text).not.to.contain("local gateway's TLS directory")
      })

      it('unreachable: no service start, a stop with what to do; still gateway_unreachable (21)', () => {
        const h = classifyGateway(gateway({...c.facts, status: REFUSED}))
        expect(h.classId).to.equal('gateway_unreachable')
        expect(h.guidance.exitCode).to.equal(EXIT_CODES.gateway_unreachable)
        expect(kinds(h.facts)).to.deep.equal(['stop'])
        const text = [h.guidance.diagnosis, ...h.guidance.steps].join('\n')
        expect(text).to.match(c.words)
        expect(text).not.to.contain('nemoclaw recover')
      })

      it('not the selected gateway: it is only selected, nothing else', () => {
        expect(kinds(gateway({...c.facts, activeOnDisk: 'other', status: ROTATED}))).to.deep.equal(['select', 'stop'])
        expect(kinds(gateway({...c.facts, activeOnDisk: 'other', status: REFUSED}))).to.deep.equal(['select', 'stop'])
      })
    })
  }

  describe('legacy', () => {
    it('a remote legacy gateway is neither started nor re-synced (`gateway start --name` would deploy a local one)', () => {
      const remote = {
        capabilities: LEGACY_CAPS,
        endpoint: 'https://gw.example.com:8080',
        isRemote: true,
        serviceUnit: false,
      }
      expect(kinds(gateway({...remote, status: ROTATED}))).to.deep.equal(['stop'])
      expect(kinds(gateway({...remote, status: REFUSED}))).to.deep.equal(['stop'])
      expect(classifyGateway(gateway({...remote, status: ROTATED})).guidance.steps.join('\n')).to.match(/operator/)
    })

    it('a local legacy gateway on another port is still started and re-synced by name (each has its own container)', () => {
      const local = {capabilities: LEGACY_CAPS, endpoint: 'https://127.0.0.1:8081', serviceUnit: false}
      expect(kinds(gateway({...local, status: ROTATED}))).to.deep.equal(['reimport-trust', 'wait-healthy'])
      expect(kinds(gateway({...local, status: REFUSED}))).to.deep.equal(['start', 'wait-healthy'])
    })
  })

  describe('the local gateway service', () => {
    for (const endpoint of [
      'https://127.0.0.1:17670',
      'https://localhost:17670',
      'https://[::1]:17670',
      'https://127.0.0.1:17670/',
    ]) {
      it(`${endpoint}: re-import and start are planned as before`, () => {
        expect(kinds(gateway({endpoint, status: ROTATED}))).to.deep.equal(['reimport-trust', 'wait-healthy'])
        expect(kinds(gateway({endpoint, status: REFUSED}))).to.deep.equal(['start', 'wait-healthy'])
      })
    }
  })
})
