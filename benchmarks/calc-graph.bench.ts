/**
 * Scenarios S3 and S4 (spec performance.md §7): the whole calculation graph on Felix's snapshot
 * benchmarks — a port of `felix/calc/calc_graph_bench_test.go` (spec calico-semantics.md §6.2).
 *
 * Why: these are the only Felix workloads with published results (projectcalico/calico#10272,
 * #11866, on an i9-8950HK), so they are our anchors for start-of-day cost and heap.
 *
 * How each run goes (as Felix's timed loop): a fresh `createPolicyEngine({ node: "localhost" })`,
 * then `upsertModel` of the inputs in Felix's order, then `flush()`; the time is wall time with
 * `performance.now()` (no tinybench: one run takes seconds). Inputs are generated once per
 * benchmark, before timing, by Felix's generators (felix-generators.ts), whose global counters
 * carry on from one benchmark to the next in this process, as in a Go run of the whole file.
 *
 * Reported per benchmark:
 * - time (each run; best and median), with the time of each input phase;
 * - heap after GC: "total" = everything retained since before the inputs were generated (inputs +
 *   engine; Felix's HeapAllocMB also includes its inputs, which its loop keeps alive), "engine" =
 *   the engine alone (heap growth from before the run), and per endpoint;
 * - what `flush()` reported (IP sets added, policies and profiles activated, members added),
 *   checked against a brute-force oracle (oracle.ts) and compared with Felix's metrics;
 * - ThenDeleteLocal variants: the time to delete the local endpoints and flush, and the leak check:
 *   the engine's heap must return to within 5% of what it was before the local endpoints came.
 */
import { getHeapStatistics } from "node:v8";
import { createPolicyEngine } from "../src/calc/engine.js";
import type { EngineDelta, PolicyEngine } from "../src/calc/types.js";
import type { ModelResource, NetworkSet, Policy, Profile, WorkloadEndpoint } from "../src/model/index.js";
import {
  assertDeterministicString,
  describeCounters,
  type IsolatedCustomers,
  makeEndpointUpdates,
  makeIsolatedCustomers,
  makeNamespaceUpdates,
  makeNetSetAndPolUpdates,
  makeTagPolicies,
} from "./felix-generators.js";
import { consume, formatDuration } from "./harness.js";
import { checkLine, describeLoad, heapAfterGc, mib, targetLine } from "./measure.js";
import { Oracle } from "./oracle.js";

assertDeterministicString();

const NODE = "localhost";
const MIB = 1024 * 1024;
const formatMib = (bytes: number) => mib(bytes);
const formatRatio = (x: number) => `${x.toFixed(2)}×`;
const formatPercent = (x: number) => `${(x * 100).toFixed(1)}%`;

/** What one flush reported, counted. */
interface DeltaCounts {
  ipSetsAdded: number;
  ipSetsRemoved: number;
  membersAdded: number;
  membersRemoved: number;
  policiesActivated: number;
  policiesUpdated: number;
  policiesDeactivated: number;
  profilesActivated: number;
  profilesDeactivated: number;
}

function countDelta(delta: EngineDelta): DeltaCounts {
  let membersAdded = 0;
  let membersRemoved = 0;
  for (const members of delta.membersAdded.values()) membersAdded += members.length;
  for (const members of delta.membersRemoved.values()) membersRemoved += members.length;
  return {
    ipSetsAdded: delta.ipSetsAdded.length,
    ipSetsRemoved: delta.ipSetsRemoved.length,
    membersAdded,
    membersRemoved,
    policiesActivated: delta.policiesActivated.length,
    policiesUpdated: delta.policiesUpdated.length,
    policiesDeactivated: delta.policiesDeactivated.length,
    profilesActivated: delta.profilesActivated.length,
    profilesDeactivated: delta.profilesDeactivated.length,
  };
}

