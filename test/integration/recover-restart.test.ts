import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'

import {mutatingCalls, runCli} from '../support/cli.js'
import {createSim, type Sim} from '../support/sim.js'

describe('recover while the gateway is restarting (modern, systemd says active, API refusing)', () => {
  let sim: Sim
  before(async () => {
    sim = await createSim({profile: 'modern'})
    fs.writeFileSync(
      path.join(sim.env.NEMOCLAW_HOME!, 'sandboxes.json'),
      JSON.stringify({defaultSandbox: 'alpha', sandboxes: {alpha: {gateway: 'nemoclaw', name: 'alpha'}}, version: 1}),
    )
    sim.control('sandbox', 'add', 'alpha')
  })
  after(() => sim?.cleanup())

  it('waits until the gateway is back, changes nothing, exits 0', async () => {
    sim.control('gateway', 'restart', '--delay-ms', '4000')
    sim.clearLog()
    const r = await runCli(sim, ['recover', '--json'])
    expect(r.exitCode, r.stdout + r.stderr).to.equal(0)
    expect(r.json.recovery.map((g: any) => [g.before, g.steps.map((s: any) => [s.kind, s.ok]), g.after])).to.deep.equal(
      [['gateway_refusing_after_restart', [['wait-healthy', true]], 'ok']],
    )
    expect(r.json.sandboxes.map((s: any) => [s.name, s.state])).to.deep.equal([['alpha', 'ok']])
    expect(mutatingCalls(sim.argvLog())).to.deep.equal([])
    // systemd is asked once (status, before recovering); the wait only asks the gateway whether it answers
    expect(sim.argvLog('systemctl').map((e) => e.argv.join(' '))).to.deep.equal(['--user is-active openshell-gateway'])
  })

  it('a gateway that stays down: the wait is bounded, then the class and its guidance (exit 22)', async () => {
    sim.control('gateway', 'restart', '--delay-ms', '600000')
    const r = await runCli(sim, ['recover', '--json'], {env: {NEMOCLAW_RECOVER_TIMEOUT_MS: '1500'}})
    expect(r.exitCode, r.stdout + r.stderr).to.equal(22)
    expect(r.json.recovery[0].steps.map((s: any) => [s.kind, s.ok, s.note])).to.deep.equal([
      ['wait-healthy', false, 'gateway_refusing_after_restart'],
    ])
    expect(r.json.state).to.equal('gateway_refusing_after_restart')
    expect(mutatingCalls(sim.argvLog())).to.deep.equal([])
  })
})
