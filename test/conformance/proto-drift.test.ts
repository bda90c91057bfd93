// The stub gateway's authored .proto subsets must match the descriptors the real openshell wheels ship
// (openshell/_proto/*_pb2.py, dumped with the wheel's protobuf runtime). Any drift in a message/field name,
// number, type or label, an enum value, or an RPC signature the stub uses fails here.
import * as protoLoader from '@grpc/proto-loader'
import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {installedReleases, type RealEntry, skipOrFail} from '../support/real-openshell.js'

const stubDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'support', 'stub-gateway')

interface Dump {
  messages: Record<string, {fields: Record<string, {number: number; type: string; type_name: string; label: string}>}>
  enums: Record<string, Record<string, number>>
  services: Record<string, Record<string, {input: string; output: string; server_streaming: boolean}>>
}

function dump(entry: RealEntry): Dump {
  const out = execFileSync(entry.python, [join(stubDir, 'dump-descriptors.py'), entry.proto_dir], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  })
  return JSON.parse(out) as Dump
}

function loadStub(wireDir: string): protoLoader.PackageDefinition {
  return protoLoader.loadSync(['openshell.proto', 'inference.proto'], {
    includeDirs: [join(stubDir, 'proto', wireDir)],
    keepCase: true,
  })
}

const lc = (s: string, prefix: string) => s.replace(prefix, '').toLowerCase()

/** Fully qualified name of an RPC's request/response type (proto-loader only keeps the short name on the method). */
function fullName(def: protoLoader.PackageDefinition, t: {type: {name: string}}): string {
  const same = Object.entries(def)
    .filter(
      ([k, v]) =>
        k.endsWith('.' + t.type.name) && JSON.stringify((v as {type?: unknown}).type) === JSON.stringify(t.type),
    )
    .map(([k]) => k)
  return same.length === 1 ? same[0] : `<ambiguous ${t.type.name}: ${same.join(', ')}>`
}

// wire dir -> release whose wheel descriptors are authoritative
const PAIRS: Array<{wire: string; version: string}> = [
  {wire: 'v0_1', version: '0.1.5'},
  {wire: 'v0_0', version: '0.0.111'},
  {wire: 'v0_0_legacy', version: '0.0.26'},
]

describe('conformance: stub proto vs descriptors shipped in the openshell wheels', function () {
  this.timeout(60_000)
  const {releases, reason} = installedReleases()

  for (const {wire, version} of PAIRS) {
    describe(`stub wire ${wire} vs openshell ${version}`, function () {
      let real: Dump
      let stub: protoLoader.PackageDefinition
      before(function () {
        const entry = releases.find((r) => r.version === version)
        if (!entry) {
          skipOrFail(this, `openshell ${version} descriptors not installed: ${reason ?? 'not in versions.json'}`)
        }
        real = dump(entry!)
        stub = loadStub(wire)
      })

      it('every message and field the stub defines matches name, number, type, type name and label', function () {
        const problems: string[] = []
        let checked = 0
        for (const [name, def] of Object.entries(stub)) {
          const d = def as any
          if (d.format !== 'Protocol Buffer 3 DescriptorProto' || name.startsWith('google.protobuf.')) continue
          const r = real.messages[name]
          if (!r) {
            if (
              name.startsWith('openshell.inference.') &&
              !Object.keys(real.messages).some((m) => m.startsWith('openshell.inference.'))
            )
              continue
            problems.push(`message ${name}: not in ${version}`)
            continue
          }
          for (const f of d.type.field as Array<{
            name: string
            number: number
            type: string
            typeName: string
            label: string
          }>) {
            checked++
            const rf = r.fields[f.name]
            if (!rf) {
              problems.push(`${name}.${f.name}: field not in ${version}`)
              continue
            }
            // protobufjs keeps type names as written (relative) and names map entries `Labels` for `LabelsEntry`
            const camel = (x: string) =>
              x.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()).replace(/^[a-z]/, (c) => c.toUpperCase())
            const written = f.typeName.replace(/^\./, '')
            const sameType =
              !written ||
              [written, camel(written)].some(
                (w) => rf.type_name === w || rf.type_name.endsWith('.' + w) || rf.type_name.endsWith('.' + w + 'Entry'),
              )
            const mine = {
              number: f.number,
              type: lc(f.type, 'TYPE_'),
              type_name: sameType ? rf.type_name : written,
              label: lc(f.label, 'LABEL_'),
            }
            const theirs = {number: rf.number, type: rf.type, type_name: rf.type_name, label: rf.label}
            if (JSON.stringify(mine) !== JSON.stringify(theirs))
              problems.push(`${name}.${f.name}: stub ${JSON.stringify(mine)} != ${version} ${JSON.stringify(theirs)}`)
          }
        }
        expect(problems, problems.join('\n')).to.deep.equal([])
        expect(checked).to.be.greaterThan(40)
      })

      it('every enum value the stub defines matches', function () {
        const problems: string[] = []
        for (const [name, def] of Object.entries(stub)) {
          const d = def as any
          if (d.format !== 'Protocol Buffer 3 EnumDescriptorProto') continue
          const r = real.enums[name]
          if (!r) {
            problems.push(`enum ${name}: not in ${version}`)
            continue
          }
          for (const v of d.type.value as Array<{name: string; number: number}>) {
            if (r[v.name] !== v.number) problems.push(`${name}.${v.name} = ${v.number}, ${version} has ${r[v.name]}`)
          }
        }
        expect(problems, problems.join('\n')).to.deep.equal([])
      })

      it('every RPC the stub serves exists with the same request/response types and streaming', function () {
        const problems: string[] = []
        for (const svcName of ['openshell.v1.OpenShell', 'openshell.inference.v1.Inference']) {
          const svc = stub[svcName] as Record<string, any>
          const r = real.services[svcName]
          if (!r) {
            if (svcName.includes('inference')) {
              console.log(`      NOTE: ${version} ships no ${svcName} descriptor; stub inference.proto unverified`)
              continue
            }
            problems.push(`service ${svcName} missing in ${version}`)
            continue
          }
          for (const [method, m] of Object.entries(svc)) {
            const rm = r[method]
            if (!rm) {
              problems.push(`${svcName}/${method}: not in ${version}`)
              continue
            }
            if (m.path !== `/${svcName}/${method}`) problems.push(`${svcName}/${method}: path ${m.path}`)
            if (Boolean(m.responseStream) !== rm.server_streaming)
              problems.push(`${svcName}/${method}: streaming differs`)
            const input = fullName(stub, m.requestType)
            const output = fullName(stub, m.responseType)
            if (input !== rm.input) problems.push(`${svcName}/${method}: input ${input} != ${rm.input}`)
            if (output !== rm.output) problems.push(`${svcName}/${method}: output ${output} != ${rm.output}`)
          }
        }
        expect(problems, problems.join('\n')).to.deep.equal([])
      })
    })
  }
})
