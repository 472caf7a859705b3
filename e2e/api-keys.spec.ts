import { readFileSync } from 'node:fs';
import { test, expect, type Page } from '@playwright/test';
import { createAccount, newNamespace, serverState, unique } from './fixtures';

// Personal API keys and console roles for service accounts (the REST API's credentials),
// and the API reference page. API calls go out with Node's fetch: no session cookie, the
// key alone.

const api = (baseURL: string, credential: string, path = '/api/v1/namespaces') =>
  fetch(`${baseURL}${path}`, { headers: { authorization: `Bearer ${credential}` } });

test('an API key is shown once, calls the API, and is refused once revoked', async ({ page, baseURL }, info) => {
  const name = unique('deploy');
  await page.goto('/account/api-keys');
  await page.getByRole('button', { name: 'Create API key' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name', { exact: true }).fill(name);
  await dialog.getByLabel('Role cap').selectOption({ label: 'Viewer' });
  await dialog.getByLabel('Expires').selectOption({ label: '30 days' });
  await dialog.getByRole('button', { name: 'Create', exact: true }).click();

  await expect(dialog.getByText('It will not be shown again.')).toBeVisible();
  const key = await dialog.getByRole('textbox', { name: 'API key', exact: true }).inputValue();
  expect(key).toMatch(/^postern_key_\S{20,}$/);
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);

  const row = page.getByRole('table', { name: 'API keys' }).getByRole('row').filter({ hasText: name });
  await expect(row).toContainText('Viewer');
  await expect(row).toContainText('Active');
  expect(await page.content()).not.toContain(key);
  await page.reload();
  await expect(row).toContainText('Never'); // not used yet
  expect(await page.content()).not.toContain(key);

  // The key alone (no session) reads the API as its owner, capped at Viewer.
  const ok = await api(baseURL!, key);
  expect(ok.status).toBe(200);
  expect((await ok.json()).items).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'global' })]));
  await page.reload();
  await expect(row).not.toContainText('Never');

  await row.getByRole('button', { name: `Revoke ${name}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke', exact: true }).click();
  await expect(row).toContainText('Revoked');
  const refused = await api(baseURL!, key);
  expect(refused.status).toBe(401);
  expect(refused.headers.get('content-type')).toContain('application/problem+json');

  // The server never logged it.
  expect(readFileSync(serverState(info.project.metadata.db as string).logFile, 'utf8')).not.toContain(key);
});

test('a service account given a console role is listed as one and calls the API with its token', async ({
  page,
  baseURL,
}) => {
  const nsId = await newNamespace(page, 'e2e-sa-role');
  const userId = unique('pipeline');
  const token = await createAccount(page, nsId, userId);
  // No role yet: its token is no API credential.
  expect((await api(baseURL!, token)).status).toBe(403);

  await page.goto(`/ns/${nsId}/members`);
  const form = page.getByRole('form', { name: 'Grant a role' });
  await form.getByLabel('Member type').selectOption({ label: 'Service account' });
  await form.getByLabel('Service account').selectOption({ label: userId });
  await form.getByLabel('Role').selectOption({ label: 'Manager' });
  await form.getByRole('button', { name: 'Grant role' }).click();
  const row = page.getByRole('row').filter({ hasText: userId });
  await expect(row).toContainText('service account');
  await expect(row).toContainText('Manager');

  await page.goto(`/ns/${nsId}/service-accounts`);
  await page.getByRole('link', { name: userId }).click();
  await expect(page.locator('[data-fact="Console role"]')).toContainText('Manager in this namespace');

  const res = await api(baseURL!, token, `/api/v1/namespaces/${nsId}`);
  expect(res.status).toBe(200);
});

test('the API reference draws the OpenAPI document under a strict policy and sends requests, to this origin only', async ({
  page,
  baseURL,
}) => {
  const doc = (await (await fetch(`${baseURL}/api/v1/openapi.json`)).json()) as {
    info: { title: string };
    paths: Record<string, Record<string, { summary?: string }>>;
  };
  const summaries = Object.values(doc.paths)
    .flatMap((ops) => Object.values(ops).map((o) => o.summary))
    .filter((s): s is string => !!s);
  expect(summaries.length).toBeGreaterThan(5);

  const key = await createKey(page);
  const elsewhere: string[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).origin !== new URL(baseURL!).origin) elsewhere.push(r.url());
  });
  await page.addInitScript(() => {
    (window as unknown as { violations: string[] }).violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { violations: string[] }).violations.push(`${e.effectiveDirective} ${e.blockedURI}`),
    );
  });
  const response = await page.goto('/api-docs');
  const csp = response!.headers()['content-security-policy'] ?? '';
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'(;|$)/);
  expect(csp).not.toContain('unsafe-eval');

  const reference = page.getByRole('region', { name: 'API reference' });
  await expect(reference.getByRole('heading', { name: doc.info.title })).toBeVisible({ timeout: 20_000 });
  for (const summary of summaries.slice(0, 3)) await expect(reference.getByText(summary).first()).toBeAttached();
  // Scalar probes for eval and carries on without it; nothing else is blocked.
  const violations = await page.evaluate(() => (window as unknown as { violations: string[] }).violations);
  expect(violations.filter((v) => v !== 'script-src eval')).toEqual([]);

  // Interactive: a request sent from the reference with an API key reaches the API (same origin).
  await reference.getByPlaceholder('Token').first().fill(key);
  await reference
    .getByRole('button', { name: /Test Request/ })
    .first()
    .click();
  await page.getByRole('button', { name: /^Send/ }).first().click();
  await expect(page.getByText('200 OK').first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Open API Client' })).toHaveCount(0);
  expect(await page.evaluate((k) => JSON.stringify({ ...localStorage }).includes(k), key)).toBe(false);
  expect(elsewhere).toEqual([]);
});

/** A Viewer key made through the Create dialog; answers the key (shown once). */
async function createKey(page: Page): Promise<string> {
  await page.goto('/account/api-keys');
  await page.getByRole('button', { name: 'Create API key' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name', { exact: true }).fill(unique('reference'));
  await dialog.getByRole('button', { name: 'Create', exact: true }).click();
  const key = await dialog.getByRole('textbox', { name: 'API key', exact: true }).inputValue();
  await dialog.getByRole('button', { name: 'Done' }).click();
  return key;
}
