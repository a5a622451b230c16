/**
 * Rule conversion (spec §4.1 and the rule checks of §1.6): the combined entity selectors, byte
 * for byte, and every other rule field, through the public dispatcher.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { convertResource } from "../../src/k8s/convert.js";
import { type EntitySelectorFields, entitySelector } from "../../src/k8s/rules.js";
import type { Diagnostic, Policy, Rule } from "../../src/model/index.js";
import { parseSelector } from "../../src/selector/index.js";
import { selectorArbitrary } from "../../src/testing/index.js";

const NO_SELECTORS: EntitySelectorFields = { selector: "", namespaceSelector: "", notSelector: "" };

describe("entitySelector (GetEntityRuleSelector)", () => {
  it.each<[string, Partial<EntitySelectorFields>, string, string]>([
    [
      "a selector in a namespaced policy is pinned to the namespace",
      { selector: "app == 'web'" },
      "shop",
      "(projectcalico.org/namespace == 'shop') && (app == 'web')",
    ],
    ["a global policy's selector is not pinned", { selector: "app == 'web'" }, "", "app == 'web'"],
    [
      "the rule selector is inserted verbatim, not canonicalised",
      { selector: "app=='web'&&tier  in {'b','a'}" },
      "shop",
      "(projectcalico.org/namespace == 'shop') && (app=='web'&&tier  in {'b','a'})",
    ],
    [
      "a namespaceSelector replaces the pin, prefixed and canonical",
      { namespaceSelector: "team == 'payments'", selector: "role == 'db'" },
      "shop",
      "(pcns.team == \"payments\") && (role == 'db')",
    ],
    [
      "set values in a namespaceSelector are sorted",
      { namespaceSelector: "team in {'shop', 'payments'}" },
      "",
      'pcns.team in {"payments", "shop"}',
    ],
    [
      "namespaceSelector all() means every namespace",
      { namespaceSelector: "all()" },
      "shop",
      "has(projectcalico.org/namespace)",
    ],
    [
      "an empty namespaceSelector prints as all() and is replaced too",
      { namespaceSelector: "  " },
      "shop",
      "has(projectcalico.org/namespace)",
    ],
    [
      "namespaceSelector global() means no namespace",
      { namespaceSelector: "global()" },
      "",
      "!has(projectcalico.org/namespace)",
    ],
    [
      "global() with surrounding blanks is still global()",
      { namespaceSelector: "  global( )  ", selector: "has(role)" },
      "shop",
      "(!has(projectcalico.org/namespace)) && (has(role))",
    ],
    [
      "the all() replacement is textual and reaches quoted values",
      { namespaceSelector: 'team == "all()"' },
      "",
      'pcns.team == "has(projectcalico.org/namespace)"',
    ],
    [
      "the replacement also rewrites !all()",
      { namespaceSelector: "has(team) && !all()" },
      "",
      "(has(pcns.team) && !has(projectcalico.org/namespace))",
    ],
    [
      "a notSelector alone pins the side but stays out of the selector",
      { notSelector: "app == 'debug'" },
      "shop",
      "projectcalico.org/namespace == 'shop'",
    ],
    ["a notSelector in a global policy gives no selector", { notSelector: "app == 'debug'" }, "", ""],
    ["nothing selected: no selector, not pinned", {}, "shop", ""],
    [
      "service account names become a sorted set",
      { serviceAccounts: { names: ["ledger", "api", "ledger"], selector: "" } },
      "payments",
      '(projectcalico.org/namespace == \'payments\') && (projectcalico.org/serviceaccount in {"api", "ledger"})',
    ],
    [
      "service account selector and names are ANDed, then the rule selector",
      { serviceAccounts: { names: ["ledger"], selector: "role == 'reader'" }, selector: "app == 'ledger'" },
      "payments",
      "(projectcalico.org/namespace == 'payments') && " +
        '(((pcsa.role == "reader") && (projectcalico.org/serviceaccount in {"ledger"})) && (app == \'ledger\'))',
    ],
    [
      "a service account selector alone is prefixed with pcsa.",
      { serviceAccounts: { names: [], selector: "app.kubernetes.io/name == 'ledger' || has(admin)" } },
      "",
      '(pcsa.app.kubernetes.io/name == "ledger" || has(pcsa.admin))',
    ],
    [
      "an empty serviceAccounts match selects nothing and does not pin",
      { serviceAccounts: { names: [], selector: "" } },
      "shop",
      "",
    ],
    [
      "names that cannot be written as a selector drop the service-account part",
      { serviceAccounts: { names: ["it's"], selector: "" }, selector: "app == 'x'" },
      "shop",
      "(projectcalico.org/namespace == 'shop') && (app == 'x')",
    ],
    [
      "a name with a double quote is printed in single quotes",
      { serviceAccounts: { names: ['say"hi'], selector: "" } },
      "",
      "projectcalico.org/serviceaccount in {'say\"hi'}",
    ],
    [
      "namespaceSelector with service accounts in a global policy",
      {
        namespaceSelector: "kubernetes.io/metadata.name == 'payments'",
        serviceAccounts: { names: ["ledger"], selector: "" },
      },
      "",
      '(pcns.kubernetes.io/metadata.name == "payments") && (projectcalico.org/serviceaccount in {"ledger"})',
    ],
  ])("%s", (_, fields, namespace, expected) => {
    expect(entitySelector({ ...NO_SELECTORS, ...fields }, namespace)).toBe(expected);
  });
});

// ---------------------------------------------------------------------------------------------
// Rules inside resources

function globalPolicy(rules: { ingress?: unknown[]; egress?: unknown[] }) {
  return {
    apiVersion: "projectcalico.org/v3",
    kind: "GlobalNetworkPolicy",
    metadata: { name: "platform-rules" },
    spec: { selector: "has(app.kubernetes.io/name)", ...rules },
  };
}

function shopPolicy(rules: { ingress?: unknown[]; egress?: unknown[] }) {
  return {
    apiVersion: "projectcalico.org/v3",
    kind: "NetworkPolicy",
    metadata: { name: "checkout", namespace: "shop" },
    spec: { selector: "app == 'checkout'", ...rules },
  };
}

/** Converts a resource that must be accepted and returns its policy. */
function accepted(raw: unknown): { policy: Policy; diagnostics: Diagnostic[] } {
  const { resources, diagnostics } = convertResource(raw);
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  expect(resources).toHaveLength(1);
  return { policy: resources[0] as Policy, diagnostics };
}

