// The 0.1.x-wire stub cannot be exercised by a real 0.1.x CLI (PyPI ships none; see docs/CONFORMANCE.md), so
// this drives it with a grpc-js mTLS client over the same (drift-checked) protos: paging, NotFound, delete outcomes.
import * as grpc from '@grpc/grpc-js'
import * as protoLoader from '@grpc/proto-loader'
import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {startStubGateway, type StubGateway} from '../support/stub-gateway/index.js'

const protoDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'support', 'stub-gateway', 'proto', 'v0_1')

describe('conformance: stub gateway, 0.1.x wire (grpc-js client)', function () {
  this.timeout(30_000)
  let gw: StubGateway
  let client: any
  const call = (m: string, req: object) =>
    new Promise<any>((resolve, reject) =>
      client[m](req, (err: grpc.ServiceError | null, res: unknown) => (err ? reject(err) : resolve(res))),
    )

  const connect = () => {
    const def = protoLoader.loadSync(['openshell.proto'], {
      includeDirs: [protoDir],
      keepCase: true,
      longs: String,
      enums: String,
      defaults: true,
    })
    const Svc = (grpc.loadPackageDefinition(def) as any).openshell.v1.OpenShell
    const r = (f: string) => readFileSync(join(gw.certDir, f))
    client?.close()
    client = new Svc(`127.0.0.1:${gw.port}`, grpc.credentials.createSsl(r('ca.crt'), r('client.key'), r('client.crt')))
  }

  before(async () => {
    gw = await startStubGateway({wire: '0.1'})
    connect()
  })
  after(async () => {
    client?.close()
    await gw?.stop({cleanup: true})
  })

  it('Health reports the configured version', async () => {
    expect(await call('Health', {})).to.deep.include({status: 'SERVICE_STATUS_HEALTHY', version: '0.1.5'})
  })

  it('ListSandboxes pages with page_size default 100 and next_page_token', async () => {
    for (let i = 0; i < 150; i++) gw.addSandbox(`s-${i}`, i % 2 ? 'Ready' : 'Completed')
    const p1 = await call('ListSandboxes', {workspace_scope: {workspace: 'default'}})
    expect(p1.sandboxes).to.have.length(100)
    expect(p1.next_page_token).to.not.equal('')
    expect(p1.sandboxes[0].metadata.created_time.seconds).to.be.a('string')
    const p2 = await call('ListSandboxes', {page_token: p1.next_page_token})
    expect(p2.sandboxes).to.have.length(50)
    expect(p2.next_page_token).to.equal('')
    expect(p2.sandboxes[49].status.phase).to.equal('SANDBOX_PHASE_READY')
    const small = await call('ListSandboxes', {page_size: 7})
    expect(small.sandboxes).to.have.length(7)
  })

  it('GetSandbox NOT_FOUND "sandbox not found"; DeleteSandbox outcomes', async () => {
    const err = await call('GetSandbox', {name: 'nope'}).catch((e: grpc.ServiceError) => e)
    expect(err.code).to.equal(grpc.status.NOT_FOUND)
    expect(err.details).to.equal('sandbox not found')
    expect((await call('DeleteSandbox', {name: 's-1'})).outcome).to.equal('DELETION_OUTCOME_COMPLETED')
    expect((await call('DeleteSandbox', {name: 's-1', allow_missing: true})).outcome).to.equal(
      'DELETION_OUTCOME_ALREADY_ABSENT',
    )
    const e2 = await call('DeleteSandbox', {name: 's-1'}).catch((e: grpc.ServiceError) => e)
    expect(e2.code).to.equal(grpc.status.NOT_FOUND)
  })

  it('GetSandboxConfig by name returns a policy', async () => {
    const r = await call('GetSandboxConfig', {name: 's-0', workspace_scope: {workspace: 'default'}})
    expect(r.policy.filesystem.read_write).to.include('/sandbox')
    expect(r.policy_source).to.equal('POLICY_SOURCE_SANDBOX')
  })

  it('restart({newCa}) rotates the CA (same DN), keeps the port, rewrites the local TLS bundle', async () => {
    const oldCa = readFileSync(join(gw.certDir, 'ca.crt'), 'utf8')
    const port = gw.port
    await gw.restart({newCa: true})
    const newCa = readFileSync(join(gw.localTlsDir, 'ca.crt'), 'utf8')
    expect(gw.port).to.equal(port)
    expect(newCa).to.not.equal(oldCa)
    expect(readFileSync(join(gw.localTlsDir, 'client', 'tls.crt'), 'utf8')).to.contain('BEGIN CERTIFICATE')
    const err = await call('Health', {}).catch((e: grpc.ServiceError) => e) // old trust
    expect(err.code).to.equal(grpc.status.UNAVAILABLE)
    connect()
    expect((await call('Health', {})).version).to.equal('0.1.5')
  })
})
