// The gateway lifecycle model end to end: the BUILT CLI against the simulator, both OpenShell generations.
// Every class is reached and checked for its id, full guidance text and exit code; recovery is checked for the
// safe steps it runs; no path runs a destructive command.
import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'

import {
  type ClassId,
  EXIT_CODES,
  type GuidanceContext,
  guidanceFor,
  renderGuidance,
} from '../../src/lib/gateway/classes.js'
import {isDestructiveArgv} from '../support/recovery-oracles.js'
import {probeGateway} from '../../src/lib/gateway/probe.js'
import {OpenShell} from '../../src/lib/openshell/client.js'
import {stripAnsi} from '../../src/lib/openshell/text.js'
import {type CliResult, mutatingCalls, runCli, startInTerminal} from '../support/cli.js'
import {createSim, type Sim, type SimOptions} from '../support/sim.js'

type Profile = 'legacy' | 'modern'

const BASE: Record<Profile, GuidanceContext> = {
  legacy: {
    endpoint: 'https://127.0.0.1:8080',
    gateway: 'nemoclaw',
    generation: 'legacy',
    serviceUnit: false,
    version: '0.0.26',
  },
  modern: {
    endpoint: 'https://127.0.0.1:17670',
    gateway: 'nemoclaw',
    generation: 'modern',
    sandboxStart: true,
    serviceUnit: true,
    version: '0.1.2',
  },
}

/** Register sandboxes by writing the registry directly (faster than onboard). */
function register(sim: Sim, names: string[], gateway = 'nemoclaw'): void {
  const sandboxes: Record<string, unknown> = {}
  for (const name of names) {
    sandboxes[name] = {
      createdAt: '2026-01-01T00:00:00.000Z',
      gateway,
      lastSeen: null,
      model: null,
      name,
      policies: [],
      provider: null,
      source: null,
    }
  }

  fs.writeFileSync(
    path.join(sim.env.NEMOCLAW_HOME!, 'sandboxes.json'),
    JSON.stringify({defaultSandbox: names[0] ?? null, sandboxes, version: 1}, null, 2),
  )
}

function registry(sim: Sim): any {
  return JSON.parse(fs.readFileSync(path.join(sim.env.NEMOCLAW_HOME!, 'sandboxes.json'), 'utf8'))
}

/** A simulator with a Ready sandbox `alpha` on gateway `nemoclaw`, registered with nemoclaw. */
async function simWithAlpha(opts: SimOptions): Promise<Sim> {
  const sim = await createSim(opts)
  if (opts.gateway !== null) sim.control('sandbox', 'add', 'alpha')
  register(sim, ['alpha'])
  return sim
}

function destructive(sim: Sim): string[] {
  return [...sim.argvLog('openshell'), ...sim.argvLog('systemctl').map((e) => ({...e, argv: ['systemctl', ...e.argv]}))]
    .map((e) => e.argv)
    .filter((argv) => isDestructiveArgv(argv))
    .map((argv) => argv.join(' '))
}

function expectGuidance(
  actual: {diagnosis: string; steps: string[]},
  id: ClassId,
  ctx: GuidanceContext,
  label: string,
): void {
  const want = guidanceFor(id, ctx)
  expect(actual, label).to.deep.equal({diagnosis: want.diagnosis, steps: want.steps})
  expect(renderGuidance({...want, ...actual})).to.equal(renderGuidance(want))
}

/** status --json: overall state, exit code, the sandbox's verdict and (for gateway classes) the gateway's words. */
function expectStatus(
  r: CliResult,
  id: ClassId,
  ctx: GuidanceContext,
  opts: {gatewayClass: boolean; phase?: string | null},
): void {
  const label = `${id}: exit ${r.exitCode}\n${r.stdout}\n${r.stderr}`
  expect(r.json, label).to.be.an('object')
  expect(r.json.state, label).to.equal(id)
  expect(r.exitCode, label).to.equal(EXIT_CODES[id])
  expect(r.json.ok).to.equal(id === 'ok')
  const [sb] = r.json.sandboxes
  expect(sb).to.include({exitCode: EXIT_CODES[id], name: 'alpha', state: id})
  expect(sb.phase).to.equal(opts.phase ?? null)
  expectGuidance(
    sb.guidance,
    id,
    {...ctx, phase: opts.phase ?? undefined, sandbox: 'alpha'},
    `${label}\nsandbox guidance`,
  )
  if (opts.gatewayClass) {
    expect(r.json.gateway).to.include({exitCode: EXIT_CODES[id], name: 'nemoclaw', state: id})
    expectGuidance(r.json.gateway.guidance, id, ctx, `${label}\ngateway guidance`)
  } else {
    expect(r.json.gateway.state, label).to.equal('ok')
  }
}

