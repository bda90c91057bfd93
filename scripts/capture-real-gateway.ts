// Record what the REAL openshell 0.0.111 CLI prints against the REAL 0.0.111 gateway in every lifecycle state:
// test/fixtures/openshell/0.0.111/real-gateway/<case>.json (see the README there and test/support/real-gateway-capture.ts).
// Needs the prepared machine (Docker, the sandbox image, .cache/real-openshell/, the real CLI in .cache/openshell/).
// Usage: npx tsx scripts/capture-real-gateway.ts [GROUP...]   (groups: healthy restarts rotation rebuild provider inference)
// Idempotent: volatile parts are normalised, so a second run rewrites the same bytes. With groups, only their
// fixtures are rewritten; without, the folder's *.json are replaced.
import {mkdirSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {captureRealGateway, GROUPS, REAL_GATEWAY_FIXTURES} from '../test/support/real-gateway-capture.js'
import {realGatewayPrereqs} from '../test/support/real-gateway.js'

const prereqs = realGatewayPrereqs()
if (!prereqs.ok) {
  console.error(`capture-real-gateway: real gateway unavailable: ${prereqs.reason}`)
  process.exit(1)
}

const groups = process.argv.slice(2)
for (const g of groups)
  if (!(g in GROUPS)) {
    console.error(`capture-real-gateway: unknown group '${g}' (${Object.keys(GROUPS).join(', ')})`)
    process.exit(2)
  }

const t0 = Date.now()
const fixtures = await captureRealGateway(groups.length > 0 ? groups : undefined, (m) =>
  console.error(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`),
)
mkdirSync(REAL_GATEWAY_FIXTURES, {recursive: true})
if (groups.length === 0)
  for (const f of readdirSync(REAL_GATEWAY_FIXTURES)) if (f.endsWith('.json')) rmSync(join(REAL_GATEWAY_FIXTURES, f))
for (const f of fixtures)
  writeFileSync(join(REAL_GATEWAY_FIXTURES, `${f.case}.json`), JSON.stringify(f, null, 2) + '\n')
console.error(`capture-real-gateway: ${fixtures.length} fixtures in ${REAL_GATEWAY_FIXTURES} (${Date.now() - t0} ms)`)
