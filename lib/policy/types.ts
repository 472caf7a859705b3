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

export type BooleanCriterionName = 'accept' | 'reject' | 'authenticated_user' | 'cors_preflight';
export type StringCriterionName = 'user' | 'email' | 'domain' | 'http_method' | 'http_path';

export type Criterion =
  | { readonly kind: 'criterion'; readonly name: BooleanCriterionName; readonly value: true }
  | { readonly kind: 'criterion'; readonly name: StringCriterionName; readonly value: StringMatch }
  | { readonly kind: 'criterion'; readonly name: 'groups'; readonly value: ListMatch }
  | { readonly kind: 'criterion'; readonly name: 'claim'; readonly key: string; readonly value: ListMatch }
  /** IP addresses or CIDR ranges; the criterion holds when the source is in any of them. */
  | { readonly kind: 'criterion'; readonly name: 'source_ip'; readonly value: readonly string[] }
  | { readonly kind: 'criterion'; readonly name: 'date'; readonly value: DateMatch }
  /** Normalized day list: lower case, no spaces, e.g. `mon-fri`, `mon,wed`, `*`. */
  | { readonly kind: 'criterion'; readonly name: 'day_of_week'; readonly value: string }
  | { readonly kind: 'criterion'; readonly name: 'time_of_day'; readonly value: TimeOfDayMatch };

export type CriterionName = Criterion['name'];

/** An entry of an operator's list: a criterion, or a nested operator object. */
export type Item = Criterion | Block;

/**
 * A set of operators. Several operators in one block are OR'd:
 * `{and: [X], or: [Y, Z]}` means X or Y or Z.
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
  /** Defaults to the current time. */
  now?: Date;
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
}

export interface EvaluateOptions {
  /** Build human-readable reasons (slower; for the console's policy check, not the hot path). */
  explain?: boolean;
}
