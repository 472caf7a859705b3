// Request bodies read with a cap: the declared Content-Length is checked before a byte is
// read, then the bytes actually received (a client may omit or understate it, or send
// chunks), and reading stops at the first byte past the cap. A body is never buffered
// beyond its limit, whatever the client claims. Every route handler that reads a body
// goes through here (SCIM, token exchange, verifier reports); the limits are listed in
// the README (Operations → Limits).

export type CappedBody = { ok: true; bytes: Buffer } | { ok: false; limit: number };

/** True when the client declared a body larger than `limit` (no byte need be read to refuse it). */
export function declaredTooLarge(headers: Headers, limit: number): boolean {
  const declared = headers.get('content-length');
  if (declared === null) return false;
  const n = Number(declared);
  return !Number.isFinite(n) || n > limit;
}

/** The body's bytes, or `{ ok: false }` as soon as it passes `limit` bytes (the rest is not read). */
export async function readCappedBody(req: Request, limit: number): Promise<CappedBody> {
  if (declaredTooLarge(req.headers, limit)) {
    await req.body?.cancel().catch(() => undefined);
    return { ok: false, limit };
  }
  if (!req.body) return { ok: true, bytes: Buffer.alloc(0) };
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      return { ok: false, limit };
    }
    chunks.push(value);
  }
  return { ok: true, bytes: Buffer.concat(chunks, total) };
}

/** A size in words for messages: 16 KB, 1 MB. */
export function sizeInWords(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}
