import {expect} from 'chai'

import {classifyGateway, type GatewayFacts} from '../../src/lib/gateway/health.js'
import type {RunResult, SandboxList} from '../../src/lib/openshell/types.js'
import {capabilitiesFor} from '../../src/lib/openshell/version.js'
import {decide, type LiveGateway} from '../../src/lib/reconcile/decide.js'

const run: RunResult = {argv: [], binary: 'openshell', durationMs: 1, exitCode: 0, signal: null, stderr: '', stdout: '', timedOut: false}

function healthyLive(list: SandboxList): Map<string, LiveGateway> {
  const facts: GatewayFacts = {
    activeOnDisk: 'nemoclaw',
    capabilities: capabilitiesFor('0.0.30'),
    certs: {ca: true, cert: true, key: true},
    gateway: 'nemoclaw',
    localBundle: false,
    registered: true,
    serviceUnit: false,
    status: {ok: true, run, value: {configured: true, gateway: 'nemoclaw', server: 'https://127.0.0.1:8080', status: 'connected'}},
  }
  const health = classifyGateway(facts)
  expect(health.classId).to.equal('ok')
  return new Map([['nemoclaw', {health, list: {ok: true, run, value: list}}]])
}

describe('reconcile.decide: a cut list proves nothing', () => {
  const records = [{gateway: 'nemoclaw', name: 'alpha'}, {gateway: 'nemoclaw', name: 'omega'}]
  const hundred = Array.from({length: 100}, (_, i) => ({name: i === 0 ? 'alpha' : `s${i}`, phase: 'Ready' as const}))

  it('a complete list from the healthy active gateway without the name → sandbox_missing and prune', () => {
    const d = decide(records, healthyLive({sandboxes: hundred}))
    expect(d.verdicts.map((v) => [v.name, v.classId])).to.deep.equal([['alpha', 'ok'], ['omega', 'sandbox_missing']])
    expect(d.prune.map((p) => p.name)).to.deep.equal(['omega'])
  })

  it('an incomplete list (a version that cannot page returned a full default page) → keep the record, unknown', () => {
    const d = decide(records, healthyLive({incomplete: true, sandboxes: hundred}))
    expect(d.verdicts.map((v) => [v.name, v.classId])).to.deep.equal([['alpha', 'ok'], ['omega', 'unknown']])
    expect(d.prune).to.deep.equal([])
  })
})
