/**
 * index/ — which selectors match which labelled items, kept up to date incrementally.
 *
 * Items (endpoints and network sets) have their own labels and an ordered list of parents
 * (profiles) whose labels they inherit: own labels first, then each parent in order, first hit
 * wins. For example an endpoint with labels `{app: web}` and parents `[kns.shop]`, where `kns.shop`
 * applies `{pcns.team: a, app: ignored}`, has effective labels `{app: web, pcns.team: a}`.
 *
 * The index reports transitions only: `onMatchStarted(selector, item)` when an item starts
 * matching a selector, `onMatchStopped` when it stops. Updating an item, a parent or a selector
 * to the same value reports nothing.
 *
 * Items with the same own labels and the same parents have the same effective labels, so they
 * are one *identity* (a deployment's pods in one namespace). Selectors are evaluated per identity
 * and match identities: a pod that joins a known identity takes its matches without evaluating
 * anything and without an entry in each matching selector. Transitions are still reported per
 * item. Own labels are hash-consed too: equal label maps share one LabelSet.
 *
 * How do we avoid evaluating every selector against every identity? Two inverted indexes:
 *
 * 1. Identities by label (label sets by own labels, parents by theirs): a new selector only scans
 *    the identities in the smallest bucket its label restrictions allow. `app == "web" &&
 *    has(debug)` scans those labelled `app=web` or those labelled `debug`, whichever is fewer
 *    right now. It is the label set that is filed under each of its labels, so a new identity
 *    with a known label set touches no bucket.
 * 2. Selectors by label, for new or changed identities: each selector is filed under one bucket, a
 *    label with one of its allowed values (`app=web`) or a label with any value (`debug=*`); a new
 *    identity only evaluates the selectors filed under its own (label, value) pairs, plus
 *    selectors with no usable restriction. The choice of bucket is the key decision. Felix picks
 *    by a fixed score that prefers value restrictions, so every `alpha == "beta" && has(x-17)`
 *    lands under `alpha=beta` and every endpoint with `alpha=beta` evaluates all of them. We pick
 *    the bucket whose identities are fewest *now* (the expected number of evaluations the selector
 *    adds), then the bucket fewest selectors already share (so selectors filed before any items
 *    exist spread out), then value buckets before wildcard ones. The choice is made once, when the
 *    selector is added.
 *
 * Candidates are always checked against the full selector, so indexing never changes results.
 * This file knows nothing about endpoints, IP sets or policies: items, parents and selectors are
 * opaque string IDs.
 */
import type { LabelMap } from "../model/index.js";
import type { LabelLookup, Selector } from "../selector/index.js";
import { getOrCreate } from "../util/get-or-create.js";

/** Receives match transitions. */
export interface LabelIndexCallbacks {
  /** `itemId` started matching `selectorId`. */
  onMatchStarted(selectorId: string, itemId: string): void;
  /** `itemId` stopped matching `selectorId`. */
  onMatchStopped(selectorId: string, itemId: string): void;
}

interface Parent {
  readonly id: string;
  labels: LabelMap;
  /** Whether the parent itself was given (not just referenced by an item). */
  defined: boolean;
  /** Identities that list this parent. */
  readonly children: Set<Identity>;
}

/** A list of parents, in order, shared by every identity with the same parent IDs. */
interface ParentList {
  readonly parents: readonly Parent[];
  /** How many identities use the list; it is forgotten with the last. */
  users: number;
}

/**
 * Parent lists by their IDs, one level per position: finding a pod's list hashes each of its
 * parent IDs (a string keeps its hash) and builds no key; a key string per item (JSON of the IDs)
 * was a twentieth of S6's sync time.
 */
interface ParentListNode {
  /** The list whose IDs lead here, if any identity uses it. */
  list: ParentList | undefined;
  /** Longer lists, by their next ID. */
  next: Map<string, ParentListNode> | undefined;
}

/** Items with the same label set and parent list: the same effective labels, so the same matches. */
interface Identity {
  readonly labelSet: LabelSet;
  readonly parentList: ParentList;
  items: Few<Item>;
  /** Selectors the identity matches (most match one or two). */
  matches: Few<IndexedSelector>;
}

