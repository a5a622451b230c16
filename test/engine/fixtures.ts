/**
 * Static scenarios from calico-semantics.md §5.9 and §8 items 13–16, as realistic manifests with
 * hand-written expectations: the IP sets (by the selector text and named port they stand for),
 * their exact members, the active policies and profiles, and the IP-set references of the active
 * rules. The same fixtures check the engine (scenarios.test.ts) and the oracle (oracle.test.ts).
 *
 * Expected IDs are derived from hand-written selector strings with the selector library and
 * `uniqueId` (both tested on their own); nothing here is computed by the engine or the oracle.
 */
import type { IpSetInfo, NamedPortProtocol } from "../../src/calc/types.js";
import { uniqueId } from "../../src/hash/index.js";
import { parseSelector } from "../../src/selector/index.js";
import {
  calicoPolicy,
  globalNetworkSet,
  globalPolicy,
  hostEndpoint,
  k8sPolicy,
  namespace,
  networkSet,
  pod,
  type Raw,
  serviceAccount,
} from "./manifests.js";
import type { RulesRefs, SideRefs } from "./oracle.js";

/** A selector IP set for `text` (any spelling; identity is by canonical form). */
export function selectorSet(text: string): IpSetInfo {
  const selector = parseSelector(text);
  return { id: selector.uniqueId, type: "net", selector: selector.toString() };
}

/** A named-port IP set (§5.4). */
export function namedPortSet(text: string, protocol: NamedPortProtocol, name: string): IpSetInfo {
  const selector = parseSelector(text);
  return {
    id: uniqueId("n", `${selector.uniqueId},${protocol},${name}`),
    type: "ip-and-port",
    selector: selector.toString(),
    namedPort: { name, protocol },
  };
}

/** An expected IP set with its members. */
export interface ExpectedSet {
  readonly info: IpSetInfo;
  readonly members: readonly string[];
}

/** A side's references, all lists defaulting to empty. */
export function side(refs: Partial<SideRefs> = {}): SideRefs {
  return {
    ipSetIds: refs.ipSetIds ?? [],
    notIpSetIds: refs.notIpSetIds ?? [],
    namedPortIpSetIds: refs.namedPortIpSetIds ?? [],
    notNamedPortIpSetIds: refs.notNamedPortIpSetIds ?? [],
  };
}

/** One static scenario. */
export interface Scenario {
  readonly name: string;
  /** Resources, upserted in order; `cluster` defaults to local. */
  readonly resources: readonly { readonly resource: Raw; readonly cluster?: string }[];
  readonly node?: string;
  readonly ipSets: readonly ExpectedSet[];
  /** Active policies as `<kind>|<namespace>|<name>`. */
  readonly policies: readonly string[];
  readonly profiles: readonly string[];
  /** Expected rule references of some active policies (by key). */
  readonly policyRules?: Readonly<Record<string, RulesRefs>>;
}

// ---------------------------------------------------------------------------------------------
// The shop: two namespaces, two service accounts, two pods.
// ---------------------------------------------------------------------------------------------

export const CHECKOUT_V4 = "10.244.1.10";
export const CHECKOUT_V6 = "fd00:10::a";
export const LEDGER_V4 = "10.244.2.20";

export const SHOP = namespace("shop", { team: "storefront" });
export const PAYMENTS = namespace("payments", { team: "finance" });
export const CHECKOUT_SA = serviceAccount("shop", "checkout", { role: "frontend" });
export const LEDGER_SA = serviceAccount("payments", "ledger", { role: "backend" });

export const CHECKOUT = pod({
  namespace: "shop",
  name: "checkout-6f7c9b-x2x4q",
  node: "node-a",
  labels: { app: "checkout", "pod-template-hash": "6f7c9b" },
  serviceAccount: "checkout",
  ips: [CHECKOUT_V4, CHECKOUT_V6],
  ports: [
    { name: "http", containerPort: 8080, protocol: "TCP" },
    { name: "metrics", containerPort: 9090 },
  ],
});

export const LEDGER = pod({
  namespace: "payments",
  name: "ledger-5d8b7c-fq9zp",
  node: "node-b",
  labels: { app: "ledger", metrics: "statsd" },
  serviceAccount: "ledger",
  ips: [LEDGER_V4],
  ports: [
    { name: "http", containerPort: 8443, protocol: "TCP" },
    { name: "stats", containerPort: 8125, protocol: "UDP" },
  ],
});

const SHOP_WORLD = [SHOP, PAYMENTS, CHECKOUT_SA, LEDGER_SA, CHECKOUT, LEDGER].map((resource) => ({ resource }));
const ALL_PROFILES = ["kns.payments", "kns.shop", "ksa.payments.ledger", "ksa.shop.checkout"];

