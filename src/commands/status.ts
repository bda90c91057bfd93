import {Args} from '@oclif/core'

import {NemoclawCommand} from '../lib/cli/base.js'
import {STATUS_TRAITS, statusView} from '../lib/cli/views.js'

export default class Status extends NemoclawCommand {
  static override targetsSandbox = true
  /** The prerun reconcile also reads each gateway's inference route (one `inference get` per gateway). */
  static readsInference = STATUS_TRAITS.readsInference

  static override summary = "Show gateway health and every sandbox's live state."

  static override description = `Reconciles the registry with the live gateway first, read-only towards it:
a record is removed only when its own gateway is active, healthy and does not
list it, and is journaled to pruned.jsonl.
Exits with the worst finding's code: 0 all well, 20-25 a gateway problem,
30-33 a sandbox problem, 40 a probe that timed out.`

  static override examples = [
    {command: '<%= config.bin %> status', description: 'All registered sandboxes and their gateways.'},
    {command: '<%= config.bin %> status my-assistant', description: 'One sandbox; the exit code is its class.'},
    {command: '<%= config.bin %> status --json | jq .sandboxes', description: 'For scripts.'},
  ]

  static override args = {
    name: Args.string({description: 'Sandbox name (default: all registered sandboxes).', required: false}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Status)
    await statusView(this, {json: flags.json, name: args.name})
  }
}
