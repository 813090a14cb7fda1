#!/usr/bin/env bash
# Times nixeval against nix-instantiate (CppNix) on the benchmark inputs and prints, for each,
# the wall-clock times, the speed-up, and both peak memory sizes; then the geometric mean.
# Usage: benches/compare.sh [RUNS]   (default 3; the best run of each is kept)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
cargo build --release -q
nixeval=target/release/nixeval
command -v nix-instantiate >/dev/null || { echo "nix-instantiate is not installed (apt-get install nix-bin)"; exit 2; }
gen=$(mktemp -d)
trap 'rm -rf "$gen"' EXIT
sh benches/nix/parse/gen.sh "$gen/parse-generated.nix" >/dev/null
files=$(ls benches/nix/{calls,attrs,lists,strings}/*.nix; echo "$gen/parse-generated.nix")

best() { # best wall time (s) and max RSS (KiB) over $runs runs of "$@"
    local t m bt=999999 bm=0
    for _ in $(seq "$runs"); do
        /usr/bin/time -o "$gen/time" -f "%e %M" "$@" >/dev/null 2>&1 || true
        read -r t m < "$gen/time"
        bt=$(awk -v a="$t" -v b="$bt" 'BEGIN{print (a<b)?a:b}')
        bm=$m
    done
    echo "$bt $bm"
}

printf '%-28s %9s %9s %8s %10s %10s\n' file nix-inst nixeval speedup nix-KiB ours-KiB
logsum=0; n=0
for f in $files; do
    read -r tn mn < <(best env NIX_REMOTE=dummy:// nix-instantiate --eval --strict "$f")
    read -r to mo < <(best "$nixeval" eval --strict "$f")
    ratio=$(awk -v a="$tn" -v b="$to" 'BEGIN{ if (b < 0.005) b = 0.005; printf "%.2f", a/b }')
    printf '%-28s %9s %9s %7sx %10s %10s\n' "$(basename "$f")" "$tn" "$to" "$ratio" "$mn" "$mo"
    logsum=$(awk -v s="$logsum" -v r="$ratio" 'BEGIN{print s + log(r)}')
    n=$((n + 1))
done
awk -v s="$logsum" -v n="$n" 'BEGIN{printf "geometric mean speed-up: %.2fx\n", exp(s/n)}'
