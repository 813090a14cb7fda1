//! What the flake subcommands (`outputs`, `metadata`, `resolve`, `eval FLAKEREF#ATTR`) share:
//! their common flags, running the evaluation on a big stack with a [`FlakeIo`], loading the
//! flake, and turning errors into text. It does not print; each subcommand does.

use crate::error::render::{render, RenderOptions};
use crate::error::EvalError;
use crate::eval::{EvalOptions, Evaluator, Value};
use crate::flake::call::{load_flake, FlakeIo, FlakeOptions, LoadedFlake, Mounts};
use std::path::PathBuf;

/// Flags every flake subcommand accepts.
#[derive(Clone, Debug, Default)]
pub struct FlakeArgs {
    pub flake_ref: Option<String>,
    pub overrides: Vec<(String, String)>,
    pub system: Option<String>,
    pub show_trace: bool,
    pub json: bool,
    pub all_systems: bool,
    pub legacy: bool,
    /// `--no-stand-ins`: inputs that cannot be fetched are errors even when nixeval has a
    /// built-in stand-in for them (and are never opaque values).
    pub no_stand_ins: bool,
    /// Other positional arguments (after the first), for subcommands that take more.
    pub rest: Vec<String>,
}

/// Parses the common flags; `extra` lists the boolean flags this subcommand accepts
/// (`--json`, `--all-systems`, `--legacy`).
pub fn parse(args: Vec<String>, extra: &[&str]) -> Result<FlakeArgs, String> {
    let mut out = FlakeArgs::default();
    let mut positional = Vec::new();
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("flag '{name}' requires an argument"));
        match a.as_str() {
            "--override-input" => {
                let n = value(&a)?;
                let r = value(&a)?;
                out.overrides.push((n, r));
            }
            "--system" => out.system = Some(value(&a)?),
            "--show-trace" => out.show_trace = true,
            "--no-stand-ins" => out.no_stand_ins = true,
            f if extra.contains(&f) => match f {
                "--json" => out.json = true,
                "--all-systems" => out.all_systems = true,
                "--legacy" => out.legacy = true,
                _ => {}
            },
            "--" => positional.extend(it.by_ref()),
            s if s.starts_with('-') && s.len() > 1 => return Err(format!("unrecognised flag '{s}'")),
            _ => positional.push(a),
        }
    }
    let mut p = positional.into_iter();
    out.flake_ref = p.next();
    out.rest = p.collect();
    Ok(out)
}

/// What a subcommand produced: exit status (0, 1), standard output and standard error text.
pub struct Outcome {
    pub code: u8,
    pub stdout: String,
    pub stderr: String,
}

/// The evaluation context handed to a subcommand.
pub struct Session<'a> {
    pub ev: &'a mut Evaluator,
    pub flake: LoadedFlake,
    pub args: &'a FlakeArgs,
    pub color: bool,
}

impl Session<'_> {
    /// Renders an evaluation error with its source snippet.
    pub fn render_error(&self, e: &EvalError) -> String {
        render(e, &self.ev.sources, &RenderOptions { show_trace: self.args.show_trace, color: self.color })
    }

    /// The flake's `outputs` set.
    pub fn outputs(&mut self) -> Result<Value, EvalError> {
        let v = self.ev.force(&self.flake.value)?;
        match &v {
            Value::Attrs(a) => match a.get(crate::eval::symbol::Symbol::new("outputs")) {
                Some(t) => {
                    let t = t.clone();
                    self.ev.force(&t)
                }
                None => Ok(v.clone()),
            },
            _ => Ok(v),
        }
    }

    pub fn system(&self) -> String {
        self.ev.options.system.clone()
    }
}

fn warn_line(color: bool, text: &str) -> String {
    let head = if color { "\x1b[35;1mwarning:\x1b[0m" } else { "warning:" };
    format!("{} {}\n", head, text)
}

/// Loads the flake named by the arguments (default `.`) and runs `f` with it, on a thread
/// with a big stack. Notes and warnings gathered while loading go to standard error first.
pub fn run_with_flake(
    args: FlakeArgs,
    f: impl FnOnce(&mut Session<'_>) -> Outcome + Send + 'static,
) -> Outcome {
    run_with_load_result(args, move |ev, args, color, loaded| match loaded {
        Ok(flake) => {
            let mut session = Session { ev, flake, args, color };
            let out = f(&mut session);
            (out, Some(session.flake))
        }
        Err(e) => {
            let text = render(&e, &ev.sources, &RenderOptions { show_trace: args.show_trace, color });
            (Outcome { code: 1, stdout: String::new(), stderr: text }, None)
        }
    })
}

/// Like [`run_with_flake`], but `f` also sees a failure to load the flake (with the evaluator
/// that tried). `f` hands the loaded flake back so its warnings can be printed.
pub fn run_with_load_result(
    args: FlakeArgs,
    f: impl FnOnce(&mut Evaluator, &FlakeArgs, bool, Result<LoadedFlake, EvalError>) -> (Outcome, Option<LoadedFlake>)
        + Send
        + 'static,
) -> Outcome {
    const STACK: usize = 1 << 30;
    let color = super::stderr_color();
    crate::eval::with_big_stack(STACK, move || {
        let mut options = EvalOptions::default();
        options.max_stack_bytes = STACK - (64 << 20);
        options.impure = false;
        if let Some(s) = &args.system {
            options.system = s.clone();
        }
        let mounts = Mounts::default();
        let mut ev = Evaluator::new(options, Box::new(FlakeIo::new(mounts.clone())));
        // The flake commands report spans (`nixeval check`), so positions keep their ends.
        ev.sources.keep_span_ends = true;
        ev.caches.get_flake = Some(crate::builtins::getflake::GetFlakeState::new(mounts.clone()));
        ev.reset_stack_base();
        let base_dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
        let mut fopts = FlakeOptions::new(base_dir);
        fopts.overrides = args.overrides.clone();
        fopts.stand_ins = std::rc::Rc::new(crate::flake::standins::BuiltinStandIns { enabled: !args.no_stand_ins });
        fopts.opaque_inputs = !args.no_stand_ins;
        let reference = args.flake_ref.clone().unwrap_or_else(|| ".".to_string());
        let loaded = load_flake(&mut ev, &mounts, &reference, &fopts);
        let mut pre = String::new();
        if let Ok(flake) = &loaded {
            for n in &flake.notes {
                if n.starts_with("Git tree") {
                    pre.push_str(&warn_line(color, n));
                } else {
                    pre.push_str(n);
                    pre.push('\n');
                }
            }
        }
        let (mut out, flake) = f(&mut ev, &args, color, loaded);
        if let Some(flake) = flake {
            for n in flake.stand_in_notes() {
                pre.push_str(&n);
                pre.push('\n');
            }
            for w in flake.warnings() {
                pre.push_str(&warn_line(color, &w));
            }
        }
        out.stderr = pre + &out.stderr;
        out
    })
}

/// Prints an outcome and returns its exit status.
pub fn finish(out: Outcome) -> super::Exit {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.stdout.as_bytes());
    let _ = stdout.flush();
    if !out.stderr.is_empty() {
        eprint!("{}", out.stderr);
    }
    if out.code == 0 {
        super::Exit::Ok
    } else {
        super::Exit::Failed
    }
}

/// Whether standard output is a terminal that may be coloured.
pub fn stdout_color() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").map_or(true, |v| v.is_empty()) && std::io::stdout().is_terminal()
}
