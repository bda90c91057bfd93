import {isEnvName} from '../env.js'
import {readJournalFile, newEntry, type JournalEntry, type JournalRead} from './journal.js'
import {compareSandboxNames, validateGatewayName, validateSandboxName} from './names.js'
import {registryPaths, type HomeOptions} from './paths.js'
import {RegistryError} from './errors.js'
import {load, loadOrThrow, update, type UpdateOptions, type UpdateResult} from './store.js'
import {normaliseRegistry, type Registry, type SandboxRecord} from './schema.js'

/** The operations commands use. All writes go through update() (lock, re-read, atomic write, journal). */

/** One record, or null when there is none of that name. Throws RegistryCorruptError if the file is unusable. */
export async function getRecord(name: string, options: HomeOptions = {}): Promise<SandboxRecord | null> {
  const registry = await loadOrThrow(options)
  return Object.hasOwn(registry.sandboxes, name) ? (registry.sandboxes[name] as SandboxRecord) : null
}

/** All records sorted by name. Throws RegistryCorruptError if the file is unusable. */
export async function listRecords(options: HomeOptions = {}): Promise<SandboxRecord[]> {
  const registry = await loadOrThrow(options)
  return Object.values(registry.sandboxes).sort((a, b) => compareSandboxNames(a.name, b.name))
}

export type SandboxRecordInput = Partial<SandboxRecord> & {name: string; gateway: string}

export interface UpsertOptions extends UpdateOptions {
  /** Make this the default sandbox when there is no (existing) default yet. */
  makeDefaultIfFirst?: boolean
  /** Reserved words for the name check (default RESERVED_SANDBOX_NAMES). */
  reserved?: Iterable<string>
}

/**
 * Add or update a record. Fields not given keep their current values (unknown fields included); a new record gets
 * createdAt = now. The name must pass validateSandboxName, the gateway validateGatewayName, and credentialEnv must be
 * an environment variable NAME (a pasted secret is refused, never stored). Throws RegistryError('INVALID_RECORD').
 */
export async function upsertRecord(
  input: SandboxRecordInput,
  options: UpsertOptions = {},
): Promise<UpdateResult<SandboxRecord>> {
  const given = checkedInput(input, options)
  return update((registry) => put(registry, input.name, given, options), options)
}

/** The inference fields of a record: what OpenShell holds per gateway (its route and the provider it uses). */
const INFERENCE_FIELDS = ['provider', 'model', 'endpointUrl', 'credentialEnv'] as const

/**
 * Register an onboarded sandbox and, in the same write, give every other record on its gateway the same inference
 * fields: OpenShell's inference route is one per gateway (`inference set` applies to every sandbox on it), so after
 * onboard set it, that is what they all use. Returns the record and the names of the other records that changed.
 */
export async function registerOnboarded(
  input: SandboxRecordInput,
  options: UpsertOptions = {},
): Promise<UpdateResult<{record: SandboxRecord; alsoChanged: string[]}>> {
  const given = checkedInput(input, options)
  return update((registry) => {
    const record = put(registry, input.name, given, options)
    const alsoChanged: string[] = []
    for (const other of Object.values(registry.sandboxes) as SandboxRecord[]) {
      if (other.name === input.name || other.gateway !== record.gateway) continue
      if (INFERENCE_FIELDS.every((f) => (other[f] ?? null) === (record[f] ?? null))) continue
      const fields = Object.fromEntries(INFERENCE_FIELDS.map((f) => [f, record[f] ?? null]))
      put(registry, other.name, fields, {})
      alsoChanged.push(other.name)
    }

    return {alsoChanged: alsoChanged.sort(), record}
  }, options)
}

function checkedInput(input: SandboxRecordInput, options: UpsertOptions): Record<string, unknown> {
  const nameCheck = validateSandboxName(input.name, {reserved: options.reserved})
  if (!nameCheck.ok) throw new RegistryError(nameCheck.reason, 'INVALID_RECORD')
  const gatewayCheck = validateGatewayName(input.gateway)
  if (!gatewayCheck.ok) throw new RegistryError(gatewayCheck.reason, 'INVALID_RECORD')
  if (input.credentialEnv != null && !isEnvName(input.credentialEnv)) {
    throw new RegistryError(
      'credentialEnv must be the NAME of an environment variable (e.g. NVIDIA_API_KEY), not its value.',
      'INVALID_RECORD',
    )
  }
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined))
}

