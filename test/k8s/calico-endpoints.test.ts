/**
 * Calico v3 WorkloadEndpoint, HostEndpoint, NetworkSet and GlobalNetworkSet → model
 * (calico-semantics.md §2.5, §2.7, §2.8), through the public dispatcher. Manifests are written as
 * `calicoctl get -o yaml` prints them.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { convertResource } from "../../src/k8s/convert.js";
import type { Diagnostic, HostEndpoint, ModelResource, NetworkSet, WorkloadEndpoint } from "../../src/model/index.js";
import { parseCidrOrIp } from "../../src/net/index.js";
import { expectDiagnostic, rejected } from "./expect-diagnostics.js";

type Raw = Record<string, unknown>;

/** A scheduled checkout pod's endpoint, as `calicoctl get workloadendpoint -o yaml` shows it. */
function checkoutWep(spec: Raw = {}, metadata: Raw = {}): Raw {
  return {
    apiVersion: "projectcalico.org/v3",
    kind: "WorkloadEndpoint",
    metadata: {
      name: "worker--1-k8s-checkout--7d9f8c6b5--x2x7q-eth0",
      namespace: "shop",
      resourceVersion: "184467",
      uid: "0d5c7e0a-3a8e-4f4e-9a53-4c1b8d2f6a10",
      labels: {
        "app.kubernetes.io/name": "checkout",
        "pod-template-hash": "7d9f8c6b5",
        "projectcalico.org/namespace": "shop",
        "projectcalico.org/orchestrator": "k8s",
        "projectcalico.org/serviceaccount": "checkout",
      },
      ...metadata,
    },
    spec: {
      containerID: "3f1a9c0be2d44c61b0f8a1e5d7c2b9a4e6f0d1c3b5a7e9f1d3c5b7a9e1f3d5c7",
      endpoint: "eth0",
      interfaceName: "cali7f94ce7c295",
      ipNetworks: ["10.244.1.17/32", "fd00:10:244:1::11/128"],
      node: "worker-1",
      orchestrator: "k8s",
      pod: "checkout-7d9f8c6b5-x2x7q",
      ports: [
        { hostPort: 0, name: "http", port: 8080, protocol: "TCP" },
        { hostPort: 0, name: "metrics", port: 9090, protocol: "TCP" },
      ],
      profiles: ["kns.shop", "ksa.shop.checkout"],
      serviceAccountName: "checkout",
      ...spec,
    },
  };
}

function hostEndpoint(spec: Raw = {}, metadata: Raw = {}): Raw {
  return {
    apiVersion: "projectcalico.org/v3",
    kind: "HostEndpoint",
    metadata: {
      name: "worker-1-eth0",
      labels: { environment: "production", "node-role.kubernetes.io/worker": "" },
      ...metadata,
    },
    spec: {
      interfaceName: "eth0",
      node: "worker-1",
      expectedIPs: ["192.168.10.21", "fd00:192:168:10::21"],
      profiles: ["projectcalico-default-allow"],
      ports: [
        { name: "ssh", port: 22, protocol: "TCP" },
        { name: "kubelet", port: 10250, protocol: "TCP" },
      ],
      ...spec,
    },
  };
}

function networkSet(kind: "NetworkSet" | "GlobalNetworkSet", spec: unknown, metadata: Raw = {}): Raw {
  return {
    apiVersion: "projectcalico.org/v3",
    kind,
    metadata: {
      name: "partner-ranges",
      ...(kind === "NetworkSet" ? { namespace: "payments" } : {}),
      labels: { role: "partner", "app.kubernetes.io/part-of": "ledger" },
      ...metadata,
    },
    spec,
  };
}

/** Converts, and checks that exactly one model object of the expected kind came out. */
function convertOne<K extends ModelResource["kind"]>(
  raw: unknown,
  kind: K,
  cluster = "",
): { model: Extract<ModelResource, { kind: K }>; diagnostics: Diagnostic[] } {
  const result = convertResource(raw, { cluster });
  expect(result.resources).toHaveLength(1);
  const [model] = result.resources;
  expect(model?.kind).toBe(kind);
  return { model: model as Extract<ModelResource, { kind: K }>, diagnostics: result.diagnostics };
}

