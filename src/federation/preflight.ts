/**
 * Preflight: checks a planned or running federation mesh against Calico's cluster requirements
 * (federation.md A.6) before anyone relies on it, from every cluster's model objects at once.
 *
 * Owns six checks, each a small pure function over per-cluster data:
 *
 * - `remote-cluster-config`: every RemoteClusterConfiguration validated (rcc.ts), and the local
 *   cluster's RCCs compared with the clusters given (declared but absent, present but undeclared).
 * - `duplicate-node-name`: node names must be unique across the mesh.
 * - `pod-cidr-overlap` / `node-subnet-overlap`: pod addresses (enabled IP pools, node podCIDRs, pod
 *   IPs) must not overlap another cluster's pod addresses, nor its node subnets and addresses.
 * - `ipip-enabled`: IPIP does not carry traffic between clusters (VXLAN or WireGuard does).
 * - `selector-drift`: the local cluster's rule selectors pick remote peers by namespace names and
 *   labels, so a namespace, label or value that exists in some clusters but not in others makes a
 *   rule mean different things per cluster ("namespace sameness", A.4).
 *
 * The map's keys are the cluster names (as RCCs name them); the objects' own `cluster` fields are
 * ignored, since each cluster's data is usually loaded as if it were local. Must not know about the
 * policy engine, IP sets or raw YAML: it reads the model and reports, and never throws on model
 * data (selectors that do not parse and addresses that are not addresses are skipped; conversion
 * has reported them already).
 */
import ipaddr from "ipaddr.js";
import type {
  Diagnostic,
  IPPool,
  ModelResource,
  Node,
  Policy,
  PolicyKind,
  RemoteClusterConfiguration,
} from "../model/index.js";
import { parseCidrOrIp } from "../net/index.js";
import { parseSelector, type SelectorNode, SelectorSyntaxError } from "../selector/index.js";
import { validateRemoteClusterConfiguration } from "./rcc.js";

// ─── Public types ────────────────────────────────────────────────────────────────────────────────

/** Options for {@link preflight}. */
export interface PreflightOptions {
  /** The name of the cluster whose view is checked: its RCCs declare the others, its policies are scanned for drift. */
  readonly localCluster: string;
}

/** Where an address range comes from. */
export type AddressSource = "IPPool" | "Node.podCIDR" | "Node.subnet" | "Node.address" | "WorkloadEndpoint";

/** One address range of one cluster, as overlap findings name it. */
export interface AddressRange {
  /** The cluster (a key of the map given to {@link preflight}). */
  readonly cluster: string;
  /** What the range is. */
  readonly source: AddressSource;
  /** The masked network (`10.244.0.0/16`; a host is `/32` or `/128`). */
  readonly cidr: string;
  /**
   * Who has it: the pool's name, the node names, or the pods as `<namespace>/<pod>`. Several when
   * one range belongs to many (every node on one subnet), sorted.
   */
  readonly names: readonly string[];
}

/** What an overlap finding found: pairs of ranges from two different clusters that share addresses. */
export interface AddressOverlapDetails {
  /**
   * The overlapping pairs, at most {@link MAX_LISTED_PAIRS}, in address order. Pairs that share a
   * range list it first in each.
   */
  readonly pairs: readonly (readonly [AddressRange, AddressRange])[];
  /** How many pairs there are in all. */
  readonly pairCount: number;
}

/** An IP pool with IPIP encapsulation. */
export interface IpipDetails {
  /** The pool's name. */
  readonly pool: string;
  /** The pool's network. */
  readonly cidr: string;
  /** Its `ipipMode` (`Always`, `CrossSubnet`, …). */
  readonly ipipMode: string;
  /** Whether the pool is disabled (it may still route existing blocks). */
  readonly disabled: boolean;
}

/** A node name used by more than one cluster. */
export interface DuplicateNodeNameDetails {
  /** The node name. */
  readonly node: string;
}

/** What is wrong with the mesh's RemoteClusterConfigurations. */
export interface RemoteClusterConfigDetails {
  /**
   * `invalid-configuration`: an RCC breaks Calico's rules (see `diagnostic`);
   * `no-cluster-data`: a local RCC declares a cluster that was not given, so it could not be checked;
   * `not-declared`: a cluster was given, but no local RCC declares it, so its endpoints take no part
   * in local policy; `declares-local-cluster`: a local RCC carries the local cluster's own name;
   * `local-cluster-missing`: `localCluster` is not among the clusters given.
   */
  readonly problem:
    | "invalid-configuration"
    | "no-cluster-data"
    | "not-declared"
    | "declares-local-cluster"
    | "local-cluster-missing";
  /** The cluster holding the RCC (or, for `local-cluster-missing`, the missing local cluster). */
  readonly declaringCluster: string;
  /** The remote cluster concerned (the RCC's name); absent for `local-cluster-missing`. */
  readonly remoteCluster?: string;
  /** For `invalid-configuration`: the validation diagnostic, with `cluster` set to the declaring cluster. */
  readonly diagnostic?: Diagnostic;
}

/** Which labels a selector reference is about: an endpoint's own, or its namespace's or service account's. */
export type DriftScope = "endpoint" | "namespace" | "service-account";

