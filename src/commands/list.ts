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

  static override description = `List registered sandboxes with their live verdicts.

--pruned shows the records nemoclaw removed (journaled in pruned.jsonl), with the reason and time. --json also lists each gateway with its inference route (per gateway in OpenShell: every sandbox on it uses it).`

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
        this.printJson({pruned: entries.map((e) => ({at: e.at, name: e.name, reason: e.reason, record: e.record, status: e.status})), schemaVersion: 1})
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