/** connect NAME --probe-only --json: the sandbox's verdict and its exit code. */
function expectConnect(r: CliResult, id: ClassId, ctx: GuidanceContext, phase: string | null = null): void {
  const label = `${id}: exit ${r.exitCode}\n${r.stdout}\n${r.stderr}`
  expect(r.exitCode, label).to.equal(EXIT_CODES[id])
  expect(r.json?.sandbox, label).to.include({
    exitCode: EXIT_CODES[id],
    gateway: 'nemoclaw',
    name: 'alpha',
    phase,
    state: id,
  })
  expectGuidance(r.json.sandbox.guidance, id, {...ctx, phase: phase ?? undefined, sandbox: 'alpha'}, label)
}

/** Run independent async jobs with at most `n` at a time (the machine has few cores; each CLI run is a process tree). */
async function pool<T>(jobs: Array<() => Promise<T>>, n = 2): Promise<T[]> {
  const out: T[] = new Array(jobs.length)
  let next = 0
  await Promise.all(
    Array.from({length: Math.min(n, jobs.length)}, async () => {
      while (next < jobs.length) {
        const i = next++
        out[i] = await jobs[i]()
      }
    }),
  )
  return out
}

interface Scenario {
  title: string
  id: ClassId
  sim?: Omit<SimOptions, 'profile'>
  setup?: (sim: Sim) => void
  env?: (sim: Sim) => Record<string, string | undefined>
  ctx: (base: GuidanceContext) => GuidanceContext
  gatewayClass: boolean
  phase?: string
  /** Also run `connect alpha --probe-only --json` (read-only states only). */
  connect?: boolean
}

