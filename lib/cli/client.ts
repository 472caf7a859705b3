// The REST API over fetch: the credential as a Bearer token, problem+json answers turned into
// CliErrors (exit code by status), list pages followed through their cursors.
import { ApiError, CliError, EXIT, printable } from './errors';

export type Fetch = typeof fetch;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface CallOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  ifMatch?: string;
}

export interface Answer<T> {
  status: number;
  data: T;
  etag: string | null;
}

const TIMEOUT_MS = 60_000;
const PAGE_SIZE = 200;

/** The problem+json body (RFC 9457) as far as the CLI reads it. */
interface Problem {
  title?: unknown;
  detail?: unknown;
  status?: unknown;
  errors?: unknown;
}

/** Field errors (`{ "userId": ["Use only …"] }`) as lines for stderr. */
export function fieldErrorLines(errors: unknown): string[] {
  if (!errors || typeof errors !== 'object') return [];
  const lines: string[] = [];
  for (const [field, messages] of Object.entries(errors as Record<string, unknown>)) {
    const list = Array.isArray(messages) ? messages : [messages];
    for (const m of list) lines.push(`  ${printable(field)}: ${printable(String(m))}`);
  }
  return lines;
}

/** The CliError for an HTTP error answer: the problem's detail (or title), its field errors, the exit code. */
export function problemError(status: number, body: unknown, url: string): ApiError {
  const p = (body && typeof body === 'object' ? body : {}) as Problem;
  const text = typeof p.detail === 'string' && p.detail ? p.detail : typeof p.title === 'string' ? p.title : '';
  const message = text ? printable(text) : `the server answered HTTP ${status} to ${url}`;
  const details = fieldErrorLines(p.errors);
  if (status === 401)
    details.push('Check the API key (postern login, or POSTERN_API_KEY): it may be wrong, expired or revoked.');
  return new ApiError(message, status, details);
}

export class ApiClient {
  readonly base: string;

  constructor(
    consoleUrl: string,
    private readonly credential: string,
    private readonly fetchFn: Fetch = fetch,
  ) {
    this.base = `${consoleUrl}/api/v1`;
  }

  async call<T>(method: string, path: string, options: CallOptions = {}): Promise<Answer<T>> {
    const url = new URL(this.base + path);
    for (const [k, v] of Object.entries(options.query ?? {}))
      if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    const headers: Record<string, string> = {
      accept: 'application/json, application/problem+json',
      authorization: `Bearer ${this.credential}`,
      'user-agent': 'postern-cli',
    };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.ifMatch) headers['if-match'] = options.ifMatch;

    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await this.fetchFn(url, {
          method,
          headers,
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
          // Never follow: a redirect could carry the credential to another place.
          redirect: 'manual',
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
      } catch (err) {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        const why = cause?.code ?? cause?.message ?? (err as Error).message;
        throw new CliError(`cannot reach ${url.origin}: ${printable(String(why))}`, EXIT.failed);
      }
      if (res.status >= 300 && res.status < 400) {
        await res.body?.cancel();
        const to = res.headers.get('location');
        throw new CliError(`the server redirects ${url.pathname} to ${printable(to ?? 'elsewhere')}`, EXIT.failed, [
          'Log in with the console URL the redirect names (postern login --url …); the CLI does not follow redirects.',
        ]);
      }
      // A GET that was throttled or met a brief outage is tried again, twice at most, when the server says when.
      const retryAfter = Number(res.headers.get('retry-after'));
      if (
        method === 'GET' &&
        (res.status === 429 || res.status === 503) &&
        attempt < 2 &&
        retryAfter > 0 &&
        retryAfter <= 10
      ) {
        await res.body?.cancel();
        await new Promise((r) => setTimeout(r, retryAfter * 1000));
        continue;
      }
      const text = await res.text();
      let data: unknown = null;
      if (text) {
        try {
          data = JSON.parse(text);
        } catch {
          if (res.ok) throw new CliError(`the server's answer to ${method} ${url.pathname} is not JSON`, EXIT.failed);
        }
      }
      if (!res.ok) throw problemError(res.status, data, `${method} ${url.pathname}`);
      return { status: res.status, data: data as T, etag: res.headers.get('etag') };
    }
  }

  get<T>(path: string, query?: CallOptions['query']) {
    return this.call<T>('GET', path, { query }).then((a) => a.data);
  }

  /** Every page of a list, in the API's order, following `nextCursor`. */
  async *pages<T>(path: string, query: CallOptions['query'] = {}, pageSize = PAGE_SIZE): AsyncGenerator<T[]> {
    let cursor: string | undefined;
    const seen = new Set<string>();
    for (;;) {
      const page = await this.get<Page<T>>(path, { ...query, limit: pageSize, cursor });
      if (!page || !Array.isArray(page.items))
        throw new CliError(`the server's answer to GET ${path} is not a list`, EXIT.failed);
      yield page.items;
      if (!page.nextCursor) return;
      // A server that hands the same cursor back would loop forever.
      if (seen.has(page.nextCursor)) throw new CliError(`the server repeated a page cursor for ${path}`, EXIT.failed);
      seen.add(page.nextCursor);
      cursor = page.nextCursor;
    }
  }

  /** The whole list, or its first `max` items. */
  async list<T>(path: string, query: CallOptions['query'] = {}, max = Number.POSITIVE_INFINITY): Promise<T[]> {
    const all: T[] = [];
    for await (const items of this.pages<T>(path, query, Math.min(PAGE_SIZE, max))) {
      all.push(...items);
      if (all.length >= max) return all.slice(0, max);
    }
    return all;
  }
}
