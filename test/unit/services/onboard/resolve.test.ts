// onboard's input resolution under --non-interactive (as without a terminal): defaults per provider, and a
// missing value is a refusal that names its flag (exit 2, missing_flag); no prompt is loaded.
import {expect} from 'chai'

import {OnboardError} from '../../../../src/lib/services/onboard/input.js'
import {type OnboardFlags, resolveInput} from '../../../../src/lib/services/onboard/resolve.js'

const flags = (over: Partial<OnboardFlags> = {}): OnboardFlags => ({
  from: 'openclaw',
  gateway: 'nemoclaw',
  json: false,
  'non-interactive': true,
  recreate: false,
  'set-inference': false,
  verify: true,
  yes: false,
  ...over,
})

async function refusal(f: OnboardFlags): Promise<OnboardError> {
  try {
    await resolveInput(f)
  } catch (error) {
    if (error instanceof OnboardError) return error
    throw error
  }

  throw new Error('accepted')
}

describe('onboard resolveInput (--non-interactive)', () => {
  it('defaults to nvidia, its model and its credential variable', async () => {
    const input = await resolveInput(flags({name: 'alpha'}))
    expect(input).to.deep.include({
      credentialEnv: 'NVIDIA_API_KEY',
      model: 'nvidia/nemotron-3-super-120b-a12b',
      name: 'alpha',
      noVerify: false,
      policies: [],
      provider: 'nvidia',
    })
  })

  it('refuses a missing name before anything else, naming the flag', async () => {
    const e = await refusal(flags({provider: 'custom'}))
    expect(e.message).to.equal('Missing --name (required with --non-interactive or without a terminal).')
    expect([e.exitCode, e.classId]).to.deep.equal([2, 'missing_flag'])
  })

  it('refuses a provider without a default model when --model is missing, and custom without --endpoint-url', async () => {
    expect((await refusal(flags({name: 'a', provider: 'ollama'}))).message).to.match(/^Missing --model /)
    expect((await refusal(flags({model: 'm', name: 'a', provider: 'custom'}))).message).to.match(
      /^Missing --endpoint-url /,
    )
  })

  it('passes the flags through: --no-verify, --set-inference, presets, source, credential variable', async () => {
    const input = await resolveInput(
      flags({
        'credential-env': 'MY_KEY',
        from: './Dockerfile',
        model: 'm',
        name: 'b',
        policy: ['npm'],
        provider: 'vllm',
        'set-inference': true,
        verify: false,
      }),
    )
    expect(input).to.deep.include({
      credentialEnv: 'MY_KEY',
      model: 'm',
      noVerify: true,
      policies: ['npm'],
      provider: 'vllm',
      setInference: true,
      source: './Dockerfile',
    })
  })
})
