/**
 * Property tests: the implementation against the spec-derived reference (test/selector/reference.ts)
 * and against laws the spec states (§1.3–§1.8), on generated selectors, label maps, random text and
 * mutated selectors.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import {
  compareByUtf8,
  normaliseSelector,
  parseSelector,
  type SelectorNode,
  SelectorSyntaxError,
  uniqueId,
  validateSelector,
} from "../../src/index.js";
import { labelsArbitrary, selectorArbitrary } from "../../src/testing/index.js";
import { implAccepts, implRestrictions, labelsObject, nodeUniqueId } from "./helpers.js";
import {
  GO_WHITESPACE,
  type RefNode,
  refAccepts,
  refEvaluate,
  refLookupIn,
  refNormalise,
  refParse,
  refPrefix,
  refRestrictions,
  refString,
} from "./reference.js";

const RUNS = { numRuns: 500 };
const FUZZ_RUNS = { numRuns: 2000 };

const selectors = selectorArbitrary();
const deepSelectors = selectorArbitrary({ maxDepth: 5 });
const labels = labelsArbitrary({ maxLabels: 8 });

/** Whether some Not node has a Not directly as its operand (only `!(!x)` in the source does that). */
function hasDoubleNegation(node: SelectorNode): boolean {
  switch (node.kind) {
    case "not":
      return node.operand.kind === "not" || hasDoubleNegation(node.operand);
    case "and":
    case "or":
      return node.operands.some(hasDoubleNegation);
    default:
      return false;
  }
}

/** What the parser makes of the printed `!!…`: runs of Not collapse by parity. */
function collapseDoubleNegation(node: RefNode): RefNode {
  switch (node.kind) {
    case "not":
      return node.operand.kind === "not"
        ? collapseDoubleNegation(node.operand.operand)
        : { kind: "not", operand: collapseDoubleNegation(node.operand) };
    case "and":
    case "or":
      return { kind: node.kind, operands: node.operands.map(collapseDoubleNegation) };
    default:
      return node;
  }
}

// ------------------------------------------------------------------------------------------------
// Text generators for the fuzz properties.

/** Pieces of selector syntax, so random text often gets far into the grammar. */
const SELECTORISH_UNITS = [
  ..."abcxyz019._/-",
  ..."(){},!=&|\"' \t\n",
  "has(",
  "all(",
  "global(",
  "has",
  "in",
  "not",
  "notin",
  "contains",
  "starts",
  "with",
  "ends",
  "==",
  "!=",
  "&&",
  "||",
  '"v"',
  "'w'",
  '{"p", "q",}',
  "app.kubernetes.io/name",
  "\u00a0",
  "\uE000",
  "\u{1F600}",
];
const selectorishUnit = fc.constantFrom(...SELECTORISH_UNITS);
const selectorishText = fc.string({ unit: selectorishUnit, maxLength: 30 });
const unicodeText = fc.string({ unit: "binary", maxLength: 30 });
const codeUnitText = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n)),
  maxLength: 20,
});

type Mutation =
  | { op: "delete"; at: number; length: number }
  | { op: "insert"; at: number; text: string }
  | { op: "duplicate"; at: number; length: number }
  | { op: "swap"; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ op: fc.constant("insert" as const), at: fc.nat(), text: selectorishUnit }),
  fc.record({ op: fc.constant("duplicate" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ op: fc.constant("swap" as const), at: fc.nat() }),
);

function mutate(text: string, mutations: readonly Mutation[]): string {
  let s = text;
  for (const m of mutations) {
    const at = s.length === 0 ? 0 : m.at % (s.length + 1);
    switch (m.op) {
      case "delete":
        s = s.slice(0, at) + s.slice(at + m.length);
        break;
      case "insert":
        s = s.slice(0, at) + m.text + s.slice(at);
        break;
      case "duplicate":
        s = s.slice(0, at + m.length) + s.slice(at, at + m.length) + s.slice(at + m.length);
        break;
      case "swap":
        if (at + 1 < s.length) s = s.slice(0, at) + s[at + 1] + s[at] + s.slice(at + 2);
        break;
    }
  }
  return s;
}

