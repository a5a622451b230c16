/**
 * Generators of random but valid histories for the engine's property tests: upserts and removals
 * of namespaces, service accounts, pods, host endpoints, a Calico profile, network sets and the
 * three kinds of policy, in the local cluster `""` and a remote cluster `east`.
 *
 * The vocabulary is deliberately small (two namespaces, a handful of names, labels and IPs) so
 * that selectors match often, names collide (re-adds, label flips, a Kubernetes and a Calico
 * NetworkPolicy with the same name) and IPs are shared across pods, host endpoints and clusters.
 */
import { fc } from "@fast-check/vitest";
import type { ResourceRef } from "../../src/calc/types.js";
import {
  type CalicoRule,
  type ContainerPort,
  calicoPolicy,
  calicoProfile,
  globalNetworkSet,
  globalPolicy,
  type HostPort,
  hostEndpoint,
  k8sPolicy,
  namespace,
  networkSet,
  pod,
  type Raw,
  serviceAccount,
} from "./manifests.js";

export const NODES = ["node-a", "node-b", "node-c"] as const;
const NAMESPACES = ["shop", "payments"] as const;
const SERVICE_ACCOUNTS = ["checkout", "ledger"] as const;
const POD_NAMES = ["p0", "p1", "p2", "p3"] as const;
const HEP_NAMES = ["h0", "h1"] as const;
const NETSET_NAMES = ["s0", "s1"] as const;
const POLICY_NAMES = ["np0", "np1"] as const;
const GLOBAL_POLICY_NAMES = ["gnp0", "gnp1"] as const;
const PROFILE_NAME = "edge";

/** Pod IPs: few, so that pods (and clusters) share them. */
const POD_IPS = ["10.0.0.1", "10.0.0.2", "10.0.0.3", "fd00::1", "fd00::2"] as const;
const HEP_IPS = ["10.0.0.1", "192.168.1.1", "fd00::1", "fd00::9"] as const;
const NETS = [
  "10.0.0.0/24",
  "10.0.0.1",
  "0.0.0.0/0",
  "::/0",
  "128.0.0.0/1",
  "192.168.4.10/16",
  "192.168.20.1/16",
  "fd00::/64",
  "fd00::1",
] as const;

const CONTAINER_PORTS: readonly ContainerPort[] = [
  { name: "http", containerPort: 8080, protocol: "TCP" },
  { name: "http", containerPort: 8081 },
  { name: "dns", containerPort: 53, protocol: "UDP" },
  { name: "dns", containerPort: 5353, protocol: "TCP" },
  { name: "metrics", containerPort: 9090, protocol: "SCTP" },
  { containerPort: 7000 },
];
const HOST_PORTS: readonly HostPort[] = [
  { name: "http", protocol: "TCP", port: 80 },
  { name: "http", protocol: 6, port: 81 },
  { name: "dns", protocol: "UDP", port: 53 },
  { name: "dns", protocol: 17, port: 5353 },
  { name: "metrics", protocol: 132, port: 9100 },
  { protocol: "TCP", port: 22 },
];

/** Rule (peer) selectors: verbatim in rules, so spelling variants give distinct IP sets. */
const RULE_SELECTORS = [
  "app == 'checkout'",
  "app == 'ledger'",
  "tier == 'web'",
  "has(app)",
  "!has(tier)",
  "app in {'checkout', 'billing'}",
  "pcns.team == 'a'",
  "pcsa.role == 'db'",
  "zone == 'z1'",
  "role == 'ext'",
  "all()",
  "has(projectcalico.org/namespace)",
  "projectcalico.org/orchestrator == 'k8s'",
  "app == 'checkout' || role == 'ext'",
] as const;
const MAIN_SELECTORS = [
  "",
  "",
  "all()",
  "has(app)",
  "app == 'checkout'",
  "app == 'ledger'",
  "tier == 'web'",
  "has(app)",
  "pcns.team == 'a'",
  "pcsa.role == 'web'",
  "zone == 'z1'",
  "role == 'ext'",
] as const;
const NAMESPACE_SELECTORS = ["all()", "team == 'a'", "global()", "env == 'prod' || team == 'b'"] as const;
const PORT_REFS: readonly (string | number)[] = ["http", "dns", "metrics", 8080, "53", "8000:9000"];
const PORT_PROTOCOLS: readonly (string | number)[] = ["TCP", "UDP", "SCTP", 6, 17, 132];
const OTHER_PROTOCOLS: readonly (string | number)[] = ["ICMP", 1, 47];

/** A label map with each key either absent or one of its values. */
function labels(spec: Readonly<Record<string, readonly string[]>>): fc.Arbitrary<Record<string, string>> {
  const entries = Object.entries(spec).map(([key, values]) =>
    fc.option(fc.constantFrom(...values), { nil: undefined }).map((value) => [key, value] as const),
  );
  return fc.tuple(...entries).map((pairs) => {
    const result: Record<string, string> = {};
    for (const [key, value] of pairs) if (value !== undefined) result[key] = value;
    return result;
  });
}

