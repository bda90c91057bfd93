/**
 * Output normalisation for `openshell`: strip ANSI codes, join miette's wrapped lines, read the meaningful lines of
 * an error report. Pure string functions; everything that parses or classifies `openshell` output goes through here.
 */
import stripAnsiCodes from 'strip-ansi'

/** miette glyphs: `×` (error), `├─▶` / `╰─▶` (cause), `│` (continuation). ASCII fallbacks: `x`, `|->`, `` `-> ``. */
const TOP_RE = /^(?:Error:)?\s*×\s?(.*)$/
const CAUSE_RE = /^\s*(?:├─▶|╰─▶|\|->|`->)\s?(.*)$/
const LAST_CAUSE_RE = /^\s*(?:╰─▶|`->)\s?/
const CONTINUATION_RE = /^\s*│(?: ?)(.*)$/
/** Continuation lines of the last cause are indented with six spaces and no glyph. */
const LAST_CAUSE_CONT_RE = /^ {6}(\S.*)$/
const STATUS_GLYPH_RE = /^\s*(?:[✓✔⚠!×✗✘]|Error:)\s*/

/** Remove ANSI escape codes and normalise line endings. */
export function stripAnsi(text: string): string {
  return stripAnsiCodes(text).replace(/\r\n?/g, '\n')
}

/**
 * Join a wrapped fragment onto the line before it. textwrap breaks at spaces (the space is dropped) and after
 * hyphens inside words (the hyphen stays at the end of the line), so `foo-` + `bar` joins without a space.
 */
function joinFragment(previous: string, fragment: string): string {
  const frag = fragment.trim()
  if (frag === '') return previous
  const prev = previous.replace(/\s+$/, '')
  if (/[A-Za-z0-9][-/]$/.test(prev) && /^[A-Za-z0-9._~]/.test(frag)) return prev + frag
  // A word longer than the width (a path) is broken mid-word: the line above is then exactly full.
  if (reportWidth(prev) >= MIETTE_WIDTH && /\/\S*$/.test(prev) && /^[A-Za-z0-9._~/-]/.test(frag)) return prev + frag
  return `${prev} ${frag}`
}

/** miette's report width when stderr is not a terminal (always the case for nemoclaw's captured runs): 78 columns,
 *  measured on the real 0.0.26 and 0.0.111 binaries (see docs/CONFORMANCE.md). */
const MIETTE_WIDTH = 78

/**
 * Columns a report line took in miette's layout. The `Error: ` in front of the first line is printed by the
 * program around the report, outside miette's width: 0.0.111 prints an unwrapped 84-column
 * `Error:   × code: 'Some requested entity was not found', message: "sandbox not found"`.
 */
function reportWidth(line: string): number {
  return [...line.replace(/^Error: /, '')].length
}

/**
 * Was `fragment` (the text of a `  │ ` line) put on its own line by miette's word wrap, rather than by a newline in
 * the message? miette (textwrap) breaks a line only when the next word does not fit in the width, so the line
 * above plus a space plus the fragment's first word must overflow it. A hyphen or slash at the end of the line
 * above with no space before the fragment (a path or word split by textwrap) also counts. Hint lines such as
 * `  │ Set one with: openshell gateway select <name>` follow short lines and are kept as lines of their own.
 */
function isWrap(previous: string, fragment: string): boolean {
  const frag = fragment.trim()
  if (frag === '') return false
  const prev = previous.replace(/\s+$/, '')
  const firstWord = frag.split(/\s/, 1)[0]
  if (reportWidth(prev) + 1 + [...firstWord].length > MIETTE_WIDTH) return true
  // A sentence cut mid-way (narrower output, or a hand-wrapped message): the line above does not end a sentence and
  // the fragment goes on in lower case. Hint lines start with a capital (`Set one with:`) or `hint:`.
  const prevText = prev.replace(/^\s*(?:Error:\s*×|×|├─▶|╰─▶|│)\s*/, '')
  if (prevText !== '' && !/[.:!?]$/.test(prevText) && /^[a-z]/.test(frag) && !/^hint:/.test(frag)) return true
  return /[A-Za-z0-9][-/]$/.test(prev) && /^[A-Za-z0-9._~]/.test(frag)
}

