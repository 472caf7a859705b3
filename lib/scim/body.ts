// Request bodies: JSON only, at most 1 MB, never buffered beyond that. The declared
// Content-Length is checked first, then the bytes actually read (a client may omit or
// understate it).
import { badRequest, ScimError } from '@/lib/scim/errors';

export const MAX_BODY_BYTES = 1024 * 1024;

const tooLarge = () => new ScimError(413, `The request body exceeds ${MAX_BODY_BYTES} bytes.`);

export async function readScimJson(req: Request, limit = MAX_BODY_BYTES): Promise<unknown> {
  const type = req.headers.get('content-type');
  const mediaType = type?.split(';')[0]?.trim().toLowerCase();
  if (mediaType && mediaType !== 'application/scim+json' && mediaType !== 'application/json') {
    throw new ScimError(415, 'Send the body as application/scim+json or application/json.');
  }
  const declared = req.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) throw tooLarge();
  if (!req.body) throw badRequest('invalidSyntax', 'The request body is empty.');
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw badRequest('invalidSyntax', 'The request body is not valid UTF-8.');
  }
  if (!text.trim()) throw badRequest('invalidSyntax', 'The request body is empty.');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('invalidSyntax', 'The request body is not valid JSON.');
  }
}
