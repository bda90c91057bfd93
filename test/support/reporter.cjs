// mocha's spec reporter plus one plain closing line (`tests: N passed, N failed, N skipped`) that CI log readers
// understand in any language, preceded by the real-gateway tests' own count and time (test/real-gateway/).
// With NEMOCLAW_TEST_TIMINGS=<file>, one JSON line per test ({file, title, ms, state}) is appended to that file
// (how test/support/durations.json, the queue order of `npm test`, is measured).
'use strict'
const fs = require('node:fs')
const path = require('node:path')
const Mocha = require('mocha')

const REAL = `${path.sep}test${path.sep}real-gateway${path.sep}`

class SpecWithSummary extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options)
    const real = {failed: 0, ms: 0, passed: 0, skipped: 0}
    const isReal = (test) => typeof test.file === 'string' && test.file.includes(REAL)
    const timings = process.env.NEMOCLAW_TEST_TIMINGS
    if (timings) {
      const record = (state) => (t) => {
        fs.appendFileSync(
          timings,
          JSON.stringify({file: t.file, ms: t.duration ?? 0, state, title: t.fullTitle()}) + '\n',
        )
      }

      runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, record('passed'))
      runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, record('failed'))
    }

    runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, (t) => {
      if (!isReal(t)) return
      real.passed++
      real.ms += t.duration ?? 0
    })
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (t) => {
      if (isReal(t)) real.failed++
    })
    runner.on(Mocha.Runner.constants.EVENT_TEST_PENDING, (t) => {
      if (isReal(t)) real.skipped++
    })
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const s = runner.stats || {}
      const r = real
      if (r.passed + r.failed + r.skipped > 0) {
        process.stdout.write(
          `\nreal-gateway tests (OpenShell 0.0.111, Docker): ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped in ${Math.round(r.ms / 1000)} s\n`,
        )
      }

      process.stdout.write(`\ntests: ${s.passes ?? 0} passed, ${s.failures ?? 0} failed, ${s.pending ?? 0} skipped\n`)
    })
  }
}

module.exports = SpecWithSummary
