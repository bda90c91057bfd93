/**
 * THE sandbox-name validator for the whole CLI. Every command that accepts or stores a sandbox name calls
 * `validateSandboxName`; no other regex for sandbox names may exist elsewhere.
 *
 * Rule (OpenShell's server rule plus one of our own): a lowercase RFC 1123 label of 1–19 characters
 * (`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`, the server rejects longer names with `name exceeds maximum length`), and not
 * the name of a nemoclaw command, so that `nemoclaw <sandbox> <action>` stays unambiguous.
 */

const SANDBOX_NAME_MAX_LENGTH = 19

const SANDBOX_NAME_RE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/

/**
 * The order sandboxes are listed in: by code unit. For the names the rule allows ([a-z0-9-]) that is the locale's
 * order too, without `localeCompare`, whose first call loads ICU's collator (several ms on every `status`).
 */
export function compareSandboxNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** nemoclaw's own command names (and oclif's built-ins). Commands may pass a longer list (e.g. with plugin ids). */
export const RESERVED_SANDBOX_NAMES: readonly string[] = Object.freeze([
  'onboard',
  'connect',
  'status',
  'list',
  'logs',
  'destroy',
  'recover',
  'doctor',
  'help',
  'plugins',
  'autocomplete',
  'version',
  'commands',
])

type NameCheck = {ok: true} | {ok: false; reason: string}

interface SandboxNameOptions {
  /** Words that may not be used as a sandbox name. Default RESERVED_SANDBOX_NAMES. */
  reserved?: Iterable<string>
}

const RULE = `use 1–${SANDBOX_NAME_MAX_LENGTH} lowercase letters, digits or '-', starting and ending with a letter or digit.`

/** Quote a user-supplied name for a message: control characters escaped, long input shortened. */
function showName(name: string): string {
  const chars = [...name]
  const short = chars.length > 40 ? chars.slice(0, 40).join('') + '…' : name
  // eslint-disable-next-line no-control-regex
  const escaped = short.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1))
  return `'${escaped}'`
}

export function validateSandboxName(name: unknown, options: SandboxNameOptions = {}): NameCheck {
  if (typeof name !== 'string' || name.length === 0) {
    return {ok: false, reason: `A sandbox name is required: ${RULE}`}
  }
  const length = [...name].length
  if (length > SANDBOX_NAME_MAX_LENGTH) {
    return {ok: false, reason: `Invalid sandbox name ${showName(name)}: it has ${length} characters; ${RULE}`}
  }
  if (!SANDBOX_NAME_RE.test(name)) {
    return {ok: false, reason: `Invalid sandbox name ${showName(name)}: ${RULE}`}
  }
  const reserved = new Set(options.reserved ?? RESERVED_SANDBOX_NAMES)
  if (reserved.has(name)) {
    return {ok: false, reason: `'${name}' is a nemoclaw command; choose another name.`}
  }
  return {ok: true}
}

/**
 * OpenShell gateway names become a directory name (`~/.config/openshell/gateways/<name>/`) and an argv value, so
 * they must be a single, ordinary path component: 1–63 characters of letters, digits, '.', '_' or '-', starting
 * with a letter or digit (which also rules out '.', '..' and anything that looks like a flag).
 */
const GATEWAY_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/

export function validateGatewayName(name: unknown): NameCheck {
  if (typeof name !== 'string' || name.length === 0) {
    return {ok: false, reason: 'A gateway name is required.'}
  }
  if (!GATEWAY_NAME_RE.test(name)) {
    return {
      ok: false,
      reason: `Invalid gateway name ${showName(name)}: use 1–63 letters, digits, '.', '_' or '-', starting with a letter or digit (no '/' or spaces).`,
    }
  }
  return {ok: true}
}
