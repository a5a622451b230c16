/**
 * The correctness oracle for the incremental policy engine: a plain from-scratch computation of
 * what Felix's calculation graph would hold for a set of raw resources (calico-semantics.md §5.2
 * label inheritance, §5.3 active rules, §5.4 rule scanner and IP-set identity, §5.5 members, §5.8
 * member formats, §8 items 13–16).
 *
 * It is deliberately naive: every call converts every raw resource again (with the already-tested
 * `convertResource`) and evaluates every selector against every endpoint. It must not import
 * src/calc (except the output types) or src/index, so that it shares no logic with the engine.
 *
 * Conventions of the federated model: `""` is the local cluster. Only local endpoints activate
 * policies and profiles, and only local policies and profiles can be active; endpoints and
 * network sets of every cluster are IP-set members. An endpoint inherits labels from the profiles
 * of its own cluster only.
 */
import type { IpSetInfo, NamedPortProtocol, ResourceRef } from "../../src/calc/types.js";
import { uniqueId } from "../../src/hash/index.js";
import { convertResource } from "../../src/k8s/convert.js";
import type {
  EntityMatch,
  HostEndpoint,
  NamedPort,
  NetworkSet,
  Policy,
  Profile,
  Protocol,
  Rule,
  WorkloadEndpoint,
} from "../../src/model/index.js";
import { hostEndpointId, workloadEndpointId } from "../../src/model/index.js";
import { parseSelector, type Selector } from "../../src/selector/index.js";

/** One raw resource as given to `upsert`, with the cluster it was upserted into. */
export interface RawEntry {
  /** `""` for the local cluster. */
  readonly cluster: string;
  /** The raw Kubernetes or Calico object. */
  readonly resource: unknown;
}

/** Options of the computation, as the engine's {@link PolicyEngineOptions}. */
export interface OracleOptions {
  /** When set, only local endpoints on this node activate policies and profiles. */
  readonly node?: string;
}

/** An active IP set and its members. */
export interface OracleIpSet {
  /** What the set is. */
  readonly info: IpSetInfo;
  /** Its members, sorted, without duplicates. */
  readonly members: string[];
}

/** The IP-set references of one rule side, each list sorted and de-duplicated. */
export interface SideRefs {
  /** Positive selector sets. */
  readonly ipSetIds: string[];
  /** Negated selector sets. */
  readonly notIpSetIds: string[];
  /** Named-port sets from `ports`. */
  readonly namedPortIpSetIds: string[];
  /** Named-port sets from `notPorts`. */
  readonly notNamedPortIpSetIds: string[];
}

/** What the oracle expects of one parsed rule. */
export interface RuleRefs {
  /** The rule's action. */
  readonly action: string;
  /** Source references. */
  readonly source: SideRefs;
  /** Destination references. */
  readonly destination: SideRefs;
}

/** What the oracle expects of one active policy or profile's rules. */
export interface RulesRefs {
  /** Ingress rules, in order. */
  readonly ingress: RuleRefs[];
  /** Egress rules, in order. */
  readonly egress: RuleRefs[];
}

/** An endpoint or network set as `endpointsMatching` reports it. */
export interface OracleEndpoint {
  /** calicoq-style ID; a global network set is just its name (cluster-prefixed when remote). */
  readonly id: string;
  /** Kind. */
  readonly kind: "WorkloadEndpoint" | "HostEndpoint" | "NetworkSet";
  /** Owning cluster. */
  readonly cluster: string;
}

/** The oracle's view of the whole calculation. */
export interface OracleResult {
  /** Active IP sets by ID. */
  readonly ipSets: Map<string, OracleIpSet>;
  /** Active policies as {@link policyKey}s, sorted. */
  readonly activePolicyRefs: string[];
  /** Active profile names, sorted. */
  readonly activeProfileNames: string[];
  /** The expected IP-set references of every active policy's rules, by policy key. */
  readonly policyRules: Map<string, RulesRefs>;
  /** The expected IP-set references of every active profile's rules, by name. */
  readonly profileRules: Map<string, RulesRefs>;
  /** Endpoints and network sets of every cluster whose effective labels match `selector`, sorted by ID. */
  endpointsMatching(selector: string): OracleEndpoint[];
}

/** How active policies are named in {@link OracleResult.activePolicyRefs}: `<kind>|<namespace>|<name>`. */
export function policyKey(ref: {
  readonly policyKind: string;
  readonly namespace: string;
  readonly name: string;
}): string {
  return `${ref.policyKind}|${ref.namespace}|${ref.name}`;
}

