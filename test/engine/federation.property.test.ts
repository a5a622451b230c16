/**
 * Property tests for federation: the incremental engine against the from-scratch oracle on random
 * histories over the local cluster `""` and the remote clusters `east` and `south`
 * (federation.md A.2–A.4; the model is in federation-oracle.ts).
 *
 * A history mixes local resources (pods, namespaces, network sets, Calico and Kubernetes
 * policies whose rule selectors, namespace selectors, service accounts and named ports can match
 * remote pods), local RemoteClusterConfigurations for east and south (valid ones, and invalid ones
 * that make the cluster ConfigIncomplete), remote pods, namespaces, service accounts, host
 * endpoints and profiles (and remote policies, network sets and RCCs, which must change nothing),
 * status changes, resyncs that re-send part of a cluster's data (some unchanged, some changed,
 * some omitted, some new), start-up gating and a clock, with a time-to-live in some runs. After
 * every batch the engine is flushed and checked against the oracle: IP sets and members, active
 * policies and profiles with their rules' IP-set references, `endpointsMatching`, the flush delta
 * replayed onto the previous state, `remoteClusters()` and `inSync()`.
 *
 * A second property pins resyncs down: re-sending exactly what a cluster has produces an empty
 * delta (also half-way through), and changing k of n pods produces member changes for those k
 * pods only.
 *
 * Three engine bugs these properties found are pinned down by minimal regression tests at the end
 * of this file.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { createPolicyEngine } from "../../src/calc/engine.js";
import type { EngineDelta, PolicyEngine, PolicyEngineOptions, ResourceRef } from "../../src/calc/types.js";
import type { RemoteClusterStatus } from "../../src/federation/rcc.js";
import { brokenResourceArb, resourceArb } from "./arbitraries.js";
import { type ExpectedCluster, FederationOracle, rccSpecIsValid } from "./federation-oracle.js";
import {
  type CalicoRule,
  type ContainerPort,
  calicoPolicy,
  calicoProfile,
  globalNetworkSet,
  globalPolicy,
  hostEndpoint,
  k8sPolicy,
  namespace,
  networkSet,
  pod,
  type Raw,
  serviceAccount,
} from "./manifests.js";
import {
  emptyObserved,
  engineEndpoints,
  engineRules,
  isEmptyDelta,
  type Observed,
  observe,
  render,
  renderContent,
  renderOracle,
  replay,
} from "./observe.js";
import { sortStrings } from "./oracle.js";

/** Runs per property; `FED_RUNS=2000 npx vitest run test/engine/federation` for a longer soak. */
const RUNS = Number(process.env.FED_RUNS ?? 150);
const TIMEOUT_MS = 60_000;
const TTL_MS = 60_000;
const CLUSTER_LABEL = { key: "fedcalc.io/cluster", localName: "west" } as const;

type Remote = "east" | "south";
const REMOTES: readonly Remote[] = ["east", "south"];

// ---------------------------------------------------------------------------------------------
// RemoteClusterConfigurations.
// ---------------------------------------------------------------------------------------------

/** RCC specs for a cluster, each labelled by hand from the A.2 table. */
const RCC_VARIANTS: readonly { readonly valid: boolean; readonly spec: (cluster: string) => Raw }[] = [
  { valid: true, spec: (c) => ({ datastoreType: "kubernetes", kubeconfig: `/etc/fedcalc/${c}.kubeconfig` }) },
  { valid: true, spec: (c) => ({ datastoreType: "kubernetes", kubeconfig: `/etc/fedcalc/${c}-v2.kubeconfig` }) },
  {
    valid: true,
    spec: (c) => ({
      datastoreType: "etcdv3",
      etcdEndpoints: `https://etcd-0.${c}.example.com:2379,https://etcd-1.${c}.example.com:2379`,
      etcdCACertFile: `/etc/fedcalc/${c}-etcd-ca.pem`,
    }),
  },
  {
    valid: true,
    spec: (c) => ({ datastoreType: "kubernetes", k8sAPIEndpoint: `https://api.${c}.example.com:6443` }),
  },
  {
    valid: true,
    spec: (c) => ({ clusterAccessSecret: { name: `${c}-access`, namespace: "calico-system", kind: "Secret" } }),
  },
  {
    valid: true,
    spec: (c) => ({
      datastoreType: "kubernetes",
      kubeconfig: `/etc/fedcalc/${c}.kubeconfig`,
      syncOptions: { overlayRoutingMode: "Enabled" },
    }),
  },
  // Invalid, each for a different reason.
  { valid: false, spec: () => ({ datastoreType: "carrier-pigeon" }) },
  {
    valid: false,
    spec: (c) => ({ datastoreType: "kubernetes", kubeconfig: `/etc/fedcalc/${c}.kubeconfig`, etcdPassword: "hunter2" }),
  },
  { valid: false, spec: (c) => ({ kubeconfig: `/etc/fedcalc/${c}.kubeconfig` }) },
  { valid: false, spec: () => ({ datastoreType: "etcdv3", etcdEndpoints: "https://[fd00::10]:2379" }) },
  {
    valid: false,
    spec: (c) => ({
      clusterAccessSecret: { name: `${c}-access`, namespace: "calico-system", kind: "Secret" },
      datastoreType: "kubernetes",
    }),
  },
  {
    valid: false,
    spec: (c) => ({
      datastoreType: "kubernetes",
      kubeconfig: `/etc/fedcalc/${c}.kubeconfig`,
      syncOptions: { overlayRoutingMode: "enabled" },
    }),
  },
];
const FIRST_INVALID = RCC_VARIANTS.findIndex((variant) => !variant.valid);

