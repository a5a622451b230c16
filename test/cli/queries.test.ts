/**
 * calicoq's queries (`eval`, `policy`, `endpoint`, `host`) and `explain` on the fixture
 * fixtures/two-clusters, with every expected output written out by hand from the YAML and
 * /work/notes/calicoq-format.md — never copied from the CLI.
 *
 * The fixture, as Calico sees it from the local cluster `local`:
 *
 *   local  namespace shop {env: prod}
 *          node-a/k8s/shop.web-1/eth0    app=web, serviceaccount web   10.1.0.1
 *          node-b/k8s/shop.api-1/eth0    app=api, tier=backend         10.1.0.2
 *          (shop/pending-1 has no spec.nodeName: not an endpoint)
 *          node-a/node-a-eth0            host endpoint, role=node      192.168.0.1
 *          NetworkPolicy shop/api-allow (order 100): selector app == 'api';
 *            inbound rule 1 source app == 'web' (pinned to namespace shop),
 *            inbound rule 2 source namespaceSelector env == 'staging',
 *            outbound rule 1 destination app == 'db' (pinned to namespace shop)
 *          GlobalNetworkPolicy host-fw (order 10): selector role == 'node';
 *            inbound rule 1 source selector has(app), notSelector app == 'api'
 *          RCCs: east (folder east/), gone (no folder: ConnectionFailed)
 *   east   namespace shop {env: staging}
 *          east/e-node-1/k8s/shop.web-e/eth0   app=web, serviceaccount web   10.2.0.1
 *          east/e-node-1/k8s/shop.db-e/eth0    app=db                        10.2.0.2
 *          (shop/hostnet-e uses the host network: not an endpoint)
 *          east/e-node-1/e-node-1-eth0         host endpoint, role=node      192.168.1.1
 *
 * Every command on it exits 1 and ends stderr with calicoq's block for `gone`.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { parse as parseYaml } from "yaml";
import { type CliResult, FIXTURES, fedcalc, lines, noFolder, remoteProblems } from "./run-cli.js";

vi.setConfig({ testTimeout: 60_000 });

const DATA = ["--data", `${FIXTURES}/two-clusters`];

/** stderr of every successful command on this fixture: only the block for `gone`. */
const GONE = remoteProblems(
  `RemoteClusterConfiguration(gone): connection to remote cluster failed: ${noFolder(`${FIXTURES}/two-clusters`)}`,
);

// The converted selectors (calicoq-format.md §0): a namespaced policy's own selector gets the
// namespace clause unparenthesised; rule selectors are pinned as `(<ns clause>) && (<selector>)`;
// a namespaceSelector is canonicalised with `pcns.` keys (double quotes); notSelectors stay raw.
const API_SELECTOR = "(app == 'api') && projectcalico.org/namespace == 'shop'";
const WEB_RULE = "(projectcalico.org/namespace == 'shop') && (app == 'web')";
const STAGING_RULE = 'pcns.env == "staging"';
const DB_RULE = "(projectcalico.org/namespace == 'shop') && (app == 'db')";

function expectOk(result: CliResult, stdout: string): void {
  expect(result.stdout).toBe(stdout);
  expect(result.stderr).toBe(GONE);
  expect(result.status).toBe(1);
}

