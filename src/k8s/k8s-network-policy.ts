/**
 * Kubernetes NetworkPolicy → Calico v3 NetworkPolicy → model Policy (spec §3 and §8 item 11).
 *
 * Calico does not give Kubernetes policies a model of their own: it rewrites each one as the
 * Calico NetworkPolicy that `calicoctl get networkpolicy -o yaml` would show, and that object then
 * takes the same path to Felix as a hand-written one (§4, in calico-policy.ts). This file owns the
 * first step only. For example, in namespace `shop`
 *
 *   podSelector: { matchLabels: { app: checkout } }
 *   ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 8080 }, { port: 8081 }] }]
 *
 * becomes `order: 1000`, `tier: default`, `types: [Ingress]`, the selector
 * `projectcalico.org/orchestrator == 'k8s' && app == 'checkout'` and one rule
 * `{ action: Allow, protocol: TCP, source: { selector: "projectcalico.org/orchestrator == 'k8s'",
 * namespaceSelector: "all()" }, destination: { ports: ["8080:8081"] } }`.
 *
 * Calico's quirks are kept on purpose, because they decide what traffic is allowed: a port entry
 * `{}` means every TCP port (not all traffic); pod-side selectors always carry the orchestrator
 * clause, even for a namespace-only peer; an ipBlock whose `cidr` does not parse leaves a peer
 * with no restriction at all. Selector strings are built as Calico builds them, not canonicalised.
 *
 * The input is untrusted. Calico only ever sees policies the Kubernetes API server has accepted,
 * so input that server would refuse, and that would make the v3 policy unparseable or invalid, is
 * refused here, on the Kubernetes field: a field of the wrong type; a label key or value outside
 * Kubernetes' label syntax (a value `it's` would end the `'…'` quoting early); a port outside
 * 1–65535 or not a valid port name; a protocol other than TCP, UDP or SCTP; an `except` of another
 * address family than its `cidr`. The smallest enclosing unit is dropped with an error: the rule,
 * for anything inside a rule (as Calico drops a rule with an invalid port), else the whole policy.
 * What remains always passes the §4 conversion's validation.
 */
import type { ModelResource } from "../model/index.js";
import { type ParsedCidr, parseCidrOrIp } from "../net/index.js";
import { compareByUtf8 } from "../selector/index.js";
import { networkPolicyToModel } from "./calico-policy.js";
import { type ConvertContext, Field } from "./read.js";

/** The clause every pod-side selector starts with, so it never matches non-Kubernetes endpoints. */
const ORCHESTRATOR_CLAUSE = "projectcalico.org/orchestrator == 'k8s'";

/** Where Calico puts every converted Kubernetes policy. */
const ORDER = 1000;
const TIER = "default";

/**
 * Kubernetes' label syntax. A key is `[prefix/]name`: the prefix a DNS subdomain of at most 253
 * characters, the name (and any value) at most 63 characters of letters, digits, `-`, `_` and `.`,
 * beginning and ending with a letter or digit; a value may also be empty. Such keys are selector
 * identifiers, short enough to stay valid under Calico's `pcns.` prefix, and such values need no
 * escaping between single quotes.
 */
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MAX_DNS_SUBDOMAIN = 253;

/** The protocols a Kubernetes NetworkPolicy port may name. */
const PROTOCOLS: ReadonlySet<string> = new Set(["TCP", "UDP", "SCTP"]);

/** Go's `int32` bounds: Kubernetes decodes `port` (as IntOrString) and `endPort` into one. */
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** The matchExpressions operators Calico converts; it skips any other. */
const OPERATORS: ReadonlySet<string> = new Set(["In", "NotIn", "Exists", "DoesNotExist"]);

/** Pod selectors get the orchestrator clause; namespace selectors treat "present but empty" as `all()`. */
type SelectorKind = "pod" | "namespace";

/** A Calico port: an inclusive number range (`min === max` for one port) or a named port. */
type CalicoPort = { readonly min: number; readonly max: number } | { readonly name: string };

/** A Kubernetes port entry after defaulting: its protocol, and its port unless it means "all ports". */
interface PortEntry {
  readonly protocol: string;
  readonly port?: CalicoPort;
}

/** The peer fields of a v3 EntityRule (each omitted when empty, as calicoctl prints them). */
type V3Peer = {
  nets?: string[];
  selector?: string;
  namespaceSelector?: string;
  notNets?: string[];
};

/** A v3 EntityRule: a peer plus, on the destination side, ports. */
type V3Entity = V3Peer & { ports?: (number | string)[] };

