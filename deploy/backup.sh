#!/usr/bin/env bash
# Backs up the database named by LEADERJOURNEY_DB into FILE, in pg_dump's custom format (compressed;
# restore it with restore.sh). Personal data is in it sealed, as in the database: a restore needs the
# same LEADERJOURNEY_MASTER_KEY, and a leader erased after the backup was taken is still in it (keep
# backups no longer than the retention you promise: docs/privacy.md).
#
#   LEADERJOURNEY_DB="Host=...;Database=...;Username=...;Password=..." deploy/backup.sh FILE
set -euo pipefail
. "$(dirname "$0")/connection.sh"

[ $# -eq 1 ] && [ -n "$1" ] || lj_fail "usage: LEADERJOURNEY_DB=... $0 FILE"
file=$1
[ ! -e "$file" ] || lj_fail "$file exists already: name a new file"
command -v pg_dump >/dev/null || lj_fail "pg_dump is not installed (apt-get install -y postgresql-client)"
lj_connect

# Written under another name first: a backup that failed halfway is never taken for a whole one.
partial="$file.partial"
trap 'rm -f "$partial"' EXIT
pg_dump --format=custom --no-owner --file="$partial" || lj_fail "pg_dump of $PGDATABASE failed"
mv "$partial" "$file"
trap - EXIT
echo "backed up $PGDATABASE to $file ($(du -h "$file" | cut -f1))"