/** Plain code-unit order; every ID and member used here is ASCII, where it equals UTF-8 byte order. */
export function sortStrings(values: Iterable<string>): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------
// The raw resource store: what `upsert` and `remove` mean for the set of resources.
// ---------------------------------------------------------------------------------------------

interface StoredRaw {
  readonly cluster: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly resource: unknown;
}

function field(object: unknown, key: string): unknown {
  return typeof object === "object" && object !== null && Object.hasOwn(object, key)
    ? (object as Record<string, unknown>)[key]
    : undefined;
}

function stringField(object: unknown, key: string): string {
  const value = field(object, key);
  return typeof value === "string" ? value : "";
}

/**
 * The current raw resources, keyed as the engine's contract implies: a resource is identified by
 * its cluster, apiVersion, kind, namespace and name; `remove` without an apiVersion removes every
 * resource of that kind, namespace and name in the cluster.
 */
export class RawStore {
  readonly #items = new Map<string, StoredRaw>();

  /** Adds or replaces a resource. */
  upsert(resource: unknown, cluster = ""): void {
    const metadata = field(resource, "metadata");
    const item: StoredRaw = {
      cluster,
      apiVersion: stringField(resource, "apiVersion"),
      kind: stringField(resource, "kind"),
      namespace: stringField(metadata, "namespace"),
      name: stringField(metadata, "name"),
      resource,
    };
    this.#items.set(JSON.stringify([cluster, item.apiVersion, item.kind, item.namespace, item.name]), item);
  }

  /** Removes the resources `ref` names. */
  remove(ref: ResourceRef, cluster = ""): void {
    for (const [key, item] of this.#items) {
      if (
        item.cluster === cluster &&
        item.kind === ref.kind &&
        item.name === ref.name &&
        item.namespace === (ref.namespace ?? "") &&
        (ref.apiVersion === undefined || ref.apiVersion === item.apiVersion)
      ) {
        this.#items.delete(key);
      }
    }
  }

  /** References to every stored resource (with apiVersion), in a stable order. */
  refs(): { readonly ref: ResourceRef; readonly cluster: string }[] {
    return [...this.#items.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, item]) => ({
        cluster: item.cluster,
        ref: {
          kind: item.kind,
          name: item.name,
          apiVersion: item.apiVersion,
          ...(item.namespace === "" ? {} : { namespace: item.namespace }),
        },
      }));
  }

  /** The stored resources. */
  entries(): RawEntry[] {
    return [...this.#items.values()].map(({ cluster, resource }) => ({ cluster, resource }));
  }
}

// ---------------------------------------------------------------------------------------------
// The computation.
// ---------------------------------------------------------------------------------------------

type Item = WorkloadEndpoint | HostEndpoint | NetworkSet;

const ALL = "all()";

function profileKey(cluster: string, name: string): string {
  return JSON.stringify([cluster, name]);
}

function own(labels: Readonly<Record<string, string>>, key: string): string | undefined {
  return Object.hasOwn(labels, key) ? labels[key] : undefined;
}

/** §5.2: own labels first, then the parents (profiles of the same cluster) in order; first hit wins. */
function effectiveLookup(item: Item, profiles: ReadonlyMap<string, Profile>): (label: string) => string | undefined {
  const parents = item.profiles.map((name) => profiles.get(profileKey(item.cluster, name))?.labels ?? {});
  return (label) => {
    const mine = own(item.labels, label);
    if (mine !== undefined) return mine;
    for (const parent of parents) {
      const inherited = own(parent, label);
      if (inherited !== undefined) return inherited;
    }
    return undefined;
  };
}

function matches(selector: Selector, item: Item, profiles: ReadonlyMap<string, Profile>): boolean {
  return selector.matchesWith(effectiveLookup(item, profiles));
}

/** The bare addresses of an endpoint (§5.5: a WEP's nets count by address only; a HEP has only expected IPs). */
function addresses(item: WorkloadEndpoint | HostEndpoint): { readonly address: string; readonly family: 4 | 6 }[] {
  const strip = (net: string): string => (net.includes("/") ? net.slice(0, net.indexOf("/")) : net);
  if (item.kind === "WorkloadEndpoint") {
    return [
      ...item.ipv4Nets.map((net) => ({ address: strip(net), family: 4 as const })),
      ...item.ipv6Nets.map((net) => ({ address: strip(net), family: 6 as const })),
    ];
  }
  return [
    ...item.expectedIPv4.map((address) => ({ address, family: 4 as const })),
    ...item.expectedIPv6.map((address) => ({ address, family: 6 as const })),
  ];
}

