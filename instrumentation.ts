// Runs once when the server starts, before it serves a request: stamp each request with
// its socket peer (the trusted client address needs it), cap password sign-ins in flight,
// take over SIGTERM/SIGINT for a graceful shutdown (lib/shutdown.ts), open the database,
// apply pending migrations, create the first admin from the environment. Any failure
// stops the start with a clear message; the data is left as it was.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { installRequestStamp } = await import('./lib/net/request-stamp');
  installRequestStamp();
  // Password sign-ins beyond a small number in flight: 429 before Next.js spends time on them.
  const { installSignInGate } = await import('./lib/auth/sign-in-gate');
  installSignInGate(
    (process.env.POSTERN_URL || process.env.NEXTAUTH_URL || 'http://localhost:3000').replace(/\/+$/, ''),
  );
  // Server actions with a declared body over their limit: 413 before Next.js reads any of it.
  const { installBodyLimits } = await import('./lib/net/body-limit');
  installBodyLimits();
  const { installShutdown } = await import('./lib/shutdown');
  try {
    installShutdown();
  } catch (err) {
    console.error(`\nPostern cannot start: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const { startup } = await import('./lib/startup');
  await startup();
}
