import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {requireWithCodeCache} from '../../../src/lib/cli/code-cache.js'

describe('cli/code-cache: the fast bundle through V8 code cache', () => {
  let dir: string
  let bundle: string
  let env: NodeJS.ProcessEnv
  const cacheFiles = () =>
    fs.existsSync(path.join(dir, 'cache', 'nemoclaw', 'code'))
      ? fs.readdirSync(path.join(dir, 'cache', 'nemoclaw', 'code'))
      : []
  const write = (answer: number) =>
    fs.writeFileSync(
      bundle,
      `const os = require('node:os'); exports.answer = () => ${answer}; exports.file = __filename; exports.eol = os.EOL\n`,
    )

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-code-cache-'))
    bundle = path.join(dir, 'fast.cjs')
    env = {HOME: dir, XDG_CACHE_HOME: path.join(dir, 'cache')}
    write(42)
  })
  afterEach(() => fs.rmSync(dir, {force: true, recursive: true}))

  it('the first run compiles and stores the code; the next uses it and writes nothing', () => {
    const first = requireWithCodeCache<{answer(): number; eol: string; file: string}>(bundle, env)
    expect(first.exports.answer()).to.equal(42)
    expect(first.exports.file).to.equal(bundle)
    expect(first.exports.eol).to.equal(os.EOL)
    expect(cacheFiles()).to.deep.equal([])
    first.save()
    const [name] = cacheFiles()
    expect(name).to.match(/^fast\.cjs-\d+-\d+-\d+-v\d+\.\d+\.\d+-\w+\.bin$/)
    const stored = fs.statSync(path.join(dir, 'cache', 'nemoclaw', 'code', name))

    const second = requireWithCodeCache<{answer(): number}>(bundle, env)
    expect(second.exports.answer()).to.equal(42)
    second.save()
    expect(cacheFiles()).to.deep.equal([name])
    expect(fs.statSync(path.join(dir, 'cache', 'nemoclaw', 'code', name)).mtimeMs).to.equal(stored.mtimeMs)
  })

  it('a rebuilt bundle of the same length never meets the old code; the old cache file goes', () => {
    const first = requireWithCodeCache(bundle, env)
    first.save()
    const [old] = cacheFiles()
    write(43) // same length, new mtime and content
    fs.utimesSync(bundle, new Date(), new Date(Date.now() + 5000))
    const rebuilt = requireWithCodeCache<{answer(): number}>(bundle, env)
    expect(rebuilt.exports.answer()).to.equal(43)
    rebuilt.save()
    expect(cacheFiles()).to.have.length(1)
    expect(cacheFiles()[0]).to.not.equal(old)
  })

  it('a cache V8 refuses is written afresh (in a fresh process: V8 reuses code compiled in this one); an unwritable cache directory changes nothing', () => {
    requireWithCodeCache(bundle, env).save()
    const file = path.join(dir, 'cache', 'nemoclaw', 'code', cacheFiles()[0])
    fs.writeFileSync(file, 'not a code cache')
    const probe = path.join(dir, 'probe.ts')
    fs.writeFileSync(
      probe,
      `import {requireWithCodeCache} from ${JSON.stringify(path.resolve('src/lib/cli/code-cache.ts'))}\nconst m = requireWithCodeCache<{answer(): number}>(${JSON.stringify(bundle)}, ${JSON.stringify(env)})\nm.save()\nconsole.log(m.exports.answer())\n`,
    )
    expect(execFileSync(process.execPath, ['--import', 'tsx', probe], {encoding: 'utf8'}).trim()).to.equal('42')
    expect(fs.readFileSync(file).length).to.be.greaterThan(100)

    fs.writeFileSync(path.join(dir, 'blocked'), '')
    const blocked = requireWithCodeCache<{answer(): number}>(bundle, {
      HOME: dir,
      XDG_CACHE_HOME: path.join(dir, 'blocked'),
    })
    expect(blocked.exports.answer()).to.equal(42)
    expect(() => blocked.save()).to.not.throw()
  })
})
