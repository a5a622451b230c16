/**
 * Tokenizer and grammar (spec §1.1, §1.2): what is accepted, the tree it produces, and every class
 * of parse error. Each row is checked against both the implementation and the reference, so the
 * reference is itself held to the spec.
 */
import { describe, expect, it } from "vitest";
import { parseSelector, type SelectorNode, SelectorSyntaxError, validateSelector } from "../../src/index.js";
import { implAccepts, syntaxErrorOf } from "./helpers.js";
import { type RefNode, refAccepts, refParse, refString, tokenize } from "./reference.js";

const eq = (label: string, value: string): RefNode => ({ kind: "eq", label, value });
const has = (label: string): RefNode => ({ kind: "has", label });
const and = (...operands: RefNode[]): RefNode => ({ kind: "and", operands });
const or = (...operands: RefNode[]): RefNode => ({ kind: "or", operands });
const not = (operand: RefNode): RefNode => ({ kind: "not", operand });

const ACCEPTED: ReadonlyArray<readonly [string, RefNode]> = [
  // Empty and blank text.
  ["", { kind: "all" }],
  [" \t  ", { kind: "all" }],
  // Operator words are keywords only right after a label.
  ['contains contains "contains"', { kind: "contains", label: "contains", value: "contains" }],
  ['in in {"in"}', { kind: "in", label: "in", values: ["in"] }],
  ['not in {"a"}', { kind: "in", label: "not", values: ["a"] }],
  ['not not in {"a"}', { kind: "notIn", label: "not", values: ["a"] }],
  ['starts starts with "starts"', { kind: "startsWith", label: "starts", value: "starts" }],
  ['has == "x"', eq("has", "x")],
  ['all == "x"', eq("all", "x")],
  ['global != "x"', { kind: "ne", label: "global", value: "x" }],
  ["has(has)", has("has")],
  ["has(contains) && has(in)", and(has("contains"), has("in"))],
  // Two-word operators with no or extra internal whitespace.
  [
    'app.kubernetes.io/name startswith "check"',
    { kind: "startsWith", label: "app.kubernetes.io/name", value: "check" },
  ],
  [
    'app.kubernetes.io/name starts \t with "check"',
    { kind: "startsWith", label: "app.kubernetes.io/name", value: "check" },
  ],
  ['tier endswith "end"', { kind: "endsWith", label: "tier", value: "end" }],
  ['tier ends   with "end"', { kind: "endsWith", label: "tier", value: "end" }],
  ['env notin {"dev"}', { kind: "notIn", label: "env", values: ["dev"] }],
  ['env not\tin {"dev"}', { kind: "notIn", label: "env", values: ["dev"] }],
  // The word boundary is only needed after the final word: a quote or brace may follow directly.
  [
    'projectcalico.org/namespace in{"payments"}',
    { kind: "in", label: "projectcalico.org/namespace", values: ["payments"] },
  ],
  ['a contains"x"', { kind: "contains", label: "a", value: "x" }],
  ['a startswith"x"', { kind: "startsWith", label: "a", value: "x" }],
  ['a notin{"x"}', { kind: "notIn", label: "a", values: ["x"] }],
  ['a=="b"', eq("a", "b")],
  ['a!="b"', { kind: "ne", label: "a", value: "b" }],
  // Identifiers may start with a digit, dot, slash or dash.
  ['0 == "x"', eq("0", "x")],
  ['-a == "x"', eq("-a", "x")],
  ['./-_ == "x"', eq("./-_", "x")],
  // has(, all(, global( with inner whitespace.
  ["has(  app.kubernetes.io/name\t)", has("app.kubernetes.io/name")],
  ["all(\t )", { kind: "all" }],
  ["global( )", { kind: "global" }],
  // String literals: no escapes, either quote, anything inside.
  ['a == "x\ny"', eq("a", "x\ny")],
  ["a == 'say \"hi\"'", eq("a", 'say "hi"')],
  ['a == "it\'s"', eq("a", "it's")],
  ['a == "x\\"', eq("a", "x\\")],
  ['a == ""', eq("a", "")],
  ['a == "&& || ! ( ) { } , =="', eq("a", "&& || ! ( ) { } , ==")],
  // Sets.
  ["a in {}", { kind: "in", label: "a", values: [] }],
  ["a not in { }", { kind: "notIn", label: "a", values: [] }],
  ['a in {"a",}', { kind: "in", label: "a", values: ["a"] }],
  ["a in {'b', \"a\", 'b'}", { kind: "in", label: "a", values: ["a", "b"] }],
  // Negation runs collapse by parity; a parenthesised group is one primary.
  ['!a == "x"', not(eq("a", "x"))],
  ['!!a == "x"', eq("a", "x")],
  ["!!!has(a)", not(has("a"))],
  ["! ! has(a)", has("a")],
  ["!(!has(a))", not(not(has("a")))],
  ['!(a == "b" || has(c))', not(or(eq("a", "b"), has("c")))],
  // Precedence and chains.
  ['a == "b" && c == "d" || e == "f"', or(and(eq("a", "b"), eq("c", "d")), eq("e", "f"))],
  ['a == "b" || c == "d" && e == "f"', or(eq("a", "b"), and(eq("c", "d"), eq("e", "f")))],
  ["has(a) && has(b) && has(c)", and(has("a"), has("b"), has("c"))],
  ["has(a)&&has(b)||has(c)", or(and(has("a"), has("b")), has("c"))],
  ['(a == "b" && c == "d") && e == "f"', and(and(eq("a", "b"), eq("c", "d")), eq("e", "f"))],
  ['a == "b" && (c == "d" && e == "f")', and(eq("a", "b"), and(eq("c", "d"), eq("e", "f")))],
  ["((has(a)))", has("a")],
  ["!has(a) && !has(b)", and(not(has("a")), not(has("b")))],
];

