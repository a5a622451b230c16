/**
 * calc/ — the policy engine: Felix's calculation graph, wired here and only here.
 *
 * Data flows one way. A raw resource is converted (k8s/) into model objects, which feed:
 *
 *   endpoints, network sets, profile labels (every cluster) ──► MemberCalculator ──► members
 *   local endpoints, local policies and profiles ──► ActiveRulesCalculator
 *        └─ active policies/profiles ──► RuleScanner ──► IP sets needed ──► MemberCalculator
 *
 * and every transition is recorded in a DeltaLog that `flush()` turns into one coalesced delta.
 * Remote clusters' endpoints and profile labels take part as rule peers; their policies and
 * profile rules never apply here, and their endpoints never activate anything.
 *
 * An update that no longer converts (say, a policy edited to an invalid selector) removes what the
 * resource produced before, as Felix's validation filter treats an invalid update as a deletion.
 *
 * Federation: a remote cluster's data is accepted only while a valid RemoteClusterConfiguration in
 * the local cluster declares it, and only what Calico federates flows in: workload and host
 * endpoints and profile labels (remote policies, network sets and profile rules are ignored,
 * with a diagnostic). Deleting or invalidating the configuration removes all the cluster's data
 * in one coalesced delta; see federation/registry.ts for status, resyncs and start-up gating.
 */
import {
  isValidRemoteCluster,
  type RemoteClusterStatus,
  validateRemoteClusterConfiguration,
} from "../federation/rcc.js";
import { type RemoteClusterInfo, RemoteClusterRegistry } from "../federation/registry.js";
import { convertResource } from "../k8s/convert.js";
import { setOwn } from "../k8s/read.js";
import {
  type Diagnostic,
  type HostEndpoint,
  hostEndpointId,
  type LabelMap,
  type ModelResource,
  type NetworkSet,
  type Policy,
  profileId,
  type RemoteClusterConfiguration,
  ruleSides,
  type Tier,
  type WorkloadEndpoint,
  workloadEndpointId,
} from "../model/index.js";
import { addressOf } from "../net/index.js";
import { compareByUtf8, type LabelLookup, normaliseSelector, parseSelector } from "../selector/index.js";
import { ActiveRulesCalculator } from "./active-rules.js";
import { DeltaLog, policyRef } from "./delta-log.js";
import { MemberCalculator, type MemberSource } from "./members.js";
import { RuleScanner } from "./rule-scanner.js";
import { parseTrustedSelector } from "./trusted-selector.js";
import type {
  AppliedPolicies,
  EndpointMatch,
  EngineDelta,
  IpSetInfo,
  ParsedPolicy,
  ParsedProfile,
  PolicyEngine,
  PolicyEngineOptions,
  ResourceRef,
  RuleMatch,
} from "./types.js";

/** Compares orders where unset is +Infinity (`Infinity - Infinity` would be NaN). */
function compareOrders(a: number, b: number): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

/** Calico's default tier and its order, used when no Tier resource says otherwise. */
const DEFAULT_TIER = { name: "default", order: 1_000_000 };

/** API groups whose resources are the same objects (calicoctl's and the CRDs'). */
function apiGroup(apiVersion: string): string {
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.lastIndexOf("/")) : "";
  return group === "crd.projectcalico.org" ? "projectcalico.org" : group;
}

/** The identity of a raw resource, when it is readable enough to have one. */
function rawIdentity(raw: unknown): { group: string; kind: string; namespace: string; name: string } | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const { apiVersion, kind, metadata } = raw as { apiVersion?: unknown; kind?: unknown; metadata?: unknown };
  if (typeof apiVersion !== "string" || typeof kind !== "string") return undefined;
  if (typeof metadata !== "object" || metadata === null) return undefined;
  const { name, namespace } = metadata as { name?: unknown; namespace?: unknown };
  if (typeof name !== "string" || name === "") return undefined;
  return { group: apiGroup(apiVersion), kind, namespace: typeof namespace === "string" ? namespace : "", name };
}

/**
 * An engine key: `parts` joined by `|`, as one flat string. A template literal leaves V8 a tree
 * of cons cells (32 bytes each) over its parts until something flattens it, and the engine keeps
 * its keys as long as the objects live: an endpoint's key, from eight parts, cost about 300 bytes
 * that way. `join` builds the flat string directly.
 */
