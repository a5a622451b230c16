/**
 * Pod → WorkloadEndpoint as Felix sees it (spec §2.4 conversion + §2.5 update processor), through
 * the public dispatcher.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { convertResource } from "../../src/k8s/convert.js";
import type { Diagnostic, WorkloadEndpoint } from "../../src/model/index.js";
import { parseCidrOrIp } from "../../src/net/index.js";

interface PodParts {
  readonly name?: string;
  readonly labels?: unknown;
  readonly annotations?: unknown;
  readonly metadata?: Record<string, unknown>;
  readonly spec?: Record<string, unknown>;
  readonly status?: Record<string, unknown>;
}

/** A running pod as `kubectl get pod -o yaml` prints it; `parts` replace or add fields. */
function pod(parts: PodParts = {}): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: parts.name ?? "checkout-7d9f8c6b5-x2x4q",
      namespace: "shop",
      uid: "3b0d8f62-1c0e-4c8f-9a55-5d7a2e1f0c44",
      resourceVersion: "918273",
      creationTimestamp: "2024-05-02T10:01:13Z",
      generateName: "checkout-7d9f8c6b5-",
      labels: parts.labels ?? {
        "app.kubernetes.io/name": "checkout",
        "pod-template-hash": "7d9f8c6b5",
      },
      ...(parts.annotations === undefined ? {} : { annotations: parts.annotations }),
      ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "checkout-7d9f8c6b5", controller: true }],
      ...parts.metadata,
    },
    spec: {
      containers: [
        {
          name: "checkout",
          image: "registry.example.com/shop/checkout:1.14.2",
          ports: [
            { name: "http", containerPort: 8080, protocol: "TCP" },
            { name: "metrics", containerPort: 9090, protocol: "TCP" },
          ],
        },
      ],
      dnsPolicy: "ClusterFirst",
      nodeName: "worker-1",
      restartPolicy: "Always",
      schedulerName: "default-scheduler",
      serviceAccount: "checkout",
      serviceAccountName: "checkout",
      ...parts.spec,
    },
    status: {
      phase: "Running",
      hostIP: "10.0.12.4",
      podIP: "10.244.1.7",
      podIPs: [{ ip: "10.244.1.7" }],
      qosClass: "BestEffort",
      ...parts.status,
    },
  };
}

function convert(raw: unknown, cluster = ""): { endpoints: WorkloadEndpoint[]; diagnostics: Diagnostic[] } {
  const { resources, diagnostics } = convertResource(raw, { cluster });
  return { endpoints: resources as WorkloadEndpoint[], diagnostics };
}

function only(raw: unknown): WorkloadEndpoint {
  const { endpoints, diagnostics } = convert(raw);
  expect(diagnostics).toEqual([]);
  expect(endpoints).toHaveLength(1);
  return endpoints[0]!;
}

const HTTP = { name: "http", protocol: "tcp", port: 8080 };
const METRICS = { name: "metrics", protocol: "tcp", port: 9090 };

describe("a running pod", () => {
  it("becomes one workload endpoint with Calico's labels, profiles, IPs and named ports", () => {
    const { endpoints, diagnostics } = convert(pod(), "east");
    expect(diagnostics).toEqual([]);
    expect(endpoints).toEqual([
      {
        kind: "WorkloadEndpoint",
        cluster: "east",
        node: "worker-1",
        orchestrator: "k8s",
        namespace: "shop",
        workload: "checkout-7d9f8c6b5-x2x4q",
        endpoint: "eth0",
        labels: {
          "app.kubernetes.io/name": "checkout",
          "pod-template-hash": "7d9f8c6b5",
          "projectcalico.org/namespace": "shop",
          "projectcalico.org/orchestrator": "k8s",
          "projectcalico.org/serviceaccount": "checkout",
        },
        profiles: ["kns.shop", "ksa.shop.checkout"],
        ipv4Nets: ["10.244.1.7/32"],
        ipv6Nets: [],
        ports: [HTTP, METRICS],
      },
    ]);
  });
});

