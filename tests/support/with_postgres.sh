#!/usr/bin/env bash
# with_postgres.sh: runs a command against a throwaway PostgreSQL 15 cluster of its own — initdb in
# a temporary folder (as the postgres user when run as root, which initdb refuses), reachable only
# through a Unix socket in that folder, started with pg_ctl and stopped and removed when the
# command ends, whatever its outcome. The command finds the database in SHANSHUI_TEST_PG
# (a libpq URI). Usage: tests/support/with_postgres.sh COMMAND [ARGS…]
set -euo pipefail
pgbin=/usr/lib/postgresql/15/bin
[ -x "$pgbin/initdb" ] || { echo "with_postgres: $pgbin/initdb missing (apt install postgresql-15)" >&2; exit 2; }
dir=$(mktemp -d /tmp/shanshui-pg.XXXXXX)
chmod 755 "$dir"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$dir"
port=$((20000 + RANDOM % 20000))  # names the socket file only: the cluster listens on no TCP port
stop() {
  as_pg "$pgbin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT
as_pg "$pgbin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/log" -o "-p $port -k $dir -c listen_addresses=''" -w start >/dev/null ||
  { cat "$dir/log" >&2; exit 2; }
as_pg "$pgbin/createdb" -h "$dir" -p "$port" -U postgres shanshui
# Tests that take the server away and bring it back (a lost connection) call this script.
runner=$([ "$(id -u)" = 0 ] && echo "runuser -u postgres --" || true)
cat >"$dir/ctl" <<CTL
#!/bin/sh
# ctl stop|start: the cluster of this test run.
case "\$1" in
  stop) exec $runner $pgbin/pg_ctl -D $dir/data -m immediate stop ;;
  start) exec $runner $pgbin/pg_ctl -D $dir/data -l $dir/log -o "-p $port -k $dir -c listen_addresses=''" -w start ;;
esac
CTL
chmod 755 "$dir/ctl"
export SHANSHUI_TEST_PG="postgresql://postgres@/shanshui?host=$dir&port=$port"
export SHANSHUI_TEST_PG_CTL=$dir/ctl
"$@"