const SCENARIOS: Scenario[] = [
  {
    connect: true,
    ctx: (b) => b,
    gatewayClass: false,
    id: 'ok',
    phase: 'Ready',
    title: 'a Ready sandbox on the healthy, active gateway',
  },
  {
    connect: true,
    ctx: () => ({gateway: 'nemoclaw'}),
    env: (sim) => ({
      NEMOCLAW_OPENSHELL_BIN: path.join(sim.dir, 'no-such-openshell'),
      PATH: path.join(sim.dir, 'empty-bin'),
    }),
    gatewayClass: true,
    id: 'openshell_missing',
    title: 'NEMOCLAW_OPENSHELL_BIN points to a missing file and PATH has no openshell',
  },
  {
    ctx: () => ({gateway: 'nemoclaw'}),
    env: (sim) => ({
      NEMOCLAW_OPENSHELL_BIN: path.join(sim.dir, 'openshell-not-executable'),
      PATH: path.join(sim.dir, 'empty-bin'),
    }),
    gatewayClass: true,
    id: 'openshell_missing',
    setup(sim) {
      fs.writeFileSync(path.join(sim.dir, 'openshell-not-executable'), '#!/bin/sh\necho openshell 0.1.2\n', {
        mode: 0o644,
      })
    },
    title: 'NEMOCLAW_OPENSHELL_BIN points to a file that is not executable',
  },
  {
    ctx: () => ({gateway: 'nemoclaw', version: '0.0.5'}),
    gatewayClass: true,
    id: 'openshell_unsupported',
    sim: {version: '0.0.5'},
    title: 'openshell 0.0.5',
  },
  {
    ctx: (b) => ({...b, endpoint: undefined}),
    gatewayClass: true,
    id: 'gateway_not_configured',
    sim: {gateway: null},
    title: 'no gateway registered',
  },
  {
    connect: true,
    ctx: (b) => b,
    gatewayClass: true,
    id: 'gateway_unreachable',
    setup: (sim) => sim.control('gateway', 'stop'),
    title: 'gateway stopped',
  },
  {
    connect: true,
    ctx: (b) => b,
    gatewayClass: true,
    id: 'gateway_trust_rotated',
    setup: (sim) => sim.control('gateway', 'rebuild'),
    title: 'gateway rebuilt with a new CA',
  },
  {
    ctx: (b) => b,
    gatewayClass: true,
    id: 'gateway_auth_required',
    setup: (sim) => sim.control('gateway', 'auth', 'on'),
    title: 'gateway requires login',
  },
  {
    connect: true,
    ctx: (b) => ({...b, activeGateway: 'x'}),
    gatewayClass: true,
    id: 'gateway_other_active',
    // the sandbox's own gateway still answers and lists it: the phase is known, the verdict is the selection
    phase: 'Ready',
    setup: (sim) => sim.control('gateway', 'add-other', 'x', '--activate'),
    title: 'another gateway selected',
  },
  {
    ctx: (b) => ({...b, activeGateway: 'x', envOverride: {value: 'x', variable: 'OPENSHELL_GATEWAY'}}),
    env: () => ({OPENSHELL_GATEWAY: 'x'}),
    gatewayClass: true,
    id: 'gateway_other_active',
    phase: 'Ready',
    setup: (sim) => sim.control('gateway', 'add-other', 'x'),
    title: 'OPENSHELL_GATEWAY=x overrides the selection',
  },
  {
    connect: true,
    ctx: (b) => b,
    gatewayClass: false,
    id: 'sandbox_not_ready',
    phase: 'Provisioning',
    setup: (sim) => sim.control('sandbox', 'phase', 'alpha', 'Provisioning'),
    title: 'sandbox Provisioning',
  },
  {
    connect: true,
    ctx: (b) => b,
    gatewayClass: false,
    id: 'sandbox_error',
    phase: 'Error',
    setup: (sim) => sim.control('sandbox', 'phase', 'alpha', 'Error'),
    title: 'sandbox in Error',
  },
  {
    connect: true,
    ctx: (b) => b,
    gatewayClass: false,
    id: 'sandbox_stopped',
    phase: 'Stopped',
    setup: (sim) => sim.control('sandbox', 'phase', 'alpha', 'Stopped'),
    title: 'sandbox Stopped',
  },
  {
    ctx: (b) => ({...b, message: 'something odd'}),
    gatewayClass: true,
    id: 'unknown',
    setup: (sim) => sim.control('fault', 'set', 'status', 'exit:1', '--stderr', 'something odd'),
    title: '`status` fails with an unrecognised error',
  },
]

