/**
 * Bounded waits, one shape for all of them (principle 5: every wait is a bounded poll with backoff, no fixed sleeps):
 * try, and while the answer is not the one wanted and the deadline has not passed, wait the next delay — never past
 * the deadline — and try again. Used by the gateway health wait, the sandbox-ready waits of onboard and recovery,
 * and the registry and onboard-name locks.
 */

/** Delays growing by `factor` from `initialMs` up to `capMs` (rounded to whole ms). */
export function* backoff(initialMs = 100, factor = 1.5, capMs = 250): Generator<number> {
  let d = initialMs
  for (;;) {
    yield d
    d = Math.min(capMs, Math.round(d * factor))
  }
}

/** Each delay scaled by a random factor in [0.5, 1.5): waiters that started together do not retry together. */
export function* jitter(delays: Iterable<number>, random: () => number = Math.random): Generator<number> {
  for (const d of delays) yield d * (0.5 + random())
}

/** The one sleep of the bounded polls; never a fixed wait on its own. */
const sleep = (ms: number): Promise<void> =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms)
  })

export interface Clock {
  now(): number
  sleep(ms: number): Promise<void>
}

const REAL_CLOCK: Clock = {now: () => Date.now(), sleep}

interface PollOptions<T> {
  /** How long the poll may go on: no new wait starts once this long has passed since the poll began. */
  timeoutMs: number
  /** The waits between tries (e.g. backoff(), jitter(backoff())). */
  delays: Iterable<number>
  /**
   * `end` (default): each delay counts from the end of a try. `start`: from the start of the previous try, so a slow
   * try is not followed by the whole delay again (a gateway that comes back is noticed within one delay).
   */
  spacing?: 'end' | 'start'
  /** An answer already in hand: it counts as the first try. */
  first?: {value: T}
  /** Called with the answer before each wait (to show progress). */
  onWait?: (answer: T) => void
  clock?: Clock
}

/**
 * Try until `done(answer)` or the deadline; returns the last answer. The first try is immediate; after the deadline
 * has passed no new wait starts (a try already under way finishes). A try that throws ends the poll with its error.
 */
export async function poll<T>(
  attempt: () => Promise<T>,
  done: (answer: T) => boolean,
  options: PollOptions<T>,
): Promise<T> {
  const clock = options.clock ?? REAL_CLOCK
  const deadline = clock.now() + options.timeoutMs
  const delays = options.delays[Symbol.iterator]()
  let started = clock.now()
  let answer = options.first ? options.first.value : await attempt()
  while (!done(answer) && clock.now() < deadline) {
    options.onWait?.(answer)
    const next = delays.next()
    const delay = next.done ? 0 : next.value
    const now = clock.now()
    const wait = Math.min(
      Math.max(0, options.spacing === 'start' ? started + delay - now : delay),
      Math.max(0, deadline - now),
    )
    if (wait > 0 || options.spacing !== 'start') await clock.sleep(wait)
    started = clock.now()
    answer = await attempt()
  }

  return answer
}
