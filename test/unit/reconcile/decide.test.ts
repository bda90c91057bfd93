import {expect} from 'chai'

import {guidanceFor} from '../../../src/lib/gateway/classes.js'
import type {Outcome, SandboxList, SandboxPhase} from '../../../src/lib/openshell/types.js'
import {capabilitiesFor} from '../../../src/lib/openshell/version.js'
import {decide, type LiveGateway, phaseClass} from '../../../src/lib/reconcile/decide.js'
import {failure, health, run, statusFailed} from '../gateway/facts.js'

const listed = (sandboxes: Array<[string, SandboxPhase]>, nextPageToken?: string): Outcome<SandboxList> => ({
  ok: true,
  run: run(['-g', 'nemoclaw', 'sandbox', 'list']),
  value: {nextPageToken, sandboxes: sandboxes.map(([name, phase]) => ({name, phase}))},
})

const live = (entries: Record<string, LiveGateway>) => new Map(Object.entries(entries))
const rec = (name: string, gateway = 'nemoclaw') => ({gateway, name})

describe('reconcile decide', () => {
  it('ok gateway + complete list: listed sandboxes are seen with their phase class, unlisted ones pruned as sandbox_missing', () => {
    const d = decide(
      [rec('alpha'), rec('beta'), rec('gamma')],
      live({
        nemoclaw: {
          health: health(),
          list: listed([
            ['alpha', 'Ready'],
            ['gamma', 'Provisioning'],
          ]),
        },
      }),
    )
    expect(d.verdicts.map((v) => [v.name, v.classId, v.phase ?? null])).to.deep.equal([
      ['alpha', 'ok', 'Ready'],
      ['beta', 'sandbox_missing', null],
      ['gamma', 'sandbox_not_ready', 'Provisioning'],
    ])
    expect(d.prune).to.deep.equal([
      {
        gateway: 'nemoclaw',
        name: 'beta',
        reason: "gateway 'nemoclaw' is active and healthy and does not list sandbox 'beta'",
      },
    ])
    expect(d.seen).to.deep.equal([
      {name: 'alpha', phase: 'Ready'},
      {name: 'gamma', phase: 'Provisioning'},
    ])
    const beta = d.verdicts[1]
    expect(beta.guidance).to.deep.equal(guidanceFor('sandbox_missing', {...health().context, sandbox: 'beta'}))
    expect(d.verdicts[2].guidance.diagnosis).to.equal(
      "Sandbox 'gamma' is Provisioning: not ready yet (after a gateway restart its supervisor reconnects).",
    )
  })

  it('an empty complete list from the ok gateway prunes every record on it', () => {
    const d = decide([rec('alpha'), rec('beta')], live({nemoclaw: {health: health(), list: listed([], '')}}))
    expect(d.prune.map((p) => p.name)).to.deep.equal(['alpha', 'beta'])
  })

  it('never prunes when a further page remains (paged token): the verdict is unknown', () => {
    const d = decide(
      [rec('alpha'), rec('beta')],
      live({nemoclaw: {health: health(), list: listed([['alpha', 'Ready']], 'tok-2')}}),
    )
    expect(d.prune).to.deep.equal([])
    expect(d.verdicts.map((v) => [v.name, v.classId])).to.deep.equal([
      ['alpha', 'ok'],
      ['beta', 'unknown'],
    ])
  })

  it('never prunes when another gateway is active: every record reads gateway_other_active, listed ones with their phase', () => {
    for (const h of [
      health({activeOnDisk: 'openshell'}),
      health({envOverride: {value: 'x', variable: 'OPENSHELL_GATEWAY'}}),
    ]) {
      expect(h.classId).to.equal('gateway_other_active')
      const d = decide([rec('alpha'), rec('beta')], live({nemoclaw: {health: h, list: listed([['alpha', 'Error']])}}))
      expect(d.prune).to.deep.equal([])
      expect(d.verdicts.map((v) => [v.name, v.classId, v.phase ?? null])).to.deep.equal([
        ['alpha', 'gateway_other_active', 'Error'],
        ['beta', 'gateway_other_active', null],
      ])
      expect(d.seen).to.deep.equal([{name: 'alpha', phase: 'Error'}])
    }
  })

  it('an override pointing elsewhere while the gateway is down: every record reads gateway_other_active, not the list failure', () => {
    const h = health({
      envOverride: {value: 'other', variable: 'OPENSHELL_GATEWAY'},
      status: statusFailed('connection_refused', 'Connection refused (os error 111)'),
    })
    expect([h.classId, h.answering]).to.deep.equal(['gateway_other_active', false])
    const refused: Outcome<SandboxList> = {
      failure: failure('connection_refused', 'Connection refused', ['-g', 'nemoclaw', 'sandbox', 'list']),
      ok: false,
    }
    const d = decide([rec('alpha')], live({nemoclaw: {health: h, list: refused}}))
    expect(d.prune).to.deep.equal([])
    expect(d.verdicts.map((v) => [v.name, v.classId])).to.deep.equal([['alpha', 'gateway_other_active']])
  })

  it('never prunes when the list failed: the verdict is the class of the list failure', () => {
    const cases: Array<[Outcome<SandboxList>, string]> = [
      [
        {
          failure: failure('trust_rotated', 'invalid peer certificate: BadSignature', [
            '-g',
            'nemoclaw',
            'sandbox',
            'list',
          ]),
          ok: false,
        },
        'gateway_trust_rotated',
      ],
      [
        {
          failure: failure('connection_refused', 'Connection refused', ['-g', 'nemoclaw', 'sandbox', 'list']),
          ok: false,
        },
        'gateway_unreachable',
      ],
      [
        {failure: failure('timed_out', 'slow', ['-g', 'nemoclaw', 'sandbox', 'list', '-o', 'json']), ok: false},
        'probe_timeout',
      ],
      [{failure: failure('unparseable', 'garbage', ['-g', 'nemoclaw', 'sandbox', 'list']), ok: false}, 'unknown'],
    ]
    for (const [list, id] of cases) {
      const d = decide([rec('alpha')], live({nemoclaw: {health: health(), list}}))
      expect(d.prune, id).to.deep.equal([])
      expect(d.seen).to.deep.equal([])
      expect(d.verdicts[0].classId).to.equal(id)
    }

    const t = decide([rec('alpha')], live({nemoclaw: {health: health(), list: cases[2][0]}}))
    expect(t.verdicts[0].guidance.diagnosis).to.equal(
      '`openshell sandbox list` did not answer within the probe timeout.',
    )
  })

  it('never prunes when the list was not fetched: unknown', () => {
    const d = decide([rec('alpha')], live({nemoclaw: {health: health()}}))
    expect(d.prune).to.deep.equal([])
    expect(d.verdicts[0].classId).to.equal('unknown')
  })

  it('a gateway that is not ok (or other-active) decides every verdict on it, even with a list at hand', () => {
    for (const [h, id] of [
      [health({status: statusFailed('connection_refused', 'Connection refused')}), 'gateway_unreachable'],
      [
        health({startAttempted: true, status: statusFailed('connection_refused', 'Connection refused')}),
        'gateway_refusing_after_restart',
      ],
      [health({status: statusFailed('trust_rotated', 'BadSignature')}), 'gateway_trust_rotated'],
      [health({status: statusFailed('auth_required', 'Missing gateway auth token')}), 'gateway_auth_required'],
      [health({registered: false}), 'gateway_not_configured'],
    ] as const) {
      const d = decide([rec('alpha')], live({nemoclaw: {health: h, list: listed([])}}))
      expect(d.prune, id).to.deep.equal([])
      expect(d.verdicts[0].classId).to.equal(id)
      expect(d.verdicts[0].guidance.diagnosis).to.equal(h.guidance.diagnosis)
    }
  })

  it('a gateway that was not probed: unknown, no prune', () => {
    const d = decide([rec('alpha', 'lab')], live({nemoclaw: {health: health(), list: listed([])}}))
    expect(d.prune).to.deep.equal([])
    expect(d.verdicts[0]).to.include({classId: 'unknown', gateway: 'lab', name: 'alpha'})
    expect(d.verdicts[0].guidance.diagnosis).to.equal(
      'openshell failed in a way nemoclaw does not recognise: gateway was not probed',
    )
  })

  it('per gateway: records on the healthy gateway can be pruned, those on an other-active one cannot', () => {
    const lab = health({activeOnDisk: 'nemoclaw', gateway: 'lab'})
    expect(lab.classId).to.equal('gateway_other_active')
    const d = decide(
      [rec('alpha'), rec('beta', 'lab')],
      live({lab: {health: lab, list: listed([])}, nemoclaw: {health: health(), list: listed([])}}),
    )
    expect(d.prune.map((p) => [p.gateway, p.name])).to.deep.equal([['nemoclaw', 'alpha']])
    expect(d.verdicts.map((v) => [v.name, v.classId])).to.deep.equal([
      ['alpha', 'sandbox_missing'],
      ['beta', 'gateway_other_active'],
    ])
  })

  it('phaseClass: Ready ok, Error error, Stopped/Completed stopped, everything else not ready', () => {
    const table: Array<[SandboxPhase, string]> = [
      ['Ready', 'ok'],
      ['Error', 'sandbox_error'],
      ['Stopped', 'sandbox_stopped'],
      ['Completed', 'sandbox_stopped'],
      ['Provisioning', 'sandbox_not_ready'],
      ['Starting', 'sandbox_not_ready'],
      ['Stopping', 'sandbox_not_ready'],
      ['Deleting', 'sandbox_not_ready'],
      ['Unknown', 'sandbox_not_ready'],
      ['Unspecified', 'sandbox_not_ready'],
    ]
    for (const [phase, id] of table) expect(phaseClass(phase), phase).to.equal(id)
  })
})

