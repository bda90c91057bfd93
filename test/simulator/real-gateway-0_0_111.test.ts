// The simulator's modern profile at 0.0.111 against what the REAL 0.0.111 CLI printed against the REAL 0.0.111
// gateway (test/fixtures/openshell/0.0.111/real-gateway/, scripts/capture-real-gateway.ts): each group drives the
// simulator through the same events with `openshell-sim` controls, runs the same argv in the same order and
// compares exit code, stdout and stderr byte for byte — ANSI included — after the capture's own normalisation.
// Where a lifecycle event has a recorded phase `sequence`, the simulator must go through the same phases.
import {expect} from 'chai'
import {spawn} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import {fixtureNames, normalizeReal, readFixture, TEST_CREDENTIAL} from '../support/real-gateway-capture.js'
import {freePort, OpenAiStub} from '../support/real-gateway.js'
import {stripAnsi} from '../support/real-openshell.js'
import {createSim, type Sim} from '../support/sim.js'
import {os, type Run, sleep} from './run.js'

const TRANSIENT = new Set(['Provisioning', 'Starting', 'Stopping', 'Deleting'])

const replayed = new Set<string>()

/** `os` without blocking this process: an in-process HTTP stub must answer the simulator meanwhile. */
function osAsync(sim: Sim, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('openshell', args, {env: {...sim.env, ...env}})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => {
      stdout += d
    })
    child.stderr.on('data', (d) => {
      stderr += d
    })
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({code, signal, stderr, stdout}))
  })
}

/** Run the fixture's argv in the simulator and compare everything the fixture recorded. */
function replay(sim: Sim, name: string): void {
  const f = readFixture(name)
  same(sim, name, os(sim, f.argv.slice(1), f.env))
}

async function replayAsync(sim: Sim, name: string): Promise<void> {
  const f = readFixture(name)
  same(sim, name, await osAsync(sim, f.argv.slice(1), f.env))
}

function same(sim: Sim, name: string, r: Run): void {
  replayed.add(name)
  const f = readFixture(name)
  expect(f.argv.join(' '), `${name}: argv must not hold a normalised placeholder`).to.not.match(/<[A-Z]+>/)
  const got = {exitCode: r.code, stderr: normalizeReal(r.stderr, [sim.dir]), stdout: normalizeReal(r.stdout, [sim.dir])}
  expect(got, `${name} (${f.note})`).to.deep.equal({exitCode: f.exitCode, stderr: f.stderr, stdout: f.stdout})
}

/** The phases each sandbox goes through until nothing is transient and nothing changed for `quietMs`. */
async function settle(sim: Sim, quietMs: number, transientOk = false): Promise<Record<string, string[]>> {
  const seen: Record<string, string[]> = {}
  let last = ''
  let since = Date.now()
  const deadline = Date.now() + 15_000
  for (;;) {
    const r = os(sim, ['sandbox', 'list'])
    if (r.code === 0) {
      const now: Record<string, string> = {}
      for (const line of stripAnsi(r.stdout).split('\n').slice(1)) {
        const cols = line.trim().split(/\s+/)
        if (cols.length >= 3) now[cols[0]] = cols.at(-1)!
      }

      for (const [n, p] of Object.entries(now)) {
        const s = (seen[n] ??= [])
        if (s.at(-1) !== p) s.push(p)
      }

      const key = JSON.stringify(now)
      if (key !== last) {
        last = key
        since = Date.now()
      }

      if (Date.now() - since >= quietMs && (transientOk || !Object.values(now).some((p) => TRANSIENT.has(p))))
        return seen
    }

    if (Date.now() > deadline) throw new Error(`phases did not settle: ${JSON.stringify(seen)}`)
    await sleep(40)
  }
}

function sameSequence(got: Record<string, string[]>, name: string): void {
  expect(got, `${name}: phase sequence`).to.deep.equal(readFixture(name).sequence)
}

/** What a trust re-import does in place: the gateway's current client bundle into gateways/nemoclaw/mtls/. */
function reimport(sim: Sim): void {
  const tls = path.join(sim.home, '.local', 'state', 'openshell', 'tls')
  const mtls = path.join(sim.home, '.config', 'openshell', 'gateways', 'nemoclaw', 'mtls')
  fs.copyFileSync(path.join(tls, 'ca.crt'), path.join(mtls, 'ca.crt'))
  fs.copyFileSync(path.join(tls, 'client', 'tls.crt'), path.join(mtls, 'tls.crt'))
  fs.copyFileSync(path.join(tls, 'client', 'tls.key'), path.join(mtls, 'tls.key'))
}

