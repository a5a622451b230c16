/**
 * The federation oracle: a plain model of which remote clusters exist, what state they are in,
 * and which of their raw resources the local engine holds at any moment (federation.md A.2–A.4,
 * the PolicyEngine contract in src/calc/types.ts). What is held, together with the local
 * resources, is then handed to the from-scratch {@link computeOracle}, which already knows that
 * remote policies and network sets do nothing and that policies apply only locally.
 *
 * The model, stated once:
 *
 * - A remote cluster is *declared* while a valid RemoteClusterConfiguration of its name exists in
 *   the local cluster. An invalid one keeps the cluster listed as `ConfigIncomplete`, with no data.
 * - Data sent for a cluster that is not declared is refused (never held, not even later).
 * - Deleting or invalidating the RCC drops everything held from the cluster.
 * - Changing a valid RCC's spec to another valid one keeps the data; the status becomes
 *   `ConfigChangeRestartRequired`. Re-applying the same spec changes nothing.
 * - `setRemoteClusterStatus` is ignored for a cluster that is not declared.
 * - A resync marks what is held; what is re-sent before it ends is confirmed; at its end the rest
 *   is dropped and the status is `InSync`.
 * - With a time-to-live, a cluster that has been `ConnectionFailed` for at least the TTL when the
 *   engine is flushed loses its data, once per disconnection: what arrives afterwards is held.
 * - `since` is when the status last changed (a new error text for the same status does not move it).
 * - Start-up gating: after `markLocalInSync`, in sync once every cluster declared at that moment
 *   has reached `InSync` or `ConnectionFailed` (or stopped being declared).
 *
 * Validity of an RCC is decided here from the A.2 table by a short re-statement of its rules for
 * the fields the generators use; it shares no code with src/federation.
 */
import type { PolicyEngineOptions, ResourceRef } from "../../src/calc/types.js";
import type { RemoteClusterStatus } from "../../src/federation/rcc.js";
import { convertResource } from "../../src/k8s/convert.js";
import { hostEndpointId, workloadEndpointId } from "../../src/model/index.js";
import { computeOracle, type OracleResult, type RawEntry, RawStore, sortStrings } from "./oracle.js";

/** The engine options the federation oracle follows. */
export type FederationOracleOptions = Pick<PolicyEngineOptions, "node" | "remoteDataTtlMs" | "clusterLabel">;

/** What `remoteClusters()` should report for one cluster. */
export interface ExpectedCluster {
  readonly name: string;
  readonly status: RemoteClusterStatus;
  /** The exact error text, or (for `ConfigIncomplete`) a pattern; absent when there is none. */
  readonly error?: string | RegExp;
  readonly since: number;
  readonly endpoints: number;
  readonly profiles: number;
}

type Raw = Record<string, unknown>;

