#!/usr/bin/env bash
# Documents: upload and download throughput of a SIZE_MIB file beside `cp` of the same file on the
# same disk, and the server's resident memory during CONCURRENCY uploads at once (issue 16: aims
# ≥ 50 % of cp, and under 100 MiB above idle).
#
# Builds the release server, seeds a scratch database at TEST_DATABASE_URL's server (seed-demo:
# the demo issuer), serves it with its store and spool in one scratch folder (same disk as the
# baseline copies), and creates a draft challenge. Files are PDFs of SIZE_MIB MiB made of one
# image stream of random bytes (what a scanned 申报书 mostly is; the real inspector accepts them as
# the stub does) and `%%EOF`; each upload is a new file, so every one is stored (the store skips
# content it holds already).
#   1. throughput, ROUNDS times each: `cp` of a file (and `sync` of the copy: cp with its fsync,
#      for the disk's own speed; neither the store nor the spool fsyncs), an upload (curl --data-binary @file, raw
#      body with ?name=), the download of that document (curl to a file); MiB/s, median of ROUNDS;
#   2. memory: VmRSS of the server from /proc/<pid>/status every 100 ms, at idle (just started),
#      idle again before the burst, and the peak during CONCURRENCY uploads at once; VmHWM too.
#   scripts/documents-bench.sh [SIZE_MIB] [CONCURRENCY] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-50}
concurrency=${2:-8}
rounds=${3:-3}
admin_url=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
db="jiebang_docbench_$$"
port=${PORT:-18093}
target=${CARGO_TARGET_DIR:-target}
work=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/documents-bench.XXXXXX")

cargo build --release --quiet --bin jiebang
bin="$target/release/jiebang"
export JIEBANG_ENV=development DATABASE_URL="${admin_url%/*}/$db"
export JIEBANG__LOG__FILTER=warn RUST_LOG=warn JIEBANG__JOBS__ENABLED=false
export JIEBANG__DOCUMENTS__DIR="$work/store" JIEBANG__DOCUMENTS__SPOOL_DIR="$work/spool"
export JIEBANG__DOCUMENTS__MAX_FILE_MIB__CHALLENGE=$size_mib
export JIEBANG__DOCUMENTS__MAX_TOTAL_MIB__CHALLENGE=$((size_mib * (rounds + concurrency + 1)))

