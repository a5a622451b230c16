/**
 * Property test for the federated services controller (federation.md A.5, rules 1–15): the
 * controller against the from-scratch model in services-oracle.ts on random histories.
 *
 * A history declares the remote clusters east and south (or not), then mixes upserts and removals
 * of Services (federated or not, valid, empty, invalid or conflicting selectors, random labels,
 * other annotations and ports) and Endpoints (ready and not-ready addresses, IPv4 and IPv6, node
 * names, host names, target refs, named and unnamed ports, duplicates) in the local cluster, in
 * east and south, and in an undeclared cluster; local RemoteClusterConfigurations declared valid
 * or invalid and deleted (the remote feed then deletes that cluster's data, as Calico's remote
 * syncer does when it is stopped); RCCs sent by a remote cluster (ignored); status changes; and
 * flushes, before and after markLocalInSync().
 *
 * After every flush:
 * - before the initial sync (local in sync and every remote declared by then settled), the flush
 *   is empty;
 * - `endpoints(ns, name)` and `status(ns, name)` of every local Service equal the oracle's;
 * - the EndpointSlices hold exactly the oracle's (cluster, IP, ready, port) entries, one source
 *   cluster and one address family per slice;
 * - the write/delete stream, replayed onto a map from the first flush on, gives exactly the
 *   oracle's Endpoints objects and the controller's current slices: nothing missing, nothing stale,
 *   no delete of something never written, no write of an unchanged object;
 * - a second flush straight after is empty.
 *
 * Not generated: the `ConfigIncomplete` status, a local Service carrying the
 * `federation.tigera.io/remoteClusterName` label itself, and whitespace-only selectors; the
 * rule-by-rule tests in services.test.ts cover each (they were bugs these tests led to, fixed).
 * The simulated remote feed also deletes a cluster's data when its RCC goes, as Calico's does;
 * the controller now forgets that data itself too.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import {
  createFederatedServicesController,
  type FederatedServicesChanges,
  type FederatedServicesController,
} from "../../src/federation/index.js";
import {
  ANNOTATION,
  CLUSTER_LABEL,
  NAMESPACE_LABEL,
  type OracleStatus,
  type RawObject,
  ServicesOracle,
} from "./services-oracle.js";

/** Runs per property; `SERVICES_RUNS=2000 npx vitest run test/federation/services.property` for a soak. */
const RUNS = Number(process.env.SERVICES_RUNS ?? 150);

const NAMESPACES = ["shop", "checkout"] as const;
const NAMES = ["my-app", "my-app-fed", "db", "web"] as const;
const REMOTES = ["east", "south"] as const;
/** `west` is never declared: its data must be refused. */
const DATA_CLUSTERS = ["", "", "", "", "east", "east", "east", "south", "south", "west"] as const;

// ------------------------------------------------------------------------------------------------
// Arbitraries

const atomArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant('run == "my-app"') },
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'run == "db"',
      'run != "db"',
      "has(tier)",
      "!has(tier)",
      'tier in {"front", "back"}',
      `${CLUSTER_LABEL} == "east"`,
      `${CLUSTER_LABEL} != "south"`,
      `!has(${CLUSTER_LABEL})`,
      `${NAMESPACE_LABEL} == "checkout"`,
      "all()",
    ),
  },
);

const expressionArb = fc.oneof(
  { weight: 4, arbitrary: atomArb },
  { weight: 2, arbitrary: fc.tuple(atomArb, atomArb).map(([a, b]) => `${a} && ${b}`) },
  { weight: 2, arbitrary: fc.tuple(atomArb, atomArb).map(([a, b]) => `${a} || ${b}`) },
  { weight: 1, arbitrary: fc.tuple(atomArb, atomArb, atomArb).map(([a, b, c]) => `(${a} || ${b}) && !(${c})`) },
);

