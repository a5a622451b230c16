/**
 * Preflight checks of a federation mesh (federation.md A.6): a realistic three-cluster mesh —
 * "west" (local), "east", "south", each running the shop and payments namespaces with checkout and
 * ledger pods — that passes every check, then one defect at a time, then properties over
 * arbitrary model data.
 */
import { fc, test } from "@fast-check/vitest";
import ipaddr from "ipaddr.js";
import { describe, expect, it } from "vitest";
import {
  type AddressRange,
  type PreflightCheck,
  type PreflightFinding,
  preflight,
} from "../../src/federation/preflight.js";
import type {
  EntityMatch,
  IPPool,
  ModelResource,
  Node,
  Policy,
  Profile,
  RemoteClusterConfiguration,
  Rule,
  WorkloadEndpoint,
} from "../../src/model/index.js";
import { labelsArbitrary, selectorArbitrary } from "../../src/testing/index.js";

// ─── Builders ────────────────────────────────────────────────────────────────────────────────────

function node(name: string, fields: Partial<Pick<Node, "addresses" | "subnets" | "podCIDRs">> = {}): Node {
  return { kind: "Node", cluster: "", name, addresses: [], subnets: [], podCIDRs: [], ...fields };
}

function pool(name: string, cidr: string, fields: Partial<IPPool> = {}): IPPool {
  return {
    kind: "IPPool",
    cluster: "",
    name,
    cidr,
    ipipMode: "Never",
    vxlanMode: "Always",
    natOutgoing: true,
    disabled: false,
    nodeSelector: "all()",
    ...fields,
  };
}

/** A pod's endpoint with Calico's labels, as k8s/pod.ts converts it. */
function wep(
  namespace: string,
  workload: string,
  ip: string,
  labels: Record<string, string>,
  nodeName = "worker-1",
): WorkloadEndpoint {
  return {
    kind: "WorkloadEndpoint",
    cluster: "",
    node: nodeName,
    orchestrator: "k8s",
    namespace,
    workload,
    endpoint: "eth0",
    labels: {
      ...labels,
      "projectcalico.org/namespace": namespace,
      "projectcalico.org/orchestrator": "k8s",
      "projectcalico.org/serviceaccount": "default",
    },
    profiles: [`kns.${namespace}`, `ksa.${namespace}.default`],
    ipv4Nets: ip.includes(":") ? [] : [`${ip}/32`],
    ipv6Nets: ip.includes(":") ? [`${ip}/128`] : [],
    ports: [],
  };
}

/** A namespace's profile, as k8s/namespace.ts converts it. */
function namespaceProfile(namespace: string, labels: Record<string, string> = {}): Profile {
  const prefixed = Object.fromEntries(Object.entries(labels).map(([k, v]) => [`pcns.${k}`, v]));
  return {
    kind: "Profile",
    cluster: "",
    name: `kns.${namespace}`,
    labels: { ...prefixed, "pcns.projectcalico.org/name": namespace },
    ingress: [],
    egress: [],
  };
}

function entity(selector: string, notSelector = ""): EntityMatch {
  return { nets: [], notNets: [], selector, notSelector, ports: [], notPorts: [] };
}

const ANY = entity("");

function allow(side: { source?: EntityMatch; destination?: EntityMatch }): Rule {
  return { action: "allow", source: side.source ?? ANY, destination: side.destination ?? ANY };
}

function policy(namespace: string, name: string, rules: { ingress?: Rule[]; egress?: Rule[] }, selector = ""): Policy {
  return {
    kind: "Policy",
    policyKind: namespace === "" ? "GlobalNetworkPolicy" : "NetworkPolicy",
    cluster: "",
    namespace,
    name,
    tier: "default",
    selector,
    types: ["ingress", "egress"],
    ingress: rules.ingress ?? [],
    egress: rules.egress ?? [],
    doNotTrack: false,
    preDNAT: false,
    applyOnForward: false,
  };
}

function rcc(name: string, spec: Record<string, unknown> = {}): RemoteClusterConfiguration {
  return {
    kind: "RemoteClusterConfiguration",
    cluster: "",
    name,
    spec: {
      datastoreType: "kubernetes",
      kubeconfig: `/etc/tigera-federation-remotecluster/kubeconfig-${name}`,
      ...spec,
    },
  };
}

// ─── The mesh ────────────────────────────────────────────────────────────────────────────────────

