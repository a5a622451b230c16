/**
 * Felix's benchmark workload generators, ported 1:1 (spec calico-semantics.md §6), for the S2–S5
 * suites (spec performance.md §7).
 *
 * - §6.1 `felix/labelindex/named_port_bench_test.go`: {@link namedPortEndpoint} and the selector /
 *   profile texts, as inputs for `MemberCalculator` (our SelectorAndNamedPortIndex).
 * - §6.2 `felix/calc/calc_graph_bench_test.go`: the calc-graph generators, producing our model
 *   objects (`WorkloadEndpoint`, `Policy`, `Profile`, `NetworkSet`) for `engine.upsertModel`.
 *
 * Quirks kept on purpose, because the numbers depend on them:
 * - The calc-graph generators share package-level counters that are never reset (`nextIP`,
 *   `labelSeed`, `nextTagPolID`, `nextNetSetIP`, `nextNetSetSizeIdx`): a benchmark's inputs depend
 *   on what was generated before it in the same process. {@link counters} shows them.
 * - §6.1 IPs wrap: `10.0.(n>>8 & 255).(n & 255)`, so `wep-n` and `wep-(n+65536)` share an address.
 * - `ds(n, len)` (IsolatedCustomers) is a 64-bit LCG whose output depends only on `n mod 16`.
 * - Endpoint labels of the snapshot benchmarks are JSON round-tripped, as Felix does, so every
 *   label string is a distinct copy (as if decoded from the wire).
 */
import type { LabelMap, NetworkSet, Policy, Profile, Rule, WorkloadEndpoint } from "../src/model/index.js";

// ---------------------------------------------------------------------------------------------
// deterministicString (IsolatedCustomers)
// ---------------------------------------------------------------------------------------------

const DS_ALPHABET = "abcdef0123456789";
const U64 = (1n << 64n) - 1n;
const LCG_MULTIPLIER = 6364136223846793005n;
const LCG_INCREMENT = 1442695040888963407n;

/**
 * Felix's `deterministicString(n, len)`: uint64 arithmetic, wrapping, emulated with BigInt. The
 * result is one flat string (built by `join`, not `+=`, which would leave a rope of cons strings
 * several times the size of Go's flat string).
 */
export function ds(n: number, length: number): string {
  let v = (BigInt(n) * 2654435761n + 1n) & U64;
  const out: string[] = [];
  for (let i = 0; i < length; i++) {
    out.push(DS_ALPHABET[Number(v & 15n)]!);
    v = (v * LCG_MULTIPLIER + LCG_INCREMENT) & U64;
  }
  return out.join("");
}

/** The spec's check values; throws if the port is wrong. Call at the start of every suite using ds(). */
export function assertDeterministicString(): void {
  const checks: [number, number, string][] = [
    [0, 20, "b658fa9c3ed07214b658"],
    [1, 20, "c3ed07214b658fa9c3ed"],
    [2, 10, "d07214b658"],
  ];
  for (const [n, length, expected] of checks) {
    const actual = ds(n, length);
    if (actual !== expected) throw new Error(`ds(${n},${length}) = ${actual}, expected ${expected}`);
  }
}

// ---------------------------------------------------------------------------------------------
// §6.1 named_port_bench_test.go
// ---------------------------------------------------------------------------------------------

/** One of Felix's `makeEndpointUpdates(N)` entries, as a MemberCalculator item. */
export interface NamedPortEndpoint {
  readonly id: string;
  readonly labels: LabelMap;
  readonly parents: readonly string[];
  readonly nets: readonly string[];
  readonly ports: readonly [];
}

/** Endpoint `n` of §6.1: `{alpha: beta, ipset-1: true}`, IP `10.0.(n>>8 & 255).(n & 255)/32`, parent `namespace-<n>`. */
export function namedPortEndpoint(n: number): NamedPortEndpoint {
  return {
    id: `host/k8s/wep-${n}/eth0`,
    labels: { alpha: "beta", "ipset-1": "true" },
    parents: [`namespace-${n}`],
    nets: [`10.0.${(n >> 8) & 255}.${n & 255}/32`],
    ports: [],
  };
}

