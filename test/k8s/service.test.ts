/**
 * Service, Endpoints and EndpointSlice → model, through the public dispatcher: Kubernetes
 * defaults filled in, bad addresses and ports skipped with diagnostics.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { convertResource } from "../../src/k8s/convert.js";
import type { EndpointSlice, Endpoints, Service } from "../../src/model/index.js";
import { parseIp } from "../../src/net/index.js";

function service(spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: "ledger",
      namespace: "payments",
      uid: "c5b1e0a4-9f7e-4d43-8c57-0a3b6f1d2e91",
      resourceVersion: "77120",
      creationTimestamp: "2024-04-19T08:30:00Z",
      labels: { "app.kubernetes.io/name": "ledger", "app.kubernetes.io/part-of": "payments" },
      annotations: { "federation.tigera.io/serviceSelector": 'run == "ledger"' },
      ...metadata,
    },
    spec: {
      clusterIP: "10.96.14.2",
      clusterIPs: ["10.96.14.2"],
      internalTrafficPolicy: "Cluster",
      ipFamilies: ["IPv4"],
      ipFamilyPolicy: "SingleStack",
      selector: { "app.kubernetes.io/name": "ledger" },
      sessionAffinity: "None",
      type: "ClusterIP",
      ...spec,
    },
    status: { loadBalancer: {} },
  };
}

function endpoints(subsets: unknown): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: {
      name: "ledger",
      namespace: "payments",
      labels: { "app.kubernetes.io/name": "ledger" },
      annotations: { "endpoints.kubernetes.io/last-change-trigger-time": "2024-04-19T08:31:02Z" },
    },
    subsets,
  };
}

function slice(fields: Record<string, unknown>, labels: unknown = undefined): Record<string, unknown> {
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: {
      name: "ledger-8xk2p",
      namespace: "payments",
      generateName: "ledger-",
      labels: labels ?? {
        "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
        "kubernetes.io/service-name": "ledger",
      },
      ownerReferences: [{ apiVersion: "v1", kind: "Service", name: "ledger", controller: true }],
    },
    addressType: "IPv4",
    endpoints: [],
    ports: [{ name: "http", port: 8080, protocol: "TCP" }],
    ...fields,
  };
}

const LEDGER_POD = {
  kind: "Pod",
  namespace: "payments",
  name: "ledger-5c7d9-abcde",
  uid: "a1b2c3d4-0000-4000-8000-000000000001",
};

describe("Service", () => {
  it("keeps labels, annotations, selector, ports and IP families", () => {
    const raw = service({
      ports: [
        { name: "http", port: 80, protocol: "TCP", targetPort: 8080 },
        { name: "grpc", port: 9000, protocol: "TCP", targetPort: "grpc" },
        { name: "dns", port: 53, protocol: "UDP", targetPort: 53 },
      ],
    });
    const result = convertResource(raw, { cluster: "east" });
    expect(result.diagnostics).toEqual([]);
    expect(result.resources).toEqual([
      {
        kind: "Service",
        cluster: "east",
        namespace: "payments",
        name: "ledger",
        labels: { "app.kubernetes.io/name": "ledger", "app.kubernetes.io/part-of": "payments" },
        annotations: { "federation.tigera.io/serviceSelector": 'run == "ledger"' },
        podSelector: { "app.kubernetes.io/name": "ledger" },
        ports: [
          { name: "http", protocol: "TCP", port: 80, targetPort: 8080 },
          { name: "grpc", protocol: "TCP", port: 9000, targetPort: "grpc" },
          { name: "dns", protocol: "UDP", port: 53, targetPort: 53 },
        ],
        ipFamilies: ["IPv4"],
      },
    ]);
  });

  it.each([
    {
      title: "name and protocol defaults; no targetPort key when absent",
      port: { port: 443 },
      expected: { name: "", protocol: "TCP", port: 443 },
    },
    {
      title: "SCTP kept in Kubernetes spelling",
      port: { name: "sigtran", port: 2905, protocol: "SCTP", targetPort: 2905 },
      expected: { name: "sigtran", protocol: "SCTP", port: 2905, targetPort: 2905 },
    },
  ])("$title", ({ port, expected }) => {
    const [svc] = convertResource(service({ ports: [port] }), {}).resources as Service[];
    expect(svc?.ports).toEqual([expected]);
    expect(Object.hasOwn(svc?.ports[0] ?? {}, "targetPort")).toBe("targetPort" in expected);
  });

  it("a headless service without selector, ports or IP families", () => {
    const raw = service({ selector: undefined, ipFamilies: undefined, clusterIP: "None" });
    const result = convertResource(raw, {});
    expect(result.diagnostics).toEqual([]);
    expect(result.resources).toEqual([expect.objectContaining({ podSelector: {}, ports: [], ipFamilies: [] })]);
  });

  it("dual-stack IP families in order", () => {
    const [svc] = convertResource(service({ ipFamilies: ["IPv6", "IPv4"] }), {}).resources as Service[];
    expect(svc?.ipFamilies).toEqual(["IPv6", "IPv4"]);
  });

  it.each([
    {
      title: "port missing",
      port: { name: "http", targetPort: 8080 },
      field: "spec.ports[0].port",
      message: "missing",
    },
    { title: "port 0", port: { name: "http", port: 0 }, field: "spec.ports[0].port", message: "1 to 65535" },
    { title: "port too large", port: { name: "http", port: 65536 }, field: "spec.ports[0].port", message: "65536" },
    { title: "port as a string", port: { name: "http", port: "80" }, field: "spec.ports[0].port", message: "a number" },
    { title: "port entry not an object", port: "80/TCP", field: "spec.ports[0]", message: "expected an object" },
    { title: "port entry null", port: null, field: "spec.ports[0]", message: "got null" },
  ])("$title: error, port skipped, others kept", ({ port, field, message }) => {
    const raw = service({ ports: [port, { name: "metrics", port: 9090, targetPort: "metrics" }] });
    const result = convertResource(raw, {});
    expect((result.resources[0] as Service).ports).toEqual([
      { name: "metrics", protocol: "TCP", port: 9090, targetPort: "metrics" },
    ]);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ severity: "error", kind: "Service", field, message: expect.stringContaining(message) }),
    ]);
  });

  it.each([
    { title: "targetPort out of range", targetPort: 0, severity: "error", message: "1 to 65535" },
    { title: "targetPort empty", targetPort: "", severity: "warning", message: "empty" },
    {
      title: "targetPort an object",
      targetPort: { port: 8080 },
      severity: "error",
      message: "port number or a port name",
    },
  ])("$title: reported, the port is kept without a targetPort", ({ targetPort, severity, message }) => {
    const result = convertResource(service({ ports: [{ name: "http", port: 80, targetPort }] }), {});
    expect((result.resources[0] as Service).ports).toEqual([{ name: "http", protocol: "TCP", port: 80 }]);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        severity,
        field: "spec.ports[0].targetPort",
        message: expect.stringContaining(message),
      }),
    ]);
  });

  it("keeps __proto__ as an ordinary key in labels, annotations and selector", () => {
    const map = () => JSON.parse('{"__proto__": "x", "app": "ledger"}');
    const raw = service({ selector: map() }, { labels: map(), annotations: map() });
    const svc = convertResource(raw, {}).resources[0] as Service;
    for (const labels of [svc.labels, svc.annotations, svc.podSelector]) {
      expect(Object.keys(labels).sort()).toEqual(["__proto__", "app"]);
      expect(Object.getPrototypeOf(labels)).toBe(Object.prototype);
    }
  });

  it("reports wrong-typed selector values and IP families, keeping the rest", () => {
    const raw = service({ selector: { app: "ledger", tier: 2 }, ipFamilies: ["IPv4", 6] });
    const result = convertResource(raw, {});
    expect(result.resources).toEqual([
      expect.objectContaining({ podSelector: { app: "ledger" }, ipFamilies: ["IPv4"] }),
    ]);
    expect(result.diagnostics.map((d) => [d.severity, d.field])).toEqual([
      ["error", "spec.selector.tier"],
      ["error", "spec.ipFamilies[1]"],
    ]);
  });
});

describe("Endpoints", () => {
  it("keeps ready and not-ready addresses with their references, and ports with defaults", () => {
    const raw = endpoints([
      {
        addresses: [
          { ip: "10.244.1.7", nodeName: "worker-1", targetRef: { ...LEDGER_POD, resourceVersion: "918273" } },
          { ip: "10.244.2.9", hostname: "ledger-1", nodeName: "worker-2" },
        ],
        notReadyAddresses: [{ ip: "10.244.3.4", targetRef: { kind: "Pod", name: "ledger-5c7d9-zzzzz" } }],
        ports: [
          { name: "http", port: 8080, protocol: "TCP" },
          { port: 53, protocol: "UDP" },
          { name: "admin", port: 9000 },
        ],
      },
    ]);
    const result = convertResource(raw, { cluster: "west" });
    expect(result.diagnostics).toEqual([]);
    expect(result.resources).toEqual([
      {
        kind: "Endpoints",
        cluster: "west",
        namespace: "payments",
        name: "ledger",
        labels: { "app.kubernetes.io/name": "ledger" },
        annotations: { "endpoints.kubernetes.io/last-change-trigger-time": "2024-04-19T08:31:02Z" },
        subsets: [
          {
            addresses: [
              { ip: "10.244.1.7", nodeName: "worker-1", targetRef: LEDGER_POD },
              { ip: "10.244.2.9", hostname: "ledger-1", nodeName: "worker-2" },
            ],
            notReadyAddresses: [{ ip: "10.244.3.4", targetRef: { kind: "Pod", name: "ledger-5c7d9-zzzzz" } }],
            ports: [
              { name: "http", protocol: "TCP", port: 8080 },
              { name: "", protocol: "UDP", port: 53 },
              { name: "admin", protocol: "TCP", port: 9000 },
            ],
          },
        ],
      },
    ]);
  });

  it("an Endpoints object with no subsets", () => {
    expect(convertResource(endpoints(undefined), {}).resources).toEqual([expect.objectContaining({ subsets: [] })]);
  });

  it("IPv6 addresses are kept in canonical form", () => {
    const raw = endpoints([{ addresses: [{ ip: "FD00:10:244:0:0:0:0:7" }], ports: [{ port: 80 }] }]);
    const ep = convertResource(raw, {}).resources[0] as Endpoints;
    expect(ep.subsets[0]?.addresses).toEqual([{ ip: "fd00:10:244::7" }]);
  });

  it.each([
    { title: "not an IP", ip: "ledger.payments.svc", message: 'invalid IP address "ledger.payments.svc"' },
    { title: "an IPv4 address with leading zeros", ip: "10.244.01.7", message: "invalid IP address" },
    { title: "a CIDR", ip: "10.244.1.0/24", message: "invalid IP address" },
    { title: "empty", ip: "", message: 'invalid IP address ""' },
  ])("$title: warning, address skipped, others kept", ({ ip, message }) => {
    const raw = endpoints([{ addresses: [{ ip }, { ip: "10.244.2.9" }], ports: [{ port: 80 }] }]);
    const result = convertResource(raw, {});
    expect((result.resources[0] as Endpoints).subsets[0]?.addresses).toEqual([{ ip: "10.244.2.9" }]);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        severity: "warning",
        kind: "Endpoints",
        field: "subsets[0].addresses[0].ip",
        message: expect.stringContaining(message),
      }),
    ]);
  });

  it.each([
    {
      title: "address without ip",
      subset: { notReadyAddresses: [{ nodeName: "worker-1" }] },
      severity: "warning",
      field: "subsets[0].notReadyAddresses[0].ip",
    },
    {
      title: "ip not a string",
      subset: { addresses: [{ ip: 10 }] },
      severity: "error",
      field: "subsets[0].addresses[0].ip",
    },
    {
      title: "port missing",
      subset: { ports: [{ name: "http" }] },
      severity: "error",
      field: "subsets[0].ports[0].port",
    },
    {
      title: "port negative",
      subset: { ports: [{ name: "http", port: -80 }] },
      severity: "error",
      field: "subsets[0].ports[0].port",
    },
    {
      title: "targetRef not an object",
      subset: { addresses: [{ ip: "10.244.1.7", targetRef: "Pod/ledger" }] },
      severity: "error",
      field: "subsets[0].addresses[0].targetRef",
    },
    { title: "subset not an object", subset: "10.244.1.7:80", severity: "error", field: "subsets[0]" },
  ])("$title: reported, nothing thrown", ({ subset, severity, field }) => {
    const result = convertResource(
      endpoints([subset, { addresses: [{ ip: "10.244.2.9" }], ports: [{ port: 80 }] }]),
      {},
    );
    const ep = result.resources[0] as Endpoints;
    expect(ep.subsets.at(-1)).toEqual({
      addresses: [{ ip: "10.244.2.9" }],
      notReadyAddresses: [],
      ports: [{ name: "", protocol: "TCP", port: 80 }],
    });
    expect(result.diagnostics).toEqual([expect.objectContaining({ severity, field })]);
  });
});

describe("EndpointSlice", () => {
  it("keeps the service name, address type, endpoints with conditions, and ports", () => {
    const raw = slice({
      endpoints: [
        {
          addresses: ["10.244.1.7"],
          conditions: { ready: true, serving: true, terminating: false },
          nodeName: "worker-1",
          targetRef: { ...LEDGER_POD, resourceVersion: "918273" },
          zone: "eu-west-1a",
        },
        { addresses: ["10.244.2.9"], conditions: { ready: false }, hostname: "ledger-1" },
        { addresses: ["10.244.3.4"], conditions: {} },
      ],
      ports: [
        { name: "http", port: 8080, protocol: "TCP" },
        { name: "", port: 9000 },
        { port: 53, protocol: "UDP" },
      ],
    });
    const result = convertResource(raw, { cluster: "east" });
    expect(result.diagnostics).toEqual([]);
    expect(result.resources).toEqual([
      {
        kind: "EndpointSlice",
        cluster: "east",
        namespace: "payments",
        name: "ledger-8xk2p",
        serviceName: "ledger",
        labels: {
          "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
          "kubernetes.io/service-name": "ledger",
        },
        addressType: "IPv4",
        endpoints: [
          {
            addresses: ["10.244.1.7"],
            conditions: { ready: true, serving: true, terminating: false },
            nodeName: "worker-1",
            targetRef: LEDGER_POD,
          },
          { addresses: ["10.244.2.9"], conditions: { ready: false }, hostname: "ledger-1" },
          { addresses: ["10.244.3.4"], conditions: {} },
        ],
        ports: [
          { name: "http", protocol: "TCP", port: 8080 },
          { name: "", protocol: "TCP", port: 9000 },
          { name: "", protocol: "UDP", port: 53 },
        ],
      },
    ]);
  });

  it("no kubernetes.io/service-name label: serviceName is empty", () => {
    const raw = slice({}, { "endpointslice.kubernetes.io/managed-by": "mirror" });
    expect(convertResource(raw, {}).resources).toEqual([expect.objectContaining({ serviceName: "" })]);
  });

  it("IPv6 slice: addresses canonical, IPv4 ones skipped with a warning", () => {
    const raw = slice({
      addressType: "IPv6",
      endpoints: [{ addresses: ["FD00::7", "10.244.1.7"], conditions: { ready: true } }],
    });
    const result = convertResource(raw, {});
    expect((result.resources[0] as EndpointSlice).endpoints[0]?.addresses).toEqual(["fd00::7"]);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        severity: "warning",
        field: "endpoints[0].addresses[1]",
        message: expect.stringContaining("not an IPv6 address"),
      }),
    ]);
  });

  it("FQDN slice: host names kept as written", () => {
    const raw = slice({ addressType: "FQDN", endpoints: [{ addresses: ["ledger.payments.example.com"] }] });
    const result = convertResource(raw, {});
    expect(result.diagnostics).toEqual([]);
    expect((result.resources[0] as EndpointSlice).endpoints).toEqual([
      { addresses: ["ledger.payments.example.com"], conditions: {} },
    ]);
  });

  it.each([
    {
      title: "a port without a number (all ports) is skipped with a warning",
      fields: {
        ports: [
          { name: "all", protocol: "TCP" },
          { name: "http", port: 8080 },
        ],
      },
      severity: "warning",
      field: "ports[0].port",
    },
    {
      title: "a port out of range",
      fields: {
        ports: [
          { name: "http", port: 99999 },
          { name: "http", port: 8080 },
        ],
      },
      severity: "error",
      field: "ports[0].port",
    },
    {
      title: "an address that is not an IP",
      fields: { endpoints: [{ addresses: ["10.244.1.256", "10.244.1.7"] }] },
      severity: "warning",
      field: "endpoints[0].addresses[0]",
    },
    {
      title: "an IPv6 address in an IPv4 slice",
      fields: { endpoints: [{ addresses: ["fd00::7", "10.244.1.7"] }] },
      severity: "warning",
      field: "endpoints[0].addresses[0]",
    },
    {
      title: "a null address",
      fields: { endpoints: [{ addresses: [null, "10.244.1.7"] }] },
      severity: "warning",
      field: "endpoints[0].addresses[0]",
    },
    {
      title: "a condition that is not a boolean",
      fields: { endpoints: [{ addresses: ["10.244.1.7"], conditions: { ready: "true" } }] },
      severity: "error",
      field: "endpoints[0].conditions.ready",
    },
    {
      title: "addressType missing",
      fields: { addressType: undefined, endpoints: [{ addresses: ["10.244.1.7"] }] },
      severity: "error",
      field: "addressType",
    },
    {
      title: "addressType unknown",
      fields: { addressType: "IPX", endpoints: [{ addresses: ["10.244.1.7"] }] },
      severity: "warning",
      field: "addressType",
    },
  ])("$title: reported, the rest kept", ({ fields, severity, field }) => {
    const result = convertResource(slice(fields), {});
    const converted = result.resources[0] as EndpointSlice;
    expect(converted.ports).toEqual([{ name: "http", protocol: "TCP", port: 8080 }]);
    expect(converted.endpoints.flatMap((e) => e.addresses)).toEqual(
      fields.endpoints === undefined ? [] : ["10.244.1.7"],
    );
    expect(result.diagnostics).toEqual([expect.objectContaining({ severity, kind: "EndpointSlice", field })]);
  });

  const anyValue = fc.oneof(
    { arbitrary: fc.anything(), weight: 1 },
    {
      arbitrary: fc.constantFrom(
        "10.244.1.7",
        "fd00::7",
        "FD00::0:7",
        "10.1",
        "",
        "TCP",
        "IPv4",
        "IPv6",
        "FQDN",
        80,
        0,
        true,
      ),
      weight: 2,
    },
  );
  const maybeList = <T>(item: fc.Arbitrary<T>) => fc.oneof(fc.array(item, { maxLength: 3 }), anyValue);
  const generatedSlice = fc.record(
    {
      addressType: fc.oneof(fc.constantFrom("IPv4", "IPv6", "FQDN"), anyValue),
      endpoints: maybeList(
        fc.oneof(
          fc.record(
            {
              addresses: maybeList(anyValue),
              conditions: fc.oneof(fc.record({ ready: anyValue }), anyValue),
              targetRef: anyValue,
            },
            { requiredKeys: [] },
          ),
          anyValue,
        ),
      ),
      ports: maybeList(
        fc.oneof(fc.record({ name: anyValue, port: anyValue, protocol: anyValue }, { requiredKeys: [] }), anyValue),
      ),
    },
    { requiredKeys: [] },
  );

  test.prop([generatedSlice])(
    "any slice converts without throwing; every kept address is canonical and of its type",
    (fields) => {
      const result = convertResource(slice(fields), {});
      expect(result.resources).toHaveLength(1);
      const converted = result.resources[0] as EndpointSlice;
      for (const endpoint of converted.endpoints) {
        for (const address of endpoint.addresses) {
          if (converted.addressType === "FQDN") continue;
          const parsed = parseIp(address);
          expect(parsed?.address).toBe(address);
          if (converted.addressType === "IPv4") expect(parsed?.family).toBe(4);
          if (converted.addressType === "IPv6") expect(parsed?.family).toBe(6);
        }
      }
      for (const port of converted.ports) {
        expect(Number.isInteger(port.port) && port.port >= 1 && port.port <= 65535).toBe(true);
        expect(typeof port.name).toBe("string");
        expect(typeof port.protocol).toBe("string");
      }
    },
  );
});