interface Item {
  readonly id: string;
  identity: Identity;
}

interface IndexedSelector {
  readonly id: string;
  readonly selector: Selector;
  readonly matches: Set<Identity>;
  /** Where the selector is filed for new identities; undefined when unfiled (can never match). */
  filing: Filing | undefined;
}

/**
 * A collection kept in the smallest form for its size: none (undefined), one (the thing itself),
 * an array of exactly its size up to `FEW` things, then a Set. Identities match a handful of
 * selectors (four or five IP sets in S6) and many have few items: a Set of five costs about
 * 240 bytes, an exact array 90, and arrays this short are quick to scan. Arrays are built with
 * `concat`, which sizes them exactly (spread and `push` leave room to grow), and never changed in
 * place, so iterating one is always safe. The things kept are plain objects, never arrays or Sets.
 */
type Few<T extends object> = T | T[] | Set<T> | undefined;

/** The most things a Few keeps in an array. */
const FEW = 8;

function each<T extends object>(few: Few<T>): Iterable<T> {
  if (few === undefined) return [];
  return few instanceof Set || Array.isArray(few) ? few : [few];
}

function includes<T extends object>(few: Few<T>, thing: T): boolean {
  if (few instanceof Set) return few.has(thing);
  return Array.isArray(few) ? few.includes(thing) : few === thing;
}

function withOne<T extends object>(few: Few<T>, thing: T): Few<T> {
  if (few === undefined || few === thing) return thing;
  if (few instanceof Set) return few.add(thing);
  if (!Array.isArray(few)) return [few, thing];
  if (few.includes(thing)) return few;
  return few.length < FEW ? few.concat([thing]) : new Set(few).add(thing);
}

function withoutOne<T extends object>(few: Few<T>, thing: T): Few<T> {
  if (few instanceof Set) {
    few.delete(thing);
    // Back to an array only at half the limit, so a collection at the limit does not flip-flop.
    return few.size > FEW / 2 ? few : fewOf([...few]);
  }
  if (!Array.isArray(few)) return few === thing ? undefined : few;
  const i = few.indexOf(thing);
  return i < 0 ? few : fewOf(few.slice(0, i).concat(few.slice(i + 1)));
}

/** The smallest form of an array of at most `FEW` distinct things. */
function fewOf<T extends object>(things: T[]): Few<T> {
  return things.length > 1 ? things : things[0];
}

/** A selector is filed under one label with some values, under a label with any value, or not optimised. */
type Filing =
  | { readonly kind: "values"; readonly label: string; readonly values: readonly string[] }
  | { readonly kind: "any"; readonly label: string }
  | { readonly kind: "unoptimised" };

/** Buckets of selectors under one label. */
interface SelectorBuckets {
  readonly any: Set<IndexedSelector>;
  readonly byValue: Map<string, Set<IndexedSelector>>;
}

const hasOwn = Object.hasOwn;

/**
 * Reads an identity's effective labels. Made when needed rather than kept: an evaluation is
 * short, and a closure each costs about 100 bytes.
 */
function lookupOf({ labelSet: { labels }, parentList: { parents } }: Identity): LabelLookup {
  if (parents.length === 0) return (key) => (hasOwn(labels, key) ? labels[key] : undefined);
  return (key) => {
    if (hasOwn(labels, key)) return labels[key];
    for (const parent of parents) if (hasOwn(parent.labels, key)) return parent.labels[key];
    return undefined;
  };
}

/**
 * A label set's identities, one per parent list: one alone, a few in an exact array, many in a
 * Map by parent list. The same pod labels in every namespace make one label set with an identity
 * per namespace, and finding a new pod's identity must not scan them all.
 */
type Identities = Identity | Identity[] | Map<ParentList, Identity> | undefined;

function eachIdentity(identities: Identities): Iterable<Identity> {
  if (identities instanceof Map) return identities.values();
  return identities === undefined ? [] : Array.isArray(identities) ? identities : [identities];
}

