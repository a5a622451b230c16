/**
 * RemoteClusterConfiguration validation (federation.md A.2): every rule of Calico's validator,
 * with specs written as a user writes them in `calicoctl`/`kubectl` YAML.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  isValidRemoteCluster,
  REMOTE_CLUSTER_STATUS_GAUGE,
  validateRemoteClusterConfiguration,
} from "../../src/federation/rcc.js";
import type { Diagnostic, RemoteClusterConfiguration } from "../../src/model/index.js";

function rcc(spec: Record<string, unknown>, name = "east", cluster = ""): RemoteClusterConfiguration {
  return { kind: "RemoteClusterConfiguration", cluster, name, spec };
}

/** The kubeconfig-file RCC of the setup guide. */
const KUBECONFIG_SPEC = {
  datastoreType: "kubernetes",
  kubeconfig: "/etc/tigera-federation-remotecluster/kubeconfig-east",
};
/** The secret RCC of the current setup guide. */
const SECRET_SPEC = {
  clusterAccessSecret: { name: "remote-cluster-secret-name", namespace: "calico-system", kind: "Secret" },
};

function problems(spec: Record<string, unknown>): Diagnostic[] {
  return validateRemoteClusterConfiguration(rcc(spec));
}

function errorsOn(spec: Record<string, unknown>): string[] {
  return problems(spec)
    .filter((d) => d.severity === "error")
    .map((d) => d.field ?? "");
}

function warningsOn(spec: Record<string, unknown>): string[] {
  return problems(spec)
    .filter((d) => d.severity === "warning")
    .map((d) => d.field ?? "");
}

describe("valid RCCs", () => {
  it.each([
    ["kubernetes with a kubeconfig file", KUBECONFIG_SPEC],
    [
      "kubernetes with individual k8s fields",
      {
        datastoreType: "kubernetes",
        k8sAPIEndpoint: "https://10.10.0.1:6443",
        k8sKeyFile: "/etc/tigera/east/client.key",
        k8sCertFile: "/etc/tigera/east/client.crt",
        k8sCAFile: "/etc/tigera/east/ca.crt",
        k8sAPIToken: "eyJhbGciOiJSUzI1NiIsImtpZCI6Ii1",
        k8sInsecureSkipTLSVerify: false,
      },
    ],
    [
      "kubernetes with an API endpoint overriding the kubeconfig",
      { ...KUBECONFIG_SPEC, k8sAPIEndpoint: "https://api.east.example.com:443" },
    ],
    [
      "etcdv3 with endpoints, credentials and TLS files",
      {
        datastoreType: "etcdv3",
        etcdEndpoints: "https://10.0.1.10:2379,https://10.0.1.11:2379,http://etcd-2.east.internal:2379",
        etcdUsername: "calico",
        etcdPassword: "s3cret",
        etcdKeyFile: "/etc/calico/etcd/client.key",
        etcdCertFile: "/etc/calico/etcd/client.crt",
        etcdCACertFile: "/etc/calico/etcd/ca.crt",
      },
    ],
    [
      "etcdv3 also carrying Kubernetes access for federated services",
      { datastoreType: "etcdv3", etcdEndpoints: "https://10.0.1.10:2379", kubeconfig: "/etc/tigera/east.kubeconfig" },
    ],
    ["only a cluster access secret", SECRET_SPEC],
    ["a secret without namespace or kind", { clusterAccessSecret: { name: "east-access" } }],
    ["a secret with syncOptions", { ...SECRET_SPEC, syncOptions: { overlayRoutingMode: "Enabled" } }],
    [
      "kubeconfig with overlay routing disabled",
      { ...KUBECONFIG_SPEC, syncOptions: { overlayRoutingMode: "Disabled" } },
    ],
    ["empty syncOptions", { ...KUBECONFIG_SPEC, syncOptions: {} }],
    ["null fields (Go decodes them as unset)", { ...KUBECONFIG_SPEC, etcdPassword: null, clusterAccessSecret: null }],
    ["empty strings (omitempty: unset)", { ...KUBECONFIG_SPEC, etcdEndpoints: "", k8sCAFile: "" }],
  ])("accepts %s without any diagnostic", (_, spec) => {
    expect(problems(spec)).toEqual([]);
    expect(isValidRemoteCluster(rcc(spec))).toBe(true);
  });

  it("keeps etcdUsername on a kubernetes RCC, as Calico does", () => {
    expect(problems({ ...KUBECONFIG_SPEC, etcdUsername: "admin" })).toEqual([]);
  });
});

