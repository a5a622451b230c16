/**
 * Reading resource dumps: multi-document YAML or JSON as `kubectl get -o yaml`, `calicoctl get
 * -o yaml` and hand-written manifests have them, including `List` objects and top-level arrays.
 * Takes text, not files, so it runs in browsers too; the CLI reads the files.
 *
 * One bad document never costs the others: each is parsed and converted on its own, and every
 * problem becomes a diagnostic naming the file, document (and item) where it is.
 *
 * Deep nesting is refused before the YAML parser sees it: the `yaml` package survives its first
 * stack overflow (it reports RESOURCE_EXHAUSTION), but we saw a later deep parse in the same
 * process abort Node with an out-of-memory error in V8's regular-expression compiler. Real
 * manifests nest a dozen levels; the limits below are far above that and far below the depth
 * (several hundred) where the parser's stack runs out.
 */
import { parseAllDocuments } from "yaml";
import type { Diagnostic, ModelResource, Origin } from "../model/index.js";
import { convertResource } from "./convert.js";

/** Deepest `[`/`{` nesting accepted in one document. */
const MAX_FLOW_DEPTH = 64;
/** Widest indentation accepted (columns, counting `- ` sequence indicators). */
const MAX_INDENT = 256;
/** Aliases expanded per document at most (guards against "billion laughs" documents). */
const MAX_ALIAS_COUNT = 100;

/** Options for {@link loadResources}. */
export interface LoadOptions {
  /** Name of the file the text came from, for diagnostics (`-` for standard input). */
  readonly file?: string;
  /** The cluster the resources belong to; `""` (the default) is the local cluster. */
  readonly cluster?: string;
}

/** What a dump held: model objects and diagnostics, in input order. */
export interface LoadResult {
  /** Converted model objects. */
  readonly resources: ModelResource[];
  /** Problems found, each naming file, document and (for lists) item. */
  readonly diagnostics: Diagnostic[];
}

interface DocumentText {
  readonly text: string;
  /** One-based line of the document's first line in the whole file. */
  readonly firstLine: number;
}

/** Splits at `---` marker lines; a part before the first marker holding only comments is not a document. */
function splitDocuments(text: string): DocumentText[] {
  const documents: DocumentText[] = [];
  let current: string[] = [];
  let firstLine = 1;
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (/^---(?:[ \t].*)?$/.test(line)) {
      if (current.length > 0 || documents.length > 0 || i > 0) documents.push({ text: current.join("\n"), firstLine });
      current = [];
      firstLine = i + 2;
    } else {
      current.push(line);
    }
  });
  documents.push({ text: current.join("\n"), firstLine });
  // Before the first marker, only content makes a document: blank lines and comments do not.
  return documents.filter((doc, i) => i > 0 || !isBlankOrComments(doc.text) || documents.length === 1);
}

function isBlankOrComments(text: string): boolean {
  return text.split("\n").every((line) => /^\s*(?:#.*)?$/.test(line));
}

/** The first line (one-based, within the document) nesting beyond the limits, if any. */
function tooDeepAt(text: string): number | undefined {
  let depth = 0;
  let quote = "";
  let line = 1;
  let atLineStart = true;
  let column = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\n") {
      line++;
      atLineStart = true;
      column = 0;
      continue;
    }
    if (atLineStart) {
      if (c === " " || c === "-") {
        if (++column > MAX_INDENT) return line;
        continue;
      }
      atLineStart = false;
    }
    if (quote !== "") {
      if (c === quote) quote = "";
      continue;
    }
    const previous = i === 0 ? "\n" : text[i - 1]!;
    const startsScalar = " \t\n[{,:-".includes(previous);
    if ((c === '"' || c === "'") && startsScalar) quote = c;
    else if (c === "#" && (previous === " " || previous === "\t" || previous === "\n")) {
      while (i + 1 < text.length && text[i + 1] !== "\n") i++;
    } else if (c === "[" || c === "{") {
      if (++depth > MAX_FLOW_DEPTH) return line;
    } else if (c === "]" || c === "}") depth = Math.max(0, depth - 1);
  }
  return undefined;
}

