//! JSON: `builtins.toJSON` and `--json` output (value → JSON text, forcing as it goes), as
//! current CppNix's `printValueAsJSON` does it:
//!
//! - sets are peeled through `__toString` (which must then lead to a string or a path) and
//!   `outPath` (repeatedly; a set reached through `outPath` alone is written as an object);
//! - paths are copied to the store (their store path is written and joins the context), except
//!   those returned by `__toString`, which are written as they are;
//! - object keys are sorted; strings keep their contexts in the result;
//! - errors carry CppNix's trace lines ("while evaluating attribute 'x'", "while evaluating list
//!   element at index N", the `__toString`/`outPath` lines), functions are refused with
//!   "cannot convert ... to JSON", and a string that is not UTF-8 fails only once the whole value
//!   has been converted, like CppNix's final serialisation step.
//!
//! `--json` without `--strict` still forces what it prints (CppNix refuses unevaluated values
//! there with "cannot convert a thunk to JSON").

use super::Builtin;
use crate::error::EvalError;
use crate::eval::symbol::sym;
use crate::eval::value::*;
use crate::eval::Evaluator;
use crate::print::short;
use crate::syntax::source::Pos;

pub const BUILTINS: &[Builtin] = &[Builtin { name: "toJSON", arity: 1, func: to_json_builtin }];

fn to_json_builtin(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let v = ev.force(&args[0])?;
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

/// Appends the JSON text of `v` to `out` and the contexts of its strings to `ctx`.
pub fn write_json(ev: &mut Evaluator, v: &Value, out: &mut String, ctx: &mut Vec<Box<str>>) -> EvalResult<()> {
    let mut w = JsonWriter { out, ctx, depth: 0, deferred: None };
    w.value(ev, v, true, Pos::NONE)?;
    match w.deferred {
        Some(msg) => Err(EvalError::eval(msg)),
        None => Ok(()),
    }
}

/// CppNix's `showType` of a value as used in these messages.
pub fn show_type(v: &Value) -> String {
    match v {
        Value::String(s) if s.has_context() => "a string with context".to_string(),
        Value::PrimOp(op) => format!("the built-in function '{}'", op.name),
        Value::PrimOpApp(app) => format!("the partially applied built-in function '{}'", app.op.name),
        other => other.type_phrase().to_string(),
    }
}

struct JsonWriter<'a> {
    out: &'a mut String,
    ctx: &'a mut Vec<Box<str>>,
    depth: u32,
    /// The first string that could not be serialised (reported after everything else).
    deferred: Option<String>,
}

/// Trace lines to add to errors raised while writing a peeled value: `(pos, message)`, outermost
/// first.
type PeelFrames = Vec<(Pos, &'static str)>;

fn apply_frames(mut e: EvalError, frames: &PeelFrames) -> EvalError {
    for (pos, msg) in frames.iter().rev() {
        e = e.frame(*pos, *msg);
    }
    e
}

impl JsonWriter<'_> {
    fn string(&mut self, s: &[u8]) {
        if let Err(msg) = crate::json::write_json_string(s, self.out) {
            // Keep the text well-formed and go on: the reference evaluates everything first.
            self.out.push_str("null");
            if self.deferred.is_none() {
                self.deferred = Some(msg);
            }
        }
    }

    fn value(&mut self, ev: &mut Evaluator, v: &Value, copy_to_store: bool, pos: Pos) -> EvalResult<()> {
        if self.depth > ev.options.max_call_depth || crate::stack::exhausted() {
            return Err(crate::eval::stack_overflow().at(pos));
        }
        self.depth += 1;
        let r = self.value_inner(ev, v, copy_to_store, pos);
        self.depth -= 1;
        r
    }

    fn value_inner(&mut self, ev: &mut Evaluator, v: &Value, copy_to_store: bool, pos: Pos) -> EvalResult<()> {
        match v {
            Value::Null => self.out.push_str("null"),
            Value::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => {
                use std::fmt::Write;
                let _ = write!(self.out, "{i}");
            }
            Value::Float(f) => self.out.push_str(&crate::numfmt::format_float_json(*f)),
            Value::String(s) => {
                s.context().extend_into(self.ctx);
                self.string(s.as_bytes());
            }
            Value::Path(p) => {
                if copy_to_store {
                    let store_path = ev.copy_path_to_store(p)?;
                    self.string(store_path.as_bytes());
                    self.ctx.push(store_path.into());
                } else {
                    self.string(p.as_bytes());
                }
            }
            Value::Attrs(_) => {
                let mut frames = PeelFrames::new();
                let (peeled, through_to_string) = peel(ev, v.clone(), false, &mut frames)?;
                let r = match &peeled {
                    Value::Attrs(a) => self.object(ev, a, copy_to_store),
                    other => self.value(ev, other, copy_to_store && !through_to_string, pos),
                };
                r.map_err(|e| apply_frames(e, &frames))?;
            }
            Value::List(l) => {
                self.out.push('[');
                for (i, t) in l.0.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    let frame = |e: EvalError| e.frame(pos, format!("while evaluating list element at index {i}"));
                    let x = ev.force(t).map_err(frame)?;
                    self.value(ev, &x, copy_to_store, pos).map_err(frame)?;
                }
                self.out.push(']');
            }
            Value::Lambda(c) => {
                return Err(EvalError::type_error(format!("cannot convert {} to JSON", show_type(v))).at(c.def.pos));
            }
            Value::Opaque(o) => {
                return Err(EvalError::type_error(format!("cannot convert {} to JSON: {}", o.phrase(), o.short())).at(pos));
            }
            Value::PrimOp(_) | Value::PrimOpApp(_) => {
                return Err(EvalError::type_error(format!("cannot convert {} to JSON", show_type(v))).at(pos));
            }
        }
        Ok(())
    }

    fn object(&mut self, ev: &mut Evaluator, a: &Attrs, copy_to_store: bool) -> EvalResult<()> {
        self.out.push('{');
        for (i, e) in a.sorted_by_name().into_iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            self.string(e.name.as_str().as_bytes());
            self.out.push(':');
            let frame = |err: EvalError| err.frame(e.pos, format!("while evaluating attribute '{}'", e.name));
            let x = ev.force(&e.value).map_err(frame)?;
            self.value(ev, &x, copy_to_store, e.pos).map_err(frame)?;
        }
        self.out.push('}');
        Ok(())
    }
}

