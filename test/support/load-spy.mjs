// Loaded with `node --import` (NODE_OPTIONS): appends every module specifier resolved to NEMOCLAW_LOAD_SPY_LOG, one
// per line — by import (a resolve hook) and by require (the fast path's CommonJS bundle requires its externals) —
// so a test can tell whether a run loaded @oclif/core at all.
import {appendFileSync} from 'node:fs'
import Module, {register} from 'node:module'

const log = process.env.NEMOCLAW_LOAD_SPY_LOG
register('./load-spy-hooks.mjs', import.meta.url, {data: {log}})
const resolveFilename = Module._resolveFilename
Module._resolveFilename = function (request, ...rest) {
  if (log) appendFileSync(log, request + '\n')
  return resolveFilename.call(this, request, ...rest)
}
