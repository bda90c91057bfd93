#!/usr/bin/env node
// Start-up is kept small: `--version` is answered without importing @oclif/core when oclif's answer cannot differ
// (see src/lib/cli/fast-version.ts); everything else goes to oclif, which loads only the command it runs (manifest).
import {fileURLToPath} from 'node:url'

import {fastVersion} from '../dist/lib/cli/fast-version.js'

const argv = process.argv.slice(2)
const version = fastVersion({argv, env: process.env, root: fileURLToPath(new URL('..', import.meta.url))})
if (version === undefined) {
  const [{execute}, {rewriteArgv}] = await Promise.all([import('@oclif/core'), import('../dist/lib/cli/argv.js')])
  await execute({args: rewriteArgv(argv), dir: import.meta.url})
} else {
  process.stdout.write(version + '\n')
}
