// Output rendering that imitates the real CLI: miette reports, tonic status texts, clap usage errors, ANSI.

// ---------- miette ----------
const WIDTH = 80
/** textwrap as miette uses it: break at spaces; a word too long for the line is split after a hyphen that fits,
 *  else cut at the width. `first` / `rest` are the text widths of the first and the following lines. */
function wrap(text, first, rest = first) {
  const out = []
  for (const para of String(text).split('\n')) {
    // a paragraph's own indentation (`      or use a different name`) is kept on its first line
    const indent = /^ */.exec(para)[0]
    let line = indent
    const room = () => (out.length === 0 ? first : rest) - line.length - (line.trim() ? 1 : 0)
    for (let word of para.slice(indent.length).split(' ')) {
      while (word.length > room()) {
        if (line.trim() && word.length <= (out.length === 0 ? first : rest)) { out.push(line); line = ''; continue }
        const fit = room()
        const hy = word.lastIndexOf('-', fit - 1)
        // no hyphen that fits: a word too long for any line starts a line of its own and is cut at the width
        const cut = hy > 0 ? hy + 1 : line.trim() ? 0 : fit
        if (cut <= 0) { out.push(line); line = ''; continue }
        line = line.trim() ? `${line} ${word.slice(0, cut)}` : line + word.slice(0, cut)
        out.push(line); line = ''
        word = word.slice(cut)
      }
      if (!line.trim()) line += word
      else line += ' ' + word
    }
    out.push(line)
  }
  return out
}
/**
 * A miette report as openshell 0.0.111 prints it: `Error:   × <top>`, then the message's further lines (hints such
 * as `Set one with: …`) as `  │ <line>`, then `  ├─▶ cause` … `  ╰─▶ last`; everything wrapped at 80 columns and the
 * report followed by one blank line. `help` is a string or an array of message lines (the hints).
 */
export function miette(top, causes = [], help) {
  const lines = []
  const hints = help === undefined ? [] : Array.isArray(help) ? help : String(help).split('\n')
  const msg = [top, ...hints]
  msg.forEach((m, i) => {
    // `Error: ` is printed around the report, outside miette's 80 columns: `  × ` and `  │ ` take 4
    const w = wrap(m, WIDTH - 4)
    w.forEach((l, j) => lines.push(i === 0 && j === 0 ? 'Error:   × ' + l : ('  │ ' + l).replace(/\s+$/, m === '' ? ' ' : '')))
  })
  causes.forEach((cause, i) => {
    const last = i === causes.length - 1
    const w = wrap(cause, WIDTH - 6)
    lines.push((last ? '  ╰─▶ ' : '  ├─▶ ') + w[0])
    for (const c of w.slice(1)) lines.push((last ? '      ' : '  │   ') + c)
  })
  return lines.join('\n') + '\n\n'
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