for (const profile of ['legacy', 'modern'] as const) {
  describe(`lifecycle (${profile}): every class through the built CLI`, function () {
    this.timeout(240_000)
    const base = BASE[profile]
    const results: Array<{sim: Sim; status: CliResult; connect?: CliResult}> = []

    before(async () => {
      results.push(
        ...(await pool(
          SCENARIOS.map((s) => async () => {
            const sim = await simWithAlpha({profile, ...s.sim})
            s.setup?.(sim)
            sim.clearLog()
            const env = s.env?.(sim)
            const [status, connect] = await Promise.all([
              runCli(sim, ['status', '--json'], {env}),
              s.connect
                ? runCli(sim, ['connect', 'alpha', '--probe-only', '--json'], {env})
                : Promise.resolve(undefined),
            ])
            return {connect, sim, status}
          }),
        )),
      )
    })

    after(() => {
      for (const r of results) r.sim.cleanup()
    })

    SCENARIOS.forEach((s, i) => {
      it(`${s.id}: ${s.title}`, () => {
        const {connect, sim, status} = results[i]
        expectStatus(status, s.id, s.ctx(base), {gatewayClass: s.gatewayClass, phase: s.phase})
        if (s.connect) expectConnect(connect!, s.id, s.ctx(base), s.phase ?? null)
        // read-only: nothing but reads reached openshell, and nothing destructive anywhere
        expect(mutatingCalls(sim.argvLog())).to.deep.equal([])
        expect(
          sim
            .argvLog('systemctl')
            .map((e) => e.argv.join(' '))
            .filter((a) => !a.includes('is-active')),
        ).to.deep.equal([])
        expect(destructive(sim)).to.deep.equal([])
        // the record survives everything but proof of absence
        expect(Object.keys(registry(sim).sandboxes)).to.deep.equal(['alpha'])
      })
    })

    it('sandbox_missing: the healthy, active gateway no longer lists it → exit 30, record journaled', async () => {
      const sim = await simWithAlpha({profile})
      try {
        sim.control('sandbox', 'remove', 'alpha')
        sim.clearLog()
        const r = await runCli(sim, ['connect', 'alpha', '--probe-only', '--json'])
        expectConnect(r, 'sandbox_missing', base)
        expect(registry(sim).sandboxes).to.deep.equal({})
        const pruned = fs
          .readFileSync(path.join(sim.env.NEMOCLAW_HOME!, 'pruned.jsonl'), 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l))
        expect(pruned.map((p: any) => p.name)).to.deep.equal(['alpha'])
        expect(mutatingCalls(sim.argvLog())).to.deep.equal([])
        expect(destructive(sim)).to.deep.equal([])
      } finally {
        sim.cleanup()
      }
    })

    it('probe_timeout: a hanging `status` is cut off at NEMOCLAW_PROBE_TIMEOUT_MS and reported quickly', async () => {
      const sim = await simWithAlpha({profile})
      try {
        sim.control('fault', 'set', 'status', 'hang')
        sim.clearLog()
        const r = await runCli(sim, ['status', '--json'], {env: {NEMOCLAW_PROBE_TIMEOUT_MS: '1500'}})
        expectStatus(
          r,
          'probe_timeout',
          {...base, hungCommand: 'openshell status', timeoutMs: 1500},
          {gatewayClass: true},
        )
        // the default probe timeout is 15 s: finishing well before it proves the 1.5 s limit applied (with slack for a loaded machine)
        expect(r.durationMs, 'should not wait much past the 1.5 s probe timeout').to.be.below(12_000)
        expect(r.json.gateway.evidence.find((e: any) => e.argv.includes('status')).timedOut).to.equal(true)
        expect(destructive(sim)).to.deep.equal([])
        expect(Object.keys(registry(sim).sandboxes)).to.deep.equal(['alpha'])
      } finally {
        sim.cleanup()
      }
    })
  })
}

describe('lifecycle: refusing gateways', function () {
  this.timeout(120_000)
  const sims: Sim[] = []
  after(() => sims.forEach((s) => s.cleanup()))

  it('modern: systemd says the service is active but the API refuses → status says gateway_refusing_after_restart (22) at once', async () => {
    const sim = await simWithAlpha({profile: 'modern'})
    sims.push(sim)
    sim.control('gateway', 'refuse', 'on')
    sim.clearLog()
    const r = await runCli(sim, ['status', '--json'])
    expectStatus(r, 'gateway_refusing_after_restart', BASE.modern, {gatewayClass: true})
    expect(sim.argvLog('systemctl').map((e) => e.argv)).to.deep.equal([['--user', 'is-active', 'openshell-gateway']])
  })

  it('legacy: before any start attempt a refusing gateway is gateway_unreachable (21): nothing tells it apart from a stopped one', async () => {
    const sim = await simWithAlpha({profile: 'legacy'})
    sims.push(sim)
    sim.control('gateway', 'refuse', 'on')
    const r = await runCli(sim, ['status', '--json'])
    expectStatus(r, 'gateway_unreachable', BASE.legacy, {gatewayClass: true})
  })
})