function keyOf(...parts: string[]): string {
  return parts.join("|");
}

/** The key `remove` looks raw keys up by: cluster, kind, namespace and name (no API group). */
function rawNameKey(rawKey: string): string {
  const [cluster, , kind, namespace, name] = rawKey.split("|");
  return keyOf(cluster!, kind!, namespace!, name!);
}

/** A model object's identity within the engine. Item keys (endpoints, network sets) are also LabelIndex IDs. */
function modelKey(resource: ModelResource): string {
  switch (resource.kind) {
    case "WorkloadEndpoint":
      return keyOf("wep", workloadEndpointId(resource));
    case "HostEndpoint":
      return keyOf("hep", hostEndpointId(resource));
    case "NetworkSet":
      return keyOf("netset", resource.cluster, resource.namespace, resource.name);
    case "Profile":
      return keyOf("profile", profileId(resource.cluster, resource.name));
    case "Policy":
      return keyOf("policy", resource.cluster, resource.policyKind, resource.namespace, resource.name);
    case "Tier":
    case "IPPool":
    case "Node":
    case "RemoteClusterConfiguration":
      return keyOf(resource.kind, resource.cluster, resource.name);
    default:
      return keyOf(resource.kind, resource.cluster, resource.namespace, resource.name);
  }
}

/** A workload endpoint's address as a member: the address alone, as /32 or /128 (Felix ignores the prefix). */
function hostMember(net: string): string {
  if (net.endsWith("/32") || net.endsWith("/128")) return net;
  const address = addressOf(net);
  return `${address}/${address.includes(":") ? 128 : 32}`;
}

/**
 * An endpoint's addresses as members: a workload's nets, a host endpoint's expected IPs. A
 * workload's IPv4 nets that are already members (the usual `/32`s) are returned as they are:
 * the members are kept for the endpoint's lifetime, and a copy would cost every endpoint an array.
 */
function endpointMembers(endpoint: WorkloadEndpoint | HostEndpoint): readonly string[] {
  if (endpoint.kind === "HostEndpoint") {
    return [...endpoint.expectedIPv4.map((ip) => `${ip}/32`), ...endpoint.expectedIPv6.map((ip) => `${ip}/128`)];
  }
  if (endpoint.ipv6Nets.length > 0) return [...endpoint.ipv4Nets, ...endpoint.ipv6Nets].map(hostMember);
  const nets = endpoint.ipv4Nets;
  return nets.every((net) => hostMember(net) === net) ? nets : nets.map(hostMember);
}

/**
 * Profile IDs of an object's parents, after `first` if given; the local cluster's are the names
 * themselves, and without `first` its list is returned as it is.
 */
function parentIds(cluster: string, profiles: readonly string[], first?: string): readonly string[] {
  if (cluster === "" && first === undefined) return profiles;
  const ids = first === undefined ? [] : [first];
  for (const name of profiles) ids.push(cluster === "" ? name : profileId(cluster, name));
  return ids;
}

const NO_ADDRESSES: readonly string[] = [];

/** A network set's networks as members; a /0 becomes its two /1 halves, as Felix programs it. */
function networkMembers(nets: readonly string[]): string[] {
  return nets.flatMap((net) => {
    if (net === "0.0.0.0/0") return ["0.0.0.0/1", "128.0.0.0/1"];
    if (net === "::/0") return ["::/1", "8000::/1"];
    return [net];
  });
}

/** The ID queries report for an endpoint or network set (calicoq's form), or undefined for other kinds. */
function displayId(resource: ModelResource): string | undefined {
  switch (resource.kind) {
    case "WorkloadEndpoint":
      return workloadEndpointId(resource);
    case "HostEndpoint":
      return hostEndpointId(resource);
    case "NetworkSet": {
      const cluster = resource.cluster === "" ? "" : `${resource.cluster}/`;
      return `${cluster}${resource.namespace === "" ? "" : `${resource.namespace}/`}${resource.name}`;
    }
    default:
      return undefined;
  }
}

/** The cluster, kind, namespace and name a diagnostic about a model object names. */
function diagnosticSubject(resource: ModelResource): Pick<Diagnostic, "cluster" | "kind" | "namespace" | "name"> {
  return {
    cluster: resource.cluster,
    kind: resource.kind,
    ...("name" in resource ? { name: resource.name } : {}),
    ...("namespace" in resource && resource.namespace !== "" ? { namespace: resource.namespace } : {}),
  };
}

