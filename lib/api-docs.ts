import 'server-only';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** Scalar's browser build (the API reference viewer), as installed: served by app/api/console/scalar. */
export const SCALAR_DIST = path.join(process.cwd(), 'node_modules', '@scalar', 'api-reference', 'dist', 'browser');

let version: Promise<string> | null = null;
/** The installed Scalar version: part of its files' URLs, so they can be cached for good. */
export function scalarVersion(): Promise<string> {
  version ??= readFile(path.join(SCALAR_DIST, '..', '..', 'package.json'), 'utf8').then(
    (text) => (JSON.parse(text) as { version: string }).version,
  );
  return version;
}

/** The URL of Scalar's entry module. */
export async function scalarEntryUrl(): Promise<string> {
  return `/api/console/scalar/${await scalarVersion()}/standalone.esm.js`;
}

/** The OpenAPI document the reference page shows. */
export const OPENAPI_URL = '/api/v1/openapi.json';
