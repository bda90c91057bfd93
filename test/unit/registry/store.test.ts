import {expect} from 'chai'
import {rmSync} from 'node:fs'
import {chmod, mkdir, readdir, readFile, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {
  checkPermissions,
  describeWriteFailure,
  fixPermissions,
  getRecord,
  listCorruptFiles,
  listRecords,
  load,
  readJournal,
  registerOnboarded,
  registryPaths,
  RegistryCorruptError,
  RegistryError,
  RegistryLockTimeoutError,
  RegistryWriteError,
  removeRecord,
  restore,
  setDefault,
  touchLastSeen,
  update,
  upsertRecord,
} from '../../../src/lib/registry/index.js'
import {useTempHome} from '../../support/registry-home.js'

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a rejection')
}

describe('registry/store: records', () => {
  const t = useTempHome()

  it('creates the home 0700 and the file 0600; upsert keeps unspecified fields; makeDefaultIfFirst', async () => {
    await upsertRecord(
      {name: 'alpha', gateway: 'nemoclaw', model: 'm', policies: ['pypi'], credentialEnv: 'NVIDIA_API_KEY'},
      {home: t.home, makeDefaultIfFirst: true},
    )
    await upsertRecord({name: 'beta', gateway: 'openshell'}, {home: t.home, makeDefaultIfFirst: true})
    const paths = registryPaths({home: t.home})
    expect((await stat(paths.home)).mode & 0o777).to.equal(0o700)
    expect((await stat(paths.file)).mode & 0o777).to.equal(0o600)

    const first = await getRecord('alpha', {home: t.home})
    await upsertRecord({name: 'alpha', gateway: 'nemoclaw', source: 'openclaw'}, {home: t.home})
    const alpha = await getRecord('alpha', {home: t.home})
    expect(alpha).to.include({
      model: 'm',
      source: 'openclaw',
      credentialEnv: 'NVIDIA_API_KEY',
      createdAt: first?.createdAt,
    })
    expect(alpha?.policies).to.deep.equal(['pypi'])
    expect((await load({home: t.home})).registry.defaultSandbox).to.equal('alpha')
    expect((await listRecords({home: t.home})).map((r) => r.name)).to.deep.equal(['alpha', 'beta'])
    expect(await getRecord('nope', {home: t.home})).to.equal(null)
  })

  it('registerOnboarded: in one write, the record and the inference fields of every other record on its gateway', async () => {
    await upsertRecord(
      {
        credentialEnv: 'NVIDIA_API_KEY',
        gateway: 'nemoclaw',
        model: 'm1',
        name: 'alpha',
        policies: ['pypi'],
        provider: 'nvidia',
      },
      {home: t.home},
    )
    await upsertRecord(
      {endpointUrl: 'http://a/v1', gateway: 'nemoclaw', model: 'm1', name: 'beta', provider: 'custom'},
      {home: t.home},
    )
    await upsertRecord(
      {credentialEnv: 'NVIDIA_API_KEY', gateway: 'elsewhere', model: 'm1', name: 'far', provider: 'nvidia'},
      {home: t.home},
    )
    const r = await registerOnboarded(
      {
        credentialEnv: null,
        endpointUrl: 'http://b/v1',
        gateway: 'nemoclaw',
        model: 'm2',
        name: 'gamma',
        provider: 'vllm',
      },
      {home: t.home},
    )
    expect(r.value.alsoChanged).to.deep.equal(['alpha', 'beta'])
    expect(r.value.record).to.include({endpointUrl: 'http://b/v1', model: 'm2', name: 'gamma', provider: 'vllm'})
    const same = {credentialEnv: null, endpointUrl: 'http://b/v1', model: 'm2', provider: 'vllm'}
    expect(await getRecord('alpha', {home: t.home})).to.include(same)
    expect((await getRecord('alpha', {home: t.home}))?.policies, 'other fields kept').to.deep.equal(['pypi'])
    expect(await getRecord('beta', {home: t.home})).to.include(same)
    expect(await getRecord('far', {home: t.home}), 'another gateway is left alone').to.include({
      credentialEnv: 'NVIDIA_API_KEY',
      model: 'm1',
      provider: 'nvidia',
    })
    const again = await registerOnboarded(
      {
        credentialEnv: null,
        endpointUrl: 'http://b/v1',
        gateway: 'nemoclaw',
        model: 'm2',
        name: 'gamma',
        provider: 'vllm',
      },
      {home: t.home},
    )
    expect(again.value.alsoChanged).to.deep.equal([])
    const bad = await rejection(
      registerOnboarded({credentialEnv: 'sk-live=secret', gateway: 'nemoclaw', name: 'delta'}, {home: t.home}),
    )
    expect(bad).to.be.instanceOf(RegistryError)
  })

  it('refuses invalid names, gateways and a credential value in credentialEnv', async () => {
    expect((await rejection(upsertRecord({name: 'Bad', gateway: 'g'}, {home: t.home}))).message).to.match(
      /Invalid sandbox name 'Bad'/,
    )
    expect((await rejection(upsertRecord({name: 'status', gateway: 'g'}, {home: t.home}))).message).to.match(
      /nemoclaw command/,
    )
    expect((await rejection(upsertRecord({name: 'ok', gateway: '../g'}, {home: t.home}))).message).to.match(
      /gateway name/,
    )
    expect(
      (await rejection(upsertRecord({name: 'ok', gateway: 'g', credentialEnv: 'nvapi-123abc'}, {home: t.home})))
        .message,
    ).to.match(/NAME of an environment variable/)
    expect((await load({home: t.home})).format).to.equal('missing')
  })

  it('setDefault checks the name; removing the default clears it', async () => {
    await upsertRecord({name: 'a', gateway: 'g'}, {home: t.home})
    await upsertRecord({name: 'b', gateway: 'g'}, {home: t.home})
    const err = await rejection(setDefault('zzz', {home: t.home}))
    expect(err).to.be.instanceOf(RegistryError)
    expect((err as RegistryError).code).to.equal('NOT_FOUND')
    await setDefault('b', {home: t.home})
    expect((await load({home: t.home})).registry.defaultSandbox).to.equal('b')
    await removeRecord('b', 'destroyed by user', {home: t.home})
    expect((await load({home: t.home})).registry.defaultSandbox).to.equal(null)
  })

  it('touchLastSeen updates many records in one write, skips unknown names and older observations', async () => {
    await upsertRecord({name: 'a', gateway: 'g'}, {home: t.home})
    await upsertRecord({name: 'b', gateway: 'g'}, {home: t.home})
    const r = await touchLastSeen(
      [
        {name: 'a', phase: 'Ready', at: '2026-03-01T10:00:00.000Z'},
        {name: 'b', phase: 'Provisioning', at: '2026-03-01T10:00:00.000Z'},
        {name: 'ghost', phase: 'Ready'},
      ],
      {home: t.home},
    )
    expect(r.value).to.deep.equal(['a', 'b'])
    expect(r.written).to.equal(true)
    const older = await touchLastSeen([{name: 'a', phase: 'Error', at: '2026-02-01T00:00:00.000Z'}], {home: t.home})
    expect(older.value).to.deep.equal([])
    expect(older.written).to.equal(false)
    expect((await getRecord('a', {home: t.home}))?.lastSeen).to.deep.equal({
      phase: 'Ready',
      at: '2026-03-01T10:00:00.000Z',
    })
    expect((await getRecord('b', {home: t.home}))?.lastSeen?.phase).to.equal('Provisioning')
  })
})

