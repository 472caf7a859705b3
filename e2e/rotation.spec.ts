import { test, expect, type Page } from '@playwright/test';
import { alert, createAccount, newNamespace, unique } from './fixtures';

const verifyAs = async (page: Page, token: string) =>
  (await page.request.get('/api/v1/verify', { headers: { authorization: `Pomerium ${token}` } })).status();

/** A local date-time as a datetime-local input takes it, `days` from now. */
const localInput = (days: number) => {
  const d = new Date(Date.now() + days * 86_400_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
};

test('rotate a token: the new one is shown once, the list shows the grace, the old one stops after', async ({
  page,
}) => {
  const nsId = await newNamespace(page, 'rotation');
  const userId = unique('rotating-bot');
  const first = await createAccount(page, nsId, userId);
  expect(await verifyAs(page, first)).toBe(200);

  const row = page.getByRole('row').filter({ hasText: userId });
  await row.getByRole('button', { name: `Rotate ${userId}` }).click();
  let dialog = page.getByRole('dialog');
  // No lifetime rule here: the new token may never expire, as at creation.
  await expect(dialog.getByLabel('Expiration')).toHaveValue('never');
  await expect(dialog.getByLabel('Old token valid for')).toHaveValue('24h');
  await dialog.getByLabel('Old token valid for').selectOption({ label: '24 hours' });
  await dialog.getByRole('button', { name: 'Rotate' }).click();
  await expect(dialog.getByRole('heading', { name: 'Token rotated' })).toBeVisible();
  await expect(dialog.getByText('It will not be shown again.')).toBeVisible();
  await expect(dialog.getByTestId('old-token-fate')).toContainText('The old token keeps working until');
  const second = await dialog.getByLabel('Service account JWT').inputValue();
  expect(second.split('.')).toHaveLength(3);
  expect(second).not.toBe(first);
  // Both work during the grace.
  expect(await verifyAs(page, first)).toBe(200);
  expect(await verifyAs(page, second)).toBe(200);
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(row.getByTestId('account-status')).toContainText('rotating, old token valid until');
  // Shown once: not on the page afterwards.
  await page.reload();
  expect(await page.content()).not.toContain(second.split('.')[2]!);

  // Again, with no grace: only the newest token works; the list no longer shows a grace.
  await row.getByRole('button', { name: `Rotate ${userId}` }).click();
  dialog = page.getByRole('dialog');
  await dialog.getByLabel('Old token valid for').selectOption({ label: 'None: the old token stops now' });
  await dialog.getByRole('button', { name: 'Rotate' }).click();
  await expect(dialog.getByTestId('old-token-fate')).toHaveText('The old token no longer works.');
  const third = await dialog.getByLabel('Service account JWT').inputValue();
  await dialog.getByRole('button', { name: 'Done' }).click();
  expect(await verifyAs(page, first)).toBe(401);
  expect(await verifyAs(page, second)).toBe(401);
  expect(await verifyAs(page, third)).toBe(200);
  await expect(row.getByTestId('account-status')).toHaveCount(0);
});

test('a lifetime rule disables the expiry choices beyond it, and the server refuses a date beyond it', async ({
  page,
}) => {
  const nsId = await newNamespace(page, 'lifetime');
  await page.goto(`/ns/${nsId}/settings`);
  await page.getByLabel('Maximum token lifetime (days)').fill('30');
  await page.getByRole('button', { name: 'Save rules' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved.');
  await expect(page.getByTestId('rules-in-force')).toContainText('New tokens expire within 30 days');

  await page.goto(`/ns/${nsId}/service-accounts`);
  await page.getByRole('button', { name: 'Add Service Account' }).click();
  const dialog = page.getByRole('dialog');
  const expiration = dialog.getByLabel('Expiration');
  await expect(dialog.getByText(/limits new tokens to 30 days\. Longer choices are disabled\./)).toBeVisible();
  await expect(expiration).toHaveValue('30');
  await expect(expiration.locator('option[value="never"]')).toBeDisabled();
  await expect(expiration.locator('option[value="never"]')).toHaveText('Never (not allowed: over 30 days)');
  await expect(expiration.locator('option[value="60"]')).toBeDisabled();
  await expect(expiration.locator('option[value="90"]')).toBeDisabled();
  await expect(expiration.locator('option[value="30"]')).toBeEnabled();
  await expect(expiration.locator('option[value="7"]')).toBeEnabled();

  // A custom date beyond the rule: refused by the server, on the field.
  const userId = unique('limited');
  await dialog.getByLabel('User ID', { exact: true }).fill(userId);
  await expiration.selectOption('custom');
  await dialog.getByLabel('Expires at (your time zone)').fill(localInput(45));
  await dialog.getByRole('button', { name: 'Submit' }).click();
  await expect(alert(page).filter({ hasText: 'Choose an expiry within 30 days' })).toBeVisible();
  await expect(dialog.getByLabel('Service account JWT')).toHaveCount(0);

  await expiration.selectOption('30');
  await dialog.getByRole('button', { name: 'Submit' }).click();
  await expect(dialog.getByLabel('Service account JWT')).toBeVisible();
});