function rcc(cluster: string, variant: number): Raw {
  return {
    apiVersion: "projectcalico.org/v3",
    kind: "RemoteClusterConfiguration",
    metadata: { name: cluster },
    spec: RCC_VARIANTS[variant]!.spec(cluster),
  };
}

/** Mostly the plain valid variant, sometimes another valid one, sometimes an invalid one. */
const rccVariantArb = fc.oneof(
  { arbitrary: fc.constant(0), weight: 6 },
  { arbitrary: fc.integer({ min: 1, max: FIRST_INVALID - 1 }), weight: 3 },
  { arbitrary: fc.integer({ min: FIRST_INVALID, max: RCC_VARIANTS.length - 1 }), weight: 3 },
);

// ---------------------------------------------------------------------------------------------
// Remote resources: what federates (pods, namespaces, service accounts, host endpoints, profile
// labels) and what must be ignored (policies, network sets, RCCs).
// ---------------------------------------------------------------------------------------------

const NAMESPACES = ["shop", "payments"] as const;
const SERVICE_ACCOUNTS = ["checkout", "ledger"] as const;
const REMOTE_POD_NAMES = ["checkout-0", "checkout-1", "ledger-0", "ledger-1"] as const;
const REMOTE_NODES = ["worker-1", "worker-2"] as const;
/** Remote pod IPs; 10.0.0.1 and fd00::1 are also local pod IPs (a clash the IP sets hold once). */
const REMOTE_IPS = ["10.1.0.1", "10.1.0.2", "10.1.0.3", "fd00:1::1", "10.0.0.1", "fd00::1"] as const;
const REMOTE_PORTS: readonly ContainerPort[] = [
  { name: "http", containerPort: 8080, protocol: "TCP" },
  { name: "http", containerPort: 8443 },
  { name: "dns", containerPort: 53, protocol: "UDP" },
  { name: "metrics", containerPort: 9090, protocol: "SCTP" },
];
const APPS = ["checkout", "ledger", "billing"] as const;

function labelsArb(spec: Readonly<Record<string, readonly string[]>>): fc.Arbitrary<Record<string, string>> {
  return fc
    .tuple(
      ...Object.entries(spec).map(([key, values]) =>
        fc.option(fc.constantFrom(...values), { nil: undefined }).map((value) => [key, value] as const),
      ),
    )
    .map((pairs) => {
      const labels: Record<string, string> = {};
      for (const [key, value] of pairs) if (value !== undefined) labels[key] = value;
      return labels;
    });
}

const remotePodArb = fc
  .record({
    namespace: fc.constantFrom(...NAMESPACES),
    name: fc.constantFrom(...REMOTE_POD_NAMES),
    node: fc.oneof(
      { arbitrary: fc.constantFrom(...REMOTE_NODES), weight: 9 },
      { arbitrary: fc.constant(undefined), weight: 1 },
    ),
    // A pod may carry the cluster label's key itself: the engine's cluster label must override it.
    labels: labelsArb({ app: APPS, tier: ["web", "db"], role: ["ext"], [CLUSTER_LABEL.key]: ["west", "spoof"] }),
    serviceAccount: fc.option(fc.constantFrom(...SERVICE_ACCOUNTS), { nil: undefined }),
    ips: fc.uniqueArray(fc.constantFrom(...REMOTE_IPS), { minLength: 1, maxLength: 2 }),
    ports: fc.subarray([...REMOTE_PORTS], { maxLength: 2 }),
  })
  .map(({ serviceAccount: sa, ...spec }) => pod({ ...spec, ...(sa === undefined ? {} : { serviceAccount: sa }) }));

const remoteNamespaceArb = fc
  .tuple(fc.constantFrom(...NAMESPACES), labelsArb({ team: ["a", "b"], env: ["prod", "dev"] }))
  .map(([name, labels]) => namespace(name, labels));

