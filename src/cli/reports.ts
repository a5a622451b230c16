/**
 * The commands calicoq lacks: `ipsets`, `services`, `check`, `status` and `explain`. Each turns a
 * loaded federation into a report for people (text) and the same report as data (JSON/YAML).
 *
 * Knows the library's query APIs; knows nothing about files or arguments.
 */
import {
  compareByUtf8,
  type EndpointMatch,
  explainSelector,
  type IpSetInfo,
  type ParsedEntity,
  type PreflightFinding,
  parseSelector,
  preflight,
  profileId,
  type RemoteClusterInfo,
  type RuleLists,
  ruleSides,
  SERVICE_SELECTOR_ANNOTATION,
  type SelectorExplanation,
  type Service,
} from "../index.js";
import { policyName } from "./calicoq.js";
import { clusterName, endpointModels, type LoadedFederation, servicesController } from "./data.js";
import { InputError } from "./federation.js";
import { lines, machineReadable, type OutputFormat } from "./output.js";

/** A report: what to print, and whether it found something that makes the exit code 1. */
export interface Report {
  readonly output: string;
  readonly findings: boolean;
}

// ─── ipsets ──────────────────────────────────────────────────────────────────────────────────────

/** A rule that needs an IP set: its policy or profile, and which rule and side. */
interface IpSetUse {
  readonly policy?: string;
  readonly profile?: string;
  readonly direction: "inbound" | "outbound";
  /** One-based, as calicoq numbers rules. */
  readonly rule: number;
  readonly side: "source" | "destination";
  /** The side's `notSelector` (or a negated named port) needs the set. */
  readonly negated: boolean;
}

function ipSetUses(loaded: LoadedFederation): Map<string, IpSetUse[]> {
  const uses = new Map<string, IpSetUse[]>();
  const scan = (owner: Pick<IpSetUse, "policy" | "profile">, rules: RuleLists<ParsedEntity>) => {
    for (const { direction: ruleDirection, index, side, match } of ruleSides(rules)) {
      const direction = ruleDirection === "ingress" ? "inbound" : "outbound";
      const negated = new Set([...match.notIpSetIds, ...match.notNamedPortIpSetIds]);
      for (const id of [...match.ipSetIds, ...match.namedPortIpSetIds, ...negated]) {
        const use: IpSetUse = { ...owner, direction, rule: index + 1, side, negated: negated.has(id) };
        uses.set(id, [...(uses.get(id) ?? []), use]);
      }
    }
  };
  for (const policy of loaded.engine.activePolicies()) scan({ policy: policyName(policy) }, policy);
  for (const profile of loaded.engine.activeProfiles()) scan({ profile: profile.name }, profile);
  return uses;
}

function describeUse(use: IpSetUse): string {
  const owner = use.policy === undefined ? `Profile "${use.profile}"` : `Policy "${use.policy}"`;
  return `${owner} ${use.direction} rule ${use.rule} ${use.negated ? "!" : ""}${use.side}`;
}

function describeSet(info: IpSetInfo): string {
  return info.namedPort === undefined
    ? `selector ${info.selector}`
    : `named port ${info.namedPort.protocol}:${info.namedPort.name} of selector ${info.selector}`;
}

/** `ipsets [--node NODE]`: the IP sets Felix would program, with members and the rules that need them. */
export function ipSetsReport(loaded: LoadedFederation, node: string | undefined, format: OutputFormat): Report {
  const uses = ipSetUses(loaded);
  const sets = loaded.engine.ipSets().map((info) => ({
    ...info,
    members: [...loaded.engine.ipSetMembers(info.id)],
    usedBy: uses.get(info.id) ?? [],
  }));
  const scope =
    node === undefined ? `cluster ${loaded.localName} (all nodes)` : `node ${node} of cluster ${loaded.localName}`;
  if (format !== "text") {
    return {
      output: machineReadable(
        { cluster: loaded.localName, ...(node === undefined ? {} : { node }), ipSets: sets },
        format,
      ),
      findings: false,
    };
  }
  const text = [`IP sets active on ${scope}: ${sets.length}`];
  for (const set of sets) {
    text.push(
      "",
      `${set.id}  ${set.type}`,
      `  ${describeSet(set)}`,
      ...set.usedBy.map((use) => `  used by ${describeUse(use)}`),
      `  members: ${set.members.length}`,
      ...set.members.map((member) => `    ${member}`),
    );
  }
  return { output: lines(text), findings: false };
}

// ─── services ────────────────────────────────────────────────────────────────────────────────────

interface EndpointsObject {
  readonly subsets?: readonly {
    readonly addresses?: readonly { ip: string; nodeName?: string; targetRef?: { name?: string } }[];
    readonly notReadyAddresses?: readonly { ip: string; nodeName?: string; targetRef?: { name?: string } }[];
    readonly ports?: readonly { name?: string; port: number; protocol?: string }[];
  }[];
}

/** The parts of an EndpointSlice the text report names. */
interface SliceObject {
  readonly metadata: { readonly name: string; readonly labels: Readonly<Record<string, string>> };
  readonly addressType: string;
  readonly endpoints: readonly unknown[];
}

