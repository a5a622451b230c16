/**
 * Kubernetes NetworkPolicy → Calico v3 NetworkPolicy (spec §3, §8 item 11), checked on the v3
 * object `k8sNetworkPolicyToCalico` builds, then end to end through `convertResource` into the
 * model Policy (which also exercises the §4 conversion in calico-policy.ts).
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { networkPolicyToModel } from "../../src/k8s/calico-policy.js";
import { convertResource } from "../../src/k8s/convert.js";
import { convertKubernetesNetworkPolicy, k8sNetworkPolicyToCalico } from "../../src/k8s/k8s-network-policy.js";
import { type ConvertContext, Field } from "../../src/k8s/read.js";
import type { Diagnostic, EntityMatch, Policy } from "../../src/model/index.js";
import { parseSelector } from "../../src/selector/index.js";

const ORCHESTRATOR = "projectcalico.org/orchestrator == 'k8s'";

/** A NetworkPolicy as `kubectl get networkpolicy -o yaml` prints it. */
function k8sPolicy(spec: unknown, name = "allow-checkout", namespace = "shop"): Record<string, unknown> {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: {
      name,
      namespace,
      uid: "3f1c7a52-9d4e-4b8a-a1f0-6c2d8e9b7a10",
      resourceVersion: "48213",
      generation: 1,
      creationTimestamp: "2024-05-02T09:14:11Z",
    },
    spec,
  };
}

interface V3Result {
  readonly v3: Record<string, unknown> | undefined;
  readonly diagnostics: Diagnostic[];
}

/** Runs the v3 conversion on a policy in `shop` (as convertResource would set up its context). */
function toV3(raw: unknown, name = "allow-checkout", namespace = "shop"): V3Result {
  const diagnostics: Diagnostic[] = [];
  const ctx: ConvertContext = { cluster: "", origin: {}, kind: "NetworkPolicy", namespace, name, diagnostics };
  return { v3: k8sNetworkPolicyToCalico(new Field(ctx, "", raw)), diagnostics };
}

/** The v3 spec made from a k8s spec; fails the test when the policy was rejected. */
function v3Spec(spec: unknown): Record<string, unknown> {
  const { v3 } = toV3(k8sPolicy(spec));
  expect(v3).toBeDefined();
  return (v3 as { spec: Record<string, unknown> }).spec;
}

/** The v3 rules made from one direction's k8s rules. */
function v3Rules(direction: "ingress" | "egress", rules: unknown[]): unknown {
  const types = direction === "ingress" ? ["Ingress"] : ["Egress"];
  return v3Spec({ podSelector: {}, policyTypes: types, [direction]: rules })[direction];
}

/** The v3 ingress rules of a single k8s ingress rule with the given peers. */
function ingressPeers(from: unknown[]): unknown {
  return v3Rules("ingress", [{ from }]);
}

/** The v3 ingress rules of a single k8s ingress rule (from anywhere) with the given ports. */
function ingressPorts(ports: unknown[]): unknown {
  return v3Rules("ingress", [{ ports }]);
}

function errorAt(field: string, message: string): unknown {
  return expect.objectContaining({ severity: "error", field, message: expect.stringContaining(message) });
}

function warningAt(field: string, message: string): unknown {
  return expect.objectContaining({ severity: "warning", field, message: expect.stringContaining(message) });
}

describe("k8sNetworkPolicyToCalico: the policy", () => {
  it("builds the v3 NetworkPolicy calicoctl shows: same name and namespace, order 1000, tier default", () => {
    const { v3, diagnostics } = toV3(
      k8sPolicy(
        {
          podSelector: { matchLabels: { app: "ledger" } },
          policyTypes: ["Ingress", "Egress"],
          ingress: [{ from: [{ podSelector: { matchLabels: { app: "checkout" } } }], ports: [{ port: 8443 }] }],
          egress: [{ to: [{ ipBlock: { cidr: "10.96.0.0/12" } }], ports: [{ protocol: "UDP", port: 53 }] }],
        },
        "ledger-access",
        "payments",
      ),
      "ledger-access",
      "payments",
    );
    expect(diagnostics).toEqual([]);
    expect(v3).toEqual({
      apiVersion: "projectcalico.org/v3",
      kind: "NetworkPolicy",
      metadata: { name: "ledger-access", namespace: "payments" },
      spec: {
        order: 1000,
        tier: "default",
        selector: `${ORCHESTRATOR} && app == 'ledger'`,
        types: ["Ingress", "Egress"],
        ingress: [
          {
            action: "Allow",
            protocol: "TCP",
            source: { selector: `${ORCHESTRATOR} && app == 'checkout'` },
            destination: { ports: [8443] },
          },
        ],
        egress: [
          {
            action: "Allow",
            protocol: "UDP",
            source: {},
            destination: { nets: ["10.96.0.0/12"], ports: [53] },
          },
        ],
      },
    });
  });

  it("is plain JSON", () => {
    const { v3 } = toV3(k8sPolicy({ podSelector: {}, ingress: [{ ports: [{ port: 80 }, { port: 81 }] }] }));
    expect(JSON.parse(JSON.stringify(v3))).toEqual(v3);
  });

  it("a policy with no rules denies: no ingress or egress lists, types [Ingress]", () => {
    expect(v3Spec({ podSelector: {} })).toEqual({
      order: 1000,
      tier: "default",
      selector: ORCHESTRATOR,
      types: ["Ingress"],
    });
  });

  it("a missing spec reads as an empty one", () => {
    const { v3, diagnostics } = toV3({ ...k8sPolicy(undefined), spec: undefined });
    expect(diagnostics).toEqual([]);
    expect((v3 as { spec: unknown }).spec).toEqual({
      order: 1000,
      tier: "default",
      selector: ORCHESTRATOR,
      types: ["Ingress"],
    });
  });
});

