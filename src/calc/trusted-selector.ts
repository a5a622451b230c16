/**
 * Selectors that reach the calculators were validated by the converters; should one still fail to
 * parse (a bug upstream), it matches nothing rather than crashing the engine (Felix would panic).
 */
import { parseSelector, type Selector, SelectorSyntaxError } from "../selector/index.js";

/** Parses a selector that was validated upstream; an invalid one becomes `!all()`. */
export function parseTrustedSelector(text: string): Selector {
  try {
    return parseSelector(text);
  } catch (error) {
    if (error instanceof SelectorSyntaxError) return parseSelector("!all()");
    throw error;
  }
}
