/**
 * federation/ — what makes fedcalc a federation library: RemoteClusterConfiguration validation,
 * the registry of remote clusters (status, resyncs, start-up gating, stale data), the federated
 * services controller core, and the preflight checks that find what breaks federation before it
 * is deployed.
 *
 * Works on model objects and plain values; must not import calc/ (the engine uses it, not the
 * other way round).
 */
export * from "./preflight.js";
export {
  isValidRemoteCluster,
  REMOTE_CLUSTER_STATUS_GAUGE,
  type RemoteClusterStatus,
  validateRemoteClusterConfiguration,
} from "./rcc.js";
export type { RemoteClusterInfo } from "./registry.js";
export {
  type BackingService,
  createFederatedServicesController,
  type FederatedServiceStatus,
  type FederatedServicesChanges,
  type FederatedServicesController,
  type FederatedServicesOptions,
  REMOTE_CLUSTER_LABEL,
  SERVICE_SELECTOR_ANNOTATION,
} from "./services.js";
