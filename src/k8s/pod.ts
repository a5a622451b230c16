// Placeholder: the converters below are being written; see the spec sections.
import type { ModelResource } from "../model/index.js";
import type { ConvertContext, Field } from "./read.js";

export function convertPod(_resource: Field, _ctx: ConvertContext): ModelResource[] {
  throw new Error("convertPod: not written yet");
}
