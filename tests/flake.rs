//! CLI tests of the flake commands (`outputs`, `metadata`, `resolve`, `eval FLAKEREF#ATTR`) on
//! the flakes in `fixtures/flakes/`, run through the real binary.
//!
//! The fixtures are copied into a temporary directory first (outside any Git repository, so
//! they are `path:` flakes) with every modification time set to a fixed date, which makes
//! `lastModified`, `narHash` and the store paths stable. Each case's standard output, standard
//! error and exit status are compared with `tests/flake/NAME.out` (the temporary directory is
//! shown as `/TMP`); `NIXEVAL_ACCEPT=1 cargo test --test flake` rewrites them.
//!
//! When `nix` is installed, some fixtures are also compared with `nix flake show` and
//! `nix flake metadata --json` (CppNix, offline, with a store under the temporary directory);
//! the known differences of CppNix 2.8 are listed in `tests/flake/nix-2.8-differences.md` and
//! normalised here. Without `nix` those comparisons are skipped with a note.

mod support;

use std::process::Command;
use support::{copy_tree, fixtures, nix_available, normalise, run};

/// Runs a case and compares it with its snapshot.
fn case(name: &str, dir: &str, args: &[&str]) {
    let cwd = fixtures().join(dir);
    let (out, err, code) = run(&cwd, args);
    let text = normalise(&format!("$ nixeval {}\n{}--- stderr\n{}--- exit {}\n", args.join(" "), out, err, code));
    support::snapshot("flake", name, &text);
}

#[test]
fn outputs_show_kinds() {
    case("outputs-show-kinds", ".", &["outputs", "show-kinds"]);
    case("outputs-show-kinds-json", ".", &["outputs", "--json", "show-kinds"]);
    case("outputs-show-kinds-all", "show-kinds", &["outputs", "--all-systems", "--legacy", "--system", "aarch64-linux"]);
}

#[test]
fn outputs_seed_with_overrides() {
    let o = ["--override-input", "nixpkgs", "./mini-nixpkgs", "--override-input", "flake-utils", "./mini-flake-utils"];
    for (name, dir) in [
        ("seed-repo-mkshell", "seed/repo-mkshell"),
        ("seed-repo-flake-utils", "seed/repo-flake-utils"),
        ("seed-repo-formatter", "seed/repo-formatter"),
    ] {
        let mut args = vec!["outputs", dir];
        args.extend(o);
        case(&format!("outputs-{name}"), ".", &args);
    }
    case("outputs-mini-nixpkgs-legacy", ".", &["outputs", "--legacy", "mini-nixpkgs"]);
    case("outputs-seed-dep-os", ".", &["outputs", "seed/dep-os", "--override-input", "my-repo", "./python-app"]);
}

#[test]
fn outputs_errors() {
    for e in [
        "syntax-error", "no-outputs", "outputs-set", "bad-lock", "unknown-attr", "broken-output", "missing-input",
    ] {
        case(&format!("outputs-error-{e}"), ".", &["outputs", &format!("errors/{e}")]);
    }
    case("outputs-error-no-flake", "errors/no-flake", &["outputs"]);
    case("outputs-usage", ".", &["outputs", "--frobnicate"]);
}

#[test]
fn metadata() {
    case("metadata-show-kinds", ".", &["metadata", "show-kinds"]);
    case("metadata-missing-input", ".", &["metadata", "errors/missing-input"]);
    case("metadata-python-dep", ".", &["metadata", "python-dep"]);
    case("metadata-python-dep-json", ".", &["metadata", "--json", "python-dep"]);
}

#[test]
fn resolve_and_eval() {
    case("resolve-develop-no-devshell", ".", &["resolve", "develop", "errors/no-devshell"]);
    case("resolve-develop-devshell-set", ".", &["resolve", "develop", "errors/devshell-set"]);
    case("resolve-build-show-kinds", ".", &["resolve", "build", "show-kinds", "--system", "x86_64-linux"]);
    case("resolve-develop-show-kinds", ".", &["resolve", "develop", "show-kinds#default", "--system", "x86_64-linux"]);
    case("eval-lib", ".", &["eval", "show-kinds#lib.answer"]);
    case("eval-package-name", ".", &["eval", "--json", "show-kinds#hello.name", "--system", "x86_64-linux"]);
    case("eval-missing", ".", &["eval", "show-kinds#nope", "--system", "x86_64-linux"]);
    case("eval-self-overlay", ".", &["eval", "mini-nixpkgs#lib.version"]);
}

