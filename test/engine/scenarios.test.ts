/**
 * The engine on realistic manifests: the static scenarios of fixtures.ts (calico-semantics.md §5.9
 * and §8 items 13–16), then step-by-step histories whose flush deltas are checked exactly (shared
 * IPs, deleted IP sets, coalescing, label inheritance changes, unknown profiles).
 */
import { describe, expect, it } from "vitest";
import { createPolicyEngine } from "../../src/calc/engine.js";
import type { EngineDelta, PolicyEngine } from "../../src/calc/types.js";
import {
  CHECKOUT,
  CHECKOUT_SA,
  CHECKOUT_V4,
  CHECKOUT_V6,
  LEDGER,
  LEDGER_SA,
  LEDGER_V4,
  PAYMENTS,
  SCENARIOS,
  SHOP,
  selectorSet,
} from "./fixtures.js";
import { CALICO, EAST_RCC, globalPolicy, namespace, pod, type Raw } from "./manifests.js";
import { emptyObserved, engineRules, isEmptyDelta, observe, render, replay } from "./observe.js";
import { policyKey, sortStrings } from "./oracle.js";

function engineWith(resources: readonly { readonly resource: Raw; readonly cluster?: string }[], node?: string) {
  const engine = createPolicyEngine(node === undefined ? {} : { node });
  engine.upsert(EAST_RCC);
  for (const { resource, cluster } of resources) {
    const diagnostics = engine.upsert(resource, cluster === undefined ? {} : { cluster });
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  }
  return engine;
}

/** Members added/removed for one set in a delta (`[]` when the delta says nothing about it). */
function added(delta: EngineDelta, id: string): string[] {
  return delta.membersAdded.get(id) ?? [];
}
function removed(delta: EngineDelta, id: string): string[] {
  return delta.membersRemoved.get(id) ?? [];
}

describe("engine scenarios (static)", () => {
  for (const scenario of SCENARIOS) {
    it(scenario.name, () => {
      const engine = engineWith(scenario.resources, scenario.node);
      const delta = engine.flush();
      const state = observe(engine);
      expect(render(state)).toEqual({
        ipSets: [...scenario.ipSets]
          .sort((a, b) => (a.info.id < b.info.id ? -1 : 1))
          .map(({ info, members }) => ({ info, members: sortStrings(members) })),
        policies: sortStrings(scenario.policies),
        profiles: sortStrings(scenario.profiles),
      });
      expect(render(replay(emptyObserved(), delta))).toEqual(render(state));
      const rules = engineRules(engine);
      for (const [key, expected] of Object.entries(scenario.policyRules ?? {})) {
        expect(rules.policies.get(key)).toEqual(expected);
      }
    });
  }
});

const fromCheckout = selectorSet("app == 'checkout'");
const ledgerIngress = globalPolicy("ledger-ingress", {
  selector: "app == 'ledger'",
  ingress: [{ action: "Allow", protocol: "TCP", source: { selector: "app == 'checkout'" } }],
});
const ledgerIngressKey = "GlobalNetworkPolicy||ledger-ingress";

/** The shop with `ledger-ingress`, flushed once. */
function shopEngine(): PolicyEngine {
  const engine = engineWith(
    [SHOP, PAYMENTS, CHECKOUT_SA, LEDGER_SA, CHECKOUT, LEDGER, ledgerIngress].map((r) => ({ resource: r })),
  );
  const first = engine.flush();
  expect(first.ipSetsAdded.map((info) => info.id)).toEqual([fromCheckout.id]);
  expect(sortStrings(added(first, fromCheckout.id))).toEqual([`${CHECKOUT_V4}/32`, `${CHECKOUT_V6}/128`]);
  expect(first.policiesActivated.map(policyKey)).toEqual([ledgerIngressKey]);
  return engine;
}

