import {expect} from 'chai'

import {classifyGateway, type GatewayFacts} from '../../../src/lib/gateway/health.js'
import {planRecovery} from '../../../src/lib/gateway/planner.js'
import {facts, statusFailed} from './facts.js'

/** A modern gateway whose API refuses (connection refused), as the probe sees it. */
const refusing = (extra: Partial<GatewayFacts>): GatewayFacts =>
  facts({status: statusFailed('connection_refused', 'connection refused'), ...extra})

describe('planner: a gateway that systemd runs but whose API still refuses', () => {
  it('not started by nemoclaw (it is restarting): wait, bounded, and nothing else', () => {
    const h = classifyGateway(refusing({serviceActive: true}))
    expect(h.classId).to.equal('gateway_refusing_after_restart')
    expect(planRecovery(h, {waitMs: 5000})).to.deep.equal([
      {gateway: 'nemoclaw', kind: 'wait-healthy', timeoutMs: 5000},
    ])
  })

  it('selects it first when another gateway is active', () => {
    const h = classifyGateway(refusing({activeOnDisk: 'other', serviceActive: true}))
    expect(h.classId).to.equal('gateway_refusing_after_restart')
    expect(planRecovery(h, {waitMs: 5000}).map((s) => s.kind)).to.deep.equal(['select', 'wait-healthy'])
  })

  it('still refusing after nemoclaw started it: stop with the guidance, no wait', () => {
    const h = classifyGateway(refusing({serviceActive: true, startAttempted: true}))
    expect(h.classId).to.equal('gateway_refusing_after_restart')
    const plan = planRecovery(h, {waitMs: 5000})
    expect(plan.map((s) => s.kind)).to.deep.equal(['stop'])
    expect(plan[0]).to.have.property('reason', h.guidance.diagnosis)
  })

  it('service not running: start it, then wait (unchanged)', () => {
    const h = classifyGateway(refusing({serviceActive: false}))
    expect(h.classId).to.equal('gateway_unreachable')
    expect(planRecovery(h, {waitMs: 5000}).map((s) => s.kind)).to.deep.equal(['start', 'wait-healthy'])
  })
})
