/**
 * nemoclaw's oclif help class: oclif's own help, unchanged, whose output is also kept for the fast `--help`
 * (src/lib/cli/help-cache.ts) when the question may be answered from a copy next time.
 */
import {Help} from '@oclif/core'

import {helpCacheFile, writeHelp} from './lib/cli/help-cache.js'

export default class CachingHelp extends Help {
  override async showHelp(argv: string[]): Promise<void> {
    const copy = this.opts.sendToStderr
      ? undefined
      : helpCacheFile({argv, env: process.env, root: this.config.root, stdout: process.stdout})
    if (copy === undefined) return super.showHelp(argv)
    const chunks: string[] = []
    const write = process.stdout.write
    process.stdout.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'))
      return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest)
    } as typeof process.stdout.write
    try {
      await super.showHelp(argv)
    } finally {
      process.stdout.write = write
    }

    writeHelp(copy, chunks.join(''))
  }
}
