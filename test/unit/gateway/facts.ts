// Builders for constructed gateway facts (shared by the gateway unit tests).
import {type ClassId, guidanceFor} from '../../../src/lib/gateway/classes.js'
import {type GatewayFacts, type GatewayHealth, classifyGateway, contextFor} from '../../../src/lib/gateway/health.js'
import {syntheticFailure} from '../../../src/lib/openshell/classify.js'
import {capabilitiesFor} from '../../../src/lib/openshell/version.js'
import type {Failure, FailureKind, GatewayStatus, Outcome, RunResult} from '../../../src/lib/openshell/types.js'

export const LEGACY_CAPS = capabilitiesFor('0.0.26')
export const MODERN_CAPS = capabilitiesFor('0.1.2')

export function run(argv: string[], over: Partial<RunResult> = {}): RunResult {
  return {argv, binary: '/usr/bin/openshell', durationMs: 5, exitCode: 0, signal: null, stderr: '', stdout: '', timedOut: false, ...over}
}

export function failure(kind: FailureKind, message: string, argv = ['-g', 'nemoclaw', 'status']): Failure {
  return syntheticFailure(kind, message, argv)
}

export function connected(over: Partial<Extract<GatewayStatus, {configured: true}>> = {}): Outcome<GatewayStatus> {
  return {
    ok: true,
    run: run(['-g', 'nemoclaw', 'status']),
    value: {authentication: {status: 'authenticated'}, configured: true, gateway: 'nemoclaw', server: 'https://127.0.0.1:17670', status: 'connected', version: '0.1.2', ...over},
  }
}

export function statusFailed(kind: FailureKind, message: string): Outcome<GatewayStatus> {
  return {failure: failure(kind, message), ok: false}
}

/** A registered, active, healthy modern gateway unless overridden. */
export function facts(over: Partial<GatewayFacts> = {}): GatewayFacts {
  return {
    activeOnDisk: 'nemoclaw',
    capabilities: MODERN_CAPS,
    certs: {ca: true, cert: true, key: true},
    endpoint: 'https://127.0.0.1:17670',
    gateway: 'nemoclaw',
    localBundle: true,
    registered: true,
    serviceUnit: true,
    status: connected(),
    ...over,
  }
}

export function health(over: Partial<GatewayFacts> = {}): GatewayHealth {
  return classifyGateway(facts(over))
}

/** A health forced to a class, with the facts of one combination (the planner reads the class, not the status). */
export function forced(classId: ClassId, f: GatewayFacts): GatewayHealth {
  const context = contextFor(f)
  return {answering: false, classId, context, evidence: [], facts: f, gateway: f.gateway, guidance: guidanceFor(classId, context)}
}

/** One combination of the facts the planner decides on. */
export interface Combo {
  generation: 'legacy' | 'modern'
  serviceUnit: boolean
  localBundle: boolean
  override: boolean
  notActive: boolean
}

export function combos(): Combo[] {
  const out: Combo[] = []
  for (const generation of ['legacy', 'modern'] as const)
    for (const serviceUnit of [true, false])
      for (const localBundle of [true, false])
        for (const override of [true, false])
          for (const notActive of [true, false]) out.push({generation, localBundle, notActive, override, serviceUnit})
  return out
}

export function factsOf(c: Combo): GatewayFacts {
  return facts({
    activeOnDisk: c.notActive ? 'openshell' : 'nemoclaw',
    capabilities: c.generation === 'legacy' ? LEGACY_CAPS : MODERN_CAPS,
    endpoint: c.generation === 'legacy' ? 'https://127.0.0.1:8080' : 'https://127.0.0.1:17670',
    envOverride: c.override ? {value: 'x', variable: 'OPENSHELL_GATEWAY'} : undefined,
    localBundle: c.localBundle,
    serviceUnit: c.serviceUnit,
  })
}
