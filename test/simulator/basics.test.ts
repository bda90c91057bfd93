import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'
import {spawnSync} from 'node:child_process'
import {createSim, type Sim} from '../support/sim.js'
import {os} from './run.js'

const ESC = '\x1b'
const E = '\x1b[0m'
const dim = (s: string) => `\x1b[2m${s}${E}`

describe('simulator: versions, status, gateway info', () => {
  const sims: Sim[] = []
  const make = async (o: Parameters<typeof createSim>[0]) => {
    const s = await createSim(o)
    sims.push(s)
    return s
  }
  after(() => sims.forEach((s) => s.cleanup()))

  it('prints the version per profile and honours an override', async () => {
    expect(os(await make({profile: 'legacy'}), ['--version']).stdout).to.equal('openshell 0.0.26\n')
    expect(os(await make({profile: 'modern'}), ['-V']).stdout).to.equal('openshell 0.1.2\n')
    expect(os(await make({profile: 'modern', version: '0.2.0'}), ['--version']).stdout).to.equal('openshell 0.2.0\n')
  })

  it('legacy status: ANSI even when piped, no Authentication line', async () => {
    const sim = await make({profile: 'legacy'})
    const r = os(sim, ['status'])
    expect(r.code).to.equal(0)
    expect(r.stdout).to.equal(
      `\x1b[1mServer Status${E}\n\n  ${dim('Gateway:')} nemoclaw\n  ${dim('Server:')} https://127.0.0.1:8080\n  ${dim('Status:')} \x1b[32mConnected${E}\n  ${dim('Version:')} 0.0.26\n`,
    )
    expect(os(sim, ['status', '-o', 'json']).code).to.equal(2) // no JSON before 0.0.92
  })

  it('modern status: plain text and alphabetical JSON', async () => {
    const sim = await make({profile: 'modern'})
    expect(os(sim, ['status']).stdout).to.equal(
      'Server Status\n\n  Gateway: nemoclaw\n  Server: https://127.0.0.1:17670\n  Status: Connected\n  Authentication: Authenticated (mTLS transport)\n  Version: 0.1.2\n',
    )
    const j = os(sim, ['status', '-o', 'json'])
    expect(j.stdout).to.equal(
      JSON.stringify(
        {
          authentication: {provider: 'mTLS transport', status: 'authenticated'},
          gateway: 'nemoclaw',
          server: 'https://127.0.0.1:17670',
          status: 'connected',
          version: '0.1.2',
        },
        null,
        2,
      ) + '\n',
    )
    expect(os(sim, ['status', '--color', 'always']).stdout).to.contain('\x1b[2mStatus:\x1b[0m')
  })

  it('not configured: exit 0 with the generation hint, JSON not_configured', async () => {
    const legacy = await make({profile: 'legacy', gateway: null})
    const l = os(legacy, ['status'])
    expect(l.code).to.equal(0)
    expect(l.stdout).to.equal(
      `\x1b[1mGateway Status${E}\n\n  ${dim('Status:')} No gateway configured.\n\nDeploy a gateway with: openshell gateway start\n`,
    )
    const modern = await make({profile: 'modern', gateway: null})
    const m = os(modern, ['status'])
    expect(m.code).to.equal(0)
    expect(m.stdout).to.equal(
      'Gateway Status\n\n  Status: No gateway configured.\n\nRegister a gateway with: openshell gateway add <endpoint>\n',
    )
    const j = os(modern, ['status', '-o', 'json'])
    expect(JSON.parse(j.stdout)).to.deep.equal({status: 'not_configured'})
    expect(os(modern, ['sandbox', 'list']).stderr).to.contain('No active gateway.')
  })

  it('gateway info: legacy metadata-only (even when down), modern live', async () => {
    const legacy = await make({profile: 'legacy'})
    legacy.control('gateway', 'stop')
    const l = os(legacy, ['gateway', 'info'])
    expect(l.code).to.equal(0)
    expect(l.stdout).to.equal(
      `\x1b[1mGateway Info${E}\n\n  ${dim('Gateway:')} nemoclaw\n  ${dim('Gateway endpoint:')} https://127.0.0.1:8080\n`,
    )
    const modern = await make({profile: 'modern'})
    const m = os(modern, ['gateway', 'info'])
    expect(m.stdout).to.equal(
      'Gateway Info\n\n  Gateway: nemoclaw\n  Server: https://127.0.0.1:17670\n  Status: healthy\n  Version: 0.1.2\n  Compute drivers:\n    docker\n      Driver version: 28.1.1\n',
    )
    expect(JSON.parse(os(modern, ['gateway', 'info', '-o', 'json']).stdout)).to.include({
      gateway: 'nemoclaw',
      status: 'healthy',
      auth: null,
    })
  })

  it('late 0.0.x modern (0.0.95): JSON status, bare-array list, no paging flags', async () => {
    const sim = await make({profile: 'modern', version: '0.0.95'})
    sim.control('sandbox', 'add', 'a')
    expect(JSON.parse(os(sim, ['status', '-o', 'json']).stdout).status).to.equal('connected')
    const list = JSON.parse(os(sim, ['sandbox', 'list', '-o', 'json']).stdout)
    expect(list).to.be.an('array').with.length(1)
    expect(Object.keys(list[0])).to.deep.equal([
      'id',
      'name',
      'workspace',
      'labels',
      'annotations',
      'resource_version',
      'created_at',
      'phase',
      'current_policy_version',
    ])
    expect(os(sim, ['sandbox', 'list', '--page-size', '5']).code).to.equal(2)
    expect(os(sim, ['sandbox', 'list']).stdout).to.match(
      new RegExp(
        `^${ESC}\\[1mNAME {2}CREATED {14}PHASE${ESC}\\[0m\na {5}\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d {2}Ready\n$`,
      ),
    )
  })

  it('usage errors exit 2 in clap style', async () => {
    const modern = await make({profile: 'modern'})
    const r = os(modern, ['gateway', 'start', '--name', 'x'])
    expect(r.code).to.equal(2)
    expect(r.stdout).to.equal('')
    expect(r.stderr).to.equal(
      "error: unrecognized subcommand 'start'\n\nUsage: openshell gateway <COMMAND>\n\nFor more information, try '--help'.\n",
    )
    const f = os(modern, ['sandbox', 'list', '--bogus'])
    expect(f.code).to.equal(2)
    expect(f.stderr).to.match(/^error: unexpected argument '--bogus' found\n/)
    expect(os(modern, ['frobnicate']).code).to.equal(2)
    const legacy = await make({profile: 'legacy'})
    // 0.0.26 has `gateway add` (certificates read from the gateway container) but no `gateway remove` / `list`
    expect(os(legacy, ['gateway', 'remove', 'x']).code).to.equal(2)
  })

  it('select / list / remove gateways; OPENSHELL_GATEWAY warning', async () => {
    const sim = await make({profile: 'modern'})
    sim.control('gateway', 'add-other', 'other')
    const sel = os(sim, ['gateway', 'select', 'other'])
    expect(sel.stderr).to.equal("✓ Active gateway set to 'other'\n")
    expect(fs.readFileSync(path.join(sim.home, '.config/openshell/active_gateway'), 'utf8')).to.equal('other')
    expect(os(sim, ['gateway', 'list']).stdout).to.equal(
      '  NAME      ENDPOINT                 TYPE   SOURCE  AUTH\n  nemoclaw  https://127.0.0.1:17670  local  user    mtls\n* other     https://127.0.0.1:17671  local  user    mtls\n',
    )
    const unknown = os(sim, ['gateway', 'select', 'nope'])
    expect(unknown.code).to.equal(1)
    expect(unknown.stderr).to.equal("Error:   × No gateway metadata found for 'nope'.\n\n")
    expect(os(sim, ['gateway', 'select', 'nemoclaw'], {OPENSHELL_GATEWAY: 'other'}).stderr).to.contain(
      '⚠ OPENSHELL_GATEWAY is set',
    )
    expect(os(sim, ['gateway', 'remove', 'other']).code).to.equal(0)
    expect(JSON.parse(os(sim, ['gateway', 'list', '-o', 'json']).stdout).map((g: any) => g.name)).to.deep.equal([
      'nemoclaw',
    ])
  })

  it("add-other --remote registers a remote mTLS gateway with its own CA; the local bundle stays the local service's", async () => {
    const sim = await make({profile: 'modern'})
    sim.control('gateway', 'add-other', 'lab', '--remote', 'gw.example.com')
    const meta = JSON.parse(
      fs.readFileSync(path.join(sim.home, '.config/openshell/gateways/lab/metadata.json'), 'utf8'),
    )
    expect(meta).to.include({
      auth_mode: 'mtls',
      gateway_endpoint: 'https://gw.example.com:17670',
      is_remote: true,
      remote_host: 'gw.example.com',
    })
    expect(os(sim, ['-g', 'lab', 'status']).code).to.equal(0)
    const local = fs.readFileSync(path.join(sim.home, '.local/state/openshell/tls/ca.crt'), 'utf8')
    sim.control('gateway', 'rotate-ca', '--name', 'lab')
    expect(os(sim, ['-g', 'lab', 'status']).stderr).to.contain('invalid peer certificate')
    expect(fs.readFileSync(path.join(sim.home, '.local/state/openshell/tls/ca.crt'), 'utf8')).to.equal(local)
    expect(JSON.parse(os(sim, ['gateway', 'list', '-o', 'json']).stdout).find((g: any) => g.name === 'lab')).to.include(
      {is_remote: true, type: 'remote'},
    )
  })

  it('logs every call (argv, OPENSHELL_GATEWAY, exit code) and redacts KEY=VALUE credentials', async () => {
    const sim = await make({profile: 'modern'})
    sim.clearLog()
    os(sim, ['status'], {OPENSHELL_GATEWAY: 'nemoclaw'})
    os(sim, ['sandbox', 'get', 'missing'])
    os(sim, ['provider', 'create', '--name', 'p', '--type', 'openai', '--credential', 'OPENAI_API_KEY=sk-secret-123'])
    os(sim, ['provider', 'create', '--name', 'q', '--type', 'openai', '--credential', 'OPENAI_API_KEY'], {
      OPENAI_API_KEY: 'sk-env-456',
    })
    const log = sim.argvLog()
    expect(log.map((e) => [e.argv.slice(0, 2), e.gatewayEnv, e.exitCode])).to.deep.equal([
      [['status'], 'nemoclaw', 0],
      [['sandbox', 'get'], null, 1],
      [['provider', 'create'], null, 0],
      [['provider', 'create'], null, 0],
    ])
    expect(log[2].argv).to.include('OPENAI_API_KEY=***REDACTED***')
    expect(log[2].secretInArgv).to.equal(true)
    const disk = fs.readFileSync(sim.logPath, 'utf8') + fs.readFileSync(sim.statePath, 'utf8')
    expect(disk).not.to.contain('sk-secret-123')
    expect(disk).not.to.contain('sk-env-456')
    expect(sim.state().servers['https://127.0.0.1:17670'].providers.q).to.include({credentialFromArgv: false})
  })

  it('fails clearly without OPENSHELL_SIM_STATE', () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `${path.resolve('test/support/simulator')}:${process.env.PATH}`,
    }
    delete env.OPENSHELL_SIM_STATE
    const r = spawnSync('openshell', ['status'], {env, encoding: 'utf8'})
    expect(r.status).to.equal(1)
    expect(r.stderr).to.contain('OPENSHELL_SIM_STATE is not set')
  })
})
