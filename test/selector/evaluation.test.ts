/**
 * Evaluation (spec §1.3): every row of the node table, absent labels, labels given as plain
 * objects, null-prototype objects and Maps, and keys that collide with Object.prototype.
 */
import { describe, expect, it } from "vitest";
import { type LabelLookup, parseSelector } from "../../src/index.js";
import { labelsObject } from "./helpers.js";
import { refEvaluate, refLookupIn, refParse } from "./reference.js";

type Row = readonly [selector: string, labels: Record<string, string>, expected: boolean];

const TABLE: readonly Row[] = [
  // LabelEqValue: present and equal.
  ['app.kubernetes.io/name == "checkout"', { "app.kubernetes.io/name": "checkout" }, true],
  ['app.kubernetes.io/name == "checkout"', { "app.kubernetes.io/name": "cart" }, false],
  ['app.kubernetes.io/name == "checkout"', { "app.kubernetes.io/name": "Checkout" }, false],
  ['app.kubernetes.io/name == "checkout"', { app: "checkout" }, false],
  ['app.kubernetes.io/name == "checkout"', {}, false],
  ['app == ""', { app: "" }, true],
  ['app == ""', {}, false],
  // LabelNeValue: absent, or different.
  ['tier != "db"', { tier: "db" }, false],
  ['tier != "db"', { tier: "web" }, true],
  ['tier != "db"', { tier: "" }, true],
  ['tier != "db"', {}, true],
  // LabelContainsValue: present and substring; "" matches any present value.
  ['image contains "ecko"', { image: "checkout" }, true],
  ['image contains "ecko"', { image: "cart" }, false],
  ['image contains "ecko"', {}, false],
  ['image contains ""', { image: "" }, true],
  ['image contains ""', { image: "x" }, true],
  ['image contains ""', {}, false],
  ['image contains "\u{1F600}"', { image: "a\u{1F600}b" }, true],
  // LabelStartsWithValue.
  ['version starts with "v1."', { version: "v1.2" }, true],
  ['version starts with "v1."', { version: "xv1.2" }, false],
  ['version starts with "v1."', {}, false],
  ['version starts with ""', { version: "" }, true],
  // LabelEndsWithValue.
  ['host ends with ".internal"', { host: "db.internal" }, true],
  ['host ends with ".internal"', { host: "db.internal.example" }, false],
  ['host ends with ".internal"', {}, false],
  ['host ends with ""', { host: "" }, true],
  // LabelInSet: present and listed; in {} never matches.
  ['projectcalico.org/namespace in {"payments", "shop"}', { "projectcalico.org/namespace": "shop" }, true],
  ['projectcalico.org/namespace in {"payments", "shop"}', { "projectcalico.org/namespace": "dev" }, false],
  ['projectcalico.org/namespace in {"payments", "shop"}', {}, false],
  ['env in {""}', { env: "" }, true],
  ["env in {}", { env: "" }, false],
  ["env in {}", { env: "prod" }, false],
  ["env in {}", {}, false],
  // LabelNotInSet: absent, or not listed; not in {} always matches.
  ['env not in {"prod", "staging"}', { env: "prod" }, false],
  ['env not in {"prod", "staging"}', { env: "dev" }, true],
  ['env not in {"prod", "staging"}', {}, true],
  ["env not in {}", { env: "prod" }, true],
  ["env not in {}", {}, true],
  // Has: present, empty value included.
  ["has(app)", { app: "" }, true],
  ["has(app)", { app: "web" }, true],
  ["has(app)", { other: "app" }, false],
  ["has(app)", {}, false],
  // All and Global: always.
  ["all()", {}, true],
  ["all()", { app: "web" }, true],
  ["global()", {}, true],
  ["", {}, true],
  // Not.
  ["!has(app)", {}, true],
  ["!has(app)", { app: "" }, false],
  ["!all()", {}, false],
  ['!app == "web"', {}, true],
  ['!app == "web"', { app: "web" }, false],
  ['!app == "web"', { app: "db" }, true],
  // And / Or.
  ['app == "web" && tier == "fe"', { app: "web", tier: "fe" }, true],
  ['app == "web" && tier == "fe"', { app: "web" }, false],
  ['app == "web" && tier == "fe"', { tier: "fe" }, false],
  ['app == "web" || tier == "fe"', { tier: "fe" }, true],
  ['app == "web" || tier == "fe"', { app: "web" }, true],
  ['app == "web" || tier == "fe"', {}, false],
  ["has(a) || has(b) && has(c)", { a: "" }, true],
  ["(has(a) || has(b)) && has(c)", { a: "" }, false],
  ["!(has(a) || has(b))", { b: "" }, false],
  ["!(has(a) || has(b))", {}, true],
];

describe("evaluation table", () => {
  it.each(TABLE)("%j on %j is %s", (text, labels, expected) => {
    const selector = parseSelector(text);
    expect(selector.matches(labels)).toBe(expected);
    expect(selector.matches(new Map(Object.entries(labels)))).toBe(expected);
    expect(selector.matchesWith((label) => (Object.hasOwn(labels, label) ? labels[label] : undefined))).toBe(expected);
    expect(refEvaluate(refParse(text), refLookupIn(labels))).toBe(expected);
  });
});

