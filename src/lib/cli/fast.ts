/**
 * The fast path: `status [NAME]`, `list` and NemoClaw-style `NAME status` (each optionally with `--json`) run
 * without loading oclif, and so does a `--help` oclif already answered the same way (help-cache.ts) — on a healthy gateway, importing and configuring oclif costs several times the gateway's own
 * answer. bin/run.js asks `fastRoute` first; it answers only when oclif's dispatch could not differ:
 *   - the same conditions as the fast `--version` (plainOclif): no user or linked plugins, no hook of nemoclaw or
 *     its core plugins that fires on a run apart from nemoclaw's own prerun reconcile (replayed here), not Windows
 *     or WSL, no DEBUG;
 *   - the argv is exactly one of the shapes above: any other flag, `--help`, a second argument, `--`, an empty
 *     argument… goes to oclif, which parses and reports as usual;
 *   - NEMOCLAW_FAST_PATH is not `0` (the switch to rule the fast path out when in doubt).
 * `runFast` then does what oclif would: the prerun hook's reconcile (reconcileTarget) and the command's body
 * (views.ts); it returns the exit code, or the error for oclif's own handler (loaded only when something fails).
 */
import {format} from 'node:util'

import {rewriteArgv} from './argv.js'
import {commandHooks, plainOclif} from './fast-version.js'

export {fastVersion} from './fast-version.js'
import {asksForHelp, helpCacheFile, readHelp} from './help-cache.js'

export type FastRoute = {command: 'list'; json: boolean} | {command: 'status'; json: boolean; name?: string}

const PRERUN = new Set(['prerun'])

/** The route of an argv (after the `NAME status` rewrite), or undefined when it is not one of the fast shapes. */
export function routeOf(argv: string[]): FastRoute | undefined {
  const [command, ...rest] = argv
  if (command !== 'status' && command !== 'list') return undefined
  let json = false
  const positional: string[] = []
  for (const token of rest) {
    if (token === '--json' && !json) json = true
    else if (token !== '' && !token.startsWith('-')) positional.push(token)
    else return undefined
  }

  if (command === 'list') return positional.length === 0 ? {command, json} : undefined
  if (positional.length > 1) return undefined
  return positional.length === 1 ? {command, json, name: positional[0]} : {command, json}
}

export function fastRoute(opts: {argv: string[]; env: NodeJS.ProcessEnv; root: string}): FastRoute | undefined {
  if (opts.env.NEMOCLAW_FAST_PATH === '0') return undefined
  const route = routeOf(rewriteArgv(opts.argv, opts.env))
  if (!route) return undefined
  return plainOclif({argv: opts.argv, env: opts.env, root: opts.root}, commandHooks(PRERUN)) ? route : undefined
}

/** The help oclif printed for exactly this question before (help-cache.ts), or undefined. */
export function fastHelp(opts: {
  argv: string[]
  env: NodeJS.ProcessEnv
  root: string
  stdout: {isTTY?: boolean; columns?: number}
}): string | undefined {
  // Not a help question: nothing to read (the `NAME status` rewrite reads the registry; fastRoute does that once).
  if (opts.env.NEMOCLAW_FAST_PATH === '0' || !asksForHelp(opts.argv)) return undefined
  const file = helpCacheFile({...opts, argv: rewriteArgv(opts.argv, opts.env)})
  return file === undefined ? undefined : readHelp(file)
}

class FastExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`)
  }
}

class FastError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message)
  }
}

/**
 * How a fast run ended: `exit` — the exit code, everything already printed (oclif would end the process with it at
 * once); `error` — an error for oclif's own handler to print and exit with (bin/run.js calls `handle`), exactly as
 * when the command ran under oclif.
 */
export type FastOutcome = {exit: number} | {error: Error}

/** Run a fast route as oclif would have run the command. */
export async function runFast(route: FastRoute): Promise<FastOutcome> {
  // The gateway calls the last run of this command made start now, while the code below loads (openshell/early.ts).
  const early = await import('../openshell/early.js')
  const round = early.startEarlyRound(
    route.command === 'status' && route.name !== undefined ? `status ${route.name}` : route.command,
    process.env,
  )
  try {
    return await runRoute(route)
  } finally {
    early.endEarlyRound(round)
  }
}

async function runRoute(route: FastRoute): Promise<FastOutcome> {
  const [{reconcileTarget}, views, {failCommand}] = await Promise.all([
    import('./targets.js'),
    import('./views.js'),
    import('./output.js'),
  ])
  const io = {
    error(message: string, options: {exit: number}): never {
      throw new FastError(message, options.exit)
    },
    exit(code = 0): never {
      throw new FastExit(code)
    },
    // oclif's Command#log: ux.stdout → console.log(format(text))
    log(text: string): void {
      console.log(format(text))
    },
  }
  try {
    if (route.command === 'status') {
      await reconcileTarget(io, views.STATUS_TRAITS, {json: route.json, name: route.name})
      await views.statusView(io, {json: route.json, name: route.name})
    } else {
      await reconcileTarget(io, views.LIST_TRAITS, {json: route.json})
      await views.listView(io, {json: route.json})
    }

    return {exit: 0}
  } catch (error) {
    if (error instanceof FastExit) return {exit: error.code}
    if (route.json) {
      // NemoclawCommand.catch under --json: any other error is still the JSON error document.
      const exit = error instanceof FastError ? error.exitCode : (exitOf(error) ?? 1)
      try {
        failCommand(io, error instanceof Error ? error.message : String(error), {exit, id: 'error', json: true})
      } catch (written) {
        if (written instanceof FastExit) return {exit: written.code}
        throw written
      }
    }

    if (error instanceof FastError) {
      const {CLIError} = await import('@oclif/core/errors')
      return {error: new CLIError(error.message, {exit: error.exitCode})}
    }

    return {error: error instanceof Error ? error : new Error(String(error))}
  }
}

function exitOf(error: unknown): number | undefined {
  const exit = (error as {oclif?: {exit?: unknown}} | undefined)?.oclif?.exit
  return typeof exit === 'number' ? exit : undefined
}
