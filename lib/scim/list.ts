// List parameters and the ListResponse envelope (RFC 7644 §3.4.2).
import { URN } from '@/lib/scim/schema';

export const DEFAULT_COUNT = 100;
export const MAX_COUNT = 200;

export interface Page {
  startIndex: number;
  count: number;
}

/** startIndex is 1-based (less than 1 means 1); count is clamped to 0..MAX_COUNT. */
export function pageParams(params: URLSearchParams): Page {
  const int = (name: string) => {
    const raw = params.get(name);
    if (raw === null || !/^\s*-?\d+\s*$/.test(raw)) return null;
    return Number.parseInt(raw, 10);
  };
  const start = int('startIndex');
  const count = int('count');
  return {
    startIndex: start === null || start < 1 ? 1 : Math.min(start, 2_147_483_647),
    count: count === null ? DEFAULT_COUNT : Math.max(0, Math.min(count, MAX_COUNT)),
  };
}

/** Is the attribute left out by `excludedAttributes`, or by an `attributes` list that omits it? */
export function excluded(params: URLSearchParams, attr: string): boolean {
  const list = (name: string) =>
    (params.get(name) ?? '')
      .split(',')
      .map((s) =>
        s
          .trim()
          .toLowerCase()
          .replace(/^urn:.*:/, ''),
      )
      .filter(Boolean);
  const a = attr.toLowerCase();
  const only = list('attributes');
  return list('excludedAttributes').includes(a) || (only.length > 0 && !only.includes(a));
}

export function listResponse(resources: unknown[], totalResults: number, startIndex: number) {
  return {
    schemas: [URN.listResponse],
    totalResults,
    itemsPerPage: resources.length,
    startIndex,
    Resources: resources,
  };
}
