//! Attribute-set builtins: `attrNames`, `attrValues`, `getAttr`, `hasAttr`, `removeAttrs`,
//! `listToAttrs`, `mapAttrs`, `intersectAttrs`, `catAttrs`, `functionArgs`, `zipAttrsWith`,
//! `unsafeGetAttrPos`. Results stay lazy wherever CppNix keeps them lazy (`mapAttrs` applies
//! the function only when a value is demanded).

use super::Builtin;
use crate::error::{ErrorKind, EvalError};
use crate::eval::expr::Param;
use crate::eval::symbol::{sym, Symbol};
use crate::eval::value::*;
use crate::eval::Evaluator;
use crate::syntax::source::Pos;

pub const BUILTINS: &[Builtin] = &[
    Builtin { name: "attrNames", arity: 1, func: attr_names },
    Builtin { name: "attrValues", arity: 1, func: attr_values },
    Builtin { name: "getAttr", arity: 2, func: get_attr },
    Builtin { name: "hasAttr", arity: 2, func: has_attr },
    Builtin { name: "removeAttrs", arity: 2, func: remove_attrs },
    Builtin { name: "listToAttrs", arity: 1, func: list_to_attrs },
    Builtin { name: "mapAttrs", arity: 2, func: map_attrs },
    Builtin { name: "intersectAttrs", arity: 2, func: intersect_attrs },
    Builtin { name: "catAttrs", arity: 2, func: cat_attrs },
    Builtin { name: "functionArgs", arity: 1, func: function_args },
    Builtin { name: "zipAttrsWith", arity: 2, func: zip_attrs_with },
    Builtin { name: "unsafeGetAttrPos", arity: 2, func: unsafe_get_attr_pos },
];

fn attr_names(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let a = ev.arg_attrs(args, 0, "attrNames")?;
    let names = a.sorted_by_name().into_iter().map(|e| Thunk::Ready(Value::symbol_str(e.name))).collect();
    Ok(Value::list(names))
}

fn attr_values(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let a = ev.arg_attrs(args, 0, "attrValues")?;
    let values = a.sorted_by_name().into_iter().map(|e| e.value.clone()).collect();
    Ok(Value::list(values))
}

fn name_arg(ev: &mut Evaluator, args: &[Thunk], idx: usize, name: &str) -> EvalResult<Symbol> {
    let s = ev.arg_string(args, idx, name)?;
    super::context::check_no_context(&s).map_err(|e| super::arg_frame(e, idx, name))?;
    Ok(s.to_symbol())
}

pub fn missing_attr(name: Symbol, attrs: &Attrs) -> EvalError {
    let mut err = EvalError::new(
        ErrorKind::MissingAttr,
        format!("attribute '{}' missing", crate::print::attr_name_str(name.as_str())),
    );
    if let Some(s) = crate::error::did_you_mean(name.as_str(), attrs.iter().map(|e| e.name.as_str())) {
        err = err.with_hint(format!("did you mean '{s}'?"));
    }
    err
}

fn get_attr(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let name = name_arg(ev, args, 0, "getAttr")?;
    if let Value::Opaque(o) = ev.arg(args, 1, "getAttr")? {
        return ev.force(&crate::eval::opaque::select(&o, name));
    }
    let a = ev.arg_attrs(args, 1, "getAttr")?;
    match a.get(name) {
        Some(t) => {
            let t = t.clone();
            ev.force(&t)
        }
        None => Err(missing_attr(name, &a)),
    }
}

fn has_attr(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let name = name_arg(ev, args, 0, "hasAttr")?;
    if let Value::Opaque(_) = ev.arg(args, 1, "hasAttr")? {
        return Ok(Value::Bool(true));
    }
    let a = ev.arg_attrs(args, 1, "hasAttr")?;
    Ok(Value::Bool(a.contains(name)))
}

fn remove_attrs(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let a = ev.arg_attrs(args, 0, "removeAttrs")?;
    let names = ev.arg_list(args, 1, "removeAttrs")?;
    let mut remove = Vec::with_capacity(names.0.len());
    for t in names.0.iter() {
        let s = super::context::force_string_no_ctx(ev, t, "while evaluating the values of the second argument passed to builtins.removeAttrs")?;
        remove.push(s.to_symbol());
    }
    if remove.is_empty() {
        return Ok(Value::Attrs(a));
    }
    remove.sort_unstable();
    // Both sides are sorted by symbol: one walk along them.
    let mut doomed = remove.iter().copied().peekable();
    let kept = a.iter().filter(|e| {
        while doomed.next_if(|&r| r < e.name).is_some() {}
        doomed.peek() != Some(&e.name)
    });
    Ok(Value::attrs(Attrs::from_sorted_iter(kept.cloned())))
}

