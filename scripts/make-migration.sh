#!/usr/bin/env bash
# Writes a new migration from the difference between the migrations folder and schema.prisma.
# `migrate dev` is avoided: on an empty SQLite DB it can fail offline (P1014).
set -euo pipefail
name="${1:?usage: npm run db:migration -- <name>}"
dir="prisma/migrations/$(date -u +%Y%m%d%H%M%S)_${name}"
mkdir -p data "$dir"
export DATABASE_URL="${DATABASE_URL:-file:./data/app.db}"
if ls prisma/migrations/*/migration.sql >/dev/null 2>&1; then
  from=(--from-migrations prisma/migrations --shadow-database-url "file:./data/shadow.db")
else
  from=(--from-empty)
fi
npx prisma migrate diff "${from[@]}" --to-schema-datamodel prisma/schema.prisma --script > "$dir/migration.sql"
echo "wrote $dir/migration.sql"
