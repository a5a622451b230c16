/**
 * Shared plumbing for the tinybench suites in this folder: batching, a seeded random source, and
 * one results table per suite.
 *
 * Why batch: tinybench times every call of a task function with its own pair of clock reads, and
 * a clock read costs tens of nanoseconds. That is noise for a 3 µs parse, but it is the whole
 * answer for a 30 ns cache hit. {@link batched} runs the operation `n` times inside one sample and
 * hands tinybench the mean (`overriddenDuration`), plus the whole batch's cost
 * (`overriddenIterationCost`) so the time budget still counts real time. Every statistic in the
 * table is therefore per operation, whatever the batch size.
 *
 * The suites are bundled by `benchmarks/run.mjs` (never run through tsx: its keepNames transform
 * wraps every closure in `__name(...)`, which slows chevrotain's parser about tenfold).
 */
import type { Bench, FnReturnedObject, Task } from "tinybench";

/** Keeps results alive so the optimiser cannot drop the work that produced them. */
export let sink: unknown;

/** Stores `value` where the optimiser cannot prove it unused. */
export function consume(value: unknown): void {
  sink = value;
}

/**
 * A tinybench task function that runs `op` `n` times per sample and reports the mean per call.
 * `op` gets the call's index within the batch (0 … n-1).
 */
export function batched(bench: Bench, n: number, op: (i: number) => void): () => FnReturnedObject {
  return () => {
    const start = bench.now();
    for (let i = 0; i < n; i++) op(i);
    const elapsed = bench.now() - start;
    return { overriddenDuration: elapsed / n, overriddenIterationCost: elapsed };
  };
}

/** Collects garbage when the process runs with `--expose-gc` (as `run.mjs` starts it); else no-op. */
export function collectGarbage(): void {
  globalThis.gc?.();
}

/** A small, fast, seeded PRNG (mulberry32): the same seed gives the same sequence everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Formats a duration given in milliseconds with a unit that keeps 3–4 significant digits. */
export function formatDuration(ms: number): string {
  const ns = ms * 1e6;
  if (ns < 1e3) return `${ns.toFixed(ns < 100 ? 1 : 0)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(2)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toFixed(2)} ms`;
  return `${(ns / 1e9).toFixed(2)} s`;
}

/** Formats an operations-per-second figure with thousands separators. */
export function formatRate(opsPerSecond: number): string {
  return Math.round(opsPerSecond).toLocaleString("en-US");
}

/** The per-operation latency statistics of a completed task; throws if the task did not complete. */
export function latencyOf(task: Task): { median: number; mean: number; rme: number; samples: number } {
  const result = task.result;
  if (result.state !== "completed") {
    const detail = result.state === "errored" ? `: ${result.error.stack ?? result.error.message}` : "";
    throw new Error(`benchmark task "${task.name}" ended ${result.state}${detail}`);
  }
  const { p50, mean, rme, samplesCount } = result.latency;
  return { median: p50, mean, rme, samples: samplesCount };
}

/**
 * Prints the suite's one table: per-operation median and mean (with the mean's relative margin of
 * error at 95%), operations per second from the median, and the number of samples.
 */
export function printTable(bench: Bench): void {
  console.table(
    bench.table((task) => {
      const { median, mean, rme, samples } = latencyOf(task);
      return {
        Task: task.name,
        "median / op": formatDuration(median),
        "mean / op": formatDuration(mean),
        "± mean": `${rme.toFixed(1)}%`,
        "ops/s (median)": formatRate(1000 / median),
        samples,
      };
    }),
  );
}
