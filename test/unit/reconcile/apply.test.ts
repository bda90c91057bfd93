import {expect} from 'chai'

import {LAST_SEEN_FRESH_MS, lastSeenDue} from '../../../src/lib/reconcile/apply.js'

describe('reconcile apply: when lastSeen is worth a registry write', () => {
  const now = Date.parse('2026-12-06T12:00:00.000Z')
  const at = (msAgo: number) => new Date(now - msAgo).toISOString()

  it('nothing stored, or another phase: written', () => {
    expect(lastSeenDue(null, 'Ready', now)).to.equal(true)
    expect(lastSeenDue(undefined, 'Ready', now)).to.equal(true)
    expect(lastSeenDue({at: at(1000), phase: 'Provisioning'}, 'Ready', now)).to.equal(true)
  })

  it('the same phase seen within LAST_SEEN_FRESH_MS: not written; older, or dated in the future: written', () => {
    expect(lastSeenDue({at: at(0), phase: 'Ready'}, 'Ready', now)).to.equal(false)
    expect(lastSeenDue({at: at(LAST_SEEN_FRESH_MS - 1), phase: 'Ready'}, 'Ready', now)).to.equal(false)
    expect(lastSeenDue({at: at(LAST_SEEN_FRESH_MS), phase: 'Ready'}, 'Ready', now)).to.equal(true)
    expect(lastSeenDue({at: at(-5000), phase: 'Ready'}, 'Ready', now)).to.equal(true)
    expect(lastSeenDue({at: 'not a date', phase: 'Ready'}, 'Ready', now)).to.equal(true)
  })
})
