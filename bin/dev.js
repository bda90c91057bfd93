#!/usr/bin/env -S node --import tsx --no-warnings
import {execute} from '@oclif/core'

import {rewriteArgv} from '../src/lib/cli/argv.ts'

await execute({args: rewriteArgv(process.argv.slice(2)), development: true, dir: import.meta.url})
