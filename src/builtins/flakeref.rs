//! Flake-reference builtins: `parseFlakeRef` and `flakeRefToString`, on the flake data layer
//! (`crate::flake::flakeref`). Like the other flake builtins they exist only with the `flakes`
//! experimental feature, which nixeval enables by default.

use super::Builtin;
use crate::error::EvalError;
use crate::eval::symbol::Symbol;
use crate::eval::value::*;
use crate::eval::Evaluator;
use crate::flake::flakeref::{builtin_flake_ref_to_string, builtin_parse_flake_ref, Attr};
use crate::syntax::source::Pos;

pub const BUILTINS: &[Builtin] = &[
    Builtin { name: "parseFlakeRef", arity: 1, func: parse_flake_ref },
    Builtin { name: "flakeRefToString", arity: 1, func: flake_ref_to_string },
];

fn parse_flake_ref(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let s = ev.arg_string(args, 0, "parseFlakeRef")?;
    if s.has_context() {
        return Err(EvalError::eval(format!(
            "the string '{}' is not allowed to refer to a store path",
            s.to_str_lossy()
        )));
    }
    let attrs = builtin_parse_flake_ref(&s.to_str_lossy()).map_err(|e| EvalError::eval(e.to_string()))?;
    let entries = attrs
        .into_iter()
        .map(|(name, a)| {
            let v = match a {
                Attr::String(s) => Value::str(&s),
                Attr::Int(i) => Value::Int(i as i64),
                Attr::Bool(b) => Value::Bool(b),
            };
            AttrEntry { name: Symbol::new(&name), pos: Pos::NONE, value: Thunk::Ready(v) }
        })
        .collect();
    Ok(Value::attrs(Attrs::from_unsorted(entries)))
}

fn flake_ref_to_string(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let set = ev.arg_attrs(args, 0, "flakeRefToString")?;
    let mut attrs = Vec::with_capacity(set.len());
    for e in set.sorted_by_name() {
        let v = ev.force(&e.value)?;
        let a = match v {
            Value::String(s) => Attr::String(s.to_str_lossy().into_owned()),
            Value::Int(i) if i >= 0 => Attr::Int(i as u64),
            Value::Bool(b) => Attr::Bool(b),
            other => {
                return Err(EvalError::type_error(format!(
                    "flake reference attribute sets may only contain integers, Booleans, and strings, but attribute '{}' is {}",
                    e.name,
                    other.type_phrase()
                )))
            }
        };
        attrs.push((e.name.as_str().to_string(), a));
    }
    let s = builtin_flake_ref_to_string(attrs).map_err(|e| EvalError::eval(e.to_string()))?;
    Ok(Value::str(&s))
}
