//! CLI tests of `nixeval overlays` and `nixeval eval --trace-fixpoint` on the seed document's
//! flakes (`seed/repo-final` is `/my/repo`, `seed/dep-rep-overlay` is `/my/dep-rep`), the
//! local `python-*` flakes, nested and composed overlays (`overlays-nested`) and one overlay per
//! classic mistake (`overlays-mistakes`). Every format is snapshotted in `tests/overlays/*.out`
//! (`NIXEVAL_ACCEPT=1 cargo test --test overlays` rewrites them); the Graphviz output is
//! rendered with `dot` when it is installed (skipped with a note otherwise).

mod support;

use std::process::Command;
use support::{fixtures, normalise, run};

const SYS: [&str; 2] = ["--system", "x86_64-linux"];

fn case(name: &str, args: &[&str]) -> (String, i32) {
    let mut all: Vec<&str> = args.to_vec();
    if args.first() == Some(&"overlays") {
        all.extend(SYS);
    }
    let (out, err, code) = run(fixtures(), &all);
    let text = normalise(&format!("$ nixeval {}\n{}--- stderr\n{}--- exit {}\n", all.join(" "), out, err, code));
    support::snapshot("overlays", name, &text);
    (out, code)
}

#[test]
fn seed_repo_every_format() {
    let (out, code) = case("seed-repo-text", &["overlays", "seed/repo-final"]);
    assert_eq!(code, 0);
    // The winning definition and the reads the evaluation really made.
    assert!(out.contains("#1 overlays.extend-py-extensions  wins"), "{out}");
    assert!(out.contains("prev.pythonPackagesExtensions → #0 nixpkgs"), "{out}");
    assert!(out.contains("final.callPackage → #0 python3Packages base"), "{out}");
    case("seed-repo-json", &["overlays", "seed/repo-final", "--format", "json"]);
    case("seed-repo-dot", &["overlays", "seed/repo-final", "--format", "dot"]);
    case("seed-repo-mermaid", &["overlays", "seed/repo-final", "--format", "mermaid"]);
    case("seed-repo-all", &["overlays", "seed/repo-final", "--all"]);
}

#[test]
fn seed_dep_rep_composes_the_repo_overlay() {
    let (out, code) =
        case("seed-dep-rep-text", &["overlays", "seed/dep-rep-overlay", "--override-input", "repo", "./seed/repo-final"]);
    assert_eq!(code, 0);
    assert!(out.contains("#1 repo.overlays.extend-py-extensions"), "{out}");
    assert!(out.contains("prev.pythonPackagesExtensions → #1 repo.overlays.extend-py-extensions"), "{out}");
    case(
        "seed-dep-rep-dot",
        &["overlays", "seed/dep-rep-overlay", "--override-input", "repo", "./seed/repo-final", "--format", "dot"],
    );
    case("python-dep-text", &["overlays", "python-dep"]);
    case("python-app-mermaid", &["overlays", "python-app", "--format", "mermaid"]);
}

#[test]
fn nested_and_composed() {
    let (out, _) = case("nested-text", &["overlays", "overlays-nested"]);
    assert!(out.contains("final.requests → #1 overlays.py-requests"), "{out}");
    case("nested-json", &["overlays", "overlays-nested", "--format", "json"]);
    case("nested-dot", &["overlays", "overlays-nested", "--format", "dot"]);
    case("nested-mermaid", &["overlays", "overlays-nested", "--format", "mermaid"]);
    case("nested-attr", &["overlays", "overlays-nested", "--attr", "ruff", "--attr", "python3Packages.requests"]);
    case("nested-base-file", &["overlays", "overlays-nested", "--base", "overlays-nested/base.nix"]);
    case("nested-base-empty", &["overlays", "overlays-nested", "--overlay", "tools", "--base", "empty"]);
}

#[test]
fn classic_mistakes() {
    for (o, code) in [
        ("recursive", "infinite-recursion"),
        ("loop", "infinite-recursion"),
        ("old-names", "argument-names"),
        ("replace-python", "replaces-package-set"),
        ("extend-python-directly", "python-packages-not-extended"),
        ("prev-too-early", "prev-misses-later-layer"),
        ("final-instead-of-prev", "final-reads-own-attribute"),
    ] {
        let (out, _) = case(&format!("mistake-{o}"), &["overlays", "overlays-mistakes", "--overlay", o]);
        assert!(out.contains(&format!("[{code}]")), "{o}: {out}");
    }
    let (_, code) = case("mistake-loop-dot", &["overlays", "overlays-mistakes", "--overlay", "loop", "--format", "dot"]);
    assert_eq!(code, 1, "an infinite recursion is an evaluation error");
    case("mistake-recursive-json", &["overlays", "overlays-mistakes", "--overlay", "recursive", "--format", "json"]);
}

#[test]
fn expressions_and_usage() {
    case(
        "expr-composed-empty-base",
        &["overlays", "-E", "{ lib }: lib.composeManyExtensions [ (final: prev: { a = 1; c = prev.b or 0; }) (final: prev: { b = final.a + 1; }) ]", "--base", "empty"],
    );
    case(
        "expr-extends-chain",
        &["overlays", "-E", "{ lib }: lib.extends (final: prev: { b = prev.a * 10; }) (lib.extends (final: prev: { a = prev.a + 1; }) (final: { a = 1; total = final.a + final.b; }))"],
    );
    case("expr-not-a-set", &["overlays", "-E", "final: prev: 42", "--base", "empty"]);
    case("usage-bad-format", &["overlays", "--format", "svg"]);
    case("usage-unknown-overlay", &["overlays", "overlays-nested", "--overlay", "nope"]);
    case(
        "trace-fixpoint",
        &["eval", "--trace-fixpoint", "-E", "{ lib }: (lib.fix (lib.extends (final: prev: { b = prev.a * 10; }) (final: { a = 1; total = final.a + final.b; }))).total"],
    );
}

#[test]
fn dot_output_is_valid_graphviz() {
    if Command::new("dot").arg("-V").output().is_err() {
        eprintln!("note: Graphviz `dot` is not installed; skipping the rendering of the dot output");
        return;
    }
    for args in [
        vec!["overlays", "seed/repo-final", "--format", "dot"],
        vec!["overlays", "overlays-nested", "--format", "dot"],
        vec!["overlays", "overlays-mistakes", "--overlay", "loop", "--format", "dot"],
        vec!["overlays", "overlays-nested", "--all", "--format", "dot"],
    ] {
        let mut a = args.clone();
        a.extend(SYS);
        let (out, _, _) = run(fixtures(), &a);
        let path = fixtures().join("graph.dot");
        std::fs::write(&path, &out).unwrap();
        let r = Command::new("dot").arg("-Tsvg").arg(&path).output().unwrap();
        assert!(r.status.success(), "dot rejected {args:?}: {}\n{out}", String::from_utf8_lossy(&r.stderr));
        assert!(String::from_utf8_lossy(&r.stdout).contains("<svg"), "{args:?}");
    }
}
