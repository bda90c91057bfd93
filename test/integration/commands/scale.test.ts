// Many sandboxes: a constant number of openshell calls, and every live sandbox seen (0.1.x pages its list).
import {expect} from 'chai'

import {runCli} from '../../support/cli.js'
import {createSim, type Sim} from '../../support/sim.js'
import {calls, journal, PROFILES, registryNames, seedRegistry} from './helpers.js'

const names = (n: number) => Array.from({length: n}, (_, i) => `s-${i + 1}`)

for (const profile of PROFILES) {
  describe(`many sandboxes (${profile})`, () => {
    let sim: Sim
    before(async () => {
      sim = await createSim({profile})
      sim.control('sandbox', 'add', 's', '--count', '150')
    })
    after(() => sim.cleanup())

    it('status for 50 registered sandboxes makes at most 4 openshell calls (version, status, the inference route, one list), none per sandbox', async () => {
      seedRegistry(
        sim,
        names(50).map((name) => ({name})),
      )
      sim.clearLog()
      const r = await runCli(sim, ['status', '--json'])
      expect(r.exitCode, r.stderr).to.equal(0)
      expect(r.json.sandboxes).to.have.length(50)
      expect(r.json.sandboxes.every((s: any) => s.state === 'ok')).to.equal(true)
      const log = calls(sim)
      expect(log.length, log.join('\n')).to.be.at.most(4)
      expect(log.filter((c) => c.startsWith('sandbox get'))).to.deep.equal([])
      expect(
        log.filter((c) => c.startsWith('sandbox list')),
        'one list for all 50',
      ).to.have.length(1)
    })

    it('with 150 live sandboxes registered, every one is seen; none missing, none pruned', async () => {
      seedRegistry(
        sim,
        names(150).map((name) => ({name})),
      )
      sim.clearLog()
      const [st, ls] = await Promise.all([runCli(sim, ['status', '--json']), runCli(sim, ['list', '--json'])])
      expect(st.exitCode, st.stderr).to.equal(0)
      expect(st.json.sandboxes.filter((s: any) => s.state !== 'ok')).to.deep.equal([])
      expect(st.json.sandboxes).to.have.length(150)
      expect(st.json.pruned).to.deep.equal([])
      expect(ls.exitCode, ls.stderr).to.equal(0)
      expect(ls.json.sandboxes.map((s: any) => s.name).sort()).to.deep.equal(names(150).sort())
      expect(registryNames(sim)).to.have.length(150)
      expect(journal(sim)).to.deep.equal([])
      expect(calls(sim).filter((c) => c.startsWith('sandbox list'))).to.have.length(2)
    })
  })
}

describe('sandbox list paging (modern 0.1.x)', () => {
  it('follows next_page_token: a sandbox on the second page is seen, not pruned', async () => {
    const sim = await createSim({profile: 'modern'})
    try {
      // The simulator, like 0.1.x, serves at most 1000 per page.
      sim.control('sandbox', 'add', 's', '--count', '1010')
      seedRegistry(sim, [{name: 's-1'}, {name: 's-1010'}])
      sim.clearLog()
      const r = await runCli(sim, ['status', '--json'])
      expect(r.exitCode, r.stderr).to.equal(0)
      expect(r.json.sandboxes.map((s: any) => [s.name, s.state])).to.deep.equal([
        ['s-1', 'ok'],
        ['s-1010', 'ok'],
      ])
      expect(registryNames(sim)).to.deep.equal(['s-1', 's-1010'])
      const lists = calls(sim).filter((c) => c.startsWith('sandbox list'))
      expect(lists).to.have.length(2)
      expect(lists[1]).to.contain('--page-token ')
    } finally {
      sim.cleanup()
    }
  })
})
