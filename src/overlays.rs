//! The overlay analyser behind `nixeval overlays`: it takes an overlay (possibly composed with
//! `composeExtensions`/`composeManyExtensions`, or a list of overlays), splits it into its
//! layers, applies the layers one by one on top of a base package set and records, while the
//! evaluation really happens, which layer defines which attribute and what each definition reads
//! from `final` (the finished set) and from `prev` (the layers below it).
//!
//! How it observes: the layers are applied by one native overlay (a partially applied builtin
//! handed to the base's own fixed point, e.g. the stand-in nixpkgs' `extend`). For layer `i`
//! it calls the user's function with two proxy sets whose attributes log "layer i read final.x"
//! (or `prev.x`) before forcing the real attribute, and it wraps every attribute the layer
//! returns so that forcing it marks "layer i's definition of x is being evaluated". Nested
//! package sets reached through `pythonPackagesExtensions` get the same treatment with a nested
//! layer stack. Nothing is guessed from the source text: a definition that is never forced
//! shows no reads.
//!
//! It deliberately does not touch the evaluator: it only builds thunks (`Thunk::new_native`)
//! and calls functions. It does not print; [`render`] turns a [`Report`] into text, JSON,
//! Graphviz or Mermaid, and `cli::overlays` chooses what to show. `trace` is the step-by-step
//! fixed-point tracer behind `nixeval eval --trace-fixpoint`.

pub mod render;
pub mod trace;

use crate::builtins::Builtin;
use crate::error::{ErrorKind, EvalError};
use crate::eval::expr::{Expr, Param};
use crate::eval::symbol::Symbol;
use crate::eval::value::{AttrEntry, Attrs, Closure, PrimOpApp, Thunk, Value};
use crate::eval::{EvalResult, Evaluator};
use crate::syntax::source::{Origin, Pos};
use std::cell::RefCell;
use std::rc::Rc;

/// How a definition reached another attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Via {
    /// `final.x`: late-bound, sees every layer.
    Final,
    /// `prev.x`: sees only the layers below.
    Prev,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Final => "final",
            Via::Prev => "prev",
        }
    }
}

/// Which part of a layer made a read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DefCtx {
    /// While computing the layer's attribute set itself (its names).
    Body,
    /// While evaluating the layer's definition of this attribute.
    Attr(Symbol),
    /// Later, from a function the layer returned, called by someone else.
    Escaped,
}

/// One observed read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Read {
    pub def: DefCtx,
    pub via: Via,
    pub attr: Symbol,
}

/// One layer of a stack: the base (index 0) or an overlay.
pub struct Layer {
    /// The overlay function (none for the base).
    pub func: Option<Value>,
    /// The composed overlay this layer was taken out of, if any.
    pub parent: Option<Value>,
    /// Filled in by [`Report::label_layers`]: `overlays.extend-py-extensions`, `flake.nix:78`.
    pub label: String,
    /// `file:line` of the function, when it is a Nix function.
    pub origin: Option<String>,
    /// The name of the composed overlay it was taken out of (`overlays.default`).
    pub part_of: Option<String>,
    /// The names of its two arguments (`final`, `prev`), when it is a `x: y: ...` lambda.
    pub args: Option<(String, String)>,
    /// The attributes it returned, once applied.
    pub defines: Option<Vec<Symbol>>,
    /// What it returned (its attributes wrapped), from its first application.
    pub out: Option<Attrs>,
    pub reads: Vec<Read>,
    /// Definitions that were forced (evaluation observed).
    pub evaluated: Vec<Symbol>,
    /// Definitions whose evaluation failed, with the message.
    pub errors: Vec<(Symbol, String)>,
}

impl Layer {
    fn new(func: Option<Value>, parent: Option<Value>) -> Layer {
        Layer {
            func,
            parent,
            label: String::new(),
            origin: None,
            part_of: None,
            args: None,
            defines: None,
            out: None,
            reads: Vec::new(),
            evaluated: Vec::new(),
            errors: Vec::new(),
        }
    }

    pub fn defines(&self, name: Symbol) -> bool {
        self.defines.as_ref().is_some_and(|d| d.contains(&name))
    }
}

/// One package set and the layers that build it.
pub struct Scope {
    /// `pkgs`, `python3Packages`.
    pub name: String,
    /// How the nested set is reached (`pythonPackagesExtensions`), none for the top set.
    pub via: Option<String>,
    /// The base's attributes as the first layer saw them.
    pub base_attrs: Option<Attrs>,
    pub layers: Vec<Layer>,
}

impl Scope {
    /// The layer whose definition of `name` is in `final` (0 = the base, none = nobody).
    pub fn winner(&self, name: Symbol) -> Option<usize> {
        self.definer_below(self.layers.len(), name)
    }

    /// What `prev.name` is for layer `layer`: the last layer below it defining `name`.
    pub fn definer_below(&self, layer: usize, name: Symbol) -> Option<usize> {
        for i in (1..layer.min(self.layers.len())).rev() {
            if self.layers[i].defines(name) {
                return Some(i);
            }
        }
        if self.base_attrs.as_ref().is_some_and(|a| a.contains(name)) {
            Some(0)
        } else {
            None
        }
    }

    /// Every attribute some overlay layer (not the base) defines, sorted by name.
    pub fn overlay_attrs(&self) -> Vec<Symbol> {
        let mut v: Vec<Symbol> = self.layers[1..].iter().flat_map(|l| l.defines.iter().flatten().copied()).collect();
        v.sort_unstable_by(|a, b| a.as_str().cmp(b.as_str()));
        v.dedup();
        v
    }
}

