/**
 * Canonical text (spec §1.4), set ordering (§1.9) and unique IDs (§1.5).
 */
import { describe, expect, it } from "vitest";
import { compareByUtf8, parseSelector, uniqueId } from "../../src/index.js";
import { nodeUniqueId } from "./helpers.js";
import { refParse, refString } from "./reference.js";

const ALL_UNIQUE_ID = "s:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug";

const CANONICAL: ReadonlyArray<readonly [string, string, string]> = [
  // [rule, input, canonical]
  [
    "comparisons put single spaces around ==",
    'app.kubernetes.io/name=="checkout"',
    'app.kubernetes.io/name == "checkout"',
  ],
  ["comparisons put single spaces around !=", "tier   !=\t'db'", 'tier != "db"'],
  ["contains prints as one word", 'a contains"x"', 'a contains "x"'],
  ["startswith prints as two words", 'a startswith "x"', 'a starts with "x"'],
  ["starts  with prints with one space", 'a starts \t with "x"', 'a starts with "x"'],
  ["endswith prints as two words", 'a endswith "x"', 'a ends with "x"'],
  ["notin prints as two words", 'a notin {"x"}', 'a not in {"x"}'],
  ["double quotes are the default", "a == 'plain'", 'a == "plain"'],
  ["a value holding a double quote uses single quotes", "a == 'say \"hi\"'", "a == 'say \"hi\"'"],
  ["a value holding a single quote uses double quotes", 'a == "it\'s"', 'a == "it\'s"'],
  ["set items choose their quotes one by one", 'a in {\'say "hi"\', "it\'s"}', 'a in {"it\'s", \'say "hi"\'}'],
  ["the empty value prints as two quotes", "a == ''", 'a == ""'],
  [
    "set items are joined by comma and space",
    "projectcalico.org/namespace in {'shop','payments'}",
    'projectcalico.org/namespace in {"payments", "shop"}',
  ],
  ["the empty set prints as {}", "a in { }", "a in {}"],
  ["the empty negated set prints as {}", "a not in {}", "a not in {}"],
  ["a trailing comma disappears", 'a in {"a",}', 'a in {"a"}'],
  ["duplicates disappear", 'a in {"b", "a", "b", "a"}', 'a in {"a", "b"}'],
  ["has() loses its inner whitespace", "has( app )", "has(app)"],
  ["all() loses its inner whitespace", "all( )", "all()"],
  ["global() loses its inner whitespace", "global(\t)", "global()"],
  ["the empty selector prints as all()", "", "all()"],
  ["a blank selector prints as all()", " \t ", "all()"],
  ["surrounding spaces and tabs disappear", "\t has(a) ", "has(a)"],
  ["Not adds no parentheses around a comparison", "!(k == 'v')", '!k == "v"'],
  ["Not adds no parentheses around has()", "!(has(a))", "!has(a)"],
  ["Not over Or keeps the Or's own parentheses", "!(has(a) || has(b))", "!(has(a) || has(b))"],
  ["Not over And keeps the And's own parentheses", "!(has(a) && has(b))", "!(has(a) && has(b))"],
  ["NoMatch prints as !all()", "!all()", "!all()"],
  ["an even run of ! disappears", "!!has(a)", "has(a)"],
  ["an odd run of ! leaves one", "!!!has(a)", "!has(a)"],
  ["a negated negated group prints two !", "!(!has(a))", "!!has(a)"],
  ["top-level And is parenthesised", 'app == "web" && tier == "db"', '(app == "web" && tier == "db")'],
  ["top-level Or is parenthesised", "has(a)||has(b)", "(has(a) || has(b))"],
  ["redundant parentheses disappear", "((has(a)))", "has(a)"],
  ["a chain stays one node", "has(a) && has(b) && has(c)", "(has(a) && has(b) && has(c))"],
  ["a left group is not flattened", "(has(a) && has(b)) && has(c)", "((has(a) && has(b)) && has(c))"],
  ["a right group is not flattened", "has(a) || (has(b) || has(c))", "(has(a) || (has(b) || has(c)))"],
  ["&& binds tighter than ||", "has(a) || has(b) && has(c)", "(has(a) || (has(b) && has(c)))"],
  ["operands keep source order", "has(z) && has(a)", "(has(z) && has(a))"],
];

