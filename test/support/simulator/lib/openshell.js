// The fake `openshell` CLI. Behaviour follows the version in the state (see common.capabilities).
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import {spawn} from 'node:child_process'
import * as C from './common.js'
import {
  miette,
  tonic,
  clapError,
  makeStyle,
  colorEnabled,
  toJson,
  toYaml,
  utcStamp,
  table,
  styledTable,
} from './render.js'

/** help: the message's further lines (hints); advice: miette's `help:` block. */
// Thrown, and told apart with instanceof by answerPrepared; the fields are what it renders.
class CliError {
  top
  causes
  code
  help
  advice
  stdout
  constructor(top, causes = [], {code = 1, help, advice, stdout = ''} = {}) {
    Object.assign(this, {top, causes, code, help, advice, stdout})
  }
}
class UsageError {
  message
  usage
  extra
  constructor(message, usage, extra = '') {
    Object.assign(this, {message, usage, extra})
  }
}

// ---------- command table ----------
const V = {value: true}
const B = {value: false}
const OUT = {value: true, output: true}
const LEGACY_ONLY = (caps) => caps.legacy
const MODERN_ONLY = (caps) => !caps.legacy
const COMMANDS = {
  status: {flags: {'-o': OUT}, json: 'objectJson', usage: 'status [OPTIONS]'},
  'gateway info': {flags: {'-o': OUT, '--name': V}, json: 'gatewayInfoLive', usage: 'gateway info [OPTIONS]'},
  'gateway select': {flags: {}, pos: [1, 1, '<NAME>'], usage: 'gateway select <NAME>'},
  'gateway list': {flags: {'-o': OUT}, json: 'gatewayListJson', when: MODERN_ONLY, usage: 'gateway list [OPTIONS]'},
  'gateway add': {
    flags: {'--name': V, '--local': B, '--remote': V},
    pos: [1, 1, '<ENDPOINT>'],
    usage: 'gateway add [OPTIONS] <ENDPOINT>',
  },
  'gateway remove': {flags: {}, pos: [1, 1, '<NAME>'], when: MODERN_ONLY, usage: 'gateway remove <NAME>'},
  'gateway login': {flags: {}, pos: [0, 1], usage: 'gateway login [NAME]'},
  'gateway start': {
    flags: {'--name': V, '--port': V, '--recreate': B, '--gpu': B},
    when: LEGACY_ONLY,
    usage: 'gateway start [OPTIONS]',
  },
  'gateway stop': {flags: {'--name': V}, when: LEGACY_ONLY, usage: 'gateway stop [OPTIONS]'},
  'gateway destroy': {flags: {'--name': V}, when: LEGACY_ONLY, usage: 'gateway destroy [OPTIONS]'},
  'sandbox create': {
    flags: {
      '--name': V,
      '--from': V,
      '--gpu': B,
      '--provider': {value: true, multi: true},
      '--policy': V,
      '--env': {value: true, multi: true},
      '--label': {value: true, multi: true},
      '-o': OUT,
    },
    json: 'objectJson',
    trailing: true,
    usage: 'sandbox create [OPTIONS] [-- <COMMAND>...]',
  },
  'sandbox get': {flags: {'-o': OUT}, json: 'objectJson', pos: [0, 1], usage: 'sandbox get [OPTIONS] [NAME]'},
  'sandbox list': {
    flags: {
      '-o': OUT,
      '--page-size': {value: true, when: 'envelope'},
      '--page-token': {value: true, when: 'envelope'},
      '--limit': {value: true, when: 'listOffset'},
      '--offset': {value: true, when: 'listOffset'},
      '--selector': V,
    },
    json: 'listJson',
    usage: 'sandbox list [OPTIONS]',
  },
  'sandbox delete': {flags: {'--all': B}, pos: [0, Infinity, '<NAME>...'], usage: 'sandbox delete [OPTIONS] <NAME>...'},
  'sandbox connect': {flags: {}, pos: [0, 1], usage: 'sandbox connect [NAME]'},
  'sandbox start': {flags: {}, pos: [0, 1, '<NAME>'], usage: 'sandbox start [OPTIONS] [NAME]'},
  'sandbox stop': {flags: {}, pos: [0, 1, '<NAME>'], usage: 'sandbox stop [OPTIONS] [NAME]'},
  'provider create': {
    flags: {
      '--name': {value: true, required: true},
      '--type': {value: true, required: true},
      '--credential': {value: true, multi: true},
      '--config': {value: true, multi: true},
      '--runtime-credentials': B,
      '--from-existing': B,
    },
    usage: 'provider create --name <NAME> --type <TYPE> [OPTIONS]',
  },
  'provider list': {flags: {'-o': OUT}, json: 'listJson', usage: 'provider list [OPTIONS]'},
  'provider get': {flags: {}, pos: [1, 1, '<NAME>'], usage: 'provider get [OPTIONS] <NAME>'},
  'provider update': {
    flags: {
      '--from-existing': B,
      '--credential': {value: true, multi: true},
      '--config': {value: true, multi: true},
      '--credential-expires-at': {value: true, multi: true},
    },
    pos: [1, 1, '<NAME>'],
    usage: 'provider update [OPTIONS] <NAME>',
  },
  'inference set': {
    flags: {
      '--provider': {value: true, required: true},
      '--model': {value: true, required: true},
      '--no-verify': B,
      '--timeout': V,
      '--system': {value: false, when: 'calibrated'},
    },
    usage: 'inference set [OPTIONS] --provider <PROVIDER> --model <MODEL>',
  },
  'inference get': {flags: {'--system': {value: false, when: 'calibrated'}}, usage: 'inference get [OPTIONS]'},
  'policy set': {
    flags: {'--policy': {value: true, required: true}, '--wait': B, '--timeout': V},
    pos: [1, 1, '<NAME>'],
    usage: 'policy set [OPTIONS] --policy <POLICY> <NAME>',
  },
  'policy get': {flags: {'--full': B}, pos: [1, 1, '<NAME>'], usage: 'policy get [OPTIONS] <NAME>'},
  logs: {flags: {'-n': V, '--tail': B, '--since': V, '--level': V}, pos: [0, 1], usage: 'logs [OPTIONS] [NAME]'},
  'forward start': {
    flags: {'-d': B, '--background': B},
    pos: [2, 2, '<PORT> <NAME>'],
    usage: 'forward start [OPTIONS] <PORT> <NAME>',
  },
  'forward stop': {flags: {}, pos: [1, 2, '<PORT>'], usage: 'forward stop <PORT> [NAME]'},
  'forward list': {flags: {}, usage: 'forward list'},
}
const GROUPS = ['gateway', 'sandbox', 'provider', 'inference', 'policy', 'forward']
const ALIASES = {'--output': '-o', '--background': '-d', '--lines': '-n'}

function extractGlobals(argv, caps) {
  const g = {}
  const rest = []
  const takes = {'-g': 'gateway', '--gateway': 'gateway', '--gateway-endpoint': 'gatewayEndpoint'}
  if (caps.envelope) takes['--color'] = 'color'
  if (caps.workspace) takes['--workspace'] = 'workspace'
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--') {
      rest.push(...argv.slice(i))
      break
    }
    const eq = a.indexOf('=')
    const key = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a
    if (takes[key]) {
      const val = key !== a ? a.slice(eq + 1) : argv[++i]
      if (val === undefined)
        throw new UsageError(
          `a value is required for '${key} <${takes[key].toUpperCase()}>' but none was supplied`,
          'openshell [OPTIONS] <COMMAND>',
        )
      g[takes[key]] = val
    } else if (a === '--gateway-insecure' && !caps.legacy) g.insecure = true
    else rest.push(a)
  }
  return {globals: g, rest}
}

function parseCommand(rest, caps) {
  if (rest.length === 0)
    throw new UsageError("'openshell' requires a subcommand but one was not provided", 'openshell [OPTIONS] <COMMAND>')
  const top = rest[0]
  let id, i
  if (GROUPS.includes(top)) {
    const sub = rest[1]
    if (sub === undefined || sub.startsWith('-')) {
      if (sub === '--help' || sub === '-h') return {id: top, help: true}
      throw new UsageError(
        `'openshell ${top}' requires a subcommand but one was not provided`,
        `openshell ${top} <COMMAND>`,
      )
    }
    id = `${top} ${sub}`
    i = 2
    if (!COMMANDS[id] || (COMMANDS[id].when && !COMMANDS[id].when(caps)))
      throw new UsageError(
        `unrecognized subcommand '${sub}'`,
        real00(caps) || caps.legacy ? `openshell ${top} [OPTIONS] [COMMAND]` : `openshell ${top} <COMMAND>`,
      )
  } else {
    id = top
    i = 1
    if (!COMMANDS[id]) throw new UsageError(`unrecognized subcommand '${top}'`, 'openshell [OPTIONS] <COMMAND>')
  }
  const spec = COMMANDS[id]
  const usage = 'openshell ' + spec.usage
  const flags = {}
  const pos = []
  let trailing = []
  for (; i < rest.length; i++) {
    let a = rest[i]
    if (a === '--help' || a === '-h') return {id, help: true}
    if (a === '--') {
      if (!spec.trailing) throw new UsageError("unexpected argument '--' found", usage)
      trailing = rest.slice(i + 1)
      break
    }
    if (a.startsWith('-') && a.length > 1 && !/^-\d/.test(a)) {
      let val
      const eq = a.indexOf('=')
      if (a.startsWith('--') && eq > 0) {
        val = a.slice(eq + 1)
        a = a.slice(0, eq)
      }
      const key = ALIASES[a] && spec.flags[ALIASES[a]] ? ALIASES[a] : a
      const f = spec.flags[key]
      const allowed = f && (!f.output || caps[spec.json]) && (!f.when || caps[f.when])
      if (!allowed) throw new UsageError(`unexpected argument '${rest[i].split('=')[0]}' found`, usage)
      if (f.value) {
        if (val === undefined) val = rest[++i]
        if (val === undefined)
          throw new UsageError(`a value is required for '${key} <VALUE>' but none was supplied`, usage)
        if (f.output && !['table', 'json', 'yaml'].includes(val))
          throw new UsageError(
            `invalid value '${val}' for '--output <OUTPUT>'`,
            usage,
            '  [possible values: table, json, yaml]\n',
          )
        if (f.multi) (flags[key] ||= []).push(val)
        else flags[key] = val
      } else flags[key] = true
    } else pos.push(a)
  }
  const [min, max, label] = spec.pos || [0, 0]
  if (pos.length > max) throw new UsageError(`unexpected argument '${pos[max]}' found`, usage)
  const missing = Object.entries(spec.flags)
    .filter(([k, f]) => f.required && flags[k] === undefined)
    .map(([k]) => `  ${k} <${k.slice(2).toUpperCase()}>`)
  if (pos.length < min) missing.push(`  ${label}`)
  if (missing.length)
    throw new UsageError('the following required arguments were not provided:\n' + missing.join('\n'), usage)
  return {id, flags, pos, trailing, output: flags['-o'] || 'table'}
}

