import { test, expect } from '@playwright/test';
import { createAccount, newNamespace, unique } from './fixtures';

test('build a policy visually, edit its YAML, attach it to a route, and see it enforced', async ({ page }) => {
  const nsId = await newNamespace(page, 'Apps');

  const allowed = unique('bot-allowed');
  const other = unique('bot-other');
  const allowedToken = await createAccount(page, nsId, allowed);
  const otherToken = await createAccount(page, nsId, other);

  // Builder: allow the first account.
  await page.goto(`/ns/${nsId}/policies`);
  await page.getByRole('link', { name: 'Add Policy' }).click();
  await page.getByLabel('Name', { exact: true }).fill('Only the allowed bot');
  await page.getByLabel('Explanation').fill('Only bot-allowed may call this API.');
  await page.getByRole('tab', { name: 'Builder' }).click();
  const allow = page.getByRole('group', { name: 'Allow' });
  await allow.getByRole('button', { name: 'Remove criterion' }).first().click();
  await allow.getByRole('button', { name: 'Add Criterion' }).click();
  await allow.getByLabel('Criterion', { exact: true }).last().selectOption('user');
  await allow.getByLabel('Value', { exact: true }).last().fill(allowed);

  // Editor: the YAML follows the builder.
  await page.getByRole('tab', { name: 'Editor' }).click();
  const yaml = page.getByLabel('Policy YAML');
  await expect(yaml).toHaveValue(new RegExp(`user:[\\s\\S]*${allowed}`));

  // Bad YAML is reported at its line and blocks saving.
  const good = await yaml.inputValue();
  await yaml.fill(`${good}deny:\n  or:\n    - http_method:\n        equals: POST\n`);
  await expect(page.getByRole('alert').filter({ hasText: /unknown matcher "equals"/ })).toContainText(/Line \d+/);

  // Fixed YAML: the builder follows.
  await yaml.fill(`${good}deny:\n  or:\n    - http_method:\n        is: DELETE\n`);
  await page.getByRole('tab', { name: 'Builder' }).click();
  const deny = page.getByRole('group', { name: 'Deny' });
  await expect(deny).toBeVisible();
  await expect(deny.getByLabel('Criterion', { exact: true })).toHaveValue('http_method');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(new RegExp(`/ns/${nsId}/policies$`));
  await expect(page.getByRole('link', { name: 'Only the allowed bot' })).toBeVisible();

  // Attach it to a route.
  const host = `${unique('api')}.example.com`;
  await page.goto(`/ns/${nsId}/routes`);
  await page.getByRole('button', { name: 'Add Route' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name', { exact: true }).fill('Orders API');
  await dialog.getByLabel('From', { exact: true }).fill(`https://${host}/orders`);
  await dialog.getByLabel('To', { exact: true }).fill('http://orders.internal:8080');
  await dialog.getByLabel('Only the allowed bot').check();
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'Orders API' })).toContainText('Only the allowed bot');

  // The verify endpoint enforces it.
  const ask = async (token: string, method = 'GET', uri = '/orders/42') => {
    const res = await page.request.fetch('/api/v1/verify/forward-auth', {
      method: 'GET',
      headers: {
        authorization: `Pomerium ${token}`,
        'x-forwarded-host': host,
        'x-forwarded-proto': 'https',
        'x-forwarded-uri': uri,
        'x-forwarded-method': method,
      },
    });
    return { status: res.status(), body: (await res.json()) as Record<string, string> };
  };
  expect((await ask(allowedToken)).status).toBe(200);
  expect(await ask(otherToken)).toMatchObject({
    status: 403,
    body: { error: 'forbidden', explanation: 'Only bot-allowed may call this API.' },
  });
  expect((await ask(allowedToken, 'DELETE')).status).toBe(403);
  expect(await ask(allowedToken, 'GET', '/elsewhere')).toMatchObject({ status: 403, body: { error: 'no_route' } });

  // The console's own check tool agrees, and names the rule.
  await page.goto(`/ns/${nsId}/policy-check`);
  await page.getByLabel('Account or user').fill(other);
  await page.getByLabel('Path').fill('/orders/1');
  await page.getByRole('button', { name: 'Check' }).click();
  await expect(page.getByRole('region', { name: 'Result' })).toContainText('403');
  await page.getByLabel('Account or user').fill(allowed);
  await page.getByRole('button', { name: 'Check' }).click();
  await expect(page.getByRole('region', { name: 'Result' })).toContainText(
    '200 · Allowed by policy "Only the allowed bot"',
  );
});

test('route From must be https without a query string; duplicates are refused', async ({ page }) => {
  await page.goto('/ns/global/routes');
  await page.getByRole('button', { name: 'Add Route' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name', { exact: true }).fill('Bad');
  await dialog.getByLabel('To', { exact: true }).fill('http://up:1');
  await dialog.getByLabel('From', { exact: true }).fill('http://plain.example.com');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog.getByText('The From URL must start with https://')).toBeVisible();
  await dialog.getByLabel('From', { exact: true }).fill('https://q.example.com/?a=1');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog.getByText('The From URL must not have a query string.')).toBeVisible();
  const host = `${unique('dup')}.example.com`;
  await dialog.getByLabel('From', { exact: true }).fill(`https://${host}`);
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await page.getByRole('button', { name: 'Add Route' }).click();
  await dialog.getByLabel('Name', { exact: true }).fill('Again');
  await dialog.getByLabel('To', { exact: true }).fill('http://up:1');
  await dialog.getByLabel('From', { exact: true }).fill(`https://${host.toUpperCase()}/`);
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog.getByText(/already served by another route/)).toBeVisible();
});