/** A namespace, label or label value that a rule selector refers to. */
export interface DriftReference {
  /** A namespace by name, a label key, or a label's value. */
  readonly subject: "namespace" | "label" | "label-value";
  /** The label key as it appears in the selector (`app`, `pcns.team`, `projectcalico.org/namespace`). */
  readonly label: string;
  /** Whose labels: `pcns.` keys are namespace labels, `pcsa.` keys service-account labels (prefix stripped in messages). */
  readonly scope: DriftScope;
  /** The namespace name or label value (absent for `label`). */
  readonly value?: string;
  /**
   * `requires`: a peer must have it to match (where it is missing, that part of the selector finds
   * nothing); `excludes`: a peer with it is excluded (where it is missing, the exclusion does nothing).
   */
  readonly effect: "requires" | "excludes";
}

/** A rule selector reference that exists in some clusters but not in others. */
export interface SelectorDriftDetails {
  /** The policy (always of the local cluster). */
  readonly policy: {
    /** Which policy resource. */
    readonly kind: PolicyKind;
    /** Its namespace (`""` for a global policy). */
    readonly namespace: string;
    /** Its name. */
    readonly name: string;
    /** Its tier. */
    readonly tier: string;
  };
  /** The rule's direction. */
  readonly direction: "ingress" | "egress";
  /** The rule's index within that direction. */
  readonly ruleIndex: number;
  /** Which side of the rule. */
  readonly side: "source" | "destination";
  /** Which selector of that side. */
  readonly field: "selector" | "notSelector";
  /** The selector, as Calico combined it. */
  readonly selector: string;
  /** What it refers to. */
  readonly reference: DriftReference;
  /** Clusters that have it, sorted. */
  readonly presentIn: readonly string[];
  /** Clusters that lack it (among those with data to tell), sorted. */
  readonly missingIn: readonly string[];
}

/** What every finding has. */
export interface PreflightFindingBase {
  /** `error`: the mesh will not work as intended; `warning`: it may, but check. */
  readonly severity: "error" | "warning";
  /** What is wrong, in a sentence or two naming the objects and clusters. */
  readonly message: string;
  /** The clusters concerned, sorted; always keys of the map given to {@link preflight}. */
  readonly clusters: readonly string[];
}

/** Pod address ranges of two clusters overlap. */
export interface PodCidrOverlapFinding extends PreflightFindingBase {
  /** Discriminant. */
  readonly check: "pod-cidr-overlap";
  /** The overlapping ranges. */
  readonly details: AddressOverlapDetails;
}

/** Pod addresses of one cluster overlap node subnets or addresses of another, or two nodes share an address. */
export interface NodeSubnetOverlapFinding extends PreflightFindingBase {
  /** Discriminant. */
  readonly check: "node-subnet-overlap";
  /** The overlapping ranges. */
  readonly details: AddressOverlapDetails;
}

/** An IP pool uses IPIP. */
export interface IpipEnabledFinding extends PreflightFindingBase {
  /** Discriminant. */
  readonly check: "ipip-enabled";
  /** The pool. */
  readonly details: IpipDetails;
}

/** A node name is used in more than one cluster. */
export interface DuplicateNodeNameFinding extends PreflightFindingBase {
  /** Discriminant. */
  readonly check: "duplicate-node-name";
  /** The name. */
  readonly details: DuplicateNodeNameDetails;
}

/** A problem with the RemoteClusterConfigurations. */
export interface RemoteClusterConfigFinding extends PreflightFindingBase {
  /** Discriminant. */
  readonly check: "remote-cluster-config";
  /** What and where. */
  readonly details: RemoteClusterConfigDetails;
}

/** A local rule selector refers to something that exists in some clusters only. */
export interface SelectorDriftFinding extends PreflightFindingBase {
  /** Discriminant. */
  readonly check: "selector-drift";
  /** The rule and the reference. */
  readonly details: SelectorDriftDetails;
}

/** One preflight finding; `check` tells which, and which `details` it carries. */
export type PreflightFinding =
  | PodCidrOverlapFinding
  | NodeSubnetOverlapFinding
  | IpipEnabledFinding
  | DuplicateNodeNameFinding
  | RemoteClusterConfigFinding
  | SelectorDriftFinding;

/** The name of a preflight check. */
export type PreflightCheck = PreflightFinding["check"];

/** At most this many pairs are listed in an overlap finding's details (the count is always exact). */
export const MAX_LISTED_PAIRS = 20;

/**
 * Checks a federation mesh: `clusters` maps each cluster's name to its model objects (nodes, IP
 * pools, endpoints, profiles, policies, RCCs); `options.localCluster` names the cluster whose RCCs
 * and policies are examined. Returns findings grouped by check (RCCs, node names, pod overlaps,
 * node overlaps, IPIP, drift), deterministic whatever the map's order. Never throws on model data.
 */
export function preflight(
  clusters: ReadonlyMap<string, readonly ModelResource[]>,
  options: PreflightOptions,
): PreflightFinding[] {
  const data = [...clusters.entries()].sort(([a], [b]) => byText(a, b)).map(([name, rs]) => clusterData(name, rs));
  return [
    ...remoteClusterFindings(data, options.localCluster),
    ...duplicateNodeNameFindings(data),
    ...addressOverlapFindings(data),
    ...ipipFindings(data),
    ...selectorDriftFindings(data, options.localCluster),
  ];
}

