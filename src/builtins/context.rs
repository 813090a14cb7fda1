//! String-context builtins: `getContext`, `appendContext`, `unsafeDiscardOutputDependency`,
//! `addDrvOutputDependencies`; and CppNix's `forceStringNoCtx` (a string argument that must not
//! refer to store paths), which many builtins share.
//!
//! Context elements are kept in the encoding documented on [`Context`]: `/nix/store/x` (a plain
//! path), `=/nix/store/x.drv` (a derivation with its whole closure, "deep"), and
//! `!out!/nix/store/x.drv` (one output of a derivation). Messages that show an element use
//! CppNix's display form (`/nix/store/x.drv (deep)`, `/nix/store/x.drv^out`), and "the first
//! element" means the first in CppNix's order (plain paths, then deep derivations, then outputs).
//! Nothing here touches a store: `appendContext` checks that keys are store paths but not that
//! they exist.

use super::{arg_frame, Builtin};
use crate::error::EvalError;
use crate::eval::ops::Coercion;
use crate::eval::symbol::{sym, Symbol};
use crate::eval::value::*;
use crate::eval::Evaluator;
use crate::syntax::source::Pos;
use std::collections::BTreeMap;

pub const BUILTINS: &[Builtin] = &[
    Builtin { name: "getContext", arity: 1, func: get_context },
    Builtin { name: "appendContext", arity: 2, func: append_context },
    Builtin { name: "unsafeDiscardOutputDependency", arity: 1, func: unsafe_discard_output_dependency },
    Builtin { name: "addDrvOutputDependencies", arity: 1, func: add_drv_output_dependencies },
];

/// One context element, decoded (borrowing from its encoded form).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Elem<'a> {
    /// A plain store path.
    Opaque(&'a str),
    /// A derivation and its whole closure.
    DrvDeep(&'a str),
    /// One output of a derivation: `(drv, output)`. `drv` is itself an encoded derived path
    /// (`/nix/store/x.drv`, or `out2!/nix/store/x.drv` for an output of a dynamic derivation).
    Built(&'a str, &'a str),
}

impl<'a> Elem<'a> {
    pub fn parse(s: &'a str) -> Elem<'a> {
        if let Some(rest) = s.strip_prefix('=') {
            Elem::DrvDeep(rest)
        } else if let Some(rest) = s.strip_prefix('!') {
            match rest.split_once('!') {
                Some((output, drv)) => Elem::Built(drv, output),
                None => Elem::Opaque(s),
            }
        } else {
            Elem::Opaque(s)
        }
    }

    /// CppNix's `NixStringContextElem::display`.
    pub fn display(self) -> String {
        match self {
            Elem::Opaque(p) => p.to_string(),
            Elem::DrvDeep(p) => format!("{p} (deep)"),
            Elem::Built(drv, output) => format!("{}^{}", display_derived(drv), output),
        }
    }

    /// The store path a derived path is rooted at (the derivation of an output).
    fn base_path(drv: &str) -> &str {
        match drv.rfind('!') {
            Some(i) => &drv[i + 1..],
            None => drv,
        }
    }

    /// Sort key in CppNix's `std::set<NixStringContextElem>` order.
    fn cpp_order_key(self) -> (u8, &'a str, &'a str) {
        match self {
            Elem::Opaque(p) => (0, p, ""),
            Elem::DrvDeep(p) => (1, p, ""),
            Elem::Built(drv, o) => (2, drv, o),
        }
    }
}

/// `out2!/nix/store/x.drv` → `/nix/store/x.drv^out2`.
fn display_derived(drv: &str) -> String {
    match drv.split_once('!') {
        Some((output, inner)) => format!("{}^{}", display_derived(inner), output),
        None => drv.to_string(),
    }
}

/// The element CppNix would name first in messages.
pub fn first_elem(ctx: &Context) -> Option<Elem<'_>> {
    ctx.iter().map(Elem::parse).min_by(|a, b| a.cpp_order_key().cmp(&b.cpp_order_key()))
}

/// The error of `forceStringNoCtx` when `s` has a context (no trace frame).
#[inline]
pub fn check_no_context(s: &NixString) -> Result<(), EvalError> {
    if !s.has_context() {
        return Ok(());
    }
    context_not_allowed(s)
}

#[cold]
fn context_not_allowed(s: &NixString) -> Result<(), EvalError> {
    match first_elem(s.context()) {
        None => Ok(()),
        Some(e) => Err(EvalError::eval(format!(
            "the string '{}' is not allowed to refer to a store path (such as '{}')",
            s.to_str_lossy(),
            e.display()
        ))),
    }
}

/// CppNix's `forceStringNoCtx`: forces `t` to a string without context; `ctx` is the trace
/// frame ("while evaluating ...") added to any error.
pub fn force_string_no_ctx(ev: &mut Evaluator, t: &Thunk, ctx: &str) -> EvalResult<NixString> {
    let s = ev.force_str(t, ctx)?;
    check_no_context(&s).map_err(|e| e.frame(Pos::NONE, ctx.to_string()))?;
    Ok(s)
}

/// [`force_string_no_ctx`] on argument `idx` of builtin `name`, with the usual
/// "while evaluating the first argument passed to builtins.NAME" frame.
pub fn arg_string_no_ctx(ev: &mut Evaluator, args: &[Thunk], idx: usize, name: &str) -> EvalResult<NixString> {
    let s = ev.arg_string(args, idx, name)?;
    check_no_context(&s).map_err(|e| arg_frame(e, idx, name))?;
    Ok(s)
}

fn the_argument(name: &str) -> String {
    format!("while evaluating the argument passed to builtins.{name}")
}

/// Coerces the single argument of builtin `name` as CppNix's `coerceToString` with default flags
/// (paths are copied to the store, sets with `__toString`/`outPath` are accepted).
fn coerce_the_argument(ev: &mut Evaluator, args: &[Thunk], name: &str) -> EvalResult<NixString> {
    let v = ev.force(&args[0]).map_err(|e| e.frame(Pos::NONE, the_argument(name)))?;
    ev.coerce_to_string(&v, Coercion::INTERPOLATE).map_err(|e| e.frame(Pos::NONE, the_argument(name)))
}

#[derive(Default)]
struct Info<'a> {
    path: bool,
    all_outputs: bool,
    outputs: Vec<&'a str>,
}

