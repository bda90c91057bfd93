import {expect} from 'chai'
import fs from 'node:fs'

import {runCli} from '../../support/cli.js'
import {createSim, type Sim} from '../../support/sim.js'
import {
  allFilesText,
  calls,
  errText,
  home,
  KEY,
  liveSandboxes,
  PROFILES,
  registry,
  registryNames,
  seedRegistry,
} from './helpers.js'

const GATEWAY_MUTATIONS = /^(gateway (start|stop|destroy|add|remove|select)|sandbox delete)/

for (const profile of PROFILES) {
  describe(`onboard (${profile})`, () => {
    describe('A, A again, then B on one healthy gateway', () => {
      let sim: Sim
      before(async () => {
        sim = await createSim({profile})
      })
      after(() => sim.cleanup())

      it('onboards A reusing the healthy gateway untouched, passing the credential by name', async () => {
        const r = await runCli(sim, ['onboard', '--name', 'alpha', '--non-interactive', '--policy', 'github'], {
          env: {NVIDIA_API_KEY: KEY},
        })
        expect(r.exitCode, r.stderr).to.equal(0)
        expect(r.stdout + r.stderr).to.contain("Reusing healthy gateway 'nemoclaw'")
        const log = calls(sim)
        expect(log.filter((c) => GATEWAY_MUTATIONS.test(c))).to.deep.equal([])
        expect(sim.argvLog('systemctl')).to.deep.equal([])
        expect(log).to.include('provider create --name nemoclaw-nvidia --type nvidia --credential NVIDIA_API_KEY')
        expect(log.some((c) => c.startsWith('inference set --provider nemoclaw-nvidia --model '))).to.equal(true)
        expect(log).to.include('sandbox create --name alpha --from openclaw --provider nemoclaw-nvidia')
        const policy = log.find((c) => c.startsWith('policy set alpha '))
        expect(policy).to.match(/--policy \S+\/presets\/github\.yaml --wait/)
        const reg = registry(sim)
        expect(reg.defaultSandbox).to.equal('alpha')
        expect(reg.sandboxes.alpha).to.include({
          credentialEnv: 'NVIDIA_API_KEY',
          gateway: 'nemoclaw',
          provider: 'nvidia',
          source: 'openclaw',
        })
        expect(reg.sandboxes.alpha.policies).to.deep.equal(['github'])
      })

      it('re-running onboard for Ready A reuses it: no create, no delete', async () => {
        sim.clearLog()
        const r = await runCli(sim, ['onboard', '--name', 'alpha', '--non-interactive', '--json'], {
          env: {NVIDIA_API_KEY: KEY},
        })
        expect(r.exitCode, r.stderr).to.equal(0)
        expect(r.json).to.include({gatewayReused: true, ok: true, sandboxReused: true, state: 'ok'})
        const log = calls(sim)
        expect(log.filter((c) => /^sandbox (create|delete)/.test(c) || GATEWAY_MUTATIONS.test(c))).to.deep.equal([])
        expect(r.json.record.policies, 'policies of the first run are kept').to.deep.equal(['github'])
      })

      it('onboarding B never touches the gateway A lives on; A stays Ready and registered', async () => {
        sim.clearLog()
        const createdA = liveSandboxes(sim).alpha.createdAt
        const r = await runCli(sim, ['onboard', '--name', 'beta', '--non-interactive', '--json'], {
          env: {NVIDIA_API_KEY: KEY},
        })
        expect(r.exitCode, r.stderr).to.equal(0)
        expect(r.json).to.include({gatewayReused: true, ok: true, sandboxReused: false})
        expect(calls(sim).filter((c) => GATEWAY_MUTATIONS.test(c))).to.deep.equal([])
        expect(sim.argvLog('systemctl')).to.deep.equal([])
        expect(liveSandboxes(sim).alpha.createdAt, 'A was not recreated').to.equal(createdA)
        expect(registryNames(sim)).to.deep.equal(['alpha', 'beta'])
        expect(registry(sim).defaultSandbox, 'the first stays the default').to.equal('alpha')
        const st = await runCli(sim, ['status', '--json'])
        expect(st.exitCode, st.stderr).to.equal(0)
        expect(st.json.sandboxes.map((s: any) => [s.name, s.state, s.phase])).to.deep.equal([
          ['alpha', 'ok', 'Ready'],
          ['beta', 'ok', 'Ready'],
        ])
      })

      it('no API key value ever reaches the argv log or $NEMOCLAW_HOME', () => {
        expect(fs.readFileSync(sim.logPath, 'utf8')).to.not.contain(KEY)
        expect(sim.argvLog().some((e) => e.secretInArgv)).to.equal(false)
        expect(allFilesText(home(sim))).to.not.contain(KEY)
        expect(allFilesText(home(sim))).to.contain('NVIDIA_API_KEY')
      })

      it('--recreate --yes replaces the sandbox, never the gateway', async () => {
        sim.clearLog()
        const r = await runCli(
          sim,
          ['onboard', '--name', 'beta', '--non-interactive', '--recreate', '--yes', '--json'],
          {env: {NVIDIA_API_KEY: KEY}},
        )
        expect(r.exitCode, r.stderr).to.equal(0)
        const log = calls(sim)
        expect(log.filter((c) => /^sandbox (create|delete)/.test(c))).to.deep.equal([
          'sandbox delete beta',
          'sandbox create --name beta --from openclaw --provider nemoclaw-nvidia',
        ])
        expect(log.filter((c) => /^gateway /.test(c))).to.deep.equal([])
        expect(Object.keys(liveSandboxes(sim)).sort()).to.deep.equal(['alpha', 'beta'])
      })
    })

    it('first install: sets up the gateway the generation way, then onboards', async () => {
      const sim = await createSim({gateway: null, profile})
      try {
        const r = await runCli(sim, ['onboard', '--name', 'alpha', '--non-interactive', '--json'], {
          env: {NVIDIA_API_KEY: KEY},
        })
        expect(r.exitCode, r.stderr).to.equal(0)
        expect(r.json).to.include({gatewayReused: false, ok: true})
        const gw = calls(sim).filter((c) => /^gateway /.test(c))
        if (profile === 'legacy') expect(gw).to.deep.equal(['gateway start --name nemoclaw'])
        else {
          expect(gw).to.have.length(1)
          expect(gw[0].split(' ').sort()).to.deep.equal(
            ['gateway', 'add', 'https://127.0.0.1:17670', '--local', '--name', 'nemoclaw'].sort(),
          )
        }

        expect(registry(sim).sandboxes.alpha.gateway).to.equal('nemoclaw')
        expect(liveSandboxes(sim).alpha).to.not.equal(undefined)
      } finally {
        sim.cleanup()
      }
    })

    it('gateway stopped: onboard B runs only the safe start, and A comes back Ready and registered', async () => {
      const sim = await createSim({profile})
      try {
        sim.control('sandbox', 'add', 'alpha')
        seedRegistry(sim, [{name: 'alpha'}])
        sim.control('gateway', 'stop')
        sim.clearLog()
        const r = await runCli(sim, ['onboard', '--name', 'beta', '--non-interactive', '--json'], {
          env: {NVIDIA_API_KEY: KEY},
        })
        expect(r.exitCode, r.stderr).to.equal(0)
        expect(r.json).to.include({gatewayReused: false, ok: true})
        const gw = calls(sim).filter((c) => GATEWAY_MUTATIONS.test(c))
        const systemctl = sim
          .argvLog('systemctl')
          .map((e) => e.argv.join(' '))
          .filter((a) => !a.includes('is-active'))
        if (profile === 'legacy') expect([gw, systemctl]).to.deep.equal([['gateway start --name nemoclaw'], []])
        else expect([gw, systemctl]).to.deep.equal([[], ['--user start openshell-gateway']])
        expect(Object.keys(liveSandboxes(sim)).sort()).to.deep.equal(['alpha', 'beta'])
        expect(registryNames(sim)).to.deep.equal(['alpha', 'beta'])
      } finally {
        sim.cleanup()
      }
    })

    it('container runtime down and the gateway stopped: fails naming docker info, starts nothing, registers nothing', async () => {
      const sim = await createSim({profile})
      try {
        sim.control('runtime', 'down')
        sim.control('gateway', 'stop')
        const r = await runCli(sim, ['onboard', '--name', 'alpha', '--non-interactive'], {env: {NVIDIA_API_KEY: KEY}})
        expect(r.exitCode).to.equal(21)
        expect(errText(r)).to.contain('docker info')
        expect(calls(sim).filter((c) => /^(gateway|sandbox create)/.test(c))).to.deep.equal([])
        expect(
          sim.argvLog('systemctl').filter((e) => e.argv.includes('start') || e.argv.includes('restart')),
        ).to.deep.equal([])
        expect(registry(sim)).to.equal(null)
      } finally {
        sim.cleanup()
      }
    })
  })
}

