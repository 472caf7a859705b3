import 'server-only';
import { getDatabase } from '@/lib/db';

/** True when the database answers within 2 s. No caller check: it reveals nothing. */
export async function checkDatabase(): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), 2000);
  });
  try {
    return await Promise.race([
      getDatabase()
        .then((db) => db.ping())
        .then(() => true as const),
      timeout,
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