const SOURCE_CLUSTER_LABEL = "multicluster.kubernetes.io/source-cluster";

/** `services`: the Endpoints and EndpointSlices the federated-services controller would write, and why. */
export function servicesReport(loaded: LoadedFederation, format: OutputFormat): Report {
  const controller = servicesController(loaded);
  controller.flush();
  const annotated = (loaded.models.get(loaded.localName) ?? [])
    .filter((m): m is Service => m.kind === "Service" && Object.hasOwn(m.annotations, SERVICE_SELECTOR_ANNOTATION))
    .sort((a, b) => compareByUtf8(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`));
  const services = annotated.map((service) => ({
    namespace: service.namespace,
    name: service.name,
    status: controller.status(service.namespace, service.name),
    endpoints: controller.endpoints(service.namespace, service.name),
    endpointSlices: controller.endpointSlices(service.namespace, service.name),
  }));
  const notFederated = services.some((s) => s.status?.federated !== true);
  if (format !== "text") return { output: machineReadable({ services }, format), findings: notFederated };

  const text = [`Federated services of cluster ${loaded.localName}: ${services.length}`];
  for (const { namespace, name, status, endpoints, endpointSlices } of services) {
    text.push("", `Service ${namespace}/${name}`, `  selector: ${status?.selector ?? ""}`);
    if (status?.federated !== true) {
      text.push(`  not federated: ${status?.reason ?? "unknown"}`);
      continue;
    }
    const backing = status.backingServices.map((b) => `${clusterName(loaded, b.cluster)}/${b.name}`);
    text.push(`  backed by: ${backing.length > 0 ? backing.join(", ") : "(no matching Services)"}`);
    let lastPorts = "";
    for (const subset of (endpoints as EndpointsObject | undefined)?.subsets ?? []) {
      const ports = (subset.ports ?? []).map((p) => `${p.name ? `${p.name} ` : ""}${p.port}/${p.protocol ?? "TCP"}`);
      // Calico writes a subset per backing Service and readiness; people read one list per port set.
      if (ports.join(", ") !== lastPorts) text.push(`  ports ${ports.join(", ")}:`);
      lastPorts = ports.join(", ");
      for (const [ready, addresses] of [
        ["", subset.addresses ?? []],
        [" (not ready)", subset.notReadyAddresses ?? []],
      ] as const) {
        for (const a of addresses) {
          const target = a.targetRef?.name === undefined ? "" : ` pod ${a.targetRef.name}`;
          text.push(`    ${a.ip}${target}${a.nodeName === undefined ? "" : ` on ${a.nodeName}`}${ready}`);
        }
      }
    }
    for (const slice of endpointSlices as SliceObject[]) {
      const source = slice.metadata.labels[SOURCE_CLUSTER_LABEL] ?? "?";
      const count = slice.endpoints.length;
      text.push(
        `  EndpointSlice ${slice.metadata.name}: ${source}, ${slice.addressType}, ${count} ${count === 1 ? "endpoint" : "endpoints"}`,
      );
    }
    for (const dropped of status.droppedPorts) {
      const from = `${clusterName(loaded, dropped.cluster)}/${dropped.name}`;
      text.push(
        `  dropped port ${dropped.port.name || "(unnamed)"} ${dropped.port.port}/${dropped.port.protocol} of ${from}: the federated service declares no port of that name and protocol`,
      );
    }
  }
  return { output: lines(text), findings: notFederated };
}

// ─── check ───────────────────────────────────────────────────────────────────────────────────────

/** `check`: the federation preflight report; findings of severity error make the exit code 1. */
export function checkReport(loaded: LoadedFederation, format: OutputFormat): Report {
  const findings: PreflightFinding[] = preflight(loaded.models, {
    localCluster: loaded.localName,
  });
  const errors = findings.filter((f) => f.severity === "error").length;
  if (format !== "text") {
    return { output: machineReadable({ localCluster: loaded.localName, findings }, format), findings: errors > 0 };
  }
  const clusters = [...loaded.models.keys()].sort(compareByUtf8);
  const text = [
    `Preflight check of the federation seen from ${loaded.localName} (clusters with data: ${clusters.join(", ")})`,
  ];
  for (const finding of findings) {
    text.push("", `${finding.severity}: ${finding.check} [${finding.clusters.join(", ")}]`, `  ${finding.message}`);
  }
  const warnings = findings.length - errors;
  text.push(
    "",
    `${errors} ${errors === 1 ? "error" : "errors"}, ${warnings} ${warnings === 1 ? "warning" : "warnings"}`,
  );
  return { output: lines(text), findings: errors > 0 };
}

// ─── status ──────────────────────────────────────────────────────────────────────────────────────

function table(rows: readonly (readonly string[])[]): string[] {
  if (rows.length === 0) return ["  (none)"];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join("  ")
      .trimEnd(),
  );
}

/** `status`: each remote cluster the local cluster declares, its status and what it contributed. */
export function statusReport(loaded: LoadedFederation, format: OutputFormat): Report {
  const remotes = loaded.engine.remoteClusters().map(({ since: _since, ...info }: RemoteClusterInfo) => info);
  const findings = remotes.some((r) => r.status !== "InSync");
  if (format !== "text")
    return { output: machineReadable({ localCluster: loaded.localName, remoteClusters: remotes }, format), findings };
  const local = loaded.engine.endpointsMatching("all()").filter((m) => m.cluster === "" && m.kind !== "NetworkSet");
  const text = [`Local cluster: ${loaded.localName} (${local.length} endpoints)`];
  if (remotes.length === 0) text.push("No remote clusters are declared (no RemoteClusterConfigurations).");
  else {
    text.push(
      "",
      ...table([
        ["REMOTE CLUSTER", "STATUS", "ENDPOINTS", "PROFILES", "ERROR"],
        ...remotes.map((r) => [r.name, r.status, String(r.endpoints), String(r.profiles), r.error ?? ""]),
      ]),
    );
  }
  return { output: lines(text), findings };
}

// ─── explain ─────────────────────────────────────────────────────────────────────────────────────

/** Finds one endpoint by its full ID, or by a substring only one endpoint's ID contains. */
function findEndpoint(loaded: LoadedFederation, wanted: string): EndpointMatch {
  const all = loaded.engine.endpointsMatching("all()").filter((m) => m.kind !== "NetworkSet");
  const exact = all.find((m) => m.id === wanted);
  if (exact !== undefined) return exact;
  const candidates = all.filter((m) => m.id.includes(wanted));
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) throw new InputError(`no endpoint ID contains "${wanted}" (try: fedcalc eval 'all()')`);
  throw new InputError(
    `"${wanted}" is in ${candidates.length} endpoint IDs; give one of: ${candidates.map((m) => m.id).join(", ")}`,
  );
}

/** Where each label of an endpoint comes from: the endpoint itself, then its profiles in order. */
function labelSources(loaded: LoadedFederation, match: EndpointMatch) {
  const endpoint = endpointModels(loaded).get(match.id);
  if (endpoint === undefined) return [];
  const models = loaded.models.get(clusterName(loaded, match.cluster)) ?? [];
  const sources = [{ source: match.kind === "HostEndpoint" ? "host endpoint" : "endpoint", labels: endpoint.labels }];
  for (const name of endpoint.profiles) {
    const profile = models.find((m) => m.kind === "Profile" && m.name === name);
    sources.push({
      source: `profile ${profileId(match.cluster, name)}`,
      labels: profile?.kind === "Profile" ? profile.labels : {},
    });
  }
  return sources;
}

function explanationLines(term: SelectorExplanation, depth: number): string[] {
  const mark = term.matched ? "✓" : "✗";
  const label =
    term.label === undefined
      ? ""
      : term.label.value === undefined
        ? `   (${term.label.name} is absent)`
        : `   (${term.label.name} = ${JSON.stringify(term.label.value)})`;
  return [
    `${"  ".repeat(depth)}${mark} ${term.text}${label}`,
    ...(term.operands ?? []).flatMap((operand) => explanationLines(operand, depth + 1)),
  ];
}

/** `explain <selector> --endpoint <id>`: why a selector does or does not match an endpoint. */
export function explainReport(
  loaded: LoadedFederation,
  selectorText: string,
  endpointId: string,
  format: OutputFormat,
): Report {
  const selector = parseSelector(selectorText);
  const match = findEndpoint(loaded, endpointId);
  const sources = labelSources(loaded, match);
  const effective = new Map<string, { value: string; source: string; shadowed: { value: string; source: string }[] }>();
  for (const { source, labels } of sources) {
    for (const [name, value] of Object.entries(labels)) {
      const seen = effective.get(name);
      if (seen === undefined) effective.set(name, { value, source, shadowed: [] });
      else seen.shadowed.push({ value, source });
    }
  }
  const explanation = explainSelector(selector, (name) => effective.get(name)?.value);
  const labels = [...effective].sort(([a], [b]) => compareByUtf8(a, b)).map(([name, l]) => ({ name, ...l }));
  if (format !== "text") {
    return {
      output: machineReadable(
        { selector: selector.toString(), endpoint: match, matched: explanation.matched, labels, explanation },
        format,
      ),
      findings: false,
    };
  }
  const text = [
    `Selector: ${selector.toString()}`,
    `Endpoint: ${match.kind === "HostEndpoint" ? "Host" : "Workload"} endpoint ${match.id} (cluster ${clusterName(loaded, match.cluster)})`,
    `Result:   ${explanation.matched ? "matches" : "does not match"}`,
    "",
    "Labels (the endpoint's own first, then its profiles' in order; the first source of a label wins):",
    ...table(
      labels.map((l) => [
        `  ${l.name}`,
        `= ${JSON.stringify(l.value)}`,
        `from ${l.source}${l.shadowed.map((s) => `, hiding ${JSON.stringify(s.value)} from ${s.source}`).join("")}`,
      ]),
    ),
    "",
    "Terms:",
    ...explanationLines(explanation, 1),
  ];
  return { output: lines(text), findings: false };
}
