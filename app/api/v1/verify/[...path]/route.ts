// ANY /api/v1/verify/<anything else>: not an endpoint. Older proxy configurations that appended a path here fail closed with 404.
const handle = (req: Request) =>
  new Response(
    req.method === 'HEAD'
      ? null
      : JSON.stringify({
          error: 'unknown_endpoint',
          detail:
            'Proxies call /api/v1/verify/forward-auth, /api/v1/verify/auth-request or /api/v1/verify/ext-authz/<path>.',
        }),
    { status: 404, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } },
  );

export const dynamic = 'force-dynamic';

export {
  handle as GET,
  handle as POST,
  handle as PUT,
  handle as PATCH,
  handle as DELETE,
  handle as HEAD,
  handle as OPTIONS,
};
