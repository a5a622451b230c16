/**
 * A plain, from-scratch model of Calico's federated services controller, written from
 * /work/shared/spec/federation.md A.3 and A.5 (rules 1–15) and NOT from src/federation/services.ts.
 * It exists only so that services.property.test.ts can compare the real controller against
 * something independent.
 *
 * It keeps the raw Kubernetes objects it is given (Services and Endpoints per cluster, `""` being
 * the local cluster), the local RemoteClusterConfigurations (valid or not, as the caller says) and
 * each remote cluster's connection status, and recomputes every federated Service's Endpoints from
 * scratch on every question. Selectors are evaluated with the independent reference
 * implementation in test/selector/reference.ts.
 *
 * Decisions where the spec leaves the order open (Calico iterates a Go map there) follow the
 * documented order of fedcalc: the local cluster first, then remote clusters by name, backing
 * Services by name, subsets and ports as given, ready addresses before not-ready ones; of two
 * entries with the same (IP, port) the later one wins (rule 10).
 *
 * What the model says, in short:
 * - remote data is accepted only while a valid local RCC declares the cluster; deleting the RCC or
 *   making it invalid deletes that cluster's data (A.3);
 * - a remote cluster contributes backends while its status is not `ConnectionFailed` (or
 *   `ConfigIncomplete`, whose data Calico deletes) (rule 14);
 * - nothing is emitted until the local data is in sync and every remote declared (validly) at that
 *   moment has reached `InSync` or `ConnectionFailed` once, or stopped being declared (A.3).
 */
import { type RefNode, RefSyntaxError, refEvaluate, refParse } from "../selector/reference.js";

export const ANNOTATION = "federation.tigera.io/serviceSelector";
export const CLUSTER_LABEL = "federation.tigera.io/remoteClusterName";
export const NAMESPACE_LABEL = "projectcalico.org/namespace";

/** The statuses a remote cluster can be given. */
export type OracleStatus =
  | "Connecting"
  | "ResyncInProgress"
  | "InSync"
  | "ConnectionFailed"
  | "ConfigIncomplete"
  | "ConfigChangeRestartRequired";

/** A raw Kubernetes object as the test builds it. */
export type RawObject = Record<string, unknown>;

/** An endpoint port with the Kubernetes defaults filled in. */
export interface OraclePort {
  readonly name: string;
  readonly protocol: string;
  readonly port: number;
}

/** One address × one port of the federated Endpoints, with the cluster it came from. */
export interface OracleEntry {
  readonly cluster: string;
  readonly ready: boolean;
  readonly address: Record<string, unknown>;
  readonly port: OraclePort;
}

/** What the oracle says about one local Service. */
export interface OracleService {
  readonly federated: boolean;
  /** The annotation's value (`""` when there is none). */
  readonly selector: string;
  /** Backing Services, local first, then by cluster name, then by name. */
  readonly backing: readonly { readonly cluster: string; readonly name: string }[];
  /** Backing ports whose (name, protocol) the federated Service lacks. */
  readonly dropped: readonly { readonly cluster: string; readonly name: string; readonly port: OraclePort }[];
  /** The normalised entries (rule 10). */
  readonly entries: readonly OracleEntry[];
  /** The Endpoints object to write (rule 11); undefined when not federated. */
  readonly endpoints: Record<string, unknown> | undefined;
}

interface RemoteCluster {
  valid: boolean;
  status: OracleStatus;
  /** Reached InSync or ConnectionFailed at least once since it was (validly) declared. */
  settled: boolean;
}

type Kind = "Service" | "Endpoints";

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.map(record) : [];
}

function stringRecord(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [k, v] of Object.entries(record(value))) if (typeof v === "string") result[k] = v;
  return result;
}

/** A port with Kubernetes defaults: name `""`, protocol `TCP`. */
function port(raw: Record<string, unknown>): OraclePort {
  return {
    name: typeof raw.name === "string" ? raw.name : "",
    protocol: typeof raw.protocol === "string" ? raw.protocol : "TCP",
    port: typeof raw.port === "number" ? raw.port : 0,
  };
}

/** Rules 8 and 9: ip, hostname, nodeName and targetRef copied; a remote targetRef's name becomes `<rcc>/<name>`. */
function copyAddress(raw: Record<string, unknown>, cluster: string): Record<string, unknown> {
  const address: Record<string, unknown> = { ip: raw.ip };
  if (typeof raw.hostname === "string") address.hostname = raw.hostname;
  if (typeof raw.nodeName === "string") address.nodeName = raw.nodeName;
  if (raw.targetRef !== undefined) {
    const ref: Record<string, string> = {};
    for (const field of ["kind", "namespace", "name", "uid"]) {
      const value = record(raw.targetRef)[field];
      if (typeof value === "string") ref[field] = value;
    }
    if (cluster !== "" && ref.name !== undefined && ref.name !== "") ref.name = `${cluster}/${ref.name}`;
    address.targetRef = ref;
  }
  return address;
}

