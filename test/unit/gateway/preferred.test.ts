import {expect} from 'chai'

import {planRecovery, preferredGateway} from '../../../src/lib/gateway/planner.js'
import {health, LEGACY_CAPS, statusFailed} from './facts.js'

describe('gateway/planner: one selected gateway when records live on several', () => {
  const records = [
    {gateway: 'a', name: 'one'},
    {gateway: 'b', name: 'two'},
    {gateway: 'b', name: 'three'},
    {gateway: 'c', name: 'four'},
  ]

  it("the named sandbox's gateway first, then the selected one if it holds records, then the default's, then the most used", () => {
    expect(preferredGateway(records, {activeOnDisk: 'a', defaultSandbox: 'four', target: 'one'})).to.equal('a')
    expect(preferredGateway(records, {activeOnDisk: 'a', defaultSandbox: 'four', target: 'four'})).to.equal('c')
    expect(preferredGateway(records, {activeOnDisk: 'c', defaultSandbox: 'one'})).to.equal('c')
    expect(preferredGateway(records, {activeOnDisk: 'elsewhere', defaultSandbox: 'one'})).to.equal('a')
    expect(preferredGateway(records, {activeOnDisk: 'elsewhere', defaultSandbox: null})).to.equal('b')
    expect(preferredGateway(records, {defaultSandbox: 'gone'})).to.equal('b')
    // ties by name, so the choice never depends on the order records were read in
    expect(
      preferredGateway([
        {gateway: 'z', name: 'x'},
        {gateway: 'm', name: 'y'},
      ]),
    ).to.equal('m')
    expect(preferredGateway([], {activeOnDisk: 'a'})).to.equal(undefined)
  })

  it('select: false drops the select step; a gateway that is only "not selected" then needs nothing', () => {
    const other = health({activeOnDisk: 'lab'})
    expect(other.classId).to.equal('gateway_other_active')
    expect(planRecovery(other).map((s) => s.kind)).to.deep.equal(['select'])
    expect(planRecovery(other, {select: false})).to.deep.equal([])
    // a stopped legacy gateway that is not the selected one: started, not selected
    const down = health({
      activeOnDisk: 'lab',
      capabilities: LEGACY_CAPS,
      status: statusFailed('connection_refused', 'Connection refused'),
    })
    expect(down.classId).to.equal('gateway_unreachable')
    expect(planRecovery(down).map((s) => s.kind)).to.deep.equal(['select', 'start', 'wait-healthy'])
    expect(planRecovery(down, {select: false}).map((s) => s.kind)).to.deep.equal(['start', 'wait-healthy'])
  })
})