/**
 * One cluster of the healthy mesh: pods from `10.<podNet>.0.0/16` (nodes' podCIDRs inside it), nodes
 * on `192.168.<nodeNet>.0/24`, the same namespaces with the same labels, and the same apps.
 */
function cluster(name: string, podNet: number, nodeNet: number): ModelResource[] {
  return [
    pool("default-ipv4-ippool", `10.${podNet}.0.0/16`),
    pool("default-ipv6-ippool", `fd00:10:${podNet}::/48`),
    node(`${name}-worker-1`, {
      addresses: [`192.168.${nodeNet}.11`],
      subnets: [`192.168.${nodeNet}.0/24`],
      podCIDRs: [`10.${podNet}.1.0/24`],
    }),
    node(`${name}-worker-2`, {
      addresses: [`192.168.${nodeNet}.12`],
      subnets: [`192.168.${nodeNet}.0/24`],
      podCIDRs: [`10.${podNet}.2.0/24`],
    }),
    namespaceProfile("shop", { team: "storefront" }),
    namespaceProfile("payments", { team: "finance" }),
    wep("shop", "checkout-7d9f8c6b5-x2x7q", `10.${podNet}.1.17`, { app: "checkout" }, `${name}-worker-1`),
    wep("payments", "ledger-5b6c7d8e9-k4m2p", `10.${podNet}.2.9`, { app: "ledger" }, `${name}-worker-2`),
    wep("payments", "ledger-5b6c7d8e9-q8w3e", `fd00:10:${podNet}::9`, { app: "ledger" }, `${name}-worker-2`),
  ];
}

/** checkout may call the ledger in payments; payments admits checkout from storefront namespaces. */
const WEST_POLICIES: Policy[] = [
  policy("shop", "allow-checkout-to-ledger", {
    egress: [allow({ destination: entity("(projectcalico.org/namespace == 'payments') && (app == 'ledger')") })],
  }),
  policy("payments", "allow-from-storefront", {
    ingress: [allow({ source: entity("(pcns.team == \"storefront\") && (app == 'checkout')") })],
  }),
];

type Mesh = Record<"west" | "east" | "south", ModelResource[]>;

function healthyMesh(): Mesh {
  return {
    west: [...cluster("west", 244, 1), ...WEST_POLICIES, rcc("east"), rcc("south")],
    east: cluster("east", 245, 2),
    south: cluster("south", 246, 3),
  };
}

/** Runs preflight with west as the local cluster, in the order given. */
function run(mesh: Partial<Record<string, readonly ModelResource[]>>, local = "west"): PreflightFinding[] {
  return preflight(new Map(Object.entries(mesh) as [string, readonly ModelResource[]][]), { localCluster: local });
}

function only<C extends PreflightCheck>(
  findings: readonly PreflightFinding[],
  check: C,
): Extract<PreflightFinding, { check: C }>[] {
  return findings.filter((f): f is Extract<PreflightFinding, { check: C }> => f.check === check);
}

/** Replaces one cluster's objects of a kind with others (and keeps the rest). */
function replace(objects: ModelResource[], kind: ModelResource["kind"], by: ModelResource[]): ModelResource[] {
  return [...objects.filter((o) => o.kind !== kind), ...by];
}

/** Pairs as `cluster:source:cidr` strings, for compact expectations. */
function pairText(f: PreflightFinding): string[][] {
  if (f.check !== "pod-cidr-overlap" && f.check !== "node-subnet-overlap") return [];
  return f.details.pairs.map((pair) => pair.map((r: AddressRange) => `${r.cluster}:${r.source}:${r.cidr}`));
}

// ─── Tests ───────────────────────────────────────────────────────────────────────────────────────

describe("a healthy mesh", () => {
  it("has no findings at all", () => {
    expect(run(healthyMesh())).toEqual([]);
  });

  it("has none whatever the map's order", () => {
    const mesh = healthyMesh();
    expect(run({ south: mesh.south, east: mesh.east, west: mesh.west })).toEqual([]);
  });
});

