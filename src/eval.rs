//! The evaluator: a lazy, thunk-based interpreter over the [`expr::Expr`] IR.
//!
//! Evaluation rules (see the Nix manual, "Language"): every binding, list element, attribute and
//! argument is a [`Thunk`] evaluated at most once; forcing a thunk black-holes it so re-entry is
//! reported as `infinite recursion encountered`; a failed thunk is restored so that forcing it
//! again raises the same error (which `builtins.tryEval` relies on). Function calls count against
//! `max_call_depth`, and every recursive step checks the remaining native stack, so runaway
//! recursion ends in an error rather than a crash.
//!
//! The evaluator does no I/O except through [`io::EvalIo`]. Builtins live in `crate::builtins`
//! and receive their arguments unevaluated; `ops` holds the operator semantics (arithmetic,
//! comparison, equality, string coercion).

pub mod attrs;
pub mod cycles;
pub mod env;
pub mod escape;
pub mod expr;
pub mod io;
pub mod lower;
pub mod opaque;
pub mod ops;
pub mod symbol;
pub mod value;

use crate::error::{ErrorKind, EvalError};
use crate::syntax::source::{Origin, Pos, SourceMap};
use expr::{AttrName, AttrValue, AttrsDef, EagerSlots, Expr, LambdaDef, Param};
use lower::{Globals, LowerOptions};
use rustc_hash::FxHashMap;
use std::rc::Rc;
use symbol::{sym, Symbol};
use value::*;

pub use value::{Attrs, EvalResult, NixString, Thunk, Value};

/// Settings of one evaluation.
#[derive(Clone)]
pub struct EvalOptions {
    /// Maximum depth of nested function calls (CppNix's `max-call-depth`).
    pub max_call_depth: u32,
    /// Bytes of native stack the evaluator may use before reporting a stack overflow.
    pub max_stack_bytes: usize,
    /// Search path entries (`-I`, `NIX_PATH`): `(prefix, path)`; prefix is empty for plain paths.
    pub nix_path: Vec<(String, String)>,
    /// Impure evaluation: `currentTime`, `getEnv`, `currentSystem` from the host.
    pub impure: bool,
    pub system: String,
    pub experimental_features: Vec<String>,
    /// `$HOME`, for `~/` paths.
    pub home: Option<String>,
    /// The `lint-*` settings (short path, absolute path and URL literals).
    pub lints: [lower::Lint; 3],
    /// CppNix's `abort-on-warn`: `builtins.warn` fails (uncatchably) after printing.
    pub abort_on_warn: bool,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            max_call_depth: 10000,
            max_stack_bytes: 6 << 20,
            nix_path: Vec::new(),
            impure: false,
            system: host_system(),
            // nixeval is a flakes tool: the flake builtins are on unless turned off.
            experimental_features: vec!["flakes".to_string()],
            home: std::env::var("HOME").ok(),
            lints: [lower::Lint::Ignore; 3],
            abort_on_warn: false,
        }
    }
}

/// The Nix system name of the machine nixeval runs on.
pub fn host_system() -> String {
    let arch = match std::env::consts::ARCH {
        "x86" => "i686",
        "arm" => "armv7l",
        a => a,
    };
    format!("{}-{}", arch, std::env::consts::OS)
}

pub struct Evaluator {
    pub sources: SourceMap,
    pub options: EvalOptions,
    pub io: Box<dyn io::EvalIo>,
    globals: Globals,
    lower_options: LowerOptions,
    import_cache: FxHashMap<String, Value>,
    call_depth: u32,
    root_env: Env,
    /// Per-evaluation caches used by builtins (regexes, derivation hashes, ...).
    pub caches: crate::builtins::Caches,
    /// Warnings found while parsing (lints); the CLI prints them.
    pub warnings: Vec<EvalError>,
    /// Nesting depth of deep traversals (JSON conversion), bounded by `max_call_depth` as in
    /// CppNix.
    deep_depth: u32,
    /// Recursive frames that may end up in reference cycles (see `cycles`).
    pub cycles: cycles::Cycles,
    /// The lowest native stack address evaluation may reach (see `crate::stack::limit`), kept
    /// here so that the check on every call and force is one comparison.
    stack_limit: usize,
}

impl Evaluator {
    pub fn new(options: EvalOptions, io: Box<dyn io::EvalIo>) -> Evaluator {
        let lower_options = LowerOptions {
            pipe_operators: options.experimental_features.iter().any(|f| f == "pipe-operators"),
            home: options.home.clone(),
            lint_short_paths: options.lints[0],
            lint_absolute_paths: options.lints[1],
            lint_url_literals: options.lints[2],
        };
        let mut sources = SourceMap::new();
        sources.publish();
        let mut ev = Evaluator {
            sources,
            options,
            io,
            globals: Globals::default(),
            lower_options,
            import_cache: FxHashMap::default(),
            call_depth: 0,
            root_env: Env::root(),
            caches: Default::default(),
            warnings: Vec::new(),
            deep_depth: 0,
            cycles: Default::default(),
            stack_limit: crate::stack::limit(),
        };
        ev.globals = crate::builtins::globals(&mut ev);
        ev
    }

    /// Marks the current native stack position as the base for stack-overflow detection.
    pub fn reset_stack_base(&mut self) {
        crate::stack::set_base(self.options.max_stack_bytes);
        self.stack_limit = crate::stack::limit();
    }

    pub fn global(&self, name: &str) -> Option<&Value> {
        self.globals.get(&Symbol::new(name))
    }

    // ----- parsing ---------------------------------------------------------------------------