/** Texts observed on the real 0.0.111 (docs/CONFORMANCE.md) apply to the modern 0.0.x profiles; 0.1.x keeps the
 *  reference's texts (no real 0.1.x CLI could be run) and legacy keeps its own. miette's layout is shared by all. */
const real00 = (caps) => !caps.legacy && !caps.envelope

// ---------- context ----------
function makeCtx(state, argv, env) {
  const version = state.version
  const caps = C.capabilities(version)
  let globals = {},
    rest = [],
    pendingUsage = null
  try {
    ;({globals, rest} = extractGlobals(argv, caps))
  } catch (e) {
    pendingUsage = e
  }
  const style = makeStyle(colorEnabled(caps, globals.color, env), {fgReset: caps.calibrated})
  // title: the block headings (`Sandbox:`, `Server Status`, …): bold cyan on the real 0.0.111, bold before
  const title = caps.calibrated ? style.head : style.bold
  return {
    state,
    argv,
    env,
    caps,
    globals,
    rest,
    style,
    title,
    stdout: [],
    stderr: [],
    now: C.simNow(state),
    block: false,
    pendingUsage,
  }
}
const out = (ctx, s = '') => ctx.stdout.push(s + '\n')
const err = (ctx, s = '') => ctx.stderr.push(s + '\n')
/** The success mark: bold green on the real 0.0.111 (`ESC[1mESC[32m✓ESC[39mESC[0m`). */
const ok = (ctx) => (ctx.caps.calibrated ? ctx.style.check() : ctx.style.green('✓'))
const warnMark = (ctx) => (ctx.caps.calibrated ? ctx.style.bold(ctx.style.yellow('⚠')) : ctx.style.yellow('⚠'))
/** Phase colours of the real 0.0.x tables (`sandbox list`): Ready green, Provisioning yellow, Error red, Deleting dim. */
function phaseColour(ctx) {
  const s = ctx.style
  return (p) =>
    p === 'Ready'
      ? s.green(p)
      : p === 'Provisioning'
        ? s.yellow(p)
        : p === 'Error'
          ? s.red(p)
          : p === 'Deleting'
            ? s.dim(p)
            : p
}
const nonEmpty = (v) => (v === undefined || v === null || v === '' ? undefined : v)

function resolveGateway(ctx) {
  const {env, globals} = ctx
  const endpoint = nonEmpty(globals.gatewayEndpoint) ?? nonEmpty(env.OPENSHELL_GATEWAY_ENDPOINT)
  const gwName = nonEmpty(globals.gateway) ?? nonEmpty(env.OPENSHELL_GATEWAY)
  if (endpoint) {
    const name = gwName ?? C.listRegistrations(env).find((m) => m.gateway_endpoint === endpoint)?.name ?? endpoint
    return {name, endpoint, meta: C.readMetadata(name, env)}
  }
  if (gwName) {
    const meta = C.readMetadata(gwName, env)
    return meta ? {name: gwName, endpoint: meta.gateway_endpoint, meta} : {unknown: gwName}
  }
  const active = C.readActive(env)
  if (!active) return null
  const meta = C.readMetadata(active, env)
  return meta ? {name: active, endpoint: meta.gateway_endpoint, meta} : {missing: active}
}
function noGatewayHint(caps) {
  return caps.legacy
    ? 'Deploy a gateway with: openshell gateway start'
    : 'Register a gateway with: openshell gateway add <endpoint>'
}
const SELECT_HINT = 'Or list available gateways: openshell gateway select'
function requireGateway(ctx) {
  const gw = resolveGateway(ctx)
  if (!gw) {
    // real 0.0.111: two hint lines under the message
    // real 0.0.26 (legacy) and 0.0.111: two hint lines under the message
    const help = ctx.caps.legacy
      ? ['Set one with: openshell gateway select <name>', 'Or deploy a new gateway: openshell gateway start']
      : real00(ctx.caps)
        ? ['Set one with: openshell gateway select <name>', 'Or register one with: openshell gateway add <endpoint>']
        : noGatewayHint(ctx.caps)
    throw new CliError('No active gateway.', [], {help})
  }
  if (gw.unknown) {
    const help = ctx.caps.legacy
      ? [`Deploy it first: openshell gateway start --name ${gw.unknown}`, SELECT_HINT]
      : real00(ctx.caps)
        ? [`Register it first: openshell gateway add <endpoint> --name ${gw.unknown}`, SELECT_HINT]
        : undefined
    throw new CliError(`Unknown gateway '${gw.unknown}'.`, [], {help})
  }
  if (gw.missing) throw new CliError(`No gateway metadata found for '${gw.missing}'.`)
  return gw
}

const REFUSED = 'Connection refused (os error 111)'
/** Connect like the CLI: load client TLS material, TCP connect, TLS handshake, auth. kind: status|grpc|create */
function connect(ctx, gw, kind = 'grpc') {
  const {caps, state, env} = ctx
  const wrapCreate = (e) => {
    if (kind !== 'create' || caps.legacy) return e
    return new CliError(
      `failed to connect to gateway '${gw.name}' at ${gw.endpoint}. Start the gateway service with the installed package manager, or register a different endpoint with \`openshell gateway add <endpoint>\`.`,
      [e.top, ...e.causes],
    )
  }
  if (gw.endpoint.startsWith('https://')) {
    const dir = path.join(C.gatewayDir(gw.name, env), 'mtls')
    if (!fs.existsSync(dir)) throw new CliError(`TLS CA is required for https endpoints or place certs in ${dir}`)
    for (const [file, what] of [
      ['ca.crt', 'CA'],
      ['tls.crt', 'cert'],
      ['tls.key', 'key'],
    ]) {
      if (!fs.existsSync(path.join(dir, file)))
        throw new CliError(`failed to read TLS ${what} from ${path.join(dir, file)}`, [
          'No such file or directory (os error 2)',
        ])
    }
  }
  const server = state.servers[gw.endpoint]
  if (!C.serverAccepting(server, ctx.now)) {
    // real 0.0.26 and 0.0.111 alike: status reports the connect error, the other commands tonic's transport error
    if (kind === 'status') throw new CliError('client error (Connect)', ['tcp connect error', REFUSED])
    throw wrapCreate(new CliError('transport error', ['tcp connect error', 'tcp connect error', REFUSED]))
  }
  let held = null
  try {
    held = C.caIdOf(fs.readFileSync(path.join(C.gatewayDir(gw.name, env), 'mtls', 'ca.crt'), 'utf8'))
  } catch {
    /* ignore */
  }
  if (gw.endpoint.startsWith('https://') && held !== server.caId) {
    // rustls: a CA of the same DN with another key → BadSignature; a CA of another DN → UnknownIssuer (0.0.26 too)
    const why = `invalid peer certificate: ${server.caOtherDn ? 'UnknownIssuer' : 'BadSignature'}`
    if (kind === 'status') throw new CliError('client error (Connect)', [why])
    throw wrapCreate(new CliError('transport error', [why, why]))
  }
  if (server.authRequired && !(kind === 'status' && !caps.legacy)) {
    if (caps.legacy)
      throw new CliError('Missing gateway auth token', [], {
        help: `Authenticate with: openshell gateway login ${gw.name}`,
      })
    throw new CliError(authText(gw))
  }
  return server
}
const authText = (gw) => `edge credentials are missing; run \`openshell gateway login ${gw.name}\``
function notFound(ctx, what = 'sandbox') {
  return new CliError(tonic('NotFound', `${what} not found`, ctx.caps))
}
function getSandbox(ctx, server, name) {
  const sb = server.sandboxes[name]
  if (!sb) throw notFound(ctx)
  return sb
}
function lastSandbox(ctx, gw, name) {
  if (name) return name
  try {
    return fs.readFileSync(path.join(C.gatewayDir(gw.name, ctx.env), 'last_sandbox'), 'utf8').trim()
  } catch {
    /* ignore */
  }
  throw new CliError('No sandbox name provided and no last-used sandbox is recorded.', [], {
    help: 'Pass a sandbox name.',
  })
}
function rememberSandbox(ctx, gw, name) {
  try {
    fs.writeFileSync(path.join(C.gatewayDir(gw.name, ctx.env), 'last_sandbox'), name)
  } catch {
    /* ignore */
  }
}
function emit(ctx, value, output) {
  if (output === 'yaml') ctx.stdout.push(toYaml(value))
  else ctx.stdout.push(toJson(value, ctx.caps))
}
/** The policy every sandbox gets from the real 0.0.111 gateway when none is given (revision 1; `sandbox get`). */
export const DEFAULT_POLICY = {
  version: 1,
  filesystem_policy: {
    include_workdir: true,
    read_only: ['/usr', '/lib', '/proc', '/dev/urandom', '/app', '/etc', '/var/log'],
    read_write: ['/tmp', '/dev/null'],
  },
  landlock: {compatibility: 'best_effort'},
}
const DEFAULT_POLICY_YAML =
  'version: 1\nfilesystem_policy:\n  include_workdir: true\n  read_only:\n' +
  DEFAULT_POLICY.filesystem_policy.read_only.map((p) => `  - ${p}\n`).join('') +
  '  read_write:\n' +
  DEFAULT_POLICY.filesystem_policy.read_write.map((p) => `  - ${p}\n`).join('') +
  'landlock:\n  compatibility: best_effort\n'
