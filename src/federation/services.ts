/**
 * Federated services: the Endpoints (and, beyond Calico, EndpointSlices) that Calico's federated
 * services controller would write (spec federation.md A.5, rules 1–15).
 *
 * A local Service annotated `federation.tigera.io/serviceSelector: <selector>` is federated: its
 * selector picks *Services* (not pods) of the same namespace in the local cluster and every
 * connected remote cluster, and the federated Service gets the union of their endpoints, with
 * pod IPs (no NAT). For example, with `run == "my-app"` on `shop/my-app-fed`, the Service
 * `shop/my-app` of cluster `east` (labels `run: my-app`) contributes its Endpoints' addresses, each
 * `targetRef.name` renamed `east/<pod>`, keeping only ports whose (name, protocol) the federated
 * Service declares, with the backing port's number (9000, not the Service's 80).
 *
 * The controller core takes Services, Endpoints and the local RemoteClusterConfigurations as
 * input (no Kubernetes client inside) and emits the objects to write or delete. It recomputes a
 * namespace's federated Services only when something in that namespace changed, and emits only
 * objects that differ from what it emitted before. Nothing is emitted before the initial sync;
 * a disconnected remote cluster's backends are dropped at once (unlike endpoint identity).
 *
 * Where Calico's order is a Go map's, ours is fixed: the local cluster first, then remote clusters
 * by name, Services by name, subsets and addresses as given; of two identical (IP, port) entries
 * the later wins, as in Calico.
 */
import { convertResource } from "../k8s/convert.js";
import type { Diagnostic, EndpointAddress, EndpointPort, Endpoints, ModelResource, Service } from "../model/index.js";
import { parseSelector, type Selector, SelectorSyntaxError } from "../selector/index.js";
import { isValidRemoteCluster, type RemoteClusterStatus, validateRemoteClusterConfiguration } from "./rcc.js";
import { RemoteClusterRegistry } from "./registry.js";

/** The annotation that makes a Service federated, and that marks the Endpoints fedcalc writes. */
export const SERVICE_SELECTOR_ANNOTATION = "federation.tigera.io/serviceSelector";
/** The label remote Services carry (for selection only) naming their cluster. */
export const REMOTE_CLUSTER_LABEL = "federation.tigera.io/remoteClusterName";
const NAMESPACE_LABEL = "projectcalico.org/namespace";
/** Labels of the EndpointSlices fedcalc writes. */
const SLICE_SERVICE_LABEL = "kubernetes.io/service-name";
const SLICE_MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";
const SLICE_SOURCE_CLUSTER_LABEL = "multicluster.kubernetes.io/source-cluster";
const MANAGER = "fedcalc";

/** Options for {@link createFederatedServicesController}. */
export interface FederatedServicesOptions {
  /** The local cluster's name in EndpointSlice source-cluster labels; `local` by default. */
  readonly localClusterName?: string;
  /** The clock for status times; `Date.now` by default. */
  readonly now?: () => number;
}

/** A backing Service that contributes to a federated Service. */
export interface BackingService {
  /** Its cluster (`""` local). */
  readonly cluster: string;
  /** Its name (same namespace as the federated Service). */
  readonly name: string;
}

/** Why a federated Service has the endpoints it has, for people. */
export interface FederatedServiceStatus {
  /** Whether the Service is federated (annotated, valid selector, no `spec.selector`). */
  readonly federated: boolean;
  /** Why it is not federated. */
  readonly reason?: string;
  /** The selector as written in the annotation. */
  readonly selector: string;
  /** The backing Services selected, local first, then by cluster and name. */
  readonly backingServices: readonly BackingService[];
  /** Backing ports left out because no port of the federated Service has their (name, protocol). */
  readonly droppedPorts: readonly (BackingService & { readonly port: EndpointPort })[];
}

/** What a flush asks the caller to do in the local cluster. */
export interface FederatedServicesChanges {
  /** v1 Endpoints (and discovery.k8s.io/v1 EndpointSlices) to create or replace. */
  readonly write: object[];
  /** Objects to delete: their kind, namespace and name. */
  readonly delete: {
    readonly kind: "Endpoints" | "EndpointSlice";
    readonly namespace: string;
    readonly name: string;
  }[];
}

