// Every real-output fixture captured from a REAL openshell binary (test/fixtures/openshell/<version>/*.json, see
// scripts/capture-fixtures.ts) goes through the parser nemoclaw uses for that command or, for a failed run,
// through classifyFailure — exactly as the runner hands them over (ANSI stripped, miette wraps joined). No binary
// is needed. Every fixture must have an entry in EXPECT: a new capture fails here until someone decides what
// nemoclaw must read from it.
import {expect} from 'chai'
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {classifyFailure} from '../../../src/lib/openshell/classify.js'
import {
  parseDeleteOutcome,
  parseGatewayAdd,
  parseGatewayInfo,
  parseGatewayList,
  parseGatewaySelect,
  parseInferenceGet,
  parseSandboxCreate,
  parseSandboxGet,
  parseSandboxList,
  parseStatus,
} from '../../../src/lib/openshell/parsers.js'
import {normalise} from '../../../src/lib/openshell/text.js'
import type {FailureKind, RunResult} from '../../../src/lib/openshell/types.js'
import {parseVersion} from '../../../src/lib/openshell/version.js'

const FIXTURES = fileURLToPath(new URL('../../fixtures/openshell/', import.meta.url))

interface Fixture {
  version: string
  case: string
  argv: string[]
  exitCode: number | null
  timedOut?: boolean
  stdout: string
  stderr: string
  note: string
}

type Fail = {fail: FailureKind; detail?: string; message: string | RegExp}
type Parse =
  | {parse: (run: RunResult, fx: Fixture) => unknown; value: unknown}
  | {parse: (run: RunResult, fx: Fixture) => unknown; check: (v: any) => void}
type Expectation = Fail | Parse

const EP = 'https://127.0.0.1:<PORT>'
const status = (run: RunResult) => parseStatus(run.stdout)
const both = (run: RunResult) => `${run.stderr}\n${run.stdout}`
const NOT_CONFIGURED: Expectation = {parse: status, value: {configured: false}}
const CONNECTED = (version: string): Expectation => ({
  parse: status,
  value: {
    authentication: {detail: 'mTLS transport', status: 'authenticated'},
    configured: true,
    gateway: 'stub',
    server: EP,
    status: 'connected',
    version,
  },
})
/** Legacy `status`: no Authentication line. */
const CONNECTED_LEGACY = (version: string): Expectation => ({
  parse: status,
  value: {configured: true, gateway: 'stub', server: EP, status: 'connected', version},
})
const NO_ACTIVE: Fail = {fail: 'gateway_not_configured', message: 'No active gateway.'}
const REFUSED: Fail = {fail: 'connection_refused', message: 'Connection refused (os error 111)'}
const BAD_SIG: Fail = {
  detail: 'bad_signature',
  fail: 'trust_rotated',
  message: 'invalid peer certificate: BadSignature',
}
const UNKNOWN_ISSUER: Fail = {
  detail: 'unknown_issuer',
  fail: 'trust_rotated',
  message: 'invalid peer certificate: UnknownIssuer',
}
const NOT_FOUND: Fail = {
  fail: 'sandbox_not_found',
  message: `code: 'Some requested entity was not found', message: "sandbox not found"`,
}
const WIRE: Fail = {
  detail: 'wire_mismatch',
  fail: 'unknown',
  message: `code: 'Internal error', message: "Error deserializing request"`,
}
const usage = (word: string): Fail => ({fail: 'usage_error', message: `error: unrecognized subcommand '${word}'`})
const GW_ENTRY = (name: string, json: boolean) => ({
  active: true,
  auth: 'mtls',
  endpoint: EP,
  name,
  source: 'user',
  type: 'local',
  ...(json ? {isRemote: false} : {}),
})
const FIVE = [
  ['alpha', 'Ready'],
  ['beta', 'Provisioning'],
  ['gamma', 'Error'],
  ['delta', 'Stopped'],
  ['epsilon', 'Starting'],
]
const list = (check: (l: any) => void): Expectation => ({check, parse: (run) => parseSandboxList(run.stdout)})
/** 155 sandboxes on the stub: 0.0.111 prints the first 100 only (default --limit 100), nothing on stderr. */
const CUT_AT_100 = list((l) => {
  expect(l.sandboxes).to.have.length(100)
  expect(l.sandboxes[0]).to.include({name: 'alpha', phase: 'Ready'})
  expect(l.sandboxes.at(-1)).to.include({name: 'bulk-094', phase: 'Ready'})
  expect(l.nextPageToken).to.equal(undefined)
})
const LEGACY_FIVE = [
  ['alpha', 'Ready'],
  ['beta', 'Provisioning'],
  ['gamma', 'Error'],
  ['delta', 'Deleting'],
  ['epsilon', 'Unknown'],
]
/** Legacy tonic status in its debug form, metadata and all (the date normalised by the capture). */
const LEGACY_NOT_FOUND: Fail = {fail: 'sandbox_not_found', message: /^status: NotFound, message: "sandbox not found"/}
/** 155 sandboxes on the legacy stub: 0.0.26 also asks for limit 100 once and prints 100 rows, nothing on stderr. */
const LEGACY_CUT_AT_100 = list((l) => {
  expect(l.sandboxes).to.have.length(100)
  expect(l.sandboxes[0]).to.include({name: 'alpha', phase: 'Ready'})
  expect(l.nextPageToken).to.equal(undefined)
})
const POLICY =
  'version: 1\nfilesystem_policy:\n  include_workdir: true\n  read_only:\n  - /usr\n  - /lib\n  read_write:\n  - /sandbox\n  - /tmp'

