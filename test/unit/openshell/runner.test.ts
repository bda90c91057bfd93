import {expect} from 'chai'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  callLog,
  childEnv,
  defaultTimeout,
  openshellCallCount,
  resetCallLog,
  resolveOpenshell,
  runOpenshell,
  runProcess,
} from '../../../src/lib/openshell/runner.js'
import {classifyFailure} from '../../../src/lib/openshell/classify.js'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }

  // A killed orphan may linger as a zombie until init reaps it: that is dead too.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    return !/^\d+ \(.*\) Z/.test(stat)
  } catch {
    return false
  }
}

describe('openshell/runner', function () {
  this.timeout(10_000)
  let dir: string
  const script = (name: string, body: string, mode = 0o755): string => {
    const p = path.join(dir, name)
    fs.writeFileSync(p, `#!/bin/sh\n${body}\n`, {mode})
    return p
  }

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-run-'))
    resetCallLog()
  })
  afterEach(() => fs.rmSync(dir, {recursive: true, force: true}))

  describe('resolveOpenshell', () => {
    it('NEMOCLAW_OPENSHELL_BIN wins; missing and non-executable are typed results', () => {
      const bin = script('openshell', 'echo openshell 0.1.5')
      expect(resolveOpenshell({NEMOCLAW_OPENSHELL_BIN: bin, PATH: ''})).to.deep.equal({
        ok: true,
        path: bin,
        source: 'env',
      })
      const missing = resolveOpenshell({NEMOCLAW_OPENSHELL_BIN: path.join(dir, 'nope'), PATH: ''})
      expect(missing.ok).to.equal(false)
      expect(!missing.ok && missing.kind).to.equal('openshell_missing')
      const plain = script('plain', 'true', 0o644)
      const ne = resolveOpenshell({NEMOCLAW_OPENSHELL_BIN: plain})
      expect(!ne.ok && ne.kind).to.equal('openshell_not_executable')
    })

    it('searches PATH, then the fallbacks; a non-executable is reported only when nothing runs', () => {
      const a = path.join(dir, 'a')
      const b = path.join(dir, 'b')
      fs.mkdirSync(a)
      fs.mkdirSync(b)
      fs.writeFileSync(path.join(a, 'openshell'), '#!/bin/sh\n', {mode: 0o644})
      const none = resolveOpenshell({PATH: `${a}:${b}`}, {fallbacks: []})
      expect(!none.ok && none.kind).to.equal('openshell_not_executable')
      expect(!none.ok && none.path).to.equal(path.join(a, 'openshell'))
      fs.writeFileSync(path.join(b, 'openshell'), '#!/bin/sh\n', {mode: 0o755})
      expect(resolveOpenshell({PATH: `${a}:${b}`}, {fallbacks: []})).to.deep.include({
        ok: true,
        path: path.join(b, 'openshell'),
        source: 'path',
      })
      const fb = path.join(dir, 'fallback-openshell')
      fs.writeFileSync(fb, '#!/bin/sh\n', {mode: 0o755})
      expect(resolveOpenshell({PATH: ''}, {fallbacks: [path.join(dir, 'x'), fb]})).to.deep.include({
        ok: true,
        path: fb,
        source: 'fallback',
      })
      const gone = resolveOpenshell({PATH: ''}, {fallbacks: [path.join(dir, 'x')]})
      expect(!gone.ok && gone.kind).to.equal('openshell_missing')
      expect(!gone.ok && gone.searched).to.deep.equal([path.join(dir, 'x')])
    })
  })

  describe('runOpenshell', () => {
    it('kills the whole process group on timeout even when a grandchild holds stdout', async () => {
      const pidFile = path.join(dir, 'gc.pid')
      const bin = script('openshell', `sleep 30 &\necho $! > ${pidFile}\necho started\nexit 0`)
      const t0 = Date.now()
      const r = await runOpenshell(['status'], {
        kind: 'probe',
        timeoutMs: 400,
        binary: bin,
        baseEnv: {PATH: process.env.PATH},
      })
      const took = Date.now() - t0
      expect(took).to.be.lessThan(1400)
      expect(r.timedOut).to.equal(true)
      expect(r.stdout).to.equal('started\n')
      expect(classifyFailure(r).kind).to.equal('timed_out')
      const gc = Number(fs.readFileSync(pidFile, 'utf8'))
      // SIGKILL was sent to the group; wait (bounded) until init has reaped the grandchild
      const deadline = Date.now() + 5000
      while (alive(gc) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20))
      expect(alive(gc)).to.equal(false)
    })

    it('kills a hung direct child and its children on timeout', async () => {
      const bin = script('openshell', 'sleep 30 &\nsleep 30')
      const t0 = Date.now()
      const r = await runOpenshell(['sandbox', 'list'], {kind: 'probe', timeoutMs: 300, binary: bin, baseEnv: {}})
      expect(Date.now() - t0).to.be.lessThan(1300)
      expect(r).to.deep.include({timedOut: true, exitCode: null, signal: 'SIGKILL', timeoutMs: 300})
    })

    it('reports exit codes, signals and normalised output', async () => {
      const bin = script(
        'openshell',
        `case "$1" in
  fail) printf '\\033[31mError:\\033[0m   \\033[31m×\\033[0m code: '"'"'Some requested entity was not found'"'"', message: "sandbox\\n  \\033[31m│\\033[0m not found"\\n' >&2; exit 1 ;;
  term) kill -TERM $$ ;;
  *) printf '\\033[2mStatus:\\033[0m Connected\\n'; exit 0 ;;
esac`,
      )
      const ok = await runOpenshell(['ok'], {kind: 'probe', binary: bin, baseEnv: {}})
      expect(ok).to.deep.include({exitCode: 0, signal: null, stdout: 'Status: Connected\n', timedOut: false})
      const failed = await runOpenshell(['fail'], {kind: 'probe', binary: bin, baseEnv: {}})
      expect(failed.exitCode).to.equal(1)
      expect(failed.stderr).to.equal(
        `Error:   × code: 'Some requested entity was not found', message: "sandbox not found"\n`,
      )
      expect(classifyFailure(failed).kind).to.equal('sandbox_not_found')
      const term = await runOpenshell(['term'], {kind: 'probe', binary: bin, baseEnv: {}})
      expect(term).to.deep.include({exitCode: null, signal: 'SIGTERM', timedOut: false})
      expect(classifyFailure(term).kind).to.equal('killed')
    })

    it('puts -g first, removes the endpoint override for a named gateway, passes extra env, never a shell', async () => {
      const bin = script(
        'openshell',
        'printf "%s|" "$@"; echo; echo "ep=${OPENSHELL_GATEWAY_ENDPOINT-unset} gw=${OPENSHELL_GATEWAY-unset} nc=$NO_COLOR x=$X"',
      )
      const r = await runOpenshell(['sandbox', 'get', 'a b; rm -rf /'], {
        kind: 'probe',
        gateway: 'nemoclaw',
        binary: bin,
        baseEnv: {OPENSHELL_GATEWAY_ENDPOINT: 'https://evil:1', OPENSHELL_GATEWAY: 'other'},
        env: {X: 'y'},
      })
      expect(r.argv).to.deep.equal(['-g', 'nemoclaw', 'sandbox', 'get', 'a b; rm -rf /'])
      expect(r.stdout).to.equal('-g|nemoclaw|sandbox|get|a b; rm -rf /|\nep=unset gw=other nc=1 x=y\n')
      const noGw = await runOpenshell(['status'], {
        kind: 'probe',
        binary: bin,
        baseEnv: {OPENSHELL_GATEWAY_ENDPOINT: 'https://e:1'},
      })
      expect(noGw.stdout).to.include('ep=https://e:1')
    })

    it('a missing binary is a result, not an exception', async () => {
      const r = await runOpenshell(['status'], {
        kind: 'probe',
        baseEnv: {NEMOCLAW_OPENSHELL_BIN: path.join(dir, 'nope')},
      })
      expect(r.spawnError).to.equal('ENOENT')
      expect(classifyFailure(r).kind).to.equal('openshell_missing')
      const plain = script('plain', 'true', 0o644)
      const r2 = await runOpenshell(['status'], {kind: 'probe', binary: plain, baseEnv: {}})
      expect(classifyFailure(r2).kind).to.equal('openshell_not_executable')
      const r3 = await runOpenshell(['status'], {kind: 'probe', baseEnv: {NEMOCLAW_OPENSHELL_BIN: plain}})
      expect(classifyFailure(r3).kind).to.equal('openshell_not_executable')
    })

    it('5 MB of output is returned whole', async () => {
      const bin = script('openshell', "head -c 5000000 /dev/zero | tr '\\0' 'a'")
      const r = await runOpenshell(['sandbox', 'list'], {kind: 'probe', binary: bin, baseEnv: {PATH: process.env.PATH}})
      expect(r.exitCode).to.equal(0)
      expect(r.stdout.length).to.equal(5_000_000)
      expect(r.truncated).to.equal(undefined)
    })

    it('output over the cap is truncated and the group killed quickly, even with a grandchild holding the pipe', async () => {
      const bin = script('openshell', "sleep 30 &\nhead -c 3000000 /dev/zero | tr '\\0' 'a'\nsleep 30")
      const t0 = Date.now()
      const r = await runOpenshell(['sandbox', 'list'], {
        kind: 'probe',
        binary: bin,
        baseEnv: {PATH: process.env.PATH},
        maxOutputBytes: 1_000_000,
        timeoutMs: 8000,
      })
      expect(Date.now() - t0).to.be.lessThan(3000)
      expect(r.truncated).to.equal(true)
      expect(r.timedOut).to.equal(false)
      expect(r.stdout.length).to.be.at.most(1_000_000)
      expect(classifyFailure(r).kind).to.equal('unparseable')
    })

    it('keeps a call log for evidence and call counting', async () => {
      const bin = script('openshell', 'exit 4')
      await runOpenshell(['status'], {kind: 'probe', binary: bin, baseEnv: {}, gateway: 'g'})
      await runOpenshell(['sandbox', 'list'], {kind: 'probe', binary: bin, baseEnv: {}})
      await runProcess(bin, ['info'], {timeoutMs: 2000})
      const log = callLog()
      expect(log.map((e) => [e.tool, e.argv, e.exitCode])).to.deep.equal([
        ['openshell', ['-g', 'g', 'status'], 4],
        ['openshell', ['sandbox', 'list'], 4],
        ['process', ['info'], 4],
      ])
      expect(log.every((e) => typeof e.durationMs === 'number' && e.durationMs >= 0)).to.equal(true)
      expect(openshellCallCount()).to.equal(2)
      expect(openshellCallCount(['status'])).to.equal(1)
    })
  })

  describe('runProcess', () => {
    it('applies the same timeout and group kill', async () => {
      const bin = script('docker', 'sleep 30 &\nsleep 30')
      const t0 = Date.now()
      const r = await runProcess(bin, ['info'], {timeoutMs: 300})
      expect(Date.now() - t0).to.be.lessThan(1300)
      expect(r.timedOut).to.equal(true)
      expect(r.binary).to.equal(bin)
    })

    it('a missing tool is a result with spawnError', async () => {
      const r = await runProcess(path.join(dir, 'podman'), ['info'], {timeoutMs: 1000})
      expect(r.exitCode).to.equal(null)
      expect(r.spawnError).to.equal('ENOENT')
    })
  })

  it('timeouts: defaults and env overrides', () => {
    expect(defaultTimeout('probe', {})).to.equal(15000)
    expect(defaultTimeout('operation', {})).to.equal(60000)
    expect(defaultTimeout('probe', {NEMOCLAW_PROBE_TIMEOUT_MS: '2500'})).to.equal(2500)
    expect(defaultTimeout('operation', {NEMOCLAW_OPERATION_TIMEOUT_MS: '90000'})).to.equal(90000)
    expect(defaultTimeout('probe', {NEMOCLAW_PROBE_TIMEOUT_MS: 'soon'})).to.equal(15000)
  })

  it('childEnv sets NO_COLOR and can unset variables', () => {
    const e = childEnv({A: '1', B: '2'}, {B: undefined, C: '3'})
    expect(e).to.deep.equal({A: '1', C: '3', NO_COLOR: '1'})
  })
})