const ENDPOINT_LABELS = { app: ["checkout", "ledger", "billing"], tier: ["web", "db"], role: ["ext"] } as const;

/** `arb` in one case out of `every`, else `undefined`. */
function sometimes<T>(arb: fc.Arbitrary<T>, every: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: every - 1 }, { arbitrary: arb, weight: 1 });
}

/** `arb` or `undefined`, evenly. */
function optional<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return sometimes(arb, 2);
}

function subset<T>(values: readonly T[], maxLength: number): fc.Arbitrary<T[]> {
  return fc.subarray([...values], { maxLength });
}

const namespaceArb = fc
  .tuple(fc.constantFrom(...NAMESPACES), labels({ team: ["a", "b"], env: ["prod", "dev"] }))
  .map(([name, nsLabels]) => namespace(name, nsLabels));

const serviceAccountArb = fc
  .tuple(fc.constantFrom(...NAMESPACES), fc.constantFrom(...SERVICE_ACCOUNTS), labels({ role: ["web", "db"] }))
  .map(([ns, name, saLabels]) => serviceAccount(ns, name, saLabels));

const podArb = fc
  .record({
    namespace: fc.constantFrom(...NAMESPACES),
    name: fc.constantFrom(...POD_NAMES),
    node: fc.oneof(
      { arbitrary: fc.constantFrom(...NODES), weight: 9 },
      { arbitrary: fc.constant(undefined), weight: 1 },
    ),
    labels: labels(ENDPOINT_LABELS),
    serviceAccount: optional(fc.constantFrom(...SERVICE_ACCOUNTS)),
    ips: fc.uniqueArray(fc.constantFrom(...POD_IPS), { minLength: 1, maxLength: 2 }),
    ports: subset(CONTAINER_PORTS, 3),
  })
  .map((spec) =>
    pod({
      namespace: spec.namespace,
      name: spec.name,
      node: spec.node,
      labels: spec.labels,
      ips: spec.ips,
      ports: spec.ports,
      ...(spec.serviceAccount === undefined ? {} : { serviceAccount: spec.serviceAccount }),
    }),
  );

const hostEndpointArb = fc
  .record({
    name: fc.constantFrom(...HEP_NAMES),
    node: fc.constantFrom(...NODES),
    labels: labels({ ...ENDPOINT_LABELS, zone: ["z1", "z2"] }),
    expectedIPs: subset(HEP_IPS, 2),
    profiles: subset([PROFILE_NAME, "kns.shop"], 2),
    ports: subset(HOST_PORTS, 3),
  })
  .map((spec) => hostEndpoint({ ...spec, interfaceName: spec.expectedIPs.length === 0 ? "*" : "eth0" }));

/** One side of a Calico rule. `ports` only when the rule's protocol allows them. */
function entityArb(withPorts: boolean): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record({
      selector: optional(fc.constantFrom(...RULE_SELECTORS)),
      notSelector: sometimes(fc.constantFrom(...RULE_SELECTORS), 5),
      namespaceSelector: sometimes(fc.constantFrom(...NAMESPACE_SELECTORS), 5),
      serviceAccounts: sometimes(
        fc.constantFrom<Record<string, unknown>>(
          { names: ["checkout"] },
          { names: ["ledger", "checkout"] },
          { selector: "role == 'db'" },
        ),
        8,
      ),
      ports: withPorts ? subset(PORT_REFS, 3) : fc.constant([]),
      notPorts: withPorts ? subset(PORT_REFS, 2) : fc.constant([]),
    })
    .map((entity) => {
      const result: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(entity)) {
        if (value !== undefined && !(Array.isArray(value) && value.length === 0)) result[key] = value;
      }
      return result;
    });
}

const calicoRuleArb: fc.Arbitrary<CalicoRule> = fc
  .oneof(
    fc.record({ protocol: fc.constant(undefined), withPorts: fc.constant(false) }),
    fc.record({ protocol: fc.constantFrom(...PORT_PROTOCOLS), withPorts: fc.constant(true) }),
    fc.record({ protocol: fc.constantFrom(...OTHER_PROTOCOLS), withPorts: fc.constant(false) }),
  )
  .chain(({ protocol, withPorts }) =>
    fc
      .record({
        action: fc.constantFrom("Allow", "Deny", "Pass", "Log"),
        source: entityArb(withPorts),
        destination: entityArb(withPorts),
      })
      .map((rule) => ({ ...rule, ...(protocol === undefined ? {} : { protocol }) })),
  );

