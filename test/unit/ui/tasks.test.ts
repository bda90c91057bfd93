// The task-list executor and its off-TTY renderer (a start line, then a result line when each task ends); a fatal
// failure skips the rest; thrown errors become failures; --json prints nothing.
import {expect} from 'chai'
import {PassThrough} from 'node:stream'

import {chooseRenderer, runSteps, type StepSpec} from '../../../src/lib/ui/tasks.js'

function sink(): {stream: NodeJS.WriteStream; text(): string} {
  const s = new PassThrough()
  let text = ''
  s.on('data', (d) => {
    text += String(d)
  })
  return {stream: s as unknown as NodeJS.WriteStream, text: () => text}
}

/** A step that ends once `gate` resolves, with the given verdict. */
function step(title: string, verdict: 'ok' | 'fail' | 'throw', gate: Promise<unknown> = Promise.resolve(), extra: Partial<StepSpec<object>> = {}): StepSpec<object> {
  return {
    async run() {
      await gate
      if (verdict === 'throw') throw new Error(`${title} blew up`)
      return verdict === 'ok' ? {note: `${title} fine`, ok: true} : {note: `${title} broken`, ok: false}
    },
    title,
    ...extra,
  }
}

describe('ui/tasks: runSteps', () => {
  it('off a TTY, concurrent tasks all start, then each prints its result line when it ends', async () => {
    const out = sink()
    let release!: () => void
    const slow = new Promise<void>((r) => {
      release = r
    })
    const running = runSteps({}, [step('slow', 'ok', slow), step('fast', 'fail')], {concurrent: true, stream: out.stream})
    await new Promise((r) => setImmediate(r))
    expect(out.text()).to.equal('❯ slow\n❯ fast\n✖ fast  ✖ fast broken\n')
    release()
    expect(await running).to.deep.equal({failed: ['fast'], ok: false})
    expect(out.text()).to.equal('❯ slow\n❯ fast\n✖ fast  ✖ fast broken\n✔ slow  ✔ slow fine\n')
  })

  it('a fatal failure skips the steps after it, naming it; a thrown error is a failure with its message', async () => {
    const out = sink()
    const r = await runSteps({}, [step('one', 'throw', undefined, {fatal: true}), step('two', 'ok')], {stream: out.stream})
    expect(out.text()).to.equal("❯ one\n✖ one  ✖ one blew up\n❯ two\n↓ two  – not run: 'one' failed\n")
    expect(r.failed).to.deep.equal(['one'])
  })

  it('a non-fatal failure lets the next step run', async () => {
    const out = sink()
    let ran = false
    await runSteps({}, [step('one', 'fail'), {run: async () => ((ran = true), {ok: true}), title: 'two'}], {stream: out.stream})
    expect(ran).to.equal(true)
    expect(out.text()).to.equal('❯ one\n✖ one  ✖ one broken\n❯ two\n✔ two  ✔\n')
  })

  it('silent (--json) prints nothing and still reports failures', async () => {
    const out = sink()
    const r = await runSteps({}, [step('one', 'fail'), step('two', 'ok')], {silent: true, stream: out.stream})
    expect(out.text()).to.equal('')
    expect(r).to.deep.equal({failed: ['one'], ok: false})
  })

  it('chooses listr2 only on a TTY outside CI', () => {
    expect(chooseRenderer({isTTY: true})).to.equal('default')
    expect(chooseRenderer({ci: true, isTTY: true})).to.equal('simple')
    expect(chooseRenderer({isTTY: false})).to.equal('simple')
    expect(chooseRenderer({isTTY: true, silent: true})).to.equal('silent')
  })
})