/** The federated services controller core. */
export interface FederatedServicesController {
  /** Adds or replaces a Service, Endpoints, or (local) RemoteClusterConfiguration of a cluster. */
  upsert(resource: unknown, options?: { readonly cluster?: string }): Diagnostic[];
  /** Removes one. */
  remove(
    ref: { readonly kind: string; readonly name: string; readonly namespace?: string },
    options?: { readonly cluster?: string },
  ): void;
  /** A remote cluster's connection status; `ConnectionFailed` drops its backends until it reconnects. */
  setRemoteClusterStatus(cluster: string, status: RemoteClusterStatus, error?: string): void;
  /** Local data is complete; output starts once remotes declared by then have synced or failed once. */
  markLocalInSync(): void;
  /** What to write and delete since the last flush (nothing before the initial sync). */
  flush(): FederatedServicesChanges;
  /** The Endpoints the controller wants for a federated Service now, or undefined. */
  endpoints(namespace: string, name: string): object | undefined;
  /** The EndpointSlices it wants for a federated Service now (empty if none). */
  endpointSlices(namespace: string, name: string): object[];
  /** Why a Service is or is not federated, and what backs it; undefined for an unknown Service. */
  status(namespace: string, name: string): FederatedServiceStatus | undefined;
}

interface Wanted {
  readonly endpoints: object;
  readonly slices: object[];
  readonly status: FederatedServiceStatus;
}

/** One exploded entry: one address and one port of a backing Service, from one cluster. */
interface Entry {
  readonly cluster: string;
  readonly ready: boolean;
  readonly address: EndpointAddress;
  readonly port: EndpointPort;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function key(cluster: string, namespace: string, name: string): string {
  return `${cluster}|${namespace}|${name}`;
}

/** Copies an address, renaming a remote backing pod `<cluster>/<name>` (rule 9). */
function copyAddress(address: EndpointAddress, cluster: string): EndpointAddress {
  const targetRef =
    address.targetRef === undefined || cluster === "" || !address.targetRef.name
      ? address.targetRef
      : { ...address.targetRef, name: `${cluster}/${address.targetRef.name}` };
  return {
    ip: address.ip,
    ...(address.hostname === undefined ? {} : { hostname: address.hostname }),
    ...(address.nodeName === undefined ? {} : { nodeName: address.nodeName }),
    ...(targetRef === undefined ? {} : { targetRef }),
  };
}

/** Rule 10: one address × one port per subset, de-duplicated (later wins), sorted by port name, protocol, IP, port. */
function normalise(entries: readonly Entry[]): Entry[] {
  const unique = new Map<string, Entry>();
  for (const entry of entries) {
    unique.set(JSON.stringify([entry.address.ip, entry.port.name, entry.port.protocol, entry.port.port]), entry);
  }
  return [...unique.values()].sort(
    (a, b) =>
      byName(a.port.name, b.port.name) ||
      byName(a.port.protocol, b.port.protocol) ||
      byName(a.address.ip, b.address.ip) ||
      a.port.port - b.port.port,
  );
}

function portJson(port: EndpointPort): object {
  return { ...(port.name === "" ? {} : { name: port.name }), port: port.port, protocol: port.protocol };
}

function endpointsObject(service: Service, selector: string, entries: readonly Entry[]): object {
  return {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: {
      name: service.name,
      namespace: service.namespace,
      annotations: { [SERVICE_SELECTOR_ANNOTATION]: selector },
    },
    subsets: entries.map((entry) => ({
      [entry.ready ? "addresses" : "notReadyAddresses"]: [entry.address],
      ports: [portJson(entry.port)],
    })),
  };
}

/** Beyond Calico: one EndpointSlice per source cluster, address family and port set, with conditions. */
function sliceObjects(service: Service, entries: readonly Entry[], localClusterName: string): object[] {
  const groups = new Map<string, { cluster: string; family: string; ports: EndpointPort[]; entries: Entry[] }>();
  const addressesOf = new Map<string, Entry[]>();
  for (const entry of entries) {
    const id = JSON.stringify([entry.cluster, entry.address.ip, entry.ready]);
    addressesOf.set(id, [...(addressesOf.get(id) ?? []), entry]);
  }
  for (const sameAddress of addressesOf.values()) {
    const first = sameAddress[0]!;
    const ports = sameAddress.map((e) => e.port);
    const family = first.address.ip.includes(":") ? "IPv6" : "IPv4";
    const groupKey = JSON.stringify([first.cluster, family, ports]);
    const group = groups.get(groupKey) ?? { cluster: first.cluster, family, ports, entries: [] };
    group.entries.push(first);
    groups.set(groupKey, group);
  }
  const counters = new Map<string, number>();
  return [...groups.values()].map((group) => {
    const source = group.cluster === "" ? localClusterName : group.cluster;
    const base = `${source}|${group.family}`;
    const n = counters.get(base) ?? 0;
    counters.set(base, n + 1);
    return {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: {
        // `<service>-<hash>`, as Kubernetes names slices: joining names with dashes could collide
        // (`cart` from `us-west` and `cart-us` from `west`).
        name: `${service.name}-${fnv1a(`${service.name}|${base}|${n}`)}`,
        namespace: service.namespace,
        labels: {
          [SLICE_SERVICE_LABEL]: service.name,
          [SLICE_MANAGED_BY_LABEL]: MANAGER,
          [SLICE_SOURCE_CLUSTER_LABEL]: source,
        },
      },
      addressType: group.family,
      endpoints: group.entries.map(({ address, ready }) => ({
        addresses: [address.ip],
        conditions: { ready, serving: ready, terminating: false },
        ...(address.hostname === undefined ? {} : { hostname: address.hostname }),
        ...(address.nodeName === undefined ? {} : { nodeName: address.nodeName }),
        ...(address.targetRef === undefined ? {} : { targetRef: address.targetRef }),
      })),
      ports: group.ports.map(portJson),
    };
  });
}

/** 32-bit FNV-1a of a string, as 8 hex digits: a short, stable name suffix. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/** Whether a Service carries the federation annotation (federated, or misconfigured as one). */
function isAnnotated(service: Service): boolean {
  return Object.hasOwn(service.annotations, SERVICE_SELECTOR_ANNOTATION);
}

/**
 * Rules 3–5: an annotated Service's effective selector, or why it is not federated (a
 * spec.selector beside the annotation, or a selector that does not parse).
 */
function effectiveSelector(service: Service): Selector | { readonly reason: string } {
  if (Object.keys(service.podSelector).length > 0) {
    return { reason: "it has both the federation annotation and a spec.selector (rule 4)" };
  }
  const raw = service.annotations[SERVICE_SELECTOR_ANNOTATION] ?? "";
  try {
    // Calico's effective selector is the annotation pasted into a namespace clause, so text that
    // only parses on its own (a blank annotation) is invalid. We still only look at Services of
    // the same namespace, even when a pasted annotation like `a == "b") || (c` would escape it.
    return parseSelector(raw === "" ? "all()" : `${NAMESPACE_LABEL} == '${service.namespace}' && (${raw})`);
  } catch (error) {
    if (!(error instanceof SelectorSyntaxError)) throw error;
    return { reason: `its ${SERVICE_SELECTOR_ANNOTATION} annotation is not a valid selector: ${error.reason}` };
  }
}

class Controller implements FederatedServicesController {
  private readonly localClusterName: string;
  private readonly registry: RemoteClusterRegistry;
  private readonly services = new Map<string, Service>();
  private readonly endpointsByKey = new Map<string, Endpoints>();
  /** Namespaces where something changed since the last computation. */
  private readonly dirty = new Set<string>();
  /** What was last emitted (or would have been, before sync), by local namespace|name. */
  private readonly emitted = new Map<string, { endpoints: string; slices: Map<string, string> }>();