function findIdentity(identities: Identities, parentList: ParentList): Identity | undefined {
  if (identities instanceof Map) return identities.get(parentList);
  for (const identity of eachIdentity(identities)) if (identity.parentList === parentList) return identity;
  return undefined;
}

function withIdentity(identities: Identities, identity: Identity): Identities {
  if (identities === undefined) return identity;
  if (identities instanceof Map) return identities.set(identity.parentList, identity);
  const list = Array.isArray(identities) ? identities : [identities];
  if (list.length < FEW) return list.concat([identity]);
  return new Map(list.concat([identity]).map((one) => [one.parentList, one]));
}

function withoutIdentity(identities: Identities, identity: Identity): Identities {
  if (identities instanceof Map) {
    identities.delete(identity.parentList);
    // Back to an array only at half the limit, so a label set at the limit does not flip-flop.
    if (identities.size > FEW / 2) return identities;
    const rest = [...identities.values()];
    return rest.length > 1 ? rest : rest[0];
  }
  if (!Array.isArray(identities)) return identities === identity ? undefined : identities;
  const rest = identities.filter((one) => one !== identity);
  return rest.length > 1 ? rest : rest[0];
}

function sameLabels(a: LabelMap, b: LabelMap): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => hasOwn(b, key) && a[key] === b[key]);
}

/** Adds `member` to the set at `map[key]`, creating it. */
function addTo<K, V>(map: Map<K, Set<V>>, key: K, member: V): void {
  getOrCreate(map, key, () => new Set<V>()).add(member);
}

/** Removes `member` from the set at `map[key]`, dropping the set when it empties. */
function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, member: V): void {
  const set = map.get(key);
  if (set === undefined) return;
  set.delete(member);
  if (set.size === 0) map.delete(key);
}

/** An index of things (parents) by (label, value), for labels given as plain objects. */
class LabelValueIndex<T> {
  private readonly byLabel = new Map<string, Map<string, Set<T>>>();

  /** Moves `thing` from `before` to `after`, touching only the labels that differ (a label flip is one move). */
  change(before: LabelMap, after: LabelMap, thing: T): void {
    for (const key of Object.keys(before)) {
      if (!hasOwn(after, key) || after[key] !== before[key]) this.removeOne(key, before[key]!, thing);
    }
    for (const key of Object.keys(after)) {
      if (hasOwn(before, key) && before[key] === after[key]) continue;
      addTo(
        getOrCreate(this.byLabel, key, () => new Map()),
        after[key]!,
        thing,
      );
    }
  }

  private removeOne(key: string, value: string, thing: T): void {
    const values = this.byLabel.get(key);
    if (values === undefined) return;
    removeFrom(values, value, thing);
    if (values.size === 0) this.byLabel.delete(key);
  }

  /** Things with `label` set to one of `values`, or to anything when `values` is null. */
  *with(label: string, values: readonly string[] | null): Generator<T> {
    const byValue = this.byLabel.get(label);
    if (byValue === undefined) return;
    if (values === null) for (const set of byValue.values()) yield* set;
    else for (const value of values) yield* byValue.get(value) ?? [];
  }

  /** How many things `with(label, values)` yields. */
  count(label: string, values: readonly string[] | null): number {
    const byValue = this.byLabel.get(label);
    if (byValue === undefined) return 0;
    let n = 0;
    if (values === null) for (const set of byValue.values()) n += set.size;
    else for (const value of values) n += byValue.get(value)?.size ?? 0;
    return n;
  }
}

/** A distinct set of own labels and the identities that have it. */
interface LabelSet {
  readonly labels: LabelMap;
  readonly hash: number;
  /** The next label set with the same hash. */
  next: LabelSet | undefined;
  identities: Identities;
  /** The buckets the set is filed in, one per label (in `Object.keys(labels)` order). */
  readonly buckets: readonly LabelBucket[];
}

/** The label sets with one (label, value), and how many identities they have between them. */
interface LabelBucket {
  readonly sets: Set<LabelSet>;
  identities: number;
}

