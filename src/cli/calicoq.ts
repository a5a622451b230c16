/**
 * calicoq's commands on a federation: `eval`, `policy`, `endpoint` and `host`, with calicoq's
 * wording, ordering and JSON/YAML field names (notes on calicoq's formats are in the README).
 *
 * Where calicoq is random (eval's order is a Go map's) we sort by name. Where calicoq drops
 * information (host endpoints in `policy`), we keep it. Policies apply only to local endpoints,
 * as in Felix: a remote endpoint lists its profiles and rule matches, never applied policies.
 *
 * Knows the engine's query API and calicoq's formats; knows nothing about files or arguments.
 */
import {
  compareByUtf8,
  type EndpointMatch,
  type EntityMatch,
  type HostEndpoint,
  type Policy,
  type PolicyRef,
  profileId,
  type RuleMatch,
  ruleSides,
  type Tier,
  type WorkloadEndpoint,
} from "../index.js";
import { endpointModels, type LoadedFederation, localPolicies } from "./data.js";
import { InputError } from "./federation.js";
import { goFloat, lines, machineReadable, type OutputFormat } from "./output.js";

/** calicoq's `-s` and `-r`, and the output format. */
export interface CalicoqOptions {
  readonly hideSelectors: boolean;
  readonly hideRuleMatches: boolean;
  readonly format: OutputFormat;
}

/** calicoq's JSON for an endpoint (field names and omissions as calicoq's). */
interface EndpointPrint {
  node?: string;
  orchestrator?: string;
  workload?: string;
  name?: string;
  policies?: PolicyPrint[];
  profiles?: { name: string }[];
  rule_matches?: RulePrint[];
  selector?: string;
  remote_cluster?: string;
}

interface PolicyPrint {
  name: string;
  order: string;
  selector?: string;
  tier_name: string;
  tier_order: string;
}

interface RulePrint {
  policy_name?: string;
  direction: "inbound" | "outbound";
  selector_type: string;
  order: number;
  selector?: string;
}

type Endpoint = WorkloadEndpoint | HostEndpoint;

/**
 * The parts of an endpoint ID: the host (remote ones `<cluster>/<node>`), and for workloads the
 * orchestrator and `<ns>.<pod>` (empty for host endpoints), and the endpoint's name.
 */
function idParts(match: EndpointMatch): { host: string; orchestrator: string; workload: string; name: string } {
  const segments = match.id.split("/");
  if (match.kind === "HostEndpoint") {
    return { host: segments.slice(0, -1).join("/"), orchestrator: "", workload: "", name: segments.at(-1)! };
  }
  const [orchestrator, workload, name] = segments.slice(-3) as [string, string, string];
  return { host: segments.slice(0, -3).join("/"), orchestrator, workload, name };
}

/** calicoq's full name: `Workload endpoint <host>/k8s/<ns>.<pod>/eth0`, `Host endpoint <host>/<name>`. */
function fullName(match: EndpointMatch): string {
  return `${match.kind === "HostEndpoint" ? "Host" : "Workload"} endpoint ${match.id}`;
}

/**
 * calicoq's name without the host, as `endpoint` and `host` print it. calicoq prints a remote
 * endpoint exactly like a local one; we put its cluster where the host was, so the two differ.
 */
function shortName(match: EndpointMatch): string {
  const { orchestrator, workload, name } = idParts(match);
  const cluster = match.cluster === "" ? "" : `${match.cluster}/`;
  return match.kind === "HostEndpoint"
    ? `Host endpoint ${cluster}${name}`
    : `Workload endpoint ${cluster}${orchestrator}/${workload}/${name}`;
}

/**
 * calicoq's JSON endpoint, without `remote_cluster` (see {@link withCluster}); `style` says whether
 * the workload is `ns/pod` with the host as node, or as `policy` prints it (`ns.pod`, bare node).
 */
function endpointPrint(match: EndpointMatch, style: "key" | "policy"): EndpointPrint {
  const { host, orchestrator, workload, name } = idParts(match);
  const node = style === "policy" && match.cluster !== "" ? host.slice(match.cluster.length + 1) : host;
  if (match.kind === "HostEndpoint") return { node, name };
  return { node, orchestrator, workload: style === "policy" ? workload : workload.replace(".", "/"), name };
}

/** Adds `remote_cluster` for a remote endpoint, last, where Go's field order puts it. */
function withCluster(print: EndpointPrint, match: EndpointMatch): EndpointPrint {
  return match.cluster === "" ? print : { ...print, remote_cluster: match.cluster };
}

/** The endpoints (not network sets) a selector matches, by full name. */
function endpointsMatching(loaded: LoadedFederation, selector: string): EndpointMatch[] {
  return loaded.engine
    .endpointsMatching(selector)
    .filter((m) => m.kind !== "NetworkSet")
    .sort((a, b) => compareByUtf8(fullName(a), fullName(b)));
}

