export const ADMIN = { email: 'admin@postern.test', password: 'e2e-password-0123456789' };

/** A name no other test (or earlier run against the same server) has used. */
export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
