// Limits read by next.config.ts as well as by the app: no imports here.

/**
 * Server actions' request bodies (next.config.ts `serverActions.bodySizeLimit`, and refused
 * on their declared length by lib/net/body-limit.ts). The largest form is the route
 * import: a Pomerium configuration of up to 1 MB (MAX_IMPORT_BYTES) plus the form's fields.
 */
export const SERVER_ACTION_BODY_LIMIT = 2 * 1024 * 1024;

/** Sign-in, sign-out and the other next-auth endpoints: their forms are well under 1 KB. */
export const AUTH_BODY_LIMIT = 64 * 1024;