const mutatedSelectors = fc
  .tuple(selectors, fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([text, mutations]) => mutate(text, mutations));

/** No lone surrogates (the reference sorts set values by their UTF-8 encoding). */
function isWellFormed(text: string): boolean {
  return Buffer.from(text, "utf8").toString("utf8") === text;
}

/** Parses with both; they must agree on accept/reject, and on the result when both accept. */
function expectAgreement(text: string): void {
  const implOk = implAccepts(text);
  expect(validateSelector(text) === undefined).toBe(implOk);
  expect(implOk).toBe(refAccepts(text));
  if (implOk && isWellFormed(text)) {
    const ref = refParse(text);
    const selector = parseSelector(text);
    expect(selector.root).toEqual(ref);
    expect(selector.toString()).toBe(refString(ref));
  }
}

// ------------------------------------------------------------------------------------------------

describe("canonical round trip", () => {
  test.prop([selectors], RUNS)("re-parsing the canonical text gives the same text and unique ID", (text) => {
    const selector = parseSelector(text);
    const canonical = selector.toString();
    const again = parseSelector(canonical);
    if (hasDoubleNegation(selector.root)) {
      // `!(!x)` prints `!!x`, which re-parses to `x` (spec §1.2, §1.4).
      expect(again.root).toEqual(collapseDoubleNegation(refParse(text)));
    } else {
      expect(again.root).toEqual(selector.root);
      expect(again.toString()).toBe(canonical);
      expect(again.uniqueId).toBe(selector.uniqueId);
    }
    // From the first re-parse on, the canonical text is a fixed point.
    const fixed = again.toString();
    expect(parseSelector(fixed).toString()).toBe(fixed);
    expect(parseSelector(fixed).uniqueId).toBe(again.uniqueId);
    expect(normaliseSelector(fixed)).toBe(fixed);
  });

  test.prop([selectors, labels], RUNS)("re-parsing the canonical text preserves evaluation", (text, labelMap) => {
    const selector = parseSelector(text);
    expect(parseSelector(selector.toString()).matches(labelMap)).toBe(selector.matches(labelMap));
  });
});

describe("agreement with the reference on generated selectors", () => {
  test.prop([deepSelectors], RUNS)("same tree, canonical text, unique ID and label restrictions", (text) => {
    const ref = refParse(text);
    const selector = parseSelector(text);
    expect(selector.root).toEqual(ref);
    expect(selector.toString()).toBe(refString(ref));
    expect(selector.uniqueId).toBe(nodeUniqueId("s", refString(ref)));
    expect(implRestrictions(selector)).toEqual(refRestrictions(ref));
  });

  test.prop([deepSelectors, labels], RUNS)(
    "matches agrees with the reference evaluator for objects, Maps and lookups",
    (text, labelMap) => {
      const expected = refEvaluate(refParse(text), refLookupIn(labelMap));
      const selector = parseSelector(text);
      expect(selector.matches(labelMap)).toBe(expected);
      expect(selector.matches(new Map(Object.entries(labelMap)))).toBe(expected);
      const nullProto = Object.assign(Object.create(null) as Record<string, string>, labelMap);
      expect(selector.matches(nullProto)).toBe(expected);
      expect(selector.matchesWith((k) => (Object.hasOwn(labelMap, k) ? labelMap[k] : undefined))).toBe(expected);
    },
  );

  test.prop([selectors, labels, labels], RUNS)(
    "matchesWith over layered labels agrees with matches over the merged labels",
    (text, own, parent) => {
      const merged = labelsObject([...Object.entries(parent), ...Object.entries(own)]);
      const lookup = (k: string): string | undefined =>
        Object.hasOwn(own, k) ? own[k] : Object.hasOwn(parent, k) ? parent[k] : undefined;
      const selector = parseSelector(text);
      expect(selector.matchesWith(lookup)).toBe(selector.matches(merged));
    },
  );
});

