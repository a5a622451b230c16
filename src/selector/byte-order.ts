/**
 * Go compares strings by their UTF-8 bytes; JavaScript's `<` compares UTF-16 code units. The two
 * agree except when one string has a surrogate pair (a code point above U+FFFF) where the other has
 * a code unit in U+E000–U+FFFF: UTF-8 puts the astral character last, UTF-16 puts it first.
 * Comparing code points gives exactly UTF-8 byte order, so we remap the code unit at the first
 * difference: surrogates move above U+FFFF, U+E000–U+FFFF move down to make room.
 */

function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

/** Orders two strings as Go orders them: by their UTF-8 bytes. */
export function compareByUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** Sorts by UTF-8 byte order and drops duplicates, as Calico's parser does with set literals. */
export function sortedUniqueByUtf8(values: readonly string[]): string[] {
  const sorted = [...values].sort(compareByUtf8);
  return sorted.filter((v, i) => i === 0 || v !== sorted[i - 1]);
}
