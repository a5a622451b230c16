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
 * How do we avoid evaluating every selector against every item? Two inverted indexes:
 *
 * 1. Items by label (own labels, and parents by their labels): a new selector only scans the items
 *    in the smallest bucket its label restrictions allow. `app == "web" && has(debug)` scans the
 *    items labelled `app=web` or those labelled `debug`, whichever set is smaller right now.
 *    Own labels are hash-consed: items with equal labels (a deployment's pods, every tenant's
 *    identical pods) share one LabelSet, and it is the label set that is filed under each of its
 *    labels, so an item joining a known set touches one bucket, not one per label.
 * 2. Selectors by label, for item updates: each selector is filed under one bucket, a label with
 *    one of its allowed values (`app=web`) or a label with any value (`debug=*`); an updated item
 *    only evaluates the selectors filed under its own (label, value) pairs, plus selectors with no
 *    usable restriction. The choice of bucket is the key decision. Felix picks by a fixed score
 *    that prefers value restrictions, so every `alpha == "beta" && has(x-17)` lands under
 *    `alpha=beta` and every endpoint with `alpha=beta` evaluates all of them. We pick the bucket
 *    whose items are fewest *now* (the expected number of evaluations the selector adds), then the
 *    bucket fewest selectors already share (so selectors filed before any items exist spread out),
 *    then value buckets before wildcard ones. The choice is made once, when the selector is added.
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
  readonly children: Set<Item>;
}

interface Item {
  readonly id: string;
  /** Own labels, shared with every item that has equal ones. */
  labelSet: LabelSet;
  /** Parents in order, a list shared with every item that has the same ones (never changed in place). */
  parents: readonly Parent[];
  /** Selectors the item matches (most items match one or two). */
  matches: Few<IndexedSelector>;
}

interface IndexedSelector {
  readonly id: string;
  readonly selector: Selector;
  readonly matches: Set<Item>;
  /** Where the selector is filed for item updates; undefined when unfiled (can never match). */
  filing: Filing | undefined;
}

/**
 * A collection kept in the smallest form for its size: none (undefined), one (the thing itself),
 * an array of exactly its size up to `FEW` things, then a Set. Items match a handful of selectors
 * (four or five IP sets in S6) and many label sets belong to few items: a Set of five costs about
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
 * Reads an item's effective labels. Made when needed rather than kept per item: an evaluation is
 * short, and a closure per item costs about 100 bytes across hundreds of thousands of endpoints.
 */
function lookupOf({ labelSet: { labels }, parents }: Item): LabelLookup {
  if (parents.length === 0) return (key) => (hasOwn(labels, key) ? labels[key] : undefined);
  return (key) => {
    if (hasOwn(labels, key)) return labels[key];
    for (const parent of parents) if (hasOwn(parent.labels, key)) return parent.labels[key];
    return undefined;
  };
}

/**
 * An item already indexed with the same identity as `item`: the same label set and the same
 * (shared) parent list, so the same effective labels. Its matches are current (the index keeps
 * every item's up to date between calls), so a new item can take them instead of evaluating
 * selectors: the pods of one deployment in one namespace share an identity, and in S6 three
 * endpoints in four join a known one. Only the label set's first `FEW` items are looked at: a
 * label set shared across many parent lists (the same pod labels in every namespace) would
 * otherwise cost every new item a scan of all of them.
 */
