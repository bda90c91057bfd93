import {expect} from 'chai'
import {classifyFailure, syntheticFailure} from '../../../src/lib/openshell/classify.js'
import {normalise} from '../../../src/lib/openshell/text.js'
import type {RunResult} from '../../../src/lib/openshell/types.js'
import * as S from './samples.js'

/** A failed run as the runner returns it (stderr normalised), unless `raw` keeps the raw text. */
function failed(stderr: string, over: Partial<RunResult> = {}, raw = false): RunResult {
  return {
    argv: ['-g', 'nemoclaw', 'sandbox', 'get', 'alpha'],
    binary: '/usr/bin/openshell',
    exitCode: 1,
    signal: null,
    stdout: '',
    stderr: raw ? stderr : normalise(stderr),
    timedOut: false,
    durationMs: 12,
    ...over,
  }
}

describe('openshell/classify', () => {
  const table: Array<[string, string, string, string?]> = [
    ['refused, gRPC', S.ERR_REFUSED_GRPC, 'connection_refused'],
    ['refused, gRPC, macOS, ANSI', S.ERR_REFUSED_GRPC_ANSI, 'connection_refused'],
    ['refused, status', S.ERR_REFUSED_STATUS, 'connection_refused'],
    ['refused, create wrapper', S.ERR_CREATE_REFUSED, 'connection_refused'],
    ['reset', S.ERR_RESET, 'connection_reset'],
    ['UnknownIssuer', S.ERR_UNKNOWN_ISSUER, 'trust_rotated', 'unknown_issuer'],
    ['BadSignature (status)', S.ERR_BAD_SIGNATURE_STATUS, 'trust_rotated', 'bad_signature'],
    ['legacy handshake, wrapped + ANSI', S.ERR_HANDSHAKE_LEGACY, 'trust_rotated', 'handshake'],
    ['certificate expired', S.ERR_EXPIRED, 'trust_rotated', 'expired'],
    ['not valid for name', S.ERR_NAME, 'trust_rotated', 'name_mismatch'],
    ['CA required, wrapped', S.ERR_CA_MISSING, 'certs_missing', 'ca'],
    ['read CA', S.ERR_READ_CA, 'certs_missing', 'ca'],
    ['read cert', S.ERR_READ_CERT, 'certs_missing', 'cert'],
    ['read key', S.ERR_READ_KEY, 'certs_missing', 'key'],
    ['edge', S.ERR_EDGE, 'auth_required', 'edge'],
    ['oidc', S.ERR_OIDC, 'auth_required', 'oidc'],
    ['legacy token', S.ERR_TOKEN_LEGACY, 'auth_required', 'token'],
    ['device identity', S.ERR_DEVICE, 'auth_required', 'device'],
    ['not found legacy (wrapped metadata)', S.ERR_NOT_FOUND_LEGACY, 'sandbox_not_found'],
    ['not found modern', S.ERR_NOT_FOUND_MODERN, 'sandbox_not_found'],
    ['not found, phrase split across a wrap', S.ERR_NOT_FOUND_WRAPPED, 'sandbox_not_found'],
    ['exists', S.ERR_EXISTS, 'sandbox_exists'],
    ['unknown gateway', S.ERR_UNKNOWN_GATEWAY, 'gateway_unknown'],
    ['no metadata', S.ERR_NO_METADATA, 'gateway_unknown'],
    ['no active gateway', S.ERR_NO_ACTIVE, 'gateway_not_configured'],
    ['no gateway configured', S.ERR_NO_GATEWAY, 'gateway_not_configured'],
    ['not ready', S.ERR_NOT_READY, 'sandbox_not_ready'],
    ['supervisor, wrapped last cause', S.ERR_SUPERVISOR, 'sandbox_not_ready'],
    ['provisioning timeout', S.ERR_PROVISION_TIMEOUT, 'provision_timeout'],
    ['phase wait timeout', S.ERR_PHASE_TIMEOUT, 'provision_timeout'],
    ['gateway exists', S.ERR_GATEWAY_EXISTS, 'gateway_exists'],
  ]
  for (const [title, stderr, kind, detail] of table) {
    it(`${title} → ${kind}`, () => {
      const f = classifyFailure(failed(stderr))
      expect(f.kind).to.equal(kind)
      if (detail) expect(f.detail).to.equal(detail)
      // Raw (un-normalised) stderr classifies the same: the classifier normalises itself.
      expect(classifyFailure(failed(stderr, {}, true)).kind).to.equal(kind)
    })
  }

  it('legacy `gateway start` reusing a gateway that then refuses: the refusal, not "already exists"', () => {
    const stderr =
      "Gateway 'nemoclaw' already exists, reusing.\nError:   × gateway 'nemoclaw' did not become healthy\n  ├─▶ transport error\n  ├─▶ tcp connect error\n  ╰─▶ Connection refused (os error 111)\n  help: Check the gateway logs: docker logs openshell-cluster-nemoclaw\n\n"
    const f = classifyFailure(failed(stderr, {argv: ['gateway', 'start', '--name', 'nemoclaw']}))
    expect(f.kind).to.equal('connection_refused')
    expect(f.kind).to.not.equal('gateway_exists')
  })

  it('the message is the key error line, evidence keeps argv/exit/lines', () => {
    const f = classifyFailure(failed(S.ERR_UNKNOWN_ISSUER))
    expect(f.message).to.equal('invalid peer certificate: UnknownIssuer')
    expect(f.evidence).to.deep.equal({
      argv: ['-g', 'nemoclaw', 'sandbox', 'get', 'alpha'],
      exitCode: 1,
      signal: null,
      timedOut: false,
      lines: ['transport error', 'invalid peer certificate: UnknownIssuer'],
    })
  })

  it('a wrapped not-found message reads as one line', () => {
    const f = classifyFailure(failed(S.ERR_NOT_FOUND_WRAPPED))
    expect(f.message).to.match(/message: "sandbox not found"$/)
  })

  it('ALREADY_EXISTS is sandbox_exists only for sandbox commands', () => {
    expect(classifyFailure(failed(S.ERR_EXISTS_GRPC, {argv: ['sandbox', 'create', '--name', 'alpha']})).kind).to.equal(
      'sandbox_exists',
    )
    expect(classifyFailure(failed(S.ERR_EXISTS_GRPC, {argv: ['provider', 'create', '--name', 'alpha']})).kind).to.equal(
      'unknown',
    )
  })

  it('a NotFound about something other than a sandbox is not sandbox_not_found', () => {
    const f = classifyFailure(
      failed('Error:   × code: \'Some requested entity was not found\', message: "provider not found"\n'),
    )
    expect(f.kind).to.equal('unknown')
  })

  it('exit 2 is a usage error whatever the text says', () => {
    const f = classifyFailure(failed(S.ERR_USAGE, {exitCode: 2, argv: ['gateway', 'start']}))
    expect(f.kind).to.equal('usage_error')
    expect(f.message).to.equal("error: unrecognized subcommand 'start'")
    expect(classifyFailure(failed('error: unexpected argument: Connection refused', {exitCode: 2})).kind).to.equal(
      'usage_error',
    )
  })

  it('our own timeout wins over any text, and names the command', () => {
    const f = classifyFailure(
      failed(S.ERR_REFUSED_GRPC, {exitCode: null, signal: 'SIGKILL', timedOut: true, timeoutMs: 15000}),
    )
    expect(f.kind).to.equal('timed_out')
    expect(f.message).to.include('openshell -g nemoclaw sandbox get alpha').and.include('15000 ms')
    expect(f.evidence.timedOut).to.equal(true)
    expect(f.evidence.timeoutMs).to.equal(15000)
    expect(f.evidence.signal).to.equal('SIGKILL')
  })

  it('a signal that was not our timeout → killed', () => {
    const f = classifyFailure(failed('', {exitCode: null, signal: 'SIGTERM'}))
    expect(f.kind).to.equal('killed')
    expect(f.message).to.include('SIGTERM')
  })

  it('spawn errors → missing / not executable', () => {
    expect(classifyFailure(failed('', {exitCode: null, spawnError: 'ENOENT'})).kind).to.equal('openshell_missing')
    expect(classifyFailure(failed('', {exitCode: null, spawnError: 'EACCES'})).kind).to.equal(
      'openshell_not_executable',
    )
  })

  it('output over the cap → unparseable', () => {
    const f = classifyFailure(failed('', {exitCode: null, signal: 'SIGKILL', truncated: true}))
    expect(f.kind).to.equal('unparseable')
    expect(f.detail).to.equal('output_cap')
  })

  it('policy set --wait exit 124 → provision_timeout', () => {
    expect(
      classifyFailure(failed('', {exitCode: 124, argv: ['policy', 'set', 'a', '--policy', 'p.yaml', '--wait']})).kind,
    ).to.equal('provision_timeout')
  })

  it('unrecognised text → unknown with the top line as message; empty stderr names the exit code', () => {
    const f = classifyFailure(failed('Error:   × something novel happened\n  ╰─▶ deep cause\n'))
    expect(f.kind).to.equal('unknown')
    expect(f.message).to.equal('something novel happened')
    const g = classifyFailure(failed('', {exitCode: 3}))
    expect(g.message).to.include('exited with 3')
    expect(g.evidence.lines).to.deep.equal([])
  })

  it('classifies from stdout when stderr has nothing (legacy printed some errors there)', () => {
    expect(classifyFailure(failed('', {stdout: 'Error: Connection refused (os error 111)\n'})).kind).to.equal(
      'connection_refused',
    )
  })

  it('syntheticFailure builds a failure without a run', () => {
    const f = syntheticFailure('usage_error', 'no such command', ['gateway', 'start'], 'not_in_version')
    expect(f).to.deep.equal({
      kind: 'usage_error',
      message: 'no such command',
      detail: 'not_in_version',
      evidence: {argv: ['gateway', 'start'], exitCode: null, signal: null, timedOut: false, lines: ['no such command']},
    })
  })
})
