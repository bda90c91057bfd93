/**
 * Runs external processes for nemoclaw: `openshell` (runOpenshell) and the few host probes (runProcess: `docker
 * info`, `podman info`, `systemctl --user …`). argv arrays only (never a shell), a timeout of our own that kills the
 * whole process group (a grandchild holding stdout must not keep the call alive), an output cap, and an in-process
 * call log for evidence and call counting. Never throws for a process that fails: every outcome is a RunResult.
 */
import {type ChildProcess, spawn} from 'node:child_process'
import {constants as fsc} from 'node:fs'
import * as fs from 'node:fs'
import * as path from 'node:path'

import {homeDir} from '../dirs.js'
import {positiveNumberEnv, withChanges} from '../env.js'
import {normalise} from './text.js'
import type {RunResult} from './types.js'

export type Env = NodeJS.ProcessEnv

const DEFAULT_PROBE_TIMEOUT_MS = 15_000
const DEFAULT_OPERATION_TIMEOUT_MS = 60_000
/** Per-stream output cap. Larger output kills the process group and marks the result `truncated`. */
const DEFAULT_MAX_OUTPUT_BYTES = 8 * 1024 * 1024

// ---------------------------------------------------------------------------------------------------------------
// binary resolution

export type ResolveResult =
  | {ok: true; path: string; source: 'env' | 'path' | 'fallback'}
  | {
      ok: false
      kind: 'openshell_missing' | 'openshell_not_executable'
      /** The candidate that exists but cannot be executed (not_executable), or NEMOCLAW_OPENSHELL_BIN. */
      path?: string
      searched: string[]
      message: string
    }

type Probe = 'ok' | 'missing' | 'not_executable'

function probeFile(file: string): Probe {
  let st: fs.Stats
  try {
    st = fs.statSync(file)
  } catch {
    return 'missing'
  }

  if (!st.isFile()) return 'not_executable'
  try {
    fs.accessSync(file, fsc.X_OK)
    return 'ok'
  } catch {
    return 'not_executable'
  }
}

/** Fallback locations checked after PATH: `~/.local/bin/openshell`, `/usr/local/bin/openshell`. */
function fallbackLocations(env: Env = process.env): string[] {
  return [path.join(homeDir(env), '.local', 'bin', 'openshell'), '/usr/local/bin/openshell']
}

/**
 * Find `openshell`: `NEMOCLAW_OPENSHELL_BIN` if set (no further search), else `openshell` on PATH, else the
 * fallback locations. A file that exists but is not executable is reported as such when nothing better is found.
 */
export function resolveOpenshell(env: Env = process.env, opts: {fallbacks?: string[]} = {}): ResolveResult {
  const explicit = env.NEMOCLAW_OPENSHELL_BIN
  if (explicit && explicit !== '') {
    const p = probeFile(explicit)
    if (p === 'ok') return {ok: true, path: explicit, source: 'env'}
    return p === 'missing'
      ? {
          ok: false,
          kind: 'openshell_missing',
          path: explicit,
          searched: [explicit],
          message: `NEMOCLAW_OPENSHELL_BIN=${explicit} does not exist`,
        }
      : {
          ok: false,
          kind: 'openshell_not_executable',
          path: explicit,
          searched: [explicit],
          message: `${explicit} is not executable`,
        }
  }

  const searched: string[] = []
  let notExecutable: string | undefined
  const dirs = (env.PATH ?? '').split(path.delimiter).filter((d) => d !== '')
  const candidates: Array<{file: string; source: 'path' | 'fallback'}> = [
    ...dirs.map((d) => ({file: path.join(d, 'openshell'), source: 'path' as const})),
    ...(opts.fallbacks ?? fallbackLocations(env)).map((f) => ({file: f, source: 'fallback' as const})),
  ]
  for (const c of candidates) {
    if (searched.includes(c.file)) continue
    searched.push(c.file)
    const p = probeFile(c.file)
    if (p === 'ok') return {ok: true, path: c.file, source: c.source}
    if (p === 'not_executable' && notExecutable === undefined) notExecutable = c.file
  }

  if (notExecutable) {
    return {
      ok: false,
      kind: 'openshell_not_executable',
      path: notExecutable,
      searched,
      message: `${notExecutable} is not executable`,
    }
  }

  return {
    ok: false,
    kind: 'openshell_missing',
    searched,
    message: 'openshell not found on PATH or in ~/.local/bin, /usr/local/bin',
  }
}

