/**
 * The OpenShell class: version-aware calls to `openshell`, each returning Outcome<T>. Flags are chosen from the
 * detected capabilities (JSON where the version has it, text otherwise; lifecycle commands only where they exist).
 * A call that exits 0 but whose output does not parse is an `unparseable` failure, never an exception.
 *
 * Version detection runs once per process. With `versionCache` (the CLI's client), the version found is also
 * remembered between processes in `~/.cache/nemoclaw/openshell-version.json`, keyed by the binary (path, real path,
 * device, inode, size, mtime, ctime).
 * - For a native executable (ELF, Mach-O) that key cannot survive a replacement or an upgrade, so the remembered
 *   version IS the detection: no `--version` call (trustedHint).
 * - For a script (a shim or wrapper whose target may change without it) the cache is only a HINT: a read-only probe
 *   (`status`, `sandbox list`, …) whose argv depends on the version is started at once with the hinted version's
 *   flags, concurrently with the real `--version`; when the real version asks for the same argv the early run is
 *   used, otherwise it is discarded and the probe runs again with the right flags. Every decision is still made
 *   from the real `--version` of this process, so a stale or unreadable cache costs one extra call at most, never
 *   a wrong verdict; operations (anything that changes state) wait for the real detection.
 */
import {closeSync, openSync, readFileSync, readSync, realpathSync, statSync} from 'node:fs'
import path from 'node:path'

import {cacheDir, writeCacheFile} from '../dirs.js'
import {isEnvName, positiveNumberEnv} from '../env.js'
import {classifyFailure, evidenceOf, syntheticFailure} from './classify.js'
import {
  parseDeleteOutcome,
  parseGatewayAdd,
  parseGatewayInfo,
  parseGatewayList,
  parseGatewaySelect,
  isProviderNotFound,
  parseInferenceGet,
  parseNextPageToken,
  parseProviderGet,
  parseProviderList,
  parseSandboxCreate,
  parseSandboxGet,
  parseSandboxList,
  parseStatus,
} from './parsers.js'
import {defaultTimeout, type Env, resolveOpenshell, type ResolveResult, runOpenshell, type RunKind} from './runner.js'
import {capabilitiesFor, parseVersion} from './version.js'
import type {
  Capabilities,
  CredentialSpec,
  DeleteOutcome,
  Failure,
  GatewayAddResult,
  GatewayInfo,
  GatewayListEntry,
  GatewayStatus,
  InferenceRoute,
  Outcome,
  ProviderDetail,
  ProviderEntry,
  RunResult,
  SandboxDetail,
  SandboxList,
  SandboxSummary,
} from './types.js'

/** Default for `sandbox create`: OpenShell's own provisioning idle timeout is 300 s, so wait a little longer. */
const DEFAULT_CREATE_TIMEOUT_MS = 360_000
/** Default for legacy `gateway start` (pulls and boots a k3s cluster). */
const DEFAULT_GATEWAY_START_TIMEOUT_MS = 300_000
/** Page size requested from `sandbox list` (0.1.x `--page-size`, 0.0.x `--limit`), and the most pages followed. */
const SANDBOX_PAGE_SIZE = 1000
const MAX_SANDBOX_PAGES = 100
/**
 * What 0.0.x `sandbox list` returns without `--limit` (0.0.111: `--limit` default 100; the rest is cut silently,
 * exit 0, nothing on stderr). A list of exactly this many from a version that cannot page may be incomplete.
 */
const DEFAULT_0_0_LIST_LIMIT = 100

/**
 * The credential of a provider that needs none (ollama, vllm, custom without --credential-env). OpenShell has no
 * credential-less provider for these: `provider create` needs `--credential` (`--runtime-credentials` needs a
 * providers-v2 profile, and real 0.0.111 answers `provider profile 'openai' not found; providers v2 discovery
 * requires a provider profile`; 0.0.26 has no such flag), and the gateway routes inference only through a provider
 * holding a non-empty API key (it sends it as the bearer token; an endpoint without authentication ignores it).
 * So nemoclaw passes this NAME in argv and its fixed, non-secret VALUE only in the child's environment: argv never
 * carries a `KEY=VALUE`, and `provider get` shows the placeholder for what it is.
 */
export const PLACEHOLDER_CREDENTIAL = {name: 'NEMOCLAW_PLACEHOLDER_CREDENTIAL', value: 'not-a-secret'} as const

const placeholderEnv = (): Record<string, string> => ({[PLACEHOLDER_CREDENTIAL.name]: PLACEHOLDER_CREDENTIAL.value})

