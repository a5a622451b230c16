/**
 * Checks the oracle itself against the hand-written scenario expectations (fixtures.ts), so that
 * the property tests compare the engine with something known to be right, and against a few
 * literal facts from calico-semantics.md.
 */
import { describe, expect, it } from "vitest";
import { parseSelector } from "../../src/selector/index.js";
import { SCENARIOS, selectorSet } from "./fixtures.js";
import { globalPolicy, NETWORKING, namespace, pod } from "./manifests.js";
import { computeOracle, RawStore, sortStrings } from "./oracle.js";

describe("oracle", () => {
  it("uses Calico's selector UID (vector from src/hash)", () => {
    expect(parseSelector("all()").uniqueId).toBe("s:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug");
  });

  for (const scenario of SCENARIOS) {
    it(scenario.name, () => {
      const store = new RawStore();
      for (const { resource, cluster } of scenario.resources) store.upsert(resource, cluster);
      const result = computeOracle(store.entries(), scenario.node === undefined ? {} : { node: scenario.node });
      expect([...result.ipSets.values()]).toEqual(
        [...scenario.ipSets]
          .sort((a, b) => (a.info.id < b.info.id ? -1 : 1))
          .map(({ info, members }) => ({ info, members: sortStrings(members) })),
      );
      expect(result.activePolicyRefs).toEqual(sortStrings(scenario.policies));
      expect(result.activeProfileNames).toEqual(sortStrings(scenario.profiles));
      for (const [key, rules] of Object.entries(scenario.policyRules ?? {})) {
        expect(result.policyRules.get(key)).toEqual(rules);
      }
    });
  }

  it("gives an active profile with no definition deny-all rules", () => {
    const store = new RawStore();
    store.upsert(pod({ namespace: "inventory", name: "stock-1", node: "node-a", ips: ["10.244.3.3"] }));
    const result = computeOracle(store.entries());
    expect(result.activeProfileNames).toEqual(["kns.inventory"]);
    expect(result.profileRules.get("kns.inventory")?.ingress.map((rule) => rule.action)).toEqual(["deny"]);
    expect(result.profileRules.get("kns.inventory")?.egress.map((rule) => rule.action)).toEqual(["deny"]);
    store.upsert(namespace("inventory"));
    expect(
      computeOracle(store.entries())
        .profileRules.get("kns.inventory")
        ?.ingress.map((r) => r.action),
    ).toEqual(["allow"]);
  });

  it("removes by kind, namespace and name, and by apiVersion only when given", () => {
    const store = new RawStore();
    const calico = {
      apiVersion: "projectcalico.org/v3",
      kind: "NetworkPolicy",
      metadata: { name: "web", namespace: "shop" },
      spec: {},
    };
    const k8s = {
      apiVersion: NETWORKING,
      kind: "NetworkPolicy",
      metadata: { name: "web", namespace: "shop" },
      spec: {},
    };
    store.upsert(calico);
    store.upsert(k8s);
    store.upsert(calico, "east");
    store.remove({ kind: "NetworkPolicy", namespace: "shop", name: "web", apiVersion: NETWORKING });
    expect(store.entries()).toEqual([
      { cluster: "", resource: calico },
      { cluster: "east", resource: calico },
    ]);
    store.upsert(k8s);
    store.remove({ kind: "NetworkPolicy", namespace: "shop", name: "web" });
    expect(store.entries()).toEqual([{ cluster: "east", resource: calico }]);
  });

  it("lists matching endpoints and network sets of every cluster", () => {
    const store = new RawStore();
    store.upsert(pod({ namespace: "shop", name: "a", node: "n1", labels: { app: "x" }, ips: ["10.0.0.1"] }));
    store.upsert(pod({ namespace: "shop", name: "a", node: "n2", labels: { app: "x" }, ips: ["10.0.0.1"] }), "east");
    store.upsert(globalPolicy("p", {}));
    const result = computeOracle(store.entries());
    expect(result.endpointsMatching("app == 'x'")).toEqual([
      { id: "east/n2/k8s/shop.a/eth0", kind: "WorkloadEndpoint", cluster: "east" },
      { id: "n1/k8s/shop.a/eth0", kind: "WorkloadEndpoint", cluster: "" },
    ]);
    expect(result.ipSets.has(selectorSet("app == 'x'").id)).toBe(false);
  });
});
