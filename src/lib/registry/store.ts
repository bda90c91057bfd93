import {readdir, readFile, rename, stat, unlink} from 'node:fs/promises'
import {join} from 'node:path'

import {
  problemMessage,
  RegistryCorruptError,
  RegistryError,
  RegistryWriteError,
  setAsideMessage,
  type ProblemKind,
  type RegistryProblem,
  type SetAside,
} from './errors.js'
import {ensureDir, fsyncDir, isErrno, writeFileAtomic} from './fsutil.js'
import {appendAborts, appendEntries, newEntry, type JournalEntry} from './journal.js'
import {withRegistryLock} from './lock.js'
import {envOf, registryPaths, type HomeOptions, type RegistryPaths} from './paths.js'
import {
  emptyRegistry,
  normaliseRegistry,
  parseRegistry,
  serializeRegistry,
  type Registry,
  type RegistryFormat,
  type SandboxRecord,
} from './schema.js'
import {writeDelayMs} from './test-hooks.js'

/*
 * Corrupt-file policy (the safest behaviour that still lets `onboard` proceed):
 *
 * - Reading never changes anything. load() of a file that cannot be used returns an EMPTY registry together with a
 *   `problem` (kind, path, every offending field, a message for the user). Callers must show it; the convenience
 *   readers getRecord()/listRecords() throw RegistryCorruptError instead, so nothing can mistake "unreadable" for
 *   "no sandboxes".
 * - update() refuses (RegistryCorruptError, nothing written) unless the caller passes `{setAsideCorrupt: true}`.
 *   Then, under the lock and only when the mutator produced something to write, the file is renamed — bytes intact —
 *   to `sandboxes.json.corrupt-<timestamp>`, the new registry starts empty, and the result's `setAside` carries the
 *   message "Registry at X was unreadable (…); moved aside to Y; your records are in Y." `onboard` and
 *   `doctor --fix` pass the flag and print that message; reconcile and other incidental writers do not.
 * - A file from a NEWER nemoclaw (unsupported version) or one that cannot be read at all (EACCES, EISDIR) is never
 *   set aside: it is not ours to move. Those writes always refuse.
 */

export interface LoadResult {
  path: string
  /** The registry, or an empty one when `problem` is set. */
  registry: Registry
  format: RegistryFormat
  problem: RegistryProblem | null
}

type ReadState = {ok: true; registry: Registry; format: RegistryFormat} | {ok: false; problem: RegistryProblem}

function makeProblem(kind: ProblemKind, path: string, detail: string, issues: string[]): RegistryProblem {
  return {
    kind,
    path,
    detail,
    issues,
    canSetAside: kind === 'unparseable' || kind === 'invalid',
    message: problemMessage(kind, path, detail),
  }
}

async function readState(paths: RegistryPaths): Promise<ReadState> {
  let text: string
  try {
    text = await readFile(paths.file, 'utf8')
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return {ok: true, registry: emptyRegistry(), format: 'missing'}
    return {
      ok: false,
      problem: makeProblem('unreadable', paths.file, (error as Error).message, [(error as Error).message]),
    }
  }
  const parsed = parseRegistry(text)
  if (!parsed.ok) return {ok: false, problem: makeProblem(parsed.kind, paths.file, parsed.detail, parsed.issues)}
  return {ok: true, registry: parsed.registry, format: parsed.format}
}

/** Read the registry without a lock (the file is only ever replaced atomically) and without changing anything. */
export async function load(options: HomeOptions = {}): Promise<LoadResult> {
  const paths = registryPaths(options)
  const state = await readState(paths)
  if (!state.ok) return {path: paths.file, registry: emptyRegistry(), format: 'unusable', problem: state.problem}
  return {path: paths.file, registry: state.registry, format: state.format, problem: null}
}

/** Like load(), but a problem is thrown as RegistryCorruptError. */
export async function loadOrThrow(options: HomeOptions = {}): Promise<Registry> {
  const result = await load(options)
  if (result.problem) throw new RegistryCorruptError(result.problem)
  return result.registry
}