describe('onboard --endpoint-url over plain http to another machine', () => {
  let sim: Sim
  before(async () => {
    sim = await createSim({profile: 'modern'})
  })
  after(() => sim.cleanup())

  it('warns (stderr; `warnings` under --json) and proceeds', async () => {
    const args = [
      'onboard',
      '--provider',
      'custom',
      '--model',
      'm',
      '--endpoint-url',
      'http://10.0.0.7:8000/v1',
      '--non-interactive',
    ]
    const [json, text] = [
      await runCli(sim, [...args, '--name', 'plain', '--json']),
      await runCli(sim, [...args, '--name', 'plain2']),
    ]
    expect(json.exitCode, json.stderr).to.equal(0)
    expect(json.json.warnings).to.have.length(1)
    expect(json.json.warnings[0])
      .to.match(/plain http/i)
      .and.to.contain('10.0.0.7')
    expect(json.json.record.endpointUrl).to.equal('http://10.0.0.7:8000/v1')
    expect(text.exitCode, text.stderr).to.equal(0)
    expect(text.stderr).to.match(/Warning: .*plain http/i)
  })
})

describe("onboard: the gateway's inference is shared (modern)", () => {
  const CHANGES = /^(provider (create|update)|inference set|sandbox (create|delete)|policy set)/
  let sim: Sim
  before(async () => {
    sim = await createSim({profile: 'modern'})
  })
  after(() => sim.cleanup())

  it("B with another model is refused before any change (exit 2, naming A and the route); --set-inference moves it, and A's record says so", async () => {
    expect(
      (await runCli(sim, ['onboard', '--name', 'alpha', '--non-interactive'], {env: {NVIDIA_API_KEY: KEY}})).exitCode,
    ).to.equal(0)
    const model = registry(sim).sandboxes.alpha.model
    sim.clearLog()
    const r = await runCli(
      sim,
      ['onboard', '--name', 'beta', '--model', 'other/model', '--non-interactive', '--json'],
      {env: {NVIDIA_API_KEY: KEY}},
    )
    expect(r.exitCode, r.stderr).to.equal(2)
    expect(r.json).to.include({inference: null, ok: false, record: null, state: 'inference_in_use'})
    expect(r.json.conflict).to.deep.include({
      affected: ['alpha'],
      requested: {model: 'other/model', provider: 'nemoclaw-nvidia'},
      route: {model, provider: 'nemoclaw-nvidia'},
    })
    expect(r.json.message).to.include('--set-inference').and.include(`nemoclaw-nvidia / ${model}`)
    expect(
      calls(sim).filter((c) => CHANGES.test(c)),
      'nothing changed on the gateway',
    ).to.deep.equal([])
    expect(registryNames(sim)).to.deep.equal(['alpha'])

    const ok = await runCli(
      sim,
      ['onboard', '--name', 'beta', '--model', 'other/model', '--set-inference', '--non-interactive', '--json'],
      {env: {NVIDIA_API_KEY: KEY}},
    )
    expect(ok.exitCode, ok.stderr).to.equal(0)
    expect(ok.json.inference).to.deep.equal({model: 'other/model', provider: 'nemoclaw-nvidia'})
    expect(sim.state().servers['https://127.0.0.1:17670'].inference).to.include({
      model: 'other/model',
      provider: 'nemoclaw-nvidia',
    })
    expect(registry(sim).sandboxes.alpha.model, 'the route is per gateway').to.equal('other/model')
    const [st, ls] = await Promise.all([runCli(sim, ['status', '--json']), runCli(sim, ['list', '--json'])])
    const route = {model: 'other/model', provider: 'nemoclaw-nvidia'}
    expect(st.json.gateway.inference).to.deep.equal(route)
    expect(ls.json.gateways).to.deep.equal([{inference: route, name: 'nemoclaw', state: 'ok'}])
  })

  it('a custom endpoint: the same sandbox alone updates the provider; another sandbox on it is refused with the difference named', async () => {
    const c = await createSim({profile: 'modern'})
    try {
      const on = (name: string, url: string, ...extra: string[]) =>
        runCli(c, [
          'onboard',
          '--name',
          name,
          '--provider',
          'custom',
          '--endpoint-url',
          url,
          '--model',
          'm',
          '--non-interactive',
          '--json',
          ...extra,
        ])
      expect((await on('alpha', 'http://127.0.0.1:1/v1')).exitCode).to.equal(0)
      expect(calls(c)).to.include(
        'provider create --name nemoclaw-custom --type openai --credential NEMOCLAW_PLACEHOLDER_CREDENTIAL --config OPENAI_BASE_URL=http://127.0.0.1:1/v1',
      )
      c.clearLog()
      const again = await on('alpha', 'http://127.0.0.1:2/v1')
      expect(again.exitCode, again.stderr).to.equal(0)
      expect(calls(c).filter((x) => CHANGES.test(x))).to.deep.equal([
        'provider update nemoclaw-custom --credential NEMOCLAW_PLACEHOLDER_CREDENTIAL --config OPENAI_BASE_URL=http://127.0.0.1:2/v1',
        'inference set --provider nemoclaw-custom --model m',
      ])
      expect(registry(c).sandboxes.alpha.endpointUrl).to.equal('http://127.0.0.1:2/v1')
      expect(c.argvLog().some((e) => e.secretInArgv)).to.equal(false)
      c.clearLog()
      const beta = await on('beta', 'http://127.0.0.1:3/v1')
      expect(beta.exitCode).to.equal(2)
      expect(beta.json.conflict.changes).to.deep.equal([
        "provider 'nemoclaw-custom': endpoint http://127.0.0.1:2/v1 → http://127.0.0.1:3/v1",
      ])
      expect(calls(c).filter((x) => CHANGES.test(x))).to.deep.equal([])
      const same = await on('beta', 'http://127.0.0.1:2/v1')
      expect(same.exitCode, same.stderr).to.equal(0)
      expect(
        calls(c).filter((x) => /^provider (create|update)|^inference set/.test(x)),
        'nothing to change',
      ).to.deep.equal([])
    } finally {
      c.cleanup()
    }
  })
})

