// The normalized policy tree. parsePolicy() returns it deeply frozen, hence the
// readonly modifiers: a parsed policy is shared through the parse cache and its
// compiled form, so it must never change after parsing. To edit one (the visual
// builder), copy it with structuredClone() and parse the result again.

export const OPERATORS = ['and', 'or', 'not', 'nor'] as const;
export type Operator = (typeof OPERATORS)[number];

export const STRING_MATCHERS = ['is', 'starts_with', 'ends_with', 'contains', 'in', 'not_in', 'not'] as const;
export type StringMatcher = (typeof STRING_MATCHERS)[number];
export const LIST_MATCHERS = ['has', 'is', 'exclude'] as const;
export type ListMatcher = (typeof LIST_MATCHERS)[number];

/** Several matchers in one criterion must all hold (as in Pomerium). */
export interface StringMatch {
  readonly is?: string;
  readonly starts_with?: string;
  readonly ends_with?: string;
  readonly contains?: string;
  readonly in?: readonly string[];
  readonly not_in?: readonly string[];
  readonly not?: string;
}

export interface ListMatch {
  readonly has?: string;
  readonly is?: string;
  readonly exclude?: string;
}

/** RFC 3339 instants, kept as written. */
export interface DateMatch {
  readonly after?: string;
  readonly before?: string;
}

export interface TimeOfDayMatch {
  readonly timezone: string;
  readonly after?: string;
  readonly before?: string;
}

/** Criteria that take no value: Pomerium ignores whatever is written (`accept: 1`, `accept:`). */
export type BooleanCriterionName =
  | 'accept'
  | 'reject'
  | 'authenticated_user'
  | 'cors_preflight'
  | 'invalid_client_certificate';

export const CERTIFICATE_MATCHERS = ['fingerprint', 'spki_hash', 'san_email', 'san_dns', 'san_uri'] as const;

/** Conditions on the client certificate; all given ones must hold (as in Pomerium). */
export interface CertificateMatch {
  /** SHA-256 of the DER certificate as 64 lower-case hex digits (colon-separated upper case is normalized to this). */
  readonly fingerprint?: readonly string[];
  /** base64 of the SHA-256 of the DER SubjectPublicKeyInfo (32 bytes). */
  readonly spki_hash?: readonly string[];
  /** Some subject alternative name of that type matches. */
  readonly san_email?: StringMatch;
  readonly san_dns?: StringMatch;
  readonly san_uri?: StringMatch;
}
export type StringCriterionName = 'user' | 'email' | 'domain' | 'http_method' | 'http_path';

export type Criterion =
  | { readonly kind: 'criterion'; readonly name: BooleanCriterionName; readonly value: true }
  | { readonly kind: 'criterion'; readonly name: StringCriterionName; readonly value: StringMatch }
  | { readonly kind: 'criterion'; readonly name: 'groups'; readonly value: ListMatch }
  | { readonly kind: 'criterion'; readonly name: 'claim'; readonly key: string; readonly value: ListMatch }
  /** IP addresses or CIDR ranges; the criterion holds when the source is in any of them. */
  | { readonly kind: 'criterion'; readonly name: 'source_ip'; readonly value: readonly string[] }
  | { readonly kind: 'criterion'; readonly name: 'date'; readonly value: DateMatch }
  /**
   * Normalized day list: lower case, no spaces, e.g. `mon-fri`, `mon,wed`, `*`. Days are
   * UTC days unless `timezone` (a Postern extension, present only when written) names a zone.
   */
  | { readonly kind: 'criterion'; readonly name: 'day_of_week'; readonly value: string; readonly timezone?: string }
  | { readonly kind: 'criterion'; readonly name: 'client_certificate'; readonly value: CertificateMatch }
  | { readonly kind: 'criterion'; readonly name: 'time_of_day'; readonly value: TimeOfDayMatch };

export type CriterionName = Criterion['name'];

/** An entry of an operator's list: a criterion, or a nested operator object. */
export type Item = Criterion | Block;

/**
 * A set of operators. Several operators in one block are OR'd:
 * `{and: [X], or: [Y, Z]}` means X or Y or Z. A block without operators, and an
 * operator with an empty list, match nothing (never vacuously true), as in Pomerium.
 */
export interface Block {
  readonly kind: 'block';
  readonly and?: readonly Item[];
  readonly or?: readonly Item[];
  /** True when none of the items match (NOR). */
  readonly not?: readonly Item[];
  /** True when at least one item does not match (NAND). */
  readonly nor?: readonly Item[];
}

/** A rule with neither allow nor deny (`{}`) matches nothing; the parser drops it, as Pomerium does. */
export interface Rule {
  readonly allow?: Block;
  readonly deny?: Block;
}

/** Always a list of rules, whether the source held one rule or a list. */
export interface Policy {
  readonly rules: readonly Rule[];
}

export interface PolicyUser {
  id: string;
  email?: string;
  groups?: string[];
  claims?: Record<string, unknown>;
}

export interface PolicyRequest {
  /** null: the caller is not authenticated. */
  user: PolicyUser | null;
  method?: string;
  path?: string;
  sourceIp?: string;
  /** Header names in any case. */
  headers?: Record<string, string | undefined>;
  /**
   * The client certificate the proxy forwarded: null or absent when none was presented.
   * A function is called at most once, and only when a policy reads the certificate, so
   * callers can defer parsing it.
   */
  clientCertificate?: ClientCertificate | null | (() => ClientCertificate | null);
  /** Defaults to the current time. */
  now?: Date;
}

/** What policies can know about a client certificate (derived from the DER by the caller). */
export interface ClientCertificate {
  /** SHA-256 of the DER certificate, 64 lower-case hex digits; '' when it could not be parsed. */
  fingerprint: string;
  /** base64 SHA-256 of the DER SubjectPublicKeyInfo; '' when it could not be parsed. */
  spkiHash: string;
  sanEmail: readonly string[];
  sanDns: readonly string[];
  sanUri: readonly string[];
  /** Parsed, and within its validity period at the time of the request. */
  valid: boolean;
}

export interface Decision {
  /** allow && !deny */
  allowed: boolean;
  /** Some allow rule matched. */
  allow: boolean;
  /** Some deny rule matched (or could not be ruled out for an anonymous caller). */
  deny: boolean;
  /** What decided, e.g. `allow.and[0] user is "ci@x"`; filled only with `{ explain: true }`. */
  reasons: string[];
}

export interface MultiDecision extends Decision {
  /** Index of the policy that decided: the first that denied, else the first that allowed; null when none matched. */
  policyIndex: number | null;
  /**
   * evaluateCompiled only: epoch ms before which the same request gets the same decision
   * (Infinity when no time criterion was read). See READS for what "the same" means.
   */
  until?: number;
}

export interface EvaluateOptions {
  /** Build human-readable reasons (slower; for the console's policy check, not the hot path). */
  explain?: boolean;
}
