// Fake `systemctl --user start|stop|restart|is-active|status openshell-gateway[.service]`.
import fs from 'node:fs'
import * as C from './common.js'

export async function main(argv, env = process.env) {
  C.printAnswer(callInProcess(argv, env))
}

/** One call: {code, stdout, stderr} (also used without a process of its own, test/support/inprocess.ts). */
export function callInProcess(argv, env) {
  let code = 0
  const o = []
  const e = []
  try {
    const user = argv.includes('--user')
    const words = argv.filter((a) => !a.startsWith('-'))
    const [verb, unitArg] = words
    const unit = unitArg ? (unitArg.endsWith('.service') ? unitArg : unitArg + '.service') : null
    const ours = unit === C.SERVICE_UNIT
    const notFound = () => {
      if (verb === 'is-active') {
        o.push('inactive')
        return 3
      }
      if (verb === 'status') {
        e.push(`Unit ${unit} could not be found.`)
        return 4
      }
      e.push(`Failed to ${verb} ${unit}: Unit ${unit} not found.`)
      return 5
    }
    if (['daemon-reload', 'enable', 'disable', 'reset-failed'].includes(verb)) code = 0
    else if (!['start', 'stop', 'restart', 'is-active', 'status'].includes(verb) || !unit) {
      e.push(`Unknown command verb '${verb ?? ''}'.`)
      code = 1
    } else if (!user || !ours || !fs.existsSync(C.unitFilePath(env))) code = notFound()
    else {
      code = C.mutate((st) => {
        const s = st.localService && st.servers[st.localService.endpoint]
        if (!s) return notFound()
        if (verb === 'start' || verb === 'restart') {
          // generate-certs: a missing PKI means a brand-new CA
          const dir = C.localTlsDir(env)
          if (!['ca.crt', 'client/tls.crt', 'client/tls.key'].every((f) => fs.existsSync(`${dir}/${f}`))) {
            s.caId = C.newCaId()
            C.writeLocalService(st, s, env)
          }
          const wasRunning = s.running
          s.running = true
          s.upAt = 0
          if (verb === 'restart' || !wasRunning) {
            const prov = st.serviceRestartProvisioningMs || 0
            for (const sb of Object.values(s.sandboxes)) sb.readyAt = prov > 0 ? C.simNow(st) + prov : 0
          }
          return 0
        }
        if (verb === 'stop') {
          s.running = false
          return 0
        }
        if (verb === 'is-active') {
          o.push(s.running ? 'active' : 'inactive')
          return s.running ? 0 : 3
        }
        o.push(`● ${C.SERVICE_UNIT} - OpenShell Gateway`)
        o.push(`     Loaded: loaded (${C.unitFilePath(env)}; enabled; preset: enabled)`)
        o.push(s.running ? '     Active: active (running)' : '     Active: inactive (dead)')
        return s.running ? 0 : 3
      }, env)
    }
  } catch (err) {
    e.push(`systemctl (simulator): ${err instanceof C.SimFatal ? err.message : (err && err.stack) || err}`)
    code = 1
  }
  try {
    C.logEntry('systemctl', argv, code, {}, env)
  } catch {
    /* ignore */
  }
  return {code, stdout: o.length ? o.join('\n') + '\n' : '', stderr: e.length ? e.join('\n') + '\n' : ''}
}