/** The sandbox's active policy: the one set with `policy set`/`--policy`, else (calibrated) the gateway default. */
function policyOf(ctx, server, sb) {
  return (
    server.policies[sb.name] ||
    (ctx.caps.calibrated ? {version: 1, content: DEFAULT_POLICY_YAML, status: 'Loaded', json: DEFAULT_POLICY} : null)
  )
}
/** One YAML line as the real CLI prints it (print_yaml_line): `- ` and keys with their colon dimmed. */
function yamlLine(s, line) {
  const indent = /^ */.exec(line)[0]
  const t = line.slice(indent.length)
  if (t.startsWith('- ')) return `${indent}${s.dim('- ')}${t.slice(2)}`
  const c = t.indexOf(':')
  if (c < 0) return line
  const after = t.slice(c + 1)
  return `${indent}${s.dim(t.slice(0, c))}${s.dim(':')}${after.startsWith(' ') ? ' ' + after.slice(1) : after}`
}
function sandboxJson(ctx, server, sb) {
  const policy = policyOf(ctx, server, sb)
  return {
    id: sb.id,
    name: sb.name,
    workspace: 'default',
    labels: sb.labels || {},
    annotations: {},
    resource_version: sb.resourceVersion || 1,
    created_at: utcStamp(sb.createdAt),
    phase: C.effectivePhase(sb, ctx.now),
    current_policy_version: policy ? policy.version : 0,
  }
}

// ---------- commands ----------
const H = {}

H['status'] = (ctx, p) => {
  const {caps, style: s} = ctx
  const gw = resolveGateway(ctx)
  if (!gw || gw.unknown || gw.missing) {
    if (p.output !== 'table') return emit(ctx, {status: 'not_configured'}, p.output)
    out(ctx, ctx.title('Gateway Status'))
    out(ctx)
    out(ctx, `  ${s.dim('Status:')} No gateway configured.`)
    out(ctx)
    // real 0.0.111: the command is dimmed
    out(ctx, caps.calibrated ? noGatewayHint(caps).replace(/: (.*)$/, (_, c) => `: ${s.dim(c)}`) : noGatewayHint(caps))
    return
  }
  const header = () => {
    out(ctx, ctx.title('Server Status'))
    out(ctx)
    out(ctx, `  ${s.dim('Gateway:')} ${gw.name}`)
    out(ctx, `  ${s.dim('Server:')} ${gw.endpoint}`)
  }
  if (caps.legacy && p.output === 'table') header() // legacy prints the header before connecting
  const server = connect(ctx, gw, 'status')
  const authFailed = server.authRequired ? authText(gw) : null
  if (p.output !== 'table') {
    const authentication = authFailed
      ? {error: authFailed, status: 'failed'}
      : {provider: 'mTLS transport', status: 'authenticated'}
    const doc = {gateway: gw.name, server: gw.endpoint, status: 'connected'}
    if (caps.authLine) doc.authentication = authentication
    doc.version = server.version
    return emit(ctx, doc, p.output)
  }
  if (!caps.legacy) header()
  out(ctx, `  ${s.dim('Status:')} ${s.green('Connected')}`)
  const authed = caps.calibrated ? `${s.green('Authenticated')} (mTLS transport)` : 'Authenticated (mTLS transport)'
  if (caps.authLine) out(ctx, `  ${s.dim('Authentication:')} ${authFailed ? `Failed (${authFailed})` : authed}`)
  out(ctx, `  ${s.dim('Version:')} ${server.version}`)
}

H['gateway info'] = (ctx, p) => {
  const {caps, style: s} = ctx
  if (p.flags['--name']) ctx.globals.gateway = p.flags['--name']
  const gw = resolveGateway(ctx)
  if (caps.legacy && (!gw || gw.unknown || gw.missing)) {
    // real 0.0.26: without an active gateway it looks for the default name `openshell`
    const name = gw ? gw.unknown || gw.missing : 'openshell'
    throw new CliError(`No gateway metadata found for '${name}'.`, [], {
      help: `Deploy a gateway first with: openshell gateway start --name ${name}`,
    })
  }
  if (!gw || gw.unknown || gw.missing) {
    if (gw?.unknown || gw?.missing) throw new CliError(`No gateway metadata found for '${gw.unknown || gw.missing}'.`)
    throw new CliError('No gateway configured.', [], {help: noGatewayHint(caps)})
  }
  if (!caps.gatewayInfoLive) {
    out(ctx, s.bold('Gateway Info'))
    out(ctx)
    out(ctx, `  ${s.dim('Gateway:')} ${gw.name}`)
    out(ctx, `  ${s.dim('Gateway endpoint:')} ${gw.endpoint}`)
    if (gw.meta?.is_remote) {
      out(ctx, `  ${s.dim('Remote host:')} ${gw.meta.remote_host}`)
      if (gw.meta.resolved_host) out(ctx, `  ${s.dim('Resolved host:')} ${gw.meta.resolved_host}`)
    }
    return
  }
  const server = connect(ctx, gw)
  const drivers = [{capabilities: {driver_name: 'docker', driver_version: '28.1.1'}, name: 'docker'}]
  if (p.output !== 'table')
    return emit(
      ctx,
      {
        auth: null,
        compute_drivers: drivers,
        gateway: gw.name,
        server: gw.endpoint,
        status: 'healthy',
        version: server.version,
      },
      p.output,
    )
  out(ctx, s.bold('Gateway Info'))
  out(ctx)
  out(ctx, `  ${s.dim('Gateway:')} ${gw.name}`)
  out(ctx, `  ${s.dim('Server:')} ${gw.endpoint}`)
  out(ctx, `  ${s.dim('Status:')} ${s.green('healthy')}`)
  out(ctx, `  ${s.dim('Version:')} ${server.version}`)
  out(ctx, `  ${s.dim('Compute drivers:')}`)
  for (const d of drivers) {
    out(ctx, `    ${d.name}`)
    out(ctx, `      ${s.dim('Driver version:')} ${d.capabilities.driver_version}`)
  }
}

H['gateway select'] = (ctx, p) => {
  const name = p.pos[0]
  const modern = real00(ctx.caps)
  if (!C.readMetadata(name, ctx.env)) {
    const help = ctx.caps.legacy
      ? [`Deploy a gateway first with: openshell gateway start --name ${name}`, SELECT_HINT]
      : modern
        ? [`Register it first with: openshell gateway add <endpoint> --name ${name}`, SELECT_HINT]
        : undefined
    throw new CliError(`No gateway metadata found for '${name}'.`, [], {help})
  }
  C.writeActive(name, ctx.env)
  err(ctx, `${ok(ctx)} Active gateway set to '${name}'`)
  const envGw = nonEmpty(ctx.env.OPENSHELL_GATEWAY)
  if (ctx.caps.legacy) return // real 0.0.26 says nothing about an OPENSHELL_GATEWAY override
  if (envGw && modern) {
    err(ctx, `${warnMark(ctx)} OPENSHELL_GATEWAY=${envGw} is set and will override this selection.`)
    err(ctx, `  Unset it or run: export OPENSHELL_GATEWAY=${name}`)
  } else if (envGw)
    err(
      ctx,
      `${warnMark(ctx)} OPENSHELL_GATEWAY is set to '${envGw}'; it overrides the active gateway until it is unset`,
    )
}

H['gateway list'] = (ctx, p) => {
  const active = C.readActive(ctx.env)
  const regs = C.listRegistrations(ctx.env)
  const items = regs.map((m) => ({
    name: m.name,
    endpoint: m.gateway_endpoint,
    type: m.is_remote ? 'remote' : 'local',
    source: 'user',
    auth: m.auth_mode || 'mtls',
    active: m.name === active,
    is_remote: Boolean(m.is_remote),
    remote_host: m.remote_host ?? null,
    resolved_host: m.resolved_host ?? null,
  }))
  if (p.output !== 'table') return emit(ctx, items, p.output)
  if (items.length === 0) return out(ctx, 'No gateways found.')
  const rows = table(
    ['NAME', 'ENDPOINT', 'TYPE', 'SOURCE', 'AUTH'],
    items.map((g) => [g.name, g.endpoint, g.type, g.source, g.auth]),
  )
  out(ctx, '  ' + rows[0])
  items.forEach((g, i) => out(ctx, (g.active ? '* ' : '  ') + rows[i + 1]))
}

