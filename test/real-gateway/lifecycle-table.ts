// The lifecycle suite, one scenario table run twice (two files, so they can run side by side): against the REAL
// OpenShell 0.0.111 gateway (Docker sandboxes) and against the simulator's 0.0.111 profile. Each case asserts class, exit code, the --json shape, the registry
// and pruned.jsonl afterwards, and that nemoclaw gave `openshell` no destructive or trust-downgrading call.
import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'

import {commandOf} from '../support/cli.js'
import {type LifecycleBackend, mtlsDigest, realBackend, simBackend} from '../support/lifecycle-backends.js'
import {OpenAiStub, realGatewayPrereqs, requireRealGateway, waitUntil} from '../support/real-gateway.js'

const NAMES = ['alpha', 'beta']
const READ_ONLY = [
  '--version',
  'status',
  'gateway info',
  'sandbox list',
  'sandbox get',
  'inference get',
  'provider list',
  'provider get',
  'logs',
]
/** Never, from any nemoclaw command in this table. */
const FORBIDDEN = [
  'sandbox delete',
  'gateway destroy',
  'gateway remove',
  'gateway stop',
  'gateway start',
  'provider delete',
  'sandbox create',
]

function registry(b: LifecycleBackend): any {
  const file = path.join(b.env.NEMOCLAW_HOME!, 'sandboxes.json')
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : null
}

function registryNames(b: LifecycleBackend): string[] {
  return Object.keys(registry(b)?.sandboxes ?? {}).sort()
}

function journal(b: LifecycleBackend): any[] {
  const file = path.join(b.env.NEMOCLAW_HOME!, 'pruned.jsonl')
  return fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : []
}

/** Register records without onboarding (onboard has its own cases below). */
function seedRegistry(b: LifecycleBackend, names: string[], gateway = 'nemoclaw'): void {
  const sandboxes: Record<string, unknown> = {}
  for (const name of names) {
    sandboxes[name] = {
      createdAt: '2026-01-01T00:00:00.000Z',
      gateway,
      lastSeen: null,
      model: 'm',
      name,
      policies: [],
      provider: 'nvidia',
      source: 'openclaw',
    }
  }

  const prev = registry(b)
  fs.writeFileSync(
    path.join(b.env.NEMOCLAW_HOME!, 'sandboxes.json'),
    JSON.stringify(
      {defaultSandbox: prev?.defaultSandbox ?? names[0], sandboxes: {...prev?.sandboxes, ...sandboxes}, version: 1},
      null,
      2,
    ),
  )
}

const verbsOf = (b: LifecycleBackend): string[] => b.calls().map((argv) => commandOf(argv))

/** Read-only: every call nemoclaw made is a read. */
function expectReadOnly(b: LifecycleBackend): void {
  expect(verbsOf(b).filter((v) => !READ_ONLY.some((r) => v === r || v.startsWith(`${r} `)))).to.deep.equal([])
}

/** `creates`: the one sandbox the command under test may create (onboard). */
function expectNothingDestructive(b: LifecycleBackend, creates?: string): void {
  const allowed = (argv: string[]) =>
    creates !== undefined && commandOf(argv) === 'sandbox create' && argv[argv.indexOf('--name') + 1] === creates
  const bad = b
    .calls()
    .filter(
      (argv) =>
        (FORBIDDEN.includes(commandOf(argv)) && !allowed(argv)) ||
        argv.includes('--gateway-insecure') ||
        argv.includes('--recreate'),
    )
  expect(bad, 'destructive or trust-downgrading openshell calls').to.deep.equal([])
}

function states(json: any): string[][] {
  return json.sandboxes.map((s: any) => [s.name, s.state, s.phase ?? null])
}

