import { test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { explainSelector, parseSelector, type SelectorExplanation } from "../../src/selector/index.js";
import { labelsArbitrary, selectorArbitrary } from "../../src/testing/index.js";

const lookupIn = (labels: Record<string, string>) => (name: string) =>
  Object.hasOwn(labels, name) ? labels[name] : undefined;

/** Checks every term against the plain meaning of its operator, from the leaves up. */
function checkTerm(term: SelectorExplanation, labels: Record<string, string>): void {
  const operands = term.operands ?? [];
  for (const operand of operands) checkTerm(operand, labels);
  if (term.kind === "not") expect(term.matched).toBe(!operands[0]!.matched);
  if (term.kind === "and") expect(term.matched).toBe(operands.every((o) => o.matched));
  if (term.kind === "or") expect(term.matched).toBe(operands.some((o) => o.matched));
  if (term.label !== undefined) expect(term.label.value).toBe(lookupIn(labels)(term.label.name));
  expect(parseSelector(term.text).matches(labels)).toBe(term.matched);
}

describe("explainSelector", () => {
  it("shows each term, the label it read and whether it held", () => {
    const explanation = explainSelector(parseSelector("app == 'cart' && !has(canary) || tier in {'db'}"), (name) =>
      name === "app" ? "cart" : name === "canary" ? "" : undefined,
    );
    expect(explanation).toEqual({
      kind: "or",
      text: '((app == "cart" && !has(canary)) || tier in {"db"})',
      matched: false,
      operands: [
        {
          kind: "and",
          text: '(app == "cart" && !has(canary))',
          matched: false,
          operands: [
            { kind: "eq", text: 'app == "cart"', matched: true, label: { name: "app", value: "cart" } },
            {
              kind: "not",
              text: "!has(canary)",
              matched: false,
              operands: [{ kind: "has", text: "has(canary)", matched: true, label: { name: "canary", value: "" } }],
            },
          ],
        },
        { kind: "in", text: 'tier in {"db"}', matched: false, label: { name: "tier", value: undefined } },
      ],
    });
  });

  test.prop([selectorArbitrary(), labelsArbitrary()], { numRuns: 300 })(
    "agrees with matching at the root and with the operators at every term",
    (text, labels) => {
      const selector = parseSelector(text);
      const explanation = explainSelector(selector, lookupIn(labels));
      expect(explanation.matched).toBe(selector.matches(labels));
      checkTerm(explanation, labels);
    },
  );
});