/** A v3 Rule as Calico's Kubernetes conversion makes it: always Allow. */
type V3Rule = {
  action: "Allow";
  protocol?: string;
  source: V3Entity;
  destination: V3Entity;
};

type Direction = "ingress" | "egress";

/**
 * Converts a `networking.k8s.io/v1` NetworkPolicy into the Calico v3 NetworkPolicy Calico makes of
 * it (plain JSON, as `calicoctl get networkpolicy -o yaml` shows it).
 *
 * A rule that cannot be converted is dropped with an error and the others survive, as in Calico;
 * `undefined` (with errors) when the policy as a whole cannot be converted. Name and namespace come
 * from the resource's context.
 */
export function k8sNetworkPolicyToCalico(resource: Field): Record<string, unknown> | undefined {
  const spec = resource.get("spec");
  const converted = spec.exists && !spec.isObject() ? undefined : specToCalico(spec);
  if (converted === undefined) {
    resource.report("error", "the NetworkPolicy was not converted");
    return undefined;
  }
  const { name, namespace } = resource.ctx;
  return { apiVersion: "projectcalico.org/v3", kind: "NetworkPolicy", metadata: { name, namespace }, spec: converted };
}

/**
 * Converts a Kubernetes NetworkPolicy into the model Policy Felix would see: the v3 policy of
 * {@link k8sNetworkPolicyToCalico}, through the Calico NetworkPolicy conversion (§4) under the
 * kind `KubernetesNetworkPolicy`. `[]` when it cannot be converted.
 */
export function convertKubernetesNetworkPolicy(resource: Field, ctx: ConvertContext): ModelResource[] {
  const v3 = k8sNetworkPolicyToCalico(resource);
  if (v3 === undefined) return [];
  const policy = networkPolicyToModel(new Field(ctx, "", v3), ctx, "KubernetesNetworkPolicy");
  return policy === undefined ? [] : [policy];
}

function specToCalico(spec: Field): Record<string, unknown> | undefined {
  const selector = labelSelectorToCalico(spec.get("podSelector"), "pod");
  const ingressRules = list(spec.get("ingress"));
  const egressRules = list(spec.get("egress"));
  const types = policyTypes(spec.get("policyTypes"));
  if (selector === undefined || ingressRules === undefined || egressRules === undefined || types === undefined) {
    return undefined;
  }
  const ingress = ingressRules.flatMap((rule) => k8sRuleToCalico(rule, "ingress"));
  const egress = egressRules.flatMap((rule) => k8sRuleToCalico(rule, "egress"));
  if (egress.length > 0 && !types.has("Egress")) {
    spec
      .get("egress")
      .report("warning", "policyTypes does not include Egress, so these egress rules are converted but never applied");
  }
  // With no (known) types given, the policy is from before policyTypes existed: ingress only.
  const v3Types = ["Ingress", "Egress"].filter((type) => types.has(type));
  return {
    order: ORDER,
    tier: TIER,
    selector,
    types: v3Types.length === 0 ? ["Ingress"] : v3Types,
    ...(ingress.length === 0 ? {} : { ingress }),
    ...(egress.length === 0 ? {} : { egress }),
  };
}

/** The `Ingress`/`Egress` entries of `policyTypes`; other values are ignored, as Calico ignores them. */
function policyTypes(field: Field): Set<string> | undefined {
  const items = list(field);
  if (items === undefined) return undefined;
  const types = new Set<string>();
  for (const item of items) {
    const type = strictString(item);
    if (type === undefined) return undefined;
    if (type === "Ingress" || type === "Egress") types.add(type);
    else item.report("warning", `unknown policy type "${type}" is ignored`);
  }
  return types;
}

/** A list field's elements (absent reads as empty); `undefined`, reported, when it is not a list. */
function list(field: Field): Field[] | undefined {
  const items = field.items();
  return field.exists && !Array.isArray(field.value) ? undefined : items;
}

/** A string that must be there: absent, `null` or another type reads as `undefined`, reported. */
function strictString(field: Field): string | undefined {
  if (!field.exists) field.report("error", `expected a string, got ${field.value === null ? "null" : "nothing"}`);
  return field.string();
}

/** Whether a field is absent or an object; any other value is reported. */
function absentOrObject(field: Field): boolean {
  return !field.exists || field.isObject();
}

// ---------------------------------------------------------------------------------------------
// Label selectors (`k8sSelectorToCalico`)

