import { test, expect } from '@playwright/test';
import pg from 'pg';
import { serverState } from './fixtures';

// A tree of 3,000 namespaces stays usable: only expanded branches are in the page, the
// selected path is open, and the keyboard still walks it. Rows are inserted straight into
// the PostgreSQL server's database (the embedded one belongs to its server process).
test('a tree of 3,000 namespaces renders only what is expanded', async ({ page }, info) => {
  test.skip(info.project.metadata.db !== 'postgres', 'bulk rows are inserted through the PostgreSQL server');
  const { databaseUrl } = serverState('postgres');
  const prefix = `bulk${Date.now().toString(36)}`;
  const c = new pg.Client({ connectionString: databaseUrl ?? undefined });
  await c.connect();
  await c.query(`INSERT INTO namespaces (id, name, name_key, parent_id, updated_at)
    SELECT '${prefix}-' || t, '${prefix}-team-' || t, '${prefix}-team-' || t, 'global', now() FROM generate_series(1, 30) t`);
  await c.query(`INSERT INTO namespaces (id, name, name_key, parent_id, updated_at)
    SELECT '${prefix}-' || t || '-' || s, 'svc-' || s, 'svc-' || s, '${prefix}-' || t, now()
    FROM generate_series(1, 30) t, generate_series(1, 99) s`);
  await c.end();

  await page.goto(`/ns/${prefix}-17-42`);
  const nav = page.getByRole('navigation', { name: 'Namespaces' });
  await expect(nav.getByRole('link', { name: 'svc-42' })).toHaveAttribute('aria-current', 'page');
  await expect(nav.getByRole('link', { name: `${prefix}-team-17` })).toBeVisible();
  // Global's children, team-17's 99 children, and nothing of the other 29 teams' 2,871.
  expect(await nav.getByRole('link').count()).toBeLessThan(250);
  await expect(nav.getByRole('link', { name: `${prefix}-team-18` })).toBeVisible();
  await nav.getByRole('button', { name: `Expand ${prefix}-team-18` }).click();
  await expect(nav.getByRole('link', { name: 'svc-99' })).toHaveCount(2);
  await nav.getByRole('link', { name: `${prefix}-team-18` }).focus();
  await page.keyboard.press('ArrowLeft');
  await expect(nav.getByRole('link', { name: 'svc-99' })).toHaveCount(1);
});
