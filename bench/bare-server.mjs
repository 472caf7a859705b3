#!/usr/bin/env node
// The "bare ES256 verify per request" reference for bench/verify.mjs: a plain node:http
// server that does nothing but the signature check, with no cache, no framework and no
// database. It tells how much of the app's verify cost is the crypto itself.
//
// With BARE_CACHE=1 ("bare-cached") it keeps verified tokens in an LRU (checking `exp` on
// every hit), as the verifier does: the floor a node:http verifier can hope to reach,
// against which the verifier is held (goal >= 0.5x).
//
//   JWKS_URL=http://127.0.0.1:3000/.well-known/pomerium/jwks.json [BARE_CACHE=1] node bench/bare-server.mjs
//
// It listens on 127.0.0.1 on PORT (default: any free port) and prints one line,
// `LISTENING <port>`, on stdout once ready, so the parent knows where to send load.
import http from 'node:http';
import { importJWK, jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';

const jwksUrl = process.env.JWKS_URL;
if (!jwksUrl) {
  console.error('bare-server: JWKS_URL is required');
  process.exit(2);
}

// Fetched and imported once at start: the app also keeps imported keys in memory, so
// per-request key import would make the reference unfairly slow.
const res = await fetch(jwksUrl);
if (!res.ok) {
  console.error(`bare-server: ${jwksUrl} answered ${res.status}`);
  process.exit(1);
}
const { keys: jwks } = await res.json();
const keys = new Map();
for (const jwk of jwks ?? []) keys.set(jwk.kid, await importJWK(jwk, 'ES256'));
if (!keys.size) {
  console.error('bare-server: the JWKS holds no key');
  process.exit(1);
}
// jose calls this with the token's protected header: pick the key by kid, like the app.
const keyFor = (header) => {
  const key = keys.get(header.kid);
  if (!key) throw new Error('unknown kid');
  return key;
};

const cache = process.env.BARE_CACHE === '1' ? new LRUCache({ max: 20_000 }) : null;

const PREFIX = 'pomerium ';
const body401 = '{"error":"invalid_token"}';

const server = http.createServer(async (req, res) => {
  const auth = req.headers.authorization;
  // `Authorization: Pomerium <jwt>` only; the app accepts more forms, the reference need not.
  const token =
    auth && auth.length > PREFIX.length && auth.slice(0, PREFIX.length).toLowerCase() === PREFIX
      ? auth.slice(PREFIX.length).trim()
      : '';
  let status = 401;
  let body = body401;
  const hit = token ? cache?.get(token) : undefined;
  if (hit && (hit.exp === undefined || hit.exp * 1000 > Date.now())) {
    status = 200;
    body = JSON.stringify({ status: 'ok', sub: hit.sub });
  } else if (token) {
    try {
      // The same check the app does on a cache miss; without BARE_CACHE, on every request.
      const { payload } = await jwtVerify(token, keyFor, { algorithms: ['ES256'], audience: 'postern' });
      cache?.set(token, payload);
      status = 200;
      body = JSON.stringify({ status: 'ok', sub: payload.sub });
    } catch {
      // Any failure is a 401, as in the app.
    }
  }
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(body);
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`LISTENING ${server.address().port}`);
});

// Nothing to flush: exit at once, even with keep-alive connections still open.
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(0));
