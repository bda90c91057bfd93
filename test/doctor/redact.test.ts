import {expect} from 'chai'

import {redact, redactString, REDACTED, secretValues} from '../../src/lib/doctor/redact.js'

describe('doctor redactor', () => {
  it('replaces the values of secret-looking environment variables wherever they appear', () => {
    const env = {
      GITHUB_TOKEN: 'gho_abcdefghijklmnop',
      HOME: '/home/me',
      MY_PASSWORD: 'hunter2-long',
      NVIDIA_API_KEY: 'nvapi-PLANTED-SECRET-123',
    }
    const s = redactString('key nvapi-PLANTED-SECRET-123 and pw hunter2-long at /home/me', env)
    expect(s).to.equal(`key ${REDACTED} and pw ${REDACTED} at /home/me`)
    expect(secretValues(env)).to.not.include('/home/me')
  })

  it('keeps variable NAMES that are values of other variables (credential env names are not secrets)', () => {
    expect(secretValues({NEMOCLAW_CREDENTIAL_ENV: 'NVIDIA_API_KEY'})).to.deep.equal([])
  })

  it('redacts bearer strings, JWTs, known key prefixes and private key blocks without env help', () => {
    expect(redactString('Authorization: Bearer abc.DEF-123_xyz')).to.equal(`Authorization: Bearer ${REDACTED}`)
    expect(redactString('token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-nature')).to.not.contain('eyJhbGci')
    expect(redactString('got nvapi-abcdefgh123 and sk-proj-ABCDEFGH1234')).to.equal(`got ${REDACTED} and ${REDACTED}`)
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----'
    expect(redactString(`x\n${pem}\ny`)).to.equal(`x\n${REDACTED} (private key)\ny`)
    expect(redactString('-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE (truncated')).to.not.contain('MHcCAQEE')
  })

  it('redacts name=value and "name": "value" pairs with secret-looking names, not placeholders', () => {
    expect(redactString('api_key=abcd1234 password: s3cretpw')).to.equal(`api_key=${REDACTED} password: ${REDACTED}`)
    expect(redactString('{"client_secret": "abcdef99"}')).to.equal(`{"client_secret": "${REDACTED}"}`)
    expect(redactString('export NVIDIA_API_KEY=<your key>')).to.equal('export NVIDIA_API_KEY=<your key>')
  })

  it('leaves ordinary diagnostics alone', () => {
    const s =
      "Gateway 'nemoclaw' is healthy.\n  active gateway: 'nemoclaw'; auth: authenticated\n  client certificates: present and readable"
    expect(redactString(s, {HOME: '/tmp/x'})).to.equal(s)
  })

  it('redacts deeply and keeps the shape', () => {
    const doc = {checks: [{detail: 'Bearer abcdefghij', fix: null, n: 3}], ok: true}
    expect(redact(doc)).to.deep.equal({checks: [{detail: `Bearer ${REDACTED}`, fix: null, n: 3}], ok: true})
  })
})
