/**
 * The federated services controller, rule by rule (federation.md A.5, rules 1–15; A.3 for
 * disconnected remotes; B.2/B.7 for the EndpointSlices fedcalc writes beyond Calico).
 *
 * The scene: namespace `shop` has a federated Service `my-app-fed` annotated
 * `federation.tigera.io/serviceSelector: run == "my-app"`; the Service `my-app` (labels
 * `run: my-app`) exists in the local cluster and in the remote clusters `east` and `south`, each
 * with Endpoints holding pod IPs, node names and target refs. Every expected object is written
 * out by hand from the spec, never computed by the code under test.
 *
 * The last block pins down divergences from the spec these tests found (since fixed).
 */
import { describe, expect, it } from "vitest";
import {
  createFederatedServicesController,
  type FederatedServicesChanges,
  type FederatedServicesController,
  type FederatedServicesOptions,
} from "../../src/federation/index.js";
import { ANNOTATION, sliceName } from "./services-oracle.js";

const SELECTOR = 'run == "my-app"';
const EAST = { cluster: "east" } as const;
const SOUTH = { cluster: "south" } as const;

// ------------------------------------------------------------------------------------------------
// Manifests

const rcc = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: "projectcalico.org/v3",
  kind: "RemoteClusterConfiguration",
  metadata: { name },
  spec: { datastoreType: "kubernetes", kubeconfig: `/etc/tigera/${name}.kubeconfig`, ...spec },
});

interface ServiceOptions {
  readonly namespace?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly selector?: Record<string, string>;
  readonly ports?: readonly Record<string, unknown>[];
}

const HTTP = { name: "http", port: 80, targetPort: 9000, protocol: "TCP" };

function service(name: string, options: ServiceOptions = {}) {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name,
      namespace: options.namespace ?? "shop",
      uid: `0b7d3c2e-${name}`,
      resourceVersion: "48113",
      creationTimestamp: "2024-05-02T09:12:44Z",
      ...(options.labels === undefined ? {} : { labels: options.labels }),
      ...(options.annotations === undefined ? {} : { annotations: options.annotations }),
    },
    spec: {
      type: "ClusterIP",
      clusterIP: "10.96.23.41",
      ...(options.selector === undefined ? {} : { selector: options.selector }),
      ports: options.ports ?? [HTTP],
      sessionAffinity: "None",
    },
  };
}

/** The federated Service of the tutorial: port 80 → 9000, no spec.selector. */
const fed = (selector: string = SELECTOR, options: ServiceOptions = {}) =>
  service("my-app-fed", { annotations: { [ANNOTATION]: selector }, ...options });

/** A backing Service: labelled `run: my-app`, selecting its pods by `app: my-app`. */
const myApp = (options: ServiceOptions = {}) =>
  service("my-app", { labels: { run: "my-app" }, selector: { app: "my-app" }, ...options });

function endpoints(name: string, subsets: readonly object[], namespace = "shop") {
  return {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: {
      name,
      namespace,
      resourceVersion: "48120",
      annotations: { "endpoints.kubernetes.io/last-change-trigger-time": "2024-05-02T09:13:01Z" },
    },
    subsets,
  };
}

const pod = (name: string, ip: string, nodeName: string) => ({
  ip,
  nodeName,
  targetRef: { kind: "Pod", namespace: "shop", name, uid: `uid-${name}` },
});

const HTTP_9000 = { name: "http", port: 9000, protocol: "TCP" };

const LOCAL_POD = pod("my-app-7c9d8b6f5-4xkzq", "10.48.1.5", "gke-local-pool-1-a");
const EAST_POD = pod("my-app-5f7b9c-d2x8p", "10.49.2.7", "ip-10-1-2-3.ec2.internal");
const SOUTH_POD = pod("my-app-6d8f7-qw2vh", "10.50.3.9", "south-node-2");

const localEndpoints = endpoints("my-app", [{ addresses: [LOCAL_POD], ports: [HTTP_9000] }]);
const eastEndpoints = endpoints("my-app", [{ addresses: [EAST_POD], ports: [HTTP_9000] }]);
const southEndpoints = endpoints("my-app", [{ addresses: [SOUTH_POD], ports: [HTTP_9000] }]);

// The expected addresses, written out by hand (rules 8 and 9).
const LOCAL_ADDRESS = {
  ip: "10.48.1.5",
  nodeName: "gke-local-pool-1-a",
  targetRef: { kind: "Pod", namespace: "shop", name: "my-app-7c9d8b6f5-4xkzq", uid: "uid-my-app-7c9d8b6f5-4xkzq" },
};
const EAST_ADDRESS = {
  ip: "10.49.2.7",
  nodeName: "ip-10-1-2-3.ec2.internal",
  targetRef: { kind: "Pod", namespace: "shop", name: "east/my-app-5f7b9c-d2x8p", uid: "uid-my-app-5f7b9c-d2x8p" },
};
const SOUTH_ADDRESS = {
  ip: "10.50.3.9",
  nodeName: "south-node-2",
  targetRef: { kind: "Pod", namespace: "shop", name: "south/my-app-6d8f7-qw2vh", uid: "uid-my-app-6d8f7-qw2vh" },
};

/** The Endpoints object the controller writes for `shop/my-app-fed` (rule 11). */
const fedEndpoints = (subsets: readonly object[], selector: string = SELECTOR, name = "my-app-fed") => ({
  apiVersion: "v1",
  kind: "Endpoints",
  metadata: { name, namespace: "shop", annotations: { [ANNOTATION]: selector } },
  subsets,
});

/** All three clusters' my-app pods, sorted by IP (rule 10). */
const ALL_THREE = fedEndpoints([
  { addresses: [LOCAL_ADDRESS], ports: [HTTP_9000] },
  { addresses: [EAST_ADDRESS], ports: [HTTP_9000] },
  { addresses: [SOUTH_ADDRESS], ports: [HTTP_9000] },
]);

// ------------------------------------------------------------------------------------------------
// Helpers

/** A controller with east and south declared and in sync, and the local data in sync. */
function mesh(options: FederatedServicesOptions = {}): FederatedServicesController {
  const controller = createFederatedServicesController(options);
  expect(controller.upsert(rcc("east"))).toStrictEqual([]);
  expect(controller.upsert(rcc("south"))).toStrictEqual([]);
  controller.markLocalInSync();
  controller.setRemoteClusterStatus("east", "InSync");
  controller.setRemoteClusterStatus("south", "InSync");
  return controller;
}

