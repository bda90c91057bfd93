// Bundle the fast path with esbuild into CommonJS files: dist/fast/fast.cjs (src/lib/cli/fast.ts: which argv may
// skip oclif, `--version`, `--help` copies), dist/fast/fast-run.cjs (src/lib/cli/fast-run.ts: running `status`,
// `list`, `NAME status`; loaded only for those) and their loader (src/lib/cli/code-cache.ts) dist/fast/load.cjs. bin/run.js (CommonJS too, see bin/package.json) requires the loader, which runs the bundle
// through V8's code cache: one CommonJS script compiled once per build and machine costs a fraction of the ESM
// module graph it replaces (the ESM loader alone cost more than the gateway's answer). @oclif/core (loaded only to
// print an error the way oclif does) and listr2 (only on a TTY) stay external, required when needed.
import {build} from 'esbuild'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
await build({
  absWorkingDir: root,
  // help-cache.ts loads node:crypto with createRequire(import.meta.url) (a synchronous, lazy load in ESM)
  banner: {js: "const __nemoclawImportMetaUrl = require('node:url').pathToFileURL(__filename).href;"},
  bundle: true,
  define: {'import.meta.url': '__nemoclawImportMetaUrl'},
  entryPoints: {fast: 'src/lib/cli/fast.ts', 'fast-run': 'src/lib/cli/fast-run.ts', load: 'src/lib/cli/code-cache.ts'},
  external: ['@oclif/core', 'listr2'],
  format: 'cjs',
  // import() of the externals becomes require(): V8 drops a cached script's dynamic-import hook on Node 20
  supported: {'dynamic-import': false},
  logLevel: 'warning',
  outExtension: {'.js': '.cjs'},
  outdir: 'dist/fast',
  platform: 'node',
  target: 'node20',
})
