/**
 * Running a fast route (cli/fast.ts decides which argv may skip oclif): the prerun reconcile and the command's body,
 * as oclif would run them. Its own bundle (scripts/bundle.js: dist/fast/fast-run.cjs), loaded only for a route, so
 * `--version` and `--help` copies never load the status code.
 */
import {format} from 'node:util'

import * as early from '../openshell/early.js'
import type {FastRoute} from './fast.js'

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
  // The gateway calls the last run of this command made start now, while the code below initialises
  // (openshell/early.ts; targets, views and output are initialised on their import).
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
  const [{reconcileTarget}, views, {exitOf, failCommand}] = await Promise.all([
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