/** my-app and its Endpoints in the local cluster, east and south. */
function addMyApp(controller: FederatedServicesController): void {
  controller.upsert(myApp());
  controller.upsert(localEndpoints);
  controller.upsert(myApp(), EAST);
  controller.upsert(eastEndpoints, EAST);
  controller.upsert(myApp(), SOUTH);
  controller.upsert(southEndpoints, SOUTH);
}

/** The tutorial scene, flushed once. */
function scene(selector: string = SELECTOR, options: FederatedServicesOptions = {}): FederatedServicesController {
  const controller = mesh(options);
  controller.upsert(fed(selector));
  addMyApp(controller);
  controller.flush();
  return controller;
}

type Kind = "Endpoints" | "EndpointSlice";
const ofKind = (changes: FederatedServicesChanges, kind: Kind) =>
  changes.write.filter((object) => (object as { kind: string }).kind === kind);
const names = (objects: readonly object[]) =>
  objects.map((object) => (object as { metadata: { name: string } }).metadata.name).sort();
const deleted = (changes: FederatedServicesChanges, kind: Kind) =>
  changes.delete
    .filter((ref) => ref.kind === kind)
    .map((ref) => `${ref.namespace}/${ref.name}`)
    .sort();
/** The IPs of a written Endpoints object, in order. */
const ips = (object: object | undefined) =>
  (
    (object as { subsets: { addresses?: { ip: string }[]; notReadyAddresses?: { ip: string }[] }[] } | undefined)
      ?.subsets ?? []
  ).map((subset) => (subset.addresses ?? subset.notReadyAddresses ?? [])[0]?.ip);

// ------------------------------------------------------------------------------------------------

describe("rule 1: the annotation marks a federated Service", () => {
  it('fills shop/my-app-fed (run == "my-app") with the my-app pods of the local cluster, east and south', () => {
    const controller = mesh();
    controller.upsert(fed());
    addMyApp(controller);
    const changes = controller.flush();
    expect(ofKind(changes, "Endpoints")).toStrictEqual([ALL_THREE]);
    expect(changes.delete).toStrictEqual([]);
    expect(controller.endpoints("shop", "my-app-fed")).toStrictEqual(ALL_THREE);
    expect(controller.status("shop", "my-app-fed")).toStrictEqual({
      federated: true,
      selector: SELECTOR,
      backingServices: [
        { cluster: "", name: "my-app" },
        { cluster: "east", name: "my-app" },
        { cluster: "south", name: "my-app" },
      ],
      droppedPorts: [],
    });
  });

  it("leaves a Service without the annotation alone", () => {
    const controller = mesh();
    addMyApp(controller);
    expect(ofKind(controller.flush(), "Endpoints")).toStrictEqual([]);
    expect(controller.endpoints("shop", "my-app")).toBeUndefined();
    expect(controller.endpointSlices("shop", "my-app")).toStrictEqual([]);
    expect(controller.status("shop", "my-app")).toMatchObject({ federated: false, reason: expect.any(String) });
  });

  it("with an empty annotation selects every non-federated Service of the namespace", () => {
    const controller = mesh();
    controller.upsert(fed(""));
    addMyApp(controller);
    controller.upsert(service("cart", { labels: { app: "cart" }, selector: { app: "cart" } }));
    controller.upsert(
      endpoints("cart", [{ addresses: [pod("cart-0", "10.48.7.1", "gke-local-pool-1-b")], ports: [HTTP_9000] }]),
    );
    // Another federated Service, and the same Service in another namespace: neither backs it.
    controller.upsert(service("db-fed", { annotations: { [ANNOTATION]: 'run == "db"' } }));
    controller.upsert(myApp({ namespace: "checkout" }));
    controller.upsert(
      endpoints("my-app", [{ addresses: [pod("co-0", "10.48.9.1", "n")], ports: [HTTP_9000] }], "checkout"),
    );
    controller.flush();
    expect(controller.status("shop", "my-app-fed")?.backingServices).toStrictEqual([
      { cluster: "", name: "cart" },
      { cluster: "", name: "my-app" },
      { cluster: "east", name: "my-app" },
      { cluster: "south", name: "my-app" },
    ]);
    expect(ips(controller.endpoints("shop", "my-app-fed"))).toStrictEqual([
      "10.48.1.5",
      "10.48.7.1",
      "10.49.2.7",
      "10.50.3.9",
    ]);
    expect((controller.endpoints("shop", "my-app-fed") as { metadata: unknown }).metadata).toStrictEqual({
      name: "my-app-fed",
      namespace: "shop",
      annotations: { [ANNOTATION]: "" },
    });
  });
});

describe("rule 2: selects Services by their labels, not pods", () => {
  it("ignores a Service whose pod selector says run: my-app but whose labels do not", () => {
    const controller = mesh();
    controller.upsert(fed());
    controller.upsert(myApp());
    controller.upsert(localEndpoints);
    // Selects the same pods, but is labelled otherwise.
    controller.upsert(service("my-app-admin", { labels: { app: "admin" }, selector: { run: "my-app" } }));
    controller.upsert(
      endpoints("my-app-admin", [{ addresses: [pod("adm-0", "10.48.1.99", "n")], ports: [HTTP_9000] }]),
    );
    controller.flush();
    expect(controller.status("shop", "my-app-fed")?.backingServices).toStrictEqual([{ cluster: "", name: "my-app" }]);
    expect(controller.endpoints("shop", "my-app-fed")).toStrictEqual(
      fedEndpoints([{ addresses: [LOCAL_ADDRESS], ports: [HTTP_9000] }]),
    );
  });

  it("ignores labels on the backing Endpoints object itself", () => {
    const controller = mesh();
    controller.upsert(fed());
    controller.upsert(service("web", { labels: { app: "web" }, selector: { app: "web" } }));
    const webEndpoints = endpoints("web", [{ addresses: [pod("web-0", "10.48.3.3", "n")], ports: [HTTP_9000] }]);
    controller.upsert({ ...webEndpoints, metadata: { ...webEndpoints.metadata, labels: { run: "my-app" } } });
    controller.flush();
    expect(controller.status("shop", "my-app-fed")?.backingServices).toStrictEqual([]);
    expect(controller.endpoints("shop", "my-app-fed")).toStrictEqual(fedEndpoints([]));
  });
});

