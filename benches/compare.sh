#!/usr/bin/env bash
# Times nixeval against nix-instantiate (CppNix) on the benchmark inputs and prints, for each,
# the wall-clock times, the speed-up, and both peak memory sizes; then the geometric mean.
# Usage: benches/compare.sh [RUNS]   (default 3; the best run of each is kept)
#        benches/compare.sh --instructions
#   counts executed instructions with valgrind (callgrind) instead of timing: slow, but
#   independent of the machine's load, so small changes can be compared on a busy machine.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=time
if [ "${1:-}" = "--instructions" ]; then
    mode=instructions
    command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)"; exit 2; }
    shift
fi
runs=${1:-3}
cargo build --release -q
nixeval=target/release/nixeval
command -v nix-instantiate >/dev/null || { echo "nix-instantiate is not installed (apt-get install nix-bin)"; exit 2; }
gen=$(mktemp -d)
trap 'rm -rf "$gen"' EXIT
sh benches/nix/parse/gen.sh "$gen/parse-generated.nix" >/dev/null
files=$(ls benches/nix/{calls,attrs,lists,strings}/*.nix; echo "$gen/parse-generated.nix")

best() { # best wall time (s, millisecond resolution) and max RSS (KiB) over $runs runs of "$@"
    local t m t0 t1 bt=999999 bm=0
    for _ in $(seq "$runs"); do
        t0=$EPOCHREALTIME
        /usr/bin/time -o "$gen/time" -f "%M" "$@" >/dev/null 2>&1 || true
        t1=$EPOCHREALTIME
        read -r m < "$gen/time"
        t=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b - a}')
        bt=$(awk -v a="$t" -v b="$bt" 'BEGIN{print (a<b)?a:b}')
        bm=$m
    done
    echo "$bt $bm"
}

instructions() { # instructions executed by "$@" (all threads)
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null | awk '/Collected/ {print $4}'
}

if [ "$mode" = instructions ]; then
    printf '%-28s %15s %15s %8s\n' file nix-inst nixeval ratio
    logsum=0; n=0
    for f in $files; do
        a=$(NIX_REMOTE=dummy:// instructions nix-instantiate --eval --strict "$f")
        b=$(instructions "$nixeval" eval --strict "$f")
        ratio=$(awk -v a="$a" -v b="$b" 'BEGIN{printf "%.2f", a/b}')
        printf '%-28s %15s %15s %7sx\n' "$(basename "$f")" "$a" "$b" "$ratio"
        logsum=$(awk -v s="$logsum" -v r="$ratio" 'BEGIN{print s + log(r)}')
        n=$((n + 1))
    done
    awk -v s="$logsum" -v n="$n" 'BEGIN{printf "geometric mean of instruction ratios: %.2fx\n", exp(s/n)}'
    exit 0
fi

printf '%-28s %9s %9s %8s %10s %10s\n' file nix-inst nixeval speedup nix-KiB ours-KiB
logsum=0; n=0
for f in $files; do
    read -r tn mn < <(best env NIX_REMOTE=dummy:// nix-instantiate --eval --strict "$f")
    read -r to mo < <(best "$nixeval" eval --strict "$f")
    ratio=$(awk -v a="$tn" -v b="$to" 'BEGIN{ if (b < 0.001) b = 0.001; printf "%.2f", a/b }')
    printf '%-28s %9s %9s %7sx %10s %10s\n' "$(basename "$f")" "$tn" "$to" "$ratio" "$mn" "$mo"
    logsum=$(awk -v s="$logsum" -v r="$ratio" 'BEGIN{print s + log(r)}')
    n=$((n + 1))
done
awk -v s="$logsum" -v n="$n" 'BEGIN{printf "geometric mean speed-up: %.2fx\n", exp(s/n)}'
