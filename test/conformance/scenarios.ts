// Every case run against a real openshell binary: used by scripts/capture-fixtures.ts (writes fixtures) and by
// test/conformance/real-cli.test.ts (asserts). Temp HOMEs only; all traffic on 127.0.0.1.
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {createServer as createNetServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join, relative} from 'node:path'
import {createServer as createTlsServer, type Server as TlsServer} from 'node:tls'
import {startFakeDocker} from '../support/fake-docker.js'
import {isLegacyCli, type RealEntry, type RealRun, runReal} from '../support/real-openshell.js'
import {generatePki} from '../support/stub-gateway/pki.js'
import {startStubGateway, type StubGateway} from '../support/stub-gateway/index.js'

export interface CaseResult extends RealRun {
  case: string
  note: string
  /** Files the command left under $HOME (path, mode, content for small text files). */
  files?: Array<{path: string; mode: string; content?: string}>
  /** RPCs the stub received during the case. */
  rpcs?: Array<{method: string; request: unknown}>
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const {port} = s.address() as {port: number}
      s.close(() => resolve(port))
    })
  })
}

function snapshotFiles(home: string): CaseResult['files'] {
  const out: NonNullable<CaseResult['files']> = []
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n)
      const st = statSync(p)
      if (st.isDirectory()) {
        out.push({path: relative(home, p) + '/', mode: (st.mode & 0o777).toString(8)})
        walk(p)
      } else {
        const text = n.endsWith('.json') || n === 'active_gateway' || n === 'last_sandbox'
        out.push({
          path: relative(home, p),
          mode: (st.mode & 0o777).toString(8),
          ...(text ? {content: readFileSync(p, 'utf8')} : {}),
        })
      }
    }
  }
  walk(home)
  return out
}

/** A TLS listener (ALPN h2) whose certificate comes from a foreign CA; nothing behind it. */
async function foreignTlsServer(dir: string, caSubject: string): Promise<{server: TlsServer; port: number}> {
  const pki = generatePki(dir, {caSubject})
  const server = createTlsServer({key: pki.serverKey, cert: pki.serverCert, ALPNProtocols: ['h2']}, (sock) =>
    sock.destroy(),
  )
  server.on('tlsClientError', () => {})
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as {port: number}).port)),
  )
  return {server, port}
}

