import { describe, expect, it } from "vitest";
import { parseSelector } from "../../src/index.js";

describe("parseSelector", () => {
  it("gives all() Calico's unique ID", () => {
    expect(parseSelector("all()").uniqueId).toBe("s:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug");
  });
});
