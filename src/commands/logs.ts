import {Args, Flags} from '@oclif/core'

import {NemoclawCommand} from '../lib/cli/base.js'
import {openshell} from '../lib/cli/runtime.js'
import {requireOne} from '../lib/cli/targets.js'
import {EXIT_CODES, isGatewayClass, renderGuidance} from '../lib/gateway/classes.js'

export default class Logs extends NemoclawCommand {
  static override targetsSandbox = true

  static override summary = "Show a sandbox's logs."

  static override description = `Runs \`openshell logs\` with the flags the installed version takes. Logs of a
sandbox that is not Ready are shown; a gateway problem or a missing sandbox
stops with its class and exit code.`

  static override examples = [
    {command: '<%= config.bin %> logs my-assistant', description: 'The last 200 lines.'},
    {command: '<%= config.bin %> logs my-assistant -n 50', description: 'The last 50 lines.'},
    {command: '<%= config.bin %> logs my-assistant --follow', description: 'Stream until Ctrl-C.'},
    {
      command: '<%= config.bin %> logs my-assistant --json',
      description: 'The recent lines as JSON; an error is the JSON error document.',
    },
  ]

  static override args = {
    name: Args.string({description: 'Sandbox name (default: the default sandbox).', required: false}),
  }

  static override flags = {
    follow: Flags.boolean({char: 'f', default: false, description: 'Keep streaming new lines (not with --json).'}),
    lines: Flags.integer({char: 'n', default: 200, description: 'How many recent lines.', min: 1, max: 100_000}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Logs)
    if (flags.follow && flags.json) {
      this.fail(
        '--follow streams the log as it grows and has no JSON form: use --json without --follow for the recent lines.',
        {exit: 2, id: 'usage_error', json: true},
      )
    }

    const {name, verdict: v} = await requireOne(this, {json: flags.json, name: args.name})
    // Logs of a sandbox that is not Ready are exactly what the user wants; only gateway problems and a missing
    // sandbox stop us.
    if (
      isGatewayClass(v.classId) ||
      v.classId === 'sandbox_missing' ||
      v.classId === 'probe_timeout' ||
      v.classId === 'unknown'
    ) {
      if (flags.json) this.fail(renderGuidance(v.guidance), {exit: EXIT_CODES[v.classId], id: v.classId, json: true})
      process.stderr.write(renderGuidance(v.guidance) + '\n')
      this.finish(EXIT_CODES[v.classId])
      return
    }

    const result = await openshell().logs({follow: flags.follow, gateway: v.gateway, lines: flags.lines, sandbox: name})
    if (!result.ok) this.fail(result.failure.message, {exit: 1, id: 'logs_failed', json: flags.json})
    if (result.value.text !== undefined) {
      if (flags.json)
        this.printJson({schemaVersion: 1, lines: result.value.text.split('\n').filter(Boolean), sandbox: name})
      else
        process.stdout.write(
          result.value.text.endsWith('\n') || result.value.text === '' ? result.value.text : result.value.text + '\n',
        )
    }

    this.finish(result.value.exitCode)
  }
}
