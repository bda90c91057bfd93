// `nemoclaw hello [NAME]`: a plain-JavaScript oclif command. `@oclif/core` is the host CLI's (a peer dependency):
// Node resolves it from nemoclaw's node_modules when the plugin is linked inside the nemoclaw checkout; a published
// plugin declares it as a dependency or peer dependency.
import {Args, Command, Flags} from '@oclif/core'

export default class Hello extends Command {
  static description = 'Say hello (example plugin command).'
  static examples = ['<%= config.bin %> hello', '<%= config.bin %> hello world --json']
  // A command that acts on a sandbox would declare `static targetsSandbox = true` so nemoclaw's prerun hook
  // reconciles the sandbox against the live gateway first (see docs/PLUGINS.md).
  static targetsSandbox = false
  static args = {name: Args.string({default: 'nemoclaw', description: 'who to greet'})}
  static flags = {json: Flags.boolean({default: false, description: 'Print JSON.'})}

  async run() {
    const {args, flags} = await this.parse(Hello)
    if (flags.json) process.stdout.write(JSON.stringify({greeting: `hello, ${args.name}`}) + '\n')
    else this.log(`hello, ${args.name}`)
  }
}
