import {expect} from 'chai'
import {
  capabilitiesFor,
  compareVersions,
  NEWEST_KNOWN,
  OLDEST_SUPPORTED,
  parseSemVer,
  parseVersion,
} from '../../../src/lib/openshell/version.js'

describe('openshell/version', () => {
  it('parses `openshell x.y.z` from --version output', () => {
    expect(parseVersion('openshell 0.0.26\n')?.raw).to.equal('0.0.26')
    expect(parseVersion('OpenShell 0.1.2 (abc123 2026-07-01)')).to.deep.include({major: 0, minor: 1, patch: 2})
    expect(parseVersion('\u001B[1mopenshell\u001B[0m 0.0.10')?.raw).to.equal('0.0.10')
    expect(parseVersion('garbage')).to.equal(undefined)
    expect(parseVersion('')).to.equal(undefined)
  })

  it('compares versions numerically, not lexically', () => {
    expect(compareVersions(parseSemVer('0.0.9')!, parseSemVer('0.0.10')!)).to.be.lessThan(0)
    expect(compareVersions(parseSemVer('0.1.0')!, parseSemVer('0.0.116')!)).to.be.greaterThan(0)
  })

  const edges: Array<[string, string, keyof ReturnType<typeof capabilitiesFor>]> = [
    ['0.0.36', '0.0.37', 'gatewayRegistry'],
    ['0.0.36', '0.0.37', 'gatewayListJson'],
    ['0.0.43', '0.0.44', 'sandboxListJson'],
    ['0.0.84', '0.0.85', 'gatewayInfoLive'],
    ['0.0.91', '0.0.92', 'statusJson'],
    ['0.0.116', '0.1.0', 'sandboxListPaged'],
  ]
  for (const [before, at, cap] of edges) {
    it(`${cap}: false at ${before}, true at ${at}`, () => {
      expect(capabilitiesFor(before)[cap]).to.equal(false)
      expect(capabilitiesFor(at)[cap]).to.equal(true)
    })
  }

  it('sandboxStart (`sandbox start`/`stop`) exists from 0.0.105 on (not in 0.0.26, used on 0.0.111)', () => {
    expect(
      ['0.0.26', '0.0.104', '0.0.105', '0.0.111', '0.1.5'].map((v) => capabilitiesFor(v).sandboxStart),
    ).to.deep.equal([false, false, true, true, true])
  })

  it('sandboxListOffset (--limit/--offset paging) holds for 0.0.26 ≤ v < 0.1.0 only', () => {
    expect(
      ['0.0.10', '0.0.25', '0.0.26', '0.0.43', '0.0.83', '0.0.111', '0.0.116', '0.1.0', '0.1.5'].map(
        (v) => capabilitiesFor(v).sandboxListOffset,
      ),
    ).to.deep.equal([false, false, true, true, true, true, true, false, false])
    // exactly one paging scheme (or none) per version
    for (const v of ['0.0.25', '0.0.43', '0.0.111', '0.1.5']) {
      const c = capabilitiesFor(v)
      expect(Number(c.sandboxListOffset) + Number(c.sandboxListPaged), v).to.be.at.most(1)
    }
  })

  it('generation, legacy lifecycle and default port switch at 0.0.37', () => {
    const a = capabilitiesFor('0.0.36')
    const b = capabilitiesFor('0.0.37')
    expect([a.generation, a.legacyLifecycle, a.defaultPort]).to.deep.equal(['legacy', true, 8080])
    expect([b.generation, b.legacyLifecycle, b.defaultPort]).to.deep.equal(['modern', false, 17670])
  })

  it('tonic style switches at 0.0.61', () => {
    expect(capabilitiesFor('0.0.60').tonicStyle).to.equal('legacy')
    expect(capabilitiesFor('0.0.61').tonicStyle).to.equal('modern')
  })

  it('flags newer than known and treats it as modern with every capability', () => {
    expect(capabilitiesFor(NEWEST_KNOWN).newerThanKnown).to.equal(false)
    const c = capabilitiesFor('0.1.6')
    expect(c.newerThanKnown).to.equal(true)
    expect(c.generation).to.equal('modern')
    expect([c.sandboxListPaged, c.statusJson, c.gatewayInfoLive, c.unsupported]).to.deep.equal([
      true,
      true,
      true,
      false,
    ])
    expect(capabilitiesFor('1.0.0').newerThanKnown).to.equal(true)
  })

  it('flags versions older than the oldest supported', () => {
    expect(capabilitiesFor(OLDEST_SUPPORTED).unsupported).to.equal(false)
    expect(capabilitiesFor('0.0.9').unsupported).to.equal(true)
    expect(capabilitiesFor('0.0.9').generation).to.equal('legacy')
  })
})
