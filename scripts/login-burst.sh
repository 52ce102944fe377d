#!/usr/bin/env bash
# Measures login cost and a burst of concurrent logins against a release build on a scratch
# database (see examples/login_burst.rs). Needs PostgreSQL at TEST_DATABASE_URL's server.
#   scripts/login-burst.sh [CONCURRENCY]
set -euo pipefail
cd "$(dirname "$0")/.."
concurrency=${1:-200}
admin_url=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
db="jiebang_bench_$$"
db_url="${admin_url%/*}/$db"
port=${PORT:-18089}
password="bench-password-$$"

cargo build --release --quiet --bin jiebang --example login_burst
export JIEBANG_ENV=development DATABASE_URL="$db_url"
# Generous login limits: this measures hashing, not the limiter.
export JIEBANG__AUTH__LOGIN_ATTEMPTS_PER_ACCOUNT_PER_MINUTE=1000000
export JIEBANG__AUTH__LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE=1000000
export RUST_LOG=warn

cleanup() {
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  psql "$admin_url" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

echo "$password" | target/release/jiebang create-admin --email bench@example.com --name bench >/dev/null
target/release/jiebang serve --bind "127.0.0.1:$port" &
server=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.1; done
target/release/examples/login_burst "http://127.0.0.1:$port" bench@example.com "$password" "$server" "$concurrency"
