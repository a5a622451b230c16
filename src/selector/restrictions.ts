/**
 * Label restrictions: necessary conditions a selector puts on labels, used to index selectors by
 * the labels an endpoint must have to match (Calico's `LabelRestrictions`).
 *
 * They are a lower bound, never a full description. For `app == "web" && tier != "db"`:
 * `app` must be present with value `web`; nothing is known about `tier` (absent also matches).
 * Calico's exact rules, which the candidate index and IP-set naming rely on:
 * - `==` and `in` limit the values (`in {}` only requires presence); `has`, `contains`,
 *   `starts with`, `ends with` require presence; `!has(x)` requires absence; every other form,
 *   and any other negation, says nothing.
 * - `&&` combines every operand's restrictions, intersecting value lists (possibly to none: the
 *   selector can never match).
 * - `||` keeps only labels restricted by *every* operand, and only labels of the first operand.
 */
import type { SelectorNode } from "./ast.js";
import { sortedUniqueByUtf8 } from "./byte-order.js";

/** What a selector requires of one label, for the selector to match. */
export interface LabelRestriction {
  /** The label must be present. */
  readonly mustBePresent: boolean;
  /** The label must be absent. */
  readonly mustBeAbsent: boolean;
  /**
   * The label's value must be one of these; `null` means no value limit, and an empty list means
   * the selector cannot match.
   */
  readonly mustHaveOneOfValues: readonly string[] | null;
}

interface Draft {
  present: boolean;
  absent: boolean;
  values: string[] | null;
}

type Drafts = Map<string, Draft>;

/** Calico's LabelRestrictions for a tree; an empty map stands for Calico's `nil`. */
export function labelRestrictions(node: SelectorNode): ReadonlyMap<string, LabelRestriction> {
  const drafts = restrict(node);
  const result = new Map<string, LabelRestriction>();
  if (drafts === null) return result;
  for (const [label, d] of drafts) {
    result.set(label, { mustBePresent: d.present, mustBeAbsent: d.absent, mustHaveOneOfValues: d.values });
  }
  return result;
}

function only(label: string, draft: Draft): Drafts {
  return new Map([[label, draft]]);
}

function restrict(node: SelectorNode): Drafts | null {
  switch (node.kind) {
    case "eq":
      return only(node.label, { present: true, absent: false, values: [node.value] });
    case "in":
      return only(node.label, {
        present: true,
        absent: false,
        values: node.values.length > 0 ? [...node.values] : null,
      });
    case "has":
    case "contains":
    case "startsWith":
    case "endsWith":
      return only(node.label, { present: true, absent: false, values: null });
    case "not":
      return node.operand.kind === "has"
        ? only(node.operand.label, { present: false, absent: true, values: null })
        : null;
    case "and":
      return restrictAnd(node.operands);
    case "or":
      return restrictOr(node.operands);
    default:
      return null;
  }
}

function restrictAnd(operands: readonly SelectorNode[]): Drafts | null {
  const acc: Drafts = new Map();
  for (const operand of operands) {
    const drafts = restrict(operand);
    if (drafts === null) continue;
    for (const [label, d] of drafts) {
      const seen = acc.get(label);
      if (seen === undefined) {
        acc.set(label, { present: d.present, absent: d.absent, values: d.values && [...d.values] });
        continue;
      }
      seen.present ||= d.present;
      seen.absent ||= d.absent;
      if (seen.values === null) seen.values = d.values && [...d.values];
      else if (d.values !== null) {
        const allowed = new Set(d.values);
        seen.values = seen.values.filter((v) => allowed.has(v));
      }
    }
  }
  return acc.size > 0 ? acc : null;
}

function restrictOr(operands: readonly SelectorNode[]): Drafts | null {
  const acc = restrict(operands[0]!);
  if (acc === null) return null;
  for (const operand of operands.slice(1)) {
    const drafts = restrict(operand);
    for (const [label, seen] of acc) {
      const d = drafts?.get(label);
      const present = seen.present && (d?.present ?? false);
      if (!present || seen.values === null || d?.values == null) seen.values = null;
      else {
        const union = sortedUniqueByUtf8(seen.values);
        for (const v of d.values) if (!union.includes(v)) union.push(v);
        seen.values = union;
      }
      seen.present = present;
      seen.absent = seen.absent && (d?.absent ?? false);
      if (!seen.present && !seen.absent) acc.delete(label);
    }
  }
  return acc.size > 0 ? acc : null;
}
