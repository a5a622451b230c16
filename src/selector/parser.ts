/**
 * The selector grammar, as a chevrotain parser whose rules build the syntax tree directly.
 *
 * ```
 * selector   := orExpr?                              (empty text means all())
 * orExpr     := andExpr ( '||' andExpr )*
 * andExpr    := unary ( '&&' unary )*
 * unary      := '!'* primary                         (!!x is x: negations collapse by parity)
 * primary    := has(L) | all() | global() | '(' orExpr ')' | labelTest
 * labelTest  := L ( ( '==' | '!=' | contains | starts with | ends with ) S | ( in | not in ) set )
 * set        := '{' ( S ( ',' S )* ','? )? '}'
 * ```
 *
 * `&&` binds tighter than `||` because `andExpr` sits below `orExpr` in the chain. A chain of one
 * operand is that operand; longer chains become one n-ary node.
 *
 * Recursion happens only through parentheses, so the nesting limit is checked on the token stream
 * before parsing: a hundred thousand `(` get a clear error instead of a stack overflow.
 */
import {
  EmbeddedActionsParser,
  EOF,
  type IOrAlt,
  type IParserErrorMessageProvider,
  type IRecognitionException,
  type IToken,
  type TokenType,
} from "chevrotain";
import type { BooleanNode, ComparisonNode, SelectorNode, SetNode } from "./ast.js";
import { sortedUniqueByUtf8 } from "./byte-order.js";
import { SelectorSyntaxError } from "./errors.js";
import {
  All,
  And,
  allTokens,
  Comma,
  Contains,
  EndsWith,
  Eq,
  Global,
  Has,
  In,
  Label,
  LBrace,
  LParen,
  MAX_LABEL_LENGTH,
  Ne,
  Not,
  NotIn,
  OPERATORS,
  Or,
  RBrace,
  RParen,
  StartsWith,
  StringLiteral,
  selectorLexer,
} from "./lexer.js";

/** Deepest parenthesis nesting accepted; real selectors use a handful of levels. */
export const MAX_NESTING_DEPTH = 128;

const ALL: SelectorNode = { kind: "all" };
const GLOBAL: SelectorNode = { kind: "global" };

const COMPARISONS: ReadonlyMap<TokenType, ComparisonNode["kind"]> = new Map([
  [Eq, "eq"],
  [Ne, "ne"],
  [Contains, "contains"],
  [StartsWith, "startsWith"],
  [EndsWith, "endsWith"],
]);

/**
 * Chevrotain reports an error as a message; we also want the expected token names as data, so
 * the message provider records them for the parse that is running (parsing is synchronous).
 */
class ExpectationRecorder implements IParserErrorMessageProvider {
  expected: string[] = [];

  // Chevrotain reports only the decision that failed; two facts of this grammar complete it:
  // `)` always follows a complete expression (so `&&` and `||` are also welcome there), and a
  // primary may always be preceded by `!`.
  buildMismatchTokenMessage(options: { expected: TokenType; actual: IToken }): string {
    return this.record(options.expected === RParen ? [And, Or, RParen] : [options.expected], options.actual);
  }
  buildNotAllInputParsedMessage(options: { firstRedundant: IToken }): string {
    return this.record([And, Or, EOF], options.firstRedundant);
  }
  buildNoViableAltMessage(options: {
    expectedPathsPerAlt: TokenType[][][];
    actual: IToken[];
    ruleName: string;
  }): string {
    const firsts = options.expectedPathsPerAlt.flatMap((paths) => paths.map((path) => path[0]!));
    return this.record(options.ruleName === "primary" ? [Not, ...firsts] : firsts, options.actual[0]!);
  }
  buildEarlyExitMessage(options: { expectedIterationPaths: TokenType[][]; actual: IToken[] }): string {
    return this.record(
      options.expectedIterationPaths.map((path) => path[0]!),
      options.actual[0]!,
    );
  }

