// Names on the command line → the ids the API takes: a namespace by path or id, an account by
// id or user ID, a policy or route by id or name, a directory user by id or email.
import type { ApiClient } from './client';
import { ApiError, CliError, EXIT, printable } from './errors';
import type { Namespace, Policy, Route, ServiceAccount } from './types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string) => UUID.test(s);

const notFound = (what: string, details: string[] = []) => new CliError(what, EXIT.notFound, details);

/** `--namespace`: its path as the console shows it (`Global/payments`), or its id (`global`, a uuid). */
export async function resolveNamespace(api: ApiClient, value: string): Promise<Namespace> {
  const wanted = value.trim().replace(/^\/+|\/+$/g, '');
  const byPath = await api.get<{ items: Namespace[] }>('/namespaces', { path: wanted });
  const exact =
    byPath.items.find((n) => n.path === wanted) ??
    byPath.items.filter((n) => n.path.toLowerCase() === wanted.toLowerCase()).at(0);
  if (exact) return exact;
  if (!wanted.includes('/')) {
    try {
      return (await api.call<Namespace>('GET', `/namespaces/${encodeURIComponent(wanted)}`)).data;
    } catch (err) {
      // Not an id there is, or one the caller may not see: both are "no such namespace" to them.
      if (!(err instanceof ApiError) || ![400, 403, 404].includes(err.status)) throw err;
    }
  }
  throw notFound(`no namespace with the path or id "${printable(value)}"`, [
    'Give its path from the root, as `postern namespace list` shows it (e.g. Global/payments), or its id.',
  ]);
}

/** A service account by its id, or by its user ID (unique across the install, whatever the case). */
export async function resolveAccount(api: ApiClient, value: string): Promise<ServiceAccount> {
  if (isUuid(value)) return (await api.call<ServiceAccount>('GET', `/service-accounts/${value}`)).data;
  const matches = (await api.list<ServiceAccount>('/service-accounts', { q: value }, 1000)).filter(
    (a) => a.userId.toLowerCase() === value.toLowerCase(),
  );
  if (matches.length === 1) return matches[0]!;
  if (!matches.length) throw notFound(`no service account with the id or user ID "${printable(value)}"`);
  throw new CliError(
    `several service accounts have the user ID "${printable(value)}": give the account's id`,
    EXIT.usage,
  );
}

/** A policy in a namespace by name (names are unique per namespace, whatever the case), or null. */
export async function findPolicyByName(api: ApiClient, namespaceId: string, name: string): Promise<Policy | null> {
  const items = await api.list<Policy>('/policies', { namespaceId, name }, 1000);
  const here = items.filter((p) => p.namespaceId === namespaceId);
  return here.find((p) => p.name === name) ?? here.find((p) => p.name.toLowerCase() === name.toLowerCase()) ?? null;
}

/** `--policy` on a route: an id, or a policy's name in the route's namespace. */
export async function resolvePolicyId(api: ApiClient, namespaceId: string, value: string): Promise<string> {
  if (isUuid(value)) return value;
  const policy = await findPolicyByName(api, namespaceId, value);
  if (!policy) throw notFound(`no policy named "${printable(value)}" in this namespace`);
  return policy.id;
}

/** A route by id, or by name within `--namespace`. */
export async function resolveRoute(api: ApiClient, value: string, namespaceId: string | undefined): Promise<Route> {
  if (isUuid(value)) return (await api.call<Route>('GET', `/routes/${value}`)).data;
  if (!namespaceId)
    throw new CliError(
      `"${printable(value)}" is not a route id: give the id, or the name with --namespace`,
      EXIT.usage,
    );
  const matches = (await api.list<Route>('/routes', { namespaceId }, 10_000)).filter(
    (r) => r.namespaceId === namespaceId && r.name === value,
  );
  if (matches.length === 1) return matches[0]!;
  if (!matches.length) throw notFound(`no route named "${printable(value)}" in this namespace`);
  throw new CliError(`several routes are named "${printable(value)}": give the route's id`, EXIT.usage);
}

/** `--impersonate`: a directory user by its id or its email. */
export async function resolveDirectoryUser(
  api: ApiClient,
  value: string,
): Promise<{ id: string; email: string | null }> {
  const items = await api.list<{ id: string; email: string | null }>('/directory/users', { q: value }, 1000);
  const match =
    items.find((u) => u.id === value) ??
    items.filter((u) => u.email && u.email.toLowerCase() === value.toLowerCase()).at(0);
  if (!match) throw notFound(`no directory user with the id or email "${printable(value)}"`);
  return match;
}