const remoteServiceAccountArb = fc
  .tuple(fc.constantFrom(...NAMESPACES), fc.constantFrom(...SERVICE_ACCOUNTS), labelsArb({ role: ["web", "db"] }))
  .map(([ns, name, labels]) => serviceAccount(ns, name, labels));

const remoteHostEndpointArb = fc
  .record({
    labels: labelsArb({ app: APPS, zone: ["z1", "z2"], [CLUSTER_LABEL.key]: ["spoof"] }),
    expectedIPs: fc.subarray(["10.1.9.1", "10.0.0.1"], { minLength: 1 }),
    profiles: fc.subarray(["edge", "kns.shop"]),
  })
  .map((spec) =>
    hostEndpoint({
      name: "bastion",
      node: "worker-1",
      interfaceName: "eth0",
      ports: [{ name: "http", protocol: "TCP", port: 80 }],
      ...spec,
    }),
  );

/** A remote Calico profile: its labels federate, its rules never apply here. */
const remoteProfileArb = labelsArb({ zone: ["z1", "z2"], tier: ["web"], [CLUSTER_LABEL.key]: ["spoof"] }).map(
  (labelsToApply) =>
    calicoProfile("edge", { labelsToApply, ingress: [{ action: "Deny" }], egress: [{ action: "Deny" }] }),
);

/** Remote objects that do not federate: were they used, they would activate policies or add members. */
const IGNORED_REMOTE: readonly Raw[] = [
  calicoPolicy("shop", "remote-allow-checkout", {
    selector: "all()",
    ingress: [{ action: "Allow", source: { selector: "app == 'checkout'" } }],
  }),
  globalPolicy("remote-deny-all", {
    selector: "all()",
    egress: [{ action: "Deny", destination: { selector: "all()" } }],
  }),
  k8sPolicy("payments", "remote-ledger", { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] }),
  networkSet("shop", "partners", { role: "ext" }, ["198.51.100.0/24"]),
  globalNetworkSet("internet", { role: "ext", app: "checkout" }, ["0.0.0.0/0"]),
  rcc("south", 0),
];

const remoteResourceArb: fc.Arbitrary<Raw> = fc.oneof(
  { arbitrary: remotePodArb, weight: 8 },
  { arbitrary: remoteNamespaceArb, weight: 2 },
  { arbitrary: remoteServiceAccountArb, weight: 2 },
  { arbitrary: remoteHostEndpointArb, weight: 1 },
  { arbitrary: remoteProfileArb, weight: 1 },
  { arbitrary: fc.constantFrom(...IGNORED_REMOTE), weight: 1 },
  { arbitrary: brokenResourceArb, weight: 1 },
);

/** A remote resource changed a little (labels or addresses), as a resync may re-send it. */
function mutate(resource: unknown, how: number): unknown {
  const copy = structuredClone(resource) as Raw;
  const metadata = copy.metadata as Raw;
  const labels = { ...((metadata.labels as Record<string, string> | undefined) ?? {}) };
  switch (copy.kind) {
    case "Pod":
      if (how % 3 === 0) {
        const ip = REMOTE_IPS[how % REMOTE_IPS.length]!;
        copy.status = { ...(copy.status as Raw), podIP: ip, podIPs: [{ ip }] };
      } else {
        labels.app = APPS[how % APPS.length]!;
      }
      break;
    case "Namespace":
      labels.team = how % 2 === 0 ? "a" : "b";
      break;
    case "ServiceAccount":
      labels.role = how % 2 === 0 ? "db" : "web";
      break;
    default:
      labels.zone = how % 2 === 0 ? "z1" : "z2";
      break;
  }
  metadata.labels = labels;
  return copy;
}

// ---------------------------------------------------------------------------------------------
// Local policies aimed at remote pods (beside the general local vocabulary of arbitraries.ts).
// ---------------------------------------------------------------------------------------------

const FEDERATED_PEERS = [
  "app == 'ledger'",
  "fedcalc.io/cluster == 'east'",
  "has(fedcalc.io/cluster) && app == 'checkout'",
  "fedcalc.io/cluster != 'west'",
  "pcsa.role == 'db'",
] as const;

const federatedRuleArb: fc.Arbitrary<CalicoRule> = fc
  .record({
    selector: fc.constantFrom(...FEDERATED_PEERS),
    namespaceSelector: fc.option(fc.constantFrom("team == 'a'", "global()"), { nil: undefined }),
    namedPort: fc.option(fc.constantFrom("http", "dns"), { nil: undefined }),
  })
  .map(({ selector, namespaceSelector, namedPort }) => ({
    action: "Allow",
    ...(namedPort === undefined ? {} : { protocol: namedPort === "dns" ? "UDP" : "TCP" }),
    destination: {
      selector,
      ...(namespaceSelector === undefined ? {} : { namespaceSelector }),
      ...(namedPort === undefined ? {} : { ports: [namedPort] }),
    },
  }));

