// Helpers for running the BUILT cli (bin/run.js) against the OpenShell simulator.
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {assertJsonContract} from '../support/json-contract.js'
import {runInProcess} from '../support/inprocess.js'
import type {ArgvLogEntry} from '../support/sim.js'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const RUN = path.join(ROOT, 'bin', 'run.js')

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
  ms: number
}

/** `nemoclaw <args>` in environment `env`: in the test process (test/support/inprocess.ts) unless `spawn`. */
export async function cli(
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: {spawn?: boolean; timeoutMs?: number} = {},
): Promise<CliResult> {
  if (!opts.spawn && process.env.NEMOCLAW_TEST_SPAWN !== '1') {
    const r = await runInProcess(env, args)
    assertJsonContract(args, {exitCode: r.exitCode, stdout: r.stdout})
    return {code: r.exitCode, ms: r.durationMs, stderr: r.stderr, stdout: r.stdout}
  }

  const t0 = Date.now()
  const r = spawnSync(process.execPath, [RUN, ...args], {encoding: 'utf8', env, timeout: opts.timeoutMs ?? 50_000})
  assertJsonContract(args, {exitCode: r.status, stdout: r.stdout})
  return {code: r.status, ms: Date.now() - t0, stderr: r.stderr, stdout: r.stdout}
}

export interface DoctorJson {
  schemaVersion: number
  ok: boolean
  summary: {pass: number; warn: number; fail: number; skip: number}
  checks: Array<{id: string; title: string; status: string; detail: string; fix: string | null; classId?: string}>
  fixes?: Array<{title: string; ok: boolean; note?: string}>
}

export async function doctorJson(
  env: NodeJS.ProcessEnv,
  extra: string[] = [],
): Promise<{r: CliResult; doc: DoctorJson}> {
  const r = await cli(['doctor', '--json', ...extra], env)
  let doc: DoctorJson
  try {
    doc = JSON.parse(r.stdout) as DoctorJson
  } catch {
    throw new Error(`doctor --json printed no JSON (exit ${r.code}):\nstdout: ${r.stdout}\nstderr: ${r.stderr}`)
  }

  return {doc, r}
}

export function check(doc: DoctorJson, id: string): DoctorJson['checks'][number] {
  const c = doc.checks.find((x) => x.id === id)
  if (!c) throw new Error(`no check ${id} in ${doc.checks.map((x) => x.id).join(', ')}`)
  return c
}

/** openshell argv that change gateway state. */
export function mutating(log: ArgvLogEntry[]): string[][] {
  const bad = /\b(?:select|start|stop|add|remove|create|delete|destroy|set|rm)\b/
  return log
    .map((e) => e.argv)
    .filter((argv) => {
      const words = argv[0] === '-g' ? argv.slice(2) : argv
      return words.length > 1 && bad.test(words.slice(0, 2).join(' '))
    })
}

/** Write a v1 registry with the given records (0600 file, 0700 dir, as nemoclaw writes it). */
export function writeRegistry(
  env: NodeJS.ProcessEnv,
  records: Array<{name: string; gateway?: string; provider?: string; credentialEnv?: string}>,
): string {
  const home = env.NEMOCLAW_HOME!
  fs.mkdirSync(home, {recursive: true})
  fs.chmodSync(home, 0o700)
  const sandboxes: Record<string, unknown> = {}
  for (const r of records) {
    sandboxes[r.name] = {
      createdAt: null,
      credentialEnv: r.credentialEnv ?? null,
      gateway: r.gateway ?? 'nemoclaw',
      lastSeen: null,
      model: null,
      name: r.name,
      policies: [],
      provider: r.provider ?? null,
      source: null,
    }
  }

  const file = path.join(home, 'sandboxes.json')
  fs.writeFileSync(file, JSON.stringify({defaultSandbox: null, sandboxes, version: 1}, null, 2), {mode: 0o600})
  fs.chmodSync(file, 0o600)
  return file
}

/** A private, empty nemoclaw home (the simulator creates it 0755). */
export function privateHome(env: NodeJS.ProcessEnv): void {
  fs.chmodSync(env.NEMOCLAW_HOME!, 0o700)
}
