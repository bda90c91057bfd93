// The REAL legacy openshell CLI (0.0.26, installed by scripts/install-openshell.sh) against the stub gateway's
// 'legacy' wire (proto/v0_0_legacy, drift-checked against the 0.0.26 wheel). Asserts what the binary prints and
// what it sends: status, sandbox list (phases, paging), get, get missing, delete, inference get, create,
// gateway stopped (connection refused) and restarted with a new CA of the same DN (trust error).
import {expect} from 'chai'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {type RealRun, realOpenshellVersions, runReal, skipOrFail, stripAnsi} from '../support/real-openshell.js'
import {startStubGateway, type StubCall, type StubGateway} from '../support/stub-gateway/index.js'

const VERSION = '0.0.26'
const {versions, reason} = realOpenshellVersions()
const entry = versions.find((v) => v.version === VERSION)

// tonic's Status Debug text: miette wraps it at 80 columns, the date header varies.
const notFound =
  /^Error: {3}× status: NotFound, message: "sandbox not found", details: \[\], metadata:\n {2}│ MetadataMap \{ headers: \{"date": "[^"]+", "content-\n {2}│ type": "application\/grpc\+proto"\} \}\n\n$/
const refusedRpc =
  'Error:   × transport error\n  ├─▶ tcp connect error\n  ├─▶ tcp connect error\n  ╰─▶ Connection refused (os error 111)\n\n'
const badSigRpc =
  'Error:   × transport error\n  ├─▶ invalid peer certificate: BadSignature\n  ╰─▶ invalid peer certificate: BadSignature\n\n'

describe(`conformance: real openshell ${VERSION} (legacy) against the stub gateway's legacy wire`, function () {
  this.timeout(60_000)
  let gw: StubGateway
  let home: string

  type Run = RealRun & {out: string; err: string; rpcs: StubCall[]}
  const run = async (...argv: string[]): Promise<Run> => {
    const before = gw.calls.length
    const r = await runReal(entry!, argv, home)
    return {...r, out: stripAnsi(r.stdout), err: stripAnsi(r.stderr), rpcs: gw.calls.slice(before)}
  }
  const methods = (r: Run) => r.rpcs.map((c) => c.method)
  const phaseColumn = (out: string) =>
    out
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(/\s{2,}/))

  before(async function () {
    if (!entry) {
      skipOrFail(
        this,
        `real openshell ${VERSION} CLI not installed: ${reason ?? 'not in versions.json'} (bash scripts/install-openshell.sh)`,
      )
    }
    gw = await startStubGateway({wire: 'legacy'})
    home = mkdtempSync(join(tmpdir(), 'openshell-legacy-'))
    gw.registerWithCli(home, 'stub')
    gw.addSandbox('alpha', 'Ready')
    gw.addSandbox('beta', 'Provisioning')
    gw.addSandbox('gamma', 'Error')
    gw.addSandbox('delta', 'Deleting')
    gw.addSandbox('epsilon', 'Unknown')
  })
  after(async () => {
    await gw?.stop({cleanup: true})
    if (home) rmSync(home, {recursive: true, force: true})
  })

  it('the stub refuses phases the legacy SandboxPhase enum lacks', () => {
    expect(() => gw.addSandbox('x', 'Stopped')).to.throw(/phase Stopped does not exist on the legacy wire/)
    expect(gw.sandboxes.has('x')).to.equal(false)
  })

  it('status: Connected + Version 0.0.26 (exit 0), Health only — no GetGatewayInfo, no Authentication line; coloured even when piped', async () => {
    const r = await run('status')
    expect(r.exitCode).to.equal(0)
    expect(r.out).to.match(
      /^Server Status\n\n {2}Gateway: stub\n {2}Server: https:\/\/127\.0\.0\.1:\d+\n {2}Status: Connected\n {2}Version: 0\.0\.26\n$/,
    )
    expect(r.err).to.equal('')
    expect(r.stdout).to.not.equal(r.out) // ANSI SGR codes on a pipe
    expect(methods(r)).to.deep.equal(['Health'])
  })

  it('sandbox list: NAME NAMESPACE CREATED PHASE table with every legacy phase; sends limit 100, offset 0', async () => {
    const r = await run('sandbox', 'list')
    expect(r.exitCode).to.equal(0)
    expect(r.err).to.equal('')
    expect(r.out.split('\n')[0]).to.equal('NAME     NAMESPACE  CREATED              PHASE')
    expect(phaseColumn(r.out)).to.deep.equal([
      ['alpha', 'openshell', '2026-11-01 12:00:00', 'Ready'],
      ['beta', 'openshell', '2026-11-01 12:00:01', 'Provisioning'],
      ['gamma', 'openshell', '2026-11-01 12:00:02', 'Error'],
      ['delta', 'openshell', '2026-11-01 12:00:03', 'Deleting'],
      ['epsilon', 'openshell', '2026-11-01 12:00:04', 'Unknown'],
    ])
    expect(r.rpcs).to.deep.equal([{method: 'ListSandboxes', request: {limit: 100, offset: 0}}])
  })

  it('sandbox get: Id/Name/Namespace/Phase + the spec policy as YAML (filesystem_policy); GetSandbox only, no GetSandboxConfig', async () => {
    const r = await run('sandbox', 'get', 'alpha')
    expect(r.exitCode).to.equal(0)
    expect(r.out).to.equal(
      `Sandbox:\n\n  Id: ${gw.sandboxes.get('alpha')!.id}\n  Name: alpha\n  Namespace: openshell\n  Phase: Ready\n\n` +
        'Policy:\n\n  version: 1\n  filesystem_policy:\n    include_workdir: true\n    read_only:\n    - /usr\n    - /lib\n    read_write:\n    - /sandbox\n    - /tmp\n',
    )
    expect(r.rpcs).to.deep.equal([{method: 'GetSandbox', request: {name: 'alpha'}}])
  })

  it('sandbox get missing: exit 1, stdout empty, tonic Status Debug text (NotFound + MetadataMap), not the 0.0.111 `code: ...` form', async () => {
    const r = await run('sandbox', 'get', 'missing')
    expect(r.exitCode).to.equal(1)
    expect(r.out).to.equal('')
    expect(r.err).to.match(notFound)
  })

  it('inference get: GetClusterInference NOT_FOUND for "" and "sandbox-system" -> "Not configured" twice, exit 0', async () => {
    const r = await run('inference', 'get')
    expect(r.exitCode).to.equal(0)
    expect(r.out).to.equal('Gateway inference:\n\n  Not configured\n\nSystem inference:\n\n  Not configured\n')
    expect(r.rpcs).to.deep.equal([
      {method: 'GetClusterInference', request: {route_name: ''}},
      {method: 'GetClusterInference', request: {route_name: 'sandbox-system'}},
    ])
  })

  it('sandbox delete: "✓ Deleted sandbox gamma" on stdout; a missing sandbox is the same NotFound error', async () => {
    const r = await run('sandbox', 'delete', 'gamma')
    expect(r.exitCode).to.equal(0)
    expect(r.out).to.equal('✓ Deleted sandbox gamma\n')
    expect(r.rpcs).to.deep.equal([{method: 'DeleteSandbox', request: {name: 'gamma'}}])
    expect(gw.sandboxes.has('gamma')).to.equal(false)
    const m = await run('sandbox', 'delete', 'missing')
    expect(m.exitCode).to.equal(1)
    expect(m.out).to.equal('')
    expect(m.err).to.match(notFound)
  })

  it('sandbox create --name X -- true: CreateSandbox, WatchSandbox until Ready, GetSandbox, then needs CreateSshSession (not served: exit 1)', async () => {
    const r = await run('sandbox', 'create', '--name', 'newbox', '--', 'true')
    expect(r.exitCode).to.equal(1)
    expect(r.out).to.match(/^\nCreated sandbox: newbox\n\n {2}\[\d+\.\ds\] Requesting compute\.\.\.\n$/)
    expect(r.err).to.match(
      /^Error: {3}× status: Unimplemented, message: "The server does not implement the\n {2}│ method \/openshell\.v1\.OpenShell\/CreateSshSession", details: \[\], metadata:\n/,
    )
    expect(methods(r)).to.deep.equal(['CreateSandbox', 'WatchSandbox', 'GetSandbox'])
    // The legacy SandboxSpec has no `command` (0.0.111 sends spec.command): the CLI runs `true` over SSH once Ready.
    expect(r.rpcs[0].request).to.deep.equal({
      name: 'newbox',
      spec: {environment: {}, gpu: false, log_level: '', policy: null, providers: []},
    })
    const id = gw.sandboxes.get('newbox')!.id
    expect(r.rpcs[1].request).to.deep.include({
      id,
      follow_status: true,
      follow_logs: true,
      follow_events: true,
      log_tail_lines: 200,
      event_tail: 0,
      stop_on_terminal: false,
      log_sources: ['gateway'],
    })
    expect(gw.sandboxes.get('newbox')!.phase).to.equal('Ready')
    gw.removeSandbox('newbox')
  })

  it('paging: with 154 sandboxes the CLI asks once for limit 100 and silently shows 100; --limit 500 shows all', async () => {
    for (let i = 0; i < 150; i++) gw.addSandbox(`bulk-${String(i).padStart(3, '0')}`, 'Ready')
    expect(gw.sandboxes.size).to.equal(154)
    const r = await run('sandbox', 'list')
    expect(r.exitCode).to.equal(0)
    expect(r.err).to.equal('')
    expect(r.out.trim().split('\n')).to.have.length(101) // header + 100
    expect(r.rpcs).to.deep.equal([{method: 'ListSandboxes', request: {limit: 100, offset: 0}}])
    const names = await run('sandbox', 'list', '--names')
    expect(names.out.trim().split('\n')).to.have.length(100)
    const all = await run('sandbox', 'list', '--limit', '500')
    expect(all.out.trim().split('\n')).to.have.length(155)
    expect(all.rpcs).to.deep.equal([{method: 'ListSandboxes', request: {limit: 500, offset: 0}}])
    const second = await run('sandbox', 'list', '--offset', '100', '--names')
    expect(second.out.trim().split('\n')).to.have.length(54)
    expect(second.rpcs[0].request).to.deep.equal({limit: 100, offset: 100})
  })

  it('stub stopped: connection refused; status prints its header on stdout before the error (0.0.111 prints nothing)', async () => {
    await gw.stop()
    const s = await run('status')
    expect(s.exitCode).to.equal(1)
    expect(s.out).to.match(/^Server Status\n\n {2}Gateway: stub\n {2}Server: https:\/\/127\.0\.0\.1:\d+\n$/)
    expect(s.err).to.equal(
      'Error:   × client error (Connect)\n  ├─▶ tcp connect error\n  ╰─▶ Connection refused (os error 111)\n\n',
    )
    for (const argv of [
      ['sandbox', 'list'],
      ['sandbox', 'get', 'alpha'],
    ]) {
      const r = await run(...argv)
      expect(r.exitCode, argv.join(' ')).to.equal(1)
      expect(r.out, argv.join(' ')).to.equal('')
      expect(r.err, argv.join(' ')).to.equal(refusedRpc)
    }
  })

  it('stub restarted with a new CA (same DN): invalid peer certificate: BadSignature', async () => {
    await gw.restart({newCa: true})
    const s = await run('status')
    expect(s.exitCode).to.equal(1)
    expect(s.out).to.match(/^Server Status\n\n {2}Gateway: stub\n {2}Server: https:\/\/127\.0\.0\.1:\d+\n$/)
    expect(s.err).to.equal('Error:   × client error (Connect)\n  ╰─▶ invalid peer certificate: BadSignature\n\n')
    for (const argv of [
      ['sandbox', 'list'],
      ['sandbox', 'get', 'alpha'],
    ]) {
      const r = await run(...argv)
      expect(r.exitCode, argv.join(' ')).to.equal(1)
      expect(r.out, argv.join(' ')).to.equal('')
      expect(r.err, argv.join(' ')).to.equal(badSigRpc)
    }
    // re-registering the rotated trust makes it healthy again
    gw.registerWithCli(home, 'stub')
    const ok = await run('status')
    expect(ok.exitCode).to.equal(0)
    expect(ok.out).to.contain('Status: Connected\n  Version: 0.0.26\n')
  })
})
