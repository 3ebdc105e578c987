#!/usr/bin/env bash
# Runs LeaderJourney at http://127.0.0.1:5080 against a real PostgreSQL.
# Uses LEADERJOURNEY_DB when set; otherwise installs and starts a local server (see deploy/postgres.sh).
# Extra arguments go to the web host (e.g. --urls http://127.0.0.1:8080).
set -euo pipefail
cd "$(dirname "$0")"
. deploy/postgres.sh

if [ -z "${LEADERJOURNEY_DB:-}" ]; then
  LEADERJOURNEY_DB="$(lj_local_postgres leaderjourney)"
fi
export LEADERJOURNEY_DB

exec dotnet run --project src/LeaderJourney.Web -c Release -- "$@"