describe("WorkloadEndpoint (§2.5)", () => {
  it("converts a Kubernetes pod's endpoint into Felix's model", () => {
    const { model, diagnostics } = convertOne(checkoutWep(), "WorkloadEndpoint");
    expect(diagnostics).toEqual([]);
    const expected: WorkloadEndpoint = {
      kind: "WorkloadEndpoint",
      cluster: "",
      node: "worker-1",
      orchestrator: "k8s",
      namespace: "shop",
      workload: "checkout-7d9f8c6b5-x2x7q",
      endpoint: "eth0",
      labels: {
        "app.kubernetes.io/name": "checkout",
        "pod-template-hash": "7d9f8c6b5",
        "projectcalico.org/namespace": "shop",
        "projectcalico.org/orchestrator": "k8s",
        "projectcalico.org/serviceaccount": "checkout",
      },
      profiles: ["kns.shop", "ksa.shop.checkout"],
      ipv4Nets: ["10.244.1.17/32"],
      ipv6Nets: ["fd00:10:244:1::11/128"],
      ports: [
        { name: "http", protocol: "tcp", port: 8080 },
        { name: "metrics", protocol: "tcp", port: 9090 },
      ],
    };
    expect(model).toEqual(expected);
  });

  it("records the owning cluster of a remote endpoint", () => {
    expect(convertOne(checkoutWep(), "WorkloadEndpoint", "east").model.cluster).toBe("east");
  });

  it("accepts the kubectl (crd.projectcalico.org/v1) form", () => {
    const raw = { ...checkoutWep(), apiVersion: "crd.projectcalico.org/v1" };
    expect(convertOne(raw, "WorkloadEndpoint").model.workload).toBe("checkout-7d9f8c6b5-x2x7q");
  });

  it.each([
    ["absent", undefined],
    ["empty", []],
  ])("filters out an endpoint whose ipNetworks are %s, without a diagnostic", (_, ipNetworks) => {
    expect(convertResource(checkoutWep({ ipNetworks }))).toEqual({ resources: [], diagnostics: [] });
  });

  describe("ipNetworks become host addresses", () => {
    it.each([
      ["a bare IPv4 address", ["10.244.1.17"], ["10.244.1.17/32"], []],
      ["a bare IPv6 address", ["FD00:10:244:1:0:0:0:11"], [], ["fd00:10:244:1::11/128"]],
      ["an IPv4-mapped IPv6 address", ["::ffff:10.244.1.17"], ["10.244.1.17/32"], []],
      [
        "several of each family, in order",
        ["10.0.0.2", "fd00::2", "10.0.0.1"],
        ["10.0.0.2/32", "10.0.0.1/32"],
        ["fd00::2/128"],
      ],
    ])("%s", (_, ipNetworks, ipv4Nets, ipv6Nets) => {
      const { model, diagnostics } = convertOne(checkoutWep({ ipNetworks }), "WorkloadEndpoint");
      expect(diagnostics).toEqual([]);
      expect(model.ipv4Nets).toEqual(ipv4Nets);
      expect(model.ipv6Nets).toEqual(ipv6Nets);
    });

    it("masks a wider network and keeps its network address, as Felix does, with a warning", () => {
      const result = convertOne(checkoutWep({ ipNetworks: ["10.244.1.17/24", "fd00::11/64"] }), "WorkloadEndpoint");
      expect(result.model.ipv4Nets).toEqual(["10.244.1.0/32"]);
      expect(result.model.ipv6Nets).toEqual(["fd00::/128"]);
      expectDiagnostic(result, "warning", "spec.ipNetworks[0]", "network address 10.244.1.0");
      expectDiagnostic(result, "warning", "spec.ipNetworks[1]", "not a single address");
    });

    it.each(["10.244.1.300", "10.244.1.17/33", "010.244.1.17", "fe80::1%eth0", "checkout"])(
      "rejects the whole endpoint when an address does not parse: %s",
      (bad) => {
        const result = convertResource(checkoutWep({ ipNetworks: ["10.244.1.17", bad] }));
        rejected(result, "spec.ipNetworks[1]", "is not a CIDR or IP address");
      },
    );

    it("reports a non-string entry and converts the rest", () => {
      const result = convertOne(checkoutWep({ ipNetworks: [10, "10.244.1.17"] }), "WorkloadEndpoint");
      expect(result.model.ipv4Nets).toEqual(["10.244.1.17/32"]);
      expectDiagnostic(result, "error", "spec.ipNetworks[0]", "expected a string");
    });
  });

  describe("labels", () => {
    it("drops pcns./pcsa. labels with a warning, so a pod cannot claim namespace or account labels", () => {
      const labels = {
        app: "ledger",
        "pcns.projectcalico.org/name": "kube-system",
        "pcsa.team": "platform",
        "pcnsx.keep": "kept",
      };
      const result = convertOne(checkoutWep({}, { labels }), "WorkloadEndpoint");
      expect(result.model.labels).toEqual({
        app: "ledger",
        "pcnsx.keep": "kept",
        "projectcalico.org/namespace": "shop",
        "projectcalico.org/orchestrator": "k8s",
        "projectcalico.org/serviceaccount": "checkout",
      });
      expectDiagnostic(result, "warning", "metadata.labels.pcns.projectcalico.org/name", "come only from profiles");
      expectDiagnostic(result, "warning", "metadata.labels.pcsa.team", "come only from profiles");
    });

    it("overwrites namespace and orchestrator labels as the v3 client does", () => {
      const labels = { "projectcalico.org/namespace": "kube-system", "projectcalico.org/orchestrator": "cni" };
      const { model } = convertOne(checkoutWep({}, { labels }), "WorkloadEndpoint");
      expect(model.labels["projectcalico.org/namespace"]).toBe("shop");
      expect(model.labels["projectcalico.org/orchestrator"]).toBe("k8s");
    });

    it("sets the service-account label from spec.serviceAccountName, however long", () => {
      const longName = `ledger-${"x".repeat(70)}`;
      const labels = { "projectcalico.org/serviceaccount": "default" };
      const { model } = convertOne(checkoutWep({ serviceAccountName: longName }, { labels }), "WorkloadEndpoint");
      expect(model.labels["projectcalico.org/serviceaccount"]).toBe(longName);
    });

    it.each([
      ["absent", undefined],
      ["empty", ""],
    ])("keeps a written service-account label when serviceAccountName is %s", (_, serviceAccountName) => {
      const labels = { "projectcalico.org/serviceaccount": "legacy" };
      const { model } = convertOne(checkoutWep({ serviceAccountName }, { labels }), "WorkloadEndpoint");
      expect(model.labels["projectcalico.org/serviceaccount"]).toBe("legacy");
    });

    it("adds no service-account label when there is neither", () => {
      const { model } = convertOne(checkoutWep({ serviceAccountName: undefined }, { labels: {} }), "WorkloadEndpoint");
      expect(model.labels).toEqual({ "projectcalico.org/namespace": "shop", "projectcalico.org/orchestrator": "k8s" });
    });

    it("keeps __proto__ and constructor as ordinary label keys", () => {
      const labels = JSON.parse('{"__proto__": "polluted", "constructor": "x", "app": "checkout"}') as Raw;
      const { model } = convertOne(checkoutWep({}, { labels }), "WorkloadEndpoint");
      expect(Object.getOwnPropertyDescriptor(model.labels, "__proto__")?.value).toBe("polluted");
      expect(model.labels.constructor).toBe("x");
      expect(Object.getPrototypeOf(model.labels)).toBe(Object.prototype);
      expect(({} as Raw).polluted).toBeUndefined();
    });

    it("reports labels of the wrong type and still converts the endpoint", () => {
      const result = convertOne(checkoutWep({}, { labels: { app: "checkout", replicas: 3 } }), "WorkloadEndpoint");
      expect(result.model.labels.app).toBe("checkout");
      expect(Object.hasOwn(result.model.labels, "replicas")).toBe(false);
      expectDiagnostic(result, "error", "metadata.labels.replicas", "expected a string");
    });
  });

  it("keeps profiles in order, skipping entries that are not strings", () => {
    const result = convertOne(
      checkoutWep({ profiles: ["ksa.shop.checkout", 7, "kns.shop", "legacy"] }),
      "WorkloadEndpoint",
    );
    expect(result.model.profiles).toEqual(["ksa.shop.checkout", "kns.shop", "legacy"]);
    expectDiagnostic(result, "error", "spec.profiles[1]", "expected a string");
  });

  describe("identity (Felix's endpoint key)", () => {
    it.each([
      ["k8s", { pod: "checkout-0" }, "checkout-0"],
      ["cni", { containerID: "9b2c4f1e", workload: "ignored" }, "9b2c4f1e"],
      ["libnetwork", { workload: "ignored" }, "libnetwork"],
      ["openstack", { workload: "vm-ledger-1", pod: "ignored" }, "vm-ledger-1"],
    ])("orchestrator %s takes the workload from %o", (orchestrator, fields, workload) => {
      const raw = checkoutWep({ orchestrator, pod: undefined, ...fields });
      const { model } = convertOne(raw, "WorkloadEndpoint");
      expect(model.orchestrator).toBe(orchestrator);
      expect(model.workload).toBe(workload);
      expect(model.labels["projectcalico.org/orchestrator"]).toBe(orchestrator);
    });

    it.each([
      ["spec.node", { node: undefined }],
      ["spec.orchestrator", { orchestrator: "" }],
      ["spec.pod", { pod: undefined }],
      ["spec.endpoint", { endpoint: undefined }],
      ["spec.workload", { orchestrator: "openstack" }],
    ])("rejects an endpoint without %s", (field, spec) => {
      const result = convertResource(checkoutWep(spec));
      expect(result.resources).toEqual([]);
      expect(result.diagnostics).toContainEqual(expect.objectContaining({ severity: "error", field }));
    });

    it("names the resource in its diagnostics", () => {
      const result = convertResource(checkoutWep({ node: 42 }), { cluster: "east", origin: { file: "weps.yaml" } });
      expect(result.diagnostics).toEqual([
        {
          severity: "error",
          message: "expected a string, got number 42",
          file: "weps.yaml",
          cluster: "east",
          kind: "WorkloadEndpoint",
          namespace: "shop",
          name: "worker--1-k8s-checkout--7d9f8c6b5--x2x7q-eth0",
          field: "spec.node",
        },
      ]);
    });

    it("rejects a spec that is not an object", () => {
      rejected(convertResource({ ...checkoutWep(), spec: ["eth0"] }), "spec", "expected an object");
    });

    it("needs a namespace (it is a namespaced kind)", () => {
      const raw = checkoutWep({}, { namespace: undefined });
      rejected(convertResource(raw), "metadata.namespace", "is required");
    });
  });

  describe("other addresses Felix parses", () => {
    it.each([
      ["mac", "ee:ee:ee:ee:ee:ee"],
      ["mac", "EE-EE-EE-EE-EE-EE"],
      ["mac", "0200.5e10.0000.0001"],
      ["mac", "02:00:5e:10:00:00:00:01"],
      ["ipv4Gateway", "169.254.1.1"],
      ["ipv6Gateway", "fe80::1"],
      ["allowSpoofedSourcePrefixes", ["10.50.0.0/16"]],
    ])("accepts a valid %s (%s)", (key, value) => {
      const { diagnostics } = convertOne(checkoutWep({ [key]: value }), "WorkloadEndpoint");
      expect(diagnostics).toEqual([]);
    });

    it.each([
      ["mac", "ee:ee:ee:ee:ee", "spec.mac"],
      ["mac", "ee:ee-ee:ee:ee:ee", "spec.mac"],
      ["mac", "gg:ee:ee:ee:ee:ee", "spec.mac"],
      ["ipv4Gateway", "169.254.1", "spec.ipv4Gateway"],
      ["ipv6Gateway", "fe80::1::2", "spec.ipv6Gateway"],
      ["allowSpoofedSourcePrefixes", ["10.50.0.0/16", "10.60.0.0/40"], "spec.allowSpoofedSourcePrefixes[1]"],
    ])("drops the endpoint when %s %o does not parse", (key, value, field) => {
      rejected(convertResource(checkoutWep({ [key]: value })), field, "does not parse");
    });
  });

  describe("ports", () => {
    it.each([
      ["TCP", "tcp"],
      ["UDP", "udp"],
      ["SCTP", "sctp"],
      ["tcp", "tcp"],
      ["sctp", "sctp"],
      [17, 17],
      [132, 132],
      ["6", 6],
      [1, 1],
    ])("protocol %o becomes %o", (protocol, expected) => {
      const { model, diagnostics } = convertOne(
        checkoutWep({ ports: [{ name: "dns", port: 53, protocol }] }),
        "WorkloadEndpoint",
      );
      expect(diagnostics).toEqual([]);
      expect(model.ports).toEqual([{ name: "dns", protocol: expected, port: 53 }]);
    });

    it("drops unnamed host ports silently (Calico's own pod conversion writes them)", () => {
      const ports = [
        { hostPort: 8443, name: "", port: 8443, protocol: "TCP" },
        { hostPort: 9000, port: 9000, protocol: "UDP" },
        { name: "http", port: 8080, protocol: "TCP" },
      ];
      const { model, diagnostics } = convertOne(checkoutWep({ ports }), "WorkloadEndpoint");
      expect(diagnostics).toEqual([]);
      expect(model.ports).toEqual([{ name: "http", protocol: "tcp", port: 8080 }]);
    });

    it("keeps an empty list when no port has a name", () => {
      const ports = [{ hostPort: 8443, port: 8443, protocol: "TCP" }];
      expect(convertOne(checkoutWep({ ports }), "WorkloadEndpoint").model.ports).toEqual([]);
    });

    it.each([
      [
        "an unnamed port without hostPort",
        { name: "", port: 8080, protocol: "TCP" },
        "ports[0].name",
        "is required unless the port sets hostPort",
      ],
      [
        "a name that is not a string",
        { name: 8080, port: 8080, protocol: "TCP" },
        "ports[0].name",
        "expected a string",
      ],
      ["port 0", { name: "http", port: 0, protocol: "TCP" }, "ports[0].port", "0 is not an integer from 1 to 65535"],
      ["port 65536", { name: "http", port: 65536, protocol: "TCP" }, "ports[0].port", "65536 is not"],
      ["a fractional port", { name: "http", port: 80.5, protocol: "TCP" }, "ports[0].port", "80.5 is not"],
      ["a port given as a string", { name: "http", port: "8080", protocol: "TCP" }, "ports[0].port", '"8080" is not'],
      [
        "a missing port",
        { name: "http", protocol: "TCP" },
        "ports[0].port",
        "is required (an integer from 1 to 65535)",
      ],
      [
        "protocol ICMP",
        { name: "ping", port: 7, protocol: "ICMP" },
        "ports[0].protocol",
        '"ICMP" is not TCP, UDP, SCTP',
      ],
      ["mixed-case Tcp", { name: "http", port: 8080, protocol: "Tcp" }, "ports[0].protocol", '"Tcp" is not'],
      ["protocol number 0", { name: "http", port: 8080, protocol: 0 }, "ports[0].protocol", "0 is not"],
      ["protocol number 256", { name: "http", port: 8080, protocol: "256" }, "ports[0].protocol", '"256" is not'],
      ["a missing protocol", { name: "http", port: 8080 }, "ports[0].protocol", "is required (TCP, UDP, SCTP"],
      ["an entry that is not an object", "http:8080", "ports[0]", "expected an object"],
      ["a null entry", null, "ports[0]", "expected an object"],
    ])("skips %s with a warning and keeps the endpoint", (_, bad, field, message) => {
      const ports = [bad, { name: "metrics", port: 9090, protocol: "TCP" }];
      const result = convertOne(checkoutWep({ ports }), "WorkloadEndpoint");
      expect(result.model.ports).toEqual([{ name: "metrics", protocol: "tcp", port: 9090 }]);
      expect(result.diagnostics).toHaveLength(1);
      expectDiagnostic(result, "warning", `spec.${field}`, message);
      expect(result.diagnostics[0]?.message).toContain("the port is ignored");
    });

    it("reports both a bad protocol and a bad number of one port", () => {
      const result = convertOne(
        checkoutWep({ ports: [{ name: "http", port: -1, protocol: "HTTP" }] }),
        "WorkloadEndpoint",
      );
      expect(result.model.ports).toEqual([]);
      expect(result.diagnostics.map((d) => d.field)).toEqual(["spec.ports[0].protocol", "spec.ports[0].port"]);
    });

    it("reports a ports field that is not a list", () => {
      const result = convertOne(checkoutWep({ ports: { name: "http" } }), "WorkloadEndpoint");
      expect(result.model.ports).toEqual([]);
      expectDiagnostic(result, "error", "spec.ports", "expected a list");
    });
  });
});

