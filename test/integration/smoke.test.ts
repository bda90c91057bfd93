import {expect} from 'chai'

import {mutatingCalls, runCli} from '../support/cli.js'
import {createSim, type Sim} from '../support/sim.js'

describe('smoke: onboard then status against the simulator', () => {
  let sim: Sim
  afterEach(() => sim?.cleanup())

  for (const profile of ['legacy', 'modern'] as const) {
    it(`${profile}: onboard registers a Ready sandbox and status reports it with exit 0`, async () => {
      sim = await createSim({profile})
      const on = await runCli(sim, ['onboard', '--name', 'alpha', '--non-interactive', '--json'], {
        env: {NVIDIA_API_KEY: 'nvapi-smoke-secret'},
      })
      expect(on.exitCode, on.stderr).to.equal(0)
      expect(on.json.ok).to.equal(true)
      expect(on.json.gatewayReused).to.equal(true)
      sim.clearLog()
      const st = await runCli(sim, ['status', '--json'])
      expect(st.exitCode, st.stderr).to.equal(0)
      expect(st.json.sandboxes.map((s: any) => [s.name, s.state, s.phase])).to.deep.equal([['alpha', 'ok', 'Ready']])
      expect(mutatingCalls(sim.argvLog())).to.deep.equal([])
    })
  }
})
