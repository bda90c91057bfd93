// The --json contract, checked on every run of the built CLI in the suite (test/support/cli.ts calls
// `contractChecked` where a run resolves; test/doctor/helpers.ts calls `assertJsonContract`): a JSON document on
// stdout must validate against the shipped schema of its command (schemas/<command>.schema.json), or against
// schemas/error.schema.json when it is the error document; and the exit code must be the one the document stands
// for (the class's code, the error id's code, doctor's 0/1).
//
// Set NEMOCLAW_JSON_CONTRACT_LOG=<file> to append one line per run (`<schema>\t<command>\t<args>`, `-` as schema when
// nothing was validated) — how a run counts the outputs it validated.
import {appendFileSync, readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {Ajv2020, type ValidateFunction} from 'ajv/dist/2020.js'
import formatsPlugin from 'ajv-formats'

import {SANDBOX_ACTIONS} from '../../src/lib/cli/argv.js'
import {CLASS_IDS, type ClassId, EXIT_CODES} from '../../src/lib/gateway/classes.js'

export const SCHEMA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'schemas')

/** nemoclaw's own commands with a --json form, each with schemas/<command>.schema.json. */
export const JSON_COMMANDS = ['connect', 'destroy', 'doctor', 'list', 'logs', 'onboard', 'recover', 'status'] as const
export type JsonCommand = (typeof JSON_COMMANDS)[number]

/** Exit codes of the error ids that are not lifecycle classes (a class id exits with the class's code). */
export const ERROR_EXIT_CODES: Record<string, number> = {
  busy: 4,
  confirmation_required: 2,
  connect_failed: 1,
  delete_failed: 1,
  invalid_input: 2,
  invalid_name: 2,
  logs_failed: 1,
  missing_flag: 2,
  no_sandbox: 2,
  not_registered: 2,
  reconcile_failed: 1,
  record_not_removed: 1,
  registry_unreadable: 3,
  registry_unwritable: 1,
  unknown_check: 2,
  usage_error: 2,
}

const ONBOARD_REFUSALS = new Set(['inference_in_use', 'inference_unverified', 'provider_conflict'])

/** Every schema file in schemas/, parsed. */
export function loadSchemas(
  dir = SCHEMA_DIR,
): Array<{file: string; schema: {$id: string; $schema: string} & Record<string, unknown>}> {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.schema.json'))
    .sort()
    .map((file) => ({file, schema: JSON.parse(readFileSync(path.join(dir, file), 'utf8'))}))
}

/** A strict draft 2020-12 validator with every shipped schema added (they reference defs.schema.json). */
export function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({allErrors: true, strict: true})
  formatsPlugin.default(ajv)
  for (const {schema} of loadSchemas()) ajv.addSchema(schema)
  return ajv
}

let validators: Map<string, ValidateFunction> | undefined
function validatorFor(name: JsonCommand | 'error'): ValidateFunction {
  if (!validators) {
    const ajv = createAjv()
    validators = new Map()
    for (const {file, schema} of loadSchemas())
      validators.set(file.replace(/\.schema\.json$/, ''), ajv.getSchema(schema.$id)!)
  }

  return validators.get(name)!
}

/**
 * The command an argv runs: its first word, or — NemoClaw's `nemoclaw <sandbox> <action>` order, which bin/run.js
 * rewrites (src/lib/cli/argv.ts) — the second when the first is not a command and the second is a sandbox action.
 */
export function commandOf(args: string[]): string | undefined {
  const [first, second] = args
  if (
    first !== undefined &&
    !(JSON_COMMANDS as readonly string[]).includes(first) &&
    second !== undefined &&
    SANDBOX_ACTIONS.has(second)
  )
    return second
  return first
}

function parseDocument(stdout: string): unknown {
  if (!stdout.trim().startsWith('{')) return undefined
  try {
    return JSON.parse(stdout)
  } catch {
    return undefined
  }
}

/** The exit code a document stands for; undefined when the document does not decide it. */
function expectedExit(command: string, doc: any): number | undefined {
  if (doc.error !== undefined) {
    const id = doc.error.id as string
    return (CLASS_IDS as readonly string[]).includes(id) ? EXIT_CODES[id as ClassId] : ERROR_EXIT_CODES[id]
  }

  switch (command) {
    case 'status':
    case 'recover': {
      return EXIT_CODES[doc.state as ClassId]
    }

    case 'connect': {
      return doc.sandbox.exitCode
    }

    case 'doctor': {
      return doc.ok ? 0 : 1
    }

    case 'onboard': {
      return ONBOARD_REFUSALS.has(doc.state) ? 2 : EXIT_CODES[doc.state as ClassId]
    }

    case 'destroy':
    case 'list': {
      return 0
    }

    default: {
      return undefined // logs: openshell's own exit code
    }
  }
}

function record(schema: string, command: string | undefined, args: string[]): void {
  const log = process.env.NEMOCLAW_JSON_CONTRACT_LOG
  if (log) appendFileSync(log, `${schema}\t${command ?? ''}\t${JSON.stringify(args)}\n`)
}

/**
 * Throws when stdout holds a JSON document that breaks the contract: it does not validate against its command's
 * schema (or the error schema, for `{error}`), or the exit code is not the one it stands for. Output that is not a
 * JSON document, and documents of commands that are not nemoclaw's own (plugins), are left alone.
 */
export function assertJsonContract(args: string[], result: {stdout: string; exitCode: number | null}): void {
  const command = commandOf(args)
  const doc = parseDocument(result.stdout) as any
  if (doc === undefined || !(JSON_COMMANDS as readonly string[]).includes(command!)) {
    record('-', command, args)
    return
  }

  const schema = doc !== null && typeof doc === 'object' && 'error' in doc ? 'error' : (command as JsonCommand)
  const validate = validatorFor(schema)
  const where = `\`nemoclaw ${args.join(' ')}\` (exit ${result.exitCode})`
  if (!validate(doc)) {
    const errors = (validate.errors ?? []).map(
      (e) => `  ${e.instancePath || '(root)'} ${e.message}${e.params ? ' ' + JSON.stringify(e.params) : ''}`,
    )
    throw new Error(
      `--json output of ${where} does not match schemas/${schema}.schema.json:\n${errors.join('\n')}\n${result.stdout}`,
    )
  }

  if (schema === 'error' && result.exitCode === 0)
    throw new Error(`${where} printed the JSON error document but exited 0:\n${result.stdout}`)
  const exit = expectedExit(command!, doc)
  if (exit !== undefined && result.exitCode !== null && result.exitCode !== exit) {
    throw new Error(`${where}: its --json document stands for exit ${exit}:\n${result.stdout}`)
  }

  record(schema, command, args)
}

/** For a run's resolve(): the result, or a rejection when it breaks the --json contract. */
export async function contractChecked<R extends {stdout: string; exitCode: number | null}>(
  args: string[],
  result: R,
): Promise<R> {
  assertJsonContract(args, result)
  return result
}