describe("HostEndpoint (§2.7)", () => {
  it("converts a node interface with expected IPs", () => {
    const { model, diagnostics } = convertOne(hostEndpoint(), "HostEndpoint");
    expect(diagnostics).toEqual([]);
    const expected: HostEndpoint = {
      kind: "HostEndpoint",
      cluster: "",
      node: "worker-1",
      name: "worker-1-eth0",
      labels: { environment: "production", "node-role.kubernetes.io/worker": "" },
      profiles: ["projectcalico-default-allow"],
      interfaceName: "eth0",
      expectedIPv4: ["192.168.10.21"],
      expectedIPv6: ["fd00:192:168:10::21"],
      ports: [
        { name: "ssh", protocol: "tcp", port: 22 },
        { name: "kubelet", protocol: "tcp", port: 10250 },
      ],
    };
    expect(model).toEqual(expected);
  });

  it("keeps labels verbatim, pcns./pcsa. and namespace labels included", () => {
    const labels = { "pcns.team": "platform", "pcsa.x": "y", "projectcalico.org/namespace": "shop" };
    const { model, diagnostics } = convertOne(hostEndpoint({}, { labels }), "HostEndpoint");
    expect(diagnostics).toEqual([]);
    expect(model.labels).toEqual(labels);
  });

  it("skips expected IPs that are not addresses, with a warning each", () => {
    const expectedIPs = ["192.168.10.300", "192.168.10.21", "192.168.10.0/24", "::ffff:192.168.10.22", "FD00::1"];
    const result = convertOne(hostEndpoint({ expectedIPs }), "HostEndpoint");
    expect(result.model.expectedIPv4).toEqual(["192.168.10.21", "192.168.10.22"]);
    expect(result.model.expectedIPv6).toEqual(["fd00::1"]);
    expect(result.diagnostics).toHaveLength(2);
    expectDiagnostic(result, "warning", "spec.expectedIPs[0]", '"192.168.10.300" is not an IP address');
    expectDiagnostic(result, "warning", "spec.expectedIPs[2]", '"192.168.10.0/24" is not an IP address');
  });

  it.each([
    ["a wildcard interface", { interfaceName: "*" }, "*"],
    ["no interface (matched by expected IPs)", { interfaceName: undefined }, ""],
  ])("keeps %s", (_, spec, interfaceName) => {
    expect(convertOne(hostEndpoint(spec), "HostEndpoint").model.interfaceName).toBe(interfaceName);
  });

  it("keeps an interface-only endpoint with no IPs", () => {
    const { model } = convertOne(hostEndpoint({ expectedIPs: undefined }), "HostEndpoint");
    expect(model.expectedIPv4).toEqual([]);
    expect(model.expectedIPv6).toEqual([]);
  });

  it("keeps every valid port, named or not, protocol lower-cased", () => {
    const ports = [
      { port: 10250, protocol: "TCP" },
      { name: "vxlan", port: 4789, protocol: "UDP" },
      { name: "", port: 9099, protocol: 6 },
      { name: "bgp", port: 179, protocol: "ICMP" },
    ];
    const result = convertOne(hostEndpoint({ ports }), "HostEndpoint");
    expect(result.model.ports).toEqual([
      { name: "", protocol: "tcp", port: 10250 },
      { name: "vxlan", protocol: "udp", port: 4789 },
      { name: "", protocol: 6, port: 9099 },
    ]);
    expectDiagnostic(result, "warning", "spec.ports[3].protocol", "the port is ignored");
  });

  it.each([
    ["spec.node", { node: undefined }, "is required"],
    ["spec.node", { node: "" }, "must not be empty"],
  ])("rejects an endpoint without a node (%s)", (field, spec, message) => {
    rejected(convertResource(hostEndpoint(spec)), field, message);
  });

  it("records the owning cluster", () => {
    expect(convertOne(hostEndpoint(), "HostEndpoint", "west").model.cluster).toBe("west");
  });
});

