import { readFileSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';

export const ADMIN = { email: 'admin@postern.test', password: 'e2e-password-0123456789' };

/** A name no other test (or earlier run against the same server) has used. */
export const unique = (prefix: string) =>
  `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** What scripts/serve-test.mjs wrote about a test server it started (e2e/.state/<name>.json). */
export interface ServerState {
  logFile: string;
  dataDir: string;
  databaseUrl: string | null;
}
export const serverState = (name: string): ServerState =>
  JSON.parse(readFileSync(`e2e/.state/${name}.json`, 'utf8')) as ServerState;

// Next.js adds an empty role="alert" route announcer: look at the one with text.
export const alert = (page: Page) => page.getByRole('alert').filter({ hasText: /\S/ });

/** Adds a child to the namespace page that is open. */
export async function addNamespace(page: Page, name: string) {
  await page.getByRole('button', { name: 'Add Namespace' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByRole('button', { name: 'Create' }).click();
}

/** A namespace of the test's own under Global; answers its id. */
export async function newNamespace(page: Page, prefix: string): Promise<string> {
  await page.goto('/ns/global');
  await addNamespace(page, unique(prefix));
  await expect(page).toHaveURL(/\/ns\/[0-9a-f-]{36}$/);
  return page.url().split('/').pop()!;
}

/** A service account made through the Add dialog; answers its token (shown once). */
export async function createAccount(page: Page, nsId: string, userId: string): Promise<string> {
  await page.goto(`/ns/${nsId}/service-accounts`);
  await page.getByRole('button', { name: 'Add Service Account' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('User ID', { exact: true }).fill(userId);
  await dialog.getByRole('button', { name: 'Submit' }).click();
  const token = await dialog.getByLabel('Service account JWT').inputValue();
  await dialog.getByRole('button', { name: 'Done' }).click();
  return token;
}
