// Output rendering that imitates the real CLI: miette reports, tonic status texts, clap usage errors, ANSI.

// ---------- miette ----------
function wrap(text, width) {
  const out = []
  for (const para of String(text).split('\n')) {
    let line = ''
    for (let word of para.split(' ')) {
      while (word.length > width) { // textwrap breaks over-long words
        if (line) { out.push(line); line = '' }
        out.push(word.slice(0, width)); word = word.slice(width)
      }
      if (!line) line = word
      else if (line.length + 1 + word.length <= width) line += ' ' + word
      else { out.push(line); line = word }
    }
    out.push(line)
  }
  return out
}
/** `Error:   × top` / `  ├─▶ cause` … `  ╰─▶ last`, wrapped at 80 columns. */
export function miette(top, causes = [], help) {
  const lines = []
  const t = wrap(top, 76)
  lines.push('Error:   × ' + t[0])
  for (const c of t.slice(1)) lines.push('  │ ' + c)
  causes.forEach((cause, i) => {
    const last = i === causes.length - 1
    const w = wrap(cause, 74)
    lines.push((last ? '  ╰─▶ ' : '  ├─▶ ') + w[0])
    for (const c of w.slice(1)) lines.push((last ? '      ' : '  │   ') + c)
  })
  if (help) { lines.push(''); for (const [i, h] of wrap(help, 72).entries()) lines.push((i ? '        ' : '  help: ') + h) }
  return lines.join('\n') + '\n'
}

// ---------- tonic Status Display ----------
const CODES = {
  NotFound: 'Some requested entity was not found',
  AlreadyExists: 'Some entity that we attempted to create already exists',
  PermissionDenied: 'The caller does not have permission to execute the specified operation',
  Unauthenticated: 'The request does not have valid authentication credentials',
  Unimplemented: 'Operation is not implemented or not supported',
  Unavailable: 'The service is currently unavailable',
  Internal: 'Internal error',
  FailedPrecondition: "The system is not in a state required for the operation's execution",
  InvalidArgument: 'Client specified an invalid argument',
}
export function tonic(code, message, caps) {
  if (caps.modernTonic) return `code: '${CODES[code]}', message: ${JSON.stringify(message)}`
  const date = new Date().toUTCString()
  return `status: ${code}, message: ${JSON.stringify(message)}, details: [], metadata: MetadataMap { headers: {"content-type": "application/grpc", "date": "${date}", "content-length": "0"} }`
}

// ---------- clap ----------
export function clapError(message, usage, extra = '') {
  return `error: ${message}\n${extra}\nUsage: ${usage}\n\nFor more information, try '--help'.\n`
}

// ---------- colour ----------
export function makeStyle(on) {
  const w = (code) => (s) => (on ? `\x1b[${code}m${s}\x1b[0m` : String(s))
  return {on, dim: w('2'), bold: w('1'), green: w('32'), red: w('31'), yellow: w('33'), cyan: w('36')}
}
/** 0.0.x: ANSI unconditionally. 0.1.x: --color, FORCE_COLOR, NO_COLOR, both streams TTY and TERM not dumb. */
export function colorEnabled(caps, colorFlag, env = process.env) {
  if (!caps.envelope) return true
  if (colorFlag === 'always') return true
  if (colorFlag === 'never') return false
  if (env.NO_COLOR) return false
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true
  return Boolean(process.stdout.isTTY && process.stderr.isTTY && env.TERM && env.TERM !== 'dumb')
}

// ---------- JSON / YAML ----------
function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys)
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]))
  return v
}
export function toJson(value, caps) { return JSON.stringify(caps.envelope ? sortKeys(value) : value, null, 2) + '\n' }
export function toYaml(value, indent = '') {
  const scalar = (v) => (v === null || v === undefined ? 'null' : typeof v === 'string' ? (v === '' || /[:#\-{}[\],&*?|<>=!%@`'"]|^\s|\s$|^(true|false|null|\d.*)$/.test(v) ? JSON.stringify(v) : v) : String(v))
  if (Array.isArray(value)) {
    if (value.length === 0) return indent + '[]\n'
    return value.map((item) => {
      if (item && typeof item === 'object' && !Array.isArray(item)) {
        const body = toYaml(item, indent + '  ')
        return indent + '- ' + body.slice(indent.length + 2)
      }
      return indent + '- ' + scalar(item) + '\n'
    }).join('')
  }
  if (value && typeof value === 'object') {
    const keys = Object.keys(value)
    if (keys.length === 0) return indent + '{}\n'
    return keys.map((k) => {
      const v = value[k]
      if (v && typeof v === 'object' && (Array.isArray(v) ? v.length : Object.keys(v).length)) return `${indent}${k}:\n` + toYaml(v, indent + '  ')
      if (v && typeof v === 'object') return `${indent}${k}: ${Array.isArray(v) ? '[]' : '{}'}\n`
      return `${indent}${k}: ${scalar(v)}\n`
    }).join('')
  }
  return indent + scalar(value) + '\n'
}

export function utcStamp(iso) {
  if (!iso) return '1970-01-01 00:00:00'
  return new Date(iso).toISOString().replace('T', ' ').slice(0, 19)
}
export function table(headers, rows, {lastUnpadded = true, minWidths = []} = {}) {
  const widths = headers.map((h, i) => Math.max(h.length, minWidths[i] || 0, ...rows.map((r) => String(r[i]).length)))
  const fmt = (cells) => cells.map((c, i) => (lastUnpadded && i === cells.length - 1 ? String(c) : String(c).padEnd(widths[i]))).join('  ').replace(/\s+$/, '')
  return [fmt(headers), ...rows.map(fmt)]
}