/** WorkloadUpdate / SelectorUpdates selector for IP set `ipset-<i>`. */
export function namedPortIpSetSelector(i: number): string {
  return `alpha == "beta" && has(ipset-${i})`;
}

/** ParentUpdates selector for IP set `ipset-<i>`. */
export function namespaceNameSelector(i: number): string {
  return `projectcalico.org/name == "namespace-${i}"`;
}

/** ParentUpdates update `n`: the labels applied by profile `namespace-<n>`. */
export function parentUpdateLabels(n: number): LabelMap {
  return { "projectcalico.org/name": `namespace-${n}`, "update-idx": `${n}`, "something-shared": "foo" };
}

// ---------------------------------------------------------------------------------------------
// §6.2 calc_graph_bench_test.go: package-level state, never reset
// ---------------------------------------------------------------------------------------------

const FIRST_IP = 0x0a000001;

const state = {
  nextIP: FIRST_IP,
  labelSeed: 0,
  nextTagPolID: 0,
  nextNetSetIP: FIRST_IP,
  nextNetSetSizeIdx: 0,
};

/** The generators' global counters now (they only ever grow). */
export function counters(): Readonly<typeof state> {
  return { ...state };
}

/** Formats the counters for a benchmark's header line. */
export function describeCounters(): string {
  return (
    `nextIP=${ipv4(state.nextIP)} labelSeed=${state.labelSeed} nextTagPolID=${state.nextTagPolID} ` +
    `nextNetSetIP=${ipv4(state.nextNetSetIP)} nextNetSetSizeIdx=${state.nextNetSetSizeIdx}`
  );
}

function ipv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** `getNextIP()`: the next address as a /32 (uint32, wrapping). */
function nextIP(): string {
  const ip = ipv4(state.nextIP);
  state.nextIP = (state.nextIP + 1) >>> 0;
  return `${ip}/32`;
}

/** Felix's `markerLabels`, in order (31 entries, 29 distinct names). */
export const MARKER_LABELS = [
  "FOO_BAR",
  "FOO_BAR",
  "BIFF_BOP",
  "calico/FizzBuzz",
  "calico/BoffBip",
  "calico/Bazzle",
  "calico/Razzle",
  "calico/DoopDeeDoo",
  "calico/SOME_LABEL",
  "calico/BORED_NOW",
  "MyMarkerLabel",
  "xFOO_BAR",
  "xBIFF_BOP",
  "xcalico/FizzBuzz",
  "xcalico/BoffBip",
  "xcalico/Bazzle",
  "xcalico/Razzle",
  "xcalico/DoopDeeDoo",
  "xcalico/SOME_LABEL",
  "xcalico/BORED_NOW",
  "yxMyMarkerLabel",
  "yxFOO_BAR",
  "yxBIFF_BOP",
  "yxcalico/FizzBuzz",
  "yxcalico/BoffBip",
  "yxcalico/Bazzle",
  "yxcalico/Razzle",
  "yxcalico/DoopDeeDoo",
  "yxcalico/SOME_LABEL",
  "yxcalico/BORED_NOW",
  "yxMyMarkerLabel",
] as const;

/** `generateLabels()`: five `one-in-N` labels and one marker, JSON round-tripped (distinct strings). */
export function generateLabels(): LabelMap {
  state.labelSeed++;
  const seed = state.labelSeed;
  const labels: Record<string, string> = {};
  for (const n of [10, 11, 20, 30, 40]) labels[`one-in-${n}`] = `value-${seed % n}`;
  labels[MARKER_LABELS[seed % MARKER_LABELS.length]!] = "true";
  return JSON.parse(JSON.stringify(labels)) as LabelMap;
}