describe("accepted selectors", () => {
  it.each(ACCEPTED)("parses %j to the tree the spec describes", (text, tree) => {
    const root: SelectorNode = parseSelector(text).root;
    expect(root).toEqual(tree);
    expect(refParse(text)).toEqual(tree);
    expect(validateSelector(text)).toBeUndefined();
  });
});

const LONG = "a".repeat(513);

const REJECTED: ReadonlyArray<readonly [string, string]> = [
  // Tokenizer errors.
  ["unterminated string", 'a == "b'],
  ["unterminated string (the other quote does not close it)", "a == 'b\""],
  ["a backslash does not escape the quote", 'a == "x\\"y"'],
  ["single =", 'a = "b"'],
  ["single &", "has(a) & has(b)"],
  ["single |", "has(a) | has(b)"],
  ["has( without )", "has(a"],
  ["has() with no label", "has()"],
  ["has( with two words", "has(a b)"],
  ["all( with content", "all(x)"],
  ["all( without )", "all("],
  ["global( with content", "global(x)"],
  ["global( without )", "global("],
  ["a character no token starts with", 'a == "b" && %'],
  ["newline between tokens", 'a\n== "b"'],
  ["newline before the selector", '\na == "b"'],
  ["carriage return after the selector", 'a == "b"\r'],
  ["no-break space between tokens", 'a ==\u00a0"b"'],
  ["a non-ASCII label", 'café == "b"'],
  ["operator word without a boundary (inx)", 'a inx {"x"}'],
  ["operator word without a boundary (containsx)", 'a containsx "x"'],
  ["operator word without a boundary (withs)", 'a starts withs "x"'],
  ["half of a two-word operator", 'a starts "x"'],
  ["a word that is no operator after a label", 'a xyz "b"'],
  ["a second label after a label", "a b"],
  ["has followed by a space before the parenthesis", "has (x)"],
  ["all followed by a space before the parenthesis", "all ()"],
  ["a label of 513 bytes", `${LONG} == "x"`],
  ["a has() label of 513 bytes", `has(${LONG})`],
  // Label followed only by EOF.
  ["a lone label", "a"],
  ["a lone Kubernetes label", "app.kubernetes.io/name"],
  ["a lone label after &&", "has(a) && b"],
  // Comparison without a string literal.
  ["== with a label on the right", "b == b"],
  ["!= followed by ||", "foo != ||"],
  ["contains followed by a set", 'a contains {"x"}'],
  ["starts with at the end", "a starts with"],
  ["ends with followed by has()", "a ends with has(b)"],
  // in / not in without a set literal.
  ["in followed by a string", 'a in "x"'],
  ["in followed directly by a string", 'a in"x"'],
  ["in followed by a label", "b in c"],
  ["not in at the end", "a not in"],
  ["in followed by a parenthesis", 'a in ("x")'],
  // Unclosed or malformed sets.
  ["a set without }", 'a in {"x"'],
  ["a set without a comma", 'a in {"x" "y"}'],
  ["a set with only a comma", "a in {,}"],
  ["a set with two commas", 'a in {"x",,}'],
  ["a set with a leading comma", 'a in {,"x"}'],
  ["a set with a label item", 'a in {"x", y}'],
  ["a set with a has() item", "a in {has(b)}"],
  ["a nested set", 'a in {{"x"}}'],
  // Label followed by a token that is no operator.
  ["label then (", "a ("],
  ["label then !", "a !has(b)"],
  ["label then )", "a )"],
  ["label then {", 'a {"x"}'],
  ["label then a string", 'a "x"'],
  ["label then a comma", "a ,"],
  ["label then &&", "a && has(b)"],
  ["label then has()", "a has(b)"],
  // A primary starting with a token that cannot start one.
  ["a lone )", ")"],
  ["a lone string", '"x"'],
  ["a lone comma", ","],
  ["a lone set", '{"x"}'],
  ["a lone }", "}"],
  ["leading &&", "&& has(a)"],
  ["leading ||", "|| has(a)"],
  ["trailing &&", "has(a) &&"],
  ["trailing ||", 'a == "b" || '],
  ["a lone !", "!"],
  ["negated nothing", "has(a) && !"],
  ["empty parentheses", "()"],
  ["a doubled operator", "has(a) && && has(b)"],
  // Unclosed group.
  ["an unclosed (", '(a == "b"'],
  ["an unclosed inner (", "((has(a))"],
  ["a lone (", "("],
  // Leftover tokens.
  ["two selectors side by side", "has(a) has(b)"],
  ["an extra )", "has(a))"],
  ["two all()s", "all() all()"],
  ["a second string", 'a == "b" "c"'],
  ["a second negated selector", "has(a) !has(b)"],
  ["a second set", "a in {} {}"],
  ["a trailing comma", "global() ,"],
];

