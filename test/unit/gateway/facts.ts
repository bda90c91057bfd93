// Builders for constructed gateway facts (shared by the gateway unit tests).
import {type GatewayFacts, type GatewayHealth, classifyGateway} from '../../../src/lib/gateway/health.js'
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
