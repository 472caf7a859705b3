import { test, expect, type Browser, type Page } from '@playwright/test';
import { alert, unique } from './fixtures';

// The Users page (Admin of Global) and a person's own password change, through the UI:
// invite link shown once, the invitee sets a password, force sign-out and disable (each
// confirmed in the app's modal) end their session at its next request, and a password
// change needs the current password.

async function signIn(page: Page, email: string, password: string) {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function freshPage(browser: Browser) {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  return context.newPage();
}

test('invite a user, who sets a password; force sign-out, disable and enable them', async ({ page, browser }) => {
  const email = `${unique('invitee')}@example.com`;
  const password = 'invitee-password-0123';
  await page.goto('/ns/global');
  await page.getByRole('navigation', { name: 'Configure' }).getByRole('link', { name: 'Users' }).click();
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();

  await page.getByLabel('New user’s email').fill(email);
  await page.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByText('It will not be shown again.')).toBeVisible();
  const link = await page.getByRole('textbox', { name: 'Invite link', exact: true }).inputValue();
  expect(link).toMatch(/\/invite#[A-Za-z0-9_-]{40,}$/);
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByRole('textbox', { name: 'Invite link', exact: true })).toHaveCount(0);
  const row = page.getByRole('row', { name: email });
  await expect(row).toContainText('invite pending');
  await expect(row).toContainText('Never');

  // The invitee, in a browser of their own.
  const them = await freshPage(browser);
  await them.goto(link);
  await expect(them).toHaveURL(/\/invite$/); // the token left the address bar
  await them.getByLabel('Password', { exact: true }).fill(password);
  await them.getByLabel('Confirm password').fill(password);
  await them.getByRole('button', { name: 'Set password' }).click();
  await expect(them.getByText('Your password is set. Sign in to continue.')).toBeVisible();
  await signIn(them, email, password);
  await expect(them.getByRole('heading', { name: 'No access yet' })).toBeVisible();

  // The link worked once.
  const again = await freshPage(browser);
  await again.goto(link);
  await again.getByLabel('Password', { exact: true }).fill('another-password-0123');
  await again.getByLabel('Confirm password').fill('another-password-0123');
  await again.getByRole('button', { name: 'Set password' }).click();
  await expect(alert(again)).toContainText('This invite link is not valid');

  await page.reload();
  await expect(row).toContainText('password');
  await expect(row).not.toContainText('Never');

  // Force sign-out, asked in the app's modal: their next request goes to the sign-in page.
  await page.getByRole('button', { name: `Force sign-out of ${email}` }).click();
  const signOut = page.getByRole('dialog', { name: `Sign ${email} out everywhere?` });
  await signOut.getByRole('button', { name: 'Force sign-out', exact: true }).click();
  await expect(signOut).toBeHidden();
  await them.reload();
  await expect(them).toHaveURL(/\/signin/);

  // Disable: signed out, and cannot sign in.
  await signIn(them, email, password);
  await expect(them.getByRole('heading', { name: 'No access yet' })).toBeVisible();
  await page.getByRole('button', { name: `Disable ${email}` }).click();
  const disable = page.getByRole('dialog', { name: `Disable ${email}?` });
  await disable.getByRole('button', { name: 'Cancel' }).click();
  await expect(disable).toBeHidden();
  await expect(row).not.toContainText('Disabled');
  await page.getByRole('button', { name: `Disable ${email}` }).click();
  await disable.getByRole('button', { name: 'Disable', exact: true }).click();
  await expect(disable).toBeHidden();
  await expect(row).toContainText('Disabled');
  await them.reload();
  await expect(them).toHaveURL(/\/signin/);
  await signIn(them, email, password);
  await expect(alert(them)).toHaveText('Wrong email or password.');

  await page.getByRole('button', { name: `Enable ${email}` }).click();
  await expect(row).not.toContainText('Disabled');
  await signIn(them, email, password);
  await expect(them.getByRole('heading', { name: 'No access yet' })).toBeVisible();
  await them.context().close();
  await again.context().close();
});

test('a user changes their own password with the current one; other sessions end', async ({ page, browser }) => {
  const email = `${unique('changer')}@example.com`;
  const first = 'first-password-0123456';
  const second = 'second-password-0123456';
  await page.goto('/users');
  await page.getByLabel('New user’s email').fill(email);
  await page.getByRole('button', { name: 'Add user' }).click();
  const link = await page.getByRole('textbox', { name: 'Invite link', exact: true }).inputValue();

  const me = await freshPage(browser);
  await me.goto(link);
  await me.getByLabel('Password', { exact: true }).fill(first);
  await me.getByLabel('Confirm password').fill(first);
  await me.getByRole('button', { name: 'Set password' }).click();
  await expect(me.getByText('Your password is set.')).toBeVisible();
  await signIn(me, email, first);
  const other = await freshPage(browser);
  await signIn(other, email, first);
  await expect(other.getByRole('heading', { name: 'No access yet' })).toBeVisible();

  await me.getByRole('link', { name: 'Change your password' }).click();
  await expect(me.getByRole('heading', { name: 'Your account' })).toBeVisible();
  await me.getByLabel('Current password').fill('not-my-password');
  await me.getByLabel('New password', { exact: true }).fill(second);
  await me.getByLabel('Confirm new password').fill(second);
  await me.getByRole('button', { name: 'Change password' }).click();
  await expect(me.getByText('This is not your current password.')).toBeVisible();

  await me.getByLabel('Current password').fill(first);
  await me.getByLabel('New password', { exact: true }).fill(second);
  await me.getByLabel('Confirm new password').fill(second);
  await me.getByRole('button', { name: 'Change password' }).click();
  await expect(me.getByText('Your password was changed.')).toBeVisible();
  // This browser stays signed in; the other session ends at its next request.
  await me.goto('/');
  await expect(me.getByRole('heading', { name: 'No access yet' })).toBeVisible();
  await other.reload();
  await expect(other).toHaveURL(/\/signin/);
  await signIn(other, email, first);
  await expect(alert(other)).toHaveText('Wrong email or password.');
  await signIn(other, email, second);
  await expect(other.getByRole('heading', { name: 'No access yet' })).toBeVisible();
  await me.context().close();
  await other.context().close();
});