const rulesArb = fc.array(calicoRuleArb, { maxLength: 2 });

const calicoPolicyArb = fc
  .record({
    namespace: fc.constantFrom(...NAMESPACES),
    name: fc.constantFrom(...POLICY_NAMES),
    selector: fc.constantFrom(...MAIN_SELECTORS),
    ingress: rulesArb,
    egress: rulesArb,
  })
  .map(({ namespace: ns, name, ...spec }) => calicoPolicy(ns, name, spec));

const globalPolicyArb = fc
  .record({
    name: fc.constantFrom(...GLOBAL_POLICY_NAMES),
    selector: fc.constantFrom(...MAIN_SELECTORS),
    namespaceSelector: optional(fc.constantFrom("team == 'a'", "all()")),
    ingress: rulesArb,
    egress: rulesArb,
  })
  .map(({ name, namespaceSelector, ...spec }) =>
    globalPolicy(name, { ...spec, ...(namespaceSelector === undefined ? {} : { namespaceSelector }) }),
  );

const k8sSelectorArb = (keys: Readonly<Record<string, readonly string[]>>) =>
  fc.oneof(
    fc.constant({}),
    labels(keys).map((matchLabels) => ({ matchLabels })),
    fc.constant({ matchExpressions: [{ key: Object.keys(keys)[0]!, operator: "Exists" }] }),
  );

const k8sPeerArb = fc.oneof(
  k8sSelectorArb({ app: ["checkout", "ledger"] }).map((podSelector) => ({ podSelector })),
  k8sSelectorArb({ team: ["a", "b"] }).map((namespaceSelector) => ({ namespaceSelector })),
  fc
    .tuple(k8sSelectorArb({ app: ["checkout", "ledger"] }), k8sSelectorArb({ team: ["a"] }))
    .map(([podSelector, namespaceSelector]) => ({ podSelector, namespaceSelector })),
  fc.constant({ ipBlock: { cidr: "10.0.0.0/24", except: ["10.0.0.1/32"] } }),
);

const k8sPortArb = fc.constantFrom<Record<string, unknown>>(
  { port: "http" },
  { port: "dns", protocol: "UDP" },
  { port: "dns", protocol: "TCP" },
  { port: 8080, protocol: "TCP" },
  { port: "metrics", protocol: "SCTP" },
  { protocol: "UDP" },
);

const k8sRuleArb = (peerKey: "from" | "to") =>
  fc
    .record({ peers: fc.array(k8sPeerArb, { maxLength: 2 }), ports: fc.array(k8sPortArb, { maxLength: 2 }) })
    .map(({ peers, ports }) => ({
      ...(peers.length === 0 ? {} : { [peerKey]: peers }),
      ...(ports.length === 0 ? {} : { ports }),
    }));

const k8sPolicyArb = fc
  .record({
    namespace: fc.constantFrom(...NAMESPACES),
    name: fc.constantFrom(...POLICY_NAMES),
    podSelector: k8sSelectorArb({ app: ["checkout", "ledger"] }),
    ingress: fc.array(k8sRuleArb("from"), { maxLength: 2 }),
    egress: fc.array(k8sRuleArb("to"), { maxLength: 2 }),
    types: fc.constantFrom<string[] | undefined>(undefined, ["Ingress"], ["Ingress", "Egress"], ["Egress"]),
  })
  .map(({ namespace: ns, name, podSelector, ingress, egress, types }) =>
    k8sPolicy(ns, name, {
      podSelector,
      ...(ingress.length === 0 ? {} : { ingress }),
      ...(egress.length === 0 ? {} : { egress }),
      ...(types === undefined ? {} : { policyTypes: types }),
    }),
  );

const profileArb = fc
  .record({ labelsToApply: labels({ zone: ["z1", "z2"], tier: ["web"] }), ingress: rulesArb, egress: rulesArb })
  .map((spec) => calicoProfile(PROFILE_NAME, spec));

const netsArb = subset(NETS, 3);
const networkSetArb = fc
  .tuple(
    fc.constantFrom(...NAMESPACES),
    fc.constantFrom(...NETSET_NAMES),
    labels({ role: ["ext"], app: ["checkout"] }),
    netsArb,
  )
  .map(([ns, name, setLabels, nets]) => networkSet(ns, name, setLabels, nets));
const globalNetworkSetArb = fc
  .tuple(fc.constantFrom(...NETSET_NAMES), labels({ role: ["ext"], app: ["billing"] }), netsArb)
  .map(([name, setLabels, nets]) => globalNetworkSet(name, setLabels, nets));

