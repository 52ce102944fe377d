#!/usr/bin/env bash
# PostgreSQL stopped under write load: a private cluster (initdb in a temporary folder, its own
# port; never the machine's shared server), a release server on it, and examples/db_outage.rs
# creating drafts at CONCURRENCY connections for SECONDS. A third into the run the cluster is
# stopped (fast shutdown: sessions are terminated, 57P01), two thirds in it is started again.
# Reports the answers by status; fails when any answer is a 5xx other than 503 with Retry-After,
# or when the server logged an internal error. Run as root (initdb runs as `postgres`) or as a
# user who may run initdb.
#   scripts/db-outage.sh [CONCURRENCY] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
concurrency=${1:-32}
seconds=${2:-30}
port=${PORT:-18091}
pg_port=${PG_PORT:-55491}
target=${CARGO_TARGET_DIR:-target}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

cargo build --release --quiet --bin jiebang --example db_outage

dir=$(mktemp -d)
log="$dir/server.log"
as_pg=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$dir"
  as_pg=(runuser -u postgres --)
fi
pg() { "${as_pg[@]}" "$@"; }
cleanup() {
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  pg "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

pg "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync >/dev/null
start_pg() {
  pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/pg.log" -w \
    -o "-p $pg_port -k $dir -c listen_addresses=127.0.0.1 -F" start >/dev/null
}
start_pg

export JIEBANG_ENV=development DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/jiebang_outage"
export JIEBANG__JOBS__ENABLED=false RUST_LOG=warn JIEBANG__LOG__FILTER=warn
issuer_password=$("$target"/release/jiebang seed-demo | awk '$2 == "issuer@demo.jiebang.cn" {print $3}')
"$target"/release/jiebang serve --bind "127.0.0.1:$port" >"$log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.1; done

"$target"/release/examples/db_outage "http://127.0.0.1:$port" issuer@demo.jiebang.cn \
  "$issuer_password" "$concurrency" "$seconds" &
load=$!
sleep $((seconds / 3))
echo "stopping PostgreSQL (fast) at $(date +%T)"
pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
sleep $((seconds / 3))
echo "starting PostgreSQL at $(date +%T)"
start_pg
status=0
wait "$load" || status=$?
ready=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/ready")
echo "/ready after the restart: $ready"
internal=$(grep -c 'internal error' "$log" || true)
echo "internal errors in the server log: $internal"
[ "$ready" = 200 ] && [ "$internal" = 0 ] && exit "$status"
exit 1