describe.concurrent("eval", () => {
  it("all() lists every endpoint of both clusters (pods with a node and an IP, host endpoints), sorted by full name", async () => {
    expectOk(
      await fedcalc(["eval", "all()", ...DATA]),
      lines(
        "Endpoints matching selector all():",
        "  Host endpoint east/e-node-1/e-node-1-eth0",
        "  Host endpoint node-a/node-a-eth0",
        "  Workload endpoint east/e-node-1/k8s/shop.db-e/eth0",
        "  Workload endpoint east/e-node-1/k8s/shop.web-e/eth0",
        "  Workload endpoint node-a/k8s/shop.web-1/eth0",
        "  Workload endpoint node-b/k8s/shop.api-1/eth0",
      ),
    );
  });

  it("a namespace label (pcns.) matches the endpoints of the namespace of that name in the cluster whose namespace has the label", async () => {
    expectOk(
      await fedcalc(["eval", "pcns.env == 'staging'", ...DATA]),
      lines(
        "Endpoints matching selector pcns.env == 'staging':",
        "  Workload endpoint east/e-node-1/k8s/shop.db-e/eth0",
        "  Workload endpoint east/e-node-1/k8s/shop.web-e/eth0",
      ),
    );
  });

  it("-o json: one-element array, workload as ns/pod, host endpoints with node and name only, remote ones with their cluster in node and (beyond calicoq) remote_cluster", async () => {
    const result = await fedcalc(["eval", "projectcalico.org/namespace == 'shop' || has(role)", "-o", "json", ...DATA]);
    expect(result.stderr).toBe(GONE);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe(
      `${JSON.stringify(
        [
          {
            description: "Endpoints matching selector projectcalico.org/namespace == 'shop' || has(role)",
            endpoints: [
              { node: "east/e-node-1", name: "e-node-1-eth0", remote_cluster: "east" },
              { node: "node-a", name: "node-a-eth0" },
              {
                node: "east/e-node-1",
                orchestrator: "k8s",
                workload: "shop/db-e",
                name: "eth0",
                remote_cluster: "east",
              },
              {
                node: "east/e-node-1",
                orchestrator: "k8s",
                workload: "shop/web-e",
                name: "eth0",
                remote_cluster: "east",
              },
              { node: "node-a", orchestrator: "k8s", workload: "shop/web-1", name: "eth0" },
              { node: "node-b", orchestrator: "k8s", workload: "shop/api-1", name: "eth0" },
            ],
          },
        ],
        null,
        2,
      )}\n`,
    );
  });

  it("-o json with no match omits the endpoints key", async () => {
    const result = await fedcalc(["eval", "app == 'nothing'", "-o", "json", ...DATA]);
    expect(JSON.parse(result.stdout)).toEqual([{ description: "Endpoints matching selector app == 'nothing'" }]);
    expect(result.status).toBe(1);
  });

  it("a blank selector prints only the header, as calicoq skips an empty selector", async () => {
    expectOk(await fedcalc(["eval", " ", ...DATA]), lines("Endpoints matching selector  :"));
  });
});