describe("rule 3: same namespace only; the remote cluster label", () => {
  it("never takes Services of another namespace, in any cluster, whatever their labels", () => {
    const controller = mesh();
    controller.upsert(fed());
    for (const options of [{}, EAST]) {
      // Even a hand-written projectcalico.org/namespace label is overridden by the real namespace.
      controller.upsert(
        myApp({ namespace: "checkout", labels: { run: "my-app", "projectcalico.org/namespace": "shop" } }),
        options,
      );
      controller.upsert(
        endpoints("my-app", [{ addresses: [pod("co-1", "10.48.200.1", "n")], ports: [HTTP_9000] }], "checkout"),
        options,
      );
    }
    expect(ofKind(controller.flush(), "Endpoints")).toStrictEqual([fedEndpoints([])]);
    expect(controller.status("shop", "my-app-fed")?.backingServices).toStrictEqual([]);
  });

  it.each([
    ['run == "my-app" && federation.tigera.io/remoteClusterName == "east"', ["east"], ["10.49.2.7"]],
    ['run == "my-app" && !has(federation.tigera.io/remoteClusterName)', [""], ["10.48.1.5"]],
    ["has(federation.tigera.io/remoteClusterName)", ["east", "south"], ["10.49.2.7", "10.50.3.9"]],
    ['federation.tigera.io/remoteClusterName != "south"', ["", "east"], ["10.48.1.5", "10.49.2.7"]],
    ["federation.tigera.io/remoteClusterName in {'east', 'south'}", ["east", "south"], ["10.49.2.7", "10.50.3.9"]],
    ["projectcalico.org/namespace == 'shop'", ["", "east", "south"], ["10.48.1.5", "10.49.2.7", "10.50.3.9"]],
    ["projectcalico.org/namespace == 'checkout'", [], []],
  ])("%s selects my-app in %j", (selector, clusters, expectedIps) => {
    const controller = scene(selector);
    expect(controller.status("shop", "my-app-fed")?.backingServices).toStrictEqual(
      clusters.map((cluster) => ({ cluster, name: "my-app" })),
    );
    expect(ips(controller.endpoints("shop", "my-app-fed"))).toStrictEqual(expectedIps);
  });
});

describe("rule 4: the annotation with a spec.selector is a misconfiguration", () => {
  const misconfigured = () => fed(SELECTOR, { selector: { app: "my-app" }, labels: { run: "my-app" } });

  it("is not federated: warning diagnostic, status reason, no Endpoints", () => {
    const controller = mesh();
    addMyApp(controller);
    const diagnostics = controller.upsert(misconfigured());
    expect(diagnostics).toStrictEqual([
      expect.objectContaining({ severity: "warning", kind: "Service", namespace: "shop", name: "my-app-fed" }),
    ]);
    expect(controller.status("shop", "my-app-fed")).toStrictEqual({
      federated: false,
      reason: expect.stringContaining("spec.selector"),
      selector: SELECTOR,
      backingServices: [],
      droppedPorts: [],
    });
    expect(controller.endpoints("shop", "my-app-fed")).toBeUndefined();
    expect(controller.flush()).toStrictEqual({ write: [], delete: [] });
  });

  it("is still excluded as a backing service", () => {
    const controller = mesh();
    controller.upsert(service("everything", { annotations: { [ANNOTATION]: "" } }));
    controller.upsert(misconfigured());
    controller.upsert(
      endpoints("my-app-fed", [{ addresses: [pod("k8s-managed", "10.48.5.5", "n")], ports: [HTTP_9000] }]),
    );
    controller.flush();
    expect(controller.status("shop", "everything")?.backingServices).toStrictEqual([]);
    expect(controller.endpoints("shop", "everything")).toStrictEqual(fedEndpoints([], "", "everything"));
  });

  it("deletes the Endpoints of a federated Service that gains a spec.selector", () => {
    const controller = scene();
    controller.upsert(misconfigured());
    const changes = controller.flush();
    expect(changes.write).toStrictEqual([]);
    expect(deleted(changes, "Endpoints")).toStrictEqual(["shop/my-app-fed"]);
  });
});

describe("rule 5: a bad selector", () => {
  it("is not federated: warning diagnostic and status reason", () => {
    const controller = mesh();
    const diagnostics = controller.upsert(fed("run == "));
    expect(diagnostics).toStrictEqual([
      expect.objectContaining({ severity: "warning", kind: "Service", namespace: "shop", name: "my-app-fed" }),
    ]);
    expect(controller.status("shop", "my-app-fed")).toStrictEqual({
      federated: false,
      reason: expect.stringContaining("not a valid selector"),
      selector: "run == ",
      backingServices: [],
      droppedPorts: [],
    });
    expect(controller.endpoints("shop", "my-app-fed")).toBeUndefined();
  });

  it("deletes the Endpoints and slices written before, and writes them again once fixed", () => {
    const controller = scene();
    controller.upsert(fed('run == "my-app'));
    const broken = controller.flush();
    expect(broken.write).toStrictEqual([]);
    expect(deleted(broken, "Endpoints")).toStrictEqual(["shop/my-app-fed"]);
    expect(deleted(broken, "EndpointSlice")).toStrictEqual(
      [
        `shop/${sliceName("my-app-fed", "east", "IPv4")}`,
        `shop/${sliceName("my-app-fed", "local", "IPv4")}`,
        `shop/${sliceName("my-app-fed", "south", "IPv4")}`,
      ].sort(),
    );
    controller.upsert(fed());
    const fixed = controller.flush();
    expect(ofKind(fixed, "Endpoints")).toStrictEqual([ALL_THREE]);
    expect(names(ofKind(fixed, "EndpointSlice"))).toStrictEqual(
      [
        sliceName("my-app-fed", "east", "IPv4"),
        sliceName("my-app-fed", "local", "IPv4"),
        sliceName("my-app-fed", "south", "IPv4"),
      ].sort(),
    );
  });
});

