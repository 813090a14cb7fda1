//! Operator semantics: arithmetic (64-bit integers with overflow errors, floats, mixing),
//! comparison (`<` on numbers, strings, paths and lists), deep equality (including CppNix's
//! pointer-equality rule for attribute and list members, and derivations compared by `outPath`),
//! `++`, `//`, `+` and string interpolation with the reference coercion rules, and coercion of
//! values to strings (`toString`, interpolation, `+` on strings and paths).

use super::expr::{BinOp, Expr};
use super::symbol::sym;
use super::value::*;
use super::Evaluator;
use crate::error::{ErrorKind, EvalError};
use crate::print::short;
use crate::syntax::source::Pos;
use std::cmp::Ordering;
use std::rc::Rc;

/// How strings are coerced (CppNix's `coerceMore`, `copyToStore`).
#[derive(Clone, Copy)]
pub struct Coercion {
    /// `toString`-style: also null, booleans, numbers and lists.
    pub more: bool,
    /// Paths become store paths (interpolation) rather than their text.
    pub copy_to_store: bool,
}

impl Coercion {
    pub const INTERPOLATE: Coercion = Coercion { more: false, copy_to_store: true };
    pub const TO_STRING: Coercion = Coercion { more: true, copy_to_store: false };
    pub const PLAIN: Coercion = Coercion { more: false, copy_to_store: false };
}

/// A part of a concatenation: already evaluated, or still to evaluate.
enum Part {
    Done(Value),
    Todo(&'static Expr),
}

#[cold]
#[inline(never)]
fn int_overflow(verb: &str, a: i64, op: &str, b: i64) -> EvalError {
    EvalError::new(ErrorKind::Overflow, format!("integer overflow in {verb} {a} {op} {b}"))
}

pub fn arith(op: BinOp, a: &Value, b: &Value) -> EvalResult {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => {
            let (x, y) = (*x, *y);
            let r = match op {
                BinOp::Add => x.checked_add(y).ok_or_else(|| int_overflow("adding", x, "+", y))?,
                BinOp::Sub => x.checked_sub(y).ok_or_else(|| int_overflow("subtracting", x, "-", y))?,
                BinOp::Mul => x.checked_mul(y).ok_or_else(|| int_overflow("multiplying", x, "*", y))?,
                BinOp::Div => {
                    if y == 0 {
                        return Err(EvalError::new(ErrorKind::DivisionByZero, "division by zero"));
                    }
                    x.checked_div(y).ok_or_else(|| int_overflow("dividing", x, "/", y))?
                }
                _ => unreachable!(),
            };
            Ok(Value::Int(r))
        }
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
            let x = as_f64(a);
            let y = as_f64(b);
            Ok(Value::Float(match op {
                BinOp::Add => x + y,
                BinOp::Sub => x - y,
                BinOp::Mul => x * y,
                BinOp::Div => {
                    if y == 0.0 {
                        return Err(EvalError::new(ErrorKind::DivisionByZero, "division by zero"));
                    }
                    x / y
                }
                _ => unreachable!(),
            }))
        }
        _ => Err(arith_type_error(op, a, b)),
    }
}

/// The error of an arithmetic operator given a non-number, in the order CppNix's `sub`, `mul`
/// and `div` check: with a float on either side both operands must be floats, otherwise
/// integers; division first checks its divisor (as a float) and that it is not zero.
#[cold]
#[inline(never)]
fn arith_type_error(op: BinOp, a: &Value, b: &Value) -> EvalError {
    let is_num = |v: &Value| matches!(v, Value::Int(_) | Value::Float(_));
    let mismatch = |expected: &str, v: &Value| {
        EvalError::type_error(format!("expected {} but found {}: {}", expected, v.type_phrase(), short(v)))
    };
    if op == BinOp::Div {
        if !is_num(b) {
            return mismatch("a float", b);
        }
        if as_f64(b) == 0.0 {
            return EvalError::new(ErrorKind::DivisionByZero, "division by zero");
        }
    }
    let expected = if matches!(a, Value::Float(_)) || matches!(b, Value::Float(_)) { "a float" } else { "an integer" };
    mismatch(expected, if is_num(a) { b } else { a })
}

/// The error of ordering two values that have no order (CppNix's `CompareValues`), naming
/// both values; values of one type are said to be of a type that has no order.
#[cold]
pub fn incomparable(a: &Value, b: &Value) -> EvalError {
    let (ta, tb) = (a.type_phrase(), b.type_phrase());
    let (va, vb) = (short(a), short(b));
    EvalError::type_error(if a.type_name() == b.type_name() {
        format!("cannot compare {ta} with {tb}; values of that type are incomparable (values are {va} and {vb})")
    } else {
        format!("cannot compare {ta} with {tb}; values are {va} and {vb}")
    })
}