describe("rejected selectors", () => {
  it.each(REJECTED)("rejects %s: %j", (_why, text) => {
    expect(syntaxErrorOf(text)).toBeInstanceOf(SelectorSyntaxError);
    expect(validateSelector(text)).toBeInstanceOf(SelectorSyntaxError);
    expect(refAccepts(text)).toBe(false);
  });
});

describe("the reference tokenizer", () => {
  it("reads operator words as labels unless they follow a label", () => {
    expect(tokenize('contains contains "contains"')).toEqual([
      { kind: "label", value: "contains" },
      { kind: "contains", value: "" },
      { kind: "string", value: "contains" },
      { kind: "eof", value: "" },
    ]);
  });

  it("tokenizes `b in c` as label, in, label so that only the parser rejects it", () => {
    expect(tokenize("b in c").map((t) => t.kind)).toEqual(["label", "in", "label", "eof"]);
  });

  it("reads `has (x)` as a label followed by parentheses", () => {
    expect(tokenize("has (x)").map((t) => t.kind)).toEqual(["label", "lparen", "label", "rparen", "eof"]);
  });

  it("reads `!!` as two negations and `!=` as one operator", () => {
    expect(tokenize("!!has(a)").map((t) => t.kind)).toEqual(["not", "not", "has", "eof"]);
    expect(tokenize('a!="b"').map((t) => t.kind)).toEqual(["label", "ne", "string", "eof"]);
  });
});

describe("nesting and length limits", () => {
  it("accepts 128 levels of parentheses", () => {
    const text = `${"(".repeat(128)}app.kubernetes.io/name == "checkout"${")".repeat(128)}`;
    expect(parseSelector(text).toString()).toBe('app.kubernetes.io/name == "checkout"');
    expect(refAccepts(text)).toBe(true);
  });

  it("rejects 129 levels of parentheses as too deep", () => {
    const text = `${"(".repeat(129)}has(a)${")".repeat(129)}`;
    expect(syntaxErrorOf(text).message).toMatch(/nesting too deep/i);
    expect(refAccepts(text)).toBe(false);
  });

  it("rejects 100 000 open parentheses with a nesting error, not a stack overflow", () => {
    const text = "(".repeat(100_000);
    const error = syntaxErrorOf(text);
    expect(error.message).toMatch(/nesting too deep/i);
    expect(refAccepts(text)).toBe(false);
  });

  it("rejects 100 000 levels of negated groups with a nesting error", () => {
    const text = `${"!(".repeat(100_000)}has(a)${")".repeat(100_000)}`;
    expect(syntaxErrorOf(text).message).toMatch(/nesting too deep/i);
  });

  it("collapses a run of 100 000 negations without recursing", () => {
    expect(parseSelector(`${"!".repeat(100_000)}has(a)`).root).toEqual(has("a"));
    expect(parseSelector(`${"!".repeat(100_001)}has(a)`).root).toEqual(not(has("a")));
  });

  it("parses a chain of 20 000 && operands", () => {
    const operands = Array.from({ length: 20_000 }, (_, i) => `has(l${i})`);
    const root = parseSelector(operands.join(" && ")).root;
    expect(root.kind).toBe("and");
    expect(root.kind === "and" && root.operands.length).toBe(20_000);
  });

  it("accepts a 512-byte label and rejects a 513-byte one", () => {
    const label512 = "x".repeat(512);
    const label513 = "x".repeat(513);
    expect(parseSelector(`${label512} == "v"`).root).toEqual(eq(label512, "v"));
    expect(parseSelector(`has(${label512})`).root).toEqual(has(label512));
    expect(refAccepts(`${label512} == "v"`)).toBe(true);
    expect(syntaxErrorOf(`${label513} == "v"`)).toBeInstanceOf(SelectorSyntaxError);
    expect(syntaxErrorOf(`has(${label513})`)).toBeInstanceOf(SelectorSyntaxError);
    expect(syntaxErrorOf(`a == "v" || ${label513} == "v"`)).toBeInstanceOf(SelectorSyntaxError);
  });

  it("does not limit the length of string literals", () => {
    const value = "v".repeat(10_000);
    expect(parseSelector(`a == "${value}"`).root).toEqual(eq("a", value));
  });
});