export interface UpdateOptions extends HomeOptions {
  /** Move an unparseable/invalid file aside (timestamped) and start empty, instead of refusing. See top of file. */
  setAsideCorrupt?: boolean
  /** Journal reason for every record the mutator removes. Default 'removed'. */
  reason?: string
  /** Journal `by` field. Default 'nemoclaw'. */
  by?: string
  /** Bounded wait for the lock (default 10 s, env NEMOCLAW_REGISTRY_LOCK_TIMEOUT_MS). */
  lockTimeoutMs?: number
  /** Age after which a lock of a dead process is taken over (default 5 s, min 2 s, env NEMOCLAW_REGISTRY_LOCK_STALE_MS). */
  lockStaleMs?: number
}

export interface UpdateResult<T> {
  value: T
  /** The registry as written (or as found, when nothing changed). */
  registry: Registry
  /** False when the mutator changed nothing (then no file was touched). */
  written: boolean
  /** Set when a corrupt file was moved aside by this write: show `setAside.message` to the user. */
  setAside: SetAside | null
  /** Journal entries written for this update (removed records, restores). */
  journaled: JournalEntry[]
}

/** Lets internal writers (restore) add journal entries to the same transaction. */
export interface Transaction {
  journal(entry: JournalEntry): void
}

export type Mutator<T> = (registry: Registry, tx: Transaction) => T | Promise<T>

function timestampForName(date: Date): string {
  return date.toISOString().replace(/[:.]/g, '-')
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}

async function corruptTarget(paths: RegistryPaths): Promise<string> {
  const base = join(paths.home, `${paths.corruptPrefix}${timestampForName(new Date())}`)
  let candidate = base
  for (let i = 2; await exists(candidate); i++) candidate = `${base}-${i}`
  return candidate
}

/** Temp files left by a writer that died mid-write. Only lock holders write temp files, so under the lock they are orphans. */
async function removeOrphanTempFiles(paths: RegistryPaths): Promise<void> {
  const names = await readdir(paths.home).catch(() => [] as string[])
  await Promise.all(
    names.filter((n) => n.startsWith(paths.tmpPrefix)).map((n) => unlink(join(paths.home, n)).catch(() => {})),
  )
}

/**
 * THE write path. Under the exclusive lock: re-read the file, apply `mutator` to a copy, validate the result,
 * journal every removed record (fsynced, before the write), write temp + fsync + rename + fsync dir. If the mutator
 * throws, nothing is written. Records the mutator deletes are journaled automatically, whatever the caller.
 */
export async function update<T>(mutator: Mutator<T>, options: UpdateOptions = {}): Promise<UpdateResult<T>> {
  const paths = registryPaths(options)
  const env = envOf(options)
  await ensureDir(paths.home)
  return withRegistryLock(paths, {staleMs: options.lockStaleMs, timeoutMs: options.lockTimeoutMs, env}, (assertHeld) =>
    transact(mutator, options, {assertHeld, env, paths}),
  )
}

/** What a transaction holds while the registry lock is held. */
interface Held {
  paths: RegistryPaths
  env: NodeJS.ProcessEnv
  /** Throws when the lock is no longer ours. */
  assertHeld: () => void
}

/** update()'s body, run under the lock: read, mutate a copy, validate; then journal and write, if anything changed. */
async function transact<T>(mutator: Mutator<T>, options: UpdateOptions, held: Held): Promise<UpdateResult<T>> {
  const {paths} = held
  await removeOrphanTempFiles(paths)
  const {before, problem} = await readForUpdate(paths, options)

  const draft = structuredClone(before)
  const extra: JournalEntry[] = []
  const value = await mutator(draft, {journal: (entry) => extra.push(entry)})

  const after = validated(draft)
  const text = serializeRegistry(after)
  // Nothing to do when the content is the same (a legacy file is upgraded by the first write that changes it).
  // A corrupt file being set aside is always followed by a write, so `doctor --fix` can set aside with a no-op.
  if (!problem && extra.length === 0 && text === serializeRegistry(before)) {
    return {value, registry: before, written: false, setAside: null, journaled: []}
  }

  // The journal first (appendEntries fsyncs it), before anything on the registry file changes.
  const journaled = [...pruneEntries(before, after, options), ...extra]
  await appendEntries(paths.journal, journaled)

  const setAside = await writeJournaled(held, text, problem, journaled)
  return {value, registry: after, written: true, setAside, journaled}
}