/** FNV-1a of one string, continuing from `hash`. */
function fnv(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

/**
 * A hash of a label map's content that ignores key order (a sum over its pairs), so equal maps
 * built in different orders still share a label set.
 */
function hashLabels(labels: LabelMap, keys: readonly string[], keyHash: (key: string) => number): number {
  let sum = 0;
  for (const key of keys) sum = (sum + fnv(keyHash(key), labels[key]!)) | 0;
  return sum;
}

/** The label sets with one label key: its hash, and a bucket per value. */
interface LabelKey {
  /** The key's hash, the start of every pair's: keys repeat on every item, so it is computed once. */
  readonly hash: number;
  readonly values: Map<string, LabelBucket>;
}

/** Whether `set` holds exactly `labels`, whose keys are `keys` (a set has one bucket per label). */
function holds(set: LabelSet, labels: LabelMap, keys: readonly string[]): boolean {
  if (set.buckets.length !== keys.length) return false;
  const own = set.labels;
  for (const key of keys) if (!hasOwn(own, key) || own[key] !== labels[key]) return false;
  return true;
}

/**
 * Items' own labels, hash-consed, filed by (label, value). The first map given for a content is
 * kept and shared; later equal maps are dropped (labels are plain, immutable data).
 */
class LabelSets {
  private readonly byHash = new Map<number, LabelSet>();
  private readonly byLabel = new Map<string, LabelKey>();
  /** A key's hash: looked up by the string's own cached hash, cheaper than hashing its characters. */
  private readonly keyHash = (key: string): number => this.byLabel.get(key)?.hash ?? fnv(0x811c9dc5, key) ^ 0xff;

  /** The label set equal to `labels`, created and filed if new; an identity must then `adopt` it. */
  intern(labels: LabelMap): LabelSet {
    const keys = Object.keys(labels);
    const hash = hashLabels(labels, keys, this.keyHash);
    const first = this.byHash.get(hash);
    for (let set = first; set !== undefined; set = set.next) if (holds(set, labels, keys)) return set;
    const buckets = keys.map((key) => {
      const { values } = getOrCreate(this.byLabel, key, () => ({ hash: this.keyHash(key), values: new Map() }));
      return getOrCreate(values, labels[key]!, () => ({ sets: new Set<LabelSet>(), identities: 0 }));
    });
    const set: LabelSet = { labels, hash, next: first, identities: undefined, buckets };
    for (const bucket of buckets) bucket.sets.add(set);
    this.byHash.set(hash, set);
    return set;
  }

  /** Counts a new identity in its label set. */
  adopt(identity: Identity): void {
    const set = identity.labelSet;
    set.identities = withIdentity(set.identities, identity);
    for (const bucket of set.buckets) bucket.identities++;
  }

  /** Removes an identity from its label set, unfiling the set when its last identity goes. */
  release(identity: Identity): void {
    const set = identity.labelSet;
    set.identities = withoutIdentity(set.identities, identity);
    for (const bucket of set.buckets) bucket.identities--;
    if (set.identities !== undefined) return;
    Object.keys(set.labels).forEach((key, i) => {
      const bucket = set.buckets[i]!;
      bucket.sets.delete(set);
      if (bucket.sets.size > 0) return;
      const { values } = this.byLabel.get(key)!;
      values.delete(set.labels[key]!);
      if (values.size === 0) this.byLabel.delete(key);
    });
    this.unhash(set);
  }

  private unhash(set: LabelSet): void {
    const first = this.byHash.get(set.hash);
    if (first === set) {
      if (set.next === undefined) this.byHash.delete(set.hash);
      else this.byHash.set(set.hash, set.next);
      return;
    }
    let before = first;
    while (before !== undefined && before.next !== set) before = before.next;
    if (before !== undefined) before.next = set.next;
  }

  /** Every identity. */
  *allIdentities(): Generator<Identity> {
    for (const first of this.byHash.values()) {
      for (let set: LabelSet | undefined = first; set !== undefined; set = set.next)
        yield* eachIdentity(set.identities);
    }
  }

  /** Identities whose own labels have `label` set to one of `values`, or to anything when `values` is null. */
  *identities(label: string, values: readonly string[] | null): Generator<Identity> {
    for (const bucket of this.buckets(label, values)) {
      for (const set of bucket.sets) yield* eachIdentity(set.identities);
    }
  }

  /** How many identities `identities(label, values)` yields. */
  count(label: string, values: readonly string[] | null): number {
    let n = 0;
    for (const bucket of this.buckets(label, values)) n += bucket.identities;
    return n;
  }

  private buckets(label: string, values: readonly string[] | null): Iterable<LabelBucket> {
    const byValue = this.byLabel.get(label)?.values;
    if (byValue === undefined) return [];
    if (values === null) return byValue.values();
    const buckets: LabelBucket[] = [];
    for (const value of values) {
      const bucket = byValue.get(value);
      if (bucket !== undefined) buckets.push(bucket);
    }
    return buckets;
  }
}

/** A usable restriction: the label must be present, with one of `values` (null: any value). */
interface Requirement {
  readonly label: string;
  readonly values: readonly string[] | null;
}

/** The restrictions a selector's index can use; `undefined` when the selector can never match. */
function requirementsOf(selector: Selector): Requirement[] | undefined {
  const requirements: Requirement[] = [];
  for (const [label, r] of selector.labelRestrictions()) {
    const impossible = (r.mustBePresent && r.mustBeAbsent) || r.mustHaveOneOfValues?.length === 0;
    if (impossible) return undefined;
    if (r.mustBePresent) requirements.push({ label, values: r.mustHaveOneOfValues });
  }
  return requirements;
}

/** Incrementally maintained matches between selectors and items with inherited labels. */
export class LabelIndex {
  private readonly callbacks: LabelIndexCallbacks;
  private readonly items = new Map<string, Item>();
  private readonly parents = new Map<string, Parent>();
  /** Parent lists by their IDs: a namespace's pods all have the same parents. */
  private readonly parentLists: ParentListNode = { list: undefined, next: undefined };
  /** How many identities there are. */
  private identityCount = 0;
  private readonly selectors = new Map<string, IndexedSelector>();
  /** Identities by their own labels, and parents by theirs: where a new selector's candidates come from. */
  private readonly labelSets = new LabelSets();
  private readonly parentsByLabel = new LabelValueIndex<Parent>();
  /** Selectors by the bucket they are filed under: where a new or changed identity's candidates come from. */
  private readonly filed = new Map<string, SelectorBuckets>();
  /** Selectors with no usable restriction: candidates for every identity. */
  private readonly unoptimised = new Set<IndexedSelector>();

  constructor(callbacks: LabelIndexCallbacks) {
    this.callbacks = callbacks;
  }

  // ---- items ------------------------------------------------------------------------------

  /** Adds or replaces an item's own labels and ordered parent IDs. */
  updateItem(id: string, labels: LabelMap, parentIds: readonly string[]): void {
    const existing = this.items.get(id);
    if (existing === undefined) {
      const identity = this.identityOf(labels, parentIds);
      const item: Item = { id, identity };
      this.items.set(id, item);
      identity.items = withOne(identity.items, item);
      for (const selector of each(identity.matches)) this.callbacks.onMatchStarted(selector.id, id);
      return;
    }
    const old = existing.identity;
    const sameParents =
      old.parentList.parents.length === parentIds.length &&
      old.parentList.parents.every((p, i) => p.id === parentIds[i]);
    if (sameParents && (old.labelSet.labels === labels || sameLabels(old.labelSet.labels, labels))) return;
    // The new identity is found (or made, and evaluated) before the old one can go: releasing
    // first could drop a still-undefined parent both lists hold, and a later definition of it
    // would then reach no identity.
    const identity = this.identityOf(labels, parentIds);
    if (identity === old) return;
    existing.identity = identity;
    identity.items = withOne(identity.items, existing);
    old.items = withoutOne(old.items, existing);
    for (const selector of each(identity.matches)) {
      if (!includes(old.matches, selector)) this.callbacks.onMatchStarted(selector.id, id);
    }
    for (const selector of each(old.matches)) {
      if (!includes(identity.matches, selector)) this.callbacks.onMatchStopped(selector.id, id);
    }
    this.releaseIfUnused(old);
  }

  /** Removes an item, stopping all its matches. Unknown IDs are ignored. */
  deleteItem(id: string): void {
    const item = this.items.get(id);
    if (item === undefined) return;
    const identity = item.identity;
    for (const selector of each(identity.matches)) this.callbacks.onMatchStopped(selector.id, id);
    this.items.delete(id);
    identity.items = withoutOne(identity.items, item);
    this.releaseIfUnused(identity);
  }

  // ---- identities -------------------------------------------------------------------------

  /** The identity for these own labels and parents, made and evaluated if new. */
  private identityOf(labels: LabelMap, parentIds: readonly string[]): Identity {
    const labelSet = this.labelSets.intern(labels);
    const parentList = this.parentListOf(parentIds);
    const known = findIdentity(labelSet.identities, parentList);
    if (known !== undefined) return known;
    const identity: Identity = { labelSet, parentList, items: undefined, matches: undefined };
    parentList.users++;
    this.identityCount++;
    this.labelSets.adopt(identity);
    for (const parent of parentList.parents) parent.children.add(identity);
    this.reevaluate(identity);
    return identity;
  }

  /** Forgets an identity with no items left, with its parent list and label set if it was their last. */
  private releaseIfUnused(identity: Identity): void {
    if (identity.items !== undefined) return;
    for (const selector of each(identity.matches)) selector.matches.delete(identity);
    this.identityCount--;
    this.labelSets.release(identity);
    const list = identity.parentList;
    for (const parent of list.parents) this.releaseChild(parent, identity);
    if (--list.users === 0) this.forgetParentList(list);
  }

  // ---- parents ----------------------------------------------------------------------------

  /** The shared list of the parents with these IDs. */
  private parentListOf(parentIds: readonly string[]): ParentList {
    let node = this.parentLists;
    for (const id of parentIds) {
      node.next ??= new Map();
      let child = node.next.get(id);
      if (child === undefined) {
        child = { list: undefined, next: undefined };
        node.next.set(id, child);
      }
      node = child;
    }
    node.list ??= { parents: parentIds.map((parentId) => this.parentFor(parentId)), users: 0 };
    return node.list;
  }

  /** Drops a list no identity uses, and the nodes that led only to it. */
  private forgetParentList(list: ParentList): void {
    const path = [this.parentLists];
    for (const parent of list.parents) path.push(path[path.length - 1]!.next!.get(parent.id)!);
    path[path.length - 1]!.list = undefined;
    for (let depth = list.parents.length; depth > 0; depth--) {
      const node = path[depth]!;
      if (node.list !== undefined || (node.next?.size ?? 0) > 0) break;
      path[depth - 1]!.next!.delete(list.parents[depth - 1]!.id);
    }
  }

  /** Adds or replaces a parent's labels; its children are re-evaluated. */
  updateParent(id: string, labels: LabelMap): void {
    const parent = this.parentFor(id);
    const wasDefined = parent.defined;
    parent.defined = true;
    if (wasDefined && sameLabels(parent.labels, labels)) return;
    this.setParentLabels(parent, labels);
  }

  /** Deletes a parent: its children keep the reference, now with no labels from it. */
  deleteParent(id: string): void {
    const parent = this.parents.get(id);
    if (parent === undefined || !parent.defined) return;
    parent.defined = false;
    this.setParentLabels(parent, {});
    if (parent.children.size === 0) this.parents.delete(id);
  }

  private setParentLabels(parent: Parent, labels: LabelMap): void {
    this.parentsByLabel.change(parent.labels, labels, parent);
    parent.labels = labels;
    for (const child of parent.children) this.reevaluate(child);
  }

  private parentFor(id: string): Parent {
    let parent = this.parents.get(id);
    if (parent === undefined) {
      parent = { id, labels: {}, defined: false, children: new Set() };
      this.parents.set(id, parent);
    }
    return parent;
  }

  private releaseChild(parent: Parent, identity: Identity): void {
    parent.children.delete(identity);
    if (parent.children.size === 0 && !parent.defined) this.parents.delete(parent.id);
  }

  // ---- selectors --------------------------------------------------------------------------

  /** Adds or replaces a selector; replacing with an equal selector (same unique ID) does nothing. */
  updateSelector(id: string, selector: Selector): void {
    const existing = this.selectors.get(id);
    if (existing !== undefined) {
      if (existing.selector.uniqueId === selector.uniqueId) return;
      this.deleteSelector(id);
    }
    const indexed: IndexedSelector = { id, selector, matches: new Set(), filing: undefined };
    this.selectors.set(id, indexed);
    const requirements = requirementsOf(selector);
    if (requirements === undefined) return; // can never match: not filed, nothing to scan
    indexed.filing = this.chooseFiling(requirements);
    this.file(indexed);
    for (const identity of this.candidateIdentities(requirements)) {
      if (selector.matchesWith(lookupOf(identity))) this.start(indexed, identity);
    }
  }

  /** Removes a selector, stopping all its matches. Unknown IDs are ignored. */
  deleteSelector(id: string): void {
    const indexed = this.selectors.get(id);
    if (indexed === undefined) return;
    this.selectors.delete(id);
    this.unfile(indexed);
    for (const identity of indexed.matches) {
      identity.matches = withoutOne(identity.matches, indexed);
      for (const item of each(identity.items)) this.callbacks.onMatchStopped(id, item.id);
    }
  }

  // ---- queries ----------------------------------------------------------------------------

  /** IDs of the items a registered selector matches. */
  itemsMatching(selectorId: string): string[] {
    const ids: string[] = [];
    for (const identity of this.selectors.get(selectorId)?.matches ?? []) {
      for (const item of each(identity.items)) ids.push(item.id);
    }
    return ids;
  }

  /** IDs of the registered selectors an item matches. */
  selectorsMatching(itemId: string): string[] {
    return [...each(this.items.get(itemId)?.identity.matches)].map((selector) => selector.id);
  }

  /** IDs of the items an unregistered selector would match (uses the same candidate search). */
  evaluate(selector: Selector): string[] {
    const requirements = requirementsOf(selector);
    if (requirements === undefined) return [];
    const ids: string[] = [];
    for (const identity of this.candidateIdentities(requirements)) {
      if (selector.matchesWith(lookupOf(identity))) for (const item of each(identity.items)) ids.push(item.id);
    }
    return ids;
  }

  /** Reads an item's effective label `key` (own, then parents in order). */
  labelOf(itemId: string, key: string): string | undefined {
    const item = this.items.get(itemId);
    return item === undefined ? undefined : lookupOf(item.identity)(key);
  }

  // ---- matching ---------------------------------------------------------------------------

  private start(selector: IndexedSelector, identity: Identity): void {
    selector.matches.add(identity);
    identity.matches = withOne(identity.matches, selector);
    for (const item of each(identity.items)) this.callbacks.onMatchStarted(selector.id, item.id);
  }

  private stop(selector: IndexedSelector, identity: Identity): void {
    selector.matches.delete(identity);
    identity.matches = withoutOne(identity.matches, selector);
    for (const item of each(identity.items)) this.callbacks.onMatchStopped(selector.id, item.id);
  }

  /** Re-checks an identity against the selectors that could match it now, and those it matched. */
  private reevaluate(identity: Identity): void {
    const candidates = new Set<IndexedSelector>(this.unoptimised);
    const addFiled = (key: string, value: string) => {
      const buckets = this.filed.get(key);
      if (buckets === undefined) return;
      for (const s of buckets.any) candidates.add(s);
      const byValue = buckets.byValue.get(value);
      if (byValue !== undefined) for (const s of byValue) candidates.add(s);
    };
    const { labels } = identity.labelSet;
    for (const key of Object.keys(labels)) addFiled(key, labels[key]!);
    for (const parent of identity.parentList.parents) {
      for (const key of Object.keys(parent.labels)) addFiled(key, parent.labels[key]!);
    }
    for (const selector of [...each(identity.matches)]) candidates.add(selector);
    const lookup = lookupOf(identity);
    for (const selector of candidates) {
      const matches = selector.selector.matchesWith(lookup);
      const matched = includes(identity.matches, selector);
      if (matches && !matched) this.start(selector, identity);
      else if (!matches && matched) this.stop(selector, identity);
    }
  }

  /** Identities that can match: those in the smallest bucket a requirement allows, or all. */
  private candidateIdentities(requirements: readonly Requirement[]): Iterable<Identity> {
    let best: Requirement | undefined;
    let bestCount = this.identityCount;
    for (const requirement of requirements) {
      const count = this.identitiesWith(requirement);
      if (count < bestCount || (count === bestCount && best === undefined)) {
        best = requirement;
        bestCount = count;
      }
    }
    if (best === undefined) return this.labelSets.allIdentities();
    if (bestCount === 0) return [];
    const found = new Set<Identity>(this.labelSets.identities(best.label, best.values));
    for (const parent of this.parentsByLabel.with(best.label, best.values)) {
      for (const child of parent.children) found.add(child);
    }
    return found;
  }

  /** Identities whose effective labels may meet `requirement` (own label, or inherited from a parent). */
  private identitiesWith(requirement: Requirement): number {
    let n = this.labelSets.count(requirement.label, requirement.values);
    for (const parent of this.parentsByLabel.with(requirement.label, requirement.values)) n += parent.children.size;
    return n;
  }

  // ---- filing -----------------------------------------------------------------------------

  /** The bucket with fewest identities now, then fewest selectors, then a value bucket before a wildcard. */
  private chooseFiling(requirements: readonly Requirement[]): Filing {
    let best: Filing = { kind: "unoptimised" };
    let bestCost: readonly number[] = [Number.POSITIVE_INFINITY];
    for (const requirement of requirements) {
      const cost = [
        this.identitiesWith(requirement),
        this.selectorCount(requirement),
        requirement.values === null ? 1 : 0,
      ] as const;
      if (lexicographicallyLess(cost, bestCost)) {
        bestCost = cost;
        best =
          requirement.values === null
            ? { kind: "any", label: requirement.label }
            : { kind: "values", label: requirement.label, values: requirement.values };
      }
    }
    return best;
  }

  private selectorCount(requirement: Requirement): number {
    const buckets = this.filed.get(requirement.label);
    if (buckets === undefined) return 0;
    if (requirement.values === null) return buckets.any.size;
    let n = 0;
    for (const value of requirement.values) n += buckets.byValue.get(value)?.size ?? 0;
    return n;
  }

  private bucketsFor(label: string): SelectorBuckets {
    let buckets = this.filed.get(label);
    if (buckets === undefined) {
      buckets = { any: new Set(), byValue: new Map() };
      this.filed.set(label, buckets);
    }
    return buckets;
  }

  private file(selector: IndexedSelector): void {
    const filing = selector.filing!;
    if (filing.kind === "unoptimised") this.unoptimised.add(selector);
    else if (filing.kind === "any") this.bucketsFor(filing.label).any.add(selector);
    else for (const value of filing.values) addTo(this.bucketsFor(filing.label).byValue, value, selector);
  }

  private unfile(selector: IndexedSelector): void {
    const filing = selector.filing;
    if (filing === undefined) return;
    if (filing.kind === "unoptimised") {
      this.unoptimised.delete(selector);
      return;
    }
    const buckets = this.filed.get(filing.label);
    if (buckets === undefined) return;
    if (filing.kind === "any") buckets.any.delete(selector);
    else for (const value of filing.values) removeFrom(buckets.byValue, value, selector);
    if (buckets.any.size === 0 && buckets.byValue.size === 0) this.filed.delete(filing.label);
  }
}

function lexicographicallyLess(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return a.length < b.length;
}
