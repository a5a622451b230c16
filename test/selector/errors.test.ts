/**
 * Error quality: SelectorSyntaxError carries the position of the problem, what was expected, and a
 * one-line excerpt with a caret under the offending character.
 */
import { describe, expect, it } from "vitest";
import { parseSelector, SelectorSyntaxError, validateSelector } from "../../src/index.js";
import { syntaxErrorOf } from "./helpers.js";

/** The excerpt line holding `source` and the caret line under it, from an error message. */
function caretColumn(message: string, source: string): number {
  const lines = message.split("\n");
  const at = lines.findIndex((line) => line.includes(source));
  expect(at).toBeGreaterThan(0);
  const caretLine = lines[at + 1] ?? "";
  expect(caretLine.trim()).toBe("^");
  return caretLine.indexOf("^") - lines[at]!.indexOf(source);
}

describe("SelectorSyntaxError", () => {
  it('points at the unexpected % in `a == "b" && %` (column 13)', () => {
    const text = 'a == "b" && %';
    const error = syntaxErrorOf(text);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("SelectorSyntaxError");
    expect(error.selector).toBe(text);
    expect(error.offset).toBe(12);
    expect(error.line).toBe(1);
    expect(error.column).toBe(13);
    expect(Array.isArray(error.expected)).toBe(true);
    expect(error.reason.length).toBeGreaterThan(0);
    expect(error.reason).not.toContain("\n");
    expect(error.message.split("\n")[0]).toContain(error.reason);
    expect(caretColumn(error.message, text)).toBe(12);
  });

  it("lists what could stand where an unexpected character is", () => {
    expect(syntaxErrorOf(`app == "web" && %`).expected).toEqual(
      expect.arrayContaining(["'!'", "'('", "'has(label)'", "label"]),
    );
    expect(syntaxErrorOf(`(app == "web" %`).expected).toEqual(["'&&'", "'||'", "')'"]);
    expect(syntaxErrorOf(`app == "web" %`).expected).toEqual(["'&&'", "'||'", "end of selector"]);
    expect(syntaxErrorOf("%").expected).toContain("end of selector");
  });

  it("reports an earlier syntax error before a later unexpected character", () => {
    const error = syntaxErrorOf("app tier %");
    expect(error.column).toBe(5);
    expect(error.reason).toContain("label tier");
  });

  it("says what was expected when a set literal is missing", () => {
    const error = syntaxErrorOf('projectcalico.org/namespace in "payments"');
    expect(error.offset).toBe('projectcalico.org/namespace in "payments"'.indexOf('"'));
    expect(error.expected.some((e) => e.includes("{"))).toBe(true);
  });

  it("says which operators were expected after a label", () => {
    const error = syntaxErrorOf("has (x)");
    expect(error.column).toBe(5);
    expect(error.expected.some((e) => e.includes("=="))).toBe(true);
  });

  it("points at the end of the text for a missing operand", () => {
    const text = 'app == "web" &&';
    const error = syntaxErrorOf(text);
    expect(error.offset).toBe(text.length);
    expect(error.column).toBe(text.length + 1);
  });

  it("counts lines and columns after a newline inside a string literal", () => {
    const text = 'a == "x\ny" && b == c';
    const error = syntaxErrorOf(text);
    expect(error.offset).toBe(text.lastIndexOf("c"));
    expect(error.line).toBe(2);
    expect(error.column).toBe('y" && b == c'.indexOf("c") + 1);
    expect(caretColumn(error.message, 'y" && b == c')).toBe('y" && b == c'.indexOf("c"));
  });

  it("keeps the excerpt short for a long selector", () => {
    const text = `${'app == "web" && '.repeat(50)}%${" && has(b)".repeat(50)}`;
    const error = syntaxErrorOf(text);
    expect(error.offset).toBe(text.indexOf("%"));
    const longest = Math.max(...error.message.split("\n").map((line) => line.length));
    expect(longest).toBeLessThan(200);
  });

  it("reports nesting too deep for 100 000 open parentheses", () => {
    const error = syntaxErrorOf("(".repeat(100_000));
    expect(error.message).toMatch(/nesting too deep/i);
    expect(error.offset).toBeLessThanOrEqual(129);
  });

  it("reports a label that is too long at the label", () => {
    const text = `app == "web" && ${"l".repeat(513)} == "x"`;
    const error = syntaxErrorOf(text);
    expect(error.message).toMatch(/too long/i);
    expect(error.offset).toBe(text.indexOf("l"));
  });

  it("is what validateSelector returns, and validateSelector accepts the empty selector", () => {
    const error = validateSelector("a =");
    expect(error).toBeInstanceOf(SelectorSyntaxError);
    expect(error?.selector).toBe("a =");
    expect(validateSelector("")).toBeUndefined();
    expect(validateSelector("has(a)")).toBeUndefined();
  });

  it("is thrown for a selector that failed before (no cached half-result)", () => {
    expect(() => parseSelector("a ==")).toThrow(SelectorSyntaxError);
    expect(() => parseSelector("a ==")).toThrow(SelectorSyntaxError);
  });
});
