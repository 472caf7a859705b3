import 'server-only';
import { getPrisma } from '@/lib/db';
import { about } from '@/lib/dal/audit';
import { mutate } from '@/lib/dal/mutation';
import { allEffectiveRules } from '@/lib/dal/lifetime-rules';
import { auditView, rowSelect } from '@/lib/dal/service-accounts';
import { unusedReason } from '@/lib/schemas/lifetime-rule';

// For the auto-disable job (lib/jobs/auto-disable.ts): a system task, no actor.

const DAY_MS = 86_400_000;
const BATCH = 200;

/**
 * Disables every enabled, unexpired account whose namespace's rule says "unused for N days"
 * and that has not been used for N days: its last use (`accessed_at`), else its creation,
 * whichever is later of that, its last enabling and its last rotation (both restart the
 * clock). Each one is recorded in the Change History by "system", with the reason kept on
 * the account. Safe to run on several instances at once: an account already disabled is
 * skipped, and recorded once. Returns the ids it disabled.
 */
export async function disableUnusedAccounts(now: Date): Promise<string[]> {
  const rules = await allEffectiveRules();
  const byDays = new Map<number, string[]>();
  for (const [namespaceId, rule] of rules) {
    if (rule.disableUnusedDays === null) continue;
    (byDays.get(rule.disableUnusedDays) ?? byDays.set(rule.disableUnusedDays, []).get(rule.disableUnusedDays)!).push(
      namespaceId,
    );
  }
  const prisma = await getPrisma();
  const disabled: string[] = [];
  for (const [days, namespaceIds] of byDays) {
    const cutoff = new Date(now.getTime() - days * DAY_MS);
    const stale = await prisma.$queryRaw<{ id: string }[]>`
      SELECT id::text AS id FROM service_accounts
      WHERE namespace_id = ANY(${namespaceIds}::text[]) AND disabled = false
        AND (expires_at IS NULL OR expires_at > ${now})
        AND GREATEST(COALESCE(accessed_at, issued_at), enabled_at, rotated_at) < ${cutoff}
      ORDER BY id`;
    for (let i = 0; i < stale.length; i += BATCH) {
      const ids = stale.slice(i, i + BATCH).map((r) => r.id);
      disabled.push(...(await disableBatch(ids, days, cutoff)));
    }
  }
  return disabled;
}

async function disableBatch(ids: string[], days: number, cutoff: Date): Promise<string[]> {
  return mutate(async (m) => {
    const done: string[] = [];
    for (const id of ids) {
      const before = await m.tx.serviceAccount.findUnique({ where: { id }, select: rowSelect });
      if (!before) continue;
      // Checked again in the write: used, enabled or rotated since the scan, it stays enabled.
      const count = await m.tx.$executeRaw`
        UPDATE service_accounts
        SET disabled = true, disabled_reason = ${unusedReason(days)}, previous_valid_until = NULL, modified_at = now()
        WHERE id = ${id}::uuid AND disabled = false
          AND GREATEST(COALESCE(accessed_at, issued_at), enabled_at, rotated_at) < ${cutoff}`;
      if (count !== 1) continue;
      const after = await m.tx.serviceAccount.findUniqueOrThrow({ where: { id }, select: rowSelect });
      await m.record(
        'system',
        about('service_account', id, after.namespaceId).updated(auditView(before), auditView(after)),
      );
      done.push(id);
    }
    return done;
  });
}