/** Number of namespaces (profiles `kns.namespace-<i>`) in the snapshot benchmarks. */
export const NUM_NAMESPACES = 100;

/** A workload endpoint model object as the snapshot benchmarks build them (Felix's fields only). */
export function workloadEndpoint(fields: {
  node: string;
  namespace: string;
  workload: string;
  labels: LabelMap;
  profiles: readonly string[];
  ipv4Nets: readonly string[];
}): WorkloadEndpoint {
  return {
    kind: "WorkloadEndpoint",
    cluster: "",
    node: fields.node,
    orchestrator: "k8s",
    namespace: fields.namespace,
    workload: fields.workload,
    endpoint: "eth0",
    labels: fields.labels,
    profiles: fields.profiles,
    ipv4Nets: fields.ipv4Nets,
    ipv6Nets: [],
    ports: [],
  };
}

/**
 * `makeEndpointUpdates(num, host)`: `wep-<n>` on `host`, generated labels, the next IP, profile
 * `kns.namespace-<n mod 100>` (the model's namespace is set to match it; Felix's key has none).
 */
export function makeEndpointUpdates(num: number, host: string): WorkloadEndpoint[] {
  const updates: WorkloadEndpoint[] = [];
  for (let n = 0; n < num; n++) {
    const namespace = `namespace-${n % NUM_NAMESPACES}`;
    updates.push(
      workloadEndpoint({
        node: host,
        namespace,
        workload: `wep-${n}`,
        labels: generateLabels(),
        profiles: [`kns.${namespace}`],
        ipv4Nets: [nextIP()],
      }),
    );
  }
  return updates;
}

const NO_PEER = { nets: [], notNets: [], selector: "", notSelector: "", ports: [], notPorts: [] } as const;

/** A rule side matching a selector (Felix's `SrcSelector`/`DstSelector`). */
export function peer(selector: string): Rule["source"] {
  return { ...NO_PEER, selector };
}

/** `{Action: Allow, SrcSelector: selector}`. */
export function allowFrom(selector: string): Rule {
  return { action: "allow", source: peer(selector), destination: NO_PEER };
}

/** `{Action: Allow, DstSelector: selector}`. */
export function allowTo(selector: string): Rule {
  return { action: "allow", source: NO_PEER, destination: peer(selector) };
}

/** A policy model object with Felix's defaults (no order, not doNotTrack/preDNAT/applyOnForward). */
export function policy(fields: {
  policyKind?: Policy["policyKind"];
  namespace?: string;
  name: string;
  selector: string;
  types?: Policy["types"];
  ingress?: readonly Rule[];
  egress?: readonly Rule[];
}): Policy {
  return {
    kind: "Policy",
    policyKind: fields.policyKind ?? "GlobalNetworkPolicy",
    cluster: "",
    namespace: fields.namespace ?? "",
    name: fields.name,
    tier: "default",
    selector: fields.selector,
    types: fields.types ?? ["ingress"],
    ingress: fields.ingress ?? [],
    egress: fields.egress ?? [],
    doNotTrack: false,
    preDNAT: false,
    applyOnForward: false,
  };
}

/**
 * `makeTagPolicies(num)`: `tag-pol-<nextTagPolID>` selecting `has(<marker i mod 31>)`, with five
 * inbound allow rules from `has(<marker (nextTagPolID + j) mod 31>)`. Felix's policy has no types;
 * ours says `ingress` (what Calico defaults to for ingress-only rules).
 */
export function makeTagPolicies(num: number): Policy[] {
  const updates: Policy[] = [];
  for (let i = 0; i < num; i++) {
    const ingress: Rule[] = [];
    for (let j = 0; j < 5; j++) {
      ingress.push(allowFrom(`has(${MARKER_LABELS[(state.nextTagPolID + j) % MARKER_LABELS.length]})`));
    }
    updates.push(
      policy({
        name: `tag-pol-${state.nextTagPolID}`,
        selector: `has(${MARKER_LABELS[i % MARKER_LABELS.length]})`,
        ingress,
      }),
    );
    state.nextTagPolID++;
  }
  return updates;
}