// ---------------------------------------------------------------------------------------------------------------
// call log

interface CallLogEntry {
  binary: string
  argv: string[]
  exitCode: number | null
  signal: string | null
  timedOut: boolean
  durationMs: number
  /** 'openshell' for runOpenshell, 'process' for runProcess. */
  tool: 'openshell' | 'process'
}

const log: CallLogEntry[] = []

/** A copy of the calls made so far in this process. */
export function callLog(): CallLogEntry[] {
  return log.map((e) => ({...e, argv: [...e.argv]}))
}

/** Number of `openshell` calls made so far (optionally only those whose argv starts with `prefix`, ignoring -g). */
export function openshellCallCount(prefix: string[] = []): number {
  return log.filter((e) => {
    if (e.tool !== 'openshell') return false
    const argv = e.argv[0] === '-g' ? e.argv.slice(2) : e.argv
    return prefix.every((p, i) => argv[i] === p)
  }).length
}

export function resetCallLog(): void {
  log.length = 0
}

// ---------------------------------------------------------------------------------------------------------------
// process groups we started: killed if nemoclaw exits while they run

const liveGroups = new Set<number>()
let exitHookInstalled = false
/** The listeners trackGroup installed (removed again by resetRunnerForTests). */
const installed: Array<{event: 'exit' | NodeJS.Signals; listener: () => void}> = []

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return
  try {
    process.kill(-pid, 'SIGKILL')
  } catch {
    // group already gone
  }
}