function portJson(p: OraclePort): Record<string, unknown> {
  return p.name === "" ? { port: p.port, protocol: p.protocol } : { name: p.name, port: p.port, protocol: p.protocol };
}

export class ServicesOracle {
  /** cluster → `kind|namespace|name` → raw object. */
  private readonly data = new Map<string, Map<string, RawObject>>([["", new Map()]]);
  private readonly remotes = new Map<string, RemoteCluster>();
  /** Remote clusters start-up still waits for; undefined until the local data is in sync. */
  private awaited: Set<string> | undefined;

  /** Whether data for a cluster is accepted now. */
  accepts(cluster: string): boolean {
    return cluster === "" || this.remotes.get(cluster)?.valid === true;
  }

  /** Stores a Service or Endpoints of a cluster; returns false (and stores nothing) if the cluster is not accepted. */
  upsert(raw: RawObject, cluster = ""): boolean {
    if (!this.accepts(cluster)) return false;
    const metadata = record(raw.metadata);
    const key = `${String(raw.kind)}|${String(metadata.namespace)}|${String(metadata.name)}`;
    let objects = this.data.get(cluster);
    if (objects === undefined) {
      objects = new Map();
      this.data.set(cluster, objects);
    }
    objects.set(key, raw);
    return true;
  }

  remove(kind: Kind, namespace: string, name: string, cluster = ""): void {
    this.data.get(cluster)?.delete(`${kind}|${namespace}|${name}`);
  }

  /** The (kind, namespace, name) of everything held from a cluster. */
  held(cluster: string): { kind: Kind; namespace: string; name: string }[] {
    return [...(this.data.get(cluster)?.keys() ?? [])].map((key) => {
      const [kind, namespace, name] = key.split("|") as [Kind, string, string];
      return { kind, namespace, name };
    });
  }

  /** A local RCC was created or updated; `valid` is whether Calico accepts it. */
  declareRcc(name: string, valid: boolean): void {
    const existing = this.remotes.get(name);
    if (valid) {
      if (existing?.valid) return; // still the same connection
      this.remotes.set(name, { valid: true, status: "Connecting", settled: false });
      return;
    }
    this.remotes.set(name, { valid: false, status: "ConfigIncomplete", settled: false });
    this.data.delete(name);
    this.awaited?.delete(name);
  }

  deleteRcc(name: string): void {
    this.remotes.delete(name);
    this.data.delete(name);
    this.awaited?.delete(name);
  }

  setStatus(cluster: string, status: OracleStatus): void {
    const remote = this.remotes.get(cluster);
    if (remote === undefined) return;
    remote.status = status;
    if (status === "InSync" || status === "ConnectionFailed") {
      remote.settled = true;
      this.awaited?.delete(cluster);
    }
  }

  markLocalInSync(): void {
    this.awaited ??= new Set(
      [...this.remotes].filter(([, remote]) => remote.valid && !remote.settled).map(([name]) => name),
    );
  }

  inSync(): boolean {
    return this.awaited !== undefined && this.awaited.size === 0;
  }

  /** Whether a cluster's Services count now (rule 14). */
  private contributes(cluster: string): boolean {
    if (cluster === "") return true;
    const remote = this.remotes.get(cluster);
    return remote?.valid === true && remote.status !== "ConnectionFailed" && remote.status !== "ConfigIncomplete";
  }

  /** Clusters in the documented order: local, then remote by name. */
  private clusters(): string[] {
    return ["", ...[...this.data.keys()].filter((c) => c !== "").sort(compare)];
  }

  private objects(cluster: string, kind: Kind, namespace?: string): RawObject[] {
    return [...(this.data.get(cluster)?.values() ?? [])].filter((raw) => {
      if (raw.kind !== kind) return false;
      return namespace === undefined || record(raw.metadata).namespace === namespace;
    });
  }

  /** The local Services, as `namespace/name`. */
  localServices(): { namespace: string; name: string }[] {
    return this.objects("", "Service").map((raw) => {
      const metadata = record(raw.metadata);
      return { namespace: String(metadata.namespace), name: String(metadata.name) };
    });
  }

  /** Rules 1, 3, 4, 5: the Service's effective selector, or why it is not federated (undefined when not annotated). */
  private selectorOf(raw: RawObject): { node: RefNode } | { error: string } | undefined {
    const metadata = record(raw.metadata);
    const annotations = stringRecord(metadata.annotations);
    if (!Object.hasOwn(annotations, ANNOTATION)) return undefined;
    if (Object.keys(record(record(raw.spec).selector)).length > 0) return { error: "spec.selector" };
    const expression = annotations[ANNOTATION]!;
    const namespaced = `${NAMESPACE_LABEL} == '${String(metadata.namespace)}'`;
    try {
      return { node: refParse(expression === "" ? namespaced : `${namespaced} && (${expression})`) };
    } catch (error) {
      if (error instanceof RefSyntaxError) return { error: "selector" };
      throw error;
    }
  }

