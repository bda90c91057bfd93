import {expect} from 'chai'
import {mkdir, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {load, parseRegistry, removeRecord, update, upsertRecord} from '../../../src/lib/registry/index.js'
import {useTempHome} from '../../support/registry-home.js'

const LEGACY = {
  sandboxes: {
    'my-assistant': {
      name: 'my-assistant',
      createdAt: '2026-03-01T10:00:00.000Z',
      model: 'nvidia/nemotron-3-super-120b-a12b',
      nimContainer: null,
      provider: 'nvidia-nim',
      gpuEnabled: false,
      policies: ['pypi', 'npm'],
    },
    other: {
      name: 'other',
      createdAt: '2026-03-02T10:00:00.000Z',
      model: null,
      provider: null,
      gpuEnabled: true,
      policies: [],
    },
  },
  defaultSandbox: 'my-assistant',
}

describe('registry/schema: parsing', () => {
  it('reads the legacy NemoClaw format as version 1 with gateway nemoclaw and every field kept', () => {
    const r = parseRegistry(JSON.stringify(LEGACY))
    if (!r.ok) throw new Error(r.detail)
    expect(r.format).to.equal('legacy')
    expect(r.registry.version).to.equal(1)
    expect(r.registry.defaultSandbox).to.equal('my-assistant')
    expect(r.registry.sandboxes['my-assistant']).to.deep.equal({
      ...LEGACY.sandboxes['my-assistant'],
      gateway: 'nemoclaw',
      source: null,
      lastSeen: null,
    })
    expect(r.registry.sandboxes.other?.gpuEnabled).to.equal(true)
  })

  it('keeps unknown top-level and record fields', () => {
    const r = parseRegistry(
      JSON.stringify({
        version: 1,
        defaultSandbox: null,
        futureThing: {a: 1},
        sandboxes: {
          a: {
            name: 'a',
            gateway: 'gw',
            createdAt: null,
            source: null,
            provider: null,
            model: null,
            policies: [],
            lastSeen: null,
            extra: 'x',
          },
        },
      }),
    )
    if (!r.ok) throw new Error(r.detail)
    expect(r.registry.futureThing).to.deep.equal({a: 1})
    expect(r.registry.sandboxes.a?.extra).to.equal('x')
    expect(Object.keys(r.registry).slice(0, 3)).to.deep.equal(['version', 'defaultSandbox', 'sandboxes'])
  })

  it('reports exactly which fields have the wrong type', () => {
    const r = parseRegistry(
      JSON.stringify({
        sandboxes: {
          a: {name: 'a', policies: 'pypi'},
          b: {name: 'b', policies: ['ok', 3], lastSeen: {phase: 1, at: 'x'}},
          c: {name: 'not-c'},
        },
      }),
    )
    if (r.ok) throw new Error('expected invalid')
    expect(r.kind).to.equal('invalid')
    expect(r.issues).to.deep.equal([
      'sandboxes.a.policies: expected an array of strings, got string',
      'sandboxes.b.policies[1]: expected a string, got number',
      'sandboxes.b.lastSeen.phase: expected a string, got number',
      'sandboxes.c.name: is "not-c" but the record is stored under "c"',
    ])
    expect(r.detail).to.include('sandboxes.a.policies')
  })

  it('rejects a sandboxes array, a non-object root and an odd version; flags a newer version separately', () => {
    const arr = parseRegistry('{"sandboxes": []}')
    expect(arr.ok === false && arr.issues).to.deep.equal([
      'sandboxes: expected an object keyed by sandbox name, got array',
    ])
    const root = parseRegistry('[]')
    expect(root.ok === false && root.issues).to.deep.equal(['(root): expected an object, got array'])
    const ver = parseRegistry('{"version": "1", "sandboxes": {}}')
    expect(ver.ok === false && ver.kind).to.equal('invalid')
    const newer = parseRegistry('{"version": 2, "sandboxes": {}}')
    expect(newer.ok === false && newer.kind).to.equal('unsupported-version')
  })

  it('treats invalid JSON and an empty file as unparseable', () => {
    const bad = parseRegistry('{"sandboxes": {')
    expect(bad.ok === false && bad.kind).to.equal('unparseable')
    const empty = parseRegistry('')
    expect(empty.ok === false && empty.detail).to.equal('the file is empty')
  })
})

describe('registry/schema: on disk', () => {
  const t = useTempHome()

  async function writeRaw(data: unknown): Promise<string> {
    await mkdir(t.home, {recursive: true})
    const file = join(t.home, 'sandboxes.json')
    await writeFile(file, typeof data === 'string' ? data : JSON.stringify(data))
    return file
  }

  it('upgrades a legacy file on the first write, keeping every field', async () => {
    const file = await writeRaw(LEGACY)
    const loaded = await load({home: t.home})
    expect(loaded.format).to.equal('legacy')
    expect(loaded.problem).to.equal(null)

    await upsertRecord({name: 'third', gateway: 'openshell'}, {home: t.home})
    const onDisk = JSON.parse(await readFile(file, 'utf8'))
    expect(onDisk.version).to.equal(1)
    expect(onDisk.defaultSandbox).to.equal('my-assistant')
    expect(onDisk.sandboxes['my-assistant']).to.deep.equal({
      ...LEGACY.sandboxes['my-assistant'],
      gateway: 'nemoclaw',
      source: null,
      lastSeen: null,
    })
    expect(onDisk.sandboxes.other.gpuEnabled).to.equal(true)
    expect(onDisk.sandboxes.third.gateway).to.equal('openshell')
    expect((await load({home: t.home})).format).to.equal('v1')
  })

  it('a no-op update does not rewrite the file', async () => {
    const file = await writeRaw(LEGACY)
    const before = await readFile(file, 'utf8')
    const r = await update(() => 'nothing', {home: t.home})
    expect(r.written).to.equal(false)
    expect(await readFile(file, 'utf8')).to.equal(before)
  })

  it('preserves unknown top-level fields and unknown record fields across writes', async () => {
    const file = await writeRaw({
      version: 1,
      defaultSandbox: null,
      telemetry: {optIn: false},
      sandboxes: {a: {name: 'a', gateway: 'gw', policies: [], custom: [1, 2]}},
    })
    await upsertRecord({name: 'a', gateway: 'gw', model: 'm2'}, {home: t.home})
    await removeRecord('nope', 'test', {home: t.home})
    const onDisk = JSON.parse(await readFile(file, 'utf8'))
    expect(onDisk.telemetry).to.deep.equal({optIn: false})
    expect(onDisk.sandboxes.a.custom).to.deep.equal([1, 2])
    expect(onDisk.sandboxes.a.model).to.equal('m2')
  })

  it('refuses a mutator that would produce an invalid registry, writing nothing', async () => {
    const file = await writeRaw({version: 1, defaultSandbox: null, sandboxes: {}})
    const before = await readFile(file, 'utf8')
    let error: unknown
    try {
      await update(
        (r) => {
          ;(r.sandboxes as Record<string, unknown>).x = {name: 'y', gateway: 'g'}
        },
        {home: t.home},
      )
    } catch (e) {
      error = e
    }
    expect((error as Error).message).to.match(/sandboxes\.x\.name/)
    expect(await readFile(file, 'utf8')).to.equal(before)
  })
})
