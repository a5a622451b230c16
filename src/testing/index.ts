/*
 * fedcalc/testing — fast-check arbitraries for property-testing code that uses selectors.
 *
 * A separate entry point so the main library never loads fast-check: install `fast-check` (v4)
 * beside fedcalc to use it. The arbitraries draw labels and values from one small vocabulary, so
 * generated selectors and generated label maps meet often enough for matches to be interesting.
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { parseSelector } from "fedcalc";
 * import { labelsArbitrary, selectorArbitrary } from "fedcalc/testing";
 *
 * fc.assert(fc.property(selectorArbitrary(), labelsArbitrary(), (text, labels) => {
 *   const selector = parseSelector(text);
 *   return parseSelector(selector.toString()).matches(labels) === selector.matches(labels);
 * }));
 * ```
 */
import fc from "fast-check";

/** Label keys the arbitraries use by default: Kubernetes-style keys, and keys that are operator words. */
export const DEFAULT_LABEL_KEYS: readonly string[] = [
  "app",
  "tier",
  "env",
  "app.kubernetes.io/name",
  "projectcalico.org/namespace",
  "contains",
  "in",
  "has",
  "__proto__",
  "constructor",
];

/**
 * Label values the arbitraries use by default: plain words, the empty string, values holding a
 * quote or whitespace, and characters whose UTF-16 order differs from their UTF-8 byte order.
 */
export const DEFAULT_LABEL_VALUES: readonly string[] = [
  "web",
  "db",
  "prod",
  "",
  "a b",
  'say "hi"',
  "it's",
  "\uE000",
  "\u{1F600}",
  "web-1",
];

/** Options for {@link selectorArbitrary}. */
export interface SelectorArbitraryOptions {
  /** How deeply expressions may nest (parentheses, `!`, `&&`/`||` chains). Default 3. */
  readonly maxDepth?: number;
  /** Label keys to draw from; each must be a valid identifier (`[a-zA-Z0-9_./-]{1,512}`). */
  readonly labelKeys?: readonly string[];
  /** Label values to draw from; none may contain both `"` and `'`. */
  readonly labelValues?: readonly string[];
}

/** Options for {@link labelsArbitrary}. */
export interface LabelsArbitraryOptions {
  /** Label keys to draw from. */
  readonly labelKeys?: readonly string[];
  /** Label values to draw from. */
  readonly labelValues?: readonly string[];
  /** Largest number of labels in one map. Default 6. */
  readonly maxLabels?: number;
}

const blank = fc.constantFrom("", " ", "  ", "\t");

function quoted(value: string): fc.Arbitrary<string> {
  if (value.includes('"')) return fc.constant(`'${value}'`);
  if (value.includes("'")) return fc.constant(`"${value}"`);
  return fc.constantFrom(`"${value}"`, `'${value}'`);
}

/** Joins parts with random space/tab runs between them (where the grammar allows any). */
function spaced(...parts: fc.Arbitrary<string>[]): fc.Arbitrary<string> {
  return fc
    .tuple(...parts.map((part) => fc.tuple(blank, part)))
    .map((pairs) => pairs.map(([space, part]) => space + part).join(""));
}

/**
 * Well-formed selector text in Calico's syntax, in all its spellings: either quote, `notin` and
 * `not in`, `startswith` and `starts  with`, trailing commas in sets, runs of `!`, redundant
 * parentheses, `has( label )`, `all()`, `global()`, the empty selector, and spaces or tabs
 * between tokens. Every generated string parses.
 */
export function selectorArbitrary(options: SelectorArbitraryOptions = {}): fc.Arbitrary<string> {
  const keys = fc.constantFrom(...(options.labelKeys ?? DEFAULT_LABEL_KEYS));
  const value = fc.constantFrom(...(options.labelValues ?? DEFAULT_LABEL_VALUES)).chain(quoted);
  const maxDepth = options.maxDepth ?? 3;

  // A word operator needs a blank after the label, or the two would read as one longer label.
  const operator = (...spellings: string[]) =>
    fc
      .tuple(fc.constantFrom(...spellings), blank, fc.constantFrom(" ", "\t", "  "))
      .map(([op, optional, required]) => (/^[a-z]/.test(op) ? required : optional) + op);
  const comparison = fc
    .tuple(
      keys,
      operator("==", "!=", "contains", "starts with", "startswith", "starts\twith", "ends with", "endswith"),
      blank,
      value,
    )
    .map((parts) => parts.join(""));
  const set = fc
    .tuple(fc.array(value, { maxLength: 4 }), fc.boolean(), blank)
    .map(([items, trailingComma, space]) =>
      items.length === 0 ? `{${space}}` : `{${items.join(`,${space}`)}${trailingComma ? "," : ""}}`,
    );
  const membership = fc
    .tuple(keys, operator("in", "not in", "notin", "not  in"), blank, set)
    .map((parts) => parts.join(""));
  const has = fc.tuple(keys, blank, blank).map(([key, before, after]) => `has(${before}${key}${after})`);
  const constant = fc.constantFrom("all()", "all( )", "global()");
  const leaf = fc.oneof(
    { weight: 4, arbitrary: comparison },
    { weight: 3, arbitrary: membership },
    { weight: 3, arbitrary: has },
    { weight: 1, arbitrary: constant },
  );

  const expression = (depth: number): fc.Arbitrary<string> => {
    if (depth <= 0) return leaf;
    const inner = fc.constant(null).chain(() => expression(depth - 1));
    return fc.oneof(
      { weight: 3, arbitrary: leaf },
      { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 3 }), inner).map(([n, e]) => `${"!".repeat(n)}${e}`) },
      { weight: 1, arbitrary: spaced(fc.constant("("), inner, fc.constant(")")) },
      {
        weight: 2,
        arbitrary: fc
          .tuple(fc.constantFrom("&&", "||"), fc.array(inner, { minLength: 2, maxLength: 4 }), blank)
          .map(([op, operands, space]) => operands.join(`${space}${op}${space}`)),
      },
    );
  };

  return fc.oneof({ weight: 20, arbitrary: spaced(expression(maxDepth), blank) }, { weight: 1, arbitrary: blank });
}

/** Label maps (plain objects) drawn from the same vocabulary as {@link selectorArbitrary}. */
export function labelsArbitrary(options: LabelsArbitraryOptions = {}): fc.Arbitrary<Record<string, string>> {
  const keys = options.labelKeys ?? DEFAULT_LABEL_KEYS;
  const values = options.labelValues ?? DEFAULT_LABEL_VALUES;
  return fc
    .uniqueArray(fc.tuple(fc.constantFrom(...keys), fc.constantFrom(...values)), {
      maxLength: options.maxLabels ?? 6,
      selector: ([key]) => key,
    })
    .map((entries) => {
      // defineProperty, not assignment: `labels["__proto__"] = v` would set the prototype.
      const labels: Record<string, string> = {};
      for (const [key, value] of entries) {
        Object.defineProperty(labels, key, { value, enumerable: true, writable: true, configurable: true });
      }
      return labels;
    });
}
