// Shared knobs of the fault suite (tests/faults): FAULT_SUITE=short (what `npm test` runs)
// makes fewer requests, clients and repetitions; the assertions are the same.
export const SHORT = process.env.FAULT_SUITE === 'short';

/** `full` normally, `short` under FAULT_SUITE=short. */
export const scale = <T>(full: T, short: T): T => (SHORT ? short : full);

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The console's administrator in fault tests that start a server of their own (ADMIN_EMAIL/ADMIN_PASSWORD). */
export const FAULT_ADMIN = { email: 'faults-admin@example.com', password: 'fault suite admin password' };