describe("rule 6: federated Services never back others", () => {
  it("excludes every annotated Service, valid or not, local or remote, including itself", () => {
    const controller = mesh();
    // Two federated Services selecting everything, both labelled like backing services.
    controller.upsert(service("all-a", { labels: { run: "my-app" }, annotations: { [ANNOTATION]: "" } }));
    controller.upsert(service("all-b", { labels: { run: "my-app" }, annotations: { [ANNOTATION]: "all()" } }));
    // An annotated Service with a bad selector, and an annotated remote Service.
    controller.upsert(service("broken", { labels: { run: "my-app" }, annotations: { [ANNOTATION]: "run ==" } }));
    controller.upsert(myApp({ annotations: { [ANNOTATION]: 'run == "x"' }, selector: {} }), EAST);
    controller.upsert(eastEndpoints, EAST);
    for (const name of ["all-a", "all-b", "broken"]) {
      controller.upsert(endpoints(name, [{ addresses: [pod(`${name}-0`, "10.48.66.6", "n")], ports: [HTTP_9000] }]));
    }
    controller.upsert(myApp());
    controller.upsert(localEndpoints);
    controller.flush();
    for (const name of ["all-a", "all-b"]) {
      expect(controller.status("shop", name)?.backingServices, name).toStrictEqual([{ cluster: "", name: "my-app" }]);
      expect(ips(controller.endpoints("shop", name)), name).toStrictEqual(["10.48.1.5"]);
    }
  });

  it("does not loop when its own written Endpoints are read back", () => {
    const controller = scene("");
    const written = controller.endpoints("shop", "my-app-fed")!;
    controller.upsert(written);
    expect(controller.flush()).toStrictEqual({ write: [], delete: [] });
    expect(controller.endpoints("shop", "my-app-fed")).toStrictEqual(written);
  });
});

describe("rule 7 and rule 15: ports match by (name, protocol) and keep the backing port number", () => {
  it("writes port 9000 for the documented example (Service port 80, targetPort 9000), not 80", () => {
    const controller = scene();
    const written = controller.endpoints("shop", "my-app-fed") as { subsets: { ports: unknown[] }[] };
    expect(written.subsets.map((subset) => subset.ports)).toStrictEqual([
      [{ name: "http", port: 9000, protocol: "TCP" }],
      [{ name: "http", port: 9000, protocol: "TCP" }],
      [{ name: "http", port: 9000, protocol: "TCP" }],
    ]);
  });

  it("keeps only ports whose (name, protocol) the federated Service declares, and reports the rest", () => {
    const controller = mesh();
    controller.upsert(fed());
    controller.upsert(myApp());
    controller.upsert(
      endpoints("my-app", [
        {
          addresses: [LOCAL_POD],
          ports: [
            { name: "http", port: 9000, protocol: "TCP" },
            { name: "http", port: 9000, protocol: "UDP" },
            { name: "metrics", port: 9090, protocol: "TCP" },
            { port: 8080, protocol: "TCP" },
          ],
        },
      ]),
    );
    controller.flush();
    expect(controller.endpoints("shop", "my-app-fed")).toStrictEqual(
      fedEndpoints([{ addresses: [LOCAL_ADDRESS], ports: [HTTP_9000] }]),
    );
    expect(controller.status("shop", "my-app-fed")?.droppedPorts).toStrictEqual([
      { cluster: "", name: "my-app", port: { name: "http", protocol: "UDP", port: 9000 } },
      { cluster: "", name: "my-app", port: { name: "metrics", protocol: "TCP", port: 9090 } },
      { cluster: "", name: "my-app", port: { name: "", protocol: "TCP", port: 8080 } },
    ]);
  });

  it("matches an unnamed port only with unnamed ports; a missing protocol means TCP on both sides", () => {
    const controller = mesh();
    controller.upsert(fed(SELECTOR, { ports: [{ port: 80, targetPort: 8080 }] }));
    controller.upsert(myApp());
    controller.upsert(
      endpoints("my-app", [
        {
          addresses: [LOCAL_POD],
          ports: [{ port: 8080 }, { name: "http", port: 9000 }, { port: 53, protocol: "UDP" }],
        },
      ]),
    );
    controller.flush();
    expect(controller.endpoints("shop", "my-app-fed")).toStrictEqual(
      fedEndpoints([{ addresses: [LOCAL_ADDRESS], ports: [{ port: 8080, protocol: "TCP" }] }]),
    );
    expect(controller.status("shop", "my-app-fed")?.droppedPorts).toStrictEqual([
      { cluster: "", name: "my-app", port: { name: "http", protocol: "TCP", port: 9000 } },
      { cluster: "", name: "my-app", port: { name: "", protocol: "UDP", port: 53 } },
    ]);
  });

  it("ignores port numbers when matching: each backing service keeps its own", () => {
    const controller = mesh();
    controller.upsert(fed());
    controller.upsert(myApp());
    controller.upsert(localEndpoints);
    controller.upsert(myApp(), EAST);
    controller.upsert(endpoints("my-app", [{ addresses: [EAST_POD], ports: [{ name: "http", port: 8443 }] }]), EAST);
    controller.flush();
    expect(controller.endpoints("shop", "my-app-fed")).toStrictEqual(
      fedEndpoints([
        { addresses: [LOCAL_ADDRESS], ports: [HTTP_9000] },
        { addresses: [EAST_ADDRESS], ports: [{ name: "http", port: 8443, protocol: "TCP" }] },
      ]),
    );
  });
});

describe("rule 8: addresses are copied verbatim, ready and not ready", () => {
  it("copies ip, nodeName, hostname and targetRef of addresses and notReadyAddresses", () => {
    const controller = mesh();
    controller.upsert(fed());
    controller.upsert(myApp());
    controller.upsert(
      endpoints("my-app", [
        {
          addresses: [
            {
              ip: "10.48.1.5",
              hostname: "my-app-0",
              nodeName: "gke-local-pool-1-a",
              targetRef: { kind: "Pod", namespace: "shop", name: "my-app-0", uid: "9d1f", resourceVersion: "77" },
            },
            // A host-network pod: the node's IP, copied as is (no NAT).
            { ip: "192.168.10.21", nodeName: "gke-local-pool-1-b" },
          ],
          notReadyAddresses: [
            { ip: "10.48.1.6", nodeName: "gke-local-pool-1-a", targetRef: { kind: "Pod", name: "my-app-1" } },
          ],
          ports: [HTTP_9000],
        },
      ]),
    );
    controller.flush();
    expect(controller.endpoints("shop", "my-app-fed")).toStrictEqual(
      fedEndpoints([
        {
          addresses: [
            {
              ip: "10.48.1.5",
              hostname: "my-app-0",
              nodeName: "gke-local-pool-1-a",
              targetRef: { kind: "Pod", namespace: "shop", name: "my-app-0", uid: "9d1f" },
            },
          ],
          ports: [HTTP_9000],
        },
        {
          notReadyAddresses: [
            { ip: "10.48.1.6", nodeName: "gke-local-pool-1-a", targetRef: { kind: "Pod", name: "my-app-1" } },
          ],
          ports: [HTTP_9000],
        },
        { addresses: [{ ip: "192.168.10.21", nodeName: "gke-local-pool-1-b" }], ports: [HTTP_9000] },
      ]),
    );
  });
});

