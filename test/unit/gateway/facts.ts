// Builders for constructed gateway facts (shared by the gateway unit tests).
import {type ClassId, guidanceFor} from '../../../src/lib/gateway/classes.js'
import {type GatewayFacts, type GatewayHealth, classifyGateway, contextFor} from '../../../src/lib/gateway/health.js'
import {syntheticFailure} from '../../../src/lib/openshell/classify.js'
import {capabilitiesFor} from '../../../src/lib/openshell/version.js'
import type {Failure, FailureKind, GatewayStatus, Outcome, RunResult} from '../../../src/lib/openshell/types.js'

export const LEGACY_CAPS = capabilitiesFor('0.0.26')
export const MODERN_CAPS = capabilitiesFor('0.1.2')

export function run(argv: string[], over: Partial<RunResult> = {}): RunResult {
  return {
    argv,
    binary: '/usr/bin/openshell',
    durationMs: 5,
    exitCode: 0,
    signal: null,
    stderr: '',
    stdout: '',
    timedOut: false,
    ...over,
  }
}

export function failure(kind: FailureKind, message: string, argv = ['-g', 'nemoclaw', 'status']): Failure {
  return syntheticFailure(kind, message, argv)
}

export function connected(over: Partial<Extract<GatewayStatus, {configured: true}>> = {}): Outcome<GatewayStatus> {
  return {
    ok: true,
    run: run(['-g', 'nemoclaw', 'status']),
    value: {
      authentication: {status: 'authenticated'},
      configured: true,
      gateway: 'nemoclaw',
      server: 'https://127.0.0.1:17670',
      status: 'connected',
      version: '0.1.2',
      ...over,
    },
  }
}

export function statusFailed(kind: FailureKind, message: string): Outcome<GatewayStatus> {
  return {failure: failure(kind, message), ok: false}
}

/** A registered, active, healthy modern gateway unless overridden. */
export function facts(over: Partial<GatewayFacts> = {}): GatewayFacts {
  return {
    activeOnDisk: 'nemoclaw',
    authMode: 'mtls',
    capabilities: MODERN_CAPS,
    certs: {ca: true, cert: true, key: true},
    endpoint: 'https://127.0.0.1:17670',
    gateway: 'nemoclaw',
    isRemote: false,
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
  return {
    answering: false,
    classId,
    context,
    evidence: [],
    facts: f,
    gateway: f.gateway,
    guidance: guidanceFor(classId, context),
  }
}

/** One combination of the facts the planner decides on. */
export interface Combo {
  generation: 'legacy' | 'modern'
  serviceUnit: boolean
  localBundle: boolean
  override: boolean
  notActive: boolean
  /** The gateway's metadata: this machine's own gateway, another local port, remote mTLS, cloud, plain http. */
  where: 'cloud' | 'local' | 'local-other' | 'plaintext' | 'remote'
}

export const WHERE = ['local', 'local-other', 'remote', 'cloud', 'plaintext'] as const

export function combos(): Combo[] {
  const out: Combo[] = []
  for (const generation of ['legacy', 'modern'] as const)
    for (const serviceUnit of [true, false])
      for (const localBundle of [true, false])
        for (const override of [true, false])
          for (const notActive of [true, false])
            for (const where of WHERE) out.push({generation, localBundle, notActive, override, serviceUnit, where})
  return out
}

const PORT = {legacy: 8080, modern: 17670}
const METADATA: Record<Combo['where'], (port: number) => Pick<GatewayFacts, 'authMode' | 'endpoint' | 'isRemote'>> = {
  cloud: () => ({authMode: 'cloudflare_jwt', endpoint: 'https://gw.example.com', isRemote: true}),
  local: (port) => ({authMode: 'mtls', endpoint: `https://127.0.0.1:${port}`, isRemote: false}),
  'local-other': (port) => ({authMode: 'mtls', endpoint: `https://127.0.0.1:${port + 1}`, isRemote: false}),
  plaintext: (port) => ({authMode: 'plaintext', endpoint: `http://10.1.2.3:${port}`, isRemote: false}),
  remote: (port) => ({authMode: 'mtls', endpoint: `https://gw.example.com:${port}`, isRemote: true}),
}

export function factsOf(c: Combo): GatewayFacts {
  return facts({
    ...METADATA[c.where](PORT[c.generation]),
    activeOnDisk: c.notActive ? 'openshell' : 'nemoclaw',
    capabilities: c.generation === 'legacy' ? LEGACY_CAPS : MODERN_CAPS,
    envOverride: c.override ? {value: 'x', variable: 'OPENSHELL_GATEWAY'} : undefined,
    localBundle: c.localBundle,
    serviceUnit: c.serviceUnit,
  })
}

/** nemoclaw may start and re-trust it: the local gateway service, or (legacy) any local gateway by name. */
export function ownGateway(c: Combo): boolean {
  return c.where === 'local' || (c.where === 'local-other' && c.generation === 'legacy')
}