/** A federation annotation (valid, empty or invalid). */
const annotationArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: expressionArb },
  { weight: 1, arbitrary: fc.constant("") },
  {
    weight: 1,
    arbitrary: fc.constantFrom("run ==", 'run = "my-app"', "has(tier", '&& run == "db"', 'run == "my-app" &&'),
  },
);

const labelsArb = fc
  .record(
    {
      run: fc.constantFrom("my-app", "my-app", "my-app", "db"),
      tier: fc.constantFrom("front", "back"),
      /** A user-set namespace label: the real namespace must override it (rule 3). */
      ns: fc.constant("shop"),
    },
    { requiredKeys: [] },
  )
  .chain((labels) =>
    labels.run === undefined ? fc.constantFrom(labels, { ...labels, run: "my-app" }) : fc.constant(labels),
  )
  .map(({ ns, ...labels }) => (ns === undefined ? labels : { ...labels, [NAMESPACE_LABEL]: ns }));

const SERVICE_PORTS = [
  { name: "http", port: 80, targetPort: 9000, protocol: "TCP" },
  { name: "http", port: 80, protocol: "UDP" },
  { port: 8080 },
  { name: "metrics", port: 9090 },
  { name: "dns", port: 53, protocol: "UDP" },
];

const ENDPOINT_PORTS = [
  { name: "http", port: 9000, protocol: "TCP" },
  { name: "http", port: 9001 },
  { name: "http", port: 9000, protocol: "UDP" },
  { port: 8080 },
  { port: 8081, protocol: "TCP" },
  { name: "metrics", port: 9090, protocol: "TCP" },
  { name: "dns", port: 53, protocol: "UDP" },
];

const IPS = ["10.48.0.11", "10.48.0.12", "10.49.0.21", "10.9.0.1", "fd00:48::11", "fd00:49::21"];

const namespaceArb = fc.constantFrom("shop", "shop", "shop", "checkout");

/** `my-app-fed` is usually federated, the others usually not; any of them can be either. */
const serviceArb = fc
  .record({
    namespace: namespaceArb,
    name: fc.constantFrom(...NAMES),
    labels: labelsArb,
    annotation: annotationArb,
    annotated: fc.integer({ min: 0, max: 9 }),
    otherAnnotation: fc.boolean(),
    podSelector: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, fc.constant({ app: "my-app-pod" })),
    ports: fc.oneof(
      { weight: 3, arbitrary: fc.constant([SERVICE_PORTS[0]!]) },
      { weight: 2, arbitrary: fc.subarray(SERVICE_PORTS) },
    ),
  })
  .map(({ namespace, name, labels, annotation, annotated, otherAnnotation, podSelector, ports }): RawObject => {
    const annotations: Record<string, string> = {};
    if (name === "my-app-fed" ? annotated < 8 : annotated < 2) annotations[ANNOTATION] = annotation;
    if (otherAnnotation) annotations["example.com/owner"] = "team-shop";
    const federated = Object.hasOwn(annotations, ANNOTATION);
    // Federated Services rarely carry a pod selector (rule 4); ordinary ones usually do.
    const selector = federated ? podSelector : (podSelector ?? { app: name });
    return {
      apiVersion: "v1",
      kind: "Service",
      metadata: {
        name,
        namespace,
        ...(Object.keys(labels).length === 0 ? {} : { labels }),
        ...(Object.keys(annotations).length === 0 ? {} : { annotations }),
      },
      spec: { ...(selector === undefined ? {} : { selector }), ports },
    };
  });

const addressArb = fc.record(
  {
    ip: fc.constantFrom(...IPS),
    nodeName: fc.constantFrom("node-a", "node-b"),
    hostname: fc.constant("pod-0"),
    targetRef: fc.record(
      {
        kind: fc.constant("Pod"),
        namespace: fc.constant("shop"),
        name: fc.constantFrom("my-app-1", "my-app-2"),
        uid: fc.constantFrom("3f1c9c5e-1", "3f1c9c5e-2"),
      },
      { requiredKeys: ["name"] },
    ),
  },
  { requiredKeys: ["ip"] },
);

