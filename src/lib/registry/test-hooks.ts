/**
 * TEST HOOKS of the registry: settings only the test suite sets, so the data-safety and concurrency tests can catch
 * a writer in the middle of a write (kill -9, Ctrl-C, a second writer). Nothing here is documented for users, and
 * nemoclaw behaves the same without them. The only place src/ reads a NEMOCLAW_TEST_* variable.
 */
import {positiveNumberEnv} from '../env.js'

/** NEMOCLAW_TEST_WRITE_DELAY_MS: pause this long after half of the temp file is written (0: no pause). */
export function writeDelayMs(env: NodeJS.ProcessEnv): number {
  return positiveNumberEnv(env, 'NEMOCLAW_TEST_WRITE_DELAY_MS') ?? 0
}
