#!/bin/sh
# Regenerates every eval-okay-*.exp in this directory with a reference
# nix-instantiate (CppNix 2.8 was used for the stored files), and checks that
# every eval-fail-*.nix parses but fails to evaluate and every parse-fail-*.nix
# fails to parse.
#
# Usage: tests/lang/regen-oracle.sh [--check] [NAME...]
#   --check  compare with the stored .exp files instead of overwriting them
#   NAME     limit the run to these tests (file names with or without .nix)
#
# The reference is run from tests/ (with a scratch local store instead of
# NIX_REMOTE=dummy:// for eval-okay-drv-* and eval-okay-store-* cases) as
#   NIX_REMOTE=dummy:// NIX_PATH=lang/dir3:lang/dir4 HOME=/fake-home TEST_VAR=foo \
#     nix-instantiate --eval --strict [FLAGS] lang/NAME.nix
# An eval-okay-NAME.flags file holds FLAGS on one line; they are split on
# blanks with no quoting and no globbing, exactly as the test runner must do.
#
# Tests listed in KNOWN_DIVERGENT fail in current CppNix but not in 2.8
# (2.8 silently wraps on integer overflow); their success is only noted.

set -u
set -f

here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.." || exit 2

NIX_INSTANTIATE=${NIX_INSTANTIATE:-nix-instantiate}
if ! command -v "$NIX_INSTANTIATE" >/dev/null 2>&1; then
    echo "regen-oracle: $NIX_INSTANTIATE not found" >&2
    exit 2
fi

KNOWN_DIVERGENT="eval-fail-overflow-add eval-fail-overflow-sub eval-fail-overflow-mul eval-fail-overflow-neg"
# 2.8 accepted these inputs: JSON integers above the Nix range (wrapped), NUL bytes from JSON,
# strings that are not UTF-8 in toJSON (passed through).
KNOWN_DIVERGENT="$KNOWN_DIVERGENT eval-fail-fromjson-unsigned-range eval-fail-fromjson-null-byte eval-fail-tojson-invalid-utf8"

check=0
if [ "${1:-}" = "--check" ]; then
    check=1
    shift
fi

oracle() {
    NIX_REMOTE=dummy:// NIX_PATH=lang/dir3:lang/dir4 HOME=/fake-home TEST_VAR=foo \
        "$NIX_INSTANTIATE" "$@"
}

# Derivation and store cases (eval-okay-drv-*, eval-okay-store-*) need a store the
# reference can write to: a scratch local store, removed on exit.
store_root=$(mktemp -d)
oracle_store() {
    NIX_PATH=lang/dir3:lang/dir4 HOME=/fake-home TEST_VAR=foo \
        "$NIX_INSTANTIATE" --store "local?root=$store_root" --read-write-mode "$@"
}

if [ $# -gt 0 ]; then
    names=""
    for n in "$@"; do
        n=${n##*/}
        names="$names ${n%.nix}"
    done
else
    names=$(cd lang && set +f && ls eval-okay-*.nix eval-fail-*.nix parse-fail-*.nix 2>/dev/null | sed 's/\.nix$//')
fi

bad=0
ok=0
tmp=$(mktemp)
trap 'rm -f "$tmp"; chmod -R u+w "$store_root" 2>/dev/null; rm -rf "$store_root"' EXIT

for name in $names; do
    file=lang/$name.nix
    if [ ! -f "$file" ]; then
        echo "MISSING  $file"
        bad=$((bad + 1))
        continue
    fi
    case $name in
    eval-okay-*)
        flags=""
        if [ -f "lang/$name.flags" ]; then
            flags=$(cat "lang/$name.flags")
        fi
        # $flags is split on blanks on purpose.
        run=oracle
        case $name in eval-okay-drv-* | eval-okay-store-*) run=oracle_store ;; esac
        if $run --eval --strict $flags "$file" >"$tmp" 2>/dev/null; then
            if [ $check = 1 ]; then
                if cmp -s "$tmp" "lang/$name.exp"; then
                    ok=$((ok + 1))
                else
                    echo "DIFFERS  $name"
                    bad=$((bad + 1))
                fi
            else
                cp "$tmp" "lang/$name.exp"
                ok=$((ok + 1))
            fi
        else
            echo "FAILED   $name (expected success)"
            bad=$((bad + 1))
        fi
        ;;
    eval-fail-*)
        if ! oracle --parse "$file" >/dev/null 2>&1; then
            echo "NOPARSE  $name (should parse, then fail to evaluate)"
            bad=$((bad + 1))
        elif oracle --eval --strict "$file" >/dev/null 2>&1; then
            case " $KNOWN_DIVERGENT " in
            *" $name "*) echo "NOTE     $name succeeds in this version (fails in current CppNix)" ;;
            *) echo "SUCCEED  $name (expected an evaluation error)"; bad=$((bad + 1)) ;;
            esac
        else
            ok=$((ok + 1))
        fi
        ;;
    parse-fail-*)
        if oracle --parse "$file" >/dev/null 2>&1; then
            echo "PARSED   $name (expected a syntax error)"
            bad=$((bad + 1))
        else
            ok=$((ok + 1))
        fi
        ;;
    *)
        echo "UNKNOWN  $name"
        bad=$((bad + 1))
        ;;
    esac
done

echo "regen-oracle: $ok ok, $bad problems"
[ $bad = 0 ]
