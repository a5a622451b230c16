/**
 * One raw resource in, model objects and diagnostics out: reads `apiVersion`, `kind` and
 * `metadata`, and hands the resource to the converter for its kind. Never throws on user data.
 */
import type { Diagnostic, ModelResource, Origin } from "../model/index.js";
import { convertIPPool, convertRemoteClusterConfiguration, convertTier } from "./calico-cluster.js";
import {
  convertCalicoWorkloadEndpoint,
  convertGlobalNetworkSet,
  convertHostEndpoint,
  convertNetworkSet,
} from "./calico-endpoints.js";
import { convertCalicoNetworkPolicy, convertCalicoProfile, convertGlobalNetworkPolicy } from "./calico-policy.js";
import { convertKubernetesNetworkPolicy } from "./k8s-network-policy.js";
import { convertNamespace, convertServiceAccount } from "./namespace.js";
import { convertNode } from "./node.js";
import { convertPod } from "./pod.js";
import { type ConvertContext, Field } from "./read.js";
import { convertEndpointSlice, convertEndpoints, convertService } from "./service.js";

/** Turns one resource (already known to be of its kind) into model objects. */
export type Converter = (resource: Field, ctx: ConvertContext) => ModelResource[];

/** Options for {@link convertResource}. */
export interface ConvertOptions {
  /** The cluster the resource belongs to; `""` (the default) is the local cluster. */
  readonly cluster?: string;
  /** Where the resource was read from, for diagnostics. */
  readonly origin?: Origin;
}

/** The model objects made from one resource, and what was wrong with it. */
export interface ConvertResult {
  /** Model objects (none when the resource was rejected or has no model form, e.g. a host-network pod). */
  readonly resources: ModelResource[];
  /** Problems found; `error` ones mean something was not converted. */
  readonly diagnostics: Diagnostic[];
}

interface KindInfo {
  readonly convert: Converter;
  readonly namespaced: boolean;
}

const KUBERNETES: ReadonlyMap<string, KindInfo> = new Map([
  ["v1/Pod", { convert: convertPod, namespaced: true }],
  ["v1/Namespace", { convert: convertNamespace, namespaced: false }],
  ["v1/Node", { convert: convertNode, namespaced: false }],
  ["v1/ServiceAccount", { convert: convertServiceAccount, namespaced: true }],
  ["v1/Service", { convert: convertService, namespaced: true }],
  ["v1/Endpoints", { convert: convertEndpoints, namespaced: true }],
  ["discovery.k8s.io/v1/EndpointSlice", { convert: convertEndpointSlice, namespaced: true }],
  ["networking.k8s.io/v1/NetworkPolicy", { convert: convertKubernetesNetworkPolicy, namespaced: true }],
]);

const CALICO_KINDS: ReadonlyMap<string, KindInfo> = new Map([
  ["NetworkPolicy", { convert: convertCalicoNetworkPolicy, namespaced: true }],
  ["GlobalNetworkPolicy", { convert: convertGlobalNetworkPolicy, namespaced: false }],
  ["Profile", { convert: convertCalicoProfile, namespaced: false }],
  ["WorkloadEndpoint", { convert: convertCalicoWorkloadEndpoint, namespaced: true }],
  ["HostEndpoint", { convert: convertHostEndpoint, namespaced: false }],
  ["NetworkSet", { convert: convertNetworkSet, namespaced: true }],
  ["GlobalNetworkSet", { convert: convertGlobalNetworkSet, namespaced: false }],
  ["Tier", { convert: convertTier, namespaced: false }],
  ["IPPool", { convert: convertIPPool, namespaced: false }],
  ["RemoteClusterConfiguration", { convert: convertRemoteClusterConfiguration, namespaced: false }],
]);

/** calicoctl writes `projectcalico.org/v3`; `kubectl get` of Calico's CRDs writes `crd.projectcalico.org/v1`. */
const CALICO_API_VERSIONS = new Set(["projectcalico.org/v3", "crd.projectcalico.org/v1"]);

function kindInfo(apiVersion: string, kind: string): KindInfo | undefined {
  return CALICO_API_VERSIONS.has(apiVersion) ? CALICO_KINDS.get(kind) : KUBERNETES.get(`${apiVersion}/${kind}`);
}

/**
 * Converts one raw Kubernetes or Calico resource (as `kubectl get -o yaml` or
 * `calicoctl get -o yaml` prints it, parsed) into model objects.
 *
 * Never throws on user data: an unknown kind, a missing name or a malformed field becomes a
 * diagnostic, and whatever could still be converted is returned.
 */
export function convertResource(raw: unknown, options: ConvertOptions = {}): ConvertResult {
  const diagnostics: Diagnostic[] = [];
  const base: ConvertContext = {
    cluster: options.cluster ?? "",
    origin: options.origin ?? {},
    kind: "",
    namespace: "",
    name: "",
    diagnostics,
  };
  const root = new Field(base, "", raw);
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    const got = raw === null || raw === undefined ? "nothing" : Array.isArray(raw) ? "a list" : `a ${typeof raw}`;
    root.report("error", `expected a resource (an object with apiVersion and kind), got ${got}`);
    return { resources: [], diagnostics };
  }
  const apiVersion = root.get("apiVersion").requiredString();
  const kind = root.get("kind").requiredString();
  if (apiVersion === undefined || kind === undefined) return { resources: [], diagnostics };

  const metadata = root.get("metadata");
  const ctx: ConvertContext = {
    ...base,
    kind,
    name: metadata.get("name").string() ?? "",
    namespace: metadata.get("namespace").string() ?? "",
  };
  const resource = new Field(ctx, "", raw);
  const info = kindInfo(apiVersion, kind);
  if (info === undefined) {
    resource.get("kind").report("error", `unsupported resource ${apiVersion}/${kind}`);
    return { resources: [], diagnostics };
  }
  if (resource.get("metadata").get("name").requiredString() === undefined) return { resources: [], diagnostics };
  if (info.namespaced && ctx.namespace === "") {
    resource.get("metadata").get("namespace").report("error", `is required for a ${kind}`);
    return { resources: [], diagnostics };
  }
  return { resources: info.convert(resource, ctx), diagnostics };
}