describe("diagnostics", () => {
  it("name the resource, its cluster and the field", () => {
    const [d] = validateRemoteClusterConfiguration(rcc({ datastoreType: "etcd" }, "south", "west"));
    expect(d).toEqual({
      severity: "error",
      message: 'must be kubernetes or etcdv3, not "etcd"',
      cluster: "west",
      kind: "RemoteClusterConfiguration",
      name: "south",
      field: "spec.datastoreType",
    });
  });
});

describe("clusterAccessSecret", () => {
  it.each([
    ["datastoreType", "kubernetes"],
    ["etcdEndpoints", "https://10.0.1.10:2379"],
    ["etcdUsername", "calico"],
    ["etcdPassword", "s3cret"],
    ["etcdKeyFile", "/k"],
    ["etcdCertFile", "/c"],
    ["etcdCACertFile", "/ca"],
    ["kubeconfig", "/etc/tigera/east.kubeconfig"],
    ["k8sAPIEndpoint", "https://10.10.0.1:6443"],
    ["k8sKeyFile", "/k"],
    ["k8sCertFile", "/c"],
    ["k8sCAFile", "/ca"],
    ["k8sAPIToken", "token"],
    ["k8sInsecureSkipTLSVerify", true],
    ["kubeconfigInline", "apiVersion: v1"],
    ["etcdKey", "-----BEGIN"],
  ])("refuses %s beside the secret", (field, value) => {
    const found = problems({ ...SECRET_SPEC, [field]: value });
    expect(found).toEqual([
      expect.objectContaining({
        severity: "error",
        field: `spec.${field}`,
        message: expect.stringContaining("must not be set together with clusterAccessSecret"),
      }),
    ]);
  });

  it("reports each connection field beside the secret once, not its format too", () => {
    expect(errorsOn({ ...SECRET_SPEC, datastoreType: "etcd", k8sAPIEndpoint: "nope" })).toEqual([
      "spec.datastoreType",
      "spec.k8sAPIEndpoint",
    ]);
  });

  it("allows k8sInsecureSkipTLSVerify: false beside the secret (it is Go's zero value)", () => {
    expect(problems({ ...SECRET_SPEC, k8sInsecureSkipTLSVerify: false })).toEqual([]);
  });

  it("needs a name to find the secret", () => {
    expect(errorsOn({ clusterAccessSecret: { namespace: "calico-system", kind: "Secret" } })).toEqual([
      "spec.clusterAccessSecret.name",
    ]);
    expect(errorsOn({ clusterAccessSecret: { name: "" } })).toEqual(["spec.clusterAccessSecret.name"]);
  });

  it("only warns about a kind other than Secret, which Calico never checks", () => {
    expect(warningsOn({ clusterAccessSecret: { name: "east", kind: "ConfigMap" } })).toEqual([
      "spec.clusterAccessSecret.kind",
    ]);
    expect(isValidRemoteCluster(rcc({ clusterAccessSecret: { name: "east", kind: "v1.Secret" } }))).toBe(true);
  });

  it("must be an object reference", () => {
    expect(errorsOn({ clusterAccessSecret: "remote-cluster-secret-name" })).toEqual(["spec.clusterAccessSecret"]);
  });

  it("refuses non-string reference fields and warns about unknown ones", () => {
    expect(errorsOn({ clusterAccessSecret: { name: "east", namespace: 7 } })).toEqual([
      "spec.clusterAccessSecret.namespace",
    ]);
    expect(warningsOn({ clusterAccessSecret: { name: "east", key: "kubeconfig" } })).toEqual([
      "spec.clusterAccessSecret.key",
    ]);
  });

  it("skips the datastoreType rule, as Calico returns early", () => {
    expect(errorsOn(SECRET_SPEC)).toEqual([]);
  });
});

describe("datastoreType", () => {
  it.each([
    ["missing", {}, "is required when clusterAccessSecret is not used"],
    ["empty", { datastoreType: "" }, "is required"],
    ["unknown", { datastoreType: "etcd" }, "must be kubernetes or etcdv3"],
    ["differently cased", { datastoreType: "Kubernetes" }, "must be kubernetes or etcdv3"],
    ["not a string", { datastoreType: 3 }, "must be a string"],
  ])("refuses a %s type", (_, spec, message) => {
    expect(problems({ kubeconfig: "/k", ...spec })).toContainEqual(
      expect.objectContaining({
        severity: "error",
        field: "spec.datastoreType",
        message: expect.stringContaining(message),
      }),
    );
  });
});