fn get_context(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let s = ev.force_str(&args[0], &the_argument("getContext"))?;
    if !s.has_context() {
        return Ok(Value::empty_attrs());
    }
    let mut infos: BTreeMap<&str, Info> = BTreeMap::new();
    for e in s.context().iter().map(Elem::parse) {
        match e {
            Elem::Opaque(p) => infos.entry(p).or_default().path = true,
            Elem::DrvDeep(p) => infos.entry(p).or_default().all_outputs = true,
            Elem::Built(drv, o) => infos.entry(Elem::base_path(drv)).or_default().outputs.push(o),
        }
    }
    let s_all_outputs = Symbol::new("allOutputs");
    let mut entries = Vec::with_capacity(infos.len());
    for (path, mut info) in infos {
        let mut inner = Vec::with_capacity(3);
        if info.path {
            inner.push(AttrEntry { name: sym::path, pos: Pos::NONE, value: Value::Bool(true).into() });
        }
        if info.all_outputs {
            inner.push(AttrEntry { name: s_all_outputs, pos: Pos::NONE, value: Value::Bool(true).into() });
        }
        if !info.outputs.is_empty() {
            info.outputs.sort_unstable();
            let items = info.outputs.iter().map(|o| Thunk::Ready(Value::str(o))).collect();
            inner.push(AttrEntry { name: sym::outputs, pos: Pos::NONE, value: Value::list(items).into() });
        }
        let value = Value::attrs(Attrs::from_unsorted(inner));
        entries.push(AttrEntry { name: Symbol::new(path), pos: Pos::NONE, value: value.into() });
    }
    Ok(Value::attrs(Attrs::from_unsorted(entries)))
}

fn is_derivation_path(p: &str) -> bool {
    p.ends_with(crate::store::path::DRV_EXTENSION)
}

