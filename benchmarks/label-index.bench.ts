/**
 * Scenario S2 (spec performance.md §7): the label index, Felix-shaped — a port of
 * `felix/labelindex/named_port_bench_test.go` (spec calico-semantics.md §6.1).
 *
 * Why: Felix's SelectorAndNamedPortIndex is our `MemberCalculator` (IP sets over a `LabelIndex`);
 * these are the upstream micro-benchmarks of it, used directly, without the rest of the engine.
 * Inputs are exactly Felix's: endpoint `wep-<n>` with labels `{alpha: beta, ipset-1: true}`, IP
 * `10.0.(n>>8 & 255).(n & 255)/32` (wrapping after 65,536: two endpoints then share an IP and the
 * member is reference-counted) and its own parent `namespace-<n>`.
 *
 * Rows (one op each; the tables show per-op statistics):
 * - WorkloadUpdate<numSels>Sels: numSels IP sets `alpha == "beta" && has(ipset-<i>)`; an op adds
 *   one new endpoint (so the endpoint count grows during the row, as in Go). Only `ipset-1`
 *   matches: one member added per op while IPs are distinct. Felix files every selector under
 *   `alpha=beta` and evaluates all numSels per op; we file by current cardinality.
 * - SelectorUpdates<N>: N endpoints; an op adds IP set `ipset-<n>` with selector
 *   `alpha == "beta" && has(ipset-<n mod 10>)`. "Felix mix" is exactly that (a sample is 10 ops,
 *   one of them matching); then matching ops only (`has(ipset-1)`: every endpoint is a member) and
 *   non-matching only (no endpoint has the label: nothing to scan). IP sets added in one sample
 *   are removed, untimed, before the next, so memory stays bounded (Go lets them pile up).
 * - ParentUpdates<N>: N endpoints and 100 IP sets `projectcalico.org/name == "namespace-<i>"`; an
 *   op gives profile `namespace-<n>` three labels. Profiles 0–99 each put one IP in an IP set.
 *
 * Callbacks are counted, and checked against what Felix's benchmark implies.
 */
import { Bench } from "tinybench";
import { MemberCalculator } from "../src/calc/members.js";
import type { IpSetInfo } from "../src/calc/types.js";
import type { LabelLookup } from "../src/selector/index.js";
import { parseSelector, type Selector } from "../src/selector/selector.js";
import {
  type NamedPortEndpoint,
  namedPortEndpoint,
  namedPortIpSetSelector,
  namespaceNameSelector,
  parentUpdateLabels,
} from "./felix-generators.js";
import { collectGarbage, formatDuration, latencyOf, printTable } from "./harness.js";
import { batchedWithSetup, checkLine, describeLoad, heapAfterGc, targetLine } from "./measure.js";

const TIME_MS = 300;
const MIN_SAMPLES = 10;
/** Warm-up per row: enough to reach optimised code without spending seconds on the 100k rows. */
const WARMUP = { warmupTime: 100, warmupIterations: 3 } as const;
const SELECTOR_COUNTS = [10, 100, 1000, 10_000] as const;
const ENDPOINT_COUNTS = [100, 1000, 10_000, 100_000] as const;
/** Distinct IPs Felix's generator can produce before wrapping. */
const DISTINCT_IPS = 65_536;

const TARGETS = {
  workloadGrowth: 2,
  workload10kMs: 5e-3,
  nonMatchingMs: 5e-3,
  flatness: 2,
  matchingMsPerEndpoint: 150e-6,
  parentMs: 10e-3,
  bytesPerEndpoint: 300,
} as const;

/** A MemberCalculator that counts member callbacks. */
function countingCalculator(): { calc: MemberCalculator; counts: { added: number; removed: number } } {
  const counts = { added: 0, removed: 0 };
  const calc = new MemberCalculator({
    onMemberAdded: () => {
      counts.added++;
    },
    onMemberRemoved: () => {
      counts.removed++;
    },
  });
  return { calc, counts };
}

function ipSet(id: string, selector: Selector): IpSetInfo {
  return { id, type: "net", selector: selector.toString() };
}

function feed(calc: MemberCalculator, from: number, to: number): void {
  for (let n = from; n < to; n++) {
    const endpoint = namedPortEndpoint(n);
    calc.updateItem(endpoint.id, endpoint);
  }
}

