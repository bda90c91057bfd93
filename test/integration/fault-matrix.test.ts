// The fault-injection matrix: for each OpenShell profile × each lifecycle fault, run every read-only command in
// COMMANDS against one simulator (the commands concurrently) and assert the class id, the exit code, that the
// registry changed only by lastSeen updates or a journaled, justified removal, and that nothing destructive (for
// these read-only commands: nothing mutating at all) reached the simulator.
//
// The bookkeeping faults (registry lock held by a live process, read-only NEMOCLAW_HOME, full disk) break only the
// registry writes that follow a read. They reuse the 'sandbox vanished' state (alpha's removal is proven, beta is
// Ready): every command of BOOKKEEPING_COMMANDS must still answer with its class and exit code, make the same
// openshell calls as in the 'sandbox vanished' row, and leave the registry byte-identical (alpha's record stays).
//
// Expected classes follow the code's rules (src/lib/gateway/health.ts classifyGateway, src/lib/reconcile/decide.ts
// decide, src/lib/openshell/classify.ts) and the lifecycle table in lifecycle-lessons.md.
import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'

import {DEFAULT_LOCK_TIMEOUT_MS} from '../../src/lib/registry/index.js'
import {isDestructiveArgv} from '../support/recovery-oracles.js'
import {type CliResult, mutatingCalls, spawnCli as runCli} from '../support/cli.js'
import {holdRegistryLock, killLockHolders, type LockHolder} from '../support/lock-holder.js'
import {makeReadOnly, mountFullDisk, restore, unmountAll} from '../support/mounts.js'
import {createSim, type Sim} from '../support/sim.js'

type Profile = 'legacy' | 'modern'
type Env = Record<string, string | undefined>

/** What a row expects every command to report (a command may derive its own expectation from it). */
interface Expected {
  classId: string
  exitCode: number
  /** The class's diagnosis (as the command prints it) must match. */
  diagnosis?: RegExp
}

interface Row {
  fault: string
  /** Put the simulator into the fault; return extra environment for the CLI runs (undefined: none). */
  setup(sim: Sim, profile: Profile): Env | undefined | Promise<Env | undefined>
  /** Undo what setup did outside the simulator's directory (mounts, processes); runs even when the row failed. */
  teardown?(sim: Sim): void | Promise<void>
  /** The commands to run (default COMMANDS). */
  commands?: CommandSpec[]
  expect(profile: Profile): Expected
  /** Records this fault justifies removing (with a pruned.jsonl line each). Only 'sandbox vanished' has any. */
  prunes?: string[]
  /** Rows whose timing matters (a probe timeout) run alone, not alongside other rows. */
  solo?: boolean
  /**
   * Run the commands one after the other, each from the row's starting registry (restored in between), instead of
   * concurrently. For rows where one command's justified write (a prune) changes what the next one sees.
   */
  serial?: boolean
  /** Extra assertions for this row; `runOf` gives another row's run of the same profile (by fault). */
  check?(ctx: RowRun, runOf: (fault: string) => RowRun): void | Promise<void>
}

interface CommandSpec {
  id: string
  argv: string[]
  /** The class id the command reported, from its --json document (its stdout, for a `text` command). */
  classOf(json: any): string | undefined
  /** The diagnosis of the target sandbox, from its --json document (its stdout, for a `text` command). */
  diagnosisOf(json: any): string | undefined
  /** Prints text, not JSON. */
  text?: boolean
  /** The command promises not to change the gateway: no mutating openshell call at all. */
  readOnly: boolean
  /** This command's expectation for a row (default: the row's own). */
  expected?(row: Row, profile: Profile): Expected
  /** Never removes records, even with proof (doctor only reports). */
  neverPrunes?: boolean
}

// The target sandbox is `alpha` (the default); `beta` lives on the same gateway.
const alphaVerdict = (json: any): any => json?.sandboxes?.find((s: any) => s.name === 'alpha')

