/**
 * Typed registry errors. Every message is meant to be shown to the user as is: it names the file, what is wrong,
 * and what happens next.
 */

export type ProblemKind = 'unparseable' | 'invalid' | 'unsupported-version' | 'unreadable'

/** Why sandboxes.json could not be used. */
export interface RegistryProblem {
  kind: ProblemKind
  /** The registry file. */
  path: string
  /** One-line reason, e.g. `not valid JSON (…)` or `wrong types: sandboxes.a.policies: expected …`. */
  detail: string
  /** Every offending field (invalid) or the single parse error. */
  issues: string[]
  /** Whether `update({setAsideCorrupt: true})` may move it aside (not for newer versions or I/O errors). */
  canSetAside: boolean
  message: string
}

/** A file that was moved aside during a write. */
export interface SetAside {
  from: string
  to: string
  problem: RegistryProblem
  /** "Registry at X was unreadable (…); moved aside to Y; your records are in Y." */
  message: string
}

export class RegistryError extends Error {
  constructor(
    message: string,
    readonly code: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
    this.name = 'RegistryError'
  }
}

/** Thrown by writes (and getRecord/listRecords) when the file exists but cannot be used. Nothing was changed. */
export class RegistryCorruptError extends RegistryError {
  constructor(readonly problem: RegistryProblem) {
    super(problem.message, 'REGISTRY_CORRUPT')
    this.name = 'RegistryCorruptError'
  }
}

export class RegistryLockTimeoutError extends RegistryError {
  constructor(
    readonly lockPath: string,
    readonly waitedMs: number,
  ) {
    super(
      `Timed out after ${(waitedMs / 1000).toFixed(1)}s waiting for the registry lock ${lockPath}: another nemoclaw ` +
        'process is writing the registry. Try again; a lock left by a crashed process is recovered automatically ' +
        'once it goes stale.',
      'REGISTRY_LOCK_TIMEOUT',
    )
    this.name = 'RegistryLockTimeoutError'
  }
}

/** The write itself failed (disk full, permissions, lock lost). The old file is still in place. */
export class RegistryWriteError extends RegistryError {
  constructor(
    message: string,
    override readonly cause: unknown,
    readonly setAside: SetAside | null = null,
  ) {
    super(message, 'REGISTRY_WRITE_FAILED')
    this.name = 'RegistryWriteError'
  }
}

/** Why a registry write failed, as one of a few causes (for reports and --json). */
type WriteFailureCause = 'registry_locked' | 'read_only' | 'disk_full' | 'permission_denied' | 'write_failed'

export interface WriteFailure {
  cause: WriteFailureCause
  /** The cause in words, the same every time, e.g. `another nemoclaw process holds the registry lock`. */
  words: string
  /** The error's own message (names the file). */
  message: string
}

const CAUSE_WORDS: Record<WriteFailureCause, string> = {
  disk_full: 'the disk is full',
  permission_denied: 'nemoclaw may not write to its home directory',
  read_only: "nemoclaw's home directory is on a read-only file system",
  registry_locked: 'another nemoclaw process holds the registry lock',
  write_failed: 'the registry could not be written',
}

/** The errno code of an error or of one of its causes (RegistryError wraps the file system's error). */
function errnoOf(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && depth < 5; e = (e as {cause?: unknown}).cause, depth++) {
    const code = (e as {code?: unknown}).code
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code
  }

  return undefined
}

/** Classify a failed registry write (lock wait timed out, read-only file system, disk full, no permission, other). */
export function describeWriteFailure(error: unknown): WriteFailure {
  const message = error instanceof Error ? error.message : String(error)
  let cause: WriteFailureCause = 'write_failed'
  if (error instanceof RegistryLockTimeoutError) cause = 'registry_locked'
  else {
    const code = errnoOf(error)
    if (code === 'EROFS') cause = 'read_only'
    else if (code === 'ENOSPC' || code === 'EDQUOT') cause = 'disk_full'
    else if (code === 'EACCES' || code === 'EPERM') cause = 'permission_denied'
  }

  return {cause, message, words: CAUSE_WORDS[cause]}
}

export function problemMessage(kind: ProblemKind, path: string, detail: string): string {
  switch (kind) {
    case 'unsupported-version':
      return `Registry at ${path} cannot be used: ${detail}. It was left untouched.`
    case 'unreadable':
      return `Registry at ${path} could not be read: ${detail}. It was left untouched.`
    default:
      return (
        `Registry at ${path} is unreadable: ${detail}. It was left untouched; nemoclaw will not write over it. ` +
        'Fix it by hand, or run `nemoclaw onboard` (or `nemoclaw doctor --fix`) to move it aside and start a new one.'
      )
  }
}

export function setAsideMessage(from: string, to: string, detail: string): string {
  return `Registry at ${from} was unreadable (${detail}); moved aside to ${to}; your records are in ${to}.`
}