// ─── Per-cluster data ────────────────────────────────────────────────────────────────────────────

/** One cluster's objects, sorted by kind once, so each check reads only what it needs. */
interface ClusterData {
  readonly name: string;
  readonly nodes: Node[];
  readonly pools: IPPool[];
  readonly policies: Policy[];
  readonly rccs: RemoteClusterConfiguration[];
  readonly resources: readonly ModelResource[];
}

function clusterData(name: string, resources: readonly ModelResource[]): ClusterData {
  const data: ClusterData = { name, nodes: [], pools: [], policies: [], rccs: [], resources };
  for (const r of resources) {
    if (r.kind === "Node") data.nodes.push(r);
    else if (r.kind === "IPPool") data.pools.push(r);
    else if (r.kind === "Policy") data.policies.push(r);
    else if (r.kind === "RemoteClusterConfiguration") data.rccs.push(r);
  }
  return data;
}

// ─── remote-cluster-config ───────────────────────────────────────────────────────────────────────

/**
 * Validates every cluster's RCCs (a broken RCC anywhere breaks that cluster's view of the mesh),
 * then compares the local cluster's RCCs with the clusters given.
 */
function remoteClusterFindings(data: readonly ClusterData[], local: string): RemoteClusterConfigFinding[] {
  const findings: RemoteClusterConfigFinding[] = [];
  const given = new Set(data.map((d) => d.name));
  for (const cluster of data) {
    for (const rcc of cluster.rccs) {
      for (const d of validateRemoteClusterConfiguration(rcc)) {
        const diagnostic: Diagnostic = { ...d, cluster: cluster.name };
        findings.push({
          check: "remote-cluster-config",
          severity: d.severity,
          message: `RemoteClusterConfiguration ${rcc.name} in ${cluster.name}: ${d.field === undefined ? "" : `${d.field}: `}${d.message}`,
          clusters: sortedUnique([cluster.name, ...(given.has(rcc.name) ? [rcc.name] : [])]),
          details: {
            problem: "invalid-configuration",
            declaringCluster: cluster.name,
            remoteCluster: rcc.name,
            diagnostic,
          },
        });
      }
    }
  }
  const localData = data.find((d) => d.name === local);
  if (localData === undefined) {
    findings.push({
      check: "remote-cluster-config",
      severity: "warning",
      message: `the local cluster ${JSON.stringify(local)} is not among the clusters given (${data.map((d) => d.name).join(", ") || "none"}): its RemoteClusterConfigurations and policies could not be checked`,
      clusters: [],
      details: { problem: "local-cluster-missing", declaringCluster: local },
    });
    return findings;
  }
  const declared = new Set<string>();
  for (const rcc of localData.rccs) {
    declared.add(rcc.name);
    if (rcc.name === local) {
      findings.push({
        check: "remote-cluster-config",
        severity: "warning",
        message: `RemoteClusterConfiguration ${rcc.name} in ${local} carries the local cluster's own name: if it points at ${local} itself, every local endpoint is imported a second time as remote`,
        clusters: [local],
        details: { problem: "declares-local-cluster", declaringCluster: local, remoteCluster: rcc.name },
      });
    } else if (!given.has(rcc.name)) {
      findings.push({
        check: "remote-cluster-config",
        severity: "warning",
        message: `RemoteClusterConfiguration ${rcc.name} in ${local} declares cluster ${rcc.name}, but no data was given for it, so it was not checked`,
        clusters: [local],
        details: { problem: "no-cluster-data", declaringCluster: local, remoteCluster: rcc.name },
      });
    }
  }
  for (const cluster of data) {
    if (cluster.name === local || declared.has(cluster.name)) continue;
    findings.push({
      check: "remote-cluster-config",
      severity: "warning",
      message: `cluster ${cluster.name} was given, but ${local} has no RemoteClusterConfiguration named ${cluster.name}: its endpoints take no part in ${local}'s policy`,
      clusters: sortedUnique([local, cluster.name]),
      details: { problem: "not-declared", declaringCluster: local, remoteCluster: cluster.name },
    });
  }
  return findings;
}

// ─── duplicate-node-name ─────────────────────────────────────────────────────────────────────────

/** Node names must be unique across the mesh (A.6). One error per name, naming every cluster using it. */
function duplicateNodeNameFindings(data: readonly ClusterData[]): DuplicateNodeNameFinding[] {
  const byName = new Map<string, Set<string>>();
  for (const cluster of data) {
    for (const node of cluster.nodes) {
      getOrCreate(byName, node.name, () => new Set<string>()).add(cluster.name);
    }
  }
  const findings: DuplicateNodeNameFinding[] = [];
  for (const name of [...byName.keys()].sort(byText)) {
    const users = sortedUnique([...byName.get(name)!]);
    if (users.length < 2) continue;
    findings.push({
      check: "duplicate-node-name",
      severity: "error",
      message: `node name ${JSON.stringify(name)} is used in ${listText(users)}: node names must be unique across federated clusters`,
      clusters: users,
      details: { node: name },
    });
  }
  return findings;
}