describe("set membership", () => {
  const setValue = fc.constantFrom(
    "web",
    "db",
    "",
    "toString",
    "__proto__",
    "constructor",
    "hasOwnProperty",
    "valueOf",
    "\uE000",
    "\u{1F600}",
    ...Array.from({ length: 16 }, (_, i) => `v${i}`),
  );

  test.prop([fc.array(setValue, { maxLength: 24 }), setValue, fc.boolean()], RUNS)(
    "in and not in test membership for small and large sets alike",
    (values, value, present) => {
      const set = `{${values.map((v) => `"${v}"`).join(", ")}}`;
      const labelMap = present ? { app: value } : {};
      const listed = present && values.includes(value);
      expect(parseSelector(`app in ${set}`).matches(labelMap)).toBe(listed);
      expect(parseSelector(`app not in ${set}`).matches(labelMap)).toBe(!listed);
      expect(parseSelector(`app in ${set}`).matches(new Map(Object.entries(labelMap)))).toBe(listed);
    },
  );
});

describe("label restrictions", () => {
  // Twenty label maps per selector, with up to ten labels each, so that a good share of the
  // selectors with restrictions meet at least one map they match.
  const manyLabels = fc.array(labelsArbitrary({ maxLabels: 10 }), { minLength: 20, maxLength: 20 });

  test.prop([deepSelectors, manyLabels], { numRuns: 400 })(
    "hold for every label map the selector matches",
    (text, labelMaps) => {
      const selector = parseSelector(text);
      const restrictions = selector.labelRestrictions();
      for (const labelMap of labelMaps) {
        if (!selector.matches(labelMap)) continue;
        for (const [label, r] of restrictions) {
          const present = Object.hasOwn(labelMap, label);
          if (r.mustBePresent) expect(present, `${label} must be present`).toBe(true);
          if (r.mustBeAbsent) expect(present, `${label} must be absent`).toBe(false);
          if (r.mustHaveOneOfValues !== null) expect(r.mustHaveOneOfValues).toContain(labelMap[label]);
        }
      }
    },
  );

  test.prop([selectors], { ...RUNS, examples: [["!(!has(app))"]] })(
    "are unchanged by wrapping the selector as all() && (<sel>)",
    (text) => {
      // Wrap the source text, not the canonical form: `!(!has(a))` prints as `!!has(a)`, which
      // re-parses to `has(a)` (see hasDoubleNegation above), so it is not the same selector.
      const selector = parseSelector(text);
      const wrapped = parseSelector(`all() && (${text.trim() === "" ? "all()" : text})`);
      expect(implRestrictions(wrapped)).toEqual(implRestrictions(selector));
    },
  );
});

