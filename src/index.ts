/**
 * fedcalc — Calico-compatible network policy calculation across federated Kubernetes clusters.
 *
 * The root entry point. It runs anywhere JavaScript does: nothing here imports Node built-ins.
 * Data flows one way: resources (k8s/) → model (model/) → indexes and calculators.
 *
 * @packageDocumentation
 */
export { ActiveRulesCalculator, type ActiveRulesCallbacks } from "./calc/active-rules.js";
export { DeltaLog } from "./calc/delta-log.js";
export { createPolicyEngine } from "./calc/engine.js";
export { MemberCalculator, type MemberCallbacks, type MemberSource } from "./calc/members.js";
export { type ParsedRules, RuleScanner, type RuleScannerCallbacks } from "./calc/rule-scanner.js";
export type * from "./calc/types.js";
export * from "./federation/index.js";
export { uniqueId } from "./hash/index.js";
export { LabelIndex, type LabelIndexCallbacks } from "./index/label-index.js";
export { type ConvertOptions, type ConvertResult, convertResource } from "./k8s/convert.js";
export {
  type LoadOptions,
  type LoadResult,
  loadResources,
  type RawResource,
  type ReadResult,
  readResources,
} from "./k8s/load.js";
export * from "./model/index.js";
export { type ParsedCidr, parseCidrOrIp, parseIp } from "./net/index.js";
export * from "./selector/index.js";
