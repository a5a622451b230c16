/**
 * Calico v3 endpoint resources → model: WorkloadEndpoint, HostEndpoint, NetworkSet and
 * GlobalNetworkSet, as Felix's syncer update processors hand them to the calculation
 * (calico-semantics.md §2.5, §2.7, §2.8; the label override of §2.4's last sentence).
 *
 * Strictness follows Felix. Its workload-endpoint processor fails the whole endpoint when an
 * address does not parse, so we report an error and convert nothing; the host-endpoint and
 * network-set processors skip an entry that does not parse, so we warn and skip that entry.
 * Ports are checked as Calico's validator checks them, but a bad port costs only that port (a
 * warning), not the endpoint.
 *
 * Example: a WEP in namespace `shop` with labels `{app: checkout, pcns.team: x}`, orchestrator
 * `k8s` and service account `checkout` gets labels `{app: checkout,
 * projectcalico.org/namespace: shop, projectcalico.org/orchestrator: k8s,
 * projectcalico.org/serviceaccount: checkout}`: the `pcns.` label is dropped, because only the
 * namespace profile may supply those.
 */
import type { HostEndpoint, ModelResource, NamedPort, NetworkSet, Protocol, WorkloadEndpoint } from "../model/index.js";
import { parseCidrOrIp, parseIp } from "../net/index.js";
import {
  isProfileLabel,
  LABEL_NAMESPACE,
  LABEL_ORCHESTRATOR,
  LABEL_SERVICE_ACCOUNT,
  namespaceProfileName,
} from "./calico-names.js";
import { type ConvertContext, type Field, type StringItem, setOwn } from "./read.js";

/**
 * Converts a v3 WorkloadEndpoint as Felix's workload-endpoint processor does (§2.5). A WEP with no
 * `ipNetworks` is not an error but has no model form (Felix filters it out); one whose addresses
 * do not parse is rejected.
 */
export function convertCalicoWorkloadEndpoint(resource: Field, ctx: ConvertContext): ModelResource[] {
  const spec = resource.get("spec");
  if (spec.exists && !spec.isObject()) return [];
  const node = spec.get("node").requiredString();
  const orchestrator = spec.get("orchestrator").requiredString();
  const workload = orchestrator === undefined ? undefined : workloadId(spec, orchestrator);
  const endpoint = spec.get("endpoint").requiredString();
  if (node === undefined || orchestrator === undefined || workload === undefined || endpoint === undefined) return [];

  const addresses = spec.get("ipNetworks").stringItems();
  if (addresses.length === 0) return [];
  const nets = hostNetworks(addresses);
  const othersParse = otherAddressesParse(spec); // checked even when a net failed, to report every problem
  if (nets === undefined || !othersParse) return [];

  const serviceAccount = spec.get("serviceAccountName").string() ?? "";
  const wep: WorkloadEndpoint = {
    kind: "WorkloadEndpoint",
    cluster: ctx.cluster,
    node,
    orchestrator,
    namespace: ctx.namespace,
    workload,
    endpoint,
    labels: workloadLabels(resource.get("metadata").get("labels"), ctx.namespace, orchestrator, serviceAccount),
    profiles: spec.get("profiles").strings(),
    ipv4Nets: nets.ipv4,
    ipv6Nets: nets.ipv6,
    ports: spec
      .get("ports")
      .items()
      .flatMap((item) => workloadPort(item) ?? []),
  };
  return [wep];
}

/**
 * Converts a HostEndpoint (§2.7): labels verbatim, `expectedIPs` split by family (an entry that is
 * not an IP is skipped with a warning), every valid port kept whether named or not.
 */
export function convertHostEndpoint(resource: Field, ctx: ConvertContext): ModelResource[] {
  const spec = resource.get("spec");
  if (spec.exists && !spec.isObject()) return [];
  const node = spec.get("node").requiredString();
  if (node === undefined) return [];
  const expectedIPv4: string[] = [];
  const expectedIPv6: string[] = [];
  for (const { field, text } of spec.get("expectedIPs").stringItems()) {
    const ip = parseIp(text);
    if (ip === undefined) field.report("warning", `${JSON.stringify(text)} is not an IP address; it is ignored`);
    else (ip.family === 4 ? expectedIPv4 : expectedIPv6).push(ip.address);
  }
  const hep: HostEndpoint = {
    kind: "HostEndpoint",
    cluster: ctx.cluster,
    node,
    name: ctx.name,
    labels: resource.get("metadata").get("labels").stringMap(),
    profiles: spec.get("profiles").strings(),
    interfaceName: spec.get("interfaceName").string() ?? "",
    expectedIPv4,
    expectedIPv6,
    ports: spec
      .get("ports")
      .items()
      .flatMap((item) => hostPort(item) ?? []),
  };
  return [hep];
}

