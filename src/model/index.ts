/**
 * model/ — the typed, cluster-aware data that every calculation works on. Plain readonly data:
 * no classes, no behaviour beyond rendering keys. Everything here is produced by k8s/ from raw
 * resources; the engine never sees raw YAML. Besides data, only key rendering and a walk over
 * rules' sides.
 *
 * Every object names its cluster: `""` is the local cluster, any other value is the name of the
 * RemoteClusterConfiguration that declared the remote cluster. Identity is (cluster, kind, own
 * key); keys render as calicoq prints them, remote ones prefixed with `<cluster>/`.
 *
 * Must not import from k8s/, index/, calc/ or federation/.
 */
import type { IPPool, Node, RemoteClusterConfiguration } from "./cluster.js";
import type { HostEndpoint, NetworkSet, WorkloadEndpoint } from "./endpoints.js";
import type { Policy, Profile, Tier } from "./policy.js";
import type { EndpointSlice, Endpoints, Service } from "./service.js";

export type { IPPool, Node, RemoteClusterConfiguration } from "./cluster.js";
export { type Diagnostic, formatDiagnostic, type Origin } from "./diagnostic.js";
export type { HostEndpoint, LabelMap, NamedPort, NetworkSet, WorkloadEndpoint } from "./endpoints.js";
export type {
  EntityMatch,
  IcmpMatch,
  Policy,
  PolicyKind,
  Profile,
  Protocol,
  Rule,
  RuleAction,
  RulePort,
  Tier,
} from "./policy.js";
export { type RuleLists, type RuleSideAt, ruleSides } from "./rule-sides.js";
export type {
  EndpointAddress,
  EndpointPort,
  EndpointSlice,
  EndpointSubset,
  Endpoints,
  ObjectReference,
  Service,
  ServicePort,
  SliceEndpoint,
} from "./service.js";

/** Any object of the model. */
export type ModelResource =
  | WorkloadEndpoint
  | HostEndpoint
  | NetworkSet
  | Profile
  | Policy
  | Tier
  | IPPool
  | Node
  | RemoteClusterConfiguration
  | Service
  | Endpoints
  | EndpointSlice;

function inCluster(cluster: string, key: string): string {
  return cluster === "" ? key : `${cluster}/${key}`;
}

/** calicoq's name for a workload endpoint: `<node>/<orchestrator>/<ns>.<workload>/<endpoint>`, remote ones prefixed. */
export function workloadEndpointId(wep: WorkloadEndpoint): string {
  return inCluster(wep.cluster, `${wep.node}/${wep.orchestrator}/${wep.namespace}.${wep.workload}/${wep.endpoint}`);
}

/** calicoq's name for a host endpoint: `<node>/<name>`, remote ones prefixed. */
export function hostEndpointId(hep: HostEndpoint): string {
  return inCluster(hep.cluster, `${hep.node}/${hep.name}`);
}

/** A profile's name as Felix keys it across clusters: `kns.shop`, remote `east/kns.shop`. */
export function profileId(cluster: string, name: string): string {
  return inCluster(cluster, name);
}
