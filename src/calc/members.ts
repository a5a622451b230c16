/**
 * MemberCalculator: the members of every active IP set, from the endpoints and network sets of
 * every cluster (spec §5.5, member formats §5.8).
 *
 * An item (endpoint or network set) that matches an IP set's selector contributes members: its
 * addresses (`10.0.0.1/32`, a network set's `10.0.0.0/8`) to a selector set, or `address,proto:port`
 * for each of its ports named like a named-port set's port, with a matching protocol. Members are
 * reference-counted per IP set, so an address two endpoints share (say a pod in `east` and one
 * in `west` with the same IP) is one member until both are gone; callbacks fire on 0→1 and 1→0.
 *
 * When an item changes but keeps matching a set, its new contributions are added before its old
 * ones are removed, so a member it keeps never flaps. Removing an IP set reports the removal of
 * each member it had, so a consumer that keeps a batch can tell what it held (the engine's delta
 * leaves them out, as Felix does: the set goes with its members).
 */
import { LabelIndex } from "../index/label-index.js";
import type { LabelMap, NamedPort, Protocol } from "../model/index.js";
import { addressOf } from "../net/index.js";
import type { Selector } from "../selector/index.js";
import { RefCounts } from "../util/ref-counts.js";
import type { IpSetInfo, NamedPortProtocol } from "./types.js";

/** Receives member transitions. */
export interface MemberCallbacks {
  /** `member` joined IP set `ipSetId`. */
  onMemberAdded(ipSetId: string, member: string): void;
  /** `member` left IP set `ipSetId`. */
  onMemberRemoved(ipSetId: string, member: string): void;
}

/** What an item contributes to IP sets besides its labels. */
export interface MemberSource {
  /** Own labels. */
  readonly labels: LabelMap;
  /** Parent (profile) IDs, in inheritance order. */
  readonly parents: readonly string[];
  /** Addresses or networks as members (`10.0.0.1/32`, `10.0.0.0/8`), canonical. */
  readonly nets: readonly string[];
  /** Named ports. */
  readonly ports: readonly NamedPort[];
}

/**
 * What the calculator keeps of a source: only what members are made of, and for a source with no
 * named ports (most endpoints) just its nets, a list the source already holds, so keeping it costs
 * no object. The labels live in the index, and the parent IDs (a fresh array, and a fresh
 * `<cluster>/<profile>` string, for every remote endpoint) are needed only while the index takes them.
 */
type Contribution = readonly string[] | Pick<MemberSource, "nets" | "ports">;

const NO_PORTS: readonly NamedPort[] = [];

function contributionOf(source: MemberSource): Contribution {
  return source.ports.length === 0 ? source.nets : { nets: source.nets, ports: source.ports };
}

function netsOf(contribution: Contribution): readonly string[] {
  return isNetsOnly(contribution) ? contribution : contribution.nets;
}

function portsOf(contribution: Contribution): readonly NamedPort[] {
  return isNetsOnly(contribution) ? NO_PORTS : contribution.ports;
}

function isNetsOnly(contribution: Contribution): contribution is readonly string[] {
  return Array.isArray(contribution);
}

interface IpSet {
  readonly info: IpSetInfo;
  readonly counts: RefCounts<string>;
}

const PROTOCOL_NUMBERS: Readonly<Record<NamedPortProtocol, number>> = { tcp: 6, udp: 17, sctp: 132, any: 255 };

/** Felix's `MatchesModelProtocol`: `any` matches every named protocol; numbers match only exactly (0 only `any`). */
function protocolMatches(wanted: NamedPortProtocol, port: Protocol): boolean {
  if (typeof port === "number") return port === 0 ? wanted === "any" : PROTOCOL_NUMBERS[wanted] === port;
  return wanted === "any" || wanted === port;
}

function memberProtocol(port: Protocol): string {
  if (port === "udp" || port === 17) return "udp";
  if (port === "sctp" || port === 132) return "sctp";
  return "tcp";
}

/** The members `source` gives `set` (assuming the selector matches); read-only, it may be the source's own list. */
function contribution(set: IpSet, source: Contribution): readonly string[] {
  const namedPort = set.info.namedPort;
  const nets = netsOf(source);
  if (namedPort === undefined) return nets;
  const members: string[] = [];
  for (const port of portsOf(source)) {
    if (port.name !== namedPort.name || !protocolMatches(namedPort.protocol, port.protocol)) continue;
    const suffix = `,${memberProtocol(port.protocol)}:${port.port}`;
    for (const net of nets) members.push(addressOf(net) + suffix);
  }
  return members;
}

