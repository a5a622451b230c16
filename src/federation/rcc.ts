/**
 * RemoteClusterConfiguration validation: which RCCs Calico would accept and connect with, and the
 * status values a remote connection goes through (federation.md A.2, A.3).
 *
 * Owns the rules for an RCC's `spec` exactly as Calico's code applies them (the struct tags on
 * `RemoteClusterConfigurationSpec` plus `validateRemoteClusterConfigSpec` in libcalico-go's v3
 * validator), which are looser and in places different from the reference docs. For example
 *
 *   spec: { datastoreType: kubernetes, kubeconfig: /etc/tigera/east.kubeconfig, etcdUsername: admin }
 *
 * is valid for Calico (the etcd user name is not refused for a kubernetes datastore, see below),
 * while the same spec with `etcdPassword` instead is not.
 *
 * Go decodes the spec into plain strings and a bool, so an empty string and `null` mean "not set"
 * (every field carries `omitempty`), and a value of the wrong JSON type makes the whole resource
 * undecodable. Everything here is a pure function of one RCC: it must not know about other RCCs,
 * other clusters, Secrets or the files the paths point to.
 */
import type { Diagnostic, RemoteClusterConfiguration } from "../model/index.js";

/**
 * The state of the connection to one remote cluster, as Typha and kube-controllers record it
 * (`RemoteClusterStatus.status`, keyed by RCC name) and export it in the
 * `remote_cluster_connection_status{remote_cluster_name}` gauge; see
 * {@link REMOTE_CLUSTER_STATUS_GAUGE} for each value's meaning and gauge number.
 *
 * - `Connecting`: the first status of every new RCC.
 * - `ResyncInProgress`: the remote syncer is (re)listing the remote datastore.
 * - `InSync`: the remote syncer finished its list; remote endpoints are current.
 * - `ConnectionFailed`: the client could not be created (retried every 10 s) or the remote watch
 *   failed; remote endpoint data is kept as last seen, federated-service backends are dropped.
 * - `ConfigIncomplete`: the access secret is missing or invalid, or the RCC became invalid; remote
 *   data is deleted.
 * - `ConfigChangeRestartRequired`: the connection data or `overlayRoutingMode` of a valid RCC
 *   changed; Typha and kube-controllers restart themselves to apply it.
 */
export type RemoteClusterStatus =
  | "Connecting"
  | "ResyncInProgress"
  | "InSync"
  | "ConnectionFailed"
  | "ConfigIncomplete"
  | "ConfigChangeRestartRequired";

/**
 * The value each {@link RemoteClusterStatus} takes in the `remote_cluster_connection_status` gauge
 * (federation.md A.3). The "recommended metrics" doc page lists only 0–4 and calls 0 "Not
 * Connected"; the metric's help text calls it "NotConnecting".
 */
export const REMOTE_CLUSTER_STATUS_GAUGE: Readonly<Record<RemoteClusterStatus, number>> = {
  /** 0: client creation failed or the remote watch reported a sync failure; carries the error text. */
  ConnectionFailed: 0,
  /** 1: the first event for every new RCC. */
  Connecting: 1,
  /** 2: the remote syncer completed its list. */
  InSync: 2,
  /** 3: the remote syncer is (re)listing. */
  ResyncInProgress: 3,
  /** 4: the connection data or overlayRoutingMode of a valid RCC changed; a restart applies it. */
  ConfigChangeRestartRequired: 4,
  /**
   * 5: the secret is missing or invalid, or the config became invalid (error text `Config is
   * incomplete, stopping watch remote` when a previously valid RCC is invalidated).
   */
  ConfigIncomplete: 5,
};

/** How a connection field is checked, after its JSON type (string, or boolean for one field). */
type FieldFormat = "text" | "file" | "etcdEndpoints" | "k8sEndpoint" | "boolean";

/**
 * Every datastore-connection field of the Go type, by JSON name. They are the fields that must be
 * empty beside `clusterAccessSecret`. The last four are in the Go type (with `ignored:"true"`, so
 * they hold contents Calico copies out of the secret) but not in the docs; Calico still reads them
 * when no secret is used, so they are known, and flagged as undocumented.
 */
const CONNECTION_FIELDS: ReadonlyMap<string, FieldFormat> = new Map<string, FieldFormat>([
  ["datastoreType", "text"],
  ["etcdEndpoints", "etcdEndpoints"],
  ["etcdUsername", "text"],
  ["etcdPassword", "text"],
  ["etcdKeyFile", "file"],
  ["etcdCertFile", "file"],
  ["etcdCACertFile", "file"],
  ["kubeconfig", "file"],
  ["k8sAPIEndpoint", "k8sEndpoint"],
  ["k8sKeyFile", "file"],
  ["k8sCertFile", "file"],
  ["k8sCAFile", "file"],
  ["k8sAPIToken", "text"],
  ["k8sInsecureSkipTLSVerify", "boolean"],
  ["etcdKey", "text"],
  ["etcdCert", "text"],
  ["etcdCACert", "text"],
  ["kubeconfigInline", "text"],
]);