describe("pod-cidr-overlap", () => {
  it("reports two clusters on the same pool once, with both pools", () => {
    const mesh = healthyMesh();
    mesh.east = cluster("east", 244, 2);
    const found = only(run(mesh), "pod-cidr-overlap");
    expect(found.map((f) => [f.severity, f.clusters, pairText(f)])).toEqual([
      ["error", ["east", "west"], [["east:IPPool:10.244.0.0/16", "west:IPPool:10.244.0.0/16"]]],
      ["error", ["east", "west"], [["east:IPPool:fd00:10:244::/48", "west:IPPool:fd00:10:244::/48"]]],
    ]);
    expect(found[0]!.message).toBe(
      "IPPool default-ipv4-ippool (10.244.0.0/16) in east overlaps IPPool default-ipv4-ippool (10.244.0.0/16) in west: pod CIDRs must not overlap across federated clusters, because policy recognises a remote pod only by its IP",
    );
  });

  it("reports a pool nested in another cluster's pool, the wider first", () => {
    const mesh = healthyMesh();
    mesh.east = replace(mesh.east, "IPPool", [pool("east-pods", "10.244.128.0/17")]);
    expect(only(run(mesh), "pod-cidr-overlap").map(pairText)).toEqual([
      [["west:IPPool:10.244.0.0/16", "east:IPPool:10.244.128.0/17"]],
    ]);
  });

  it("does not report pools that only touch", () => {
    const mesh = healthyMesh();
    mesh.west = replace(mesh.west, "IPPool", [pool("west-pods", "10.244.0.0/17")]);
    mesh.east = replace(mesh.east, "IPPool", [pool("east-pods", "10.244.128.0/17")]);
    expect(only(run(mesh), "pod-cidr-overlap")).toEqual([]);
  });

  it("never pairs an IPv4 pool with an IPv6 one", () => {
    const mesh = healthyMesh();
    mesh.east.push(pool("v4-mapped-v6", "::ffff:10.244.0.0/112"));
    expect(only(run(mesh), "pod-cidr-overlap")).toEqual([]);
  });

  it("ignores a disabled pool over a remote cluster's CIDR (the documented natOutgoing workaround)", () => {
    const mesh = healthyMesh();
    mesh.west.push(pool("no-snat-to-east", "10.245.0.0/16", { disabled: true }));
    expect(only(run(mesh), "pod-cidr-overlap")).toEqual([]);
  });

  it("warns when only nodes' podCIDRs overlap, since Calico IPAM may not use them", () => {
    const mesh = healthyMesh();
    mesh.west.push(node("west-worker-3", { podCIDRs: ["172.16.3.0/24"] }));
    mesh.east.push(node("east-worker-3", { podCIDRs: ["172.16.3.0/24"] }));
    const found = only(run(mesh), "pod-cidr-overlap");
    expect(found.map((f) => [f.severity, pairText(f)])).toEqual([
      ["warning", [["east:Node.podCIDR:172.16.3.0/24", "west:Node.podCIDR:172.16.3.0/24"]]],
    ]);
    expect(found[0]!.message).toContain("host-local IPAM");
  });

  it("does not report a podCIDR inside its own cluster's pool separately from the pool", () => {
    const mesh = healthyMesh();
    mesh.east = cluster("east", 244, 2);
    const pairs = only(run(mesh), "pod-cidr-overlap").flatMap(pairText).flat();
    expect(pairs.some((p) => p.includes("Node.podCIDR") || p.includes("WorkloadEndpoint"))).toBe(false);
  });

  it("reports pods of a cluster given without pools whose IPs lie in another cluster's pool", () => {
    const mesh = healthyMesh();
    mesh.south = [
      wep("shop", "checkout-a", "10.245.7.7", { app: "checkout" }),
      wep("shop", "checkout-b", "10.245.7.8", { app: "checkout" }),
      wep("shop", "checkout-c", "10.99.0.1", { app: "checkout" }),
    ];
    const found = only(run(mesh), "pod-cidr-overlap");
    expect(found.map((f) => [f.severity, f.clusters, pairText(f)])).toEqual([
      [
        "error",
        ["east", "south"],
        [
          ["east:IPPool:10.245.0.0/16", "south:WorkloadEndpoint:10.245.7.7/32"],
          ["east:IPPool:10.245.0.0/16", "south:WorkloadEndpoint:10.245.7.8/32"],
        ],
      ],
    ]);
    expect(found[0]!.message).toContain("overlaps 2 ranges of south: pod shop/checkout-a (10.245.7.7)");
    expect(found[0]!.details).toMatchObject({ pairCount: 2 });
  });

  it("reports the same pod IP in two clusters given without pools", () => {
    const found = only(
      run({
        west: [wep("shop", "checkout-a", "10.1.0.5", { app: "checkout" }), rcc("east")],
        east: [wep("shop", "checkout-b", "10.1.0.5", { app: "checkout" })],
      }),
      "pod-cidr-overlap",
    );
    expect(found.map((f) => [f.severity, pairText(f)])).toEqual([
      ["error", [["east:WorkloadEndpoint:10.1.0.5/32", "west:WorkloadEndpoint:10.1.0.5/32"]]],
    ]);
    expect(found[0]!.message).toContain(
      "pod shop/checkout-b (10.1.0.5) in east overlaps pod shop/checkout-a (10.1.0.5) in west",
    );
  });

  it("counts every pair but lists at most 20", () => {
    const weps = Array.from({ length: 25 }, (_, i) => wep("shop", `checkout-${i}`, `10.245.9.${i + 1}`, {}));
    const mesh = healthyMesh();
    mesh.south = weps;
    const [finding] = only(run(mesh), "pod-cidr-overlap");
    expect(finding?.details).toMatchObject({ pairCount: 25 });
    expect(pairText(finding!)).toHaveLength(20);
    expect(finding!.message).toContain("and 22 more");
  });
});

