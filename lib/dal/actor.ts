import 'server-only';

/**
 * The signed-in console user on whose behalf the data-access layer acts. Only
 * lib/session.ts (from a verified session), lib/dal/api-callers.ts (from an API key or a
 * service-account JWT) and tests (from a real user row) make one.
 * `groups` are the directory groups of the directory user with the same email: group
 * grants apply through them.
 */
export interface Actor {
  userId: string;
  email: string;
  groups: string[];
  /** The trusted client address of the request acting (lib/net/client-address.ts), when known: recorded in the Change History. */
  address?: string | null;
  /**
   * Set when the user acts through the REST API with a personal API key (lib/dal/api-callers.ts):
   * every role is capped at `roleCap`, and the Change History names the key.
   */
  apiKey?: { id: string; name: string; roleCap: 'viewer' | 'manager' | 'admin' };
  /**
   * Set when a service account acts through the REST API with its own JWT: `userId` is then
   * the account's id, roles come from grants to the account, and `groups` is empty.
   */
  serviceAccount?: { id: string; userId: string };
}
