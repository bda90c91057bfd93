/**
 * Transpile src/lib/registry/*.ts and the registry worker to plain ESM JavaScript in a temp directory, once per
 * test run, so that the concurrency tests can start many worker processes with plain `node` (~0.1 s each) instead
 * of `node --import tsx` (~0.8 s of CPU each). Type-only transpilation (typescript.transpileModule): the emitted
 * code is the same code the CLI runs. The bare import of proper-lockfile is pointed at this repo's copy.
 */
import {mkdir, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {basename, join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

export interface BuiltWorker {
  dir: string
  /** Plain JS worker: `node <worker> add|write …`, same arguments as registry-worker.ts. */
  worker: string
  cleanup(): Promise<void>
}

export async function buildRegistryWorker(): Promise<BuiltWorker> {
  const ts = (await import('typescript')).default
  const dir = await mkdtemp(join(tmpdir(), 'nemoclaw-registry-worker-'))
  const lib = join(dir, 'lib')
  await mkdir(lib)
  await writeFile(join(dir, 'package.json'), '{"type": "module"}\n')
  const lockfileUrl = pathToFileURL(createRequire(join(ROOT, 'package.json')).resolve('proper-lockfile')).href
  const transpile = (source: string): string => ts.transpileModule(source, {
    compilerOptions: {module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false},
  }).outputText

  const srcDir = join(ROOT, 'src/lib/registry')
  for (const name of (await readdir(srcDir)).filter((n) => n.endsWith('.ts'))) {
    const js = transpile(await readFile(join(srcDir, name), 'utf8')).replace(/from 'proper-lockfile'/g, `from '${lockfileUrl}'`)
    await writeFile(join(lib, basename(name, '.ts') + '.js'), js)
  }
  const workerSrc = await readFile(join(ROOT, 'test/support/registry-worker.ts'), 'utf8')
  const worker = join(dir, 'registry-worker.js')
  await writeFile(worker, transpile(workerSrc).replace(/'\.\.\/\.\.\/src\/lib\/registry\/index\.js'/g, "'./lib/index.js'"))
  return {dir, worker, cleanup: () => rm(dir, {recursive: true, force: true})}
}
