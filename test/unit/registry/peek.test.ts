import {expect} from 'chai'
import {mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {registeredNames} from '../../../src/lib/registry/peek.js'
import {recordNames} from '../../../src/lib/registry/schema.js'
import {useTempHome} from '../../support/registry-home.js'

describe('registry: the names argv routing reads', () => {
  const t = useTempHome()

  it('recordNames lists the sandboxes of valid, legacy, wrongly typed and newer files alike', () => {
    expect(recordNames(JSON.stringify({sandboxes: {a: {name: 'a'}, b: {}}, version: 1}))).to.deep.equal(['a', 'b'])
    expect(recordNames(JSON.stringify({defaultSandbox: 'a', sandboxes: {a: {gpuEnabled: true}}}))).to.deep.equal(['a'])
    expect(recordNames(JSON.stringify({sandboxes: {a: {policies: 'pypi'}}, version: 1}))).to.deep.equal(['a'])
    expect(recordNames(JSON.stringify({sandboxes: {a: {}}, version: 9}))).to.deep.equal(['a'])
  })

  it('recordNames lists nothing for text that is not JSON or has no sandboxes object', () => {
    for (const text of [
      '',
      '{not json',
      '[]',
      '"x"',
      JSON.stringify({version: 1}),
      JSON.stringify({sandboxes: ['a']}),
      JSON.stringify({sandboxes: null}),
    ]) {
      expect(recordNames(text), text).to.deep.equal([])
    }
  })

  it('registeredNames reads $NEMOCLAW_HOME/sandboxes.json (an explicit home wins), and nothing when it is missing', async () => {
    expect(registeredNames({env: {NEMOCLAW_HOME: t.home}}).size).to.equal(0)
    await mkdir(t.home, {recursive: true})
    await writeFile(join(t.home, 'sandboxes.json'), JSON.stringify({sandboxes: {alpha: {}}, version: 1}))
    expect([...registeredNames({env: {NEMOCLAW_HOME: t.home}})]).to.deep.equal(['alpha'])
    expect([...registeredNames({env: {NEMOCLAW_HOME: join(t.root, 'elsewhere')}, home: t.home})]).to.deep.equal([
      'alpha',
    ])
    expect([...registeredNames({env: {HOME: t.root}})]).to.deep.equal([])
  })
})
