#!/usr/bin/env bash
# Mail is never sent twice across SIGTERMs, nor lost while the mail server is down.
#
# Builds a release server with the job runner on, sending through a real SMTP server
# (scripts/smtp-sink.py, aiosmtpd, which logs every Message-ID and answers after DELAY_MS so that
# mail stays pending and jobs are in hand), on a scratch database at TEST_DATABASE_URL's server.
#   1. SIGTERM: under registration load (one mail each), the server gets SIGTERM every SECONDS
#      seconds and is started again, ROUNDS times.
#   2. SMTP down: under load, the mail server refuses (451) for DOWN seconds, then comes back.
# After each, the queue is drained and the mail counted: duplicates (a Message-ID delivered more
# than once), lost (an account answered 201 whose mail never came), failed jobs.
#   scripts/sigterm-mail.sh [ROUNDS] [SECONDS] [DOWN]          (needs: pip install aiosmtpd)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-10}
seconds=${2:-3}
down=${3:-10}
concurrency=${CONCURRENCY:-16}
admin_url=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
db="jiebang_sigterm_$$"
port=${PORT:-18091}
smtp_port=${SMTP_PORT:-18025}
work=$(mktemp -d)

cargo build --release --quiet --bin jiebang
bin="${CARGO_TARGET_DIR:-target}/release/jiebang"
export JIEBANG_ENV=development DATABASE_URL="${admin_url%/*}/$db"
export JIEBANG__LOG__FILTER=warn RUST_LOG=warn
export JIEBANG__JOBS__ENABLED=true JIEBANG__JOBS__WORKERS=4 JIEBANG__JOBS__POLL_INTERVAL_MS=100
export JIEBANG__MAIL__BACKEND=smtp JIEBANG__MAIL__SMTP__HOST=127.0.0.1 JIEBANG__MAIL__SMTP__PORT=$smtp_port
export JIEBANG__MAIL__SMTP__TLS=none

server= sink= load=
cleanup() {
  touch "$work/stop-load"
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  [ -n "$load" ] && wait "$load" 2>/dev/null || true
  [ -n "$sink" ] && kill "$sink" 2>/dev/null && wait "$sink" 2>/dev/null || true
  psql "$admin_url" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

python3 scripts/smtp-sink.py --port "$smtp_port" --log "$work/mail.tsv" \
  --delay-ms "${DELAY_MS:-150}" --refuse-flag "$work/refuse" &
sink=$!
touch "$work/mail.tsv" "$work/registered.txt"

start_server() {
  "$bin" serve --bind "127.0.0.1:$port" >>"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 200); do curl -fs "http://127.0.0.1:$port/ready" >/dev/null && return; sleep 0.05; done
  echo "the server did not become ready"; tail -20 "$work/server.log"; exit 1
}
start_load() {
  rm -f "$work/stop-load"
  python3 scripts/register-load.py "http://127.0.0.1:$port" "$concurrency" "$work/registered.txt" \
    "$work/stop-load" &
  load=$!
}
stop_load() { touch "$work/stop-load"; wait "$load"; load=; }
# Waits until no mail job is pending or running, then stops the server.
drain() {
  for _ in $(seq 600); do
    left=$(psql "${admin_url%/*}/$db" -tAc \
      "SELECT count(*) FROM background_jobs WHERE kind = 'send_email' AND status <> 'failed'")
    [ "$left" = 0 ] && break
    sleep 0.5
  done
  kill -TERM "$server"; wait "$server" || true; server=
}
report() {
  local registered received distinct duplicates lost failed
  registered=$(sort -u "$work/registered.txt" | wc -l)
  received=$(wc -l <"$work/mail.tsv")
  distinct=$(cut -f1 "$work/mail.tsv" | sort -u | wc -l)
  duplicates=$((received - distinct))
  lost=$(comm -23 <(sort -u "$work/registered.txt") <(cut -f2 "$work/mail.tsv" | tr ',' '\n' | sort -u) | wc -l)
  failed=$(psql "${admin_url%/*}/$db" -tAc "SELECT count(*) FROM background_jobs WHERE status = 'failed'")
  echo "accounts answered 201: $registered; mails received: $received ($distinct distinct Message-IDs)"
  echo "duplicates: $duplicates; lost: $lost; jobs failed for good: $failed"
}

echo "== 1. SIGTERM x $rounds under load (every ${seconds}s, SMTP answering after ${DELAY_MS:-150} ms)"
start_server
start_load
for round in $(seq "$rounds"); do
  sleep "$seconds"
  pending=$(psql "${admin_url%/*}/$db" -tAc \
    "SELECT count(*) FILTER (WHERE status = 'pending') || ' pending, ' || count(*) FILTER (WHERE status = 'running') || ' running' FROM background_jobs WHERE kind = 'send_email'")
  started=$(date +%s.%N)
  kill -TERM "$server"
  code=0; wait "$server" || code=$?
  stopped=$(date +%s.%N)
  printf 'round %2d: mail jobs at SIGTERM: %s; exit %s after %.1fs\n' "$round" "$pending" "$code" \
    "$(echo "$stopped - $started" | bc)"
  start_server
done
stop_load
drain
report
echo "server log: $(grep -c 'handed back' "$work/server.log" || true) jobs handed back, \
$(grep -c 'lease lost' "$work/server.log" || true) leases lost, \
$(grep -c 'cannot record' "$work/server.log" || true) outcomes not recorded, \
$(grep -c 'cannot take jobs' "$work/server.log" || true) 'cannot take jobs'"

echo
echo "== 2. SMTP down for ${down}s under load"
: >"$work/mail.tsv"; : >"$work/registered.txt"
start_server
start_load
sleep 2
touch "$work/refuse"
sleep "$down"
rm -f "$work/refuse"
sleep 2
stop_load
retrying=$(psql "${admin_url%/*}/$db" -tAc \
  "SELECT count(*) || ' jobs waiting to retry, up to ' || coalesce(max(attempts), 0) || ' attempts' FROM background_jobs WHERE kind = 'send_email' AND attempts > 0")
echo "after the mail server came back: $retrying"
started=$(date +%s)
drain
echo "queue drained $(( $(date +%s) - started ))s after the load stopped"
report