describe("rule 9: remote target refs are renamed <rcc>/<name>", () => {
  it("renames ready and not-ready remote pods, keeps nodeName, uid, namespace and kind", () => {
    const controller = mesh();
    controller.upsert(fed());
    controller.upsert(myApp(), EAST);
    controller.upsert(
      endpoints("my-app", [
        {
          addresses: [EAST_POD, { ip: "10.49.0.4", nodeName: "ip-10-1-0-4.ec2.internal" }],
          notReadyAddresses: [pod("my-app-5f7b9c-zz9q1", "10.49.2.8", "ip-10-1-2-4.ec2.internal")],
          ports: [HTTP_9000],
        },
      ]),
      EAST,
    );
    controller.flush();
    expect(controller.endpoints("shop", "my-app-fed")).toStrictEqual(
      fedEndpoints([
        { addresses: [{ ip: "10.49.0.4", nodeName: "ip-10-1-0-4.ec2.internal" }], ports: [HTTP_9000] },
        { addresses: [EAST_ADDRESS], ports: [HTTP_9000] },
        {
          notReadyAddresses: [
            {
              ip: "10.49.2.8",
              nodeName: "ip-10-1-2-4.ec2.internal",
              targetRef: {
                kind: "Pod",
                namespace: "shop",
                name: "east/my-app-5f7b9c-zz9q1",
                uid: "uid-my-app-5f7b9c-zz9q1",
              },
            },
          ],
          ports: [HTTP_9000],
        },
      ]),
    );
  });

  it("does not rename local pods", () => {
    expect(scene("!has(federation.tigera.io/remoteClusterName)").endpoints("shop", "my-app-fed")).toStrictEqual(
      fedEndpoints(
        [{ addresses: [LOCAL_ADDRESS], ports: [HTTP_9000] }],
        "!has(federation.tigera.io/remoteClusterName)",
      ),
    );
  });
});

describe("rule 10: one address × one port per subset, de-duplicated, sorted", () => {
  const TWO_PORTS = [
    { name: "http", port: 80, targetPort: 9000 },
    { name: "dns", port: 53, protocol: "UDP" },
  ];

  it("explodes a subset of 2 addresses × 2 ports into 4 subsets", () => {
    const controller = mesh();
    controller.upsert(fed(SELECTOR, { ports: TWO_PORTS }));
    controller.upsert(myApp());
    controller.upsert(
      endpoints("my-app", [
        {
          addresses: [{ ip: "10.48.1.6" }, { ip: "10.48.1.5" }],
          ports: [
            { name: "http", port: 9000, protocol: "TCP" },
            { name: "dns", port: 5353, protocol: "UDP" },
          ],
        },
      ]),
    );
    controller.flush();
    const dns = { name: "dns", port: 5353, protocol: "UDP" };
    expect(controller.endpoints("shop", "my-app-fed")).toStrictEqual(
      fedEndpoints([
        { addresses: [{ ip: "10.48.1.5" }], ports: [dns] },
        { addresses: [{ ip: "10.48.1.6" }], ports: [dns] },
        { addresses: [{ ip: "10.48.1.5" }], ports: [HTTP_9000] },
        { addresses: [{ ip: "10.48.1.6" }], ports: [HTTP_9000] },
      ]),
    );
  });

  it("sorts by port name, then protocol, then IP as a string, then port number", () => {
    const controller = mesh();
    controller.upsert(
      fed(SELECTOR, {
        ports: [
          { port: 81 },
          { name: "http", port: 80 },
          { name: "http", port: 80, protocol: "UDP" },
          { name: "grpc", port: 90 },
        ],
      }),
    );
    controller.upsert(myApp());
    controller.upsert(
      endpoints("my-app", [
        {
          addresses: [{ ip: "10.9.0.1" }, { ip: "10.10.0.2" }],
          ports: [
            { name: "http", port: 10000, protocol: "UDP" },
            { name: "http", port: 10000, protocol: "TCP" },
            { name: "http", port: 9000, protocol: "TCP" },
            { name: "grpc", port: 7000, protocol: "TCP" },
            { port: 8080, protocol: "TCP" },
          ],
        },
      ]),
    );
    controller.flush();
    const a = { ip: "10.10.0.2" }; // "10.10.0.2" < "10.9.0.1" as strings
    const b = { ip: "10.9.0.1" };
    const port = (name: string, number: number, protocol: string) =>
      name === "" ? { port: number, protocol } : { name, port: number, protocol };
    expect(controller.endpoints("shop", "my-app-fed")).toStrictEqual(
      fedEndpoints([
        { addresses: [a], ports: [port("", 8080, "TCP")] },
        { addresses: [b], ports: [port("", 8080, "TCP")] },
        { addresses: [a], ports: [port("grpc", 7000, "TCP")] },
        { addresses: [b], ports: [port("grpc", 7000, "TCP")] },
        { addresses: [a], ports: [port("http", 9000, "TCP")] },
        { addresses: [a], ports: [port("http", 10000, "TCP")] },
        { addresses: [b], ports: [port("http", 9000, "TCP")] },
        { addresses: [b], ports: [port("http", 10000, "TCP")] },
        { addresses: [a], ports: [port("http", 10000, "UDP")] },
        { addresses: [b], ports: [port("http", 10000, "UDP")] },
      ]),
    );
  });

  it("keeps one entry per (IP, port): the later one, in the order local, remote by name, Services by name", () => {
    const controller = mesh();
    controller.upsert(fed());
    // The same pod behind two local Services: my-app-canary comes after my-app.
    controller.upsert(myApp());
    controller.upsert(
      endpoints("my-app", [{ addresses: [{ ip: "10.48.1.5", nodeName: "first" }], ports: [HTTP_9000] }]),
    );
    controller.upsert(service("my-app-canary", { labels: { run: "my-app" }, selector: { app: "my-app" } }));
    controller.upsert(
      endpoints("my-app-canary", [{ addresses: [{ ip: "10.48.1.5", nodeName: "second" }], ports: [HTTP_9000] }]),
    );
    // The same IP in east and south: south comes last.
    controller.upsert(myApp(), EAST);
    controller.upsert(
      endpoints("my-app", [{ addresses: [{ ip: "10.60.0.1", nodeName: "east" }], ports: [HTTP_9000] }]),
      EAST,
    );
    controller.upsert(myApp(), SOUTH);
    controller.upsert(
      endpoints("my-app", [{ notReadyAddresses: [{ ip: "10.60.0.1", nodeName: "south" }], ports: [HTTP_9000] }]),
      SOUTH,
    );
    // The same port twice with different numbers is not a duplicate.
    controller.upsert(service("my-app-alt", { labels: { run: "my-app" }, selector: { app: "my-app" } }));
    controller.upsert(
      endpoints("my-app-alt", [{ addresses: [{ ip: "10.48.1.5" }], ports: [{ name: "http", port: 9001 }] }]),
    );
    controller.flush();
    expect(controller.endpoints("shop", "my-app-fed")).toStrictEqual(
      fedEndpoints([
        { addresses: [{ ip: "10.48.1.5", nodeName: "second" }], ports: [HTTP_9000] },
        { addresses: [{ ip: "10.48.1.5" }], ports: [{ name: "http", port: 9001, protocol: "TCP" }] },
        { notReadyAddresses: [{ ip: "10.60.0.1", nodeName: "south" }], ports: [HTTP_9000] },
      ]),
    );
  });

  it("lets a not-ready address win over the same ready address of the same subset (it comes later, as in Calico)", () => {
    const controller = mesh();
    controller.upsert(fed());
    controller.upsert(myApp());
    controller.upsert(
      endpoints("my-app", [
        {
          addresses: [{ ip: "10.48.1.5", nodeName: "a" }],
          notReadyAddresses: [{ ip: "10.48.1.5", nodeName: "b" }],
          ports: [HTTP_9000],
        },
      ]),
    );
    controller.flush();
    expect(controller.endpoints("shop", "my-app-fed")).toStrictEqual(
      fedEndpoints([{ notReadyAddresses: [{ ip: "10.48.1.5", nodeName: "b" }], ports: [HTTP_9000] }]),
    );
  });
});

