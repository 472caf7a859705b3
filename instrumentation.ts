// Runs once when the server starts, before it serves a request: open the database,
// apply pending migrations, create the first admin from the environment. Any failure
// stops the start with a clear message; the data is left as it was.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startup } = await import('./lib/startup');
  await startup();
}