fn as_f64(v: &Value) -> f64 {
    match v {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        _ => 0.0,
    }
}

impl Evaluator {
    /// Binary operators. A small dispatcher, for the same reason as `eval`: the bodies of the
    /// less common operators live in functions of their own.
    pub(super) fn eval_bin(&mut self, op: BinOp, lhs: &'static Expr, rhs: &'static Expr, pos: Pos, env: &Env) -> EvalResult {
        match op {
            BinOp::Add => {
                let l = self.eval_operand(lhs, env)?;
                if let Value::Int(a) = l {
                    let r = self.eval_operand(rhs, env)?;
                    if let Value::Int(b) = r {
                        return match a.checked_add(b) {
                            Some(n) => Ok(Value::Int(n)),
                            None => Err(int_overflow("adding", a, "+", b).at(pos)),
                        };
                    }
                    return self.add_slow(l, Part::Done(r), pos, env);
                }
                self.add_slow(l, Part::Todo(rhs), pos, env)
            }
            BinOp::Sub | BinOp::Mul | BinOp::Div => {
                let l = self.eval_operand(lhs, env)?;
                let r = self.eval_operand(rhs, env)?;
                if let Some((a, b)) = int_pair(&l, &r) {
                    // Integers own nothing: forgetting them skips a call to their drop glue.
                    std::mem::forget((l, r));
                    match op {
                        BinOp::Sub => {
                            return match a.checked_sub(b) {
                                Some(n) => Ok(Value::Int(n)),
                                None => Err(int_overflow("subtracting", a, "-", b).at(pos)),
                            }
                        }
                        // The common integer cases; overflow and division by zero are worded
                        // by `arith`.
                        BinOp::Mul => {
                            if let Some(n) = a.checked_mul(b) {
                                return Ok(Value::Int(n));
                            }
                        }
                        _ => {
                            if let Some(n) = a.checked_div(b) {
                                return Ok(Value::Int(n));
                            }
                        }
                    }
                    return arith(op, &Value::Int(a), &Value::Int(b)).map_err(|e| e.at(pos));
                }
                arith(op, &l, &r).map_err(|e| e.at(pos))
            }
            BinOp::Less | BinOp::LessEq | BinOp::Greater | BinOp::GreaterEq => {
                // `a > b` and `a <= b` are `b < a` in CppNix: the right operand is forced first.
                let (l, r) = if matches!(op, BinOp::Greater | BinOp::LessEq) {
                    let r = self.eval_operand(rhs, env)?;
                    (self.eval_operand(lhs, env)?, r)
                } else {
                    let l = self.eval_operand(lhs, env)?;
                    (l, self.eval_operand(rhs, env)?)
                };
                if let Some((a, b)) = int_pair(&l, &r) {
                    std::mem::forget((l, r));
                    return Ok(Value::Bool(match op {
                        BinOp::Less => a < b,
                        BinOp::Greater => a > b,
                        BinOp::LessEq => a <= b,
                        _ => a >= b,
                    }));
                }
                self.bin_compare(op, l, r, pos)
            }
            BinOp::Eq | BinOp::NotEq => {
                let l = self.eval_operand(lhs, env)?;
                let r = self.eval_operand(rhs, env)?;
                let eq = match int_pair(&l, &r) {
                    Some((a, b)) => {
                        std::mem::forget((l, r));
                        a == b
                    }
                    None => self.bin_equal(l, r, pos)?,
                };
                Ok(Value::Bool(if op == BinOp::Eq { eq } else { !eq }))
            }
            _ => self.eval_bin_other(op, lhs, rhs, pos, env),
        }
    }

    /// `+` on anything but two integers.
    #[inline(never)]
    fn add_slow(&mut self, l: Value, r: Part, pos: Pos, env: &Env) -> EvalResult {
        self.concat_from([Part::Done(l), r].into_iter(), false, pos, env)
    }

    #[inline(never)]
    fn bin_compare(&mut self, op: BinOp, l: Value, r: Value, pos: Pos) -> EvalResult {
        // CppNix evaluates `a > b` as `b < a` and `a <= b` as `!(b < a)`.
        let res = match op {
            BinOp::Less => self.less_than(&l, &r),
            BinOp::Greater => self.less_than(&r, &l),
            BinOp::LessEq => self.less_than(&r, &l).map(|b| !b),
            _ => self.less_than(&l, &r).map(|b| !b),
        };
        Ok(Value::Bool(res.map_err(|e| e.at(pos))?))
    }

    #[inline(never)]
    fn bin_equal(&mut self, l: Value, r: Value, pos: Pos) -> EvalResult<bool> {
        self.values_equal(&l, &r).map_err(|e| e.at(pos))
    }

