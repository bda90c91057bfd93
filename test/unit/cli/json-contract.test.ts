// The shipped --json schemas (schemas/) and the validator that checks every --json output of the suite against them
// (test/support/json-contract.ts): the schemas are themselves valid draft 2020-12, and the validator really rejects
// what breaks the contract.
import {expect} from 'chai'

import {assertJsonContract, commandOf, createAjv, JSON_COMMANDS, loadSchemas} from '../../support/json-contract.js'

const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema'

const gateway = {
  inference: {model: 'meta/llama-3.1-8b-instruct', provider: 'nemoclaw-nvidia'},
  endpoint: 'https://127.0.0.1:8080',
  exitCode: 0,
  guidance: {diagnosis: "Gateway 'nemoclaw' is healthy.", steps: []},
  name: 'nemoclaw',
  openshellVersion: '0.0.26',
  state: 'ok',
  version: null,
  evidence: [{argv: ['status'], durationMs: 12, exitCode: 0, lines: ['Status: Connected'], timedOut: false}],
}
const sandbox = {
  exitCode: 0,
  gateway: 'nemoclaw',
  guidance: {diagnosis: "Sandbox 'alpha' is Ready.", steps: []},
  name: 'alpha',
  phase: 'Ready',
  state: 'ok',
}
const status = () => ({
  schemaVersion: 1,
  gateway,
  gateways: [gateway],
  notPruned: [],
  ok: true,
  pruned: [],
  sandboxes: [sandbox],
  state: 'ok',
})
const run = (doc: unknown, exitCode: number | null = 0) => ({exitCode, stdout: JSON.stringify(doc, null, 2) + '\n'})

describe('--json contract: the shipped schemas', () => {
  const schemas = loadSchemas()

  it('has a schema for every command with a --json form, the error document and the shared definitions', () => {
    expect(schemas.map((s) => s.file)).to.have.members(
      [...JSON_COMMANDS, 'error', 'defs'].map((c) => `${c}.schema.json`),
    )
  })

  it('each schema is a valid draft 2020-12 schema with an $id, and compiles in strict mode', () => {
    const ajv = createAjv() // strict: unknown keywords, missing types and undefined required properties throw
    for (const {file, schema} of schemas) {
      expect(schema.$schema, file).to.equal(DRAFT_2020_12)
      expect(schema.$id, file).to.equal(`https://nemoclaw.invalid/schemas/${file}`)
      expect(ajv.validateSchema(schema), `${file}: ${JSON.stringify(ajv.errors)}`).to.equal(true)
      expect(ajv.getSchema(schema.$id), file).to.be.a('function')
    }
  })

  it('every field is described', () => {
    const undescribed: string[] = []
    const walk = (node: unknown, at: string): void => {
      if (Array.isArray(node)) node.forEach((x, i) => walk(x, `${at}/${i}`))
      if (node === null || typeof node !== 'object') return
      for (const [key, value] of Object.entries(node)) {
        if (key === 'properties') {
          for (const [name, prop] of Object.entries(value as Record<string, any>)) {
            if (prop !== false && prop.description === undefined && prop.$ref === undefined)
              undescribed.push(`${at}/properties/${name}`)
          }
        }

        walk(value, `${at}/${key}`)
      }
    }

    for (const {file, schema} of schemas) walk(schema, file)
    expect(undescribed).to.deep.equal([])
  })
})