describe("equivalent predicates", () => {
  const samples: Record<string, string>[] = [{}, { a: "x" }, { a: "y" }, { a: "" }, { b: "x" }];

  it.each([
    ['!a == "x"', 'a != "x"'],
    ['!a in {"x", "y"}', 'a not in {"x", "y"}'],
    ["!a in {}", "a not in {}"],
    ["!has(a)", "!has(a) && all()"],
    ['!a != "x"', 'a == "x"'],
  ])("%j matches exactly when %j does", (left, right) => {
    for (const labels of samples) {
      expect(parseSelector(left).matches(labels)).toBe(parseSelector(right).matches(labels));
    }
  });
});

const PROTOTYPE_KEYS = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"] as const;

describe("keys that Object.prototype also has", () => {
  it.each(PROTOTYPE_KEYS)("finds %s when it is an own key of a parsed JSON object", (key) => {
    const labels = JSON.parse(`{${JSON.stringify(key)}: "x"}`) as Record<string, string>;
    expect(Object.hasOwn(labels, key)).toBe(true);
    expect(parseSelector(`${key} == "x"`).matches(labels)).toBe(true);
    expect(parseSelector(`has(${key})`).matches(labels)).toBe(true);
    expect(parseSelector(`${key} in {"x", "y"}`).matches(labels)).toBe(true);
    expect(parseSelector(`${key} != "x"`).matches(labels)).toBe(false);
  });

  it.each(PROTOTYPE_KEYS)("finds %s in a null-prototype object", (key) => {
    const labels = Object.create(null) as Record<string, string>;
    labels[key] = "x";
    expect(Object.hasOwn(labels, key)).toBe(true);
    expect(parseSelector(`${key} == "x"`).matches(labels)).toBe(true);
    expect(parseSelector(`!has(${key})`).matches(labels)).toBe(false);
  });

  it.each(PROTOTYPE_KEYS)("finds %s in a Map", (key) => {
    const labels = new Map([[key, "x"]]);
    expect(parseSelector(`${key} == "x"`).matches(labels)).toBe(true);
    expect(parseSelector(`${key} starts with "x"`).matches(labels)).toBe(true);
    expect(parseSelector(`has(${key})`).matches(new Map())).toBe(false);
  });

  it.each(PROTOTYPE_KEYS)("treats %s as absent when only Object.prototype has it", (key) => {
    const labels: Record<string, string> = {};
    expect(parseSelector(`has(${key})`).matches(labels)).toBe(false);
    expect(parseSelector(`!has(${key})`).matches(labels)).toBe(true);
    expect(parseSelector(`${key} contains ""`).matches(labels)).toBe(false);
    expect(parseSelector(`${key} starts with ""`).matches(labels)).toBe(false);
    expect(parseSelector(`${key} != "x"`).matches(labels)).toBe(true);
    expect(parseSelector(`${key} not in {"x"}`).matches(labels)).toBe(true);
    expect(parseSelector(`${key} in {"x"}`).matches(labels)).toBe(false);
    expect(parseSelector(`has(${key})`).matches(Object.create(null) as Record<string, string>)).toBe(false);
  });

  it("still finds other labels when hasOwnProperty is itself an own label", () => {
    const labels = JSON.parse('{"hasOwnProperty": "x", "app": "web"}') as Record<string, string>;
    expect(parseSelector('app == "web" && hasOwnProperty == "x"').matches(labels)).toBe(true);
    expect(parseSelector("has(tier)").matches(labels)).toBe(false);
  });

  it("reads own labels only, not labels on the object's prototype", () => {
    const labels = Object.create({ app: "web" }) as Record<string, string>;
    expect(parseSelector("has(app)").matches(labels)).toBe(false);
    expect(parseSelector('app == "web"').matches(labels)).toBe(false);
  });

  it("treats __proto__ set with defineProperty as an ordinary label", () => {
    const labels = labelsObject([
      ["__proto__", "web"],
      ["app", "shop"],
    ]);
    expect(parseSelector('__proto__ == "web" && app == "shop"').matches(labels)).toBe(true);
    expect(parseSelector('__proto__ == "shop"').matches(labels)).toBe(false);
  });
});

describe("matchesWith", () => {
  it("reads layered labels through the lookup, first hit winning", () => {
    const own: Record<string, string> = { app: "web" };
    const parents: Record<string, string>[] = [
      { app: "db", env: "prod" },
      { env: "dev", tier: "fe" },
    ];
    const lookup: LabelLookup = (label) => {
      for (const layer of [own, ...parents]) if (Object.hasOwn(layer, label)) return layer[label];
      return undefined;
    };
    expect(parseSelector('app == "web"').matchesWith(lookup)).toBe(true);
    expect(parseSelector('app == "db"').matchesWith(lookup)).toBe(false);
    expect(parseSelector('env == "prod"').matchesWith(lookup)).toBe(true);
    expect(parseSelector('tier == "fe" && !has(zone)').matchesWith(lookup)).toBe(true);
  });
});