fn list_to_attrs(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let list = ev.arg_list(args, 0, "listToAttrs")?;
    let mut set = Attrs::with_capacity(list.0.len());
    for t in list.0.iter() {
        let item = ev.force_attrs(t, "while evaluating an element of the list passed to builtins.listToAttrs")?;
        let name = match item.get(sym::name) {
            Some(n) => {
                let n = n.clone();
                super::context::force_string_no_ctx(ev, &n, "while evaluating the `name` attribute of an element of the list passed to builtins.listToAttrs")?
            }
            None => return Err(missing_attr(sym::name, &item)),
        };
        let value = match item.get_entry(sym::value) {
            Some(v) => v,
            None => return Err(missing_attr(sym::value, &item)),
        };
        set.push_unsorted(AttrEntry { name: name.to_symbol(), pos: value.pos, value: value.value.clone() });
    }
    // As in CppNix, the first of duplicate names wins.
    set.sort_first_wins();
    Ok(Value::attrs(set))
}

/// The lazy `f name value` of `mapAttrs` and `zipAttrsWith`: `f` is forced, and the name's
/// string made, only if the result is demanded.
fn apply_to_name(f: Thunk, name: Symbol, value: Thunk) -> Thunk {
    Thunk::new_native(move |ev: &mut Evaluator| {
        let fv = ev.force(&f)?;
        ev.call2(&fv, Thunk::Ready(Value::symbol_str(name)), value.clone())
    })
}

fn map_attrs(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let f = args[0].clone();
    let a = ev.arg_attrs(args, 1, "mapAttrs")?;
    // As in CppNix, the results carry no positions (`unsafeGetAttrPos` gives null).
    let entries = a.iter().map(|e| AttrEntry { name: e.name, pos: Pos::NONE, value: apply_to_name(f.clone(), e.name, e.value.clone()) });
    Ok(Value::attrs(Attrs::from_sorted_iter(entries)))
}

fn intersect_attrs(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let a = ev.arg_attrs(args, 0, "intersectAttrs")?;
    if let Value::Opaque(o) = ev.arg(args, 1, "intersectAttrs")? {
        // Every attribute of an opaque value exists (`callPackage` on an overlaid package set).
        let entries = a.iter().map(|e| AttrEntry { name: e.name, pos: e.pos, value: crate::eval::opaque::select(&o, e.name) });
        return Ok(Value::attrs(Attrs::from_sorted_iter(entries)));
    }
    let b = ev.arg_attrs(args, 1, "intersectAttrs")?;
    let set = if a.len() < b.len() {
        Attrs::from_sorted_iter(a.iter().filter_map(|e| b.get_entry(e.name).cloned()))
    } else {
        Attrs::from_sorted_iter(b.iter().filter(|e| a.contains(e.name)).cloned())
    };
    Ok(Value::attrs(set))
}

fn cat_attrs(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let name = name_arg(ev, args, 0, "catAttrs")?;
    let list = ev.arg_list(args, 1, "catAttrs")?;
    let mut out = Vec::new();
    for t in list.0.iter() {
        let a = ev.force_attrs(t, "while evaluating an element in the list passed as second argument to builtins.catAttrs")?;
        if let Some(v) = a.get(name) {
            out.push(v.clone());
        }
    }
    Ok(Value::list(out))
}

fn function_args(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let f = ev.arg(args, 0, "functionArgs")?;
    match &f {
        Value::Lambda(c) => match &c.def.param {
            Param::Ident(_) => Ok(Value::empty_attrs()),
            Param::Formals { formals, .. } => {
                let entries = formals
                    .iter()
                    .map(|fm| AttrEntry { name: fm.name, pos: fm.pos, value: Thunk::Ready(Value::Bool(fm.default.is_some())) })
                    .collect();
                Ok(Value::attrs(Attrs::from_unsorted(entries)))
            }
        },
        Value::PrimOp(_) | Value::PrimOpApp(_) => Ok(Value::empty_attrs()),
        _ => Err(EvalError::type_error("'functionArgs' requires a function")),
    }
}

fn zip_attrs_with(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    // The function is forced (and checked) first, as the reference does.
    ev.arg_function(args, 0, "zipAttrsWith")?;
    let f = args[0].clone();
    let list = ev.arg_list(args, 1, "zipAttrsWith")?;
    let mut groups: rustc_hash::FxHashMap<Symbol, Vec<Thunk>> = rustc_hash::FxHashMap::default();
    for t in list.0.iter() {
        let a = ev.force_attrs(t, "while evaluating a value of the list passed as second argument to builtins.zipAttrsWith")?;
        for e in a.iter() {
            groups.entry(e.name).or_default().push(e.value.clone());
        }
    }
    let entries = groups
        .into_iter()
        .map(|(name, values)| AttrEntry { name, pos: Pos::NONE, value: apply_to_name(f.clone(), name, Thunk::Ready(Value::list(values))) })
        .collect();
    Ok(Value::attrs(Attrs::from_unsorted(entries)))
}

fn unsafe_get_attr_pos(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let name = name_arg(ev, args, 0, "unsafeGetAttrPos")?;
    let a = ev.arg_attrs(args, 1, "unsafeGetAttrPos")?;
    match a.get_entry(name) {
        Some(e) => {
            let pos = e.pos;
            Ok(ev.pos_attrs(pos))
        }
        None => Ok(Value::Null),
    }
}
