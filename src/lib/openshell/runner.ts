/**
 * Runs external processes for nemoclaw: `openshell` (runOpenshell) and the few host probes (runProcess: `docker
 * info`, `podman info`, `systemctl --user …`). argv arrays only (never a shell), a timeout of our own that kills the
 * whole process group (a grandchild holding stdout must not keep the call alive), an output cap, and an in-process
 * call log for evidence and call counting. Never throws for a process that fails: every outcome is a RunResult.
 */
import {constants as fsc} from 'node:fs'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {execa} from 'execa'
import {normalise} from './text.js'
import type {RunResult} from './types.js'

export type Env = NodeJS.ProcessEnv

export const DEFAULT_PROBE_TIMEOUT_MS = 15_000
export const DEFAULT_OPERATION_TIMEOUT_MS = 60_000
/** Per-stream output cap. Larger output kills the process group and marks the result `truncated`. */
export const DEFAULT_MAX_OUTPUT_BYTES = 8 * 1024 * 1024

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

function homeOf(env: Env): string {
  return env.HOME && env.HOME !== '' ? env.HOME : os.homedir()
}

/** Fallback locations checked after PATH: `~/.local/bin/openshell`, `/usr/local/bin/openshell`. */
export function fallbackLocations(env: Env = process.env): string[] {
  return [path.join(homeOf(env), '.local', 'bin', 'openshell'), '/usr/local/bin/openshell']
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
      ? {ok: false, kind: 'openshell_missing', path: explicit, searched: [explicit], message: `NEMOCLAW_OPENSHELL_BIN=${explicit} does not exist`}
      : {ok: false, kind: 'openshell_not_executable', path: explicit, searched: [explicit], message: `${explicit} is not executable`}
  }

  const searched: string[] = []
  let notExecutable: string | undefined
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(d => d !== '')
  const candidates: Array<{file: string; source: 'path' | 'fallback'}> = [
    ...dirs.map(d => ({file: path.join(d, 'openshell'), source: 'path' as const})),
    ...(opts.fallbacks ?? fallbackLocations(env)).map(f => ({file: f, source: 'fallback' as const})),
  ]
  for (const c of candidates) {
    if (searched.includes(c.file)) continue
    searched.push(c.file)
    const p = probeFile(c.file)
    if (p === 'ok') return {ok: true, path: c.file, source: c.source}
    if (p === 'not_executable' && notExecutable === undefined) notExecutable = c.file
  }

  if (notExecutable) {
    return {ok: false, kind: 'openshell_not_executable', path: notExecutable, searched, message: `${notExecutable} is not executable`}
  }

  return {ok: false, kind: 'openshell_missing', searched, message: 'openshell not found on PATH or in ~/.local/bin, /usr/local/bin'}
}

// ---------------------------------------------------------------------------------------------------------------
// call log

export interface CallLogEntry {
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
  return log.map(e => ({...e, argv: [...e.argv]}))
}

