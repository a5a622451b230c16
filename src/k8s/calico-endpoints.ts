// Placeholder: the converters below are being written; see the spec sections.
import type { ModelResource } from "../model/index.js";
import type { ConvertContext, Field } from "./read.js";

export function convertCalicoWorkloadEndpoint(_resource: Field, _ctx: ConvertContext): ModelResource[] {
  throw new Error("convertCalicoWorkloadEndpoint: not written yet");
}

export function convertHostEndpoint(_resource: Field, _ctx: ConvertContext): ModelResource[] {
  throw new Error("convertHostEndpoint: not written yet");
}

export function convertNetworkSet(_resource: Field, _ctx: ConvertContext): ModelResource[] {
  throw new Error("convertNetworkSet: not written yet");
}

export function convertGlobalNetworkSet(_resource: Field, _ctx: ConvertContext): ModelResource[] {
  throw new Error("convertGlobalNetworkSet: not written yet");
}
