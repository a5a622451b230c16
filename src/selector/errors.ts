/**
 * The one error type selector parsing throws, with enough position information for a person (or
 * an editor) to point at the problem.
 */

/** Thrown (or returned by `validateSelector`) for any text that is not a valid Calico selector. */
export class SelectorSyntaxError extends Error {
  /** Always `"SelectorSyntaxError"`. */
  override readonly name = "SelectorSyntaxError";
  /** The selector text as given. */
  readonly selector: string;
  /** What is wrong, without position or excerpt (e.g. `unterminated string`). */
  readonly reason: string;
  /** Zero-based UTF-16 offset of the problem in `selector`. */
  readonly offset: number;
  /** One-based line of `offset` (selectors are one line unless a string literal holds a newline). */
  readonly line: number;
  /** One-based column of `offset` within its line. */
  readonly column: number;
  /** What would have been accepted at `offset` (e.g. `'=='`, `label`); empty when not meaningful. */
  readonly expected: readonly string[];

  constructor(selector: string, reason: string, offset: number, expected: readonly string[] = []) {
    const at = Math.max(0, Math.min(offset, selector.length));
    // lastIndexOf clamps a negative start to 0, which would find a newline *at* offset 0.
    const lineStart = at === 0 ? 0 : selector.lastIndexOf("\n", at - 1) + 1;
    const line = countNewlines(selector, lineStart) + 1;
    const column = at - lineStart + 1;
    super(`${reason} at line ${line}, column ${column}\n${excerpt(selector, lineStart, at)}`);
    this.selector = selector;
    this.reason = reason;
    this.offset = at;
    this.line = line;
    this.column = column;
    this.expected = expected;
  }
}

function countNewlines(text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < end; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

const EXCERPT_RADIUS = 40;

/** The line holding `at`, cut to a window around it, with a caret underneath. */
function excerpt(text: string, lineStart: number, at: number): string {
  let lineEnd = text.indexOf("\n", at);
  if (lineEnd === -1) lineEnd = text.length;
  const from = Math.max(lineStart, at - EXCERPT_RADIUS);
  const to = Math.min(lineEnd, at + EXCERPT_RADIUS);
  const head = from > lineStart ? "…" : "";
  const tail = to < lineEnd ? "…" : "";
  const shown = text.slice(from, to).replace(/\t/g, " ");
  return `  ${head}${shown}${tail}\n  ${" ".repeat(head.length + at - from)}^`;
}