/**
 * The commands run against every row. `doctor` joins this list as one more entry: its argv (`doctor --json`), where
 * its --json document holds the class (the failing check's status), and `expected` mapping a row's class to the
 * `checks` status doctor must report.
 */
const COMMANDS: CommandSpec[] = [
  {
    argv: ['status', '--json'],
    classOf: (json) => json?.state,
    diagnosisOf: (json) => alphaVerdict(json)?.guidance?.diagnosis,
    id: 'status',
    readOnly: true,
  },
  {
    argv: ['connect', 'alpha', '--probe-only', '--json'],
    classOf: (json) => json?.sandbox?.state,
    diagnosisOf: (json) => json?.sandbox?.guidance?.diagnosis,
    id: 'connect --probe-only',
    readOnly: true,
  },
  {
    argv: ['doctor', '--json'],
    // The most specific finding: the sandboxes check, else the gateway check, else the openshell check.
    classOf: (json) => {
      const byId = (id: string) => json?.checks?.find((c: any) => c.id === id && c.status !== 'skip' && c.classId)
      return (byId('sandboxes') ?? byId('gateway') ?? byId('openshell'))?.classId
    },
    diagnosisOf: (json) => (json?.checks ?? []).map((c: any) => c.detail ?? '').join('\n'),
    // Warnings (another gateway active, a sandbox still provisioning) do not fail doctor; every other finding does.
    expected: (row, profile) => {
      const e = row.expect(profile)
      const warnOnly = ['ok', 'gateway_other_active', 'sandbox_not_ready'].includes(e.classId)
      return {...e, exitCode: warnOnly ? 0 : 1}
    },
    id: 'doctor',
    neverPrunes: true,
    readOnly: true,
  },
]

/**
 * The bookkeeping rows (and the 'sandbox vanished' row they are compared with) also run `status` as text, `list`,
 * and `connect beta`: beta is Ready, so its reconcile has no removal to write and only tries its lastSeen update.
 */
const BOOKKEEPING_COMMANDS: CommandSpec[] = [
  ...COMMANDS,
  {
    argv: ['status'],
    classOf: (stdout: string) => /^alpha \*?\s+\S+\s+\S+\s+(\S+)$/m.exec(stdout)?.[1],
    diagnosisOf: (stdout: string) => stdout,
    id: 'status (text)',
    readOnly: true,
    text: true,
  },
  {
    argv: ['list', '--json'],
    classOf: (json) => alphaVerdict(json)?.state,
    diagnosisOf: (json) => alphaVerdict(json)?.guidance?.diagnosis,
    // list shows verdicts; its exit code is 0 whatever they are
    expected: (row, profile) => ({...row.expect(profile), exitCode: 0}),
    id: 'list',
    readOnly: true,
  },
  {
    argv: ['connect', 'beta', '--probe-only', '--json'],
    classOf: (json) => json?.sandbox?.state,
    diagnosisOf: (json) => json?.sandbox?.guidance?.diagnosis,
    expected: () => ({classId: 'ok', diagnosis: /Sandbox 'beta' is Ready/, exitCode: 0}),
    id: 'connect beta --probe-only',
    // it reconciles beta alone, so it never has the proof to remove alpha
    neverPrunes: true,
    readOnly: true,
  },
]

// Long enough that the calls which do answer (the simulator is a Node script) never reach it on a loaded machine.
const PROBE_TIMEOUT_MS = 3000

/** Hang/crash/garbage/huge hit a different read per profile, so the matrix covers both reads with each fault. */
const TARGET: Record<Profile, {hang: string; crash: string; garbage: string; huge: string}> = {
  legacy: {crash: 'sandbox list', garbage: 'sandbox list', hang: 'status', huge: 'status'},
  modern: {crash: 'status', garbage: 'status', hang: 'sandbox list', huge: 'sandbox list'},
}

