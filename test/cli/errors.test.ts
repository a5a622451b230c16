/**
 * Exit codes, stderr, help, and the shapes of `--data`: 0 when every remote cluster is in sync;
 * 1 with calicoq's stderr block when one is not, or when a file could not be used; 2 for usage and
 * input errors, with one `fedcalc: ...` line and nothing printed before it. Also the one-cluster
 * layouts (a file, a folder of dumps, standard input) and choosing the local cluster.
 */
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import {
  documents,
  FIXTURES,
  fedcalc,
  lines,
  noFolder,
  pod,
  rcc,
  removeTempDirs,
  tempDir,
  writeFederation,
} from "./run-cli.js";

vi.setConfig({ testTimeout: 60_000 });
afterAll(removeTempDirs);

const TWO_CLUSTERS = ["--data", `${FIXTURES}/two-clusters`];
const EXAMPLE = ["--data", "examples/federation"];

describe.concurrent("exit codes of a federation", () => {
  it("0 with empty stderr when every declared remote cluster is in sync", async () => {
    const data = writeFederation(tempDir(), {
      local: { "rcc.yaml": rcc("east"), "pods.yaml": pod("shop", "web-1", "node-a", "10.1.0.1", { app: "web" }) },
      east: { "pods.yaml": pod("shop", "web-e", "e-node-1", "10.2.0.1", { app: "web" }) },
    });
    const result = await fedcalc(["eval", "app == 'web'", "--data", data]);
    expect(result.stdout).toBe(
      lines(
        "Endpoints matching selector app == 'web':",
        "  Workload endpoint east/e-node-1/k8s/shop.web-e/eth0",
        "  Workload endpoint node-a/k8s/shop.web-1/eth0",
      ),
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("1 when declared remote folders are missing: stdout in full, then calicoq's block with one line per cluster, sorted", async () => {
    const data = writeFederation(tempDir(), {
      local: {
        "rccs.yaml": documents(rcc("zeta"), rcc("east"), rcc("alpha")),
        "pods.yaml": pod("shop", "web-1", "node-a", "10.1.0.1"),
      },
      east: { "pods.yaml": pod("shop", "web-e", "e-node-1", "10.2.0.1") },
    });
    const result = await fedcalc(["eval", "all()", "--data", data]);
    expect(result.stdout).toBe(
      lines(
        "Endpoints matching selector all():",
        "  Workload endpoint east/e-node-1/k8s/shop.web-e/eth0",
        "  Workload endpoint node-a/k8s/shop.web-1/eth0",
      ),
    );
    expect(result.stderr).toBe(
      lines(
        "The following problems were encountered connecting to the remote clusters",
        "which may have resulted in incomplete data:",
        `-  RemoteClusterConfiguration(alpha): connection to remote cluster failed: ${noFolder(data)}`,
        `-  RemoteClusterConfiguration(zeta): connection to remote cluster failed: ${noFolder(data)}`,
      ),
    );
    expect(result.status).toBe(1);
  });

  it("1 for a YAML syntax error in a local file: the other documents are still used, stderr names file#document (zero-based)", async () => {
    const dir = tempDir();
    // Document 1 (zero-based) is broken at line 18 of the file, column 9: `web-3: broken` nests a mapping.
    const text = [
      pod("shop", "web-1", "node-a", "10.1.0.1").trimEnd(), // lines 1-11
      "---", // line 12
      "apiVersion: v1", // line 13
      "kind: Pod",
      "metadata:",
      "  namespace: shop",
      "  labels: {}",
      "  name: web-3: broken", // line 18
      "---",
      pod("shop", "web-2", "node-b", "10.1.0.2"),
    ].join("\n");
    writeFederation(dir, { local: { "pods.yaml": text } });
    const result = await fedcalc(["eval", "all()", "--data", dir]);
    expect(result.stdout).toBe(
      lines(
        "Endpoints matching selector all():",
        "  Workload endpoint node-a/k8s/shop.web-1/eth0",
        "  Workload endpoint node-b/k8s/shop.web-2/eth0",
      ),
    );
    expect(result.stderr).toBe(
      lines(
        `${join(dir, "local", "pods.yaml")}#1: error: invalid YAML at line 18, column 9: Nested mappings are not allowed in compact mappings`,
      ),
    );
    expect(result.status).toBe(1);
  });

  it("1 when a remote cluster's file does not parse: that cluster is ConnectionFailed (its readable data kept), the error named on stderr", async () => {
    const dir = tempDir();
    writeFederation(dir, {
      local: { "rcc.yaml": rcc("east") },
      east: {
        "a-broken.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-e: broken\n",
        "b-pods.yaml": pod("shop", "web-e", "e-node-1", "10.2.0.1"),
      },
    });
    const broken = join(dir, "east", "a-broken.yaml");
    const error = "invalid YAML at line 4, column 9: Nested mappings are not allowed in compact mappings";
    const result = await fedcalc(["status", "-o", "json", "--data", dir]);
    expect(JSON.parse(result.stdout)).toEqual({
      localCluster: "local",
      remoteClusters: [
        {
          name: "east",
          status: "ConnectionFailed",
          error: `cannot read ${broken}: ${error}`,
          endpoints: 1,
          profiles: 0,
        },
      ],
    });
    expect(result.stderr).toBe(
      lines(
        `${broken}#0: error: [east] ${error}`,
        "The following problems were encountered connecting to the remote clusters",
        "which may have resulted in incomplete data:",
        `-  RemoteClusterConfiguration(east): connection to remote cluster failed: cannot read ${broken}: ${error}`,
      ),
    );
    expect(result.status).toBe(1);
  });

  it("a file opening with comments then `---` numbers its first document #0: the comments are no document", async () => {
    const dir = tempDir();
    const text = [
      "# exported by hand",
      "---",
      "apiVersion: v1",
      "kind: Pod",
      "metadata: [",
      "---",
      pod("shop", "web-1", "node-a", "10.1.0.1"),
    ].join("\n");
    writeFederation(dir, { local: { "pods.yaml": text } });
    const result = await fedcalc(["eval", "all()", "--data", dir]);
    expect(result.stdout).toBe(
      lines("Endpoints matching selector all():", "  Workload endpoint node-a/k8s/shop.web-1/eth0"),
    );
    expect(result.stderr).toMatch(new RegExp(`^${join(dir, "local", "pods.yaml")}#0: error: invalid YAML at line 5, `));
    expect(result.status).toBe(1);
  });
});

describe.concurrent("usage and input errors: exit 2, nothing on stdout, one line on stderr", () => {
  it("an unknown command prints the main help after the error (the same text --help prints on stdout, exit 0)", async () => {
    const [unknown, help] = await Promise.all([fedcalc(["frobnicate"]), fedcalc(["--help"])]);
    expect(help.status).toBe(0);
    expect(help.stderr).toBe("");
    expect(help.stdout.startsWith("Usage: fedcalc <command> [arguments] --data PATH [options]\n")).toBe(true);
    expect(unknown.stderr).toBe(`fedcalc: unknown command "frobnicate"\n\n${help.stdout}`);
    expect(unknown.stdout).toBe("");
    expect(unknown.status).toBe(2);
  });

  it("a missing argument", async () => {
    const result = await fedcalc(["eval", ...TWO_CLUSTERS]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      lines("fedcalc: missing argument; usage: fedcalc eval <selector> (fedcalc eval --help for more)"),
    );
  });

  it("no --data", async () => {
    expect(await fedcalc(["eval", "all()"])).toEqual({
      status: 2,
      stdout: "",
      stderr: lines("fedcalc: eval needs --data PATH (fedcalc eval --help for more)"),
    });
  });

  it("a --data path that does not exist", async () => {
    expect(await fedcalc(["status", "--data", `${FIXTURES}/does-not-exist`])).toEqual({
      status: 2,
      stdout: "",
      stderr: lines(`fedcalc: cannot read ${FIXTURES}/does-not-exist: no such file or folder`),
    });
  });

  it("an invalid selector is reported with its position, before any data is read (the example's data warning is not printed)", async () => {
    expect(await fedcalc(["eval", 'a == "b" && %', ...EXAMPLE])).toEqual({
      status: 2,
      stdout: "",
      stderr: lines(
        "fedcalc: invalid selector: unexpected character '%' at line 1, column 13",
        '  a == "b" && %',
        "              ^",
      ),
    });
  });

  it("an unknown policy: a namespaced name given without its namespace gets a 'did you mean'", async () => {
    expect(await fedcalc(["policy", "api-allow", ...TWO_CLUSTERS])).toEqual({
      status: 2,
      stdout: "",
      stderr: lines(
        'fedcalc: no policy "api-allow" in the local cluster (namespaced policies are <namespace>/<name>, global ones <name>); did you mean shop/api-allow?',
      ),
    });
  });

  it("an unknown policy with nothing like it: no suggestion", async () => {
    expect(await fedcalc(["policy", "shop/nothing-like-it", ...TWO_CLUSTERS])).toEqual({
      status: 2,
      stdout: "",
      stderr: lines(
        'fedcalc: no policy "shop/nothing-like-it" in the local cluster (namespaced policies are <namespace>/<name>, global ones <name>)',
      ),
    });
  });

  it("an unknown host lists the hosts that have endpoints (remote ones as <cluster>/<node>)", async () => {
    expect(await fedcalc(["host", "node-z", ...TWO_CLUSTERS])).toEqual({
      status: 2,
      stdout: "",
      stderr: lines('fedcalc: no endpoints on host "node-z" (hosts with endpoints: east/e-node-1, node-a, node-b)'),
    });
  });

  it("a bad -o value, refused before any data is read (the example's data warning is not printed)", async () => {
    expect(await fedcalc(["eval", "all()", "-o", "xml", ...EXAMPLE])).toEqual({
      status: 2,
      stdout: "",
      stderr: lines('fedcalc: output format "xml" is not valid: use ps (or text), json or yaml'),
    });
  });

  it("explain --endpoint matching several endpoint IDs lists them all", async () => {
    expect(await fedcalc(["explain", "all()", "--endpoint", "node-a", ...TWO_CLUSTERS])).toEqual({
      status: 2,
      stdout: "",
      stderr: lines(
        'fedcalc: "node-a" is in 2 endpoint IDs; give one of: node-a/k8s/shop.web-1/eth0, node-a/node-a-eth0',
      ),
    });
  });
});

describe.concurrent("help", () => {
  const USAGES: Record<string, string> = {
    eval: "eval <selector> --data PATH [options]",
    policy: "policy <[namespace/]name> --data PATH [options]",
    endpoint: "endpoint <substring> --data PATH [options]",
    host: "host <node> --data PATH [options]",
    ipsets: "ipsets [--node NODE] --data PATH [options]",
    services: "services --data PATH [options]",
    check: "check --data PATH [options]",
    status: "status --data PATH [options]",
    explain: "explain <selector> --endpoint <id> --data PATH [options]",
    selectors: "selectors <file|-> [--labels <endpoints.json>]",
  };

  for (const [command, usage] of Object.entries(USAGES)) {
    it(`${command} --help: exit 0, usage line first, an example, the exit codes last`, async () => {
      const result = await fedcalc([command, "--help"]);
      expect(result.status).toBe(0);
      expect(result.stderr).toBe("");
      const text = result.stdout.split("\n");
      expect(text[0]).toBe(`Usage: fedcalc ${usage}`);
      const example = text.indexOf("Example:");
      expect(example).toBeGreaterThan(0);
      expect(text[example + 1]).toMatch(new RegExp(`^ {2}fedcalc ${command} `));
      expect(text.slice(-3)).toEqual([
        "Exit codes: 0 ok; 1 incomplete data (a remote cluster not in sync, a resource that could",
        "not be used) or findings; 2 usage or input error.",
        "",
      ]);
    });
  }
});

describe.concurrent("one-cluster federations and the local cluster", () => {
  const text = documents(
    pod("shop", "web-1", "node-a", "10.1.0.1", { app: "web" }),
    pod("shop", "api-1", "node-b", "10.1.0.2", { app: "api" }),
  );
  const EVAL = lines(
    "Endpoints matching selector has(app):",
    "  Workload endpoint node-a/k8s/shop.web-1/eth0",
    "  Workload endpoint node-b/k8s/shop.api-1/eth0",
  );

  it("--data FILE: one cluster named local, endpoints without a cluster prefix", async () => {
    const dir = writeFederation(tempDir(), { ".": { "dump.yaml": text } });
    expect(await fedcalc(["eval", "has(app)", "--data", join(dir, "dump.yaml")])).toEqual({
      status: 0,
      stdout: EVAL,
      stderr: "",
    });
  });

  it("--data FOLDER without subfolders: every dump in it is one cluster, named local", async () => {
    const dir = writeFederation(tempDir(), {
      ".": { "web.yaml": text.split("---\n")[1]!, "api.yml": text.split("---\n")[2]!, "notes.txt": "not: [a dump" },
    });
    expect(await fedcalc(["status", "--data", dir])).toEqual({
      status: 0,
      stdout: lines(
        "Local cluster: local (2 endpoints)",
        "No remote clusters are declared (no RemoteClusterConfigurations).",
      ),
      stderr: "",
    });
  });

  it("--data - reads one cluster from standard input", async () => {
    expect(await fedcalc(["eval", "has(app)", "--data", "-"], { stdin: text })).toEqual({
      status: 0,
      stdout: EVAL,
      stderr: "",
    });
  });

  it("--cluster east makes east local: its endpoints lose the prefix, and the undeclared folder local is ignored with a warning", async () => {
    expect(await fedcalc(["eval", "all()", "--cluster", "east", ...TWO_CLUSTERS])).toEqual({
      status: 0,
      stdout: lines(
        "Endpoints matching selector all():",
        "  Host endpoint e-node-1/e-node-1-eth0",
        "  Workload endpoint e-node-1/k8s/shop.db-e/eth0",
        "  Workload endpoint e-node-1/k8s/shop.web-e/eth0",
      ),
      stderr: lines(
        `${FIXTURES}/two-clusters/local: warning: folder "local" is not declared by a valid RemoteClusterConfiguration of the local cluster "east"; its data is not used`,
      ),
    });
  });

  it("two clusters holding RemoteClusterConfigurations and no --cluster: exit 2 naming both", async () => {
    const data = writeFederation(tempDir(), {
      a: { "rcc.yaml": rcc("b") },
      b: { "rcc.yaml": rcc("a") },
    });
    expect(await fedcalc(["status", "--data", data])).toEqual({
      status: 2,
      stdout: "",
      stderr: lines(
        "fedcalc: cannot tell which cluster is the local one (several hold RemoteClusterConfigurations): pass --cluster with one of a, b",
      ),
    });
  });
});
