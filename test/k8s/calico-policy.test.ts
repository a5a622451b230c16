/**
 * Calico v3 NetworkPolicy, GlobalNetworkPolicy and Profile → model (spec §4.2, §2.6, §1.6,
 * §8 items 9 and 10), through the public dispatcher; and networkPolicyToModel as the Kubernetes
 * NetworkPolicy converter calls it.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { networkPolicyToModel } from "../../src/k8s/calico-policy.js";
import { convertResource } from "../../src/k8s/convert.js";
import { type ConvertContext, Field } from "../../src/k8s/read.js";
import type { Diagnostic, Policy, Profile } from "../../src/model/index.js";
import { parseSelector } from "../../src/selector/index.js";
import { selectorArbitrary } from "../../src/testing/index.js";

function networkPolicy(spec: Record<string, unknown>, namespace = "shop") {
  return {
    apiVersion: "projectcalico.org/v3",
    kind: "NetworkPolicy",
    metadata: {
      name: "allow-checkout",
      namespace,
      resourceVersion: "8812",
      uid: "3b7e4c9a-7d1f-4f7e-9c55-0a4b8f2d1e66",
    },
    spec,
  };
}

function globalNetworkPolicy(spec: Record<string, unknown>) {
  return {
    apiVersion: "projectcalico.org/v3",
    kind: "GlobalNetworkPolicy",
    metadata: { name: "security.deny-metadata", labels: { "projectcalico.org/tier": "security" } },
    spec,
  };
}

function accepted<T>(raw: unknown, cluster = ""): { resource: T; diagnostics: Diagnostic[] } {
  const { resources, diagnostics } = convertResource(raw, { cluster });
  expect(diagnostics).toEqual([]);
  expect(resources).toHaveLength(1);
  return { resource: resources[0] as T, diagnostics };
}

function policyOf(raw: unknown): Policy {
  return accepted<Policy>(raw).resource;
}

function rejected(raw: unknown, field: string, message: string): void {
  const { resources, diagnostics } = convertResource(raw);
  expect(resources).toEqual([]);
  expect(diagnostics).toContainEqual(
    expect.objectContaining({ severity: "error", field, message: expect.stringContaining(message) }),
  );
}

describe("NetworkPolicy", () => {
  it("converts a typical policy", () => {
    const { resource } = accepted<Policy>(
      networkPolicy({
        tier: "default",
        order: 100,
        selector: "app == 'checkout'",
        types: ["Ingress", "Egress"],
        ingress: [
          {
            action: "Allow",
            protocol: "TCP",
            source: { selector: "app == 'frontend'" },
            destination: { ports: [8080] },
          },
        ],
        egress: [
          {
            action: "Allow",
            protocol: "TCP",
            destination: { namespaceSelector: "kubernetes.io/metadata.name == 'payments'", ports: ["https"] },
          },
          { action: "Deny" },
        ],
      }),
      "east",
    );
    expect(resource).toEqual({
      kind: "Policy",
      policyKind: "NetworkPolicy",
      cluster: "east",
      namespace: "shop",
      name: "allow-checkout",
      tier: "default",
      order: 100,
      selector: "(app == 'checkout') && projectcalico.org/namespace == 'shop'",
      types: ["ingress", "egress"],
      ingress: [
        {
          action: "allow",
          protocol: "tcp",
          source: {
            nets: [],
            notNets: [],
            selector: "(projectcalico.org/namespace == 'shop') && (app == 'frontend')",
            notSelector: "",
            ports: [],
            notPorts: [],
          },
          destination: {
            nets: [],
            notNets: [],
            selector: "",
            notSelector: "",
            ports: [{ kind: "range", min: 8080, max: 8080 }],
            notPorts: [],
          },
        },
      ],
      egress: [
        {
          action: "allow",
          protocol: "tcp",
          source: { nets: [], notNets: [], selector: "", notSelector: "", ports: [], notPorts: [] },
          destination: {
            nets: [],
            notNets: [],
            selector: 'pcns.kubernetes.io/metadata.name == "payments"',
            notSelector: "",
            ports: [{ kind: "named", name: "https" }],
            notPorts: [],
          },
        },
        {
          action: "deny",
          source: { nets: [], notNets: [], selector: "", notSelector: "", ports: [], notPorts: [] },
          destination: { nets: [], notNets: [], selector: "", notSelector: "", ports: [], notPorts: [] },
        },
      ],
      doNotTrack: false,
      preDNAT: false,
      applyOnForward: false,
    });
  });

  it.each([
    ["no selector selects the whole namespace", {}, "projectcalico.org/namespace == 'shop'"],
    [
      "the selector is kept verbatim and pinned",
      { selector: "app.kubernetes.io/name in {'checkout','cart'}" },
      "(app.kubernetes.io/name in {'checkout','cart'}) && projectcalico.org/namespace == 'shop'",
    ],
    [
      "a serviceAccountSelector is prefixed, canonical and appended",
      { selector: "app == 'checkout'", serviceAccountSelector: "role == 'api' || has(admin)" },
      "((app == 'checkout') && projectcalico.org/namespace == 'shop') && (pcsa.role == \"api\" || has(pcsa.admin))",
    ],
    [
      "all() in serviceAccountSelector is not rewritten",
      { serviceAccountSelector: "all()" },
      "(projectcalico.org/namespace == 'shop') && all()",
    ],
    [
      "all() in the selector is not rewritten either",
      { selector: "all()", serviceAccountSelector: "has(team)" },
      "((all()) && projectcalico.org/namespace == 'shop') && has(pcsa.team)",
    ],
    [
      "a namespaceSelector field has no effect on a NetworkPolicy",
      { namespaceSelector: "team == 'payments'" },
      "projectcalico.org/namespace == 'shop'",
    ],
  ])("%s", (_, spec, expected) => {
    expect(policyOf(networkPolicy(spec)).selector).toBe(expected);
  });

  it("is never untracked, pre-DNAT or applied on forward, whatever the spec says", () => {
    const policy = policyOf(networkPolicy({ doNotTrack: true, preDNAT: true, applyOnForward: true }));
    expect(policy).toMatchObject({ doNotTrack: false, preDNAT: false, applyOnForward: false });
  });

  it("is accepted with crd.projectcalico.org/v1 too", () => {
    const raw = { ...networkPolicy({ selector: "app == 'checkout'" }), apiVersion: "crd.projectcalico.org/v1" };
    expect(policyOf(raw).selector).toBe("(app == 'checkout') && projectcalico.org/namespace == 'shop'");
  });
});

describe("GlobalNetworkPolicy", () => {
  it.each([
    [
      "the selector alone, verbatim",
      { selector: "has(node-role.kubernetes.io/worker)" },
      "has(node-role.kubernetes.io/worker)",
    ],
    ["no selector", {}, ""],
    [
      "a namespaceSelector is prefixed and appended",
      { selector: "app == 'web'", namespaceSelector: "team == 'payments'" },
      "(app == 'web') && pcns.team == \"payments\"",
    ],
    [
      "namespaceSelector all() means every namespace",
      { namespaceSelector: "all()" },
      "has(projectcalico.org/namespace)",
    ],
    [
      "the all() replacement reaches the policy's own selector",
      { selector: "all()", namespaceSelector: "team == 'payments'" },
      '(has(projectcalico.org/namespace)) && pcns.team == "payments"',
    ],
    ["serviceAccountSelector all()", { serviceAccountSelector: "all()" }, "has(projectcalico.org/serviceaccount)"],
    [
      "both, each replacement applied to the string so far",
      { selector: "app == 'web'", namespaceSelector: "all()", serviceAccountSelector: "role == 'api'" },
      "((app == 'web') && has(projectcalico.org/namespace)) && pcsa.role == \"api\"",
    ],
    [
      "the replacement reaches quoted values",
      { selector: 'note == "all()"', serviceAccountSelector: "role == 'api'" },
      '(note == "has(projectcalico.org/serviceaccount)") && pcsa.role == "api"',
    ],
    [
      "the namespace step replaces the selector's all() before the service-account step",
      { namespaceSelector: "has(team)", serviceAccountSelector: "role == 'api'", selector: "all()" },
      '((has(projectcalico.org/namespace)) && has(pcns.team)) && pcsa.role == "api"',
    ],
    [
      "without a namespaceSelector, the service-account step replaces the selector's all()",
      { serviceAccountSelector: "role == 'api'", selector: "all()" },
      '(has(projectcalico.org/serviceaccount)) && pcsa.role == "api"',
    ],
    ["a blank selector alone stays blank", { selector: "  " }, "  "],
  ])("%s", (_, spec, expected) => {
    expect(policyOf(globalNetworkPolicy(spec)).selector).toBe(expected);
  });

  it("is global: no namespace, rules not pinned, even if metadata names one", () => {
    const raw = globalNetworkPolicy({ ingress: [{ action: "Allow", source: { selector: "app == 'web'" } }] });
    const policy = policyOf({ ...raw, metadata: { ...raw.metadata, namespace: "shop" } });
    expect(policy).toMatchObject({ policyKind: "GlobalNetworkPolicy", namespace: "", name: "security.deny-metadata" });
    expect(policy.ingress[0]?.source.selector).toBe("app == 'web'");
  });

  it("carries doNotTrack, preDNAT and applyOnForward", () => {
    expect(policyOf(globalNetworkPolicy({ doNotTrack: true, applyOnForward: true }))).toMatchObject({
      doNotTrack: true,
      preDNAT: false,
      applyOnForward: true,
    });
    expect(policyOf(globalNetworkPolicy({ preDNAT: true, applyOnForward: true, types: ["Ingress"] }))).toMatchObject({
      doNotTrack: false,
      preDNAT: true,
      applyOnForward: true,
    });
    expect(policyOf(globalNetworkPolicy({}))).toMatchObject({
      doNotTrack: false,
      preDNAT: false,
      applyOnForward: false,
    });
  });

  it.each<[Record<string, unknown>, string, string]>([
    [{ doNotTrack: true, preDNAT: true, applyOnForward: true }, "spec.preDNAT", "cannot both be true"],
    [{ doNotTrack: true }, "spec.applyOnForward", "must be true"],
    [{ preDNAT: true }, "spec.applyOnForward", "must be true"],
    [{ preDNAT: true, applyOnForward: true, egress: [{ action: "Allow" }] }, "spec.egress", "egress rules"],
    [{ preDNAT: true, applyOnForward: true, types: ["Egress"] }, "spec.types", "type Egress"],
    [{ doNotTrack: "yes" }, "spec.doNotTrack", "expected true or false"],
  ])("rejects flags %j", (spec, field, message) => {
    rejected(globalNetworkPolicy(spec), field, message);
  });
});

describe("tier, order, types", () => {
  it("tier defaults to default, also when empty", () => {
    expect(policyOf(networkPolicy({})).tier).toBe("default");
    expect(policyOf(networkPolicy({ tier: "" })).tier).toBe("default");
    expect(policyOf(globalNetworkPolicy({ tier: "security" })).tier).toBe("security");
  });

  it("order is copied, and absent when unset", () => {
    expect(policyOf(networkPolicy({ order: 0 })).order).toBe(0);
    expect(policyOf(networkPolicy({ order: 12.5 })).order).toBe(12.5);
    expect(policyOf(networkPolicy({}))).not.toHaveProperty("order");
  });

  const allow = [{ action: "Allow" }];
  it.each<[Record<string, unknown>, Policy["types"]]>([
    [{}, ["ingress"]],
    [{ ingress: allow }, ["ingress"]],
    [{ egress: allow }, ["egress"]],
    [{ ingress: allow, egress: allow }, ["ingress", "egress"]],
    [{ types: [], egress: allow }, ["egress"]],
    [{ types: ["Egress"] }, ["egress"]],
    [{ types: ["Egress", "Ingress"], ingress: allow }, ["egress", "ingress"]],
    [{ types: ["Ingress"], egress: allow }, ["ingress"]],
  ])("types of %j", (spec, expected) => {
    expect(policyOf(networkPolicy(spec)).types).toEqual(expected);
  });

  it.each<[unknown, string, string]>([
    [["ingress"], "spec.types[0]", "expected Ingress or Egress"],
    [["Ingress", "Ingress"], "spec.types[1]", "more than once"],
    ["Ingress", "spec.types", "expected a list"],
    [[null], "spec.types[0]", "got null"],
  ])("rejects types %j", (types, field, message) => {
    rejected(networkPolicy({ types }), field, message);
  });

  it.each<[Record<string, unknown>, string, string]>([
    [{ order: "100" }, "spec.order", "expected a number"],
    [{ tier: 7 }, "spec.tier", "expected a string"],
  ])("rejects %j", (spec, field, message) => {
    rejected(networkPolicy(spec), field, message);
  });
});

describe("selector validation", () => {
  it.each<[() => unknown, string, string]>([
    [() => networkPolicy({ selector: "app = 'checkout'" }), "spec.selector", "invalid selector"],
    [() => networkPolicy({ selector: "global()" }), "spec.selector", "namespaceSelector"],
    [() => networkPolicy({ serviceAccountSelector: "has(" }), "spec.serviceAccountSelector", "invalid selector"],
    [() => networkPolicy({ serviceAccountSelector: "global()" }), "spec.serviceAccountSelector", "namespaceSelector"],
    [() => globalNetworkPolicy({ namespaceSelector: "global()" }), "spec.namespaceSelector", "namespaceSelector"],
    [() => globalNetworkPolicy({ namespaceSelector: "team ==" }), "spec.namespaceSelector", "invalid selector"],
    [() => globalNetworkPolicy({ selector: ["app == 'web'"] }), "spec.selector", "expected a string"],
    // Calico builds "(  ) && projectcalico.org/namespace == 'shop'", which Felix cannot use.
    [() => networkPolicy({ selector: "  " }), "spec.selector", "does not parse"],
    [() => globalNetworkPolicy({ selector: " ", namespaceSelector: "has(team)" }), "spec.selector", "does not parse"],
    [() => ({ ...networkPolicy({}), spec: "allow everything" }), "spec", "expected an object"],
  ])("rejects %#", (raw, field, message) => {
    rejected(raw(), field, message);
  });

  it("names the resource in every diagnostic", () => {
    const { diagnostics } = convertResource(networkPolicy({ selector: "app ==" }), {
      cluster: "west",
      origin: { file: "policies.yaml", document: 3 },
    });
    expect(diagnostics).toEqual([
      {
        severity: "error",
        message: expect.stringContaining("invalid selector"),
        file: "policies.yaml",
        document: 3,
        cluster: "west",
        kind: "NetworkPolicy",
        namespace: "shop",
        name: "allow-checkout",
        field: "spec.selector",
      },
    ]);
  });

  it("one bad rule rejects the whole policy, and every problem is reported", () => {
    const { resources, diagnostics } = convertResource(
      networkPolicy({
        selector: "app == 'checkout'",
        ingress: [
          { action: "Allow", source: { selector: "app == 'frontend'" } },
          { action: "Allow", protocol: "TCP", destination: { ports: [0] } },
        ],
        egress: [{ action: "Reject" }],
      }),
    );
    expect(resources).toEqual([]);
    expect(diagnostics.map((d) => [d.severity, d.field])).toEqual([
      ["error", "spec.ingress[1].destination.ports[0]"],
      ["error", "spec.egress[0].action"],
    ]);
  });
});

describe("networkPolicyToModel, as the Kubernetes NetworkPolicy converter calls it", () => {
  function context(diagnostics: Diagnostic[]): ConvertContext {
    return { cluster: "east", origin: {}, kind: "NetworkPolicy", namespace: "shop", name: "allow-web", diagnostics };
  }

  const converted = {
    apiVersion: "projectcalico.org/v3",
    kind: "NetworkPolicy",
    metadata: { name: "allow-web", namespace: "shop" },
    spec: {
      order: 1000,
      tier: "default",
      selector: "projectcalico.org/orchestrator == 'k8s' && app == 'web'",
      types: ["Ingress", "Egress"],
      ingress: [
        {
          action: "Allow",
          protocol: "TCP",
          source: {
            selector: "projectcalico.org/orchestrator == 'k8s'",
            namespaceSelector: "kubernetes.io/metadata.name == 'payments'",
          },
          destination: { ports: [80, "http", "8000:8080"] },
        },
        { action: "Allow", source: { nets: ["10.0.0.0/8"], notNets: ["10.1.0.0/16"] } },
      ],
      egress: [
        {
          action: "Allow",
          protocol: "UDP",
          destination: { selector: "projectcalico.org/orchestrator == 'k8s'", ports: [53] },
        },
      ],
    },
  };

  it("produces a KubernetesNetworkPolicy, and earlier diagnostics do not reject it", () => {
    const earlier: Diagnostic = { severity: "error", message: "rule dropped", field: "spec.ingress[2].ports[0]" };
    const ctx = context([earlier]);
    const policy = networkPolicyToModel(new Field(ctx, "", converted), ctx, "KubernetesNetworkPolicy");
    expect(ctx.diagnostics).toEqual([earlier]);
    expect(policy).toMatchObject({
      policyKind: "KubernetesNetworkPolicy",
      cluster: "east",
      namespace: "shop",
      name: "allow-web",
      tier: "default",
      order: 1000,
      selector: "(projectcalico.org/orchestrator == 'k8s' && app == 'web') && projectcalico.org/namespace == 'shop'",
      types: ["ingress", "egress"],
    });
    expect(policy?.ingress[0]?.source.selector).toBe(
      "(pcns.kubernetes.io/metadata.name == \"payments\") && (projectcalico.org/orchestrator == 'k8s')",
    );
    expect(policy?.ingress[0]?.destination.ports).toEqual([
      { kind: "range", min: 80, max: 80 },
      { kind: "named", name: "http" },
      { kind: "range", min: 8000, max: 8080 },
    ]);
    expect(policy?.ingress[1]?.source).toMatchObject({ selector: "", nets: ["10.0.0.0/8"], notNets: ["10.1.0.0/16"] });
    expect(policy?.egress[0]?.destination.selector).toBe(
      "(projectcalico.org/namespace == 'shop') && (projectcalico.org/orchestrator == 'k8s')",
    );
  });

  it("returns undefined and reports when the built policy is invalid", () => {
    const ctx = context([]);
    const bad = { ...converted, spec: { ...converted.spec, selector: "app in {" } };
    expect(networkPolicyToModel(new Field(ctx, "", bad), ctx, "KubernetesNetworkPolicy")).toBeUndefined();
    expect(ctx.diagnostics).toEqual([expect.objectContaining({ severity: "error", field: "spec.selector" })]);
  });
});

describe("Profile", () => {
  it("labelsToApply become labels; rules are converted without a namespace", () => {
    const { resource } = accepted<Profile>(
      {
        apiVersion: "projectcalico.org/v3",
        kind: "Profile",
        metadata: { name: "team-payments" },
        spec: {
          labelsToApply: { "team.example.com/name": "payments", tier: "backend" },
          ingress: [{ action: "Allow", source: { selector: "app == 'ledger'", namespaceSelector: "all()" } }],
          egress: [{ action: "Allow", destination: { selector: "app == 'ledger'" } }],
        },
      },
      "east",
    );
    expect(resource).toMatchObject({
      kind: "Profile",
      cluster: "east",
      name: "team-payments",
      labels: { "team.example.com/name": "payments", tier: "backend" },
    });
    expect(resource.ingress[0]?.source.selector).toBe("(has(projectcalico.org/namespace)) && (app == 'ledger')");
    expect(resource.egress[0]?.destination.selector).toBe("app == 'ledger'");
  });

  it("a profile without spec has no labels and no rules", () => {
    const { resource } = accepted<Profile>({
      apiVersion: "projectcalico.org/v3",
      kind: "Profile",
      metadata: { name: "empty" },
    });
    expect(resource).toEqual({ kind: "Profile", cluster: "", name: "empty", labels: {}, ingress: [], egress: [] });
  });

  it("keeps a __proto__ label as an ordinary label", () => {
    const raw = JSON.parse(
      '{"apiVersion":"projectcalico.org/v3","kind":"Profile","metadata":{"name":"odd"},' +
        '"spec":{"labelsToApply":{"__proto__":"x","team":"payments"}}}',
    );
    const { resource } = accepted<Profile>(raw);
    expect(Object.entries(resource.labels)).toEqual([
      ["__proto__", "x"],
      ["team", "payments"],
    ]);
    expect(Object.getPrototypeOf(resource.labels)).toBe(Object.prototype);
  });

  it.each<[Record<string, unknown>, string, string]>([
    [{ ingress: [{ action: "Allow", protocol: "tcp" }] }, "spec.ingress[0].protocol", "invalid protocol"],
    [
      { egress: [{ action: "Allow", destination: { selector: "a ==" } }] },
      "spec.egress[0].destination.selector",
      "invalid selector",
    ],
    [{ labelsToApply: { team: 5 } }, "spec.labelsToApply.team", "expected a string"],
    [{ labelsToApply: ["team"] }, "spec.labelsToApply", "expected an object"],
  ])("rejects %j", (spec, field, message) => {
    rejected(
      { apiVersion: "projectcalico.org/v3", kind: "Profile", metadata: { name: "team-payments" }, spec },
      field,
      message,
    );
  });
});

describe("properties", () => {
  const selector = fc.oneof(
    selectorArbitrary({ maxDepth: 2 }),
    fc.constantFrom("", " ", "all()", "global()", "note == 'all()'", "app =", "__proto__ == 'x'"),
  );
  const spec = fc.record(
    {
      selector,
      namespaceSelector: selector,
      serviceAccountSelector: selector,
      tier: fc.constantFrom<unknown>("default", "security", "", 3),
      order: fc.constantFrom<unknown>(0, 100, 1e6, "5"),
      types: fc.array(fc.constantFrom<unknown>("Ingress", "Egress", "ingress"), { maxLength: 2 }),
      doNotTrack: fc.boolean(),
      preDNAT: fc.boolean(),
      applyOnForward: fc.boolean(),
      ingress: fc.array(fc.record({ action: fc.constantFrom("Allow", "Pass"), source: fc.record({ selector }) }), {
        maxLength: 2,
      }),
    },
    { requiredKeys: [] },
  );

  test.prop([fc.constantFrom("NetworkPolicy", "GlobalNetworkPolicy"), spec], { numRuns: 400 })(
    "random policies never throw; accepted ones have only parseable selectors",
    (kind, generated) => {
      const raw = {
        apiVersion: "projectcalico.org/v3",
        kind,
        metadata: { name: "generated", namespace: "shop" },
        spec: generated,
      };
      const { resources, diagnostics } = convertResource(raw);
      const hasError = diagnostics.some((d) => d.severity === "error");
      expect(resources.length).toBe(hasError ? 0 : 1);
      for (const policy of resources as Policy[]) {
        const selectors = [
          policy.selector,
          ...policy.ingress.flatMap((r) => [r.source.selector, r.destination.selector]),
        ];
        for (const text of selectors) expect(() => parseSelector(text)).not.toThrow();
      }
    },
  );

  test.prop([selectorArbitrary({ maxDepth: 2 }).filter((s) => !s.includes("global(") && s.trim() !== "")], {
    numRuns: 200,
  })("a NetworkPolicy selector is kept verbatim inside the namespace clause", (text) => {
    expect(policyOf(networkPolicy({ selector: text })).selector).toBe(
      `(${text}) && projectcalico.org/namespace == 'shop'`,
    );
  });
});