const checkoutHttp = [`${CHECKOUT_V4},tcp:8080`, `${CHECKOUT_V6},tcp:8080`];
const checkoutHosts = [`${CHECKOUT_V4}/32`, `${CHECKOUT_V6}/128`];

// §5.9 first expectation, and §8 item 14: only named ports ⇒ no selector set for the positive selector.
const namedOnlyAll = namedPortSet("all()", "tcp", "http");
const namedOnlyCheckout = namedPortSet("app == 'checkout'", "tcp", "http");
// Numeric and named ports ⇒ both.
const bothLedgerSel = selectorSet("app == 'ledger'");
const bothLedgerHttp = namedPortSet("app == 'ledger'", "tcp", "http");

// §5.9 second expectation: positive and negated combined; notPorts still use the positive selector.
const combined = "(all()) && (!(app == 'ledger'))";
const combinedSel = selectorSet(combined);
const combinedHttp = namedPortSet(combined, "tcp", "http");
const shopNotLedger = selectorSet("(projectcalico.org/namespace == 'shop') && (!(app == 'ledger'))");
const negatedLedger = selectorSet("app == 'ledger'");

// §8 item 13: named-port protocols.
const statsd = "metrics == 'statsd'";
const statsUdp = namedPortSet(statsd, "udp", "stats");
const statsTcp = namedPortSet(statsd, "tcp", "stats");
const statsSctp = namedPortSet(statsd, "sctp", "stats");

// Kubernetes NetworkPolicy peers.
const knpSource = selectorSet(
  "(pcns.team == \"storefront\") && (projectcalico.org/orchestrator == 'k8s' && app == 'checkout')",
);

