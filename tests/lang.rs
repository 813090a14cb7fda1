//! The language test suite: runs every `tests/lang/*.nix` case through the real `nixeval`
//! binary, invoked exactly like the reference driver invokes `nix-instantiate`
//! (from `tests/`, `NIX_PATH=lang/dir3:lang/dir4 HOME=/fake-home TEST_VAR=foo`,
//! `eval --strict [FLAGS] lang/NAME.nix`).
//!
//! - `eval-okay-NAME.nix`: must succeed and print exactly `NAME.exp`. When `nix-instantiate` is
//!   installed, the expectation itself is checked against it (cases where nixeval follows
//!   current CppNix rather than the installed 2.8 are listed in `oracle-exceptions.txt`).
//! - `eval-fail-NAME.nix`: must fail with exit status 1 (never crash) and, when
//!   `NAME.err.exp` exists, print exactly that on stderr (paths shown as `/pwd`).
//! - `parse-fail-NAME.nix`: must fail with exit status 1 and a syntax error.
//!
//! `NIXEVAL_ACCEPT=1 cargo test --test lang` rewrites `.err.exp` files from nixeval's output.
//! Arguments filter the cases by substring. The run ends with `N passed, N failed`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

fn run_nixeval(name: &str, flags: &[String]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_nixeval"))
        .current_dir(tests_dir())
        .env("NIX_PATH", "lang/dir3:lang/dir4")
        .env("HOME", "/fake-home")
        .env("TEST_VAR", "foo")
        .env("NO_COLOR", "1")
        .arg("eval")
        .arg("--strict")
        .args(flags)
        .arg(format!("lang/{name}.nix"))
        .output()
        .expect("running nixeval")
}

/// Whether a case needs a real (temporary) store for the oracle: derivations depending on
/// other derivations can only be evaluated by CppNix with a store it can write to.
fn needs_store(name: &str) -> bool {
    name.starts_with("eval-okay-drv-") || name.starts_with("eval-okay-store-")
}

/// A scratch local store for the oracle, under the system temporary directory.
fn oracle_store_root() -> PathBuf {
    std::env::temp_dir().join(format!("nixeval-lang-store-{}", std::process::id()))
}

/// Makes a scratch store writable again and removes it (store objects are read-only).
fn remove_store(p: &Path) {
    use std::os::unix::fs::PermissionsExt;
    fn writable(p: &Path) {
        if let Ok(m) = std::fs::symlink_metadata(p) {
            if m.is_dir() {
                let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755));
                if let Ok(rd) = std::fs::read_dir(p) {
                    for e in rd.flatten() {
                        writable(&e.path());
                    }
                }
            }
        }
    }
    writable(p);
    let _ = std::fs::remove_dir_all(p);
}

fn run_oracle(name: &str, flags: &[String]) -> Option<std::process::Output> {
    let mut cmd = Command::new("nix-instantiate");
    if needs_store(name) {
        cmd.arg("--store").arg(format!("local?root={}", oracle_store_root().display())).arg("--read-write-mode");
    } else {
        cmd.env("NIX_REMOTE", "dummy://");
    }
    cmd.current_dir(tests_dir())
        .env("NIX_PATH", "lang/dir3:lang/dir4")
        .env("HOME", "/fake-home")
        .env("TEST_VAR", "foo")
        .arg("--eval")
        .arg("--strict")
        .args(flags)
        .arg(format!("lang/{name}.nix"))
        .output()
        .ok()
}

fn oracle_available() -> bool {
    Command::new("nix-instantiate").arg("--version").output().map(|o| o.status.success()).unwrap_or(false)
}

fn normalise(text: &str) -> String {
    let dir = tests_dir();
    text.replace(&dir.to_string_lossy().to_string(), "/pwd")
}

fn main() {
    let filters: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let accept = std::env::var_os("NIXEVAL_ACCEPT").is_some();
    let lang = tests_dir().join("lang");
    let exceptions: Vec<String> = std::fs::read_to_string(lang.join("oracle-exceptions.txt"))
        .unwrap_or_default()
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    let oracle = oracle_available();
    if !oracle {
        println!("note: nix-instantiate is not installed; expectations are not re-checked against it");
    }
    let mut names: Vec<String> = std::fs::read_dir(&lang)
        .expect("tests/lang")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".nix") && (n.starts_with("eval-") || n.starts_with("parse-")))
        .map(|n| n.trim_end_matches(".nix").to_string())
        .filter(|n| filters.is_empty() || filters.iter().any(|f| n.contains(f.as_str())))
        .collect();
    names.sort();
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut failures = Vec::new();
    for name in &names {
        let flags: Vec<String> = std::fs::read_to_string(lang.join(format!("{name}.flags")))
            .map(|s| s.split_whitespace().map(String::from).collect())
            .unwrap_or_default();
        let out = run_nixeval(name, &flags);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = normalise(&String::from_utf8_lossy(&out.stderr));
        let code = out.status.code();
        let result: Result<(), String> = if name.starts_with("eval-okay-") {
            let exp_path = lang.join(format!("{name}.exp"));
            let expected = std::fs::read_to_string(&exp_path).unwrap_or_default();
            if code != Some(0) {
                Err(format!("exit status {:?}\n{stderr}", code))
            } else if stdout != expected {
                Err(format!("stdout differs\n--- expected\n{expected}--- got\n{stdout}"))
            } else if oracle && !exceptions.contains(name) {
                match run_oracle(name, &flags) {
                    Some(o) if String::from_utf8_lossy(&o.stdout) == expected => Ok(()),
                    Some(o) => Err(format!(
                        "the expectation differs from nix-instantiate's output\n--- oracle\n{}",
                        String::from_utf8_lossy(&o.stdout)
                    )),
                    None => Ok(()),
                }
            } else {
                Ok(())
            }
        } else {
            // eval-fail and parse-fail.
            let err_path = lang.join(format!("{name}.err.exp"));
            if code != Some(1) {
                Err(format!("expected exit status 1, got {:?}\nstdout: {stdout}\nstderr: {stderr}", code))
            } else if name.starts_with("parse-fail-") && !stderr.contains("error:") {
                Err(format!("no error message: {stderr}"))
            } else if accept {
                std::fs::write(&err_path, &stderr).expect("writing .err.exp");
                Ok(())
            } else {
                match std::fs::read_to_string(&err_path) {
                    Ok(expected) if expected != stderr => {
                        Err(format!("stderr differs\n--- expected\n{expected}--- got\n{stderr}"))
                    }
                    _ => Ok(()),
                }
            }
        };
        match result {
            Ok(()) => passed += 1,
            Err(msg) => {
                failed += 1;
                failures.push(format!("FAILED {name}: {msg}"));
            }
        }
    }
    remove_store(&oracle_store_root());
    for f in &failures {
        println!("{f}\n");
    }
    println!("lang: {passed} passed, {failed} failed");
    if failed > 0 {
        std::process::exit(1);
    }
}
