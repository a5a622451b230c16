/**
 * Cluster-level configuration that federation checks and uses: nodes, IP pools and the
 * RemoteClusterConfigurations that declare remote clusters.
 */

/** A Kubernetes Node: what federation checks need (names unique across the mesh, subnets apart). */
export interface Node {
  /** Discriminant. */
  readonly kind: "Node";
  /** Owning cluster. */
  readonly cluster: string;
  /** Node name. */
  readonly name: string;
  /** `status.addresses` of type InternalIP or ExternalIP, canonical. */
  readonly addresses: readonly string[];
  /** The node's own subnets from Calico's `projectcalico.org/IPv4Address`/`IPv6Address` annotations (masked). */
  readonly subnets: readonly string[];
  /** `spec.podCIDRs` (or `spec.podCIDR`), masked. */
  readonly podCIDRs: readonly string[];
}

/** A Calico IPPool. */
export interface IPPool {
  /** Discriminant. */
  readonly kind: "IPPool";
  /** Owning cluster. */
  readonly cluster: string;
  /** Resource name. */
  readonly name: string;
  /** The pool's network, masked and canonical. */
  readonly cidr: string;
  /** `Never`, `Always` or `CrossSubnet`. */
  readonly ipipMode: string;
  /** `Never`, `Always` or `CrossSubnet`. */
  readonly vxlanMode: string;
  /** Whether traffic leaving the pool is SNATed. */
  readonly natOutgoing: boolean;
  /** Whether the pool is disabled for allocation. */
  readonly disabled: boolean;
  /** Which nodes allocate from the pool (a selector; `all()` by default). */
  readonly nodeSelector: string;
}

/**
 * A RemoteClusterConfiguration: declares the remote cluster named `name`. Fields are kept as
 * written; validation belongs to federation/.
 */
export interface RemoteClusterConfiguration {
  /** Discriminant. */
  readonly kind: "RemoteClusterConfiguration";
  /** Owning (declaring) cluster: the local cluster. */
  readonly cluster: string;
  /** The remote cluster's name. */
  readonly name: string;
  /** `spec` string, boolean and object fields as written (e.g. `datastoreType`, `kubeconfig`). */
  readonly spec: Readonly<Record<string, unknown>>;
}