// ─── ipip-enabled ────────────────────────────────────────────────────────────────────────────────

/** IPIP is not one of the overlays that span clusters (VXLAN, WireGuard; A.6). One warning per pool. */
function ipipFindings(data: readonly ClusterData[]): IpipEnabledFinding[] {
  const findings: IpipEnabledFinding[] = [];
  for (const cluster of data) {
    for (const pool of [...cluster.pools].sort((a, b) => byText(a.name, b.name))) {
      if (pool.ipipMode === "Never") continue;
      findings.push({
        check: "ipip-enabled",
        severity: "warning",
        message: `IPPool ${pool.name} (${pool.cidr}${pool.disabled ? ", disabled" : ""}) in ${cluster.name} has ipipMode ${pool.ipipMode}: IPIP does not carry traffic between federated clusters; use VXLAN (vxlanMode) or WireGuard, or routable pod IPs with ipipMode Never`,
        clusters: [cluster.name],
        details: { pool: pool.name, cidr: pool.cidr, ipipMode: pool.ipipMode, disabled: pool.disabled },
      });
    }
  }
  return findings;
}

// ─── pod-cidr-overlap, node-subnet-overlap ───────────────────────────────────────────────────────

/*
 * Overlaps are found with one sweep over every range of every cluster, in O(n log n + pairs).
 *
 * CIDRs are a laminar family: two of them are either disjoint or one contains the other. Sorted by
 * start address, widest first, a stack holds the chain of ranges containing the current one: pop
 * while the top ends before the current range starts; whatever is left contains it. For example
 *
 *   west pool 10.244.0.0/16, east pool 10.244.128.0/17, west pod 10.244.200.7/32
 *
 * meets the east pool with [west pool] on the stack (a cross-cluster pair: reported) and the west
 * pod with [west pool, east pool]: the west pool covers its own pod, so the pod's pair with the
 * east pool is dropped as already said by the pools' pair.
 *
 * A range inside one of its own cluster's pod ranges (a pod IP in its pool, a node's podCIDR in a
 * pool) is "covered": any overlap it has with another cluster is also an overlap of its cover, which
 * is reported instead, so that one pool overlap is one finding, not one per pod. Node subnets cover
 * node addresses the same way. Disabled pools take no part: the docs prescribe disabled pools over
 * remote pod CIDRs (to stop natOutgoing from SNATing cross-cluster traffic), and they allocate
 * nothing. Node subnets of different clusters may overlap freely (nodes of all clusters are
 * expected to share a network); only identical node addresses clash.
 */

/** One range of one cluster in the sweep. Identical (cluster, source, cidr) ranges are merged. */
interface Span {
  readonly cluster: string;
  readonly source: AddressSource;
  readonly cidr: string;
  readonly family: 4 | 6;
  readonly start: bigint;
  readonly end: bigint;
  readonly names: Set<string>;
  /** Inside a pod range (pool or podCIDR) of its own cluster. */
  podCovered: boolean;
  /** Inside a node subnet of its own cluster. */
  nodeCovered: boolean;
}

/** Ties at the same range sort covers first, so a pool covers an identical podCIDR of its own cluster. */
const SOURCE_RANK: Readonly<Record<AddressSource, number>> = {
  IPPool: 0,
  "Node.podCIDR": 1,
  "Node.subnet": 2,
  WorkloadEndpoint: 3,
  "Node.address": 4,
};

const POD_SIDE: ReadonlySet<AddressSource> = new Set(["IPPool", "Node.podCIDR", "WorkloadEndpoint"]);
const POD_RANGES: ReadonlySet<AddressSource> = new Set(["IPPool", "Node.podCIDR"]);
const POINTS: ReadonlySet<AddressSource> = new Set(["WorkloadEndpoint", "Node.address"]);

/** How an overlap is reported. */
interface Verdict {
  readonly check: "pod-cidr-overlap" | "node-subnet-overlap";
  readonly severity: "error" | "warning";
}

/** A group of pairs that becomes one finding. */
interface OverlapGroup {
  readonly check: Verdict["check"];
  severity: Verdict["severity"];
  /** The range every pair shares (listed first), or undefined for pairs of single addresses. */
  readonly anchor: Span | undefined;
  readonly pairs: [Span, Span][];
}

function addressOverlapFindings(data: readonly ClusterData[]): (PodCidrOverlapFinding | NodeSubnetOverlapFinding)[] {
  const spans = collectSpans(data);
  const groups = new Map<string, OverlapGroup>();
  for (const family of [4, 6] as const) {
    sweep(
      spans.filter((s) => s.family === family),
      (outer, inner) => {
        const verdict = classify(outer, inner);
        if (verdict !== undefined) addToGroup(groups, verdict, outer, inner);
      },
    );
  }
  return [...groups.values()].map(overlapFinding);
}

