// The BUILT nemoclaw driving the REAL openshell CLI (installed by scripts/install-openshell.sh; 0.0.111 is the newest
// real CLI on PyPI) — no simulator anywhere on PATH. Gateways are: nothing, a closed port, foreign TLS servers, and
// the mTLS gRPC stub gateway speaking the 0.0 wire the real CLI speaks. Every openshell call nemoclaw makes here
// is answered by the real binary, so parsers, classifier, flags and paging are checked against the real thing.
import {expect} from 'chai'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {delimiter, join} from 'node:path'
import {createServer as createTlsServer, type Server as TlsServer} from 'node:tls'

import {type CliResult, runCli} from '../support/cli.js'
import {type FakeDocker, startFakeDocker} from '../support/fake-docker.js'
import {
  isLegacyCli,
  NO_DOCKER_HOST,
  type RealEntry,
  realOpenshellVersions,
  runReal,
  skipOrFail,
} from '../support/real-openshell.js'
import {SIM_BIN_DIR} from '../support/sim.js'
import {generatePki} from '../support/stub-gateway/pki.js'
import {startStubGateway, type StubGateway} from '../support/stub-gateway/index.js'
import {freePort} from './scenarios.js'

const {versions, reason} = realOpenshellVersions()
// The stub gateway's 0.0 wire is the late 0.0.x one: the modern 0.0.x CLI (0.0.111) talks to it.
const cli = versions.find((v) => v.version.startsWith('0.0.') && !isLegacyCli(v.version))

interface World {
  dir: string
  home: string
  ncHome: string
  tlsDir: string
  env: Record<string, string>
}

const PATH_WITHOUT_SIM = (process.env.PATH ?? '/usr/bin:/bin')
  .split(delimiter)
  .filter((d) => d !== SIM_BIN_DIR && !d.includes('simulator'))
  .join(delimiter)

function world(root: string, entry: RealEntry, tag: string, extra: Record<string, string> = {}): World {
  const dir = mkdtempSync(join(root, `${tag}-`))
  const home = join(dir, 'home')
  const ncHome = join(dir, 'nemoclaw')
  const tlsDir = join(dir, 'local-tls')
  for (const d of [join(home, '.config'), join(home, '.local', 'state'), ncHome]) mkdirSync(d, {recursive: true})
  const env: Record<string, string> = {
    CI: '1',
    HOME: home,
    LANG: 'C.UTF-8',
    NEMOCLAW_HOME: ncHome,
    NEMOCLAW_OPENSHELL_BIN: entry.binary!,
    NEMOCLAW_PROBE_TIMEOUT_MS: '10000',
    NEMOCLAW_RECOVER_TIMEOUT_MS: '8000',
    NEMOCLAW_SANDBOX_READY_TIMEOUT_MS: '15000',
    OPENSHELL_LOCAL_TLS_DIR: tlsDir,
    // a legacy CLI drives Docker; never a developer's real one
    ...(isLegacyCli(entry.version) ? {DOCKER_HOST: NO_DOCKER_HOST} : {}),
    PATH: PATH_WITHOUT_SIM,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    ...extra,
  }
  return {dir, env, home, ncHome, tlsDir}
}

/** Register records the way nemoclaw stores them ($NEMOCLAW_HOME/sandboxes.json, schema v1). */
function writeRegistry(w: World, names: string[], gateway = 'nemoclaw'): void {
  const sandboxes = Object.fromEntries(
    names.map((name) => [
      name,
      {
        createdAt: '2026-11-01T12:00:00.000Z',
        gateway,
        lastSeen: null,
        model: 'm',
        name,
        policies: [],
        provider: 'nvidia',
        source: 'openclaw',
      },
    ]),
  )
  writeFileSync(
    join(w.ncHome, 'sandboxes.json'),
    JSON.stringify({defaultSandbox: names[0] ?? null, sandboxes, version: 1}, null, 2),
  )
}

function readActive(w: World): string | undefined {
  const f = join(w.home, '.config', 'openshell', 'active_gateway')
  return existsSync(f) ? readFileSync(f, 'utf8').trim() : undefined
}

