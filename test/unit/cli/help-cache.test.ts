// The key of the --help copy: everything oclif's help output depends on, and only help questions.
import {expect} from 'chai'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {asksForHelp, helpCacheFile, readHelp, writeHelp} from '../../../src/lib/cli/help-cache.js'

describe('help cache: what a copy is keyed on', () => {
  let root: string
  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    HOME: path.join(root, 'home'),
    XDG_DATA_HOME: path.join(root, 'data'),
    ...extra,
  })
  const file = (argv: string[], extra: NodeJS.ProcessEnv = {}, stdout: {isTTY?: boolean; columns?: number} = {}) =>
    helpCacheFile({argv, env: env(extra), root, stdout})?.file

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nemoclaw-helpcache-'))
    fs.writeFileSync(
      path.join(root, 'package.json'),
      JSON.stringify({name: 'nemoclaw', oclif: {bin: 'nemoclaw', dirname: 'nemoclaw', plugins: []}, version: '1.0.0'}),
    )
    fs.writeFileSync(path.join(root, 'oclif.manifest.json'), '{"commands": {}}')
  })
  afterEach(() => fs.rmSync(root, {force: true, recursive: true}))

  it('only --help before any -- is a help question', () => {
    expect(asksForHelp(['status', '--help'])).to.equal(true)
    expect(asksForHelp(['--help'])).to.equal(true)
    expect(asksForHelp(['status'])).to.equal(false)
    expect(asksForHelp(['help', 'status'])).to.equal(false)
    expect(asksForHelp(['connect', 'x', '--', '--help'])).to.equal(false)
    expect(file(['status'])).to.equal(undefined)
  })

  it('the argv, the terminal, the colour environment and the installed manifest each change the key', () => {
    const base = file(['status', '--help'])!
    expect(base).to.match(/\.cache\/nemoclaw\/help\/[0-9a-f]{16}\.txt$/)
    expect(file(['status', '--help'])).to.equal(base)
    expect(file(['list', '--help'])).to.not.equal(base)
    expect(file(['status', '--help'], {}, {columns: 120, isTTY: true})).to.not.equal(base)
    expect(file(['status', '--help'], {}, {columns: 100, isTTY: true})).to.not.equal(
      file(['status', '--help'], {}, {columns: 120, isTTY: true}),
    )
    expect(file(['status', '--help'], {NO_COLOR: '1'})).to.not.equal(base)
    expect(file(['status', '--help'], {OCLIF_COLUMNS: '60'})).to.not.equal(base)
    expect(file(['status', '--help'], {UNRELATED: 'x'})).to.equal(base)
    fs.writeFileSync(path.join(root, 'oclif.manifest.json'), '{"commands": {"status": {}}}')
    expect(file(['status', '--help'])).to.not.equal(base)
  })

  it('a copy is used only for exactly its key, even when another key shares its file name', () => {
    const copy = helpCacheFile({argv: ['status', '--help'], env: env(), root, stdout: {}})!
    expect(readHelp(copy)).to.equal(undefined)
    writeHelp(copy, 'USAGE\n  $ nemoclaw status\n')
    expect(readHelp(copy)).to.equal('USAGE\n  $ nemoclaw status\n')
    expect(readHelp({...copy, key: copy.key.replace('status', 'list')})).to.equal(undefined)
  })

  it('no copy at all when user plugins are installed', () => {
    fs.mkdirSync(path.join(root, 'data', 'nemoclaw'), {recursive: true})
    fs.writeFileSync(path.join(root, 'data', 'nemoclaw', 'package.json'), '{}')
    expect(file(['status', '--help'])).to.equal(undefined)
  })
})
