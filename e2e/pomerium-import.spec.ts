import { test, expect } from '@playwright/test';
import { createAccount, newNamespace, unique } from './fixtures';

test('import a Pomerium route file, preview it, confirm, and see each route decide as Pomerium would; export it back', async ({
  page,
}) => {
  const nsId = await newNamespace(page, 'Imported');

  const ci = unique('ci');
  const reader = unique('reader');
  const ciToken = await createAccount(page, nsId, ci);
  const readerToken = await createAccount(page, nsId, reader);
  const users = `${unique('users')}.example.com`;
  const api = `${unique('api')}.example.com`;
  const legacy = `${unique('legacy')}.example.com`;
  const file = `# pomerium config.yaml
authenticate_service_url: https://authenticate.example.com
routes:
  - from: https://${users}
    to: http://users.internal:8080
    allowed_users:
      - ${ci}
  - name: Reports API
    from: https://${api}
    prefix: /reports
    to: http://reports.internal:8080
    policy:
      - allow:
          or:
            - user: {is: ${ci}}
            - user: {is: ${reader}}
      - deny:
          and:
            - user: {is: ${reader}}
            - http_method: {not: GET}
  - from: https://${legacy}
    to: http://legacy.internal
    allow_any_authenticated_user: true
    set_request_headers:
      X-Team: platform
    timeout: 30s
  - from: tcp+https://db.example.com:5432
    to: tcp://db.internal:5432
`;

  await page.goto(`/ns/${nsId}/routes`);
  await page.getByRole('button', { name: 'Import' }).click();
  const dialog = page.getByRole('dialog');
  await dialog
    .getByLabel('Or a file:')
    .setInputFiles({ name: 'config.yaml', mimeType: 'text/yaml', buffer: Buffer.from(file) });
  await expect(dialog.getByLabel('Configuration (YAML)')).toHaveValue(/allowed_users/);
  await dialog.getByRole('button', { name: 'Preview' }).click();

  const preview = dialog.getByRole('region', { name: 'Import preview' });
  const routes = preview.getByTestId('import-route');
  await expect(routes).toHaveCount(3);
  await expect(routes.nth(0)).toContainText(`https://${users}`);
  await expect(routes.nth(1)).toContainText(`Reports API https://${api}/reports`);
  await expect(routes.nth(2)).toContainText('Ignored options: set_request_headers, timeout');
  // allowed_users became "user is X or email is X", as Pomerium's ToPPL writes it.
  const usersPolicy = preview.getByTestId('import-policy').filter({ hasText: users });
  await expect(usersPolicy.locator('pre')).toHaveText(
    `allow:\n  or:\n    - user:\n        is: ${ci}\n    - email:\n        is: ${ci}\n`,
  );
  await expect(preview.getByTestId('import-policy').filter({ hasText: legacy }).locator('pre')).toContainText(
    'authenticated_user: true',
  );
  await expect(preview.getByTestId('import-skipped')).toContainText('tcp+https: TCP/UDP tunnels are not HTTP requests');

  await dialog.getByRole('button', { name: 'Import 3 routes' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('row').filter({ hasText: 'Reports API' })).toContainText('Reports API');
  await expect(page.getByRole('row')).toHaveCount(4);

  const ask = async (token: string | null, host: string, uri = '/', method = 'GET') =>
    (
      await page.request.fetch('/api/v1/verify/forward-auth', {
        headers: {
          ...(token ? { authorization: `Pomerium ${token}` } : {}),
          'x-forwarded-host': host,
          'x-forwarded-proto': 'https',
          'x-forwarded-uri': uri,
          'x-forwarded-method': method,
        },
      })
    ).status();
  // allowed_users: only the named account.
  expect(await ask(ciToken, users)).toBe(200);
  expect(await ask(readerToken, users)).toBe(403);
  expect(await ask(null, users)).toBe(401);
  // PPL policy: both may read, only ci may write (the deny rule wins for reader).
  expect(await ask(readerToken, api, '/reports/1')).toBe(200);
  expect(await ask(readerToken, api, '/reports/1', 'POST')).toBe(403);
  expect(await ask(ciToken, api, '/reports/1', 'POST')).toBe(200);
  expect(await ask(ciToken, api, '/other')).toBe(403);
  // allow_any_authenticated_user: any valid account; the ignored options change nothing.
  expect(await ask(readerToken, legacy)).toBe(200);
  expect(await ask(null, legacy)).toBe(401);

  // The Change History has the import.
  await page.goto('/history');
  await expect(page.getByText('Reports API').first()).toBeVisible();

  // Export: a Pomerium routes file with the same routes and policies.
  await page.goto(`/ns/${nsId}/routes`);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Export' }).click(),
  ]);
  const exported = await (await download.createReadStream())
    .toArray()
    .then((chunks) => Buffer.concat(chunks).toString('utf8'));
  expect(download.suggestedFilename()).toMatch(/^pomerium-routes-imported-.*\.yaml$/);
  expect(exported).toContain(`from: https://${api}\n    prefix: /reports`);
  expect(exported).toMatch(/# Postern policy "Reports API" \(optional\)/);

  // Importing the export again conflicts with the routes it came from, and writes nothing.
  await page.getByRole('button', { name: 'Import' }).click();
  await dialog.getByLabel('Configuration (YAML)').fill(exported);
  await dialog.getByRole('button', { name: 'Preview' }).click();
  await expect(preview.getByRole('alert').first()).toContainText(
    '3 routes conflict with existing ones: nothing will be imported',
  );
  await expect(preview.getByTestId('import-route').first().getByRole('alert')).toContainText(
    'is already served by route',
  );
  await expect(dialog.getByRole('button', { name: 'Import 3 routes' })).toBeDisabled();
});