// 0.1.x (reference texts; no real 0.1.x CLI to compare with)
function gatewayAddRef(ctx, p) {
  const {env, state} = ctx
  const endpoint = p.pos[0]
  if (!/^https?:\/\//.test(endpoint))
    throw new CliError(`invalid gateway endpoint '${endpoint}'`, ['expected a URL such as https://127.0.0.1:17670'])
  const name =
    p.flags['--name'] ||
    (p.flags['--local'] ? 'openshell' : new URL(endpoint).hostname.replace(/[^A-Za-z0-9._-]/g, '_'))
  if (C.readMetadata(name, env))
    throw new CliError(`Gateway '${name}' already exists.`, [], {
      help: `Remove it first with: openshell gateway remove ${name}`,
    })
  if (p.flags['--local']) {
    const dir = C.localTlsDir(env)
    for (const f of ['ca.crt', 'client/tls.crt', 'client/tls.key']) {
      if (!fs.existsSync(path.join(dir, f)))
        throw new CliError(
          `failed to read TLS ${f === 'ca.crt' ? 'CA' : f.endsWith('key') ? 'key' : 'cert'} from ${path.join(dir, f)}`,
          ['No such file or directory (os error 2)'],
        )
    }
  }
  C.writeRegistration({name, endpoint, port: 0}, env)
  if (p.flags['--local']) C.copyLocalBundleToMtls(C.localTlsDir(env), path.join(C.gatewayDir(name, env), 'mtls'))
  C.writeActive(name, env)
  err(ctx, `${ok(ctx)} Gateway '${name}' added and set as active`)
  if (!C.serverAccepting(state.servers[endpoint], ctx.now))
    err(ctx, `${warnMark(ctx)} Gateway is not reachable at ${endpoint}: ${REFUSED}`)
}

function gatewayRemoveRef(ctx, p) {
  const name = p.pos[0]
  if (!C.readMetadata(name, ctx.env)) throw new CliError(`No gateway metadata found for '${name}'.`)
  C.removeRegistration(name, ctx.env)
  if (C.readActive(ctx.env) === name) C.clearActive(ctx.env)
  err(ctx, `${ok(ctx)} Gateway '${name}' removed`)
}

// ---------- Docker, as the legacy CLIs (<= 0.0.36) drive it themselves ----------
/** The socket the CLI talks to: DOCKER_HOST's unix:// path, else the default one (real 0.0.26, tcp:// included). */
function dockerSocket(env) {
  const h = env.DOCKER_HOST
  return h && h.startsWith('unix://') ? h.slice('unix://'.length) : '/var/run/docker.sock'
}
/** `openshell-sim runtime down`: no container runtime, so no socket. */
function socketNotFound(ctx) {
  return ctx.state.runtimeDown ? new CliError(`Socket not found: ${dockerSocket(ctx.env)}`) : null
}
/** real 0.0.26 `gateway start` without a container runtime */
function dockerClientError(ctx) {
  const sock = dockerSocket(ctx.env)
  const h = ctx.env.DOCKER_HOST
  const advice =
    h === undefined
      ? `No Docker socket found at ${sock} and DOCKER_HOST is not set.\n\nInstall and start a Docker-compatible runtime. See the support matrix in the OpenShell docs for tested configurations.`
      : `DOCKER_HOST is set to '${h}' but the Docker daemon is not responding.\n\nVerify your Docker runtime is started and the DOCKER_HOST value is correct.`
  return new CliError('Failed to create Docker client.', [], {
    help: ['', `  Socket not found: ${sock}`],
    advice: `${advice}\n\nVerify Docker is working with: docker info`,
  })
}
/** The gateway a legacy lifecycle command names: --name, -g / OPENSHELL_GATEWAY, the active one, else `openshell`. */
function legacyName(ctx, p) {
  return (
    p.flags['--name'] ||
    nonEmpty(ctx.globals.gateway) ||
    nonEmpty(ctx.env.OPENSHELL_GATEWAY) ||
    C.readActive(ctx.env) ||
    'openshell'
  )
}
const randomCode = (n) =>
  Array.from({length: n}, () => 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'[Math.floor(Math.random() * 32)]).join('')

/** Real 0.0.26: `--local` reads the TLS secrets out of the gateway container (the one publishing the endpoint's port)
 *  through Docker; an https endpoint without flags is a cloud gateway that waits for a browser login. */
function gatewayAddLegacy(ctx, p) {
  const {env, state, style: s} = ctx
  const endpoint = p.pos[0]
  if (!/^https?:\/\//.test(endpoint))
    throw new CliError(`invalid gateway endpoint '${endpoint}'`, ['expected a URL such as https://127.0.0.1:8080'])
  const url = new URL(endpoint)
  const name = p.flags['--name'] || url.hostname
  if (C.readMetadata(name, env)) {
    throw new CliError(`Gateway '${name}' already exists.`, [], {
      help: [
        `Remove it first with: openshell gateway destroy --name ${name}`,
        'Or choose a different name with: --name <name>',
      ],
    })
  }
  if (p.flags['--remote'])
    throw new C.SimFatal('gateway add --remote (certificates over SSH) is not simulated for legacy CLIs')
  const cloud = endpoint.startsWith('https://') && !p.flags['--local']
  if (p.flags['--local']) {
    err(ctx, '• Extracting TLS certificates from gateway container...')
    const down = socketNotFound(ctx)
    if (down) throw down
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80))
    const server = Object.values(state.servers).find((x) => x.port === port && x.running)
    if (!server)
      throw new CliError(`No openshell gateway container found listening on port ${port}.`, [], {
        help: 'Is the gateway running? Check with: docker ps',
      })
    C.writeRegistration({name, endpoint, port: 0, exact: true, caId: server.caId}, env)
  } else
    C.writeRegistration(
      {name, endpoint, port: 0, exact: true, isRemote: cloud, authMode: cloud ? 'cloudflare_jwt' : 'mtls'},
      env,
    )
  C.writeActive(name, env)
  err(ctx, `${ok(ctx)} Gateway '${name}' added and set as active`)
  err(ctx, `  ${s.dim('Endpoint:')} ${endpoint}`)
  err(ctx, `  ${s.dim('Type:')} ${cloud ? 'cloud' : 'local'}`)
  if (p.flags['--local']) err(ctx, `${ok(ctx)} TLS certificates extracted`)
  if (!cloud) return
  const code = `${randomCode(3)}-${randomCode(4)}`
  err(ctx)
  err(ctx, `  Confirmation code: ${s.bold(code)}`)
  err(ctx, '  Verify this code matches your browser before clicking Connect.')
  err(ctx)
  if (nonEmpty(env.OPENSHELL_NO_BROWSER)) err(ctx, 'Browser opening suppressed (OPENSHELL_NO_BROWSER is set).')
  else ctx.stderr.push('Press Enter to open the browser for authentication...Could not open browser automatically.\n')
  err(ctx, 'Open this URL in your browser:')
  err(
    ctx,
    `  ${endpoint.replace(/\/+$/, '')}/auth/connect?callback_port=${40000 + Math.floor(Math.random() * 20000)}&code=${code}`,
  )
  err(ctx)
  // the real CLI waits 120 s for the login, then removes the registration (text not captured): wait until killed
  ctx.block = true
}

H['gateway add'] = (ctx, p) => {
  if (ctx.caps.legacy) return gatewayAddLegacy(ctx, p)
  if (!real00(ctx.caps)) return gatewayAddRef(ctx, p)
  const {env, state, style: s} = ctx
  const endpoint = p.pos[0]
  if (!/^https?:\/\//.test(endpoint))
    throw new CliError(`invalid gateway endpoint '${endpoint}'`, ['expected a URL such as https://127.0.0.1:17670'])
  const name =
    p.flags['--name'] ||
    (p.flags['--local'] ? 'openshell' : new URL(endpoint).hostname.replace(/[^A-Za-z0-9._-]/g, '_'))
  const exact = true // the shapes below were observed on the real 0.0.111
  if (C.readMetadata(name, env)) {
    throw new CliError(`Gateway '${name}' already exists.`, [], {
      help: [
        `Remove it first with: openshell gateway remove ${name}`,
        'Or choose a different name with: --name <name>',
      ],
    })
  }
  const mtls = path.join(C.gatewayDir(name, env), 'mtls')
  // https without --local/--remote: an edge-authenticated (cloud) gateway with a browser login (real 0.0.111)
  const cloud = endpoint.startsWith('https://') && !p.flags['--local'] && !p.flags['--remote']
  let useBundle = false
  if (p.flags['--local']) {
    const dir = C.localTlsDir(env)
    useBundle = ['ca.crt', 'client/tls.crt', 'client/tls.key'].every((f) => fs.existsSync(path.join(dir, f)))
    // no bundle: the CLI falls back to an existing gateways/<n>/mtls/ca.crt (left by `gateway remove`)
    if (!useBundle && !fs.existsSync(path.join(mtls, 'ca.crt'))) {
      throw new CliError(`mTLS certificates for gateway '${name}' were not found.`, [], {
        help: [
          'Expected them under the default gateway config directory.',
          `Start the gateway package first so it provisions client TLS material, then retry: openshell gateway add ${endpoint} --local`,
        ],
      })
    }
  }
  if (p.flags['--local'] && !C.serverAccepting(state.servers[endpoint], ctx.now)) {
    err(ctx, `${warnMark(ctx)} Gateway is not reachable at ${endpoint}. Verify the gateway is running.`)
  }
  C.writeRegistration(
    {name, endpoint, port: 0, exact, isRemote: cloud, authMode: cloud ? 'cloudflare_jwt' : 'mtls'},
    env,
  )
  if (useBundle) C.copyLocalBundleToMtls(C.localTlsDir(env), mtls)
  C.writeActive(name, env)
  err(ctx, `${ok(ctx)} Gateway '${name}' added and set as active`)
  err(ctx, `  ${s.dim('Endpoint:')} ${endpoint}`)
  err(ctx, `  ${s.dim('Type:')} ${cloud ? 'cloud' : p.flags['--remote'] ? 'remote' : 'local'}`)
  if (p.flags['--local'] || p.flags['--remote']) err(ctx, `${ok(ctx)} TLS certificates present`)
  if (cloud) {
    err(ctx)
    if (nonEmpty(env.OPENSHELL_NO_BROWSER)) {
      err(ctx, `${s.yellow('!')} Authentication failed: authentication skipped (OPENSHELL_NO_BROWSER is set).`)
      err(ctx, 'Authenticate later with: openshell gateway login')
    } else {
      // the real CLI waits 120 s for the browser first; the simulator does not wait
      err(ctx, `${s.yellow('!')} Authentication failed: authentication timed out after 120 seconds.`)
      err(ctx, 'Try again with: openshell gateway login')
      C.removeMetadata(name, env)
      if (C.readActive(env) === name) C.clearActive(env)
      err(ctx, `${s.yellow('!')} Registration for '${name}' removed. Fix the issue and retry gateway add.`)
    }
  }
}

H['gateway remove'] = (ctx, p) => {
  if (!real00(ctx.caps)) return gatewayRemoveRef(ctx, p)
  const name = p.pos[0]
  if (!C.readMetadata(name, ctx.env))
    throw new CliError(`No gateway metadata found for '${name}'.`, [], {help: [SELECT_HINT]})
  // real 0.0.111: metadata.json and active_gateway go; mtls/ and last_sandbox stay
  C.removeMetadata(name, ctx.env)
  if (C.readActive(ctx.env) === name) C.clearActive(ctx.env)
  err(ctx, `${ok(ctx)} Gateway registration '${name}' removed.`)
}

H['gateway login'] = (ctx) => {
  const gw = requireGateway(ctx)
  const server = ctx.state.servers[gw.endpoint]
  if (server) server.authRequired = false
  err(ctx, `${ok(ctx)} Logged in to gateway '${gw.name}'`)
}

H['gateway start'] = (ctx, p) => {
  const {env, state, style: s} = ctx
  if (state.runtimeDown) throw dockerClientError(ctx)
  const name = p.flags['--name'] || 'openshell'
  const meta = C.readMetadata(name, env)
  const port = Number(p.flags['--port'] || meta?.gateway_port || C.LEGACY_PORT)
  const endpoint = meta && !p.flags['--port'] ? meta.gateway_endpoint : `https://127.0.0.1:${port}`
  let server = state.servers[endpoint]
  if (server && server.name !== name) {
    throw new CliError('Port already in use', [`port ${port} is already used by gateway '${server.name}'`], {
      help: `Stop it with: openshell gateway stop --name ${server.name}, or choose another --port`,
    })
  }
  if (server && !p.flags['--recreate']) {
    err(ctx, `Gateway '${name}' already exists, reusing.`)
    server.running = true
    server.upAt = 0
  } else {
    if (server && p.flags['--recreate']) {
      server.sandboxes = {}
      server.caId = C.newCaId()
      server.policies = {}
      server.inference = null
      server.providers = {}
      server.running = true
      server.upAt = 0
    } else
      server = state.servers[endpoint] = C.newServer({
        name,
        endpoint,
        port,
        version: state.version,
        generation: 'legacy',
      })
  }
  C.writeRegistration({name, endpoint, port, caId: server.caId}, env) // re-sync mtls from the server's current CA
  C.writeActive(name, env)
  if (!C.serverAccepting(server, ctx.now))
    throw new CliError(`gateway '${name}' did not become healthy`, ['transport error', 'tcp connect error', REFUSED], {
      help: `Check the gateway logs: docker logs openshell-cluster-${name}`,
    })
  out(ctx, `${ok(ctx)} Gateway ready`)
  out(ctx)
  out(ctx, `  ${s.dim('Name:')} ${name}`)
  out(ctx, `  ${s.dim('Endpoint:')} ${endpoint}`)
}

function legacyTarget(ctx, p) {
  if (p.flags['--name']) ctx.globals.gateway = p.flags['--name']
  return requireGateway(ctx)
}
H['gateway stop'] = (ctx, p) => {
  if (ctx.state.runtimeDown) {
    err(ctx, `• Stopping gateway ${legacyName(ctx, p)}...`)
    throw socketNotFound(ctx)
  }
  const gw = legacyTarget(ctx, p)
  const server = ctx.state.servers[gw.endpoint]
  if (server) server.running = false
  err(ctx, `${ok(ctx)} Gateway '${gw.name}' stopped`)
}
H['gateway destroy'] = (ctx, p) => {
  if (ctx.state.runtimeDown) {
    err(ctx, `• Destroying gateway ${legacyName(ctx, p)}...`)
    throw socketNotFound(ctx)
  }
  const gw = legacyTarget(ctx, p)
  ctx.state.servers = C.without(ctx.state.servers, gw.endpoint)
  C.removeRegistration(gw.name, ctx.env)
  if (C.readActive(ctx.env) === gw.name) C.clearActive(ctx.env)
  err(ctx, `${ok(ctx)} Gateway '${gw.name}' destroyed`)
}

const NAME_RE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/
H['sandbox create'] = (ctx, p) => {
  const {caps} = ctx
  const gw = requireGateway(ctx)
  const server = connect(ctx, gw, 'create')
  const name = p.flags['--name'] || `sandbox-${Math.random().toString(36).slice(2, 8)}`
  if (name.length > 19)
    throw new CliError(tonic('InvalidArgument', `name exceeds maximum length (${name.length} > 19)`, caps))
  if (!NAME_RE.test(name))
    throw new CliError(
      tonic('InvalidArgument', `invalid sandbox name '${name}': must be a lowercase RFC 1123 label`, caps),
    )
  if (server.sandboxes[name]) {
    if (!real00(caps))
      throw new CliError('sandbox already exists', [`hint: delete it first with: openshell sandbox delete ${name}`])
    // real 0.0.111: the bare gRPC message, a blank message line, then the hint (with a literal <name>)
    throw new CliError('sandbox already exists', [], {
      help: ['', 'hint: delete it first with: openshell sandbox delete <name>', '      or use a different name'],
    })
  }
  for (const prov of p.flags['--provider'] || [])
    if (!server.providers[prov]) throw new CliError(tonic('FailedPrecondition', `provider '${prov}' not found`, caps))
  const labels = Object.fromEntries((p.flags['--label'] || []).map((kv) => kv.split('=')))
  const sb = (server.sandboxes[name] = C.newSandbox(name, 'Ready', {
    from: p.flags['--from'] || null,
    providers: p.flags['--provider'] || [],
    labels,
  }))
  if (p.flags['--policy']) {
    try {
      server.policies[name] = {version: 1, content: fs.readFileSync(p.flags['--policy'], 'utf8'), status: 'Loaded'}
    } catch {
      throw new CliError(`failed to read policy file ${p.flags['--policy']}`, [
        'No such file or directory (os error 2)',
      ])
    }
  }
  rememberSandbox(ctx, gw, name)
  if (p.output !== 'table') {
    err(ctx, 'Provisioning sandbox (structured output on stdout)...')
    return emit(ctx, {...sandboxJson(ctx, server, sb), policy_source: 'sandbox'}, p.output)
  }
  if (real00(caps)) out(ctx) // real 0.0.111 starts with a blank line
  out(ctx, real00(caps) ? `${ctx.title('Created sandbox:')} ${ctx.style.bold(name)}` : `Created sandbox: ${name}`)
  if (real00(caps)) out(ctx)
  out(ctx, `  ${caps.calibrated ? ctx.style.dim('[0.0s]') : '[0.0s]'} Requesting compute...`)
}

H['sandbox get'] = (ctx, p) => {
  const {caps, style: s} = ctx
  const gw = requireGateway(ctx)
  const server = connect(ctx, gw)
  const sb = getSandbox(ctx, server, lastSandbox(ctx, gw, p.pos[0]))
  const policy = policyOf(ctx, server, sb)
  if (p.output !== 'table')
    return emit(
      ctx,
      {
        ...sandboxJson(ctx, server, sb),
        policy_source: 'sandbox',
        revision: policy ? policy.version : null,
        policy: policy ? policy.json || {raw: policy.content} : null,
      },
      p.output,
    )
  out(ctx, ctx.title('Sandbox:'))
  out(ctx)
  out(ctx, `  ${s.dim('Id:')} ${sb.id}`)
  out(ctx, `  ${s.dim('Name:')} ${sb.name}`)
  if (caps.legacy) out(ctx, `  ${s.dim('Namespace:')} openshell`)
  out(ctx, `  ${s.dim('Phase:')} ${C.effectivePhase(sb, ctx.now)}`)
  if (!caps.legacy) {
    out(ctx, `  ${s.dim('Resource version:')} ${sb.resourceVersion || 1}`)
    const labels = Object.entries(sb.labels || {})
    if (labels.length > 0 && real00(caps)) {
      out(ctx, `  ${s.dim('Labels:')} `) // sic: trailing space (real 0.0.111)
      for (const [k, v] of labels.sort()) out(ctx, `    ${k}: ${v}`)
    }
    out(ctx, `  ${s.dim('Policy source:')} sandbox`)
    if (policy) out(ctx, `  ${s.dim('Revision:')} ${policy.version}`)
  }
  if (policy && real00(caps)) {
    // real 0.0.111: `Policy:`, a blank line, the YAML indented by two (keys, colons and `- ` dimmed)
    out(ctx)
    out(ctx, ctx.title('Policy:'))
    out(ctx)
    for (const l of policy.content.replace(/\n+$/, '').split('\n'))
      out(ctx, l ? `  ${caps.calibrated ? yamlLine(s, l) : l}` : '')
  } else if (policy) {
    out(ctx)
    out(ctx, s.bold('Policy:'))
    ctx.stdout.push(policy.content.endsWith('\n') ? policy.content : policy.content + '\n')
  }
}

function encodeToken(offset) {
  return Buffer.from(`offset:${offset}`).toString('base64url')
}
function decodeToken(t) {
  const m = /^offset:(\d+)$/.exec(Buffer.from(t, 'base64url').toString())
  return m ? Number(m[1]) : null
}

H['sandbox list'] = (ctx, p) => {
  const {caps, style: s} = ctx
  const gw = requireGateway(ctx)
  const server = connect(ctx, gw)
  let all = Object.values(server.sandboxes).sort((a, b) =>
    a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.name.localeCompare(b.name),
  )
  if (p.flags['--selector']) {
    const [k, v] = p.flags['--selector'].split('=')
    all = all.filter((sb) => (sb.labels || {})[k] === v)
  }
  let page = all
  let next = ''
  if (caps.envelope) {
    const size = p.flags['--page-size'] !== undefined ? Number(p.flags['--page-size']) : 100
    if (!Number.isInteger(size) || size < 0)
      throw new UsageError(
        `invalid value '${p.flags['--page-size']}' for '--page-size <PAGE_SIZE>': invalid digit found in string`,
        'openshell ' + COMMANDS['sandbox list'].usage,
      )
    const start = p.flags['--page-token'] ? decodeToken(p.flags['--page-token']) : 0
    if (start === null) throw new CliError(tonic('InvalidArgument', 'invalid page token', caps))
    const n = size === 0 ? 100 : Math.min(size, 1000)
    page = all.slice(start, start + n)
    if (start + n < all.length) next = encodeToken(start + n)
  } else if (caps.listOffset) {
    // real 0.0.111: --limit defaults to 100 and the rest is cut silently (exit 0, nothing on stderr)
    const num = (flag, dflt) => {
      const v = p.flags[flag]
      if (v === undefined) return dflt
      if (!/^\d+$/.test(v))
        throw new UsageError(
          `invalid value '${v}' for '${flag} <${flag.slice(2).toUpperCase()}>': invalid digit found in string`,
          'openshell ' + COMMANDS['sandbox list'].usage,
        )
      return Number(v)
    }
    const limit = num('--limit', 100)
    const offset = num('--offset', 0)
    page = all.slice(offset, offset + limit)
  }
  if (p.output !== 'table') {
    const items = page.map((sb) => sandboxJson(ctx, server, sb))
    emit(ctx, caps.envelope ? {next_page_token: next, sandboxes: items} : items, p.output)
    return
  }
  if (page.length === 0) out(ctx, 'No sandboxes found.')
  else {
    const headers = caps.legacy ? ['NAME', 'NAMESPACE', 'CREATED', 'PHASE'] : ['NAME', 'CREATED', 'PHASE']
    const rows = page.map((sb) =>
      caps.legacy
        ? [sb.name, 'openshell', utcStamp(sb.createdAt), C.effectivePhase(sb, ctx.now)]
        : [sb.name, utcStamp(sb.createdAt), C.effectivePhase(sb, ctx.now)],
    )
    if (caps.calibrated) {
      for (const l of styledTable(headers, rows, s, {minWidths: [4], colour: {[headers.length - 1]: phaseColour(ctx)}}))
        out(ctx, l)
    } else {
      const lines = table(headers, rows, {minWidths: [4]})
      out(ctx, s.bold(lines[0]))
      for (const l of lines.slice(1)) out(ctx, l)
    }
  }
  if (next) err(ctx, `Next page token: ${next}`)
}

H['sandbox delete'] = (ctx, p) => {
  const {caps} = ctx
  const gw = requireGateway(ctx)
  const server = connect(ctx, gw)
  const names = p.flags['--all'] ? Object.keys(server.sandboxes).sort() : p.pos
  if (names.length === 0)
    throw new UsageError(
      'the following required arguments were not provided:\n  <NAME>...',
      'openshell ' + COMMANDS['sandbox delete'].usage,
    )
  for (const name of names) {
    if (server.sandboxes[name]) {
      server.sandboxes = C.without(server.sandboxes, name)
      server.policies = C.without(server.policies, name)
      ctx.state.forwards = (ctx.state.forwards || []).filter((f) => f.sandbox !== name)
      out(ctx, `${ok(ctx)} Deleted sandbox ${name}`)
    } else if (caps.envelope) out(ctx, `${ok(ctx)} Sandbox ${name} already deleted`)
    else throw notFound(ctx)
  }
}

H['sandbox connect'] = (ctx, p) => {
  const {caps} = ctx
  const gw = requireGateway(ctx)
  const server = connect(ctx, gw)
  const sb = getSandbox(ctx, server, lastSandbox(ctx, gw, p.pos[0]))
  if (sb.readyAt && ctx.now < sb.readyAt)
    throw new CliError(tonic('Unavailable', 'supervisor session not connected', caps))
  if (sb.phase !== 'Ready') throw new CliError(tonic('FailedPrecondition', 'sandbox is not ready', caps))
  rememberSandbox(ctx, gw, sb.name)
  out(ctx, `Connected to ${sb.name} (simulated)`)
}

/**
 * Real 0.0.111 (server compute/mod.rs stop_sandbox/start_sandbox): stop is accepted from Ready (→ Stopped) and is a
 * no-op on a Stopped sandbox; start is accepted from Stopped (→ Ready) and is a no-op on a Ready one; any other
 * phase is refused with FailedPrecondition `sandbox must be Ready to stop|Stopped to start (current phase: P)`.
 * The CLI prints `✓ Stopped|Started sandbox NAME` on stdout.
 */
function stopStart(ctx, p, stop) {
  const name = p.pos[0]
  if (stop && name) {
    // the CLI first stops its local port forwards to the sandbox (stderr), before it even connects
    const fw = ctx.state.forwards || []
    for (const f of fw.filter((x) => x.sandbox === name))
      err(ctx, `${ok(ctx)} Stopped forward of port ${f.port} for sandbox ${name}`)
    ctx.state.forwards = fw.filter((x) => x.sandbox !== name)
  }
  const gw = requireGateway(ctx)
  const server = connect(ctx, gw)
  const sb = getSandbox(ctx, server, lastSandbox(ctx, gw, p.pos[0]))
  const phase = C.effectivePhase(sb, ctx.now)
  const [from, to, busy] = stop ? ['Ready', 'Stopped', 'Stopping'] : ['Stopped', 'Ready', 'Starting']
  if (phase !== to) {
    if (phase !== from && phase !== busy)
      throw new CliError(
        tonic(
          'FailedPrecondition',
          `sandbox must be ${from} to ${stop ? 'stop' : 'start'} (current phase: ${phase})`,
          ctx.caps,
        ),
      )
    sb.phase = to
    sb.readyAt = 0
    sb.resourceVersion = (sb.resourceVersion || 1) + 2 // through Stopping/Starting
  }
  out(ctx, `${ok(ctx)} ${stop ? 'Stopped' : 'Started'} sandbox ${sb.name}`)
}

H['sandbox start'] = (ctx, p) => {
  if (ctx.caps.calibrated) return stopStart(ctx, p, false)
  if (!p.pos[0])
    throw new UsageError(
      'the following required arguments were not provided:\n  <NAME>',
      'openshell sandbox start <NAME>',
    )
  const gw = requireGateway(ctx)
  const sb = getSandbox(ctx, connect(ctx, gw), p.pos[0])
  if (sb.phase !== 'Error') sb.phase = 'Ready'
  sb.resourceVersion = (sb.resourceVersion || 1) + 1
  out(ctx, `${ok(ctx)} Sandbox ${sb.name} started`)
}
H['sandbox stop'] = (ctx, p) => {
  if (ctx.caps.calibrated) return stopStart(ctx, p, true)
  if (!p.pos[0])
    throw new UsageError(
      'the following required arguments were not provided:\n  <NAME>',
      'openshell sandbox stop <NAME>',
    )
  const gw = requireGateway(ctx)
  const sb = getSandbox(ctx, connect(ctx, gw), p.pos[0])
  if (sb.phase !== 'Error') sb.phase = 'Stopped'
  sb.resourceVersion = (sb.resourceVersion || 1) + 1
  out(ctx, `${ok(ctx)} Sandbox ${sb.name} stopped`)
}

/** `--credential KEY[=VALUE]`: the keys; a bare KEY is looked up in the environment (values are never stored). */
function credentialKeys(ctx, list) {
  const keys = []
  let inArgv = false
  for (const c of list || []) {
    const eq = c.indexOf('=')
    if (eq > 0) {
      keys.push(c.slice(0, eq))
      inArgv = true
      continue
    } // value given in argv: never stored
    if (!nonEmpty(ctx.env[c])) {
      // real 0.0.111 (parse_credential_pairs), before any RPC
      if (ctx.caps.calibrated)
        throw new CliError(`--credential ${c} requires local env var '${c}' to be set to a non-empty value`)
      throw new CliError(`credential '${c}' was not found in the environment`, [], {
        help: `export ${c}=… before running this command`,
      })
    }
    keys.push(c)
  }
  return {keys, inArgv}
}
/** `--config KEY=VALUE` (config is not secret: the simulator keeps the values, e.g. OPENAI_BASE_URL for inference). */
function configPairs(list) {
  return Object.fromEntries(
    (list || []).map((kv) => {
      const eq = kv.indexOf('=')
      return eq > 0 ? [kv.slice(0, eq), kv.slice(eq + 1)] : [kv, '']
    }),
  )
}
H['provider create'] = (ctx, p) => {
  const gw = requireGateway(ctx)
  const server = connect(ctx, gw)
  const name = p.flags['--name']
  const type = p.flags['--type']
  if (ctx.caps.calibrated) {
    if (p.flags['--runtime-credentials'] && p.flags['--credential'])
      throw new CliError('--runtime-credentials cannot be combined with --credential')
    const {keys, inArgv} = credentialKeys(ctx, p.flags['--credential'])
    // real 0.0.111 gateway: no provider profiles, so runtime credentials (providers v2 discovery) are refused
    if (p.flags['--runtime-credentials'])
      throw new CliError(`provider profile '${type}' not found; providers v2 discovery requires a provider profile`)
    if (server.providers[name]) throw new CliError(tonic('AlreadyExists', 'provider already exists', ctx.caps))
    server.providers[name] = {
      id: crypto.randomUUID(),
      name,
      type,
      credentialKeys: [...new Set(keys)].sort(),
      credentialFromArgv: inArgv,
      config: configPairs(p.flags['--config']),
      resourceVersion: 1,
    }
    return out(ctx, `${ok(ctx)} Created provider ${name}`)
  }
  if (server.providers[name]) throw new CliError(tonic('AlreadyExists', 'provider already exists', ctx.caps))
  const {keys, inArgv} = credentialKeys(ctx, p.flags['--credential'])
  server.providers[name] = {
    name,
    type,
    credentialKeys: keys,
    credentialFromArgv: inArgv,
    config: configPairs(p.flags['--config']),
  }
  out(ctx, `${ok(ctx)} Created provider ${name}`)
}
// real 0.0.111: merges into the stored provider; `KEY=` (empty value) removes the key; `KEY` alone reads the
// variable from the environment (unset or empty fails); prints `✓ Updated provider NAME` on stdout
H['provider update'] = (ctx, p) => {
  const gw = requireGateway(ctx)
  const server = connect(ctx, gw)
  const name = p.pos[0]
  const creds = {}
  for (const c of p.flags['--credential'] || []) {
    const eq = c.indexOf('=')
    if (eq > 0) {
      creds[c.slice(0, eq)] = c.slice(eq + 1) !== ''
      continue
    }
    if (!nonEmpty(ctx.env[c]))
      throw new CliError(`--credential ${c} requires local env var '${c}' to be set to a non-empty value`)
    creds[c] = true
  }
  const config = {}
  for (const c of p.flags['--config'] || []) {
    const eq = c.indexOf('=')
    if (eq <= 0) throw new CliError(`--config expects KEY=VALUE, got '${c}'`)
    config[c.slice(0, eq)] = c.slice(eq + 1)
  }
  const pr = server.providers[name]
  if (!pr) throw notFound(ctx, 'provider')
  const keys = new Set(pr.credentialKeys)
  for (const [k, keep] of Object.entries(creds)) {
    if (keep) keys.add(k)
    else keys.delete(k)
  }
  pr.credentialKeys = [...keys]
  pr.config ||= {}
  for (const [k, v] of Object.entries(config)) {
    if (v === '') pr.config = C.without(pr.config, k)
    else pr.config[k] = v
  }
  pr.resourceVersion = (pr.resourceVersion || 1) + 1
  out(ctx, `${ok(ctx)} Updated provider ${name}`)
}
H['provider list'] = (ctx, p) => {
  const gw = requireGateway(ctx)
  const server = connect(ctx, gw)
  const providers = Object.values(server.providers).sort((a, b) => a.name.localeCompare(b.name))
  const items = providers.map((pr) => ({name: pr.name, type: pr.type, credential_keys: pr.credentialKeys}))
  if (p.output !== 'table') return emit(ctx, items, p.output)
  if (items.length === 0) return out(ctx, 'No providers found.')
  if (ctx.caps.calibrated) {
    // real 0.0.111: counts, not keys; CREDENTIAL_KEYS is a fixed 16-wide column
    const rows = providers.map((pr) => [
      pr.name,
      pr.type,
      pr.credentialKeys.length,
      Object.keys(pr.config || {}).length,
    ])
    for (const l of styledTable(['NAME', 'TYPE', 'CREDENTIAL_KEYS', 'CONFIG_KEYS'], rows, ctx.style, {
      minWidths: [4, 4, 16],
    }))
      out(ctx, l)
    return
  }
  for (const l of table(
    ['NAME', 'TYPE', 'CREDENTIALS'],
    items.map((i) => [i.name, i.type, i.credential_keys.join(',')]),
  ))
    out(ctx, l)
}
function getProvider(ctx, server, name) {
  const pr = server.providers[name]
  if (!pr) throw new CliError(tonic('NotFound', 'provider not found', ctx.caps))
  return pr
}
H['provider get'] = (ctx, p) => {
  const {style: s} = ctx
  const gw = requireGateway(ctx)
  const pr = getProvider(ctx, connect(ctx, gw), p.pos[0])
  const list = (keys) => (keys.length ? keys.join(', ') : '<none>')
  out(ctx, ctx.title('Provider:'))
  out(ctx)
  out(ctx, `  ${s.dim('Id:')} ${pr.id || crypto.randomUUID()}`)
  out(ctx, `  ${s.dim('Name:')} ${pr.name}`)
  out(ctx, `  ${s.dim('Type:')} ${pr.type}`)
  if (ctx.caps.providerResourceVersion) out(ctx, `  ${s.dim('Resource version:')} ${pr.resourceVersion || 1}`)
  out(ctx, `  ${s.dim('Credential keys:')} ${list(pr.credentialKeys)}`)
  out(ctx, `  ${s.dim('Config keys:')} ${list(Object.keys(pr.config || {}))}`)
}

/** The endpoint `inference set` verifies: the provider's `*_BASE_URL` config (OPENAI_BASE_URL, …), if it has one. */
function inferenceBase(provider) {
  const entry = Object.entries(provider?.config || {}).find(([k, v]) => /_BASE_URL$/.test(k) && v)
  return entry ? entry[1].trim() : null
}
/** The chat probe's URL: the real router sends `/v1/chat/completions` below a base that already ends in `/v1`. */
const chatUrl = (base) => {
  const b = base.replace(/\/+$/, '')
  return /\/v1$/.test(b) ? `${b}/chat/completions` : `${b}/v1/chat/completions`
}
const VERIFY_TIMEOUT_MS = 5000
/**
 * Real 0.0.111 `inference set` (without --no-verify): the gateway POSTs a one-token chat completion to the
 * provider's endpoint first. The simulator really does it, before it takes its state lock, so a test's
 * OpenAI-compatible stub being up or down decides the outcome. A provider without a base URL would be verified
 * against its public default: the simulator never reaches out to the internet and takes it as verified.
 */
async function probeInference(base, model) {
  const url = chatUrl(base)
  const ctl = new AbortController()
  const timer = setTimeout(() => ctl.abort(), VERIFY_TIMEOUT_MS)
  try {
    const res = await globalThis.fetch(url, {
      method: 'POST',
      signal: ctl.signal,
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({messages: [{role: 'user', content: 'ping'}], max_completion_tokens: 32, model}),
    })
    await res.arrayBuffer().catch(() => {})
    return {base, url, status: res.status}
  } catch (e) {
    return {base, url, error: e && e.name === 'AbortError' ? 'timeout' : 'connect'}
  } finally {
    clearTimeout(timer)
  }
}
const PRE = {}
PRE['inference set'] = async (ctx, p) => {
  if (!ctx.caps.calibrated || p.flags['--no-verify']) return {}
  let server
  try {
    server = connect(ctx, requireGateway(ctx))
  } catch {
    return {}
  } // the handler reports it
  const base = inferenceBase(server.providers[p.flags['--provider']])
  return base ? {verification: await probeInference(base, p.flags['--model'])} : {}
}
/** The gateway's words for a failed verification (server inference.rs validation_failure; the CLI prints the bare message). */
function verificationFailure(provider, model, v) {
  const [details, next] =
    v.error === 'connect'
      ? [
          `failed to connect to ${v.url}: error sending request for url (${v.url})`,
          'check that the service is running, confirm the base URL and protocol, and verify credentials',
        ]
      : v.error === 'timeout'
        ? [
            `request to ${v.url} timed out`,
            'check that the service is running, confirm the base URL and protocol, and verify credentials',
          ]
        : // (not observed) the HTTP status classes of validation_next_steps
          [
            `upstream returned HTTP ${v.status}`,
            v.status === 401 || v.status === 403
              ? 'verify the provider API key and any required auth headers'
              : v.status === 429
                ? 'retry later or verify quota/limits on the upstream provider'
                : v.status >= 500
                  ? 'check whether the endpoint is healthy and serving requests'
                  : 'confirm the provider type, base URL, and model identifier',
          ]
  return new CliError(
    `failed to verify inference endpoint for provider '${provider}' and model '${model}' at '${v.base}': ${details}. Next steps: ${next}, or retry with '--no-verify' if you want to skip verification`,
  )
}
H['inference set'] = (ctx, p) => {
  const {style: s} = ctx
  const gw = requireGateway(ctx)
  const server = connect(ctx, gw)
  const provider = p.flags['--provider']
  const model = p.flags['--model']
  if (!ctx.caps.calibrated) {
    if (!server.providers[provider]) throw new CliError(tonic('NotFound', `provider '${provider}' not found`, ctx.caps))
    const version = (server.inference?.version || 0) + 1
    server.inference = {provider, model, version}
    out(ctx, s.bold('Inference configured:'))
    out(ctx)
    out(ctx, `  ${s.dim('Provider:')} ${provider}`)
    out(ctx, `  ${s.dim('Model:')} ${model}`)
    out(ctx, `  ${s.dim('Version:')} ${version}`)
    return
  }
  // real 0.0.111: the gateway's status message, bare
  if (!server.providers[provider]) throw new CliError(`provider '${provider}' not found in workspace 'default'`)
  const v = ctx.prepared?.verification
  if (v && (v.error || v.status < 200 || v.status > 299)) throw verificationFailure(provider, model, v)
  const key = p.flags['--system'] ? 'systemInference' : 'inference'
  const timeout = Number(p.flags['--timeout'] || 0)
  const version = (server[key]?.version || 0) + 1
  server[key] = {provider, model, version, timeout}
  out(ctx, ctx.title(p.flags['--system'] ? 'System inference configured:' : 'Inference configured:'))
  out(ctx)
  out(ctx, `  ${s.dim('Workspace:')} default`)
  out(ctx, `  ${s.dim('Route:')} ${p.flags['--system'] ? 'sandbox-system' : 'inference.local'}`)
  out(ctx, `  ${s.dim('Provider:')} ${provider}`)
  out(ctx, `  ${s.dim('Model:')} ${model}`)
  out(ctx, `  ${s.dim('Version:')} ${version}`)
  out(ctx, `  ${s.dim('Timeout:')} ${timeout > 0 ? `${timeout}s` : '60s (default)'}`)
  if (v) {
    out(ctx, `  ${s.dim('Validated Endpoints:')}`)
    out(ctx, `    - ${v.url} (openai_chat_completions)`)
  }
}
H['inference get'] = (ctx, p) => {
  const {caps, style: s} = ctx
  const gw = requireGateway(ctx)
  const server = connect(ctx, gw)
  const block = (title, route) => {
    out(ctx, ctx.title(title))
    out(ctx)
    if (!route) return out(ctx, caps.calibrated ? `  ${s.dim('Not configured')}` : '  Not configured')
    if (caps.envelope || caps.calibrated) out(ctx, `  ${s.dim('Workspace:')} default`)
    out(ctx, `  ${s.dim('Provider:')} ${route.provider}`)
    out(ctx, `  ${s.dim('Model:')} ${route.model}`)
    out(ctx, `  ${s.dim('Version:')} ${route.version}`)
    if (caps.calibrated) out(ctx, `  ${s.dim('Timeout:')} ${route.timeout > 0 ? `${route.timeout}s` : '60s (default)'}`)
  }
  if (p.flags['--system']) return block('System inference:', server.systemInference)
  block('Inference:', server.inference)
  if (!caps.legacy) {
    out(ctx)
    block('System inference:', server.systemInference || null)
  }
}

H['policy set'] = (ctx, p) => {
  const gw = requireGateway(ctx)
  const server = connect(ctx, gw)
  const sb = getSandbox(ctx, server, p.pos[0])
  let content
  try {
    content = fs.readFileSync(p.flags['--policy'], 'utf8')
  } catch {
    throw new CliError(`failed to read policy file ${p.flags['--policy']}`, ['No such file or directory (os error 2)'])
  }
  const version = (server.policies[sb.name]?.version || 0) + 1 // replaces the default policy (calibrated); its revision after that is not observed
  const fails = content.includes('sim-fail-load')
  server.policies[sb.name] = {version, content, status: fails ? 'Failed' : 'Loaded'}
  err(ctx, `${ok(ctx)} Policy version ${version} submitted for sandbox '${sb.name}'`)
  if (p.flags['--wait']) {
    if (fails) throw new CliError(`policy version ${version} failed to load`, ['simulated load failure'])
    err(ctx, `${ok(ctx)} Policy version ${version} loaded`)
  }
}
H['policy get'] = (ctx, p) => {
  const {style: s} = ctx
  const gw = requireGateway(ctx)
  const server = connect(ctx, gw)
  const sb = getSandbox(ctx, server, p.pos[0])
  const pol = server.policies[sb.name]
  if (!pol) return out(ctx, `No policy set for sandbox '${sb.name}'.`)
  out(ctx, s.bold('Policy:'))
  out(ctx)
  out(ctx, `  ${s.dim('Sandbox:')} ${sb.name}`)
  out(ctx, `  ${s.dim('Version:')} ${pol.version}`)
  out(ctx, `  ${s.dim('Status:')} ${pol.status}`)
  if (p.flags['--full']) {
    out(ctx)
    ctx.stdout.push(pol.content.endsWith('\n') ? pol.content : pol.content + '\n')
  }
}

H['logs'] = (ctx, p) => {
  const gw = requireGateway(ctx)
  const server = connect(ctx, gw)
  const sb = getSandbox(ctx, server, lastSandbox(ctx, gw, p.pos[0]))
  const n = p.flags['-n'] !== undefined ? Number(p.flags['-n']) : 200
  const total = 20
  const base = Date.parse(sb.createdAt)
  for (let i = Math.max(0, total - n); i < total; i++) {
    out(
      ctx,
      `${new Date(base + i * 1000).toISOString()} INFO  openshell_sandbox: [${sb.name}] simulated log line ${i + 1}`,
    )
  }
  if (p.flags['--tail']) ctx.block = true
}

H['forward start'] = (ctx, p) => {
  const gw = requireGateway(ctx)
  const server = connect(ctx, gw)
  const [spec, name] = p.pos
  const m = /^(?:(.+):)?(\d+)$/.exec(spec)
  if (!m) throw new UsageError(`invalid value '${spec}' for '<PORT>'`, 'openshell ' + COMMANDS['forward start'].usage)
  const sb = getSandbox(ctx, server, name)
  if (C.effectivePhase(sb, ctx.now) !== 'Ready')
    throw new CliError(tonic('FailedPrecondition', 'sandbox is not ready', ctx.caps))
  const port = Number(m[2])
  ctx.state.forwards ||= []
  if (ctx.state.forwards.some((f) => f.port === port)) throw new CliError(`port ${port} is already forwarded`)
  const bg = p.flags['-d'] || p.flags['--background']
  ctx.state.forwards.push({sandbox: name, bind: m[1] || '127.0.0.1', port, pid: bg ? 40000 + port : process.pid})
  err(ctx, `${ok(ctx)} Forwarding port ${port} to sandbox ${name}${bg ? ' in the background' : ''}`)
  if (!bg) ctx.block = true
}
H['forward stop'] = (ctx, p) => {
  const port = Number(p.pos[0])
  const before = (ctx.state.forwards || []).length
  ctx.state.forwards = (ctx.state.forwards || []).filter(
    (f) => !(f.port === port && (!p.pos[1] || f.sandbox === p.pos[1])),
  )
  if (ctx.state.forwards.length === before) throw new CliError(`No active forward found for port ${port}`)
  err(ctx, `${ok(ctx)} Stopped forwarding port ${port}`)
}
H['forward list'] = (ctx) => {
  const fw = ctx.state.forwards || []
  if (fw.length === 0) return out(ctx, 'No active forwards.')
  for (const l of table(
    ['SANDBOX', 'BIND', 'PORT', 'PID', 'STATUS'],
    fw.map((f) => [f.sandbox, f.bind, f.port, f.pid, 'running']),
  ))
    out(ctx, l)
}

// ---------- faults ----------
function findFault(state, argv) {
  const joined = argv.join(' ')
  return (state.faults || []).find((f) => joined.includes(f.pattern)) || null
}
async function runFault(fault, argv) {
  const kind = fault.kind
  if (kind === 'hang') {
    C.logEntry('openshell', argv, null, {fault: 'hang'})
    // a grandchild holding our stdout: callers must kill the whole process group
    spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], {stdio: ['ignore', 'inherit', 'inherit']})
    process.stdout.write('')
    setInterval(() => {}, 1 << 30)
    return new Promise(() => {})
  }
  if (kind === 'crash') {
    C.logEntry('openshell', argv, null, {fault: 'crash', signal: 'SIGKILL'})
    process.kill(process.pid, 'SIGKILL')
    return new Promise(() => {})
  }
  if (kind === 'garbage') {
    let s = ''
    for (let i = 0; i < 2048; i++)
      s += String.fromCharCode(33 + Math.floor(Math.random() * 94)) + (i % 97 === 96 ? '\n' : '')
    C.logEntry('openshell', argv, 0, {fault: 'garbage'})
    process.stdout.write(s + '\n')
    return 0
  }
  if (kind === 'huge') {
    C.logEntry('openshell', argv, 0, {fault: 'huge'})
    const line = 'x'.repeat(1023) + '\n'
    const chunk = line.repeat(1024) // 1 MiB
    for (let i = 0; i < 5; i++) {
      if (!process.stdout.write(chunk)) await new Promise((r) => process.stdout.once('drain', r))
    }
    return 0
  }
  const m = /^exit:(\d+)$/.exec(kind)
  if (m) {
    const code = Number(m[1])
    C.logEntry('openshell', argv, code, {fault: kind})
    if (fault.stderr) process.stderr.write(fault.stderr.endsWith('\n') ? fault.stderr : fault.stderr + '\n')
    return code
  }
  C.logEntry('openshell', argv, 70, {fault: kind})
  process.stderr.write(`openshell (simulator): unknown fault kind '${kind}'\n`)
  return 70
}

