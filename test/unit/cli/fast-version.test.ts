import {expect} from 'chai'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {fastVersion} from '../../../src/lib/cli/fast-version.js'

describe('fastVersion: --version without oclif, only when oclif would print the same', () => {
  let root: string
  let data: string
  const plugins = ['@oclif/plugin-help', 'plugin-x']

  function writeJson(file: string, value: unknown): void {
    fs.mkdirSync(path.dirname(file), {recursive: true})
    fs.writeFileSync(file, JSON.stringify(value))
  }

  function pjson(oclif: Record<string, unknown> = {}): void {
    writeJson(path.join(root, 'package.json'), {
      name: 'nemoclaw',
      oclif: {bin: 'nemoclaw', dirname: 'nemoclaw', plugins, ...oclif},
      version: '1.2.3',
    })
  }

  const run = (argv: string[], extra: Partial<Parameters<typeof fastVersion>[0]> = {}) =>
    fastVersion({
      arch: 'x64',
      argv,
      env: {HOME: root, XDG_DATA_HOME: data},
      nodeVersion: 'v20.0.0',
      platform: 'linux',
      release: '6.1.0-generic',
      root,
      ...extra,
    })

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nemoclaw-fastversion-'))
    data = path.join(root, 'xdg-data')
    pjson()
    for (const p of plugins)
      writeJson(path.join(root, 'node_modules', p, 'package.json'), {
        name: p,
        oclif: {hooks: {command_not_found: './x'}},
        version: '1.0.0',
      })
  })
  afterEach(() => fs.rmSync(root, {force: true, recursive: true}))

  it("prints oclif's user agent for --version as the first argument only", () => {
    expect(run(['--version'])).to.equal('nemoclaw/1.2.3 linux-x64 node-v20.0.0')
    expect(run(['--version', 'extra'])).to.equal('nemoclaw/1.2.3 linux-x64 node-v20.0.0')
    expect(run(['-v'])).to.equal(undefined)
    expect(run(['status', '--version'])).to.equal(undefined)
    expect(run([])).to.equal(undefined)
    expect(run(['--version'], {arch: 'ia32', platform: 'darwin'})).to.equal('nemoclaw/1.2.3 darwin-x86 node-v20.0.0')
  })

  it('honours oclif.additionalVersionFlags', () => {
    pjson({additionalVersionFlags: ['-v']})
    expect(run(['-v'])).to.equal('nemoclaw/1.2.3 linux-x64 node-v20.0.0')
  })

  it('defers to oclif when an init hook could run first (nemoclaw or a core plugin)', () => {
    pjson({hooks: {init: './dist/hooks/init'}})
    expect(run(['--version'])).to.equal(undefined)
    pjson()
    writeJson(path.join(root, 'node_modules', 'plugin-x', 'package.json'), {
      name: 'plugin-x',
      oclif: {hooks: {init: ['./lib/init']}},
      version: '1.0.0',
    })
    expect(run(['--version'])).to.equal(undefined)
  })

  it('defers to oclif when a core plugin cannot be read', () => {
    fs.rmSync(path.join(root, 'node_modules', 'plugin-x'), {force: true, recursive: true})
    expect(run(['--version'])).to.equal(undefined)
  })

  it('defers to oclif when user plugins are installed (XDG data dir or NEMOCLAW_DATA_DIR)', () => {
    expect(run(['--version'])).to.be.a('string')
    writeJson(path.join(data, 'nemoclaw', 'package.json'), {oclif: {plugins: [{name: 'p', type: 'user'}]}})
    expect(run(['--version'])).to.equal(undefined)
    const other = path.join(root, 'other-data')
    expect(run(['--version'], {env: {HOME: root, NEMOCLAW_DATA_DIR: other, XDG_DATA_HOME: data}})).to.be.a('string')
    writeJson(path.join(other, 'package.json'), {})
    expect(run(['--version'], {env: {HOME: root, NEMOCLAW_DATA_DIR: other, XDG_DATA_HOME: data}})).to.equal(undefined)
  })

  it('defers to oclif on Windows, WSL, with DEBUG set, or without a readable package.json', () => {
    expect(run(['--version'], {platform: 'win32'})).to.equal(undefined)
    expect(run(['--version'], {release: '5.15.90.1-microsoft-standard-WSL2'})).to.equal(undefined)
    expect(run(['--version'], {env: {DEBUG: '*', HOME: root, XDG_DATA_HOME: data}})).to.equal(undefined)
    fs.writeFileSync(path.join(root, 'package.json'), '{not json')
    expect(run(['--version'])).to.equal(undefined)
  })
})
