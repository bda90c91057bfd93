/** The built-in checks, in report order. */
import type {DoctorContext} from '../context.js'
import type {Check} from '../types.js'
import {containerCheck} from './container.js'
import {gatewayCheck} from './gateway.js'
import {inferenceCheck} from './inference.js'
import {openshellCheck} from './openshell.js'
import {orphansCheck} from './orphans.js'
import {registryCheck} from './registry.js'
import {runtimeCheck} from './runtime.js'
import {sandboxesCheck} from './sandboxes.js'

export const BUILTIN_CHECKS: Array<Check<DoctorContext>> = [
  runtimeCheck,
  openshellCheck,
  containerCheck,
  gatewayCheck,
  registryCheck,
  sandboxesCheck,
  orphansCheck,
  inferenceCheck,
]
