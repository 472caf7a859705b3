import { test, expect, type Page } from '@playwright/test';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { serverState as state, unique, type ServerState as State } from './fixtures';

async function openAddDialog(page: Page) {
  await page.goto('/ns/global/service-accounts');
  await page.getByRole('button', { name: 'Add Service Account' }).click();
  return page.getByRole('dialog');
}

/** Every byte the embedded database wrote, or every row of a PostgreSQL database, as text. */
async function databaseText(s: State): Promise<string> {
  if (s.databaseUrl) {
    const c = new pg.Client({ connectionString: s.databaseUrl });
    await c.connect();
    const { rows } = await c.query<{ tablename: string }>(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public'`,
    );
    let text = '';
    for (const { tablename } of rows)
      text += (await c.query(`SELECT t::text AS row FROM "${tablename}" t`)).rows.map((r) => r.row).join('\n');
    await c.end();
    return text;
  }
  const files: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = path.join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(path.join(s.dataDir, 'pglite'));
  return files.map((f) => readFileSync(f).toString('latin1')).join('\n');
}

test('create a service account, copy its JWT once, use it, and find no trace of it', async ({
  page,
  context,
}, info) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const userId = unique('ci-runner');
  const dialog = await openAddDialog(page);
  await dialog.getByLabel('User ID', { exact: true }).fill(userId);
  await dialog.getByLabel('Description').fill('Deploys from CI');
  await dialog.getByLabel('Expiration').selectOption({ label: '30 days' });
  await dialog.getByRole('button', { name: 'Submit' }).click();

  const field = dialog.getByLabel('Service account JWT');
  await expect(field).toBeVisible();
  await expect(dialog.getByText('It will not be shown again.')).toBeVisible();
  const token = await field.inputValue();
  expect(token.split('.')).toHaveLength(3);
  await dialog.getByRole('button', { name: 'Copy' }).click();
  await expect(dialog.getByText('Copied to the clipboard.')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  await expect(dialog.locator('pre').filter({ hasText: 'Authorization: Bearer Pomerium-' })).toHaveCount(1);

  // The token works against the verify endpoint in all three forms.
  const forms: Record<string, string>[] = [
    { authorization: `Pomerium ${token}` },
    { 'x-pomerium-authorization': token },
    { authorization: `Bearer Pomerium-${token}` },
  ];
  for (const headers of forms) {
    const res = await page.request.get('/api/v1/verify', { headers });
    expect(res.status()).toBe(200);
    expect(res.headers()['x-pomerium-claim-sub']).toBe(userId);
  }

  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  const row = page.getByRole('row').filter({ hasText: userId });
  await expect(row).toContainText('Deploys from CI');
  await page.reload();
  await expect(row).toBeVisible();
  const signature = token.split('.')[2]!;
  expect(await page.content()).not.toContain(signature);
  expect(await page.content()).not.toContain(token.split('.')[1]!);

  // Neither the server log nor the database holds the token or its signature.
  const s = state(info.project.metadata.db as string);
  expect(readFileSync(s.logFile, 'utf8')).not.toContain(signature);
  const db = await databaseText(s);
  expect(db).toContain(userId); // the record is there...
  expect(db).not.toContain(signature); // ...the token is not
  expect(db).not.toContain(token.split('.')[1]!);
});

test('revoke, disable and enable take effect at the verify endpoint at once', async ({ page }) => {
  const userId = unique('rev');
  const dialog = await openAddDialog(page);
  await dialog.getByLabel('User ID', { exact: true }).fill(userId);
  await dialog.getByRole('button', { name: 'Submit' }).click();
  const token = await dialog.getByLabel('Service account JWT').inputValue();
  await dialog.getByRole('button', { name: 'Done' }).click();
  const verify = async () => {
    const res = await page.request.get('/api/v1/verify', { headers: { authorization: `Pomerium ${token}` } });
    return { status: res.status(), body: (await res.json()) as { error?: string } };
  };
  expect((await verify()).status).toBe(200);

  await page.getByRole('button', { name: `Disable ${userId}` }).click();
  await expect(page.getByRole('button', { name: `Enable ${userId}` })).toBeVisible();
  expect(await verify()).toEqual({ status: 401, body: { error: 'disabled' } });
  await page.getByRole('button', { name: `Enable ${userId}` }).click();
  await expect(page.getByRole('button', { name: `Disable ${userId}` })).toBeVisible();
  expect((await verify()).status).toBe(200);

  await page.getByRole('button', { name: `Revoke ${userId}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByRole('row').filter({ hasText: userId })).toHaveCount(0);
  expect(await verify()).toEqual({ status: 401, body: { error: 'revoked' } });
});

test('bad input shows a message on the field and creates nothing', async ({ page }) => {
  const taken = unique('Taken');
  let dialog = await openAddDialog(page);
  await dialog.getByLabel('User ID', { exact: true }).fill(taken);
  await dialog.getByRole('button', { name: 'Submit' }).click();
  await dialog.getByRole('button', { name: 'Done' }).click();

  dialog = await openAddDialog(page);
  await dialog.getByLabel('User ID', { exact: true }).fill(taken.toUpperCase());
  await dialog.getByRole('button', { name: 'Submit' }).click();
  await expect(dialog.getByText(/already taken/)).toBeVisible();

  await dialog.getByLabel('User ID', { exact: true }).fill('has spaces');
  await dialog.getByRole('button', { name: 'Submit' }).click();
  await expect(dialog.getByText('Use only letters, digits and . - _ @ (no spaces).')).toBeVisible();

  await dialog.getByLabel('User ID', { exact: true }).fill(unique('past'));
  await dialog.getByLabel('Expiration').selectOption({ label: 'Custom date and time' });
  await dialog.getByLabel('Expires at (your time zone)').fill('2020-01-01T10:00');
  await dialog.getByRole('button', { name: 'Submit' }).click();
  await expect(dialog.getByText('The expiry must lie in the future.')).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await page.goto(`/ns/global/service-accounts?q=${encodeURIComponent(taken)}`);
  await expect(page.getByRole('row').filter({ hasText: taken })).toHaveCount(1);
});

test('an expiry within 7 days is shown in amber', async ({ page }) => {
  const userId = unique('soon');
  const dialog = await openAddDialog(page);
  await dialog.getByLabel('User ID', { exact: true }).fill(userId);
  await dialog.getByLabel('Expiration').selectOption({ label: '7 days' });
  await dialog.getByRole('button', { name: 'Submit' }).click();
  await dialog.getByRole('button', { name: 'Done' }).click();
  const cell = page.getByRole('row').filter({ hasText: userId }).locator('td[data-expiry]');
  await expect(cell).toHaveAttribute('data-expiry', 'soon');
  await expect(cell).toHaveClass(/text-amber-700/);
});
