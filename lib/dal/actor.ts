import 'server-only';

/**
 * The signed-in console user on whose behalf the data-access layer acts. Only
 * lib/session.ts (from a verified session) and tests (from a real user row) make one.
 * `groups` are the directory groups of the directory user with the same email: group
 * grants apply through them.
 */
export interface Actor {
  userId: string;
  email: string;
  groups: string[];
  /** The trusted client address of the request acting (lib/net/client-address.ts), when known: recorded in the Change History. */
  address?: string | null;
}
