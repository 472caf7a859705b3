import { defineConfig } from 'prisma/config';

// Used by `prisma generate` and, on machines that have Prisma's schema engine,
// `prisma migrate status|deploy` against DATABASE_URL. The app applies the same
// migrations itself at start (lib/migrate.ts), so neither is needed to run it.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
});