describe("etcd fields on a kubernetes RCC", () => {
  it.each([
    ["etcdEndpoints", "https://10.0.1.10:2379"],
    ["etcdPassword", "s3cret"],
    ["etcdKeyFile", "/etc/calico/etcd/client.key"],
    ["etcdCertFile", "/etc/calico/etcd/client.crt"],
    ["etcdCACertFile", "/etc/calico/etcd/ca.crt"],
  ])("refuses %s", (field, value) => {
    expect(problems({ ...KUBECONFIG_SPEC, [field]: value })).toEqual([
      expect.objectContaining({
        severity: "error",
        field: `spec.${field}`,
        message: expect.stringContaining("can't be used with datastoreType kubernetes"),
      }),
    ]);
  });
});

describe("etcdEndpoints", () => {
  const etcd = (etcdEndpoints: string) => ({ datastoreType: "etcdv3", etcdEndpoints });

  it.each(["http://123.123.123.123:2379", "http://123.123.123.123:2379,https://1.1.1.1:123", "https://etcd.east:2379"])(
    "accepts %s",
    (endpoints) => {
      expect(problems(etcd(endpoints))).toEqual([]);
    },
  );

  it.each([
    ["a bad scheme", "httpp:/1:500"],
    ["no port", "https://10.0.1.10"],
    ["a space after the comma", "https://a:2379, https://b:2379"],
    ["a trailing comma", "https://a:2379,"],
    ["an IPv6 literal", "https://[fd00::10]:2379"],
    ["a bare host:port", "10.0.1.10:2379"],
  ])("refuses %s", (_, endpoints) => {
    expect(errorsOn(etcd(endpoints))).toEqual(["spec.etcdEndpoints"]);
  });
});

describe("k8sAPIEndpoint", () => {
  const k8s = (k8sAPIEndpoint: string) => ({ datastoreType: "kubernetes", k8sAPIEndpoint });

  it.each(["https://127.0.0.1:880", "http://api.east.example.com:8080"])("accepts %s", (endpoint) => {
    expect(problems(k8s(endpoint))).toEqual([]);
  });

  it.each([
    ["a misspelt scheme", "htps://127.0.0.1:880"],
    ["no port", "https://api.east.example.com"],
    ["a list", "https://a:6443,https://b:6443"],
    ["an IPv6 literal", "https://[fd00::1]:6443"],
  ])("refuses %s", (_, endpoint) => {
    expect(errorsOn(k8s(endpoint))).toEqual(["spec.k8sAPIEndpoint"]);
  });
});

describe("file paths", () => {
  it.each(["kubeconfig", "k8sKeyFile", "k8sCertFile", "k8sCAFile"])("refuses a NUL in %s", (field) => {
    expect(
      errorsOn({ datastoreType: "kubernetes", k8sAPIEndpoint: "https://a:6443", [field]: "/a/secret/\0null/" }),
    ).toEqual([`spec.${field}`]);
  });

  it.each(["etcdKeyFile", "etcdCertFile", "etcdCACertFile"])("refuses a NUL in %s", (field) => {
    expect(errorsOn({ datastoreType: "etcdv3", etcdEndpoints: "https://a:2379", [field]: "/a\0b" })).toEqual([
      `spec.${field}`,
    ]);
  });

  it("accepts an ordinary relative path (Calico does not require absolute paths)", () => {
    expect(problems({ datastoreType: "kubernetes", kubeconfig: "east.kubeconfig" })).toEqual([]);
  });
});

describe("value types", () => {
  it.each([
    ["k8sAPIToken", 12345, "must be a string"],
    ["kubeconfig", ["/a", "/b"], "must be a string, not a list"],
    ["k8sInsecureSkipTLSVerify", "true", "must be true or false"],
  ])("refuses %s given as %j", (field, value, message) => {
    expect(problems({ ...KUBECONFIG_SPEC, [field]: value })).toContainEqual(
      expect.objectContaining({ severity: "error", field: `spec.${field}`, message: expect.stringContaining(message) }),
    );
  });

  it("accepts k8sInsecureSkipTLSVerify: true", () => {
    expect(problems({ ...KUBECONFIG_SPEC, k8sInsecureSkipTLSVerify: true })).toEqual([]);
  });
});