/// One step of an infinite recursion: a definition being evaluated, and the read that led to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CycleStep {
    pub scope: usize,
    pub layer: usize,
    pub attr: Option<Symbol>,
    /// The read that reached this definition (from the previous step).
    pub reached_by: Option<(Via, Symbol)>,
}

/// A definition that needs itself: the steps from the first occurrence back to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cycle {
    pub steps: Vec<CycleStep>,
    /// The read that closed the loop.
    pub closing: (usize, Via, Symbol),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// A classic overlay mistake, explained.
#[derive(Clone, Debug)]
pub struct Finding {
    /// Stable name: `infinite-recursion`, `prev-misses-later-layer`, `final-reads-own-attribute`,
    /// `replaces-package-set`, `python-packages-not-extended`, `argument-names`.
    pub code: &'static str,
    pub severity: Severity,
    pub scope: usize,
    pub layer: Option<usize>,
    pub attr: Option<String>,
    pub message: String,
    pub explanation: String,
}

struct CtxEntry {
    scope: usize,
    layer: usize,
    attr: Option<Symbol>,
    reached_by: Option<(Via, Symbol)>,
}

/// The mutable record shared by the native thunks of one analysis.
#[derive(Default)]
pub struct Recorder {
    pub scopes: Vec<Scope>,
    ctx: Vec<CtxEntry>,
    pending: Option<(usize, Via, Symbol)>,
    pub cycles: Vec<Cycle>,
}

type Shared = Rc<RefCell<Recorder>>;

thread_local! {
    static HOOKS: RefCell<Vec<Option<(Shared, usize)>>> = const { RefCell::new(Vec::new()) };
}

/// `applyOverlayLayers handle first end final prev`: applies layers `first..end` of the scope
/// registered under `handle`.
static HOOK: Builtin = Builtin { name: "applyOverlayLayers", arity: 5, func: hook_fn };

fn int_arg(ev: &mut Evaluator, t: &Thunk) -> EvalResult<usize> {
    match ev.force(t)? {
        Value::Int(i) if i >= 0 => Ok(i as usize),
        _ => Err(EvalError::eval("internal error: bad overlay layer handle")),
    }
}

fn hook_fn(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let handle = int_arg(ev, &args[0])?;
    let first = int_arg(ev, &args[1])?;
    let end = int_arg(ev, &args[2])?;
    let Some((rec, scope)) = HOOKS.with(|h| h.borrow().get(handle).cloned().flatten()) else {
        return Err(EvalError::eval("internal error: the overlay analysis is over"));
    };
    apply_layers(ev, &rec, scope, first, end, &args[3], &args[4])
}

/// A function value `final: prev: ...` applying layers `first..end` of `scope`.
fn hook_value(rec: &Shared, scope: usize, first: usize, end: usize) -> Value {
    let handle = HOOKS.with(|h| {
        let mut h = h.borrow_mut();
        h.push(Some((rec.clone(), scope)));
        h.len() - 1
    });
    Value::PrimOpApp(Rc::new(PrimOpApp {
        op: &HOOK,
        args: vec![Value::Int(handle as i64).into(), Value::Int(first as i64).into(), Value::Int(end as i64).into()],
    }))
}

fn apply_layers(
    ev: &mut Evaluator,
    rec: &Shared,
    scope: usize,
    first: usize,
    end: usize,
    final_: &Thunk,
    prev: &Thunk,
) -> EvalResult {
    let prev_v = ev.force(prev)?;
    let Value::Attrs(prev0) = prev_v else {
        return Err(crate::builtins::type_err("a set", &prev_v).frame(Pos::NONE, "while evaluating the base package set"));
    };
    {
        let mut r = rec.borrow_mut();
        let s = &mut r.scopes[scope];
        if first == 1 && s.base_attrs.is_none() {
            s.base_attrs = Some(prev0.clone());
        }
    }
    let mut cur = prev0;
    let mut combined = Attrs::default();
    for i in first..end {
        let func = rec.borrow().scopes[scope].layers[i].func.clone();
        let Some(func) = func else { continue };
        let fp = proxy_thunk(rec, scope, i, Via::Final, final_.clone());
        let pp = proxy_thunk(rec, scope, i, Via::Prev, Thunk::Ready(Value::Attrs(cur.clone())));
        rec.borrow_mut().ctx.push(CtxEntry { scope, layer: i, attr: None, reached_by: None });
        let r = ev.call_many(func, &[fp, pp], Pos::NONE);
        rec.borrow_mut().ctx.pop();
        let out = r?;
        let Value::Attrs(out) = out else {
            let func = rec.borrow().scopes[scope].layers[i].func.clone();
            let pos = match &func {
                Some(Value::Lambda(c)) => c.def.pos,
                _ => Pos::NONE,
            };
            return Err(crate::builtins::type_err("a set", &out)
                .at(pos)
                .frame(pos, "while applying this overlay (an overlay must return a set of attributes)"));
        };
        let wrapped = wrap_attrs(rec, scope, i, &out);
        {
            let mut r = rec.borrow_mut();
            let l = &mut r.scopes[scope].layers[i];
            if l.defines.is_none() {
                l.defines = Some(out.iter().map(|e| e.name).collect());
                l.out = Some(wrapped.clone());
            }
        }
        cur = cur.update(&wrapped);
        combined = combined.update(&wrapped);
    }
    if scope == 0 {
        let name = Symbol::new("pythonPackagesExtensions");
        if let Some(entry) = combined.get_entry(name).cloned() {
            let rec2 = rec.clone();
            let orig = entry.value.clone();
            let value = Thunk::new_native(move |ev| nested_extensions(ev, &rec2, &orig, "python3Packages", "pythonPackagesExtensions"));
            combined.insert(AttrEntry { name, pos: entry.pos, value });
        }
    }
    Ok(Value::attrs(combined))
}

