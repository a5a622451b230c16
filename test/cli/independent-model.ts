/**
 * An independent reading of a federation folder, for checking the CLI against: which pods and
 * host endpoints are endpoints, their IDs as calicoq prints them, and the labels a selector sees.
 * Written from Calico's documented conversion (calicoq-format.md §0, the pod conversion notes in
 * src/k8s/pod.ts's header), with the `yaml` package and nothing from src/.
 *
 *   pod → endpoint when spec.nodeName is set, hostNetwork is not, it has an IP, and its phase is not
 *         Succeeded/Failed; labels = its own (minus pcns./pcsa. keys) + projectcalico.org/namespace,
 *         projectcalico.org/orchestrator=k8s, projectcalico.org/serviceaccount (when set); then its
 *         namespace's labels as pcns.<key> plus pcns.projectcalico.org/name, then its service
 *         account's as pcsa.<key> plus pcsa.projectcalico.org/name (when the account exists).
 *   HostEndpoint → endpoint `<node>/<name>` with its own labels.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { refEvaluate, refLookupIn, refParse } from "../selector/reference.js";
import { byteOrder } from "./run-cli.js";

/** One endpoint as an independent reading sees it. */
export interface IndependentEndpoint {
  /** `""` for the local cluster. */
  readonly cluster: string;
  readonly kind: "WorkloadEndpoint" | "HostEndpoint";
  /** The node, prefixed `<cluster>/` for a remote one (calicoq's Hostname). */
  readonly host: string;
  /** Workloads: `<namespace>/<pod>`. */
  readonly workload?: string;
  /** Workloads `eth0`; host endpoints their name. */
  readonly name: string;
  /** Every label a selector sees (own labels first; profile labels never shadow them). */
  readonly labels: Readonly<Record<string, string>>;
}

type Json = Record<string, unknown>;

const get = (object: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>(
    (value, key) => (value !== null && typeof value === "object" ? (value as Json)[key] : undefined),
    object,
  );
const text = (value: unknown): string => (typeof value === "string" ? value : "");
const stringMap = (value: unknown): Record<string, string> =>
  Object.fromEntries(
    Object.entries(value !== null && typeof value === "object" ? (value as Json) : {}).filter(
      (entry): entry is [string, string] => typeof entry[1] === "string",
    ),
  );

/** Every resource in one folder (recursively): documents, with `…List` and `List` objects unpacked. */
export function readResourcesIndependently(folder: string): Json[] {
  const files = readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ya?ml|json)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
  const resources: Json[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
      const value = doc.toJS() as unknown;
      if (value === null || typeof value !== "object") continue;
      const items = get(value, "items");
      if (text(get(value, "kind")).endsWith("List") && Array.isArray(items)) resources.push(...(items as Json[]));
      else resources.push(value as Json);
    }
  }
  return resources;
}

function prefixed(labels: Record<string, string>, prefix: string, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) out[prefix + key] = value;
  out[`${prefix}projectcalico.org/name`] = name;
  return out;
}

/** The endpoints of one cluster's resources (`cluster` is `""` for the local one). */
export function endpointsOf(resources: readonly Json[], cluster: string): IndependentEndpoint[] {
  const namespaces = new Map<string, Record<string, string>>();
  const accounts = new Map<string, Record<string, string>>();
  for (const r of resources) {
    const name = text(get(r, "metadata", "name"));
    if (r.kind === "Namespace") namespaces.set(name, stringMap(get(r, "metadata", "labels")));
    if (r.kind === "ServiceAccount") {
      accounts.set(`${text(get(r, "metadata", "namespace"))}/${name}`, stringMap(get(r, "metadata", "labels")));
    }
  }
  const host = (node: string) => (cluster === "" ? node : `${cluster}/${node}`);
  const endpoints: IndependentEndpoint[] = [];
  for (const r of resources) {
    const name = text(get(r, "metadata", "name"));
    if (r.kind === "HostEndpoint") {
      const labels = stringMap(get(r, "metadata", "labels"));
      endpoints.push({ cluster, kind: "HostEndpoint", host: host(text(get(r, "spec", "node"))), name, labels });
      continue;
    }
    if (r.kind !== "Pod") continue;
    const node = text(get(r, "spec", "nodeName"));
    const ips = get(r, "status", "podIPs");
    const hasIp = text(get(r, "status", "podIP")) !== "" || (Array.isArray(ips) && ips.length > 0);
    const phase = text(get(r, "status", "phase"));
    if (
      node === "" ||
      get(r, "spec", "hostNetwork") === true ||
      !hasIp ||
      phase === "Succeeded" ||
      phase === "Failed"
    ) {
      continue;
    }
    const namespace = text(get(r, "metadata", "namespace")) || "default";
    const account = text(get(r, "spec", "serviceAccountName"));
    const own = Object.fromEntries(
      Object.entries(stringMap(get(r, "metadata", "labels"))).filter(
        ([key]) => !key.startsWith("pcns.") && !key.startsWith("pcsa."),
      ),
    );
    const labels: Record<string, string> = {
      ...(accounts.has(`${namespace}/${account}`)
        ? prefixed(accounts.get(`${namespace}/${account}`)!, "pcsa.", account)
        : {}),
      ...(namespaces.has(namespace) ? prefixed(namespaces.get(namespace)!, "pcns.", namespace) : {}),
      ...own,
      "projectcalico.org/namespace": namespace,
      "projectcalico.org/orchestrator": "k8s",
      ...(account === "" ? {} : { "projectcalico.org/serviceaccount": account }),
    };
    endpoints.push({
      cluster,
      kind: "WorkloadEndpoint",
      host: host(node),
      workload: `${namespace}/${name}`,
      name: "eth0",
      labels,
    });
  }
  return endpoints;
}

/** calicoq's full name of an endpoint (`Workload endpoint <host>/k8s/<ns>.<pod>/eth0`, `Host endpoint <host>/<name>`). */
export function fullName(e: IndependentEndpoint): string {
  return e.kind === "HostEndpoint"
    ? `Host endpoint ${e.host}/${e.name}`
    : `Workload endpoint ${e.host}/k8s/${e.workload!.replace("/", ".")}/${e.name}`;
}

/** Endpoints sorted as the CLI sorts them: by full name, in byte order. */
export function sortByFullName<T extends IndependentEndpoint>(endpoints: readonly T[]): T[] {
  return [...endpoints].sort((a, b) => byteOrder(fullName(a), fullName(b)));
}

/** calicoq's eval JSON record of an endpoint (no remote_cluster: see queries.test.ts). */
export function evalRecord(e: IndependentEndpoint): Record<string, string> {
  return e.kind === "HostEndpoint"
    ? { node: e.host, name: e.name }
    : { node: e.host, orchestrator: "k8s", workload: e.workload!, name: e.name };
}

/** Whether a selector matches an endpoint, by the reference evaluator of test/selector. */
export function selects(selector: string, e: IndependentEndpoint): boolean {
  return refEvaluate(refParse(selector), refLookupIn(e.labels));
}
