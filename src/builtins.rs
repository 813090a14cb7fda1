//! The builtins registry: every group's table is collected into the `builtins` attribute set
//! and into the global scope (CppNix exposes `__name` globally for most builtins, and a few
//! — `map`, `toString`, `throw`, `import`, ... — under their plain name).
//!
//! A builtin is a Rust function receiving its arguments as unevaluated [`Thunk`]s; it forces
//! what it needs (strictness is explicit in the code) and returns a [`Value`] or an error without
//! a position: the evaluator attaches the call site. The argument-forcing helpers here produce
//! CppNix's messages ("expected a set but found ...", "while evaluating the first argument
//! passed to builtins.X").

pub mod arith;
pub mod attrs;
pub mod context;
pub mod control;
pub mod corepkgs;
pub mod derivation;
pub mod fetch;
pub mod flakeref;
pub mod getflake;
pub mod hash;
pub mod json;
pub mod lists;
pub mod matching;
pub mod paths;
pub mod store;
pub mod serial;
pub mod strings;
pub mod types;
pub mod versions;

use crate::error::EvalError;
use crate::eval::lower::Globals;
use crate::eval::symbol::Symbol;
use crate::eval::value::*;
use crate::eval::Evaluator;
use crate::print::short;
use crate::syntax::source::{Origin, Pos};
use std::rc::Rc;

pub type BuiltinFn = fn(&mut Evaluator, &[Thunk]) -> EvalResult;

pub struct Builtin {
    /// The name inside `builtins`.
    pub name: &'static str,
    pub arity: usize,
    pub func: BuiltinFn,
}

/// Per-evaluation state kept by builtins.
#[derive(Default)]
pub struct Caches {
    /// Compiled regular expressions of `match` and `split`, by pattern.
    pub regexes: rustc_hash::FxHashMap<Vec<u8>, Rc<crate::regex::Regex>>,
    /// Store paths of source paths already "copied".
    pub source_paths: rustc_hash::FxHashMap<String, String>,
    /// Every derivation and `toFile` result made so far (stands in for the store).
    pub drv_hashes: crate::store::derivation::DrvHashes,
    /// `getFlake`'s view of the flake file system; `None` makes `getFlake` unavailable.
    pub get_flake: Option<getflake::GetFlakeState>,
    /// Placeholders made for opaque values (unavailable flake inputs) in derivations.
    pub opaque: crate::eval::opaque::OpaqueState,
}

/// Builtins that are also visible without the `builtins.` prefix under their own name.
const PLAIN_GLOBALS: &[&str] = &[
    "abort",
    "baseNameOf",
    "break",
    "derivationStrict",
    "dirOf",
    "fetchGit",
    "fetchMercurial",
    "fetchTarball",
    "fetchTree",
    "fromTOML",
    "import",
    "isNull",
    "map",
    "placeholder",
    "removeAttrs",
    "scopedImport",
    "throw",
    "toString",
];

pub fn all_builtins() -> impl Iterator<Item = &'static Builtin> {
    arith::BUILTINS
        .iter()
        .chain(attrs::BUILTINS)
        .chain(control::BUILTINS)
        .chain(lists::BUILTINS)
        .chain(paths::BUILTINS)
        .chain(strings::BUILTINS)
        .chain(types::BUILTINS)
        .chain(json::BUILTINS)
        .chain(derivation::BUILTINS)
        .chain(store::BUILTINS)
        .chain(fetch::BUILTINS)
        .chain(flakeref::BUILTINS)
        .chain(getflake::BUILTINS)
        .chain(context::BUILTINS)
        .chain(hash::BUILTINS)
        .chain(versions::BUILTINS)
        .chain(serial::BUILTINS)
        .chain(matching::BUILTINS)
}

