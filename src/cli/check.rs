//! `nixeval check [FLAKEREF]`: lint a flake for CI, like `nix flake check --no-build` but
//! offline, reporting every problem (not just the first) with its position, plus input and
//! lock hygiene.
//!
//! The checks are [`crate::flake::check`]; this module parses the flags, filters findings
//! (`--only`, `--skip`), prints them in the chosen format to standard output (colour only on a
//! terminal, never with `NO_COLOR`) and picks the exit status: 0 clean, 1 findings at or above
//! the chosen severity, 2 when the check could not run (bad flags, no readable flake).

use super::flake_args::{self, Outcome};
use super::{usage_error, Exit};
use crate::flake::check::format::{render, Format};
use crate::flake::check::{check_flake, load_error_findings, rule_of, CheckOptions, Report, Severity};

pub const HELP: &str = "\
nixeval check: lint a flake (like `nix flake check --no-build`, offline, every problem at once)

Usage: nixeval check [FLAKEREF] [OPTIONS]

Checks what `nix flake check` checks when evaluating (derivations and their drvPath, apps,
overlays, NixOS modules and configurations, hydraJobs, templates, bundlers, formatter, system
names, deprecated and unknown outputs), reports every evaluation error with its attribute path
and position, and checks inputs and flake.lock (unlocked, stale or unused entries, `follows`
that lead nowhere, unused inputs, several nixpkgs revisions, mutable references). Nothing is
built or fetched; flake.lock is never written. FLAKEREF defaults to `.`.

Options:
      --system SYSTEM          Check the outputs of SYSTEM (default: this machine's)
      --all-systems            Check the outputs of every system
      --format FORMAT          human (default), json, github (GitHub Actions annotations),
                               sarif (SARIF 2.1.0 for code scanning)
      --deny warnings          Exit 1 on warnings too
      --only CODE,...          Report only these codes (e.g. E002,W104)
      --skip CODE,...          Do not report these codes
      --override-input NAME FLAKEREF
                               Use FLAKEREF for input NAME (`nixpkgs`, `a/b` for nested inputs)
      --show-trace             Show whole traces in messages about the flake itself
  -h, --help                   Show this help

Codes: E... errors (nix flake check fails or the output cannot work), W... warnings.
Run `nixeval check --list-codes` for the list.

Exit status: 0 no findings (warnings allowed unless --deny warnings), 1 findings,
2 the check could not run (bad flags, no readable flake).

Examples:
  nixeval check
  nixeval check --all-systems --deny warnings .
  nixeval check --format github .      # in a GitHub Actions step: inline annotations
  nixeval check --format sarif . > nixeval.sarif
  nixeval check --skip W104,W105 --override-input nixpkgs ~/src/nixpkgs
";

/// The flags of `check` that the other flake subcommands do not have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckFlags {
    pub format: Format,
    pub deny_warnings: bool,
    pub only: Vec<String>,
    pub skip: Vec<String>,
}

fn codes(list: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for c in list.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        let c = c.to_ascii_uppercase();
        if rule_of(&c).is_none() {
            return Err(format!("unknown check code '{}' (see `nixeval check --list-codes`)", c));
        }
        out.push(c);
    }
    Ok(out)
}

/// Takes the `check` flags out of `args`, leaving the common flake flags.
pub fn parse_flags(args: Vec<String>) -> Result<(CheckFlags, Vec<String>), String> {
    let mut flags = CheckFlags { format: Format::Human, deny_warnings: false, only: Vec::new(), skip: Vec::new() };
    let mut rest = Vec::new();
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        let value = |it: &mut std::vec::IntoIter<String>| {
            inline.clone().or_else(|| it.next()).ok_or_else(|| format!("flag '{}' requires an argument", name))
        };
        match name.as_str() {
            "--format" => {
                let v = value(&mut it)?;
                flags.format = Format::parse(&v).ok_or_else(|| format!("unknown format '{}' (expected human, json, github or sarif)", v))?;
            }
            "--deny" => {
                let v = value(&mut it)?;
                if v != "warnings" {
                    return Err(format!("unknown value '{}' for --deny (expected 'warnings')", v));
                }
                flags.deny_warnings = true;
            }
            "--only" => flags.only.extend(codes(&value(&mut it)?)?),
            "--skip" => flags.skip.extend(codes(&value(&mut it)?)?),
            "--" => {
                rest.push(a);
                rest.extend(it.by_ref());
            }
            _ => rest.push(a),
        }
    }
    Ok((flags, rest))
}

