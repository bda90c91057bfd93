// Data safety at the edges, with the BUILT CLI: hostile names and flag values are refused before any `openshell`
// call and before anything is written; a registry with unknown fields is kept, one with wrong types is refused
// (never rewritten); planted secrets never reach argv, files or output.
import {expect} from 'chai'
import {randomBytes} from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

import {type CliResult, runCli} from '../support/cli.js'
import {createSim, type Sim} from '../support/sim.js'

const KEY = {NVIDIA_API_KEY: 'nvapi-input-tests'}
const registryFile = (sim: Sim) => path.join(sim.env.NEMOCLAW_HOME!, 'sandboxes.json')

/** Run batches of CLI calls, `width` at a time (2 cores: more only queues). */
async function runBatch(
  sim: Sim,
  calls: Array<{args: string[]; env?: Record<string, string>}>,
  width = 4,
): Promise<CliResult[]> {
  const out: CliResult[] = []
  for (let i = 0; i < calls.length; i += width) {
    out.push(...(await Promise.all(calls.slice(i, i + width).map((c) => runCli(sim, c.args, {env: c.env ?? KEY})))))
  }

  return out
}

/** oclif wraps error messages at the terminal width with ` ›   ` prefixes: join them back into one line. */
const flat = (s: string) => s.replace(/\n\s*›\s*/g, ' ').replace(/\s+/g, ' ')

function listTree(dir: string): string[] {
  return fs
    .readdirSync(dir, {recursive: true, withFileTypes: true})
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath ?? (d as any).path, d.name))
}