const federatedPolicyArb: fc.Arbitrary<Raw> = fc.oneof(
  fc
    .record({
      selector: fc.constantFrom("all()", "app == 'checkout'"),
      egress: fc.array(federatedRuleArb, { minLength: 1, maxLength: 2 }),
    })
    .map((spec) => globalPolicy("allow-to-remote-ledger", spec)),
  fc
    .tuple(fc.constantFrom(...NAMESPACES), fc.array(federatedRuleArb, { minLength: 1, maxLength: 2 }))
    .map(([ns, egress]) => calicoPolicy(ns, "checkout-egress", { selector: "app == 'checkout'", egress })),
  fc.constantFrom(...NAMESPACES).map((ns) =>
    k8sPolicy(ns, "ledger-from-team-a", {
      podSelector: { matchLabels: { app: "ledger" } },
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "a" } } }], ports: [{ port: "http" }] }],
    }),
  ),
);

const localResourceArb: fc.Arbitrary<Raw> = fc.oneof(
  { arbitrary: resourceArb, weight: 4 },
  { arbitrary: federatedPolicyArb, weight: 1 },
);

// ---------------------------------------------------------------------------------------------
// Operations and histories.
// ---------------------------------------------------------------------------------------------

/** What a resync re-sends: per held resource (cyclically) the same, a changed, or no version; then new ones. */
interface ResyncPlan {
  readonly choices: readonly ("same" | "changed" | "omit")[];
  readonly how: readonly number[];
  readonly extra: readonly Raw[];
  readonly reverse: boolean;
}

type FedOp =
  | { readonly op: "local"; readonly resource: Raw }
  | { readonly op: "localRemove"; readonly index: number; readonly withApiVersion: boolean }
  | { readonly op: "rcc"; readonly cluster: Remote; readonly variant: number }
  | { readonly op: "rccDelete"; readonly cluster: Remote }
  | { readonly op: "remote"; readonly cluster: Remote; readonly resource: Raw }
  | { readonly op: "remoteRemove"; readonly cluster: Remote; readonly index: number; readonly withApiVersion: boolean }
  | {
      readonly op: "status";
      readonly cluster: Remote;
      readonly status: RemoteClusterStatus;
      readonly error: string | undefined;
    }
  | {
      readonly op: "resync";
      readonly cluster: Remote;
      readonly plan: ResyncPlan;
      readonly phases: "all" | "begin" | "resend" | "end";
    }
  | { readonly op: "clock"; readonly ms: number }
  | { readonly op: "markLocalInSync" };

const remoteArb = fc.constantFrom<Remote>(...REMOTES);
const CONNECTION_ERRORS = [
  "dial tcp 10.1.0.254:6443: connect: connection refused",
  "context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
] as const;

const resyncPlanArb: fc.Arbitrary<ResyncPlan> = fc.record({
  choices: fc.array(fc.constantFrom<"same" | "changed" | "omit">("same", "same", "changed", "omit"), {
    minLength: 1,
    maxLength: 5,
  }),
  how: fc.array(fc.nat(11), { minLength: 1, maxLength: 5 }),
  extra: fc.array(remoteResourceArb, { maxLength: 2 }),
  reverse: fc.boolean(),
});

const statusOpArb: fc.Arbitrary<FedOp> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("status" as const),
      cluster: remoteArb,
      status: fc.constant<RemoteClusterStatus>("ConnectionFailed"),
      error: fc.constantFrom(...CONNECTION_ERRORS),
    }),
  },
  fc.record({
    op: fc.constant("status" as const),
    cluster: remoteArb,
    status: fc.constantFrom<RemoteClusterStatus>("InSync", "InSync", "Connecting"),
    error: fc.constant(undefined),
  }),
);

const opArb: fc.Arbitrary<FedOp> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant("local" as const), resource: localResourceArb }), weight: 3 },
  {
    arbitrary: fc.record({ op: fc.constant("localRemove" as const), index: fc.nat(), withApiVersion: fc.boolean() }),
    weight: 1,
  },
  { arbitrary: fc.record({ op: fc.constant("rcc" as const), cluster: remoteArb, variant: rccVariantArb }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant("rccDelete" as const), cluster: remoteArb }), weight: 1 },
  {
    arbitrary: fc.record({ op: fc.constant("remote" as const), cluster: remoteArb, resource: remoteResourceArb }),
    weight: 5,
  },
  {
    arbitrary: fc.record({
      op: fc.constant("remoteRemove" as const),
      cluster: remoteArb,
      index: fc.nat(),
      withApiVersion: fc.boolean(),
    }),
    weight: 2,
  },
  { arbitrary: statusOpArb, weight: 3 },
  {
    arbitrary: fc.record({
      op: fc.constant("resync" as const),
      cluster: remoteArb,
      plan: resyncPlanArb,
      phases: fc.constantFrom("all", "all", "all", "begin", "resend", "end"),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      op: fc.constant("clock" as const),
      ms: fc.constantFrom(1_000, 30_000, TTL_MS - 1, TTL_MS, 2 * TTL_MS, 2 * TTL_MS),
    }),
    weight: 3,
  },
  { arbitrary: fc.constant<FedOp>({ op: "markLocalInSync" }), weight: 1 },
);