  /** What the controller should say about a local Service; undefined for an unknown one. */
  service(namespace: string, name: string): OracleService | undefined {
    const raw = this.data.get("")?.get(`Service|${namespace}|${name}`);
    if (raw === undefined) return undefined;
    const annotations = stringRecord(record(raw.metadata).annotations);
    const selector = annotations[ANNOTATION] ?? "";
    const parsed = this.selectorOf(raw);
    if (parsed === undefined || "error" in parsed) {
      return { federated: false, selector, backing: [], dropped: [], entries: [], endpoints: undefined };
    }
    const wanted = new Set(list(record(raw.spec).ports).map((p) => `${port(p).name}|${port(p).protocol}`));

    // Rules 2, 3, 6: non-annotated Services of the namespace, in contributing clusters, by augmented labels.
    const backing: { cluster: string; name: string }[] = [];
    for (const cluster of this.clusters()) {
      if (!this.contributes(cluster)) continue;
      const candidates = this.objects(cluster, "Service", namespace)
        .filter((candidate) => !Object.hasOwn(stringRecord(record(candidate.metadata).annotations), ANNOTATION))
        .filter((candidate) => {
          const labels: Record<string, string> = {
            ...stringRecord(record(candidate.metadata).labels),
            [NAMESPACE_LABEL]: namespace,
          };
          if (cluster !== "") labels[CLUSTER_LABEL] = cluster;
          return refEvaluate(parsed.node, (label) => (Object.hasOwn(labels, label) ? labels[label] : undefined));
        })
        .map((candidate) => String(record(candidate.metadata).name))
        .sort(compare);
      for (const candidate of candidates) backing.push({ cluster, name: candidate });
    }

    // Rules 7, 8, 9: explode, keep matching ports with the backing port number, copy addresses.
    const exploded: OracleEntry[] = [];
    const dropped: { cluster: string; name: string; port: OraclePort }[] = [];
    for (const { cluster, name: backer } of backing) {
      const endpoints = this.data.get(cluster)?.get(`Endpoints|${namespace}|${backer}`);
      if (endpoints === undefined) continue;
      for (const subset of list(endpoints.subsets)) {
        for (const rawPort of list(subset.ports)) {
          const p = port(rawPort);
          if (!wanted.has(`${p.name}|${p.protocol}`)) {
            dropped.push({ cluster, name: backer, port: p });
            continue;
          }
          for (const address of list(subset.addresses)) {
            exploded.push({ cluster, ready: true, address: copyAddress(address, cluster), port: p });
          }
          for (const address of list(subset.notReadyAddresses)) {
            exploded.push({ cluster, ready: false, address: copyAddress(address, cluster), port: p });
          }
        }
      }
    }

    // Rule 10: de-duplicate on (IP, port), later wins; sort by port name, protocol, IP, port number.
    const unique = new Map<string, OracleEntry>();
    for (const entry of exploded) {
      unique.set(`${String(entry.address.ip)}|${entry.port.name}|${entry.port.protocol}|${entry.port.port}`, entry);
    }
    const entries = [...unique.values()].sort(
      (a, b) =>
        compare(a.port.name, b.port.name) ||
        compare(a.port.protocol, b.port.protocol) ||
        compare(String(a.address.ip), String(b.address.ip)) ||
        a.port.port - b.port.port,
    );

    // Rule 11: the object written, annotated, with empty subsets when nothing matches.
    const endpoints = {
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: { name, namespace, annotations: { [ANNOTATION]: selector } },
      subsets: entries.map((entry) => ({
        [entry.ready ? "addresses" : "notReadyAddresses"]: [entry.address],
        ports: [portJson(entry.port)],
      })),
    };
    return { federated: true, selector, backing, dropped, entries, endpoints };
  }

  /** Every Endpoints object that should exist now, by `namespace/name`. */
  desired(): Map<string, Record<string, unknown>> {
    const result = new Map<string, Record<string, unknown>>();
    for (const { namespace, name } of this.localServices()) {
      const endpoints = this.service(namespace, name)?.endpoints;
      if (endpoints !== undefined) result.set(`${namespace}/${name}`, endpoints);
    }
    return result;
  }
}

/**
 * The documented slice name: `<service>-<FNV-1a of "<service>|<source cluster>|<family>|<n>">`,
 * computed here independently of the controller.
 */
export function sliceName(service: string, source: string, family: "IPv4" | "IPv6", n = 0): string {
  let hash = 0x811c9dc5;
  for (const c of `${service}|${source}|${family}|${n}`) {
    hash ^= c.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${service}-${hash.toString(16).padStart(8, "0")}`;
}