/** Go-type fields the docs do not list: accepted, but worth a word. */
const UNDOCUMENTED_FIELDS: ReadonlySet<string> = new Set(["etcdKey", "etcdCert", "etcdCACert", "kubeconfigInline"]);

/**
 * etcd fields a `kubernetes` RCC may not carry, in the order Calico checks them. `etcdUsername` is
 * missing on purpose: Calico's validator checks `EtcdPassword` twice, where the second check was
 * evidently meant for `EtcdUsername`, so a user name is accepted. We match Calico, not its intent.
 * The inline `etcdKey`/`etcdCert`/`etcdCACert` are not refused either.
 */
const ETCD_ONLY_FIELDS: readonly string[] = [
  "etcdEndpoints",
  "etcdCACertFile",
  "etcdCertFile",
  "etcdKeyFile",
  "etcdPassword",
];

/** Fields holding credentials: messages name their value's type, never the value. */
const SENSITIVE_FIELDS: ReadonlySet<string> = new Set([
  "etcdPassword",
  "k8sAPIToken",
  "etcdKey",
  "etcdCert",
  "etcdCACert",
  "kubeconfigInline",
]);

/** Calico's `datastoreType` pattern. An empty value is refused (the Go comment's "defaults to etcdv3" is not what happens). */
const DATASTORE_TYPES: ReadonlySet<string> = new Set(["etcdv3", "kubernetes"]);

/**
 * Calico's endpoint patterns, copied from the validator (`endpointFmt = "https?://[^:]+:\\d+"`).
 * The host may not contain `:`, so IPv6 literals (`https://[fd00::1]:2379`) are refused, and the
 * port is mandatory. etcd endpoints are a comma list with no spaces.
 */
const ENDPOINT = "https?://[^:]+:[0-9]+";
const K8S_ENDPOINT = new RegExp(`^${ENDPOINT}$`);
const ETCD_ENDPOINTS = new RegExp(`^${ENDPOINT}(,${ENDPOINT})*$`);

/** `overlayRoutingMode` values (`oneof=Enabled Disabled`, case-sensitive). */
const OVERLAY_ROUTING_MODES: ReadonlySet<string> = new Set(["Enabled", "Disabled"]);

/** Fields of a Kubernetes ObjectReference, the type of `clusterAccessSecret`. */
const OBJECT_REFERENCE_FIELDS: ReadonlySet<string> = new Set([
  "kind",
  "namespace",
  "name",
  "uid",
  "apiVersion",
  "resourceVersion",
  "fieldPath",
]);

/** Every spec field Calico knows, for the unknown-field check and its spelling hints. */
const SPEC_FIELDS: readonly string[] = [...CONNECTION_FIELDS.keys(), "clusterAccessSecret", "syncOptions"];

/** Reports problems about one RCC, each already carrying the resource's identity. */
type Report = (severity: Diagnostic["severity"], field: string, message: string) => void;

/**
 * Validates a RemoteClusterConfiguration's spec as Calico does (federation.md A.2), returning one
 * diagnostic per problem: `error` for what makes Calico refuse the resource or leaves it unable to
 * connect, `warning` for what Calico accepts but is probably not meant. Never throws.
 *
 * Rules: with `clusterAccessSecret` (an object with a `name`) every other connection field must be
 * empty, `syncOptions` excepted; without it `datastoreType` must be `etcdv3` or `kubernetes`, and a
 * `kubernetes` RCC may not carry etcd endpoints, password or key/cert/CA files (an `etcdv3` RCC may
 * carry Kubernetes fields, which the federated-services controller uses). Set values must be well
 * formed: etcd endpoints a comma list of `http(s)://host:port`, the Kubernetes API endpoint one
 * such URL, file paths free of NUL, `k8sInsecureSkipTLSVerify` a boolean,
 * `syncOptions.overlayRoutingMode` `Enabled` or `Disabled`. Unknown fields are warnings.
 */
