import {expect} from 'chai'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {OpenShell, PLACEHOLDER_CREDENTIAL} from '../../../src/lib/openshell/client.js'
import {readFakeLog, writeFakeOpenshell} from './fake-openshell.js'

describe('openshell/client', function () {
  this.timeout(10_000)
  let dir: string
  let logFile: string
  let bin: string

  const client = (extra: NodeJS.ProcessEnv = {}): OpenShell =>
    new OpenShell({env: {PATH: process.env.PATH, HOME: dir, FAKE_LOG: logFile, NEMOCLAW_OPENSHELL_BIN: bin, ...extra}})
  const calls = (): string[][] => readFakeLog(logFile).map((c) => c.argv)

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-client-'))
    logFile = path.join(dir, 'calls.log')
    bin = writeFakeOpenshell(dir)
  })
  afterEach(() => fs.rmSync(dir, {recursive: true, force: true}))

  it('detects the version once and caches it', async () => {
    const os1 = client({FAKE_VERSION: '0.0.97'})
    const [a, b] = await Promise.all([os1.detect(), os1.detect()])
    await os1.status()
    expect(a.ok && a.value.version.raw).to.equal('0.0.97')
    expect(b).to.equal(a)
    expect(calls().filter((c) => c[0] === '--version')).to.have.length(1)
  })

  it('missing binary → openshell_missing from detect and from every method, nothing run', async () => {
    const c = new OpenShell({env: {NEMOCLAW_OPENSHELL_BIN: path.join(dir, 'nope')}})
    const d = await c.detect()
    expect(!d.ok && d.failure.kind).to.equal('openshell_missing')
    const s = await c.sandboxList('nemoclaw')
    expect(!s.ok && s.failure.kind).to.equal('openshell_missing')
  })

  it('status: -o json from 0.0.92, text before; not configured exits 0 → configured false', async () => {
    const modern = await client({FAKE_VERSION: '0.0.92'}).status('nemoclaw')
    expect(modern.ok && modern.value).to.deep.include({configured: true, gateway: 'nemoclaw', status: 'connected'})
    const legacy = await client({FAKE_VERSION: '0.0.91'}).status('nemoclaw')
    expect(legacy.ok && legacy.value).to.deep.include({configured: true, status: 'connected'})
    expect(calls().filter((c) => c.includes('status'))).to.deep.equal([
      ['-g', 'nemoclaw', 'status', '-o', 'json'],
      ['-g', 'nemoclaw', 'status'],
    ])
    const none = await client({FAKE_STATUS: 'none'}).status()
    expect(none.ok && none.value).to.deep.equal({configured: false})
  })

  it('a down gateway is a classified failure carrying the run', async () => {
    const r = await client({FAKE_VERSION: '0.1.5', FAKE_DOWN: '1'}).status('nemoclaw')
    expect(r.ok).to.equal(false)
    if (r.ok) return
    expect(r.failure.kind).to.equal('connection_refused')
    expect(r.failure.evidence.argv).to.deep.equal(['-g', 'nemoclaw', 'status', '-o', 'json'])
    expect(r.run?.exitCode).to.equal(1)
  })

  it('sandboxList follows 0.1.x paging until the token is empty (150 sandboxes, server caps pages at 60)', async () => {
    const r = await client({FAKE_VERSION: '0.1.5', FAKE_SANDBOXES: '150', FAKE_PAGE_MAX: '60'}).sandboxList('nemoclaw')
    expect(r.ok).to.equal(true)
    if (!r.ok) return
    expect(r.value.sandboxes).to.have.length(150)
    expect(new Set(r.value.sandboxes.map((s) => s.name)).size).to.equal(150)
    expect(r.value.nextPageToken).to.equal(undefined)
    expect(calls().filter((c) => c.includes('list'))).to.deep.equal([
      ['-g', 'nemoclaw', 'sandbox', 'list', '-o', 'json', '--page-size', '1000'],
      ['-g', 'nemoclaw', 'sandbox', 'list', '-o', 'json', '--page-size', '1000', '--page-token', '60'],
      ['-g', 'nemoclaw', 'sandbox', 'list', '-o', 'json', '--page-size', '1000', '--page-token', '120'],
    ])
  })

  it('sandboxList on 0.0.x (>= 0.0.26) pages with --limit 1000 --offset N until a short page (2345 sandboxes)', async () => {
    const r = await client({FAKE_VERSION: '0.0.111', FAKE_SANDBOXES: '2345'}).sandboxList('nemoclaw')
    expect(r.ok).to.equal(true)
    if (!r.ok) return
    expect(r.value.sandboxes).to.have.length(2345)
    expect(new Set(r.value.sandboxes.map((s) => s.name)).size).to.equal(2345)
    expect(r.value.incomplete).to.equal(undefined)
    expect(calls().filter((c) => c.includes('list'))).to.deep.equal([
      ['-g', 'nemoclaw', 'sandbox', 'list', '-o', 'json', '--limit', '1000', '--offset', '0'],
      ['-g', 'nemoclaw', 'sandbox', 'list', '-o', 'json', '--limit', '1000', '--offset', '1000'],
      ['-g', 'nemoclaw', 'sandbox', 'list', '-o', 'json', '--limit', '1000', '--offset', '2000'],
    ])
  })

  it('sandboxList on 0.0.x: 150 sandboxes (the real CLI would stop at 100) → one call, all 150', async () => {
    const r = await client({FAKE_VERSION: '0.0.111', FAKE_SANDBOXES: '150'}).sandboxList('nemoclaw')
    expect(r.ok && r.value.sandboxes.map((s) => s.name).slice(-1)).to.deep.equal(['sbx-149'])
    expect(r.ok && r.value.sandboxes).to.have.length(150)
    expect(calls().filter((c) => c.includes('list'))).to.have.length(1)
  })

  it('sandboxList on 0.0.x: a server that caps limit at 100 is paged through (round short page → one more page)', async () => {
    const r = await client({FAKE_VERSION: '0.0.111', FAKE_SANDBOXES: '250', FAKE_LIMIT_MAX: '100'}).sandboxList(
      'nemoclaw',
    )
    expect(r.ok && r.value.sandboxes).to.have.length(250)
    expect(
      calls()
        .filter((c) => c.includes('list'))
        .map((c) => c[c.length - 1]),
    ).to.deep.equal(['0', '100', '200'])
  })

  it('sandboxList on 0.0.x: exactly 1000 → a second, empty page confirms the end', async () => {
    const r = await client({FAKE_VERSION: '0.0.92', FAKE_SANDBOXES: '1000'}).sandboxList('nemoclaw')
    expect(r.ok && r.value.sandboxes).to.have.length(1000)
    expect(r.ok && r.value.incomplete).to.equal(undefined)
    expect(
      calls()
        .filter((c) => c.includes('list'))
        .map((c) => c[c.length - 1]),
    ).to.deep.equal(['0', '1000'])
  })

  it('sandboxList on 0.0.x: a list that never ends is bounded (MAX_SANDBOX_PAGES) and fails instead of returning a part', async () => {
    const env = {
      PATH: process.env.PATH,
      HOME: dir,
      FAKE_LOG: logFile,
      NEMOCLAW_OPENSHELL_BIN: bin,
      FAKE_VERSION: '0.0.111',
      FAKE_SANDBOXES: '5000',
      FAKE_LIMIT_MAX: '100',
    }
    const r = await new OpenShell({env, maxListPages: 4}).sandboxList('nemoclaw')
    expect(r.ok).to.equal(false)
    expect(!r.ok && r.failure.kind).to.equal('unparseable')
    expect(!r.ok && r.failure.message).to.match(/more than 4 pages/)
    expect(
      calls()
        .filter((c) => c.includes('list'))
        .map((c) => c[c.length - 1]),
    ).to.deep.equal(['0', '100', '200', '300'])
  })

  it('sandboxList before 0.0.26 cannot page: a full default page (100) is marked incomplete, a short one is not', async () => {
    const cut = await client({FAKE_VERSION: '0.0.25', FAKE_SANDBOXES: '150'}).sandboxList('nemoclaw')
    expect(cut.ok && cut.value.sandboxes).to.have.length(100)
    expect(cut.ok && cut.value.incomplete).to.equal(true)
    const whole = await client({FAKE_VERSION: '0.0.10', FAKE_SANDBOXES: '99'}).sandboxList('nemoclaw')
    expect(whole.ok && whole.value.incomplete).to.equal(undefined)
    expect(calls().filter((c) => c.includes('list'))).to.deep.equal([
      ['-g', 'nemoclaw', 'sandbox', 'list'],
      ['-g', 'nemoclaw', 'sandbox', 'list'],
    ])
  })

  it('sandboxList: bare JSON array with --limit/--offset on 0.0.116; text table with --limit/--offset on 0.0.26', async () => {
    const a = await client({FAKE_VERSION: '0.0.116', FAKE_SANDBOXES: '3'}).sandboxList('nemoclaw')
    expect(a.ok && a.value.sandboxes.map((s) => s.name)).to.deep.equal(['sbx-0', 'sbx-1', 'sbx-2'])
    const b = await client({FAKE_VERSION: '0.0.26', FAKE_SANDBOXES: '2'}).sandboxList('nemoclaw')
    expect(b.ok && b.value.sandboxes).to.deep.equal([
      {name: 'sbx-0', phase: 'Ready', createdAt: '2026-03-20 10:11:12', namespace: 'openshell'},
      {name: 'sbx-1', phase: 'Ready', createdAt: '2026-03-20 10:11:12', namespace: 'openshell'},
    ])
    expect(calls().filter((c) => c.includes('list'))).to.deep.equal([
      ['-g', 'nemoclaw', 'sandbox', 'list', '-o', 'json', '--limit', '1000', '--offset', '0'],
      ['-g', 'nemoclaw', 'sandbox', 'list', '--limit', '1000', '--offset', '0'],
    ])
  })

  it('garbage on exit 0 → unparseable with evidence, no throw', async () => {
    const r = await client({FAKE_VERSION: '0.0.97', FAKE_GARBAGE: '1'}).sandboxList('nemoclaw')
    expect(r.ok).to.equal(false)
    if (r.ok) return
    expect(r.failure.kind).to.equal('unparseable')
    expect(r.failure.evidence.lines.join(' ')).to.include('segmentation of the soul')
    expect(r.failure.evidence.exitCode).to.equal(0)
  })

  it('sandboxGet: JSON on modern, text on legacy; NotFound classified', async () => {
    const m = await client({FAKE_VERSION: '0.1.5'}).sandboxGet('alpha', 'nemoclaw')
    expect(m.ok && m.value).to.deep.include({name: 'alpha', phase: 'Ready'})
    const l = await client({FAKE_VERSION: '0.0.26'}).sandboxGet('alpha', 'nemoclaw')
    expect(l.ok && l.value).to.deep.include({name: 'alpha', phase: 'Provisioning', namespace: 'openshell'})
    const g = await client({FAKE_VERSION: '0.1.5'}).sandboxGet('ghost', 'nemoclaw')
    expect(!g.ok && g.failure.kind).to.equal('sandbox_not_found')
  })

  it('gatewayStart: legacy runs `gateway start --name --port`; modern fails as usage_error without running', async () => {
    const legacy = await client({FAKE_VERSION: '0.0.36'}).gatewayStart('nemoclaw', {port: 8080})
    expect(legacy.ok && legacy.value).to.deep.equal({
      name: 'nemoclaw',
      endpoint: 'https://127.0.0.1:8080',
      reused: false,
    })
    const modern = await client({FAKE_VERSION: '0.0.37'}).gatewayStart('nemoclaw')
    expect(!modern.ok && modern.failure.kind).to.equal('usage_error')
    expect(calls().filter((c) => c[0] !== '--version')).to.deep.equal([
      ['gateway', 'start', '--name', 'nemoclaw', '--port', '8080'],
    ])
  })

  it('gateway registry commands exist only on modern versions', async () => {
    const l = await client({FAKE_VERSION: '0.0.30'}).gatewayList()
    expect(!l.ok && l.failure.kind).to.equal('usage_error')
    const add = await client({FAKE_VERSION: '0.0.30'}).gatewayAdd('https://127.0.0.1:17670', {name: 'n', local: true})
    expect(!add.ok && add.failure.kind).to.equal('usage_error')
    expect(calls().filter((c) => c[0] !== '--version')).to.deep.equal([])
    const add2 = await client({FAKE_VERSION: '0.1.5'}).gatewayAdd('https://127.0.0.1:17670', {name: 'n', local: true})
    expect(add2.ok && add2.value).to.deep.include({name: 'n', reachable: false, registrationRemoved: false})
    expect(calls().at(-1)).to.deep.equal(['gateway', 'add', 'https://127.0.0.1:17670', '--name', 'n', '--local'])
  })

  it('gatewayInfo: -o json when live (≥ 0.0.85), metadata text before', async () => {
    const m = await client({FAKE_VERSION: '0.0.85'}).gatewayInfo('nemoclaw')
    expect(m.ok && m.value).to.deep.include({gateway: 'nemoclaw', status: 'healthy'})
    const l = await client({FAKE_VERSION: '0.0.84'}).gatewayInfo('nemoclaw')
    expect(l.ok && l.value).to.deep.equal({gateway: 'nemoclaw', endpoint: 'https://127.0.0.1:8080'})
  })

  it('gatewaySelect reports the OPENSHELL_GATEWAY override warning', async () => {
    const r = await client().gatewaySelect('nemoclaw')
    expect(r.ok && r.value).to.deep.equal({
      name: 'nemoclaw',
      warning: 'OPENSHELL_GATEWAY=other overrides the active gateway',
    })
  })

  it('providerCreate passes the credential NAME only; the child sees the value through its environment', async () => {
    const secret = 'nvapi-SECRET-123'
    const c = client({NVIDIA_API_KEY: secret, FAKE_CRED_NAME: 'NVIDIA_API_KEY'})
    const r = await c.providerCreate({
      name: 'nvidia',
      type: 'nvidia',
      credentialEnv: 'NVIDIA_API_KEY',
      gateway: 'nemoclaw',
    })
    expect(r.ok).to.equal(true)
    const call = readFakeLog(logFile).find((x) => x.argv.includes('provider'))!
    expect(call.argv).to.deep.equal([
      '-g',
      'nemoclaw',
      'provider',
      'create',
      '--name',
      'nvidia',
      '--type',
      'nvidia',
      '--credential',
      'NVIDIA_API_KEY',
    ])
    expect(call.cred).to.equal(true)
    expect(fs.readFileSync(logFile, 'utf8')).to.not.include(secret)
    const bad = await c.providerCreate({
      name: 'x',
      type: 'nvidia',
      credentialEnv: `NVIDIA_API_KEY=${secret}`,
      gateway: 'nemoclaw',
    })
    expect(!bad.ok && bad.failure.kind).to.equal('usage_error')
    expect(JSON.stringify(bad)).to.not.include(secret)
    const unset = await c.providerCreate({
      name: 'x',
      type: 'nvidia',
      credentialEnv: 'NOT_SET_ANYWHERE',
      gateway: 'nemoclaw',
    })
    expect(!unset.ok && unset.failure.message).to.include('NOT_SET_ANYWHERE')
    expect(readFakeLog(logFile).filter((x) => x.argv.includes('provider'))).to.have.length(1)
  })

  it('providerCreate without a credential passes the placeholder NAME; its non-secret value only reaches the child environment', async () => {
    const c = client({FAKE_CRED_NAME: PLACEHOLDER_CREDENTIAL.name})
    const r = await c.providerCreate({
      config: {OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1'},
      gateway: 'nemoclaw',
      name: 'nemoclaw-vllm',
      type: 'openai',
    })
    expect(r.ok).to.equal(true)
    const call = readFakeLog(logFile).find((x) => x.argv.includes('provider'))!
    expect(call.argv).to.deep.equal([
      '-g',
      'nemoclaw',
      'provider',
      'create',
      '--name',
      'nemoclaw-vllm',
      '--type',
      'openai',
      '--credential',
      PLACEHOLDER_CREDENTIAL.name,
      '--config',
      'OPENAI_BASE_URL=http://127.0.0.1:8000/v1',
    ])
    expect(call.cred, 'the child saw the placeholder variable').to.equal(true)
    expect(call.argv).to.not.include('--runtime-credentials')
    expect(c.env[PLACEHOLDER_CREDENTIAL.name], "nemoclaw's own environment is untouched").to.equal(undefined)
  })

  it('providerGet: key names; a provider the gateway does not have is found: false, not a failure', async () => {
    const c = client()
    const got = await c.providerGet('nemoclaw-custom', 'nemoclaw')
    expect(got.ok && got.value).to.deep.equal({
      configKeys: ['OPENAI_BASE_URL'],
      credentialKeys: ['OPENAI_API_KEY'],
      found: true,
      id: 'pid-1',
      name: 'nemoclaw-custom',
      type: 'openai',
    })
    const ghost = await c.providerGet('ghost', 'nemoclaw')
    expect(ghost.ok && ghost.value).to.deep.equal({found: false, name: 'ghost'})
    const down = await client({FAKE_DOWN: '1'}).providerGet('x', 'nemoclaw')
    expect(!down.ok && down.failure.kind).to.equal('connection_refused')
  })

  it('providerUpdate: the credential NAME (or the placeholder through the environment) or none, `OLD=` removals, config; never a value', async () => {
    const c = client({FAKE_CRED_NAME: PLACEHOLDER_CREDENTIAL.name, MY_KEY: 'sk-SECRET'})
    const a = await c.providerUpdate({
      config: {OPENAI_BASE_URL: 'http://h:1/v1'},
      credential: {placeholder: true},
      gateway: 'nemoclaw',
      name: 'nemoclaw-custom',
      removeCredentials: ['MY_KEY'],
    })
    expect(a.ok).to.equal(true)
    const b = await c.providerUpdate({
      config: {OPENAI_BASE_URL: ''},
      credential: {env: 'MY_KEY'},
      gateway: 'nemoclaw',
      name: 'nemoclaw-custom',
      removeCredentials: [PLACEHOLDER_CREDENTIAL.name, 'MY_KEY'],
    })
    expect(b.ok).to.equal(true)
    const c2 = await c.providerUpdate({
      config: {OPENAI_BASE_URL: 'http://h:2/v1'},
      gateway: 'nemoclaw',
      name: 'nemoclaw-custom',
    })
    expect(c2.ok).to.equal(true)
    const updates = readFakeLog(logFile).filter((x) => x.argv.includes('update'))
    expect(updates.map((u) => [u.argv, u.cred])).to.deep.equal([
      [
        [
          '-g',
          'nemoclaw',
          'provider',
          'update',
          'nemoclaw-custom',
          '--credential',
          PLACEHOLDER_CREDENTIAL.name,
          '--credential',
          'MY_KEY=',
          '--config',
          'OPENAI_BASE_URL=http://h:1/v1',
        ],
        true,
      ],
      [
        [
          '-g',
          'nemoclaw',
          'provider',
          'update',
          'nemoclaw-custom',
          '--credential',
          'MY_KEY',
          '--credential',
          `${PLACEHOLDER_CREDENTIAL.name}=`,
          '--config',
          'OPENAI_BASE_URL=',
        ],
        false,
      ],
      [['-g', 'nemoclaw', 'provider', 'update', 'nemoclaw-custom', '--config', 'OPENAI_BASE_URL=http://h:2/v1'], false],
    ])
    expect(fs.readFileSync(logFile, 'utf8')).to.not.include('sk-SECRET')
    const unset = await c.providerUpdate({credential: {env: 'NOT_SET_ANYWHERE'}, gateway: 'nemoclaw', name: 'x'})
    expect(!unset.ok && unset.failure.message).to.include('NOT_SET_ANYWHERE')
    const value = await c.providerUpdate({gateway: 'nemoclaw', name: 'x', removeCredentials: ['K=v']})
    expect(!value.ok && value.failure.kind).to.equal('usage_error')
    expect(readFakeLog(logFile).filter((x) => x.argv.includes('update'))).to.have.length(3)
  })

  it('inferenceSet: --no-verify only when asked; a verification refusal is a failure carrying the run', async () => {
    const c = client()
    expect((await c.inferenceSet({gateway: 'nemoclaw', model: 'm', provider: 'p'})).ok).to.equal(true)
    expect((await c.inferenceSet({gateway: 'nemoclaw', model: 'm', noVerify: true, provider: 'p'})).ok).to.equal(true)
    expect(calls().filter((a) => a.includes('set'))).to.deep.equal([
      ['-g', 'nemoclaw', 'inference', 'set', '--provider', 'p', '--model', 'm'],
      ['-g', 'nemoclaw', 'inference', 'set', '--provider', 'p', '--model', 'm', '--no-verify'],
    ])
    const refused = await client({FAKE_UNVERIFIED: '1'}).inferenceSet({gateway: 'nemoclaw', model: 'm', provider: 'p'})
    expect(!refused.ok && refused.run?.stderr).to.include('failed to verify inference endpoint')
  })

  it('sandboxCreate, sandboxDelete, inferenceGet, logs', async () => {
    const c = client({FAKE_VERSION: '0.1.5'})
    const cr = await c.sandboxCreate({name: 'alpha', from: 'openclaw', providers: ['nvidia'], gateway: 'nemoclaw'})
    expect(cr.ok && cr.value).to.deep.equal({name: 'alpha'})
    expect(calls().at(-1)).to.deep.equal([
      '-g',
      'nemoclaw',
      'sandbox',
      'create',
      '--name',
      'alpha',
      '--from',
      'openclaw',
      '--provider',
      'nvidia',
    ])
    expect(cr.ok && cr.run.timeoutMs).to.equal(360_000)
    const del = await c.sandboxDelete('alpha', 'nemoclaw')
    expect(del.ok && del.value).to.deep.equal({name: 'alpha', outcome: 'deleted'})
    const inf = await c.inferenceGet('nemoclaw')
    expect(inf.ok && inf.value).to.deep.equal({configured: true, provider: 'nvidia', model: 'm1'})
    const logs = await c.logs({sandbox: 'alpha', gateway: 'nemoclaw', lines: 50})
    expect(logs.ok && logs.value).to.deep.equal({text: 'line1\nline2\n', exitCode: 0})
    expect(calls().at(-1)).to.deep.equal(['-g', 'nemoclaw', 'logs', 'alpha', '-n', '50'])
  })

  it('a long operation takes NEMOCLAW_OPERATION_TIMEOUT_MS when it is a positive number, else its own default', async () => {
    const create = (env: Record<string, string>) =>
      client({FAKE_VERSION: '0.1.5', ...env}).sandboxCreate({
        name: 'alpha',
        from: 'openclaw',
        providers: [],
        gateway: 'nemoclaw',
      })
    const set = await create({NEMOCLAW_OPERATION_TIMEOUT_MS: '500000'})
    expect(set.ok && set.run.timeoutMs).to.equal(500_000)
    // not a usable value: sandbox create keeps its 360 s, not the 60 s of a short operation
    for (const value of ['0', '-1', 'soon']) {
      const r = await create({NEMOCLAW_OPERATION_TIMEOUT_MS: value})
      expect(r.ok && r.run.timeoutMs, value).to.equal(360_000)
    }
  })

  it('an unknown subcommand (exit 2) is a usage_error', async () => {
    const r = await client({FAKE_VERSION: '0.1.5'}).policySet({
      sandbox: 'a',
      file: '/tmp/p.yaml',
      gateway: 'g',
      wait: true,
    })
    expect(!r.ok && r.failure.kind).to.equal('usage_error')
    expect(calls().at(-1)).to.deep.equal(['-g', 'g', 'policy', 'set', 'a', '--policy', '/tmp/p.yaml', '--wait'])
  })
})
