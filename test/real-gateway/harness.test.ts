// The real-gateway harness itself: a real 0.0.111 gateway answers the real CLI, sandboxes become Ready in Docker,
// the lifecycle events do what shared/real-openshell/README.md observed, and cleanup leaves no container behind.
import {expect} from 'chai'
import fs from 'node:fs'

import {RealWorld, requireRealGateway} from '../support/real-gateway.js'

describe('real gateway: harness', function () {
  this.timeout(180_000)
  let world: RealWorld

  before(async function () {
    requireRealGateway(this)
    world = await RealWorld.create()
  })

  after(async () => {
    await world?.cleanup()
  })

  it('starts a gateway in a throw-away home, registers it with `gateway add --local`, and runs a Ready sandbox', async () => {
    const gw = await world.addGateway('nemoclaw')
    expect(fs.readFileSync(`${world.home}/.config/openshell/active_gateway`, 'utf8').trim()).to.equal('nemoclaw')
    const md = JSON.parse(fs.readFileSync(`${world.home}/.config/openshell/gateways/nemoclaw/metadata.json`, 'utf8'))
    expect(md).to.include({gateway_endpoint: gw.endpoint, is_remote: false})
    await world.createSandboxes('nemoclaw', ['h1'])
    expect(await world.phases('nemoclaw')).to.deep.equal({h1: 'Ready'})
    expect(gw.containers()).to.have.length(1)
  })

  it('stop refuses connections; a crash restart keeps the sandbox Ready under a new pid', async () => {
    const gw = world.gateway('nemoclaw')
    const pid = gw.pid
    await gw.stop()
    const down = await world.openshell(['-g', 'nemoclaw', 'sandbox', 'list'])
    expect(down.exitCode).to.not.equal(0)
    expect(down.stderr).to.match(/Connection refused/)
    await gw.start()
    expect(gw.pid).to.not.equal(pid)
    await world.waitPhase('nemoclaw', ['h1'], 'Ready', 30_000)
  })

  it('a CA rotation makes the registered client fail the handshake with BadSignature', async () => {
    await world.gateway('nemoclaw').rotateCa()
    const r = await world.openshell(['-g', 'nemoclaw', 'sandbox', 'list'])
    expect(r.exitCode).to.not.equal(0)
    expect(r.stderr).to.match(/BadSignature/)
  })

  it('cleanup removes every container of the world', async () => {
    const gw = world.gateway('nemoclaw')
    await world.cleanup()
    expect(gw.containers()).to.deep.equal([])
    expect(fs.existsSync(world.dir)).to.equal(false)
  })
})