  private record(types: readonly TokenType[], actual: IToken): string {
    this.expected = [...new Set(types.map(describeTokenType))];
    const list = this.expected.length === 1 ? this.expected[0] : `one of ${this.expected.join(", ")}`;
    return `expected ${list} but found ${describeToken(actual)}`;
  }
}

function describeTokenType(type: TokenType): string {
  if (type === EOF) return "end of selector";
  if (type === StringLiteral) return "quoted string";
  return type.LABEL ?? type.name;
}

function describeToken(token: IToken): string {
  if (token.tokenType === EOF) return "end of selector";
  if (token.tokenType === StringLiteral) return `string ${token.image}`;
  if (token.tokenType === Label) return `label ${token.image}`;
  return `'${token.image}'`;
}

class SelectorParser extends EmbeddedActionsParser {
  readonly recorder: ExpectationRecorder;

  constructor(recorder: ExpectationRecorder) {
    super(allTokens, { maxLookahead: 2, errorMessageProvider: recorder });
    this.recorder = recorder;
    this.performSelfAnalysis();
  }

  readonly selector = this.RULE("selector", (): SelectorNode => {
    let root = ALL;
    this.OPTION(() => {
      root = this.SUBRULE(this.orExpr);
    });
    return root;
  });

  private readonly orExpr = this.RULE("orExpr", (): SelectorNode => {
    const operands = [this.SUBRULE(this.andExpr)];
    this.MANY(() => {
      this.CONSUME(Or);
      operands.push(this.SUBRULE2(this.andExpr));
    });
    return chain("or", operands);
  });

  private readonly andExpr = this.RULE("andExpr", (): SelectorNode => {
    const operands = [this.SUBRULE(this.unary)];
    this.MANY(() => {
      this.CONSUME(And);
      operands.push(this.SUBRULE2(this.unary));
    });
    return chain("and", operands);
  });

  private readonly unary = this.RULE("unary", (): SelectorNode => {
    let negated = false;
    this.MANY(() => {
      this.CONSUME(Not);
      negated = !negated;
    });
    const operand = this.SUBRULE(this.primary);
    return negated ? { kind: "not", operand } : operand;
  });

  // Alternative lists are built once and kept (chevrotain's advice for hot ORs): building them
  // on every call was most of the parser's time. So they must not capture rule locals.
  private primaryAlternatives?: IOrAlt<SelectorNode>[];
  private testAlternatives?: IOrAlt<LabelTest>[];
  private operatorAlternatives?: IOrAlt<IToken>[];
  private membershipAlternatives?: IOrAlt<SetNode["kind"]>[];

  private readonly primary = this.RULE("primary", (): SelectorNode => {
    this.primaryAlternatives ??= [
      { ALT: () => ({ kind: "has", label: hasLabel(this.CONSUME(Has).image) }) },
      { ALT: () => this.CONSUME(All) && ALL },
      { ALT: () => this.CONSUME(Global) && GLOBAL },
      {
        ALT: () => {
          this.CONSUME(LParen);
          const inner = this.SUBRULE(this.orExpr);
          this.CONSUME(RParen);
          return inner;
        },
      },
      { ALT: () => this.SUBRULE(this.labelTest) },
    ];
    return this.OR(this.primaryAlternatives);
  });

  private readonly labelTest = this.RULE("labelTest", (): SelectorNode => {
    const label = this.CONSUME(Label).image;
    this.testAlternatives ??= [
      {
        ALT: () => {
          this.operatorAlternatives ??= [Eq, Ne, Contains, StartsWith, EndsWith].map((type) => ({
            ALT: () => this.CONSUME(type),
          }));
          const operator = this.OR2(this.operatorAlternatives);
          return { kind: COMPARISONS.get(operator.tokenType)!, value: unquote(this.CONSUME(StringLiteral).image) };
        },
      },
      {
        ALT: () => {
          this.membershipAlternatives ??= [
            { ALT: () => this.CONSUME(In) && "in" },
            { ALT: () => this.CONSUME(NotIn) && "notIn" },
          ];
          const kind = this.OR3(this.membershipAlternatives);
          return { kind, values: this.SUBRULE(this.set) };
        },
      },
    ];
    const test = this.OR(this.testAlternatives);
    return "values" in test
      ? { kind: test.kind, label, values: test.values }
      : { kind: test.kind, label, value: test.value };
  });