/// The list of `pythonPackagesExtensions` with every element replaced by a function applying
/// its layers in a nested scope.
fn nested_extensions(ev: &mut Evaluator, rec: &Shared, orig: &Thunk, name: &str, via: &str) -> EvalResult {
    let v = ev.force(orig)?;
    let Value::List(list) = &v else { return Ok(v) };
    let scope = {
        let mut r = rec.borrow_mut();
        r.scopes.push(Scope {
            name: name.to_string(),
            via: Some(via.to_string()),
            base_attrs: None,
            layers: vec![Layer::new(None, None)],
        });
        r.scopes.len() - 1
    };
    let mut items = Vec::with_capacity(list.0.len());
    for t in list.0.iter() {
        let e = ev.force(t)?;
        let mut parts = Vec::new();
        decompose(ev, &e, None, &mut parts)?;
        let start = rec.borrow().scopes[scope].layers.len();
        for (f, parent) in parts {
            rec.borrow_mut().scopes[scope].layers.push(Layer::new(Some(f), parent));
        }
        let end = rec.borrow().scopes[scope].layers.len();
        items.push(Thunk::Ready(hook_value(rec, scope, start, end)));
    }
    Ok(Value::list(items))
}

/// A thunk giving a copy of `target`'s set whose attributes log their reads by `layer`.
fn proxy_thunk(rec: &Shared, scope: usize, layer: usize, via: Via, target: Thunk) -> Thunk {
    let rec = rec.clone();
    Thunk::new_native(move |ev| {
        let v = ev.force(&target)?;
        let Value::Attrs(a) = &v else { return Ok(v) };
        Ok(Value::attrs(wrap_each(a, |name, orig| {
            let rec = rec.clone();
            Thunk::new_native(move |ev| {
                on_read(&rec, scope, layer, via, name);
                let r = ev.force(&orig);
                rec.borrow_mut().pending = None;
                r
            })
        })))
    })
}

/// A copy of `a` whose every value is replaced by `wrap(name, value)`.
fn wrap_each(a: &Attrs, mut wrap: impl FnMut(Symbol, Thunk) -> Thunk) -> Attrs {
    let entries = a.iter().map(|e| AttrEntry { name: e.name, pos: e.pos, value: wrap(e.name, e.value.clone()) }).collect();
    Attrs::from_sorted(entries)
}

fn on_read(rec: &Shared, scope: usize, layer: usize, via: Via, name: Symbol) {
    let mut r = rec.borrow_mut();
    let def = r
        .ctx
        .iter()
        .rev()
        .find(|c| c.scope == scope && c.layer == layer)
        .map(|c| match c.attr {
            Some(a) => DefCtx::Attr(a),
            None => DefCtx::Body,
        })
        .unwrap_or(DefCtx::Escaped);
    let read = Read { def, via, attr: name };
    let reads = &mut r.scopes[scope].layers[layer].reads;
    if !reads.contains(&read) {
        reads.push(read);
    }
    // A read of a definition that is being evaluated right now closes a loop.
    let target = match via {
        Via::Final => r.scopes[scope].winner(name),
        Via::Prev => r.scopes[scope].definer_below(layer, name),
    };
    if let Some(t) = target.filter(|&t| t > 0) {
        if let Some(p) = r.ctx.iter().position(|c| c.scope == scope && c.layer == t && c.attr == Some(name)) {
            let steps: Vec<CycleStep> = r.ctx[p..]
                .iter()
                .map(|c| CycleStep { scope: c.scope, layer: c.layer, attr: c.attr, reached_by: c.reached_by })
                .collect();
            let cycle = Cycle { steps, closing: (layer, via, name) };
            // The same loop entered at another point is the same mistake.
            let key = |c: &Cycle| {
                let mut k: Vec<(usize, usize, Option<Symbol>)> = c.steps.iter().map(|s| (s.scope, s.layer, s.attr)).collect();
                k.sort_unstable();
                k
            };
            if !r.cycles.iter().any(|c| key(c) == key(&cycle)) {
                r.cycles.push(cycle);
            }
        }
    }
    r.pending = Some((scope, via, name));
}

/// The layer's attributes, each wrapped to mark its definition as being evaluated.
fn wrap_attrs(rec: &Shared, scope: usize, layer: usize, out: &Attrs) -> Attrs {
    wrap_each(out, |name, orig| {
        let rec = rec.clone();
        Thunk::new_native(move |ev| {
            {
                let mut r = rec.borrow_mut();
                let reached_by = match r.pending.take() {
                    Some((s, via, n)) if s == scope && n == name => Some((via, n)),
                    _ => None,
                };
                r.ctx.push(CtxEntry { scope, layer, attr: Some(name), reached_by });
            }
            let res = ev.force(&orig);
            if let Ok(v) = &res {
                instantiate(ev, v);
            }
            let mut r = rec.borrow_mut();
            r.ctx.pop();
            let l = &mut r.scopes[scope].layers[layer];
            if !l.evaluated.contains(&name) {
                l.evaluated.push(name);
            }
            if let Err(e) = &res {
                if !l.errors.iter().any(|(n, _)| *n == name) {
                    l.errors.push((name, e.message().to_string()));
                }
            }
            res
        })
    })
}

// ---------------------------------------------------------------------------------------------
// Taking composed overlays apart
// ---------------------------------------------------------------------------------------------

