# Sourced by run.sh and test.sh: finds, installs and starts a local PostgreSQL when no server is
# given, and creates the project's role and database idempotently.
#
#   lj_local_postgres DBNAME   prints an Npgsql connection string for DBNAME on the local server
#
# On a fresh Debian machine (as root) it runs `apt-get install -y postgresql` when the server is
# missing and `pg_ctlcluster <version> main start` when the cluster is down. Set LEADERJOURNEY_DB
# (or LEADERJOURNEY_TEST_DB for the tests) to use an existing server instead; then none of this runs.

LJ_ROLE="${LJ_ROLE:-leaderjourney}"
LJ_PASSWORD="${LJ_PASSWORD:-leaderjourney}"

lj_say() { printf 'postgres: %s\n' "$*" >&2; }
lj_die() { printf 'postgres: %s\n' "$*" >&2; exit 1; }

# Runs from / so the postgres user never has to read the caller's directory.
lj_as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else (cd / && sudo -n -u postgres "$@"); fi
}

lj_install_postgres() {
  command -v pg_lsclusters >/dev/null 2>&1 && [ -n "$(ls /usr/lib/postgresql/*/bin/postgres 2>/dev/null)" ] && return 0
  [ "$(id -u)" -eq 0 ] || lj_die "PostgreSQL is not installed and this is not root: install it (apt-get install -y postgresql) or set LEADERJOURNEY_DB to an existing server."
  lj_say "installing PostgreSQL (apt-get install -y postgresql)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null || lj_die "apt-get update failed"
  apt-get install -y -qq postgresql >/dev/null || lj_die "apt-get install -y postgresql failed"
}

# Prints "VERSION PORT" of the first cluster, creating one if the package made none.
lj_cluster() {
  local line
  line=$(pg_lsclusters --no-header 2>/dev/null | head -n 1)
  if [ -z "$line" ]; then
    local version
    version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    lj_say "creating cluster $version/main"
    pg_createcluster "$version" main >&2 || lj_die "pg_createcluster $version main failed"
    line=$(pg_lsclusters --no-header | head -n 1)
  fi
  set -- $line
  local version=$1 cluster=$2 port=$3 status=$4
  if [ "$status" != "online" ]; then
    lj_say "starting cluster $version/$cluster (pg_ctlcluster $version $cluster start)"
    # Its own messages (e.g. "Removed stale pid file.") go to stderr: stdout carries only the answer.
    # Room for 200 connections (for this run of the server only, nothing is written to its settings):
    # the tests run many hosts at once, each with its own pools, and were seen to use 75 of the
    # default 100 on 2 cores.
    pg_ctlcluster "$version" "$cluster" start -o "-c max_connections=200" >&2 || lj_die "pg_ctlcluster $version $cluster start failed: see /var/log/postgresql/postgresql-$version-$cluster.log"
  fi
  local tries=0
  until pg_isready -q -h 127.0.0.1 -p "$port"; do
    tries=$((tries + 1))
    [ "$tries" -le 60 ] || lj_die "the server on port $port did not become ready within 30 s"
    sleep 0.5
  done
  echo "$version $port"
}

lj_local_postgres() {
  local database=$1
  lj_install_postgres
  local version port
  read -r version port < <(lj_cluster)
  [ -n "$port" ] || lj_die "no PostgreSQL cluster could be started"
  # Idempotent: a role that exists keeps its password reset to the known one; CREATEDB lets the
  # tests make a database per test class.
  lj_as_postgres psql -q -p "$port" -v ON_ERROR_STOP=1 -d postgres >/dev/null <<SQL || lj_die "could not create role $LJ_ROLE"
do \$\$ begin
  if not exists (select 1 from pg_roles where rolname = '$LJ_ROLE') then
    create role $LJ_ROLE login createdb password '$LJ_PASSWORD';
  else
    alter role $LJ_ROLE login createdb password '$LJ_PASSWORD';
  end if;
end \$\$;
SQL
  if ! lj_as_postgres psql -p "$port" -d postgres -tAc "select 1 from pg_database where datname = '$database'" | grep -q 1; then
    lj_as_postgres createdb -p "$port" -O "$LJ_ROLE" "$database" || lj_die "could not create database $database"
  fi
  echo "Host=$(lj_reachable_host "$port" "$database");Port=$port;Database=$database;Username=$LJ_ROLE;Password=$LJ_PASSWORD"
}

# Prints where the app reaches the local server: its Unix socket's directory, else 127.0.0.1. Over the
# socket a command skips TCP and TLS on loopback, which cost about a tenth of the sign-offs a second
# (docs/performance.md). The role signs in there with its password: one pg_hba.conf line for it, put
# first (the first matching line decides), added once; the server then reloads its settings.
lj_reachable_host() {
  local port=$1 database=$2 socket hba line
  socket=$(lj_as_postgres psql -p "$port" -d postgres -tAc "show unix_socket_directories" 2>/dev/null | cut -d, -f1 | xargs)
  hba=$(lj_as_postgres psql -p "$port" -d postgres -tAc "show hba_file" 2>/dev/null)
  line="local all $LJ_ROLE scram-sha-256"
  if [ -n "$socket" ] && [ -n "$hba" ]; then
    if ! lj_as_postgres grep -qxF "$line" "$hba"; then
      lj_say "letting $LJ_ROLE sign in with its password over the server's socket ($hba)"
      lj_as_postgres sed -i "1i $line" "$hba" && lj_as_postgres psql -q -p "$port" -d postgres -c "select pg_reload_conf()" >/dev/null
    fi
    # The reload is taken up by the server a moment later: a few tries.
    local tries
    for tries in 1 2 3 4 5 6 7 8 9 10; do
      if PGPASSWORD="$LJ_PASSWORD" psql -q -h "$socket" -p "$port" -U "$LJ_ROLE" -d "$database" -tAc "select 1" >/dev/null 2>&1; then
        echo "$socket"
        return
      fi
      sleep 0.2
    done
    lj_say "the socket $socket did not let $LJ_ROLE in; using TCP on 127.0.0.1"
  fi
  echo "127.0.0.1"
}