describe('simulator: 0.0.111 profile replays the real-gateway fixtures', function () {
  this.timeout(60_000)
  const GROUPS = 6 // one test per capture group
  let groupsRun = 0
  afterEach(function () {
    if (this.currentTest?.state === 'passed' && this.currentTest.title !== 'every real-gateway fixture was replayed')
      groupsRun++
  })
  const sims: Sim[] = []
  const make = async () => {
    const s = await createSim({profile: 'modern', version: '0.0.111'})
    sims.push(s)
    return s
  }

  after(() => sims.forEach((s) => s.cleanup()))

  it('healthy: status, list, get (default policy); sandbox stop/start phase rules; an Error sandbox; delete', async () => {
    const sim = await make()
    sim.control('sandbox', 'add', 'alpha')
    sim.control('sandbox', 'add', 'beta')
    for (const c of [
      'healthy-status',
      'healthy-status-json',
      'healthy-sandbox-list',
      'healthy-sandbox-list-json',
      'healthy-sandbox-get',
      'healthy-sandbox-get-json',
    ])
      replay(sim, c)
    for (const c of [
      'sandbox-stop',
      'sandbox-stop-list',
      'sandbox-stop-get',
      'sandbox-stop-stopped',
      'sandbox-start-ready',
      'sandbox-start-stopped',
      'sandbox-start-list',
    ])
      replay(sim, c)
    sim.control('sandbox', 'add', 'doomed', '--phase', 'Error')
    for (const c of [
      'error-sandbox-list',
      'error-sandbox-get',
      'sandbox-stop-error',
      'sandbox-start-error',
      'sandbox-stop-missing',
      'sandbox-start-missing',
      'sandbox-delete',
      'sandbox-delete-get',
      'sandbox-delete-list',
    ])
      replay(sim, c)
  })

  it('restarts: kill -9 refuses; crash and graceful restarts bring Ready sandboxes back through Provisioning, Stopped and Error stay', async () => {
    const sim = await make()
    sim.control('sandbox', 'add', 'alpha')
    sim.control('sandbox', 'add', 'beta')
    expect(os(sim, ['sandbox', 'stop', 'beta']).code).to.equal(0)
    sim.control('sandbox', 'add', 'doomed', '--phase', 'Error')
    sim.control('gateway', 'stop')
    for (const c of [
      'stopped-status',
      'stopped-status-json',
      'stopped-sandbox-list',
      'stopped-sandbox-list-json',
      'stopped-sandbox-get',
    ])
      replay(sim, c)
    sim.control('gateway', 'restart', '--provisioning-ms', '1500')
    sameSequence(await settle(sim, 300), 'crash-restart-sandbox-list')
    for (const c of [
      'crash-restart-sandbox-list',
      'crash-restart-status',
      'crash-restart-sandbox-list-json',
      'crash-restart-sandbox-get',
    ])
      replay(sim, c)
    // SIGTERM: refused while the gateway drains and stops the sandboxes, then the start-up sweep
    sim.control('gateway', 'restart', '--graceful', '--delay-ms', '3000', '--provisioning-ms', '1500')
    replay(sim, 'graceful-draining-sandbox-list')
    replay(sim, 'graceful-down-status')
    sameSequence(await settle(sim, 300), 'graceful-restart-sandbox-list')
    for (const c of [
      'graceful-restart-sandbox-list',
      'graceful-restart-status',
      'graceful-restart-sandbox-list-json',
      'graceful-restart-sandbox-get',
      'graceful-restart-sandbox-get-error',
    ])
      replay(sim, c)
  })

  it('trust rotation: BadSignature until re-imported, then the sandbox stays Provisioning (stop and start refused)', async () => {
    const sim = await make()
    sim.control('sandbox', 'add', 'alpha')
    sim.control('gateway', 'rotate-ca')
    for (const c of [
      'rotated-status',
      'rotated-status-json',
      'rotated-sandbox-list',
      'rotated-sandbox-list-json',
      'rotated-sandbox-get',
    ])
      replay(sim, c)
    reimport(sim)
    sameSequence(await settle(sim, 500, true), 'rotated-reimported-sandbox-list')
    for (const c of [
      'rotated-reimported-sandbox-list',
      'rotated-reimported-status',
      'rotated-reimported-sandbox-list-json',
      'rotated-reimported-sandbox-get',
      'rotated-reimported-sandbox-stop',
      'rotated-reimported-sandbox-start',
    ])
      replay(sim, c)
    // a later restart does not bring it back either: its supervisor still holds the old CA
    sim.control('gateway', 'restart', '--graceful')
    replay(sim, 'rotated-reimported-sandbox-list')
  })

  it('rebuild: BadSignature until re-imported, then an empty gateway (NotFound)', async () => {
    const sim = await make()
    sim.control('sandbox', 'add', 'alpha')
    sim.control('gateway', 'rebuild')
    for (const c of ['rebuilt-status', 'rebuilt-sandbox-list']) replay(sim, c)
    reimport(sim)
    for (const c of [
      'rebuilt-reimported-status',
      'rebuilt-reimported-sandbox-list',
      'rebuilt-reimported-sandbox-list-json',
      'rebuilt-reimported-sandbox-get',
      'rebuilt-reimported-sandbox-delete',
      'rebuilt-reimported-inference-get',
    ])
      replay(sim, c)
  })

  it('provider: create (env lookup, exists, missing variable, runtime credentials without a profile), get, list, update', async () => {
    const sim = await make()
    for (const c of [
      'provider-create',
      'provider-create-exists',
      'provider-create-missing-env',
      'provider-create-runtime-credentials',
      'provider-get',
      'provider-get-missing',
      'provider-list',
    ])
      replay(sim, c)
    for (const c of [
      'provider-update-credential',
      'provider-update-config',
      'provider-get-updated',
      'provider-update-missing',
    ])
      replay(sim, c)
    expect(JSON.stringify(sim.state())).to.not.contain(readFixture('provider-create').env.OPENAI_API_KEY) // values never stored
  })

  it('inference: set verifies the endpoint over HTTP (stub up: ok; closed port: the verification failure), --no-verify skips it; get', async () => {
    const sim = await make()
    const stub = await new OpenAiStub().start()
    const closed = await freePort()
    try {
      const mk = (name: string, base: string) =>
        expect(
          os(
            sim,
            [
              'provider',
              'create',
              '--name',
              name,
              '--type',
              'openai',
              '--credential',
              'OPENAI_API_KEY',
              '--config',
              `OPENAI_BASE_URL=${base}`,
            ],
            TEST_CREDENTIAL,
          ).code,
        ).to.equal(0)
      mk('stub', stub.url)
      mk('closed', `http://127.0.0.1:${closed}/v1`)
      replay(sim, 'inference-get-unset')
      await replayAsync(sim, 'inference-set')
      expect(stub.requests.map((r) => [r.method, r.url, JSON.parse(r.body)])).to.deep.equal([
        [
          'POST',
          '/v1/chat/completions',
          {max_completion_tokens: 32, messages: [{content: 'ping', role: 'user'}], model: 'stub-model'},
        ],
      ])
      for (const c of [
        'inference-get',
        'inference-set-closed-port',
        'inference-set-closed-port-no-verify',
        'inference-get-no-verify',
        'inference-set-missing-provider',
      ])
        await replayAsync(sim, c)
      expect(stub.requests).to.have.length(1)
      // the stub going down turns the same verification into the connect failure
      await stub.stop()
      const down = await osAsync(sim, ['inference', 'set', '--provider', 'stub', '--model', 'stub-model'])
      const words = (t: string) =>
        stripAnsi(t)
          .replaceAll(/\n {2}│ /g, '')
          .replaceAll(/\s+/g, '') // miette's wrapping aside
      expect([down.code, words(down.stderr)]).to.deep.equal([
        1,
        words(
          `Error:   × failed to verify inference endpoint for provider 'stub' and model 'stub-model' at '${stub.url}': failed to connect to ${stub.url}/chat/completions: error sending request for url (${stub.url}/chat/completions). Next steps: check that the service is running, confirm the base URL and protocol, and verify credentials, or retry with '--no-verify' if you want to skip verification`,
        ),
      ])
    } finally {
      await stub.stop()
    }
  })

  it('every real-gateway fixture was replayed', function () {
    if (groupsRun < GROUPS) this.skip() // a --grep run
    expect(fixtureNames().filter((n) => !replayed.has(n))).to.deep.equal([])
  })
})
