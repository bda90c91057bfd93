// Two backends for one lifecycle scenario table (test/real-gateway/lifecycle.test.ts): the REAL OpenShell 0.0.111
// gateway with Docker sandboxes, and the simulator's 0.0.111 profile. Each offers the same events (stop, crash and
// graceful restart, CA rotation, rebuild, out-of-band sandbox changes, a second gateway) and the same read-backs
// (live phases, the argv nemoclaw gave openshell, the registry and the journal), so a scenario is written once.
import {execFileSync} from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

import {type CliOptions, type CliResult, runCli} from './cli.js'
import {type RealPrereqs, RealWorld} from './real-gateway.js'
import {createSim, type Sim, SIM_BIN_DIR} from './sim.js'

export interface LifecycleBackend {
  kind: 'real' | 'sim'
  env: NodeJS.ProcessEnv
  /** The image / source nemoclaw onboard creates from on this backend. */
  source: string
  addGateway(name: string): Promise<void>
  /** `openshell gateway select NAME`, as the user would. */
  select(name: string): Promise<void>
  /** `parallel`: how many to create at once where the backend can (order of creation then unspecified). */
  createSandboxes(gateway: string, names: string[], opts?: {parallel?: number}): Promise<void>
  deleteSandbox(gateway: string, name: string): Promise<void>
  stopSandbox(gateway: string, name: string): Promise<void>
  /** A live sandbox whose main process exits: the gateway records Error (MainProcessExited). */
  createFailingSandbox(gateway: string, name: string): Promise<void>
  phases(gateway: string): Promise<Record<string, string>>
  ids(gateway: string): Promise<Record<string, string>>
  stopGateway(gateway: string): Promise<void>
  crashRestart(gateway: string): Promise<void>
  gracefulRestart(gateway: string): Promise<void>
  rotateCa(gateway: string): Promise<void>
  rebuild(gateway: string): Promise<void>
  /** Changes whenever the gateway process is (re)started. */
  gatewayIdentity(gateway: string): string
  /** The openshell argv nemoclaw ran since clearLog(). */
  calls(): string[][]
  clearLog(): void
  nemoclaw(args: string[], opts?: CliOptions): Promise<CliResult>
  cleanup(): Promise<void>
}

/** A digest of every file under `gateways/<name>/mtls/` (to see whether trust was re-imported). */
export function mtlsDigest(env: NodeJS.ProcessEnv, gateway: string): string {
  const dir = path.join(env.XDG_CONFIG_HOME!, 'openshell', 'gateways', gateway, 'mtls')
  const h = crypto.createHash('sha256')
  for (const f of ['ca.crt', 'tls.crt', 'tls.key'])
    h.update(fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f)) : `missing ${f}`)
  return h.digest('hex').slice(0, 16)
}

export async function realBackend(prereqs: RealPrereqs): Promise<LifecycleBackend> {
  const world = await RealWorld.create(prereqs)
  const must = async (argv: string[]) => {
    const r = await world.openshell(argv)
    if (r.exitCode !== 0) throw new Error(`openshell ${argv.join(' ')}: ${r.stdout}${r.stderr}`)
  }

  return {
    async addGateway(name) {
      await world.addGateway(name)
    },
    calls: () => world.argvLog().map((c) => c.argv),
    cleanup: () => world.cleanup(),
    clearLog: () => world.clearLog(),
    crashRestart: (g) => world.gateway(g).crashRestart(),
    async createFailingSandbox(g, n) {
      await must([
        '-g',
        g,
        'sandbox',
        'create',
        '--name',
        n,
        '--from',
        prereqs.image,
        '--detach',
        '--',
        '/bin/sh',
        '-c',
        'sleep 2; exit 3',
      ])
      await world.waitPhase(g, [n], 'Error', 60_000)
    },
    createSandboxes: (g, names, opts) => world.createSandboxes(g, names, opts),
    deleteSandbox: (g, n) => must(['-g', g, 'sandbox', 'delete', n]),
    env: world.env,
    gatewayIdentity: (g) => String(world.gateway(g).pid),
    gracefulRestart: (g) => world.gateway(g).gracefulRestart(),
    async ids(g) {
      const r = await world.openshell(['-g', g, 'sandbox', 'list', '-o', 'json', '--limit', '1000'])
      return Object.fromEntries((JSON.parse(r.stdout) as Array<{id: string; name: string}>).map((s) => [s.name, s.id]))
    },
    kind: 'real',
    nemoclaw: (args, opts) => world.nemoclaw(args, opts),
    phases: (g) => world.phases(g),
    rebuild: (g) => world.gateway(g).rebuild(),
    rotateCa: (g) => world.gateway(g).rotateCa(),
    select: (name) => must(['gateway', 'select', name]),
    source: prereqs.image,
    stopGateway: (g) => world.gateway(g).stop(),
    stopSandbox: (g, n) => must(['-g', g, 'sandbox', 'stop', n]),
  }
}