fn append_context(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let orig = ev.arg_string(args, 0, "appendContext")?;
    let set = ev.arg_attrs(args, 1, "appendContext")?;
    let mut ctx: Vec<Box<str>> = Vec::new();
    orig.context().extend_into(&mut ctx);
    let s_all_outputs = Symbol::new("allOutputs");
    for entry in set.sorted_by_name() {
        let name = entry.name.as_str();
        if !crate::store::path::is_store_path(name) {
            return Err(EvalError::eval(format!("context key '{name}' is not a store path")).at(entry.pos));
        }
        let info = ev.force_attrs(&entry.value, "while evaluating the value of a string context").map_err(|e| e.at(entry.pos))?;
        if let Some(a) = info.get_entry(sym::path) {
            if ev.force_bool(&a.value, "while evaluating the `path` attribute of a string context").map_err(|e| e.at(a.pos))? {
                ctx.push(name.into());
            }
        }
        if let Some(a) = info.get_entry(s_all_outputs) {
            let b = ev
                .force_bool(&a.value, "while evaluating the `allOutputs` attribute of a string context")
                .map_err(|e| e.at(a.pos))?;
            if b {
                if !is_derivation_path(name) {
                    return Err(EvalError::eval(format!(
                        "tried to add all-outputs context of {name}, which is not a derivation, to a string"
                    ))
                    .at(entry.pos));
                }
                ctx.push(format!("={name}").into());
            }
        }
        if let Some(a) = info.get_entry(sym::outputs) {
            let list = ev
                .force_list(&a.value, "while evaluating the `outputs` attribute of a string context")
                .map_err(|e| e.at(a.pos))?;
            if !list.0.is_empty() && !is_derivation_path(name) {
                return Err(EvalError::eval(format!(
                    "tried to add derivation output context of {name}, which is not a derivation, to a string"
                ))
                .at(entry.pos));
            }
            for t in list.0.iter() {
                let out = force_string_no_ctx(ev, t, "while evaluating an output name within a string context")
                    .map_err(|e| e.at(a.pos))?;
                ctx.push(format!("!{}!{}", out.to_str_lossy(), name).into());
            }
        }
    }
    if ctx.is_empty() {
        return Ok(Value::String(orig));
    }
    Ok(Value::String(NixString::with_context(orig.as_bytes().into(), Context::from_vec(ctx))))
}

fn unsafe_discard_output_dependency(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let s = coerce_the_argument(ev, args, "unsafeDiscardOutputDependency")?;
    if !s.context().iter().any(|e| e.starts_with('=')) {
        return Ok(Value::String(s));
    }
    let ctx: Vec<Box<str>> = s.context().iter().map(|e| e.strip_prefix('=').unwrap_or(e).into()).collect();
    Ok(Value::String(NixString::with_context(s.as_bytes().into(), Context::from_vec(ctx))))
}

fn add_drv_output_dependencies(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let s = coerce_the_argument(ev, args, "addDrvOutputDependencies")?;
    let n = s.context().iter().count();
    if n != 1 {
        return Err(EvalError::eval(format!(
            "context of string '{}' must have exactly one element, but has {}",
            s.to_str_lossy(),
            n
        )));
    }
    let elem = s.context().iter().next().unwrap_or_default();
    match Elem::parse(elem) {
        Elem::Opaque(p) => {
            if !is_derivation_path(p) {
                return Err(EvalError::eval(format!("path '{p}' is not a derivation")));
            }
            let ctx = Context::single(&format!("={p}"));
            Ok(Value::String(NixString::with_context(s.as_bytes().into(), ctx)))
        }
        Elem::Built(_, output) => Err(EvalError::eval(format!(
            "`addDrvOutputDependencies` can only act on derivations, not on a derivation output such as '{output}'"
        ))),
        Elem::DrvDeep(_) => Ok(Value::String(s)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DRV: &str = "/nix/store/658hk0cj0g4qzp007dmlgmwnaibzdjcq-a.drv";

    #[test]
    fn parse_and_display() {
        assert_eq!(Elem::parse(DRV), Elem::Opaque(DRV));
        assert_eq!(Elem::parse(&format!("={DRV}")), Elem::DrvDeep(DRV));
        assert_eq!(Elem::parse(&format!("!out!{DRV}")), Elem::Built(DRV, "out"));
        assert_eq!(Elem::parse(&format!("!dev!{DRV}")).display(), format!("{DRV}^dev"));
        assert_eq!(Elem::parse(&format!("={DRV}")).display(), format!("{DRV} (deep)"));
        assert_eq!(Elem::parse(&format!("!a!b!{DRV}")).display(), format!("{DRV}^b^a"));
        assert_eq!(Elem::base_path(&format!("b!{DRV}")), DRV);
    }

    #[test]
    fn first_in_reference_order() {
        let ctx = Context::from_vec(vec![
            format!("!out!{DRV}").into(),
            format!("={DRV}").into(),
            "/nix/store/zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz-z".into(),
        ]);
        assert_eq!(first_elem(&ctx), Some(Elem::Opaque("/nix/store/zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz-z")));
        let ctx = Context::from_vec(vec![format!("!out!{DRV}").into(), format!("={DRV}").into()]);
        assert_eq!(first_elem(&ctx), Some(Elem::DrvDeep(DRV)));
        assert_eq!(first_elem(&Context::default()), None);
    }

    #[test]
    fn no_context_message() {
        let s = NixString::with_context(b"x".to_vec().into(), Context::single(&format!("!out!{DRV}")));
        let e = check_no_context(&s).unwrap_err();
        assert_eq!(
            e.message(),
            format!("the string 'x' is not allowed to refer to a store path (such as '{DRV}^out')")
        );
        assert!(check_no_context(&NixString::new(b"x".to_vec().into())).is_ok());
    }
}
