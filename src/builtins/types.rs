//! Type predicates: `typeOf` and the `is*` family.

use super::Builtin;
use crate::eval::value::*;
use crate::eval::Evaluator;

pub const BUILTINS: &[Builtin] = &[
    Builtin { name: "typeOf", arity: 1, func: type_of },
    Builtin { name: "isAttrs", arity: 1, func: is_attrs },
    Builtin { name: "isBool", arity: 1, func: is_bool },
    Builtin { name: "isFloat", arity: 1, func: is_float },
    Builtin { name: "isFunction", arity: 1, func: is_function },
    Builtin { name: "isInt", arity: 1, func: is_int },
    Builtin { name: "isList", arity: 1, func: is_list },
    Builtin { name: "isNull", arity: 1, func: is_null },
    Builtin { name: "isPath", arity: 1, func: is_path },
    Builtin { name: "isString", arity: 1, func: is_string },
];

fn type_of(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let v = ev.arg(args, 0, "typeOf")?;
    Ok(Value::str(v.type_name()))
}

macro_rules! predicate {
    ($fn:ident, $name:expr, $pat:pat) => {
        fn $fn(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
            let v = ev.arg(args, 0, $name)?;
            Ok(Value::Bool(matches!(v, $pat)))
        }
    };
}

predicate!(is_attrs, "isAttrs", Value::Attrs(_) | Value::Opaque(_));
predicate!(is_bool, "isBool", Value::Bool(_));
predicate!(is_float, "isFloat", Value::Float(_));
predicate!(is_function, "isFunction", Value::Lambda(_) | Value::PrimOp(_) | Value::PrimOpApp(_));
predicate!(is_int, "isInt", Value::Int(_));
predicate!(is_list, "isList", Value::List(_));
predicate!(is_null, "isNull", Value::Null);
predicate!(is_path, "isPath", Value::Path(_));
predicate!(is_string, "isString", Value::String(_));
