#!/usr/bin/env bash
# Times `nixeval outputs` against `nix flake show` and `nixeval check` against
# `nix flake check --no-build` on the local fixture flakes (offline, a scratch store), and
# prints the speed-ups. Usage: benches/compare-flakes.sh [RUNS]   (default 3; best run kept)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
cargo build --release -q
nixeval=$PWD/target/release/nixeval
command -v nix >/dev/null || { echo "nix is not installed (apt-get install nix-bin)"; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
store="local?root=$work/store"
NIX=(nix --extra-experimental-features 'nix-command flakes' --store "$store")

best() { # best wall time over $runs runs of "$@"
    local t bt=999999
    for _ in $(seq "$runs"); do
        /usr/bin/time -o "$work/time" -f "%e" "$@" >/dev/null 2>&1 || true
        t=$(cat "$work/time" | tail -1)
        bt=$(awk -v a="$t" -v b="$bt" 'BEGIN{print (a<b)?a:b}')
    done
    echo "$bt"
}

printf '%-22s %-8s %9s %9s %8s\n' fixture command nix nixeval speedup
for name in show-kinds mini-flake-utils mini-nixpkgs; do
    dir="$work/$name"
    cp -r "fixtures/flakes/$name" "$dir"
    for cmd in show check; do
        if [ "$cmd" = show ]; then
            tn=$(best "${NIX[@]}" flake show "path:$dir")
            to=$(best "$nixeval" outputs "path:$dir")
        else
            tn=$(best "${NIX[@]}" flake check --no-build "path:$dir")
            to=$(best "$nixeval" check "path:$dir")
        fi
        ratio=$(awk -v a="$tn" -v b="$to" 'BEGIN{ if (b < 0.005) b = 0.005; printf "%.1f", a/b }')
        printf '%-22s %-8s %9s %9s %7sx\n' "$name" "$cmd" "$tn" "$to" "$ratio"
    done
done
