'use client';
import Link from 'next/link';
import { Button } from '@/components/ui/button';

/** An unexpected failure while rendering a console page: no internals, a way back. */
export default function ConsoleError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="max-w-xl" role="alert">
      <h1 className="mb-2 text-xl font-semibold">Something went wrong</h1>
      <p className="mb-3 text-slate-600">
        This page could not be shown. Nothing was changed. Try again; if it keeps failing, an administrator can find the
        details in the server log
        {error.digest ? (
          <>
            {' '}
            under reference <code className="font-mono text-xs">{error.digest}</code>
          </>
        ) : null}
        .
      </p>
      <div className="flex gap-2">
        <Button variant="primary" onClick={() => reset()}>
          Try again
        </Button>
        <Link
          href="/ns/global"
          className="inline-flex items-center rounded-md px-3 py-1.5 text-sm text-indigo-700 hover:underline"
        >
          Go to Global
        </Link>
      </div>
    </div>
  );
}
