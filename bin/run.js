#!/usr/bin/env node
// Start-up is kept small: `--version` (src/lib/cli/fast-version.ts), the everyday reads `status [NAME]`, `list`
// and `NAME status`, and a `--help` oclif already answered the same way (src/lib/cli/fast.ts) run without importing
// @oclif/core when oclif's answer cannot differ. They live in one CommonJS bundle (dist/fast/fast.cjs, built by
// scripts/bundle.js) loaded through V8's code cache (src/lib/cli/code-cache.ts). Everything else goes to oclif,
// which loads only the command it runs (manifest).
import {fileURLToPath} from 'node:url'

import {requireWithCodeCache} from '../dist/lib/cli/code-cache.js'

const argv = process.argv.slice(2)
const root = fileURLToPath(new URL('..', import.meta.url))
const bundle = requireWithCodeCache(fileURLToPath(new URL('../dist/fast/fast.cjs', import.meta.url)), process.env)
const {fastHelp, fastRoute, fastVersion, runFast} = bundle.exports
const version = fastVersion({argv, env: process.env, root})
if (version === undefined) {
  const help = fastHelp({argv, env: process.env, root, stdout: process.stdout})
  const route = help === undefined ? fastRoute({argv, env: process.env, root}) : undefined
  if (help !== undefined) {
    process.stdout.write(help)
  } else if (route) {
    const outcome = await runFast(route)
    bundle.save() // the code this run compiled, for the next one
    if ('error' in outcome) {
      const {handle} = await import('@oclif/core/handle')
      await handle(outcome.error) // prints as oclif does and exits with the error's code
    } else if (outcome.exit !== 0) {
      process.exit(outcome.exit) // as oclif ends a command that exited with a code
    }
  } else {
    const [{execute}, {rewriteArgv}] = await Promise.all([import('@oclif/core'), import('../dist/lib/cli/argv.js')])
    await execute({args: rewriteArgv(argv), dir: import.meta.url})
  }
} else {
  process.stdout.write(version + '\n')
}