/** A selector that counts its evaluations (verification passes only: never in timed rows). */
function countingSelector(selector: Selector, counter: { evaluations: number }): Selector {
  return {
    root: selector.root,
    uniqueId: selector.uniqueId,
    toString: () => selector.toString(),
    matches: (labels) => selector.matches(labels),
    matchesWith: (lookup: LabelLookup) => {
      counter.evaluations++;
      return selector.matchesWith(lookup);
    },
    labelRestrictions: () => selector.labelRestrictions(),
    withLabelPrefix: (prefix) => selector.withLabelPrefix(prefix),
  };
}

console.log(
  `S2 label index (Felix named_port_bench_test.go) — Node ${process.version}, tinybench, ${TIME_MS} ms per row; ` +
    describeLoad(),
);

// ---------------------------------------------------------------------------------------------
// Verification passes (untimed): candidate evaluations per op, member counts
// ---------------------------------------------------------------------------------------------

console.log("\nSelector evaluations per op (Felix evaluates every selector filed under alpha=beta):");
for (const numSels of SELECTOR_COUNTS) {
  const counter = { evaluations: 0 };
  const { calc, counts } = countingCalculator();
  for (let i = 0; i < numSels; i++) {
    const selector = countingSelector(parseSelector(namedPortIpSetSelector(i)), counter);
    calc.addIpSet(ipSet(`ipset-${i}`, selector), selector);
  }
  counter.evaluations = 0;
  feed(calc, 0, 1000);
  console.log(
    `  WorkloadUpdate${numSels}Sels: ${(counter.evaluations / 1000).toFixed(2)} evaluations/op ` +
      `(Felix: ${numSels}), ${(counts.added / 1000).toFixed(2)} members added/op (expected 1)`,
  );
}

// ---------------------------------------------------------------------------------------------
// S2a WorkloadUpdate
// ---------------------------------------------------------------------------------------------

const workloadBench = new Bench({
  name: "S2a WorkloadUpdate",
  time: TIME_MS,
  iterations: MIN_SAMPLES,
  ...WARMUP,
  throws: true,
  setup: collectGarbage,
});
const workloadState = new Map<number, { next: number; counts: { added: number; removed: number } }>();
for (const numSels of SELECTOR_COUNTS) {
  const { calc, counts } = countingCalculator();
  for (let i = 0; i < numSels; i++) {
    const selector = parseSelector(namedPortIpSetSelector(i));
    calc.addIpSet(ipSet(`ipset-${i}`, selector), selector);
  }
  const state = { next: 0, counts };
  workloadState.set(numSels, state);
  const batch = 1000;
  workloadBench.add(
    `WorkloadUpdate${numSels}Sels (op = add 1 endpoint)`,
    batchedWithSetup(
      workloadBench,
      batch,
      () => {
        const updates: NamedPortEndpoint[] = [];
        for (let i = 0; i < batch; i++) updates.push(namedPortEndpoint(state.next++));
        return updates;
      },
      (updates, i) => {
        const endpoint = updates[i]!;
        calc.updateItem(endpoint.id, endpoint);
      },
    ),
  );
}
await workloadBench.run();
console.log("");
printTable(workloadBench);
const workloadChecks: boolean[] = [];
for (const [numSels, state] of workloadState) {
  const expected = Math.min(state.next, DISTINCT_IPS);
  workloadChecks.push(
    checkLine(
      `WorkloadUpdate${numSels}Sels members added`,
      state.counts.added === expected && state.counts.removed === 0,
      `${state.counts.added} added / ${state.counts.removed} removed over ${state.next} endpoints ` +
        `(expected min(endpoints, 65,536 distinct IPs) = ${expected})`,
    ),
  );
}
workloadState.clear();

// ---------------------------------------------------------------------------------------------
// S2b SelectorUpdates
// ---------------------------------------------------------------------------------------------