/// Keeps the findings `--only`/`--skip` select.
pub fn filter(report: &mut Report, flags: &CheckFlags) {
    report.findings.retain(|f| {
        (flags.only.is_empty() || flags.only.iter().any(|c| c == f.code)) && !flags.skip.iter().any(|c| c == f.code)
    });
}

/// The exit status for a (filtered) report.
pub fn status(report: &Report, flags: &CheckFlags) -> u8 {
    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    u8::from(errors > 0 || (flags.deny_warnings && warnings > 0))
}

fn list_codes() -> String {
    let mut out = String::new();
    for r in crate::flake::check::RULES {
        out.push_str(&format!("{}  {:<8} {:<22} {}\n", r.code, r.severity.as_str(), r.name, r.summary));
    }
    out
}

pub fn run(args: Vec<String>) -> Exit {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        print!("{HELP}");
        return Exit::Ok;
    }
    if args.iter().any(|a| a == "--list-codes") {
        print!("{}", list_codes());
        return Exit::Ok;
    }
    let (flags, rest) = match parse_flags(args) {
        Ok(x) => x,
        Err(msg) => return usage_error(&msg, HELP),
    };
    let args = match flake_args::parse(rest, &["--all-systems"]) {
        Ok(a) => a,
        Err(msg) => return usage_error(&msg, HELP),
    };
    if !args.rest.is_empty() {
        return usage_error("only one flake reference can be given", HELP);
    }
    if args.all_systems && args.system.is_some() {
        return usage_error("--system and --all-systems cannot be used together", HELP);
    }
    let color = flake_args::stdout_color();
    let out = flake_args::run_with_load_result(args, {
        let flags = flags.clone();
        move |ev, args, err_color, loaded| {
            let opts = CheckOptions { system: ev.options.system.clone(), all_systems: args.all_systems };
            let (mut report, flake) = match loaded {
                Ok(flake) => (check_flake(ev, &flake, &opts), Some(flake)),
                Err(e) => match load_error_findings(ev, &e) {
                    Some(findings) => (Report { findings, ..Report::default() }, None),
                    None => {
                        let text = crate::error::render::render(
                            &e,
                            &ev.sources,
                            &crate::error::render::RenderOptions { show_trace: args.show_trace, color: err_color },
                        );
                        return (Outcome { code: 2, stdout: String::new(), stderr: text }, None);
                    }
                },
            };
            filter(&mut report, &flags);
            let stdout = render(&report, flags.format, color && flags.format == Format::Human);
            // Lock differences are findings here; the loader's other warnings still go to
            // standard error.
            let mut stderr = String::new();
            for w in flake.iter().flat_map(|f| f.warnings()) {
                if !w.ends_with("(resolved in memory; flake.lock is left as it is)") {
                    stderr.push_str(&format!("warning: {}\n", w));
                }
            }
            (Outcome { code: status(&report, &flags), stdout, stderr }, None)
        }
    });
    let could_not_run = out.code == 2;
    let exit = flake_args::finish(out);
    if could_not_run {
        Exit::Usage
    } else {
        exit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn check_flags_are_taken_out() {
        let (f, rest) = parse_flags(s(&["--format", "sarif", ".", "--only=e002,W104", "--deny", "warnings", "--system", "x"])).unwrap();
        assert_eq!(f.format, Format::Sarif);
        assert_eq!(f.only, ["E002", "W104"]);
        assert!(f.deny_warnings);
        assert_eq!(rest, s(&[".", "--system", "x"]));
    }

    #[test]
    fn bad_flags_are_usage_errors() {
        assert!(parse_flags(s(&["--format", "xml"])).unwrap_err().contains("unknown format 'xml'"));
        assert!(parse_flags(s(&["--only", "E999"])).unwrap_err().contains("unknown check code 'E999'"));
        assert!(parse_flags(s(&["--deny", "errors"])).is_err());
        assert!(parse_flags(s(&["--format"])).unwrap_err().contains("requires an argument"));
    }
}