/** What a remote cluster contributes: endpoint identity only (federation.md A.2). */
const REMOTE_KINDS: ReadonlySet<ModelResource["kind"]> = new Set(["WorkloadEndpoint", "HostEndpoint", "Profile"]);
/** Remote kinds that would change policy if they federated: ignoring them gets a warning. */
const POLICY_KINDS: ReadonlySet<ModelResource["kind"]> = new Set(["Policy", "NetworkSet", "Tier"]);

class Engine implements PolicyEngine {
  private readonly node: string | undefined;
  private readonly log = new DeltaLog();
  private readonly members: MemberCalculator;
  private readonly scanner: RuleScanner;
  private readonly activeRules: ActiveRulesCalculator;
  /** Model objects by model key. */
  private readonly models = new Map<string, ModelResource>();
  /** Model keys each raw resource produced, by raw key. */
  private readonly produced = new Map<string, readonly string[]>();
  /**
   * Raw keys by cluster, kind, namespace and name (without API group), for `remove`. A name almost
   * always has one raw key, kept as the string itself (which `produced` already holds); a Set only
   * when API groups differ: a Set per raw pod cost a remote cluster's endpoints about 100 bytes each.
   */
  private readonly rawKeysByName = new Map<string, string | Set<string>>();
  /** Endpoints fed to the active-rules calculator (local, on this node). */
  private readonly localEndpoints = new Set<string>();
  /** Network sets' model keys by the ID queries report (endpoint keys are derived from their IDs). */
  private readonly networkSetKeysById = new Map<string, string>();
  /** Local policies, active or not (for queries). */
  private readonly localPolicies = new Map<string, Policy>();
  private readonly parsedPolicies = new Map<string, ParsedPolicy>();
  private readonly remoteDataTtlMs: number | undefined;
  private readonly clusterLabel: PolicyEngineOptions["clusterLabel"];
  /** The member index's parent that gives each cluster's items the cluster label (see `indexedLabels`). */
  private readonly clusterParents = new Map<string, string>();
  private readonly registry: RemoteClusterRegistry;
  /** Local RemoteClusterConfigurations as last seen, to tell a change of connection details. */
  private readonly rccs = new Map<string, RemoteClusterConfiguration>();
  /** Diagnostics raised while applying model objects, collected by `upsert`. */
  private pending: Diagnostic[] = [];
  private readonly parsedProfiles = new Map<string, ParsedProfile>();
  /**
   * IP sets activated in this batch that were not active at the previous flush, with the members
   * reported for each so far: they go into the delta at flush as they are, instead of through the
   * log one by one (an initial sync adds every member of every set, and the log's entry per
   * member, kept until flush, was a tenth of S6's sync time). `null` once a member left one in
   * this batch: its members are then read from the calculator at flush.
   */
  private readonly newIpSets = new Map<string, string[] | null>();
  /** IP sets active at the previous flush and deactivated in this batch: activating one again is no new set. */
  private readonly droppedIpSets = new Set<string>();