// ---------- main ----------
function helpText(id) {
  if (!id)
    return 'OpenShell CLI (simulated)\n\nUsage: openshell [OPTIONS] <COMMAND>\n\nCommands:\n  status, gateway, sandbox, provider, inference, policy, logs, forward\n'
  const spec = COMMANDS[id]
  return `Usage: openshell ${spec ? spec.usage : id + ' <COMMAND>'}\n`
}

/** Asynchronous work a command needs before the (synchronous, locked) handler runs: see PRE. */
async function prepare(state, argv, env) {
  try {
    const ctx = makeCtx(state, argv, env)
    if (ctx.pendingUsage) return {}
    const parsed = parseCommand(ctx.rest, ctx.caps)
    return !parsed.help && PRE[parsed.id] ? await PRE[parsed.id](ctx, parsed) : {}
  } catch {
    return {} // the handler reports usage and gateway errors itself
  }
}

/** The state file and its state before a call, or the answer a call gets when there is none. */
function preState(argv, env) {
  let stateFile
  try {
    stateFile = C.statePath(env)
  } catch (e) {
    return {answer: {code: 1, stdout: '', stderr: `openshell (simulator): ${e.message}\n`, block: false}}
  }
  try {
    return {stateFile, pre: C.loadState(stateFile)}
  } catch (e) {
    C.logEntry('openshell', argv, 1, {simError: e.message}, env)
    return {answer: {code: 1, stdout: '', stderr: `openshell (simulator): ${e.message}\n`, block: false}}
  }
}

