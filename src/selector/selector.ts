/**
 * The public face of a parsed selector, plus parse / validate / normalise.
 *
 * A {@link Selector} is immutable, so one instance can be shared by every user of the same text:
 * `parseSelector` keeps the most recent few thousand in a bounded cache, and computes a
 * selector's canonical text, unique ID, compiled matcher and label restrictions only when first
 * asked for them.
 */
import { uniqueId } from "../hash/index.js";
import { prefixLabels, printNode, type SelectorNode } from "./ast.js";
import { SelectorSyntaxError } from "./errors.js";
import { compile, type LabelLookup, lookupIn, type Matcher } from "./evaluate.js";
import { parseTree } from "./parser.js";
import { type LabelRestriction, labelRestrictions } from "./restrictions.js";

/** Labels as a plain object (own properties only) or as a Map. */
export type Labels = Readonly<Record<string, string>> | ReadonlyMap<string, string>;

/** A parsed, immutable Calico selector. */
export interface Selector {
  /** The syntax tree. */
  readonly root: SelectorNode;
  /** Calico's unique ID: `"s:" + base64url-nopad(SHA-224("s:" + canonical text))`. */
  readonly uniqueId: string;
  /** Calico's canonical form, byte for byte (`a == 'b' && c` prints `(a == "b" && c ...)`). */
  toString(): string;
  /** Whether labels given as a plain object (own properties only) or a Map satisfy the selector. */
  matches(labels: Labels): boolean;
  /**
   * Whether the labels read through `lookup` satisfy the selector. Use it when labels are layered
   * (an endpoint's own labels over its profiles'), to avoid building a merged map.
   */
  matchesWith(lookup: LabelLookup): boolean;
  /**
   * Necessary conditions on labels for a match, by label name; an empty map where Calico returns
   * `nil` (nothing is known).
   */
  labelRestrictions(): ReadonlyMap<string, LabelRestriction>;
  /** A new selector with `prefix` prepended to every label name (Calico's PrefixVisitor). */
  withLabelPrefix(prefix: string): Selector;
}

class ParsedSelector implements Selector {
  readonly root: SelectorNode;
  #text: string | undefined;
  #uniqueId: string | undefined;
  #matcher: Matcher | undefined;
  #restrictions: ReadonlyMap<string, LabelRestriction> | undefined;

  constructor(root: SelectorNode) {
    this.root = root;
  }

  get uniqueId(): string {
    this.#uniqueId ??= uniqueId("s", this.toString());
    return this.#uniqueId;
  }

  toString(): string {
    this.#text ??= printNode(this.root);
    return this.#text;
  }

  matches(labels: Labels): boolean {
    return this.matchesWith(lookupIn(labels));
  }

  matchesWith(lookup: LabelLookup): boolean {
    this.#matcher ??= compile(this.root);
    return this.#matcher(lookup);
  }

  labelRestrictions(): ReadonlyMap<string, LabelRestriction> {
    this.#restrictions ??= labelRestrictions(this.root);
    return this.#restrictions;
  }

  withLabelPrefix(prefix: string): Selector {
    return new ParsedSelector(prefixLabels(this.root, prefix));
  }
}

/**
 * The parse cache: two generations of up to 4096 selectors each. New entries go into `young`;
 * when it is full it becomes `old` and the previous `old` is dropped. A hit in `old` moves the
 * entry back to `young`. This keeps recently used selectors without per-entry eviction, which in
 * a V8 Map costs microseconds once deleted slots pile up at its front.
 */
const GENERATION_SIZE = 4096;
let young = new Map<string, Selector>();
let old = new Map<string, Selector>();

function remember(text: string, selector: Selector): void {
  if (young.size >= GENERATION_SIZE) {
    old = young;
    young = new Map();
  }
  young.set(text, selector);
}

/**
 * Parses Calico selector text. Empty or blank text selects everything (`all()`).
 *
 * Repeated texts are served from a bounded cache; selectors are immutable, so sharing is safe.
 *
 * @throws {@link SelectorSyntaxError} for any text that is not a valid selector (never another
 * error type, and never a stack overflow, however deep the nesting).
 * @throws TypeError when `text` is not a string.
 */
export function parseSelector(text: string): Selector {
  const cached = young.get(text);
  if (cached !== undefined) return cached;
  const aging = old.get(text);
  if (aging !== undefined) {
    remember(text, aging);
    return aging;
  }
  if (typeof text !== "string") throw new TypeError(`selector must be a string, got ${typeof text}`);
  const selector = new ParsedSelector(parseTree(text));
  remember(text, selector);
  return selector;
}

/** Returns why `text` is not a valid selector, or `undefined` when it is. Never throws for a string. */
export function validateSelector(text: string): SelectorSyntaxError | undefined {
  try {
    parseSelector(text);
    return undefined;
  } catch (error) {
    if (error instanceof SelectorSyntaxError) return error;
    throw error;
  }
}

/**
 * Go's `strings.TrimSpace` set (Unicode White_Space, no BOM), which is wider than the selector
 * tokenizer's space and tab and differs from JavaScript's `trim()`.
 */
const GO_SPACE = "[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const SURROUNDING_SPACE = new RegExp(`^${GO_SPACE}+|${GO_SPACE}+$`, "g");

/**
 * Calico's `Normalise`: trims surrounding whitespace (Go's definition), then returns the
 * canonical form; text that does not parse comes back trimmed but otherwise unchanged.
 */
export function normaliseSelector(text: string): string {
  const trimmed = text.replace(SURROUNDING_SPACE, "");
  const error = validateSelector(trimmed);
  return error === undefined ? parseSelector(trimmed).toString() : trimmed;
}