describe("NetworkSet and GlobalNetworkSet (§2.8)", () => {
  const nets = ["10.20.0.0/16", "10.30.1.5", "2001:DB8::/32", "10.40.1.7/24", "198.51.100.7/32"];
  const masked = ["10.20.0.0/16", "10.30.1.5/32", "2001:db8::/32", "10.40.1.0/24", "198.51.100.7/32"];

  it("converts a namespaced set: masked nets, forced namespace label, namespace profile", () => {
    const labels = { role: "partner", "projectcalico.org/namespace": "elsewhere" };
    const { model, diagnostics } = convertOne(networkSet("NetworkSet", { nets }, { labels }), "NetworkSet");
    expect(diagnostics).toEqual([]);
    const expected: NetworkSet = {
      kind: "NetworkSet",
      cluster: "",
      namespace: "payments",
      name: "partner-ranges",
      labels: { role: "partner", "projectcalico.org/namespace": "payments" },
      profiles: ["kns.payments"],
      nets: masked,
    };
    expect(model).toEqual(expected);
  });

  it("converts a global set: labels verbatim, no namespace, no profiles", () => {
    const { model, diagnostics } = convertOne(networkSet("GlobalNetworkSet", { nets }), "NetworkSet");
    expect(diagnostics).toEqual([]);
    const expected: NetworkSet = {
      kind: "NetworkSet",
      cluster: "",
      namespace: "",
      name: "partner-ranges",
      labels: { role: "partner", "app.kubernetes.io/part-of": "ledger" },
      profiles: [],
      nets: masked,
    };
    expect(model).toEqual(expected);
  });

  it.each(["NetworkSet", "GlobalNetworkSet"] as const)("%s: skips invalid nets with a warning each", (kind) => {
    const spec = { nets: ["10.20.0.0/16", "10.20.0.0/33", "partner.example.com", "10.30.1.5", 42] };
    const result = convertOne(networkSet(kind, spec), "NetworkSet");
    expect(result.model.nets).toEqual(["10.20.0.0/16", "10.30.1.5/32"]);
    expectDiagnostic(result, "warning", "spec.nets[1]", '"10.20.0.0/33" is not a CIDR or IP address');
    expectDiagnostic(result, "warning", "spec.nets[2]", "partner.example.com");
    expectDiagnostic(result, "error", "spec.nets[4]", "expected a string");
  });

  it.each([
    ["no spec", undefined],
    ["no nets", {}],
  ])("converts a set with %s to an empty set", (_, spec) => {
    const { model, diagnostics } = convertOne(networkSet("NetworkSet", spec), "NetworkSet");
    expect(diagnostics).toEqual([]);
    expect(model.nets).toEqual([]);
  });

  it("reports nets that are not a list", () => {
    const result = convertOne(networkSet("GlobalNetworkSet", { nets: "10.0.0.0/8" }), "NetworkSet");
    expect(result.model.nets).toEqual([]);
    expectDiagnostic(result, "error", "spec.nets", "expected a list");
  });

  it("rejects a spec that is not an object", () => {
    rejected(convertResource(networkSet("NetworkSet", "10.0.0.0/8")), "spec", "expected an object");
  });

  it("keeps __proto__ as an ordinary label key of a global set", () => {
    const labels = JSON.parse('{"__proto__": "x"}') as Raw;
    const { model } = convertOne(networkSet("GlobalNetworkSet", { nets }, { labels }), "NetworkSet");
    expect(Object.keys(model.labels)).toEqual(["__proto__"]);
  });

  it("records the owning cluster", () => {
    expect(convertOne(networkSet("NetworkSet", { nets }), "NetworkSet", "east").model.cluster).toBe("east");
  });
});

