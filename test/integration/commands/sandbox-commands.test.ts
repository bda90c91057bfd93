// connect, list, logs, destroy, recover NAME, status NAME and the NemoClaw-style `nemoclaw <sandbox> <action>`.
import {expect} from 'chai'

import {spawn} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import {assertBuilt, BIN, cliEnv, mutatingCalls, runCli, spawnCli} from '../../support/cli.js'
import {makeReadOnly, unmountAll} from '../../support/mounts.js'
import {createSim, type Sim} from '../../support/sim.js'
import {calls, errText, journal, liveSandboxes, PROFILES, registryNames, seedRegistry, verbs} from './helpers.js'

const sleep = (ms: number) =>
  new Promise((r) => {
    setTimeout(r, ms)
  })

for (const profile of PROFILES) {
  describe(`sandbox commands (${profile})`, () => {
    let sim: Sim
    before(async () => {
      sim = await createSim({profile})
      sim.control('sandbox', 'add', 'alpha')
      sim.control('sandbox', 'add', 'beta')
      sim.control('sandbox', 'add', 'gamma', '--phase', 'Provisioning')
      seedRegistry(sim, [{name: 'alpha'}, {name: 'beta'}, {name: 'gamma'}])
    })
    after(() => sim.cleanup())
    beforeEach(() => sim.clearLog())

    it("status NAME exits with that sandbox's class; global status with the worst", async () => {
      const [one, all, nc] = await Promise.all([
        runCli(sim, ['status', 'alpha', '--json']),
        runCli(sim, ['status', '--json']),
        runCli(sim, ['alpha', 'status', '--json']),
      ])
      expect(one.exitCode, one.stderr).to.equal(0)
      expect(one.json.sandboxes.map((s: any) => s.name)).to.deep.equal(['alpha'])
      expect(all.exitCode).to.equal(31)
      expect(all.json.state).to.equal('sandbox_not_ready')
      expect(nc.exitCode, 'nemoclaw alpha status').to.equal(0)
      expect(nc.json.sandboxes.map((s: any) => [s.name, s.state])).to.deep.equal([['alpha', 'ok']])
      expect(mutatingCalls(sim.argvLog())).to.deep.equal([])
    })

    it('connect hands the terminal to openshell for a Ready sandbox; --probe-only stops after the check', async () => {
      const r = await spawnCli(sim, ['connect', 'alpha']) // a real process: the terminal is handed to openshell
      expect(r.exitCode, r.stderr).to.equal(0)
      expect(r.stdout).to.contain('Connected to alpha (simulated)')
      // The prerun hook's one status + one list, then the hand-over: the command does not probe again.
      // (status and sandbox list run concurrently: their order varies)
      expect(verbs(sim).sort()).to.deep.equal(['--version', 'sandbox connect', 'sandbox list', 'status'])
      expect(calls(sim).at(-1)).to.equal('sandbox connect alpha')
      sim.clearLog()
      const [probe, nc] = await Promise.all([
        runCli(sim, ['connect', 'alpha', '--probe-only', '--json']),
        runCli(sim, ['alpha', 'connect', '--probe-only']),
      ])
      expect(probe.exitCode, probe.stderr).to.equal(0)
      expect(probe.json.sandbox).to.include({name: 'alpha', state: 'ok'})
      expect(nc.exitCode, nc.stderr).to.equal(0)
      expect(calls(sim).filter((c) => c.startsWith('sandbox connect'))).to.deep.equal([])
    })

    it('connect to a sandbox that is not Ready prints its class at once and exits with its code', async () => {
      const r = await runCli(sim, ['connect', 'gamma'])
      expect(r.exitCode).to.equal(31)
      expect(r.stderr).to.contain('gamma')
      expect(r.durationMs).to.be.below(15_000)
      expect(calls(sim).filter((c) => c.startsWith('sandbox connect'))).to.deep.equal([])
      const json = await runCli(sim, ['connect', 'gamma', '--json'])
      expect(json.exitCode).to.equal(31)
      expect(json.json.sandbox).to.include({phase: 'Provisioning', state: 'sandbox_not_ready'})
    })

    it('connect with the gateway down fails fast with gateway_unreachable and changes nothing', async () => {
      sim.control('gateway', 'stop')
      try {
        const r = await runCli(sim, ['connect', 'alpha'])
        expect(r.exitCode).to.equal(21)
        expect(r.stderr).to.contain('nemoclaw recover')
        expect(r.durationMs).to.be.below(15_000)
        expect(mutatingCalls(sim.argvLog())).to.deep.equal([])
        expect(sim.argvLog('systemctl').filter((e) => !e.argv.includes('is-active'))).to.deep.equal([])
      } finally {
        sim.control('gateway', 'start')
      }
    })

    it('connect / logs / status of a name that is not registered: exit 2, pointing at list and onboard', async () => {
      const rs = await Promise.all(['connect', 'logs', 'status'].map((c) => runCli(sim, [c, 'nosuch'])))
      for (const r of rs) {
        expect(r.exitCode).to.equal(2)
        expect(errText(r)).to.contain("No sandbox 'nosuch' is registered").and.contain('nemoclaw onboard --name nosuch')
      }
    })

    it('list shows every registered sandbox with its live state; the default is marked', async () => {
      const [text, json] = await Promise.all([runCli(sim, ['list']), runCli(sim, ['list', '--json'])])
      expect(text.exitCode, text.stderr).to.equal(0)
      expect(text.stdout).to.match(/alpha \*\s+nemoclaw\s+Ready\s+ok/)
      expect(text.stdout).to.match(/gamma\s+nemoclaw\s+Provisioning\s+sandbox_not_ready/)
      expect(json.json.defaultSandbox).to.equal('alpha')
      expect(json.json.sandboxes.map((s: any) => [s.name, s.state])).to.deep.equal([
        ['alpha', 'ok'],
        ['beta', 'ok'],
        ['gamma', 'sandbox_not_ready'],
      ])
      expect(mutatingCalls(sim.argvLog())).to.deep.equal([])
    })

    it('logs NAME -n 5 maps to `openshell logs NAME -n 5`; NemoClaw-style order too', async () => {
      const [r, json, nc] = await Promise.all([
        runCli(sim, ['logs', 'alpha', '-n', '5']),
        runCli(sim, ['logs', 'beta', '-n', '3', '--json']),
        runCli(sim, ['gamma', 'logs', '-n', '2']),
      ])
      expect(r.exitCode, r.stderr).to.equal(0)
      expect(r.stdout.trim().split('\n')).to.have.length(5)
      expect(r.stdout).to.contain('[alpha] simulated log line 20')
      expect(json.json.lines).to.have.length(3)
      expect(nc.exitCode, 'logs of a Provisioning sandbox are allowed').to.equal(0)
      expect(nc.stdout.trim().split('\n')).to.have.length(2)
      expect(
        calls(sim)
          .filter((c) => c.startsWith('logs'))
          .sort(),
      ).to.deep.equal(['logs alpha -n 5', 'logs beta -n 3', 'logs gamma -n 2'])
    })

    it('logs --follow streams `openshell logs NAME --tail` until Ctrl-C', async () => {
      assertBuilt()
      const child = spawn(process.execPath, [BIN, 'logs', 'alpha', '--follow'], {
        detached: true,
        env: cliEnv(sim),
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let out = ''
      child.stdout.setEncoding('utf8').on('data', (d) => {
        out += d
      })
      const closed = new Promise<void>((resolve) => {
        child.on('close', () => resolve())
      })
      const deadline = Date.now() + 30_000
      while (!out.includes('simulated log line 20') && Date.now() < deadline) await sleep(100)
      process.kill(-child.pid!, 'SIGINT') // Ctrl-C reaches the terminal's whole process group
      await closed
      expect(out).to.contain('[alpha] simulated log line 20')
      expect(calls(sim).filter((c) => c.startsWith('logs'))).to.deep.equal(['logs alpha -n 200 --tail'])
    })

    it('recover NAME on a healthy gateway changes nothing and exits 0', async () => {
      const r = await runCli(sim, ['alpha', 'recover', '--json'])
      expect(r.exitCode, r.stderr).to.equal(0)
      expect(r.json.recovery).to.deep.equal([])
      expect(r.json.sandboxes.map((s: any) => [s.name, s.state])).to.deep.equal([['alpha', 'ok']])
      expect(verbs(sim).sort(), 'nothing recovered, no second probe').to.deep.equal([
        '--version',
        'sandbox list',
        'status',
      ])
    })

    it('destroy without --yes on a non-TTY refuses (exit 2) before any openshell call, leaving the registry byte-identical', async () => {
      const file = path.join(sim.env.NEMOCLAW_HOME!, 'sandboxes.json')
      const before = fs.readFileSync(file)
      sim.clearLog()
      const r = await runCli(sim, ['destroy', 'beta'])
      expect(sim.argvLog()).to.deep.equal([])
      expect(fs.readFileSync(file).equals(before)).to.equal(true)
      expect(r.exitCode).to.equal(2)
      expect(errText(r)).to.contain('--yes')
      expect(mutatingCalls(sim.argvLog())).to.deep.equal([])
      expect(liveSandboxes(sim).beta).to.not.equal(undefined)
      expect(registryNames(sim)).to.deep.equal(['alpha', 'beta', 'gamma'])
      expect(journal(sim)).to.deep.equal([])
    })

    it('destroy --yes deletes on the gateway, then the record, journaled', async () => {
      const r = await runCli(sim, ['destroy', 'beta', '--yes', '--json'])
      expect(r.exitCode, r.stderr).to.equal(0)
      expect(r.json.destroyed).to.include({gateway: 'nemoclaw', name: 'beta'})
      expect(
        mutatingCalls(sim.argvLog()).map((a) => a.filter((w, i, all) => w !== '-g' && all[i - 1] !== '-g').join(' ')),
      ).to.deep.equal(['sandbox delete beta'])
      expect(liveSandboxes(sim).beta).to.equal(undefined)
      expect(registryNames(sim)).to.deep.equal(['alpha', 'gamma'])
      const j = journal(sim)
      expect(j.map((e) => [e.op, e.name, e.reason])).to.deep.equal([['prune', 'beta', 'destroyed by user']])
      const pruned = await runCli(sim, ['list', '--pruned'])
      expect(pruned.stdout).to.match(/beta\s+nemoclaw\s+\S+\s+destroyed by user/)
    })

    it('destroy while the gateway is down refuses with its guidance and keeps the record', async () => {
      sim.control('gateway', 'stop')
      try {
        const r = await runCli(sim, ['gamma', 'destroy', '--yes'])
        expect(r.exitCode).to.equal(21)
        expect(r.stderr).to.contain("Cannot delete sandbox 'gamma'")
        // scripts get the same refusal as a JSON document on stdout
        const j = await runCli(sim, ['destroy', 'gamma', '--yes', '--json'])
        expect(j.exitCode).to.equal(21)
        expect(j.json.error).to.include({id: 'gateway_unreachable'})
        expect(j.json.error.message).to.match(/^Cannot delete sandbox 'gamma' now\./)
        expect(mutatingCalls(sim.argvLog())).to.deep.equal([])
        expect(registryNames(sim)).to.deep.equal(['alpha', 'gamma'])
      } finally {
        sim.control('gateway', 'start')
      }
    })
  })
}

describe('destroy when the registry cannot be written (read-only NEMOCLAW_HOME)', () => {
  let sim: Sim
  let file: string
  let original: string
  before(async () => {
    sim = await createSim({profile: 'modern'})
    sim.control('sandbox', 'add', 'alpha')
    seedRegistry(sim, [{name: 'alpha'}, {name: 'gone'}])
    file = path.join(sim.env.NEMOCLAW_HOME!, 'sandboxes.json')
    // alpha's lastSeen is fresh: a read would not write it again, destroy still must (its proof of a writable registry)
    expect((await runCli(sim, ['status', 'alpha', '--json'])).exitCode).to.equal(0)
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).sandboxes.alpha.lastSeen.phase).to.equal('Ready')
    original = fs.readFileSync(file, 'utf8')
    makeReadOnly(sim.env.NEMOCLAW_HOME!)
  })
  after(() => {
    unmountAll()
    sim?.cleanup()
  })
  beforeEach(() => sim.clearLog())

  it('a live sandbox: nothing is deleted (its record could not be removed afterwards), one JSON error, exit 1', async () => {
    const r = await runCli(sim, ['destroy', 'alpha', '--yes', '--json'])
    expect(r.exitCode, r.stdout + r.stderr).to.equal(1)
    expect(r.json.error.id).to.equal('registry_unwritable')
    expect(r.json.error.message).to.match(
      /^Nothing was deleted: .*because nemoclaw's home directory is on a read-only file system/,
    )
    expect(mutatingCalls(sim.argvLog())).to.deep.equal([])
    expect(liveSandboxes(sim).alpha).to.not.equal(undefined)
    expect(fs.readFileSync(file, 'utf8')).to.equal(original)
  })

  it('a sandbox already gone: not reported as destroyed while its record stays', async () => {
    const r = await runCli(sim, ['destroy', 'gone', '--yes', '--json'])
    expect(r.exitCode, r.stdout + r.stderr).to.equal(1)
    expect(r.json.error.id).to.equal('record_not_removed')
    expect(r.json.error.message).to.match(
      /^Sandbox 'gone' is already gone on gateway 'nemoclaw', but its record could not be removed because nemoclaw's home/,
    )
    expect(fs.readFileSync(file, 'utf8')).to.equal(original)
  })
})