function trackGroup(pid: number): void {
  liveGroups.add(pid)
  if (!exitHookInstalled) {
    exitHookInstalled = true
    const onExit = (): void => {
      for (const g of liveGroups) killGroup(g)
    }

    process.on('exit', onExit)
    installed.push({event: 'exit', listener: onExit})
    // Ctrl-C / termination while a probe runs: kill its process group too (a detached child would otherwise
    // outlive us), then let the signal do what it would have done.
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      const onSignal = (): void => {
        for (const g of liveGroups) killGroup(g)
        liveGroups.clear()
        if (process.listenerCount(sig) === 1) {
          process.removeListener(sig, onSignal)
          process.kill(process.pid, sig)
        }
      }

      process.on(sig, onSignal)
      installed.push({event: sig, listener: onSignal})
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// test hooks: the test suite runs many commands in one process (test/support/inprocess.ts). nemoclaw itself never
// calls these.

/** Answers a non-interactive call without a process (the in-process simulator), or undefined: spawn as usual. */
type SpawnHookForTests = (
  file: string,
  args: string[],
  env: Env,
) => Promise<{exitCode: number; stdout: string; stderr: string} | undefined>

let spawnHookForTests: SpawnHookForTests | undefined

/** TEST HOOK. Install (or, with undefined, remove) the hook every non-interactive call asks first. */
export function setSpawnHookForTests(hook: SpawnHookForTests | undefined): void {
  spawnHookForTests = hook
}

/** TEST HOOK. Back to a fresh process's state: empty call log, no tracked groups, no exit or signal listeners. */
export function resetRunnerForTests(): void {
  log.length = 0
  requests.length = 0
  dropEarlyStarts()
  liveGroups.clear()
  for (const {event, listener} of installed.splice(0)) process.removeListener(event, listener)
  exitHookInstalled = false
}

// ---------------------------------------------------------------------------------------------------------------
// running

interface ProcessOptions {
  /** Kill the process group after this many ms. Interactive runs have no timeout unless one is given. */
  timeoutMs?: number
  /** Environment of the child (complete; defaults to process.env). */
  env?: Env
  /** Inherit stdio (a user session). Not detached, so the child keeps the terminal. */
  interactive?: boolean
  /** Per-stream cap in bytes (default 8 MiB). */
  maxOutputBytes?: number
  cwd?: string
  /** Normalise output (strip ANSI, join miette wraps). Default true. */
  normalise?: boolean
}

interface InternalOptions extends ProcessOptions {
  tool: 'openshell' | 'process'
}

/** What a spawned child ended with (spawn errors included), before normalisation. */
interface Ended {
  exitCode: number | null
  signal: string | null
  stdout: string
  stderr: string
  spawnError?: string
  spawnMessage?: string
}

/** A spawn that failed (synchronously, or by the child's 'error' event): no exit, the error's code and message. */
function spawnFailure(error: NodeJS.ErrnoException): Ended {
  return {
    exitCode: null,
    signal: null,
    spawnError: error.code ?? 'SPAWN_FAILED',
    spawnMessage: error.message,
    stderr: '',
    stdout: '',
  }
}

function startChild(
  file: string,
  args: string[],
  opts: InternalOptions,
): {ok: true; child: ChildProcess} | {ok: false; ended: Ended} {
  const interactive = opts.interactive === true
  try {
    const child = spawn(file, args, {
      cwd: opts.cwd,
      // A detached child leads its own process group so the whole group can be killed; an interactive child
      // must stay in the foreground group to own the terminal.
      detached: !interactive,
      env: opts.env ?? process.env,
      stdio: interactive ? 'inherit' : ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    })
    return {child, ok: true}
  } catch (error) {
    return {ended: spawnFailure(error as NodeJS.ErrnoException), ok: false}
  }
}

/** Keep up to `cap` bytes of each output stream; `onOverflow` on every chunk past it. Returns the text so far. */
function captureOutput(
  child: ChildProcess,
  cap: number,
  onOverflow: () => void,
): () => {stderr: string; stdout: string} {
  const out = {stderr: [] as Buffer[], stdout: [] as Buffer[]}
  const bytes = {stderr: 0, stdout: 0}
  for (const name of ['stdout', 'stderr'] as const) {
    child[name]?.on('data', (chunk: Buffer) => {
      const room = cap - bytes[name]
      bytes[name] += chunk.length
      if (room > 0) out[name].push(room >= chunk.length ? chunk : chunk.subarray(0, room))
      if (room < chunk.length) onOverflow()
    })
  }

  return () => ({
    stderr: Buffer.concat(out.stderr).toString('utf8'),
    stdout: Buffer.concat(out.stdout).toString('utf8'),
  })
}

/**
 * Spawn with node:child_process (execa's import alone cost more than a whole `openshell status` on the healthy
 * path; we use none of what it adds beyond a spawn). `onPid` receives the child's pid once it runs.
 */
function spawnChild(
  file: string,
  args: string[],
  opts: InternalOptions,
  cap: number,
  hooks: {onPid(pid: number): void; onOverflow(): void},
): Promise<Ended> {
  return new Promise<Ended>((resolve) => {
    const started = startChild(file, args, opts)
    if (!started.ok) {
      resolve(started.ended)
      return
    }

    const {child} = started
    const output = captureOutput(child, cap, () => {
      hooks.onOverflow()
    })
    let settled = false
    const settle = (e: Ended): void => {
      if (settled) return
      settled = true
      resolve(e)
    }

    if (child.pid !== undefined) hooks.onPid(child.pid)
    child.on('error', (error: NodeJS.ErrnoException) => {
      settle(spawnFailure(error))
    })
    child.on('close', (code, signal) => {
      settle({exitCode: code, signal: signal ?? null, ...output()})
    })
  })
}

async function run(file: string, args: string[], opts: InternalOptions): Promise<RunResult> {
  return logged(await execute(file, args, opts), opts.tool)
}

/** Add a finished call to the call log. */
function logged(result: RunResult, tool: 'openshell' | 'process'): RunResult {
  log.push({
    binary: result.binary,
    argv: [...result.argv],
    exitCode: result.exitCode,
    signal: result.signal,
    timedOut: result.timedOut,
    durationMs: result.durationMs,
    tool,
  })
  return result
}

/** What execute learns while the child runs: its pid, whether the timeout fired, whether output overflowed. */
interface Watch {
  pid?: number
  timedOut: boolean
  truncated: boolean
}

/** Run a process to its end (not logged: run() and the early starts log what they hand out). */
async function execute(
  file: string,
  args: string[],
  opts: InternalOptions,
  onPid?: (pid: number) => void,
): Promise<RunResult> {
  const started = Date.now()
  const interactive = opts.interactive === true
  const timeoutMs = opts.timeoutMs ?? (interactive ? undefined : DEFAULT_OPERATION_TIMEOUT_MS)
  const watch: Watch = {timedOut: false, truncated: false}
  let timer: NodeJS.Timeout | undefined
  const ignoreSigint = (): void => {}
  if (interactive) process.on('SIGINT', ignoreSigint)

  let ended: Ended
  try {
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        watch.timedOut = true
        killChild(watch.pid, interactive)
      }, timeoutMs)
    }

    ended = await spawnWatched(file, args, opts, watch, onPid)
  } finally {
    if (timer) clearTimeout(timer)
    if (interactive) process.removeListener('SIGINT', ignoreSigint)
    if (watch.pid !== undefined) liveGroups.delete(watch.pid)
  }

  return toRunResult(file, args, opts, ended, {...watch, started, timeoutMs})
}

