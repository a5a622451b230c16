/**
 * The commands calicoq lacks — `ipsets`, `status`, `check`, `services` — on small fixtures whose
 * expected output is written out by hand (see queries.test.ts for fixtures/two-clusters).
 * IP-set IDs are computed here as Felix names them: `s:` + base64url(SHA-224("s:" + canonical
 * selector)), from canonical selectors written by hand.
 */
import { createHash } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { sliceName } from "../federation/services-oracle.js";
import { byteOrder, FIXTURES, fedcalc, lines, noFolder, remoteProblems } from "./run-cli.js";

vi.setConfig({ testTimeout: 60_000 });

const TWO_CLUSTERS = ["--data", `${FIXTURES}/two-clusters`];
const GONE = remoteProblems(
  `RemoteClusterConfiguration(gone): connection to remote cluster failed: ${noFolder(`${FIXTURES}/two-clusters`)}`,
);

/** Felix's ID of the IP set of a selector (canonical form). */
function selectorSetId(canonical: string): string {
  return `s:${createHash("sha224").update(`s:${canonical}`).digest("base64url")}`;
}

interface ExpectedSet {
  readonly selector: string;
  readonly usedBy: readonly { policy: string; direction: string; rule: number; side: string; negated: boolean }[];
  readonly members: readonly string[];
}

// The IP sets of two-clusters' rules, canonical selectors (calicoq-format.md §0: double quotes,
// `(a && b)`, `!x`). Felix folds a rule side's notSelector into its selector: `(sel) && !(not)`.
const WEB_SET: ExpectedSet = {
  selector: '(projectcalico.org/namespace == "shop" && app == "web")',
  usedBy: [{ policy: "shop/api-allow", direction: "inbound", rule: 1, side: "source", negated: false }],
  members: ["10.1.0.1/32", "10.2.0.1/32"],
};
const STAGING_SET: ExpectedSet = {
  selector: 'pcns.env == "staging"',
  usedBy: [{ policy: "shop/api-allow", direction: "inbound", rule: 2, side: "source", negated: false }],
  members: ["10.2.0.1/32", "10.2.0.2/32"],
};
const DB_SET: ExpectedSet = {
  selector: '(projectcalico.org/namespace == "shop" && app == "db")',
  usedBy: [{ policy: "shop/api-allow", direction: "outbound", rule: 1, side: "destination", negated: false }],
  members: ["10.2.0.2/32"],
};
const APP_NOT_API_SET: ExpectedSet = {
  selector: '(has(app) && !app == "api")',
  usedBy: [{ policy: "host-fw", direction: "inbound", rule: 1, side: "source", negated: false }],
  members: ["10.1.0.1/32", "10.2.0.1/32", "10.2.0.2/32"],
};

/** The text `ipsets` prints for these sets (sorted by ID). */
function ipSetsText(scope: string, sets: readonly ExpectedSet[]): string {
  const sorted = sets.map((set) => ({ ...set, id: selectorSetId(set.selector) })).sort((a, b) => byteOrder(a.id, b.id));
  return lines(
    `IP sets active on ${scope}: ${sets.length}`,
    ...sorted.flatMap((set) => [
      "",
      `${set.id}  net`,
      `  selector ${set.selector}`,
      ...set.usedBy.map(
        (u) => `  used by Policy "${u.policy}" ${u.direction} rule ${u.rule} ${u.negated ? "!" : ""}${u.side}`,
      ),
      `  members: ${set.members.length}`,
      ...set.members.map((member) => `    ${member}`),
    ]),
  );
}

describe.concurrent("ipsets", () => {
  it("whole cluster: one set per rule selector of the active policies, members from both clusters", async () => {
    const result = await fedcalc(["ipsets", ...TWO_CLUSTERS]);
    expect(result.stdout).toBe(
      ipSetsText("cluster local (all nodes)", [WEB_SET, STAGING_SET, DB_SET, APP_NOT_API_SET]),
    );
    expect(result.stderr).toBe(GONE);
    expect(result.status).toBe(1);
  });

  it("--node node-b: only the policy of node-b's endpoint (api-allow) is active there", async () => {
    const result = await fedcalc(["ipsets", "--node", "node-b", ...TWO_CLUSTERS]);
    expect(result.stdout).toBe(ipSetsText("node node-b of cluster local", [WEB_SET, STAGING_SET, DB_SET]));
    expect(result.status).toBe(1);
  });

  it("--node node-a -o json: host-fw (its host endpoint is on node-a) and its one set", async () => {
    const result = await fedcalc(["ipsets", "--node", "node-a", "-o", "json", ...TWO_CLUSTERS]);
    expect(JSON.parse(result.stdout)).toEqual({
      cluster: "local",
      node: "node-a",
      ipSets: [
        {
          id: selectorSetId(APP_NOT_API_SET.selector),
          type: "net",
          selector: APP_NOT_API_SET.selector,
          members: APP_NOT_API_SET.members,
          usedBy: APP_NOT_API_SET.usedBy,
        },
      ],
    });
    expect(result.status).toBe(1);
  });
});

