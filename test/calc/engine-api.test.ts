/**
 * The engine's query methods and its raw-resource bookkeeping (upsert replacing what a resource
 * produced, remove by reference, invalid updates as deletions), on a small shop/payments cluster.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { createPolicyEngine } from "../../src/calc/engine.js";
import type { PolicyEngine } from "../../src/calc/types.js";

const namespace = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: "v1",
  kind: "Namespace",
  metadata: { name, labels },
});

const pod = (ns: string, name: string, labels: Record<string, string>, ip: string, node = "worker-1") => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: ns, labels },
  spec: { nodeName: node, containers: [{ name: "app", ports: [{ name: "http", containerPort: 8080 }] }] },
  status: { podIP: ip },
});

const calicoPolicy = (ns: string, name: string, spec: Record<string, unknown>) => ({
  apiVersion: "projectcalico.org/v3",
  kind: "NetworkPolicy",
  metadata: { name, namespace: ns },
  spec,
});

describe("engine queries", () => {
  let engine: PolicyEngine;
  beforeEach(() => {
    engine = createPolicyEngine();
    engine.upsert({
      apiVersion: "projectcalico.org/v3",
      kind: "RemoteClusterConfiguration",
      metadata: { name: "east" },
      spec: { datastoreType: "kubernetes", kubeconfig: "/etc/fedcalc/east.kubeconfig" },
    });
    engine.upsert(namespace("shop", { team: "web" }));
    engine.upsert(namespace("payments", { team: "money" }));
    engine.upsert(pod("shop", "checkout", { app: "checkout" }, "10.0.0.1"));
    engine.upsert(pod("payments", "ledger", { app: "ledger" }, "10.0.0.2"));
    engine.upsert(pod("payments", "ledger", { app: "ledger" }, "10.1.0.2"), { cluster: "east" });
    engine.upsert(
      calicoPolicy("payments", "ledger-ingress", {
        order: 10,
        selector: "app == 'ledger'",
        ingress: [{ action: "Allow", source: { namespaceSelector: "team == 'web'" } }],
      }),
    );
    engine.upsert(
      calicoPolicy("payments", "deny-debug", {
        order: 5,
        selector: "all()",
        ingress: [{ action: "Deny", source: { selector: "app == 'ledger'", notSelector: "app == 'checkout'" } }],
      }),
    );
  });

  it("finds endpoints of every cluster by selector, with calicoq IDs", () => {
    expect(engine.endpointsMatching("app == 'ledger'")).toEqual([
      { id: "east/worker-1/k8s/payments.ledger/eth0", kind: "WorkloadEndpoint", cluster: "east" },
      { id: "worker-1/k8s/payments.ledger/eth0", kind: "WorkloadEndpoint", cluster: "" },
    ]);
    expect(engine.endpointsMatching("pcns.team == 'web'").map((m) => m.id)).toEqual([
      "worker-1/k8s/shop.checkout/eth0",
    ]);
  });

  it("lists the policies applying to a local endpoint in order, and none for a remote one", () => {
    expect(engine.policiesApplyingTo("worker-1/k8s/payments.ledger/eth0")).toEqual({
      policies: [
        { cluster: "", policyKind: "NetworkPolicy", namespace: "payments", name: "deny-debug" },
        { cluster: "", policyKind: "NetworkPolicy", namespace: "payments", name: "ledger-ingress" },
      ],
      profiles: ["kns.payments"],
    });
    expect(engine.policiesApplyingTo("east/worker-1/k8s/payments.ledger/eth0")).toEqual({ policies: [], profiles: [] });
    expect(engine.policiesApplyingTo("worker-9/k8s/nowhere.x/eth0")).toBeUndefined();
  });

  it("reports which rule sides select an endpoint as a peer, negated ones too", () => {
    // notSelector is copied verbatim (never pinned to the policy's namespace, spec §4.1), so
    // deny-debug's `notSelector: app == 'checkout'` matches the checkout pod in shop.
    const checkout = engine.rulesSelecting("worker-1/k8s/shop.checkout/eth0");
    expect(checkout?.map((m) => `${m.policy?.name}:${m.direction}[${m.ruleIndex}].${m.side}:${m.negated}`)).toEqual([
      "deny-debug:ingress[0].source:true",
      "ledger-ingress:ingress[0].source:false",
    ]);
    // deny-debug's source pins to namespace payments: the remote ledger in payments matches it.
    const remoteLedger = engine.rulesSelecting("east/worker-1/k8s/payments.ledger/eth0");
    expect(remoteLedger?.map((m) => `${m.policy?.name}:${m.side}:${m.negated}`)).toEqual(["deny-debug:source:false"]);
  });

  it("orders active policies by tier, order and name", () => {
    expect(engine.activePolicies().map((p) => p.name)).toEqual(["deny-debug", "ledger-ingress"]);
  });
});

describe("policy order across tiers", () => {
  it("puts tiers with a Tier resource (by order, unset last) before tiers without one, as Felix does", () => {
    const engine = createPolicyEngine();
    engine.upsert(namespace("shop"));
    engine.upsert(pod("shop", "web", { app: "web" }, "10.0.0.1"));
    const tier = (name: string, order?: number) => ({
      apiVersion: "projectcalico.org/v3",
      kind: "Tier",
      metadata: { name },
      spec: order === undefined ? {} : { order },
    });
    const inTier = (tierName: string, name: string) =>
      calicoPolicy("shop", `${tierName}.${name}`, { tier: tierName, selector: "all()", order: 1 });
    engine.upsert(tier("noorder"));
    engine.upsert(tier("first", 10));
    for (const t of ["aaa-missing", "noorder", "first", "default"]) engine.upsert(inTier(t, "p"));
    expect(engine.activePolicies().map((p) => p.tier)).toEqual(["first", "default", "noorder", "aaa-missing"]);
  });
});

describe("engine bookkeeping", () => {
  it("replaces what a resource produced when it is upserted again", () => {
    const engine = createPolicyEngine();
    engine.upsert(namespace("shop"));
    engine.upsert(pod("shop", "checkout", { app: "checkout" }, "10.0.0.1"));
    engine.upsert(
      calicoPolicy("shop", "p", {
        selector: "all()",
        ingress: [{ action: "Allow", source: { selector: "app == 'checkout'" } }],
      }),
    );
    engine.flush();
    engine.upsert(pod("shop", "checkout", { app: "checkout" }, "10.0.0.9"));
    const delta = engine.flush();
    const [id] = [...delta.membersAdded.keys()];
    expect(delta.membersAdded.get(id!)).toEqual(["10.0.0.9/32"]);
    expect(delta.membersRemoved.get(id!)).toEqual(["10.0.0.1/32"]);
  });

  it("treats an update that no longer converts as a deletion, as Felix's validation filter does", () => {
    const engine = createPolicyEngine();
    engine.upsert(namespace("shop"));
    engine.upsert(pod("shop", "checkout", { app: "checkout" }, "10.0.0.1"));
    engine.upsert(calicoPolicy("shop", "p", { selector: "app == 'checkout'" }));
    expect(engine.activePolicies().map((p) => p.name)).toEqual(["p"]);
    const diagnostics = engine.upsert(calicoPolicy("shop", "p", { selector: "app ==" }));
    expect(diagnostics.some((d) => d.severity === "error" && d.field === "spec.selector")).toBe(true);
    expect(engine.activePolicies()).toEqual([]);
  });

  it("removes by reference, telling Kubernetes and Calico kinds apart by apiVersion", () => {
    const engine = createPolicyEngine();
    engine.upsert(namespace("shop"));
    engine.upsert(pod("shop", "checkout", { app: "checkout" }, "10.0.0.1"));
    engine.upsert(calicoPolicy("shop", "same-name", { selector: "all()" }));
    engine.upsert({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "same-name", namespace: "shop" },
      spec: { podSelector: {} },
    });
    expect(engine.activePolicies().map((p) => p.policyKind)).toEqual(["KubernetesNetworkPolicy", "NetworkPolicy"]);
    engine.remove({ kind: "NetworkPolicy", name: "same-name", namespace: "shop", apiVersion: "networking.k8s.io/v1" });
    expect(engine.activePolicies().map((p) => p.policyKind)).toEqual(["NetworkPolicy"]);
    engine.remove({ kind: "NetworkPolicy", name: "same-name", namespace: "shop" });
    expect(engine.activePolicies()).toEqual([]);
    engine.remove({ kind: "NetworkPolicy", name: "never-existed", namespace: "shop" });
  });

  it("only activates policies for endpoints on its node, when given one", () => {
    const engine = createPolicyEngine({ node: "worker-2" });
    engine.upsert(namespace("shop"));
    engine.upsert(calicoPolicy("shop", "p", { selector: "app == 'checkout'" }));
    engine.upsert(pod("shop", "checkout", { app: "checkout" }, "10.0.0.1", "worker-1"));
    expect(engine.activePolicies()).toEqual([]);
    engine.upsert(pod("shop", "checkout-2", { app: "checkout" }, "10.0.0.2", "worker-2"));
    expect(engine.activePolicies().map((p) => p.name)).toEqual(["p"]);
    engine.upsert(pod("shop", "checkout-2", { app: "checkout" }, "10.0.0.2", "worker-1"));
    expect(engine.activePolicies()).toEqual([]);
  });
});
