#!/bin/bash
# test.sh — the whole suite, run by `make test` (after the build, the unit
# tests and their ASan/UBSan build).  Starts a private PostgreSQL on a unix
# socket, runs: C unit tests (plain and sanitized), the storage suite on
# SQLite and PostgreSQL, black-box HTTP tests against the real binary, and
# browser tests in headless Chromium.  Ends with "N passed, M failed".
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
TMP=$(mktemp -d /tmp/lectern-test.XXXXXX)
PASS=0
FAIL=0
FAILED_SUITES=()
PG_DIR=""

cleanup() {
    [ -n "${BG_PID:-}" ] && kill "$BG_PID" 2>/dev/null
    [ -n "$PG_DIR" ] && bash scripts/pg.sh stop "$PG_DIR" >/dev/null 2>&1
    rm -rf "$TMP"
}
trap cleanup EXIT

section() { printf '\n=== %s\n' "$*"; }

# count SUITE PASSED FAILED
count() {
    PASS=$((PASS + $2))
    FAIL=$((FAIL + $3))
    [ "$3" -gt 0 ] && FAILED_SUITES+=("$1")
    printf -- '--- %s: %d passed, %d failed%s\n' "$1" "$2" "$3" "${SUITE_SECS:+ (${SUITE_SECS} s)}"
    SUITE_SECS=""
}

# run_suite NAME PASS_RE FAIL_RE FIELD SHOW_CMD -- COMMAND...: run COMMAND into
# a log, read its pass and fail counts (field FIELD of the last lines
# matching the patterns); a non-zero exit with no failure counted (a crash,
# no summary) is one failure.  On failure, SHOW_CMD prints the relevant part.
run_suite() {
    local name=$1 pass_re=$2 fail_re=$3 field=$4 show=$5; shift 6
    local out="$TMP/$(echo "$name" | tr ' /:' '___').log"
    local t0=$SECONDS
    "$@" >"$out" 2>&1
    local rc=$? p f
    SUITE_SECS=$((SECONDS - t0))
    p=$(grep -E "$pass_re" "$out" | awk -v f="$field" '{print $f}' | tail -1)
    f=$(grep -E "$fail_re" "$out" | awk -v f="$field" '{print $f}' | tail -1)
    p=${p:-0}; f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    [ "$f" -gt 0 ] && eval "$show" <"$out"
    count "$name" "$p" "$f"
}

# A cmocka binary: its "[  PASSED  ] N test(s)" summary.
run_cmocka() {
    local name=$1; shift
    run_suite "$name" '^\[  PASSED  \] [0-9]+ test' '^\[  FAILED  \] [0-9]+ test' 4 \
        "grep -E 'FAILED|ERROR|error|Assert|runtime error|Sanitizer' | head -20" -- "$@"
}

# node --test with the TAP reporter: its "# pass N" / "# fail N".
run_node() {
    local name=$1; shift
    run_suite "$name" '^# pass [0-9]+' '^# fail [0-9]+' 3 \
        "grep -E -B2 -A12 '^not ok|^\s+not ok' | head -80" -- \
        node --test --test-concurrency=1 --test-reporter=tap "$@"
}

section "PostgreSQL"
PG_URL=""
if PG_URL=$(bash scripts/pg.sh start "$TMP/pg" 2>"$TMP/pg.err"); then
    PG_DIR="$TMP/pg"
    echo "started on a unix socket: $PG_URL"
else
    cat "$TMP/pg.err"
    if [ "${CI:-}" = "true" ]; then
        echo "PostgreSQL is required in CI"
        count "postgresql start" 0 1
    else
        echo "PostgreSQL not available: its suites are skipped"
    fi
fi

section "C unit tests"
for t in build/tests/test_*; do
    [ -x "$t" ] || continue
    run_cmocka "unit $(basename "$t")" env LECTERN_TEST_DB="sqlite:$TMP/unit-$(basename "$t").db" "$t"
done

section "C unit tests under ASan + UBSan"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for t in build/asan/tests/test_*; do
    [ -x "$t" ] || continue
    run_cmocka "asan $(basename "$t")" env LECTERN_TEST_DB="sqlite:$TMP/asan-$(basename "$t").db" "$t"
done

