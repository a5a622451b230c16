/**
 * LabelIndex against brute force: after any sequence of item, parent and selector updates, every
 * selector's matches equal a plain evaluation of every item's effective labels, and the reported
 * transitions, replayed, give exactly those matches.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { LabelIndex } from "../../src/index/label-index.js";
import { parseSelector } from "../../src/selector/index.js";
import { effectiveLabels } from "./effective-labels.js";

type Op =
  | { op: "item"; id: string; labels: Record<string, string>; parents: string[] }
  | { op: "deleteItem"; id: string }
  | { op: "parent"; id: string; labels: Record<string, string> }
  | { op: "deleteParent"; id: string }
  | { op: "selector"; id: string; text: string }
  | { op: "deleteSelector"; id: string };

const keys = ["app", "tier", "pcns.team", "debug"];
const values = ["web", "db", "a", ""];
const labels = fc.dictionary(fc.constantFrom(...keys), fc.constantFrom(...values), { maxKeys: 3 });
const itemId = fc.constantFrom("i1", "i2", "i3", "i4", "i5");
const parentId = fc.constantFrom("kns.shop", "kns.pay", "ksa.shop.x");
const selectorId = fc.constantFrom("s1", "s2", "s3", "s4");
const selectorText = fc.constantFrom(
  "all()",
  "app == 'web'",
  "app == 'web' && has(debug)",
  "has(pcns.team)",
  "pcns.team in {'a', 'web'}",
  "!has(debug)",
  "app != 'db'",
  "tier == 'db' || app == 'db'",
  "app == 'web' && app == 'db'",
  "has(debug) && !has(debug)",
  "app in {}",
);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constant("item" as const),
    id: itemId,
    labels,
    parents: fc.uniqueArray(parentId, { maxLength: 2 }),
  }),
  fc.record({ op: fc.constant("deleteItem" as const), id: itemId }),
  fc.record({ op: fc.constant("parent" as const), id: parentId, labels }),
  fc.record({ op: fc.constant("deleteParent" as const), id: parentId }),
  fc.record({ op: fc.constant("selector" as const), id: selectorId, text: selectorText }),
  fc.record({ op: fc.constant("deleteSelector" as const), id: selectorId }),
);

describe("LabelIndex", () => {
  // An item updated while its parent is still undefined must inherit the parent's labels once
  // the parent appears (a bug the engine's oracle tests found).
  const parentDefinedLate: Op[] = [
    { op: "selector", id: "s1", text: "has(pcns.team)" },
    { op: "item", id: "i1", labels: { app: "web" }, parents: ["kns.shop"] },
    { op: "item", id: "i1", labels: { app: "db" }, parents: ["kns.shop"] },
    { op: "parent", id: "kns.shop", labels: { "pcns.team": "a" } },
  ];

  // One label set in more parent lists than an array holds (its identities go into a Map), then
  // back down to a few, with parents changing labels on the way.
  const namespaces = Array.from({ length: 10 }, (_, k) => `kns.ns${k}`);
  const oneLabelSetManyParents: Op[] = [
    { op: "selector", id: "s1", text: "app == 'web' && pcns.team == 'a'" },
    { op: "selector", id: "s2", text: "app == 'web'" },
    ...namespaces.map((id, k): Op => ({ op: "parent", id, labels: { "pcns.team": k % 2 === 0 ? "a" : "web" } })),
    ...Array.from(
      { length: 12 },
      (_, k): Op => ({
        op: "item",
        id: `i${k}`,
        labels: { app: "web" },
        parents: [namespaces[k % 10]!],
      }),
    ),
    { op: "selector", id: "s3", text: "app == 'web' && !has(debug)" },
    { op: "parent", id: "kns.ns3", labels: { "pcns.team": "a" } },
    ...Array.from({ length: 9 }, (_, k): Op => ({ op: "deleteItem", id: `i${k}` })),
    { op: "parent", id: "kns.ns9", labels: {} },
    { op: "item", id: "i0", labels: { app: "web" }, parents: ["kns.ns9"] },
  ];

  test.prop([fc.array(op, { maxLength: 40 })], {
    numRuns: 400,
    examples: [[parentDefinedLate], [oneLabelSetManyParents]],
  })("matches what a brute-force evaluation finds, after every step", (ops) => {
    const replayed = new Map<string, Set<string>>();
    const index = new LabelIndex({
      onMatchStarted: (s, i) => {
        const set = replayed.get(s) ?? new Set();
        expect(set.has(i), `duplicate start ${s} ${i}`).toBe(false);
        replayed.set(s, set.add(i));
      },
      onMatchStopped: (s, i) => {
        expect(replayed.get(s)?.has(i), `stop without start ${s} ${i}`).toBe(true);
        replayed.get(s)!.delete(i);
      },
    });
    const items = new Map<string, { labels: Record<string, string>; parents: string[] }>();
    const parents = new Map<string, Record<string, string>>();
    const selectors = new Map<string, string>();
    for (const step of ops) {
      switch (step.op) {
        case "item":
          items.set(step.id, { labels: step.labels, parents: step.parents });
          index.updateItem(step.id, step.labels, step.parents);
          break;
        case "deleteItem":
          items.delete(step.id);
          index.deleteItem(step.id);
          break;
        case "parent":
          parents.set(step.id, step.labels);
          index.updateParent(step.id, step.labels);
          break;
        case "deleteParent":
          parents.delete(step.id);
          index.deleteParent(step.id);
          break;
        case "selector":
          selectors.set(step.id, step.text);
          index.updateSelector(step.id, parseSelector(step.text));
          break;
        case "deleteSelector":
          selectors.delete(step.id);
          index.deleteSelector(step.id);
          break;
      }
      for (const [sid, text] of selectors) {
        const expected = [...items]
          .filter(([, item]) => parseSelector(text).matchesWith(effectiveLabels(item.labels, item.parents, parents)))
          .map(([id]) => id)
          .sort();
        expect(index.itemsMatching(sid).sort(), `selector ${sid} = ${text}`).toEqual(expected);
        expect([...(replayed.get(sid) ?? [])].sort()).toEqual(expected);
        expect(index.evaluate(parseSelector(text)).sort()).toEqual(expected);
      }
      for (const [sid, set] of replayed) if (!selectors.has(sid)) expect(set.size).toBe(0);
    }
  });

  it("files selectors that share a common label under their rare labels", () => {
    // Felix's WorkloadUpdate benchmark shape: with a static score every selector lands under
    // alpha=beta and each endpoint update evaluates all of them.
    let evaluations = 0;
    const selectors = Array.from({ length: 50 }, (_, i) => {
      const selector = parseSelector(`alpha == "beta" && has(ipset-${i})`);
      const matchesWith = selector.matchesWith.bind(selector);
      selector.matchesWith = (lookup) => {
        evaluations++;
        return matchesWith(lookup);
      };
      return selector;
    });
    const started: string[] = [];
    const index = new LabelIndex({ onMatchStarted: (s) => started.push(s), onMatchStopped: () => {} });
    for (const [i, selector] of selectors.entries()) index.updateSelector(`ipset-${i}`, selector);
    index.updateItem("wep-0", { alpha: "beta", "ipset-1": "true" }, []);
    expect(started).toEqual(["ipset-1"]);
    expect(evaluations).toBeLessThanOrEqual(2);
  });
});
