// The "nothing destructive" proof, on what really runs: every distinct step the planner produces, for every class
// and every combination of facts, is carried out by gateway/execute.ts `executeStep` against a recording fake `openshell` and
// `systemctl`. What the runner really executed (its call log) and what changed on disk are checked — not a
// description of the steps.
import {expect} from 'chai'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

import {CLASS_IDS} from '../../../src/lib/gateway/classes.js'
import {describeStep, planRecovery, type RecoveryStep} from '../../../src/lib/gateway/planner.js'
import {executeStep} from '../../../src/lib/gateway/execute.js'
import {OpenShell} from '../../../src/lib/openshell/client.js'
import {callLog, resetCallLog} from '../../../src/lib/openshell/runner.js'
import {argvOf, isDestructiveArgv} from '../../support/recovery-oracles.js'
import {writeFakeOpenshell} from '../openshell/fake-openshell.js'
import {combos, factsOf, forced} from './facts.js'

const VERSION = {legacy: '0.0.26', modern: '0.1.5'} as const

/** Every file under dir → its content (directories as ''), relative paths. */
function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>()
  if (!fs.existsSync(dir)) return out
  for (const e of fs.readdirSync(dir, {recursive: true, withFileTypes: true})) {
    const file = path.join(e.parentPath ?? (e as any).path, e.name)
    out.set(path.relative(dir, file), e.isFile() ? fs.readFileSync(file, 'utf8') : '')
  }

  return out
}

function changed(before: Map<string, string>, after: Map<string, string>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()])
  return [...keys].filter((k) => before.get(k) !== after.get(k)).sort()
}

/** The distinct steps the planner produces over all classes × combinations, with the generation they run under. */
function plannedSteps(): Array<{generation: 'legacy' | 'modern'; step: RecoveryStep}> {
  const seen = new Map<string, {generation: 'legacy' | 'modern'; step: RecoveryStep}>()
  for (const id of CLASS_IDS) {
    for (const c of combos()) {
      for (const step of planRecovery(forced(id, factsOf(c)), {waitMs: 3000})) {
        // a stop runs nothing whatever its reason: one is enough per generation
        seen.set(`${c.generation} ${step.kind === 'stop' ? 'stop' : JSON.stringify(step)}`, {
          generation: c.generation,
          step,
        })
      }
    }
  }

  return [...seen.values()]
}

