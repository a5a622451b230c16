/**
 * Federation in the engine: remote clusters declared by RemoteClusterConfigurations, what they
 * may contribute, their status, resyncs without flapping, stale data, start-up gating, the
 * opt-in cluster label and clashing addresses (federation.md A.2–A.4).
 */
import { describe, expect, it } from "vitest";
import { createPolicyEngine } from "../../src/calc/engine.js";
import type { EngineDelta, PolicyEngineOptions } from "../../src/calc/types.js";

const rcc = (
  name: string,
  spec: Record<string, unknown> = { datastoreType: "kubernetes", kubeconfig: `/etc/fedcalc/${name}.kubeconfig` },
) => ({
  apiVersion: "projectcalico.org/v3",
  kind: "RemoteClusterConfiguration",
  metadata: { name },
  spec,
});
const namespace = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: "v1",
  kind: "Namespace",
  metadata: { name, labels },
});
const pod = (ns: string, name: string, labels: Record<string, string>, ip: string, node = "worker-1") => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: ns, labels },
  spec: { nodeName: node, containers: [{ name: "app", ports: [{ name: "pg", containerPort: 5432 }] }] },
  status: { podIP: ip },
});
/** The documented example: local backends may reach postgres pods, local or remote. */
const appToDb = {
  apiVersion: "projectcalico.org/v3",
  kind: "NetworkPolicy",
  metadata: { name: "app-to-db", namespace: "myapp" },
  spec: {
    selector: "app == 'backend-app'",
    egress: [{ action: "Allow", protocol: "TCP", destination: { selector: "app == 'postgres'", ports: [5432] } }],
  },
};

function engineWithEast(options: PolicyEngineOptions = {}) {
  const engine = createPolicyEngine(options);
  engine.upsert(rcc("east"));
  engine.upsert(namespace("myapp"));
  engine.upsert(pod("myapp", "backend-0", { app: "backend-app" }, "10.0.0.10"));
  engine.upsert(appToDb);
  return engine;
}

/** The members of the single selector IP set for `app == 'postgres'` pinned to myapp. */
function dbSetId(engine: ReturnType<typeof createPolicyEngine>): string {
  return engine.ipSets().find((set) => set.selector.includes("postgres"))!.id;
}

function added(delta: EngineDelta, id: string) {
  return delta.membersAdded.get(id) ?? [];
}
function removed(delta: EngineDelta, id: string) {
  return delta.membersRemoved.get(id) ?? [];
}