function firstIngress(raw: unknown): Rule {
  const rule = accepted(raw).policy.ingress[0];
  expect(rule).toBeDefined();
  return rule!;
}

/** Converts a resource that Calico refuses, and checks the error names `field`. */
function rejected(raw: unknown, field: string, message: string): Diagnostic[] {
  const { resources, diagnostics } = convertResource(raw);
  expect(resources).toEqual([]);
  expect(diagnostics).toContainEqual(
    expect.objectContaining({ severity: "error", field, message: expect.stringContaining(message) }),
  );
  return diagnostics;
}

describe("actions", () => {
  it.each([
    ["Allow", "allow"],
    ["Deny", "deny"],
    ["Log", "log"],
    ["Pass", "next-tier"],
  ])("%s becomes %s", (action, expected) => {
    expect(firstIngress(globalPolicy({ ingress: [{ action }] })).action).toBe(expected);
  });

  it.each([["allow"], ["Reject"], [""]])("rejects the policy for action %j", (action) => {
    rejected(globalPolicy({ ingress: [{ action }] }), "spec.ingress[0].action", "");
  });

  it("requires an action", () => {
    rejected(
      globalPolicy({ egress: [{ destination: { nets: ["10.0.0.0/8"] } }] }),
      "spec.egress[0].action",
      "required",
    );
  });
});

