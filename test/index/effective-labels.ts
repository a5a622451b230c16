/**
 * The plain reading of inherited labels the index tests compare against: own labels first, then
 * each parent's in order, first hit wins (an undefined parent has none).
 */
import type { LabelLookup } from "../../src/selector/index.js";

export function effectiveLabels(
  own: Readonly<Record<string, string>>,
  parentIds: readonly string[],
  parentLabels: ReadonlyMap<string, Readonly<Record<string, string>>>,
): LabelLookup {
  return (key) => {
    if (Object.hasOwn(own, key)) return own[key];
    for (const id of parentIds) {
      const inherited = parentLabels.get(id) ?? {};
      if (Object.hasOwn(inherited, key)) return inherited[key];
    }
    return undefined;
  };
}