/**
 * Converts a namespaced NetworkSet (§2.8): its labels plus a forced `projectcalico.org/namespace`,
 * and the namespace profile as parent so it inherits the namespace's `pcns.` labels.
 */
export function convertNetworkSet(resource: Field, ctx: ConvertContext): ModelResource[] {
  const labels = resource.get("metadata").get("labels").stringMap();
  setOwn(labels, LABEL_NAMESPACE, ctx.namespace);
  return networkSet(resource, ctx, ctx.namespace, labels, [namespaceProfileName(ctx.namespace)]);
}

/**
 * Converts a GlobalNetworkSet (§2.8): labels verbatim, no namespace and no profiles, which is
 * what lets `global()` namespace selectors (`!has(projectcalico.org/namespace)`) pick it.
 */
export function convertGlobalNetworkSet(resource: Field, ctx: ConvertContext): ModelResource[] {
  return networkSet(resource, ctx, "", resource.get("metadata").get("labels").stringMap(), []);
}

function networkSet(
  resource: Field,
  ctx: ConvertContext,
  namespace: string,
  labels: Record<string, string>,
  profiles: string[],
): ModelResource[] {
  const spec = resource.get("spec");
  if (spec.exists && !spec.isObject()) return [];
  const nets = spec
    .get("nets")
    .stringItems()
    .flatMap(({ field, text }) => {
      const parsed = parseCidrOrIp(text);
      if (parsed === undefined)
        field.report("warning", `${JSON.stringify(text)} is not a CIDR or IP address; it is ignored`);
      return parsed === undefined ? [] : [parsed.cidr];
    });
  const set: NetworkSet = {
    kind: "NetworkSet",
    cluster: ctx.cluster,
    namespace,
    name: ctx.name,
    labels,
    profiles,
    nets,
  };
  return [set];
}

/**
 * The workload part of Felix's endpoint key. Felix reads it from the WEP's name, which Calico
 * builds from a spec field that depends on the orchestrator: the pod for `k8s`, the container ID
 * for `cni`, the constant `libnetwork` for libnetwork, and `workload` for anything else.
 */
function workloadId(spec: Field, orchestrator: string): string | undefined {
  switch (orchestrator) {
    case "k8s":
      return spec.get("pod").requiredString();
    case "cni":
      return spec.get("containerID").requiredString();
    case "libnetwork":
      return "libnetwork";
    default:
      return spec.get("workload").requiredString();
  }
}

/**
 * A WEP's networks as host addresses, split by family: Felix masks each network and then uses
 * only its address, so `10.0.0.5/24` contributes `10.0.0.0/32`. `undefined` when any entry does
 * not parse, because Felix then drops the whole endpoint.
 */
function hostNetworks(entries: readonly StringItem[]): { ipv4: string[]; ipv6: string[] } | undefined {
  const nets = { ipv4: [] as string[], ipv6: [] as string[] };
  let valid = true;
  for (const { field, text } of entries) {
    const parsed = parseCidrOrIp(text);
    if (parsed === undefined) {
      field.report("error", `${JSON.stringify(text)} is not a CIDR or IP address; the endpoint is not used`);
      valid = false;
      continue;
    }
    const address = parsed.cidr.slice(0, parsed.cidr.indexOf("/"));
    const hostBits = parsed.family === 4 ? 32 : 128;
    if (parsed.prefixLength !== hostBits) {
      field.report(
        "warning",
        `${JSON.stringify(text)} is not a single address; Felix uses its network address ${address}`,
      );
    }
    (parsed.family === 4 ? nets.ipv4 : nets.ipv6).push(`${address}/${hostBits}`);
  }
  return valid ? nets : undefined;
}

/** Go's `net.ParseMAC` formats: 6, 8 or 20 octets, `:`- or `-`-separated pairs, or `.`-separated quads. */
const MAC_ADDRESS =
  /^(?:[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}(?:(?:\1[0-9a-f]{2}){2}|(?:\1[0-9a-f]{2}){14})?|[0-9a-f]{4}(?:\.[0-9a-f]{4}){2}(?:\.[0-9a-f]{4}|(?:\.[0-9a-f]{4}){7})?)$/i;

/**
 * Felix's processor also parses the gateways, the MAC and the spoofing allowances, and drops the
 * endpoint when one of them does not parse; we report an error and do the same.
 */
function otherAddressesParse(spec: Field): boolean {
  const problems = [
    ...["ipv4Gateway", "ipv6Gateway"].map((key) => spec.get(key)),
    ...spec.get("allowSpoofedSourcePrefixes").items(),
  ].filter((field) => {
    const text = field.string();
    return text !== undefined && text !== "" && parseCidrOrIp(text) === undefined;
  });
  const mac = spec.get("mac");
  const macText = mac.string();
  if (macText !== undefined && macText !== "" && !MAC_ADDRESS.test(macText)) problems.push(mac);
  for (const field of problems) {
    field.report("error", `${JSON.stringify(field.value)} does not parse; the endpoint is not used`);
  }
  return problems.length === 0;
}

