//! Arithmetic and bitwise builtins: `add`, `sub`, `mul`, `div`, `lessThan`, `bitAnd`, `bitOr`,
//! `bitXor`, `ceil`, `floor`. The operators share their semantics through `eval::ops`.

use super::{arg_frame, type_err, Builtin};
use crate::eval::expr::BinOp;
use crate::eval::ops::arith;
use crate::eval::value::*;
use crate::eval::Evaluator;

pub const BUILTINS: &[Builtin] = &[
    Builtin { name: "add", arity: 2, func: add },
    Builtin { name: "sub", arity: 2, func: sub },
    Builtin { name: "mul", arity: 2, func: mul },
    Builtin { name: "div", arity: 2, func: div },
    Builtin { name: "lessThan", arity: 2, func: less_than },
    Builtin { name: "bitAnd", arity: 2, func: bit_and },
    Builtin { name: "bitOr", arity: 2, func: bit_or },
    Builtin { name: "bitXor", arity: 2, func: bit_xor },
    Builtin { name: "ceil", arity: 1, func: ceil },
    Builtin { name: "floor", arity: 1, func: floor },
];

fn binary(ev: &mut Evaluator, args: &[Thunk], op: BinOp, name: &str) -> EvalResult {
    // Both operands are forced before either is checked, as the reference does.
    let a = ev.arg(args, 0, name)?;
    let b = ev.arg(args, 1, name)?;
    arith(op, &a, &b)
}

fn add(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    binary(ev, args, BinOp::Add, "add")
}
fn sub(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    binary(ev, args, BinOp::Sub, "sub")
}
fn mul(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    binary(ev, args, BinOp::Mul, "mul")
}
fn div(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    binary(ev, args, BinOp::Div, "div")
}

fn less_than(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let a = ev.arg(args, 0, "lessThan")?;
    let b = ev.arg(args, 1, "lessThan")?;
    Ok(Value::Bool(ev.less_than(&a, &b)?))
}

fn bits(ev: &mut Evaluator, args: &[Thunk], name: &str, f: fn(i64, i64) -> i64) -> EvalResult {
    let a = ev.arg_int(args, 0, name)?;
    let b = ev.arg_int(args, 1, name)?;
    Ok(Value::Int(f(a, b)))
}

fn bit_and(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    bits(ev, args, "bitAnd", |a, b| a & b)
}
fn bit_or(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    bits(ev, args, "bitOr", |a, b| a | b)
}
fn bit_xor(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    bits(ev, args, "bitXor", |a, b| a ^ b)
}

/// `ceil`/`floor` as current CppNix does them: integers go through a float too, and an integer
/// that does not survive the round trip is an error (older versions silently returned a
/// rounded or wrapped value there).
fn rounding(ev: &mut Evaluator, args: &[Thunk], name: &str, f: fn(f64) -> f64) -> EvalResult {
    let v = ev.arg(args, 0, name)?;
    let x = match v {
        Value::Int(i) => i as f64,
        Value::Float(x) => x,
        ref other => return Err(arg_frame(type_err("a float", other), 0, name)),
    };
    let r = f(x);
    // -2^63 is exact as a float; i64::MAX as f64 rounds up to 2^63, which is out of range.
    if !(r >= -9223372036854775808.0 && r < 9223372036854775808.0) {
        return Err(crate::error::EvalError::eval(match v {
            Value::Int(i) => format!(
                "Due to a bug (see https://github.com/NixOS/nix/issues/12899) the NixInt argument {i} caused undefined behavior in previous Nix versions.\n\tFuture Nix versions might implement the correct behavior."
            ),
            _ => format!("NixFloat argument {} is not in the range of NixInt", crate::print::format_float(x)),
        }));
    }
    let res = r as i64;
    if let Value::Int(i) = v {
        if i != res {
            return Err(crate::error::EvalError::eval(format!(
                "Due to a bug (see https://github.com/NixOS/nix/issues/12899) a loss of precision occurred in previous Nix versions because the NixInt argument {i} was rounded to {res}.\n\tFuture Nix versions might implement the correct behavior."
            )));
        }
    }
    Ok(Value::Int(res))
}

fn ceil(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    rounding(ev, args, "ceil", f64::ceil)
}
fn floor(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    rounding(ev, args, "floor", f64::floor)
}