describe("which pods are endpoints", () => {
  it.each([
    { title: "not scheduled (no nodeName)", raw: pod({ spec: { nodeName: undefined }, status: { phase: "Pending" } }) },
    { title: "nodeName empty", raw: pod({ spec: { nodeName: "" } }) },
    {
      title: "host-network pod",
      raw: pod({ spec: { hostNetwork: true }, status: { podIP: "10.0.12.4", podIPs: [{ ip: "10.0.12.4" }] } }),
    },
    { title: "phase Succeeded", raw: pod({ status: { phase: "Succeeded" } }) },
    { title: "phase Failed", raw: pod({ status: { phase: "Failed" } }) },
    { title: "phase Completed", raw: pod({ status: { phase: "Completed" } }) },
    {
      title: "finished pod whose IP is malformed (IPs are never read)",
      raw: pod({ status: { phase: "Failed", podIP: "10.244.1.999", podIPs: [{ ip: "10.244.1.999" }] } }),
    },
    {
      title: "being deleted and Calico CNI blanked its podIP annotation",
      raw: pod({
        metadata: { deletionTimestamp: "2024-05-02T11:00:00Z" },
        annotations: { "cni.projectcalico.org/podIP": "", "cni.projectcalico.org/podIPs": "" },
      }),
    },
    {
      title: "being deleted and the AWS CNI blanked its annotation",
      raw: pod({
        metadata: { deletionTimestamp: "2024-05-02T11:00:00Z" },
        annotations: { "vpc.amazonaws.com/pod-ips": "" },
      }),
    },
    {
      title: "scheduled but no IP yet",
      raw: pod({ status: { phase: "Pending", podIP: undefined, podIPs: undefined } }),
    },
    { title: "empty IP fields", raw: pod({ status: { podIP: "", podIPs: [] } }) },
  ])("$title: no endpoint, no diagnostic", ({ raw }) => {
    expect(convert(raw)).toEqual({ endpoints: [], diagnostics: [] });
  });

  it.each([
    { title: "hostNetwork false", spec: { hostNetwork: false } },
    { title: "being deleted, annotation not blanked", metadata: { deletionTimestamp: "2024-05-02T11:00:00Z" } },
    {
      title: "blanked annotation but not being deleted",
      annotations: { "cni.projectcalico.org/podIP": "" },
    },
    { title: "phase Pending with an IP", status: { phase: "Pending" } },
    { title: "phase Unknown", status: { phase: "Unknown" } },
  ] as (PodParts & { title: string })[])("$title: an endpoint", (parts) => {
    expect(only(pod(parts)).ipv4Nets).toEqual(["10.244.1.7/32"]);
  });
});

