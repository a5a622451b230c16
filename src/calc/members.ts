/**
 * MemberCalculator: the members of every active IP set, from the endpoints and network sets of
 * every cluster (spec §5.5, member formats §5.8).
 *
 * An item (endpoint or network set) that matches an IP set's selector contributes members: its
 * addresses (`10.0.0.1/32`, a network set's `10.0.0.0/8`) to a selector set, or `address,proto:port`
 * for each of its ports named like a named-port set's port, with a matching protocol. Callbacks
 * fire when a member joins a set and when it leaves.
 *
 * Members are not stored per IP set: a set's members are what the items matching it contribute,
 * and the index knows which those are. Only a member that two items could both give needs a
 * count, and that happens only when they share a net (an address in two clusters' pod CIDRs, a
 * pod and a network set's `/32`): the calculator knows which items have each net, and members
 * made from a shared net are reference-counted per IP set, so the address is one member until
 * both items are gone. In a healthy federation nothing is shared, and an initial sync reports
 * each member as it is found instead of filling a hash table per set with hundreds of thousands
 * of entries (which was about a quarter of S6's sync time).
 *
 * When an item changes but keeps matching a set, the members it gains are added before those it
 * loses are removed, and a member it keeps is not reported at all. Removing an IP set reports
 * the removal of each member it had, so a consumer that keeps a batch can tell what it held (the
 * engine's delta leaves them out, as Felix does: the set goes with its members).
 */
import { LabelIndex } from "../index/label-index.js";
import type { LabelMap, NamedPort, Protocol } from "../model/index.js";
import { addressOf } from "../net/index.js";
import type { Selector } from "../selector/index.js";
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
  /**
   * Addresses or networks as members (`10.0.0.1/32`, `10.0.0.0/8`), canonical. An item with named
   * ports must give host addresses only (`/32`, `/128`, as every endpoint's are): its named-port
   * members are made from the address alone.
   */
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
const NO_NETS: readonly string[] = [];

/** Whether `net` is one host's address, the only nets named-port members can be made from. */
function isHostNet(net: string): boolean {
  return net.endsWith("/32") || net.endsWith("/128");
}

/**
 * What the calculator keeps of `source`, with each net once: the counting of shared members
 * relies on an item giving each member once, and on distinct nets making distinct members.
 */
function contributionOf(source: MemberSource): Contribution {
  const nets =
    source.nets.length > 1 && new Set(source.nets).size < source.nets.length ? [...new Set(source.nets)] : source.nets;
  if (source.ports.length === 0) return nets;
  const network = nets.find((net) => !isHostNet(net));
  if (network !== undefined) {
    throw new RangeError(
      `MemberCalculator: an item with named ports must give host addresses (/32 or /128) as nets, not ${JSON.stringify(network)}`,
    );
  }
  return { nets, ports: source.ports };
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
  /** How many items give each member made from a shared net; no other member has an entry. */
  readonly sharedCounts: Map<string, number>;
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
  // Two ports can make one member (`tcp` and protocol 6 under one name and number).
  return members.length > 1 ? [...new Set(members)] : members;
}

