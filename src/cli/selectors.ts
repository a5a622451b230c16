/**
 * `fedcalc selectors`: explains selectors one per line (canonical form, unique ID, the labels they
 * require) and, given labelled endpoints, which ones each selector matches. Needs no federation.
 *
 * Knows selectors and text; reads its two input files through the function it is given.
 */
import { type LabelRestriction, parseSelector, type Selector, SelectorSyntaxError } from "../index.js";
import { InputError } from "./federation.js";
import { lines, machineReadable, type OutputFormat } from "./output.js";
import type { Report } from "./reports.js";

/** What `selectors` says about one line: the selector's canonical form and needs, or why it is invalid. */
interface SelectorLine {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  readonly canonical?: string;
  readonly uniqueId?: string;
  /** The label restrictions, by label (empty when nothing is known). */
  readonly requires?: Readonly<Record<string, LabelRestriction>>;
  /** With `--labels`: the endpoints it matches, in the file's order. */
  readonly matches?: readonly string[];
  readonly error?: string;
}

/** Explains each selector of `file`; an invalid selector is a finding (exit code 1). */
export function selectorsReport(
  file: string,
  labelsFile: string | undefined,
  readInput: (file: string) => string,
  format: OutputFormat,
): Report {
  const endpoints = labelsFile === undefined ? undefined : readEndpoints(labelsFile, readInput);
  const results = readSelectors(file, readInput).map(({ line, text }) => describe(file, line, text, endpoints));
  const findings = results.some((r) => r.error !== undefined);
  if (format !== "text") return { output: machineReadable(results, format), findings };
  const out: string[] = [];
  for (const r of results) {
    out.push(`${r.file}:${r.line}  ${r.text}`);
    if (r.error !== undefined) out.push(indent(`error: ${r.error}`));
    else {
      out.push(
        indent(`canonical:    ${r.canonical}`),
        indent(`unique ID:    ${r.uniqueId}`),
        indent(`requires:     ${describeRestrictions(r.requires!)}`),
      );
      if (r.matches !== undefined && endpoints !== undefined) {
        const list = r.matches.length > 0 ? r.matches.join(", ") : "(none)";
        out.push(indent(`matches:      ${list}  [${r.matches.length} of ${endpoints.size}]`));
      }
    }
    out.push("");
  }
  return { output: lines(out), findings };
}

function describe(
  file: string,
  line: number,
  text: string,
  endpoints: ReadonlyMap<string, Record<string, string>> | undefined,
): SelectorLine {
  let selector: Selector;
  try {
    selector = parseSelector(text);
  } catch (error) {
    if (!(error instanceof SelectorSyntaxError)) throw error;
    return { file, line, text, error: error.message };
  }
  return {
    file,
    line,
    text,
    canonical: selector.toString(),
    uniqueId: selector.uniqueId,
    requires: Object.fromEntries(selector.labelRestrictions()),
    ...(endpoints === undefined
      ? {}
      : { matches: [...endpoints].filter(([, labels]) => selector.matches(labels)).map(([name]) => name) }),
  };
}

function describeRestrictions(restrictions: Readonly<Record<string, LabelRestriction>>): string {
  const entries = Object.entries(restrictions);
  if (entries.length === 0) return "(nothing known: any endpoint may match)";
  return entries
    .map(([label, r]) => {
      if (r.mustBeAbsent && r.mustBePresent) return `${label} both present and absent (cannot match)`;
      if (r.mustBeAbsent) return `${label} absent`;
      if (r.mustHaveOneOfValues === null) return `${label} present`;
      if (r.mustHaveOneOfValues.length === 0) return `${label} with no possible value (cannot match)`;
      return `${label} in ${JSON.stringify(r.mustHaveOneOfValues)}`;
    })
    .join("; ");
}

function indent(text: string): string {
  return text.replace(/^/gm, "  ");
}

function readSelectors(file: string, readInput: (file: string) => string): { line: number; text: string }[] {
  return readInput(file)
    .split("\n")
    .map((text, i) => ({ line: i + 1, text: text.replace(/\r$/, "") }))
    .filter(({ text }) => text.trim() !== "" && !text.trimStart().startsWith("#"));
}

function readEndpoints(file: string, readInput: (file: string) => string): Map<string, Record<string, string>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readInput(file));
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
  if (!isRecord(parsed)) throw new InputError(`${file}: expected an object mapping endpoint names to label objects`);
  const endpoints = new Map<string, Record<string, string>>();
  for (const [name, labels] of Object.entries(parsed)) {
    if (!isRecord(labels) || !Object.values(labels).every((v) => typeof v === "string")) {
      throw new InputError(`${file}: endpoint "${name}": labels must be an object of string values`);
    }
    endpoints.set(name, labels as Record<string, string>);
  }
  return endpoints;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
