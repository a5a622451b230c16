/**
 * Go compares strings by their UTF-8 bytes; JavaScript's `<` compares UTF-16 code units. The two
 * agree except when one string has a surrogate pair (a code point above U+FFFF) where the other has
 * a code unit in U+E000–U+FFFF: UTF-8 puts the astral character last, UTF-16 puts it first.
 * Comparing code points gives exactly UTF-8 byte order. Outside surrogates a code unit is its code
 * point, so the first differing unit decides; when a surrogate is involved we decode pairs, and
 * treat a lone surrogate as U+FFFD, the character UTF-8 encodes it as.
 */

const isSurrogate = (unit: number) => (unit & 0xf800) === 0xd800;
const isHigh = (unit: number) => (unit & 0xfc00) === 0xd800;
const isLow = (unit: number) => (unit & 0xfc00) === 0xdc00;

/** The code point at `i` and its length in code units; a lone surrogate is U+FFFD, as UTF-8 encodes it. */
function codePointAt(s: string, i: number): [number, number] {
  const unit = s.charCodeAt(i);
  if (isHigh(unit) && i + 1 < s.length && isLow(s.charCodeAt(i + 1))) return [s.codePointAt(i)!, 2];
  return [isSurrogate(unit) ? 0xfffd : unit, 1];
}

/** The careful comparison from a surrogate onwards: code point by code point, lone surrogates as U+FFFD. */
function compareCodePoints(a: string, b: string, from: number): number {
  // Start at the beginning of the code point: a difference in a low surrogate belongs to the pair.
  let i = from > 0 && isHigh(a.charCodeAt(from - 1)) ? from - 1 : from;
  let j = i;
  while (i < a.length && j < b.length) {
    const [x, xLength] = codePointAt(a, i);
    const [y, yLength] = codePointAt(b, j);
    if (x !== y) return x - y;
    i += xLength;
    j += yLength;
  }
  return a.length - i - (b.length - j);
}

/** Orders two strings as Go orders them: by their UTF-8 bytes. */
export function compareByUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (isSurrogate(x) || isSurrogate(y)) return compareCodePoints(a, b, i);
    return x - y;
  }
  return a.length - b.length;
}

/** Sorts by UTF-8 byte order and drops duplicates, as Calico's parser does with set literals. */
export function sortedUniqueByUtf8(values: readonly string[]): string[] {
  const sorted = [...values].sort(compareByUtf8);
  return sorted.filter((v, i) => i === 0 || v !== sorted[i - 1]);
}
