import { test, expect, type Page } from '@playwright/test';
import { alert, unique } from './fixtures';

// Runs against the console on port 3104, configured for SSO with the OpenID Connect provider
// of scripts/oidc-test-provider.mjs (its development login form accepts any login name).

type Session = { user?: { id?: string; email?: string; name?: string } };

const issuer = () => test.info().project.metadata.oidcIssuer as string;

async function session(page: Page): Promise<Session> {
  const res = await page.request.get('/api/auth/session');
  expect(res.status()).toBe(200);
  return (await res.json()) as Session;
}

/** From the console's sign-in page through the provider's login and consent forms. */
async function signInWithSso(page: Page, login: string) {
  await page.goto('/signin');
  await page.getByRole('button', { name: 'Sign in with SSO', exact: true }).click();
  await expect(page).toHaveURL((url) => url.href.startsWith(`${issuer()}/interaction/`));
  await page.getByPlaceholder('Enter any login').fill(login);
  await page.getByPlaceholder('and password').fill('anything');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
}

test('the sign-in page offers SSO above the password form', async ({ page }) => {
  await page.goto('/signin');
  const sso = page.getByRole('button', { name: 'Sign in with SSO', exact: true });
  await expect(sso).toBeVisible();
  await expect(page.getByLabel('Email')).toBeVisible();
  const ssoBox = await sso.boundingBox();
  const emailBox = await page.getByLabel('Email').boundingBox();
  expect(ssoBox!.y).toBeLessThan(emailBox!.y);
});

test('a first SSO sign-in creates a console user without a role; the next one reuses it', async ({ page, browser }) => {
  const login = unique('sso-alice');
  const email = `${login}@sso.example`;

  await signInWithSso(page, login);
  await expect(page).toHaveURL(
    (url) => url.origin === new URL(test.info().project.use.baseURL!).origin && !url.pathname.startsWith('/signin'),
  );
  const first = await session(page);
  expect(first.user?.email).toBe(email);
  // Our own user id, not the provider's subject.
  expect(first.user?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  await expect(page.getByText('You have signed in, but no namespace has been shared with you yet.')).toBeVisible();

  // Sign out of the console.
  const { csrfToken } = (await (await page.request.get('/api/auth/csrf')).json()) as { csrfToken: string };
  await page.request.post('/api/auth/signout', { form: { csrfToken, callbackUrl: '/signin' } });
  expect((await session(page)).user).toBeUndefined();
  await page.goto('/');
  await expect(page).toHaveURL(/\/signin/);

  // The same identity again, from a fresh browser: same console user, not a second one.
  const other = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const again = await other.newPage();
  await signInWithSso(again, login);
  await expect(again).toHaveURL((url) => !url.pathname.startsWith('/signin') && !url.href.startsWith(issuer()));
  const second = await session(again);
  expect(second.user?.email).toBe(email);
  expect(second.user?.id).toBe(first.user?.id);
  await other.close();
});

test('an identity whose email the provider has not verified is refused', async ({ page }) => {
  await signInWithSso(page, unique('unverified'));
  await expect(page).toHaveURL(/\/signin\?.*error=SsoEmailUnverified/);
  await expect(alert(page)).toContainText(
    'did not confirm that this email address is yours, so no console account was created',
  );
  expect((await session(page)).user).toBeUndefined();
  // The password form is still there.
  await expect(page.getByLabel('Password')).toBeVisible();
});

test('an unknown sign-in error is shown as a fixed sentence, never echoed', async ({ page }) => {
  await page.goto('/signin?error=%3Cb%3Einjected%3C%2Fb%3E');
  await expect(alert(page)).toHaveText('Single sign-on failed. Try again or use your password.');
  await expect(page.getByText('injected')).toHaveCount(0);
});
