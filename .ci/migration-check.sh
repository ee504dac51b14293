#!/usr/bin/env bash
# Migration check (called by .ci/run after the dependencies are installed): on SQLite, PostgreSQL and MariaDB,
# builds a legacy DocuElevate database and runs the built steptrail-migrate on it: schema up, logs-to-steps,
# verify --all, and a repair run that must change nothing. Exits non-zero on any problem.
# Servers: TEST_POSTGRES_URL / TEST_MYSQL_URL, else throwaway ones (a missing server fails when CI=true).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
pnpm=(npx -y pnpm@10.34.8)
export TURBO_TELEMETRY_DISABLED=1

echo "--- migration check"
"${pnpm[@]}" exec turbo run build --filter=@steptrail/migrator... --output-logs=errors-only
node apps/migrator/scripts/migration-check.mjs
