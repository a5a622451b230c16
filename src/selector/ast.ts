/**
 * The selector syntax tree: plain, immutable data, and its canonical text.
 *
 * Every node is a member of the {@link SelectorNode} discriminated union, told apart by `kind`.
 * The canonical form is Calico's `String()`, byte for byte, because Calico hashes it into IP-set
 * names: `!(k == 'v')` prints `!k == "v"` (Not adds no parentheses), `a && b` prints `(a && b)`
 * (And/Or always bring their own, even at top level), and set values print sorted.
 */

/** A label compared with one quoted value: `app == "web"`, `tier starts with "back"`. */
export interface ComparisonNode {
  /** `eq` (`==`), `ne` (`!=`, also true when the label is absent), `contains`, `startsWith`, `endsWith`. */
  readonly kind: "eq" | "ne" | "contains" | "startsWith" | "endsWith";
  /** The label key. */
  readonly label: string;
  /** The literal value, without quotes. */
  readonly value: string;
}

/** A label tested against a set literal: `env in {"dev", "prod"}`, `env not in {}`. */
export interface SetNode {
  /** `in` (label present with a listed value) or `notIn` (label absent, or value not listed). */
  readonly kind: "in" | "notIn";
  /** The label key. */
  readonly label: string;
  /** The set, sorted by UTF-8 byte order and without duplicates. */
  readonly values: readonly string[];
}

/** `has(label)`: the label is present, whatever its value (`""` included). */
export interface HasNode {
  /** Discriminant. */
  readonly kind: "has";
  /** The label key. */
  readonly label: string;
}

/** `all()`, which matches everything (the empty selector parses to it), or `global()`. */
export interface ConstantNode {
  /**
   * `all` or `global`. Both always match; `global()` only means something inside a rule's
   * `namespaceSelector`, where resource conversion rewrites it.
   */
  readonly kind: "all" | "global";
}

/** `!operand`. Runs of `!` collapse by parity at parse time, so `!!x` is just `x`. */
export interface NotNode {
  /** Discriminant. */
  readonly kind: "not";
  /** The negated expression. */
  readonly operand: SelectorNode;
}

/** Two or more operands joined by `&&` (`and`) or `||` (`or`), in source order. */
export interface BooleanNode {
  /** Discriminant. */
  readonly kind: "and" | "or";
  /** At least two operands. Only one chain is merged: `(a && b) && c` stays nested. */
  readonly operands: readonly SelectorNode[];
}

/** A node of a parsed selector. */
export type SelectorNode = ComparisonNode | SetNode | HasNode | ConstantNode | NotNode | BooleanNode;

const COMPARISON_OPERATORS: Readonly<Record<ComparisonNode["kind"], string>> = {
  eq: " == ",
  ne: " != ",
  contains: " contains ",
  startsWith: " starts with ",
  endsWith: " ends with ",
};

/** Calico quotes with `"` unless the value holds one; no value can hold both quote characters. */
export function quote(value: string): string {
  return value.includes('"') ? `'${value}'` : `"${value}"`;
}

/** Renders a node in Calico's canonical form. */
export function printNode(node: SelectorNode): string {
  switch (node.kind) {
    case "eq":
    case "ne":
    case "contains":
    case "startsWith":
    case "endsWith":
      return node.label + COMPARISON_OPERATORS[node.kind] + quote(node.value);
    case "in":
    case "notIn":
      return `${node.label}${node.kind === "in" ? " in {" : " not in {"}${node.values.map(quote).join(", ")}}`;
    case "has":
      return `has(${node.label})`;
    case "all":
      return "all()";
    case "global":
      return "global()";
    case "not":
      return `!${printNode(node.operand)}`;
    case "and":
      return `(${node.operands.map(printNode).join(" && ")})`;
    case "or":
      return `(${node.operands.map(printNode).join(" || ")})`;
  }
}

/**
 * Returns a copy of the tree with `prefix` prepended to every label name (Calico's PrefixVisitor):
 * plain concatenation, no validation, applied again if called twice.
 */
export function prefixLabels(node: SelectorNode, prefix: string): SelectorNode {
  switch (node.kind) {
    case "all":
    case "global":
      return node;
    case "not":
      return { kind: "not", operand: prefixLabels(node.operand, prefix) };
    case "and":
    case "or":
      return { kind: node.kind, operands: node.operands.map((op) => prefixLabels(op, prefix)) };
    default:
      return { ...node, label: prefix + node.label };
  }
}