describe("protocols", () => {
  it.each<[unknown, Rule["protocol"]]>([
    ["TCP", "tcp"],
    ["UDP", "udp"],
    ["ICMP", "icmp"],
    ["ICMPv6", "icmpv6"],
    ["SCTP", "sctp"],
    ["UDPLite", "udplite"],
    [6, 6],
    [255, 255],
    ["17", 17],
    ["0132", 132],
  ])("protocol %j becomes %j", (protocol, expected) => {
    const rule = firstIngress(globalPolicy({ ingress: [{ action: "Allow", protocol, notProtocol: protocol }] }));
    expect(rule.protocol).toBe(expected);
    expect(rule.notProtocol).toBe(expected);
  });

  it.each([["tcp"], ["Tcp"], ["HTTP"], [0], ["0"], [256], ["256"], [6.5], [true]])(
    "rejects the policy for protocol %j",
    (protocol) => {
      rejected(globalPolicy({ ingress: [{ action: "Allow", protocol }] }), "spec.ingress[0].protocol", "");
    },
  );

  it("leaves the protocol out when the rule has none", () => {
    const rule = firstIngress(globalPolicy({ ingress: [{ action: "Allow" }] }));
    expect(rule).not.toHaveProperty("protocol");
    expect(rule).not.toHaveProperty("notProtocol");
    expect(rule).not.toHaveProperty("ipVersion");
  });
});

describe("ports", () => {
  it("reads numbers, numeric strings, ranges and port names, in order", () => {
    const rule = firstIngress(
      shopPolicy({
        ingress: [
          {
            action: "Allow",
            protocol: "TCP",
            source: { ports: ["1024:65535"] },
            destination: { ports: [80, "http", "8000:8080", "0443", "9090:9090"], notPorts: ["metrics", 22] },
          },
        ],
      }),
    );
    expect(rule.source.ports).toEqual([{ kind: "range", min: 1024, max: 65535 }]);
    expect(rule.destination.ports).toEqual([
      { kind: "range", min: 80, max: 80 },
      { kind: "named", name: "http" },
      { kind: "range", min: 8000, max: 8080 },
      { kind: "range", min: 443, max: 443 },
      { kind: "range", min: 9090, max: 9090 },
    ]);
    expect(rule.destination.notPorts).toEqual([
      { kind: "named", name: "metrics" },
      { kind: "range", min: 22, max: 22 },
    ]);
  });

  it.each([
    [0, "from 1 to 65535"],
    [65536, "from 1 to 65535"],
    [-1, "from 1 to 65535"],
    [80.5, "from 1 to 65535"],
    ["0", "1 to 65535"],
    ["65536", "1 to 65535"],
    ["0:100", "1 to 65535"],
    ["100:70000", "1 to 65535"],
    ["9000:8000", "greater than the maximum"],
    ["-50:-1", "not a port number"],
    ["HTTP", "not a port number"],
    ["my--port", "not a port number"],
    ["-http", "not a port number"],
    ["8080", undefined],
    ["a-very-long-name", "not a port number"],
    ["1234", undefined],
    ["web_ui", "not a port number"],
    [" 80", "not a port number"],
    [null, "got null"],
    [{ port: 80 }, "expected a string"],
  ])("port %j", (port, message) => {
    const raw = shopPolicy({ ingress: [{ action: "Allow", protocol: "TCP", destination: { ports: [port] } }] });
    if (message === undefined) accepted(raw);
    else rejected(raw, "spec.ingress[0].destination.ports[0]", message);
  });

  it.each([["UDP"], ["SCTP"], [6], [17], [132], ["6"]])("protocol %j may have ports", (protocol) => {
    accepted(shopPolicy({ ingress: [{ action: "Allow", protocol, destination: { ports: [53] } }] }));
  });

  it.each([[undefined], ["ICMP"], ["UDPLite"], [1], [47]])("protocol %j may not have ports", (protocol) => {
    const rule = { action: "Allow", ...(protocol === undefined ? {} : { protocol }) };
    rejected(
      shopPolicy({ ingress: [{ ...rule, source: { notPorts: [53] } }] }),
      "spec.ingress[0].source.notPorts",
      "TCP, UDP or SCTP",
    );
    rejected(
      shopPolicy({ egress: [{ ...rule, destination: { ports: [53] } }] }),
      "spec.egress[0].destination.ports",
      "TCP, UDP or SCTP",
    );
  });
});

