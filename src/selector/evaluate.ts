/**
 * Compiles a syntax tree once into nested closures, so matching an endpoint is a chain of direct
 * calls with the label names and values already bound, and never a walk over a generic tree.
 *
 * Labels are read through a {@link LabelLookup}: a function from label name to value, `undefined`
 * meaning absent. That keeps the matcher blind to where labels live (a plain object, a Map, or an
 * endpoint's own labels layered over its profiles' labels).
 */
import type { SelectorNode } from "./ast.js";

/** Returns the value of a label, or `undefined` when the label is absent. */
export type LabelLookup = (label: string) => string | undefined;

/** A compiled selector. */
export type Matcher = (lookup: LabelLookup) => boolean;

const always: Matcher = () => true;

/** Sets this small are faster to scan than to hash. */
const LINEAR_SET_LIMIT = 8;

export function compile(node: SelectorNode): Matcher {
  switch (node.kind) {
    case "eq": {
      const { label, value } = node;
      return (get) => get(label) === value;
    }
    case "ne": {
      const { label, value } = node;
      return (get) => get(label) !== value;
    }
    case "contains": {
      const { label, value } = node;
      return (get) => get(label)?.includes(value) ?? false;
    }
    case "startsWith": {
      const { label, value } = node;
      return (get) => get(label)?.startsWith(value) ?? false;
    }
    case "endsWith": {
      const { label, value } = node;
      return (get) => get(label)?.endsWith(value) ?? false;
    }
    case "in": {
      const { label } = node;
      const isMember = membership(node.values);
      return (get) => {
        const v = get(label);
        return v !== undefined && isMember(v);
      };
    }
    case "notIn": {
      const { label } = node;
      const isMember = membership(node.values);
      return (get) => {
        const v = get(label);
        return v === undefined || !isMember(v);
      };
    }
    case "has": {
      const { label } = node;
      return (get) => get(label) !== undefined;
    }
    case "all":
    case "global":
      return always;
    case "not": {
      const operand = compile(node.operand);
      return (get) => !operand(get);
    }
    case "and": {
      const operands = node.operands.map(compile);
      if (operands.length === 2) {
        const [a, b] = operands as [Matcher, Matcher];
        return (get) => a(get) && b(get);
      }
      return (get) => operands.every((m) => m(get));
    }
    case "or": {
      const operands = node.operands.map(compile);
      if (operands.length === 2) {
        const [a, b] = operands as [Matcher, Matcher];
        return (get) => a(get) || b(get);
      }
      return (get) => operands.some((m) => m(get));
    }
  }
}

function membership(values: readonly string[]): (value: string) => boolean {
  if (values.length <= LINEAR_SET_LIMIT) return (v) => values.includes(v);
  const set = new Set(values);
  return (v) => set.has(v);
}

/** Reads labels from a Map or from a plain object's own properties (never its prototype chain). */
export function lookupIn(labels: Readonly<Record<string, string>> | ReadonlyMap<string, string>): LabelLookup {
  if (labels instanceof Map) return (label) => labels.get(label);
  const record = labels as Readonly<Record<string, string>>;
  return (label) => (Object.hasOwn(record, label) ? record[label] : undefined);
}
