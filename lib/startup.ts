import 'server-only';
import { config } from '@/lib/config';
import { getDatabase } from '@/lib/db';
import { ensureAdminFromEnv, issueSetupCode } from '@/lib/dal/users';
import { log } from '@/lib/log';
import { startExpiryWebhook } from '@/lib/jobs/expiry-webhook';
import { startAutoDisable } from '@/lib/jobs/auto-disable';
import { startUsagePruning } from '@/lib/jobs/usage-prune';
import { startExpiryEmail } from '@/lib/jobs/expiry-email';
import { followOtherInstances } from '@/lib/verify/console';
import { startConsoleObservability } from '@/lib/observe/console';

export async function startup() {
  try {
    const db = await getDatabase();
    log.info({ database: db.kind, dataDir: db.kind === 'pglite' ? config.dataDir : undefined }, 'database ready');
    await ensureAdminFromEnv(config.adminEmail, config.adminPassword);
    // Without an administrator (and none from ADMIN_EMAIL): a one-time code for the setup page.
    await issueSetupCode();
    startConsoleObservability();
    startExpiryWebhook({ url: process.env.EXPIRY_WEBHOOK_URL });
    startAutoDisable();
    startUsagePruning();
    startExpiryEmail();
    await followOtherInstances();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // Plain stderr as well as the log: this is the line a newcomer has to read.
    console.error(`\nPostern cannot start: ${message}\n`);
    log.fatal({ err: message }, 'startup failed');
    process.exit(1);
  }
}