/** One operation, or an outage: a cluster fails and the clock moves on (past the time-to-live, mostly). */
const opGroupArb: fc.Arbitrary<FedOp[]> = fc.oneof(
  { arbitrary: opArb.map((op) => [op]), weight: 12 },
  {
    arbitrary: fc
      .tuple(remoteArb, fc.constantFrom(...CONNECTION_ERRORS), fc.constantFrom(TTL_MS - 1, TTL_MS, 3 * TTL_MS))
      .map(([cluster, error, ms]): FedOp[] => [
        { op: "status", cluster, status: "ConnectionFailed", error },
        { op: "clock", ms },
      ]),
    weight: 1,
  },
);

/**
 * A history: an opening batch that declares east (and maybe south), adds local resources and
 * sends some remote ones, then 3–6 batches of 1–4 operations.
 */
const historyArb: fc.Arbitrary<FedOp[][]> = fc
  .tuple(
    fc.option(rccVariantArb, { nil: undefined }),
    fc.array(localResourceArb, { minLength: 4, maxLength: 8 }),
    fc.array(fc.tuple(remoteArb, remoteResourceArb), { minLength: 2, maxLength: 6 }),
    fc.array(
      fc.array(opGroupArb, { minLength: 1, maxLength: 4 }).map((groups) => groups.flat()),
      { minLength: 3, maxLength: 6 },
    ),
  )
  .map(([south, locals, remotes, rest]) => [
    [
      { op: "rcc", cluster: "east", variant: 0 } as FedOp,
      ...(south === undefined ? [] : [{ op: "rcc", cluster: "south", variant: south } as FedOp]),
      ...locals.map((resource): FedOp => ({ op: "local", resource })),
      ...remotes.map(([cluster, resource]): FedOp => ({ op: "remote", cluster, resource })),
    ],
    ...rest,
  ]);

const optionsArb: fc.Arbitrary<PolicyEngineOptions> = fc
  .record({ ttl: fc.constantFrom(true, true, false), node: fc.constantFrom(undefined, "node-a"), label: fc.boolean() })
  .map(({ ttl, node, label }) => ({
    ...(ttl ? { remoteDataTtlMs: TTL_MS } : {}),
    ...(node === undefined ? {} : { node }),
    ...(label ? { clusterLabel: CLUSTER_LABEL } : {}),
  }));

// ---------------------------------------------------------------------------------------------
// Running a history.
// ---------------------------------------------------------------------------------------------

/** Selectors for the `endpointsMatching` cross-check. */
const QUERIES = [
  "all()",
  "app == 'ledger'",
  "pcns.team == 'a'",
  "pcsa.role == 'db'",
  "role == 'ext'",
  "zone == 'z1'",
  "fedcalc.io/cluster == 'east'",
];

class Run {
  clock = 1_700_000_000_000;
  readonly engine: PolicyEngine;
  readonly oracle: FederationOracle;
  observed: Observed = emptyObserved();

  constructor(options: PolicyEngineOptions) {
    this.engine = createPolicyEngine({ ...options, now: () => this.clock });
    this.oracle = new FederationOracle(options, () => this.clock);
  }

  upsertRemote(cluster: Remote, resource: unknown): void {
    const diagnostics = this.engine.upsert(resource, { cluster });
    const accepted = this.oracle.upsertRemote(cluster, resource);
    const refusals = diagnostics.filter((d) => d.severity === "error" && /not declared/.test(d.message));
    expect(refusals.length, `data for ${cluster} refused (only while undeclared)`).toBe(accepted ? 0 : 1);
  }

  resend(cluster: Remote, plan: ResyncPlan): void {
    const sends: unknown[] = [];
    this.oracle.held(cluster).forEach((resource, i) => {
      const choice = plan.choices[i % plan.choices.length]!;
      if (choice === "same") sends.push(structuredClone(resource));
      else if (choice === "changed") sends.push(mutate(resource, plan.how[i % plan.how.length]!));
    });
    sends.push(...plan.extra);
    if (plan.reverse) sends.reverse();
    for (const resource of sends) this.upsertRemote(cluster, resource);
  }

