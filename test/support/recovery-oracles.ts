// Test oracles for recovery: what a plan step is expected to run, and what counts as destructive. They describe
// nemoclaw from the outside; nothing in src/ uses them. test/unit/gateway/execute.test.ts checks them against
// what `executeStep` (gateway/execute.ts) really executes.
import type {RecoveryStep} from '../../src/lib/gateway/planner.js'

/** The external commands a step is expected to run (openshell argv, or systemctl argv prefixed with `systemctl`). */
export function argvOf(step: RecoveryStep): string[][] {
  switch (step.kind) {
    case 'select': {
      return [['gateway', 'select', step.gateway]]
    }

    case 'start': {
      return step.method === 'legacy'
        ? [['gateway', 'start', '--name', step.gateway]]
        : [['systemctl', '--user', 'start', 'openshell-gateway']]
    }

    case 'reimport-trust': {
      return step.method === 'legacy-start' ? [['gateway', 'start', '--name', step.gateway]] : []
    }

    case 'wait-healthy': {
      return [['-g', step.gateway, 'status']]
    }

    default: {
      return []
    }
  }
}

/** Any argv that would destroy or recreate a gateway, delete a sandbox, or remove containers/volumes. */
export function isDestructiveArgv(argv: string[]): boolean {
  const words = argv.filter((a) => a !== '-g' && !a.startsWith('--gateway'))
  const joined = ` ${words.join(' ')} `
  if (joined.includes(' gateway destroy ')) return true
  if (joined.includes(' gateway start ') && joined.includes(' --recreate')) return true
  if (joined.includes(' sandbox delete ')) return true
  // nemoclaw never de-registers a gateway: trust is re-imported by refreshing mtls/ files in place.
  if (joined.includes(' gateway remove ')) return true
  // `remove` is the long form of `rm` (`docker container remove`, `docker volume remove`); `system reset` wipes podman.
  if (/^\s*(\S*\/)?(docker|podman)\s/.test(joined) && /\s(rm|rmi|remove|kill|prune|down|reset)\s/.test(joined))
    return true
  return false
}
