// status / recover across the gateway lifecycle, both OpenShell generations: exit code, --json and the registry.
import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'

import {mutatingCalls, runCli} from '../../support/cli.js'
import {createSim, type Sim} from '../../support/sim.js'
import {calls, journal, PROFILES, registry, registryNames, seedLive} from './helpers.js'

const NAMES = ['alpha', 'beta']

async function setup(profile: 'legacy' | 'modern', arrange: (sim: Sim) => void = () => {}): Promise<Sim> {
  const sim = await createSim({profile})
  seedLive(sim, NAMES)
  arrange(sim)
  sim.clearLog()
  return sim
}

/** status must never change the gateway: no mutating openshell call, no systemctl start/stop/restart. */
function expectReadOnly(sim: Sim): void {
  expect(mutatingCalls(sim.argvLog()), 'mutating openshell calls').to.deep.equal([])
  expect(
    sim
      .argvLog('systemctl')
      .map((e) => e.argv.join(' '))
      .filter((a) => !a.includes('is-active')),
  ).to.deep.equal([])
}

function states(json: any): string[][] {
  return json.sandboxes.map((s: any) => [s.name, s.state, s.phase])
}

for (const profile of PROFILES) {
  describe(`status across the gateway lifecycle (${profile})`, () => {
    let sim: Sim
    afterEach(() => sim?.cleanup())

    it('all well: exit 0, the documented --json shape, lastSeen updated, one sandbox list', async () => {
      sim = await setup(profile)
      const r = await runCli(sim, ['status', '--json'])
      expect(r.exitCode, r.stderr).to.equal(0)
      expect(r.json.schemaVersion).to.equal(1)
      expect(r.json.gateway).to.include({
        name: 'nemoclaw',
        state: 'ok',
        version: profile === 'legacy' ? '0.0.26' : '0.1.2',
      })
      expect(r.json.gateway.endpoint).to.equal(
        profile === 'legacy' ? 'https://127.0.0.1:8080' : 'https://127.0.0.1:17670',
      )
      expect(states(r.json)).to.deep.equal([
        ['alpha', 'ok', 'Ready'],
        ['beta', 'ok', 'Ready'],
      ])
      for (const s of r.json.sandboxes) {
        expect(s).to.have.keys('name', 'gateway', 'state', 'phase', 'guidance', 'exitCode')
        expect(s.guidance.diagnosis).to.be.a('string').and.have.length.above(10)
      }

      expect(registry(sim).sandboxes.alpha.lastSeen.phase).to.equal('Ready')

      expect(calls(sim).filter((c) => c.startsWith('sandbox '))).to.deep.equal([
        profile === 'legacy' ? 'sandbox list --limit 1000 --offset 0' : 'sandbox list -o json --page-size 1000',
      ])
      expect(calls(sim).some((c) => c.startsWith('sandbox get'))).to.equal(false)
      expectReadOnly(sim)

      // seen again within a minute, in the same phase: nothing to write, so no lock and no write at all
      const file = path.join(sim.env.NEMOCLAW_HOME!, 'sandboxes.json')
      const written = fs.statSync(file)
      const again = await runCli(sim, ['status', '--json'])
      expect(again.exitCode, again.stderr).to.equal(0)
      const after = fs.statSync(file)
      expect([after.ino, after.mtimeMs]).to.deep.equal([written.ino, written.mtimeMs])
    })

    it('gateway restarted: Provisioning is sandbox_not_ready (31), records kept; recover waits until Ready (0)', async () => {
      sim = await setup(profile, (s) => s.control('gateway', 'restart', '--provisioning-ms', '60000'))
      const r = await runCli(sim, ['status', '--json'])
      expect(r.exitCode, r.stderr).to.equal(31)
      expect(states(r.json)).to.deep.equal([
        ['alpha', 'sandbox_not_ready', 'Provisioning'],
        ['beta', 'sandbox_not_ready', 'Provisioning'],
      ])
      expect(r.json.gateway.state).to.equal('ok')
      expect(registryNames(sim)).to.deep.equal(NAMES)
      expectReadOnly(sim)

      sim.control('gateway', 'restart', '--delay-ms', '300', '--provisioning-ms', '800')
      const rec = await runCli(sim, ['recover', '--json'])
      expect(rec.exitCode, rec.stderr).to.equal(0)
      expect(states(rec.json)).to.deep.equal([
        ['alpha', 'ok', 'Ready'],
        ['beta', 'ok', 'Ready'],
      ])
      expect(registryNames(sim)).to.deep.equal(NAMES)
      expect(calls(sim).filter((c) => /^(gateway (destroy|remove)|sandbox (delete|create))/.test(c))).to.deep.equal([])
    })

    it('gateway stopped: gateway_unreachable (21), records kept, nothing started; recover starts it (0)', async () => {
      sim = await setup(profile, (s) => s.control('gateway', 'stop'))
      const r = await runCli(sim, ['status', '--json'])
      expect(r.exitCode, r.stderr).to.equal(21)
      expect(r.json.gateway.state).to.equal('gateway_unreachable')
      expect(states(r.json)).to.deep.equal([
        ['alpha', 'gateway_unreachable', null],
        ['beta', 'gateway_unreachable', null],
      ])
      expect(r.json.sandboxes[0].guidance.steps.join('\n')).to.contain('nemoclaw recover')
      expect(registryNames(sim)).to.deep.equal(NAMES)
      expect(registry(sim).sandboxes.alpha.lastSeen, 'nothing seen, nothing written').to.equal(null)
      expectReadOnly(sim)

      const text = await runCli(sim, ['status'])
      expect(text.exitCode).to.equal(21)
      expect(text.stdout).to.contain('gateway_unreachable')

      sim.clearLog()
      const rec = await runCli(sim, ['recover', '--json'])
      expect(rec.exitCode, rec.stderr).to.equal(0)
      expect(states(rec.json)).to.deep.equal([
        ['alpha', 'ok', 'Ready'],
        ['beta', 'ok', 'Ready'],
      ])
      if (profile === 'legacy') expect(calls(sim)).to.include('gateway start --name nemoclaw')
      else expect(sim.argvLog('systemctl').map((e) => e.argv.join(' '))).to.include('--user start openshell-gateway')
      expect(calls(sim).filter((c) => /^(gateway (destroy|remove)|sandbox (delete|create))/.test(c))).to.deep.equal([])
    })

    it('still refusing after a start: recover stops at gateway_refusing_after_restart (22), records kept', async () => {
      sim = await setup(profile, (s) => {
        s.control('gateway', 'stop')
        s.control('gateway', 'refuse', 'on')
      })
      const rec = await runCli(sim, ['recover', '--json'], {env: {NEMOCLAW_RECOVER_TIMEOUT_MS: '1500'}})
      expect(rec.exitCode, rec.stderr).to.equal(22)
      expect(rec.json.state).to.equal('gateway_refusing_after_restart')
      expect(rec.json.recovery[0].after).to.equal('gateway_refusing_after_restart')
      expect(registryNames(sim)).to.deep.equal(NAMES)
      expect(
        calls(sim).filter(
          (c) => /^(gateway (destroy|remove)|sandbox (delete|create))/.test(c) || c.includes('--recreate'),
        ),
      ).to.deep.equal([])

      sim.clearLog()
      const st = await runCli(sim, ['status', '--json'])
      // Legacy has no service manager to ask whether a start happened; modern's systemd says the service is active.
      expect(st.exitCode).to.equal(profile === 'legacy' ? 21 : 22)
      expect(registryNames(sim)).to.deep.equal(NAMES)
      expectReadOnly(sim)
    })

    it('sandbox gone from a healthy gateway (rebuilt): record removed and journaled (30); list --pruned shows it', async () => {
      sim = await setup(profile, (s) => s.control('sandbox', 'remove', 'beta'))
      const r = await runCli(sim, ['status', '--json'])
      expect(r.exitCode, r.stderr).to.equal(30)
      expect(states(r.json)).to.deep.equal([
        ['alpha', 'ok', 'Ready'],
        ['beta', 'sandbox_missing', null],
      ])
      expect(r.json.pruned.map((p: any) => p.name)).to.deep.equal(['beta'])
      expect(registryNames(sim)).to.deep.equal(['alpha'])
      const j = journal(sim)
      expect(j.map((e) => [e.op, e.name])).to.deep.equal([['prune', 'beta']])
      expect(j[0].record.gateway).to.equal('nemoclaw')
      expectReadOnly(sim)

      const [again, pruned, connect] = await Promise.all([
        runCli(sim, ['status', '--json']),
        runCli(sim, ['list', '--pruned', '--json']),
        runCli(sim, ['connect', 'beta', '--probe-only', '--json']),
      ])
      expect(again.exitCode, 'the stale record is gone, all is well').to.equal(0)
      expect(connect.exitCode, 'a pruned name is still reported as missing, not as never registered').to.equal(30)
      expect(connect.json.error.id).to.equal('sandbox_missing')
      expect(connect.json.error.message).to.match(
        /no longer registered: it was removed at .*does not list sandbox 'beta'.*nemoclaw onboard --name beta/,
      )
      expect(pruned.exitCode).to.equal(0)
      expect(pruned.json.pruned.map((p: any) => [p.name, p.record.gateway])).to.deep.equal([['beta', 'nemoclaw']])
      expect(journal(sim)).to.have.length(1)
    })

    it('gateway rebuilt with a new CA: gateway_trust_rotated (23), records kept; recover re-imports trust, then prunes on proof', async () => {
      sim = await setup(profile, (s) => s.control('gateway', 'rebuild'))
      const r = await runCli(sim, ['status', '--json'])
      expect(r.exitCode, r.stderr).to.equal(23)
      expect(r.json.gateway.state).to.equal('gateway_trust_rotated')
      expect(states(r.json)).to.deep.equal([
        ['alpha', 'gateway_trust_rotated', null],
        ['beta', 'gateway_trust_rotated', null],
      ])
      expect(registryNames(sim), 'no proof without trust').to.deep.equal(NAMES)
      expect(journal(sim)).to.deep.equal([])
      expectReadOnly(sim)

      sim.clearLog()
      const rec = await runCli(sim, ['recover', '--json'])
      expect(rec.exitCode, rec.stderr).to.equal(30)
      expect(rec.json.gateways[0].state).to.equal('ok')
      expect(states(rec.json)).to.deep.equal([
        ['alpha', 'sandbox_missing', null],
        ['beta', 'sandbox_missing', null],
      ])
      expect(registryNames(sim)).to.deep.equal([])
      expect(
        journal(sim)
          .map((e) => e.name)
          .sort(),
      ).to.deep.equal(NAMES)
      const gw = calls(sim).filter((c) => c.startsWith('gateway '))
      // Trust is re-imported from the local gateway's own bundle (legacy: `gateway start` of the same name).
      expect(rec.json.recovery[0].steps.map((s: any) => [s.kind, s.ok])).to.deep.include(['reimport-trust', true])
      expect(gw.filter((c) => /destroy|--recreate/.test(c))).to.deep.equal([])
    })

    it('another gateway active: gateway_other_active (25), records kept even for a sandbox it does not list', async () => {
      sim = await setup(profile, (s) => {
        s.control('gateway', 'add-other', 'openshell', '--activate')
        s.control('sandbox', 'remove', 'beta')
      })
      const r = await runCli(sim, ['status', '--json'])
      expect(r.exitCode, r.stderr).to.equal(25)
      expect(r.json.gateway.state).to.equal('gateway_other_active')
      expect(r.json.sandboxes.map((s: any) => s.state)).to.deep.equal(['gateway_other_active', 'gateway_other_active'])
      expect(r.json.sandboxes[0].guidance.steps.join('\n')).to.contain('nemoclaw')
      expect(registryNames(sim)).to.deep.equal(NAMES)
      expect(journal(sim)).to.deep.equal([])
      expectReadOnly(sim)
    })

    it('OPENSHELL_GATEWAY overrides the selection: gateway_other_active (25) naming the variable, records kept', async () => {
      sim = await setup(profile, (s) => s.control('gateway', 'add-other', 'openshell'))
      const r = await runCli(sim, ['status', '--json'], {env: {OPENSHELL_GATEWAY: 'openshell'}})
      expect(r.exitCode, r.stderr).to.equal(25)
      expect(r.json.gateway.state).to.equal('gateway_other_active')
      expect(JSON.stringify(r.json.gateway.guidance)).to.contain('OPENSHELL_GATEWAY')
      expect(registryNames(sim)).to.deep.equal(NAMES)
      expectReadOnly(sim)
    })

    it('hung sandbox list: probe_timeout (40) within the bound, naming the command; records kept', async () => {
      sim = await setup(profile, (s) => s.control('fault', 'set', 'sandbox list', 'hang'))
      const r = await runCli(sim, ['status', '--json'], {env: {NEMOCLAW_PROBE_TIMEOUT_MS: '1500'}})
      expect(r.exitCode, r.stderr).to.equal(40)
      expect(r.json.sandboxes.map((s: any) => s.state)).to.deep.equal(['probe_timeout', 'probe_timeout'])
      expect(JSON.stringify(r.json.sandboxes[0].guidance)).to.contain('openshell sandbox list')
      expect(r.durationMs).to.be.below(15_000)
      expect(registryNames(sim)).to.deep.equal(NAMES)
      expect(journal(sim)).to.deep.equal([])
    })
  })
}
