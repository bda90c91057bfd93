// onboard against the REAL OpenShell 0.0.111 gateway and CLI (see ../support/real-gateway.ts): credential-less
// providers, provider changes, the workspace-wide inference route, endpoint verification, and the sandbox
// containers a rebuild leaves behind. Each case checks the exit code, the --json shape, the registry after, and
// that nemoclaw never asked openshell for anything destructive. The cases build on each other, in order.
import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'

import type {CliResult} from '../support/cli.js'
import {freePort, OpenAiStub, type RealPrereqs, RealWorld, requireRealGateway} from '../support/real-gateway.js'
import {stripAnsi} from '../support/real-openshell.js'

const DESTRUCTIVE = /^(sandbox delete|gateway (destroy|remove|stop)|provider delete)\b/
const PLACEHOLDER = 'NEMOCLAW_PLACEHOLDER_CREDENTIAL'

describe('real gateway: onboard', function () {
  this.timeout(300_000)
  let prereqs: RealPrereqs
  let world: RealWorld
  let stub1: OpenAiStub
  let stub2: OpenAiStub
  let closed: string

  before(async function () {
    prereqs = requireRealGateway(this)
    world = await RealWorld.create(prereqs)
    await world.addGateway('nemoclaw')
    stub1 = await new OpenAiStub().start()
    stub2 = await new OpenAiStub().start()
    closed = `http://127.0.0.1:${await freePort()}/v1` // nothing listens there
  })

  after(async () => {
    await world?.cleanup()
    await stub1?.stop()
    await stub2?.stop()
  })

  beforeEach(() => world?.clearLog())

  /** openshell calls nemoclaw made since the case started, as `words` without the `-g NAME` prefix. */
  const calls = (): string[] => world.argvLog().map((c) => (c.argv[0] === '-g' ? c.argv.slice(2) : c.argv).join(' '))
  const noDestructiveCall = (): void => {
    expect(calls().filter((c) => DESTRUCTIVE.test(c))).to.deep.equal([])
  }

  const registry = (): any => {
    const file = path.join(world.nemoclawHome, 'sandboxes.json')
    return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : null
  }

  const onboard = (name: string, ...extra: string[]): Promise<CliResult> =>
    world.nemoclaw(['onboard', '--name', name, '--non-interactive', '--json', '--from', prereqs.image, ...extra], {
      timeoutMs: 240_000,
    })

  const os = async (...argv: string[]): Promise<string> => {
    const r = await world.openshell(['-g', 'nemoclaw', ...argv])
    return stripAnsi(`${r.stdout}\n${r.stderr}`)
  }

  /** `Credential keys:` and `Config keys:` of `provider get`, as the real CLI prints them. */
  const providerKeys = async (name: string): Promise<{credential: string; config: string}> => {
    const text = await os('provider', 'get', name)
    return {
      config: /Config keys:\s*(.*)/.exec(text)?.[1].trim() ?? '?',
      credential: /Credential keys:\s*(.*)/.exec(text)?.[1].trim() ?? '?',
    }
  }

  const route = async (): Promise<string> => {
    const text = await os('inference', 'get')
    const block = text.split('System inference:')[0]
    return `${/Provider:\s*(\S+)/.exec(block)?.[1] ?? '-'} / ${/Model:\s*(\S+)/.exec(block)?.[1] ?? '-'}`
  }

  it('an unreachable endpoint fails before any sandbox exists, naming the URL and what failed, offering --no-verify; nothing is registered', async () => {
    const r = await onboard('alpha', '--provider', 'custom', '--endpoint-url', closed, '--model', 'm1')
    expect(r.exitCode, r.stderr).to.equal(2)
    expect(r.json).to.include({ok: false, record: null, state: 'inference_unverified'})
    expect(r.json.verification).to.include({model: 'm1', provider: 'nemoclaw-custom', url: closed})
    expect(r.json.verification.error).to.match(/failed to connect/)
    expect(r.json.message).to.include(closed).and.include('failed to connect').and.include('--no-verify')
    expect(registry()).to.equal(null)
    expect(await world.phases('nemoclaw')).to.deep.equal({})
    expect(calls().filter((c) => c.startsWith('sandbox create'))).to.deep.equal([])
    noDestructiveCall()
  })

  it('the re-run with the right URL updates the provider to it and succeeds without any credential (a named placeholder, no value in argv)', async () => {
    const r = await onboard('alpha', '--provider', 'custom', '--endpoint-url', stub1.url, '--model', 'm1')
    expect(r.exitCode, r.stderr).to.equal(0)
    expect(r.json).to.include({ok: true, sandboxReused: false, state: 'ok'})
    expect(r.json.inference).to.deep.equal({model: 'm1', provider: 'nemoclaw-custom'})
    expect(r.json.record).to.include({
      credentialEnv: null,
      endpointUrl: stub1.url,
      gateway: 'nemoclaw',
      model: 'm1',
      provider: 'custom',
    })
    expect(registry().sandboxes.alpha).to.include({
      credentialEnv: null,
      endpointUrl: stub1.url,
      model: 'm1',
      provider: 'custom',
    })
    expect(calls()).to.include(
      `provider update nemoclaw-custom --credential ${PLACEHOLDER} --config OPENAI_BASE_URL=${stub1.url}`,
    )
    expect(
      stub1.requests.some((q) => q.url.endsWith('/chat/completions')),
      'the gateway verified the new URL',
    ).to.equal(true)
    expect(
      world
        .argvLog()
        .flatMap((c) => c.argv)
        .filter((a) => /^[A-Z_]+=./.test(a) && !a.startsWith('OPENAI_BASE_URL=')),
      'no credential value in argv',
    ).to.deep.equal([])
    expect(await providerKeys('nemoclaw-custom')).to.deep.equal({config: 'OPENAI_BASE_URL', credential: PLACEHOLDER})
    expect(await route()).to.equal('nemoclaw-custom / m1')
    expect(await world.phases('nemoclaw')).to.deep.equal({alpha: 'Ready'})
    noDestructiveCall()
  })

  it('another --endpoint-url for the same sandbox updates the provider on the gateway; the registry holds what the gateway holds', async () => {
    const before = stub2.requests.length
    const r = await onboard('alpha', '--provider', 'custom', '--endpoint-url', stub2.url, '--model', 'm1')
    expect(r.exitCode, r.stderr).to.equal(0)
    expect(r.json).to.include({ok: true, sandboxReused: true, state: 'ok'})
    expect(r.json.record).to.include({endpointUrl: stub2.url, model: 'm1'})
    expect(calls()).to.include(
      `provider update nemoclaw-custom --credential ${PLACEHOLDER} --config OPENAI_BASE_URL=${stub2.url}`,
    )
    expect(
      calls().filter((c) => c.startsWith('inference set')),
      're-verified after the change',
    ).to.have.length(1)
    expect(stub2.requests.length, 'the gateway now calls the new endpoint').to.be.greaterThan(before)
    expect(registry().sandboxes.alpha.endpointUrl).to.equal(stub2.url)
    noDestructiveCall()
  })

  it('another --model for the same sandbox moves the route (no other sandbox is on the gateway)', async () => {
    const r = await onboard('alpha', '--provider', 'custom', '--endpoint-url', stub2.url, '--model', 'm2')
    expect(r.exitCode, r.stderr).to.equal(0)
    expect(r.json).to.include({ok: true, sandboxReused: true, state: 'ok'})
    expect(r.json.inference).to.deep.equal({model: 'm2', provider: 'nemoclaw-custom'})
    expect(await route()).to.equal('nemoclaw-custom / m2')
    expect(registry().sandboxes.alpha).to.include({endpointUrl: stub2.url, model: 'm2'})
    noDestructiveCall()
  })

  it('an unreachable URL for an existing sandbox fails and puts the provider back as it was; the registry is unchanged', async () => {
    const saved = registry()
    const r = await onboard('alpha', '--provider', 'custom', '--endpoint-url', closed, '--model', 'm2')
    expect(r.exitCode, r.stderr).to.equal(2)
    expect(r.json).to.include({ok: false, record: null, state: 'inference_unverified'})
    expect(r.json.message).to.include(closed).and.include(`put back to ${stub2.url}`)
    const updates = calls().filter((c) => c.startsWith('provider update'))
    expect(updates).to.deep.equal([
      `provider update nemoclaw-custom --credential ${PLACEHOLDER} --config OPENAI_BASE_URL=${closed}`,
      `provider update nemoclaw-custom --config OPENAI_BASE_URL=${stub2.url}`,
    ])
    expect(registry()).to.deep.equal(saved)
    // the gateway holds stub2 again: a verifying `inference set` reaches it
    const before = stub2.requests.length
    expect(await os('inference', 'set', '--provider', 'nemoclaw-custom', '--model', 'm2')).to.include(
      'Inference configured',
    )
    expect(stub2.requests.length).to.be.greaterThan(before)
    noDestructiveCall()
  })

  it('onboarding B with another provider is refused before any change: exit 2 names A and the current route', async () => {
    const saved = registry()
    const r = await onboard('beta', '--provider', 'vllm', '--endpoint-url', stub1.url, '--model', 'm3')
    expect(r.exitCode, r.stderr).to.equal(2)
    expect(r.json).to.include({ok: false, record: null, state: 'inference_in_use'})
    expect(r.json.conflict).to.deep.include({
      affected: ['alpha'],
      gateway: 'nemoclaw',
      requested: {model: 'm3', provider: 'nemoclaw-vllm'},
      route: {model: 'm2', provider: 'nemoclaw-custom'},
    })
    expect(r.json.message).to.include('alpha').and.include('nemoclaw-custom / m2').and.include('--set-inference')
    expect(
      calls().filter((c) => /^(provider (create|update)|inference set|sandbox create|policy set)/.test(c)),
      'nothing changed on the gateway',
    ).to.deep.equal([])
    expect(await route()).to.equal('nemoclaw-custom / m2')
    expect(registry()).to.deep.equal(saved)
    noDestructiveCall()
  })

  it('onboarding B with another endpoint on the provider A uses is refused, naming the difference', async () => {
    const saved = registry()
    const r = await onboard('beta', '--provider', 'custom', '--endpoint-url', stub1.url, '--model', 'm2')
    expect(r.exitCode, r.stderr).to.equal(2)
    expect(r.json).to.include({ok: false, state: 'inference_in_use'})
    expect(r.json.conflict.affected).to.deep.equal(['alpha'])
    expect(r.json.conflict.changes).to.deep.equal([`provider 'nemoclaw-custom': endpoint ${stub2.url} → ${stub1.url}`])
    expect(calls().filter((c) => /^(provider (create|update)|inference set|sandbox create)/.test(c))).to.deep.equal([])
    expect(registry()).to.deep.equal(saved)
    noDestructiveCall()
  })

  it('--set-inference moves the route for every sandbox, as asked; status --json and list --json show the gateway route', async () => {
    const r = await onboard(
      'beta',
      '--provider',
      'vllm',
      '--endpoint-url',
      stub1.url,
      '--model',
      'm3',
      '--set-inference',
    )
    expect(r.exitCode, r.stderr).to.equal(0)
    expect(r.json).to.include({ok: true, state: 'ok'})
    expect(r.json.inference).to.deep.equal({model: 'm3', provider: 'nemoclaw-vllm'})
    expect(await route()).to.equal('nemoclaw-vllm / m3')
    expect(await providerKeys('nemoclaw-vllm')).to.deep.equal({config: 'OPENAI_BASE_URL', credential: PLACEHOLDER})
    const reg = registry()
    expect(Object.keys(reg.sandboxes).sort()).to.deep.equal(['alpha', 'beta'])
    for (const n of ['alpha', 'beta'])
      expect(reg.sandboxes[n], n).to.include({
        credentialEnv: null,
        endpointUrl: stub1.url,
        model: 'm3',
        provider: 'vllm',
      })
    noDestructiveCall()

    world.clearLog()
    const [st, ls] = await Promise.all([world.nemoclaw(['status', '--json']), world.nemoclaw(['list', '--json'])])
    expect(st.exitCode, st.stderr).to.equal(0)
    expect(st.json.gateway.inference).to.deep.equal({model: 'm3', provider: 'nemoclaw-vllm'})
    expect(st.json.gateways.map((g: any) => [g.name, g.inference])).to.deep.equal([
      ['nemoclaw', {model: 'm3', provider: 'nemoclaw-vllm'}],
    ])
    expect(ls.exitCode, ls.stderr).to.equal(0)
    expect(ls.json.gateways).to.deep.equal([
      {inference: {model: 'm3', provider: 'nemoclaw-vllm'}, name: 'nemoclaw', state: 'ok'},
    ])
    expect(
      calls().filter((c) => c === 'inference get'),
      'one inference get per command and gateway',
    ).to.have.length(2)
    noDestructiveCall()
  })

  it('--no-verify is passed through to inference set', async () => {
    const r = await onboard(
      'beta',
      '--provider',
      'vllm',
      '--endpoint-url',
      closed,
      '--model',
      'm4',
      '--set-inference',
      '--no-verify',
    )
    expect(r.exitCode, r.stderr).to.equal(0)
    expect(r.json).to.include({ok: true, sandboxReused: true, state: 'ok'})
    expect(r.json.inference).to.deep.equal({model: 'm4', provider: 'nemoclaw-vllm'})
    expect(calls()).to.include('inference set --provider nemoclaw-vllm --model m4 --no-verify')
    expect(await route()).to.equal('nemoclaw-vllm / m4')
    expect(registry().sandboxes.beta).to.include({endpointUrl: closed, model: 'm4'})
    noDestructiveCall()
  })

  it("after a rebuild, doctor names the containers left behind (read-only) with the exact docker rm -f; a live gateway's are not orphans; --fix removes none", async () => {
    const gw = world.gateway('nemoclaw')
    const other = await world.addGateway('other') // `gateway add` selects it: select nemoclaw again, as the user would
    expect((await world.openshell(['gateway', 'select', 'nemoclaw'])).exitCode).to.equal(0)
    await world.createSandboxes('other', ['o1'])
    const left = gw.containers().sort()
    const others = other.containers()
    expect(left).to.have.length(2)
    expect(others).to.have.length(1)
    await gw.rebuild()

    const orphanCheck = async (...extra: string[]): Promise<any> => {
      const d = await world.nemoclaw(['doctor', '--json', ...extra], {timeoutMs: 120_000})
      expect(d.json, d.stderr).to.not.equal(undefined)
      return d.json.checks.find((c: any) => c.id === 'orphan-containers')
    }

    // before trust is re-imported the gateway is not healthy: no container is called an orphan
    const early = await orphanCheck()
    expect(early.status).to.equal('skip')
    expect(early.detail).to.not.include(left[0].slice(0, 12))

    // recover re-imports trust; the rebuilt gateway no longer lists alpha and beta: sandbox_missing (30), both pruned
    const rec = await world.nemoclaw(['recover', '--json'], {timeoutMs: 120_000})
    expect(rec.exitCode, rec.stderr).to.equal(30)
    expect(registry().sandboxes).to.deep.equal({})

    world.clearLog()
    const check = await orphanCheck()
    expect(check.status).to.equal('warn')
    for (const id of left) expect(check.detail).to.include(id.slice(0, 12))
    for (const id of others) expect(check.detail).to.not.include(id.slice(0, 12))
    expect(check.fix).to.equal(`docker rm -f ${left.map((id) => id.slice(0, 12)).join(' ')}`)
    noDestructiveCall()

    const fixed = await orphanCheck('--fix')
    expect(fixed.status).to.equal('warn')
    expect(gw.containers().sort(), 'nemoclaw removed no container').to.deep.equal(left)
    expect(other.containers()).to.deep.equal(others)
    noDestructiveCall()
  })
})
