import {Args, Flags} from '@oclif/core'

import {NemoclawCommand} from '../lib/cli/base.js'
import {verdictJson} from '../lib/cli/render.js'
import {openshell} from '../lib/cli/runtime.js'
import {requireOne} from '../lib/cli/targets.js'
import {EXIT_CODES, renderGuidance} from '../lib/gateway/classes.js'

export default class Connect extends NemoclawCommand {
  static override targetsSandbox = true

  static override summary = 'Open a shell in a sandbox, or say at once why not.'

  static override description = `Checks the sandbox and its gateway first. If the sandbox is not Ready nothing
waits: the class, the exact next step and its exit code are printed at once.
--probe-only stops after the check, and so does --json (a shell has no JSON
form).`

  static override examples = [
    {command: '<%= config.bin %> connect my-assistant', description: 'Connect to a sandbox.'},
    {command: '<%= config.bin %> connect', description: 'Connect to the default sandbox.'},
    {command: '<%= config.bin %> connect my-assistant --probe-only --json', description: 'Check only; for scripts.'},
    {command: '<%= config.bin %> my-assistant connect', description: 'NemoClaw-style order also works.'},
  ]

  static override args = {
    name: Args.string({description: 'Sandbox name (default: the default sandbox).', required: false}),
  }

  static override flags = {
    'probe-only': Flags.boolean({
      default: false,
      description: 'Check that the sandbox can be connected to, then exit.',
    }),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Connect)
    const {name, verdict: v} = await requireOne(this, {json: flags.json, name: args.name})
    if (flags.json) this.printJson({schemaVersion: 1, sandbox: verdictJson(v)})
    if (v.classId !== 'ok') {
      if (!flags.json) process.stderr.write(renderGuidance(v.guidance) + '\n')
      this.finish(EXIT_CODES[v.classId])
      return
    }

    // An interactive shell has no JSON form: under --json connect only checks.
    if (flags['probe-only'] || flags.json) {
      if (!flags.json) this.log(v.guidance.diagnosis)
      return
    }

    const result = await openshell().sandboxConnect(name, v.gateway)
    if (!result.ok) this.fail(result.failure.message, {exit: 1, id: 'connect_failed', json: flags.json})
    this.finish(result.value)
  }
}
