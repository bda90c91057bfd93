// Run the BUILT nemoclaw CLI (bin/run.js → dist/) as a user would, in a simulator's environment.
// `npm test` builds first; run `npm run build` before running integration tests on their own.
//
// runCli runs the command in the test process (test/support/inprocess.ts: same result, a fraction of the cost);
// spawnCli, startCli and startInTerminal start a real process (exit codes as the OS reports them, signals, stdin,
// terminals, start-up). NEMOCLAW_TEST_SPAWN=1 makes runCli spawn too: the whole suite then runs as it did before.
import {type ChildProcess, spawn} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {withChanges} from '../../src/lib/env.js'
import {contractChecked} from './json-contract.js'
import {runInProcess} from './inprocess.js'
import {callsStarted, type Sim} from './sim.js'
import {startedLogPath} from './simulator/lib/common.js'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const BIN = path.join(ROOT, 'bin', 'run.js')

export interface CliResult {
  exitCode: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  durationMs: number
  /** stdout parsed as JSON when it is JSON, else undefined. */
  json?: any
}

export interface CliOptions {
  /** Extra environment (merged over the simulator's). Use `undefined` values to remove a variable. */
  env?: Record<string, string | undefined>
  /** Kill after this many ms (default 60 s). */
  timeoutMs?: number
  input?: string
  /** runCli: start a real process even when it could run in-process. */
  spawn?: boolean
}

export function assertBuilt(): void {
  if (
    !fs.existsSync(path.join(ROOT, 'dist', 'lib', 'cli', 'argv.js')) ||
    !fs.existsSync(path.join(ROOT, 'oclif.manifest.json'))
  ) {
    throw new Error('nemoclaw is not built: run `npm run build` (npm test does it for you)')
  }
}

export function cliEnv(
  sim: Pick<Sim, 'env'> | {env: NodeJS.ProcessEnv},
  extra: CliOptions['env'] = {},
): NodeJS.ProcessEnv {
  return withChanges(sim.env, extra)
}

function parseJson(stdout: string): any {
  try {
    return stdout.trim().startsWith('{') ? JSON.parse(stdout) : undefined
  } catch {
    return undefined
  }
}

/**
 * Run `nemoclaw <args>` to completion. In the test process unless it needs a process of its own (stdin input,
 * `spawn: true`, or NEMOCLAW_TEST_SPAWN=1); the result is the same either way (test/integration/inprocess.test.ts).
 */
export async function runCli(
  sim: Pick<Sim, 'env'> | {env: NodeJS.ProcessEnv},
  args: string[],
  opts: CliOptions = {},
): Promise<CliResult> {
  if (opts.spawn || opts.input !== undefined || process.env.NEMOCLAW_TEST_SPAWN === '1')
    return spawnCli(sim, args, opts)
  assertBuilt()
  const r = await runInProcess(cliEnv(sim, opts.env), args)
  return contractChecked(args, {...r, json: parseJson(r.stdout), signal: null})
}

/** Run `nemoclaw <args>` as a child process (bin/run.js) to completion. */
export function spawnCli(
  sim: Pick<Sim, 'env'> | {env: NodeJS.ProcessEnv},
  args: string[],
  opts: CliOptions = {},
): Promise<CliResult> {
  assertBuilt()
  const env = cliEnv(sim, opts.env)
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {env, stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d) => {
      stdout += d
    })
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000)
    child.on('error', reject)
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer)
      let json: any
      try {
        json = stdout.trim().startsWith('{') ? JSON.parse(stdout) : undefined
      } catch {
        json = undefined
      }

      resolve(contractChecked(args, {durationMs: Date.now() - started, exitCode, json, signal, stderr, stdout}))
    })
    if (opts.input !== undefined) child.stdin.end(opts.input)
    else child.stdin.end()
  })
}

/** Waiting for output of a running process: `changed()` on new output, `ended()` once it closed. */
function outputWaits(): {
  changed(): void
  ended(): void
  waitFor(text: () => string, re: RegExp, timeoutMs: number, context: () => string): Promise<void>
} {
  const waiters = new Set<() => void>()
  let over = false
  const changed = () => {
    for (const w of [...waiters]) w()
  }

  return {
    changed,
    ended() {
      over = true
      changed()
    },
    waitFor: (text, re, timeoutMs, context) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (re.test(text())) finish()
          else if (over) finish(new Error(`process ended before ${re} appeared\n${context()}`))
        }

        const t = setTimeout(() => finish(new Error(`timed out waiting for ${re}\n${context()}`)), timeoutMs)
        function finish(error?: Error) {
          clearTimeout(t)
          waiters.delete(check)
          if (error) reject(error)
          else resolve()
        }

        waiters.add(check)
        check()
      }),
  }
}

export interface RunningCli {
  child: ChildProcess
  /** Output so far. */
  readonly stdout: string
  readonly stderr: string
  /** Resolves when stderr (or stdout) matches; rejects after `timeoutMs` or when the process ends first. */
  waitFor(re: RegExp, opts?: {stream?: 'stdout' | 'stderr'; timeoutMs?: number}): Promise<void>
  /**
   * Resolves once the simulator has started an `openshell` call of this command (`sandbox create`, `--version`: see
   * commandOf), i.e. while that call is in flight when the simulator has a latency; rejects after `timeoutMs` or
   * when the process ends first. A signal about the run that is not the CLI's own output.
   */
  waitForCall(command: string, opts?: {timeoutMs?: number}): Promise<void>
  done: Promise<CliResult>
}

