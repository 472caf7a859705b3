// Pomerium Policy Language (PPL): parse, print, evaluate. Pure TypeScript, safe to
// import from server and client code alike (the console editor validates as you type).
export { PolicyError } from './errors';
export { parsePolicy, MAX_CRITERIA, MAX_DEPTH } from './parse';
export { MAX_TEXT_BYTES, MAX_ALIASES } from './yaml-source';
export { policyToValue } from './print';
export { compilePolicy, evaluatePolicies, evaluatePolicy, printPolicy } from './api';
export { evaluateCompiled, type CompiledPolicy } from './evaluate';
export { READS } from './compile';
export { CRITERIA, type CriterionInfo, type CriterionKind } from './catalogue';
export { policyRequestSchema } from './request';
export type {
  Block,
  Criterion,
  CriterionName,
  DateMatch,
  Decision,
  EvaluateOptions,
  Item,
  ListMatch,
  MultiDecision,
  Operator,
  Policy,
  PolicyRequest,
  PolicyUser,
  Rule,
  StringMatch,
  TimeOfDayMatch,
} from './types';
export { policyWarnings, MATCHES_NOTHING, type PolicyWarning } from './warnings';
export { canonicalFingerprint, isSpkiHash } from './certificate';
export type { CertificateMatch, ClientCertificate } from './types';
export {
  anchored,
  compileClaimConditions,
  describeClaimCondition,
  parseClaimConditions,
  MAX_CONDITIONS,
  type ClaimCondition,
  type ConditionsResult,
} from './claim-conditions';
