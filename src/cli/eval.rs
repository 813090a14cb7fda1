//! `nixeval eval`: evaluate a file or an expression and print the result, with the flags of
//! `nix-instantiate --eval` so that existing language test suites run unchanged.

use super::Exit;
use crate::error::render::{filter_ansi, render, RenderOptions};
use crate::eval::value::{AttrEntry, Attrs, Thunk};
use crate::eval::{EvalOptions, EvalResult, Evaluator, Value};
use crate::syntax::source::Pos;
use std::io::Write;

pub const HELP: &str = "\
nixeval eval: evaluate a Nix expression or file

Usage: nixeval eval [FILE | -E EXPR] [OPTIONS]

With no FILE and no -E, evaluates ./default.nix. A FILE that is a directory means its
default.nix.

Options:
  -E, --expr EXPR          Evaluate EXPR instead of a file
      --strict             Evaluate the result deeply before printing it
      --parse              Only parse and check the code, and print the parsed expression
  FILE may be '-' to read the expression from standard input.
      --json               Print the result as JSON
      --xml                Print the result as XML
      --raw                Print a string result without quotes
  -A, --attr PATH          Select an attribute path from the result (repeatable)
      --arg NAME EXPR      Argument for a top-level function, as a Nix expression
      --argstr NAME VALUE  Argument for a top-level function, as a string
  -I, --include PATH       Add PATH (or NAME=PATH) to the search path used by <...>
      --show-trace         Show the whole trace of an error
      --impure / --pure-eval
                           Allow (default) or forbid impure builtins (getEnv, currentTime)
      --system SYSTEM      The value of builtins.currentSystem
      --max-call-depth N   Maximum depth of nested function calls (default 10000)
      --abort-on-warn      Make builtins.warn fail after printing its warning
      --option NAME VALUE  Set max-call-depth, abort-on-warn or experimental-features
      --extra-experimental-features FEATURES
                           Enable experimental features (e.g. pipe-operators)
      --lint-short-path-literals | --lint-absolute-path-literals | --lint-url-literals LEVEL
                           Report path literals without './', absolute or home path
                           literals, or unquoted URLs: ignore (default), warn or fatal
      --no-location        Leave source locations out of --xml output
      --trace-fixpoint     Watch a fixed point being computed: if the expression is a
                           function `{ lib }: ...`, it gets a `lib` whose `fix` and `extends`
                           log each step (`final.x` needed, which layer defines it, its
                           value) on standard error
  -h, --help               Show this help

Environment: NIX_PATH (search path), NO_COLOR.
Exit status: 0 success, 1 evaluation error, 2 usage error.

Examples:
  nixeval eval -E '1 + 2'
  nixeval eval --strict fixtures/eval/hello.nix
  nixeval eval --json -A packages fixtures/eval/hello.nix
  nixeval eval --trace-fixpoint -E '{ lib }: (lib.fix (final: { a = 1; b = final.a + 1; })).b'
";

#[derive(Default)]
struct Args {
    file: Option<String>,
    expr: Option<String>,
    strict: bool,
    /// `--trace-fixpoint`: call `{ lib }: ...` with a `lib` that logs `fix`/`extends` steps.
    trace_fixpoint: bool,
    json: bool,
    xml: bool,
    /// `--xml` shows source locations unless `--no-location`.
    no_location: bool,
    raw: bool,
    attr_paths: Vec<String>,
    auto_args: Vec<(String, AutoArg)>,
    include: Vec<String>,
    show_trace: bool,
    pure: bool,
    system: Option<String>,
    max_call_depth: Option<u32>,
    /// `--abort-on-warn` / `--option abort-on-warn true`: `builtins.warn` fails after warning.
    abort_on_warn: bool,
    features: Vec<String>,
    lints: [crate::eval::lower::Lint; 3],
    parse_only: bool,
}

enum AutoArg {
    Expr(String),
    Str(String),
}

