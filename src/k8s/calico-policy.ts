/**
 * Calico v3 NetworkPolicy, GlobalNetworkPolicy and Profile → model (spec §4.2, §2.6, §1.6).
 *
 * Reproduces what Calico's update processors hand Felix: the policy's main selector combined with
 * its namespace and service-account selectors (byte for byte, including GlobalNetworkPolicy's
 * whole-string `all()` replacement), the tier (default `default`), the order, the types after API
 * defaulting, and the rules converted by rules.ts. Kubernetes NetworkPolicies reach
 * {@link networkPolicyToModel} too, once converted to a v3 NetworkPolicy (k8s-network-policy.ts).
 *
 * Calico's API validator refuses a whole policy or profile when any field is invalid (a selector
 * that does not parse, `global()` outside a rule's namespaceSelector, a bad port…): every problem
 * is reported as an error on its field and the resource converts to nothing.
 */
import type { ModelResource, Policy, PolicyKind, Profile, Rule } from "../model/index.js";
import { NAMESPACE_LABEL_PREFIX, SERVICE_ACCOUNT_LABEL_PREFIX } from "./calico-names.js";
import type { ConvertContext, Field } from "./read.js";
import { checkCombined, convertRules, prefixSelector, readSelector, rejectGlobal, unlessRejected } from "./rules.js";

/** Tier of a policy that names none. */
const DEFAULT_TIER = "default";

/** Calico's `prefixAndAppendSelector`: `(<current>) && <prefixed canonical addition>`. */
function prefixAndAppend(current: string, addition: string, prefix: string): string {
  const prefixed = addition === "" ? "" : prefixSelector(addition, prefix);
  if (prefixed === "") return current;
  return current === "" ? prefixed : `(${current}) && ${prefixed}`;
}

/**
 * A NetworkPolicy's selector: pinned to its namespace, then ANDed with the prefixed
 * serviceAccountSelector, whose `all()` is left alone. E.g. in `shop`, `app == 'web'` gives
 * `(app == 'web') && projectcalico.org/namespace == 'shop'`.
 */
function namespacedPolicySelector(selector: string, namespace: string, serviceAccountSelector: string): string {
  const pin = `projectcalico.org/namespace == '${namespace}'`;
  const pinned = selector === "" ? pin : `(${selector}) && ${pin}`;
  return prefixAndAppend(pinned, serviceAccountSelector, SERVICE_ACCOUNT_LABEL_PREFIX);
}

/**
 * A GlobalNetworkPolicy's selector. After appending each of namespaceSelector and
 * serviceAccountSelector, Calico replaces every `all()` in the whole string so far, so the
 * replacement also reaches an `all()` of the policy's own selector, or inside a quoted value —
 * reproduced because the string decides IP-set identities.
 */
function globalPolicySelector(selector: string, namespaceSelector: string, serviceAccountSelector: string): string {
  let combined = selector;
  if (namespaceSelector !== "") {
    combined = prefixAndAppend(combined, namespaceSelector, NAMESPACE_LABEL_PREFIX);
    combined = combined.replaceAll("all()", "has(projectcalico.org/namespace)");
  }
  if (serviceAccountSelector !== "") {
    combined = prefixAndAppend(combined, serviceAccountSelector, SERVICE_ACCOUNT_LABEL_PREFIX);
    combined = combined.replaceAll("all()", "has(projectcalico.org/serviceaccount)");
  }
  return combined;
}

/** Reads a policy-level selector field: it must parse and must not use `global()`. */
function readPolicySelector(field: Field): string {
  const text = readSelector(field);
  rejectGlobal(field, text);
  return text;
}

/**
 * `types`, lower-cased, each `Ingress` or `Egress` at most once. Empty or absent, Calico's API
 * defaulting decides: egress only when there are egress rules and no ingress rules, both when
 * there are both, else ingress.
 */
function readTypes(field: Field, ingress: readonly Rule[], egress: readonly Rule[]): Policy["types"] {
  const items = field.items();
  const types: ("ingress" | "egress")[] = [];
  for (const item of items) {
    const text = item.string();
    if (text === undefined) {
      if (!item.exists) item.report("error", "expected Ingress or Egress, got null");
      continue;
    }
    if (text !== "Ingress" && text !== "Egress") {
      item.report("error", `invalid policy type ${JSON.stringify(text)}: expected Ingress or Egress`);
      continue;
    }
    const type = text === "Ingress" ? "ingress" : "egress";
    if (types.includes(type)) item.report("error", `${text} is listed more than once`);
    else types.push(type);
  }
  if (items.length > 0) return types;
  if (egress.length === 0) return ["ingress"];
  return ingress.length === 0 ? ["egress"] : ["ingress", "egress"];
}

/** A list's rules, without reporting a list of the wrong type again (convertRules did). */
function ruleFields(list: Field): Field[] {
  return Array.isArray(list.value) ? list.items() : [];
}

/**
 * Calico's checks on `services` matches: only the peer side may name a service (egress
 * destinations, ingress sources), and a GlobalNetworkPolicy must say which namespace it is in.
 */
