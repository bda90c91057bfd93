// Loaded with `node --import` (NODE_OPTIONS): appends every module specifier resolved to NEMOCLAW_LOAD_SPY_LOG, one
// per line, so a test can tell whether a run imported @oclif/core at all.
import {register} from 'node:module'

register('./load-spy-hooks.mjs', import.meta.url, {data: {log: process.env.NEMOCLAW_LOAD_SPY_LOG}})
