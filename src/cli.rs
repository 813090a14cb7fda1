//! The command-line front end: argument parsing, dispatch to one module per subcommand, and
//! the only place that prints results or chooses exit codes (0 success, 1 the Nix program
//! failed, 2 usage or internal error). Colour is used only on a terminal and never when
//! `NO_COLOR` is set.

pub mod check;
pub mod eval;
pub mod flake_args;
pub mod metadata;
pub mod outputs;
pub mod overlays;
pub mod resolve;

use std::io::IsTerminal;
use std::process::ExitCode;

pub const USAGE: &str = "\
nixeval: a fast standalone evaluator of the Nix language and of Nix flakes

Usage: nixeval <COMMAND> [OPTIONS]

Commands:
  eval      Evaluate a Nix expression or file (like `nix-instantiate --eval`),
            or a flake output: `nixeval eval FLAKEREF#ATTRPATH`
  outputs   List what a flake provides (like `nix flake show`)
  metadata  Show a flake's locked reference and where each input comes from
  check     Lint a flake for CI (like `nix flake check --no-build`, offline)
  resolve   Which output `nix build`, `nix run` or `nix develop` would use
  overlays  Show how an overlay's layers, `final` and `prev` build a package set
  help      Show this message, or the help of a command (`nixeval help eval`)

Options:
  -h, --help       Show help
  -V, --version    Show the version

Examples:
  nixeval eval -E '1 + 2'
  nixeval eval --strict --json fixtures/eval/hello.nix
  nixeval outputs fixtures/flakes/python-app
  nixeval metadata fixtures/flakes/python-app
  nixeval resolve develop fixtures/flakes/python-app
  nixeval check --format github fixtures/flakes/python-app
  nixeval overlays fixtures/flakes/python-app
";

/// Exit statuses.
pub enum Exit {
    Ok,
    /// The Nix program failed (evaluation error).
    Failed,
    /// Bad usage, I/O or internal error.
    Usage,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        match e {
            Exit::Ok => ExitCode::SUCCESS,
            Exit::Failed => ExitCode::from(1),
            Exit::Usage => ExitCode::from(2),
        }
    }
}

/// Whether to colour output written to stderr.
pub fn stderr_color() -> bool {
    std::env::var_os("NO_COLOR").map_or(true, |v| v.is_empty()) && std::io::stderr().is_terminal()
}

pub fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = std::panic::catch_unwind(|| run(args));
    match result {
        Ok(exit) => exit.into(),
        Err(_) => {
            eprintln!("error: internal error in nixeval (this is a bug; please report it)");
            ExitCode::from(2)
        }
    }
}

fn run(args: Vec<String>) -> Exit {
    let Some(cmd) = args.first() else {
        eprint!("{USAGE}");
        return Exit::Usage;
    };
    let rest = args[1..].to_vec();
    match cmd.as_str() {
        "eval" if resolve::is_flake_eval(&rest) => resolve::run_eval(rest),
        "eval" => eval::run(rest),
        "outputs" => outputs::run(rest),
        "metadata" => metadata::run(rest),
        "resolve" => resolve::run(rest),
        "check" => check::run(rest),
        "overlays" => overlays::run(rest),
        "-h" | "--help" => {
            print!("{USAGE}");
            Exit::Ok
        }
        "help" => match rest.first().map(|s| s.as_str()) {
            Some("eval") => {
                print!("{}", eval::HELP);
                print!("\n{}", resolve::EVAL_HELP);
                Exit::Ok
            }
            Some("outputs") => {
                print!("{}", outputs::HELP);
                Exit::Ok
            }
            Some("metadata") => {
                print!("{}", metadata::HELP);
                Exit::Ok
            }
            Some("check") => {
                print!("{}", check::HELP);
                Exit::Ok
            }
            Some("overlays") => {
                print!("{}", overlays::HELP);
                Exit::Ok
            }
            Some("resolve") => {
                print!("{}", resolve::HELP);
                Exit::Ok
            }
            _ => {
                print!("{USAGE}");
                Exit::Ok
            }
        },
        "-V" | "--version" => {
            println!("nixeval {}", env!("CARGO_PKG_VERSION"));
            Exit::Ok
        }
        other => {
            eprintln!("error: unknown command '{other}'\n\n{USAGE}");
            Exit::Usage
        }
    }
}

/// Reports a usage error and returns the matching exit status.
/// The start of a subcommand: `-h`/`--help` anywhere prints `help` (`Err(Exit::Ok)`); otherwise
/// `parse` reads the arguments, and what it rejects is a usage error followed by `help`.
pub fn parse_or_help<T>(
    args: Vec<String>,
    help: &str,
    parse: impl FnOnce(Vec<String>) -> Result<T, String>,
) -> Result<T, Exit> {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        print!("{help}");
        return Err(Exit::Ok);
    }
    parse(args).map_err(|msg| usage_error(&msg, help))
}

pub fn usage_error(msg: &str, help: &str) -> Exit {
    eprintln!("error: {msg}\n\n{help}");
    Exit::Usage
}
