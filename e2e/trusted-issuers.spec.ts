import { test, expect } from '@playwright/test';
import { alert, createAccount, newNamespace, unique } from './fixtures';

test('trust GitHub Actions in a namespace, then let one repository’s main branch become an account', async ({
  page,
}) => {
  const nsId = await newNamespace(page, 'federation');
  await page.getByRole('link', { name: 'Trusted Issuers' }).click();
  await expect(page).toHaveURL(`/ns/${nsId}/trusted-issuers`);
  await expect(page.getByText('No trusted issuers here yet.')).toBeVisible();

  await page.getByRole('button', { name: 'Add trusted issuer' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByLabel('Platform')).toHaveValue('github');
  await expect(dialog.getByLabel('Issuer URL')).toHaveValue('https://token.actions.githubusercontent.com');
  // Production issuers are https: plain http is refused on the server.
  await dialog.getByLabel('Issuer URL').fill('http://token.example');
  await dialog.getByLabel('Expected audience').fill('https://postern.example');
  await dialog.getByRole('button', { name: 'Add issuer' }).click();
  await expect(dialog.getByText(/must use https/)).toBeVisible();
  await dialog.getByLabel('Issuer URL').fill('https://token.actions.githubusercontent.com');
  await dialog.getByLabel('Longest lifetime of exchanged tokens').selectOption({ label: '30 minutes' });
  await dialog.getByRole('button', { name: 'Add issuer' }).click();
  await expect(dialog).toBeHidden();
  const issuerRow = page.getByRole('row').filter({ hasText: 'token.actions.githubusercontent.com' });
  await expect(issuerRow).toContainText('GitHub Actions');
  await expect(issuerRow).toContainText('https://postern.example');
  await expect(issuerRow).toContainText('30 minutes');

  const userId = unique('deployer');
  await createAccount(page, nsId, userId);
  await page.getByRole('link', { name: userId }).click();
  await expect(page.getByRole('heading', { name: userId })).toBeVisible();
  const rules = page.getByRole('region', { name: 'Trust rules' });
  await expect(rules.getByText('No trust rules')).toBeVisible();

  const form = page.getByRole('form', { name: 'Add a trust rule' });
  await expect(form.getByLabel('Claim 1')).toHaveValue('repository');
  await expect(form.getByLabel('Value 1')).toHaveValue('acme/api');
  // Without a condition that pins a value from its start, the rule is refused.
  await form.getByLabel('Matcher 1').selectOption('ends_with');
  await form.getByRole('button', { name: 'Add rule' }).click();
  await expect(alert(page).filter({ hasText: 'is, in or starts_with' })).toBeVisible();
  await form.getByLabel('Matcher 1').selectOption('is');
  await form.getByRole('button', { name: 'Add condition' }).click();
  await form.getByLabel('Claim 2').fill('ref');
  await form.getByLabel('Matcher 2').selectOption('starts_with');
  await form.getByLabel('Value 2').fill('refs/heads/main');
  await form.getByLabel('Description (optional)').fill('Deploys from main');

  const preview = form.getByRole('region', { name: 'Rule preview' });
  await expect(preview).toContainText('repository is "acme/api"');
  await expect(preview).toContainText('ref starts_with "refs/heads/main"');
  // The issuer caps the lifetime at 30 minutes, whatever the rule asks.
  await expect(preview).toContainText(`a token of ${userId} valid for 30 minutes`);
  await form.getByRole('button', { name: 'Add rule' }).click();

  const ruleRow = rules.getByRole('row').filter({ hasText: 'Deploys from main' });
  await expect(ruleRow).toContainText('repository is "acme/api"');
  await expect(ruleRow).toContainText('ref starts_with "refs/heads/main"');
  await expect(ruleRow).toContainText('30 minutes');

  await page.goto(`/ns/${nsId}/trusted-issuers`);
  await expect(page.getByRole('row').filter({ hasText: 'token.actions.githubusercontent.com' })).toContainText('1');

  // Removing the issuer removes its rules with it, after a confirmation that says so.
  await page.getByRole('button', { name: 'Remove GitHub Actions' }).click();
  await expect(page.getByRole('dialog')).toContainText('The trust rule that uses it is removed');
  await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByText('No trusted issuers here yet.')).toBeVisible();
  await page.goto(`/ns/${nsId}/service-accounts`);
  await page.getByRole('link', { name: userId }).click();
  await expect(page.getByRole('region', { name: 'Trust rules' }).getByText('No trust rules')).toBeVisible();
});
