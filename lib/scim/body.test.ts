import { describe, it, expect } from 'vitest';
import { MAX_BODY_BYTES, readScimJson } from '@/lib/scim/body';
import type { ScimError } from '@/lib/scim/errors';

const req = (body: BodyInit | null, headers: Record<string, string> = { 'content-type': 'application/scim+json' }) =>
  new Request('http://x.test/scim/v2/Users', {
    method: 'POST',
    body,
    headers,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: ScimError) => e,
  );

describe('reading SCIM bodies', () => {
  it('accepts application/scim+json and application/json', async () => {
    expect(await readScimJson(req('{"a":1}'))).toEqual({ a: 1 });
    expect(await readScimJson(req('{"a":1}', { 'content-type': 'application/json; charset=utf-8' }))).toEqual({ a: 1 });
  });

  it('refuses other media types, empty and malformed bodies', async () => {
    expect((await failure(readScimJson(req('{}', { 'content-type': 'text/plain' })))).status).toBe(415);
    expect(await failure(readScimJson(req('')))).toMatchObject({ status: 400, scimType: 'invalidSyntax' });
    expect(await failure(readScimJson(req('{"a":')))).toMatchObject({ status: 400, scimType: 'invalidSyntax' });
    expect(await failure(readScimJson(req(new Uint8Array([0x7b, 0xff, 0x7d]))))).toMatchObject({ status: 400 });
  });

  it('refuses a declared length over 1 MB without reading', async () => {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled++;
        c.enqueue(new Uint8Array(1024));
      },
    });
    const e = await failure(
      readScimJson(
        req(stream, { 'content-type': 'application/scim+json', 'content-length': String(MAX_BODY_BYTES + 1) }),
      ),
    );
    expect(e.status).toBe(413);
    expect(pulled).toBeLessThanOrEqual(1);
  });

  it('stops reading an endless body just past 1 MB', async () => {
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        sent += 64 * 1024;
        c.enqueue(new Uint8Array(64 * 1024).fill(0x20));
      },
    });
    const e = await failure(readScimJson(req(stream)));
    expect(e.status).toBe(413);
    expect(sent).toBeLessThan(MAX_BODY_BYTES + 4 * 64 * 1024);
  });
});