describe("rule 11: the written object", () => {
  it("carries the raw selector annotation, and only it", () => {
    const selector = "run == 'my-app'";
    const controller = mesh();
    controller.upsert(fed(selector, { annotations: { [ANNOTATION]: selector, "example.com/owner": "team-shop" } }));
    addMyApp(controller);
    const [written] = ofKind(controller.flush(), "Endpoints");
    expect((written as { metadata: unknown }).metadata).toStrictEqual({
      name: "my-app-fed",
      namespace: "shop",
      annotations: { [ANNOTATION]: "run == 'my-app'" },
    });
  });

  it("exists with empty subsets when nothing matches", () => {
    const controller = mesh();
    controller.upsert(fed('run == "nothing"'));
    addMyApp(controller);
    const changes = controller.flush();
    expect(ofKind(changes, "Endpoints")).toStrictEqual([fedEndpoints([], 'run == "nothing"')]);
    expect(ofKind(changes, "EndpointSlice")).toStrictEqual([]);
  });

  it("is rewritten only when it changes", () => {
    const controller = scene();
    controller.upsert(myApp(), EAST); // unchanged
    controller.upsert(service("unrelated", { labels: { app: "x" }, selector: { app: "x" } }));
    expect(controller.flush()).toStrictEqual({ write: [], delete: [] });
  });
});

describe("rule 13: deletion", () => {
  it("deletes the Endpoints and slices when the federated Service is deleted", () => {
    const controller = scene();
    controller.remove({ kind: "Service", namespace: "shop", name: "my-app-fed" });
    const changes = controller.flush();
    expect(changes.write).toStrictEqual([]);
    expect(deleted(changes, "Endpoints")).toStrictEqual(["shop/my-app-fed"]);
    expect(deleted(changes, "EndpointSlice")).toStrictEqual(
      [
        `shop/${sliceName("my-app-fed", "east", "IPv4")}`,
        `shop/${sliceName("my-app-fed", "local", "IPv4")}`,
        `shop/${sliceName("my-app-fed", "south", "IPv4")}`,
      ].sort(),
    );
    expect(controller.endpoints("shop", "my-app-fed")).toBeUndefined();
    expect(controller.status("shop", "my-app-fed")).toBeUndefined();
  });

  it("deletes them when the annotation is removed", () => {
    const controller = scene();
    controller.upsert(service("my-app-fed"));
    const changes = controller.flush();
    expect(changes.write).toStrictEqual([]);
    expect(deleted(changes, "Endpoints")).toStrictEqual(["shop/my-app-fed"]);
    expect(deleted(changes, "EndpointSlice")).toHaveLength(3);
  });

  it("drops a backing Service's addresses when it, or its Endpoints, goes", () => {
    const controller = scene();
    controller.remove({ kind: "Service", namespace: "shop", name: "my-app" }, EAST);
    const first = controller.flush();
    expect(ofKind(first, "Endpoints")).toStrictEqual([
      fedEndpoints([
        { addresses: [LOCAL_ADDRESS], ports: [HTTP_9000] },
        { addresses: [SOUTH_ADDRESS], ports: [HTTP_9000] },
      ]),
    ]);
    expect(first.delete).toStrictEqual([
      { kind: "EndpointSlice", namespace: "shop", name: sliceName("my-app-fed", "east", "IPv4") },
    ]);
    controller.remove({ kind: "Endpoints", namespace: "shop", name: "my-app" });
    expect(ofKind(controller.flush(), "Endpoints")).toStrictEqual([
      fedEndpoints([{ addresses: [SOUTH_ADDRESS], ports: [HTTP_9000] }]),
    ]);
  });
});

