import {chmod, readdir, stat} from 'node:fs/promises'
import {join} from 'node:path'

import {DIR_MODE, FILE_MODE, isErrno} from './fsutil.js'
import {registryPaths, type HomeOptions} from './paths.js'

/**
 * The nemoclaw home holds which sandboxes exist, on which gateway, with which credential NAMES: directory 0700,
 * every file in it that nemoclaw writes (registry, journal, set-aside copies) 0600.
 */

export interface PermissionFinding {
  path: string
  kind: 'directory' | 'file'
  /** Current mode bits (0o777 mask). */
  mode: number
  expected: number
  message: string
}

function octal(mode: number): string {
  return '0' + mode.toString(8).padStart(3, '0')
}

async function candidates(
  options: HomeOptions,
): Promise<Array<{path: string; kind: 'directory' | 'file'; expected: number}>> {
  const paths = registryPaths(options)
  const out: Array<{path: string; kind: 'directory' | 'file'; expected: number}> = [
    {path: paths.home, kind: 'directory', expected: DIR_MODE},
  ]
  let names: string[] = []
  try {
    names = await readdir(paths.home)
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw error
  }
  for (const name of names.sort()) {
    if (name === 'sandboxes.json' || name === 'pruned.jsonl' || name.startsWith(paths.corruptPrefix)) {
      out.push({path: join(paths.home, name), kind: 'file', expected: FILE_MODE})
    }
  }
  return out
}

/** Findings for every registry path whose mode is not exactly the expected one. Missing paths are not findings. */
export async function checkPermissions(options: HomeOptions = {}): Promise<PermissionFinding[]> {
  if (process.platform === 'win32') return []
  const findings: PermissionFinding[] = []
  for (const c of await candidates(options)) {
    const st = await stat(c.path).catch(() => null)
    if (!st) continue
    const mode = st.mode & 0o777
    if (mode !== c.expected) {
      findings.push({
        ...c,
        mode,
        message: `${c.kind === 'directory' ? 'Directory' : 'File'} ${c.path} has mode ${octal(mode)}; expected ${octal(c.expected)}.`,
      })
    }
  }
  return findings
}

/** chmod every finding to its expected mode. Returns what was fixed. */
export async function fixPermissions(options: HomeOptions = {}): Promise<PermissionFinding[]> {
  const findings = await checkPermissions(options)
  for (const f of findings) await chmod(f.path, f.expected)
  return findings
}
