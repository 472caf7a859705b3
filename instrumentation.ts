// Runs once when the server starts, before it serves a request: stamp each request with
// its socket peer (the trusted client address needs it), cap password sign-ins in flight, open the database, apply pending
// migrations, create the first admin from the environment. Any failure stops the start
// with a clear message; the data is left as it was.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { installRequestStamp } = await import('./lib/net/request-stamp');
  installRequestStamp();
  // Password sign-ins beyond a small number in flight: 429 before Next.js spends time on them.
  const { installSignInGate } = await import('./lib/auth/sign-in-gate');
  installSignInGate(
    (process.env.POSTERN_URL || process.env.NEXTAUTH_URL || 'http://localhost:3000').replace(/\/+$/, ''),
  );
  const { startup } = await import('./lib/startup');
  await startup();
}