/// CppNix's `peelToStringOutPath` with the `__toString` result check: follows `__toString` and
/// `outPath` until a value that is not a set, or a set with neither. Returns that value and
/// whether a `__toString` was called; `frames` receives the trace lines that errors raised while
/// using the result must carry.
fn peel(ev: &mut Evaluator, v: Value, through_to_string: bool, frames: &mut PeelFrames) -> EvalResult<(Value, bool)> {
    if crate::stack::exhausted() {
        return Err(crate::eval::stack_overflow());
    }
    let Value::Attrs(a) = &v else {
        if through_to_string && !matches!(v, Value::String(_) | Value::Path(_)) {
            return Err(EvalError::type_error(format!(
                "`__toString` should return a string, but got {}: {}",
                show_type(&v),
                short(&v)
            )));
        }
        return Ok((v, through_to_string));
    };
    if let Some(entry) = a.get_entry(sym::toString) {
        let (pos, f) = (entry.pos, entry.value.clone());
        let call = |ev: &mut Evaluator| -> EvalResult {
            let f = ev.force(&f)?;
            ev.call_value(f, Thunk::Ready(v.clone()), pos)
        };
        let r = call(ev).map_err(|e| e.frame(pos, "while calling the `__toString` attribute"))?;
        frames.push((pos, "while using the result of the `__toString` attribute"));
        return peel(ev, r, true, frames)
            .map_err(|e| e.at(pos).frame(pos, "while using the result of the `__toString` attribute"));
    }
    if let Some(entry) = a.get_entry(sym::outPath) {
        let pos = entry.pos;
        let o = ev.force(&entry.value).map_err(|e| e.frame(pos, "while evaluating the `outPath` attribute"))?;
        frames.push((pos, "while using the `outPath` attribute"));
        return peel(ev, o, through_to_string, frames).map_err(|e| e.at(pos).frame(pos, "while using the `outPath` attribute"));
    }
    if through_to_string {
        return Err(EvalError::type_error(format!(
            "`__toString` must return a string, but got {}: {}",
            show_type(&v),
            short(&v)
        )));
    }
    Ok((v, through_to_string))
}

#[cfg(test)]
mod tests {
    use crate::eval_to_string;

    fn err(expr: &str) -> String {
        eval_to_string(expr).err().map(|e| e.message().to_string()).unwrap_or_default()
    }

    #[test]
    fn values() {
        assert_eq!(
            eval_to_string(r#"builtins.toJSON { b = [ 1 2.5 null true ]; a = "x\n"; }"#).unwrap(),
            r#""{\"a\":\"x\\n\",\"b\":[1,2.5,null,true]}""#
        );
        assert_eq!(eval_to_string(r#"builtins.toJSON { outPath.foo = true; }"#).unwrap(), r#""{\"foo\":true}""#);
        assert_eq!(eval_to_string(r#"builtins.toJSON { __toString = _: { outPath = "y"; }; }"#).unwrap(), r#""\"y\"""#);
        assert_eq!(eval_to_string(r#"builtins.toJSON { __toString = _: /no/such; }"#).unwrap(), r#""\"/no/such\"""#);
    }

    #[test]
    fn errors() {
        assert_eq!(err("builtins.toJSON (x: x)"), "cannot convert a function to JSON");
        assert_eq!(err("builtins.toJSON [ map ]"), "cannot convert the built-in function 'map' to JSON");
        assert_eq!(err("builtins.toJSON (map map)"), "cannot convert the partially applied built-in function 'map' to JSON");
        assert_eq!(err("builtins.toJSON { __toString = _: 1; }"), "`__toString` should return a string, but got an integer: 1");
        assert_eq!(err("builtins.toJSON { __toString = _: {}; }"), "`__toString` must return a string, but got a set: { }");
        // Serialisation errors come after evaluation errors.
        assert_eq!(err(r#"builtins.toJSON [ (builtins.substring 0 1 "é") (throw "first") ]"#), "first");
        assert_eq!(
            err(r#"builtins.toJSON [ (builtins.substring 0 1 "é") ]"#),
            "JSON serialization error: [json.exception.type_error.316] incomplete UTF-8 string; last byte: 0xC3"
        );
    }
}