describe("rule 14: disconnected remotes and the initial sync", () => {
  it("emits nothing before markLocalInSync(), nor while a remote declared by then is still connecting", () => {
    const controller = createFederatedServicesController();
    controller.upsert(rcc("east"));
    controller.upsert(rcc("south"));
    controller.upsert(fed());
    addMyApp(controller);
    expect(controller.flush()).toStrictEqual({ write: [], delete: [] });
    controller.markLocalInSync();
    expect(controller.flush()).toStrictEqual({ write: [], delete: [] });
    controller.setRemoteClusterStatus("east", "InSync");
    expect(controller.flush()).toStrictEqual({ write: [], delete: [] });
    // A failed remote does not block start-up; its backends are left out.
    controller.setRemoteClusterStatus("south", "ConnectionFailed", "dial tcp 10.0.0.9:6443: i/o timeout");
    expect(ofKind(controller.flush(), "Endpoints")).toStrictEqual([
      fedEndpoints([
        { addresses: [LOCAL_ADDRESS], ports: [HTTP_9000] },
        { addresses: [EAST_ADDRESS], ports: [HTTP_9000] },
      ]),
    ]);
  });

  it("drops a cluster's backends at once on ConnectionFailed and brings them back on InSync", () => {
    const controller = scene();
    controller.setRemoteClusterStatus("east", "ConnectionFailed", "connection refused");
    const failed = controller.flush();
    expect(ofKind(failed, "Endpoints")).toStrictEqual([
      fedEndpoints([
        { addresses: [LOCAL_ADDRESS], ports: [HTTP_9000] },
        { addresses: [SOUTH_ADDRESS], ports: [HTTP_9000] },
      ]),
    ]);
    expect(failed.delete).toStrictEqual([
      { kind: "EndpointSlice", namespace: "shop", name: sliceName("my-app-fed", "east", "IPv4") },
    ]);
    expect(controller.status("shop", "my-app-fed")?.backingServices).toStrictEqual([
      { cluster: "", name: "my-app" },
      { cluster: "south", name: "my-app" },
    ]);
    controller.setRemoteClusterStatus("east", "ResyncInProgress");
    controller.setRemoteClusterStatus("east", "InSync");
    const back = controller.flush();
    expect(ofKind(back, "Endpoints")).toStrictEqual([ALL_THREE]);
    expect(names(ofKind(back, "EndpointSlice"))).toStrictEqual([sliceName("my-app-fed", "east", "IPv4")]);
  });

  it("refuses remote data until a valid RCC declares the cluster", () => {
    const controller = createFederatedServicesController();
    controller.markLocalInSync();
    controller.upsert(fed());
    expect(controller.upsert(myApp(), EAST)).toStrictEqual([
      expect.objectContaining({ severity: "error", cluster: "east" }),
    ]);
    // An RCC Calico would refuse (etcd password on a kubernetes datastore) declares nothing.
    controller.upsert(rcc("east", { etcdPassword: "hunter2" }));
    expect(controller.upsert(myApp(), EAST)).toStrictEqual([
      expect.objectContaining({ severity: "error", cluster: "east" }),
    ]);
    controller.upsert(rcc("east"));
    expect(controller.upsert(myApp(), EAST)).toStrictEqual([]);
    controller.upsert(eastEndpoints, EAST);
    // Declared after the initial sync: it does not hold anything back, and counts while connecting.
    expect(ofKind(controller.flush(), "Endpoints")).toStrictEqual([
      fedEndpoints([{ addresses: [EAST_ADDRESS], ports: [HTTP_9000] }]),
    ]);
  });

  it("drops a cluster's backends when its RCC is deleted", () => {
    const controller = scene();
    controller.remove({ kind: "RemoteClusterConfiguration", name: "south" });
    const changes = controller.flush();
    expect(ofKind(changes, "Endpoints")).toStrictEqual([
      fedEndpoints([
        { addresses: [LOCAL_ADDRESS], ports: [HTTP_9000] },
        { addresses: [EAST_ADDRESS], ports: [HTTP_9000] },
      ]),
    ]);
    expect(changes.delete).toStrictEqual([
      { kind: "EndpointSlice", namespace: "shop", name: sliceName("my-app-fed", "south", "IPv4") },
    ]);
    expect(controller.upsert(southEndpoints, SOUTH)).toStrictEqual([
      expect.objectContaining({ severity: "error", cluster: "south" }),
    ]);
  });
});

describe("EndpointSlices (beyond Calico: per source cluster and family, B.2/B.7)", () => {
  const sliceLabels = (cluster: string) => ({
    "kubernetes.io/service-name": "my-app-fed",
    "endpointslice.kubernetes.io/managed-by": "fedcalc",
    "multicluster.kubernetes.io/source-cluster": cluster,
  });

  it("writes one slice per source cluster and family with ready/serving/terminating conditions", () => {
    const controller = mesh({ localClusterName: "us-central" });
    controller.upsert(fed());
    controller.upsert(myApp());
    controller.upsert(localEndpoints);
    controller.upsert(myApp(), EAST);
    controller.upsert(
      endpoints("my-app", [
        {
          addresses: [EAST_POD],
          notReadyAddresses: [pod("my-app-5f7b9c-zz9q1", "10.49.2.8", "ip-10-1-2-4.ec2.internal")],
          ports: [HTTP_9000],
        },
      ]),
      EAST,
    );
    // south is an IPv6 cluster.
    controller.upsert(myApp(), SOUTH);
    controller.upsert(
      endpoints("my-app", [
        {
          addresses: [
            pod("my-app-v6-a", "fd00:50::9", "south-node-2"),
            pod("my-app-v6-b", "fd00:50::a", "south-node-3"),
          ],
          ports: [HTTP_9000],
        },
      ]),
      SOUTH,
    );
    const changes = controller.flush();
    const ready = { ready: true, serving: true, terminating: false };
    const expected = [
      {
        apiVersion: "discovery.k8s.io/v1",
        kind: "EndpointSlice",
        metadata: { name: sliceName("my-app-fed", "east", "IPv4"), namespace: "shop", labels: sliceLabels("east") },
        addressType: "IPv4",
        endpoints: [
          {
            addresses: ["10.49.2.7"],
            conditions: ready,
            nodeName: EAST_ADDRESS.nodeName,
            targetRef: EAST_ADDRESS.targetRef,
          },
          {
            addresses: ["10.49.2.8"],
            conditions: { ready: false, serving: false, terminating: false },
            nodeName: "ip-10-1-2-4.ec2.internal",
            targetRef: {
              kind: "Pod",
              namespace: "shop",
              name: "east/my-app-5f7b9c-zz9q1",
              uid: "uid-my-app-5f7b9c-zz9q1",
            },
          },
        ],
        ports: [HTTP_9000],
      },
      {
        apiVersion: "discovery.k8s.io/v1",
        kind: "EndpointSlice",
        metadata: { name: sliceName("my-app-fed", "south", "IPv6"), namespace: "shop", labels: sliceLabels("south") },
        addressType: "IPv6",
        endpoints: [
          {
            addresses: ["fd00:50::9"],
            conditions: ready,
            nodeName: "south-node-2",
            targetRef: { kind: "Pod", namespace: "shop", name: "south/my-app-v6-a", uid: "uid-my-app-v6-a" },
          },
          {
            addresses: ["fd00:50::a"],
            conditions: ready,
            nodeName: "south-node-3",
            targetRef: { kind: "Pod", namespace: "shop", name: "south/my-app-v6-b", uid: "uid-my-app-v6-b" },
          },
        ],
        ports: [HTTP_9000],
      },
      {
        apiVersion: "discovery.k8s.io/v1",
        kind: "EndpointSlice",
        metadata: {
          name: sliceName("my-app-fed", "us-central", "IPv4"),
          namespace: "shop",
          labels: sliceLabels("us-central"),
        },
        addressType: "IPv4",
        endpoints: [
          {
            addresses: ["10.48.1.5"],
            conditions: ready,
            nodeName: LOCAL_ADDRESS.nodeName,
            targetRef: LOCAL_ADDRESS.targetRef,
          },
        ],
        ports: [HTTP_9000],
      },
    ];
    const byName = (a: object, b: object) =>
      names([a])
        .join()
        .localeCompare(names([b]).join());
    expected.sort(byName);
    expect(ofKind(changes, "EndpointSlice").sort(byName)).toStrictEqual(expected);
    expect(controller.endpointSlices("shop", "my-app-fed").sort(byName)).toStrictEqual(expected);
    // The Endpoints object holds all of them (Endpoints are not split by family).
    expect(ips(controller.endpoints("shop", "my-app-fed"))).toStrictEqual([
      "10.48.1.5",
      "10.49.2.7",
      "10.49.2.8",
      "fd00:50::9",
      "fd00:50::a",
    ]);
  });

  it("has no slices (but the Endpoints) when nothing matches, and none for a Service that is not federated", () => {
    const controller = scene('run == "nothing"');
    expect(controller.endpointSlices("shop", "my-app-fed")).toStrictEqual([]);
    expect(controller.endpoints("shop", "my-app-fed")).toStrictEqual(fedEndpoints([], 'run == "nothing"'));
    expect(controller.endpointSlices("shop", "my-app")).toStrictEqual([]);
  });
});

