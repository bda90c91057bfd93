// `openshell-sim`: the simulator's control CLI (drives state that the fake `openshell` reads).
import fs from 'node:fs'
import * as C from './common.js'

const USAGE = `usage: openshell-sim <command>
  init --profile legacy|modern [--version X] [--gateway NAME] [--no-gateway] [--no-service-unit]
  gateway stop|start [--name N]
  gateway restart [--graceful] [--delay-ms D] [--provisioning-ms P] [--name N]
                                    (down D ms, then sandboxes Provisioning P ms; --graceful (SIGTERM) and
                                     every restart at 0.0.111: only sandboxes that should run (Ready,
                                     Provisioning, Starting) go through Provisioning, Stopped and Error ones
                                     stay as they are: the real gateway stops them on shutdown and its
                                     start-up sweep starts them again)
  gateway rebuild [--name N]
  gateway rotate-ca [--other-dn] [--name N]
                                    (new CA, sandboxes kept: a pure trust rotation; the new CA has the same
                                     DN (clients: BadSignature) or, with --other-dn, another one (UnknownIssuer);
                                     at 0.0.111 running sandboxes turn Provisioning for good: their
                                     supervisors hold the old CA and JWT key)
  gateway refuse on|off [--name N]
  gateway auth on|off [--name N]
  gateway add-other NAME [--activate] [--remote HOST]
                                    (--remote: a remote mTLS gateway at https://HOST:<port>, is_remote true;
                                     its CA is its own, never the local gateway service's)
  sandbox add NAME [--phase P] [--count N] [--gateway G]
  sandbox remove NAME [--gateway G]
  sandbox phase NAME PHASE [--gateway G]
  runtime up|down                   (the fake docker info answers or not; down: the legacy CLI's gateway
                                     start/stop/destroy/add --local find no Docker socket)
  latency MS
  clock advance MS                  (the simulator's clock moves MS ms ahead of the wall clock: restart delays
                                     and provisioning windows pass without waiting)
  fault set PATTERN hang|crash|garbage|huge|exit:N [--stderr TEXT]
  fault clear [PATTERN]
  log [--clear]
  show`
/** Phases the real 0.0.111 gateway's start-up sweep starts again (compute/mod.rs sandbox_phase_should_be_running). */
const SHOULD_RUN = ['Unspecified', 'Provisioning', 'Ready', 'Starting', 'Unknown']
const PHASES = [
  'Unspecified',
  'Provisioning',
  'Ready',
  'Error',
  'Deleting',
  'Unknown',
  'Stopping',
  'Stopped',
  'Starting',
  'Completed',
]

class Usage extends Error {}
function parse(args, spec) {
  const flags = {}
  const pos = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a.startsWith('--')) {
      if (!(a in spec)) throw new Usage(`unknown flag ${a}`)
      if (spec[a]) {
        if (args[i + 1] === undefined) throw new Usage(`${a} needs a value`)
        flags[a] = args[++i]
      } else flags[a] = true
    } else pos.push(a)
  }
  return {flags, pos}
}
function num(v, what) {
  const n = Number(v)
  if (!Number.isFinite(n) || n < 0) throw new Usage(`${what} must be a non-negative number`)
  return n
}
function serverByName(state, name) {
  if (!name) {
    const s = state.primary && state.servers[state.primary]
    if (!s) throw new C.SimFatal('no primary gateway server in this simulation')
    return s
  }
  const s = Object.values(state.servers).find((x) => x.name === name)
  if (!s) throw new C.SimFatal(`no simulated gateway server named '${name}'`)
  return s
}
function onOff(v) {
  if (v !== 'on' && v !== 'off') throw new Usage('expected on|off')
  return v === 'on'
}

