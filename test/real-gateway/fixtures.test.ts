// The recorded real-gateway fixtures (test/fixtures/openshell/0.0.111/real-gateway/) still match the binaries: the
// cheap capture groups run again against the real 0.0.111 gateway and CLI and must print exactly what was recorded
// (after the capture's normalisation). A difference means the binary, the harness or the machine drifted: look at
// the diff, then re-capture with `npx tsx scripts/capture-real-gateway.ts` and re-run the simulator replay
// (test/simulator/real-gateway-0_0_111.test.ts). The slow groups (restarts, rotation, rebuild) are only re-captured.
import {expect} from 'chai'

import {captureRealGateway, fixtureNames, GROUPS, readFixture, type RealGatewayFixture} from '../support/real-gateway-capture.js'
import {requireRealGateway} from '../support/real-gateway.js'

const CHEAP = Object.entries(GROUPS).filter(([, g]) => g.cheap).map(([name]) => name)
const compared = (f: RealGatewayFixture) => ({argv: f.argv, env: f.env, exitCode: f.exitCode, sequence: f.sequence, stderr: f.stderr, stdout: f.stdout})

describe('real gateway: the recorded fixtures still match the real 0.0.111 binaries', function () {
  this.timeout(300_000)

  before(function () {
    requireRealGateway(this)
  })

  for (const group of CHEAP) {
    it(`group ${group}: every case prints what was recorded`, async () => {
      const recorded = new Set(fixtureNames().filter((n) => readFixture(n).group === group))
      const fresh = await captureRealGateway([group])
      expect(fresh.map((f) => f.case).sort(), 'the same cases').to.deep.equal([...recorded].sort())
      for (const f of fresh) expect(compared(f), f.case).to.deep.equal(compared(readFixture(f.case)))
    })
  }
})