  constructor(options: PolicyEngineOptions) {
    this.node = options.node;
    this.remoteDataTtlMs = options.remoteDataTtlMs;
    this.clusterLabel = options.clusterLabel;
    this.registry = new RemoteClusterRegistry(options.now ?? Date.now);
    this.members = new MemberCalculator({
      onMemberAdded: (id, member) => {
        const added = this.newIpSets.get(id);
        if (added === undefined) this.log.memberAdded(id, member);
        else added?.push(member);
      },
      onMemberRemoved: (id, member) => {
        if (this.newIpSets.has(id)) this.newIpSets.set(id, null);
        else this.log.memberRemoved(id, member);
      },
    });
    this.scanner = new RuleScanner({
      onIpSetActive: (info, selector) => {
        this.log.ipSetAdded(info);
        if (!this.droppedIpSets.has(info.id)) this.newIpSets.set(info.id, []);
        this.members.addIpSet(info, selector);
      },
      onIpSetInactive: (id) => {
        this.members.removeIpSet(id);
        this.log.ipSetRemoved(id);
        if (!this.newIpSets.delete(id)) this.droppedIpSets.add(id);
      },
    });
    this.activeRules = new ActiveRulesCalculator({
      onPolicyActive: (key, policy) => {
        const rules = this.scanner.updateRules(key, policy.ingress, policy.egress);
        const parsed: ParsedPolicy = {
          ...policyRef(policy),
          tier: policy.tier,
          ...(policy.order === undefined ? {} : { order: policy.order }),
          selector: normaliseSelector(policy.selector),
          types: policy.types,
          doNotTrack: policy.doNotTrack,
          preDNAT: policy.preDNAT,
          applyOnForward: policy.applyOnForward,
          ...rules,
        };
        this.log.policyActive(key, parsed, this.parsedPolicies.get(key));
        this.parsedPolicies.set(key, parsed);
      },
      onPolicyInactive: (key) => {
        this.scanner.removeRules(key);
        this.log.policyInactive(key, this.parsedPolicies.get(key)!);
        this.parsedPolicies.delete(key);
      },
      onProfileActive: (name, ingress, egress) => {
        const parsed: ParsedProfile = { name, ...this.scanner.updateRules(`profile-rules|${name}`, ingress, egress) };
        this.log.profileActive(parsed, this.parsedProfiles.get(name));
        this.parsedProfiles.set(name, parsed);
      },
      onProfileInactive: (name) => {
        this.scanner.removeRules(`profile-rules|${name}`);
        this.log.profileInactive(this.parsedProfiles.get(name)!);
        this.parsedProfiles.delete(name);
      },
    });
  }

  // ---- input ------------------------------------------------------------------------------

  upsert(resource: unknown, options: { readonly cluster?: string } = {}): Diagnostic[] {
    const cluster = options.cluster ?? "";
    const identity = rawIdentity(resource);
    if (cluster !== "" && !this.registry.accepts(cluster)) {
      return [
        {
          severity: "error",
          message: `cluster "${cluster}" is not declared by a valid RemoteClusterConfiguration in the local cluster; its data is ignored`,
          cluster,
          ...(identity === undefined ? {} : { kind: identity.kind, name: identity.name }),
          ...(identity?.namespace ? { namespace: identity.namespace } : {}),
        },
      ];
    }
    const converted = convertResource(resource, { cluster });
    const diagnostics = converted.diagnostics;
    const resources = cluster === "" ? converted.resources : this.remoteContribution(converted.resources, diagnostics);
    if (identity === undefined) return diagnostics;
    const rawKey = keyOf(cluster, identity.group, identity.kind, identity.namespace, identity.name);
    if (cluster !== "") this.registry.confirm(cluster, rawKey);
    const keys = resources.map(modelKey);
    // New objects first, then stale ones: a pod that moved node (a new key) never leaves its IP
    // sets, policies or profiles in between.
    this.pending = diagnostics;
    try {
      for (const model of resources) this.upsertModel(model);
      for (const stale of this.produced.get(rawKey) ?? []) if (!keys.includes(stale)) this.removeModelByKey(stale);
    } finally {
      this.pending = [];
    }
    if (keys.length > 0) {
      this.produced.set(rawKey, keys);
      const byName = keyOf(cluster, identity.kind, identity.namespace, identity.name);
      const held = this.rawKeysByName.get(byName);
      if (held === undefined) this.rawKeysByName.set(byName, rawKey);
      else if (held instanceof Set) held.add(rawKey);
      else if (held !== rawKey) this.rawKeysByName.set(byName, new Set([held, rawKey]));
    } else {
      this.forgetRaw(rawKey);
    }
    return diagnostics;
  }

  /** The part of a remote resource that federates: endpoints and profile labels, never rules or policies. */
  private remoteContribution(resources: readonly ModelResource[], diagnostics: Diagnostic[]): ModelResource[] {
    const kept: ModelResource[] = [];
    for (const resource of resources) {
      if (!REMOTE_KINDS.has(resource.kind)) {
        // Only what a reader could expect to federate is worth a word; Services, Nodes, pools
        // and the like in a remote cluster's dump serve other components (services, preflight).
        if (!POLICY_KINDS.has(resource.kind)) continue;
        diagnostics.push({
          severity: "warning",
          message: `a remote cluster's ${resource.kind} objects are not federated (only endpoints and profile labels are); ignored`,
          ...diagnosticSubject(resource),
        });
      } else if (resource.kind === "Profile") {
        // Namespaces always convert with allow-all rules; only a Calico Profile's own rules are worth a word.
        const ownRules = !resource.name.startsWith("kns.") && resource.ingress.length + resource.egress.length > 0;
        if (ownRules) {
          diagnostics.push({
            severity: "warning",
            message: "a remote profile's rules never apply here; only its labels are used",
            ...diagnosticSubject(resource),
          });
        }
        kept.push({ ...resource, ingress: [], egress: [] });
      } else {
        kept.push(resource);
      }
    }
    return kept;
  }