/** Any resource of the vocabulary, weighted towards those that make things happen. */
export const resourceArb: fc.Arbitrary<Raw> = fc.oneof(
  { arbitrary: podArb, weight: 10 },
  { arbitrary: namespaceArb, weight: 2 },
  { arbitrary: serviceAccountArb, weight: 1 },
  { arbitrary: hostEndpointArb, weight: 2 },
  { arbitrary: profileArb, weight: 1 },
  { arbitrary: networkSetArb, weight: 1 },
  { arbitrary: globalNetworkSetArb, weight: 2 },
  { arbitrary: calicoPolicyArb, weight: 3 },
  { arbitrary: globalPolicyArb, weight: 3 },
  { arbitrary: k8sPolicyArb, weight: 3 },
);

/**
 * Resources that reuse the vocabulary's names but do not convert (an invalid selector, a malformed
 * pod IP, ports with a protocol that has none): Calico treats such an update as a deletion.
 */
export const brokenResourceArb: fc.Arbitrary<Raw> = fc.oneof(
  fc
    .tuple(fc.constantFrom(...NAMESPACES), fc.constantFrom(...POLICY_NAMES))
    .map(([ns, name]) => calicoPolicy(ns, name, { selector: "app ==" })),
  fc
    .constantFrom(...GLOBAL_POLICY_NAMES)
    .map((name) =>
      globalPolicy(name, { ingress: [{ action: "Allow", protocol: "ICMP", destination: { ports: ["http"] } }] }),
    ),
  fc
    .tuple(fc.constantFrom(...NAMESPACES), fc.constantFrom(...POD_NAMES), fc.constantFrom(...NODES))
    .map(([ns, name, node]) => pod({ namespace: ns, name, node, labels: { app: "checkout" }, ips: ["10.0.0.300"] })),
);

/** Which cluster an operation is for: mostly local. */
const clusterArb = fc.constantFrom("", "", "", "east");

/** A reference to a resource that may or may not exist. */
const refArb: fc.Arbitrary<ResourceRef> = fc.oneof(
  fc.constantFrom(...NAMESPACES).map((name) => ({ kind: "Namespace", name })),
  fc
    .tuple(fc.constantFrom(...NAMESPACES), fc.constantFrom(...POD_NAMES))
    .map(([ns, name]) => ({ kind: "Pod", namespace: ns, name })),
  fc.constantFrom(...GLOBAL_POLICY_NAMES).map((name) => ({ kind: "GlobalNetworkPolicy", name })),
  fc
    .tuple(
      fc.constantFrom(...NAMESPACES),
      fc.constantFrom(...POLICY_NAMES),
      fc.constantFrom(undefined, "projectcalico.org/v3", "networking.k8s.io/v1"),
    )
    .map(([ns, name, apiVersion]) => ({
      kind: "NetworkPolicy",
      namespace: ns,
      name,
      ...(apiVersion === undefined ? {} : { apiVersion }),
    })),
);

/** One operation of a history. */
export type Op =
  | { readonly op: "upsert"; readonly resource: Raw; readonly cluster: string; readonly spelling: 0 | 1 | 2 }
  /** Remove the `index`-th (modulo) currently stored resource, with or without its apiVersion. */
  | { readonly op: "removeExisting"; readonly index: number; readonly withApiVersion: boolean }
  | { readonly op: "remove"; readonly ref: ResourceRef; readonly cluster: string };

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      op: fc.constant("upsert" as const),
      resource: resourceArb,
      cluster: clusterArb,
      spelling: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
    }),
    weight: 7,
  },
  {
    arbitrary: fc.record({
      op: fc.constant("upsert" as const),
      resource: brokenResourceArb,
      cluster: clusterArb,
      spelling: fc.constant<0 | 1 | 2>(0),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      op: fc.constant("removeExisting" as const),
      index: fc.nat(),
      withApiVersion: fc.boolean(),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ op: fc.constant("remove" as const), ref: refArb, cluster: clusterArb }), weight: 1 },
);

/** An upsert of a local resource, for the opening batch. */
const localUpsertArb: fc.Arbitrary<Op> = fc.record({
  op: fc.constant("upsert" as const),
  resource: fc.oneof(
    { arbitrary: podArb, weight: 3 },
    { arbitrary: namespaceArb, weight: 1 },
    { arbitrary: resourceArb, weight: 3 },
  ),
  cluster: fc.constant(""),
  spelling: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
});

/**
 * A history: batches of operations, the engine flushed after each batch. It opens with a batch
 * of 6–13 upserts (so that later batches have something to change, remove and re-add), then up to
 * 4 batches of 1–3 operations: at most 25 operations in all.
 */
export const historyArb: fc.Arbitrary<Op[][]> = fc
  .tuple(
    fc.array(localUpsertArb, { minLength: 6, maxLength: 13 }),
    fc.array(fc.array(opArb, { minLength: 1, maxLength: 3 }), { minLength: 2, maxLength: 4 }),
  )
  .map(([opening, rest]) => [opening, ...rest]);