describe("node-subnet-overlap", () => {
  it("reports a pool covering other clusters' node subnets, once per cluster", () => {
    const mesh = healthyMesh();
    mesh.east.push(pool("east-big", "192.168.0.0/16"));
    const found = only(run(mesh), "node-subnet-overlap");
    expect(found.map((f) => [f.severity, f.clusters, pairText(f)])).toEqual([
      ["error", ["east", "west"], [["east:IPPool:192.168.0.0/16", "west:Node.subnet:192.168.1.0/24"]]],
      ["error", ["east", "south"], [["east:IPPool:192.168.0.0/16", "south:Node.subnet:192.168.3.0/24"]]],
    ]);
    expect(found[0]!.message).toContain("subnet of node west-worker-1, west-worker-2 (192.168.1.0/24) in west");
  });

  it("reports a pool inside another cluster's node subnet, naming the pool first", () => {
    const mesh = healthyMesh();
    mesh.east.push(pool("east-extra", "192.168.1.128/25"));
    expect(only(run(mesh), "node-subnet-overlap").map(pairText)).toEqual([
      [["east:IPPool:192.168.1.128/25", "west:Node.subnet:192.168.1.0/24"]],
    ]);
  });

  it("reports a node address inside another cluster's pool when no subnet covers it", () => {
    const mesh = healthyMesh();
    mesh.south.push(node("south-edge", { addresses: ["10.245.200.1"] }));
    expect(only(run(mesh), "node-subnet-overlap").map((f) => [f.severity, pairText(f)])).toEqual([
      ["error", [["east:IPPool:10.245.0.0/16", "south:Node.address:10.245.200.1/32"]]],
    ]);
  });

  it("lets node subnets of different clusters overlap (one shared network is expected)", () => {
    const mesh = healthyMesh();
    mesh.east.push(node("east-worker-3", { addresses: ["192.168.1.13"], subnets: ["192.168.0.0/16"] }));
    expect(only(run(mesh), "node-subnet-overlap")).toEqual([]);
  });

  it("reports two clusters' nodes on the same address", () => {
    const mesh = healthyMesh();
    mesh.east.push(node("east-worker-3", { addresses: ["192.168.1.11"] }));
    const found = only(run(mesh), "node-subnet-overlap");
    expect(found.map((f) => [f.severity, pairText(f)])).toEqual([
      ["error", [["east:Node.address:192.168.1.11/32", "west:Node.address:192.168.1.11/32"]]],
    ]);
    expect(found[0]!.message).toContain("distinct addresses");
  });

  it("warns when the pod side is only a node podCIDR", () => {
    const mesh = healthyMesh();
    mesh.east.push(node("east-worker-3", { podCIDRs: ["192.168.3.0/25"] }));
    expect(only(run(mesh), "node-subnet-overlap").map((f) => f.severity)).toEqual(["warning"]);
  });
});

