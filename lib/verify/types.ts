// The data a decision needs, as the verify engine reads it from its store: the console's
// database (lib/dal/verify-store.ts) or a verifier's in-memory replica (lib/verifier/replica.ts).
import type { Signer } from '@/lib/tokens';
import type { UsageRecord } from '@/lib/verify/usage';

/** One service account as the verify path sees it. */
export interface AccountState {
  id: string;
  userId: string;
  namespaceId: string;
  disabled: boolean;
  expiresAt: number | null; // epoch ms
  email: string | null;
  groups: string[];
  /** The current token generation; a token of the one before verifies until `previousValidUntil`. */
  generation: number;
  /** Epoch ms when the previous generation stops verifying (the rotation's grace); null: it does not. */
  previousValidUntil: number | null;
}

export interface RouteTableData {
  namespaces: { id: string; parentId: string | null }[];
  routes: {
    id: string;
    namespaceId: string;
    host: string;
    pathPrefix: string;
    policyIds: string[];
    /** A CI platform's token may be presented directly (lib/verify/external.ts); absent: false. */
    acceptExternalTokens?: boolean;
  }[];
  policies: {
    id: string;
    namespaceId: string;
    name: string;
    enforced: boolean;
    ppl: string;
    explanation: string;
    remediation: string;
  }[];
}

/**
 * Trusted issuers and the trust rules naming them, for tokens presented directly to a
 * route that accepts them. Only rules whose issuer is trusted in the account's namespace
 * or an ancestor (the exchange's rule, lib/dal/token-exchange.ts).
 */
export interface FederationData {
  issuers: {
    id: string;
    namespaceId: string;
    name: string;
    issuerUrl: string;
    audience: string;
    jwksUrl: string | null;
  }[];
  rules: { id: string; issuerId: string; serviceAccountId: string; accountNamespaceId: string; conditions: unknown }[];
}

/**
 * What a change touched, so caches drop only what it made stale: `accounts` (accounts and
 * the directory users they impersonate), `routes` (routes, policies, namespaces), `keys`
 * (signing keys), or `all`.
 */
export type ChangeScope = 'accounts' | 'routes' | 'keys' | 'all';

/** Where the engine reads from. Every method may reject when the source is unreachable. */
export interface VerifyStore {
  loadAccountState(id: string): Promise<AccountState | null>;
  loadRouteTable(): Promise<RouteTableData>;
  /** Public keys of every signing key that still verifies, by kid. */
  loadVerifyKeys(): Promise<Map<string, CryptoKey>>;
  /** The key assertions for upstreams are signed with. */
  loadSigner(): Promise<Signer>;
  /** Trusted issuers and trust rules; a store that cannot take external tokens returns none (fail closed). */
  loadFederation(): Promise<FederationData>;
  /** The ids of accounts used since the last call, and their requests per hour and route. */
  recordAccessed(ids: string[], at: Date, usage: UsageRecord[]): Promise<void>;
}

/** The minimal logger the verify path writes to (pino fits). */
export interface EngineLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