// ─── eval ────────────────────────────────────────────────────────────────────────────────────────

/** `eval <selector>`: the endpoints, local and remote, that a selector matches. */
export function evalCommand(loaded: LoadedFederation, selector: string, format: OutputFormat): string {
  // As calicoq: a blank selector is skipped, so it matches nothing (a policy's blank selector is all()).
  const matches = selector.trim() === "" ? [] : endpointsMatching(loaded, selector);
  if (format !== "text") {
    const endpoints = matches.map((m) => withCluster(endpointPrint(m, "key"), m));
    return machineReadable(
      [{ description: `Endpoints matching selector ${selector}`, ...(endpoints.length > 0 ? { endpoints } : {}) }],
      format,
    );
  }
  return lines([`Endpoints matching selector ${selector}:`, ...matches.map((m) => `  ${fullName(m)}`)]);
}

// ─── policy ──────────────────────────────────────────────────────────────────────────────────────

/** calicoq's name for a policy: `<ns>/<name>` (Kubernetes ones `<ns>/knp.default.<name>`) or `<name>`. */
export function policyName(policy: PolicyRef): string {
  if (policy.namespace === "") return policy.name;
  const name = policy.policyKind === "KubernetesNetworkPolicy" ? `knp.default.${policy.name}` : policy.name;
  return `${policy.namespace}/${name}`;
}

function findPolicies(policies: readonly Policy[], wanted: string): Policy[] {
  const found = policies.filter(
    (p) => policyName(p) === wanted || (p.namespace !== "" && `${p.namespace}/${p.name}` === wanted),
  );
  if (found.length > 0) return found;
  const suggestions = policies.map(policyName).filter((name) => name.includes(wanted.split("/").at(-1)!));
  throw new InputError(
    `no policy "${wanted}" in the local cluster (namespaced policies are <namespace>/<name>, global ones <name>)${
      suggestions.length > 0 ? `; did you mean ${suggestions.sort().join(", ")}?` : ""
    }`,
  );
}

type RuleSide = "source" | "destination";

/** calicoq's rule-match words: `inbound rule 1 source match`, `outbound rule 2 !destination match`. */
function ruleWords(direction: "ingress" | "egress", index: number, side: RuleSide, negated: boolean): string {
  return `${direction === "ingress" ? "inbound" : "outbound"} rule ${index + 1} ${negated ? "!" : ""}${side} match`;
}

function sideSelector(match: EntityMatch, negated: boolean): string {
  return negated ? match.notSelector : match.selector;
}

/** Every selector of a policy's rules: direction, index, side, negation, and the selector text. */
function ruleSelectors(policy: Policy) {
  const sides: {
    direction: "ingress" | "egress";
    index: number;
    side: RuleSide;
    negated: boolean;
    selector: string;
  }[] = [];
  for (const { direction, index, side, match } of ruleSides(policy)) {
    for (const negated of [false, true]) {
      const selector = sideSelector(match, negated);
      if (selector !== "") sides.push({ direction, index, side, negated, selector });
    }
  }
  return sides;
}

function tierPrefix(policy: Policy): string {
  return policy.tier === "" || policy.tier === "default" ? "" : `Tier "${policy.tier}" `;
}

/** `policy <[ns/]name>`: the local endpoints a policy applies to, and the endpoints its rules match. */
export function policyCommand(loaded: LoadedFederation, wanted: string, options: CalicoqOptions): string {
  const { policies } = localPolicies(loaded);
  return findPolicies(policies, wanted)
    .map((policy) => describePolicy(loaded, policy, options))
    .join(options.format === "text" ? "\n" : "");
}

/** One endpoint in `policy`'s answer: whether the policy applies to it, and which rule sides match it. */
interface PolicyMatch {
  readonly match: EndpointMatch;
  appliesTo: boolean;
  readonly rules: { readonly words: string; readonly selector: string }[];
}

