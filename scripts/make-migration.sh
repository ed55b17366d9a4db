#!/usr/bin/env bash
# Writes a new migration: the difference between the last committed prisma/schema.prisma (which
# the existing migrations produce) and the working one. `migrate dev` is avoided (on an empty
# SQLite DB it can fail offline, P1014), and with the driver adapter of prisma.config.ts the CLI
# accepts neither a shadow database URL nor --from-url, so the diff is between two datamodels.
set -euo pipefail
name="${1:?usage: npm run db:migration -- <name>}"
dir="prisma/migrations/$(date -u +%Y%m%d%H%M%S)_${name}"
mkdir -p data
if ls prisma/migrations/*/migration.sql >/dev/null 2>&1; then
  previous="$(mktemp --suffix=.prisma)"
  trap 'rm -f "$previous"' EXIT
  git show HEAD:prisma/schema.prisma > "$previous"
  from=(--from-schema-datamodel "$previous")
else
  from=(--from-empty)
fi
sql="$(node scripts/prisma.js migrate diff "${from[@]}" --to-schema-datamodel prisma/schema.prisma --script | grep -v '^Loaded Prisma config')"
if ! grep -q '[A-Za-z]' <<<"$(grep -v '^--' <<<"$sql")"; then
  echo "schema.prisma has no change since the last commit: no migration written" >&2
  exit 1
fi
mkdir -p "$dir"
printf '%s\n' "$sql" > "$dir/migration.sql"
echo "wrote $dir/migration.sql"
