// A VerifyEngine over an in-memory store: one signing key, one service account and its
// token, and whatever route table and freshness the caller gives. For unit tests of the
// decision core and for bench/core.ts, which must build the same thing.
import { generateSigningKey, importSigningKey, importVerifyKey, mintServiceAccountToken } from '@/lib/tokens';
import { VerifyEngine, type Freshness } from '@/lib/verify/engine';
import type { AccountState, RouteTableData, VerifyStore } from '@/lib/verify/types';

export const quietLog = { warn() {}, error() {} };

export const ISSUER = 'https://p.test';

/** A service account in the global namespace, current generation 1. */
export function memoryAccount(id: string, userId: string): AccountState {
  return {
    id,
    userId,
    namespaceId: 'global',
    disabled: false,
    expiresAt: null,
    email: null,
    groups: [],
    generation: 1,
    previousValidUntil: null,
  };
}

export async function memoryEngine(o: {
  account: AccountState;
  freshness: Freshness;
  /** Default: the account by its id, nothing else. */
  loadAccountState?: VerifyStore['loadAccountState'];
  routes?: RouteTableData;
}): Promise<{ engine: VerifyEngine; token: string; mint: (account: AccountState) => Promise<string> }> {
  const key = await generateSigningKey();
  const signer = { kid: key.kid, key: await importSigningKey(key.privateJwk) };
  const store: VerifyStore = {
    loadAccountState: o.loadAccountState ?? (async (id) => (id === o.account.id ? o.account : null)),
    loadRouteTable: async () => o.routes ?? { namespaces: [], routes: [], policies: [] },
    loadVerifyKeys: async () => new Map([[key.kid, await importVerifyKey(key.publicJwk)]]),
    loadSigner: async () => signer,
    loadFederation: async () => ({ issuers: [], rules: [] }),
    recordAccessed: async () => {},
  };
  const engine = new VerifyEngine({
    store,
    freshness: o.freshness,
    issuer: () => ISSUER,
    audience: 'postern',
    log: quietLog,
  });
  /** A token of `account`, signed by the engine's key. */
  const mint = (account: AccountState) =>
    mintServiceAccountToken({
      signer,
      issuer: ISSUER,
      audience: 'postern',
      subject: account.userId,
      accountId: account.id,
      generation: account.generation,
    });
  return { engine, token: await mint(o.account), mint };
}
