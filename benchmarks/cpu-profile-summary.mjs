/**
 * Summarises a V8 `.cpuprofile`: the functions with the most self time and the most inclusive time.
 *
 *   node benchmarks/run.mjs calc-graph            # bundles into temp/bench/
 *   node --expose-gc --cpu-prof --cpu-prof-dir=temp/prof temp/bench/calc-graph.bench.mjs
 *   node benchmarks/cpu-profile-summary.mjs temp/prof/<file>.cpuprofile [top=25]
 *
 * Functions are named `name file:line` (lines of the bundle; its source map is next to it).
 * Inclusive time counts a function once per sample even when it recurses.
 */
import { readFileSync } from "node:fs";

const [file, topArg] = process.argv.slice(2);
if (file === undefined) {
  console.error("usage: node benchmarks/cpu-profile-summary.mjs <file.cpuprofile> [top]");
  process.exit(1);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, "utf8"));

const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

/** Microseconds of samples per node ID. */
const timeByNode = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  timeByNode.set(id, (timeByNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const total = [...timeByNode.values()].reduce((a, b) => a + b, 0);

const label = (node) =>
  `${node.callFrame.functionName || "(anonymous)"} ${node.callFrame.url.split("/").pop()}:${node.callFrame.lineNumber + 1}`;

const self = new Map();
const inclusive = new Map();
for (const [id, time] of timeByNode) {
  const name = label(nodes.get(id));
  self.set(name, (self.get(name) ?? 0) + time);
  const seen = new Set();
  for (let current = id; current !== undefined; current = parentOf.get(current)) {
    const frame = label(nodes.get(current));
    if (seen.has(frame)) continue;
    seen.add(frame);
    inclusive.set(frame, (inclusive.get(frame) ?? 0) + time);
  }
}

const print = (title, times) => {
  console.log(`-- ${title} --`);
  for (const [name, time] of [...times].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(
      `${(time / 1000).toFixed(0).padStart(8)} ms ${((100 * time) / total).toFixed(1).padStart(5)}%  ${name}`,
    );
  }
};
console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled`);
print("self", self);
print("inclusive", inclusive);
