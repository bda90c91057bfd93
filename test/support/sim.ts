// Test harness for the OpenShell simulator (test/support/simulator). Creates an isolated HOME with a
// simulated `openshell` (and `systemctl`) first on PATH.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {withChanges} from '../../src/lib/env.js'
import {hostEnv} from './inprocess.js'
import {startedLogPath} from './simulator/lib/common.js'
import {callInProcess as simControl} from './simulator/lib/control.js'

export const SIM_BIN_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'simulator')

export interface SimOptions {
  profile: 'legacy' | 'modern'
  version?: string
  gateway?: string | null // gateway name (default 'nemoclaw'); null = none registered
  serviceUnit?: boolean // modern: write the systemd user unit (default true)
}

export interface ArgvLogEntry {
  t: string
  pid: number
  cmd: 'openshell' | 'systemctl'
  argv: string[]
  gatewayEnv: string | null
  gatewayEndpointEnv: string | null
  exitCode: number | null
  fault?: string
  secretInArgv?: boolean
}

/** A call as the simulator took it, before its latency or fault (the argv log records it when it ends). */
export interface CallStart {
  t: string
  pid: number
  cmd: 'openshell'
  argv: string[]
}

/** The calls the simulator behind `env` has started, in order (complete lines only: a line may be being written). */
export function callsStarted(env: NodeJS.ProcessEnv): CallStart[] {
  let text = ''
  try {
    text = fs.readFileSync(startedLogPath(path.resolve(env.OPENSHELL_SIM_STATE!)), 'utf8')
  } catch {
    return []
  }

  return text
    .split('\n')
    .slice(0, -1)
    .map((l) => JSON.parse(l) as CallStart)
}

export interface Sim {
  dir: string
  binDir: string
  home: string
  statePath: string
  logPath: string
  env: NodeJS.ProcessEnv
  control(...args: string[]): string
  argvLog(cmd?: 'openshell' | 'systemctl'): ArgvLogEntry[]
  clearLog(): void
  state(): any
  cleanup(): void
}

const STRIP = [
  'NO_COLOR',
  'FORCE_COLOR',
  'OPENSHELL_GATEWAY',
  'OPENSHELL_GATEWAY_ENDPOINT',
  'OPENSHELL_LOCAL_TLS_DIR',
  'OPENSHELL_SIM_LOG',
  'XDG_STATE_HOME',
]

export async function createSim(opts: SimOptions): Promise<Sim> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nemoclaw-sim-'))
  const home = path.join(dir, 'home')
  const xdg = path.join(home, '.config')
  const nemoclawHome = path.join(dir, 'nemoclaw')
  fs.mkdirSync(xdg, {recursive: true})
  fs.mkdirSync(nemoclawHome, {recursive: true})
  const statePath = path.join(dir, 'state.json')
  const host = hostEnv()
  const env = withChanges(host, Object.fromEntries(STRIP.map((k) => [k, undefined])))
  Object.assign(env, {
    PATH: `${SIM_BIN_DIR}${path.delimiter}${host.PATH ?? ''}`,
    HOME: home,
    XDG_CONFIG_HOME: xdg,
    OPENSHELL_SIM_STATE: statePath,
    NEMOCLAW_HOME: nemoclawHome,
    CI: '1',
  })
  // `openshell-sim <args>` without a process of its own (it is synchronous and touches only the state files); a
  // failure throws with its message, as a failed execFileSync would.
  const control = (...args: string[]): string => {
    const r = simControl(args, env)
    if (r.code !== 0) throw new Error(`openshell-sim ${args.join(' ')} exited with ${r.code}\n${r.stderr}`)
    return r.stdout
  }
  const init = ['init', '--profile', opts.profile]
  if (opts.version) init.push('--version', opts.version)
  if (opts.gateway === null) init.push('--no-gateway')
  else if (opts.gateway) init.push('--gateway', opts.gateway)
  if (opts.serviceUnit === false) init.push('--no-service-unit')
  control(...init)
  const logPath = path.join(dir, 'argv.log')
  return {
    dir,
    binDir: SIM_BIN_DIR,
    home,
    statePath,
    logPath,
    env,
    control,
    argvLog(cmd = 'openshell') {
      let text = ''
      try {
        text = fs.readFileSync(logPath, 'utf8')
      } catch {
        return []
      }
      return text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as ArgvLogEntry)
        .filter((e) => e.cmd === cmd)
    },
    clearLog() {
      fs.writeFileSync(logPath, '')
    },
    state() {
      return JSON.parse(fs.readFileSync(statePath, 'utf8'))
    },
    cleanup() {
      fs.rmSync(dir, {recursive: true, force: true})
    },
  }
}
