#!/usr/bin/env bash
# Schemathesis (v4) against the served OpenAPI document: all phases (examples, coverage, fuzzing,
# stateful) as an anonymous caller, a solver, an expert and an admin, on a scratch database with
# the demo accounts and a challenge in every state. Goal: no 5xx and no response that differs
# from the document. Needs PostgreSQL at TEST_DATABASE_URL's server and `schemathesis` on PATH
# (`pip install schemathesis`). See docs/api-testing.md.
#   scripts/schemathesis.sh                     # every role, 10 examples per operation and phase
#   MAX_EXAMPLES=30 ROLES="admin" scripts/schemathesis.sh
set -euo pipefail
cd "$(dirname "$0")/.."
admin_url=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
db="jiebang_schemathesis_$$"
db_url="${admin_url%/*}/$db"
port=${PORT:-18091}
base="http://127.0.0.1:$port"
max_examples=${MAX_EXAMPLES:-10}
roles=${ROLES:-"anonymous solver expert admin"}
profile=${PROFILE:-debug}
out=$(realpath -m "${OUT:-target/schemathesis}")
target_dir=${CARGO_TARGET_DIR:-target}
work=$(mktemp -d)
mkdir -p "$out"

if [ -n "${BIN:-}" ]; then
  bin=$BIN # another build, e.g. an older one to compare with
elif [ "$profile" = release ]; then
  cargo build --release --quiet --bin jiebang
  bin="$target_dir/release/jiebang"
else
  cargo build --quiet --bin jiebang
  bin="$target_dir/debug/jiebang"
fi

export JIEBANG_ENV=development DATABASE_URL="$db_url" RUST_LOG=${RUST_LOG:-warn}
export JIEBANG__MAIL__FILE_DIR="$work/mail"
# Fuzzing logs in a great many times: the limiter is tested elsewhere (tests/api/auth.rs).
export JIEBANG__AUTH__LOGIN_ATTEMPTS_PER_ACCOUNT_PER_MINUTE=1000000
export JIEBANG__AUTH__LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE=1000000

cleanup() {
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  psql "$admin_url" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# The demo accounts (their passwords are printed) and generated challenges (published, closed,
# under review, awarded, drafts); then one challenge moved into each remaining state.
"$bin" migrate >/dev/null
"$bin" seed-demo --challenges 40 >"$work/accounts.txt"
psql -q "$db_url" <<'SQL'
WITH spare AS (
  SELECT id, row_number() OVER (ORDER BY id) AS n FROM challenges WHERE status = 'published'
)
UPDATE challenges c
SET status = (ARRAY['pending_approval', 'publicity', 'accepted', 'rejected', 'cancelled',
                    'failed'])[spare.n],
    published_at = CASE WHEN spare.n IN (1, 4) THEN NULL ELSE c.published_at END,
    awarded_at = CASE WHEN spare.n = 3 THEN now() ELSE c.awarded_at END
FROM spare WHERE c.id = spare.id AND spare.n <= 6;
SQL
psql -qAtc "SELECT status, count(*) FROM challenges GROUP BY status ORDER BY status" "$db_url" \
  | tr '\n' ' ' | sed 's/^/challenges by state: /'
echo

"$bin" serve --bind "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -fs "$base/ready" >/dev/null && break; sleep 0.2; done

password_of() { awk -v e="$1" '$2 == e { print $3 }' "$work/accounts.txt"; }
token_of() {
  local email=$1
  curl -fs "$base/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$(password_of "$email")\"}" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'
}

# Schemathesis would register an account of its own to log in with (4.32 fails at it on a body
# given by `$ref`); the roles' tokens are given instead. Path ids are drawn half the time from
# the seeded objects (the challenges in every state, accounts, organisations), so that the
# operations reach more than their 404.
ids=$(psql -qAt "$db_url" -c "SELECT string_agg('\"' || id || '\"', ', ') FROM (
  SELECT id FROM challenges UNION ALL SELECT id FROM users UNION ALL SELECT id FROM organizations) t")
cat >"$work/schemathesis.toml" <<TOML
[auth]
auto-signup = false

[generation]
allow-x00 = ${ALLOW_X00:-true}

[dictionaries.ids]
values = [$ids]

[parameters]
"path.id" = { dictionary = "ids", probability = 0.5 }
"path.user_id" = { dictionary = "ids", probability = 0.5 }
TOML

status=0
for role in $roles; do
  auth=()
  # Logging out would end the session the run uses; it is fuzzed anonymously.
  exclude=()
  case $role in
    anonymous) ;;
    solver) auth=(-H "Authorization: Bearer $(token_of solver1@demo.jiebang.cn)") ;;
    expert) auth=(-H "Authorization: Bearer $(token_of expert1@demo.jiebang.cn)") ;;
    admin) auth=(-H "Authorization: Bearer $(token_of admin@demo.jiebang.cn)") ;;
    *) echo "unknown role $role" >&2; exit 2 ;;
  esac
  [ "$role" != anonymous ] && exclude=(--exclude-path /api/v1/auth/logout)
  echo "== $role"
  # From the scratch folder: Schemathesis keeps its example database in ./.schemathesis, and a
  # run that starts from none is reproducible.
  (cd "$work" && schemathesis --config-file "$work/schemathesis.toml" --no-color run "$base/api/v1/openapi.json" \
    --phases examples,coverage,fuzzing,stateful \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --max-examples "$max_examples" \
    --seed 1 \
    --workers 2 \
    --request-timeout 30 \
    --report junit --report-dir "$out/$role" \
    "${auth[@]}" "${exclude[@]}") >"$out/$role.txt" 2>&1 || status=1
  # The summary: operations, test cases, failures by check.
  sed -n '/SUMMARY/,$p' "$out/$role.txt" | grep -v '^$' | head -40
done
cp "$work/server.log" "$out/server.log"
grep -c 'internal error\|panicked' "$out/server.log" | sed 's/^/internal errors logged: /' || true
exit $status
