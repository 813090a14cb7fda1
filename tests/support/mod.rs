//! What the CLI tests of flake commands share: copying `fixtures/flakes` into a temporary
//! directory with fixed modification times (so `lastModified`, `narHash` and store paths are
//! stable), running the `nixeval` binary there, and running `nix` (CppNix) offline against a
//! store under that directory when it is installed.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

pub const MTIME: u64 = 1_700_000_000;

pub fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), &t).unwrap();
        }
    }
}

pub fn set_mtimes(p: &Path) {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(MTIME);
    if p.is_dir() {
        for e in std::fs::read_dir(p).unwrap() {
            set_mtimes(&e.unwrap().path());
        }
    }
    if let Ok(f) = std::fs::File::open(p) {
        let _ = f.set_modified(t);
    }
}

/// The fixtures, copied once per test binary run.
pub fn fixtures() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let bin = std::env::current_exe().ok().and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned())).unwrap_or_default();
        let dir = std::env::temp_dir().join(format!("nixeval-{}-{}", bin, std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        copy_tree(&manifest().join("fixtures/flakes"), &dir);
        set_mtimes(&dir);
        dir
    })
}

/// Runs nixeval in `cwd`: (stdout, stderr, exit status).
pub fn run(cwd: &Path, args: &[&str]) -> (String, String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_nixeval"))
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("NIX_PATH")
        .args(args)
        .output()
        .expect("running nixeval");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

pub fn normalise(s: &str) -> String {
    s.replace(&fixtures().to_string_lossy().to_string(), "/TMP")
}

/// Compares `text` with the snapshot `tests/<dir>/<name>.out`; `NIXEVAL_ACCEPT=1` rewrites it.
pub fn snapshot(dir: &str, name: &str, text: &str) {
    let path = manifest().join("tests").join(dir).join(format!("{name}.out"));
    if std::env::var_os("NIXEVAL_ACCEPT").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("missing snapshot {}", path.display()));
    assert_eq!(text, expected, "case {name} differs from {}", path.display());
}

pub fn nix_available() -> bool {
    Command::new("nix").arg("--version").output().map(|o| o.status.success()).unwrap_or(false)
}

/// Runs `nix` offline with flakes enabled and a store under the fixtures directory:
/// (success, stdout, stderr), or `None` if it could not be started.
pub fn nix_output(args: &[&str]) -> Option<(bool, String, String)> {
    let store = format!("local?root={}", fixtures().join(".nix-store").display());
    let out = Command::new("nix")
        .args(["--extra-experimental-features", "nix-command flakes", "--store", &store, "--offline"])
        .args(args)
        .env("NIX_CONFIG", "flake-registry = \nwarn-dirty = false")
        .output()
        .ok()?;
    Some((
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}
