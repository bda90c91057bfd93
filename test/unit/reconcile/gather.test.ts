import {expect} from 'chai'

import type {OpenShell} from '../../../src/lib/openshell/client.js'
import type {Outcome, SandboxList} from '../../../src/lib/openshell/types.js'
import {listable} from '../../../src/lib/reconcile/decide.js'
import {gatherSteps, liveGateway} from '../../../src/lib/reconcile/gather.js'
import {health, run, statusFailed} from '../gateway/facts.js'

const list: Outcome<SandboxList> = {
  ok: true,
  run: run(['-g', 'nemoclaw', 'sandbox', 'list']),
  value: {sandboxes: [{name: 'alpha', phase: 'Ready'}]},
}

describe('reconcile gather: which gateway keeps its list (one listable)', () => {
  it('kept for an ok gateway and for an answering other-active one; dropped when the gateway does not answer', () => {
    const refused = statusFailed('connection_refused', 'Connection refused (os error 111)')
    const cases = [
      [health(), true],
      [health({activeOnDisk: 'openshell'}), true],
      [health({envOverride: {value: 'other', variable: 'OPENSHELL_GATEWAY'}, status: refused}), false],
      [health({status: refused}), false],
      [health({registered: false}), false],
    ] as const
    for (const [h, kept] of cases) {
      expect(listable(h), `${h.classId} answering=${h.answering}`).to.equal(kept)
      expect(liveGateway(h, list), h.classId).to.deep.equal(kept ? {health: h, list} : {health: h})
    }
  })
})

describe('reconcile gather: the task list', () => {
  // The steps are only built here, never run: no process starts.
  const client = {} as OpenShell

  it('detect first; per gateway its probe, then its list when it holds records; then the routes when asked', () => {
    const holdsRecords = (gw: string) => gw !== 'empty'
    const titles = (inference: boolean) =>
      gatherSteps(client, ['nemoclaw', 'empty', 'lab'], {holdsRecords, inference}).steps.map((s) => s.title)
    expect(titles(false)).to.deep.equal([
      'openshell is installed',
      "Gateway 'nemoclaw' answers",
      "Sandboxes on 'nemoclaw' listed",
      "Gateway 'empty' answers",
      "Gateway 'lab' answers",
      "Sandboxes on 'lab' listed",
    ])
    expect(titles(true).slice(6)).to.deep.equal(["Inference route of 'nemoclaw'", "Inference route of 'lab'"])
  })
})
