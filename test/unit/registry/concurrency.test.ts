import {expect} from 'chai'
import {spawn, type ChildProcess} from 'node:child_process'
import {readdir, readFile, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {fileURLToPath} from 'node:url'

import {
  load,
  parseRegistry,
  registryPaths,
  RegistryLockTimeoutError,
  upsertRecord,
} from '../../../src/lib/registry/index.js'
import {buildRegistryWorker, type BuiltWorker} from '../../support/registry-build.js'
import {useTempHome} from '../../support/registry-home.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

// Workers are separate Node processes running the registry code transpiled to plain JS (see registry-build.ts);
// `node --import tsx test/support/registry-worker.ts` runs the same worker from source, only slower to start.
let built: BuiltWorker | undefined
before(async function () {
  this.timeout(30_000)
  built = await buildRegistryWorker()
})
after(async () => {
  await built?.cleanup()
})

function startWorker(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  if (!built) throw new Error('worker not built')
  return spawn(process.execPath, [built.worker, ...args], {
    cwd: ROOT,
    env: {...process.env, ...env},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

function finished(
  child: ChildProcess,
): Promise<{code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string}> {
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (d) => (stdout += d))
  child.stderr?.on('data', (d) => (stderr += d))
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({code, signal, stdout, stderr}))
  })
}

async function tempFiles(home: string): Promise<string[]> {
  return (await readdir(home)).filter((n) => n.startsWith('sandboxes.json.tmp-'))
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  )
}

describe('registry: concurrent writers in separate processes', function () {
  this.timeout(30_000)
  const t = useTempHome()

  it('12 processes each adding 5 records at once lose nothing and leave valid JSON', async () => {
    const WORKERS = 12
    const EACH = 5
    const barrier = join(t.root, 'go')
    const children = Array.from({length: WORKERS}, (_, w) =>
      startWorker(['add', t.home, `p${w}`, String(EACH), barrier]),
    )
    const runs = children.map(finished)
    // release all workers at once, after every one has started up, so their 60 writes really overlap
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve, reject) => {
            c.stdout?.on('data', (d) => String(d).includes('ready') && resolve())
            c.on('close', () => reject(new Error('worker exited before it was ready')))
          }),
      ),
    )
    await writeFile(barrier, '')
    const results = await Promise.all(runs)
    for (const r of results) expect(r.code, r.stderr).to.equal(0)

    const paths = registryPaths({home: t.home})
    const text = await readFile(paths.file, 'utf8')
    const parsed = parseRegistry(text)
    if (!parsed.ok) throw new Error(parsed.detail)
    const names = Object.keys(parsed.registry.sandboxes).sort()
    const expected = Array.from({length: WORKERS}, (_, w) => Array.from({length: EACH}, (_, i) => `p${w}-${i}`))
      .flat()
      .sort()
    expect(names).to.deep.equal(expected)
    expect(parsed.registry.sandboxes['p3-4']).to.include({model: 'model-4', gateway: 'nemoclaw'})
    expect(await tempFiles(t.home)).to.deep.equal([])
    expect(await exists(paths.lock), 'lock released').to.equal(false)
  })
})

describe('registry: a writer killed with SIGKILL mid-write', function () {
  this.timeout(30_000)
  const t = useTempHome()

  it('leaves the old file intact, blocks others only boundedly, and its stale lock is recovered', async () => {
    await upsertRecord({name: 'base', gateway: 'nemoclaw'}, {home: t.home})
    const paths = registryPaths({home: t.home})
    const oldText = await readFile(paths.file, 'utf8')

    const child = startWorker(['write', t.home, 'slow'], {
      NEMOCLAW_TEST_WRITE_DELAY_MS: '30000',
      NEMOCLAW_REGISTRY_LOCK_STALE_MS: '2000',
    })
    const done = finished(child)
    // wait until the worker holds the lock and has written half of its temp file
    const deadline = Date.now() + 15_000
    let half: string | undefined
    while (!half && Date.now() < deadline) {
      for (const name of await tempFiles(t.home)) {
        if ((await stat(join(t.home, name))).size > 0) half = name
      }
      if (!half) await sleep(50)
    }
    expect(half, 'worker started writing').to.be.a('string')
    const partial = await readFile(join(t.home, half!), 'utf8')
    expect(() => JSON.parse(partial), 'temp file is half written').to.throw()

    // while the holder is alive, a writer gives up after its bounded wait with a clear error
    const started = Date.now()
    let error: unknown
    try {
      await upsertRecord({name: 'blocked', gateway: 'nemoclaw'}, {home: t.home, lockTimeoutMs: 700, lockStaleMs: 2000})
    } catch (e) {
      error = e
    }
    expect(error).to.be.instanceOf(RegistryLockTimeoutError)
    expect((error as Error).message)
      .to.include(paths.lock)
      .and.match(/Timed out after 0\.\ds/)
    expect(Date.now() - started).to.be.lessThan(2000)

    child.kill('SIGKILL')
    const exit = await done
    expect(exit.signal).to.equal('SIGKILL')

    expect(await readFile(paths.file, 'utf8'), 'registry untouched by the killed writer').to.equal(oldText)
    expect(await exists(paths.lock), 'the dead writer left its lock behind').to.equal(true)

    const t0 = Date.now()
    const r = await upsertRecord(
      {name: 'after', gateway: 'nemoclaw'},
      {home: t.home, lockStaleMs: 2000, lockTimeoutMs: 8000},
    )
    const took = Date.now() - t0
    expect(r.written).to.equal(true)
    expect(took, `recovered the stale lock in ${took} ms`).to.be.lessThan(5000)
    const names = Object.keys((await load({home: t.home})).registry.sandboxes).sort()
    expect(names).to.deep.equal(['after', 'base'])
    expect(await tempFiles(t.home), 'orphan temp file cleaned up').to.deep.equal([])
    expect(await exists(paths.lock)).to.equal(false)
  })

  it('killed at random moments, the file is always the old or the new version, never torn', async () => {
    await upsertRecord({name: 'base', gateway: 'nemoclaw'}, {home: t.home})
    const paths = registryPaths({home: t.home})
    const delays = [0, 60, 400]
    for (const [i, killAfter] of delays.entries()) {
      const before = await readFile(paths.file, 'utf8')
      const child = startWorker(['write', t.home, `w${i}`], {
        NEMOCLAW_TEST_WRITE_DELAY_MS: '150',
        NEMOCLAW_REGISTRY_LOCK_STALE_MS: '2000',
      })
      const done = finished(child)
      // start-up takes ~100 ms and the write ~150 ms: the kill lands during or after the write
      await sleep(150 + killAfter)
      child.kill('SIGKILL')
      await done
      const after = await readFile(paths.file, 'utf8')
      const parsed = parseRegistry(after)
      expect(parsed.ok, `round ${i}: valid JSON`).to.equal(true)
      const names = parsed.ok ? Object.keys(parsed.registry.sandboxes) : []
      if (after !== before) expect(names, `round ${i}: new version`).to.include(`w${i}`)
      if (process.env.DEBUG_REGISTRY_TEST) console.log(`      round ${i}: ${after === before ? 'old' : 'new'}`)
      // the next writer always gets through (stale lock recovered if the kill left one)
      await upsertRecord({name: `n${i}`, gateway: 'nemoclaw'}, {home: t.home, lockStaleMs: 2000, lockTimeoutMs: 8000})
    }
    const final = (await load({home: t.home})).registry.sandboxes
    expect(Object.keys(final)).to.include.members(['base', 'n0', 'n1', 'n2'])
  })
})
