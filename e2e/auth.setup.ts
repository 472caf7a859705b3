import { test as setup, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { ADMIN, serverState } from './fixtures';

/** The setup code the server printed to its log at start, as an operator would read it. */
function setupCodeFromLog(db: string): string {
  const { logFile } = serverState(db);
  const found = [
    ...readFileSync(logFile, 'utf8').matchAll(/First-run setup code: ([A-Z2-9]{5}(?:-[A-Z2-9]{5}){3})/g),
  ].at(-1);
  if (!found) throw new Error(`no setup code in ${logFile}`);
  return found[1]!;
}

// PGlite server: no ADMIN_EMAIL, so the first visit shows the one-time setup page, which
// asks for the setup code from the server's log.
// PostgreSQL server: the admin came from the environment, so there is no setup page.
setup('first admin, then sign in', async ({ page }, info) => {
  const db = info.project.metadata.db as string;
  await page.goto('/');
  if (db === 'pglite') {
    await expect(page).toHaveURL(/\/setup$/);
    await page.getByLabel('Setup code').fill('AAAAA-BBBBB-CCCCC-DDDDD');
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await page.getByLabel('Confirm password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await expect(page.getByText('This is not the setup code.')).toBeVisible();
    await page.getByLabel('Setup code').fill(setupCodeFromLog(db));
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByLabel('Confirm password').fill('short');
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await expect(page.getByText('Use at least 12 characters.')).toBeVisible();
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await page.getByLabel('Confirm password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await expect(page).toHaveURL(/\/signin/);
  } else {
    await expect(page).toHaveURL(/\/signin/);
  }
  // Once an admin exists the setup page is gone for good.
  expect((await page.request.get('/setup')).status()).toBe(404);

  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('navigation', { name: 'Namespaces' })).toBeVisible();
  await expect(page).toHaveURL(/\/ns\/global$/);
  await page.context().storageState({ path: `e2e/.auth/${db}.json` });
});
