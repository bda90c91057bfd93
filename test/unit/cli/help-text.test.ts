// oclif's conventions for a help text a person reads once: every command has a one-line summary (the root help's
// list) and a short description; detail belongs in examples and the README.
import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'

import {ROOT} from '../../support/cli.js'

const DIR = path.join(ROOT, 'src', 'commands')
const commands = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.replace(/\.ts$/, ''))
  .sort()

describe('help text: summary and description of every command', () => {
  it('finds the commands', () => {
    expect(commands).to.include.members([
      'connect',
      'destroy',
      'doctor',
      'list',
      'logs',
      'onboard',
      'recover',
      'status',
    ])
  })

  for (const id of commands) {
    it(`${id}: a one-line summary under 80 characters and a short description`, async () => {
      const C = (await import(path.join(DIR, `${id}.ts`))).default as {
        summary?: string
        description?: string
        examples?: unknown[]
      }
      expect(C.summary, 'summary')
        .to.be.a('string')
        .and.match(/^\S.*\S$/)
      expect(C.summary!.includes('\n'), 'summary is one line').to.equal(false)
      expect(C.summary!.length, C.summary).to.be.below(80)
      expect(C.description, 'description').to.be.a('string')
      const lines = C.description!.split('\n')
      expect(lines.length, 'description lines').to.be.at.most(10)
      for (const line of lines) expect(line.length, line).to.be.below(80)
      expect((C.examples ?? []).length, 'examples').to.be.above(0)
    })
  }
})
