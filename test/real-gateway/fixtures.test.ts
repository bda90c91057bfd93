// The recorded real-gateway fixtures (test/fixtures/openshell/0.0.111/real-gateway/) still match the binaries: the
// cheap capture groups run again against the real 0.0.111 gateway and CLI and must print exactly what was recorded
// (after the capture's normalisation). A difference means the binary, the harness or the machine drifted: look at
// the diff, then re-capture with `npx tsx scripts/capture-real-gateway.ts` and re-run the simulator replay
// (test/simulator/real-gateway-0_0_111.test.ts). The slow groups (restarts, rotation, rebuild) are only re-captured.
import {expect} from 'chai'
import {isDeepStrictEqual} from 'node:util'
import stripAnsi from 'strip-ansi'

import {
  captureRealGateway,
  fixtureNames,
  GROUPS,
  readFixture,
  type RealGatewayFixture,
} from '../support/real-gateway-capture.js'
import {requireRealGateway} from '../support/real-gateway.js'

const CHEAP = Object.entries(GROUPS)
  .filter(([, g]) => g.cheap)
  .map(([name]) => name)
const compared = (f: RealGatewayFixture) => ({
  argv: f.argv,
  env: f.env,
  exitCode: f.exitCode,
  sequence: f.sequence,
  stderr: f.stderr,
  stdout: f.stdout,
})

/**
 * Cases that read a sandbox right after `sandbox delete`: the gateway finishes the deletion in the background, so
 * what they print depends on how far it got (on a quiet machine both already find nothing; under load `get` and
 * `list` may still show it Deleting). Either the recorded output or the other side of that race, as described
 * here, passes.
 */
const DELETE_RACES: Record<string, (f: RealGatewayFixture) => boolean> = {
  // the recording is the quiet side (not found); under load `get` still finds it Deleting
  'sandbox-delete-get': (f) =>
    f.exitCode === 0 &&
    f.stderr === '' &&
    /^\s*Name:\s+doomed$/m.test(stripAnsi(f.stdout)) &&
    /^\s*Phase:\s+Deleting$/m.test(stripAnsi(f.stdout)),
  'sandbox-delete-list': (f) =>
    f.exitCode === 0 && f.stderr === '' && /^doomed\s.*\sDeleting$/m.test(stripAnsi(f.stdout)),
}

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
      for (const f of fresh) {
        const recorded = compared(readFixture(f.case))
        const race = DELETE_RACES[f.case]
        if (race && !isDeepStrictEqual(compared(f), recorded))
          expect(
            race(f),
            `${f.case}: neither the recording nor the other side of the race\n${JSON.stringify(f, null, 2)}`,
          ).to.equal(true)
        else expect(compared(f), f.case).to.deep.equal(recorded)
      }
    })
  }
})