/** Every address range of every cluster, merged by (cluster, source, cidr). */
function collectSpans(data: readonly ClusterData[]): Span[] {
  const spans = new Map<string, Span>();
  const add = (cluster: string, source: AddressSource, text: string, name: string): void => {
    const parsed = parseCidrOrIp(text);
    if (parsed === undefined) return;
    const key = `${cluster}\0${source}\0${parsed.cidr}`;
    const seen = spans.get(key);
    if (seen !== undefined) {
      seen.names.add(name);
      return;
    }
    const slash = parsed.cidr.indexOf("/");
    const start = addressValue(parsed.cidr.slice(0, slash));
    const hostBits = BigInt((parsed.family === 4 ? 32 : 128) - parsed.prefixLength);
    spans.set(key, {
      cluster,
      source,
      cidr: parsed.cidr,
      family: parsed.family,
      start,
      end: start + (1n << hostBits) - 1n,
      names: new Set([name]),
      podCovered: false,
      nodeCovered: false,
    });
  };
  for (const cluster of data) {
    for (const pool of cluster.pools) if (!pool.disabled) add(cluster.name, "IPPool", pool.cidr, pool.name);
    for (const node of cluster.nodes) {
      for (const cidr of node.podCIDRs) add(cluster.name, "Node.podCIDR", cidr, node.name);
      for (const subnet of node.subnets) add(cluster.name, "Node.subnet", subnet, node.name);
      for (const address of node.addresses) add(cluster.name, "Node.address", address, node.name);
    }
    for (const r of cluster.resources) {
      if (r.kind !== "WorkloadEndpoint") continue;
      for (const net of [...r.ipv4Nets, ...r.ipv6Nets])
        add(cluster.name, "WorkloadEndpoint", net, `${r.namespace}/${r.workload}`);
    }
  }
  return [...spans.values()];
}

/** An address as a number (ipaddr.js's bytes, big-endian), so ranges compare as integers. */
function addressValue(address: string): bigint {
  let value = 0n;
  for (const byte of ipaddr.parse(address).toByteArray()) value = (value << 8n) | BigInt(byte);
  return value;
}

/** The sweep described above: marks coverage, then reports each cross-cluster containment (outer ⊇ inner). */
function sweep(spans: Span[], emit: (outer: Span, inner: Span) => void): void {
  spans.sort(compareSpans);
  const stack: Span[] = [];
  for (const span of spans) {
    while (stack.length > 0 && stack[stack.length - 1]!.end < span.start) stack.pop();
    for (const outer of stack) if (outer.cluster === span.cluster) markCovered(outer, span);
    for (const outer of stack) if (outer.cluster !== span.cluster) emit(outer, span);
    stack.push(span);
  }
}

/** Start ascending, widest first, then a fixed order on ties so the result never depends on input order. */
function compareSpans(a: Span, b: Span): number {
  if (a.start !== b.start) return a.start < b.start ? -1 : 1;
  if (a.end !== b.end) return a.end > b.end ? -1 : 1;
  return SOURCE_RANK[a.source] - SOURCE_RANK[b.source] || byText(a.cluster, b.cluster);
}

function markCovered(outer: Span, inner: Span): void {
  if (POD_RANGES.has(outer.source) && POD_SIDE.has(inner.source)) inner.podCovered = true;
  if (outer.source === "Node.subnet" && !POD_SIDE.has(inner.source)) inner.nodeCovered = true;
}

/** Which check a cross-cluster overlap belongs to, if any (see the sweep's comment for what is skipped). */
function classify(a: Span, b: Span): Verdict | undefined {
  const podA = POD_SIDE.has(a.source);
  const podB = POD_SIDE.has(b.source);
  if (podA && podB) {
    if (a.podCovered || b.podCovered) return undefined;
    const viaPodCIDR = a.source === "Node.podCIDR" || b.source === "Node.podCIDR";
    return { check: "pod-cidr-overlap", severity: viaPodCIDR ? "warning" : "error" };
  }
  if (podA || podB) {
    const pod = podA ? a : b;
    const node = podA ? b : a;
    if (pod.podCovered || node.nodeCovered) return undefined;
    return { check: "node-subnet-overlap", severity: pod.source === "Node.podCIDR" ? "warning" : "error" };
  }
  if (a.source === "Node.address" && b.source === "Node.address") {
    return { check: "node-subnet-overlap", severity: "error" };
  }
  return undefined;
}

/**
 * Groups a pair: pairs sharing a range (a pool that holds many of another cluster's pod IPs) make
 * one finding per (range, other cluster); pairs of single addresses make one per cluster pair.
 */
function addToGroup(groups: Map<string, OverlapGroup>, verdict: Verdict, outer: Span, inner: Span): void {
  const [anchor, first, second] = arrangePair(verdict, outer, inner);
  const key =
    anchor === undefined
      ? `${verdict.check}\0points\0${first.source}\0${second.source}\0${first.cluster}\0${second.cluster}`
      : `${verdict.check}\0${spanKey(anchor)}\0${second.cluster}`;
  let group = groups.get(key);
  if (group === undefined) {
    group = { check: verdict.check, severity: verdict.severity, anchor, pairs: [] };
    groups.set(key, group);
  }
  if (verdict.severity === "error") group.severity = "error";
  group.pairs.push([first, second]);
}

/**
 * Orders a pair for reporting: the range it shares with other pairs first (the wider range, or the
 * pod side of a pod/node overlap), or, for two single addresses, the one of the first cluster by
 * name, with no shared range.
 */