/** Merge `given` into the record `name` (created when absent), validated; sets the default when asked. */
function put(registry: Registry, name: string, given: Record<string, unknown>, options: UpsertOptions): SandboxRecord {
  const existing = Object.hasOwn(registry.sandboxes, name) ? registry.sandboxes[name] : undefined
  const merged = {...existing, ...given, createdAt: given.createdAt ?? existing?.createdAt ?? new Date().toISOString()}
  const checked = normaliseRegistry({version: 1, sandboxes: {[name]: merged}})
  if (!checked.ok) throw new RegistryError(`Invalid sandbox record: ${checked.detail}`, 'INVALID_RECORD')
  const record = checked.registry.sandboxes[name] as SandboxRecord
  registry.sandboxes[name] = record
  const def = registry.defaultSandbox
  if (options.makeDefaultIfFirst && (def === null || !Object.hasOwn(registry.sandboxes, def))) {
    registry.defaultSandbox = name
  }
  return record
}

/**
 * Remove a record; it is journaled (with `reason`) before the write. If it was the default, the default becomes
 * null (never silently another sandbox). Returns the removed record, or null (and writes nothing) if absent.
 */
export async function removeRecord(
  name: string,
  reason: string,
  options: UpdateOptions = {},
): Promise<UpdateResult<SandboxRecord | null>> {
  return update(
    (registry) => {
      if (!Object.hasOwn(registry.sandboxes, name)) return null
      const record = registry.sandboxes[name] as SandboxRecord
      registry.sandboxes = Object.fromEntries(Object.entries(registry.sandboxes).filter(([n]) => n !== name))
      if (registry.defaultSandbox === name) registry.defaultSandbox = null
      return record
    },
    {...options, reason},
  )
}

/** Set (or clear, with null) the default sandbox. Throws RegistryError('NOT_FOUND') for an unknown name. */
export async function setDefault(
  name: string | null,
  options: UpdateOptions = {},
): Promise<UpdateResult<string | null>> {
  return update((registry) => {
    if (name !== null && !Object.hasOwn(registry.sandboxes, name)) {
      throw new RegistryError(`No sandbox named '${name}' in the registry.`, 'NOT_FOUND')
    }
    registry.defaultSandbox = name
    return name
  }, options)
}

export interface LastSeenUpdate {
  name: string
  phase: string
  /** ISO-8601; default now. */
  at?: string
}

/**
 * Record what the gateway last said about many sandboxes in ONE write. Unknown names are skipped, and an
 * observation older than the stored one is ignored (concurrent reconciles cannot move lastSeen backwards).
 * Returns the names that changed.
 */
export async function touchLastSeen(
  updates: LastSeenUpdate[],
  options: UpdateOptions = {},
): Promise<UpdateResult<string[]>> {
  return update((registry) => {
    const changed: string[] = []
    for (const u of updates) {
      if (!Object.hasOwn(registry.sandboxes, u.name)) continue
      const record = registry.sandboxes[u.name] as SandboxRecord
      const at = u.at ?? new Date().toISOString()
      const prev = record.lastSeen
      if (prev && Date.parse(prev.at) > Date.parse(at)) continue
      if (prev && prev.phase === u.phase && prev.at === at) continue
      record.lastSeen = {phase: u.phase, at}
      changed.push(u.name)
    }
    return changed
  }, options)
}

/** The pruned journal, oldest first, each entry with its status (applied / aborted / not-applied). */
export async function readJournal(options: HomeOptions = {}): Promise<JournalRead> {
  const loaded = await load(options)
  return readJournalFile(registryPaths(options).journal, loaded.problem ? null : loaded.registry.sandboxes)
}

export type RestoreOutcome =
  | {restored: true; record: SandboxRecord; from: JournalEntry}
  | {restored: false; reason: 'exists' | 'not-in-journal'; message: string}

/**
 * Put the most recently pruned record of `name` back, if no live record of that name exists. The restore is
 * journaled too (op 'restore'), in the same locked transaction.
 */
export async function restore(name: string, options: UpdateOptions = {}): Promise<UpdateResult<RestoreOutcome>> {
  const journalPath = registryPaths(options).journal
  return update<RestoreOutcome>(async (registry, tx) => {
    if (Object.hasOwn(registry.sandboxes, name)) {
      return {
        restored: false,
        reason: 'exists',
        message: `A sandbox named '${name}' is already in the registry; nothing was restored.`,
      }
    }
    const journal = await readJournalFile(journalPath, registry.sandboxes)
    const last = journal.entries.filter((e) => e.name === name && e.status !== 'aborted').at(-1)
    if (!last || last.op !== 'prune') {
      return {restored: false, reason: 'not-in-journal', message: `No pruned record named '${name}' in ${journalPath}.`}
    }
    const record = structuredClone(last.record)
    registry.sandboxes[name] = record
    tx.journal(newEntry('restore', record, `restored (pruned ${last.at}: ${last.reason})`, options.by ?? 'nemoclaw'))
    return {restored: true, record, from: last}
  }, options)
}
