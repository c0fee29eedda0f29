#!/usr/bin/env bash
# bench/run.sh — `make bench`: lectern's figures beside ceilings measured in
# the same run on the same machine (see bench/RESULTS.md).
#
#   bash bench/run.sh [PART...]      PART: core range beat search dashboard quiz gradebook forum
#                                    signers sheetpdf verify certificate
#                                    (default: all of them; "courses" = range beat search dashboard,
#                                    "attendance" = signers sheetpdf verify)
#
# core, on the demo data (lectern demo):
#   (a) GET /healthz                       vs nginx returning the same "ok\n",
#       and vs bench/mhd_bare.c (libmicrohttpd alone, lectern's daemon options,
#       the same bytes): the library's floor under lectern
#   (b) GET / as the signed-in demo admin  vs nginx serving the same page bytes
#   (c) POST /api/v1/orgs/demo/events      vs (d) the same POST with ?dry_run=1
#       plus raw SQLite insert loops (bench/sqlite_insert.c) as reference lines
#       and a check that the event rows equal the 201s wrk counted.
# courses, on a generated site (`lectern bench-seed`, once per run, into the
# temp dir: 10,000 courses, 100,000 learners, 10 million heartbeats, a 50 MB
# video), as learner 1 (50 enrolments), lectern --sync full:
#   (e) range      GET /runs/{run}/units/{unit}/file with random 1 MiB Range
#                  requests (bench/range.lua) vs nginx, same file, same ranges
#   (f) beat       POST /runs/{run}/units/{unit}/beat (bench/beat.lua) vs (g)
#                  the same server's no-op POST: POST /api/v1/orgs/bench/events
#                  ?dry_run=1 with the same session cookie and CSRF token
#                  (checked, nothing stored); raw SQLite heartbeat inserts as
#                  reference lines; heartbeat rows = 200s counted
#   (h) search     GET /courses?q=WORD and GET /api/v1/courses?q=WORD, four
#                  words (bench/paths.lua), signed out: p50/p99 at -c64 and -c1
#   (i) dashboard  GET / and GET /api/v1/me/enrolments: p50/p99 at -c64 and -c1
# quiz, on a database of its own (`lectern bench-quiz-seed`: one quiz of ten
# questions, 100,000 learners each with a submitted attempt and its answers,
# and an attempt in progress), lectern --sync full:
#   (q) quiz       POST /api/v1/runs/{run}/units/{unit}/attempts/{aid}/submit,
#                  every request another learner's attempt (bench/quiz.lua):
#                  ten questions graded, answers, attempt and ledger entry in
#                  one transaction, vs (r) the same server's no-op POST
#                  (events ?dry_run=1) with the same cookies and CSRF tokens;
#                  submitted attempts added = 200s counted
#   (y) survey     POST /api/v1/runs/{run}/survey/responses, every request
#                  another learner's answers to the run's satisfaction survey
#                  (the response, 7 answers and a ledger entry in one
#                  transaction) vs the same (r); responses added = 201s counted
# gradebook, on its own generated run (`lectern bench-seed-gradebook`: 10,000
# learners, 5 quizzes × 2 finished attempts each and a peer-assessed
# assignment), as its trainer, at -c$BENCH_GB_CONNS (4: a gradebook is a
# trainer's page, not a crowd's):
#   (j) GET /o/gbbench/runs/{run}/gradebook      vs nginx serving the same bytes
#   (k) GET /o/gbbench/runs/{run}/gradebook.csv  vs nginx serving the same bytes
#       plus the raw ceiling: the gradebook's four statements read by a C loop
#       over SQLite (bench/gradebook_raw.c, one thread), gradebooks/s
# forum, on its own generated run (`lectern bench-seed-forum`: 10,000 threads,
# 1,000,000 posts in all, one thread of 1,000 replies, every post in the
# search index, 5,000 posters with sessions), lectern --sync full:
#   (l) GET /runs/{run}/forum/{big}   the thread of 1,000 replies, as a learner,
#       at -c$BENCH_FORUM_CONNS (8) vs nginx serving the same bytes
#   (m) GET /runs/{run}/forum         the index of 10,000 threads (its first
#       500), same way
#   (n) POST /api/v1/runs/{run}/forum/threads/{tid}/posts at -c64, a reply to a
#       random thread by a different poster each time (bench/forum.lua) vs (o)
#       the same server's no-op POST (events ?dry_run=1, same cookies/tokens),
#       plus raw SQLite writing the rows of one reply per transaction
#       (bench/forum_raw.c post, on a copy); posts added = 201s counted
#   (p) GET /runs/{run}/forum/search?q=W over three queries (one word, a
#       prefix, two words) at -c1 (latency, no queueing) vs the same search
#       statement run by C over the same index (bench/forum_raw.c search,
#       one thread): p50/p99 per query
#
# attendance, on a database of its own (`lectern bench-attendance-seed`: one
# run of BENCH_SIGNERS learners, REPS + 1 live sessions open now with a
# personal signing link per learner, a signed 30-learner sheet; ~1 s),
# lectern --sync full:
#   (s) signers    every learner signs one session through the real path of
#                  an e-mailed link, signed out as on a phone: POST
#                  /sign/TOKEN with the anonymous cookie, its CSRF token and
#                  the drawn strokes (bench/sign.lua, -c$BENCH_SIGN_CONNS);
#                  each link once, wrk stopped when every signature is in
#                  the database (at most BENCH_SIGN_LIMIT s).  p50/p99, and
#                  signatures/s from the first to the last signature's time;
#                  goal: all of them within a minute.  Ceiling: raw SQLite
#                  (bench/sqlite_insert.c sign) writing the same rows, one
#                  transaction each (link UPDATE, signature, ledger entry,
#                  head).  Checks: rows = 200s in every round, signatures =
#                  attendance.signature ledger entries, `lectern verify` ok
#   (t) sheetpdf   GET /o/benchatt/sessions/{id}/sheet.pdf as its trainer,
#                  one connection (30 learners and the trainer signed, 3 A4
#                  pages) vs bench/sheet_cairo.c, a bare cairo+pango program
#                  drawing the same page (same fonts, text, strokes,
#                  geometry; one thread): sheets/s; the two PDFs' text is
#                  compared with pdftotext when it is installed
# verify, on a database of its own (`lectern bench-attendance-seed --ledger
# N`: N = BENCH_LEDGER_ENTRIES valid entries of one organisation, inserted
# directly with their hashes; 1,000,000 by default, 20-40 s and 0.5 GB; 10
# million took 281 s and 5.3 GB to seed and `lectern verify` 309 s on a
# loaded machine (~170 s of CPU), so that is opt-in:
# BENCH_LEDGER_ENTRIES=10000000 BENCH_REPS=1 bash bench/run.sh verify):
#   (v) verify     `lectern verify --org benchledger` (one process, one
#                  thread), entries/s, vs bench/ledger_hash.c: the same rows
#                  read the same way and SHA-256 recomputed over the same
#                  bytes, without parsing the payloads
# certificate, on the demo data (`lectern demo`; Élodie's certificate of the
# first course issued through the API, then a checkpoint):
#   (w) GET /o/demo/certificates/{id}/certificate.pdf as the admin, one
#       connection, vs bench/cert_cairo.c, a bare cairo+pango program drawing
#       the same page (same fonts, text, QR code, geometry; one thread):
#       PDFs/s; the two PDFs' text is compared with pdftotext
#   (x) GET /verify/certificates/{id} (public: the row against its entry,
#       the chain to the checkpoint, its signature) at -c$BENCH_CERT_CONNS vs
#       nginx serving the same bytes
# xapi, on the demo data (`lectern demo`, a trainer's API token):
#   (z) POST /xapi/statements, a batch of $BENCH_XAPI_BATCH statements per
#       request (HTTP Basic with the token), at -c$BENCH_XAPI_CONNS under
#       --sync full: statements/s, every one checked, stored and entered in
#       the ledger before the answer, vs `sqlite_insert xapi` writing the same
#       rows (statement, ledger entry, head) in batches of the same size on a
#       copy of the same database; rows counted against the 200s
#
# wrk -t2 -c64, 2 s warm-up, then REPS runs of DURATION s per server, lectern
# and its ceiling alternating; the median of the runs is printed.  Loopback
# only; every process started here is stopped by PID on exit.
#
# Environment (all optional):
#   LECTERN_BIN=build/lectern  BENCH_DURATION=8  BENCH_WARMUP=2  BENCH_REPS=3
#   BENCH_CONNS=64  BENCH_WRK_THREADS=2  BENCH_THREADS=2 (lectern threads = nginx workers)
#   BENCH_SQLITE_SECONDS=3  BENCH_KEEP=1 (keep the temp dir)  TMPDIR
#   BENCH_OUT=bench/out (where latest.txt and runs.txt go)
#   BENCH_SERVE_ARGS="--max-header 8192" (extra `lectern serve` options, to try a setting)
#   BENCH_PARTS="core range" (the parts, when none are given as arguments)
#   BENCH_COURSES=10000 BENCH_LEARNERS=100000 BENCH_HEARTBEATS=10000000
#   BENCH_ENROLMENTS_PER_LEARNER=5 (what bench-seed generates)
#   BENCH_SEED_DATA=DIR (reuse a data dir seeded by an earlier run, kept with
#       BENCH_KEEP=1: DIR is its seed/ folder; (f) adds rows to it)
#   BENCH_LAT_DURATION=5 (seconds of each -c1 run of (h) and (i))
#   BENCH_QUIZ_LEARNERS=100000 (learners, thus attempts in progress, of part quiz;
#       each measured run submits attempts of its own share of them)
#   BENCH_GB_LEARNERS=10000 BENCH_GB_CONNS=4 BENCH_GB_DURATION=5 BENCH_GB_RAW_SECONDS=3 (part gradebook)
#   BENCH_FORUM_POSTS=1000000 BENCH_FORUM_THREADS=10000 BENCH_FORUM_BIG=1000 BENCH_FORUM_POSTERS=5000
#   BENCH_FORUM_CONNS=8 (pages) BENCH_FORUM_DURATION=5 BENCH_FORUM_RAW_SECONDS=3 (part forum)
#   BENCH_FORUM_DATA=DIR (reuse a data dir seeded by an earlier run of part forum, kept
#       with BENCH_KEEP=1: DIR is its forum/ folder; (n) adds posts to it)
#   BENCH_SIGNERS=1000 BENCH_SIGN_CONNS=$BENCH_CONNS BENCH_SIGN_LIMIT=60 BENCH_SIGN_SQLITE_SECONDS=2 (part signers)
#   BENCH_SHEET_DURATION=5 BENCH_SHEET_SECONDS=3 (part sheetpdf: lectern's and the bare program's runs)
#   BENCH_LEDGER_ENTRIES=1000000 (part verify)
#   BENCH_CERT_DURATION=5 BENCH_CERT_SECONDS=3 BENCH_CERT_CONNS=8 (part certificate)
#   BENCH_XAPI_BATCH=100 BENCH_XAPI_CONNS=4 BENCH_XAPI_DURATION=5 BENCH_XAPI_SECONDS=3 (part xapi)
set -euo pipefail
export LC_ALL=C

cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=${LECTERN_BIN:-$ROOT/build/lectern}
DUR=${BENCH_DURATION:-8}
WARM=${BENCH_WARMUP:-2}
REPS=${BENCH_REPS:-3}
CONNS=${BENCH_CONNS:-64}
WT=${BENCH_WRK_THREADS:-2}
THREADS=${BENCH_THREADS:-2}
SQ_SECS=${BENCH_SQLITE_SECONDS:-3}
OUT_DIR=${BENCH_OUT:-$ROOT/bench/out}

LAT_DUR=${BENCH_LAT_DURATION:-5}
SIGNERS=${BENCH_SIGNERS:-1000}
SIGN_SQ_SECS=${BENCH_SIGN_SQLITE_SECONDS:-2}
LEDGER_N=${BENCH_LEDGER_ENTRIES:-1000000}

die() { echo "bench: $*" >&2; exit 1; }
note() { echo "bench: $*" >&2; }

ALL_PARTS="core range beat search dashboard quiz gradebook forum signers sheetpdf verify certificate xapi"
PARTS=" "
ASKED=("$@")
[ "${#ASKED[@]}" -gt 0 ] || read -r -a ASKED <<< "${BENCH_PARTS:-all}"
for p in "${ASKED[@]}"; do
    case $p in
    all) PARTS+="$ALL_PARTS " ;;
    courses) PARTS+="range beat search dashboard " ;;
    core|range|beat|search|dashboard|quiz|gradebook|forum|signers|sheetpdf|verify|certificate|xapi) PARTS+="$p " ;;
    attendance) PARTS+="signers sheetpdf verify " ;;
    *) die "unknown part $p (parts: $ALL_PARTS, all, courses, attendance)" ;;
    esac
done
want() { case $PARTS in *" $1 "*) return 0 ;; esac; return 1; }
COURSES=0
for p in range beat search dashboard; do want "$p" && COURSES=1; done

TOOLS="wrk curl cc"
if want core || want range || want gradebook || want forum || want certificate; then TOOLS+=" nginx"; fi
for tool in $TOOLS; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (make deps installs it on Debian)"
done
[ -x "$BIN" ] || die "$BIN is missing: run make first"

T=$(mktemp -d "${TMPDIR:-/tmp}/lectern-bench.XXXXXX")
PIDS=()

stop_pid() {    # stop_pid PID: TERM, wait up to 5 s, then KILL
    local p=$1 i
    kill -0 "$p" 2>/dev/null || return 0
    kill -TERM "$p" 2>/dev/null || true
    for i in $(seq 50); do
        kill -0 "$p" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
}

cleanup() {
    local rc=$? p w
    trap - EXIT INT TERM
    for p in "${PIDS[@]}"; do
        # nginx workers are children of the master: note them before it goes,
        # in case the master has to be killed and cannot take them along.
        local workers=""
        workers=$(pgrep -P "$p" 2>/dev/null || cat "/proc/$p/task/$p/children" 2>/dev/null || true)
        stop_pid "$p"
        for w in $workers; do kill -KILL "$w" 2>/dev/null || true; done
    done
    if [ "${BENCH_KEEP:-0}" = 1 ]; then note "kept $T"; else rm -rf "$T"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- helpers ------------------------------------------------------------------

forget_pid() {  # forget_pid PID: it has exited; drop it from the stop list
    local p keep=()
    for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
    PIDS=("${keep[@]}")
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
    local p i
    for i in $(seq 100); do
        p=$((20000 + RANDOM % 40000))
        if port_free "$p"; then echo "$p"; return 0; fi
    done
    die "no free port found"
}

# CPU accounting, to tell how much of the machine other processes took during
# a run (the figures are only comparable when that is near 0).
busy_ticks() {  # all CPUs' busy ticks (user nice system irq softirq steal)
    awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}
pid_ticks() {   # utime + stime of the given processes (all their threads)
    local p t=0 v
    for p in "$@"; do
        v=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{ print $12 + $13 }') || v=0
        t=$((t + ${v:-0}))
    done
    echo "$t"
}
child_ticks() { # child_ticks FILE: CPU ticks in the output of `times` (run in
                # this shell, not a subshell: a subshell's children are not wrk)
    awk -v hz="$HZ" 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, /m/); sub(/s$/, "", a[2]); t += a[1] * 60 + a[2] } printf "%.0f", t * hz }' "$1"
}
HZ=$(getconf CLK_TCK 2>/dev/null || echo 100); export HZ
OUR_PIDS=()     # lectern, nginx master and workers: set once both are up
NGINX_PIDS=()
SRV_PIDS=()     # the server under test in the current run

# snap_procs FILE: "pid comm ticks" for every process (threads included), to
# name whoever else used the CPU during a run
snap_procs() {
    # (cat fails when a process exits between the glob and the read: not an error)
    { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk '{ o = index($0, "("); c = match($0, /\) [A-Za-z] /)
        if (!o || !c) next; comm = substr($0, o + 1, c - o - 1); gsub(/[ \t]/, "_", comm)
        split(substr($0, c + 2), f, " "); print $1, comm, f[12] + f[13] }' > "$1"
}
# others NAME: per process name, ticks used between procs0 and procs1 by
# processes other than ours; appended to $T/others.txt as "NAME comm ticks"
others() {
    awk -v name="$1" -v ours=" ${OUR_PIDS[*]} $2 " '
        FNR == NR { t0[$1] = $3; next }
        index(ours, " " $1 " ") { next }
        { d = $3 - ($1 in t0 ? t0[$1] : 0); if (d > 0) by[$2] += d }
        END { for (c in by) print name, c, by[c] }' "$T/procs0" "$T/procs1" >> "$T/others.txt"
}

# wrk's client ports connected to PORT (one per line, sorted)
client_ports() {
    if command -v ss >/dev/null 2>&1; then
        ss -Htn state established "( dport = :$1 )" 2>/dev/null | awk '{ n = split($3, a, ":"); print a[n] }' | sort
    fi
}

# fmt_int 12345.6 -> 12,346
fmt_int() { awk -v n="$1" 'BEGIN { s = sprintf("%.0f", n); o = ""; while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) } print s o }'; }

