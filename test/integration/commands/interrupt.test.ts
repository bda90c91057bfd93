import {expect} from 'chai'
import {spawn} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import {assertBuilt, BIN, cliEnv, runCli} from '../../support/cli.js'
import {createSim} from '../../support/sim.js'
import {calls, home, KEY, liveSandboxes, PROFILES, registry, seedLive} from './helpers.js'

const sleep = (ms: number) =>
  new Promise((r) => {
    setTimeout(r, ms)
  })

for (const profile of PROFILES) {
  describe(`onboard interrupted by Ctrl-C (${profile})`, () => {
    it('SIGINT mid-step leaves the registry as it was; the re-run reuses the sandbox and finishes', async () => {
      assertBuilt()
      const sim = await createSim({profile})
      try {
        seedLive(sim, ['keep'])
        const before = fs.readFileSync(path.join(home(sim), 'sandboxes.json'), 'utf8')
        sim.control('latency', '700')
        const env = cliEnv(sim, {NVIDIA_API_KEY: KEY})
        const child = spawn(
          process.execPath,
          [BIN, 'onboard', '--name', 'alpha', '--non-interactive', '--policy', 'npm'],
          {env, stdio: ['ignore', 'pipe', 'pipe']},
        )
        let stderr = ''
        child.stderr.setEncoding('utf8').on('data', (d) => {
          stderr += d
        })
        const exited = new Promise<number | null>((resolve) => {
          child.on('close', (code) => resolve(code))
        })
        // Wait until the sandbox exists (its create is logged when done), then interrupt during wait/policies.
        const deadline = Date.now() + 40_000
        while (!calls(sim).some((c) => c.startsWith('sandbox create')) && Date.now() < deadline) await sleep(100)
        expect(
          calls(sim).some((c) => c.startsWith('sandbox create')),
          'sandbox create ran',
        ).to.equal(true)
        child.kill('SIGINT')
        const code = await exited
        expect(code).to.equal(130)
        expect(stderr).to.contain('Interrupted')
        expect(fs.readFileSync(path.join(home(sim), 'sandboxes.json'), 'utf8'), 'registry unchanged').to.equal(before)
        expect(
          calls(sim).some((c) => c.startsWith('policy set')),
          'interrupted before the policy step finished',
        ).to.equal(false)
        expect(liveSandboxes(sim).alpha).to.not.equal(undefined)

        sim.control('latency', '0')
        sim.clearLog()
        const again = await runCli(
          sim,
          ['onboard', '--name', 'alpha', '--non-interactive', '--policy', 'npm', '--json'],
          {env: {NVIDIA_API_KEY: KEY}},
        )
        expect(again.exitCode, again.stderr + again.stdout).to.equal(0)
        expect(again.json).to.include({ok: true, sandboxReused: true})
        expect(calls(sim).filter((c) => /^sandbox (create|delete)/.test(c))).to.deep.equal([])
        expect(calls(sim).some((c) => c.startsWith('policy set alpha'))).to.equal(true)
        expect(Object.keys(registry(sim).sandboxes).sort()).to.deep.equal(['alpha', 'keep'])
        expect(registry(sim).defaultSandbox).to.equal('keep')
      } finally {
        sim.cleanup()
      }
    })
  })
}