    #[inline(never)]
    fn eval_bin_other(&mut self, op: BinOp, lhs: &'static Expr, rhs: &'static Expr, pos: Pos, env: &Env) -> EvalResult {
        match op {
            BinOp::And => {
                let l = self.eval_bool(lhs, env, pos, "in the left operand of the AND (&&) operator")?;
                if !l {
                    return Ok(Value::Bool(false));
                }
                Ok(Value::Bool(self.eval_bool(rhs, env, pos, "in the right operand of the AND (&&) operator")?))
            }
            BinOp::Or => {
                let l = self.eval_bool(lhs, env, pos, "in the left operand of the OR (||) operator")?;
                if l {
                    return Ok(Value::Bool(true));
                }
                Ok(Value::Bool(self.eval_bool(rhs, env, pos, "in the right operand of the OR (||) operator")?))
            }
            BinOp::Impl => {
                let l = self.eval_bool(lhs, env, pos, "in the left operand of the IMPL (->) operator")?;
                if !l {
                    return Ok(Value::Bool(true));
                }
                Ok(Value::Bool(self.eval_bool(rhs, env, pos, "in the right operand of the IMPL (->) operator")?))
            }
            BinOp::Concat => {
                let l = self.eval(lhs, env)?;
                let r = self.eval(rhs, env)?;
                match (&l, &r) {
                    (Value::List(a), Value::List(b)) => {
                        if a.0.is_empty() {
                            return Ok(r.clone());
                        }
                        if b.0.is_empty() {
                            return Ok(l.clone());
                        }
                        let mut v = Vec::with_capacity(a.0.len() + b.0.len());
                        v.extend(a.0.iter().cloned());
                        v.extend(b.0.iter().cloned());
                        Ok(Value::list(v))
                    }
                    (Value::Opaque(o), _) | (_, Value::Opaque(o)) => Ok(super::opaque::derived_value(o, " ++ […]")),
                    (Value::List(_), other) | (other, _) => Err(EvalError::type_error(format!(
                        "expected a list but found {}: {}",
                        other.type_phrase(),
                        short(other)
                    ))
                    .at(pos)),
                }
            }
            BinOp::Update => {
                let l = self.eval(lhs, env)?;
                let r = self.eval(rhs, env)?;
                match (&l, &r) {
                    (Value::Attrs(a), Value::Attrs(b)) => {
                        if b.is_empty() {
                            return Ok(l.clone());
                        }
                        // `a // b` where `b` redefines every name of `a` (updating a record
                        // with all its fields) is `b` itself.
                        if a.is_empty() || b.covers(a) {
                            return Ok(r.clone());
                        }
                        Ok(Value::attrs(Attrs::update_shared(a, b)))
                    }
                    (Value::Opaque(_), _) | (_, Value::Opaque(_)) => super::opaque::update(&l, &r).map_err(|e| e.at(pos)),
                    (Value::Attrs(_), other) | (other, _) => Err(EvalError::type_error(format!(
                        "expected a set but found {}: {}",
                        other.type_phrase(),
                        short(other)
                    ))
                    .at(pos)),
                }
            }
            BinOp::PipeRight | BinOp::PipeLeft => {
                let (f, a) = if op == BinOp::PipeRight { (rhs, lhs) } else { (lhs, rhs) };
                let fv = self.eval(f, env)?;
                let arg = self.thunk_of(a, env);
                self.call_value(fv, arg, pos)
            }
            _ => unreachable!("handled by eval_bin"),
        }
    }

    fn eval_bool(&mut self, e: &'static Expr, env: &Env, pos: Pos, ctx: &str) -> EvalResult<bool> {
        match self.eval(e, env)? {
            Value::Bool(b) => Ok(b),
            other => Err(EvalError::type_error(format!(
                "expected a Boolean but found {}: {}",
                other.type_phrase(),
                short(&other)
            ))
            .at(pos)
            .frame(pos, ctx)),
        }
    }

    pub(super) fn eval_concat(&mut self, parts: &'static [Expr], force_string: bool, pos: Pos, env: &Env) -> EvalResult {
        self.concat_from(parts.iter().map(Part::Todo), force_string, pos, env)
    }

