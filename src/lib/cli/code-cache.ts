/**
 * Load a CommonJS bundle (the fast path, dist/fast/fast.cjs) through V8's code cache: the first run compiles it
 * and, at its end, stores the compiled code of every function it ran (`$XDG_CACHE_HOME/nemoclaw/code/`); later
 * runs deserialise instead of parsing and compiling. Node 20 has no module compile cache (module.enableCompileCache
 * came in Node 22), so this is the vm.Script API it is built on.
 *
 * The cache file is named by the bundle's identity (size, mtime, inode) and Node's version and architecture: V8
 * itself checks only the source's length, its own version and flags, so a rebuilt bundle must never meet the code of
 * the old one. A cache V8 rejects, or none, is written afresh; a file that cannot be written changes nothing.
 */
import {readdirSync, readFileSync, rmSync, statSync} from 'node:fs'
import Module, {createRequire} from 'node:module'
import path from 'node:path'
import vm from 'node:vm'

import {cacheDir, writeCacheFile} from '../dirs.js'

export interface CachedModule<T> {
  exports: T
  /** Store the code cache, with every function compiled so far, unless a valid one was used. Best effort. */
  save(): void
}

export function requireWithCodeCache<T>(file: string, env: NodeJS.ProcessEnv): CachedModule<T> {
  const source = readFileSync(file, 'utf8')
  const st = statSync(file)
  const dir = path.join(cacheDir(env), 'code')
  const prefix = `${path.basename(file)}-`
  const cacheFile = path.join(
    dir,
    `${prefix}${st.size}-${Math.trunc(st.mtimeMs)}-${st.ino}-${process.version}-${process.arch}.bin`,
  )
  let cachedData: Buffer | undefined
  try {
    cachedData = readFileSync(cacheFile)
  } catch {
    // first run of this build: compile
  }

  // No import() in the bundle (scripts/bundle.js turns them into require()): on Node 20 a script compiled from a
  // code cache loses its dynamic-import hook.
  const script = new vm.Script(Module.wrap(source), {cachedData, filename: file})
  const module = {exports: {} as T}
  const wrapper = script.runInThisContext() as (
    exports: T,
    require: NodeJS.Require,
    module: {exports: T},
    filename: string,
    dirname: string,
  ) => void
  wrapper(module.exports, createRequire(file), module, file, path.dirname(file))
  const valid = cachedData !== undefined && script.cachedDataRejected === false
  return {
    exports: module.exports,
    save() {
      if (valid || !writeCacheFile(cacheFile, script.createCachedData())) return
      // the code of older builds is never read again
      try {
        for (const name of readdirSync(dir))
          if (name.startsWith(prefix) && name !== path.basename(cacheFile)) rmSync(path.join(dir, name), {force: true})
      } catch {
        // nothing to tidy
      }
    },
  }
}
