/**
 * Cluster-level configuration that federation checks and uses: IP pools and the
 * RemoteClusterConfigurations that declare remote clusters.
 */

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
