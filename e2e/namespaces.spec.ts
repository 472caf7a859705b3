import { test, expect, type Page } from '@playwright/test';
import { ADMIN, addNamespace, unique } from './fixtures';

const tree = (page: Page) => page.getByRole('navigation', { name: 'Namespaces' });

test('anonymous visitors are sent to the sign-in page; wrong passwords are refused', async ({ browser }) => {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto('/ns/global');
  await expect(page).toHaveURL(/\/signin/);
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('Wrong email or password.')).toBeVisible();
  await expect(page).toHaveURL(/\/signin/);
  await context.close();
});

test('create a namespace tree, link to it, rename and delete', async ({ page }) => {
  const parent = unique('Platform');
  const child = unique('Payments');
  await page.goto('/ns/global');
  await expect(page.getByRole('heading', { level: 1, name: 'Global' })).toBeVisible();

  await addNamespace(page, `  ${parent}  `);
  await expect(page.getByRole('heading', { level: 1, name: parent })).toBeVisible();
  await expect(tree(page).getByRole('link', { name: parent })).toHaveAttribute('aria-current', 'page');
  const parentUrl = page.url();
  expect(parentUrl).toMatch(/\/ns\/[0-9a-f-]{36}$/);

  await addNamespace(page, child);
  await expect(page.getByRole('heading', { level: 1, name: child })).toBeVisible();
  const breadcrumb = page.getByRole('navigation', { name: 'Breadcrumb' });
  await expect(breadcrumb).toContainText('Global');
  await expect(breadcrumb).toContainText(parent);

  // The URL can be reloaded and shared: the selected path stays expanded.
  await page.reload();
  await expect(tree(page).getByRole('link', { name: child })).toHaveAttribute('aria-current', 'page');

  // A sibling with the same name in another case is refused next to the field.
  await page.goto(parentUrl);
  await addNamespace(page, child.toUpperCase());
  await expect(page.getByRole('dialog').getByText(/already used by a sibling/)).toBeVisible();
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

  // Too long: the message sits next to the field and nothing is created.
  await addNamespace(page, 'x'.repeat(65));
  await expect(page.getByRole('dialog').getByText('Use at most 64 characters.')).toBeVisible();
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

  // Delete is refused while the namespace has children.
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page.getByRole('dialog').getByRole('alert')).toContainText('1 child namespace');
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

  // Rename the child, then delete it.
  await tree(page).getByRole('link', { name: child }).click();
  await expect(page.getByRole('heading', { level: 1, name: child })).toBeVisible();
  await page.getByRole('button', { name: 'Rename', exact: true }).click();
  await page.getByRole('dialog').getByLabel('Name').fill(`${child}-renamed`);
  await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `${child}-renamed` })).toBeVisible();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page).toHaveURL(parentUrl);
  await expect(tree(page).getByRole('link', { name: `${child}-renamed` })).toHaveCount(0);
});

test('Global has no rename or delete, and the tree works from the keyboard', async ({ page }) => {
  const a = unique('Kbd');
  await page.goto('/ns/global');
  await expect(page.getByRole('button', { name: 'Rename', exact: true })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Delete', exact: true })).toHaveCount(0);
  await addNamespace(page, a);
  await expect(page.getByRole('heading', { level: 1, name: a })).toBeVisible();
  await page.goto('/ns/global');
  const globalLink = tree(page).getByRole('link', { name: 'Global' });
  await globalLink.focus();
  await page.keyboard.press('ArrowLeft'); // collapse Global
  await expect(tree(page).getByRole('link', { name: a })).toHaveCount(0);
  await page.keyboard.press('ArrowRight'); // expand again
  await expect(tree(page).getByRole('link', { name: a })).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await expect(tree(page).locator('a:focus')).not.toHaveText('Global');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).not.toHaveText('Global');
});

test('the shell shows the signed-in user, the configure sections, and signs out', async ({ browser, baseURL }) => {
  // A session of its own, so signing out does not end the shared one.
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto(`${baseURL}/signin`);
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // The sidebar's link to your account (the Overview's recent changes name you too).
  await expect(page.getByRole('link', { name: ADMIN.email })).toBeVisible();
  const configure = page.getByRole('navigation', { name: 'Configure' });
  for (const name of ['Service Accounts', 'Routes', 'Policies', 'Directory', 'Change History']) {
    await expect(configure.getByRole('link', { name })).toBeVisible();
  }
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin/);
  await page.goto(`${baseURL}/ns/global`);
  await expect(page).toHaveURL(/\/signin/);
  await context.close();
});

test('a narrow screen hides the sidebar behind a menu button', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto('/ns/global');
  await expect(tree(page)).toBeHidden();
  await page.getByRole('button', { name: 'Menu' }).click();
  await expect(tree(page)).toBeVisible();
});
