/**
 * selector/ — Calico's selector language: tokens, grammar, syntax tree, canonical text, unique
 * IDs, evaluation and label restrictions, exactly as Calico defines them.
 *
 * Knows nothing about endpoints, policies or indexes: it answers "does this label set match?"
 * and "what must a label set have to match?", and nothing else.
 */
export type {
  BooleanNode,
  ComparisonNode,
  ConstantNode,
  HasNode,
  NotNode,
  SelectorNode,
  SetNode,
} from "./ast.js";
export { compareByUtf8 } from "./byte-order.js";
export { SelectorSyntaxError } from "./errors.js";
export type { LabelLookup } from "./evaluate.js";
export { explainSelector, type SelectorExplanation } from "./explain.js";
export { MAX_LABEL_LENGTH } from "./lexer.js";
export { MAX_NESTING_DEPTH } from "./parser.js";
export type { LabelRestriction } from "./restrictions.js";
export { type Labels, normaliseSelector, parseSelector, type Selector, validateSelector } from "./selector.js";
