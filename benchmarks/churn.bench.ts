/**
 * Scenario S5 (spec performance.md §7): steady-state churn latency.
 *
 * Why: after start of day, a node's calculation graph sees a trickle of single updates; what
 * matters is the latency from one update to its IP-set member and policy deltas.
 *
 * Setup (untimed): Felix's IsolatedCustomers workload (felix-generators.ts; 10k customers, then
 * 100k), snapshot and flush; then one GlobalNetworkPolicy `churn-flips` selecting every pod
 * (`has(managed-by)`), whose ingress rules need seven more IP sets over pod and namespace labels:
 * `flip-<k> == 'on'` for k = 0…4, `production == 'true'` (a namespace label: half of all pods)
 * and `tier == 'frontend' && environment == 'prod'`.
 *
 * The stream (seeded, generated before timing; each update is one `upsertModel`/`removeModel`
 * followed by `flush()`, both timed):
 * - 20% create a remote pod, 5% a local pod (in a random namespace; a local pod in a namespace
 *   with none activates its isolation policy and IP set);
 * - 20% delete a remote pod, 5% a local one;
 * - 30% label flips: a pod toggles 1–5 `flip-<k>` labels, moving in or out of exactly that many
 *   IP sets (checked on every flip);
 * - 10% namespace label edits: toggle a namespace's `production` label;
 * - 5% policy adds (a namespaced policy with a new rule selector; half in namespaces with local
 *   pods, so active with a new IP set), 5% policy edits (the isolation policy's DNS port, half in
 *   namespaces with local pods).
 * The first 2,000 updates warm up and are not recorded; then 20,000 are.
 *
 * Checks: every delta is applied to a shadow copy of the IP sets; a member added twice or removed
 * while absent is an error, and at the end the shadow must equal `ipSetMembers` for every active
 * set, and the churn sets (and a 1% sample of namespace sets) must equal a brute-force oracle.
 */
import { createPolicyEngine } from "../src/calc/engine.js";
import type { EngineDelta, PolicyEngine } from "../src/calc/types.js";
import type { ModelResource, Policy, Profile, WorkloadEndpoint } from "../src/model/index.js";
import { parseSelector } from "../src/selector/selector.js";
import {
  allowFrom,
  assertDeterministicString,
  customerEndpoint,
  customerPodLabels,
  customerPolicy,
  customerProfile,
  customerSelector,
  describeCounters,
  makeIsolatedCustomers,
  policy,
} from "./felix-generators.js";
import { consume, formatDuration, seededRandom } from "./harness.js";
import { ascending, checkLine, describeLoad, GcPauses, heapAfterGc, mib, percentile, targetLine } from "./measure.js";
import { Oracle } from "./oracle.js";

assertDeterministicString();

const NODE = "localhost";
const WARMUP_UPDATES = 2000;
const MEASURED_UPDATES = 20_000;
const FLIP_LABELS = 5;
const CHURN_SELECTORS = [
  ...Array.from({ length: FLIP_LABELS }, (_, k) => `flip-${k} == 'on'`),
  "production == 'true'",
  "tier == 'frontend' && environment == 'prod'",
];

type Kind =
  | "create remote pod"
  | "create local pod"
  | "delete remote pod"
  | "delete local pod"
  | "label flip (1–5 sets)"
  | "namespace label edit"
  | "policy add"
  | "policy edit";

const MIX: readonly [Kind, number][] = [
  ["create remote pod", 0.2],
  ["create local pod", 0.05],
  ["delete remote pod", 0.2],
  ["delete local pod", 0.05],
  ["label flip (1–5 sets)", 0.3],
  ["namespace label edit", 0.1],
  ["policy add", 0.05],
  ["policy edit", 0.05],
];

interface Update {
  readonly kind: Kind;
  readonly remove: boolean;
  readonly resource: ModelResource;
  /** For label flips: how many flip sets the pod moves in or out of. */
  readonly flips?: number;
}

/** A list with O(1) add, random pick and removal. */
class Pool<T> {
  private readonly items: T[] = [];
  private readonly index = new Map<T, number>();

  get size(): number {
    return this.items.length;
  }

  add(item: T): void {
    this.index.set(item, this.items.length);
    this.items.push(item);
  }

  delete(item: T): void {
    const i = this.index.get(item);
    if (i === undefined) return;
    const last = this.items.pop()!;
    this.index.delete(item);
    if (last !== item) {
      this.items[i] = last;
      this.index.set(last, i);
    }
  }

  pick(random: () => number): T {
    return this.items[Math.floor(random() * this.items.length)]!;
  }
}

