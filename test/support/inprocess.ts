// Run the BUILT nemoclaw CLI (dist/) inside the test process instead of as a child process, with the simulator
// answering in-process too. A spawned CLI costs a Node start-up plus oclif's configuration; most tests check what a
// command prints and its exit code, which this gives in a fraction of the time (test/support/cli.ts `runCli` uses it
// unless a test needs a real process: stdin input, signals, a terminal — see `startCli`, `spawnCli`).
//
// Same observable result as a process (`CliResult`): the exit code the process would end with (bin/run.js: the
// fast `--version` path, the `nemoclaw <name> <action>` rewrite, oclif's `execute` and its error handler), stdout,
// stderr, json. Each call is isolated like a process: process.env and process.argv are swapped and restored,
// process.exitCode is reset, and the per-process state of nemoclaw (the runner's call log and signal listeners, the
// OpenShell client with its detected version, the reconcile of the session — reset by the prerun hook) starts fresh.
// Tests in one mocha worker run one at a time, so swapping process-wide state is safe.
//
// bin/run.js's fast path (`status`, `list`, `NAME status` and `--help` copies without oclif, src/lib/cli/fast.ts) is
// not taken here: it is the same code (views.ts, targets.ts) dispatched without oclif, from its own bundle with its
// own module state. test/integration/fast-path.test.ts proves it prints and exits exactly as the oclif dispatch in
// real processes, and test/integration/inprocess.test.ts compares this runner with real processes (which do take it).
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const BIN = path.join(ROOT, 'bin', 'run.js')
const SIM_BIN_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'simulator')

export interface InProcessResult {
  exitCode: number
  stdout: string
  stderr: string
  durationMs: number
}

type SimAnswer = {code: number; stdout: string; stderr: string}

interface Modules {
  execute: (opts: {args: string[]; dir: string}) => Promise<unknown>
  Exit: {exit(code?: number): void}
  fastVersion: (opts: {argv: string[]; env: NodeJS.ProcessEnv; root: string}) => string | undefined
  rewriteArgv: (argv: string[], env?: NodeJS.ProcessEnv) => string[]
  resetRunner: () => void
  resetRuntime: () => void
}

const dist = (p: string) => pathToFileURL(path.join(ROOT, 'dist', p)).href

let modules: Promise<Modules> | undefined

/** The executable `name` resolves to on `PATH` (as spawn would find it), or undefined. */
function which(name: string, env: NodeJS.ProcessEnv): string | undefined {
  if (name.includes('/')) return name
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue
    const file = path.join(dir, name)
    try {
      fs.accessSync(file, fs.constants.X_OK)
      if (fs.statSync(file).isFile()) return file
    } catch {
      // not here
    }
  }

  return undefined
}

async function load(): Promise<Modules> {
  const [oclif, handle, fast, argv, runner, runtime, simOpenshell, simSystemctl, simDocker] = await Promise.all([
    import('@oclif/core'),
    import('@oclif/core/handle'),
    import(dist('lib/cli/fast-version.js')),
    import(dist('lib/cli/argv.js')),
    import(dist('lib/openshell/runner.js')),
    import(dist('lib/cli/runtime.js')),
    import('./simulator/lib/openshell.js'),
    import('./simulator/lib/systemctl.js'),
    import('./simulator/lib/docker.js'),
  ])
  const sims: Record<string, (args: string[], env: NodeJS.ProcessEnv) => Promise<SimAnswer | undefined> | SimAnswer> = {
    docker: simDocker.callInProcess,
    openshell: simOpenshell.callInProcess,
    systemctl: simSystemctl.callInProcess,
  }
  // The simulator's executables answer in-process; anything else (and any call the simulator says needs a process
  // of its own: faults, latency, streaming) is spawned as usual.
  runner.setSpawnHookForTests(async (file: string, args: string[], env: NodeJS.ProcessEnv) => {
    const resolved = which(file, env)
    if (resolved === undefined || path.dirname(resolved) !== SIM_BIN_DIR) return undefined
    const sim = sims[path.basename(resolved)]
    const r = sim ? await sim(args, env) : undefined
    return r && {exitCode: r.code, stderr: r.stderr, stdout: r.stdout}
  })
  return {
    Exit: (handle as any).Exit,
    execute: (oclif as any).execute,
    fastVersion: fast.fastVersion,
    resetRunner: runner.resetRunnerForTests,
    resetRuntime: runtime.resetRuntimeForTests,
    rewriteArgv: argv.rewriteArgv,
  }
}

