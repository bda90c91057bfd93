/**
 * A fake `openshell` for client tests: fake-openshell.sh, a POSIX sh script (fast to start) whose behaviour is chosen by FAKE_*
 * variables. Every call appends one line to FAKE_LOG: the argv joined by tabs, then a tab and `cred=1|0|-` (whether
 * the variable named by FAKE_CRED_NAME was visible to the child).
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import {fileURLToPath} from 'node:url'

const SCRIPT = fileURLToPath(new URL('fake-openshell.sh', import.meta.url))

/** Copy the fake into `dir` as `openshell` (mode 0755) and return its path. */
export function writeFakeOpenshell(dir: string): string {
  const file = path.join(dir, 'openshell')
  fs.copyFileSync(SCRIPT, file)
  fs.chmodSync(file, 0o755)
  return file
}

export interface FakeCall {
  argv: string[]
  cred?: boolean
}

export function readFakeLog(file: string): FakeCall[] {
  if (!fs.existsSync(file)) return []
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const parts = l.split('\t')
      const cred = parts.pop()!.replace(/^cred=/, '')
      return cred === '-' ? {argv: parts} : {argv: parts, cred: cred === '1'}
    })
}