describe('--json contract: the validator', () => {
  it('accepts a well-formed status document with its exit code', () => {
    expect(() => assertJsonContract(['status', '--json'], run(status()))).not.to.throw()
  })

  it('rejects a document without schemaVersion, with an unknown field, or with a value outside its enum', () => {
    const {schemaVersion: _, ...noVersion} = status()
    expect(() => assertJsonContract(['status', '--json'], run(noVersion))).to.throw(
      /schemas\/status\.schema\.json[\s\S]*schemaVersion/,
    )
    expect(() => assertJsonContract(['status', '--json'], run({...status(), extra: true}))).to.throw(
      /additional properties[\s\S]*extra/,
    )
    expect(() =>
      assertJsonContract(['status', '--json'], run({...status(), sandboxes: [{...sandbox, state: 'fine'}]})),
    ).to.throw(/\/sandboxes\/0\/state/)
    expect(() => assertJsonContract(['status', '--json'], run({...status(), schemaVersion: 2}))).to.throw(
      /schemaVersion/,
    )
  })

  it('rejects a status gateway without its inference route, and a recover gateway with one', () => {
    const {inference: _, ...bare} = gateway
    expect(() => assertJsonContract(['status', '--json'], run({...status(), gateways: [bare]}))).to.throw(
      /\/gateways\/0.*inference/,
    )
    const recover = {schemaVersion: 1, gateways: [gateway], ok: true, recovery: [], sandboxes: [sandbox], state: 'ok'}
    expect(() => assertJsonContract(['recover', '--json'], run(recover))).to.throw(/\/gateways\/0\/inference/)
    expect(() => assertJsonContract(['recover', '--json'], run({...recover, gateways: [bare]}))).not.to.throw()
  })

  it('checks the exit code a document stands for', () => {
    expect(() => assertJsonContract(['status', '--json'], run(status(), 21))).to.throw(/stands for exit 0/)
    const unreachable = {...status(), ok: false, state: 'gateway_unreachable'}
    expect(() => assertJsonContract(['status', '--json'], run(unreachable, 21))).not.to.throw()
    const error = {
      schemaVersion: 1,
      error: {id: 'not_registered', message: "No sandbox 'x' is registered with nemoclaw."},
    }
    expect(() => assertJsonContract(['status', 'x', '--json'], run(error, 2))).not.to.throw()
    expect(() => assertJsonContract(['status', 'x', '--json'], run(error, 0))).to.throw(/exited 0/)
    expect(() =>
      assertJsonContract(['logs', 'x', '--json'], run({...error, error: {id: 'gateway_unreachable', message: 'm'}}, 1)),
    ).to.throw(/stands for exit 21/)
  })

  it('validates an error document against the error schema, whatever the command', () => {
    const error = {schemaVersion: 1, error: {id: 'usage_error', message: 'Nonexistent flag: --bogus'}}
    for (const command of JSON_COMMANDS)
      expect(() => assertJsonContract([command, '--bogus', '--json'], run(error, 2)), command).not.to.throw()
    expect(() =>
      assertJsonContract(['list', '--json'], run({...error, error: {...error.error, hint: 'x'}}, 2)),
    ).to.throw(/error\.schema\.json/)
    expect(() =>
      assertJsonContract(['list', '--json'], run({...error, error: {id: 'made_up', message: 'm'}}, 2)),
    ).to.throw(/error\.schema\.json[\s\S]*\/error\/id/)
  })

  it('picks the command the way bin/run.js routes NemoClaw-style argv (`nemoclaw <sandbox> <action>`)', () => {
    expect(commandOf(['status', 'alpha', '--json'])).to.equal('status')
    expect(commandOf(['alpha', 'status', '--json'])).to.equal('status')
    expect(commandOf(['alpha', 'connect', '--json'])).to.equal('connect')
    expect(commandOf(['list', 'status'])).to.equal('list')
    expect(() => assertJsonContract(['alpha', 'status', '--json'], run(status()))).not.to.throw()
    expect(() => assertJsonContract(['alpha', 'connect', '--json'], run(status()))).to.throw(/connect\.schema\.json/)
  })

  it("leaves alone output that is not a JSON document and commands that are not nemoclaw's own", () => {
    expect(() => assertJsonContract(['status'], {exitCode: 0, stdout: "Gateway 'nemoclaw': ok\n"})).not.to.throw()
    expect(() => assertJsonContract(['hello', 'world', '--json'], run({greeting: 'hello, world'}))).not.to.throw()
  })
})
