import {expect} from 'chai'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

import {probeGateway} from '../../../src/lib/gateway/probe.js'
import {binaryKey, isNativeExecutable, OpenShell, versionCachePath} from '../../../src/lib/openshell/client.js'
import {openshellCallCount, resetCallLog} from '../../../src/lib/openshell/runner.js'

/**
 * A slow fake `openshell`: logs `start ARGV` and `end ARGV` around a sleep, so the log shows whether a probe ran
 * concurrently with `--version`. The version comes from $HINT_VERSION (a wrapper whose target changes).
 */
const FAKE = `#!/bin/sh
echo "start $*" >> "$HINT_LOG"
sleep "\${HINT_SLEEP:-0.6}"
echo "end $*" >> "$HINT_LOG"
case "$*" in
  --version) echo "openshell $HINT_VERSION" ;;
  *"status -o json"*) echo '{"gateway":"nemoclaw","server":"https://127.0.0.1:17670","status":"connected","version":"x"}' ;;
  *status*) printf 'Server Status\\n\\n  Gateway: nemoclaw\\n  Server: https://127.0.0.1:8080\\n  Status: Connected\\n  Version: x\\n' ;;
  *"sandbox list -o json --page-size"*) echo '{"sandboxes":[{"name":"a","phase":"SANDBOX_PHASE_READY"}],"next_page_token":""}' ;;
  *"gateway start"*) echo 'started' ;;
  *) echo "unexpected $*" >&2; exit 2 ;;
esac
`

describe('openshell/client: the version hint between processes', function () {
  this.timeout(20_000)
  let dir: string
  let bin: string
  let logFile: string

  const client = (version: string, extra: NodeJS.ProcessEnv = {}, versionCache = true): OpenShell =>
    new OpenShell({
      env: {
        PATH: process.env.PATH,
        HOME: dir,
        NEMOCLAW_HOME: path.join(dir, 'nc'),
        NEMOCLAW_OPENSHELL_BIN: bin,
        HINT_LOG: logFile,
        HINT_VERSION: version,
        ...extra,
      },
      versionCache,
    })
  const events = (): string[] =>
    fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean) : []
  const started = (): string[] =>
    events()
      .filter((e) => e.startsWith('start '))
      .map((e) => e.slice(6))
  /** Did `argv` start before `--version` ended? */
  const overlapped = (argv: string): boolean => events().indexOf(`start ${argv}`) < events().indexOf('end --version')
  const cacheFile = () => versionCachePath({HOME: dir})

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-hint-'))
    logFile = path.join(dir, 'log')
    bin = path.join(dir, 'openshell')
    fs.writeFileSync(bin, FAKE, {mode: 0o755})
  })
  afterEach(() => fs.rmSync(dir, {force: true, recursive: true}))

  it('first run: detects serially and remembers the version keyed by the binary', async () => {
    const c = client('0.1.2')
    expect(c.versionHint()).to.equal(undefined)
    const s = await c.status('nemoclaw')
    expect(s.ok && s.value).to.deep.include({configured: true, status: 'connected'})
    expect(started()).to.deep.equal(['--version', '-g nemoclaw status -o json'])
    expect(overlapped('-g nemoclaw status -o json')).to.equal(false)
    const saved = JSON.parse(fs.readFileSync(cacheFile(), 'utf8'))
    expect(saved.version).to.equal('0.1.2')
    expect(saved.key).to.include({path: bin, realPath: fs.realpathSync(bin), size: fs.statSync(bin).size})
    expect(fs.statSync(cacheFile()).mode & 0o777).to.equal(0o600)
  })

  it('next run: read-only probes start together with --version, and the call count stays the same', async () => {
    await client('0.1.2').detect()
    fs.writeFileSync(logFile, '')
    const c = client('0.1.2')
    expect(c.versionHint()?.version.raw).to.equal('0.1.2')
    expect(c.probesStartEarly()).to.equal(true)
    const [status, list] = await Promise.all([c.status('nemoclaw'), c.sandboxList('nemoclaw')])
    expect(status.ok && status.value).to.deep.include({configured: true, status: 'connected'})
    expect(list.ok && list.value.sandboxes.map((x) => [x.name, x.phase])).to.deep.equal([['a', 'Ready']])
    expect(started().sort()).to.deep.equal([
      '--version',
      '-g nemoclaw sandbox list -o json --page-size 1000',
      '-g nemoclaw status -o json',
    ])
    expect(overlapped('-g nemoclaw status -o json')).to.equal(true)
    expect(overlapped('-g nemoclaw sandbox list -o json --page-size 1000')).to.equal(true)
    expect(c.probesStartEarly()).to.equal(false) // detection is done: nothing more to gain
  })

  it('a wrong hint (same binary, other version) costs one discarded call, never a wrong argv or verdict', async () => {
    await client('0.1.2').detect()
    fs.writeFileSync(logFile, '')
    const c = client('0.0.26') // the wrapper now runs a legacy openshell: no `-o json` for status
    const s = await c.status('nemoclaw')
    expect(s.ok && s.value).to.deep.include({configured: true, status: 'connected'})
    expect(started().slice(0, 2).sort()).to.deep.equal(['--version', '-g nemoclaw status -o json']) // concurrent
    expect(started()[2]).to.equal('-g nemoclaw status')
    expect(events().indexOf('start -g nemoclaw status')).to.be.greaterThan(events().indexOf('end --version'))
    expect(JSON.parse(fs.readFileSync(cacheFile(), 'utf8')).version).to.equal('0.0.26')
  })

  it('operations never start early: a legacy-only command is refused on the real (modern) version without running', async () => {
    await client('0.0.26').detect()
    fs.writeFileSync(logFile, '')
    const c = client('0.1.2')
    expect(c.versionHint()?.version.raw).to.equal('0.0.26')
    const r = await c.gatewayStart('nemoclaw')
    expect(!r.ok && r.failure.kind).to.equal('usage_error')
    expect(started()).to.deep.equal(['--version'])
  })

  it('a changed binary, a corrupt or unreadable cache, or the cache turned off: no hint, serial as before', async () => {
    await client('0.1.2').detect()
    fs.appendFileSync(bin, '# changed\n')
    expect(client('0.1.2').versionHint()).to.equal(undefined)
    fs.writeFileSync(cacheFile(), '{"key": tru')
    expect(client('0.1.2').versionHint()).to.equal(undefined)
    fs.writeFileSync(cacheFile(), JSON.stringify({key: null, version: '0.1.2'}))
    expect(client('0.1.2').versionHint()).to.equal(undefined)
    const again = client('0.1.2')
    await again.detect()
    expect(client('0.1.2').versionHint()?.version.raw).to.equal('0.1.2') // rewritten for the changed binary
    expect(client('0.1.2', {}, false).versionHint()).to.equal(undefined)
    fs.rmSync(cacheFile())
    await client('0.1.2', {}, false).detect()
    expect(fs.existsSync(cacheFile())).to.equal(false)
  })

  it('probeGateway with a supported hint on an unsupported binary: the early status is discarded, the verdict is the real one', async () => {
    const gwDir = path.join(dir, '.config', 'openshell', 'gateways', 'nemoclaw')
    fs.mkdirSync(gwDir, {recursive: true})
    fs.writeFileSync(
      path.join(gwDir, 'metadata.json'),
      JSON.stringify({
        auth_mode: 'mtls',
        gateway_endpoint: 'https://127.0.0.1:17670',
        gateway_port: 0,
        is_remote: false,
        name: 'nemoclaw',
      }),
    )
    await client('0.1.2').detect()
    fs.writeFileSync(logFile, '')
    const h = await probeGateway(client('0.0.5'), 'nemoclaw')
    expect(h.classId).to.equal('openshell_unsupported')
    // the early `status -o json`, then `status` as 0.0.5 would ask for it: both discarded, and both waited for
    expect(started().sort()).to.deep.equal(['--version', '-g nemoclaw status', '-g nemoclaw status -o json'])
    expect(events().at(-1)).to.equal('end -g nemoclaw status')
    // without a hint an unsupported binary gets no status call at all, as before
    fs.rmSync(cacheFile())
    fs.writeFileSync(logFile, '')
    expect((await probeGateway(client('0.0.5'), 'nemoclaw')).classId).to.equal('openshell_unsupported')
    expect(started()).to.deep.equal(['--version'])
  })
})