describe('names and help (no openshell call)', () => {
  let sim: Sim
  before(async () => {
    sim = await createSim({profile: 'modern'})
    seedRegistry(sim, [{name: 'alpha'}])
  })
  after(() => sim.cleanup())
  beforeEach(() => sim.clearLog())
  afterEach(() => {
    expect(
      sim.argvLog().map((e) => e.argv.join(' ')),
      'no openshell call',
    ).to.deep.equal([])
    expect(sim.argvLog('systemctl')).to.deep.equal([])
  })

  it('invalid names are refused with the rule by status, connect, logs and destroy', async () => {
    const cases: Array<[string, string]> = [
      ['status', 'Alpha'],
      ['connect', 'a;rm'],
      ['logs', '../x'],
      ['destroy', 'a'.repeat(20)],
      ['connect', 'status'],
    ]
    const rs = await Promise.all(
      cases.map(([c, n]) =>
        runCli(
          sim,
          [c, n, '--yes'].filter((a) => a !== '--yes' || c === 'destroy'),
        ),
      ),
    )
    for (const [i, r] of rs.entries()) {
      expect(r.exitCode, cases[i].join(' ')).to.equal(2)
      const msg = errText(r)
      if (cases[i][1] === 'status') expect(msg).to.contain("'status' is a nemoclaw command")
      else expect(msg, cases[i].join(' ')).to.contain('lowercase letters, digits')
    }
  })

  it('help makes no openshell call; every command has a description and examples', async () => {
    const commands = ['onboard', 'status', 'connect', 'list', 'logs', 'destroy', 'recover']
    const rs = await Promise.all([
      ...commands.map((c) => runCli(sim, [c, '--help'])),
      runCli(sim, ['help', 'status']),
      runCli(sim, ['alpha', 'status', '--help']),
    ])
    for (const [i, r] of rs.entries()) {
      const what = i < commands.length ? commands[i] : `extra ${i}`
      expect(r.exitCode, what).to.equal(0)
      expect(r.stdout, what).to.contain('DESCRIPTION').and.contain('EXAMPLES').and.contain('USAGE')
      expect(r.stdout.split('EXAMPLES')[1], what).to.contain('nemoclaw ')
    }
  })
})