describe.concurrent("policy", () => {
  const API_ALLOW_TEXT = lines(
    'Policy "shop/api-allow" applies to these endpoints:',
    `  Workload endpoint node-b/k8s/shop.api-1/eth0; selector "${API_SELECTOR}"`,
    "",
    'Endpoints matching Policy "shop/api-allow" rules:',
    "  Workload endpoint east/e-node-1/k8s/shop.db-e/eth0",
    `    inbound rule 2 source match; selector "${STAGING_RULE}"`,
    `    outbound rule 1 destination match; selector "${DB_RULE}"`,
    "  Workload endpoint east/e-node-1/k8s/shop.web-e/eth0",
    `    inbound rule 1 source match; selector "${WEB_RULE}"`,
    `    inbound rule 2 source match; selector "${STAGING_RULE}"`,
    "  Workload endpoint node-a/k8s/shop.web-1/eth0",
    `    inbound rule 1 source match; selector "${WEB_RULE}"`,
  );

  it("applies to local endpoints only; rule selectors match local and remote endpoints (remote ones prefixed with their cluster)", async () => {
    expectOk(await fedcalc(["policy", "shop/api-allow", ...DATA]), API_ALLOW_TEXT);
  });

  it("-s drops every selector suffix", async () => {
    expectOk(
      await fedcalc(["policy", "shop/api-allow", "-s", ...DATA]),
      lines(
        'Policy "shop/api-allow" applies to these endpoints:',
        "  Workload endpoint node-b/k8s/shop.api-1/eth0",
        "",
        'Endpoints matching Policy "shop/api-allow" rules:',
        "  Workload endpoint east/e-node-1/k8s/shop.db-e/eth0",
        "    inbound rule 2 source match",
        "    outbound rule 1 destination match",
        "  Workload endpoint east/e-node-1/k8s/shop.web-e/eth0",
        "    inbound rule 1 source match",
        "    inbound rule 2 source match",
        "  Workload endpoint node-a/k8s/shop.web-1/eth0",
        "    inbound rule 1 source match",
      ),
    );
  });

  it("-r keeps only the applies-to section", async () => {
    expectOk(
      await fedcalc(["policy", "shop/api-allow", "-r", ...DATA]),
      lines(
        'Policy "shop/api-allow" applies to these endpoints:',
        `  Workload endpoint node-b/k8s/shop.api-1/eth0; selector "${API_SELECTOR}"`,
      ),
    );
  });

  it("a global policy's notSelector is a '!source' match, sorted before 'source'; a host endpoint it applies to is listed", async () => {
    expectOk(
      await fedcalc(["policy", "host-fw", ...DATA]),
      lines(
        'Policy "host-fw" applies to these endpoints:',
        `  Host endpoint node-a/node-a-eth0; selector "role == 'node'"`,
        "",
        'Endpoints matching Policy "host-fw" rules:',
        "  Workload endpoint east/e-node-1/k8s/shop.db-e/eth0",
        `    inbound rule 1 source match; selector "has(app)"`,
        "  Workload endpoint east/e-node-1/k8s/shop.web-e/eth0",
        `    inbound rule 1 source match; selector "has(app)"`,
        "  Workload endpoint node-a/k8s/shop.web-1/eth0",
        `    inbound rule 1 source match; selector "has(app)"`,
        "  Workload endpoint node-b/k8s/shop.api-1/eth0",
        `    inbound rule 1 !source match; selector "app == 'api'"`,
        `    inbound rule 1 source match; selector "has(app)"`,
      ),
    );
  });

  // calicoq-format.md §2: one object per endpoint, shared by both lists (so the applies-to
  // endpoint is also in endpoints_match_policy, with its selector); workload dotted; remote
  // endpoints have the bare node and remote_cluster.
  const API_ALLOW_JSON = [
    {
      description: "Endpoints that Policy shop/api-allow applies to and the endpoints that match the policy",
      policy_applies_to_endpoints: [
        { node: "node-b", orchestrator: "k8s", workload: "shop.api-1", name: "eth0", selector: API_SELECTOR },
      ],
      endpoints_match_policy: [
        {
          node: "e-node-1",
          orchestrator: "k8s",
          workload: "shop.db-e",
          name: "eth0",
          rule_matches: [
            { direction: "inbound", selector_type: "source", order: 2, selector: STAGING_RULE },
            { direction: "outbound", selector_type: "destination", order: 1, selector: DB_RULE },
          ],
          remote_cluster: "east",
        },
        {
          node: "e-node-1",
          orchestrator: "k8s",
          workload: "shop.web-e",
          name: "eth0",
          rule_matches: [
            { direction: "inbound", selector_type: "source", order: 1, selector: WEB_RULE },
            { direction: "inbound", selector_type: "source", order: 2, selector: STAGING_RULE },
          ],
          remote_cluster: "east",
        },
        {
          node: "node-a",
          orchestrator: "k8s",
          workload: "shop.web-1",
          name: "eth0",
          rule_matches: [{ direction: "inbound", selector_type: "source", order: 1, selector: WEB_RULE }],
        },
        { node: "node-b", orchestrator: "k8s", workload: "shop.api-1", name: "eth0", selector: API_SELECTOR },
      ],
    },
  ];

  it("-o json: calicoq's records (applies-to endpoints also among the matching ones, remote_cluster on remote ones)", async () => {
    const result = await fedcalc(["policy", "shop/api-allow", "-o", "json", ...DATA]);
    expect(JSON.parse(result.stdout)).toEqual(API_ALLOW_JSON);
    expect(result.stderr).toBe(GONE);
    expect(result.status).toBe(1);
  });

  it("-o yaml parses to the same records as -o json (the shared record printed twice)", async () => {
    const result = await fedcalc(["policy", "shop/api-allow", "-o", "yaml", ...DATA]);
    expect(parseYaml(result.stdout)).toEqual(API_ALLOW_JSON);
    expect(result.stderr).toBe(GONE);
    expect(result.status).toBe(1);
  });

  it("-o json -s -r: no selectors and no endpoints_match_policy", async () => {
    const result = await fedcalc(["policy", "shop/api-allow", "-o", "json", "-s", "-r", ...DATA]);
    expect(JSON.parse(result.stdout)).toEqual([
      {
        description: "Endpoints that Policy shop/api-allow applies to and the endpoints that match the policy",
        policy_applies_to_endpoints: [{ node: "node-b", orchestrator: "k8s", workload: "shop.api-1", name: "eth0" }],
      },
    ]);
    expect(result.status).toBe(1);
  });
});

