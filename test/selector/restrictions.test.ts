/**
 * LabelRestrictions (spec §1.8 and §8 item 8), with Calico's nil-versus-empty distinction:
 * `null` is Go's nil (no map: an empty Map from the implementation; no value limit: `null`).
 */
import { describe, expect, it } from "vitest";
import { parseSelector } from "../../src/index.js";
import { implRestrictions } from "./helpers.js";
import { type RefRestriction, type RefRestrictions, refParse, refRestrictions } from "./reference.js";

const P = (values: string[] | null = null): RefRestriction => ({ present: true, absent: false, values });
const A: RefRestriction = { present: false, absent: true, values: null };
const PA: RefRestriction = { present: true, absent: true, values: null };
const map = (entries: Record<string, RefRestriction>): RefRestrictions => new Map(Object.entries(entries));

const TABLE: ReadonlyArray<readonly [string, string, RefRestrictions]> = [
  // Leaves.
  ["== limits the value", 'app.kubernetes.io/name == "checkout"', map({ "app.kubernetes.io/name": P(["checkout"]) })],
  ["in limits to the sorted set", 'env in {"prod", "dev", "prod"}', map({ env: P(["dev", "prod"]) })],
  ["in {} only requires presence (nil values, not impossible)", "env in {}", map({ env: P(null) })],
  ["has requires presence", "has(a)", map({ a: P() })],
  ["contains requires presence", 'a contains "x"', map({ a: P() })],
  ["starts with requires presence", 'a starts with "x"', map({ a: P() })],
  ["ends with requires presence", 'a ends with "x"', map({ a: P() })],
  ["!= says nothing", 'a != "x"', null],
  ["not in says nothing", 'a not in {"x"}', null],
  ["not in {} says nothing", "a not in {}", null],
  ["all() says nothing", "all()", null],
  ["global() says nothing", "global()", null],
  ["the empty selector says nothing", "", null],
  // Not.
  ["!has requires absence", "!has(a)", map({ a: A })],
  ["! over == says nothing", '!a == "x"', null],
  ["! over in says nothing", '!a in {"x"}', null],
  ["! over a negated has says nothing", "!(!has(a))", null],
  ["!! collapses, so !!has is has", "!!has(a)", map({ a: P() })],
  ["!!! collapses to one !", "!!!has(a)", map({ a: A })],
  ["! over And says nothing", "!(has(a) && has(b))", null],
  ["!all() says nothing", "!all()", null],
  // And.
  ["&& keeps every operand's labels", 'app == "web" && has(tier)', map({ app: P(["web"]), tier: P() })],
  ["&& ignores operands that say nothing", 'app == "web" && tier != "db"', map({ app: P(["web"]) })],
  ["&& intersects value lists", 'a == "x" && a in {"x", "y"}', map({ a: P(["x"]) })],
  ["&& intersects to [] when nothing is common", 'a == "x" && a == "y"', map({ a: P([]) })],
  ["&& intersection of sets", 'a in {"z", "y", "x"} && a in {"z", "x"}', map({ a: P(["x", "z"]) })],
  ["&& takes values after has", 'has(a) && a == "x"', map({ a: P(["x"]) })],
  ["&& keeps values before has", 'a == "x" && has(a)', map({ a: P(["x"]) })],
  ["&& after in {} takes the later values", 'a in {} && a == "x"', map({ a: P(["x"]) })],
  ["&& can require presence and absence", "has(a) && !has(a)", map({ a: PA })],
  ["&& of nothing-knowns says nothing", 'a != "x" && all()', null],
  ["&& keeps the accumulated order", '(a == "z" || a == "b") && a in {"b", "z"}', map({ a: P(["z", "b"]) })],
  // Or.
  ["|| unions values", 'a == "x" || a == "y"', map({ a: P(["x", "y"]) })],
  ["|| appends later values after the sorted accumulated ones", 'a == "y" || a == "x"', map({ a: P(["y", "x"]) })],
  ["|| re-sorts the accumulated list at each step", 'a == "z" || a == "y" || a == "x"', map({ a: P(["y", "z", "x"]) })],
  [
    "|| sorts an unsorted accumulated list",
    '((a == "z" || a == "b") && has(a)) || a == "c"',
    map({ a: P(["b", "z", "c"]) }),
  ],
  ["|| dedupes", 'a == "x" || a == "x"', map({ a: P(["x"]) })],
  ["|| with an unlimited side has no value limit", 'a == "x" || has(a)', map({ a: P() })],
  ["|| with an unlimited first side has no value limit", 'has(a) || a == "x"', map({ a: P() })],
  ["|| with in {} has no value limit", 'a in {"x"} || a in {}', map({ a: P() })],
  ["|| drops labels not restricted by every operand", 'a == "x" || has(b)', null],
  ["|| with an operand that says nothing says nothing", 'has(a) || a != "x"', null],
  ["|| with a first operand that says nothing says nothing", 'a != "x" || has(a)', null],
  ["|| starting from all() says nothing", "all() || has(a)", null],
  ["|| keeps common absence", "!has(a) || !has(a)", map({ a: A })],
  ["|| drops presence against absence", "!has(a) || has(a)", null],
  ["|| keeps only the first operand's labels", "has(a) || (has(a) && has(b))", map({ a: P() })],
  ["|| keeps labels common to both", "(has(a) && has(b)) || has(a)", map({ a: P() })],
  ["|| of two Ands keeps the shared label", "has(a) && has(b) || has(b) && has(c)", map({ b: P() })],
  ["|| keeps mixed restrictions both sides share", "(has(a) && !has(b)) || (has(a) && !has(b))", map({ a: P(), b: A })],
];

describe("label restrictions", () => {
  it.each(TABLE)("%s: %j", (_rule, text, expected) => {
    expect(implRestrictions(parseSelector(text))).toEqual(expected);
    expect(refRestrictions(refParse(text))).toEqual(expected);
  });

  it.each(TABLE)("are unchanged by wrapping in all() && (…): %s", (_rule, text, expected) => {
    const wrapped = `all() && (${text === "" ? "all()" : text})`;
    expect(implRestrictions(parseSelector(wrapped))).toEqual(expected);
  });

  it("report an empty value list distinctly from no value limit", () => {
    const impossible = parseSelector('a == "x" && a == "y"').labelRestrictions().get("a");
    const unlimited = parseSelector("a in {}").labelRestrictions().get("a");
    expect(impossible?.mustHaveOneOfValues).toEqual([]);
    expect(unlimited?.mustHaveOneOfValues).toBeNull();
  });

  it("report nothing known as an empty map", () => {
    expect(parseSelector('tier != "db"').labelRestrictions().size).toBe(0);
  });
});
