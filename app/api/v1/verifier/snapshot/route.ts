// GET /api/v1/verifier/snapshot: everything a verifier needs to decide (accounts, routes, policies, keys; the signing key sealed to the verifier's key).
import { loadSnapshot } from '@/lib/dal/verifier-feed';
import { recordVerifierContact } from '@/lib/dal/verifiers';
import { verifierRoute } from '@/lib/http/verifier';

export const dynamic = 'force-dynamic';

export const GET = verifierRoute(
  'GET /api/v1/verifier/snapshot',
  async (_req, v) => {
    const snapshot = await loadSnapshot(v.key!);
    void recordVerifierContact(v.caller, BigInt(snapshot.version), v.address, true);
    return new Response(JSON.stringify(snapshot), {
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    });
  },
  { needsKey: true },
);
