/**
 * `openshell --version` parsing and the capability table. Capabilities are decided from the version alone.
 */
import {stripAnsi} from './text.js'
import type {Capabilities, SemVer} from './types.js'

/** Newest release nemoclaw was written against; anything newer is treated as modern and flagged. */
export const NEWEST_KNOWN = '0.1.5'
/** Oldest release nemoclaw supports (first captured legacy release). Older → `unsupported`. */
export const OLDEST_SUPPORTED = '0.0.10'

/** Capability thresholds (first version that has the capability). */
const THRESHOLDS = {
  modern: '0.0.37',
  sandboxListJson: '0.0.44',
  tonicModern: '0.0.61',
  gatewayInfoLive: '0.0.85',
  statusJson: '0.0.92',
  sandboxListPaged: '0.1.0',
  /**
   * `sandbox list --limit N --offset N` (default limit 100, the rest cut silently). Seen in the `sandbox list --help`
   * of the real 0.0.26, 0.0.83 (strings) and 0.0.111 binaries, and 0.0.26 and 0.0.111 were run against a stub
   * gateway with 150+ sandboxes. Below 0.0.26 nemoclaw makes one plain call and treats a full default page as
   * incomplete. 0.1.0 replaced the flags with `--page-size` / `--page-token`.
   */
  sandboxListOffset: '0.0.26',
  /** `sandbox start` / `sandbox stop` (the CLI gained them in 0.0.105; 0.0.26 has neither; run on 0.0.111). */
  sandboxStart: '0.0.105',
} as const

const LEGACY_DEFAULT_PORT = 8080
export const MODERN_DEFAULT_PORT = 17670

/** Parse `x.y.z` (optionally prefixed with `v`, with a pre-release/build suffix ignored). */
export function parseSemVer(raw: string): SemVer | undefined {
  const m = /^\s*v?(\d+)\.(\d+)\.(\d+)/.exec(raw)
  if (!m) return undefined
  return {major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), raw: `${m[1]}.${m[2]}.${m[3]}`}
}

/** Parse the output of `openshell --version` (`openshell 0.0.26`), ANSI codes tolerated. */
export function parseVersion(stdout: string): SemVer | undefined {
  const m = /openshell\s+(\d+\.\d+\.\d+)/i.exec(stripAnsi(stdout))
  return m ? parseSemVer(m[1]) : undefined
}

export function compareVersions(a: SemVer, b: SemVer): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch
}

function sv(raw: string): SemVer {
  const v = parseSemVer(raw)
  if (!v) throw new Error(`invalid version constant ${raw}`)
  return v
}

/** True when `version` ≥ `min` (`min` as `x.y.z`). */
function atLeast(version: SemVer, min: string): boolean {
  return compareVersions(version, sv(min)) >= 0
}

/** Capabilities of a given `openshell` version. Accepts a SemVer or an `x.y.z` string. */
export function capabilitiesFor(version: SemVer | string): Capabilities {
  const v = typeof version === 'string' ? parseSemVer(version) : version
  if (!v) throw new Error(`not a version: ${String(version)}`)
  const modern = atLeast(v, THRESHOLDS.modern)
  return {
    version: v,
    generation: modern ? 'modern' : 'legacy',
    legacyLifecycle: !modern,
    gatewayRegistry: modern,
    gatewayListJson: modern,
    sandboxListJson: atLeast(v, THRESHOLDS.sandboxListJson),
    sandboxListPaged: atLeast(v, THRESHOLDS.sandboxListPaged),
    sandboxListOffset: atLeast(v, THRESHOLDS.sandboxListOffset) && !atLeast(v, THRESHOLDS.sandboxListPaged),
    statusJson: atLeast(v, THRESHOLDS.statusJson),
    sandboxStart: atLeast(v, THRESHOLDS.sandboxStart),
    gatewayInfoLive: atLeast(v, THRESHOLDS.gatewayInfoLive),
    tonicStyle: atLeast(v, THRESHOLDS.tonicModern) ? 'modern' : 'legacy',
    defaultPort: modern ? MODERN_DEFAULT_PORT : LEGACY_DEFAULT_PORT,
    newerThanKnown: compareVersions(v, sv(NEWEST_KNOWN)) > 0,
    unsupported: compareVersions(v, sv(OLDEST_SUPPORTED)) < 0,
  }
}
