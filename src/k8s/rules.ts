/**
 * Calico v3 policy and profile rules → the model's rules (spec §4.1, and the rule checks of §1.6).
 *
 * Owns the conversion Calico's update processors apply to each rule (`rules.go`): actions
 * lower-cased (`Pass` becomes `next-tier`), protocols in their lower-case v1 form, nets parsed and
 * masked, ports parsed, and — the part that decides IP-set identities — the one combined selector
 * per rule side built from `selector`, `namespaceSelector` and `serviceAccounts`
 * ({@link entitySelector}).
 *
 * It also reproduces the checks of Calico's API validator on rules, because Calico refuses a whole
 * policy or profile when one of its rules is invalid: every problem is reported as an `error` on
 * its field, and the caller drops the resource ({@link unlessRejected}). Only an unusable CIDR is
 * lenient (a `warning`, and the entry is skipped), as the update processor skips it.
 */
import type { EntityMatch, IcmpMatch, Protocol, Rule, RuleAction, RulePort } from "../model/index.js";
import { parseCidrOrIp } from "../net/index.js";
import { parseSelector, validateSelector } from "../selector/index.js";
import {
  LABEL_NAMESPACE,
  LABEL_SERVICE_ACCOUNT,
  NAMESPACE_LABEL_PREFIX,
  SERVICE_ACCOUNT_LABEL_PREFIX,
} from "./calico-names.js";
import type { ConvertContext, Field } from "./read.js";

/**
 * Runs `convert` and returns its result, or `undefined` when it reported an error: Calico's API
 * validator refuses a resource with any invalid field as a whole, so nothing of it is used.
 * Diagnostics reported before the call (e.g. by a caller that built the resource) do not count.
 */
export function unlessRejected<T>(ctx: ConvertContext, convert: () => T): T | undefined {
  const start = ctx.diagnostics.length;
  const result = convert();
  return ctx.diagnostics.slice(start).some((d) => d.severity === "error") ? undefined : result;
}

/**
 * Parses `text`, prefixes every label with `prefix` and prints the canonical form (Calico's
 * `parseSelectorAttachPrefix`); `""` when the text does not parse, as Calico silently does.
 */
export function prefixSelector(text: string, prefix: string): string {
  return validateSelector(text) === undefined ? parseSelector(text).withLabelPrefix(prefix).toString() : "";
}

/** The selector fields of one rule side, as written. */
export interface EntitySelectorFields {
  /** `selector`, inserted verbatim. */
  readonly selector: string;
  /** `namespaceSelector`. */
  readonly namespaceSelector: string;
  /** `notSelector`; it only decides whether the side is pinned to the namespace. */
  readonly notSelector: string;
  /** `serviceAccounts`, when the field is present (even as `{}`). */
  readonly serviceAccounts?: { readonly names: readonly string[]; readonly selector: string };
}

/** Service-account names as the set Calico writes before parsing it (names are not escaped). */
function namesSelector(names: readonly string[]): string {
  return `${LABEL_SERVICE_ACCOUNT} in { '${names.join("', '")}' }`;
}

/**
 * The service-account part: the prefixed `selector` and the `names` as a set, ANDed. A names list
 * that does not parse (a name holding both quote characters) drops the whole part, as in Calico.
 */
function serviceAccountSelector(match: { readonly names: readonly string[]; readonly selector: string }): string {
  const bySelector = match.selector === "" ? "" : prefixSelector(match.selector, SERVICE_ACCOUNT_LABEL_PREFIX);
  if (match.names.length === 0) return bySelector;
  const byNames = namesSelector(match.names);
  if (validateSelector(byNames) !== undefined) return "";
  const canonical = parseSelector(byNames).toString();
  return bySelector === "" ? canonical : `(${bySelector}) && (${canonical})`;
}