/// The names bound by a let expression.
fn let_names(e: &Expr) -> Option<Vec<&'static str>> {
    match e {
        Expr::Let { bindings, .. } => Some(bindings.statics.iter().map(|s| s.name.as_str()).collect()),
        _ => None,
    }
}

fn ident(p: &Param) -> Option<&'static str> {
    match p {
        Param::Ident(s) => Some(s.as_str()),
        _ => None,
    }
}

/// The argument of the `n`-th lambda enclosing the closure `c` (0: the nearest), unforced: a
/// slot of the closure's own frame when it is an inner lambda of a curried chain (`f: g: final:
/// ...` shares one frame), otherwise the first slot of the `n`-th frame up.
fn captured(c: &Closure, n: usize) -> Option<&Thunk> {
    let k = c.def.chain_slot as usize;
    if n < k {
        return c.env.slots().get(k - 1 - n);
    }
    let mut frame = if k > 0 { c.env.parent()? } else { &c.env };
    for _ in k..n {
        frame = frame.parent()?;
    }
    frame.slots().first()
}

/// `composeExtensions f g` — a closure `final: prev: ...` over two one-argument frames `g` and
/// `f` whose body merges with `//` (nixpkgs' `let fApplied = f final prev; ... in fApplied // g
/// final prev'`, and the same idea written differently): its `f` and `g`, unforced. The caller
/// confirms that both are functions.
pub fn composed_parts(c: &Closure) -> Option<(Thunk, Thunk)> {
    ident(&c.def.param)?;
    let Expr::Lambda(inner) = &c.def.body else { return None };
    ident(&inner.param)?;
    let body = match &inner.body {
        Expr::Let { body, .. } => &**body,
        b => b,
    };
    if !matches!(body, Expr::Bin { op: crate::eval::expr::BinOp::Update, .. }) {
        return None;
    }
    let g = captured(c, 0)?;
    let f = captured(c, 1)?;
    Some((f.clone(), g.clone()))
}

/// `extends overlay f` (`final: let prev = f final; in prev // overlay final prev`): its
/// `overlay` and `f`.
pub fn extends_parts(c: &Closure) -> Option<(Thunk, Thunk)> {
    ident(&c.def.param)?;
    let names = let_names(&c.def.body)?;
    if names != ["prev"] {
        return None;
    }
    let Expr::Let { body, .. } = &c.def.body else { return None };
    if !matches!(&**body, Expr::Bin { op: crate::eval::expr::BinOp::Update, .. }) {
        return None;
    }
    let f = captured(c, 0)?.clone();
    let overlay = captured(c, 1)?.clone();
    Some((overlay, f))
}

/// An overlay `final: prev: { }` (the end of `composeManyExtensions`' fold).
fn is_empty_overlay(c: &Closure) -> bool {
    let Expr::Lambda(inner) = &c.def.body else { return false };
    matches!(&inner.body, Expr::Attrs(d) if d.statics.is_empty() && d.dynamics.is_empty())
        || matches!(&inner.body, Expr::Const(Value::Attrs(a)) if a.is_empty())
}

/// Splits an overlay into its layers (in application order), each with the composed overlay it
/// came from.
pub fn decompose(ev: &mut Evaluator, v: &Value, parent: Option<&Value>, out: &mut Vec<(Value, Option<Value>)>) -> EvalResult<()> {
    if crate::stack::exhausted() {
        return Err(crate::eval::stack_overflow());
    }
    match v {
        Value::Lambda(c) => {
            if let Some((f, g)) = composed_parts(c) {
                let forced = ev.force(&f).and_then(|f| Ok((f, ev.force(&g)?)));
                if let Ok((f, g)) = forced.as_ref().map(|(f, g)| (f.clone(), g.clone())) {
                    if f.is_function() && g.is_function() {
                        let p = parent.cloned().unwrap_or_else(|| v.clone());
                        decompose(ev, &f, Some(&p), out)?;
                        if matches!(&g, Value::Lambda(gc) if is_empty_overlay(gc) && composed_parts(gc).is_none()) {
                            return Ok(());
                        }
                        return decompose(ev, &g, Some(&p), out);
                    }
                }
            }
            out.push((v.clone(), parent.cloned()));
            Ok(())
        }
        Value::List(l) => {
            for t in l.0.iter() {
                let x = ev.force(t)?;
                decompose(ev, &x, parent, out)?;
            }
            Ok(())
        }
        _ => {
            out.push((v.clone(), parent.cloned()));
            Ok(())
        }
    }
}

/// Splits a fixed-point function built with `extends` into its innermost function and the
/// overlays (in application order).
pub fn decompose_extends(ev: &mut Evaluator, v: &Value) -> EvalResult<(Value, Vec<Value>)> {
    let mut overlays = Vec::new();
    let mut cur = v.clone();
    loop {
        let parts = match &cur {
            Value::Lambda(c) => extends_parts(c),
            _ => None,
        };
        let Some((o, f)) = parts else { break };
        overlays.push(ev.force(&o)?);
        cur = ev.force(&f)?;
    }
    overlays.reverse();
    Ok((cur, overlays))
}

/// The identity of a function value, for naming layers.
pub fn value_id(v: &Value) -> Option<usize> {
    match v {
        Value::Lambda(c) => Some(Rc::as_ptr(c) as usize),
        Value::PrimOpApp(a) => Some(Rc::as_ptr(a) as *const u8 as usize),
        Value::Attrs(a) => Some(a.addr()),
        _ => None,
    }
}

