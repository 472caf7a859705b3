/** A short random suffix that keeps names unique across tests sharing a database. */
export const uid = () => Math.random().toString(36).slice(2, 10);