/**
 * A Kubernetes label selector as a Calico selector string: clauses joined by ` && `, pod
 * selectors first getting the orchestrator clause; matchLabels sorted by key (`app == 'web'`),
 * then matchExpressions in order (`tier in { 'api', 'web' }`, `has(k)`, `! has(k)`). An absent
 * namespace selector is `""` (none); a present one with no terms is `all()`.
 *
 * `undefined` (reported) when a term is malformed or its key or a value is not valid in
 * Kubernetes; a selector with a term missing would match more than it should.
 */
function labelSelectorToCalico(selector: Field, kind: SelectorKind): string | undefined {
  const clauses = kind === "pod" ? [ORCHESTRATOR_CLAUSE] : [];
  if (!selector.exists) return clauses.join(" && ");
  if (!selector.isObject()) return undefined;
  const matchLabels = selector.get("matchLabels");
  const expressions = list(selector.get("matchExpressions"));
  if (!absentOrObject(matchLabels) || expressions === undefined) return undefined;
  if (kind === "namespace" && matchLabels.keys().length === 0 && expressions.length === 0) return "all()";

  let valid = true;
  for (const key of matchLabels.keys().sort(compareByUtf8)) {
    const field = matchLabels.get(key);
    const value = labelValue(field);
    if (!validKey(field, key) || value === undefined) valid = false;
    else clauses.push(`${key} == '${value}'`);
  }
  for (const expression of expressions) {
    const clause = expressionToCalico(expression);
    if (clause === undefined) valid = false;
    else if (clause !== "") clauses.push(clause);
  }
  return valid ? clauses.join(" && ") : undefined;
}

/** One matchExpression as a clause; `""` for an operator Calico ignores, `undefined` (reported) when malformed. */
function expressionToCalico(expression: Field): string | undefined {
  if (!expression.isObject()) {
    if (!expression.exists) expression.report("error", "expected an object, got null");
    return undefined;
  }
  const keyField = expression.get("key");
  const key = keyField.requiredString();
  const operatorField = expression.get("operator");
  const operator = operatorField.requiredString();
  if (key === undefined || operator === undefined) return undefined;
  if (!OPERATORS.has(operator)) {
    operatorField.report("warning", `unknown operator "${operator}": Calico ignores this expression`);
    return "";
  }
  if (!validKey(keyField, key)) return undefined;
  if (operator === "Exists") return `has(${key})`;
  if (operator === "DoesNotExist") return `! has(${key})`;
  const values = labelValues(expression.get("values"));
  if (values === undefined) return undefined;
  // Calico joins the values without checking there are any: `In` with none is `k in { '' }`.
  return `${key} ${operator === "In" ? "in" : "not in"} { '${values.join("', '")}' }`;
}

/** Whether `key` is a Kubernetes label key; reported on `field` if not. */
function validKey(field: Field, key: string): boolean {
  const parts = key.split("/");
  const name = parts.at(-1)!;
  const prefix = parts.length === 2 ? parts[0]! : undefined;
  const valid =
    parts.length <= 2 &&
    LABEL_NAME.test(name) &&
    (prefix === undefined || (prefix.length <= MAX_DNS_SUBDOMAIN && DNS_SUBDOMAIN.test(prefix)));
  if (!valid) field.report("error", `${JSON.stringify(key)} is not a valid Kubernetes label key`);
  return valid;
}

/** A label value, if it is a Kubernetes label value; `undefined`, reported, otherwise. */
function labelValue(field: Field): string | undefined {
  const value = strictString(field);
  if (value === undefined || LABEL_VALUE.test(value)) return value;
  field.report("error", `${JSON.stringify(value)} is not a valid Kubernetes label value`);
  return undefined;
}

