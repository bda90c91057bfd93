/**
 * The local registry of sandboxes (`$NEMOCLAW_HOME/sandboxes.json`, default ~/.nemoclaw): versioned schema, one
 * locked atomic write path, corrupt files set aside (never overwritten), a journal of removed records, and the one
 * sandbox-name validator.
 */
export * from './errors.js'
export * from './names.js'
export {registryPaths, type HomeOptions, type RegistryPaths} from './paths.js'
export {
  LEGACY_GATEWAY,
  parseRegistry,
  REGISTRY_VERSION,
  serializeRegistry,
  type Registry,
  type SandboxRecord,
} from './schema.js'
export {
  listCorruptFiles,
  load,
  update,
  type CorruptFile,
  type LoadResult,
  type Mutator,
  type Transaction,
  type UpdateOptions,
  type UpdateResult,
} from './store.js'
export {type JournalEntry, type JournalRead, type JournalStatus, type JournalView} from './journal.js'
export {DEFAULT_LOCK_TIMEOUT_MS} from './lock.js'
export {checkPermissions, fixPermissions, type PermissionFinding} from './permissions.js'
export {
  getRecord,
  listRecords,
  readJournal,
  registerOnboarded,
  removeRecord,
  restore,
  setDefault,
  touchLastSeen,
  upsertRecord,
  type LastSeenUpdate,
  type RestoreOutcome,
  type SandboxRecordInput,
  type UpsertOptions,
} from './records.js'
