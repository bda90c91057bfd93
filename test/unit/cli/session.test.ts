// One reconcile per process, whatever fails: the prerun hook and the command share one outcome (a failed one too).
import type {Command} from '@oclif/core'
import {expect} from 'chai'

import {reconcileOnce, resetReconciliation, takeReconciliation} from '../../../src/lib/cli/session.js'
import {requireReconciliation} from '../../../src/lib/cli/targets.js'
import type {Reconciliation} from '../../../src/lib/reconcile/run.js'

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`)
  }
}

/** What a command needs for failCommand; exit/error end the flow by throwing, as oclif's do. */
const fakeCommand = {
  error(message: string, opts: {exit: number}): never {
    throw new Exit(opts.exit)
  },
  exit(code = 0): never {
    throw new Exit(code)
  },
} as unknown as Command

async function captureStdout(fn: () => Promise<unknown>): Promise<{out: string; error: unknown}> {
  const write = process.stdout.write.bind(process.stdout)
  let out = ''
  process.stdout.write = ((chunk: string) => {
    out += chunk
    return true
  }) as typeof process.stdout.write
  try {
    await fn()
    return {error: undefined, out}
  } catch (error) {
    return {error, out}
  } finally {
    process.stdout.write = write
  }
}

describe('session: one reconcile per process', () => {
  beforeEach(() => resetReconciliation())
  after(() => resetReconciliation())

  it('a failed reconcile is remembered: the next caller gets the same failure and runs nothing', async () => {
    let runs = 0
    const boom = new Error('registry lock held')
    const first = await reconcileOnce(async () => {
      runs++
      throw boom
    })
    const second = await reconcileOnce(async () => {
      runs++
      return {} as Reconciliation
    })
    expect(runs).to.equal(1)
    expect(first).to.deep.equal({error: boom, ok: false})
    expect(second).to.equal(first)
    expect(takeReconciliation()).to.equal(undefined)
  })

  it('requireReconciliation after a failed prerun reconcile reports it (one JSON error, exit 1) instead of reconciling again', async () => {
    await reconcileOnce(async () => {
      throw new Error('registry lock held')
    })
    const {error, out} = await captureStdout(() => requireReconciliation(fakeCommand, {json: true}))
    expect(error).to.be.instanceOf(Exit)
    expect((error as Exit).code).to.equal(1)
    expect(JSON.parse(out)).to.deep.equal({
      error: {id: 'reconcile_failed', message: 'Could not check the sandboxes against the gateway: registry lock held'},
      schemaVersion: 1,
    })
  })

  it('a successful reconcile is handed to the command as is', async () => {
    const r = {pruned: [], records: [], verdicts: []} as unknown as Reconciliation
    await reconcileOnce(async () => r)
    expect(takeReconciliation()).to.equal(r)
    expect(await requireReconciliation(fakeCommand, {json: true})).to.equal(r)
  })
})