describe('registry/store: corrupt files', () => {
  const t = useTempHome()
  const garbage = '{"sandboxes": {"precious": {"name": "precious"'

  async function writeCorrupt(text = garbage): Promise<string> {
    await mkdir(t.home, {recursive: true, mode: 0o700})
    const file = join(t.home, 'sandboxes.json')
    await writeFile(file, text, {mode: 0o600})
    return file
  }

  it('load() reports the problem with the path and changes nothing', async () => {
    const file = await writeCorrupt()
    const r = await load({home: t.home})
    expect(r.problem?.kind).to.equal('unparseable')
    expect(r.problem?.path).to.equal(file)
    expect(r.problem?.message).to.include(file).and.include('not valid JSON')
    expect(r.registry.sandboxes).to.deep.equal({})
    expect(await readFile(file, 'utf8')).to.equal(garbage)
    expect(await readdir(t.home)).to.deep.equal(['sandboxes.json'])
  })

  it('readers and writers refuse by default, leaving the file byte-identical', async () => {
    const file = await writeCorrupt()
    expect(await rejection(listRecords({home: t.home}))).to.be.instanceOf(RegistryCorruptError)
    const err = await rejection(upsertRecord({name: 'new', gateway: 'g'}, {home: t.home}))
    expect(err).to.be.instanceOf(RegistryCorruptError)
    expect(err.message).to.include(file).and.include('will not write over it')
    expect(await readFile(file, 'utf8')).to.equal(garbage)
    expect(await listCorruptFiles({home: t.home})).to.deep.equal([])
  })

  it('setAsideCorrupt moves it to a timestamped file with the original bytes, then writes', async () => {
    const file = await writeCorrupt()
    const r = await upsertRecord({name: 'new', gateway: 'g'}, {home: t.home, setAsideCorrupt: true})
    expect(r.setAside).to.not.equal(null)
    const aside = r.setAside!.to
    expect(aside).to.match(/sandboxes\.json\.corrupt-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/)
    expect(r.setAside!.message).to.equal(
      `Registry at ${file} was unreadable (${r.setAside!.problem.detail}); moved aside to ${aside}; your records are in ${aside}.`,
    )
    expect(await readFile(aside, 'utf8')).to.equal(garbage)
    expect(Object.keys((await load({home: t.home})).registry.sandboxes)).to.deep.equal(['new'])
    const listed = await listCorruptFiles({home: t.home})
    expect(listed.map((c) => c.path)).to.deep.equal([aside])
    expect(listed[0]?.size).to.equal(Buffer.byteLength(garbage))
  })

  it('a second set-aside in the same millisecond does not overwrite the first', async () => {
    await writeCorrupt('first')
    const a = await update(() => {}, {home: t.home, setAsideCorrupt: true})
    await writeCorrupt('second')
    const b = await update(() => {}, {home: t.home, setAsideCorrupt: true})
    expect(a.setAside!.to).to.not.equal(b.setAside!.to)
    expect(await readFile(a.setAside!.to, 'utf8')).to.equal('first')
    expect(await readFile(b.setAside!.to, 'utf8')).to.equal('second')
  })

  it('a file with wrong types is treated as invalid and set aside only on request', async () => {
    const text = JSON.stringify({sandboxes: {a: {name: 'a', policies: 'pypi'}}})
    await writeCorrupt(text)
    const r = await load({home: t.home})
    expect(r.problem?.kind).to.equal('invalid')
    expect(r.problem?.issues).to.deep.equal(['sandboxes.a.policies: expected an array of strings, got string'])
    await rejection(removeRecord('a', 'x', {home: t.home}))
    const w = await update(() => {}, {home: t.home, setAsideCorrupt: true})
    expect(await readFile(w.setAside!.to, 'utf8')).to.equal(text)
  })

  it('a file from a newer nemoclaw is never set aside', async () => {
    const file = await writeCorrupt(JSON.stringify({version: 2, sandboxes: {}}))
    const err = await rejection(update(() => {}, {home: t.home, setAsideCorrupt: true}))
    expect(err).to.be.instanceOf(RegistryCorruptError)
    expect(err.message).to.match(/newer nemoclaw/)
    expect(await readdir(t.home)).to.deep.equal(['sandboxes.json'])
    expect(JSON.parse(await readFile(file, 'utf8')).version).to.equal(2)
  })
})

