import {expect} from 'chai'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {rewriteArgv} from '../../../src/lib/cli/argv.js'

describe('NemoClaw-style argv (`nemoclaw <sandbox> <action>`)', () => {
  let home: string
  let env: NodeJS.ProcessEnv
  before(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'nemoclaw-argv-'))
    fs.writeFileSync(
      path.join(home, 'sandboxes.json'),
      JSON.stringify({defaultSandbox: 'alpha', sandboxes: {alpha: {name: 'alpha'}}, version: 1}),
    )
    env = {NEMOCLAW_HOME: home}
  })
  after(() => fs.rmSync(home, {force: true, recursive: true}))

  it('moves the action first for a registered sandbox, keeping the rest', () => {
    expect(rewriteArgv(['alpha', 'connect', '--probe-only'], env)).to.deep.equal(['connect', 'alpha', '--probe-only'])
    expect(rewriteArgv(['alpha', 'logs', '-n', '5'], env)).to.deep.equal(['logs', 'alpha', '-n', '5'])
  })

  it('leaves unregistered names, unknown actions, flags and normal commands alone', () => {
    expect(rewriteArgv(['beta', 'connect'], env)).to.deep.equal(['beta', 'connect'])
    expect(rewriteArgv(['alpha', 'onboard'], env)).to.deep.equal(['alpha', 'onboard'])
    expect(rewriteArgv(['status', 'alpha'], env)).to.deep.equal(['status', 'alpha'])
    expect(rewriteArgv(['--json', 'status'], env)).to.deep.equal(['--json', 'status'])
    expect(rewriteArgv(['alpha'], env)).to.deep.equal(['alpha'])
  })

  it('does not rewrite when the registry is unreadable', () => {
    const bad = fs.mkdtempSync(path.join(os.tmpdir(), 'nemoclaw-argv-bad-'))
    fs.writeFileSync(path.join(bad, 'sandboxes.json'), '{not json')
    expect(rewriteArgv(['alpha', 'status'], {NEMOCLAW_HOME: bad})).to.deep.equal(['alpha', 'status'])
    fs.rmSync(bad, {force: true, recursive: true})
  })
})