/** Kill a timed-out child: its process group, or (interactive: it is in our foreground group) the child alone. */
function killChild(pid: number | undefined, interactive: boolean): void {
  if (pid === undefined) return
  if (interactive) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  } else killGroup(pid)
}

/** Spawn the child (or take the test hook's answer), recording its pid and an output overflow in `watch`. */
async function spawnWatched(
  file: string,
  args: string[],
  opts: InternalOptions,
  watch: Watch,
  onPid?: (pid: number) => void,
): Promise<Ended> {
  const cap = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES
  const interactive = opts.interactive === true
  const answered =
    interactive || spawnHookForTests === undefined
      ? undefined
      : await spawnHookForTests(file, args, opts.env ?? process.env)
  if (answered) return {...answered, signal: null}
  return spawnChild(file, args, opts, cap, {
    onOverflow() {
      // More output than the cap: a grandchild keeping the pipe open would otherwise keep us waiting too.
      if (watch.truncated) return
      watch.truncated = true
      killGroup(watch.pid)
    },
    onPid(p) {
      watch.pid = p
      if (!interactive) trackGroup(p)
      onPid?.(p)
    },
  })
}

/** The RunResult of an ended child: output normalised (unless opted out), timeout, truncation, spawn error. */
function toRunResult(
  file: string,
  args: string[],
  opts: InternalOptions,
  ended: Ended,
  run: {started: number; timeoutMs?: number; timedOut: boolean; truncated: boolean},
): RunResult {
  const doNormalise = opts.normalise !== false
  const result: RunResult = {
    argv: [...args],
    binary: file,
    exitCode: ended.exitCode,
    signal: ended.signal,
    stdout: doNormalise ? normalise(ended.stdout) : ended.stdout,
    stderr: doNormalise ? normalise(ended.stderr) : ended.stderr,
    timedOut: run.timedOut,
    durationMs: Date.now() - run.started,
  }
  if (run.timeoutMs !== undefined) result.timeoutMs = run.timeoutMs
  if (run.truncated) result.truncated = true
  if (ended.spawnError !== undefined) {
    result.spawnError = ended.spawnError
    if (result.stderr === '') result.stderr = ended.spawnMessage ?? ''
  }

  return result
}

