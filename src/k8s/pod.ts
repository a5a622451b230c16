/**
 * Pods → workload endpoints, as Felix sees them (spec §2.4 for Calico's Pod conversion, §2.5 for
 * the WorkloadEndpoint update processor between it and Felix; both stages are applied here).
 *
 * Only a scheduled (`spec.nodeName` set), non-host-network pod with an IP is an endpoint; any other
 * pod converts to nothing, without a diagnostic, because that is normal. For example the pod
 * `shop/checkout-7d9f` on node `worker-1`, labelled `app: checkout`, with service account
 * `checkout` and IP `10.244.1.7` becomes the endpoint `worker-1/k8s/shop.checkout-7d9f/eth0` with
 *
 *   labels    app=checkout, projectcalico.org/namespace=shop,
 *             projectcalico.org/orchestrator=k8s, projectcalico.org/serviceaccount=checkout
 *   profiles  kns.shop, ksa.shop.checkout   (namespace first: it wins label inheritance)
 *   ipv4Nets  10.244.1.7/32
 *
 * and its named container ports. A pod label starting with `pcns.` or `pcsa.` is dropped, so a pod
 * cannot pose as being in a namespace or service account it is not in.
 */
import type { ModelResource, NamedPort, Protocol, WorkloadEndpoint } from "../model/index.js";
import { type ParsedCidr, parseCidrOrIp } from "../net/index.js";
import {
  isProfileLabel,
  LABEL_NAMESPACE,
  LABEL_ORCHESTRATOR,
  LABEL_SERVICE_ACCOUNT,
  namespaceProfileName,
  serviceAccountProfileName,
} from "./calico-names.js";
import { type ConvertContext, type Field, setOwn } from "./read.js";

/** Calico CNI's annotations (used when the pod status has no IP yet) and the AWS VPC CNI's. */
const ANNOTATION_POD_IPS = "cni.projectcalico.org/podIPs";
const ANNOTATION_POD_IP = "cni.projectcalico.org/podIP";
const ANNOTATION_AWS_POD_IPS = "vpc.amazonaws.com/pod-ips";

/** Where a pod's IPs are read from after the status fields, first non-empty wins; lists are comma-separated. */
const IP_ANNOTATIONS: readonly { readonly key: string; readonly list: boolean }[] = [
  { key: ANNOTATION_POD_IPS, list: true },
  { key: ANNOTATION_POD_IP, list: false },
  { key: ANNOTATION_AWS_POD_IPS, list: true },
];

/** Phases of a pod whose containers have stopped for good: its IPs may already be reused. */
const FINISHED_PHASES: ReadonlySet<string> = new Set(["Failed", "Succeeded", "Completed"]);

/** Kubernetes protocol → model protocol; an empty protocol is TCP, any other value is not a named port. */
const PORT_PROTOCOLS: ReadonlyMap<string, Protocol> = new Map<string, Protocol>([
  ["TCP", "tcp"],
  ["", "tcp"],
  ["UDP", "udp"],
  ["SCTP", "sctp"],
]);

/**
 * Converts a v1 Pod into its workload endpoint: `[]` for a pod that is not an endpoint (unscheduled,
 * host-network, finished, or without an IP), and also `[]` with an error when an IP is malformed,
 * which Calico treats as a failed conversion.
 */
export function convertPod(resource: Field, ctx: ConvertContext): ModelResource[] {
  const spec = resource.get("spec");
  const node = spec.get("nodeName").string() ?? "";
  if (node === "" || spec.get("hostNetwork").boolean() === true) return [];
  if (isFinished(resource)) return [];
  const nets = hostNetworks(podIps(resource));
  if (nets === undefined || nets.ipv4Nets.length + nets.ipv6Nets.length === 0) return [];

  const serviceAccount = spec.get("serviceAccountName").string() ?? "";
  const profiles = [namespaceProfileName(ctx.namespace)];
  if (serviceAccount !== "") profiles.push(serviceAccountProfileName(ctx.namespace, serviceAccount));
  const endpoint: WorkloadEndpoint = {
    kind: "WorkloadEndpoint",
    cluster: ctx.cluster,
    node,
    orchestrator: "k8s",
    namespace: ctx.namespace,
    workload: ctx.name,
    endpoint: "eth0",
    labels: endpointLabels(resource.get("metadata").get("labels"), ctx.namespace, serviceAccount),
    profiles,
    ...nets,
    ports: namedPorts(spec),
  };
  return [endpoint];
}

/**
 * Whether the pod has finished: a terminal phase, or, while it is being deleted, the CNI plugin
 * has blanked its IP annotation (Calico's and AWS's way of saying the IP is released).
 */
