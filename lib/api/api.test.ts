// The REST API's framework pieces that need no database: If-Match parsing, cursors and
// pages, JSON bodies (size, media type, syntax) and problem+json answers.
import { describe, it, expect } from 'vitest';
import { parseIfMatch } from '@/lib/api/http';
import { decodeCursor, encodeCursor, pageOf } from '@/lib/api/paging';
import { readJson } from '@/lib/api/body';
import { ApiProblem, problemFromError, problemResponse } from '@/lib/api/problem';
import { AppError } from '@/lib/dal/errors';

const req = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  new Request('http://localhost/api/v1/x', { method: 'POST', body, headers });
const problemCode = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiProblem);
  return (err as ApiProblem).code;
};

describe('If-Match', () => {
  it('reads *, strong tags, lists; weak and malformed tags match nothing', () => {
    expect(parseIfMatch(null)).toBeUndefined();
    expect(parseIfMatch('*')).toBe('*');
    expect(parseIfMatch('"a"')).toEqual(['a']);
    expect(parseIfMatch('"a", "b"')).toEqual(['a', 'b']);
    expect(parseIfMatch('W/"a"')).toEqual([]);
    expect(parseIfMatch('a')).toEqual([]);
  });
});

describe('cursor pages', () => {
  const items = ['d', 'a', 'c', 'b', 'e'].map((id) => ({ id }));
  it('walk a list in key order, each item once, and end with a null cursor', () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = pageOf(items, (x) => x.id, 2, cursor);
      seen.push(...page.items.map((x) => x.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
  it('cursors are opaque base64url and refuse what this API did not make', () => {
    const c = encodeCursor('some-id');
    expect(c).toMatch(/^[\w-]+$/);
    expect(decodeCursor(c)).toBe('some-id');
    expect(decodeCursor(undefined)).toBeUndefined();
    expect(() => decodeCursor('%%%')).toThrow(ApiProblem);
    expect(() => decodeCursor(Buffer.from('{"x":1}').toString('base64url'))).toThrow(ApiProblem);
  });
});

describe('JSON bodies', () => {
  it('parse JSON, refuse bad syntax (400), other media types (415) and oversized bodies (413)', async () => {
    expect(await readJson(req('{"a":1}'))).toEqual({ a: 1 });
    expect(await readJson(req('{"a":1}', { 'content-type': 'application/merge-patch+json' }))).toEqual({ a: 1 });
    expect(await problemCode(readJson(req('{"a":')))).toBe('invalid');
    expect(await problemCode(readJson(req('a=1', { 'content-type': 'text/plain' })))).toBe('unsupported_media_type');
    expect(await problemCode(readJson(req('x'.repeat(2000)), { max: 1000 }))).toBe('too_large');
    expect(await problemCode(readJson(req('')))).toBe('invalid');
    expect(await readJson(req(''), { optional: true })).toEqual({});
  });
});

describe('problems', () => {
  it('carry the RFC 9457 members, a type per code, and never internals', async () => {
    const res = problemFromError(new AppError('conflict', 'Taken.', { name: ['Taken.'] }), {
      method: 'POST',
      path: '/x',
    });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toEqual({
      type: 'https://postern.dev/problems/conflict',
      title: 'Conflict',
      status: 409,
      detail: 'Taken.',
      errors: { name: ['Taken.'] },
    });
    const internal = problemFromError(new Error('SELECT * FROM secrets'), { method: 'GET', path: '/x' });
    expect(internal.status).toBe(500);
    expect(await internal.text()).not.toContain('SELECT');
    expect(problemResponse('unauthorized', 'x').headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(problemFromError(new AppError('precondition_failed', 'stale'), { method: 'PATCH', path: '/x' }).status).toBe(
      412,
    );
  });
});