/** The bench's own view of the workload, used to generate the stream and as the oracle's input. */
class World {
  readonly endpoints = new Map<string, WorkloadEndpoint>();
  readonly remote = new Pool<string>();
  readonly local = new Pool<string>();
  readonly localPods = new Map<number, number>();
  readonly profiles = new Map<number, Profile>();
  readonly policies = new Map<string, Policy>();
  readonly dnsPorts = new Map<number, number>();
  nextPod: number;
  nextPolicy = 0;
  readonly customers: number;

  constructor(customers: number, pods: number) {
    this.customers = customers;
    this.nextPod = pods;
  }

  static key(ep: WorkloadEndpoint): string {
    return `${ep.node}|${ep.namespace}|${ep.workload}`;
  }

  static customerOf(ep: WorkloadEndpoint): number {
    return Number(ep.namespace.slice("customer-".length));
  }

  addEndpoint(ep: WorkloadEndpoint): void {
    const key = World.key(ep);
    this.endpoints.set(key, ep);
    if (ep.node === NODE) {
      this.local.add(key);
      const n = World.customerOf(ep);
      this.localPods.set(n, (this.localPods.get(n) ?? 0) + 1);
    } else {
      this.remote.add(key);
    }
  }

  deleteEndpoint(key: string): WorkloadEndpoint {
    const ep = this.endpoints.get(key)!;
    this.endpoints.delete(key);
    if (ep.node === NODE) {
      this.local.delete(key);
      const n = World.customerOf(ep);
      const count = this.localPods.get(n)! - 1;
      if (count === 0) this.localPods.delete(n);
      else this.localPods.set(n, count);
    } else {
      this.remote.delete(key);
    }
    return ep;
  }

  /** A namespace with local pods (so its policies are active) half the time, else any. */
  pickNamespace(random: () => number): number {
    if (random() < 0.5 && this.localPods.size > 0) {
      const withLocal = [...this.localPods.keys()];
      return withLocal[Math.floor(random() * withLocal.length)]!;
    }
    return Math.floor(random() * this.customers);
  }
}

function pickKind(random: () => number): Kind {
  let r = random();
  for (const [kind, p] of MIX) {
    if (r < p) return kind;
    r -= p;
  }
  return MIX[MIX.length - 1]![0];
}

/** Generates the next update and applies it to the world (the engine sees it later, in order). */
function nextUpdate(world: World, random: () => number): Update {
  let kind = pickKind(random);
  if (kind === "delete local pod" && world.local.size <= 1) kind = "create local pod";
  switch (kind) {
    case "create remote pod":
    case "create local pod": {
      const n = Math.floor(random() * world.customers);
      const pod = world.nextPod++;
      const host = kind === "create local pod" ? NODE : "remotehost";
      const ep = customerEndpoint(n, `churn-${pod}`, host, customerPodLabels(pod));
      world.addEndpoint(ep);
      return { kind, remove: false, resource: ep };
    }
    case "delete remote pod":
    case "delete local pod": {
      const pool = kind === "delete local pod" ? world.local : world.remote;
      return { kind, remove: true, resource: world.deleteEndpoint(pool.pick(random)) };
    }
    case "label flip (1–5 sets)": {
      const key = random() < 0.1 && world.local.size > 0 ? world.local.pick(random) : world.remote.pick(random);
      const ep = world.endpoints.get(key)!;
      const flips = 1 + Math.floor(random() * FLIP_LABELS);
      const order = Array.from({ length: FLIP_LABELS }, (_, k) => k).sort(() => random() - 0.5);
      const labels: Record<string, string> = { ...ep.labels };
      for (const k of order.slice(0, flips)) {
        if (labels[`flip-${k}`] === "on") delete labels[`flip-${k}`];
        else labels[`flip-${k}`] = "on";
      }
      const flipped: WorkloadEndpoint = { ...ep, labels };
      world.endpoints.set(key, flipped);
      return { kind, remove: false, resource: flipped, flips };
    }
    case "namespace label edit": {
      const n = Math.floor(random() * world.customers);
      const old = world.profiles.get(n) ?? customerProfile(n);
      const profile = customerProfile(n, {
        ...old.labels,
        production: old.labels.production === "true" ? "false" : "true",
      });
      world.profiles.set(n, profile);
      return { kind, remove: false, resource: profile };
    }
    case "policy add": {
      const n = world.pickNamespace(random);
      const tier = ["frontend", "backend", "middleware", "data"][Math.floor(random() * 4)]!;
      const added = policy({
        policyKind: "NetworkPolicy",
        namespace: `customer-${n}`,
        name: `customer-${n}/extra-${world.nextPolicy++}`,
        selector: customerSelector(n),
        ingress: [allowFrom(`${customerSelector(n)} && tier == '${tier}'`)],
      });
      world.policies.set(added.name, added);
      return { kind, remove: false, resource: added };
    }
    case "policy edit": {
      const n = world.pickNamespace(random);
      const port = (world.dnsPorts.get(n) ?? 53) === 53 ? 5353 : 53;
      world.dnsPorts.set(n, port);
      const edited = customerPolicy(n, port);
      world.policies.set(edited.name, edited);
      return { kind, remove: false, resource: edited };
    }
  }
}