describe("IP addresses", () => {
  const noStatusIps = { podIP: undefined, podIPs: undefined };
  it.each([
    {
      title: "dual-stack status.podIPs, split by family",
      status: { podIP: "10.244.1.7", podIPs: [{ ip: "10.244.1.7" }, { ip: "fd00:10:244:1::7" }] },
      v4: ["10.244.1.7/32"],
      v6: ["fd00:10:244:1::7/128"],
    },
    {
      title: "status.podIPs wins over status.podIP and the annotations",
      status: { podIP: "10.244.1.8", podIPs: [{ ip: "10.244.1.7" }] },
      annotations: { "cni.projectcalico.org/podIPs": "10.244.1.9/32" },
      v4: ["10.244.1.7/32"],
      v6: [],
    },
    {
      title: "status.podIP when podIPs is empty",
      status: { podIP: "10.244.1.8", podIPs: [] },
      annotations: { "cni.projectcalico.org/podIPs": "10.244.1.9/32" },
      v4: ["10.244.1.8/32"],
      v6: [],
    },
    {
      title: "Calico podIPs annotation (comma list of CIDRs) when the status has none",
      status: noStatusIps,
      annotations: {
        "cni.projectcalico.org/podIPs": "10.244.1.9/32,fd00:10:244:1::9/128",
        "cni.projectcalico.org/podIP": "10.244.1.10/32",
      },
      v4: ["10.244.1.9/32"],
      v6: ["fd00:10:244:1::9/128"],
    },
    {
      title: "Calico podIP annotation when podIPs is empty",
      status: noStatusIps,
      annotations: {
        "cni.projectcalico.org/podIPs": "",
        "cni.projectcalico.org/podIP": "10.244.1.10/32",
        "vpc.amazonaws.com/pod-ips": "172.31.5.6",
      },
      v4: ["10.244.1.10/32"],
      v6: [],
    },
    {
      title: "AWS VPC annotation last",
      status: noStatusIps,
      annotations: { "vpc.amazonaws.com/pod-ips": "172.31.5.6,172.31.5.7" },
      v4: ["172.31.5.6/32", "172.31.5.7/32"],
      v6: [],
    },
    {
      title: "IPv6 in canonical form",
      status: { podIP: "FD00:10:244:0001:0:0:0:7", podIPs: undefined },
      v4: [],
      v6: ["fd00:10:244:1::7/128"],
    },
    {
      title: "IPv4-mapped IPv6 counts as IPv4",
      status: { podIP: "::ffff:10.244.1.7", podIPs: undefined },
      v4: ["10.244.1.7/32"],
      v6: [],
    },
    {
      title: "a CIDR: the masked network's address (what Felix puts in IP sets)",
      status: noStatusIps,
      annotations: { "cni.projectcalico.org/podIP": "10.244.1.7/24" },
      v4: ["10.244.1.0/32"],
      v6: [],
    },
  ] as (PodParts & { title: string; v4: string[]; v6: string[] })[])("$title", ({ v4, v6, ...parts }) => {
    const endpoint = only(pod(parts));
    expect(endpoint.ipv4Nets).toEqual(v4);
    expect(endpoint.ipv6Nets).toEqual(v6);
  });

  it.each([
    {
      title: "bad status.podIPs entry",
      status: { podIPs: [{ ip: "10.244.1.7" }, { ip: "10.244.1.300" }] },
      field: "status.podIPs[1].ip",
      message: 'invalid pod IP "10.244.1.300"',
    },
    {
      title: "status.podIPs entry without an ip",
      status: { podIPs: [{}] },
      field: "status.podIPs[0].ip",
      message: 'invalid pod IP ""',
    },
    {
      title: "zone-qualified IPv6 in status.podIP",
      status: { podIP: "fe80::1%eth0", podIPs: undefined },
      field: "status.podIP",
      message: 'invalid pod IP "fe80::1%eth0"',
    },
    {
      title: "space after a comma in the Calico annotation",
      status: { podIP: undefined, podIPs: undefined },
      annotations: { "cni.projectcalico.org/podIPs": "10.244.1.9/32, fd00::9/128" },
      field: "metadata.annotations.cni.projectcalico.org/podIPs",
      message: 'invalid pod IP " fd00::9/128"',
    },
    {
      title: "bad prefix length in the Calico podIP annotation",
      status: { podIP: undefined, podIPs: undefined },
      annotations: { "cni.projectcalico.org/podIP": "10.244.1.9/33" },
      field: "metadata.annotations.cni.projectcalico.org/podIP",
      message: 'invalid pod IP "10.244.1.9/33"',
    },
    {
      title: "leading zeros in the AWS annotation",
      status: { podIP: undefined, podIPs: undefined },
      annotations: { "vpc.amazonaws.com/pod-ips": "172.031.5.6" },
      field: "metadata.annotations.vpc.amazonaws.com/pod-ips",
      message: 'invalid pod IP "172.031.5.6"',
    },
  ] as (PodParts & { title: string; field: string; message: string })[])(
    "$title: an error naming the field, and no endpoint",
    ({ field, message, ...parts }) => {
      expect(convert(pod(parts))).toEqual({
        endpoints: [],
        diagnostics: [
          expect.objectContaining({
            severity: "error",
            kind: "Pod",
            namespace: "shop",
            name: "checkout-7d9f8c6b5-x2x4q",
            field,
            message: expect.stringContaining(message),
          }),
        ],
      });
    },
  );

  it("reports every malformed IP, not only the first", () => {
    const { endpoints, diagnostics } = convert(pod({ status: { podIPs: [{ ip: "10.1" }, { ip: "fd00::1::2" }] } }));
    expect(endpoints).toEqual([]);
    expect(diagnostics.map((d) => d.field)).toEqual(["status.podIPs[0].ip", "status.podIPs[1].ip"]);
  });

  it.each([
    { title: "a podIPs entry that is not an object", podIPs: ["10.244.1.7"], field: "status.podIPs[0]" },
    { title: "an ip that is not a string", podIPs: [{ ip: 167772161 }], field: "status.podIPs[0].ip" },
  ])("$title: one error, no endpoint", ({ podIPs, field }) => {
    const { endpoints, diagnostics } = convert(pod({ status: { podIPs } }));
    expect(endpoints).toEqual([]);
    expect(diagnostics).toEqual([expect.objectContaining({ severity: "error", field })]);
  });

  it("annotations that are not a map are reported when the IPs would come from them", () => {
    const raw = pod({
      status: { podIP: undefined, podIPs: undefined },
      annotations: ["cni.projectcalico.org/podIP=10.244.1.7"],
    });
    expect(convert(raw)).toEqual({
      endpoints: [],
      diagnostics: [expect.objectContaining({ severity: "error", field: "metadata.annotations" })],
    });
  });

  it("a podIP of the wrong type reads as absent: the annotation is used, and the type is reported", () => {
    const { endpoints, diagnostics } = convert(
      pod({
        status: { podIP: ["10.244.1.7"], podIPs: undefined },
        annotations: { "cni.projectcalico.org/podIP": "10.244.1.7/32" },
      }),
    );
    expect(endpoints.map((e) => e.ipv4Nets)).toEqual([["10.244.1.7/32"]]);
    expect(diagnostics).toEqual([
      expect.objectContaining({ severity: "error", field: "status.podIP", message: "expected a string, got a list" }),
    ]);
  });
});

