import {expect} from 'chai'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

import {endEarlyRound, startEarlyRound} from '../../../src/lib/openshell/early.js'
import {
  callLog,
  openshellRequests,
  resetRunnerForTests,
  runOpenshell,
  startEarly,
} from '../../../src/lib/openshell/runner.js'

/** Runs of the fake binary, one line each: the argv and the marker it was started with. */
function runs(logFile: string): string[] {
  return fs.existsSync(logFile)
    ? fs
        .readFileSync(logFile, 'utf8')
        .trim()
        .split('\n')
        .filter((l) => l !== '')
    : []
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}

describe('openshell/early starts', function () {
  this.timeout(10_000)
  let dir: string
  let bin: string
  let logFile: string
  let env: NodeJS.ProcessEnv

  beforeEach(() => {
    resetRunnerForTests()
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-early-'))
    logFile = path.join(dir, 'runs.log')
    bin = path.join(dir, 'openshell')
    // Logs every run; `sleep` hangs (its pid in a file) until killed.
    fs.writeFileSync(
      bin,
      `#!/bin/sh\necho "$* marker=$MARK" >> '${logFile}'\nif [ "$1" = sleep ]; then echo $$ > '${dir}/sleep.pid'; exec sleep 30; fi\necho "answer $*"\n`,
      {mode: 0o755},
    )
    env = {
      HOME: dir,
      MARK: 'a',
      NEMOCLAW_OPENSHELL_BIN: bin,
      PATH: process.env.PATH,
      XDG_CACHE_HOME: path.join(dir, 'cache'),
    }
  })

  afterEach(() => {
    resetRunnerForTests()
    fs.rmSync(dir, {force: true, recursive: true})
  })

  it('a call adopts the early start of the identical spawn: one process, the same answer, logged once', async () => {
    expect(startEarly({argv: ['status'], gateway: 'g1', kind: 'probe'}, env, bin)).to.equal(true)
    const r = await runOpenshell(['status'], {baseEnv: env, binary: bin, gateway: 'g1', kind: 'probe'})
    expect(r.stdout).to.equal('answer -g g1 status\n')
    expect(runs(logFile)).to.deep.equal(['-g g1 status marker=a'])
    expect(callLog().map((c) => c.argv)).to.deep.equal([['-g', 'g1', 'status']])
  })

  it('a different environment or timeout spawns afresh (the early start stays unadopted)', async () => {
    startEarly({argv: ['status'], gateway: 'g1', kind: 'probe'}, env, bin)
    const other = await runOpenshell(['status'], {
      baseEnv: {...env, MARK: 'b'},
      binary: bin,
      gateway: 'g1',
      kind: 'probe',
    })
    expect(other.stdout).to.equal('answer -g g1 status\n')
    const timed = await runOpenshell(['status'], {
      baseEnv: env,
      binary: bin,
      gateway: 'g1',
      kind: 'probe',
      timeoutMs: 1234,
    })
    expect(timed.timeoutMs).to.equal(1234)
    expect(runs(logFile).sort()).to.deep.equal([
      '-g g1 status marker=a',
      '-g g1 status marker=a',
      '-g g1 status marker=b',
    ])
  })

  it('only probes start early', () => {
    expect(startEarly({argv: ['sandbox', 'delete', 'x'], kind: 'operation'}, env, bin)).to.equal(false)
    expect(runs(logFile)).to.deep.equal([])
  })

  it('an early start nobody adopts is killed at the end of the round, not waited for', async () => {
    fs.mkdirSync(path.join(dir, 'cache', 'nemoclaw'), {recursive: true})
    fs.writeFileSync(
      path.join(dir, 'cache', 'nemoclaw', 'early-probes.json'),
      JSON.stringify({rounds: {status: {binary: bin, calls: [{argv: ['sleep'], kind: 'probe'}]}}}),
    )
    const round = startEarlyRound('status', env)
    const pidFile = path.join(dir, 'sleep.pid')
    while (!fs.existsSync(pidFile) || fs.readFileSync(pidFile, 'utf8') === '')
      await new Promise((r) => setTimeout(r, 10))
    const pid = Number(fs.readFileSync(pidFile, 'utf8'))
    expect(alive(pid)).to.equal(true)
    endEarlyRound(round)
    const deadline = Date.now() + 5000
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
    expect(alive(pid)).to.equal(false)
  })

  it('a round remembers the probes before the first other call, per command and binary, and replays them', async () => {
    const first = startEarlyRound('status', env)
    await runOpenshell(['status'], {baseEnv: env, binary: bin, gateway: 'g1', kind: 'probe'})
    await runOpenshell(['sandbox', 'list'], {baseEnv: env, binary: bin, gateway: 'g1', kind: 'probe'})
    await runOpenshell(['sandbox', 'start', 'x'], {baseEnv: env, binary: bin, gateway: 'g1', kind: 'operation'})
    await runOpenshell(['inference', 'get'], {baseEnv: env, binary: bin, gateway: 'g1', kind: 'probe'})
    endEarlyRound(first)
    const stored = JSON.parse(fs.readFileSync(path.join(dir, 'cache', 'nemoclaw', 'early-probes.json'), 'utf8'))
    expect(stored.rounds.status).to.deep.equal({
      binary: bin,
      calls: [
        {argv: ['status'], gateway: 'g1', kind: 'probe'},
        {argv: ['sandbox', 'list'], gateway: 'g1', kind: 'probe'},
      ],
    })

    resetRunnerForTests()
    fs.rmSync(logFile)
    const second = startEarlyRound('status', env)
    // both started before anything asked for them
    while (runs(logFile).length < 2) await new Promise((r) => setTimeout(r, 10))
    expect(runs(logFile).sort()).to.deep.equal(['-g g1 sandbox list marker=a', '-g g1 status marker=a'])
    await runOpenshell(['status'], {baseEnv: env, binary: bin, gateway: 'g1', kind: 'probe'})
    await runOpenshell(['sandbox', 'list'], {baseEnv: env, binary: bin, gateway: 'g1', kind: 'probe'})
    endEarlyRound(second)
    expect(runs(logFile)).to.have.length(2)
    expect(openshellRequests()).to.have.length(2)

    // another command's round is its own; another binary replays nothing
    expect(startEarlyRound('list', env).stored).to.equal(undefined)
    const otherBin = path.join(dir, 'openshell2')
    fs.copyFileSync(bin, otherBin)
    fs.chmodSync(otherBin, 0o755)
    startEarlyRound('status', {...env, NEMOCLAW_OPENSHELL_BIN: otherBin})
    expect(runs(logFile)).to.have.length(2)
  })
})