/**
 * The combined selector for one side of a rule (Calico's `GetEntityRuleSelector`), byte for byte.
 *
 * In a namespaced policy (`namespace` non-empty), using any of selector / notSelector /
 * serviceAccounts pins the peer to the policy's namespace; an explicit namespaceSelector replaces
 * that pin; a side with only nets or ports is not pinned at all. For example, in namespace `shop`,
 * `selector: app == 'web'` gives `(projectcalico.org/namespace == 'shop') && (app == 'web')`, and
 * `namespaceSelector: all()` with no selector gives `has(projectcalico.org/namespace)`.
 *
 * The rule's own selector is inserted verbatim; the namespace and service-account parts are
 * canonical. `all()` and `global()` in the namespace part are replaced as text, so the replacement
 * also reaches quoted values (`team == "all()"`), as it does in Calico.
 */
export function entitySelector(fields: EntitySelectorFields, namespace: string): string {
  let namespacePart = "";
  if (fields.namespaceSelector !== "") {
    namespacePart = prefixSelector(fields.namespaceSelector, NAMESPACE_LABEL_PREFIX)
      .replaceAll("all()", `has(${LABEL_NAMESPACE})`)
      .replaceAll("global()", `!has(${LABEL_NAMESPACE})`);
  } else if (namespace !== "") {
    namespacePart = `${LABEL_NAMESPACE} == '${namespace}'`;
  }
  const serviceAccountPart = fields.serviceAccounts === undefined ? "" : serviceAccountSelector(fields.serviceAccounts);
  const present = [serviceAccountPart, fields.selector].filter((part) => part !== "");
  const selector = present.length === 2 ? `(${present[0]}) && (${present[1]})` : (present[0] ?? "");
  const pinned = selector !== "" || fields.notSelector !== "" || fields.namespaceSelector !== "";
  if (namespacePart === "" || !pinned) return selector;
  return selector === "" ? namespacePart : `(${namespacePart}) && (${selector})`;
}

/**
 * Reads a selector field; one that does not parse is reported (Calico's validator refuses it) and
 * reads as `""`, so that nothing built from it is reported again.
 */
export function readSelector(field: Field): string {
  const text = field.string() ?? "";
  const error = validateSelector(text);
  if (error === undefined) return text;
  field.report("error", `invalid selector: ${error.reason} at column ${error.column}`);
  return "";
}

/** Reports `global()` in a selector field other than a rule's namespaceSelector (Calico's validator). */
export function rejectGlobal(field: Field, text: string): void {
  if (text.includes("global()")) field.report("error", "global() can only be used in a rule's namespaceSelector");
}

/**
 * Reports a combined selector that does not parse. Calico builds some: a blank `selector: " "`
 * passes its API validator, but wrapped as `(...) && ( )` it fails Felix's own validation, and
 * Felix then treats the whole policy as missing.
 */
export function checkCombined(field: Field, combined: string): void {
  const error = validateSelector(combined);
  if (error !== undefined) {
    field.report("error", `the selector Calico builds from this, ${JSON.stringify(combined)}, does not parse`);
  }
}

/** The only tokens allowed in a namespaceSelector that uses `global()`: exactly `global()`. */
const ONLY_GLOBAL = /^[ \t]*global\([ \t]*\)[ \t]*$/;

const ACTIONS: ReadonlyMap<string, RuleAction> = new Map([
  ["Allow", "allow"],
  ["Deny", "deny"],
  ["Log", "log"],
  ["Pass", "next-tier"],
]);

function readAction(field: Field): RuleAction | undefined {
  const text = field.requiredString();
  if (text === undefined) return undefined;
  const action = ACTIONS.get(text);
  if (action === undefined) {
    field.report("error", `invalid action ${JSON.stringify(text)}: expected Allow, Deny, Log or Pass`);
  }
  return action;
}

function readIpVersion(field: Field): 4 | 6 | undefined {
  const version = field.number();
  if (version === undefined || version === 4 || version === 6) return version;
  field.report("error", `invalid ipVersion ${version}: expected 4 or 6`);
  return undefined;
}

