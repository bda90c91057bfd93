// A disk that fills up mid-write: the kernel then accepts only part of a write() and says so in its return value
// (ENOSPC comes only on the next call). Such a short write must fail the registry write, never land as a torn file.
// The homes are real small tmpfs mounts (see test/support/mounts.ts).
import {expect} from 'chai'
import {mkdirSync, readdirSync, rmSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'

import {
  load,
  readJournal,
  registryPaths,
  RegistryError,
  removeRecord,
  serializeRegistry,
  upsertRecord,
} from '../../../src/lib/registry/index.js'
import {mountFullDisk, unmountAll} from '../../support/mounts.js'
import {useTempHome} from '../../support/registry-home.js'

const RECORD = (name: string, extra: object = {}) => ({
  name,
  gateway: 'nemoclaw',
  createdAt: '2026-01-02T03:04:05.000Z',
  source: null,
  provider: null,
  model: null,
  policies: [],
  lastSeen: null,
  endpointUrl: null,
  credentialEnv: null,
  ...extra,
})

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p
  } catch (error) {
    return error as Error
  }

  throw new Error('expected a rejection')
}

describe('registry: a disk that fills up mid-write', () => {
  afterEach(() => unmountAll()) // before useTempHome's afterEach removes the directory
  const t = useTempHome()

  it('a registry write that does not fit fails and leaves the old file byte-identical', async () => {
    mkdirSync(t.home)
    const old = serializeRegistry({version: 1, defaultSandbox: 'a', sandboxes: {a: RECORD('a')}} as any)
    // One page free: the new file (~6 KiB) gets its first 4 KiB written, then the disk is full.
    mountFullDisk(t.home, {'sandboxes.json': old}, {leavePages: 1})
    const err = await rejection(
      upsertRecord({name: 'b', gateway: 'nemoclaw', notes: 'n'.repeat(6000)} as any, {home: t.home}),
    )
    expect(err).to.be.instanceOf(RegistryError)
    expect(err.message).to.match(/Could not write the registry .*ENOSPC/)
    expect(await readFile(registryPaths({home: t.home}).file, 'utf8')).to.equal(old)
    expect(
      readdirSync(t.home).filter((n) => n.includes('.tmp-')),
      'temp file removed',
    ).to.deep.equal([])
  })

  it('a journal line that does not fit is taken back: the record stays and later entries stay readable', async () => {
    mkdirSync(t.home)
    const registry = {
      version: 1,
      defaultSandbox: null,
      sandboxes: {a: RECORD('a', {notes: 'n'.repeat(6000)}), z: RECORD('z')},
    }
    // One page free: the journal line of `a` (~6 KiB) fits only in part.
    mountFullDisk(t.home, {'sandboxes.json': serializeRegistry(registry as any)}, {leavePages: 1})
    const paths = registryPaths({home: t.home})
    const err = await rejection(removeRecord('a', 'gone', {home: t.home}))
    expect(err.message).to.match(/ENOSPC/)
    expect(Object.keys((await load({home: t.home})).registry.sandboxes).sort(), 'records').to.deep.equal(['a', 'z'])
    const left = await readFile(paths.journal, 'utf8').catch(() => '')
    expect(left.length, 'bytes of a half line left in pruned.jsonl').to.equal(0)

    // Space again: the next removals are journaled and readable.
    rmSync(join(t.home, 'filler'))
    await removeRecord('a', 'gone', {home: t.home})
    await removeRecord('z', 'gone', {home: t.home})
    const j = await readJournal({home: t.home})
    expect(j.malformedLines).to.deep.equal([])
    expect(j.entries.map((e) => `${e.op}:${e.name}:${e.status}`)).to.deep.equal(['prune:a:applied', 'prune:z:applied'])
  })
})