describe("remote clusters in the engine", () => {
  it("accepts a remote cluster's data only once a valid RemoteClusterConfiguration declares it", () => {
    const engine = createPolicyEngine();
    const refused = engine.upsert(pod("myapp", "db-0", { app: "postgres" }, "10.1.0.5"), { cluster: "east" });
    expect(refused).toEqual([
      expect.objectContaining({ severity: "error", cluster: "east", kind: "Pod", name: "db-0" }),
    ]);
    expect(engine.endpointsMatching("all()")).toEqual([]);
    engine.upsert(rcc("east"));
    expect(engine.upsert(pod("myapp", "db-0", { app: "postgres" }, "10.1.0.5"), { cluster: "east" })).toEqual([]);
    expect(engine.endpointsMatching("all()").map((m) => m.id)).toEqual(["east/worker-1/k8s/myapp.db-0/eth0"]);
  });

  it("lets rule selectors match remote pods of the same-named namespace, never the main selector", () => {
    const engine = engineWithEast();
    engine.upsert(pod("myapp", "db-0", { app: "postgres" }, "10.1.0.5"), { cluster: "east" });
    engine.upsert(pod("other", "db-9", { app: "postgres" }, "10.1.0.9"), { cluster: "east" });
    engine.upsert(pod("myapp", "backend-7", { app: "backend-app" }, "10.1.0.7"), { cluster: "east" });
    expect(engine.ipSetMembers(dbSetId(engine))).toEqual(["10.1.0.5/32"]);
    expect(engine.policiesApplyingTo("east/worker-1/k8s/myapp.backend-7/eth0")).toEqual({ policies: [], profiles: [] });
  });

  it("ignores remote policies and network sets with a diagnostic, and keeps only remote profiles' labels", () => {
    const engine = engineWithEast();
    const policy = engine.upsert(
      { ...appToDb, metadata: { name: "remote-policy", namespace: "myapp" } },
      { cluster: "east" },
    );
    expect(policy).toEqual([expect.objectContaining({ severity: "warning", cluster: "east", kind: "Policy" })]);
    const netset = engine.upsert(
      {
        apiVersion: "projectcalico.org/v3",
        kind: "GlobalNetworkSet",
        metadata: { name: "partners", labels: { app: "postgres" } },
        spec: { nets: ["198.51.100.0/24"] },
      },
      { cluster: "east" },
    );
    expect(netset).toEqual([expect.objectContaining({ severity: "warning", kind: "NetworkSet" })]);
    const profile = engine.upsert(
      {
        apiVersion: "projectcalico.org/v3",
        kind: "Profile",
        metadata: { name: "edge" },
        spec: { labelsToApply: { app: "postgres" }, ingress: [{ action: "Deny" }] },
      },
      { cluster: "east" },
    );
    expect(profile).toEqual([expect.objectContaining({ severity: "warning", kind: "Profile", name: "edge" })]);
    // A remote dump's Services and Nodes serve other components (federated services, preflight): no word.
    const service = { apiVersion: "v1", kind: "Service", metadata: { name: "db", namespace: "myapp" }, spec: {} };
    expect(engine.upsert(service, { cluster: "east" })).toEqual([]);
    expect(
      engine.upsert({ apiVersion: "v1", kind: "Node", metadata: { name: "worker-9" } }, { cluster: "east" }),
    ).toEqual([]);
    expect(engine.activePolicies().map((p) => p.name)).toEqual(["app-to-db"]);
    expect(engine.ipSetMembers(dbSetId(engine))).toEqual([]);
  });

  it("reports status with counts and times from the engine's clock", () => {
    let now = 1000;
    const engine = engineWithEast({ now: () => now });
    engine.upsert(namespace("myapp"), { cluster: "east" });
    engine.upsert(pod("myapp", "db-0", { app: "postgres" }, "10.1.0.5"), { cluster: "east" });
    expect(engine.remoteClusters()).toEqual([
      { name: "east", status: "Connecting", since: 1000, endpoints: 1, profiles: 1 },
    ]);
    now = 2000;
    engine.setRemoteClusterStatus("east", "ConnectionFailed", "dial tcp 10.1.0.1:6443: connection refused");
    expect(engine.remoteClusters()).toEqual([
      {
        name: "east",
        status: "ConnectionFailed",
        error: "dial tcp 10.1.0.1:6443: connection refused",
        since: 2000,
        endpoints: 1,
        profiles: 1,
      },
    ]);
    engine.setRemoteClusterStatus("nowhere", "InSync"); // no such cluster: ignored
    expect(engine.remoteClusters().map((c) => c.name)).toEqual(["east"]);
  });

  it("resyncs without flapping: only what changed or vanished produces a delta", () => {
    const engine = engineWithEast();
    const pods = Array.from({ length: 10 }, (_, i) => pod("myapp", `db-${i}`, { app: "postgres" }, `10.1.0.${i + 1}`));
    for (const p of pods) engine.upsert(p, { cluster: "east" });
    engine.flush();
    engine.beginResync("east");
    expect(engine.remoteClusters()[0]!.status).toBe("ResyncInProgress");
    for (const p of pods.slice(0, 8)) engine.upsert(p, { cluster: "east" }); // db-8, db-9 are gone
    engine.upsert(pod("myapp", "db-0", { app: "postgres" }, "10.1.0.100"), { cluster: "east" }); // db-0 moved
    engine.endResync("east");
    const delta = engine.flush();
    const id = dbSetId(engine);
    expect(added(delta, id)).toEqual(["10.1.0.100/32"]);
    expect(removed(delta, id)).toEqual(["10.1.0.1/32", "10.1.0.10/32", "10.1.0.9/32"]);
    expect(engine.remoteClusters()[0]!.status).toBe("InSync");
  });

  it("keeps a disconnected cluster's data (as Calico), unless a time-to-live says otherwise", () => {
    let now = 0;
    const keep = engineWithEast({ now: () => now });
    const expire = engineWithEast({ now: () => now, remoteDataTtlMs: 60_000 });
    for (const engine of [keep, expire]) {
      engine.upsert(pod("myapp", "db-0", { app: "postgres" }, "10.1.0.5"), { cluster: "east" });
      engine.flush();
      engine.setRemoteClusterStatus("east", "ConnectionFailed", "timeout");
    }
    now = 59_999;
    expect(removed(expire.flush(), dbSetId(expire))).toEqual([]);
    now = 60_000;
    expect(removed(keep.flush(), dbSetId(keep))).toEqual([]);
    expect(removed(expire.flush(), dbSetId(expire))).toEqual(["10.1.0.5/32"]);
    expect(keep.ipSetMembers(dbSetId(keep))).toEqual(["10.1.0.5/32"]);
    expect(expire.remoteClusters()[0]).toMatchObject({ status: "ConnectionFailed", endpoints: 0 });
  });

  it("removes everything of a cluster in one delta when its RemoteClusterConfiguration goes", () => {
    const engine = engineWithEast();
    engine.upsert(namespace("myapp"), { cluster: "east" });
    for (let i = 0; i < 5; i++)
      engine.upsert(pod("myapp", `db-${i}`, { app: "postgres" }, `10.1.0.${i + 1}`), { cluster: "east" });
    engine.flush();
    const id = dbSetId(engine);
    engine.remove({ kind: "RemoteClusterConfiguration", name: "east" });
    const delta = engine.flush();
    expect(removed(delta, id)).toEqual(["10.1.0.1/32", "10.1.0.2/32", "10.1.0.3/32", "10.1.0.4/32", "10.1.0.5/32"]);
    expect(engine.remoteClusters()).toEqual([]);
    expect(engine.endpointsMatching("all()").map((m) => m.id)).toEqual(["worker-1/k8s/myapp.backend-0/eth0"]);
  });

  it("drops a cluster whose configuration becomes invalid, and asks for a restart when it changes", () => {
    const engine = engineWithEast();
    engine.upsert(pod("myapp", "db-0", { app: "postgres" }, "10.1.0.5"), { cluster: "east" });
    engine.upsert(rcc("east", { datastoreType: "kubernetes", kubeconfig: "/etc/fedcalc/east-v2.kubeconfig" }));
    expect(engine.remoteClusters()[0]!.status).toBe("ConfigChangeRestartRequired");
    const diagnostics = engine.upsert(rcc("east", { datastoreType: "carrier-pigeon" }));
    expect(diagnostics.some((d) => d.severity === "error" && d.field === "spec.datastoreType")).toBe(true);
    expect(engine.remoteClusters()[0]).toMatchObject({ status: "ConfigIncomplete", endpoints: 0 });
    expect(engine.upsert(pod("myapp", "db-1", { app: "postgres" }, "10.1.0.6"), { cluster: "east" })[0]?.severity).toBe(
      "error",
    );
  });

  it("is in sync once local data is in and each cluster declared by then synced or failed once", () => {
    const engine = createPolicyEngine();
    engine.upsert(rcc("east"));
    engine.upsert(rcc("west"));
    expect(engine.inSync()).toBe(false);
    engine.markLocalInSync();
    expect(engine.inSync()).toBe(false);
    engine.setRemoteClusterStatus("east", "InSync");
    engine.upsert(rcc("south")); // declared later: never holds start-up back
    expect(engine.inSync()).toBe(false);
    engine.setRemoteClusterStatus("west", "ConnectionFailed", "no route to host");
    expect(engine.inSync()).toBe(true);
  });

  it("offers a cluster label, off by default, so selectors can name a cluster", () => {
    const plain = engineWithEast();
    const labelled = engineWithEast({ clusterLabel: { key: "fedcalc.io/cluster", localName: "west" } });
    for (const engine of [plain, labelled])
      engine.upsert(pod("myapp", "db-0", { app: "postgres" }, "10.1.0.5"), { cluster: "east" });
    expect(plain.endpointsMatching("has(fedcalc.io/cluster)")).toEqual([]);
    expect(labelled.endpointsMatching("fedcalc.io/cluster == 'east'").map((m) => m.id)).toEqual([
      "east/worker-1/k8s/myapp.db-0/eth0",
    ]);
    expect(labelled.endpointsMatching("fedcalc.io/cluster == 'west'").map((m) => m.id)).toEqual([
      "worker-1/k8s/myapp.backend-0/eth0",
    ]);
  });

  it("keeps an address two clusters share as one member, and says which endpoints clash", () => {
    const engine = engineWithEast();
    engine.upsert(pod("myapp", "db-local", { app: "postgres" }, "10.9.9.9"));
    const diagnostics = engine.upsert(pod("myapp", "db-remote", { app: "postgres" }, "10.9.9.9"), { cluster: "east" });
    expect(diagnostics).toEqual([
      expect.objectContaining({
        severity: "warning",
        message: expect.stringMatching(
          /10\.9\.9\.9 .*east\/worker-1\/k8s\/myapp\.db-remote\/eth0.*worker-1\/k8s\/myapp\.db-local\/eth0/,
        ),
      }),
    ]);
    expect(engine.ipSetMembers(dbSetId(engine))).toEqual(["10.9.9.9/32"]);
    engine.flush();
    engine.remove({ kind: "Pod", namespace: "myapp", name: "db-local" });
    expect(engine.flush().membersRemoved.size).toBe(0);
  });
});
