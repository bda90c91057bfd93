// Helpers to run REAL openshell binaries installed by scripts/install-openshell.sh (.cache/openshell/).
import {execa} from 'execa'
import {existsSync, mkdirSync, readFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {capabilitiesFor} from '../../src/lib/openshell/version.js'
import {hostEnv} from './inprocess.js'

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const versionsFile = join(repoRoot, '.cache', 'openshell', 'versions.json')

export interface RealEntry {
  version: string
  kind: 'cli' | 'sdk'
  /** null for SDK-only releases (PyPI >= 0.0.113 ships no CLI). */
  binary: string | null
  python: string
  proto_dir: string
  patched?: string | null
  cli_unavailable?: string
}

export interface VersionsDoc {
  unavailable?: string
  versions?: RealEntry[]
}

function readDoc(): {doc?: VersionsDoc; reason?: string} {
  if (!existsSync(versionsFile)) return {reason: `${versionsFile} missing: run \`bash scripts/install-openshell.sh\``}
  try {
    const doc = JSON.parse(readFileSync(versionsFile, 'utf8')) as VersionsDoc
    if (doc.unavailable) return {reason: `real openshell unavailable: ${doc.unavailable}`}
    return {doc}
  } catch (error) {
    return {reason: `${versionsFile} unreadable: ${(error as Error).message}`}
  }
}

/**
 * A prerequisite of a real-binary test is missing: skip with the reason on a developer's machine, but fail under
 * CI=true — CI must never pass by silently skipping what it exists to run.
 */
export function skipOrFail(ctx: Mocha.Context, reason: string): never {
  if (process.env.CI === 'true') throw new Error(`required under CI: ${reason}`)
  console.log(`      SKIP: ${reason}`)
  ctx.skip()
  throw new Error('unreachable: mocha skip() throws')
}

/** Versions with a runnable real CLI binary; `[]` plus a reason when none. */
export function realOpenshellVersions(): {versions: RealEntry[]; reason?: string} {
  const {doc, reason} = readDoc()
  if (!doc) return {versions: [], reason}
  const versions = (doc.versions ?? []).filter((v) => v.kind === 'cli' && v.binary && existsSync(v.binary))
  return versions.length > 0 ? {versions} : {versions: [], reason: 'no real openshell CLI binary installed'}
}

/** Every installed release (CLI and SDK-only), for descriptor checks. */
export function installedReleases(): {releases: RealEntry[]; reason?: string} {
  const {doc, reason} = readDoc()
  return doc ? {releases: doc.versions ?? []} : {releases: [], reason}
}

/** The legacy line (<= 0.0.36): Docker-driven lifecycle, its own wire, no `-o json`. */
export const isLegacyCli = (version: string): boolean => capabilitiesFor(version).generation === 'legacy'

/** A Docker socket that does not exist: legacy CLIs (<= 0.0.36) drive Docker for `gateway start/stop/add --local`
 *  and must never reach a developer's real Docker from a test. Tests that want Docker pass a fake one. */
export const NO_DOCKER_HOST = 'unix:///nonexistent/openshell-conformance/docker.sock'

/** Environment for running the real binary with a private HOME/XDG tree and nothing else inherited. */
export function realEnv(version: string, home: string, extra: Record<string, string> = {}): Record<string, string> {
  for (const d of ['.config', '.local/state']) mkdirSync(join(home, d), {recursive: true})
  return {
    ...(isLegacyCli(version) ? {DOCKER_HOST: NO_DOCKER_HOST} : {}),
    PATH: hostEnv().PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    LANG: 'C.UTF-8',
    ...extra,
  }
}

export interface RealRun {
  version: string
  argv: string[]
  env: Record<string, string>
  exitCode: number | null
  stdout: string
  stderr: string
  timedOut: boolean
  durationMs: number
}

/** Run the real binary (async: an in-process stub gateway must keep serving meanwhile). */
export async function runReal(
  entry: RealEntry,
  argv: string[],
  home: string,
  opts: {env?: Record<string, string>; timeoutMs?: number} = {},
): Promise<RealRun> {
  const env = realEnv(entry.version, home, opts.env)
  const t0 = Date.now()
  const r = await execa(entry.binary!, argv, {
    env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: opts.timeoutMs ?? 20_000,
    stripFinalNewline: false,
    detached: true,
    forceKillAfterDelay: 1000,
  })
  return {
    version: entry.version,
    argv: ['openshell', ...argv],
    env: opts.env ?? {},
    exitCode: r.exitCode ?? null,
    stdout: String(r.stdout ?? ''),
    stderr: String(r.stderr ?? ''),
    timedOut: Boolean(r.timedOut),
    durationMs: Date.now() - t0,
  }
}

/** Strip ANSI SGR codes (0.0.x colours even when piped). */
// eslint-disable-next-line no-control-regex
export const stripAnsi = (s: string): string => s.replaceAll(/\u001B\[[0-9;]*m/g, '')