  constructor(options: FederatedServicesOptions) {
    this.localClusterName = options.localClusterName ?? "local";
    this.registry = new RemoteClusterRegistry(options.now ?? Date.now);
  }

  upsert(resource: unknown, options: { readonly cluster?: string } = {}): Diagnostic[] {
    const cluster = options.cluster ?? "";
    if (cluster !== "" && !this.registry.accepts(cluster)) {
      return [
        {
          severity: "error",
          message: `cluster "${cluster}" is not declared by a valid RemoteClusterConfiguration; its services are ignored`,
          cluster,
        },
      ];
    }
    const { resources, diagnostics } = convertResource(resource, { cluster });
    for (const model of resources) this.apply(model, diagnostics);
    return diagnostics;
  }

  private apply(model: ModelResource, diagnostics: Diagnostic[]): void {
    switch (model.kind) {
      case "Service": {
        this.services.set(key(model.cluster, model.namespace, model.name), model);
        this.dirty.add(model.namespace);
        const selector = model.cluster === "" && isAnnotated(model) ? effectiveSelector(model) : undefined;
        if (selector !== undefined && "reason" in selector) {
          diagnostics.push({
            severity: "warning",
            message: `not federated: ${selector.reason}`,
            kind: "Service",
            namespace: model.namespace,
            name: model.name,
            field: `metadata.annotations.${SERVICE_SELECTOR_ANNOTATION}`,
          });
        }
        break;
      }
      case "Endpoints":
        this.endpointsByKey.set(key(model.cluster, model.namespace, model.name), model);
        this.dirty.add(model.namespace);
        break;
      case "RemoteClusterConfiguration": {
        if (model.cluster !== "") break;
        diagnostics.push(...validateRemoteClusterConfiguration(model));
        const valid = isValidRemoteCluster(model);
        this.registry.declare(model.name, valid, "Config is incomplete");
        if (!valid) this.forgetCluster(model.name);
        this.markClusterDirty();
        break;
      }
      default:
        diagnostics.push({
          severity: "warning",
          message: `the federated services controller uses Services, Endpoints and RemoteClusterConfigurations; a ${model.kind} is ignored`,
          cluster: model.cluster,
          kind: model.kind,
        });
    }
  }