describe("openshell/client: a native binary's remembered version is the detection", () => {
  let dir: string
  let bin: string
  const env = (): NodeJS.ProcessEnv => ({HOME: dir, NEMOCLAW_OPENSHELL_BIN: bin, PATH: process.env.PATH})
  const remember = (version: string): void => {
    const file = versionCachePath({HOME: dir})
    fs.mkdirSync(path.dirname(file), {recursive: true})
    fs.writeFileSync(file, JSON.stringify({key: binaryKey(bin), version}))
  }

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-native-'))
    // A real ELF executable standing in for openshell: it prints nothing, so only a remembered version can answer.
    bin = path.join(dir, 'openshell')
    fs.copyFileSync(fs.realpathSync('/bin/true'), bin)
    fs.chmodSync(bin, 0o755)
    resetCallLog()
  })
  afterEach(() => fs.rmSync(dir, {force: true, recursive: true}))

  it('tells compiled binaries from scripts', () => {
    expect(isNativeExecutable(bin)).to.equal(true)
    const script = path.join(dir, 'wrapper')
    fs.writeFileSync(script, '#!/bin/sh\nexec openshell "$@"\n', {mode: 0o755})
    expect(isNativeExecutable(script)).to.equal(false)
    expect(isNativeExecutable(path.join(dir, 'missing'))).to.equal(false)
  })

  it('same binary: no --version call, the remembered capabilities decide', async () => {
    remember('0.0.111')
    const d = await new OpenShell({env: env(), versionCache: true}).detect()
    expect(d.ok && d.value.version.raw).to.equal('0.0.111')
    expect(openshellCallCount()).to.equal(0)
  })

  it('a replaced or touched binary is detected again; without versionCache nothing is trusted', async () => {
    remember('0.0.111')
    const later = new Date(Date.now() + 5000)
    fs.utimesSync(bin, later, later)
    const d = await new OpenShell({env: env(), versionCache: true}).detect()
    expect(openshellCallCount(['--version'])).to.equal(1)
    expect(d.ok).to.equal(false) // this stand-in prints no version
    remember('0.0.111')
    await new OpenShell({env: env()}).detect()
    expect(openshellCallCount(['--version'])).to.equal(2)
  })
})
