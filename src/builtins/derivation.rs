//! Derivations: `derivationStrict` (the evaluator half of CppNix's `prim_derivationStrict`)
//! and the `derivation` wrapper, which CppNix writes in Nix and so do we ([`DERIVATION_NIX`],
//! compiled once when the global scope is built).
//!
//! `derivationStrict` forces and coerces every attribute in name order exactly as CppNix
//! does (strings with `coerceMore`, paths copied to the store, lists joined with spaces, or
//! JSON with `__structuredAttrs`), collects the string contexts into input derivations and
//! sources, and hands the rest to [`crate::store::derivation::derivation_strict`], which
//! computes the `.drv` and output paths and records the derivation in the evaluator's
//! [`DrvHashes`](crate::store::derivation::DrvHashes). Nothing is written to a store.

use super::store::{decode_context, force_string_no_ctx, store_err, ContextElem};
use super::{type_err, Builtin};
use crate::error::EvalError;
use crate::eval::ops::Coercion;
use crate::eval::symbol::{sym, Symbol};
use crate::eval::value::*;
use crate::eval::Evaluator;
use crate::store::derivation::{
    check_outputs, derivation_strict as store_derivation_strict, parse_output_hash_mode, tokenize_outputs,
    DerivationAttrs, DerivationRequest, ExperimentalFeatures,
};
use crate::syntax::source::Pos;
use std::collections::BTreeMap;

pub const BUILTINS: &[Builtin] = &[Builtin { name: "derivationStrict", arity: 1, func: derivation_strict }];

/// The `derivation` function: calls `derivationStrict` and wraps the result in one attribute
/// set per output that shares the original attributes, `all`, `drvAttrs`, `drvPath`,
/// `outPath`, `outputName` and `type = "derivation"`; the first output's set is the result.
pub const DERIVATION_NIX: &str = r#"
drvAttrs@{ outputs ? [ "out" ], ... }:
let
  strict = derivationStrict drvAttrs;
  outputSet = outputName: {
    name = outputName;
    value = shared // {
      outPath = strict.${outputName};
      drvPath = strict.drvPath;
      type = "derivation";
      inherit outputName;
    };
  };
  outputSets = map outputSet outputs;
  shared = drvAttrs // builtins.listToAttrs outputSets // {
    all = map (o: o.value) outputSets;
    inherit drvAttrs;
  };
in (builtins.head outputSets).value
"#;

/// The experimental features of this evaluation that `derivationStrict` cares about.
fn features(ev: &Evaluator) -> ExperimentalFeatures {
    let has = |f: &str| ev.options.experimental_features.iter().any(|x| x == f);
    ExperimentalFeatures {
        ca_derivations: has("ca-derivations"),
        impure_derivations: has("impure-derivations"),
        dynamic_derivations: has("dynamic-derivations"),
        git_hashing: has("git-hashing"),
    }
}

fn derivation_strict(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let attrs = ev.force_attrs(&args[0], "while evaluating the argument passed to builtins.derivationStrict")?;
    let Some(name_entry) = attrs.get_entry(sym::name).cloned() else {
        return Err(super::attrs::missing_attr(sym::name, &attrs)
            .frame(Pos::NONE, "in the attrset passed as argument to builtins.derivationStrict"));
    };
    let name = force_string_no_ctx(
        ev,
        &name_entry.value,
        "while evaluating the `name` attribute passed to builtins.derivationStrict",
    )
    .map_err(|e| e.frame(name_entry.pos, "while evaluating the derivation attribute 'name'"))?;
    let mark = ev.caches.opaque.begin();
    let result = strict_internal(ev, &name, &attrs);
    ev.caches.opaque.end(mark);
    result.map_err(|e| {
        let at = match ev.sources.describe(name_entry.pos) {
            Some((f, l, c)) => format!("{f}:{l}:{c}"),
            None => "«unknown»".to_string(),
        };
        e.frame(Pos::NONE, format!("while evaluating derivation '{name}'\n  whose name attribute is located at {at}"))
    })
}

/// What the attribute loop collects.
struct Collected {
    env: BTreeMap<String, String>,
    json: Option<serde_json::Map<String, serde_json::Value>>,
    args: Vec<String>,
    ctx: Vec<Box<str>>,
    content_addressed: bool,
    impure: bool,
}

