/**
 * A plain reference implementation of Calico's selector language, written from
 * /work/shared/spec/calico-semantics.md §1 and NOT from src/. It exists only so the tests can
 * compare the real implementation against something independent.
 *
 * It is deliberately simple: an explicit character loop for the tokenizer, a recursive-descent
 * parser that follows the grammar of §1.2 line by line, a tree-walking evaluator (§1.3), a
 * printer (§1.4) and LabelRestrictions (§1.8) that keeps Calico's nil-versus-empty distinction
 * (`null` stands for Go's `nil`).
 *
 * Calico's tokenizer dispatches on UTF-8 bytes. This one walks UTF-16 code units instead, which
 * is equivalent: every byte the tokenizer treats specially (quotes, operators, space, tab,
 * identifier characters) is ASCII, UTF-8 never uses ASCII bytes inside a multi-byte sequence, and
 * every non-ASCII character is a code unit >= 0x80 here and falls into the same "not an
 * identifier byte" branch. Identifiers are ASCII, so their length in code units is their length
 * in bytes.
 */

/** Calico's MaxLabelLength. */
export const REF_MAX_LABEL_LENGTH = 512;

/** The deepest parenthesis nesting accepted (Calico has no limit; ours guards the stack). */
export const REF_MAX_NESTING_DEPTH = 128;

// ------------------------------------------------------------------------------------------------
// AST: the same shape as src/selector/ast.ts, declared independently.

export type RefNode =
  | { kind: "eq" | "ne" | "contains" | "startsWith" | "endsWith"; label: string; value: string }
  | { kind: "in" | "notIn"; label: string; values: string[] }
  | { kind: "has"; label: string }
  | { kind: "all" | "global" }
  | { kind: "not"; operand: RefNode }
  | { kind: "and" | "or"; operands: RefNode[] };

/** Thrown by the reference tokenizer and parser. */
export class RefSyntaxError extends Error {
  override readonly name = "RefSyntaxError";
}

function fail(message: string): never {
  throw new RefSyntaxError(message);
}

// ------------------------------------------------------------------------------------------------
// Tokenizer (§1.1)

export type TokenKind =
  | "label"
  | "string"
  | "lbrace"
  | "rbrace"
  | "comma"
  | "eq"
  | "ne"
  | "in"
  | "not"
  | "notIn"
  | "contains"
  | "startsWith"
  | "endsWith"
  | "all"
  | "has"
  | "lparen"
  | "rparen"
  | "and"
  | "or"
  | "global"
  | "eof";

export interface Token {
  kind: TokenKind;
  /** Label name for `label` and `has`, literal contents for `string`, otherwise "". */
  value: string;
}

const IDENTIFIER_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./-";

function isIdentifierChar(ch: string | undefined): boolean {
  return ch !== undefined && ch.length === 1 && IDENTIFIER_CHARS.includes(ch);
}

/** Only space and tab are whitespace inside a selector. */
function isSelectorSpace(ch: string | undefined): boolean {
  return ch === " " || ch === "\t";
}

/** Operator keywords recognised right after a label, in the order Calico tries them. */
const OPERATOR_WORDS: ReadonlyArray<{ kind: TokenKind; words: readonly string[] }> = [
  { kind: "contains", words: ["contains"] },
  { kind: "startsWith", words: ["starts", "with"] },
  { kind: "endsWith", words: ["ends", "with"] },
  { kind: "notIn", words: ["not", "in"] },
  { kind: "in", words: ["in"] },
];

