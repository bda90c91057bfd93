/**
 * Per-process shared objects: the OpenShell client (its version detection is cached; the version is also kept as a
 * hint for the next process, see OpenShell.versionHint).
 */
import {OpenShell} from '../openshell/client.js'

let client: OpenShell | undefined

export function openshell(): OpenShell {
  client ??= new OpenShell({env: process.env, versionCache: true})
  return client
}

/** TEST HOOK (test/support/inprocess.ts runs many commands in one process): forget the client, as a new process would. */
export function resetRuntimeForTests(): void {
  client = undefined
}