function checkServices(spec: Field, global: boolean): void {
  for (const [direction, peer, local] of [
    ["ingress", "source", "destination"],
    ["egress", "destination", "source"],
  ] as const) {
    for (const rule of ruleFields(spec.get(direction))) {
      const own = rule.get(local).get("services");
      if (own.exists) own.report("error", `a service can only be matched in the ${peer} of an ${direction} rule`);
      const services = rule.get(peer).get("services");
      if (global && services.exists && (services.get("namespace").string() ?? "") === "") {
        services.get("namespace").report("error", "is required in a GlobalNetworkPolicy");
      }
    }
  }
}

/** GlobalNetworkPolicy's flags, with the combinations Calico's validator refuses. */
function readGlobalFlags(
  spec: Field,
  types: Policy["types"],
  egress: readonly Rule[],
): Pick<Policy, "doNotTrack" | "preDNAT" | "applyOnForward"> {
  const doNotTrack = spec.get("doNotTrack").boolean() ?? false;
  const preDNAT = spec.get("preDNAT").boolean() ?? false;
  const applyOnForward = spec.get("applyOnForward").boolean() ?? false;
  if (doNotTrack && preDNAT) spec.get("preDNAT").report("error", "preDNAT and doNotTrack cannot both be true");
  if (preDNAT && egress.length > 0) spec.get("egress").report("error", "a preDNAT policy cannot have egress rules");
  if (preDNAT && types.includes("egress")) {
    spec.get("types").report("error", "a preDNAT policy cannot have type Egress");
  }
  if (!applyOnForward && (doNotTrack || preDNAT)) {
    spec.get("applyOnForward").report("error", "must be true when preDNAT or doNotTrack is true");
  }
  return { doNotTrack, preDNAT, applyOnForward };
}

function readPolicy(resource: Field, ctx: ConvertContext, policyKind: PolicyKind): Policy {
  const spec = resource.get("spec");
  spec.isObject();
  const global = policyKind === "GlobalNetworkPolicy";
  const namespace = global ? "" : ctx.namespace;
  const selectorField = spec.get("selector");
  const selector = readPolicySelector(selectorField);
  const serviceAccountSelector = readPolicySelector(spec.get("serviceAccountSelector"));
  const combined = global
    ? globalPolicySelector(selector, readPolicySelector(spec.get("namespaceSelector")), serviceAccountSelector)
    : namespacedPolicySelector(selector, namespace, serviceAccountSelector);
  checkCombined(selectorField, combined);

  const ingress = convertRules(spec.get("ingress"), namespace);
  const egress = convertRules(spec.get("egress"), namespace);
  checkServices(spec, global);
  const types = readTypes(spec.get("types"), ingress, egress);
  const flags = global
    ? readGlobalFlags(spec, types, egress)
    : { doNotTrack: false, preDNAT: false, applyOnForward: false };
  const order = spec.get("order").number();
  return {
    kind: "Policy",
    policyKind,
    cluster: ctx.cluster,
    namespace,
    name: ctx.name,
    tier: spec.get("tier").string() || DEFAULT_TIER,
    ...(order === undefined ? {} : { order }),
    selector: combined,
    types,
    ingress,
    egress,
    ...flags,
  };
}

/**
 * Converts a v3 NetworkPolicy-shaped resource into a model policy: `NetworkPolicy` for Calico's
 * own (namespaced), `KubernetesNetworkPolicy` for one converted from a Kubernetes NetworkPolicy
 * (same processing), `GlobalNetworkPolicy` for a global one. Name and namespace come from `ctx`.
 *
 * Returns `undefined` when Calico would refuse the resource; the reasons are in
 * `ctx.diagnostics`, as errors naming the fields. Diagnostics already there are not considered.
 */
export function networkPolicyToModel(resource: Field, ctx: ConvertContext, policyKind: PolicyKind): Policy | undefined {
  return unlessRejected(ctx, () => readPolicy(resource, ctx, policyKind));
}

/** Converts a Calico (`projectcalico.org/v3`) NetworkPolicy. */
export function convertCalicoNetworkPolicy(resource: Field, ctx: ConvertContext): ModelResource[] {
  const policy = networkPolicyToModel(resource, ctx, "NetworkPolicy");
  return policy === undefined ? [] : [policy];
}

/** Converts a Calico GlobalNetworkPolicy. */
export function convertGlobalNetworkPolicy(resource: Field, ctx: ConvertContext): ModelResource[] {
  const policy = networkPolicyToModel(resource, ctx, "GlobalNetworkPolicy");
  return policy === undefined ? [] : [policy];
}

/**
 * Converts a Calico Profile: `labelsToApply` become the labels its endpoints inherit, and its
 * rules are converted as a global policy's (no namespace pinning).
 */
export function convertCalicoProfile(resource: Field, ctx: ConvertContext): ModelResource[] {
  const spec = resource.get("spec");
  const profile = unlessRejected(ctx, (): Profile => {
    spec.isObject();
    return {
      kind: "Profile",
      cluster: ctx.cluster,
      name: ctx.name,
      labels: spec.get("labelsToApply").stringMap(),
      ingress: convertRules(spec.get("ingress"), ""),
      egress: convertRules(spec.get("egress"), ""),
    };
  });
  return profile === undefined ? [] : [profile];
}