    /// Parses and lowers source text. The tree is leaked: it lives as long as the process.
    pub fn compile(&mut self, origin: Origin, text: Rc<str>, base_dir: String) -> EvalResult<&'static Expr> {
        self.compile_with_scope(origin, text, base_dir, None)
    }

    fn compile_with_scope(
        &mut self,
        origin: Origin,
        text: Rc<str>,
        base_dir: String,
        scope: Option<&[Symbol]>,
    ) -> EvalResult<&'static Expr> {
        let file = self.sources.add(origin, text.clone());
        let expr = crate::syntax::parse_and_lower(
            &text,
            file,
            base_dir,
            &self.globals,
            &mut self.sources,
            &self.lower_options,
            scope,
            &mut self.warnings,
        )?;
        Ok(Box::leak(Box::new(expr)))
    }

    /// Compiles built-in Nix code (`derivation`) against `globals`, used while the global
    /// scope itself is being built.
    pub fn compile_builtin(&mut self, name: &'static str, code: &str, globals: &Globals) -> EvalResult<&'static Expr> {
        let file = self.sources.add(Origin::Builtin(name), code.into());
        let expr = crate::syntax::parse_and_lower(
            code,
            file,
            "/".into(),
            globals,
            &mut self.sources,
            &self.lower_options,
            None,
            &mut self.warnings,
        )?;
        Ok(Box::leak(Box::new(expr)))
    }

    /// Parses and checks source text without evaluating it, and renders the expression as
    /// `nix-instantiate --parse` does.
    pub fn parse_only(&mut self, origin: Origin, text: &str, base_dir: &str) -> EvalResult<String> {
        self.compile(origin, text.into(), base_dir.to_string())?;
        let file = self.sources.add(Origin::String, text.into());
        Ok(crate::syntax::show_source(text, file, &self.globals, &mut self.sources, &self.lower_options))
    }

    /// Evaluates compiled code in the global scope.
    pub fn eval_root(&mut self, expr: &'static Expr) -> EvalResult {
        let env = self.root_env.clone();
        self.eval(expr, &env)
    }

    /// Evaluates an expression given as text (like `-E`), relative to `base_dir`.
    pub fn eval_str(&mut self, text: &str, base_dir: &str) -> EvalResult {
        let expr = self.compile(Origin::String, text.into(), base_dir.to_string())?;
        let env = self.root_env.clone();
        self.eval(expr, &env)
    }

    /// Evaluates a file (a directory means its `default.nix`), with the import cache.
    pub fn eval_file(&mut self, path: &str) -> EvalResult {
        self.import_path(path)
    }

    // ----- forcing ---------------------------------------------------------------------------

    #[inline]
    pub(crate) fn check_stack(&self) -> EvalResult<()> {
        if crate::stack::past(self.stack_limit) {
            return Err(stack_overflow());
        }
        Ok(())
    }

    /// Forces a thunk to weak head normal form.
    #[inline]
    pub fn force(&mut self, thunk: &Thunk) -> EvalResult {
        match thunk {
            Thunk::Ready(v) => Ok(v.clone()),
            Thunk::Lazy(cell) => {
                if let ThunkState::Done(v) = &*cell.state.borrow() {
                    return Ok(v.clone());
                }
                self.force_cell(cell)
            }
        }
    }

    #[inline(never)]
    fn force_cell(&mut self, cell: &ThunkRef) -> EvalResult {
        self.check_stack()?;
        // The common state gets its own path: the frame is dropped by name and the result is
        // written over the black hole without dropping it (it owns nothing).
        match std::mem::replace(cell.state.borrow_mut(), ThunkState::Blackhole) {
            ThunkState::Suspended(expr, env) => match self.eval(expr, &env) {
                Ok(v) => {
                    cell.state.set_over_blackhole(ThunkState::Done(v.clone()));
                    drop(env);
                    Ok(v)
                }
                Err(e) => {
                    *cell.state.borrow_mut() = ThunkState::Suspended(expr, env);
                    Err(e)
                }
            },
            prev => self.force_other(cell, prev),
        }
    }

    /// `force_cell` for states other than a suspended expression.
    #[inline(never)]
    fn force_other(&mut self, cell: &ThunkRef, prev: ThunkState) -> EvalResult {
        let result = match &prev {
            ThunkState::Suspended(expr, env) => self.eval(expr, env),
            ThunkState::Apply(c, arg) => self.call_lambda(c, arg.clone(), Pos::NONE),
            ThunkState::ApplyValue(app) => self.call_value(app.0.clone(), app.1.clone(), Pos::NONE),
            ThunkState::Native(f) => f(self),
            ThunkState::Blackhole => {
                return Err(EvalError::new(ErrorKind::InfiniteRecursion, "infinite recursion encountered"));
            }
            ThunkState::Done(v) => Ok(v.clone()),
        };
        match result {
            Ok(v) => {
                cell.state.set_over_blackhole(ThunkState::Done(v.clone()));
                Ok(v)
            }
            Err(e) => {
                *cell.state.borrow_mut() = prev;
                Err(e)
            }
        }
    }

    /// Runs one level of a deep traversal (such as JSON conversion), failing with CppNix's stack
    /// overflow error past `max_call_depth` levels.
    pub fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> EvalResult<T>) -> EvalResult<T> {
        if self.deep_depth > self.options.max_call_depth || crate::stack::exhausted() {
            return Err(stack_overflow());
        }
        self.deep_depth += 1;
        let r = f(self);
        self.deep_depth -= 1;
        r
    }

    /// Forces a value and everything inside it (`deepSeq`, `--strict`).
    pub fn force_deep(&mut self, v: &Value) -> EvalResult<()> {
        let mut seen = rustc_hash::FxHashSet::default();
        self.force_deep_inner(v, &mut seen)
    }

    fn force_deep_inner(&mut self, v: &Value, seen: &mut rustc_hash::FxHashSet<usize>) -> EvalResult<()> {
        self.check_stack()?;
        match v {
            Value::Attrs(a) => {
                if !seen.insert(a.addr()) {
                    return Ok(());
                }
                for entry in a.iter() {
                    let x = self.force(&entry.value).map_err(|e| {
                        e.frame(entry.pos, format!("while evaluating the attribute '{}'", entry.name))
                    })?;
                    self.force_deep_inner(&x, seen).map_err(|e| {
                        e.frame(entry.pos, format!("while evaluating the attribute '{}'", entry.name))
                    })?;
                }
                Ok(())
            }
            Value::List(l) => {
                if !seen.insert(Rc::as_ptr(l) as usize) {
                    return Ok(());
                }
                for (i, t) in l.0.iter().enumerate() {
                    let x = self.force(t).map_err(|e| e.frame(Pos::NONE, format!("while evaluating list element at index {i}")))?;
                    self.force_deep_inner(&x, seen)?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    // ----- the interpreter -------------------------------------------------------------------

    /// A thunk for `expr` in `env`, without allocating when the value is already known.
    #[inline]
    pub fn thunk_of(&mut self, expr: &'static Expr, env: &Env) -> Thunk {
        match expr {
            Expr::Const(v) => Thunk::Ready(v.clone()),
            Expr::Var { depth, slot, .. } => lookup(env, *depth, *slot).clone(),
            _ => Thunk::new_suspended(expr, env.clone()),
        }
    }

    /// Evaluates an expression to weak head normal form.
    ///
    /// This is a thin dispatcher: everything but constants, variables and `if` lives in
    /// separate functions that are never inlined here, so that the frame of this function (which
    /// sits on the native stack once per level of Nix evaluation) stays small.
    pub fn eval(&mut self, expr: &'static Expr, env: &Env) -> EvalResult {
        match expr {
            Expr::Const(v) => Ok(v.clone()),
            Expr::Var { depth, slot, pos } => match self.force(lookup(env, *depth, *slot)) {
                Ok(v) => Ok(v),
                Err(e) => Err(e.at(*pos)),
            },
            Expr::If(d) => {
                let expr::IfDef { cond, then, else_, pos } = &**d;
                // A comparison of integers already known (`n < 2`) is decided in place.
                if let Expr::Bin { op, lhs, rhs, .. } = cond {
                    if let (Some(a), Some(b)) = (known_int(lhs, env), known_int(rhs, env)) {
                        if let Some(b) = compare_ints(*op, a, b) {
                            return self.eval(if b { then } else { else_ }, env);
                        }
                    }
                }
                let c = self.eval_operand(cond, env)?;
                let Value::Bool(b) = c else {
                    return Err(not_a_bool(&c, *pos, "while evaluating a branch condition"));
                };
                // A Boolean owns nothing: forgetting it skips a call to its drop glue.
                std::mem::forget(c);
                self.eval(if b { then } else { else_ }, env)
            }
            Expr::WithVar(d) => self.eval_with_var(d.name, &d.withs, d.pos, env),
            Expr::Select(d) => self.eval_select(&d.expr, &d.path, d.default.as_deref(), d.pos, env),
            Expr::HasAttr(d) => self.eval_has_attr(&d.expr, &d.path, env),
            Expr::Attrs(def) => self.eval_attrs(def, env),
            Expr::List(items) => self.eval_list(items, env),
            Expr::Lambda(def) => Ok(Value::Lambda(Rc::new(Closure { def, env: env.clone() }))),
            Expr::Call(d) => self.eval_call(&d.func, &d.args, d.pos, env),
            Expr::Let { bindings, body } => self.eval_let(bindings, body, env),
            Expr::With { namespace, body, .. } => self.eval_with(namespace, body, env),
            Expr::Assert(d) => self.eval_assert(&d.cond, &d.body, &d.text, d.pos, env),
            Expr::Not { expr, pos } => self.eval_not(expr, *pos, env),
            Expr::Bin { op, lhs, rhs, pos } => self.eval_bin(*op, lhs, rhs, *pos, env),
            Expr::Concat { parts, force_string, pos } => self.eval_concat(parts, *force_string, *pos, env),
            Expr::CurPos(pos) => Ok(self.pos_attrs(*pos)),
        }
    }

    /// `eval`, with constants and variables whose value is already known handled in place
    /// (no recursive call): for the operands of operators, calls and selections.
    #[inline(always)]
    fn eval_operand(&mut self, expr: &'static Expr, env: &Env) -> EvalResult {
        match expr {
            Expr::Const(v) => Ok(v.clone()),
            Expr::Var { depth, slot, .. } => match lookup(env, *depth, *slot).peek() {
                Some(v) => Ok(v.clone()),
                None => self.eval(expr, env),
            },
            _ => self.eval(expr, env),
        }
    }

    #[inline(never)]
    fn eval_list(&mut self, items: &'static [Expr], env: &Env) -> EvalResult {
        let mut v = Vec::with_capacity(items.len());
        for item in items.iter() {
            v.push(self.thunk_of(item, env));
        }
        Ok(Value::list(v))
    }

    /// `f a b c`. When `f` is a lambda whose body is another lambda (`x: y: ...`) and more
    /// arguments follow, the inner closure is never built: the inner lambda's parameter goes
    /// into the same frame (a curried chain) or a frame chained onto it (see `apply_lambda`).
    /// That is unobservable: evaluating a lambda expression cannot fail.
    #[inline(never)]
    fn eval_call(&mut self, func: &'static Expr, args: &'static [Expr], pos: Pos, env: &Env) -> EvalResult {
        let (mut f, mut i) = match func {
            // The common case, a variable holding a known function: the closure is used where
            // it is, without taking a reference count. The slot's thunk is done, and a done
            // thunk keeps its value while reachable (here through `env`).
            Expr::Var { depth, slot, .. } => match lookup(env, *depth, *slot).peek() {
                Some(Value::Lambda(c)) => self.apply_lambda(c, args, 0, pos, env)?,
                _ => (self.eval(func, env)?, 0),
            },
            _ => (self.eval_operand(func, env)?, 0),
        };
        while i < args.len() {
            let Value::Lambda(c) = &f else {
                // A builtin given all its arguments at once is called directly, without the
                // partial applications in between.
                if let Value::PrimOp(op) = f {
                    if op.arity <= 4 && args.len() - i >= op.arity {
                        f = self.call_builtin_exprs(op, &args[i..i + op.arity], pos, env)?;
                        i += op.arity;
                        continue;
                    }
                }
                let a = self.thunk_of(&args[i], env);
                f = self.call_value(f, a, pos)?;
                i += 1;
                continue;
            };
            (f, i) = self.apply_lambda(c, args, i, pos, env)?;
        }
        Ok(f)
    }

    /// Calls the closure `c` with `args[i]` and, when its body is a lambda, the following
    /// arguments too (`f a b` on `x: y: ...` builds no closure in between). Returns the result
    /// and the index of the first argument left.
    #[inline(always)]
    fn apply_lambda(&mut self, c: &Closure, args: &'static [Expr], i: usize, pos: Pos, env: &Env) -> EvalResult<(Value, usize)> {
        let n = c.def.chain_len as usize;
        let (mut frame, mut def, mut i) = if n > 1 && c.def.chain_slot == 0 && args.len() - i >= n {
            // A whole curried chain applied at once: its frame is built with every argument,
            // those the body forces first evaluated now (see `EagerSlots`).
            let eager = c.def.eager;
            if !eager.is_empty() {
                // The innermost body is then not a lambda: it runs now.
                self.enter_call(pos)?;
                let (frame, def) = self.full_chain(c.def, &c.env, |ev, d, k| {
                    if eager.has(k) {
                        Thunk::Ready(Value::Null)
                    } else {
                        ev.arg_thunk(d, &args[i + k], env)
                    }
                });
                self.eager_args(&frame, eager, &args[i..], env);
                return Ok((self.run_entered(def, frame, pos)?, i + n));
            }
            let (frame, def) = self.full_chain(c.def, &c.env, |ev, d, k| ev.arg_thunk(d, &args[i + k], env));
            (frame, def, i + n)
        } else if n == 1 && !c.def.eager.is_empty() {
            // `x: body` whose body forces `x` first (and is not a lambda: it runs now).
            self.enter_call(pos)?;
            let a = self.eager_arg(&args[i], env).unwrap_or_else(raising);
            let frame = Env::new1(a, &c.env);
            return Ok((self.run_entered(c.def, frame, pos)?, i + 1));
        } else {
            let a = self.arg_thunk(c.def, &args[i], env);
            if i + 1 == args.len() || !matches!(c.def.body, Expr::Lambda(_)) {
                let frame = self.bind_param(c.def, &c.env, a, pos)?;
                return Ok((self.run_body(c.def, frame, pos)?, i + 1));
            }
            (self.bind_param(c.def, &c.env, a, pos)?, c.def, i + 1)
        };
        // `x: y: ...` given more arguments: bind them all, then run the innermost body reached.
        while i < args.len() {
            let Expr::Lambda(inner) = &def.body else { break };
            let a = self.arg_thunk(inner, &args[i], env);
            i += 1;
            frame = self.bind_next(frame, inner, a, pos)?;
            def = inner;
        }
        Ok((self.run_body(def, frame, pos)?, i))
    }

    /// The frame of the curried chain starting at `outer` (a lambda with `chain_slot` 0 and
    /// `chain_len` > 1) applied to all its arguments, `arg(self, lambda, k)` giving the k-th;
    /// and the innermost lambda of the chain, whose body runs in that frame.
    #[inline(always)]
    fn full_chain(
        &mut self,
        outer: &'static LambdaDef,
        parent: &Env,
        mut arg: impl FnMut(&mut Self, &'static LambdaDef, usize) -> Thunk,
    ) -> (Env, &'static LambdaDef) {
        let mut def = outer;
        let frame = Env::filled(outer.chain_len as usize, parent, |k| {
            if k > 0 {
                let Expr::Lambda(inner) = &def.body else { unreachable!("a chain's lambdas are nested") };
                def = inner;
            }
            arg(self, def, k)
        });
        (frame, def)
    }

    /// Fills the slots `eager` of `frame` (a chain frame just built, with `null` there) with
    /// their arguments (`args[slot]`) evaluated now, in that order; the first that fails
    /// becomes a thunk raising its error (the body forces it first, and adds its own trace
    /// frames), and those after it get ordinary thunks. Called once the call is counted
    /// (`enter_call`), so that they are evaluated at the depth where the body would have forced
    /// them and `max-call-depth` is reached exactly when it would be.
    #[inline]
    fn eager_args(&mut self, frame: &Env, eager: EagerSlots, args: &'static [Expr], env: &Env) {
        let mut slots = eager.as_slice().iter();
        for &s in slots.by_ref() {
            let t = self.eager_arg(&args[s as usize], env);
            let failed = t.is_err();
            // SAFETY: `frame` is still being built: only this call holds it (no thunk refers to
            // it, so evaluating the arguments, in the caller's scope, cannot read it), and slot
            // `s` holds its `null` placeholder.
            unsafe { frame.init_slot(s as usize, t.unwrap_or_else(raising)) };
            if failed {
                break;
            }
        }
        for &s in slots {
            let t = self.thunk_of(&args[s as usize], env);
            // SAFETY: as above.
            unsafe { frame.init_slot(s as usize, t) };
        }
    }

    /// An argument evaluated before the call (see `EagerSlots`), as the thunk the parameter
    /// gets: a variable passes its own thunk, forced, as the call would have.
    #[inline(always)]
    fn eager_arg(&mut self, a: &'static Expr, env: &Env) -> EvalResult<Thunk> {
        match a {
            Expr::Const(v) => Ok(Thunk::Ready(v.clone())),
            Expr::Var { depth, slot, .. } => {
                let t = lookup(env, *depth, *slot);
                match t {
                    Thunk::Lazy(cell) if !cell.state.borrow().is_done() => self.force_cell(cell).map(|_| t.clone()),
                    _ => Ok(t.clone()),
                }
            }
            Expr::Bin { .. } => match eager_scalar(a, env, 4) {
                Some(v) => Ok(Thunk::Ready(v)),
                None => self.eval(a, env).map(eager_thunk),
            },
            _ => self.eval(a, env).map(eager_thunk),
        }
    }

    /// The thunk of an argument to the lambda `def`: computed eagerly when the parameter is only
    /// ever forced and the argument is a cheap, total numeric expression (see `escape`).
    #[inline]
    fn arg_thunk(&mut self, def: &LambdaDef, arg: &'static Expr, env: &Env) -> Thunk {
        if def.strict_param {
            if let Some(v) = eager_scalar(arg, env, 4) {
                return Thunk::Ready(v);
            }
        }
        self.thunk_of(arg, env)
    }

    #[inline(never)]
    fn eval_let(&mut self, bindings: &'static AttrsDef, body: &'static Expr, env: &Env) -> EvalResult {
        let env2 = self.rec_frame(bindings, env);
        self.eval(body, &env2)
    }

    #[inline(never)]
    fn eval_with(&mut self, namespace: &'static Expr, body: &'static Expr, env: &Env) -> EvalResult {
        let t = self.thunk_of(namespace, env);
        let env2 = Env::new1(t, env);
        self.eval(body, &env2)
    }

    #[inline(never)]
    fn eval_assert(&mut self, cond: &'static Expr, body: &'static Expr, text: &str, pos: Pos, env: &Env) -> EvalResult {
        match self.eval(cond, env)? {
            Value::Bool(true) => self.eval(body, env),
            Value::Bool(false) => Err(self.assertion_failed(cond, text, pos, env)),
            other => Err(not_a_bool(&other, pos, "while evaluating the condition of the assertion")),
        }
    }

    /// The error of a failed assertion. When the condition is `a == b`, current CppNix evaluates
    /// both sides again and reports their first difference, under a frame naming the assertion.
    #[cold]
    #[inline(never)]
    fn assertion_failed(&mut self, cond: &'static Expr, text: &str, pos: Pos, env: &Env) -> EvalError {
        if let Expr::Bin { op: expr::BinOp::Eq, lhs, rhs, pos: eq_pos } = cond {
            let difference = (|| {
                let a = self.eval(lhs, env)?;
                let b = self.eval(rhs, env)?;
                self.assert_eq_values(&a, &b, *eq_pos)
            })();
            if let Err(e) = difference {
                let e = if e.kind() == ErrorKind::Assert {
                    e.frame_always(pos, format!("while evaluating the condition of the assertion '{}'", text))
                } else {
                    e
                };
                return e;
            }
        }
        EvalError::new(ErrorKind::Assert, format!("assertion '{}' failed", text)).at(pos)
    }

    #[inline(never)]
    fn eval_not(&mut self, expr: &'static Expr, pos: Pos, env: &Env) -> EvalResult {
        match self.eval(expr, env)? {
            Value::Bool(b) => Ok(Value::Bool(!b)),
            other => Err(EvalError::type_error(format!(
                "expected a Boolean but found {}: {}",
                other.type_phrase(),
                crate::print::short(&other)
            ))
            .at(pos)),
        }
    }

    /// `{ file, line, column }` for a position (`__curPos`, `unsafeGetAttrPos`).
    pub fn pos_attrs(&mut self, pos: Pos) -> Value {
        // As in current CppNix, only positions in files have a value: code given as a string
        // (`-E`) or on standard input has none.
        if let Some(loc) = self.sources.location(pos) {
            use crate::syntax::source::Origin;
            if matches!(self.sources.file(loc.file).origin, Origin::String | Origin::Stdin) {
                return Value::Null;
            }
        }
        match self.sources.describe(pos) {
            Some((file, line, col)) => {
                let entries = vec![
                    AttrEntry { name: sym::file, pos: Pos::NONE, value: Value::str(&file).into() },
                    AttrEntry { name: sym::line, pos: Pos::NONE, value: Value::Int(line as i64).into() },
                    AttrEntry { name: sym::column, pos: Pos::NONE, value: Value::Int(col as i64).into() },
                ];
                Value::attrs(Attrs::from_unsorted(entries))
            }
            None => Value::Null,
        }
    }

    #[inline(never)]
    fn eval_with_var(&mut self, name: Symbol, withs: &[u32], pos: Pos, env: &Env) -> EvalResult {
        for &depth in withs {
            let t = lookup(env, depth, 0);
            // Already evaluated namespaces (the usual case) are looked into without a clone.
            if let Some(Value::Attrs(a)) = t.peek() {
                if let Some(found) = a.get(name) {
                    let found = found.clone();
                    return self.force(&found);
                }
                continue;
            }
            let ns = self.force(t).map_err(|e| e.at(pos))?;
            match ns {
                Value::Attrs(a) => {
                    if let Some(t) = a.get(name) {
                        let t = t.clone();
                        return self.force(&t);
                    }
                }
                Value::Opaque(o) => return self.force(&opaque::select(&o, name)),
                other => {
                    return Err(EvalError::type_error(format!(
                        "expected a set but found {}: {}",
                        other.type_phrase(),
                        crate::print::short(&other)
                    ))
                    .at(pos))
                }
            }
        }
        for &depth in withs {
            let t = lookup(env, depth, 0).clone();
            if let Value::Attrs(a) = self.force(&t).map_err(|e| e.at(pos))? {
                if let Some(v) = self.missing_attr_fallback(&a, name, pos)? {
                    return Ok(v);
                }
            }
        }
        Err(EvalError::new(ErrorKind::UndefinedVariable, format!("undefined variable '{}'", name)).at(pos))
    }

    /// The answer of an attribute set that stands in for a library too large to spell out
    /// (nixeval's stand-in package sets): when it has a function `__nixevalMissingAttr`, an
    /// attribute it lacks is that function applied to the name, where the reference would
    /// fail with `attribute missing` or `undefined variable`. `or` and `?` never consult it.
    fn missing_attr_fallback(&mut self, a: &Attrs, name: Symbol, pos: Pos) -> EvalResult<Option<Value>> {
        match a.get(sym::nixevalMissingAttr).cloned() {
            Some(f) => {
                let f = self.force(&f)?;
                let arg = Thunk::from(Value::str(name.as_str()));
                self.call_value(f, arg, pos).map(Some)
            }
            None => Ok(None),
        }
    }

    /// The symbol of one attribute-path element.
    fn attr_name(&mut self, name: &'static AttrName, env: &Env) -> EvalResult<Option<Symbol>> {
        match name {
            AttrName::Static(s) => Ok(Some(*s)),
            AttrName::Dynamic(e) => {
                // A variable already holding a string without context (`s.${name}`): its symbol
                // without cloning the value.
                if let Expr::Var { depth, slot, .. } = e {
                    if let Some(Value::String(s)) = lookup(env, *depth, *slot).peek() {
                        if !s.has_context() {
                            return Ok(Some(s.to_symbol()));
                        }
                    }
                }
                let v = self.eval(e, env)?;
                match v {
                    Value::String(s) => {
                        // Attribute names may not refer to store paths (CppNix's forceStringNoCtx).
                        crate::builtins::context::check_no_context(&s)?;
                        Ok(Some(s.to_symbol()))
                    }
                    Value::Null => Ok(None),
                    other => Err(EvalError::type_error(format!(
                        "expected a string but found {}: {}",
                        other.type_phrase(),
                        crate::print::short(&other)
                    ))),
                }
            }
        }
    }

    #[inline(never)]
    fn eval_select(
        &mut self,
        target: &'static Expr,
        path: &'static [AttrName],
        default: Option<&'static Expr>,
        pos: Pos,
        env: &Env,
    ) -> EvalResult {
        let mut v = self.eval_operand(target, env)?;
        for (i, name) in path.iter().enumerate() {
            let sym = match name {
                AttrName::Static(s) => Some(*s),
                AttrName::Dynamic(_) => self.attr_name(name, env).map_err(|e| e.at(pos))?,
            };
            // The common case: a name present in a set (forced in place, no clones).
            if let (Some(s), Value::Attrs(a)) = (sym, &v) {
                if let Some(t) = a.get(s) {
                    let x = match self.force(t) {
                        Ok(x) => x,
                        Err(e) => {
                            let e = e.at(pos);
                            return Err(e.frame(pos, format!("while evaluating the attribute '{}'", show_path(path, i, Some(s)))));
                        }
                    };
                    v = x;
                    continue;
                }
            }
            let found = match (&v, sym) {
                (Value::Opaque(o), Some(s)) => Some(opaque::select(o, s)),
                _ => None,
            };
            match found {
                Some(t) => {
                    v = match self.force(&t) {
                        Ok(x) => x,
                        Err(e) => {
                            let e = e.at(pos);
                            return Err(e.frame(pos, format!("while evaluating the attribute '{}'", show_path(path, i, sym))));
                        }
                    };
                }
                None => {
                    if let Some(d) = default {
                        return self.eval(d, env);
                    }
                    if let (Value::Attrs(a), Some(s)) = (&v, sym) {
                        let a = a.clone();
                        if let Some(x) = self.missing_attr_fallback(&a, s, pos)? {
                            v = x;
                            continue;
                        }
                    }
                    return Err(match (&v, sym) {
                        (Value::Attrs(a), Some(s)) => {
                            let mut err = EvalError::new(
                                ErrorKind::MissingAttr,
                                format!("attribute '{}' missing", crate::print::attr_name_str(s.as_str())),
                            )
                            .at(pos);
                            if let Some(sugg) = crate::error::did_you_mean(s.as_str(), a.iter().map(|e| e.name.as_str())) {
                                err = err.with_hint(format!("did you mean '{sugg}'?"));
                            }
                            err
                        }
                        (Value::Attrs(_), None) => EvalError::type_error("expected a string but found null: null").at(pos),
                        (other, _) => EvalError::type_error(format!(
                            "expected a set but found {}: {}",
                            other.type_phrase(),
                            crate::print::short(other)
                        ))
                        .at(pos)
                        .frame(pos, format!("while selecting an attribute")),
                    });
                }
            }
        }
        Ok(v)
    }

    #[inline(never)]
    fn eval_has_attr(&mut self, target: &'static Expr, path: &'static [AttrName], env: &Env) -> EvalResult {
        let mut v = self.eval_operand(target, env)?;
        let last = path.len() - 1;
        for (i, name) in path.iter().enumerate() {
            let sym = self.attr_name(name, env)?;
            let found = match (&v, sym) {
                (Value::Attrs(a), Some(s)) => a.get(s).cloned(),
                (Value::Opaque(o), Some(s)) => Some(opaque::select(o, s)),
                _ => None,
            };
            match found {
                // The value of the last attribute is not evaluated.
                Some(_) if i == last => return Ok(Value::Bool(true)),
                Some(t) => v = self.force(&t)?,
                None => return Ok(Value::Bool(false)),
            }
        }
        Ok(Value::Bool(true))
    }

    /// Builds the frame of a `rec` set or `let`: one slot per static attribute, then the
    /// inherit sources. Building it evaluates nothing.
    #[inline(never)]
    fn rec_frame(&mut self, def: &'static AttrsDef, env: &Env) -> Env {
        let n = def.statics.len();
        let frame = Env::blank(n + def.sources.len(), env);
        let mut cyclic = false;
        // An attribute that is just an earlier attribute of the same frame shares its thunk, as
        // in CppNix (so `rec { a = 1; b = a; }` shows `b = 1` unforced); later ones are not
        // initialised yet and get a thunk of their own.
        for (i, attr) in def.statics.iter().enumerate() {
            let t = match &attr.value {
                AttrValue::Inherit(e) => self.thunk_of(e, env),
                AttrValue::Expr(e) => match e {
                    Expr::Const(v) if !def.has_overrides => Thunk::Ready(v.clone()),
                    Expr::Var { depth, slot, .. } if *depth > 0 && !def.has_overrides => {
                        lookup(env, depth - 1, *slot).clone()
                    }
                    Expr::Var { depth: 0, slot, .. } if !def.has_overrides && (*slot as usize) < i => {
                        frame.get(*slot as usize).clone()
                    }
                    _ => {
                        cyclic = true;
                        Thunk::new_suspended(e, frame.clone())
                    }
                },
            };
            // SAFETY: the frame is being built: nothing has been evaluated since it was created
            // (`thunk_of` and `lookup` only read other frames) and no slot reference is alive.
            unsafe { frame.init_slot(i, t) };
        }
        for (i, src) in def.sources.iter().enumerate() {
            cyclic = true;
            // SAFETY: as above.
            unsafe { frame.init_slot(n + i, Thunk::new_suspended(src, frame.clone())) };
        }
        if cyclic && self.cycles.register(&frame) {
            self.cycles.collect();
        }
        frame
    }

    #[inline(never)]
    fn eval_attrs(&mut self, def: &'static AttrsDef, env: &Env) -> EvalResult {
        // The static entries are written straight into the set in symbol order (`def.order`);
        // building thunks evaluates nothing, so their order is not observable.
        let (n, extra) = (def.statics.len(), def.dynamics.len());
        let (mut attrs, scope) = if def.rec {
            let frame = self.rec_frame(def, env);
            let slots = frame.slots();
            let attrs = Attrs::build_sorted(n, extra, |k| {
                let i = def.order[k] as usize;
                let attr = &def.statics[i];
                AttrEntry { name: attr.name, pos: attr.pos, value: slots[i].clone() }
            });
            (attrs, frame)
        } else {
            let scope = if def.opens_frame {
                let frame = Env::blank(def.sources.len(), env);
                for (i, src) in def.sources.iter().enumerate() {
                    let t = self.thunk_of(src, env);
                    // SAFETY: the frame is being built; `thunk_of` evaluates nothing.
                    unsafe { frame.init_slot(i, t) };
                }
                frame
            } else {
                env.clone()
            };
            let attrs = Attrs::build_sorted(n, extra, |k| {
                let attr = &def.statics[def.order[k] as usize];
                let value = match &attr.value {
                    AttrValue::Inherit(e) => self.thunk_of(e, env),
                    AttrValue::Expr(e) => self.thunk_of(e, &scope),
                };
                AttrEntry { name: attr.name, pos: attr.pos, value }
            });
            (attrs, scope)
        };
        if !def.dynamics.is_empty() {
            self.add_dynamic_attrs(def, &scope, &mut attrs)?;
        }
        if def.has_overrides {
            if let Some(overrides) = attrs.get(Symbol::new("__overrides")).cloned() {
                return self.apply_overrides(def, &scope, attrs, overrides);
            }
        }
        Ok(Value::attrs(attrs))
    }

    /// Adds the dynamic attributes (`"${n}" = v;`) of a set literal, in order.
    #[inline(never)]
    fn add_dynamic_attrs(&mut self, def: &'static AttrsDef, scope: &Env, attrs: &mut Attrs) -> EvalResult<()> {
        for dynamic in def.dynamics.iter() {
            let name = self.eval(&dynamic.name, scope).map_err(|e| e.at(dynamic.pos))?;
            let name = match name {
                Value::Null => continue,
                Value::String(s) => {
                    crate::builtins::context::check_no_context(&s).map_err(|e| e.at(dynamic.pos))?;
                    s.to_symbol()
                }
                other => {
                    return Err(EvalError::type_error(format!(
                        "expected a string but found {}: {}",
                        other.type_phrase(),
                        crate::print::short(&other)
                    ))
                    .at(dynamic.pos)
                    .frame(dynamic.pos, "while evaluating the name of a dynamic attribute"))
                }
            };
            if let Some(prev) = attrs.get_entry(name) {
                let where_ = match self.sources.describe(prev.pos) {
                    Some((f, l, c)) => format!("{f}:{l}:{c}"),
                    None => "an unknown position".into(),
                };
                return Err(EvalError::eval(format!(
                    "dynamic attribute '{}' already defined at {}",
                    crate::print::attr_name_str(name.as_str()),
                    where_
                ))
                .at(dynamic.pos));
            }
            let value = self.thunk_of(&dynamic.value, scope);
            attrs.insert(AttrEntry { name, pos: dynamic.pos, value });
        }
        Ok(())
    }

    /// The legacy `__overrides` attribute of recursive sets.
    fn apply_overrides(&mut self, def: &'static AttrsDef, scope: &Env, mut attrs: Attrs, overrides: Thunk) -> EvalResult {
        let ov = self.force(&overrides)?;
        let Value::Attrs(ov) = ov else {
            return Err(EvalError::type_error(format!("expected a set but found {}", ov.type_phrase())));
        };
        for entry in ov.iter() {
            if let Some(idx) = def.statics.iter().position(|a| a.name == entry.name) {
                if let Thunk::Lazy(cell) = scope.get(idx) {
                    let target = entry.value.clone();
                    *cell.state.borrow_mut() = ThunkState::Native(Rc::new(move |ev: &mut Evaluator| ev.force(&target)));
                }
            }
            attrs.insert(entry.clone());
        }
        Ok(Value::attrs(attrs))
    }

    // ----- function calls --------------------------------------------------------------------

    /// Applies a function value to one argument.
    pub fn call_value(&mut self, f: Value, arg: Thunk, pos: Pos) -> EvalResult {
        match f {
            Value::Lambda(closure) => self.call_lambda(&closure, arg, pos),
            Value::PrimOp(op) => {
                if op.arity == 1 {
                    self.call_builtin(op, &[arg], pos)
                } else {
                    Ok(Value::PrimOpApp(Rc::new(PrimOpApp { op, args: vec![arg] })))
                }
            }
            Value::PrimOpApp(app) => {
                let mut args = Vec::with_capacity(app.args.len() + 1);
                args.extend(app.args.iter().cloned());
                args.push(arg);
                if args.len() == app.op.arity {
                    self.call_builtin(app.op, &args, pos)
                } else {
                    Ok(Value::PrimOpApp(Rc::new(PrimOpApp { op: app.op, args })))
                }
            }
            Value::Opaque(o) => Ok(opaque::call(&o)),
            Value::Attrs(ref a) => {
                if let Some(functor) = a.get(sym::functor).cloned() {
                    let functor = self.force(&functor).map_err(|e| e.at(pos))?;
                    self.call_value2(&functor, Thunk::Ready(f.clone()), arg, pos)
                } else {
                    Err(not_a_function(&f).at(pos))
                }
            }
            other => Err(not_a_function(&other).at(pos)),
        }
    }

    /// `f a b`, as `call_value` twice; a curried lambda `x: y: ...` is called without building
    /// the closure in between (as `eval_call` does).
    pub fn call_value2(&mut self, f: &Value, a: Thunk, b: Thunk, pos: Pos) -> EvalResult {
        if let Value::Lambda(c) = f {
            if c.def.chain_len == 2 && c.def.chain_slot == 0 {
                let Expr::Lambda(inner) = &c.def.body else { unreachable!("a chain's lambdas are nested") };
                return self.run_body(inner, Env::pair(a, b, &c.env), pos);
            }
            if let Expr::Lambda(inner) = &c.def.body {
                let env = self.bind_param(c.def, &c.env, a, pos)?;
                let env = self.bind_next(env, inner, b, pos)?;
                return self.run_body(inner, env, pos);
            }
        }
        let g = self.call_value(f.clone(), a, pos)?;
        self.call_value(g, b, pos)
    }

    /// Applies a function to several arguments.
    pub fn call_many(&mut self, f: Value, args: &[Thunk], pos: Pos) -> EvalResult {
        let mut f = f;
        for a in args {
            f = self.call_value(f, a.clone(), pos)?;
        }
        Ok(f)
    }

    fn call_builtin(&mut self, op: &'static crate::builtins::Builtin, args: &[Thunk], pos: Pos) -> EvalResult {
        self.check_stack()?;
        (op.func)(self, args).map_err(|e| e.at(pos).frame(pos, format!("while calling the '{}' builtin", op.name)))
    }

    /// `op` applied to all its arguments, given as expressions: their thunks are made in order
    /// on the stack. An argument that is cheap, total arithmetic over known numbers is computed
    /// now instead of becoming a thunk (unobservable: it cannot fail, and a builtin that keeps
    /// it keeps an equal number).
    #[inline]
    fn call_builtin_exprs(&mut self, op: &'static crate::builtins::Builtin, args: &'static [Expr], pos: Pos, env: &Env) -> EvalResult {
        match args {
            [a] => {
                let t = [self.builtin_arg(a, env)];
                self.call_builtin(op, &t, pos)
            }
            [a, b] => {
                let t = [self.builtin_arg(a, env), self.builtin_arg(b, env)];
                self.call_builtin(op, &t, pos)
            }
            [a, b, c] => {
                let t = [self.builtin_arg(a, env), self.builtin_arg(b, env), self.builtin_arg(c, env)];
                self.call_builtin(op, &t, pos)
            }
            _ => {
                let t: Vec<Thunk> = args.iter().map(|a| self.builtin_arg(a, env)).collect();
                self.call_builtin(op, &t, pos)
            }
        }
    }

    /// The thunk of an argument of a builtin (see `call_builtin_exprs`).
    #[inline(always)]
    fn builtin_arg(&mut self, a: &'static Expr, env: &Env) -> Thunk {
        if let Expr::Bin { .. } = a {
            if let Some(v) = eager_scalar(a, env, 4) {
                return Thunk::Ready(v);
            }
        }
        self.thunk_of(a, env)
    }

    pub(crate) fn call_lambda(&mut self, closure: &Closure, arg: Thunk, pos: Pos) -> EvalResult {
        self.call_def(closure.def, &closure.env, arg, pos)
    }

    /// The frame of a call of `def` (closing over `parent`) with `arg`.
    #[inline]
    fn bind_param(&mut self, def: &'static LambdaDef, parent: &Env, arg: Thunk, pos: Pos) -> EvalResult<Env> {
        match &def.param {
            Param::Ident(_) if def.chain_len == 1 => Ok(Env::new1(arg, parent)),
            Param::Ident(_) => Ok(chain_frame(def, parent, arg)),
            Param::Formals { .. } => self.bind_formals(def, parent, arg, pos),
        }
    }

    /// The frame of `inner` (the body of the lambda whose frame `frame` was just built by
    /// `bind_param` or `bind_next`) called with `arg`: the same frame when both are in one chain.
    #[inline]
    fn bind_next(&mut self, frame: Env, inner: &'static LambdaDef, arg: Thunk, pos: Pos) -> EvalResult<Env> {
        if inner.chain_slot > 0 {
            debug_assert_eq!(frame.strong_count(), 1);
            // SAFETY: `frame` was built just now for the enclosing lambda of the chain and
            // nothing has been evaluated since (building argument thunks evaluates nothing).
            unsafe { frame.init_slot(inner.chain_slot as usize, arg) };
            Ok(frame)
        } else {
            self.bind_param(inner, &frame, arg, pos)
        }
    }

    /// Calls the lambda `def`, closing over `parent`, with `arg`.
    fn call_def(&mut self, def: &'static LambdaDef, parent: &Env, arg: Thunk, pos: Pos) -> EvalResult {
        let env = self.bind_param(def, parent, arg, pos)?;
        self.run_body(def, env, pos)
    }

    /// Runs the body of `def` in its bound frame `env`.
    #[inline(always)]
    fn run_body(&mut self, def: &'static LambdaDef, env: Env, pos: Pos) -> EvalResult {
        self.enter_call(pos)?;
        self.run_entered(def, env, pos)
    }

    /// One call level deeper (as CppNix: the depth is checked before it is incremented); the
    /// level is left by `run_entered`.
    #[inline(always)]
    fn enter_call(&mut self, pos: Pos) -> EvalResult<()> {
        if self.call_depth > self.options.max_call_depth {
            return Err(stack_overflow().at(pos));
        }
        self.call_depth += 1;
        Ok(())
    }

    /// `run_body` once `enter_call` has counted the call.
    #[inline(always)]
    fn run_entered(&mut self, def: &'static LambdaDef, env: Env, pos: Pos) -> EvalResult {
        if let Err(e) = self.check_stack() {
            self.call_depth -= 1;
            return Err(e.at(pos));
        }
        let result = self.eval(&def.body, &env);
        self.call_depth -= 1;
        match result {
            Ok(v) => Ok(v),
            Err(e) => Err(self.call_frame(e, def, pos)),
        }
    }

    #[cold]
    #[inline(never)]
    fn call_frame(&self, e: EvalError, def: &LambdaDef, pos: Pos) -> EvalError {
        e.at(pos).frame(pos, format!("while calling {}", self.lambda_name(def)))
    }

    /// Binds the formals of `{ a, b ? d, ... } @ x:` to an argument set: one slot per formal,
    /// then the `@` name.
    #[inline(never)]
    fn bind_formals(&mut self, def: &'static LambdaDef, parent: &Env, arg: Thunk, pos: Pos) -> EvalResult<Env> {
        let Param::Formals { formals, ellipsis, at } = &def.param else { unreachable!("called for formals") };
        let argv = self.force(&arg).map_err(|e| e.at(pos))?;
        let Value::Attrs(args) = &argv else {
            if let Value::Opaque(o) = &argv {
                return self.bind_formals(def, parent, Thunk::Ready(opaque::formals_arg(o, formals)), pos);
            }
            return Err(EvalError::type_error(format!(
                "expected a set but found {}: {}",
                argv.type_phrase(),
                crate::print::short(&argv)
            ))
            .at(pos)
            .frame(def.pos, format!("while calling {}", self.lambda_name(def))));
        };
        let frame = Env::blank(formals.len() + at.is_some() as usize, parent);
        // Formals whose default is needed: their thunks refer to the frame, so they are made
        // once the argument has been checked (an error must not leave a cycle behind).
        let mut defaults: u64 = 0;
        let mut more_defaults: Vec<usize> = Vec::new();
        let mut used = 0usize;
        for (i, formal) in formals.iter().enumerate() {
            let t = match args.get(formal.name) {
                Some(t) => {
                    used += 1;
                    t.clone()
                }
                None => match &formal.default {
                    Some(Expr::Const(v)) => Thunk::Ready(v.clone()),
                    Some(_) => {
                        if i < 64 {
                            defaults |= 1 << i;
                        } else {
                            more_defaults.push(i);
                        }
                        continue;
                    }
                    None => {
                        let err = EvalError::type_error(format!(
                            "function '{}' called without required argument '{}'",
                            self.lambda_short_name(def),
                            formal.name
                        ))
                        .at(def.pos);
                        return Err(from_call_site(err, pos));
                    }
                },
            };
            // SAFETY: the frame is being built; nothing is evaluated while it is filled.
            unsafe { frame.init_slot(i, t) };
        }
        if !*ellipsis && used < args.len() {
            for entry in args.iter() {
                if !formals.iter().any(|f| f.name == entry.name) {
                    let mut err = EvalError::type_error(format!(
                        "function '{}' called with unexpected argument '{}'",
                        self.lambda_short_name(def),
                        crate::print::attr_name_str(entry.name.as_str())
                    ))
                    .at(def.pos);
                    if let Some(s) = crate::error::did_you_mean(
                        entry.name.as_str(),
                        formals.iter().map(|f| f.name.as_str()),
                    ) {
                        err = err.with_hint(format!("did you mean '{s}'?"));
                    }
                    return Err(from_call_site(err, pos));
                }
            }
        }
        if at.is_some() {
            // SAFETY: as above.
            unsafe { frame.init_slot(formals.len(), Thunk::Ready(argv.clone())) };
        }
        let cyclic = defaults != 0 || !more_defaults.is_empty();
        if cyclic {
            let bits = std::iter::from_fn(move || {
                let i = defaults.trailing_zeros() as usize;
                defaults &= defaults.wrapping_sub(1);
                (i < 64).then_some(i)
            });
            for i in bits.chain(more_defaults) {
                let Some(d) = &formals[i].default else { unreachable!("only formals with defaults are pending") };
                // SAFETY: as above: the frame's thunks have not been evaluated yet.
                unsafe { frame.init_slot(i, Thunk::new_suspended(d, frame.clone())) };
            }
            if self.cycles.register(&frame) {
                self.cycles.collect();
            }
        }
        Ok(frame)
    }

    fn lambda_short_name(&self, def: &LambdaDef) -> String {
        match def.name {
            Some(n) => n.as_str().to_string(),
            None => "anonymous lambda".to_string(),
        }
    }

    fn lambda_name(&self, def: &LambdaDef) -> String {
        match def.name {
            Some(n) => format!("the function '{}'", n),
            None => "anonymous lambda".to_string(),
        }
    }

    // ----- imports ---------------------------------------------------------------------------

    /// `import path`: evaluates a file once per path (directories mean `default.nix`).
    pub fn import_path(&mut self, path: &str) -> EvalResult {
        let resolved = if crate::builtins::corepkgs::by_path(path).is_some() {
            path.to_string()
        } else {
            self.io.resolve_import(path).map_err(|e| EvalError::new(ErrorKind::Io, e))?
        };
        if let Some(v) = self.import_cache.get(&resolved) {
            return Ok(v.clone());
        }
        let expr = self.compile_file(&resolved, None)?;
        let env = self.root_env.clone();
        let v = self.eval(expr, &env)?;
        self.import_cache.insert(resolved, v.clone());
        Ok(v)
    }

    /// Reads, parses and lowers a file.
    pub fn compile_file(&mut self, resolved: &str, scope: Option<&[Symbol]>) -> EvalResult<&'static Expr> {
        if let Some(text) = crate::builtins::corepkgs::by_path(resolved) {
            let name = resolved.rsplit('/').next().unwrap_or(resolved);
            let name: &'static str = Box::leak(format!("nix/{name}").into_boxed_str());
            return self.compile_with_scope(Origin::Builtin(name), text.into(), "/".into(), scope);
        }
        let bytes = self.io.read_file(resolved).map_err(|e| EvalError::new(ErrorKind::Io, e))?;
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                return Err(EvalError::new(
                    ErrorKind::Parse,
                    format!("file '{}' is not valid UTF-8 (invalid byte at offset {})", resolved, e.utf8_error().valid_up_to()),
                ))
            }
        };
        let base = match resolved.rfind('/') {
            Some(0) => "/".to_string(),
            Some(i) => resolved[..i].to_string(),
            None => ".".to_string(),
        };
        self.compile_with_scope(Origin::File(resolved.into()), text.into(), base, scope)
    }

    /// `scopedImport attrs path`: evaluates a file with extra variables in scope (not cached).
    pub fn scoped_import(&mut self, scope: &Attrs, path: &str) -> EvalResult {
        let resolved = self.io.resolve_import(path).map_err(|e| EvalError::new(ErrorKind::Io, e))?;
        let names: Vec<Symbol> = scope.iter().map(|e| e.name).collect();
        let expr = self.compile_file(&resolved, Some(&names))?;
        let slots: Vec<Thunk> = scope.iter().map(|e| e.value.clone()).collect();
        let env = Env::new(slots, &self.root_env);
        self.eval(expr, &env)
    }
}

/// The value of a cheap, total expression over numbers that are already known: a number, a
/// variable whose value is a number already computed, or arithmetic and comparisons of those
/// that succeed. Nothing is forced and nothing can fail or be observed, so the caller may use the
/// result in place of a thunk of `expr` where the thunk itself cannot be seen (a parameter that
/// is only forced, see `escape`). `None` when the expression is anything else or fails (the
/// thunk then reports the error when, and if, it is forced).
#[inline(always)]
fn eager_scalar(expr: &'static Expr, env: &Env, budget: u32) -> Option<Value> {
    // The commonest shape, `n - 1` on a known integer, without a call.
    if let Expr::Bin { op: op @ (expr::BinOp::Add | expr::BinOp::Sub), lhs, rhs, .. } = expr {
        if let (Some(a), Some(b)) = (known_int(lhs, env), known_int(rhs, env)) {
            let n = if *op == expr::BinOp::Add { a.checked_add(b) } else { a.checked_sub(b) };
            return n.map(Value::Int);
        }
    }
    Some(match eager_num(expr, env, budget)? {
        Scalar::Int(i) => Value::Int(i),
        Scalar::Float(f) => Value::Float(f),
        Scalar::Bool(b) => Value::Bool(b),
    })
}

/// What `eager_scalar` computes with: plain copies, so nothing is reference-counted or dropped.
#[derive(Clone, Copy)]
enum Scalar {
    Int(i64),
    Float(f64),
    Bool(bool),
}

/// The value of a constant, or of a variable whose value is already known.
#[inline(always)]
fn known_value<'a>(expr: &'a Expr, env: &'a Env) -> Option<&'a Value> {
    match expr {
        Expr::Const(v) => Some(v),
        Expr::Var { depth, slot, .. } => lookup(env, *depth, *slot).peek(),
        _ => None,
    }
}

/// A number that is a constant or a variable whose value is already known.
#[inline(always)]
fn known_leaf(expr: &'static Expr, env: &Env) -> Option<Scalar> {
    match known_value(expr, env)? {
        Value::Int(i) => Some(Scalar::Int(*i)),
        Value::Float(f) => Some(Scalar::Float(*f)),
        _ => None,
    }
}

/// An integer constant, or a variable whose value is a known integer (the `if` fast path,
/// narrower than `known_leaf` and cheaper for it).
#[inline(always)]
pub(super) fn known_int(expr: &'static Expr, env: &Env) -> Option<i64> {
    match known_value(expr, env)? {
        Value::Int(i) => Some(*i),
        _ => None,
    }
}

/// `a op b` for a comparison operator on two integers; `None` for other operators.
#[inline(always)]
fn compare_ints(op: expr::BinOp, a: i64, b: i64) -> Option<bool> {
    use expr::BinOp::*;
    Some(match op {
        Less => a < b,
        LessEq => a <= b,
        Greater => a > b,
        GreaterEq => a >= b,
        Eq => a == b,
        NotEq => a != b,
        _ => return None,
    })
}

/// An operand inside `eager_num`: leaves (constants, variables) in place, operators recursively.
#[inline(always)]
fn eager_operand(expr: &'static Expr, env: &Env, budget: u32) -> Option<Scalar> {
    match expr {
        Expr::Const(_) | Expr::Var { .. } => known_leaf(expr, env),
        _ => eager_num(expr, env, budget),
    }
}

/// `eager_scalar`'s computation (see `eager_operand`).
fn eager_num(expr: &'static Expr, env: &Env, budget: u32) -> Option<Scalar> {
    match expr {
        Expr::Const(_) | Expr::Var { .. } => known_leaf(expr, env),
        Expr::Bin { op, lhs, rhs, .. } if budget > 0 => {
            use expr::BinOp::*;
            let l = eager_operand(lhs, env, budget - 1)?;
            let r = eager_operand(rhs, env, budget - 1)?;
            match (l, r) {
                (Scalar::Int(a), Scalar::Int(b)) => match op {
                    Add => a.checked_add(b).map(Scalar::Int),
                    Sub => a.checked_sub(b).map(Scalar::Int),
                    Mul => a.checked_mul(b).map(Scalar::Int),
                    Div if b != 0 => a.checked_div(b).map(Scalar::Int),
                    _ => compare_ints(*op, a, b).map(Scalar::Bool),
                },
                (Scalar::Bool(_), _) | (_, Scalar::Bool(_)) => None,
                (l, r) => {
                    let f = |s: Scalar| match s {
                        Scalar::Int(i) => i as f64,
                        Scalar::Float(f) => f,
                        Scalar::Bool(_) => unreachable!("excluded above"),
                    };
                    let (x, y) = (f(l), f(r));
                    match op {
                        Add => Some(Scalar::Float(x + y)),
                        Sub => Some(Scalar::Float(x - y)),
                        Mul => Some(Scalar::Float(x * y)),
                        Div if y != 0.0 => Some(Scalar::Float(x / y)),
                        _ => None,
                    }
                }
            }
        }
        _ => None,
    }
}

/// The frame of the chain lambda `def` (see [`LambdaDef::chain_slot`]) called with `arg`:
/// `outer` is the closure's environment, which for an inner lambda of the chain is the partly
/// filled frame whose first slots are copied.
#[inline(never)]
fn chain_frame(def: &'static LambdaDef, outer: &Env, arg: Thunk) -> Env {
    let k = def.chain_slot as usize;
    let (parent, filled) = if k == 0 {
        (outer, &[][..])
    } else {
        (outer.parent().expect("a chain frame has a parent"), &outer.slots()[..k])
    };
    Env::chain(def.chain_len as usize, parent, filled, arg)
}

#[inline]
fn lookup(env: &Env, depth: u32, slot: u32) -> &Thunk {
    let mut e = env;
    for _ in 0..depth {
        e = e.parent().expect("scope depth resolved at lowering");
    }
    e.get(slot as usize)
}

fn show_path(path: &[AttrName], upto: usize, last: Option<Symbol>) -> String {
    let mut s = String::new();
    for (i, p) in path.iter().enumerate().take(upto + 1) {
        if i > 0 {
            s.push('.');
        }
        match p {
            AttrName::Static(n) => s.push_str(&crate::print::attr_name_str(n.as_str())),
            AttrName::Dynamic(_) => {
                if i == upto {
                    if let Some(l) = last {
                        s.push_str(&crate::print::attr_name_str(l.as_str()));
                        continue;
                    }
                }
                s.push_str("\"${...}\"")
            }
        }
    }
    s
}

#[cold]
pub fn stack_overflow() -> EvalError {
    EvalError::new(ErrorKind::StackOverflow, "stack overflow; max-call-depth exceeded")
}

#[cold]
#[inline(never)]
fn not_a_bool(v: &Value, pos: Pos, frame: &str) -> EvalError {
    EvalError::type_error(format!("expected a Boolean but found {}: {}", v.type_phrase(), crate::print::short(v)))
        .at(pos)
        .frame(pos, frame.to_string())
}

#[cold]
fn not_a_function(v: &Value) -> EvalError {
    EvalError::type_error(format!(
        "attempt to call something which is not a function but {}: {}",
        v.type_phrase(),
        crate::print::short(v)
    ))
}

/// Runs `f` on a thread with a large native stack (deep Nix recursion needs it) and returns its
/// result. The evaluator created inside should call [`Evaluator::reset_stack_base`] first.
pub fn with_big_stack<T: Send + 'static>(stack_bytes: usize, f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(stack_bytes)
        .spawn(f)
        .expect("spawning the evaluation thread")
        .join()
        .unwrap_or_else(|p| std::panic::resume_unwind(p))
}

