import {Args} from '@oclif/core'

import {NemoclawCommand} from '../lib/cli/base.js'
import {gatewayJson, statusText, verdictJson} from '../lib/cli/render.js'
import {openshell} from '../lib/cli/runtime.js'
import {requireOne, requireReconciliation} from '../lib/cli/targets.js'
import {EXIT_CODES} from '../lib/gateway/classes.js'
import {recoverAll} from '../lib/recovery.js'
import {worstOf} from '../lib/sandboxes.js'

export default class Recover extends NemoclawCommand {
  static override targetsSandbox = true

  static override description = `Bring a gateway and its sandboxes back after a restart, rebuild, trust rotation or selection change.

Runs only safe steps, each shown as it runs: select the gateway, start it (legacy \`openshell gateway start\`, or the \`openshell-gateway\` systemd user service), re-import the client trust from the local gateway's own TLS bundle (old files kept as a backup), and wait with a bounded backoff until it is healthy and its sandboxes are Ready. It never destroys or recreates a gateway and never deletes a sandbox; when nothing safe is left it stops and prints the exact next step. Starting and re-importing trust happen only for this machine's own gateway (metadata is_remote false, mTLS on a loopback address; modern: the local gateway service, https://127.0.0.1:17670 or the port gateway.toml's bind_address names): a remote, cloud or plain-http gateway is left as it is, with what its owner must do. Then it reconciles and reports like \`status\`.

When sandboxes live on several gateways only one can be selected: the named sandbox's gateway, else the selected one if it holds sandboxes, else the default sandbox's. The others are started or repaired but not selected.`

  static override examples = [
    {command: '<%= config.bin %> recover', description: 'Recover every gateway that has registered sandboxes.'},
    {command: '<%= config.bin %> recover my-assistant', description: "Recover the sandbox's gateway."},
    {command: 'NEMOCLAW_RECOVER_TIMEOUT_MS=120000 <%= config.bin %> recover', description: 'Wait longer for a slow gateway.'},
  ]

  static override args = {
    name: Args.string({description: 'Sandbox name (default: all registered sandboxes).', required: false}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Recover)
    const before = args.name === undefined ? await requireReconciliation(this, {json: flags.json}) : (await requireOne(this, {json: flags.json, name: args.name})).r
    const {after, reports} = await recoverAll(openshell(), before, {name: args.name, silent: flags.json})
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