describe('registry/store: pruned journal and restore', () => {
  const t = useTempHome()

  it('journals a removal before it happens and restores it, journaling the restore', async () => {
    await upsertRecord({name: 'keep', gateway: 'gw-a', model: 'm', policies: ['npm']}, {home: t.home})
    const original = await getRecord('keep', {home: t.home})
    const removed = await removeRecord('keep', 'NotFound on healthy gateway gw-a', {home: t.home, by: 'reconcile'})
    expect(removed.value).to.deep.equal(original)
    expect(await getRecord('keep', {home: t.home})).to.equal(null)

    const paths = registryPaths({home: t.home})
    expect((await stat(paths.journal)).mode & 0o777).to.equal(0o600)
    let j = await readJournal({home: t.home})
    expect(j.entries).to.have.length(1)
    expect(j.entries[0]).to.include({
      op: 'prune',
      name: 'keep',
      reason: 'NotFound on healthy gateway gw-a',
      by: 'reconcile',
      status: 'applied',
    })
    expect(j.entries[0]?.record).to.deep.equal(original)

    const r = await restore('keep', {home: t.home})
    expect(r.value.restored).to.equal(true)
    expect(await getRecord('keep', {home: t.home})).to.deep.equal(original)
    j = await readJournal({home: t.home})
    expect(j.entries.map((e) => e.op)).to.deep.equal(['prune', 'restore'])

    const again = await restore('keep', {home: t.home})
    expect(again.value).to.include({restored: false, reason: 'exists'})
    const none = await restore('never', {home: t.home})
    expect(none.value).to.include({restored: false, reason: 'not-in-journal'})
    expect(none.written).to.equal(false)
  })

  it('removing a missing record writes and journals nothing', async () => {
    const r = await removeRecord('ghost', 'x', {home: t.home})
    expect(r.value).to.equal(null)
    expect((await readJournal({home: t.home})).entries).to.deep.equal([])
  })

  it('any mutator that deletes records journals them', async () => {
    await upsertRecord({name: 'a', gateway: 'g'}, {home: t.home})
    await upsertRecord({name: 'b', gateway: 'g'}, {home: t.home})
    await update(
      (r) => {
        r.sandboxes = {}
      },
      {home: t.home, reason: 'bulk'},
    )
    const j = await readJournal({home: t.home})
    expect(j.entries.map((e) => `${e.op}:${e.name}:${e.reason}`)).to.deep.equal(['prune:a:bulk', 'prune:b:bulk'])
  })

  it('a removal whose write fails (lock lost mid-write) is marked aborted and the record stays', async () => {
    await upsertRecord({name: 'a', gateway: 'g'}, {home: t.home})
    const paths = registryPaths({home: t.home})
    const before = await readFile(paths.file, 'utf8')
    // The mutator deletes the lock directory behind the writer's back; the lock's refresh (every 1 s with a 2 s
    // stale time) notices during the slowed-down write, and the writer must abort before its rename.
    const err = await rejection(
      update(
        (r) => {
          delete r.sandboxes.a
          rmSync(paths.lock, {recursive: true})
        },
        {home: t.home, reason: 'x', lockStaleMs: 2000, env: {NEMOCLAW_TEST_WRITE_DELAY_MS: '1400'}},
      ),
    )
    expect(err).to.be.instanceOf(RegistryError)
    expect((err as RegistryError).code).to.equal('REGISTRY_LOCK_LOST')
    expect(await readFile(paths.file, 'utf8')).to.equal(before)
    expect((await readdir(paths.home)).filter((n) => n.includes('.tmp-'))).to.deep.equal([])
    const j = await readJournal({home: t.home})
    expect(j.entries.map((e) => `${e.op}:${e.name}:${e.status}`)).to.deep.equal(['prune:a:aborted'])
    const raw = (await readFile(paths.journal, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(raw.map((l) => l.op)).to.deep.equal(['prune', 'abort'])
  })

  it('a prune whose write never landed (crash, no abort line) reads as not-applied', async () => {
    await upsertRecord({name: 'a', gateway: 'g'}, {home: t.home})
    const rec = await getRecord('a', {home: t.home})
    const paths = registryPaths({home: t.home})
    await writeFile(
      paths.journal,
      JSON.stringify({id: 'x1', op: 'prune', name: 'a', record: rec, reason: 'r', at: 'now', by: 'test', pid: 1}) +
        '\nnot json\n',
    )
    const j = await readJournal({home: t.home})
    expect(j.entries.map((e) => e.status)).to.deep.equal(['not-applied'])
    expect(j.malformedLines).to.deep.equal([2])
  })
})

describe('registry/store: permissions', () => {
  const t = useTempHome()

  it('reports loose modes and fixes them', async () => {
    await upsertRecord({name: 'a', gateway: 'g'}, {home: t.home})
    await removeRecord('a', 'x', {home: t.home})
    await upsertRecord({name: 'b', gateway: 'g'}, {home: t.home})
    const paths = registryPaths({home: t.home})
    expect(await checkPermissions({home: t.home})).to.deep.equal([])

    await chmod(paths.home, 0o755)
    await chmod(paths.file, 0o644)
    await chmod(paths.journal, 0o666)
    const findings = await checkPermissions({home: t.home})
    expect(findings.map((f) => [f.path, f.mode, f.expected])).to.deep.equal([
      [paths.home, 0o755, 0o700],
      [paths.journal, 0o666, 0o600],
      [paths.file, 0o644, 0o600],
    ])
    expect(findings[0]?.message).to.equal(`Directory ${paths.home} has mode 0755; expected 0700.`)

    const fixed = await fixPermissions({home: t.home})
    expect(fixed).to.have.length(3)
    expect(await checkPermissions({home: t.home})).to.deep.equal([])
    expect((await stat(paths.file)).mode & 0o777).to.equal(0o600)
  })

  it('a rewrite tightens a loose registry file to 0600', async () => {
    await upsertRecord({name: 'a', gateway: 'g'}, {home: t.home})
    const paths = registryPaths({home: t.home})
    await chmod(paths.file, 0o644)
    await upsertRecord({name: 'b', gateway: 'g'}, {home: t.home})
    expect((await stat(paths.file)).mode & 0o777).to.equal(0o600)
  })

  it('a missing home has no findings', async () => {
    expect(await checkPermissions({home: t.home})).to.deep.equal([])
  })
})

describe('registry: describeWriteFailure', () => {
  const errno = (code: string) => Object.assign(new Error(`${code}: failed`), {code})

  it('names the cause of a failed write, through the registry errors that wrap it', () => {
    const cases: Array<[unknown, string]> = [
      [new RegistryLockTimeoutError('/h/sandboxes.json.lock', 1000), 'registry_locked'],
      [
        new RegistryError('Could not take the registry lock', 'REGISTRY_LOCK_FAILED', {cause: errno('EROFS')}),
        'read_only',
      ],
      [errno('ENOSPC'), 'disk_full'],
      [new RegistryWriteError('Could not write the registry', errno('EDQUOT')), 'disk_full'],
      [new RegistryWriteError('Could not write the registry', errno('EACCES')), 'permission_denied'],
      [new RegistryError('Lost the registry lock', 'REGISTRY_LOCK_LOST'), 'write_failed'],
      ['a string', 'write_failed'],
    ]
    for (const [error, cause] of cases) {
      const f = describeWriteFailure(error)
      expect(f.cause, String(error)).to.equal(cause)
      expect(f.words).to.be.a('string').and.not.equal('')
      expect(f.message).to.equal(error instanceof Error ? error.message : String(error))
    }
  })
})
