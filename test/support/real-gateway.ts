// The REAL OpenShell 0.0.111 gateway in the loop (see ../shared/real-openshell/README.md and
// scripts/setup-real-gateway.sh, which prepares the machine: Docker, the sandbox image, the unpacked binaries).
//
// A RealWorld is one user's machine in a throw-away directory: a HOME with OpenShell's config and the local TLS
// bundle, a NEMOCLAW_HOME, an argv-logging wrapper around the real `openshell` CLI (what nemoclaw runs), and any
// number of real gateways. The first gateway is the user's LOCAL gateway: it runs with the user's HOME, so its PKI
// is the user's `~/.local/state/openshell/tls` (the bundle nemoclaw re-imports from). Further gateways get their own
// server homes. Every gateway has its own port, state and Docker sandbox namespace (`nct-…`), and cleanup() removes
// every container it created. Nothing touches the developer's real ~/.config/openshell or ~/.nemoclaw.
import {type ChildProcess, execFileSync, spawn} from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

import {execa} from 'execa'
import stripAnsi from 'strip-ansi'

import {type CliOptions, type CliResult, runCli} from './cli.js'
import {hostEnv} from './inprocess.js'
import {realOpenshellVersions, repoRoot, skipOrFail} from './real-openshell.js'

export const REAL_VERSION = '0.0.111'
export const REAL_DIR = path.join(repoRoot, '.cache', 'real-openshell')
export const MANAGED_LABEL = 'openshell.ai/managed-by=openshell'
export const NAMESPACE_LABEL = 'openshell.ai/sandbox-namespace'

export interface RealPrereqs {
  ok: boolean
  reason?: string
  gatewayBin: string
  supervisorBin: string
  cliBin: string
  image: string
}

let cached: RealPrereqs | undefined

/** What the real-gateway tests need, checked once per process: setup's status file, the binaries, the CLI, Docker. */
export function realGatewayPrereqs(): RealPrereqs {
  if (cached) return cached
  const base = {
    cliBin: '',
    gatewayBin: path.join(REAL_DIR, 'openshell-gateway'),
    image: 'openshell-local/sandbox:dev',
    supervisorBin: path.join(REAL_DIR, 'openshell-sandbox'),
  }
  const no = (reason: string): RealPrereqs => (cached = {...base, ok: false, reason})
  let status: {ok?: boolean; reason?: string; image?: string}
  try {
    status = JSON.parse(fs.readFileSync(path.join(REAL_DIR, 'status.json'), 'utf8'))
  } catch {
    return no('the machine is not prepared: run `bash scripts/setup-real-gateway.sh` (needs root, Debian packages)')
  }

  if (!status.ok) return no(status.reason ?? 'setup-real-gateway.sh reported the real gateway unavailable')
  if (status.image) base.image = status.image
  for (const f of [base.gatewayBin, base.supervisorBin])
    if (!fs.existsSync(f)) return no(`${f} missing: run \`bash scripts/setup-real-gateway.sh\``)
  const cli = realOpenshellVersions().versions.find((v) => v.version === REAL_VERSION)
  if (!cli?.binary)
    return no(`the real openshell ${REAL_VERSION} CLI is not installed: run \`bash scripts/install-openshell.sh\``)
  base.cliBin = cli.binary
  try {
    execFileSync('docker', ['image', 'inspect', base.image], {stdio: 'ignore', timeout: 15_000})
  } catch {
    return no(`Docker does not answer or has no image ${base.image}: run \`bash scripts/setup-real-gateway.sh\``)
  }

  cached = {...base, ok: true}
  return cached
}

/**
 * For a `before` hook: the prerequisites, or a skip that says why. Under CI=true a missing prerequisite fails the
 * suite instead: CI must never pass by skipping the real gateway.
 */
export function requireRealGateway(ctx: Mocha.Context): RealPrereqs {
  const p = realGatewayPrereqs()
  if (!p.ok) skipOrFail(ctx, `real gateway unavailable: ${p.reason}`)
  return p
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const {port} = s.address() as net.AddressInfo
      s.close(() => resolve(port))
    })
  })
}

/** Poll `probe` until it is true or `timeoutMs` passes (a bounded wait on a condition, never a fixed sleep). */
export async function waitUntil(
  probe: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let delay = 20
  for (;;) {
    if (await probe()) return
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, delay))
    delay = Math.min(delay * 2, 250)
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({host: '127.0.0.1', port})
    sock.once('connect', () => {
      sock.destroy()
      resolve(true)
    })
    sock.once('error', () => resolve(false))
  })
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

export interface ArgvCall {
  argv: string[]
  gatewayEnv: string | null
}

/** One real gateway process with its own PKI, state, port and sandbox namespace. */
export class RealGateway {
  proc?: ChildProcess
  restarts = 0

