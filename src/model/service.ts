/**
 * Kubernetes Services and their endpoints, as the federated-services controller needs them.
 */
import type { LabelMap } from "./endpoints.js";

/** A port of a Service. */
export interface ServicePort {
  /** Port name (`""` when unnamed). */
  readonly name: string;
  /** `TCP`, `UDP` or `SCTP` (Kubernetes spelling; default `TCP`). */
  readonly protocol: string;
  /** The Service's port. */
  readonly port: number;
  /** Target port: a number or a container port name, if set. */
  readonly targetPort?: number | string;
}

/** A Kubernetes Service. */
export interface Service {
  /** Discriminant. */
  readonly kind: "Service";
  /** Owning cluster. */
  readonly cluster: string;
  /** Namespace. */
  readonly namespace: string;
  /** Name. */
  readonly name: string;
  /** Labels. */
  readonly labels: LabelMap;
  /** Annotations. */
  readonly annotations: LabelMap;
  /** `spec.selector` (pod label selector); empty when the Service has none. */
  readonly podSelector: LabelMap;
  /** Ports. */
  readonly ports: readonly ServicePort[];
  /** `spec.ipFamilies` (`IPv4`, `IPv6`). */
  readonly ipFamilies: readonly string[];
}

/** A reference to the object behind an endpoint address (usually a Pod). */
export interface ObjectReference {
  /** Kind (`Pod`). */
  readonly kind?: string;
  /** Namespace. */
  readonly namespace?: string;
  /** Name. */
  readonly name?: string;
  /** UID. */
  readonly uid?: string;
}

/** One address of an Endpoints subset. */
export interface EndpointAddress {
  /** The IP. */
  readonly ip: string;
  /** Hostname, if set. */
  readonly hostname?: string;
  /** Node name, if set. */
  readonly nodeName?: string;
  /** The backing object. */
  readonly targetRef?: ObjectReference;
}

/** A port of an Endpoints subset or EndpointSlice. */
export interface EndpointPort {
  /** Port name (`""` when unnamed). */
  readonly name: string;
  /** `TCP`, `UDP` or `SCTP`. */
  readonly protocol: string;
  /** Port number. */
  readonly port: number;
}

/** One subset of a v1 Endpoints object. */
export interface EndpointSubset {
  /** Ready addresses. */
  readonly addresses: readonly EndpointAddress[];
  /** Addresses not ready. */
  readonly notReadyAddresses: readonly EndpointAddress[];
  /** Ports. */
  readonly ports: readonly EndpointPort[];
}

/** A v1 Endpoints object. */
export interface Endpoints {
  /** Discriminant. */
  readonly kind: "Endpoints";
  /** Owning cluster. */
  readonly cluster: string;
  /** Namespace. */
  readonly namespace: string;
  /** Name (the Service's name). */
  readonly name: string;
  /** Labels. */
  readonly labels: LabelMap;
  /** Annotations. */
  readonly annotations: LabelMap;
  /** Subsets. */
  readonly subsets: readonly EndpointSubset[];
}

/** One endpoint of an EndpointSlice. */
export interface SliceEndpoint {
  /** Addresses (all of the slice's address type). */
  readonly addresses: readonly string[];
  /** Readiness conditions (unset means unknown). */
  readonly conditions: { readonly ready?: boolean; readonly serving?: boolean; readonly terminating?: boolean };
  /** Hostname, if set. */
  readonly hostname?: string;
  /** Node name, if set. */
  readonly nodeName?: string;
  /** The backing object. */
  readonly targetRef?: ObjectReference;
}

/** A discovery.k8s.io/v1 EndpointSlice. */
export interface EndpointSlice {
  /** Discriminant. */
  readonly kind: "EndpointSlice";
  /** Owning cluster. */
  readonly cluster: string;
  /** Namespace. */
  readonly namespace: string;
  /** Name. */
  readonly name: string;
  /** The owning Service (label `kubernetes.io/service-name`), `""` if absent. */
  readonly serviceName: string;
  /** Labels. */
  readonly labels: LabelMap;
  /** `IPv4`, `IPv6` or `FQDN`. */
  readonly addressType: string;
  /** Endpoints. */
  readonly endpoints: readonly SliceEndpoint[];
  /** Ports. */
  readonly ports: readonly EndpointPort[];
}
