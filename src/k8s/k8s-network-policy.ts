// Placeholder: the converters below are being written; see the spec sections.
import type { ModelResource } from "../model/index.js";
import type { ConvertContext, Field } from "./read.js";

export function k8sNetworkPolicyToCalico(_resource: Field): Record<string, unknown> | undefined {
  throw new Error("k8sNetworkPolicyToCalico: not written yet");
}

export function convertKubernetesNetworkPolicy(_resource: Field, _ctx: ConvertContext): ModelResource[] {
  throw new Error("convertKubernetesNetworkPolicy: not written yet");
}
