import {expect} from 'chai'

import {CLASS_IDS, type ClassId, guidanceFor} from '../../../src/lib/gateway/classes.js'
import {type GatewayFacts, type GatewayHealth, contextFor} from '../../../src/lib/gateway/health.js'
import {
  argvOf,
  DEFAULT_WAIT_MS,
  describeStep,
  isDestructiveArgv,
  planRecovery,
  type RecoveryStep,
  waitTimeoutMs,
} from '../../../src/lib/gateway/planner.js'
import {facts, LEGACY_CAPS, MODERN_CAPS} from './facts.js'

/** A health forced to a class, with the facts of one combination. */
function forced(classId: ClassId, f: GatewayFacts): GatewayHealth {
  const context = contextFor(f)
  return {answering: false, classId, context, evidence: [], facts: f, gateway: f.gateway, guidance: guidanceFor(classId, context)}
}

interface Combo {
  generation: 'legacy' | 'modern'
  serviceUnit: boolean
  localBundle: boolean
  override: boolean
  notActive: boolean
}

function combos(): Combo[] {
  const out: Combo[] = []
  for (const generation of ['legacy', 'modern'] as const)
    for (const serviceUnit of [true, false])
      for (const localBundle of [true, false])
        for (const override of [true, false])
          for (const notActive of [true, false]) out.push({generation, localBundle, notActive, override, serviceUnit})
  return out
}

function factsOf(c: Combo): GatewayFacts {
  return facts({
    activeOnDisk: c.notActive ? 'openshell' : 'nemoclaw',
    capabilities: c.generation === 'legacy' ? LEGACY_CAPS : MODERN_CAPS,
    endpoint: c.generation === 'legacy' ? 'https://127.0.0.1:8080' : 'https://127.0.0.1:17670',
    envOverride: c.override ? {value: 'x', variable: 'OPENSHELL_GATEWAY'} : undefined,
    localBundle: c.localBundle,
    serviceUnit: c.serviceUnit,
  })
}

/** The planner's rules restated: what each class may do, in order. */
function expectedKinds(id: ClassId, c: Combo): string[] {
  const select = c.notActive ? ['select'] : []
  switch (id) {
    case 'ok': {
      return []
    }

    case 'gateway_other_active': {
      return [...select, ...(c.override ? ['stop'] : [])]
    }

    case 'gateway_unreachable': {
      return c.generation === 'legacy' || c.serviceUnit ? [...select, 'start', 'wait-healthy'] : [...select, 'stop']
    }

    case 'gateway_trust_rotated': {
      return c.generation === 'legacy' || c.localBundle ? [...select, 'reimport-trust', 'wait-healthy'] : [...select, 'stop']
    }

    default: {
      return ['stop']
    }
  }
}

const SAFE_ARGV = new Set([
  'gateway select nemoclaw',
  'gateway start --name nemoclaw',
  'systemctl --user start openshell-gateway',
  '-g nemoclaw status',
])

