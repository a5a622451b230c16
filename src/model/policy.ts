/**
 * Policy as Felix sees it: policies, profiles, tiers and their rules, after Calico's conversions
 * (selectors combined and namespace-pinned, actions lower-cased, nets masked). Selectors are kept
 * as the strings Calico builds, so IP-set identities computed from them match Felix's.
 */
import type { LabelMap } from "./endpoints.js";

/** A protocol: a lower-case name or a protocol number. */
export type Protocol = "tcp" | "udp" | "icmp" | "icmpv6" | "sctp" | "udplite" | number;

/** A port in a rule: a number range (`min === max` for one port) or a named port. */
export type RulePort =
  | {
      /** Discriminant. */
      readonly kind: "range";
      /** First port. */
      readonly min: number;
      /** Last port (inclusive). */
      readonly max: number;
    }
  | {
      /** Discriminant. */
      readonly kind: "named";
      /** The port name, resolved per endpoint. */
      readonly name: string;
    };

/** ICMP type/code match. */
export interface IcmpMatch {
  /** ICMP type, if restricted. */
  readonly type?: number;
  /** ICMP code, if restricted (requires a type). */
  readonly code?: number;
}

/** One side of a rule (source or destination), in Felix's form. */
export interface EntityMatch {
  /** Networks the peer must be in (masked CIDRs). */
  readonly nets: readonly string[];
  /** Networks the peer must not be in. */
  readonly notNets: readonly string[];
  /**
   * The combined selector (rule selector, namespace pinning or namespaceSelector, service
   * accounts), exactly as Calico builds it; `""` for none.
   */
  readonly selector: string;
  /** The negated selector, verbatim from the rule; `""` for none. */
  readonly notSelector: string;
  /** Ports the traffic must use. */
  readonly ports: readonly RulePort[];
  /** Ports the traffic must not use. */
  readonly notPorts: readonly RulePort[];
  /** A Kubernetes Service the peer must belong to. */
  readonly service?: { readonly namespace: string; readonly name: string };
}

/** Calico's rule actions, lower-cased; `Pass` is `next-tier`. */
export type RuleAction = "allow" | "deny" | "log" | "next-tier";

/** A policy or profile rule. */
export interface Rule {
  /** What to do with matching traffic. */
  readonly action: RuleAction;
  /** 4 or 6 to restrict the IP version. */
  readonly ipVersion?: 4 | 6;
  /** The protocol the traffic must use. */
  readonly protocol?: Protocol;
  /** The protocol the traffic must not use. */
  readonly notProtocol?: Protocol;
  /** ICMP type/code the traffic must have. */
  readonly icmp?: IcmpMatch;
  /** ICMP type/code the traffic must not have. */
  readonly notICMP?: IcmpMatch;
  /** Source match. */
  readonly source: EntityMatch;
  /** Destination match. */
  readonly destination: EntityMatch;
}

/** The kinds of policy resources, as Felix keys them. */
export type PolicyKind = "NetworkPolicy" | "GlobalNetworkPolicy" | "KubernetesNetworkPolicy";

/** A NetworkPolicy, GlobalNetworkPolicy or converted Kubernetes NetworkPolicy. */
export interface Policy {
  /** Discriminant. */
  readonly kind: "Policy";
  /** Which policy resource this came from. */
  readonly policyKind: PolicyKind;
  /** Owning cluster (policies of remote clusters are never applied; see federation). */
  readonly cluster: string;
  /** Namespace; `""` for a GlobalNetworkPolicy. */
  readonly namespace: string;
  /** Resource name. */
  readonly name: string;
  /** Tier name (`default` unless set). */
  readonly tier: string;
  /** Order; `undefined` sorts last. */
  readonly order?: number;
  /** The combined main selector, as Calico builds it (namespace clause, SA selector, …). */
  readonly selector: string;
  /** Which directions the policy applies to, after API defaulting. */
  readonly types: readonly ("ingress" | "egress")[];
  /** Ingress rules. */
  readonly ingress: readonly Rule[];
  /** Egress rules. */
  readonly egress: readonly Rule[];
  /** GlobalNetworkPolicy only: untracked policy. */
  readonly doNotTrack: boolean;
  /** GlobalNetworkPolicy only: applies before DNAT. */
  readonly preDNAT: boolean;
  /** GlobalNetworkPolicy only: applies to forwarded traffic. */
  readonly applyOnForward: boolean;
}

/** A profile: labels its endpoints inherit, and (for local profiles) default rules. */
export interface Profile {
  /** Discriminant. */
  readonly kind: "Profile";
  /** Owning cluster. */
  readonly cluster: string;
  /** Profile name: `kns.<ns>`, `ksa.<ns>.<sa>`, or a Calico Profile's name. */
  readonly name: string;
  /** Labels applied to endpoints that list this profile (`pcns.`/`pcsa.`-prefixed for k8s). */
  readonly labels: LabelMap;
  /** Ingress rules. */
  readonly ingress: readonly Rule[];
  /** Egress rules. */
  readonly egress: readonly Rule[];
}

/** A policy tier. */
export interface Tier {
  /** Discriminant. */
  readonly kind: "Tier";
  /** Owning cluster. */
  readonly cluster: string;
  /** Tier name. */
  readonly name: string;
  /** Order; `undefined` sorts last. */
  readonly order?: number;
}