export const SCENARIOS: readonly Scenario[] = [
  {
    name: "§5.9/§8.14: a side with only named ports gets named-port sets and no selector set",
    resources: [
      ...SHOP_WORLD,
      {
        resource: globalPolicy("allow-http", {
          ingress: [
            { action: "Allow", protocol: "TCP", source: { selector: "all()", ports: ["http"] } },
            { action: "Allow", protocol: "TCP", destination: { selector: "app == 'checkout'", ports: ["http"] } },
          ],
        }),
      },
    ],
    ipSets: [
      { info: namedOnlyAll, members: [...checkoutHttp, `${LEDGER_V4},tcp:8443`] },
      { info: namedOnlyCheckout, members: checkoutHttp },
    ],
    policies: ["GlobalNetworkPolicy||allow-http"],
    profiles: ALL_PROFILES,
    policyRules: {
      "GlobalNetworkPolicy||allow-http": {
        ingress: [
          { action: "allow", source: side({ namedPortIpSetIds: [namedOnlyAll.id] }), destination: side() },
          { action: "allow", source: side(), destination: side({ namedPortIpSetIds: [namedOnlyCheckout.id] }) },
        ],
        egress: [],
      },
    },
  },
  {
    name: "§8.14: numeric and named ports on one side give both the selector set and the named-port set",
    resources: [
      ...SHOP_WORLD,
      {
        resource: globalPolicy("to-ledger", {
          egress: [
            { action: "Allow", protocol: "TCP", destination: { selector: "app == 'ledger'", ports: [8443, "http"] } },
          ],
        }),
      },
    ],
    ipSets: [
      { info: bothLedgerSel, members: [`${LEDGER_V4}/32`] },
      { info: bothLedgerHttp, members: [`${LEDGER_V4},tcp:8443`] },
    ],
    policies: ["GlobalNetworkPolicy||to-ledger"],
    profiles: ALL_PROFILES,
    policyRules: {
      "GlobalNetworkPolicy||to-ledger": {
        ingress: [],
        egress: [
          {
            action: "allow",
            source: side(),
            destination: side({ ipSetIds: [bothLedgerSel.id], namedPortIpSetIds: [bothLedgerHttp.id] }),
          },
        ],
      },
    },
  },
  {
    name: "§5.9/§8.14: positive and negated selectors combine; a lone notSelector is its own set",
    resources: [
      ...SHOP_WORLD,
      {
        resource: globalPolicy("not-ledger", {
          ingress: [
            {
              action: "Allow",
              protocol: "TCP",
              source: { selector: "all()", notSelector: "app == 'ledger'", notPorts: ["http"] },
            },
            { action: "Deny", source: { notSelector: "app == 'ledger'" } },
          ],
        }),
      },
      {
        resource: calicoPolicy("shop", "checkout-isolation", {
          selector: "app == 'checkout'",
          ingress: [{ action: "Deny", source: { notSelector: "app == 'ledger'" } }],
        }),
      },
    ],
    ipSets: [
      { info: combinedSel, members: checkoutHosts },
      { info: combinedHttp, members: checkoutHttp },
      { info: shopNotLedger, members: checkoutHosts },
      { info: negatedLedger, members: [`${LEDGER_V4}/32`] },
    ],
    policies: ["GlobalNetworkPolicy||not-ledger", "NetworkPolicy|shop|checkout-isolation"],
    profiles: ALL_PROFILES,
    policyRules: {
      "GlobalNetworkPolicy||not-ledger": {
        ingress: [
          {
            action: "allow",
            source: side({ ipSetIds: [combinedSel.id], notNamedPortIpSetIds: [combinedHttp.id] }),
            destination: side(),
          },
          { action: "deny", source: side({ notIpSetIds: [negatedLedger.id] }), destination: side() },
        ],
        egress: [],
      },
      "NetworkPolicy|shop|checkout-isolation": {
        ingress: [{ action: "deny", source: side({ ipSetIds: [shopNotLedger.id] }), destination: side() }],
        egress: [],
      },
    },
  },
  {
    name: "§8.13: named-port sets match endpoint ports by protocol, numeric protocols by number",
    resources: [
      ...SHOP_WORLD,
      {
        resource: pod({
          namespace: "payments",
          name: "ledger-worker-7b4f-kq2lm",
          node: "node-a",
          labels: { app: "ledger-worker", metrics: "statsd" },
          ips: ["10.244.1.30"],
          ports: [{ name: "stats", containerPort: 8126, protocol: "TCP" }],
        }),
      },
      {
        resource: hostEndpoint({
          name: "node-b-eth0",
          node: "node-b",
          interfaceName: "eth0",
          labels: { metrics: "statsd" },
          expectedIPs: ["192.168.10.2"],
          ports: [
            { name: "stats", protocol: 17, port: 8125 },
            { name: "stats", protocol: 6, port: 8126 },
            { protocol: "TCP", port: 22 },
          ],
        }),
      },
      {
        resource: globalPolicy("statsd-egress", {
          selector: "has(app)",
          egress: [
            { action: "Allow", protocol: "UDP", destination: { selector: statsd, ports: ["stats"] } },
            { action: "Allow", protocol: 17, destination: { selector: statsd, ports: ["stats"] } },
            { action: "Allow", protocol: "TCP", destination: { selector: statsd, ports: ["stats"] } },
            { action: "Allow", protocol: "SCTP", destination: { selector: statsd, ports: ["stats"] } },
          ],
        }),
      },
    ],
    ipSets: [
      { info: statsUdp, members: [`${LEDGER_V4},udp:8125`, "192.168.10.2,udp:8125"] },
      { info: statsTcp, members: ["10.244.1.30,tcp:8126", "192.168.10.2,tcp:8126"] },
      { info: statsSctp, members: [] },
    ],
    policies: ["GlobalNetworkPolicy||statsd-egress"],
    profiles: ALL_PROFILES,
  },
  {
    name: "§8.15: network-set nets are masked and /0 is split into two /1s; members are a set",
    resources: [
      ...SHOP_WORLD,
      { resource: globalNetworkSet("internet", { role: "internet" }, ["0.0.0.0/0", "::/0"]) },
      { resource: globalNetworkSet("upper-half", { role: "internet" }, ["128.0.0.0/1"]) },
      {
        resource: networkSet("payments", "card-processors", { role: "psp" }, [
          "192.168.4.10/16",
          "192.168.20.1/16",
          "203.0.113.7",
        ]),
      },
      {
        resource: calicoPolicy("payments", "egress-to-psp", {
          selector: "app == 'ledger'",
          egress: [{ action: "Allow", destination: { selector: "role == 'psp'" } }],
        }),
      },
      {
        resource: globalPolicy("internet-egress", {
          selector: "app == 'checkout'",
          egress: [{ action: "Allow", destination: { selector: "role == 'internet'" } }],
        }),
      },
    ],
    ipSets: [
      {
        info: selectorSet("(projectcalico.org/namespace == 'payments') && (role == 'psp')"),
        members: ["192.168.0.0/16", "203.0.113.7/32"],
      },
      { info: selectorSet("role == 'internet'"), members: ["0.0.0.0/1", "128.0.0.0/1", "8000::/1", "::/1"] },
    ],
    policies: ["GlobalNetworkPolicy||internet-egress", "NetworkPolicy|payments|egress-to-psp"],
    profiles: ALL_PROFILES,
  },
  {
    name: "§8.15: host endpoints contribute only their expected IPs, and activate policies",
    resources: [
      ...SHOP_WORLD,
      {
        resource: hostEndpoint({
          name: "node-a-eth0",
          node: "node-a",
          interfaceName: "eth0",
          labels: { role: "ingress-gateway" },
          expectedIPs: ["192.168.10.1", "fd00:ff::1"],
        }),
      },
      {
        resource: hostEndpoint({
          name: "node-b-all",
          node: "node-b",
          interfaceName: "*",
          labels: { role: "ingress-gateway" },
        }),
      },
      {
        resource: globalPolicy("gateway-egress", {
          selector: "role == 'ingress-gateway'",
          egress: [{ action: "Allow", destination: { selector: "app == 'checkout'" } }],
        }),
      },
      {
        resource: globalPolicy("from-gateways", {
          selector: "app == 'ledger'",
          ingress: [{ action: "Allow", source: { selector: "role == 'ingress-gateway'" } }],
        }),
      },
    ],
    node: "node-b",
    ipSets: [
      { info: selectorSet("app == 'checkout'"), members: checkoutHosts },
      { info: selectorSet("role == 'ingress-gateway'"), members: ["192.168.10.1/32", "fd00:ff::1/128"] },
    ],
    policies: ["GlobalNetworkPolicy||from-gateways", "GlobalNetworkPolicy||gateway-egress"],
    profiles: ["kns.payments", "ksa.payments.ledger"],
  },
  {
    name: "network sets and remote endpoints never activate a policy, but are members; labels inherit per cluster",
    resources: [
      ...SHOP_WORLD,
      { resource: globalNetworkSet("internet", { role: "internet", app: "billing" }, ["198.51.100.0/24"]) },
      { resource: namespace("shop", { team: "storefront-east" }), cluster: "east" },
      {
        resource: pod({
          namespace: "shop",
          name: "checkout-8c6d5-east1",
          node: "east-node-1",
          labels: { app: "checkout" },
          ips: ["10.245.1.10"],
        }),
        cluster: "east",
      },
      {
        resource: pod({
          namespace: "shop",
          name: "billing-77f9-east2",
          node: "east-node-1",
          labels: { app: "billing" },
          ips: ["10.245.1.11"],
        }),
        cluster: "east",
      },
      { resource: globalPolicy("allow-all-east", {}), cluster: "east" },
      {
        resource: globalPolicy("internet-only", {
          selector: "role == 'internet'",
          ingress: [{ action: "Allow", source: { selector: "tier == 'edge'" } }],
        }),
      },
      {
        resource: globalPolicy("billing-only", {
          selector: "app == 'billing'",
          ingress: [{ action: "Allow", source: { selector: "tier == 'edge'" } }],
        }),
      },
      {
        resource: globalPolicy("ledger-ingress", {
          selector: "app == 'ledger'",
          ingress: [
            { action: "Allow", source: { selector: "app == 'checkout'" } },
            { action: "Allow", source: { selector: "pcns.team == 'storefront'" } },
          ],
        }),
      },
    ],
    ipSets: [
      { info: selectorSet("app == 'checkout'"), members: ["10.245.1.10/32", ...checkoutHosts] },
      { info: selectorSet("pcns.team == 'storefront'"), members: checkoutHosts },
    ],
    policies: ["GlobalNetworkPolicy||ledger-ingress"],
    profiles: ALL_PROFILES,
  },
  {
    name: "Kubernetes NetworkPolicy: namespace+pod peer, and a destination named port without selector uses all()",
    resources: [
      ...SHOP_WORLD,
      {
        resource: k8sPolicy("payments", "ledger-from-checkout", {
          podSelector: { matchLabels: { app: "ledger" } },
          policyTypes: ["Ingress"],
          ingress: [
            {
              from: [
                {
                  namespaceSelector: { matchLabels: { team: "storefront" } },
                  podSelector: { matchLabels: { app: "checkout" } },
                },
              ],
              ports: [{ port: "http" }, { port: 9090, protocol: "TCP" }],
            },
          ],
        }),
      },
    ],
    ipSets: [
      { info: knpSource, members: checkoutHosts },
      { info: namedOnlyAll, members: [...checkoutHttp, `${LEDGER_V4},tcp:8443`] },
    ],
    policies: ["KubernetesNetworkPolicy|payments|ledger-from-checkout"],
    profiles: ALL_PROFILES,
    policyRules: {
      "KubernetesNetworkPolicy|payments|ledger-from-checkout": {
        ingress: [
          {
            action: "allow",
            source: side({ ipSetIds: [knpSource.id] }),
            destination: side({ namedPortIpSetIds: [namedOnlyAll.id] }),
          },
        ],
        egress: [],
      },
    },
  },
  {
    name: "with a node, only that node's endpoints activate policies and profiles",
    resources: [
      ...SHOP_WORLD,
      {
        resource: k8sPolicy("payments", "ledger-from-checkout", {
          podSelector: { matchLabels: { app: "ledger" } },
          ingress: [{ from: [{ podSelector: { matchLabels: { app: "checkout" } } }] }],
        }),
      },
    ],
    node: "node-a",
    ipSets: [],
    policies: [],
    profiles: ["kns.shop", "ksa.shop.checkout"],
  },
];