/** The four read-only views agree on one class and exit code, and none of them changes anything. */
async function expectAllViews(b: LifecycleBackend, name: string, classId: string, exit: number): Promise<void> {
  const before = registry(b)
  const views: Array<[string, string[]]> = [
    ['status', ['status', name, '--json']],
    ['list', ['list', '--json']],
    ['connect', ['connect', name, '--probe-only', '--json']],
    ['doctor', ['doctor', '--json']],
  ]
  for (const [view, args] of views) {
    b.clearLog()
    const r = await b.nemoclaw(args)
    expect(r.json, `${view}: stdout is JSON\n${r.stdout}\n${r.stderr}`).to.be.an('object')
    if (view === 'doctor') {
      // doctor reports findings and exits 0 for warnings; its gateway/sandbox checks carry the class.
      expect(JSON.stringify(r.json), `${view} names ${classId}`).to.include(classId === 'ok' ? '"ok"' : classId)
    } else if (view === 'list') {
      const row = r.json.sandboxes.find((s: any) => s.name === name)
      expect(row?.state, `${view}: ${r.stdout}`).to.equal(classId)
    } else {
      expect(r.exitCode, `${view}: ${r.stdout}${r.stderr}`).to.equal(exit)
      expect(r.json.schemaVersion, view).to.equal(1)
      const state =
        view === 'status' ? r.json.sandboxes.find((s: any) => s.name === name)?.state : r.json.sandbox?.state
      expect(state, `${view}: ${r.stdout}`).to.equal(classId)
    }

    expectReadOnly(b)
  }

  expect(registryNames(b), 'no record lost by a read').to.deep.equal(Object.keys(before?.sandboxes ?? {}).sort())
}

export interface Backend {
  make: () => Promise<LifecycleBackend>
  label: string
  prepare(ctx: Mocha.Context): void
}

export const REAL_BACKEND: Backend = {
  label: 'real gateway 0.0.111',
  make: () => realBackend(realGatewayPrereqs()),
  prepare: (ctx) => requireRealGateway(ctx),
}
export const SIM_BACKEND: Backend = {label: 'simulator 0.0.111', make: () => simBackend(), prepare() {}}

/**
 * The lifecycle scenario table, for one backend (lifecycle-real-1/-2.test.ts and lifecycle-sim.test.ts run it).
 * Every scenario belongs to part 1 or 2 (about the same time on the real gateway, which mostly waits): `part` runs
 * one of them, so the real gateway's two halves run in parallel files; without it, all of them.
 */