export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;

  const skipSpace = (): void => {
    while (isSelectorSpace(input[pos])) pos++;
  };

  const readIdentifier = (): string => {
    const start = pos;
    while (isIdentifierChar(input[pos])) pos++;
    const length = pos - start;
    if (length === 0) fail("expected identifier");
    if (length > REF_MAX_LABEL_LENGTH) fail("label too long");
    return input.slice(start, pos);
  };

  /** Tries the operator keywords at `pos`; on success advances past them and returns the kind. */
  const readOperatorWord = (): TokenKind | undefined => {
    for (const { kind, words } of OPERATOR_WORDS) {
      let p = pos;
      let matched = true;
      for (let w = 0; w < words.length; w++) {
        const word = words[w]!;
        if (!input.startsWith(word, p)) {
          matched = false;
          break;
        }
        p += word.length;
        if (w < words.length - 1) {
          while (isSelectorSpace(input[p])) p++;
        }
      }
      // A word boundary is only required after the final word.
      if (matched && !isIdentifierChar(input[p])) {
        pos = p;
        skipSpace();
        return kind;
      }
    }
    return undefined;
  };

  for (;;) {
    skipSpace();
    if (pos >= input.length) {
      tokens.push({ kind: "eof", value: "" });
      return tokens;
    }
    const start = pos;
    const ch = input[pos]!;
    const push = (kind: TokenKind, value = ""): void => {
      tokens.push({ kind, value });
    };
    if (ch === "(") {
      push("lparen");
      pos++;
    } else if (ch === ")") {
      push("rparen");
      pos++;
    } else if (ch === "{") {
      push("lbrace");
      pos++;
    } else if (ch === "}") {
      push("rbrace");
      pos++;
    } else if (ch === ",") {
      push("comma");
      pos++;
    } else if (ch === '"' || ch === "'") {
      const end = input.indexOf(ch, pos + 1);
      if (end === -1) fail("unterminated string");
      push("string", input.slice(pos + 1, end));
      pos = end + 1;
    } else if (ch === "=") {
      if (input[pos + 1] !== "=") fail("expected ==");
      push("eq");
      pos += 2;
    } else if (ch === "!") {
      if (input[pos + 1] === "=") {
        push("ne");
        pos += 2;
      } else {
        push("not");
        pos += 1;
      }
    } else if (ch === "&") {
      if (input[pos + 1] !== "&") fail("expected &&");
      push("and");
      pos += 2;
    } else if (ch === "|") {
      if (input[pos + 1] !== "|") fail("expected ||");
      push("or");
      pos += 2;
    } else if (tokens.length > 0 && tokens[tokens.length - 1]!.kind === "label") {
      const kind = readOperatorWord();
      if (kind === undefined) fail("expected operator after label");
      push(kind);
    } else if (input.startsWith("has(", pos)) {
      pos += 4;
      skipSpace();
      const label = readIdentifier();
      skipSpace();
      if (input[pos] !== ")") fail("no closing ')' after has(");
      pos++;
      push("has", label);
    } else if (input.startsWith("all(", pos)) {
      pos += 4;
      skipSpace();
      if (input[pos] !== ")") fail("no closing ')' after all(");
      pos++;
      push("all");
    } else if (input.startsWith("global(", pos)) {
      pos += 7;
      skipSpace();
      if (input[pos] !== ")") fail("no closing ')' after global(");
      pos++;
      push("global");
    } else {
      push("label", readIdentifier());
    }
    if (pos === start) fail("infinite loop detected in tokenizer");
  }
}

// ------------------------------------------------------------------------------------------------
// Parser (§1.2)

/** Byte order of UTF-8 encodings (Go's string `<`), done the obvious way. */
export function refCompareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

function sortedUnique(values: readonly string[]): string[] {
  const sorted = [...values].sort(refCompareUtf8);
  const out: string[] = [];
  for (const v of sorted) {
    if (out.length === 0 || out[out.length - 1] !== v) out.push(v);
  }
  return out;
}

const COMPARISON_KINDS = ["eq", "ne", "contains", "startsWith", "endsWith"] as const;
type ComparisonKind = (typeof COMPARISON_KINDS)[number];

function isComparisonKind(kind: TokenKind): kind is ComparisonKind {
  return (COMPARISON_KINDS as readonly string[]).includes(kind);
}

/** Parses selector text; throws RefSyntaxError exactly when Calico's parser fails. */
export function refParse(input: string): RefNode {
  const tokens = tokenize(input);
  let i = 0;
  const peek = (): Token => tokens[i]!;

  if (peek().kind === "eof") return { kind: "all" };

  const parseOr = (depth: number): RefNode => {
    const operands = [parseAnd(depth)];
    while (peek().kind === "or") {
      i++;
      operands.push(parseAnd(depth));
    }
    return operands.length === 1 ? operands[0]! : { kind: "or", operands };
  };

  const parseAnd = (depth: number): RefNode => {
    const operands = [parseOp(depth)];
    while (peek().kind === "and") {
      i++;
      operands.push(parseOp(depth));
    }
    return operands.length === 1 ? operands[0]! : { kind: "and", operands };
  };

  const parseOp = (depth: number): RefNode => {
    let negations = 0;
    while (peek().kind === "not") {
      negations++;
      i++;
    }
    const primary = parsePrimary(depth);
    return negations % 2 === 1 ? { kind: "not", operand: primary } : primary;
  };

  const parseSet = (): string[] => {
    if (peek().kind !== "lbrace") fail("expected set literal");
    i++;
    const values: string[] = [];
    while (peek().kind === "string") {
      values.push(peek().value);
      i++;
      if (peek().kind !== "comma") break;
      i++;
    }
    if (peek().kind !== "rbrace") fail("expected }");
    i++;
    return sortedUnique(values);
  };

  const parsePrimary = (depth: number): RefNode => {
    const token = peek();
    switch (token.kind) {
      case "has":
        i++;
        return { kind: "has", label: token.value };
      case "all":
        i++;
        return { kind: "all" };
      case "global":
        i++;
        return { kind: "global" };
      case "lparen": {
        if (depth + 1 > REF_MAX_NESTING_DEPTH) fail("nesting too deep");
        i++;
        const inner = parseOr(depth + 1);
        if (peek().kind !== "rparen") fail("expected )");
        i++;
        return inner;
      }
      case "label": {
        i++;
        const op = peek().kind;
        if (op === "eof") fail("unexpected end of string looking for op");
        if (isComparisonKind(op)) {
          i++;
          const literal = peek();
          if (literal.kind !== "string") fail("expected string");
          i++;
          return { kind: op, label: token.value, value: literal.value };
        }
        if (op === "in" || op === "notIn") {
          i++;
          return { kind: op, label: token.value, values: parseSet() };
        }
        return fail(`expected == or != not: ${op}`);
      }
      default:
        return fail(`unexpected token: ${token.kind}`);
    }
  };

  const root = parseOr(0);
  if (peek().kind !== "eof") fail("unexpected content at end of selector");
  return root;
}