/** IP-set membership as a consumer rebuilds it from deltas; counts inconsistent deltas. */
class Shadow {
  readonly sets = new Map<string, Set<string>>();
  duplicates = 0;
  lost = 0;

  apply(delta: EngineDelta): void {
    for (const id of delta.ipSetsRemoved) this.sets.delete(id);
    for (const info of delta.ipSetsAdded) this.sets.set(info.id, new Set());
    for (const [id, members] of delta.membersRemoved) {
      const set = this.sets.get(id);
      for (const member of members) if (!set?.delete(member)) this.lost++;
    }
    for (const [id, members] of delta.membersAdded) {
      const set = this.sets.get(id);
      if (set === undefined) {
        this.lost += members.length;
        continue;
      }
      for (const member of members) {
        if (set.has(member)) this.duplicates++;
        set.add(member);
      }
    }
  }
}

function membersChanged(delta: EngineDelta, ids: ReadonlySet<string>): number {
  let n = 0;
  for (const [id, members] of delta.membersAdded) if (ids.has(id)) n += members.length;
  for (const [id, members] of delta.membersRemoved) if (ids.has(id)) n += members.length;
  return n;
}

interface Latencies {
  readonly total: number[];
  readonly apply: number[];
  readonly flush: number[];
}

function summarise(values: readonly number[]) {
  const sorted = ascending(values);
  return {
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

async function churn(
  customers: number,
): Promise<{ overall: ReturnType<typeof summarise>; maxGcMs: number; ok: boolean }> {
  console.log(`\nS5 churn after IsolatedCustomers${customers / 1000}k`);
  console.log(`  counters before generating: ${describeCounters()}`);
  const inputs = makeIsolatedCustomers(customers);
  const engine: PolicyEngine = createPolicyEngine({ node: NODE });
  const world = new World(customers, customers);
  const shadow = new Shadow();
  const setupStart = performance.now();
  for (const resource of [...inputs.policies, ...inputs.profiles, ...inputs.remote, ...inputs.local]) {
    engine.upsertModel(resource);
  }
  shadow.apply(engine.flush());
  const churnPolicy = policy({
    name: "churn-flips",
    selector: "has(managed-by)",
    ingress: CHURN_SELECTORS.map((selector) => allowFrom(selector)),
  });
  engine.upsertModel(churnPolicy);
  const churnDelta = engine.flush();
  shadow.apply(churnDelta);
  const setupMs = performance.now() - setupStart;
  for (const ep of [...inputs.remote, ...inputs.local]) world.addEndpoint(ep);
  const flipSetIds = new Set(CHURN_SELECTORS.slice(0, FLIP_LABELS).map((text) => parseSelector(text).uniqueId));
  console.log(
    `  setup ${formatDuration(setupMs)}: ${engine.ipSets().length} active IP sets ` +
      `(churn policy added ${churnDelta.ipSetsAdded.length}), ${engine.activePolicies().length} active policies; ` +
      `heap ${mib(heapAfterGc())}`,
  );

  // The stream, generated before timing.
  const random = seededRandom(0x5c4a11 + customers);
  const updates: Update[] = [];
  for (let i = 0; i < WARMUP_UPDATES + MEASURED_UPDATES; i++) updates.push(nextUpdate(world, random));

  const byKind = new Map<Kind, Latencies>(MIX.map(([kind]) => [kind, { total: [], apply: [], flush: [] }]));
  const all: Latencies = { total: [], apply: [], flush: [] };
  let flipErrors = 0;
  const gcPauses = new GcPauses();
  const started = performance.now();
  for (let i = 0; i < updates.length; i++) {
    if (i === WARMUP_UPDATES) gcPauses.record = true;
    const update = updates[i]!;
    const t0 = performance.now();
    if (update.remove) engine.removeModel(update.resource);
    else engine.upsertModel(update.resource);
    const t1 = performance.now();
    const delta = engine.flush();
    const t2 = performance.now();
    shadow.apply(delta);
    if (update.flips !== undefined && membersChanged(delta, flipSetIds) !== update.flips) flipErrors++;
    if (i < WARMUP_UPDATES) continue;
    for (const into of [all, byKind.get(update.kind)!]) {
      into.total.push(t2 - t0);
      into.apply.push(t1 - t0);
      into.flush.push(t2 - t1);
    }
  }
  const wallMs = performance.now() - started;
  await gcPauses.settle();
  gcPauses.stop();

  const rows = [
    ["all updates: upsert/remove + flush", all.total],
    ["all updates: upsert/remove only", all.apply],
    ["all updates: flush only", all.flush],
    ...[...byKind].map(([kind, latencies]) => [`${kind}: total`, latencies.total] as const),
  ] as const;
  console.log(
    `  ${WARMUP_UPDATES} warm-up + ${MEASURED_UPDATES} measured updates in ${formatDuration(wallMs)} wall ` +
      `(including the untimed checks); GC during the measured part: ${gcPauses.durations.length} pauses, ` +
      `total ${formatDuration(gcPauses.total())}, max ${formatDuration(gcPauses.max())}`,
  );
  console.table(
    rows.map(([name, values]) => {
      const s = summarise(values);
      return {
        "Per update": name,
        count: values.length,
        p50: formatDuration(s.p50),
        p90: formatDuration(s.p90),
        p99: formatDuration(s.p99),
        max: formatDuration(s.max),
      };
    }),
  );

  // Consistency checks (untimed).
  let ok = true;
  ok =
    checkLine(
      "no duplicated or lost member deltas",
      shadow.duplicates === 0 && shadow.lost === 0,
      `${shadow.duplicates} duplicated, ${shadow.lost} lost`,
    ) && ok;
  ok =
    checkLine(
      "each label flip moved the pod in/out of exactly 1–5 sets",
      flipErrors === 0,
      `${flipErrors} flips with the wrong member-delta count`,
    ) && ok;
  const active = engine.ipSets();
  let mismatched = 0;
  for (const { id } of active) {
    const engineMembers = engine.ipSetMembers(id);
    const shadowMembers = shadow.sets.get(id);
    if (shadowMembers?.size !== engineMembers.length || engineMembers.some((m) => !shadowMembers.has(m))) mismatched++;
  }
  ok =
    checkLine(
      "shadow (deltas replayed) = ipSetMembers for every active set",
      mismatched === 0 && shadow.sets.size === active.length,
      `${active.length} active sets, ${shadow.sets.size} in the shadow, ${mismatched} differ`,
    ) && ok;
  const oracle = new Oracle(NODE);
  for (let n = 0; n < customers; n++) oracle.profile(world.profiles.get(n) ?? customerProfile(n));
  for (const ep of world.endpoints.values()) oracle.endpoint(ep);
  const sample = active.filter(
    (set) => CHURN_SELECTORS.some((text) => parseSelector(text).uniqueId === set.id) || random() < 0.01,
  );
  const expected = oracle.membersOfAll(sample.map((set) => set.selector));
  let oracleMismatches = 0;
  for (const set of sample) {
    const want = expected.get(set.selector)!;
    const got = engine.ipSetMembers(set.id);
    if (got.length !== want.size || got.some((m) => !want.has(m))) oracleMismatches++;
  }
  ok =
    checkLine(
      "brute-force oracle = engine (7 churn sets + 1% sample)",
      oracleMismatches === 0,
      `${sample.length} sets checked, ${oracleMismatches} differ`,
    ) && ok;
  consume(engine);
  return { overall: summarise(all.total), maxGcMs: gcPauses.max(), ok };
}

console.log(
  `S5 steady churn — Node ${process.version}; ${MEASURED_UPDATES} measured updates, each upsertModel/removeModel + ` +
    `flush(); ${describeLoad()}`,
);
const results: [string, Awaited<ReturnType<typeof churn>>][] = [];
for (const customers of [10_000, 100_000])
  results.push([`after IsolatedCustomers${customers / 1000}k`, await churn(customers)]);

console.log(`\nTargets (PASS means measured ≤ target); ${describeLoad()}`);
for (const [name, { overall, maxGcMs }] of results) {
  targetLine(`p50 per update (incl. flush), ${name}`, overall.p50, 20e-3, "≤ 20 µs", "issue; spec §7 ≤ 50 µs");
  targetLine(`p99 per update (incl. flush), ${name}`, overall.p99, 0.5, "≤ 500 µs", "issue; spec §7 ≤ 1 ms");
  targetLine(`longest GC pause while churning, ${name}`, maxGcMs, 50, "≤ 50 ms", "spec §7");
}
if (results.some(([, result]) => !result.ok)) {
  console.error("\nS5: some consistency checks FAILED (see above)");
  process.exitCode = 1;
}
