import {Flags} from '@oclif/core'

import {NemoclawCommand} from '../lib/cli/base.js'
import {LIST_TRAITS, listView, prunedView} from '../lib/cli/views.js'

export default class List extends NemoclawCommand {
  static override targetsSandbox = true
  /** The prerun reconcile also reads each gateway's inference route (one `inference get` per gateway). */
  static readsInference = LIST_TRAITS.readsInference
  /** --pruned reads the journal only: no reconcile, no openshell call. */
  static override skipReconcileFor = ['pruned']

  static override summary = 'List registered sandboxes with their live verdicts.'

  static override description = `Reconciles first, like status. --json also lists each gateway with its
inference route (one per gateway in OpenShell).
--pruned shows the records nemoclaw removed, read from pruned.jsonl without
asking any gateway.`

  static override examples = [
    {command: '<%= config.bin %> list', description: 'Registered sandboxes with live phase and state.'},
    {command: '<%= config.bin %> list --json', description: 'For scripts.'},
    {
      command: '<%= config.bin %> list --pruned',
      description: 'Records removed after their gateway no longer listed them.',
    },
  ]

  static override flags = {
    pruned: Flags.boolean({default: false, description: 'Show removed (journaled) records instead.'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(List)
    if (flags.pruned) await prunedView(this, {json: flags.json})
    else await listView(this, {json: flags.json})
  }
}