fn strict_internal(ev: &mut Evaluator, name: &str, attrs: &Attrs) -> EvalResult {
    crate::store::derivation::check_derivation_name(name).map_err(store_err)?;
    let structured = match attrs.get(sym::structuredAttrs) {
        Some(t) => ev.force_bool(
            t,
            "while evaluating the `__structuredAttrs` attribute passed to builtins.derivationStrict",
        )?,
        None => false,
    };
    let ignore_nulls = match attrs.get(sym::ignoreNulls) {
        Some(t) => ev.force_bool(t, "while evaluating the `__ignoreNulls` attribute passed to builtins.derivationStrict")?,
        None => false,
    };
    let features = features(ev);
    let mut c = Collected {
        env: BTreeMap::new(),
        json: structured.then(serde_json::Map::new),
        args: Vec::new(),
        ctx: Vec::new(),
        content_addressed: false,
        impure: false,
    };
    for entry in attrs.sorted_by_name() {
        if entry.name == sym::ignoreNulls {
            continue;
        }
        process_attr(ev, name, entry, ignore_nulls, &features, &mut c).map_err(|e| {
            e.frame(entry.pos, format!("while evaluating attribute '{}' of derivation '{}'", entry.name, name))
        })?;
    }
    let mut req = DerivationRequest::new(name);
    req.attrs = match c.json {
        Some(map) => DerivationAttrs::Structured(map),
        None => DerivationAttrs::Env(c.env),
    };
    req.args = c.args;
    req.content_addressed = c.content_addressed;
    req.impure = c.impure;
    req.features = features;
    let all_ctx = Context::from_vec(c.ctx);
    for elem in all_ctx.iter() {
        match decode_context(elem) {
            ContextElem::Opaque(p) => req.add_src(p),
            ContextElem::DrvDeep(d) => req.add_drv_deep(d),
            ContextElem::Built { drv, output } => req.add_drv_output(drv, output),
        }
    }
    let result = store_derivation_strict(req, &mut ev.caches.drv_hashes).map_err(store_err)?;
    ev.caches.opaque.record(&result.drv_path, all_ctx.iter());
    for w in &result.warnings {
        eprintln!("warning: {w}");
    }
    let drv_ctx = format!("={}", result.drv_path);
    let mut entries = Vec::with_capacity(1 + result.outputs.len());
    entries.push(AttrEntry {
        name: sym::drvPath,
        pos: Pos::NONE,
        value: Thunk::Ready(Value::String(NixString::with_context(
            result.drv_path.as_bytes().into(),
            Context::single(&drv_ctx),
        ))),
    });
    for (output, path) in &result.outputs {
        let ctx = format!("!{}!{}", output, result.drv_path);
        entries.push(AttrEntry {
            name: Symbol::new(output),
            pos: Pos::NONE,
            value: Thunk::Ready(Value::String(NixString::with_context(
                path.as_str().as_bytes().into(),
                Context::single(&ctx),
            ))),
        });
    }
    Ok(Value::attrs(Attrs::from_unsorted(entries)))
}

/// A forced string (context kept and collected) for structured-attribute special keys.
fn want_string(v: &Value, acc: &mut Vec<Box<str>>) -> EvalResult<String> {
    match v {
        Value::String(s) => {
            s.context().extend_into(acc);
            Ok(s.to_str_lossy().into_owned())
        }
        other => Err(type_err("a string", other)),
    }
}

/// A forced string that must not have a context.
fn want_string_no_ctx(v: &Value) -> EvalResult<String> {
    match v {
        Value::String(s) if s.has_context() => Err(super::store::context_not_allowed(s)),
        Value::String(s) => Ok(s.to_str_lossy().into_owned()),
        other => Err(type_err("a string", other)),
    }
}

