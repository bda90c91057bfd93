/**
 * Shared types of the OpenShell adapter. Everything that talks to `openshell` (runner, client) and everything that
 * reads what it printed (parsers, classifier) speaks in these types; the rest of nemoclaw never sees raw argv
 * results except as evidence.
 */

export type Generation = 'legacy' | 'modern'

export interface SemVer {
  major: number
  minor: number
  patch: number
  raw: string
}

/** What the detected `openshell` version can do. Decided from the version alone, never by trial and error. */
export interface Capabilities {
  version: SemVer
  /** legacy = 0.0.1 … 0.0.36 (k3s in Docker, `gateway start|stop|destroy`); modern = 0.0.37 and later. */
  generation: Generation
  /** `gateway start|stop|destroy` exist (≤ 0.0.36). */
  legacyLifecycle: boolean
  /** `gateway add|remove|list` exist (≥ 0.0.37). */
  gatewayRegistry: boolean
  /** `gateway list -o json` (≥ 0.0.37). */
  gatewayListJson: boolean
  /** `sandbox list -o json` (≥ 0.0.44). */
  sandboxListJson: boolean
  /** `sandbox list -o json` is the `{next_page_token, sandboxes}` envelope and the list pages (≥ 0.1.0). */
  sandboxListPaged: boolean
  /** `sandbox list --limit/--offset` pages the 0.0.x list (0.0.26 ≤ v < 0.1.0; default limit 100, cut silently). */
  sandboxListOffset: boolean
  /** `status -o json` and `sandbox get -o json` (≥ 0.0.92). */
  statusJson: boolean
  /** `sandbox start NAME` restarts a Stopped sandbox, keeping its workspace (≥ 0.0.105). */
  sandboxStart: boolean
  /** `gateway info` is a live call with `Server:` / `Status:` (≥ 0.0.85); before, local metadata only. */
  gatewayInfoLive: boolean
  /** Tonic error text: `status: NotFound, …` (≤ 0.0.60) or `code: '…', message: …` (≥ 0.0.61). */
  tonicStyle: 'legacy' | 'modern'
  /** Default gateway port: 8080 legacy, 17670 modern. */
  defaultPort: number
  /** Newer than the newest version nemoclaw knows: treated as modern, doctor warns. */
  newerThanKnown: boolean
  /** Older than the oldest version nemoclaw supports. */
  unsupported: boolean
}

/** One finished (or killed) `openshell` call. Output is already ANSI-stripped and has miette wraps joined. */
export interface RunResult {
  /** argv as run, without the binary path: e.g. ['-g', 'nemoclaw', 'sandbox', 'list', '-o', 'json']. */
  argv: string[]
  binary: string
  exitCode: number | null
  /** Signal name when the child was killed by a signal (including our own timeout kill). */
  signal: string | null
  stdout: string
  stderr: string
  timedOut: boolean
  durationMs: number
  /** The timeout that applied to this call (ms), when one did. */
  timeoutMs?: number
  /** Output exceeded the runner's cap; the child (and its process group) was killed and output truncated. */
  truncated?: boolean
  /** Node error code when the binary could not be spawned at all (ENOENT, EACCES, …). */
  spawnError?: string
}

/** Low-level failure kinds read off a failed `openshell` call. The gateway lifecycle model maps these to classes. */
export type FailureKind =
  | 'openshell_missing'
  | 'openshell_not_executable'
  | 'connection_refused'
  | 'connection_reset'
  | 'trust_rotated'
  | 'certs_missing'
  | 'auth_required'
  | 'sandbox_not_found'
  | 'sandbox_exists'
  | 'gateway_unknown'
  /** `gateway add` of a name that is already registered (0.0.111: `Gateway '<n>' already exists.`). */
  | 'gateway_exists'
  | 'gateway_not_configured'
  | 'sandbox_not_ready'
  | 'provision_timeout'
  | 'usage_error'
  | 'timed_out'
  | 'killed'
  | 'unparseable'
  | 'unknown'

export interface FailureEvidence {
  argv: string[]
  exitCode: number | null
  signal: string | null
  timedOut: boolean
  /** The meaningful stderr lines (stripped, joined, glyphs removed), at most a handful. */
  lines: string[]
  /** The timeout that killed the call, when it timed out. */
  timeoutMs?: number
}

export interface Failure {
  kind: FailureKind
  /** One short human line: the key error text (e.g. `invalid peer certificate: BadSignature`). */
  message: string
  evidence: FailureEvidence
  /**
   * Optional finer reason within the kind, e.g. for trust_rotated: 'bad_signature' | 'unknown_issuer' |
   * 'handshake' | 'expired' | 'name_mismatch'; for unknown: 'port_in_use' | 'wire_mismatch' | …
   */
  detail?: string
}