describe("k8sNetworkPolicyToCalico: label selectors", () => {
  it.each([
    ["absent", undefined, ORCHESTRATOR],
    ["empty", {}, ORCHESTRATOR],
    ["empty matchLabels", { matchLabels: {} }, ORCHESTRATOR],
    ["one label", { matchLabels: { app: "web" } }, `${ORCHESTRATOR} && app == 'web'`],
    [
      "labels sorted by key (byte order: upper case first)",
      { matchLabels: { tier: "frontend", "app.kubernetes.io/name": "checkout", Zone: "eu-1", app: "web" } },
      `${ORCHESTRATOR} && Zone == 'eu-1' && app == 'web' && app.kubernetes.io/name == 'checkout' && tier == 'frontend'`,
    ],
    [
      "In keeps the given value order",
      { matchExpressions: [{ key: "environment", operator: "In", values: ["staging", "production"] }] },
      `${ORCHESTRATOR} && environment in { 'staging', 'production' }`,
    ],
    [
      "NotIn",
      { matchExpressions: [{ key: "environment", operator: "NotIn", values: ["dev"] }] },
      `${ORCHESTRATOR} && environment not in { 'dev' }`,
    ],
    [
      "Exists",
      { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "Exists" }] },
      `${ORCHESTRATOR} && has(app.kubernetes.io/name)`,
    ],
    [
      "DoesNotExist",
      { matchExpressions: [{ key: "canary", operator: "DoesNotExist" }] },
      `${ORCHESTRATOR} && ! has(canary)`,
    ],
    [
      "In with no values is Calico's `in { '' }`",
      { matchExpressions: [{ key: "track", operator: "In", values: [] }] },
      `${ORCHESTRATOR} && track in { '' }`,
    ],
    [
      "matchLabels first, then matchExpressions in order",
      {
        matchExpressions: [
          { key: "tier", operator: "NotIn", values: ["db", "cache"] },
          { key: "team", operator: "Exists", values: ["ignored"] },
        ],
        matchLabels: { app: "checkout" },
      },
      `${ORCHESTRATOR} && app == 'checkout' && tier not in { 'db', 'cache' } && has(team)`,
    ],
    [
      "the longest key and value Kubernetes allows",
      { matchLabels: { [`${"d".repeat(253)}/${"n".repeat(63)}`]: "v".repeat(63) } },
      `${ORCHESTRATOR} && ${"d".repeat(253)}/${"n".repeat(63)} == '${"v".repeat(63)}'`,
    ],
    ["an empty value", { matchLabels: { app: "" } }, `${ORCHESTRATOR} && app == ''`],
  ])("pod selector, %s", (_, podSelector, expected) => {
    expect(v3Spec({ podSelector }).selector).toBe(expected);
    expect(() => parseSelector(expected)).not.toThrow();
  });

  it("an unknown operator is ignored with a warning", () => {
    const { v3, diagnostics } = toV3(
      k8sPolicy({ podSelector: { matchExpressions: [{ key: "replicas", operator: "Gt", values: ["2"] }] } }),
    );
    expect((v3 as { spec: { selector: string } }).spec.selector).toBe(ORCHESTRATOR);
    expect(diagnostics).toEqual([warningAt("spec.podSelector.matchExpressions[0].operator", 'unknown operator "Gt"')]);
  });

  it("`__proto__` is not a Kubernetes label key: reported, and nothing is polluted", () => {
    const { v3, diagnostics } = toV3(
      k8sPolicy({
        podSelector: {},
        ingress: [
          { from: [{ podSelector: JSON.parse('{"matchLabels": {"__proto__": "polluted", "app": "web"}}') }] },
          { from: [{ podSelector: { matchLabels: { app: "web" } } }] },
        ],
      }),
    );
    expect(diagnostics).toEqual([
      errorAt("spec.ingress[0].from[0].podSelector.matchLabels.__proto__", "not a valid Kubernetes label key"),
      errorAt("spec.ingress[0]", "this rule was dropped"),
    ]);
    expect((v3 as { spec: { ingress: unknown } }).spec.ingress).toEqual([
      { action: "Allow", source: { selector: `${ORCHESTRATOR} && app == 'web'` }, destination: {} },
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ["absent: no namespace selector", { podSelector: { matchLabels: { app: "web" } } }, undefined],
    ["empty: all namespaces", { namespaceSelector: {} }, "all()"],
    ["empty matchLabels: all namespaces", { namespaceSelector: { matchLabels: {} } }, "all()"],
    [
      "labels, without the orchestrator clause",
      { namespaceSelector: { matchLabels: { team: "payments" } } },
      "team == 'payments'",
    ],
    [
      "expressions",
      {
        namespaceSelector: {
          matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["shop"] }],
        },
      },
      "kubernetes.io/metadata.name in { 'shop' }",
    ],
  ])("namespace selector, %s", (_, peer, namespaceSelector) => {
    const [rule] = ingressPeers([peer]) as [{ source: { namespaceSelector?: string } }];
    expect(rule.source.namespaceSelector).toBe(namespaceSelector);
  });

  it('a namespace selector whose only expression is ignored converts to none (Calico\'s `""`)', () => {
    const { v3 } = toV3(
      k8sPolicy({
        podSelector: {},
        ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: "x", operator: "Gt" }] } }] }],
      }),
    );
    expect((v3 as { spec: { ingress: unknown } }).spec.ingress).toEqual([
      { action: "Allow", source: { selector: ORCHESTRATOR }, destination: {} },
    ]);
  });

  it("a peer gets the orchestrator clause even when it has only a namespace selector", () => {
    expect(ingressPeers([{ namespaceSelector: { matchLabels: { team: "payments" } } }])).toEqual([
      { action: "Allow", source: { selector: ORCHESTRATOR, namespaceSelector: "team == 'payments'" }, destination: {} },
    ]);
  });

  it("a peer with both selectors keeps both", () => {
    expect(
      ingressPeers([
        { namespaceSelector: { matchLabels: { team: "shop" } }, podSelector: { matchLabels: { app: "frontend" } } },
      ]),
    ).toEqual([
      {
        action: "Allow",
        source: { selector: `${ORCHESTRATOR} && app == 'frontend'`, namespaceSelector: "team == 'shop'" },
        destination: {},
      },
    ]);
  });
});

