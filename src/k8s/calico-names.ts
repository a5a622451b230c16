/**
 * The label names and name prefixes Calico reserves for Kubernetes identity (spec §2.1), shared
 * by every converter that adds or strips them.
 */

/** Label on every namespaced endpoint and network set: its namespace. */
export const LABEL_NAMESPACE = "projectcalico.org/namespace";
/** Label on every workload endpoint: its orchestrator (`k8s` for pods). */
export const LABEL_ORCHESTRATOR = "projectcalico.org/orchestrator";
/** Label on a pod with a service account: the account's name. */
export const LABEL_SERVICE_ACCOUNT = "projectcalico.org/serviceaccount";
/** Label a namespace or service-account profile applies (under its prefix) with the object's own name. */
export const LABEL_NAME = "projectcalico.org/name";

/** Prefix of the labels endpoints inherit from their namespace's `kns.<ns>` profile. */
export const NAMESPACE_LABEL_PREFIX = "pcns.";
/** Prefix of the labels endpoints inherit from their service account's `ksa.<ns>.<sa>` profile. */
export const SERVICE_ACCOUNT_LABEL_PREFIX = "pcsa.";

/** The profile made from a namespace: `kns.<namespace>`. */
export function namespaceProfileName(namespace: string): string {
  return `kns.${namespace}`;
}

/** The profile made from a service account: `ksa.<namespace>.<serviceAccount>`. */
export function serviceAccountProfileName(namespace: string, serviceAccount: string): string {
  return `ksa.${namespace}.${serviceAccount}`;
}

/**
 * Whether a label key is reserved for profiles (`pcns.`, `pcsa.`): Calico strips such keys from
 * workload endpoints, so a pod cannot pose as being in a namespace or account it is not in.
 */
export function isProfileLabel(key: string): boolean {
  return key.startsWith(NAMESPACE_LABEL_PREFIX) || key.startsWith(SERVICE_ACCOUNT_LABEL_PREFIX);
}