  remove(ref: ResourceRef, options: { readonly cluster?: string } = {}): void {
    const cluster = options.cluster ?? "";
    const byName = `${cluster}|${ref.kind}|${ref.namespace ?? ""}|${ref.name}`;
    const group = ref.apiVersion === undefined ? undefined : apiGroup(ref.apiVersion);
    const held = this.rawKeysByName.get(byName);
    for (const rawKey of held === undefined ? [] : typeof held === "string" ? [held] : [...held]) {
      if (group !== undefined && rawKey.split("|")[1] !== group) continue;
      this.removeRaw(rawKey);
    }
  }

  upsertModel(resource: ModelResource): void {
    const key = modelKey(resource);
    const previous = this.models.get(key);
    this.models.set(key, resource);
    if (resource.kind === "NetworkSet") this.networkSetKeysById.set(displayId(resource)!, key);
    const local = resource.cluster === "";
    switch (resource.kind) {
      case "WorkloadEndpoint":
      case "HostEndpoint": {
        const nets = endpointMembers(resource);
        const { labels, parents } = this.indexedLabels(resource);
        this.members.updateItem(key, { labels, parents, nets, ports: resource.ports });
        const before = previous?.kind === resource.kind ? endpointMembers(previous as typeof resource) : NO_ADDRESSES;
        this.warnOnSharedAddresses(key, resource.cluster, nets, before);
        if (local && (this.node === undefined || resource.node === this.node)) {
          this.localEndpoints.add(key);
          this.activeRules.updateEndpoint(key, this.withClusterLabel(resource.labels, ""), resource.profiles);
        } else if (this.localEndpoints.delete(key)) {
          this.activeRules.deleteEndpoint(key);
        }
        break;
      }
      case "NetworkSet": {
        this.members.updateItem(key, {
          ...this.indexedLabels(resource),
          nets: networkMembers(resource.nets),
          ports: [],
        });
        break;
      }
      case "RemoteClusterConfiguration":
        if (local) this.declareRemoteCluster(resource);
        break;
      case "Profile":
        this.members.updateParent(profileId(resource.cluster, resource.name), resource.labels);
        if (local) {
          this.activeRules.updateProfileLabels(resource.name, resource.labels);
          this.activeRules.updateProfile(resource.name, resource);
        }
        break;
      case "Policy":
        if (local) {
          this.localPolicies.set(key, resource);
          this.activeRules.updatePolicy(key, resource);
        }
        break;
      default:
        // Tiers order active policies; the rest (pools, RCCs, services) are kept for later stages.
        break;
    }
  }

  removeModel(resource: ModelResource): void {
    this.removeModelByKey(modelKey(resource));
  }

  private removeModelByKey(key: string): void {
    const resource = this.models.get(key);
    if (resource === undefined) return;
    this.models.delete(key);
    if (resource.kind === "NetworkSet") this.networkSetKeysById.delete(displayId(resource)!);
    switch (resource.kind) {
      case "WorkloadEndpoint":
      case "HostEndpoint":
        if (this.localEndpoints.delete(key)) this.activeRules.deleteEndpoint(key);
        this.members.deleteItem(key);
        break;
      case "RemoteClusterConfiguration":
        if (resource.cluster === "") {
          this.rccs.delete(resource.name);
          this.registry.undeclare(resource.name);
          this.dropCluster(resource.name);
        }
        break;
      case "NetworkSet":
        this.members.deleteItem(key);
        break;
      case "Profile":
        this.members.deleteParent(profileId(resource.cluster, resource.name));
        if (resource.cluster === "") {
          this.activeRules.deleteProfileLabels(resource.name);
          this.activeRules.deleteProfile(resource.name);
        }
        break;
      case "Policy":
        this.localPolicies.delete(key);
        if (resource.cluster === "") this.activeRules.deletePolicy(key);
        break;
      default:
        break;
    }
  }