/** `makeNamespaceUpdates(num)`: profile `kns.namespace-<i>` with its `pcns.` name label and empty rules. */
export function makeNamespaceUpdates(num: number): Profile[] {
  const updates: Profile[] = [];
  for (let i = 0; i < num; i++) {
    updates.push({
      kind: "Profile",
      cluster: "",
      name: `kns.namespace-${i}`,
      labels: { "pcns.projectcalico.org/name": `namespace-${i}` },
      ingress: [],
      egress: [],
    });
  }
  return updates;
}

const NET_SET_SIZES = [1, 1, 1, 1, 2, 3, 4, 5, 100, 1000] as const;

/** `generateNetSetIPs()`: the next `size` consecutive addresses (own counter) as /32s. */
function generateNetSetIPs(): string[] {
  const size = NET_SET_SIZES[state.nextNetSetSizeIdx % NET_SET_SIZES.length]!;
  state.nextNetSetSizeIdx++;
  const nets: string[] = [];
  for (let i = 0; i < size; i++) {
    nets.push(`${ipv4(state.nextNetSetIP)}/32`);
    state.nextNetSetIP = (state.nextNetSetIP + 1) >>> 0;
  }
  return nets;
}

/**
 * `makeNetSetAndPolUpdates(num)`: global network set `network-set-<i>` (label
 * `network-set-name`, sizes cycling 1,1,1,1,2,3,4,5,100,1000), then policy `network-set-pol-<i>`
 * selecting `all()` with one inbound rule from `network-set-name == 'network-set-<i>'`.
 */
export function makeNetSetAndPolUpdates(num: number): (NetworkSet | Policy)[] {
  const updates: (NetworkSet | Policy)[] = [];
  for (let i = 0; i < num; i++) {
    const name = `network-set-${i}`;
    updates.push({
      kind: "NetworkSet",
      cluster: "",
      namespace: "",
      name,
      labels: { "network-set-name": name },
      profiles: [],
      nets: generateNetSetIPs(),
    });
    updates.push(
      policy({
        name: `network-set-pol-${i}`,
        selector: "all()",
        ingress: [allowFrom(`network-set-name == '${name}'`)],
      }),
    );
  }
  return updates;
}

// ---------------------------------------------------------------------------------------------
// §6.2 IsolatedCustomers
// ---------------------------------------------------------------------------------------------

const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
const TIERS = ["frontend", "backend", "middleware", "data"] as const;
const REGIONS = ["us-east", "us-west", "eu-west", "ap-south"] as const;
const TEAMS = ["platform", "payments", "identity", "growth", "infra"] as const;

/** `customerPodLabels(i)`: the 15 labels of pod `i` (global pod index). */
export function customerPodLabels(i: number): LabelMap {
  return {
    "pod-id": ds(5 * i, 20),
    "instance-id": ds(5 * i + 1, 20),
    "short-id": ds(5 * i + 2, 10),
    "config-hash": ds(5 * i + 3, 20),
    "version-tag": ds(5 * i + 4, 8),
    enabled: `${i % 2}`,
    debug: `${Math.floor(i / 2) % 2}`,
    canary: `${Math.floor(i / 4) % 2}`,
    managed: `${Math.floor(i / 8) % 2}`,
    environment: ENVIRONMENTS[i % 3]!,
    tier: TIERS[i % 4]!,
    region: REGIONS[i % 4]!,
    team: TEAMS[i % 5]!,
    "managed-by": "saas-controller",
    "tenant-id": ds(i % 5000, 10),
  };
}

/** The selector of customer `n`'s namespace: `pcns.projectcalico.org/name == 'customer-<n>'`. */
export function customerSelector(n: number): string {
  return `pcns.projectcalico.org/name == 'customer-${n}'`;
}

