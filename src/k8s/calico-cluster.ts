/**
 * Calico cluster-level resources → model: Tier (its order), IPPool (the pool's network and
 * settings, with the defaults Calico's client applies) and RemoteClusterConfiguration (kept as
 * written; federation/ validates its connection fields).
 *
 * These are all-or-nothing: Calico's API rejects an IPPool with an unparseable CIDR, an unknown
 * encapsulation mode or a bad node selector, so we report an error and convert nothing rather
 * than guess. Defaults: `ipipMode`/`vxlanMode` `Never`, `natOutgoing`/`disabled` false,
 * `nodeSelector` `all()`; an empty string counts as unset, as in Calico's client.
 */
import type { IPPool, ModelResource, RemoteClusterConfiguration, Tier } from "../model/index.js";
import { parseCidrOrIp } from "../net/index.js";
import { validateSelector } from "../selector/index.js";
import { type ConvertContext, type Field, setOwn } from "./read.js";

/** Converts a Tier: only `spec.order` matters (`undefined` sorts last). */
export function convertTier(resource: Field, ctx: ConvertContext): ModelResource[] {
  const spec = resource.get("spec");
  if (spec.exists && !spec.isObject()) return [];
  const orderField = spec.get("order");
  const order = orderField.number();
  // Calico cannot even decode a tier whose order is not a number.
  if (orderField.exists && order === undefined) return [];
  const tier: Tier = { kind: "Tier", cluster: ctx.cluster, name: ctx.name, ...(order === undefined ? {} : { order }) };
  return [tier];
}

/** Converts an IPPool; any invalid setting rejects the whole pool, as Calico's API does. */
export function convertIPPool(resource: Field, ctx: ConvertContext): ModelResource[] {
  const spec = resource.get("spec");
  if (spec.exists && !spec.isObject()) return [];
  const cidr = poolCidr(spec.get("cidr"));
  const ipipMode = encapsulationMode(spec.get("ipipMode"));
  const vxlanMode = encapsulationMode(spec.get("vxlanMode"));
  const natOutgoing = flag(spec.get("natOutgoing"));
  const disabled = flag(spec.get("disabled"));
  const nodeSelector = poolNodeSelector(spec.get("nodeSelector"));
  if (
    cidr === undefined ||
    ipipMode === undefined ||
    vxlanMode === undefined ||
    natOutgoing === undefined ||
    disabled === undefined ||
    nodeSelector === undefined
  ) {
    return [];
  }
  const pool: IPPool = {
    kind: "IPPool",
    cluster: ctx.cluster,
    name: ctx.name,
    cidr,
    ipipMode,
    vxlanMode,
    natOutgoing,
    disabled,
    nodeSelector,
  };
  return [pool];
}

/**
 * A cluster name: lower-case alphanumerics and `-`, starting and ending alphanumeric. The name is
 * the remote cluster's identity and the `<cluster>/` prefix of its keys, so `/`, `.` and capitals
 * are out (federation.md A.2).
 */
const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Converts a RemoteClusterConfiguration: checks only that its name can serve as a cluster name and
 * keeps a shallow copy of `spec`; the connection fields are federation/'s to validate.
 */
export function convertRemoteClusterConfiguration(resource: Field, ctx: ConvertContext): ModelResource[] {
  const nameValid = CLUSTER_NAME.test(ctx.name);
  if (!nameValid) {
    resource
      .get("metadata")
      .get("name")
      .report(
        "error",
        `${JSON.stringify(ctx.name)} is not a valid cluster name: use lower-case letters, digits and '-', starting and ending with a letter or digit`,
      );
  }
  const specField = resource.get("spec");
  const specValid = !specField.exists || specField.isObject();
  if (!nameValid || !specValid) return [];
  const spec: Record<string, unknown> = {};
  for (const key of specField.keys()) setOwn(spec, key, specField.get(key).value);
  const rcc: RemoteClusterConfiguration = {
    kind: "RemoteClusterConfiguration",
    cluster: ctx.cluster,
    name: ctx.name,
    spec,
  };
  return [rcc];
}

/**
 * The pool's masked network. Calico's client wants `address/prefix` (a bare address is refused)
 * and refuses a CIDR that is not strictly masked; we mask that one and warn.
 */
function poolCidr(field: Field): string | undefined {
  const text = field.requiredString();
  if (text === undefined) return undefined;
  const parsed = text.includes("/") ? parseCidrOrIp(text) : undefined;
  if (parsed === undefined) {
    field.report("error", `${JSON.stringify(text)} is not a valid CIDR; the pool is not used`);
    return undefined;
  }
  if (parsed.address !== parsed.cidr.slice(0, parsed.cidr.indexOf("/"))) {
    field.report("warning", `${JSON.stringify(text)} is not strictly masked; using ${parsed.cidr}`);
  }
  return parsed.cidr;
}

const ENCAPSULATION_MODES: ReadonlySet<string> = new Set(["Never", "Always", "CrossSubnet"]);

function encapsulationMode(field: Field): string | undefined {
  const mode = field.string();
  if (!field.exists || mode === "") return "Never";
  if (mode !== undefined && !ENCAPSULATION_MODES.has(mode)) {
    field.report("error", `${JSON.stringify(mode)} is not one of Never, Always, CrossSubnet; the pool is not used`);
    return undefined;
  }
  return mode;
}

/** A boolean setting, false when unset; `undefined` (reported) when of another type. */
function flag(field: Field): boolean | undefined {
  return field.exists ? field.boolean() : false;
}

function poolNodeSelector(field: Field): string | undefined {
  const text = field.string();
  if (!field.exists || text === "") return "all()";
  if (text === undefined) return undefined;
  const error = validateSelector(text);
  if (error !== undefined) {
    field.report("error", `is not a valid selector (${error.reason} at column ${error.column}); the pool is not used`);
    return undefined;
  }
  return text;
}
