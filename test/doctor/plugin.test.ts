// examples/plugin-hello installed the way users would: `nemoclaw plugins link --no-install` into temporary XDG
// directories (the real user's plugins are untouched), its command runs, its check shows up in `doctor --json`.
import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'

import {createSim, type Sim} from '../support/sim.js'
import {check, cli, doctorJson, privateHome, ROOT} from './helpers.js'

describe('doctor plugins: examples/plugin-hello', function () {
  this.timeout(120_000)
  let sim: Sim
  let env: NodeJS.ProcessEnv

  before(async () => {
    sim = await createSim({profile: 'modern'})
    privateHome(sim.env)
    const x = (d: string): string => {
      const p = path.join(sim.dir, d)
      fs.mkdirSync(p, {recursive: true})
      return p
    }

    env = {...sim.env, XDG_CACHE_HOME: x('xdg-cache'), XDG_DATA_HOME: x('xdg-data')}
    const r = await cli(['plugins', 'link', '--no-install', path.join(ROOT, 'examples', 'plugin-hello')], env, {
      spawn: true,
      timeoutMs: 90_000,
    })
    expect(r.code, r.stderr).to.equal(0)
  })

  after(() => sim.cleanup())

  it('was linked into the temporary data dir only', () => {
    const pjson = JSON.parse(fs.readFileSync(path.join(env.XDG_DATA_HOME!, 'nemoclaw', 'package.json'), 'utf8'))
    expect(pjson.oclif.plugins.map((p: {name: string}) => p.name)).to.include('nemoclaw-plugin-hello')
  })

  it('its command runs', async () => {
    const r = await cli(['hello', 'world'], env)
    expect(r.code, r.stderr).to.equal(0)
    expect(r.stdout).to.equal('hello, world\n')
  })

  it('its check appears in doctor --json and can be selected with --check', async () => {
    const {doc, r} = await doctorJson(env)
    expect(r.code, r.stderr).to.equal(0)
    expect(check(doc, 'hello')).to.include({status: 'pass', title: 'Hello plugin (plugin nemoclaw-plugin-hello)'})
    expect(check(doc, 'plugins').detail).to.contain('hello (nemoclaw-plugin-hello)')
    const only = await doctorJson(env, ['--check', 'hello'])
    expect(only.doc.checks.map((c) => c.id)).to.deep.equal(['hello'])
  })

  it('a failing plugin check makes doctor exit 1 with its fix in the summary', async () => {
    const r = await cli(['doctor'], {...env, HELLO_PLUGIN_FAIL: '1'})
    expect(r.code).to.equal(1)
    expect(r.stdout).to.contain('✖ hello: HELLO_PLUGIN_FAIL is set.').and.contain('fix: unset HELLO_PLUGIN_FAIL')
  })

  it('without the plugin, no hello check', async () => {
    const {doc} = await doctorJson(sim.env)
    expect(doc.checks.map((c) => c.id)).to.not.include('hello')
  })
})