const subsetArb = fc.record(
  {
    addresses: fc.array(addressArb, { minLength: 1, maxLength: 3 }),
    notReadyAddresses: fc.array(addressArb, { maxLength: 2 }),
    ports: fc.oneof(
      { weight: 3, arbitrary: fc.constant([ENDPOINT_PORTS[0]!]) },
      { weight: 2, arbitrary: fc.subarray(ENDPOINT_PORTS, { maxLength: 3 }) },
    ),
  },
  { requiredKeys: ["ports"] },
);

const endpointsFor = (namespace: string, name: string, subsets: readonly object[]): RawObject => ({
  apiVersion: "v1",
  kind: "Endpoints",
  metadata: { name, namespace },
  subsets,
});

const subsetsArb = fc.array(subsetArb, { minLength: 0, maxLength: 2 });

const endpointsArb = fc
  .record({ namespace: namespaceArb, name: fc.constantFrom(...NAMES), subsets: subsetsArb })
  .map(({ namespace, name, subsets }) => endpointsFor(namespace, name, subsets));

type Command =
  | { readonly op: "upsert"; readonly cluster: string; readonly raw: RawObject }
  | {
      readonly op: "remove";
      readonly cluster: string;
      readonly kind: "Service" | "Endpoints";
      readonly namespace: string;
      readonly name: string;
    }
  | { readonly op: "rcc"; readonly name: string; readonly valid: boolean }
  | { readonly op: "deleteRcc"; readonly name: string }
  | { readonly op: "remoteRcc"; readonly cluster: string }
  | { readonly op: "status"; readonly cluster: string; readonly status: OracleStatus }
  | { readonly op: "flush" };

const clusterArb = fc.constantFrom(...DATA_CLUSTERS);
const remoteArb = fc.constantFrom(...REMOTES);

/** A Service and its Endpoints, as a cluster usually has them. */
const pairArb: fc.Arbitrary<Command[]> = fc
  .tuple(clusterArb, serviceArb, subsetsArb)
  .map(([cluster, service, subsets]) => {
    const { namespace, name } = service.metadata as { namespace: string; name: string };
    return [
      { op: "upsert", cluster, raw: service },
      { op: "upsert", cluster, raw: endpointsFor(namespace, name, subsets) },
    ];
  });

/** A local federated Service (or one that has just stopped being federated, or gone). */
const federatedArb: fc.Arbitrary<Command[]> = fc
  .tuple(serviceArb, fc.constantFrom("my-app-fed", "web"), annotationArb, fc.integer({ min: 0, max: 9 }))
  .map(([service, name, annotation, what]): Command[] => {
    const metadata = service.metadata as { namespace: string; labels?: Record<string, string> };
    if (what === 0) return [{ op: "remove", cluster: "", kind: "Service", namespace: metadata.namespace, name }];
    const annotations: Record<string, string> = what === 1 ? {} : { [ANNOTATION]: annotation };
    const spec = {
      ports: (service.spec as { ports: unknown }).ports,
      ...(what === 2 ? { selector: { app: name } } : {}),
    };
    return [{ op: "upsert", cluster: "", raw: { ...service, metadata: { ...metadata, name, annotations }, spec } }];
  });

