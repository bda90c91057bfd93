import {Flags} from '@oclif/core'

import {NemoclawCommand} from '../lib/cli/base.js'
import {confirmDeletion, refuseUnconfirmable} from '../lib/cli/confirm.js'
import {openshell} from '../lib/cli/runtime.js'
import {
  DEFAULT_SOURCE,
  onboard,
  OnboardError,
  type OnboardFlags,
  type OnboardInput,
  type OnboardResult,
  POLICY_PRESETS,
  PROVIDER_IDS,
  resolveInput,
  validateInput,
} from '../lib/services/onboard/index.js'
import {DEFAULT_GATEWAY} from '../lib/reconcile/run.js'

export default class Onboard extends NemoclawCommand {
  static override summary = 'Create a sandbox, set up its inference and register it.'

  static override description = `A healthy gateway is reused untouched; a gateway that is down, rotated or not
selected gets only the safe recovery steps (select, start, re-import trust).
The inference route is one per gateway: a change that would reach another
sandbox is refused (exit 2) unless --set-inference is given. The gateway checks
the endpoint first (--no-verify skips it); one it cannot use fails the onboard
before the sandbox is created (exit 2).
Secrets come only from the environment: --credential-env names the variable.
In a terminal missing values are asked for; otherwise they must be flags.`

  static override examples = [
    {command: '<%= config.bin %> onboard', description: 'Interactive: asks for the name, provider and model.'},
    {
      command: 'NVIDIA_API_KEY=nvapi-… <%= config.bin %> onboard --name my-assistant --non-interactive',
      description: 'NVIDIA endpoints with the default model; the key is read from the environment.',
    },
    {
      command:
        '<%= config.bin %> onboard --name coder --provider openai --model gpt-5-mini --credential-env OPENAI_API_KEY --policy github --policy npm',
      description: 'OpenAI, with the github and npm network policy presets.',
    },
    {
      command:
        'MY_LLM_KEY=… <%= config.bin %> onboard --name custom --provider custom --model m --endpoint-url https://llm.example.com/v1 --credential-env MY_LLM_KEY',
      description:
        'Any OpenAI-compatible endpoint: the URL carries no key (a user:key@ or ?key= URL is refused); the key is read from MY_LLM_KEY.',
    },
    {
      command: '<%= config.bin %> onboard --name local --provider ollama --model llama3.1:8b --non-interactive',
      description: 'A local Ollama server (no credential).',
    },
    {
      command:
        'NVIDIA_API_KEY=nvapi-… <%= config.bin %> onboard --name my-assistant --recreate --yes --non-interactive',
      description: 'Delete the existing sandbox and create it again (--yes confirms the deletion; never the gateway).',
    },
    {
      command:
        '<%= config.bin %> onboard --name lab --provider vllm --endpoint-url http://gpu-box:8000/v1 --model my-model --no-verify --non-interactive',
      description: 'An endpoint that is not up yet: save the route without the gateway checking it.',
    },
    {
      command:
        '<%= config.bin %> onboard --name second --provider ollama --model qwen3:8b --set-inference --non-interactive',
      description:
        'Another model for a gateway that already has sandboxes: --set-inference moves the route for all of them.',
    },
  ]

  static override flags = {
    'credential-env': Flags.string({
      description:
        'NAME of the environment variable holding the API key (default per provider, e.g. NVIDIA_API_KEY; none for ollama, vllm and custom).',
    }),
    'endpoint-url': Flags.string({
      description:
        'Inference endpoint base URL (custom, ollama, vllm), without credentials, query string or fragment: the key goes in --credential-env. Plain http:// to another machine is warned about.',
    }),
    from: Flags.string({
      description: 'Sandbox source: a community sandbox name, Dockerfile, directory or image.',
      default: DEFAULT_SOURCE,
    }),
    gateway: Flags.string({char: 'g', default: DEFAULT_GATEWAY, description: 'OpenShell gateway name.'}),
    model: Flags.string({description: 'Model id (default per provider).'}),
    name: Flags.string({char: 'n', description: 'Sandbox name: 1-19 lowercase letters, digits or -.'}),
    'non-interactive': Flags.boolean({default: false, description: 'Never prompt; fail naming any missing flag.'}),
    policy: Flags.string({
      description: 'Network policy preset to apply (repeatable).',
      multiple: true,
      options: [...POLICY_PRESETS],
    }),
    provider: Flags.string({description: 'Inference provider.', options: PROVIDER_IDS}),
    recreate: Flags.boolean({
      default: false,
      description:
        'Delete and recreate the sandbox if it exists (never the gateway). Asks first in a terminal; needs --yes otherwise.',
    }),
    verify: Flags.boolean({
      allowNo: true,
      default: true,
      description:
        'Let the gateway check the inference endpoint before saving the route (OpenShell 0.0.111 does by default). --no-verify skips it (`inference set --no-verify`).',
    }),
    'set-inference': Flags.boolean({
      default: false,
      description:
        "Change the gateway's inference (route, or the provider's endpoint or credential) even though other sandboxes on the gateway use it: the route is per gateway, not per sandbox.",
    }),
    yes: Flags.boolean({
      char: 'y',
      default: false,
      description: 'Accept defaults without asking, and confirm the deletion --recreate makes.',
    }),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Onboard)
    try {
      const input = await resolveInput(flags)
      // Checked here too, so that a confirmation never quotes an invalid name.
      const warnings = validateInput(input, process.env)
      if (!flags.json) for (const w of warnings) process.stderr.write(`Warning: ${w}\n`)
      if (input.recreate && !(await this.confirmRecreate(input, flags))) {
        this.log('Nothing deleted.')
        return
      }

      this.render(await onboard(openshell(), input, {silent: flags.json}), warnings, flags.json)
    } catch (error) {
      if (error instanceof OnboardError)
        this.fail(error.message, {exit: error.exitCode, id: error.classId, json: flags.json})
      throw error
    }
  }

  /** Before any openshell call: --recreate deletes the sandbox if it exists, like `destroy` it needs a yes. */
  private async confirmRecreate(input: OnboardInput, flags: OnboardFlags): Promise<boolean> {
    const confirmation = {
      gateway: input.gateway,
      json: flags.json,
      nonInteractive: flags['non-interactive'],
      rerun: 'Run the same `nemoclaw onboard` command with --yes to confirm.',
      sandbox: input.name,
      then: ' and create it again',
      yes: flags.yes,
    }
    refuseUnconfirmable(this, confirmation)
    return confirmDeletion(confirmation)
  }

  private render(result: OnboardResult, warnings: string[], json: boolean): void {
    if (json) {
      this.printJson({
        schemaVersion: 1,
        ...(result.conflict ? {conflict: result.conflict} : {}),
        gatewayReused: result.gatewayReused,
        inference: result.inference ?? null,
        message: result.message,
        ok: result.ok,
        record: result.record ?? null,
        sandboxReused: result.sandboxReused,
        state: result.classId,
        warnings,
        ...(result.verification ? {verification: result.verification} : {}),
      })
    } else if (result.ok) {
      this.log(result.message)
    } else {
      process.stderr.write(`${result.message}\n`)
    }

    this.finish(result.exitCode)
  }
}
