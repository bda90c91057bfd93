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
  const copy = helpCacheFile({...opts, argv: rewriteArgv(opts.argv, opts.env)})
  return copy === undefined ? undefined : readHelp(copy)
}