/// CppNix's `argHasName`: the name, `_`, or the name after `_`.
pub fn arg_has_name(arg: &str, expected: &str) -> bool {
    arg == expected || arg == "_" || arg.strip_prefix('_') == Some(expected)
}

// ---------------------------------------------------------------------------------------------
// The analysis
// ---------------------------------------------------------------------------------------------

/// What the overlays are applied to.
pub enum Base {
    /// A package set with an `extend` function (nixpkgs, the stand-in, `makeExtensible`).
    Extensible(Value),
    /// A fixed-point function `final: { ... }`.
    Function(Value),
    /// A plain set (`{ }` for `--base empty`).
    Set(Value),
}

/// Settings of an analysis.
pub struct Options {
    /// What to call the base (`nixpkgs`, `empty set`, `base.nix`).
    pub base_label: String,
    /// What to call the top package set.
    pub set_name: String,
    /// Restrict the attributes evaluated and shown (`--attr`); empty means all.
    pub attrs: Vec<String>,
}

/// The result: the scopes with their layers and observations, findings, and the first error.
pub struct Report {
    pub scopes: Vec<Scope>,
    pub cycles: Vec<Cycle>,
    pub findings: Vec<Finding>,
    /// An error that stopped the analysis early (the package set could not be built).
    pub fatal: Option<EvalError>,
    /// Errors of single definitions, with their full position information.
    pub errors: Vec<(String, EvalError)>,
    /// The attributes shown (after `--attr`).
    pub filter: Vec<String>,
}

const HELPER: &str = "g: h: let final = let prev = g final; in prev // h final prev; in final";

fn wants(filter: &[String], name: &str) -> bool {
    filter.is_empty() || filter.iter().any(|f| f == name)
}

/// Applies `overlay`'s layers to `base`, observing the evaluation.
pub fn analyze(ev: &mut Evaluator, base: Base, overlay: &Value, opts: &Options) -> Report {
    let rec: Shared = Rc::new(RefCell::new(Recorder::default()));
    rec.borrow_mut().scopes.push(Scope {
        name: opts.set_name.clone(),
        via: None,
        base_attrs: None,
        layers: vec![Layer::new(None, None)],
    });
    let mut report_errors = Vec::new();
    let fatal = run(ev, &rec, base, overlay, opts, &mut report_errors).err();
    HOOKS.with(|h| {
        for slot in h.borrow_mut().iter_mut() {
            if slot.as_ref().is_some_and(|(r, _)| Rc::ptr_eq(r, &rec)) {
                *slot = None;
            }
        }
    });
    let r = std::mem::take(&mut *rec.borrow_mut());
    let mut report = Report {
        scopes: r.scopes,
        cycles: r.cycles,
        findings: Vec::new(),
        fatal,
        errors: report_errors,
        filter: opts.attrs.clone(),
    };
    report.scopes[0].layers[0].label = opts.base_label.clone();
    for s in report.scopes.iter_mut().skip(1) {
        s.layers[0].label = format!("{} base ({})", s.name, opts.base_label);
    }
    describe_layers(ev, &mut report);
    report
}

fn run(
    ev: &mut Evaluator,
    rec: &Shared,
    base: Base,
    overlay: &Value,
    opts: &Options,
    errors: &mut Vec<(String, EvalError)>,
) -> EvalResult<()> {
    let mut parts = Vec::new();
    decompose(ev, overlay, None, &mut parts)?;
    let n = parts.len();
    for (f, parent) in parts {
        rec.borrow_mut().scopes[0].layers.push(Layer::new(Some(f), parent));
    }
    let hook = hook_value(rec, 0, 1, n + 1);
    let final_ = match base {
        Base::Extensible(set) => {
            let Value::Attrs(a) = &set else { return Err(crate::builtins::type_err("a set", &set)) };
            let Some(ext) = a.get(Symbol::new("extend")).cloned() else {
                return Err(EvalError::new(ErrorKind::MissingAttr, "the base package set has no 'extend' function"));
            };
            let ext = ev.force(&ext)?;
            ev.call_value(ext, hook.into(), Pos::NONE)?
        }
        Base::Function(g) => fix_with(ev, g, hook)?,
        Base::Set(s) => {
            let g = ev.eval_str("s: _: s", "/")?;
            let g = ev.call_value(g, s.into(), Pos::NONE)?;
            fix_with(ev, g, hook)?
        }
    };
    let Value::Attrs(final_set) = &final_ else {
        return Err(crate::builtins::type_err("a set", &final_).frame(Pos::NONE, "while building the package set"));
    };
    let final_set = final_set.clone();
    // Evaluate every attribute an overlay defines, as a user of the package set would.
    let top = rec.borrow().scopes[0].overlay_attrs();
    for name in top.into_iter().filter(|n| wants(&opts.attrs, n.as_str()) || n.as_str() == "pythonPackagesExtensions") {
        if let Some(t) = final_set.get(name) {
            if let Err(e) = ev.force(t) {
                errors.push((name.as_str().to_string(), e));
            }
        }
    }
    // Nested sets: build them and evaluate what their layers define.
    let nested: Vec<(usize, String)> =
        rec.borrow().scopes.iter().enumerate().skip(1).map(|(i, s)| (i, s.name.clone())).collect();
    for (scope, name) in nested {
        let Some(t) = final_set.get(Symbol::new(&name)) else { continue };
        let set = match ev.force(t) {
            Ok(Value::Attrs(a)) => a,
            Ok(_) => continue,
            Err(e) => {
                errors.push((name.clone(), e));
                continue;
            }
        };
        let attrs = rec.borrow().scopes[scope].overlay_attrs();
        for a in attrs.into_iter().filter(|a| wants(&opts.attrs, a.as_str()) || wants(&opts.attrs, &format!("{name}.{}", a.as_str()))) {
            if let Some(t) = set.get(a) {
                if let Err(e) = ev.force(t) {
                    errors.push((format!("{name}.{}", a.as_str()), e));
                }
            }
        }
    }
    Ok(())
}

