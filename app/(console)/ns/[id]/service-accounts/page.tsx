import type { Metadata } from 'next';
import Link from 'next/link';
import { requirePageActor } from '@/lib/session';
import { listServiceAccounts } from '@/lib/dal/service-accounts';
import { listDirectoryUsers } from '@/lib/dal/directory';
import { listServiceAccountsQuery } from '@/lib/schemas/service-account';
import { namespaceOr404 } from '@/components/shell/guard';
import { LocalTime } from '@/components/ui/local-time';
import { Button } from '@/components/ui/button';
import { PageHeader } from '@/components/shell/page-header';
import { Pagination } from '@/components/ui/pagination';
import { ACTIONS, Cell, DataTable, type Column } from '@/components/ui/table';
import { AddServiceAccount } from './add-service-account';
import { RowActions } from './row-actions';
import { UsageSparkline } from './usage-sparkline';
import { atLeast } from '@/lib/dal/authz';
import { lifetimeRulesBelow } from '@/lib/dal/lifetime-rules';
import { NO_RULE } from '@/lib/schemas/lifetime-rule';
import { AccountStatus } from './account-status';
import { usageSparklines } from '@/lib/dal/usage';

export const metadata: Metadata = { title: 'Service Accounts' };

const DAY = 24 * 60 * 60 * 1000;

function expiryTone(expiresAt: Date | null, now: number) {
  if (!expiresAt) return '';
  if (expiresAt.getTime() <= now) return 'font-medium text-red-700';
  if (expiresAt.getTime() - now < 7 * DAY) return 'font-medium text-amber-700';
  return '';
}

