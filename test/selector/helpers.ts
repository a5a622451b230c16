/** Small shared helpers for the selector tests. */
import { createHash } from "node:crypto";
import { parseSelector, type Selector, SelectorSyntaxError } from "../../src/index.js";
import type { RefRestrictions } from "./reference.js";

/** The restrictions of the implementation, in the reference's shape (`null` for Calico's nil). */
export function implRestrictions(selector: Selector): RefRestrictions {
  const map = selector.labelRestrictions();
  if (map.size === 0) return null;
  const out: NonNullable<RefRestrictions> = new Map();
  for (const [label, r] of map) {
    out.set(label, {
      present: r.mustBePresent,
      absent: r.mustBeAbsent,
      values: r.mustHaveOneOfValues === null ? null : [...r.mustHaveOneOfValues],
    });
  }
  return out;
}

/** Runs parseSelector and returns the SelectorSyntaxError it throws; fails on anything else. */
export function syntaxErrorOf(text: string): SelectorSyntaxError {
  let thrown: unknown;
  try {
    parseSelector(text);
  } catch (error) {
    thrown = error;
  }
  if (thrown === undefined) throw new Error(`expected ${JSON.stringify(text)} to be rejected, but it parsed`);
  if (!(thrown instanceof SelectorSyntaxError)) {
    throw new Error(`expected a SelectorSyntaxError for ${JSON.stringify(text)}, got ${String(thrown)}`);
  }
  return thrown;
}

/** Whether the implementation accepts the text; rethrows anything but SelectorSyntaxError. */
export function implAccepts(text: string): boolean {
  try {
    parseSelector(text);
    return true;
  } catch (error) {
    if (error instanceof SelectorSyntaxError) return false;
    throw error;
  }
}

/** Calico's MakeUniqueID computed with Node's own SHA-224 and base64url (which has no padding). */
export function nodeUniqueId(prefix: string, content: string): string {
  return `${prefix}:${createHash("sha224").update(`${prefix}:${content}`).digest("base64url")}`;
}

/** A plain object with the given own entries, safe for keys like `__proto__`. */
export function labelsObject(entries: Iterable<readonly [string, string]>): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of entries) {
    Object.defineProperty(labels, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return labels;
}
