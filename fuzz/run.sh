#!/usr/bin/env bash
# fuzz/run.sh — build every fuzz/fuzz_*.c with libFuzzer, AddressSanitizer
# and UndefinedBehaviorSanitizer, run each for FUZZ_SECONDS (default 60) on a
# copy of its seed corpus, print one line per target, and exit non-zero when
# a target does not build or finds a crash.
#
#   bash fuzz/run.sh                      every target
#   FUZZ_SECONDS=600 bash fuzz/run.sh fuzz_multipart
#   FUZZ_FLAGS="-max_len=65536" bash fuzz/run.sh
#
# Everything goes to build/fuzz/: binaries, <target>.log, the working corpus
# (build/fuzz/corpus/<target>, so the committed seeds in fuzz/corpus never
# grow) and crash inputs (build/fuzz/artifacts/).  Replay a crash with
#   build/fuzz/<target> build/fuzz/artifacts/<target>-crash-...
set -uo pipefail
cd "$(dirname "$0")/.."

SECS=${FUZZ_SECONDS:-60}
OUT=build/fuzz
CC=${FUZZ_CC:-$(command -v clang || command -v clang-14 || echo clang)}
CFLAGS=(-g -O1 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Isrc)
SAN=(-fsanitize=address,undefined -fno-sanitize-recover=undefined)
# shellcheck disable=SC2207
PKGS="libmicrohttpd jansson libsodium sqlite3 libpq libcurl zlib md4c libmagic libarchive libqrencode cairo pangocairo"
# shellcheck disable=SC2207
PKG_CFLAGS=($(pkg-config --cflags $PKGS 2>/dev/null) -Ibuild/gen)
# shellcheck disable=SC2207
PKG_LIBS=($(pkg-config --libs $PKGS 2>/dev/null))

# Library sources the targets link with, those that exist.
# The whole library but the CLI's main(): fuzz_request drives every handler.
# An archive member is linked only when a target needs it, so fuzz_route's
# own route table wins over src/http/routes.c.
lib_sources() {
    make -s build/gen/embed.c >/dev/null
    find src -name '*.c' ! -path src/cli/main.c | sort
    echo build/gen/embed.c
}

# Compile the library once, instrumented, into an archive: a target pulls in
# only the objects it uses (src/core/embed.c needs generated data no fuzz
# target wants).
build_lib() {
    local src obj objs=()
    mkdir -p "$OUT/obj"
    for src in $(lib_sources); do
        obj="$OUT/obj/$(echo "${src#src/}" | tr / _).o"
        if ! "$CC" "${CFLAGS[@]}" "${PKG_CFLAGS[@]}" "${SAN[@]}" -fsanitize=fuzzer-no-link \
                -c "$src" -o "$obj" 2>"$obj.log"; then
            echo "FAIL  library: $src does not compile (see $obj.log)"
            cat "$obj.log" >&2
            return 1
        fi
        objs+=("$obj")
    done
    rm -f "$OUT/liblectern-fuzz.a"
    ar rcs "$OUT/liblectern-fuzz.a" "${objs[@]}"
}

build_target() {
    local t=$1
    "$CC" "${CFLAGS[@]}" "${PKG_CFLAGS[@]}" "${SAN[@]}" -fsanitize=fuzzer \
        "fuzz/$t.c" "$OUT/liblectern-fuzz.a" "${PKG_LIBS[@]}" -lm -lpthread \
        -o "$OUT/$t" >"$OUT/$t.build.log" 2>&1
}

# Run one target on a fresh copy of its seeds; prints its result line.
run_target() {
    local t=$1 corpus="$OUT/corpus/$t" log="$OUT/$t.log" rc execs
    rm -rf "$corpus"
    mkdir -p "$corpus" "$OUT/artifacts"
    [ -d "fuzz/corpus/$t" ] && cp -R "fuzz/corpus/$t/." "$corpus/"
    # shellcheck disable=SC2086
    "$OUT/$t" -max_total_time="$SECS" -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$OUT/artifacts/$t-" ${FUZZ_FLAGS:-} "$corpus" >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    if [ "$rc" -eq 0 ]; then
        printf 'PASS  %-18s %12s executions in %ss\n' "$t" "${execs:-?}" "$SECS"
        return 0
    fi
    printf 'FAIL  %-18s exit %s after %s executions; see %s and %s/artifacts/\n' \
        "$t" "$rc" "${execs:-?}" "$log" "$OUT"
    grep -m 3 -E 'ERROR: |runtime error|SUMMARY' "$log" | sed 's/^/      /'
    return 1
}

main() {
    local targets=() t failed=0
    if [ $# -gt 0 ]; then
        targets=("$@")
    else
        for t in fuzz/fuzz_*.c; do
            [ -f "$t" ] && targets+=("$(basename "$t" .c)")
        done
    fi
    [ ${#targets[@]} -gt 0 ] || { echo "no fuzz targets in fuzz/"; return 1; }
    mkdir -p "$OUT"
    build_lib || return 1
    for t in "${targets[@]}"; do
        if ! build_target "$t"; then
            echo "FAIL  $t does not build (see $OUT/$t.build.log)"
            failed=1
            continue
        fi
        run_target "$t" || failed=1
    done
    return $failed
}

main "$@"