function arrangePair(verdict: Verdict, outer: Span, inner: Span): [Span | undefined, Span, Span] {
  if (POINTS.has(outer.source) && POINTS.has(inner.source)) {
    return byText(outer.cluster, inner.cluster) <= 0 ? [undefined, outer, inner] : [undefined, inner, outer];
  }
  if (POINTS.has(outer.source)) return [inner, inner, outer];
  if (POINTS.has(inner.source)) return [outer, outer, inner];
  if (verdict.check === "node-subnet-overlap" && !POD_SIDE.has(outer.source)) return [inner, inner, outer];
  return [outer, outer, inner];
}

function spanKey(span: Span): string {
  return `${span.cluster}\0${span.source}\0${span.cidr}`;
}

function overlapFinding(group: OverlapGroup): PodCidrOverlapFinding | NodeSubnetOverlapFinding {
  const first = group.pairs[0]!;
  const clusters = sortedUnique(group.pairs.flatMap(([a, b]) => [a.cluster, b.cluster]));
  const details: AddressOverlapDetails = {
    pairs: group.pairs.slice(0, MAX_LISTED_PAIRS).map(([a, b]) => [addressRange(a), addressRange(b)] as const),
    pairCount: group.pairs.length,
  };
  const message = `${overlapSubject(group, first)}: ${overlapReason(group, first)}`;
  return group.check === "pod-cidr-overlap"
    ? { check: "pod-cidr-overlap", severity: group.severity, message, clusters, details }
    : { check: "node-subnet-overlap", severity: group.severity, message, clusters, details };
}

/** "X overlaps Y", or "X overlaps 12 ranges of east: a, b, c and 9 more". */
function overlapSubject(group: OverlapGroup, [a, b]: [Span, Span]): string {
  const n = group.pairs.length;
  if (n === 1) return `${describeSpan(a)} overlaps ${describeSpan(b)}`;
  const shown = group.pairs.slice(0, 3);
  const more = n > shown.length ? ` and ${n - shown.length} more` : "";
  if (group.anchor === undefined) {
    const list = shown.map(([x, y]) => `${hostText(x)} (${nameText(x)}; ${nameText(y)})`).join(", ");
    return `${n} addresses are used in both ${a.cluster} and ${b.cluster}: ${list}${more}`;
  }
  const list = shown.map(([, y]) => `${SOURCE_LABEL[y.source]} ${nameText(y)} (${hostText(y)})`).join(", ");
  return `${describeSpan(a)} overlaps ${n} ranges of ${b.cluster}: ${list}${more}`;
}

function overlapReason(group: OverlapGroup, [a, b]: [Span, Span]): string {
  if (group.check === "pod-cidr-overlap") {
    const podCIDR =
      group.severity === "warning"
        ? " (node podCIDRs matter only where pods take their IPs from them, as with host-local IPAM; Calico IPAM uses IP pools)"
        : "";
    return `pod CIDRs must not overlap across federated clusters, because policy recognises a remote pod only by its IP${podCIDR}`;
  }
  if (a.source === "Node.address" && b.source === "Node.address") {
    return "nodes of federated clusters must reach each other on distinct addresses";
  }
  return "pod addresses must not overlap the node subnets or addresses of other clusters, or traffic to them is routed to the wrong hosts";
}

const SOURCE_LABEL: Readonly<Record<AddressSource, string>> = {
  IPPool: "IPPool",
  "Node.podCIDR": "podCIDR of node",
  "Node.subnet": "subnet of node",
  "Node.address": "address of node",
  WorkloadEndpoint: "pod",
};

/** `IPPool default-ipv4-ippool (10.244.0.0/16) in west`. */
function describeSpan(span: Span): string {
  return `${SOURCE_LABEL[span.source]} ${nameText(span)} (${hostText(span)}) in ${span.cluster}`;
}

/** Up to three names, then a count. */
function nameText(span: Span): string {
  const names = sortedUnique([...span.names]);
  return names.length <= 3 ? names.join(", ") : `${names.slice(0, 3).join(", ")} and ${names.length - 3} more`;
}

/** A host range prints as its address. */
function hostText(span: Span): string {
  return span.start === span.end ? span.cidr.slice(0, span.cidr.indexOf("/")) : span.cidr;
}

function addressRange(span: Span): AddressRange {
  return { cluster: span.cluster, source: span.source, cidr: span.cidr, names: sortedUnique([...span.names]) };
}

// ─── selector-drift ──────────────────────────────────────────────────────────────────────────────

/*
 * Rule selectors of the local cluster's policies match local and remote peers by labels (A.4): the
 * namespace pin `projectcalico.org/namespace == 'shop'` matches namespace `shop` in every cluster,
 * and `pcns.`/`pcsa.` labels come from each peer's own cluster's namespace and service-account
 * profiles. So for every namespace, label key and label value a rule selector refers to, we look
 * up which clusters have it; if some do and some do not, the rule means different things per
 * cluster. Main policy selectors are not checked: they only ever select local endpoints.
 *
 * Each reference carries its effect. `app == 'web'` requires the value: where no endpoint has it,
 * that part of the selector finds nothing. `app != 'legacy'` (or `app == 'legacy'` in a
 * notSelector, or under `!`) excludes it: where it is missing, the exclusion does nothing. Both
 * are worth a warning. A label key is judged only among clusters with data of its kind (a cluster
 * given without namespaces cannot lack a namespace label), and a value only among clusters having
 * the key, so that a missing key is reported once, as a key.
 *
 * Each cluster's labels are indexed once; each distinct selector is parsed once and each distinct
 * reference looked up once, so the cost is linear in the data plus the number of rule selectors.
 */