interface CallOptions {
  kind: RunKind
  gateway?: string
  timeoutMs?: number
  /** Extra environment for the child (merged over the client's). */
  env?: Record<string, string>
}

/**
 * Where the version hint lives: the user's cache directory (`$XDG_CACHE_HOME/nemoclaw`, else `~/.cache/nemoclaw`),
 * not `$NEMOCLAW_HOME`, which holds only the user's records.
 */
export function versionCachePath(env: Env): string {
  return path.join(cacheDir(env), 'openshell-version.json')
}

/** What identifies the binary the hint is about; any difference means "no hint". */
interface BinaryKey {
  path: string
  realPath: string
  dev: number
  ino: number
  size: number
  mtimeMs: number
  ctimeMs: number
}

export function binaryKey(file: string): BinaryKey | undefined {
  try {
    const st = statSync(file)
    return {
      ctimeMs: st.ctimeMs,
      dev: st.dev,
      ino: st.ino,
      mtimeMs: st.mtimeMs,
      path: file,
      realPath: realpathSync(file),
      size: st.size,
    }
  } catch {
    return undefined
  }
}

const KEY_FIELDS = ['path', 'realPath', 'dev', 'ino', 'size', 'mtimeMs', 'ctimeMs'] as const

function sameKey(a: unknown, b: BinaryKey): boolean {
  return typeof a === 'object' && a !== null && KEY_FIELDS.every((k) => (a as Record<string, unknown>)[k] === b[k])
}

/** ELF, or Mach-O (thin either byte order, or universal): a compiled binary, not a script. */
const NATIVE_MAGIC = ['7f454c46', 'feedface', 'feedfacf', 'cefaedfe', 'cffaedfe', 'cafebabe']