const SELECTOR_ROWS = {
  mixed: "Felix mix i mod 10 (op = add 1 IP set)",
  matching: "matching only (op = add 1 IP set)",
  nonMatching: "non-matching only (op = add 1 IP set)",
} as const;
const selectorRow = (n: number, kind: keyof typeof SELECTOR_ROWS) => `SelectorUpdates${n}: ${SELECTOR_ROWS[kind]}`;
const felixSelectors = Array.from({ length: 10 }, (_, k) => parseSelector(namedPortIpSetSelector(k)));
const selectorChecks: boolean[] = [];
const selectorBench = new Bench({
  name: "S2b SelectorUpdates",
  time: TIME_MS,
  iterations: MIN_SAMPLES,
  ...WARMUP,
  throws: true,
  setup: collectGarbage,
});
const selectorCalcs: { n: number; check: () => boolean }[] = [];
for (const n of ENDPOINT_COUNTS) {
  const { calc, counts } = countingCalculator();
  feed(calc, 0, n);
  const membersPerMatch = Math.min(n, DISTINCT_IPS);
  let nextId = 0;
  const tally = { matchingOps: 0 };
  let live: string[] = [];
  /** Untimed: drop the IP sets the previous batch added. */
  const cleanup = () => {
    for (const id of live) calc.removeIpSet(id);
    live = [];
  };
  const addRow = (kind: keyof typeof SELECTOR_ROWS, batch: number, pick: (i: number) => number) => {
    selectorBench.add(
      selectorRow(n, kind),
      batchedWithSetup(
        selectorBench,
        batch,
        () => {
          cleanup();
          return undefined;
        },
        (_, i) => {
          const k = pick(i);
          const id = `ipset-${nextId++}`;
          if (k === 1) tally.matchingOps++;
          live.push(id);
          calc.addIpSet(ipSet(id, felixSelectors[k]!), felixSelectors[k]!);
        },
      ),
    );
  };
  addRow("mixed", 10, (i) => i);
  addRow("matching", 1, () => 1);
  addRow("nonMatching", 1000, (i) => [0, 2, 3, 4, 5, 6, 7, 8, 9][i % 9]!);
  selectorCalcs.push({
    n,
    check: () => {
      cleanup();
      return checkLine(
        `SelectorUpdates${n} members added`,
        counts.added === tally.matchingOps * membersPerMatch,
        `${counts.added} added over ${tally.matchingOps} matching adds (expected ${membersPerMatch} each: ` +
          `min(N, 65,536 distinct IPs)); ${nextId - tally.matchingOps} non-matching adds`,
      );
    },
  });
}
await selectorBench.run();
console.log("");
printTable(selectorBench);
for (const { check } of selectorCalcs) selectorChecks.push(check());
selectorCalcs.length = 0;

// ---------------------------------------------------------------------------------------------
// S2c ParentUpdates
// ---------------------------------------------------------------------------------------------

const parentBench = new Bench({
  name: "S2c ParentUpdates",
  time: TIME_MS,
  iterations: MIN_SAMPLES,
  ...WARMUP,
  throws: true,
  setup: collectGarbage,
});
const parentChecks: (() => boolean)[] = [];
for (const n of ENDPOINT_COUNTS) {
  const { calc, counts } = countingCalculator();
  feed(calc, 0, n);
  for (let i = 0; i < 100; i++) {
    const selector = parseSelector(namespaceNameSelector(i));
    calc.addIpSet(ipSet(`ipset-${i}`, selector), selector);
  }
  const before = counts.added;
  let next = 0;
  const batch = 1000;
  parentBench.add(
    `ParentUpdates${n} (op = update 1 profile's labels)`,
    batchedWithSetup(
      parentBench,
      batch,
      () => {
        const updates: [string, ReturnType<typeof parentUpdateLabels>][] = [];
        for (let i = 0; i < batch; i++, next++) updates.push([`namespace-${next}`, parentUpdateLabels(next)]);
        return updates;
      },
      (updates, i) => {
        const [id, labels] = updates[i]!;
        calc.updateParent(id, labels);
      },
    ),
  );
  parentChecks.push(() =>
    checkLine(
      `ParentUpdates${n} members added`,
      counts.added - before === Math.min(100, next) && counts.removed === 0,
      `${counts.added - before} added / ${counts.removed} removed over ${next} profile updates ` +
        `(expected one per profile namespace-0…99: ${Math.min(100, next)})`,
    ),
  );
}
await parentBench.run();
console.log("");
printTable(parentBench);
const parentResults = parentChecks.map((check) => check());
parentChecks.length = 0;

// ---------------------------------------------------------------------------------------------
// Retained memory per endpoint (index + calculator, beyond the update objects themselves)
// ---------------------------------------------------------------------------------------------

const MEMORY_ENDPOINTS = 100_000;
const memoryInputs = Array.from({ length: MEMORY_ENDPOINTS }, (_, n) => namedPortEndpoint(n));
const memoryBefore = heapAfterGc();
const memory = countingCalculator();
for (let i = 0; i < 10; i++) {
  const selector = parseSelector(namedPortIpSetSelector(i));
  memory.calc.addIpSet(ipSet(`ipset-${i}`, selector), selector);
}
for (const endpoint of memoryInputs) memory.calc.updateItem(endpoint.id, endpoint);
const bytesPerEndpoint = (heapAfterGc() - memoryBefore) / MEMORY_ENDPOINTS;
// Keep both alive until after the measurement.
if (memory.calc.members("ipset-1").length !== DISTINCT_IPS || memoryInputs.length !== MEMORY_ENDPOINTS) {
  throw new Error("memory workload: unexpected member count");
}