  private readonly set = this.RULE("set", (): readonly string[] => {
    const values: string[] = [];
    this.CONSUME(LBrace);
    this.OPTION(() => {
      values.push(unquote(this.CONSUME(StringLiteral).image));
      this.MANY(() => {
        this.CONSUME(Comma);
        values.push(unquote(this.CONSUME2(StringLiteral).image));
      });
      this.OPTION2(() => this.CONSUME2(Comma));
    });
    this.CONSUME(RBrace);
    return this.ACTION(() => (values.length > 1 ? sortedUniqueByUtf8(values) : values));
  });
}

/** What follows a label: an operator and its operand. */
type LabelTest = { kind: ComparisonNode["kind"]; value: string } | { kind: SetNode["kind"]; values: readonly string[] };

function chain(kind: BooleanNode["kind"], operands: SelectorNode[]): SelectorNode {
  return operands.length === 1 ? operands[0]! : { kind, operands };
}

function unquote(literal: string): string {
  return literal.slice(1, -1);
}

const recorder = new ExpectationRecorder();
/** The one parser instance; exported for the grammar-diagram script. @internal */
export const selectorParser = new SelectorParser(recorder);

/** What may start a selector, and what may follow a complete one. */
const STARTERS = [Not, LParen, Has, All, Global, Label, EOF].map(describeTokenType);
const CONTINUATIONS = [And, Or, EOF].map(describeTokenType);

/** Parses selector text into a tree; throws {@link SelectorSyntaxError}. @internal */
export function parseTree(text: string): SelectorNode {
  const lexed = selectorLexer.tokenize(text);
  const lexError = lexed.errors[0];
  // On a lexical error, parse the tokens before it anyway: an earlier syntax error is reported
  // first, and otherwise the parser tells us what it expected where the bad character stands.
  const tokens = lexError === undefined ? lexed.tokens : lexed.tokens.filter((t) => t.startOffset < lexError.offset);
  checkLimits(text, tokens);
  selectorParser.input = tokens;
  const root = selectorParser.selector();
  const parseError = selectorParser.errors[0];
  if (lexError !== undefined) {
    if (parseError !== undefined && parseError.token.tokenType !== EOF) throw syntaxError(text, tokens, parseError);
    const expected = parseError !== undefined ? recorder.expected : tokens.length > 0 ? CONTINUATIONS : STARTERS;
    throw lexicalError(text, lexError.offset, tokens, expected);
  }
  if (parseError !== undefined) throw syntaxError(text, tokens, parseError);
  return root;
}

function syntaxError(text: string, tokens: readonly IToken[], error: IRecognitionException): SelectorSyntaxError {
  const token = error.token;
  const previous = tokens[tokens.indexOf(token) - 1];
  if (
    token.tokenType === LParen &&
    previous?.tokenType === Label &&
    previous.startOffset + previous.image.length === token.startOffset
  ) {
    // A `has(`, `all(` or `global(` that did not lex as a call lexed as a label and a parenthesis.
    const call = callError(text, previous);
    if (call !== undefined) return call;
  }
  if (token === tokens[0]) {
    // Nothing parsed: the selector cannot start with this token. Chevrotain would only say that
    // input was left over, which is true but not helpful.
    const reason = `expected one of ${STARTERS.join(", ")} but found ${describeToken(token)}`;
    return new SelectorSyntaxError(text, reason, token.startOffset, STARTERS);
  }
  const at = token.tokenType === EOF ? text.length : token.startOffset;
  return new SelectorSyntaxError(text, error.message, at, recorder.expected);
}

/**
 * Checks what the grammar leaves to us, before parsing: the nesting limit (so a hundred thousand
 * `(` cannot overflow the stack) and Calico's 512-byte limit on label names.
 */
