// The simulator's legacy profile at 0.0.26 prints what the REAL openshell 0.0.26 printed in the same situation:
// each case compares with a captured real fixture (test/fixtures/openshell/0.0.26/, captured by
// test/conformance/scenarios.ts; ANSI stripped on both sides; ports, paths and codes normalised).
//
// Not modelled (no case below):
// - xwire-*: the real 0.0.26 CLI against a gateway of the 0.0.111 wire. The simulator has no cross-generation
//   wire: every simulated gateway speaks its CLI's own.
// - gateway-add-https-no-flag compares only what the real CLI printed before the capture killed it (it waits
//   120 s for a browser login; what it prints after that was never captured, so the simulator waits until killed).
// - legacy-doctor-no-docker: the simulator has no `doctor` command.
import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {stripAnsi as plain} from '../support/real-openshell.js'
import {createSim, type Sim} from '../support/sim.js'
import {os, type Run} from './run.js'

const FIX = fileURLToPath(new URL('../fixtures/openshell/0.0.26/', import.meta.url))
/** What the capture's realEnv sets for a legacy CLI: a Docker socket that does not exist. */
const NO_DOCKER = {DOCKER_HOST: 'unix:///nonexistent/openshell-conformance/docker.sock'}
type Norm = (s: string) => string
const norm = (s: string) =>
  plain(s)
    .replaceAll(/127\.0\.0\.1:\d+/g, '127.0.0.1:<PORT>')
    .replaceAll(/\[\d+\.\d+s\]/g, '[<T>s]')
    .replaceAll(/code=[A-Z0-9]{3}-[A-Z0-9]{4}/g, 'code=<CODE>')
    .replaceAll(/Confirmation code: [A-Z0-9]{3}-[A-Z0-9]{4}/g, 'Confirmation code: <CODE>')
    .replaceAll(/callback_port=\d+/g, 'callback_port=<PORT>')
    .replaceAll(/port \d+\./g, 'port <PORT>.')
/** Undo miette's wrapping of the report's message (a path is cut after `-` or `/`, words at a space). */
const unwrap: Norm = (s) => s.replaceAll(/([-/])\n {2}│ (?=\S)/g, '$1').replaceAll(/\n {2}│ (?=\S)/g, ' ')

function fixture(name: string, extra: Norm = (s) => s): {stdout: string; stderr: string; exitCode: number | null} {
  const f = JSON.parse(fs.readFileSync(path.join(FIX, `${name}.json`), 'utf8'))
  return {exitCode: f.exitCode, stderr: extra(norm(f.stderr)), stdout: extra(norm(f.stdout))}
}

function same(r: Pick<Run, 'code' | 'stderr' | 'stdout'>, name: string, extra: Norm = (s) => s): void {
  const f = fixture(name, extra)
  expect({code: r.code, stderr: extra(norm(r.stderr)), stdout: extra(norm(r.stdout))}, name).to.deep.equal({
    code: f.exitCode,
    stderr: f.stderr,
    stdout: f.stdout,
  })
}

const legacy = {profile: 'legacy', version: '0.0.26'} as const