export function validateRemoteClusterConfiguration(rcc: RemoteClusterConfiguration): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const report: Report = (severity, field, message) => {
    diagnostics.push({
      severity,
      message,
      cluster: rcc.cluster,
      kind: "RemoteClusterConfiguration",
      name: rcc.name,
      field: `spec.${field}`,
    });
  };
  const spec = rcc.spec;
  const set = connectionFieldsSet(spec, report);
  const secretSet = checkClusterAccessSecret(spec.clusterAccessSecret, report);
  checkSyncOptions(spec.syncOptions, report);
  checkUnknownFields(spec, report);

  // Field-level rules first (Calico's struct tags), then the cross-field rules. A field that breaks
  // a cross-field rule is reported once, for that rule: its format no longer matters.
  const crossField = secretSet ? checkExclusiveWithSecret(set, report) : checkWithoutSecret(set, report);
  for (const [field, value] of set) {
    if (!crossField.has(field)) checkFormat(field, value, report);
  }
  for (const field of set.keys()) {
    if (UNDOCUMENTED_FIELDS.has(field) && !crossField.has(field)) {
      report(
        "warning",
        field,
        "is not a documented field: Calico fills it from the cluster access secret; put the contents in a Secret and use clusterAccessSecret instead",
      );
    }
  }
  if (!secretSet) checkSomethingToConnectTo(set, report);
  return diagnostics;
}

/** Whether Calico would accept the RCC and try to connect with it: no `error` diagnostics. */
export function isValidRemoteCluster(rcc: RemoteClusterConfiguration): boolean {
  return validateRemoteClusterConfiguration(rcc).every((d) => d.severity !== "error");
}

/**
 * The connection fields that are set, with their values. A value of the wrong JSON type is reported
 * (Go cannot decode it, so the API server refuses the resource) and then treated as not set.
 */
function connectionFieldsSet(spec: Readonly<Record<string, unknown>>, report: Report): Map<string, string | boolean> {
  const set = new Map<string, string | boolean>();
  for (const [field, format] of CONNECTION_FIELDS) {
    if (!Object.hasOwn(spec, field)) continue;
    const value = spec[field];
    if (value === null || value === undefined) continue;
    if (format === "boolean") {
      if (typeof value !== "boolean") report("error", field, `must be true or false, not ${describe(value)}`);
      else if (value) set.set(field, value);
    } else if (typeof value !== "string") {
      const shown = SENSITIVE_FIELDS.has(field) ? typeName(value) : describe(value);
      report("error", field, `must be a string, not ${shown}`);
    } else if (value !== "") {
      set.set(field, value);
    }
  }
  return set;
}

/**
 * Checks `clusterAccessSecret` and says whether it is set. Calico's `clusterAccessSecret` field
 * validator (kind must equal the Secret type's kind) is registered on a struct-pointer field, which
 * go-playground/validator v9 never runs tag validators on, so Calico accepts any `kind` (its own
 * tests use `v1.Secret`) and reads the Secret by namespace and name regardless. A kind other than
 * `Secret` is therefore only a warning here.
 */
function checkClusterAccessSecret(value: unknown, report: Report): boolean {
  if (value === undefined || value === null) return false;
  if (!isRecord(value)) {
    report(
      "error",
      "clusterAccessSecret",
      `must be an object reference ({name, namespace, kind: Secret}), not ${describe(value)}`,
    );
    // Still counts as set: the user meant a secret, so "datastoreType is required" would mislead.
    return true;
  }
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (!OBJECT_REFERENCE_FIELDS.has(key)) {
      report("warning", `clusterAccessSecret.${key}`, "is not a field of an object reference and is ignored");
    } else if (v !== null && v !== undefined && typeof v !== "string") {
      report("error", `clusterAccessSecret.${key}`, `must be a string, not ${describe(v)}`);
    }
  }
  const name = value.name;
  if (typeof name !== "string" || name === "") {
    report(
      "error",
      "clusterAccessSecret.name",
      "is required: without it Calico cannot read the secret, and the remote cluster stays ConfigIncomplete",
    );
  }
  const kind = value.kind;
  if (typeof kind === "string" && kind !== "" && kind !== "Secret") {
    report(
      "warning",
      "clusterAccessSecret.kind",
      `is ${JSON.stringify(kind)}: the reference must name a Secret (kind: Secret); Calico reads a Secret by namespace and name whatever the kind says`,
    );
  }
  return true;
}

/** With a secret, every other connection field must be empty (Calico compares the spec with one holding only the secret and syncOptions). */
function checkExclusiveWithSecret(set: ReadonlyMap<string, unknown>, report: Report): Set<string> {
  for (const field of set.keys()) {
    report(
      "error",
      field,
      "must not be set together with clusterAccessSecret: the secret supplies all connection data (only syncOptions may be set beside it); move this value into the secret or drop the secret",
    );
  }
  return new Set(set.keys());
}