describe('recovery steps, as executeStep carries them out', function () {
  this.timeout(20_000)
  let dir: string
  let env: NodeJS.ProcessEnv
  let config: string

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-steps-'))
    const bin = path.join(dir, 'bin')
    fs.mkdirSync(bin)
    writeFakeOpenshell(bin)
    // systemctl: `is-active` says active, anything else succeeds silently
    fs.writeFileSync(
      path.join(bin, 'systemctl'),
      '#!/bin/sh\nfor a in "$@"; do [ "$a" = is-active ] && echo active; done\nexit 0\n',
      {mode: 0o755},
    )
    config = path.join(dir, 'config')
    const gw = path.join(config, 'openshell', 'gateways')
    for (const name of ['nemoclaw', 'bystander']) {
      fs.mkdirSync(path.join(gw, name, 'mtls'), {recursive: true})
      fs.writeFileSync(
        path.join(gw, name, 'metadata.json'),
        JSON.stringify({
          auth_mode: 'mtls',
          gateway_endpoint: 'https://127.0.0.1:17670',
          gateway_port: 0,
          is_remote: false,
          name,
        }),
      )
      for (const f of ['ca.crt', 'tls.crt', 'tls.key'])
        fs.writeFileSync(path.join(gw, name, 'mtls', f), `old ${name} ${f}\n`)
    }

    fs.writeFileSync(path.join(config, 'openshell', 'active_gateway'), 'nemoclaw')
    const tls = path.join(dir, 'tls')
    fs.mkdirSync(path.join(tls, 'client'), {recursive: true})
    for (const f of ['ca.crt', 'client/tls.crt', 'client/tls.key']) fs.writeFileSync(path.join(tls, f), `local ${f}\n`)
    env = {
      FAKE_LOG: path.join(dir, 'calls.log'),
      HOME: dir,
      NEMOCLAW_OPENSHELL_BIN: path.join(bin, 'openshell'),
      OPENSHELL_LOCAL_TLS_DIR: tls,
      PATH: `${bin}${path.delimiter}${process.env.PATH}`,
      XDG_CONFIG_HOME: config,
    }
  })
  afterEach(() => fs.rmSync(dir, {force: true, recursive: true}))

  const planned = plannedSteps()

  it('the planner produces every step shape for some class', () => {
    const shapes = new Set(
      planned.map(({step}) =>
        step.kind === 'start' || step.kind === 'reimport-trust' ? `${step.kind}/${step.method}` : step.kind,
      ),
    )
    expect([...shapes].sort()).to.deep.equal([
      'reimport-trust/legacy-start',
      'reimport-trust/refresh-mtls',
      'select',
      'start/legacy',
      'start/systemd',
      'stop',
      'wait-healthy',
    ])
  })

  for (const {generation, step} of planned) {
    it(`${generation}: ${describeStep(step)}`, async () => {
      const client = new OpenShell({env: {...env, FAKE_VERSION: VERSION[generation]}})
      await client.detect()
      const before = tree(config)
      resetCallLog()
      const verdict = await executeStep(client, step, {startAttempted: false})
      const ran = callLog().map((e) => (e.tool === 'openshell' ? e.argv : [e.binary, ...e.argv]))
      const files = changed(before, tree(config))

      for (const argv of ran) expect(isDestructiveArgv(argv), argv.join(' ')).to.equal(false)
      // What ran is what the step stands for (the oracle), plus read-only probes while waiting.
      const expected = argvOf(step)
      const probe = (argv: string[]) =>
        argv.join(' ').startsWith(`-g ${'gateway' in step ? step.gateway : ''} status`) ||
        argv.join(' ') === 'systemctl --user is-active openshell-gateway'
      for (const argv of ran) {
        const known =
          expected.some((want) => want.every((w, i) => argv[i] === w)) || (step.kind === 'wait-healthy' && probe(argv))
        expect(known, `${argv.join(' ')} is not what '${describeStep(step)}' stands for`).to.equal(true)
      }

      for (const want of expected)
        expect(
          ran.some((argv) => want.every((w, i) => argv[i] === w)),
          `${want.join(' ')} ran`,
        ).to.equal(true)
      // Files: only a trust re-import from the local bundle writes, and only under its own gateway's directory.
      if (step.kind === 'reimport-trust' && step.method === 'refresh-mtls') {
        expect(files.length).to.be.greaterThan(0)
        for (const f of files)
          expect(f.startsWith(path.join('openshell', 'gateways', step.gateway) + path.sep), f).to.equal(true)
        expect(
          fs.readFileSync(path.join(config, 'openshell', 'gateways', step.gateway, 'mtls', 'ca.crt'), 'utf8'),
        ).to.equal('local ca.crt\n')
      } else {
        expect(files, 'files changed').to.deep.equal([])
      }

      if (step.kind === 'stop') expect(ran).to.deep.equal([])
      else expect(verdict, JSON.stringify(verdict)).to.include({ok: true})
    })
  }

  describe('the oracle isDestructiveArgv', () => {
    const destructive = [
      ['gateway', 'destroy'],
      ['gateway', 'destroy', '--name', 'nemoclaw'],
      ['-g', 'nemoclaw', 'gateway', 'destroy'],
      ['--gateway', 'nemoclaw', 'gateway', 'destroy'],
      ['gateway', 'start', '--name', 'nemoclaw', '--recreate'],
      ['gateway', 'start', '--recreate'],
      ['gateway', 'start', '--recreate=true', '--name', 'x'],
      ['sandbox', 'delete', 'alpha'],
      ['-g', 'nemoclaw', 'sandbox', 'delete', 'alpha', 'beta'],
      ['gateway', 'remove', 'nemoclaw'],
      ['docker', 'rm', '-f', 'openshell-cluster-nemoclaw'],
      ['docker', 'container', 'rm', 'openshell-cluster-nemoclaw'],
      ['docker', 'container', 'remove', 'openshell-cluster-nemoclaw'],
      ['docker', 'volume', 'rm', 'openshell-cluster-nemoclaw'],
      ['docker', 'volume', 'remove', 'openshell-cluster-nemoclaw'],
      ['docker', 'volume', 'prune', '-f'],
      ['docker', 'system', 'prune', '-af'],
      ['docker', 'rmi', 'ghcr.io/nvidia/openshell/cluster'],
      ['docker', 'kill', 'openshell-cluster-nemoclaw'],
      ['docker', 'compose', 'down', '-v'],
      ['podman', 'rm', 'openshell-gateway'],
      ['podman', 'volume', 'rm', 'openshell'],
      ['podman', 'system', 'reset', '-f'],
      ['/usr/bin/docker', 'volume', 'rm', 'openshell'],
    ]
    for (const argv of destructive) {
      it(`destructive: ${argv.join(' ')}`, () => {
        expect(isDestructiveArgv(argv)).to.equal(true)
      })
    }

    const safe = [
      ['--version'],
      ['-g', 'nemoclaw', 'status'],
      ['status', '-o', 'json'],
      ['gateway', 'select', 'nemoclaw'],
      ['gateway', 'start', '--name', 'nemoclaw'],
      ['gateway', 'add', 'https://127.0.0.1:17670', '--local', '--name', 'nemoclaw'],
      ['gateway', 'stop', '--name', 'nemoclaw'],
      ['gateway', 'info'],
      ['-g', 'nemoclaw', 'sandbox', 'list', '-o', 'json'],
      ['-g', 'nemoclaw', 'sandbox', 'get', 'delete'],
      ['sandbox', 'create', '--name', 'destroy'],
      ['systemctl', '--user', 'start', 'openshell-gateway'],
      ['systemctl', '--user', 'is-active', 'openshell-gateway'],
      ['docker', 'ps', '-a', '--filter', 'name=openshell'],
      ['docker', 'logs', 'openshell-cluster-nemoclaw'],
      ['docker', 'info'],
      ['podman', 'ps'],
    ]
    for (const argv of safe) {
      it(`safe: ${argv.join(' ')}`, () => {
        expect(isDestructiveArgv(argv)).to.equal(false)
      })
    }
  })
})
