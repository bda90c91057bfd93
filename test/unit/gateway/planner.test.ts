import {expect} from 'chai'

import {CLASS_IDS, type ClassId} from '../../../src/lib/gateway/classes.js'
import {
  DEFAULT_WAIT_MS,
  describeStep,
  planRecovery,
  type RecoveryStep,
  waitTimeoutMs,
} from '../../../src/lib/gateway/planner.js'
import {type Combo, combos, facts, factsOf, forced, ownGateway} from './facts.js'

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
      if (!ownGateway(c)) return [...select, 'stop']
      return c.generation === 'legacy' || c.serviceUnit ? [...select, 'start', 'wait-healthy'] : [...select, 'stop']
    }

    case 'gateway_trust_rotated': {
      if (!ownGateway(c)) return [...select, 'stop']
      return c.generation === 'legacy' || c.localBundle
        ? [...select, 'reimport-trust', 'wait-healthy']
        : [...select, 'stop']
    }

    default: {
      return ['stop']
    }
  }
}

describe('gateway/planner', () => {
  const all = combos()

  it('walks 160 combinations × 15 classes', () => {
    expect(all.length * CLASS_IDS.length).to.equal(2400)
  })

  for (const id of CLASS_IDS) {
    it(`${id}: the exact steps for every generation × service unit × local bundle × override × selection × locality`, () => {
      for (const c of all) {
        const h = forced(id, factsOf(c))
        const plan = planRecovery(h, {waitMs: 1234})
        const label = `${id} ${JSON.stringify(c)}`
        expect(
          plan.map((s) => s.kind),
          label,
        ).to.deep.equal(expectedKinds(id, c))
        for (const step of plan) {
          if (step.kind === 'start')
            expect(step.method, label).to.equal(c.generation === 'legacy' ? 'legacy' : 'systemd')
          if (step.kind === 'reimport-trust') {
            expect(step.method, label).to.equal(c.generation === 'legacy' ? 'legacy-start' : 'refresh-mtls')
            expect(step.endpoint).to.equal(h.facts.endpoint)
          }

          if (step.kind === 'wait-healthy') expect(step.timeoutMs).to.equal(1234)
          if (step.kind === 'select' || step.kind === 'start' || step.kind === 'wait-healthy')
            expect(step.gateway).to.equal('nemoclaw')
        }

        const stop = plan.find((s) => s.kind === 'stop')
        if (stop && stop.kind === 'stop') {
          expect(plan.at(-1), label).to.equal(stop)
          const extra =
            id === 'gateway_trust_rotated' && ownGateway(c)
              ? " The local gateway's TLS bundle was not found, so nemoclaw cannot re-import trust safely."
              : ''
          expect(stop.reason, label).to.equal(h.guidance.diagnosis + extra)
        }
      }
    })
  }

  it('a select is never planned for an unregistered gateway', () => {
    for (const id of CLASS_IDS) {
      const plan = planRecovery(forced(id, facts({activeOnDisk: 'openshell', registered: false})))
      expect(
        plan.some((s) => s.kind === 'select'),
        id,
      ).to.equal(false)
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

  it('describeStep for every step shape', () => {
    const steps: Array<[RecoveryStep, string]> = [
      [{gateway: 'lab', kind: 'select'}, "Select gateway 'lab'"],
      [{gateway: 'lab', kind: 'start', method: 'legacy'}, "Start gateway 'lab' (openshell gateway start --name lab)"],
      [
        {gateway: 'lab', kind: 'start', method: 'systemd'},
        'Start the gateway service (systemctl --user start openshell-gateway)',
      ],
      [
        {endpoint: 'https://h:8080', gateway: 'lab', kind: 'reimport-trust', method: 'legacy-start'},
        "Re-sync client certificates of 'lab' (openshell gateway start --name lab)",
      ],
      [
        {endpoint: 'https://h:17670', gateway: 'lab', kind: 'reimport-trust', method: 'refresh-mtls'},
        "Re-import the client bundle of 'lab' from the local gateway's TLS directory",
      ],
      [{gateway: 'lab', kind: 'wait-healthy', timeoutMs: 5}, "Wait until gateway 'lab' is healthy"],
      [{kind: 'stop', reason: 'r'}, 'Stop: nothing more is safe to do automatically'],
    ]
    for (const [step, title] of steps) expect(describeStep(step)).to.equal(title)
  })
})
