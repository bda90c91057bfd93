import {Flags} from '@oclif/core'

import {NemoclawCommand} from '../lib/cli/base.js'
import {table} from '../lib/cli/render.js'
import {openshell} from '../lib/cli/runtime.js'
import {LIST_TRAITS, listView} from '../lib/cli/views.js'
import {readJournal} from '../lib/registry/index.js'

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
    {command: '<%= config.bin %> list --pruned', description: 'Records removed after their gateway no longer listed them.'},
  ]

  static override flags = {
    pruned: Flags.boolean({default: false, description: 'Show removed (journaled) records instead.'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(List)
    if (flags.pruned) {
      const journal = await readJournal({env: openshell().env})
      const entries = journal.entries.filter((e) => e.op === 'prune')
      if (flags.json) {
        this.printJson({schemaVersion: 1, pruned: entries.map((e) => ({at: e.at, name: e.name, reason: e.reason, record: e.record, status: e.status}))})
        return
      }

      if (entries.length === 0) {
        this.log('No removed records.')
        return
      }

      this.log(table([['SANDBOX', 'GATEWAY', 'REMOVED AT', 'REASON'], ...entries.map((e) => [e.name, e.record.gateway, e.at, e.reason])]))
      return
    }

    await listView(this, {json: flags.json})
  }
}
