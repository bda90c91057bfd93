// A small mTLS gRPC stub of the OpenShell gateway, so that the REAL `openshell` CLI prints genuine output.
// Speaks one of three wire generations (authored .proto subsets under ./proto, verified against the wheels'
// descriptors by test/conformance/proto-drift.test.ts):
//   wire '0.1'    — 0.1.x (named sandboxes, WorkspaceSelector, AIP-158 paging, Timestamp at +100, DeletionOutcome)
//   wire '0.0'    — late 0.0.x as the 0.0.111 CLI speaks it (ObjectMeta, limit/offset, created_at_ms, deleted bool, ids)
//   wire 'legacy' — legacy 0.0.x as the 0.0.26 CLI speaks it (proto/v0_0_legacy): a flat
//                   openshell.datamodel.v1.Sandbox {id, name, namespace, spec, status, phase, created_at_ms,
//                   current_policy_version}, six phases, no labels/workspaces, no GetGatewayInfo/GetSandboxConfig,
//                   no providers, inference as GetClusterInference{route_name}; limit/offset, deleted bool, watch by id
//                   as in '0.0'. Its `sandbox create -- cmd` then wants CreateSshSession, which no wire serves.
// One implementation serves all three: only the message shapes in WIRES differ. RPCs a wire's .proto does not
// declare are not served (grpc-js answers UNIMPLEMENTED). Only 127.0.0.1. Every request is recorded in `calls`
// so tests can assert what the CLI sent.
import * as grpc from '@grpc/grpc-js'
import * as protoLoader from '@grpc/proto-loader'
import {randomUUID} from 'node:crypto'
import {chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {generatePki, type Pki} from './pki.js'

export type Wire = '0.1' | '0.0' | 'legacy'
/** Sandbox phases across the wires; a wire accepts only those in its SandboxPhase enum ('legacy': the first six). */
export type Phase =
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

export interface StubOptions {
  /** Directory for PKI + local TLS bundle (default: a fresh temp dir, removed by stop({cleanup:true})). */
  dir?: string
  /** Port on 127.0.0.1 (default 0 = ephemeral; kept across restarts). */
  port?: number
  /** Wire generation (default '0.1'). */
  wire?: Wire
  /** Version reported by Health / GetGatewayInfo (default '0.1.5', '0.0.111' or '0.0.26' by wire). */
  version?: string
  /** Require a client certificate (real gateway behaviour; default true). */
  requireClientCert?: boolean
  /** Milliseconds a created sandbox stays Provisioning before Ready (default 300). */
  provisionMs?: number
}

export interface StubSandbox {
  id: string
  name: string
  phase: Phase
  createdMs: number
  labels: Record<string, string>
  resourceVersion: number
}

export interface StubCall {
  method: string
  request: unknown
}

export interface StubGateway {
  port: number
  endpoint: string
  /** Directory holding the current PKI (ca.crt, server.*, client.*). */
  certDir: string
  /** `$OPENSHELL_LOCAL_TLS_DIR` layout: ca.crt, client/tls.crt, client/tls.key (+ server/). */
  localTlsDir: string
  wire: Wire
  calls: StubCall[]
  sandboxes: Map<string, StubSandbox>
  /** Providers created through CreateProvider (0.0 wire): name → {type, credential keys, config}. */
  providers: Map<string, {type: string; credentialKeys: string[]; config: Record<string, string>}>
  /** Inference routes set through SetInferenceRoute (0.0 wire), keyed by route name ('' = the user route). */
  routes: Map<string, {provider: string; model: string; version: number}>
  addSandbox(name: string, phase?: Phase, opts?: {createdMs?: number; labels?: Record<string, string>}): StubSandbox
  removeSandbox(name: string): boolean
  setPhase(name: string, phase: Phase): void
  stop(opts?: {cleanup?: boolean}): Promise<void>
  restart(opts?: {newCa?: boolean}): Promise<void>
  /** Write metadata.json + mtls/ + active_gateway under `<home>/.config/openshell` exactly as
   *  `openshell gateway add <endpoint> --local --name <name>` writes them (learned from the real 0.0.111 CLI;
   *  the legacy 0.0.26 CLI's `gateway add --local` writes the same files). */
  registerWithCli(home: string, name: string, opts?: {activate?: boolean}): string
}

const here = dirname(fileURLToPath(import.meta.url))
const PHASE_ENUM = (p: Phase) => `SANDBOX_PHASE_${p.toUpperCase()}`
type Msg = Record<string, unknown>

/** What differs between the wires: where the protos live, the default version, and the message shapes. */
interface WireShape {
  dir: string
  version: string
  /** Fully qualified SandboxPhase enum of this wire. */
  phaseEnum: string
  /** Paging of ListSandboxes: AIP-158 page_size/page_token (0.1) or limit/offset (0.0.x). */
  paging: 'token' | 'offset'
  /** GetSandboxConfig/WatchSandbox address a sandbox by name (0.1) or by the id GetSandbox returned (0.0.x). */
  addressBy: 'name' | 'id'
  /** A Sandbox message as this wire encodes it. */
  sandbox(s: StubSandbox): Msg
  /** DeleteSandboxResponse for a deleted sandbox, or for a missing one with allow_missing (0.1 only). */
  deleted(s: StubSandbox | undefined): Msg
}

const POLICY = {
  version: 1,
  filesystem: {include_workdir: true, read_only: ['/usr', '/lib'], read_write: ['/sandbox', '/tmp']},
}
const status00 = (s: StubSandbox) => ({sandbox_name: s.name, conditions: []})
const WIRES: Record<Wire, WireShape> = {
  '0.1': {
    dir: 'v0_1',
    version: '0.1.5',
    phaseEnum: 'openshell.v1.SandboxPhase',
    paging: 'token',
    addressBy: 'name',
    sandbox: (s) => ({
      metadata: {
        id: s.id,
        name: s.name,
        labels: s.labels,
        annotations: {},
        resource_version: String(s.resourceVersion),
        workspace: 'default',
        created_time: {seconds: String(Math.floor(s.createdMs / 1000)), nanos: (s.createdMs % 1000) * 1e6},
      },
      spec: {log_level: 'info', providers: [], command: [], tty: false},
      status: {phase: PHASE_ENUM(s.phase), current_policy_version: 1, conditions: []},
    }),
    deleted: (s) =>
      s
        ? {outcome: 'DELETION_OUTCOME_COMPLETED', sandbox_id: s.id}
        : {outcome: 'DELETION_OUTCOME_ALREADY_ABSENT', sandbox_id: ''},
  },
  '0.0': {
    dir: 'v0_0',
    version: '0.0.111',
    phaseEnum: 'openshell.v1.SandboxPhase',
    paging: 'offset',
    addressBy: 'id',
    sandbox: (s) => ({
      metadata: {
        id: s.id,
        name: s.name,
        labels: s.labels,
        annotations: {},
        resource_version: String(s.resourceVersion),
        workspace: 'default',
        created_at_ms: String(s.createdMs),
      },
      spec: {log_level: 'info', providers: [], command: [], tty: false},
      status: {...status00(s), phase: PHASE_ENUM(s.phase), current_policy_version: 1},
    }),
    deleted: () => ({deleted: true}),
  },
  legacy: {
    dir: 'v0_0_legacy',
    version: '0.0.26',
    phaseEnum: 'openshell.datamodel.v1.SandboxPhase',
    paging: 'offset',
    addressBy: 'id',
    sandbox: (s) => ({
      id: s.id,
      name: s.name,
      namespace: 'openshell',
      spec: {log_level: 'info', providers: [], environment: {}, gpu: false, policy: POLICY},
      status: status00(s),
      phase: PHASE_ENUM(s.phase),
      created_at_ms: String(s.createdMs),
      current_policy_version: 1,
    }),
    deleted: () => ({deleted: true}),
  },
}

function loadWire(wire: Wire): grpc.GrpcObject {
  const dir = join(here, 'proto', WIRES[wire].dir)
  const def = protoLoader.loadSync(['openshell.proto', 'inference.proto'], {
    includeDirs: [dir],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  })
  return grpc.loadPackageDefinition(def)
}

type Svc = {service: grpc.ServiceDefinition}
function lookup(root: grpc.GrpcObject, path: string): any {
  let o: any = root
  for (const p of path.split('.')) o = o?.[p]
  if (!o) throw new Error(`${path} not in the stub protos`)
  return o
}
const svc = (root: grpc.GrpcObject, path: string): grpc.ServiceDefinition => (lookup(root, path) as Svc).service

function grpcError(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(details), {code, details, metadata: new grpc.Metadata()}) as grpc.ServiceError
}