const ROWS: Row[] = [
  {
    expect: () => ({classId: 'openshell_missing', diagnosis: /openshell CLI was not found/, exitCode: 10}),
    fault: 'openshell missing',
    setup: () => ({NEMOCLAW_OPENSHELL_BIN: '/nonexistent/openshell', PATH: '/usr/bin:/bin'}),
    check: ({sim}) => void expect(sim.argvLog()).to.deep.equal([]),
  },
  {
    expect: () => ({classId: 'openshell_missing', diagnosis: /cannot be executed/, exitCode: 10}),
    fault: 'openshell not executable',
    setup(sim) {
      const file = path.join(sim.dir, 'openshell-0644')
      fs.copyFileSync(path.join(sim.binDir, 'openshell'), file)
      fs.chmodSync(file, 0o644)
      return {NEMOCLAW_OPENSHELL_BIN: file}
    },
    check: ({sim}) => void expect(sim.argvLog()).to.deep.equal([]),
  },
  {
    expect: () => ({classId: 'gateway_unreachable', diagnosis: /does not answer/, exitCode: 21}),
    fault: 'gateway stopped',
    setup: (sim) => void sim.control('gateway', 'stop'),
  },
  {
    // Modern: systemd says the service is active yet the API refuses. Legacy has no service manager to ask, so a
    // read-only command cannot know a start was tried: the class is plain unreachable (recover, which starts the
    // gateway itself, is what reports refusing-after-restart there).
    expect: (p) =>
      p === 'modern'
        ? {
            classId: 'gateway_refusing_after_restart',
            diagnosis: /is running \(it was started\) but its API still refuses/,
            exitCode: 22,
          }
        : {classId: 'gateway_unreachable', diagnosis: /does not answer/, exitCode: 21},
    fault: 'refusing after restart',
    setup(sim) {
      sim.control('gateway', 'refuse', 'on')
      sim.control('gateway', 'start')
      return undefined
    },
  },
  {
    // The sandboxes are gone, but the handshake fails first: no proof of absence, so no record is removed.
    expect: () => ({
      classId: 'gateway_trust_rotated',
      diagnosis: /certificate from a CA this machine does not trust/,
      exitCode: 23,
    }),
    fault: 'gateway rebuilt',
    setup: (sim) => void sim.control('gateway', 'rebuild'),
  },
  {
    expect: () => ({classId: 'gateway_trust_rotated', diagnosis: /Its sandboxes may still exist/, exitCode: 23}),
    fault: 'trust rotated (sandboxes survive)',
    setup(sim) {
      sim.control('gateway', 'rebuild')
      sim.control('sandbox', 'add', 'alpha')
      sim.control('sandbox', 'add', 'beta')
      return undefined
    },
  },
  {
    expect: () => ({
      classId: 'gateway_auth_required',
      diagnosis: /requires (you to log in|an auth token)/,
      exitCode: 24,
    }),
    fault: 'auth required',
    setup: (sim) => void sim.control('gateway', 'auth', 'on'),
  },
  {
    // beta was deleted meanwhile: its gateway is not the active one, so that is no proof and the record stays.
    expect: () => ({classId: 'gateway_other_active', diagnosis: /Gateway 'x' is active/, exitCode: 25}),
    fault: 'other gateway active (beta deleted meanwhile)',
    setup(sim) {
      sim.control('gateway', 'add-other', 'x', '--activate')
      sim.control('sandbox', 'remove', 'beta')
      return undefined
    },
  },
  {
    expect: () => ({
      classId: 'gateway_other_active',
      diagnosis: /OPENSHELL_GATEWAY=x overrides the gateway selection/,
      exitCode: 25,
    }),
    fault: 'OPENSHELL_GATEWAY override (beta deleted meanwhile)',
    setup(sim) {
      sim.control('gateway', 'add-other', 'x')
      sim.control('sandbox', 'remove', 'beta')
      return {OPENSHELL_GATEWAY: 'x'}
    },
  },
  {
    commands: BOOKKEEPING_COMMANDS,
    expect: () => ({
      classId: 'sandbox_missing',
      diagnosis: /is healthy and active but has no sandbox 'alpha'/,
      exitCode: 30,
    }),
    fault: 'sandbox vanished',
    prunes: ['alpha'],
    serial: true,
    setup: (sim) => void sim.control('sandbox', 'remove', 'alpha'),
  },
  bookkeepingRow({
    cause: 'registry_locked',
    fault: 'sandbox vanished, registry lock held by a live process',
    async setup(sim) {
      holders.set(sim, await holdRegistryLock(sim.env.NEMOCLAW_HOME!))
    },
    async teardown(sim) {
      await holders.get(sim)?.release()
    },
    // the bookkeeping waits briefly for the lock, never a writer's full wait (DEFAULT_LOCK_TIMEOUT_MS)
    maxMs: DEFAULT_LOCK_TIMEOUT_MS,
    words: 'another nemoclaw process holds the registry lock',
  }),
  bookkeepingRow({
    cause: 'read_only',
    fault: 'sandbox vanished, read-only NEMOCLAW_HOME',
    setup: (sim) => makeReadOnly(sim.env.NEMOCLAW_HOME!),
    teardown: (sim) => restore(sim.env.NEMOCLAW_HOME!),
    words: "nemoclaw's home directory is on a read-only file system",
  }),
  bookkeepingRow({
    cause: 'disk_full',
    fault: 'sandbox vanished, disk full',
    setup(sim) {
      const home = sim.env.NEMOCLAW_HOME!
      mountFullDisk(home, {'sandboxes.json': fs.readFileSync(path.join(home, 'sandboxes.json'), 'utf8')})
    },
    teardown: (sim) => restore(sim.env.NEMOCLAW_HOME!),
    words: 'the disk is full',
  }),
  {
    expect: () => ({classId: 'sandbox_error', diagnosis: /is in Error/, exitCode: 32}),
    fault: 'sandbox in Error',
    setup: (sim) => void sim.control('sandbox', 'phase', 'alpha', 'Error'),
  },
  {
    expect: () => ({classId: 'sandbox_not_ready', diagnosis: /is Provisioning: not ready yet/, exitCode: 31}),
    fault: 'Provisioning that never ends',
    setup: (sim) => void sim.control('sandbox', 'phase', 'alpha', 'Provisioning'),
  },
  {
    expect: (p) => ({
      classId: 'probe_timeout',
      diagnosis: new RegExp(`\`openshell ${TARGET[p].hang}\` did not answer within ${PROBE_TIMEOUT_MS / 1000}s`),
      exitCode: 40,
    }),
    fault: 'hung call',
    setup(sim, p) {
      sim.control('fault', 'set', TARGET[p].hang, 'hang')
      return {NEMOCLAW_PROBE_TIMEOUT_MS: String(PROBE_TIMEOUT_MS)}
    },
    solo: true,
    async check({results, sim}) {
      // Bounded: each command returned soon after the probe timeout, and the hung call's whole process group
      // (the simulator leaves a grandchild holding the pipe) is gone (allowing the kernel a moment to reap it).
      for (const r of results.values()) expect(r.cli.durationMs).to.be.below(15_000)
      const hung = sim.argvLog().filter((e) => e.fault === 'hang')
      expect(hung).to.have.length(COMMANDS.length)
      for (const e of hung) {
        const deadline = Date.now() + 3000
        while (groupAlive(e.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
        expect(groupAlive(e.pid), `process group ${e.pid} of a hung call`).to.equal(false)
      }
    },
  },
  {
    expect: () => ({classId: 'unknown', diagnosis: /was killed by SIGKILL/, exitCode: 1}),
    fault: 'call killed by a signal',
    setup: (sim, p) => void sim.control('fault', 'set', TARGET[p].crash, 'crash'),
  },
  {
    expect: () => ({classId: 'unknown', diagnosis: /could not read the output of openshell/, exitCode: 1}),
    fault: 'garbage output',
    setup: (sim, p) => void sim.control('fault', 'set', TARGET[p].garbage, 'garbage'),
  },
  {
    expect: () => ({classId: 'unknown', diagnosis: /could not read the output of openshell/, exitCode: 1}),
    fault: '5 MB of output',
    setup: (sim, p) => void sim.control('fault', 'set', TARGET[p].huge, 'huge'),
  },
]

const holders = new Map<Sim, LockHolder>()

/**
 * A bookkeeping fault on top of the 'sandbox vanished' state. Every command answers as in that row (same class, same
 * exit code, the same openshell calls), alpha's verdict says why its record stays, and nothing is written.
 */
function bookkeepingRow(spec: {
  fault: string
  cause: string
  words: string
  setup(sim: Sim): void | Promise<void>
  teardown(sim: Sim): void | Promise<void>
  /** Each command answers within this many ms. */
  maxMs?: number
}): Row {
  return {
    async check(run, runOf) {
      const healthy = runOf('sandbox vanished')
      for (const c of BOOKKEEPING_COMMANDS) {
        const {after, calls, cli, journal} = run.results.get(c.id)!
        expect(after, `${c.id}: sandboxes.json is byte-identical`).to.equal(run.before)
        expect(journal, `${c.id}: pruned.jsonl`).to.deep.equal([])
        expect([...calls!].sort(), `${c.id}: openshell calls`).to.deep.equal(
          [...healthy.results.get(c.id)!.calls!].sort(),
        )
        if (spec.maxMs) expect(cli.durationMs, `${c.id}: answered after`).to.be.below(spec.maxMs)
        if (c.neverPrunes) continue
        expect(c.diagnosisOf(c.text ? cli.stdout : cli.json), c.id).to.include(
          `could not be moved to \`pruned.jsonl\` because ${spec.words}`,
        )
        if (!c.text) {
          const verdict = c.id === 'connect --probe-only' ? cli.json.sandbox : alphaVerdict(cli.json)
          expect(verdict.pruneFailed?.cause, `${c.id}: pruneFailed`).to.equal(spec.cause)
        }
      }

      expect(run.results.get('status')!.cli.json.notPruned.map((p: any) => [p.name, p.cause])).to.deep.equal([
        ['alpha', spec.cause],
      ])
      expect(run.results.get('status (text)')!.cli.stdout).to.include(
        `Kept 1 stale record(s) that could not be moved to pruned.jsonl (${spec.words}): alpha`,
      )
    },
    commands: BOOKKEEPING_COMMANDS,
    expect: () => ({
      classId: 'sandbox_missing',
      diagnosis: /is healthy and active but has no sandbox 'alpha'/,
      exitCode: 30,
    }),
    fault: spec.fault,
    serial: true,
    async setup(sim) {
      sim.control('sandbox', 'remove', 'alpha')
      await spec.setup(sim)
      return undefined
    },
    teardown: spec.teardown,
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

// ---------------------------------------------------------------------------------------------------------------
// the registry the rows start from: what onboard writes for two Ready sandboxes on gateway 'nemoclaw'

const RECORD = (name: string) => ({
  name,
  gateway: 'nemoclaw',
  createdAt: '2026-01-02T03:04:05.000Z',
  source: 'openclaw',
  provider: 'nvidia',
  model: 'nvidia/nemotron-3-super-120b-a12b',
  policies: [],
  lastSeen: {phase: 'Ready', at: '2026-01-02T03:05:00.000Z'},
  endpointUrl: null,
  credentialEnv: 'NVIDIA_API_KEY',
})
const SEED = {version: 1, defaultSandbox: 'alpha', sandboxes: {alpha: RECORD('alpha'), beta: RECORD('beta')}}
const serialise = (registry: unknown): string => JSON.stringify(registry, null, 2) + '\n'

interface CommandRun {
  cli: CliResult
  /** The registry file and journal lines after the command (after all commands, when they ran concurrently). */
  after: string
  journal: any[]
  /** The openshell argv this command ran (serial rows only). */
  calls?: string[]
}

interface RowRun {
  sim: Sim
  before: string
  results: Map<string, CommandRun>
}

async function runRow(profile: Profile, row: Row): Promise<RowRun> {
  const sim = await createSim({profile})
  try {
    return await runRowIn(sim, profile, row)
  } catch (error) {
    await row.teardown?.(sim)
    sim.cleanup()
    throw error
  }
}

async function runRowIn(sim: Sim, profile: Profile, row: Row): Promise<RowRun> {
  sim.control('sandbox', 'add', 'alpha')
  sim.control('sandbox', 'add', 'beta')
  const file = path.join(sim.env.NEMOCLAW_HOME!, 'sandboxes.json')
  fs.writeFileSync(file, serialise(SEED))
  const env = (await row.setup(sim, profile)) ?? {}
  sim.clearLog()
  const before = fs.readFileSync(file, 'utf8')
  const journalFile = path.join(sim.env.NEMOCLAW_HOME!, 'pruned.jsonl')
  const observe = () => ({
    after: fs.readFileSync(file, 'utf8'),
    journal: fs.existsSync(journalFile)
      ? fs
          .readFileSync(journalFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l))
      : [],
  })
  const run = (c: CommandSpec) => runCli(sim, c.argv, {env, timeoutMs: 45_000})
  const commands = row.commands ?? COMMANDS
  const results = new Map<string, CommandRun>()
  if (row.serial) {
    for (const c of commands) {
      // back to the starting registry (only when changed: a bookkeeping row's home may not be writable)
      if (fs.readFileSync(file, 'utf8') !== before) fs.writeFileSync(file, before)
      if (fs.existsSync(journalFile)) fs.rmSync(journalFile)
      const logged = sim.argvLog().length
      const cli = await run(c)
      results.set(c.id, {
        calls: sim
          .argvLog()
          .slice(logged)
          .map((e) => e.argv.join(' ')),
        cli,
        ...observe(),
      })
    }
  } else {
    const outs = await Promise.all(commands.map((c) => run(c)))
    const seen = observe()
    commands.forEach((c, i) => results.set(c.id, {cli: outs[i], ...seen}))
  }

  return {before, results, sim}
}

/** Run rows with limited concurrency; `solo` rows afterwards, one at a time (their timing matters). */
async function runAll(profile: Profile, rows: Row[], concurrency: number): Promise<Map<Row, RowRun | Error>> {
  const done = new Map<Row, RowRun | Error>()
  const settle = async (row: Row) => {
    done.set(row, await runRow(profile, row).catch((error: Error) => error))
  }

  const queue = rows.filter((r) => !r.solo)
  await Promise.all(
    Array.from({length: concurrency}, async () => {
      for (let row = queue.shift(); row; row = queue.shift()) await settle(row)
    }),
  )
  for (const row of rows.filter((r) => r.solo)) await settle(row)
  return done
}

function assertRegistry(run: RowRun, cmd: CommandRun, row: Row, spec: CommandSpec): void {
  const before = JSON.parse(run.before)
  const after = JSON.parse(cmd.after)
  const prunes = spec.neverPrunes ? [] : (row.prunes ?? [])
  expect(Object.keys(after.sandboxes).sort(), 'records after').to.deep.equal(
    Object.keys(before.sandboxes)
      .filter((n) => !prunes.includes(n))
      .sort(),
  )
  // Byte-equal to the old file once lastSeen is taken from the new one and justified removals are applied.
  const expected = structuredClone(before)
  expected.sandboxes = Object.fromEntries(Object.entries(expected.sandboxes).filter(([name]) => !prunes.includes(name)))
  for (const [name, rec] of Object.entries<any>(after.sandboxes)) {
    expected.sandboxes[name].lastSeen = rec.lastSeen
    if (rec.lastSeen !== before.sandboxes[name].lastSeen) {
      expect(rec.lastSeen).to.have.keys('phase', 'at')
      expect(Date.parse(rec.lastSeen.at)).to.be.at.least(Date.parse(before.sandboxes[name].lastSeen.at))
    }
  }

  if (prunes.includes(before.defaultSandbox)) expected.defaultSandbox = after.defaultSandbox
  expect(cmd.after).to.equal(serialise(expected))
  // Every removal is journaled exactly once (the commands ran concurrently), with the record and the reason.
  const lines = cmd.journal.filter((e) => e.op === 'prune')
  expect(lines.map((e) => e.name).sort(), 'pruned.jsonl').to.deep.equal([...prunes].sort())
  for (const e of lines) {
    expect(e.record).to.deep.equal(before.sandboxes[e.name])
    expect(e.reason).to.match(/active and healthy and does not list sandbox/)
  }
}

for (const profile of ['legacy', 'modern'] as const) {
  describe(`fault matrix (${profile}): ${COMMANDS.map((c) => c.id).join(', ')}`, function () {
    let runs: Map<Row, RowRun | Error>

    before(async function () {
      this.timeout(300_000)
      runs = await runAll(profile, ROWS, 2)
    })

    after(async () => {
      // undo the faults first (mounts, lock holders), then remove the simulators' directories
      for (const [row, r] of runs ?? []) if (!(r instanceof Error)) await row.teardown?.(r.sim)
      killLockHolders()
      unmountAll()
      for (const r of runs?.values() ?? []) if (!(r instanceof Error)) r.sim.cleanup()
    })

    for (const row of ROWS) {
      it(`${row.fault} → ${row.expect(profile).classId}`, async () => {
        const run = runs.get(row)
        if (run instanceof Error || !run) throw run ?? new Error('row did not run')
        const commands = row.commands ?? COMMANDS
        for (const c of commands) {
          const want = c.expected?.(row, profile) ?? row.expect(profile)
          const res = run.results.get(c.id)!.cli
          const what = `${c.id}: exit ${res.exitCode}\nstdout: ${res.stdout.slice(0, 1500)}\nstderr: ${res.stderr.slice(0, 1500)}`
          const out = c.text ? res.stdout : res.json
          expect(res.signal, what).to.equal(null)
          if (!c.text) expect(res.json, `${what}\n(--json output must be one JSON document)`).to.be.an('object')
          expect(c.classOf(out), what).to.equal(want.classId)
          expect(res.exitCode, what).to.equal(want.exitCode)
          if (want.diagnosis) expect(c.diagnosisOf(out), what).to.match(want.diagnosis)
          // A clean verdict, not a crash: no stack trace.
          expect(res.stderr, what).not.to.match(/\n\s+at .+:\d+:\d+/)
        }

        const log = run.sim.argvLog()
        expect(
          log.filter((e) => isDestructiveArgv(e.argv)).map((e) => e.argv),
          'destructive argv',
        ).to.deep.equal([])
        if (commands.every((c) => c.readOnly)) {
          expect(mutatingCalls(log), 'mutating openshell calls').to.deep.equal([])
          const systemctl = run.sim
            .argvLog('systemctl')
            .filter((e) => !e.argv.includes('is-active') && !e.argv.includes('status'))
          expect(
            systemctl.map((e) => e.argv),
            'systemctl calls that change something',
          ).to.deep.equal([])
        }

        for (const c of commands) assertRegistry(run, run.results.get(c.id)!, row, c)
        await row.check?.(run, (fault) => {
          const other = runs.get(ROWS.find((r) => r.fault === fault)!)
          if (!other || other instanceof Error) throw new Error(`row '${fault}' did not run`)
          return other
        })
      })
    }
  })
}
