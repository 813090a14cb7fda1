//! The teaching mode behind `nixeval eval --trace-fixpoint`: a `lib` whose `fix` and `extends`
//! log every step of a fixed-point computation as the lazy evaluation really performs it, so
//! that "the result of the function is the input to that function" can be watched on a small
//! expression: `fix` hands `f` a promise of its own result, `extends` computes `prev` from the
//! layers below, and each `final.x`/`prev.x` is logged when it is needed and when its value is
//! known.
//!
//! The log is kept per thread and handed to the command line, which prints it on standard
//! error before the result. Only `fix` and `extends` are traced (the other library functions are
//! the stand-in's); nothing here changes what is computed.

use crate::builtins::Builtin;
use crate::eval::expr::Param;
use crate::eval::symbol::Symbol;
use crate::eval::value::{AttrEntry, Attrs, Thunk, Value};
use crate::eval::{EvalResult, Evaluator};
use crate::syntax::source::{Origin, Pos};
use std::cell::RefCell;
use std::fmt::Write;
use std::rc::Rc;

#[derive(Default)]
struct Log {
    lines: String,
    depth: usize,
    /// Overlay functions seen by `extends`, numbered in the order they were first applied.
    layers: Vec<(usize, String)>,
}

thread_local! {
    static LOG: RefCell<Log> = RefCell::new(Log::default());
}

fn log(msg: &str) {
    LOG.with(|l| {
        let mut l = l.borrow_mut();
        let d = l.depth.min(40);
        let _ = writeln!(l.lines, "fixpoint: {}{}", "  ".repeat(d), msg);
    });
}

fn deeper(by: isize) {
    LOG.with(|l| {
        let mut l = l.borrow_mut();
        l.depth = (l.depth as isize + by).max(0) as usize;
    });
}

/// Takes what was logged so far.
pub fn take_log() -> String {
    LOG.with(|l| std::mem::take(&mut l.borrow_mut().lines))
}

static FIX: Builtin = Builtin { name: "fix", arity: 1, func: fix_fn };
static EXTENDS: Builtin = Builtin { name: "extends", arity: 3, func: extends_fn };

fn names_of(a: &Attrs) -> String {
    let v: Vec<&str> = a.sorted_by_name().iter().map(|e| e.name.as_str()).collect();
    if v.is_empty() {
        "{ }".to_string()
    } else {
        format!("{{ {} }}", v.join(" "))
    }
}

fn describe_fn(ev: &Evaluator, v: &Value) -> String {
    match v {
        Value::Lambda(c) => {
            let at = ev
                .sources
                .describe(c.def.pos)
                .map(|(f, l, col)| if f.starts_with('«') { format!("line {l}:{col}") } else { format!("{f}:{l}:{col}") })
                .unwrap_or_else(|| "?".into());
            match &c.def.param {
                Param::Ident(s) => format!("`{}: ...` at {at}", s.as_str()),
                Param::Formals { .. } => format!("`{{ ... }}: ...` at {at}"),
            }
        }
        Value::PrimOpApp(app) if std::ptr::eq(app.op, &EXTENDS) && app.args.len() == 2 => {
            let o = app.args[0].value_if_ready().map(|v| describe_fn(ev, &v)).unwrap_or_else(|| "an overlay".into());
            let f = app.args[1].value_if_ready().map(|v| describe_fn(ev, &v)).unwrap_or_else(|| "a function".into());
            format!("extends ({o}) ({f})")
        }
        other => other.type_phrase().into_owned(),
    }
}

/// A set whose attributes log `WHO.x` when needed and their value when known.
fn logging_set(a: &Attrs, who: Rc<str>, reader: Option<Rc<str>>) -> Value {
    let mut entries = Vec::with_capacity(a.len());
    for e in a.iter() {
        let orig = e.value.clone();
        let who = who.clone();
        let reader = reader.clone();
        let name = e.name;
        entries.push(AttrEntry {
            name,
            pos: e.pos,
            value: Thunk::new_native(move |ev| {
                match &reader {
                    Some(r) => log(&format!("{r} needs {who}.{}", name.as_str())),
                    None => log(&format!("{who}.{} is needed", name.as_str())),
                }
                deeper(1);
                let r = ev.force(&orig);
                deeper(-1);
                match &r {
                    Ok(v) => log(&format!("{who}.{} = {}", name.as_str(), crate::print::short(v))),
                    Err(e) => log(&format!("{who}.{} failed: {}", name.as_str(), e.message())),
                }
                r
            }),
        });
    }
    Value::attrs(Attrs::from_sorted(entries))
}

fn fix_fn(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let f = ev.force(&args[0])?;
    if let Value::PrimOpApp(app) = &f {
        if std::ptr::eq(app.op, &EXTENDS) {
            // Only to name them: `extends` forces both anyway.
            for a in &app.args {
                ev.force(a)?;
            }
        }
    }
    log(&format!(
        "fix: calling f = {} with `final`, a promise of the very set f is about to return",
        describe_fn(ev, &f)
    ));
    let slot: Rc<RefCell<Option<Thunk>>> = Rc::new(RefCell::new(None));
    let slot2 = slot.clone();
    let f2 = f.clone();
    let result = Thunk::new_native(move |ev| {
        let me = slot2.borrow().clone().expect("set before use");
        let promise = Thunk::new_native(move |ev| {
            let v = ev.force(&me)?;
            match &v {
                Value::Attrs(a) => Ok(logging_set(a, "final".into(), None)),
                _ => Ok(v),
            }
        });
        deeper(1);
        let r = ev.call_value(f2.clone(), promise, Pos::NONE);
        deeper(-1);
        r
    });
    *slot.borrow_mut() = Some(result.clone());
    let v = ev.force(&result)?;
    match &v {
        Value::Attrs(a) => {
            log(&format!("fix: f returned {}: this set is `final`, the input f was given", names_of(a)));
            Ok(logging_set(a, "final".into(), None))
        }
        _ => Ok(v),
    }
}

