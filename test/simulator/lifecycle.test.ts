import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'
import {createSim, type Sim} from '../support/sim.js'
import {joinWrapped, os, sysctl} from './run.js'

// every miette report of the real CLI ends with a blank line
const REFUSED_GRPC =
  'Error:   × transport error\n  ├─▶ tcp connect error\n  ├─▶ tcp connect error\n  ╰─▶ Connection refused (os error 111)\n\n'
const REFUSED_STATUS =
  'Error:   × client error (Connect)\n  ├─▶ tcp connect error\n  ╰─▶ Connection refused (os error 111)\n\n'

describe('simulator: gateway lifecycle', () => {
  const sims: Sim[] = []
  const make = async (o: Parameters<typeof createSim>[0]) => {
    const s = await createSim(o)
    sims.push(s)
    return s
  }
  after(() => sims.forEach((s) => s.cleanup()))

  it('stopped modern gateway: refusal texts, exit 1, empty stdout even with -o json', async () => {
    const sim = await make({profile: 'modern'})
    sim.control('gateway', 'stop')
    const s = os(sim, ['status', '-o', 'json'])
    expect([s.code, s.stdout, s.stderr]).to.deep.equal([1, '', REFUSED_STATUS])
    const l = os(sim, ['sandbox', 'list'])
    expect([l.code, l.stdout, l.stderr]).to.deep.equal([1, '', REFUSED_GRPC])
    sim.control('gateway', 'start')
    expect(os(sim, ['status']).code).to.equal(0)
  })

  it('stopped legacy gateway: status prints the header on stdout first', async () => {
    const sim = await make({profile: 'legacy'})
    sim.control('gateway', 'stop')
    const s = os(sim, ['status'])
    expect(s.code).to.equal(1)
    expect(s.stdout).to.equal(
      '\x1b[1mServer Status\x1b[0m\n\n  \x1b[2mGateway:\x1b[0m nemoclaw\n  \x1b[2mServer:\x1b[0m https://127.0.0.1:8080\n',
    )
    // real 0.0.26: the header, then the connect error (not tonic's transport error)
    expect(s.stderr).to.equal(
      'Error:   × client error (Connect)\n  ├─▶ tcp connect error\n  ╰─▶ Connection refused (os error 111)\n\n',
    )
  })

  it('restart: refusing during the delay, then Provisioning, then Ready', async () => {
    const sim = await make({profile: 'modern'})
    sim.control('sandbox', 'add', 'box')
    // Down 60 s, then Provisioning for 180 s, stepped through on the simulator's clock (no waiting, and a slow
    // machine cannot cross a boundary by accident).
    sim.control('gateway', 'restart', '--delay-ms', '60000', '--provisioning-ms', '180000')
    expect(os(sim, ['status']).code).to.equal(1)
    sim.control('clock', 'advance', '70000') // past the down time, inside the provisioning window
    expect(os(sim, ['status']).code).to.equal(0)
    expect(os(sim, ['sandbox', 'get', 'box']).stdout).to.contain('  Phase: Provisioning\n')
    const c = os(sim, ['sandbox', 'connect', 'box'])
    expect(c.code).to.equal(1)
    expect(joinWrapped(c.stderr)).to.equal(
      `Error:   × code: 'The service is currently unavailable', message: "supervisor session not connected"\n\n`,
    )
    sim.control('clock', 'advance', '180000') // past the provisioning window
    expect(os(sim, ['sandbox', 'get', 'box']).stdout).to.contain('  Phase: Ready\n')
    expect(os(sim, ['sandbox', 'connect', 'box']).stdout).to.equal('Connected to box (simulated)\n')
  })

  it('rebuild (modern): trust rotated, sandboxes gone; remove + add --local repairs trust', async () => {
    const sim = await make({profile: 'modern'})
    sim.control('sandbox', 'add', 'box')
    sim.control('gateway', 'rebuild')
    const l = os(sim, ['sandbox', 'list'])
    expect(l.code).to.equal(1)
    expect(l.stderr).to.equal(
      'Error:   × transport error\n  ├─▶ invalid peer certificate: BadSignature\n  ╰─▶ invalid peer certificate: BadSignature\n\n',
    )
    const s = os(sim, ['status', '-o', 'json'])
    expect([s.code, s.stdout, s.stderr]).to.deep.equal([
      1,
      '',
      'Error:   × client error (Connect)\n  ╰─▶ invalid peer certificate: BadSignature\n\n',
    ])
    const dup = os(sim, ['gateway', 'add', 'https://127.0.0.1:17670', '--local', '--name', 'nemoclaw'])
    expect([dup.code, dup.stderr.split('\n')[0]]).to.deep.equal([1, "Error:   × Gateway 'nemoclaw' already exists."])
    expect(os(sim, ['gateway', 'remove', 'nemoclaw']).stderr).to.equal("✓ Gateway 'nemoclaw' removed\n")
    const add = os(sim, ['gateway', 'add', 'https://127.0.0.1:17670', '--local', '--name', 'nemoclaw'])
    expect([add.code, add.stderr]).to.deep.equal([0, "✓ Gateway 'nemoclaw' added and set as active\n"])
    const key = path.join(sim.home, '.config/openshell/gateways/nemoclaw/mtls/tls.key')
    expect(fs.statSync(key).mode & 0o777).to.equal(0o600)
    expect(os(sim, ['sandbox', 'list']).stdout).to.equal('No sandboxes found.\n')
  })

  it('rebuild (legacy): BadSignature (real 0.0.26); gateway start --name re-syncs certificates', async () => {
    const sim = await make({profile: 'legacy'})
    sim.control('sandbox', 'add', 'box')
    sim.control('gateway', 'rebuild')
    const l = os(sim, ['sandbox', 'list'])
    expect(l.code).to.equal(1)
    expect(l.stderr).to.contain('invalid peer certificate: BadSignature')
    const st = os(sim, ['gateway', 'start', '--name', 'nemoclaw'])
    expect(st.code).to.equal(0)
    expect(st.stderr).to.equal("Gateway 'nemoclaw' already exists, reusing.\n")
    expect(st.stdout).to.equal(
      '\x1b[32m✓\x1b[0m Gateway ready\n\n  \x1b[2mName:\x1b[0m nemoclaw\n  \x1b[2mEndpoint:\x1b[0m https://127.0.0.1:8080\n',
    )
    expect(os(sim, ['sandbox', 'list']).stdout).to.equal('No sandboxes found.\n')
  })

  it('rotate-ca (modern): trust rotated, sandboxes kept; remove + add --local repairs trust', async () => {
    const sim = await make({profile: 'modern'})
    sim.control('sandbox', 'add', 'box')
    const before = sim.state()
    const caBefore = (Object.values(before.servers)[0] as any).caId
    expect(sim.control('gateway', 'rotate-ca')).to.match(
      /^gateway 'nemoclaw' rotated to CA ca-[0-9a-f]+ \(1 sandbox\(es\) kept\)\n$/,
    )
    const after = sim.state()
    const server = Object.values(after.servers)[0] as any
    expect(server.caId).to.not.equal(caBefore)
    expect(after.localTlsCaId).to.equal(server.caId)
    const l = os(sim, ['sandbox', 'list'])
    expect([l.code, l.stderr]).to.deep.equal([
      1,
      'Error:   × transport error\n  ├─▶ invalid peer certificate: BadSignature\n  ╰─▶ invalid peer certificate: BadSignature\n\n',
    ])
    expect(os(sim, ['gateway', 'remove', 'nemoclaw']).code).to.equal(0)
    expect(os(sim, ['gateway', 'add', 'https://127.0.0.1:17670', '--local', '--name', 'nemoclaw']).code).to.equal(0)
    const again = os(sim, ['sandbox', 'list'])
    expect(again.code).to.equal(0)
    expect(again.stdout).to.match(/\nbox +\S+ \S+ +Ready\n/)
  })

  it('rotate-ca (legacy): BadSignature with sandboxes kept; gateway start re-syncs certificates', async () => {
    const sim = await make({profile: 'legacy'})
    sim.control('sandbox', 'add', 'box')
    sim.control('gateway', 'rotate-ca')
    const l = os(sim, ['sandbox', 'list'])
    expect(l.code).to.equal(1)
    expect(l.stderr).to.contain('invalid peer certificate: BadSignature')
    expect(os(sim, ['gateway', 'start', '--name', 'nemoclaw']).code).to.equal(0)
    const again = os(sim, ['sandbox', 'list'])
    expect(again.code).to.equal(0)
    expect(again.stdout).to.match(/\nbox +/)
  })

  it('legacy gateway start --recreate wipes sandboxes; stop/destroy', async () => {
    const sim = await make({profile: 'legacy'})
    sim.control('sandbox', 'add', 'box')
    expect(os(sim, ['gateway', 'start', '--name', 'nemoclaw', '--recreate']).code).to.equal(0)
    expect(os(sim, ['sandbox', 'list']).stdout).to.equal('No sandboxes found.\n')
    expect(os(sim, ['gateway', 'stop']).code).to.equal(0)
    expect(os(sim, ['sandbox', 'list']).code).to.equal(1)
    expect(os(sim, ['gateway', 'destroy']).code).to.equal(0)
    expect(os(sim, ['status']).stdout).to.contain('No gateway configured.')
  })

  it('refuse on: the gateway keeps refusing after a start (control and systemctl)', async () => {
    const sim = await make({profile: 'modern'})
    sim.control('gateway', 'refuse', 'on')
    sim.control('gateway', 'stop')
    sim.control('gateway', 'start')
    expect(os(sim, ['status']).stderr).to.equal(REFUSED_STATUS)
    expect(sysctl(sim, ['--user', 'restart', 'openshell-gateway']).code).to.equal(0)
    expect(sysctl(sim, ['--user', 'is-active', 'openshell-gateway.service']).stdout).to.equal('active\n')
    expect(os(sim, ['sandbox', 'list']).stderr).to.equal(REFUSED_GRPC)
    sim.control('gateway', 'refuse', 'off')
    expect(os(sim, ['sandbox', 'list']).code).to.equal(0)
  })

  it('systemctl --user stop/start drives the modern service; missing unit file', async () => {
    const sim = await make({profile: 'modern'})
    expect(fs.existsSync(path.join(sim.home, '.config/systemd/user/openshell-gateway.service'))).to.equal(true)
    expect(sysctl(sim, ['--user', 'stop', 'openshell-gateway']).code).to.equal(0)
    const ia = sysctl(sim, ['--user', 'is-active', 'openshell-gateway'])
    expect([ia.code, ia.stdout]).to.deep.equal([3, 'inactive\n'])
    expect(os(sim, ['status']).code).to.equal(1)
    expect(sysctl(sim, ['--user', 'start', 'openshell-gateway.service']).code).to.equal(0)
    expect(os(sim, ['status']).code).to.equal(0)
    expect(sim.argvLog('systemctl').map((e) => e.argv[1])).to.deep.equal(['stop', 'is-active', 'start'])
    const nounit = await make({profile: 'modern', serviceUnit: false})
    const r = sysctl(nounit, ['--user', 'start', 'openshell-gateway'])
    expect([r.code, r.stderr]).to.deep.equal([
      5,
      'Failed to start openshell-gateway.service: Unit openshell-gateway.service not found.\n',
    ])
  })

  it('other gateway active; OPENSHELL_GATEWAY and -g override the selection', async () => {
    const sim = await make({profile: 'modern'})
    sim.control('sandbox', 'add', 'mine')
    sim.control('gateway', 'add-other', 'openshell', '--activate')
    const other = os(sim, ['sandbox', 'get', 'mine'])
    expect(other.stderr).to.equal(
      `Error:   × code: 'Some requested entity was not found', message: "sandbox not found"\n\n`,
    )
    expect(os(sim, ['status']).stdout).to.contain('  Gateway: openshell\n  Server: https://127.0.0.1:17671\n')
    expect(os(sim, ['sandbox', 'get', 'mine'], {OPENSHELL_GATEWAY: 'nemoclaw'}).code).to.equal(0)
    expect(os(sim, ['-g', 'nemoclaw', 'sandbox', 'get', 'mine']).code).to.equal(0)
    expect(os(sim, ['sandbox', 'get', 'mine', '--gateway-endpoint', 'https://127.0.0.1:17670']).code).to.equal(0)
    expect(os(sim, ['status'], {OPENSHELL_GATEWAY: 'ghost'}).stdout).to.contain('No gateway configured.')
    expect(os(sim, ['sandbox', 'list'], {OPENSHELL_GATEWAY: 'ghost'}).stderr).to.equal(
      "Error:   × Unknown gateway 'ghost'.\n\n",
    )
  })

  it('missing client certificates and auth required', async () => {
    const sim = await make({profile: 'modern'})
    const mtls = path.join(sim.home, '.config/openshell/gateways/nemoclaw/mtls')
    fs.rmSync(path.join(mtls, 'ca.crt'))
    const noWs = (t: string) => t.replace(/\n {2}│ /g, '').replace(/\s+/g, '')
    const ca = os(sim, ['sandbox', 'list']).stderr
    // a long path is split after a `-` or `/` that fits, like miette's textwrap (real: `…/home2-` / `  │ XXXXXX/.config/…`)
    expect(ca).to.match(/^Error: {3}× failed to read TLS CA from \S+[-/]\n {2}│ \S+\n/)
    expect(Math.max(...ca.split('\n').map((l) => l.replace(/^Error: /, '').length))).to.be.at.most(78)
    expect(noWs(ca)).to.equal(
      noWs(`Error:   × failed to read TLS CA from ${mtls}/ca.crt ╰─▶ No such file or directory (os error 2)`),
    )
    fs.rmSync(mtls, {recursive: true})
    expect(noWs(os(sim, ['sandbox', 'list']).stderr)).to.equal(
      noWs(`Error:   × TLS CA is required for https endpoints or place certs in ${mtls}`),
    )
    const auth = await make({profile: 'modern'})
    auth.control('gateway', 'auth', 'on')
    expect(os(auth, ['sandbox', 'list']).stderr).to.equal(
      'Error:   × edge credentials are missing; run `openshell gateway login nemoclaw`\n\n',
    )
    expect(JSON.parse(os(auth, ['status', '-o', 'json']).stdout).authentication.status).to.equal('failed')
  })
})
