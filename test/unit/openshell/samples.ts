/** Output samples of `openshell`, written from the reference (docs/…/openshell-cli.md, openshell-grpc.md §6–7). */
export const ESC = '\u001B'
export const dim = (s: string): string => `${ESC}[2m${s}${ESC}[0m`
export const red = (s: string): string => `${ESC}[31m${s}${ESC}[0m`

export const STATUS_LEGACY_ANSI = [
  'Server Status',
  '',
  `  ${dim('Gateway:')} nemoclaw`,
  `  ${dim('Server:')} https://127.0.0.1:8080`,
  `  ${dim('Status:')} ${ESC}[32mConnected${ESC}[0m`,
  `  ${dim('Version:')} 0.0.26`,
  '',
].join('\n')

export const STATUS_MODERN_TEXT = `Server Status

  Gateway: openshell
  Server: https://127.0.0.1:17670
  Status: Connected
  Authentication: Authenticated (mTLS transport)
  Version: 0.0.97
`

export const STATUS_HTTP = `Server Status

  Gateway: openshell
  Server: https://127.0.0.1:17670
  Status: Connected (HTTP)
  HTTP: 200 OK
  gRPC error: Health failed
`

export const STATUS_DISCONNECTED = `Server Status

  Gateway: openshell
  Server: https://127.0.0.1:17670
  Status: Disconnected
`

export const STATUS_ERROR = `Server Status

  Gateway: openshell
  Server: https://127.0.0.1:17670
  Status: Error
`

export const STATUS_NOT_CONFIGURED_LEGACY = `Gateway Status

  ${dim('Status:')} No gateway configured.

Deploy a gateway with: openshell gateway start
`

export const STATUS_NOT_CONFIGURED_MODERN = `Gateway Status

  Status: No gateway configured.

Register a gateway with: openshell gateway add <endpoint>
`

export const STATUS_JSON_012 =
  '{"authentication":{"provider":"mTLS transport","status":"authenticated"},"gateway":"openshell","server":"https://127.0.0.1:17670","status":"connected","version":"0.1.2"}'

export const STATUS_JSON_PRETTY = `{
  "authentication": {
    "error": "token expired",
    "status": "failed"
  },
  "gateway": "nemoclaw",
  "server": "https://127.0.0.1:17670",
  "status": "connected",
  "version": "0.0.97"
}
`

export const GATEWAY_INFO_LEGACY = `Gateway Info

  ${dim('Gateway:')} nemoclaw
  ${dim('Gateway endpoint:')} https://127.0.0.1:8080
  ${dim('Remote host:')} gpu-box
  ${dim('Resolved host:')} 10.0.0.5
`

export const GATEWAY_INFO_MODERN = `Gateway Info

  Gateway: openshell
  Server: https://127.0.0.1:17670
  Status: healthy
  Version: 0.1.2
  Compute drivers:
    docker
      Driver version: 27.1.0
    podman
      Driver version: 5.0.1
`

export const GATEWAY_INFO_JSON = `{
  "auth": null,
  "compute_drivers": [
    {
      "capabilities": {
        "driver_name": "docker",
        "driver_version": "27.1.0"
      },
      "name": "docker"
    }
  ],
  "gateway": "openshell",
  "server": "https://127.0.0.1:17670",
  "status": "degraded",
  "version": "0.1.2"
}
`

export const GATEWAY_LIST_TABLE = `  NAME       ENDPOINT                  TYPE   SOURCE  AUTH
* nemoclaw   https://127.0.0.1:17670   local  user    mtls
  openshell  https://127.0.0.1:17671   local  system  mtls
`

export const GATEWAY_LIST_JSON = `[
  {
    "active": false,
    "auth": "mtls",
    "endpoint": "https://127.0.0.1:17671",
    "is_remote": false,
    "name": "openshell",
    "remote_host": null,
    "resolved_host": null,
    "source": "system",
    "type": "local"
  },
  {
    "active": true,
    "auth": "mtls",
    "endpoint": "https://127.0.0.1:17670",
    "is_remote": false,
    "name": "nemoclaw",
    "remote_host": null,
    "resolved_host": null,
    "source": "user",
    "type": "local"
  }
]
`

export const SANDBOX_LIST_LEGACY = `${ESC}[1mNAME${ESC}[0m     ${ESC}[1mNAMESPACE${ESC}[0m  ${ESC}[1mCREATED${ESC}[0m              ${ESC}[1mPHASE${ESC}[0m
alpha    openshell  2026-03-20 10:11:12  ${ESC}[32mReady${ESC}[0m
beta-2   openshell  2026-03-21 08:00:00  Provisioning
`

export const SANDBOX_LIST_MODERN = `NAME                 CREATED              PHASE
alpha                2026-05-01 09:00:00  Ready
my-long-sandbox-19c  2026-05-02 10:30:45  Error
gamma                1970-01-01 00:00:00  Hibernating
`