  remove(
    ref: { readonly kind: string; readonly name: string; readonly namespace?: string },
    options: { readonly cluster?: string } = {},
  ): void {
    const cluster = options.cluster ?? "";
    const namespace = ref.namespace ?? "";
    const k = key(cluster, namespace, ref.name);
    if (ref.kind === "Service" && this.services.delete(k)) this.dirty.add(namespace);
    else if (ref.kind === "Endpoints" && this.endpointsByKey.delete(k)) this.dirty.add(namespace);
    else if (ref.kind === "RemoteClusterConfiguration" && cluster === "") {
      this.registry.undeclare(ref.name);
      this.forgetCluster(ref.name);
      this.markClusterDirty();
    }
  }

  setRemoteClusterStatus(cluster: string, status: RemoteClusterStatus, error?: string): void {
    if (!this.registry.setStatus(cluster, status, error)) return;
    // Calico stops the remote's syncer when its configuration is incomplete: its data is deleted.
    if (status === "ConfigIncomplete") this.forgetCluster(cluster);
    this.markClusterDirty();
  }

  /** Deletes what a remote cluster sent (its configuration went, or became unusable). */
  private forgetCluster(cluster: string): void {
    for (const [k, service] of this.services) if (service.cluster === cluster) this.services.delete(k);
    for (const [k, endpoints] of this.endpointsByKey) if (endpoints.cluster === cluster) this.endpointsByKey.delete(k);
  }

  markLocalInSync(): void {
    this.registry.markLocalInSync();
  }

  flush(): FederatedServicesChanges {
    const changes: FederatedServicesChanges = { write: [], delete: [] };
    if (!this.registry.inSync()) return changes;
    for (const namespace of this.dirty) this.recompute(namespace, changes);
    this.dirty.clear();
    return changes;
  }

  endpoints(namespace: string, name: string): object | undefined {
    return this.current(namespace, name)?.endpoints;
  }

  endpointSlices(namespace: string, name: string): object[] {
    return this.current(namespace, name)?.slices ?? [];
  }

  status(namespace: string, name: string): FederatedServiceStatus | undefined {
    const service = this.services.get(key("", namespace, name));
    if (service === undefined) return undefined;
    if (!isAnnotated(service)) {
      const reason = `it has no ${SERVICE_SELECTOR_ANNOTATION} annotation`;
      return { federated: false, reason, selector: "", backingServices: [], droppedPorts: [] };
    }
    return this.compute(service).status;
  }

  /** The wanted objects for a federated Service, computed from the current data. */
  private current(namespace: string, name: string): Wanted | undefined {
    const service = this.services.get(key("", namespace, name));
    if (service === undefined || !isAnnotated(service)) return undefined;
    const wanted = this.compute(service);
    return wanted.status.federated ? wanted : undefined;
  }

  /** A cluster appeared, vanished or changed status: every namespace with a local Service may change. */
  private markClusterDirty(): void {
    for (const service of this.services.values()) if (service.cluster === "") this.dirty.add(service.namespace);
  }

  /** Whether a cluster's services count right now (rule 14: a disconnected remote's vanish at once). */
  private connected(cluster: string): boolean {
    if (cluster === "") return true;
    const status = this.registry.status(cluster);
    return this.registry.accepts(cluster) && status !== "ConnectionFailed" && status !== "ConfigIncomplete";
  }