function init(args, env) {
  const {flags} = parse(args, {
    '--profile': true,
    '--version': true,
    '--gateway': true,
    '--no-gateway': false,
    '--no-service-unit': false,
  })
  const profile = flags['--profile']
  if (profile !== 'legacy' && profile !== 'modern') throw new Usage('--profile legacy|modern is required')
  const version = flags['--version'] || (profile === 'legacy' ? C.LEGACY_VERSION : C.MODERN_VERSION)
  C.parseVersion(version)
  const caps = C.capabilities(version)
  const name = flags['--gateway'] || 'nemoclaw'
  const port = caps.legacy ? C.LEGACY_PORT : C.MODERN_PORT
  const endpoint = `https://127.0.0.1:${port}`
  const state = {
    simVersion: 1,
    profile,
    version,
    createdAt: new Date().toISOString(),
    primary: null,
    localService: null,
    latencyMs: 0,
    faults: [],
    servers: {},
    forwards: [],
    serviceRestartProvisioningMs: 0,
  }
  const server = C.newServer({name, endpoint, port, version, generation: caps.legacy ? 'legacy' : 'modern'})
  if (!caps.legacy) {
    // the modern gateway is a systemd user service with its own PKI; it exists even with --no-gateway
    state.servers[endpoint] = server
    state.primary = endpoint
    state.localService = {endpoint, unit: !flags['--no-service-unit']}
    C.writeLocalService(state, server, env)
    if (!flags['--no-service-unit']) C.writeUnitFile(env)
  } else if (!flags['--no-gateway']) {
    state.servers[endpoint] = server
    state.primary = endpoint
  }
  if (!flags['--no-gateway']) {
    C.writeRegistration({name, endpoint, port: caps.legacy ? port : 0, caId: server.caId}, env)
    C.writeActive(name, env)
  }
  const file = C.statePath(env)
  C.withLock(file, () => C.saveState(file, state))
  return (
    `initialized ${profile} openshell ${version}` +
    (flags['--no-gateway'] ? ' (no gateway registered)' : `, gateway '${name}' at ${endpoint}`)
  )
}

