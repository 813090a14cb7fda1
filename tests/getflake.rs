//! CLI tests of `builtins.getFlake` in `nixeval eval`, on copies of the flakes in
//! `fixtures/flakes/` (made by the shared test support, outside any Git repository, with fixed
//! modification times): `path:` and Git flakes, impure and pure evaluation, and the errors.
//!
//! When `nix` is installed, one result is also compared with CppNix's `nix eval --impure`
//! (offline, store under the temporary directory); the stored expectation keeps the test
//! meaningful without it.

mod support;

use std::process::Command;
use support::{copy_tree, fixtures, nix_output, run};

/// `nixeval eval ARGS... -E EXPR` from the fixtures directory: (stdout, stderr, status).
fn eval(args: &[&str], expr: &str) -> (String, String, i32) {
    let mut all = vec!["eval"];
    all.extend(args);
    all.extend(["-E", expr]);
    run(fixtures(), &all)
}

fn path_ref(dir: &str) -> String {
    format!("path:{}", fixtures().join(dir).display())
}

const SHOW_KINDS_NAR_HASH: &str = "sha256-aNPKG09pUC34D35OywpMzw/Zg4AIm6h4QyT44NK7ky4=";

#[test]
fn impure_path_flake_outputs() {
    let r = path_ref("show-kinds");
    let (out, err, code) = eval(&["--strict"], &format!("(builtins.getFlake \"{r}\").outputs.lib"));
    assert_eq!((out.as_str(), err.as_str(), code), ("{ answer = 42; }\n", "", 0));
    let (out, err, code) = eval(
        &["--json", "--strict"],
        &format!(
            "let f = builtins.getFlake \"{r}\"; in [ f._type f.lib.answer f.narHash f.outPath \
             (builtins.attrNames f.sourceInfo) (builtins.attrNames f.inputs) (f.outputs.lib == f.lib) ]"
        ),
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out.trim_end(),
        format!(
            "[\"flake\",42,\"{SHOW_KINDS_NAR_HASH}\",\"/nix/store/7im9szvq52i1faacc7f96l62d9iyhqff-source\",\
             [\"lastModified\",\"lastModifiedDate\",\"narHash\",\"outPath\"],[],true]"
        )
    );
    // The store path of the source reads from the flake's directory.
    let (out, err, code) = eval(&[], &format!("builtins.readFile ((builtins.getFlake \"{r}\") + \"/flake.nix\")"));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Every kind of output nix flake show knows"), "{out}");
    // Only the default `nixeval eval` mode is impure; `--impure` says so explicitly.
    let (out, _, code) = eval(&["--impure"], &format!("(builtins.getFlake \"{r}\").lib.answer"));
    assert_eq!((out.as_str(), code), ("42\n", 0));
}

#[test]
fn flake_with_local_inputs() {
    // python-dep takes python-app and mini-nixpkgs as relative `path:` inputs.
    let r = path_ref("python-dep");
    let (out, err, code) = eval(&["--json"], &format!("builtins.attrNames (builtins.getFlake \"{r}\").inputs"));
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim_end(), "[\"nixpkgs\",\"repo\"]");
    let (out, err, code) = eval(&[], &format!("(builtins.getFlake \"{r}\").inputs.nixpkgs.lib.version"));
    assert_eq!((out.as_str(), err.as_str(), code), ("\"0.1-mini\"\n", "", 0));
}

#[test]
fn pure_mode_requires_a_locked_reference() {
    let r = path_ref("show-kinds");
    let (out, err, code) = eval(&["--pure-eval"], &format!("(builtins.getFlake \"{r}\").lib.answer"));
    assert_eq!(code, 1, "{out}");
    assert!(
        err.starts_with(&format!(
            "error: cannot call 'getFlake' on unlocked flake reference '{r}' (use --impure to override)"
        )),
        "{err}"
    );
    let locked = format!("{r}?narHash={SHOW_KINDS_NAR_HASH}");
    let (out, err, code) = eval(&["--pure-eval"], &format!("(builtins.getFlake \"{locked}\").lib.answer"));
    assert_eq!((out.as_str(), err.as_str(), code), ("42\n", "", 0));
    let wrong = format!("{r}?narHash=sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    let (_, err, code) = eval(&["--pure-eval"], &format!("(builtins.getFlake \"{wrong}\").lib.answer"));
    assert_eq!(code, 1);
    assert!(err.contains("NAR hash mismatch"), "{err}");
}

