import { test, expect } from '@playwright/test';

// Retiring a key breaks every token it signed: the console asks first, in its own modal
// (never the browser's confirm()), and Cancel leaves the key as it was. The test retires
// nothing, since other specs hold tokens signed by these keys.
test("retiring a signing key asks in the app's modal and can be cancelled", async ({ page }) => {
  const nativeDialogs: string[] = [];
  page.on('dialog', (d) => {
    nativeDialogs.push(d.message());
    void d.dismiss();
  });

  await page.goto('/keys');
  await page.getByRole('button', { name: 'Rotate key' }).click();
  // After a rotation the previous key verifies only, and only such a key can be retired.
  const retire = page.getByRole('button', { name: /^Retire / }).first();
  await expect(retire).toBeVisible();
  const kid = (await retire.getAttribute('aria-label'))!.slice('Retire '.length);
  const row = page.getByRole('row').filter({ hasText: kid });
  await expect(row).toContainText('Verifying only');

  await retire.click();
  const dialog = page.getByRole('dialog', { name: 'Retire this key?' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('Tokens it signed stop working at once.');
  await expect(dialog.getByRole('button', { name: 'Retire', exact: true })).toBeEnabled();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();

  await page.reload();
  await expect(row).toContainText('Verifying only');
  await expect(page.getByRole('button', { name: `Retire ${kid}` })).toBeVisible();
  expect(nativeDialogs).toEqual([]);
});