const L512 = "z".repeat(512);
/** Odd corners of the tokenizer and grammar, checked against the reference rather than by hand. */
const TRICKY: readonly string[] = [
  'a starts with"x"',
  'a starts\t\twith\t"x"',
  'a ends  with "x"',
  "a not\t\tin {}",
  "a notin{}",
  "a in{}",
  "a in{ }",
  'a in {"a" , "b" ,}',
  'a in { "a",}',
  'a in {"a",} ',
  'a in {"a"\t,\t}',
  'a contains contains "x"',
  'contains contains contains "x"',
  "has(a)&&has(b)",
  "has(a)||!has(b)",
  "!has(a)&&!!has(b)",
  'a==""',
  "a==''",
  'a == "\'"',
  "a == '\"'",
  "a in {'\"', \"'\"}",
  'a==="b"',
  'a!=="b"',
  'a=!"b"',
  '!= "b"',
  'a ! "b"',
  "all()all()",
  "all()has(a)",
  "has(a)(",
  "(has(a))(has(b))",
  "has(-)",
  "has(.)",
  "has(/)",
  "has( )",
  "has(\t)",
  "all(\n)",
  "has(a\n)",
  "global()==",
  'global == "x" && global()',
  "HAS(a)",
  "All()",
  "a IN {}",
  'a Contains "x"',
  'a in {"x"}  ',
  'a in {"x"}\t',
  "in",
  "in {}",
  "not in {}",
  "notin {}",
  "a not in in {}",
  'a startswith with "x"',
  'a starts with with "x"',
  "a endswith\"x\"&&b startswith'y'",
  "!(a in {})",
  'a in {"x"}}',
  'a in {"x"}{',
  '((a == "b") && (c == "d"))',
  '(a == "b") || (c == "d") && (e == "f")',
  'a == "b" && (c == "d" || e == "f") && g == "h"',
  'a/b/c.d-e_f == "x"',
  '123 == "x"',
  '-- == "x"',
  ".. in {}",
  "has(a.b/c)",
  "!(!(!has(a)))",
  'a == "\t\r\u2028\u0000"',
  `${L512}==""`,
  `has(${L512})`,
  `has( ${L512} )`,
  `has( ${L512}z )`,
  `${L512}z==""`,
  '"" == "x"',
  "!",
  "!!",
  "()",
  "(())",
  "a in(",
  'a in{"x"}',
  'a containsin "x"',
  "a in_ {}",
  "a in. {}",
  "a in/ {}",
  "a in- {}",
  "a in, {}",
  "a in! {}",
  "a not{}",
  "a not",
  "a nothing {}",
  "a n {}",
  "a in\n{}",
  "a\tin\t{}",
  "has(a) in {}",
  "has(a)in{}",
  "a in {} in {}",
  "all",
  "has",
  "global",
  "all(",
  "has(",
  "global(",
  "has(a)has(b)",
  'a == "b"c == "d"',
  'a in {,"x"}',
  'a in {"x",,"y"}',
  'a in {"x""y"}',
  'a in {"x" , , }',
  "x(",
  "x)",
  "x{",
  "x}",
  "x,",
  "x&&",
  "x||",
  "a =",
  "a !",
  "a &",
  "a |",
  "a & & b",
  "has(a) |",
  "has(a) &",
  "!(",
  "!)",
  "!{",
  "(!)",
  'a == "x" ||| has(b)',
  'a == "x" &&& has(b)',
  "a &&& b",
  "\u00a0has(a)",
  "has(a)\u00a0",
  "has(\u00a0a)",
  "has(a\u00a0)",
  "all(\u00a0)",
  'a ==\u3000"b"',
  "\uFEFFhas(a)",
];

describe("odd corners of the syntax", () => {
  it.each(TRICKY)("the implementation agrees with the reference on %j", (text) => {
    expect(implAccepts(text)).toBe(refAccepts(text));
    if (refAccepts(text)) {
      expect(parseSelector(text).root).toEqual(refParse(text));
      expect(parseSelector(text).toString()).toBe(refString(refParse(text)));
    }
  });
});
