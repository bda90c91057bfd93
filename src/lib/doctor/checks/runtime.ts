/** runtime: the Node version nemoclaw runs on, and nemoclaw's own install (oclif manifest present, same version). */
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'

import semver from 'semver'

import type {DoctorContext} from '../context.js'
import type {Check, CheckResult} from '../types.js'

/** The minimum version of a `>=x.y[.z]` range (the only form nemoclaw's engines field uses); undefined for any other. */
export function minimumOf(range: string | undefined): string | undefined {
  const valid = range === undefined ? null : semver.validRange(range)
  const sets = valid === null ? [] : new semver.Range(valid).set
  const only = sets.length === 1 && sets[0].length === 1 ? sets[0][0] : undefined
  return only?.operator === '>=' ? only.semver.version : undefined
}

function manifestVersion(root: string): {present: boolean; version?: string} {
  const file = path.join(root, 'oclif.manifest.json')
  if (!existsSync(file)) return {present: false}
  try {
    const v = (JSON.parse(readFileSync(file, 'utf8')) as {version?: unknown}).version
    return {present: true, version: typeof v === 'string' ? v : undefined}
  } catch {
    return {present: true}
  }
}

export const runtimeCheck: Check<DoctorContext> = {
  id: 'runtime',
  title: 'Node.js and the nemoclaw install',
  run(ctx): CheckResult {
    const {nodeRange, root, version} = ctx.options
    const node = process.versions.node
    const min = minimumOf(nodeRange)
    const lines = [`node ${node} (${process.execPath}); nemoclaw ${version} at ${root}`]
    const nodeOk = !min || semver.gte(node, min)
    const devCheckout = existsSync(path.join(root, 'tsconfig.json'))
    const reinstall = devCheckout ? `cd ${root} && npm run build` : `npm install -g nemoclaw@${version}`
    if (!nodeOk) {
      return {
        detail: [`Node.js ${node} is older than nemoclaw supports (${nodeRange}).`, ...lines].join('\n'),
        fix: `Install Node.js ${min} or newer (e.g. \`nvm install 20\`), then \`${reinstall}\`.`,
        status: 'fail',
      }
    }

    const manifest = manifestVersion(root)
    if (!manifest.present) {
      return {
        detail: [
          `The command manifest (oclif.manifest.json) is missing: start-up is slower and new commands may be hidden.`,
          ...lines,
        ].join('\n'),
        fix: reinstall,
        status: 'warn',
      }
    }

    if (manifest.version !== version) {
      return {
        detail: [
          `The command manifest is for version ${manifest.version ?? '(unknown)'}, not ${version}: oclif ignores it.`,
          ...lines,
        ].join('\n'),
        fix: reinstall,
        status: 'warn',
      }
    }

    return {
      detail: [`Node.js ${node} is supported (${nodeRange ?? 'any'}); manifest matches ${version}.`, ...lines].join(
        '\n',
      ),
      status: 'pass',
    }
  },
}
