//! Control and debugging builtins: `throw`, `abort`, `tryEval`, `seq`, `deepSeq`, `trace`,
//! `warn`, `traceVerbose`, `break`, `addErrorContext`, `getEnv`.
//! Traces and warnings are written to standard error as CppNix does.

use super::Builtin;
use crate::error::{ErrorKind, EvalError};
use crate::eval::ops::Coercion;
use crate::eval::value::*;
use crate::eval::Evaluator;
use crate::syntax::source::Pos;

pub const BUILTINS: &[Builtin] = &[
    Builtin { name: "throw", arity: 1, func: throw },
    Builtin { name: "abort", arity: 1, func: abort },
    Builtin { name: "tryEval", arity: 1, func: try_eval },
    Builtin { name: "seq", arity: 2, func: seq },
    Builtin { name: "deepSeq", arity: 2, func: deep_seq },
    Builtin { name: "trace", arity: 2, func: trace },
    Builtin { name: "warn", arity: 2, func: warn },
    Builtin { name: "traceVerbose", arity: 2, func: trace_verbose },
    Builtin { name: "break", arity: 1, func: break_ },
    Builtin { name: "addErrorContext", arity: 2, func: add_error_context },
    Builtin { name: "getEnv", arity: 1, func: get_env },
];

fn message(ev: &mut Evaluator, args: &[Thunk], name: &str) -> EvalResult<String> {
    let v = ev.arg(args, 0, name)?;
    let s = ev
        .coerce_to_string(&v, Coercion::PLAIN)
        .map_err(|e| e.frame(Pos::NONE, format!("while evaluating the error message passed to builtins.{name}")))?;
    Ok(s.to_str_lossy().into_owned())
}

fn throw(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let msg = message(ev, args, "throw")?;
    Err(EvalError::new(ErrorKind::Throw, msg))
}

fn abort(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let msg = message(ev, args, "abort")?;
    Err(EvalError::new(ErrorKind::Abort, format!("evaluation aborted with the following error message: '{}'", msg)))
}

fn try_eval(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    match ev.force(&args[0]) {
        Ok(v) => Ok(super::make_attrs(vec![("success", Value::Bool(true)), ("value", v)])),
        Err(e) if e.kind().is_catchable() => {
            Ok(super::make_attrs(vec![("success", Value::Bool(false)), ("value", Value::Bool(false))]))
        }
        Err(e) => Err(e),
    }
}

fn seq(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    ev.force(&args[0])?;
    ev.force(&args[1])
}

fn deep_seq(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let v = ev.force(&args[0])?;
    ev.force_deep(&v)?;
    ev.force(&args[1])
}

fn trace(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let v = ev.arg(args, 0, "trace")?;
    let text = match &v {
        Value::String(s) => format!("trace: {}", s.to_str_lossy()),
        other => format!("trace: {}", crate::print::trace_value(other)),
    };
    log_line(&text);
    ev.force(&args[1])
}

fn warn(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let msg = ev.arg_string(args, 0, "warn")?;
    log_line(&format!("evaluation warning: {}", msg.to_str_lossy()));
    if ev.options.abort_on_warn {
        // Not catchable by `tryEval`, as in CppNix.
        return Err(EvalError::new(ErrorKind::Eval, "aborting to reveal stack trace of warning, as abort-on-warn is set"));
    }
    ev.force(&args[1])
}

/// Writes one message to standard error the way CppNix's logger does (escape sequences
/// filtered, tabs expanded).
fn log_line(text: &str) {
    eprintln!("{}", crate::error::render::filter_ansi(text, crate::cli::stderr_color()));
}

fn trace_verbose(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    // Only traces with `--trace-verbose`, which nixeval does not enable.
    ev.force(&args[1])
}

fn break_(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    ev.force(&args[0])
}

fn add_error_context(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    match ev.force(&args[1]) {
        Ok(v) => Ok(v),
        Err(e) => {
            let ctx = match ev.force(&args[0]) {
                Ok(Value::String(s)) => s.to_str_lossy().into_owned(),
                _ => return Err(e),
            };
            Err(e.frame(Pos::NONE, ctx))
        }
    }
}

fn get_env(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let name = ev.arg_string(args, 0, "getEnv")?;
    super::context::check_no_context(&name)?;
    if !ev.options.impure {
        return Ok(Value::str(""));
    }
    let value = std::env::var_os(&*name.to_str_lossy()).map(|v| v.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(Value::str(&value))
}