  constructor(
    readonly world: RealWorld,
    readonly name: string,
    readonly port: number,
    /** The gateway process's HOME (the user's HOME for the local gateway). */
    readonly serverHome: string,
    readonly namespace: string,
  ) {}

  get endpoint(): string {
    return `https://127.0.0.1:${this.port}`
  }

  get stateHome(): string {
    return path.join(this.serverHome, '.local', 'state')
  }

  /** The gateway's PKI: ca, server/, client/ (the client bundle `gateway add --local` imports), jwt/. */
  get tlsDir(): string {
    return path.join(this.stateHome, 'openshell', 'tls')
  }

  /** The gateway's database and state (what a rebuild wipes). */
  get stateDir(): string {
    return path.join(this.stateHome, 'openshell', 'gateway')
  }

  get pid(): number | undefined {
    return this.proc?.pid
  }

  get running(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null
  }

  private serverEnv(): NodeJS.ProcessEnv {
    return {
      HOME: this.serverHome,
      LANG: 'C.UTF-8',
      OPENSHELL_LOCAL_TLS_DIR: this.tlsDir,
      PATH: hostEnv().PATH ?? '/usr/bin:/bin',
      XDG_CONFIG_HOME: path.join(this.serverHome, '.config'),
      XDG_STATE_HOME: this.stateHome,
    }
  }

  generateCerts(): void {
    execFileSync(
      this.world.prereqs.gatewayBin,
      ['generate-certs', '--output-dir', this.tlsDir, '--server-san', 'host.openshell.internal'],
      {
        env: this.serverEnv(),
        stdio: 'ignore',
        timeout: 30_000,
      },
    )
  }

  writeConfig(): void {
    const dir = path.join(this.serverHome, '.config', 'openshell')
    fs.mkdirSync(dir, {recursive: true})
    fs.writeFileSync(
      path.join(dir, 'gateway.toml'),
      [
        '[openshell]',
        'version = 1',
        '[openshell.gateway]',
        `bind_address = "127.0.0.1:${this.port}"`,
        'compute_drivers = ["docker"]',
        '[openshell.drivers.docker]',
        `default_image = "${this.world.prereqs.image}"`,
        'image_pull_policy = "IfNotPresent"',
        `supervisor_bin = "${this.world.prereqs.supervisorBin}"`,
        `sandbox_namespace = "${this.namespace}"`,
        '',
      ].join('\n'),
    )
  }

  /** Start the gateway process and wait until its port answers. */
  async start(): Promise<void> {
    if (this.running) throw new Error(`gateway ${this.name} is already running`)
    const logFd = fs.openSync(path.join(this.world.dir, `gateway-${this.name}.log`), 'a')
    // The port comes from gateway.toml's bind_address, as on a user's machine (nemoclaw reads it to know which
    // endpoint the local TLS bundle belongs to).
    this.proc = spawn(this.world.prereqs.gatewayBin, [], {
      detached: true,
      env: this.serverEnv(),
      stdio: ['ignore', logFd, logFd],
    })
    fs.closeSync(logFd)
    const proc = this.proc
    await waitUntil(
      async () => {
        if (proc.exitCode !== null)
          throw new Error(
            `gateway ${this.name} exited with ${proc.exitCode}; see ${this.world.dir}/gateway-${this.name}.log`,
          )
        return portOpen(this.port)
      },
      20_000,
      `gateway ${this.name} on port ${this.port}`,
    )
  }

  private async kill(signal: NodeJS.Signals): Promise<void> {
    const proc = this.proc
    if (!proc || !this.running) return
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
    proc.kill(signal)
    await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))])
    if (this.running) {
      proc.kill('SIGKILL')
      await exited
    }
  }

  /** kill -9: the API refuses, containers keep running. */
  async stop(): Promise<void> {
    await this.kill('SIGKILL')
  }

  async crashRestart(): Promise<void> {
    await this.stop()
    await this.start()
    this.restarts++
  }

  /** SIGTERM (what `systemctl restart` sends): the gateway stops every sandbox on its way down. */
  async gracefulRestart(): Promise<void> {
    await this.kill('SIGTERM')
    await this.start()
    this.restarts++
  }

  /** New PKI (new CA and sandbox JWT keys), same state. */
  async rotateCa(): Promise<void> {
    await this.stop()
    fs.rmSync(this.tlsDir, {force: true, recursive: true})
    this.generateCerts()
    await this.start()
  }

  /** New PKI and an empty database: every sandbox is gone from the gateway; their containers stay in Docker. */
  async rebuild(): Promise<void> {
    await this.stop()
    fs.rmSync(this.tlsDir, {force: true, recursive: true})
    fs.rmSync(this.stateDir, {force: true, recursive: true})
    this.generateCerts()
    await this.start()
  }

  /** Container ids of this gateway's namespace (running or not). */
  containers(): string[] {
    const out = execFileSync(
      'docker',
      ['ps', '-aq', '--filter', `label=${MANAGED_LABEL}`, '--filter', `label=${NAMESPACE_LABEL}=${this.namespace}`],
      {encoding: 'utf8', timeout: 30_000},
    )
    return out.split('\n').filter(Boolean)
  }
}

