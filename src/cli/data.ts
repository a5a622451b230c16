/**
 * A federation loaded for querying: the policy engine fed with every cluster's data, the model
 * objects of each cluster (for lookups the engine does not answer), and every diagnostic.
 *
 * Knows how to feed the library; knows nothing about command output.
 */
import {
  convertResource,
  createFederatedServicesController,
  createPolicyEngine,
  type Diagnostic,
  type FederatedServicesController,
  type ModelResource,
  type Policy,
  type PolicyEngine,
  type Tier,
} from "../index.js";
import { type Federation, feed, modelsByCluster, readFederation } from "./federation.js";

/** Where the data is and how to read it (the `--data` and `--cluster` options). */
export interface DataOptions {
  readonly data: string;
  readonly cluster: string | undefined;
  /** Reads standard input (for `--data -`). */
  readonly stdin: () => string;
}

/** A federation read, converted and fed to a policy engine. */
export interface LoadedFederation {
  readonly federation: Federation;
  /** The local cluster's name. */
  readonly localName: string;
  readonly engine: PolicyEngine;
  /** Model objects by cluster name (the local one under its own name). */
  readonly models: ReadonlyMap<string, readonly ModelResource[]>;
  /** Problems in the data, each naming file and document. */
  readonly diagnostics: readonly Diagnostic[];
}

/** Reads the federation and feeds a policy engine (scoped to `node` when given). */
export function loadFederation(options: DataOptions, node?: string): LoadedFederation {
  const federation = readFederation(options.data, options.cluster, options.stdin);
  const engine = createPolicyEngine(node === undefined ? {} : { node });
  const diagnostics = feed(federation, engine);
  const models = modelsByCluster(federation, (raw, cluster) => convertResource(raw, { cluster }).resources);
  return { federation, localName: federation.local.name, engine, models, diagnostics };
}

/** Feeds the same federation to a federated-services controller (whose diagnostics the engine already gave). */
export function servicesController(loaded: LoadedFederation): FederatedServicesController {
  const controller = createFederatedServicesController({ localClusterName: loaded.localName });
  feed(loaded.federation, controller);
  return controller;
}

/** The local cluster's policies and tiers, for lookups by name and for display. */
export function localPolicies(loaded: LoadedFederation): { policies: Policy[]; tiers: Map<string, Tier> } {
  const policies: Policy[] = [];
  const tiers = new Map<string, Tier>();
  for (const model of loaded.models.get(loaded.localName) ?? []) {
    if (model.kind === "Policy") policies.push(model);
    else if (model.kind === "Tier") tiers.set(model.name, model);
  }
  return { policies, tiers };
}