/** Run any host tool (`docker info`, `podman info`, `systemctl --user …`) with the same timeout/group-kill rules. */
export function runProcess(file: string, args: string[], opts: ProcessOptions = {}): Promise<RunResult> {
  return run(file, args, {...opts, tool: 'process'})
}

export type RunKind = 'probe' | 'operation'

interface RunOpenshellOptions {
  kind: RunKind
  /** Overrides the default timeout of the kind. */
  timeoutMs?: number
  /** Added as `-g <gateway>` before the command. */
  gateway?: string
  interactive?: boolean
  /** Extra environment for the child (merged over baseEnv). */
  env?: Record<string, string | undefined>
  /** The environment nemoclaw runs in (default process.env): child env base, binary and timeout settings. */
  baseEnv?: Env
  /** The resolved binary; resolved from baseEnv when absent. */
  binary?: string
  maxOutputBytes?: number
}

/** Default timeout of a kind, honouring NEMOCLAW_PROBE_TIMEOUT_MS / NEMOCLAW_OPERATION_TIMEOUT_MS. */
export function defaultTimeout(kind: RunKind, env: Env = process.env): number {
  return kind === 'probe'
    ? (positiveNumberEnv(env, 'NEMOCLAW_PROBE_TIMEOUT_MS') ?? DEFAULT_PROBE_TIMEOUT_MS)
    : (positiveNumberEnv(env, 'NEMOCLAW_OPERATION_TIMEOUT_MS') ?? DEFAULT_OPERATION_TIMEOUT_MS)
}

/** The child's environment: baseEnv + extras; colour off; with an explicit gateway, the endpoint override removed. */
export function childEnv(baseEnv: Env, extra: Record<string, string | undefined> | undefined, gateway?: string): Env {
  // OPENSHELL_GATEWAY_ENDPOINT beats `-g`: when nemoclaw names a gateway, it must be that gateway that answers.
  const unset = gateway === undefined ? {} : {OPENSHELL_GATEWAY_ENDPOINT: undefined}
  return withChanges(baseEnv, {...unset, NO_COLOR: '1', ...extra})
}

/** What runOpenshell spawns for a call: the binary, the full argv, the timeout and the child's environment. */
interface OpenshellSpawn {
  binary: string
  args: string[]
  timeoutMs: number | undefined
  env: Env
}

/** The spawn a call stands for, or the RunResult of a binary that cannot be found or run. */
function openshellSpawn(argv: string[], opts: RunOpenshellOptions): OpenshellSpawn | RunResult {
  const baseEnv = opts.baseEnv ?? process.env
  const args = opts.gateway === undefined ? [...argv] : ['-g', opts.gateway, ...argv]
  let binary = opts.binary
  if (binary === undefined) {
    const r = resolveOpenshell(baseEnv)
    if (!r.ok) {
      return {
        argv: args,
        binary: r.path ?? 'openshell',
        exitCode: null,
        signal: null,
        stdout: '',
        stderr: r.message,
        timedOut: false,
        durationMs: 0,
        spawnError: r.kind === 'openshell_missing' ? 'ENOENT' : 'EACCES',
      }
    }

    binary = r.path
  }

  const timeoutMs = opts.timeoutMs ?? (opts.interactive === true ? undefined : defaultTimeout(opts.kind, baseEnv))
  return {args, binary, env: childEnv(baseEnv, opts.env, opts.gateway), timeoutMs}
}

/**
 * Run `openshell <argv>` (with `-g <gateway>` first when given). Never throws: a missing binary yields a RunResult
 * with `spawnError: 'ENOENT'` (or 'EACCES'), which classifyFailure maps to openshell_missing / not_executable.
 */
