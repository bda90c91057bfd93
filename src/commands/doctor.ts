import {Flags} from '@oclif/core'

import {NemoclawCommand} from '../lib/cli/base.js'

export default class Doctor extends NemoclawCommand {
  static override summary = 'Diagnose nemoclaw, OpenShell, gateways, sandboxes and plugins.'

  static override description = `Read-only unless --fix is given; --fix runs only safe repairs: select, start
and re-import trust for this machine's own gateway, move an unreadable registry
aside, fix registry permissions. Nothing is destroyed or deleted.
Containers a rebuilt gateway left behind are named with the command that
removes them; nemoclaw never removes one.
Exits 0 when no check failed (warnings allowed), 1 otherwise.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --json',
    '<%= config.bin %> <%= command.id %> --check gateway --check sandboxes',
    '<%= config.bin %> <%= command.id %> --fix',
    '<%= config.bin %> <%= command.id %> --check orphan-containers --json',
  ]

  static override flags = {
    check: Flags.string({
      description: 'Run only this check (repeatable), e.g. gateway, registry, or a plugin check id.',
      multiple: true,
    }),
    fix: Flags.boolean({default: false, description: 'Apply the safe repairs, then run the checks again.'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Doctor)
    const {createContext} = await import('../lib/doctor/context.js')
    const {BUILTIN_CHECKS} = await import('../lib/doctor/checks/index.js')
    const {collectPluginChecks} = await import('../lib/doctor/plugins.js')
    const {renderSummary, runChecks, toJson} = await import('../lib/doctor/runner.js')
    const {applyFixes} = await import('../lib/doctor/fix.js')
    const {redactString} = await import('../lib/doctor/redact.js')

    const env = process.env
    const options = {
      env,
      nodeRange: (this.config.pjson.engines as Record<string, string> | undefined)?.node,
      root: this.config.root,
      version: this.config.version,
    }
    let ctx = createContext(options)
    const taken = new Set(BUILTIN_CHECKS.map((c) => c.id))
    taken.add('plugins')
    const plugins = await collectPluginChecks(this.config, taken, ctx.probeTimeoutMs)
    let checks = [...BUILTIN_CHECKS, plugins.summary, ...plugins.checks]
    const only = flags.check ?? []
    if (only.length > 0) {
      const known = new Set(checks.map((c) => c.id))
      const unknown = only.filter((id) => !known.has(id))
      if (unknown.length > 0) {
        this.fail(`Unknown check id(s): ${unknown.join(', ')}. Known: ${[...known].join(', ')}.`, {
          exit: 2,
          id: 'unknown_check',
          json: flags.json,
        })
      }

      checks = checks.filter((c) => only.includes(c.id))
    }

    let fixes
    if (flags.fix) {
      fixes = await applyFixes(ctx, {silent: flags.json})
      ctx = createContext(options)
    }

    const reports = await runChecks(checks, ctx, {silent: flags.json})
    const failed = reports.some((r) => r.status === 'fail')
    if (flags.json) {
      this.printJson(toJson(reports, env, fixes))
    } else {
      if (fixes && fixes.length === 0) this.log('No automatic repair was applied.')
      this.log(redactString(renderSummary(reports, env), env))
    }

    this.finish(failed ? 1 : 0)
  }
}