describe('data safety: bad input', () => {
  let sim: Sim
  before(async () => {
    sim = await createSim({profile: 'legacy'})
    sim.clearLog()
  })
  after(() => sim.cleanup())

  const HUGE = 'x'.repeat(100 * 1024)
  const BAD_NAMES: Array<[string, string, RegExp]> = [
    ['shell metacharacters', 'a;touch pwned', /Invalid sandbox name 'a;touch pwned'/],
    ['command substitution', '$(touch pwned)', /Invalid sandbox name '\$\(touch pwned\)'/],
    ['path traversal', '../../etc', /Invalid sandbox name '\.\.\/\.\.\/etc'/],
    ['unicode', 'sändbox', /Invalid sandbox name 'sändbox'/],
    ['upper case', 'Alpha', /Invalid sandbox name 'Alpha'/],
    ['20 characters', 'a'.repeat(20), /it has 20 characters/],
    ['100 kB', HUGE, /it has 102400 characters/],
    ['a newline', 'a\nb', /Invalid sandbox name 'a\\nb'/],
    ['a command name', 'status', /'status' is a nemoclaw command; choose another name/],
    ['another command name', 'doctor', /'doctor' is a nemoclaw command/],
    ['empty', '', /A sandbox name is required/],
  ]
  const RULE = /1–19 lowercase letters, digits or '-'/

  it('onboard refuses every invalid name: exit 2, a clear JSON error, no openshell call, nothing written', async function () {
    this.timeout(180_000)
    const runs = await runBatch(
      sim,
      BAD_NAMES.map(([, name]) => ({args: ['onboard', '--name', name, '--non-interactive', '--json']})),
    )
    runs.forEach((r, i) => {
      const [what, , re] = BAD_NAMES[i]
      expect(r.exitCode, `${what}: ${r.stdout.slice(0, 300)} ${r.stderr.slice(0, 300)}`).to.equal(2)
      expect(r.json.error.id, what).to.equal('invalid_input')
      expect(r.json.error.message, what).to.match(re)
      if (!/command name/.test(what)) expect(r.json.error.message, what).to.match(RULE)
      expect(r.stdout.length + r.stderr.length, `${what}: the error quotes a shortened name`).to.be.below(2000)
    })
    expect(sim.argvLog(), 'openshell calls').to.deep.equal([])
    expect(listTree(sim.env.NEMOCLAW_HOME!), 'files written').to.deep.equal([])
    expect(fs.existsSync(path.join(process.cwd(), 'pwned')) || fs.existsSync(path.join(sim.dir, 'pwned'))).to.equal(
      false,
    )
  })

  it('every sandbox-targeting command refuses an invalid name before reconciling: exit 2, no openshell call', async function () {
    this.timeout(180_000)
    const names = ['a;touch pwned', '../../etc', 'Alpha', 'a'.repeat(20), 'list']
    const commands = [['status'], ['connect', '--probe-only'], ['logs'], ['recover'], ['destroy', '--yes']]
    // Each command with two of the names (every name twice): the check is shared, the runs are not cheap.
    const calls = commands.flatMap(([cmd, ...flags], i) =>
      [names[i], names[(i + 1) % names.length]].map((name) => ({args: [cmd, name, ...flags]})),
    )
    const runs = await runBatch(sim, calls)
    runs.forEach((r, i) => {
      const what = calls[i].args.join(' ').slice(0, 60)
      expect(r.exitCode, `${what}: ${r.stderr.slice(0, 300)}`).to.equal(2)
      expect(flat(r.stderr), what).to.match(
        /Invalid sandbox name '[^']+': (it has 20 characters; )?use 1–19 lowercase|'list' is a nemoclaw command/,
      )
    })
    expect(sim.argvLog(), 'openshell calls').to.deep.equal([])
    expect(listTree(sim.env.NEMOCLAW_HOME!), 'files written').to.deep.equal([])
  })

  it('onboard refuses empty or huge flag values with a short, clear error; no openshell call, nothing written', async function () {
    this.timeout(180_000)
    const base = ['onboard', '--name', 'ok-name', '--non-interactive', '--json']
    const cases: Array<[string[], RegExp]> = [
      [['--model', ''], /--model is required \(at most 200 characters\)/],
      [['--model', HUGE], /--model is required \(at most 200 characters\)/],
      [['--from', ''], /--from must not be empty \(at most 1024 characters\)/],
      [['--from', HUGE], /--from must not be empty \(at most 1024 characters\)/],
      [
        ['--provider', 'custom', '--model', 'm', '--endpoint-url', 'not a url'],
        /--endpoint-url must be an http\(s\) URL/,
      ],
      [
        ['--provider', 'custom', '--model', 'm', '--endpoint-url', `http://${HUGE}`],
        /--endpoint-url must be an http\(s\) URL \(at most 2048 characters\)/,
      ],
      [['--credential-env', 'nvapi-looks-like-a-key'], /--credential-env takes the NAME of an environment variable/],
      [['--credential-env', 'UNSET_VARIABLE_X'], /Set UNSET_VARIABLE_X in your environment first/],
      [['--gateway', '../evil'], /Invalid gateway name '\.\.\/evil'/],
      [['--gateway', ''], /gateway name is required|Invalid gateway name/],
      [['--gateway', HUGE], /Invalid gateway name/],
    ]
    const runs = await runBatch(
      sim,
      cases.map(([flags]) => ({args: [...base, ...flags]})),
    )
    runs.forEach((r, i) => {
      const what = cases[i][0].join(' ').slice(0, 80)
      expect(r.exitCode, `${what}: ${r.stdout.slice(0, 400)} ${r.stderr.slice(0, 400)}`).to.equal(2)
      expect(r.json?.error?.message, what).to.match(cases[i][1])
      expect(r.stdout.length + r.stderr.length, `${what}: output stays short`).to.be.below(2000)
    })
    expect(runs[6].stdout + runs[6].stderr).not.to.include('nvapi-looks-like-a-key')
    expect(sim.argvLog(), 'openshell calls').to.deep.equal([])
    expect(listTree(sim.env.NEMOCLAW_HOME!), 'files written').to.deep.equal([])
  })
})