/** Resources in one parsed document: the object itself, a `List`'s items, or an array's elements. */
function resourcesOf(value: unknown): { raw: unknown; item?: number }[] {
  if (Array.isArray(value)) return value.map((raw, item) => ({ raw, item }));
  if (typeof value === "object" && value !== null && Object.hasOwn(value, "items")) {
    const { kind, items } = value as { kind?: unknown; items?: unknown };
    if (typeof kind === "string" && kind.endsWith("List") && Array.isArray(items)) {
      return items.map((raw, item) => ({ raw, item }));
    }
  }
  return [{ raw: value }];
}

/** A raw resource read from a dump (not yet converted), with where it was. */
export interface RawResource {
  /** The resource as parsed (plain objects, arrays and scalars). */
  readonly raw: unknown;
  /** Its file, document and (for lists) item. */
  readonly origin: Origin;
}

/** What a dump held before conversion: raw resources and the documents that could not be read. */
export interface ReadResult {
  /** Raw resources, in input order. */
  readonly items: RawResource[];
  /** Documents that could not be parsed (YAML errors, absurd nesting), each naming file and document. */
  readonly diagnostics: Diagnostic[];
}

/**
 * Reads every resource in a YAML or JSON text (one or more documents; `List` objects and
 * top-level arrays are unpacked) without converting them, for feeders that hand raw resources to
 * `PolicyEngine.upsert` or the federated-services controller.
 *
 * Never throws on the input: a YAML syntax error or an absurdly nested document becomes a
 * diagnostic, and every other document is still read.
 */
export function readResources(text: string, options: Pick<LoadOptions, "file"> = {}): ReadResult {
  const items: RawResource[] = [];
  const diagnostics: Diagnostic[] = [];
  splitDocuments(text).forEach((doc, document) => {
    const origin: Origin = { ...(options.file === undefined ? {} : { file: options.file }), document };
    const fail = (message: string) => diagnostics.push({ severity: "error", message, ...origin });
    const deepLine = tooDeepAt(doc.text);
    if (deepLine !== undefined) {
      fail(
        `nesting too deep at line ${doc.firstLine + deepLine - 1} (more than ${MAX_FLOW_DEPTH} levels of [ or {, or ${MAX_INDENT} columns of indentation); document skipped`,
      );
      return;
    }
    const parsed = parseAllDocuments(doc.text, { uniqueKeys: true });
    const yamlDocs = Array.isArray(parsed) ? parsed : [parsed];
    for (const yamlDoc of yamlDocs) {
      const error = yamlDoc.errors[0];
      if (error !== undefined) {
        const [line, col] = error.linePos?.[0] ? [error.linePos[0].line, error.linePos[0].col] : [1, 1];
        const reason = error.message.split(" at line ")[0]!.split("\n")[0];
        fail(`invalid YAML at line ${doc.firstLine + line - 1}, column ${col}: ${reason}`);
        continue;
      }
      let value: unknown;
      try {
        value = yamlDoc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      } catch (e) {
        fail(`cannot read document: ${(e as Error).message}`);
        continue;
      }
      if (value === null || value === undefined) continue;
      for (const { raw, item } of resourcesOf(value)) {
        items.push({ raw, origin: item === undefined ? origin : { ...origin, item } });
      }
    }
  });
  return { items, diagnostics };
}

/**
 * Loads every resource in a YAML or JSON text (as {@link readResources} reads them) and converts
 * each into model objects.
 *
 * Never throws on the input: a YAML syntax error, an absurdly nested document or an
 * unconvertible resource becomes a diagnostic, and everything else still loads.
 */
export function loadResources(text: string, options: LoadOptions = {}): LoadResult {
  const cluster = options.cluster ?? "";
  const read = readResources(text, options);
  const resources: ModelResource[] = [];
  const diagnostics: Diagnostic[] = read.diagnostics.map((d) => ({ ...d, cluster }));
  for (const { raw, origin } of read.items) {
    const converted = convertResource(raw, { cluster, origin });
    resources.push(...converted.resources);
    diagnostics.push(...converted.diagnostics);
  }
  // A document either failed to read or yielded items: a stable sort restores input order.
  diagnostics.sort((a, b) => (a.document ?? 0) - (b.document ?? 0));
  return { resources, diagnostics };
}
