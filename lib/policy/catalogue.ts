import { CERTIFICATE_MATCHERS, LIST_MATCHERS, STRING_MATCHERS, type CriterionName } from './types';

export type CriterionKind =
  | 'string'
  | 'list'
  | 'boolean'
  | 'method'
  | 'cidr'
  | 'date'
  | 'day_of_week'
  | 'time_of_day'
  | 'certificate';

export interface CriterionInfo {
  readonly name: CriterionName;
  readonly kind: CriterionKind;
  /** Keys accepted in the mapping form; empty when the criterion takes a bare value only. */
  readonly matchers: readonly string[];
  /** The matcher a bare value stands for (`email: a@b.c` = `email: {is: a@b.c}`). */
  readonly shorthand: string | null;
  /** Takes a sub-key after a slash: `claim/<name>`. */
  readonly subKey: boolean;
  /** Reads the caller's identity, so it cannot be decided for an anonymous caller. */
  readonly identity: boolean;
  readonly label: string;
  readonly description: string;
}

const info = (
  name: CriterionName,
  kind: CriterionKind,
  label: string,
  description: string,
  extra: Partial<Pick<CriterionInfo, 'subKey' | 'identity'>> = {},
): CriterionInfo => {
  const byKind: Record<CriterionKind, readonly string[]> = {
    string: STRING_MATCHERS,
    method: STRING_MATCHERS,
    list: LIST_MATCHERS,
    boolean: [],
    cidr: [],
    day_of_week: ['is', 'timezone'],
    date: ['after', 'before'],
    time_of_day: ['timezone', 'after', 'before'],
    certificate: CERTIFICATE_MATCHERS,
  };
  const shorthand =
    kind === 'string' || kind === 'method' || kind === 'day_of_week' ? 'is' : kind === 'list' ? 'has' : null;
  return Object.freeze({
    name,
    kind,
    matchers: byKind[kind],
    shorthand,
    subKey: extra.subKey ?? false,
    identity: extra.identity ?? false,
    label,
    description,
  });
};

/** The criteria Postern understands, for the visual builder and for validation. */
export const CRITERIA: Readonly<Record<CriterionName, CriterionInfo>> = Object.freeze({
  accept: info('accept', 'boolean', 'Anyone', 'Always matches, even an anonymous caller.'),
  reject: info('reject', 'boolean', 'No one', 'Never matches.'),
  authenticated_user: info(
    'authenticated_user',
    'boolean',
    'Any authenticated user',
    'Matches any caller with a valid identity.',
    { identity: true },
  ),
  user: info('user', 'string', 'User ID', "The caller's user ID.", { identity: true }),
  email: info('email', 'string', 'Email', "The caller's email address.", { identity: true }),
  domain: info('domain', 'string', 'Email domain', "The part of the caller's email after the @.", { identity: true }),
  groups: info('groups', 'list', 'Groups', 'The directory groups the caller belongs to.', { identity: true }),
  claim: info('claim', 'list', 'Claim', "A claim of the caller's identity, treated as a list of values.", {
    identity: true,
    subKey: true,
  }),
  http_method: info('http_method', 'method', 'HTTP method', 'The request method; compared in upper case.'),
  http_path: info('http_path', 'string', 'HTTP path', 'The request path, without the query string.'),
  source_ip: info(
    'source_ip',
    'cidr',
    'Source IP',
    'The client address is in one of these IP addresses or CIDR ranges.',
  ),
  cors_preflight: info(
    'cors_preflight',
    'boolean',
    'CORS preflight',
    'An OPTIONS request with Access-Control-Request-Method and Origin headers.',
  ),
  client_certificate: info(
    'client_certificate',
    'certificate',
    'Client certificate',
    'The TLS client certificate the proxy forwarded has one of these SHA-256 fingerprints and/or SPKI hashes.',
  ),
  invalid_client_certificate: info(
    'invalid_client_certificate',
    'boolean',
    'Invalid client certificate',
    'No client certificate was forwarded, or it cannot be read or is outside its validity period. Use it in a deny block.',
  ),
  date: info(
    'date',
    'date',
    'Date',
    'The request time is after and/or before these instants (RFC 3339; without an offset they are read as UTC).',
  ),
  day_of_week: info(
    'day_of_week',
    'day_of_week',
    'Day of week',
    'The request falls on these days, e.g. mon-fri, fri-mon, monday,wednesday or *; in UTC unless a time zone is given (a Postern extension).',
  ),
  time_of_day: info(
    'time_of_day',
    'time_of_day',
    'Time of day',
    'The request time, in the given time zone, is after and/or before these times.',
  ),
});

const byName: ReadonlyMap<string, CriterionInfo> = new Map(Object.entries(CRITERIA));

/** Looks up a criterion by name without touching Object.prototype ("constructor", "__proto__"). */
export function criterionInfo(name: string): CriterionInfo | undefined {
  return byName.get(name);
}

/** Pomerium criteria that exist but that Postern cannot evaluate: named in errors so authors know why. */
export const UNSUPPORTED_CRITERIA: ReadonlySet<string> = new Set([
  'device',
  'record',
  'pomerium_routes',
  'mcp_tool',
  'ssh_username',
  'ssh_publickey',
  'ssh_ca',
  'ssh_username_matches_email',
  'ssh_username_matches_claim',
]);
