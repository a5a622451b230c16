/**
 * The bundled example (examples/federation): hq is local and declares east, west and lab (lab has
 * no folder, on purpose). Instead of pinning its text, each test compares the CLI with an
 * independent reading of the YAML files (independent-model.ts).
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import {
  endpointsOf,
  evalRecord,
  fullName,
  type IndependentEndpoint,
  readResourcesIndependently,
  selects,
  sortByFullName,
} from "./independent-model.js";
import { type CliResult, fedcalc, lines, noFolder, ROOT, remoteProblems } from "./run-cli.js";

vi.setConfig({ testTimeout: 60_000 });

const FOLDER = "examples/federation";
const DATA = ["--data", FOLDER];
const LAB = remoteProblems(`RemoteClusterConfiguration(lab): connection to remote cluster failed: ${noFolder(FOLDER)}`);

const resources = Object.fromEntries(
  ["hq", "east", "west"].map((cluster) => [cluster, readResourcesIndependently(join(ROOT, FOLDER, cluster))]),
);
const endpoints: Record<string, IndependentEndpoint[]> = {
  hq: endpointsOf(resources.hq!, ""),
  east: endpointsOf(resources.east!, "east"),
  west: endpointsOf(resources.west!, "west"),
};
const all = sortByFullName(Object.values(endpoints).flat());

describe.concurrent("examples/federation", () => {
  it("the independent reading finds what the example's README describes (so the comparisons below are not vacuous)", () => {
    const count = (cluster: string, kind: IndependentEndpoint["kind"]) =>
      endpoints[cluster]!.filter((e) => e.kind === kind).length;
    expect([
      count("hq", "WorkloadEndpoint"),
      count("east", "WorkloadEndpoint"),
      count("west", "WorkloadEndpoint"),
    ]).toEqual([7, 6, 5]);
    expect([count("hq", "HostEndpoint"), count("east", "HostEndpoint"), count("west", "HostEndpoint")]).toEqual([
      3, 2, 2,
    ]);
  });

  it("eval 'all()' -o json lists exactly the pods and host endpoints of hq, east and west, remote ones as <cluster>/<node>, sorted", async () => {
    const result = await fedcalc(["eval", "all()", "-o", "json", ...DATA]);
    const parsed = JSON.parse(result.stdout) as [{ description: string; endpoints: Record<string, string>[] }];
    // remote_cluster: calicoq's eval never sets it; the CLI does (reported, see queries.test.ts).
    for (const e of parsed[0].endpoints) delete e.remote_cluster;
    expect(parsed).toEqual([{ description: "Endpoints matching selector all()", endpoints: all.map(evalRecord) }]);
    expect(result.stderr.endsWith(LAB)).toBe(true);
    expect(result.status).toBe(1);
  });

  it("status -o json: lab ConnectionFailed, east and west InSync with the endpoints and profiles (namespaces + service accounts) counted here", async () => {
    const result = await fedcalc(["status", "-o", "json", ...DATA]);
    const profiles = (cluster: string) =>
      resources[cluster]!.filter((r) => r.kind === "Namespace" || r.kind === "ServiceAccount").length;
    expect(JSON.parse(result.stdout)).toEqual({
      localCluster: "hq",
      remoteClusters: [
        { name: "east", status: "InSync", endpoints: endpoints.east!.length, profiles: profiles("east") },
        { name: "lab", status: "ConnectionFailed", error: noFolder(FOLDER), endpoints: 0, profiles: 0 },
        { name: "west", status: "InSync", endpoints: endpoints.west!.length, profiles: profiles("west") },
      ],
    });
    expect(result.stderr.endsWith(LAB)).toBe(true);
    expect(result.status).toBe(1);
  });

  describe("npm run example: policy payments/default.postgres-ingress", () => {
    let result: CliResult;
    beforeAll(async () => {
      result = await fedcalc(["policy", "payments/default.postgres-ingress", ...DATA]);
    });

    // From hq/policies.yaml: selector app == 'postgres' && role == 'primary' in namespace payments;
    // ingress rule 1 source app == 'payments-api', rule 2 source app == 'postgres' (both pinned to payments).
    const SELECTOR = "(app == 'postgres' && role == 'primary') && projectcalico.org/namespace == 'payments'";
    const RULES = [
      {
        words: "inbound rule 1 source match",
        selector: "(projectcalico.org/namespace == 'payments') && (app == 'payments-api')",
      },
      {
        words: "inbound rule 2 source match",
        selector: "(projectcalico.org/namespace == 'payments') && (app == 'postgres')",
      },
    ];

    it("applies to hq endpoints only: the pods the selector matches in hq", () => {
      const section = result.stdout.split("\n\n")[0]!;
      const expected = endpoints.hq!.filter((e) => selects(SELECTOR, e));
      expect(expected.length).toBeGreaterThan(0);
      expect(`${section}\n`).toBe(
        lines(
          'Policy "payments/default.postgres-ingress" applies to these endpoints:',
          ...sortByFullName(expected).map((e) => `  ${fullName(e)}; selector "${SELECTOR}"`),
        ),
      );
    });

    it("its rules match payments-api and postgres pods of every cluster (not west's payments-api-v2): the whole output", () => {
      const matched = all.flatMap((e) => {
        const rules = RULES.filter((r) => selects(r.selector, e));
        return rules.length === 0
          ? []
          : [`  ${fullName(e)}`, ...rules.map((r) => `    ${r.words}; selector "${r.selector}"`)];
      });
      expect(matched.some((line) => line.includes("west/") && line.includes("payments-api"))).toBe(false);
      expect(result.stdout).toBe(
        lines(
          'Policy "payments/default.postgres-ingress" applies to these endpoints:',
          ...sortByFullName(endpoints.hq!.filter((e) => selects(SELECTOR, e))).map(
            (e) => `  ${fullName(e)}; selector "${SELECTOR}"`,
          ),
          "",
          'Endpoints matching Policy "payments/default.postgres-ingress" rules:',
          ...matched,
        ),
      );
    });

    it("exits 1 (npm run example accepts it) with calicoq's block for lab at the end of stderr", () => {
      expect(result.stderr.endsWith(LAB)).toBe(true);
      expect(result.status).toBe(1);
    });
  });
});