const EXPECT: Record<string, Record<string, Expectation>> = {
  '0.0.111': {
    'env-gateway-other-sandbox-list': {fail: 'gateway_unknown', message: "Unknown gateway 'other'."},
    'env-gateway-other-status': NOT_CONFIGURED,
    'gateway-add-https-no-flag': {
      parse: (run) => parseGatewayAdd(both(run)),
      value: {
        authFailed: true,
        endpoint: EP,
        name: 'g',
        reachable: true,
        registrationRemoved: false,
        tlsPresent: false,
        type: 'cloud',
      },
    },
    'gateway-add-local': {
      parse: (run) => parseGatewayAdd(both(run)),
      value: {
        authFailed: false,
        endpoint: EP,
        name: 'g',
        reachable: false,
        registrationRemoved: false,
        tlsPresent: true,
        type: 'local',
      },
    },
    'gateway-add-local-again': {fail: 'gateway_exists', message: "Gateway 'g' already exists."},
    'gateway-add-local-no-certs': {
      detail: 'local_bundle',
      fail: 'certs_missing',
      message: "mTLS certificates for gateway 'g' were not found.",
    },
    'gateway-select-known': {parse: (run) => parseGatewaySelect(both(run)), value: {name: 'g'}},
    'gateway-select-known-env-override': {
      parse: (run) => parseGatewaySelect(both(run)),
      value: {name: 'g', warning: 'OPENSHELL_GATEWAY=other is set and will override this selection.'},
    },
    // The path is wrapped inside a word (`home2-` / `XXXXXX/.config/…`): joined without a space.
    'missing-ca-sandbox-list': {
      detail: 'ca',
      fail: 'certs_missing',
      message: 'failed to read TLS CA from <TMP>/home2-XXXXXX/.config/openshell/gateways/g/mtls/ca.crt',
    },
    'missing-ca-status': {
      detail: 'ca',
      fail: 'certs_missing',
      message: 'failed to read TLS CA from <TMP>/home2-XXXXXX/.config/openshell/gateways/g/mtls/ca.crt',
    },
    'no-gateway-env-gateway-sandbox-list': {fail: 'gateway_unknown', message: "Unknown gateway 'other'."},
    'no-gateway-env-gateway-status': NOT_CONFIGURED,
    'no-gateway-flag-gateway-status': NOT_CONFIGURED,
    'no-gateway-gateway-info': {fail: 'gateway_not_configured', message: 'No gateway configured.'},
    'no-gateway-gateway-info-json': {fail: 'gateway_not_configured', message: 'No gateway configured.'},
    'no-gateway-gateway-list': {parse: (run) => parseGatewayList(run.stdout), value: []},
    'no-gateway-gateway-list-json': {parse: (run) => parseGatewayList(run.stdout), value: []},
    'no-gateway-gateway-select-unknown': {fail: 'gateway_unknown', message: "No gateway metadata found for 'x'."},
    'no-gateway-inference-get': NO_ACTIVE,
    'no-gateway-sandbox-get': NO_ACTIVE,
    'no-gateway-sandbox-get-long-name': NO_ACTIVE,
    'no-gateway-sandbox-list': NO_ACTIVE,
    'no-gateway-sandbox-list-json': NO_ACTIVE,
    'no-gateway-status': NOT_CONFIGURED,
    'no-gateway-status-json': NOT_CONFIGURED,
    'refused-gateway-info': REFUSED,
    'refused-gateway-info-json': REFUSED,
    'refused-gateway-list': {parse: (run) => parseGatewayList(run.stdout), value: [GW_ENTRY('g', false)]},
    'refused-gateway-list-json': {parse: (run) => parseGatewayList(run.stdout), value: [GW_ENTRY('g', true)]},
    'refused-inference-get': REFUSED,
    'refused-sandbox-delete': REFUSED,
    'refused-sandbox-get': REFUSED,
    'refused-sandbox-list': REFUSED,
    'refused-sandbox-list-json': REFUSED,
    'refused-status': REFUSED,
    'refused-status-json': REFUSED,
    'stub-gateway-info': {
      parse: (run) => parseGatewayInfo(run.stdout),
      value: {computeDrivers: ['docker'], endpoint: EP, gateway: 'stub', status: 'healthy', version: '0.0.111'},
    },
    'stub-gateway-info-json': {
      parse: (run) => parseGatewayInfo(run.stdout),
      value: {computeDrivers: ['docker'], endpoint: EP, gateway: 'stub', status: 'healthy', version: '0.0.111'},
    },
    'stub-gateway-list': {parse: (run) => parseGatewayList(run.stdout), value: [GW_ENTRY('stub', false)]},
    'stub-gateway-list-json': {parse: (run) => parseGatewayList(run.stdout), value: [GW_ENTRY('stub', true)]},
    // 0.0.111 prints a second, `System inference:` block: not the user's route.
    'stub-inference-get': {
      parse: (run) => parseInferenceGet(run.stdout),
      value: {configured: false, system: {configured: false}},
    },
    'stub-rotated-gateway-add-local': {fail: 'gateway_exists', message: "Gateway 'stub' already exists."},
    'stub-rotated-gateway-add-local-after-remove': {
      parse: (run) => parseGatewayAdd(both(run)),
      value: {
        authFailed: false,
        endpoint: EP,
        name: 'stub',
        reachable: true,
        registrationRemoved: false,
        tlsPresent: true,
        type: 'local',
      },
    },
    // nemoclaw never runs `gateway remove` (it never de-registers a gateway); kept as evidence of what the real CLI
    // prints when a user does, as the trust-rotation guidance suggests by hand.
    'stub-rotated-gateway-remove': {
      parse: (run) => [run.exitCode, /Gateway registration 'stub' removed\./.test(both(run))],
      value: [0, true],
    },
    'stub-rotated-sandbox-get': BAD_SIG,
    'stub-rotated-sandbox-list': BAD_SIG,
    'stub-rotated-sandbox-list-after-reimport': CUT_AT_100,
    'stub-rotated-status': BAD_SIG,
    'stub-rotated-status-after-reimport': CONNECTED('0.0.111'),
    'stub-rotated-status-json': BAD_SIG,
    'stub-sandbox-create': {parse: (run) => parseSandboxCreate(run.stdout), value: {name: 'newbox'}},
    // top line is the bare gRPC message; the `hint:` lines that follow are not part of it
    'stub-sandbox-create-exists': {fail: 'sandbox_exists', message: 'sandbox already exists'},
    'stub-sandbox-delete': {parse: (run, fx) => parseDeleteOutcome(both(run), fx.argv.at(-1)!), value: 'deleted'},
    'stub-sandbox-delete-missing': NOT_FOUND,
    'stub-sandbox-get': {
      parse: (run) => parseSandboxGet(run.stdout),
      check(v) {
        expect(v).to.deep.include({labels: {app: 'x', team: 'a'}, name: 'alpha', phase: 'Ready'})
        expect(v.id).to.equal('<UUID>')
        expect(v.policy).to.equal(POLICY)
      },
    },
    'stub-sandbox-get-json': {
      parse: (run) => parseSandboxGet(run.stdout),
      check(v) {
        expect(v).to.deep.include({
          createdAt: '2026-11-01 12:00:00',
          id: '<UUID>',
          labels: {app: 'x', team: 'a'},
          name: 'alpha',
          phase: 'Ready',
          workspace: 'default',
        })
        expect(JSON.parse(v.policy)).to.have.property('filesystem_policy')
      },
    },
    'stub-sandbox-get-missing': NOT_FOUND,
    'stub-sandbox-get-missing-json': NOT_FOUND,
    'stub-sandbox-list': list((l) => {
      expect(l.sandboxes.map((s: any) => [s.name, s.phase])).to.deep.equal(FIVE)
      expect(l.sandboxes[0]).to.deep.equal({createdAt: '2026-11-01 12:00:00', name: 'alpha', phase: 'Ready'})
    }),
    'stub-sandbox-list-155': CUT_AT_100,
    'stub-sandbox-list-155-json': CUT_AT_100,
    'stub-sandbox-list-json': list((l) => {
      expect(l.sandboxes.map((s: any) => [s.name, s.phase])).to.deep.equal(FIVE)
      expect(l.sandboxes[0]).to.deep.equal({
        createdAt: '2026-11-01 12:00:00',
        id: '<UUID>',
        name: 'alpha',
        phase: 'Ready',
        workspace: 'default',
      })
    }),
    'stub-status': CONNECTED('0.0.111'),
    'stub-status-json': CONNECTED('0.0.111'),
    'stub-stopped-sandbox-get': REFUSED,
    'stub-stopped-sandbox-list': REFUSED,
    'stub-stopped-status': REFUSED,
    'trust-other-dn-gateway-info': UNKNOWN_ISSUER,
    'trust-other-dn-inference-get': UNKNOWN_ISSUER,
    'trust-other-dn-sandbox-list': UNKNOWN_ISSUER,
    'trust-other-dn-status': UNKNOWN_ISSUER,
    'trust-other-dn-status-json': UNKNOWN_ISSUER,
    'trust-same-dn-gateway-info': BAD_SIG,
    'trust-same-dn-inference-get': BAD_SIG,
    'trust-same-dn-sandbox-list': BAD_SIG,
    'trust-same-dn-status': BAD_SIG,
    'trust-same-dn-status-json': BAD_SIG,
    'usage-gateway-destroy': usage('destroy'),
    'usage-gateway-start': usage('start'),
    'usage-gateway-stop': usage('stop'),
    'usage-unknown-flag': {fail: 'usage_error', message: "error: unexpected argument '--bogus' found"},
    version: {parse: (run) => parseVersion(run.stdout)?.raw, value: '0.0.111'},
    // A 0.1.x gateway answers Health (status says Connected, Version 0.1.5) but no sandbox RPC of the 0.0 wire.
    'xwire-sandbox-delete': WIRE,
    'xwire-sandbox-get': WIRE,
    'xwire-sandbox-list': WIRE,
    'xwire-sandbox-list-json': WIRE,
    'xwire-status': CONNECTED('0.1.5'),
  },
  // The legacy line (<= 0.0.36): no `-o json` anywhere, no `gateway list`, `status` prints its header before a
  // failure, hints point at `gateway start`, and `gateway add --local` reads the certificates out of the gateway
  // container through Docker (a fake Docker Engine API here, test/support/fake-docker.ts).
  '0.0.26': {
    'env-gateway-other-sandbox-list': {fail: 'gateway_unknown', message: "Unknown gateway 'other'."},
    // an OPENSHELL_GATEWAY naming an unregistered gateway reads as "no gateway" to legacy `status`
    'env-gateway-other-status': NOT_CONFIGURED,
    'gateway-add-https-no-flag': {
      parse: (run) => parseGatewayAdd(both(run)),
      value: {
        authFailed: false,
        endpoint: EP,
        name: 'g',
        reachable: true,
        registrationRemoved: false,
        tlsPresent: false,
        type: 'cloud',
      },
    },
    'gateway-add-local': {
      parse: (run) => parseGatewayAdd(both(run)),
      value: {
        authFailed: false,
        endpoint: EP,
        name: 'g',
        reachable: true,
        registrationRemoved: false,
        tlsPresent: true,
        type: 'local',
      },
    },
    'gateway-add-local-again': {fail: 'gateway_exists', message: "Gateway 'g' already exists."},
    'gateway-add-local-no-container': {
      fail: 'unknown',
      message: 'No openshell gateway container found listening on port <PORT>.',
    },
    'gateway-add-local-no-docker': {
      detail: 'docker_not_running',
      fail: 'unknown',
      message: 'Socket not found: /nonexistent/openshell-conformance/docker.sock',
    },
    'gateway-select-known': {parse: (run) => parseGatewaySelect(both(run)), value: {name: 'g'}},
    'gateway-select-known-env-override': {parse: (run) => parseGatewaySelect(both(run)), value: {name: 'g'}},
    'legacy-doctor-no-docker': {parse: (run) => run.stdout.split('\n')[0], value: 'Diagnose gateway issues'},
    'legacy-gateway-destroy-no-docker': {
      detail: 'docker_not_running',
      fail: 'unknown',
      message: 'Socket not found: /nonexistent/openshell-conformance/docker.sock',
    },
    'legacy-gateway-start-named-no-docker': {
      detail: 'docker_not_running',
      fail: 'unknown',
      message: 'Failed to create Docker client.',
    },
    'legacy-gateway-start-no-docker': {
      detail: 'docker_not_running',
      fail: 'unknown',
      message: 'Failed to create Docker client.',
    },
    'legacy-gateway-stop-no-docker': {
      detail: 'docker_not_running',
      fail: 'unknown',
      message: 'Socket not found: /nonexistent/openshell-conformance/docker.sock',
    },
    'missing-ca-sandbox-list': {
      detail: 'ca',
      fail: 'certs_missing',
      message: 'failed to read TLS CA from <TMP>/home2-XXXXXX/.config/openshell/gateways/g/mtls/ca.crt',
    },
    'missing-ca-status': {
      detail: 'ca',
      fail: 'certs_missing',
      message: 'failed to read TLS CA from <TMP>/home2-XXXXXX/.config/openshell/gateways/g/mtls/ca.crt',
    },
    'no-gateway-env-gateway-sandbox-list': {fail: 'gateway_unknown', message: "Unknown gateway 'other'."},
    'no-gateway-env-gateway-status': NOT_CONFIGURED,
    'no-gateway-flag-gateway-status': NOT_CONFIGURED,
    'no-gateway-gateway-info': {fail: 'gateway_unknown', message: "No gateway metadata found for 'openshell'."},
    'no-gateway-gateway-info-json': {fail: 'usage_error', message: "error: unexpected argument '-o' found"},
    'no-gateway-gateway-list': usage('list'),
    'no-gateway-gateway-list-json': usage('list'),
    'no-gateway-gateway-select-unknown': {fail: 'gateway_unknown', message: "No gateway metadata found for 'x'."},
    'no-gateway-inference-get': NO_ACTIVE,
    'no-gateway-sandbox-get': NO_ACTIVE,
    'no-gateway-sandbox-get-long-name': NO_ACTIVE,
    'no-gateway-sandbox-list': NO_ACTIVE,
    'no-gateway-sandbox-list-json': {fail: 'usage_error', message: "error: unexpected argument '-o' found"},
    'no-gateway-status': NOT_CONFIGURED,
    'no-gateway-status-json': {fail: 'usage_error', message: "error: unexpected argument '-o' found"},
    // legacy `gateway info` is local metadata only: it succeeds while the gateway is down
    'refused-gateway-info': {parse: (run) => parseGatewayInfo(run.stdout), value: {endpoint: EP, gateway: 'g'}},
    'refused-gateway-info-json': {fail: 'usage_error', message: "error: unexpected argument '-o' found"},
    'refused-gateway-list': usage('list'),
    'refused-gateway-list-json': usage('list'),
    'refused-inference-get': REFUSED,
    'refused-sandbox-delete': REFUSED,
    'refused-sandbox-get': REFUSED,
    'refused-sandbox-list': REFUSED,
    'refused-sandbox-list-json': {fail: 'usage_error', message: "error: unexpected argument '-o' found"},
    // the `Server Status` header reaches stdout before the error: the failure still wins
    'refused-status': REFUSED,
    'refused-status-json': {fail: 'usage_error', message: "error: unexpected argument '-o' found"},
    'trust-other-dn-gateway-info': {parse: (run) => parseGatewayInfo(run.stdout), value: {endpoint: EP, gateway: 'g'}},
    'trust-other-dn-inference-get': UNKNOWN_ISSUER,
    'trust-other-dn-sandbox-list': UNKNOWN_ISSUER,
    'trust-other-dn-status': UNKNOWN_ISSUER,
    'trust-other-dn-status-json': {fail: 'usage_error', message: "error: unexpected argument '-o' found"},
    'trust-same-dn-gateway-info': {parse: (run) => parseGatewayInfo(run.stdout), value: {endpoint: EP, gateway: 'g'}},
    'trust-same-dn-inference-get': BAD_SIG,
    'trust-same-dn-sandbox-list': BAD_SIG,
    'trust-same-dn-status': BAD_SIG,
    'trust-same-dn-status-json': {fail: 'usage_error', message: "error: unexpected argument '-o' found"},
    'usage-unknown-flag': {fail: 'usage_error', message: "error: unexpected argument '--bogus' found"},
    version: {parse: (run) => parseVersion(run.stdout)?.raw, value: '0.0.26'},
    // A late 0.0.x gateway (0.0.111 wire) answers Health, but its sandboxes do not decode on the legacy wire.
    'xwire-sandbox-delete': {parse: (run, fx) => parseDeleteOutcome(both(run), fx.argv.at(-1)!), value: 'deleted'},
    'xwire-sandbox-get': {
      detail: 'wire_mismatch',
      fail: 'unknown',
      message:
        /^status: Internal, message: "failed to decode Protobuf message: Sandbox\.id: SandboxResponse\.sandbox: invalid string value/,
    },
    'xwire-sandbox-list': {
      detail: 'wire_mismatch',
      fail: 'unknown',
      message:
        /^status: Internal, message: "failed to decode Protobuf message: Sandbox\.id: ListSandboxesResponse\.sandboxes/,
    },
    'xwire-sandbox-list-json': {fail: 'usage_error', message: "error: unexpected argument '-o' found"},
    'xwire-status': CONNECTED_LEGACY('0.0.111'),
    // against the stub gateway speaking the legacy wire (test/support/stub-gateway, wire 'legacy')
    'stub-gateway-info': {parse: (run) => parseGatewayInfo(run.stdout), value: {endpoint: EP, gateway: 'stub'}},
    'stub-gateway-info-json': {fail: 'usage_error', message: "error: unexpected argument '-o' found"},
    'stub-gateway-list': usage('list'),
    'stub-gateway-list-json': usage('list'),
    // legacy heads the user's route `Gateway inference:` (modern: `Inference:`)
    'stub-inference-get': {
      parse: (run) => parseInferenceGet(run.stdout),
      value: {configured: false, system: {configured: false}},
    },
    'stub-rotated-sandbox-get': BAD_SIG,
    'stub-rotated-sandbox-list': BAD_SIG,
    'stub-rotated-sandbox-list-after-reimport': LEGACY_CUT_AT_100,
    'stub-rotated-status': BAD_SIG,
    'stub-rotated-status-after-reimport': CONNECTED_LEGACY('0.0.26'),
    'stub-rotated-status-json': {fail: 'usage_error', message: "error: unexpected argument '-o' found"},
    // created, then the CLI opens an SSH session the stub does not serve
    'stub-sandbox-create': {
      fail: 'unknown',
      message:
        /^status: Unimplemented, message: "The server does not implement the method \/openshell\.v1\.OpenShell\/CreateSshSession"/,
    },
    'stub-sandbox-create-exists': {fail: 'sandbox_exists', message: 'sandbox already exists'},
    'stub-sandbox-delete': {parse: (run, fx) => parseDeleteOutcome(both(run), fx.argv.at(-1)!), value: 'deleted'},
    'stub-sandbox-delete-missing': LEGACY_NOT_FOUND,
    'stub-sandbox-get': {
      parse: (run) => parseSandboxGet(run.stdout),
      check(v) {
        expect(v).to.deep.include({id: '<UUID>', name: 'alpha', phase: 'Ready'})
        expect(v.policy).to.equal(POLICY)
      },
    },
    'stub-sandbox-get-json': {fail: 'usage_error', message: "error: unexpected argument '-o' found"},
    'stub-sandbox-get-missing': LEGACY_NOT_FOUND,
    'stub-sandbox-get-missing-json': {fail: 'usage_error', message: "error: unexpected argument '-o' found"},
    'stub-sandbox-list': list((l) => {
      expect(l.sandboxes.map((s: any) => [s.name, s.phase])).to.deep.equal(LEGACY_FIVE)
      expect(l.sandboxes[0]).to.deep.include({createdAt: '2026-11-01 12:00:00', name: 'alpha', phase: 'Ready'})
    }),
    'stub-sandbox-list-155': LEGACY_CUT_AT_100,
    'stub-sandbox-list-155-json': {fail: 'usage_error', message: "error: unexpected argument '-o' found"},
    'stub-sandbox-list-json': {fail: 'usage_error', message: "error: unexpected argument '-o' found"},
    'stub-status': CONNECTED_LEGACY('0.0.26'),
    'stub-status-json': {fail: 'usage_error', message: "error: unexpected argument '-o' found"},
    'stub-stopped-sandbox-get': REFUSED,
    'stub-stopped-sandbox-list': REFUSED,
    'stub-stopped-status': REFUSED,
  },
}

