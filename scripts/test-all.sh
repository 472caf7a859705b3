#!/usr/bin/env bash
# The whole test suite: types, unit tests, integration tests on the embedded PGlite and
# on PostgreSQL, a production build, HTTP tests against real servers, the short form of the
# fault suite (database outages, SIGKILL, two instances, races), and Playwright in
# Chromium against both databases. Needs PostgreSQL at 127.0.0.1:5432 (TEST_PG_ADMIN_URL).
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

step() { printf '\n==> %s\n' "$*"; }

step "prisma generate"
npm run --silent db:generate >/dev/null

step "typecheck"
npx tsc --noEmit

step "lint and format (biome)"
npx biome check .

step "unit tests"
npx vitest run --project unit

step "integration tests on PGlite (embedded)"
npx vitest run --project integration

step "integration tests on PostgreSQL"
TEST_DB=postgres npx vitest run --project integration

step "production build"
npx next build >/tmp/postern-build.log 2>&1 || { tail -50 /tmp/postern-build.log; exit 1; }
node scripts/build-verifier.mjs
node scripts/build-cli.mjs

step "HTTP tests against the production server"
npx vitest run --project http

step "fault tests, short form (database outages, SIGKILL, two instances, races)"
FAULT_SUITE=short npx vitest run --project faults

step "end-to-end tests in Chromium (PGlite and PostgreSQL)"
npx playwright test
