// Output rendering that imitates the real CLI: miette reports, tonic status texts, clap usage errors, ANSI.

// ---------- miette ----------
// The real CLIs (0.0.26 and 0.0.111 alike) lay a report out in 78 columns: `  × ` / `  │ ` lines hold 74
// characters, cause lines (`  ├─▶ `) 72, `  help: ` lines 70; `Error: ` is printed in front, outside them.
const WIDTH = 78
/** Break opportunities inside a word, as textwrap's Unicode line breaking (UAX #14) finds them in our texts: after a
 *  `-` that follows a letter or digit, and after a `/`; never before a digit, a `/` or `-`, closing punctuation or a
 *  quote (real 0.0.26: `…/home2-` | `AbCdEf/.config/…`, `unix:///` | `aaa…`, `…/home/.config/` | `openshell/…`). */
function fragments(word) {
  const out = []
  let start = 0
  for (let i = 0; i < word.length - 1; i++) {
    const c = word[i],
      next = word[i + 1]
    const afterHyphen = c === '-' && i > 0 && /[A-Za-z0-9]/.test(word[i - 1])
    const afterSlash = c === '/'
    if ((afterHyphen || afterSlash) && !/[\d./\-,:;!?)\]}'"]/.test(next)) {
      out.push(word.slice(start, i + 1))
      start = i + 1
    }
  }
  out.push(word.slice(start))
  return out
}
/** textwrap's first-fit as miette uses it: words split at their break opportunities; a fragment longer than a whole
 *  line is cut at the width first; a paragraph's own indentation (`  Socket not found: …`) stays on its first line. */
function wrap(text, width) {
  const out = []
  for (const para of String(text).split('\n')) {
    const indent = /^ */.exec(para)[0]
    const words = para
      .slice(indent.length)
      .split(' ')
      .filter((w, i, a) => w !== '' || a.length === 1)
    let line = indent
    let fresh = true // nothing but the indentation on the line yet
    for (const word of words) {
      const pieces = fragments(word).flatMap((f) => {
        const cut = []
        for (let k = 0; k < f.length; k += width) cut.push(f.slice(k, k + width))
        return cut.length ? cut : ['']
      })
      pieces.forEach((piece, j) => {
        const sep = !fresh && j === 0 ? ' ' : ''
        if (!fresh && line.length + sep.length + piece.length > width) {
          out.push(line)
          line = piece
        } else line += sep + piece
        fresh = false
      })
    }
    out.push(line)
  }
  return out
}
/**
 * A miette report as the real CLIs print it: `Error:   × <top>`, then the message's further lines (hints such as
 * `Set one with: …`) as `  │ <line>`, then `  ├─▶ cause` … `  ╰─▶ last`, then miette's `  help: ` block; every
 * part wrapped, the report followed by one blank line. `hints` is a string or an array of message lines; `help` the
 * text of the `help:` block (its blank lines are printed as the block's indentation alone).
 */
