import { test, expect, type Page } from '@playwright/test';
import { createAccount, unique } from './fixtures';
import { startVerifier, type RunningVerifier } from '../tests/support/verifier';
import { within } from '../tests/support/poll';

// The scale-out journey on each database (on the embedded one every change goes through
// this console process): an admin adds two verifiers on the Verifiers page, runs them
// next to the "proxy", and what they do in the console reaches both at once.

const running: RunningVerifier[] = [];
test.afterEach(async () => {
  await Promise.all(running.splice(0).map((v) => v.stop()));
});

async function addVerifier(page: Page, name: string): Promise<string> {
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
  await page.getByRole('button', { name: 'Add Verifier' }).click();
  const field = page.getByLabel('Verifier credential');
  await expect(field).toBeVisible();
  await expect(field).toHaveAttribute('readonly', '');
  await expect(page.getByText('It will not be shown again.')).toBeVisible();
  const credential = await field.inputValue();
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(field).toHaveCount(0);
  return credential;
}

test('add two verifiers, follow the console, revoke: both refuse at once; a revoked verifier stops', async ({
  page,
  baseURL,
}) => {
  test.setTimeout(90_000);
  await page.goto('/verifiers');
  await expect(page.getByRole('heading', { name: 'Verifiers', level: 1 })).toBeVisible();
  const names = [unique('edge-a'), unique('edge-b')];
  for (const name of names) {
    const credential = await addVerifier(page, name);
    expect(credential).toMatch(/^postern_verifier_/);
    running.push(
      await startVerifier({ POSTERN_URL: baseURL, VERIFIER_CREDENTIAL: credential, VERIFIER_MAX_STALENESS: '2' }),
    );
  }
  // The credential is on the page once only: after a reload no row shows it.
  for (const v of running)
    expect(await within(async () => (await fetch(`${v.url}/readyz`)).status === 200, 20_000, 50)).not.toBeNull();
  await page.reload();
  for (const name of names) await expect(page.getByRole('row').filter({ hasText: name })).toContainText('Connected');
  await expect(page.getByLabel('Verifier credential')).toHaveCount(0);

  const userId = unique('via-verifier');
  const token = await createAccount(page, 'global', userId);
  const verify = (v: RunningVerifier) =>
    fetch(`${v.url}/api/v1/verify`, { headers: { authorization: `Pomerium ${token}` } });
  for (const v of running) {
    expect(await within(async () => (await verify(v)).status === 200, 2_000)).not.toBeNull();
    expect((await verify(v)).headers.get('x-pomerium-claim-sub')).toBe(userId);
  }

  await page.getByRole('button', { name: `Revoke ${userId}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByRole('row').filter({ hasText: userId })).toHaveCount(0);
  for (const v of running) {
    // The console answered the revoke; within a moment both verifiers refuse the token.
    expect(await within(async () => (await verify(v)).status === 401, 1_000)).not.toBeNull();
    expect(await (await verify(v)).json()).toEqual({ error: 'revoked' });
  }

  // Revoking a verifier cuts it off: it answers 503 once its staleness limit (2 s) passes.
  await page.goto('/verifiers');
  const [, b] = names;
  await page.getByRole('button', { name: `Revoke ${b}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByRole('row').filter({ hasText: b! })).toContainText('Revoked');
  expect(
    await within(async () => (await fetch(`${running[1]!.url}/readyz`)).status === 503, 8_000, 100),
  ).not.toBeNull();
  expect((await fetch(`${running[0]!.url}/readyz`)).status).toBe(200);

  await page.goto('/history');
  await expect(page.getByRole('row').filter({ hasText: 'Verifier' }).first()).toBeVisible();
});
