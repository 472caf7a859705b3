import 'server-only';
import { verifyEngine, type TokenError } from '@/lib/verify/engine';
import { config } from '@/lib/config';
import { log } from '@/lib/log';

const NO_STORE = 'no-store';

function json(status: number, body: unknown, headers: Record<string, string> = {}, head = false): Response {
  return new Response(head ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': NO_STORE, ...headers },
  });
}

const unauthenticated = (error: TokenError, head: boolean) =>
  json(401, { error }, { 'www-authenticate': 'Pomerium' }, head);

/**
 * The forward-auth answer for nginx auth_request, Envoy ext_authz (HTTP), Traefik
 * forwardAuth and Caddy forward_auth: 200 with identity headers, 401, 403, or 503 when
 * it cannot decide. Never a 5xx for anything a client sends.
 */
export async function handleVerify(req: Request): Promise<Response> {
  const head = req.method === 'HEAD';
  try {
    const headers = req.headers;
    const checked = await verifyEngine.check((name) => headers.get(name));
    if (!checked.ok) {
      return checked.status === 401
        ? unauthenticated(checked.error, head)
        : json(503, { error: 'unavailable' }, { 'retry-after': '5' }, head);
    }
    const { account } = checked.identity;
    const audience = headers.get('x-forwarded-host') || config.tokenAudience;
    const assertion = await verifyEngine.assertion(checked.identity, audience);
    const out: Record<string, string> = {
      'x-pomerium-claim-sub': account.userId,
      'x-pomerium-service-account-id': account.id,
      'x-pomerium-jwt-assertion': assertion,
    };
    if (account.email) out['x-pomerium-claim-email'] = account.email;
    if (account.groups.length) out['x-pomerium-claim-groups'] = account.groups.join(',');
    return json(200, {
      status: 'ok', sub: account.userId, service_account_id: account.id,
      email: account.email, groups: account.groups, jwt_assertion: assertion,
    }, out, head);
  } catch (err) {
    log.error({ err: (err as Error)?.message }, 'verify failed unexpectedly; failing closed');
    return json(503, { error: 'unavailable' }, { 'retry-after': '5' }, head);
  }
}