fn layer_name(ev: &Evaluator, overlay: &Value) -> String {
    let id = super::value_id(overlay).unwrap_or(0);
    let desc = describe_fn(ev, overlay);
    LOG.with(|l| {
        let mut l = l.borrow_mut();
        let n = match l.layers.iter().position(|(i, _)| *i == id) {
            Some(n) => n + 1,
            None => {
                l.layers.push((id, desc.clone()));
                l.layers.len()
            }
        };
        format!("overlay #{n} ({desc})")
    })
}

fn extends_fn(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let overlay = ev.force(&args[0])?;
    let f = ev.force(&args[1])?;
    let final_ = args[2].clone();
    let name: Rc<str> = layer_name(ev, &overlay).into();
    log(&format!("extends: {name} gets final and prev = (the layers below it) final"));
    deeper(1);
    let prev_t = Thunk::new_apply(f, final_.clone());
    let prev_v = ev.force(&prev_t);
    let prev_v = match prev_v {
        Ok(v) => v,
        Err(e) => {
            deeper(-1);
            return Err(e);
        }
    };
    let Value::Attrs(prev) = &prev_v else {
        deeper(-1);
        return Err(crate::builtins::type_err("a set", &prev_v));
    };
    log(&format!("prev for {name} is {}", names_of(prev)));
    let prev_proxy = Thunk::Ready(logging_set(prev, "prev".into(), Some(name.clone())));
    let out = ev.call_many(overlay, &[final_, prev_proxy], Pos::NONE);
    deeper(-1);
    let out = out?;
    let Value::Attrs(out) = &out else { return Err(crate::builtins::type_err("a set", &out)) };
    log(&format!("{name} returns {}: result = prev // that", names_of(out)));
    let mut wrapped = Vec::with_capacity(out.len());
    for e in out.iter() {
        let orig = e.value.clone();
        let n = name.clone();
        let a = e.name;
        wrapped.push(AttrEntry {
            name: a,
            pos: e.pos,
            value: Thunk::new_native(move |ev| {
                log(&format!("{} is {n}'s definition", a.as_str()));
                deeper(1);
                let r = ev.force(&orig);
                deeper(-1);
                r
            }),
        });
    }
    Ok(Value::attrs(prev.update(&Attrs::from_sorted(wrapped))))
}

/// A `lib` with traced `fix` and `extends` (also under `lib.fixedPoints`).
pub fn traced_lib(ev: &mut Evaluator) -> EvalResult {
    let src = crate::flake::standins::NIXPKGS.file("lib/fixed-points.nix").unwrap_or("{ lib }: { }");
    let expr = ev.compile(Origin::Builtin("lib/fixed-points.nix"), src.into(), "/".into())?;
    let f = ev.eval_root(expr)?;
    let arg = ev.eval_str("{ lib = { }; }", "/")?;
    let fp = ev.call_value(f, arg.into(), Pos::NONE)?;
    let Value::Attrs(fp) = fp else { return Ok(fp) };
    let mut set = fp.clone();
    set.insert(AttrEntry { name: Symbol::new("fix"), pos: Pos::NONE, value: Value::PrimOp(&FIX).into() });
    set.insert(AttrEntry { name: Symbol::new("extends"), pos: Pos::NONE, value: Value::PrimOp(&EXTENDS).into() });
    let fixed = Value::attrs(set.clone());
    set.insert(AttrEntry { name: Symbol::new("fixedPoints"), pos: Pos::NONE, value: fixed.into() });
    Ok(Value::attrs(set))
}

/// Prepares the root value of `--trace-fixpoint`: a function `{ lib, ... }: ...` is called
/// with the traced `lib`; anything else is returned as it is.
pub fn prepare(ev: &mut Evaluator, root: Value) -> EvalResult {
    if let Value::Lambda(c) = &root {
        if let Param::Formals { formals, .. } = &c.def.param {
            if formals.iter().any(|f| f.name.as_str() == "lib") {
                let lib = traced_lib(ev)?;
                let arg = Attrs::from_unsorted(vec![AttrEntry { name: Symbol::new("lib"), pos: Pos::NONE, value: lib.into() }]);
                return ev.call_value(root.clone(), Value::attrs(arg).into(), Pos::NONE);
            }
        }
    }
    Ok(root)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::EvalOptions;

    #[test]
    fn fix_and_extends_are_traced_and_compute_the_same() {
        let mut ev = Evaluator::new(EvalOptions::default(), Box::new(crate::eval::io::RealIo));
        ev.reset_stack_base();
        take_log();
        let root = ev
            .eval_str("{ lib }: (lib.fix (lib.extends (final: prev: { b = prev.a + 1; }) (final: { a = 1; c = final.b * 2; }))).c", "/")
            .unwrap();
        let v = prepare(&mut ev, root).unwrap();
        assert!(matches!(v, Value::Int(4)));
        let log = take_log();
        assert!(log.contains("fix: calling f"), "{log}");
        assert!(log.contains("needs prev.a"), "{log}");
        assert!(log.contains("final.b = 2"), "{log}");
    }
}