/** Calico's protocol names (case-sensitive in its validator) and their lower-case v1 form. */
const PROTOCOLS: ReadonlyMap<string, Protocol> = new Map<string, Protocol>([
  ["TCP", "tcp"],
  ["UDP", "udp"],
  ["ICMP", "icmp"],
  ["ICMPv6", "icmpv6"],
  ["SCTP", "sctp"],
  ["UDPLite", "udplite"],
]);

/** A protocol: a name, or a number 1–255 (a numeric string counts as the number, as in Calico). */
function readProtocol(field: Field): Protocol | undefined {
  if (typeof field.value === "number") return field.integer(1, 255);
  const text = field.string();
  if (text === undefined) return undefined;
  if (/^[0-9]+$/.test(text) && Number(text) <= 255) {
    const number = Number(text);
    if (number !== 0) return number;
  }
  const protocol = PROTOCOLS.get(text);
  if (protocol === undefined) {
    field.report(
      "error",
      `invalid protocol ${JSON.stringify(text)}: expected TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite or a number from 1 to 255`,
    );
  }
  return protocol;
}

/** Protocols whose rules may list ports: TCP, UDP and SCTP, by name or number. */
const PORT_PROTOCOLS: ReadonlySet<Protocol> = new Set<Protocol>(["tcp", "udp", "sctp", 6, 17, 132]);

function readIcmp(field: Field): IcmpMatch | undefined {
  if (!field.isObject()) return undefined;
  const type = field.get("type").integer(0, 254);
  const code = field.get("code").integer(0, 255);
  if (code !== undefined && type === undefined && !field.get("type").exists) {
    field.get("code").report("error", "an ICMP code needs an ICMP type");
  }
  // Felix's rule has only the type and code; `icmp: {}` restricts nothing.
  if (type === undefined && code === undefined) return undefined;
  return { ...(type === undefined ? {} : { type }), ...(code === undefined ? {} : { code }) };
}

/**
 * Kubernetes' port-name rule (IANA service names), which Calico's validator applies to named
 * ports: at most 15 characters of `a-z`, `0-9` and `-`, at least one letter, no `--`, no `-` at
 * either end.
 */
function isPortName(name: string): boolean {
  return (
    name.length <= 15 &&
    /^[-a-z0-9]+$/.test(name) &&
    /[a-z]/.test(name) &&
    !name.includes("--") &&
    !name.startsWith("-") &&
    !name.endsWith("-")
  );
}

/** A port number written as text, if it is one Calico accepts (1–65535, leading zeros allowed). */
function portNumber(digits: string): number | undefined {
  const number = Number(digits);
  return number >= 1 && number <= 65535 ? number : undefined;
}

/** A port: a number, `"<n>"`, `"<min>:<max>"`, or a port name. */
function readPort(field: Field): RulePort | undefined {
  if (typeof field.value === "number") {
    const port = field.integer(1, 65535);
    return port === undefined ? undefined : { kind: "range", min: port, max: port };
  }
  const text = field.string();
  if (text === undefined) {
    if (!field.exists) field.report("error", "expected a port, got null");
    return undefined;
  }
  const range = /^([0-9]+)(?::([0-9]+))?$/.exec(text);
  if (range !== null) {
    const min = portNumber(range[1]!);
    const max = range[2] === undefined ? min : portNumber(range[2]);
    if (min === undefined || max === undefined) {
      field.report("error", `invalid port ${JSON.stringify(text)}: port numbers are 1 to 65535`);
      return undefined;
    }
    if (min > max) {
      field.report("error", `invalid port range ${JSON.stringify(text)}: the minimum is greater than the maximum`);
      return undefined;
    }
    return { kind: "range", min, max };
  }
  if (!isPortName(text)) {
    field.report("error", `invalid port ${JSON.stringify(text)}: not a port number, a range "min:max" or a port name`);
    return undefined;
  }
  return { kind: "named", name: text };
}

function readPorts(field: Field): RulePort[] {
  return field.items().flatMap((item) => readPort(item) ?? []);
}