export function isNativeExecutable(file: string): boolean {
  let fd: number | undefined
  try {
    fd = openSync(realpathSync(file), 'r')
    const head = Buffer.alloc(4)
    return readSync(fd, head, 0, 4, 0) === 4 && NATIVE_MAGIC.includes(head.toString('hex'))
  } catch {
    return false
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

function sameArgv(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

interface OpenShellOptions {
  env?: Env
  /** Use this binary instead of resolving one (tests). */
  binary?: string
  /** Most `sandbox list` pages followed (default MAX_SANDBOX_PAGES; tests lower it). */
  maxListPages?: number
  /** Read and write the version hint (`~/.cache/nemoclaw/openshell-version.json`). The CLI turns it on. */
  versionCache?: boolean
}

function fail<T>(failure: Failure, run?: RunResult): Outcome<T> {
  return run ? {ok: false, failure, run} : {ok: false, failure}
}

function unparseable<T>(run: RunResult, what: string): Outcome<T> {
  const firstLines = run.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(0, 5)
  return fail(
    {
      kind: 'unparseable',
      message: `could not read the output of openshell ${run.argv.join(' ')} (${what})`,
      evidence: evidenceOf(run, firstLines),
    },
    run,
  )
}

function succeeded(run: RunResult): boolean {
  return run.exitCode === 0 && !run.timedOut && run.signal === null && !run.truncated && !run.spawnError
}

export class OpenShell {
  readonly env: Env
  private readonly fixedBinary?: string
  private readonly maxListPages: number
  private readonly versionCache: boolean
  private detection?: Promise<Outcome<Capabilities>>
  /** Set once detection has finished: no more speculation needed. */
  private detected?: Outcome<Capabilities>
  /** The cached version's capabilities when the cache matches the binary (undefined: not read yet; null: none). */
  private hinted?: Capabilities | null
  private resolved?: ResolveResult

  constructor(opts: OpenShellOptions = {}) {
    this.env = opts.env ?? process.env
    this.fixedBinary = opts.binary
    this.maxListPages = opts.maxListPages ?? MAX_SANDBOX_PAGES
    this.versionCache = opts.versionCache === true
  }

  /** Where the binary is (cached). */
  resolve(): ResolveResult {
    if (!this.resolved) {
      this.resolved = this.fixedBinary ? {ok: true, path: this.fixedBinary, source: 'env'} : resolveOpenshell(this.env)
    }

    return this.resolved
  }

  /** Detect the version and capabilities: one `openshell --version` per process (per instance), cached. */
  detect(): Promise<Outcome<Capabilities>> {
    this.detection ??= this.doDetect().then((d) => {
      this.detected = d
      return d
    })
    return this.detection
  }

  /**
   * The capabilities of the version remembered for this exact binary, if any — a hint for speculative probes only,
   * never a decision (see the top of this file). Read once per instance.
   */
  versionHint(): Capabilities | undefined {
    if (this.hinted === undefined) this.hinted = this.readHint() ?? null
    return this.hinted ?? undefined
  }

  /**
   * True when a read-only probe issued now would start before detection finishes (a supported version is hinted and
   * detection is still running). Callers that would otherwise wait for `detect()` before probing issue the probe
   * concurrently only then, so without a hint nothing changes: no probe on a version found unsupported.
   */
  probesStartEarly(): boolean {
    return this.earlyHint() !== undefined
  }

  /** The hinted version a read-only probe issued now would start with (see probesStartEarly), else undefined. */
  private earlyHint(): Capabilities | undefined {
    if (this.detected) return undefined
    const hint = this.versionHint()
    return hint !== undefined && !hint.unsupported ? hint : undefined
  }

  private readHint(): Capabilities | undefined {
    if (!this.versionCache) return undefined
    const r = this.resolve()
    if (!r.ok) return undefined
    const key = binaryKey(r.path)
    if (!key) return undefined
    try {
      const entry = JSON.parse(readFileSync(versionCachePath(this.env), 'utf8')) as {key?: unknown; version?: unknown}
      if (!sameKey(entry.key, key) || typeof entry.version !== 'string') return undefined
      const version = parseVersion(`openshell ${entry.version}`)
      return version ? capabilitiesFor(version) : undefined
    } catch {
      return undefined // missing, unreadable or not JSON: no hint
    }
  }

  /**
   * The remembered version as the detection itself, without running `--version`: only for a native executable (ELF
   * or Mach-O), whose identity (real path, device, inode, size, mtime, ctime) cannot stay the same when it is
   * replaced or upgraded. A script (a shim, a wrapper, pipx's or pyenv's launchers) can point elsewhere without
   * changing itself, so for a script the remembered version stays a hint (see the top of this file).
   */
  private trustedHint(binary: string): Outcome<Capabilities> | undefined {
    const hint = this.versionHint()
    if (!hint || !isNativeExecutable(binary)) return undefined
    const run: RunResult = {
      argv: ['--version'],
      binary,
      durationMs: 0,
      exitCode: 0,
      signal: null,
      stderr: '',
      stdout: `openshell ${hint.version.raw} (remembered for this binary)\n`,
      timedOut: false,
    }
    return {ok: true, run, value: hint}
  }

  /** Remember the detected version for the next process (best effort: a failure here changes nothing). */
  private rememberVersion(binary: string, caps: Capabilities): void {
    if (!this.versionCache || this.versionHint()?.version.raw === caps.version.raw) return
    const key = binaryKey(binary)
    if (!key) return
    // best effort: a read-only home only means the next process detects again
    writeCacheFile(versionCachePath(this.env), JSON.stringify({key, version: caps.version.raw}) + '\n')
  }

  private async doDetect(): Promise<Outcome<Capabilities>> {
    const r = this.resolve()
    if (!r.ok) return fail(syntheticFailure(r.kind, r.message, ['--version']))
    const trusted = this.trustedHint(r.path)
    if (trusted) return trusted
    const run = await runOpenshell(['--version'], {kind: 'probe', baseEnv: this.env, binary: r.path})
    if (!succeeded(run)) return fail(classifyFailure(run), run)
    const version = parseVersion(run.stdout) ?? parseVersion(run.stderr)
    if (!version) return unparseable(run, 'version')
    const caps = capabilitiesFor(version)
    this.rememberVersion(r.path, caps)
    return {ok: true, value: caps, run}
  }

  /**
   * A read-only probe started before detection has finished, with the hinted version's argv, concurrently with
   * `--version`. Returns the detection and a run of the argv the REAL version asks for (the early run when equal).
   * Undefined when there is nothing to gain (detection done, no hint, or argv not computable from the hint).
   */
  private async speculate(
    argv: (caps: Capabilities) => string[] | Failure,
    opts: CallOptions,
  ): Promise<{caps: Outcome<Capabilities>; args?: string[] | Failure; run?: RunResult} | undefined> {
    const hint = opts.kind === 'probe' ? this.earlyHint() : undefined
    if (hint === undefined) return undefined
    const guess = argv(hint)
    if (!Array.isArray(guess)) return undefined
    const [caps, early] = await Promise.all([this.detect(), this.exec(guess, opts)])
    if (!caps.ok) return {caps}
    const args = argv(caps.value)
    if (!Array.isArray(args)) return {args, caps}
    return {args, caps, run: sameArgv(args, guess) ? early : await this.exec(args, opts)}
  }

  /** Run argv after detection; `parse` reads a successful run. */
  private async call<T>(
    argv: string[] | ((caps: Capabilities) => string[] | Failure),
    opts: CallOptions,
    parse: (run: RunResult, caps: Capabilities) => T | undefined,
    what: string,
  ): Promise<Outcome<T>> {
    const early = typeof argv === 'function' ? await this.speculate(argv, opts) : undefined
    const caps = early?.caps ?? (await this.detect())
    if (!caps.ok) return fail(caps.failure, caps.run)
    const args = early?.args ?? (typeof argv === 'function' ? argv(caps.value) : argv)
    if (!Array.isArray(args)) return fail(args)
    const run = early?.run ?? (await this.exec(args, opts))
    if (!succeeded(run)) return fail(classifyFailure(run), run)
    const value = parse(run, caps.value)
    if (value === undefined) return unparseable(run, what)
    return {ok: true, value, run}
  }

  private async exec(argv: string[], opts: CallOptions & {interactive?: boolean}): Promise<RunResult> {
    const r = this.resolve()
    return runOpenshell(argv, {
      kind: opts.kind,
      gateway: opts.gateway,
      timeoutMs: opts.timeoutMs,
      interactive: opts.interactive,
      baseEnv: this.env,
      binary: r.ok ? r.path : undefined,
      ...(opts.env ? {env: opts.env} : {}),
    })
  }

  private legacyOnly(caps: Capabilities, argv: string[]): Failure | undefined {
    return caps.legacyLifecycle
      ? undefined
      : syntheticFailure(
          'usage_error',
          `openshell ${caps.version.raw} has no \`${argv.join(' ')}\` (modern gateways are services)`,
          argv,
          'not_in_version',
        )
  }

  private modernOnly(caps: Capabilities, argv: string[]): Failure | undefined {
    return caps.gatewayRegistry
      ? undefined
      : syntheticFailure(
          'usage_error',
          `openshell ${caps.version.raw} has no \`${argv.join(' ')}\` (added in 0.0.37)`,
          argv,
          'not_in_version',
        )
  }

  // ---- gateway ------------------------------------------------------------------------------------------------

  /** `status [-o json]`. Exit 0 with `No gateway configured.` → `{configured: false}`. */
  status(gateway?: string): Promise<Outcome<GatewayStatus>> {
    return this.call(
      (caps) => (caps.statusJson ? ['status', '-o', 'json'] : ['status']),
      {kind: 'probe', gateway},
      (run) => parseStatus(run.stdout),
      'status',
    )
  }

  /** `-g NAME gateway info [-o json]`: live on ≥ 0.0.85, local metadata before. */
  gatewayInfo(name: string): Promise<Outcome<GatewayInfo>> {
    return this.call(
      (caps) => (caps.gatewayInfoLive ? ['gateway', 'info', '-o', 'json'] : ['gateway', 'info']),
      {kind: 'probe', gateway: name},
      (run) => parseGatewayInfo(run.stdout),
      'gateway info',
    )
  }

  /** `gateway list -o json` (modern only). */
  gatewayList(): Promise<Outcome<GatewayListEntry[]>> {
    return this.call(
      (caps) =>
        this.modernOnly(caps, ['gateway', 'list']) ??
        (caps.gatewayListJson ? ['gateway', 'list', '-o', 'json'] : ['gateway', 'list']),
      {kind: 'probe'},
      (run) => parseGatewayList(run.stdout),
      'gateway list',
    )
  }

  /** `gateway select NAME`. The value carries the `⚠` warning when OPENSHELL_GATEWAY overrides the selection. */
  gatewaySelect(name: string): Promise<Outcome<{name: string; warning?: string}>> {
    return this.call(
      ['gateway', 'select', name],
      {kind: 'operation'},
      (run) => {
        const parsed = parseGatewaySelect(`${run.stderr}\n${run.stdout}`)
        if (parsed) return parsed.warning ? {name, warning: parsed.warning} : {name}
        // Exit 0 without the usual line: still selected; keep any warning.
        const warning = [...run.stderr.split('\n'), ...run.stdout.split('\n')].find((l) => /^\s*⚠/.test(l))
        return warning ? {name, warning: warning.replace(/^\s*⚠\s*/, '').trim()} : {name}
      },
      'gateway select',
    )
  }

  /**
   * `gateway add ENDPOINT --name N [--local]` (modern only). `--local` reads the client bundle from
   * `$OPENSHELL_LOCAL_TLS_DIR`; without it an https endpoint is a browser-login *cloud* gateway (0.0.111), so
   * nemoclaw always passes it for a local mTLS gateway. An existing name fails (`gateway_exists`): the CLI does not
   * overwrite a registration. A cloud registration the CLI removed again (`! Registration for … removed`) is a failure.
   */
  gatewayAdd(endpoint: string, opts: {name: string; local?: boolean}): Promise<Outcome<GatewayAddResult>> {
    return this.call(
      (caps) => {
        const argv = ['gateway', 'add', endpoint, '--name', opts.name, ...(opts.local ? ['--local'] : [])]
        return this.modernOnly(caps, ['gateway', 'add']) ?? argv
      },
      {kind: 'operation'},
      (run) => {
        const text = `${run.stderr}\n${run.stdout}`
        const parsed = parseGatewayAdd(text)
        if (parsed?.registrationRemoved) return undefined
        return (
          parsed ?? {
            authFailed: false,
            name: opts.name,
            reachable: !/Gateway is not reachable/i.test(text),
            registrationRemoved: false,
            tlsPresent: false,
          }
        )
      },
      'gateway add',
    )
  }

  /**
   * Legacy `gateway start --name N [--port P]` (never `--recreate`). On a modern version this returns a usage_error
   * failure without running anything: the modern gateway is a service.
   */
  gatewayStart(
    name: string,
    opts: {port?: number; timeoutMs?: number} = {},
  ): Promise<Outcome<{name: string; endpoint?: string; reused: boolean}>> {
    return this.call(
      (caps) =>
        this.legacyOnly(caps, ['gateway', 'start']) ?? [
          'gateway',
          'start',
          '--name',
          name,
          ...(opts.port === undefined ? [] : ['--port', String(opts.port)]),
        ],
      {kind: 'operation', timeoutMs: opts.timeoutMs ?? this.longTimeout(DEFAULT_GATEWAY_START_TIMEOUT_MS)},
      (run) => {
        const text = `${run.stdout}\n${run.stderr}`
        const endpoint = /^\s*Endpoint:\s*(\S+)/m.exec(text)?.[1]
        const reused = /already exists, reusing/i.test(text)
        return endpoint ? {name, endpoint, reused} : {name, reused}
      },
      'gateway start',
    )
  }

  /** A long operation's timeout: NEMOCLAW_OPERATION_TIMEOUT_MS when the user set it to a positive number, else `fallback`. */
  private longTimeout(fallback: number): number {
    return positiveNumberEnv(this.env, 'NEMOCLAW_OPERATION_TIMEOUT_MS') ?? fallback
  }

  // ---- sandboxes ----------------------------------------------------------------------------------------------

  /**
   * All sandboxes on `gateway`. JSON when the version has it (≥ 0.0.44), the text table before. Every page is fetched:
   * - 0.1.x: `--page-size 1000`, then `--page-token <t>` until the token is empty (a repeated token stops);
   * - 0.0.26 … 0.0.x: `--limit 1000 --offset N` until a page returns fewer than 1000 (0.0.26 and 0.0.111 otherwise
   *   stop at 100 silently, exit 0, nothing on stderr); a short page of a round size (a multiple of 100: maybe a server
   *   cap) is confirmed by one more, empty, page;
   * - older: one plain call; a result of exactly the 0.0.x default limit is marked `incomplete` so that no record
   *   is ever judged missing because a page was cut.
   * Bounded by MAX_SANDBOX_PAGES; beyond that the call fails (unparseable) rather than return a partial list.
   */
  async sandboxList(gateway: string): Promise<Outcome<SandboxList>> {
    const pageArgv = (c: Capabilities, token?: string, offset = 0): string[] => {
      const base = ['sandbox', 'list', ...(c.sandboxListJson ? ['-o', 'json'] : [])]
      if (c.sandboxListPaged)
        return [...base, '--page-size', String(SANDBOX_PAGE_SIZE), ...(token ? ['--page-token', token] : [])]
      if (c.sandboxListOffset) return [...base, '--limit', String(SANDBOX_PAGE_SIZE), '--offset', String(offset)]
      return base
    }

    const early = await this.speculate((c) => pageArgv(c), {kind: 'probe', gateway})
    const caps = early?.caps ?? (await this.detect())
    if (!caps.ok) return fail(caps.failure, caps.run)
    const c = caps.value
    const all: SandboxSummary[] = []
    const seenTokens = new Set<string>()
    const seenNames = new Set<string>()
    let token: string | undefined
    let offset = 0
    let last: RunResult | undefined
    for (let page = 0; page < this.maxListPages; page++) {
      const run =
        page === 0 && early?.run ? early.run : await this.exec(pageArgv(c, token, offset), {kind: 'probe', gateway})
      last = run
      if (!succeeded(run)) return fail(classifyFailure(run), run)
      const parsed = parseSandboxList(run.stdout)
      if (!parsed) return unparseable(run, 'sandbox list')
      // A list that shifts between pages (a sandbox created/deleted meanwhile) can repeat a name: keep it once.
      for (const sb of parsed.sandboxes) {
        if (seenNames.has(sb.name)) continue
        seenNames.add(sb.name)
        all.push(sb)
      }

      if (c.sandboxListPaged) {
        token = parsed.nextPageToken ?? parseNextPageToken(run.stderr)
        if (!token) return {ok: true, value: {sandboxes: all}, run}
        if (seenTokens.has(token)) return unparseable(run, `sandbox list repeated page token ${token}`)
        seenTokens.add(token)
        continue
      }

      if (c.sandboxListOffset) {
        const n = parsed.sandboxes.length
        // A short page ends the list — unless its size is a round number, which may be a server-side cap on
        // `limit` rather than the end: then one more page must come back empty before the list counts as whole.
        if (n === 0 || (n < SANDBOX_PAGE_SIZE && n % DEFAULT_0_0_LIST_LIMIT !== 0))
          return {ok: true, value: {sandboxes: all}, run}
        offset += n
        continue
      }

      const cut = parsed.sandboxes.length >= DEFAULT_0_0_LIST_LIMIT
      return {ok: true, value: cut ? {incomplete: true, sandboxes: all} : {sandboxes: all}, run}
    }

    if (last === undefined)
      throw new Error(`internal error: sandbox list may read ${this.maxListPages} pages, fewer than one`)
    return unparseable(last, `sandbox list has more than ${this.maxListPages} pages`)
  }

  /** `sandbox get NAME [-o json]` (JSON ≥ 0.0.92). */
  sandboxGet(name: string, gateway: string): Promise<Outcome<SandboxDetail>> {
    return this.call(
      (caps) => ['sandbox', 'get', name, ...(caps.statusJson ? ['-o', 'json'] : [])],
      {kind: 'probe', gateway},
      (run) => parseSandboxGet(run.stdout),
      'sandbox get',
    )
  }

  /**
   * `sandbox create --name N [--from F] [--provider P]…`. Returns after Ready in a non-TTY. Default timeout:
   * NEMOCLAW_OPERATION_TIMEOUT_MS when set, else 360 s (OpenShell's own provisioning timeout is 300 s).
   */
  sandboxCreate(opts: {
    name: string
    from?: string
    providers?: string[]
    policy?: string
    gateway: string
    timeoutMs?: number
  }): Promise<Outcome<{name: string}>> {
    const argv = [
      'sandbox',
      'create',
      '--name',
      opts.name,
      ...(opts.from ? ['--from', opts.from] : []),
      ...(opts.providers ?? []).flatMap((p) => ['--provider', p]),
      ...(opts.policy ? ['--policy', opts.policy] : []),
    ]
    return this.call(
      argv,
      {
        kind: 'operation',
        gateway: opts.gateway,
        timeoutMs: opts.timeoutMs ?? this.longTimeout(DEFAULT_CREATE_TIMEOUT_MS),
      },
      (run) => parseSandboxCreate(run.stdout) ?? {name: opts.name},
      'sandbox create',
    )
  }

  /** `sandbox start NAME`: restart a Stopped sandbox in place (its workspace is kept). */
  sandboxStart(name: string, gateway: string): Promise<Outcome<{name: string}>> {
    return this.call(['sandbox', 'start', name], {kind: 'operation', gateway}, () => ({name}), 'sandbox start')
  }

  /** `sandbox delete NAME`: the per-name outcome (`deleted`, `accepted`, `already_deleted`, …). */
  sandboxDelete(name: string, gateway: string): Promise<Outcome<{name: string; outcome: DeleteOutcome}>> {
    return this.call(
      ['sandbox', 'delete', name],
      {kind: 'operation', gateway},
      (run) => ({name, outcome: parseDeleteOutcome(`${run.stdout}\n${run.stderr}`, name)}),
      'sandbox delete',
    )
  }

  /**
   * `sandbox connect NAME`, interactive (stdio inherited, no timeout). The value is the session's exit code; only
   * a spawn failure or a signal is a failure (openshell's own error text went straight to the user's terminal).
   */
  async sandboxConnect(name: string, gateway: string): Promise<Outcome<number>> {
    return this.interactive(['sandbox', 'connect', name], gateway)
  }

  private async interactive(argv: string[], gateway: string): Promise<Outcome<number>> {
    const caps = await this.detect()
    if (!caps.ok) return fail(caps.failure, caps.run)
    const run = await this.exec(argv, {kind: 'operation', gateway, interactive: true})
    if (run.exitCode === null) return fail(classifyFailure(run), run)
    return {ok: true, value: run.exitCode, run}
  }

  // ---- providers, inference, policy, logs ----------------------------------------------------------------------

  /**
   * Credentials go into argv by NAME only: every name must look like an environment variable name, and the one whose
   * value openshell will read (`fromEnv`) must be set. A refusal is a synthetic usage error (nothing runs); its
   * evidence shows argv only up to `shown` words, never past a would-be value.
   */
  private credentialRefusal(
    argv: string[],
    names: string[],
    fromEnv: string | undefined,
    shown: number,
  ): Failure | undefined {
    if (names.some((k) => !isEnvName(k))) {
      return syntheticFailure(
        'usage_error',
        'credential must be an environment variable name (never a value)',
        argv.slice(0, shown),
        'credential_not_a_name',
      )
    }

    if (fromEnv !== undefined && (this.env[fromEnv] === undefined || this.env[fromEnv] === '')) {
      return syntheticFailure('usage_error', `environment variable ${fromEnv} is not set`, argv, 'credential_unset')
    }

    return undefined
  }

  /**
   * `provider create --name N --type T --credential ENV_NAME`. Only the variable's NAME goes into argv; the child
   * inherits the environment and openshell reads the value itself. A malformed or unset name fails before running.
   * Without `credentialEnv` the provider gets PLACEHOLDER_CREDENTIAL (its value through the child's environment).
   */
  async providerCreate(opts: {
    name: string
    type: string
    credentialEnv?: string
    config?: Record<string, string>
    gateway: string
  }): Promise<Outcome<{name: string}>> {
    const config = Object.entries(opts.config ?? {}).flatMap(([k, v]) => ['--config', `${k}=${v}`])
    const cred = ['--credential', opts.credentialEnv ?? PLACEHOLDER_CREDENTIAL.name]
    const argv = ['provider', 'create', '--name', opts.name, '--type', opts.type, ...cred, ...config]
    const refused = this.credentialRefusal(
      argv,
      opts.credentialEnv === undefined ? [] : [opts.credentialEnv],
      opts.credentialEnv,
      6,
    )
    if (refused) return fail(refused)
    const env = opts.credentialEnv === undefined ? placeholderEnv() : undefined
    return this.call(
      argv,
      {env, gateway: opts.gateway, kind: 'operation'},
      () => ({name: opts.name}),
      'provider create',
    )
  }

  /**
   * `provider update NAME [--credential ENV_NAME] [--credential OLD=]… [--config K=V]…`. The gateway merges: the
   * credential is (re)read from the environment (the placeholder's value through the child's environment; without
   * `credential` the credentials stay as they are), `OLD=` (an empty value, never a secret) removes a credential key,
   * and a config value '' removes that config key.
   */
  async providerUpdate(opts: {
    name: string
    credential?: CredentialSpec
    removeCredentials?: string[]
    config?: Record<string, string>
    gateway: string
  }): Promise<Outcome<{name: string}>> {
    const credential =
      opts.credential === undefined
        ? undefined
        : 'env' in opts.credential
          ? opts.credential.env
          : PLACEHOLDER_CREDENTIAL.name
    const argv = [
      'provider',
      'update',
      opts.name,
      ...(credential === undefined ? [] : ['--credential', credential]),
      ...(opts.removeCredentials ?? []).filter((k) => k !== credential).flatMap((k) => ['--credential', `${k}=`]),
      ...Object.entries(opts.config ?? {}).flatMap(([k, v]) => ['--config', `${k}=${v}`]),
    ]
    const names = [...(credential === undefined ? [] : [credential]), ...(opts.removeCredentials ?? [])]
    const refused = this.credentialRefusal(
      argv,
      names,
      opts.credential && 'env' in opts.credential ? opts.credential.env : undefined,
      3,
    )
    if (refused) return fail(refused)
    const env = opts.credential && 'placeholder' in opts.credential ? placeholderEnv() : undefined
    return this.call(
      argv,
      {env, gateway: opts.gateway, kind: 'operation'},
      () => ({name: opts.name}),
      'provider update',
    )
  }

  /** `provider get NAME`: key names only (see ProviderDetail); a provider the gateway does not have → `found: false`. */
  async providerGet(name: string, gateway: string): Promise<Outcome<ProviderDetail>> {
    const r = await this.call(
      ['provider', 'get', name],
      {gateway, kind: 'probe'},
      (run) => parseProviderGet(run.stdout),
      'provider get',
    )
    if (!r.ok && r.run && isProviderNotFound(`${r.run.stderr}\n${r.run.stdout}`))
      return {ok: true, run: r.run, value: {found: false, name}}
    return r
  }

  /** `provider list` (text table; the JSON form's version is not pinned down). */
  providerList(gateway: string): Promise<Outcome<ProviderEntry[]>> {
    return this.call(
      ['provider', 'list'],
      {kind: 'probe', gateway},
      (run) => parseProviderList(run.stdout),
      'provider list',
    )
  }

  /**
   * `inference set --provider P --model M [--no-verify]`. The gateway verifies the endpoint first unless `noVerify`
   * (a refusal parses with parseInferenceVerifyFailure).
   */
  inferenceSet(opts: {
    provider: string
    model: string
    gateway: string
    noVerify?: boolean
  }): Promise<Outcome<InferenceRoute>> {
    return this.call(
      [
        'inference',
        'set',
        '--provider',
        opts.provider,
        '--model',
        opts.model,
        ...(opts.noVerify ? ['--no-verify'] : []),
      ],
      {kind: 'operation', gateway: opts.gateway},
      (run) =>
        parseInferenceGet(run.stdout.replace(/^(\s*)Inference configured:/m, '$1Inference:')) ?? {
          configured: true,
          provider: opts.provider,
          model: opts.model,
        },
      'inference set',
    )
  }

  /** `inference get` (no JSON in any version). A read-only probe: started with `--version` when the version is hinted. */
  inferenceGet(gateway: string): Promise<Outcome<InferenceRoute>> {
    return this.call(
      () => ['inference', 'get'],
      {kind: 'probe', gateway},
      (run) => parseInferenceGet(run.stdout),
      'inference get',
    )
  }

  /** `policy set NAME --policy FILE [--wait [--timeout S]]` (openshell's wait default is 60 s). Exit 124 (wait timed out) → provision_timeout. */
  policySet(opts: {
    sandbox: string
    file: string
    gateway: string
    wait?: boolean
    waitTimeoutSec?: number
  }): Promise<Outcome<{sandbox: string}>> {
    const waitSec = opts.waitTimeoutSec ?? 60
    const argv = [
      'policy',
      'set',
      opts.sandbox,
      '--policy',
      opts.file,
      ...(opts.wait ? ['--wait'] : []),
      ...(opts.wait && opts.waitTimeoutSec !== undefined ? ['--timeout', String(opts.waitTimeoutSec)] : []),
    ]
    const timeoutMs = opts.wait ? Math.max(defaultTimeout('operation', this.env), waitSec * 1000 + 15_000) : undefined
    return this.call(
      argv,
      {kind: 'operation', gateway: opts.gateway, timeoutMs},
      () => ({sandbox: opts.sandbox}),
      'policy set',
    )
  }

  /**
   * `logs NAME [-n N] [--tail]`. Without follow: the text (operation timeout). With follow: streamed to the user's
   * terminal (interactive, no timeout) and the value carries the exit code.
   */
  async logs(opts: {
    sandbox: string
    gateway: string
    lines?: number
    follow?: boolean
  }): Promise<Outcome<{text?: string; exitCode: number}>> {
    const argv = [
      'logs',
      opts.sandbox,
      ...(opts.lines === undefined ? [] : ['-n', String(opts.lines)]),
      ...(opts.follow ? ['--tail'] : []),
    ]
    if (opts.follow) {
      const r = await this.interactive(argv, opts.gateway)
      return r.ok ? {ok: true, value: {exitCode: r.value}, run: r.run} : r
    }

    return this.call(
      argv,
      {kind: 'operation', gateway: opts.gateway},
      (run) => ({text: run.stdout, exitCode: 0}),
      'logs',
    )
  }
}