describe('data safety: a registry with unknown fields or wrong types', () => {
  const record = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    gateway: 'nemoclaw',
    createdAt: '2026-01-02T03:04:05.000Z',
    source: 'openclaw',
    provider: 'nvidia',
    model: 'nvidia/nemotron-3-super-120b-a12b',
    policies: [],
    lastSeen: null,
    endpointUrl: null,
    credentialEnv: 'NVIDIA_API_KEY',
    ...extra,
  })
  let sim: Sim
  afterEach(() => sim?.cleanup())

  it('unknown fields (top level and per record) are kept through status and a later onboard', async function () {
    this.timeout(120_000)
    sim = await createSim({profile: 'modern'})
    sim.control('sandbox', 'add', 'first')
    const future = {futureSetting: {nested: [1, 'two', null]}}
    fs.writeFileSync(
      registryFile(sim),
      JSON.stringify(
        {
          version: 1,
          defaultSandbox: 'first',
          sandboxes: {first: record('first', {gpuEnabled: true, nimContainer: 'nim-1'})},
          ...future,
        },
        null,
        2,
      ) + '\n',
    )
    const st = await runCli(sim, ['status', '--json'])
    expect(st.exitCode, st.stdout + st.stderr).to.equal(0)
    expect(st.json.sandboxes.map((s: any) => [s.name, s.state])).to.deep.equal([['first', 'ok']])
    const on = await runCli(sim, ['onboard', '--name', 'second', '--non-interactive', '--json'], {env: KEY})
    expect(on.exitCode, on.stdout + on.stderr).to.equal(0)
    const after = JSON.parse(fs.readFileSync(registryFile(sim), 'utf8'))
    expect(after.futureSetting).to.deep.equal(future.futureSetting)
    expect(after.sandboxes.first).to.include({gpuEnabled: true, nimContainer: 'nim-1'})
    expect(Object.keys(after.sandboxes).sort()).to.deep.equal(['first', 'second'])
  })

  it('wrong types: read-only commands refuse with the offending field and write nothing; destroy deletes nothing', async function () {
    this.timeout(120_000)
    sim = await createSim({profile: 'legacy'})
    sim.control('sandbox', 'add', 'first')
    const text =
      JSON.stringify(
        {version: 1, defaultSandbox: 'first', sandboxes: {first: record('first', {policies: 'github', gateway: 7})}},
        null,
        2,
      ) + '\n'
    fs.writeFileSync(registryFile(sim), text)
    sim.clearLog()
    const [status, list, connect, destroy] = await Promise.all([
      runCli(sim, ['status']),
      runCli(sim, ['list', '--json']),
      runCli(sim, ['connect', 'first', '--probe-only']),
      runCli(sim, ['destroy', 'first', '--yes']),
    ])
    for (const [what, r] of Object.entries({connect, destroy, list, status})) {
      expect(r.exitCode, `${what}: ${r.stdout} ${r.stderr}`).to.equal(3)
      const said = flat(r.stderr + r.stdout)
      expect(said, what).to.include('sandboxes.first.policies: expected an array of strings, got string')
      expect(said, what).to.include('sandboxes.first.gateway: expected a non-empty string, got number')
      expect(said, what).to.match(/nemoclaw doctor --fix/)
    }

    expect(list.json.error.id).to.equal('registry_unreadable')
    expect(fs.readFileSync(registryFile(sim), 'utf8')).to.equal(text)
    expect(fs.readdirSync(sim.env.NEMOCLAW_HOME!)).to.deep.equal(['sandboxes.json'])
    expect(
      sim
        .argvLog()
        .filter((e) => !['--version', 'status', 'sandbox list'].some((c) => e.argv.join(' ').includes(c)))
        .map((e) => e.argv),
    ).to.deep.equal([])
    expect(Object.keys(sim.state().servers['https://127.0.0.1:8080'].sandboxes)).to.deep.equal(['first'])
  })

  it('wrong types: onboard sets the file aside intact (never overwrites it) and says where', async function () {
    this.timeout(120_000)
    sim = await createSim({profile: 'legacy'})
    const text =
      JSON.stringify(
        {version: 1, defaultSandbox: 'first', sandboxes: {first: record('first', {lastSeen: 'yesterday'})}},
        null,
        2,
      ) + '\n'
    fs.writeFileSync(registryFile(sim), text)
    const on = await runCli(sim, ['onboard', '--name', 'second', '--non-interactive'], {env: KEY})
    expect(on.exitCode, on.stdout + on.stderr).to.equal(0)
    const aside = fs
      .readdirSync(sim.env.NEMOCLAW_HOME!)
      .filter((f) => f !== 'sandboxes.json' && f.startsWith('sandboxes.json'))
    expect(aside, 'set-aside files').to.have.length(1)
    expect(fs.readFileSync(path.join(sim.env.NEMOCLAW_HOME!, aside[0]), 'utf8')).to.equal(text)
    expect(on.stderr).to.include(aside[0])
    expect(Object.keys(JSON.parse(fs.readFileSync(registryFile(sim), 'utf8')).sandboxes)).to.deep.equal(['second'])
  })
})