function twinOf(item: Item): Item | undefined {
  let looked = 0;
  for (const other of each(item.labelSet.items)) {
    if (other.parents === item.parents) return other;
    if (++looked === FEW) break;
  }
  return undefined;
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

/** A distinct set of own labels and the items that have it. */
interface LabelSet {
  readonly labels: LabelMap;
  readonly hash: number;
  /** The next label set with the same hash. */
  next: LabelSet | undefined;
  items: Few<Item>;
  /** The buckets the set is filed in, one per label (in `Object.keys(labels)` order). */
  readonly buckets: readonly LabelBucket[];
}

/** The label sets with one (label, value), and how many items they hold between them. */
interface LabelBucket {
  readonly sets: Set<LabelSet>;
  items: number;
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
function hashLabels(labels: LabelMap): number {
  let sum = 0;
  for (const key of Object.keys(labels)) sum = (sum + fnv(fnv(0x811c9dc5, key) ^ 0xff, labels[key]!)) | 0;
  return sum;
}

/**
 * Items' own labels, hash-consed, filed by (label, value). The first map given for a content is
 * kept and shared; later equal maps are dropped (labels are plain, immutable data).
 */
class LabelSets {
  private readonly byHash = new Map<number, LabelSet>();
  private readonly byLabel = new Map<string, Map<string, LabelBucket>>();

  /** The label set equal to `labels`, created and filed if new; an item must then `adopt` it. */
  intern(labels: LabelMap): LabelSet {
    const hash = hashLabels(labels);
    const first = this.byHash.get(hash);
    for (let set = first; set !== undefined; set = set.next) if (sameLabels(set.labels, labels)) return set;
    const buckets = Object.keys(labels).map((key) => {
      const values = getOrCreate(this.byLabel, key, () => new Map<string, LabelBucket>());
      return getOrCreate(values, labels[key]!, () => ({ sets: new Set<LabelSet>(), items: 0 }));
    });
    const set: LabelSet = { labels, hash, next: first, items: undefined, buckets };
    for (const bucket of buckets) bucket.sets.add(set);
    this.byHash.set(hash, set);
    return set;
  }

  /** Counts `item` in its label set. */
  adopt(item: Item): void {
    const set = item.labelSet;
    set.items = withOne(set.items, item);
    for (const bucket of set.buckets) bucket.items++;
  }

  /** Removes `item` from `set` (its label set until now), unfiling the set when its last item leaves. */
  release(set: LabelSet, item: Item): void {
    set.items = withoutOne(set.items, item);
    for (const bucket of set.buckets) bucket.items--;
    if (set.items !== undefined) return;
    Object.keys(set.labels).forEach((key, i) => {
      const bucket = set.buckets[i]!;
      bucket.sets.delete(set);
      if (bucket.sets.size > 0) return;
      const values = this.byLabel.get(key)!;
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

  /** Items with `label` set to one of `values`, or to anything when `values` is null. */
  *items(label: string, values: readonly string[] | null): Generator<Item> {
    for (const bucket of this.buckets(label, values)) for (const set of bucket.sets) yield* each(set.items);
  }

  /** How many items `items(label, values)` yields. */
  count(label: string, values: readonly string[] | null): number {
    let n = 0;
    for (const bucket of this.buckets(label, values)) n += bucket.items;
    return n;
  }

  private buckets(label: string, values: readonly string[] | null): Iterable<LabelBucket> {
    const byValue = this.byLabel.get(label);
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
  /**
   * Parent lists by their IDs (as JSON), with how many items share each: a namespace's pods all
   * have the same parents, and a list each would cost every item an array.
   */
  private readonly parentLists = new Map<string, { readonly parents: readonly Parent[]; users: number }>();
  private readonly selectors = new Map<string, IndexedSelector>();
  /** Items by their own labels, and parents by theirs: where a new selector's candidates come from. */
  private readonly labelSets = new LabelSets();
  private readonly parentsByLabel = new LabelValueIndex<Parent>();
  /** Selectors by the bucket they are filed under: where an updated item's candidates come from. */
  private readonly filed = new Map<string, SelectorBuckets>();
  /** Selectors with no usable restriction: candidates for every item. */
  private readonly unoptimised = new Set<IndexedSelector>();

  constructor(callbacks: LabelIndexCallbacks) {
    this.callbacks = callbacks;
  }

  // ---- items ------------------------------------------------------------------------------

  /** Adds or replaces an item's own labels and ordered parent IDs. */
  updateItem(id: string, labels: LabelMap, parentIds: readonly string[]): void {
    const existing = this.items.get(id);
    if (
      existing !== undefined &&
      (existing.labelSet.labels === labels || sameLabels(existing.labelSet.labels, labels)) &&
      existing.parents.length === parentIds.length &&
      existing.parents.every((p, i) => p.id === parentIds[i])
    ) {
      return;
    }
    const parents = this.acquireParents(parentIds);
    if (existing === undefined) {
      const item: Item = { id, labelSet: this.labelSets.intern(labels), parents, matches: undefined };
      const twin = twinOf(item);
      this.labelSets.adopt(item);
      this.items.set(id, item);
      for (const parent of parents) parent.children.add(item);
      if (twin === undefined) this.reevaluate(item);
      else this.startAll(twin.matches, item);
      return;
    }
    const oldLabelSet = existing.labelSet;
    existing.labelSet = this.labelSets.intern(labels);
    if (existing.labelSet !== oldLabelSet) {
      this.labelSets.adopt(existing);
      this.labelSets.release(oldLabelSet, existing);
    }
    const oldParents = existing.parents;
    existing.parents = parents;
    // Adopt before releasing: releasing first could drop a still-undefined parent that `parents`
    // already holds, and a later definition of it would then reach no children.
    for (const parent of parents) parent.children.add(existing);
    for (const parent of oldParents) if (!parents.includes(parent)) this.releaseChild(parent, existing);
    this.releaseParents(oldParents);
    this.reevaluate(existing);
  }

  /** Removes an item, stopping all its matches. Unknown IDs are ignored. */
  deleteItem(id: string): void {
    const item = this.items.get(id);
    if (item === undefined) return;
    for (const selector of each(item.matches)) {
      selector.matches.delete(item);
      this.callbacks.onMatchStopped(selector.id, id);
    }
    this.items.delete(id);
    this.labelSets.release(item.labelSet, item);
    for (const parent of item.parents) this.releaseChild(parent, item);
    this.releaseParents(item.parents);
  }

  // ---- parents ----------------------------------------------------------------------------

  /** The shared list of the parents with these IDs, for one more item. */
  private acquireParents(parentIds: readonly string[]): readonly Parent[] {
    const key = JSON.stringify(parentIds);
    let list = this.parentLists.get(key);
    if (list === undefined) {
      list = { parents: parentIds.map((parentId) => this.parentFor(parentId)), users: 0 };
      this.parentLists.set(key, list);
    }
    list.users++;
    return list.parents;
  }

  /** One item fewer uses `parents`; the list is forgotten with its last user. */
  private releaseParents(parents: readonly Parent[]): void {
    const key = JSON.stringify(parents.map((parent) => parent.id));
    const list = this.parentLists.get(key)!;
    if (--list.users === 0) this.parentLists.delete(key);
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

  private releaseChild(parent: Parent, item: Item): void {
    parent.children.delete(item);
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
    for (const item of this.candidateItems(requirements)) {
      if (selector.matchesWith(lookupOf(item))) this.start(indexed, item);
    }
  }

  /** Removes a selector, stopping all its matches. Unknown IDs are ignored. */
  deleteSelector(id: string): void {
    const indexed = this.selectors.get(id);
    if (indexed === undefined) return;
    this.selectors.delete(id);
    this.unfile(indexed);
    for (const item of indexed.matches) {
      item.matches = withoutOne(item.matches, indexed);
      this.callbacks.onMatchStopped(id, item.id);
    }
  }

  // ---- queries ----------------------------------------------------------------------------

  /** IDs of the items a registered selector matches. */
  itemsMatching(selectorId: string): string[] {
    return [...(this.selectors.get(selectorId)?.matches ?? [])].map((item) => item.id);
  }

  /** IDs of the registered selectors an item matches. */
  selectorsMatching(itemId: string): string[] {
    return [...each(this.items.get(itemId)?.matches)].map((selector) => selector.id);
  }

  /** IDs of the items an unregistered selector would match (uses the same candidate search). */
  evaluate(selector: Selector): string[] {
    const requirements = requirementsOf(selector);
    if (requirements === undefined) return [];
    const ids: string[] = [];
    for (const item of this.candidateItems(requirements)) if (selector.matchesWith(lookupOf(item))) ids.push(item.id);
    return ids;
  }

  /** Reads an item's effective label `key` (own, then parents in order). */
  labelOf(itemId: string, key: string): string | undefined {
    const item = this.items.get(itemId);
    return item === undefined ? undefined : lookupOf(item)(key);
  }

  // ---- matching ---------------------------------------------------------------------------

  private start(selector: IndexedSelector, item: Item): void {
    selector.matches.add(item);
    item.matches = withOne(item.matches, selector);
    this.callbacks.onMatchStarted(selector.id, item.id);
  }

  /**
   * Starts a new item's matches with `matches`, a twin's: an array is shared (Few arrays are never
   * changed in place), so identical pods cost one list, not one each.
   */
  private startAll(matches: Few<IndexedSelector>, item: Item): void {
    item.matches = matches instanceof Set ? new Set(matches) : matches;
    for (const selector of each(matches)) {
      selector.matches.add(item);
      this.callbacks.onMatchStarted(selector.id, item.id);
    }
  }

  private stop(selector: IndexedSelector, item: Item): void {
    selector.matches.delete(item);
    item.matches = withoutOne(item.matches, selector);
    this.callbacks.onMatchStopped(selector.id, item.id);
  }

  /** Re-checks an item against the selectors that could match it now, and those it matched. */
  private reevaluate(item: Item): void {
    const candidates = new Set<IndexedSelector>(this.unoptimised);
    const addFiled = (key: string, value: string) => {
      const buckets = this.filed.get(key);
      if (buckets === undefined) return;
      for (const s of buckets.any) candidates.add(s);
      const byValue = buckets.byValue.get(value);
      if (byValue !== undefined) for (const s of byValue) candidates.add(s);
    };
    const { labels } = item.labelSet;
    for (const key of Object.keys(labels)) addFiled(key, labels[key]!);
    for (const parent of item.parents) for (const key of Object.keys(parent.labels)) addFiled(key, parent.labels[key]!);
    const before = [...each(item.matches)];
    for (const selector of before) candidates.add(selector);
    const lookup = lookupOf(item);
    for (const selector of candidates) {
      const matches = selector.selector.matchesWith(lookup);
      const matched = includes(item.matches, selector);
      if (matches && !matched) this.start(selector, item);
      else if (!matches && matched) this.stop(selector, item);
    }
  }

  /** Items that can match: those in the smallest bucket a requirement allows, or all items. */
  private candidateItems(requirements: readonly Requirement[]): Iterable<Item> {
    let best: Requirement | undefined;
    let bestCount = this.items.size;
    for (const requirement of requirements) {
      const count = this.itemCount(requirement);
      if (count < bestCount || (count === bestCount && best === undefined)) {
        best = requirement;
        bestCount = count;
      }
    }
    if (best === undefined) return this.items.values();
    if (bestCount === 0) return [];
    const found = new Set<Item>(this.labelSets.items(best.label, best.values));
    for (const parent of this.parentsByLabel.with(best.label, best.values))
      for (const child of parent.children) found.add(child);
    return found;
  }

  /** Items whose effective labels may meet `requirement` (own label, or inherited from a parent). */
  private itemCount(requirement: Requirement): number {
    let n = this.labelSets.count(requirement.label, requirement.values);
    for (const parent of this.parentsByLabel.with(requirement.label, requirement.values)) n += parent.children.size;
    return n;
  }

  // ---- filing -----------------------------------------------------------------------------

  /** The bucket with fewest items now, then fewest selectors, then a value bucket before a wildcard. */
  private chooseFiling(requirements: readonly Requirement[]): Filing {
    let best: Filing = { kind: "unoptimised" };
    let bestCost: readonly number[] = [Number.POSITIVE_INFINITY];
    for (const requirement of requirements) {
      const cost = [
        this.itemCount(requirement),
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
