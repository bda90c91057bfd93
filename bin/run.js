#!/usr/bin/env node
// Start-up is kept small: `--version` (src/lib/cli/fast-version.ts), the everyday reads `status [NAME]`, `list`
// and `NAME status`, and a `--help` oclif already answered the same way (src/lib/cli/fast.ts) run without loading
// @oclif/core when oclif's answer cannot differ. They live in two CommonJS bundles (dist/fast/fast.cjs decides,
// dist/fast/fast-run.cjs runs a route; scripts/bundle.js) run through V8's code cache (dist/fast/load.cjs, from
// src/lib/cli/code-cache.ts). This file is CommonJS (bin/package.json) because an ES module entry alone costs
// Node's ESM loader on every run. Everything else goes to oclif, which loads only the command it runs (manifest).
'use strict'
const path = require('node:path')

const {requireWithCodeCache} = require('../dist/fast/load.cjs')

const root = path.join(__dirname, '..')
const argv = process.argv.slice(2)
const bundle = requireWithCodeCache(path.join(root, 'dist', 'fast', 'fast.cjs'), process.env)
const {fastHelp, fastRoute, fastVersion} = bundle.exports

async function main() {
  const version = fastVersion({argv, env: process.env, root})
  if (version !== undefined) {
    process.stdout.write(version + '\n')
    return
  }

  const help = fastHelp({argv, env: process.env, root, stdout: process.stdout})
  if (help !== undefined) {
    process.stdout.write(help)
    return
  }

  const route = fastRoute({argv, env: process.env, root})
  if (route) {
    const run = requireWithCodeCache(path.join(root, 'dist', 'fast', 'fast-run.cjs'), process.env)
    const outcome = await run.exports.runFast(route)
    bundle.save() // the code this run compiled, for the next one
    run.save()
    if ('error' in outcome) {
      const {handle} = require('@oclif/core/handle')
      await handle(outcome.error) // prints as oclif does and exits with the error's code
    } else if (outcome.exit !== 0) {
      process.exit(outcome.exit) // as oclif ends a command that exited with a code
    }

    return
  }

  const [{execute}, {rewriteArgv}] = await Promise.all([import('@oclif/core'), import('../dist/lib/cli/argv.js')])
  // the package root (a path inside bin/ would find bin/package.json first)
  await execute({args: rewriteArgv(argv), dir: root})
}

main()