/// Builds the global scope: `builtins`, the aliases, and the constants.
pub fn globals(ev: &mut Evaluator) -> Globals {
    let mut entries: Vec<AttrEntry> = Vec::new();
    let mut globals = Globals::default();
    let features = &ev.options.experimental_features;
    let fetch_tree = fetch::fetch_tree_enabled(features);
    let fetch_closure = features.iter().any(|f| f == "fetch-closure");
    for b in all_builtins() {
        let flake_builtin = matches!(b.name, "parseFlakeRef" | "flakeRefToString");
        let flake_builtin = flake_builtin || b.name == "getFlake";
        let flakes = features.iter().any(|f| f == "flakes");
        if (b.name == "fetchTree" && !fetch_tree) || (b.name == "fetchClosure" && !fetch_closure) || (flake_builtin && !flakes) {
            continue;
        }
        let v = Value::PrimOp(b);
        entries.push(AttrEntry { name: Symbol::new(b.name), pos: Pos::NONE, value: v.clone().into() });
        if PLAIN_GLOBALS.contains(&b.name) {
            globals.insert(Symbol::new(b.name), v);
        } else {
            globals.insert(Symbol::new(&format!("__{}", b.name)), v);
        }
    }
    let nix_path = nix_path_value(ev);
    let constants: Vec<(&str, Value, bool)> = vec![
        ("true", Value::Bool(true), true),
        ("false", Value::Bool(false), true),
        ("null", Value::Null, true),
        ("currentSystem", Value::str(&ev.options.system), false),
        ("nixVersion", Value::str(NIX_VERSION), false),
        ("langVersion", Value::Int(6), false),
        ("storeDir", Value::str("/nix/store"), false),
        ("nixPath", nix_path, false),
    ];
    for (name, v, plain) in constants {
        entries.push(AttrEntry { name: Symbol::new(name), pos: Pos::NONE, value: v.clone().into() });
        if plain {
            globals.insert(Symbol::new(name), v);
        } else {
            globals.insert(Symbol::new(&format!("__{name}")), v);
        }
    }
    if ev.options.impure {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        entries.push(AttrEntry { name: Symbol::new("currentTime"), pos: Pos::NONE, value: Value::Int(now).into() });
        globals.insert(Symbol::new("__currentTime"), Value::Int(now));
    }
    // `derivation` is written in Nix: its cell is filled by `ev_insert_prelude`.
    entries.push(AttrEntry {
        name: Symbol::new("derivation"),
        pos: Pos::NONE,
        value: Thunk::Lazy(Thunk::new_cell(ThunkState::Blackhole)),
    });
    // `builtins` contains itself: build the set, then add the self reference through a cell.
    let cell = Thunk::new_cell(ThunkState::Blackhole);
    entries.push(AttrEntry { name: Symbol::new("builtins"), pos: Pos::NONE, value: Thunk::Lazy(cell.clone()) });
    let set = Value::attrs(Attrs::from_unsorted(entries));
    *cell.state.borrow_mut() = ThunkState::Done(set.clone());
    globals.insert(Symbol::new("builtins"), set.clone());
    ev_insert_prelude(ev, &mut globals, &set);
    globals
}

/// The version of CppNix whose behaviour nixeval follows (real libraries gate on it).
pub const NIX_VERSION: &str = "2.24.0";

fn nix_path_value(ev: &Evaluator) -> Value {
    let items: Vec<Thunk> = ev
        .options
        .nix_path
        .iter()
        .map(|(prefix, path)| {
            let entries = vec![
                AttrEntry { name: Symbol::new("prefix"), pos: Pos::NONE, value: Value::str(prefix).into() },
                AttrEntry { name: Symbol::new("path"), pos: Pos::NONE, value: Value::str(path).into() },
            ];
            Thunk::Ready(Value::attrs(Attrs::from_unsorted(entries)))
        })
        .collect();
    Value::list(items)
}