/// Instantiates `v` when it is a derivation (forces its `drvPath`), as using it would: that
/// reads its inputs (`buildInputs`, `dependencies`, ...) whether or not the definition itself
/// forced them. A failing instantiation is left to the builder; the reads made on the way
/// are what matters here.
fn instantiate(ev: &mut Evaluator, v: &Value) {
    let Value::Attrs(a) = v else { return };
    let is_drv = match a.get(crate::eval::symbol::sym::type_) {
        Some(ty) => matches!(ev.force(ty), Ok(Value::String(s)) if s.as_bytes() == b"derivation"),
        None => false,
    };
    if is_drv {
        if let Some(p) = a.get(crate::eval::symbol::sym::drvPath) {
            let _ = ev.force(p);
        }
    }
}

fn fix_with(ev: &mut Evaluator, g: Value, hook: Value) -> EvalResult {
    let expr = ev.compile(Origin::Builtin("overlays-fix.nix"), HELPER.into(), "/".into())?;
    let helper = ev.eval_root(expr)?;
    let v = ev.call_many(helper, &[g.into(), hook.into()], Pos::NONE)?;
    Ok(v)
}

/// Fills in each layer's origin and argument names.
fn describe_layers(ev: &Evaluator, report: &mut Report) {
    for s in report.scopes.iter_mut() {
        for l in s.layers.iter_mut().skip(1) {
            if let Some(Value::Lambda(c)) = &l.func {
                // Files by line (`flake.nix:78`); command-line expressions also by column.
                l.origin = ev.sources.describe(c.def.pos).map(|(f, line, col)| {
                    if f.starts_with('«') {
                        format!("{f}:{line}:{col}")
                    } else {
                        format!("{f}:{line}")
                    }
                });
                let outer = ident(&c.def.param).unwrap_or("{ ... }").to_string();
                let inner = match &c.def.body {
                    Expr::Lambda(d) => ident(&d.param).unwrap_or("{ ... }").to_string(),
                    _ => String::new(),
                };
                l.args = Some((outer, inner));
            }
        }
    }
}

impl Report {
    /// Names the layers (see [`Report::label_layers`]) and looks for the classic mistakes.
    pub fn finish(&mut self, ev: &mut Evaluator, names: &dyn Fn(&Value) -> Option<String>, origin: &dyn Fn(&str) -> String) {
        self.label_layers(names, origin);
        self.findings = findings(ev, self);
    }

    /// Names every layer: `names` gives the flake's name for a function value (by identity),
    /// `origin` rewrites a `file:line` for display. Unnamed layers are called by their origin.
    pub fn label_layers(&mut self, names: &dyn Fn(&Value) -> Option<String>, origin: &dyn Fn(&str) -> String) {
        for s in self.scopes.iter_mut() {
            for l in s.layers.iter_mut().skip(1) {
                l.origin = l.origin.as_deref().map(origin);
                let name = l.func.as_ref().and_then(names);
                l.part_of = l.parent.as_ref().and_then(names).filter(|p| Some(p) != name.as_ref());
                l.label = match (name, &l.origin) {
                    (Some(n), _) => n,
                    (None, Some(o)) => o.clone(),
                    (None, None) => "(a function)".to_string(),
                };
            }
        }
    }

    /// Whether anything failed.
    pub fn failed(&self) -> bool {
        self.fatal.is_some() || !self.errors.is_empty() || !self.cycles.is_empty()
    }
}

// ---------------------------------------------------------------------------------------------
// Findings
// ---------------------------------------------------------------------------------------------

fn layer_name(s: &Scope, i: usize) -> String {
    s.layers[i].label.clone()
}

