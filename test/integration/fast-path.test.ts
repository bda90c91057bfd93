// The fast path (status, list and `NAME status` without oclif) prints exactly what the oclif dispatch prints, with
// the same exit code, in every state it meets; and it really does not load oclif. NEMOCLAW_FAST_PATH=0 forces the
// oclif dispatch for the comparison. Real processes (spawnCli): the in-process runner takes the oclif path.
import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'

import {ROOT, spawnCli, type CliResult} from '../support/cli.js'
import {createSim, type Sim} from '../support/sim.js'

const SPY = path.join(ROOT, 'test', 'support', 'load-spy.mjs')

/** What must be equal between the two dispatches: durations and timestamps masked; concurrent probes end in any order. */
function comparable(r: CliResult): {exitCode: number | null; stdout: string; stderr: string[]} {
  const mask = (s: string) =>
    s.replaceAll(/"durationMs": \d+/g, '"durationMs": 0').replaceAll(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>')
  return {exitCode: r.exitCode, stderr: mask(r.stderr).split('\n').sort(), stdout: mask(r.stdout)}
}

describe('fast path: the same answer as oclif, without loading oclif', function () {
  this.timeout(120_000)
  let sim: Sim
  let spyLog: string

  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnCli(sim, args, {env: {NEMOCLAW_LOAD_SPY_LOG: spyLog, NODE_OPTIONS: `--import=${SPY}`, ...env}})

  async function both(args: string[]): Promise<{fast: CliResult; oclif: CliResult; fastLoaded: string[]}> {
    fs.writeFileSync(spyLog, '')
    const fast = await run(args)
    const fastLoaded = fs.readFileSync(spyLog, 'utf8').split('\n').filter(Boolean)
    const oclif = await run(args, {NEMOCLAW_FAST_PATH: '0'})
    return {fast, fastLoaded, oclif}
  }

  before(async () => {
    sim = await createSim({profile: 'modern'})
    spyLog = path.join(sim.dir, 'loaded.log')
    fs.writeFileSync(
      path.join(sim.env.NEMOCLAW_HOME!, 'sandboxes.json'),
      JSON.stringify({
        defaultSandbox: 'alpha',
        sandboxes: {alpha: {gateway: 'nemoclaw', name: 'alpha'}, beta: {gateway: 'nemoclaw', name: 'beta'}},
        version: 1,
      }),
    )
    sim.control('sandbox', 'add', 'alpha')
    sim.control('sandbox', 'add', 'beta', '--phase', 'Provisioning')
  })
  after(() => sim?.cleanup())

  const healthy: string[][] = [
    ['status'],
    ['status', '--json'],
    ['alpha', 'status'],
    ['status', 'beta', '--json'],
    ['status', 'nope'],
    ['status', 'nope', '--json'],
    ['status', 'BAD_NAME'],
    ['status', 'BAD_NAME', '--json'],
    ['status', 'help'],
    ['list'],
    ['list', '--json'],
  ]
  for (const args of healthy) {
    it(`nemoclaw ${args.join(' ')}`, async () => {
      const {fast, fastLoaded, oclif} = await both(args)
      expect(comparable(fast)).to.deep.equal(comparable(oclif))
      expect(fast.stdout + fast.stderr).to.not.equal('')
      // A run that ends well never imports oclif; an error is printed by oclif's own handler.
      if (fast.exitCode === 0 || args.includes('--json'))
        expect(fastLoaded.filter((s) => s.startsWith('@oclif/'))).to.deep.equal([])
    })
  }

  it('the gateway down (21) and the registry unreadable (3): the same words and exit codes', async () => {
    sim.control('gateway', 'stop')
    try {
      for (const [args, exit] of [
        [['status'], 21],
        [['status', '--json'], 21],
        [['list'], 0],
      ] as const) {
        const {fast, oclif} = await both([...args])
        expect(fast.exitCode, args.join(' ')).to.equal(exit)
        expect(comparable(fast), args.join(' ')).to.deep.equal(comparable(oclif))
      }
    } finally {
      sim.control('gateway', 'start')
    }

    const file = path.join(sim.env.NEMOCLAW_HOME!, 'sandboxes.json')
    const saved = fs.readFileSync(file, 'utf8')
    fs.writeFileSync(file, '{not json')
    try {
      for (const args of [['status'], ['list', '--json']]) {
        const {fast, oclif} = await both(args)
        expect(fast.exitCode, args.join(' ')).to.equal(3)
        expect(comparable(fast), args.join(' ')).to.deep.equal(comparable(oclif))
      }
    } finally {
      fs.writeFileSync(file, saved)
    }
  })

  it('every other command, --help and NEMOCLAW_FAST_PATH=0 go through oclif', async () => {
    for (const [args, env, exit] of [
      [['status', '--help'], {}, 0],
      [['list', '--pruned'], {}, 0],
      [['status'], {NEMOCLAW_FAST_PATH: '0'}, 31],
    ] as const) {
      fs.writeFileSync(spyLog, '')
      const r = await run([...args], env)
      expect(r.exitCode, args.join(' ')).to.equal(exit)
      expect(fs.readFileSync(spyLog, 'utf8').split('\n'), args.join(' ')).to.include('@oclif/core')
    }
  })
})

describe('fast path: --help from the copy oclif printed last time', function () {
  this.timeout(120_000)
  let sim: Sim
  let spyLog: string
  const run = async (args: string[], env: Record<string, string> = {}) => {
    fs.writeFileSync(spyLog, '')
    const r = await spawnCli(sim, args, {env: {NEMOCLAW_LOAD_SPY_LOG: spyLog, NODE_OPTIONS: `--import=${SPY}`, ...env}})
    return {...r, oclif: fs.readFileSync(spyLog, 'utf8').split('\n').includes('@oclif/core')}
  }

  before(async () => {
    sim = await createSim({profile: 'modern'})
    spyLog = path.join(sim.dir, 'loaded.log')
  })
  after(() => sim?.cleanup())

  it('oclif renders the first time; the same question is then answered byte for byte without oclif', async () => {
    const first = await run(['status', '--help'])
    const second = await run(['status', '--help'])
    expect(first.exitCode).to.equal(0)
    expect(first.stdout).to.match(/^Show gateway health/)
    expect(first.oclif).to.equal(true)
    expect(second.oclif).to.equal(false)
    expect(second.stdout).to.equal(first.stdout)
    expect(second.exitCode).to.equal(0)
  })

  it('another width, another command or NEMOCLAW_FAST_PATH=0 is rendered by oclif again', async () => {
    const wide = await run(['status', '--help'])
    const narrow = await run(['status', '--help'], {OCLIF_COLUMNS: '50'})
    expect(narrow.oclif).to.equal(true)
    expect(narrow.stdout).to.not.equal(wide.stdout)
    expect((await run(['status', '--help'], {OCLIF_COLUMNS: '50'})).oclif).to.equal(false)
    expect((await run(['list', '--help'])).oclif).to.equal(true)
    expect((await run(['status', '--help'], {NEMOCLAW_FAST_PATH: '0'})).oclif).to.equal(true)
  })

  it('`help status` (the help command) and `status` itself never answer from the copy', async () => {
    await run(['status', '--help'])
    const viaCommand = await run(['help', 'status'])
    expect(viaCommand.oclif).to.equal(true)
    const status = await run(['status'])
    expect(status.stdout).to.not.match(/USAGE/)
  })
})

describe("fast path: the last run's probes start while the code loads", function () {
  this.timeout(120_000)
  let sim: Sim
  const calls = () =>
    sim
      .argvLog()
      .map((e) => e.argv.join(' '))
      .sort()
  const rounds = () =>
    JSON.parse(fs.readFileSync(path.join(sim.home, '.cache', 'nemoclaw', 'early-probes.json'), 'utf8')).rounds

  before(async () => {
    sim = await createSim({profile: 'modern'})
    fs.writeFileSync(
      path.join(sim.env.NEMOCLAW_HOME!, 'sandboxes.json'),
      JSON.stringify({defaultSandbox: 'alpha', sandboxes: {alpha: {gateway: 'nemoclaw', name: 'alpha'}}, version: 1}),
    )
    sim.control('sandbox', 'add', 'alpha')
  })
  after(() => sim?.cleanup())

  it('the next run makes exactly the same calls, none twice, and prints the same', async () => {
    sim.clearLog()
    const first = await spawnCli(sim, ['status', '--json'])
    const firstCalls = calls()
    expect(first.exitCode, first.stderr).to.equal(0)
    expect(
      rounds()
        .status.calls.map((c: {argv: string[]}) => c.argv.join(' '))
        .sort(),
    ).to.deep.equal(firstCalls.map((c) => c.replace(/^-g nemoclaw /, '')).sort())

    sim.clearLog()
    const second = await spawnCli(sim, ['status', '--json'])
    expect(second.exitCode, second.stderr).to.equal(0)
    expect(calls()).to.deep.equal(firstCalls)
    expect(comparable(second)).to.deep.equal(comparable(first))
  })

  it('a remembered probe nobody asks for any more is killed unread and changes nothing', async () => {
    const file = path.join(sim.home, '.cache', 'nemoclaw', 'early-probes.json')
    const stored = rounds()
    const extra = {argv: ['sandbox', 'get', 'gone'], gateway: 'nemoclaw', kind: 'probe'}
    fs.writeFileSync(
      file,
      JSON.stringify({rounds: {status: {...stored.status, calls: [...stored.status.calls, extra]}}}),
    )
    const expected = await spawnCli(sim, ['status', '--json'], {env: {NEMOCLAW_FAST_PATH: '0'}})
    sim.clearLog()
    const r = await spawnCli(sim, ['status', '--json'])
    expect(comparable(r)).to.deep.equal(comparable(expected))
    // started early and killed unread at the end (it may be killed before it got to log itself)
    expect(calls().filter((c) => c.endsWith('sandbox get gone'))).to.have.length.at.most(1)
    expect(calls().filter((c) => !c.endsWith('sandbox get gone'))).to.have.length(stored.status.calls.length)
    expect(rounds().status.calls).to.deep.equal(stored.status.calls) // forgotten again
  })
})