/// Builtins written in Nix (`derivation`), evaluated against the globals built so far.
fn ev_insert_prelude(ev: &mut Evaluator, globals: &mut Globals, builtins: &Value) {
    let Value::Attrs(set) = builtins else { return };
    let Some(Thunk::Lazy(cell)) = set.get(Symbol::new("derivation")) else { return };
    // Compiling and evaluating the wrapper only makes a closure: the body runs per call.
    let value = ev.compile_builtin("derivation-internal.nix", derivation::DERIVATION_NIX, globals).and_then(|expr| {
        let env = crate::eval::value::Env::root();
        ev.eval(expr, &env)
    });
    match value {
        Ok(v) => {
            globals.insert(Symbol::new("derivation"), v.clone());
            *cell.state.borrow_mut() = ThunkState::Done(v);
        }
        Err(e) => {
            let msg = e.message().to_string();
            *cell.state.borrow_mut() =
                ThunkState::Native(Rc::new(move |_: &mut Evaluator| Err(EvalError::new(crate::error::ErrorKind::Internal, msg.clone()))));
        }
    }
}

/// Evaluates a piece of built-in Nix code in the global scope.
pub fn eval_builtin_nix(ev: &mut Evaluator, name: &'static str, code: &str) -> EvalResult {
    let expr = ev.compile(Origin::Builtin(name), code.into(), "/".into())?;
    let env = crate::eval::value::Env::root();
    ev.eval(expr, &env)
}

// ----- argument helpers ------------------------------------------------------------------------

const ORDINALS: [&str; 4] = ["first", "second", "third", "fourth"];

#[cold]
pub fn arg_frame(e: EvalError, idx: usize, name: &str) -> EvalError {
    e.frame(Pos::NONE, format!("while evaluating the {} argument passed to builtins.{}", ORDINALS[idx.min(3)], name))
}

#[cold]
pub fn type_err(expected: &str, got: &Value) -> EvalError {
    EvalError::type_error(format!("expected {} but found {}: {}", expected, got.type_phrase(), short(got)))
}

