#!/usr/bin/env bash
# Builds and runs every test against a real PostgreSQL, then prints "N passed, N failed[, N skipped]".
# Uses LEADERJOURNEY_TEST_DB (or LEADERJOURNEY_DB) when set; else a Testcontainers PostgreSQL where a
# Docker engine answers; otherwise installs and starts a local server (see deploy/postgres.sh). Extra arguments go to `dotnet test` (e.g. --filter Name~Append).
set -euo pipefail
cd "$(dirname "$0")"
. deploy/postgres.sh
. deploy/icu.sh
. deploy/fonts.sh
lj_ensure_icu
lj_ensure_fonts

if [ -z "${LEADERJOURNEY_TEST_DB:-}" ]; then
  if [ -n "${LEADERJOURNEY_DB:-}" ]; then
    LEADERJOURNEY_TEST_DB="$LEADERJOURNEY_DB"
  elif command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    echo "a Docker engine answers: the tests start a Testcontainers PostgreSQL" >&2
  else
    LEADERJOURNEY_TEST_DB="$(lj_local_postgres leaderjourney_test)"
  fi
fi
[ -z "${LEADERJOURNEY_TEST_DB:-}" ] || export LEADERJOURNEY_TEST_DB

# The browser tests drive Debian's Chromium (Playwright's own browser download cannot work here).
if [ -z "${LEADERJOURNEY_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "installing chromium for the browser tests (apt-get install -y chromium)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
      || { echo "could not install chromium; the browser tests will fail" >&2; }
  else
    echo "chromium is not installed and this is not root: install it (apt-get install -y chromium) or set LEADERJOURNEY_CHROMIUM" >&2
  fi
fi

results=.tmp/test-results
rm -rf "$results"
dotnet build LeaderJourney.sln -c Release -nologo -clp:ErrorsOnly

set +e
dotnet test LeaderJourney.sln -c Release --no-build --nologo --logger trx --results-directory "$results" "$@"
code=$?
set -e

# Which server the integration tests' fixture used (LEADERJOURNEY_TEST_DB, Testcontainers or the local one).
cat tests/LeaderJourney.IntegrationTests/bin/Release/net10.0/test-database.txt 2>/dev/null || true

# The closing line is summed from the runners' own result files, not from console text.
sum() { cat "$results"/*.trx 2>/dev/null | grep -o "<Counters [^>]*" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' | awk '{s+=$1} END {print s+0}'; }
passed=$(sum passed)
failed=$(( $(sum failed) + $(sum error) + $(sum timeout) + $(sum aborted) ))
skipped=$(sum notExecuted)
if [ "$code" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
line="$passed passed, $failed failed"
[ "$skipped" -eq 0 ] || line="$line, $skipped skipped"
echo "$line"
exit "$code"