  /** Recomputes a namespace's federated Services and records what to write or delete. */
  private recompute(namespace: string, changes: FederatedServicesChanges): void {
    const stillWanted = new Set<string>();
    for (const service of this.services.values()) {
      if (service.cluster !== "" || service.namespace !== namespace) continue;
      if (!isAnnotated(service)) continue;
      const wanted = this.compute(service);
      if (!wanted.status.federated) continue;
      const k = `${namespace}|${service.name}`;
      stillWanted.add(k);
      this.emit(k, service, wanted, changes);
    }
    for (const [k, previous] of this.emitted) {
      const [ns, name] = k.split("|") as [string, string];
      if (ns !== namespace || stillWanted.has(k)) continue;
      changes.delete.push({ kind: "Endpoints", namespace: ns, name });
      for (const slice of previous.slices.keys())
        changes.delete.push({ kind: "EndpointSlice", namespace: ns, name: slice });
      this.emitted.delete(k);
    }
  }

  private emit(k: string, service: Service, wanted: Wanted, changes: FederatedServicesChanges): void {
    const previous = this.emitted.get(k);
    const endpointsJson = JSON.stringify(wanted.endpoints);
    if (previous?.endpoints !== endpointsJson) changes.write.push(wanted.endpoints);
    const slices = new Map<string, string>();
    for (const slice of wanted.slices) {
      const name = (slice as { metadata: { name: string } }).metadata.name;
      const json = JSON.stringify(slice);
      slices.set(name, json);
      if (previous?.slices.get(name) !== json) changes.write.push(slice);
    }
    for (const name of previous?.slices.keys() ?? []) {
      if (!slices.has(name)) changes.delete.push({ kind: "EndpointSlice", namespace: service.namespace, name });
    }
    this.emitted.set(k, { endpoints: endpointsJson, slices });
  }

  /** Rules 1–11 for one local Service. */
  private compute(service: Service): Wanted {
    const raw = service.annotations[SERVICE_SELECTOR_ANNOTATION] ?? "";
    const selector = effectiveSelector(service);
    if ("reason" in selector) {
      const status = {
        federated: false,
        reason: selector.reason,
        selector: raw,
        backingServices: [],
        droppedPorts: [],
      };
      return { endpoints: {}, slices: [], status };
    }
    const wantedPorts = new Set(service.ports.map((p) => `${p.name}|${p.protocol}`));
    const backing = this.backingServices(service, selector);
    const entries: Entry[] = [];
    const droppedPorts: (BackingService & { port: EndpointPort })[] = [];
    for (const backer of backing) {
      const endpoints = this.endpointsByKey.get(key(backer.cluster, service.namespace, backer.name));
      for (const subset of endpoints?.subsets ?? []) {
        for (const port of subset.ports) {
          if (!wantedPorts.has(`${port.name}|${port.protocol}`)) {
            droppedPorts.push({ cluster: backer.cluster, name: backer.name, port });
            continue;
          }
          for (const address of subset.addresses) {
            entries.push({ cluster: backer.cluster, ready: true, address: copyAddress(address, backer.cluster), port });
          }
          for (const address of subset.notReadyAddresses) {
            entries.push({
              cluster: backer.cluster,
              ready: false,
              address: copyAddress(address, backer.cluster),
              port,
            });
          }
        }
      }
    }
    const normalised = normalise(entries);
    return {
      endpoints: endpointsObject(service, raw, normalised),
      slices: sliceObjects(service, normalised, this.localClusterName),
      status: { federated: true, selector: raw, backingServices: backing, droppedPorts },
    };
  }

  /** Rules 2, 3 and 6: non-federated Services of the namespace, in connected clusters, whose augmented labels match. */
  private backingServices(service: Service, selector: Selector): BackingService[] {
    const backing: BackingService[] = [];
    for (const candidate of this.services.values()) {
      if (candidate.namespace !== service.namespace || !this.connected(candidate.cluster)) continue;
      if (isAnnotated(candidate)) continue;
      const labels = candidate.labels;
      // Rule 3: labels are only added: the namespace, and for remote Services their cluster.
      const matches = selector.matchesWith((label) => {
        if (label === NAMESPACE_LABEL) return candidate.namespace;
        if (label === REMOTE_CLUSTER_LABEL && candidate.cluster !== "") return candidate.cluster;
        return Object.hasOwn(labels, label) ? labels[label] : undefined;
      });
      if (matches) backing.push({ cluster: candidate.cluster, name: candidate.name });
    }
    return backing.sort((a, b) =>
      a.cluster === b.cluster
        ? byName(a.name, b.name)
        : a.cluster === ""
          ? -1
          : b.cluster === ""
            ? 1
            : byName(a.cluster, b.cluster),
    );
  }
}

/** Creates the federated services controller core. */
export function createFederatedServicesController(options: FederatedServicesOptions = {}): FederatedServicesController {
  return new Controller(options);
}
