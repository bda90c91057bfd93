/**
 * Transpile src/lib/registry/*.ts (with the shared src/lib helpers it imports) and the registry worker to plain ESM
 * JavaScript in a temp directory, keeping src/lib's layout, once per
 * test run, so that the concurrency tests can start many worker processes with plain `node` (~0.1 s each) instead
 * of `node --import tsx` (~0.8 s of CPU each). Type-only transpilation (typescript.transpileModule): the emitted
 * code is the same code the CLI runs. The bare import of proper-lockfile (static or dynamic) is pointed at this repo's copy.
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
  await mkdir(join(lib, 'registry'), {recursive: true})
  await writeFile(join(dir, 'package.json'), '{"type": "module"}\n')
  const lockfileUrl = pathToFileURL(createRequire(join(ROOT, 'package.json')).resolve('proper-lockfile')).href
  const transpile = (source: string): string =>
    ts.transpileModule(source, {
      compilerOptions: {module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false},
    }).outputText

  const srcLib = join(ROOT, 'src/lib')
  const shared = new Set<string>()
  for (const name of (await readdir(join(srcLib, 'registry'))).filter((n) => n.endsWith('.ts'))) {
    const source = await readFile(join(srcLib, 'registry', name), 'utf8')
    for (const m of source.matchAll(/from '\.\.\/([\w-]+)\.js'/g)) shared.add(m[1])
    const js = transpile(source).replace(/(from |import\()'proper-lockfile'/g, `$1'${lockfileUrl}'`)
    await writeFile(join(lib, 'registry', basename(name, '.ts') + '.js'), js)
  }
  // the small helpers the registry shares with the rest of src/lib (env.ts, dirs.ts, poll.ts): no imports of their own
  for (const name of shared)
    await writeFile(join(lib, `${name}.js`), transpile(await readFile(join(srcLib, `${name}.ts`), 'utf8')))
  const workerSrc = await readFile(join(ROOT, 'test/support/registry-worker.ts'), 'utf8')
  const worker = join(dir, 'registry-worker.js')
  await writeFile(
    worker,
    transpile(workerSrc).replace(/'\.\.\/\.\.\/src\/lib\/registry\/index\.js'/g, "'./lib/registry/index.js'"),
  )
  return {dir, worker, cleanup: () => rm(dir, {recursive: true, force: true})}
}
