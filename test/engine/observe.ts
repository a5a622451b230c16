/**
 * Reading the engine's state the way a consumer does, and replaying its flush deltas (per the
 * EngineDelta contract in src/calc/types.ts) onto what was observed before, so that tests can
 * compare both with the oracle.
 */
import { expect } from "vitest";
import type {
  EngineDelta,
  IpSetInfo,
  ParsedEntity,
  ParsedPolicy,
  ParsedProfile,
  ParsedRule,
  PolicyEngine,
  PolicyRef,
} from "../../src/calc/types.js";
import {
  type OracleEndpoint,
  type OracleResult,
  policyKey,
  type RuleRefs,
  type RulesRefs,
  type SideRefs,
  sortStrings,
} from "./oracle.js";

/** What a consumer knows: IP sets with members, and the active policies and profiles with their content. */
export interface Observed {
  /** IP sets by ID. */
  readonly ipSets: Map<string, { readonly info: IpSetInfo; readonly members: Set<string> }>;
  /** Active policies by {@link policyKey}. */
  readonly policies: Map<string, ParsedPolicy>;
  /** Active profiles by name. */
  readonly profiles: Map<string, ParsedProfile>;
}

/** Nothing observed yet (a fresh engine). */
export function emptyObserved(): Observed {
  return { ipSets: new Map(), policies: new Map(), profiles: new Map() };
}

/** Plain info without `undefined`-valued optional fields, so that deep equality is exact. */
export function plainInfo(info: IpSetInfo): IpSetInfo {
  return {
    id: info.id,
    type: info.type,
    selector: info.selector,
    ...(info.namedPort === undefined
      ? {}
      : { namedPort: { name: info.namedPort.name, protocol: info.namedPort.protocol } }),
  };
}

/** The engine's current state, through its query methods. */
export function observe(engine: PolicyEngine): Observed {
  const ipSets: Observed["ipSets"] = new Map();
  for (const info of engine.ipSets()) {
    ipSets.set(info.id, { info: plainInfo(info), members: new Set(engine.ipSetMembers(info.id)) });
  }
  return {
    ipSets,
    policies: new Map(engine.activePolicies().map((policy) => [policyKey(policy), policy])),
    profiles: new Map(engine.activeProfiles().map((profile) => [profile.name, profile])),
  };
}

/** A comparable rendering of observed state (without policy and profile content): sorted arrays everywhere. */
export function render(state: Observed): {
  ipSets: { info: IpSetInfo; members: string[] }[];
  policies: string[];
  profiles: string[];
} {
  return {
    ipSets: sortStrings(state.ipSets.keys()).map((id) => {
      const set = state.ipSets.get(id)!;
      return { info: set.info, members: sortStrings(set.members) };
    }),
    policies: sortStrings(state.policies.keys()),
    profiles: sortStrings(state.profiles.keys()),
  };
}

/** The content of the active policies and profiles, sorted by key. */
export function renderContent(state: Observed): {
  policies: [string, ParsedPolicy][];
  profiles: [string, ParsedProfile][];
} {
  const byKey = <T>(map: Map<string, T>): [string, T][] => sortStrings(map.keys()).map((key) => [key, map.get(key)!]);
  return { policies: byKey(state.policies), profiles: byKey(state.profiles) };
}

/** The oracle's result in the same rendering as {@link render}. */
export function renderOracle(result: OracleResult): ReturnType<typeof render> {
  return {
    ipSets: [...result.ipSets.values()].map(({ info, members }) => ({ info, members })),
    policies: result.activePolicyRefs,
    profiles: result.activeProfileNames,
  };
}

function isSorted(values: readonly string[]): boolean {
  return values.every((value, i) => i === 0 || values[i - 1]! < value);
}

/**
 * Replays `delta` onto `before` as the EngineDelta doc says (remove `ipSetsRemoved` with their
 * members, add `ipSetsAdded`, then apply `membersRemoved` and `membersAdded`) and returns the
 * result. On the way it checks what a coalesced delta promises: removed sets existed, added sets
 * did not (unless removed in the same delta), no member changes are listed for a removed set,
 * removed members were present, added members were absent, member lists are sorted,
 * activations/deactivations are real transitions, and updates carry changed content. Policy and
 * profile content is replayed too: activations and updates carry the latest version.
 */
