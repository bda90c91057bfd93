import {createRequire} from 'node:module'
import {readFile} from 'node:fs/promises'

import {appendLineDurable, isErrno} from './fsutil.js'
import type {SandboxRecord} from './schema.js'

/**
 * `$NEMOCLAW_HOME/pruned.jsonl` (0600): one JSON line per record that left the registry (`prune`) or was put back
 * (`restore`). Only written while holding the registry lock.
 *
 * Ordering (see store.ts): the line is appended and fsynced BEFORE the registry write that removes the record, so
 * a removed record is always in the journal. If that write then fails, an `abort` line naming the entry's id is
 * appended, and readers show the entry as `aborted`. If the process dies between the two steps (no abort line),
 * readJournal() compares with the live registry: a prune whose record (same name and createdAt) is still there,
 * with no later entry for that name, is shown as `not-applied`. So the journal never claims a removal that did not
 * happen.
 */

type JournalOp = 'prune' | 'restore'

export interface JournalEntry {
  id: string
  op: JournalOp
  name: string
  record: SandboxRecord
  reason: string
  /** ISO-8601 */
  at: string
  /** Who did it, e.g. `nemoclaw destroy` or `reconcile`. */
  by: string
  pid: number
}

interface JournalAbort {
  id: string
  op: 'abort'
  /** id of the entry whose registry write failed */
  of: string
  at: string
  error: string
}

export type JournalStatus = 'applied' | 'aborted' | 'not-applied'

export interface JournalView extends JournalEntry {
  status: JournalStatus
}

export interface JournalRead {
  path: string
  /** Oldest first. */
  entries: JournalView[]
  /** 1-based line numbers that were not valid journal lines (kept in the file, skipped here). */
  malformedLines: number[]
}

export function newEntry(op: JournalOp, record: SandboxRecord, reason: string, by: string): JournalEntry {
  return {id: newId(), op, name: record.name, record, reason, at: new Date().toISOString(), by, pid: process.pid}
}

export async function appendEntries(path: string, entries: JournalEntry[]): Promise<void> {
  if (entries.length === 0) return
  await appendLineDurable(path, entries.map((e) => JSON.stringify(e)).join('\n'))
}

export async function appendAborts(path: string, entries: JournalEntry[], error: unknown): Promise<void> {
  if (entries.length === 0) return
  const at = new Date().toISOString()
  const message = error instanceof Error ? error.message : String(error)
  const lines = entries.map((e) =>
    JSON.stringify({id: newId(), op: 'abort', of: e.id, at, error: message} satisfies JournalAbort),
  )
  await appendLineDurable(path, lines.join('\n'))
}

function isEntry(value: unknown): value is JournalEntry {
  const v = value as JournalEntry
  return (
    typeof v === 'object' &&
    v !== null &&
    (v.op === 'prune' || v.op === 'restore') &&
    typeof v.id === 'string' &&
    typeof v.name === 'string' &&
    typeof v.record === 'object' &&
    v.record !== null &&
    typeof v.at === 'string'
  )
}

function isAbort(value: unknown): value is JournalAbort {
  const v = value as JournalAbort
  return typeof v === 'object' && v !== null && v.op === 'abort' && typeof v.of === 'string'
}

/**
 * Parse the journal. `live` is the current registry's records (if readable), used to mark entries whose registry
 * write never landed as `not-applied`.
 */
export async function readJournalFile(path: string, live: Record<string, SandboxRecord> | null): Promise<JournalRead> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return {path, entries: [], malformedLines: []}
    throw error
  }
  const entries: JournalView[] = []
  const aborted = new Set<string>()
  const malformedLines: number[] = []
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch {
      malformedLines.push(i + 1)
      return
    }
    if (isAbort(value)) aborted.add(value.of)
    else if (isEntry(value)) entries.push({...value, status: 'applied'})
    else malformedLines.push(i + 1)
  })
  const lastByName = new Map<string, JournalView>()
  for (const e of entries) {
    if (aborted.has(e.id)) e.status = 'aborted'
    else lastByName.set(e.name, e)
  }
  if (live) {
    for (const e of lastByName.values()) {
      const current = live[e.name]
      if (
        e.op === 'prune' &&
        current &&
        current.createdAt === e.record.createdAt &&
        current.gateway === e.record.gateway
      ) {
        e.status = 'not-applied'
      }
      if (e.op === 'restore' && !current) e.status = 'not-applied'
    }
  }
  return {path, entries, malformedLines}
}

/** A journal entry's id. node:crypto is loaded only when an entry is written (rare), not by every reader. */
function newId(): string {
  const {randomUUID} = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto')
  return randomUUID()
}