/** Whether the call has asynchronous work before its handler (PRE), e.g. `inference set` verifying the endpoint. */
function hasPrepare(state, argv, env) {
  try {
    const ctx = makeCtx(state, argv, env)
    if (ctx.pendingUsage) return false
    const parsed = parseCommand(ctx.rest, ctx.caps)
    return !parsed.help && Boolean(PRE[parsed.id])
  } catch {
    return false
  }
}

/** One call after latency and faults: {code, stdout, stderr, block} (block: it streams until killed). */
async function answer(argv, env, stateFile, pre) {
  return answerPrepared(argv, env, stateFile, await prepare(pre, argv, env))
}

function answerPrepared(argv, env, stateFile, prepared) {
  let ctx
  try {
    ctx = C.withLock(stateFile, () => {
      const state = C.loadState(stateFile)
      const before = JSON.stringify(state)
      const c = makeCtx(state, argv, env)
      c.code = 0
      c.prepared = prepared
      try {
        if (c.pendingUsage) throw c.pendingUsage
        if (c.rest.length === 1 && (c.rest[0] === '--version' || c.rest[0] === '-V')) {
          out(c, `openshell ${state.version}`)
          return c
        }
        if (c.rest[0] === '--help' || c.rest[0] === '-h' || c.rest[0] === 'help') {
          c.stdout.push(helpText())
          return c
        }
        const parsed = parseCommand(c.rest, c.caps)
        if (parsed.help) {
          c.stdout.push(helpText(parsed.id))
          return c
        }
        H[parsed.id](c, parsed)
      } catch (e) {
        if (e instanceof CliError) {
          c.stderr.push(miette(e.top, e.causes, e.help, e.advice))
          c.code = e.code
        } else if (e instanceof UsageError) {
          c.stdout = []
          c.stderr = [clapError(e.message, e.usage, e.extra)]
          c.code = 2
        } else throw e
      } finally {
        if (JSON.stringify(state) !== before) C.saveState(stateFile, state)
      }
      return c
    })
  } catch (e) {
    ctx = {stdout: [], stderr: [], code: e instanceof C.SimFatal ? 1 : 70}
    ctx.stderr.push(
      e instanceof C.SimFatal
        ? `openshell (simulator): ${e.message}\n`
        : `openshell (simulator): internal error: ${(e && e.stack) || e}\n`,
    )
  }
  const code = ctx.code
  C.logEntry('openshell', argv, code, {}, env)
  return {code, stdout: ctx.stdout.join(''), stderr: ctx.stderr.join(''), block: Boolean(ctx.block && code === 0)}
}