/**
 * Join miette's wrapped continuation lines (`  │ text`, and six-space-indented lines after a `╰─▶` cause) onto the
 * line they continue. Only lines inside a miette report are touched, so tables and YAML pass through unchanged.
 */
export function joinWrapped(text: string): string {
  const out: string[] = []
  let inReport = false
  let lastWasFinalCause = false
  for (const line of text.split('\n')) {
    if (TOP_RE.test(line) && /×/.test(line)) {
      out.push(line)
      inReport = true
      lastWasFinalCause = false
      continue
    }

    if (inReport && CAUSE_RE.test(line)) {
      out.push(line)
      lastWasFinalCause = LAST_CAUSE_RE.test(line)
      continue
    }

    const cont = CONTINUATION_RE.exec(line)
    if (inReport && cont && out.length > 0) {
      // A `│` line is either a wrap of the line above or a line of its own (a miette help/hint line, or a
      // message line after an explicit newline). Only a wrap is joined.
      if (isWrap(out[out.length - 1], cont[1])) out[out.length - 1] = joinFragment(out[out.length - 1], cont[1])
      else out.push(line)
      continue
    }

    const lastCont = LAST_CAUSE_CONT_RE.exec(line)
    if (inReport && lastWasFinalCause && lastCont && out.length > 0) {
      out[out.length - 1] = joinFragment(out[out.length - 1], lastCont[1])
      continue
    }

    if (line.trim() === '') {
      // A blank line ends the report's wrapping context.
      inReport = false
      lastWasFinalCause = false
    } else if (inReport && !/^\s/.test(line)) {
      inReport = false
      lastWasFinalCause = false
    }

    out.push(line)
  }

  return out.join('\n')
}

/** Strip ANSI and join miette wraps: the form in which RunResult carries stdout/stderr. */
export function normalise(text: string): string {
  return joinWrapped(stripAnsi(text))
}

/** Collapse all whitespace runs to single spaces (for phrase matching across former line breaks). */
export function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

/**
 * The meaningful error lines of a (normalised or raw) stderr, without glyphs, de-duplicated, in order:
 * `Error:   × top` → `top`, `├─▶ cause` → `cause`, `╰─▶ last` → `last`. When the text holds no miette report,
 * the non-empty lines are returned with status glyphs (`✓ ⚠ ! ×`) removed. At most `max` lines.
 */
export function errorLines(text: string, max = 8): string[] {
  const lines = normalise(text).split('\n')
  const found: string[] = []
  let sawReport = false
  for (const line of lines) {
    const top = /×/.test(line) ? TOP_RE.exec(line) : null
    if (top) {
      sawReport = true
      found.push(collapse(top[1]))
      continue
    }

    const cause = CAUSE_RE.exec(line)
    if (cause) {
      sawReport = true
      found.push(collapse(cause[1]))
    }
  }

  if (!sawReport) {
    for (const line of lines) {
      const cleaned = collapse(line.replace(STATUS_GLYPH_RE, ''))
      if (cleaned !== '') found.push(cleaned)
    }
  } else {
    // Lines outside the report that carry a status glyph (`! Failed to delete …`) or a hint are meaningful too.
    for (const line of lines) {
      if (/^\s*(?:[!⚠✗✘]\s|hint:)/.test(line)) found.push(collapse(line.replace(STATUS_GLYPH_RE, '')))
    }
  }

  const unique: string[] = []
  for (const l of found) {
    if (l !== '' && !unique.includes(l)) unique.push(l)
  }

  return unique.slice(0, max)
}
