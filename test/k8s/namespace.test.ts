/**
 * Namespace → `kns.` profile and ServiceAccount → `ksa.` profile (spec §2.2, §2.3), through the
 * public dispatcher.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { convertResource } from "../../src/k8s/convert.js";
import type { Profile } from "../../src/model/index.js";
import { parseSelector } from "../../src/selector/index.js";

const ANY = { nets: [], notNets: [], selector: "", notSelector: "", ports: [], notPorts: [] };
const ALLOW_ALL = { action: "allow", source: ANY, destination: ANY };

function namespace(name: string, labels?: unknown): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name,
      uid: "6f1c0a52-3e3b-4f0e-9d57-0c2b1a7e9f10",
      resourceVersion: "48213",
      creationTimestamp: "2024-03-11T09:12:44Z",
      ...(labels === undefined ? {} : { labels }),
    },
    spec: { finalizers: ["kubernetes"] },
    status: { phase: "Active" },
  };
}

function serviceAccount(ns: string, name: string, labels?: unknown): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: {
      name,
      namespace: ns,
      uid: "0d7c2f7e-8a41-4b8e-a1f6-3f5e2c9d4b21",
      resourceVersion: "48377",
      creationTimestamp: "2024-03-11T09:13:02Z",
      ...(labels === undefined ? {} : { labels }),
    },
  };
}

describe("Namespace → Profile", () => {
  it.each([
    {
      title: "prefixes every label with pcns. and adds the name label",
      raw: namespace("payments", { team: "finance", "kubernetes.io/metadata.name": "payments" }),
      name: "kns.payments",
      labels: {
        "pcns.team": "finance",
        "pcns.kubernetes.io/metadata.name": "payments",
        "pcns.projectcalico.org/name": "payments",
      },
    },
    {
      title: "a namespace without labels still gets the name label",
      raw: namespace("shop"),
      name: "kns.shop",
      labels: { "pcns.projectcalico.org/name": "shop" },
    },
    {
      title: "the name label overrides a namespace label of the same name",
      raw: namespace("shop", { "projectcalico.org/name": "impostor", env: "prod" }),
      name: "kns.shop",
      labels: { "pcns.projectcalico.org/name": "shop", "pcns.env": "prod" },
    },
    {
      title: "a label already carrying the prefix is prefixed again",
      raw: namespace("shop", { "pcns.env": "prod" }),
      name: "kns.shop",
      labels: { "pcns.pcns.env": "prod", "pcns.projectcalico.org/name": "shop" },
    },
  ])("$title", ({ raw, name, labels }) => {
    const result = convertResource(raw, { cluster: "" });
    expect(result.diagnostics).toEqual([]);
    expect(result.resources).toEqual([
      { kind: "Profile", cluster: "", name, labels, ingress: [ALLOW_ALL], egress: [ALLOW_ALL] },
    ]);
  });

  it("copies the owning cluster", () => {
    const [profile] = convertResource(namespace("payments"), { cluster: "east" }).resources;
    expect(profile).toMatchObject({ cluster: "east", name: "kns.payments" });
  });

  it("keeps __proto__ as an ordinary label key", () => {
    const result = convertResource(namespace("shop", JSON.parse('{"__proto__": "x", "constructor": "y"}')), {});
    const profile = result.resources[0] as Profile;
    expect(Object.keys(profile.labels).sort()).toEqual([
      "pcns.__proto__",
      "pcns.constructor",
      "pcns.projectcalico.org/name",
    ]);
    expect(profile.labels["pcns.__proto__"]).toBe("x");
    expect(Object.getPrototypeOf(profile.labels)).toBe(Object.prototype);
  });

  it("skips a label with a non-string value, reporting it, and keeps the others", () => {
    const result = convertResource(namespace("shop", { env: "prod", replicas: 3, owner: null }), {});
    expect((result.resources[0] as Profile).labels).toEqual({
      "pcns.env": "prod",
      "pcns.projectcalico.org/name": "shop",
    });
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        severity: "error",
        kind: "Namespace",
        name: "shop",
        field: "metadata.labels.replicas",
        message: expect.stringContaining("expected a string"),
      }),
    ]);
  });

  it("reports labels that are not a map and still converts", () => {
    const result = convertResource(namespace("shop", ["env=prod"]), {});
    expect(result.resources).toEqual([expect.objectContaining({ labels: { "pcns.projectcalico.org/name": "shop" } })]);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        severity: "error",
        field: "metadata.labels",
        message: "expected an object, got a list",
      }),
    ]);
  });

  it("makes a profile whose labels a namespaceSelector can select", () => {
    const { resources } = convertResource(namespace("payments", { team: "finance" }), {});
    const labels = (resources[0] as Profile).labels;
    expect(parseSelector('pcns.team == "finance" && pcns.projectcalico.org/name == "payments"').matches(labels)).toBe(
      true,
    );
  });
});

describe("ServiceAccount → Profile", () => {
  it.each([
    {
      title: "prefixes every label with pcsa. and adds the name label",
      raw: serviceAccount("payments", "ledger", { "app.kubernetes.io/name": "ledger", tier: "backend" }),
      name: "ksa.payments.ledger",
      labels: {
        "pcsa.app.kubernetes.io/name": "ledger",
        "pcsa.tier": "backend",
        "pcsa.projectcalico.org/name": "ledger",
      },
    },
    {
      title: "a service account without labels still gets the name label",
      raw: serviceAccount("shop", "default"),
      name: "ksa.shop.default",
      labels: { "pcsa.projectcalico.org/name": "default" },
    },
    {
      title: "dots in the service account name are kept in the profile name",
      raw: serviceAccount("shop", "checkout.v2", { "projectcalico.org/name": "other" }),
      name: "ksa.shop.checkout.v2",
      labels: { "pcsa.projectcalico.org/name": "checkout.v2" },
    },
  ])("$title", ({ raw, name, labels }) => {
    const result = convertResource(raw, { cluster: "west" });
    expect(result.diagnostics).toEqual([]);
    expect(result.resources).toEqual([{ kind: "Profile", cluster: "west", name, labels, ingress: [], egress: [] }]);
  });

  it("rejects a service account without a namespace", () => {
    const raw = { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "ledger" } };
    const result = convertResource(raw, {});
    expect(result.resources).toEqual([]);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        severity: "error",
        field: "metadata.namespace",
        message: expect.stringContaining("required"),
      }),
    ]);
  });
});

describe("properties", () => {
  const labelMap = fc.dictionary(
    fc.oneof(fc.constantFrom("__proto__", "constructor", "projectcalico.org/name", "pcns.x"), fc.string()),
    fc.oneof(fc.string(), fc.anything()),
  );

  test.prop([fc.constantFrom("Namespace", "ServiceAccount"), fc.oneof(labelMap, fc.anything())])(
    "any labels convert without throwing into one profile with prefixed labels",
    (kind, labels) => {
      const prefix = kind === "Namespace" ? "pcns." : "pcsa.";
      const raw = { apiVersion: "v1", kind, metadata: { name: "ledger", namespace: "payments", labels } };
      const result = convertResource(raw, {});
      expect(result.resources).toHaveLength(1);
      const profile = result.resources[0] as Profile;
      for (const key of Object.keys(profile.labels)) expect(key.startsWith(prefix)).toBe(true);
      expect(profile.labels[`${prefix}projectcalico.org/name`]).toBe("ledger");
      // Every string-valued input label survives under the prefix (the name label excepted).
      if (typeof labels === "object" && labels !== null && !Array.isArray(labels)) {
        for (const [key, value] of Object.entries(labels)) {
          if (typeof value === "string" && key !== "projectcalico.org/name") {
            expect(Object.hasOwn(profile.labels, prefix + key) && profile.labels[prefix + key]).toBe(value);
          }
        }
      }
    },
  );
});
