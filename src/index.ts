/**
 * fedcalc — Calico-compatible network policy calculation across federated Kubernetes clusters.
 *
 * The root entry point. It runs anywhere JavaScript does: nothing here imports Node built-ins.
 *
 * @packageDocumentation
 */
export { uniqueId } from "./hash/index.js";
export * from "./selector/index.js";
