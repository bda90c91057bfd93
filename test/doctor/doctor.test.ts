// `nemoclaw doctor` (the BUILT cli) against the OpenShell simulator: statuses, exit codes, read-only without --fix,
// safe repairs with --fix, bounded when openshell hangs, secrets redacted. Run `npm run build` first.
import {expect} from 'chai'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {stripAnsi} from '../../src/lib/openshell/text.js'
import {startInTerminal} from '../support/cli.js'
import {createSim, type Sim, type SimOptions} from '../support/sim.js'
import {check, cli, doctorJson, mutating, privateHome, writeRegistry} from './helpers.js'

describe('nemoclaw doctor (built cli)', function () {
  this.timeout(60_000)
  const sims: Sim[] = []
  const make = async (o: SimOptions): Promise<Sim> => {
    const s = await createSim(o)
    sims.push(s)
    privateHome(s.env)
    return s
  }

  after(() => sims.forEach((s) => s.cleanup()))

  it('works with no openshell at all: openshell fails (openshell_missing), exit 1, nothing else crashes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nemoclaw-doctor-bare-'))
    try {
      const empty = path.join(dir, 'bin')
      fs.mkdirSync(empty)
      const env: NodeJS.ProcessEnv = {CI: '1', HOME: dir, NEMOCLAW_HOME: path.join(dir, 'nemoclaw'), PATH: empty}
      const {doc, r} = await doctorJson(env)
      expect(r.code).to.equal(1)
      expect(doc.schemaVersion).to.equal(1)
      expect(doc.ok).to.equal(false)
      expect(check(doc, 'openshell')).to.include({classId: 'openshell_missing', status: 'fail'})
      expect(check(doc, 'openshell').fix).to.contain('NEMOCLAW_OPENSHELL_BIN')
      expect(check(doc, 'gateway').status).to.equal('skip')
      expect(check(doc, 'registry').status).to.equal('pass')
      expect(check(doc, 'sandboxes').status).to.equal('pass')
      expect(check(doc, 'runtime').status).to.equal('pass')
      expect(fs.existsSync(env.NEMOCLAW_HOME!), 'doctor created the nemoclaw home').to.equal(false)
      // human output: summary with diagnosis + fix
      const h = await cli(['doctor'], env)
      expect(h.code).to.equal(1)
      expect(h.stdout).to.match(/Summary: \d+ passed, \d+ warning\(s\), 1 failed/)
      expect(h.stdout).to.contain('✖ openshell: The openshell CLI was not found')
      expect(h.stdout).to.contain('fix: Install it')
    } finally {
      fs.rmSync(dir, {force: true, recursive: true})
    }
  })

  it('simulator with no gateway and zero sandboxes: gateway_not_configured is a warning, exit 0, read-only', async () => {
    const sim = await make({gateway: null, profile: 'modern'})
    const {doc, r} = await doctorJson(sim.env)
    expect(r.code, r.stderr).to.equal(0)
    expect(check(doc, 'gateway')).to.include({classId: 'gateway_not_configured', status: 'warn'})
    expect(check(doc, 'gateway').fix).to.contain('nemoclaw onboard')
    expect(check(doc, 'openshell').status).to.equal('pass')
    expect(mutating(sim.argvLog())).to.deep.equal([])
  })

  it('a warning is drawn ⚠, not ✔ … ⚠: off a TTY (in-process and spawned, the same lines) and on a TTY (listr2)', async function () {
    this.timeout(120_000)
    const sim = await make({gateway: null, profile: 'modern'})
    fs.chmodSync(sim.env.NEMOCLAW_HOME!, 0o755)
    const gateway =
      "⚠ Gateway  ⚠ 'nemoclaw' [gateway_not_configured]: No OpenShell gateway named 'nemoclaw' is registered on this machine."
    const registry = `⚠ Sandbox registry  ⚠ Directory ${sim.env.NEMOCLAW_HOME} has mode 0755; expected 0700.`
    const ticked = /^✔ (?:Gateway|Sandbox registry) /m
    const human = await cli(['doctor'], sim.env)
    expect(human.code, human.stderr).to.equal(0)
    expect(human.stderr.split('\n')).to.include.members([
      gateway,
      registry,
      '✔ OpenShell CLI  ✔ openshell 0.1.2 is supported.',
    ])
    expect(human.stderr).not.to.match(ticked)
    expect(human.stdout).to.contain('Summary: 5 passed, 2 warning(s), 0 failed, 2 skipped.')
    const spawned = await cli(['doctor'], sim.env, {spawn: true})
    expect(spawned.stderr).to.equal(human.stderr)

    const tty = startInTerminal(sim, ['doctor'])
    const {exitCode, output} = await tty.done
    expect(exitCode, output).to.equal(0)
    expect(output, 'listr2 drew it (it hides the cursor while it animates)').to.contain('\u001B[?25l')
    const lines = stripAnsi(output).split('\n')
    expect(lines).to.include.members([gateway, registry, '✔ OpenShell CLI  ✔ openshell 0.1.2 is supported.'])
    expect(lines.join('\n')).not.to.match(ticked)

    // --json is the same document as before: status warn, the detail without a mark
    const {doc} = await doctorJson(sim.env)
    expect(check(doc, 'gateway')).to.include({classId: 'gateway_not_configured', status: 'warn'})
    expect(check(doc, 'registry').status).to.equal('warn')
    expect(check(doc, 'registry').detail).to.match(/^Directory .* has mode 0755; expected 0700\./)
    expect(doc.summary).to.deep.equal({fail: 0, pass: 5, skip: 2, warn: 2})
  })

  it('healthy (modern): gateway and sandboxes pass, exit 0, only read-only openshell calls', async () => {
    const sim = await make({profile: 'modern'})
    sim.control('sandbox', 'add', 'box')
    writeRegistry(sim.env, [{name: 'box'}])
    const {doc, r} = await doctorJson(sim.env)
    expect(r.code, r.stderr).to.equal(0)
    expect(doc.ok).to.equal(true)
    expect(check(doc, 'gateway')).to.include({classId: 'ok', status: 'pass'})
    expect(check(doc, 'gateway').detail).to.contain('client certificates: present and readable')
    expect(check(doc, 'sandboxes')).to.include({classId: 'ok', status: 'pass'})
    expect(check(doc, 'registry').status).to.equal('pass')
    expect(mutating(sim.argvLog())).to.deep.equal([])
    // one reconcile: one status and one sandbox list for the gateway, whatever the number of checks
    const argv = sim.argvLog().map((e) => e.argv.join(' '))
    expect(argv.filter((a) => a.includes('sandbox list'))).to.have.length(1)
    expect(argv.filter((a) => / status\b/.test(` ${a}`))).to.have.length(1)
  })

  it('healthy (legacy): gateway passes', async () => {
    const sim = await make({profile: 'legacy'})
    sim.control('sandbox', 'add', 'box')
    writeRegistry(sim.env, [{name: 'box'}])
    const {doc, r} = await doctorJson(sim.env)
    expect(r.code, r.stderr).to.equal(0)
    expect(check(doc, 'gateway').status).to.equal('pass')
    expect(check(doc, 'sandboxes').status).to.equal('pass')
  })

  it('stopped (modern): gateway_unreachable fails, exit 1, read-only; --fix starts the service and passes', async () => {
    const sim = await make({profile: 'modern'})
    sim.control('sandbox', 'add', 'box')
    writeRegistry(sim.env, [{name: 'box'}])
    sim.control('gateway', 'stop')
    const {doc, r} = await doctorJson(sim.env)
    expect(r.code).to.equal(1)
    expect(check(doc, 'gateway')).to.include({classId: 'gateway_unreachable', status: 'fail'})
    expect(check(doc, 'sandboxes').status).to.equal('fail')
    expect(mutating(sim.argvLog())).to.deep.equal([])
    expect(sim.argvLog('systemctl').map((e) => e.argv[1])).to.not.include('start')

    const fixed = await doctorJson(sim.env, ['--fix'])
    expect(fixed.r.code, fixed.r.stderr).to.equal(0)
    expect(sim.argvLog('systemctl').some((e) => e.argv.join(' ') === '--user start openshell-gateway')).to.equal(true)
    expect(check(fixed.doc, 'gateway').status).to.equal('pass')
    expect(check(fixed.doc, 'sandboxes').status).to.equal('pass')
    expect(fixed.doc.fixes!.map((f) => f.ok)).to.not.include(false)
  })

  it('stopped (legacy): --fix runs `gateway start --name nemoclaw` (never --recreate)', async () => {
    const sim = await make({profile: 'legacy'})
    writeRegistry(sim.env, [])
    sim.control('gateway', 'stop')
    expect((await doctorJson(sim.env)).r.code).to.equal(1)
    expect(mutating(sim.argvLog())).to.deep.equal([])
    const fixed = await doctorJson(sim.env, ['--fix'])
    expect(check(fixed.doc, 'gateway').status).to.equal('pass')
    expect(mutating(sim.argvLog())).to.deep.equal([['gateway', 'start', '--name', 'nemoclaw']])
  })

  it('trust rotated (modern): gateway_trust_rotated fails; --fix re-imports the local bundle (no remove/add)', async () => {
    const sim = await make({profile: 'modern'})
    sim.control('gateway', 'rebuild')
    const {doc, r} = await doctorJson(sim.env)
    expect(r.code).to.equal(1)
    expect(check(doc, 'gateway')).to.include({classId: 'gateway_trust_rotated', status: 'fail'})
    expect(mutating(sim.argvLog())).to.deep.equal([])
    const mtls = path.join(sim.env.XDG_CONFIG_HOME!, 'openshell', 'gateways', 'nemoclaw')
    const fixed = await doctorJson(sim.env, ['--fix'])
    expect(fixed.r.code, fixed.r.stderr).to.equal(0)
    expect(check(fixed.doc, 'gateway').status).to.equal('pass')
    expect(mutating(sim.argvLog())).to.deep.equal([])
    expect(fs.readdirSync(mtls).some((n) => n.startsWith('mtls.bak-'))).to.equal(true)
  })

  it('other gateway active via OPENSHELL_GATEWAY: warning with unset + select; --fix selects nothing', async () => {
    const sim = await make({profile: 'modern'})
    sim.control('sandbox', 'add', 'box')
    sim.control('gateway', 'add-other', 'other')
    writeRegistry(sim.env, [{name: 'box'}])
    const env = {...sim.env, OPENSHELL_GATEWAY: 'other'}
    const {doc, r} = await doctorJson(env)
    expect(r.code, r.stderr).to.equal(0)
    const gw = check(doc, 'gateway')
    expect(gw).to.include({classId: 'gateway_other_active', status: 'warn'})
    expect(gw.detail).to.contain('overridden by OPENSHELL_GATEWAY=other')
    expect(gw.fix).to.contain('unset OPENSHELL_GATEWAY').and.contain('openshell gateway select nemoclaw')
    const fixed = await doctorJson(env, ['--fix'])
    expect(check(fixed.doc, 'gateway').status).to.equal('warn')
    expect(mutating(sim.argvLog())).to.deep.equal([])
  })

  it("other gateway active on disk: warning with `openshell gateway select`; --fix selects the sandboxes' gateway", async () => {
    const sim = await make({profile: 'modern'})
    sim.control('sandbox', 'add', 'box')
    sim.control('gateway', 'add-other', 'other', '--activate')
    writeRegistry(sim.env, [{name: 'box'}])
    const {doc, r} = await doctorJson(sim.env)
    expect(r.code, r.stderr).to.equal(0)
    expect(check(doc, 'gateway')).to.include({classId: 'gateway_other_active', status: 'warn'})
    expect(check(doc, 'gateway').fix).to.contain('openshell gateway select nemoclaw')
    expect(check(doc, 'sandboxes').status).to.equal('warn')
    expect(mutating(sim.argvLog())).to.deep.equal([])
    const fixed = await doctorJson(sim.env, ['--fix'])
    expect(mutating(sim.argvLog())).to.deep.equal([['gateway', 'select', 'nemoclaw']])
    expect(check(fixed.doc, 'gateway').status).to.equal('pass')
    expect(fixed.r.code).to.equal(0)
  })

  it('corrupt registry: fails and is left untouched; --fix sets it aside intact', async () => {
    const sim = await make({profile: 'modern'})
    const file = path.join(sim.env.NEMOCLAW_HOME!, 'sandboxes.json')
    fs.writeFileSync(file, '{"version": 1, "sandboxes": {', {mode: 0o600})
    const {doc, r} = await doctorJson(sim.env)
    expect(r.code).to.equal(1)
    expect(check(doc, 'registry').status).to.equal('fail')
    expect(check(doc, 'registry').fix).to.contain('nemoclaw doctor --fix')
    expect(check(doc, 'sandboxes').status).to.equal('skip')
    expect(fs.readFileSync(file, 'utf8')).to.equal('{"version": 1, "sandboxes": {')
    const fixed = await doctorJson(sim.env, ['--fix'])
    expect(fixed.r.code, fixed.r.stderr).to.equal(0)
    const aside = fs.readdirSync(sim.env.NEMOCLAW_HOME!).filter((n) => n.startsWith('sandboxes.json.corrupt-'))
    expect(aside).to.have.length(1)
    expect(fs.readFileSync(path.join(sim.env.NEMOCLAW_HOME!, aside[0]), 'utf8')).to.equal(
      '{"version": 1, "sandboxes": {',
    )
    const reg = check(fixed.doc, 'registry')
    expect(reg.status).to.equal('warn')
    expect(reg.detail).to.contain('Set aside earlier')
    expect(fixed.doc.fixes!.find((f) => f.title.startsWith('Move'))!.note).to.contain('moved aside to')
  })

  it('wrong permissions: warning with chmod; --fix makes the directory 0700 and the file 0600', async () => {
    const sim = await make({profile: 'modern'})
    const file = writeRegistry(sim.env, [])
    fs.chmodSync(file, 0o644)
    fs.chmodSync(sim.env.NEMOCLAW_HOME!, 0o755)
    const {doc, r} = await doctorJson(sim.env)
    expect(r.code).to.equal(0)
    expect(check(doc, 'registry').status).to.equal('warn')
    expect(check(doc, 'registry').fix).to.contain(`chmod 0600 ${file}`)
    expect(fs.statSync(file).mode & 0o777).to.equal(0o644)
    const fixed = await doctorJson(sim.env, ['--fix'])
    expect(check(fixed.doc, 'registry').status).to.equal('pass')
    expect(fs.statSync(file).mode & 0o777).to.equal(0o600)
    expect(fs.statSync(sim.env.NEMOCLAW_HOME!).mode & 0o777).to.equal(0o700)
  })

  it('hung openshell: the gateway check fails as probe_timeout within the probe timeout, exit 1', async () => {
    const sim = await make({profile: 'modern'})
    sim.control('sandbox', 'add', 'box')
    writeRegistry(sim.env, [{name: 'box'}])
    sim.control('fault', 'set', 'status', 'hang')
    const env = {...sim.env, NEMOCLAW_PROBE_TIMEOUT_MS: '1500'}
    const {doc, r} = await doctorJson(env)
    expect(r.code).to.equal(1)
    expect(check(doc, 'gateway')).to.include({classId: 'probe_timeout', status: 'fail'})
    expect(check(doc, 'sandboxes').classId).to.equal('probe_timeout')
    expect(r.ms).to.be.below(8000)
    expect(mutating(sim.argvLog())).to.deep.equal([])
  })

  it('--check runs only the named checks; an unknown id exits 2', async () => {
    const sim = await make({profile: 'modern'})
    const {doc} = await doctorJson(sim.env, ['--check', 'gateway', '--check', 'registry'])
    expect(doc.checks.map((c) => c.id)).to.deep.equal(['gateway', 'registry'])
    const bad = await cli(['doctor', '--json', '--check', 'nope'], sim.env)
    expect(bad.code).to.equal(2)
    expect(JSON.parse(bad.stdout).error.id).to.equal('unknown_check')
  })

  it('never prints a secret from the environment (planted key, bearer token, key in an error text)', async () => {
    const sim = await make({profile: 'modern'})
    const KEY = 'nvapi-PLANTED-SECRET-123'
    const BEARER = 'Bearer eyPLANTEDbearerTOKEN0987'
    const env = {
      ...sim.env,
      MY_SERVICE_TOKEN: BEARER,
      NVIDIA_API_KEY: KEY,
      SOME_URL: `https://user:${'PLANTEDpw'}@example.com`,
    }
    sim.control('sandbox', 'add', 'box')
    // a provider that names the credential (openshell reads the value from the env; only the NAME is stored)
    const {spawnSync} = await import('node:child_process')
    spawnSync(
      'openshell',
      ['provider', 'create', '--name', 'nvidia', '--type', 'nvidia', '--credential', 'NVIDIA_API_KEY'],
      {env},
    )
    spawnSync('openshell', ['inference', 'set', '--provider', 'nvidia', '--model', 'meta/llama'], {env})
    writeRegistry(env, [{credentialEnv: 'NVIDIA_API_KEY', name: 'box', provider: 'nvidia'}])
    sim.control(
      'fault',
      'set',
      'provider list',
      'exit:1',
      '--stderr',
      `Error: unauthorized: Authorization: ${BEARER} api_key=${KEY}`,
    )
    const {doc, r} = await doctorJson(env)
    const human = await cli(['doctor'], env)
    for (const out of [r.stdout, r.stderr, human.stdout, human.stderr]) {
      expect(out).to.not.contain('PLANTED')
    }

    const inf = check(doc, 'inference')
    expect(inf.detail).to.contain('NVIDIA_API_KEY')
    expect(inf.detail).to.contain('[REDACTED]')
    expect(inf.detail).to.contain('route nvidia / meta/llama')
  })
})