/** CIDR members of one item (§5.5, §5.8): host addresses, or a network set's nets with /0 split. */
function cidrMembers(item: Item): string[] {
  if (item.kind === "NetworkSet") {
    return item.nets.flatMap((net) => {
      if (net === "0.0.0.0/0") return ["0.0.0.0/1", "128.0.0.0/1"];
      if (net === "::/0") return ["::/1", "8000::/1"];
      return [net];
    });
  }
  return addresses(item).map(({ address, family }) => `${address}/${family === 4 ? 32 : 128}`);
}

const PROTOCOL_NUMBERS: Readonly<Record<NamedPortProtocol, number>> = { tcp: 6, udp: 17, sctp: 132, any: 255 };

/** §5.5 `MatchesModelProtocol`. */
function portProtocolMatches(portProtocol: Protocol, setProtocol: NamedPortProtocol): boolean {
  if (typeof portProtocol === "number") {
    return portProtocol === 0 ? setProtocol === "any" : portProtocol === PROTOCOL_NUMBERS[setProtocol];
  }
  return setProtocol === "any" || portProtocol.toLowerCase() === setProtocol;
}

/** The protocol an IP+port member carries, from the endpoint port (§5.5). */
function memberProtocol(portProtocol: Protocol): "tcp" | "udp" | "sctp" {
  if (portProtocol === 17 || (typeof portProtocol === "string" && portProtocol.toLowerCase() === "udp")) return "udp";
  if (portProtocol === 132 || (typeof portProtocol === "string" && portProtocol.toLowerCase() === "sctp")) {
    return "sctp";
  }
  return "tcp";
}

function namedPortMembers(item: Item, name: string, protocol: NamedPortProtocol): string[] {
  if (item.kind === "NetworkSet") return [];
  const ports: readonly NamedPort[] = item.ports;
  return ports
    .filter((port) => port.name === name && portProtocolMatches(port.protocol, protocol))
    .flatMap((port) =>
      addresses(item).map(({ address }) => `${address},${memberProtocol(port.protocol)}:${port.port}`),
    );
}

/** §5.4 step 3: the named-port protocol of a rule. */
function namedPortProtocol(protocol: Protocol | undefined): NamedPortProtocol {
  if (protocol === undefined) return "any";
  if (protocol === "udp" || protocol === 17) return "udp";
  if (protocol === "sctp" || protocol === 132) return "sctp";
  return "tcp";
}

function selectorSet(selector: Selector): IpSetInfo {
  return { id: selector.uniqueId, type: "net", selector: selector.toString() };
}

function namedPortSet(selector: Selector, protocol: NamedPortProtocol, name: string): IpSetInfo {
  return {
    id: uniqueId("n", `${selector.uniqueId},${protocol},${name}`),
    type: "ip-and-port",
    selector: selector.toString(),
    namedPort: { name, protocol },
  };
}

/** §5.4 for one side of a rule: the IP sets it needs, recorded into `sets`, and its references. */
function scanSide(entity: EntityMatch, protocol: Protocol | undefined, sets: Map<string, IpSetInfo>): SideRefs {
  let positive = entity.selector;
  let negative = entity.notSelector;
  if (positive !== "" && negative !== "") {
    positive = `(${positive}) && (!(${negative}))`;
    negative = "";
  }
  const positiveSelector = positive === "" ? undefined : parseSelector(positive);
  const portSelector = positiveSelector ?? parseSelector(ALL);
  const proto = namedPortProtocol(protocol);
  const record = (info: IpSetInfo): string => {
    sets.set(info.id, info);
    return info.id;
  };
  const named = entity.ports.flatMap((port) => (port.kind === "named" ? [port.name] : []));
  const numeric = entity.ports.filter((port) => port.kind === "range");
  const notNamed = entity.notPorts.flatMap((port) => (port.kind === "named" ? [port.name] : []));
  const ipSetIds =
    positiveSelector !== undefined && (numeric.length > 0 || named.length === 0)
      ? [record(selectorSet(positiveSelector))]
      : [];
  return {
    ipSetIds,
    notIpSetIds: negative === "" ? [] : [record(selectorSet(parseSelector(negative)))],
    namedPortIpSetIds: sortStrings(named.map((name) => record(namedPortSet(portSelector, proto, name)))),
    notNamedPortIpSetIds: sortStrings(notNamed.map((name) => record(namedPortSet(portSelector, proto, name)))),
  };
}

