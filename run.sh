#!/usr/bin/env bash
# Runs LeaderJourney at http://127.0.0.1:5080 against a real PostgreSQL, with a demo affiliate.
# Uses LEADERJOURNEY_DB when set; otherwise installs and starts a local server (see deploy/postgres.sh).
# The demo data (200 generated leaders with a few years of history) goes only into an empty database;
# set LEADERJOURNEY_NO_DEMO=1 to skip it. Extra arguments go to the web host (e.g. --urls http://127.0.0.1:8080).
set -euo pipefail
cd "$(dirname "$0")"
. deploy/postgres.sh
. deploy/icu.sh
. deploy/fonts.sh
lj_ensure_icu
lj_ensure_fonts

if [ -z "${LEADERJOURNEY_DB:-}" ]; then
  LEADERJOURNEY_DB="$(lj_local_postgres leaderjourney)"
fi
export LEADERJOURNEY_DB

if [ -z "${LEADERJOURNEY_NO_DEMO:-}" ]; then
  dotnet run --project src/LeaderJourney.Cli -c Release -- demo load || echo "(continuing without loading demo data)"
fi
exec dotnet run --project src/LeaderJourney.Web -c Release -- "$@"
