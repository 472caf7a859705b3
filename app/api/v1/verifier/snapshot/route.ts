// GET /api/v1/verifier/snapshot: everything a verifier needs to decide (accounts, routes, policies, keys; the signing key sealed to the verifier's key).
import { loadSnapshotText } from '@/lib/dal/verifier-feed';
import { recordVerifierContact } from '@/lib/dal/verifiers';
import { verifierRoute } from '@/lib/http/verifier';
import { SNAPSHOT_CONTENT_TYPE } from '@/lib/verifier/protocol';

export const dynamic = 'force-dynamic';

export const GET = verifierRoute(
  'GET /api/v1/verifier/snapshot',
  async (_req, v) => {
    const { version, text } = await loadSnapshotText(v.key!);
    void recordVerifierContact(v.caller, version, v.address, true);
    return new Response(text, {
      headers: { 'content-type': SNAPSHOT_CONTENT_TYPE, 'cache-control': 'no-store' },
    });
  },
  { needsKey: true },
);