/** Whether the reference accepts the text. */
export function refAccepts(input: string): boolean {
  try {
    refParse(input);
    return true;
  } catch (error) {
    if (error instanceof RefSyntaxError) return false;
    throw error;
  }
}

// ------------------------------------------------------------------------------------------------
// Canonical String() (§1.4)

function q(value: string): string {
  return value.includes('"') ? `'${value}'` : `"${value}"`;
}

const COMPARISON_TEXT: Record<ComparisonKind, string> = {
  eq: " == ",
  ne: " != ",
  contains: " contains ",
  startsWith: " starts with ",
  endsWith: " ends with ",
};

export function refString(node: RefNode): string {
  switch (node.kind) {
    case "eq":
    case "ne":
    case "contains":
    case "startsWith":
    case "endsWith":
      return node.label + COMPARISON_TEXT[node.kind] + q(node.value);
    case "in":
      return `${node.label} in {${node.values.map(q).join(", ")}}`;
    case "notIn":
      return `${node.label} not in {${node.values.map(q).join(", ")}}`;
    case "has":
      return `has(${node.label})`;
    case "all":
      return "all()";
    case "global":
      return "global()";
    case "not":
      return `!${refString(node.operand)}`;
    case "and":
      return `(${node.operands.map(refString).join(" && ")})`;
    case "or":
      return `(${node.operands.map(refString).join(" || ")})`;
  }
}

// ------------------------------------------------------------------------------------------------
// Evaluation (§1.3)

export type RefLookup = (label: string) => string | undefined;

/** Own properties of a plain object, or the entries of a Map. */
export function refLookupIn(labels: Readonly<Record<string, string>> | ReadonlyMap<string, string>): RefLookup {
  if (labels instanceof Map) return (label) => (labels.has(label) ? labels.get(label) : undefined);
  const record = labels as Readonly<Record<string, string>>;
  return (label) => (Object.hasOwn(record, label) ? record[label] : undefined);
}

export function refEvaluate(node: RefNode, lookup: RefLookup): boolean {
  switch (node.kind) {
    case "eq": {
      const v = lookup(node.label);
      return v !== undefined && v === node.value;
    }
    case "ne": {
      const v = lookup(node.label);
      return v === undefined || v !== node.value;
    }
    case "contains": {
      const v = lookup(node.label);
      return v === undefined ? false : v.includes(node.value);
    }
    case "startsWith": {
      const v = lookup(node.label);
      return v === undefined ? false : v.startsWith(node.value);
    }
    case "endsWith": {
      const v = lookup(node.label);
      return v === undefined ? false : v.endsWith(node.value);
    }
    case "in": {
      const v = lookup(node.label);
      return v !== undefined && node.values.includes(v);
    }
    case "notIn": {
      const v = lookup(node.label);
      return v === undefined || !node.values.includes(v);
    }
    case "has":
      return lookup(node.label) !== undefined;
    case "all":
    case "global":
      return true;
    case "not":
      return !refEvaluate(node.operand, lookup);
    case "and":
      return node.operands.every((op) => refEvaluate(op, lookup));
    case "or":
      return node.operands.some((op) => refEvaluate(op, lookup));
  }
}

// ------------------------------------------------------------------------------------------------
// PrefixVisitor (§1.7)

export function refPrefix(node: RefNode, prefix: string): RefNode {
  switch (node.kind) {
    case "all":
    case "global":
      return { kind: node.kind };
    case "not":
      return { kind: "not", operand: refPrefix(node.operand, prefix) };
    case "and":
    case "or":
      return { kind: node.kind, operands: node.operands.map((op) => refPrefix(op, prefix)) };
    case "in":
    case "notIn":
      return { kind: node.kind, label: prefix + node.label, values: [...node.values] };
    case "has":
      return { kind: "has", label: prefix + node.label };
    default:
      return { kind: node.kind, label: prefix + node.label, value: node.value };
  }
}

