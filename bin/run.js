#!/usr/bin/env node
import {execute} from '@oclif/core'

import {rewriteArgv} from '../dist/lib/cli/argv.js'

await execute({args: rewriteArgv(process.argv.slice(2)), dir: import.meta.url})
