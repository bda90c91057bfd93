// The fast path's route: which argv shapes run without oclif, and when oclif must run instead. The shapes must be a
// subset of what the built commands accept (checked against oclif.manifest.json, the commands' own declaration).
import {expect} from 'chai'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {fastRoute, routeOf} from '../../../src/lib/cli/fast.js'
import {fastVersion} from '../../../src/lib/cli/fast-version.js'
import {ROOT} from '../../support/cli.js'

describe('fast path: routeOf', () => {
  it('takes status [NAME] and list, each with an optional --json', () => {
    expect(routeOf(['status'])).to.deep.equal({command: 'status', json: false})
    expect(routeOf(['status', '--json'])).to.deep.equal({command: 'status', json: true})
    expect(routeOf(['status', 'alpha'])).to.deep.equal({command: 'status', json: false, name: 'alpha'})
    expect(routeOf(['status', '--json', 'alpha'])).to.deep.equal({command: 'status', json: true, name: 'alpha'})
    expect(routeOf(['status', 'BAD_NAME'])).to.deep.equal({command: 'status', json: false, name: 'BAD_NAME'})
    expect(routeOf(['list'])).to.deep.equal({command: 'list', json: false})
    expect(routeOf(['list', '--json'])).to.deep.equal({command: 'list', json: true})
  })

  it('leaves everything else to oclif', () => {
    for (const argv of [
      [],
      ['status', '--help'],
      ['status', '-h'],
      ['status', 'a', 'b'],
      ['status', '--json', '--json'],
      ['status', '--json=true'],
      ['status', '--'],
      ['status', ''],
      ['status', '-x'],
      ['list', 'alpha'],
      ['list', '--pruned'],
      ['connect', 'alpha'],
      ['help', 'status'],
      ['alpha', 'status'],
    ]) {
      expect(routeOf(argv), argv.join(' ')).to.equal(undefined)
    }
  })

  it('accepts only flags and arguments the built commands declare (oclif.manifest.json)', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'oclif.manifest.json'), 'utf8'))
    for (const id of ['status', 'list']) {
      const cmd = manifest.commands[id]
      expect(cmd.flags.json, id).to.include({type: 'boolean'})
      expect(cmd.flags.json.char, id).to.equal(undefined)
    }

    expect(Object.keys(manifest.commands.status.args)).to.deep.equal(['name'])
    expect(Object.keys(manifest.commands.list.args ?? {})).to.deep.equal([])
  })
})

describe('fast path: fastRoute conditions', () => {
  let root: string
  let home: string

  function writeJson(file: string, value: unknown): void {
    fs.mkdirSync(path.dirname(file), {recursive: true})
    fs.writeFileSync(file, JSON.stringify(value))
  }

  const pjson = (hooks: Record<string, string>, pluginHooks: Record<string, string> = {command_not_found: './x'}) => {
    writeJson(path.join(root, 'package.json'), {
      name: 'nemoclaw',
      oclif: {bin: 'nemoclaw', dirname: 'nemoclaw', hooks, plugins: ['plugin-x']},
      version: '1.2.3',
    })
    writeJson(path.join(root, 'node_modules', 'plugin-x', 'package.json'), {
      name: 'plugin-x',
      oclif: {hooks: pluginHooks},
      version: '1.0.0',
    })
  }

  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    HOME: home,
    NEMOCLAW_HOME: path.join(home, 'nc'),
    XDG_DATA_HOME: path.join(home, 'data'),
    ...extra,
  })

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nemoclaw-fast-'))
    home = path.join(root, 'home')
    pjson({prerun: './dist/hooks/prerun/reconcile'})
  })
  afterEach(() => fs.rmSync(root, {force: true, recursive: true}))

  it("routes with nemoclaw's own prerun hook (it replays it) and `NAME status` of a registered sandbox", () => {
    expect(fastRoute({argv: ['status'], env: env(), root})).to.deep.equal({command: 'status', json: false})
    writeJson(path.join(home, 'nc', 'sandboxes.json'), {sandboxes: {alpha: {}}, version: 1})
    expect(fastRoute({argv: ['alpha', 'status', '--json'], env: env(), root})).to.deep.equal({
      command: 'status',
      json: true,
      name: 'alpha',
    })
    expect(fastRoute({argv: ['beta', 'status'], env: env(), root})).to.equal(undefined)
  })

  it('defers to oclif for NEMOCLAW_FAST_PATH=0, DEBUG, user plugins, or any other hook that fires on a run', () => {
    expect(fastRoute({argv: ['status'], env: env({NEMOCLAW_FAST_PATH: '0'}), root})).to.equal(undefined)
    expect(fastRoute({argv: ['status'], env: env({DEBUG: '*'}), root})).to.equal(undefined)
    writeJson(path.join(home, 'data', 'nemoclaw', 'package.json'), {dependencies: {'some-plugin': '1.0.0'}})
    expect(fastRoute({argv: ['status'], env: env(), root})).to.equal(undefined)
    fs.rmSync(path.join(home, 'data'), {force: true, recursive: true})
    for (const [own, plugin] of [
      [{postrun: './x', prerun: './p'}, {}],
      [{prerun: './p'}, {prerun: './y'}],
      [{prerun: './p'}, {init: './y'}],
      [{prerun: './p'}, {preparse: './y'}],
    ] as const) {
      pjson(own, plugin)
      expect(fastRoute({argv: ['status'], env: env(), root}), JSON.stringify([own, plugin])).to.equal(undefined)
    }

    pjson({prerun: './p'}, {'plugins:postinstall': './y', update: './z'})
    expect(fastRoute({argv: ['list'], env: env(), root})).to.deep.equal({command: 'list', json: false})
  })

  it("the fast --version is not held back by nemoclaw's prerun hook (--version runs only init hooks)", () => {
    expect(
      fastVersion({
        arch: 'x64',
        argv: ['--version'],
        env: env(),
        nodeVersion: 'v20.0.0',
        platform: 'linux',
        release: '6.1.0',
        root,
      }),
    ).to.equal('nemoclaw/1.2.3 linux-x64 node-v20.0.0')
  })
})
