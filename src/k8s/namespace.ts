/**
 * Namespaces and ServiceAccounts → the profiles their pods inherit labels from (spec §2.1–§2.3).
 *
 * Every pod's endpoint lists two parent profiles, `kns.<namespace>` then `ksa.<namespace>.<sa>`
 * (see pod.ts). A profile's labels are the namespace's (or service account's) own labels under a
 * prefix, plus its name:
 *
 *   Namespace `payments` labelled `team: finance`  →  Profile `kns.payments`
 *     labels `{ "pcns.team": "finance", "pcns.projectcalico.org/name": "payments" }`
 *
 * The prefix is why a policy's `namespaceSelector: team == "finance"` (rewritten by Calico to
 * `pcns.team == "finance"`) can only match inherited namespace labels: pod conversion drops any
 * `pcns.`/`pcsa.` label a pod sets on itself. Namespace profiles allow all traffic (the rules
 * Felix applies to a pod that no policy selects); service-account profiles carry no rules.
 */
import type { EntityMatch, ModelResource, Profile, Rule } from "../model/index.js";
import {
  LABEL_NAME,
  NAMESPACE_LABEL_PREFIX,
  namespaceProfileName,
  SERVICE_ACCOUNT_LABEL_PREFIX,
  serviceAccountProfileName,
} from "./calico-names.js";
import { type ConvertContext, type Field, setOwn } from "./read.js";

const ANY: EntityMatch = { nets: [], notNets: [], selector: "", notSelector: "", ports: [], notPorts: [] };
const ALLOW_ALL: Rule = { action: "allow", source: ANY, destination: ANY };

/** The object's labels re-keyed under `prefix`, then `<prefix>projectcalico.org/name` (which wins over a same-named label). */
function profileLabels(resource: Field, prefix: string, name: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(resource.get("metadata").get("labels").stringMap())) {
    setOwn(labels, prefix + key, value);
  }
  setOwn(labels, prefix + LABEL_NAME, name);
  return labels;
}

/** Converts a v1 Namespace into its `kns.<name>` profile: prefixed labels, allow-all ingress and egress (§2.2). */
export function convertNamespace(resource: Field, ctx: ConvertContext): ModelResource[] {
  const profile: Profile = {
    kind: "Profile",
    cluster: ctx.cluster,
    name: namespaceProfileName(ctx.name),
    labels: profileLabels(resource, NAMESPACE_LABEL_PREFIX, ctx.name),
    ingress: [ALLOW_ALL],
    egress: [ALLOW_ALL],
  };
  return [profile];
}

/** Converts a v1 ServiceAccount into its `ksa.<namespace>.<name>` profile: prefixed labels, no rules (§2.3). */
export function convertServiceAccount(resource: Field, ctx: ConvertContext): ModelResource[] {
  const profile: Profile = {
    kind: "Profile",
    cluster: ctx.cluster,
    name: serviceAccountProfileName(ctx.namespace, ctx.name),
    labels: profileLabels(resource, SERVICE_ACCOUNT_LABEL_PREFIX, ctx.name),
    ingress: [],
    egress: [],
  };
  return [profile];
}