describe("ICMP, ipVersion", () => {
  it("copies type and code", () => {
    const rule = firstIngress(
      globalPolicy({
        ingress: [{ action: "Allow", protocol: "ICMP", icmp: { type: 8, code: 0 }, notICMP: { type: 5 } }],
      }),
    );
    expect(rule.icmp).toEqual({ type: 8, code: 0 });
    expect(rule.notICMP).toEqual({ type: 5 });
  });

  it("an empty icmp match restricts nothing", () => {
    const rule = firstIngress(globalPolicy({ ingress: [{ action: "Allow", protocol: "ICMPv6", icmp: {} }] }));
    expect(rule).not.toHaveProperty("icmp");
  });

  it.each<[Record<string, unknown>, string, string]>([
    [{ protocol: "ICMP", icmp: { code: 0 } }, "spec.ingress[0].icmp.code", "needs an ICMP type"],
    [{ protocol: "ICMP", icmp: { type: 255 } }, "spec.ingress[0].icmp.type", "from 0 to 254"],
    [{ protocol: "ICMP", icmp: { type: 3, code: 256 } }, "spec.ingress[0].icmp.code", "from 0 to 255"],
    [{ protocol: "ICMP", icmp: { type: "8" } }, "spec.ingress[0].icmp.type", "expected a number"],
    [{ protocol: "TCP", icmp: { type: 8 } }, "spec.ingress[0].icmp", "protocol ICMP or ICMPv6"],
    [{ icmp: { type: 8 } }, "spec.ingress[0].icmp", "protocol ICMP or ICMPv6"],
    [{ protocol: 1, icmp: { type: 8 } }, "spec.ingress[0].icmp", "protocol ICMP or ICMPv6"],
    [{ protocol: "ICMP", ipVersion: 6 }, "spec.ingress[0].ipVersion", "must be 4"],
    [{ notProtocol: "ICMPv6", ipVersion: 4 }, "spec.ingress[0].ipVersion", "must be 6"],
    [{ ipVersion: 5 }, "spec.ingress[0].ipVersion", "expected 4 or 6"],
    [{ ipVersion: "4" }, "spec.ingress[0].ipVersion", "expected a number"],
  ])("rejects %j", (fields, field, message) => {
    rejected(globalPolicy({ ingress: [{ action: "Allow", ...fields }] }), field, message);
  });

  it("notICMP needs no ICMP protocol", () => {
    expect(firstIngress(globalPolicy({ ingress: [{ action: "Allow", notICMP: { type: 8 } }] })).notICMP).toEqual({
      type: 8,
    });
  });

  it("keeps ipVersion", () => {
    expect(firstIngress(globalPolicy({ ingress: [{ action: "Deny", ipVersion: 6 }] })).ipVersion).toBe(6);
  });
});

