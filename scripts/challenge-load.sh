#!/usr/bin/env bash
# Load test of the challenge list, search and detail on a scratch database seeded with N challenges
# (default 100,000): builds a release server, seeds, then serves and runs examples/challenge_load.rs
# twice, with the public page cache off and on.
# Needs PostgreSQL at TEST_DATABASE_URL's server.
#   scripts/challenge-load.sh [CHALLENGES] [CONCURRENCY] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-100000}
concurrency=${2:-64}
seconds=${3:-20}
admin_url=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
db="jiebang_load_$$"
port=${PORT:-18090}

cargo build --release --quiet --bin jiebang --example challenge_load
export JIEBANG_ENV=development DATABASE_URL="${admin_url%/*}/$db"
export JIEBANG__JOBS__ENABLED=false RUST_LOG=warn JIEBANG__LOG__FILTER=warn

cleanup() {
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  psql "$admin_url" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

target/release/jiebang seed-demo --challenges "$count" | tail -1

# Twice: every request to the database (public page cache off), then as configured by default.
for cache_ms in 0 2000; do
  echo
  echo "== public list cache: ${cache_ms} ms"
  JIEBANG__CHALLENGES__PUBLIC_LIST_CACHE_MS=$cache_ms target/release/jiebang serve --bind "127.0.0.1:$port" &
  server=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.1; done
  target/release/examples/challenge_load "http://127.0.0.1:$port" "$concurrency" "$seconds"
  kill "$server"; wait "$server" 2>/dev/null || true
  server=
done