fn parse(args: Vec<String>) -> Result<Args, String> {
    let mut out = Args::default();
    let mut it = args.into_iter();
    let mut positional = Vec::new();
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("flag '{name}' requires an argument"));
        match a.as_str() {
            "-E" | "--expr" => {
                // `nix-instantiate -E` takes the expression as the positional argument.
                out.expr = Some(String::new());
            }
            "--strict" => out.strict = true,
            "--trace-fixpoint" => out.trace_fixpoint = true,
            "--parse" => out.parse_only = true,
            "--json" => out.json = true,
            "--xml" => out.xml = true,
            "--raw" => out.raw = true,
            "--no-location" => out.no_location = true,
            "--location" => out.no_location = false,
            "--eval" | "--read-write-mode" | "--readonly-mode" => {}
            "-A" | "--attr" => out.attr_paths.push(value(&a)?),
            "--arg" => {
                let n = value(&a)?;
                let v = value(&a)?;
                out.auto_args.push((n, AutoArg::Expr(v)));
            }
            "--argstr" => {
                let n = value(&a)?;
                let v = value(&a)?;
                out.auto_args.push((n, AutoArg::Str(v)));
            }
            "-I" | "--include" => out.include.push(value(&a)?),
            "--show-trace" => out.show_trace = true,
            "--no-show-trace" => out.show_trace = false,
            "--impure" => out.pure = false,
            "--pure-eval" => out.pure = true,
            "--system" => out.system = Some(value(&a)?),
            "--abort-on-warn" => out.abort_on_warn = true,
            "--no-abort-on-warn" => out.abort_on_warn = false,
            "--max-call-depth" => {
                let v = value(&a)?;
                out.max_call_depth = Some(v.parse().map_err(|_| format!("invalid value '{v}' for --max-call-depth"))?);
            }
            "--extra-experimental-features" | "--experimental-features" => {
                out.features.extend(value(&a)?.split_whitespace().map(String::from));
            }
            "--lint-short-path-literals" | "--lint-absolute-path-literals" | "--lint-url-literals" => {
                let v = value(&a)?;
                let lint = crate::eval::lower::Lint::parse(&v)
                    .ok_or_else(|| format!("invalid value '{v}' for {a} (expected ignore, warn or fatal)"))?;
                let idx = match a.as_str() {
                    "--lint-short-path-literals" => 0,
                    "--lint-absolute-path-literals" => 1,
                    _ => 2,
                };
                out.lints[idx] = lint;
            }
            "--option" => {
                let n = value(&a)?;
                let v = value(&a)?;
                match n.as_str() {
                    "max-call-depth" => out.max_call_depth = v.parse().ok(),
                    "abort-on-warn" => out.abort_on_warn = parse_bool_setting(&n, &v)?,
                    "experimental-features" | "extra-experimental-features" => {
                        out.features.extend(v.split_whitespace().map(String::from))
                    }
                    _ => {}
                }
            }
            s if s.starts_with('-') && s.len() > 1 => return Err(format!("unrecognised flag '{s}'")),
            _ => positional.push(a),
        }
    }
    if out.expr.is_some() {
        if positional.is_empty() {
            return Err("-E requires an expression".into());
        }
        out.expr = Some(positional.join(" "));
    } else {
        match positional.len() {
            0 => {}
            1 => out.file = positional.pop(),
            _ => return Err("only one file can be evaluated at a time".into()),
        }
    }
    Ok(out)
}

/// A Boolean setting's value as CppNix accepts it.
fn parse_bool_setting(name: &str, v: &str) -> Result<bool, String> {
    match v {
        "true" | "yes" | "1" => Ok(true),
        "false" | "no" | "0" => Ok(false),
        _ => Err(format!("Boolean setting '{name}' has invalid value '{v}'")),
    }
}

/// `NIX_PATH` / `-I` entries: `name=path` or a plain path.
pub fn parse_search_path(entry: &str) -> Option<(String, String)> {
    if entry.is_empty() {
        return None;
    }
    match entry.split_once('=') {
        Some((prefix, path)) if !prefix.contains('/') => Some((prefix.to_string(), path.to_string())),
        _ => Some((String::new(), entry.to_string())),
    }
}

pub fn run(args: Vec<String>) -> Exit {
    let args = match super::parse_or_help(args, HELP, parse) {
        Ok(a) => a,
        Err(exit) => return exit,
    };
    let mut options = EvalOptions::default();
    options.impure = !args.pure;
    if let Some(s) = &args.system {
        options.system = s.clone();
    }
    if let Some(d) = args.max_call_depth {
        options.max_call_depth = d;
    }
    options.abort_on_warn = args.abort_on_warn;
    options.experimental_features.extend(args.features.iter().cloned());
    options.lints = args.lints;
    // `-I` entries come first, then NIX_PATH.
    for i in &args.include {
        options.nix_path.extend(parse_search_path(i));
    }
    if let Ok(np) = std::env::var("NIX_PATH") {
        for e in np.split(':') {
            options.nix_path.extend(parse_search_path(e));
        }
    }
    const STACK: usize = 1 << 30;
    options.max_stack_bytes = STACK - (64 << 20);
    let show_trace = args.show_trace;
    let (code, out, err) = crate::eval::with_big_stack(STACK, move || {
        // The host file system, in which `builtins.getFlake` can make flake sources visible at
        // their store paths.
        let mounts = crate::flake::call::Mounts::default();
        let mut ev = Evaluator::new(options, Box::new(crate::flake::call::FlakeIo::new(mounts.clone())));
        ev.caches.get_flake = Some(crate::builtins::getflake::GetFlakeState::new(mounts));
        ev.reset_stack_base();
        let result = evaluate(&mut ev, &args);
        let opts = RenderOptions { show_trace, color: super::stderr_color() };
        let mut warnings = crate::overlays::trace::take_log();
        for w in std::mem::take(&mut ev.warnings) {
            let text = render(&w, &ev.sources, &opts).replacen("error:", "warning:", 1);
            warnings.push_str(&filter_ansi(&text, opts.color));
        }
        match result {
            Ok(bytes) => (0u8, bytes, warnings),
            Err(e) => (1u8, Vec::new(), warnings + &filter_ansi(&render(&e, &ev.sources, &opts), opts.color)),
        }
    });
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(&out);
    let _ = stdout.flush();
    if !err.is_empty() {
        eprint!("{err}");
    }
    if code == 0 {
        Exit::Ok
    } else {
        Exit::Failed
    }
}

