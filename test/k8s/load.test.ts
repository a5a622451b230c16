import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { loadResources, readResources } from "../../src/k8s/load.js";
import { formatDiagnostic } from "../../src/model/index.js";

/** A resource kind no converter handles: its diagnostic proves the loader reached it. */
const bogus = (name: string) => `{apiVersion: example.com/v1, kind: Widget, metadata: {name: ${name}}}`;

function messages(text: string): string[] {
  return loadResources(text, { file: "cluster.yaml" }).diagnostics.map(formatDiagnostic);
}

describe("loadResources", () => {
  it("reads every document of a multi-document file and names each one", () => {
    expect(
      messages(`${bogus("first")}\n---\n${bogus("second")}\n---\n# only a comment\n---\n${bogus("fourth")}\n`),
    ).toEqual([
      "cluster.yaml#0: error: Widget first: kind: unsupported resource example.com/v1/Widget",
      "cluster.yaml#1: error: Widget second: kind: unsupported resource example.com/v1/Widget",
      "cluster.yaml#3: error: Widget fourth: kind: unsupported resource example.com/v1/Widget",
    ]);
  });

  it("does not count an empty part before a leading --- as a document", () => {
    expect(messages(`---\n${bogus("only")}\n`)).toEqual([
      "cluster.yaml#0: error: Widget only: kind: unsupported resource example.com/v1/Widget",
    ]);
  });

  it("does not count comments before a leading --- as a document, as YAML does not", () => {
    expect(messages(`# exported from east\n\n  # by hand\n---\n${bogus("first")}\n---\n${bogus("second")}\n`)).toEqual([
      "cluster.yaml#0: error: Widget first: kind: unsupported resource example.com/v1/Widget",
      "cluster.yaml#1: error: Widget second: kind: unsupported resource example.com/v1/Widget",
    ]);
  });

  it("unpacks List objects and top-level JSON arrays, naming each item", () => {
    const list = `apiVersion: v1\nkind: List\nitems:\n- ${bogus("a")}\n- 42\n`;
    const array = `[${bogus("b")}, null]`;
    expect(messages(`${list}---\n${array}`)).toEqual([
      "cluster.yaml#0[0]: error: Widget a: kind: unsupported resource example.com/v1/Widget",
      "cluster.yaml#0[1]: error: expected a resource (an object with apiVersion and kind), got a number",
      "cluster.yaml#1[0]: error: Widget b: kind: unsupported resource example.com/v1/Widget",
      "cluster.yaml#1[1]: error: expected a resource (an object with apiVersion and kind), got nothing",
    ]);
  });

  it("reports a YAML syntax error with its line in the file, and keeps the other documents", () => {
    expect(messages(`${bogus("before")}\n---\nmetadata: [\n---\n${bogus("after")}\n`)).toEqual([
      "cluster.yaml#0: error: Widget before: kind: unsupported resource example.com/v1/Widget",
      expect.stringMatching(/^cluster\.yaml#1: error: invalid YAML at line 3, column 12: Flow sequence/),
      "cluster.yaml#2: error: Widget after: kind: unsupported resource example.com/v1/Widget",
    ]);
  });

  it("reports duplicate keys", () => {
    expect(messages("apiVersion: v1\nkind: Pod\nkind: Pod\n")).toEqual([
      "cluster.yaml#0: error: invalid YAML at line 3, column 1: Map keys must be unique",
    ]);
  });

  it("refuses absurdly nested documents before parsing them, and keeps going", () => {
    const deepFlow = "[".repeat(100_000);
    const deepClosed = `${"[".repeat(5000)}${"]".repeat(5000)}`;
    const deepBlock = `${Array.from({ length: 400 }, (_, i) => `${" ".repeat(i)}a:`).join("\n")} 1`;
    const result = messages(`${deepFlow}\n---\n${deepClosed}\n---\n${deepBlock}\n---\n${bogus("survivor")}`);
    expect(result.slice(0, 3)).toEqual([
      expect.stringMatching(/^cluster\.yaml#0: error: nesting too deep at line 1 /),
      expect.stringMatching(/^cluster\.yaml#1: error: nesting too deep at line 3 /),
      expect.stringMatching(/^cluster\.yaml#2: error: nesting too deep at line 262 /),
    ]);
    expect(result[3]).toBe("cluster.yaml#3: error: Widget survivor: kind: unsupported resource example.com/v1/Widget");
  });

  it("accepts brackets inside quoted strings and comments without counting them as nesting", () => {
    const text = [
      "apiVersion: example.com/v1",
      "kind: Widget",
      "metadata: {name: quoted}",
      `note: "${"[".repeat(200)}"`,
      `other: '${"{".repeat(200)}'`,
      `# ${"{".repeat(200)}`,
    ].join("\n");
    expect(messages(text)).toEqual([
      "cluster.yaml#0: error: Widget quoted: kind: unsupported resource example.com/v1/Widget",
    ]);
  });

  it("stops alias-expansion bombs", () => {
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x]",
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]",
      "d: [*c, *c, *c, *c, *c, *c, *c, *c, *c]",
    ].join("\n");
    expect(messages(bomb)).toEqual([expect.stringMatching(/^cluster\.yaml#0: error: cannot read document: /)]);
  });

  it("reads JSON, and treats an empty text as no resources", () => {
    expect(messages(JSON.stringify({ apiVersion: "v1", kind: "Gadget", metadata: { name: "j" } }))).toEqual([
      "cluster.yaml#0: error: Gadget j: kind: unsupported resource v1/Gadget",
    ]);
    expect(loadResources("")).toEqual({ resources: [], diagnostics: [] });
  });

  it("keeps __proto__ an ordinary key and does not pollute prototypes", () => {
    const result = messages("__proto__: {polluted: yes}\nkind: Widget\n");
    expect(result).toEqual(["cluster.yaml#0: error: apiVersion: is required"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("loadResources on a realistic dump", () => {
  const dump = `
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: web}}
---
apiVersion: v1
kind: Pod
metadata: {name: checkout-7d9f, namespace: shop, labels: {app.kubernetes.io/name: checkout}}
spec:
  nodeName: worker-1
  serviceAccountName: checkout
  containers: [{name: app, ports: [{name: http, containerPort: 8080}]}]
status: {podIPs: [{ip: 10.244.1.7}, {ip: "fd00:10:244:1::7"}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: checkout-ingress, namespace: shop}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: checkout}}
  ingress: [{from: [{podSelector: {matchLabels: {app.kubernetes.io/name: frontend}}}], ports: [{port: http}]}]
---
apiVersion: projectcalico.org/v3
kind: NetworkSet
metadata: {name: payment-gateways, namespace: shop, labels: {role: gateway}}
spec: {nets: [203.0.113.9/24, 300.1.1.1]}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: broken}
spec: {selector: "app == ", ingress: [{action: Allow}]}
`;

  it("converts each resource and reports each problem where it is", () => {
    const { resources, diagnostics } = loadResources(dump, { file: "shop.yaml", cluster: "west" });
    const ids = resources.map((r) => `${r.kind}/${r.kind === "WorkloadEndpoint" ? r.workload : r.name}`);
    expect(ids).toEqual([
      "Profile/kns.shop",
      "WorkloadEndpoint/checkout-7d9f",
      "Policy/checkout-ingress",
      "NetworkSet/payment-gateways",
    ]);
    const [profile, endpoint, policy, networkSet] = resources;
    expect(profile).toMatchObject({ cluster: "west", labels: { "pcns.team": "web" } });
    expect(endpoint).toMatchObject({
      kind: "WorkloadEndpoint",
      cluster: "west",
      workload: "checkout-7d9f",
      ipv4Nets: ["10.244.1.7/32"],
      ipv6Nets: ["fd00:10:244:1::7/128"],
      ports: [{ name: "http", protocol: "tcp", port: 8080 }],
    });
    expect(policy).toMatchObject({
      policyKind: "KubernetesNetworkPolicy",
      selector:
        "(projectcalico.org/orchestrator == 'k8s' && app.kubernetes.io/name == 'checkout') && projectcalico.org/namespace == 'shop'",
    });
    expect(networkSet).toMatchObject({ nets: ["203.0.113.0/24"] });
    expect(diagnostics.map((d) => [d.document, d.severity, d.kind, d.field])).toEqual([
      [3, "warning", "NetworkSet", "spec.nets[1]"],
      [4, "error", "GlobalNetworkPolicy", "spec.selector"],
    ]);
  });
});

describe("readResources", () => {
  it("returns raw resources with their file, document and item, and unreadable documents as diagnostics", () => {
    const text = `kind: Namespace\n---\nmetadata: [\n---\nkind: List\nitems: [{kind: Pod}, 7]\n`;
    const { items, diagnostics } = readResources(text, { file: "dump.yaml" });
    expect(items).toEqual([
      { raw: { kind: "Namespace" }, origin: { file: "dump.yaml", document: 0 } },
      { raw: { kind: "Pod" }, origin: { file: "dump.yaml", document: 2, item: 0 } },
      { raw: 7, origin: { file: "dump.yaml", document: 2, item: 1 } },
    ]);
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(/^dump\.yaml#1: error: invalid YAML at line 3, column \d+: /),
    ]);
  });
});

describe("loadResources on arbitrary input", () => {
  const goodDocument = fc
    .constantFrom("shop", "payments", "ledger")
    .map((name) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}`);
  const garbage = fc
    .oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom("[", "{a: [", "- - -", "&a [*a]", "'unterminated", "{}", "kind: Pod", "---x", "\t\ttab"),
      fc.string({ unit: fc.constantFrom("[", "]", "{", "}", ":", "-", " ", "\n", "'", '"', "#", "a"), maxLength: 60 }),
    )
    .filter((text) => !/^---(?:[ \t]|$)/m.test(text)); // a marker line would add a document
  const document = fc.oneof(
    goodDocument.map((text) => ({ text, good: true })),
    garbage.map((text) => ({ text, good: false })),
  );

  test.prop([fc.array(document, { maxLength: 8 })], { numRuns: 300 })(
    "never throws, converts every good document, and names only documents that exist",
    (documents) => {
      const text = documents.map((d) => d.text).join("\n---\n");
      const { resources, diagnostics } = loadResources(text, { file: "mixed.yaml" });
      expect(resources.length).toBeGreaterThanOrEqual(documents.filter((d) => d.good).length);
      for (const d of diagnostics) {
        expect(d.file).toBe("mixed.yaml");
        expect(d.document).toBeGreaterThanOrEqual(0);
        expect(d.document).toBeLessThan(Math.max(1, documents.length));
      }
    },
  );
});
