// A stand-in `docker` for the simulator's PATH: `docker info` answers as a running engine would, unless the
// simulator state says the container runtime is down (`openshell-sim runtime down`). Nothing else is supported.
import {readFileSync} from 'node:fs'

import * as C from './common.js'

export async function main(args, env = process.env) {
  C.printAnswer(callInProcess(args, env))
}

/** One call: {code, stdout, stderr} (also used without a process of its own, test/support/inprocess.ts). */
export function callInProcess(args, env) {
  let down = false
  try {
    down = JSON.parse(readFileSync(env.OPENSHELL_SIM_STATE ?? '', 'utf8')).runtimeDown === true
  } catch {
    /* no state: the runtime is up */
  }

  if (args[0] === 'info') {
    if (down)
      return {
        code: 1,
        stdout: '',
        stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n',
      }
    return {
      code: 0,
      stdout: 'Client:\n Version: 28.1.1\n\nServer:\n Containers: 1\n Server Version: 28.1.1 (simulated)\n',
      stderr: '',
    }
  }

  return {code: 125, stdout: '', stderr: `docker (simulated): '${args.join(' ')}' is not supported here\n`}
}
