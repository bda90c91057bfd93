import {expect} from 'chai'
import os from 'node:os'
import path from 'node:path'

import {cacheDir, homeDir, xdgDir} from '../../src/lib/dirs.js'

describe('dirs: home and XDG base directories', () => {
  it('takes $HOME when set and not empty, else the OS answer', () => {
    expect(homeDir({HOME: '/h/u'})).to.equal('/h/u')
    expect(homeDir({HOME: ''})).to.equal(os.homedir())
    expect(homeDir({})).to.equal(os.homedir())
  })

  it('takes $XDG_<KIND>_HOME when set, else the default under the home directory', () => {
    const env = {HOME: '/h/u'}
    expect((['cache', 'config', 'data', 'state'] as const).map((k) => xdgDir(k, env))).to.deep.equal([
      '/h/u/.cache',
      '/h/u/.config',
      '/h/u/.local/share',
      '/h/u/.local/state',
    ])
    expect(xdgDir('config', {...env, XDG_CONFIG_HOME: '/x/conf'})).to.equal('/x/conf')
    expect(xdgDir('config', {...env, XDG_CONFIG_HOME: ''})).to.equal('/h/u/.config')
    expect(xdgDir('data', {XDG_DATA_HOME: ''}, {home: '/tmp/t'})).to.equal(path.join('/tmp/t', '.local', 'share'))
  })

  it('ignores a relative $XDG_*_HOME only when asked (the XDG spec rule OpenShell follows)', () => {
    const env = {HOME: '/h/u', XDG_CONFIG_HOME: 'rel/conf'}
    expect(xdgDir('config', env)).to.equal('rel/conf')
    expect(xdgDir('config', env, {absoluteOnly: true})).to.equal('/h/u/.config')
  })

  it("puts nemoclaw's cache under the XDG cache directory", () => {
    expect(cacheDir({HOME: '/h/u'})).to.equal('/h/u/.cache/nemoclaw')
    expect(cacheDir({HOME: '/h/u', XDG_CACHE_HOME: '/c'})).to.equal('/c/nemoclaw')
  })
})