describe("engine scenarios (deltas)", () => {
  it("a shared IP is one member, and stays while any endpoint (of any cluster) has it", () => {
    const engine = shopEngine();
    const eastCheckout = pod({
      namespace: "shop",
      name: "checkout-6f7c9b-east1",
      node: "east-node-1",
      labels: { app: "checkout" },
      ips: [CHECKOUT_V4],
    });
    engine.upsert(eastCheckout, { cluster: "east" });
    const sharing = engine.flush();
    expect(isEmptyDelta(sharing)).toBe(true);
    expect(engine.ipSetMembers(fromCheckout.id)).toEqual([`${CHECKOUT_V4}/32`, `${CHECKOUT_V6}/128`]);

    engine.remove({ kind: "Pod", namespace: "shop", name: "checkout-6f7c9b-x2x4q" });
    const localGone = engine.flush();
    expect(removed(localGone, fromCheckout.id)).toEqual([`${CHECKOUT_V6}/128`]);
    expect(added(localGone, fromCheckout.id)).toEqual([]);
    expect(localGone.ipSetsRemoved).toEqual([]);
    expect(engine.ipSetMembers(fromCheckout.id)).toEqual([`${CHECKOUT_V4}/32`]);

    engine.remove({ kind: "Pod", namespace: "shop", name: "checkout-6f7c9b-east1" }, { cluster: "east" });
    const remoteGone = engine.flush();
    expect(removed(remoteGone, fromCheckout.id)).toEqual([`${CHECKOUT_V4}/32`]);
    expect(engine.ipSetMembers(fromCheckout.id)).toEqual([]);
    expect(engine.ipSets().map((info) => info.id)).toEqual([fromCheckout.id]);
  });

  it("a shared IP within one cluster: removing one of two pods removes nothing", () => {
    const engine = shopEngine();
    engine.upsert(
      pod({
        namespace: "shop",
        name: "checkout-6f7c9b-r5t6y",
        node: "node-b",
        labels: { app: "checkout" },
        ips: [CHECKOUT_V4],
      }),
    );
    expect(isEmptyDelta(engine.flush())).toBe(true);
    engine.remove({ kind: "Pod", namespace: "shop", name: "checkout-6f7c9b-r5t6y" });
    expect(isEmptyDelta(engine.flush())).toBe(true);
    expect(engine.ipSetMembers(fromCheckout.id)).toEqual([`${CHECKOUT_V4}/32`, `${CHECKOUT_V6}/128`]);
  });

  it("deleting an IP set lists no member removals", () => {
    const engine = shopEngine();
    engine.remove({ kind: "GlobalNetworkPolicy", name: "ledger-ingress" });
    const delta = engine.flush();
    expect(delta.ipSetsRemoved).toEqual([fromCheckout.id]);
    expect(removed(delta, fromCheckout.id)).toEqual([]);
    expect(delta.policiesDeactivated.map(policyKey)).toEqual([ledgerIngressKey]);
    expect(engine.ipSets()).toEqual([]);
    expect(engine.ipSetMembers(fromCheckout.id)).toEqual([]);
  });

  it("an IP set goes when its only policy deactivates (the selected pod leaves)", () => {
    const engine = shopEngine();
    engine.remove({ kind: "Pod", namespace: "payments", name: "ledger-5d8b7c-fq9zp" });
    const delta = engine.flush();
    expect(delta.ipSetsRemoved).toEqual([fromCheckout.id]);
    expect(removed(delta, fromCheckout.id)).toEqual([]);
    expect(delta.policiesDeactivated.map(policyKey)).toEqual([ledgerIngressKey]);
    expect(delta.profilesDeactivated.sort()).toEqual(["kns.payments", "ksa.payments.ledger"]);
    expect(engine.activeProfiles().map((p) => p.name)).toEqual(["kns.shop", "ksa.shop.checkout"]);
  });

  it("coalescing: a pod added and removed between two flushes gives an empty delta", () => {
    const engine = shopEngine();
    engine.upsert(
      pod({
        namespace: "shop",
        name: "checkout-6f7c9b-tmp01",
        node: "node-a",
        labels: { app: "checkout" },
        ips: ["10.244.1.99"],
      }),
    );
    engine.remove({ kind: "Pod", namespace: "shop", name: "checkout-6f7c9b-tmp01" });
    expect(isEmptyDelta(engine.flush())).toBe(true);
  });

  it("coalescing: a policy with new IP sets added and removed between two flushes gives an empty delta", () => {
    const engine = shopEngine();
    engine.upsert(
      globalPolicy("temporary", {
        ingress: [{ action: "Allow", protocol: "TCP", source: { selector: "app == 'ledger'", ports: [8443, "http"] } }],
      }),
    );
    engine.remove({ kind: "GlobalNetworkPolicy", name: "temporary" });
    expect(isEmptyDelta(engine.flush())).toBe(true);
  });

  it("coalescing: members added then removed within a batch do not appear", () => {
    const engine = shopEngine();
    const extra = pod({
      namespace: "shop",
      name: "checkout-extra",
      node: "node-a",
      labels: { app: "checkout" },
      ips: ["10.244.1.50"],
    });
    engine.upsert(extra);
    engine.upsert(
      pod({ namespace: "shop", name: "checkout-extra", node: "node-a", labels: { app: "cart" }, ips: ["10.244.1.50"] }),
    );
    const delta = engine.flush();
    expect(added(delta, fromCheckout.id)).toEqual([]);
    expect(removed(delta, fromCheckout.id)).toEqual([]);
    expect(isEmptyDelta(delta)).toBe(true);
    expect(engine.ipSetMembers(fromCheckout.id)).toEqual([`${CHECKOUT_V4}/32`, `${CHECKOUT_V6}/128`]);
  });

  it("a namespace label flip moves its pods in and out of a pcns. selector set", () => {
    const engine = engineWith(
      [
        SHOP,
        PAYMENTS,
        CHECKOUT,
        LEDGER,
        globalPolicy("from-storefront", {
          selector: "app == 'ledger'",
          ingress: [{ action: "Allow", source: { selector: "pcns.team == 'storefront'" } }],
        }),
      ].map((resource) => ({ resource })),
    );
    const set = selectorSet("pcns.team == 'storefront'");
    expect(sortStrings(added(engine.flush(), set.id))).toEqual([`${CHECKOUT_V4}/32`, `${CHECKOUT_V6}/128`]);
    engine.upsert(namespace("shop", { team: "web" }));
    engine.upsert(namespace("payments", { team: "storefront" }));
    const flip = engine.flush();
    expect(sortStrings(removed(flip, set.id))).toEqual([`${CHECKOUT_V4}/32`, `${CHECKOUT_V6}/128`]);
    expect(added(flip, set.id)).toEqual([`${LEDGER_V4}/32`]);
    engine.remove({ kind: "Namespace", name: "payments" });
    expect(removed(engine.flush(), set.id)).toEqual([`${LEDGER_V4}/32`]);
    // The profile is still referenced, so it stays active, now with unknown (deny-all) rules.
    const payments = engine.activeProfiles().find((profile) => profile.name === "kns.payments");
    expect(payments?.ingress.map((rule) => rule.action)).toEqual(["deny"]);
    expect(payments?.egress.map((rule) => rule.action)).toEqual(["deny"]);
  });

  it("a profile named by a pod but never defined is active with deny-all rules, until defined", () => {
    const engine = engineWith([
      { resource: pod({ namespace: "inventory", name: "stock-7c9d-aaaaa", node: "node-a", ips: ["10.244.3.3"] }) },
    ]);
    const first = engine.flush();
    expect(
      first.profilesActivated.map((p) => [p.name, p.ingress.map((r) => r.action), p.egress.map((r) => r.action)]),
    ).toEqual([["kns.inventory", ["deny"], ["deny"]]]);
    engine.upsert(namespace("inventory", { team: "warehouse" }));
    const defined = engine.flush();
    expect(defined.profilesActivated).toEqual([]);
    expect(defined.profilesUpdated.map((p) => [p.name, p.ingress.map((r) => r.action)])).toEqual([
      ["kns.inventory", ["allow"]],
    ]);
  });

  it("a pod updated while its namespace is still unknown inherits the namespace's labels once it appears", () => {
    // Pods often arrive before their Namespace; any update to such a pod must keep it attached to
    // the (not yet defined) kns. profile, so that the Namespace's labels reach it later (§5.2).
    const set = selectorSet("pcns.team == 'storefront'");
    const engine = engineWith([
      {
        resource: globalPolicy("from-storefront", {
          ingress: [{ action: "Allow", source: { selector: "pcns.team == 'storefront'" } }],
        }),
      },
      { resource: CHECKOUT },
    ]);
    engine.flush();
    engine.upsert(
      pod({
        namespace: "shop",
        name: "checkout-6f7c9b-x2x4q",
        node: "node-a",
        labels: { app: "checkout", version: "v2" },
        serviceAccount: "checkout",
        ips: [CHECKOUT_V4, CHECKOUT_V6],
      }),
    );
    engine.flush();
    engine.upsert(SHOP);
    const delta = engine.flush();
    expect(sortStrings(added(delta, set.id))).toEqual([`${CHECKOUT_V4}/32`, `${CHECKOUT_V6}/128`]);
    expect(engine.ipSetMembers(set.id)).toEqual([`${CHECKOUT_V4}/32`, `${CHECKOUT_V6}/128`]);
    expect(engine.endpointsMatching("pcns.team == 'storefront'").map((match) => match.id)).toEqual([
      "node-a/k8s/shop.checkout-6f7c9b-x2x4q/eth0",
    ]);
  });

  it("re-upserting identical resources changes nothing: the delta is empty", () => {
    const engine = shopEngine();
    for (const resource of [SHOP, PAYMENTS, CHECKOUT_SA, LEDGER_SA, CHECKOUT, LEDGER, ledgerIngress]) {
      engine.upsert(structuredClone(resource));
    }
    const delta = engine.flush();
    expect(delta.policiesUpdated.map(policyKey)).toEqual([]);
    expect(delta.profilesUpdated.map((profile) => profile.name)).toEqual([]);
    expect(isEmptyDelta(delta)).toBe(true);
  });

  it("a pod moving to another node updates no policy or profile whose content is unchanged", () => {
    const engine = shopEngine();
    engine.upsert(
      pod({
        namespace: "shop",
        name: "checkout-6f7c9b-x2x4q",
        node: "node-c",
        labels: { app: "checkout", "pod-template-hash": "6f7c9b" },
        serviceAccount: "checkout",
        ips: [CHECKOUT_V4, CHECKOUT_V6],
        ports: [
          { name: "http", containerPort: 8080, protocol: "TCP" },
          { name: "metrics", containerPort: 9090 },
        ],
      }),
    );
    const delta = engine.flush();
    expect(delta.policiesUpdated.map(policyKey)).toEqual([]);
    expect(delta.profilesUpdated.map((profile) => profile.name)).toEqual([]);
    expect(isEmptyDelta(delta)).toBe(true);
  });

  it("remote policies never activate, even when they select local pods", () => {
    const engine = engineWith([
      { resource: CHECKOUT },
      {
        resource: globalPolicy("east-wide", {
          ingress: [{ action: "Allow", source: { selector: "app == 'checkout'" } }],
        }),
        cluster: "east",
      },
    ]);
    const delta = engine.flush();
    expect(delta.policiesActivated).toEqual([]);
    expect(delta.ipSetsAdded).toEqual([]);
    expect(engine.activePolicies()).toEqual([]);
  });

  it("removing a Kubernetes NetworkPolicy by apiVersion leaves the Calico one of the same name", () => {
    const calico = {
      apiVersion: CALICO,
      kind: "NetworkPolicy",
      metadata: { name: "web", namespace: "shop" },
      spec: { selector: "app == 'checkout'", ingress: [{ action: "Allow", source: { selector: "app == 'cart'" } }] },
    };
    const k8s = {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "web", namespace: "shop" },
      spec: { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: "cart" } } }] }] },
    };
    const engine = engineWith([{ resource: CHECKOUT }, { resource: calico }, { resource: k8s }]);
    engine.flush();
    expect(engine.activePolicies().map(policyKey).sort()).toEqual([
      "KubernetesNetworkPolicy|shop|web",
      "NetworkPolicy|shop|web",
    ]);
    engine.remove({ kind: "NetworkPolicy", namespace: "shop", name: "web", apiVersion: "networking.k8s.io/v1" });
    const delta = engine.flush();
    expect(delta.policiesDeactivated.map(policyKey)).toEqual(["KubernetesNetworkPolicy|shop|web"]);
    engine.upsert(k8s);
    engine.flush();
    engine.remove({ kind: "NetworkPolicy", namespace: "shop", name: "web" });
    expect(engine.flush().policiesDeactivated.map(policyKey).sort()).toEqual([
      "KubernetesNetworkPolicy|shop|web",
      "NetworkPolicy|shop|web",
    ]);
  });
});