export async function runScenarios(entry: RealEntry, log: (m: string) => void = () => {}): Promise<CaseResult[]> {
  const results: CaseResult[] = []
  // Legacy CLIs (<= 0.0.36) register a local gateway by reading its TLS secrets out of the gateway container
  // through Docker; a fake Docker Engine API plays that container (test/support/fake-docker.ts). Modern CLIs
  // import the bundle from $OPENSHELL_LOCAL_TLS_DIR.
  const legacy = isLegacyCli(entry.version)
  const tmp = mkdtempSync(join(tmpdir(), `openshell-conf-${entry.version}-`))
  let n = 0
  const newHome = () => mkdtempSync(join(tmp, `home${n++}-`))
  const cap = async (
    name: string,
    argv: string[],
    home: string,
    note: string,
    o: {env?: Record<string, string>; timeoutMs?: number; files?: boolean; stub?: StubGateway} = {},
  ) => {
    const before = o.stub?.calls.length ?? 0
    const r = await runReal(entry, argv, home, {env: o.env, timeoutMs: o.timeoutMs})
    const res: CaseResult = {case: name, note, ...r}
    if (o.files) res.files = snapshotFiles(home)
    if (o.stub) res.rpcs = o.stub.calls.slice(before).map((c) => ({method: c.method, request: c.request}))
    results.push(res)
    log(`${name}: exit ${r.exitCode}${r.timedOut ? ' (timed out)' : ''} ${r.durationMs}ms`)
    return res
  }

  try {
    // --- no gateway at all ---------------------------------------------------------------------------------
    const h0 = newHome()
    const none = 'fresh HOME, no gateway registered'
    await cap('version', ['--version'], h0, 'version string')
    await cap('no-gateway-status', ['status'], h0, none)
    await cap('no-gateway-status-json', ['status', '-o', 'json'], h0, none)
    await cap('no-gateway-gateway-info', ['gateway', 'info'], h0, none)
    await cap('no-gateway-gateway-info-json', ['gateway', 'info', '-o', 'json'], h0, none)
    await cap('no-gateway-gateway-list', ['gateway', 'list'], h0, none)
    await cap('no-gateway-gateway-list-json', ['gateway', 'list', '-o', 'json'], h0, none)
    await cap('no-gateway-gateway-select-unknown', ['gateway', 'select', 'x'], h0, none)
    await cap('no-gateway-sandbox-list', ['sandbox', 'list'], h0, none)
    await cap('no-gateway-sandbox-list-json', ['sandbox', 'list', '-o', 'json'], h0, none)
    await cap('no-gateway-sandbox-get', ['sandbox', 'get', 'x'], h0, none)
    await cap('no-gateway-inference-get', ['inference', 'get'], h0, none)
    await cap('no-gateway-env-gateway-status', ['status'], h0, 'OPENSHELL_GATEWAY names an unregistered gateway', {
      env: {OPENSHELL_GATEWAY: 'other'},
    })
    await cap(
      'no-gateway-env-gateway-sandbox-list',
      ['sandbox', 'list'],
      h0,
      'OPENSHELL_GATEWAY names an unregistered gateway',
      {env: {OPENSHELL_GATEWAY: 'other'}},
    )
    await cap('no-gateway-flag-gateway-status', ['-g', 'other', 'status'], h0, '-g names an unregistered gateway')
    if (legacy) {
      const noDocker = 'legacy lifecycle command; DOCKER_HOST names a socket that does not exist (no container engine)'
      await cap('legacy-gateway-start-no-docker', ['gateway', 'start'], h0, noDocker)
      await cap('legacy-gateway-start-named-no-docker', ['gateway', 'start', '--name', 'g'], h0, noDocker)
      await cap('legacy-gateway-stop-no-docker', ['gateway', 'stop'], h0, noDocker)
      await cap('legacy-gateway-destroy-no-docker', ['gateway', 'destroy'], h0, noDocker)
      await cap('legacy-doctor-no-docker', ['doctor'], h0, noDocker, {timeoutMs: 20_000})
    } else {
      await cap('usage-gateway-start', ['gateway', 'start'], h0, 'legacy lifecycle command on a modern CLI')
      await cap('usage-gateway-stop', ['gateway', 'stop'], h0, 'legacy lifecycle command on a modern CLI')
      await cap('usage-gateway-destroy', ['gateway', 'destroy'], h0, 'legacy lifecycle command on a modern CLI')
    }
    await cap('usage-unknown-flag', ['sandbox', 'list', '--bogus'], h0, 'unknown flag')
    await cap(
      'no-gateway-sandbox-get-long-name',
      ['sandbox', 'get', 'abcdefghijklmnopqrstuvwxyz'],
      h0,
      'client-side name check?',
    )

    // --- registration against a closed port ----------------------------------------------------------------
    const closed = await freePort()
    const ep = `https://127.0.0.1:${closed}`
    const bundle = generatePki(join(tmp, 'bundle-pki'))
    const h1 = newHome()
    const h2 = newHome()
    if (legacy) {
      await cap(
        'gateway-add-local-no-docker',
        ['gateway', 'add', ep, '--name', 'g', '--local'],
        h1,
        'legacy: no Docker socket, so the TLS secrets cannot be read from a gateway container',
        {files: true},
      )
      const docker = await startFakeDocker([])
      try {
        await cap(
          'gateway-add-local-no-container',
          ['gateway', 'add', ep, '--name', 'g', '--local'],
          h1,
          'legacy: Docker answers but no container publishes the port',
          {files: true, env: {DOCKER_HOST: docker.dockerHost}},
        )
        docker.containers.push({
          name: 'openshell-cluster-g',
          publicPort: closed,
          caCert: bundle.caCert,
          serverCert: bundle.serverCert,
          serverKey: bundle.serverKey,
          clientCert: bundle.clientCert,
          clientKey: bundle.clientKey,
        })
        await cap(
          'gateway-add-local',
          ['gateway', 'add', ep, '--name', 'g', '--local'],
          h2,
          'legacy: fake Docker container openshell-cluster-g publishes the (closed) port and holds the k3s TLS secrets',
          {files: true, env: {DOCKER_HOST: docker.dockerHost}},
        )
        await cap('gateway-add-local-again', ['gateway', 'add', ep, '--name', 'g', '--local'], h2, 'same name again', {
          env: {DOCKER_HOST: docker.dockerHost},
        })
      } finally {
        await docker.stop()
      }
    } else {
      await cap(
        'gateway-add-local-no-certs',
        ['gateway', 'add', ep, '--name', 'g', '--local'],
        h1,
        'no TLS bundle in $XDG_STATE_HOME/openshell/tls nor gateways/g/mtls',
        {files: true},
      )
    }
    await cap(
      'gateway-add-https-no-flag',
      ['gateway', 'add', ep, '--name', 'g'],
      h1,
      'https endpoint without --local/--remote = cloud (edge/browser auth); stdin closed; killed after 6 s (it waits 120 s, then removes the registration and exits 0)',
      {timeoutMs: 6000, files: true, env: {OPENSHELL_NO_BROWSER: '1'}},
    )
    if (!legacy) {
      const tlsDir = join(tmp, 'local-tls')
      mkdirSync(join(tlsDir, 'client'), {recursive: true})
      writeFileSync(join(tlsDir, 'ca.crt'), bundle.caCert)
      writeFileSync(join(tlsDir, 'client', 'tls.crt'), bundle.clientCert)
      writeFileSync(join(tlsDir, 'client', 'tls.key'), bundle.clientKey)
      await cap(
        'gateway-add-local',
        ['gateway', 'add', ep, '--name', 'g', '--local'],
        h2,
        'OPENSHELL_LOCAL_TLS_DIR=<bundle with ca.crt, client/tls.crt, client/tls.key>; port closed',
        {files: true, env: {OPENSHELL_LOCAL_TLS_DIR: tlsDir}},
      )
      await cap('gateway-add-local-again', ['gateway', 'add', ep, '--name', 'g', '--local'], h2, 'same name again', {
        env: {OPENSHELL_LOCAL_TLS_DIR: tlsDir},
      })
    }
    const down = 'registered mTLS gateway, port closed (connection refused)'
    await cap('refused-status', ['status'], h2, down)
    await cap('refused-status-json', ['status', '-o', 'json'], h2, down)
    await cap('refused-gateway-info', ['gateway', 'info'], h2, down)
    await cap('refused-gateway-info-json', ['gateway', 'info', '-o', 'json'], h2, down)
    await cap('refused-gateway-list', ['gateway', 'list'], h2, down)
    await cap('refused-gateway-list-json', ['gateway', 'list', '-o', 'json'], h2, down)
    await cap('refused-sandbox-list', ['sandbox', 'list'], h2, down)
    await cap('refused-sandbox-list-json', ['sandbox', 'list', '-o', 'json'], h2, down)
    await cap('refused-sandbox-get', ['sandbox', 'get', 'x'], h2, down)
    await cap('refused-sandbox-delete', ['sandbox', 'delete', 'x'], h2, down)
    await cap('refused-inference-get', ['inference', 'get'], h2, down)
    await cap('gateway-select-known', ['gateway', 'select', 'g'], h2, 'select the registered gateway')
    await cap('gateway-select-known-env-override', ['gateway', 'select', 'g'], h2, 'OPENSHELL_GATEWAY=other set', {
      env: {OPENSHELL_GATEWAY: 'other'},
    })
    await cap('env-gateway-other-status', ['status'], h2, 'gateway g active, OPENSHELL_GATEWAY=other (unregistered)', {
      env: {OPENSHELL_GATEWAY: 'other'},
    })
    await cap(
      'env-gateway-other-sandbox-list',
      ['sandbox', 'list'],
      h2,
      'gateway g active, OPENSHELL_GATEWAY=other (unregistered)',
      {env: {OPENSHELL_GATEWAY: 'other'}},
    )
    rmSync(join(h2, '.config', 'openshell', 'gateways', 'g', 'mtls', 'ca.crt'))
    await cap('missing-ca-sandbox-list', ['sandbox', 'list'], h2, 'mtls/ca.crt deleted')
    await cap('missing-ca-status', ['status'], h2, 'mtls/ca.crt deleted')

    // --- TLS trust failures (foreign CA behind an ALPN-h2 TLS listener) --------------------------------------
    for (const [tag, subject] of [
      ['same-dn', '/O=openshell/CN=openshell-ca'],
      ['other-dn', '/O=elsewhere/CN=other-ca'],
    ] as const) {
      const {server, port} = await foreignTlsServer(join(tmp, `foreign-${tag}`), subject)
      const h = newHome()
      const stubLike = await startStubGateway({wire: '0.0', dir: join(tmp, `reg-${tag}`)})
      await stubLike.stop()
      // register trust for the *stub's* CA but point the endpoint at the foreign server
      stubLike.registerWithCli(h, 'g')
      const meta = join(h, '.config', 'openshell', 'gateways', 'g', 'metadata.json')
      writeFileSync(meta, readFileSync(meta, 'utf8').replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${port}`))
      const note = `stored CA O=openshell,CN=openshell-ca; server cert from a CA with subject ${subject}`
      await cap(`trust-${tag}-status`, ['status'], h, note)
      await cap(`trust-${tag}-status-json`, ['status', '-o', 'json'], h, note)
      await cap(`trust-${tag}-sandbox-list`, ['sandbox', 'list'], h, note)
      await cap(`trust-${tag}-gateway-info`, ['gateway', 'info'], h, note)
      await cap(`trust-${tag}-inference-get`, ['inference', 'get'], h, note)
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }

    // --- against the stub gateway ----------------------------------------------------------------------------
    const nativeWire = legacy
      ? ('legacy' as const)
      : entry.version.startsWith('0.0.')
        ? ('0.0' as const)
        : ('0.1' as const)
    const stub = await startStubGateway({wire: nativeWire, dir: join(tmp, 'stub')})
    try {
      const h = newHome()
      stub.registerWithCli(h, 'stub')
      // the legacy wire has no Stopped/Starting phases (nor labels): Deleting and Unknown instead
      const phases = legacy
        ? (['Ready', 'Provisioning', 'Error', 'Deleting', 'Unknown'] as const)
        : (['Ready', 'Provisioning', 'Error', 'Stopped', 'Starting'] as const)
      stub.addSandbox('alpha', phases[0], {labels: {team: 'a', app: 'x'}})
      stub.addSandbox('beta', phases[1])
      stub.addSandbox('gamma', phases[2])
      stub.addSandbox('delta', phases[3])
      stub.addSandbox('epsilon', phases[4])
      const ok = `stub gateway (wire ${nativeWire}) with sandboxes alpha ${phases[0]}, beta ${phases[1]}, gamma ${phases[2]}, delta ${phases[3]}, epsilon ${phases[4]}`
      const s = {stub}
      await cap('stub-status', ['status'], h, ok, s)
      await cap('stub-status-json', ['status', '-o', 'json'], h, ok, s)
      await cap('stub-gateway-info', ['gateway', 'info'], h, ok, s)
      await cap('stub-gateway-info-json', ['gateway', 'info', '-o', 'json'], h, ok, s)
      await cap('stub-gateway-list', ['gateway', 'list'], h, ok, s)
      await cap('stub-gateway-list-json', ['gateway', 'list', '-o', 'json'], h, ok, s)
      await cap('stub-sandbox-list', ['sandbox', 'list'], h, ok, s)
      await cap('stub-sandbox-list-json', ['sandbox', 'list', '-o', 'json'], h, ok, s)
      await cap('stub-sandbox-get', ['sandbox', 'get', 'alpha'], h, ok, s)
      await cap('stub-sandbox-get-json', ['sandbox', 'get', 'alpha', '-o', 'json'], h, ok, s)
      await cap(
        'stub-sandbox-get-missing',
        ['sandbox', 'get', 'missing'],
        h,
        ok + '; GetSandbox answers NOT_FOUND "sandbox not found"',
        s,
      )
      await cap('stub-sandbox-get-missing-json', ['sandbox', 'get', 'missing', '-o', 'json'], h, ok, s)
      await cap('stub-inference-get', ['inference', 'get'], h, ok + '; GetInferenceRoute answers NOT_FOUND', s)
      await cap('stub-sandbox-delete', ['sandbox', 'delete', 'gamma'], h, ok, s)
      await cap(
        'stub-sandbox-delete-missing',
        ['sandbox', 'delete', 'missing'],
        h,
        ok + '; DeleteSandbox answers NOT_FOUND',
        s,
      )
      await cap(
        'stub-sandbox-create',
        ['sandbox', 'create', '--name', 'newbox', '--', 'true'],
        h,
        'CreateSandbox -> Provisioning, Ready after 300 ms via WatchSandbox',
        {...s, timeoutMs: 30_000},
      )
      await cap(
        'stub-sandbox-create-exists',
        ['sandbox', 'create', '--name', 'alpha', '--', 'true'],
        h,
        'ALREADY_EXISTS',
        s,
      )
      for (let i = 0; i < 150; i++) stub.addSandbox(`bulk-${String(i).padStart(3, '0')}`, 'Ready')
      const many = 'stub holds 155+ sandboxes (paging)'
      await cap('stub-sandbox-list-155', ['sandbox', 'list'], h, many, s)
      await cap('stub-sandbox-list-155-json', ['sandbox', 'list', '-o', 'json'], h, many, s)
      await stub.stop()
      const stopped = 'stub gateway stopped (port closed)'
      await cap('stub-stopped-status', ['status'], h, stopped)
      await cap('stub-stopped-sandbox-list', ['sandbox', 'list'], h, stopped)
      await cap('stub-stopped-sandbox-get', ['sandbox', 'get', 'alpha'], h, stopped)
      await stub.restart({newCa: true})
      const rotated =
        'stub restarted with a NEW CA of the same DN (O=openshell, CN=openshell-ca); CLI still holds the old CA'
      await cap('stub-rotated-status', ['status'], h, rotated)
      await cap('stub-rotated-status-json', ['status', '-o', 'json'], h, rotated)
      await cap('stub-rotated-sandbox-list', ['sandbox', 'list'], h, rotated)
      await cap('stub-rotated-sandbox-get', ['sandbox', 'get', 'alpha'], h, rotated)
      if (legacy) {
        // a legacy CLI re-syncs certificates with `gateway start` (Docker); here the new bundle is written in place
        stub.registerWithCli(h, 'stub')
        await cap(
          'stub-rotated-status-after-reimport',
          ['status'],
          h,
          'after the new client bundle was written to mtls/',
          s,
        )
        await cap(
          'stub-rotated-sandbox-list-after-reimport',
          ['sandbox', 'list'],
          h,
          'after the new client bundle was written to mtls/',
          s,
        )
      } else {
        await cap(
          'stub-rotated-gateway-add-local',
          ['gateway', 'add', stub.endpoint, '--name', 'stub', '--local'],
          h,
          're-import after rotation: gateway add --local with OPENSHELL_LOCAL_TLS_DIR=<stub local-tls bundle>',
          {env: {OPENSHELL_LOCAL_TLS_DIR: stub.localTlsDir}, files: true},
        )
        await cap(
          'stub-rotated-gateway-remove',
          ['gateway', 'remove', 'stub'],
          h,
          'remove the stale registration first',
          {files: true},
        )
        await cap(
          'stub-rotated-gateway-add-local-after-remove',
          ['gateway', 'add', stub.endpoint, '--name', 'stub', '--local'],
          h,
          'gateway add --local with OPENSHELL_LOCAL_TLS_DIR=<stub local-tls bundle of the NEW CA>',
          {env: {OPENSHELL_LOCAL_TLS_DIR: stub.localTlsDir}, files: true, stub},
        )
        await cap('stub-rotated-status-after-reimport', ['status'], h, 'after remove + add --local', s)
        await cap('stub-rotated-sandbox-list-after-reimport', ['sandbox', 'list'], h, 'after remove + add --local', s)
      }
    } finally {
      await stub.stop()
    }

    // --- cross-generation: this CLI against a stub of the other wire ------------------------------------------
    const otherWire = nativeWire === '0.0' ? ('0.1' as const) : ('0.0' as const)
    const other = await startStubGateway({wire: otherWire, dir: join(tmp, 'stub-other')})
    try {
      const h = newHome()
      other.registerWithCli(h, 'stub')
      other.addSandbox('alpha', 'Ready')
      other.addSandbox('omega', otherWire === '0.1' ? 'Completed' : 'Error')
      const note = `stub speaks the ${otherWire} wire; this CLI speaks ${nativeWire}`
      const s = {stub: other}
      await cap('xwire-status', ['status'], h, note, s)
      await cap('xwire-sandbox-list', ['sandbox', 'list'], h, note, s)
      await cap('xwire-sandbox-list-json', ['sandbox', 'list', '-o', 'json'], h, note, s)
      await cap('xwire-sandbox-get', ['sandbox', 'get', 'alpha'], h, note, s)
      await cap('xwire-sandbox-delete', ['sandbox', 'delete', 'alpha'], h, note, s)
    } finally {
      await other.stop()
    }
  } finally {
    rmSync(tmp, {recursive: true, force: true})
  }
  return results
}

/** Replace run-specific values so fixtures are stable across runs. */
export function normalize(s: string, ports: number[] = []): string {
  let out = s
    .replaceAll(/127\.0\.0\.1:\d{2,5}/g, '127.0.0.1:<PORT>')
    .replaceAll(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<UUID>')
    .replaceAll(/\/tmp\/openshell-conf-[^\s'"/]+/g, '<TMP>')
    .replaceAll(/\/tmp\/fake-docker-[A-Za-z0-9]{6}/g, '<FAKE_DOCKER>')
    .replaceAll(/(home\d+-)(\n {2}│ )?[A-Za-z0-9]{6}/g, '$1$2XXXXXX')
    .replaceAll(/callback_port=\d+/g, 'callback_port=<PORT>')
    .replaceAll(/listening on port \d{2,5}\b/g, 'listening on port <PORT>')
    .replaceAll(/code=[A-Z0-9]{3}-[A-Z0-9]{4}/g, 'code=<CODE>')
    .replaceAll(/Confirmation code: [A-Z0-9]{3}-[A-Z0-9]{4}/g, 'Confirmation code: <CODE>')
    .replaceAll(/\[\d+\.\d+s\]/g, '[<T>s]')
    // tonic's debug form of a status carries the response headers, `date` included (legacy CLIs print it)
    .replaceAll(/"date": "[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT"/g, '"date": "<DATE>"')
  for (const p of ports) out = out.replaceAll(String(p), '<PORT>')
  return out
}
