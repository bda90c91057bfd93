import {expect} from 'chai'
import {spawn} from 'node:child_process'
import fs from 'node:fs'
import {callsStarted, createSim, type Sim} from '../support/sim.js'
import {os, osAsync} from './run.js'

/** How many processes are in process group `pgid` (Linux /proc). */
function groupSize(pgid: number): number {
  let n = 0
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue
    try {
      // fields after the command name (which may contain spaces): state ppid pgrp …
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pgid) n++
    } catch {
      // gone meanwhile
    }
  }

  return n
}

describe('simulator: faults, latency, concurrency', () => {
  let sim: Sim
  before(async () => {
    sim = await createSim({profile: 'modern'})
  })
  after(() => sim.cleanup())
  afterEach(() => sim.control('fault', 'clear'))

  it('hang: a grandchild holds stdout; only a process-group kill ends the call', async () => {
    sim.control('fault', 'set', 'sandbox list', 'hang')
    const child = spawn('openshell', ['sandbox', 'list'], {
      env: sim.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let closed = false
    const done = new Promise<void>((resolve) =>
      child.stdout.on('close', () => {
        closed = true
        resolve()
      }),
    )
    // wait until the grandchild runs (a second process in the child's group), then kill only the direct child
    const deadline = Date.now() + 30_000
    while (groupSize(child.pid!) < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    expect(groupSize(child.pid!), 'the hang fault started its grandchild').to.be.at.least(2)
    child.kill('SIGKILL') // kills only the direct child: the grandchild keeps the pipe open
    await new Promise((r) => setTimeout(r, 300))
    expect(closed).to.equal(false)
    process.kill(-child.pid!, 'SIGKILL')
    await Promise.race([
      done,
      new Promise((_, rej) => setTimeout(() => rej(new Error('pipe still open after group kill')), 3000)),
    ])
    expect(sim.argvLog().at(-1)).to.include({fault: 'hang', exitCode: null})
  })

  it('crash: killed by SIGKILL', () => {
    sim.control('fault', 'set', 'status', 'crash')
    const r = os(sim, ['status'])
    expect([r.code, r.signal]).to.deep.equal([null, 'SIGKILL'])
  })

  it('garbage, huge and exit:N', () => {
    sim.control('fault', 'set', 'gateway info', 'garbage')
    const g = os(sim, ['gateway', 'info'])
    expect(g.code).to.equal(0)
    expect(g.stdout.length).to.be.greaterThan(1000)
    expect(g.stdout).to.match(/^[\x21-\x7e\n]+$/)
    sim.control('fault', 'set', 'sandbox list', 'huge')
    const h = os(sim, ['sandbox', 'list'])
    expect([h.code, h.stdout.length]).to.deep.equal([0, 5 * 1024 * 1024])
    sim.control('fault', 'set', 'sandbox get', 'exit:3', '--stderr', 'boom')
    const e = os(sim, ['sandbox', 'get', 'x'])
    expect([e.code, e.stdout, e.stderr]).to.deep.equal([3, '', 'boom\n'])
    expect(os(sim, ['--version']).code).to.equal(0) // other commands unaffected
  })

  it('latency delays every command', () => {
    sim.control('latency', '400')
    const t = Date.now()
    os(sim, ['--version'])
    expect(Date.now() - t).to.be.greaterThanOrEqual(400)
    sim.control('latency', '0')
  })

  it('each call is recorded when it starts (before its latency); the argv log records it when it ends', async () => {
    const startedBefore = callsStarted(sim.env).length
    sim.control('latency', '1500')
    sim.clearLog()
    const call = osAsync(sim, ['-g', 'nemoclaw', 'sandbox', 'list'])
    const deadline = Date.now() + 30_000
    while (callsStarted(sim.env).length === startedBefore && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20))
    const started = callsStarted(sim.env).slice(startedBefore)
    expect(started.map((c) => [c.cmd, c.argv])).to.deep.equal([['openshell', ['-g', 'nemoclaw', 'sandbox', 'list']]])
    expect(sim.argvLog(), 'still in flight: not in the argv log yet').to.deep.equal([])
    await call
    sim.control('latency', '0')
    expect(sim.argvLog().map((e) => e.argv.slice(2, 4))).to.deep.equal([['sandbox', 'list']])
    // a call answered without a process of its own is recorded too
    os(sim, ['--version'])
    expect(
      callsStarted(sim.env)
        .slice(startedBefore + 1)
        .map((c) => c.argv),
    ).to.deep.equal([['--version']])
  })

  it('12 parallel sandbox creates (and reads) all land in the state', async () => {
    const names = Array.from({length: 12}, (_, i) => `par-${i}`)
    const results = await Promise.all([
      ...names.map((n) => osAsync(sim, ['sandbox', 'create', '--name', n])),
      ...Array.from({length: 4}, () => osAsync(sim, ['sandbox', 'list', '-o', 'json'])),
    ])
    expect(results.map((r) => r.code)).to.deep.equal(new Array(16).fill(0))
    const listed = JSON.parse(os(sim, ['sandbox', 'list', '-o', 'json']).stdout).sandboxes.map((s: any) => s.name)
    expect(listed).to.include.members(names)
    expect(sim.argvLog().filter((e) => e.argv[1] === 'create')).to.have.length(12)
  })
})