// ------------------------------------------------------------------------------------------------
// LabelRestrictions (§1.8). `null` is Go's nil, both for the map and for the value list.

export interface RefRestriction {
  present: boolean;
  absent: boolean;
  values: string[] | null;
}

export type RefRestrictions = Map<string, RefRestriction> | null;

export function refRestrictions(node: RefNode): RefRestrictions {
  switch (node.kind) {
    case "eq":
      return new Map([[node.label, { present: true, absent: false, values: [node.value] }]]);
    case "in":
      return new Map([
        [
          node.label,
          // The parser stores an empty literal as a nil set, and a copy of nil is nil.
          { present: true, absent: false, values: node.values.length === 0 ? null : [...node.values] },
        ],
      ]);
    case "has":
    case "contains":
    case "startsWith":
    case "endsWith":
      return new Map([[node.label, { present: true, absent: false, values: null }]]);
    case "ne":
    case "notIn":
    case "all":
    case "global":
      return null;
    case "not":
      if (node.operand.kind === "has") {
        return new Map([[node.operand.label, { present: false, absent: true, values: null }]]);
      }
      return null;
    case "and":
      return andRestrictions(node.operands);
    case "or":
      return orRestrictions(node.operands);
  }
}

function andRestrictions(operands: readonly RefNode[]): RefRestrictions {
  const acc = new Map<string, RefRestriction>();
  for (const operand of operands) {
    const map = refRestrictions(operand);
    if (map === null) continue;
    for (const [label, r] of map) {
      const existing = acc.get(label);
      if (existing === undefined) {
        acc.set(label, { present: r.present, absent: r.absent, values: r.values === null ? null : [...r.values] });
        continue;
      }
      existing.present = existing.present || r.present;
      existing.absent = existing.absent || r.absent;
      if (existing.values === null) {
        existing.values = r.values === null ? null : [...r.values];
      } else if (r.values !== null) {
        const other = r.values;
        existing.values = existing.values.filter((v) => other.includes(v));
      }
    }
  }
  return acc.size === 0 ? null : acc;
}

function orRestrictions(operands: readonly RefNode[]): RefRestrictions {
  const first = refRestrictions(operands[0]!);
  if (first === null) return null;
  let acc = new Map<string, RefRestriction>();
  for (const [label, r] of first) {
    acc.set(label, { present: r.present, absent: r.absent, values: r.values === null ? null : [...r.values] });
  }
  for (const operand of operands.slice(1)) {
    const map = refRestrictions(operand);
    const next = new Map<string, RefRestriction>();
    for (const [label, a] of acc) {
      // A label missing from the operand's map counts as neither present nor absent.
      const o = map?.get(label) ?? { present: false, absent: false, values: null };
      const present = a.present && o.present;
      let values: string[] | null;
      if (!present) {
        values = null;
      } else if (a.values === null || o.values === null) {
        values = null;
      } else {
        values = sortedUnique(a.values);
        for (const v of o.values) {
          if (!values.includes(v)) values.push(v);
        }
      }
      const absent = a.absent && o.absent;
      if (present || absent) next.set(label, { present, absent, values });
    }
    acc = next;
  }
  return acc.size === 0 ? null : acc;
}

// ------------------------------------------------------------------------------------------------
// Normalise (§1.6)

/** Go's unicode.IsSpace set, which strings.TrimSpace uses. (No U+FEFF, unlike JavaScript's trim.) */
export const GO_WHITESPACE: readonly string[] = [
  "\t",
  "\n",
  "\v",
  "\f",
  "\r",
  " ",
  "\u0085",
  "\u00a0",
  "\u1680",
  "\u2000",
  "\u2001",
  "\u2002",
  "\u2003",
  "\u2004",
  "\u2005",
  "\u2006",
  "\u2007",
  "\u2008",
  "\u2009",
  "\u200a",
  "\u2028",
  "\u2029",
  "\u202f",
  "\u205f",
  "\u3000",
];

export function goTrimSpace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && GO_WHITESPACE.includes(s[start]!)) start++;
  while (end > start && GO_WHITESPACE.includes(s[end - 1]!)) end--;
  return s.slice(start, end);
}

export function refNormalise(s: string): string {
  const trimmed = goTrimSpace(s);
  try {
    return refString(refParse(trimmed));
  } catch (error) {
    if (error instanceof RefSyntaxError) return trimmed;
    throw error;
  }
}