export function lifecycleSuite(backend: Backend, part?: 1 | 2): void {
  const scenario = (of: 1 | 2, title: string, fn: Mocha.AsyncFunc): void => {
    if (part === undefined || part === of) it(title, fn)
  }

  describe(`lifecycle (${backend.label})${part === undefined ? '' : `, part ${part} of 2`}`, function () {
    this.timeout(180_000)
    let b: LifecycleBackend

    before(function () {
      backend.prepare(this)
    })

    /** A fresh machine: gateway `nemoclaw` selected, alpha and beta live (Ready) and registered. */
    async function fresh(): Promise<LifecycleBackend> {
      b = await backend.make()
      await b.addGateway('nemoclaw')
      await b.createSandboxes('nemoclaw', NAMES)
      seedRegistry(b, NAMES)
      b.clearLog()
      return b
    }

    afterEach(async () => {
      await b?.cleanup()
    })

    scenario(2, 'healthy: every view says ok (0), lastSeen is written, nothing changes on the gateway', async () => {
      await fresh()
      await expectAllViews(b, 'alpha', 'ok', 0)
      b.clearLog()
      const r = await b.nemoclaw(['status', '--json'])
      expect(r.exitCode, r.stderr).to.equal(0)
      expect(states(r.json)).to.deep.equal([
        ['alpha', 'ok', 'Ready'],
        ['beta', 'ok', 'Ready'],
      ])
      expect(r.json.gateway).to.include({name: 'nemoclaw', state: 'ok', version: '0.0.111'})
      expect(registry(b).sandboxes.alpha.lastSeen.phase).to.equal('Ready')
      expect(verbsOf(b).filter((v) => v.startsWith('sandbox'))).to.deep.equal(['sandbox list'])
      expect(journal(b)).to.deep.equal([])
    })

    scenario(
      2,
      'gateway stopped (kill -9): gateway_unreachable (21) in every view, records kept, nothing pruned',
      async () => {
        await fresh()
        await b.stopGateway('nemoclaw')
        await expectAllViews(b, 'alpha', 'gateway_unreachable', 21)
        expect(registryNames(b)).to.deep.equal(NAMES)
        expect(journal(b)).to.deep.equal([])
      },
    )

    scenario(
      1,
      'crash restart: the sandboxes come back Ready on their own (0); while supervisors reconnect, Provisioning is 31',
      async () => {
        await fresh()
        await b.crashRestart('nemoclaw')
        const early = await b.nemoclaw(['status', 'alpha', '--json'])
        const phase = early.json.sandboxes[0].phase
        expect([
          ['Ready', 'ok', 0],
          ['Provisioning', 'sandbox_not_ready', 31],
        ]).to.deep.include([phase, early.json.sandboxes[0].state, early.exitCode])
        await waitUntil(
          async () => Object.values(await b.phases('nemoclaw')).every((p) => p === 'Ready'),
          60_000,
          'Ready after crash restart',
        )
        b.clearLog()
        await expectAllViews(b, 'alpha', 'ok', 0)
        expect(registryNames(b)).to.deep.equal(NAMES)
        expect(journal(b)).to.deep.equal([])
      },
    )

    scenario(
      1,
      'graceful restart (SIGTERM): the gateway stops the sandboxes on shutdown and starts them again; Provisioning (31) meanwhile, then Ready (0), records kept',
      async () => {
        // 0.0.111 does not persist a phase for sandboxes it stops on shutdown and restarts them on start-up
        // (openshell-server compute/mod.rs: stop_persisted_sandboxes_on_shutdown, start_persisted_sandboxes).
        await fresh()
        await b.gracefulRestart('nemoclaw')
        const early = await b.nemoclaw(['status', 'alpha', '--json'])
        expect([
          ['Ready', 'ok', 0],
          ['Provisioning', 'sandbox_not_ready', 31],
        ]).to.deep.include([early.json.sandboxes[0].phase, early.json.sandboxes[0].state, early.exitCode])
        await waitUntil(
          async () => Object.values(await b.phases('nemoclaw')).every((p) => p === 'Ready'),
          60_000,
          'Ready after a graceful restart',
        )
        b.clearLog()
        const r = await b.nemoclaw(['status', '--json'])
        expect(r.exitCode, r.stdout + r.stderr).to.equal(0)
        expect(states(r.json)).to.deep.equal([
          ['alpha', 'ok', 'Ready'],
          ['beta', 'ok', 'Ready'],
        ])
        expectReadOnly(b)
        expect(registryNames(b)).to.deep.equal(NAMES)
        expect(journal(b)).to.deep.equal([])
      },
    )

    scenario(
      1,
      'trust rotation: gateway_trust_rotated (23) everywhere; recover re-imports the local bundle (backup kept) and the gateway answers again',
      async () => {
        await fresh()
        const before = mtlsDigest(b.env, 'nemoclaw')
        await b.rotateCa('nemoclaw')
        await expectAllViews(b, 'alpha', 'gateway_trust_rotated', 23)
        expect(mtlsDigest(b.env, 'nemoclaw'), 'reads never touch trust').to.equal(before)
        b.clearLog()
        const rec = await b.nemoclaw(['recover', '--json'], {env: {NEMOCLAW_RECOVER_TIMEOUT_MS: '4000'}})
        expect(rec.json, rec.stdout + rec.stderr).to.be.an('object')
        expect(rec.json.recovery[0].steps.map((s: any) => s.kind)).to.include('reimport-trust')
        expect(mtlsDigest(b.env, 'nemoclaw'), 're-imported').to.not.equal(before)
        const gwDir = path.join(b.env.XDG_CONFIG_HOME!, 'openshell', 'gateways', 'nemoclaw')
        expect(fs.readdirSync(gwDir).filter((f) => f.startsWith('mtls.bak-'))).to.have.length(1)
        expectNothingDestructive(b)
        const st = await b.nemoclaw(['status', '--json'])
        expect(st.json.gateway.state, st.stdout).to.equal('ok')
        // The sandboxes' supervisors still hold the old CA and JWT key: they stay Provisioning (31), not gone, and
        // recover says why instead of "wait a moment".
        expect(rec.exitCode).to.equal(31)
        expect(states(rec.json)).to.deep.equal(NAMES.map((n) => [n, 'sandbox_not_ready', 'Provisioning']))
        for (const s of rec.json.sandboxes) expect(s.guidance.diagnosis).to.match(/still holds the old CA/)
        expect(st.exitCode).to.equal(31)
        expect(states(st.json)).to.deep.equal(NAMES.map((n) => [n, 'sandbox_not_ready', 'Provisioning']))
        expect(registryNames(b)).to.deep.equal(NAMES)
        expect(journal(b)).to.deep.equal([])
      },
    )

    scenario(
      1,
      'rebuild: 23 first (nothing pruned on a trust error); after recover the sandboxes are proven gone: 30, pruned, journaled',
      async () => {
        await fresh()
        await b.rebuild('nemoclaw')
        await expectAllViews(b, 'alpha', 'gateway_trust_rotated', 23)
        expect(journal(b)).to.deep.equal([])
        b.clearLog()
        const rec = await b.nemoclaw(['recover', '--json'])
        expectNothingDestructive(b)
        expect(rec.exitCode, rec.stdout + rec.stderr).to.equal(30)
        expect(rec.json.gateways[0].state).to.equal('ok')
        expect(states(rec.json)).to.deep.equal(NAMES.map((n) => [n, 'sandbox_missing', null]))
        expect(registryNames(b)).to.deep.equal([])
        expect(
          journal(b)
            .map((j) => j.record?.name ?? j.name)
            .sort(),
        ).to.deep.equal(NAMES)
        const st = await b.nemoclaw(['status', '--json'])
        expect(st.exitCode, 'nothing registered any more').to.equal(0)
        expect(st.json.sandboxes).to.deep.equal([])
      },
    )

    scenario(
      2,
      'sandbox deleted out of band: sandbox_missing (30), pruned and journaled; the other sandbox is untouched',
      async () => {
        await fresh()
        await b.deleteSandbox('nemoclaw', 'beta')
        await waitUntil(async () => !('beta' in (await b.phases('nemoclaw'))), 30_000, 'beta gone')
        b.clearLog()
        const r = await b.nemoclaw(['status', 'beta', '--json'])
        expect(r.exitCode, r.stdout + r.stderr).to.equal(30)
        expect(r.json.state).to.equal('sandbox_missing')
        expectReadOnly(b)
        expect(registryNames(b)).to.deep.equal(['alpha'])
        expect(journal(b).map((j) => j.record?.name ?? j.name)).to.deep.equal(['beta'])
        const a = await b.nemoclaw(['status', 'alpha', '--json'])
        expect(a.exitCode).to.equal(0)
      },
    )

    scenario(
      1,
      'sandbox stopped with `openshell sandbox stop`: sandbox_stopped (33) in every view; recover NAME starts it (workspace kept) and waits until Ready',
      async () => {
        await fresh()
        const ids = await b.ids('nemoclaw')
        await b.stopSandbox('nemoclaw', 'beta')
        await waitUntil(async () => (await b.phases('nemoclaw')).beta === 'Stopped', 30_000, 'beta Stopped')
        await expectAllViews(b, 'beta', 'sandbox_stopped', 33)
        b.clearLog()
        const r = await b.nemoclaw(['recover', 'beta', '--json'])
        expect(r.exitCode, r.stdout + r.stderr).to.equal(0)
        expect(b.calls().map((a) => commandOf(a))).to.include('sandbox start')
        expectNothingDestructive(b)
        expect((await b.phases('nemoclaw')).beta).to.equal('Ready')
        expect((await b.ids('nemoclaw')).beta, 'the same sandbox, not a new one').to.equal(ids.beta)
        expect(registryNames(b)).to.deep.equal(NAMES)
      },
    )

    scenario(
      1,
      'sandbox in Error (its main process exited): sandbox_error (32) in every view; recover NAME explains delete + create and never does it',
      async () => {
        await fresh()
        await b.createFailingSandbox('nemoclaw', 'gamma')
        seedRegistry(b, ['gamma'])
        await expectAllViews(b, 'gamma', 'sandbox_error', 32)
        b.clearLog()
        const rec = await b.nemoclaw(['recover', 'gamma', '--json'])
        expect(rec.exitCode, rec.stdout + rec.stderr).to.equal(32)
        expect(rec.json.sandboxes[0].guidance.diagnosis).to.match(
          /only delete and create, which nemoclaw never does on its own/,
        )
        expect(rec.json.sandboxes[0].guidance.steps.join(' ')).to.include('nemoclaw onboard --name gamma --recreate')
        expectNothingDestructive(b)
        expect(b.calls().map((a) => commandOf(a))).to.not.include('sandbox start')
        expect((await b.phases('nemoclaw')).gamma).to.equal('Error')
        expect(registryNames(b)).to.deep.equal([...NAMES, 'gamma'])
      },
    )

    scenario(
      1,
      'another gateway selected: gateway_other_active (25), nothing pruned; an OPENSHELL_GATEWAY override naming it is 25 too',
      async () => {
        await fresh()
        await b.addGateway('other') // registered and selected, as `gateway add` does
        await expectAllViews(b, 'alpha', 'gateway_other_active', 25)
        expect(registryNames(b)).to.deep.equal(NAMES)
        expect(journal(b)).to.deep.equal([])
        await b.select('nemoclaw')
        b.clearLog()
        const r = await b.nemoclaw(['status', 'alpha', '--json'], {env: {OPENSHELL_GATEWAY: 'other'}})
        expect(r.exitCode, r.stdout + r.stderr).to.equal(25)
        expect(r.json.state).to.equal('gateway_other_active')
        expectReadOnly(b)
        expect(registryNames(b)).to.deep.equal(NAMES)
        expect(journal(b)).to.deep.equal([])
      },
    )

    scenario(
      1,
      'double onboard: A, A again, then B on the same gateway — A keeps its sandbox id and stays Ready, the gateway is never restarted',
      async () => {
        b = await backend.make()
        await b.addGateway('nemoclaw')
        const ai = await new OpenAiStub().start()
        try {
          const gw = b.gatewayIdentity('nemoclaw')
          const onboard = (name: string) =>
            b.nemoclaw(
              [
                'onboard',
                '--name',
                name,
                '--provider',
                'custom',
                '--endpoint-url',
                ai.url,
                '--credential-env',
                'STUB_KEY',
                '--model',
                'stub-model',
                '--from',
                b.source,
                '--non-interactive',
                '--json',
              ],
              {env: {STUB_KEY: 'not-a-real-key'}},
            )
          const a1 = await onboard('alpha')
          expect(a1.exitCode, a1.stdout + a1.stderr).to.equal(0)
          expect(a1.json).to.include({gatewayReused: true, ok: true, sandboxReused: false})
          const idA = (await b.ids('nemoclaw')).alpha
          const a2 = await onboard('alpha')
          expect(a2.exitCode, a2.stdout + a2.stderr).to.equal(0)
          expect(a2.json).to.include({gatewayReused: true, ok: true, sandboxReused: true})
          b.clearLog()
          const b1 = await onboard('beta')
          expect(b1.exitCode, b1.stdout + b1.stderr).to.equal(0)
          expectNothingDestructive(b, 'beta')
          expect((await b.ids('nemoclaw')).alpha, 'A is the same sandbox').to.equal(idA)
          expect(await b.phases('nemoclaw')).to.deep.equal({alpha: 'Ready', beta: 'Ready'})
          expect(b.gatewayIdentity('nemoclaw'), 'the gateway process was never restarted').to.equal(gw)
          expect(registryNames(b)).to.deep.equal(NAMES)
          expect(JSON.stringify(registry(b))).to.not.include('not-a-real-key')
          const st = await b.nemoclaw(['status', '--json'])
          expect(st.exitCode).to.equal(0)
          expect(states(st.json)).to.deep.equal([
            ['alpha', 'ok', 'Ready'],
            ['beta', 'ok', 'Ready'],
          ])
        } finally {
          await ai.stop()
        }
      },
    )

    scenario(
      2,
      'status of 40 sandboxes makes the same number of openshell calls as for 1 and sees all of them',
      async () => {
        await fresh()
        b.clearLog()
        const one = await b.nemoclaw(['status', 'alpha', '--json'])
        expect(one.exitCode).to.equal(0)
        const callsForOne = b.calls().length
        const more = Array.from({length: 38}, (_, i) => `s${String(i).padStart(2, '0')}`)
        await b.createSandboxes('nemoclaw', more, {parallel: 8})
        seedRegistry(b, more)
        b.clearLog()
        const all = await b.nemoclaw(['status', '--json'])
        expect(all.exitCode, all.stderr).to.equal(0)
        expect(all.json.sandboxes).to.have.length(40)
        expect(all.json.sandboxes.every((s: any) => s.state === 'ok' && s.phase === 'Ready')).to.equal(true)
        expect(b.calls().length).to.equal(callsForOne)
      },
    )
  })
}