export const SANDBOX_LIST_ALL_WS = `WORKSPACE  NAME   CREATED              PHASE
default    alpha  2026-05-01 09:00:00  Ready
team-b     beta   2026-05-03 11:00:00  Stopped
`

export const SANDBOX_LIST_JSON_ARRAY = `[
  {
    "annotations": {},
    "created_at": "2026-05-01 09:00:00",
    "current_policy_version": 1,
    "id": "sbx-1",
    "labels": {},
    "name": "alpha",
    "phase": "Ready",
    "resource_version": 3,
    "workspace": "default"
  },
  {
    "annotations": {},
    "created_at": "2026-05-02 09:00:00",
    "current_policy_version": 0,
    "id": "sbx-2",
    "labels": {},
    "name": "beta",
    "phase": "Provisioning",
    "resource_version": 1,
    "workspace": "default"
  }
]
`

export const SANDBOX_LIST_ENVELOPE = `{
  "next_page_token": "",
  "sandboxes": [
    {
      "annotations": {},
      "created_at": "2026-06-01 12:00:00",
      "current_policy_version": 1,
      "id": "sbx-9",
      "labels": {},
      "name": "done",
      "phase": "Completed",
      "resource_version": 7,
      "workspace": "default"
    }
  ]
}
`

export const SANDBOX_GET_LEGACY = `${dim('Sandbox:')}

  ${dim('Id:')} 5f0c-11
  ${dim('Name:')} alpha
  ${dim('Namespace:')} openshell
  ${dim('Phase:')} Ready

Policy:
  version: 1
  network:
    Name: not-a-field
`

export const SANDBOX_GET_MODERN = `Sandbox:

  Id: 8a7b
  Name: beta
  Phase: Provisioning
  Resource version: 4
  Policy source: sandbox
`

export const SANDBOX_GET_JSON = `{
  "annotations": {},
  "created_at": "2026-05-01 09:00:00",
  "current_policy_version": 1,
  "id": "sbx-1",
  "labels": {},
  "name": "alpha",
  "phase": "Stopped",
  "policy": {
    "version": 1
  },
  "policy_source": "sandbox",
  "resource_version": 3,
  "revision": null,
  "workspace": "default"
}
`

export const INFERENCE_SET = `Inference:

  Workspace: default
  Provider: nvidia
  Model: meta/llama-3.1-8b-instruct
  Version: 2
  Timeout: 60s

System inference:

  Not configured
`

export const INFERENCE_NOT_CONFIGURED = `Inference:

  Not configured

System inference:

  Provider: nvidia
  Model: x
`

// ---- stderr reports (miette) ---------------------------------------------------------------------------------

export const ERR_REFUSED_GRPC = `Error:   × transport error
  ├─▶ tcp connect error
  ├─▶ tcp connect error
  ╰─▶ Connection refused (os error 111)
`

export const ERR_REFUSED_GRPC_ANSI = `${red('Error:')}   ${red('×')} transport error
  ${red('├─▶')} tcp connect error
  ${red('╰─▶')} Connection refused (os error 61)
`

export const ERR_REFUSED_STATUS = `Error:   × client error (Connect)
  ├─▶ tcp connect error
  ╰─▶ Connection refused (os error 111)
`

export const ERR_RESET = `Error:   × transport error
  ╰─▶ Connection reset by peer (os error 104)
`

export const ERR_UNKNOWN_ISSUER = `Error:   × transport error
  ├─▶ invalid peer certificate: UnknownIssuer
  ╰─▶ invalid peer certificate: UnknownIssuer
`

export const ERR_BAD_SIGNATURE_STATUS = `Error:   × client error (Connect)
  ╰─▶ invalid peer certificate: BadSignature
`

export const ERR_HANDSHAKE_LEGACY = `${red('Error:')}   ${red('×')} transport error
  ${red('├─▶')} error trying to connect: received fatal alert: handshake verification
  ${red('│')}   failed
  ${red('╰─▶')} handshake verification failed
`

export const ERR_EXPIRED = `Error:   × transport error
  ╰─▶ invalid peer certificate: certificate expired: verification time 1767225600 (UNIX), but certificate is not valid after 1767139200 (UNIX)
`

export const ERR_NAME = `Error:   × transport error
  ╰─▶ invalid peer certificate: certificate not valid for name "127.0.0.1"; certificate is only valid for DnsName("gw")
`

export const ERR_NOT_FOUND_LEGACY = `Error:   × status: NotFound, message: "sandbox not found", details: [], metadata:
  │ MetadataMap { headers: {"content-type": "application/grpc", "date": "Fri,
  │ 20 Mar 2026 10:00:00 GMT"} }
`

export const ERR_NOT_FOUND_MODERN = `Error:   × code: 'Some requested entity was not found', message: "sandbox not found"
`

