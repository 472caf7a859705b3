import 'server-only';
import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import { authorize } from '@/lib/dal/authz';
import { about } from '@/lib/dal/audit';
import { mutate } from '@/lib/dal/mutation';
import { conflict, invalid, notFound } from '@/lib/dal/errors';
import { accountTokenIssuer } from '@/lib/dal/account-tokens';
import { enforceLifetimeRule } from '@/lib/dal/lifetime-rules';
import { auditView, rowSelect, toRow, type ServiceAccountRow } from '@/lib/dal/service-accounts';
import { expiryFor } from '@/lib/schemas/service-account';
import { GRACE_MS, type rotateServiceAccountSchema } from '@/lib/schemas/rotation';
import type { z } from 'zod';

/**
 * Issues the account a new token (the next generation) and keeps the one it replaces valid
 * for the chosen grace, no longer: the verify path accepts the current generation and the
 * one before it until `previousValidUntil` (lib/verify/generation.ts), so at most two tokens
 * work at any time, and a second rotation ends the oldest at once. A revoked account is gone
 * and cannot be rotated; an expired one can (it gets a new expiry: renewal); a disabled one
 * stays disabled. The new token is returned to this caller only, never stored or logged.
 * `now` is the clock (tests pass their own).
 */
export async function rotateServiceAccount(
  actor: Actor | null,
  input: z.output<typeof rotateServiceAccountSchema>,
  { now = new Date() }: { now?: Date } = {},
): Promise<{ account: ServiceAccountRow; token: string }> {
  const found = await (await getPrisma()).serviceAccount.findUnique({
    where: { id: input.id },
    select: { namespaceId: true, directoryUserId: true },
  });
  if (!found) throw notFound('The service account');
  // A token of an impersonating account carries a directory user's identity: as at creation, Admin.
  const role = found.directoryUserId ? 'admin' : 'manager';
  await authorize(actor, found.namespaceId, role);
  const expiresAt = expiryFor(input.expiration, input.customExpiresAt, now);
  if (expiresAt && expiresAt.getTime() <= now.getTime())
    throw invalid('The expiry must lie in the future.', { customExpiresAt: ['The expiry must lie in the future.'] });
  const issue = await accountTokenIssuer();
  return mutate(async (m) => {
    const before = await m.tx.serviceAccount.findUnique({ where: { id: input.id }, select: rowSelect });
    if (!before) throw notFound('The service account');
    const who = await authorize(actor, before.namespaceId, role, m.tx);
    await enforceLifetimeRule(
      m.tx,
      before.namespaceId,
      expiresAt,
      input.expiration === 'custom' ? 'customExpiresAt' : 'expiration',
      now,
    );
    const graceMs = GRACE_MS[input.grace];
    // Only from the generation read above: of two rotations at once, one wins, never two
    // tokens of one generation.
    const { count } = await m.tx.serviceAccount.updateMany({
      where: { id: input.id, generation: before.generation },
      data: {
        generation: before.generation + 1,
        // A disabled account's old token stays dead: disabling ended every grace.
        previousValidUntil: graceMs > 0 && !before.disabled ? new Date(now.getTime() + graceMs) : null,
        rotatedAt: now,
        expiresAt,
      },
    });
    if (count !== 1) throw conflict('Someone else rotated this account at the same time. Reload and try again.');
    const after = await m.tx.serviceAccount.findUniqueOrThrow({ where: { id: input.id }, select: rowSelect });
    await m.record(
      who,
      about('service_account', after.id, after.namespaceId).updated(auditView(before), {
        ...auditView(after),
        rotated: { grace: input.grace, at: now },
      }),
    );
    const token = await issue(after, { expiresAt, now });
    return { account: toRow(after), token };
  });
}