export function replay(before: Observed, delta: EngineDelta): Observed {
  const ipSets: Observed["ipSets"] = new Map(
    [...before.ipSets].map(([id, set]) => [id, { info: set.info, members: new Set(set.members) }]),
  );
  for (const id of delta.ipSetsRemoved) {
    expect(before.ipSets.has(id), `ipSetsRemoved lists ${id}, which was not active`).toBe(true);
    ipSets.delete(id);
  }
  for (const info of delta.ipSetsAdded) {
    expect(ipSets.has(info.id), `ipSetsAdded lists ${info.id}, which is already active`).toBe(false);
    ipSets.set(info.id, { info: plainInfo(info), members: new Set() });
  }
  const removedSets = new Set(delta.ipSetsRemoved);
  for (const [id, members] of delta.membersRemoved) {
    if (members.length === 0) continue;
    expect(removedSets.has(id), `membersRemoved lists members of removed IP set ${id}`).toBe(false);
    expect(isSorted(members), `membersRemoved for ${id} is not sorted: ${members.join(" ")}`).toBe(true);
    const set = ipSets.get(id);
    expect(set, `membersRemoved for IP set ${id}, which is not active`).toBeDefined();
    for (const member of members) {
      expect(set!.members.has(member), `membersRemoved: ${member} was not in ${id}`).toBe(true);
      set!.members.delete(member);
    }
  }
  for (const [id, members] of delta.membersAdded) {
    if (members.length === 0) continue;
    expect(isSorted(members), `membersAdded for ${id} is not sorted: ${members.join(" ")}`).toBe(true);
    const set = ipSets.get(id);
    expect(set, `membersAdded for IP set ${id}, which is not active`).toBeDefined();
    for (const member of members) {
      expect(set!.members.has(member), `membersAdded: ${member} was already in ${id}`).toBe(false);
      set!.members.add(member);
    }
  }

  const policies = new Map(before.policies);
  for (const ref of delta.policiesDeactivated) {
    const key = policyKey(ref);
    expect(policies.has(key), `policiesDeactivated lists ${key}, which was not active`).toBe(true);
    policies.delete(key);
  }
  for (const policy of delta.policiesActivated) {
    const key = policyKey(policy);
    expect(policies.has(key), `policiesActivated lists ${key}, which was already active`).toBe(false);
    policies.set(key, policy);
  }
  for (const policy of delta.policiesUpdated) {
    const key = policyKey(policy);
    expect(policies.has(key), `policiesUpdated lists ${key}, which is not active`).toBe(true);
    expect(policy, `policiesUpdated lists ${key}, whose content did not change`).not.toEqual(policies.get(key));
    policies.set(key, policy);
  }
  const profiles = new Map(before.profiles);
  for (const name of delta.profilesDeactivated) {
    expect(profiles.has(name), `profilesDeactivated lists ${name}, which was not active`).toBe(true);
    profiles.delete(name);
  }
  for (const profile of delta.profilesActivated) {
    expect(profiles.has(profile.name), `profilesActivated lists ${profile.name}, already active`).toBe(false);
    profiles.set(profile.name, profile);
  }
  for (const profile of delta.profilesUpdated) {
    expect(profiles.has(profile.name), `profilesUpdated lists ${profile.name}, which is not active`).toBe(true);
    expect(profile, `profilesUpdated lists ${profile.name}, whose content did not change`).not.toEqual(
      profiles.get(profile.name),
    );
    profiles.set(profile.name, profile);
  }
  return { ipSets, policies, profiles };
}

/** Whether a delta says nothing at all (member maps may hold empty lists). */
export function isEmptyDelta(delta: EngineDelta): boolean {
  const noMembers = (map: Map<string, string[]>): boolean => [...map.values()].every((list) => list.length === 0);
  return (
    delta.ipSetsAdded.length === 0 &&
    delta.ipSetsRemoved.length === 0 &&
    noMembers(delta.membersAdded) &&
    noMembers(delta.membersRemoved) &&
    delta.policiesActivated.length === 0 &&
    delta.policiesUpdated.length === 0 &&
    delta.policiesDeactivated.length === 0 &&
    delta.profilesActivated.length === 0 &&
    delta.profilesUpdated.length === 0 &&
    delta.profilesDeactivated.length === 0
  );
}

function sideRefs(entity: ParsedEntity): SideRefs {
  return {
    ipSetIds: sortStrings(entity.ipSetIds),
    notIpSetIds: sortStrings(entity.notIpSetIds),
    namedPortIpSetIds: sortStrings(entity.namedPortIpSetIds),
    notNamedPortIpSetIds: sortStrings(entity.notNamedPortIpSetIds),
  };
}

function ruleRefs(rule: ParsedRule): RuleRefs {
  return { action: rule.action, source: sideRefs(rule.source), destination: sideRefs(rule.destination) };
}

/** The IP-set references of the engine's active policies and profiles, in the oracle's shape. */
export function engineRules(engine: PolicyEngine): {
  policies: Map<string, RulesRefs>;
  profiles: Map<string, RulesRefs>;
} {
  const policies = new Map<string, RulesRefs>();
  for (const policy of engine.activePolicies()) {
    policies.set(policyKey(policy), { ingress: policy.ingress.map(ruleRefs), egress: policy.egress.map(ruleRefs) });
  }
  const profiles = new Map<string, RulesRefs>();
  for (const profile of engine.activeProfiles()) {
    profiles.set(profile.name, { ingress: profile.ingress.map(ruleRefs), egress: profile.egress.map(ruleRefs) });
  }
  return { policies, profiles };
}

/** `ref` as a key, for messages. */
export function refKey(ref: PolicyRef): string {
  return `${ref.cluster}|${policyKey(ref)}`;
}

/**
 * The engine's answer to `endpointsMatching`, normalised to the oracle's ID of a global network
 * set (the contract's `[<cluster>/]<ns>/<netset>` leaves open whether a global set has a leading
 * `/`).
 */
export function engineEndpoints(engine: PolicyEngine, selector: string): OracleEndpoint[] {
  return engine.endpointsMatching(selector).map((match) => {
    let id = match.id;
    if (match.kind === "NetworkSet") {
      const prefix = match.cluster === "" ? "" : `${match.cluster}/`;
      const rest = id.startsWith(prefix) ? id.slice(prefix.length) : id;
      id = prefix + (rest.startsWith("/") ? rest.slice(1) : rest);
    }
    return { id, kind: match.kind, cluster: match.cluster };
  });
}
