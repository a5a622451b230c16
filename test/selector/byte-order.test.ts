/** compareByUtf8 against the bytes TextEncoder produces (lone surrogates encode as U+FFFD). */
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { compareByUtf8 } from "../../src/index.js";

const encoder = new TextEncoder();

function compareBytes(a: string, b: string): number {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** Units that exercise every branch: ASCII, U+E000+, high and low surrogates (paired or not). */
const tricky = fc.string({
  unit: fc.constantFrom("a", "z", "\u00e9", "\ue000", "\uffff", "\ufffd", "\ud83d", "\ude00", "\ud800", "\udfff"),
  maxLength: 6,
});

describe("compareByUtf8", () => {
  test.prop([fc.oneof(tricky, fc.string({ unit: "grapheme" })), fc.oneof(tricky, fc.string({ unit: "grapheme" }))], {
    numRuns: 2000,
    examples: [["\ud83d\ude00", "\ude00\ud83d"]],
  })("orders strings as their UTF-8 bytes do", (a, b) => {
    expect(Math.sign(compareByUtf8(a, b))).toBe(Math.sign(compareBytes(a, b)));
  });
});
