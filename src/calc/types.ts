/**
 * The engine's outputs, as plain data: IP sets (Felix's identities), parsed rules that reference
 * them, and the deltas a consumer applies between flushes.
 */
import type { RemoteClusterStatus } from "../federation/rcc.js";
import type { RemoteClusterInfo } from "../federation/registry.js";
import type { Diagnostic, ModelResource, Policy, PolicyKind, Rule } from "../model/index.js";

/** `net`: CIDR members (`10.0.0.1/32`). `ip-and-port`: IP+port members (`10.0.0.1,tcp:8080`). */
export type IpSetType = "net" | "ip-and-port";

/** The protocol of a named-port IP set: `any` when the rule names no protocol. */
export type NamedPortProtocol = "tcp" | "udp" | "sctp" | "any";

/** An active IP set, as Felix would program it. */
export interface IpSetInfo {
  /** Felix's ID: `s:…` for a selector set, `n:…` for a named-port set. */
  readonly id: string;
  /** Member type. */
  readonly type: IpSetType;
  /** The selector (canonical form) whose endpoints are members. */
  readonly selector: string;
  /** For a named-port set: the port name and protocol. */
  readonly namedPort?: { readonly name: string; readonly protocol: NamedPortProtocol };
}

/** A numeric port range in a parsed rule (`min === max` for one port). */
export interface PortRange {
  /** First port. */
  readonly min: number;
  /** Last port (inclusive). */
  readonly max: number;
}

/** One side of a parsed rule: nets, numeric ports, and the IP sets that stand for selectors and named ports. */
export interface ParsedEntity {
  /** Networks the peer must be in. */
  readonly nets: readonly string[];
  /** Networks the peer must not be in. */
  readonly notNets: readonly string[];
  /** Numeric ports the traffic must use. */
  readonly ports: readonly PortRange[];
  /** Numeric ports the traffic must not use. */
  readonly notPorts: readonly PortRange[];
  /** The peer must be in one of these selector IP sets (at most one in practice). */
  readonly ipSetIds: readonly string[];
  /** The peer must not be in these selector IP sets. */
  readonly notIpSetIds: readonly string[];
  /** The peer and port must be in one of these named-port IP sets. */
  readonly namedPortIpSetIds: readonly string[];
  /** The peer and port must not be in these named-port IP sets. */
  readonly notNamedPortIpSetIds: readonly string[];
}

/**
 * A rule with its selectors and named ports replaced by IP-set IDs, as Felix's dataplane sees it:
 * the model Rule's action and protocol/ICMP matches, with parsed sides.
 */
export interface ParsedRule extends Omit<Rule, "source" | "destination"> {
  /** Source side. */
  readonly source: ParsedEntity;
  /** Destination side. */
  readonly destination: ParsedEntity;
}

/** Identifies a policy across clusters and kinds. */
export interface PolicyRef {
  /** Owning cluster (always `""`: only local policies are ever active). */
  readonly cluster: string;
  /** Policy kind. */
  readonly policyKind: PolicyKind;
  /** Namespace (`""` for global policies). */
  readonly namespace: string;
  /** Name. */
  readonly name: string;
}

/**
 * An active policy with parsed rules: the model Policy's identity and settings, with its main
 * selector normalised and its rules referring to IP sets.
 */
export interface ParsedPolicy
  extends PolicyRef,
    Pick<Policy, "tier" | "order" | "types" | "doNotTrack" | "preDNAT" | "applyOnForward"> {
  /** The main selector, normalised. */
  readonly selector: string;
  /** Parsed ingress rules. */
  readonly ingress: readonly ParsedRule[];
  /** Parsed egress rules. */
  readonly egress: readonly ParsedRule[];
}

/** An active profile with parsed rules. */
export interface ParsedProfile {
  /** Profile name (local cluster). */
  readonly name: string;
  /** Parsed ingress rules (deny-all when the profile's rules are unknown, as Felix does). */
  readonly ingress: readonly ParsedRule[];
  /** Parsed egress rules. */
  readonly egress: readonly ParsedRule[];
}

