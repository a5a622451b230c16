/**
 * Builders for raw resources as `kubectl get -o yaml` / `calicoctl get -o yaml` print them
 * (parsed), shared by the scenario tests, the oracle's own tests and the property generators.
 * Only the fields the calculation reads are filled in, plus a little realistic metadata.
 */

/** A raw resource. */
export type Raw = Record<string, unknown>;

/** Kubernetes API versions and Calico's. */
export const CALICO = "projectcalico.org/v3";
export const NETWORKING = "networking.k8s.io/v1";

function metadata(name: string, namespace: string | undefined, labels: Record<string, string> | undefined): Raw {
  return {
    name,
    ...(namespace === undefined ? {} : { namespace }),
    ...(labels === undefined ? {} : { labels }),
    resourceVersion: "4711",
  };
}

/** A v1 Namespace. */
export function namespace(name: string, labels?: Record<string, string>): Raw {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: metadata(name, undefined, labels),
    status: { phase: "Active" },
  };
}

/** A v1 ServiceAccount. */
export function serviceAccount(ns: string, name: string, labels?: Record<string, string>): Raw {
  return { apiVersion: "v1", kind: "ServiceAccount", metadata: metadata(name, ns, labels) };
}

/** A container port as a pod spec writes it. */
export interface ContainerPort {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol?: string;
}

/** What a running pod needs. */
export interface PodSpec {
  readonly namespace: string;
  readonly name: string;
  /** `undefined`: not scheduled yet. */
  readonly node: string | undefined;
  readonly labels?: Record<string, string>;
  readonly serviceAccount?: string;
  readonly ips: readonly string[];
  readonly ports?: readonly ContainerPort[];
}

/** A running v1 Pod. */
export function pod(spec: PodSpec): Raw {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: metadata(spec.name, spec.namespace, spec.labels),
    spec: {
      ...(spec.node === undefined ? {} : { nodeName: spec.node }),
      ...(spec.serviceAccount === undefined ? {} : { serviceAccountName: spec.serviceAccount }),
      containers: [{ name: "main", image: "registry.example.com/app:1.4.2", ports: spec.ports ?? [] }],
    },
    status: {
      phase: spec.node === undefined ? "Pending" : "Running",
      ...(spec.ips.length === 0 ? {} : { podIP: spec.ips[0], podIPs: spec.ips.map((ip) => ({ ip })) }),
    },
  };
}

/** A Calico HostEndpoint port. */
export interface HostPort {
  readonly name?: string;
  readonly protocol: string | number;
  readonly port: number;
}

/** A Calico HostEndpoint. */
export function hostEndpoint(spec: {
  readonly name: string;
  readonly node: string;
  readonly labels?: Record<string, string>;
  readonly interfaceName?: string;
  readonly expectedIPs?: readonly string[];
  readonly profiles?: readonly string[];
  readonly ports?: readonly HostPort[];
}): Raw {
  return {
    apiVersion: CALICO,
    kind: "HostEndpoint",
    metadata: metadata(spec.name, undefined, spec.labels),
    spec: {
      node: spec.node,
      ...(spec.interfaceName === undefined ? {} : { interfaceName: spec.interfaceName }),
      ...(spec.expectedIPs === undefined ? {} : { expectedIPs: spec.expectedIPs }),
      ...(spec.profiles === undefined ? {} : { profiles: spec.profiles }),
      ...(spec.ports === undefined ? {} : { ports: spec.ports }),
    },
  };
}

/** A Calico NetworkSet (namespaced). */
export function networkSet(ns: string, name: string, labels: Record<string, string>, nets: readonly string[]): Raw {
  return { apiVersion: CALICO, kind: "NetworkSet", metadata: metadata(name, ns, labels), spec: { nets } };
}

/** A Calico GlobalNetworkSet. */
export function globalNetworkSet(name: string, labels: Record<string, string>, nets: readonly string[]): Raw {
  return { apiVersion: CALICO, kind: "GlobalNetworkSet", metadata: metadata(name, undefined, labels), spec: { nets } };
}

/** A Calico rule, as written in YAML. */
export type CalicoRule = Record<string, unknown>;

/** A Calico NetworkPolicy. */
export function calicoPolicy(
  ns: string,
  name: string,
  spec: { selector?: string; ingress?: CalicoRule[]; egress?: CalicoRule[]; order?: number; types?: string[] },
): Raw {
  return { apiVersion: CALICO, kind: "NetworkPolicy", metadata: metadata(name, ns, undefined), spec };
}

/** A Calico GlobalNetworkPolicy. */
export function globalPolicy(
  name: string,
  spec: {
    selector?: string;
    namespaceSelector?: string;
    ingress?: CalicoRule[];
    egress?: CalicoRule[];
    order?: number;
    types?: string[];
  },
): Raw {
  return { apiVersion: CALICO, kind: "GlobalNetworkPolicy", metadata: metadata(name, undefined, undefined), spec };
}

/** A Kubernetes NetworkPolicy; `spec` as written. */
export function k8sPolicy(ns: string, name: string, spec: Record<string, unknown>): Raw {
  return { apiVersion: NETWORKING, kind: "NetworkPolicy", metadata: metadata(name, ns, undefined), spec };
}

/** A Calico Profile. */
export function calicoProfile(
  name: string,
  spec: { labelsToApply?: Record<string, string>; ingress?: CalicoRule[]; egress?: CalicoRule[] },
): Raw {
  return { apiVersion: CALICO, kind: "Profile", metadata: metadata(name, undefined, undefined), spec };
}

/** Declares the remote cluster `east` in the local cluster: without it, the engine refuses east's data. */
export const EAST_RCC: Raw = {
  apiVersion: "projectcalico.org/v3",
  kind: "RemoteClusterConfiguration",
  metadata: { name: "east" },
  spec: { datastoreType: "kubernetes", kubeconfig: "/etc/fedcalc/east.kubeconfig" },
};