function describePolicy(loaded: LoadedFederation, policy: Policy, options: CalicoqOptions): string {
  const name = policyName(policy);
  const byId = new Map<string, PolicyMatch>();
  const entry = (match: EndpointMatch) =>
    byId.get(match.id) ?? byId.set(match.id, { match, appliesTo: false, rules: [] }).get(match.id)!;
  // Main selectors pick local endpoints only; `""` selects everything, as in Felix.
  for (const match of endpointsMatching(loaded, policy.selector === "" ? "all()" : policy.selector)) {
    if (match.cluster === "") entry(match).appliesTo = true;
  }
  if (!options.hideRuleMatches) {
    for (const rule of ruleSelectors(policy)) {
      const words = ruleWords(rule.direction, rule.index, rule.side, rule.negated);
      for (const match of endpointsMatching(loaded, rule.selector)) {
        entry(match).rules.push({ words, selector: rule.selector });
      }
    }
  }
  const matches = [...byId.values()].sort((a, b) => compareByUtf8(fullName(a.match), fullName(b.match)));
  for (const m of matches) m.rules.sort((a, b) => compareByUtf8(a.words, b.words));
  const appliesTo = matches.filter((m) => m.appliesTo);
  const selectorSuffix = (selector: string) => (options.hideSelectors ? "" : `; selector "${selector}"`);

  if (options.format !== "text") {
    // As calicoq: one object per endpoint, in both lists, carrying both the applies-to selector and the rule matches.
    const prints = new Map(
      matches.map((m): [PolicyMatch, EndpointPrint] => [
        m,
        withCluster(
          {
            ...endpointPrint(m.match, "policy"),
            ...(m.rules.length > 0 ? { rule_matches: m.rules.map((r) => rulePrint(r, options)) } : {}),
            ...(m.appliesTo && !options.hideSelectors ? { selector: policy.selector } : {}),
          },
          m.match,
        ),
      ]),
    );
    const applies = appliesTo.map((m) => prints.get(m)!);
    const matching = options.hideRuleMatches ? [] : [...prints.values()];
    return machineReadable(
      [
        {
          description: `Endpoints that ${tierPrefix(policy)}Policy ${name} applies to and the endpoints that match the policy`,
          ...(applies.length > 0 ? { policy_applies_to_endpoints: applies } : {}),
          ...(matching.length > 0 ? { endpoints_match_policy: matching } : {}),
        },
      ],
      options.format,
    );
  }
  const text = [
    `${tierPrefix(policy)}Policy "${name}" applies to these endpoints:`,
    ...appliesTo.map((m) => `  ${fullName(m.match)}${selectorSuffix(policy.selector)}`),
  ];
  // As calicoq: the section appears when anything matched, and lists endpoints with rule matches.
  if (!options.hideRuleMatches && matches.length > 0) {
    text.push("", `Endpoints matching ${tierPrefix(policy)}Policy "${name}" rules:`);
    for (const { match, rules } of matches.filter((m) => m.rules.length > 0)) {
      text.push(`  ${fullName(match)}`, ...rules.map((r) => `    ${r.words}${selectorSuffix(r.selector)}`));
    }
  }
  return lines(text);
}

/** calicoq's JSON for one rule match in `policy` (no policy name: the whole answer is about one policy). */
function rulePrint(rule: { readonly words: string; readonly selector: string }, options: CalicoqOptions): RulePrint {
  const [direction, , order, type] = rule.words.split(" ") as [RulePrint["direction"], string, string, string];
  return {
    direction,
    selector_type: type,
    order: Number(order),
    ...(options.hideSelectors ? {} : { selector: rule.selector }),
  };
}

// ─── endpoint and host ───────────────────────────────────────────────────────────────────────────

/** `endpoint <substring>`: policies and profiles of every endpoint whose full name contains the substring. */
export function endpointCommand(loaded: LoadedFederation, substring: string, options: CalicoqOptions): string {
  // calicoq searches the full name; we also search the name we print, which differs for remote endpoints.
  const endpoints = endpointsMatching(loaded, "all()").filter(
    (m) => fullName(m).includes(substring) || shortName(m).includes(substring),
  );
  return describeEndpoints(loaded, endpoints, `Policies and profiles for endpoints matching "${substring}"`, options);
}

/** `host <node>`: policies and profiles of every endpoint on a host (a remote one is `<cluster>/<node>`). */
export function hostCommand(loaded: LoadedFederation, host: string, options: CalicoqOptions): string {
  const all = endpointsMatching(loaded, "all()");
  const endpoints = all.filter((m) => idParts(m).host === host);
  if (endpoints.length === 0) {
    const hosts = [...new Set(all.map((m) => idParts(m).host))].sort(compareByUtf8);
    throw new InputError(`no endpoints on host "${host}" (hosts with endpoints: ${hosts.join(", ")})`);
  }
  return describeEndpoints(loaded, endpoints, `Policies and profiles for each endpoint on host "${host}"`, options);
}

interface EndpointDescription {
  readonly match: EndpointMatch;
  readonly policies: { readonly policy: Policy; readonly text: string; readonly print: PolicyPrint }[];
  readonly profiles: readonly string[];
  readonly rules: { readonly text: string; readonly print: RulePrint }[];
}