/**
 * What changed since the previous flush, coalesced: something that appeared and disappeared again
 * within the batch is absent, and updates carry only the latest version. Replaying a delta onto
 * the state after the previous flush gives the current state: remove `ipSetsRemoved` (with their
 * members), add `ipSetsAdded`, then apply `membersRemoved` and `membersAdded`.
 */
export interface EngineDelta {
  /** IP sets that became active. */
  readonly ipSetsAdded: IpSetInfo[];
  /** IP sets that became inactive (their members are gone with them; no member removals are listed). */
  readonly ipSetsRemoved: string[];
  /** Members added, by IP-set ID (sorted). */
  readonly membersAdded: Map<string, string[]>;
  /** Members removed, by IP-set ID (sorted). */
  readonly membersRemoved: Map<string, string[]>;
  /** Policies that became active. */
  readonly policiesActivated: ParsedPolicy[];
  /** Active policies whose content changed. */
  readonly policiesUpdated: ParsedPolicy[];
  /** Policies that became inactive. */
  readonly policiesDeactivated: PolicyRef[];
  /** Profiles that became active. */
  readonly profilesActivated: ParsedProfile[];
  /** Active profiles whose rules changed. */
  readonly profilesUpdated: ParsedProfile[];
  /** Profiles that became inactive. */
  readonly profilesDeactivated: string[];
}

/** Options for {@link createPolicyEngine}. */
export interface PolicyEngineOptions {
  /**
   * Compute for one node, as Felix does: only endpoints on this node activate policies and
   * profiles. Without it, every local endpoint does (a whole-cluster view, for controllers).
   */
  readonly node?: string;
  /**
   * Beyond Calico (which keeps a disconnected cluster's endpoints indefinitely): drop a remote
   * cluster's data once it has been `ConnectionFailed` this long, checked at each `flush()`.
   */
  readonly remoteDataTtlMs?: number;
  /**
   * Beyond Calico (off by default, so output stays Calico-exact): give every endpoint and network
   * set a label `key` naming its cluster (`localName` for the local one), so rule selectors can
   * say "only pods of cluster east" (`fedcalc.io/cluster == 'east'`). It wins over a label of
   * the same key that the endpoint or one of its profiles has.
   */
  readonly clusterLabel?: { readonly key: string; readonly localName: string };
  /** The clock for status times and the time-to-live (milliseconds since the epoch); `Date.now` by default. */
  readonly now?: () => number;
}

/** Names a raw resource to remove: its kind, name and namespace as written in it. */
export interface ResourceRef {
  /** Kind, e.g. `Pod`, `NetworkPolicy`. */
  readonly kind: string;
  /** Name. */
  readonly name: string;
  /** Namespace, for namespaced kinds. */
  readonly namespace?: string;
  /**
   * API version, to tell apart kinds that exist in both Kubernetes and Calico
   * (`NetworkPolicy`); without it, every resource matching kind, namespace and name is removed.
   */
  readonly apiVersion?: string;
}

/** An endpoint or network set as queries report it. */
export interface EndpointMatch {
  /** calicoq-style ID (`[<cluster>/]<node>/k8s/<ns>.<pod>/eth0`, `[<cluster>/]<node>/<hep>`, `[<cluster>/]<ns>/<netset>`). */
  readonly id: string;
  /** `WorkloadEndpoint`, `HostEndpoint` or `NetworkSet`. */
  readonly kind: "WorkloadEndpoint" | "HostEndpoint" | "NetworkSet";
  /** Owning cluster (`""` local). */
  readonly cluster: string;
}

/** A rule side whose selector matches an endpoint (as calicoq's "rule matches" report them). */
export interface RuleMatch {
  /** The policy (a local one) or, for profile rules, `undefined`. */
  readonly policy?: PolicyRef;
  /** The profile, for profile rules. */
  readonly profile?: string;
  /** Which rule list. */
  readonly direction: "ingress" | "egress";
  /** Index of the rule in that list. */
  readonly ruleIndex: number;
  /** Which side of the rule selects the endpoint. */
  readonly side: "source" | "destination";
  /** True when the endpoint matches the side's `notSelector` (the rule excludes it). */
  readonly negated: boolean;
}

