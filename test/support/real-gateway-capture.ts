// What the REAL openshell 0.0.111 CLI prints against the REAL 0.0.111 gateway in each lifecycle state, recorded
// as fixtures (test/fixtures/openshell/0.0.111/real-gateway/<case>.json) by scripts/capture-real-gateway.ts and
// re-checked against the binary by test/real-gateway/fixtures.test.ts. One group = one throw-away world (see
// real-gateway.ts) driven through its events in a fixed order; every output is normalised (ports, ids, times,
// resource versions, temp paths) so that capturing twice gives byte-identical files.
import fs from 'node:fs'
import path from 'node:path'

import {execa} from 'execa'

import {freePort, OpenAiStub, REAL_VERSION, type RealGateway, RealWorld, waitUntil} from './real-gateway.js'
import {repoRoot} from './real-openshell.js'

export const REAL_GATEWAY_FIXTURES = path.join(repoRoot, 'test', 'fixtures', 'openshell', REAL_VERSION, 'real-gateway')

export interface RealGatewayFixture {
  version: string
  case: string
  /** The capture group (one world) it was recorded in. */
  group: string
  argv: string[]
  /** Only the variables the case sets on top of the world's (HOME, XDG_*). */
  env: Record<string, string>
  exitCode: number | null
  stdout: string
  stderr: string
  /** How the world got into this state. */
  note: string
  /** After a lifecycle event: the phases each sandbox went through, polled until nothing changed for a while. */
  sequence?: Record<string, string[]>
}

/** A dummy credential for `provider create --credential KEY` (looked up in the environment by the CLI). */
export const TEST_CREDENTIAL = {OPENAI_API_KEY: 'sk-simcal-not-a-secret'}

const DATE = /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/g