    /// CppNix's `ExprConcatStrings`: the first part's type decides between number addition,
    /// path concatenation and string concatenation. Parts may come already evaluated (`+`
    /// evaluates its left operand first to try the integer fast path).
    ///
    /// Strings are coerced part by part (in order, as the reference does) and kept; the result
    /// is then built in one exactly sized allocation, and its context is only computed when a
    /// part has one.
    #[inline(never)]
    fn concat_from(
        &mut self,
        mut parts: impl Iterator<Item = Part>,
        force_string: bool,
        pos: Pos,
        env: &Env,
    ) -> EvalResult {
        let first = match parts.next() {
            Some(Part::Done(v)) => v,
            Some(Part::Todo(e)) => self.eval(e, env)?,
            None => return Ok(Value::String(NixString::from_slice(b""))),
        };
        if !force_string {
            match first {
                Value::Int(n) => return self.concat_numbers(n, 0.0, false, parts, pos, env),
                Value::Float(f) => return self.concat_numbers(0, f, true, parts, pos, env),
                Value::Path(_) => return self.concat_path(first, parts, pos, env),
                _ => {}
            }
        }
        let mut pieces = Pieces::new();
        let mut v = first;
        loop {
            if let Value::Opaque(o) = &v {
                return Ok(super::opaque::derived_value(o, "+\"…\""));
            }
            let s = match v {
                Value::String(s) => s,
                other => self
                    .coerce_to_string(&other, Coercion::INTERPOLATE)
                    .map_err(|e| e.at(pos).frame(pos, "while evaluating a path segment"))?,
            };
            pieces.push(s);
            // `"${toString n}"` on a known integer: its digits go straight into the result (the
            // builtin cannot fail on an integer).
            let mut next = parts.next();
            while let Some(i) = next.as_ref().and_then(|p| to_string_of_known_int(p, env)) {
                pieces.push_int(i);
                next = parts.next();
            }
            v = match next {
                Some(Part::Done(v)) => v,
                Some(Part::Todo(e)) => self.eval(e, env)?,
                None => break,
            };
        }
        Ok(Value::String(pieces.join()))
    }

    /// The numeric case of `concat_from`: integer addition (with overflow errors) until a float
    /// appears.
    fn concat_numbers(
        &mut self,
        mut n: i64,
        mut nf: f64,
        mut float: bool,
        parts: impl Iterator<Item = Part>,
        pos: Pos,
        env: &Env,
    ) -> EvalResult {
        for part in parts {
            let v = match part {
                Part::Done(v) => v,
                Part::Todo(e) => self.eval(e, env)?,
            };
            if float {
                match v {
                    Value::Int(x) => nf += x as f64,
                    Value::Float(f) => nf += f,
                    other => {
                        return Err(EvalError::type_error(format!("cannot add {} to a float", other.type_phrase())).at(pos))
                    }
                }
            } else {
                match v {
                    Value::Int(x) => {
                        n = n.checked_add(x).ok_or_else(|| int_overflow("adding", n, "+", x).at(pos))?;
                    }
                    Value::Float(f) => {
                        float = true;
                        nf = n as f64 + f;
                    }
                    other => {
                        return Err(EvalError::type_error(format!("cannot add {} to an integer", other.type_phrase())).at(pos))
                    }
                }
            }
        }
        Ok(if float { Value::Float(nf) } else { Value::Int(n) })
    }

    /// The path case of `concat_from`: the parts' text appended to the path (paths in later
    /// parts are not copied to the store), then canonicalised.
    #[inline(never)]
    fn concat_path(&mut self, first: Value, parts: impl Iterator<Item = Part>, pos: Pos, env: &Env) -> EvalResult {
        let mut buf: Vec<u8> = Vec::new();
        let mut has_ctx = false;
        let mut next = Some(first);
        let mut parts = parts;
        while let Some(v) = next {
            if let Value::Opaque(o) = &v {
                return Ok(super::opaque::derived_value(o, "+\"…\""));
            }
            let s = self
                .coerce_to_string(&v, Coercion::PLAIN)
                .map_err(|e| e.at(pos).frame(pos, "while evaluating a path segment"))?;
            buf.extend_from_slice(s.as_bytes());
            has_ctx |= s.has_context();
            next = match parts.next() {
                Some(Part::Done(v)) => Some(v),
                Some(Part::Todo(e)) => Some(self.eval(e, env)?),
                None => None,
            };
        }
        if has_ctx {
            return Err(EvalError::eval("a string that refers to a store path cannot be appended to a path").at(pos));
        }
        let s = String::from_utf8_lossy(&buf);
        Ok(Value::Path(super::lower::canon_path(&s).into()))
    }