  /** Removes what a raw resource produced, and forgets the resource. */
  private removeRaw(rawKey: string): void {
    for (const key of this.produced.get(rawKey) ?? []) this.removeModelByKey(key);
    this.forgetRaw(rawKey);
  }

  private forgetRaw(rawKey: string): void {
    this.produced.delete(rawKey);
    const byName = rawNameKey(rawKey);
    const held = this.rawKeysByName.get(byName);
    if (held === rawKey) this.rawKeysByName.delete(byName);
    else if (held instanceof Set) {
      held.delete(rawKey);
      if (held.size === 1) this.rawKeysByName.set(byName, [...held][0]!);
    }
  }

  // ---- federation -------------------------------------------------------------------------

  /** A local RCC declares (valid), or invalidates (invalid: data dropped), a remote cluster. */
  private declareRemoteCluster(rcc: RemoteClusterConfiguration): void {
    const previous = this.rccs.get(rcc.name);
    this.rccs.set(rcc.name, rcc);
    const problems = validateRemoteClusterConfiguration(rcc);
    this.pending.push(...problems);
    if (!isValidRemoteCluster(rcc)) {
      const reason = problems.find((d) => d.severity === "error")?.message ?? "invalid configuration";
      this.registry.declare(rcc.name, false, `Config is incomplete: ${reason}`);
      this.dropCluster(rcc.name);
      return;
    }
    const wasValid = this.registry.accepts(rcc.name);
    this.registry.declare(rcc.name, true);
    if (wasValid && previous !== undefined && JSON.stringify(previous.spec) !== JSON.stringify(rcc.spec)) {
      this.registry.configurationChanged(rcc.name);
    }
  }

  /**
   * Removes every object of a remote cluster. Profiles go last: a profile removed before its
   * endpoints would have each of them re-evaluated without its labels, just before it goes too.
   */
  private dropCluster(cluster: string): void {
    const items: string[] = [];
    const profiles: string[] = [];
    for (const [key, resource] of this.models) {
      if (resource.cluster === cluster) (resource.kind === "Profile" ? profiles : items).push(key);
    }
    for (const key of items) this.removeModelByKey(key);
    for (const key of profiles) this.removeModelByKey(key);
    for (const rawKey of [...this.produced.keys()]) if (rawKey.startsWith(`${cluster}|`)) this.forgetRaw(rawKey);
    const clusterParent = this.clusterParents.get(cluster);
    if (clusterParent !== undefined) {
      this.members.deleteParent(clusterParent);
      this.clusterParents.delete(cluster);
    }
  }

  /**
   * An item's own labels and parent IDs as the member index takes them. The opt-in cluster label
   * comes from a parent of its cluster's own, placed before the profiles so that it wins over
   * theirs as an own label would: an endpoint's label map is then indexed as it is, where a copy
   * with one label more cost every endpoint an object and a longer hash. An item with its own
   * label of the cluster label's key gets a copy with that label overridden.
   */
  private indexedLabels(
    resource: WorkloadEndpoint | HostEndpoint | NetworkSet,
  ): Pick<MemberSource, "labels" | "parents"> {
    const { cluster, labels, profiles } = resource;
    if (this.clusterLabel === undefined) return { labels, parents: parentIds(cluster, profiles) };
    if (Object.hasOwn(labels, this.clusterLabel.key)) {
      return { labels: this.withClusterLabel(labels, cluster), parents: parentIds(cluster, profiles) };
    }
    return { labels, parents: parentIds(cluster, profiles, this.clusterParent(cluster)) };
  }

  /** The index parent that gives a cluster's items the cluster label, defined on first use. */
  private clusterParent(cluster: string): string {
    let id = this.clusterParents.get(cluster);
    if (id === undefined) {
      const { key, localName } = this.clusterLabel!;
      const name = cluster === "" ? localName : cluster;
      // A NUL keeps it apart from every profile ID.
      id = `\u0000cluster ${name}`;
      this.members.updateParent(id, { [key]: name });
      this.clusterParents.set(cluster, id);
    }
    return id;
  }