describe("k8sNetworkPolicyToCalico: policyTypes", () => {
  const egress = [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }];
  it.each([
    ["absent, ingress only", { podSelector: {}, ingress: [{}] }, ["Ingress"]],
    ["Egress", { podSelector: {}, policyTypes: ["Egress"], egress }, ["Egress"]],
    ["both, in Calico's order", { podSelector: {}, policyTypes: ["Egress", "Ingress"], egress }, ["Ingress", "Egress"]],
    ["empty list", { podSelector: {}, policyTypes: [] }, ["Ingress"]],
    ["duplicates", { podSelector: {}, policyTypes: ["Egress", "Egress"] }, ["Egress"]],
  ])("%s", (_, spec, types) => {
    const { v3, diagnostics } = toV3(k8sPolicy(spec));
    expect((v3 as { spec: { types: unknown } }).spec.types).toEqual(types);
    expect(diagnostics).toEqual([]);
  });

  it("egress rules without the Egress type are still converted, with a warning", () => {
    const { v3, diagnostics } = toV3(k8sPolicy({ podSelector: {}, egress }));
    const spec = (v3 as { spec: { types: unknown; egress: unknown } }).spec;
    expect(spec.types).toEqual(["Ingress"]);
    expect(spec.egress).toEqual([{ action: "Allow", source: {}, destination: { nets: ["0.0.0.0/0"] } }]);
    expect(diagnostics).toEqual([warningAt("spec.egress", "policyTypes does not include Egress")]);
  });

  it("the same with only Ingress listed", () => {
    const { diagnostics } = toV3(k8sPolicy({ podSelector: {}, policyTypes: ["Ingress"], egress }));
    expect(diagnostics).toEqual([warningAt("spec.egress", "policyTypes does not include Egress")]);
  });

  it("unknown types are ignored with a warning", () => {
    const { v3, diagnostics } = toV3(k8sPolicy({ podSelector: {}, policyTypes: ["ingress", "Egress"] }));
    expect((v3 as { spec: { types: unknown } }).spec.types).toEqual(["Egress"]);
    expect(diagnostics).toEqual([warningAt("spec.policyTypes[0]", 'unknown policy type "ingress"')]);
  });
});

describe("k8sNetworkPolicyToCalico: ports", () => {
  it("a rule without ports or peers allows everything: no protocol, no ports, no peer", () => {
    expect(v3Rules("ingress", [{}])).toEqual([{ action: "Allow", source: {}, destination: {} }]);
  });

  it.each([
    ["`{}` is every TCP port (not all traffic)", [{}], [{ protocol: "TCP" }]],
    ["a missing protocol is TCP", [{ port: 8080 }], [{ protocol: "TCP", ports: [8080] }]],
    ["a named port", [{ protocol: "TCP", port: "http" }], [{ protocol: "TCP", ports: ["http"] }]],
    ["a numeric string is a number", [{ port: "8080" }], [{ protocol: "TCP", ports: [8080] }]],
    ["the highest port", [{ port: 65535 }], [{ protocol: "TCP", ports: [65535] }]],
    ["endPort makes a range", [{ port: 32000, endPort: 32768 }], [{ protocol: "TCP", ports: ["32000:32768"] }]],
    ["a one-port range is a number", [{ port: 9000, endPort: 9000 }], [{ protocol: "TCP", ports: [9000] }]],
    ["a protocol without a port is all its ports", [{ protocol: "UDP" }], [{ protocol: "UDP" }]],
    [
      "grouped by protocol, protocols sorted",
      [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }, { protocol: "SCTP", port: 9000 }, { port: 443 }],
      [
        { protocol: "SCTP", ports: [9000] },
        { protocol: "TCP", ports: [53, 443] },
        { protocol: "UDP", ports: [53] },
      ],
    ],
    [
      "an all-ports entry wins over ports listed before it",
      [{ port: 80 }, { protocol: "TCP" }, { port: 443 }, { protocol: "UDP", port: 53 }],
      [{ protocol: "TCP" }, { protocol: "UDP", ports: [53] }],
    ],
    ["an all-ports entry wins over ports listed after it", [{}, { port: 80 }, { port: 81 }], [{ protocol: "TCP" }]],
  ] as [string, unknown[], { protocol: string; ports?: unknown[] }[]][])("%s", (_, ports, expected) => {
    expect(ingressPorts(ports)).toEqual(
      expected.map(({ protocol, ports: calicoPorts }) => ({
        action: "Allow",
        protocol,
        source: {},
        destination: calicoPorts === undefined ? {} : { ports: calicoPorts },
      })),
    );
  });

  it.each([
    ["contiguous ports coalesce", [80, 81, 82, 9090], ["80:82", 9090]],
    ["numbers are sorted first", [9090, 82, 80, 81], ["80:82", 9090]],
    ["duplicates merge", [443, 443], [443]],
    ["named ports come first, in input order", [8080, "metrics", 8081, "http"], ["metrics", "http", "8080:8081"]],
    ["one number and a name stay as they are", [80, "http"], [80, "http"]],
    ["names only stay as they are", ["metrics", "http"], ["metrics", "http"]],
    ["one port stays as it is", [443], [443]],
    ["non-adjacent ports stay apart", [443, 80, 8443], [80, 443, 8443]],
  ])("SimplifyPorts: %s", (_, ports, expected) => {
    const [rule] = ingressPorts(ports.map((port) => ({ port }))) as [{ destination: { ports: unknown } }];
    expect(rule.destination.ports).toEqual(expected);
  });

  it("SimplifyPorts: ranges count as all their numbers and merge with neighbours", () => {
    const [rule] = ingressPorts([
      { port: 8000, endPort: 8080 },
      { port: 8081 },
      { port: 7999 },
      { port: "grpc" },
      { port: 9000, endPort: 9001 },
    ]) as [{ destination: { ports: unknown } }];
    expect(rule.destination.ports).toEqual(["grpc", "7999:8081", "9000:9001"]);
  });

  it("SimplifyPorts: a range and a name are rewritten (the range holds more than one number)", () => {
    const [rule] = ingressPorts([{ port: 80, endPort: 82 }, { port: "http" }]) as [{ destination: { ports: unknown } }];
    expect(rule.destination.ports).toEqual(["http", "80:82"]);
  });

  it("one rule per protocol and peer: protocols outside, peers inside in input order", () => {
    const checkout = { podSelector: { matchLabels: { app: "checkout" } } };
    const office = { ipBlock: { cidr: "192.0.2.0/24" } };
    expect(
      v3Rules("ingress", [
        {
          from: [checkout, office],
          ports: [
            { protocol: "UDP", port: 5353 },
            { protocol: "TCP", port: 8080 },
          ],
        },
      ]),
    ).toEqual([
      {
        action: "Allow",
        protocol: "TCP",
        source: { selector: `${ORCHESTRATOR} && app == 'checkout'` },
        destination: { ports: [8080] },
      },
      { action: "Allow", protocol: "TCP", source: { nets: ["192.0.2.0/24"] }, destination: { ports: [8080] } },
      {
        action: "Allow",
        protocol: "UDP",
        source: { selector: `${ORCHESTRATOR} && app == 'checkout'` },
        destination: { ports: [5353] },
      },
      { action: "Allow", protocol: "UDP", source: { nets: ["192.0.2.0/24"] }, destination: { ports: [5353] } },
    ]);
  });

  it("egress puts the peer and the ports in the destination", () => {
    expect(
      v3Rules("egress", [
        {
          to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }],
          ports: [{ protocol: "UDP", port: 53 }],
        },
      ]),
    ).toEqual([
      {
        action: "Allow",
        protocol: "UDP",
        source: {},
        destination: {
          selector: ORCHESTRATOR,
          namespaceSelector: "kubernetes.io/metadata.name == 'kube-system'",
          ports: [53],
        },
      },
    ]);
  });

  it.each([
    ["a negative range, rejected as a port name", { port: -50, endPort: -1 }, "port", 'invalid port "-50:-1"'],
    ["a number above 65535", { port: 70000 }, "port", 'invalid port "70000"'],
    ["a named port with endPort", { port: "http", endPort: 8080 }, "port", 'invalid port "http:8080"'],
    ["a backwards range", { port: 8080, endPort: 80 }, "port", 'invalid port "8080:80"'],
    ["a name with a space", { port: "web ui" }, "port", 'invalid port "web ui"'],
    ["port 0", { port: 0 }, "port", 'invalid port "0"'],
    ["a range starting at 0", { port: 0, endPort: 1024 }, "port", 'invalid port "0:1024"'],
    ["a negative number, which only Calico's looser name syntax takes", { port: -5 }, "port", 'invalid port "-5"'],
    ["a name with an underscore (not an IANA service name)", { port: "web_ui" }, "port", 'invalid port "web_ui"'],
    ["a name longer than 15 characters", { port: "prometheus-metrics" }, "port", 'invalid port "prometheus-metrics"'],
    ["a name without a letter", { port: "80-81" }, "port", 'invalid port "80-81"'],
    ["a lower-case protocol", { protocol: "tcp", port: 80 }, "protocol", 'unsupported protocol "tcp"'],
    ["a protocol Kubernetes does not allow", { protocol: "ICMP" }, "protocol", 'unsupported protocol "ICMP"'],
    ["an empty name", { port: "" }, "port", 'invalid port ""'],
    ["a fractional port", { port: 80.5 }, "port", "expected an integer"],
    ["a boolean port", { port: true }, "port", "expected a number"],
    ["a string endPort", { port: 80, endPort: "90" }, "endPort", "expected a number"],
    ["a numeric protocol", { protocol: 6, port: 80 }, "protocol", "expected a string"],
    ["a port entry that is a list", [80], "", "expected an object"],
  ])("an invalid port drops its whole rule, and only it: %s", (_, port, field, message) => {
    const { v3, diagnostics } = toV3(
      k8sPolicy({
        podSelector: {},
        ingress: [
          { from: [{ podSelector: { matchLabels: { app: "frontend" } } }], ports: [{ port: 443 }] },
          { ports: [{ port: 8080 }, port] },
        ],
      }),
    );
    const fieldPath = `spec.ingress[1].ports[1]${field === "" ? "" : `.${field}`}`;
    expect(diagnostics).toEqual([errorAt(fieldPath, message), errorAt("spec.ingress[1]", "this rule was dropped")]);
    expect((v3 as { spec: { ingress: unknown } }).spec.ingress).toEqual([
      {
        action: "Allow",
        protocol: "TCP",
        source: { selector: `${ORCHESTRATOR} && app == 'frontend'` },
        destination: { ports: [443] },
      },
    ]);
  });

  it("endPort without a port is ignored with a warning", () => {
    const { v3, diagnostics } = toV3(k8sPolicy({ podSelector: {}, ingress: [{ ports: [{ endPort: 90 }] }] }));
    expect((v3 as { spec: { ingress: unknown } }).spec.ingress).toEqual([
      { action: "Allow", protocol: "TCP", source: {}, destination: {} },
    ]);
    expect(diagnostics).toEqual([warningAt("spec.ingress[0].ports[0].endPort", "endPort without port is ignored")]);
  });
});