/** Labels that name a namespace: an endpoint's namespace, and a namespace profile's name label. */
const NAMESPACE_NAME_LABELS: ReadonlySet<string> = new Set([
  "projectcalico.org/namespace",
  "pcns.projectcalico.org/name",
]);
const NAMESPACE_PREFIX = "pcns.";
const SERVICE_ACCOUNT_PREFIX = "pcsa.";

/** What one cluster has, for drift lookups. */
interface LabelIndex {
  readonly cluster: string;
  /** Namespace names: from `kns.<ns>` profiles and namespaced endpoints. */
  readonly namespaces: Set<string>;
  /** Label key → values, over endpoint, host endpoint and profile labels. */
  readonly labels: Map<string, Set<string>>;
  /** Whether the cluster has any data of each scope (endpoints; `kns.` profiles; `ksa.` profiles). */
  readonly hasScope: Record<DriftScope, boolean>;
}

/** Which clusters have a reference, and which (of those able to tell) lack it. */
interface Presence {
  readonly presentIn: readonly string[];
  readonly missingIn: readonly string[];
}

function selectorDriftFindings(data: readonly ClusterData[], local: string): SelectorDriftFinding[] {
  const localData = data.find((d) => d.name === local);
  if (localData === undefined || data.length < 2) return [];
  const indexes = data.map(labelIndex);
  const presenceCache = new Map<string, Presence>();
  const presenceOf = (ref: DriftReference): Presence =>
    getOrCreate(presenceCache, referenceKey(ref), () => lookUp(indexes, ref));
  const findings: SelectorDriftFinding[] = [];
  for (const policy of localData.policies) {
    for (const direction of ["ingress", "egress"] as const) {
      policy[direction].forEach((rule, ruleIndex) => {
        for (const side of ["source", "destination"] as const) {
          for (const field of ["selector", "notSelector"] as const) {
            const selector = rule[side][field];
            if (selector.trim() === "") continue;
            for (const reference of selectorReferences(selector, field === "notSelector")) {
              const presence = presenceOf(reference);
              if (presence.presentIn.length === 0 || presence.missingIn.length === 0) continue;
              const details: SelectorDriftDetails = {
                policy: { kind: policy.policyKind, namespace: policy.namespace, name: policy.name, tier: policy.tier },
                direction,
                ruleIndex,
                side,
                field,
                selector,
                reference,
                presentIn: presence.presentIn,
                missingIn: presence.missingIn,
              };
              findings.push({
                check: "selector-drift",
                severity: "warning",
                message: driftMessage(details),
                clusters: sortedUnique([...presence.presentIn, ...presence.missingIn]),
                details,
              });
            }
          }
        }
      });
    }
  }
  return findings;
}

function labelIndex(cluster: ClusterData): LabelIndex {
  const index: LabelIndex = {
    cluster: cluster.name,
    namespaces: new Set(),
    labels: new Map(),
    hasScope: { endpoint: false, namespace: false, "service-account": false },
  };
  const addLabels = (labels: Readonly<Record<string, string>>): void => {
    for (const [key, value] of Object.entries(labels)) {
      getOrCreate(index.labels, key, () => new Set<string>()).add(value);
    }
  };
  for (const r of cluster.resources) {
    switch (r.kind) {
      // Network sets are left out: they never federate, so a label only they carry is local by
      // design, not drift.
      case "WorkloadEndpoint":
        if (r.namespace !== "") index.namespaces.add(r.namespace);
        index.hasScope.endpoint = true;
        addLabels(r.labels);
        break;
      case "HostEndpoint":
        index.hasScope.endpoint = true;
        addLabels(r.labels);
        break;
      case "Profile":
        if (r.name.startsWith("kns.")) {
          index.namespaces.add(r.name.slice("kns.".length));
          index.hasScope.namespace = true;
        } else if (r.name.startsWith("ksa.")) {
          index.hasScope["service-account"] = true;
        }
        addLabels(r.labels);
        break;
      default:
        break;
    }
  }
  return index;
}

function referenceKey(ref: DriftReference): string {
  return `${ref.subject}\0${ref.label}\0${ref.value ?? ""}`;
}

function lookUp(indexes: readonly LabelIndex[], ref: DriftReference): Presence {
  const presentIn: string[] = [];
  const missingIn: string[] = [];
  for (const index of indexes) {
    let known: boolean;
    let present: boolean;
    if (ref.subject === "namespace") {
      known = index.namespaces.size > 0;
      present = index.namespaces.has(ref.value ?? "");
    } else {
      const values = index.labels.get(ref.label);
      known = index.hasScope[ref.scope] && (ref.subject === "label" || values !== undefined);
      present = ref.subject === "label" ? values !== undefined : (values?.has(ref.value ?? "") ?? false);
    }
    if (present) presentIn.push(index.cluster);
    else if (known) missingIn.push(index.cluster);
  }
  return { presentIn, missingIn };
}