/** Profile `kns.customer-<n>`: name, `namespace-id` = ds(n,20), `production` = n even; empty rules. */
export function customerProfile(n: number, labels?: LabelMap): Profile {
  return {
    kind: "Profile",
    cluster: "",
    name: `kns.customer-${n}`,
    labels: labels ?? {
      "pcns.projectcalico.org/name": `customer-${n}`,
      "namespace-id": ds(n, 20),
      production: n % 2 === 0 ? "true" : "false",
    },
    ingress: [],
    egress: [],
  };
}

/** The UDP/53 egress rule to 10.96.0.10/32 (`dnsPort` lets churn edit it). */
export function dnsRule(dnsPort = 53): Rule {
  return {
    action: "allow",
    protocol: "udp",
    source: NO_PEER,
    destination: { ...NO_PEER, nets: ["10.96.0.10/32"], ports: [{ kind: "range", min: dnsPort, max: dnsPort }] },
  };
}

/** Policy `customer-<n>/isolation`: same-namespace ingress and egress, plus DNS. */
export function customerPolicy(n: number, dnsPort = 53): Policy {
  const selector = customerSelector(n);
  return policy({
    policyKind: "NetworkPolicy",
    namespace: `customer-${n}`,
    name: `customer-${n}/isolation`,
    selector,
    types: ["ingress", "egress"],
    ingress: [allowFrom(selector)],
    egress: [allowTo(selector), dnsRule(dnsPort)],
  });
}

/** `app-<%09x of (n*7+3) as uint32>-<%05x of (p*13+n*17+5) as uint16>`. */
export function customerPodName(n: number, p: number): string {
  const workload = ((n * 7 + 3) >>> 0).toString(16).padStart(9, "0");
  const suffix = ((p * 13 + n * 17 + 5) & 0xffff).toString(16).padStart(5, "0");
  return `app-${workload}-${suffix}`;
}

/** A customer pod's endpoint (`customer-<n>/<podName>` on `host`), taking the next IP. */
export function customerEndpoint(n: number, podName: string, host: string, labels: LabelMap): WorkloadEndpoint {
  return workloadEndpoint({
    node: host,
    namespace: `customer-${n}`,
    workload: podName,
    labels,
    profiles: [`kns.customer-${n}`],
    ipv4Nets: [nextIP()],
  });
}

/** The inputs of `benchIsolatedCustomers(numCustomers, podsPerNamespace, numLocalEps)`. */
export interface IsolatedCustomers {
  readonly profiles: Profile[];
  readonly policies: Policy[];
  readonly local: WorkloadEndpoint[];
  readonly remote: WorkloadEndpoint[];
}

/** Generates IsolatedCustomers inputs (untimed part of Felix's benchmark). */
export function makeIsolatedCustomers(
  numCustomers: number,
  podsPerNamespace = 1,
  numLocalEps = 100,
): IsolatedCustomers {
  const profiles: Profile[] = [];
  const policies: Policy[] = [];
  for (let n = 0; n < numCustomers; n++) profiles.push(customerProfile(n));
  for (let n = 0; n < numCustomers; n++) policies.push(customerPolicy(n));
  const total = numCustomers * podsPerNamespace;
  const numLocal = Math.min(numLocalEps, total);
  const stride = Math.max(1, Math.floor(total / numLocal));
  const local: WorkloadEndpoint[] = [];
  const remote: WorkloadEndpoint[] = [];
  let e = 0;
  for (let n = 0; n < numCustomers; n++) {
    for (let p = 0; p < podsPerNamespace; p++, e++) {
      const isLocal = local.length < numLocal && e % stride === 0;
      const endpoint = customerEndpoint(
        n,
        customerPodName(n, p),
        isLocal ? "localhost" : "remotehost",
        customerPodLabels(e),
      );
      (isLocal ? local : remote).push(endpoint);
    }
  }
  return { profiles, policies, local, remote };
}