/** One user's machine: HOME, NEMOCLAW_HOME, the logged `openshell`, and real gateways. */
export class RealWorld {
  readonly gateways: RealGateway[] = []
  readonly home: string
  readonly nemoclawHome: string
  readonly argvLogPath: string
  readonly wrapper: string
  /** What nemoclaw runs with: the user's HOME and the logging wrapper as NEMOCLAW_OPENSHELL_BIN. */
  readonly env: NodeJS.ProcessEnv

  private constructor(
    readonly dir: string,
    readonly prereqs: RealPrereqs,
  ) {
    this.home = path.join(dir, 'home')
    this.nemoclawHome = path.join(dir, 'nemoclaw')
    this.argvLogPath = path.join(dir, 'argv.log')
    this.wrapper = path.join(dir, 'bin', 'openshell')
    for (const d of [
      path.join(this.home, '.config'),
      path.join(this.home, '.local', 'state'),
      this.nemoclawHome,
      path.dirname(this.wrapper),
    ])
      fs.mkdirSync(d, {recursive: true})
    // Each call appends one record: its argv joined by \x1f and the OPENSHELL_GATEWAY it saw, ended by \x1e, in one
    // write (atomic under O_APPEND), then runs the real binary unchanged.
    fs.writeFileSync(
      this.wrapper,
      `#!/bin/sh\nrec="\${OPENSHELL_GATEWAY-}"\nfor a in "$@"; do rec="$rec$(printf '\\037')$a"; done\nprintf '%s\\036' "$rec" >> '${this.argvLogPath}'\nexec '${prereqs.cliBin}' "$@"\n`,
      {mode: 0o755},
    )
    const env: NodeJS.ProcessEnv = {}
    const host = hostEnv()
    for (const k of ['PATH', 'LANG', 'TERM', 'TMPDIR']) if (host[k] !== undefined) env[k] = host[k]
    Object.assign(env, {
      CI: '1',
      HOME: this.home,
      NEMOCLAW_HOME: this.nemoclawHome,
      NEMOCLAW_OPENSHELL_BIN: this.wrapper,
      XDG_CONFIG_HOME: path.join(this.home, '.config'),
      XDG_STATE_HOME: path.join(this.home, '.local', 'state'),
    })
    this.env = env
  }

  static async create(prereqs: RealPrereqs = realGatewayPrereqs()): Promise<RealWorld> {
    if (!prereqs.ok) throw new Error(`real gateway unavailable: ${prereqs.reason}`)
    return new RealWorld(fs.mkdtempSync(path.join(os.tmpdir(), 'nemoclaw-real-')), prereqs)
  }

  /**
   * Start a gateway and register it with the real CLI's own `gateway add --local` (which also selects it). The first
   * one is the user's local gateway (its PKI is the user's local TLS bundle); `register: false` leaves it unknown.
   */
  async addGateway(name: string, opts: {register?: boolean} = {}): Promise<RealGateway> {
    const local = this.gateways.length === 0
    const serverHome = local ? this.home : path.join(this.dir, `server-${name}`)
    const namespace = `nct-${path.basename(this.dir).slice(-6).toLowerCase()}-${name}`.replaceAll(/[^a-z0-9-]/g, '-')
    const gw = new RealGateway(this, name, await freePort(), serverHome, namespace)
    this.gateways.push(gw)
    gw.writeConfig()
    gw.generateCerts()
    await gw.start()
    if (opts.register !== false) {
      const r = await this.openshell(['gateway', 'add', '--local', gw.endpoint, '--name', name], {
        env: {OPENSHELL_LOCAL_TLS_DIR: gw.tlsDir},
      })
      if (r.exitCode !== 0) throw new Error(`gateway add ${name} failed: ${r.stdout}${r.stderr}`)
    }

    return gw
  }

  gateway(name: string): RealGateway {
    const gw = this.gateways.find((g) => g.name === name)
    if (!gw) throw new Error(`no gateway ${name} in this world`)
    return gw
  }

