import {expect} from 'chai'

import {minimumOf} from '../../src/lib/doctor/checks/runtime.js'
import {renderSummary} from '../../src/lib/doctor/runner.js'
import type {CheckReport} from '../../src/lib/doctor/types.js'
import {statusOfClass, worstStatus} from '../../src/lib/doctor/format.js'
import {parseProviderList} from '../../src/lib/openshell/parsers.js'

describe('doctor: small pure pieces', () => {
  it('reads the minimum Node version from engines', () => {
    expect(minimumOf('>=20.19')).to.equal('20.19.0')
    expect(minimumOf('^20')).to.equal(undefined)
  })

  it('maps lifecycle classes to check statuses and picks the worst', () => {
    expect(statusOfClass('ok')).to.equal('pass')
    expect(statusOfClass('gateway_other_active')).to.equal('warn')
    expect(statusOfClass('probe_timeout')).to.equal('fail')
    expect(worstStatus(['pass', 'skip', 'warn'])).to.equal('warn')
    expect(worstStatus([])).to.equal('pass')
  })

  it('provider list keeps the credential key names when printed', () => {
    expect(parseProviderList('NAME    TYPE    CREDENTIALS\nnvidia  nvidia  NVIDIA_API_KEY\n')).to.deep.equal([
      {credentialKeys: ['NVIDIA_API_KEY'], name: 'nvidia', type: 'nvidia'},
    ])
    expect(parseProviderList('[{"name":"a","type":"openai","credential_keys":["OPENAI_API_KEY"]}]')).to.deep.equal([
      {credentialKeys: ['OPENAI_API_KEY'], name: 'a', type: 'openai'},
    ])
  })

  it('the summary names a check caused by an earlier one in one line instead of repeating its fix', () => {
    const fix = 'Run `nemoclaw recover`.\nOr by hand: `systemctl --user start openshell-gateway`.'
    const report = (id: string, status: CheckReport['status'], detail: string, f?: string): CheckReport => ({
      detail,
      durationMs: 1,
      fix: f,
      id,
      status,
      title: id,
    })
    const text = renderSummary(
      [
        report('gateway', 'fail', 'Gateway down.', fix),
        report('registry', 'warn', 'Mode 0755.', 'chmod 0700 ~/.nemoclaw'),
        report('sandboxes', 'fail', '0 of 1 Ready.', fix),
        report('inference', 'pass', 'fine'),
      ],
      {},
    )
    expect(text.split('\n')).to.deep.equal([
      'Summary: 1 passed, 1 warning(s), 2 failed, 0 skipped.',
      '✖ gateway: Gateway down.',
      '    fix: Run `nemoclaw recover`.',
      '    fix: Or by hand: `systemctl --user start openshell-gateway`.',
      '⚠ registry: Mode 0755.',
      '    fix: chmod 0700 ~/.nemoclaw',
      '✖ sandboxes: 0 of 1 Ready.',
      '    cause: gateway (above); its fix applies',
    ])
  })
})
