#!/usr/bin/env node
// `npm run demo`: a scripted story a new user can watch, run against the OpenShell simulator in a temporary home.
// Each step prints the command (`$ nemoclaw status`) and runs it with the terminal inherited, so listr2 renders
// exactly as it would for you. Simulator steps (`openshell-sim …`) stand in for what happens to a real gateway.
//
//   DEMO_PAUSE_MS=1500 npm run demo     pause between steps (default 0)
//   DEMO_PROFILE=legacy npm run demo    OpenShell 0.0.26 (k3s in Docker) instead of 0.1.2 (systemd service)
//
// Exits non-zero when any step's exit code is not the one the story expects. Plain Node ESM, no dependencies.
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const SIM_DIR = path.join(ROOT, 'test', 'support', 'simulator')
const PAUSE_MS = Number(process.env.DEMO_PAUSE_MS || 0)
const PROFILE = process.env.DEMO_PROFILE === 'legacy' ? 'legacy' : 'modern'

const tty = process.stdout.isTTY && !process.env.NO_COLOR
const bold = (s) => (tty ? `\u001B[1m${s}\u001B[22m` : s)
const dim = (s) => (tty ? `\u001B[2m${s}\u001B[22m` : s)
const red = (s) => (tty ? `\u001B[31m${s}\u001B[39m` : s)
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

// ---- a throw-away world: HOME, NEMOCLAW_HOME, PATH with the simulator (and `nemoclaw`) first ---------------------

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nemoclaw-demo-'))
const home = path.join(dir, 'home')
const binDir = path.join(dir, 'bin')
fs.mkdirSync(path.join(home, '.config'), {recursive: true})
fs.mkdirSync(binDir)
fs.symlinkSync(path.join(ROOT, 'bin', 'run.js'), path.join(binDir, 'nemoclaw'))

const STRIP = [
  'OPENSHELL_GATEWAY',
  'OPENSHELL_GATEWAY_ENDPOINT',
  'OPENSHELL_LOCAL_TLS_DIR',
  'OPENSHELL_SIM_LOG',
  'XDG_STATE_HOME',
  'XDG_DATA_HOME',
  'NEMOCLAW_OPENSHELL_BIN',
]
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !STRIP.includes(k)))
Object.assign(env, {
  HOME: home,
  NEMOCLAW_HOME: path.join(home, '.nemoclaw'),
  NVIDIA_API_KEY: 'nvapi-DEMO-NOT-A-REAL-KEY',
  OPENSHELL_SIM_STATE: path.join(dir, 'state.json'),
  PATH: [binDir, SIM_DIR, process.env.PATH ?? ''].join(path.delimiter),
  XDG_CONFIG_HOME: path.join(home, '.config'),
})

const hasCommand = (id) => {
  try {
    return id in JSON.parse(fs.readFileSync(path.join(ROOT, 'oclif.manifest.json'), 'utf8')).commands
  } catch {
    return false
  }
}

// ---- the story ------------------------------------------------------------------------------------------------
// expect: an exit code, or a predicate with a description (for steps whose exact code another command defines).

const story = [
  {
    say: 'A fresh machine: OpenShell is installed, its gateway runs as a systemd user service. Which nemoclaw is this?',
    run: ['nemoclaw', '--version'],
    expect: 0,
  },
  {
    say: 'Onboard a first sandbox. The gateway is healthy, so it is reused untouched.',
    run: ['nemoclaw', 'onboard', '--name', 'alpha', '--non-interactive'],
    expect: 0,
  },
  {
    say: 'Onboard a second one. Same gateway, reused again: alpha is never restarted or recreated.',
    run: ['nemoclaw', 'onboard', '--name', 'beta', '--non-interactive'],
    expect: 0,
  },
  {say: 'Both are Ready.', run: ['nemoclaw', 'status'], expect: 0},
  {
    say: 'The gateway restarts (an upgrade, a reboot…) and is still coming up.',
    run: ['openshell-sim', 'gateway', 'restart', '--delay-ms', '600000'],
    sim: true,
    expect: 0,
  },
  {
    say: 'status says what happened and what to do, and changes nothing (exit 22: refusing after a restart).',
    run: ['nemoclaw', 'status'],
    expect: {test: (c) => c === 22 || c === 21, text: '22 (21 on legacy OpenShell: unreachable)'},
  },
  {
    say: 'The gateway comes back, but with a new certificate authority: a trust rotation (its sandboxes are kept).',
    run: [
      ['openshell-sim', 'gateway', 'start'],
      ['openshell-sim', 'gateway', 'rotate-ca'],
    ],
    sim: true,
    expect: 0,
  },
  {say: 'status now sees the rotated trust (exit 23) and names the safe fix.', run: ['nemoclaw', 'status'], expect: 23},
  hasCommand('doctor')
    ? {
        say: 'doctor checks everything, read-only, and reports the same finding.',
        run: ['nemoclaw', 'doctor'],
        expect: {test: (c) => c !== 0, text: 'non-zero (a finding)'},
      }
    : {
        say: 'doctor would check everything here, read-only.',
        skip: '`nemoclaw doctor` is not a command in this build: step skipped',
      },
  {
    say: 'recover runs only safe steps: re-import the trust from the gateway’s own local bundle, wait until healthy and the sandboxes are Ready.',
    run: ['nemoclaw', 'recover'],
    expect: 0,
  },
  {say: 'Everything is back, nothing was destroyed or recreated.', run: ['nemoclaw', 'status'], expect: 0},
]

const failures = []
let exitCode = 0
try {
  console.log(bold(`nemoclaw demo — OpenShell simulator (${PROFILE} profile), temporary home ${home}`))
  const init = spawnSync(process.execPath, [path.join(SIM_DIR, 'openshell-sim'), 'init', '--profile', PROFILE], {
    encoding: 'utf8',
    env,
  })
  if (init.status !== 0) throw new Error(`openshell-sim init failed: ${init.stderr}`)
  console.log(dim(`(simulator) ${init.stdout.trim()}`))

  for (const [i, step] of story.entries()) {
    console.log(`\n${dim(`# ${i + 1}. ${step.sim ? '[simulator] ' : ''}${step.say}`)}`)
    if (step.skip) {
      console.log(dim(`# (${step.skip})`))
      continue
    }

    let code = 0
    for (const argv of Array.isArray(step.run[0]) ? step.run : [step.run]) {
      console.log(bold(`$ ${argv.join(' ')}`))
      const r = spawnSync(argv[0], argv.slice(1), {env, stdio: 'inherit'})
      code = r.status ?? (r.signal ? 128 : 1)
      if (code !== 0) break
    }

    const ok = typeof step.expect === 'number' ? code === step.expect : step.expect.test(code)
    const expected = typeof step.expect === 'number' ? String(step.expect) : step.expect.text
    console.log(ok ? dim(`[exit ${code}]`) : red(`[exit ${code}, the story expects ${expected}]`))
    if (!ok) failures.push(`step ${i + 1} (${[step.run].flat(2).join(' ')}): exit ${code}, expected ${expected}`)
    if (PAUSE_MS > 0) await sleep(PAUSE_MS)
  }
} catch (error) {
  failures.push(error instanceof Error ? error.message : String(error))
} finally {
  fs.rmSync(dir, {force: true, recursive: true})
}

if (failures.length > 0) {
  console.error(red(`\ndemo: ${failures.length} step(s) did not go as the story expects:\n  ${failures.join('\n  ')}`))
  exitCode = 1
} else {
  console.log(bold('\ndemo: every step ended as expected.'))
}

process.exitCode = exitCode