describe("syncOptions", () => {
  it.each(["enabled", "On", "true"])("refuses overlayRoutingMode %s", (mode) => {
    expect(errorsOn({ ...KUBECONFIG_SPEC, syncOptions: { overlayRoutingMode: mode } })).toEqual([
      "spec.syncOptions.overlayRoutingMode",
    ]);
  });

  it("must be an object", () => {
    expect(errorsOn({ ...KUBECONFIG_SPEC, syncOptions: "Enabled" })).toEqual(["spec.syncOptions"]);
  });

  it("warns about unknown sync options", () => {
    expect(warningsOn({ ...KUBECONFIG_SPEC, syncOptions: { overlayRouting: "Enabled" } })).toEqual([
      "spec.syncOptions.overlayRouting",
    ]);
  });
});

describe("warnings", () => {
  it("names unknown fields, with a hint for a wrong case", () => {
    const found = problems({ ...KUBECONFIG_SPEC, kubeConfig: "/x", clusterName: "east" });
    expect(found).toEqual([
      expect.objectContaining({
        severity: "warning",
        field: "spec.kubeConfig",
        message: expect.stringContaining("did you mean kubeconfig?"),
      }),
      expect.objectContaining({ severity: "warning", field: "spec.clusterName" }),
    ]);
    expect(isValidRemoteCluster(rcc({ ...KUBECONFIG_SPEC, kubeConfig: "/x" }))).toBe(true);
  });

  it("flags a kubernetes RCC with nothing to connect to (it would reach the local cluster)", () => {
    expect(problems({ datastoreType: "kubernetes" })).toEqual([
      expect.objectContaining({
        severity: "warning",
        field: "spec.kubeconfig",
        message: expect.stringContaining("in-cluster configuration"),
      }),
    ]);
  });

  it("flags an etcdv3 RCC without endpoints", () => {
    expect(warningsOn({ datastoreType: "etcdv3", etcdUsername: "calico" })).toEqual(["spec.etcdEndpoints"]);
  });

  it("flags the undocumented inline fields", () => {
    expect(warningsOn({ datastoreType: "kubernetes", kubeconfigInline: "apiVersion: v1" })).toEqual([
      "spec.kubeconfigInline",
    ]);
  });
});

describe("RemoteClusterStatus", () => {
  it("maps every status to its gauge value", () => {
    expect(REMOTE_CLUSTER_STATUS_GAUGE).toEqual({
      ConnectionFailed: 0,
      Connecting: 1,
      InSync: 2,
      ResyncInProgress: 3,
      ConfigChangeRestartRequired: 4,
      ConfigIncomplete: 5,
    });
  });
});

describe("properties", () => {
  const fields = [
    "datastoreType",
    "clusterAccessSecret",
    "etcdEndpoints",
    "etcdUsername",
    "etcdPassword",
    "etcdKeyFile",
    "kubeconfig",
    "k8sAPIEndpoint",
    "k8sAPIToken",
    "k8sInsecureSkipTLSVerify",
    "syncOptions",
    "kubeConfig",
    "__proto__",
  ];
  const value = fc.oneof(
    fc.constantFrom("", "kubernetes", "etcdv3", "https://a:1", "/etc/k", "Enabled", "\0", "Secret"),
    fc.boolean(),
    fc.integer(),
    fc.constant(null),
    fc.dictionary(fc.constantFrom("name", "namespace", "kind", "overlayRoutingMode", "x"), fc.string(), {
      maxKeys: 3,
    }),
  );
  const spec = fc.dictionary(fc.constantFrom(...fields), value, { maxKeys: 6 });

  test.prop([spec])("never throws; every diagnostic names a spec field of this RCC", (s) => {
    const found = validateRemoteClusterConfiguration(rcc(s, "east", "west"));
    for (const d of found) {
      expect(d.field).toMatch(/^spec\./);
      expect(d).toMatchObject({ kind: "RemoteClusterConfiguration", name: "east", cluster: "west" });
      expect(d.message.length).toBeGreaterThan(0);
    }
    expect(isValidRemoteCluster(rcc(s))).toBe(found.every((d) => d.severity === "warning"));
  });

  test.prop([spec])("a secret with any other connection field set is never valid", (s) => {
    const withSecret = { ...s, clusterAccessSecret: { name: "east-access" }, etcdUsername: "calico" };
    expect(isValidRemoteCluster(rcc(withSecret))).toBe(false);
  });
});

describe("messages", () => {
  it("never echo a credential given with the wrong type", () => {
    const [d] = problems({ ...KUBECONFIG_SPEC, k8sAPIToken: 4815162342 });
    expect(d?.message).toBe("must be a string, not a number");
  });
});
