/**
 * Explaining a match: which terms of a selector hold for a label set, and which label each term
 * read, so a person can see why a selector does or does not select an endpoint.
 *
 * Each term is judged by the same compiled evaluator that matching uses, so an explanation can
 * never disagree with `Selector.matchesWith`.
 */
import { printNode, type SelectorNode } from "./ast.js";
import { compile, type LabelLookup } from "./evaluate.js";
import type { Selector } from "./selector.js";

/** One term of a selector, judged against a label set. */
export interface SelectorExplanation {
  /** The term's kind, as in the syntax tree (`and`, `or`, `not`, `eq`, `has`, …). */
  readonly kind: SelectorNode["kind"];
  /** The term in canonical form (`app == "cart"`, `(a && b)`). */
  readonly text: string;
  /** Whether the term holds. */
  readonly matched: boolean;
  /** For a term that reads one label: its name and value (`undefined` when absent). */
  readonly label?: { readonly name: string; readonly value: string | undefined };
  /** For `&&`, `||` and `!`: the terms inside, in order (all of them, not only those evaluated). */
  readonly operands?: readonly SelectorExplanation[];
}

function explainNode(node: SelectorNode, lookup: LabelLookup): SelectorExplanation {
  const term = { kind: node.kind, text: printNode(node), matched: compile(node)(lookup) };
  switch (node.kind) {
    case "all":
    case "global":
      return term;
    case "not":
      return { ...term, operands: [explainNode(node.operand, lookup)] };
    case "and":
    case "or":
      return { ...term, operands: node.operands.map((operand) => explainNode(operand, lookup)) };
    default:
      return { ...term, label: { name: node.label, value: lookup(node.label) } };
  }
}

/**
 * Explains how `selector` judges the labels read through `lookup`: the whole selector at the
 * root, each `&&`/`||`/`!` with its operands, and each label test with the value it read.
 */
export function explainSelector(selector: Selector, lookup: LabelLookup): SelectorExplanation {
  return explainNode(selector.root, lookup);
}
