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

fn number(ev: &mut Evaluator, args: &[Thunk], idx: usize, name: &str) -> EvalResult {
    let v = ev.arg(args, idx, name)?;
    match v {
        Value::Int(_) | Value::Float(_) => Ok(v),
        other => Err(arg_frame(type_err("an integer", &other), idx, name)),
    }
}

fn binary(ev: &mut Evaluator, args: &[Thunk], op: BinOp, name: &str) -> EvalResult {
    let a = number(ev, args, 0, name)?;
    let b = number(ev, args, 1, name)?;
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

fn rounding(ev: &mut Evaluator, args: &[Thunk], name: &str, f: fn(f64) -> f64) -> EvalResult {
    let v = ev.arg(args, 0, name)?;
    match v {
        Value::Int(i) => Ok(Value::Int(i)),
        Value::Float(x) => {
            let r = f(x);
            // i64::MAX as f64 rounds up to 2^63, which is out of range.
            if r >= -9223372036854775808.0 && r < 9223372036854775808.0 {
                Ok(Value::Int(r as i64))
            } else {
                Err(crate::error::EvalError::eval(format!(
                    "Float argument {} is out of the range of the Nix integer type",
                    crate::print::format_float(x)
                )))
            }
        }
        other => Err(arg_frame(type_err("a float", &other), 0, name)),
    }
}

fn ceil(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    rounding(ev, args, "ceil", f64::ceil)
}
fn floor(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    rounding(ev, args, "floor", f64::floor)
}
