// Shared setup for the command integration tests: seed the registry and the simulator without running onboard
// (each onboard costs ~10 openshell calls), and read back the registry and the pruned journal.
import fs from 'node:fs'
import path from 'node:path'

import type {Sim} from '../../support/sim.js'

export const PROFILES = ['legacy', 'modern'] as const
export const KEY = 'nvapi-PLANTED-secret-value-7f3a9c'

export interface SeedRecord {
  name: string
  gateway?: string
}

export function home(sim: Sim): string {
  return sim.env.NEMOCLAW_HOME!
}

/** Write a v1 registry with these records (the first one is the default). */
export function seedRegistry(
  sim: Sim,
  records: SeedRecord[],
  defaultSandbox: string | null = records[0]?.name ?? null,
): void {
  const sandboxes: Record<string, unknown> = {}
  for (const r of records) {
    sandboxes[r.name] = {
      createdAt: '2026-01-01T00:00:00.000Z',
      gateway: r.gateway ?? 'nemoclaw',
      lastSeen: null,
      model: 'm',
      name: r.name,
      policies: [],
      provider: 'nvidia',
      source: 'openclaw',
    }
  }

  fs.writeFileSync(
    path.join(home(sim), 'sandboxes.json'),
    JSON.stringify({defaultSandbox, sandboxes, version: 1}, null, 2),
  )
}

/** Live sandboxes on the simulator plus matching records. */
export function seedLive(sim: Sim, names: string[], opts: {gateway?: string; phase?: string} = {}): void {
  for (const n of names)
    sim.control(
      'sandbox',
      'add',
      n,
      ...(opts.phase ? ['--phase', opts.phase] : []),
      ...(opts.gateway ? ['--gateway', opts.gateway] : []),
    )
  seedRegistry(
    sim,
    names.map((name) => ({gateway: opts.gateway, name})),
  )
}

export function registry(sim: Sim): any {
  const file = path.join(home(sim), 'sandboxes.json')
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : null
}

export function registryNames(sim: Sim): string[] {
  return Object.keys(registry(sim)?.sandboxes ?? {}).sort()
}

export function journal(sim: Sim): any[] {
  const file = path.join(home(sim), 'pruned.jsonl')
  if (!fs.existsSync(file)) return []
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
}

/** The simulator's argv log as `cmd words` strings without the `-g NAME` prefix (e.g. `sandbox list`). */
export function calls(sim: Sim): string[] {
  return sim.argvLog().map((e) => {
    const a = [...e.argv]
    if (a[0] === '-g' || a[0] === '--gateway') a.splice(0, 2)
    return a.join(' ')
  })
}

/** Live sandboxes on the named simulated gateway (default: the primary). */
export function liveSandboxes(sim: Sim, gateway = 'nemoclaw'): Record<string, any> {
  const st = sim.state()
  const server = Object.values(st.servers as Record<string, any>).find((s) => s.name === gateway)
  return server?.sandboxes ?? {}
}

/** Every file under a directory, recursively, as text. */
export function allFilesText(dir: string): string {
  if (!fs.existsSync(dir)) return ''
  let text = ''
  for (const entry of fs.readdirSync(dir, {recursive: true, withFileTypes: true})) {
    if (!entry.isFile()) continue
    text += fs.readFileSync(path.join(entry.parentPath ?? (entry as any).path, entry.name), 'utf8')
  }

  return text
}

/** stderr with oclif's error wrapping undone (` ›   ` prefixes and line breaks joined into single spaces). */
export function errText(r: {stderr: string}): string {
  return r.stderr
    .replace(/\s*\n\s*›\s*/g, ' ')
    .replace(/^\s*›\s*/, '')
    .replace(/\s+/g, ' ')
}

/** The openshell command of each logged call, without flags: `status`, `sandbox list`, `logs`, `--version`. */
export function verbs(sim: Sim): string[] {
  return calls(sim).map((c) => {
    const w = c.split(' ')
    return ['status', 'logs', '--version'].includes(w[0]) ? w[0] : w.slice(0, 2).join(' ')
  })
}