describe("properties", () => {
  const address = fc.oneof(
    fc.ipV4(),
    fc.ipV6(),
    fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 40 })).map(([ip, bits]) => `${ip}/${bits}`),
    fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 130 })).map(([ip, bits]) => `${ip}/${bits}`),
    fc.string(),
  );
  const anything = fc.anything({ maxDepth: 2 });
  const port = fc.oneof(
    fc.record(
      {
        name: fc.oneof(fc.constantFrom("http", "", "dns"), anything),
        port: fc.oneof(fc.integer({ min: -1, max: 70000 }), anything),
        protocol: fc.oneof(fc.constantFrom("TCP", "udp", "SCTP", "ICMP", "6", 17, 0), anything),
        hostPort: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 65535 })),
      },
      { requiredKeys: [] },
    ),
    anything,
  );
  const labels = fc.dictionary(
    fc.oneof(fc.constantFrom("__proto__", "pcns.team", "projectcalico.org/namespace", "app"), fc.string()),
    fc.oneof(fc.string(), anything),
  );

  test.prop({
    orchestrator: fc.constantFrom("k8s", "cni", "libnetwork", "openstack", ""),
    ipNetworks: fc.oneof(fc.array(fc.oneof(address, anything), { maxLength: 4 }), anything),
    ports: fc.oneof(fc.array(port, { maxLength: 4 }), anything),
    labels: fc.oneof(labels, anything),
    serviceAccountName: fc.oneof(fc.string(), anything),
  })("any workload endpoint converts without throwing into Felix-shaped data", (spec) => {
    const raw = checkoutWep({ ...spec, workload: "vm-1", containerID: "abc" }, { labels: spec.labels });
    const result = convertResource(raw);
    for (const resource of result.resources) {
      const wep = resource as WorkloadEndpoint;
      for (const net of [...wep.ipv4Nets, ...wep.ipv6Nets]) {
        const parsed = parseCidrOrIp(net);
        expect(parsed?.cidr).toBe(net);
        expect(parsed?.prefixLength).toBe(parsed?.family === 4 ? 32 : 128);
      }
      expect(wep.labels["projectcalico.org/namespace"]).toBe("shop");
      expect(Object.keys(wep.labels).some((key) => key.startsWith("pcns.") || key.startsWith("pcsa."))).toBe(false);
      for (const p of wep.ports) {
        expect(p.name).not.toBe("");
        expect(Number.isInteger(p.port) && p.port >= 1 && p.port <= 65535).toBe(true);
        expect(["tcp", "udp", "sctp"].includes(p.protocol as string) || typeof p.protocol === "number").toBe(true);
      }
    }
    for (const d of result.diagnostics) expect(d.kind).toBe("WorkloadEndpoint");
  });

  test.prop({ nets: fc.oneof(fc.array(fc.oneof(address, anything), { maxLength: 6 }), anything), labels })(
    "any network set converts without throwing; every kept net is canonical and masked",
    ({ nets, labels }) => {
      for (const kind of ["NetworkSet", "GlobalNetworkSet"] as const) {
        const result = convertResource(networkSet(kind, { nets }, { labels }));
        expect(result.resources).toHaveLength(1);
        const set = result.resources[0] as NetworkSet;
        for (const net of set.nets) expect(parseCidrOrIp(net)?.cidr).toBe(net);
        const entries = Array.isArray(nets) ? nets.length : 0;
        expect(set.nets.length + result.diagnostics.filter((d) => d.field?.startsWith("spec.nets[")).length).toBe(
          entries,
        );
      }
    },
  );

  test.prop({
    expectedIPs: fc.array(fc.oneof(address, anything), { maxLength: 6 }),
    ports: fc.array(port, { maxLength: 4 }),
  })("any host endpoint converts without throwing; every expected IP is a bare address", ({ expectedIPs, ports }) => {
    const result = convertResource(hostEndpoint({ expectedIPs, ports }));
    expect(result.resources).toHaveLength(1);
    const hep = result.resources[0] as HostEndpoint;
    for (const ip of [...hep.expectedIPv4, ...hep.expectedIPv6]) expect(ip).not.toContain("/");
    expect(hep.expectedIPv4.length + hep.expectedIPv6.length).toBeLessThanOrEqual(expectedIPs.length);
    expect(hep.ports.length).toBeLessThanOrEqual(ports.length);
  });
});
