// Deleting a live sandbox needs the user's confirmation, whichever command does it: `destroy` and
// `onboard --recreate` share one rule. In a terminal the user is asked (naming the sandbox and its gateway, default
// no); under --json, --non-interactive or without a terminal --yes is required, and the refusal comes before any
// openshell call (exit 2, the JSON error document under --json).
import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'

import {runCli, startInTerminal} from '../../support/cli.js'
import {createSim, type Sim} from '../../support/sim.js'
import {calls, errText, home, KEY, liveSandboxes, seedLive} from './helpers.js'

const ONBOARD = ['onboard', '--name', 'beta', '--provider', 'nvidia', '--model', 'm', '--recreate']
const env = {env: {NVIDIA_API_KEY: KEY}}

describe('confirming a deletion: onboard --recreate, like destroy', function () {
  this.timeout(120_000)
  let sim: Sim
  let created: string
  let registryBefore: string
  before(async () => {
    sim = await createSim({profile: 'modern'})
    seedLive(sim, ['beta'])
    created = liveSandboxes(sim).beta.createdAt
    registryBefore = fs.readFileSync(path.join(home(sim), 'sandboxes.json'), 'utf8')
  })
  after(() => sim.cleanup())
  beforeEach(() => sim.clearLog())

  const untouched = () => {
    expect(liveSandboxes(sim).beta?.createdAt, 'beta was not recreated').to.equal(created)
    expect(fs.readFileSync(path.join(home(sim), 'sandboxes.json'), 'utf8')).to.equal(registryBefore)
  }

  for (const [what, extra] of [
    ['--non-interactive', ['--non-interactive']],
    ['no terminal', []],
  ] as const) {
    it(`onboard --recreate without --yes (${what}): exit 2 naming --yes, the sandbox and the gateway; no openshell call`, async () => {
      const r = await runCli(sim, [...ONBOARD, ...extra], env)
      expect(r.exitCode, r.stderr).to.equal(2)
      expect(errText(r)).to.contain("sandbox 'beta' on gateway 'nemoclaw'").and.to.contain('--yes')
      expect(calls(sim)).to.deep.equal([])
      untouched()
    })
  }

  it('onboard --recreate --json without --yes: the JSON error document, exit 2, no openshell call', async () => {
    const r = await runCli(sim, [...ONBOARD, '--json'], env)
    expect(r.exitCode, r.stderr).to.equal(2)
    expect(r.json).to.deep.equal({
      error: {id: 'confirmation_required', message: r.json.error.message},
      schemaVersion: 1,
    })
    expect(r.json.error.message).to.contain("sandbox 'beta' on gateway 'nemoclaw'").and.to.contain('--yes')
    expect(calls(sim)).to.deep.equal([])
    untouched()
  })

  it('destroy --json without --yes: the same JSON error document, exit 2, no openshell call', async () => {
    const r = await runCli(sim, ['destroy', 'beta', '--json'])
    expect(r.exitCode, r.stderr).to.equal(2)
    expect(r.json).to.deep.equal({
      error: {id: 'confirmation_required', message: r.json.error.message},
      schemaVersion: 1,
    })
    expect(r.json.error.message).to.contain("sandbox 'beta'").and.to.contain('nemoclaw destroy beta --yes')
    expect(calls(sim)).to.deep.equal([])
    untouched()
  })

  it('in a terminal, onboard --recreate asks, naming the sandbox and the gateway; "no" deletes nothing', async () => {
    const t = startInTerminal(sim, ONBOARD, env)
    await t.waitFor(/Delete sandbox 'beta' on gateway 'nemoclaw' and create it again\? Its files are lost\./)
    expect(calls(sim), 'asked before any openshell call').to.deep.equal([])
    t.type('n\r')
    const r = await t.done
    expect(r.exitCode, r.output).to.equal(0)
    expect(r.output).to.contain('Nothing deleted')
    expect(calls(sim)).to.deep.equal([])
    untouched()
  })

  it('in a terminal, destroy asks the same way; "no" deletes nothing', async () => {
    const t = startInTerminal(sim, ['destroy', 'beta'])
    await t.waitFor(/Delete sandbox 'beta' on gateway 'nemoclaw'\? Its files are lost\./)
    t.type('n\r')
    const r = await t.done
    expect(r.exitCode, r.output).to.equal(0)
    expect(r.output).to.contain('Nothing deleted')
    expect(calls(sim).filter((c) => c.startsWith('sandbox delete'))).to.deep.equal([])
    expect(liveSandboxes(sim).beta?.createdAt).to.equal(created)
  })

  it('--yes confirms: the sandbox is deleted and created again, never the gateway', async () => {
    const r = await runCli(sim, [...ONBOARD, '--non-interactive', '--yes', '--json'], env)
    expect(r.exitCode, r.stderr).to.equal(0)
    expect(calls(sim).filter((c) => /^sandbox (create|delete)/.test(c))).to.deep.equal([
      'sandbox delete beta',
      'sandbox create --name beta --from openclaw --provider nemoclaw-nvidia',
    ])
    expect(calls(sim).filter((c) => /^gateway /.test(c))).to.deep.equal([])
  })
})
