/**
 * RuleScanner: turns the rules of active policies and profiles into parsed rules that refer to IP
 * sets, and keeps count of which IP sets some active rule needs (spec §5.4).
 *
 * Per rule side, exactly as Felix:
 * - a negated selector is folded into the positive one, `(<pos>) && (!(<neg>))`, only when both
 *   exist (a lone negated selector must also match traffic from non-endpoints);
 * - each named port becomes a named-port IP set over the positive selector (or `all()`), with
 *   protocol `any` when the rule names none, `udp`/`sctp` for those, and `tcp` for anything else;
 * - the positive selector gets a selector IP set unless the side has only named ports (the
 *   named-port sets already carry it); a negated selector always gets its own.
 *
 * For example, `source: {selector: "role == 'db'", ports: ["pg"]}` in a TCP rule needs only the
 * named-port set `n:…` for `(role == "db", tcp, pg)`.
 *
 * IP sets are identified by content, so two rules that need the same set share it: it becomes
 * active when the first key references it and inactive when the last one lets go.
 * Knows nothing about endpoints or members.
 */
import { uniqueId } from "../hash/index.js";
import type { EntityMatch, Protocol, Rule, RulePort } from "../model/index.js";
import { parseSelector, type Selector } from "../selector/index.js";
import { RefCounts } from "../util/ref-counts.js";
import { parseTrustedSelector } from "./trusted-selector.js";
import type { IpSetInfo, NamedPortProtocol, ParsedEntity, ParsedRule, PortRange } from "./types.js";

/** Receives IP-set activations. */
export interface RuleScannerCallbacks {
  /** An IP set is needed by some active rule for the first time. */
  onIpSetActive(info: IpSetInfo, selector: Selector): void;
  /** No active rule needs the IP set any more. */
  onIpSetInactive(id: string): void;
}

/** The rules of one policy or profile, parsed. */
export interface ParsedRules {
  /** Ingress rules. */
  readonly ingress: readonly ParsedRule[];
  /** Egress rules. */
  readonly egress: readonly ParsedRule[];
}

const ALL = parseSelector("all()");

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

/** Most rule sides have no ports or IP sets of some kind: they share one frozen empty list. */
const NONE: readonly never[] = Object.freeze([]);

function orNone<T>(list: readonly T[]): readonly T[] {
  return list.length === 0 ? NONE : list;
}

function ranges(ports: readonly RulePort[]): PortRange[] {
  return ports.flatMap((port) => (port.kind === "range" ? [{ min: port.min, max: port.max }] : []));
}

function names(ports: readonly RulePort[]): string[] {
  return ports.flatMap((port) => (port.kind === "named" ? [port.name] : []));
}

/** Parses rules, registering every IP set they need in `needed` (ID → info and selector). */
class RuleParser {
  readonly needed = new Map<string, { info: IpSetInfo; selector: Selector }>();

  rule(rule: Rule): ParsedRule {
    const { source, destination, ...matches } = rule;
    const protocol = namedPortProtocol(rule.protocol);
    return { ...matches, source: this.entity(source, protocol), destination: this.entity(destination, protocol) };
  }

  private need(info: IpSetInfo, selector: Selector): string {
    this.needed.set(info.id, { info, selector });
    return info.id;
  }

  private entity(match: EntityMatch, protocol: NamedPortProtocol): ParsedEntity {
    let positive = match.selector;
    let negative = match.notSelector;
    if (positive !== "" && negative !== "") {
      positive = `(${positive}) && (!(${negative}))`;
      negative = "";
    }
    const positiveSelector = positive === "" ? undefined : parseTrustedSelector(positive);
    const portSelector = positiveSelector ?? ALL;
    const namedPorts = names(match.ports);
    const numericPorts = ranges(match.ports);
    const ipSetIds =
      positiveSelector !== undefined && (numericPorts.length > 0 || namedPorts.length === 0)
        ? [this.need(selectorSet(positiveSelector), positiveSelector)]
        : [];
    const notIpSetIds: string[] = [];
    if (negative !== "") {
      const negativeSelector = parseTrustedSelector(negative);
      notIpSetIds.push(this.need(selectorSet(negativeSelector), negativeSelector));
    }
    return {
      nets: orNone(match.nets),
      notNets: orNone(match.notNets),
      ports: orNone(numericPorts),
      notPorts: orNone(ranges(match.notPorts)),
      ipSetIds: orNone(ipSetIds),
      notIpSetIds: orNone(notIpSetIds),
      namedPortIpSetIds: orNone(
        namedPorts.map((name) => this.need(namedPortSet(portSelector, protocol, name), portSelector)),
      ),
      notNamedPortIpSetIds: orNone(
        names(match.notPorts).map((name) => this.need(namedPortSet(portSelector, protocol, name), portSelector)),
      ),
    };
  }
}

/** Parses active rules and reference-counts the IP sets they need. */
export class RuleScanner {
  private readonly callbacks: RuleScannerCallbacks;
  /** IP-set IDs each key (policy or profile) references. */
  private readonly idsByKey = new Map<string, ReadonlySet<string>>();
  /** How many keys reference each IP set. */
  private readonly refCounts = new RefCounts<string>();

  constructor(callbacks: RuleScannerCallbacks) {
    this.callbacks = callbacks;
  }

  /**
   * Parses a key's rules and updates its IP-set references: sets it newly needs are activated
   * before sets it no longer needs are released, so a set moving between rules never flaps.
   */
  updateRules(key: string, ingress: readonly Rule[], egress: readonly Rule[]): ParsedRules {
    const parser = new RuleParser();
    const parsed = { ingress: ingress.map((r) => parser.rule(r)), egress: egress.map((r) => parser.rule(r)) };
    const previous = this.idsByKey.get(key) ?? new Set<string>();
    for (const [id, { info, selector }] of parser.needed) {
      if (!previous.has(id) && this.refCounts.acquire(id)) this.callbacks.onIpSetActive(info, selector);
    }
    for (const id of previous) if (!parser.needed.has(id)) this.release(id);
    this.idsByKey.set(key, new Set(parser.needed.keys()));
    return parsed;
  }

  /** Drops a key's rules, releasing the IP sets only it needed. */
  removeRules(key: string): void {
    const previous = this.idsByKey.get(key);
    if (previous === undefined) return;
    this.idsByKey.delete(key);
    for (const id of previous) this.release(id);
  }

  private release(id: string): void {
    if (this.refCounts.release(id)) this.callbacks.onIpSetInactive(id);
  }
}