const referenceCache = new Map<string, readonly DriftReference[]>();

/** The references of one selector text, parsed once; `[]` for a selector that does not parse. */
function selectorReferences(selector: string, negated: boolean): readonly DriftReference[] {
  const cacheKey = `${negated ? "!" : "="}${selector}`;
  const cached = referenceCache.get(cacheKey);
  if (cached !== undefined) return cached;
  let root: SelectorNode;
  try {
    root = parseSelector(selector).root;
  } catch (error) {
    if (error instanceof SelectorSyntaxError) return [];
    throw error;
  }
  const refs = new Map<string, DriftReference>();
  collectReferences(root, negated, refs);
  const result = [...refs.values()];
  if (referenceCache.size >= 4096) referenceCache.clear();
  referenceCache.set(cacheKey, result);
  return result;
}

/** Walks the tree, tracking whether the current node sits under an odd number of negations. */
function collectReferences(node: SelectorNode, negated: boolean, out: Map<string, DriftReference>): void {
  switch (node.kind) {
    case "eq":
      addValues(out, node.label, [node.value], negated);
      break;
    case "ne":
      addValues(out, node.label, [node.value], !negated);
      break;
    case "in":
      addValues(out, node.label, node.values, negated);
      break;
    case "notIn":
      addValues(out, node.label, node.values, !negated);
      break;
    case "has":
    case "contains":
    case "startsWith":
    case "endsWith":
      addKey(out, node.label, negated);
      break;
    case "not":
      collectReferences(node.operand, !negated, out);
      break;
    case "and":
    case "or":
      for (const operand of node.operands) collectReferences(operand, negated, out);
      break;
    default:
      break;
  }
}

function addValues(
  out: Map<string, DriftReference>,
  label: string,
  values: readonly string[],
  excludes: boolean,
): void {
  const effect = excludes ? "excludes" : "requires";
  if (NAMESPACE_NAME_LABELS.has(label)) {
    for (const value of values) {
      addReference(out, { subject: "namespace", label, scope: scopeOf(label), value, effect });
    }
    return;
  }
  addKey(out, label, excludes);
  for (const value of values)
    addReference(out, { subject: "label-value", label, scope: scopeOf(label), value, effect });
}

function addKey(out: Map<string, DriftReference>, label: string, excludes: boolean): void {
  // A namespace name label is on every namespaced endpoint; its values are what can drift.
  if (NAMESPACE_NAME_LABELS.has(label)) return;
  addReference(out, { subject: "label", label, scope: scopeOf(label), effect: excludes ? "excludes" : "requires" });
}

/** Keeps the first effect seen for a reference: a selector both requiring and excluding it is reported once. */
function addReference(out: Map<string, DriftReference>, ref: DriftReference): void {
  const key = referenceKey(ref);
  if (!out.has(key)) out.set(key, ref);
}

function scopeOf(label: string): DriftScope {
  if (label.startsWith(NAMESPACE_PREFIX)) return "namespace";
  if (label.startsWith(SERVICE_ACCOUNT_PREFIX)) return "service-account";
  return "endpoint";
}

/**
 * `NetworkPolicy shop/allow-checkout, ingress rule 0, source selector: requires namespace
 * "payments", which exists in east, west but not in south, so there that part of the selector
 * finds no peers`.
 */
function driftMessage(d: SelectorDriftDetails): string {
  const policy = `${d.policy.kind} ${d.policy.namespace === "" ? "" : `${d.policy.namespace}/`}${d.policy.name}`;
  // Rules are numbered from 1, as calicoq and the other fedcalc reports number them.
  const where = `${policy}, ${d.direction} rule ${d.ruleIndex + 1}, ${d.side} ${d.field}`;
  const ref = d.reference;
  const consequence =
    ref.effect === "requires"
      ? "so there that part of the selector finds no peers"
      : "so there the exclusion has no effect";
  return `${where}: ${ref.effect} ${referenceText(ref)}, which exists in ${listText(d.presentIn)} but not in ${listText(d.missingIn)}, ${consequence}; align namespaces and labels across clusters`;
}

function referenceText(ref: DriftReference): string {
  if (ref.subject === "namespace") return `namespace ${JSON.stringify(ref.value ?? "")}`;
  const scope =
    ref.scope === "namespace" ? "namespace label" : ref.scope === "service-account" ? "service-account label" : "label";
  const key = ref.scope === "endpoint" ? ref.label : ref.label.slice(NAMESPACE_PREFIX.length);
  return ref.subject === "label"
    ? `${scope} ${JSON.stringify(key)}`
    : `${scope} ${key} == ${JSON.stringify(ref.value ?? "")}`;
}

// ─── Helpers ─────────────────────────────────────────────────────────────────────────────────────

function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

/** A fixed order for names (UTF-16 code units: deterministic, which is all that matters here). */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort(byText);
}

/** `a`, `a and b`, `a, b and c`. */
function listText(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
