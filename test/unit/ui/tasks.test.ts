// The task-list executor and its off-TTY renderer (one result line per task when it ends, in task order); a fatal
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
function step(
  title: string,
  verdict: 'ok' | 'fail' | 'throw',
  gate: Promise<unknown> = Promise.resolve(),
  extra: Partial<StepSpec<object>> = {},
): StepSpec<object> {
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

/** A promise and the function that resolves it. */
function gate(): {open: () => void; opened: Promise<void>} {
  let open!: () => void
  const opened = new Promise<void>((r) => {
    open = r
  })
  return {open, opened}
}

/** Let every step that can run on, run on (the steps here wait only on gates). */
const settle = () => new Promise((r) => setImmediate(r))

describe('ui/tasks: runSteps', () => {
  it('off a TTY, a concurrent task that ends first waits for the earlier one: one line per task, in task order', async () => {
    const out = sink()
    const slow = gate()
    let fastEnded = false
    const fast = step('fast', 'fail')
    const fastRecorded: StepSpec<object> = {
      ...fast,
      async run(c, u) {
        const verdict = await fast.run(c, u)
        fastEnded = true
        return verdict
      },
    }
    const running = runSteps({}, [step('slow', 'ok', slow.opened), fastRecorded], {
      concurrent: true,
      stream: out.stream,
    })
    await settle()
    expect(fastEnded).to.equal(true)
    expect(out.text()).to.equal('')
    slow.open()
    expect(await running).to.deep.equal({failed: ['fast'], ok: false})
    expect(out.text()).to.equal('✔ slow  ✔ slow fine\n✖ fast  ✖ fast broken\n')
  })

  it('off a TTY, each line is printed as soon as every task before it has ended', async () => {
    const out = sink()
    const [a, b, c] = [gate(), gate(), gate()]
    const running = runSteps({}, [step('a', 'ok', a.opened), step('b', 'ok', b.opened), step('c', 'ok', c.opened)], {
      concurrent: true,
      stream: out.stream,
    })
    c.open()
    await settle()
    expect(out.text()).to.equal('')
    a.open()
    await settle()
    expect(out.text()).to.equal('✔ a  ✔ a fine\n')
    b.open()
    await running
    expect(out.text()).to.equal('✔ a  ✔ a fine\n✔ b  ✔ b fine\n✔ c  ✔ c fine\n')
  })

  it('off a TTY, a sequential list prints each task once, when it ends, and nothing when it starts', async () => {
    const out = sink()
    const second = gate()
    const running = runSteps({}, [step('one', 'ok'), step('two', 'ok', second.opened)], {stream: out.stream})
    await settle()
    expect(out.text()).to.equal('✔ one  ✔ one fine\n')
    second.open()
    await running
    expect(out.text()).to.equal('✔ one  ✔ one fine\n✔ two  ✔ two fine\n')
  })

  it('a fatal failure skips the steps after it, naming it; a thrown error is a failure with its message', async () => {
    const out = sink()
    const r = await runSteps({}, [step('one', 'throw', undefined, {fatal: true}), step('two', 'ok')], {
      stream: out.stream,
    })
    expect(out.text()).to.equal("✖ one  ✖ one blew up\n↓ two  – not run: 'one' failed\n")
    expect(r.failed).to.deep.equal(['one'])
  })

  it('a non-fatal failure lets the next step run', async () => {
    const out = sink()
    let ran = false
    await runSteps({}, [step('one', 'fail'), {run: async () => ((ran = true), {ok: true}), title: 'two'}], {
      stream: out.stream,
    })
    expect(ran).to.equal(true)
    expect(out.text()).to.equal('✖ one  ✖ one broken\n✔ two  ✔\n')
  })

  it('a warning is drawn ⚠, not ✔, and is not a failure', async () => {
    const out = sink()
    const r = await runSteps(
      {},
      [
        {run: async () => ({note: 'mode 0755', ok: true, warning: true}), title: 'registry'},
        {run: async () => ({ok: true, warning: true}), title: 'bare'},
        step('fine', 'ok'),
      ],
      {concurrent: true, stream: out.stream},
    )
    expect(out.text()).to.equal('⚠ registry  ⚠ mode 0755\n⚠ bare  ⚠\n✔ fine  ✔ fine fine\n')
    expect(r).to.deep.equal({failed: [], ok: true})
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
