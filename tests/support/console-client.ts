// The console as the browser uses it, over plain HTTP against the production build: a
// password sign-in (next-auth's credentials callback) and server actions called the way
// React calls them (POST with the action's id in `Next-Action`, arguments as JSON, the
// answer in the RSC stream). Action ids come from the build's server-reference manifest.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ActionResult } from '@/lib/actions/safe-action';

let ids: Map<string, string> | null = null;

/** The id `next build` gave the server action exported as `name` (e.g. createServiceAccountAction). */
export function actionId(name: string): string {
  if (!ids) {
    const manifest = JSON.parse(
      readFileSync(path.join(process.cwd(), '.next/server/server-reference-manifest.json'), 'utf8'),
    ) as { node: Record<string, { exportedName?: string; filename?: string }> };
    ids = new Map();
    for (const [id, entry] of Object.entries(manifest.node)) {
      if (entry.exportedName && entry.filename?.startsWith('lib/actions/')) ids.set(entry.exportedName, id);
    }
  }
  const id = ids.get(name);
  if (!id) throw new Error(`no server action ${name} in the build (run next build)`);
  return id;
}

const cookiesOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .filter((c) => !c.endsWith('='));

export interface ConsoleSession {
  url: string;
  cookie: string;
  /** Calls the server action exported as `name` with one argument, as a form submit does. */
  action<T = unknown>(name: string, input: unknown, opts?: { signal?: AbortSignal }): Promise<ActionResult<T>>;
}

/** Signs in with email and password as the sign-in page does; the session's cookie jar. */
export async function signIn(url: string, email: string, password: string): Promise<ConsoleSession> {
  const csrfRes = await fetch(`${url}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const jar = cookiesOf(csrfRes);
  const res = await fetch(`${url}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.join('; ') },
    body: new URLSearchParams({ email, password, csrfToken, json: 'true' }),
  });
  const session = cookiesOf(res).find((c) => c.startsWith('next-auth.session-token='));
  if (!session) throw new Error(`sign-in as ${email} failed: ${res.status} ${await res.text()}`);
  const cookie = [...jar, session].join('; ');
  return { url, cookie, action: (name, input, opts) => callAction(url, cookie, name, input, opts) };
}

/**
 * One server action call over HTTP. Resolves to the action's result; rejects when the server
 * answers anything but an RSC stream carrying one (a 500 page, a reset connection).
 */
export async function callAction<T>(
  url: string,
  cookie: string,
  name: string,
  input: unknown,
  opts: { signal?: AbortSignal } = {},
): Promise<ActionResult<T>> {
  const res = await fetch(`${url}/`, {
    method: 'POST',
    redirect: 'manual',
    signal: opts.signal,
    headers: {
      accept: 'text/x-component',
      'content-type': 'text/plain;charset=UTF-8',
      'next-action': actionId(name),
      origin: url,
      cookie,
    },
    body: JSON.stringify([input]),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${name}: HTTP ${res.status}: ${text.slice(0, 300)}`);
  // Rows of `<hex id>:<json>`; row 0 names the action's answer as "$@<id>".
  const rows = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]+):(.*)$/.exec(line);
    if (m) rows.set(m[1]!, m[2]!);
  }
  const head = JSON.parse(rows.get('0') ?? 'null') as { a?: string } | null;
  const ref =
    typeof head?.a === 'string' && head.a.startsWith('$@') ? parseInt(head.a.slice(2), 16).toString(16) : null;
  const row = ref ? rows.get(ref) : undefined;
  if (!row) throw new Error(`${name}: no action result in the answer: ${text.slice(0, 300)}`);
  return JSON.parse(row) as ActionResult<T>;
}
