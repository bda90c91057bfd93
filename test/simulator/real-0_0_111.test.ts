// The simulator's modern profile at 0.0.111 prints what the REAL openshell 0.0.111 printed in the same situation:
// each case compares with a captured real fixture (test/fixtures/openshell/0.0.111/, ANSI stripped on both sides;
// ports, names and times normalised). See docs/CONFORMANCE.md.
import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {stripAnsi as plain} from '../support/real-openshell.js'
import {createSim, type Sim} from '../support/sim.js'
import {os} from './run.js'

const FIX = fileURLToPath(new URL('../fixtures/openshell/0.0.111/', import.meta.url))
const norm = (s: string) =>
  plain(s)
    .replaceAll(/127\.0\.0\.1:\d+/g, '127.0.0.1:<PORT>')
    .replaceAll(/\[\d+\.\d+s\]/g, '[<T>s]')
function fixture(
  name: string,
  rename: Record<string, string> = {},
): {stdout: string; stderr: string; exitCode: number} {
  const f = JSON.parse(fs.readFileSync(path.join(FIX, `${name}.json`), 'utf8'))
  const sub = (s: string) => Object.entries(rename).reduce((t, [a, b]) => t.replaceAll(a, b), norm(s))
  return {exitCode: f.exitCode, stderr: sub(f.stderr), stdout: sub(f.stdout)}
}

function same(
  r: {code: number | null; stdout: string; stderr: string},
  name: string,
  rename: Record<string, string> = {},
): void {
  const f = fixture(name, rename)
  expect({code: r.code, stderr: norm(r.stderr), stdout: norm(r.stdout)}, name).to.deep.equal({
    code: f.exitCode,
    stderr: f.stderr,
    stdout: f.stdout,
  })
}