    /// Coerces a value to a string following CppNix's `coerceToString`.
    pub fn coerce_to_string(&mut self, v: &Value, how: Coercion) -> EvalResult<NixString> {
        match v {
            Value::String(s) => Ok(s.clone()),
            Value::Opaque(o) => self.coerce_opaque(o),
            Value::Path(p) => {
                if how.copy_to_store {
                    let store_path = self.copy_path_to_store(p)?;
                    let ctx = Context::single(&store_path);
                    Ok(NixString::from_vec(store_path.into_bytes(), ctx))
                } else {
                    Ok(NixString::from_slice(p.as_bytes()))
                }
            }
            Value::Attrs(a) => {
                // `outPath` or list members may lead back to the value: the stack overflow
                // error rather than a crash.
                self.check_stack()?;
                if let Some(f) = a.get(sym::toString).cloned() {
                    let f = self.force(&f)?;
                    let r = self.call_value(f, Thunk::Ready(v.clone()), Pos::NONE)?;
                    return self.coerce_to_string(&r, how);
                }
                if let Some(out) = a.get(sym::outPath).cloned() {
                    let out = self.force(&out)?;
                    return self.coerce_to_string(&out, how);
                }
                Err(EvalError::type_error(format!("cannot coerce a set to a string: {}", short(v))))
            }
            _ if how.more => match v {
                Value::Null | Value::Bool(false) => Ok(NixString::from_slice(b"")),
                Value::Bool(true) => Ok(NixString::from_slice(b"1")),
                Value::Int(i) => Ok(NixString::from_int(*i)),
                Value::Float(f) => Ok(NixString::new(crate::print::format_float_to_string(*f).into_bytes().into_boxed_slice())),
                Value::List(l) => {
                    self.check_stack()?;
                    // Elements are joined by spaces, except after an empty list.
                    let mut pieces = Pieces::new();
                    let len = l.0.len();
                    for (i, t) in l.0.iter().enumerate() {
                        let item = self.force(t)?;
                        let s = self.coerce_to_string(&item, how)?;
                        pieces.push(s);
                        let empty_list = matches!(&item, Value::List(x) if x.0.is_empty());
                        if i + 1 < len && !empty_list {
                            pieces.push_space();
                        }
                    }
                    Ok(pieces.join())
                }
                _ => Err(EvalError::type_error(format!("cannot coerce {} to a string: {}", v.type_phrase(), short(v)))),
            },
            _ => Err(EvalError::type_error(format!("cannot coerce {} to a string: {}", v.type_phrase(), short(v)))),
        }
    }

    /// Forces a thunk and requires a string (no coercion).
    pub fn force_string(&mut self, t: &Thunk) -> EvalResult<NixString> {
        match self.force(t)? {
            Value::String(s) => Ok(s),
            other => Err(EvalError::type_error(format!(
                "expected a string but found {}: {}",
                other.type_phrase(),
                short(&other)
            ))),
        }
    }

    /// The store path a source path is copied to when used in a string.
    pub fn copy_path_to_store(&mut self, path: &str) -> EvalResult<String> {
        crate::builtins::paths::store_path_of_source(self, path)
    }