function gateway(args, env) {
  const [verb, ...rest] = args
  switch (verb) {
    case 'stop':
    case 'start': {
      const {flags} = parse(rest, {'--name': true})
      return C.mutate((st) => {
        const s = serverByName(st, flags['--name'])
        s.running = verb === 'start'
        s.upAt = 0
        return `gateway '${s.name}' ${verb === 'start' ? 'started' : 'stopped'}${verb === 'start' && s.refuseAfterStart ? ' (still refusing)' : ''}`
      }, env)
    }
    case 'restart': {
      const {flags} = parse(rest, {'--delay-ms': true, '--provisioning-ms': true, '--name': true, '--graceful': false})
      const delay = num(flags['--delay-ms'] ?? 0, '--delay-ms')
      const prov = num(flags['--provisioning-ms'] ?? 0, '--provisioning-ms')
      return C.mutate((st) => {
        const s = serverByName(st, flags['--name'])
        const now = C.simNow(st)
        s.running = true
        s.upAt = now + delay
        // real 0.0.111 (crash and graceful alike): the start-up sweep restarts what should run; the rest stays
        const sweep = flags['--graceful'] || C.capabilities(st.version).calibrated
        for (const sb of Object.values(s.sandboxes)) {
          if (sweep && (!SHOULD_RUN.includes(sb.phase) || sb.oldCa)) continue // oldCa: never comes back (rotate-ca)
          if (sweep && sb.phase !== 'Ready') {
            sb.phase = 'Ready'
          } // Provisioning/Starting: the sweep starts it
          sb.readyAt = prov > 0 ? s.upAt + prov : 0
        }
        return `gateway '${s.name}' ${flags['--graceful'] ? 'gracefully ' : ''}restarting: down ${delay} ms, sandboxes Provisioning ${prov} ms`
      }, env)
    }
    case 'rebuild': {
      const {flags} = parse(rest, {'--name': true})
      return C.mutate((st) => {
        const s = serverByName(st, flags['--name'])
        Object.assign(s, {
          caId: C.newCaId(),
          caOtherDn: false,
          sandboxes: {},
          policies: {},
          providers: {},
          inference: null,
          running: true,
          upAt: 0,
        })
        st.forwards = []
        if (st.localService && st.localService.endpoint === s.endpoint) C.writeLocalService(st, s, env)
        return `gateway '${s.name}' rebuilt with CA ${s.caId}`
      }, env)
    }
    case 'rotate-ca': {
      // A trust rotation without a rebuild: the server gets a new CA (the modern local service writes its new
      // client bundle, as a real service does on start); clients keep the old one until they re-import.
      const {flags} = parse(rest, {'--name': true, '--other-dn': false})
      return C.mutate((st) => {
        const s = serverByName(st, flags['--name'])
        s.caId = C.newCaId()
        s.caOtherDn = Boolean(flags['--other-dn'])
        if (st.localService && st.localService.endpoint === s.endpoint) C.writeLocalService(st, s, env)
        // real 0.0.111: the restarted gateway starts the running sandboxes again, but their supervisors hold the
        // old CA and a sandbox JWT signed by the old key: they never reconnect, the sandboxes stay Provisioning
        if (C.capabilities(st.version).calibrated) {
          for (const sb of Object.values(s.sandboxes))
            if (SHOULD_RUN.includes(sb.phase)) Object.assign(sb, {phase: 'Provisioning', readyAt: 0, oldCa: true})
        }
        return `gateway '${s.name}' rotated to CA ${s.caId} (${Object.keys(s.sandboxes).length} sandbox(es) kept)`
      }, env)
    }
    case 'refuse':
    case 'auth': {
      const {flags, pos} = parse(rest, {'--name': true})
      const on = onOff(pos[0])
      return C.mutate((st) => {
        const s = serverByName(st, flags['--name'])
        s[verb === 'refuse' ? 'refuseAfterStart' : 'authRequired'] = on
        return `gateway '${s.name}' ${verb} ${on ? 'on' : 'off'}`
      }, env)
    }
    case 'add-other': {
      const {flags, pos} = parse(rest, {'--activate': false, '--remote': true})
      const name = pos[0]
      if (!name) throw new Usage('gateway add-other NAME [--activate] [--remote HOST]')
      const remoteHost = flags['--remote']
      if (remoteHost !== undefined && !/^[A-Za-z0-9.-]+$/.test(remoteHost))
        throw new Usage('--remote takes a host name')
      return C.mutate((st) => {
        const caps = C.capabilities(st.version)
        const host = remoteHost ?? '127.0.0.1'
        let port = remoteHost ? caps.defaultPort : caps.defaultPort + 1
        while (st.servers[`https://${host}:${port}`]) port++
        const endpoint = `https://${host}:${port}`
        if (Object.values(st.servers).some((x) => x.name === name))
          throw new C.SimFatal(`a simulated gateway named '${name}' already exists`)
        const s = (st.servers[endpoint] = C.newServer({
          name,
          endpoint,
          port,
          version: st.version,
          generation: caps.legacy ? 'legacy' : 'modern',
        }))
        C.writeRegistration(
          {name, endpoint, port: caps.legacy ? port : 0, caId: s.caId, isRemote: Boolean(remoteHost), remoteHost},
          env,
        )
        if (flags['--activate']) C.writeActive(name, env)
        return `gateway '${name}' at ${endpoint}${remoteHost ? ' (remote)' : ''}${flags['--activate'] ? ' (active)' : ''}`
      }, env)
    }
    default:
      throw new Usage(`unknown gateway command '${verb ?? ''}'`)
  }
}

function sandbox(args, env) {
  const [verb, ...rest] = args
  const {flags, pos} = parse(rest, {'--phase': true, '--count': true, '--gateway': true})
  const name = pos[0]
  if (!name) throw new Usage(`sandbox ${verb} NAME …`)
  return C.mutate((st) => {
    const s = serverByName(st, flags['--gateway'])
    if (verb === 'add') {
      const phase = flags['--phase'] || 'Ready'
      if (!PHASES.includes(phase)) throw new Usage(`unknown phase '${phase}' (${PHASES.join(', ')})`)
      const count = flags['--count'] ? num(flags['--count'], '--count') : 0
      const names = count ? Array.from({length: count}, (_, i) => `${name}-${i + 1}`) : [name]
      const base = Date.now()
      names.forEach((n, i) => {
        s.sandboxes[n] = C.newSandbox(n, phase, {createdAt: new Date(base + i).toISOString()})
      })
      return `added ${names.length} sandbox(es) to '${s.name}'`
    }
    if (verb === 'remove') {
      if (!s.sandboxes[name]) throw new C.SimFatal(`no sandbox '${name}' on '${s.name}'`)
      s.sandboxes = C.without(s.sandboxes, name)
      s.policies = C.without(s.policies, name)
      return `removed sandbox '${name}'`
    }
    if (verb === 'phase') {
      const phase = pos[1]
      if (!PHASES.includes(phase)) throw new Usage(`unknown phase '${phase}' (${PHASES.join(', ')})`)
      if (!s.sandboxes[name]) throw new C.SimFatal(`no sandbox '${name}' on '${s.name}'`)
      s.sandboxes[name].phase = phase
      s.sandboxes[name].readyAt = 0
      delete s.sandboxes[name].oldCa
      return `sandbox '${name}' is ${phase}`
    }
    throw new Usage(`unknown sandbox command '${verb}'`)
  }, env)
}

