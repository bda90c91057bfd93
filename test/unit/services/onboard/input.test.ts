// onboard's input checks that need no process: --endpoint-url never carries a secret (it would reach openshell's
// argv and the registry), and plain http:// to another machine is warned about.
import {expect} from 'chai'

import {type OnboardInput, OnboardError, validateInput} from '../../../../src/lib/services/onboard/input.js'

const SECRET = 'sk-PLANTED-0123456789abcdef'
const input = (endpointUrl?: string): OnboardInput => ({
  endpointUrl,
  gateway: 'nemoclaw',
  model: 'm',
  name: 'alpha',
  policies: [],
  provider: 'custom',
  recreate: false,
  source: 'openclaw',
})

function refusal(endpointUrl: string): OnboardError {
  try {
    validateInput(input(endpointUrl), {})
  } catch (error) {
    if (error instanceof OnboardError) return error
    throw error
  }

  throw new Error(`${endpointUrl} was accepted`)
}

describe('onboard validateInput: --endpoint-url', () => {
  const refused: Array<[string, string]> = [
    ['credentials', `https://user:${SECRET}@llm.example.com/v1`],
    ['a user name alone (a key used as the user)', `https://${SECRET}@llm.example.com/v1`],
    ['an empty user with a password', `https://:${SECRET}@llm.example.com/v1`],
    ['credentials on plain http to loopback', `http://me:${SECRET}@127.0.0.1:8000/v1`],
    ['a query token', `https://llm.example.com/v1?api_key=${SECRET}`],
    ['a query token under another name', `https://llm.example.com/v1?x=1&sig=${SECRET}`],
    ['any query string', `https://llm.example.com/v1?${SECRET}`],
    ['a fragment', `https://llm.example.com/v1#access_token=${SECRET}`],
  ]
  for (const [what, url] of refused) {
    it(`refuses ${what}: exit 2, points to --credential-env, never echoes the secret`, () => {
      const e = refusal(url)
      expect(e.exitCode).to.equal(2)
      expect(e.classId).to.equal('invalid_input')
      expect(e.message).to.contain('--credential-env')
      expect(e.message).not.to.contain(SECRET)
    })
  }

  it('an unparseable URL is refused without being echoed', () => {
    const e = refusal(`ftp://user:${SECRET}@host/v1`)
    expect(e.message).to.match(/--endpoint-url must be an http\(s\) URL/)
    expect(e.message).not.to.contain(SECRET)
  })

  it('plain http:// to a host that is not this machine: a warning, not a refusal', () => {
    const warnings = validateInput(input('http://10.0.0.7:8000/v1'), {})
    expect(warnings).to.have.length(1)
    expect(warnings[0])
      .to.match(/plain http/i)
      .and.to.contain('10.0.0.7')
  })

  it('https, or http to this machine (loopback, or host.openshell.internal as sandboxes name it): no warning', () => {
    for (const url of [
      'https://llm.example.com/v1',
      'http://127.0.0.1:8000/v1',
      'http://localhost:11434/v1',
      'http://[::1]:8000/v1',
      'http://host.openshell.internal:11434/v1',
    ]) {
      expect(validateInput(input(url), {}), url).to.deep.equal([])
    }

    expect(validateInput(input(), {})).to.deep.equal([])
  })
})
