// The same state prints the same words: with records on several gateways, `status` and `list` report the gateways in
// the order of the records (by sandbox name), never in the order their probes happened to finish. A gateway that is
// not registered with openshell is probed without a process, so it always finishes first.
import {expect} from 'chai'

import {runCli} from '../../support/cli.js'
import {createSim, type Sim} from '../../support/sim.js'
import {PROFILES, seedRegistry} from './helpers.js'

for (const profile of PROFILES) {
  describe(`gateways in record order (${profile})`, function () {
    this.timeout(60_000)
    let sim: Sim
    beforeEach(async () => {
      sim = await createSim({profile})
      sim.control('sandbox', 'add', 'alpha')
      seedRegistry(sim, [{name: 'alpha'}, {gateway: 'ghost', name: 'beta'}])
    })
    afterEach(() => sim.cleanup())

    it('status --json, list --json and status list nemoclaw (alpha) before ghost (beta)', async () => {
      const status = await runCli(sim, ['status', '--json'])
      expect(
        status.json.gateways.map((g: any) => g.gateway ?? g.name),
        status.stderr,
      ).to.deep.equal(['nemoclaw', 'ghost'])
      const list = await runCli(sim, ['list', '--json'])
      expect(
        list.json.gateways.map((g: any) => g.name),
        list.stderr,
      ).to.deep.equal(['nemoclaw', 'ghost'])
      const text = await runCli(sim, ['status'])
      expect(text.stdout.indexOf("'nemoclaw'"), text.stdout).to.be.within(0, text.stdout.indexOf("'ghost'"))
    })
  })
}
