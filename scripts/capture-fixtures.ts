// Regenerate test/fixtures/openshell/<version>/<case>.json from the REAL openshell binaries installed by
// scripts/install-openshell.sh. Usage: npx tsx scripts/capture-fixtures.ts [--version 0.0.111]
// Each fixture: {version, argv, env (only the variables the case sets), exitCode, stdout, stderr, note, ...}.
// Run-specific values (ports, UUIDs, temp paths, confirmation codes) are normalised (see normalize()).
import {mkdirSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {normalize, runScenarios} from '../test/conformance/scenarios.js'
import {realOpenshellVersions, repoRoot} from '../test/support/real-openshell.js'

const only = process.argv.includes('--version') ? process.argv[process.argv.indexOf('--version') + 1] : undefined
const {versions, reason} = realOpenshellVersions()
if (versions.length === 0) {
  console.error(`capture-fixtures: nothing to capture: ${reason}`)
  process.exit(1)
}
for (const entry of versions.filter((v) => !only || v.version === only)) {
  const t0 = Date.now()
  const results = await runScenarios(entry, (m) => console.error(`[${entry.version}] ${m}`))
  const dir = join(repoRoot, 'test', 'fixtures', 'openshell', entry.version)
  mkdirSync(dir, {recursive: true})
  for (const f of readdirSync(dir)) if (f.endsWith('.json')) rmSync(join(dir, f))
  for (const r of results) {
    const fixture = {
      version: entry.version,
      case: r.case,
      argv: r.argv.map((a) => normalize(a)),
      env: Object.fromEntries(Object.entries(r.env).map(([k, v]) => [k, normalize(v)])),
      exitCode: r.exitCode,
      timedOut: r.timedOut || undefined,
      stdout: normalize(r.stdout),
      stderr: normalize(r.stderr),
      note: r.note + (entry.patched ? ` [binary: ${entry.patched}]` : ''),
      ...(r.files
        ? {files: r.files.map((f) => ({...f, content: f.content === undefined ? undefined : normalize(f.content)}))}
        : {}),
      ...(r.rpcs ? {rpcs: JSON.parse(normalize(JSON.stringify(r.rpcs)))} : {}),
    }
    writeFileSync(join(dir, `${r.case}.json`), JSON.stringify(fixture, null, 2) + '\n')
  }
  console.error(`capture-fixtures: ${results.length} fixtures for ${entry.version} in ${dir} (${Date.now() - t0} ms)`)
}