  apply(op: FedOp): void {
    switch (op.op) {
      case "local":
        this.engine.upsert(op.resource);
        this.oracle.upsertLocal(op.resource);
        break;
      case "localRemove": {
        const refs = this.oracle.local.refs();
        if (refs.length === 0) return;
        const { ref } = refs[op.index % refs.length]!;
        const chosen: ResourceRef = op.withApiVersion
          ? ref
          : { kind: ref.kind, name: ref.name, ...(ref.namespace === undefined ? {} : { namespace: ref.namespace }) };
        this.engine.remove(chosen);
        this.oracle.removeLocal(chosen);
        break;
      }
      case "rcc":
        this.engine.upsert(rcc(op.cluster, op.variant));
        this.oracle.upsertLocal(rcc(op.cluster, op.variant));
        break;
      case "rccDelete": {
        const ref = { kind: "RemoteClusterConfiguration", name: op.cluster };
        this.engine.remove(ref);
        this.oracle.removeLocal(ref);
        break;
      }
      case "remote":
        this.upsertRemote(op.cluster, op.resource);
        break;
      case "remoteRemove": {
        const held = this.oracle.held(op.cluster) as Raw[];
        const resource = held[op.index % Math.max(held.length, 1)];
        const metadata = (resource?.metadata ?? {}) as Raw;
        const ref: ResourceRef =
          resource === undefined
            ? { kind: "Pod", namespace: "shop", name: "checkout-0" }
            : {
                kind: resource.kind as string,
                name: metadata.name as string,
                ...(typeof metadata.namespace === "string" ? { namespace: metadata.namespace } : {}),
                ...(op.withApiVersion ? { apiVersion: resource.apiVersion as string } : {}),
              };
        this.engine.remove(ref, { cluster: op.cluster });
        this.oracle.removeRemote(op.cluster, ref);
        break;
      }
      case "status":
        this.engine.setRemoteClusterStatus(op.cluster, op.status, op.error);
        this.oracle.setStatus(op.cluster, op.status, op.error);
        break;
      case "resync":
        if (op.phases === "all" || op.phases === "begin") {
          this.engine.beginResync(op.cluster);
          this.oracle.beginResync(op.cluster);
        }
        if (op.phases === "all" || op.phases === "resend") this.resend(op.cluster, op.plan);
        if (op.phases === "all" || op.phases === "end") {
          this.engine.endResync(op.cluster);
          this.oracle.endResync(op.cluster);
        }
        break;
      case "clock":
        this.clock += op.ms;
        break;
      case "markLocalInSync":
        this.engine.markLocalInSync();
        this.oracle.markLocalInSync();
        break;
    }
  }

  /** Flushes and checks everything against the oracle; returns the delta. */
  check(): EngineDelta {
    const delta = this.engine.flush();
    this.oracle.flush();
    const expected = this.oracle.result();
    const now = observe(this.engine);

    expect(render(now), "IP sets, members, active policies and profiles").toEqual(renderOracle(expected));
    const rules = engineRules(this.engine);
    expect(rules.policies, "IP-set references of active policies' rules").toEqual(expected.policyRules);
    expect(rules.profiles, "IP-set references of active profiles' rules").toEqual(expected.profileRules);

    const replayed = replay(this.observed, delta);
    expect(render(replayed), "the delta replayed onto the previous state").toEqual(render(now));
    expect(renderContent(replayed), "policy and profile content from the deltas").toEqual(renderContent(now));

    for (const query of QUERIES) {
      expect(engineEndpoints(this.engine, query), `endpointsMatching(${query})`).toEqual(
        expected.endpointsMatching(query),
      );
    }
    expect(this.engine.remoteClusters(), "remoteClusters()").toEqual(this.oracle.clusters().map(asMatcher));
    expect(this.engine.inSync(), "inSync()").toBe(this.oracle.inSync());
    this.observed = now;
    return delta;
  }
}

/** An expected cluster as a matcher for `toEqual` (a ConfigIncomplete error is a pattern). */
function asMatcher(cluster: ExpectedCluster): unknown {
  const { error, ...rest } = cluster;
  if (error === undefined) return rest;
  return { ...rest, error: typeof error === "string" ? error : expect.stringMatching(error) };
}

function runHistory(history: readonly (readonly FedOp[])[], options: PolicyEngineOptions): void {
  const run = new Run(options);
  for (const batch of history) {
    for (const op of batch) run.apply(op);
    run.check();
  }
}

// ---------------------------------------------------------------------------------------------
// Resyncs without flapping.
// ---------------------------------------------------------------------------------------------

