// Placeholder: the converters below are being written; see the spec sections.
import type { ModelResource } from "../model/index.js";
import type { ConvertContext, Field } from "./read.js";

export function convertService(_resource: Field, _ctx: ConvertContext): ModelResource[] {
  throw new Error("convertService: not written yet");
}

export function convertEndpoints(_resource: Field, _ctx: ConvertContext): ModelResource[] {
  throw new Error("convertEndpoints: not written yet");
}

export function convertEndpointSlice(_resource: Field, _ctx: ConvertContext): ModelResource[] {
  throw new Error("convertEndpointSlice: not written yet");
}
