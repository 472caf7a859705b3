import { test, expect, type Locator, type Page } from '@playwright/test';
import { createAccount, newNamespace, unique } from './fixtures';

// Usage at a glance (issue 13): the namespace dashboard with its charts and their table
// fallback, the account page's 30-day chart and top routes, the accounts list's last use
// and 7-day sparkline. Requests go to the real verify endpoints; the server writes their
// counts in batches (every 10 s), so the pages are reloaded until they show them.

const CLIENT = '198.51.100.23';

/** The chart figure with this caption. */
const chart = (page: Page, caption: string) => page.getByRole('figure', { name: caption });
/** The chart itself: one image, its label the summary (Recharts' own SVGs sit inside it). */
const image = (figure: Locator) => figure.locator('[data-chart][role="img"]');

/** The table behind a chart, shown with its toggle; its rows as [label, allowed, refused]. */
async function asTable(figure: Locator): Promise<string[][]> {
  await figure.getByRole('button', { name: 'Show as table' }).click();
  await expect(figure.getByRole('button', { name: 'Show as chart' })).toHaveAttribute('aria-pressed', 'true');
  const table = figure.getByRole('table');
  await expect(table).toBeVisible();
  await expect(image(figure)).toHaveCount(0);
  return table
    .getByRole('row')
    .evaluateAll((rows) => rows.slice(1).map((r) => [...r.children].map((c) => (c.textContent ?? '').trim())));
}

test('dashboard, account page and accounts list show what the verify endpoints decided', async ({ page }) => {
  const nsId = await newNamespace(page, 'dash');

  // A new namespace: the first steps, every count at zero.
  const start = page.getByRole('region', { name: 'Getting started' });
  await expect(start).toBeVisible();
  await expect(start.getByRole('listitem')).toHaveText([
    /Create a service account/,
    /Add a route/,
    /Configure the proxy/,
  ]);
  await expect(page.locator('[data-count="Active"]')).toHaveText('0');

  const userId = unique('dash-bot');
  const token = await createAccount(page, nsId, userId);
  await page.goto(`/ns/${nsId}`);
  await expect(start.getByRole('listitem').first()).toContainText('(done)');

  // A route without a policy: the account's requests there are refused (and counted).
  const host = `${unique('dash')}.example.com`;
  await page.goto(`/ns/${nsId}/routes`);
  await page.getByRole('button', { name: 'Add Route' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name', { exact: true }).fill('Closed API');
  await dialog.getByLabel('From', { exact: true }).fill(`https://${host}`);
  await dialog.getByLabel('To', { exact: true }).fill('http://closed.internal:8080');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'Closed API' })).toBeVisible();

  const headers = { authorization: `Pomerium ${token}`, 'x-forwarded-for': CLIENT };
  for (let i = 0; i < 2; i++) expect((await page.request.get('/api/v1/verify', { headers })).status()).toBe(200);
  const refused = await page.request.get('/api/v1/verify/forward-auth', {
    headers: { ...headers, 'x-forwarded-host': host, 'x-forwarded-uri': '/x', 'x-forwarded-method': 'GET' },
  });
  expect(refused.status()).toBe(403);

  // The dashboard: no more first steps, the account active, 2 allowed and 1 refused today.
  const decisions = chart(page, 'Decisions, last 24 hours (UTC)');
  await expect(async () => {
    await page.goto(`/ns/${nsId}`);
    await expect(image(decisions)).toHaveAttribute('aria-label', /: 2 allowed and 1 refused requests\.$/, {
      timeout: 1_000,
    });
  }).toPass({ timeout: 40_000, intervals: [2_000] });
  await expect(start).toHaveCount(0);
  await expect(page.locator('[data-count="Active"]')).toHaveText('1');
  await expect(page.locator('[data-count="Unused 30+ days"]')).toHaveText('0');
  // Recharts drew the bars.
  await expect(image(decisions).locator('svg.recharts-surface').last()).toBeVisible();
  await expect(decisions.locator('.recharts-bar-rectangle').first()).toBeAttached();
  const hours = await asTable(decisions);
  expect(hours).toHaveLength(24);
  expect(hours.filter(([, a, d]) => a !== '0' || d !== '0')).toEqual([[expect.stringMatching(/^\d\d:00$/), '2', '1']]);
  await decisions.getByRole('button', { name: 'Show as chart' }).click();
  await expect(image(decisions)).toBeVisible();
  // Recent changes come from the Change History.
  const changes = page.getByRole('region', { name: 'Recent changes' });
  await expect(changes).toContainText(`created service account ${userId}`);
  await expect(changes).toContainText('created route Closed API');

  // The accounts list: last use, the sparkline, and the "unused" filter.
  await page.goto(`/ns/${nsId}/service-accounts`);
  const row = page.getByRole('row').filter({ hasText: userId });
  await expect(row.getByRole('cell').nth(3)).not.toHaveText('Never');
  await expect(row.getByRole('img', { name: /^3 requests in the last 7 days \(1 refused\)/ })).toBeVisible();
  await page.getByLabel('Unused for 30+ days').check();
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/unused=1/);
  await expect(page.getByText('No service account matches this filter.')).toBeVisible();
  await page.getByLabel('Unused for 30+ days').uncheck();
  await page.getByRole('button', { name: 'Apply' }).click();

  // The account page: 30 days, top routes, the last request's address.
  await page.getByRole('link', { name: userId }).click();
  await expect(page).toHaveURL(new RegExp(`/ns/${nsId}/service-accounts/[0-9a-f-]{36}$`));
  await expect(page.getByRole('heading', { level: 1, name: userId })).toBeVisible();
  await expect(page.locator('[data-fact="Last client address"]')).toHaveText(CLIENT);
  const days = chart(page, 'Requests per day (UTC), last 30 days');
  await expect(image(days)).toHaveAttribute('aria-label', /: 2 allowed and 1 refused requests\.$/);
  await expect(image(days).locator('.recharts-bar-rectangle').first()).toBeAttached();
  const top = page.getByRole('table', { name: 'Top routes, last 30 days' });
  await expect(top.getByRole('row').filter({ hasText: 'No route (token check or unknown host)' })).toContainText('2');
  await expect(top.getByRole('row').filter({ hasText: 'Closed API' })).toContainText(`https://${host}`);
  const perDay = await asTable(days);
  expect(perDay).toHaveLength(30);
  expect(perDay.at(-1)?.slice(1)).toEqual(['2', '1']);
});