function loadFixtures(): Fixture[] {
  const out: Fixture[] = []
  for (const version of readdirSync(FIXTURES).sort()) {
    for (const f of readdirSync(join(FIXTURES, version)).sort()) {
      if (f.endsWith('.json')) out.push(JSON.parse(readFileSync(join(FIXTURES, version, f), 'utf8')) as Fixture)
    }
  }

  return out
}

/** The RunResult the runner would have produced for this fixture. */
function runOf(fx: Fixture): RunResult {
  return {
    argv: fx.argv[0] === 'openshell' ? fx.argv.slice(1) : [...fx.argv],
    binary: 'openshell',
    durationMs: 0,
    exitCode: fx.exitCode,
    signal: null,
    stderr: normalise(fx.stderr),
    stdout: normalise(fx.stdout),
    timedOut: Boolean(fx.timedOut),
  }
}

describe('openshell: parsers and classifier over the real fixtures', () => {
  const fixtures = loadFixtures()

  it('there are real fixtures, and every one of them has an expectation (none unmapped, none stale)', () => {
    expect(fixtures.length).to.be.at.least(87)
    const unmapped = fixtures.filter((fx) => !EXPECT[fx.version]?.[fx.case]).map((fx) => `${fx.version}/${fx.case}`)
    expect(unmapped, 'fixtures without an expectation').to.deep.equal([])
    const present = new Set(fixtures.map((fx) => `${fx.version}/${fx.case}`))
    const stale = Object.entries(EXPECT)
      .flatMap(([v, cases]) => Object.keys(cases).map((c) => `${v}/${c}`))
      .filter((k) => !present.has(k))
    expect(stale, 'expectations without a fixture').to.deep.equal([])
  })

  for (const fx of fixtures) {
    const exp = EXPECT[fx.version]?.[fx.case]
    if (!exp) continue
    const title = `${fx.version}/${fx.case} (${fx.argv.slice(1).join(' ')}; exit ${fx.exitCode})`
    if ('fail' in exp) {
      it(`${title} → ${exp.fail}${exp.detail ? ` (${exp.detail})` : ''}`, () => {
        expect(fx.exitCode, 'a failure fixture exits non-zero').to.not.equal(0)
        const f = classifyFailure(runOf(fx))
        expect(f.kind).to.equal(exp.fail)
        if (exp.detail) expect(f.detail).to.equal(exp.detail)
        if (typeof exp.message === 'string') expect(f.message).to.equal(exp.message)
        else expect(f.message).to.match(exp.message)
        // Hints (`  │ Set one with: …`) are never glued onto the message.
        expect(f.message).to.not.match(/│|Register it first|Set one with|Remove it first|hint:/)
      })
    } else {
      it(`${title} → parsed`, () => {
        // a parse fixture exits 0, or was stopped by the capture on purpose (a command that waits for a browser)
        if (fx.timedOut) expect(fx.note).to.match(/killed after \d+ s/)
        else expect(fx.exitCode, 'a parse fixture exits 0').to.equal(0)
        const v = exp.parse(runOf(fx), fx)
        expect(v, 'parser returned undefined').to.not.equal(undefined)
        if ('value' in exp) expect(v).to.deep.equal(exp.value)
        else exp.check(v)
      })
    }
  }
})