export default async function ServiceAccountsPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePageActor();
  const { id } = await params;
  const query = listServiceAccountsQuery.parse(await searchParams);
  const ns = await namespaceOr404(actor, id);
  const includeChildren = query.children === '1';
  const sort = query.sort ?? 'issued';
  const dir = query.dir ?? 'desc';
  const unused = query.unused === '1';
  const [list, directory, rules] = await Promise.all([
    listServiceAccounts(actor, id, { q: query.q, includeChildren, sort, dir, page: query.page, unused }),
    listDirectoryUsers(actor),
    lifetimeRulesBelow(actor, id),
  ]);
  const sparklines = await usageSparklines(
    actor,
    id,
    list.rows.map((a) => a.id),
  );
  const now = Date.now();
  const canManage = atLeast(ns.role, 'manager');
  const href = (patch: Record<string, string | undefined>) => {
    const sp = new URLSearchParams();
    const merged = {
      q: query.q,
      children: includeChildren ? '1' : undefined,
      unused: unused ? '1' : undefined,
      sort,
      dir,
      page: String(list.page),
      ...patch,
    };
    for (const [k, v] of Object.entries(merged)) if (v) sp.set(k, v);
    return `?${sp.toString()}`;
  };
  const sortColumn = (key: 'issued' | 'accessed' | 'expires', label: string): Column => {
    const active = sort === key;
    const next = active && dir === 'desc' ? 'asc' : 'desc';
    return {
      key,
      sort: active ? (dir === 'asc' ? 'ascending' : 'descending') : undefined,
      label: (
        <Link href={href({ sort: key, dir: next, page: '1' })} className="hover:underline">
          {label}
          {active ? (dir === 'asc' ? ' ↑' : ' ↓') : ''}
        </Link>
      ),
    };
  };

  return (
    <div>
      <PageHeader
        title="Service Accounts"
        path={ns.path}
        actions={
          canManage ? (
            <AddServiceAccount
              namespaceId={ns.id}
              namespaceName={ns.name}
              rule={rules[ns.id] ?? NO_RULE}
              directoryUsers={directory
                .filter((u) => u.active)
                .map((u) => ({ id: u.id, label: u.email ? `${u.id} (${u.email})` : u.id }))}
            />
          ) : null
        }
      />
      <form method="get" className="mb-3 flex flex-wrap items-center gap-3" role="search">
        <label className="sr-only" htmlFor="sa-filter">
          Filter
        </label>
        <input
          id="sa-filter"
          name="q"
          defaultValue={query.q ?? ''}
          placeholder="Filter by user ID or description"
          className="w-72 rounded-md border border-slate-300 px-2.5 py-1.5"
        />
        <label className="flex items-center gap-1.5">
          <input type="checkbox" name="children" value="1" defaultChecked={includeChildren} /> Include child namespaces
        </label>
        <label className="flex items-center gap-1.5">
          <input type="checkbox" name="unused" value="1" defaultChecked={unused} /> Unused for 30+ days
        </label>
        <input type="hidden" name="sort" value={sort} />
        <input type="hidden" name="dir" value={dir} />
        <Button type="submit">Apply</Button>
      </form>
      <DataTable
        columns={[
          'User ID',
          'Namespace',
          'Description',
          sortColumn('accessed', 'Last used'),
          'Last 7 days',
          sortColumn('issued', 'Issued'),
          sortColumn('expires', 'Expires'),
          ACTIONS,
        ]}
        rows={list.rows}
        empty={query.q || unused ? 'No service account matches this filter.' : 'No service accounts here yet.'}
        row={(a) => (
          <tr key={a.id} className={a.disabled ? 'bg-slate-50 text-slate-500' : ''}>
            <Cell className="font-mono text-xs">
              <Link href={`/ns/${a.namespaceId}/service-accounts/${a.id}`} className="hover:underline">
                {a.userId}
              </Link>
              {a.impersonating ? (
                <span className="ml-1.5 rounded bg-sky-50 px-1 py-0.5 font-sans text-[11px] text-sky-800">
                  impersonates
                </span>
              ) : null}
              {a.disabled ? (
                <span className="ml-1.5 rounded bg-slate-200 px-1 py-0.5 font-sans text-[11px] text-slate-700">
                  disabled
                </span>
              ) : null}
              <AccountStatus
                disabled={a.disabled}
                disabledReason={a.disabledReason}
                previousValidUntil={a.previousValidUntil}
                now={now}
              />
            </Cell>
            <Cell>
              <Link href={`/ns/${a.namespaceId}`} className="hover:underline">
                {a.namespaceName}
              </Link>
            </Cell>
            <Cell className="max-w-xs truncate" title={a.description}>
              {a.description}
            </Cell>
            <Cell className="whitespace-nowrap">
              <LocalTime iso={a.accessedAt?.toISOString() ?? null} empty="Never" />
            </Cell>
            <Cell>
              <UsageSparkline usage={sparklines.get(a.id)} />
            </Cell>
            <Cell className="whitespace-nowrap">
              <LocalTime iso={a.issuedAt.toISOString()} />
            </Cell>
            <Cell
              className={`whitespace-nowrap ${expiryTone(a.expiresAt, now)}`}
              data-expiry={
                a.expiresAt
                  ? a.expiresAt.getTime() <= now
                    ? 'expired'
                    : a.expiresAt.getTime() - now < 7 * DAY
                      ? 'soon'
                      : 'later'
                  : 'never'
              }
            >
              <LocalTime iso={a.expiresAt?.toISOString() ?? null} empty="Never" />
              {a.expiresAt && a.expiresAt.getTime() <= now ? <span className="ml-1">(expired)</span> : null}
            </Cell>
            <Cell className="text-right">
              {canManage ? (
                <RowActions
                  id={a.id}
                  userId={a.userId}
                  description={a.description}
                  disabled={a.disabled}
                  // Rotating an impersonating account takes Admin, as creating one does.
                  rotation={!a.impersonating || atLeast(ns.role, 'admin') ? (rules[a.namespaceId] ?? NO_RULE) : null}
                />
              ) : null}
            </Cell>
          </tr>
        )}
      />
      <Pagination
        summary={`${list.total} account${list.total === 1 ? '' : 's'} · page ${list.page} of ${list.pageCount}`}
        links={[
          list.page > 1 ? { label: 'Previous', href: href({ page: String(list.page - 1) }) } : null,
          list.page < list.pageCount ? { label: 'Next', href: href({ page: String(list.page + 1) }) } : null,
        ]}
      />
    </div>
  );
}