// ---------------------------------------------------------------------------------------------
// Targets (spec performance.md §7 S2), from the medians above
// ---------------------------------------------------------------------------------------------

const medianOf = (bench: Bench, row: string): number => {
  const task = bench.getTask(row);
  if (task === undefined) throw new Error(`no task named "${row}"`);
  return latencyOf(task).median;
};
const ratio = (x: number) => `${x.toFixed(2)}×`;
const workload = (numSels: number) => medianOf(workloadBench, `WorkloadUpdate${numSels}Sels (op = add 1 endpoint)`);
const parent = (n: number) => medianOf(parentBench, `ParentUpdates${n} (op = update 1 profile's labels)`);
const selector = (n: number, kind: keyof typeof SELECTOR_ROWS) => medianOf(selectorBench, selectorRow(n, kind));

console.log(`\nTargets (medians from the tables; PASS means measured ≤ target); ${describeLoad()}`);
const growth = workload(10_000) / workload(10);
targetLine(
  "WorkloadUpdate: 10k-selector / 10-selector time",
  growth,
  TARGETS.workloadGrowth,
  "≤ 2×",
  `${formatDuration(workload(10))} → ${formatDuration(workload(10_000))}; Felix is O(numSels) here by design`,
  ratio,
);
targetLine("WorkloadUpdate10000Sels per op", workload(10_000), TARGETS.workload10kMs, "≤ 5 µs");
const nonMatchingWorst = Math.max(...ENDPOINT_COUNTS.map((n) => selector(n, "nonMatching")));
targetLine(
  "SelectorUpdates non-matching, worst N",
  nonMatchingWorst,
  TARGETS.nonMatchingMs,
  "≤ 5 µs",
  ENDPOINT_COUNTS.map((n) => `${n}: ${formatDuration(selector(n, "nonMatching"))}`).join(", "),
);
targetLine(
  "SelectorUpdates non-matching flatness, N=100k / N=100",
  selector(100_000, "nonMatching") / selector(100, "nonMatching"),
  TARGETS.flatness,
  "≤ 2×",
  "flat in N",
  ratio,
);
const matchingPerEndpoint = selector(100_000, "matching") / 100_000;
targetLine(
  "SelectorUpdates matching at N=100k, per endpoint",
  matchingPerEndpoint,
  TARGETS.matchingMsPerEndpoint,
  "≤ 150 ns",
  `${formatDuration(selector(100_000, "matching"))}/op; per emitted member (65,536 distinct IPs): ` +
    `${formatDuration(selector(100_000, "matching") / DISTINCT_IPS)}`,
);
for (const n of ENDPOINT_COUNTS) {
  console.log(
    `        SelectorUpdates${n}: matching ${formatDuration(selector(n, "matching"))}/op = ` +
      `${formatDuration(selector(n, "matching") / n)} per endpoint; Felix mix ${formatDuration(selector(n, "mixed"))}/op`,
  );
}
const parentWorst = Math.max(...ENDPOINT_COUNTS.map(parent));
targetLine(
  "ParentUpdates, worst N",
  parentWorst,
  TARGETS.parentMs,
  "≤ 10 µs",
  ENDPOINT_COUNTS.map((n) => `${n}: ${formatDuration(parent(n))}`).join(", "),
);
targetLine(
  "ParentUpdates flatness, N=100k / N=100",
  parent(100_000) / parent(100),
  TARGETS.flatness,
  "≤ 2×",
  "O(children), not O(N)",
  ratio,
);
targetLine(
  "Retained index memory per endpoint (100k endpoints)",
  bytesPerEndpoint,
  TARGETS.bytesPerEndpoint,
  "≤ 300 B",
  "heap after GC, beyond the update objects (labels, nets, parents) themselves",
  (bytes) => `${bytes.toFixed(0)} B`,
);

const allChecks = [...workloadChecks, ...selectorChecks, ...parentResults];
if (allChecks.some((ok) => !ok)) {
  console.error("\nS2: some member-count checks FAILED (see above)");
  process.exitCode = 1;
}