describe("nets", () => {
  it("parses, masks and keeps order; bare addresses become host networks", () => {
    const rule = firstIngress(
      shopPolicy({
        ingress: [
          {
            action: "Allow",
            source: { nets: ["10.1.2.3/8", "192.168.0.7", "0.0.0.0/0"], notNets: ["10.96.0.0/12"] },
            destination: { nets: ["10.244.1.9/24"] },
          },
        ],
      }),
    );
    expect(rule.source.nets).toEqual(["10.0.0.0/8", "192.168.0.7/32", "0.0.0.0/0"]);
    expect(rule.source.notNets).toEqual(["10.96.0.0/12"]);
    expect(rule.destination.nets).toEqual(["10.244.1.0/24"]);
  });

  it("canonicalises IPv6", () => {
    const rule = firstIngress(
      globalPolicy({
        ingress: [{ action: "Allow", ipVersion: 6, source: { nets: ["2001:DB8:0:0::1", "fd00:1:2::3/48"] } }],
      }),
    );
    expect(rule.source.nets).toEqual(["2001:db8::1/128", "fd00:1:2::/48"]);
  });

  it("skips entries that are not a CIDR or IP with a warning, and keeps the rest", () => {
    const { policy, diagnostics } = accepted(
      shopPolicy({
        ingress: [{ action: "Allow", source: { nets: ["10.0.0.0/33", "10.2.0.0/16", "010.0.0.1", "shop"] } }],
      }),
    );
    expect(policy.ingress[0]?.source.nets).toEqual(["10.2.0.0/16"]);
    expect(diagnostics.map((d) => [d.severity, d.field])).toEqual([
      ["warning", "spec.ingress[0].source.nets[0]"],
      ["warning", "spec.ingress[0].source.nets[2]"],
      ["warning", "spec.ingress[0].source.nets[3]"],
    ]);
    expect(diagnostics[0]).toMatchObject({ kind: "NetworkPolicy", namespace: "shop", name: "checkout" });
  });

  it.each<[Record<string, unknown>, string, string]>([
    [{ source: { nets: ["10.0.0.0/8", "fd00::/8"] } }, "spec.ingress[0].source.nets", "mix IPv4 and IPv6"],
    [
      { source: { nets: ["10.0.0.0/8"] }, destination: { notNets: ["fd00::/8"] } },
      "spec.ingress[0].destination.notNets",
      "mix",
    ],
    [{ ipVersion: 6, source: { nets: ["10.0.0.0/8"] } }, "spec.ingress[0].source.nets", "ipVersion 6"],
    [{ source: { nets: "10.0.0.0/8" } }, "spec.ingress[0].source.nets", "expected a list"],
    [{ source: { nets: [10] } }, "spec.ingress[0].source.nets[0]", "expected a string"],
    [{ source: { nets: [null] } }, "spec.ingress[0].source.nets[0]", "got null"],
  ])("rejects %j", (fields, field, message) => {
    rejected(globalPolicy({ ingress: [{ action: "Allow", ...fields }] }), field, message);
  });
});