const commandArb: fc.Arbitrary<Command[]> = fc.oneof(
  { weight: 6, arbitrary: pairArb },
  { weight: 4, arbitrary: federatedArb },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant("upsert" as const), cluster: clusterArb, raw: serviceArb }).map((c) => [c]),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({ op: fc.constant("upsert" as const), cluster: clusterArb, raw: endpointsArb })
      .map((c) => [c]),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({
        op: fc.constant("remove" as const),
        cluster: clusterArb,
        kind: fc.constantFrom("Service" as const, "Endpoints" as const),
        namespace: namespaceArb,
        name: fc.constantFrom(...NAMES),
      })
      .map((c) => [c]),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({
        op: fc.constant("rcc" as const),
        name: remoteArb,
        valid: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, fc.constant(false)),
      })
      .map((c) => [c]),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("deleteRcc" as const), name: remoteArb }).map((c) => [c]) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("remoteRcc" as const), cluster: remoteArb }).map((c) => [c]) },
  {
    weight: 3,
    arbitrary: fc
      .record({
        op: fc.constant("status" as const),
        cluster: fc.constantFrom("east", "east", "south", "south", "west"),
        status: fc.constantFrom<OracleStatus>(
          "Connecting",
          "ResyncInProgress",
          "InSync",
          "InSync",
          "InSync",
          "ConnectionFailed",
          "ConnectionFailed",
          "ConfigChangeRestartRequired",
        ),
      })
      .map((c) => [c]),
  },
  { weight: 8, arbitrary: fc.constant<Command[]>([{ op: "flush" }]) },
);

interface History {
  /** Remote clusters declared (validly) first. */
  readonly declared: readonly string[];
  /** Commands before markLocalInSync(). */
  readonly before: readonly Command[];
  /** Commands after it; every history ends with east and south InSync and a flush. */
  readonly after: readonly Command[];
  /** Where in `after` east and south are set InSync (if they are declared), so most histories sync early. */
  readonly syncAt: number;
}

const historyArb: fc.Arbitrary<History> = fc.record({
  declared: fc.oneof({ weight: 3, arbitrary: fc.constant([...REMOTES]) }, fc.subarray([...REMOTES])),
  before: fc.array(commandArb, { maxLength: 12, size: "max" }).map((batches) => batches.flat()),
  after: fc.array(commandArb, { minLength: 5, maxLength: 50, size: "max" }).map((batches) => batches.flat()),
  syncAt: fc.nat({ max: 30 }),
});

// ------------------------------------------------------------------------------------------------
// Running a history

const rcc = (name: string, valid: boolean): RawObject => ({
  apiVersion: "projectcalico.org/v3",
  kind: "RemoteClusterConfiguration",
  metadata: { name },
  spec: valid
    ? { datastoreType: "kubernetes", kubeconfig: `/etc/tigera/${name}.kubeconfig` }
    : { datastoreType: "consul", kubeconfig: `/etc/tigera/${name}.kubeconfig` },
});

interface SliceJson {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels: Record<string, string> };
  readonly addressType: string;
  readonly endpoints: readonly {
    readonly addresses: readonly string[];
    readonly conditions: { readonly ready?: boolean; readonly serving?: boolean; readonly terminating?: boolean };
  }[];
  readonly ports: readonly { readonly name?: string; readonly protocol: string; readonly port: number }[];
}

interface ObjectJson {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace: string };
}

const objectKey = (kind: string, namespace: string, name: string) => `${kind}|${namespace}|${name}`;

class Run {
  readonly controller: FederatedServicesController = createFederatedServicesController();
  readonly oracle = new ServicesOracle();
  /** The write/delete stream replayed, from the first flush on. */
  readonly replayed = new Map<string, object>();