/** Start the built CLI and control it while it runs (signals, timing on its output). */
export function startCli(
  sim: Pick<Sim, 'env'> | {env: NodeJS.ProcessEnv},
  args: string[],
  opts: CliOptions = {},
): RunningCli {
  assertBuilt()
  const started = Date.now()
  const child = spawn(process.execPath, [BIN, ...args], {env: cliEnv(sim, opts.env), stdio: ['pipe', 'pipe', 'pipe']})
  const out = {stderr: '', stdout: ''}
  const waits = outputWaits()
  child.stdout!.setEncoding('utf8').on('data', (d) => {
    out.stdout += d
    waits.changed()
  })
  child.stderr!.setEncoding('utf8').on('data', (d) => {
    out.stderr += d
    waits.changed()
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000)
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer)
      waits.ended()
      resolve(
        contractChecked(args, {
          durationMs: Date.now() - started,
          exitCode,
          json: parseJson(out.stdout),
          signal,
          stderr: out.stderr,
          stdout: out.stdout,
        }),
      )
    })
  })
  if (opts.input !== undefined) child.stdin!.end(opts.input)
  else child.stdin!.end()
  const waitFor = (re: RegExp, o: {stream?: 'stdout' | 'stderr'; timeoutMs?: number} = {}) =>
    waits.waitFor(
      () => out[o.stream ?? 'stderr'],
      re,
      o.timeoutMs ?? 30_000,
      () => `stdout: ${out.stdout}\nstderr: ${out.stderr}`,
    )
  const waitForCall = async (command: string, o: {timeoutMs?: number} = {}) => {
    const env = cliEnv(sim, opts.env)
    const started = () =>
      callsStarted(env)
        .map((c) => commandOf(c.argv))
        .join('\n')
    const watcher = fs.watch(path.dirname(startedLogPath(path.resolve(env.OPENSHELL_SIM_STATE!))), () =>
      waits.changed(),
    )
    try {
      const re = new RegExp(`^${command.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm')
      await waits.waitFor(
        started,
        re,
        o.timeoutMs ?? 30_000,
        () => `calls started:\n${started()}\nstdout: ${out.stdout}\nstderr: ${out.stderr}`,
      )
    } finally {
      watcher.close()
    }
  }

  return {
    child,
    done,
    get stderr() {
      return out.stderr
    },
    get stdout() {
      return out.stdout
    },
    waitFor,
    waitForCall,
  }
}

export interface TerminalCli {
  /** Output so far (the terminal's: stdout and stderr together, with control sequences). */
  readonly output: string
  /** Resolves when the output matches; rejects after `timeoutMs` or when the process ends first. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>
  /** Type into the terminal (`\r` is Enter). */
  type(text: string): void
  done: Promise<{exitCode: number | null; output: string}>
}

const shellQuote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`

/**
 * Start the built CLI on a pseudo-terminal (util-linux `script`), so that stdin and stdout are TTYs and prompts are
 * shown; answer them with `type`. `stdoutTo`: stdout goes to that file instead (`nemoclaw … > file` in a terminal).
 */
export function startInTerminal(
  sim: Pick<Sim, 'env'> | {env: NodeJS.ProcessEnv},
  args: string[],
  opts: CliOptions & {stdoutTo?: string} = {},
): TerminalCli {
  assertBuilt()
  const env = cliEnv(sim, {CI: undefined, ...opts.env})
  const redirect = opts.stdoutTo === undefined ? '' : ` > ${shellQuote(opts.stdoutTo)}`
  const command = `stty cols 160 rows 50; exec ${[process.execPath, BIN, ...args].map((a) => shellQuote(a)).join(' ')}${redirect}`
  const child = spawn('script', ['-qec', command, '/dev/null'], {env, stdio: ['pipe', 'pipe', 'pipe']})
  let output = ''
  const waits = outputWaits()
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8').on('data', (d) => {
      output += d
      waits.changed()
    })
  }

  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000)
  const done = new Promise<{exitCode: number | null; output: string}>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (exitCode) => {
      clearTimeout(timer)
      waits.ended()
      resolve({exitCode, output})
    })
  })
  return {
    done,
    get output() {
      return output
    },
    type(text: string) {
      child.stdin.write(text)
    },
    waitFor: (re: RegExp, timeoutMs = 30_000) =>
      waits.waitFor(
        () => output,
        re,
        timeoutMs,
        () => output,
      ),
  }
}

/** Argv entries of the simulator log that would mutate the gateway (anything but reads). */
export const READ_ONLY_COMMANDS = [
  '--version',
  'status',
  'gateway info',
  'gateway list',
  'sandbox list',
  'sandbox get',
  'inference get',
  'provider list',
  'policy get',
  'logs',
  'forward list',
]

export function commandOf(argv: string[]): string {
  const words: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '-g' || a === '--gateway') {
      i++
      continue
    }

    if (a.startsWith('-')) {
      if (words.length === 0 && (a === '--version' || a === '-V')) return '--version'
      // A flag after the command word: what follows may be its value (`status -o json`), not a subcommand.
      if (words.length > 0) break
      continue
    }

    words.push(a)
    if (words.length === 2) break
  }

  return words.join(' ')
}

export function mutatingCalls(log: Array<{argv: string[]}>): string[][] {
  return log
    .map((e) => e.argv)
    .filter((argv) => {
      const c = commandOf(argv)
      return !READ_ONLY_COMMANDS.some(
        (r) =>
          c === r ||
          c.startsWith(`${r} `) ||
          (r === 'status' && c === 'status') ||
          (r === 'logs' && c.startsWith('logs')),
      )
    })
}
