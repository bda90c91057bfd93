import {expect} from 'chai'

import {RESERVED_SANDBOX_NAMES, validateGatewayName, validateSandboxName} from '../../../src/lib/registry/names.js'

describe('registry/names: validateSandboxName', () => {
  const rejected = (name: unknown): string => {
    const r = validateSandboxName(name)
    expect(r.ok, `expected ${JSON.stringify(name)} to be rejected`).to.equal(false)
    return (r as {ok: false; reason: string}).reason
  }

  it('accepts lowercase RFC 1123 labels', () => {
    for (const name of ['a', 'my-assistant', 'box1', '0', 'a-b-c', '9lives']) {
      expect(validateSandboxName(name), name).to.deep.equal({ok: true})
    }
  })

  it('accepts exactly 19 characters and rejects 20 with the count in the message', () => {
    expect(validateSandboxName('a'.repeat(19))).to.deep.equal({ok: true})
    const reason = rejected('a'.repeat(20))
    expect(reason).to.include('20 characters').and.include('1–19')
  })

  it('rejects upper case with the rule spelled out', () => {
    expect(rejected('Foo')).to.equal(
      "Invalid sandbox name 'Foo': use 1–19 lowercase letters, digits or '-', starting and ending with a letter or digit.",
    )
  })

  it('rejects unicode, shell metacharacters, path traversal, spaces and empty input', () => {
    for (const name of ['café', 'bøx', 'a;rm -rf', 'a$(id)', 'a`b`', '../x', 'a/b', 'a b', 'a.b', 'a_b', 'x\n']) {
      expect(rejected(name), name).to.match(/^Invalid sandbox name '/)
    }
    expect(rejected('')).to.match(/required/)
    expect(rejected(undefined)).to.match(/required/)
  })

  it('escapes control characters in the message', () => {
    expect(rejected('a\nb')).to.include("'a\\nb'")
  })

  it('rejects leading and trailing hyphens', () => {
    expect(rejected('-box')).to.match(/starting and ending with a letter or digit/)
    expect(rejected('box-')).to.match(/starting and ending with a letter or digit/)
    expect(rejected('-')).to.match(/Invalid/)
  })

  it('rejects every nemoclaw command name, and accepts an extended list', () => {
    expect(RESERVED_SANDBOX_NAMES).to.include.members([
      'onboard',
      'connect',
      'status',
      'list',
      'logs',
      'destroy',
      'recover',
      'doctor',
      'help',
      'plugins',
      'autocomplete',
      'version',
      'commands',
    ])
    for (const name of RESERVED_SANDBOX_NAMES) {
      expect(rejected(name)).to.equal(`'${name}' is a nemoclaw command; choose another name.`)
    }
    const reserved = [...RESERVED_SANDBOX_NAMES, 'policy']
    expect(validateSandboxName('policy').ok).to.equal(true)
    expect(validateSandboxName('policy', {reserved}).ok).to.equal(false)
  })
})

describe('registry/names: validateGatewayName', () => {
  it('accepts ordinary gateway names', () => {
    for (const name of ['nemoclaw', 'openshell', 'My_Gateway-2', 'gw.local']) {
      expect(validateGatewayName(name), name).to.deep.equal({ok: true})
    }
  })

  it('rejects path components, flags and empties', () => {
    for (const name of ['', '.', '..', '../x', 'a/b', 'a\\b', '-g', 'a b', 'x'.repeat(64)]) {
      expect(validateGatewayName(name).ok, name).to.equal(false)
    }
  })
})