describe("k8sNetworkPolicyToCalico: ipBlock peers", () => {
  it.each([
    [
      "nets and notNets, masked",
      { cidr: "10.0.0.0/8", except: ["10.1.0.0/16", "10.2.3.4/16"] },
      { nets: ["10.0.0.0/8"], notNets: ["10.1.0.0/16", "10.2.0.0/16"] },
    ],
    ["a host address in the cidr is masked", { cidr: "192.168.1.77/24" }, { nets: ["192.168.1.0/24"] }],
    [
      "IPv6",
      { cidr: "2001:db8::1/64", except: ["2001:db8::ff/120"] },
      { nets: ["2001:db8::/64"], notNets: ["2001:db8::/120"] },
    ],
    ["an empty except list", { cidr: "0.0.0.0/0", except: [] }, { nets: ["0.0.0.0/0"] }],
  ])("%s", (_, ipBlock, source) => {
    expect(ingressPeers([{ ipBlock }])).toEqual([{ action: "Allow", source, destination: {} }]);
  });

  it("an ipBlock peer has no selectors, even beside a podSelector", () => {
    const { v3 } = toV3(
      k8sPolicy({ podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/8" }, podSelector: {} }] }] }),
    );
    expect((v3 as { spec: { ingress: unknown } }).spec.ingress).toEqual([
      { action: "Allow", source: { nets: ["10.0.0.0/8"] }, destination: {} },
    ]);
  });

  it.each([
    ["a bare address (ParseCIDR needs a prefix)", "10.0.0.1"],
    ["garbage", "not-a-cidr"],
    ["a prefix too long", "10.0.0.0/33"],
  ])("an unparseable cidr leaves the peer with no restriction, with a warning: %s", (_, cidr) => {
    const { v3, diagnostics } = toV3(
      k8sPolicy({
        podSelector: {},
        ingress: [{ from: [{ ipBlock: { cidr, except: ["10.0.0.0/16"] } }], ports: [{ port: 5432 }] }],
      }),
    );
    expect((v3 as { spec: { ingress: unknown } }).spec.ingress).toEqual([
      { action: "Allow", protocol: "TCP", source: {}, destination: { ports: [5432] } },
    ]);
    expect(diagnostics).toEqual([warningAt("spec.ingress[0].from[0].ipBlock.cidr", "without any restriction")]);
  });

  it("a missing cidr is the same", () => {
    const { v3, diagnostics } = toV3(k8sPolicy({ podSelector: {}, ingress: [{ from: [{ ipBlock: {} }] }] }));
    expect((v3 as { spec: { ingress: unknown } }).spec.ingress).toEqual([
      { action: "Allow", source: {}, destination: {} },
    ]);
    expect(diagnostics).toEqual([warningAt("spec.ingress[0].from[0].ipBlock.cidr", 'invalid CIDR ""')]);
  });

  it("an unparseable except entry truncates the list there, with a warning", () => {
    const { v3, diagnostics } = toV3(
      k8sPolicy({
        podSelector: {},
        ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16", "10.2.0.0", "10.3.0.0/16"] } }] }],
      }),
    );
    expect((v3 as { spec: { ingress: unknown } }).spec.ingress).toEqual([
      { action: "Allow", source: { nets: ["10.0.0.0/8"], notNets: ["10.1.0.0/16"] }, destination: {} },
    ]);
    expect(diagnostics).toEqual([warningAt("spec.ingress[0].from[0].ipBlock.except[1]", 'invalid CIDR "10.2.0.0"')]);
  });
});

describe("k8sNetworkPolicyToCalico: ipBlock address families", () => {
  it("an except entry of the other family drops the rule, with an error", () => {
    const { v3, diagnostics } = toV3(
      k8sPolicy({
        podSelector: {},
        ingress: [
          { from: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["fd00::/8"] } }] },
          { from: [{ ipBlock: { cidr: "fd00::/8", except: ["fd00:1::/32"] } }] },
        ],
      }),
    );
    expect(diagnostics).toEqual([
      errorAt("spec.ingress[0].from[0].ipBlock.except[0]", "an IPv6 network cannot be an exception to an IPv4 cidr"),
      errorAt("spec.ingress[0]", "this rule was dropped"),
    ]);
    expect((v3 as { spec: { ingress: unknown } }).spec.ingress).toEqual([
      { action: "Allow", source: { nets: ["fd00::/8"], notNets: ["fd00:1::/32"] }, destination: {} },
    ]);
  });
});

