// A verifier's copy of the console's state: the store its verify engine reads (all in
// memory, so a decision never leaves the process) and the freshness it answers by.
import { compactDecrypt, exportJWK, generateKeyPair, type JWK } from 'jose';
import { importSigningKey, importVerifyKey, toJwks, type Signer } from '@/lib/tokens';
import type { Freshness } from '@/lib/verify/engine';
import { changed } from '@/lib/verify/invalidate';
import type { AccountState, ChangeScope, FederationData, RouteTableData, VerifyStore } from '@/lib/verify/types';
import type { Delta, KeysPayload, Snapshot } from '@/lib/verifier/protocol';
import type { UsageRecord } from '@/lib/verify/usage';

const EMPTY_ROUTES: RouteTableData = { namespaces: [], routes: [], policies: [] };

interface Keys {
  verify: Map<string, CryptoKey>;
  signer: Signer;
  jwks: string;
}

export class Replica implements VerifyStore, Freshness {
  version: bigint | null = null;
  lastHeard = 0;
  /** The console's public URL, from the snapshot. */
  issuer = '';
  private accounts = new Map<string, AccountState>();
  private routes: RouteTableData = EMPTY_ROUTES;
  private keys: Keys | null = null;

  /**
   * @param maxStalenessMs how long it keeps deciding from memory without hearing from the console
   * @param decryptionKey the private half of the ECDH key the signing key is sealed to
   * @param sendAccessed hands the ids of used accounts, and their requests per hour and route, to the console
   */
  constructor(
    private readonly maxStalenessMs: number,
    private readonly decryptionKey: CryptoKey,
    private readonly sendAccessed: (ids: string[], usage: UsageRecord[]) => Promise<void>,
  ) {}

  // ── Freshness ──
  fresh(): boolean {
    return this.version !== null && Date.now() - this.lastHeard < this.maxStalenessMs;
  }

  /** Nothing to start: the sync client runs on its own; until it has a snapshot, answers are 503. */
  start(): Promise<void> {
    return Promise.resolve();
  }

  /** Why it is not ready, for /readyz; null when ready. */
  notReadyReason(): string | null {
    if (this.version === null) return 'no snapshot from the console yet';
    if (!this.fresh()) return `no word from the console for ${Math.round((Date.now() - this.lastHeard) / 1000)} s`;
    return null;
  }

  heard(): void {
    this.lastHeard = Date.now();
  }

  // ── Applying what the console sends ──
  /**
   * A snapshot taken in as it arrives (lib/verifier/protocol.ts readSnapshot): accounts go
   * into a new map one by one; nothing changes until `commit`, so a snapshot that breaks
   * off midway leaves the replica as it was.
   */
  snapshotLoader(): { add(account: AccountState): void; commit(head: Omit<Snapshot, 'accounts'>): Promise<void> } {
    // JSON.parse makes a string per occurrence: share each namespace id (100,000 accounts
    // sit in a few namespaces) and the empty group list.
    const ns = new Map<string, string>();
    const none: string[] = [];
    const accounts = new Map<string, AccountState>();
    return {
      add(a) {
        let id = ns.get(a.namespaceId);
        if (id === undefined) ns.set(a.namespaceId, (id = a.namespaceId));
        a.namespaceId = id;
        if (a.groups.length === 0) a.groups = none;
        accounts.set(a.id, a);
      },
      commit: async (head) => {
        const keys = await this.openKeys(head.keys);
        this.accounts = accounts;
        this.routes = head.routes;
        this.keys = keys;
        this.issuer = head.issuer;
        this.version = BigInt(head.version);
        this.heard();
        changed(['all']);
      },
    };
  }

  async applySnapshot(s: Snapshot): Promise<void> {
    const loader = this.snapshotLoader();
    for (const a of s.accounts) loader.add(a);
    await loader.commit(s);
  }

  async applyDelta(d: Delta): Promise<void> {
    const scopes: ChangeScope[] = [];
    const keys = d.keys ? await this.openKeys(d.keys) : null;
    if (d.accounts) {
      for (const a of d.accounts.upsert) this.accounts.set(a.id, a);
      for (const id of d.accounts.remove) this.accounts.delete(id);
      scopes.push('accounts');
    }
    if (d.routes) {
      this.routes = d.routes;
      scopes.push('routes');
    }
    if (keys) {
      this.keys = keys;
      scopes.push('keys');
    }
    this.version = BigInt(d.version);
    this.heard();
    if (scopes.length) changed(scopes);
  }

  private async openKeys(k: KeysPayload): Promise<Keys> {
    const { plaintext } = await compactDecrypt(k.signer, this.decryptionKey);
    const { kid, privateJwk } = JSON.parse(new TextDecoder().decode(plaintext)) as { kid: string; privateJwk: JWK };
    const verify = new Map<string, CryptoKey>();
    for (const jwk of k.publicJwks) if (jwk.kid) verify.set(jwk.kid, await importVerifyKey(jwk));
    return {
      verify,
      signer: { kid, key: await importSigningKey(privateJwk) },
      jwks: JSON.stringify(toJwks(k.publicJwks)),
    };
  }

  /** The JWKS document as the console serves it, or null before the first snapshot. */
  jwks(): string | null {
    return this.keys?.jwks ?? null;
  }

  // ── VerifyStore ──
  loadAccountState(id: string): Promise<AccountState | null> {
    return Promise.resolve(this.accounts.get(id) ?? null);
  }

  loadRouteTable(): Promise<RouteTableData> {
    return Promise.resolve(this.routes);
  }

  loadVerifyKeys(): Promise<Map<string, CryptoKey>> {
    return this.keys ? Promise.resolve(this.keys.verify) : Promise.reject(new Error('no keys yet'));
  }

  loadSigner(): Promise<Signer> {
    return this.keys ? Promise.resolve(this.keys.signer) : Promise.reject(new Error('no keys yet'));
  }

  /**
   * None: the console does not send trusted issuers or trust rules to verifiers (yet), so a
   * verifier refuses every external token, even on a route that accepts them (fail closed).
   */
  loadFederation(): Promise<FederationData> {
    return Promise.resolve({ issuers: [], rules: [] });
  }

  recordAccessed(ids: string[], _at: Date, usage: UsageRecord[]): Promise<void> {
    return this.sendAccessed(ids, usage);
  }

  /** For a decryption key to seal to: generated per process, never stored or sent. */
  static async decryptionKeyPair(): Promise<{ privateKey: CryptoKey; publicJwk: JWK }> {
    const { privateKey, publicKey } = await generateKeyPair('ECDH-ES', { crv: 'P-256' });
    const publicJwk = await exportJWK(publicKey);
    return { privateKey, publicJwk: { kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x, y: publicJwk.y } };
  }
}