describe('lifecycle: recover runs only safe steps', function () {
  this.timeout(240_000)
  const env = {NEMOCLAW_RECOVER_TIMEOUT_MS: '3000'}

  interface RecoveryCase {
    title: string
    profile: Profile
    setup: (sim: Sim) => void
    env?: Record<string, string>
    /** Mutating openshell argv expected, in order. */
    openshell: string[]
    systemctl: string[] | 'only is-active'
    state: ClassId
    before: ClassId
    after: ClassId
    steps: string[]
    check?: (sim: Sim, r: CliResult) => void
  }

  const cases: RecoveryCase[] = [
    {
      after: 'ok',
      before: 'gateway_unreachable',
      openshell: ['gateway start --name nemoclaw'],
      profile: 'legacy',
      setup: (sim) => sim.control('gateway', 'stop'),
      state: 'ok',
      steps: ['start', 'wait-healthy'],
      systemctl: [],
      title: 'legacy stopped gateway → `openshell gateway start --name nemoclaw`',
    },
    {
      after: 'ok',
      before: 'gateway_unreachable',
      openshell: [],
      profile: 'modern',
      setup: (sim) => sim.control('gateway', 'stop'),
      state: 'ok',
      steps: ['start', 'wait-healthy'],
      systemctl: ['--user is-active openshell-gateway', '--user start openshell-gateway'],
      title: 'modern stopped gateway → `systemctl --user start openshell-gateway`',
    },
    ...(['legacy', 'modern'] as const).map((profile): RecoveryCase => ({
      after: 'ok',
      before: 'gateway_other_active',
      openshell: ['gateway select nemoclaw'],
      profile,
      setup: (sim) => sim.control('gateway', 'add-other', 'x', '--activate'),
      state: 'ok',
      steps: ['select'],
      systemctl: [],
      title: `${profile}: other gateway active → \`openshell gateway select nemoclaw\``,
    })),
    {
      after: 'ok',
      before: 'gateway_trust_rotated',
      check(sim, r) {
        const gwDir = path.join(sim.home, '.config', 'openshell', 'gateways', 'nemoclaw')
        const backups = fs.readdirSync(gwDir).filter((f) => f.startsWith('mtls.bak-'))
        expect(backups, 'old client material kept as a backup').to.have.length(1)
        expect(fs.readdirSync(path.join(gwDir, backups[0])).sort()).to.deep.equal(['ca.crt', 'tls.crt', 'tls.key'])
        const step = r.json.recovery[0].steps[0]
        expect(step.note).to.equal(`old files kept in ${path.join(gwDir, backups[0])}`)
        expect(fs.statSync(path.join(gwDir, 'mtls', 'tls.key')).mode & 0o777).to.equal(0o600)
      },
      openshell: [],
      profile: 'modern',
      setup(sim) {
        sim.control('gateway', 'rebuild')
        sim.control('sandbox', 'add', 'alpha')
      },
      state: 'ok',
      steps: ['reimport-trust', 'wait-healthy'],
      systemctl: [],
      title: 'modern trust rotated → client bundle re-imported from the local TLS dir (backup kept), then healthy',
    },
    {
      after: 'ok',
      before: 'gateway_trust_rotated',
      openshell: ['gateway start --name nemoclaw'],
      profile: 'legacy',
      setup(sim) {
        sim.control('gateway', 'rebuild')
        sim.control('sandbox', 'add', 'alpha')
      },
      state: 'ok',
      steps: ['reimport-trust', 'wait-healthy'],
      systemctl: [],
      title: 'legacy trust rotated → `openshell gateway start --name nemoclaw` re-syncs certificates',
    },
    {
      after: 'gateway_unreachable',
      before: 'gateway_unreachable',
      check(_sim, r) {
        const step = r.json.recovery[0].steps[0]
        expect(step.note).to.equal(
          'Failed to create Docker client. Docker is not running (or DOCKER_HOST points nowhere): start it, then run `nemoclaw recover`.',
        )
      },
      openshell: ['gateway start --name nemoclaw'],
      profile: 'legacy',
      setup(sim) {
        sim.control('gateway', 'stop')
        sim.control('runtime', 'down')
      },
      // the start failed, so nothing was started: still unreachable (21), not "started but refusing" (22)
      state: 'gateway_unreachable',
      steps: ['start'],
      systemctl: [],
      title:
        'legacy stopped gateway with Docker down → the start fails with the Docker text and the next step; still gateway_unreachable (21)',
    },
    {
      after: 'gateway_refusing_after_restart',
      before: 'gateway_unreachable',
      openshell: ['gateway start --name nemoclaw'],
      profile: 'legacy',
      setup: (sim) => sim.control('gateway', 'refuse', 'on'),
      state: 'gateway_refusing_after_restart',
      steps: ['start'],
      systemctl: [],
      title: 'legacy gateway that refuses after start → gateway_refusing_after_restart (22)',
    },
    {
      after: 'gateway_refusing_after_restart',
      before: 'gateway_refusing_after_restart',
      openshell: [],
      profile: 'modern',
      setup: (sim) => sim.control('gateway', 'refuse', 'on'),
      state: 'gateway_refusing_after_restart',
      steps: ['wait-healthy'],
      systemctl: 'only is-active',
      title:
        'modern service active but refusing → a bounded wait (it may be restarting), then gateway_refusing_after_restart (22), no restart',
    },
  ]

  const results: Array<{sim: Sim; r: CliResult}> = []
  before(async () => {
    results.push(
      ...(await pool(
        cases.map((c) => async () => {
          const sim = await simWithAlpha({profile: c.profile})
          c.setup(sim)
          sim.clearLog()
          const r = await runCli(sim, ['recover', '--json'], {env: {...env, ...c.env}})
          return {r, sim}
        }),
      )),
    )
  })
  after(() => results.forEach((x) => x.sim.cleanup()))

  cases.forEach((c, i) => {
    it(c.title, () => {
      const {r, sim} = results[i]
      const label = `exit ${r.exitCode}\n${r.stdout}\n${r.stderr}`
      expect(r.json, label).to.be.an('object')
      expect(r.json.state, label).to.equal(c.state)
      expect(r.exitCode, label).to.equal(EXIT_CODES[c.state])
      expect(r.json.recovery, label).to.have.length(1)
      const rep = r.json.recovery[0]
      expect(rep).to.include({after: c.after, before: c.before, gateway: 'nemoclaw', stopped: c.steps.includes('stop')})
      expect(rep.steps.map((s: any) => s.kind)).to.deep.equal(c.steps)
      expect(rep.steps.map((s: any) => s.ok)).to.deep.equal(c.steps.map(() => c.state === 'ok'))
      expect(mutatingCalls(sim.argvLog()).map((a) => a.join(' '))).to.deep.equal(c.openshell)
      const systemctl = sim.argvLog('systemctl').map((e) => e.argv.join(' '))
      if (c.systemctl === 'only is-active') {
        // asked whether the service runs (before and after the wait), never told to start or restart it
        expect(systemctl.length).to.be.greaterThan(0)
        expect([...new Set(systemctl)]).to.deep.equal(['--user is-active openshell-gateway'])
      } else {
        expect(systemctl).to.deep.equal(c.systemctl)
      }
      expect(destructive(sim)).to.deep.equal([])
      const [sb] = r.json.sandboxes
      if (c.state === 'ok') {
        expect(sb).to.include({name: 'alpha', phase: 'Ready', state: 'ok'})
      } else {
        const ctx = {...BASE[c.profile], sandbox: 'alpha'}
        expect(sb.state).to.equal(c.state)
        expectGuidance(sb.guidance, c.state, ctx, label)
        expectGuidance(r.json.gateways[0].guidance, c.state, BASE[c.profile], label)
      }

      // the sandbox's record is never lost by recovery
      expect(Object.keys(registry(sim).sandboxes)).to.deep.equal(['alpha'])
      c.check?.(sim, r)
    })
  })
})