describe.concurrent("endpoint and host", () => {
  const WEB_1 = [
    "Workload endpoint k8s/shop.web-1/eth0",
    "  Policies:",
    "  Profiles:",
    '    Profile "kns.shop"',
    '    Profile "ksa.shop.web"',
    "  Rule matches:",
    `    Policy "host-fw" inbound rule 1 source match; selector "has(app)"`,
    `    Policy "shop/api-allow" inbound rule 1 source match; selector "${WEB_RULE}"`,
  ];

  it("endpoint <substring>: a remote endpoint has its cluster's profiles and rule matches but no policies; sorted by short name", async () => {
    expectOk(
      await fedcalc(["endpoint", "shop.web", ...DATA]),
      lines(
        'Policies and profiles for endpoints matching "shop.web":',
        "",
        "Workload endpoint east/k8s/shop.web-e/eth0",
        "  Policies:",
        "  Profiles:",
        '    Profile "east/kns.shop"',
        '    Profile "east/ksa.shop.web"',
        "  Rule matches:",
        `    Policy "host-fw" inbound rule 1 source match; selector "has(app)"`,
        `    Policy "shop/api-allow" inbound rule 1 source match; selector "${WEB_RULE}"`,
        `    Policy "shop/api-allow" inbound rule 2 source match; selector "${STAGING_RULE}"`,
        "",
        ...WEB_1,
      ),
    );
  });

  it("endpoint -s -r: policy lines without selectors, no rule matches", async () => {
    expectOk(
      await fedcalc(["endpoint", "api-1", "-s", "-r", ...DATA]),
      lines(
        'Policies and profiles for endpoints matching "api-1":',
        "",
        "Workload endpoint k8s/shop.api-1/eth0",
        "  Policies:",
        '    Policy "shop/api-allow" (order 100)',
        "  Profiles:",
        '    Profile "kns.shop"',
      ),
    );
  });

  it("endpoint -o json: workload ns/pod, policies with string orders and the default tier, rule matches with policy names", async () => {
    const result = await fedcalc(["endpoint", "api-1", "-o", "json", ...DATA]);
    expect(JSON.parse(result.stdout)).toEqual([
      {
        description: 'Policies and profiles for endpoints matching "api-1"',
        endpoints: [
          {
            node: "node-b",
            orchestrator: "k8s",
            workload: "shop/api-1",
            name: "eth0",
            policies: [
              {
                name: "shop/api-allow",
                order: "100",
                selector: API_SELECTOR,
                tier_name: "default",
                tier_order: "default",
              },
            ],
            profiles: [{ name: "kns.shop" }],
            rule_matches: [
              {
                policy_name: "host-fw",
                direction: "inbound",
                selector_type: "!source",
                order: 1,
                selector: "app == 'api'",
              },
              { policy_name: "host-fw", direction: "inbound", selector_type: "source", order: 1, selector: "has(app)" },
            ],
          },
        ],
      },
    ]);
    expect(result.stderr).toBe(GONE);
    expect(result.status).toBe(1);
  });

  it("host <node>: the host endpoint (no profiles line) first, then the node's workloads", async () => {
    expectOk(
      await fedcalc(["host", "node-a", ...DATA]),
      lines(
        'Policies and profiles for each endpoint on host "node-a":',
        "",
        "Host endpoint node-a-eth0",
        "  Policies:",
        `    Policy "host-fw" (order 10; selector "role == 'node'")`,
        "",
        ...WEB_1,
      ),
    );
  });

  it("host <cluster>/<node>: a remote host's endpoints, with remote profiles and no policies", async () => {
    expectOk(
      await fedcalc(["host", "east/e-node-1", ...DATA]),
      lines(
        'Policies and profiles for each endpoint on host "east/e-node-1":',
        "",
        "Host endpoint east/e-node-1-eth0",
        "  Policies:",
        "",
        "Workload endpoint east/k8s/shop.db-e/eth0",
        "  Policies:",
        "  Profiles:",
        '    Profile "east/kns.shop"',
        "  Rule matches:",
        `    Policy "host-fw" inbound rule 1 source match; selector "has(app)"`,
        `    Policy "shop/api-allow" inbound rule 2 source match; selector "${STAGING_RULE}"`,
        `    Policy "shop/api-allow" outbound rule 1 destination match; selector "${DB_RULE}"`,
        "",
        "Workload endpoint east/k8s/shop.web-e/eth0",
        "  Policies:",
        "  Profiles:",
        '    Profile "east/kns.shop"',
        '    Profile "east/ksa.shop.web"',
        "  Rule matches:",
        `    Policy "host-fw" inbound rule 1 source match; selector "has(app)"`,
        `    Policy "shop/api-allow" inbound rule 1 source match; selector "${WEB_RULE}"`,
        `    Policy "shop/api-allow" inbound rule 2 source match; selector "${STAGING_RULE}"`,
      ),
    );
  });

  it("host -o yaml: the host endpoint has node and name only, policies carry tier_name and tier_order", async () => {
    const result = await fedcalc(["host", "node-a", "-r", "-o", "yaml", ...DATA]);
    expect(parseYaml(result.stdout)).toEqual([
      {
        description: 'Policies and profiles for each endpoint on host "node-a"',
        endpoints: [
          {
            node: "node-a",
            name: "node-a-eth0",
            policies: [
              { name: "host-fw", order: "10", selector: "role == 'node'", tier_name: "default", tier_order: "default" },
            ],
          },
          {
            node: "node-a",
            orchestrator: "k8s",
            workload: "shop/web-1",
            name: "eth0",
            profiles: [{ name: "kns.shop" }, { name: "ksa.shop.web" }],
          },
        ],
      },
    ]);
    expect(result.status).toBe(1);
  });

  it("-o json: a remote endpoint has its cluster in node, as calicoq, and (beyond calicoq) remote_cluster last", async () => {
    const result = await fedcalc(["endpoint", "shop.web-e", "-o", "json", "-r", ...DATA]);
    expect(result.status).toBe(1);
    const [{ endpoints }] = JSON.parse(result.stdout) as [{ endpoints: Record<string, unknown>[] }];
    expect(endpoints).toEqual([
      {
        node: "east/e-node-1",
        orchestrator: "k8s",
        workload: "shop/web-e",
        name: "eth0",
        profiles: [{ name: "east/kns.shop" }, { name: "east/ksa.shop.web" }],
        remote_cluster: "east",
      },
    ]);
    expect(Object.keys(endpoints[0]!).at(-1)).toBe("remote_cluster");
  });
});

