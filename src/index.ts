/**
 * fedcalc — Calico-compatible network policy calculation across federated Kubernetes clusters.
 *
 * The root entry point. It runs anywhere JavaScript does: nothing here imports Node built-ins.
 * Data flows one way: resources (k8s/) → model (model/) → indexes and calculators.
 *
 * @packageDocumentation
 */
export { uniqueId } from "./hash/index.js";
export { type ConvertOptions, type ConvertResult, convertResource } from "./k8s/convert.js";
export { type LoadOptions, type LoadResult, loadResources } from "./k8s/load.js";
export * from "./model/index.js";
export { type ParsedCidr, parseCidrOrIp, parseIp } from "./net/index.js";
export * from "./selector/index.js";