    /// Deep equality with CppNix's rules.
    pub fn values_equal(&mut self, a: &Value, b: &Value) -> EvalResult<bool> {
        match (a, b) {
            (Value::Int(x), Value::Int(y)) => Ok(x == y),
            (Value::Int(x), Value::Float(y)) => Ok((*x as f64) == *y),
            (Value::Float(x), Value::Int(y)) => Ok(*x == (*y as f64)),
            (Value::Float(x), Value::Float(y)) => Ok(x == y),
            (Value::Bool(x), Value::Bool(y)) => Ok(x == y),
            (Value::Null, Value::Null) => Ok(true),
            (Value::String(x), Value::String(y)) => Ok(x.as_bytes() == y.as_bytes()),
            (Value::Path(x), Value::Path(y)) => Ok(x == y),
            (Value::Opaque(x), Value::Opaque(y)) => Ok(Rc::ptr_eq(x, y)),
            (Value::List(x), Value::List(y)) => {
                if x.0.len() != y.0.len() {
                    return Ok(false);
                }
                // Cyclic or very deep values end in the stack overflow error, not a crash.
                self.check_stack()?;
                for (p, q) in x.0.iter().zip(y.0.iter()) {
                    if !self.thunks_equal(p, q)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            (Value::Attrs(x), Value::Attrs(y)) => {
                // Derivations are equal when their output paths are.
                if self.is_derivation(x)? && self.is_derivation(y)? {
                    if let (Some(p), Some(q)) = (x.get(sym::outPath).cloned(), y.get(sym::outPath).cloned()) {
                        let p = self.force(&p)?;
                        let q = self.force(&q)?;
                        let ps = self.coerce_to_string(&p, Coercion::PLAIN)?;
                        let qs = self.coerce_to_string(&q, Coercion::PLAIN)?;
                        return Ok(ps.as_bytes() == qs.as_bytes());
                    }
                }
                if x.len() != y.len() {
                    return Ok(false);
                }
                self.check_stack()?;
                for (p, q) in x.iter().zip(y.iter()) {
                    if p.name != q.name {
                        return Ok(false);
                    }
                    if !self.thunks_equal(&p.value, &q.value)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Why `a == b` is false, in current CppNix's words (`assertEqValues`): an error of the
    /// assertion kind naming the first difference, with frames leading to it (the list element
    /// or attribute compared, at `pos`, the `==`). `Ok` when no difference is found.
    #[cold]
    pub fn assert_eq_values(&mut self, a: &Value, b: &Value, pos: Pos) -> EvalResult<()> {
        self.check_stack()?;
        let differ = |msg: String| Err(EvalError::new(ErrorKind::Assert, msg));
        let numeric = |v: &Value| matches!(v, Value::Int(_) | Value::Float(_));
        if numeric(a) && numeric(b) {
            if self.values_equal(a, b)? {
                return Ok(());
            }
            return differ(format!(
                "{} with value '{}' is not equal to {} with value '{}'",
                a.type_phrase(),
                short(a),
                b.type_phrase(),
                short(b)
            ));
        }
        if a.type_name() != b.type_name() {
            return differ(format!(
                "{} of value '{}' is not equal to {} of value '{}'",
                a.type_phrase(),
                short(a),
                b.type_phrase(),
                short(b)
            ));
        }
        match (a, b) {
            (Value::Bool(x), Value::Bool(y)) if x != y => {
                differ(format!("boolean '{}' is not equal to boolean '{}'", short(a), short(b)))
            }
            (Value::String(x), Value::String(y)) if x.as_bytes() != y.as_bytes() => {
                differ(format!("string '{}' is not equal to string '{}'", short(a), short(b)))
            }
            (Value::Path(x), Value::Path(y)) if x != y => {
                differ(format!("path '{}' is not equal to path '{}'", short(a), short(b)))
            }
            (Value::List(x), Value::List(y)) => {
                if x.0.len() != y.0.len() {
                    return differ(format!(
                        "list of size '{}' is not equal to list of size '{}', left hand side is '{}', right hand side is '{}'",
                        x.0.len(),
                        y.0.len(),
                        short(a),
                        short(b)
                    ));
                }
                for (n, (p, q)) in x.0.iter().zip(y.0.iter()).enumerate() {
                    let p_value = self.force(p)?;
                    let q_value = self.force(q)?;
                    if p.same_cell(q) {
                        continue;
                    }
                    self.assert_eq_values(&p_value, &q_value, pos)
                        .map_err(|e| e.frame(pos, format!("while comparing list element {n}")))?;
                }
                Ok(())
            }
            (Value::Attrs(x), Value::Attrs(y)) => {
                if self.is_derivation(x)? && self.is_derivation(y)? {
                    if let (Some(p), Some(q)) = (x.get(sym::outPath).cloned(), y.get(sym::outPath).cloned()) {
                        let p = self.force(&p)?;
                        let q = self.force(&q)?;
                        return self.assert_eq_values(&p, &q, pos).map_err(|e| {
                            e.frame(pos, "while comparing a derivation by its 'outPath' attribute")
                        });
                    }
                }
                if x.len() != y.len() {
                    return differ(format!(
                        "attribute names of attribute set '{}' differs from attribute set '{}'",
                        short(a),
                        short(b)
                    ));
                }
                for (p, q) in x.iter().zip(y.iter()) {
                    if p.name != q.name {
                        return if y.get(p.name).is_none() {
                            differ(format!(
                                "attribute name '{}' is contained in '{}', but not in '{}'",
                                p.name.as_str(),
                                short(a),
                                short(b)
                            ))
                        } else {
                            differ(format!(
                                "attribute name '{}' is missing in '{}', but is contained in '{}'",
                                q.name.as_str(),
                                short(a),
                                short(b)
                            ))
                        };
                    }
                    let p_value = self.force(&p.value)?;
                    let q_value = self.force(&q.value)?;
                    if p.value.same_cell(&q.value) {
                        continue;
                    }
                    self.assert_eq_values(&p_value, &q_value, pos).map_err(|mut e| {
                        if !q.pos.is_none() {
                            e = e.frame(q.pos, "where right hand side is");
                        }
                        if !p.pos.is_none() {
                            e = e.frame(p.pos, "where left hand side is");
                        }
                        e.frame(pos, format!("while comparing attribute '{}'", p.name.as_str()))
                    })?;
                }
                Ok(())
            }
            _ if a.is_function() => {
                differ("distinct functions and immediate comparisons of identical functions compare as unequal".into())
            }
            _ => Ok(()),
        }
    }

    /// Equality of members, with CppNix's identity rule: both are forced, then the same value
    /// object is equal to itself without being looked into (so `[ f ] == [ f ]` is true for a
    /// function `f`, while `[ s.f ] == [ s.f ]` is not: each selection is a value of its own).
    /// A shared thunk cell is one value object; values known without a cell (constants and
    /// globals) are the same object when they share their allocation.
    pub fn thunks_equal(&mut self, a: &Thunk, b: &Thunk) -> EvalResult<bool> {
        if a.same_cell(b) {
            self.force(a)?;
            return Ok(true);
        }
        if let (Thunk::Ready(x), Thunk::Ready(y)) = (a, b) {
            if same_value(x, y) {
                return Ok(true);
            }
        }
        let x = self.force(a)?;
        let y = self.force(b)?;
        self.values_equal(&x, &y)
    }

    /// Whether a set is a derivation (`type = "derivation"`).
    pub fn is_derivation(&mut self, a: &Attrs) -> EvalResult<bool> {
        match a.get(sym::type_).cloned() {
            Some(t) => match self.force(&t)? {
                Value::String(s) => Ok(s.as_bytes() == b"derivation"),
                _ => Ok(false),
            },
            None => Ok(false),
        }
    }

    /// `a < b` with CppNix's rules.
    pub fn less_than(&mut self, a: &Value, b: &Value) -> EvalResult<bool> {
        match (a, b) {
            (Value::Int(x), Value::Int(y)) => Ok(x < y),
            (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => Ok(as_f64(a) < as_f64(b)),
            (Value::String(x), Value::String(y)) => Ok(x.as_bytes() < y.as_bytes()),
            (Value::Path(x), Value::Path(y)) => Ok(x.as_bytes() < y.as_bytes()),
            (Value::List(x), Value::List(y)) => {
                self.check_stack()?;
                let n = x.0.len().min(y.0.len());
                for i in 0..n {
                    // Elements are first compared for equality, with the identity rule (the
                    // same function is equal to itself), as CppNix's `eqValues`.
                    if !self.thunks_equal(&x.0[i], &y.0[i])? {
                        let p = self.force(&x.0[i])?;
                        let q = self.force(&y.0[i])?;
                        return self.less_than(&p, &q);
                    }
                }
                Ok(x.0.len() < y.0.len())
            }
            _ => Err(incomparable(a, b)),
        }
    }

    /// Total order used by `builtins.sort`-like helpers that need `Ordering`.
    pub fn compare(&mut self, a: &Value, b: &Value) -> EvalResult<Ordering> {
        if self.less_than(a, b)? {
            Ok(Ordering::Less)
        } else if self.less_than(b, a)? {
            Ok(Ordering::Greater)
        } else {
            Ok(Ordering::Equal)
        }
    }
}

/// The strings of a concatenation, kept until all are known so that the result is allocated
/// once with its exact size. The first few live on the stack.
pub struct Pieces {
    /// The first `n` (at most `INLINE_PIECES`) are initialised.
    inline: [std::mem::MaybeUninit<Piece>; INLINE_PIECES],
    n: usize,
    spill: Vec<Piece>,
    len: usize,
    with_context: usize,
    /// How many pieces are integers.
    ints: usize,
}

/// How many pieces a concatenation keeps on the stack.
const INLINE_PIECES: usize = 12;

/// One piece of a concatenation.
enum Piece {
    Str(NixString),
    /// A separating space (`toString` of a list).
    Space,
    /// The decimal text of an integer (`"${toString n}"`), written straight into the result.
    Int(i64),
}

impl Pieces {
    #[inline]
    pub fn new() -> Pieces {
        Pieces {
            inline: [const { std::mem::MaybeUninit::uninit() }; INLINE_PIECES],
            n: 0,
            spill: Vec::new(),
            len: 0,
            with_context: 0,
            ints: 0,
        }
    }

    /// The pieces kept on the stack.
    #[inline]
    fn inline(&self) -> &[Piece] {
        // SAFETY: the first `min(n, INLINE_PIECES)` pieces were written by `add`.
        unsafe { std::slice::from_raw_parts(self.inline.as_ptr() as *const Piece, self.n.min(INLINE_PIECES)) }
    }

    #[inline]
    fn add(&mut self, p: Piece) {
        if self.n < INLINE_PIECES {
            self.inline[self.n].write(p);
        } else {
            self.spill.push(p);
        }
        self.n += 1;
    }

    #[inline]
    pub fn push(&mut self, s: NixString) {
        self.len += s.len();
        self.with_context += s.has_context() as usize;
        self.add(Piece::Str(s));
    }

    /// A separating space (`toString` of a list).
    pub fn push_space(&mut self) {
        self.len += 1;
        self.add(Piece::Space);
    }

    /// The decimal text of `i`.
    #[inline]
    pub fn push_int(&mut self, i: i64) {
        let mut buf = [0u8; 20];
        self.len += super::value::format_int(i, &mut buf).len();
        self.ints += 1;
        self.add(Piece::Int(i));
    }

    fn iter(&self) -> impl Iterator<Item = &Piece> + Clone {
        self.inline().iter().chain(self.spill.iter())
    }

    /// The concatenated string. A single string comes back shared, not copied.
    pub fn join(&self) -> NixString {
        let inline = self.inline();
        if let [Piece::Str(s)] = inline {
            if self.n == 1 {
                return s.clone();
            }
        }
        let context = match self.with_context {
            0 => Context(None),
            _ => Context::union_of(self.iter().filter_map(|p| match p {
                Piece::Str(s) => Some(s),
                _ => None,
            })),
        };
        let mut storage;
        let digits: &mut [[u8; 20]] = if self.ints > 0 {
            storage = [[0u8; 20]; INLINE_PIECES];
            &mut storage
        } else {
            &mut []
        };
        if self.n <= INLINE_PIECES {
            let mut slices: [&[u8]; INLINE_PIECES] = [b""; INLINE_PIECES];
            let mut bufs = digits.iter_mut();
            for (p, slice) in inline.iter().zip(slices.iter_mut()) {
                *slice = match p {
                    Piece::Str(s) => s.as_bytes(),
                    Piece::Space => b" ",
                    Piece::Int(i) => super::value::format_int(*i, bufs.next().expect("a buffer per integer piece")),
                };
            }
            // A long string being appended to (`acc + "..."` in a fold) grows in place.
            if let Some(Piece::Str(first)) = inline.first() {
                if first.should_append(self.len) {
                    return first.append(&slices[1..self.n], context);
                }
            }
            return NixString::concat(&slices[..self.n], context);
        }
        let mut buf = Vec::with_capacity(self.len);
        for p in self.iter() {
            match p {
                Piece::Str(s) => buf.extend_from_slice(s.as_bytes()),
                Piece::Space => buf.push(b' '),
                Piece::Int(i) => buf.extend_from_slice(super::value::format_int(*i, &mut [0u8; 20])),
            }
        }
        NixString::from_vec(buf, context)
    }
}

impl Drop for Pieces {
    fn drop(&mut self) {
        let n = self.n.min(INLINE_PIECES);
        for p in &mut self.inline[..n] {
            // SAFETY: the first `n` pieces are initialised, and each is dropped once.
            unsafe { p.assume_init_drop() }
        }
    }
}

impl Default for Pieces {
    fn default() -> Self {
        Pieces::new()
    }
}

/// Pointer identity for values held behind a reference.
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Lambda(x), Value::Lambda(y)) => Rc::ptr_eq(x, y),
        (Value::Attrs(x), Value::Attrs(y)) => Attrs::ptr_eq(x, y),
        (Value::List(x), Value::List(y)) => Rc::ptr_eq(x, y),
        (Value::PrimOp(x), Value::PrimOp(y)) => std::ptr::eq(*x, *y),
        (Value::PrimOpApp(x), Value::PrimOpApp(y)) => Rc::ptr_eq(x, y),
        _ => false,
    }
}

/// Both operands' integers, when both are integers.
#[inline(always)]
fn int_pair(l: &Value, r: &Value) -> Option<(i64, i64)> {
    match (l, r) {
        (Value::Int(a), Value::Int(b)) => Some((*a, *b)),
        _ => None,
    }
}

/// `toString n` (the builtin, not a shadowing binding) where `n` is a constant or a variable
/// already holding an integer: that integer.
#[inline]
fn to_string_of_known_int(part: &Part, env: &Env) -> Option<i64> {
    let Part::Todo(Expr::Call(d)) = part else { return None };
    let (Expr::Const(Value::PrimOp(op)), [arg]) = (&d.func, &d.args[..]) else { return None };
    if op.name != "toString" {
        return None;
    }
    super::known_int(arg, env)
}

#[cfg(test)]
mod tests {
    fn error_of(expr: &str) -> crate::EvalError {
        crate::eval_to_string(expr).unwrap_err()
    }

    #[test]
    fn failed_equality_assertions_name_the_first_difference() {
        let e = error_of("assert [ 1 { a = \"x\"; } ] == [ 1 { a = \"y\"; } ]; 1");
        assert_eq!(e.kind(), crate::ErrorKind::Assert);
        assert_eq!(e.message(), "string '\"x\"' is not equal to string '\"y\"'");
        assert_eq!(error_of("assert 1 == 2.5; 1").message(), "an integer with value '1' is not equal to a float with value '2.5'");
        assert_eq!(error_of("assert 1 == null; 1").message(), "an integer of value '1' is not equal to null of value 'null'");
        assert_eq!(error_of("assert 1 < 0; 1").message(), "assertion '(__lessThan 1 0)' failed");
        assert_eq!(crate::eval_to_string("(builtins.tryEval (assert [ 1 ] == [ 2 ]; 1)).success").unwrap(), "false");
    }

    #[test]
    fn ordering_errors_name_both_values() {
        assert_eq!(error_of("1 < \"a\"").message(), "cannot compare an integer with a string; values are 1 and \"a\"");
        assert_eq!(
            error_of("null < null").message(),
            "cannot compare null with null; values of that type are incomparable (values are null and null)"
        );
    }

    #[test]
    fn cyclic_values_are_a_stack_overflow_not_a_crash() {
        crate::eval::with_big_stack(64 << 20, || {
            let e = crate::eval_to_string("let x = { a = x; }; y = { a = y; }; in x == y").unwrap_err();
            assert!(e.message().contains("stack overflow"), "{}", e.message());
        });
    }
}