#[test]
fn relative_references_are_rejected() {
    let (_, err, code) = eval(&[], "(builtins.getFlake \"./show-kinds\").lib");
    assert_eq!(code, 1);
    assert!(err.starts_with("error: flake reference './show-kinds' is not an absolute path"), "{err}");
}

#[test]
fn git_flake() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("note: git is not installed; skipping the Git flake test");
        return;
    }
    let dir = fixtures().join("getflake-git");
    copy_tree(&fixtures().join("show-kinds"), &dir);
    std::fs::write(dir.join("untracked.txt"), "x").unwrap();
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .current_dir(&dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@e", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"])
            .args(args)
            .env("GIT_AUTHOR_DATE", "2023-11-14T22:13:20Z")
            .env("GIT_COMMITTER_DATE", "2023-11-14T22:13:20Z")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    git(&["init", "-q"]);
    git(&["add", "flake.nix"]);
    git(&["commit", "-q", "-m", "init"]);
    let rev = git(&["rev-parse", "HEAD"]);
    assert_eq!(rev.len(), 40, "{rev}");
    let url = format!("git+file://{}", dir.display());
    let (out, err, code) = eval(
        &["--json"],
        &format!(
            "let f = builtins.getFlake \"{url}\"; in [ f.lib.answer f.rev f.lastModified \
             (builtins.pathExists (f + \"/untracked.txt\")) ]"
        ),
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim_end(), format!("[42,\"{rev}\",1700000000,false]"));
    // A reference with `rev` is locked, but the loader reads work trees only (no checkout of
    // a revision), which it says.
    let (_, err, code) = eval(&["--pure-eval"], &format!("(builtins.getFlake \"{url}?rev={rev}\").lib.answer"));
    assert_eq!(code, 1);
    assert!(err.contains("fetching a branch or revision of the local Git repository"), "{err}");
    let (_, err, code) = eval(&["--pure-eval"], &format!("(builtins.getFlake \"{url}\").lib.answer"));
    assert_eq!(code, 1);
    assert!(err.contains("cannot call 'getFlake' on unlocked flake reference"), "{err}");
}

/// CppNix 2.8 (when installed) gives the same value, apart from `_type` which it predates.
#[test]
fn compare_with_nix() {
    let r = path_ref("show-kinds");
    let expr = format!(
        "let f = builtins.getFlake \"{r}\"; in [ (builtins.attrNames f) f.narHash f.outPath f.lib \
         (builtins.attrNames f.sourceInfo) ]"
    );
    let expected = format!(
        "[[\"checks\",\"devShells\",\"formatter\",\"hydraJobs\",\"inputs\",\"lastModified\",\"lastModifiedDate\",\"lib\",\
         \"narHash\",\"nixosConfigurations\",\"nixosModules\",\"outPath\",\"outputs\",\"overlays\",\"packages\",\"sourceInfo\",\
         \"templates\"],\"{SHOW_KINDS_NAR_HASH}\",\"/nix/store/7im9szvq52i1faacc7f96l62d9iyhqff-source\",{{\"answer\":42}},\
         [\"lastModified\",\"lastModifiedDate\",\"narHash\",\"outPath\"]]"
    );
    let ours = eval(
        &["--json", "--strict"],
        &format!("let v = {expr}; in [ (builtins.filter (n: n != \"_type\") (builtins.head v)) ] ++ builtins.tail v"),
    );
    assert_eq!(ours.2, 0, "{}", ours.1);
    assert_eq!(ours.0.trim_end(), expected);
    if !support::nix_available() {
        eprintln!("note: nix is not installed; compared with the stored expectation only");
        return;
    }
    match nix_output(&["eval", "--impure", "--json", "--expr", &expr]) {
        Some((true, out, _)) => assert_eq!(out.trim_end(), expected),
        Some((false, _, err)) => panic!("nix eval failed: {err}"),
        None => eprintln!("note: nix could not be started; compared with the stored expectation only"),
    }
}