describe("ipip-enabled", () => {
  it.each(["Always", "CrossSubnet"])("warns about ipipMode %s", (mode) => {
    const mesh = healthyMesh();
    mesh.south = replace(mesh.south, "IPPool", [
      pool("default-ipv4-ippool", "10.246.0.0/16", { ipipMode: mode, vxlanMode: "Never" }),
    ]);
    const found = only(run(mesh), "ipip-enabled");
    expect(found).toEqual([
      {
        check: "ipip-enabled",
        severity: "warning",
        message: expect.stringContaining(`IPPool default-ipv4-ippool (10.246.0.0/16) in south has ipipMode ${mode}`),
        clusters: ["south"],
        details: { pool: "default-ipv4-ippool", cidr: "10.246.0.0/16", ipipMode: mode, disabled: false },
      },
    ]);
  });

  it("says nothing about ipipMode Never", () => {
    expect(only(run(healthyMesh()), "ipip-enabled")).toEqual([]);
  });
});

describe("duplicate-node-name", () => {
  it("reports a node name used in two clusters, naming both", () => {
    const mesh = healthyMesh();
    mesh.west.push(node("worker-1"));
    mesh.south.push(node("worker-1"));
    expect(only(run(mesh), "duplicate-node-name")).toEqual([
      {
        check: "duplicate-node-name",
        severity: "error",
        message: 'node name "worker-1" is used in south and west: node names must be unique across federated clusters',
        clusters: ["south", "west"],
        details: { node: "worker-1" },
      },
    ]);
  });

  it("says nothing about a node listed twice in one cluster", () => {
    const mesh = healthyMesh();
    mesh.west.push(node("west-worker-1"));
    expect(only(run(mesh), "duplicate-node-name")).toEqual([]);
  });
});

describe("remote-cluster-config", () => {
  it("reports an invalid local RCC with Calico's rule", () => {
    const mesh = healthyMesh();
    mesh.west = replace(mesh.west, "RemoteClusterConfiguration", [
      rcc("east", { etcdPassword: "s3cret" }),
      rcc("south"),
    ]);
    expect(only(run(mesh), "remote-cluster-config")).toEqual([
      {
        check: "remote-cluster-config",
        severity: "error",
        message:
          "RemoteClusterConfiguration east in west: spec.etcdPassword: can't be used with datastoreType kubernetes: remove it, or use datastoreType etcdv3",
        clusters: ["east", "west"],
        details: {
          problem: "invalid-configuration",
          declaringCluster: "west",
          remoteCluster: "east",
          diagnostic: expect.objectContaining({ cluster: "west", name: "east", field: "spec.etcdPassword" }),
        },
      },
    ]);
  });

  it("validates remote clusters' RCCs too", () => {
    const mesh = healthyMesh();
    mesh.east.push(rcc("west", { datastoreType: "Kubernetes" }));
    expect(only(run(mesh), "remote-cluster-config").map((f) => [f.severity, f.clusters])).toEqual([
      ["error", ["east", "west"]],
    ]);
  });

  it("warns about an RCC for a cluster that was not given", () => {
    const mesh = healthyMesh();
    mesh.west.push(rcc("north"));
    expect(only(run(mesh), "remote-cluster-config")).toEqual([
      expect.objectContaining({
        severity: "warning",
        clusters: ["west"],
        details: { problem: "no-cluster-data", declaringCluster: "west", remoteCluster: "north" },
      }),
    ]);
  });

  it("warns about a given cluster that no local RCC declares", () => {
    const mesh = healthyMesh();
    mesh.west = replace(mesh.west, "RemoteClusterConfiguration", [rcc("east")]);
    const found = only(run(mesh), "remote-cluster-config");
    expect(found).toEqual([
      expect.objectContaining({
        severity: "warning",
        clusters: ["south", "west"],
        details: { problem: "not-declared", declaringCluster: "west", remoteCluster: "south" },
      }),
    ]);
    expect(found[0]!.message).toContain("its endpoints take no part in west's policy");
  });

  it("warns about a local RCC carrying the local cluster's name", () => {
    const mesh = healthyMesh();
    mesh.west.push(rcc("west"));
    expect(only(run(mesh), "remote-cluster-config").map((f) => f.details)).toEqual([
      { problem: "declares-local-cluster", declaringCluster: "west", remoteCluster: "west" },
    ]);
  });

  it("warns when the local cluster is not among those given", () => {
    const found = run({ east: cluster("east", 245, 2) }, "west");
    expect(found).toEqual([
      expect.objectContaining({
        check: "remote-cluster-config",
        clusters: [],
        details: expect.objectContaining({ problem: "local-cluster-missing" }),
      }),
    ]);
  });
});

