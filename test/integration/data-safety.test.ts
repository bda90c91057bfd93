// Data safety of the registry under the BUILT CLI: many processes at once, kill -9 in the middle of a write, and
// Ctrl-C during every onboard step. The registry must always be a valid file holding the old or the new version,
// and a re-run must complete.
import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'

import {parseRegistry} from '../../src/lib/registry/schema.js'
import {type CliResult, runCli, spawnCli, startCli} from '../support/cli.js'
import {createSim, type Sim} from '../support/sim.js'

const KEY = {NVIDIA_API_KEY: 'nvapi-data-safety'}
const onboardArgs = (name: string, ...extra: string[]) => ['onboard', '--name', name, '--non-interactive', ...extra]

const registryFile = (sim: Sim) => path.join(sim.env.NEMOCLAW_HOME!, 'sandboxes.json')
const readRegistry = (sim: Sim) => fs.readFileSync(registryFile(sim), 'utf8')
const homeEntries = (sim: Sim) => fs.readdirSync(sim.env.NEMOCLAW_HOME!)

/** A valid registry file: parses with nemoclaw's own parser. */
function parsed(text: string) {
  const r = parseRegistry(text)
  if (!r.ok) throw new Error(`registry is not valid: ${r.detail}\n${text.slice(0, 500)}`)
  return r.registry
}