describe.concurrent("status", () => {
  it("text: the local cluster's endpoint count, then a table of the remote clusters (east in sync, gone failed)", async () => {
    const result = await fedcalc(["status", ...TWO_CLUSTERS]);
    expect(result.stdout).toBe(
      lines(
        "Local cluster: local (3 endpoints)",
        "",
        "REMOTE CLUSTER  STATUS            ENDPOINTS  PROFILES  ERROR",
        "east            InSync            3          1",
        `gone            ConnectionFailed  0          0         ${noFolder(`${FIXTURES}/two-clusters`)}`,
      ),
    );
    expect(result.stderr).toBe(GONE);
    expect(result.status).toBe(1);
  });

  it("-o json: each remote cluster with status, error, endpoints (2 pods + 1 host endpoint) and profiles (1 namespace)", async () => {
    const result = await fedcalc(["status", "-o", "json", ...TWO_CLUSTERS]);
    expect(JSON.parse(result.stdout)).toEqual({
      localCluster: "local",
      remoteClusters: [
        { name: "east", status: "InSync", endpoints: 3, profiles: 1 },
        {
          name: "gone",
          status: "ConnectionFailed",
          error: noFolder(`${FIXTURES}/two-clusters`),
          endpoints: 0,
          profiles: 0,
        },
      ],
    });
    expect(result.stderr).toBe(GONE);
    expect(result.status).toBe(1);
  });
});

describe.concurrent("check", () => {
  const OVERLAP = ["--data", `${FIXTURES}/overlap`];
  const MESSAGE =
    "IPPool local-pool (10.1.0.0/16) in local overlaps IPPool east-pool (10.1.128.0/17) in east: pod CIDRs must not overlap across federated clusters, because policy recognises a remote pod only by its IP";

  it("overlapping pod CIDRs (local's pool contains east's): one error finding, exit code 1, nothing on stderr", async () => {
    const result = await fedcalc(["check", ...OVERLAP]);
    expect(result.stdout).toBe(
      lines(
        "Preflight check of the federation seen from local (clusters with data: east, local)",
        "",
        "error: pod-cidr-overlap [east, local]",
        `  ${MESSAGE}`,
        "",
        "1 error, 0 warnings",
      ),
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(1);
  });
});

describe.concurrent("services", () => {
  const SERVICES = ["--data", `${FIXTURES}/services`];

  it("text: the federated Service backed by east's cart (ready and not-ready pods, targetRefs renamed), metrics dropped; exit 0", async () => {
    const result = await fedcalc(["services", ...SERVICES]);
    expect(result.stdout).toBe(
      lines(
        "Federated services of cluster local: 1",
        "",
        "Service shop/cart-fed",
        '  selector: run == "cart"',
        "  backed by: east/cart",
        "  ports http 8080/TCP:",
        "    10.2.0.5 pod east/cart-1 on e-node-1",
        "    10.2.0.6 pod east/cart-2 on e-node-2 (not ready)",
        `  EndpointSlice ${sliceName("cart-fed", "east", "IPv4")}: east, IPv4, 2 endpoints`,
        "  dropped port metrics 9090/TCP of east/cart: the federated service declares no port of that name and protocol",
      ),
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("-o json: the status, the Endpoints object Calico would write (backing port 8080, not 80) and the EndpointSlice", async () => {
    const result = await fedcalc(["services", "-o", "json", ...SERVICES]);
    const targetRef = (name: string) => ({ kind: "Pod", namespace: "shop", name });
    const port = { name: "http", port: 8080, protocol: "TCP" };
    expect(JSON.parse(result.stdout)).toEqual({
      services: [
        {
          namespace: "shop",
          name: "cart-fed",
          status: {
            federated: true,
            selector: 'run == "cart"',
            backingServices: [{ cluster: "east", name: "cart" }],
            droppedPorts: [{ cluster: "east", name: "cart", port: { name: "metrics", port: 9090, protocol: "TCP" } }],
          },
          endpoints: {
            apiVersion: "v1",
            kind: "Endpoints",
            metadata: {
              name: "cart-fed",
              namespace: "shop",
              annotations: { "federation.tigera.io/serviceSelector": 'run == "cart"' },
            },
            subsets: [
              {
                addresses: [{ ip: "10.2.0.5", nodeName: "e-node-1", targetRef: targetRef("east/cart-1") }],
                ports: [port],
              },
              {
                notReadyAddresses: [{ ip: "10.2.0.6", nodeName: "e-node-2", targetRef: targetRef("east/cart-2") }],
                ports: [port],
              },
            ],
          },
          endpointSlices: [
            {
              apiVersion: "discovery.k8s.io/v1",
              kind: "EndpointSlice",
              metadata: {
                name: sliceName("cart-fed", "east", "IPv4"),
                namespace: "shop",
                labels: {
                  "kubernetes.io/service-name": "cart-fed",
                  "endpointslice.kubernetes.io/managed-by": "fedcalc",
                  "multicluster.kubernetes.io/source-cluster": "east",
                },
              },
              addressType: "IPv4",
              endpoints: [
                {
                  addresses: ["10.2.0.5"],
                  conditions: { ready: true, serving: true, terminating: false },
                  nodeName: "e-node-1",
                  targetRef: targetRef("east/cart-1"),
                },
                {
                  addresses: ["10.2.0.6"],
                  conditions: { ready: false, serving: false, terminating: false },
                  nodeName: "e-node-2",
                  targetRef: targetRef("east/cart-2"),
                },
              ],
              ports: [port],
            },
          ],
        },
      ],
    });
    expect(result.status).toBe(0);
  });
});