server= sampler=
cleanup() {
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null || true
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  psql "$admin_url" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

bytes=$((size_mib * 1024 * 1024))
# A PDF of exactly SIZE_MIB MiB shaped like a scanned document: its bytes are one image stream
# (random bytes, as compressed image data looks), between a header and object of 98 bytes and a
# trailer of 24 (sizes checked below).
make_pdf() {
  local head='%%PDF-1.7\n1 0 obj\n<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /Filter /DCTDecode >>\nstream\n'
  local tail='\nendstream\nendobj\n%%%%EOF\n'
  local head_len tail_len
  head_len=$(printf "$head" | wc -c)
  tail_len=$(printf "$tail" | wc -c)
  { printf "$head"; head -c $((bytes - head_len - tail_len)) /dev/urandom; printf "$tail"; } >"$1"
  [ "$(stat -c %s "$1")" -eq "$bytes" ] || { echo "make_pdf: wrong size" >&2; exit 1; }
}
now() { echo "$EPOCHREALTIME"; }
mibs() { echo "scale=1; $size_mib / ($2 - $1)" | bc; }
median() { tr ' ' '\n' | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
rss() { awk '/^VmRSS/ {print $2}' "/proc/$server/status"; }

issuer_password=$("$bin" seed-demo | awk '$2 == "issuer@demo.jiebang.cn" {print $3}')
"$bin" serve --bind "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.1; done
base="http://127.0.0.1:$port/api/v1"
token=$(curl -fs "$base/auth/login" -H 'content-type: application/json' \
  -d "{\"email\": \"issuer@demo.jiebang.cn\", \"password\": \"$issuer_password\"}" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
opens=$(date -u -d '+1 day' +%FT%TZ)
closes=$(date -u -d '+30 days' +%FT%TZ)
challenge=$(curl -fs "$base/challenges" -H "authorization: Bearer $token" \
  -H 'content-type: application/json' -d "{\"title\": \"附件基准测试\", \"category\": \"tech_breakthrough\",
  \"field\": \"new_materials\", \"description\": \"上传与下载大文件的吞吐量与内存。\",
  \"kpis\": [{\"name\": \"吞吐量\", \"target\": \"≥ 50%\", \"unit\": \"cp\"}], \"bounty_fen\": 300000000,
  \"bid_opens_at\": \"$opens\", \"bid_closes_at\": \"$closes\", \"max_duration_months\": 24}" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
sleep 1
idle_fresh=$(rss)

# Uploads one file; prints the document's id.
upload() {
  curl -fsS -H 'Expect:' -H "authorization: Bearer $token" -H 'content-type: application/octet-stream' \
    --data-binary "@$1" "$base/challenges/$challenge/documents?name=$(basename "$1")" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])'
}

echo "== 1. throughput of a $size_mib MiB file, $rounds rounds (store and spool in $work)"
cps=() syncs=() ups=() downs=()
for round in $(seq "$rounds"); do
  make_pdf "$work/round-$round.pdf"
  sync
  t0=$(now); cp "$work/round-$round.pdf" "$work/copy-$round.pdf"; t1=$(now)
  sync "$work/copy-$round.pdf"; t2=$(now)
  cps+=("$(mibs "$t0" "$t1")") syncs+=("$(mibs "$t0" "$t2")")
  t0=$(now); id=$(upload "$work/round-$round.pdf"); t1=$(now)
  ups+=("$(mibs "$t0" "$t1")")
  t0=$(now)
  curl -fsS -H "authorization: Bearer $token" -o "$work/down-$round.pdf" "$base/documents/$id"
  t1=$(now)
  downs+=("$(mibs "$t0" "$t1")")
  cmp -s "$work/round-$round.pdf" "$work/down-$round.pdf" || { echo "round $round: the download differs"; exit 1; }
  printf 'round %d: cp %s MiB/s (%s with its fsync), upload %s MiB/s, download %s MiB/s\n' "$round" \
    "${cps[-1]}" "${syncs[-1]}" "${ups[-1]}" "${downs[-1]}"
  rm -f "$work/copy-$round.pdf" "$work/down-$round.pdf" "$work/round-$round.pdf"
done
cp_m=$(echo "${cps[*]}" | median); sync_m=$(echo "${syncs[*]}" | median); up_m=$(echo "${ups[*]}" | median); down_m=$(echo "${downs[*]}" | median)
printf 'median: cp %s MiB/s (%s with its fsync); upload %s MiB/s (%s %% of cp); download %s MiB/s (%s %% of cp)\n' \
  "$cp_m" "$sync_m" "$up_m" "$(echo "scale=0; 100 * $up_m / $cp_m" | bc)" \
  "$down_m" "$(echo "scale=0; 100 * $down_m / $cp_m" | bc)"

echo
echo "== 2. memory during $concurrency uploads of $size_mib MiB at once"
for i in $(seq "$concurrency"); do make_pdf "$work/burst-$i.pdf"; done
sync
sleep 1
idle_before=$(rss)
( while kill -0 "$server" 2>/dev/null; do rss >>"$work/rss.txt" || true; sleep 0.1; done ) &
sampler=$!
t0=$(now)
pids=()
for i in $(seq "$concurrency"); do upload "$work/burst-$i.pdf" >"$work/burst-$i.id" & pids+=($!); done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
t1=$(now)
sleep 0.3
kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true; sampler=
peak=$(sort -n "$work/rss.txt" | tail -n 1)
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$server/status")
stored=$(find "$work/store" -type f | wc -l)
printf '%d uploads in %.1f s (%s failed; %d objects stored in all)\n' "$concurrency" \
  "$(echo "$t1 - $t0" | bc)" "$failed" "$stored"
printf 'VmRSS: idle %d MiB (just started), %d MiB (before the burst); peak %d MiB: +%d MiB above idle (+%d above the idle before the burst); VmHWM %d MiB; %d samples\n' \
  $((idle_fresh / 1024)) $((idle_before / 1024)) $((peak / 1024)) $(((peak - idle_fresh) / 1024)) \
  $(((peak - idle_before) / 1024)) $((hwm / 1024)) "$(wc -l <"$work/rss.txt")"
[ "$failed" = 0 ]
