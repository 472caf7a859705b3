import 'server-only';
// The verify endpoints as Next.js route handlers: a thin adapter from Request/Response to
// the decision core (lib/verify/core.ts) that the verifier serves too.
import { requestClientAddress } from '@/lib/net/client-address';
import { EXT_AUTHZ_PATH_HEADER, PEER_HEADER } from '@/lib/net/request-stamp';
import { log } from '@/lib/log';
import {
  unknownEndpoint,
  verifyBodyRefusal,
  verifyRequest,
  type VerifyEndpoint,
  type VerifyOutput,
} from '@/lib/verify/core';
import { verifyEngine } from '@/lib/verify/console';

const toResponse = (out: VerifyOutput) => new Response(out.body, { status: out.status, headers: out.headers });

/** One endpoint's handler. */
export function verifyHandler(endpoint: VerifyEndpoint): (req: Request) => Promise<Response> {
  return async (req) => {
    const get = (name: string) => req.headers.get(name);
    const oversize = verifyBodyRefusal(get('content-length'), req.method === 'HEAD');
    if (oversize) return toResponse(oversize);
    // Envoy's original path, moved out of the URL by the request stamp; trusted only when
    // the stamp ran on this request (it also removes a client-sent copy).
    const suffix = endpoint === 'ext-authz' && get(PEER_HEADER) !== null ? get(EXT_AUTHZ_PATH_HEADER) : null;
    return toResponse(
      await verifyRequest(
        verifyEngine,
        { endpoint, method: req.method, get, suffix, clientAddress: requestClientAddress(get) },
        log,
      ),
    );
  };
}

/** Any path under /api/v1/verify that is not an endpoint. */
export const unknownVerifyEndpoint = async (req: Request) => toResponse(unknownEndpoint(req.method === 'HEAD'));

/** The same handler for every method, as a route file exports them. */
export function allMethods(handle: (req: Request) => Promise<Response>) {
  return { GET: handle, POST: handle, PUT: handle, PATCH: handle, DELETE: handle, HEAD: handle, OPTIONS: handle };
}
