// Helpers for the simulator's own tests.
import {spawn, spawnSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import {type Sim, SIM_BIN_DIR} from '../support/sim.js'
import {callInProcessSync as simOpenshell} from '../support/simulator/lib/openshell.js'
import {callInProcess as simSystemctl} from '../support/simulator/lib/systemctl.js'

export interface Run {
  stdout: string
  stderr: string
  code: number | null
  signal: NodeJS.Signals | null
}

/** The environment a child would get (spawn drops undefined values). */
function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined))
}

/** Whether `name` resolves (as spawn would resolve it on PATH) to the simulator's own executable. */
function simulated(name: string, env: NodeJS.ProcessEnv): boolean {
  if (process.env.NEMOCLAW_TEST_SPAWN === '1') return false
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue
    try {
      fs.accessSync(path.join(dir, name), fs.constants.X_OK)
      return dir === SIM_BIN_DIR
    } catch {
      // not here
    }
  }

  return false
}

/**
 * `openshell <args>` on the simulator. Answered in this process (the same code as the executable, without a Node
 * start-up) unless the call needs a process: a fault, latency, streaming, asynchronous work (see callInProcessSync).
 */
export function os(sim: Sim, args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const e = childEnv({...sim.env, ...env})
  const a = simulated('openshell', e) ? simOpenshell(args, e) : undefined
  if (a) return {code: a.code, signal: null, stderr: a.stderr, stdout: a.stdout}
  const r = spawnSync('openshell', args, {env: e, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024})
  if (r.error) throw r.error
  return {stdout: r.stdout, stderr: r.stderr, code: r.status, signal: r.signal}
}
export function sysctl(sim: Sim, args: string[]): Run {
  if (simulated('systemctl', sim.env)) {
    const a = simSystemctl(args, childEnv(sim.env))
    return {code: a.code, signal: null, stderr: a.stderr, stdout: a.stdout}
  }

  const r = spawnSync('systemctl', args, {env: sim.env, encoding: 'utf8'})
  if (r.error) throw r.error
  return {stdout: r.stdout, stderr: r.stderr, code: r.status, signal: r.signal}
}
export function osAsync(sim: Sim, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('openshell', args, {env: sim.env})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => {
      stdout += d
    })
    child.stderr.on('data', (d) => {
      stderr += d
    })
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({stdout, stderr, code, signal}))
  })
}
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
/** Join miette continuation lines (`  │ …`) back onto the line they continue. */
export const joinWrapped = (t: string) => t.replace(/\n {2}│ +/g, ' ')