describe("selectors inside rules", () => {
  it("combines each side, and copies notSelector verbatim", () => {
    const rule = firstIngress(
      shopPolicy({
        ingress: [
          {
            action: "Allow",
            source: { selector: "app == 'web'", notSelector: "env=='canary'" },
            destination: { namespaceSelector: "team == 'payments'", selector: "app.kubernetes.io/name == 'ledger'" },
          },
        ],
      }),
    );
    expect(rule.source.selector).toBe("(projectcalico.org/namespace == 'shop') && (app == 'web')");
    expect(rule.source.notSelector).toBe("env=='canary'");
    expect(rule.destination.selector).toBe("(pcns.team == \"payments\") && (app.kubernetes.io/name == 'ledger')");
    expect(rule.destination.notSelector).toBe("");
  });

  it("does not pin a side with only nets and ports", () => {
    const rule = firstIngress(
      shopPolicy({
        ingress: [
          { action: "Allow", protocol: "TCP", source: { nets: ["10.0.0.0/8"] }, destination: { ports: [443] } },
        ],
      }),
    );
    expect(rule.source.selector).toBe("");
    expect(rule.destination.selector).toBe("");
  });

  it("accepts exactly global() in a namespaceSelector", () => {
    const rule = firstIngress(
      shopPolicy({ ingress: [{ action: "Allow", source: { namespaceSelector: "global()" } }] }),
    );
    expect(rule.source.selector).toBe("!has(projectcalico.org/namespace)");
  });

  it("accepts global() where Calico's validator does not look (notSelector, service-account selector)", () => {
    const rule = firstIngress(
      globalPolicy({
        ingress: [{ action: "Allow", source: { notSelector: "global()", serviceAccounts: { selector: "global()" } } }],
      }),
    );
    expect(rule.source).toMatchObject({ selector: "global()", notSelector: "global()" });
  });

  it("blank rule selector in a global policy stays as written", () => {
    expect(
      firstIngress(globalPolicy({ ingress: [{ action: "Allow", source: { selector: " " } }] })).source.selector,
    ).toBe(" ");
  });

  it.each<[Record<string, unknown>, string, string]>([
    [{ source: { selector: "app = 'web'" } }, "spec.ingress[0].source.selector", "invalid selector"],
    [{ source: { notSelector: "app ==" } }, "spec.ingress[0].source.notSelector", "invalid selector"],
    [
      { source: { namespaceSelector: "team in ('a')" } },
      "spec.ingress[0].source.namespaceSelector",
      "invalid selector",
    ],
    [
      { source: { serviceAccounts: { selector: "(a" } } },
      "spec.ingress[0].source.serviceAccounts.selector",
      "invalid selector",
    ],
    [{ source: { selector: "global()" } }, "spec.ingress[0].source.selector", "namespaceSelector"],
    [{ source: { selector: "a == 'x' || global()" } }, "spec.ingress[0].source.selector", "namespaceSelector"],
    [
      { source: { namespaceSelector: "global() && has(a)" } },
      "spec.ingress[0].source.namespaceSelector",
      "cannot be combined",
    ],
    [{ source: { namespaceSelector: "(global())" } }, "spec.ingress[0].source.namespaceSelector", "cannot be combined"],
    [{ source: { namespaceSelector: "!global()" } }, "spec.ingress[0].source.namespaceSelector", "cannot be combined"],
    [{ source: { selector: 42 } }, "spec.ingress[0].source.selector", "expected a string"],
    [
      { source: { serviceAccounts: { names: "ledger" } } },
      "spec.ingress[0].source.serviceAccounts.names",
      "expected a list",
    ],
    [{ source: "anywhere" }, "spec.ingress[0].source", "expected an object"],
    // Calico would build "(projectcalico.org/namespace == 'shop') && ( )", which Felix cannot parse.
    [{ source: { selector: " " } }, "spec.ingress[0].source.selector", "does not parse"],
  ])("rejects %j", (fields, field, message) => {
    rejected(shopPolicy({ ingress: [{ action: "Allow", ...fields }] }), field, message);
  });

  it("warns when service account names cannot be written as a selector", () => {
    const { policy, diagnostics } = accepted(
      shopPolicy({ egress: [{ action: "Allow", destination: { serviceAccounts: { names: ["it's"] } } }] }),
    );
    expect(policy.egress[0]?.destination.selector).toBe("");
    expect(diagnostics).toEqual([
      expect.objectContaining({ severity: "warning", field: "spec.egress[0].destination.serviceAccounts.names" }),
    ]);
  });

  it("a label key __proto__ is an ordinary label", () => {
    const rule = firstIngress(
      shopPolicy({
        ingress: [{ action: "Allow", source: { selector: "__proto__ == 'x'", namespaceSelector: "has(constructor)" } }],
      }),
    );
    expect(rule.source.selector).toBe("(has(pcns.constructor)) && (__proto__ == 'x')");
  });
});

describe("services", () => {
  it("copies the service of an egress destination and of an ingress source", () => {
    const { policy } = accepted(
      shopPolicy({
        egress: [
          { action: "Allow", protocol: "TCP", destination: { services: { name: "ledger", namespace: "payments" } } },
        ],
        ingress: [{ action: "Allow", source: { services: { name: "frontend" } } }],
      }),
    );
    expect(policy.egress[0]?.destination.service).toEqual({ namespace: "payments", name: "ledger" });
    expect(policy.egress[0]?.destination.selector).toBe("");
    expect(policy.ingress[0]?.source.service).toEqual({ namespace: "", name: "frontend" });
    expect(policy.ingress[0]?.destination).not.toHaveProperty("service");
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    [
      "egress",
      { source: { services: { name: "ledger" } } },
      "spec.egress[0].source.services",
      "destination of an egress",
    ],
    [
      "ingress",
      { destination: { services: { name: "ledger" } } },
      "spec.ingress[0].destination.services",
      "source of an ingress",
    ],
    [
      "egress",
      { destination: { services: { namespace: "payments" } } },
      "spec.egress[0].destination.services.name",
      "name a service",
    ],
    [
      "egress",
      { destination: { services: { name: "ledger" }, selector: "app == 'x'" } },
      "spec.egress[0].destination.services",
      "selector",
    ],
    [
      "egress",
      { destination: { services: { name: "ledger" }, namespaceSelector: "all()" } },
      "spec.egress[0].destination.services",
      "namespaceSelector",
    ],
    [
      "egress",
      { destination: { services: { name: "ledger" }, nets: ["10.0.0.0/8"] } },
      "spec.egress[0].destination.services",
      "nets",
    ],
    [
      "egress",
      { destination: { services: { name: "ledger" }, serviceAccounts: {} } },
      "spec.egress[0].destination.services",
      "serviceAccounts",
    ],
    [
      "egress",
      { protocol: "TCP", destination: { services: { name: "ledger" }, ports: [80] } },
      "spec.egress[0].destination.services",
      "ports",
    ],
  ])("%s rule %j is rejected", (direction, fields, field, message) => {
    rejected(shopPolicy({ [direction]: [{ action: "Allow", ...fields }] }), field, message);
  });

  it("a global policy must give the service's namespace", () => {
    rejected(
      globalPolicy({ egress: [{ action: "Allow", destination: { services: { name: "kube-dns" } } }] }),
      "spec.egress[0].destination.services.namespace",
      "required",
    );
    const { policy } = accepted(
      globalPolicy({
        egress: [{ action: "Allow", destination: { services: { name: "kube-dns", namespace: "kube-system" } } }],
      }),
    );
    expect(policy.egress[0]?.destination.service).toEqual({ namespace: "kube-system", name: "kube-dns" });
  });
});

