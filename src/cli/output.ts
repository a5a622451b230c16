/**
 * Output helpers shared by the commands: output formats, machine-readable printing, Go's number
 * format (calicoq prints policy orders with Go's `%v`), and calicoq's remote-cluster warning.
 *
 * Knows nothing about federation data or commands.
 */
import { stringify } from "yaml";
import type { RemoteClusterInfo } from "../index.js";
import { InputError } from "./federation.js";

/** `ps`/`text` for people (the same thing: calicoq calls it `ps`), `json` and `yaml` for machines. */
export type OutputFormat = "text" | "json" | "yaml";

/** Reads `-o`: calicoq's `ps`, `yaml`, `json`, or `text` (the same as `ps`). */
export function outputFormat(value: string | undefined): OutputFormat {
  if (value === undefined || value === "ps" || value === "text") return "text";
  if (value === "json" || value === "yaml") return value;
  throw new InputError(`output format "${value}" is not valid: use ps (or text), json or yaml`);
}

/** Text lines as output: each ends with a newline. */
export function lines(text: readonly string[]): string {
  return `${text.join("\n")}\n`;
}

/** Prints a value as JSON (two-space indentation) or YAML (keys sorted, as Go's YAML printer does). */
export function machineReadable(value: unknown, format: "json" | "yaml"): string {
  return format === "json"
    ? `${JSON.stringify(value, null, 2)}\n`
    : // One object may sit in two lists (as in calicoq's policy answer): print it twice, not as an alias.
      stringify(value, { sortMapEntries: true, lineWidth: 0, indentSeq: false, aliasDuplicateObjects: false });
}

/**
 * A number as Go's `%v` prints a float64: the shortest digits, in exponent form (`1e+06`) from
 * a million up or below 0.0001, with at least two exponent digits.
 */
export function goFloat(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? "NaN" : n > 0 ? "+Inf" : "-Inf";
  if (n === 0) return "0";
  const [mantissa, exponentText] = n.toExponential().split("e") as [string, string];
  const exponent = Number(exponentText);
  if (exponent >= -4 && exponent < 6) return String(n);
  const sign = exponent < 0 ? "-" : "+";
  return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
}

/** calicoq's words for a remote cluster whose data may be incomplete; undefined when it is complete. */
function remoteProblem(cluster: RemoteClusterInfo): string | undefined {
  const who = `RemoteClusterConfiguration(${cluster.name})`;
  switch (cluster.status) {
    case "Connecting":
      return `${who}: still connecting to remote cluster`;
    case "ConnectionFailed":
      return `${who}: connection to remote cluster failed: ${cluster.error ?? ""}`;
    case "ResyncInProgress":
      return `${who}: data synchronization did not complete`;
    default:
      // calicoq does not report ConfigIncomplete or ConfigChangeRestartRequired here.
      return undefined;
  }
}

/**
 * calicoq's stderr block listing remote clusters whose data may be incomplete (sorted), or
 * undefined when every remote cluster is in sync.
 */
export function remoteProblemsReport(clusters: readonly RemoteClusterInfo[]): string | undefined {
  const problems = clusters.flatMap((c) => remoteProblem(c) ?? []).sort();
  if (problems.length === 0) return undefined;
  return [
    "The following problems were encountered connecting to the remote clusters",
    "which may have resulted in incomplete data:",
    ...problems.map((p) => `-  ${p}`),
  ].join("\n");
}
