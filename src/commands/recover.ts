import {Args} from '@oclif/core'

import {NemoclawCommand} from '../lib/cli/base.js'
import {gatewayJson, statusText, verdictJson} from '../lib/cli/render.js'
import {openshell} from '../lib/cli/runtime.js'
import {requireOne, requireReconciliation} from '../lib/cli/targets.js'
import {EXIT_CODES} from '../lib/gateway/classes.js'
import {recover} from '../lib/services/recover.js'
import {worstOf} from '../lib/reconcile/run.js'

export default class Recover extends NemoclawCommand {
  static override targetsSandbox = true

  static override summary = 'Bring gateways and sandboxes back, with safe steps only.'

  static override description = `Selects the gateway, starts it, re-imports its trust from the local TLS
bundle and waits until it is healthy and its sandboxes are Ready, then reports
like status. It never destroys a gateway or deletes a sandbox.
Starting and re-importing trust happen only for this machine's own gateway;
for a remote or cloud gateway it says what the gateway's owner must do.`

  static override examples = [
    {command: '<%= config.bin %> recover', description: 'Recover every gateway that has registered sandboxes.'},
    {command: '<%= config.bin %> recover my-assistant', description: "Recover the sandbox's gateway."},
    {
      command: 'NEMOCLAW_RECOVER_TIMEOUT_MS=120000 <%= config.bin %> recover',
      description: 'Wait longer for a slow gateway.',
    },
  ]

  static override args = {
    name: Args.string({description: 'Sandbox name (default: all registered sandboxes).', required: false}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Recover)
    const before =
      args.name === undefined
        ? await requireReconciliation(this, {json: flags.json})
        : (await requireOne(this, {json: flags.json, name: args.name})).r
    const {after, reports} = await recover(openshell(), before, {name: args.name, silent: flags.json})
    const worst = worstOf(after, args.name)
    if (flags.json) {
      this.printJson({
        schemaVersion: 1,
        gateways: [...after.gateways.values()].map((h) => gatewayJson(h)),
        ok: worst === 'ok',
        recovery: reports.map((rep) => ({
          after: rep.after.classId,
          before: rep.before.classId,
          gateway: rep.before.gateway,
          steps: rep.steps.map((s) => ({kind: s.step.kind, note: s.note ?? null, ok: s.ok, title: s.title})),
          stopped: rep.stopped,
        })),
        sandboxes: after.verdicts.map(verdictJson),
        state: worst,
      })
    } else {
      this.log(statusText(after, {name: args.name}))
    }

    this.finish(EXIT_CODES[worst])
  }
}