fn cwd() -> String {
    std::env::current_dir().map(|p| p.to_string_lossy().into_owned()).unwrap_or_else(|_| "/".into())
}

fn read_stdin() -> EvalResult<String> {
    use std::io::Read;
    let mut buf = Vec::new();
    std::io::stdin()
        .read_to_end(&mut buf)
        .map_err(|e| crate::error::EvalError::new(crate::error::ErrorKind::Io, format!("reading standard input: {e}")))?;
    String::from_utf8(buf)
        .map_err(|_| crate::error::EvalError::new(crate::error::ErrorKind::Parse, "standard input is not valid UTF-8"))
}

fn evaluate(ev: &mut Evaluator, args: &Args) -> EvalResult<Vec<u8>> {
    if args.parse_only {
        let (origin, text) = match (&args.expr, &args.file) {
            (Some(e), _) => (crate::syntax::source::Origin::String, e.clone()),
            (None, Some(f)) if f == "-" => (crate::syntax::source::Origin::Stdin, read_stdin()?),
            (None, Some(f)) => {
                let path = if f.starts_with('/') { f.clone() } else { format!("{}/{}", cwd(), f) };
                let bytes = std::fs::read(&path)
                    .map_err(|e| crate::error::EvalError::new(crate::error::ErrorKind::Io, format!("reading '{path}': {e}")))?;
                let text = String::from_utf8(bytes).map_err(|_| {
                    crate::error::EvalError::new(crate::error::ErrorKind::Parse, format!("file '{path}' is not valid UTF-8"))
                })?;
                (crate::syntax::source::Origin::File(path.into()), text)
            }
            (None, None) => return Err(crate::error::EvalError::eval("--parse needs a file, '-' or -E EXPR")),
        };
        let mut shown = ev.parse_only(origin, &text, &cwd())?.into_bytes();
        shown.push(b'\n');
        return Ok(shown);
    }
    let root = match (&args.expr, &args.file) {
        (None, Some(f)) if f == "-" => {
            let text = read_stdin()?;
            let expr = ev.compile(crate::syntax::source::Origin::Stdin, text.into(), cwd())?;
            ev.eval_root(expr)?
        }
        (Some(e), _) => ev.eval_str(e, &cwd())?,
        (None, Some(f)) => {
            let path = if f.starts_with('/') { f.clone() } else { format!("{}/{}", cwd(), f) };
            ev.eval_file(&crate::eval::lower::canon_path(&path))?
        }
        (None, None) => ev.eval_file(&format!("{}/default.nix", cwd()))?,
    };
    let root = if args.trace_fixpoint { crate::overlays::trace::prepare(ev, root)? } else { root };
    let auto_args = build_auto_args(ev, args)?;
    let paths: Vec<String> = if args.attr_paths.is_empty() { vec![String::new()] } else { args.attr_paths.clone() };
    let mut out = Vec::new();
    for path in paths {
        let v = find_along_attr_path(ev, &root, &path, auto_args.as_ref())?;
        let v = match &auto_args {
            Some(a) => auto_call(ev, v, a)?,
            None => v,
        };
        if args.json {
            let json = crate::builtins::json::to_json(ev, &v, args.strict)?;
            out.extend_from_slice(json.as_bytes());
            out.push(b'\n');
        } else if args.xml {
            let mut ctx = Vec::new();
            let xml = crate::builtins::serial::value_to_xml(ev, &v, args.strict, !args.no_location, &mut ctx)?;
            out.extend_from_slice(&xml);
        } else if args.raw {
            let s = ev.coerce_to_string(&v, crate::eval::ops::Coercion::INTERPOLATE)?;
            out.extend_from_slice(s.as_bytes());
        } else {
            if args.strict {
                ev.force_deep(&v)?;
            }
            out.extend_from_slice(&crate::print::print_value(&v));
            out.push(b'\n');
        }
    }
    Ok(out)
}

