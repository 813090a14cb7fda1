//! `nixeval resolve build|run|develop [FLAKEREF[#ATTR]]` and `nixeval eval FLAKEREF#ATTRPATH`:
//! the nix CLI's attribute lookup in a flake's outputs.
//!
//! `resolve` tells which output `nix build`, `nix run` or `nix develop` would use (the
//! reference's default attribute paths and prefixes), its derivation name and, for `run`, the
//! program; when none exists it fails with the reference's message listing what was tried.
//! `eval` prints the value at `ATTRPATH` (tried as is, then under `packages.<system>` and
//! `legacyPackages.<system>`), like `nix eval`. Nothing is built.

use super::flake_args::{self, Outcome, Session};
use super::{usage_error, Exit};
use crate::error::EvalError;
use crate::eval::symbol::Symbol;
use crate::eval::Value;

pub const HELP: &str = "\
nixeval resolve: which flake output `nix build`, `nix run` or `nix develop` would use

Usage: nixeval resolve build|run|develop [FLAKEREF[#ATTR]] [OPTIONS]

Without #ATTR the default outputs are tried in the reference's order (for develop:
devShells.<system>.default, devShell.<system>, packages.<system>.default,
defaultPackage.<system>). With #ATTR, ATTR is tried as is and under the command's prefixes
(develop: devShells.<system>, packages.<system>, legacyPackages.<system>). Prints the
attribute path, the derivation name and, for run, the program that would be executed.

Options:
      --system SYSTEM          The current system (default: this machine's)
      --override-input NAME FLAKEREF
                               Use FLAKEREF for input NAME
      --no-stand-ins           Never replace an input that cannot be fetched with nixeval's
                               built-in stand-in (nixpkgs, flake-utils, systems, flake-parts)
                               or an opaque value: such inputs are errors
      --show-trace             Show the whole trace of errors
  -h, --help                   Show this help

Examples:
  nixeval resolve develop fixtures/flakes/python-app
  nixeval resolve run fixtures/flakes/python-app#default
";

pub const EVAL_HELP: &str = "\
nixeval eval FLAKEREF#ATTRPATH: evaluate a flake output (like `nix eval`)

Usage: nixeval eval FLAKEREF#ATTRPATH [--json] [OPTIONS]

ATTRPATH is tried as is, then as packages.<system>.ATTRPATH and
legacyPackages.<system>.ATTRPATH. The value is evaluated deeply and printed as Nix
(or JSON with --json).

Options:
      --json                   Print the value as JSON
      --system SYSTEM          The current system (default: this machine's)
      --override-input NAME FLAKEREF
                               Use FLAKEREF for input NAME
      --no-stand-ins           Never replace an input that cannot be fetched with nixeval's
                               built-in stand-in (nixpkgs, flake-utils, systems, flake-parts)
                               or an opaque value: such inputs are errors
      --show-trace             Show the whole trace of errors

Examples:
  nixeval eval fixtures/flakes/python-app#devShells.x86_64-linux.default.name
  nixeval eval --json 'fixtures/flakes/mini-nixpkgs#lib.version'
";

/// Follows a dotted attribute path (quoted components allowed) in `root`.
/// `Ok(None)` when some component is missing.
fn lookup(s: &mut Session<'_>, root: &Value, path: &str) -> Result<Option<Value>, EvalError> {
    let mut v = root.clone();
    if path.is_empty() {
        return Ok(Some(v));
    }
    for c in super::eval::split_attr_path(path) {
        if let Value::Opaque(o) = &v {
            // Every attribute of an opaque value exists (and is opaque unless known).
            v = s.ev.force(&crate::eval::opaque::select(o, Symbol::new(&c)))?;
            continue;
        }
        let Value::Attrs(a) = &v else { return Ok(None) };
        let Some(t) = a.get(Symbol::new(&c)).cloned() else { return Ok(None) };
        v = s.ev.force(&t)?;
    }
    Ok(Some(v))
}

fn quote_list(items: &[String]) -> String {
    let q: Vec<String> = items.iter().map(|i| format!("'{}'", i)).collect();
    match q.len() {
        0 => String::new(),
        1 => q[0].clone(),
        n => format!("{} or {}", q[..n - 1].join(", "), q[n - 1]),
    }
}

/// The attribute paths to try, as the nix CLI does (`getActualAttrPaths`).
pub fn candidates(command: &str, fragment: &str, system: &str) -> Vec<String> {
    if let Some(exact) = fragment.strip_prefix('.') {
        return vec![exact.to_string()];
    }
    if fragment.is_empty() {
        return match command {
            "develop" => vec![
                format!("devShells.{system}.default"),
                format!("devShell.{system}"),
                format!("packages.{system}.default"),
                format!("defaultPackage.{system}"),
            ],
            "run" => vec![
                format!("apps.{system}.default"),
                format!("defaultApp.{system}"),
                format!("packages.{system}.default"),
                format!("defaultPackage.{system}"),
            ],
            _ => vec![format!("packages.{system}.default"), format!("defaultPackage.{system}")],
        };
    }
    let prefixes: &[&str] = match command {
        "develop" => &["devShells", "packages", "legacyPackages"],
        "run" => &["apps", "packages", "legacyPackages"],
        _ => &["packages", "legacyPackages"],
    };
    let mut out = vec![fragment.to_string()];
    out.extend(prefixes.iter().map(|p| format!("{p}.{system}.{fragment}")));
    out
}

fn find(s: &mut Session<'_>, tried: &[String]) -> Result<(String, Value), EvalError> {
    let outputs = s.outputs()?;
    for p in tried {
        if let Some(v) = lookup(s, &outputs, p)? {
            return Ok((p.clone(), v));
        }
    }
    Err(EvalError::eval(format!(
        "flake '{}' does not provide attribute {}",
        s.flake.original_url,
        quote_list(tried)
    )))
}

fn attr_str(s: &mut Session<'_>, v: &Value, name: &str) -> Result<Option<String>, EvalError> {
    let Value::Attrs(a) = v else { return Ok(None) };
    let Some(t) = a.get(Symbol::new(name)).cloned() else { return Ok(None) };
    match s.ev.force(&t)? {
        Value::String(x) => Ok(Some(x.to_str_lossy().into_owned())),
        _ => Ok(None),
    }
}

fn is_derivation(s: &mut Session<'_>, v: &Value) -> Result<bool, EvalError> {
    Ok(attr_str(s, v, "type")?.as_deref() == Some("derivation"))
}

fn coerce(s: &mut Session<'_>, v: &Value) -> Result<String, EvalError> {
    let r = s.ev.coerce_to_string(v, crate::eval::ops::Coercion::INTERPOLATE)?;
    Ok(r.to_str_lossy().into_owned())
}

fn resolve(s: &mut Session<'_>, command: &str) -> Result<String, EvalError> {
    let system = s.system();
    let tried = candidates(command, &s.flake.fragment.clone(), &system);
    let (path, v) = find(s, &tried)?;
    let mut out = format!("attribute: {}\n", path);
    let app = command == "run" && attr_str(s, &v, "type")?.as_deref() == Some("app");
    if app {
        let program = match &v {
            Value::Attrs(a) => match a.get(Symbol::new("program")).cloned() {
                Some(t) => {
                    let p = s.ev.force(&t)?;
                    coerce(s, &p)?
                }
                None => return Err(EvalError::eval(format!("app '{}' lacks attribute 'program'", path))),
            },
            _ => unreachable_set(),
        };
        out.push_str("type: app\n");
        out.push_str(&format!("program: {}\n", program));
        return Ok(out);
    }
    if !is_derivation(s, &v)? {
        let what = if command == "run" { "an app or a derivation" } else { "a derivation or path" };
        return Err(EvalError::eval(format!(
            "expected flake output attribute '{}' to be {} but found {}: {}",
            path,
            what,
            v.type_phrase(),
            crate::print::short(&v)
        )));
    }
    let name = attr_str(s, &v, "name")?.unwrap_or_default();
    out.push_str(&format!("name: {}\n", name));
    if command == "run" {
        // `nix run` on a derivation runs bin/<meta.mainProgram or pname or the name's name part>.
        let main = match &v {
            Value::Attrs(a) => match a.get(Symbol::new("meta")).cloned() {
                Some(m) => {
                    let m = s.ev.force(&m)?;
                    attr_str(s, &m, "mainProgram")?
                }
                None => None,
            },
            _ => None,
        };
        let prog = match main {
            Some(p) => p,
            None => match attr_str(s, &v, "pname")? {
                Some(p) => p,
                None => crate::versions::parse_drv_name(&name).0.to_string(),
            },
        };
        let out_path = match &v {
            Value::Attrs(a) => match a.get(Symbol::new("outPath")).cloned() {
                Some(t) => {
                    let o = s.ev.force(&t)?;
                    coerce(s, &o)?
                }
                None => return Err(EvalError::eval(format!("derivation '{}' has no 'outPath'", path))),
            },
            _ => String::new(),
        };
        out.push_str(&format!("program: {}/bin/{}\n", out_path, prog));
    }
    Ok(out)
}

fn unreachable_set() -> String {
    String::new()
}

pub fn run(args: Vec<String>) -> Exit {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        print!("{HELP}");
        return Exit::Ok;
    }
    let Some(command) = args.first().cloned() else {
        return usage_error("missing command: build, run or develop", HELP);
    };
    if !matches!(command.as_str(), "build" | "run" | "develop") {
        return usage_error(&format!("unknown command '{}': expected build, run or develop", command), HELP);
    }
    let args = match flake_args::parse(args[1..].to_vec(), &[]) {
        Ok(a) => a,
        Err(msg) => return usage_error(&msg, HELP),
    };
    if !args.rest.is_empty() {
        return usage_error("only one flake reference can be given", HELP);
    }
    let out = flake_args::run_with_flake(args, move |s| match resolve(s, &command) {
        Ok(text) => Outcome { code: 0, stdout: text, stderr: String::new() },
        Err(e) => Outcome { code: 1, stdout: String::new(), stderr: s.render_error(&e) },
    });
    flake_args::finish(out)
}

/// Whether `nixeval eval` arguments name a flake output (`FLAKEREF#ATTRPATH`).
pub fn is_flake_eval(args: &[String]) -> bool {
    let mut skip = false;
    for a in args {
        if skip {
            skip = false;
            continue;
        }
        match a.as_str() {
            "-E" | "--expr" => return false,
            "-A" | "--attr" | "-I" | "--include" | "--system" | "--max-call-depth" | "--override-input" => {
                skip = true
            }
            s if !s.starts_with('-') && s.contains('#') => return true,
            _ => {}
        }
    }
    false
}

/// `nixeval eval FLAKEREF#ATTRPATH [--json]`.
pub fn run_eval(args: Vec<String>) -> Exit {
    let args = match super::parse_or_help(args, EVAL_HELP, |a| flake_args::parse(a, &["--json"])) {
        Ok(a) => a,
        Err(exit) => return exit,
    };
    if !args.rest.is_empty() {
        return usage_error("only one flake reference can be given", EVAL_HELP);
    }
    let out = flake_args::run_with_flake(args, move |s| {
        let r = (|| -> Result<String, EvalError> {
            let system = s.system();
            let fragment = s.flake.fragment.clone();
            let tried = if fragment.is_empty() {
                candidates("build", "", &system)
            } else {
                candidates("eval", &fragment, &system)
            };
            let (path, v) = find(s, &tried)?;
            if let Value::Opaque(o) = &v {
                return Err(EvalError::eval(format!(
                    "the value of '{}' {}{}' ({}); it cannot be evaluated offline",
                    path,
                    crate::eval::opaque::MARKER,
                    o.input,
                    o.path
                ))
                .with_hint(format!("provide the input with '--override-input {} PATH' (a local checkout)", o.input)));
            }
            if s.args.json {
                let j = crate::builtins::json::to_json(s.ev, &v, true)?;
                Ok(format!("{}\n", j))
            } else {
                s.ev.force_deep(&v)?;
                Ok(format!("{}\n", String::from_utf8_lossy(&crate::print::print_value(&v))))
            }
        })();
        match r {
            Ok(text) => {
                let (code, stderr) = opaque_notes(s, &text);
                Outcome { code, stdout: text, stderr }
            }
            Err(e) => Outcome { code: 1, stdout: String::new(), stderr: s.render_error(&e) },
        }
    });
    flake_args::finish(out)
}

/// What `eval` says about a printed result that depends on unavailable inputs: parts shown as
/// `«depends on unavailable input 'x': ...»` (exit status 1), or derivations computed with
/// placeholders for them (a warning).
fn opaque_notes(s: &mut Session<'_>, printed: &str) -> (u8, String) {
    let marker = format!("«{}", crate::eval::opaque::MARKER);
    let mut shown: Vec<String> = Vec::new();
    for part in printed.split(marker.as_str()).skip(1) {
        if let Some(end) = part.find('\'') {
            let input = part[..end].to_string();
            if !shown.contains(&input) {
                shown.push(input);
            }
        }
    }
    let mut stderr = String::new();
    for i in &shown {
        stderr.push_str(&format!("error: parts of this value depend on unavailable input '{}' (shown as «{}{}': ...»)\n", i, crate::eval::opaque::MARKER, i));
    }
    for i in s.ev.caches.opaque.all_tainting_inputs() {
        stderr.push_str(&format!(
            "warning: derivations in this value were computed with placeholder paths for unavailable input '{}'; their store paths are not the real ones\n",
            i
        ));
    }
    (if shown.is_empty() { 0 } else { 1 }, stderr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_candidates() {
        assert_eq!(
            candidates("develop", "", "x86_64-linux"),
            [
                "devShells.x86_64-linux.default",
                "devShell.x86_64-linux",
                "packages.x86_64-linux.default",
                "defaultPackage.x86_64-linux"
            ]
        );
        assert_eq!(
            candidates("eval", "hello", "s"),
            ["hello", "packages.s.hello", "legacyPackages.s.hello"]
        );
        assert_eq!(candidates("build", ".a.b", "s"), ["a.b"]);
        assert_eq!(
            quote_list(&["a".into(), "b".into(), "c".into()]),
            "'a', 'b' or 'c'"
        );
    }

    #[test]
    fn flake_eval_detection() {
        let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(is_flake_eval(&v(&[".#foo"])));
        assert!(is_flake_eval(&v(&["--json", "path:/x#a.b"])));
        assert!(!is_flake_eval(&v(&["-E", "\"#\""])));
        assert!(!is_flake_eval(&v(&["file.nix"])));
    }
}