function checkLimits(text: string, tokens: readonly IToken[]): void {
  let depth = 0;
  for (const token of tokens) {
    const type = token.tokenType;
    if (type === LParen) {
      if (++depth > MAX_NESTING_DEPTH) {
        throw new SelectorSyntaxError(
          text,
          `nesting too deep (more than ${MAX_NESTING_DEPTH} levels of '(')`,
          token.startOffset,
        );
      }
    } else if (type === RParen) {
      depth--;
    } else if ((type === Label || type === Has) && token.image.length > MAX_LABEL_LENGTH) {
      const label = type === Has ? hasLabel(token.image) : token.image;
      if (label.length > MAX_LABEL_LENGTH) {
        throw labelTooLong(text, label, token.startOffset + token.image.indexOf(label));
      }
    }
  }
}

/** Calico's 512-byte limit on label names, broken by `label` at `at`. */
function labelTooLong(text: string, label: string, at: number): SelectorSyntaxError {
  return new SelectorSyntaxError(text, `label too long (${label.length} bytes; the limit is ${MAX_LABEL_LENGTH})`, at);
}

/** The label inside a `has( label )` token's image. */
function hasLabel(image: string): string {
  return image.slice(4, -1).trim();
}

const OPERATOR_NAMES = OPERATORS.map(describeTokenType);

/**
 * Explains why the lexer stopped at `offset`. Chevrotain only says "unexpected character", so we
 * look at the text there, and at the token before it, to say what Calico's tokenizer would say.
 */
function lexicalError(
  text: string,
  offset: number,
  before: readonly IToken[],
  expected: readonly string[],
): SelectorSyntaxError {
  const previous = before[before.length - 1];
  const rest = text.slice(offset);
  const fail = (reason: string, expected: readonly string[] = []) =>
    new SelectorSyntaxError(text, reason, offset, expected);

  if (rest[0] === '"' || rest[0] === "'") return fail(`unterminated string: no closing ${rest[0]} after it`);
  if (rest[0] === "&") return fail("expected '&&'", ["'&&'"]);
  if (rest[0] === "|") return fail("expected '||'", ["'||'"]);
  if (previous?.tokenType === Label) {
    if (rest[0] === "=") return fail("expected '=='", ["'=='"]);
    return fail(`expected an operator after label "${previous.image}" but found ${quoteFound(rest)}`, OPERATOR_NAMES);
  }
  if (rest[0] === "=") return fail(`unexpected ${quoteFound(rest)}: '==' must follow a label`, expected);
  return fail(`unexpected character ${quoteFound(rest)}`, expected);
}

/** Why `name(` (lexed as a label and a parenthesis) is not a valid call, if `name` is a call. */
function callError(text: string, name: IToken): SelectorSyntaxError | undefined {
  const offset = name.startOffset;
  if (name.image === "all" || name.image === "global") {
    return new SelectorSyntaxError(text, `no closing ')' after ${name.image}(`, offset, ["')'"]);
  }
  if (name.image !== "has") return undefined;
  const label = /^has\([ \t]*([a-zA-Z0-9_./-]*)/.exec(text.slice(offset))![1]!;
  if (label.length === 0) return new SelectorSyntaxError(text, "expected a label inside has()", offset + 4, ["label"]);
  if (label.length > MAX_LABEL_LENGTH) {
    return labelTooLong(text, label, text.indexOf(label, offset));
  }
  return new SelectorSyntaxError(text, "no closing ')' after has(", offset, ["')'"]);
}

/** Names what was found: a whole word, or one character (escaped when it is not printable ASCII). */
function quoteFound(rest: string): string {
  if (rest.length === 0) return "end of selector";
  const word = /^[a-zA-Z0-9_./-]+/.exec(rest)?.[0];
  if (word !== undefined) return `'${word}'`;
  const c = String.fromCodePoint(rest.codePointAt(0)!);
  return /^[\x21-\x7e]$/.test(c) ? `'${c}'` : JSON.stringify(c);
}