/** A fixed local cluster whose rules reach remote pods by label, namespace, service account and named port. */
const LOCAL_SETUP: readonly Raw[] = [
  namespace("shop", { team: "a" }),
  namespace("payments", { team: "b" }),
  pod({
    namespace: "shop",
    name: "frontend-0",
    node: "node-a",
    labels: { app: "checkout", tier: "web" },
    ips: ["10.0.0.10"],
  }),
  calicoPolicy("shop", "checkout-egress", {
    selector: "app == 'checkout'",
    egress: [
      { action: "Allow", destination: { selector: "app == 'ledger'" } },
      { action: "Allow", protocol: "TCP", destination: { selector: "has(app)", ports: ["http"] } },
    ],
  }),
  globalPolicy("allow-team-a", {
    selector: "all()",
    ingress: [{ action: "Allow", source: { namespaceSelector: "team == 'a'" } }],
    egress: [{ action: "Allow", destination: { serviceAccounts: { names: ["ledger"] } } }],
  }),
  k8sPolicy("shop", "from-payments", {
    podSelector: {},
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "b" } } }], ports: [{ port: "http" }] }],
  }),
];

interface StablePod {
  readonly namespace: (typeof NAMESPACES)[number];
  readonly app: "checkout" | "ledger";
  readonly serviceAccount: (typeof SERVICE_ACCOUNTS)[number] | undefined;
  readonly http: boolean;
}

type PodChange = "address" | "label" | "port";

/** Remote pod `i`: its own IP (10.1.0.i+1), so that every member names one pod. */
function stablePod(spec: StablePod, i: number, change?: PodChange): Raw {
  const app = change === "label" ? (spec.app === "checkout" ? "ledger" : "checkout") : spec.app;
  const http = change === "port" ? !spec.http : spec.http;
  return pod({
    namespace: spec.namespace,
    name: `${spec.app}-${i}`,
    node: REMOTE_NODES[i % REMOTE_NODES.length],
    labels: { app },
    ...(spec.serviceAccount === undefined ? {} : { serviceAccount: spec.serviceAccount }),
    ips: [change === "address" ? `10.2.0.${i + 1}` : `10.1.0.${i + 1}`],
    ports: http ? [{ name: "http", containerPort: 8080, protocol: "TCP" }] : [],
  });
}

const stablePodArb: fc.Arbitrary<StablePod> = fc.record({
  namespace: fc.constantFrom(...NAMESPACES),
  app: fc.constantFrom("checkout", "ledger"),
  serviceAccount: fc.option(fc.constantFrom(...SERVICE_ACCOUNTS), { nil: undefined }),
  http: fc.boolean(),
});

const resyncCaseArb = fc.record({
  pods: fc.array(stablePodArb, { minLength: 1, maxLength: 8 }),
  changes: fc.array(fc.constantFrom<PodChange | undefined>(undefined, undefined, "address", "label", "port"), {
    minLength: 8,
    maxLength: 8,
  }),
  order: fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
  duplicate: fc.boolean(),
});

function shuffled<T>(values: readonly T[], keys: readonly number[]): T[] {
  return values
    .map((value, i) => ({ value, key: keys[i % keys.length]! }))
    .sort((a, b) => a.key - b.key)
    .map(({ value }) => value);
}

/** Every IP address a member of an IP set names (`10.1.0.3/32`, `10.1.0.3,tcp:8080`). */
function memberAddress(member: string): string {
  return member.split(/[/,]/)[0]!;
}

// ---------------------------------------------------------------------------------------------

