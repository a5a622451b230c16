/**
 * DeltaLog: collects the transitions of one batch and turns them into a coalesced
 * {@link EngineDelta} at flush.
 *
 * For everything touched in the batch it remembers the state at the previous flush (the first
 * transition seen tells it: an "added" means it was absent) and the state now; only differences
 * are reported. So a pod added and deleted within one batch leaves no trace, and an IP set that
 * was deactivated and reactivated reports only the members that really differ; a policy or
 * profile is "updated" only if its parsed content differs from the last flush. Members of an IP
 * set that is gone at flush are not listed: the set goes with them, as in Felix.
 */
import { compareByUtf8 } from "../selector/index.js";
import { getOrCreate } from "../util/get-or-create.js";
import type { EngineDelta, IpSetInfo, ParsedPolicy, ParsedProfile, PolicyRef } from "./types.js";

interface Change<T> {
  /** Present at the previous flush. */
  readonly before: boolean;
  /** The value at the previous flush, where it matters (policies and profiles). */
  readonly beforeValue?: T;
  /** The current value, undefined when absent now. */
  now: T | undefined;
}

/**
 * A member's change within a batch, as bits rather than a Change object: an initial sync adds
 * hundreds of thousands of members, and an object each was most of the log's garbage.
 */
type MemberChange = number;
/** The member was in the set at the previous flush. */
const WAS = 1;
/** The member is in the set now. */
const IS = 2;

/** A policy's identity, without its content. */
export function policyRef(policy: PolicyRef): PolicyRef {
  return { cluster: policy.cluster, policyKind: policy.policyKind, namespace: policy.namespace, name: policy.name };
}

/** Records the first-seen "before" state and the latest value of each thing touched. */
function touch<K, T>(changes: Map<K, Change<T>>, key: K, wasPresent: boolean, previous?: T): Change<T> {
  let change = changes.get(key);
  if (change === undefined) {
    change =
      previous === undefined
        ? { before: wasPresent, now: undefined }
        : { before: wasPresent, beforeValue: previous, now: undefined };
    changes.set(key, change);
  }
  return change;
}

/** Whether an active thing really changed: parsed policies and profiles are plain data, built in a fixed key order. */
function changed<T>(change: Change<T>): boolean {
  return JSON.stringify(change.beforeValue) !== JSON.stringify(change.now);
}

/** Accumulates one batch of transitions. */
export class DeltaLog {
  private ipSets = new Map<string, Change<IpSetInfo>>();
  private members = new Map<string, Map<string, MemberChange>>();
  private policies = new Map<string, Change<ParsedPolicy>>();
  /** The identity of each policy touched, for reporting deactivations. */
  private policyRefs = new Map<string, PolicyRef>();
  private profiles = new Map<string, Change<ParsedProfile>>();

  /** An IP set became active. */
  ipSetAdded(info: IpSetInfo): void {
    touch(this.ipSets, info.id, false).now = info;
  }

  /** An IP set became inactive. */
  ipSetRemoved(id: string): void {
    touch(this.ipSets, id, true).now = undefined;
  }

  /** A member joined an IP set. */
  memberAdded(ipSetId: string, member: string): void {
    const members = this.membersOf(ipSetId);
    members.set(member, (members.get(member) ?? 0) | IS);
  }

  /** A member left an IP set. */
  memberRemoved(ipSetId: string, member: string): void {
    const members = this.membersOf(ipSetId);
    const change = members.get(member);
    members.set(member, change === undefined ? WAS : change & ~IS);
  }

  /** A policy became active (`previous` undefined) or, if it already was, was given again. */
  policyActive(key: string, policy: ParsedPolicy, previous: ParsedPolicy | undefined): void {
    touch(this.policies, key, previous !== undefined, previous).now = policy;
    this.policyRefs.set(key, policy);
  }

  /** A policy stopped being active. */
  policyInactive(key: string, previous: ParsedPolicy): void {
    touch(this.policies, key, true, previous).now = undefined;
    // Only the identity: a consumer keeping the delta should not keep the whole policy alive.
    this.policyRefs.set(key, policyRef(previous));
  }

  /** A profile became active (`previous` undefined) or, if it already was, was given again. */
  profileActive(profile: ParsedProfile, previous: ParsedProfile | undefined): void {
    touch(this.profiles, profile.name, previous !== undefined, previous).now = profile;
  }

  /** A profile stopped being active. */
  profileInactive(previous: ParsedProfile): void {
    touch(this.profiles, previous.name, true, previous).now = undefined;
  }

  /** The batch's coalesced delta; the log starts a new batch. */
  flush(): EngineDelta {
    const delta: EngineDelta = {
      ipSetsAdded: [],
      ipSetsRemoved: [],
      membersAdded: new Map(),
      membersRemoved: new Map(),
      policiesActivated: [],
      policiesUpdated: [],
      policiesDeactivated: [],
      profilesActivated: [],
      profilesUpdated: [],
      profilesDeactivated: [],
    };
    const existsNow = (id: string) => {
      const change = this.ipSets.get(id);
      return change === undefined || change.now !== undefined;
    };
    for (const [id, change] of this.ipSets) {
      if (!change.before && change.now !== undefined) delta.ipSetsAdded.push(change.now);
      else if (change.before && change.now === undefined) delta.ipSetsRemoved.push(id);
    }
    for (const [id, members] of this.members) {
      if (!existsNow(id)) continue;
      const added: string[] = [];
      const removed: string[] = [];
      for (const [member, change] of members) {
        if (change === IS) added.push(member);
        else if (change === WAS) removed.push(member);
      }
      // Members are ASCII (addresses, protocol names, ports), where UTF-16 order is byte order.
      if (added.length > 0) delta.membersAdded.set(id, added.sort());
      if (removed.length > 0) delta.membersRemoved.set(id, removed.sort());
    }
    for (const [key, change] of this.policies) {
      if (change.now === undefined) {
        if (change.before) delta.policiesDeactivated.push(this.policyRefs.get(key)!);
      } else if (!change.before) delta.policiesActivated.push(change.now);
      else if (changed(change)) delta.policiesUpdated.push(change.now);
    }
    for (const [name, change] of this.profiles) {
      if (change.now === undefined) {
        if (change.before) delta.profilesDeactivated.push(name);
      } else if (!change.before) delta.profilesActivated.push(change.now);
      else if (changed(change)) delta.profilesUpdated.push(change.now);
    }
    delta.ipSetsAdded.sort((a, b) => compareByUtf8(a.id, b.id));
    delta.ipSetsRemoved.sort(compareByUtf8);
    this.ipSets = new Map();
    this.members = new Map();
    this.policies = new Map();
    this.policyRefs = new Map();
    this.profiles = new Map();
    return delta;
  }

  private membersOf(ipSetId: string): Map<string, MemberChange> {
    return getOrCreate(this.members, ipSetId, () => new Map());
  }
}