/** Parses and masks each network; entries that are not a CIDR or IP are reported and skipped. */
function readNets(field: Field): string[] {
  return field.stringItems().flatMap(({ field: item, text }) => {
    const parsed = parseCidrOrIp(text);
    if (parsed === undefined) item.report("warning", `skipped ${JSON.stringify(text)}: not a CIDR or IP address`);
    return parsed === undefined ? [] : [parsed.cidr];
  });
}

function readServiceAccounts(field: Field): EntitySelectorFields["serviceAccounts"] {
  if (!field.isObject()) return undefined;
  const names = field.get("names").strings();
  if (names.length > 0 && validateSelector(namesSelector(names)) !== undefined) {
    field
      .get("names")
      .report("warning", "these names cannot be written as a selector, so Calico ignores serviceAccounts here");
  }
  return { names, selector: readSelector(field.get("selector")) };
}

function isNonEmptyList(field: Field): boolean {
  return Array.isArray(field.value) && field.value.length > 0;
}

/** Calico's checks on a side that names a Kubernetes Service: nothing else may select the peer. */
function readService(entity: Field, fields: EntitySelectorFields): EntityMatch["service"] {
  const field = entity.get("services");
  if (!field.isObject()) return undefined;
  const name = field.get("name").string() ?? "";
  const namespace = field.get("namespace").string() ?? "";
  if (name === "") field.get("name").report("error", "a services match must name a service");
  const conflicts = [
    fields.namespaceSelector !== "" && "namespaceSelector",
    (fields.selector !== "" || fields.notSelector !== "") && "selector/notSelector",
    fields.serviceAccounts !== undefined && "serviceAccounts",
    (isNonEmptyList(entity.get("nets")) || isNonEmptyList(entity.get("notNets"))) && "nets/notNets",
  ].filter((conflict) => conflict !== false);
  for (const conflict of conflicts) field.report("error", `cannot be combined with ${conflict} on the same side`);
  return { namespace, name };
}

function readEntity(entity: Field, namespace: string): EntityMatch {
  entity.isObject();
  const selectorField = entity.get("selector");
  const namespaceSelectorField = entity.get("namespaceSelector");
  const serviceAccounts = readServiceAccounts(entity.get("serviceAccounts"));
  const fields: EntitySelectorFields = {
    selector: readSelector(selectorField),
    namespaceSelector: readSelector(namespaceSelectorField),
    notSelector: readSelector(entity.get("notSelector")),
    ...(serviceAccounts === undefined ? {} : { serviceAccounts }),
  };
  rejectGlobal(selectorField, fields.selector);
  if (fields.namespaceSelector.includes("global(") && !ONLY_GLOBAL.test(fields.namespaceSelector)) {
    namespaceSelectorField.report("error", "global() cannot be combined with other selectors");
  }
  const selector = entitySelector(fields, namespace);
  checkCombined(selectorField.exists ? selectorField : entity, selector);
  const service = readService(entity, fields);
  return {
    nets: readNets(entity.get("nets")),
    notNets: readNets(entity.get("notNets")),
    selector,
    notSelector: fields.notSelector,
    ports: readPorts(entity.get("ports")),
    notPorts: readPorts(entity.get("notPorts")),
    ...(service === undefined ? {} : { service }),
  };
}

/** A rule without its action: what the cross-field checks look at. */
type RuleMatches = Omit<Rule, "action">;

/**
 * Calico's checks that tie fields of a rule together: ports need a protocol that has them, ICMP
 * matches need an ICMP protocol, and nets, ipVersion and ICMP version must agree.
 */