#[test]
fn seed_flakes_with_stand_ins_only() {
    for (name, dir) in [
        ("seed-repo-mkshell", "seed/repo-mkshell"),
        ("seed-repo-flake-utils", "seed/repo-flake-utils"),
        ("seed-repo-formatter", "seed/repo-formatter"),
    ] {
        case(&format!("standins-outputs-{name}"), ".", &["outputs", dir]);
    }
    case("standins-metadata-repo-formatter", ".", &["metadata", "seed/repo-formatter"]);
    case("standins-no-stand-ins", ".", &["outputs", "seed/repo-mkshell", "--no-stand-ins"]);
    case("standins-eval-lib-version", ".", &["eval", "seed/repo-mkshell#devShells.x86_64-linux.default.name"]);
}

#[test]
fn stand_in_derivations_are_real_and_marked() {
    let (out, err, code) = run(
        fixtures(),
        &["eval", "seed/repo-formatter#formatter.x86_64-linux.drvPath", "--system", "x86_64-linux"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("\"/nix/store/") && out.trim_end().ends_with("-alejandra.drv\""), "{out}");
    let (out, err, code) = run(fixtures(), &["eval", "seed/repo-formatter#formatter.x86_64-linux.__nixevalStandIn"]);
    assert_eq!((out.as_str(), code), ("true\n", 0), "{err}");
    assert_eq!(err.matches("using nixeval's stand-in for input 'nixpkgs'").count(), 1, "{err}");
}

#[test]
fn opaque_inputs() {
    // Inputs that are neither available offline nor stood in for are opaque: what depends on
    // them is listed as such, the rest as usual, and the command succeeds.
    let sys = ["--system", "x86_64-linux"];
    for f in ["opaque-rust", "opaque-parts", "opaque-nixos", "opaque-misc"] {
        let mut args = vec!["outputs", f];
        args.extend(sys);
        case(&format!("opaque-outputs-{f}"), ".", &args);
    }
    case("opaque-outputs-all-rust", ".", &["outputs", "--all-systems", "opaque-rust"]);
    case("opaque-outputs-json-rust", ".", &["outputs", "--json", "opaque-rust", "--system", "x86_64-linux"]);
    case("opaque-outputs-json-parts", ".", &["outputs", "--json", "--all-systems", "opaque-parts"]);
    case("opaque-metadata-nixos", ".", &["metadata", "opaque-nixos"]);
    case("opaque-metadata-json-rust", ".", &["metadata", "--json", "opaque-rust"]);
    case("opaque-no-stand-ins", ".", &["outputs", "opaque-rust", "--no-stand-ins", "--system", "x86_64-linux"]);
    case("opaque-missing-input-metadata", ".", &["metadata", "errors/missing-input"]);
    // eval: an opaque result is an error naming the input; known parts evaluate; derivations
    // computed with placeholders are flagged.
    case("opaque-eval-package", ".", &["eval", "opaque-rust#packages.x86_64-linux.default"]);
    case("opaque-eval-known", ".", &["eval", "opaque-nixos#lib.hmRev"]);
    case("opaque-eval-placeholder", ".", &["eval", "opaque-rust#devShells.x86_64-linux.plain.drvPath"]);
    case("opaque-eval-app", ".", &["eval", "opaque-rust#apps.x86_64-linux.default", "--system", "x86_64-linux"]);
    case("opaque-eval-json", ".", &["eval", "--json", "opaque-rust#apps.x86_64-linux.default"]);
    case("opaque-resolve-build", ".", &["resolve", "build", "opaque-rust", "--system", "x86_64-linux"]);
    for f in ["opaque-rust", "opaque-parts", "opaque-nixos"] {
        let mut args = vec!["check", f];
        args.extend(sys);
        case(&format!("opaque-check-{f}"), ".", &args);
    }
}

#[test]
fn opaque_stays_per_input() {
    // Each unavailable input is announced once, however often it is used.
    let (out, err, code) = run(fixtures(), &["outputs", "--all-systems", "opaque-rust"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(err.matches("input 'crane' (github:ipetkov/crane)").count(), 1, "{err}");
    assert_eq!(err.matches("input 'rust-overlay'").count(), 1, "{err}");
    assert!(out.contains("default: package (depends on unavailable input 'crane')"), "{out}");
    assert!(out.contains("plain: development environment 'nix-shell'"), "{out}");
    // Overriding the input with a local flake makes it an ordinary input again (this one
    // lacks `mkLib`, which is now an ordinary error).
    let (out, err, code) = run(
        fixtures(),
        &["outputs", "opaque-rust", "--system", "x86_64-linux", "--override-input", "crane", "./mini-flake-utils"],
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(!err.contains("input 'crane' (github"), "{err}");
    assert!(out.contains("default: error: attribute 'mkLib' missing"), "{out}");
}

#[test]
fn laziness_unused_inputs_are_not_touched() {
    // `lib` does not use `nixpkgs` or `unused`, neither of which can be fetched.
    let (out, err, code) = run(fixtures(), &["eval", "errors/missing-input#lib.answer"]);
    assert_eq!((out.as_str(), code), ("42\n", 0), "{err}");
}

#[test]
fn git_untracked_files_are_reported() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("note: git is not installed; skipping the Git source test");
        return;
    }
    let dir = fixtures().join("git-untracked");
    copy_tree(&fixtures().join("errors/untracked-import"), &dir);
    let git = |args: &[&str]| {
        Command::new("git")
            .current_dir(&dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@e", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"])
            .args(args)
            .env("GIT_AUTHOR_DATE", "2023-11-14T22:13:20Z")
            .env("GIT_COMMITTER_DATE", "2023-11-14T22:13:20Z")
            .output()
            .unwrap()
    };
    git(&["init", "-q"]);
    git(&["add", "flake.nix"]);
    git(&["commit", "-q", "-m", "init"]);
    let (out, err, code) = run(&dir, &["outputs"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.starts_with("git+file://"), "{out}");
    assert!(err.contains("Path 'untracked.nix' in the repository"), "{err}");
    assert!(err.contains("is not tracked by Git"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Comparison with CppNix
// ---------------------------------------------------------------------------------------------

fn nix(args: &[&str]) -> Option<String> {
    let (ok, out, err) = support::nix_output(args)?;
    if !ok {
        eprintln!("note: nix failed: {}", err);
        return None;
    }
    Some(out)
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\x1b' {
            for d in it.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// CppNix 2.8 percent-encodes `/` in query values as `%2f` and leaves `=`; current CppNix (and
/// nixeval) leaves `/` and writes `%3D`. Both are brought to the unencoded form.
fn url_form(s: &str) -> String {
    s.replace("%2f", "/").replace("%2F", "/").replace("%3D", "=").replace("%2B", "+").replace("%2b", "+")
}

#[test]
fn compare_with_nix_flake_show() {
    if !nix_available() {
        eprintln!("note: nix is not installed; skipping the comparison with nix flake show");
        return;
    }
    for flake in ["show-kinds", "mini-flake-utils"] {
        let path = fixtures().join(flake);
        let url = format!("path:{}", path.display());
        let Some(theirs) = nix(&["flake", "show", &url]) else { continue };
        let (ours, err, code) = run(fixtures(), &["outputs", "--system", "x86_64-linux", flake]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(url_form(&ours), url_form(&strip_ansi(&theirs)), "nix flake show {flake}");
    }
}

#[test]
fn compare_with_nix_flake_metadata() {
    if !nix_available() {
        eprintln!("note: nix is not installed; skipping the comparison with nix flake metadata");
        return;
    }
    for flake in ["show-kinds", "mini-nixpkgs"] {
        let url = format!("path:{}", fixtures().join(flake).display());
        let Some(theirs) = nix(&["flake", "metadata", "--json", &url]) else { continue };
        let (ours, err, code) = run(fixtures(), &["metadata", "--json", flake]);
        assert_eq!(code, 0, "{err}");
        let mut ours: serde_json::Value = serde_json::from_str(&ours).unwrap();
        ours.as_object_mut().unwrap().remove("inputSources");
        let theirs: serde_json::Value = serde_json::from_str(&theirs).unwrap();
        assert_eq!(url_form(&ours.to_string()), url_form(&theirs.to_string()), "nix flake metadata {flake}");
    }
}
