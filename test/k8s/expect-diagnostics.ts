/** Assertions on conversion diagnostics, shared by the converter tests. */
import { expect } from "vitest";
import type { ConvertResult } from "../../src/k8s/convert.js";
import type { Diagnostic } from "../../src/model/index.js";

/** Expects a diagnostic of this severity on this field whose message contains `message`. */
export function expectDiagnostic(
  result: { diagnostics: Diagnostic[] },
  severity: Diagnostic["severity"],
  field: string,
  message: string,
): void {
  expect(result.diagnostics).toContainEqual(
    expect.objectContaining({ severity, field, message: expect.stringContaining(message) }),
  );
}

/** Expects the resource to be rejected (nothing converted) with an error on this field. */
export function rejected(result: ConvertResult, field: string, message: string): void {
  expect(result.resources).toEqual([]);
  expectDiagnostic(result, "error", field, message);
}