/** Replace what differs from run to run; widths are kept where the CLI aligns columns on them. */
export function normalizeReal(s: string, tmpDirs: string[] = []): string {
  let out = s
  for (const d of tmpDirs) out = out.replaceAll(d, '<TMP>')
  return (
    out
      .replaceAll(/127\.0\.0\.1:\d{2,5}/g, '127.0.0.1:<PORT>')
      .replaceAll(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<UUID>')
      .replaceAll(DATE, 'YYYY-MM-DD hh:mm:ss')
      .replaceAll(/\[\d+\.\d+s\]/g, '[<T>s]')
      // how many status updates a sandbox had depends on timing
      // eslint-disable-next-line no-control-regex
      .replaceAll(/(Resource version:(?:\u001B\[0m)?) \d+/g, '$1 <RV>')
      .replaceAll(/"resource_version": \d+/g, '"resource_version": "<RV>"')
      .replaceAll(/\/tmp\/nemoclaw-real-[A-Za-z0-9]{6}/g, '<TMP>')
  )
}

/** Phases a sandbox passes through while the gateway settles; Provisioning after a trust rotation never ends. */
const TRANSIENT = new Set(['Provisioning', 'Starting', 'Stopping', 'Deleting'])

type Log = (m: string) => void

class Recorder {
  readonly fixtures: RealGatewayFixture[] = []

  constructor(
    readonly world: RealWorld,
    readonly group: string,
    readonly log: Log,
  ) {}

  /** Run the real CLI raw (no final-newline stripping) in the world's HOME and record one fixture. */
  async run(
    name: string,
    argv: string[],
    note: string,
    opts: {env?: Record<string, string>; sequence?: Record<string, string[]>} = {},
  ): Promise<RealGatewayFixture> {
    const env = {...this.world.env, ...opts.env}
    delete env.NEMOCLAW_OPENSHELL_BIN
    const r = await execa(this.world.prereqs.cliBin, argv, {
      env,
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
      stripFinalNewline: false,
      timeout: 120_000,
    })
    const tmp = [this.world.dir]
    const fx: RealGatewayFixture = {
      version: REAL_VERSION,
      case: name,
      group: this.group,
      argv: ['openshell', ...argv].map((a) => normalizeReal(a, tmp)),
      env: Object.fromEntries(Object.entries(opts.env ?? {}).map(([k, v]) => [k, normalizeReal(v, tmp)])),
      exitCode: r.exitCode ?? null,
      stdout: normalizeReal(String(r.stdout ?? ''), tmp),
      stderr: normalizeReal(String(r.stderr ?? ''), tmp),
      note,
      ...(opts.sequence ? {sequence: opts.sequence} : {}),
    }
    this.fixtures.push(fx)
    this.log(`${this.group}: ${name} → exit ${fx.exitCode}`)
    return fx
  }

  /**
   * Poll the sandbox table until no phase changed for `quietMs` (and none is transient, unless `transientOk`):
   * the phases each sandbox went through, in order, without repeats.
   */
  async settle(
    quietMs: number,
    opts: {transientOk?: boolean; timeoutMs?: number} = {},
  ): Promise<Record<string, string[]>> {
    const seen: Record<string, string[]> = {}
    let last = ''
    let since = Date.now()
    await waitUntil(
      async () => {
        const now = await this.world.phases('nemoclaw')
        for (const [n, p] of Object.entries(now)) {
          const s = (seen[n] ??= [])
          if (s.at(-1) !== p) s.push(p)
        }

        const key = JSON.stringify(now)
        if (key !== last) {
          last = key
          since = Date.now()
        }

        const quiet = Date.now() - since >= quietMs
        return quiet && (opts.transientOk || !Object.values(now).some((p) => TRANSIENT.has(p)))
      },
      opts.timeoutMs ?? 120_000,
      'the sandbox phases to settle',
    )
    this.log(`${this.group}: settled ${JSON.stringify(seen)}`)
    return seen
  }
}

/** Copy the gateway's current client bundle into gateways/nemoclaw/mtls/ (what a trust re-import does in place). */
function reimport(world: RealWorld, gw: RealGateway): void {
  const mtls = path.join(world.home, '.config', 'openshell', 'gateways', gw.name, 'mtls')
  fs.copyFileSync(path.join(gw.tlsDir, 'ca.crt'), path.join(mtls, 'ca.crt'))
  fs.copyFileSync(path.join(gw.tlsDir, 'client', 'tls.crt'), path.join(mtls, 'tls.crt'))
  fs.copyFileSync(path.join(gw.tlsDir, 'client', 'tls.key'), path.join(mtls, 'tls.key'))
}

/** A sandbox whose main process exits 2 s after it is Ready: the gateway records Error (MainProcessExited). */
async function createFailingSandbox(world: RealWorld, name: string): Promise<void> {
  const r = await world.openshell([
    '-g',
    'nemoclaw',
    'sandbox',
    'create',
    '--name',
    name,
    '--from',
    world.prereqs.image,
    '--detach',
    '--',
    '/bin/sh',
    '-c',
    'sleep 2; exit 3',
  ])
  if (r.exitCode !== 0) throw new Error(`sandbox create ${name}: ${r.stdout}${r.stderr}`)
  await world.waitPhase('nemoclaw', [name], 'Error', 30_000)
}

async function stopWithSigterm(gw: RealGateway, during: () => Promise<void>): Promise<void> {
  const proc = gw.proc
  if (!proc || !gw.running) throw new Error('gateway not running')
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
  proc.kill('SIGTERM')
  // it stops accepting connections at once (then drains for ~10 s): wait until the CLI is refused
  await waitUntil(
    async () => (await gw.world.openshell(['status'])).exitCode !== 0,
    10_000,
    'the gateway to stop accepting',
  )
  await during()
  await exited
}

const LIST = ['sandbox', 'list']
const LIST_JSON = ['sandbox', 'list', '-o', 'json']

/** The capture groups, in order; each builds its own world. `cheap` ones are re-run by the drift test. */
export const GROUPS: Record<string, {cheap: boolean; run: (rec: Recorder) => Promise<void>}> = {
  /** Healthy gateway; sandbox stop/start/delete and their phase rules. */
  healthy: {
    cheap: true,
    async run(rec) {
      const {world} = rec
      await world.addGateway('nemoclaw')
      await world.createSandboxes('nemoclaw', ['alpha', 'beta'])
      const note = 'healthy gateway, sandboxes alpha and beta Ready'
      await rec.run('healthy-status', ['status'], note)
      await rec.run('healthy-status-json', ['status', '-o', 'json'], note)
      await rec.run('healthy-sandbox-list', LIST, note)
      await rec.run('healthy-sandbox-list-json', LIST_JSON, note)
      await rec.run('healthy-sandbox-get', ['sandbox', 'get', 'alpha'], note)
      await rec.run('healthy-sandbox-get-json', ['sandbox', 'get', 'alpha', '-o', 'json'], note)
      await rec.run('sandbox-stop', ['sandbox', 'stop', 'beta'], 'beta Ready')
      await rec.run('sandbox-stop-list', LIST, 'after `sandbox stop beta`')
      await rec.run('sandbox-stop-get', ['sandbox', 'get', 'beta'], 'after `sandbox stop beta`')
      await rec.run('sandbox-stop-stopped', ['sandbox', 'stop', 'beta'], 'beta already Stopped')
      await rec.run(
        'sandbox-start-ready',
        ['sandbox', 'start', 'alpha'],
        'alpha Ready (the gateway returns it as it is)',
      )
      await rec.run('sandbox-start-stopped', ['sandbox', 'start', 'beta'], 'beta Stopped')
      await rec.run('sandbox-start-list', LIST, 'after `sandbox start beta`')
      await createFailingSandbox(world, 'doomed')
      const err = 'doomed: its main process exited (`-- /bin/sh -c "sleep 2; exit 3"`), phase Error (MainProcessExited)'
      await rec.run('error-sandbox-list', LIST, err)
      await rec.run('error-sandbox-get', ['sandbox', 'get', 'doomed'], err)
      await rec.run('sandbox-stop-error', ['sandbox', 'stop', 'doomed'], err)
      await rec.run('sandbox-start-error', ['sandbox', 'start', 'doomed'], err)
      await rec.run('sandbox-stop-missing', ['sandbox', 'stop', 'ghost'], 'no sandbox ghost')
      await rec.run('sandbox-start-missing', ['sandbox', 'start', 'ghost'], 'no sandbox ghost')
      await rec.run('sandbox-delete', ['sandbox', 'delete', 'doomed'], err)
      await rec.run('sandbox-delete-get', ['sandbox', 'get', 'doomed'], 'after `sandbox delete doomed`')
      await rec.run('sandbox-delete-list', LIST, 'after `sandbox delete doomed`')
    },
  },

  /** kill -9, crash restart, graceful restart (SIGTERM), with one Ready, one Stopped and one Error sandbox. */
  restarts: {
    cheap: false,
    async run(rec) {
      const {world} = rec
      const gw = await world.addGateway('nemoclaw')
      await world.createSandboxes('nemoclaw', ['alpha', 'beta'])
      const stop = await world.openshell(['sandbox', 'stop', 'beta'])
      if (stop.exitCode !== 0) throw new Error(`sandbox stop beta: ${stop.stderr}`)
      await createFailingSandbox(world, 'doomed')
      const mix = 'alpha Ready, beta Stopped (`sandbox stop`), doomed Error (MainProcessExited)'
      await gw.stop()
      const down = `gateway killed with SIGKILL; ${mix} before`
      await rec.run('stopped-status', ['status'], down)
      await rec.run('stopped-status-json', ['status', '-o', 'json'], down)
      await rec.run('stopped-sandbox-list', LIST, down)
      await rec.run('stopped-sandbox-list-json', LIST_JSON, down)
      await rec.run('stopped-sandbox-get', ['sandbox', 'get', 'alpha'], down)
      await gw.start()
      const crash = await rec.settle(4000)
      const crashed = `gateway killed with SIGKILL and started again (containers kept running); ${mix} before`
      await rec.run('crash-restart-sandbox-list', LIST, crashed, {sequence: crash})
      await rec.run('crash-restart-status', ['status'], crashed)
      await rec.run('crash-restart-sandbox-list-json', LIST_JSON, crashed)
      await rec.run('crash-restart-sandbox-get', ['sandbox', 'get', 'alpha'], crashed)
      // SIGTERM: the gateway stops accepting at once, drains for ~10 s, stops every running sandbox, exits
      await stopWithSigterm(gw, async () => {
        await rec.run(
          'graceful-draining-sandbox-list',
          LIST,
          `after SIGTERM, while the gateway shuts down (drains ~10 s, then stops the sandboxes); ${mix} before`,
        )
      })
      await rec.run('graceful-down-status', ['status'], `gateway exited after SIGTERM; ${mix} before`)
      await gw.start()
      const graceful = await rec.settle(4000)
      const restarted = `gateway stopped with SIGTERM (it stops the running sandboxes on its way down) and started again; ${mix} before`
      await rec.run('graceful-restart-sandbox-list', LIST, restarted, {sequence: graceful})
      await rec.run('graceful-restart-status', ['status'], restarted)
      await rec.run('graceful-restart-sandbox-list-json', LIST_JSON, restarted)
      await rec.run('graceful-restart-sandbox-get', ['sandbox', 'get', 'alpha'], restarted)
      await rec.run('graceful-restart-sandbox-get-error', ['sandbox', 'get', 'doomed'], restarted)
    },
  },

  /** New CA (and sandbox JWT keys), same database. */
  rotation: {
    cheap: false,
    async run(rec) {
      const {world} = rec
      const gw = await world.addGateway('nemoclaw')
      await world.createSandboxes('nemoclaw', ['alpha'])
      await gw.rotateCa()
      const rotated =
        'gateway restarted on a new CA (same DN); the client still holds the old bundle; alpha Ready before'
      await rec.run('rotated-status', ['status'], rotated)
      await rec.run('rotated-status-json', ['status', '-o', 'json'], rotated)
      await rec.run('rotated-sandbox-list', LIST, rotated)
      await rec.run('rotated-sandbox-list-json', LIST_JSON, rotated)
      await rec.run('rotated-sandbox-get', ['sandbox', 'get', 'alpha'], rotated)
      reimport(world, gw)
      const seq = await rec.settle(20_000, {transientOk: true})
      const back =
        'after the rotation, the new client bundle copied into gateways/nemoclaw/mtls/; alpha Ready before the rotation (its supervisor holds the old CA and JWT key)'
      await rec.run('rotated-reimported-sandbox-list', LIST, back, {sequence: seq})
      await rec.run('rotated-reimported-status', ['status'], back)
      await rec.run('rotated-reimported-sandbox-list-json', LIST_JSON, back)
      await rec.run('rotated-reimported-sandbox-get', ['sandbox', 'get', 'alpha'], back)
      await rec.run('rotated-reimported-sandbox-stop', ['sandbox', 'stop', 'alpha'], back)
      await rec.run('rotated-reimported-sandbox-start', ['sandbox', 'start', 'alpha'], back)
    },
  },

  /** New CA and an empty database. */
  rebuild: {
    cheap: false,
    async run(rec) {
      const {world} = rec
      const gw = await world.addGateway('nemoclaw')
      await world.createSandboxes('nemoclaw', ['alpha'])
      await gw.rebuild()
      const rebuilt =
        'gateway rebuilt (new CA, empty database); the client still holds the old bundle; alpha Ready before'
      await rec.run('rebuilt-status', ['status'], rebuilt)
      await rec.run('rebuilt-sandbox-list', LIST, rebuilt)
      reimport(world, gw)
      const back =
        'after the rebuild, the new client bundle copied into gateways/nemoclaw/mtls/; alpha Ready before the rebuild (its container is left behind)'
      await rec.run('rebuilt-reimported-status', ['status'], back)
      await rec.run('rebuilt-reimported-sandbox-list', LIST, back)
      await rec.run('rebuilt-reimported-sandbox-list-json', LIST_JSON, back)
      await rec.run('rebuilt-reimported-sandbox-get', ['sandbox', 'get', 'alpha'], back)
      await rec.run('rebuilt-reimported-sandbox-delete', ['sandbox', 'delete', 'alpha'], back)
      await rec.run('rebuilt-reimported-inference-get', ['inference', 'get'], back)
    },
  },

  /** provider create / get / list / update. */
  provider: {
    cheap: true,
    async run(rec) {
      await rec.world.addGateway('nemoclaw')
      const env = TEST_CREDENTIAL
      const create = ['provider', 'create', '--name', 'openai', '--type', 'openai', '--credential', 'OPENAI_API_KEY']
      await rec.run('provider-create', create, 'no providers; OPENAI_API_KEY set in the environment', {env})
      await rec.run('provider-create-exists', create, 'provider openai exists', {env})
      await rec.run(
        'provider-create-missing-env',
        ['provider', 'create', '--name', 'other', '--type', 'openai', '--credential', 'MISSING_API_KEY'],
        'MISSING_API_KEY not set',
      )
      await rec.run(
        'provider-create-runtime-credentials',
        ['provider', 'create', '--name', 'rt', '--type', 'openai', '--runtime-credentials'],
        'the gateway has no provider profile for type openai',
      )
      await rec.run(
        'provider-get',
        ['provider', 'get', 'openai'],
        'provider openai created with --credential OPENAI_API_KEY',
      )
      await rec.run('provider-get-missing', ['provider', 'get', 'ghost'], 'no provider ghost')
      await rec.run('provider-list', ['provider', 'list'], 'provider openai')
      await rec.run(
        'provider-update-credential',
        ['provider', 'update', 'openai', '--credential', 'OPENAI_API_KEY'],
        'provider openai; OPENAI_API_KEY set',
        {env},
      )
      await rec.run(
        'provider-update-config',
        ['provider', 'update', 'openai', '--config', 'OPENAI_BASE_URL=http://127.0.0.1:9/v1'],
        'provider openai',
      )
      await rec.run(
        'provider-get-updated',
        ['provider', 'get', 'openai'],
        'after `provider update --config OPENAI_BASE_URL=…`',
      )
      await rec.run(
        'provider-update-missing',
        ['provider', 'update', 'ghost', '--credential', 'OPENAI_API_KEY'],
        'no provider ghost',
        {env},
      )
    },
  },

  /** inference set verifies the endpoint (POST <base>/chat/completions) unless --no-verify. */
  inference: {
    cheap: true,
    async run(rec) {
      const {world} = rec
      await world.addGateway('nemoclaw')
      const stub = await new OpenAiStub().start()
      const closed = await freePort()
      try {
        const env = TEST_CREDENTIAL
        const mk = async (name: string, base: string) => {
          const r = await world.openshell(
            [
              'provider',
              'create',
              '--name',
              name,
              '--type',
              'openai',
              '--credential',
              'OPENAI_API_KEY',
              '--config',
              `OPENAI_BASE_URL=${base}`,
            ],
            {env},
          )
          if (r.exitCode !== 0) throw new Error(`provider create ${name}: ${r.stderr}`)
        }

        await mk('stub', stub.url)
        await mk('closed', `http://127.0.0.1:${closed}/v1`)
        await rec.run('inference-get-unset', ['inference', 'get'], 'no inference route yet')
        await rec.run(
          'inference-set',
          ['inference', 'set', '--provider', 'stub', '--model', 'stub-model'],
          'provider stub: OPENAI_BASE_URL = a local OpenAI-compatible endpoint that answers',
        )
        await rec.run('inference-get', ['inference', 'get'], 'after `inference set --provider stub`')
        await rec.run(
          'inference-set-closed-port',
          ['inference', 'set', '--provider', 'closed', '--model', 'm1'],
          'provider closed: OPENAI_BASE_URL on a port nothing listens on',
        )
        await rec.run(
          'inference-set-closed-port-no-verify',
          ['inference', 'set', '--provider', 'closed', '--model', 'm1', '--no-verify'],
          'provider closed: OPENAI_BASE_URL on a port nothing listens on',
        )
        await rec.run(
          'inference-get-no-verify',
          ['inference', 'get'],
          'after `inference set --provider closed --no-verify`',
        )
        await rec.run(
          'inference-set-missing-provider',
          ['inference', 'set', '--provider', 'ghost', '--model', 'm1'],
          'no provider ghost',
        )
        const requests = stub.requests.map((r) => `${r.method} ${r.url} ${r.body}`)
        if (requests.length !== 1)
          throw new Error(`expected one verification request to the stub, got ${JSON.stringify(requests)}`)
        rec.fixtures.find((f) => f.case === 'inference-set')!.note += `; the gateway sent ${requests[0]}`
      } finally {
        await stub.stop()
      }
    },
  },
}

/** Run the groups (all, or the named ones), each in its own world; the fixtures in capture order. */
export async function captureRealGateway(
  groups: string[] = Object.keys(GROUPS),
  log: Log = () => {},
): Promise<RealGatewayFixture[]> {
  const out: RealGatewayFixture[] = []
  for (const group of groups) {
    const def = GROUPS[group]
    if (!def) throw new Error(`unknown capture group '${group}' (${Object.keys(GROUPS).join(', ')})`)
    const world = await RealWorld.create()
    const rec = new Recorder(world, group, log)
    try {
      await def.run(rec)
    } finally {
      await world.cleanup()
    }

    out.push(...rec.fixtures)
  }

  return out
}

export function readFixture(name: string): RealGatewayFixture {
  return JSON.parse(fs.readFileSync(path.join(REAL_GATEWAY_FIXTURES, `${name}.json`), 'utf8')) as RealGatewayFixture
}

export function fixtureNames(): string[] {
  return fs
    .readdirSync(REAL_GATEWAY_FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort()
}