function checkRule(rule: Field, converted: RuleMatches): void {
  const { protocol, notProtocol, ipVersion, source, destination } = converted;
  if (protocol === undefined || !PORT_PROTOCOLS.has(protocol)) {
    for (const [side, match] of [
      ["source", source],
      ["destination", destination],
    ] as const) {
      if (match.ports.length > 0) rule.get(side).get("ports").report("error", "ports need protocol TCP, UDP or SCTP");
      if (match.notPorts.length > 0) {
        rule.get(side).get("notPorts").report("error", "ports need protocol TCP, UDP or SCTP");
      }
    }
  }
  if (rule.get("icmp").exists && protocol !== "icmp" && protocol !== "icmpv6") {
    rule.get("icmp").report("error", "an ICMP match needs protocol ICMP or ICMPv6");
  }
  if ((protocol === "icmp" || notProtocol === "icmp") && ipVersion !== undefined && ipVersion !== 4) {
    rule.get("ipVersion").report("error", "must be 4 with protocol ICMP");
  }
  if ((protocol === "icmpv6" || notProtocol === "icmpv6") && ipVersion !== undefined && ipVersion !== 6) {
    rule.get("ipVersion").report("error", "must be 6 with protocol ICMPv6");
  }
  if (destination.service !== undefined && (destination.ports.length > 0 || destination.notPorts.length > 0)) {
    rule.get("destination").get("services").report("error", "cannot be combined with ports or notPorts");
  }
  checkNetFamilies(rule, converted);
}

/** One address family per rule, matching `ipVersion` when it is set (Calico's validator). */
function checkNetFamilies(rule: Field, { ipVersion, source, destination }: RuleMatches): void {
  let seenV4 = false;
  let seenV6 = false;
  const lists = [
    [rule.get("source").get("nets"), source.nets],
    [rule.get("source").get("notNets"), source.notNets],
    [rule.get("destination").get("nets"), destination.nets],
    [rule.get("destination").get("notNets"), destination.notNets],
  ] as const;
  for (const [field, nets] of lists) {
    const v6 = nets.some((net) => net.includes(":"));
    const v4 = nets.some((net) => !net.includes(":"));
    if (ipVersion !== undefined && ((v4 && ipVersion !== 4) || (v6 && ipVersion !== 6))) {
      field.report("error", `networks do not match ipVersion ${ipVersion}`);
    }
    if ((v4 && seenV6) || (v6 && seenV4) || (v4 && v6)) {
      field.report("error", "a rule cannot mix IPv4 and IPv6 networks");
    }
    seenV4 ||= v4;
    seenV6 ||= v6;
  }
}

/**
 * Converts one rule. `namespace` is the policy's namespace (`""` for a GlobalNetworkPolicy or a
 * profile), which pins selectors as {@link entitySelector} describes. Problems are reported on
 * their fields; `undefined` when the rule is not even an object or lacks a valid action.
 */
export function convertRule(rule: Field, namespace: string): Rule | undefined {
  if (!rule.isObject()) {
    if (!rule.exists) rule.report("error", "expected a rule, got null");
    return undefined;
  }
  const action = readAction(rule.get("action"));
  const ipVersion = readIpVersion(rule.get("ipVersion"));
  const protocol = readProtocol(rule.get("protocol"));
  const notProtocol = readProtocol(rule.get("notProtocol"));
  const icmp = readIcmp(rule.get("icmp"));
  const notICMP = readIcmp(rule.get("notICMP"));
  const matches: RuleMatches = {
    ...(ipVersion === undefined ? {} : { ipVersion }),
    ...(protocol === undefined ? {} : { protocol }),
    ...(notProtocol === undefined ? {} : { notProtocol }),
    ...(icmp === undefined ? {} : { icmp }),
    ...(notICMP === undefined ? {} : { notICMP }),
    source: readEntity(rule.get("source"), namespace),
    destination: readEntity(rule.get("destination"), namespace),
  };
  checkRule(rule, matches);
  return action === undefined ? undefined : { action, ...matches };
}

/**
 * Converts a list of rules (a policy's or profile's `ingress` or `egress`) with
 * {@link convertRule}. Check the diagnostics (or use {@link unlessRejected}) before using the
 * result: a rule with an error means Calico refuses the whole resource.
 */
export function convertRules(list: Field, namespace: string): Rule[] {
  return list.items().flatMap((rule) => convertRule(rule, namespace) ?? []);
}