/** The registry to mutate: the file's, or (a corrupt file the caller lets us set aside) an empty one. */
async function readForUpdate(
  paths: RegistryPaths,
  options: UpdateOptions,
): Promise<{before: Registry; problem: RegistryProblem | null}> {
  const state = await readState(paths)
  if (state.ok) return {before: state.registry, problem: null}
  if (options.setAsideCorrupt && state.problem.canSetAside) return {before: emptyRegistry(), problem: state.problem}
  throw new RegistryCorruptError(state.problem)
}

/** The mutated draft, normalised; an invalid one is refused (nothing written). */
function validated(draft: Registry): Registry {
  const checked = normaliseRegistry(draft)
  if (!checked.ok) {
    throw new RegistryError(`Refusing to write an invalid registry: ${checked.detail}`, 'REGISTRY_INVALID_UPDATE')
  }
  return checked.registry
}

/** A journal entry for every record in `before` that `after` no longer has. */
function pruneEntries(before: Registry, after: Registry, options: UpdateOptions): JournalEntry[] {
  const by = options.by ?? 'nemoclaw'
  const removed = Object.keys(before.sandboxes).filter((name) => !(name in after.sandboxes))
  return removed.map((name) =>
    newEntry('prune', before.sandboxes[name] as SandboxRecord, options.reason ?? 'removed', by),
  )
}

/**
 * Write the registry whose journal entries are already appended: set a corrupt file aside first (when `problem`),
 * then the atomic write. On failure the entries are marked aborted in the journal and the error is rethrown.
 */
async function writeJournaled(
  held: Held,
  text: string,
  problem: RegistryProblem | null,
  journaled: JournalEntry[],
): Promise<SetAside | null> {
  const {paths, assertHeld} = held
  let setAside: SetAside | null = null
  try {
    assertHeld()
    if (problem) setAside = await setAsideCorrupt(paths, problem)
    await writeFileAtomic(paths.file, text, {delayMs: writeDelayMs(held.env), beforeRename: assertHeld})
  } catch (error) {
    await appendAborts(paths.journal, journaled, error).catch(() => {})
    if (error instanceof RegistryError) throw error
    const aside = setAside ? ` ${setAside.message}` : ''
    throw new RegistryWriteError(
      `Could not write the registry ${paths.file}: ${(error as Error).message}.${aside}`,
      error,
      setAside,
    )
  }
  return setAside
}

/** Move the corrupt file aside, bytes intact (rename, then fsync the directory). */
async function setAsideCorrupt(paths: RegistryPaths, problem: RegistryProblem): Promise<SetAside> {
  const to = await corruptTarget(paths)
  await rename(paths.file, to)
  await fsyncDir(paths.home)
  return {from: paths.file, to, problem, message: setAsideMessage(paths.file, to, problem.detail)}
}

export interface CorruptFile {
  path: string
  name: string
  size: number
  modifiedAt: Date
}

/** Files set aside by earlier writes (for `doctor`), oldest name first. */
export async function listCorruptFiles(options: HomeOptions = {}): Promise<CorruptFile[]> {
  const paths = registryPaths(options)
  let names: string[]
  try {
    names = await readdir(paths.home)
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return []
    throw error
  }
  const out: CorruptFile[] = []
  for (const name of names.filter((n) => n.startsWith(paths.corruptPrefix)).sort()) {
    const path = join(paths.home, name)
    const st = await stat(path).catch(() => null)
    if (st?.isFile()) out.push({path, name, size: st.size, modifiedAt: st.mtime})
  }
  return out
}
