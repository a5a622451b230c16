/**
 * `fedcalc selectors`: explains selectors one per line (canonical form, unique ID, the labels they
 * require) and, given labelled endpoints, which ones each selector matches. Needs no federation.
 *
 * Knows selectors and text; reads its two input files through the function it is given.
 */
import { type LabelRestriction, parseSelector, SelectorSyntaxError } from "../index.js";
import { InputError } from "./federation.js";
import type { Report } from "./reports.js";

/** Explains each selector of `file`; an invalid selector is a finding (exit code 1). */
export function selectorsReport(
  file: string,
  labelsFile: string | undefined,
  readInput: (file: string) => string,
): Report {
  const endpoints = labelsFile === undefined ? undefined : readEndpoints(labelsFile, readInput);
  const out: string[] = [];
  let invalid = 0;
  for (const { line, text } of readSelectors(file, readInput)) {
    out.push(`${file}:${line}  ${text}`);
    try {
      out.push(describe(text, endpoints));
    } catch (error) {
      if (!(error instanceof SelectorSyntaxError)) throw error;
      invalid++;
      out.push(indent(`error: ${error.message}`));
    }
    out.push("");
  }
  return { output: `${out.join("\n")}\n`, findings: invalid > 0 };
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