function fault(args, env) {
  const [verb, ...rest] = args
  const {flags, pos} = parse(rest, {'--stderr': true})
  if (verb === 'set') {
    const [pattern, kind] = pos
    if (!pattern || !kind || !/^(hang|crash|garbage|huge|exit:\d+)$/.test(kind))
      throw new Usage('fault set PATTERN hang|crash|garbage|huge|exit:N [--stderr TEXT]')
    return C.mutate((st) => {
      st.faults = (st.faults || []).filter((f) => f.pattern !== pattern)
      st.faults.push({pattern, kind, stderr: flags['--stderr'] ?? null})
      return `fault '${kind}' on '${pattern}'`
    }, env)
  }
  if (verb === 'clear') {
    return C.mutate((st) => {
      st.faults = pos[0] ? (st.faults || []).filter((f) => f.pattern !== pos[0]) : []
      return 'faults cleared'
    }, env)
  }
  throw new Usage(`unknown fault command '${verb ?? ''}'`)
}

export async function main(args, env = process.env) {
  C.printAnswer(callInProcess(args, env))
}

/** One control call: {code, stdout, stderr} (test/support/sim.ts runs these without a process of their own). */
export function callInProcess(args, env) {
  const o = []
  const write = (s) => {
    o.push(s)
  }
  const r = run(args, env, write)
  return {code: r.code, stdout: o.join(''), stderr: r.stderr}
}

function run(args, env, write) {
  const [cmd, ...rest] = args
  try {
    let msg
    switch (cmd) {
      case 'init':
        msg = init(rest, env)
        break
      case 'gateway':
        msg = gateway(rest, env)
        break
      case 'sandbox':
        msg = sandbox(rest, env)
        break
      case 'fault':
        msg = fault(rest, env)
        break
      case 'runtime': {
        if (rest[0] !== 'up' && rest[0] !== 'down') throw new Usage('runtime up|down')
        const down = rest[0] === 'down'
        msg = C.mutate((st) => {
          st.runtimeDown = down
          return `container runtime ${rest[0]}`
        }, env)
        break
      }
      case 'clock': {
        if (rest[0] !== 'advance') throw new Usage('clock advance MS')
        const ms = num(rest[1], 'clock advance')
        msg = C.mutate((st) => {
          st.clockOffsetMs = (st.clockOffsetMs || 0) + ms
          return `clock ${st.clockOffsetMs} ms ahead`
        }, env)
        break
      }
      case 'latency': {
        const ms = num(rest[0], 'latency')
        msg = C.mutate((st) => {
          st.latencyMs = ms
          return `latency ${ms} ms`
        }, env)
        break
      }
      case 'log': {
        const file = C.logPath(env)
        if (rest[0] === '--clear') {
          fs.writeFileSync(file, '')
          msg = 'log cleared'
        } else {
          let text = ''
          try {
            text = fs.readFileSync(file, 'utf8')
          } catch {
            /* ignore */
          }
          write(text)
          return {code: 0, stderr: ''}
        }
        break
      }
      case 'show':
        write(JSON.stringify(C.loadState(C.statePath(env)), null, 2) + '\n')
        return {code: 0, stderr: ''}
      case undefined:
      case '--help':
      case '-h':
        write(USAGE + '\n')
        return {code: 0, stderr: ''}
      default:
        throw new Usage(`unknown command '${cmd}'`)
    }
    write(msg + '\n')
  } catch (e) {
    if (e instanceof Usage) return {code: 2, stderr: `openshell-sim: ${e.message}\n${USAGE}\n`}
    return {code: 1, stderr: `openshell-sim: ${e instanceof C.SimFatal ? e.message : (e && e.stack) || e}\n`}
  }
  return {code: 0, stderr: ''}
}