export function miette(top, causes = [], hints, help) {
  const lines = []
  const extra = hints === undefined ? [] : Array.isArray(hints) ? hints : String(hints).split('\n')
  const msg = [top, ...extra]
  msg.forEach((m, i) => {
    const w = wrap(m, WIDTH - 4)
    w.forEach((l, j) =>
      lines.push(i === 0 && j === 0 ? 'Error:   × ' + l : ('  │ ' + l).replace(/\s+$/, m === '' ? ' ' : '')),
    )
  })
  causes.forEach((cause, i) => {
    const last = i === causes.length - 1
    const w = wrap(cause, WIDTH - 6)
    lines.push((last ? '  ╰─▶ ' : '  ├─▶ ') + w[0])
    for (const c of w.slice(1)) lines.push((last ? '      ' : '  │   ') + c)
  })
  if (help !== undefined) {
    wrap(help, WIDTH - 8).forEach((l, j) => lines.push((j === 0 ? '  help: ' : '        ') + l))
  }
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
/** fgReset: end a colour with `ESC[39m` (reset the foreground only), as owo-colors does in the real 0.0.111;
 *  bold/dim still end with `ESC[0m`. `head` (bold cyan titles) and `check` (bold green ✓) are the real CLI's. */
export function makeStyle(on, {fgReset = false} = {}) {
  const w =
    (code, end = '0') =>
    (s) =>
      on ? `\x1b[${code}m${s}\x1b[${end}m` : String(s)
  const fg = fgReset ? '39' : '0'
  const st = {
    on,
    dim: w('2'),
    bold: w('1'),
    green: w('32', fg),
    red: w('31', fg),
    yellow: w('33', fg),
    cyan: w('36', fg),
  }
  st.head = (s) => st.bold(st.cyan(s))
  st.check = () => st.bold(st.green('✓'))
  return st
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
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys(v[k])]),
    )
  return v
}
/** serde_json maps are ordered (BTreeMap): the real 0.0.111 and the 0.1.x reference print keys sorted. */
export function toJson(value, caps) {
  return JSON.stringify(caps.envelope || caps.calibrated ? sortKeys(value) : value, null, 2) + '\n'
}
export function toYaml(value, indent = '') {
  const scalar = (v) =>
    v === null || v === undefined
      ? 'null'
      : typeof v === 'string'
        ? v === '' || /[:#\-{}[\],&*?|<>=!%@`'"]|^\s|\s$|^(true|false|null|\d.*)$/.test(v)
          ? JSON.stringify(v)
          : v
        : String(v)
  if (Array.isArray(value)) {
    if (value.length === 0) return indent + '[]\n'
    return value
      .map((item) => {
        if (item && typeof item === 'object' && !Array.isArray(item)) {
          const body = toYaml(item, indent + '  ')
          return indent + '- ' + body.slice(indent.length + 2)
        }
        return indent + '- ' + scalar(item) + '\n'
      })
      .join('')
  }
  if (value && typeof value === 'object') {
    const keys = Object.keys(value)
    if (keys.length === 0) return indent + '{}\n'
    return keys
      .map((k) => {
        const v = value[k]
        if (v && typeof v === 'object' && (Array.isArray(v) ? v.length : Object.keys(v).length))
          return `${indent}${k}:\n` + toYaml(v, indent + '  ')
        if (v && typeof v === 'object') return `${indent}${k}: ${Array.isArray(v) ? '[]' : '{}'}\n`
        return `${indent}${k}: ${scalar(v)}\n`
      })
      .join('')
  }
  return indent + scalar(value) + '\n'
}

export function utcStamp(iso) {
  if (!iso) return '1970-01-01 00:00:00'
  return new Date(iso).toISOString().replace('T', ' ').slice(0, 19)
}
export function table(headers, rows, {lastUnpadded = true, minWidths = []} = {}) {
  const widths = headers.map((h, i) => Math.max(h.length, minWidths[i] || 0, ...rows.map((r) => String(r[i]).length)))
  const fmt = (cells) =>
    cells
      .map((c, i) => (lastUnpadded && i === cells.length - 1 ? String(c) : String(c).padEnd(widths[i])))
      .join('  ')
      .replace(/\s+$/, '')
  return [fmt(headers), ...rows.map(fmt)]
}
/**
 * A table as the real 0.0.111 prints it (`{:<w$}` per column): every header cell bold with its padding inside the
 * escape codes, the last column unpadded; `fixed` gives a column a fixed minimum (`{:<16}`); `colour[i](value)`
 * styles a data cell (the padding stays outside). Trailing spaces are kept (the real CLI keeps them).
 */
export function styledTable(headers, rows, style, {minWidths = [], colour = []} = {}) {
  const widths = headers.map((h, i) => Math.max(h.length, minWidths[i] || 0, ...rows.map((r) => String(r[i]).length)))
  const last = headers.length - 1
  const pad = (c, i) => (i === last ? String(c) : String(c).padEnd(widths[i]))
  const head = headers.map((h, i) => style.bold(pad(h, i))).join('  ')
  const body = rows.map((r) =>
    r
      .map((c, i) => {
        const padded = pad(c, i)
        return colour[i] ? colour[i](String(c)) + padded.slice(String(c).length) : padded
      })
      .join('  '),
  )
  return [head, ...body]
}