fn build_auto_args(ev: &mut Evaluator, args: &Args) -> EvalResult<Option<Attrs>> {
    if args.auto_args.is_empty() {
        return Ok(None);
    }
    let mut entries = Vec::new();
    for (name, a) in &args.auto_args {
        let value = match a {
            AutoArg::Str(s) => Thunk::Ready(Value::str(s)),
            AutoArg::Expr(e) => Thunk::Ready(ev.eval_str(e, &cwd())?),
        };
        entries.push(AttrEntry { name: crate::eval::symbol::Symbol::new(name), pos: Pos::NONE, value });
    }
    // Later flags win.
    entries.reverse();
    Ok(Some(Attrs::from_unsorted(entries)))
}

/// CppNix's `autoCallFunction`: calls a function whose formals can all be satisfied.
pub fn auto_call(ev: &mut Evaluator, v: Value, args: &Attrs) -> EvalResult {
    use crate::eval::expr::Param;
    let v = match &v {
        Value::Attrs(a) => match a.get(crate::eval::symbol::sym::functor) {
            Some(f) => {
                let f = f.clone();
                let f = ev.force(&f)?;
                let inner = ev.call_value(f, Thunk::Ready(v.clone()), Pos::NONE)?;
                return auto_call(ev, inner, args);
            }
            None => return Ok(v),
        },
        _ => v,
    };
    let Value::Lambda(c) = &v else { return Ok(v) };
    let Param::Formals { formals, ellipsis, .. } = &c.def.param else { return Ok(v) };
    let mut entries = Vec::new();
    if *ellipsis {
        entries.extend(args.iter().cloned());
    } else {
        for f in formals.iter() {
            match args.get_entry(f.name) {
                Some(e) => entries.push(e.clone()),
                None => {
                    if f.default.is_none() {
                        return Err(crate::error::EvalError::eval(format!(
                            "cannot evaluate a function that has an argument without a value ('{}')",
                            f.name
                        ))
                        .with_hint(
                            "Nix attempted to evaluate a function as a top level expression; in this case it must have its arguments supplied either by default values, or passed explicitly with '--arg' or '--argstr'.".to_string(),
                        )
                        .at(f.pos));
                    }
                }
            }
        }
    }
    let arg = Value::attrs(Attrs::from_unsorted(entries));
    ev.call_value(v, Thunk::Ready(arg), Pos::NONE)
}

/// `-A a.b.0.c`: selects attributes and list elements, auto-calling functions on the way.
pub fn find_along_attr_path(ev: &mut Evaluator, root: &Value, path: &str, auto_args: Option<&Attrs>) -> EvalResult {
    let mut v = root.clone();
    if path.is_empty() {
        return Ok(v);
    }
    let empty = Attrs::default();
    for component in split_attr_path(path) {
        v = auto_call(ev, v, auto_args.unwrap_or(&empty))?;
        if let Ok(idx) = component.parse::<usize>() {
            match &v {
                Value::List(l) => {
                    let t = l.0.get(idx).cloned().ok_or_else(|| {
                        crate::error::EvalError::eval(format!("list index {} in selection path '{}' is out of range", idx, path))
                    })?;
                    v = ev.force(&t)?;
                    continue;
                }
                _ => {
                    return Err(crate::error::EvalError::type_error(format!(
                        "the expression selected by the selection path '{}' should be a list but is {}",
                        path,
                        v.type_phrase()
                    )))
                }
            }
        }
        match &v {
            Value::Attrs(a) => {
                let sym = crate::eval::symbol::Symbol::new(&component);
                match a.get(sym) {
                    Some(t) => {
                        let t = t.clone();
                        v = ev.force(&t)?;
                    }
                    None => {
                        return Err(crate::error::EvalError::new(
                            crate::error::ErrorKind::MissingAttr,
                            format!("attribute '{}' in selection path '{}' not found", component, path),
                        ))
                    }
                }
            }
            other => {
                return Err(crate::error::EvalError::type_error(format!(
                    "the expression selected by the selection path '{}' should be a set but is {}",
                    path,
                    other.type_phrase()
                )))
            }
        }
    }
    Ok(v)
}

/// Splits `a."b.c".d` into components.
pub fn split_attr_path(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in path.chars() {
        match c {
            '"' => quoted = !quoted,
            '.' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}