function describeEndpoints(
  loaded: LoadedFederation,
  endpoints: readonly EndpointMatch[],
  description: string,
  options: CalicoqOptions,
): string {
  const { policies, tiers } = localPolicies(loaded);
  const byRef = new Map(policies.map((p) => [refKey(p), p]));
  const models = endpointModels(loaded);
  const described = endpoints
    .map((match) => describeEndpoint(loaded, match, byRef, tiers, models.get(match.id), options))
    .sort(
      (a, b) =>
        compareByUtf8(shortName(a.match), shortName(b.match)) || compareByUtf8(fullName(a.match), fullName(b.match)),
    );

  if (options.format !== "text") {
    const prints = described.map((d): EndpointPrint => {
      const print: EndpointPrint = {
        ...endpointPrint(d.match, "key"),
        ...(d.policies.length > 0 ? { policies: d.policies.map((p) => p.print) } : {}),
        ...(d.profiles.length > 0 ? { profiles: d.profiles.map((name) => ({ name })) } : {}),
        ...(d.rules.length > 0 ? { rule_matches: d.rules.map((r) => r.print) } : {}),
      };
      return withCluster(print, d.match);
    });
    return machineReadable([{ description, ...(prints.length > 0 ? { endpoints: prints } : {}) }], options.format);
  }
  const text = [`${description}:`];
  for (const d of described) {
    text.push("", shortName(d.match), "  Policies:", ...d.policies.map((p) => `    ${p.text}`));
    if (d.profiles.length > 0) text.push("  Profiles:", ...d.profiles.map((name) => `    Profile "${name}"`));
    if (d.rules.length > 0) text.push("  Rule matches:", ...d.rules.map((r) => `    ${r.text}`));
  }
  return lines(text);
}

function refKey(policy: PolicyRef): string {
  return `${policy.policyKind}|${policy.namespace}|${policy.name}`;
}

function describeEndpoint(
  loaded: LoadedFederation,
  match: EndpointMatch,
  byRef: ReadonlyMap<string, Policy>,
  tiers: ReadonlyMap<string, Tier>,
  model: Endpoint | undefined,
  options: CalicoqOptions,
): EndpointDescription {
  const applied = loaded.engine.policiesApplyingTo(match.id)?.policies ?? [];
  const appliedPolicies = applied.flatMap((ref) => byRef.get(refKey(ref)) ?? []);
  // Felix enforces untracked policies first, whatever their tier.
  const ordered = [...appliedPolicies.filter((p) => p.doNotTrack), ...appliedPolicies.filter((p) => !p.doNotTrack)];
  const policies = ordered.map((policy) => {
    const tier = tiers.get(policy.tier);
    const defaultTier = policy.tier === "default";
    const tierOrder = defaultTier || tier?.order === undefined ? "default" : goFloat(tier.order);
    const order = policy.order === undefined ? "default" : goFloat(policy.order);
    const tierText = defaultTier
      ? ""
      : `Tier ${JSON.stringify(policy.tier)} (order ${tier === undefined ? "missing" : tierOrder}) `;
    const details = options.hideSelectors ? `order ${order}` : `order ${order}; selector "${policy.selector}"`;
    const text = `${tierText}Policy ${JSON.stringify(policyName(policy))} (${details})${policy.doNotTrack ? " [untracked]" : ""}`;
    const print: PolicyPrint = {
      name: policyName(policy),
      order,
      ...(options.hideSelectors ? {} : { selector: policy.selector }),
      tier_name: policy.tier,
      tier_order: tier === undefined && !defaultTier ? "missing" : tierOrder,
    };
    return { policy, text, print };
  });
  const profiles = model === undefined ? [] : model.profiles.map((name) => profileId(model.cluster, name));
  const rules = options.hideRuleMatches ? [] : ruleMatchLines(loaded, match, byRef, options);
  return { match, policies, profiles, rules };
}

/** calicoq's rule-match lines for an endpoint: policies' rules only (not profiles'), sorted as text. */
function ruleMatchLines(
  loaded: LoadedFederation,
  match: EndpointMatch,
  byRef: ReadonlyMap<string, Policy>,
  options: CalicoqOptions,
): { text: string; print: RulePrint }[] {
  const matches: readonly RuleMatch[] = loaded.engine.rulesSelecting(match.id) ?? [];
  return matches
    .flatMap((m) => {
      const policy = m.policy === undefined ? undefined : byRef.get(refKey(m.policy));
      if (policy === undefined) return [];
      const selector = sideSelector(policy[m.direction][m.ruleIndex]![m.side], m.negated);
      const name = policyName(policy);
      const words = ruleWords(m.direction, m.ruleIndex, m.side, m.negated);
      return [
        {
          text: `Policy ${JSON.stringify(name)} ${words}${options.hideSelectors ? "" : `; selector "${selector}"`}`,
          print: {
            policy_name: name,
            direction: m.direction === "ingress" ? "inbound" : "outbound",
            selector_type: `${m.negated ? "!" : ""}${m.side}`,
            order: m.ruleIndex + 1,
            ...(options.hideSelectors ? {} : { selector }),
          } satisfies RulePrint,
        },
      ];
    })
    .sort((a, b) => compareByUtf8(a.text, b.text));
}