/** Calls that may stream until killed (`logs --tail`, a foreground `forward start`, a browser-login `gateway add`). */
const mayBlock = (argv) =>
  argv.includes('--tail') || argv.includes('forward') || (argv.includes('gateway') && argv.includes('add'))

/**
 * The same call without a process of its own (test/support/inprocess.ts), for calls a process adds nothing to:
 * undefined when the call needs one — a fault is set on it (hang, crash, huge output…), the simulator has a
 * latency (a caller's timeout must be able to cut it), or it may stream until killed.
 */
export async function callInProcess(argv, env) {
  if (mayBlock(argv)) return undefined
  const p = preState(argv, env)
  if (p.answer) return p.answer
  if (p.pre.latencyMs > 0 || findFault(p.pre, argv)) return undefined
  C.logStarted('openshell', argv, p.stateFile)
  const r = await answer(argv, env, p.stateFile, p.pre)
  if (r.block) throw new Error(`openshell (simulator): '${argv.join(' ')}' streams until killed; add it to mayBlock`)
  return r
}

/** callInProcess for callers that cannot wait (the simulator's own tests): also undefined when the call has PRE work. */
export function callInProcessSync(argv, env) {
  if (mayBlock(argv)) return undefined
  const p = preState(argv, env)
  if (p.answer) return p.answer
  if (p.pre.latencyMs > 0 || findFault(p.pre, argv) || hasPrepare(p.pre, argv, env)) return undefined
  C.logStarted('openshell', argv, p.stateFile)
  const r = answerPrepared(argv, env, p.stateFile, {})
  if (r.block) throw new Error(`openshell (simulator): '${argv.join(' ')}' streams until killed; add it to mayBlock`)
  return r
}

export async function main(argv) {
  const env = process.env
  const p = preState(argv, env)
  if (p.answer) {
    process.stderr.write(p.answer.stderr)
    process.exitCode = p.answer.code
    return
  }
  C.logStarted('openshell', argv, p.stateFile)
  if (p.pre.latencyMs > 0) await C.sleep(p.pre.latencyMs)
  const fault = findFault(p.pre, argv)
  if (fault) {
    process.exitCode = await runFault(fault, argv)
    return
  }
  const r = await answer(argv, env, p.stateFile, p.pre)
  if (r.stdout) process.stdout.write(r.stdout)
  if (r.stderr) process.stderr.write(r.stderr)
  process.exitCode = r.code
  if (r.block) setInterval(() => {}, 1 << 30) // streams (logs --tail, foreground forward) until killed
}
export {CliError, UsageError}
