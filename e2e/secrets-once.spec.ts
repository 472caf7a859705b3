import { test, expect, type Page } from '@playwright/test';
import { unique } from './fixtures';

// A SCIM token and a verifier credential are issued the same way: a name, then the secret,
// shown once in place of the form until Done, and never again.
async function issue(page: Page, form: string, nameLabel: string, submit: string, secretLabel: string) {
  const name = unique('e2e');
  await page.getByRole('form', { name: form }).getByLabel(nameLabel, { exact: true }).fill(name);
  await page.getByRole('button', { name: submit }).click();
  await expect(page.getByText('It will not be shown again.')).toBeVisible();
  const secret = page.getByRole('textbox', { name: secretLabel, exact: true });
  expect((await secret.inputValue()).length).toBeGreaterThan(20);
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(secret).toHaveCount(0);
  await expect(page.getByRole('form', { name: form })).toBeVisible();
  return name;
}

test('a SCIM token is shown once, listed, and revoked after a confirmation', async ({ page }) => {
  await page.goto('/directory');
  const name = await issue(page, 'Create SCIM token', 'Token name', 'Create token', 'SCIM token');
  const row = page.getByRole('table', { name: 'SCIM tokens' }).getByRole('row').filter({ hasText: name });
  await expect(row).toContainText('Active');
  await row.getByRole('button', { name: `Revoke ${name}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke', exact: true }).click();
  await expect(row).toContainText('Revoked');
});

test('a verifier credential is shown once and the verifier is listed', async ({ page }) => {
  await page.goto('/verifiers');
  const name = await issue(page, 'Add Verifier', 'Name', 'Add Verifier', 'Verifier credential');
  await expect(page.getByRole('table', { name: 'Verifiers' }).getByRole('row').filter({ hasText: name })).toContainText(
    'Never connected',
  );
});