/** The modern not-found line wrapped by miette inside the phrase "sandbox not found". */
export const ERR_NOT_FOUND_WRAPPED = `Error:   × failed to fetch sandbox 'alpha-with-a-long-name' from gateway 'nemoclaw': code: 'Some requested entity was not found', message: "sandbox
  │ not found"
`

export const ERR_CA_MISSING = `Error:   × TLS CA is required for https endpoints or place certs in
  │ /home/u/.config/openshell/gateways/nemoclaw/mtls
`

export const ERR_READ_CA = `Error:   × failed to read TLS CA from /home/u/.config/openshell/gateways/nemoclaw/mtls/ca.crt
  ╰─▶ No such file or directory (os error 2)
`

export const ERR_READ_CERT = `Error:   × failed to read TLS cert from /home/u/.config/openshell/gateways/nemoclaw/mtls/tls.crt
  ╰─▶ No such file or directory (os error 2)
`

export const ERR_READ_KEY = `Error:   × failed to read TLS key from /x/tls.key
  ╰─▶ Permission denied (os error 13)
`

export const ERR_EDGE = 'Error:   × edge credentials are missing; run `openshell gateway login nemoclaw`\n'
export const ERR_OIDC = 'Error:   × OIDC credentials are missing; run `openshell gateway login nemoclaw`\n'
export const ERR_TOKEN_LEGACY = 'Error:   × Missing gateway auth token\n'
export const ERR_DEVICE = 'Error:   × device identity required\n'

export const ERR_EXISTS = `Error:   × sandbox already exists
  │ hint: delete it first with: openshell sandbox delete alpha
`

export const ERR_EXISTS_GRPC = `Error:   × code: 'Some entity that we attempted to create already exists', message: "alpha"
`

export const ERR_UNKNOWN_GATEWAY = "Error:   × Unknown gateway 'ghost'.\n"
export const ERR_NO_ACTIVE = 'Error:   × No active gateway.\n'
export const ERR_NO_METADATA = "No gateway metadata found for 'ghost'.\n"
export const ERR_NO_GATEWAY = 'No gateway configured.\n\nRegister a gateway with: openshell gateway add <endpoint>\n'

export const ERR_NOT_READY = 'Error:   × sandbox is not ready\n'
export const ERR_SUPERVISOR = `Error:   × failed to open ssh session
  ╰─▶ code: 'The system is not in a state required for the operation's execution', message: "supervisor session not
      connected"
`

export const ERR_PROVISION_TIMEOUT = `Error:   × sandbox provisioning timed out after 300s; the sandbox may still be starting. Check
  │ with: openshell sandbox get alpha
`

export const ERR_PHASE_TIMEOUT = 'Error:   × timed out after 120s waiting for sandbox to reach Ready\n'

export const ERR_USAGE = `error: unrecognized subcommand 'start'

Usage: openshell gateway <COMMAND>

For more information, try '--help'.
`

export const ERR_GATEWAY_EXISTS = "Error:   × Gateway 'nemoclaw' already exists.\n"

export const ERR_CREATE_REFUSED = `Error:   × failed to connect to gateway 'nemoclaw' at https://127.0.0.1:17670. Start the
  │ gateway service with the installed package manager, or register a different
  │ endpoint with \`openshell gateway add <endpoint>\`.
  ├─▶ transport error
  ├─▶ tcp connect error
  ╰─▶ Connection refused (os error 111)
`

// Real openshell 0.0.111 against the real 0.0.111 gateway (test/support/real-gateway.ts), stdout/stderr as printed.
export const PROVIDER_GET_0_0_111 = `${ESC}[1m${ESC}[36mProvider:${ESC}[39m${ESC}[0m

  ${dim('Id:')} ed1f191b-2314-4799-816f-45a3441ef076
  ${dim('Name:')} p1
  ${dim('Type:')} openai
  ${dim('Resource version:')} 4
  ${dim('Credential keys:')} MYKEY
  ${dim('Config keys:')} <none>
`
export const ERR_PROVIDER_NOT_FOUND_0_0_111 = `Error:   × code: 'Some requested entity was not found', message: "provider not found"\n\n`
export const ERR_INFERENCE_UNVERIFIED_0_0_111 = `Error:   × failed to verify inference endpoint for provider 'p1' and model 'm1' at
  │ 'http://127.0.0.1:9/v1': failed to connect to http://127.0.0.1:9/v1/chat/
  │ completions: error sending request for url (http://127.0.0.1:9/v1/chat/
  │ completions). Next steps: check that the service is running, confirm the
  │ base URL and protocol, and verify credentials, or retry with '--no-verify'
  │ if you want to skip verification

`
export const ERR_PROVIDER_PROFILE_0_0_111 = `Error:   × provider profile 'openai' not found; providers v2 discovery requires a
  │ provider profile

`