export async function startStubGateway(opts: StubOptions = {}): Promise<StubGateway> {
  const wire: Wire = opts.wire ?? '0.1'
  const shape = WIRES[wire]
  const version = opts.version ?? shape.version
  const ownDir = !opts.dir
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'openshell-stub-'))
  mkdirSync(dir, {recursive: true})
  const root = loadWire(wire)
  const phases = new Set((lookup(root, shape.phaseEnum).type.value as Array<{name: string}>).map((v) => v.name))
  const checkPhase = (p: Phase) => {
    if (!phases.has(PHASE_ENUM(p)))
      throw new Error(`phase ${p} does not exist on the ${wire} wire (${shape.phaseEnum})`)
  }
  const sandboxes = new Map<string, StubSandbox>()
  const calls: StubCall[] = []
  const providers: StubGateway['providers'] = new Map()
  const routes: StubGateway['routes'] = new Map()
  const watchers = new Set<(s: StubSandbox) => void>()
  let generation = 0
  let pki: Pki = generatePki(join(dir, `pki-${generation}`))
  const localTlsDir = join(dir, 'local-tls')
  let server: grpc.Server | undefined
  let port = opts.port ?? 0

  const writeLocalTls = () => {
    rmSync(localTlsDir, {recursive: true, force: true})
    mkdirSync(join(localTlsDir, 'client'), {recursive: true})
    mkdirSync(join(localTlsDir, 'server'), {recursive: true})
    writeFileSync(join(localTlsDir, 'ca.crt'), pki.caCert)
    writeFileSync(join(localTlsDir, 'client', 'tls.crt'), pki.clientCert)
    writeFileSync(join(localTlsDir, 'client', 'tls.key'), pki.clientKey, {mode: 0o600})
    writeFileSync(join(localTlsDir, 'server', 'tls.crt'), pki.serverCert)
    writeFileSync(join(localTlsDir, 'server', 'tls.key'), pki.serverKey, {mode: 0o600})
  }
  writeLocalTls()

  const toWire = shape.sandbox
  const touch = (s: StubSandbox) => {
    s.resourceVersion++
    for (const w of watchers) w(s)
  }
  const record = (method: string, request: unknown) => {
    calls.push({method, request})
  }
  const byName = (name: string) => sandboxes.get(name)
  const byId = (id: string) => [...sandboxes.values()].find((x) => x.id === id)
  /** The sandbox a GetSandboxConfig/WatchSandbox request addresses (`name` field: sandbox (Watch) or name (Config) on 0.1). */
  const addressed = (id: string, name: string) => (shape.addressBy === 'name' ? byName(name) : byId(id))
  const notFound = () => grpcError(grpc.status.NOT_FOUND, 'sandbox not found')

  const policy = POLICY

  const openshellImpl: grpc.UntypedServiceImplementation = {
    Health(call: grpc.ServerUnaryCall<any, any>, cb: grpc.sendUnaryData<any>) {
      record('Health', call.request)
      cb(null, {status: 'SERVICE_STATUS_HEALTHY', version})
    },
    GetGatewayInfo(call: grpc.ServerUnaryCall<any, any>, cb: grpc.sendUnaryData<any>) {
      record('GetGatewayInfo', call.request)
      cb(null, {
        status: 'SERVICE_STATUS_HEALTHY',
        gateway_version: version,
        compute_drivers: [{name: 'docker', capabilities: {driver_name: 'docker', driver_version: 'stub-1.0'}}],
      })
    },
    ListSandboxes(call: grpc.ServerUnaryCall<any, any>, cb: grpc.sendUnaryData<any>) {
      const r = call.request
      record('ListSandboxes', r)
      const all = [...sandboxes.values()]
      if (shape.paging === 'token') {
        const size = r.page_size > 0 ? Math.min(r.page_size, 1000) : 100
        const start = r.page_token ? Number.parseInt(Buffer.from(r.page_token, 'base64url').toString(), 10) : 0
        if (Number.isNaN(start)) return cb(grpcError(grpc.status.INVALID_ARGUMENT, 'invalid page_token'))
        const page = all.slice(start, start + size)
        const next = start + size < all.length ? Buffer.from(String(start + size)).toString('base64url') : ''
        return cb(null, {sandboxes: page.map(toWire), next_page_token: next})
      }
      const offset = r.offset ?? 0
      const page = r.limit > 0 ? all.slice(offset, offset + r.limit) : all.slice(offset)
      cb(null, {sandboxes: page.map(toWire)})
    },
    GetSandbox(call: grpc.ServerUnaryCall<any, any>, cb: grpc.sendUnaryData<any>) {
      record('GetSandbox', call.request)
      const s = byName(call.request.name)
      if (!s) return cb(notFound())
      cb(null, {sandbox: toWire(s)})
    },
    GetSandboxConfig(call: grpc.ServerUnaryCall<any, any>, cb: grpc.sendUnaryData<any>) {
      const r = call.request
      record('GetSandboxConfig', r)
      const s = addressed(r.sandbox_id, r.name)
      if (!s) return cb(notFound())
      cb(null, {policy, version: 1, policy_hash: 'stub', config_revision: '1', policy_source: 'POLICY_SOURCE_SANDBOX'})
    },
    DeleteSandbox(call: grpc.ServerUnaryCall<any, any>, cb: grpc.sendUnaryData<any>) {
      const r = call.request
      record('DeleteSandbox', r)
      const s = byName(r.name)
      if (!s) {
        if (r.allow_missing) return cb(null, shape.deleted(undefined)) // only 0.1 has allow_missing
        return cb(notFound())
      }
      sandboxes.delete(r.name)
      s.phase = 'Deleting'
      touch(s)
      cb(null, shape.deleted(s))
    },
    CreateSandbox(call: grpc.ServerUnaryCall<any, any>, cb: grpc.sendUnaryData<any>) {
      const r = call.request
      record('CreateSandbox', r)
      const name: string = r.name || `sandbox-${randomUUID().slice(0, 8)}`
      if (sandboxes.has(name)) return cb(grpcError(grpc.status.ALREADY_EXISTS, 'sandbox already exists'))
      if (name.length > 19)
        return cb(grpcError(grpc.status.INVALID_ARGUMENT, `name exceeds maximum length (${name.length} > 19)`))
      const s = addSandbox(name, 'Provisioning', {labels: r.labels ?? {}})
      setTimeout(() => {
        if (sandboxes.get(name) === s) {
          s.phase = 'Ready'
          touch(s)
        }
      }, opts.provisionMs ?? 300)
      cb(null, {sandbox: toWire(s)})
    },
    WatchSandbox(call: grpc.ServerWritableStream<any, any>) {
      const r = call.request
      record('WatchSandbox', r)
      const s = addressed(r.id, r.sandbox)
      if (!s) {
        call.emit('error', notFound())
        return
      }
      const send = (x: StubSandbox) => {
        if (x.id === s.id && !call.cancelled) call.write({sandbox: toWire(x)})
      }
      watchers.add(send)
      const end = () => {
        watchers.delete(send)
        clearTimeout(cap)
      }
      const cap = setTimeout(() => {
        end()
        call.end()
      }, 60_000)
      call.on('cancelled', end)
      call.on('close', end)
      send(s)
    },
    // Providers (0.0 wire, as `provider create|get|list` of 0.0.111 use them). Credential VALUES are never kept.
    CreateProvider(call: grpc.ServerUnaryCall<any, any>, cb: grpc.sendUnaryData<any>) {
      const p = call.request.provider ?? {}
      const name: string = p.metadata?.name ?? ''
      record('CreateProvider', {
        provider: {metadata: p.metadata, type: p.type, credentials: Object.keys(p.credentials ?? {}), config: p.config},
        workspace: call.request.workspace,
      })
      if (!name) return cb(grpcError(grpc.status.INVALID_ARGUMENT, 'provider name is required'))
      if (providers.has(name)) return cb(grpcError(grpc.status.ALREADY_EXISTS, 'provider already exists'))
      providers.set(name, {
        config: p.config ?? {},
        credentialKeys: Object.keys(p.credentials ?? {}),
        type: p.type ?? '',
      })
      cb(null, {provider: providerWire(name)})
    },
    GetProvider(call: grpc.ServerUnaryCall<any, any>, cb: grpc.sendUnaryData<any>) {
      record('GetProvider', call.request)
      if (!providers.has(call.request.name)) return cb(grpcError(grpc.status.NOT_FOUND, 'provider not found'))
      cb(null, {provider: providerWire(call.request.name)})
    },
    ListProviders(call: grpc.ServerUnaryCall<any, any>, cb: grpc.sendUnaryData<any>) {
      record('ListProviders', call.request)
      cb(null, {providers: [...providers.keys()].sort().map(providerWire)})
    },
  }
  const providerWire = (name: string) => {
    const p = providers.get(name)!
    return {
      metadata: {
        id: `prov-${name}`,
        name,
        labels: {},
        annotations: {},
        resource_version: '1',
        workspace: 'default',
        created_at_ms: String(Date.now()),
      },
      type: p.type,
      credentials: Object.fromEntries(p.credentialKeys.map((k) => [k, ''])),
      config: p.config,
    }
  }

  // GetInferenceRoute (0.0/0.1) and the legacy GetClusterInference share request and response fields
  // (legacy has no workspace; fields a wire lacks are dropped by the encoder).
  const getRoute = (method: string) => (call: grpc.ServerUnaryCall<any, any>, cb: grpc.sendUnaryData<any>) => {
    record(method, call.request)
    const r = routes.get(call.request.route_name ?? '')
    if (!r) return cb(grpcError(grpc.status.NOT_FOUND, 'inference route not found'))
    cb(null, {
      provider_name: r.provider,
      model_id: r.model,
      version: String(r.version),
      route_name: call.request.route_name ?? '',
      timeout_secs: '0',
      workspace: call.request.workspace || 'default',
    })
  }
  const inferenceImpl: grpc.UntypedServiceImplementation = {
    GetInferenceRoute: getRoute('GetInferenceRoute'),
    GetClusterInference: getRoute('GetClusterInference'),
    SetInferenceRoute(call: grpc.ServerUnaryCall<any, any>, cb: grpc.sendUnaryData<any>) {
      const q = call.request
      record('SetInferenceRoute', q)
      if (!providers.has(q.provider_name))
        return cb(grpcError(grpc.status.NOT_FOUND, `provider '${q.provider_name}' not found`))
      const key = q.route_name ?? ''
      const version = (routes.get(key)?.version ?? 0) + 1
      routes.set(key, {model: q.model_id, provider: q.provider_name, version})
      // No upstream is reachable from here: the stub reports that it validated nothing.
      cb(null, {
        provider_name: q.provider_name,
        model_id: q.model_id,
        version: String(version),
        route_name: key,
        validation_performed: false,
        validated_endpoints: [],
        timeout_secs: q.timeout_secs ?? '0',
        workspace: q.workspace || 'default',
      })
    },
  }

  const listen = async () => {
    const s = new grpc.Server()
    s.addService(svc(root, 'openshell.v1.OpenShell'), openshellImpl)
    s.addService(svc(root, 'openshell.inference.v1.Inference'), inferenceImpl)
    const creds = grpc.ServerCredentials.createSsl(
      Buffer.from(pki.caCert),
      [{private_key: Buffer.from(pki.serverKey), cert_chain: Buffer.from(pki.serverCert)}],
      opts.requireClientCert ?? true,
    )
    port = await new Promise<number>((resolve, reject) =>
      s.bindAsync(`127.0.0.1:${port}`, creds, (err, p) => (err ? reject(err) : resolve(p))),
    )
    server = s
  }
  const shutdown = async () => {
    const s = server
    server = undefined
    if (!s) return
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        s.forceShutdown()
        resolve()
      }, 1000)
      s.tryShutdown(() => {
        clearTimeout(t)
        resolve()
      })
    })
  }

  function addSandbox(
    name: string,
    phase: Phase = 'Ready',
    o: {createdMs?: number; labels?: Record<string, string>} = {},
  ): StubSandbox {
    checkPhase(phase)
    const s: StubSandbox = {
      id: randomUUID(),
      name,
      phase,
      createdMs: o.createdMs ?? Date.UTC(2026, 10, 1, 12, 0, 0) + sandboxes.size * 1000,
      labels: o.labels ?? {},
      resourceVersion: 1,
    }
    sandboxes.set(name, s)
    return s
  }

  await listen()
  const gw: StubGateway = {
    get port() {
      return port
    },
    get endpoint() {
      return `https://127.0.0.1:${port}`
    },
    get certDir() {
      return pki.dir
    },
    localTlsDir,
    wire,
    calls,
    sandboxes,
    providers,
    routes,
    addSandbox,
    removeSandbox: (name) => sandboxes.delete(name),
    setPhase(name, phase) {
      const s = sandboxes.get(name)
      if (!s) throw new Error(`no stub sandbox ${name}`)
      checkPhase(phase)
      s.phase = phase
      touch(s)
    },
    async stop(o = {}) {
      for (const w of watchers) watchers.delete(w)
      await shutdown()
      if (o.cleanup && ownDir) rmSync(dir, {recursive: true, force: true})
    },
    async restart(o = {}) {
      await shutdown()
      if (o.newCa) {
        generation++
        pki = generatePki(join(dir, `pki-${generation}`)) // same DN, new key: a rotated gateway
        writeLocalTls()
      }
      await listen()
    },
    registerWithCli(home, name, o = {}) {
      const base = join(home, '.config', 'openshell')
      const gwDir = join(base, 'gateways', name)
      const mtls = join(gwDir, 'mtls')
      mkdirSync(mtls, {recursive: true, mode: 0o700})
      chmodSync(base, 0o700)
      chmodSync(gwDir, 0o700)
      chmodSync(mtls, 0o700)
      // Key order and formatting as written by the real CLI (serde_json pretty, struct order).
      const meta = {
        name,
        gateway_endpoint: `https://127.0.0.1:${port}`,
        is_remote: false,
        gateway_port: 0,
        auth_mode: 'mtls',
      }
      writeFileSync(join(gwDir, 'metadata.json'), JSON.stringify(meta, null, 2))
      writeFileSync(join(mtls, 'ca.crt'), pki.caCert, {mode: 0o644})
      writeFileSync(join(mtls, 'tls.crt'), pki.clientCert, {mode: 0o644})
      writeFileSync(join(mtls, 'tls.key'), pki.clientKey, {mode: 0o600})
      if (o.activate ?? true) writeFileSync(join(base, 'active_gateway'), name) // no trailing newline
      return gwDir
    },
  }
  return gw
}
