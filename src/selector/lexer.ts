/**
 * Selector tokens, declared as data for chevrotain's lexer.
 *
 * The one unusual rule of Calico's tokenizer is that operator words are keywords only right after
 * a label: in `contains contains "contains"` the first word is a label, the second the operator,
 * the third a string. Chevrotain lets a token's pattern be a function that sees the tokens matched
 * so far, so each operator word (`in`, `not in`, `contains`, `starts with`, `ends with`) matches
 * only when the previous token is a label; anywhere else the same letters lex as a label. The
 * two-word forms take any spaces or tabs between the words, none needed; the last word must not
 * run on into an identifier (`in{` yes, `inx` no).
 *
 * Only space and tab are whitespace. String literals run to the next identical quote: there are
 * no escapes, so a value may hold the other quote character, backslashes and newlines.
 * Identifiers are any run of `[a-zA-Z0-9_./-]`; their 512-byte limit is checked after lexing
 * (see parser.ts) so that an over-long label gets its own error, not "unexpected character".
 */
import { type CustomPatternMatcherFunc, createToken, type IToken, Lexer, type TokenType } from "chevrotain";

/** Calico's `MaxLabelLength`: longer label names are rejected. Identifiers are ASCII, so bytes = characters. */
export const MAX_LABEL_LENGTH = 512;

/**
 * Matches an operator made of `words` (spaces/tabs allowed between them) right after a label, when
 * no identifier character follows the last word.
 */
function operatorWords(...words: string[]): CustomPatternMatcherFunc {
  const pattern = new RegExp(`${words.join("[ \\t]*")}(?![a-zA-Z0-9_./-])`, "y");
  return (text: string, offset: number, tokens: IToken[]) => {
    if (tokens.length === 0 || tokens[tokens.length - 1]!.tokenType !== Label) return null;
    pattern.lastIndex = offset;
    return pattern.exec(text);
  };
}

export const Whitespace = createToken({ name: "Whitespace", pattern: /[ \t]+/, group: Lexer.SKIPPED });
export const StringLiteral = createToken({ name: "StringLiteral", pattern: /"[^"]*"|'[^']*'/, line_breaks: true });
export const LParen = createToken({ name: "LParen", pattern: "(", label: "'('" });
export const RParen = createToken({ name: "RParen", pattern: ")", label: "')'" });
export const LBrace = createToken({ name: "LBrace", pattern: "{", label: "'{'" });
export const RBrace = createToken({ name: "RBrace", pattern: "}", label: "'}'" });
export const Comma = createToken({ name: "Comma", pattern: ",", label: "','" });
export const Not = createToken({ name: "Not", pattern: "!", label: "'!'" });
export const And = createToken({ name: "And", pattern: "&&", label: "'&&'" });
export const Or = createToken({ name: "Or", pattern: "||", label: "'||'" });
export const Has = createToken({
  name: "Has",
  pattern: /has\([ \t]*[a-zA-Z0-9_./-]+[ \t]*\)/,
  label: "'has(label)'",
});
export const All = createToken({ name: "All", pattern: /all\([ \t]*\)/, label: "'all()'" });
export const Global = createToken({ name: "Global", pattern: /global\([ \t]*\)/, label: "'global()'" });
export const Label = createToken({ name: "Label", pattern: /[a-zA-Z0-9_./-]+/, label: "label" });

export const Eq = createToken({ name: "Eq", pattern: "==", label: "'=='" });
export const Ne = createToken({ name: "Ne", pattern: "!=", label: "'!='" });
const operatorWord = (name: string, label: string, ...words: string[]): TokenType =>
  createToken({ name, label, pattern: operatorWords(...words), start_chars_hint: [words[0]![0]!], line_breaks: false });
export const Contains = operatorWord("Contains", "'contains'", "contains");
export const StartsWith = operatorWord("StartsWith", "'starts with'", "starts", "with");
export const EndsWith = operatorWord("EndsWith", "'ends with'", "ends", "with");
export const NotIn = operatorWord("NotIn", "'not in'", "not", "in");
export const In = operatorWord("In", "'in'", "in");

/** The operators allowed right after a label, in the order error messages list them. */
export const OPERATORS: readonly TokenType[] = [Eq, Ne, In, NotIn, Contains, StartsWith, EndsWith];

/** Every token type, in the order the lexer tries them: operator words before labels. */
export const allTokens: TokenType[] = [
  Whitespace,
  StringLiteral,
  LParen,
  RParen,
  LBrace,
  RBrace,
  Comma,
  Eq,
  Ne,
  Not,
  And,
  Or,
  Contains,
  StartsWith,
  EndsWith,
  NotIn,
  In,
  Has,
  All,
  Global,
  Label,
];

/** One lexer, reused for every selector. */
export const selectorLexer = new Lexer(allTokens, {
  positionTracking: "onlyOffset",
  // Fail at start-up, not silently at run time, if a token loses the first-character optimisation.
  ensureOptimizations: true,
});
