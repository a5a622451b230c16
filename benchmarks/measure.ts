/**
 * Plumbing for the suites that time whole workloads rather than tinybench rows (S2–S5): heap
 * after GC, GC pauses, percentiles, and the PASS/MISS lines of the "targets" sections.
 */
import { availableParallelism, loadavg } from "node:os";
import { PerformanceObserver } from "node:perf_hooks";
import type { Bench, FnReturnedObject } from "tinybench";
import { formatDuration } from "./harness.js";

/** `heapUsed` in bytes after two full collections (needs `--expose-gc`, as `run.mjs` starts suites). */
export function heapAfterGc(): number {
  if (globalThis.gc === undefined) throw new Error("run with --expose-gc (node benchmarks/run.mjs does)");
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

/** Bytes as MiB (Go's `HeapAlloc / 1024 / 1024`, what Felix's `HeapAllocMB` reports), formatted. */
export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Collects GC pauses while `record` is on. */
export class GcPauses {
  private readonly observer: PerformanceObserver;
  readonly durations: number[] = [];
  record = false;

  constructor() {
    this.observer = new PerformanceObserver((list) => {
      if (!this.record) return;
      for (const entry of list.getEntries()) this.durations.push(entry.duration);
    });
    this.observer.observe({ entryTypes: ["gc"] });
  }

  /** Lets queued entries arrive (they are delivered asynchronously). */
  async settle(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  max(): number {
    return this.durations.reduce((a, b) => Math.max(a, b), 0);
  }

  total(): number {
    return this.durations.reduce((a, b) => a + b, 0);
  }

  stop(): void {
    this.observer.disconnect();
  }
}

/** The `p`-th percentile (0–100) of ascending values, nearest-rank. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** An ascending copy of `values` (numeric sort). */
export function ascending(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/**
 * A tinybench task function like `batched`, with an untimed `setup` before each batch (building the
 * batch's inputs, or cleaning up after the previous one). `op` gets the setup's result and the
 * call's index within the batch.
 */
export function batchedWithSetup<T>(
  bench: Bench,
  n: number,
  setup: () => T,
  op: (input: T, i: number) => void,
): () => FnReturnedObject {
  return () => {
    const input = setup();
    const start = bench.now();
    for (let i = 0; i < n; i++) op(input, i);
    const elapsed = bench.now() - start;
    return { overriddenDuration: elapsed / n, overriddenIterationCost: elapsed };
  };
}

/** PASS when `measured ≤ limit`. */
export function verdict(measured: number, limit: number): "PASS" | "MISS" {
  return measured <= limit ? "PASS" : "MISS";
}

/** One target line: verdict, label, measured value (formatted by `format`), target text, note. */
export function targetLine(
  label: string,
  measured: number,
  limit: number,
  target: string,
  note = "",
  format: (value: number) => string = formatDuration,
): void {
  console.log(
    `  ${verdict(measured, limit)}  ${label.padEnd(54)} ${format(measured).padStart(11)}  ${target.padEnd(12)} ${note}`,
  );
}

/** A check (not a target): OK / FAIL with detail; returns whether it held. */
export function checkLine(label: string, ok: boolean, detail: string): boolean {
  console.log(`  ${ok ? "OK  " : "FAIL"}  ${label.padEnd(54)} ${detail}`);
  return ok;
}

/**
 * The machine's load average and CPU count: timings on a shared 2-core box swing by 1.5–2× when
 * other processes run, so each suite prints this at its start and end.
 */
export function describeLoad(): string {
  const [one, five] = loadavg();
  return `load average ${one!.toFixed(2)} (1 min), ${five!.toFixed(2)} (5 min) on ${availableParallelism()} CPUs`;
}
