// Bundle the fast path (src/lib/cli/fast.ts: `status`, `list`, `NAME status` without oclif) into dist/fast/ with
// esbuild: one module graph of a few files instead of ~100 small ones is most of its start-up time. Dynamic imports
// stay separate chunks, so deciding the route loads only the small entry. @oclif/core stays external (it is loaded
// only to print an error the way oclif does).
import {build} from 'esbuild'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
await build({
  absWorkingDir: root,
  // CommonJS dependencies (proper-lockfile, graceful-fs) call require() for Node built-ins.
  banner: {js: "import {createRequire as __nemoclawRequire} from 'node:module'; const require = __nemoclawRequire(import.meta.url);"},
  bundle: true,
  entryPoints: ['src/lib/cli/fast.ts'],
  external: ['@oclif/core'],
  format: 'esm',
  logLevel: 'warning',
  outdir: 'dist/fast',
  platform: 'node',
  splitting: true,
  target: 'node20',
})