function server(sim: Sim, gateway: string): any {
  return Object.values(sim.state().servers as Record<string, any>).find((s) => s.name === gateway)
}

export async function simBackend(): Promise<LifecycleBackend> {
  const sim = await createSim({profile: 'modern', serviceUnit: false, version: '0.0.111'})
  let epoch = 0
  const epochs = new Map<string, number>()
  const restarted = (g: string) => epochs.set(g, ++epoch)
  return {
    async addGateway(name) {
      if (name !== 'nemoclaw') sim.control('gateway', 'add-other', name, '--activate')
    },
    calls: () => sim.argvLog().map((e) => e.argv),
    async cleanup() {
      sim.cleanup()
    },
    clearLog: () => sim.clearLog(),
    async crashRestart(g) {
      sim.control('gateway', 'restart', '--name', g)
      restarted(g)
    },
    async createFailingSandbox(g, n) {
      sim.control('sandbox', 'add', n, '--gateway', g, '--phase', 'Error')
    },
    async createSandboxes(g, names) {
      for (const n of names) sim.control('sandbox', 'add', n, '--gateway', g)
    },
    async deleteSandbox(g, n) {
      sim.control('sandbox', 'remove', n, '--gateway', g)
    },
    env: sim.env,
    gatewayIdentity: (g) => `${g}@${epochs.get(g) ?? 0}`,
    async gracefulRestart(g) {
      sim.control('gateway', 'restart', '--graceful', '--name', g)
      restarted(g)
    },
    async ids(g) {
      return Object.fromEntries(
        Object.entries(server(sim, g).sandboxes as Record<string, any>).map(([n, s]) => [n, String(s.id)]),
      )
    },
    kind: 'sim',
    nemoclaw: (args, opts) => runCli(sim, args, opts),
    async phases(g) {
      const out = execFileSync(path.join(SIM_BIN_DIR, 'openshell'), ['-g', g, 'sandbox', 'list', '-o', 'json'], {
        encoding: 'utf8',
        env: {...sim.env, OPENSHELL_SIM_LOG: '/dev/null'},
      })
      return Object.fromEntries((JSON.parse(out) as Array<{name: string; phase: string}>).map((s) => [s.name, s.phase]))
    },
    async rebuild(g) {
      sim.control('gateway', 'rebuild', '--name', g)
      restarted(g)
    },
    async rotateCa(g) {
      sim.control('gateway', 'rotate-ca', '--name', g)
      restarted(g)
    },
    async select(name) {
      execFileSync(path.join(SIM_BIN_DIR, 'openshell'), ['gateway', 'select', name], {
        env: {...sim.env, OPENSHELL_SIM_LOG: '/dev/null'},
        stdio: 'ignore',
      })
    },
    source: 'openclaw',
    async stopGateway(g) {
      sim.control('gateway', 'stop', '--name', g)
    },
    async stopSandbox(g, n) {
      sim.control('sandbox', 'phase', n, 'Stopped', '--gateway', g)
    },
  }
}
