// The OpenAPI document of /api/v1: generated from the zod schemas, valid OpenAPI 3.1, served
// publicly, and complete: every route handler under app/api/v1 is in it with each method it
// exports (or named in DOCUMENTED_ELSEWHERE with the reason).
import { describe, it, expect } from 'vitest';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { compileErrors, validate } from '@readme/openapi-parser';
import { DOCUMENTED_ELSEWHERE, openApiDocument } from '@/lib/api/openapi';

const ROOT = path.join(process.cwd(), 'app', 'api', 'v1');
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** Every route.ts under app/api/v1, as an OpenAPI path ("[id]" → "{id}", "[...path]" → "{path}"). */
function routeFiles(dir = ROOT): { apiPath: string; file: string }[] {
  const out: { apiPath: string; file: string }[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...routeFiles(full));
    else if (name === 'route.ts') {
      const rel = path.relative(ROOT, dir).split(path.sep).filter(Boolean);
      const apiPath = `/${rel.map((s) => s.replace(/^\[\.\.\.(\w+)\]$/, '{$1}').replace(/^\[(\w+)\]$/, '{$1}')).join('/')}`;
      out.push({ apiPath: apiPath === '/' ? '' : apiPath, file: full });
    }
  }
  return out;
}

describe('OpenAPI document', () => {
  const doc = openApiDocument('https://postern.example.com');

  it('is valid OpenAPI 3.1', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  });

  it('documents every route handler under /api/v1 with each exported method', async () => {
    const files = routeFiles();
    expect(files.length).toBeGreaterThan(20);
    const documented = new Set(Object.keys(doc.paths ?? {}));
    for (const { apiPath, file } of files) {
      const key = apiPath || '/verify';
      if (key in DOCUMENTED_ELSEWHERE) continue;
      expect(documented, `${file} (${key}) is not in the OpenAPI document`).toContain(key);
      const mod = (await import(file)) as Record<string, unknown>;
      const exported = METHODS.filter((m) => typeof mod[m] === 'function');
      expect(exported.length, file).toBeGreaterThan(0);
      const ops = Object.keys((doc.paths as Record<string, Record<string, unknown>>)[key] ?? {}).map((m) =>
        m.toUpperCase(),
      );
      for (const m of exported) expect(ops, `${m} ${key} is not in the OpenAPI document`).toContain(m);
      // And nothing documented that the handler does not answer.
      for (const m of ops) expect(exported, `${m} ${key} is documented but not exported`).toContain(m);
    }
    // Every exclusion names a handler that exists (a stale exclusion would hide a new one).
    const present = new Set(files.map((f) => f.apiPath || '/verify'));
    for (const p of Object.keys(DOCUMENTED_ELSEWHERE)) expect(present, p).toContain(p);
  });

  it('is generated from the schemas the handlers validate with', () => {
    const schemas = (doc.components?.schemas ?? {}) as Record<string, { properties?: Record<string, unknown> }>;
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining(['Namespace', 'ServiceAccount', 'Problem', 'ApiKey']));
    const createSa = (
      doc.paths as Record<
        string,
        Record<
          string,
          { requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } }
        >
      >
    )['/service-accounts']!.post!.requestBody!.content['application/json']!.schema;
    expect(Object.keys(createSa.properties)).toEqual(
      expect.arrayContaining(['namespaceId', 'kind', 'userId', 'expiration', 'customExpiresAt']),
    );
  });

  it('is served publicly at /api/v1/openapi.json', async () => {
    const { GET } = await import('@/app/api/v1/openapi.json/route');
    const res = await GET(new Request('http://localhost/api/v1/openapi.json'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths)).toContain('/service-accounts/{id}/rotate');
  });
});
