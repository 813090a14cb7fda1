//! The stand-in nixpkgs library against the real one: `tests/standins/NAME.nix` evaluates
//! stand-in library functions (the library is given by the `STANDIN_LIB` environment variable)
//! and `NAME.exp` holds what the real nixpkgs library gives for the same file under
//! `nix-instantiate --eval --strict`. The file is evaluated with the stand-in library by
//! `nix-instantiate` (skipped with a note when it is not installed) and by nixeval (skipped
//! with a note while nixeval lacks a builtin the file needs).
//!
//! Then the CLI on `fixtures/flakes/realistic/`: small flakes written in the shapes public
//! flakes take (flake-parts with `perSystem`, flake-utils with an overlay, NixOS
//! configurations importing nixpkgs' module paths, library-only outputs), listed with stand-ins
//! only and compared with the snapshots `tests/standins/NAME.out` (`NIXEVAL_ACCEPT=1` rewrites).

mod support;

use std::path::PathBuf;
use std::process::Command;

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn cases() -> Vec<(PathBuf, String)> {
    let dir = manifest().join("tests/standins");
    let mut out = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().map_or(false, |x| x == "nix") {
            let exp = std::fs::read_to_string(p.with_extension("exp")).expect("missing .exp");
            out.push((p, exp));
        }
    }
    out.sort();
    assert!(!out.is_empty());
    out
}

fn stand_in_lib() -> String {
    manifest().join("src/flake/standins/nixpkgs/lib").to_string_lossy().into_owned()
}

#[test]
fn stand_in_lib_gives_the_real_results_under_nix_instantiate() {
    if Command::new("nix-instantiate").arg("--version").output().is_err() {
        eprintln!("note: nix-instantiate is not installed; skipping the comparison under CppNix");
        return;
    }
    for (file, exp) in cases() {
        let out = Command::new("nix-instantiate")
            .args(["--eval", "--strict"])
            .arg(&file)
            .env("NIX_REMOTE", "dummy://")
            .env("STANDIN_LIB", stand_in_lib())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
        assert_eq!(text.trim_end(), exp.trim_end(), "{}", file.display());
    }
}

#[test]
fn stand_in_lib_gives_the_real_results_under_nixeval() {
    for (file, exp) in cases() {
        let out = Command::new(env!("CARGO_BIN_EXE_nixeval"))
            .args(["eval", "--strict"])
            .arg(&file)
            .env("STANDIN_LIB", stand_in_lib())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
        if !out.status.success() && text.contains("error: attribute '") && text.contains("' missing") && text.contains("builtins.") {
            eprintln!("note: {} needs a builtin nixeval does not have yet; skipped:\n{}", file.display(), text);
            continue;
        }
        assert_eq!(text.trim_end(), exp.trim_end(), "{}", file.display());
    }
}

/// Runs nixeval on a realistic fixture and compares with its snapshot.
fn realistic(name: &str, args: &[&str]) {
    let (out, err, code) = support::run(support::fixtures(), args);
    let text = support::normalise(&format!("$ nixeval {}\n{}--- stderr\n{}--- exit {}\n", args.join(" "), out, err, code));
    support::snapshot("standins", name, &text);
}

#[test]
fn realistic_flakes_list_with_stand_ins_only() {
    for name in ["parts", "utils-overlay", "nixos", "lib-forall", "lazy-packages"] {
        let dir = format!("realistic/{name}");
        realistic(&format!("realistic-{name}"), &["outputs", "--all-systems", &dir]);
    }
}

#[test]
fn realistic_flakes_evaluate_through_stand_ins() {
    // NixOS: a module of the flake sets a service; nixpkgs' module paths are empty stand-ins
    // that leave a note; the VM is a derivation.
    realistic(
        "realistic-nixos-service",
        &["eval", "--json", "realistic/nixos#nixosConfigurations.server.config.systemd.services.hello.startAt"],
    );
    realistic("realistic-nixos-warnings", &["eval", "--json", "realistic/nixos#nixosConfigurations.laptop.config.warnings"]);
    // Packages nixeval does not list are derivations named after their attribute, also inside
    // nested sets and as the arguments `callPackage` supplies.
    realistic(
        "realistic-unlisted-names",
        &["eval", "--json", "realistic/utils-overlay#devShells.x86_64-linux.default.nativeBuildInputs"],
    );
    realistic("realistic-unlisted-callpackage", &["eval", "--json", "realistic/utils-overlay#packages.x86_64-linux.mytool.buildInputs"]);
    // Stand-in packages have `outputs` and keep the values they were given; their attributes
    // are read without forcing the others, but building a source imported from a derivation
    // needs a build, which the error names.
    realistic("realistic-lazy-packages-outputs", &["eval", "--json", "realistic/lazy-packages#outputNames"]);
    realistic("realistic-lazy-packages-helper", &["eval", "realistic/lazy-packages#helperKept"]);
    realistic("realistic-lazy-packages-ifd", &["eval", "realistic/lazy-packages#packages.x86_64-linux.from-generated.drvPath"]);
    // flake-parts: `withSystem` in the flake-level module, `self'` and `config` in perSystem.
    realistic("realistic-parts-with-system", &["eval", "realistic/parts#hydraJobs.server.aarch64-linux.name"]);
}