function registryNames(w: World): string[] {
  return Object.keys(JSON.parse(readFileSync(join(w.ncHome, 'sandboxes.json'), 'utf8')).sandboxes).sort()
}

function journal(w: World): Array<{op: string; name: string; reason: string}> {
  const file = join(w.ncHome, 'pruned.jsonl')
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
}

const nc = (w: World, args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> =>
  runCli({env: w.env}, args, {env, timeoutMs: 90_000})

function states(r: CliResult): Record<string, string> {
  return Object.fromEntries((r.json?.sandboxes ?? []).map((s: any) => [s.name, s.state]))
}

/** A TLS listener (ALPN h2) whose certificate comes from a CA the CLI does not trust. */
/** The user's gateway.toml naming the local gateway service's port (what `openshell-gateway` binds; nemoclaw re-trusts
 *  only that gateway from the local bundle). */
function declareLocalService(home: string, port: number): void {
  mkdirSync(join(home, '.config', 'openshell'), {recursive: true})
  writeFileSync(
    join(home, '.config', 'openshell', 'gateway.toml'),
    `[openshell.gateway]\nbind_address = "127.0.0.1:${port}"\n`,
  )
}

async function foreignTls(dir: string, caSubject: string): Promise<{server: TlsServer; port: number}> {
  const pki = generatePki(dir, {caSubject})
  const server = createTlsServer({ALPNProtocols: ['h2'], cert: pki.serverCert, key: pki.serverKey}, (s) => s.destroy())
  server.on('tlsClientError', () => {})
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as {port: number}).port)),
  )
  return {port, server}
}