describe("labels and profiles", () => {
  it.each([
    {
      title: "Calico's namespace and orchestrator labels override the pod's own",
      labels: { app: "checkout", "projectcalico.org/namespace": "payments", "projectcalico.org/orchestrator": "cni" },
      expected: {
        app: "checkout",
        "projectcalico.org/namespace": "shop",
        "projectcalico.org/orchestrator": "k8s",
        "projectcalico.org/serviceaccount": "checkout",
      },
    },
    {
      title: "the service-account label overrides the pod's own",
      labels: { app: "checkout", "projectcalico.org/serviceaccount": "admin" },
      expected: {
        app: "checkout",
        "projectcalico.org/namespace": "shop",
        "projectcalico.org/orchestrator": "k8s",
        "projectcalico.org/serviceaccount": "checkout",
      },
    },
    {
      title: "no labels at all",
      labels: {},
      expected: {
        "projectcalico.org/namespace": "shop",
        "projectcalico.org/orchestrator": "k8s",
        "projectcalico.org/serviceaccount": "checkout",
      },
    },
  ])("$title", ({ labels, expected }) => {
    expect(only(pod({ labels })).labels).toEqual(expected);
  });

  it("a service account name of 63 characters or more still gets its label (set by the WEP processor)", () => {
    const name = `ledger-reconciliation-${"x".repeat(50)}`;
    const endpoint = only(pod({ spec: { serviceAccountName: name, serviceAccount: name } }));
    expect(endpoint.labels["projectcalico.org/serviceaccount"]).toBe(name);
    expect(endpoint.profiles).toEqual(["kns.shop", `ksa.shop.${name}`]);
  });

  it.each([
    { title: "no serviceAccountName", spec: { serviceAccountName: undefined, serviceAccount: undefined } },
    { title: "empty serviceAccountName", spec: { serviceAccountName: "", serviceAccount: "" } },
    // The deprecated spec.serviceAccount alias is not what Calico reads.
    {
      title: "only the deprecated serviceAccount",
      spec: { serviceAccountName: undefined, serviceAccount: "checkout" },
    },
  ])("$title: only the namespace profile, no service-account label", ({ spec }) => {
    const endpoint = only(pod({ labels: { app: "checkout" }, spec }));
    expect(endpoint.profiles).toEqual(["kns.shop"]);
    expect(endpoint.labels).toEqual({
      app: "checkout",
      "projectcalico.org/namespace": "shop",
      "projectcalico.org/orchestrator": "k8s",
    });
  });

  it("without a service account, a pod's own serviceaccount label is kept (Calico sets it only when there is one)", () => {
    const endpoint = only(
      pod({ labels: { "projectcalico.org/serviceaccount": "admin" }, spec: { serviceAccountName: undefined } }),
    );
    expect(endpoint.labels["projectcalico.org/serviceaccount"]).toBe("admin");
  });

  it("drops pcns./pcsa. labels with a warning, so a pod cannot impersonate namespace or SA labels", () => {
    const { endpoints, diagnostics } = convert(
      pod({ labels: { app: "checkout", "pcns.team": "finance", "pcsa.role": "admin", "pcnsx.keep": "yes" } }),
    );
    expect(endpoints[0]?.labels).toEqual({
      app: "checkout",
      "pcnsx.keep": "yes",
      "projectcalico.org/namespace": "shop",
      "projectcalico.org/orchestrator": "k8s",
      "projectcalico.org/serviceaccount": "checkout",
    });
    expect(diagnostics).toEqual([
      expect.objectContaining({
        severity: "warning",
        field: "metadata.labels.pcns.team",
        message: expect.stringContaining("ignored"),
      }),
      expect.objectContaining({
        severity: "warning",
        field: "metadata.labels.pcsa.role",
        message: expect.stringContaining("ignored"),
      }),
    ]);
  });

  it("keeps __proto__ and constructor as ordinary label keys", () => {
    const labels = JSON.parse('{"__proto__": "polluted", "constructor": "x", "app": "checkout"}');
    const endpoint = only(pod({ labels }));
    expect(Object.hasOwn(endpoint.labels, "__proto__")).toBe(true);
    expect(Object.getOwnPropertyDescriptor(endpoint.labels, "__proto__")?.value).toBe("polluted");
    expect(endpoint.labels.constructor).toBe("x");
    expect(Object.getPrototypeOf(endpoint.labels)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("skips labels with non-string values, reporting each, and keeps the rest", () => {
    const { endpoints, diagnostics } = convert(pod({ labels: { app: "checkout", replicas: 3, canary: true } }));
    expect(endpoints[0]?.labels).toMatchObject({ app: "checkout" });
    expect(Object.keys(endpoints[0]?.labels ?? {})).not.toContain("replicas");
    expect(diagnostics.map((d) => [d.severity, d.field])).toEqual([
      ["error", "metadata.labels.replicas"],
      ["error", "metadata.labels.canary"],
    ]);
  });
});

describe("named ports", () => {
  function container(name: string, ports: unknown): Record<string, unknown> {
    return { name, image: `registry.example.com/shop/${name}:1.0`, ports };
  }

  it.each([
    {
      title: "protocols: UDP, SCTP, TCP and empty (TCP)",
      containers: [
        container("dns", [
          { name: "dns", containerPort: 53, protocol: "UDP" },
          { name: "dns-tcp", containerPort: 53, protocol: "TCP" },
          { name: "sigtran", containerPort: 2905, protocol: "SCTP" },
          { name: "http", containerPort: 8080 },
        ]),
      ],
      expected: [
        { name: "dns", protocol: "udp", port: 53 },
        { name: "dns-tcp", protocol: "tcp", port: 53 },
        { name: "sigtran", protocol: "sctp", port: 2905 },
        { name: "http", protocol: "tcp", port: 8080 },
      ],
    },
    {
      title: "unnamed ports and host ports without a name are dropped",
      containers: [
        container("ledger", [
          { containerPort: 8080, protocol: "TCP" },
          { containerPort: 8443, hostPort: 443, protocol: "TCP" },
          { name: "grpc", containerPort: 50051, protocol: "TCP" },
        ]),
      ],
      expected: [{ name: "grpc", protocol: "tcp", port: 50051 }],
    },
    {
      title: "a named port with containerPort 0 or none is dropped",
      containers: [
        container("ledger", [
          { name: "zero", containerPort: 0 },
          { name: "missing", protocol: "TCP" },
        ]),
      ],
      expected: [],
    },
    {
      title: "containers in order, then init containers; duplicates kept",
      containers: [
        container("ledger", [{ name: "http", containerPort: 8080 }]),
        container("sidecar", [{ name: "http", containerPort: 15001 }]),
      ],
      initContainers: [container("migrate", [{ name: "admin", containerPort: 9000 }])],
      expected: [
        { name: "http", protocol: "tcp", port: 8080 },
        { name: "http", protocol: "tcp", port: 15001 },
        { name: "admin", protocol: "tcp", port: 9000 },
      ],
    },
    {
      title: "no ports anywhere",
      containers: [container("ledger", undefined)],
      expected: [],
    },
  ])("$title", ({ containers, initContainers, expected }) => {
    const spec = initContainers === undefined ? { containers } : { containers, initContainers };
    expect(only(pod({ spec })).ports).toEqual(expected);
  });

  it.each([
    {
      title: "unknown protocol: warning, port skipped",
      port: { name: "quic", containerPort: 443, protocol: "QUIC" },
      severity: "warning",
      field: "spec.containers[0].ports[0].protocol",
      message: 'unsupported protocol "QUIC"',
    },
    {
      title: "lower-case protocol is not a Kubernetes protocol",
      port: { name: "http", containerPort: 80, protocol: "tcp" },
      severity: "warning",
      field: "spec.containers[0].ports[0].protocol",
      message: 'unsupported protocol "tcp"',
    },
    {
      title: "protocol of the wrong type",
      port: { name: "http", containerPort: 80, protocol: 6 },
      severity: "error",
      field: "spec.containers[0].ports[0].protocol",
      message: "expected a string",
    },
    {
      title: "port out of range",
      port: { name: "http", containerPort: 70000 },
      severity: "error",
      field: "spec.containers[0].ports[0].containerPort",
      message: "70000",
    },
    {
      title: "port given as a string",
      port: { name: "http", containerPort: "8080" },
      severity: "error",
      field: "spec.containers[0].ports[0].containerPort",
      message: "expected a number",
    },
    {
      title: "port entry that is not an object",
      port: "http:8080",
      severity: "error",
      field: "spec.containers[0].ports[0]",
      message: "expected an object",
    },
  ])("$title (other ports survive)", ({ port, severity, field, message }) => {
    const spec = { containers: [container("checkout", [port, { name: "metrics", containerPort: 9090 }])] };
    const { endpoints, diagnostics } = convert(pod({ spec }));
    expect(endpoints.map((e) => e.ports)).toEqual([[METRICS]]);
    expect(diagnostics).toEqual([
      expect.objectContaining({ severity, field, message: expect.stringContaining(message) }),
    ]);
  });

  it("reports containers that are not objects, and a containers field that is not a list", () => {
    const { endpoints, diagnostics } = convert(
      pod({ spec: { containers: ["checkout"], initContainers: { name: "migrate" } } }),
    );
    expect(endpoints.map((e) => e.ports)).toEqual([[]]);
    expect(diagnostics.map((d) => [d.severity, d.field])).toEqual([
      ["error", "spec.containers[0]"],
      ["error", "spec.initContainers"],
    ]);
  });
});

describe("bad input", () => {
  it.each([
    { title: "nodeName of the wrong type", spec: { nodeName: 7 }, field: "spec.nodeName", endpoints: 0 },
    {
      title: "hostNetwork of the wrong type reads as absent",
      spec: { hostNetwork: "true" },
      field: "spec.hostNetwork",
      endpoints: 1,
    },
    { title: "phase of the wrong type reads as absent", status: { phase: 3 }, field: "status.phase", endpoints: 1 },
    {
      title: "serviceAccountName of the wrong type reads as absent",
      spec: { serviceAccountName: { name: "checkout" } },
      field: "spec.serviceAccountName",
      endpoints: 1,
    },
  ] as (PodParts & { title: string; field: string; endpoints: number })[])(
    "$title: an error naming the field",
    ({ field, endpoints, ...parts }) => {
      const result = convert(pod(parts));
      expect(result.endpoints).toHaveLength(endpoints);
      expect(result.diagnostics).toEqual([expect.objectContaining({ severity: "error", field })]);
    },
  );

  it("a pod without a namespace is rejected by the dispatcher", () => {
    const raw = pod();
    delete (raw.metadata as Record<string, unknown>).namespace;
    expect(convert(raw)).toEqual({
      endpoints: [],
      diagnostics: [expect.objectContaining({ severity: "error", field: "metadata.namespace" })],
    });
  });

  /** Mostly a plausible value, sometimes anything at all, so that both paths are exercised. */
  function mostly<T>(plausible: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
    return fc.oneof({ arbitrary: plausible, weight: 4 }, { arbitrary: fc.anything(), weight: 1 });
  }
  const ip = fc.oneof(
    { arbitrary: fc.constantFrom("10.244.1.7", "fd00::7", "::ffff:10.0.0.1", "10.244.1.7/24"), weight: 8 },
    { arbitrary: fc.constantFrom("10.1", "bad", ""), weight: 1 },
    { arbitrary: fc.anything(), weight: 1 },
  );
  const ipList = mostly(
    fc
      .array(fc.constantFrom("10.244.1.7/32", "fd00::7/128", "10.9.9.9", "x"), { maxLength: 3 })
      .map((l) => l.join(",")),
  );
  const containerPort = fc.record(
    {
      name: mostly(fc.constantFrom("http", "dns", "", "__proto__")),
      containerPort: mostly(fc.constantFrom(8080, 53, 0, -1, 70000, 1.5)),
      protocol: mostly(fc.constantFrom("TCP", "UDP", "SCTP", "", "tcp", "ICMP")),
    },
    { requiredKeys: [] },
  );
  const containers = mostly(fc.array(mostly(fc.record({ name: fc.string(), ports: mostly(fc.array(containerPort)) }))));
  const generatedPod = fc.record(
    {
      labels: mostly(
        fc.dictionary(
          fc.oneof(fc.string(), fc.constantFrom("pcns.team", "pcsa.role", "__proto__")),
          mostly(fc.string()),
        ),
      ),
      annotations: mostly(
        fc.record(
          {
            "cni.projectcalico.org/podIPs": ipList,
            "cni.projectcalico.org/podIP": ip,
            "vpc.amazonaws.com/pod-ips": ipList,
          },
          { requiredKeys: [] },
        ),
      ),
      deletionTimestamp: fc.constantFrom(undefined, "2024-05-02T11:00:00Z"),
      spec: fc.record(
        {
          nodeName: mostly(fc.constantFrom("worker-1", "worker-1", "")),
          hostNetwork: mostly(fc.boolean()),
          serviceAccountName: mostly(fc.constantFrom("ledger", "")),
          containers,
          initContainers: containers,
        },
        { requiredKeys: ["nodeName", "containers"] },
      ),
      status: fc.record(
        {
          phase: mostly(fc.constantFrom("Running", "Pending", "Succeeded", "Failed")),
          podIP: ip,
          podIPs: mostly(fc.array(mostly(fc.record({ ip })), { maxLength: 2 })),
        },
        { requiredKeys: ["podIP"] },
      ),
    },
    { requiredKeys: ["spec", "status"] },
  );

  test.prop([generatedPod], { numRuns: 300 })(
    "any pod converts without throwing into at most one well-formed endpoint",
    (parts) => {
      const raw = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
          name: "ledger-0",
          namespace: "payments",
          labels: parts.labels,
          annotations: parts.annotations,
          deletionTimestamp: parts.deletionTimestamp,
        },
        spec: parts.spec,
        status: parts.status,
      };
      const { endpoints, diagnostics } = convert(raw);
      expect(endpoints.length).toBeLessThanOrEqual(1);
      for (const d of diagnostics) expect(d).toMatchObject({ kind: "Pod", namespace: "payments", name: "ledger-0" });
      for (const endpoint of endpoints) {
        expect(endpoint.node).not.toBe("");
        expect(endpoint.node).toBe(parts.spec.nodeName);
        expect(endpoint.ipv4Nets.length + endpoint.ipv6Nets.length).toBeGreaterThan(0);
        for (const net of endpoint.ipv4Nets)
          expect(parseCidrOrIp(net)).toMatchObject({ family: 4, prefixLength: 32, cidr: net });
        for (const net of endpoint.ipv6Nets)
          expect(parseCidrOrIp(net)).toMatchObject({ family: 6, prefixLength: 128, cidr: net });
        expect(endpoint.labels["projectcalico.org/namespace"]).toBe("payments");
        expect(endpoint.labels["projectcalico.org/orchestrator"]).toBe("k8s");
        expect(Object.keys(endpoint.labels).filter((k) => k.startsWith("pcns.") || k.startsWith("pcsa."))).toEqual([]);
        expect(endpoint.profiles[0]).toBe("kns.payments");
        for (const port of endpoint.ports) {
          expect(port.name).not.toBe("");
          expect(["tcp", "udp", "sctp"]).toContain(port.protocol);
          expect(port.port).toBeGreaterThanOrEqual(1);
          expect(port.port).toBeLessThanOrEqual(65535);
        }
      }
    },
  );
});