describe("rule lists", () => {
  it.each<[unknown, string, string]>([
    ["allow-all", "spec.ingress", "expected a list"],
    [[null], "spec.ingress[0]", "got null"],
    [["Allow"], "spec.ingress[0]", "expected an object"],
  ])("rejects ingress %j", (ingress, field, message) => {
    rejected({ ...globalPolicy({}), spec: { ingress } }, field, message);
  });

  it("keeps rule order", () => {
    const { policy } = accepted(
      globalPolicy({
        ingress: [{ action: "Deny", source: { nets: ["10.0.0.0/8"] } }, { action: "Pass" }, { action: "Allow" }],
      }),
    );
    expect(policy.ingress.map((rule) => rule.action)).toEqual(["deny", "next-tier", "allow"]);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const oddSelectors = fc.constantFrom(
  "",
  " ",
  "all()",
  "global()",
  "!global()",
  "global() && has(a)",
  "app == 'all()'",
  "app = 'web'",
  "has(",
  "__proto__ == 'x'",
  "team in {'shop', 'payments'}",
);
const selectorValue = fc.oneof(selectorArbitrary({ maxDepth: 2 }), oddSelectors);
const portValue = fc.constantFrom<unknown>(80, 0, 65536, "http", "8000:8080", "9:1", "-50:-1", "HTTP", null, "0443");
const netValue = fc.constantFrom<unknown>("10.1.2.3/8", "fd00::1/64", "192.168.0.1", "bad", 7, "10.0.0.0/33");
const entity = fc.record(
  {
    selector: selectorValue,
    namespaceSelector: selectorValue,
    notSelector: selectorValue,
    serviceAccounts: fc.record(
      {
        names: fc.array(fc.constantFrom("ledger", "api", "it's", 'say"hi'), { maxLength: 3 }),
        selector: selectorValue,
      },
      { requiredKeys: [] },
    ),
    nets: fc.array(netValue, { maxLength: 2 }),
    ports: fc.array(portValue, { maxLength: 2 }),
    services: fc.record({ name: fc.constantFrom("ledger", ""), namespace: fc.constantFrom("payments", "") }),
  },
  { requiredKeys: [] },
);
const rule = fc.record(
  {
    action: fc.constantFrom<unknown>("Allow", "Deny", "Log", "Pass", "allow", 3),
    protocol: fc.constantFrom<unknown>("TCP", "UDP", "ICMP", "tcp", 6, 0, "17"),
    ipVersion: fc.constantFrom<unknown>(4, 6, 5),
    icmp: fc.record({ type: fc.constantFrom(8, 300), code: fc.constantFrom(0, -1) }, { requiredKeys: [] }),
    source: entity,
    destination: entity,
  },
  { requiredKeys: [] },
);

/**
 * Values Calico accepts, so that generated policies are accepted. Left out: global() (only a
 * namespaceSelector may use it) and blank selectors (wrapped in parentheses they no longer parse).
 */
const validSelector = fc.oneof(
  selectorArbitrary({ maxDepth: 2 }).filter((text) => text.trim() !== "" && !text.includes("global(")),
  fc.constantFrom("", "all()", "app == 'all()'", "__proto__ == 'x'", "team in {'shop', 'payments'}"),
);
const validEntity = fc.record(
  {
    selector: validSelector,
    namespaceSelector: fc.oneof(validSelector, fc.constant("global()")),
    notSelector: validSelector,
    serviceAccounts: fc.record(
      { names: fc.array(fc.constantFrom("ledger", "api", 'say"hi'), { maxLength: 3 }), selector: validSelector },
      { requiredKeys: [] },
    ),
    nets: fc.array(fc.constantFrom("10.1.2.3/8", "192.168.0.1", "172.16.0.0/12"), { maxLength: 2 }),
    ports: fc.array(fc.constantFrom<unknown>(80, "http", "8000:8080", "0443"), { maxLength: 2 }),
  },
  { requiredKeys: [] },
);
const validRule = fc.record(
  {
    action: fc.constantFrom("Allow", "Deny", "Log", "Pass"),
    protocol: fc.constantFrom<unknown>("TCP", "UDP", 6, "17"),
    ipVersion: fc.constant(4),
    source: validEntity,
    destination: validEntity,
  },
  { requiredKeys: ["action", "protocol"] },
);

function selectorsOf(rules: readonly Rule[]): string[] {
  return rules.flatMap((r) => [
    r.source.selector,
    r.source.notSelector,
    r.destination.selector,
    r.destination.notSelector,
  ]);
}

describe("properties", () => {
  test.prop([fc.array(rule, { maxLength: 3 }), fc.array(rule, { maxLength: 3 }), fc.constantFrom("shop", "payments")], {
    numRuns: 300,
  })("random rules never throw, and every selector of an accepted policy parses", (ingress, egress, namespace) => {
    const raw = {
      apiVersion: "projectcalico.org/v3",
      kind: "NetworkPolicy",
      metadata: { name: "generated", namespace },
      spec: { ingress, egress },
    };
    const { resources, diagnostics } = convertResource(raw);
    const errors = diagnostics.filter((d) => d.severity === "error");
    expect(resources.length).toBe(errors.length === 0 ? 1 : 0);
    for (const d of diagnostics) expect(d.field).toMatch(/^spec\./);
    for (const policy of resources as Policy[]) {
      for (const text of [policy.selector, ...selectorsOf(policy.ingress), ...selectorsOf(policy.egress)]) {
        expect(() => parseSelector(text)).not.toThrow();
      }
    }
  });

  test.prop([fc.array(validRule, { maxLength: 3 }), fc.array(validRule, { maxLength: 3 }), validSelector], {
    numRuns: 300,
  })("policies of valid parts are accepted, and all their selectors parse", (ingress, egress, selector) => {
    const { resources, diagnostics } = convertResource({
      apiVersion: "projectcalico.org/v3",
      kind: "NetworkPolicy",
      metadata: { name: "generated", namespace: "shop" },
      spec: { selector, ingress, egress },
    });
    expect(diagnostics).toEqual([]);
    const policy = resources[0] as Policy;
    for (const text of [policy.selector, ...selectorsOf(policy.ingress), ...selectorsOf(policy.egress)]) {
      expect(() => parseSelector(text)).not.toThrow();
    }
  });

  test.prop([selectorArbitrary({ maxDepth: 2 }), fc.constantFrom("", "shop")], { numRuns: 300 })(
    "a rule selector is kept verbatim, and pinned in a namespaced policy",
    (selector, namespace) => {
      fc.pre(selector.trim() !== "");
      const expected = namespace === "" ? selector : `(projectcalico.org/namespace == 'shop') && (${selector})`;
      expect(entitySelector({ ...NO_SELECTORS, selector }, namespace)).toBe(expected);
    },
  );
});
