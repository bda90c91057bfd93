import {expect} from 'chai'

import {writeDelayMs} from '../../../src/lib/registry/test-hooks.js'

describe('registry test hooks', () => {
  it('NEMOCLAW_TEST_WRITE_DELAY_MS sets the mid-write pause; unset or not a positive number means none', () => {
    expect(writeDelayMs({NEMOCLAW_TEST_WRITE_DELAY_MS: '1400'})).to.equal(1400)
    expect(
      [
        {},
        {NEMOCLAW_TEST_WRITE_DELAY_MS: ''},
        {NEMOCLAW_TEST_WRITE_DELAY_MS: '-1'},
        {NEMOCLAW_TEST_WRITE_DELAY_MS: 'x'},
      ].map((env) => writeDelayMs(env)),
    ).to.deep.equal([0, 0, 0, 0])
  })
})
