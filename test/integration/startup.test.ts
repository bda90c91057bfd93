import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {assertBuilt, BIN, ROOT} from '../support/cli.js'

describe('start-up: the fast --version path answers exactly like oclif', () => {
  let home: string
  before(() => {
    assertBuilt()
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'nemoclaw-startup-'))
  })
  after(() => fs.rmSync(home, {force: true, recursive: true}))

  const env = () => ({
    ...process.env,
    DEBUG: '',
    HOME: home,
    NEMOCLAW_HOME: path.join(home, 'nc'),
    XDG_DATA_HOME: path.join(home, 'data'),
  })

  it('prints the same line as oclif itself, without loading @oclif/core', () => {
    const viaOclif = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const {execute} = await import('@oclif/core'); await execute({args: ['--version'], dir: ${JSON.stringify(ROOT)}})`,
      ],
      {cwd: ROOT, encoding: 'utf8', env: env()},
    )
    expect(viaOclif.status, viaOclif.stderr).to.equal(0)
    // a preload records every CommonJS module loaded (@oclif/core is CommonJS)
    const probe = path.join(home, 'loaded.txt')
    const preload = path.join(home, 'probe.cjs')
    fs.writeFileSync(
      preload,
      `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(probe)}, Object.keys(require.cache).join('\\n')))`,
    )
    const fast = spawnSync(process.execPath, ['--require', preload, BIN, '--version'], {encoding: 'utf8', env: env()})
    expect(fast.status, fast.stderr).to.equal(0)
    expect(fast.stdout).to.equal(viaOclif.stdout)
    expect(fast.stdout).to.match(/^nemoclaw\/\d+\.\d+\.\d+ \S+-\S+ node-v\d+/)
    expect(fs.readFileSync(probe, 'utf8')).to.not.include('@oclif')
  })

  it('still routes everything else through oclif (help lists the sandbox commands)', () => {
    const help = spawnSync(process.execPath, [BIN, '--help'], {encoding: 'utf8', env: env()})
    expect(help.status, help.stderr).to.equal(0)
    expect(help.stdout).to.include('status').and.to.include('recover')
  })
})