describe('lifecycle: probe cost', function () {
  this.timeout(60_000)
  for (const profile of ['legacy', 'modern'] as const) {
    it(`${profile}: a healthy gateway is probed with at most 2 openshell calls (--version + status), no systemctl`, async () => {
      const sim = await simWithAlpha({profile})
      try {
        sim.clearLog()
        const h = await probeGateway(new OpenShell({env: sim.env}), 'nemoclaw')
        expect(h.classId).to.equal('ok')
        const calls = sim.argvLog().map((e) => e.argv)
        expect(calls.length).to.be.at.most(2)
        expect(calls[0]).to.deep.equal(['--version'])
        expect(calls[1].filter((a) => !a.startsWith('-') && a !== 'nemoclaw' && a !== 'json')).to.deep.equal(['status'])
        expect(sim.argvLog('systemctl')).to.deep.equal([])

        // the whole `connect --probe-only`: the probe plus one sandbox list for the reconcile
        sim.clearLog()
        const r = await runCli(sim, ['connect', 'alpha', '--probe-only', '--json'])
        expect(r.exitCode, r.stderr).to.equal(0)
        const cli = sim
          .argvLog()
          .map(
            (e) =>
              e.argv
                .filter((a) => !a.startsWith('-') && a !== 'nemoclaw' && a !== 'json' && !/^\d+$/.test(a))
                .join(' ') || e.argv.join(' '),
          )
        expect([...cli].sort()).to.deep.equal(['--version', 'sandbox list', 'status'])
        expect(sim.argvLog('systemctl')).to.deep.equal([])
      } finally {
        sim.cleanup()
      }
    })
  }
})

