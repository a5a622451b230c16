/**
 * Property tests: the incremental engine against the from-scratch oracle (oracle.ts) on random
 * histories of upserts and removals across a local and a remote cluster (arbitraries.ts). After
 * every batch of operations the engine is flushed and checked:
 *
 * - its IP sets, their members, and its active policies and profiles equal the oracle's;
 * - the IP-set references of every active policy's and profile's parsed rules equal the oracle's;
 * - the flush delta, replayed onto the previously observed state (EngineDelta's contract),
 *   gives exactly the new state, including the content of active policies and profiles, and is
 *   coalesced (no phantom additions or removals, no updates that change nothing);
 * - `endpointsMatching` agrees with the oracle for a few selectors.
 *
 * Run for a whole-cluster view and for one node.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { createPolicyEngine } from "../../src/calc/engine.js";
import type { PolicyEngine, PolicyEngineOptions, ResourceRef } from "../../src/calc/types.js";
import { convertResource } from "../../src/k8s/convert.js";
import { brokenResourceArb, historyArb, NODES, type Op, resourceArb } from "./arbitraries.js";
import { EAST_RCC } from "./manifests.js";
import {
  emptyObserved,
  engineEndpoints,
  engineRules,
  type Observed,
  observe,
  render,
  renderContent,
  renderOracle,
  replay,
} from "./observe.js";
import { computeOracle, RawStore, sortStrings } from "./oracle.js";

const RUNS = 150;
/** Generous: a run takes about a second; the default 5 s would be tight on a slow machine. */
const TIMEOUT_MS = 60_000;

/** Selectors for the `endpointsMatching` cross-check. */
const QUERIES = [
  "all()",
  "app == 'checkout'",
  "pcns.team == 'a'",
  "!has(projectcalico.org/namespace)",
  "zone == 'z1'",
  "role == 'ext'",
];

function clusterOption(cluster: string, spelling: 0 | 1 | 2): { cluster?: string } | undefined {
  if (cluster !== "") return { cluster };
  return spelling === 0 ? undefined : spelling === 1 ? {} : { cluster: "" };
}

function apply(engine: PolicyEngine, store: RawStore, op: Op): void {
  switch (op.op) {
    case "upsert": {
      const options = clusterOption(op.cluster, op.spelling);
      if (options === undefined) engine.upsert(op.resource);
      else engine.upsert(op.resource, options);
      store.upsert(op.resource, op.cluster);
      break;
    }
    case "removeExisting": {
      const refs = store.refs();
      if (refs.length === 0) return;
      const { ref, cluster } = refs[op.index % refs.length]!;
      const chosen: ResourceRef = op.withApiVersion
        ? ref
        : { kind: ref.kind, name: ref.name, ...(ref.namespace === undefined ? {} : { namespace: ref.namespace }) };
      engine.remove(chosen, { cluster });
      store.remove(chosen, cluster);
      break;
    }
    case "remove":
      engine.remove(op.ref, { cluster: op.cluster });
      store.remove(op.ref, op.cluster);
      break;
  }
}

function check(engine: PolicyEngine, store: RawStore, options: PolicyEngineOptions, before: Observed): Observed {
  const delta = engine.flush();
  const oracle = computeOracle(store.entries(), options);
  const now = observe(engine);

  const ids = engine.ipSets().map((info) => info.id);
  expect(ids, "ipSets() is sorted by ID").toEqual(sortStrings(ids));
  for (const id of ids) {
    const members = engine.ipSetMembers(id);
    expect(members, `ipSetMembers(${id}) is sorted`).toEqual(sortStrings(members));
  }
  expect(render(now)).toEqual(renderOracle(oracle));

  const rules = engineRules(engine);
  expect(rules.policies).toEqual(oracle.policyRules);
  expect(rules.profiles).toEqual(oracle.profileRules);

  const replayed = replay(before, delta);
  expect(render(replayed), "the delta replayed onto the previous state").toEqual(render(now));
  expect(renderContent(replayed), "policy and profile content from the deltas").toEqual(renderContent(now));

  for (const query of QUERIES) {
    expect(engineEndpoints(engine, query), `endpointsMatching(${query})`).toEqual(oracle.endpointsMatching(query));
  }
  return now;
}

function runHistory(history: readonly (readonly Op[])[], options: PolicyEngineOptions): void {
  const engine = createPolicyEngine(options);
  engine.upsert(EAST_RCC);
  const store = new RawStore();
  let observed = emptyObserved();
  for (const batch of history) {
    for (const op of batch) apply(engine, store, op);
    observed = check(engine, store, options, observed);
  }
}

describe("engine vs oracle", () => {
  test.prop([fc.array(resourceArb, { maxLength: 20 })], { numRuns: 50 })(
    "generated resources are valid (no conversion errors), so histories exercise real objects",
    (resources) => {
      for (const resource of resources) {
        const errors = convertResource(resource).diagnostics.filter((d) => d.severity === "error");
        expect(errors).toEqual([]);
      }
    },
  );

  test.prop([brokenResourceArb], { numRuns: 10 })("the deliberately broken resources do not convert", (resource) => {
    const result = convertResource(resource);
    expect(result.resources).toEqual([]);
    expect(result.diagnostics.some((d) => d.severity === "error")).toBe(true);
  });

  test.prop([historyArb], { numRuns: RUNS })(
    "whole-cluster view (no node)",
    (history) => {
      runHistory(history, {});
    },
    TIMEOUT_MS,
  );

  test.prop([historyArb, fc.constantFrom(...NODES)], { numRuns: RUNS })(
    "one node's view",
    (history, node) => {
      runHistory(history, { node });
    },
    TIMEOUT_MS,
  );
});
