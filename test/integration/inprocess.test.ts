// runCli runs the built CLI in the test process (test/support/inprocess.ts). This checks that it is the same as
// running bin/run.js: two identical simulators, the same command sequence — reads, mutations, errors, the
// `nemoclaw <name> <action>` rewrite, usage errors, an unknown command, a recovery — once in-process and once as
// child processes; exit codes, stdout, stderr, the openshell calls made and the files written must be equal (up to
// durations, temporary paths, generated ids, clock times and the pid a journal entry names).
import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'

import {type CliResult, runCli, spawnCli} from '../support/cli.js'
import {createSim, type Sim} from '../support/sim.js'

const KEY = {NVIDIA_API_KEY: 'nvapi-equivalence'}

const SEQUENCE: Array<{args: string[]; env?: Record<string, string>; before?: (sim: Sim) => void}> = [
  {args: ['--version']},
  {args: ['status', '--json']},
  {args: ['onboard', '--name', 'alpha', '--non-interactive', '--json'], env: KEY},
  {args: ['onboard', '--name', 'beta', '--non-interactive', '--policy', 'github'], env: KEY},
  {args: ['list']},
  {args: ['alpha', 'status']},
  {args: ['connect', 'alpha', '--probe-only', '--json']},
  {args: ['doctor', '--json']},
  {args: ['status', 'Bad!']},
  {args: ['status', '--no-such-flag', '--json']},
  {args: ['nosuch']},
  {args: ['destroy', 'beta']},
  {args: ['destroy', 'beta', '--yes', '--json']},
  {args: ['status', '--json'], before: (sim) => sim.control('gateway', 'stop')},
  {args: ['recover', '--json']},
  {args: ['status', '--json'], before: (sim) => sim.control('sandbox', 'remove', 'alpha')},
]

function normalise(text: string, sim: Sim): string {
  return text
    .replaceAll(sim.dir, '<SIM>')
    .replaceAll(/"durationMs": \d+/g, '"durationMs": N')
    .replaceAll(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<TIME>')
    .replaceAll(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<UUID>')
    .replaceAll(/ca-[0-9a-f]{12}/g, '<CA>')
    .replaceAll(/\d+ ms\b/g, 'N ms')
    .replaceAll(/"pid": ?\d+/g, '"pid":N') // the journal names the writing process
}

function files(sim: Sim): Record<string, string> {
  const home = sim.env.NEMOCLAW_HOME!
  const out: Record<string, string> = {}
  for (const f of fs.readdirSync(home)) {
    const p = path.join(home, f)
    if (fs.statSync(p).isFile()) out[f] = normalise(fs.readFileSync(p, 'utf8'), sim)
  }

  return out
}

interface Step {
  exitCode: number | null
  stdout: string
  stderr: string
  calls: string[]
  files: Record<string, string>
}

async function play(run: typeof runCli): Promise<Step[]> {
  const sim = await createSim({profile: 'modern'})
  try {
    const steps: Step[] = []
    for (const s of SEQUENCE) {
      s.before?.(sim)
      sim.clearLog()
      const r: CliResult = await run(sim, s.args, {env: s.env})
      steps.push({
        calls: sim
          .argvLog()
          .map((e) => e.argv.join(' '))
          .sort(),
        exitCode: r.exitCode,
        files: files(sim),
        // the task lines of probes that run concurrently finish in either order, in a process too: compared as a set
        stderr: normalise(r.stderr, sim).split('\n').sort().join('\n'),
        stdout: normalise(r.stdout, sim),
      })
    }

    return steps
  } finally {
    sim.cleanup()
  }
}

describe('runCli in-process is the same as the built CLI as a process', function () {
  this.timeout(300_000)

  it(`${SEQUENCE.length} commands (reads, onboard, destroy, errors, recover): the same exit codes, output, openshell calls and files`, async () => {
    const [inProcess, spawned] = await Promise.all([play(runCli), play(spawnCli)])
    expect(
      inProcess.map((s) => s.exitCode),
      'exit codes',
    ).to.deep.equal(spawned.map((s) => s.exitCode))
    // every exit code class is covered: success, usage, not found, a gateway class
    expect(new Set(spawned.map((s) => s.exitCode))).to.include.members([0, 2, 21, 127])
    SEQUENCE.forEach((s, i) => {
      expect(inProcess[i], `nemoclaw ${s.args.join(' ')}`).to.deep.equal(spawned[i])
    })
  })
})
