// The simulator's `provider get` and `provider update` print what the REAL openshell 0.0.111 printed against the
// real 0.0.111 gateway (texts below captured with the harness of test/support/real-gateway.ts, ANSI stripped; the
// provider id normalised): keys only, never values; update merges, `KEY=` removes a key.
import {expect} from 'chai'

import {stripAnsi} from '../support/real-openshell.js'
import {createSim, type Sim} from '../support/sim.js'
import {joinWrapped, os} from './run.js'

const REAL_GET = `Provider:

  Id: <ID>
  Name: p1
  Type: openai
  Resource version: 1
  Credential keys: OPENAI_API_KEY
  Config keys: OPENAI_BASE_URL`
const REAL_NOT_FOUND = `Error:   × code: 'Some requested entity was not found', message: "provider not found"`
const REAL_UPDATED = '✓ Updated provider p1'

const plain = (s: string): string =>
  stripAnsi(s)
    .replaceAll(/Id: [0-9a-f-]{36}/g, 'Id: <ID>')
    .trim()

describe('simulator: provider get / provider update (as the real 0.0.111)', () => {
  let sim: Sim
  before(async () => {
    sim = await createSim({profile: 'modern', version: '0.0.111'})
  })
  after(() => sim.cleanup())

  it('provider get: the keys of a created provider, in the real layout; a missing one is NotFound', () => {
    const created = os(
      sim,
      [
        'provider',
        'create',
        '--name',
        'p1',
        '--type',
        'openai',
        '--credential',
        'OPENAI_API_KEY',
        '--config',
        'OPENAI_BASE_URL=http://127.0.0.1:1/v1',
      ],
      {OPENAI_API_KEY: 'sk-x'},
    )
    expect(created.code, created.stderr).to.equal(0)
    const got = os(sim, ['provider', 'get', 'p1'])
    expect([got.code, plain(got.stdout)]).to.deep.equal([0, REAL_GET])
    const missing = os(sim, ['provider', 'get', 'nope'])
    expect([missing.code, plain(missing.stderr)]).to.deep.equal([1, REAL_NOT_FOUND])
  })

  it('provider update: merges config and credentials, `KEY=` removes; the resource version moves; a missing one is NotFound', () => {
    const a = os(sim, ['provider', 'update', 'p1', '--config', 'OPENAI_BASE_URL=http://127.0.0.1:9/v1'])
    expect([a.code, plain(a.stdout)]).to.deep.equal([0, REAL_UPDATED])
    expect(plain(os(sim, ['provider', 'get', 'p1']).stdout)).to.equal(
      REAL_GET.replace('Resource version: 1', 'Resource version: 2'),
    )
    expect(
      os(sim, ['provider', 'update', 'p1', '--credential', 'MYKEY=abc', '--credential', 'OPENAI_API_KEY=']).code,
    ).to.equal(0)
    expect(plain(os(sim, ['provider', 'get', 'p1']).stdout)).to.include(
      'Resource version: 3\n  Credential keys: MYKEY\n  Config keys: OPENAI_BASE_URL',
    )
    expect(os(sim, ['provider', 'update', 'p1', '--config', 'OPENAI_BASE_URL=']).code).to.equal(0)
    expect(plain(os(sim, ['provider', 'get', 'p1']).stdout)).to.include('Credential keys: MYKEY\n  Config keys: <none>')
    const unset = os(sim, ['provider', 'update', 'p1', '--credential', 'UNSET_KEY'], {UNSET_KEY: ''})
    expect(unset.code).to.equal(1)
    expect(joinWrapped(plain(unset.stderr))).to.include(
      "requires local env var 'UNSET_KEY' to be set to a non-empty value",
    )
    const missing = os(sim, ['provider', 'update', 'nope', '--config', 'OPENAI_BASE_URL=x'])
    expect([missing.code, plain(missing.stderr)]).to.deep.equal([1, REAL_NOT_FOUND])
  })

  it('legacy 0.0.26 prints no resource version', async () => {
    const legacy = await createSim({profile: 'legacy'})
    try {
      expect(
        os(legacy, ['provider', 'create', '--name', 'p1', '--type', 'openai', '--credential', 'K'], {K: 'v'}).code,
      ).to.equal(0)
      expect(plain(os(legacy, ['provider', 'get', 'p1']).stdout)).to.equal(
        'Provider:\n\n  Id: <ID>\n  Name: p1\n  Type: openai\n  Credential keys: K\n  Config keys: <none>',
      )
    } finally {
      legacy.cleanup()
    }
  })
})
