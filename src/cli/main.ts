#!/usr/bin/env node
/**
 * cli/ — the `fedcalc` command. The only part of fedcalc that may use Node built-ins (files,
 * process). It turns arguments and files into library calls and library results into text; it
 * holds no policy logic of its own.
 *
 * This file owns arguments, help, stdout/stderr and exit codes: 0 ok; 1 incomplete data (a remote
 * cluster not in sync, a resource that could not be used) or findings (preflight errors, invalid
 * selectors); 2 usage or input error (nothing useful was printed).
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { formatDiagnostic, parseSelector, SelectorSyntaxError } from "../index.js";
import { endpointCommand, evalCommand, hostCommand, policyCommand } from "./calicoq.js";
import { type DataOptions, type LoadedFederation, loadFederation } from "./data.js";
import { InputError } from "./federation.js";
import { outputFormat, remoteProblemsReport } from "./output.js";
import { checkReport, explainReport, ipSetsReport, type Report, servicesReport, statusReport } from "./reports.js";
import { selectorsReport } from "./selectors.js";

const DATA_HELP = `Data:
  --data PATH       the federation: a folder with one subfolder per cluster (each holding
                    kubectl/calicoctl dumps: .yaml, .yml or .json), a folder of dumps or a
                    single file (one cluster), or - for standard input
  --cluster NAME    the local cluster (default: the one holding RemoteClusterConfigurations,
                    else "local")`;

const CALICOQ_HELP = `  -s, --hide-selectors      don't show the selectors that cause each match
  -r, --hide-rule-matches   don't show rule matches
  -o, --output FORMAT       ps (default), json or yaml`;

const OUTPUT_HELP = "  -o, --output FORMAT       text (default), json or yaml";

const EXIT_HELP = `Exit codes: 0 ok; 1 incomplete data (a remote cluster not in sync, a resource that could
not be used) or findings; 2 usage or input error.`;

type Values = Record<string, string | boolean | undefined>;

interface Command {
  readonly usage: string;
  readonly summary: string;
  readonly help: string;
  readonly example: string;
  readonly options: NonNullable<Parameters<typeof parseArgs>[0]>["options"];
  /** Names of the positional arguments, all required. */
  readonly positionals: readonly string[];
  /** Whether the command reads a federation (`--data`). */
  readonly needsData: boolean;
  readonly run: (args: { values: Values; positionals: string[]; load: (node?: string) => LoadedFederation }) => Report;
}

const OUTPUT_OPTION = { output: { type: "string", short: "o" } } as const;
const CALICOQ_OPTIONS = {
  ...OUTPUT_OPTION,
  "hide-selectors": { type: "boolean", short: "s" },
  "hide-rule-matches": { type: "boolean", short: "r" },
} as const;

function calicoqOptions(values: Values) {
  return {
    hideSelectors: values["hide-selectors"] === true,
    hideRuleMatches: values["hide-rule-matches"] === true,
    format: outputFormat(values.output as string | undefined),
  };
}

const format = (values: Values) => outputFormat(values.output as string | undefined);
const plain = (output: string): Report => ({ output, findings: false });