describe('simulator: modern profile at 0.0.111 matches the real 0.0.111 fixtures', () => {
  const sims: Sim[] = []
  const make = async (o: Parameters<typeof createSim>[0]) => {
    const s = await createSim(o)
    sims.push(s)
    return s
  }

  after(() => sims.forEach((s) => s.cleanup()))

  it('no gateway: No active gateway / Unknown gateway / select and info hints, status exit 0, usage errors', async () => {
    const sim = await make({gateway: null, profile: 'modern', version: '0.0.111'})
    same(os(sim, ['sandbox', 'list']), 'no-gateway-sandbox-list')
    same(os(sim, ['sandbox', 'get', 'x']), 'no-gateway-sandbox-get')
    same(os(sim, ['inference', 'get']), 'no-gateway-inference-get')
    same(os(sim, ['status']), 'no-gateway-status')
    same(os(sim, ['status', '-o', 'json']), 'no-gateway-status-json')
    same(os(sim, ['gateway', 'info']), 'no-gateway-gateway-info')
    same(os(sim, ['gateway', 'select', 'x']), 'no-gateway-gateway-select-unknown')
    same(os(sim, ['sandbox', 'list'], {OPENSHELL_GATEWAY: 'other'}), 'no-gateway-env-gateway-sandbox-list')
    same(os(sim, ['status'], {OPENSHELL_GATEWAY: 'other'}), 'no-gateway-env-gateway-status')
    same(os(sim, ['-g', 'other', 'status']), 'no-gateway-flag-gateway-status')
    same(os(sim, ['gateway', 'start']), 'usage-gateway-start')
    same(os(sim, ['sandbox', 'list', '--bogus']), 'usage-unknown-flag')
  })

  it('gateway add: --local writes the real metadata shape; existing name; no certificates; https without --local is a cloud gateway', async () => {
    const sim = await make({gateway: null, profile: 'modern', version: '0.0.111'})
    const g = {"'g'": "'g'"}
    // port 1: nothing listens there, so the ⚠ line comes first, as on the real CLI
    same(os(sim, ['gateway', 'add', 'https://127.0.0.1:1', '--name', 'g', '--local']), 'gateway-add-local', g)
    const meta = fs.readFileSync(path.join(sim.home, '.config/openshell/gateways/g/metadata.json'), 'utf8')
    expect(meta).to.equal(
      '{\n  "name": "g",\n  "gateway_endpoint": "https://127.0.0.1:1",\n  "is_remote": false,\n  "gateway_port": 0,\n  "auth_mode": "mtls"\n}',
    )
    expect(fs.statSync(path.join(sim.home, '.config/openshell/gateways/g/mtls/tls.key')).mode & 0o777).to.equal(0o600)
    same(os(sim, ['gateway', 'add', 'https://127.0.0.1:1', '--name', 'g', '--local']), 'gateway-add-local-again')
    const empty = fs.mkdtempSync(path.join(sim.dir, 'no-tls-'))
    same(
      os(sim, ['gateway', 'add', 'https://127.0.0.1:1', '--name', 'h', '--local'], {OPENSHELL_LOCAL_TLS_DIR: empty}),
      'gateway-add-local-no-certs',
      {"'g'": "'h'"},
    )
    same(
      os(sim, ['gateway', 'add', 'https://127.0.0.1:1', '--name', 'c'], {OPENSHELL_NO_BROWSER: '1'}),
      'gateway-add-https-no-flag',
      {"'g'": "'c'"},
    )
    expect(
      JSON.parse(fs.readFileSync(path.join(sim.home, '.config/openshell/gateways/c/metadata.json'), 'utf8')),
    ).to.include({auth_mode: 'cloudflare_jwt', is_remote: true})
    // without OPENSHELL_NO_BROWSER the real CLI times out the browser login, removes the registration and exits 0
    const timedOut = os(sim, ['gateway', 'add', 'https://127.0.0.1:1', '--name', 'd'])
    expect([timedOut.code, plain(timedOut.stderr).split('\n').at(-2)]).to.deep.equal([
      0,
      "! Registration for 'd' removed. Fix the issue and retry gateway add.",
    ])
    expect(fs.existsSync(path.join(sim.home, '.config/openshell/gateways/d/metadata.json'))).to.equal(false)
  })

  it('gateway select with an OPENSHELL_GATEWAY override; remove keeps mtls/; add --local after remove re-imports', async () => {
    const sim = await make({profile: 'modern', version: '0.0.111'})
    const n = {"'g'": "'nemoclaw'", 'OPENSHELL_GATEWAY=g': 'OPENSHELL_GATEWAY=nemoclaw'}
    same(
      os(sim, ['gateway', 'select', 'nemoclaw'], {OPENSHELL_GATEWAY: 'other'}),
      'gateway-select-known-env-override',
      n,
    )
    same(os(sim, ['gateway', 'select', 'nemoclaw']), 'gateway-select-known', n)
    sim.control('gateway', 'rebuild') // new CA: trust rotated
    same(os(sim, ['sandbox', 'list']), 'stub-rotated-sandbox-list')
    same(os(sim, ['status']), 'stub-rotated-status')
    same(
      os(sim, ['gateway', 'add', 'https://127.0.0.1:17670', '--name', 'nemoclaw', '--local']),
      'stub-rotated-gateway-add-local',
      {"'stub'": "'nemoclaw'", 'remove stub': 'remove nemoclaw'},
    )
    const gw = path.join(sim.home, '.config/openshell/gateways/nemoclaw')
    same(os(sim, ['gateway', 'remove', 'nemoclaw']), 'stub-rotated-gateway-remove', {"'stub'": "'nemoclaw'"})
    expect([
      fs.existsSync(path.join(gw, 'metadata.json')),
      fs.existsSync(path.join(gw, 'mtls', 'ca.crt')),
      fs.existsSync(path.join(sim.home, '.config/openshell/active_gateway')),
    ]).to.deep.equal([false, true, false])
    same(
      os(sim, ['gateway', 'add', 'https://127.0.0.1:17670', '--name', 'nemoclaw', '--local']),
      'stub-rotated-gateway-add-local-after-remove',
      {"'stub'": "'nemoclaw'"},
    )
    expect(os(sim, ['sandbox', 'list']).code).to.equal(0)
  })

  it('sandboxes: create (blank line first), exists (bare message + hint lines), get with labels and policy, missing, delete', async () => {
    const sim = await make({profile: 'modern', version: '0.0.111'})
    same(os(sim, ['sandbox', 'create', '--name', 'newbox', '--', 'true']), 'stub-sandbox-create')
    expect(os(sim, ['sandbox', 'create', '--name', 'alpha', '--label', 'team=a', '--label', 'app=x']).code).to.equal(0)
    same(os(sim, ['sandbox', 'create', '--name', 'alpha']), 'stub-sandbox-create-exists')
    const policy = path.join(sim.dir, 'policy.yaml')
    fs.writeFileSync(
      policy,
      'version: 1\nfilesystem_policy:\n  include_workdir: true\n  read_only:\n  - /usr\n  - /lib\n  read_write:\n  - /sandbox\n  - /tmp\n',
    )
    expect(os(sim, ['policy', 'set', 'alpha', '--policy', policy]).code).to.equal(0)
    const get = os(sim, ['sandbox', 'get', 'alpha'])
    get.stdout = get.stdout.replace(/Id:(\S*) \S+/, 'Id:$1 <UUID>')
    same(get, 'stub-sandbox-get')
    same(os(sim, ['sandbox', 'get', 'missing']), 'stub-sandbox-get-missing')
    same(os(sim, ['sandbox', 'delete', 'missing']), 'stub-sandbox-delete-missing')
    same(os(sim, ['sandbox', 'delete', 'newbox']), 'stub-sandbox-delete', {gamma: 'newbox'})
    same(os(sim, ['inference', 'get']), 'stub-inference-get')
  })

  it('sandbox list: --limit defaults to 100 and the rest is cut silently; --limit/--offset page; 0.1.x flags refused', async () => {
    const sim = await make({profile: 'modern', version: '0.0.111'})
    sim.control('sandbox', 'add', 'bulk', '--count', '155')
    const cut = os(sim, ['sandbox', 'list', '-o', 'json'])
    expect([cut.code, cut.stderr, JSON.parse(cut.stdout).length]).to.deep.equal([0, '', 100])
    expect(fixture('stub-sandbox-list-155-json').stderr).to.equal('') // the real CLI too: nothing on stderr
    expect(os(sim, ['sandbox', 'list']).stdout.trim().split('\n')).to.have.length(101)
    const all = JSON.parse(os(sim, ['sandbox', 'list', '-o', 'json', '--limit', '1000', '--offset', '0']).stdout)
    expect(all).to.have.length(155)
    const tail = JSON.parse(
      os(sim, ['sandbox', 'list', '-o', 'json', '--limit', '1000', '--offset', '150']).stdout,
    ).map((s: any) => s.name)
    expect(tail).to.deep.equal(['bulk-151', 'bulk-152', 'bulk-153', 'bulk-154', 'bulk-155'])
    expect(os(sim, ['sandbox', 'list', '--page-size', '10']).code).to.equal(2)
    // 0.1.2 keeps the reference's paging and has no --limit
    const m = await make({profile: 'modern'})
    expect(os(m, ['sandbox', 'list', '--limit', '10']).code).to.equal(2)
  })

  for (const [tag, how] of [
    ['same-dn', []],
    ['other-dn', ['--other-dn']],
  ] as const) {
    it(`trust: the gateway's CA rotated (${tag}) → ${tag === 'same-dn' ? 'BadSignature' : 'UnknownIssuer'}`, async () => {
      const sim = await make({profile: 'modern', version: '0.0.111'})
      sim.control('gateway', 'rotate-ca', ...how)
      same(os(sim, ['status']), `trust-${tag}-status`)
      same(os(sim, ['status', '-o', 'json']), `trust-${tag}-status-json`)
      same(os(sim, ['sandbox', 'list']), `trust-${tag}-sandbox-list`)
      same(os(sim, ['gateway', 'info']), `trust-${tag}-gateway-info`)
      same(os(sim, ['inference', 'get']), `trust-${tag}-inference-get`)
    })
  }

  it('gateway down: transport and status chains, each report followed by a blank line', async () => {
    const sim = await make({profile: 'modern', version: '0.0.111'})
    sim.control('gateway', 'stop')
    same(os(sim, ['sandbox', 'list']), 'refused-sandbox-list')
    same(os(sim, ['sandbox', 'get', 'x']), 'refused-sandbox-get')
    same(os(sim, ['status']), 'refused-status')
    same(os(sim, ['status', '-o', 'json']), 'refused-status-json')
  })
})