export async function runOpenshell(argv: string[], opts: RunOpenshellOptions): Promise<RunResult> {
  const spawnOf = openshellSpawn(argv, opts)
  const interactive = opts.interactive === true
  if (!interactive) noteRequest(argv, opts)
  if (!('env' in spawnOf)) return logged(spawnOf, 'openshell')
  const {args, binary, env, timeoutMs} = spawnOf
  // (no key to build, a copy of the whole environment, when nothing was started early: every process but the fast path)
  const early = interactive || earlyStarts.size === 0 ? undefined : takeEarly(earlyKey(spawnOf, opts.maxOutputBytes))
  if (early) return logged(await early, 'openshell')
  return run(binary, args, {tool: 'openshell', timeoutMs, interactive, env, maxOutputBytes: opts.maxOutputBytes})
}

// ---------------------------------------------------------------------------------------------------------------
// early starts: the fast path starts the read-only probes its last run of the same command asked for before the
// code that asks for them has loaded (early.ts). A call adopts an early start only when what it would spawn is
// identical — binary, argv, timeout, output cap and the child's whole environment — so its answer is the one a
// spawn at that moment would give, a few milliseconds sooner; an early start nobody asked for is killed
// (dropEarlyStarts).

/** A call as its caller asked for it (replayable through runOpenshell's options). */
export interface OpenshellRequest {
  argv: string[]
  kind: RunKind
  gateway?: string
  timeoutMs?: number
  env?: Record<string, string | undefined>
  maxOutputBytes?: number
}

const requests: OpenshellRequest[] = []
/** A started probe (result is set at once; pid once it runs). */
interface EarlyStart {
  pid?: number
  result?: Promise<RunResult>
}

const earlyStarts = new Map<string, EarlyStart[]>()

function noteRequest(argv: string[], opts: RunOpenshellOptions): void {
  const request: OpenshellRequest = {argv: [...argv], kind: opts.kind}
  if (opts.gateway !== undefined) request.gateway = opts.gateway
  if (opts.timeoutMs !== undefined) request.timeoutMs = opts.timeoutMs
  if (opts.env !== undefined) request.env = {...opts.env}
  if (opts.maxOutputBytes !== undefined) request.maxOutputBytes = opts.maxOutputBytes
  requests.push(request)
}

function earlyKey(spawnOf: OpenshellSpawn, maxOutputBytes: number | undefined): string {
  return JSON.stringify([spawnOf.binary, spawnOf.args, spawnOf.timeoutMs ?? null, maxOutputBytes ?? null, spawnOf.env])
}

function takeEarly(key: string): Promise<RunResult> | undefined {
  const queue = earlyStarts.get(key)
  const early = queue?.shift()
  if (queue?.length === 0) earlyStarts.delete(key)
  return early?.result
}

/** The non-interactive openshell calls this process asked for so far, in order. */
export function openshellRequests(): OpenshellRequest[] {
  return requests.map((r) => ({...r, argv: [...r.argv]}))
}

/**
 * Start a read-only probe now for a call expected later in this process (only `probe` calls; anything else, an
 * interactive call or a binary that cannot be resolved starts nothing). Returns whether it started.
 */
export function startEarly(request: OpenshellRequest, baseEnv: Env, binary: string): boolean {
  if (request.kind !== 'probe' || spawnHookForTests !== undefined) return false
  const spawnOf = openshellSpawn(request.argv, {...request, baseEnv, binary})
  if (!('env' in spawnOf)) return false
  const entry: EarlyStart = {}
  entry.result = execute(
    spawnOf.binary,
    spawnOf.args,
    {tool: 'openshell', timeoutMs: spawnOf.timeoutMs, env: spawnOf.env, maxOutputBytes: request.maxOutputBytes},
    (pid) => {
      entry.pid = pid
    },
  )
  const key = earlyKey(spawnOf, request.maxOutputBytes)
  earlyStarts.set(key, [...(earlyStarts.get(key) ?? []), entry])
  return true
}

/** Kill the early starts no call adopted (their answers are never read). */
export function dropEarlyStarts(): void {
  for (const entry of [...earlyStarts.values()].flat()) {
    killGroup(entry.pid)
    if (entry.pid !== undefined) liveGroups.delete(entry.pid)
  }

  earlyStarts.clear()
}
