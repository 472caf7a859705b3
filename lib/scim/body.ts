// Request bodies: JSON only, at most 1 MB, never buffered beyond that. The declared
// Content-Length is checked first, then the bytes actually read (a client may omit or
// understate it).
import { readCappedBody, sizeInWords } from '@/lib/http/body';
import { badRequest, ScimError } from '@/lib/scim/errors';

export const MAX_BODY_BYTES = 1024 * 1024;

const tooLarge = (limit: number) => new ScimError(413, `The request body exceeds ${sizeInWords(limit)}.`);

export async function readScimJson(req: Request, limit = MAX_BODY_BYTES): Promise<unknown> {
  const type = req.headers.get('content-type');
  const mediaType = type?.split(';')[0]?.trim().toLowerCase();
  if (mediaType && mediaType !== 'application/scim+json' && mediaType !== 'application/json') {
    throw new ScimError(415, 'Send the body as application/scim+json or application/json.');
  }
  const body = await readCappedBody(req, limit);
  if (!body.ok) throw tooLarge(limit);
  if (!body.bytes.length) throw badRequest('invalidSyntax', 'The request body is empty.');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body.bytes);
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
