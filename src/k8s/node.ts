/**
 * Nodes → model: names, addresses, Calico's node subnets and pod CIDRs, which federation's
 * preflight checks compare across clusters (node names unique, subnets and pod CIDRs apart).
 */
import type { ModelResource, Node } from "../model/index.js";
import { parseCidrOrIp, parseIp } from "../net/index.js";
import type { ConvertContext, Field } from "./read.js";

/** Calico's annotations with the node's address and subnet (`10.0.0.5/24`). */
const SUBNET_ANNOTATIONS = ["projectcalico.org/IPv4Address", "projectcalico.org/IPv6Address"];
const ADDRESS_TYPES = new Set(["InternalIP", "ExternalIP"]);

/** Converts a v1 Node; unparseable addresses and CIDRs are skipped with a warning. */
export function convertNode(resource: Field, ctx: ConvertContext): ModelResource[] {
  const addresses = resource
    .get("status")
    .get("addresses")
    .items()
    .flatMap((entry) => {
      if (!ADDRESS_TYPES.has(entry.get("type").string() ?? "")) return [];
      const field = entry.get("address");
      const text = field.string();
      if (text === undefined) return [];
      const ip = parseIp(text);
      if (ip === undefined) field.report("warning", `"${text}" is not an IP address; it is ignored`);
      return ip === undefined ? [] : [ip.address];
    });
  const annotations = resource.get("metadata").get("annotations");
  const subnets = SUBNET_ANNOTATIONS.flatMap((key) => cidrs(annotations.get(key), false));
  const spec = resource.get("spec");
  const podCIDRs = spec.get("podCIDRs").exists ? cidrs(spec.get("podCIDRs"), true) : cidrs(spec.get("podCIDR"), false);
  const node: Node = { kind: "Node", cluster: ctx.cluster, name: ctx.name, addresses, subnets, podCIDRs };
  return [node];
}

/** Masked CIDRs from one string field, or from a list of strings. */
function cidrs(field: Field, list: boolean): string[] {
  const entries = list ? field.items() : [field];
  return entries.flatMap((entry) => {
    const text = entry.string();
    if (text === undefined) return [];
    const parsed = parseCidrOrIp(text);
    if (parsed === undefined) entry.report("warning", `"${text}" is not a CIDR; it is ignored`);
    return parsed === undefined ? [] : [parsed.cidr];
  });
}
