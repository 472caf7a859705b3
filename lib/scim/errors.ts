import { URN } from '@/lib/scim/schema';

// RFC 7644 §3.12 detail error keywords.
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

/** An expected failure, answered as a SCIM error. The detail is shown to the IdP's admin: no internals. */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly scimType?: ScimType,
  ) {
    super(detail);
    this.name = 'ScimError';
  }
}

export const badRequest = (scimType: ScimType, detail: string) => new ScimError(400, detail, scimType);
export const scimNotFound = (what: 'User' | 'Group' | 'Resource', id?: string) =>
  new ScimError(404, id ? `${what} ${JSON.stringify(id)} not found.` : `${what} not found.`);

export function errorBody(status: number, detail: string, scimType?: ScimType) {
  return { schemas: [URN.error], status: String(status), ...(scimType ? { scimType } : {}), detail };
}