const COMMANDS: Readonly<Record<string, Command>> = {
  eval: {
    usage: "eval <selector>",
    summary: "endpoints, local and remote, that a selector matches",
    help: `Lists the endpoints (workload and host, of every cluster) that <selector> matches, as
calicoq eval does. Remote endpoints are prefixed with their cluster: <cluster>/<node>/...`,
    example: `fedcalc eval "app == 'cart'" --data examples/federation`,
    options: OUTPUT_OPTION,
    positionals: ["selector"],
    needsData: true,
    run: ({ values, positionals, load }) => {
      parseSelector(positionals[0]!); // a bad selector is a usage error, found before any data is read
      return plain(evalCommand(load(), positionals[0]!, format(values)));
    },
  },
  policy: {
    usage: "policy <[namespace/]name>",
    summary: "local endpoints a policy applies to, and endpoints its rules match",
    help: `Shows the local endpoints a policy applies to and the endpoints (local and remote) its
rules' selectors match, as calicoq policy does. Namespaced policies are <namespace>/<name>
(Kubernetes ones also <namespace>/knp.default.<name>), global ones <name>.`,
    example: "fedcalc policy payments/default.postgres-ingress --data examples/federation",
    options: CALICOQ_OPTIONS,
    positionals: ["policy"],
    needsData: true,
    run: ({ values, positionals, load }) => plain(policyCommand(load(), positionals[0]!, calicoqOptions(values))),
  },
  endpoint: {
    usage: "endpoint <substring>",
    summary: "policies and profiles of endpoints whose name contains a substring",
    help: `For each endpoint whose full name (as eval prints it, for example
"Workload endpoint east/east-node-1/k8s/shop.cart-1/eth0") or printed name (for example
"Workload endpoint east/k8s/shop.cart-1/eth0") contains <substring>, shows the policies that apply to
it in order, its profiles, and the policy rules whose selectors match it, as calicoq endpoint
does. Policies apply only to local endpoints.`,
    example: "fedcalc endpoint shop.cart --data examples/federation",
    options: CALICOQ_OPTIONS,
    positionals: ["substring"],
    needsData: true,
    run: ({ values, positionals, load }) => plain(endpointCommand(load(), positionals[0]!, calicoqOptions(values))),
  },
  host: {
    usage: "host <node>",
    summary: "policies and profiles of every endpoint on a host",
    help: `Like endpoint, for every endpoint on <node>, as calicoq host does. A remote cluster's
node is <cluster>/<node>.`,
    example: "fedcalc host hq-node-1 --data examples/federation",
    options: CALICOQ_OPTIONS,
    positionals: ["node"],
    needsData: true,
    run: ({ values, positionals, load }) => plain(hostCommand(load(), positionals[0]!, calicoqOptions(values))),
  },
  ipsets: {
    usage: "ipsets [--node NODE]",
    summary: "the IP sets Felix would program, with members",
    help: `Lists the active IP sets (for the policies and profiles active on NODE, or on the whole
local cluster), as Felix would program them: ID, type, selector, the rules that need each
set, and its members (local and remote addresses).
  --node NODE               only what is active on this node of the local cluster`,
    example: "fedcalc ipsets --node hq-node-1 --data examples/federation",
    options: { ...OUTPUT_OPTION, node: { type: "string" } },
    positionals: [],
    needsData: true,
    run: ({ values, load }) => {
      const node = values.node as string | undefined;
      return ipSetsReport(load(node), node, format(values));
    },
  },
  services: {
    usage: "services",
    summary: "federated Services: the Endpoints and EndpointSlices they get, and why",
    help: `For each local Service annotated federation.tigera.io/serviceSelector, shows the Services
(local and remote) that back it and the endpoints the federated-services controller would
write (pod IPs, no NAT), or why the Service is not federated (exit code 1). -o json/yaml
include the whole Endpoints and EndpointSlice objects.`,
    example: "fedcalc services --data examples/federation",
    options: OUTPUT_OPTION,
    positionals: [],
    needsData: true,
    run: ({ values, load }) => servicesReport(load(), format(values)),
  },
  check: {
    usage: "check",
    summary: "preflight: what would break the federation",
    help: `Checks the federation for what breaks it: overlapping pod CIDRs and node subnets across
clusters, IPIP pools, node names used twice, RemoteClusterConfiguration problems, and
selector drift (labels or namespaces that local policies name but some clusters lack).
Exit code 1 when it finds errors.`,
    example: "fedcalc check --data examples/federation",
    options: OUTPUT_OPTION,
    positionals: [],
    needsData: true,
    run: ({ values, load }) => checkReport(load(), format(values)),
  },
  status: {
    usage: "status",
    summary: "remote clusters and their state",
    help: `Lists the remote clusters the local cluster declares, each with its status (InSync,
ConnectionFailed when its data is missing or unreadable, ConfigIncomplete for an invalid
RemoteClusterConfiguration), error, and the endpoints and profiles it contributed.
Exit code 1 when a remote cluster is not in sync.`,
    example: "fedcalc status --data examples/federation",
    options: OUTPUT_OPTION,
    positionals: [],
    needsData: true,
    run: ({ values, load }) => statusReport(load(), format(values)),
  },
  explain: {
    usage: "explain <selector> --endpoint <id>",
    summary: "why a selector does or does not match an endpoint",
    help: `Shows how <selector> judges one endpoint: its labels and where each comes from (the
endpoint, or which profile), and every term of the selector with the label it read.
  --endpoint ID             the endpoint's ID as eval prints it, or a part of it that only
                            one endpoint's ID contains`,
    example: `fedcalc explain "app == 'payments-api'" --endpoint payments-api-v2 --data examples/federation`,
    options: { ...OUTPUT_OPTION, endpoint: { type: "string" } },
    positionals: ["selector"],
    needsData: true,
    run: ({ values, positionals, load }) => {
      if (typeof values.endpoint !== "string") throw new InputError("explain needs --endpoint <id>");
      parseSelector(positionals[0]!);
      return explainReport(load(), positionals[0]!, values.endpoint, format(values));
    },
  },
  selectors: {
    usage: "selectors <file|-> [--labels <endpoints.json>]",
    summary: "canonical form, unique ID and label needs of selectors, one per line",
    help: `Explains each selector in <file> (one per line; blank lines and lines starting with # are
skipped; - reads standard input): its canonical form and unique ID as Calico computes them,
the labels it requires, and, with --labels, which endpoints it matches. <endpoints.json> maps
endpoint names to their labels. Exit code 1 when a selector is invalid.`,
    example: "fedcalc selectors examples/selectors/selectors.txt --labels examples/selectors/endpoints.json",
    options: { ...OUTPUT_OPTION, labels: { type: "string" } },
    positionals: ["file"],
    needsData: false,
    run: ({ values, positionals }) =>
      selectorsReport(positionals[0]!, values.labels as string | undefined, readInput, format(values)),
  },
};

