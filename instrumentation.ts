// Runs once when the server starts, before it serves a request: stamp each request with
// its socket peer (the trusted client address needs it), open the database, apply pending
// migrations, create the first admin from the environment. Any failure stops the start
// with a clear message; the data is left as it was.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { installRequestStamp } = await import('./lib/net/request-stamp');
  installRequestStamp();
  const { startup } = await import('./lib/startup');
  await startup();
}