describe('simulator: legacy profile at 0.0.26 matches the real 0.0.26 fixtures', () => {
  const sims: Sim[] = []
  const make = async (o: Partial<Parameters<typeof createSim>[0]> = {}) => {
    const s = await createSim({...legacy, ...o})
    sims.push(s)
    return s
  }

  after(() => sims.forEach((s) => s.cleanup()))

  it('no gateway: No active gateway / Unknown gateway / metadata hints, status exit 0, no -o, no gateway list', async () => {
    const sim = await make({gateway: null})
    same(os(sim, ['--version']), 'version')
    same(os(sim, ['status']), 'no-gateway-status')
    same(os(sim, ['status', '-o', 'json']), 'no-gateway-status-json')
    same(os(sim, ['gateway', 'info']), 'no-gateway-gateway-info')
    same(os(sim, ['gateway', 'info', '-o', 'json']), 'no-gateway-gateway-info-json')
    same(os(sim, ['gateway', 'list']), 'no-gateway-gateway-list')
    same(os(sim, ['gateway', 'list', '-o', 'json']), 'no-gateway-gateway-list-json')
    same(os(sim, ['gateway', 'select', 'x']), 'no-gateway-gateway-select-unknown')
    same(os(sim, ['sandbox', 'list']), 'no-gateway-sandbox-list')
    same(os(sim, ['sandbox', 'list', '-o', 'json']), 'no-gateway-sandbox-list-json')
    same(os(sim, ['sandbox', 'get', 'x']), 'no-gateway-sandbox-get')
    same(os(sim, ['sandbox', 'get', 'abcdefghijklmnopqrstuvwxyz']), 'no-gateway-sandbox-get-long-name')
    same(os(sim, ['inference', 'get']), 'no-gateway-inference-get')
    same(os(sim, ['status'], {OPENSHELL_GATEWAY: 'other'}), 'no-gateway-env-gateway-status')
    same(os(sim, ['sandbox', 'list'], {OPENSHELL_GATEWAY: 'other'}), 'no-gateway-env-gateway-sandbox-list')
    same(os(sim, ['-g', 'other', 'status']), 'no-gateway-flag-gateway-status')
    same(os(sim, ['sandbox', 'list', '--bogus']), 'usage-unknown-flag')
  })

  it('no container runtime: gateway start fails creating the Docker client, stop/destroy name the missing socket', async () => {
    const sim = await make({gateway: null})
    sim.control('runtime', 'down')
    same(os(sim, ['gateway', 'start'], NO_DOCKER), 'legacy-gateway-start-no-docker')
    same(os(sim, ['gateway', 'start', '--name', 'g'], NO_DOCKER), 'legacy-gateway-start-named-no-docker')
    same(os(sim, ['gateway', 'stop'], NO_DOCKER), 'legacy-gateway-stop-no-docker')
    same(os(sim, ['gateway', 'destroy'], NO_DOCKER), 'legacy-gateway-destroy-no-docker')
    same(
      os(sim, ['gateway', 'add', 'https://127.0.0.1:1', '--name', 'g', '--local'], NO_DOCKER),
      'gateway-add-local-no-docker',
    )
    // without DOCKER_HOST: the default socket, and help naming it (seen on the real 0.0.26 too)
    const start = os(sim, ['gateway', 'start'], {DOCKER_HOST: ''})
    expect(plain(start.stderr)).to.contain(
      "Socket not found: /var/run/docker.sock\n  help: DOCKER_HOST is set to '' but",
    )
    const env = {...sim.env}
    delete env.DOCKER_HOST
    const r = spawnSync('openshell', ['gateway', 'start'], {encoding: 'utf8', env})
    expect(plain(r.stderr)).to.contain(
      '  help: No Docker socket found at /var/run/docker.sock and DOCKER_HOST is not\n        set.\n',
    )
    expect(sim.state().servers).to.deep.equal({}) // nothing started
  })

  it('gateway add --local reads the TLS secrets from the gateway container; existing name; no container', async () => {
    const empty = await make({gateway: null})
    same(
      os(empty, ['gateway', 'add', 'https://127.0.0.1:8080', '--name', 'g', '--local']),
      'gateway-add-local-no-container',
    )
    // a gateway container publishing 8080 whose registration is gone
    const sim = await make({gateway: 'g'})
    fs.rmSync(path.join(sim.home, '.config/openshell'), {force: true, recursive: true})
    same(os(sim, ['gateway', 'add', 'https://127.0.0.1:8080', '--name', 'g', '--local']), 'gateway-add-local')
    const gw = path.join(sim.home, '.config/openshell/gateways/g')
    expect(fs.readFileSync(path.join(gw, 'metadata.json'), 'utf8')).to.equal(
      '{\n  "name": "g",\n  "gateway_endpoint": "https://127.0.0.1:8080",\n  "is_remote": false,\n  "gateway_port": 0,\n  "auth_mode": "mtls"\n}',
    )
    expect(fs.statSync(path.join(gw, 'mtls/tls.key')).mode & 0o777).to.equal(0o600)
    expect(fs.readFileSync(path.join(sim.home, '.config/openshell/active_gateway'), 'utf8')).to.equal('g')
    same(os(sim, ['gateway', 'add', 'https://127.0.0.1:8080', '--name', 'g', '--local']), 'gateway-add-local-again')
    expect(os(sim, ['sandbox', 'list']).code).to.equal(0) // the extracted CA is the gateway's
  })

  it('gateway add of an https endpoint without --local: a cloud gateway waiting for the browser login', async () => {
    const sim = await make({gateway: null})
    const r = spawnSync('openshell', ['gateway', 'add', 'https://127.0.0.1:1', '--name', 'g'], {
      encoding: 'utf8',
      env: {...sim.env, OPENSHELL_NO_BROWSER: '1'},
      killSignal: 'SIGKILL',
      timeout: 3000,
    })
    same({code: r.status, stderr: r.stderr, stdout: r.stdout}, 'gateway-add-https-no-flag')
    expect(
      JSON.parse(fs.readFileSync(path.join(sim.home, '.config/openshell/gateways/g/metadata.json'), 'utf8')),
    ).to.include({auth_mode: 'cloudflare_jwt', is_remote: true})
  })

  it('gateway down: status prints its header then the connect error; gateway info is local metadata; select', async () => {
    const sim = await make({gateway: 'g'})
    sim.control('gateway', 'stop')
    same(os(sim, ['status']), 'refused-status')
    same(os(sim, ['status', '-o', 'json']), 'refused-status-json')
    same(os(sim, ['gateway', 'info']), 'refused-gateway-info')
    same(os(sim, ['gateway', 'info', '-o', 'json']), 'refused-gateway-info-json')
    same(os(sim, ['gateway', 'list']), 'refused-gateway-list')
    same(os(sim, ['gateway', 'list', '-o', 'json']), 'refused-gateway-list-json')
    same(os(sim, ['sandbox', 'list']), 'refused-sandbox-list')
    same(os(sim, ['sandbox', 'list', '-o', 'json']), 'refused-sandbox-list-json')
    same(os(sim, ['sandbox', 'get', 'x']), 'refused-sandbox-get')
    same(os(sim, ['sandbox', 'delete', 'x']), 'refused-sandbox-delete')
    same(os(sim, ['inference', 'get']), 'refused-inference-get')
    same(os(sim, ['gateway', 'select', 'g']), 'gateway-select-known')
    same(os(sim, ['gateway', 'select', 'g'], {OPENSHELL_GATEWAY: 'other'}), 'gateway-select-known-env-override')
    same(os(sim, ['status'], {OPENSHELL_GATEWAY: 'other'}), 'env-gateway-other-status')
    same(os(sim, ['sandbox', 'list'], {OPENSHELL_GATEWAY: 'other'}), 'env-gateway-other-sandbox-list')
    // mtls/ca.crt deleted: the path in the report is the HOME's, so compare it unwrapped and with HOME replaced
    fs.rmSync(path.join(sim.home, '.config/openshell/gateways/g/mtls/ca.crt'))
    const home: Norm = (s) =>
      unwrap(s)
        .replaceAll(sim.home, '<HOME>')
        .replaceAll(/<TMP>\/home\d+-XXXXXX/g, '<HOME>')
    same(os(sim, ['sandbox', 'list']), 'missing-ca-sandbox-list', home)
    same(os(sim, ['status']), 'missing-ca-status', home)
    // the same report under a HOME shaped like the capture's, compared as printed: miette wraps the path the same way
    let tmp = ''
    let h = ''
    do {
      fs.rmSync(tmp || '/nonexistent', {force: true, recursive: true})
      tmp = fs.mkdtempSync('/tmp/openshell-conf-0.0.26-')
      h = fs.mkdtempSync(path.join(tmp, 'home2-'))
    } while (!/-[A-Za-z]{2}[^/]*\/home2-[A-Za-z]/.test(h)) // a digit after `-` is no break opportunity
    try {
      fs.cpSync(path.join(sim.home, '.config'), path.join(h, '.config'), {recursive: true})
      const captured: Norm = (s) =>
        s
          .replaceAll(/\/tmp\/openshell-conf-[^\s'"/]+/g, '<TMP>')
          .replaceAll(/(home\d+-)(\n {2}│ )?[A-Za-z0-9]{6}/g, '$1$2XXXXXX')
      same(
        os(sim, ['sandbox', 'list'], {HOME: h, XDG_CONFIG_HOME: path.join(h, '.config')}),
        'missing-ca-sandbox-list',
        captured,
      )
      same(os(sim, ['status'], {HOME: h, XDG_CONFIG_HOME: path.join(h, '.config')}), 'missing-ca-status', captured)
    } finally {
      fs.rmSync(tmp, {force: true, recursive: true})
    }
  })

  for (const [tag, how] of [
    ['same-dn', []],
    ['other-dn', ['--other-dn']],
  ] as const) {
    it(`trust: the gateway's CA rotated (${tag}) → ${tag === 'same-dn' ? 'BadSignature' : 'UnknownIssuer'}`, async () => {
      const sim = await make({gateway: 'g'})
      sim.control('gateway', 'rotate-ca', ...how)
      same(os(sim, ['status']), `trust-${tag}-status`)
      same(os(sim, ['status', '-o', 'json']), `trust-${tag}-status-json`)
      same(os(sim, ['sandbox', 'list']), `trust-${tag}-sandbox-list`)
      same(os(sim, ['gateway', 'info']), `trust-${tag}-gateway-info`)
      same(os(sim, ['inference', 'get']), `trust-${tag}-inference-get`)
    })
  }
  it('sandbox list: the table (NAMESPACE column) stops at 100 rows silently, as the real 0.0.26 does; --limit/--offset page', async () => {
    const sim = await make({profile: 'legacy', version: '0.0.26'})
    sim.control('sandbox', 'add', 'bulk', '--count', '155')
    const cut = os(sim, ['sandbox', 'list'])
    const rows = plain(cut.stdout).trim().split('\n')
    expect([cut.code, cut.stderr, rows.length, rows[0].split(/\s+/)]).to.deep.equal([
      0,
      '',
      101,
      ['NAME', 'NAMESPACE', 'CREATED', 'PHASE'],
    ])
    // the real binary: 155 sandboxes on the stub, 101 lines, nothing on stderr
    const real = JSON.parse(fs.readFileSync(path.join(FIX, 'stub-sandbox-list-155.json'), 'utf8'))
    expect([real.exitCode, real.stderr, plain(real.stdout).trim().split('\n').length]).to.deep.equal([0, '', 101])
    const all = os(sim, ['sandbox', 'list', '--limit', '1000', '--offset', '0'])
    expect(plain(all.stdout).trim().split('\n')).to.have.length(156)
    const tail = os(sim, ['sandbox', 'list', '--limit', '1000', '--offset', '150'])
    expect(
      plain(tail.stdout)
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(/\s+/)[0]),
    ).to.deep.equal(['bulk-151', 'bulk-152', 'bulk-153', 'bulk-154', 'bulk-155'])
  })
})