describe("canonical String()", () => {
  it.each(CANONICAL)("%s: %j prints %j", (_rule, input, canonical) => {
    expect(parseSelector(input).toString()).toBe(canonical);
    expect(String(parseSelector(input))).toBe(canonical);
    expect(refString(refParse(input))).toBe(canonical);
  });

  it("re-parses !!has(a), the canonical form of !(!has(a)), to plain has(a)", () => {
    // Calico's printer adds no parentheses for Not and its parser collapses `!!`, so this is the one
    // shape whose canonical text is not a fixed point; it is equivalent, not identical.
    const once = parseSelector("!(!has(a))");
    const twice = parseSelector(once.toString());
    expect(once.root).toEqual({ kind: "not", operand: { kind: "not", operand: { kind: "has", label: "a" } } });
    expect(twice.root).toEqual({ kind: "has", label: "a" });
    expect(twice.toString()).toBe("has(a)");
  });
});

describe("set literal ordering", () => {
  it("sorts by UTF-8 bytes, putting U+E000 before U+1F600 unlike a UTF-16 sort", () => {
    const text = 'a in {"\u{1F600}", "\uE000"}';
    expect(["\u{1F600}", "\uE000"].sort()).toEqual(["\u{1F600}", "\uE000"]);
    const selector = parseSelector(text);
    expect(selector.root).toEqual({ kind: "in", label: "a", values: ["\uE000", "\u{1F600}"] });
    expect(selector.toString()).toBe('a in {"\uE000", "\u{1F600}"}');
  });

  it("sorts ASCII before non-ASCII and upper case before lower case", () => {
    expect(parseSelector('a not in {"é", "z", "Z", "a b", "a"}').root).toEqual({
      kind: "notIn",
      label: "a",
      values: ["Z", "a", "a b", "z", "é"],
    });
  });

  it("sorts a prefix before its extensions", () => {
    expect(parseSelector('env in {"prod-eu", "prod", ""}').toString()).toBe('env in {"", "prod", "prod-eu"}');
  });
});

describe("compareByUtf8", () => {
  it("orders U+E000 before U+1F600", () => {
    expect(compareByUtf8("\uE000", "\u{1F600}")).toBeLessThan(0);
    expect(compareByUtf8("\u{1F600}", "\uE000")).toBeGreaterThan(0);
  });

  it("returns 0 for equal strings and orders a prefix first", () => {
    expect(compareByUtf8("web", "web")).toBe(0);
    expect(compareByUtf8("web", "web-1")).toBeLessThan(0);
    expect(compareByUtf8("", "a")).toBeLessThan(0);
  });
});

describe("unique IDs", () => {
  it("gives all() Calico's published ID", () => {
    expect(parseSelector("all()").uniqueId).toBe(ALL_UNIQUE_ID);
    expect(uniqueId("s", "all()")).toBe(ALL_UNIQUE_ID);
    expect(nodeUniqueId("s", "all()")).toBe(ALL_UNIQUE_ID);
  });

  it("gives the empty selector the same ID as all()", () => {
    expect(parseSelector("").uniqueId).toBe(ALL_UNIQUE_ID);
    expect(parseSelector("  ").uniqueId).toBe(ALL_UNIQUE_ID);
  });

  it.each(CANONICAL)("hashes the canonical text (%s)", (_rule, input, canonical) => {
    const id = parseSelector(input).uniqueId;
    expect(id).toBe(nodeUniqueId("s", canonical));
    expect(id).toMatch(/^s:[A-Za-z0-9_-]{38}$/);
  });

  it("gives differently spelled but equal selectors the same ID", () => {
    expect(parseSelector("a startswith 'x' && !!has(b)").uniqueId).toBe(
      parseSelector('(a starts with "x" && has(b))').uniqueId,
    );
  });

  it("gives different selectors different IDs", () => {
    expect(parseSelector("has(a)").uniqueId).not.toBe(parseSelector("has(b)").uniqueId);
  });

  it("computes uniqueId for other prefixes like Node's SHA-224", () => {
    for (const [prefix, content] of [
      ["n", "tcp:http,s:abc"],
      ["svc", ""],
      ["svcnoport", "ns/name"],
      ["s", "\u{1F600}"],
    ] as const) {
      expect(uniqueId(prefix, content)).toBe(nodeUniqueId(prefix, content));
    }
  });
});