function commandHelp(command: Command): string {
  const options =
    command.options === CALICOQ_OPTIONS
      ? CALICOQ_HELP
      : Object.hasOwn(command.options ?? {}, "output")
        ? OUTPUT_HELP
        : "";
  return [
    `Usage: fedcalc ${command.usage}${command.needsData ? " --data PATH [options]" : ""}`,
    "",
    command.help,
    ...(options === "" ? [] : ["", "Options:", options]),
    ...(command.needsData ? ["", DATA_HELP] : []),
    "",
    "Example:",
    `  ${command.example}`,
    "",
    EXIT_HELP,
  ].join("\n");
}

function mainHelp(): string {
  const width = Math.max(...Object.values(COMMANDS).map((c) => c.usage.length));
  return [
    "Usage: fedcalc <command> [arguments] --data PATH [options]",
    "",
    "Calico-compatible policy queries across a federation of Kubernetes clusters, on resource dumps.",
    "",
    "Commands:",
    ...Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`),
    "",
    DATA_HELP,
    "",
    "Run fedcalc <command> --help for a command's options and an example.",
    "",
    EXIT_HELP,
  ].join("\n");
}

function readInput(file: string): string {
  try {
    return readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (error) {
    throw new InputError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

/** Runs one command line; returns the exit code. Writes only through `out` and `err`. */
function run(argv: readonly string[], out: (text: string) => void, err: (text: string) => void): number {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    out(`${mainHelp()}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) throw new InputError(`unknown command "${name}"\n\n${mainHelp()}`);
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      ...command.options,
      help: { type: "boolean", short: "h" },
      ...(command.needsData ? { data: { type: "string" }, cluster: { type: "string" } } : {}),
    },
    allowPositionals: true,
  });
  if (values.help === true) {
    out(`${commandHelp(command)}\n`);
    return 0;
  }
  if (positionals.length !== command.positionals.length) {
    const what = positionals.length < command.positionals.length ? "missing argument;" : "too many arguments;";
    throw new InputError(`${what} usage: fedcalc ${command.usage} (fedcalc ${name} --help for more)`);
  }
  outputFormat((values as Values).output as string | undefined); // a bad -o is a usage error, found before any data is read
  let loaded: LoadedFederation | undefined;
  const load = (node?: string): LoadedFederation => {
    if (typeof values.data !== "string")
      throw new InputError(`${name} needs --data PATH (fedcalc ${name} --help for more)`);
    const options: DataOptions = {
      data: values.data,
      cluster: values.cluster as string | undefined,
      stdin: () => readInput("-"),
    };
    loaded = loadFederation(options, node);
    for (const d of loaded.diagnostics) err(`${formatDiagnostic(d)}\n`);
    return loaded;
  };
  const report = command.run({ values, positionals, load });
  out(report.output);
  const dataErrors = loaded?.diagnostics.some((d) => d.severity === "error") ?? false;
  const remoteProblems = loaded === undefined ? undefined : remoteProblemsReport(loaded.engine.remoteClusters());
  if (remoteProblems !== undefined) err(`${remoteProblems}\n`);
  return report.findings || dataErrors || remoteProblems !== undefined ? 1 : 0;
}

function main(): void {
  const out = (text: string) => process.stdout.write(text);
  const err = (text: string) => process.stderr.write(text);
  try {
    process.exitCode = run(process.argv.slice(2), out, err);
  } catch (error) {
    const usage = error instanceof InputError || error instanceof SelectorSyntaxError;
    if (!usage && !(error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) throw error;
    const what = error instanceof SelectorSyntaxError ? "invalid selector: " : "";
    err(`fedcalc: ${what}${(error as Error).message}\n`);
    process.exitCode = 2;
  }
}

main();
