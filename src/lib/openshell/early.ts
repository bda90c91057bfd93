/**
 * Early probes for the fast path (cli/fast.ts): a healthy `nemoclaw status` spends most of its time loading its own
 * code, then waits for three `openshell` calls. The calls the last run of the same command asked for before its
 * first non-probe call are remembered (`$XDG_CACHE_HOME/nemoclaw/early-probes.json`, per command and binary) and
 * started again at once, while the code loads; each call then adopts its early start when it is exactly the same
 * spawn (runner.ts: startEarly, runOpenshell). A remembered round that no longer fits — another registry, another
 * version, another environment — only costs a read-only call that is killed unread.
 */
import {readFileSync} from 'node:fs'
import path from 'node:path'

import {cacheDir, writeCacheFile} from '../dirs.js'
import {
  dropEarlyStarts,
  type Env,
  type OpenshellRequest,
  openshellRequests,
  resolveOpenshell,
  startEarly,
} from './runner.js'

interface Round {
  binary: string
  calls: OpenshellRequest[]
}

/** Rounds kept: the most recently changed commands (`status`, `list`, `status NAME` per name). */
const MAX_ROUNDS = 16

function roundsFile(env: Env): string {
  return path.join(cacheDir(env), 'early-probes.json')
}

function readRounds(env: Env): Record<string, Round> {
  try {
    const data = JSON.parse(readFileSync(roundsFile(env), 'utf8')) as {rounds?: unknown}
    return typeof data.rounds === 'object' && data.rounds !== null ? (data.rounds as Record<string, Round>) : {}
  } catch {
    return {}
  }
}

function validCall(call: unknown): call is OpenshellRequest {
  const c = call as OpenshellRequest | null
  return (
    typeof c === 'object' &&
    c !== null &&
    c.kind === 'probe' &&
    Array.isArray(c.argv) &&
    c.argv.every((a) => typeof a === 'string')
  )
}

/** A command's early round: what the process must know at its end to remember it. */
interface EarlyRound {
  command: string
  env: Env
  binary?: string
  stored?: Round
}

/** Start the probes the last run of `command` asked for (nothing when none is remembered for this binary). */
export function startEarlyRound(command: string, env: Env): EarlyRound {
  const resolved = resolveOpenshell(env)
  if (!resolved.ok) return {command, env}
  const stored = readRounds(env)[command]
  if (stored?.binary === resolved.path && Array.isArray(stored.calls)) {
    for (const call of stored.calls) if (validCall(call)) startEarly(call, env, resolved.path)
  }

  return {binary: resolved.path, command, env, stored}
}

/** Kill what no call adopted, and remember this run's first probes for the next run (written only when changed). */
export function endEarlyRound(round: EarlyRound): void {
  dropEarlyStarts()
  if (round.binary === undefined) return
  const requests = openshellRequests()
  const firstOther = requests.findIndex((r) => r.kind !== 'probe')
  const calls = firstOther === -1 ? requests : requests.slice(0, firstOther)
  const next: Round = {binary: round.binary, calls}
  if (JSON.stringify(next) === JSON.stringify(round.stored)) return
  const rounds = readRounds(round.env)
  const kept = Object.entries(rounds)
    .filter(([command]) => command !== round.command)
    .slice(-(MAX_ROUNDS - 1))
  writeCacheFile(
    roundsFile(round.env),
    JSON.stringify({rounds: Object.fromEntries([...kept, [round.command, next]])}) + '\n',
  )
}