describe("selector-drift", () => {
  it("reports a pinned namespace and a label value missing from one cluster", () => {
    const mesh = healthyMesh();
    mesh.south = cluster("south", 246, 3).filter(
      (o) =>
        !(o.kind === "Profile" && o.name === "kns.payments") &&
        !(o.kind === "WorkloadEndpoint" && o.namespace === "payments"),
    );
    const found = only(run(mesh), "selector-drift");
    expect(found.map((f) => f.message)).toEqual([
      'NetworkPolicy shop/allow-checkout-to-ledger, egress rule 1, destination selector: requires namespace "payments", which exists in east and west but not in south, so there that part of the selector finds no peers; align namespaces and labels across clusters',
      'NetworkPolicy shop/allow-checkout-to-ledger, egress rule 1, destination selector: requires label app == "ledger", which exists in east and west but not in south, so there that part of the selector finds no peers; align namespaces and labels across clusters',
    ]);
    expect(found[0]).toMatchObject({
      severity: "warning",
      clusters: ["east", "south", "west"],
      details: {
        policy: { kind: "NetworkPolicy", namespace: "shop", name: "allow-checkout-to-ledger", tier: "default" },
        direction: "egress",
        ruleIndex: 0,
        side: "destination",
        field: "selector",
        reference: {
          subject: "namespace",
          label: "projectcalico.org/namespace",
          value: "payments",
          effect: "requires",
        },
        presentIn: ["east", "west"],
        missingIn: ["south"],
      },
    });
  });

  it("ignores network sets: they never federate, so a label only they carry is not drift", () => {
    const mesh = healthyMesh();
    const bastions: ModelResource = {
      kind: "NetworkSet",
      cluster: "",
      namespace: "",
      name: "bastions",
      labels: { network: "bastions" },
      profiles: [],
      nets: ["192.0.2.0/24"],
    };
    mesh.west.push(
      bastions,
      policy("shop", "ssh-from-bastions", { ingress: [allow({ source: entity("network == 'bastions'") })] }),
    );
    expect(only(run(mesh), "selector-drift")).toEqual([]);
  });

  it("reports a namespace label whose value differs between clusters", () => {
    const mesh = healthyMesh();
    mesh.east = replace(
      cluster("east", 245, 2).filter((o) => o.kind !== "Profile"),
      "Profile",
      [namespaceProfile("shop", { team: "web" }), namespaceProfile("payments", { team: "finance" })],
    );
    const found = only(run(mesh), "selector-drift");
    expect(found.map((f) => f.message)).toEqual([
      'NetworkPolicy payments/allow-from-storefront, ingress rule 1, source selector: requires namespace label team == "storefront", which exists in south and west but not in east, so there that part of the selector finds no peers; align namespaces and labels across clusters',
    ]);
    expect(found[0]!.details).toMatchObject({
      reference: { subject: "label-value", label: "pcns.team", scope: "namespace", value: "storefront" },
    });
  });

  it("reports a label key only some clusters use, once as a key", () => {
    const mesh = healthyMesh();
    mesh.west.push(
      wep("shop", "checkout-canary", "10.244.1.30", { app: "checkout", version: "v2" }, "west-worker-1"),
      policy("payments", "canary-only", {
        ingress: [allow({ source: entity("(projectcalico.org/namespace == 'payments') && (version == 'v2')") })],
      }),
    );
    const found = only(run(mesh), "selector-drift");
    expect(found.map((f) => [f.details.reference, f.details.presentIn, f.details.missingIn])).toEqual([
      [{ subject: "label", label: "version", scope: "endpoint", effect: "requires" }, ["west"], ["east", "south"]],
    ]);
  });

  it.each([
    ["a notSelector", entity("projectcalico.org/namespace == 'shop'", "app == 'legacy'")],
    ["a != comparison", entity("(projectcalico.org/namespace == 'shop') && (app != 'legacy')")],
    ["a negated in", entity("!(app in {'legacy'})")],
  ])("reports an exclusion that does nothing in some clusters, in %s", (_, match) => {
    const mesh = healthyMesh();
    mesh.east.push(wep("shop", "legacy-0", "10.245.1.99", { app: "legacy" }, "east-worker-1"));
    mesh.west.push(policy("shop", "no-legacy", { ingress: [allow({ source: match })] }));
    const found = only(run(mesh), "selector-drift");
    expect(found.map((f) => [f.details.reference, f.details.presentIn, f.details.missingIn])).toEqual([
      [
        { subject: "label-value", label: "app", scope: "endpoint", value: "legacy", effect: "excludes" },
        ["east"],
        ["south", "west"],
      ],
    ]);
    expect(found[0]!.message).toContain("so there the exclusion has no effect");
  });

  it("ignores policies' main selectors, which only select local endpoints", () => {
    const mesh = healthyMesh();
    mesh.west.push(policy("shop", "local-only", { ingress: [allow({})] }, "version == 'v9' && has(canary)"));
    expect(only(run(mesh), "selector-drift")).toEqual([]);
  });

  it("ignores remote clusters' policies, which never apply locally", () => {
    const mesh = healthyMesh();
    mesh.east.push(policy("shop", "east-only", { ingress: [allow({ source: entity("version == 'v9'") })] }));
    mesh.east.push(wep("shop", "x", "10.245.1.50", { version: "v9" }, "east-worker-1"));
    expect(only(run(mesh), "selector-drift")).toEqual([]);
  });

  it("does not count a cluster without endpoints or namespaces as lacking anything", () => {
    const mesh: Record<string, ModelResource[]> = healthyMesh();
    mesh.north = [node("north-worker-1", { addresses: ["192.168.4.11"] })];
    mesh.west!.push(rcc("north"));
    expect(run(mesh)).toEqual([]);
  });

  it("skips a selector that does not parse", () => {
    const mesh = healthyMesh();
    mesh.west.push(policy("shop", "broken", { egress: [allow({ destination: entity("app == ") })] }));
    expect(run(mesh)).toEqual([]);
  });

  it("names the global policy without a namespace", () => {
    const mesh = healthyMesh();
    mesh.west.push(
      wep("shop", "checkout-canary", "10.244.1.30", { app: "checkout", track: "canary" }, "west-worker-1"),
    );
    mesh.west.push(policy("", "canary-egress", { egress: [allow({ destination: entity("has(track)") })] }));
    expect(only(run(mesh), "selector-drift").map((f) => f.message)).toEqual([
      'GlobalNetworkPolicy canary-egress, egress rule 1, destination selector: requires label "track", which exists in west but not in east and south, so there that part of the selector finds no peers; align namespaces and labels across clusters',
    ]);
  });
});