describe('data safety: planted secrets', () => {
  let sim: Sim
  after(() => sim?.cleanup())

  it('an API key value never appears in argv, the registry, the journal, any file, stdout/stderr or --json', async function () {
    this.timeout(300_000)
    sim = await createSim({profile: 'modern'})
    const secret = `nvapi-PLANTED-${randomBytes(12).toString('hex')}`
    const env = {NVIDIA_API_KEY: secret, OPENAI_API_KEY: `sk-PLANTED-${randomBytes(8).toString('hex')}`}
    const outputs: CliResult[] = []
    const run = async (...args: string[]) => {
      const r = await runCli(sim, args, {env})
      outputs.push(r)
      return r
    }

    expect((await run('onboard', '--name', 'alpha', '--non-interactive', '--policy', 'github')).exitCode).to.equal(0)
    expect((await run('onboard', '--name', 'beta', '--non-interactive', '--json')).exitCode).to.equal(0)
    // another provider on a gateway with sandboxes: the route is per gateway, so moving it takes --set-inference
    expect(
      (
        await run(
          'onboard',
          '--name',
          'gamma',
          '--provider',
          'openai',
          '--credential-env',
          'OPENAI_API_KEY',
          '--set-inference',
          '--non-interactive',
          '--json',
        )
      ).exitCode,
    ).to.equal(0)
    await Promise.all([
      run('status'),
      run('status', '--json'),
      run('list'),
      run('list', '--json'),
      run('connect', 'alpha', '--probe-only', '--json'),
    ])
    sim.control('gateway', 'stop')
    expect((await run('status', '--json')).exitCode).to.equal(21)
    expect((await run('recover')).exitCode).to.equal(0)
    sim.control('gateway', 'stop')
    expect((await run('recover', '--json')).exitCode).to.equal(0)
    sim.control('sandbox', 'remove', 'gamma') // status prunes it: the journal gets a record
    expect((await run('status', '--json')).exitCode).to.equal(30)
    expect((await run('destroy', 'beta', '--yes')).exitCode).to.equal(0)
    expect((await run('destroy', 'alpha', '--yes', '--json')).exitCode).to.equal(0)
    await run('list', '--pruned', '--json')
    expect(outputs.every((r) => r.signal === null)).to.equal(true)

    // The key was used: the provider was created with the variable's NAME, the value stayed in the environment.
    const creates = sim.argvLog().filter((e) => e.argv.includes('provider') && e.argv.includes('create'))
    expect([...new Set(creates.map((e) => e.argv[e.argv.indexOf('--credential') + 1]))].sort()).to.deep.equal([
      'NVIDIA_API_KEY',
      'OPENAI_API_KEY',
    ])
    expect(sim.argvLog().filter((e) => e.secretInArgv)).to.deep.equal([])
    const journal = fs.readFileSync(path.join(sim.env.NEMOCLAW_HOME!, 'pruned.jsonl'), 'utf8')
    expect(journal).to.include('"name":"gamma"')

    for (const value of Object.values(env)) {
      const needle = value.split('PLANTED-')[1]
      outputs.forEach((r, i) => {
        expect(r.stdout, `stdout of run ${i}`).not.to.include(needle)
        expect(r.stderr, `stderr of run ${i}`).not.to.include(needle)
      })
      // Every file the run touched: registry, journal, simulator argv log and state, OpenShell's config.
      for (const file of listTree(sim.dir)) expect(fs.readFileSync(file).includes(needle), file).to.equal(false)
    }
  })
})