describe("status()", () => {
  it("reports backing services, dropped ports and why a Service is not federated", () => {
    const controller = scene();
    controller.upsert(
      endpoints("my-app", [{ addresses: [SOUTH_POD], ports: [HTTP_9000, { name: "metrics", port: 9090 }] }]),
      SOUTH,
    );
    expect(controller.status("shop", "my-app-fed")).toStrictEqual({
      federated: true,
      selector: SELECTOR,
      backingServices: [
        { cluster: "", name: "my-app" },
        { cluster: "east", name: "my-app" },
        { cluster: "south", name: "my-app" },
      ],
      droppedPorts: [{ cluster: "south", name: "my-app", port: { name: "metrics", protocol: "TCP", port: 9090 } }],
    });
    expect(controller.status("shop", "my-app")).toStrictEqual({
      federated: false,
      reason: expect.stringContaining(ANNOTATION),
      selector: "",
      backingServices: [],
      droppedPorts: [],
    });
    expect(controller.status("shop", "nope")).toBeUndefined();
    expect(controller.status("checkout", "my-app-fed")).toBeUndefined();
    // Only local Services have a status.
    expect(controller.endpoints("shop", "nope")).toBeUndefined();
  });
});

describe("divergences from the spec these tests found (fixed)", () => {
  it("an RCC deleted and re-created brings back the old connection's Services before anything is re-sent", () => {
    // A.3: remote data is deleted when the RCC is deleted; a new RCC starts a new connection.
    const controller = scene();
    controller.remove({ kind: "RemoteClusterConfiguration", name: "east" });
    controller.flush();
    controller.upsert(rcc("east"));
    controller.flush();
    expect(controller.status("shop", "my-app-fed")?.backingServices).toStrictEqual([
      { cluster: "", name: "my-app" },
      { cluster: "south", name: "my-app" },
    ]);
  });

  it("an RCC made invalid and valid again brings back the old connection's Services", () => {
    const controller = scene();
    controller.upsert(rcc("east", { datastoreType: "consul" })); // ConfigIncomplete: data deleted (A.3)
    controller.flush();
    controller.upsert(rcc("east"));
    controller.flush();
    expect(ips(controller.endpoints("shop", "my-app-fed"))).toStrictEqual(["10.48.1.5", "10.50.3.9"]);
  });

  it("a remote whose status becomes ConfigIncomplete keeps its backends", () => {
    // A.3: ConfigIncomplete (secret missing or invalid) deletes the remote's data.
    const controller = scene();
    controller.setRemoteClusterStatus("east", "ConfigIncomplete", "Config is incomplete, stopping watch remote");
    controller.flush();
    expect(ips(controller.endpoints("shop", "my-app-fed"))).toStrictEqual(["10.48.1.5", "10.50.3.9"]);
  });

  it("EndpointSlice names collide across federated Services (cart from us-west, cart-us from west)", () => {
    const controller = createFederatedServicesController();
    controller.upsert(rcc("us-west"));
    controller.upsert(rcc("west"));
    controller.markLocalInSync();
    controller.setRemoteClusterStatus("us-west", "InSync");
    controller.setRemoteClusterStatus("west", "InSync");
    for (const [name, cluster, ip] of [
      ["cart", "us-west", "10.70.0.1"],
      ["cart-us", "west", "10.71.0.1"],
    ] as const) {
      controller.upsert(service(name, { annotations: { [ANNOTATION]: `run == "${name}"` } }));
      controller.upsert(service(name, { labels: { run: name }, selector: { app: name } }), { cluster });
      controller.upsert(endpoints(name, [{ addresses: [{ ip }], ports: [HTTP_9000] }]), { cluster });
    }
    const written = names(ofKind(controller.flush(), "EndpointSlice"));
    expect(new Set(written).size).toBe(written.length);
  });

  it("a local Service labelled federation.tigera.io/remoteClusterName by its owner keeps that label (rule 3)", () => {
    // Calico augments the Service's own labels; only remote Services get the label *added*.
    const controller = mesh();
    controller.upsert(fed('federation.tigera.io/remoteClusterName == "east"'));
    controller.upsert(
      service("pinned", { labels: { "federation.tigera.io/remoteClusterName": "east" }, selector: { app: "p" } }),
    );
    controller.upsert(endpoints("pinned", [{ addresses: [{ ip: "10.48.8.8" }], ports: [HTTP_9000] }]));
    controller.flush();
    expect(controller.status("shop", "my-app-fed")?.backingServices).toStrictEqual([{ cluster: "", name: "pinned" }]);
  });

  it("a whitespace-only annotation is a bad selector (the effective selector ns == 'shop' && ( ) does not parse)", () => {
    const controller = mesh();
    expect(controller.upsert(fed(" "))).toStrictEqual([expect.objectContaining({ severity: "warning" })]);
    expect(controller.status("shop", "my-app-fed")?.federated).toBe(false);
  });
});