/** The members `source` gives `set`, each with the net it is made from. */
function membersByNet(set: IpSet, source: Contribution): [member: string, net: string][] {
  const ports = portsOf(source);
  return netsOf(source).flatMap((net) =>
    contribution(set, { nets: [net], ports }).map((member): [string, string] => [member, net]),
  );
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
  /** The items that have each net: one item's ID, or a Set of IDs when the net is shared. */
  private readonly netOwners = new Map<string, string | Set<string>>();
  /** Items with at least one shared net: only their members are counted. */
  private readonly sharing = new Set<string>();
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
        this.change(this.ipSets.get(ipSetId)!, itemId, this.sources.get(itemId)!, 1);
      },
      onMatchStopped: (ipSetId, itemId) => {
        const source = this.previous?.id === itemId ? this.previous.source : this.sources.get(itemId)!;
        const set = this.ipSets.get(ipSetId);
        if (set !== undefined) this.change(set, itemId, source, -1);
      },
    });
  }

  /** Activates an IP set: its members are computed and reported. */
  addIpSet(info: IpSetInfo, selector: Selector): void {
    this.ipSets.set(info.id, { info, sharedCounts: new Map() });
    this.index.updateSelector(info.id, selector);
  }

  /** Deactivates an IP set, reporting the removal of every member it had. */
  removeIpSet(id: string): void {
    if (!this.ipSets.has(id)) return;
    const members = this.members(id);
    this.ipSets.delete(id);
    this.index.deleteSelector(id);
    for (const member of members) this.callbacks.onMemberRemoved(id, member);
  }

  /**
   * Adds or replaces an endpoint or network set.
   *
   * @throws RangeError if the item has named ports and a net that is not a host address.
   */
  updateItem(id: string, source: MemberSource): void {
    const next = contributionOf(source);
    const old = this.sources.get(id);
    this.sources.set(id, next);
    // Nets are claimed before the index reports matches, and released after: every member is
    // counted on the way in and out when its net is shared at either end.
    this.claimNets(id, netsOf(next), old === undefined ? NO_NETS : netsOf(old));
    if (old === undefined) {
      this.index.updateItem(id, source.labels, source.parents);
      return;
    }
    this.previous = { id, source: old };
    this.startedNow.clear();
    try {
      this.index.updateItem(id, source.labels, source.parents);
      if (!sameContribution(old, next)) {
        for (const ipSetId of this.index.selectorsMatching(id)) {
          if (!this.startedNow.has(ipSetId)) this.replace(this.ipSets.get(ipSetId)!, old, next);
        }
      }
    } finally {
      this.previous = undefined;
    }
    this.releaseNets(id, netsOf(old), netsOf(next));
  }

  /** Removes an endpoint or network set. */
  deleteItem(id: string): void {
    const source = this.sources.get(id);
    if (source === undefined) return;
    this.index.deleteItem(id);
    this.sources.delete(id);
    this.releaseNets(id, netsOf(source), NO_NETS);
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

  /** Current members of an IP set, in no particular order. */
  members(id: string): string[] {
    const set = this.ipSets.get(id);
    if (set === undefined) return [];
    const members: string[] = [];
    for (const itemId of this.index.itemsMatching(id)) {
      for (const member of contribution(set, this.sources.get(itemId)!)) members.push(member);
    }
    // Only a shared net makes a member twice.
    return this.sharing.size === 0 ? members : [...new Set(members)];
  }

  /** IDs of the items that have `net` (as given in `MemberSource.nets`) when more than one does; otherwise none. */
  itemsSharingNet(net: string): readonly string[] {
    // The engine asks for every endpoint it takes; with nothing shared, no lookup is needed.
    if (this.sharing.size === 0) return NO_NETS;
    const owners = this.netOwners.get(net);
    return owners instanceof Set ? [...owners] : NO_NETS;
  }

  /** Adds (`step` 1) or removes (-1) the members `source` gives `set`. */
  private change(set: IpSet, id: string, source: Contribution, step: 1 | -1): void {
    if (this.sharing.size > 0 && this.sharing.has(id)) {
      for (const [member, net] of membersByNet(set, source)) this.countAndReport(set, member, net, step);
      return;
    }
    for (const member of contribution(set, source)) this.report(set, member, step);
  }

  /** What `set` gains from `next` is added before what it loses from `old` is removed. */
  private replace(set: IpSet, old: Contribution, next: Contribution): void {
    const before = new Map(membersByNet(set, old));
    const after = new Map(membersByNet(set, next));
    for (const [member, net] of after) if (!before.has(member)) this.countAndReport(set, member, net, 1);
    for (const [member, net] of before) if (!after.has(member)) this.countAndReport(set, member, net, -1);
  }

  /** Reports a member made from `net`, counting it first when the net is shared. */
  private countAndReport(set: IpSet, member: string, net: string, step: 1 | -1): void {
    if (this.netOwners.get(net) instanceof Set) {
      const count = (set.sharedCounts.get(member) ?? 0) + step;
      if (count === 0) set.sharedCounts.delete(member);
      else set.sharedCounts.set(member, count);
      if (count !== (step === 1 ? 1 : 0)) return;
    }
    this.report(set, member, step);
  }

  private report(set: IpSet, member: string, step: 1 | -1): void {
    if (step === 1) this.callbacks.onMemberAdded(set.info.id, member);
    else this.callbacks.onMemberRemoved(set.info.id, member);
  }

  /** Records that `id` has `nets` (it had `had` before); a net another item has becomes shared. */
  private claimNets(id: string, nets: readonly string[], had: readonly string[]): void {
    for (const net of nets) {
      if (had.includes(net)) continue;
      const owners = this.netOwners.get(net);
      if (owners === undefined) {
        this.netOwners.set(net, id);
        continue;
      }
      if (typeof owners === "string") {
        // Its one owner's members from this net were reported uncounted: count them from now on.
        this.setOwnerCounts(owners, net, 1);
        this.sharing.add(owners);
        this.netOwners.set(net, new Set([owners, id]));
      } else {
        owners.add(id);
      }
      this.sharing.add(id);
    }
  }

  /** Records that `id` no longer has `nets` except those it keeps; a net left with one owner is no longer shared. */
  private releaseNets(id: string, nets: readonly string[], kept: readonly string[]): void {
    for (const net of nets) {
      if (kept.includes(net)) continue;
      const owners = this.netOwners.get(net);
      if (!(owners instanceof Set)) {
        if (owners === id) this.netOwners.delete(net);
        continue;
      }
      owners.delete(id);
      if (owners.size > 1) continue;
      const [last] = owners as Set<string>;
      this.netOwners.set(net, last!);
      this.setOwnerCounts(last!, net, 0);
      this.updateSharing(last!);
    }
    this.updateSharing(id);
  }

  /**
   * Sets (1) or clears (0) the count of each member `owner` gives from `net` to the sets it
   * matches: what a net's only owner gives is counted exactly while the net is shared.
   */
  private setOwnerCounts(owner: string, net: string, count: 0 | 1): void {
    const ports = portsOf(this.sources.get(owner)!);
    for (const ipSetId of this.index.selectorsMatching(owner)) {
      const set = this.ipSets.get(ipSetId);
      if (set === undefined) continue;
      for (const member of contribution(set, { nets: [net], ports })) {
        if (count === 1) set.sharedCounts.set(member, 1);
        else set.sharedCounts.delete(member);
      }
    }
  }

  /** Keeps `id` in `sharing` exactly while it is an item with a shared net. */
  private updateSharing(id: string): void {
    const source = this.sources.get(id);
    if (source !== undefined && netsOf(source).some((net) => this.netOwners.get(net) instanceof Set)) {
      this.sharing.add(id);
    } else {
      this.sharing.delete(id);
    }
  }
}