describe("k8sNetworkPolicyToCalico: bad input", () => {
  const good = { from: [{ podSelector: { matchLabels: { app: "frontend" } } }] };
  const goodRule = { action: "Allow", source: { selector: `${ORCHESTRATOR} && app == 'frontend'` }, destination: {} };

  it.each([
    [
      "a quote in a matchLabels value",
      { podSelector: { matchLabels: { app: "it's" } } },
      "podSelector.matchLabels.app",
      "is not a valid Kubernetes label value",
    ],
    [
      "a quote in a matchExpressions value",
      { namespaceSelector: { matchExpressions: [{ key: "team", operator: "In", values: ["ok", "o'brien"] }] } },
      "namespaceSelector.matchExpressions[0].values[1]",
      "is not a valid Kubernetes label value",
    ],
    [
      "a key with a space",
      { podSelector: { matchLabels: { "app name": "web" } } },
      "podSelector.matchLabels.app name",
      "is not a valid Kubernetes label key",
    ],
    [
      "an empty key",
      { podSelector: { matchLabels: { "": "web" } } },
      "podSelector.matchLabels.",
      "is not a valid Kubernetes label key",
    ],
    [
      "a key name longer than 63 characters",
      { podSelector: { matchExpressions: [{ key: "k".repeat(64), operator: "Exists" }] } },
      "podSelector.matchExpressions[0].key",
      "is not a valid Kubernetes label key",
    ],
    [
      "a key with two slashes",
      { podSelector: { matchExpressions: [{ key: "example.com/app/name", operator: "Exists" }] } },
      "podSelector.matchExpressions[0].key",
      "is not a valid Kubernetes label key",
    ],
    [
      "a key prefix that is not a DNS subdomain",
      { namespaceSelector: { matchLabels: { "Example.com/team": "payments" } } },
      "namespaceSelector.matchLabels.Example.com/team",
      "is not a valid Kubernetes label key",
    ],
    [
      "a value holding a double quote",
      { podSelector: { matchLabels: { note: 'say "hi"' } } },
      "podSelector.matchLabels.note",
      "is not a valid Kubernetes label value",
    ],
    [
      "a value that reads as a selector function",
      { namespaceSelector: { matchLabels: { scope: "global()" } } },
      "namespaceSelector.matchLabels.scope",
      "is not a valid Kubernetes label value",
    ],
    [
      "a value longer than 63 characters",
      { podSelector: { matchLabels: { app: "a".repeat(64) } } },
      "podSelector.matchLabels.app",
      "is not a valid Kubernetes label value",
    ],
    [
      "a non-string label value",
      { podSelector: { matchLabels: { replicas: 3 } } },
      "podSelector.matchLabels.replicas",
      "expected a string",
    ],
    [
      "a null label value",
      { podSelector: { matchLabels: { app: null } } },
      "podSelector.matchLabels.app",
      "expected a string",
    ],
    ["a selector that is a string", { podSelector: "app=web" }, "podSelector", "expected an object"],
    [
      "matchLabels that is a list",
      { podSelector: { matchLabels: ["app"] } },
      "podSelector.matchLabels",
      "expected an object",
    ],
    [
      "matchExpressions that is an object",
      { podSelector: { matchExpressions: {} } },
      "podSelector.matchExpressions",
      "expected a list",
    ],
    [
      "an expression without a key",
      { podSelector: { matchExpressions: [{ operator: "Exists" }] } },
      "podSelector.matchExpressions[0].key",
      "is required",
    ],
    [
      "values that is a string",
      { podSelector: { matchExpressions: [{ key: "a", operator: "In", values: "x" }] } },
      "podSelector.matchExpressions[0].values",
      "expected a list",
    ],
    ["a peer that is a string", "10.0.0.0/8", "", "expected an object"],
    ["an ipBlock that is a string", { ipBlock: "10.0.0.0/8" }, "ipBlock", "expected an object"],
    ["a cidr that is a number", { ipBlock: { cidr: 10 } }, "ipBlock.cidr", "expected a string"],
    [
      "except that is a string",
      { ipBlock: { cidr: "10.0.0.0/8", except: "10.1.0.0/16" } },
      "ipBlock.except",
      "expected a list",
    ],
  ])("a bad peer drops its rule, and only it: %s", (_, peer, field, message) => {
    const { v3, diagnostics } = toV3(k8sPolicy({ podSelector: {}, ingress: [good, { from: [peer] }] }));
    expect(diagnostics).toEqual([
      errorAt(`spec.ingress[1].from[0]${field === "" ? "" : `.${field}`}`, message),
      errorAt("spec.ingress[1]", "this rule was dropped"),
    ]);
    expect((v3 as { spec: { ingress: unknown } }).spec.ingress).toEqual([goodRule]);
  });

  it.each([
    ["from that is an object", { from: {} }, "spec.ingress[1].from", "expected a list"],
    ["ports that is a number", { ports: 80 }, "spec.ingress[1].ports", "expected a list"],
    ["a rule that is a string", "allow-all", "spec.ingress[1]", "expected an object"],
  ])("a malformed rule is dropped: %s", (_, rule, field, message) => {
    const { v3, diagnostics } = toV3(k8sPolicy({ podSelector: {}, ingress: [good, rule] }));
    expect(diagnostics).toContainEqual(errorAt(field, message));
    expect(diagnostics).toContainEqual(errorAt("spec.ingress[1]", "this rule was dropped"));
    expect((v3 as { spec: { ingress: unknown } }).spec.ingress).toEqual([goodRule]);
  });

  it("every problem in a rule is reported, not just the first", () => {
    const { diagnostics } = toV3(
      k8sPolicy({
        podSelector: {},
        ingress: [{ from: [{ podSelector: { matchLabels: { app: "it's" } } }], ports: [{ port: "a:b" }] }],
      }),
    );
    expect(diagnostics).toEqual([
      errorAt("spec.ingress[0].from[0].podSelector.matchLabels.app", "is not a valid Kubernetes label value"),
      errorAt("spec.ingress[0].ports[0].port", 'invalid port "a:b"'),
      errorAt("spec.ingress[0]", "this rule was dropped"),
    ]);
  });

  it("a null rule, peer or port reads as an empty one, as Kubernetes decodes it", () => {
    const { v3, diagnostics } = toV3(k8sPolicy({ podSelector: {}, ingress: [null, { from: [null], ports: [null] }] }));
    expect(diagnostics).toEqual([]);
    expect((v3 as { spec: { ingress: unknown } }).spec.ingress).toEqual([
      { action: "Allow", source: {}, destination: {} },
      { action: "Allow", protocol: "TCP", source: { selector: ORCHESTRATOR }, destination: {} },
    ]);
  });

  it.each([
    ["a spec that is a string", "deny-all", "spec", "expected an object"],
    [
      "a bad podSelector value",
      { podSelector: { matchLabels: { app: "it's" } } },
      "spec.podSelector.matchLabels.app",
      "is not a valid Kubernetes label value",
    ],
    [
      "a bad podSelector key",
      { podSelector: { matchExpressions: [{ key: "app name", operator: "Exists" }] } },
      "spec.podSelector.matchExpressions[0].key",
      "is not a valid Kubernetes label key",
    ],
    ["ingress that is an object", { podSelector: {}, ingress: { from: [] } }, "spec.ingress", "expected a list"],
    ["egress that is a string", { podSelector: {}, egress: "none" }, "spec.egress", "expected a list"],
    ["policyTypes that is a string", { podSelector: {}, policyTypes: "Egress" }, "spec.policyTypes", "expected a list"],
    [
      "a policy type that is a number",
      { podSelector: {}, policyTypes: [1] },
      "spec.policyTypes[0]",
      "expected a string",
    ],
  ])("a policy whose structure is malformed is rejected: %s", (_, spec, field, message) => {
    const { v3, diagnostics } = toV3(k8sPolicy(spec));
    expect(v3).toBeUndefined();
    expect(diagnostics).toContainEqual(errorAt(field, message));
    expect(diagnostics).toContainEqual(
      expect.objectContaining({ severity: "error", message: "the NetworkPolicy was not converted" }),
    );
  });
});