/** The policies and profiles that apply to an endpoint, in the order Felix evaluates them. */
export interface AppliedPolicies {
  /** Local policies whose main selector matches the endpoint, ordered by tier, order and name. */
  readonly policies: readonly PolicyRef[];
  /** The endpoint's profiles, in order. */
  readonly profiles: readonly string[];
}

/** The incremental policy engine: resources in, IP-set and policy deltas out. */
export interface PolicyEngine {
  /**
   * Adds or replaces a raw Kubernetes or Calico resource (as `kubectl`/`calicoctl` print it) of a
   * cluster (`""`, the default, is local). Returns the conversion's diagnostics; never throws on
   * user data.
   */
  upsert(resource: unknown, options?: { readonly cluster?: string }): Diagnostic[];
  /** Removes a resource previously upserted; unknown references are ignored. */
  remove(ref: ResourceRef, options?: { readonly cluster?: string }): void;
  /**
   * Adds or replaces one model object directly, for callers that convert or generate model
   * objects themselves (simulators, benchmarks). Prefer `upsert` for raw resources.
   */
  upsertModel(resource: ModelResource): void;
  /** Removes a model object given to `upsertModel` (identified by its kind, cluster and key fields). */
  removeModel(resource: ModelResource): void;
  /**
   * Everything that changed since the previous flush, coalesced. With `remoteDataTtlMs`, first
   * drops the data of remote clusters disconnected for longer than that.
   */
  flush(): EngineDelta;
  /**
   * Sets a remote cluster's status, as whatever feeds its data sees it. Ignored for a cluster no
   * valid RemoteClusterConfiguration declares.
   */
  setRemoteClusterStatus(cluster: string, status: RemoteClusterStatus, error?: string): void;
  /**
   * Starts a resync of a remote cluster (status `ResyncInProgress`): send its full current state
   * with `upsert`, then call `endResync`.
   */
  beginResync(cluster: string): void;
  /**
   * Ends a resync: whatever the cluster held and was not re-sent is deleted, and the status
   * becomes `InSync`. Resources re-sent unchanged produce no delta.
   */
  endResync(cluster: string): void;
  /** Remote clusters: name, status, error, counts, and since when. */
  remoteClusters(): readonly RemoteClusterInfo[];
  /** Says that the local cluster's data is complete (Calico's local in-sync). */
  markLocalInSync(): void;
  /**
   * Whether the engine is in sync, as Calico gates it: local data is complete and every remote
   * cluster declared at that moment has synced or failed at least once.
   */
  inSync(): boolean;
  /** Active IP sets, sorted by ID. */
  ipSets(): readonly IpSetInfo[];
  /** Current members of an active IP set, sorted (empty for an unknown ID). */
  ipSetMembers(id: string): readonly string[];
  /** Active policies with parsed rules, in Felix's order (tier, order, name). */
  activePolicies(): readonly ParsedPolicy[];
  /** Active profiles with parsed rules, sorted by name. */
  activeProfiles(): readonly ParsedProfile[];
  /**
   * Endpoints and network sets of every cluster whose effective labels match `selector`, sorted
   * by ID. Throws `SelectorSyntaxError` for an invalid selector.
   */
  endpointsMatching(selector: string): readonly EndpointMatch[];
  /**
   * The local policies and profiles that apply to an endpoint (by its ID as `endpointsMatching`
   * reports it), in evaluation order; `undefined` for an unknown endpoint. Remote endpoints have
   * none: policies only ever apply to local ones.
   */
  policiesApplyingTo(endpointId: string): AppliedPolicies | undefined;
  /**
   * Every rule side of a local policy (active or not) or active profile whose selector matches the
   * endpoint or network set `endpointId`, of any cluster; `undefined` for an unknown ID.
   */
  rulesSelecting(endpointId: string): readonly RuleMatch[] | undefined;
}
