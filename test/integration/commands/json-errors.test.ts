// Under --json every error is the one JSON error document that failCommand (src/lib/cli/base.ts) writes:
// `{"schemaVersion": 1, "error": {"id", "message"}}` on stdout, whatever the command and whatever went wrong — a
// usage error, a bad or unregistered name, a gateway class that stops the command, an openshell failure.
// (A verdict — `status`, `recover`, `connect --probe-only` reporting a class — is not an error: it keeps its document.)
import {expect} from 'chai'

import {type CliResult, runCli} from '../../support/cli.js'
import {createSim, type Sim} from '../../support/sim.js'
import {calls, KEY, seedLive} from './helpers.js'

function expectJsonError(r: CliResult, id: string | RegExp, exit: number, what: string): void {
  const label = `${what}: exit ${r.exitCode}\nstdout: ${r.stdout.slice(0, 600)}\nstderr: ${r.stderr.slice(0, 600)}`
  expect(r.json, `${label}\n(stdout must be one JSON document)`).to.be.an('object')
  expect(Object.keys(r.json).sort(), label).to.deep.equal(['error', 'schemaVersion'])
  expect(r.json.schemaVersion, label).to.equal(1)
  expect(Object.keys(r.json.error).sort(), label).to.deep.equal(['id', 'message'])
  expect(r.json.error.message, label).to.be.a('string').and.not.equal('')
  if (typeof id === 'string') expect(r.json.error.id, label).to.equal(id)
  else expect(r.json.error.id, label).to.match(id)
  expect(r.exitCode, label).to.equal(exit)
  expect(r.stderr, `${label}\n(no stack trace)`).not.to.match(/\n\s+at .+:\d+:\d+/)
}

const SANDBOX_COMMANDS: string[][] = [
  ['status'],
  ['connect', '--probe-only'],
  ['connect'],
  ['logs'],
  ['destroy', '--yes'],
  ['recover'],
]
const ALL_COMMANDS = ['onboard', 'status', 'connect', 'list', 'logs', 'destroy', 'recover', 'doctor']

describe('--json errors are the one JSON error document', function () {
  this.timeout(180_000)
  let sim: Sim
  before(async () => {
    sim = await createSim({profile: 'modern'})
    seedLive(sim, ['alpha'])
  })
  after(() => sim.cleanup())

  it('a usage error (unknown flag), for every command', async () => {
    const rs = await Promise.all(
      ALL_COMMANDS.map((c) => runCli(sim, [c, '--no-such-flag', '--json'], {env: {NVIDIA_API_KEY: KEY}})),
    )
    rs.forEach((r, i) => expectJsonError(r, 'usage_error', 2, ALL_COMMANDS[i]))
  })

  it('an invalid sandbox name, for every command that takes one', async () => {
    const rs = await Promise.all(SANDBOX_COMMANDS.map(([c, ...flags]) => runCli(sim, [c, 'Alpha', ...flags, '--json'])))
    rs.forEach((r, i) => expectJsonError(r, 'invalid_name', 2, SANDBOX_COMMANDS[i].join(' ')))
  })

  it('a sandbox that is not registered, for every command that takes one', async () => {
    const rs = await Promise.all(
      SANDBOX_COMMANDS.map(([c, ...flags]) => runCli(sim, [c, 'nosuch', ...flags, '--json'])),
    )
    rs.forEach((r, i) => expectJsonError(r, 'not_registered', 2, SANDBOX_COMMANDS[i].join(' ')))
  })

  it('connect --json only checks (a shell has no JSON form): the verdict, and no shell is opened', async () => {
    sim.clearLog()
    const r = await runCli(sim, ['connect', 'alpha', '--json'])
    expect(r.exitCode, r.stdout + r.stderr).to.equal(0)
    expect(r.json?.sandbox, r.stdout).to.include({name: 'alpha', state: 'ok'})
    expect(calls(sim).filter((c) => c.startsWith('sandbox connect'))).to.deep.equal([])
  })

  it('logs --follow --json: a usage error (a stream has no JSON form), before any openshell logs call', async () => {
    sim.clearLog()
    expectJsonError(await runCli(sim, ['logs', 'alpha', '--follow', '--json']), 'usage_error', 2, 'logs --follow')
    expect(calls(sim).filter((c) => c.startsWith('logs'))).to.deep.equal([])
  })

  it('logs and destroy when their openshell call fails: the error document, exit 1', async () => {
    sim.control('fault', 'set', 'logs alpha', 'exit:1', '--stderr', 'Error:   × logs are unavailable')
    sim.control('fault', 'set', 'sandbox delete alpha', 'exit:1', '--stderr', 'Error:   × deletion is unavailable')
    try {
      expectJsonError(await runCli(sim, ['logs', 'alpha', '--json']), 'logs_failed', 1, 'logs (openshell fails)')
      expectJsonError(
        await runCli(sim, ['destroy', 'alpha', '--yes', '--json']),
        'delete_failed',
        1,
        'destroy (openshell fails)',
      )
    } finally {
      sim.control('fault', 'clear')
    }
  })

  it('logs and destroy with the gateway down: the error document with the class as id and its exit code', async () => {
    sim.control('gateway', 'stop')
    try {
      const [r, d] = await Promise.all([
        runCli(sim, ['logs', 'alpha', '--json']),
        runCli(sim, ['destroy', 'alpha', '--yes', '--json']),
      ])
      expectJsonError(r, 'gateway_unreachable', 21, 'logs (gateway down)')
      expect(r.json.error.message).to.contain('nemoclaw recover')
      expectJsonError(d, 'gateway_unreachable', 21, 'destroy (gateway down)')
    } finally {
      sim.control('gateway', 'start')
    }
  })
})
