/**
 * Things that have addresses and labels: workload endpoints (pods), host endpoints and network
 * sets. Profiles (namespaces, service accounts) give them inherited labels; see policy.ts.
 */
import type { Protocol } from "./policy.js";

/** Labels: own string-valued properties only (keys such as `__proto__` are ordinary keys). */
export type LabelMap = Readonly<Record<string, string>>;

/** A named port on an endpoint, which rules can refer to by name (`ports: ["http"]`). */
export interface NamedPort {
  /** The port's name (`http`). */
  readonly name: string;
  /** Its protocol: `tcp`, `udp`, `sctp`, or a protocol number. */
  readonly protocol: Protocol;
  /** The port number. */
  readonly port: number;
}

/** A pod's network interface, or a Calico WorkloadEndpoint (Felix's WorkloadEndpointKey + value). */
export interface WorkloadEndpoint {
  /** Discriminant. */
  readonly kind: "WorkloadEndpoint";
  /** Owning cluster: `""` for local, else the RemoteClusterConfiguration name. */
  readonly cluster: string;
  /** The node (Felix's hostname) the workload runs on. */
  readonly node: string;
  /** Orchestrator ID: `k8s` for pods; `cni`, `libnetwork`, `openstack` otherwise. */
  readonly orchestrator: string;
  /** The workload's namespace. */
  readonly namespace: string;
  /** The workload (pod) name. */
  readonly workload: string;
  /** The endpoint (interface) ID, `eth0` for pods. */
  readonly endpoint: string;
  /** Own labels, after Calico's additions (`projectcalico.org/namespace`, …) and `pcns.`/`pcsa.` stripping. */
  readonly labels: LabelMap;
  /** Profile names in inheritance order (`kns.<ns>`, then `ksa.<ns>.<sa>`), without cluster prefix. */
  readonly profiles: readonly string[];
  /** IPv4 networks, canonical (`10.0.0.1/32`). */
  readonly ipv4Nets: readonly string[];
  /** IPv6 networks, canonical (`fd00::1/128`). */
  readonly ipv6Nets: readonly string[];
  /** Named ports (only ports with a name survive). */
  readonly ports: readonly NamedPort[];
}

/** A Calico HostEndpoint. Only `expectedIPs` ever become IP-set members. */
export interface HostEndpoint {
  /** Discriminant. */
  readonly kind: "HostEndpoint";
  /** Owning cluster: `""` for local, else the RemoteClusterConfiguration name. */
  readonly cluster: string;
  /** The node it belongs to (`spec.node`). */
  readonly node: string;
  /** The resource name (Felix's EndpointID). */
  readonly name: string;
  /** Labels, verbatim (no prefix stripping for host endpoints). */
  readonly labels: LabelMap;
  /** Profile names in inheritance order. */
  readonly profiles: readonly string[];
  /** `spec.interfaceName`: a name, `*` for all interfaces, or `""`. */
  readonly interfaceName: string;
  /** IPv4 addresses from `spec.expectedIPs`. */
  readonly expectedIPv4: readonly string[];
  /** IPv6 addresses from `spec.expectedIPs`. */
  readonly expectedIPv6: readonly string[];
  /** Ports (named or not), protocol lower-cased. */
  readonly ports: readonly NamedPort[];
}

/** A NetworkSet (namespaced) or GlobalNetworkSet (`namespace` is `""`): labelled CIDRs. */
export interface NetworkSet {
  /** Discriminant. */
  readonly kind: "NetworkSet";
  /** Owning cluster. */
  readonly cluster: string;
  /** Namespace, or `""` for a GlobalNetworkSet. */
  readonly namespace: string;
  /** Resource name. */
  readonly name: string;
  /** Labels; a namespaced set also carries `projectcalico.org/namespace`. */
  readonly labels: LabelMap;
  /** `["kns.<ns>"]` for a namespaced set, `[]` for a global one. */
  readonly profiles: readonly string[];
  /** Masked networks, canonical (`10.0.0.0/8`); invalid entries were skipped with a diagnostic. */
  readonly nets: readonly string[];
}
