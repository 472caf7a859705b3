// POST /api/v1/token: OAuth 2.0 Token Exchange (RFC 8693): a CI job's platform token for a short-lived service-account token.
import { log as baseLog } from '@/lib/log';
import { readCappedBody, sizeInWords } from '@/lib/http/body';
import { exchangeToken } from '@/lib/dal/token-exchange';
import { requestClientAddress } from '@/lib/net/client-address';
import { RateLimit } from '@/lib/net/rate-limit';
import { ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT, tokenExchangeRequestSchema } from '@/lib/schemas/token-exchange';

export const dynamic = 'force-dynamic';

const log = baseLog.child({ component: 'token-exchange' });
const MAX_BODY_BYTES = 16 * 1024;
// Per client address: a burst of 20, then one every 2 s. Each request may fetch an
// issuer's keys and sign a token; a CI fleet behind one NAT asks once per job.
const limit = new RateLimit(20, 0.5);

type OAuthError =
  | 'invalid_request'
  | 'invalid_grant'
  | 'unsupported_grant_type'
  | 'invalid_target'
  | 'temporarily_unavailable';

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

/** RFC 6749 §5.2: `{error, error_description}` as JSON, never cached. */
function oauthError(status: number, error: OAuthError, description: string, headers: Record<string, string> = {}) {
  return Response.json({ error, error_description: description }, { status, headers: { ...NO_STORE, ...headers } });
}

export async function POST(req: Request): Promise<Response> {
  const address = requestClientAddress((n) => req.headers.get(n));
  const wait = limit.take(address ?? 'unknown');
  if (wait > 0) {
    log.warn({ address }, 'token exchange refused: too many requests from this address');
    return oauthError(429, 'temporarily_unavailable', 'Too many token requests from this address. Slow down.', {
      'retry-after': String(Math.ceil(wait / 1000)),
    });
  }

  const type = req.headers.get('content-type') ?? '';
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type))
    return oauthError(
      400,
      'invalid_request',
      'Send the parameters as application/x-www-form-urlencoded (RFC 8693 §2.1).',
    );
  const body = await readCappedBody(req, MAX_BODY_BYTES);
  if (!body.ok)
    return oauthError(413, 'invalid_request', `The request body is larger than ${sizeInWords(MAX_BODY_BYTES)}.`);
  const form = new URLSearchParams(body.bytes.toString('utf8'));
  const params: Record<string, string> = {};
  for (const [k, v] of form) {
    // RFC 6749 §3.2: parameters must not be repeated.
    if (k in params) return oauthError(400, 'invalid_request', `The parameter ${k.slice(0, 64)} is repeated.`);
    params[k] = v;
  }
  if (params.grant_type === undefined) return oauthError(400, 'invalid_request', 'grant_type is required.');
  if (params.grant_type !== TOKEN_EXCHANGE_GRANT)
    return oauthError(400, 'unsupported_grant_type', `Only ${TOKEN_EXCHANGE_GRANT} is supported.`);
  if (params.resource !== undefined)
    return oauthError(
      400,
      'invalid_target',
      'Name the service account with audience=<service account id>, not resource.',
    );
  if (params.actor_token !== undefined || params.actor_token_type !== undefined)
    return oauthError(400, 'invalid_request', 'Delegation (actor_token) is not supported.');
  const parsed = tokenExchangeRequestSchema.safeParse(params);
  if (!parsed.success) return oauthError(400, 'invalid_request', parsed.error.issues[0]!.message);
  const input = parsed.data;

  let result: Awaited<ReturnType<typeof exchangeToken>>;
  try {
    result = await exchangeToken({ subjectToken: input.subject_token, accountId: input.audience, address });
  } catch (err) {
    log.error({ err, account: input.audience, address }, 'token exchange failed unexpectedly');
    return oauthError(503, 'temporarily_unavailable', 'The token could not be issued. Try again later.', {
      'retry-after': '30',
    });
  }
  const context = { issuer: result.issuer, subject: result.subject, account: result.accountId, address };
  if (!result.ok) {
    log.warn({ ...context, reason: result.reason, detail: result.detail }, 'token exchange refused');
    return oauthError(
      result.status,
      result.error,
      result.description,
      result.status === 401 ? { 'www-authenticate': `Bearer error="${result.error}"` } : { 'retry-after': '30' },
    );
  }
  log.info({ ...context, rule: result.ruleId, expiresIn: result.expiresIn }, 'token exchanged');
  return Response.json(
    {
      access_token: result.accessToken,
      issued_token_type: input.requested_token_type ?? ACCESS_TOKEN_TYPE,
      // Presented as `Authorization: Pomerium <access_token>` (or X-Pomerium-Authorization).
      token_type: 'Pomerium',
      expires_in: result.expiresIn,
    },
    { headers: NO_STORE },
  );
}
