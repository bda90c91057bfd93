import {expect} from 'chai'

import {isEnvName, positiveNumberEnv, withChanges} from '../../src/lib/env.js'

describe('env: numeric settings and variable names', () => {
  it('reads a positive finite number, with Number semantics', () => {
    const env = {A: '1500', B: ' 5 ', C: '1e3', D: '0.5'}
    expect([
      positiveNumberEnv(env, 'A'),
      positiveNumberEnv(env, 'B'),
      positiveNumberEnv(env, 'C'),
      positiveNumberEnv(env, 'D'),
    ]).to.deep.equal([1500, 5, 1000, 0.5])
  })

  it('treats unset, empty, blank, zero, negative, NaN and infinity as not set', () => {
    const env = {E: '', F: '   ', G: '0', H: '-5', I: 'ten', J: 'Infinity'}
    for (const key of ['UNSET', 'E', 'F', 'G', 'H', 'I', 'J'])
      expect(positiveNumberEnv(env, key), key).to.equal(undefined)
  })

  it('takes POSIX variable names, and only upper-case ones or short ones when asked', () => {
    expect(['NVIDIA_API_KEY', '_x', 'lower_1'].map((n) => isEnvName(n))).to.deep.equal([true, true, true])
    expect(['', '1ABC', 'A-B', 'A B', 'nvapi-123456', 'KEY=v'].map((n) => isEnvName(n))).to.deep.equal([
      false,
      false,
      false,
      false,
      false,
      false,
    ])
    expect(isEnvName('NVIDIA_API_KEY', {upperCase: true})).to.equal(true)
    expect(isEnvName('nvidia_api_key', {upperCase: true})).to.equal(false)
    expect(isEnvName('A'.repeat(128), {maxLength: 128})).to.equal(true)
    expect(isEnvName('A'.repeat(129), {maxLength: 128})).to.equal(false)
    expect(isEnvName('A'.repeat(129))).to.equal(true)
  })

  it('copies an environment without some variables, leaving the original as it is', () => {
    const env = {A: '1', B: '2', C: '3'}
    expect(withChanges(env, {B: undefined, MISSING: undefined})).to.deep.equal({A: '1', C: '3'})
    expect(env).to.deep.equal({A: '1', B: '2', C: '3'})
  })

  it('copies an environment with changes: a string sets, undefined unsets', () => {
    const env = {A: '1', B: '2'}
    const next = withChanges(env, {B: undefined, C: '3', A: 'x'})
    expect(next).to.deep.equal({A: 'x', C: '3'})
    expect(Object.keys(next)).to.deep.equal(['A', 'C'])
    expect(env).to.deep.equal({A: '1', B: '2'})
  })
})