// ─── Properties ──────────────────────────────────────────────────────────────────────────────────

const CLUSTERS = ["west", "east", "south"] as const;
const CIDRS = [
  "10.244.0.0/16",
  "10.244.128.0/17",
  "10.244.1.0/24",
  "10.245.0.0/16",
  "10.0.0.0/8",
  "10.244.1.17",
  "10.244.1.17/32",
  "192.168.1.0/24",
  "192.168.1.11",
  "fd00:10:244::/48",
  "fd00:10::/32",
  "fd00:10:244::9/128",
  "::ffff:10.0.0.0/104",
  "not-an-address",
  "",
];
const NAMES = ["worker-1", "worker-2", "default-ipv4-ippool", "checkout"];
const NAMESPACES = ["shop", "payments", ""];

const cidr = fc.constantFrom(...CIDRS);
const cidrs = fc.array(cidr, { maxLength: 3 });
const name = fc.constantFrom(...NAMES);
const labels = labelsArbitrary({ maxLabels: 3 });
const selector = fc.oneof(selectorArbitrary({ maxDepth: 2 }), fc.constantFrom("", "app ==", "pcns.team == 'x'"));
const side = fc
  .record({ selector, notSelector: fc.oneof(fc.constant(""), selector) })
  .map((s) => entity(s.selector, s.notSelector));
const rule = fc.record({ source: side, destination: side }).map((s) => allow(s));

const resource: fc.Arbitrary<ModelResource> = fc.oneof(
  fc.record({ name, addresses: cidrs, subnets: cidrs, podCIDRs: cidrs }).map((n) => node(n.name, n)),
  fc
    .record({ name, cidr, ipipMode: fc.constantFrom("Never", "Always", ""), disabled: fc.boolean() })
    .map((p) => pool(p.name, p.cidr, p)),
  fc.record({ ns: fc.constantFrom(...NAMESPACES), name, labels, ips: cidrs }).map((w) => ({
    ...wep(w.ns, w.name, "10.0.0.1", w.labels),
    ipv4Nets: w.ips,
    ipv6Nets: [],
  })),
  fc
    .record({ ns: fc.constantFrom(...NAMESPACES), labels })
    .map((p) => ({ ...namespaceProfile(p.ns), labels: p.labels })),
  fc
    .record({
      ns: fc.constantFrom(...NAMESPACES),
      name,
      ingress: fc.array(rule, { maxLength: 2 }),
      egress: fc.array(rule, { maxLength: 2 }),
    })
    .map((p) => policy(p.ns, p.name, p)),
  fc
    .record({
      name: fc.constantFrom(...CLUSTERS, "north"),
      spec: fc.dictionary(fc.constantFrom("datastoreType", "kubeconfig", "x"), fc.string(), { maxKeys: 2 }),
    })
    .map((r) => ({ kind: "RemoteClusterConfiguration" as const, cluster: "", name: r.name, spec: r.spec })),
);