function replaceEnv(next: NodeJS.ProcessEnv): void {
  // In place, so that the real environment (getenv: os.homedir(), children spawned without an env) follows too.
  // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- process.env itself must lose the variable, not a copy
  for (const k of Object.keys(process.env)) if (!(k in next)) delete process.env[k]
  for (const [k, v] of Object.entries(next)) if (v !== undefined) process.env[k] = v
}

let queue: Promise<unknown> = Promise.resolve()
/** The test process's own environment while a call has swapped process.env (else undefined). */
let host: NodeJS.ProcessEnv | undefined

/**
 * The test process's own environment. Test code that copies the environment must use this, not process.env: while
 * a call is running (awaiting), other code of the same test may run, and process.env is then the command's.
 */
export function hostEnv(): NodeJS.ProcessEnv {
  return host ?? process.env
}

/**
 * Run `nemoclaw <args>` in this process, in environment `env` (complete, as a child's would be). Calls made at the
 * same time run one after the other (process-wide state is swapped): where processes racing each other is what a
 * test is about, it must use spawnCli.
 */
export function runInProcess(env: NodeJS.ProcessEnv, args: string[]): Promise<InProcessResult> {
  const turn = queue.then(() => runOne(env, args))
  queue = turn.catch(() => {})
  return turn
}

async function runOne(env: NodeJS.ProcessEnv, args: string[]): Promise<InProcessResult> {
  const started = Date.now()
  const saved = {
    argv: process.argv,
    env: {...process.env},
    exitCode: process.exitCode,
    stderrWrite: process.stderr.write,
    stdoutWrite: process.stdout.write,
  }
  const ttys = [process.stdin, process.stdout, process.stderr].map(
    (s) => [s, Object.getOwnPropertyDescriptor(s, 'isTTY')] as const,
  )
  const drainListeners = process.stdout.listeners('drain')
  const out = {stderr: '', stdout: ''}
  const capture = (name: 'stderr' | 'stdout') =>
    function (chunk: unknown, encoding?: unknown, cb?: unknown): boolean {
      out[name] += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8')
      const done = typeof encoding === 'function' ? encoding : cb
      if (typeof done === 'function') process.nextTick(done as () => void)
      return true
    } as typeof process.stdout.write
  let exitCode: number | undefined
  let m: Modules | undefined
  let savedExit: Modules['Exit']['exit'] | undefined
  try {
    // A child of runCli has pipes, not a terminal, whatever the test runner has.
    for (const [s] of ttys) Object.defineProperty(s, 'isTTY', {configurable: true, value: undefined, writable: true})
    host = saved.env
    replaceEnv(env)
    process.argv = [process.execPath, BIN, ...args]
    process.exitCode = undefined
    process.stdout.write = capture('stdout')
    process.stderr.write = capture('stderr')
    modules ??= load()
    m = await modules
    m.resetRunner()
    m.resetRuntime()
    savedExit = m.Exit.exit
    // oclif's error handler ends with Exit.exit(code) (process.exit): the code is what the process would exit with.
    m.Exit.exit = (code = 0) => {
      exitCode ??= code
    }

    const version = m.fastVersion({argv: args, env: process.env, root: ROOT})
    // the package root, as bin/run.js passes it (a path inside bin/ would find bin/package.json first)
    if (version === undefined) await m.execute({args: m.rewriteArgv(args, process.env), dir: ROOT})
    else process.stdout.write(version + '\n')
    exitCode ??= typeof process.exitCode === 'number' ? process.exitCode : Number(process.exitCode ?? 0)
  } finally {
    if (m && savedExit) m.Exit.exit = savedExit
    m?.resetRunner()
    process.stdout.write = saved.stdoutWrite
    process.stderr.write = saved.stderrWrite
    for (const l of process.stdout.listeners('drain'))
      if (!drainListeners.includes(l)) process.stdout.removeListener('drain', l as () => void)
    for (const [s, d] of ttys) {
      if (d) Object.defineProperty(s, 'isTTY', d)
      else delete (s as {isTTY?: boolean}).isTTY
    }

    process.argv = saved.argv
    process.exitCode = saved.exitCode
    replaceEnv(saved.env)
    host = undefined
  }

  return {durationMs: Date.now() - started, exitCode, stderr: out.stderr, stdout: out.stdout}
}
