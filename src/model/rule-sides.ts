/**
 * Walking rules side by side, in the order rule-by-rule reports use (calicoq's among them):
 * ingress then egress, rules in order, each rule's source then destination. The same walk serves
 * model rules and the engine's parsed ones.
 */

/**
 * Ingress and egress rule lists, as policies and profiles hold them (model or parsed).
 * @typeParam Side - what a rule holds on each side (`EntityMatch`, or `ParsedEntity` once parsed)
 */
export interface RuleLists<Side> {
  /** Ingress rules. */
  readonly ingress: readonly { readonly source: Side; readonly destination: Side }[];
  /** Egress rules. */
  readonly egress: readonly { readonly source: Side; readonly destination: Side }[];
}

/**
 * One side of one rule, with where it stands.
 * @typeParam Side - what the rule holds on that side
 */
export interface RuleSideAt<Side> {
  /** Which rule list. */
  readonly direction: "ingress" | "egress";
  /** Zero-based index of the rule in its list. */
  readonly index: number;
  /** Which side of the rule. */
  readonly side: "source" | "destination";
  /** What the rule holds on that side. */
  readonly match: Side;
}

/** Every side of every rule of `lists`: ingress then egress, rules in order, source then destination. */
export function* ruleSides<Side>(lists: RuleLists<Side>): Generator<RuleSideAt<Side>> {
  for (const direction of ["ingress", "egress"] as const) {
    for (const [index, rule] of lists[direction].entries()) {
      for (const side of ["source", "destination"] as const) yield { direction, index, side, match: rule[side] };
    }
  }
}
