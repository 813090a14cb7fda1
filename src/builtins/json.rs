//! JSON: `builtins.toJSON` and `--json` output (value → JSON text, forcing as it goes, sets
//! with `__toString` or `outPath` shown as strings, paths copied to store paths, keys sorted).

use super::Builtin;
use crate::error::EvalError;
use crate::eval::ops::Coercion;
use crate::eval::symbol::sym;
use crate::eval::value::*;
use crate::eval::Evaluator;

pub const BUILTINS: &[Builtin] = &[Builtin { name: "toJSON", arity: 1, func: to_json_builtin }];

fn to_json_builtin(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let v = ev.arg(args, 0, "toJSON")?;
    let mut ctx = Vec::new();
    let mut out = String::new();
    write_json(ev, &v, &mut out, &mut ctx)?;
    Ok(Value::String(NixString::with_context(out.into_bytes().into_boxed_slice(), Context::from_vec(ctx))))
}

/// The JSON text of a value (for `--json`).
pub fn to_json(ev: &mut Evaluator, v: &Value, _strict: bool) -> EvalResult<String> {
    let mut ctx = Vec::new();
    let mut out = String::new();
    write_json(ev, v, &mut out, &mut ctx)?;
    Ok(out)
}

pub fn write_json(ev: &mut Evaluator, v: &Value, out: &mut String, ctx: &mut Vec<Box<str>>) -> EvalResult<()> {
    ev.nested(|ev| write_json_inner(ev, v, out, ctx))
}

fn write_json_inner(ev: &mut Evaluator, v: &Value, out: &mut String, ctx: &mut Vec<Box<str>>) -> EvalResult<()> {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => out.push_str(&crate::numfmt::format_float_json(*f)),
        Value::String(s) => {
            s.context().extend_into(ctx);
            crate::json::write_json_string(s.as_bytes(), out).map_err(EvalError::eval)?;
        }
        Value::Path(_) => {
            let s = ev.coerce_to_string(v, Coercion::INTERPOLATE)?;
            s.context().extend_into(ctx);
            crate::json::write_json_string(s.as_bytes(), out).map_err(EvalError::eval)?;
        }
        Value::Attrs(a) => {
            if a.contains(sym::toString) {
                let s = ev.coerce_to_string(v, Coercion::INTERPOLATE)?;
                s.context().extend_into(ctx);
                crate::json::write_json_string(s.as_bytes(), out).map_err(EvalError::eval)?;
                return Ok(());
            }
            if let Some(o) = a.get(sym::outPath) {
                let o = o.clone();
                let ov = ev.force(&o)?;
                return write_json(ev, &ov, out, ctx);
            }
            out.push('{');
            for (i, e) in a.sorted_by_name().into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                crate::json::write_json_string(e.name.as_str().as_bytes(), out).map_err(EvalError::eval)?;
                out.push(':');
                let x = ev.force(&e.value).map_err(|err| {
                    err.frame(crate::syntax::source::Pos::NONE, format!("while evaluating attribute '{}'", e.name))
                })?;
                write_json(ev, &x, out, ctx)?;
            }
            out.push('}');
        }
        Value::List(l) => {
            out.push('[');
            for (i, t) in l.0.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let x = ev.force(t)?;
                write_json(ev, &x, out, ctx)?;
            }
            out.push(']');
        }
        Value::Lambda(_) | Value::PrimOp(_) | Value::PrimOpApp(_) => {
            return Err(EvalError::type_error("cannot convert a function to JSON"));
        }
    }
    Ok(())
}
