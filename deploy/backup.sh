#!/usr/bin/env bash
# Backs up the database named by LEADERJOURNEY_DB into FILE, in pg_dump's custom format (compressed;
# restore it with restore.sh), readable by its owner only. It holds what the database holds: the events'
# personal data sealed (a restore needs the same LEADERJOURNEY_MASTER_KEY), but also the read models'
# names in plain text (docs/privacy.md), and a leader erased after the backup was taken is still in it:
# keep it as safe as the database, and no longer than the retention you promise.
#
#   LEADERJOURNEY_DB="Host=...;Database=...;Username=...;Password=..." deploy/backup.sh FILE
set -euo pipefail
. "$(dirname "$0")/connection.sh"

[ $# -eq 1 ] && [ -n "$1" ] || lj_fail "usage: LEADERJOURNEY_DB=... $0 FILE"
file=$1
[ ! -e "$file" ] || lj_fail "$file exists already: name a new file"
command -v pg_dump >/dev/null || lj_fail "pg_dump is not installed (apt-get install -y postgresql-client)"
lj_connect

umask 077
# Written under another name first: a backup that failed halfway is never taken for a whole one.
partial="$file.partial"
trap 'rm -f "$partial"' EXIT
pg_dump --format=custom --no-owner --file="$partial" || lj_fail "pg_dump of $PGDATABASE failed"
mv "$partial" "$file"
trap - EXIT
echo "backed up $PGDATABASE to $file ($(du -h "$file" | cut -f1))"