function labelValues(field: Field): string[] | undefined {
  const items = list(field);
  if (items === undefined) return undefined;
  const values = items.map(labelValue);
  return values.every((value) => value !== undefined) ? (values as string[]) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Rules (`k8sRuleToCalico`)

/**
 * One Kubernetes rule as Calico rules: one per protocol (sorted) and peer (in order), each
 * protocol carrying its simplified port list. `[]`, with an error, when the rule cannot be
 * converted: Calico drops the whole rule then, which only ever allows less.
 */
function k8sRuleToCalico(rule: Field, direction: Direction): V3Rule[] {
  const converted = ruleParts(rule, direction);
  if (converted === undefined) {
    rule.report("error", "this rule was dropped because part of it could not be converted");
    return [];
  }
  const { peers, portsByProtocol } = converted;
  const rules: V3Rule[] = [];
  for (const protocol of [...portsByProtocol.keys()].sort(compareByUtf8)) {
    const ports = simplifyPorts(portsByProtocol.get(protocol)!).map(portToJson);
    const portMatch = ports.length === 0 ? {} : { ports };
    for (const peer of peers) {
      rules.push({
        action: "Allow",
        ...(protocol === "" ? {} : { protocol }),
        ...(direction === "ingress"
          ? { source: peer, destination: portMatch }
          : { source: {}, destination: { ...peer, ...portMatch } }),
      });
    }
  }
  return rules;
}

/** A rule's peers (one unrestricted peer when it has none) and its ports grouped by protocol. */
function ruleParts(
  rule: Field,
  direction: Direction,
): { peers: V3Peer[]; portsByProtocol: Map<string, CalicoPort[]> } | undefined {
  if (!absentOrObject(rule)) return undefined;
  const peerFields = list(rule.get(direction === "ingress" ? "from" : "to"));
  const portFields = list(rule.get("ports"));
  if (peerFields === undefined || portFields === undefined) return undefined;
  // Convert everything before giving up, so every problem in the rule is reported.
  const peers = peerFields.map(peerToCalico);
  const ports = portFields.map(portEntry);
  if (!peers.every((peer) => peer !== undefined) || !ports.every((port) => port !== undefined)) return undefined;
  return {
    peers: peers.length === 0 ? [{}] : (peers as V3Peer[]),
    portsByProtocol: groupByProtocol(ports as PortEntry[]),
  };
}

/**
 * Port entries grouped by protocol. No entries at all is the protocol `""` (any) with no ports.
 * An empty list means "all ports of this protocol", so an entry without a port empties its
 * protocol's list for good, whatever comes before or after it.
 */
function groupByProtocol(entries: readonly PortEntry[]): Map<string, CalicoPort[]> {
  const byProtocol = new Map<string, CalicoPort[]>();
  if (entries.length === 0) byProtocol.set("", []);
  for (const { protocol, port } of entries) {
    const ports = byProtocol.get(protocol);
    if (port === undefined) byProtocol.set(protocol, []);
    else if (ports === undefined) byProtocol.set(protocol, [port]);
    else if (ports.length > 0) ports.push(port);
  }
  return byProtocol;
}

/**
 * Calico's `SimplifyPorts`: named ports first (in order), then the numeric ports sorted, merged
 * and coalesced into ranges (`[80, 81, 82, 9090]` ⇒ `["80:82", 9090]`). Lists of at most one port,
 * or covering at most one port number, are returned as they are (`[80, "http"]` keeps its order).
 */
function simplifyPorts(ports: readonly CalicoPort[]): readonly CalicoPort[] {
  if (ports.length <= 1) return ports;
  const named = ports.filter((port) => "name" in port);
  const ranges = ports.flatMap((port) => ("name" in port ? [] : [port])).sort((a, b) => a.min - b.min);
  const numbers = ranges.reduce((count, { min, max }) => count + max - min + 1, 0);
  if (numbers <= 1) return ports;
  // Sorted by start, a range extends the previous one when it overlaps or touches it.
  const merged: { min: number; max: number }[] = [];
  for (const { min, max } of ranges) {
    const last = merged.at(-1);
    if (last !== undefined && min <= last.max + 1) last.max = Math.max(last.max, max);
    else merged.push({ min, max });
  }
  return [...named, ...merged];
}

/** A port as v3 JSON writes it: a number for one port, `"min:max"` for a range, the name for a named port. */
function portToJson(port: CalicoPort): number | string {
  if ("name" in port) return port.name;
  return port.min === port.max ? port.min : `${port.min}:${port.max}`;
}

// ---------------------------------------------------------------------------------------------
// Ports (`k8sPortToCalico`)

/**
 * A `ports` entry: its protocol (TCP when missing, so `{}` is every TCP port) and its port, made
 * from `"<port>"` or `"<port>:<endPort>"` as Calico parses a port string. `undefined` (reported)
 * when malformed.
 */
function portEntry(entry: Field): PortEntry | undefined {
  if (!absentOrObject(entry)) return undefined;
  const protocol = portProtocol(entry.get("protocol"));
  const portField = entry.get("port");
  const endPortField = entry.get("endPort");
  if (!portField.exists) {
    if (endPortField.exists) endPortField.report("warning", "endPort without port is ignored");
    return protocol === undefined ? undefined : { protocol };
  }
  const start = typeof portField.value === "string" ? portField.value : portField.integer(INT32_MIN, INT32_MAX);
  const end = endPortField.exists ? endPortField.integer(INT32_MIN, INT32_MAX) : undefined;
  if (protocol === undefined || start === undefined || (endPortField.exists && end === undefined)) return undefined;
  const text = end === undefined ? `${start}` : `${start}:${end}`;
  const port = parsePort(text);
  if (typeof port === "string") {
    portField.report("error", `invalid port "${text}": ${port}`);
    return undefined;
  }
  return { protocol, port };
}

function portProtocol(field: Field): string | undefined {
  if (!field.exists) return "TCP";
  const protocol = field.string();
  if (protocol === undefined || PROTOCOLS.has(protocol)) return protocol;
  field.report("error", `unsupported protocol ${JSON.stringify(protocol)}: expected TCP, UDP or SCTP`);
  return undefined;
}

const ALL_DIGITS = /^[0-9]+$/;
const PORT_RANGE = /^([0-9]+):([0-9]+)$/;

/**
 * Calico's port string syntax — `"80"`, `"8000:8080"` or a port name — with Kubernetes' limits:
 * numbers 1–65535, a range that does not run backwards, names that are IANA service names.
 * Returns the reason when the text is not a port.
 */
function parsePort(text: string): CalicoPort | string {
  if (ALL_DIGITS.test(text)) {
    const port = Number(text);
    return isPortNumber(port) ? { min: port, max: port } : "port numbers are 1 to 65535";
  }
  const range = PORT_RANGE.exec(text);
  if (range !== null) {
    const min = Number(range[1]);
    const max = Number(range[2]);
    if (!isPortNumber(min) || !isPortNumber(max)) return "port numbers are 1 to 65535";
    return min <= max ? { min, max } : "the range's first port is greater than its last";
  }
  return isPortName(text) ? { name: text } : "not a port number, a range or a port name";
}

function isPortNumber(port: number): boolean {
  return port >= 1 && port <= 0xffff;
}

/**
 * Kubernetes' port-name rule (an IANA service name): at most 15 characters of `a-z`, `0-9` and
 * `-`, at least one letter, no `--`, no `-` at either end.
 */
function isPortName(name: string): boolean {
  return /^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/.test(name) && /[a-z]/.test(name) && !name.includes("--");
}

// ---------------------------------------------------------------------------------------------
// Peers (`k8sPeerToCalicoFields`)

/**
 * A `from`/`to` entry as v3 EntityRule fields: an ipBlock becomes `nets`/`notNets` (masked) and
 * nothing else; otherwise the pod selector (with its orchestrator clause, even when absent) and
 * the namespace selector. `undefined` (reported) when malformed.
 */
function peerToCalico(peer: Field): V3Peer | undefined {
  if (!absentOrObject(peer)) return undefined;
  const ipBlock = peer.get("ipBlock");
  if (ipBlock.exists) return ipBlock.isObject() ? ipBlockToCalico(ipBlock) : undefined;
  const selector = labelSelectorToCalico(peer.get("podSelector"), "pod");
  const namespaceSelector = labelSelectorToCalico(peer.get("namespaceSelector"), "namespace");
  if (selector === undefined || namespaceSelector === undefined) return undefined;
  return { selector, ...(namespaceSelector === "" ? {} : { namespaceSelector }) };
}

function ipBlockToCalico(ipBlock: Field): V3Peer | undefined {
  const cidrField = ipBlock.get("cidr");
  const cidrText = cidrField.string();
  const exceptFields = list(ipBlock.get("except"));
  if ((cidrField.exists && cidrText === undefined) || exceptFields === undefined) return undefined;
  const cidr = parseCidr(cidrText ?? "");
  if (cidr === undefined) {
    cidrField.report(
      "warning",
      `invalid CIDR ${JSON.stringify(cidrText ?? "")}: as in Calico, this peer is left without any restriction`,
    );
    return {};
  }
  const notNets: string[] = [];
  for (const exceptField of exceptFields) {
    // A null entry reads as "" (as Go decodes it) and so ends the list below.
    const text = exceptField.string();
    if (text === undefined && exceptField.exists) return undefined;
    const except = parseCidr(text ?? "");
    if (except === undefined) {
      // Calico stops at the first bad entry, keeping the ones before it.
      exceptField.report(
        "warning",
        `invalid CIDR ${JSON.stringify(text ?? "")}: as in Calico, it and the entries after it are ignored`,
      );
      break;
    }
    if (except.family !== cidr.family) {
      exceptField.report("error", `an IPv${except.family} network cannot be an exception to an IPv${cidr.family} cidr`);
      return undefined;
    }
    notNets.push(except.cidr);
  }
  return { nets: [cidr.cidr], ...(notNets.length === 0 ? {} : { notNets }) };
}

/** A CIDR in Go's `net.ParseCIDR` syntax (a prefix length is required); `undefined` otherwise. */
function parseCidr(text: string): ParsedCidr | undefined {
  return text.includes("/") ? parseCidrOrIp(text) : undefined;
}
