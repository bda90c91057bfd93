// The configuration of `npm test`: every test file once, longest first, in parallel.
//
// mocha does not de-duplicate overlapping spec globs in parallel mode, so the spec list is computed here: one
// entry per file. The files are queued longest first (their measured seconds, test/support/durations.json) so
// the long, mostly waiting real-gateway files start at once and the short CPU-bound files fill in around them
// (regenerate the table from a run with NEMOCLAW_TEST_TIMINGS=file: per file, the sum of its tests' ms / 1000).
// `npx mocha path/to/file.test.ts` keeps using .mocharc.json (this file is only read by `npm test`).
'use strict'
const fs = require('node:fs')
const path = require('node:path')

const root = path.resolve(path.dirname(require.resolve('./mocharc.full.cjs')), '..')
const base = JSON.parse(fs.readFileSync(path.join(root, '.mocharc.json'), 'utf8'))
const durations = JSON.parse(fs.readFileSync(path.join(root, 'test', 'support', 'durations.json'), 'utf8'))

function testFiles(dir) {
  const out = []
  for (const entry of fs.readdirSync(dir, {withFileTypes: true})) {
    const p = path.join(dir, entry.name)
    if (entry.isDirectory()) out.push(...testFiles(p))
    else if (entry.name.endsWith('.test.ts')) out.push(path.relative(root, p).split(path.sep).join('/'))
  }

  return out
}

const spec = [...new Set(testFiles(path.join(root, 'test')))].sort(
  (a, b) => (durations[b] ?? 0) - (durations[a] ?? 0) || a.localeCompare(b),
)

module.exports = {
  ...base,
  // More workers than the 2 cores: the two real-gateway lifecycle halves mostly wait (Docker, gateway restarts), so
  // two more workers keep the cores busy with the CPU-bound files meanwhile. NEMOCLAW_TEST_JOBS overrides.
  jobs: Number(process.env.NEMOCLAW_TEST_JOBS) || 4,
  parallel: true,
  spec,
}