/**
 * A WEP's labels for Felix: the `pcns.`/`pcsa.` labels dropped (only profiles may supply them),
 * the namespace and orchestrator labels the v3 client forces on every stored WEP, and the
 * service-account label the processor adds from `spec.serviceAccountName`.
 */
function workloadLabels(
  field: Field,
  namespace: string,
  orchestrator: string,
  serviceAccount: string,
): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(field.stringMap())) {
    if (isProfileLabel(key)) {
      field.get(key).report("warning", "is ignored: labels starting with pcns. or pcsa. come only from profiles");
    } else {
      setOwn(labels, key, value);
    }
  }
  setOwn(labels, LABEL_NAMESPACE, namespace);
  setOwn(labels, LABEL_ORCHESTRATOR, orchestrator);
  if (serviceAccount !== "") setOwn(labels, LABEL_SERVICE_ACCOUNT, serviceAccount);
  return labels;
}

/**
 * A WEP port, if it is a valid named port. Unnamed ports that set `hostPort` are written by
 * Calico's own pod conversion and CNI plugin; Felix ignores them, so they are dropped silently.
 * An unnamed port without `hostPort` is one Calico's validator rejects.
 */
function workloadPort(item: Field): NamedPort | undefined {
  if (!isPortObject(item)) return undefined;
  const name = portName(item.get("name"));
  if (name === "") {
    const hostPort = item.get("hostPort").value;
    if (typeof hostPort !== "number" || hostPort <= 0) {
      skipPort(item.get("name"), "is required unless the port sets hostPort");
    }
    return undefined;
  }
  return name === undefined ? undefined : endpointPort(item, name);
}

/** A HEP port: named or not (`""`), as long as its protocol and number are valid. */
function hostPort(item: Field): NamedPort | undefined {
  if (!isPortObject(item)) return undefined;
  const name = portName(item.get("name"));
  return name === undefined ? undefined : endpointPort(item, name);
}

function isPortObject(item: Field): boolean {
  const { value } = item;
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return true;
  skipPort(item, "expected an object with name, protocol and port");
  return false;
}

/** The port's name, `""` when absent, `undefined` (reported) when not a string. */
function portName(field: Field): string | undefined {
  if (!field.exists) return "";
  if (typeof field.value === "string") return field.value;
  skipPort(field, `expected a string, got ${JSON.stringify(field.value)}`);
  return undefined;
}

/** Protocols that carry ports (Calico's `SupportsPorts`), as written → as Felix's model writes them. */
const PORT_PROTOCOLS: ReadonlyMap<string, Protocol> = new Map<string, Protocol>([
  ["TCP", "tcp"],
  ["tcp", "tcp"],
  ["UDP", "udp"],
  ["udp", "udp"],
  ["SCTP", "sctp"],
  ["sctp", "sctp"],
]);
const PROTOCOL_EXPECTED = "TCP, UDP, SCTP or a protocol number from 1 to 255";
const PORT_EXPECTED = "an integer from 1 to 65535";

/** Checks protocol and number (reporting both when both are wrong) and builds the model port. */
function endpointPort(item: Field, name: string): NamedPort | undefined {
  const protocol = portProtocol(item.get("protocol"));
  const port = portNumber(item.get("port"));
  return protocol === undefined || port === undefined ? undefined : { name, protocol, port };
}

/** Calico decodes a protocol given as a numeric string (`"6"`) as that number. */
function portProtocol(field: Field): Protocol | undefined {
  const { value } = field;
  const number = typeof value === "string" && /^[0-9]+$/.test(value) ? Number(value) : value;
  if (typeof number === "number" && Number.isInteger(number) && number >= 1 && number <= 255) return number;
  const name = typeof value === "string" ? PORT_PROTOCOLS.get(value) : undefined;
  if (name !== undefined) return name;
  skipPort(
    field,
    field.exists ? `${JSON.stringify(value)} is not ${PROTOCOL_EXPECTED}` : `is required (${PROTOCOL_EXPECTED})`,
  );
  return undefined;
}

function portNumber(field: Field): number | undefined {
  const { value } = field;
  if (typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 65535) return value;
  skipPort(field, field.exists ? `${JSON.stringify(value)} is not ${PORT_EXPECTED}` : `is required (${PORT_EXPECTED})`);
  return undefined;
}

function skipPort(field: Field, problem: string): void {
  field.report("warning", `${problem}; the port is ignored`);
}