/** A healthy legacy gateway (0.0.30, no local bundle, no service unit) whose list is `list`. */
function healthyLegacyLive(list: SandboxList): Map<string, LiveGateway> {
  const status = {
    ok: true,
    run: run([]),
    value: {configured: true, gateway: 'nemoclaw', server: 'https://127.0.0.1:8080', status: 'connected'},
  } as const
  const h = health({
    authMode: undefined,
    capabilities: capabilitiesFor('0.0.30'),
    endpoint: undefined,
    isRemote: undefined,
    localBundle: false,
    serviceUnit: false,
    status,
  })
  expect(h.classId).to.equal('ok')
  return new Map([['nemoclaw', {health: h, list: {ok: true, run: run([]), value: list}}]])
}

describe('reconcile decide: a cut list proves nothing', () => {
  const records = [rec('alpha'), rec('omega')]
  const hundred = Array.from({length: 100}, (_, i) => ({name: i === 0 ? 'alpha' : `s${i}`, phase: 'Ready' as const}))

  it('a complete list from the healthy active gateway without the name → sandbox_missing and prune', () => {
    const d = decide(records, healthyLegacyLive({sandboxes: hundred}))
    expect(d.verdicts.map((v) => [v.name, v.classId])).to.deep.equal([
      ['alpha', 'ok'],
      ['omega', 'sandbox_missing'],
    ])
    expect(d.prune.map((p) => p.name)).to.deep.equal(['omega'])
  })

  it('an incomplete list (a version that cannot page returned a full default page) → keep the record, unknown', () => {
    const d = decide(records, healthyLegacyLive({incomplete: true, sandboxes: hundred}))
    expect(d.verdicts.map((v) => [v.name, v.classId])).to.deep.equal([
      ['alpha', 'ok'],
      ['omega', 'unknown'],
    ])
    expect(d.prune).to.deep.equal([])
  })
})
