// Helpers for the simulator's own tests.
import {spawn, spawnSync} from 'node:child_process'
import type {Sim} from '../support/sim.js'

export interface Run {stdout: string; stderr: string; code: number | null; signal: NodeJS.Signals | null}

export function os(sim: Sim, args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const r = spawnSync('openshell', args, {env: {...sim.env, ...env}, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024})
  if (r.error) throw r.error
  return {stdout: r.stdout, stderr: r.stderr, code: r.status, signal: r.signal}
}
export function sysctl(sim: Sim, args: string[]): Run {
  const r = spawnSync('systemctl', args, {env: sim.env, encoding: 'utf8'})
  if (r.error) throw r.error
  return {stdout: r.stdout, stderr: r.stderr, code: r.status, signal: r.signal}
}
export function osAsync(sim: Sim, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('openshell', args, {env: sim.env})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => { stdout += d })
    child.stderr.on('data', (d) => { stderr += d })
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({stdout, stderr, code, signal}))
  })
}
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
/** Join miette continuation lines (`  │ …`) back onto the line they continue. */
export const joinWrapped = (t: string) => t.replace(/\n {2}│ +/g, ' ')
