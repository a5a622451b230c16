/**
 * A federation loaded for querying: the policy engine fed with every cluster's data, the model
 * objects of each cluster (for lookups the engine does not answer), and every diagnostic.
 *
 * Knows how to feed the library; knows nothing about command output.
 */
import {
  createFederatedServicesController,
  createPolicyEngine,
  type Diagnostic,
  type FederatedServicesController,
  type HostEndpoint,
  hostEndpointId,
  type ModelResource,
  type Policy,
  type PolicyEngine,
  type Tier,
  type WorkloadEndpoint,
  workloadEndpointId,
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
  /**
   * Model objects by cluster name (the local one under its own name), converted on first use:
   * `eval`, `ipsets` and `status` need only the engine.
   */
  readonly models: ReadonlyMap<string, readonly ModelResource[]>;
  /** Problems in the data, each naming file and document. */
  readonly diagnostics: readonly Diagnostic[];
}

/** Reads the federation and feeds a policy engine (scoped to `node` when given). */
export function loadFederation(options: DataOptions, node?: string): LoadedFederation {
  const federation = readFederation(options.data, options.cluster, options.stdin);
  const engine = createPolicyEngine(node === undefined ? {} : { node });
  const diagnostics = feed(federation, engine);
  let models: ReadonlyMap<string, readonly ModelResource[]> | undefined;
  return {
    federation,
    localName: federation.local.name,
    engine,
    diagnostics,
    get models() {
      models ??= modelsByCluster(federation);
      return models;
    },
  };
}

/** A cluster's name as reports print it: the local cluster (`""` in the model) by its own name. */
export function clusterName(loaded: LoadedFederation, cluster: string): string {
  return cluster === "" ? loaded.localName : cluster;
}

/** Every endpoint model of every cluster, by the ID queries report. */
export function endpointModels(loaded: LoadedFederation): Map<string, WorkloadEndpoint | HostEndpoint> {
  const endpoints = new Map<string, WorkloadEndpoint | HostEndpoint>();
  for (const resources of loaded.models.values()) {
    for (const model of resources) {
      if (model.kind === "WorkloadEndpoint") endpoints.set(workloadEndpointId(model), model);
      else if (model.kind === "HostEndpoint") endpoints.set(hostEndpointId(model), model);
    }
  }
  return endpoints;
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