  /** Run the real CLI directly (test set-up; not logged as nemoclaw's). */
  async openshell(
    argv: string[],
    opts: {env?: Record<string, string>; timeoutMs?: number} = {},
  ): Promise<{exitCode: number; stdout: string; stderr: string}> {
    const env = {...this.env, ...opts.env}
    delete env.NEMOCLAW_OPENSHELL_BIN
    const r = await execa(this.prereqs.cliBin, argv, {
      env,
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
      stripFinalNewline: false,
      timeout: opts.timeoutMs ?? 60_000,
    })
    return {exitCode: r.exitCode ?? -1, stderr: String(r.stderr ?? ''), stdout: String(r.stdout ?? '')}
  }

  /**
   * Create sandboxes out of band (as another tool or the user would), and wait until they are Ready. One at a time by
   * default, so the gateway's list order (creation time) is the order given; `parallel` creates that many at once.
   */
  async createSandboxes(gateway: string, names: string[], opts: {parallel?: number} = {}): Promise<void> {
    const width = Math.max(1, opts.parallel ?? 1)
    for (let i = 0; i < names.length; i += width) {
      await Promise.all(
        names.slice(i, i + width).map(async (name) => {
          const r = await this.openshell([
            '-g',
            gateway,
            'sandbox',
            'create',
            '--name',
            name,
            '--from',
            this.prereqs.image,
            '--detach',
          ])
          if (r.exitCode !== 0) throw new Error(`sandbox create ${name}: ${r.stdout}${r.stderr}`)
        }),
      )
    }

    await this.waitPhase(gateway, names, 'Ready')
  }

  /** The live phase of each sandbox, from the real CLI's table. */
  async phases(gateway: string): Promise<Record<string, string>> {
    const r = await this.openshell(['-g', gateway, 'sandbox', 'list', '--limit', '1000'])
    const out: Record<string, string> = {}
    for (const line of stripAnsi(r.stdout).split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/)
      if (cols.length >= 3) out[cols[0]] = cols.at(-1)!
    }

    return out
  }

  async waitPhase(gateway: string, names: string[], phase: string, timeoutMs = 60_000): Promise<void> {
    await waitUntil(
      async () => {
        const p = await this.phases(gateway)
        return names.every((n) => p[n] === phase)
      },
      timeoutMs,
      `${names.join(', ')} ${phase} on ${gateway}`,
    )
  }

  /** Run the built nemoclaw as the user would. */
  nemoclaw(args: string[], opts: CliOptions = {}): Promise<CliResult> {
    return runCli({env: this.env}, args, opts)
  }

  /** Every `openshell` call nemoclaw made since the last clearLog(). */
  argvLog(): ArgvCall[] {
    let text = ''
    try {
      text = fs.readFileSync(this.argvLogPath, 'utf8')
    } catch {
      return []
    }

    return text
      .split('\u001E')
      .filter(Boolean)
      .map((rec) => {
        const [gw, ...argv] = rec.split('\u001F')
        return {argv, gatewayEnv: gw === '' ? null : gw}
      })
  }

  clearLog(): void {
    fs.writeFileSync(this.argvLogPath, '')
  }

  async cleanup(): Promise<void> {
    for (const gw of this.gateways) await gw.stop()
    const ids = this.gateways.flatMap((gw) => {
      try {
        return gw.containers()
      } catch {
        return []
      }
    })
    if (ids.length > 0) await execa('docker', ['rm', '-f', ...ids], {reject: false, timeout: 120_000})
    if (!process.env.NEMOCLAW_KEEP_REAL_WORLD) fs.rmSync(this.dir, {force: true, recursive: true})
  }
}

/** A local OpenAI-compatible endpoint (what `inference set` verifies on 0.0.111): chat completions and models. */
export class OpenAiStub {
  readonly requests: Array<{method: string; url: string; body: string}> = []
  private server?: http.Server
  port = 0

  get url(): string {
    return `http://127.0.0.1:${this.port}/v1`
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      let body = ''
      req.on('data', (d) => {
        body += d
      })
      req.on('end', () => {
        this.requests.push({body, method: req.method ?? '', url: req.url ?? ''})
        res.setHeader('content-type', 'application/json')
        if (req.url?.endsWith('/models')) {
          res.end(JSON.stringify({data: [{id: 'stub-model', object: 'model'}], object: 'list'}))
          return
        }

        const model = (() => {
          try {
            return (JSON.parse(body) as {model?: string}).model ?? 'stub-model'
          } catch {
            return 'stub-model'
          }
        })()
        res.end(
          JSON.stringify({
            choices: [{finish_reason: 'stop', index: 0, message: {content: 'ok', role: 'assistant'}}],
            created: 1,
            id: 'c1',
            model,
            object: 'chat.completion',
            usage: {completion_tokens: 1, prompt_tokens: 1, total_tokens: 2},
          }),
        )
      })
    })
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()))
    this.port = (this.server.address() as net.AddressInfo).port
    return this
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
  }
}

export {processAlive}