  apply(command: Command): void {
    switch (command.op) {
      case "upsert": {
        const diagnostics = this.controller.upsert(command.raw, { cluster: command.cluster });
        const accepted = this.oracle.upsert(command.raw, command.cluster);
        const errors = diagnostics.filter((d) => d.severity === "error");
        if (accepted) expect(errors, "well-formed data raises no errors").toStrictEqual([]);
        else expect(errors.length, `data of undeclared cluster ${command.cluster} is refused`).toBeGreaterThan(0);
        if (accepted && command.cluster === "" && command.raw.kind === "Service")
          this.checkWarning(command.raw, diagnostics);
        break;
      }
      case "remove":
        this.controller.remove(
          { kind: command.kind, namespace: command.namespace, name: command.name },
          { cluster: command.cluster },
        );
        this.oracle.remove(command.kind, command.namespace, command.name, command.cluster);
        break;
      case "rcc": {
        const held = command.valid ? [] : this.oracle.held(command.name);
        this.controller.upsert(rcc(command.name, command.valid));
        this.oracle.declareRcc(command.name, command.valid);
        // The remote feed stops and deletes what it had sent (A.3).
        for (const ref of held) this.controller.remove(ref, { cluster: command.name });
        break;
      }
      case "deleteRcc": {
        const held = this.oracle.held(command.name);
        this.controller.remove({ kind: "RemoteClusterConfiguration", name: command.name });
        this.oracle.deleteRcc(command.name);
        for (const ref of held) this.controller.remove(ref, { cluster: command.name });
        break;
      }
      case "remoteRcc":
        // An RCC living in a remote cluster is none of the local controller's business.
        this.controller.upsert(rcc("elsewhere", true), { cluster: command.cluster });
        break;
      case "status":
        this.controller.setRemoteClusterStatus(command.cluster, command.status);
        this.oracle.setStatus(command.cluster, command.status);
        break;
      case "flush":
        this.flush();
        break;
    }
  }

  /** Rules 4 and 5: an annotated local Service that is not federated draws a warning; a federated one does not. */
  private checkWarning(raw: RawObject, diagnostics: readonly { severity: string; name?: string }[]): void {
    const metadata = raw.metadata as { name: string; namespace: string; annotations?: Record<string, string> };
    if (metadata.annotations === undefined || !Object.hasOwn(metadata.annotations, ANNOTATION)) return;
    const federated = this.oracle.service(metadata.namespace, metadata.name)?.federated;
    const warned = diagnostics.some((d) => d.severity === "warning" && d.name === metadata.name);
    expect(warned, `warning for ${metadata.namespace}/${metadata.name}`).toBe(federated === false);
  }

  flush(): void {
    const changes = this.controller.flush();
    if (!this.oracle.inSync()) {
      expect(changes, "nothing is emitted before the initial sync").toStrictEqual({ write: [], delete: [] });
    } else {
      this.replay(changes);
    }
    this.checkServices();
    if (this.oracle.inSync()) this.checkReplayed();
    expect(this.controller.flush(), "a second flush is empty").toStrictEqual({ write: [], delete: [] });
  }

  private replay(changes: FederatedServicesChanges): void {
    const deleted = new Set<string>();
    for (const ref of changes.delete) {
      const key = objectKey(ref.kind, ref.namespace, ref.name);
      expect(this.replayed.has(key), `delete of ${key}, which was never written`).toBe(true);
      expect(deleted.has(key), `${key} deleted twice`).toBe(false);
      deleted.add(key);
      this.replayed.delete(key);
    }
    const written = new Set<string>();
    for (const object of changes.write) {
      const { kind, metadata } = object as ObjectJson;
      const key = objectKey(kind, metadata.namespace, metadata.name);
      expect(written.has(key) || deleted.has(key), `${key} written twice or written and deleted`).toBe(false);
      written.add(key);
      if (this.replayed.has(key))
        expect(object, `${key} rewritten unchanged`).not.toStrictEqual(this.replayed.get(key));
      this.replayed.set(key, object);
    }
  }

