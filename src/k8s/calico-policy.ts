// Placeholder: the converters below are being written; see the spec sections.
import type { ModelResource, Policy, PolicyKind } from "../model/index.js";
import type { ConvertContext, Field } from "./read.js";

export function convertCalicoNetworkPolicy(_resource: Field, _ctx: ConvertContext): ModelResource[] {
  throw new Error("convertCalicoNetworkPolicy: not written yet");
}

export function convertGlobalNetworkPolicy(_resource: Field, _ctx: ConvertContext): ModelResource[] {
  throw new Error("convertGlobalNetworkPolicy: not written yet");
}

export function convertCalicoProfile(_resource: Field, _ctx: ConvertContext): ModelResource[] {
  throw new Error("convertCalicoProfile: not written yet");
}

export function networkPolicyToModel(
  _resource: Field,
  _ctx: ConvertContext,
  _policyKind: PolicyKind,
): Policy | undefined {
  throw new Error("networkPolicyToModel: not written yet");
}
