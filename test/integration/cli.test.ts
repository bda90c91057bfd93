import {expect} from 'chai'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {ROOT, runCli} from '../support/cli.js'

const COMMANDS = ['connect', 'destroy', 'list', 'logs', 'onboard', 'recover', 'status']

describe('the CLI skeleton (built)', () => {
  let dir: string
  let sim: {env: NodeJS.ProcessEnv}
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nemoclaw-cli-'))
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOME: dir,
      NEMOCLAW_HOME: path.join(dir, 'nc'),
      XDG_CACHE_HOME: path.join(dir, 'cache'),
      XDG_CONFIG_HOME: path.join(dir, 'config'),
      XDG_DATA_HOME: path.join(dir, 'data'),
    }
    // No openshell reachable: the skeleton must not need it.
    env.PATH = path.dirname(process.execPath)
    env.NEMOCLAW_OPENSHELL_BIN = path.join(dir, 'no-such-openshell')
    sim = {env}
  })
  after(() => fs.rmSync(dir, {force: true, recursive: true}))

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
    const r = await runCli(sim, ['--version'])
    expect(r.exitCode).to.equal(0)
    expect(r.stdout).to.match(new RegExp(`^nemoclaw/${pkg.version.replaceAll('.', '\\.')} `))
  })

  it('--help lists every command with its summary', async () => {
    const r = await runCli(sim, ['--help'])
    expect(r.exitCode).to.equal(0)
    for (const c of COMMANDS) expect(r.stdout).to.match(new RegExp(`^\\s+${c}\\s+\\S`, 'm'))
  })

  it('every command has a description and examples in `help <cmd>`, without calling openshell', async () => {
    const results = await Promise.all(COMMANDS.map((c) => runCli(sim, ['help', c])))
    for (const [i, r] of results.entries()) {
      expect(r.exitCode, `${COMMANDS[i]}: ${r.stderr}`).to.equal(0)
      expect(r.stdout, COMMANDS[i]).to.include('DESCRIPTION')
      expect(r.stdout, COMMANDS[i]).to.include('EXAMPLES')
      expect(r.stdout, COMMANDS[i]).to.include(`$ nemoclaw ${COMMANDS[i]}`)
      expect(r.stderr, COMMANDS[i]).to.not.match(/openshell/i)
    }
  })

  for (const shell of ['bash', 'zsh']) {
    it(`autocomplete ${shell} prints setup instructions and a script that knows the commands`, async () => {
      const setup = await runCli(sim, ['autocomplete', shell])
      expect(setup.exitCode, setup.stderr).to.equal(0)
      expect(setup.stdout).to.include(`nemoclaw autocomplete script ${shell}`)
      const script = await runCli(sim, ['autocomplete', 'script', shell])
      expect(script.exitCode).to.equal(0)
      const cacheDir = path.join(dir, 'cache', 'nemoclaw', 'autocomplete')
      const files = fs.readdirSync(cacheDir, {recursive: true}).map(String)
      const text = files
        .filter((f) => fs.statSync(path.join(cacheDir, f)).isFile())
        .map((f) => fs.readFileSync(path.join(cacheDir, f), 'utf8'))
        .join('\n')
      for (const c of COMMANDS) expect(text, c).to.include(c)
    })
  }

  it('status without openshell says openshell_missing with exit 10', async () => {
    const r = await runCli(sim, ['status', '--json'])
    expect(r.exitCode).to.equal(10)
    expect(r.json.state).to.equal('openshell_missing')
  })
})