impl Evaluator {
    pub fn arg(&mut self, args: &[Thunk], idx: usize, name: &str) -> EvalResult {
        self.force(&args[idx]).map_err(|e| arg_frame(e, idx, name))
    }
    pub fn arg_attrs(&mut self, args: &[Thunk], idx: usize, name: &str) -> EvalResult<Attrs> {
        match self.arg(args, idx, name)? {
            Value::Attrs(a) => Ok(a),
            other => Err(arg_frame(type_err("a set", &other), idx, name)),
        }
    }
    pub fn arg_list(&mut self, args: &[Thunk], idx: usize, name: &str) -> EvalResult<Rc<List>> {
        match self.arg(args, idx, name)? {
            Value::List(l) => Ok(l),
            other => Err(arg_frame(type_err("a list", &other), idx, name)),
        }
    }
    /// A list argument, borrowed from its thunk (forced first if needed) instead of taking a
    /// reference. The borrow outlives evaluation: a computed thunk keeps its value while it is
    /// reachable (here through `args`), and lists never change.
    #[inline]
    pub fn arg_list_ref<'a>(&mut self, args: &'a [Thunk], idx: usize, name: &str) -> EvalResult<&'a List> {
        match args[idx].peek() {
            Some(Value::List(l)) => Ok(l),
            _ => self.arg_list_forced(args, idx, name),
        }
    }
    #[inline(never)]
    fn arg_list_forced<'a>(&mut self, args: &'a [Thunk], idx: usize, name: &str) -> EvalResult<&'a List> {
        match self.arg(args, idx, name)? {
            // A thunk that was forced successfully is done: its value can be borrowed.
            Value::List(_) => match args[idx].peek() {
                Some(Value::List(l)) => Ok(l),
                _ => Err(EvalError::new(crate::error::ErrorKind::Internal, "a forced thunk has no value")),
            },
            other => Err(arg_frame(type_err("a list", &other), idx, name)),
        }
    }
    #[inline]
    pub fn arg_int(&mut self, args: &[Thunk], idx: usize, name: &str) -> EvalResult<i64> {
        if let Some(Value::Int(i)) = args[idx].peek() {
            return Ok(*i);
        }
        self.arg_int_forced(args, idx, name)
    }
    #[inline(never)]
    fn arg_int_forced(&mut self, args: &[Thunk], idx: usize, name: &str) -> EvalResult<i64> {
        match self.arg(args, idx, name)? {
            Value::Int(i) => Ok(i),
            other => Err(arg_frame(type_err("an integer", &other), idx, name)),
        }
    }
    pub fn arg_bool(&mut self, args: &[Thunk], idx: usize, name: &str) -> EvalResult<bool> {
        match self.arg(args, idx, name)? {
            Value::Bool(b) => Ok(b),
            other => Err(arg_frame(type_err("a Boolean", &other), idx, name)),
        }
    }
    /// A string argument, no coercion (context kept).
    pub fn arg_string(&mut self, args: &[Thunk], idx: usize, name: &str) -> EvalResult<NixString> {
        match self.arg(args, idx, name)? {
            Value::String(s) => Ok(s),
            other => Err(arg_frame(type_err("a string", &other), idx, name)),
        }
    }
    pub fn arg_function(&mut self, args: &[Thunk], idx: usize, name: &str) -> EvalResult<Value> {
        let v = self.arg(args, idx, name)?;
        if v.is_function() || matches!(&v, Value::Attrs(a) if a.contains(crate::eval::symbol::sym::functor)) {
            Ok(v)
        } else {
            Err(arg_frame(type_err("a function", &v), idx, name))
        }
    }
    /// Forces a thunk to a set, with a context message on failure.
    pub fn force_attrs(&mut self, t: &Thunk, ctx: &str) -> EvalResult<Attrs> {
        match self.force(t).map_err(|e| e.frame(Pos::NONE, ctx.to_string()))? {
            Value::Attrs(a) => Ok(a),
            other => Err(type_err("a set", &other).frame(Pos::NONE, ctx.to_string())),
        }
    }
    pub fn force_bool(&mut self, t: &Thunk, ctx: &str) -> EvalResult<bool> {
        match self.force(t).map_err(|e| e.frame(Pos::NONE, ctx.to_string()))? {
            Value::Bool(b) => Ok(b),
            other => Err(type_err("a Boolean", &other).frame(Pos::NONE, ctx.to_string())),
        }
    }
    pub fn force_list(&mut self, t: &Thunk, ctx: &str) -> EvalResult<Rc<List>> {
        match self.force(t).map_err(|e| e.frame(Pos::NONE, ctx.to_string()))? {
            Value::List(l) => Ok(l),
            other => Err(type_err("a list", &other).frame(Pos::NONE, ctx.to_string())),
        }
    }
    pub fn force_str(&mut self, t: &Thunk, ctx: &str) -> EvalResult<NixString> {
        match self.force(t).map_err(|e| e.frame(Pos::NONE, ctx.to_string()))? {
            Value::String(s) => Ok(s),
            other => Err(type_err("a string", &other).frame(Pos::NONE, ctx.to_string())),
        }
    }
    pub fn force_int(&mut self, t: &Thunk, ctx: &str) -> EvalResult<i64> {
        match self.force(t).map_err(|e| e.frame(Pos::NONE, ctx.to_string()))? {
            Value::Int(i) => Ok(i),
            other => Err(type_err("an integer", &other).frame(Pos::NONE, ctx.to_string())),
        }
    }
    /// Calls `f` with one argument.
    #[inline]
    pub fn call1(&mut self, f: &Value, a: Thunk) -> EvalResult {
        // A lambda is called where it is, without taking a reference to it.
        if let Value::Lambda(c) = f {
            return self.call_lambda(c, a, Pos::NONE);
        }
        self.call_value(f.clone(), a, Pos::NONE)
    }
    /// Calls `f` with two arguments.
    pub fn call2(&mut self, f: &Value, a: Thunk, b: Thunk) -> EvalResult {
        self.call_value2(f, a, b, Pos::NONE)
    }
}

/// A builtin set from `(name, value)` pairs.
pub fn make_attrs(pairs: Vec<(&str, Value)>) -> Value {
    let entries = pairs
        .into_iter()
        .map(|(n, v)| AttrEntry { name: Symbol::new(n), pos: Pos::NONE, value: Thunk::Ready(v) })
        .collect();
    Value::attrs(Attrs::from_unsorted(entries))
}
