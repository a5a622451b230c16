/**
 * A brute-force model of what the engine should output for the benchmark workloads, to check the
 * counts the suites report (independently of the engine's indexes).
 *
 * Scope: the benchmark workloads only — rule sides with a positive selector and no negated
 * selector or named ports; workload endpoint nets already /32; network sets without /0.
 */
import type { LabelMap, NetworkSet, Policy, Profile, WorkloadEndpoint } from "../src/model/index.js";
import { parseSelector } from "../src/selector/selector.js";

interface OracleItem {
  readonly own: LabelMap;
  readonly profiles: readonly string[];
  readonly nets: readonly string[];
}

/** Endpoints, network sets, profile labels and policies as the benchmark sent them. */
export class Oracle {
  private readonly items = new Map<string, OracleItem>();
  private readonly profileLabels = new Map<string, LabelMap>();
  private readonly policies = new Map<string, Policy>();
  private readonly localNode: string;

  constructor(localNode: string) {
    this.localNode = localNode;
  }

  endpoint(ep: WorkloadEndpoint): void {
    this.items.set(`wep|${ep.node}|${ep.namespace}|${ep.workload}`, {
      own: ep.labels,
      profiles: ep.profiles,
      nets: ep.ipv4Nets,
    });
  }

  deleteEndpoint(ep: WorkloadEndpoint): void {
    this.items.delete(`wep|${ep.node}|${ep.namespace}|${ep.workload}`);
  }

  networkSet(set: NetworkSet): void {
    this.items.set(`netset|${set.namespace}|${set.name}`, { own: set.labels, profiles: set.profiles, nets: set.nets });
  }

  profile(profile: Profile): void {
    this.profileLabels.set(profile.name, profile.labels);
  }

  policy(policy: Policy): void {
    this.policies.set(`${policy.policyKind}|${policy.namespace}|${policy.name}`, policy);
  }

  /** Own labels first, then each profile's in order; first hit wins. */
  private lookup(item: OracleItem): (key: string) => string | undefined {
    return (key) => {
      if (Object.hasOwn(item.own, key)) return item.own[key];
      for (const name of item.profiles) {
        const labels = this.profileLabels.get(name);
        if (labels !== undefined && Object.hasOwn(labels, key)) return labels[key];
      }
      return undefined;
    };
  }

  private isLocalEndpoint(key: string): boolean {
    return key.startsWith(`wep|${this.localNode}|`);
  }

  /** Keys of the policies whose selector matches at least one local endpoint. */
  activePolicies(): Policy[] {
    const local = [...this.items].filter(([key]) => this.isLocalEndpoint(key)).map(([, item]) => this.lookup(item));
    return [...this.policies.values()].filter((policy) => {
      const selector = parseSelector(policy.selector);
      return local.some((lookup) => selector.matchesWith(lookup));
    });
  }

  /** Profile names listed by local endpoints. */
  activeProfiles(): Set<string> {
    const names = new Set<string>();
    for (const [key, item] of this.items)
      if (this.isLocalEndpoint(key)) for (const name of item.profiles) names.add(name);
    return names;
  }

  /** The selector texts of the IP sets the active policies need, by IP-set ID. */
  activeIpSets(): Map<string, string> {
    const sets = new Map<string, string>();
    for (const policy of this.activePolicies()) {
      for (const rule of [...policy.ingress, ...policy.egress]) {
        for (const side of [rule.source, rule.destination]) {
          if (side.notSelector !== "" || side.ports.some((port) => port.kind === "named")) {
            throw new Error("oracle: negated selectors and named ports are out of scope");
          }
          if (side.selector !== "") sets.set(parseSelector(side.selector).uniqueId, side.selector);
        }
      }
    }
    return sets;
  }

  /** Members of a selector IP set: the distinct nets of every item whose effective labels match. */
  members(selectorText: string): Set<string> {
    const selector = parseSelector(selectorText);
    const members = new Set<string>();
    for (const item of this.items.values()) {
      if (selector.matchesWith(this.lookup(item))) for (const net of item.nets) members.add(net);
    }
    return members;
  }

  /** Members of many selector IP sets in one pass over the items (cheaper than `members` each). */
  membersOfAll(selectorTexts: Iterable<string>): Map<string, Set<string>> {
    const selectors = [...selectorTexts].map((text) => ({ text, selector: parseSelector(text) }));
    // Index selectors by one label they require, so each item is only tested against plausible ones.
    const byLabel = new Map<string, typeof selectors>();
    const unindexed: typeof selectors = [];
    for (const entry of selectors) {
      const required = [...entry.selector.labelRestrictions()].find(([, r]) => r.mustBePresent);
      if (required === undefined) unindexed.push(entry);
      else {
        const list = byLabel.get(required[0]) ?? [];
        list.push(entry);
        byLabel.set(required[0], list);
      }
    }
    const result = new Map<string, Set<string>>(selectors.map(({ text }) => [text, new Set()]));
    for (const item of this.items.values()) {
      const lookup = this.lookup(item);
      const keys = new Set([
        ...Object.keys(item.own),
        ...item.profiles.flatMap((name) => Object.keys(this.profileLabels.get(name) ?? {})),
      ]);
      const candidates = [...unindexed];
      for (const key of keys) candidates.push(...(byLabel.get(key) ?? []));
      for (const { text, selector } of candidates) {
        if (selector.matchesWith(lookup)) for (const net of item.nets) result.get(text)!.add(net);
      }
    }
    return result;
  }
}
