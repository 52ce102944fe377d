#!/usr/bin/env bash
# Peak memory of a credit import whose line is only separators (issue 14, finding 8): a file of
# SIZE_MB megabytes (default 50) — a header, then one line of commas — imported through the CLI
# (`jiebang import-credit`, peak RSS by /usr/bin/time -v) and through HTTP (`POST
# /api/v1/credit/imports`, the server's VmHWM from /proc), each against an import of a one-line
# file, on a scratch database. Needs PostgreSQL at TEST_DATABASE_URL's server, curl, jq.
#   scripts/credit-import-memory.sh [SIZE_MB]
# PROFILE=debug measures the debug build (slower, same allocations) instead of the release one.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb=${1:-50}
profile=${PROFILE:-release}
admin_url=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
db="jiebang_import_mem_$$"
db_url="${admin_url%/*}/$db"
port=${PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
password="bench-password-$$"
work=$(mktemp -d)
target=${CARGO_TARGET_DIR:-target}
if [ "$profile" = release ]; then
  cargo build --release --quiet --bin jiebang
else
  cargo build --quiet --bin jiebang
fi
bin="$target/$profile/jiebang"
export JIEBANG_ENV=development DATABASE_URL="$db_url" RUST_LOG=warn

cleanup() {
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  psql "$admin_url" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

header='主体类型,主体名称,统一社会信用代码或身份证号,严重程度,失信类别,事由,认定单位,记录编号,认定日期,有效期至'
printf '%s\n法人,厦门某公司,913502000728319549,严重失信,,,,S1,2024-01-02,\n' "$header" >"$work/small.csv"
{
  printf '%s\n' "$header"
  head -c $((size_mb * 1000 * 1000)) /dev/zero | tr '\0' ','
  printf '\n'
} >"$work/commas.csv"
echo "file: $(stat -c %s "$work/commas.csv") bytes, one line of commas ($profile build)"

peak_kib() { # the maximum resident set size of a command, in KiB
  /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {print $2}'
}
echo "$password" | "$bin" create-admin --email bench@example.com --name bench >/dev/null
small=$(peak_kib "$bin" import-credit "$work/small.csv")
big=$(peak_kib "$bin" import-credit "$work/commas.csv")
echo "CLI:  peak RSS $((small / 1024)) MiB for one line, $((big / 1024)) MiB for ${size_mb} MB of commas: +$(((big - small) / 1024)) MiB"
"$bin" import-credit "$work/commas.csv" | head -3

"$bin" serve --bind "127.0.0.1:$port" &
server=$!
for _ in $(seq 300); do
  kill -0 "$server" && curl -fs "http://127.0.0.1:$port/ready" >/dev/null && break
  sleep 0.1
done
token=$(curl -fs "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"email\":\"bench@example.com\",\"password\":\"$password\"}" | jq -r .access_token)
upload() {
  curl -fs "http://127.0.0.1:$port/api/v1/credit/imports" -H "authorization: Bearer $token" \
    -H 'content-type: text/csv' --data-binary "@$1"
}
upload "$work/small.csv" >/dev/null
kib() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$server/status"; }
idle=$(kib VmHWM)
report=$(upload "$work/commas.csv")
peak=$(kib VmHWM)
echo "HTTP: server peak $((idle / 1024)) MiB after one line, $((peak / 1024)) MiB after ${size_mb} MB of commas: +$(((peak - idle) / 1024)) MiB"
echo "$report" | jq -c '{read, inserted, updated, unchanged, rejected, line: .rejected_lines[0].line, code: .rejected_lines[0].code}'