export type Outcome<T> = {ok: true; value: T; run: RunResult} | {ok: false; failure: Failure; run?: RunResult}

export type SandboxPhase =
  | 'Unspecified'
  | 'Provisioning'
  | 'Ready'
  | 'Error'
  | 'Deleting'
  | 'Unknown'
  | 'Stopping'
  | 'Stopped'
  | 'Starting'
  | 'Completed'

export type ConnectionStatus = 'connected' | 'connected_http' | 'error' | 'disconnected'

export type GatewayStatus =
  | {configured: false}
  | {
      configured: true
      gateway: string
      server: string
      status: ConnectionStatus
      /** e.g. 'authenticated', 'not_required', 'failed', 'unverified'. */
      authentication?: {status: string; detail?: string}
      version?: string
      error?: string
    }

export interface GatewayInfo {
  gateway: string
  endpoint: string
  /** Live status (modern): healthy | degraded | unhealthy | unknown. Absent for legacy metadata-only output. */
  status?: string
  version?: string
  remoteHost?: string
  computeDrivers?: string[]
}

export interface GatewayListEntry {
  name: string
  endpoint: string
  active: boolean
  type?: string
  source?: string
  auth?: string
  isRemote?: boolean
}

export interface SandboxSummary {
  name: string
  phase: SandboxPhase
  /** `YYYY-MM-DD HH:MM:SS` UTC as printed. */
  createdAt?: string
  id?: string
  namespace?: string
  workspace?: string
}

export interface SandboxList {
  sandboxes: SandboxSummary[]
  /** Non-empty when another page exists (0.1.x). */
  nextPageToken?: string
  /**
   * Set by the client when the list may be cut short and could not be paged (a version without `--offset` that
   * returned a full default page): a name missing from it proves nothing.
   */
  incomplete?: boolean
}

export interface SandboxDetail extends SandboxSummary {
  /** The `Policy:` YAML (text, de-indented) or the JSON `policy` object re-serialised. */
  policy?: string
  labels?: Record<string, string>
}

export interface InferenceRoute {
  configured: boolean
  provider?: string
  model?: string
  /** `Error: <message>` printed inside the `Inference:` block (route lookup failed; configured is then false). */
  error?: string
  /** The `System inference:` block (the gateway's own route; 0.0.111 prints it after the user route). */
  system?: {configured: boolean; provider?: string; model?: string}
}

/** `gateway add` as printed on stderr (0.0.111). */
export interface GatewayAddResult {
  name: string
  endpoint?: string
  /** `local`, `remote`, `cloud` (an https endpoint without --local/--remote is a browser-login cloud gateway). */
  type?: string
  /** False when `⚠ Gateway is not reachable at <url>` was printed (it still registers and exits 0). */
  reachable: boolean
  /** `✓ TLS certificates present`. */
  tlsPresent: boolean
  /** Cloud registration whose browser login failed or was skipped (`! Authentication failed: …`). */
  authFailed: boolean
  /** `! Registration for '<n>' removed.` — the CLI undid the registration although it exits 0. */
  registrationRemoved: boolean
}

/** One row of `provider list`. */
export interface ProviderEntry {
  name: string
  type?: string
  /** Names of the environment variables the provider reads its credential from (when listed). */
  credentialKeys?: string[]
}

/**
 * `provider get NAME`: what the gateway holds for a provider. Key NAMES only: no version prints a credential or a
 * config VALUE, so an endpoint URL cannot be read back. `found: false` when the gateway has no such provider.
 */
export type ProviderDetail =
  | {found: false; name: string}
  | {found: true; name: string; type: string; id?: string; credentialKeys: string[]; configKeys: string[]}

/** A provider credential as nemoclaw passes it: an environment variable's NAME, or nemoclaw's placeholder. */
export type CredentialSpec = {env: string} | {placeholder: true}

/** A refused `inference set`: the gateway could not verify the endpoint (0.0.111 verifies before saving the route). */
export interface InferenceVerifyFailure {
  provider: string
  model: string
  /** The base URL the gateway tried. */
  url: string
  /** What failed, e.g. `failed to connect to http://…/chat/completions: error sending request for url (…)`. */
  error: string
}

/** Per-name outcome printed by `sandbox delete`. */
export type DeleteOutcome = 'deleted' | 'accepted' | 'already_deleted' | 'not_found' | 'unknown'