  /** Adds the opt-in cluster label (see `PolicyEngineOptions.clusterLabel`). */
  private withClusterLabel(labels: LabelMap, cluster: string): LabelMap {
    if (this.clusterLabel === undefined) return labels;
    const labelled: Record<string, string> = {};
    for (const key of Object.keys(labels)) setOwn(labelled, key, labels[key]!);
    setOwn(labelled, this.clusterLabel.key, cluster === "" ? this.clusterLabel.localName : cluster);
    return labelled;
  }

  /**
   * Warns when an address an endpoint (by model key) now holds is held by an endpoint of another
   * cluster too. Endpoints' members are their addresses as host nets, so the member calculator's
   * owners of a net are the holders of the address (with network sets, which are left out).
   */
  private warnOnSharedAddresses(
    key: string,
    cluster: string,
    nets: readonly string[],
    before: readonly string[],
  ): void {
    for (const net of nets) {
      if (before.includes(net)) continue;
      for (const other of this.members.itemsSharingNet(net)) {
        const holder = this.models.get(other);
        const endpoint = holder?.kind === "WorkloadEndpoint" || holder?.kind === "HostEndpoint";
        if (other === key || !endpoint || holder.cluster === cluster) continue;
        const [ours, theirs] = [key, other].map((k) => k.slice(k.indexOf("|") + 1));
        this.pending.push({
          severity: "warning",
          message: `address ${addressOf(net)} is held by ${ours} and by ${theirs} in another cluster; IP sets hold it once, so policy cannot tell them apart (pod CIDRs must not overlap)`,
          cluster,
        });
      }
    }
  }

  setRemoteClusterStatus(cluster: string, status: RemoteClusterStatus, error?: string): void {
    this.registry.setStatus(cluster, status, error);
  }

  beginResync(cluster: string): void {
    const held = [...this.produced.keys()].filter((rawKey) => rawKey.startsWith(`${cluster}|`));
    this.registry.beginResync(cluster, held);
  }

  endResync(cluster: string): void {
    for (const rawKey of this.registry.endResync(cluster)) this.removeRaw(rawKey);
  }

  remoteClusters(): readonly RemoteClusterInfo[] {
    return this.registry.list((name) => {
      let endpoints = 0;
      let profiles = 0;
      for (const resource of this.models.values()) {
        if (resource.cluster !== name) continue;
        if (resource.kind === "WorkloadEndpoint" || resource.kind === "HostEndpoint") endpoints++;
        else if (resource.kind === "Profile") profiles++;
      }
      return { endpoints, profiles };
    });
  }

  markLocalInSync(): void {
    this.registry.markLocalInSync();
  }

  inSync(): boolean {
    return this.registry.inSync();
  }

  // ---- output -----------------------------------------------------------------------------

  flush(): EngineDelta {
    if (this.remoteDataTtlMs !== undefined) {
      for (const cluster of this.registry.expire(this.remoteDataTtlMs)) this.dropCluster(cluster);
    }
    const delta = this.log.flush();
    for (const [id, added] of this.newIpSets) {
      const members = added ?? this.members.members(id);
      // Members are ASCII (addresses, protocol names, ports), where UTF-16 order is byte order.
      if (members.length > 0) delta.membersAdded.set(id, members.sort());
    }
    this.newIpSets.clear();
    this.droppedIpSets.clear();
    return delta;
  }

  ipSets(): readonly IpSetInfo[] {
    return this.members.activeIpSets().sort((a, b) => compareByUtf8(a.id, b.id));
  }

  ipSetMembers(id: string): readonly string[] {
    // Members are ASCII (addresses, protocol names, ports), where UTF-16 order is byte order.
    return this.members.members(id).sort();
  }

  activePolicies(): readonly ParsedPolicy[] {
    return [...this.parsedPolicies.values()].sort(this.policyOrder);
  }