fn findings(ev: &mut Evaluator, report: &Report) -> Vec<Finding> {
    let mut out = Vec::new();
    for (si, s) in report.scopes.iter().enumerate() {
        for (li, l) in s.layers.iter().enumerate().skip(1) {
            // Argument names.
            if let Some((a, b)) = &l.args {
                let accepted = arg_has_name(a, "final") && arg_has_name(b, "prev");
                if !accepted && !b.is_empty() {
                    out.push(Finding {
                        code: "argument-names",
                        severity: if l.label.starts_with("overlays.") { Severity::Error } else { Severity::Warning },
                        scope: si,
                        layer: Some(li),
                        attr: None,
                        message: format!("{} takes '{a}: {b}:' instead of 'final: prev:'", l.label),
                        explanation: format!(
                            "Current `nix flake check` rejects an overlay output whose arguments are not named \
                             `final` and `prev` (\"overlay does not take an argument named '{}'\"). The names change \
                             nothing in the evaluation: `{a}` is the finished set and `{b}` the set below this layer; \
                             rename them (and their uses in the body).",
                            if arg_has_name(a, "final") { "prev" } else { "final" }
                        ),
                    });
                }
            }
            for read in &l.reads {
                let DefCtx::Attr(d) = read.def else { continue };
                match read.via {
                    Via::Prev if d != read.attr => {
                        let later: Vec<usize> = (li + 1..s.layers.len()).filter(|&j| s.layers[j].defines(read.attr)).collect();
                        if let Some(&j) = later.last() {
                            let seen = s.definer_below(li, read.attr).map(|k| layer_name(s, k)).unwrap_or_else(|| "nothing".into());
                            out.push(Finding {
                                code: "prev-misses-later-layer",
                                severity: Severity::Warning,
                                scope: si,
                                layer: Some(li),
                                attr: Some(d.as_str().to_string()),
                                message: format!(
                                    "{}'s {} reads prev.{}, so it gets {}'s {} and not the {} of {}, which is in final",
                                    l.label, d.as_str(), read.attr.as_str(), seen, read.attr.as_str(), read.attr.as_str(), layer_name(s, j)
                                ),
                                explanation: format!(
                                    "`prev` is the set below this layer: changes made by later layers are not in it. If {} \
                                     should use the finished {} (with {}'s change), read `final.{}` instead.",
                                    d.as_str(), read.attr.as_str(), layer_name(s, j), read.attr.as_str()
                                ),
                            });
                        }
                    }
                    Via::Final if d == read.attr => {
                        let w = s.winner(d);
                        if w.is_some_and(|w| w != li) {
                            let w = w.unwrap();
                            out.push(Finding {
                                code: "final-reads-own-attribute",
                                severity: Severity::Warning,
                                scope: si,
                                layer: Some(li),
                                attr: Some(d.as_str().to_string()),
                                message: format!(
                                    "{}'s {} reads final.{}, which is {}'s {} (a later layer), not the {} below it",
                                    l.label, d.as_str(), d.as_str(), layer_name(s, w), d.as_str(), d.as_str()
                                ),
                                explanation: format!(
                                    "To change the existing {x}, start from `prev.{x}` (the definition below this layer). \
                                     `final.{x}` is the finished package set's {x}: here it happens to be another layer's; \
                                     if this layer were last it would be this very definition, an infinite recursion.",
                                    x = d.as_str()
                                ),
                            });
                        }
                    }
                    _ => {}
                }
            }
            // Replacing a whole package set.
            if si == 0 {
                for &name in l.defines.iter().flatten() {
                    if !wants(&report.filter, name.as_str()) {
                        continue;
                    }
                    let Some(new) = l.out.as_ref().and_then(|o| o.get(name)).and_then(|t| t.value_if_ready()) else { continue };
                    let Value::Attrs(new) = new else { continue };
                    let old_thunk = match s.definer_below(li, name) {
                        Some(0) => s.base_attrs.as_ref().and_then(|a| a.get(name).cloned()),
                        Some(k) => s.layers[k].out.as_ref().and_then(|o| o.get(name).cloned()),
                        None => None,
                    };
                    let Some(old_thunk) = old_thunk else { continue };
                    let Ok(Value::Attrs(old)) = ev.force(&old_thunk) else { continue };
                    if old.len() < 10 || new.contains(Symbol::new("type")) && old.contains(Symbol::new("type")) {
                        continue;
                    }
                    let kept = old.iter().filter(|e| new.contains(e.name)).count();
                    let python = is_python_set_name(name.as_str());
                    if kept * 2 < old.len() {
                        out.push(Finding {
                            code: "replaces-package-set",
                            severity: Severity::Warning,
                            scope: si,
                            layer: Some(li),
                            attr: Some(name.as_str().to_string()),
                            message: format!(
                                "{} replaces the whole {} ({} attributes) with a set of {} (only {} kept)",
                                l.label, name.as_str(), old.len(), new.len(), kept
                            ),
                            explanation: if python {
                                format!(
                                    "Every other package in {n} is gone from final.{n}. Add Python packages by appending an \
                                     overlay to `pythonPackagesExtensions` (`pythonPackagesExtensions = prev.pythonPackagesExtensions \
                                     ++ [ (pfinal: pprev: {{ ... }}) ]`), which reaches every Python package set.",
                                    n = name.as_str()
                                )
                            } else {
                                format!(
                                    "Every other attribute of {n} is gone from final.{n}. Extend it instead: \
                                     `{n} = prev.{n} // {{ ... }}`, or `prev.{n}.overrideScope (sfinal: sprev: {{ ... }})` for a scope.",
                                    n = name.as_str()
                                )
                            },
                        });
                    } else if python {
                        out.push(Finding {
                            code: "python-packages-not-extended",
                            severity: Severity::Note,
                            scope: si,
                            layer: Some(li),
                            attr: Some(name.as_str().to_string()),
                            message: format!("{} changes {} directly", l.label, name.as_str()),
                            explanation: format!(
                                "Only the attribute {n} changes: `python3.pkgs`, `python3.withPackages` and the other Python \
                                 versions' package sets do not see the new packages, and packages in the set that depend on \
                                 them still get the old ones. Append an overlay to `pythonPackagesExtensions` instead.",
                                n = name.as_str()
                            ),
                        });
                    }
                }
            }
        }
    }
    for c in &report.cycles {
        let (layer, via, name) = c.closing;
        let s = &report.scopes[c.steps.last().map_or(0, |st| st.scope)];
        let first = &c.steps[0];
        let path = render::cycle_path(report, c);
        let own = c.steps.len() == 1 && first.attr == Some(name);
        out.push(Finding {
            code: "infinite-recursion",
            severity: Severity::Error,
            scope: first.scope,
            layer: Some(layer),
            attr: first.attr.map(|a| a.as_str().to_string()),
            message: format!("infinite recursion: {path}"),
            explanation: if own && via == Via::Final {
                format!(
                    "{}'s definition of {x} reads `final.{x}`, and final.{x} is this very definition (no later layer \
                     redefines it), so it needs its own value. To modify the {x} below this layer, read `prev.{x}`.",
                    layer_name(s, layer),
                    x = name.as_str()
                )
            } else {
                "Each definition in the loop needs the next one before it has a value. Break the loop by reading one \
                 of these attributes from `prev` (the set below the layer) instead of `final`."
                    .to_string()
            },
        });
    }
    out.sort_by(|a, b| a.severity.cmp(&b.severity).then(a.scope.cmp(&b.scope)).then(a.layer.cmp(&b.layer)));
    out
}

