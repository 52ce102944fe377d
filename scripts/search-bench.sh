#!/usr/bin/env bash
# Search benchmark (issue 15): N challenges of generated Chinese text, our server with the public
# list cache off beside the bare actix + tokio-postgres server of bench/bare_server.rs, in one run.
#
# Builds the release server and the three examples, seeds a scratch database at
# TEST_DATABASE_URL's server (seed-demo: accounts and the demo story, then examples/search_data.rs:
# N challenges and 3,000 distinct queries), serves it with jobs off and the search index in a
# scratch folder (JIEBANG__SEARCH__DIR), waits for /ready, then for `jiebang_search_ready{index="challenges"} 1` in
# /metrics (at most SEARCH_READY_TIMEOUT s, default 120; the time is the index's rebuild time;
# a build without the metric waits the whole time), starts the bare server and runs
# examples/search_load.rs: by id (ours, bare), lists with every filter and order, the queries,
# index catch-up, and the server's peak resident memory. One table at the end.
#   scripts/search-bench.sh [N] [CONCURRENCY] [SECONDS]      (defaults 100000 64 15)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-100000}
concurrency=${2:-64}
seconds=${3:-15}
admin_url=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
db="jiebang_search_bench_$$"
port=${PORT:-18190}
bare_port=${BARE_PORT:-18191}
ready_timeout=${SEARCH_READY_TIMEOUT:-120}
target=${CARGO_TARGET_DIR:-target}

if pgrep -f 'examples/search_load --server' >/dev/null; then
  echo "another search benchmark is running (examples/search_load); try again when it is done" >&2
  exit 1
fi

cargo build --release --quiet --bin jiebang --example search_data --example search_load --example bare_server
export JIEBANG_ENV=development DATABASE_URL="${admin_url%/*}/$db"
export JIEBANG__JOBS__ENABLED=false RUST_LOG=warn JIEBANG__LOG__FILTER=warn
export JIEBANG__CHALLENGES__PUBLIC_LIST_CACHE_MS=0

work=$(mktemp -d "${TMPDIR:-/tmp}/search-bench.XXXXXX")
export JIEBANG__SEARCH__DIR="$work/index"
server= bare=
cleanup() {
  [ -n "$bare" ] && kill "$bare" 2>/dev/null && wait "$bare" 2>/dev/null || true
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  psql "$admin_url" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

"$target/release/jiebang" seed-demo --challenges 0 >/dev/null
"$target/release/examples/search_data" "$DATABASE_URL" "$count" "$work/queries.txt"

started=$EPOCHREALTIME
"$target/release/jiebang" serve --bind "127.0.0.1:$port" &
server=$!
for _ in $(seq 600); do curl -fs "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.1; done
curl -fs "http://127.0.0.1:$port/ready" >/dev/null || { echo "the server is not ready after 60 s" >&2; exit 1; }
served=$EPOCHREALTIME

# The index is ready when /metrics says so; a server without the metric is waited for the whole
# SEARCH_READY_TIMEOUT (the figure is then only that).
seen=
while :; do
  metrics=$(curl -s "http://127.0.0.1:$port/metrics" || true)
  grep -q '^jiebang_search_ready' <<<"$metrics" && seen=1
  grep -q '^jiebang_search_ready{index="challenges"} 1' <<<"$metrics" && break
  if [ "$(echo "$EPOCHREALTIME - $started >= $ready_timeout" | bc)" = 1 ]; then break; fi
  sleep 0.2
done
waited=$(printf '%.1f' "$(echo "$EPOCHREALTIME - $started" | bc)")
to_ready=$(printf '%.1f' "$(echo "$served - $started" | bc)")
if grep -q '^jiebang_search_ready{index="challenges"} 1' <<<"$metrics"; then
  ready="${waited} s (/ready after ${to_ready} s)"
elif [ -n "$seen" ]; then
  ready="not ready after ${waited} s (/ready after ${to_ready} s)"
else
  ready="no jiebang_search_ready metric (/ready after ${to_ready} s)"
fi

"$target/release/examples/bare_server" "$DATABASE_URL" "127.0.0.1:$bare_port" 2>/dev/null &
bare=$!
for _ in $(seq 100); do
  curl -s -o /dev/null "http://127.0.0.1:$bare_port/challenges/00000000-0000-0000-0000-000000000000" && break
  sleep 0.1
done

echo
"$target/release/examples/search_load" --server "http://127.0.0.1:$port" \
  --bare "http://127.0.0.1:$bare_port" --database-url "$DATABASE_URL" --queries "$work/queries.txt" \
  --pid "$server" --concurrency "$concurrency" --seconds "$seconds" --ready-secs "$ready"