/** Without a secret: the datastore type is required, and a kubernetes RCC may not carry etcd settings. */
function checkWithoutSecret(set: ReadonlyMap<string, string | boolean>, report: Report): Set<string> {
  const reported = new Set<string>();
  const datastoreType = set.get("datastoreType");
  if (datastoreType === undefined) {
    report(
      "error",
      "datastoreType",
      "is required when clusterAccessSecret is not used: set it to kubernetes or etcdv3 (Calico does not default it)",
    );
  } else if (typeof datastoreType === "string" && !DATASTORE_TYPES.has(datastoreType)) {
    report("error", "datastoreType", `must be kubernetes or etcdv3, not ${JSON.stringify(datastoreType)}`);
    reported.add("datastoreType");
  }
  if (datastoreType === "kubernetes") {
    for (const field of ETCD_ONLY_FIELDS) {
      if (!set.has(field)) continue;
      report("error", field, "can't be used with datastoreType kubernetes: remove it, or use datastoreType etcdv3");
      reported.add(field);
    }
  }
  return reported;
}

/** Checks one set value against its field's format (Calico's struct tags). */
function checkFormat(field: string, value: string | boolean, report: Report): void {
  if (typeof value !== "string") return;
  switch (CONNECTION_FIELDS.get(field)) {
    case "file":
      // Calico's `file` tag is `^[^\x00]+$`; emptiness is `omitempty`, i.e. not set.
      if (value.includes("\0")) report("error", field, "must be a file path without NUL characters");
      break;
    case "etcdEndpoints":
      if (!ETCD_ENDPOINTS.test(value)) {
        report(
          "error",
          field,
          `${JSON.stringify(value)} is not a comma-separated list of http(s)://host:port URLs (no spaces, explicit ports, no IPv6 literal hosts)`,
        );
      }
      break;
    case "k8sEndpoint":
      if (!K8S_ENDPOINT.test(value)) {
        report(
          "error",
          field,
          `${JSON.stringify(value)} is not one http(s)://host:port URL (the port is required, and an IPv6 literal host is not accepted)`,
        );
      }
      break;
    default:
      break;
  }
}

/**
 * Warns about an RCC that Calico accepts but that names nothing to connect to. A `kubernetes` RCC
 * without kubeconfig or API endpoint gets client-go's defaults, which inside a pod are the
 * in-cluster configuration: Typha would "federate" the local cluster with itself.
 */
function checkSomethingToConnectTo(set: ReadonlyMap<string, unknown>, report: Report): void {
  const type = set.get("datastoreType");
  if (type === "kubernetes" && !set.has("kubeconfig") && !set.has("k8sAPIEndpoint") && !set.has("kubeconfigInline")) {
    report(
      "warning",
      "kubeconfig",
      "neither kubeconfig nor k8sAPIEndpoint is set: Calico accepts this, but the client then falls back to its in-cluster configuration, which is the local cluster",
    );
  }
  if (type === "etcdv3" && !set.has("etcdEndpoints")) {
    report("warning", "etcdEndpoints", "is not set: Calico accepts this, but there is no remote etcd to connect to");
  }
}

/** Checks `syncOptions` (exempt from the secret rule) and its one field. */
function checkSyncOptions(value: unknown, report: Report): void {
  if (value === undefined || value === null) return;
  if (!isRecord(value)) {
    report(
      "error",
      "syncOptions",
      `must be an object ({overlayRoutingMode: Enabled|Disabled}), not ${describe(value)}`,
    );
    return;
  }
  for (const key of Object.keys(value)) {
    if (key !== "overlayRoutingMode")
      report("warning", `syncOptions.${key}`, "is not a field of syncOptions and is ignored");
  }
  const mode = value.overlayRoutingMode;
  if (mode === undefined || mode === null || mode === "") return;
  if (typeof mode !== "string" || !OVERLAY_ROUTING_MODES.has(mode)) {
    report("error", "syncOptions.overlayRoutingMode", `must be Enabled or Disabled, not ${describe(mode)}`);
  }
}

/** Warns about spec fields Calico does not know; the CRD prunes them, so a typo silently loses a setting. */
function checkUnknownFields(spec: Readonly<Record<string, unknown>>, report: Report): void {
  for (const key of Object.keys(spec)) {
    if (SPEC_FIELDS.includes(key)) continue;
    const hint = SPEC_FIELDS.find((known) => known.toLowerCase() === key.toLowerCase());
    report(
      "warning",
      key,
      `is not a RemoteClusterConfiguration field and is dropped${hint === undefined ? "" : ` (did you mean ${hint}?)`}`,
    );
  }
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** A short description of a JSON value for messages, without echoing secrets in full. */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return `${typeof value} ${String(value)}`;
}
