// Placeholder: the converters below are being written; see the spec sections.
import type { ModelResource } from "../model/index.js";
import type { ConvertContext, Field } from "./read.js";

export function convertTier(_resource: Field, _ctx: ConvertContext): ModelResource[] {
  throw new Error("convertTier: not written yet");
}

export function convertIPPool(_resource: Field, _ctx: ConvertContext): ModelResource[] {
  throw new Error("convertIPPool: not written yet");
}

export function convertRemoteClusterConfiguration(_resource: Field, _ctx: ConvertContext): ModelResource[] {
  throw new Error("convertRemoteClusterConfiguration: not written yet");
}