function isFinished(resource: Field): boolean {
  const metadata = resource.get("metadata");
  if (metadata.get("deletionTimestamp").exists) {
    const annotations = metadata.get("annotations");
    if (annotations.get(ANNOTATION_POD_IP).value === "" || annotations.get(ANNOTATION_AWS_POD_IPS).value === "") {
      return true;
    }
  }
  return FINISHED_PHASES.has(resource.get("status").get("phase").string() ?? "");
}

/** One IP as written, and the field it came from; `text` is `undefined` when the field had the wrong type (already reported). */
interface IpText {
  readonly field: Field;
  readonly text: string | undefined;
}

function ipText(field: Field): IpText {
  return { field, text: field.exists ? field.string() : "" };
}

/**
 * The pod's IPs from the first source that has any: `status.podIPs` (all entries, even empty
 * ones), `status.podIP`, then the CNI annotations. `[]` when none has.
 */
function podIps(resource: Field): IpText[] {
  const status = resource.get("status");
  const podIPs = status.get("podIPs").items();
  if (podIPs.length > 0) {
    // A non-object entry is reported by isObject(); a null one reads as an entry without an IP.
    return podIPs.map((entry) =>
      entry.exists && !entry.isObject() ? { field: entry, text: undefined } : ipText(entry.get("ip")),
    );
  }
  const podIP = ipText(status.get("podIP"));
  if (podIP.text) return [podIP];
  const annotations = resource.get("metadata").get("annotations");
  if (!annotations.isObject()) return [];
  for (const { key, list } of IP_ANNOTATIONS) {
    const { field, text } = ipText(annotations.get(key));
    if (text) return list ? text.split(",").map((ip) => ({ field, text: ip })) : [{ field, text }];
  }
  return [];
}

/**
 * The IPs as host networks split by family, or `undefined` if any is malformed (each one reported).
 * Calico keeps a pod IP written as a CIDR as its masked network, and Felix puts only that
 * network's address into IP sets, so `10.244.1.7/24` becomes `10.244.1.0/32`.
 */
function hostNetworks(ips: readonly IpText[]): Pick<WorkloadEndpoint, "ipv4Nets" | "ipv6Nets"> | undefined {
  const ipv4Nets: string[] = [];
  const ipv6Nets: string[] = [];
  let malformed = false;
  for (const { field, text } of ips) {
    const parsed = text === undefined ? undefined : parseCidrOrIp(text);
    if (parsed === undefined) {
      if (text !== undefined) field.report("error", `invalid pod IP ${JSON.stringify(text)}; the pod is not converted`);
      malformed = true;
    } else {
      (parsed.family === 4 ? ipv4Nets : ipv6Nets).push(hostNetwork(parsed));
    }
  }
  return malformed ? undefined : { ipv4Nets, ipv6Nets };
}

function hostNetwork(parsed: ParsedCidr): string {
  const address = parsed.cidr.slice(0, parsed.cidr.lastIndexOf("/"));
  return `${address}/${parsed.family === 4 ? 32 : 128}`;
}

/**
 * The pod's labels without `pcns.`/`pcsa.` keys, then Calico's namespace and orchestrator labels
 * (overriding the pod's), then the service-account label when the pod names one.
 */
function endpointLabels(podLabels: Field, namespace: string, serviceAccount: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(podLabels.stringMap())) {
    if (isProfileLabel(key)) {
      podLabels
        .get(key)
        .report("warning", "pcns./pcsa. labels come only from namespace/service-account profiles; ignored");
    } else {
      setOwn(labels, key, value);
    }
  }
  setOwn(labels, LABEL_NAMESPACE, namespace);
  setOwn(labels, LABEL_ORCHESTRATOR, "k8s");
  if (serviceAccount !== "") setOwn(labels, LABEL_SERVICE_ACCOUNT, serviceAccount);
  return labels;
}

/** Named container ports, from `containers` then `initContainers`, in order. */
function namedPorts(spec: Field): NamedPort[] {
  return ["containers", "initContainers"].flatMap((key) =>
    spec
      .get(key)
      .items()
      .flatMap((container) => (container.isObject() ? container.get("ports").items().flatMap(namedPort) : [])),
  );
}

/** A container port as a named port; none when it has no name or number (rules cannot refer to it). */
function namedPort(port: Field): NamedPort[] {
  if (!port.isObject()) return [];
  const number = port.get("containerPort").integer(0, 65535);
  const name = port.get("name").string() ?? "";
  if (number === undefined || number === 0 || name === "") return [];
  const protocolField = port.get("protocol");
  const written = protocolField.string();
  if (written === undefined && protocolField.exists) return [];
  const protocol = PORT_PROTOCOLS.get(written ?? "");
  if (protocol === undefined) {
    protocolField.report("warning", `unsupported protocol ${JSON.stringify(written)}; named port "${name}" ignored`);
    return [];
  }
  return [{ name, protocol, port: number }];
}
