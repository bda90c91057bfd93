import {expect} from 'chai'

import {minimumOf} from '../../src/lib/doctor/checks/runtime.js'
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
    expect(parseProviderList('NAME    TYPE    CREDENTIALS\nnvidia  nvidia  NVIDIA_API_KEY\n')).to.deep.equal([{credentialKeys: ['NVIDIA_API_KEY'], name: 'nvidia', type: 'nvidia'}])
    expect(parseProviderList('[{"name":"a","type":"openai","credential_keys":["OPENAI_API_KEY"]}]')).to.deep.equal([{credentialKeys: ['OPENAI_API_KEY'], name: 'a', type: 'openai'}])
  })
})