section "Storage suite on PostgreSQL (the same tests as on SQLite above)"
for t in build/tests/test_db build/tests/test_writer build/tests/test_mail build/tests/test_routes \
         build/tests/test_search build/tests/test_content build/tests/test_course_io build/tests/test_spoc build/tests/test_ledger \
         build/tests/test_attendance build/tests/test_quiz build/tests/test_authcache \
         build/tests/test_peer build/tests/test_gradebook build/tests/test_author build/tests/test_forum \
         build/tests/test_absence build/tests/test_ical build/tests/test_forum_groups \
         build/tests/test_departure build/tests/test_forum_trainers build/tests/test_certificate \
         build/tests/test_survey build/tests/test_external; do
    [ -x "$t" ] && [ -n "$PG_URL" ] || continue
    run_cmocka "postgresql $(basename "$t")" env LECTERN_TEST_DB="$PG_URL" "$t"
    # Each suite starts from an empty database.
    psql "$PG_URL" -qc 'DROP SCHEMA public CASCADE; CREATE SCHEMA public;' >/dev/null 2>&1
done

# The HTTP tests on SQLite run in the foreground while those on PostgreSQL,
# then the browser tests, run beside them: the suites wait on servers and
# browsers most of the time, so on two cores they take turns badly.  Each
# server has its own port (:0), data directory and database, so they never
# meet.  A background suite's lines are printed, and counted, when it ends.
BG_PID=""
BG_OUT="$TMP/background.out"
background() {
    # The files that exercise most SQL run again on PostgreSQL, each in a
    # database of its own (tests/http/lib.mjs demoStore).
    if [ -n "$PG_URL" ]; then
        section "HTTP tests on PostgreSQL"
        LECTERN_BIN="$ROOT/build/lectern" LECTERN_TEST_PG="$PG_URL" LECTERN_TEST_TMP="$TMP" LECTERN_HTTP_PG=1 \
            run_node "http on postgresql" tests/http/catalog.test.mjs tests/http/search.test.mjs \
            tests/http/spoc.test.mjs tests/http/content.test.mjs tests/http/attendance.test.mjs \
            tests/http/quiz.test.mjs tests/http/forum.test.mjs tests/http/forum_trainers.test.mjs tests/http/peer.test.mjs \
            tests/http/gradebook.test.mjs tests/http/author.test.mjs tests/http/absence.test.mjs \
            tests/http/attendance_verify.test.mjs tests/http/ical.test.mjs \
            tests/http/forum_attach.test.mjs tests/http/forum_unit.test.mjs tests/http/forum_groups.test.mjs \
            tests/http/departure.test.mjs tests/http/certificate.test.mjs tests/http/survey.test.mjs \
            tests/http/xapi.test.mjs tests/http/audit_pack.test.mjs
    fi
    section "Browser tests (headless Chromium)"
    if ls tests/browser/*.test.mjs >/dev/null 2>&1; then
        if [ ! -d tests/browser/node_modules/playwright-core ] || [ ! -d tests/browser/node_modules/axe-core ]; then
            (cd tests/browser && npm ci --no-audit --no-fund --silent) || count "npm ci" 0 1
        fi
        LECTERN_BIN="$ROOT/build/lectern" LECTERN_TEST_TMP="$TMP" run_node "browser" tests/browser/*.test.mjs
    fi
}
background >"$BG_OUT" 2>&1 &
BG_PID=$!

section "HTTP tests against the real binary"
if ls tests/http/*.test.mjs >/dev/null 2>&1; then
    LECTERN_BIN="$ROOT/build/lectern" LECTERN_TEST_PG="$PG_URL" LECTERN_TEST_TMP="$TMP" \
        run_node "http" tests/http/*.test.mjs
fi

# The background's counts, from its "--- NAME: P passed, F failed" lines.
wait "$BG_PID"
BG_PID=""
cat "$BG_OUT"
grep -q '^--- browser: ' "$BG_OUT" || count "browser tests ended without a summary" 0 1
while read -r p f name; do
    PASS=$((PASS + p))
    FAIL=$((FAIL + f))
    [ "$f" -gt 0 ] && FAILED_SUITES+=("$name")
done < <(sed -n 's/^--- \(.*\): \([0-9]*\) passed, \([0-9]*\) failed.*/\2 \3 \1/p' "$BG_OUT")

section "Translations"
if bash scripts/check_i18n.sh >"$TMP/i18n.log" 2>&1; then count "i18n catalogue" 1 0
else cat "$TMP/i18n.log"; count "i18n catalogue" 0 1; fi
if bash scripts/check_layers.sh >"$TMP/layers.log" 2>&1; then count "layers (no SQL in pages)" 1 0
else cat "$TMP/layers.log"; count "layers (no SQL in pages)" 0 1; fi

echo
[ ${#FAILED_SUITES[@]} -gt 0 ] && printf 'failed suites: %s\n' "${FAILED_SUITES[*]}"
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
