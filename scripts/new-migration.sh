#!/usr/bin/env bash
# Creates prisma/migrations/<timestamp>_<name>/migration.sql from the difference between
# the schema as of the last migration and prisma/schema.prisma, offline.
#
# Prisma 7's migrate commands need a native schema engine that cannot be downloaded on
# machines without internet; Prisma 6.19.3 diffs two datamodels with its bundled WASM
# engine. It is installed once into .tools/prisma6 (never an app dependency).
# Usage: npm run db:migration -- <name>      (needs PostgreSQL reachable at PG_TOOLS_URL,
#        default postgres://postgres@127.0.0.1:5432/postgres; nothing is read or written there)
set -euo pipefail
cd "$(dirname "$0")/.."
name="${1:?usage: npm run db:migration -- <name>}"
[[ "$name" =~ ^[a-z0-9_]+$ ]] || { echo "migration name: lower-case letters, digits and _ only" >&2; exit 2; }

tools=.tools/prisma6
if [ ! -x "$tools/node_modules/.bin/prisma" ]; then
  echo "installing prisma 6.19.3 (tools only) into $tools ..." >&2
  mkdir -p "$tools"
  [ -f "$tools/package.json" ] || echo '{"private":true}' > "$tools/package.json"
  PRISMA_SKIP_POSTINSTALL_GENERATE=1 PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING=1 \
    npm install --prefix "$tools" --no-audit --no-fund --silent \
    prisma@6.19.3 @prisma/adapter-pg@6.19.3 pg@8 >&2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Prisma 6 wants a url line in the datasource; the app's Prisma 7 schema has none.
with_url() { sed -E 's/^(\s*provider\s*=\s*"postgresql")/\1\n  url = env("PG_TOOLS_URL")/' "$1"; }

last=$(ls -1d prisma/migrations/*/ 2>/dev/null | sort | tail -n 1 || true)
with_url prisma/schema.prisma > "$work/to.prisma"
from_args=(--from-empty)
if [ -n "$last" ]; then
  # the schema as of the last migration is kept beside it, so diffs never depend on git
  [ -f "$last/schema.prisma" ] || { echo "missing $last/schema.prisma" >&2; exit 1; }
  with_url "$last/schema.prisma" > "$work/from.prisma"
  from_args=(--from-schema-datamodel "$work/from.prisma")
fi

cat > "$work/prisma.config.ts" <<CFG
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';
export default defineConfig({
  engine: 'js',
  experimental: { adapter: true },
  schema: '$work/to.prisma',
  adapter: async () => new PrismaPg({ connectionString: process.env.PG_TOOLS_URL }),
} as any);
CFG
cp "$work/prisma.config.ts" "$tools/prisma.config.ts"

export PG_TOOLS_URL="${PG_TOOLS_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
sql=$(cd "$tools" && PRISMA_QUERY_ENGINE_LIBRARY=/bin/false PRISMA_SCHEMA_ENGINE_BINARY=/bin/false \
  ./node_modules/.bin/prisma migrate diff "${from_args[@]}" \
  --to-schema-datamodel "$work/to.prisma" --script --config prisma.config.ts)

if ! grep -qvE '^\s*(--.*)?$' <<<"$sql"; then
  echo "no schema changes since the last migration" >&2; exit 0
fi
dir="prisma/migrations/$(date -u +%Y%m%d%H%M%S)_$name"
mkdir -p "$dir"
printf '%s\n' "$sql" > "$dir/migration.sql"
cp prisma/schema.prisma "$dir/schema.prisma"
echo "wrote $dir/migration.sql" >&2
