import 'server-only';
import { config } from '@/lib/config';
import { mintServiceAccountToken } from '@/lib/tokens';
import { verifyEngine } from '@/lib/verify/console';

// The one way a service-account token is issued: creation, rotation and any other issuer.
// It stamps the account's current generation (`gen`), which is what lets a rotation end
// every older token; a token minted elsewhere would escape that.

export interface TokenAccount {
  id: string;
  userId: string;
  /** The account's generation as stored (service_accounts.generation). */
  generation: number;
}

export type IssueAccountToken = (account: TokenAccount, opts: { expiresAt: Date | null; now: Date }) => Promise<string>;

/**
 * Returns the issuer with the active signing key. Call it before opening a transaction: the
 * key may have to be read from the database, and on the embedded database a transaction
 * holds the only connection.
 */
export async function accountTokenIssuer(): Promise<IssueAccountToken> {
  const signer = await verifyEngine.activeSigner();
  return (account, { expiresAt, now }) =>
    mintServiceAccountToken({
      signer,
      issuer: config.publicUrl,
      audience: config.tokenAudience,
      subject: account.userId,
      accountId: account.id,
      generation: account.generation,
      expiresAt,
      now,
    });
}
