import {expect} from 'chai'
import {collapse, errorLines, joinWrapped, normalise, stripAnsi} from '../../../src/lib/openshell/text.js'
import * as S from './samples.js'

describe('openshell/text', () => {
  it('strips ANSI codes and CRLF', () => {
    expect(stripAnsi(`${S.dim('Status:')} Connected\r\n`)).to.equal('Status: Connected\n')
  })

  it('joins `│` continuation lines onto the previous line', () => {
    const joined = normalise(S.ERR_NOT_FOUND_WRAPPED)
    expect(joined.split('\n')[0]).to.match(/message: "sandbox not found"$/)
    expect(joined).to.not.include('│')
  })

  it('joins the six-space continuation of a last cause', () => {
    const joined = normalise(S.ERR_SUPERVISOR)
    expect(joined).to.include('"supervisor session not connected"')
  })

  it('joins a coloured continuation line (0.0.x colours glyphs)', () => {
    const joined = normalise(S.ERR_HANDSHAKE_LEGACY)
    expect(joined).to.include('handshake verification failed')
    expect(joined.split('\n').filter(l => l.includes('verification failed'))).to.have.length(2)
  })

  it('joins a hyphen-split word without a space', () => {
    const text = 'Error:   × no route named sandbox-\n  │ system configured\n'
    expect(normalise(text)).to.include('sandbox-system configured')
  })

  it('leaves tables and YAML untouched', () => {
    expect(joinWrapped(S.SANDBOX_LIST_MODERN)).to.equal(S.SANDBOX_LIST_MODERN)
    const yaml = 'Policy:\n  a: 1\n      b: 2\n'
    expect(joinWrapped(yaml)).to.equal(yaml)
  })

  it('extracts error lines without glyphs, de-duplicated', () => {
    expect(errorLines(S.ERR_REFUSED_GRPC)).to.deep.equal(['transport error', 'tcp connect error', 'Connection refused (os error 111)'])
    expect(errorLines(S.ERR_UNKNOWN_ISSUER)).to.deep.equal(['transport error', 'invalid peer certificate: UnknownIssuer'])
    expect(errorLines(S.ERR_REFUSED_GRPC_ANSI)).to.deep.equal(['transport error', 'tcp connect error', 'Connection refused (os error 61)'])
  })

  it('falls back to plain non-empty lines when there is no miette report', () => {
    expect(errorLines("! Failed to delete sandbox a: boom\nfailed to delete 1 sandbox: a\n")).to.deep.equal([
      'Failed to delete sandbox a: boom',
      'failed to delete 1 sandbox: a',
    ])
  })

  it('collapses whitespace', () => {
    expect(collapse('  a \n\t b  ')).to.equal('a b')
  })
})