describe('gateway/planner', () => {
  const all = combos()

  it('walks 32 combinations × 15 classes', () => {
    expect(all.length * CLASS_IDS.length).to.equal(480)
  })

  for (const id of CLASS_IDS) {
    it(`${id}: the exact steps for every generation × service unit × local bundle × override × selection`, () => {
      for (const c of all) {
        const h = forced(id, factsOf(c))
        const plan = planRecovery(h, {waitMs: 1234})
        const label = `${id} ${JSON.stringify(c)}`
        expect(plan.map((s) => s.kind), label).to.deep.equal(expectedKinds(id, c))
        for (const step of plan) {
          for (const argv of argvOf(step)) {
            expect(isDestructiveArgv(argv), `${label}: ${argv.join(' ')}`).to.equal(false)
            expect(SAFE_ARGV.has(argv.join(' ')), `${label}: ${argv.join(' ')}`).to.equal(true)
          }

          if (step.kind === 'start') expect(step.method, label).to.equal(c.generation === 'legacy' ? 'legacy' : 'systemd')
          if (step.kind === 'reimport-trust') {
            expect(step.method, label).to.equal(c.generation === 'legacy' ? 'legacy-start' : 'refresh-mtls')
            expect(step.endpoint).to.equal(h.facts.endpoint)
          }

          if (step.kind === 'wait-healthy') expect(step.timeoutMs).to.equal(1234)
          if (step.kind === 'select' || step.kind === 'start' || step.kind === 'wait-healthy') expect(step.gateway).to.equal('nemoclaw')
        }

        const stop = plan.find((s) => s.kind === 'stop')
        if (stop && stop.kind === 'stop') {
          expect(plan.at(-1), label).to.equal(stop)
          const extra = id === 'gateway_trust_rotated' ? " The local gateway's TLS bundle was not found, so nemoclaw cannot re-import trust safely." : ''
          expect(stop.reason, label).to.equal(h.guidance.diagnosis + extra)
        }
      }
    })
  }

  it('a select is never planned for an unregistered gateway', () => {
    for (const id of CLASS_IDS) {
      const plan = planRecovery(forced(id, facts({activeOnDisk: 'openshell', registered: false})))
      expect(plan.some((s) => s.kind === 'select'), id).to.equal(false)
    }
  })

  it('the wait defaults to 60 s; NEMOCLAW_RECOVER_TIMEOUT_MS overrides it when positive', () => {
    const plan = planRecovery(forced('gateway_unreachable', factsOf(all[0])))
    expect(plan.at(-1)).to.deep.equal({gateway: 'nemoclaw', kind: 'wait-healthy', timeoutMs: DEFAULT_WAIT_MS})
    expect(DEFAULT_WAIT_MS).to.equal(60_000)
    expect(waitTimeoutMs({NEMOCLAW_RECOVER_TIMEOUT_MS: '3000'})).to.equal(3000)
    expect(waitTimeoutMs({NEMOCLAW_RECOVER_TIMEOUT_MS: '0'})).to.equal(60_000)
    expect(waitTimeoutMs({NEMOCLAW_RECOVER_TIMEOUT_MS: 'soon'})).to.equal(60_000)
    expect(waitTimeoutMs({})).to.equal(60_000)
  })

  it('argvOf and describeStep for every step shape', () => {
    const steps: Array<[RecoveryStep, string[][], string]> = [
      [{gateway: 'lab', kind: 'select'}, [['gateway', 'select', 'lab']], "Select gateway 'lab'"],
      [{gateway: 'lab', kind: 'start', method: 'legacy'}, [['gateway', 'start', '--name', 'lab']], "Start gateway 'lab' (openshell gateway start --name lab)"],
      [{gateway: 'lab', kind: 'start', method: 'systemd'}, [['systemctl', '--user', 'start', 'openshell-gateway']], 'Start the gateway service (systemctl --user start openshell-gateway)'],
      [
        {endpoint: 'https://h:8080', gateway: 'lab', kind: 'reimport-trust', method: 'legacy-start'},
        [['gateway', 'start', '--name', 'lab']],
        "Re-sync client certificates of 'lab' (openshell gateway start --name lab)",
      ],
      [
        {endpoint: 'https://h:17670', gateway: 'lab', kind: 'reimport-trust', method: 'refresh-mtls'},
        [],
        "Re-import the client bundle of 'lab' from the local gateway's TLS directory",
      ],
      [{gateway: 'lab', kind: 'wait-healthy', timeoutMs: 5}, [['-g', 'lab', 'status']], "Wait until gateway 'lab' is healthy"],
      [{kind: 'stop', reason: 'r'}, [], 'Stop: nothing more is safe to do automatically'],
    ]
    for (const [step, argv, title] of steps) {
      expect(argvOf(step)).to.deep.equal(argv)
      expect(describeStep(step)).to.equal(title)
    }
  })

  describe('isDestructiveArgv', () => {
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
