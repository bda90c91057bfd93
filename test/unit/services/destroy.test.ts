// destroySandbox when the registry stops being writable between the reconcile and the record removal: the sandbox
// is deleted on its gateway, and the record that cannot be removed is reported, not thrown.
import {expect} from 'chai'
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {destroySandbox} from '../../../src/lib/services/destroy.js'
import {guidanceFor} from '../../../src/lib/gateway/classes.js'
import type {OpenShell} from '../../../src/lib/openshell/client.js'
import type {Verdict} from '../../../src/lib/reconcile/decide.js'
import {serializeRegistry} from '../../../src/lib/registry/index.js'
import {makeReadOnly, unmountAll} from '../../support/mounts.js'
import {useTempHome} from '../../support/registry-home.js'

describe('destroySandbox: the record removal fails after the deletion', () => {
  afterEach(() => unmountAll()) // before useTempHome's afterEach removes the directory
  const t = useTempHome()

  it('reports the sandbox deleted and its record kept (registry_unwritable, read_only), without throwing', async () => {
    mkdirSync(t.home)
    const record = {
      name: 'alpha',
      gateway: 'nemoclaw',
      createdAt: '2026-01-02T03:04:05.000Z',
      source: null,
      provider: null,
      model: null,
      policies: [],
      lastSeen: null,
      endpointUrl: null,
      credentialEnv: null,
    }
    const file = join(t.home, 'sandboxes.json')
    writeFileSync(file, serializeRegistry({version: 1, defaultSandbox: 'alpha', sandboxes: {alpha: record}} as any))
    const before = readFileSync(file, 'utf8')
    const deleted: string[] = []
    const client = {
      env: {NEMOCLAW_HOME: t.home},
      async sandboxDelete(name: string) {
        deleted.push(name)
        makeReadOnly(t.home) // the home turns read-only while openshell deletes
        return {ok: true, value: {name, outcome: 'deleted'}}
      },
    } as unknown as OpenShell
    const verdict: Verdict = {
      classId: 'ok',
      gateway: 'nemoclaw',
      guidance: guidanceFor('ok', {gateway: 'nemoclaw', sandbox: 'alpha'}),
      name: 'alpha',
      phase: 'Ready',
    }
    const r = await destroySandbox(client, verdict, {by: 'test'})
    expect(deleted).to.deep.equal(['alpha'])
    expect(r).to.deep.include({gateway: 'nemoclaw', kind: 'registry_unwritable', name: 'alpha', outcome: 'deleted'})
    expect(r.kind === 'registry_unwritable' && r.failure.cause).to.equal('read_only')
    expect(readFileSync(file, 'utf8')).to.equal(before)
  })
})