fn process_attr(
    ev: &mut Evaluator,
    drv_name: &str,
    entry: &AttrEntry,
    ignore_nulls: bool,
    features: &ExperimentalFeatures,
    c: &mut Collected,
) -> EvalResult<()> {
    let key = entry.name.as_str();
    if ignore_nulls && matches!(ev.force(&entry.value)?, Value::Null) {
        return Ok(());
    }
    match key {
        "__contentAddressed" => {
            if ev.force_bool(&entry.value, "")? {
                c.content_addressed = true;
                if !features.ca_derivations {
                    return Err(feature_disabled("ca-derivations"));
                }
            }
        }
        "__impure" => {
            if ev.force_bool(&entry.value, "")? {
                c.impure = true;
                if !features.impure_derivations {
                    return Err(feature_disabled("impure-derivations"));
                }
            }
        }
        "args" => {
            let list = match ev.force(&entry.value)? {
                Value::List(l) => l,
                other => return Err(type_err("a list", &other)),
            };
            for t in list.0.iter() {
                let v = ev.force(t).map_err(|e| e.frame(Pos::NONE, "while evaluating an element of the argument list"))?;
                let s = ev
                    .coerce_to_string(&v, Coercion { more: true, copy_to_store: true })
                    .map_err(|e| e.frame(Pos::NONE, "while evaluating an element of the argument list"))?;
                s.context().extend_into(&mut c.ctx);
                c.args.push(s.to_str_lossy().into_owned());
            }
        }
        _ => {
            if let Some(json) = c.json.as_mut() {
                if entry.name == sym::structuredAttrs {
                    return Ok(());
                }
                let v = ev.force(&entry.value)?;
                let j = to_json_value(ev, &v, &mut c.ctx)?;
                json.insert(key.to_string(), j);
                match key {
                    "builder" => {
                        want_string(&v, &mut c.ctx)?;
                    }
                    "system" | "outputHash" | "outputHashAlgo" => {
                        want_string_no_ctx(&v)?;
                    }
                    "outputHashMode" => {
                        let m = want_string_no_ctx(&v)?;
                        parse_output_hash_mode(&m, drv_name, features).map_err(store_err)?;
                    }
                    "outputs" => {
                        let Value::List(l) = &v else { return Err(type_err("a list", &v)) };
                        let mut names = Vec::with_capacity(l.0.len());
                        for t in l.0.iter() {
                            let x = ev.force(t)?;
                            names.push(want_string_no_ctx(&x)?);
                        }
                        check_outputs(names.iter().map(String::as_str)).map_err(store_err)?;
                    }
                    _ => {}
                }
            } else {
                let v = ev.force(&entry.value)?;
                let s = ev.coerce_to_string(&v, Coercion { more: true, copy_to_store: true })?;
                s.context().extend_into(&mut c.ctx);
                let s = s.to_str_lossy().into_owned();
                match key {
                    "outputHashMode" => {
                        parse_output_hash_mode(&s, drv_name, features).map_err(store_err)?;
                    }
                    "outputs" => {
                        check_outputs(tokenize_outputs(&s)).map_err(store_err)?;
                    }
                    _ => {}
                }
                c.env.insert(key.to_string(), s);
            }
        }
    }
    Ok(())
}

#[cold]
fn feature_disabled(feature: &str) -> EvalError {
    EvalError::eval(format!(
        "experimental Nix feature '{feature}' is disabled; add '--extra-experimental-features {feature}' to enable it"
    ))
}

/// CppNix's `printValueAsJSON` with `strict` and `copyToStore`, into a JSON value (for
/// structured attributes); string contexts are collected into `ctx`.
pub fn to_json_value(ev: &mut Evaluator, v: &Value, ctx: &mut Vec<Box<str>>) -> EvalResult<serde_json::Value> {
    ev.nested(|ev| to_json_value_inner(ev, v, ctx))
}

fn to_json_value_inner(ev: &mut Evaluator, v: &Value, ctx: &mut Vec<Box<str>>) -> EvalResult<serde_json::Value> {
    use serde_json::Value as J;
    Ok(match v {
        Value::Opaque(o) => J::String(ev.coerce_opaque(o)?.to_str_lossy().into_owned()),
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => J::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f).map(J::Number).unwrap_or(J::Null),
        Value::String(s) => {
            s.context().extend_into(ctx);
            J::String(s.to_str_lossy().into_owned())
        }
        Value::Path(_) => {
            let s = ev.coerce_to_string(v, Coercion::INTERPOLATE)?;
            s.context().extend_into(ctx);
            J::String(s.to_str_lossy().into_owned())
        }
        Value::Attrs(a) => {
            if a.contains(sym::toString) {
                let s = ev.coerce_to_string(v, Coercion::PLAIN)?;
                s.context().extend_into(ctx);
                return Ok(J::String(s.to_str_lossy().into_owned()));
            }
            if let Some(o) = a.get(sym::outPath) {
                let o = o.clone();
                let ov = ev.force(&o)?;
                return to_json_value(ev, &ov, ctx);
            }
            let mut map = serde_json::Map::new();
            for e in a.sorted_by_name() {
                let x = ev
                    .force(&e.value)
                    .map_err(|err| err.frame(e.pos, format!("while evaluating attribute '{}'", e.name)))?;
                let j = to_json_value(ev, &x, ctx)
                    .map_err(|err| err.frame(e.pos, format!("while evaluating attribute '{}'", e.name)))?;
                map.insert(e.name.as_str().to_string(), j);
            }
            J::Object(map)
        }
        Value::List(l) => {
            let mut items = Vec::with_capacity(l.0.len());
            for (i, t) in l.0.iter().enumerate() {
                let x = ev.force(t).map_err(|e| e.frame(Pos::NONE, format!("while evaluating list element at index {i}")))?;
                items.push(
                    to_json_value(ev, &x, ctx)
                        .map_err(|e| e.frame(Pos::NONE, format!("while evaluating list element at index {i}")))?,
                );
            }
            J::Array(items)
        }
        Value::Lambda(_) | Value::PrimOp(_) | Value::PrimOpApp(_) => {
            return Err(EvalError::type_error(format!("cannot convert {} to JSON", v.type_phrase())));
        }
    })
}