describe('lifecycle: task titles on stderr', function () {
  this.timeout(60_000)
  let sim: Sim
  before(async () => {
    sim = await simWithAlpha({profile: 'modern'})
  })
  after(() => sim.cleanup())

  it('a terminal with stdout sent to a file: listr2 draws on the terminal (stderr), the file holds only the data', async () => {
    const file = path.join(sim.dir, 'status.txt')
    const t = startInTerminal(sim, ['status'], {stdoutTo: file})
    const {exitCode, output} = await t.done
    expect(exitCode, output).to.equal(0)
    expect(output, 'listr2 drew it (it hides the cursor while it animates)').to.contain('\u001B[?25l')
    expect(stripAnsi(output).split('\n')).to.include("✔ Gateway 'nemoclaw' answers  ✔")
    const data = fs.readFileSync(file, 'utf8')
    expect(data).to.match(/^Gateway 'nemoclaw': ok /)
    expect(data).not.to.match(/[❯✔✖↓]/)
  })

  it('non-TTY: each task line ends with its result', async () => {
    const ok = await runCli(sim, ['status'])
    expect(ok.exitCode, ok.stderr).to.equal(0)
    const lines = ok.stderr.split('\n')
    expect(lines).to.include('✔ openshell is installed  ✔ 0.1.2 (modern)')
    expect(lines).to.include("✔ Gateway 'nemoclaw' answers  ✔")
    expect(lines).to.include("✔ Sandboxes on 'nemoclaw' listed  ✔ 1 live")
    expect(ok.stdout).to.include("Gateway 'nemoclaw': ok (openshell 0.1.2, https://127.0.0.1:17670)")

    sim.control('gateway', 'rebuild')
    const bad = await runCli(sim, ['status'])
    expect(bad.exitCode).to.equal(23)
    const badLines = bad.stderr.split('\n')
    expect(badLines).to.include("✖ Gateway 'nemoclaw' answers  ✖ gateway_trust_rotated")
    expect(badLines).to.include("✖ Sandboxes on 'nemoclaw' listed  ✖ trust_rotated")
    // no listr2 [FAILED: …] suffix repeating the result
    expect(bad.stderr).not.to.include('[FAILED')
    // the guidance goes to stdout in full
    expect(bad.stdout).to.include(renderGuidance(guidanceFor('gateway_trust_rotated', BASE.modern)))
  })

  it('--json: stderr carries no task lines and stdout is one JSON document', async () => {
    const r = await runCli(sim, ['status', '--json'])
    expect(r.exitCode).to.equal(23)
    expect(r.stderr).to.equal('')
    expect(() => JSON.parse(r.stdout)).not.to.throw()
    expect(JSON.parse(r.stdout).state).to.equal('gateway_trust_rotated')
    const rec = await runCli(sim, ['recover', '--json'], {env: {NEMOCLAW_RECOVER_TIMEOUT_MS: '3000'}})
    expect(rec.stderr).to.equal('')
    const doc = JSON.parse(rec.stdout)
    expect(doc.recovery[0].steps.map((s: any) => [s.kind, s.ok])).to.deep.equal([
      ['reimport-trust', true],
      ['wait-healthy', true],
    ])
    // the rebuild lost the sandbox: once trust is back, the healthy, active gateway proves it gone
    expect(doc.state).to.equal('sandbox_missing')
    expect(rec.exitCode).to.equal(30)
  })

  it('recover without --json: one line per step, each ending with its result', async () => {
    sim.control('gateway', 'stop')
    const r = await runCli(sim, ['recover'], {env: {NEMOCLAW_RECOVER_TIMEOUT_MS: '3000'}})
    const lines = r.stderr.split('\n')
    expect(lines).to.include("✖ Gateway 'nemoclaw' answers  ✖ gateway_unreachable")
    expect(lines).to.include('✔ Start the gateway service (systemctl --user start openshell-gateway)  ✔')
    expect(lines).to.include("✔ Wait until gateway 'nemoclaw' is healthy  ✔ healthy")
    expect(r.exitCode, r.stderr).to.equal(0)
  })
})