describe("fuzzing the parser", () => {
  test.prop([selectorishText], FUZZ_RUNS)("random selector-like text: same verdict as the reference", (text) => {
    expectAgreement(text);
  });

  test.prop([unicodeText], RUNS)("random Unicode text: same verdict as the reference", (text) => {
    expectAgreement(text);
  });

  test.prop([codeUnitText], RUNS)("random UTF-16 code units, lone surrogates included: same verdict", (text) => {
    expectAgreement(text);
  });

  test.prop([mutatedSelectors], FUZZ_RUNS)("mutated valid selectors: same verdict as the reference", (text) => {
    expectAgreement(text);
  });

  test.prop([fc.string({ unit: "binary", maxLength: 12 }).filter((v) => !(v.includes('"') && v.includes("'")))], RUNS)(
    "any value without both quotes survives a round trip through a literal",
    (value) => {
      const quoted = value.includes('"') ? `'${value}'` : `"${value}"`;
      const selector = parseSelector(`app == ${quoted} || env in {${quoted}, "x"}`);
      expect(selector.root).toEqual(refParse(`app == ${quoted} || env in {${quoted}, "x"}`));
      expect(parseSelector(selector.toString()).root).toEqual(selector.root);
      expect(selector.matches({ app: value })).toBe(true);
      expect(selector.matches({ env: value })).toBe(true);
    },
  );

  test.prop([fc.oneof(selectorishText, unicodeText, mutatedSelectors)], RUNS)(
    "parseSelector throws nothing but SelectorSyntaxError",
    (text) => {
      try {
        parseSelector(text);
      } catch (error) {
        expect(error).toBeInstanceOf(SelectorSyntaxError);
        const e = error as SelectorSyntaxError;
        expect(e.selector).toBe(text);
        expect(e.offset).toBeGreaterThanOrEqual(0);
        expect(e.offset).toBeLessThanOrEqual(text.length);
        expect(e.line).toBe(text.slice(0, e.offset).split("\n").length);
        expect(e.column).toBe(e.offset - (text.slice(0, e.offset).lastIndexOf("\n") + 1) + 1);
      }
    },
  );
});

describe("withLabelPrefix", () => {
  const prefix = fc.oneof(
    fc.constantFrom("", "visited/", "pcns.", "pcsa.", "x"),
    fc.string({ unit: fc.constantFrom(..."abz09./-_:"), maxLength: 8 }),
  );

  test.prop([selectors, labels, prefix], RUNS)(
    "the prefixed selector on prefixed labels evaluates like the original",
    (text, labelMap, p) => {
      const selector = parseSelector(text);
      const prefixed = selector.withLabelPrefix(p);
      const prefixedLabels = labelsObject(Object.entries(labelMap).map(([k, v]) => [p + k, v] as const));
      expect(prefixed.matches(prefixedLabels)).toBe(selector.matches(labelMap));
      expect(prefixed.matches(new Map(Object.entries(prefixedLabels)))).toBe(selector.matches(labelMap));
    },
  );

  test.prop([selectors, prefix], RUNS)("prefixes exactly the label names the spec lists", (text, p) => {
    const expected = refPrefix(refParse(text), p);
    const prefixed = parseSelector(text).withLabelPrefix(p);
    expect(prefixed.root).toEqual(expected);
    expect(prefixed.toString()).toBe(refString(expected));
    expect(prefixed.uniqueId).toBe(nodeUniqueId("s", refString(expected)));
  });
});

describe("normaliseSelector", () => {
  const pad = fc.string({ unit: fc.constantFrom(...GO_WHITESPACE, "\uFEFF", "\u200B", "x"), maxLength: 4 });

  test.prop([pad, fc.oneof(selectors, selectorishText, mutatedSelectors), pad], RUNS)(
    "trims Go whitespace, then canonicalises or returns the trimmed text",
    (before, body, after) => {
      const text = before + body + after;
      expect(normaliseSelector(text)).toBe(refNormalise(text));
    },
  );
});

describe("unique IDs and byte order", () => {
  test.prop([selectors], RUNS)("a selector's unique ID is SHA-224 of s: plus its canonical text", (text) => {
    const selector = parseSelector(text);
    expect(selector.uniqueId).toBe(nodeUniqueId("s", selector.toString()));
  });

  test.prop([fc.string({ maxLength: 5 }), fc.string({ unit: "binary", maxLength: 40 })], RUNS)(
    "uniqueId(prefix, content) agrees with Node's crypto",
    (prefix, content) => {
      expect(uniqueId(prefix, content)).toBe(nodeUniqueId(prefix, content));
    },
  );

  test.prop([fc.string({ unit: "binary", maxLength: 6 }), fc.string({ unit: "binary", maxLength: 6 })], RUNS)(
    "compareByUtf8 has the sign of a UTF-8 byte comparison",
    (a, b) => {
      expect(Math.sign(compareByUtf8(a, b))).toBe(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
    },
  );
});
