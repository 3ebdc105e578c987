# Sourced by backup.sh and restore.sh: turns the Npgsql connection string in LEADERJOURNEY_DB into the
# PG* variables that pg_dump, pg_restore and psql read, so the tools reach the database the app uses.
#
#   lj_connect   sets PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD and PGSSLMODE from it (and no others)

lj_fail() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }

lj_trim() { local v=$1; v=${v#"${v%%[![:space:]]*}"}; printf '%s' "${v%"${v##*[![:space:]]}"}"; }

lj_connect() {
  [ -n "${LEADERJOURNEY_DB:-}" ] || lj_fail "set LEADERJOURNEY_DB to the database's Npgsql connection string (as for the app)"
  # Only what the connection string says: nothing inherited from this shell's PG* settings.
  unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGPASSWORD PGSSLMODE PGSERVICE PGSERVICEFILE PGPASSFILE
  case "$LEADERJOURNEY_DB" in
    *\"*|*\'*) lj_fail "LEADERJOURNEY_DB has quoted values; these scripts take key=value pairs without quotes (a value with ';' cannot be given here)" ;;
  esac
  local pair key value
  local -a pairs
  IFS=';' read -r -a pairs <<< "$LEADERJOURNEY_DB"
  for pair in "${pairs[@]}"; do
    [ -n "$(lj_trim "$pair")" ] || continue
    key=$(lj_trim "${pair%%=*}" | tr -d '[:space:]' | tr '[:upper:]' '[:lower:]')
    value=$(lj_trim "${pair#*=}")
    case "$key" in
      host|server) export PGHOST="$value" ;;
      port) export PGPORT="$value" ;;
      database|db) export PGDATABASE="$value" ;;
      username|userid|user|uid) export PGUSER="$value" ;;
      password|pwd|psw) export PGPASSWORD="$value" ;;
      sslmode)
        case "$(printf '%s' "$value" | tr '[:upper:]' '[:lower:]' | tr -d '-')" in
          disable) export PGSSLMODE=disable ;;
          allow) export PGSSLMODE=allow ;;
          prefer) export PGSSLMODE=prefer ;;
          require) export PGSSLMODE=require ;;
          verifyca) export PGSSLMODE=verify-ca ;;
          verifyfull) export PGSSLMODE=verify-full ;;
          *) lj_fail "SSL Mode '$value' is not one pg_dump knows" ;;
        esac ;;
    esac
  done
  [ -n "${PGDATABASE:-}" ] || lj_fail "LEADERJOURNEY_DB names no Database"
}
