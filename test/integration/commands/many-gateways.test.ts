// Records on two gateways while a third, unrelated one is selected: `recover` and `doctor --fix` select ONE
// gateway (the default sandbox's, or the named sandbox's) and never flip the selection back and forth.
import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'

import {mutatingCalls, runCli} from '../../support/cli.js'
import {createSim, type Sim} from '../../support/sim.js'
import {PROFILES, seedRegistry} from './helpers.js'

const active = (sim: Sim) =>
  fs.readFileSync(path.join(sim.home, '.config', 'openshell', 'active_gateway'), 'utf8').trim()
const selects = (sim: Sim) =>
  mutatingCalls(sim.argvLog())
    .map((a) => a.join(' '))
    .filter((c) => c.includes('gateway select'))

for (const profile of PROFILES) {
  describe(`records on two gateways (${profile})`, function () {
    this.timeout(120_000)
    let sim: Sim
    beforeEach(async () => {
      sim = await createSim({profile})
      sim.control('gateway', 'add-other', 'lab')
      sim.control('gateway', 'add-other', 'scratch', '--activate')
      sim.control('sandbox', 'add', 'alpha')
      sim.control('sandbox', 'add', 'beta', '--gateway', 'lab')
      seedRegistry(sim, [{name: 'alpha'}, {gateway: 'lab', name: 'beta'}])
      sim.clearLog()
    })
    afterEach(() => sim.cleanup())

    it("recover selects only the default sandbox's gateway; a second recover and doctor --fix select nothing", async () => {
      const r = await runCli(sim, ['recover', '--json'])
      expect(selects(sim), r.stderr).to.deep.equal(['gateway select nemoclaw'])
      expect(active(sim)).to.equal('nemoclaw')
      expect(Object.fromEntries(r.json.sandboxes.map((s: any) => [s.name, s.state]))).to.deep.equal({
        alpha: 'ok',
        beta: 'gateway_other_active',
      })
      sim.clearLog()
      await runCli(sim, ['recover', '--json'])
      const fix = await runCli(sim, ['doctor', '--fix', '--json'])
      expect(selects(sim), fix.stderr).to.deep.equal([])
      expect(active(sim)).to.equal('nemoclaw')
    })

    it("recover NAME selects the named sandbox's gateway; doctor --fix then leaves it (it holds records)", async () => {
      const r = await runCli(sim, ['recover', 'beta', '--json'])
      expect(selects(sim), r.stderr).to.deep.equal(['gateway select lab'])
      expect(active(sim)).to.equal('lab')
      sim.clearLog()
      const fix = await runCli(sim, ['doctor', '--fix', '--json'])
      expect(selects(sim), fix.stderr).to.deep.equal([])
      expect(active(sim)).to.equal('lab')
    })
  })
}
