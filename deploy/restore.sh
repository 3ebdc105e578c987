#!/usr/bin/env bash
# Restores a backup made by backup.sh into the database named by LEADERJOURNEY_DB, which must exist and
# be empty (create it first: createdb, or CREATE DATABASE). Nothing is overwritten: a database that
# holds any table is refused. Start the app on it with the LEADERJOURNEY_MASTER_KEY the backup was
# taken under, or no leader's personal data can be read.
#
#   LEADERJOURNEY_DB="Host=...;Database=...;Username=...;Password=..." deploy/restore.sh FILE
set -euo pipefail
. "$(dirname "$0")/connection.sh"

[ $# -eq 1 ] && [ -n "$1" ] || lj_fail "usage: LEADERJOURNEY_DB=... $0 FILE"
file=$1
[ -f "$file" ] || lj_fail "$file is not a file"
command -v pg_restore >/dev/null || lj_fail "pg_restore is not installed (apt-get install -y postgresql-client)"
lj_connect

pg_restore --list "$file" >/dev/null 2>&1 || lj_fail "$file is not a backup made by backup.sh (pg_dump's custom format)"
tables=$(psql -X -A -t -v ON_ERROR_STOP=1 -c "select count(*) from pg_tables where schemaname not in ('pg_catalog', 'information_schema')") \
  || lj_fail "cannot reach $PGDATABASE (does it exist? create it first)"
[ "$tables" -eq 0 ] || lj_fail "$PGDATABASE is not empty ($tables tables): restore into a new, empty database"

# One transaction: a restore that fails leaves the database empty, as it was.
pg_restore --no-owner --no-acl --exit-on-error --single-transaction --dbname="$PGDATABASE" "$file" || lj_fail "restoring $file into $PGDATABASE failed; nothing was restored"
echo "restored $file into $PGDATABASE"
