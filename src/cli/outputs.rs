//! `nixeval outputs [FLAKEREF]`: the tree `nix flake show` prints, or its JSON.
//!
//! The walk itself is [`crate::flake::show`]; this module parses the flags, prints the tree to
//! standard output (coloured only on a terminal, never with `NO_COLOR`) and the details of
//! failed outputs to standard error, and exits 1 when any output failed.

use super::flake_args::{self, Outcome};
use super::{usage_error, Exit};
use crate::flake::show::{omitted, render_text, show_outputs, to_json, ShowOptions};

pub const HELP: &str = "\
nixeval outputs: list what a flake provides (like `nix flake show`)

Usage: nixeval outputs [FLAKEREF] [OPTIONS]

FLAKEREF defaults to `.`: a directory (searched upwards for flake.nix, up to the Git root),
`path:DIR`, `git+file:DIR`, optionally with `?dir=SUBDIR`. Inputs are read offline: local
`path:`/`git+file:` inputs, inputs already in /nix/store, or `--override-input`, else nixeval's
stand-in for them (nixpkgs, flake-utils, ...), else they are opaque: outputs that depend on
them are listed as such (`package (depends on unavailable input 'crane')`). Inputs that the
listed outputs do not use are never read. flake.lock is never written.

Options:
      --json                   Print the outputs as JSON (with the locked URL under \"_url\")
      --all-systems            Show the outputs of every system, not only the current one
      --legacy                 Show the contents of legacyPackages
      --system SYSTEM          The current system (default: this machine's)
      --override-input NAME FLAKEREF
                               Use FLAKEREF for input NAME (`nixpkgs`, `a/b` for nested inputs)
      --no-stand-ins           Never replace an input that cannot be fetched with nixeval's
                               built-in stand-in (nixpkgs, flake-utils, systems, flake-parts)
                               or an opaque value: such inputs are errors
      --show-trace             Show the whole trace of errors
  -h, --help                   Show this help

Exit status: 0 success, 1 some output failed to evaluate (the others are still listed;
outputs that depend on unavailable inputs are not failures), 2 usage error.

Examples:
  nixeval outputs fixtures/flakes/python-app
  nixeval outputs --all-systems --json .
  nixeval outputs --override-input nixpkgs ~/src/nixpkgs .
";

pub fn run(args: Vec<String>) -> Exit {
    let args = match super::parse_or_help(args, HELP, |a| flake_args::parse(a, &["--json", "--all-systems", "--legacy"])) {
        Ok(a) => a,
        Err(exit) => return exit,
    };
    if !args.rest.is_empty() {
        return usage_error("only one flake reference can be given", HELP);
    }
    let color = flake_args::stdout_color();
    let out = flake_args::run_with_flake(args, move |s| {
        let opts = ShowOptions { system: s.system(), all_systems: s.args.all_systems, legacy: s.args.legacy };
        let flake = match s.ev.force(&s.flake.value) {
            Ok(v) => v,
            Err(e) => return Outcome { code: 1, stdout: String::new(), stderr: s.render_error(&e) },
        };
        let tree = show_outputs(s.ev, &flake, &opts);
        let mut stderr = String::new();
        for w in tree.warnings() {
            stderr.push_str(&format!("warning: {}\n", w));
        }
        let stdout = if s.args.json {
            for (path, flag) in omitted(&tree) {
                stderr.push_str(&format!("warning: {} omitted (use '{}' to show)\n", path, flag));
            }
            let mut j = to_json(&tree);
            if let serde_json::Value::Object(m) = &mut j {
                m.insert("_url".into(), serde_json::Value::String(s.flake.locked_url.clone()));
            }
            format!("{}\n", j)
        } else {
            render_text(&tree, &s.flake.locked_url, color)
        };
        let errors = tree.errors();
        for (path, e) in &errors {
            stderr.push_str(&format!("while evaluating the flake output '{}':\n", path));
            stderr.push_str(&s.render_error(e));
        }
        Outcome { code: if errors.is_empty() { 0 } else { 1 }, stdout, stderr }
    });
    flake_args::finish(out)
}
