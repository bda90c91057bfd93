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
    expect(joined.split('\n').filter((l) => l.includes('verification failed'))).to.have.length(2)
  })

  it('joins a hyphen-split word without a space', () => {
    const text = 'Error:   × no route named sandbox-\n  │ system configured\n'
    expect(normalise(text)).to.include('sandbox-system configured')
  })

  it('keeps miette hint lines (`  │ Set one with: …`) as lines of their own, joins only real wraps (0.0.111)', () => {
    const hints =
      'Error:   × No active gateway.\n  │ Set one with: openshell gateway select <name>\n  │ Or register one with: openshell gateway add <endpoint>\n\n'
    expect(normalise(hints).split('\n').slice(0, 3)).to.deep.equal([
      'Error:   × No active gateway.',
      '  │ Set one with: openshell gateway select <name>',
      '  │ Or register one with: openshell gateway add <endpoint>',
    ])
    expect(errorLines(hints)).to.deep.equal(['No active gateway.'])
    // a hint line that is itself wrapped (it overflows 80 columns) is joined, the short ones are not
    const wrapped =
      "Error:   × mTLS certificates for gateway 'g' were not found.\n  │ Expected them under the default gateway config directory.\n  │ Start the gateway package first so it provisions client TLS material, then\n  │ retry: openshell gateway add https://127.0.0.1:17670 --local\n"
    expect(normalise(wrapped).split('\n').slice(0, 3)).to.deep.equal([
      "Error:   × mTLS certificates for gateway 'g' were not found.",
      '  │ Expected them under the default gateway config directory.',
      '  │ Start the gateway package first so it provisions client TLS material, then retry: openshell gateway add https://127.0.0.1:17670 --local',
    ])
  })

  it("the `Error: ` prefix is outside miette's 78 columns: an 80-column top line followed by a short-worded hint is not a wrap (73 + 1 + 2 ≤ 78)", () => {
    const top = `Error:   × code: 'Some requested entity was not found', message: "box not found"`
    expect([...top].length).to.equal(80)
    const t = `${top}\n  │ Or list available gateways: openshell gateway select\n`
    expect(errorLines(t)).to.deep.equal([`code: 'Some requested entity was not found', message: "box not found"`])
    // one word more than fits in 78 columns: that one is a wrap
    const wrapped = `${top}\n  │ metadata: {}\n`
    expect(errorLines(wrapped)).to.deep.equal([
      `code: 'Some requested entity was not found', message: "box not found" metadata: {}`,
    ])
    // 76 columns + ` OK` = 79 > 78: miette could not have put `OK` there, so the line below is a wrap (at 80 it would not be)
    const full = `Error:   × ${'x'.repeat(72)}\n  │ OK then\n`
    expect(errorLines(full)).to.deep.equal([`${'x'.repeat(72)} OK then`])
  })

  it('joins a path wrapped inside a word without inserting a space', () => {
    const text =
      'Error:   × failed to read TLS CA from /tmp/openshell-conf-0.0.111-AbCdEf/home2-\n  │ XyZ123/.config/openshell/gateways/g/mtls/ca.crt\n  ╰─▶ No such file or directory (os error 2)\n'
    expect(errorLines(text)[0]).to.equal(
      'failed to read TLS CA from /tmp/openshell-conf-0.0.111-AbCdEf/home2-XyZ123/.config/openshell/gateways/g/mtls/ca.crt',
    )
    const full = `Error:   × failed to read TLS CA from /root/.config/openshell/gateways/assistan/mtls/\n  │ ca.crt\n`
    expect([...full.split('\n')[0]].length).to.equal(85) // 78 + `Error: `: a full line
    expect(errorLines(full)[0]).to.equal(
      'failed to read TLS CA from /root/.config/openshell/gateways/assistan/mtls/ca.crt',
    )
  })

  it('leaves tables and YAML untouched', () => {
    expect(joinWrapped(S.SANDBOX_LIST_MODERN)).to.equal(S.SANDBOX_LIST_MODERN)
    const yaml = 'Policy:\n  a: 1\n      b: 2\n'
    expect(joinWrapped(yaml)).to.equal(yaml)
  })

  it('extracts error lines without glyphs, de-duplicated', () => {
    expect(errorLines(S.ERR_REFUSED_GRPC)).to.deep.equal([
      'transport error',
      'tcp connect error',
      'Connection refused (os error 111)',
    ])
    expect(errorLines(S.ERR_UNKNOWN_ISSUER)).to.deep.equal([
      'transport error',
      'invalid peer certificate: UnknownIssuer',
    ])
    expect(errorLines(S.ERR_REFUSED_GRPC_ANSI)).to.deep.equal([
      'transport error',
      'tcp connect error',
      'Connection refused (os error 61)',
    ])
  })

  it('falls back to plain non-empty lines when there is no miette report', () => {
    expect(errorLines('! Failed to delete sandbox a: boom\nfailed to delete 1 sandbox: a\n')).to.deep.equal([
      'Failed to delete sandbox a: boom',
      'failed to delete 1 sandbox: a',
    ])
  })

  it('collapses whitespace', () => {
    expect(collapse('  a \n\t b  ')).to.equal('a b')
  })
})