describe("federation: engine vs oracle", () => {
  it("labels the generated RCC variants valid or invalid as the oracle's reading of the A.2 table does", () => {
    for (const [variant, { valid }] of RCC_VARIANTS.entries()) {
      for (const cluster of REMOTES)
        expect(rccSpecIsValid(rcc(cluster, variant).spec), `variant ${variant}`).toBe(valid);
    }
  });

  test.prop([historyArb, optionsArb], { numRuns: RUNS })(
    "random federation histories: state, deltas, remote cluster status and gating",
    (history, options) => {
      runHistory(history, options);
    },
    TIMEOUT_MS,
  );

  test.prop([resyncCaseArb], { numRuns: RUNS })(
    "a resync re-sending the same data makes no delta; changing k of n pods changes members of those k only",
    ({ pods, changes, order, duplicate }) => {
      const run = new Run({});
      run.engine.upsert(rcc("east", 0));
      run.oracle.upsertLocal(rcc("east", 0));
      for (const resource of LOCAL_SETUP) run.apply({ op: "local", resource });
      const remote: Raw[] = [
        namespace("shop", { team: "a" }),
        namespace("payments", { team: "b" }),
        serviceAccount("shop", "ledger", { role: "db" }),
        serviceAccount("payments", "checkout", { role: "web" }),
        ...pods.map((spec, i) => stablePod(spec, i)),
      ];
      for (const resource of remote) run.upsertRemote("east", resource);
      run.check();
      // The remote pods take part: otherwise the property says nothing.
      const members = new Set([...run.observed.ipSets.values()].flatMap((set) => [...set.members]));
      expect([...members].some((member) => member.startsWith("10.1.0."))).toBe(true);

      // 1. Exactly the same data, in another order (some of it twice): nothing changes, neither
      // half-way (a flush in the middle of the resync: nothing is dropped early) nor at the end.
      run.engine.beginResync("east");
      run.oracle.beginResync("east");
      const resend = shuffled(remote, order);
      const sends = duplicate ? [...resend, ...resend.slice(0, 2)] : resend;
      const half = Math.floor(sends.length / 2);
      for (const resource of sends.slice(0, half)) run.upsertRemote("east", structuredClone(resource));
      expect(isEmptyDelta(run.check()), "half-way through a resync of unchanged data").toBe(true);
      expect(run.engine.remoteClusters()[0]).toMatchObject({ status: "ResyncInProgress", endpoints: pods.length });
      for (const resource of sends.slice(half)) run.upsertRemote("east", structuredClone(resource));
      run.engine.endResync("east");
      run.oracle.endResync("east");
      const same = run.check();
      expect(isEmptyDelta(same), "a resync of unchanged data produced a delta").toBe(true);
      expect(run.engine.remoteClusters()[0]).toMatchObject({ status: "InSync", endpoints: pods.length });

      // 2. k of the n pods changed: member changes name those pods' addresses only.
      const changed = new Set<string>();
      run.engine.beginResync("east");
      run.oracle.beginResync("east");
      const second = remote.slice(0, 4);
      pods.forEach((spec, i) => {
        const change = changes[i];
        second.push(stablePod(spec, i, change));
        if (change !== undefined) {
          changed.add(`10.1.0.${i + 1}`);
          changed.add(`10.2.0.${i + 1}`);
        }
      });
      for (const resource of shuffled(second, order)) run.upsertRemote("east", resource);
      run.engine.endResync("east");
      run.oracle.endResync("east");
      const delta = run.check();
      expect(delta.ipSetsAdded).toEqual([]);
      expect(delta.ipSetsRemoved).toEqual([]);
      expect(delta.policiesActivated.length + delta.policiesUpdated.length + delta.policiesDeactivated.length).toBe(0);
      expect(delta.profilesActivated.length + delta.profilesUpdated.length + delta.profilesDeactivated.length).toBe(0);
      const touched = [...delta.membersAdded.values(), ...delta.membersRemoved.values()].flat().map(memberAddress);
      expect(sortStrings(touched.filter((address) => !changed.has(address))), "members of unchanged pods").toEqual([]);
      if (changed.size === 0) expect(isEmptyDelta(delta)).toBe(true);
    },
    TIMEOUT_MS,
  );
});

/** Engine bugs the properties found, as minimal examples of what the contract says. */
describe("regressions found by the federation properties", () => {
  const ledger = pod({
    namespace: "payments",
    name: "ledger-0",
    node: "worker-1",
    labels: { app: "ledger" },
    ips: ["10.1.0.5"],
  });

  it("1: setRemoteClusterStatus is ignored for a cluster whose RCC is invalid (ConfigIncomplete)", () => {
    const engine = createPolicyEngine({ now: () => 1000 });
    engine.upsert(rcc("south", FIRST_INVALID)); // datastoreType: carrier-pigeon
    engine.setRemoteClusterStatus("south", "InSync");
    expect(engine.remoteClusters()).toEqual([
      expect.objectContaining({ name: "south", status: "ConfigIncomplete", error: expect.stringMatching(/^Config/) }),
    ]);
  });

  it("2: the time-to-live counts from when the cluster became ConnectionFailed, whatever the error says", () => {
    let now = 0;
    const engine = createPolicyEngine({ now: () => now, remoteDataTtlMs: TTL_MS });
    engine.upsert(rcc("east", 0));
    engine.upsert(ledger, { cluster: "east" });
    engine.setRemoteClusterStatus("east", "ConnectionFailed", CONNECTION_ERRORS[0]);
    now = 50_000; // a retry fails differently
    engine.setRemoteClusterStatus("east", "ConnectionFailed", CONNECTION_ERRORS[1]);
    now = 100_000; // ConnectionFailed for 100 s, TTL 60 s
    engine.flush();
    expect(engine.remoteClusters()).toEqual([expect.objectContaining({ status: "ConnectionFailed", endpoints: 0 })]);
  });

  it("3: re-applying the same invalid RCC does not move `since` (the status did not change)", () => {
    let now = 1000;
    const engine = createPolicyEngine({ now: () => now });
    engine.upsert(rcc("south", FIRST_INVALID));
    now = 5000;
    engine.upsert(rcc("south", FIRST_INVALID));
    expect(engine.remoteClusters()).toEqual([
      expect.objectContaining({ name: "south", status: "ConfigIncomplete", since: 1000 }),
    ]);
  });
});