#[cfg(test)]
mod tests {
    use crate::eval::io::MemIo;
    use crate::eval::{EvalOptions, Evaluator};

    fn eval(expr: &str) -> Result<String, String> {
        let mut ev = Evaluator::new(EvalOptions::default(), Box::new(MemIo::default()));
        ev.reset_stack_base();
        let v = ev.eval_str(expr, "/").map_err(|e| e.message().to_string())?;
        ev.force_deep(&v).map_err(|e| e.message().to_string())?;
        Ok(String::from_utf8_lossy(&crate::print::print_value(&v)).into_owned())
    }

    const SIMPLE: &str = r#"derivation { name = "a"; builder = "/bin/sh"; system = "x86_64-linux"; }"#;

    #[test]
    fn simple_derivation_paths() {
        // Paths checked against nix-instantiate.
        assert_eq!(
            eval(&format!("let d = {SIMPLE}; in [ d.drvPath d.outPath ]")).unwrap(),
            r#"[ "/nix/store/7g5giqf764p3y3zv7a8rqsy9sqqq5kw4-a.drv" "/nix/store/f37kxm5wf98b2s839zaiybv38zil0s40-a" ]"#
        );
    }

    #[test]
    fn printed_like_the_reference() {
        assert_eq!(
            eval(SIMPLE).unwrap(),
            r#"{ all = [ «repeated» ]; builder = "/bin/sh"; drvAttrs = { builder = "/bin/sh"; name = "a"; system = "x86_64-linux"; }; drvPath = "/nix/store/7g5giqf764p3y3zv7a8rqsy9sqqq5kw4-a.drv"; name = "a"; out = «repeated»; outPath = "/nix/store/f37kxm5wf98b2s839zaiybv38zil0s40-a"; outputName = "out"; system = "x86_64-linux"; type = "derivation"; }"#
        );
    }

    #[test]
    fn dependent_derivation_and_contexts() {
        let e = format!(
            r#"let d = {SIMPLE}; e = derivation {{ name = "b"; builder = "${{d}}/bin/sh"; system = "x86_64-linux"; x = d.drvPath; }}; in [ e.drvPath e.outPath ]"#
        );
        let out = eval(&e).unwrap();
        assert!(
            out.starts_with(r#"[ "/nix/store/xawd32km5bnvm4klv72fslnh7mr3m611-b.drv" "/nix/store/11wi6lqyk30zm8yp8g4g33bm135h41dl-b""#),
            "{out}"
        );
    }

    #[test]
    fn errors_do_not_panic() {
        for bad in [
            "derivationStrict {}",
            "derivationStrict { name = 1; }",
            "derivationStrict { name = \"a\"; }",
            "derivationStrict { name = \"a\"; builder = \"b\"; }",
            "derivationStrict { name = \"a b/\"; builder = \"b\"; system = \"s\"; }",
            "derivationStrict { name = \"a\"; builder = \"b\"; system = \"s\"; outputs = []; }",
            "derivationStrict { name = \"a\"; builder = \"b\"; system = \"s\"; outputs = [\"drvPath\"]; }",
            "derivationStrict { name = \"a\"; builder = \"b\"; system = \"s\"; outputHashMode = \"bad\"; }",
            "derivationStrict { name = \"a\"; builder = \"b\"; system = \"s\"; outputHash = \"zz\"; }",
            "derivationStrict { name = \"a\"; builder = \"b\"; system = \"s\"; __structuredAttrs = true; outputs = 1; }",
            "derivationStrict { name = \"a\"; builder = \"b\"; system = \"s\"; __structuredAttrs = true; x = (y: y); }",
            "derivationStrict { name = \"a\"; builder = \"b\"; system = \"s\"; __contentAddressed = true; }",
            "derivation { name = \"a.drv\"; builder = \"b\"; system = \"s\"; }",
        ] {
            assert!(eval(bad).is_err(), "{bad}");
        }
    }
}
