import {expect} from 'chai'

import {backoff, type Clock, jitter, poll} from '../../src/lib/poll.js'

/** A clock that only moves when the poll sleeps or a try takes time: no real waiting. */
function fakeClock(): Clock & {t: number; sleeps: number[]} {
  const c = {
    now: () => c.t,
    async sleep(ms: number) {
      c.sleeps.push(ms)
      c.t += ms
    },
    sleeps: [] as number[],
    t: 1000,
  }
  return c
}

const take = (it: Iterable<number>, n: number): number[] => {
  const out: number[] = []
  for (const x of it) {
    if (out.length === n) break
    out.push(x)
  }

  return out
}

describe('poll: bounded waits with backoff', () => {
  it('backoff grows by its factor up to the cap; jitter scales each delay into [0.5, 1.5)', () => {
    expect(take(backoff(100, 1.5, 250), 5)).to.deep.equal([100, 150, 225, 250, 250])
    expect(take(backoff(250, 1, 250), 3)).to.deep.equal([250, 250, 250])
    const r = [0, 0.5, 0.75]
    expect(
      take(
        jitter([10, 10, 10], () => r.shift()!),
        3,
      ),
    ).to.deep.equal([5, 10, 12.5])
  })

  it('returns the first answer without waiting when it is already the wanted one', async () => {
    const clock = fakeClock()
    let tries = 0
    expect(
      await poll(
        async () => ++tries,
        () => true,
        {clock, delays: backoff(), timeoutMs: 1000},
      ),
    ).to.equal(1)
    expect(clock.sleeps).to.deep.equal([])
  })

  it('waits the backoff delays between tries until done', async () => {
    const clock = fakeClock()
    let tries = 0
    const answer = await poll(
      async () => ++tries,
      (n) => n === 4,
      {clock, delays: backoff(100, 2, 1000), timeoutMs: 10_000},
    )
    expect(answer).to.equal(4)
    expect(clock.sleeps).to.deep.equal([100, 200, 400])
  })

  it('never waits past the deadline, tries once more after the last wait, then returns the last answer', async () => {
    const clock = fakeClock()
    let tries = 0
    const answer = await poll(
      async () => ++tries,
      () => false,
      {clock, delays: backoff(400, 1, 400), timeoutMs: 1000},
    )
    expect(clock.sleeps).to.deep.equal([400, 400, 200])
    expect(answer).to.equal(4)
    expect(clock.t).to.equal(2000)
  })

  it("with spacing 'start', a slow try shortens the next wait (delays count from the previous try's start)", async () => {
    const clock = fakeClock()
    let tries = 0
    const slow = async () => {
      clock.t += 150 // each try takes 150 ms
      return ++tries
    }

    await poll(slow, (n) => n === 3, {clock, delays: backoff(100, 2, 1000), spacing: 'start', timeoutMs: 10_000})
    // 100 ms after a try that started 150 ms ago: no wait; 200 ms: 50 more
    expect(clock.sleeps).to.deep.equal([50])
    const endSpaced = fakeClock()
    tries = 0
    await poll(
      async () => {
        endSpaced.t += 150
        return ++tries
      },
      (n) => n === 3,
      {clock: endSpaced, delays: backoff(100, 2, 1000), timeoutMs: 10_000},
    )
    expect(endSpaced.sleeps).to.deep.equal([100, 200])
  })

  it('counts an answer in hand as the first try, and reports each answer before its wait', async () => {
    const clock = fakeClock()
    const seen: string[] = []
    const answers = ['b', 'c']
    const answer = await poll(
      async () => answers.shift()!,
      (a) => a === 'c',
      {clock, delays: backoff(10, 1, 10), first: {value: 'a'}, onWait: (a) => seen.push(a), timeoutMs: 100},
    )
    expect(answer).to.equal('c')
    expect(seen).to.deep.equal(['a', 'b'])
    expect(clock.sleeps).to.deep.equal([10, 10])
  })

  it('ends with the error of a try that throws', async () => {
    const clock = fakeClock()
    let tries = 0
    const failing = async () => {
      if (++tries === 2) throw new Error('boom')
      return tries
    }

    let caught: unknown
    await poll(failing, () => false, {clock, delays: backoff(), timeoutMs: 1000}).catch((error: unknown) => {
      caught = error
    })
    expect((caught as Error).message).to.equal('boom')
    expect(tries).to.equal(2)
  })
})