function send(engine: PolicyEngine, resources: readonly ModelResource[]): number {
  const start = performance.now();
  for (const resource of resources) engine.upsertModel(resource);
  return performance.now() - start;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One timed run; phases are timed separately and summed (gaps between them are untimed). */
interface Run {
  totalMs: number;
  phases: [string, number][];
  counts: DeltaCounts;
  /** Heap after GC with the engine alive, minus the heap before the engine was created. */
  engineBytes: number;
  /** Heap after GC with the engine alive, minus the heap before the inputs were generated. */
  totalBytes: number;
  deleteMs?: number;
  deleteCounts?: DeltaCounts;
  /** Engine heap before the local endpoints came, and after they were deleted. */
  preLocalBytes?: number;
  postDeleteBytes?: number;
  /** Engine heap after each further (untimed) add-local / delete-local cycle. */
  cycleBytes?: number[];
}

/**
 * Further add/delete cycles after a ThenDeleteLocal run, to tell a leak from one-time growth.
 * Two cycles cannot tell a leak from V8's hash tables: a Map or Set that loses and regains entries
 * keeps the deleted slots until it is full, then rehashes, to twice the capacity if fewer than half
 * its slots were deleted. So the netset runs' per-cycle check MISSes on bounded steps. Run longer
 * (perf-s6, Node 20), the heap levelled off: 1000 netsets +4.8 MB by cycle 40 (three ~12k-entry
 * Maps' tables doubled; code +0.4 MB) and flat to cycle 160; 10000 netsets a sawtooth between 0
 * and +4.4 MB over 60 cycles, its lows creeping ~0.02 MB (0.07%) a cycle. No Map or Set within six
 * levels of the engine changed size in either run.
 */
const LEAK_CYCLES = 2;

function phaseLine(run: Run): string {
  return run.phases.map(([name, ms]) => `${name} ${formatDuration(ms)}`).join(", ");
}

function describeRuns(runs: readonly Run[]): string {
  return runs.map((run) => formatDuration(run.totalMs)).join(", ");
}

// ---------------------------------------------------------------------------------------------
// S3: benchInitialSnap
// ---------------------------------------------------------------------------------------------

interface SnapshotSpec {
  readonly name: string;
  readonly numEndpoints: number;
  readonly numLocal: number;
  readonly numLocalToDelete: number;
  readonly numTagPols: number;
  readonly numNetSetPols: number;
  readonly runs: number;
  /** Felix's published result, if any (i9-8950HK, projectcalico/calico#10272 "before"). */
  readonly felix?: { seconds: number; heapMib: number; ipSets: number; policies: number; msgs: number };
}

interface SnapshotResult {
  readonly spec: SnapshotSpec;
  readonly runs: Run[];
  readonly checksOk: boolean;
}

/**
 * One timed snapshot run, in its own function so that its engine dies with its frame: an
 * interpreter frame keeps every register alive, so a loop variable would keep the previous run's
 * engine alive through the next run's "before" measurement.
 */
function snapshotRun(spec: SnapshotSpec, inputs: SnapshotInputs, heapBase: number): Run {
  const { pols, profs, ep, netsets, local, deletes } = inputs;
  const before = heapAfterGc();
  const engine = createPolicyEngine({ node: NODE });
  const phases: [string, number][] = [];
  phases.push(["policies", send(engine, pols)]);
  phases.push(["profiles", send(engine, profs)]);
  phases.push(["remote endpoints", send(engine, ep)]);
  phases.push(["netsets+policies", send(engine, netsets)]);
  // Leak check: the engine's heap before the local endpoints (untimed GC between phases).
  const preLocalBytes = spec.numLocalToDelete > 0 ? heapAfterGc() - before : undefined;
  phases.push(["local endpoints", send(engine, local)]);
  const flushStart = performance.now();
  let delta: EngineDelta | undefined = engine.flush();
  phases.push(["flush", performance.now() - flushStart]);
  const totalMs = phases.reduce((sum, [, ms]) => sum + ms, 0);
  const counts = countDelta(delta);
  delta = undefined;
  consume(engine);
  const heap = heapAfterGc();
  const run: Run = { totalMs, phases, counts, engineBytes: heap - before, totalBytes: heap - heapBase };
  if (spec.numLocalToDelete > 0) {
    const start = performance.now();
    for (const endpoint of deletes) engine.removeModel(endpoint);
    // Counted and dropped at once: a delta held in a local stays alive through the heap measurement
    // below, and its policiesDeactivated entries are whole ParsedPolicy objects (~3.6 KB each here).
    run.deleteCounts = countDelta(engine.flush());
    run.deleteMs = performance.now() - start;
    consume(engine);
    run.preLocalBytes = preLocalBytes!;
    run.postDeleteBytes = heapAfterGc() - before;
    // Untimed: more add-local / delete-local cycles; a leak grows the heap by about the same each cycle.
    run.cycleBytes = [];
    for (let cycle = 0; cycle < LEAK_CYCLES; cycle++) {
      for (const endpoint of local) engine.upsertModel(endpoint);
      engine.flush();
      for (const endpoint of deletes) engine.removeModel(endpoint);
      engine.flush();
      run.cycleBytes.push(heapAfterGc() - before);
    }
  }
  consume(undefined);
  return run;
}

interface SnapshotInputs {
  readonly ep: WorkloadEndpoint[];
  readonly local: WorkloadEndpoint[];
  readonly deletes: WorkloadEndpoint[];
  readonly pols: Policy[];
  readonly profs: Profile[];
  readonly netsets: (NetworkSet | Policy)[];
}

function benchInitialSnap(spec: SnapshotSpec, heapBase: number): SnapshotResult {
  const countersBefore = describeCounters();
  // Untimed, in Felix's order.
  const ep = makeEndpointUpdates(spec.numEndpoints, "remotehost");
  const local = makeEndpointUpdates(spec.numLocal, NODE);
  const deletes = local.slice(0, spec.numLocalToDelete);
  const pols = makeTagPolicies(spec.numTagPols);
  const profs = makeNamespaceUpdates(100);
  const netsets = makeNetSetAndPolUpdates(spec.numNetSetPols);
  const inputsBytes = heapAfterGc() - heapBase;
  const netsetCount = netsets.filter((r) => r.kind === "NetworkSet").length;
  const netsetNets = netsets.reduce((n, r) => n + (r.kind === "NetworkSet" ? r.nets.length : 0), 0);

  console.log(`\n${spec.name}`);
  console.log(`  counters before generating: ${countersBefore}`);
  console.log(
    `  inputs: ${spec.numEndpoints} remote + ${spec.numLocal} local endpoints, ${pols.length} tag policies, ` +
      `${profs.length} namespace profiles, ${netsetCount} network sets (${netsetNets} nets) + ${netsetCount} policies; ` +
      `inputs heap ${formatMib(inputsBytes)}`,
  );

  const runs: Run[] = [];
  for (let i = 0; i < spec.runs; i++) {
    const run = snapshotRun(spec, { ep, local, deletes, pols, profs, netsets }, heapBase);
    runs.push(run);
    console.log(
      `  run ${i + 1}: ${formatDuration(run.totalMs)} (${phaseLine(run)}); heap total ${formatMib(run.totalBytes)}, ` +
        `engine ${formatMib(run.engineBytes)}` +
        (run.deleteMs === undefined
          ? ""
          : `; delete ${spec.numLocalToDelete} local + flush ${formatDuration(run.deleteMs)}, engine heap ` +
            `before local ${formatMib(run.preLocalBytes!)} → after delete ${formatMib(run.postDeleteBytes!)} → ` +
            `after ${LEAK_CYCLES} more add/delete cycles ${run.cycleBytes!.map(formatMib).join(" → ")}`),
    );
  }

  // Expected outputs, brute force (after the timed runs, so the oracle's parsing cannot warm anything).
  const oracle = new Oracle(NODE);
  for (const profile of profs) oracle.profile(profile);
  for (const endpoint of [...ep, ...local]) oracle.endpoint(endpoint);
  for (const resource of netsets) {
    if (resource.kind === "NetworkSet") oracle.networkSet(resource);
    else oracle.policy(resource);
  }
  for (const policy of pols) oracle.policy(policy);
  const expectedPolicies = oracle.activePolicies().length;
  const expectedSets = oracle.activeIpSets();
  const expectedMembers = [...oracle.membersOfAll(expectedSets.values()).values()].reduce((n, s) => n + s.size, 0);
  const expectedProfiles = oracle.activeProfiles().size;

  const first = runs[0]!;
  const c = first.counts;
  const felix = spec.felix;
  const felixNote = (value: number | undefined) =>
    value === undefined ? "" : ` (Felix: ${value.toLocaleString("en-US")})`;
  console.log(
    `  flush: ${c.ipSetsAdded} IP sets added${felixNote(felix?.ipSets)}, ${c.policiesActivated} policies activated` +
      `${felixNote(felix?.policies)}, ${c.profilesActivated} profiles activated, ${c.membersAdded} members added` +
      (felix === undefined
        ? ""
        : `; Felix's ${felix.msgs.toLocaleString("en-US")} msgs also count its ${spec.numLocal} endpoint updates ` +
          "and housekeeping messages, which our delta has no equivalent for"),
  );
  let checksOk = true;
  const check = (label: string, actual: number, expected: number) => {
    checksOk = checkLine(`${label}`, actual === expected, `${actual} (oracle: ${expected})`) && checksOk;
  };
  check("IP sets added", c.ipSetsAdded, expectedSets.size);
  check("policies activated", c.policiesActivated, expectedPolicies);
  check("profiles activated", c.profilesActivated, expectedProfiles);
  check("members added", c.membersAdded, expectedMembers);
  for (const run of runs.slice(1)) {
    checksOk = checkLine("same counts in every run", JSON.stringify(run.counts) === JSON.stringify(c), "") && checksOk;
  }
  if (first.deleteCounts !== undefined) {
    const d = first.deleteCounts;
    checksOk =
      checkLine(
        "after deleting the local endpoints, everything deactivates",
        d.ipSetsRemoved === c.ipSetsAdded &&
          d.policiesDeactivated === c.policiesActivated &&
          d.profilesDeactivated === c.profilesActivated &&
          d.ipSetsAdded === 0 &&
          d.policiesActivated === 0,
        `${d.ipSetsRemoved} IP sets removed, ${d.policiesDeactivated} policies and ${d.profilesDeactivated} profiles deactivated`,
      ) && checksOk;
  }
  consume([ep, local, pols, profs, netsets]);
  consume(undefined);
  return { spec, runs, checksOk };
}

// ---------------------------------------------------------------------------------------------
// S4: benchIsolatedCustomers
// ---------------------------------------------------------------------------------------------

interface CustomersSpec {
  readonly name: string;
  readonly customers: number;
  readonly runs: number;
  /** Felix (projectcalico/calico#11866, i9-8950HK): seconds and HeapAllocMB. */
  readonly felix: { seconds: number; heapMib: number };
}

interface CustomersResult {
  readonly spec: CustomersSpec;
  readonly runs: Run[];
  readonly localEps: number;
  readonly checksOk: boolean;
}

/** One timed IsolatedCustomers run (own function: see {@link snapshotRun}). */
function customersRun(inputs: IsolatedCustomers, heapBase: number): Run {
  const before = heapAfterGc();
  const engine = createPolicyEngine({ node: NODE });
  const phases: [string, number][] = [];
  phases.push(["policies", send(engine, inputs.policies)]);
  phases.push(["profiles", send(engine, inputs.profiles)]);
  phases.push(["remote endpoints", send(engine, inputs.remote)]);
  phases.push(["local endpoints", send(engine, inputs.local)]);
  const flushStart = performance.now();
  let delta: EngineDelta | undefined = engine.flush();
  phases.push(["flush", performance.now() - flushStart]);
  const totalMs = phases.reduce((sum, [, ms]) => sum + ms, 0);
  const counts = countDelta(delta);
  delta = undefined;
  consume(engine);
  const heap = heapAfterGc();
  consume(undefined);
  return { totalMs, phases, counts, engineBytes: heap - before, totalBytes: heap - heapBase };
}

function benchIsolatedCustomers(spec: CustomersSpec, heapBase: number): CustomersResult {
  const countersBefore = describeCounters();
  const inputs = makeIsolatedCustomers(spec.customers);
  const inputsBytes = heapAfterGc() - heapBase;
  console.log(`\n${spec.name}`);
  console.log(`  counters before generating: ${countersBefore}`);
  console.log(
    `  inputs: ${inputs.profiles.length} profiles, ${inputs.policies.length} policies, ` +
      `${inputs.local.length} local + ${inputs.remote.length} remote endpoints; inputs heap ${formatMib(inputsBytes)}`,
  );
  const runs: Run[] = [];
  for (let i = 0; i < spec.runs; i++) {
    const run = customersRun(inputs, heapBase);
    runs.push(run);
    console.log(
      `  run ${i + 1}: ${formatDuration(run.totalMs)} (${phaseLine(run)}); heap total ${formatMib(run.totalBytes)}, ` +
        `engine ${formatMib(run.engineBytes)}`,
    );
  }

  const oracle = new Oracle(NODE);
  for (const profile of inputs.profiles) oracle.profile(profile);
  for (const endpoint of [...inputs.remote, ...inputs.local]) oracle.endpoint(endpoint);
  for (const policy of inputs.policies) oracle.policy(policy);
  const expectedSets = oracle.activeIpSets();
  const expectedMembers = [...oracle.membersOfAll(expectedSets.values()).values()].reduce((n, s) => n + s.size, 0);
  const c = runs[0]!.counts;
  console.log(
    `  flush: LocalEps ${inputs.local.length}, IPSets ${c.ipSetsAdded}, Policies ${c.policiesActivated}, ` +
      `profiles ${c.profilesActivated}, members ${c.membersAdded}`,
  );
  let checksOk = true;
  const check = (label: string, actual: number, expected: number) => {
    checksOk = checkLine(label, actual === expected, `${actual} (oracle: ${expected})`) && checksOk;
  };
  check("IP sets added", c.ipSetsAdded, expectedSets.size);
  check("policies activated (only these are materialised)", c.policiesActivated, oracle.activePolicies().length);
  check("profiles activated", c.profilesActivated, oracle.activeProfiles().size);
  check("members added", c.membersAdded, expectedMembers);
  consume(inputs);
  consume(undefined);
  return { spec, runs, localEps: inputs.local.length, checksOk };
}

// ---------------------------------------------------------------------------------------------
// Run everything, Felix's benchmark order within each file
// ---------------------------------------------------------------------------------------------

console.log(`S3/S4 calc graph (Felix calc_graph_bench_test.go) — Node ${process.version}`);
console.log(`heap limit ${formatMib(getHeapStatistics().heap_size_limit)}; ${describeLoad()}`);
const heapBase = heapAfterGc();

const snapshotSpecs: SnapshotSpec[] = [
  {
    name: "Snapshot200Local250kTotal10000TagPols",
    numEndpoints: 250_000,
    numLocal: 200,
    numLocalToDelete: 0,
    numTagPols: 10_000,
    numNetSetPols: 0,
    runs: 2,
    felix: { seconds: 3.39, heapMib: 374.5, ipSets: 29, policies: 10_000, msgs: 10_432 },
  },
  {
    name: "Snapshot200Local10kTotal1000NetsetPols",
    numEndpoints: 10_000,
    numLocal: 200,
    numLocalToDelete: 0,
    numTagPols: 0,
    numNetSetPols: 1000,
    runs: 3,
    felix: { seconds: 0.51, heapMib: 81.4, ipSets: 1000, policies: 1000, msgs: 2403 },
  },
  {
    name: "Snapshot200Local10kTotal10000NetsetPols",
    numEndpoints: 10_000,
    numLocal: 200,
    numLocalToDelete: 0,
    numTagPols: 0,
    numNetSetPols: 10_000,
    runs: 1,
  },
  {
    name: "SnapshotThenDeleteLocal200Local250kTotal10000TagPols",
    numEndpoints: 250_000,
    numLocal: 200,
    numLocalToDelete: 200,
    numTagPols: 10_000,
    numNetSetPols: 0,
    runs: 1,
  },
  {
    name: "SnapshotThenDeleteLocal200Local10kTotal1000NetsetPols",
    numEndpoints: 10_000,
    numLocal: 200,
    numLocalToDelete: 200,
    numTagPols: 0,
    numNetSetPols: 1000,
    runs: 2,
  },
  {
    name: "SnapshotThenDeleteLocal200Local10kTotal10000NetsetPols",
    numEndpoints: 10_000,
    numLocal: 200,
    numLocalToDelete: 200,
    numTagPols: 0,
    numNetSetPols: 10_000,
    runs: 1,
  },
];
const snapshots = snapshotSpecs.map((spec) => benchInitialSnap(spec, heapBase));

const customerSpecs: CustomersSpec[] = [
  { name: "IsolatedCustomers1k", customers: 1000, runs: 5, felix: { seconds: 0.045, heapMib: 10.1 } },
  { name: "IsolatedCustomers10k", customers: 10_000, runs: 3, felix: { seconds: 0.388, heapMib: 47.6 } },
  { name: "IsolatedCustomers100k", customers: 100_000, runs: 2, felix: { seconds: 6.9, heapMib: 401.7 } },
];
const customers = customerSpecs.map((spec) => benchIsolatedCustomers(spec, heapBase));

// ---------------------------------------------------------------------------------------------
// Summary tables and targets
// ---------------------------------------------------------------------------------------------

const best = (runs: readonly Run[]) => Math.min(...runs.map((run) => run.totalMs));
const medianMs = (runs: readonly Run[]) => median(runs.map((run) => run.totalMs));
const heapTotal = (runs: readonly Run[]) => median(runs.map((run) => run.totalBytes));
const heapEngine = (runs: readonly Run[]) => median(runs.map((run) => run.engineBytes));

console.log("\nS3 snapshot summary (time = upserts + flush; heap after GC, median of runs)");
console.table(
  snapshots.map(({ spec, runs }) => {
    const endpoints = spec.numEndpoints + spec.numLocal;
    const first = runs[0]!;
    return {
      Benchmark: spec.name,
      runs: describeRuns(runs),
      best: formatDuration(best(runs)),
      "Felix s": spec.felix?.seconds ?? "",
      "heap total": formatMib(heapTotal(runs)),
      "Felix heap": spec.felix === undefined ? "" : `${spec.felix.heapMib} MB`,
      "engine heap": formatMib(heapEngine(runs)),
      "total B/endpoint": Math.round(heapTotal(runs) / endpoints),
      "IP sets": first.counts.ipSetsAdded,
      policies: first.counts.policiesActivated,
      members: first.counts.membersAdded,
      "delete+flush": first.deleteMs === undefined ? "" : formatDuration(first.deleteMs),
      "heap after delete":
        first.postDeleteBytes === undefined
          ? ""
          : formatPercent((first.postDeleteBytes - first.preLocalBytes!) / first.preLocalBytes!),
    };
  }),
);

console.log("\nS4 IsolatedCustomers summary");
console.table(
  customers.map(({ spec, runs, localEps }) => ({
    Benchmark: spec.name,
    runs: describeRuns(runs),
    best: formatDuration(best(runs)),
    median: formatDuration(medianMs(runs)),
    "Felix s": spec.felix.seconds,
    "heap total": formatMib(heapTotal(runs)),
    "Felix heap": `${spec.felix.heapMib} MB`,
    "engine heap": formatMib(heapEngine(runs)),
    "total B/tenant": Math.round(heapTotal(runs) / spec.customers),
    LocalEps: localEps,
    IPSets: runs[0]!.counts.ipSetsAdded,
    Policies: runs[0]!.counts.policiesActivated,
  })),
);

const snapshot = (name: string) => snapshots.find((s) => s.spec.name === name)!;
const customer = (name: string) => customers.find((s) => s.spec.name === name)!;

console.log(`\nTargets (PASS means measured ≤ target; times are the best run, heaps the median); ${describeLoad()}`);
const big = snapshot("Snapshot200Local250kTotal10000TagPols");
targetLine(
  "S3a 250k snapshot time",
  best(big.runs),
  3400,
  "≤ 3.4 s",
  `issue target (Felix 3.39 s, i9-8950HK); spec §7 ≤ 7 s: ${best(big.runs) <= 7000 ? "PASS" : "MISS"}`,
);
targetLine(
  "S3a 250k snapshot heap (total, inputs included)",
  heapTotal(big.runs) / MIB,
  375,
  "≤ 375 MB",
  `Felix 374.5 MB; engine alone ${formatMib(heapEngine(big.runs))}`,
  (x) => `${x.toFixed(1)} MB`,
);
targetLine(
  "S3a heap per endpoint (total)",
  heapTotal(big.runs) / 250_200,
  1500,
  "≤ 1.5 KB",
  "spec §7",
  (x) => `${x.toFixed(0)} B`,
);
const netsets = snapshot("Snapshot200Local10kTotal1000NetsetPols");
targetLine("S3b 10k + 1000 netset policies time", best(netsets.runs), 1000, "≤ 1 s", "spec §7 (Felix 0.51 s)");
targetLine(
  "S3b 10k + 1000 netset policies heap (total)",
  heapTotal(netsets.runs) / MIB,
  100,
  "≤ 100 MB",
  "spec §7 (Felix 81.4 MB)",
  (x) => `${x.toFixed(1)} MB`,
);
for (const result of snapshots.filter((s) => s.spec.numLocalToDelete > 0)) {
  const run = result.runs[0]!;
  const name = result.spec.name.replace("SnapshotThenDeleteLocal", "");
  const growth = (run.postDeleteBytes! - run.preLocalBytes!) / run.preLocalBytes!;
  targetLine(
    `S3c heap back after delete: ${name}`,
    growth,
    0.05,
    "≤ +5%",
    `engine heap before local ${formatMib(run.preLocalBytes!)}, after delete ${formatMib(run.postDeleteBytes!)} ` +
      "(a shrink is V8/process noise: the first run in a process also pays one-time costs)",
    formatPercent,
  );
  const cycles = run.cycleBytes!;
  const perCycle = (cycles[cycles.length - 1]! - cycles[0]!) / Math.max(1, cycles.length - 1) / run.preLocalBytes!;
  targetLine(
    `S3c growth per further add/delete cycle: ${name}`,
    perCycle,
    0.01,
    "≤ 1%",
    `${cycles.map(formatMib).join(" → ")} (threshold is this bench's, not the spec's)`,
    formatPercent,
  );
}
const c10k = customer("IsolatedCustomers10k");
const c100k = customer("IsolatedCustomers100k");
const scaling = best(c100k.runs) / best(c10k.runs);
targetLine(
  "S4 IsolatedCustomers 100k / 10k time",
  scaling,
  10,
  "≤ 10×",
  `Felix 17.8×; spec §7 ≤ 11×: ${scaling <= 11 ? "PASS" : "MISS"}`,
  formatRatio,
);
targetLine("S4 IsolatedCustomers100k time", best(c100k.runs), 7000, "≤ 7 s", "spec §7 (Felix 6.9 s)");
targetLine(
  "S4 IsolatedCustomers100k heap per tenant (total)",
  heapTotal(c100k.runs) / 100_000,
  4096,
  "≤ 4 KB",
  `spec §7 (Felix ${((401.7 * MIB) / 100_000).toFixed(0)} B)`,
  (x) => `${x.toFixed(0)} B`,
);

if ([...snapshots, ...customers].some((result) => !result.checksOk)) {
  console.error("\nS3/S4: some output checks FAILED (see above)");
  process.exitCode = 1;
}