/** A registry as onboard leaves it, with one Ready sandbox `first` on gateway nemoclaw (live in the simulator). */
function seed(sim: Sim): string {
  sim.control('sandbox', 'add', 'first')
  const text =
    JSON.stringify(
      {
        version: 1,
        defaultSandbox: 'first',
        sandboxes: {
          first: {
            name: 'first',
            gateway: 'nemoclaw',
            createdAt: '2026-01-02T03:04:05.000Z',
            source: 'openclaw',
            provider: 'nvidia',
            model: 'nvidia/nemotron-3-super-120b-a12b',
            policies: [],
            lastSeen: {phase: 'Ready', at: '2026-01-02T03:05:00.000Z'},
            endpointUrl: null,
            credentialEnv: 'NVIDIA_API_KEY',
          },
        },
      },
      null,
      2,
    ) + '\n'
  fs.writeFileSync(registryFile(sim), text)
  return text
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function until<T>(what: string, fn: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = fn()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

/** The registry writer's temp file once it holds something (NEMOCLAW_TEST_WRITE_DELAY_MS pauses it half-way). */
const halfWritten = (sim: Sim, timeoutMs: number) =>
  until(
    'a half-written temp file',
    () => {
      const f = homeEntries(sim).find((n) => n.startsWith('sandboxes.json.tmp-'))
      const p = f && path.join(sim.env.NEMOCLAW_HOME!, f)
      return p && fs.statSync(p).size > 0 ? p : undefined
    },
    timeoutMs,
  )

describe('data safety: concurrency', () => {
  let sim: Sim
  before(async () => {
    sim = await createSim({profile: 'legacy'})
  })
  after(() => sim.cleanup())

  it('16 onboards with distinct names and 4 status runs at once: every record present, the file valid', async function () {
    this.timeout(420_000)
    const names = Array.from({length: 16}, (_, i) => `par-${String(i + 1).padStart(2, '0')}`)
    const runs = await Promise.all([
      ...names.map((n) => spawnCli(sim, onboardArgs(n, '--json'), {env: KEY, timeoutMs: 400_000})),
      ...Array.from({length: 4}, () => spawnCli(sim, ['status', '--json'], {timeoutMs: 400_000})),
    ])
    const onboards = runs.slice(0, 16)
    const statuses = runs.slice(16)
    onboards.forEach((r, i) => {
      expect(r.exitCode, `onboard ${names[i]}: ${r.stdout}\n${r.stderr}`).to.equal(0)
      expect(r.json.record.name).to.equal(names[i])
    })
    // status saw some subset of the sandboxes, each Ready: nothing else is a correct answer mid-onboard.
    for (const s of statuses) {
      expect(s.exitCode, s.stdout + s.stderr).to.equal(0)
      expect(s.json.pruned).to.deep.equal([])
    }

    const registry = parsed(readRegistry(sim))
    expect(Object.keys(registry.sandboxes).sort()).to.deep.equal(names)
    expect(registry.defaultSandbox).to.be.oneOf(names)
    for (const n of names) expect(registry.sandboxes[n]).to.include({gateway: 'nemoclaw', name: n, provider: 'nvidia'})
    expect(Object.keys(sim.state().servers['https://127.0.0.1:8080'].sandboxes).sort()).to.deep.equal(names)
    // No journal (nothing was removed), no temp files, no locks left behind.
    expect(
      homeEntries(sim)
        .filter((f) => f !== 'locks')
        .sort(),
    ).to.deep.equal(['sandboxes.json'])
    expect(fs.readdirSync(path.join(sim.env.NEMOCLAW_HOME!, 'locks'))).to.deep.equal([])
  })

  it('4 onboards of the same name at once: one sandbox, one record, a clear error for each other run', async function () {
    this.timeout(180_000)
    sim.clearLog()
    const before = parsed(readRegistry(sim))
    const runs = await Promise.all(
      Array.from({length: 4}, () => spawnCli(sim, onboardArgs('same', '--json'), {env: KEY, timeoutMs: 170_000})),
    )
    const ok = runs.filter((r) => r.exitCode === 0)
    expect(ok.length, runs.map((r) => `${r.exitCode} ${r.stdout}`).join('\n')).to.be.at.least(1)
    for (const r of runs.filter((x) => x.exitCode !== 0)) {
      // Lost the race: told so at once, with what to do, before touching anything.
      expect(r.exitCode, r.stdout + r.stderr).to.equal(4)
      expect(r.json.error.id).to.equal('busy')
      expect(r.json.error.message).to.match(
        /Another `nemoclaw onboard` for 'same' is running\. Wait for it to finish, then run `nemoclaw status same`/,
      )
    }

    // A run that started after the winner finished reuses its sandbox; only one ever creates it.
    expect(ok.filter((r) => !r.json.sandboxReused)).to.have.length(1)
    const creates = sim.argvLog().filter((e) => e.argv.includes('create') && e.argv.includes('sandbox'))
    expect(creates.map((e) => e.argv[e.argv.indexOf('--name') + 1])).to.deep.equal(['same'])
    const registry = parsed(readRegistry(sim))
    expect(Object.keys(registry.sandboxes).filter((n) => n === 'same')).to.have.length(1)
    expect(Object.keys(registry.sandboxes)).to.have.length(Object.keys(before.sandboxes).length + 1)
    expect(
      Object.keys(sim.state().servers['https://127.0.0.1:8080'].sandboxes).filter((n) => n === 'same'),
    ).to.have.length(1)
  })
})

describe('data safety: kill -9 in the middle of a registry write', () => {
  let sim: Sim
  afterEach(() => sim?.cleanup())

  it('the file is the old version, never torn, and the next onboard succeeds', async function () {
    this.timeout(120_000)
    sim = await createSim({profile: 'modern'})
    const old = seed(sim)
    const run = startCli(sim, onboardArgs('second'), {env: {...KEY, NEMOCLAW_TEST_WRITE_DELAY_MS: '20000'}})
    // The writer (Register, the one registry write of onboard) pauses after half of its temp file: wait until that
    // half is on disk, then kill -9.
    const tmp = await halfWritten(sim, 60_000)
    run.child.kill('SIGKILL')
    const killed = await run.done
    expect(killed.signal).to.equal('SIGKILL')
    // Proof that the kill landed mid-write: the temp file is torn. The registry itself is untouched.
    expect(() => JSON.parse(fs.readFileSync(tmp, 'utf8'))).to.throw()
    expect(readRegistry(sim)).to.equal(old)

    const next = await runCli(sim, onboardArgs('second', '--json'), {env: KEY, timeoutMs: 90_000})
    expect(next.exitCode, next.stdout + next.stderr).to.equal(0)
    expect(next.json.sandboxReused).to.equal(true)
    const registry = parsed(readRegistry(sim))
    expect(Object.keys(registry.sandboxes).sort()).to.deep.equal(['first', 'second'])
    expect(registry.sandboxes.first).to.deep.equal(parsed(old).sandboxes.first)
    // The orphaned temp file was cleaned up by the next writer.
    expect(homeEntries(sim).filter((n) => n.includes('.tmp-'))).to.deep.equal([])
  })
})

describe('data safety: Ctrl-C during each onboard step', () => {
  // Each step is held open while SIGINT arrives: openshell calls are slowed by the simulator's latency, and SIGINT
  // is sent once the simulator has taken the step's own call (`call`: the first call only that step makes); the
  // Register step (no openshell call) is held by the registry writer's test pause, and SIGINT is sent once its temp
  // file is half-written.
  const STEPS: Array<{
    title: string
    profile: 'legacy' | 'modern'
    latencyMs: number
    call?: string
    writeDelayMs?: number
  }> = [
    {call: '--version', latencyMs: 2000, profile: 'legacy', title: 'Preflight'},
    {call: 'status', latencyMs: 2000, profile: 'modern', title: "Gateway 'nemoclaw'"},
    {call: 'provider get', latencyMs: 2000, profile: 'legacy', title: 'Inference'},
    {call: 'sandbox create', latencyMs: 2000, profile: 'modern', title: "Sandbox 'alpha'"},
    {call: 'policy set', latencyMs: 2000, profile: 'legacy', title: 'Policies'},
    {latencyMs: 0, profile: 'modern', title: 'Register', writeDelayMs: 4000},
  ]
  interface StepRun {
    sim: Sim
    old: string
    afterInterrupt: string
    interrupted: CliResult
    rerun: CliResult
  }
  const results = new Map<string, StepRun | Error>()

  before(async function () {
    this.timeout(400_000)
    const runStep = async (step: (typeof STEPS)[number]): Promise<StepRun> => {
      const sim = await createSim({profile: step.profile})
      const old = seed(sim)
      sim.control('latency', String(step.latencyMs))
      const env: Record<string, string> = {...KEY}
      if (step.writeDelayMs) env.NEMOCLAW_TEST_WRITE_DELAY_MS = String(step.writeDelayMs)
      const run = startCli(sim, onboardArgs('alpha', '--policy', 'github'), {env, timeoutMs: 120_000})
      if (step.call) await run.waitForCall(step.call, {timeoutMs: 100_000})
      else await halfWritten(sim, 100_000)
      run.child.kill('SIGINT')
      const interrupted = await run.done
      const afterInterrupt = readRegistry(sim)
      sim.control('latency', '0')
      const rerun = await runCli(sim, onboardArgs('alpha', '--policy', 'github', '--json'), {
        env: KEY,
        timeoutMs: 120_000,
      })
      return {afterInterrupt, interrupted, old, rerun, sim}
    }

    const queue = [...STEPS]
    await Promise.all(
      [1, 2].map(async () => {
        for (let s = queue.shift(); s; s = queue.shift()) {
          results.set(s.title, await runStep(s).catch((error: Error) => error))
        }
      }),
    )
  })

  after(() => {
    for (const r of results.values()) if (!(r instanceof Error)) r.sim.cleanup()
  })

  for (const step of STEPS) {
    it(`${step.title} (${step.profile}): the registry stays consistent and a re-run completes`, () => {
      const r = results.get(step.title)
      if (!r || r instanceof Error) throw r ?? new Error('did not run')
      const {afterInterrupt, interrupted, old, rerun, sim} = r
      expect(interrupted.exitCode, interrupted.stderr).to.equal(130)
      // The signal landed during this step: the step before it ended, this one never did.
      const before = STEPS[STEPS.indexOf(step) - 1]
      if (before) expect(interrupted.stderr).to.match(new RegExp(`^✔ ${escape(before.title)}  ✔`, 'm'))
      expect(interrupted.stderr).not.to.match(new RegExp(`^. ${escape(step.title)}  `, 'm'))
      expect(interrupted.stderr).to.match(
        /Interrupted\. The registry is written only by the last step, atomically, so it is consistent; run the same command again to finish\./,
      )
      // Interrupted before its own write completed: the old file, byte for byte (also for Register: the write was
      // paused half-way through its temp file when SIGINT came).
      expect(afterInterrupt).to.equal(old)
      expect(rerun.exitCode, rerun.stdout + rerun.stderr).to.equal(0)
      expect(rerun.json.ok).to.equal(true)
      const registry = parsed(readRegistry(sim))
      expect(Object.keys(registry.sandboxes).sort()).to.deep.equal(['alpha', 'first'])
      expect(registry.sandboxes.first).to.deep.equal(parsed(old).sandboxes.first)
      expect(registry.sandboxes.alpha).to.include({gateway: 'nemoclaw', provider: 'nvidia'})
      expect(registry.sandboxes.alpha.policies).to.deep.equal(['github'])
      const server = Object.values<any>(sim.state().servers).find((s) => s.name === 'nemoclaw')
      expect(Object.keys(server.sandboxes).sort()).to.deep.equal(['alpha', 'first'])
      expect(homeEntries(sim).filter((n) => n.includes('.tmp-'))).to.deep.equal([])
    })
  }
})
