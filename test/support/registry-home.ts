import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/** A fresh temp directory per test; `home` is a not-yet-existing NEMOCLAW_HOME inside it. */
export function useTempHome(): {readonly root: string; readonly home: string} {
  const state = {root: '', home: ''}
  beforeEach(async () => {
    state.root = await mkdtemp(join(tmpdir(), 'nemoclaw-registry-'))
    state.home = join(state.root, 'home')
  })
  afterEach(async () => {
    await rm(state.root, {recursive: true, force: true})
  })
  return state
}