describe('onboard input checks (no openshell call)', () => {
  let sim: Sim
  before(async () => {
    sim = await createSim({profile: 'modern'})
    seedRegistry(sim, [{gateway: 'elsewhere', name: 'taken'}])
  })
  after(() => sim.cleanup())
  beforeEach(() => sim.clearLog())
  afterEach(() => {
    expect(sim.argvLog(), 'no openshell call').to.deep.equal([])
  })

  const base = ['onboard', '--non-interactive']
  const env = {env: {NVIDIA_API_KEY: KEY}}

  it('refuses invalid names with the rule', async () => {
    const names = ['Alpha', 'a;rm', '../x', 'a'.repeat(20), 'status']
    const results = await Promise.all(names.map((n) => runCli(sim, [...base, '--name', n], env)))
    for (const [i, r] of results.entries()) {
      expect(r.exitCode, names[i]).to.equal(2)
      if (names[i] === 'status') expect(r.stderr).to.contain("'status' is a nemoclaw command")
      else expect(errText(r), names[i]).to.contain('lowercase letters, digits')
    }

    expect(errText(results[3])).to.contain('20 characters')
  })

  it('names the missing flag: --name, --endpoint-url, --model', async () => {
    const [noName, noEndpoint, noModel] = await Promise.all([
      runCli(sim, base, env),
      runCli(sim, [...base, '--name', 'c', '--provider', 'custom', '--model', 'm'], env),
      runCli(sim, [...base, '--name', 'c', '--provider', 'vllm', '--json'], env),
    ])
    expect(noName.exitCode).to.equal(2)
    expect(noName.stderr).to.contain('Missing --name')
    expect(noEndpoint.exitCode).to.equal(2)
    expect(noEndpoint.stderr).to.contain('Missing --endpoint-url')
    expect(noModel.exitCode).to.equal(2)
    expect(noModel.json.error.message).to.contain('Missing --model')
  })

  it('refuses an --endpoint-url carrying a key (credentials, a query token): exit 2, --credential-env named, the key never echoed or stored', async () => {
    const secret = 'sk-PLANTED-endpoint-key-5e9d'
    const urls = [`https://me:${secret}@llm.example.com/v1`, `https://llm.example.com/v1?api_key=${secret}`]
    const runs = await Promise.all(
      urls.map((u, i) =>
        runCli(
          sim,
          [
            ...base,
            '--name',
            'c',
            '--provider',
            'custom',
            '--model',
            'm',
            '--endpoint-url',
            u,
            ...(i ? ['--json'] : []),
          ],
          env,
        ),
      ),
    )
    for (const r of runs) {
      expect(r.exitCode, r.stdout + r.stderr).to.equal(2)
      expect(errText(r) + (r.json?.error?.message ?? '')).to.contain('--credential-env')
      expect(r.stdout + r.stderr).not.to.contain(secret)
    }

    expect(runs[1].json.error.id).to.equal('invalid_input')
    expect(allFilesText(home(sim))).not.to.contain(secret)
  })

  it('refuses an unknown --policy, an unset credential variable, a key given as --credential-env, a name on another gateway', async () => {
    const [policy, unset, value, taken] = await Promise.all([
      runCli(sim, [...base, '--name', 'p', '--policy', 'nope'], env),
      runCli(sim, [...base, '--name', 'p'], {env: {NVIDIA_API_KEY: undefined}}),
      runCli(sim, [...base, '--name', 'p', '--credential-env', KEY], env),
      runCli(sim, [...base, '--name', 'taken'], env),
    ])
    expect(policy.exitCode).to.equal(2)
    expect(errText(policy))
      .to.match(/--policy/)
      .and.to.contain('github')
    expect(unset.exitCode).to.equal(2)
    expect(errText(unset)).to.contain('export NVIDIA_API_KEY=')
    expect(value.exitCode).to.equal(2)
    expect(errText(value)).to.contain('NAME of an environment variable').and.not.contain(KEY)
    expect(taken.exitCode).to.equal(2)
    expect(errText(taken)).to.contain("already registered on gateway 'elsewhere'")
  })
})