/** Number of `openshell` calls made so far (optionally only those whose argv starts with `prefix`, ignoring -g). */
export function openshellCallCount(prefix: string[] = []): number {
  return log.filter(e => {
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
    process.on('exit', () => {
      for (const g of liveGroups) killGroup(g)
    })
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
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// running

export interface ProcessOptions {
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

async function run(file: string, args: string[], opts: InternalOptions): Promise<RunResult> {
  const started = Date.now()
  const cap = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES
  const interactive = opts.interactive === true
  const timeoutMs = opts.timeoutMs ?? (interactive ? undefined : DEFAULT_OPERATION_TIMEOUT_MS)
  let timedOut = false
  let truncated = false
  let timer: NodeJS.Timeout | undefined
  const ignoreSigint = (): void => {}

  let result: RunResult
  try {
    const sub = execa(file, args, {
      reject: false,
      // A detached child leads its own process group so the whole group can be killed; an interactive child
      // must stay in the foreground group to own the terminal.
      detached: !interactive,
      stdin: interactive ? 'inherit' : 'ignore',
      stdout: interactive ? 'inherit' : 'pipe',
      stderr: interactive ? 'inherit' : 'pipe',
      env: opts.env ?? process.env,
      extendEnv: false,
      maxBuffer: cap,
      stripFinalNewline: false,
      cwd: opts.cwd,
      windowsHide: true,
    })
    const pid = sub.pid
    if (pid !== undefined && !interactive) trackGroup(pid)
    const kill = (): void => {
      if (interactive) sub.kill('SIGKILL')
      else killGroup(pid)
    }

    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        timedOut = true
        kill()
      }, timeoutMs)
    }

    if (!interactive) {
      // execa's own maxBuffer only stops buffering: a grandchild keeping the pipe open would keep us waiting.
      for (const stream of [sub.stdout, sub.stderr]) {
        let bytes = 0
        stream?.on('data', (chunk: Buffer | string) => {
          bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length
          if (bytes > cap && !truncated) {
            truncated = true
            killGroup(pid)
          }
        })
      }
    } else {
      process.on('SIGINT', ignoreSigint)
    }

    const r = await sub
    if (pid !== undefined) liveGroups.delete(pid)
    const asText = (v: unknown): string => (typeof v === 'string' ? v : '')
    const stdout = asText(r.stdout)
    const stderr = asText(r.stderr)
    const doNormalise = opts.normalise !== false
    if (r.isMaxBuffer) truncated = true
    result = {
      argv: [...args],
      binary: file,
      exitCode: typeof r.exitCode === 'number' ? r.exitCode : null,
      signal: r.signal ?? null,
      stdout: doNormalise ? normalise(stdout) : stdout,
      stderr: doNormalise ? normalise(stderr) : stderr,
      timedOut,
      durationMs: Date.now() - started,
    }
    if (timeoutMs !== undefined) result.timeoutMs = timeoutMs
    if (truncated) result.truncated = true
    if (r.failed && r.exitCode === undefined && r.signal === undefined && !timedOut && !truncated) {
      result.spawnError = r.code ?? 'SPAWN_FAILED'
      if (result.stderr === '') result.stderr = r.shortMessage ?? ''
    }
  } catch (error) {
    // execa itself threw (invalid options etc.): still a result, never a crash.
    const code = (error as {code?: string}).code
    result = {
      argv: [...args],
      binary: file,
      exitCode: null,
      signal: null,
      stdout: '',
      stderr: error instanceof Error ? error.message : String(error),
      timedOut: false,
      durationMs: Date.now() - started,
      spawnError: code ?? 'SPAWN_FAILED',
    }
  } finally {
    if (timer) clearTimeout(timer)
    if (interactive) process.removeListener('SIGINT', ignoreSigint)
  }

  log.push({
    binary: file,
    argv: [...args],
    exitCode: result.exitCode,
    signal: result.signal,
    timedOut: result.timedOut,
    durationMs: result.durationMs,
    tool: opts.tool,
  })
  return result
}

/** Run any host tool (`docker info`, `podman info`, `systemctl --user …`) with the same timeout/group-kill rules. */
export function runProcess(file: string, args: string[], opts: ProcessOptions = {}): Promise<RunResult> {
  return run(file, args, {...opts, tool: 'process'})
}

export type RunKind = 'probe' | 'operation'

export interface RunOpenshellOptions {
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

function envNumber(env: Env, key: string): number | undefined {
  const v = env[key]
  if (v === undefined || v.trim() === '') return undefined
  const n = Number(v)
  return Number.isFinite(n) && n > 0 ? n : undefined
}

/** Default timeout of a kind, honouring NEMOCLAW_PROBE_TIMEOUT_MS / NEMOCLAW_OPERATION_TIMEOUT_MS. */
export function defaultTimeout(kind: RunKind, env: Env = process.env): number {
  return kind === 'probe'
    ? envNumber(env, 'NEMOCLAW_PROBE_TIMEOUT_MS') ?? DEFAULT_PROBE_TIMEOUT_MS
    : envNumber(env, 'NEMOCLAW_OPERATION_TIMEOUT_MS') ?? DEFAULT_OPERATION_TIMEOUT_MS
}

/** The child's environment: baseEnv + extras; colour off; with an explicit gateway, the endpoint override removed. */
export function childEnv(baseEnv: Env, extra: Record<string, string | undefined> | undefined, gateway?: string): Env {
  const env: Env = {...baseEnv}
  if (gateway !== undefined) {
    // OPENSHELL_GATEWAY_ENDPOINT beats `-g`: when nemoclaw names a gateway, it must be that gateway that answers.
    delete env.OPENSHELL_GATEWAY_ENDPOINT
  }

  env.NO_COLOR = '1'
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (v === undefined) delete env[k]
    else env[k] = v
  }

  return env
}

/**
 * Run `openshell <argv>` (with `-g <gateway>` first when given). Never throws: a missing binary yields a RunResult
 * with `spawnError: 'ENOENT'` (or 'EACCES'), which classifyFailure maps to openshell_missing / not_executable.
 */
export async function runOpenshell(argv: string[], opts: RunOpenshellOptions): Promise<RunResult> {
  const baseEnv = opts.baseEnv ?? process.env
  const args = opts.gateway === undefined ? [...argv] : ['-g', opts.gateway, ...argv]
  let binary = opts.binary
  if (binary === undefined) {
    const r = resolveOpenshell(baseEnv)
    if (!r.ok) {
      const result: RunResult = {
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
      log.push({binary: result.binary, argv: args, exitCode: null, signal: null, timedOut: false, durationMs: 0, tool: 'openshell'})
      return result
    }

    binary = r.path
  }

  const interactive = opts.interactive === true
  const timeoutMs = opts.timeoutMs ?? (interactive ? undefined : defaultTimeout(opts.kind, baseEnv))
  return run(binary, args, {
    tool: 'openshell',
    timeoutMs,
    interactive,
    env: childEnv(baseEnv, opts.env, opts.gateway),
    maxOutputBytes: opts.maxOutputBytes,
  })
}
