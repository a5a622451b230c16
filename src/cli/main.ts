#!/usr/bin/env node
/**
 * cli/ — the `fedcalc` command. The only part of fedcalc that may use Node built-ins (files,
 * process). It turns arguments and files into library calls and library results into text; it
 * holds no policy logic of its own.
 *
 * For now one command, `selectors`: explain selectors (canonical form, unique ID, label
 * restrictions) and show which of a set of labelled endpoints each one matches.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { type LabelRestriction, parseSelector, SelectorSyntaxError } from "../index.js";

const USAGE = `Usage: fedcalc selectors <file|-> [--labels <endpoints.json>]

Explains each selector in <file> (one per line; blank lines and lines starting with # are
skipped; - reads standard input): its canonical form and unique ID as Calico computes them,
the labels it requires, and, with --labels, which endpoints it matches. <endpoints.json> maps
endpoint names to their labels.

Example:
  fedcalc selectors examples/selectors/selectors.txt --labels examples/selectors/endpoints.json

Exit codes: 0 all selectors valid; 1 some selector invalid; 2 usage or input error.`;

class UsageError extends Error {}

function main(argv: readonly string[]): number {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { labels: { type: "string" }, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [command, file, ...extra] = positionals;
  if (command !== "selectors" || file === undefined || extra.length > 0) throw new UsageError(USAGE);
  const endpoints = values.labels === undefined ? undefined : readEndpoints(values.labels);
  let invalid = 0;
  for (const { line, text } of readSelectors(file)) {
    console.log(`${file}:${line}  ${text}`);
    try {
      console.log(describe(text, endpoints));
    } catch (error) {
      if (!(error instanceof SelectorSyntaxError)) throw error;
      invalid++;
      console.log(indent(`error: ${error.message}`));
    }
    console.log();
  }
  return invalid > 0 ? 1 : 0;
}

function describe(text: string, endpoints: ReadonlyMap<string, Record<string, string>> | undefined): string {
  const selector = parseSelector(text);
  const lines = [
    `canonical:    ${selector.toString()}`,
    `unique ID:    ${selector.uniqueId}`,
    `requires:     ${describeRestrictions(selector.labelRestrictions())}`,
  ];
  if (endpoints !== undefined) {
    const matching = [...endpoints].filter(([, labels]) => selector.matches(labels)).map(([name]) => name);
    lines.push(
      `matches:      ${matching.length > 0 ? matching.join(", ") : "(none)"}  [${matching.length} of ${endpoints.size}]`,
    );
  }
  return indent(lines.join("\n"));
}

function describeRestrictions(restrictions: ReadonlyMap<string, LabelRestriction>): string {
  if (restrictions.size === 0) return "(nothing known: any endpoint may match)";
  return [...restrictions]
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

function readInput(file: string): string {
  try {
    return readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

function readSelectors(file: string): { line: number; text: string }[] {
  return readInput(file)
    .split("\n")
    .map((text, i) => ({ line: i + 1, text: text.replace(/\r$/, "") }))
    .filter(({ text }) => text.trim() !== "" && !text.trimStart().startsWith("#"));
}

function readEndpoints(file: string): Map<string, Record<string, string>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readInput(file));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
  if (!isRecord(parsed)) throw new UsageError(`${file}: expected an object mapping endpoint names to label objects`);
  const endpoints = new Map<string, Record<string, string>>();
  for (const [name, labels] of Object.entries(parsed)) {
    if (!isRecord(labels) || !Object.values(labels).every((v) => typeof v === "string")) {
      throw new UsageError(`${file}: endpoint "${name}": labels must be an object of string values`);
    }
    endpoints.set(name, labels as Record<string, string>);
  }
  return endpoints;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS"))) throw error;
  console.error((error as Error).message);
  process.exitCode = 2;
}
