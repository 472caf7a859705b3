import 'server-only';
import { notFound } from 'next/navigation';
import { AppError } from '@/lib/dal/errors';
import { getNamespace, type NamespaceDetail } from '@/lib/dal/namespaces';
import type { Actor } from '@/lib/dal/actor';

/**
 * Renders a page body, turning the DAL's refusals into what a person should see: a
 * friendly "no access" note for forbidden, the not-found page for missing data.
 */
export async function guard(render: () => Promise<React.ReactElement>): Promise<React.ReactElement> {
  try {
    return await render();
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_found') notFound();
    if (err instanceof AppError && err.code === 'forbidden') {
      return (
        <div className="max-w-xl">
          <h1 className="mb-2 text-xl font-semibold">No access</h1>
          <p className="text-slate-600">{err.message} Ask an administrator of this namespace for a role.</p>
        </div>
      );
    }
    throw err;
  }
}

/**
 * A page's read, or the not-found page when the DAL says the thing is missing or not
 * visible to this user: a page never confirms that something it will not show exists.
 */
export async function orNotFound<T>(read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (err) {
    if (err instanceof AppError && (err.code === 'not_found' || err.code === 'forbidden')) notFound();
    throw err;
  }
}

/** A namespace page's namespace, or the not-found page when it is gone or not visible to this user. */
export const namespaceOr404 = (actor: Actor, id: string): Promise<NamespaceDetail> =>
  orNotFound(getNamespace(actor, id));
