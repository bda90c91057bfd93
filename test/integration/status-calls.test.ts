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
    fs.writeFileSync(
      path.join(sim.env.NEMOCLAW_HOME!, 'sandboxes.json'),
      JSON.stringify({defaultSandbox: 's-1', sandboxes, version: 1}),
    )
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
      expect(calls.sort(), run).to.deep.equal([
        '--version',
        'inference get',
        'sandbox list -o json --page-size 1000',
        'status -o json',
      ])
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

describe('list --pruned reads the journal without reconciling', () => {
  let sim: Sim
  before(async () => {
    sim = await createSim({profile: 'modern'})
    const sandboxes: Record<string, object> = {}
    for (const name of ['s-1', 's-2', 'gone']) sandboxes[name] = {gateway: 'nemoclaw', name}
    fs.writeFileSync(
      path.join(sim.env.NEMOCLAW_HOME!, 'sandboxes.json'),
      JSON.stringify({defaultSandbox: 's-1', sandboxes, version: 1}),
    )
    sim.control('sandbox', 'add', 's', '--count', '2')
  })
  after(() => sim?.cleanup())

  it('makes no openshell call, with --json or without, and shows the journaled record', async () => {
    const st = await runCli(sim, ['status', '--json'])
    expect(st.exitCode, st.stderr).to.equal(30)
    expect(st.json.pruned.map((p: any) => p.name)).to.deep.equal(['gone'])
    const registry = fs.readFileSync(path.join(sim.env.NEMOCLAW_HOME!, 'sandboxes.json'), 'utf8')

    sim.clearLog()
    const json = await runCli(sim, ['list', '--pruned', '--json'])
    const text = await runCli(sim, ['list', '--pruned'])
    expect(sim.argvLog()).to.deep.equal([])
    expect(json.exitCode, json.stderr).to.equal(0)
    expect(json.json.pruned.map((p: any) => [p.name, p.status])).to.deep.equal([['gone', 'applied']])
    expect(text.exitCode, text.stderr).to.equal(0)
    expect(text.stdout).to.match(/^gone\s+nemoclaw\s/m)
    expect(fs.readFileSync(path.join(sim.env.NEMOCLAW_HOME!, 'sandboxes.json'), 'utf8'), 'registry untouched').to.equal(
      registry,
    )

    sim.clearLog()
    const list = await runCli(sim, ['list', '--json'])
    expect(list.exitCode, list.stderr).to.equal(0)
    expect(sim.argvLog().length, 'plain list still reconciles').to.be.greaterThan(0)
  })
})
