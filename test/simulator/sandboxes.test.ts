import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'
import {createSim, type Sim} from '../support/sim.js'
import {joinWrapped, os} from './run.js'

const STAMP = /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/

describe('simulator: sandboxes', () => {
  const sims: Sim[] = []
  const make = async (o: Parameters<typeof createSim>[0]) => {
    const s = await createSim(o)
    sims.push(s)
    return s
  }
  after(() => sims.forEach((s) => s.cleanup()))

  it('legacy table with NAMESPACE; NotFound in the old tonic style', async () => {
    const sim = await make({profile: 'legacy'})
    expect(os(sim, ['sandbox', 'list']).stdout).to.equal('No sandboxes found.\n')
    sim.control('sandbox', 'add', 'alpha')
    sim.control('sandbox', 'add', 'b', '--phase', 'Error')
    const lines = os(sim, ['sandbox', 'list']).stdout.split('\n')
    expect(lines[0]).to.equal('\x1b[1mNAME   NAMESPACE  CREATED              PHASE\x1b[0m')
    expect(lines[1]).to.match(new RegExp(`^alpha  openshell  ${STAMP.source}  Ready$`))
    expect(lines[2]).to.match(new RegExp(`^b      openshell  ${STAMP.source}  Error$`))
    const nf = os(sim, ['sandbox', 'get', 'ghost'])
    expect(nf.code).to.equal(1)
    expect(nf.stderr.split('\n')[0]).to.equal(
      'Error:   × status: NotFound, message: "sandbox not found", details: [], metadata:',
    )
    expect(joinWrapped(nf.stderr)).to.match(
      /^Error: {3}× status: NotFound, message: "sandbox not found", details: \[\], metadata: MetadataMap \{ headers: \{"content-type": "application\/grpc", "date": "[^"]+", "content-length": "0"\} \}\n\n$/,
    )
    const get = os(sim, ['sandbox', 'get', 'alpha']).stdout
    const dim = (s: string) => `\x1b[2m${s}\x1b[0m`
    expect(get.replace(/Id:(\S*) \S+\n/, 'Id:$1 <id>\n')).to.equal(
      `\x1b[1mSandbox:\x1b[0m\n\n  ${dim('Id:')} <id>\n  ${dim('Name:')} alpha\n  ${dim('Namespace:')} openshell\n  ${dim('Phase:')} Ready\n`,
    )
    const del = os(sim, ['sandbox', 'delete', 'ghost'])
    expect(del.code).to.equal(1)
    expect(os(sim, ['sandbox', 'delete', 'alpha']).stdout).to.equal('\x1b[32m✓\x1b[0m Deleted sandbox alpha\n')
  })

  it('modern table, envelope JSON and paging over 150 sandboxes', async () => {
    const sim = await make({profile: 'modern'})
    sim.control('sandbox', 'add', 'box', '--count', '150')
    const text = os(sim, ['sandbox', 'list'])
    const rows = text.stdout.trimEnd().split('\n')
    expect(rows[0]).to.equal('NAME     CREATED              PHASE')
    expect(rows[1]).to.match(new RegExp(`^box-1    ${STAMP.source}  Ready$`))
    expect(rows).to.have.length(101)
    const token = /^Next page token: (\S+)\n$/.exec(text.stderr)![1]
    const page2 = JSON.parse(os(sim, ['sandbox', 'list', '-o', 'json', '--page-token', token]).stdout)
    expect(Object.keys(page2)).to.deep.equal(['next_page_token', 'sandboxes'])
    expect(page2.next_page_token).to.equal('')
    expect(page2.sandboxes).to.have.length(50)
    expect(page2.sandboxes[0].name).to.equal('box-101')
    expect(Object.keys(page2.sandboxes[0])).to.deep.equal([
      'annotations',
      'created_at',
      'current_policy_version',
      'id',
      'labels',
      'name',
      'phase',
      'resource_version',
      'workspace',
    ])
    const small = os(sim, ['sandbox', 'list', '-o', 'json', '--page-size', '10'])
    expect(JSON.parse(small.stdout).sandboxes).to.have.length(10)
    expect(small.stdout).to.match(
      /^\{\n {2}"next_page_token": "\S+",\n {2}"sandboxes": \[\n {4}\{\n {6}"annotations": \{\},/,
    )
    // collect everything by paging
    const names: string[] = []
    let tok = ''
    do {
      const page = JSON.parse(
        os(sim, ['sandbox', 'list', '-o', 'json', '--page-size', '64', ...(tok ? ['--page-token', tok] : [])]).stdout,
      )
      names.push(...page.sandboxes.map((s: any) => s.name))
      tok = page.next_page_token
    } while (tok)
    expect(new Set(names).size).to.equal(150)
  })

  it('create: non-TTY output, exists, name too long, -o json; get/delete/connect', async () => {
    const sim = await make({profile: 'modern'})
    const c = os(sim, ['sandbox', 'create', '--name', 'dev', '--from', 'openclaw'])
    expect([c.code, c.stdout]).to.deep.equal([0, 'Created sandbox: dev\n  [0.0s] Requesting compute...\n'])
    const exists = os(sim, ['sandbox', 'create', '--name', 'dev'])
    expect([exists.code, exists.stderr]).to.deep.equal([
      1,
      'Error:   × sandbox already exists\n  ╰─▶ hint: delete it first with: openshell sandbox delete dev\n\n',
    ])
    const long = os(sim, ['sandbox', 'create', '--name', 'a-very-long-sandbox-name'])
    expect(long.code).to.equal(1)
    expect(joinWrapped(long.stderr)).to.equal(
      `Error:   × code: 'Client specified an invalid argument', message: "name exceeds maximum length (24 > 19)"\n\n`,
    )
    const j = os(sim, ['sandbox', 'create', '--name', 'js', '-o', 'json'])
    expect(j.stderr).to.equal('Provisioning sandbox (structured output on stdout)...\n')
    expect(JSON.parse(j.stdout)).to.include({name: 'js', phase: 'Ready', workspace: 'default'})
    expect(JSON.parse(os(sim, ['sandbox', 'get', 'dev', '-o', 'json']).stdout)).to.include({
      name: 'dev',
      policy: null,
      revision: null,
    })
    expect(os(sim, ['sandbox', 'get', 'dev']).stdout).to.match(
      /^Sandbox:\n\n {2}Id: \S+\n {2}Name: dev\n {2}Phase: Ready\n {2}Resource version: 1\n {2}Policy source: sandbox\n$/,
    )
    const nf = os(sim, ['sandbox', 'get', 'ghost'])
    expect([nf.code, nf.stderr]).to.deep.equal([
      1,
      `Error:   × code: 'Some requested entity was not found', message: "sandbox not found"\n\n`,
    ])
    expect(os(sim, ['sandbox', 'connect', 'dev']).stdout).to.equal('Connected to dev (simulated)\n')
    sim.control('sandbox', 'phase', 'dev', 'Provisioning')
    expect(joinWrapped(os(sim, ['sandbox', 'connect', 'dev']).stderr)).to.contain('message: "sandbox is not ready"')
    expect(os(sim, ['sandbox', 'delete', 'dev', 'ghost']).stdout).to.equal(
      '✓ Deleted sandbox dev\n✓ Sandbox ghost already deleted\n',
    )
    sim.control('sandbox', 'remove', 'js')
    expect(os(sim, ['sandbox', 'list']).stdout).to.equal('No sandboxes found.\n')
  })

  it('providers, inference, policy, logs, forwards, start/stop', async () => {
    const sim = await make({profile: 'modern'})
    sim.control('sandbox', 'add', 'dev')
    expect(os(sim, ['inference', 'get']).stdout).to.equal(
      'Inference:\n\n  Not configured\n\nSystem inference:\n\n  Not configured\n',
    )
    expect(
      os(sim, ['provider', 'create', '--name', 'nv', '--type', 'nvidia', '--credential', 'NVIDIA_API_KEY'], {
        NVIDIA_API_KEY: 'x',
      }).code,
    ).to.equal(0)
    expect(os(sim, ['provider', 'list']).stdout).to.equal('NAME  TYPE    CREDENTIALS\nnv    nvidia  NVIDIA_API_KEY\n')
    expect(os(sim, ['inference', 'set', '--provider', 'nv', '--model', 'm1']).code).to.equal(0)
    expect(os(sim, ['inference', 'get']).stdout).to.equal(
      'Inference:\n\n  Workspace: default\n  Provider: nv\n  Model: m1\n  Version: 1\n\nSystem inference:\n\n  Not configured\n',
    )
    const pol = path.join(sim.dir, 'p.yaml')
    fs.writeFileSync(pol, 'version: 1\nnetwork: {}\n')
    const ps = os(sim, ['policy', 'set', 'dev', '--policy', pol, '--wait'])
    expect([ps.code, ps.stderr]).to.deep.equal([
      0,
      "✓ Policy version 1 submitted for sandbox 'dev'\n✓ Policy version 1 loaded\n",
    ])
    expect(os(sim, ['policy', 'get', 'dev']).stdout).to.contain('  Version: 1\n')
    expect(os(sim, ['logs', 'dev', '-n', '3']).stdout.trimEnd().split('\n')).to.have.length(3)
    expect(os(sim, ['forward', 'start', '18789', 'dev', '-d']).stderr).to.equal(
      '✓ Forwarding port 18789 to sandbox dev in the background\n',
    )
    expect(os(sim, ['forward', 'list']).stdout).to.match(
      /^SANDBOX {2}BIND {7}PORT {3}PID {4}STATUS\ndev {6}127\.0\.0\.1 {2}18789 {2}\d+ {2}running\n$/,
    )
    expect(os(sim, ['forward', 'stop', '18789']).code).to.equal(0)
    expect(os(sim, ['sandbox', 'stop', 'dev']).code).to.equal(0)
    expect(os(sim, ['sandbox', 'get', 'dev']).stdout).to.contain('  Phase: Stopped\n')
    expect(os(sim, ['sandbox', 'start', 'dev']).code).to.equal(0)
    expect(os(sim, ['sandbox', 'get', 'dev']).stdout).to.contain('  Phase: Ready\n')
  })
})