function sameContribution(a: Contribution, b: Contribution): boolean {
  const aNets = netsOf(a);
  const bNets = netsOf(b);
  const aPorts = portsOf(a);
  const bPorts = portsOf(b);
  return (
    aNets.length === bNets.length &&
    aNets.every((net, i) => net === bNets[i]) &&
    aPorts.length === bPorts.length &&
    aPorts.every(
      (p, i) => p.name === bPorts[i]!.name && p.port === bPorts[i]!.port && p.protocol === bPorts[i]!.protocol,
    )
  );
}

/** Computes IP-set members incrementally. */
export class MemberCalculator {
  private readonly callbacks: MemberCallbacks;
  private readonly ipSets = new Map<string, IpSet>();
  private readonly sources = new Map<string, Contribution>();
  /** Matches between IP-set selectors and items. */
  readonly index: LabelIndex;
  /** While an item is being updated: its previous source (stopped matches remove what it gave before). */
  private previous: { readonly id: string; readonly source: Contribution } | undefined;
  /** While an item is being updated: sets it started matching (they already have its new contribution). */
  private readonly startedNow = new Set<string>();

  constructor(callbacks: MemberCallbacks) {
    this.callbacks = callbacks;
    this.index = new LabelIndex({
      onMatchStarted: (ipSetId, itemId) => {
        if (this.previous?.id === itemId) this.startedNow.add(ipSetId);
        this.add(this.ipSets.get(ipSetId)!, this.sources.get(itemId)!);
      },
      onMatchStopped: (ipSetId, itemId) => {
        const source = this.previous?.id === itemId ? this.previous.source : this.sources.get(itemId)!;
        const set = this.ipSets.get(ipSetId);
        if (set !== undefined) this.remove(set, source);
      },
    });
  }

  /** Activates an IP set: its members are computed and reported. */
  addIpSet(info: IpSetInfo, selector: Selector): void {
    this.ipSets.set(info.id, { info, counts: new RefCounts() });
    this.index.updateSelector(info.id, selector);
  }

  /** Deactivates an IP set, reporting the removal of every member it had. */
  removeIpSet(id: string): void {
    const set = this.ipSets.get(id);
    if (set === undefined) return;
    this.ipSets.delete(id);
    this.index.deleteSelector(id);
    for (const member of set.counts.keys()) this.callbacks.onMemberRemoved(id, member);
  }

  /** Adds or replaces an endpoint or network set. */
  updateItem(id: string, source: MemberSource): void {
    const old = this.sources.get(id);
    this.sources.set(id, contributionOf(source));
    if (old === undefined) {
      this.index.updateItem(id, source.labels, source.parents);
      return;
    }
    this.previous = { id, source: old };
    this.startedNow.clear();
    try {
      this.index.updateItem(id, source.labels, source.parents);
      if (sameContribution(old, source)) return;
      const continuing = this.index.selectorsMatching(id).filter((ipSetId) => !this.startedNow.has(ipSetId));
      for (const ipSetId of continuing) this.add(this.ipSets.get(ipSetId)!, source);
      for (const ipSetId of continuing) this.remove(this.ipSets.get(ipSetId)!, old);
    } finally {
      this.previous = undefined;
    }
  }

  /** Removes an endpoint or network set. */
  deleteItem(id: string): void {
    if (!this.sources.has(id)) return;
    this.index.deleteItem(id);
    this.sources.delete(id);
  }

  /** Adds or replaces a profile's labels (inherited by items that list it). */
  updateParent(id: string, labels: LabelMap): void {
    this.index.updateParent(id, labels);
  }

  /** Removes a profile's labels. */
  deleteParent(id: string): void {
    this.index.deleteParent(id);
  }

  /** Active IP sets. */
  activeIpSets(): IpSetInfo[] {
    return [...this.ipSets.values()].map((set) => set.info);
  }

  /** Current members of an IP set. */
  members(id: string): string[] {
    return [...(this.ipSets.get(id)?.counts.keys() ?? [])];
  }

  private add(set: IpSet, source: Contribution): void {
    for (const member of contribution(set, source)) {
      if (set.counts.acquire(member)) this.callbacks.onMemberAdded(set.info.id, member);
    }
  }

  private remove(set: IpSet, source: Contribution): void {
    for (const member of contribution(set, source)) {
      if (set.counts.release(member)) this.callbacks.onMemberRemoved(set.info.id, member);
    }
  }
}
