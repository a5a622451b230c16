/**
 * ActiveRulesCalculator: which policies and profiles apply to at least one local endpoint
 * (spec §5.3).
 *
 * A policy is active while its main selector (`""` means `all()`) matches some local endpoint: an
 * endpoint of the local cluster, on the engine's node if it computes for one. Endpoints of remote
 * clusters and network sets never activate anything; they only ever appear as rule peers. A
 * profile is active while some local endpoint lists it; if its rules are unknown (a namespace
 * whose profile was never seen), it is active with deny-all rules, as Felix does.
 *
 * Reports transitions (active, inactive) and updates of active policies and profiles. Knows
 * nothing about IP sets.
 */
import { LabelIndex } from "../index/label-index.js";
import type { LabelMap, Policy, Profile, Rule } from "../model/index.js";
import { RefCounts } from "../util/ref-counts.js";
import { parseTrustedSelector } from "./trusted-selector.js";

/** Receives activations; `…Active` is called again when an active policy or profile changes. */
export interface ActiveRulesCallbacks {
  /** A policy became active, or an active one changed. */
  onPolicyActive(key: string, policy: Policy): void;
  /** A policy stopped being active (or was deleted while active). */
  onPolicyInactive(key: string): void;
  /** A profile became active, or an active one's rules changed. */
  onProfileActive(name: string, ingress: readonly Rule[], egress: readonly Rule[]): void;
  /** A profile stopped being active. */
  onProfileInactive(name: string): void;
}

const NO_MATCH = { nets: [], notNets: [], selector: "", notSelector: "", ports: [], notPorts: [] } as const;
/** Felix's stand-in rules for an active profile whose rules are unknown. */
const DENY_ALL: readonly Rule[] = [{ action: "deny", source: NO_MATCH, destination: NO_MATCH }];

/** Tracks active policies and profiles. */
export class ActiveRulesCalculator {
  private readonly callbacks: ActiveRulesCallbacks;
  private readonly policies = new Map<string, Policy>();
  /** Local endpoints each policy's selector matches; active while non-zero. */
  private readonly matchCounts = new RefCounts<string>();
  private readonly profiles = new Map<string, Profile>();
  /** Local endpoints listing each profile; active while non-zero. */
  private readonly profileRefs = new RefCounts<string>();
  private readonly endpointProfiles = new Map<string, readonly string[]>();
  private readonly index: LabelIndex;

  constructor(callbacks: ActiveRulesCallbacks) {
    this.callbacks = callbacks;
    this.index = new LabelIndex({
      onMatchStarted: (key) => {
        if (this.matchCounts.acquire(key)) this.callbacks.onPolicyActive(key, this.policies.get(key)!);
      },
      onMatchStopped: (key) => {
        if (this.matchCounts.release(key)) this.callbacks.onPolicyInactive(key);
      },
    });
  }

  /** Adds or replaces a local policy. */
  updatePolicy(key: string, policy: Policy): void {
    if (sameContent(this.policies.get(key), policy)) return;
    this.policies.set(key, policy);
    const wasActive = this.matchCounts.has(key);
    this.index.updateSelector(key, parseTrustedSelector(policy.selector));
    // Same selector, still active: the index reported nothing, but the rules may have changed.
    if (wasActive && this.matchCounts.has(key)) this.callbacks.onPolicyActive(key, policy);
  }

  /** Removes a local policy. */
  deletePolicy(key: string): void {
    if (!this.policies.has(key)) return;
    this.index.deleteSelector(key);
    this.policies.delete(key);
  }

  /** Adds or replaces a local profile's rules. */
  updateProfile(name: string, profile: Profile): void {
    if (sameContent(this.profiles.get(name), profile)) return;
    this.profiles.set(name, profile);
    if (this.profileRefs.has(name)) this.callbacks.onProfileActive(name, profile.ingress, profile.egress);
  }

  /** Removes a local profile's rules (an active profile falls back to deny-all). */
  deleteProfile(name: string): void {
    if (!this.profiles.delete(name)) return;
    if (this.profileRefs.has(name)) this.callbacks.onProfileActive(name, DENY_ALL, DENY_ALL);
  }

  /** Adds or replaces a profile's labels, which local endpoints inherit. */
  updateProfileLabels(name: string, labels: LabelMap): void {
    this.index.updateParent(name, labels);
  }

  /** Removes a profile's labels. */
  deleteProfileLabels(name: string): void {
    this.index.deleteParent(name);
  }

  /** Adds or replaces a local endpoint. */
  updateEndpoint(id: string, labels: LabelMap, profiles: readonly string[]): void {
    const previous = this.endpointProfiles.get(id) ?? [];
    this.endpointProfiles.set(id, profiles);
    for (const name of profiles) if (!previous.includes(name)) this.reference(name);
    this.index.updateItem(id, labels, profiles);
    for (const name of previous) if (!profiles.includes(name)) this.release(name);
  }

  /** Removes a local endpoint. */
  deleteEndpoint(id: string): void {
    const previous = this.endpointProfiles.get(id);
    if (previous === undefined) return;
    this.endpointProfiles.delete(id);
    this.index.deleteItem(id);
    for (const name of previous) this.release(name);
  }

  private reference(name: string): void {
    if (!this.profileRefs.acquire(name)) return;
    const profile = this.profiles.get(name);
    this.callbacks.onProfileActive(name, profile?.ingress ?? DENY_ALL, profile?.egress ?? DENY_ALL);
  }

  private release(name: string): void {
    if (this.profileRefs.release(name)) this.callbacks.onProfileInactive(name);
  }
}

/**
 * Felix ignores updates that are deep-equal to what it has. Model objects are plain data built
 * by the converters in a fixed key order, so their JSON forms compare them exactly.
 */
function sameContent(a: Policy | Profile | undefined, b: Policy | Profile): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}