  /** endpoints(), status() and endpointSlices() of every local Service against the oracle. */
  private checkServices(): void {
    for (const namespace of NAMESPACES) {
      for (const name of NAMES) {
        const expected = this.oracle.service(namespace, name);
        const where = `${namespace}/${name}`;
        expect(this.controller.endpoints(namespace, name), `endpoints of ${where}`).toStrictEqual(expected?.endpoints);
        const status = this.controller.status(namespace, name);
        if (expected === undefined) {
          expect(status, `status of unknown ${where}`).toBeUndefined();
          expect(this.controller.endpointSlices(namespace, name)).toStrictEqual([]);
          continue;
        }
        expect(status?.federated, `federated ${where}`).toBe(expected.federated);
        expect(status?.selector, `selector of ${where}`).toBe(expected.selector);
        expect(status?.backingServices, `backing services of ${where}`).toStrictEqual(expected.backing);
        expect(status?.droppedPorts, `dropped ports of ${where}`).toStrictEqual(expected.dropped);
        if (expected.federated) expect(status?.reason).toBeUndefined();
        else expect(status?.reason, `reason for ${where}`).toEqual(expect.any(String));

        const fromSlices: string[] = [];
        for (const slice of this.controller.endpointSlices(namespace, name) as SliceJson[]) {
          expect(slice.kind).toBe("EndpointSlice");
          expect(slice.metadata.namespace).toBe(namespace);
          expect(slice.metadata.labels["kubernetes.io/service-name"]).toBe(name);
          const source = slice.metadata.labels["multicluster.kubernetes.io/source-cluster"];
          expect(source).toBeDefined();
          const cluster = source === "local" ? "" : source!;
          for (const endpoint of slice.endpoints) {
            expect(endpoint.addresses).toHaveLength(1);
            const ip = endpoint.addresses[0]!;
            expect(slice.addressType, `family of ${ip}`).toBe(ip.includes(":") ? "IPv6" : "IPv4");
            const ready = endpoint.conditions.ready === true;
            expect(endpoint.conditions).toStrictEqual({ ready, serving: ready, terminating: false });
            for (const p of slice.ports)
              fromSlices.push(`${cluster}|${ip}|${ready}|${p.name ?? ""}|${p.protocol}|${p.port}`);
          }
        }
        const fromOracle = expected.entries.map(
          (e) => `${e.cluster}|${String(e.address.ip)}|${e.ready}|${e.port.name}|${e.port.protocol}|${e.port.port}`,
        );
        expect(fromSlices.sort(), `slice entries of ${where}`).toStrictEqual(fromOracle.sort());
      }
    }
  }

  /** The replayed stream is exactly the wanted state: the oracle's Endpoints and the controller's slices. */
  private checkReplayed(): void {
    const endpoints = new Map<string, object>();
    const slices = new Map<string, object>();
    for (const [key, object] of this.replayed) {
      const [kind, namespace, name] = key.split("|") as [string, string, string];
      (kind === "Endpoints" ? endpoints : slices).set(`${namespace}/${name}`, object);
    }
    expect(endpoints, "replayed Endpoints").toStrictEqual(this.oracle.desired());
    const wantedSlices = new Map<string, object>();
    for (const key of this.oracle.desired().keys()) {
      const [namespace, name] = key.split("/") as [string, string];
      for (const slice of this.controller.endpointSlices(namespace, name)) {
        wantedSlices.set(`${namespace}/${(slice as SliceJson).metadata.name}`, slice);
      }
    }
    expect(slices, "replayed EndpointSlices").toStrictEqual(wantedSlices);
  }
}

function runHistory(history: History): Run {
  const run = new Run();
  for (const name of history.declared) run.apply({ op: "rcc", name, valid: true });
  for (const command of history.before) run.apply(command);
  run.controller.markLocalInSync();
  run.oracle.markLocalInSync();
  history.after.forEach((command, i) => {
    if (i === history.syncAt) for (const cluster of REMOTES) run.apply({ op: "status", cluster, status: "InSync" });
    run.apply(command);
  });
  for (const cluster of REMOTES) run.apply({ op: "status", cluster, status: "InSync" });
  run.apply({ op: "flush" });
  expect(run.oracle.inSync(), "every history ends in sync").toBe(true);
  return run;
}

describe("federated services controller against the oracle", () => {
  test.prop([historyArb], { numRuns: RUNS })(
    "endpoints, status, slices and the replayed write/delete stream match the oracle after every flush",
    (history) => {
      runHistory(history);
    },
    Math.max(30_000, RUNS * 40),
  );
});
