//! String builtins: `toString`, `substring`, `stringLength`, `concatStringsSep`,
//! `replaceStrings` (lazy in the replacements, as current CppNix), and the string-context
//! builtins `hasContext`, `unsafeDiscardStringContext`. Strings are byte strings: lengths and
//! offsets count bytes.

use super::{arg_frame, Builtin};
use crate::error::EvalError;
use crate::eval::ops::Coercion;
use crate::eval::value::*;
use crate::eval::Evaluator;
use crate::syntax::source::Pos;

pub const BUILTINS: &[Builtin] = &[
    Builtin { name: "toString", arity: 1, func: to_string },
    Builtin { name: "substring", arity: 3, func: substring },
    Builtin { name: "stringLength", arity: 1, func: string_length },
    Builtin { name: "concatStringsSep", arity: 2, func: concat_strings_sep },
    Builtin { name: "replaceStrings", arity: 3, func: replace_strings },
    Builtin { name: "hasContext", arity: 1, func: has_context },
    Builtin { name: "unsafeDiscardStringContext", arity: 1, func: unsafe_discard_string_context },
];

/// Coerces argument `idx` to a string (interpolation rules).
pub fn coerce_arg(ev: &mut Evaluator, args: &[Thunk], idx: usize, name: &str, how: Coercion) -> EvalResult<NixString> {
    let v = ev.arg(args, idx, name)?;
    ev.coerce_to_string(&v, how).map_err(|e| arg_frame(e, idx, name))
}

fn to_string(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let v = ev.arg(args, 0, "toString")?;
    match v {
        Value::String(_) => Ok(v),
        Value::Int(i) => Ok(Value::String(NixString::from_int(i))),
        Value::Opaque(ref o) if !ev.caches.opaque.in_derivation() => Ok(crate::eval::opaque::derived_value(o, "(toString)")),
        _ => {
            let s = ev.coerce_to_string(&v, Coercion::TO_STRING).map_err(|e| arg_frame(e, 0, "toString"))?;
            Ok(Value::String(s))
        }
    }
}

fn substring(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let start = ev.arg_int(args, 0, "substring")?;
    if start < 0 {
        return Err(EvalError::eval("negative start position in 'substring'"));
    }
    let mut len = ev.arg_int(args, 1, "substring")?;
    if len < 0 {
        len = i64::MAX;
    }
    let s = coerce_arg(ev, args, 2, "substring", Coercion::INTERPOLATE)?;
    let bytes = s.as_bytes();
    let start = start as usize;
    if start >= bytes.len() {
        return Ok(Value::String(NixString::with_context(Box::new([]), s.context().clone())));
    }
    let end = start.saturating_add(len as usize).min(bytes.len());
    Ok(Value::String(NixString::with_context(bytes[start..end].into(), s.context().clone())))
}

fn string_length(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let s = coerce_arg(ev, args, 0, "stringLength", Coercion::INTERPOLATE)?;
    Ok(Value::Int(s.len() as i64))
}

fn concat_strings_sep(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let sep = ev.arg_string(args, 0, "concatStringsSep")?;
    let list = ev.arg_list(args, 1, "concatStringsSep")?;
    let mut buf = Vec::new();
    let mut ctx = Vec::new();
    sep.context().extend_into(&mut ctx);
    for (i, t) in list.0.iter().enumerate() {
        if i > 0 {
            buf.extend_from_slice(sep.as_bytes());
        }
        let v = ev.force(t)?;
        let s = ev.coerce_to_string(&v, Coercion::INTERPOLATE).map_err(|e| {
            e.frame(Pos::NONE, "while evaluating one element of the list of strings to concat passed to builtins.concatStringsSep")
        })?;
        buf.extend_from_slice(s.as_bytes());
        s.context().extend_into(&mut ctx);
    }
    Ok(Value::String(NixString::with_context(buf.into_boxed_slice(), Context::from_vec(ctx))))
}

fn replace_strings(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let from = ev.arg_list(args, 0, "replaceStrings")?;
    let to = ev.arg_list(args, 1, "replaceStrings")?;
    if from.0.len() != to.0.len() {
        return Err(EvalError::eval(
            "'from' and 'to' arguments passed to builtins.replaceStrings have different lengths",
        ));
    }
    let mut patterns: Vec<NixString> = Vec::with_capacity(from.0.len());
    for t in from.0.iter() {
        patterns.push(ev.force_str(t, "while evaluating one of the strings to replace passed to builtins.replaceStrings")?);
    }
    // The subject is forced last, as the reference does.
    let s = ev.arg_string(args, 2, "replaceStrings")?;
    let mut replacements: Vec<Option<NixString>> = vec![None; to.0.len()];
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut ctx = Vec::new();
    s.context().extend_into(&mut ctx);
    let mut p = 0;
    while p <= bytes.len() {
        let mut found = false;
        for (k, pat) in patterns.iter().enumerate() {
            let pb = pat.as_bytes();
            if bytes[p..].starts_with(pb) {
                found = true;
                if replacements[k].is_none() {
                    let r = ev.force_str(&to.0[k], "while evaluating one of the replacement strings passed to builtins.replaceStrings")?;
                    r.context().extend_into(&mut ctx);
                    replacements[k] = Some(r);
                }
                out.extend_from_slice(replacements[k].as_ref().unwrap().as_bytes());
                if pb.is_empty() {
                    if p < bytes.len() {
                        out.push(bytes[p]);
                    }
                    p += 1;
                } else {
                    p += pb.len();
                }
                break;
            }
        }
        if !found {
            if p < bytes.len() {
                out.push(bytes[p]);
            }
            p += 1;
        }
    }
    Ok(Value::String(NixString::with_context(out.into_boxed_slice(), Context::from_vec(ctx))))
}

fn has_context(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let s = ev.arg_string(args, 0, "hasContext")?;
    Ok(Value::Bool(s.has_context()))
}

fn unsafe_discard_string_context(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    // Coerces like string interpolation (paths are copied, `outPath` and `__toString` used).
    let v = ev.force(&args[0]).map_err(|e| e.frame(Pos::NONE, "while evaluating the argument passed to builtins.unsafeDiscardStringContext"))?;
    let s = ev
        .coerce_to_string(&v, Coercion::INTERPOLATE)
        .map_err(|e| e.frame(Pos::NONE, "while evaluating the argument passed to builtins.unsafeDiscardStringContext"))?;
    if !s.has_context() {
        return Ok(Value::String(s));
    }
    Ok(Value::String(NixString::new(s.as_bytes().into())))
}
