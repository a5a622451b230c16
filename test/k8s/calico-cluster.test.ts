/**
 * Calico Tier, IPPool and RemoteClusterConfiguration → model, through the public dispatcher.
 * Manifests are written as `calicoctl get -o yaml` prints them.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { convertResource } from "../../src/k8s/convert.js";
import type { IPPool, RemoteClusterConfiguration, Tier } from "../../src/model/index.js";
import { parseCidrOrIp } from "../../src/net/index.js";
import { parseSelector } from "../../src/selector/index.js";
import { expectDiagnostic, rejected } from "./expect-diagnostics.js";

type Raw = Record<string, unknown>;

function resource(kind: string, name: string, spec: unknown): Raw {
  return {
    apiVersion: "projectcalico.org/v3",
    kind,
    metadata: { name, resourceVersion: "52210", creationTimestamp: "2024-05-02T09:14:07Z" },
    ...(spec === undefined ? {} : { spec }),
  };
}

function pool(spec: unknown, name = "default-ipv4-ippool"): Raw {
  return resource("IPPool", name, spec);
}

describe("Tier", () => {
  it("keeps the order", () => {
    const result = convertResource(resource("Tier", "security", { order: 100 }), { cluster: "east" });
    const expected: Tier = { kind: "Tier", cluster: "east", name: "security", order: 100 };
    expect(result).toEqual({ resources: [expected], diagnostics: [] });
  });

  it.each([
    ["a zero order", { order: 0 }, 0],
    ["a fractional order", { order: 250.5 }, 250.5],
  ])("keeps %s", (_, spec, order) => {
    expect(convertResource(resource("Tier", "platform", spec)).resources).toEqual([
      { kind: "Tier", cluster: "", name: "platform", order },
    ]);
  });

  it.each([
    ["no spec", undefined],
    ["no order", {}],
    ["a null order", { order: null }],
  ])("leaves the order unset with %s", (_, spec) => {
    const result = convertResource(resource("Tier", "platform", spec));
    expect(result.diagnostics).toEqual([]);
    expect(result.resources).toEqual([{ kind: "Tier", cluster: "", name: "platform" }]);
    expect(Object.hasOwn(result.resources[0]!, "order")).toBe(false);
  });

  it.each([
    ["a string", "100"],
    ["a boolean", true],
  ])("rejects an order given as %s", (_, order) => {
    rejected(convertResource(resource("Tier", "platform", { order })), "spec.order", "expected a number");
  });

  it("rejects a spec that is not an object", () => {
    rejected(convertResource(resource("Tier", "platform", "order: 100")), "spec", "expected an object");
  });
});

describe("IPPool", () => {
  it("converts a pool as written", () => {
    const raw = pool({
      allowedUses: ["Workload", "Tunnel"],
      blockSize: 26,
      cidr: "10.244.0.0/16",
      ipipMode: "Always",
      natOutgoing: true,
      nodeSelector: "kubernetes.io/os == 'linux'",
      vxlanMode: "Never",
    });
    const expected: IPPool = {
      kind: "IPPool",
      cluster: "east",
      name: "default-ipv4-ippool",
      cidr: "10.244.0.0/16",
      ipipMode: "Always",
      vxlanMode: "Never",
      natOutgoing: true,
      disabled: false,
      nodeSelector: "kubernetes.io/os == 'linux'",
    };
    expect(convertResource(raw, { cluster: "east" })).toEqual({ resources: [expected], diagnostics: [] });
  });

  it.each([
    ["unset", { cidr: "fd00:10:244::/48" }],
    ["empty or null", { cidr: "fd00:10:244::/48", ipipMode: "", vxlanMode: null, nodeSelector: "", natOutgoing: null }],
  ])("applies Calico's defaults to settings that are %s", (_, spec) => {
    const result = convertResource(pool(spec, "default-ipv6-ippool"));
    expect(result.diagnostics).toEqual([]);
    expect(result.resources).toEqual([
      {
        kind: "IPPool",
        cluster: "",
        name: "default-ipv6-ippool",
        cidr: "fd00:10:244::/48",
        ipipMode: "Never",
        vxlanMode: "Never",
        natOutgoing: false,
        disabled: false,
        nodeSelector: "all()",
      },
    ]);
  });

  it.each([
    ["CrossSubnet", "Never"],
    ["Never", "CrossSubnet"],
    ["Never", "Always"],
  ])("accepts ipipMode %s with vxlanMode %s", (ipipMode, vxlanMode) => {
    const [converted] = convertResource(pool({ cidr: "10.244.0.0/16", ipipMode, vxlanMode })).resources as IPPool[];
    expect([converted?.ipipMode, converted?.vxlanMode]).toEqual([ipipMode, vxlanMode]);
  });

  it("keeps a disabled pool's flag", () => {
    const [converted] = convertResource(pool({ cidr: "10.96.0.0/12", disabled: true })).resources as IPPool[];
    expect(converted?.disabled).toBe(true);
  });

  it("keeps the node selector text as written, not in canonical form", () => {
    const nodeSelector = "  zone in {'b','a'} && !has(edge)";
    const [converted] = convertResource(pool({ cidr: "10.244.0.0/16", nodeSelector })).resources as IPPool[];
    expect(converted?.nodeSelector).toBe(nodeSelector);
  });

  it("masks a CIDR that is not strictly masked, with a warning", () => {
    const result = convertResource(pool({ cidr: "10.244.7.9/16" }));
    expect((result.resources as IPPool[])[0]?.cidr).toBe("10.244.0.0/16");
    expectDiagnostic(result, "warning", "spec.cidr", "not strictly masked; using 10.244.0.0/16");
  });

  it("writes the CIDR in canonical form", () => {
    const [converted] = convertResource(pool({ cidr: "FD00:10:244:0::/48" })).resources as IPPool[];
    expect(converted?.cidr).toBe("fd00:10:244::/48");
  });

  it.each([
    ["a missing CIDR", {}, "spec.cidr", "is required"],
    ["an empty CIDR", { cidr: "" }, "spec.cidr", "must not be empty"],
    ["a CIDR that is not a string", { cidr: 10 }, "spec.cidr", "expected a string"],
    ["a bare address", { cidr: "10.244.0.1" }, "spec.cidr", '"10.244.0.1" is not a valid CIDR'],
    ["a bad prefix", { cidr: "10.244.0.0/33" }, "spec.cidr", "is not a valid CIDR"],
    ["a bad address", { cidr: "10.244.0/16" }, "spec.cidr", "is not a valid CIDR"],
    ["a lower-case mode", { cidr: "10.244.0.0/16", ipipMode: "always" }, "spec.ipipMode", '"always" is not one of'],
    [
      "an unknown mode",
      { cidr: "10.244.0.0/16", vxlanMode: "Sometimes" },
      "spec.vxlanMode",
      "Never, Always, CrossSubnet",
    ],
    ["a mode that is not a string", { cidr: "10.244.0.0/16", vxlanMode: true }, "spec.vxlanMode", "expected a string"],
    ["natOutgoing as a string", { cidr: "10.244.0.0/16", natOutgoing: "true" }, "spec.natOutgoing", "true or false"],
    ["disabled as a number", { cidr: "10.244.0.0/16", disabled: 1 }, "spec.disabled", "true or false"],
    [
      "a bad node selector",
      { cidr: "10.244.0.0/16", nodeSelector: "zone = 'a'" },
      "spec.nodeSelector",
      "is not a valid selector",
    ],
    [
      "a node selector that is not a string",
      { cidr: "10.244.0.0/16", nodeSelector: ["all()"] },
      "spec.nodeSelector",
      "expected a string",
    ],
  ])("rejects a pool with %s", (_, spec, field, message) => {
    rejected(convertResource(pool(spec)), field, message);
  });

  it("says where a node selector goes wrong", () => {
    const result = convertResource(pool({ cidr: "10.244.0.0/16", nodeSelector: "zone == 'a' &&" }));
    expect(result.resources).toEqual([]);
    expect(result.diagnostics[0]?.message).toMatch(/column \d+/);
  });

  it("reports every problem of a pool at once", () => {
    const result = convertResource(pool({ cidr: "10.244.0.0/99", ipipMode: "On", nodeSelector: "((" }));
    expect(result.resources).toEqual([]);
    expect(result.diagnostics.map((d) => d.field)).toEqual(["spec.cidr", "spec.ipipMode", "spec.nodeSelector"]);
  });

  it.each([
    ["no spec", undefined, "spec.cidr", "is required"],
    ["a spec that is not an object", ["10.244.0.0/16"], "spec", "expected an object"],
  ])("rejects a pool with %s", (_, spec, field, message) => {
    rejected(convertResource(pool(spec)), field, message);
  });

  it("accepts the kubectl (crd.projectcalico.org/v1) form", () => {
    const raw = { ...pool({ cidr: "10.244.0.0/16" }), apiVersion: "crd.projectcalico.org/v1" };
    expect(convertResource(raw).resources).toHaveLength(1);
  });
});

describe("RemoteClusterConfiguration", () => {
  it("keeps a secret-based spec as written", () => {
    const spec = {
      clusterAccessSecret: { name: "remote-cluster-secret", namespace: "calico-system", kind: "Secret" },
      syncOptions: { overlayRoutingMode: "Enabled" },
    };
    const result = convertResource(resource("RemoteClusterConfiguration", "cluster-east", spec));
    const expected: RemoteClusterConfiguration = {
      kind: "RemoteClusterConfiguration",
      cluster: "",
      name: "cluster-east",
      spec: {
        clusterAccessSecret: { name: "remote-cluster-secret", namespace: "calico-system", kind: "Secret" },
        syncOptions: { overlayRoutingMode: "Enabled" },
      },
    };
    expect(result).toEqual({ resources: [expected], diagnostics: [] });
  });

  it("keeps a kubeconfig-based spec, including fields federation/ will reject, as a shallow copy", () => {
    const spec = {
      datastoreType: "kubernetes",
      kubeconfig: "/etc/tigera-federation-remotecluster/kubeconfig-rem-cluster-1",
      etcdPassword: "not-for-kubernetes",
      syncOptions: { overlayRoutingMode: "Disabled" },
    };
    const raw = resource("RemoteClusterConfiguration", "cluster-2", spec);
    const [rcc] = convertResource(raw).resources as RemoteClusterConfiguration[];
    expect(rcc?.spec).toEqual(spec);
    expect(rcc?.spec).not.toBe(spec);
    expect(rcc?.spec.syncOptions).toBe(spec.syncOptions);
  });

  it("keeps __proto__ in spec as an ordinary key", () => {
    const spec = JSON.parse('{"__proto__": {"polluted": true}, "datastoreType": "kubernetes"}') as Raw;
    const { resources } = convertResource(resource("RemoteClusterConfiguration", "west", spec));
    const converted = (resources[0] as RemoteClusterConfiguration).spec;
    expect(Object.keys(converted)).toEqual(["__proto__", "datastoreType"]);
    expect(Object.getPrototypeOf(converted)).toBe(Object.prototype);
    expect((converted as Raw).polluted).toBeUndefined();
  });

  it.each([
    ["no spec", undefined],
    ["a null spec", null],
  ])("converts an RCC with %s to an empty spec", (_, spec) => {
    const result = convertResource(resource("RemoteClusterConfiguration", "west", spec));
    expect(result.diagnostics).toEqual([]);
    expect(result.resources).toEqual([{ kind: "RemoteClusterConfiguration", cluster: "", name: "west", spec: {} }]);
  });

  it.each(["e", "cluster-2", "eu-west-1", "0east", "a--b"])("accepts the cluster name %s", (name) => {
    expect(convertResource(resource("RemoteClusterConfiguration", name, {})).resources).toHaveLength(1);
  });

  it.each(["Cluster-East", "east.example", "east/1", "-east", "east-", "east_1", "eäst"])(
    "rejects the cluster name %s",
    (name) => {
      rejected(
        convertResource(resource("RemoteClusterConfiguration", name, {})),
        "metadata.name",
        "is not a valid cluster name",
      );
    },
  );

  it("rejects a spec that is not an object", () => {
    rejected(
      convertResource(resource("RemoteClusterConfiguration", "west", "kubeconfig")),
      "spec",
      "expected an object",
    );
  });

  it("reports a bad name and a bad spec together", () => {
    const result = convertResource(resource("RemoteClusterConfiguration", "West", 7));
    expect(result.resources).toEqual([]);
    expect(result.diagnostics.map((d) => d.field)).toEqual(["metadata.name", "spec"]);
  });
});

describe("properties", () => {
  const anything = fc.anything({ maxDepth: 2 });
  const cidr = fc.oneof(
    fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 34 })).map(([ip, bits]) => `${ip}/${bits}`),
    fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 130 })).map(([ip, bits]) => `${ip}/${bits}`),
    fc.ipV4(),
    anything,
  );
  const mode = fc.oneof(fc.constantFrom("Never", "Always", "CrossSubnet", "", "always"), anything);
  const selector = fc.oneof(
    fc.constantFrom("all()", "", "zone == 'a'", "zone = 'a'", "has(edge) && !has(gpu)", "(("),
    fc.string(),
    anything,
  );

  test.prop({
    spec: fc.record(
      {
        cidr,
        ipipMode: mode,
        vxlanMode: mode,
        natOutgoing: fc.oneof(fc.boolean(), anything),
        disabled: fc.oneof(fc.boolean(), anything),
        nodeSelector: selector,
      },
      { requiredKeys: [] },
    ),
  })("any pool converts without throwing; a converted pool is valid, or there was an error", ({ spec }) => {
    const result = convertResource(pool(spec));
    const errors = result.diagnostics.filter((d) => d.severity === "error");
    expect(result.resources.length + Math.min(errors.length, 1)).toBe(1);
    for (const converted of result.resources as IPPool[]) {
      expect(parseCidrOrIp(converted.cidr)?.cidr).toBe(converted.cidr);
      expect(() => parseSelector(converted.nodeSelector)).not.toThrow();
      expect(["Never", "Always", "CrossSubnet"]).toContain(converted.ipipMode);
      expect(["Never", "Always", "CrossSubnet"]).toContain(converted.vxlanMode);
    }
  });

  test.prop({ name: fc.string({ minLength: 1 }), spec: fc.oneof(fc.dictionary(fc.string(), anything), anything) })(
    "any RCC converts without throwing, keeping exactly the spec's own keys",
    ({ name, spec }) => {
      const result = convertResource(resource("RemoteClusterConfiguration", name, spec));
      for (const rcc of result.resources as RemoteClusterConfiguration[]) {
        expect(rcc.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
        expect(Object.keys(rcc.spec)).toEqual(
          typeof spec === "object" && spec !== null && !Array.isArray(spec) ? Object.keys(spec) : [],
        );
      }
    },
  );
});
