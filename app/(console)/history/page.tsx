import type { Metadata } from 'next';
import Link from 'next/link';
import { requirePageActor } from '@/lib/session';
import { AppError } from '@/lib/dal/errors';
import {
  HISTORY_ENTITY_TYPES,
  historyNamespaces,
  listHistory,
  parseHistoryQuery,
  type HistoryEntry,
} from '@/lib/dal/history';
import { Alert } from '@/components/ui/alert';
import { LocalTime } from '@/components/ui/local-time';
import { ButtonLink } from '@/components/ui/button';
import { PageHeader } from '@/components/shell/page-header';
import { Pagination } from '@/components/ui/pagination';
import { Cell, DataTable } from '@/components/ui/table';
import { HistoryFilters } from './history-filters';
import { Changes } from './changes';

export const metadata: Metadata = { title: 'Change History' };

const PAGE_SIZE = 50;

const TYPE_LABELS: Record<(typeof HISTORY_ENTITY_TYPES)[number], string> = {
  namespace: 'Namespace',
  service_account: 'Service account',
  route: 'Route',
  policy: 'Policy',
  grant: 'Role grant',
  signing_key: 'Signing key',
  directory_user: 'Directory user',
  directory_group: 'Directory group',
  scim_token: 'SCIM token',
  console_user: 'Console user',
  identity_link: 'Identity link',
  verifier: 'Verifier',
  trusted_issuer: 'Trusted issuer',
  trust_rule: 'Trust rule',
  token_exchange: 'Token exchange',
  api_key: 'API key',
};
const typeLabel = (t: string) => TYPE_LABELS[t as keyof typeof TYPE_LABELS] ?? t;

const ACTION_TONES: Record<string, string> = {
  create: 'bg-emerald-50 text-emerald-800',
  update: 'bg-sky-50 text-sky-800',
  delete: 'bg-red-50 text-red-800',
};

function Where({ e }: { e: HistoryEntry }) {
  if (!e.namespaceId) return <span className="text-slate-500">Install-wide</span>;
  if (!e.namespaceName)
    return (
      <span className="text-slate-500" title={e.namespaceId}>
        Deleted namespace
      </span>
    );
  return (
    <Link href={`/ns/${e.namespaceId}`} className="hover:underline">
      {e.namespaceName}
    </Link>
  );
}

export default async function HistoryPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePageActor();
  const parsed = parseHistoryQuery(await searchParams);
  const raw = parsed.ok ? parsed.query.raw : {};

  let problem: string | null = parsed.ok ? null : parsed.message;
  let namespaces: { id: string; label: string }[] = [];
  let page: Awaited<ReturnType<typeof listHistory>> = { entries: [], nextCursor: null };
  try {
    namespaces = await historyNamespaces(actor);
    if (parsed.ok) page = await listHistory(actor, { ...parsed.query, limit: PAGE_SIZE });
  } catch (err) {
    // Expected refusals (no role, a namespace that is gone or not yours) are shown in words.
    if (!(err instanceof AppError)) throw err;
    problem = err.message;
  }

  // Links keep the applied filters; the cursor only ever moves forward through "Older".
  const filterParams = new URLSearchParams(Object.entries(raw).filter(([k, v]) => k !== 'cursor' && v.trim() !== ''));
  const withCursor = (cursor?: string) => {
    const sp = new URLSearchParams(filterParams);
    if (cursor) sp.set('cursor', cursor);
    return sp.size ? `/history?${sp.toString()}` : '/history';
  };
  const exportHref = `/api/console/history.csv${filterParams.size ? `?${filterParams.toString()}` : ''}`;
  const filtered = filterParams.size > 0;

  return (
    <div>
      <PageHeader
        title="Change History"
        actions={
          <ButtonLink href={exportHref} download>
            Export CSV
          </ButtonLink>
        }
      >
        Every change made in the console, newest first, in the namespaces you can view. Entries cannot be edited or
        deleted.
      </PageHeader>
      <HistoryFilters
        namespaces={namespaces}
        entityTypes={HISTORY_ENTITY_TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t] }))}
        values={{ namespace: raw.namespace, actor: raw.actor, type: raw.type, from: raw.from, to: raw.to }}
      />
      {problem ? (
        <div className="mb-3">
          <Alert>{problem}</Alert>
        </div>
      ) : null}
      <DataTable
        columns={['When', 'Who', 'What', 'Where', 'Changes']}
        rows={page.entries}
        alignTop
        empty={
          problem
            ? 'Nothing to show.'
            : raw.cursor
              ? 'No older entries.'
              : filtered
                ? 'No change matches these filters.'
                : 'No changes recorded yet.'
        }
        row={(e) => (
          <tr key={e.id}>
            <Cell className="whitespace-nowrap">
              <LocalTime iso={e.at} />
            </Cell>
            <Cell
              className="max-w-56 truncate"
              title={e.clientAddress ? `${e.actorEmail} from ${e.clientAddress}` : e.actorEmail}
            >
              {e.actorEmail}
              {e.clientAddress ? <span className="block text-xs text-slate-500">{e.clientAddress}</span> : null}
            </Cell>
            <Cell>
              <span
                className={`rounded px-1.5 py-0.5 text-[11px] font-medium ${ACTION_TONES[e.action] ?? 'bg-slate-100 text-slate-700'}`}
              >
                {e.action}
              </span>{' '}
              {typeLabel(e.entityType)}
              <div className="max-w-56 truncate font-mono text-xs text-slate-500" title={e.entityId}>
                {e.entityId}
              </div>
            </Cell>
            <Cell>
              <Where e={e} />
            </Cell>
            <Cell>
              <Changes action={e.action} before={e.before} after={e.after} />
            </Cell>
          </tr>
        )}
      />
      <Pagination
        summary={`${page.entries.length} entr${page.entries.length === 1 ? 'y' : 'ies'} shown`}
        links={[
          raw.cursor ? { label: 'Newest', href: withCursor() } : null,
          page.nextCursor ? { label: 'Older', href: withCursor(page.nextCursor) } : null,
        ]}
      />
    </div>
  );
}
