/**
 * Child process used by the registry concurrency and crash tests.
 *   node --import tsx test/support/registry-worker.ts add <home> <prefix> <count> [<barrier-file>]
 *     prints "ready", waits until <barrier-file> exists (so all workers write at the same moment, whatever their
 *     start-up time), then upserts <count> records <prefix>-<i> concurrently (in-process contention too) and prints
 *     {"ok":true,...}
 *   node --import tsx test/support/registry-worker.ts write <home> <name>
 *     upserts one record; with NEMOCLAW_TEST_WRITE_DELAY_MS set it pauses half-way through the temp file
 *   node --import tsx test/support/registry-worker.ts hold <home>
 *     takes the registry lock the way every writer does (inside update()), prints "locked", and keeps it — alive,
 *     refreshing it — until its stdin closes; then it releases the lock having changed nothing
 */
import {existsSync} from 'node:fs'
import {setTimeout as sleep} from 'node:timers/promises'

import {update, upsertRecord} from '../../src/lib/registry/index.js'

async function waitFor(file: string): Promise<void> {
  const deadline = Date.now() + 20_000
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`barrier ${file} never appeared`)
    await sleep(5)
  }
}

async function main(): Promise<void> {
  const [mode, home, ...rest] = process.argv.slice(2)
  if (!home) throw new Error('usage: registry-worker.ts <add|write> <home> …')
  if (mode === 'add') {
    const [prefix, countText, barrier] = rest
    const count = Number(countText)
    process.stdout.write('ready\n')
    if (barrier) await waitFor(barrier)
    const results = await Promise.all(
      Array.from({length: count}, (_, i) =>
        upsertRecord({name: `${prefix}-${i}`, gateway: 'nemoclaw', model: `model-${i}`, policies: ['pypi']}, {home}),
      ),
    )
    process.stdout.write(JSON.stringify({ok: true, written: results.filter((r) => r.written).length}) + '\n')
    return
  }
  if (mode === 'write') {
    const [name] = rest
    await upsertRecord({name: name as string, gateway: 'nemoclaw', model: 'slow'}, {home})
    process.stdout.write(JSON.stringify({ok: true}) + '\n')
    return
  }
  if (mode === 'hold') {
    await update(
      async () => {
        process.stdout.write('locked\n')
        await new Promise<void>((resolve) => {
          process.stdin.on('end', resolve).on('close', resolve).resume()
        })
      },
      {home},
    )
    process.stdout.write(JSON.stringify({ok: true}) + '\n')
    return
  }
  throw new Error(`unknown mode ${mode}`)
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`)
  process.exit(1)
})