# wrk's latency ("950.00us", "1.23ms", "1.20s", "2.00m") in milliseconds
to_ms() { awk -v v="$1" 'BEGIN { u = v; sub(/^[0-9.]+/, "", u); n = v + 0;
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000; printf "%.3f", n }'; }

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# run_wrk NAME DURATION URL [wrk args...]: runs wrk against the server whose
# processes are in SRV_PIDS, records one line in $T/runs.txt:
#   NAME rps p50_ms p99_ms requests non2xx socket_errors kept s201 s200 sother other_cores conns server_cpu_us_per_req wrk_conns
# kept: of the wrk connections open 1 s in, how many were still the same at the end
# (keep-alive held when kept = conns = CONNS = wrk_conns, the -c of the run,
# which callers may lower: CONNS=1 WT=1 run_wrk ...); other_cores: CPU used by
# processes other than wrk, lectern and nginx during the run, in cores.
WRK_N=0
run_wrk() {
    local name=$1 dur=$2 url=$3; shift 3
    WRK_N=$((WRK_N + 1))
    local out="$T/wrk-$WRK_N-$name.txt" pid rc=0 port b0 o0 c0 s0 b1 o1 c1 s1 kept conns
    port=${url#http://*:}; port=${port%%/*}
    local t0=$EPOCHREALTIME t1
    snap_procs "$T/procs0"
    times > "$T/times0"; b0=$(busy_ticks); o0=$(pid_ticks "${OUR_PIDS[@]}"); s0=$(pid_ticks "${SRV_PIDS[@]}")
    # bounded: wrk stops itself after dur; timeout stops it if it does not
    timeout -k 5 $((dur + 20)) wrk -t"$WT" -c"$CONNS" -d"${dur}s" --latency "$@" "$url" > "$out" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    sleep 1
    client_ports "$port" > "$T/ports-a"
    [ "$dur" -gt 2 ] && sleep $((dur - 2))
    client_ports "$port" > "$T/ports-b"
    wait "$pid" || rc=$?
    forget_pid "$pid"
    times > "$T/times1"; b1=$(busy_ticks); o1=$(pid_ticks "${OUR_PIDS[@]}"); s1=$(pid_ticks "${SRV_PIDS[@]}"); t1=$EPOCHREALTIME
    c0=$(child_ticks "$T/times0"); c1=$(child_ticks "$T/times1")
    snap_procs "$T/procs1"
    others "$name" "$pid $$"
    echo "$name $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" >> "$T/walls.txt"
    echo "$name __all__ $((b1 - b0 - (o1 - o0) - (c1 - c0)))" >> "$T/others.txt"
    conns=$(wc -l < "$T/ports-a" | tr -d ' ')
    kept=$(comm -12 "$T/ports-a" "$T/ports-b" | wc -l | tr -d ' ')
    # too short to tell, or no ss: not checked
    if [ "$dur" -lt 3 ] || ! command -v ss >/dev/null 2>&1; then kept=-1; conns=-1; fi
    local other
    other=$(awk -v b=$((b1 - b0)) -v o=$((o1 - o0)) -v c=$((c1 - c0)) -v hz="$HZ" -v t0="$t0" -v t1="$t1" \
        'BEGIN { d = t1 - t0; x = d > 0 ? (b - o - c) / hz / d : 0; if (x < 0) x = 0; printf "%.2f", x }')
    [ "$rc" = 0 ] || { cat "$out" >&2; die "wrk failed ($rc) for $name"; }
    local rps p50 p99 reqs non2xx serr s201 s200 sother
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
    p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
    reqs=$(awk '/ requests in / { print $1 }' "$out")
    non2xx=$(awk -F: '/Non-2xx or 3xx responses/ { gsub(/ /, "", $2); print $2 }' "$out")
    serr=$(awk '/Socket errors:/ { s = 0; for (i = 3; i <= NF; i++) { v = $i; gsub(/,/, "", v); if (v ~ /^[0-9]+$/) s += v } print s }' "$out")
    s201=$(awk '$1 == "status" && $2 == 201 { print $3 }' "$out")
    s200=$(awk '$1 == "status" && $2 == 200 { print $3 }' "$out")
    sother=$(awk '$1 == "status" && $2 != 200 && $2 != 201 { s += $3 } END { print s + 0 }' "$out")
    [ -n "$rps" ] || { cat "$out" >&2; die "could not read wrk's output for $name"; }
    local cpu_us    # the server's CPU time per answered request, in µs
    cpu_us=$(awk -v t=$((s1 - s0)) -v hz="$HZ" -v n="${reqs:-0}" 'BEGIN { printf "%.1f", (n > 0 ? t / hz * 1e6 / n : 0) }')
    echo "$name ${rps} ${p50} ${p99} ${reqs:-0} ${non2xx:-0} ${serr:-0} $kept ${s201:-0} ${s200:-0} ${sother:-0} $other $conns $cpu_us $CONNS" >> "$T/runs.txt"
}

# col NAME FIELD: that field (2 = rps, 3 = p50, 4 = p99, ...) of every measured run of NAME
col() { awk -v n="$1" -v f="$2" '$1 == n { print $f }' "$T/runs.txt" | tr '\n' ' '; }
med() { col "$1" "$2" | median; }
sum() { awk -v n="$1" -v f="$2" '$1 == n || $1 == n "-warm" { s += $f } END { print s + 0 }' "$T/runs.txt"; }
spread() { col "$1" 2 | tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { printf "%.0f–%.0f", a[1], a[NR] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
fmt_ms() { awk -v v="$1" 'BEGIN { if (v < 10) printf "%.2f ms", v; else printf "%.1f ms", v }'; }

alive() { kill -0 "$1" 2>/dev/null || { cat "${3:-$T/lectern.log}" >&2 2>/dev/null; die "$2 exited during the benchmark"; }; }

metric() {  # metric NAME [URL]: value of an unlabelled counter/gauge from lectern's /metrics
    curl -s --max-time 5 "${2:-$L}/metrics" | awk -v n="$1" '$1 == n { print $2 }'
}
wire() { curl -s --max-time 5 -o /dev/null -w '%{size_header}+%{size_download}' "$@"; }

# wait_listening PID LOG: until lectern prints its address (60 s at most)
wait_listening() {
    local i
    for i in $(seq 600); do
        grep -q 'listening on http://' "$2" && return 0
        kill -0 "$1" 2>/dev/null || { cat "$2" >&2; die "lectern serve exited"; }
        sleep 0.1
    done
    die "lectern did not print 'listening on' within 60 s"
}

# signin URL EMAIL PASSWORD PREFIX: POST /api/v1/session; sets COOKIE_OUT
# (lectern_session=...) and CSRF_OUT (the session's CSRF token)
signin() {
    local code
    code=$(curl -s --max-time 10 -D "$T/$4.hdr" -o "$T/$4.json" -w '%{http_code}' \
        -H 'Content-Type: application/json' -d "{\"email\":\"$2\",\"password\":\"$3\"}" "$1/api/v1/session")
    [ "$code" = 201 ] || [ "$code" = 200 ] || { cat "$T/$4.hdr" "$T/$4.json" >&2; die "sign-in as $2 answered $code"; }
    COOKIE_OUT=$(tr -d '\r' < "$T/$4.hdr" | awk -F'[:;] *' 'tolower($1) == "set-cookie" && $2 ~ /^lectern_session=/ { print $2; exit }')
    [ -n "$COOKIE_OUT" ] || die "no lectern_session cookie in the sign-in answer"
    CSRF_OUT=$(sed -n 's/.*"csrf_token": *"\([^"]*\)".*/\1/p' "$T/$4.json")
}

# ---- set-up -----------------------------------------------------------------------

FSTYPE=$(findmnt -no FSTYPE -T "$T" 2>/dev/null || stat -f -c %T "$T" 2>/dev/null || echo "?")
[ "$FSTYPE" = tmpfs ] && note "warning: $T is on tmpfs: fdatasync is free there, (c) and the SQLite lines are not durable-write figures (set TMPDIR to a disk)"

note "building bench/sqlite_insert.c"
SQ=$T/sqlite_insert
cc -O2 -o "$SQ" "$ROOT/bench/sqlite_insert.c" $(pkg-config --cflags --libs sqlite3 2>/dev/null || echo -lsqlite3)

NG=$T/nginx
mkdir -p "$NG/www" "$NG/tmp"
: > "$NG/healthz_headers.conf"; : > "$NG/page_headers.conf"
: > "$T/runs.txt"; : > "$T/others.txt"; : > "$T/walls.txt"
T_START=$(date +%s)
ELAPSED=0

# ---- core: set-up -------------------------------------------------------------------

if want core; then
    DATA=$T/data
    "$BIN" demo --data "$DATA" > "$T/demo.log" 2>&1 || { cat "$T/demo.log" >&2; die "lectern demo failed"; }
    TOKEN=$("$BIN" token create --org demo --user admin@lectern.test --data "$DATA" 2> "$T/token.err" | tail -n 1)
    [ -n "$TOKEN" ] || { cat "$T/token.err" >&2; die "lectern token create printed no token"; }
    DB=$DATA/lectern.db

    LPORT=$(free_port)
    # shellcheck disable=SC2086  # BENCH_SERVE_ARGS is a list of options
    "$BIN" serve --data "$DATA" --listen "127.0.0.1:$LPORT" --access-log off --threads "$THREADS" \
        ${BENCH_SERVE_ARGS:-} > "$T/lectern.log" 2>&1 &
    LPID=$!
    PIDS+=("$LPID")
    for i in $(seq 100); do
        grep -q 'listening on http://' "$T/lectern.log" && break
        kill -0 "$LPID" 2>/dev/null || { cat "$T/lectern.log" >&2; die "lectern serve exited"; }
        sleep 0.1
    done
    grep -q 'listening on http://' "$T/lectern.log" || die "lectern did not print 'listening on' within 10 s"
    L=http://127.0.0.1:$LPORT

    # Sign in as the demo admin; keep the session cookie.
    SIGNIN=$(curl -s --max-time 10 -D "$T/signin.hdr" -o "$T/signin.json" -w '%{http_code}' \
        -H 'Content-Type: application/json' \
        -d '{"email":"admin@lectern.test","password":"demo-admin-pass"}' "$L/api/v1/session")
    [ "$SIGNIN" = 201 ] || [ "$SIGNIN" = 200 ] || { cat "$T/signin.hdr" "$T/signin.json" >&2; die "sign-in answered $SIGNIN"; }
    COOKIE=$(tr -d '\r' < "$T/signin.hdr" | awk -F'[:;] *' 'tolower($1) == "set-cookie" && $2 ~ /^lectern_session=/ { print $2; exit }')
    [ -n "$COOKIE" ] || die "no lectern_session cookie in the sign-in answer"

    # The page, its bytes and headers; then the same bytes for nginx.
    PAGE_CODE=$(curl -s --max-time 10 -D "$T/page.hdr" -o "$NG/www/page.html" -w '%{http_code}' -H "Cookie: $COOKIE" "$L/")
    [ "$PAGE_CODE" = 200 ] || die "GET / as the admin answered $PAGE_CODE"
    curl -s --max-time 10 -o "$T/anon.html" "$L/"
    cmp -s "$T/anon.html" "$NG/www/page.html" && die "GET / with the session cookie gives the signed-out page"
    curl -s --max-time 10 -D "$T/healthz.hdr" -o "$T/healthz.body" "$L/healthz" >/dev/null

    # Repeat lectern's fixed headers in nginx (same response size on the wire).
    # Values with '"' or '$' would need nginx escaping; they are left out.
    headers_conf() {
        tr -d '\r' < "$1" | awk -F': ' 'NR > 1 && NF >= 2 {
            n = tolower($1)
            if (n ~ /^(date|content-length|content-type|connection|keep-alive|transfer-encoding|server|set-cookie)$/) next
            v = substr($0, length($1) + 3)
            if (v ~ /["$\\]/) next
            printf "add_header %s \"%s\" always;\n", $1, v }'
    }
    headers_conf "$T/healthz.hdr" > "$NG/healthz_headers.conf"
    headers_conf "$T/page.hdr" > "$NG/page_headers.conf"
fi

if want core || want range || want gradebook || want forum || want certificate; then
    NPORT=$(free_port)
    while [ "$NPORT" = "${LPORT:-}" ]; do NPORT=$(free_port); done
    USER_LINE=""
    [ "$(id -u)" = 0 ] && USER_LINE="user root;"
    sed -e "s|@DIR@|$NG|g" -e "s|@PORT@|$NPORT|g" -e "s|@WORKERS@|$THREADS|g" -e "s|@USER@|$USER_LINE|g" \
        "$ROOT/bench/nginx.conf.in" > "$NG/nginx.conf"
    nginx -t -q -p "$NG/" -e "$NG/error.log" -c "$NG/nginx.conf" 2> "$T/nginx-t.log" \
        || { cat "$T/nginx-t.log" "$NG/error.log" >&2 2>/dev/null; die "nginx -t rejected the generated config"; }
    nginx -p "$NG/" -e "$NG/error.log" -c "$NG/nginx.conf" > "$T/nginx.out" 2>&1 &
    NPID=$!
    PIDS+=("$NPID")
    N=http://127.0.0.1:$NPORT
    for i in $(seq 100); do
        curl -s --max-time 1 -o /dev/null "$N/healthz" && break
        kill -0 "$NPID" 2>/dev/null || { cat "$T/nginx.out" "$NG/error.log" >&2; die "nginx exited"; }
        sleep 0.1
    done

    NGINX_PIDS=("$NPID" $(pgrep -P "$NPID" 2>/dev/null || true))
fi

if want core; then
    # The library's floor: libmicrohttpd with lectern's options, nothing else.
    note "building bench/mhd_bare.c"
    cc -O2 -o "$T/mhd_bare" "$ROOT/bench/mhd_bare.c" -lmicrohttpd -lpthread || die "bench/mhd_bare.c does not build"
    MPORT=$(free_port)
    while [ "$MPORT" = "$LPORT" ] || [ "$MPORT" = "$NPORT" ]; do MPORT=$(free_port); done
    "$T/mhd_bare" "$MPORT" "$THREADS" 16384 > "$T/mhd_bare.log" 2>&1 &
    MPID=$!
    PIDS+=("$MPID")
    M=http://127.0.0.1:$MPORT
    for i in $(seq 50); do
        curl -s --max-time 1 -o /dev/null "$M/healthz" && break
        kill -0 "$MPID" 2>/dev/null || { cat "$T/mhd_bare.log" >&2; die "mhd_bare exited"; }
        sleep 0.1
    done
    OUR_PIDS=("$LPID" "${NGINX_PIDS[@]}" "$MPID")

    # Same bytes?
    curl -s --max-time 5 -o "$T/nginx-healthz.body" "$N/healthz"
    curl -s --max-time 5 -o "$T/nginx-page.body" "$N/"
    cmp -s "$T/healthz.body" "$T/nginx-healthz.body" || die "nginx's /healthz body differs from lectern's"
    curl -s --max-time 5 -o "$T/mhd-healthz.body" "$M/healthz"
    cmp -s "$T/healthz.body" "$T/mhd-healthz.body" || die "mhd_bare's body differs from lectern's /healthz"
    cmp -s "$NG/www/page.html" "$T/nginx-page.body" || die "nginx's page differs from lectern's"
    SZ_HL=$(wire "$L/healthz"); SZ_HN=$(wire "$N/healthz"); SZ_HM=$(wire "$M/healthz")
    SZ_PL=$(wire -H "Cookie: $COOKIE" "$L/"); SZ_PN=$(wire "$N/")
    PAGE_BYTES=$(wc -c < "$NG/www/page.html" | tr -d ' ')

    # ?dry_run=1 must answer without storing: probe it once.
    EV=$L/api/v1/orgs/demo/events
    AUTH="Authorization: Bearer $TOKEN"
    BODY='{"verb":"viewed","object":"unit/1"}'
    ROWS0=$("$SQ" count "$DB")
    DRY_CODE=$(curl -s --max-time 10 -o "$T/dry.json" -w '%{http_code}' -H "$AUTH" -H 'Content-Type: application/json' -d "$BODY" "$EV?dry_run=1")
    ROWS1=$("$SQ" count "$DB")
    DRY_OK=1
    if [ "$DRY_CODE" != 200 ] || [ "$ROWS1" != "$ROWS0" ]; then
        DRY_OK=0
        note "warning: POST $EV?dry_run=1 answered $DRY_CODE $(cat "$T/dry.json") and stored $((ROWS1 - ROWS0)) row(s): (d) is skipped"
    fi
    POST_CODE=$(curl -s --max-time 10 -o "$T/post.json" -w '%{http_code}' -H "$AUTH" -H 'Content-Type: application/json' -d "$BODY" "$EV")
    [ "$POST_CODE" = 201 ] || die "POST $EV answered $POST_CODE $(cat "$T/post.json")"

    START=$(date +%s)

    # ---- (a) and (b) -------------------------------------------------------------------

    pair() {    # pair KEY LECTERN_URL NGINX_URL [wrk args for lectern]; BARE_URL: mhd_bare as well
        local key=$1 lu=$2 nu=$3 i; shift 3
        note "($key) warm-up"
        SRV_PIDS=("$LPID"); run_wrk "$key-lectern-warm" "$WARM" "$lu" "$@"
        SRV_PIDS=("${NGINX_PIDS[@]}"); run_wrk "$key-nginx-warm" "$WARM" "$nu"
        if [ -n "${BARE_URL:-}" ]; then SRV_PIDS=("$MPID"); run_wrk "$key-mhd-warm" "$WARM" "$BARE_URL"; fi
        for i in $(seq "$REPS"); do
            note "($key) run $i/$REPS: lectern, nginx${BARE_URL:+, mhd_bare} (${DUR} s each)"
            SRV_PIDS=("$LPID"); run_wrk "$key-lectern" "$DUR" "$lu" "$@"
            alive "$LPID" lectern
            SRV_PIDS=("${NGINX_PIDS[@]}"); run_wrk "$key-nginx" "$DUR" "$nu"
            alive "$NPID" nginx
            if [ -n "${BARE_URL:-}" ]; then
                SRV_PIDS=("$MPID"); run_wrk "$key-mhd" "$DUR" "$BARE_URL"
                alive "$MPID" mhd_bare "$T/mhd_bare.log"
            fi
        done
    }
    BARE_URL=$M/healthz pair a "$L/healthz" "$N/healthz"
    stop_pid "$MPID"; forget_pid "$MPID"
    pair b "$L/" "$N/" -H "Cookie: $COOKIE"

    # ---- (c) and (d) ---------------------------------------------------------------------

    LUA=$ROOT/bench/post_event.lua
    SRV_PIDS=("$LPID")
    J0=$(metric lectern_writer_jobs_total); B0=$(metric lectern_writer_batches_total)
    ROWS_C0=$("$SQ" count "$DB")
    note "(c) warm-up"
    run_wrk c-warm "$WARM" "$EV" -s "$LUA" -H "$AUTH"
    if [ "$DRY_OK" = 1 ]; then run_wrk d-warm "$WARM" "$EV?dry_run=1" -s "$LUA" -H "$AUTH"; fi
    JW=$(metric lectern_writer_jobs_total); BW=$(metric lectern_writer_batches_total)
    for i in $(seq "$REPS"); do
        note "(c) run $i/$REPS: POST events$([ "$DRY_OK" = 1 ] && echo ', then ?dry_run=1') (${DUR} s each)"
        run_wrk c "$DUR" "$EV" -s "$LUA" -H "$AUTH"
        alive "$LPID" lectern
        if [ "$DRY_OK" = 1 ]; then
            run_wrk d "$DUR" "$EV?dry_run=1" -s "$LUA" -H "$AUTH"
            alive "$LPID" lectern
        fi
    done
    # let the writer drain what wrk left in flight
    for i in $(seq 50); do
        [ "$(metric lectern_writer_queue)" = 0 ] && break
        sleep 0.1
    done
    sleep 0.3
    J1=$(metric lectern_writer_jobs_total); B1=$(metric lectern_writer_batches_total)
    FAILED=$(metric lectern_writer_failed_batches_total)
    ROWS_C1=$("$SQ" count "$DB")
    SRV201=$(curl -s --max-time 5 "$L/metrics" | awk '$1 == "lectern_http_requests_total{route=\"/api/v1/orgs/{org}/events\",status=\"201\"}" { print $2 }')

    # Average batch over the measured runs (warm-up excluded).
    AVG_BATCH=$(awk -v j="$((J1 - JW))" -v b="$((B1 - BW))" 'BEGIN { if (b > 0) printf "%.1f", j / b; else print 1 }')
    REF_BATCH=$(awk -v a="$AVG_BATCH" 'BEGIN { n = int(a + 0.5); if (n < 1) n = 1; print n }')

    note "raw SQLite reference: batches of $REF_BATCH and 100 (${SQ_SECS} s each)"
    SQ_A=$("$SQ" insert "$T/raw-a.db" "$REF_BATCH" "$SQ_SECS" | awk '{ print $6 }')
    SQ_100=$("$SQ" insert "$T/raw-100.db" 100 "$SQ_SECS" | awk '{ print $6 }')
    ELAPSED=$(( $(date +%s) - START ))
fi

# ---- courses: a generated site ----------------------------------------------------------

# pair2 KEY LECTERN_URL NGINX_URL [wrk args for both]: as pair, against the
# seeded server, with the same wrk arguments for both servers
pair2() {
    local key=$1 lu=$2 nu=$3 i; shift 3
    note "($key) warm-up"
    SRV_PIDS=("$SPID"); run_wrk "$key-lectern-warm" "$WARM" "$lu" "$@"
    SRV_PIDS=("${NGINX_PIDS[@]}"); run_wrk "$key-nginx-warm" "$WARM" "$nu" "$@"
    for i in $(seq "$REPS"); do
        note "($key) run $i/$REPS: lectern, nginx (${DUR} s each)"
        SRV_PIDS=("$SPID"); run_wrk "$key-lectern" "$DUR" "$lu" "$@"
        alive "$SPID" lectern "$T/lectern-seed.log"
        SRV_PIDS=("${NGINX_PIDS[@]}"); run_wrk "$key-nginx" "$DUR" "$nu" "$@"
        alive "$NPID" nginx
    done
}

# duo KEY1 URL1 KEY2 URL2 [wrk args for both]: two configurations of the
# seeded server, alternating, at -c$CONNS, then at -t1 -c1 (names KEY-c1)
# for LAT_DUR s each; BENCH_PATHS1/BENCH_PATHS2 (when set) are the paths
# bench/paths.lua rotates over for each
duo() {
    local k1=$1 u1=$2 k2=$3 u2=$4 i; shift 4
    SRV_PIDS=("$SPID")
    note "($k1, $k2) warm-up"
    BENCH_PATHS=${BENCH_PATHS1:-} run_wrk "$k1-warm" "$WARM" "$u1" "$@"
    BENCH_PATHS=${BENCH_PATHS2:-} run_wrk "$k2-warm" "$WARM" "$u2" "$@"
    for i in $(seq "$REPS"); do
        note "($k1, $k2) run $i/$REPS (${DUR} s each)"
        BENCH_PATHS=${BENCH_PATHS1:-} run_wrk "$k1" "$DUR" "$u1" "$@"
        BENCH_PATHS=${BENCH_PATHS2:-} run_wrk "$k2" "$DUR" "$u2" "$@"
        alive "$SPID" lectern "$T/lectern-seed.log"
    done
    for i in $(seq "$REPS"); do
        note "($k1, $k2) run $i/$REPS at -c1 (${LAT_DUR} s each)"
        BENCH_PATHS=${BENCH_PATHS1:-} CONNS=1 WT=1 run_wrk "$k1-c1" "$LAT_DUR" "$u1" "$@"
        BENCH_PATHS=${BENCH_PATHS2:-} CONNS=1 WT=1 run_wrk "$k2-c1" "$LAT_DUR" "$u2" "$@"
        alive "$SPID" lectern "$T/lectern-seed.log"
    done
}

# what bench-seed printed, as S_KEY variables
read_seed_env() {
    local k v
    while IFS='=' read -r k v; do
        case $k in
        BENCH_*|VIDEO_*|BEAT_TARGETS|COURSES|LEARNERS|ENROLMENTS|PROGRESS_ROWS|HEARTBEATS|SEED_SECONDS)
            printf -v "S_$k" '%s' "$v" ;;
        esac
    done < "$1"
}

if [ "$COURSES" = 1 ]; then
    # The demo server is done: stop it, it would only hold memory.
    if [ -n "${LPID:-}" ]; then stop_pid "$LPID"; forget_pid "$LPID"; fi

    SEED_WALL=""
    if [ -n "${BENCH_SEED_DATA:-}" ]; then
        SDATA=$BENCH_SEED_DATA
        [ -f "$SDATA/seed.env" ] || die "$SDATA/seed.env is missing: BENCH_SEED_DATA is the seed/ folder of a run kept with BENCH_KEEP=1"
        note "reusing the site seeded in $SDATA"
        VIDEO_KIND=$(cat "$SDATA/video.kind" 2>/dev/null || echo "?")
    else
        SDATA=$T/seed
        mkdir -p "$SDATA"
        VIDEO=$T/video.mp4
        # 50 MiB: a real (lossless, so large) H.264 video when ffmpeg is there
        # (about 8 s here), random bytes otherwise.
        note "making a 50 MiB video"
        if command -v ffmpeg >/dev/null 2>&1 && timeout 120 ffmpeg -nostdin -y -loglevel error \
                -f lavfi -i testsrc2=size=640x360:rate=25 -t 600 -c:v libx264 -preset ultrafast -qp 0 \
                -pix_fmt yuv420p -fs 52428800 -movflags +faststart "$VIDEO" 2> "$T/ffmpeg.log"; then
            VIDEO_KIND="an H.264 MP4 made by ffmpeg (testsrc2, 640x360, lossless)"
        else
            note "ffmpeg is missing or failed: random bytes instead"
            head -c 52428800 /dev/urandom > "$VIDEO"
            VIDEO_KIND="random bytes"
        fi
        echo "$VIDEO_KIND" > "$SDATA/video.kind"
        SEED_ARGS=(--courses "${BENCH_COURSES:-10000}" --learners "${BENCH_LEARNERS:-100000}"
                   --heartbeats "${BENCH_HEARTBEATS:-10000000}"
                   --enrolments-per-learner "${BENCH_ENROLMENTS_PER_LEARNER:-5}")
        note "seeding: lectern bench-seed ${SEED_ARGS[*]}"
        SEED_T0=$EPOCHREALTIME
        "$BIN" bench-seed --data "$SDATA" "${SEED_ARGS[@]}" --video "$VIDEO" > "$T/seed.env" \
            2> >(tee "$T/seed.log" | sed -u 's/^/bench: seed: /' >&2) \
            || { sleep 0.2; die "lectern bench-seed failed (see above)"; }
        SEED_WALL=$(awk -v a="$SEED_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')
        rm -f "$VIDEO"
        cp "$T/seed.env" "$SDATA/seed.env"
    fi
    read_seed_env "$SDATA/seed.env"
    SDB=$SDATA/lectern.db
    SDB_BYTES=$(stat -c %s "$SDB")

    SPORT=$(free_port)
    while [ "$SPORT" = "${NPORT:-}" ]; do SPORT=$(free_port); done
    # shellcheck disable=SC2086  # BENCH_SERVE_ARGS is a list of options
    "$BIN" serve --data "$SDATA" --listen "127.0.0.1:$SPORT" --access-log off --threads "$THREADS" \
        --sync full ${BENCH_SERVE_ARGS:-} > "$T/lectern-seed.log" 2>&1 &
    SPID=$!
    PIDS+=("$SPID")
    wait_listening "$SPID" "$T/lectern-seed.log"
    S=http://127.0.0.1:$SPORT
    OUR_PIDS=("$SPID" "${NGINX_PIDS[@]}")
    signin "$S" "$S_BENCH_EMAIL" "$S_BENCH_PASSWORD" learner
    LCOOKIE=$COOKIE_OUT
    CSRF=$CSRF_OUT
    [ -n "$CSRF" ] || die "no csrf_token in the sign-in answer"
    C_START=$(date +%s)

    # ---- (e) Range requests on the video ----
    if want range; then
        [ "${S_VIDEO_SIZE:-0}" -ge 1048576 ] || die "the seeded site has no video of 1 MiB or more"
        MEDIA=$SDATA/media/${S_VIDEO_SHA256:0:2}/$S_VIDEO_SHA256
        ln -f "$MEDIA" "$NG/www/video.mp4" 2>/dev/null || cp "$MEDIA" "$NG/www/video.mp4"
        VURL=$S/runs/$S_VIDEO_RUN/units/$S_VIDEO_UNIT/file
        # Both answer 206 with the same 1 MiB at the start, the middle and the end.
        for r in "0-1048575" "$((S_VIDEO_SIZE / 2))-$((S_VIDEO_SIZE / 2 + 1048575))" \
                 "$((S_VIDEO_SIZE - 1048576))-$((S_VIDEO_SIZE - 1))"; do
            code=$(curl -s --max-time 10 -o "$T/range-l.bin" -D "$T/range-l.hdr" -w '%{http_code}' \
                -H "Cookie: $LCOOKIE" -H "Range: bytes=$r" "$VURL")
            [ "$code" = 206 ] || die "lectern answered $code to Range: bytes=$r"
            grep -qi "^content-range: bytes $r/$S_VIDEO_SIZE" "$T/range-l.hdr" || die "lectern's Content-Range for $r is wrong"
            code=$(curl -s --max-time 10 -o "$T/range-n.bin" -w '%{http_code}' -H "Range: bytes=$r" "$N/video.mp4")
            [ "$code" = 206 ] || die "nginx answered $code to Range: bytes=$r"
            [ "$(wc -c < "$T/range-l.bin" | tr -d ' ')" = 1048576 ] || die "lectern's answer to $r is not 1 MiB"
            cmp -s "$T/range-l.bin" "$T/range-n.bin" || die "lectern and nginx answer $r with different bytes"
        done
        VIDEO_TYPE=$(tr -d '\r' < "$T/range-l.hdr" | awk -F': ' 'tolower($1) == "content-type" { print $2 }')
        SZ_RL=$(wire -H "Cookie: $LCOOKIE" -H "Range: bytes=0-1048575" "$VURL")
        SZ_RN=$(wire -H "Cookie: $LCOOKIE" -H "Range: bytes=0-1048575" "$N/video.mp4")
        export RANGE_FILE_SIZE=$S_VIDEO_SIZE RANGE_LEN=1048576
        pair2 e "$VURL" "$N/video.mp4" -s "$ROOT/bench/range.lua" -H "Cookie: $LCOOKIE"
    fi

    # ---- (h) catalog search on 10,000 courses ----
    if want search; then
        # words as typed, URL-encoded; their folded form (what search_key holds)
        H_WORDS="safety advanced s%C3%A9curit%C3%A9 workshop"
        H_FOLDED="safety advanced securite workshop"
        H_MATCHES=""
        for w in $H_FOLDED; do
            H_MATCHES+="$w $("$SQ" scalar "$SDB" "SELECT count(*) FROM course WHERE published = 1 AND search_key LIKE '%$w%'"), "
        done
        H_MATCHES=${H_MATCHES%, }
        BENCH_PATHS1=""; BENCH_PATHS2=""
        for w in $H_WORDS; do
            BENCH_PATHS1+="/courses?q=$w "; BENCH_PATHS2+="/api/v1/courses?q=$w "
            code=$(curl -s --max-time 10 -o "$T/search.html" -w '%{http_code}' "$S/courses?q=$w")
            [ "$code" = 200 ] || die "GET /courses?q=$w answered $code"
            code=$(curl -s --max-time 10 -o "$T/search.json" -w '%{http_code}' "$S/api/v1/courses?q=$w")
            [ "$code" = 200 ] || die "GET /api/v1/courses?q=$w answered $code"
            grep -q '"code":"BC' "$T/search.json" || die "GET /api/v1/courses?q=$w found no course"
        done
        export BENCH_PATHS1 BENCH_PATHS2
        duo h-page "$S/courses" h-api "$S/api/v1/courses" -s "$ROOT/bench/paths.lua"
        unset BENCH_PATHS1 BENCH_PATHS2
    fi

    # ---- (i) the learner's dashboard ----
    if want dashboard; then
        code=$(curl -s --max-time 10 -o "$T/dash.html" -w '%{http_code}' -H "Cookie: $LCOOKIE" "$S/")
        [ "$code" = 200 ] || die "GET / as the learner answered $code"
        I_PAGE_N=$(grep -o 'href="/runs/[0-9]*/learn"' "$T/dash.html" | wc -l | tr -d ' ')
        code=$(curl -s --max-time 10 -o "$T/dash.json" -w '%{http_code}' -H "Cookie: $LCOOKIE" "$S/api/v1/me/enrolments")
        [ "$code" = 200 ] || die "GET /api/v1/me/enrolments answered $code"
        I_API_N=$(grep -o '"run_id":' "$T/dash.json" | wc -l | tr -d ' ')
        [ "$I_PAGE_N" = "$S_BENCH_ENROLMENTS" ] && [ "$I_API_N" = "$S_BENCH_ENROLMENTS" ] \
            || die "the learner's dashboard lists $I_PAGE_N courses and the API $I_API_N, not $S_BENCH_ENROLMENTS"
        I_PAGE_BYTES=$(wc -c < "$T/dash.html" | tr -d ' ')
        I_API_BYTES=$(wc -c < "$T/dash.json" | tr -d ' ')
        duo i-page "$S/" i-api "$S/api/v1/me/enrolments" -H "Cookie: $LCOOKIE"
    fi

    # ---- (f) heartbeats and (g) the no-op POST (last: it adds rows) ----
    if want beat; then
        SRV_PIDS=("$SPID")
        export BENCH_CSRF=$CSRF BEAT_TARGETS=$S_BEAT_TARGETS
        FIRST=${S_BEAT_TARGETS%%,*}
        BURL=$S/runs/${FIRST%%:*}/units/${FIRST##*:}/beat
        code=$(curl -s --max-time 10 -o "$T/beat.json" -w '%{http_code}' -H "Cookie: $LCOOKIE" \
            --data "_csrf=$CSRF&active_ms=5000&position=12.5&segments=7.5-12.5" "$BURL")
        [ "$code" = 200 ] || die "POST $BURL answered $code $(cat "$T/beat.json")"
        NOOP="$S/api/v1/orgs/$S_BENCH_ORG/events?dry_run=1"
        E0=$("$SQ" count "$SDB" event)
        code=$(curl -s --max-time 10 -o "$T/noop.json" -w '%{http_code}' -H "Cookie: $LCOOKIE" -H "X-CSRF-Token: $CSRF" \
            -H 'Content-Type: application/json' -d '{"verb":"viewed","object":"unit/1"}' "$NOOP")
        E1=$("$SQ" count "$SDB" event)
        [ "$code" = 200 ] && [ "$E1" = "$E0" ] \
            || die "the no-op POST $NOOP answered $code $(cat "$T/noop.json") and stored $((E1 - E0)) row(s)"
        HB0=$("$SQ" count "$SDB" heartbeat)
        BEAT=$ROOT/bench/beat.lua
        note "(f, g) warm-up"
        BEAT_MODE=beat run_wrk f-warm "$WARM" "$S/" -s "$BEAT" -H "Cookie: $LCOOKIE"
        BEAT_MODE=noop run_wrk g-warm "$WARM" "$NOOP" -s "$BEAT" -H "Cookie: $LCOOKIE"
        FJW=$(metric lectern_writer_jobs_total "$S"); FBW=$(metric lectern_writer_batches_total "$S")
        for i in $(seq "$REPS"); do
            note "(f, g) run $i/$REPS: POST beats, then the no-op POST (${DUR} s each)"
            BEAT_MODE=beat run_wrk f "$DUR" "$S/" -s "$BEAT" -H "Cookie: $LCOOKIE"
            alive "$SPID" lectern "$T/lectern-seed.log"
            BEAT_MODE=noop run_wrk g "$DUR" "$NOOP" -s "$BEAT" -H "Cookie: $LCOOKIE"
            alive "$SPID" lectern "$T/lectern-seed.log"
        done
        for i in $(seq 50); do
            [ "$(metric lectern_writer_queue "$S")" = 0 ] && break
            sleep 0.1
        done
        sleep 0.3
        FJ1=$(metric lectern_writer_jobs_total "$S"); FB1=$(metric lectern_writer_batches_total "$S")
        F_FAILED=$(metric lectern_writer_failed_batches_total "$S")
        HB1=$("$SQ" count "$SDB" heartbeat)
        F_AVG_BATCH=$(awk -v j="$((FJ1 - FJW))" -v b="$((FB1 - FBW))" 'BEGIN { if (b > 0) printf "%.1f", j / b; else print 1 }')
        F_REF_BATCH=$(awk -v a="$F_AVG_BATCH" 'BEGIN { n = int(a + 0.5); if (n < 1) n = 1; print n }')
        note "raw SQLite heartbeat reference: batches of $F_REF_BATCH and 100 (${SQ_SECS} s each)"
        SQ_HB_A=$("$SQ" heartbeat "$T/raw-hb-a.db" "$SDB" "$F_REF_BATCH" "$SQ_SECS" | awk '{ print $6 }')
        SQ_HB_100=$("$SQ" heartbeat "$T/raw-hb-100.db" "$SDB" 100 "$SQ_SECS" | awk '{ print $6 }')
    fi
    C_ELAPSED=$(( $(date +%s) - C_START ))
fi

# ---- quiz: submissions of 100,000 learners' attempts ------------------------------

if want quiz; then
    if [ -n "${LPID:-}" ]; then stop_pid "$LPID"; forget_pid "$LPID"; LPID=""; fi
    if [ -n "${SPID:-}" ]; then stop_pid "$SPID"; forget_pid "$SPID"; SPID=""; fi
    QDATA=$T/quiz
    QLINES=$T/quiz-lines.txt
    QN=${BENCH_QUIZ_LEARNERS:-100000}
    note "seeding: lectern bench-quiz-seed --learners $QN"
    Q_T0=$EPOCHREALTIME
    "$BIN" bench-quiz-seed --data "$QDATA" --learners "$QN" --out "$QLINES" > "$T/quiz-seed.env" \
        2> >(tee "$T/quiz-seed.log" | sed -u 's/^/bench: quiz seed: /' >&2) \
        || { sleep 0.2; die "lectern bench-quiz-seed failed (see above)"; }
    Q_SEED_WALL=$(awk -v a="$Q_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')
    while IFS='=' read -r k v; do case $k in QUIZ_*) printf -v "Q_${k#QUIZ_}" '%s' "$v" ;; esac; done < "$T/quiz-seed.env"
    QDB=$QDATA/lectern.db
    cp "$QDB" "$T/quiz-raw.db"          # the raw SQLite reference runs on a copy (checkpointed: one file)
    # (y): the run's satisfaction survey, open (a row here: the seed has no trainer to open it by the API)
    Q_RUN=$(tail -n 1 "$QLINES" | sed -n 's|.* /api/v1/runs/\([0-9]*\)/.*|\1|p')
    [ -n "$Q_RUN" ] || die "cannot read the quiz's run in $QLINES"
    "$SQ" write "$QDB" "INSERT INTO survey (org_id, run_id, opened_by, opened_at) SELECT org_id, id,
        (SELECT min(id) FROM app_user), 0 FROM course_run WHERE id = $Q_RUN RETURNING id" > /dev/null \
        || die "cannot open the survey of run $Q_RUN"
    export SURVEY_PATH=/api/v1/runs/$Q_RUN/survey/responses
    export SURVEY_BODY='{"answers":{"overall":4,"objectives":5,"content":4,"assistance":3,"organisation":5,"recommend":true,"improve":"Plus de cas pratiques, s'"'"'il vous plaît."}}'
    QPORT=$(free_port)
    # shellcheck disable=SC2086  # BENCH_SERVE_ARGS is a list of options
    "$BIN" serve --data "$QDATA" --listen "127.0.0.1:$QPORT" --access-log off --threads "$THREADS" \
        --sync full ${BENCH_SERVE_ARGS:-} > "$T/lectern-quiz.log" 2>&1 &
    QPID=$!
    PIDS+=("$QPID")
    wait_listening "$QPID" "$T/lectern-quiz.log"
    Q=http://127.0.0.1:$QPORT
    OUR_PIDS=("$QPID"); SRV_PIDS=("$QPID")
    # The no-op answers 200 with the first learner's cookie and token, and
    # stores nothing; a submission of the last learner's attempt is graded
    # right (that learner is left out of the runs).
    read -r QTOK QCSRF QPATH <<< "$(tail -n 1 "$QLINES")"
    QBODY=$(head -n 1 "$QLINES" | cut -c7-)
    code=$(curl -s --max-time 10 -o "$T/quiz-one.json" -w '%{http_code}' -H "Cookie: lectern_session=$QTOK" \
        -H "X-CSRF-Token: $QCSRF" -H 'Content-Type: application/json' -d "$QBODY" "$Q$QPATH")
    [ "$code" = 200 ] && grep -q '"result":{"score":1000,' "$T/quiz-one.json" \
        || die "the check submission answered $code $(head -c 300 "$T/quiz-one.json")"
    E0=$("$SQ" scalar "$QDB" "SELECT count(*) FROM event")
    code=$(curl -s --max-time 10 -o "$T/quiz-noop.json" -w '%{http_code}' -H "Cookie: lectern_session=$QTOK" \
        -H "X-CSRF-Token: $QCSRF" -H 'Content-Type: application/json' -d '{"verb":"viewed","object":"unit/1"}' \
        "$Q/api/v1/orgs/benchq/events?dry_run=1")
    [ "$code" = 200 ] && [ "$("$SQ" scalar "$QDB" "SELECT count(*) FROM event")" = "$E0" ] \
        || die "the no-op POST answered $code and must store nothing"
    code=$(curl -s --max-time 10 -o "$T/survey-one.json" -w '%{http_code}' -H "Cookie: lectern_session=$QTOK" \
        -H "X-CSRF-Token: $QCSRF" -H 'Content-Type: application/json' -d "$SURVEY_BODY" "$Q$SURVEY_PATH")
    [ "$code" = 201 ] || die "the check survey response answered $code $(head -c 300 "$T/survey-one.json")"
    QSUB0=$("$SQ" scalar "$QDB" "SELECT count(*) FROM attempt WHERE status = 'submitted'")
    YSUB0=$("$SQ" scalar "$QDB" "SELECT count(*) FROM survey_response")
    QSLICE=$(( (QN - 1) / (REPS + 1) ))
    export QUIZ_LINES=$QLINES QUIZ_THREADS=$WT
    note "(q, r) warm-up"
    QUIZ_MODE=submit QUIZ_FROM=0 QUIZ_COUNT=$QSLICE run_wrk q-warm "$WARM" "$Q/" -s "$ROOT/bench/quiz.lua"
    QUIZ_MODE=noop QUIZ_FROM=0 QUIZ_COUNT=$QSLICE run_wrk r-warm "$WARM" "$Q/" -s "$ROOT/bench/quiz.lua"
    QUIZ_MODE=survey QUIZ_FROM=0 QUIZ_COUNT=$QSLICE run_wrk y-warm "$WARM" "$Q/" -s "$ROOT/bench/quiz.lua"
    for i in $(seq "$REPS"); do
        note "(q, r) run $i/$REPS: quiz submissions, then the no-op POST (${DUR} s each)"
        QUIZ_MODE=submit QUIZ_FROM=$((i * QSLICE)) QUIZ_COUNT=$QSLICE run_wrk q "$DUR" "$Q/" -s "$ROOT/bench/quiz.lua"
        alive "$QPID" lectern "$T/lectern-quiz.log"
        QUIZ_MODE=noop QUIZ_FROM=$((i * QSLICE)) QUIZ_COUNT=$QSLICE run_wrk r "$DUR" "$Q/" -s "$ROOT/bench/quiz.lua"
        alive "$QPID" lectern "$T/lectern-quiz.log"
        note "(y) run $i/$REPS: satisfaction survey responses (${DUR} s)"
        QUIZ_MODE=survey QUIZ_FROM=$((i * QSLICE)) QUIZ_COUNT=$QSLICE run_wrk y "$DUR" "$Q/" -s "$ROOT/bench/quiz.lua"
        alive "$QPID" lectern "$T/lectern-quiz.log"
    done
    sleep 0.3
    QSUB1=$("$SQ" scalar "$QDB" "SELECT count(*) FROM attempt WHERE status = 'submitted'")
    QLEDGER=$("$SQ" scalar "$QDB" "SELECT count(*) FROM ledger_entry WHERE kind = 'assessment.attempt'" 2>/dev/null || echo "?")
    YSUB1=$("$SQ" scalar "$QDB" "SELECT count(*) FROM survey_response")
    YLEDGER=$("$SQ" scalar "$QDB" "SELECT count(*) FROM ledger_entry WHERE kind = 'survey.response'" 2>/dev/null || echo "?")
    stop_pid "$QPID"; forget_pid "$QPID"
    note "raw SQLite reference: the rows of one submission per transaction (${SQ_SECS} s)"
    SQ_QUIZ=$("$SQ" quiz "$T/quiz-raw.db" "$SQ_SECS" | awk '{ print $6 }')
fi

# ---- gradebook: a run of 10,000 learners with their grades -------------------------------

if want gradebook; then
    GB_START=$(date +%s)
    # The other servers are done: stop them, they would only hold memory and CPU.
    # (the courses part stopped the demo server already; the quiz part, both)
    if [ "$COURSES" != 1 ] && [ -n "${LPID:-}" ]; then stop_pid "$LPID"; forget_pid "$LPID"; LPID=""; fi
    if [ -n "${SPID:-}" ]; then stop_pid "$SPID"; forget_pid "$SPID"; SPID=""; fi
    GB_CONNS=${BENCH_GB_CONNS:-4}
    GB_DUR=${BENCH_GB_DURATION:-5}
    GB_RAW_SECS=${BENCH_GB_RAW_SECONDS:-3}
    GDATA=$T/gradebook
    mkdir -p "$GDATA"
    note "seeding: lectern bench-seed-gradebook --learners ${BENCH_GB_LEARNERS:-10000}"
    "$BIN" bench-seed-gradebook --data "$GDATA" --learners "${BENCH_GB_LEARNERS:-10000}" > "$T/gb-seed.env" \
        2> "$T/gb-seed.log" || { cat "$T/gb-seed.log" >&2; die "lectern bench-seed-gradebook failed"; }
    while IFS='=' read -r k v; do case $k in GB_*) printf -v "$k" '%s' "$v" ;; esac; done < "$T/gb-seed.env"
    GPORT=$(free_port)
    while [ "$GPORT" = "${NPORT:-}" ]; do GPORT=$(free_port); done
    # shellcheck disable=SC2086  # BENCH_SERVE_ARGS is a list of options
    "$BIN" serve --data "$GDATA" --listen "127.0.0.1:$GPORT" --access-log off --threads "$THREADS" \
        ${BENCH_SERVE_ARGS:-} > "$T/lectern-gb.log" 2>&1 &
    GPID=$!
    PIDS+=("$GPID")
    wait_listening "$GPID" "$T/lectern-gb.log"
    G=http://127.0.0.1:$GPORT
    OUR_PIDS=("$GPID" "${NGINX_PIDS[@]}")
    signin "$G" "$GB_TRAINER_EMAIL" "$GB_TRAINER_PASSWORD" trainer
    GCOOKIE=$COOKIE_OUT
    GPAGE=/o/$GB_ORG/runs/$GB_RUN/gradebook
    # The bytes lectern answers, for nginx; checked: 100 learners on the page, every learner in the CSV.
    code=$(curl -s --max-time 30 -o "$NG/www/gradebook.html" -w '%{http_code}' -H "Cookie: $GCOOKIE" "$G$GPAGE")
    [ "$code" = 200 ] || die "GET $GPAGE as the trainer answered $code"
    code=$(curl -s --max-time 30 -o "$NG/www/gradebook.csv" -w '%{http_code}' -H "Cookie: $GCOOKIE" "$G$GPAGE.csv")
    [ "$code" = 200 ] || die "GET $GPAGE.csv as the trainer answered $code"
    J_ROWS=$(grep -o 'gradebook/learners/[0-9]*"' "$NG/www/gradebook.html" | wc -l | tr -d ' ')
    K_ROWS=$(($(wc -l < "$NG/www/gradebook.csv") - 1))
    [ "$J_ROWS" = 100 ] || die "the gradebook page lists $J_ROWS learners, not 100"
    [ "$K_ROWS" = "$GB_LEARNERS" ] || die "the gradebook CSV has $K_ROWS learners, not $GB_LEARNERS"
    curl -s --max-time 10 -o "$T/gb-n.html" "$N/gradebook.html"; curl -s --max-time 10 -o "$T/gb-n.csv" "$N/gradebook.csv"
    cmp -s "$T/gb-n.html" "$NG/www/gradebook.html" && cmp -s "$T/gb-n.csv" "$NG/www/gradebook.csv" \
        || die "nginx does not serve the gradebook's bytes"
    J_BYTES=$(wc -c < "$NG/www/gradebook.html" | tr -d ' '); K_BYTES=$(wc -c < "$NG/www/gradebook.csv" | tr -d ' ')
    cc -O2 -o "$T/gradebook_raw" "$ROOT/bench/gradebook_raw.c" $(pkg-config --cflags --libs sqlite3 2>/dev/null || echo -lsqlite3)
    gb_pair() {     # gb_pair KEY PATH: lectern and nginx alternating at -c$GB_CONNS
        local key=$1 path=$2 i
        note "($key) warm-up"
        SRV_PIDS=("$GPID"); CONNS=$GB_CONNS run_wrk "$key-lectern-warm" "$WARM" "$G$path" -H "Cookie: $GCOOKIE" --timeout 30s
        SRV_PIDS=("${NGINX_PIDS[@]}"); CONNS=$GB_CONNS run_wrk "$key-nginx-warm" "$WARM" "$N/gradebook.${3}"
        for i in $(seq "$REPS"); do
            note "($key) run $i/$REPS: lectern, nginx (${GB_DUR} s each)"
            SRV_PIDS=("$GPID"); CONNS=$GB_CONNS run_wrk "$key-lectern" "$GB_DUR" "$G$path" -H "Cookie: $GCOOKIE" --timeout 30s
            alive "$GPID" lectern "$T/lectern-gb.log"
            SRV_PIDS=("${NGINX_PIDS[@]}"); CONNS=$GB_CONNS run_wrk "$key-nginx" "$GB_DUR" "$N/gradebook.${3}"
            alive "$NPID" nginx
        done
    }
    gb_pair j "$GPAGE" html
    gb_pair k "$GPAGE.csv" csv
    RAW_GB=""
    for i in $(seq "$REPS"); do
        note "(j, k) raw SQLite reads of the gradebook's rows, run $i/$REPS (${GB_RAW_SECS} s)"
        "$T/gradebook_raw" "$GDATA/lectern.db" "$GB_RUN" "$GB_RAW_SECS" > "$T/gb-raw-$i.txt"
        RAW_GB+="$(awk '{ print $6 }' "$T/gb-raw-$i.txt") "
    done
    RAW_ROWS=$(awk '{ print $8 }' "$T/gb-raw-1.txt")
    RAW_MED=$(echo "$RAW_GB" | median)
    stop_pid "$GPID"; forget_pid "$GPID"
    GB_ELAPSED=$(( $(date +%s) - GB_START ))
fi

# ---- certificate: (w) a completion certificate's PDF, (x) its public verification page -------

if want certificate; then
    CT_START=$(date +%s)
    if [ "$COURSES" != 1 ] && [ -n "${LPID:-}" ]; then stop_pid "$LPID"; forget_pid "$LPID"; LPID=""; fi
    if [ -n "${SPID:-}" ]; then stop_pid "$SPID"; forget_pid "$SPID"; SPID=""; fi
    CERT_DUR=${BENCH_CERT_DURATION:-5}
    CERT_SECS=${BENCH_CERT_SECONDS:-3}
    CERT_CONNS=${BENCH_CERT_CONNS:-8}
    CDATA=$T/cert
    "$BIN" demo --data "$CDATA" > "$T/cert-demo.log" 2>&1 || { cat "$T/cert-demo.log" >&2; die "lectern demo failed (part certificate)"; }
    CPORT=$(free_port)
    while [ "$CPORT" = "${NPORT:-}" ]; do CPORT=$(free_port); done
    # shellcheck disable=SC2086  # BENCH_SERVE_ARGS is a list of options
    "$BIN" serve --data "$CDATA" --listen "127.0.0.1:$CPORT" --access-log off --threads "$THREADS" \
        ${BENCH_SERVE_ARGS:-} > "$T/lectern-cert.log" 2>&1 &
    CPID=$!
    PIDS+=("$CPID")
    wait_listening "$CPID" "$T/lectern-cert.log"
    C=http://127.0.0.1:$CPORT
    OUR_PIDS=("$CPID" "${NGINX_PIDS[@]}")
    signin "$C" admin@lectern.test demo-admin-pass cert-admin
    CCOOKIE=$COOKIE_OUT
    # Élodie's certificate of the demo's first course (run 1, learner 3: her 21 minutes of reading), then a
    # checkpoint, so that the verification page checks the chain up to a signature
    code=$(curl -s --max-time 30 -o "$T/cert.json" -w '%{http_code}' -H "Cookie: $CCOOKIE" -H "X-CSRF-Token: $CSRF_OUT" \
        -H 'Content-Type: application/json' -d '{"action_type":"training","employer":"Acme"}' \
        "$C/api/v1/orgs/demo/runs/1/learners/3/certificate")
    [ "$code" = 201 ] || { cat "$T/cert.json" >&2; die "issuing the demo certificate answered $code"; }
    code=$(curl -s --max-time 30 -o /dev/null -w '%{http_code}' -H "Cookie: $CCOOKIE" -H "X-CSRF-Token: $CSRF_OUT" \
        -H 'Content-Type: application/json' -d '{}' "$C/api/v1/orgs/demo/ledger/checkpoints")
    [ "$code" = 201 ] || die "the checkpoint answered $code"
    CERT_ID=$(sed -n 's/^{"id":"\([A-Za-z0-9_-]*\)".*/\1/p' "$T/cert.json")
    CERT_SEQ=$(sed -n 's/.*"ledger_seq":\([0-9]*\).*/\1/p' "$T/cert.json")
    CERT_FIRST=$(sed -n 's/.*"first_at":"\([0-9-]*\)T.*/\1/p' "$T/cert.json")
    CERT_LAST=$(sed -n 's/.*"last_at":"\([0-9-]*\)T.*/\1/p' "$T/cert.json")
    CERT_DAY=$(sed -n 's/.*"issued_at":"\([0-9-]*\)T.*/\1/p' "$T/cert.json")
    CERT_TIME=$(sed -n 's/.*"issued_at":"[0-9-]*T\([0-9]*:[0-9]*\).*/\1/p' "$T/cert.json")
    [ -n "$CERT_ID" ] && [ -n "$CERT_SEQ" ] || die "cannot read the certificate's id in $T/cert.json"
    CPDF=/o/demo/certificates/$CERT_ID/certificate.pdf
    CVERIFY=/verify/certificates/$CERT_ID
    code=$(curl -s --max-time 30 -o "$T/cert.pdf" -w '%{http_code}' -H "Cookie: $CCOOKIE" "$C$CPDF")
    [ "$code" = 200 ] || die "GET $CPDF answered $code"
    code=$(curl -s --max-time 30 -o "$NG/www/cert-verify.html" -w '%{http_code}' "$C$CVERIFY")
    [ "$code" = 200 ] || die "GET $CVERIFY answered $code"
    grep -q 'data-verdict="verified"' "$NG/www/cert-verify.html" || die "the verification page does not say verified"
    curl -s --max-time 10 -o "$T/cert-verify-n.html" "$N/cert-verify.html"
    cmp -s "$T/cert-verify-n.html" "$NG/www/cert-verify.html" || die "nginx does not serve the verification page's bytes"
    note "building bench/cert_cairo.c"
    # shellcheck disable=SC2046  # pkg-config prints several words
    cc -O2 -o "$T/cert_cairo" "$ROOT/bench/cert_cairo.c" $(pkg-config --cflags --libs pangocairo cairo-pdf libqrencode) \
        || die "bench/cert_cairo.c does not build (cairo, pango and libqrencode headers are needed)"
    CERT_ARGS=("$C$CVERIFY" "$CERT_FIRST → $CERT_LAST" "Issued on $CERT_DAY — Lectern Academy"
               "Issued electronically and recorded in the provider's evidence ledger, entry no. $CERT_SEQ. Scan the code or open the address below to check it:"
               "Generated on $CERT_DAY $CERT_TIME UTC · Lectern Academy")
    "$T/cert_cairo" 0.2 "$T/cert-bare.pdf" "${CERT_ARGS[@]}" > /dev/null
    CERT_CHECK="pdftotext not installed: text not compared"
    if command -v pdftotext >/dev/null 2>&1; then
        pdftotext "$T/cert.pdf" "$T/cert.txt"; pdftotext "$T/cert-bare.pdf" "$T/cert-bare.txt"
        grep -q 'Élodie Learner' "$T/cert.txt" && grep -q '21 min' "$T/cert.txt" || die "lectern's certificate does not show Élodie's 21 minutes"
        if diff -q "$T/cert.txt" "$T/cert-bare.txt" > /dev/null; then CERT_CHECK="same text (pdftotext)"
        else CERT_CHECK="TEXT DIFFERS from lectern's (pdftotext): the ceiling draws another page"; fi
    fi
    CERT_BYTES=$(wc -c < "$T/cert.pdf" | tr -d ' '); CERT_BARE_BYTES=$(wc -c < "$T/cert-bare.pdf" | tr -d ' ')
    SRV_PIDS=("$CPID")
    note "(w) warm-up"
    CONNS=1 WT=1 run_wrk w-warm "$WARM" "$C$CPDF" -H "Cookie: $CCOOKIE" --timeout 30s
    CERT_BARE=""; CERT_BARE_CPU=""
    for i in $(seq "$REPS"); do
        note "(w) run $i/$REPS: the certificate's PDF through lectern (-c1, ${CERT_DUR} s), then the bare cairo program (${CERT_SECS} s)"
        SRV_PIDS=("$CPID"); CONNS=1 WT=1 run_wrk w "$CERT_DUR" "$C$CPDF" -H "Cookie: $CCOOKIE" --timeout 30s
        alive "$CPID" lectern "$T/lectern-cert.log"
        "$T/cert_cairo" "$CERT_SECS" "$T/cert-bare.pdf" "${CERT_ARGS[@]}" > "$T/cert-bare-$i.txt"
        CERT_BARE+="$(awk '{ print $6 }' "$T/cert-bare-$i.txt") "
        CERT_BARE_CPU+="$(awk '{ print $10 }' "$T/cert-bare-$i.txt") "
    done
    note "(x) warm-up"
    SRV_PIDS=("$CPID"); CONNS=$CERT_CONNS run_wrk x-lectern-warm "$WARM" "$C$CVERIFY"
    SRV_PIDS=("${NGINX_PIDS[@]}"); CONNS=$CERT_CONNS run_wrk x-nginx-warm "$WARM" "$N/cert-verify.html"
    for i in $(seq "$REPS"); do
        note "(x) run $i/$REPS: the verification page, lectern then nginx (-c$CERT_CONNS, ${CERT_DUR} s each)"
        SRV_PIDS=("$CPID"); CONNS=$CERT_CONNS run_wrk x-lectern "$CERT_DUR" "$C$CVERIFY"
        alive "$CPID" lectern "$T/lectern-cert.log"
        SRV_PIDS=("${NGINX_PIDS[@]}"); CONNS=$CERT_CONNS run_wrk x-nginx "$CERT_DUR" "$N/cert-verify.html"
        alive "$NPID" nginx
    done
    CERT_VERIFY_BYTES=$(wc -c < "$NG/www/cert-verify.html" | tr -d ' ')
    stop_pid "$CPID"; forget_pid "$CPID"
    CT_ELAPSED=$(( $(date +%s) - CT_START ))
fi

# ---- xapi: (z) batches of xAPI statements through the LRS ------------------------------------

if want xapi; then
    XA_START=$(date +%s)
    if [ "$COURSES" != 1 ] && [ -n "${LPID:-}" ]; then stop_pid "$LPID"; forget_pid "$LPID"; LPID=""; fi
    if [ -n "${SPID:-}" ]; then stop_pid "$SPID"; forget_pid "$SPID"; SPID=""; fi
    XA_BATCH=${BENCH_XAPI_BATCH:-100}
    XA_CONNS=${BENCH_XAPI_CONNS:-4}
    XA_DUR=${BENCH_XAPI_DURATION:-5}
    XA_SECS=${BENCH_XAPI_SECONDS:-3}
    XDATA=$T/xapi
    "$BIN" demo --data "$XDATA" > "$T/xapi-demo.log" 2>&1 || { cat "$T/xapi-demo.log" >&2; die "lectern demo failed (part xapi)"; }
    XTOKEN=$("$BIN" token create --org demo --user trainer@lectern.test --role trainer --name bench-lrs --data "$XDATA" | tail -1)
    [ -n "$XTOKEN" ] || die "cannot create the LRS token"
    XAUTH="Authorization: Basic $(printf 'bench:%s' "$XTOKEN" | base64 -w0)"
    cp "$XDATA/lectern.db" "$T/xapi-raw.db"      # the ceiling's copy, before anything is sent
    XPORT=$(free_port)
    while [ "$XPORT" = "${NPORT:-}" ]; do XPORT=$(free_port); done
    # shellcheck disable=SC2086  # BENCH_SERVE_ARGS is a list of options
    "$BIN" serve --data "$XDATA" --listen "127.0.0.1:$XPORT" --access-log off --threads "$THREADS" --sync full \
        ${BENCH_SERVE_ARGS:-} > "$T/lectern-xapi.log" 2>&1 &
    XPID=$!
    PIDS+=("$XPID")
    wait_listening "$XPID" "$T/lectern-xapi.log"
    X=http://127.0.0.1:$XPORT
    OUR_PIDS=("$XPID")
    XROWS0=$("$SQ" count "$XDATA/lectern.db" xapi_statement)
    note "(z) warm-up"
    export XAPI_BATCH=$XA_BATCH        # read by bench/xapi.lua
    SRV_PIDS=("$XPID"); CONNS=$XA_CONNS run_wrk z-warm "$WARM" "$X/xapi/statements" \
        -s "$ROOT/bench/xapi.lua" -H "$XAUTH" --timeout 30s
    XA_RAW=""
    for i in $(seq "$REPS"); do
        note "(z) run $i/$REPS: statements through the LRS (-c$XA_CONNS, ${XA_DUR} s), then sqlite_insert xapi (${XA_SECS} s)"
        SRV_PIDS=("$XPID"); CONNS=$XA_CONNS run_wrk z "$XA_DUR" "$X/xapi/statements" \
            -s "$ROOT/bench/xapi.lua" -H "$XAUTH" --timeout 30s
        alive "$XPID" lectern "$T/lectern-xapi.log"
        "$SQ" xapi "$T/xapi-raw.db" "$XA_BATCH" "$XA_SECS" > "$T/xapi-raw-$i.txt"
        XA_RAW+="$(awk '{ print $6 }' "$T/xapi-raw-$i.txt") "
    done
    XROWS=$(( $("$SQ" count "$XDATA/lectern.db" xapi_statement) - XROWS0 ))
    X200=$(( $(sum z 10) ))
    "$BIN" verify --org demo --data "$XDATA" > "$T/xapi-verify.txt" 2>&1 || { cat "$T/xapi-verify.txt" >&2; die "lectern verify failed after part xapi"; }
    stop_pid "$XPID"; forget_pid "$XPID"
    XA_ELAPSED=$(( $(date +%s) - XA_START ))
fi

# ---- forum: a run's forum of 10,000 threads and 1,000,000 posts ---------------------------

if want forum; then
    FB_START=$(date +%s)
    if [ "$COURSES" != 1 ] && [ -n "${LPID:-}" ]; then stop_pid "$LPID"; forget_pid "$LPID"; LPID=""; fi
    if [ -n "${SPID:-}" ]; then stop_pid "$SPID"; forget_pid "$SPID"; SPID=""; fi
    FB_CONNS=${BENCH_FORUM_CONNS:-8}
    FB_DUR=${BENCH_FORUM_DURATION:-5}
    FB_RAW_SECS=${BENCH_FORUM_RAW_SECONDS:-3}
    if [ -n "${BENCH_FORUM_DATA:-}" ]; then
        FDATA=$BENCH_FORUM_DATA
        [ -f "$FDATA/seed.env" ] && [ -f "$FDATA/lines.txt" ] || die "BENCH_FORUM_DATA=$FDATA has no seed.env and lines.txt"
        FB_SEED_WALL=0
    else
        FDATA=$T/forum
        mkdir -p "$FDATA"
        note "seeding: lectern bench-seed-forum --posts ${BENCH_FORUM_POSTS:-1000000} --forum-threads ${BENCH_FORUM_THREADS:-10000}"
        FB_T0=$EPOCHREALTIME
        "$BIN" bench-seed-forum --data "$FDATA" --posts "${BENCH_FORUM_POSTS:-1000000}" \
            --forum-threads "${BENCH_FORUM_THREADS:-10000}" --big "${BENCH_FORUM_BIG:-1000}" \
            --posters "${BENCH_FORUM_POSTERS:-5000}" --out "$FDATA/lines.txt" > "$FDATA/seed.env" \
            2> >(tee "$T/forum-seed.log" | sed -u 's/^/bench: forum seed: /' >&2) \
            || { sleep 0.2; die "lectern bench-seed-forum failed (see above)"; }
        FB_SEED_WALL=$(awk -v a="$FB_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')
    fi
    while IFS='=' read -r k v; do case $k in FB_*) printf -v "$k" '%s' "$v" ;; esac; done < "$FDATA/seed.env"
    FDB=$FDATA/lectern.db
    cc -O2 -o "$T/forum_raw" "$ROOT/bench/forum_raw.c" $(pkg-config --cflags --libs sqlite3 2>/dev/null || echo -lsqlite3)
    FPORT=$(free_port)
    while [ "$FPORT" = "${NPORT:-}" ]; do FPORT=$(free_port); done
    # shellcheck disable=SC2086  # BENCH_SERVE_ARGS is a list of options
    "$BIN" serve --data "$FDATA" --listen "127.0.0.1:$FPORT" --access-log off --threads "$THREADS" \
        --sync full ${BENCH_SERVE_ARGS:-} > "$T/lectern-forum.log" 2>&1 &
    FPID=$!
    PIDS+=("$FPID")
    wait_listening "$FPID" "$T/lectern-forum.log"
    F=http://127.0.0.1:$FPORT
    OUR_PIDS=("$FPID" "${NGINX_PIDS[@]}")
    # Pages are read as the first poster (a learner of the run).
    read -r FTOK FCSRF < "$FDATA/lines.txt"
    FCOOKIE="lectern_session=$FTOK"
    FTHREAD=/runs/$FB_RUN/forum/$FB_BIG
    FINDEX=/runs/$FB_RUN/forum
    code=$(curl -s --max-time 60 -o "$NG/www/thread.html" -w '%{http_code}' -H "Cookie: $FCOOKIE" "$F$FTHREAD")
    [ "$code" = 200 ] || die "GET $FTHREAD answered $code"
    code=$(curl -s --max-time 60 -o "$NG/www/index.html" -w '%{http_code}' -H "Cookie: $FCOOKIE" "$F$FINDEX")
    [ "$code" = 200 ] || die "GET $FINDEX answered $code"
    L_POSTS=$(grep -o '<article' "$NG/www/thread.html" | wc -l | tr -d ' ')
    M_ROWS=$(grep -o "href=\"/runs/$FB_RUN/forum/[0-9]*\"" "$NG/www/index.html" | sort -u | wc -l | tr -d ' ')
    curl -s --max-time 10 -o "$T/fb-n1.html" "$N/thread.html"; curl -s --max-time 10 -o "$T/fb-n2.html" "$N/index.html"
    cmp -s "$T/fb-n1.html" "$NG/www/thread.html" && cmp -s "$T/fb-n2.html" "$NG/www/index.html" \
        || die "nginx does not serve the forum pages' bytes"
    L_BYTES=$(wc -c < "$NG/www/thread.html" | tr -d ' '); M_BYTES=$(wc -c < "$NG/www/index.html" | tr -d ' ')
    fb_pair() {     # fb_pair KEY PATH FILE: lectern and nginx alternating at -c$FB_CONNS
        local key=$1 path=$2 file=$3 i
        note "($key) warm-up"
        SRV_PIDS=("$FPID"); CONNS=$FB_CONNS run_wrk "$key-lectern-warm" "$WARM" "$F$path" -H "Cookie: $FCOOKIE" --timeout 30s
        SRV_PIDS=("${NGINX_PIDS[@]}"); CONNS=$FB_CONNS run_wrk "$key-nginx-warm" "$WARM" "$N/$file"
        for i in $(seq "$REPS"); do
            note "($key) run $i/$REPS: lectern, nginx (${FB_DUR} s each)"
            SRV_PIDS=("$FPID"); CONNS=$FB_CONNS run_wrk "$key-lectern" "$FB_DUR" "$F$path" -H "Cookie: $FCOOKIE" --timeout 30s
            alive "$FPID" lectern "$T/lectern-forum.log"
            SRV_PIDS=("${NGINX_PIDS[@]}"); CONNS=$FB_CONNS run_wrk "$key-nginx" "$FB_DUR" "$N/$file"
            alive "$NPID" nginx
        done
    }
    fb_pair l "$FTHREAD" thread.html
    fb_pair m "$FINDEX" index.html
    # (p) search: three queries, and the same statement from C
    FB_QUERIES="kalomi ruvo kalomi+sarumi"
    BENCH_PATHS=""
    for w in $FB_QUERIES; do BENCH_PATHS+="/runs/$FB_RUN/forum/search?q=$w "; done
    export BENCH_PATHS
    for w in $FB_QUERIES; do
        code=$(curl -s --max-time 60 -o "$T/fb-search.html" -w '%{http_code}' -H "Cookie: $FCOOKIE" "$F/runs/$FB_RUN/forum/search?q=$w")
        [ "$code" = 200 ] || die "GET search?q=$w answered $code"
    done
    note "(p) warm-up"
    SRV_PIDS=("$FPID"); CONNS=1 WT=1 run_wrk p-warm "$WARM" "$F/" -H "Cookie: $FCOOKIE" --timeout 30s -s "$ROOT/bench/paths.lua"
    P_RAW=""
    for i in $(seq "$REPS"); do
        note "(p) run $i/$REPS: search (${FB_DUR} s), then the raw statement (${FB_RAW_SECS} s)"
        SRV_PIDS=("$FPID"); CONNS=1 WT=1 run_wrk p "$FB_DUR" "$F/" -H "Cookie: $FCOOKIE" --timeout 30s -s "$ROOT/bench/paths.lua"
        alive "$FPID" lectern "$T/lectern-forum.log"
        "$T/forum_raw" search "$FDB" "$FB_RAW_SECS" "$FB_RUN" '"kalomi"*' '"ruvo"*' '"kalomi"* "sarumi"*' > "$T/fb-raw-s-$i.txt"
        P_RAW+="$(cat "$T/fb-raw-s-$i.txt")"$'\n'
    done
    # (n, o) posting
    FP0=$("$SQ" scalar "$FDB" "SELECT count(*) FROM forum_post")
    export FORUM_LINES=$FDATA/lines.txt FORUM_THREADS=$WT FORUM_RUN=$FB_RUN FORUM_FIRST=$FB_FIRST FORUM_LAST=$FB_LAST
    FSLICE=$(( FB_POSTERS / (REPS + 1) ))
    note "(n, o) warm-up"
    FORUM_MODE=post FORUM_FROM=0 FORUM_COUNT=$FSLICE run_wrk n-warm "$WARM" "$F/" -s "$ROOT/bench/forum.lua"
    FORUM_MODE=noop FORUM_FROM=0 FORUM_COUNT=$FSLICE run_wrk o-warm "$WARM" "$F/" -s "$ROOT/bench/forum.lua"
    for i in $(seq "$REPS"); do
        note "(n, o) run $i/$REPS: replies, then the no-op POST (${FB_DUR} s each)"
        SRV_PIDS=("$FPID"); FORUM_MODE=post FORUM_FROM=$((i * FSLICE)) FORUM_COUNT=$FSLICE run_wrk n "$FB_DUR" "$F/" -s "$ROOT/bench/forum.lua"
        alive "$FPID" lectern "$T/lectern-forum.log"
        SRV_PIDS=("$FPID"); FORUM_MODE=noop FORUM_FROM=$((i * FSLICE)) FORUM_COUNT=$FSLICE run_wrk o "$FB_DUR" "$F/" -s "$ROOT/bench/forum.lua"
        alive "$FPID" lectern "$T/lectern-forum.log"
    done
    sleep 0.3
    FP1=$("$SQ" scalar "$FDB" "SELECT count(*) FROM forum_post")
    stop_pid "$FPID"; forget_pid "$FPID"
    cp "$FDB" "$T/forum-raw.db"
    N_RAW=""
    for i in $(seq "$REPS"); do
        note "(n) raw SQLite: the rows of one reply per transaction, run $i/$REPS (${FB_RAW_SECS} s)"
        N_RAW+="$("$T/forum_raw" post "$T/forum-raw.db" "$FB_RAW_SECS" "$FB_RUN" "$FB_FIRST" "$FB_LAST" 2 "$FB_POSTERS" | awk '{ print $7 }') "
    done
    rm -f "$T/forum-raw.db"*
    FB_ELAPSED=$(( $(date +%s) - FB_START ))
fi

# ---- attendance: signers, sheetpdf, verify -----------------------------------------------

if want signers || want sheetpdf; then
    A_START=$(date +%s)
    # The other servers are done: stop them, they would only hold memory and CPU.
    for v in LPID SPID QPID GPID; do
        p=${!v:-}
        if [ -n "$p" ]; then stop_pid "$p"; forget_pid "$p"; printf -v "$v" '%s' ""; fi
    done
    ADATA=$T/att
    ALINES=$T/att-lines.txt
    note "seeding: lectern bench-attendance-seed --learners $SIGNERS --sessions $((REPS + 1))"
    "$BIN" bench-attendance-seed --data "$ADATA" --learners "$SIGNERS" --sessions $((REPS + 1)) --out "$ALINES" \
        > "$T/att-seed.env" 2> "$T/att-seed.log" || { cat "$T/att-seed.log" >&2; die "lectern bench-attendance-seed failed"; }
    while IFS='=' read -r k v; do case $k in ATT_*) printf -v "$k" '%s' "$v" ;; esac; done < "$T/att-seed.env"
    IFS=, read -r -a ATT_SIDS <<< "$ATT_SESSIONS"
    ADB=$ADATA/lectern.db
    cp "$ADB" "$T/att-raw.db"           # the raw SQLite reference runs on a copy (checkpointed: one file)
    APORT=$(free_port)
    : > "$T/lectern-att.log"
    # shellcheck disable=SC2086  # BENCH_SERVE_ARGS is a list of options
    "$BIN" serve --data "$ADATA" --listen "127.0.0.1:$APORT" --access-log off --threads "$THREADS" \
        --sync full ${BENCH_SERVE_ARGS:-} > "$T/lectern-att.log" 2>&1 &
    APID=$!
    PIDS+=("$APID")
    wait_listening "$APID" "$T/lectern-att.log"
    A=http://127.0.0.1:$APORT
    OUR_PIDS=("$APID"); SRV_PIDS=("$APID")
fi

# sign_round NAME ROUND: every learner signs session ATT_SIDS[ROUND] by its
# personal link (bench/sign.lua), at most SIGN_LIMIT s; wrk is stopped
# (SIGINT) once every signature is in the database.  Appends to $T/sign.txt:
#   NAME rows s200 sother serr p50_ms p99_ms span_s sigs_per_s server_cpu_us_per_sig other_cores wall_s
sign_round() {
    local name=$1 round=$2 sid=${ATT_SIDS[$2]} out="$T/sign-$1-$2.txt" pid rc=0 n=0 i
    local t0 t1 b0 b1 s0 s1 c0 c1
    times > "$T/times0"; b0=$(busy_ticks); s0=$(pid_ticks "$APID"); t0=$EPOCHREALTIME
    SIGN_ROUND=$round timeout -k 5 $((SIGN_LIMIT + 20)) wrk -t"$WT" -c"$SIGN_CONNS" -d"${SIGN_LIMIT}s" --latency \
        -s "$ROOT/bench/sign.lua" "$A/" > "$out" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    for i in $(seq $((SIGN_LIMIT * 10))); do
        n=$("$SQ" scalar "$ADB" "SELECT count(*) FROM signature WHERE session_id = $sid")
        [ "$n" -ge "$ATT_LEARNERS" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    sleep 0.5   # the last answers reach wrk
    kill -INT "$pid" 2>/dev/null || true
    wait "$pid" || rc=$?
    forget_pid "$pid"
    times > "$T/times1"; b1=$(busy_ticks); s1=$(pid_ticks "$APID"); t1=$EPOCHREALTIME
    c0=$(child_ticks "$T/times0"); c1=$(child_ticks "$T/times1")
    [ "$rc" = 0 ] || [ "$rc" = 130 ] || { cat "$out" >&2; die "wrk failed ($rc) for $name"; }
    alive "$APID" lectern "$T/lectern-att.log"
    local rows span s200 sother serr p50 p99
    rows=$("$SQ" scalar "$ADB" "SELECT count(*) FROM signature WHERE session_id = $sid")
    span=$("$SQ" scalar "$ADB" "SELECT max(signed_at) - min(signed_at) FROM signature WHERE session_id = $sid")
    s200=$(awk '$1 == "status" && $2 == 200 { print $3 }' "$out")
    sother=$(awk '$1 == "status" && $2 != 200 { s += $3 } END { print s + 0 }' "$out")
    # the socket errors wrk reports are the held connections SIGINT closed: only timeouts count
    serr=$(awk '/Socket errors:/ { for (i = 3; i <= NF; i++) if ($i == "timeout") { v = $(i + 1); gsub(/,/, "", v); print v + 0 } }' "$out")
    p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
    echo "$name $rows ${s200:-0} $sother ${serr:-0} $p50 $p99 $(awk -v s="$span" -v r="$rows" -v b=$((b1 - b0)) -v o=$((s1 - s0)) \
        -v c=$((c1 - c0)) -v hz="$HZ" -v t0="$t0" -v t1="$t1" 'BEGIN { sp = s / 1e6; d = t1 - t0
            x = d > 0 ? (b - o - c) / hz / d : 0; if (x < 0) x = 0
            printf "%.3f %.1f %.0f %.2f %.1f", sp, (sp > 0 ? (r - 1) / sp : 0), (r > 0 ? o / hz * 1e6 / r : 0), x, d }')" >> "$T/sign.txt"
}

if want signers; then
    SIGN_LIMIT=${BENCH_SIGN_LIMIT:-60}
    SIGN_CONNS=${BENCH_SIGN_CONNS:-$CONNS}
    : > "$T/sign.txt"
    # One link works, signed out: its page answers 200 (the check leaves it unused).
    read -r _ LTOK _ _ <<< "$(awk '$1 == "0"' "$ALINES" | head -n 1)"
    code=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' "$A/sign/$LTOK")
    [ "$code" = 200 ] || die "GET /sign/TOKEN answered $code"
    export SIGN_LINES=$ALINES SIGN_THREADS=$WT
    note "(s) warm-up: $(fmt_int "$ATT_LEARNERS") learners sign session ${ATT_SIDS[0]}"
    sign_round s-warm 0
    for i in $(seq "$REPS"); do
        note "(s) run $i/$REPS: $(fmt_int "$ATT_LEARNERS") learners sign session ${ATT_SIDS[$i]} by their links (at most ${SIGN_LIMIT} s)"
        sign_round s "$i"
    done
    SIGN_SQ=""
    for i in $(seq "$REPS"); do
        note "(s) raw SQLite: a signature, its link, ledger entry and head per transaction, run $i/$REPS (${SIGN_SQ_SECS} s)"
        SIGN_SQ+="$("$SQ" sign "$T/att-raw.db" "$SIGN_SQ_SECS" | awk '{ print $6 }') "
    done
fi

if want sheetpdf; then
    SHEET_DUR=${BENCH_SHEET_DURATION:-5}
    SHEET_SECS=${BENCH_SHEET_SECONDS:-3}
    SHEET_PATH=/o/$ATT_ORG/sessions/$ATT_SHEET_SESSION/sheet.pdf
    ACOOKIE="lectern_session=$ATT_TRAINER_TOKEN"
    code=$(curl -s --max-time 30 -o "$T/sheet.pdf" -w '%{http_code}' -H "Cookie: $ACOOKIE" "$A$SHEET_PATH")
    [ "$code" = 200 ] || die "GET $SHEET_PATH as the trainer answered $code"
    note "building bench/sheet_cairo.c"
    # shellcheck disable=SC2046  # pkg-config prints several words
    cc -O2 -o "$T/sheet_cairo" "$ROOT/bench/sheet_cairo.c" $(pkg-config --cflags --libs pangocairo cairo-pdf libqrencode) \
        || die "bench/sheet_cairo.c does not build (cairo, pango and libqrencode headers are needed)"
    "$T/sheet_cairo" 0.2 "$T/sheet-bare.pdf" > /dev/null
    SHEET_BYTES=$(wc -c < "$T/sheet.pdf" | tr -d ' '); SHEET_BARE_BYTES=$(wc -c < "$T/sheet-bare.pdf" | tr -d ' ')
    SHEET_CHECK="pdftotext not installed: text not compared"
    if command -v pdftotext >/dev/null 2>&1; then
        pdftotext "$T/sheet.pdf" "$T/sheet.txt"; pdftotext "$T/sheet-bare.pdf" "$T/sheet-bare.txt"
        grep -q 'Élodie' "$T/sheet.txt" && grep -q 'Learners who signed: 30 / 30' "$T/sheet.txt" \
            || die "lectern's sheet does not list the 30 signed learners by name"
        if diff -q <(grep -v '^Generated on' "$T/sheet.txt") <(grep -v '^Generated on' "$T/sheet-bare.txt") > /dev/null; then
            SHEET_CHECK="same text (pdftotext) but the footer's time"
        else SHEET_CHECK="TEXT DIFFERS from lectern's (pdftotext): the ceiling draws another page"; fi
    fi
    SRV_PIDS=("$APID")
    note "(p) warm-up"
    CONNS=1 WT=1 run_wrk t-warm "$WARM" "$A$SHEET_PATH" -H "Cookie: $ACOOKIE" --timeout 30s
    SHEET_BARE=""; SHEET_BARE_CPU=""
    for i in $(seq "$REPS"); do
        note "(p) run $i/$REPS: the sheet through lectern (-c1, ${SHEET_DUR} s), then the bare cairo program (${SHEET_SECS} s)"
        CONNS=1 WT=1 run_wrk t "$SHEET_DUR" "$A$SHEET_PATH" -H "Cookie: $ACOOKIE" --timeout 30s
        alive "$APID" lectern "$T/lectern-att.log"
        "$T/sheet_cairo" "$SHEET_SECS" > "$T/sheet-bare-$i.txt"
        SHEET_BARE+="$(awk '{ print $6 }' "$T/sheet-bare-$i.txt") "
        SHEET_BARE_CPU+="$(awk '{ print $10 }' "$T/sheet-bare-$i.txt") "
    done
fi

if want signers || want sheetpdf; then
    stop_pid "$APID"; forget_pid "$APID"
    if want signers; then
        S_SIGS=$("$SQ" scalar "$ADB" "SELECT count(*) FROM signature s JOIN org o ON o.id = s.org_id WHERE o.slug = 'benchatt'")
        S_LEDGER=$("$SQ" scalar "$ADB" "SELECT count(*) FROM ledger_entry e JOIN org o ON o.id = e.org_id WHERE o.slug = 'benchatt' AND e.kind = 'attendance.signature'")
        S_VERIFY=$("$BIN" verify --data "$ADATA" --org benchatt 2>&1 | head -n 1) || S_VERIFY="FAILED: $S_VERIFY"
    fi
    A_ELAPSED=$(( $(date +%s) - A_START ))
fi

if want verify; then
    V_START=$(date +%s)
    VDATA=$T/ledger
    note "seeding: lectern bench-attendance-seed --ledger $LEDGER_N (valid entries of one organisation)"
    V_T0=$EPOCHREALTIME
    "$BIN" bench-attendance-seed --data "$VDATA" --learners 1 --sessions 1 --ledger "$LEDGER_N" --out "$T/ledger-lines.txt" \
        > "$T/ledger-seed.env" 2> >(tee "$T/ledger-seed.log" | sed -u 's/^/bench: ledger seed: /' >&2) \
        || { sleep 0.2; die "lectern bench-attendance-seed --ledger failed (see above)"; }
    V_SEED_WALL=$(awk -v a="$V_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')
    V_DB_MB=$(( $(stat -c %s "$VDATA/lectern.db") / 1000000 ))
    cc -O2 -o "$T/ledger_hash" "$ROOT/bench/ledger_hash.c" $(pkg-config --cflags --libs sqlite3 libsodium 2>/dev/null || echo -lsqlite3 -lsodium)
    V_RATES=""; V_RAW=""; V_HASH=""; V_CPU=""; V_OTHER=""; V_RATES_CPU=""; V_RAW_CPU=""
    for i in $(seq "$REPS"); do
        note "(v) run $i/$REPS: lectern verify over $(fmt_int "$LEDGER_N") entries, then the bare read + SHA-256 loop"
        times > "$T/times0"; b0=$(busy_ticks); t0=$EPOCHREALTIME
        "$BIN" verify --data "$VDATA" --org benchledger > "$T/verify-$i.txt" 2>&1 || { cat "$T/verify-$i.txt" >&2; die "lectern verify failed"; }
        t1=$EPOCHREALTIME; b1=$(busy_ticks); times > "$T/times1"
        n=$(sed -n 's/^benchledger: ok — \([0-9]*\) entr.*/\1/p' "$T/verify-$i.txt")
        [ "$n" = "$LEDGER_N" ] || die "lectern verify checked ${n:-no} entries, not $LEDGER_N: $(cat "$T/verify-$i.txt")"
        V_RATES+="$(awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }') "
        c=$(( $(child_ticks "$T/times1") - $(child_ticks "$T/times0") ))
        V_CPU+="$(awk -v c="$c" -v hz="$HZ" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", c / hz / (b - a) }') "
        V_RATES_CPU+="$(awk -v c="$c" -v hz="$HZ" -v n="$n" 'BEGIN { printf "%.0f", (c > 0 ? n / (c / hz) : 0) }') "
        V_OTHER+="$(awk -v c="$c" -v x=$((b1 - b0)) -v hz="$HZ" -v a="$t0" -v b="$t1" 'BEGIN { o = (x - c) / hz / (b - a); printf "%.2f", (o < 0 ? 0 : o) }') "
        "$T/ledger_hash" "$VDATA/lectern.db" benchledger > "$T/ledger-hash-$i.txt" || die "the bare hash loop found a broken chain"
        V_RAW+="$(awk '{ print $6 }' "$T/ledger-hash-$i.txt") "
        V_RAW_CPU+="$(awk '{ printf "%.0f", ($10 > 0 ? $2 / $10 : 0) }' "$T/ledger-hash-$i.txt") "
        V_HASH+="$(awk -v n="$LEDGER_N" '{ printf "%.0f", ($8 > 0 ? n / $8 : 0) }' "$T/ledger-hash-$i.txt") "
    done
    V_ELAPSED=$(( $(date +%s) - V_START ))
fi

# ---- report ---------------------------------------------------------------------------

CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
NPROC=$(nproc); export NPROC
VERDICT() { if "$@"; then echo "ok"; else echo "MISSED"; fi; }

line_pair() {   # line_pair KEY LABEL GOAL
    local k=$1 label=$2 goal=$3 lr nr r
    lr=$(med "$k-lectern" 2); nr=$(med "$k-nginx" 2); r=$(ratio "$lr" "$nr")
    printf '%s %-9s lectern %s req/s p50 %s p99 %s | nginx %s req/s p50 %s p99 %s | ratio %s× (goal ≥ %s) %s | server CPU/req lectern %s µs, nginx %s µs\n' \
        "($k)" "$label" "$(fmt_int "$lr")" "$(fmt_ms "$(med "$k-lectern" 3)")" "$(fmt_ms "$(med "$k-lectern" 4)")" \
        "$(fmt_int "$nr")" "$(fmt_ms "$(med "$k-nginx" 3)")" "$(fmt_ms "$(med "$k-nginx" 4)")" \
        "$r" "$goal" "$(VERDICT ge "$r" "$goal")" "$(med "$k-lectern" 14)" "$(med "$k-nginx" 14)"
}

if want core; then
    C201=$(sum c 9)                     # 201s wrk counted in (c), warm-up included
    COTHER=$(( $(sum c 10) + $(sum c 11) ))
    CRUNS=$(awk '$1 == "c" || $1 == "c-warm"' "$T/runs.txt" | wc -l)
    ROWS_ADDED=$((ROWS_C1 - ROWS_C0))
    INFLIGHT=$((ROWS_ADDED - C201))
    MAX_INFLIGHT=$((CONNS * CRUNS))
    if [ "$INFLIGHT" = 0 ]; then ROWS_OK="ok (exact)"
    elif [ "$INFLIGHT" -gt 0 ] && [ "$INFLIGHT" -le "$MAX_INFLIGHT" ]; then
        ROWS_OK="ok (+$INFLIGHT rows for requests still in flight when wrk stopped, ≤ $MAX_INFLIGHT)"
    else ROWS_OK="MISMATCH"; fi
fi
if want beat; then
    F200=$(sum f 10)                    # 200s wrk counted in (f), warm-up included
    FOTHER=$(( $(sum f 9) + $(sum f 11) ))
    FRUNS=$(awk '$1 == "f" || $1 == "f-warm"' "$T/runs.txt" | wc -l)
    HB_ADDED=$((HB1 - HB0))
    F_INFLIGHT=$((HB_ADDED - F200))
    F_MAX_INFLIGHT=$((CONNS * FRUNS))
    if [ "$F_INFLIGHT" = 0 ]; then HB_OK="ok (exact)"
    elif [ "$F_INFLIGHT" -gt 0 ] && [ "$F_INFLIGHT" -le "$F_MAX_INFLIGHT" ]; then
        HB_OK="ok (+$F_INFLIGHT rows for requests still in flight when wrk stopped, ≤ $F_MAX_INFLIGHT)"
    else HB_OK="MISMATCH"; fi
fi

if want quiz; then
    Q200=$(sum q 10)                    # 200s wrk counted in (q), warm-up included
    QOTHER=$(( $(sum q 9) + $(sum q 11) ))
    QRUNS=$(awk '$1 == "q" || $1 == "q-warm"' "$T/runs.txt" | wc -l)
    Q_ADDED=$((QSUB1 - QSUB0))
    Q_INFLIGHT=$((Q_ADDED - Q200))
    if [ "$Q_INFLIGHT" = 0 ]; then Q_OK="ok (exact)"
    elif [ "$Q_INFLIGHT" -gt 0 ] && [ "$Q_INFLIGHT" -le $((CONNS * QRUNS)) ]; then
        Q_OK="ok (+$Q_INFLIGHT attempts for requests still in flight when wrk stopped, ≤ $((CONNS * QRUNS)))"
    else Q_OK="MISMATCH"; fi
    Y201=$(sum y 9)                     # 201s wrk counted in (y), warm-up included
    YOTHER=$(( $(sum y 10) + $(sum y 11) ))
    YRUNS=$(awk '$1 == "y" || $1 == "y-warm"' "$T/runs.txt" | wc -l)
    Y_INFLIGHT=$((YSUB1 - YSUB0 - Y201))
    if [ "$Y_INFLIGHT" = 0 ]; then Y_OK="ok (exact)"
    elif [ "$Y_INFLIGHT" -gt 0 ] && [ "$Y_INFLIGHT" -le $((CONNS * YRUNS)) ]; then
        Y_OK="ok (+$Y_INFLIGHT responses for requests still in flight when wrk stopped, ≤ $((CONNS * YRUNS)))"
    else Y_OK="MISMATCH"; fi
fi

# lat_line KEY LABEL: req/s, p50 and p99 at -c$CONNS, then p50 and p99 at -c1
lat_line() {
    printf '%s %s req/s, p50 %s, p99 %s; at -c1: %s req/s, p50 %s, p99 %s; server CPU/req %s µs' "$2" \
        "$(fmt_int "$(med "$1" 2)")" "$(fmt_ms "$(med "$1" 3)")" "$(fmt_ms "$(med "$1" 4)")" \
        "$(fmt_int "$(med "$1-c1" 2)")" "$(fmt_ms "$(med "$1-c1" 3)")" "$(fmt_ms "$(med "$1-c1" 4)")" "$(med "$1" 14)"
}

{
    echo "Lectern bench — $(date -u '+%Y-%m-%d %H:%M UTC') — $NPROC × $CPU — temp dir on $FSTYPE — parts:$PARTS"
    [ -n "${BENCH_SERVE_ARGS:-}" ] && echo "lectern serve options added: $BENCH_SERVE_ARGS"
    [ -n "${LECTERN_BIN:-}" ] && echo "binary: $BIN"
    echo "wrk -t$WT -c$CONNS --latency, ${WARM} s warm-up, median of $REPS × ${DUR} s runs (p50/p99: median of the runs' values); lectern --threads $THREADS, nginx worker_processes $THREADS"
    if want core; then
        echo
        line_pair a healthz 1.0
        MR=$(med a-mhd 2)
        printf '    bare libmicrohttpd (bench/mhd_bare.c, lectern'"'"'s daemon options, same bytes): %s req/s p50 %s p99 %s, server CPU/req %s µs | lectern / bare %s×, nginx / bare %s×\n' \
            "$(fmt_int "$MR")" "$(fmt_ms "$(med a-mhd 3)")" "$(fmt_ms "$(med a-mhd 4)")" "$(med a-mhd 14)" \
            "$(ratio "$(med a-lectern 2)" "$MR")" "$(ratio "$(med a-nginx 2)" "$MR")"
        line_pair b page 0.5
        CR=$(med c 2); CP50=$(med c 3); CP99=$(med c 4)
        if [ "$DRY_OK" = 1 ]; then
            DR=$(med d 2); R=$(ratio "$CR" "$DR")
            printf '(c) event     lectern %s req/s p50 %s p99 %s | (d) ?dry_run=1 %s req/s p50 %s p99 %s | ratio %s× (goal ≥ 0.5) %s | p99 goal < 25 ms %s | server CPU/req (c) %s µs, (d) %s µs\n' \
                "$(fmt_int "$CR")" "$(fmt_ms "$CP50")" "$(fmt_ms "$CP99")" "$(fmt_int "$DR")" "$(fmt_ms "$(med d 3)")" "$(fmt_ms "$(med d 4)")" \
                "$R" "$(VERDICT ge "$R" 0.5)" "$(VERDICT lt "$CP99" 25)" "$(med c 14)" "$(med d 14)"
        else
            printf '(c) event     lectern %s req/s p50 %s p99 %s | (d) ?dry_run=1 NOT MEASURED: the server answered %s and stored the row | ratio n/a (goal ≥ 0.5) | p99 goal < 25 ms %s\n' \
                "$(fmt_int "$CR")" "$(fmt_ms "$CP50")" "$(fmt_ms "$CP99")" "$DRY_CODE" "$(VERDICT lt "$CP99" 25)"
        fi
        printf '    raw SQLite (WAL, synchronous=FULL, same table and statement): %s rows/s at %s rows/commit (lectern'"'"'s average batch %s = %s jobs / %s batches in the measured runs), %s rows/s at 100 rows/commit | (c) / raw at the same batch %s×\n' \
            "$(fmt_int "$SQ_A")" "$REF_BATCH" "$AVG_BATCH" "$((J1 - JW))" "$((B1 - BW))" "$(fmt_int "$SQ_100")" "$(ratio "$CR" "$SQ_A")"
        printf '    rows check: %s event rows added during (c) vs %s 201s counted by wrk (lectern counted %s 201s in all): %s; other statuses %s; failed batches %s\n' \
            "$(fmt_int "$ROWS_ADDED")" "$(fmt_int "$C201")" "$(fmt_int "${SRV201:-0}")" "$ROWS_OK" "$COTHER" "${FAILED:-?}"
    fi
    if [ "$COURSES" = 1 ]; then
        echo
        if [ -n "$SEED_WALL" ]; then
            printf 'courses: lectern bench-seed %s: %s courses, %s learners, %s enrolments, %s progress rows, %s heartbeats in %s s (%s s of it writing rows); database %s MB; video: %s\n' \
                "${SEED_ARGS[*]}" "$(fmt_int "$S_COURSES")" "$(fmt_int "$S_LEARNERS")" "$(fmt_int "$S_ENROLMENTS")" "$(fmt_int "$S_PROGRESS_ROWS")" \
                "$(fmt_int "$S_HEARTBEATS")" "$SEED_WALL" "$S_SEED_SECONDS" "$(fmt_int "$((SDB_BYTES / 1000000))")" "$VIDEO_KIND"
        else
            printf 'courses: reused %s: %s courses, %s learners, %s enrolments, %s heartbeats at seeding; database %s MB now\n' "$SDATA" \
                "$(fmt_int "$S_COURSES")" "$(fmt_int "$S_LEARNERS")" "$(fmt_int "$S_ENROLMENTS")" "$(fmt_int "$S_HEARTBEATS")" "$(fmt_int "$((SDB_BYTES / 1000000))")"
        fi
        echo "  signed in as $S_BENCH_EMAIL ($S_BENCH_ENROLMENTS enrolments); lectern serve --sync full"
    fi
    if want range; then
        ER=$(med e-lectern 2); EN=$(med e-nginx 2); R=$(ratio "$ER" "$EN")
        mbs() { awk -v r="$1" 'BEGIN { printf "%.0f", r * 1048576 / 1e6 }'; }
        printf '(e) range     lectern %s req/s = %s MB/s p50 %s p99 %s | nginx %s req/s = %s MB/s p50 %s p99 %s | ratio %s× (goal ≥ 0.8) %s | server CPU/req lectern %s µs, nginx %s µs\n' \
            "$(fmt_int "$ER")" "$(fmt_int "$(mbs "$ER")")" "$(fmt_ms "$(med e-lectern 3)")" "$(fmt_ms "$(med e-lectern 4)")" \
            "$(fmt_int "$EN")" "$(fmt_int "$(mbs "$EN")")" "$(fmt_ms "$(med e-nginx 3)")" "$(fmt_ms "$(med e-nginx 4)")" \
            "$R" "$(VERDICT ge "$R" 0.8)" "$(med e-lectern 14)" "$(med e-nginx 14)"
        printf '    random 1 MiB ranges of a %s-byte %s (%s); same ranges for both; 206 and the same bytes as nginx checked at the start, middle and end\n' \
            "$(fmt_int "$S_VIDEO_SIZE")" "${VIDEO_TYPE:-?}" "$VIDEO_KIND"
    fi
    if want beat; then
        FR=$(med f 2); GR=$(med g 2); R=$(ratio "$FR" "$GR")
        printf '(f) beat      lectern %s beats/s p50 %s p99 %s | (g) no-op POST %s req/s p50 %s p99 %s | ratio %s× (goal ≥ 0.5) %s | server CPU/req (f) %s µs, (g) %s µs\n' \
            "$(fmt_int "$FR")" "$(fmt_ms "$(med f 3)")" "$(fmt_ms "$(med f 4)")" "$(fmt_int "$GR")" "$(fmt_ms "$(med g 3)")" "$(fmt_ms "$(med g 4)")" \
            "$R" "$(VERDICT ge "$R" 0.5)" "$(med f 14)" "$(med g 14)"
        printf '    (g) = POST /api/v1/orgs/%s/events?dry_run=1, same cookie, X-CSRF-Token, JSON body: authenticated, CSRF-checked, parsed, nothing stored\n' "$S_BENCH_ORG"
        printf '    raw SQLite heartbeat inserts (WAL, synchronous=FULL, lectern'"'"'s heartbeat table and indexes, beat_job'"'"'s statement): %s rows/s at %s rows/commit (the writer'"'"'s average batch %s = %s jobs / %s batches in the measured runs), %s rows/s at 100 rows/commit | (f) / raw at the same batch %s×\n' \
            "$(fmt_int "$SQ_HB_A")" "$F_REF_BATCH" "$F_AVG_BATCH" "$((FJ1 - FJW))" "$((FB1 - FBW))" "$(fmt_int "$SQ_HB_100")" "$(ratio "$FR" "$SQ_HB_A")"
        printf '    rows check: %s heartbeat rows added during (f) vs %s 200s counted by wrk: %s; other statuses %s; failed batches %s\n' \
            "$(fmt_int "$HB_ADDED")" "$(fmt_int "$F200")" "$HB_OK" "$FOTHER" "${F_FAILED:-?}"
    fi
    if want search; then
        echo "(h) search    $(lat_line h-page 'GET /courses?q=') | $(lat_line h-api 'GET /api/v1/courses?q=')"
        echo "    words (matching courses of $(fmt_int "$S_COURSES")): $H_MATCHES; signed out; no goal set"
    fi
    if want dashboard; then
        echo "(i) dashboard $(lat_line i-page 'GET /') | $(lat_line i-api 'GET /api/v1/me/enrolments')"
        echo "    $S_BENCH_ENROLMENTS courses listed by both; page $(fmt_int "$I_PAGE_BYTES") bytes, JSON $(fmt_int "$I_API_BYTES") bytes; no goal set"
    fi
    if want quiz; then
        QR=$(med q 2); RR=$(med r 2); R=$(ratio "$QR" "$RR")
        printf '(q) quiz      lectern %s submissions/s p50 %s p99 %s | (r) no-op POST %s req/s p50 %s p99 %s | ratio %s× (no goal set) | server CPU/req (q) %s µs, (r) %s µs\n' \
            "$(fmt_int "$QR")" "$(fmt_ms "$(med q 3)")" "$(fmt_ms "$(med q 4)")" "$(fmt_int "$RR")" "$(fmt_ms "$(med r 3)")" "$(fmt_ms "$(med r 4)")" \
            "$R" "$(med q 14)" "$(med r 14)"
        printf '    lectern bench-quiz-seed --learners %s: %s attempts (%s submitted with %s answers, %s in progress) in %s s; every request submits another learner'"'"'s attempt (10 questions: single, multiple, true/false, numeric, short), lectern serve --sync full\n' \
            "$(fmt_int "$Q_LEARNERS")" "$(fmt_int "$Q_ATTEMPTS")" "$(fmt_int "$Q_LEARNERS")" "$(fmt_int "$Q_ANSWERS")" "$(fmt_int "$Q_LEARNERS")" "$Q_SEED_WALL"
        printf '    (r) = POST /api/v1/orgs/benchq/events?dry_run=1 with the same learners'"'"' cookies and X-CSRF-Tokens: authenticated, CSRF-checked, parsed, nothing stored\n'
        printf '    raw SQLite (WAL, synchronous=FULL, a copy of the seeded database): %s submissions/s, each one transaction with the attempt UPDATE, 10 answers, a ledger entry and head | (q) / raw %s×\n' \
            "$(fmt_int "$SQ_QUIZ")" "$(ratio "$QR" "$SQ_QUIZ")"
        printf '    rows check: %s attempts submitted during (q) vs %s 200s counted by wrk: %s; other statuses %s; assessment.attempt ledger entries %s\n' \
            "$(fmt_int "$Q_ADDED")" "$(fmt_int "$Q200")" "$Q_OK" "$QOTHER" "$QLEDGER"
        YR=$(med y 2)
        printf '(y) survey    lectern %s responses/s p50 %s p99 %s | (r) no-op POST %s req/s | ratio %s× (no goal set) | server CPU/req (y) %s µs, (r) %s µs\n' \
            "$(fmt_int "$YR")" "$(fmt_ms "$(med y 3)")" "$(fmt_ms "$(med y 4)")" "$(fmt_int "$RR")" "$(ratio "$YR" "$RR")" "$(med y 14)" "$(med r 14)"
        printf '    every request is another learner'"'"'s answers to the run'"'"'s satisfaction survey (7 questions): the response, its answers and a survey.response ledger entry in one transaction; rows check: %s responses added vs %s 201s: %s; other statuses %s; survey.response ledger entries %s\n' \
            "$(fmt_int "$((YSUB1 - YSUB0))")" "$(fmt_int "$Y201")" "$Y_OK" "$YOTHER" "$YLEDGER"
    fi
    if want gradebook; then
        echo
        printf 'gradebook: lectern bench-seed-gradebook: %s learners, %s quizzes and an assignment, %s finished attempts, in %s s; as the trainer, wrk -c%s, %s s runs\n' \
            "$(fmt_int "$GB_LEARNERS")" "$GB_QUIZZES" "$(fmt_int "$GB_ATTEMPTS")" "$GB_SEED_SECONDS" "$GB_CONNS" "$GB_DUR"
        for k in j k; do
            lr=$(med "$k-lectern" 2); nr=$(med "$k-nginx" 2)
            [ "$k" = j ] && what="page (first 100 of $(fmt_int "$GB_LEARNERS"), $(fmt_int "$J_BYTES") bytes)" \
                         || what="CSV (every learner, $(fmt_int "$K_BYTES") bytes)"
            printf '(%s) gradebook %s: lectern %s req/s p50 %s p99 %s | nginx, same bytes, %s req/s p50 %s p99 %s | ratio %s× | raw SQLite, the same %s rows read by C (1 thread) %s gradebooks/s | lectern / raw %s× | server CPU/req lectern %s µs, nginx %s µs\n' \
                "$k" "$what" "$(awk -v v="$lr" 'BEGIN { printf "%.1f", v }')" "$(fmt_ms "$(med "$k-lectern" 3)")" "$(fmt_ms "$(med "$k-lectern" 4)")" \
                "$(fmt_int "$nr")" "$(fmt_ms "$(med "$k-nginx" 3)")" "$(fmt_ms "$(med "$k-nginx" 4)")" \
                "$(awk -v a="$lr" -v b="$nr" 'BEGIN { if (b > 0) printf "%.5f", a / b; else print "n/a" }')" \
                "$(fmt_int "$RAW_ROWS")" "$RAW_MED" "$(ratio "$lr" "$RAW_MED")" "$(med "$k-lectern" 14)" "$(med "$k-nginx" 14)"
        done
        echo "    raw runs (gradebooks/s): $RAW_GB; no goal set"
    fi
    if want certificate; then
        echo
        WR=$(med w 2); WB=$(echo "$CERT_BARE" | median); WCPU=$(awk -v v="$(med w 14)" 'BEGIN { printf "%.1f", v / 1000 }')
        WBCPU=$(echo "$CERT_BARE_CPU" | median)
        printf 'certificate: the demo'"'"'s certificate of Élodie (21 min), issued through the API, then a checkpoint\n'
        printf '(w) certificate PDF  GET %s as the admin, one connection: %s PDFs/s p50 %s p99 %s | bare cairo+pango, same page, one thread: %s PDFs/s | ratio %s× (no goal set) | CPU per PDF: lectern (server) %s ms, bare %s ms, ratio bare/lectern %s×\n' \
            "/o/demo/certificates/ID/certificate.pdf" "$(awk -v v="$WR" 'BEGIN { printf "%.1f", v }')" "$(fmt_ms "$(med w 3)")" "$(fmt_ms "$(med w 4)")" \
            "$WB" "$(ratio "$WR" "$WB")" "$WCPU" "$WBCPU" "$(ratio "$WBCPU" "$WCPU")"
        printf '    1 A4 page; lectern %s bytes, bare %s bytes; %s; bare runs (PDFs/s): %s, CPU ms per PDF: %s\n' \
            "$(fmt_int "$CERT_BYTES")" "$(fmt_int "$CERT_BARE_BYTES")" "$CERT_CHECK" "$CERT_BARE" "$CERT_BARE_CPU"
        xl=$(med x-lectern 2); xn=$(med x-nginx 2)
        printf '(x) verification page  GET /verify/certificates/ID (%s bytes; the row against its entry, the chain to the checkpoint and its signature), -c%s: lectern %s req/s p50 %s p99 %s | nginx, same bytes, %s req/s p50 %s p99 %s | ratio %s× (no goal set) | server CPU/req lectern %s µs, nginx %s µs\n' \
            "$(fmt_int "$CERT_VERIFY_BYTES")" "$CERT_CONNS" "$(fmt_int "$xl")" "$(fmt_ms "$(med x-lectern 3)")" "$(fmt_ms "$(med x-lectern 4)")" \
            "$(fmt_int "$xn")" "$(fmt_ms "$(med x-nginx 3)")" "$(fmt_ms "$(med x-nginx 4)")" "$(ratio "$xl" "$xn")" \
            "$(med x-lectern 14)" "$(med x-nginx 14)"
    fi
    if want xapi; then
        echo
        ZR=$(awk -v v="$(med z 2)" -v b="$XA_BATCH" 'BEGIN { printf "%.0f", v * b }'); ZB=$(echo "$XA_RAW" | median)
        ZCPU=$(awk -v v="$(med z 14)" -v b="$XA_BATCH" 'BEGIN { printf "%.1f", v / b }')
        printf 'xapi: the demo'"'"'s LRS, a trainer'"'"'s token over HTTP Basic, lectern serve --sync full\n'
        printf '(z) xAPI statements  POST /xapi/statements, %s per request, -c%s: %s statements/s (%s req/s) p50 %s p99 %s | sqlite_insert xapi, the same rows in batches of %s: %s rows/s | ratio %s× (no goal set) | server CPU per statement %s µs\n' \
            "$XA_BATCH" "$XA_CONNS" "$(fmt_int "$ZR")" "$(awk -v v="$(med z 2)" 'BEGIN { printf "%.1f", v }')" \
            "$(fmt_ms "$(med z 3)")" "$(fmt_ms "$(med z 4)")" "$XA_BATCH" "$(fmt_int "$ZB")" "$(ratio "$ZR" "$ZB")" "$ZCPU"
        printf '    every statement checked, stored with its ledger entry, committed before the answer; rows added %s = 200s × %s (%s); lectern verify: %s; raw runs (rows/s): %s\n' \
            "$(fmt_int "$XROWS")" "$XA_BATCH" "$(fmt_int $((X200 * XA_BATCH)))" "$(head -c 120 "$T/xapi-verify.txt" | tr '\n' ' ')" "$XA_RAW"
    fi
    if want forum; then
        echo
        printf 'forum: lectern bench-seed-forum: %s threads, %s posts (one thread of %s replies), %s posters, in %s s (wall %s s); pages and search at wrk -c%s, %s s runs; lectern --sync full\n' \
            "$(fmt_int "$FB_THREADS")" "$(fmt_int "$FB_POSTS")" "$(fmt_int "$FB_BIG_REPLIES")" "$(fmt_int "$FB_POSTERS")" "$FB_SEED_SECONDS" "$FB_SEED_WALL" "$FB_CONNS" "$FB_DUR"
        for k in l m; do
            lr=$(med "$k-lectern" 2); nr=$(med "$k-nginx" 2)
            [ "$k" = l ] && what="thread page ($L_POSTS posts, $(fmt_int "$L_BYTES") bytes)" \
                         || what="forum index ($M_ROWS threads listed, $(fmt_int "$M_BYTES") bytes)"
            printf '(%s) %s: lectern %s req/s p50 %s p99 %s | nginx, same bytes, %s req/s p50 %s p99 %s | ratio %s× | server CPU/req lectern %s µs, nginx %s µs\n' \
                "$k" "$what" "$(awk -v v="$lr" 'BEGIN { printf "%.1f", v }')" "$(fmt_ms "$(med "$k-lectern" 3)")" "$(fmt_ms "$(med "$k-lectern" 4)")" \
                "$(fmt_int "$nr")" "$(fmt_ms "$(med "$k-nginx" 3)")" "$(fmt_ms "$(med "$k-nginx" 4)")" \
                "$(awk -v a="$lr" -v b="$nr" 'BEGIN { if (b > 0) printf "%.4f", a / b; else print "n/a" }')" "$(med "$k-lectern" 14)" "$(med "$k-nginx" 14)"
        done
        NR=$(echo "$N_RAW" | median); NL=$(med n 2); OL=$(med o 2)
        N201=$(sum n 9); NOTHER=$(( $(sum n 10) + $(sum n 11) ))
        NRUNS=$(awk '$1 == "n" || $1 == "n-warm"' "$T/runs.txt" | wc -l)
        N_IN=$(( FP1 - FP0 - N201 ))
        if [ "$N_IN" = 0 ]; then N_OK="ok (exact)"
        elif [ "$N_IN" -gt 0 ] && [ "$N_IN" -le $((CONNS * NRUNS)) ]; then N_OK="ok (+$N_IN for requests in flight when wrk stopped)"
        else N_OK="MISMATCH"; fi
        printf '(n) posting a reply at -c%s: lectern %s posts/s p50 %s p99 %s | (o) no-op POST %s req/s p50 %s | ratio %s× | raw SQLite, the rows of one reply per transaction (1 thread, synchronous=FULL): %s posts/s, ratio %s× | server CPU/req (n) %s µs, (o) %s µs\n' \
            "$CONNS" "$(fmt_int "$NL")" "$(fmt_ms "$(med n 3)")" "$(fmt_ms "$(med n 4)")" "$(fmt_int "$OL")" "$(fmt_ms "$(med o 3)")" \
            "$(ratio "$NL" "$OL")" "$(fmt_int "$NR")" "$(ratio "$NL" "$NR")" "$(med n 14)" "$(med o 14)"
        printf '    rows check: %s posts added vs %s 201s counted by wrk: %s; other statuses %s; raw runs (posts/s): %s\n' \
            "$(fmt_int $((FP1 - FP0)))" "$(fmt_int "$N201")" "$N_OK" "$NOTHER" "$N_RAW"
        P_RAW50=$(echo "$P_RAW" | awk '{ print $9 }' | median); P_RAW99=$(echo "$P_RAW" | awk '{ print $11 }' | median)
        printf '(p) search over %s posts (q = kalomi, ruvo, kalomi sarumi in turn) at -c1: lectern %s req/s p50 %s p99 %s, server CPU/req %s µs | raw: the same statement from C (1 thread) %s queries/s p50 %s p99 %s | p50 ratio raw/lectern %s\n' \
            "$(fmt_int "$FB_POSTS")" "$(awk -v v="$(med p 2)" 'BEGIN { printf "%.1f", v }')" "$(fmt_ms "$(med p 3)")" "$(fmt_ms "$(med p 4)")" "$(med p 14)" \
            "$(echo "$P_RAW" | awk '{ print $7 }' | median)" "$(fmt_ms "$P_RAW50")" "$(fmt_ms "$P_RAW99")" "$(ratio "$P_RAW50" "$(med p 3)")"
    fi
    if want signers || want sheetpdf || want verify; then
        echo
    fi
    if want signers; then
        sm() { awk -v f="$1" '$1 == "s" { print $f }' "$T/sign.txt" | median; }
        SR=$(sm 9); SP99=$(sm 7); SRAW=$(echo "$SIGN_SQ" | median)
        S_ROWS_OK=$(awk '$1 == "s" || $1 == "s-warm" { if ($2 != $3 || $4 != 0) bad++; if ($8 >= 60) slow++ }
            END { if (bad) print "MISMATCH in " bad " round(s)"; else print "ok"; if (slow) print " (" slow " round(s) over a minute)" }' "$T/sign.txt" | tr -d '\n')
        printf '(s) signers   %s learners sign one session by their personal links (signed out, POST /sign/TOKEN, -c%s): %s signatures/s (first to last signature), all in %s s, p50 %s p99 %s | raw SQLite %s signatures/s | ratio %s× (no goal set) | goal: %s signatures within a minute %s | server CPU/signature %s µs\n' \
            "$(fmt_int "$ATT_LEARNERS")" "$SIGN_CONNS" "$(fmt_int "$SR")" "$(sm 8)" "$(fmt_ms "$(sm 6)")" "$(fmt_ms "$SP99")" \
            "$(fmt_int "$SRAW")" "$(ratio "$SR" "$SRAW")" "$(fmt_int "$ATT_LEARNERS")" "$(VERDICT lt "$(sm 8)" 60)" "$(sm 10)"
        printf '    raw SQLite (WAL, synchronous=FULL, a copy of the seeded database): one transaction per signature with the link UPDATE, the signature row, a ledger entry and the head; runs %s\n' "$SIGN_SQ"
        printf '    checks: rows = 200s counted by wrk in every round (warm-up included), no other status: %s; signatures of benchatt %s = attendance.signature ledger entries %s: %s; lectern verify: %s\n' \
            "$S_ROWS_OK" "$(fmt_int "$S_SIGS")" "$(fmt_int "$S_LEDGER")" "$([ "$S_SIGS" = "$S_LEDGER" ] && echo ok || echo MISMATCH)" "$S_VERIFY"
        printf '    rounds (name rows 200s other timeouts p50_ms p99_ms span_s sigs/s cpu_us/sig other_cores wall_s): %s\n' \
            "$(tr '\n' ';' < "$T/sign.txt" | sed 's/;$//; s/;/; /g')"
    fi
    if want sheetpdf; then
        PR=$(med t 2); PB=$(echo "$SHEET_BARE" | median); PCPU=$(awk -v v="$(med t 14)" 'BEGIN { printf "%.1f", v / 1000 }')
        PBCPU=$(echo "$SHEET_BARE_CPU" | median)
        printf '(t) sheetpdf  GET %s as the trainer, one connection: %s sheets/s p50 %s p99 %s | bare cairo+pango, same page, one thread: %s sheets/s | ratio %s× (no goal set) | CPU per sheet: lectern (server) %s ms, bare %s ms, ratio bare/lectern %s×\n' \
            "$SHEET_PATH" "$(awk -v v="$PR" 'BEGIN { printf "%.1f", v }')" "$(fmt_ms "$(med t 3)")" "$(fmt_ms "$(med t 4)")" "$PB" "$(ratio "$PR" "$PB")" \
            "$PCPU" "$PBCPU" "$(ratio "$PBCPU" "$PCPU")"
        printf '    %s learners and the trainer signed, 3 A4 pages; lectern %s bytes, bare %s bytes; %s; bare runs (sheets/s): %s, CPU ms per sheet: %s\n' \
            "$ATT_SHEET_LEARNERS" "$(fmt_int "$SHEET_BYTES")" "$(fmt_int "$SHEET_BARE_BYTES")" "$SHEET_CHECK" "$SHEET_BARE" "$SHEET_BARE_CPU"
    fi
    if want verify; then
        VR=$(echo "$V_RATES" | median); VRAW=$(echo "$V_RAW" | median); VH=$(echo "$V_HASH" | median)
        VRC=$(echo "$V_RATES_CPU" | median); VRAWC=$(echo "$V_RAW_CPU" | median)
        printf '(v) verify    lectern verify, %s entries: %s entries/s (%s s) | bare C, same rows read and SHA-256 recomputed: %s entries/s | ratio %s× (no goal set) | per CPU second: lectern %s, bare %s entries, ratio %s× | SHA-256 alone %s entries/s\n' \
            "$(fmt_int "$LEDGER_N")" "$(fmt_int "$VR")" "$(awk -v n="$LEDGER_N" -v r="$VR" 'BEGIN { printf "%.1f", (r > 0 ? n / r : 0) }')" \
            "$(fmt_int "$VRAW")" "$(ratio "$VR" "$VRAW")" "$(fmt_int "$VRC")" "$(fmt_int "$VRAWC")" "$(ratio "$VRC" "$VRAWC")" "$(fmt_int "$VH")"
        printf '    lectern bench-attendance-seed --ledger %s: %s s, database %s MB; runs (entries/s) lectern %s, bare %s; cores used by lectern verify: %s, by other processes meanwhile: %s\n' \
            "$LEDGER_N" "$V_SEED_WALL" "$(fmt_int "$V_DB_MB")" "$V_RATES" "$V_RAW" "$V_CPU" "$V_OTHER"
    fi
    if [ -s "$T/runs.txt" ]; then
    echo
    RUNS=""
    if want core; then
        RUNS="a lectern $(spread a-lectern), nginx $(spread a-nginx), mhd_bare $(spread a-mhd); b lectern $(spread b-lectern), nginx $(spread b-nginx); c $(spread c)$([ "$DRY_OK" = 1 ] && echo "; d $(spread d)")"
    fi
    want range && RUNS+="${RUNS:+; }e lectern $(spread e-lectern), nginx $(spread e-nginx)"
    want beat && RUNS+="${RUNS:+; }f $(spread f); g $(spread g)"
    want search && RUNS+="${RUNS:+; }h page $(spread h-page), api $(spread h-api)"
    want dashboard && RUNS+="${RUNS:+; }i page $(spread i-page), api $(spread i-api)"
    want quiz && RUNS+="${RUNS:+; }q $(spread q); r $(spread r); y $(spread y)"
    want sheetpdf && RUNS+="${RUNS:+; }t $(spread t)"
    want certificate && RUNS+="${RUNS:+; }w $(spread w); x lectern $(spread x-lectern), nginx $(spread x-nginx)"
    want xapi && RUNS+="${RUNS:+; }z $(spread z)"
    want gradebook && RUNS+="${RUNS:+; }j lectern $(spread j-lectern), nginx $(spread j-nginx); k lectern $(spread k-lectern), nginx $(spread k-nginx)"
    want forum && RUNS+="${RUNS:+; }l lectern $(spread l-lectern), nginx $(spread l-nginx); m lectern $(spread m-lectern), nginx $(spread m-nginx); n $(spread n); o $(spread o); p $(spread p)"
    echo "runs (req/s min–max): $RUNS"
    SIZES=""
    want core && SIZES="healthz lectern $SZ_HL, nginx $SZ_HN, mhd_bare $SZ_HM; page ($PAGE_BYTES-byte body) lectern $SZ_PL, nginx $SZ_PN"
    want range && SIZES+="${SIZES:+; }1 MiB range lectern $SZ_RL, nginx $SZ_RN"
    echo "response sizes (header+body bytes): $SIZES"
    # Checks on every run: keep-alive held, no socket errors, no unexpected statuses.
    awk -v conns="$CONNS" '
        { name = $1; if (name ~ /-warm$/) { sub(/-warm$/, "", name); warm = 1 } else warm = 0
          want = $15 != "" ? $15 : conns; wc[name] = want
          n[name]++; err[name] += $7; bad[name] += $6
          if (!warm) { oc[name, ++on[name]] = $12 } }
        function med(x,   i, j, t, m) { m = on[x]; for (i = 1; i <= m; i++) v[i] = oc[x, i]
            for (i = 2; i <= m; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
            return m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2 }
        {
          if ($8 >= 0 && $13 >= 0) { ka[name] = 1; if (!(name in minkept) || $8 < minkept[name]) minkept[name] = $8; if ($13 < want) short[name]++ }
          if (!warm && $12 > maxo[name]) maxo[name] = $12 }
        name == "d" || name == "f" || name == "g" || name == "q" || name == "r" || name == "o" { bad[name] += $9 + $11 }   # 200 only
        name == "n" || name == "y" { bad[name] += $10 + $11 }  # (n) and (y) must answer 201 only
        name == "c" { bad[name] += $10 + $11 }  # (c) must answer 201 only
        END {
            problems = ""; k = ""; o = ""
            m = split("a-lectern a-nginx a-mhd b-lectern b-nginx c d e-lectern e-nginx f g h-page h-api h-page-c1 h-api-c1 i-page i-api i-page-c1 i-api-c1 q r j-lectern j-nginx k-lectern k-nginx l-lectern l-nginx m-lectern m-nginx n o p t w x-lectern x-nginx y", order, " ")
            for (i = 1; i <= m; i++) { x = order[i]; if (!(x in n)) continue
                if (x in ka) k = k sprintf("%s%s %d/%d", k == "" ? "" : ", ", x, minkept[x], wc[x])
                o = o sprintf("%s%s %.2f (%.2f)", o == "" ? "" : ", ", x, med(x), maxo[x])
                if ((x in ka) && minkept[x] < wc[x]) problems = problems sprintf(" %s: keep-alive not held (only %d of %d connections lasted a run);", x, minkept[x], wc[x])
                if (short[x]) problems = problems sprintf(" %s: fewer than %d connections open in %d run(s);", x, wc[x], short[x])
                if (err[x] > 0) problems = problems sprintf(" %s: %d socket errors;", x, err[x])
                if (bad[x] > 0) problems = problems sprintf(" %s: %d unexpected responses (non-2xx, or not the one expected status);", x, bad[x])
                if (med(x) > 0.2) busy = 1 }
            if (k != "") printf "checks: wrk connections that lasted the whole run (min over runs / opened): %s\n", k
            else print "checks: keep-alive not checked (ss is not installed)"
            print "checks: " (problems == "" ? "no socket errors, no non-2xx responses, keep-alive held" : "PROBLEMS:" problems)
            printf "CPU used by other processes during the measured runs, median (max), in cores of %d: %s%s\n", ENVIRON["NPROC"], o, busy ? " — the machine was not quiet: figures disturbed" : " — quiet"
        }' "$T/runs.txt"
    # Who the other CPU was (kernel threads such as ksoftirqd, kworker or jbd2
    # partly work for our own processes: loopback packets, fsync).
    awk 'FNR == NR { if ($1 !~ /-warm$/) wall += $2; next }
         $1 !~ /-warm$/ { if ($2 == "__all__") all += $3; else { by[$2] += $3; named += $3 } }
         END { n = 0; for (c in by) { top[++n] = c }
               for (i = 2; i <= n; i++) { t = top[i]; for (j = i - 1; j >= 1 && by[top[j]] < by[t]; j--) top[j + 1] = top[j]; top[j + 1] = t }
               s = ""; for (i = 1; i <= n && i <= 6; i++) s = s sprintf("%s%s %.2f", i > 1 ? ", " : "", top[i], by[top[i]] / ENVIRON["HZ"] / wall)
               rest = all - named; if (rest < 0) rest = 0
               s = s sprintf("%sshort-lived/unattributed %.2f", s == "" ? "" : ", ", rest / ENVIRON["HZ"] / wall)
               print "other CPU by process, average over the measured runs, in cores: " s }' \
        "$T/walls.txt" "$T/others.txt" 2>/dev/null || true
    fi
    echo "took $(( $(date +%s) - T_START )) s in all$(want core && echo ", core ${ELAPSED} s of benchmarking")$([ "$COURSES" = 1 ] && echo ", courses ${C_ELAPSED:-0} s after seeding")$(want quiz && echo ", quiz seeding ${Q_SEED_WALL} s")$(want gradebook && echo ", gradebook ${GB_ELAPSED:-0} s")$(want forum && echo ", forum ${FB_ELAPSED:-0} s")$( (want signers || want sheetpdf) && echo ", signers/sheetpdf ${A_ELAPSED:-0} s")$(want verify && echo ", verify ${V_ELAPSED:-0} s (seeding ${V_SEED_WALL} s)")$(want certificate && echo ", certificate ${CT_ELAPSED:-0} s")$(want xapi && echo ", xapi ${XA_ELAPSED:-0} s"); all runs: ${OUT_DIR#$ROOT/}/runs.txt"
} > "$T/table.txt"

mkdir -p "$OUT_DIR"
cp "$T/table.txt" "$OUT_DIR/latest.txt"
{ echo "# name rps p50_ms p99_ms requests non2xx socket_errors kept status201 status200 status_other other_cores conns server_cpu_us_per_req wrk_conns"; cat "$T/runs.txt"; } > "$OUT_DIR/runs.txt"
cat "$T/table.txt"
