# Sourced by backup.sh and restore.sh: turns the Npgsql connection string in LEADERJOURNEY_DB into the
# PG* variables that pg_dump, pg_restore and psql read, so the tools reach the database the app uses.
#
#   lj_connect   exports PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD and PGSSLMODE (those given)

lj_fail() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }

lj_connect() {
  [ -n "${LEADERJOURNEY_DB:-}" ] || lj_fail "set LEADERJOURNEY_DB to the database's Npgsql connection string (as for the app)"
  local pair key value IFS=';'
  for pair in $LEADERJOURNEY_DB; do
    [ -n "${pair//[[:space:]]/}" ] || continue
    key=$(printf '%s' "${pair%%=*}" | tr -d '[:space:]' | tr '[:upper:]' '[:lower:]')
    value=${pair#*=}
    value=${value#"${value%%[![:space:]]*}"}
    value=${value%"${value##*[![:space:]]}"}
    case "$key" in
      host|server) export PGHOST="$value" ;;
      port) export PGPORT="$value" ;;
      database|db) export PGDATABASE="$value" ;;
      username|userid|user|uid) export PGUSER="$value" ;;
      password|pwd) export PGPASSWORD="$value" ;;
      sslmode) export PGSSLMODE=$(printf '%s' "$value" | tr '[:upper:]' '[:lower:]') ;;
    esac
  done
  [ -n "${PGDATABASE:-}" ] || lj_fail "LEADERJOURNEY_DB names no Database"
}