const mesh = fc.dictionary(fc.constantFrom(...CLUSTERS), fc.array(resource, { maxLength: 8 }), { minKeys: 1 });

describe("properties", () => {
  test.prop([mesh, fc.constantFrom(...CLUSTERS)])(
    "never throws, and every finding names only given clusters",
    (m, local) => {
      const findings = run(m, local);
      const given = new Set(Object.keys(m));
      for (const f of findings) {
        expect(f.message.length).toBeGreaterThan(0);
        for (const c of f.clusters) expect(given.has(c)).toBe(true);
        expect(f.clusters).toEqual([...new Set(f.clusters)].sort());
      }
    },
  );

  test.prop([mesh, fc.constantFrom(...CLUSTERS)])("does not depend on the map's order", (m, local) => {
    const reversed = Object.fromEntries(Object.entries(m).reverse());
    expect(run(reversed, local)).toEqual(run(m, local));
  });

  /** Pools only (at most two per cluster): the reported pairs are exactly the brute-force ones. */
  const poolsOnly = fc.dictionary(
    fc.constantFrom(...CLUSTERS),
    fc.uniqueArray(
      fc.constantFrom(...CIDRS.filter((c) => c.includes("/") && !c.endsWith("/32") && !c.endsWith("/128"))),
      {
        maxLength: 2,
      },
    ),
    { minKeys: 2 },
  );

  test.prop([poolsOnly])("pod-cidr-overlap reports each overlapping pair of pools once, symmetrically", (byCluster) => {
    const m = Object.fromEntries(
      Object.entries(byCluster).map(([c, list]) => [c, list.map((x, i) => pool(`pool-${i}`, x))]),
    );
    const reported = only(run(m), "pod-cidr-overlap").flatMap((f) =>
      pairText(f).map((pair) => [...pair].sort().join(" & ")),
    );
    expect(new Set(reported).size).toBe(reported.length);
    expect(reported.sort()).toEqual(bruteForcePairs(byCluster));
    const swapped = Object.fromEntries(Object.entries(m).reverse());
    const again = only(run(swapped), "pod-cidr-overlap").flatMap((f) =>
      pairText(f).map((p) => [...p].sort().join(" & ")),
    );
    expect(again.sort()).toEqual(reported);
  });
});

/**
 * The oracle: every pair of pools of different clusters that share an address (ipaddr.js `match`,
 * families compared first), skipping a pool inside another pool of its own cluster (its overlaps are
 * its cover's).
 */
function bruteForcePairs(byCluster: Record<string, string[]>): string[] {
  const pools = Object.entries(byCluster).flatMap(([c, list]) =>
    list.map((text) => ({ cluster: c, net: ipaddr.parseCIDR(text) })),
  );
  const contains = (a: (typeof pools)[number], b: (typeof pools)[number]): boolean =>
    a.net[0].kind() === b.net[0].kind() && a.net[1] <= b.net[1] && b.net[0].match(a.net);
  const covered = (p: (typeof pools)[number]): boolean =>
    pools.some((q) => q !== p && q.cluster === p.cluster && contains(q, p) && (q.net[1] < p.net[1] || !contains(p, q)));
  const text = (p: (typeof pools)[number]): string => `${p.cluster}:IPPool:${p.net[0].toString()}/${p.net[1]}`;
  const pairs: string[] = [];
  pools.forEach((a, i) => {
    for (const b of pools.slice(i + 1)) {
      if (a.cluster === b.cluster || covered(a) || covered(b)) continue;
      if (contains(a, b) || contains(b, a)) pairs.push([text(a), text(b)].sort().join(" & "));
    }
  });
  return pairs.sort();
}
