import { describe, expect, it } from "vitest";
import { ruleSides } from "../../src/model/index.js";

describe("ruleSides", () => {
  it("walks ingress then egress, rules in order, source then destination", () => {
    const rule = (name: string) => ({ source: `${name}.src`, destination: `${name}.dst` });
    const walked = [...ruleSides({ ingress: [rule("i0"), rule("i1")], egress: [rule("e0")] })];
    expect(walked.map(({ direction, index, side, match }) => `${direction} ${index} ${side} ${match}`)).toEqual([
      "ingress 0 source i0.src",
      "ingress 0 destination i0.dst",
      "ingress 1 source i1.src",
      "ingress 1 destination i1.dst",
      "egress 0 source e0.src",
      "egress 0 destination e0.dst",
    ]);
  });
});