function scanRules(rules: readonly Rule[], sets: Map<string, IpSetInfo>): RuleRefs[] {
  return rules.map((rule) => ({
    action: rule.action,
    source: scanSide(rule.source, rule.protocol, sets),
    destination: scanSide(rule.destination, rule.protocol, sets),
  }));
}

const NO_REFS: SideRefs = { ipSetIds: [], notIpSetIds: [], namedPortIpSetIds: [], notNamedPortIpSetIds: [] };
/** Felix's `DummyDropRules` for an active profile whose rules are unknown. */
const DENY_ALL: RulesRefs = {
  ingress: [{ action: "deny", source: NO_REFS, destination: NO_REFS }],
  egress: [{ action: "deny", source: NO_REFS, destination: NO_REFS }],
};

function itemId(item: Item): string {
  switch (item.kind) {
    case "WorkloadEndpoint":
      return workloadEndpointId(item);
    case "HostEndpoint":
      return hostEndpointId(item);
    case "NetworkSet": {
      const local = item.namespace === "" ? item.name : `${item.namespace}/${item.name}`;
      return item.cluster === "" ? local : `${item.cluster}/${local}`;
    }
  }
}

/** Computes everything from scratch. */
export function computeOracle(entries: Iterable<RawEntry>, options: OracleOptions = {}): OracleResult {
  const profiles = new Map<string, Profile>();
  const policies: Policy[] = [];
  const items: Item[] = [];
  for (const { cluster, resource } of entries) {
    for (const model of convertResource(resource, { cluster }).resources) {
      switch (model.kind) {
        case "Profile":
          profiles.set(profileKey(model.cluster, model.name), model);
          break;
        case "Policy":
          policies.push(model);
          break;
        case "WorkloadEndpoint":
        case "HostEndpoint":
          items.push(model);
          break;
        case "NetworkSet":
          // A remote cluster federates only endpoints and profile labels (federation.md A.2).
          if (model.cluster === "") items.push(model);
          break;
        default:
          break;
      }
    }
  }

  // §5.1/§5.3: local endpoints (on the node, when one is given) activate; network sets never do.
  const activating = items.filter(
    (item): item is WorkloadEndpoint | HostEndpoint =>
      item.kind !== "NetworkSet" && item.cluster === "" && (options.node === undefined || item.node === options.node),
  );
  const activePolicies = policies.filter((policy) => {
    if (policy.cluster !== "") return false;
    const selector = parseSelector(policy.selector === "" ? ALL : policy.selector);
    return activating.some((item) => matches(selector, item, profiles));
  });
  const activeProfileNames = sortStrings(activating.flatMap((item) => item.profiles));

  // §5.4: the IP sets the active rules need.
  const sets = new Map<string, IpSetInfo>();
  const policyRules = new Map<string, RulesRefs>();
  for (const policy of activePolicies) {
    policyRules.set(policyKey(policy), {
      ingress: scanRules(policy.ingress, sets),
      egress: scanRules(policy.egress, sets),
    });
  }
  const profileRules = new Map<string, RulesRefs>();
  for (const name of activeProfileNames) {
    const profile = profiles.get(profileKey("", name));
    profileRules.set(
      name,
      profile === undefined
        ? DENY_ALL
        : { ingress: scanRules(profile.ingress, sets), egress: scanRules(profile.egress, sets) },
    );
  }

  // §5.5: members, from every cluster's endpoints and network sets.
  const ipSets = new Map<string, OracleIpSet>();
  for (const id of sortStrings(sets.keys())) {
    const info = sets.get(id)!;
    const selector = parseSelector(info.selector);
    const members = items
      .filter((item) => matches(selector, item, profiles))
      .flatMap((item) =>
        info.namedPort === undefined
          ? cidrMembers(item)
          : namedPortMembers(item, info.namedPort.name, info.namedPort.protocol),
      );
    ipSets.set(id, { info, members: sortStrings(members) });
  }

  return {
    ipSets,
    activePolicyRefs: sortStrings(activePolicies.map(policyKey)),
    activeProfileNames,
    policyRules,
    profileRules,
    endpointsMatching(selectorText: string): OracleEndpoint[] {
      const selector = parseSelector(selectorText);
      return items
        .filter((item) => matches(selector, item, profiles))
        .map((item) => ({ id: itemId(item), kind: item.kind, cluster: item.cluster }))
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.cluster < b.cluster ? -1 : 1));
    },
  };
}
