#!/usr/bin/env bash
# Build the egret guest test programs and record the oracle (qemu-aarch64)
# output for every case in cases.txt.
#
#   guest-images/build.sh              build bin/* and regenerate expected/*
#   guest-images/build.sh --no-oracle  only build bin/*
#   guest-images/build.sh --check      build, then run every case and compare
#                                      against the existing expected/* files
#
# Environment overrides: CC (aarch64-linux-gnu-gcc), STRIP
# (aarch64-linux-gnu-strip), QEMU (qemu-aarch64; may include options).
# Per-file extra compiler flags: a line "// EGRET-CFLAGS: <flags>" in a source.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
BENCH="$(cd "$(dirname "$0")/../../shared/bench" && pwd)"
CC="${CC:-aarch64-linux-gnu-gcc}"
STRIP="${STRIP:-aarch64-linux-gnu-strip}"
# QEMU may contain options, e.g. QEMU="qemu-aarch64 -cpu cortex-a53"; it can also
# name another runner with the same "RUNNER PROGRAM ARGS..." interface (egret).
read -r -a QEMU_CMD <<<"${QEMU:-qemu-aarch64}"
SRC="$HERE/src"
BIN="$HERE/bin"
EXP="$HERE/expected"
CASES="$HERE/cases.txt"

mode=record
case "${1:-}" in
    "") ;;
    --no-oracle) mode=none ;;
    --check) mode=check ;;
    *) echo "usage: $0 [--no-oracle|--check]" >&2; exit 2 ;;
esac

extra_cflags() {
    # Print the flags from an optional "// EGRET-CFLAGS: ..." line.
    sed -n 's|^[[:space:]]*//[[:space:]]*EGRET-CFLAGS:[[:space:]]*||p' "$1" | head -n 1
}

compile_c() { # out src
    local flags
    flags="$(extra_cflags "$2")"
    # shellcheck disable=SC2086
    "$CC" -static -O2 $flags -o "$1" "$2" -lm
    "$STRIP" "$1"
}

# ---- build ----------------------------------------------------------------
rm -rf "$BIN"
mkdir -p "$BIN"
for src in "$SRC"/*.c; do
    name="$(basename "$src" .c)"
    echo "CC   bin/$name"
    compile_c "$BIN/$name" "$src"
done
for src in "$SRC"/*.S; do
    [ -e "$src" ] || continue
    name="$(basename "$src" .S)"
    echo "AS   bin/$name"
    # risu keeps its symbols: `egret isa` reads the test page and scratch addresses from them.
    # Its test page is writable and executable on purpose.
    if [ "$name" = risu ]; then
        "$CC" -static -nostdlib -Wl,--no-warn-rwx-segments -o "$BIN/$name" "$src"
    else
        "$CC" -static -nostdlib -o "$BIN/$name" "$src"
        "$STRIP" "$BIN/$name"
    fi
done
for src in "$BENCH"/*.c; do
    name="bench-$(basename "$src" .c)"
    echo "CC   bin/$name"
    compile_c "$BIN/$name" "$src"
done

[ "$mode" = none ] && exit 0

# ---- run cases under the oracle ---------------------------------------------
ulimit -c 0 # qemu-user would otherwise drop guest core files for signal deaths

# run_case NAME OUT_STDOUT OUT_STATUS TOKENS... ; TOKENS = [env:V=X ...] PROG ARGS
run_case() {
    local name="$1" out="$2" st="$3"
    shift 3
    local envs=()
    while [ $# -gt 0 ] && [[ "$1" == env:* ]]; do
        envs+=("${1#env:}")
        shift
    done
    if [ $# -eq 0 ]; then echo "case $name: no program" >&2; return 1; fi
    local prog="$BIN/$1"
    shift
    if [ ! -x "$prog" ]; then echo "case $name: missing program $prog" >&2; return 1; fi
    # The inner shell reports (and we discard) "Segmentation fault" messages.
    local rc
    rc=$({
        env -i ${envs[@]+"${envs[@]}"} "${QEMU_CMD[@]}" "$prog" "$@" </dev/null >"$out" 2>/dev/null
        echo $?
    } 2>/dev/null)
    echo "$rc" >"$st"
}

failed=0
ncases=0
if [ "$mode" = record ]; then
    rm -rf "$EXP"
    mkdir -p "$EXP"
fi
tmpd="$(mktemp -d)"
trap 'rm -rf "$tmpd"' EXIT
# shellcheck disable=SC2094
while read -r -a tok; do
    [ ${#tok[@]} -eq 0 ] && continue
    [[ "${tok[0]}" == \#* ]] && continue
    name="${tok[0]}"
    ncases=$((ncases + 1))
    if [ "$mode" = record ]; then
        run_case "$name" "$EXP/$name.stdout" "$EXP/$name.status" "${tok[@]:1}"
        printf 'RUN  %-14s status %s\n' "$name" "$(cat "$EXP/$name.status")"
    else
        run_case "$name" "$tmpd/$name.stdout" "$tmpd/$name.status" "${tok[@]:1}"
        if cmp -s "$tmpd/$name.stdout" "$EXP/$name.stdout" && cmp -s "$tmpd/$name.status" "$EXP/$name.status"; then
            printf 'OK   %s\n' "$name"
        else
            printf 'FAIL %s\n' "$name"
            failed=$((failed + 1))
        fi
    fi
done <"$CASES"

echo "$ncases cases, $failed failed"
[ "$failed" -eq 0 ]