describe.concurrent("explain", () => {
  let result: CliResult;
  beforeAll(async () => {
    result = await fedcalc(["explain", "app == 'web' && pcns.env == 'prod'", "--endpoint", "web-e", ...DATA]);
  });

  it("a remote endpoint's labels come from itself and its own cluster's namespace; each term shows the label it read", async () => {
    expect(result.stdout).toBe(
      lines(
        'Selector: (app == "web" && pcns.env == "prod")',
        "Endpoint: Workload endpoint east/e-node-1/k8s/shop.web-e/eth0 (cluster east)",
        "Result:   does not match",
        "",
        "Labels (the endpoint's own first, then its profiles' in order; the first source of a label wins):",
        '  app                               = "web"      from endpoint',
        '  pcns.env                          = "staging"  from profile east/kns.shop',
        '  pcns.projectcalico.org/name       = "shop"     from profile east/kns.shop',
        '  projectcalico.org/namespace       = "shop"     from endpoint',
        '  projectcalico.org/orchestrator    = "k8s"      from endpoint',
        '  projectcalico.org/serviceaccount  = "web"      from endpoint',
        "",
        "Terms:",
        '  ✗ (app == "web" && pcns.env == "prod")',
        '    ✓ app == "web"   (app = "web")',
        '    ✗ pcns.env == "prod"   (pcns.env = "staging")',
      ),
    );
    expect(result.stderr).toBe(GONE);
    expect(result.status).toBe(1);
  });

  it("-o json: the same judgement as data, for a local host endpoint given by its full ID", async () => {
    const json = await fedcalc([
      "explain",
      "has(role) && !has(app)",
      "--endpoint",
      "node-a/node-a-eth0",
      "-o",
      "json",
      ...DATA,
    ]);
    expect(JSON.parse(json.stdout)).toEqual({
      selector: "(has(role) && !has(app))",
      endpoint: { id: "node-a/node-a-eth0", kind: "HostEndpoint", cluster: "" },
      matched: true,
      labels: [{ name: "role", value: "node", source: "host endpoint", shadowed: [] }],
      explanation: {
        kind: "and",
        text: "(has(role) && !has(app))",
        matched: true,
        operands: [
          { kind: "has", text: "has(role)", matched: true, label: { name: "role", value: "node" } },
          {
            kind: "not",
            text: "!has(app)",
            matched: true,
            operands: [{ kind: "has", text: "has(app)", matched: false, label: { name: "app" } }],
          },
        ],
      },
    });
    expect(json.status).toBe(1);
  });
});
