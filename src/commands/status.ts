import {Args} from '@oclif/core'

import {NemoclawCommand} from '../lib/cli/base.js'
import {gatewayJson, statusText, verdictJson} from '../lib/cli/render.js'
import {requireOne, requireReconciliation} from '../lib/cli/targets.js'
import {EXIT_CODES} from '../lib/gateway/classes.js'
import {worstOf} from '../lib/sandboxes.js'

export default class Status extends NemoclawCommand {
  static override targetsSandbox = true
  /** The prerun reconcile also reads each gateway's inference route (one `inference get` per gateway). */
  static readsInference = true

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
    const r = args.name === undefined ? await requireReconciliation(this, {json: flags.json}) : (await requireOne(this, {json: flags.json, name: args.name})).r
    const worst = worstOf(r, args.name)
    const primary = r.gateways.get(r.verdicts[0]?.gateway ?? [...r.gateways.keys()][0])!
    if (flags.json) {
      this.printJson({
        schemaVersion: 1,
        gateway: gatewayJson(primary, r.inference?.get(primary.gateway) ?? null),
        gateways: [...r.gateways.values()].map((h) => gatewayJson(h, r.inference?.get(h.gateway) ?? null)),
        notPruned: r.notPruned.map((p) => ({cause: p.failure.cause, gateway: p.gateway, message: p.failure.message, name: p.name, reason: p.reason})),
        ok: worst === 'ok',
        pruned: r.pruned,
        sandboxes: r.verdicts.map(verdictJson),
        state: worst,
      })
    } else {
      this.log(statusText(r, {name: args.name}))
    }

    this.finish(EXIT_CODES[worst])
  }
}