/// As current CppNix: an argument set refused by a function's formals is reported at the
/// function, with its call site as a trace line shown even without `--show-trace`.
#[cold]
#[inline(never)]
fn from_call_site(e: EvalError, pos: Pos) -> EvalError {
    if pos.is_none() {
        e
    } else {
        e.frame_always(pos, "from call site")
    }
}

/// A thunk that raises `e` each time it is forced: an argument evaluated before the call (see
/// `EagerSlots`) that failed, handed to the body so that the error surfaces where the body
/// forces it.
#[cold]
fn raising(e: EvalError) -> Thunk {
    Thunk::new_native(move |_| Err(e.clone()))
}

/// An argument's value computed before the call (see `EagerSlots`) as the argument's thunk:
/// in place when nothing can tell it from a thunk holding it, else in a cell of its own
/// (equality and the printer tell functions, lists, sets and NaN apart by their cell).
#[inline]
fn eager_thunk(v: Value) -> Thunk {
    match v {
        Value::Null | Value::Bool(_) | Value::Int(_) | Value::String(_) | Value::Path(_) => Thunk::Ready(v),
        Value::Float(f) if !f.is_nan() => Thunk::Ready(v),
        _ => Thunk::Lazy(Thunk::new_cell(ThunkState::Done(v))),
    }
}