describe("convertResource: Kubernetes NetworkPolicy → model Policy", () => {
  const ANY: EntityMatch = { nets: [], notNets: [], selector: "", notSelector: "", ports: [], notPorts: [] };

  it("the spec's example: namespace pinning of the policy, all() namespaces for a peer, ipBlock not pinned", () => {
    const { resources, diagnostics } = convertResource(
      k8sPolicy(
        {
          podSelector: {},
          policyTypes: ["Ingress"],
          ingress: [{ from: [{ namespaceSelector: {} }, { ipBlock: { cidr: "203.0.113.7/24" } }] }],
        },
        "allow-cluster-and-office",
        "default",
      ),
    );
    expect(diagnostics).toEqual([]);
    const expected: Policy = {
      kind: "Policy",
      policyKind: "KubernetesNetworkPolicy",
      cluster: "",
      namespace: "default",
      name: "allow-cluster-and-office",
      tier: "default",
      order: 1000,
      selector: "(projectcalico.org/orchestrator == 'k8s') && projectcalico.org/namespace == 'default'",
      types: ["ingress"],
      ingress: [
        {
          action: "allow",
          source: {
            ...ANY,
            selector: "(has(projectcalico.org/namespace)) && (projectcalico.org/orchestrator == 'k8s')",
          },
          destination: ANY,
        },
        { action: "allow", source: { ...ANY, nets: ["203.0.113.0/24"] }, destination: ANY },
      ],
      egress: [],
      doNotTrack: false,
      preDNAT: false,
      applyOnForward: false,
    };
    expect(resources).toEqual([expected]);
  });

  it("pod peers are pinned to the policy's namespace; namespace labels are prefixed pcns.", () => {
    const { resources, diagnostics } = convertResource(
      k8sPolicy(
        {
          podSelector: { matchLabels: { app: "ledger" } },
          policyTypes: ["Ingress", "Egress"],
          ingress: [
            {
              from: [
                { podSelector: { matchLabels: { app: "checkout" } } },
                { namespaceSelector: { matchLabels: { team: "payments" } } },
              ],
              ports: [{ port: 8443 }, { port: "metrics" }],
            },
          ],
          egress: [{ ports: [{ protocol: "UDP", port: 53 }, {}] }],
        },
        "ledger-access",
        "shop",
      ),
      { cluster: "east" },
    );
    expect(diagnostics).toEqual([]);
    const ports = [
      { kind: "range", min: 8443, max: 8443 },
      { kind: "named", name: "metrics" },
    ];
    expect(resources).toEqual([
      expect.objectContaining({
        kind: "Policy",
        policyKind: "KubernetesNetworkPolicy",
        cluster: "east",
        namespace: "shop",
        name: "ledger-access",
        selector:
          "(projectcalico.org/orchestrator == 'k8s' && app == 'ledger') && projectcalico.org/namespace == 'shop'",
        types: ["ingress", "egress"],
        ingress: [
          {
            action: "allow",
            protocol: "tcp",
            source: {
              ...ANY,
              selector:
                "(projectcalico.org/namespace == 'shop') && (projectcalico.org/orchestrator == 'k8s' && app == 'checkout')",
            },
            destination: { ...ANY, ports },
          },
          {
            action: "allow",
            protocol: "tcp",
            source: { ...ANY, selector: "(pcns.team == \"payments\") && (projectcalico.org/orchestrator == 'k8s')" },
            destination: { ...ANY, ports },
          },
        ],
        egress: [
          { action: "allow", protocol: "tcp", source: ANY, destination: ANY },
          {
            action: "allow",
            protocol: "udp",
            source: ANY,
            destination: { ...ANY, ports: [{ kind: "range", min: 53, max: 53 }] },
          },
        ],
      }),
    ]);
  });

  it("a dropped rule is reported with the resource's identity; the rest of the policy converts", () => {
    const { resources, diagnostics } = convertResource(
      k8sPolicy({ podSelector: {}, ingress: [{ ports: [{ port: -50, endPort: -1 }] }, { ports: [{ port: 443 }] }] }),
      { cluster: "east", origin: { file: "policies.yaml", document: 2 } },
    );
    expect(diagnostics).toContainEqual({
      severity: "error",
      message: expect.stringContaining('invalid port "-50:-1"'),
      file: "policies.yaml",
      document: 2,
      cluster: "east",
      kind: "NetworkPolicy",
      namespace: "shop",
      name: "allow-checkout",
      field: "spec.ingress[0].ports[0].port",
    });
    expect(resources).toHaveLength(1);
    expect((resources[0] as Policy).ingress).toEqual([
      {
        action: "allow",
        protocol: "tcp",
        source: ANY,
        destination: { ...ANY, ports: [{ kind: "range", min: 443, max: 443 }] },
      },
    ]);
  });

  it("a rejected policy converts to nothing, with errors naming the resource", () => {
    const { resources, diagnostics } = convertResource(k8sPolicy({ podSelector: { matchLabels: { app: "it's" } } }));
    expect(resources).toEqual([]);
    expect(diagnostics).toContainEqual(
      expect.objectContaining({
        severity: "error",
        kind: "NetworkPolicy",
        namespace: "shop",
        name: "allow-checkout",
        field: "spec.podSelector.matchLabels.app",
      }),
    );
  });

  it("convertKubernetesNetworkPolicy returns [] for a rejected policy", () => {
    const diagnostics: Diagnostic[] = [];
    const ctx: ConvertContext = {
      cluster: "",
      origin: {},
      kind: "NetworkPolicy",
      namespace: "shop",
      name: "allow-checkout",
      diagnostics,
    };
    expect(convertKubernetesNetworkPolicy(new Field(ctx, "", k8sPolicy("deny-all")), ctx)).toEqual([]);
    expect(diagnostics).not.toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

/**
 * Generated policies are mostly well-formed (so that many convert and their selectors get
 * checked), with bad keys, values, ports, CIDRs and arbitrary values mixed in.
 */
const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: good, weight: 12 }, { arbitrary: bad, weight: 1 });

const labelKey = mostly(
  fc.constantFrom("app", "app.kubernetes.io/name", "Zone", "in", "has", "all", "contains", "not", "a"),
  fc.constantFrom("__proto__", "", "app name", "a'b", "k".repeat(64), "x/y/z", "-app"),
);
const labelValue = mostly(
  fc.constantFrom("web", "", "v1.2_rc-3", "all", "global"),
  fc.oneof(fc.constantFrom('say "hi"', "it's", "a b", "line\nbreak", "all()", "global()", "ü", "}"), fc.string()),
);
const labelSelector = mostly(
  fc.record(
    {
      matchLabels: fc.dictionary(labelKey, labelValue, { maxKeys: 3 }),
      matchExpressions: fc.array(
        fc.record(
          {
            key: labelKey,
            operator: mostly(fc.constantFrom("In", "NotIn", "Exists", "DoesNotExist"), fc.constantFrom("Gt", "", 1)),
            values: fc.array(labelValue, { maxLength: 3 }),
          },
          { requiredKeys: ["key", "operator"] },
        ),
        { maxLength: 3 },
      ),
    },
    { requiredKeys: [] },
  ),
  fc.constantFrom(null, "app=web", 7, []),
);
const cidr = mostly(
  fc.constantFrom("10.0.0.0/8", "10.1.0.0/16", "192.168.1.77/24", "0.0.0.0/0"),
  fc.constantFrom("2001:db8::1/64", "10.0.0.1", "bogus", "", "10.0.0.0/33", null, 10),
);
const peer = mostly(
  fc.oneof(
    fc.record({ podSelector: labelSelector, namespaceSelector: labelSelector }, { requiredKeys: [] }),
    fc.record({ ipBlock: fc.record({ cidr, except: fc.array(cidr, { maxLength: 3 }) }, { requiredKeys: [] }) }),
  ),
  fc.anything({ maxDepth: 2 }),
);
const port = mostly(
  fc.record(
    {
      protocol: mostly(fc.constantFrom("TCP", "UDP", "SCTP"), fc.constantFrom("", "tcp", "ICMP", 6)),
      port: mostly(
        fc.oneof(fc.integer({ min: 1, max: 65_535 }), fc.constantFrom("http", "dns-tcp", "8080")),
        fc.oneof(
          fc.integer({ min: -100, max: 70_000 }),
          fc.constantFrom("-50", "a:b", "", "8000:8080", "web_ui"),
          fc.double(),
        ),
      ),
      endPort: fc.integer({ min: -10, max: 70_000 }),
    },
    { requiredKeys: [] },
  ),
  fc.anything({ maxDepth: 1 }),
);
const rule = (peers: "from" | "to") =>
  mostly(
    fc.record(
      { [peers]: fc.array(peer, { maxLength: 3 }), ports: fc.array(port, { maxLength: 4 }) },
      { requiredKeys: [] },
    ),
    fc.anything({ maxDepth: 1 }),
  );
const k8sSpec = fc.record(
  {
    podSelector: labelSelector,
    policyTypes: fc.array(mostly(fc.constantFrom("Ingress", "Egress"), fc.constantFrom("ingress", 3)), {
      maxLength: 3,
    }),
    ingress: fc.array(rule("from"), { maxLength: 3 }),
    egress: fc.array(rule("to"), { maxLength: 3 }),
  },
  { requiredKeys: [] },
);

/** Every selector string in a v3 policy: the policy's and each rule's source and destination ones. */
function v3Selectors(v3: Record<string, unknown>): string[] {
  const spec = v3.spec as { selector: string; ingress?: V3RuleShape[]; egress?: V3RuleShape[] };
  const rules = [...(spec.ingress ?? []), ...(spec.egress ?? [])];
  return [
    spec.selector,
    ...rules.flatMap((r) => [r.source, r.destination]).flatMap((e) => [e.selector, e.namespaceSelector]),
  ].filter((s): s is string => s !== undefined);
}

interface V3RuleShape {
  readonly source: { readonly selector?: string; readonly namespaceSelector?: string };
  readonly destination: { readonly selector?: string; readonly namespaceSelector?: string; readonly ports?: unknown[] };
}

/** Every selector of a model policy: its own and each rule side's selector and notSelector. */
function modelSelectors(policy: Policy): string[] {
  const sides = [...policy.ingress, ...policy.egress].flatMap((r) => [r.source, r.destination]);
  return [policy.selector, ...sides.flatMap((side) => [side.selector, side.notSelector])];
}

describe("k8sNetworkPolicyToCalico: properties", () => {
  test.prop([k8sSpec], { numRuns: 400 })(
    "never throws; what it writes parses, has Kubernetes-valid ports and passes the §4 conversion",
    (spec) => {
      const { v3, diagnostics } = toV3(k8sPolicy(spec));
      for (const d of diagnostics) expect(d.field === undefined || d.field.startsWith("spec")).toBe(true);
      if (v3 === undefined) {
        expect(diagnostics.some((d) => d.severity === "error")).toBe(true);
        return;
      }
      for (const selector of v3Selectors(v3)) expect(() => parseSelector(selector)).not.toThrow();
      const spec3 = v3.spec as { ingress?: V3RuleShape[]; egress?: V3RuleShape[] };
      for (const r of [...(spec3.ingress ?? []), ...(spec3.egress ?? [])]) {
        for (const p of r.destination.ports ?? []) {
          if (typeof p === "number") expect(Number.isInteger(p) && p >= 1 && p <= 65535).toBe(true);
          else expect(p).toMatch(/^([0-9]+:[0-9]+|[-a-z0-9]{1,15})$/);
        }
      }
      const modelDiagnostics: Diagnostic[] = [];
      const ctx: ConvertContext = {
        cluster: "",
        origin: {},
        kind: "NetworkPolicy",
        namespace: "shop",
        name: "allow-checkout",
        diagnostics: modelDiagnostics,
      };
      const policy = networkPolicyToModel(new Field(ctx, "", v3), ctx, "KubernetesNetworkPolicy");
      expect(modelDiagnostics.filter((d) => d.severity === "error")).toEqual([]);
      expect(policy).toBeDefined();
      for (const selector of modelSelectors(policy!)) expect(() => parseSelector(selector)).not.toThrow();
    },
  );

  const goodKey = fc.constantFrom("app", "app.kubernetes.io/name", "tier", "Zone");
  const goodValue = fc.constantFrom("web", "checkout", "", "v1.2_rc-3");
  const goodSelector = fc.record(
    {
      matchLabels: fc.dictionary(goodKey, goodValue, { maxKeys: 2 }),
      matchExpressions: fc.array(
        fc.record({
          key: goodKey,
          operator: fc.constantFrom("In", "NotIn", "Exists", "DoesNotExist"),
          values: fc.array(goodValue, { minLength: 1, maxLength: 2 }),
        }),
        { maxLength: 2 },
      ),
    },
    { requiredKeys: [] },
  );
  const goodPeer = fc.oneof(
    fc.record({ podSelector: goodSelector, namespaceSelector: goodSelector }, { requiredKeys: [] }),
    fc.constantFrom(
      { ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] } },
      { ipBlock: { cidr: "fd00::/8", except: ["fd00:1::/32"] } },
    ),
  );
  const goodPort = fc.record(
    {
      protocol: fc.constantFrom("TCP", "UDP", "SCTP"),
      port: fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.constantFrom("http", "dns-tcp")),
    },
    { requiredKeys: [] },
  );
  const goodRule = fc.record({
    from: fc.array(goodPeer, { maxLength: 2 }),
    ports: fc.array(goodPort, { maxLength: 3 }),
  });

  test.prop([goodSelector, fc.array(goodRule, { maxLength: 3 })], { numRuns: 200 })(
    "a well-formed policy converts end to end without diagnostics, each k8s rule into at least one rule per peer",
    (podSelector, ingress) => {
      const { resources, diagnostics } = convertResource(k8sPolicy({ podSelector, policyTypes: ["Ingress"], ingress }));
      expect(diagnostics).toEqual([]);
      expect(resources).toHaveLength(1);
      const rules = (resources[0] as Policy).ingress.length;
      expect(rules).toBeGreaterThanOrEqual(ingress.reduce((n, r) => n + Math.max(1, r.from.length), 0));
    },
  );
});