function isRecord(value: unknown): value is Raw {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(object: unknown, key: string): string {
  const value = isRecord(object) && Object.hasOwn(object, key) ? object[key] : undefined;
  return typeof value === "string" ? value : "";
}

// ---------------------------------------------------------------------------------------------
// RemoteClusterConfiguration validity (federation.md A.2), for the fields the generators use.
// ---------------------------------------------------------------------------------------------

const CONNECTION_FIELDS = [
  "datastoreType",
  "etcdEndpoints",
  "etcdUsername",
  "etcdPassword",
  "etcdKeyFile",
  "etcdCertFile",
  "etcdCACertFile",
  "kubeconfig",
  "k8sAPIEndpoint",
  "k8sKeyFile",
  "k8sCertFile",
  "k8sCAFile",
  "k8sAPIToken",
] as const;
const ETCD_ONLY = ["etcdEndpoints", "etcdPassword", "etcdKeyFile", "etcdCertFile", "etcdCACertFile"] as const;
const HTTP_URL = /^https?:\/\/[^:]+:[0-9]+$/;

/**
 * Whether Calico accepts an RCC spec: with `clusterAccessSecret` (naming a secret) no other
 * connection field may be set; without it `datastoreType` is `etcdv3` or `kubernetes`, and a
 * `kubernetes` one carries no etcd endpoints, password or key files; endpoints are
 * `http(s)://host:port` (etcd: a comma list); `overlayRoutingMode` is `Enabled` or `Disabled`.
 */
export function rccSpecIsValid(spec: unknown): boolean {
  if (!isRecord(spec)) return false;
  const has = (field: string): boolean => text(spec, field) !== "";
  const mode = isRecord(spec.syncOptions) ? text(spec.syncOptions, "overlayRoutingMode") : "";
  if (mode !== "" && mode !== "Enabled" && mode !== "Disabled") return false;
  if (spec.clusterAccessSecret !== undefined) {
    return text(spec.clusterAccessSecret, "name") !== "" && !CONNECTION_FIELDS.some(has);
  }
  const type = text(spec, "datastoreType");
  if (type !== "etcdv3" && type !== "kubernetes") return false;
  if (type === "kubernetes" && ETCD_ONLY.some(has)) return false;
  const etcdEndpoints = text(spec, "etcdEndpoints");
  if (etcdEndpoints !== "" && !etcdEndpoints.split(",").every((url) => HTTP_URL.test(url))) return false;
  if (has("k8sAPIEndpoint") && !HTTP_URL.test(text(spec, "k8sAPIEndpoint"))) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// The model.
// ---------------------------------------------------------------------------------------------

interface ClusterModel {
  readonly name: string;
  /** The RCC's spec, as JSON (to tell a change). */
  spec: string;
  valid: boolean;
  status: RemoteClusterStatus;
  /** The error as given (`ConnectionFailed`), or `invalid:<spec>` for `ConfigIncomplete`. */
  errorKey: string | undefined;
  since: number;
  /** When the cluster last became `ConnectionFailed`. */
  failedSince: number;
  /** Its data was dropped during the current disconnection. */
  expired: boolean;
  /** During a resync: keys of what was held at its start and not re-sent yet. */
  resync: Set<string> | undefined;
  /** Reached `InSync` or `ConnectionFailed` at least once. */
  settled: boolean;
}

const INCOMPLETE = /^Config is incomplete\b.*\S/;

function rawKey(resource: unknown): string {
  const metadata = isRecord(resource) ? resource.metadata : undefined;
  return JSON.stringify([
    text(resource, "apiVersion"),
    text(resource, "kind"),
    text(metadata, "namespace"),
    text(metadata, "name"),
  ]);
}

function matchesRef(resource: unknown, ref: ResourceRef): boolean {
  const metadata = isRecord(resource) ? resource.metadata : undefined;
  return (
    text(resource, "kind") === ref.kind &&
    text(metadata, "name") === ref.name &&
    text(metadata, "namespace") === (ref.namespace ?? "") &&
    (ref.apiVersion === undefined || text(resource, "apiVersion") === ref.apiVersion)
  );
}

/** Adds the opt-in cluster label to an endpoint's or network set's own labels. */
function withClusterLabel(resource: unknown, label: { key: string; value: string }): unknown {
  const kind = text(resource, "kind");
  if (!["Pod", "HostEndpoint", "NetworkSet", "GlobalNetworkSet"].includes(kind) || !isRecord(resource)) {
    return resource;
  }
  const metadata = isRecord(resource.metadata) ? resource.metadata : {};
  const labels = isRecord(metadata.labels) ? metadata.labels : {};
  return { ...resource, metadata: { ...metadata, labels: { ...labels, [label.key]: label.value } } };
}

/** The federation model: feed it what the engine is fed, then read what the engine should hold. */
export class FederationOracle {
  readonly #options: FederationOracleOptions;
  readonly #now: () => number;
  /** Local resources other than RemoteClusterConfigurations. */
  readonly #local = new RawStore();
  readonly #clusters = new Map<string, ClusterModel>();
  /** Held remote resources by cluster, then by raw key. */
  readonly #held = new Map<string, Map<string, unknown>>();
  /** Clusters start-up waits for; undefined until the local data is in. */
  #awaited: Set<string> | undefined;

  constructor(options: FederationOracleOptions, now: () => number) {
    this.#options = options;
    this.#now = now;
  }

  // ---- local ------------------------------------------------------------------------------

  /** A local upsert; a RemoteClusterConfiguration (re)declares or invalidates its cluster. */
  upsertLocal(resource: Raw): void {
    if (text(resource, "kind") === "RemoteClusterConfiguration")
      this.#upsertRcc(text(resource.metadata, "name"), resource.spec);
    else this.#local.upsert(resource);
  }

  /** A local removal; removing a RemoteClusterConfiguration forgets its cluster and its data. */
  removeLocal(ref: ResourceRef): void {
    if (ref.kind === "RemoteClusterConfiguration") {
      this.#clusters.delete(ref.name);
      this.#held.delete(ref.name);
      this.#awaited?.delete(ref.name);
    } else {
      this.#local.remove(ref);
    }
  }

  /** The local store (without RCCs), for choosing what to remove. */
  get local(): RawStore {
    return this.#local;
  }

  #upsertRcc(name: string, spec: unknown): void {
    const specKey = JSON.stringify(spec);
    const existing = this.#clusters.get(name);
    if (rccSpecIsValid(spec)) {
      if (existing?.valid) {
        if (existing.spec !== specKey) this.#setStatus(existing, "ConfigChangeRestartRequired", undefined);
        existing.spec = specKey;
        return;
      }
      this.#clusters.set(name, {
        name,
        spec: specKey,
        valid: true,
        status: "Connecting",
        errorKey: undefined,
        since: this.#now(),
        failedSince: 0,
        expired: false,
        resync: undefined,
        settled: false,
      });
      return;
    }
    this.#held.delete(name);
    this.#awaited?.delete(name);
    const errorKey = `invalid:${specKey}`;
    if (existing === undefined) {
      this.#clusters.set(name, {
        name,
        spec: specKey,
        valid: false,
        status: "ConfigIncomplete",
        errorKey,
        since: this.#now(),
        failedSince: 0,
        expired: false,
        resync: undefined,
        settled: false,
      });
      return;
    }
    existing.spec = specKey;
    existing.valid = false;
    existing.resync = undefined;
    this.#setStatus(existing, "ConfigIncomplete", errorKey);
  }

  // ---- remote -----------------------------------------------------------------------------

  /** Whether the engine accepts data for `cluster` now. */
  accepts(cluster: string): boolean {
    return this.#clusters.get(cluster)?.valid ?? false;
  }

  /** The spec (as JSON) of the local RCC of `cluster`, if there is one. */
  rccSpec(cluster: string): string | undefined {
    return this.#clusters.get(cluster)?.spec;
  }

  /** A remote upsert; returns whether it is accepted (held). */
  upsertRemote(cluster: string, resource: unknown): boolean {
    const state = this.#clusters.get(cluster);
    if (!state?.valid) return false;
    const key = rawKey(resource);
    const held = this.#held.get(cluster) ?? new Map<string, unknown>();
    this.#held.set(cluster, held);
    held.set(key, resource);
    state.resync?.delete(key);
    return true;
  }

  /** A remote removal. */
  removeRemote(cluster: string, ref: ResourceRef): void {
    const held = this.#held.get(cluster);
    for (const [key, resource] of held ?? []) if (matchesRef(resource, ref)) held!.delete(key);
  }

  /** What is held from `cluster`, in a stable order. */
  held(cluster: string): unknown[] {
    const held = this.#held.get(cluster) ?? new Map<string, unknown>();
    return sortStrings(held.keys()).map((key) => held.get(key));
  }

  setStatus(cluster: string, status: RemoteClusterStatus, error?: string): void {
    const state = this.#clusters.get(cluster);
    if (state?.valid) this.#setStatus(state, status, error);
  }

  #setStatus(state: ClusterModel, status: RemoteClusterStatus, errorKey: string | undefined): void {
    if (status === "ConnectionFailed" && state.status !== "ConnectionFailed") {
      state.failedSince = this.#now();
      state.expired = false;
    }
    if (state.status !== status) state.since = this.#now();
    state.status = status;
    state.errorKey = errorKey;
    if (state.valid && (status === "InSync" || status === "ConnectionFailed")) {
      state.settled = true;
      this.#awaited?.delete(state.name);
    }
  }

  beginResync(cluster: string): void {
    const state = this.#clusters.get(cluster);
    if (!state?.valid) return;
    state.resync = new Set(this.#held.get(cluster)?.keys() ?? []);
    this.#setStatus(state, "ResyncInProgress", undefined);
  }

  endResync(cluster: string): void {
    const state = this.#clusters.get(cluster);
    if (state?.resync === undefined) return;
    const held = this.#held.get(cluster);
    for (const key of state.resync) held?.delete(key);
    state.resync = undefined;
    this.#setStatus(state, "InSync", undefined);
  }

  markLocalInSync(): void {
    this.#awaited ??= new Set([...this.#clusters].filter(([, s]) => s.valid && !s.settled).map(([name]) => name));
  }

  inSync(): boolean {
    return this.#awaited !== undefined && this.#awaited.size === 0;
  }

  /** What `flush()` does before reporting: with a TTL, drop the data of clusters failed that long. */
  flush(): void {
    const ttl = this.#options.remoteDataTtlMs;
    if (ttl === undefined) return;
    for (const [name, state] of this.#clusters) {
      if (!state.valid || state.status !== "ConnectionFailed" || state.expired) continue;
      if (this.#now() - state.failedSince < ttl) continue;
      state.expired = true;
      this.#held.delete(name);
    }
  }

  // ---- expectations -----------------------------------------------------------------------

  /** Every raw resource the engine should hold: local ones and the held remote ones. */
  entries(): RawEntry[] {
    const entries: RawEntry[] = [
      ...this.#local.entries(),
      ...[...this.#held].flatMap(([cluster, held]) => [...held.values()].map((resource) => ({ cluster, resource }))),
    ];
    const label = this.#options.clusterLabel;
    if (label === undefined) return entries;
    return entries.map(({ cluster, resource }) => ({
      cluster,
      resource: withClusterLabel(resource, { key: label.key, value: cluster === "" ? label.localName : cluster }),
    }));
  }

  /** The from-scratch result for what is held. */
  result(): OracleResult {
    return computeOracle(this.entries(), this.#options.node === undefined ? {} : { node: this.#options.node });
  }

  /** What `remoteClusters()` should say, sorted by name. */
  clusters(): ExpectedCluster[] {
    return sortStrings(this.#clusters.keys()).map((name) => {
      const state = this.#clusters.get(name)!;
      const endpoints = new Set<string>();
      const profiles = new Set<string>();
      for (const resource of this.#held.get(name)?.values() ?? []) {
        for (const model of convertResource(resource, { cluster: name }).resources) {
          if (model.kind === "WorkloadEndpoint") endpoints.add(workloadEndpointId(model));
          else if (model.kind === "HostEndpoint") endpoints.add(hostEndpointId(model));
          else if (model.kind === "Profile") profiles.add(model.name);
        }
      }
      const error =
        state.status === "ConfigIncomplete"
          ? INCOMPLETE
          : state.errorKey?.startsWith("invalid:")
            ? undefined
            : state.errorKey;
      return {
        name,
        status: state.status,
        ...(error === undefined ? {} : { error }),
        since: state.since,
        endpoints: endpoints.size,
        profiles: profiles.size,
      };
    });
  }
}