describe('conformance: nemoclaw (built) with the REAL openshell CLI', function () {
  this.timeout(120_000)

  if (versions.length === 0) {
    before(function () {
      skipOrFail(this, reason ?? 'no real openshell CLI installed')
    })
    it('runs nemoclaw against the real CLI (skipped: no binary)', () => {})
    return
  }

  let root: string
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'nemoclaw-real-'))
  })
  after(() => rmSync(root, {force: true, recursive: true}))

  // The states that need no gateway at all, with EVERY installed real CLI (legacy 0.0.26 and modern 0.0.111).
  for (const entry of versions) {
    const legacy = isLegacyCli(entry.version)
    describe(`no gateway needed, openshell ${entry.version} (${legacy ? 'legacy' : 'modern'})`, () => {
      /** status --json, connect --probe-only --json and doctor --json in one world. */
      const triple = (w: World, env: Record<string, string> = {}) =>
        Promise.all([
          nc(w, ['status', '--json'], env),
          nc(w, ['connect', 'alpha', '--probe-only', '--json'], env),
          nc(w, ['doctor', '--json'], env),
        ])
      const gatewayCheck = (doctor: CliResult) => doctor.json?.checks?.find((c: any) => c.id === 'gateway')

      /** Register gateway `name` on `port` with the real CLI's own `gateway add --local`: a modern CLI imports
       *  the bundle from $OPENSHELL_LOCAL_TLS_DIR, a legacy one reads it out of the gateway container (fake Docker). */
      const registerReal = async (w: World, name: string, port: number, opts: {activate?: boolean} = {}) => {
        const pki = generatePki(join(w.dir, `pki-${name}`))
        let env: Record<string, string>
        let docker: FakeDocker | undefined
        if (legacy) {
          docker = await startFakeDocker([
            {
              caCert: pki.caCert,
              clientCert: pki.clientCert,
              clientKey: pki.clientKey,
              name: `openshell-cluster-${name}`,
              publicPort: port,
              serverCert: pki.serverCert,
              serverKey: pki.serverKey,
            },
          ])
          env = {DOCKER_HOST: docker.dockerHost}
        } else {
          mkdirSync(join(w.tlsDir, 'client'), {recursive: true})
          writeFileSync(join(w.tlsDir, 'ca.crt'), pki.caCert)
          writeFileSync(join(w.tlsDir, 'client', 'tls.crt'), pki.clientCert)
          writeFileSync(join(w.tlsDir, 'client', 'tls.key'), pki.clientKey, {mode: 0o600})
          env = {OPENSHELL_LOCAL_TLS_DIR: w.tlsDir}
        }
        try {
          const active = readActive(w)
          const add = await runReal(
            entry,
            ['gateway', 'add', `https://127.0.0.1:${port}`, '--local', '--name', name],
            w.home,
            {env},
          )
          expect(add.exitCode, add.stderr).to.equal(0)
          expect(add.stderr).to.contain(`Gateway '${name}' added and set as active`)
          if (opts.activate === false && active) {
            const sel = await runReal(entry, ['gateway', 'select', active], w.home)
            expect(sel.exitCode, sel.stderr).to.equal(0)
          }
        } finally {
          await docker?.stop()
        }
      }

      it('nothing registered → gateway_not_configured (20) in status, connect --probe-only and doctor; record kept, nothing written', async () => {
        const w = world(root, entry, 'none')
        writeRegistry(w, ['alpha'])
        const empty = world(root, entry, 'none-empty')
        const [[st, probe, doctor], bare] = await Promise.all([triple(w), nc(empty, ['status', '--json'])])
        expect(st.exitCode, st.stderr).to.equal(20)
        expect(st.json.state).to.equal('gateway_not_configured')
        expect(st.json.gateway).to.include({
          name: 'nemoclaw',
          openshellVersion: entry.version,
          state: 'gateway_not_configured',
        })
        expect(probe.exitCode, probe.stderr).to.equal(20)
        expect(probe.json.sandbox).to.include({name: 'alpha', state: 'gateway_not_configured'})
        expect(bare.exitCode, bare.stderr).to.equal(20)
        expect(gatewayCheck(doctor), doctor.stderr).to.include({classId: 'gateway_not_configured'})
        expect(doctor.json.checks.find((c: any) => c.id === 'openshell')).to.include({status: 'pass'})
        // read-only: neither status nor doctor registered anything with openshell
        expect(existsSync(join(w.home, '.config', 'openshell', 'gateways'))).to.equal(false)
        expect(existsSync(join(empty.home, '.config', 'openshell', 'gateways'))).to.equal(false)
        expect(registryNames(w)).to.deep.equal(['alpha'])
        expect(journal(w)).to.deep.equal([])
      })

      it('registered by the real `gateway add --local`, nothing listening → gateway_unreachable (21); record kept', async () => {
        const w = world(root, entry, 'closed')
        const port = await freePort()
        await registerReal(w, 'nemoclaw', port)
        writeRegistry(w, ['alpha'])
        const [st, probe, doctor] = await triple(w)
        expect(st.exitCode, st.stderr).to.equal(21)
        expect(st.json.gateway).to.include({endpoint: `https://127.0.0.1:${port}`, state: 'gateway_unreachable'})
        expect(st.json.gateway.evidence.flatMap((e: any) => e.lines).join('\n')).to.contain(
          'Connection refused (os error 111)',
        )
        expect(probe.exitCode, probe.stderr).to.equal(21)
        expect(probe.json.sandbox).to.include({name: 'alpha', state: 'gateway_unreachable'})
        expect(gatewayCheck(doctor), doctor.stderr).to.include({classId: 'gateway_unreachable'})
        expect(registryNames(w)).to.deep.equal(['alpha'])
        expect(journal(w)).to.deep.equal([])
      })

      for (const [tag, subject] of [
        ['same DN', '/O=openshell/CN=openshell-ca'],
        ['different DN', '/O=elsewhere/CN=other-ca'],
      ] as const) {
        it(`a TLS server whose certificate comes from a foreign CA (${tag}) → gateway_trust_rotated (23)`, async () => {
          const w = world(root, entry, `trust-${tag.replace(' ', '-')}`)
          const {port, server} = await foreignTls(join(w.dir, 'foreign'), subject)
          try {
            await registerReal(w, 'nemoclaw', port)
            writeRegistry(w, ['alpha'])
            const [st, probe, doctor] = await triple(w)
            expect(st.exitCode, st.stderr).to.equal(23)
            expect(st.json.gateway.state).to.equal('gateway_trust_rotated')
            expect(st.json.gateway.evidence.flatMap((e: any) => e.lines).join('\n')).to.match(
              tag === 'same DN' ? /BadSignature/ : /UnknownIssuer/,
            )
            expect(probe.exitCode, probe.stderr).to.equal(23)
            expect(gatewayCheck(doctor), doctor.stderr).to.include({classId: 'gateway_trust_rotated'})
            expect(registryNames(w)).to.deep.equal(['alpha'])
          } finally {
            await new Promise<void>((resolve) => server.close(() => resolve()))
          }
        })
      }

      it('OPENSHELL_GATEWAY naming another registered gateway → gateway_other_active (25); record kept', async () => {
        const w = world(root, entry, 'other')
        await registerReal(w, 'nemoclaw', await freePort())
        await registerReal(w, 'other', await freePort(), {activate: false})
        expect(readActive(w)).to.equal('nemoclaw')
        writeRegistry(w, ['alpha'])
        const [st, probe, doctor] = await triple(w, {OPENSHELL_GATEWAY: 'other'})
        expect(st.exitCode, st.stderr).to.equal(25)
        expect(st.json.gateway.state).to.equal('gateway_other_active')
        expect(st.json.gateway.guidance.diagnosis).to.contain('OPENSHELL_GATEWAY')
        expect(probe.exitCode, probe.stderr).to.equal(25)
        expect(gatewayCheck(doctor), doctor.stderr).to.include({classId: 'gateway_other_active'})
        expect(registryNames(w)).to.deep.equal(['alpha'])
        expect(readActive(w)).to.equal('nemoclaw')
      })
    })
  }

  // The legacy CLI against the stub speaking its wire: nemoclaw reads the legacy table (NAMESPACE column, no JSON).
  const legacyCli = versions.find((v) => isLegacyCli(v.version))
  if (legacyCli) {
    describe(`openshell ${legacyCli.version} (legacy) against the stub gateway (legacy wire)`, () => {
      let stub: StubGateway
      let w: World
      before(async () => {
        w = world(root, legacyCli, 'legacy-stub')
        stub = await startStubGateway({dir: join(w.dir, 'stub'), wire: 'legacy'})
        stub.registerWithCli(w.home, 'nemoclaw')
        stub.addSandbox('alpha', 'Ready')
        stub.addSandbox('beta', 'Provisioning')
        stub.addSandbox('gamma', 'Error')
        stub.addSandbox('delta', 'Ready')
        writeRegistry(w, ['alpha', 'beta', 'delta', 'gamma'])
      })
      after(() => stub?.stop())

      it('healthy: status --json and list --json agree with the stub phase by phase, from the legacy table', async () => {
        const before = stub.calls.length
        const [st, ls] = await Promise.all([nc(w, ['status', '--json']), nc(w, ['list', '--json'])])
        const want = {alpha: 'ok', beta: 'sandbox_not_ready', delta: 'ok', gamma: 'sandbox_error'}
        expect(states(st), st.stderr).to.deep.equal(want)
        expect(states(ls), ls.stderr).to.deep.equal(want)
        const live = Object.fromEntries([...stub.sandboxes.values()].map((s) => [s.name, s.phase]))
        expect(Object.fromEntries(st.json.sandboxes.map((s: any) => [s.name, s.phase]))).to.deep.equal(live)
        expect(st.json.gateway).to.include({openshellVersion: legacyCli.version, state: 'ok', version: '0.0.26'})
        expect(st.exitCode).to.equal(32)
        // reads only: status and list also read the gateway's inference route (legacy wire: GetClusterInference)
        expect([...new Set(stub.calls.slice(before).map((c) => c.method))].sort()).to.deep.equal([
          'GetClusterInference',
          'Health',
          'ListSandboxes',
        ])
        expect(st.json.gateway.inference, 'the stub has no route').to.equal(null)
      })

      it('150 more sandboxes (0.0.26 alone prints only 100): nemoclaw pages with --limit/--offset, every record seen, none pruned', async () => {
        for (let i = 0; i < 150; i++) stub.addSandbox(`bulk-${String(i).padStart(3, '0')}`, 'Ready')
        writeRegistry(w, ['alpha', 'beta', 'bulk-149', 'delta', 'gamma'])
        const before = stub.calls.length
        const st = await nc(w, ['status', '--json'])
        expect(states(st), st.stderr).to.include({'bulk-149': 'ok', delta: 'ok'})
        expect(st.json.pruned).to.deep.equal([])
        const lists = stub.calls
          .slice(before)
          .filter((c) => c.method === 'ListSandboxes')
          .map((c) => c.request as any)
        expect(lists.map((r) => [r.limit, r.offset])).to.deep.equal([[1000, 0]])
        for (let i = 0; i < 150; i++) stub.removeSandbox(`bulk-${String(i).padStart(3, '0')}`)
        writeRegistry(w, ['alpha', 'beta', 'delta', 'gamma'])
      })

      it('a sandbox removed in the gateway → sandbox_missing (30), journaled; stopped → gateway_unreachable (21), nothing pruned', async () => {
        stub.removeSandbox('delta')
        stub.setPhase('gamma', 'Ready')
        stub.setPhase('beta', 'Ready')
        const st = await nc(w, ['status', '--json'])
        expect(states(st), st.stderr).to.deep.equal({alpha: 'ok', beta: 'ok', delta: 'sandbox_missing', gamma: 'ok'})
        expect(st.exitCode).to.equal(30)
        expect(registryNames(w)).to.deep.equal(['alpha', 'beta', 'gamma'])
        expect(journal(w).map((e) => [e.op, e.name])).to.deep.equal([['prune', 'delta']])
        await stub.stop()
        const down = await nc(w, ['status', '--json'])
        expect(down.exitCode, down.stderr).to.equal(21)
        expect(down.json.gateway.state).to.equal('gateway_unreachable')
        expect(registryNames(w)).to.deep.equal(['alpha', 'beta', 'gamma'])
      })

      it('restarted on a new CA → gateway_trust_rotated (23); connect --probe-only says so too', async () => {
        await stub.restart({newCa: true})
        const [st, probe] = await Promise.all([
          nc(w, ['status', '--json']),
          nc(w, ['connect', 'alpha', '--probe-only', '--json']),
        ])
        expect(st.exitCode, st.stderr).to.equal(23)
        expect(st.json.gateway.evidence.flatMap((e: any) => e.lines).join('\n')).to.contain('BadSignature')
        expect(probe.exitCode, probe.stderr).to.equal(23)
        expect(registryNames(w)).to.deep.equal(['alpha', 'beta', 'gamma'])
      })
    })
  }

  // Against the stub gateway: its 0.0 wire is what the modern 0.0.x CLI speaks.
  if (!cli) return
  describe('against the stub gateway (0.0 wire)', () => {
    let stub: StubGateway
    let w: World
    before(async () => {
      w = world(root, cli, 'stub')
      stub = await startStubGateway({dir: join(w.dir, 'stub'), wire: '0.0'})
      stub.registerWithCli(w.home, 'nemoclaw')
      // the gateway service's own bundle: where `recover` re-imports trust from; its port, as gateway.toml declares it
      w.env.OPENSHELL_LOCAL_TLS_DIR = stub.localTlsDir
      declareLocalService(w.home, stub.port)
      stub.addSandbox('alpha', 'Ready')
      stub.addSandbox('beta', 'Provisioning')
      stub.addSandbox('gamma', 'Error')
      stub.addSandbox('delta', 'Stopped')
      writeRegistry(w, ['alpha', 'beta', 'delta', 'gamma'])
    })
    after(() => stub?.stop())

    it('healthy: status --json and list --json agree with the stub, phase by phase; nothing mutated', async () => {
      const before = stub.calls.length
      const [st, ls] = await Promise.all([nc(w, ['status', '--json']), nc(w, ['list', '--json'])])
      const want = {alpha: 'ok', beta: 'sandbox_not_ready', delta: 'sandbox_stopped', gamma: 'sandbox_error'}
      expect(states(st), st.stderr).to.deep.equal(want)
      expect(states(ls), ls.stderr).to.deep.equal(want)
      const phases = (r: CliResult) => Object.fromEntries(r.json.sandboxes.map((s: any) => [s.name, s.phase]))
      const live = Object.fromEntries([...stub.sandboxes.values()].map((s) => [s.name, s.phase]))
      expect(phases(st)).to.deep.equal(live)
      expect(phases(ls)).to.deep.equal(live)
      expect(st.json.gateway).to.include({state: 'ok', version: '0.0.111'})
      expect(st.exitCode).to.equal(32) // the worst finding: gamma in Error
      const methods = new Set(stub.calls.slice(before).map((c) => c.method))
      // reads only: status and list also read the gateway's inference route (GetInferenceRoute)
      expect([...methods].sort()).to.deep.equal(['GetGatewayInfo', 'GetInferenceRoute', 'Health', 'ListSandboxes'])
      expect(ls.json.gateways).to.deep.equal([{inference: null, name: 'nemoclaw', state: 'ok'}])
    })

    it('OPENSHELL_GATEWAY naming another registered gateway → gateway_other_active (25), record kept', async () => {
      stub.registerWithCli(w.home, 'other', {activate: false})
      try {
        const st = await nc(w, ['status', '--json'], {OPENSHELL_GATEWAY: 'other'})
        expect(st.exitCode, st.stderr).to.equal(25)
        expect(st.json.gateway.state).to.equal('gateway_other_active')
        expect(st.json.gateway.guidance.diagnosis).to.contain('OPENSHELL_GATEWAY')
        expect(registryNames(w)).to.deep.equal(['alpha', 'beta', 'delta', 'gamma'])
      } finally {
        rmSync(join(w.home, '.config', 'openshell', 'gateways', 'other'), {force: true, recursive: true})
      }
    })

    it('150 more sandboxes (0.0.111 alone would print only 100): every record is seen, none pruned', async () => {
      for (let i = 0; i < 150; i++) stub.addSandbox(`bulk-${String(i).padStart(3, '0')}`, 'Ready')
      writeRegistry(w, ['alpha', 'beta', 'bulk-149', 'delta', 'gamma'])
      const before = stub.calls.length
      const st = await nc(w, ['status', '--json'])
      expect(states(st), st.stderr).to.include({'bulk-149': 'ok', delta: 'sandbox_stopped'})
      expect(st.json.pruned).to.deep.equal([])
      expect(journal(w)).to.deep.equal([])
      const lists = stub.calls
        .slice(before)
        .filter((c) => c.method === 'ListSandboxes')
        .map((c) => c.request as any)
      expect(lists.map((r) => [r.limit, r.offset])).to.deep.equal([[1000, 0]])
    })

    it('a sandbox removed in the gateway → sandbox_missing (30), the record is journaled to pruned.jsonl', async () => {
      stub.removeSandbox('delta')
      for (const n of ['beta', 'gamma']) stub.setPhase(n, 'Ready')
      const st = await nc(w, ['status', '--json'])
      expect(states(st), st.stderr).to.include({alpha: 'ok', delta: 'sandbox_missing'})
      expect(st.exitCode).to.equal(30)
      expect(st.json.pruned.map((p: any) => p.name)).to.deep.equal(['delta'])
      expect(registryNames(w)).to.deep.equal(['alpha', 'beta', 'bulk-149', 'gamma'])
      expect(journal(w).map((e) => [e.op, e.name])).to.deep.equal([['prune', 'delta']])
      const back = await nc(w, ['list', '--pruned', '--json'])
      expect(
        back.json?.pruned?.map((p: any) => p.name),
        back.stderr,
      ).to.deep.equal(['delta'])
    })

    it('stub stopped → gateway_unreachable (21); nothing pruned', async () => {
      await stub.stop()
      const st = await nc(w, ['status', '--json'])
      expect(st.exitCode, st.stderr).to.equal(21)
      expect(st.json.gateway.state).to.equal('gateway_unreachable')
      expect(registryNames(w)).to.deep.equal(['alpha', 'beta', 'bulk-149', 'gamma'])
    })

    it('restarted on a new CA → gateway_trust_rotated (23); `recover` re-imports trust from the local bundle → healthy', async () => {
      await stub.restart({newCa: true})
      const mtlsCa = join(w.home, '.config', 'openshell', 'gateways', 'nemoclaw', 'mtls', 'ca.crt')
      const oldCa = readFileSync(mtlsCa, 'utf8')
      const st = await nc(w, ['status', '--json'])
      expect(st.exitCode, st.stderr).to.equal(23)
      expect(st.json.gateway.state).to.equal('gateway_trust_rotated')
      const rec = await nc(w, ['recover', '--json'])
      expect(rec.exitCode, rec.stderr).to.equal(0)
      expect(rec.json.state).to.equal('ok')
      expect(rec.json.recovery.map((r: any) => [r.before, r.after])).to.deep.equal([['gateway_trust_rotated', 'ok']])
      expect(rec.json.recovery[0].steps.map((s: any) => s.kind)).to.include('reimport-trust')
      const newCa = readFileSync(mtlsCa, 'utf8')
      expect(newCa).to.not.equal(oldCa)
      expect(newCa).to.equal(readFileSync(join(stub.localTlsDir, 'ca.crt'), 'utf8'))
      expect(states(rec)).to.deep.equal({alpha: 'ok', beta: 'ok', 'bulk-149': 'ok', gamma: 'ok'})
      const again = await nc(w, ['status', '--json'])
      expect(again.exitCode, again.stderr).to.equal(0)
    })
  })

  it('onboard A then B against the stub: the gateway is reused both times, A survives B', async () => {
    const w = world(root, cli, 'onboard', {NVIDIA_API_KEY: 'nvapi-conformance-secret'})
    const stub = await startStubGateway({dir: join(w.dir, 'stub'), provisionMs: 200, wire: '0.0'})
    try {
      stub.registerWithCli(w.home, 'nemoclaw')
      w.env.OPENSHELL_LOCAL_TLS_DIR = stub.localTlsDir
      declareLocalService(w.home, stub.port)
      const metaFile = join(w.home, '.config', 'openshell', 'gateways', 'nemoclaw', 'metadata.json')
      const meta = readFileSync(metaFile, 'utf8')
      const a = await nc(w, ['onboard', '--name', 'first', '--non-interactive', '--json'])
      expect(a.exitCode, a.stderr).to.equal(0)
      expect(a.json).to.include({gatewayReused: true, ok: true})
      const b = await nc(w, ['onboard', '--name', 'second', '--non-interactive', '--json'])
      expect(b.exitCode, b.stderr).to.equal(0)
      expect(b.json).to.include({gatewayReused: true, ok: true})
      expect([...stub.sandboxes.keys()].sort()).to.deep.equal(['first', 'second'])
      expect(readFileSync(metaFile, 'utf8')).to.equal(meta)
      const methods = stub.calls.map((c) => c.method)
      expect(methods).to.not.include('DeleteSandbox')
      expect(methods.filter((m) => m === 'CreateSandbox')).to.have.length(2)
      // the provider carries the credential NAME; the stub never saw the value in a request it recorded
      expect([...stub.providers.entries()].map(([n, p]) => [n, p.type, p.credentialKeys])).to.deep.equal([
        ['nemoclaw-nvidia', 'nvidia', ['NVIDIA_API_KEY']],
      ])
      expect(JSON.stringify(stub.calls)).to.not.contain('nvapi-conformance-secret')
      expect(stub.routes.get('')).to.include({model: 'nvidia/nemotron-3-super-120b-a12b', provider: 'nemoclaw-nvidia'})
      const st = await nc(w, ['status', '--json'])
      expect(st.exitCode, st.stderr).to.equal(0)
      expect(states(st)).to.deep.equal({first: 'ok', second: 'ok'})
    } finally {
      await stub.stop()
    }
  })
})
