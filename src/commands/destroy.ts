import {Args, Flags} from '@oclif/core'

import {NemoclawCommand} from '../lib/cli/base.js'
import {confirmDeletion, refuseUnconfirmable} from '../lib/cli/confirm.js'
import {openshell} from '../lib/cli/runtime.js'
import {requireOne} from '../lib/cli/targets.js'
import {EXIT_CODES, renderGuidance} from '../lib/gateway/classes.js'
import {destroySandbox, type DestroyResult} from '../lib/services/destroy.js'
import {validateSandboxName} from '../lib/registry/index.js'

export default class Destroy extends NemoclawCommand {
  // Reconciled in run(), after the confirmation: a refused destroy must not touch anything, not even lastSeen.
  static override targetsSandbox = false
  /** Its reconcile writes lastSeen even when fresh: the proof that the record can be removed after the delete. */
  static provesWritable = true

  static override summary = 'Delete a sandbox and its record (asks first).'

  static override description = `Deletes the sandbox on its gateway, then moves its record to pruned.jsonl.
The gateway itself is never touched. In a terminal it asks first; with --json
or without a terminal it needs --yes. Nothing is deleted while the registry
cannot be written.`

  static override examples = [
    {command: '<%= config.bin %> destroy my-assistant', description: 'Asks for confirmation in a terminal.'},
    {command: '<%= config.bin %> destroy my-assistant --yes', description: 'For scripts.'},
  ]

  static override args = {
    name: Args.string({description: 'Sandbox name.', required: true}),
  }

  static override flags = {
    yes: Flags.boolean({char: 'y', default: false, description: 'Do not ask for confirmation.'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Destroy)
    const check = validateSandboxName(args.name)
    if (!check.ok) this.fail(check.reason, {exit: 2, id: 'invalid_name', json: flags.json})
    const confirmation = {
      json: flags.json,
      rerun: `Run \`nemoclaw destroy ${args.name} --yes\`.`,
      sandbox: args.name,
      yes: flags.yes,
    }
    refuseUnconfirmable(this, confirmation)
    const {name, r, verdict: v} = await requireOne(this, {json: flags.json, name: args.name})

    if (!(await confirmDeletion({...confirmation, gateway: v.gateway}))) {
      this.log('Nothing deleted.')
      return
    }

    const result = await destroySandbox(openshell(), v, {by: 'nemoclaw destroy', writeFailure: r.writeFailure})
    this.report(result, name, flags.json)
  }

  /** Tell how the destroy ended: the deletion (a line, or JSON), else why not, with the exit code of its class. */
  private report(result: DestroyResult, name: string, json: boolean): void {
    switch (result.kind) {
      case 'destroyed': {
        if (json)
          this.printJson({schemaVersion: 1, destroyed: {gateway: result.gateway, name, outcome: result.outcome}})
        else this.log(`Deleted sandbox '${name}' on gateway '${result.gateway}'; its record is in pruned.jsonl.`)
        return
      }

      case 'refused': {
        const message = `Cannot delete sandbox '${name}' now.\n${renderGuidance(result.guidance)}`
        if (json) this.fail(message, {exit: EXIT_CODES[result.classId], id: result.classId, json: true})
        process.stderr.write(`${message}\n`) // the guidance as written, not re-wrapped by oclif's error formatting
        this.finish(EXIT_CODES[result.classId])
        return
      }

      case 'registry_unwritable': {
        this.fail(unwritableMessage(name, result), {
          exit: 1,
          id: result.outcome === 'refused' ? 'registry_unwritable' : 'record_not_removed',
          json,
        })
        break
      }

      case 'failed': {
        this.fail(`openshell could not delete sandbox '${name}': ${result.message}. Its record is kept.`, {
          exit: 1,
          id: 'delete_failed',
          json,
        })
      }
    }
  }
}

/** What to say when the record of a (deleted, gone or refused) sandbox could not be removed. */
function unwritableMessage(name: string, result: Extract<DestroyResult, {kind: 'registry_unwritable'}>): string {
  const why = `because ${result.failure.words} (${result.failure.message})`
  const done =
    result.outcome === 'deleted'
      ? `Deleted sandbox '${name}' on gateway '${result.gateway}'`
      : `Sandbox '${name}' is already gone on gateway '${result.gateway}'`
  return result.outcome === 'refused'
    ? `Nothing was deleted: sandbox '${name}' could not be deleted now, as its record could not be removed afterwards ${why}. Run \`nemoclaw destroy ${name} --yes\` again once the registry can be written.`
    : `${done}, but its record could not be removed ${why}. It stays registered; once the registry can be written, \`nemoclaw status\` moves it to pruned.jsonl.`
}
