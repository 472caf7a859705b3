import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/session';
import { listSigningKeys } from '@/lib/dal/signing-keys';
import { LocalTime } from '@/components/ui/local-time';
import { KeyActions, RotateButton } from './key-actions';
import { guard } from '@/components/shell/guard';

export const metadata: Metadata = { title: 'Signing Keys' };

export default async function KeysPage() {
  const actor = await requirePageActor();
  return guard(async () => {
    const keys = await listSigningKeys(actor);
    return (
      <div className="max-w-4xl">
        <div className="mb-1 flex items-center justify-between gap-2">
          <h1 className="text-xl font-semibold">Signing Keys</h1>
          <RotateButton />
        </div>
        <p className="mb-4 text-slate-600">
          ES256 keys that sign service-account tokens and upstream assertions. New tokens use the newest key; older keys
          keep verifying until you retire them. Public keys:{' '}
          <a className="text-indigo-700 hover:underline" href="/.well-known/pomerium/jwks.json">
            /.well-known/pomerium/jwks.json
          </a>
          .
        </p>
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-left">
            <thead className="border-b border-slate-200 bg-slate-50 text-xs text-slate-600 uppercase">
              <tr>
                <th className="px-3 py-2">Key ID (kid)</th>
                <th className="px-3 py-2">Created</th>
                <th className="px-3 py-2">State</th>
                <th className="px-3 py-2">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {keys.length === 0 ? (
                <tr>
                  <td colSpan={4} className="px-3 py-6 text-center text-slate-500">
                    No key yet: one is made when the first token is signed.
                  </td>
                </tr>
              ) : (
                keys.map((k) => (
                  <tr key={k.kid}>
                    <td className="px-3 py-2 font-mono text-xs">{k.kid}</td>
                    <td className="px-3 py-2">
                      <LocalTime iso={k.createdAt.toISOString()} />
                    </td>
                    <td className="px-3 py-2">{k.retiredAt ? 'Retired' : k.active ? 'Signing' : 'Verifying only'}</td>
                    <td className="px-3 py-2 text-right">
                      {!k.retiredAt && !k.active ? <KeyActions kid={k.kid} /> : null}
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      </div>
    );
  });
}
