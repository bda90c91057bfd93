import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'

import {runCli} from '../support/cli.js'
import {createSim, type Sim} from '../support/sim.js'

describe('status: a constant number of openshell calls, with or without the version hint', () => {
  let sim: Sim
  before(async () => {
    sim = await createSim({profile: 'modern'})
    const sandboxes: Record<string, object> = {}
    for (let i = 1; i <= 50; i++) sandboxes[`s-${i}`] = {gateway: 'nemoclaw', name: `s-${i}`}
    fs.writeFileSync(path.join(sim.env.NEMOCLAW_HOME!, 'sandboxes.json'), JSON.stringify({defaultSandbox: 's-1', sandboxes, version: 1}))
    sim.control('sandbox', 'add', 's', '--count', '50')
  })
  after(() => sim?.cleanup())

  it('first run detects the version and remembers it; the next run reuses it as a hint; 4 calls each time (one inference get per gateway)', async () => {
    const hint = path.join(sim.home, '.cache', 'nemoclaw', 'openshell-version.json')
    for (const run of ['first', 'second']) {
      sim.clearLog()
      const r = await runCli(sim, ['status', '--json'])
      expect(r.exitCode, `${run}: ${r.stderr}`).to.equal(0)
      expect(r.json.sandboxes).to.have.length(50)
      expect(r.json.sandboxes.every((s: any) => s.state === 'ok' && s.phase === 'Ready')).to.equal(true)
      const calls = sim.argvLog().map((e) => (e.argv[0] === '-g' ? e.argv.slice(2) : e.argv).join(' '))
      expect(calls.sort(), run).to.deep.equal(['--version', 'inference get', 'sandbox list -o json --page-size 1000', 'status -o json'])
      expect(r.json.gateway.inference, run).to.equal(null)
      expect(JSON.parse(fs.readFileSync(hint, 'utf8')).version, run).to.equal('0.1.2')
    }
  })

  it('status NAME also costs 4 calls', async () => {
    sim.clearLog()
    const r = await runCli(sim, ['status', 's-7', '--json'])
    expect(r.exitCode, r.stderr).to.equal(0)
    expect(r.json.sandboxes.map((s: any) => [s.name, s.state])).to.deep.equal([['s-7', 'ok']])
    expect(sim.argvLog()).to.have.length(4)
  })
})
