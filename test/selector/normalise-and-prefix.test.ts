/**
 * normaliseSelector (spec §1.6) and withLabelPrefix (§1.7).
 */
import { describe, expect, it } from "vitest";
import { normaliseSelector, parseSelector } from "../../src/index.js";
import { nodeUniqueId, syntaxErrorOf } from "./helpers.js";
import { GO_WHITESPACE, goTrimSpace } from "./reference.js";

describe("normaliseSelector", () => {
  it("returns the canonical form of a valid selector", () => {
    expect(normaliseSelector("app == 'web'&&tier=='fe'")).toBe('(app == "web" && tier == "fe")');
    expect(normaliseSelector("")).toBe("all()");
  });

  it("trims a trailing newline that the tokenizer itself would reject", () => {
    syntaxErrorOf("a == 'b'\n");
    expect(normaliseSelector("a == 'b'\n")).toBe('a == "b"');
  });

  it.each([
    ["newline", "\n"],
    ["carriage return", "\r"],
    ["vertical tab", "\v"],
    ["form feed", "\f"],
    ["next line (U+0085)", "\u0085"],
    ["no-break space (U+00A0)", "\u00a0"],
    ["ogham space mark (U+1680)", "\u1680"],
    ["en quad (U+2000)", "\u2000"],
    ["hair space (U+200A)", "\u200a"],
    ["line separator (U+2028)", "\u2028"],
    ["paragraph separator (U+2029)", "\u2029"],
    ["narrow no-break space (U+202F)", "\u202f"],
    ["medium mathematical space (U+205F)", "\u205f"],
    ["ideographic space (U+3000)", "\u3000"],
  ])("trims %s like Go's strings.TrimSpace", (_name, space) => {
    expect(normaliseSelector(`${space} has(a) ${space}${space}`)).toBe("has(a)");
  });

  it("does not trim a byte-order mark (U+FEFF), unlike String.prototype.trim", () => {
    expect("\uFEFFhas(a)".trim()).toBe("has(a)");
    expect(normaliseSelector("\uFEFFhas(a)")).toBe("\uFEFFhas(a)");
    expect(normaliseSelector("has(a)\uFEFF ")).toBe("has(a)\uFEFF");
  });

  it("does not trim a zero-width space (U+200B) or the Mongolian vowel separator (U+180E)", () => {
    expect(normaliseSelector("\u200Bhas(a)")).toBe("\u200Bhas(a)");
    expect(normaliseSelector("has(a)\u180E")).toBe("has(a)\u180E");
  });

  it("returns the trimmed text, not the original, when the selector does not parse", () => {
    expect(normaliseSelector("\u00a0 a = 'b' \n")).toBe("a = 'b'");
    expect(normaliseSelector("  foo != ||\t")).toBe("foo != ||");
  });

  it("leaves whitespace inside the selector alone", () => {
    expect(normaliseSelector("a ==\n'b'")).toBe("a ==\n'b'");
    expect(normaliseSelector(" a == 'x\u2028y' ")).toBe('a == "x\u2028y"');
  });

  it("is checked against a reference trim that uses Go's whitespace list", () => {
    expect(goTrimSpace(`${GO_WHITESPACE.join("")}x${GO_WHITESPACE.join("")}`)).toBe("x");
    expect(goTrimSpace("\uFEFFx")).toBe("\uFEFFx");
  });
});

describe("withLabelPrefix", () => {
  it("prefixes every label, as in Calico's example", () => {
    const prefixed = parseSelector("k == 'v' || has(x)").withLabelPrefix("visited/");
    expect(prefixed.toString()).toBe('(visited/k == "v" || has(visited/x))');
    expect(prefixed.uniqueId).toBe(nodeUniqueId("s", '(visited/k == "v" || has(visited/x))'));
  });

  it("prefixes labels of every comparison and set node and leaves all() and global() alone", () => {
    const selector = parseSelector(
      'a == "1" && b != "2" && c contains "3" && d starts with "4" && e ends with "5" && f in {"6"} && g not in {} && !has(h) && all() && global()',
    );
    expect(selector.withLabelPrefix("p:").toString()).toBe(
      '(p:a == "1" && p:b != "2" && p:c contains "3" && p:d starts with "4" && p:e ends with "5" && p:f in {"6"} && p:g not in {} && !has(p:h) && all() && global())',
    );
  });

  it("applies the prefix again when called twice", () => {
    expect(parseSelector("has(x)").withLabelPrefix("a/").withLabelPrefix("b/").toString()).toBe("has(b/a/x)");
  });

  it("does not validate the new label names", () => {
    const prefixed = parseSelector('app == "web"').withLabelPrefix("not a label ");
    expect(prefixed.toString()).toBe('not a label app == "web"');
    expect(prefixed.matches({ "not a label app": "web" })).toBe(true);
  });

  it("leaves the original selector unchanged", () => {
    const selector = parseSelector('app == "web"');
    const before = selector.uniqueId;
    selector.withLabelPrefix("x/");
    expect(selector.toString()).toBe('app == "web"');
    expect(selector.uniqueId).toBe(before);
    expect(selector.matches({ app: "web" })).toBe(true);
  });

  it("moves the label restrictions to the prefixed names", () => {
    const prefixed = parseSelector('app == "web" && !has(tier)').withLabelPrefix("pcns.");
    expect([...prefixed.labelRestrictions().keys()].sort()).toEqual(["pcns.app", "pcns.tier"]);
  });
});
