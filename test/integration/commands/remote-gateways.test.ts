// Two gateways registered, one local and one remote: the remote one's trouble (rotated trust, down) is reported
// with its own class and what its owner must do, and nothing of it is changed — its gateways/<name>/ directory
// (mtls/ included) stays byte-identical through `recover`, `doctor --fix` and `onboard`; no service is started.
import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'

import {runCli} from '../../support/cli.js'
import {createSim, type Sim} from '../../support/sim.js'
import {calls, KEY, PROFILES, seedRegistry} from './helpers.js'

/** Every file under the gateway's directory → its bytes (base64), with relative paths. */
function snapshot(sim: Sim, gateway: string): Record<string, string> {
  const dir = path.join(sim.home, '.config', 'openshell', 'gateways', gateway)
  const out: Record<string, string> = {}
  for (const e of fs.readdirSync(dir, {recursive: true, withFileTypes: true})) {
    const file = path.join(e.parentPath ?? (e as any).path, e.name)
    out[path.relative(dir, file)] = e.isFile() ? fs.readFileSync(file).toString('base64') : 'dir'
  }

  return out
}

/** Calls that change a gateway or its registration, and systemctl calls other than reads. */
function changes(sim: Sim): string[] {
  const openshell = calls(sim).filter((c) =>
    /^(gateway (start|stop|add|remove|destroy)|sandbox (create|delete))\b/.test(c),
  )
  const systemctl = sim
    .argvLog('systemctl')
    .map((e) => `systemctl ${e.argv.join(' ')}`)
    .filter((c) => !/is-active|status/.test(c))
  return [...openshell, ...systemctl]
}

/** A short recovery wait: a plan that (wrongly) waits for the remote gateway fails fast instead of hanging. */
const FAST = {env: {NEMOCLAW_RECOVER_TIMEOUT_MS: '3000'}}
const state = (json: any, gateway: string) => json.gateways.find((g: any) => g.name === gateway)?.state
const doctorGateway = (json: any) => json.checks.find((c: any) => c.id === 'gateway')

for (const profile of PROFILES) {
  describe(`a remote gateway beside the local one (${profile})`, function () {
    this.timeout(120_000)
    let sim: Sim
    let before: Record<string, string>
    beforeEach(async () => {
      sim = await createSim({profile})
      sim.control('gateway', 'add-other', 'lab', '--remote', 'gw.example.com')
      sim.control('sandbox', 'add', 'alpha')
      sim.control('sandbox', 'add', 'beta', '--gateway', 'lab')
      seedRegistry(sim, [{name: 'alpha'}, {gateway: 'lab', name: 'beta'}])
    })
    afterEach(() => sim.cleanup())

    describe('its CA rotated', () => {
      beforeEach(() => {
        sim.control('gateway', 'rotate-ca', '--name', 'lab')
        before = snapshot(sim, 'lab')
        sim.clearLog()
      })

      it('recover: lab stays gateway_trust_rotated (23) with what to do; its directory is byte-identical', async () => {
        const r = await runCli(sim, ['recover', '--json'], FAST)
        expect(r.exitCode, r.stderr).to.equal(23)
        expect(state(r.json, 'lab')).to.equal('gateway_trust_rotated')
        expect(state(r.json, 'nemoclaw')).to.equal('ok')
        const lab = r.json.gateways.find((g: any) => g.name === 'lab')
        expect([lab.guidance.diagnosis, ...lab.guidance.steps].join('\n'))
          .to.match(/remote gateway/)
          .and.to.match(/operator/)
        expect(snapshot(sim, 'lab')).to.deep.equal(before)
        expect(changes(sim)).to.deep.equal([])
      })

      it('doctor --fix: no repair for lab; its directory is byte-identical', async () => {
        const r = await runCli(sim, ['doctor', '--fix', '--json'], FAST)
        expect(doctorGateway(r.json).classId, r.stderr).to.equal('gateway_trust_rotated')
        expect(snapshot(sim, 'lab')).to.deep.equal(before)
        expect(changes(sim)).to.deep.equal([])
      })

      it('onboard on lab: refused with its class, nothing changed on it', async () => {
        const r = await runCli(sim, ['onboard', '--name', 'gamma', '--gateway', 'lab', '--non-interactive', '--json'], {
          env: {...FAST.env, NVIDIA_API_KEY: KEY},
        })
        expect(r.exitCode, r.stderr).to.equal(23)
        expect(r.json.state).to.equal('gateway_trust_rotated')
        expect(snapshot(sim, 'lab')).to.deep.equal(before)
        expect(changes(sim)).to.deep.equal([])
      })
    })

    describe('it is down', () => {
      beforeEach(() => {
        sim.control('gateway', 'stop', '--name', 'lab')
        before = snapshot(sim, 'lab')
        sim.clearLog()
      })

      it('recover: lab is gateway_unreachable (21), not "refusing after restart"; nothing is started', async () => {
        const r = await runCli(sim, ['recover', '--json'], FAST)
        expect(r.exitCode, r.stderr).to.equal(21)
        expect(state(r.json, 'lab')).to.equal('gateway_unreachable')
        expect(state(r.json, 'nemoclaw')).to.equal('ok')
        expect(snapshot(sim, 'lab')).to.deep.equal(before)
        expect(changes(sim)).to.deep.equal([])
      })

      it('doctor --fix: nothing is started', async () => {
        const r = await runCli(sim, ['doctor', '--fix', '--json'], FAST)
        expect(doctorGateway(r.json).classId, r.stderr).to.equal('gateway_unreachable')
        expect(snapshot(sim, 'lab')).to.deep.equal(before)
        expect(changes(sim)).to.deep.equal([])
      })
    })
  })
}