  /** Felix's order: tier (by order, then name), then policy order (unset last), then name/namespace/kind. */
  private readonly policyOrder = (a: Policy | ParsedPolicy, b: Policy | ParsedPolicy): number => {
    // A tier with no Tier resource is invalid (Felix: "metadata missing") and sorts after valid ones.
    const tierRank = (name: string): readonly [number, number] => {
      const tier = this.models.get(`Tier||${name}`) as Tier | undefined;
      if (tier !== undefined) return [0, tier.order ?? Number.POSITIVE_INFINITY];
      return name === DEFAULT_TIER.name ? [0, DEFAULT_TIER.order] : [1, Number.POSITIVE_INFINITY];
    };
    const [aValidity, aTierOrder] = tierRank(a.tier);
    const [bValidity, bTierOrder] = tierRank(b.tier);
    const sortKey = (p: Policy | ParsedPolicy) => `${p.name}/${p.namespace}/${p.policyKind}`;
    return (
      aValidity - bValidity ||
      compareOrders(aTierOrder, bTierOrder) ||
      compareByUtf8(a.tier, b.tier) ||
      compareOrders(a.order ?? Number.POSITIVE_INFINITY, b.order ?? Number.POSITIVE_INFINITY) ||
      compareByUtf8(sortKey(a), sortKey(b))
    );
  };

  activeProfiles(): readonly ParsedProfile[] {
    return [...this.parsedProfiles.values()].sort((a, b) => compareByUtf8(a.name, b.name));
  }

  endpointsMatching(selector: string): readonly EndpointMatch[] {
    const matches: EndpointMatch[] = [];
    for (const key of this.members.index.evaluate(parseSelector(selector))) {
      const resource = this.models.get(key);
      const id = resource === undefined ? undefined : displayId(resource);
      if (id !== undefined)
        matches.push({ id, kind: resource!.kind as EndpointMatch["kind"], cluster: resource!.cluster });
    }
    return matches.sort((a, b) => compareByUtf8(a.id, b.id));
  }

  policiesApplyingTo(endpointId: string): AppliedPolicies | undefined {
    const key = this.keyOfDisplayId(endpointId);
    const endpoint = key === undefined ? undefined : this.models.get(key);
    if (endpoint?.kind !== "WorkloadEndpoint" && endpoint?.kind !== "HostEndpoint") return undefined;
    if (endpoint.cluster !== "") return { policies: [], profiles: [] };
    const lookup = this.lookupFor(key!);
    const policies = [...this.localPolicies.values()]
      .filter((policy) => parseTrustedSelector(policy.selector).matchesWith(lookup))
      .sort(this.policyOrder)
      .map(policyRef);
    return { policies, profiles: endpoint.profiles };
  }

  rulesSelecting(endpointId: string): readonly RuleMatch[] | undefined {
    const key = this.keyOfDisplayId(endpointId);
    if (key === undefined) return undefined;
    const lookup = this.lookupFor(key);
    const matches: RuleMatch[] = [];
    const scan = (owner: Pick<RuleMatch, "policy" | "profile">, rules: Pick<Policy, "ingress" | "egress">) => {
      for (const { direction, index: ruleIndex, side, match } of ruleSides(rules)) {
        if (match.selector !== "" && parseTrustedSelector(match.selector).matchesWith(lookup)) {
          matches.push({ ...owner, direction, ruleIndex, side, negated: false });
        }
        if (match.notSelector !== "" && parseTrustedSelector(match.notSelector).matchesWith(lookup)) {
          matches.push({ ...owner, direction, ruleIndex, side, negated: true });
        }
      }
    };
    for (const policy of [...this.localPolicies.values()].sort(this.policyOrder)) {
      scan({ policy: policyRef(policy) }, policy);
    }
    for (const name of [...this.parsedProfiles.keys()].sort(compareByUtf8)) {
      const profile = this.models.get(`profile|${name}`);
      if (profile?.kind === "Profile") scan({ profile: name }, profile);
    }
    return matches;
  }

  /** The model key of an endpoint or network set given by the ID queries report. */
  private keyOfDisplayId(id: string): string | undefined {
    // Endpoint keys are their IDs with a kind prefix (see modelKey); network sets' are not.
    for (const key of [`wep|${id}`, `hep|${id}`]) if (this.models.has(key)) return key;
    return this.networkSetKeysById.get(id);
  }

  /** Reads an endpoint's or network set's effective labels (own, then its profiles'). */
  private lookupFor(key: string): LabelLookup {
    return (label) => this.members.index.labelOf(key, label);
  }
}

/**
 * Creates an incremental policy engine. Feed it resources with `upsert`/`remove` (any order, any
 * cluster), read what changed with `flush`, and query the current state at any time.
 */
export function createPolicyEngine(options: PolicyEngineOptions = {}): PolicyEngine {
  return new Engine(options);
}
