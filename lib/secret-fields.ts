// The one list of secret fields. It feeds the Prisma client's global `omit` (lib/db.ts: a
// query returns none of these unless it opts in by name), the log redaction (lib/log.ts)
// and the Change History scrubber (lib/dal/audit.ts), so the three can never disagree.

/** Secret columns per Prisma model: omitted from every query result by default. */
export const SECRET_COLUMNS = {
  user: ['passwordHash'],
  signingKey: ['privateSealed'],
  scimToken: ['tokenHash'],
  userInvite: ['tokenHash'],
  setupCode: ['codeHash'],
  verifier: ['credentialHash'],
  apiKey: ['keyHash'],
} as const satisfies Record<string, readonly string[]>;

/** Secret values that are not columns: what requests, forms and key material call them. */
const SECRET_VALUES = [
  'token',
  'jwt',
  'password',
  'currentPassword',
  'newPassword',
  'privateJwk',
  'secret',
  'credential',
] as const;

/** Every secret field name: never logged, never recorded in the history. */
export const SECRET_FIELD_NAMES: ReadonlySet<string> = new Set<string>([
  ...Object.values(SECRET_COLUMNS).flat(),
  ...SECRET_VALUES,
]);

/** Prisma's global omit option built from SECRET_COLUMNS. */
export function prismaOmit(): {
  [M in keyof typeof SECRET_COLUMNS]: { [F in (typeof SECRET_COLUMNS)[M][number]]: true };
} {
  return Object.fromEntries(
    Object.entries(SECRET_COLUMNS).map(([model, fields]) => [model, Object.fromEntries(fields.map((f) => [f, true]))]),
  ) as never;
}