fn is_python_set_name(n: &str) -> bool {
    n == "pythonPackages"
        || n.strip_prefix("python").and_then(|r| r.strip_suffix("Packages")).is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::EvalOptions;

    const LIB: &str = include_str!("flake/standins/nixpkgs/lib/fixed-points.nix");

    fn ev() -> Evaluator {
        let mut ev = Evaluator::new(EvalOptions::default(), Box::new(crate::eval::io::RealIo));
        ev.reset_stack_base();
        ev
    }

    fn lib(ev: &mut Evaluator) -> Value {
        let e = ev.compile(Origin::Builtin("fixed-points.nix"), LIB.into(), "/".into()).unwrap();
        let f = ev.eval_root(e).unwrap();
        let arg = ev.eval_str("{ lib = { }; }", "/").unwrap();
        ev.call_value(f, arg.into(), Pos::NONE).unwrap()
    }

    fn analyze_str(src: &str, base: &str) -> Report {
        let mut ev = ev();
        let l = lib(&mut ev);
        let f = ev.eval_str(src, "/").unwrap();
        let overlay = ev.call_value(f, l.into(), Pos::NONE).unwrap();
        let b = ev.eval_str(base, "/").unwrap();
        let opts = Options { base_label: "base".into(), set_name: "pkgs".into(), attrs: vec![] };
        let mut r = analyze(&mut ev, Base::Set(b), &overlay, &opts);
        r.finish(&mut ev, &|_| None, &|o| o.rsplit('/').next().unwrap_or(o).to_string());
        r
    }

    fn sym(s: &str) -> Symbol {
        Symbol::new(s)
    }

    #[test]
    fn composed_overlays_are_split_and_reads_observed() {
        let r = analyze_str(
            "lib: lib.composeManyExtensions [ (final: prev: { a = prev.a + 1; b = final.a * 10; }) (final: prev: { a = prev.a * 2; }) ]",
            "{ a = 1; }",
        );
        assert!(r.fatal.is_none(), "{:?}", r.fatal.as_ref().map(|e| e.message().to_string()));
        let s = &r.scopes[0];
        assert_eq!(s.layers.len(), 3);
        assert_eq!(s.winner(sym("a")), Some(2));
        assert_eq!(s.winner(sym("b")), Some(1));
        let l1 = &s.layers[1];
        assert!(l1.reads.contains(&Read { def: DefCtx::Attr(sym("a")), via: Via::Prev, attr: sym("a") }));
        assert!(l1.reads.contains(&Read { def: DefCtx::Attr(sym("b")), via: Via::Final, attr: sym("a") }));
        let l2 = &s.layers[2];
        assert_eq!(l2.reads, vec![Read { def: DefCtx::Attr(sym("a")), via: Via::Prev, attr: sym("a") }]);
        // b = final.a * 10 = ((1 + 1) * 2) * 10; layer 1's prev.a was read.
        assert!(r.findings.iter().any(|f| f.code == "prev-misses-later-layer") == false);
    }

    #[test]
    fn shadowed_definitions_are_not_evaluated() {
        let r = analyze_str("lib: [ (final: prev: { a = prev.nope; }) (final: prev: { a = 2; }) ]", "{ }");
        assert!(r.fatal.is_none());
        assert!(r.errors.is_empty());
        assert!(r.scopes[0].layers[1].evaluated.is_empty());
        assert_eq!(r.scopes[0].layers[2].evaluated, vec![sym("a")]);
    }

    #[test]
    fn self_reference_through_final_is_a_cycle() {
        let r = analyze_str("lib: final: prev: { x = final.x + 1; }", "{ x = 1; }");
        assert_eq!(r.cycles.len(), 1);
        assert!(r.findings.iter().any(|f| f.code == "infinite-recursion"));
        assert_eq!(r.errors.len(), 1);
        assert_eq!(r.errors[0].1.kind(), ErrorKind::InfiniteRecursion);
    }

    #[test]
    fn two_definitions_in_a_loop() {
        let r = analyze_str("lib: [ (final: prev: { a = final.b; }) (final: prev: { b = final.a; }) ]", "{ }");
        assert_eq!(r.cycles.len(), 1, "{:?}", r.cycles);
        assert_eq!(r.cycles[0].steps.len(), 2);
    }

    #[test]
    fn prev_that_misses_a_later_layer_is_flagged() {
        let r = analyze_str("lib: [ (final: prev: { b = prev.a; }) (final: prev: { a = 2; }) ]", "{ a = 1; }");
        assert!(r.findings.iter().any(|f| f.code == "prev-misses-later-layer"));
        let r = analyze_str("lib: [ (self: super: { a = 2; }) ]", "{ }");
        assert!(r.findings.iter().any(|f| f.code == "argument-names"));
    }

    #[test]
    fn extends_chains_are_taken_apart() {
        let mut ev = ev();
        let l = lib(&mut ev);
        let f = ev.eval_str("lib: lib.extends (f: p: { b = 2; }) (lib.extends (f: p: { a = 1; }) (final: { }))", "/").unwrap();
        let v = ev.call_value(f, l.into(), Pos::NONE).unwrap();
        let (_, overlays) = decompose_extends(&mut ev, &v).unwrap();
        assert_eq!(overlays.len(), 2);
    }
}
