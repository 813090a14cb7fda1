//! Lowering: syntax tree (`syntax::ast`) → [`Expr`] IR, with scope resolution and the checks the parser
//! leaves to us.
//!
//! What happens here, once per file:
//! - variables are resolved against a stack of static scopes to `(depth, slot)`; names bound
//!   by no scope fall back to the enclosing `with`s (innermost first), and names bound nowhere are
//!   reported as `undefined variable` before evaluation, as CppNix does;
//! - globals (`builtins`, `true`, `map`, `__sub`, ...) are resolved to constants, so they can be
//!   shadowed like any variable but cost nothing when they are not;
//! - attribute paths `a.b.c = 1; a.d = 2;` are merged into nested sets (first definition's `rec`
//!   flag wins, as in CppNix), duplicates are rejected with CppNix's message;
//! - strings are unescaped and indented strings stripped following the reference lexer;
//! - relative paths are made absolute against the file's directory, `~/` against `$HOME`, and
//!   `<name>` is desugared to `__findFile __nixPath "name"`;
//! - operators CppNix defines through builtins (`-x`, `-`, `*`, `/`, `<`, ...) use the builtin
//!   directly unless the user has shadowed it, in which case they call the user's binding.
//!
//! Lowering does no I/O and evaluates nothing.

use super::expr::*;
use super::symbol::Symbol;
use super::value::Value;
use crate::error::{EvalError, ErrorKind};
use crate::syntax::ast::{self, Span};
use crate::syntax::source::{FileId, Pos, SourceMap};
use rustc_hash::FxHashMap;

/// Names visible at the top of every file, with their values.
pub type Globals = FxHashMap<Symbol, Value>;

/// Options that change how code is lowered.
#[derive(Clone, Default)]
pub struct LowerOptions {
    pub pipe_operators: bool,
    pub home: Option<String>,
    /// `lint-short-path-literals`: relative paths not starting with `.`.
    pub lint_short_paths: Lint,
    /// `lint-absolute-path-literals`: `/abs` and `~/home` paths.
    pub lint_absolute_paths: Lint,
    /// `lint-url-literals`: unquoted URLs.
    pub lint_url_literals: Lint,
}

/// How a lint setting reports what it finds (CppNix's `Diagnose`).
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub enum Lint {
    #[default]
    Ignore,
    Warn,
    Fatal,
}

impl Lint {
    pub fn parse(s: &str) -> Option<Lint> {
        match s {
            "ignore" => Some(Lint::Ignore),
            "warn" => Some(Lint::Warn),
            "fatal" => Some(Lint::Fatal),
            _ => None,
        }
    }
}

enum Scope {
    /// A runtime frame: its visible names, the slot of each being its index. Hidden slots
    /// (inherit sources) come after the names.
    Frame(Names),
    With,
}

/// Names numbered in order of insertion, looked up by a linear scan while they are few (most
/// scopes hold a handful) and through a hash map beyond.
#[derive(Default, Clone)]
struct Names {
    list: Vec<Symbol>,
    map: Option<FxHashMap<Symbol, u32>>,
}

/// How many names a [`Names`] scans before it builds a hash map.
const SCAN_LIMIT: usize = 12;

impl Names {
    fn with_capacity(n: usize) -> Names {
        Names { list: Vec::with_capacity(n), map: None }
    }

    /// The index of a name (the last one pushed, should it appear twice).
    #[inline]
    fn get(&self, name: Symbol) -> Option<u32> {
        match &self.map {
            Some(map) => map.get(&name).copied(),
            None => self.list.iter().rposition(|&n| n == name).map(|i| i as u32),
        }
    }

    fn push(&mut self, name: Symbol) {
        let i = self.list.len() as u32;
        self.list.push(name);
        match &mut self.map {
            Some(map) => {
                map.insert(name, i);
            }
            None if self.list.len() > SCAN_LIMIT => {
                let mut map = FxHashMap::with_capacity_and_hasher(self.list.len() * 2, Default::default());
                for (i, &n) in self.list.iter().enumerate() {
                    map.insert(n, i as u32);
                }
                self.map = Some(map);
            }
            None => {}
        }
    }

    fn len(&self) -> usize {
        self.list.len()
    }
}

pub struct Lowerer<'a> {
    scopes: Vec<Scope>,
    globals: &'a Globals,
    map: &'a mut SourceMap,
    file: FileId,
    /// The text the tree was parsed from (literals are spans of it).
    src: &'a str,
    /// Directory that relative paths are resolved against.
    base_dir: String,
    options: &'a LowerOptions,
    warnings: &'a mut Vec<EvalError>,
    /// The builtins some operators and `<...>` paths are desugared to, interned once.
    op_names: OpNames,
    /// The first undefined variable met. CppNix finds these only after parsing the whole
    /// file, so every parse-time error (duplicate attributes, ...) takes precedence.
    undefined: Option<EvalError>,
    /// A buffer for the attribute path of the binding being collected (kept between bindings
    /// to save an allocation per binding).
    path_scratch: Vec<Symbol>,
    /// See `crate::stack::limit`.
    stack_limit: usize,
}

/// See [`Lowerer::op_names`].
struct OpNames {
    sub: Symbol,
    mul: Symbol,
    div: Symbol,
    less_than: Symbol,
    find_file: Symbol,
    nix_path: Symbol,
    overrides: Symbol,
}

impl OpNames {
    fn new() -> OpNames {
        OpNames {
            sub: Symbol::new("__sub"),
            mul: Symbol::new("__mul"),
            div: Symbol::new("__div"),
            less_than: Symbol::new("__lessThan"),
            find_file: Symbol::new("__findFile"),
            nix_path: Symbol::new("__nixPath"),
            overrides: Symbol::new("__overrides"),
        }
    }
}

type LResult<T> = Result<T, EvalError>;

/// Lowers a parsed file. `extra_scope` names an outermost frame (used by `scopedImport`).
pub fn lower_root(
    root: &ast::Expr,
    src: &str,
    file: FileId,
    base_dir: String,
    globals: &Globals,
    map: &mut SourceMap,
    options: &LowerOptions,
    extra_scope: Option<&[Symbol]>,
    warnings: &mut Vec<EvalError>,
) -> LResult<Expr> {
    let op_names = OpNames::new();
    let mut lowerer =
        Lowerer { scopes: Vec::new(), globals, map, file, src, base_dir, options, warnings, op_names, undefined: None, path_scratch: Vec::new(), stack_limit: crate::stack::limit() };
    if let Some(names) = extra_scope {
        let mut frame = Names::with_capacity(names.len());
        for &n in names {
            frame.push(n);
        }
        lowerer.scopes.push(Scope::Frame(frame));
    }
    let lowered = lowerer.expr(root)?;
    match lowerer.undefined.take() {
        Some(err) => Err(err),
        None => Ok(lowered),
    }
}

/// Renders a parsed file the way `nix-instantiate --parse` shows an expression.
pub fn show_root(root: &ast::Expr, src: &str, file: FileId, globals: &Globals, map: &mut SourceMap, options: &LowerOptions) -> String {
    let mut warnings = Vec::new();
    let mut lowerer = Lowerer {
        scopes: Vec::new(),
        globals,
        map,
        file,
        src,
        base_dir: "/".into(),
        options,
        warnings: &mut warnings,
        op_names: OpNames::new(),
        undefined: None,
        path_scratch: Vec::new(),
        stack_limit: crate::stack::limit(),
    };
    let mut out = String::new();
    show(root, &mut out, &mut lowerer);
    out
}

/// A static attribute while bindings are being collected and merged.
enum PendingValue<'x> {
    Expr(&'x ast::Expr),
    Nested(Box<Pending<'x>>),
    InheritVar,
    InheritFrom(u32),
}

struct PendingAttr<'x> {
    name: Symbol,
    value: PendingValue<'x>,
    /// Where CppNix places the attribute: the start of the binding's path.
    span: Span,
    /// The name itself, shown instead when span ends are kept (`nixeval check` points at it).
    name_span: Span,
}

struct Pending<'x> {
    rec: bool,
    statics: Vec<PendingAttr<'x>>,
    /// The names of `statics`, in the same order.
    index: Names,
    dynamics: Vec<(&'x ast::Attr, PendingValue<'x>, Span)>,
    sources: Vec<&'x ast::Expr>,
}

impl<'x> Pending<'x> {
    fn new(rec: bool) -> Pending<'x> {
        Pending { rec, statics: Vec::new(), index: Names::default(), dynamics: Vec::new(), sources: Vec::new() }
    }

    /// For `n` bindings (most of them make one static attribute each).
    fn with_capacity(rec: bool, n: usize) -> Pending<'x> {
        Pending { statics: Vec::with_capacity(n), index: Names::with_capacity(n), ..Pending::new(rec) }
    }
}

impl<'a> Lowerer<'a> {
    fn pos_of(&mut self, span: Span) -> Pos {
        self.map.pos(self.file, span.start, span.end)
    }

    fn error(&mut self, kind: ErrorKind, msg: String, span: Span) -> EvalError {
        let pos = self.pos_of(span);
        EvalError::new(kind, msg).at(pos)
    }

    fn text(&self, span: Span) -> &'a str {
        &self.src[span.start as usize..span.end as usize]
    }

    /// Reports a lint finding: an error when fatal, a warning otherwise.
    fn lint(&mut self, lint: Lint, span: Span, msg: impl FnOnce(bool) -> String) -> LResult<()> {
        match lint {
            Lint::Ignore => Ok(()),
            Lint::Warn => {
                let e = self.error(ErrorKind::Parse, msg(false), span);
                self.warnings.push(e);
                Ok(())
            }
            Lint::Fatal => Err(self.error(ErrorKind::Parse, msg(true), span)),
        }
    }

    // ----- variables -------------------------------------------------------------------------

    /// Resolves a name: lexical frames first, then globals, then `with`s.
    fn resolve(&self, name: Symbol) -> Resolved {
        let mut withs = Vec::new();
        for (depth, scope) in self.scopes.iter().rev().enumerate() {
            match scope {
                Scope::Frame(names) => {
                    if let Some(slot) = names.get(name) {
                        return Resolved::Var(depth as u32, slot);
                    }
                }
                Scope::With => withs.push(depth as u32),
            }
        }
        if let Some(v) = self.globals.get(&name) {
            return Resolved::Global(v.clone());
        }
        if withs.is_empty() {
            Resolved::Undefined
        } else {
            Resolved::With(withs.into_boxed_slice())
        }
    }

    fn var(&mut self, name: Symbol, span: Span) -> LResult<Expr> {
        match self.resolve(name) {
            Resolved::Var(depth, slot) => {
                let pos = self.pos_of(span);
                Ok(Expr::Var { depth, slot, pos })
            }
            Resolved::Global(v) => Ok(Expr::Const(v)),
            Resolved::With(withs) => {
                let pos = self.pos_of(span);
                Ok(Expr::with_var(name, withs, pos))
            }
            Resolved::Undefined => {
                let suggestions = self.visible_names();
                let mut err = self.error(ErrorKind::UndefinedVariable, format!("undefined variable '{}'", name), span);
                if let Some(s) = crate::error::did_you_mean(name.as_str(), suggestions.iter().map(|s| s.as_str())) {
                    err = err.with_hint(format!("did you mean '{s}'?"));
                }
                self.undefined.get_or_insert(err);
                Ok(Expr::Const(Value::Null))
            }
        }
    }

    fn visible_names(&self) -> Vec<Symbol> {
        let mut v: Vec<Symbol> = Vec::new();
        for scope in &self.scopes {
            if let Scope::Frame(names) = scope {
                v.extend(names.list.iter().copied());
            }
        }
        v.extend(self.globals.keys().copied().filter(|s| !s.as_str().starts_with("__")));
        v
    }

    /// A call to a global builtin that a user may have shadowed (CppNix desugars some operators
    /// to calls of `__sub`, `__lessThan`, ...). Returns `None` when the builtin is not shadowed.
    fn shadowed_op(&mut self, sym: Symbol, span: Span) -> LResult<Option<Expr>> {
        match self.resolve(sym) {
            Resolved::Global(_) => Ok(None),
            Resolved::Var(..) | Resolved::With(_) | Resolved::Undefined => self.var(sym, span).map(Some),
        }
    }

    // ----- expressions -----------------------------------------------------------------------

    pub fn expr(&mut self, e: &ast::Expr) -> LResult<Expr> {
        use ast::Expr as E;
        if crate::stack::past(self.stack_limit) {
            return Err(self.error(ErrorKind::StackOverflow, "expression nested too deeply".into(), e.span()));
        }
        match e {
            E::Literal(kind, span) => self.literal(*kind, *span),
            E::Ident(name, span) => self.var(*name, *span),
            E::CurPos(span) => Ok(Expr::CurPos(self.pos_of(*span))),
            E::Str(s) => self.string(s),
            E::Path(parts, span) => self.path(parts, *span),
            E::SearchPath(span) => {
                let text = self.text(*span);
                let name = &text[1..text.len() - 1];
                let pos = self.pos_of(*span);
                let find_file = self.var(self.op_names.find_file, *span)?;
                let nix_path = self.var(self.op_names.nix_path, *span)?;
                Ok(Expr::call(find_file, vec![nix_path, Expr::Const(Value::str(name))].into_boxed_slice(), pos))
            }
            E::List(items, _) => {
                let mut lowered = Vec::with_capacity(items.len());
                for item in items.iter() {
                    lowered.push(self.expr(item)?);
                }
                Ok(Expr::List(lowered.into_boxed_slice()))
            }
            E::Attrs(b) => {
                let pending = self.collect(b, b.rec, None)?;
                let def = self.attrs_def(pending)?;
                Ok(Expr::Attrs(Box::new(def)))
            }
            E::LetIn(b, body, span) => {
                let pending = self.collect(b, true, Some(*span))?;
                let (def, body) = self.let_def(pending, |l| l.expr(body))?;
                Ok(Expr::Let { bindings: Box::new(def), body: Box::new(body) })
            }
            E::LegacyLet(b) => {
                let pending = self.collect(b, true, None)?;
                let def = self.attrs_def(pending)?;
                let pos = self.pos_of(b.span);
                Ok(Expr::select(
                    Expr::Attrs(Box::new(def)),
                    vec![AttrName::Static(super::symbol::sym::body)].into_boxed_slice(),
                    None,
                    pos,
                ))
            }
            E::Lambda(lambda) => self.lambda(lambda, None),
            E::Apply(func, args, span) => {
                let mut func = self.expr(func)?;
                if let Expr::Select(sel) = &func {
                    if let Some(v) = constant_select(&sel.expr, &sel.path) {
                        func = Expr::Const(v);
                    }
                }
                let mut lowered = Vec::with_capacity(args.len());
                for arg in args.iter() {
                    lowered.push(self.expr(arg)?);
                }
                let pos = self.pos_of(*span);
                Ok(Expr::call(func, lowered.into_boxed_slice(), pos))
            }
            E::Select(sel) => {
                let inner = self.expr(&sel.expr)?;
                let path = self.attr_path(&sel.path)?;
                let default = match &sel.default {
                    Some(d) => Some(Box::new(self.expr(d)?)),
                    None => None,
                };
                let pos = self.pos_of(sel.span);
                Ok(Expr::select(inner, path, default, pos))
            }
            E::HasAttr(inner, path, _) => {
                let inner = self.expr(inner)?;
                let path = self.attr_path(path)?;
                Ok(Expr::has_attr(inner, path))
            }
            E::If(parts, span) => {
                let pos = self.pos_of(*span);
                let [cond, then, else_] = &**parts;
                Ok(Expr::If(Box::new(IfDef { cond: self.expr(cond)?, then: self.expr(then)?, else_: self.expr(else_)?, pos })))
            }
            E::Assert(parts, span) => {
                let [cond, body] = &**parts;
                let mut text = String::new();
                show(cond, &mut text, self);
                let pos = self.pos_of(*span);
                Ok(Expr::Assert(Box::new(AssertDef {
                    cond: self.expr(cond)?,
                    body: self.expr(body)?,
                    text: text.into_boxed_str(),
                    pos,
                })))
            }
            E::With(parts, span) => {
                let [ns, body] = &**parts;
                let namespace = self.expr(ns)?;
                self.scopes.push(Scope::With);
                let body = self.expr(body);
                self.scopes.pop();
                let pos = self.pos_of(*span);
                Ok(Expr::With { namespace: Box::new(namespace), body: Box::new(body?), pos })
            }
            E::Not(operand, span) => {
                let pos = self.pos_of(*span);
                Ok(Expr::Not { expr: Box::new(self.expr(operand)?), pos })
            }
            E::Negate(operand, span) => {
                let pos = self.pos_of(*span);
                let operand = self.expr(operand)?;
                match self.shadowed_op(self.op_names.sub, *span)? {
                    Some(f) => Ok(Expr::call(f, vec![Expr::Const(Value::Int(0)), operand].into_boxed_slice(), pos)),
                    None => Ok(Expr::Bin {
                        op: BinOp::Sub,
                        lhs: Box::new(Expr::Const(Value::Int(0))),
                        rhs: Box::new(operand),
                        pos,
                    }),
                }
            }
            E::Binary(op, operands, span) => self.binop(*op, operands, *span),
        }
    }

    fn literal(&mut self, kind: ast::LiteralKind, span: Span) -> LResult<Expr> {
        let text = self.text(span);
        match kind {
            ast::LiteralKind::Int => match text.parse::<i64>() {
                Ok(v) => Ok(Expr::Const(Value::Int(v))),
                Err(_) => Err(self.error(ErrorKind::Parse, format!("invalid integer '{text}'"), span)),
            },
            ast::LiteralKind::Float => match text.parse::<f64>() {
                Ok(v) if !float_out_of_range(v, text) => Ok(Expr::Const(Value::Float(v))),
                _ => Err(self.error(ErrorKind::Parse, format!("invalid float '{text}'"), span)),
            },
            ast::LiteralKind::Uri => {
                self.lint(self.options.lint_url_literals, span, |fatal| {
                    format!(
                        "URL literals are {}. Consider using a string literal \"{}\" instead",
                        if fatal { "disallowed" } else { "discouraged" },
                        text
                    )
                })?;
                Ok(Expr::Const(Value::str(text)))
            }
        }
    }

    fn binop(&mut self, op: BinOp, operands: &[ast::Expr; 2], span: Span) -> LResult<Expr> {
        let pos = self.pos_of(span);
        if matches!(op, BinOp::PipeRight | BinOp::PipeLeft) && !self.options.pipe_operators {
            return Err(self.error(
                ErrorKind::Parse,
                "experimental Nix feature 'pipe-operators' is disabled; add '--extra-experimental-features pipe-operators' to enable it".into(),
                span,
            ));
        }
        let l = self.expr(&operands[0])?;
        let r = self.expr(&operands[1])?;
        // Operators CppNix implements as calls to (shadowable) builtins.
        let via = match op {
            BinOp::Sub => Some(self.op_names.sub),
            BinOp::Mul => Some(self.op_names.mul),
            BinOp::Div => Some(self.op_names.div),
            BinOp::Less | BinOp::LessEq | BinOp::Greater | BinOp::GreaterEq => Some(self.op_names.less_than),
            _ => None,
        };
        if let Some(name) = via {
            if let Some(f) = self.shadowed_op(name, span)? {
                let call = |func: Expr, a: Expr, c: Expr| Expr::call(func, vec![a, c].into_boxed_slice(), pos);
                return Ok(match op {
                    BinOp::Less => call(f, l, r),
                    BinOp::Greater => call(f, r, l),
                    BinOp::LessEq => Expr::Not { expr: Box::new(call(f, r, l)), pos },
                    BinOp::GreaterEq => Expr::Not { expr: Box::new(call(f, l, r)), pos },
                    _ => call(f, l, r),
                });
            }
        }
        Ok(Expr::Bin { op, lhs: Box::new(l), rhs: Box::new(r), pos })
    }

    fn attr_path(&mut self, path: &[ast::Attr]) -> LResult<Box<[AttrName]>> {
        let mut names = Vec::with_capacity(path.len());
        for attr in path {
            names.push(self.attr_name(attr)?);
        }
        Ok(names.into_boxed_slice())
    }

    /// A name in an attribute path: static when it is an identifier or a string without
    /// interpolation.
    fn attr_name(&mut self, attr: &ast::Attr) -> LResult<AttrName> {
        match attr {
            ast::Attr::Ident(name, _) => Ok(AttrName::Static(*name)),
            ast::Attr::Str(s) => match self.static_name(s) {
                Some(name) => Ok(AttrName::Static(name)),
                None => Ok(AttrName::Dynamic(self.string(s)?)),
            },
            ast::Attr::Dynamic(inner, _) => {
                // `${"a"}` is static too.
                if let ast::Expr::Str(s) = &**inner {
                    if let Some(name) = self.static_name(s) {
                        return Ok(AttrName::Static(name));
                    }
                }
                Ok(AttrName::Dynamic(self.expr(inner)?))
            }
        }
    }

    // ----- strings and paths -----------------------------------------------------------------

    /// The literal parts of a string, with interpolations as `Err(expr)`.
    fn string_parts<'x>(&self, s: &'x ast::StrLit) -> Vec<Result<Vec<u8>, &'x ast::Expr>> {
        if s.indented {
            return indented_parts(s, self.src);
        }
        let mut out: Vec<Result<Vec<u8>, &'x ast::Expr>> = Vec::with_capacity(s.parts.len());
        for part in s.parts.iter() {
            match part {
                ast::StrPart::Lit(span) => {
                    let text = unescape(self.text(*span).as_bytes());
                    match out.last_mut() {
                        Some(Ok(prev)) => prev.extend_from_slice(&text),
                        _ => out.push(Ok(text)),
                    }
                }
                ast::StrPart::Interp(e) => out.push(Err(e)),
            }
        }
        out
    }

    /// The text of a `"..."` string that needs no unescaping (the common case), as it is.
    #[inline]
    fn plain_string(&self, s: &ast::StrLit) -> Option<&'a str> {
        if s.indented {
            return None;
        }
        match &*s.parts {
            [] => Some(""),
            [ast::StrPart::Lit(span)] => {
                let text = self.text(*span);
                (!text.bytes().any(|c| matches!(c, b'\\' | b'\r' | 0))).then_some(text)
            }
            _ => None,
        }
    }

    /// The name a string without interpolation stands for.
    fn static_name(&self, s: &ast::StrLit) -> Option<Symbol> {
        if let Some(text) = self.plain_string(s) {
            return Some(Symbol::new(text));
        }
        self.static_string(s).map(|t| Symbol::from_bytes(&t))
    }

    fn static_string(&self, s: &ast::StrLit) -> Option<Vec<u8>> {
        if s.parts.iter().any(|p| matches!(p, ast::StrPart::Interp(_))) {
            return None;
        }
        let parts = self.string_parts(s);
        let mut text = Vec::new();
        for p in parts {
            match p {
                Ok(t) => text.extend_from_slice(&t),
                Err(_) => return None,
            }
        }
        Some(text)
    }

    fn string(&mut self, s: &ast::StrLit) -> LResult<Expr> {
        if let Some(text) = self.plain_string(s) {
            return Ok(Expr::Const(Value::str(text)));
        }
        let parts = self.string_parts(s);
        for p in parts.iter().flatten() {
            if p.contains(&0) {
                let shown = String::from_utf8_lossy(p).replace('\0', "␀");
                return Err(self.error(
                    ErrorKind::Parse,
                    format!("input string '{shown}' cannot be represented as Nix string because it contains null bytes"),
                    s.span,
                ));
            }
        }
        if parts.iter().all(|p| p.is_ok()) {
            let mut parts = parts.into_iter().flatten();
            let mut text = parts.next().unwrap_or_default();
            for p in parts {
                text.extend_from_slice(&p);
            }
            return Ok(Expr::Const(Value::string(text)));
        }
        let mut lowered = Vec::with_capacity(parts.len());
        for p in parts {
            match p {
                Ok(t) => lowered.push(Expr::Const(Value::string(t))),
                Err(inner) => lowered.push(self.expr(inner)?),
            }
        }
        let pos = self.pos_of(s.span);
        Ok(Expr::Concat { parts: lowered.into_boxed_slice(), force_string: true, pos })
    }

    fn path(&mut self, parts: &[ast::StrPart], span: Span) -> LResult<Expr> {
        let mut lowered = Vec::with_capacity(parts.len());
        let mut first = true;
        for part in parts {
            match part {
                ast::StrPart::Lit(lit) => {
                    let text = self.text(*lit);
                    if first {
                        let resolved = self.resolve_path_literal(text, span)?;
                        lowered.push(Expr::Const(resolved));
                    } else {
                        lowered.push(Expr::Const(Value::str(text)));
                    }
                }
                ast::StrPart::Interp(inner) => lowered.push(self.expr(inner)?),
            }
            first = false;
        }
        if lowered.len() == 1 {
            return Ok(lowered.pop().expect("one part"));
        }
        let pos = self.pos_of(span);
        Ok(Expr::Concat { parts: lowered.into_boxed_slice(), force_string: false, pos })
    }

    fn resolve_path_literal(&mut self, text: &str, span: Span) -> LResult<Value> {
        let trailing_slash = text.len() > 1 && text.ends_with('/');
        if text.starts_with("~/") {
            self.lint(self.options.lint_absolute_paths, span, |_| {
                format!("home path literals are not portable. Consider replacing path literal '{text}' by a string, relative path, or parameter")
            })?;
        } else if text.starts_with('/') {
            self.lint(self.options.lint_absolute_paths, span, |_| {
                format!("absolute path literals are not portable. Consider replacing path literal '{text}' by a string, relative path, or parameter")
            })?;
        } else if !text.starts_with('.') {
            self.lint(self.options.lint_short_paths, span, |_| {
                format!("relative path literal '{text}' should be prefixed with '.' for clarity: './{text}'")
            })?;
        }
        let abs = if let Some(rest) = text.strip_prefix("~/") {
            let home = match &self.options.home {
                Some(h) => h.clone(),
                None => {
                    return Err(self.error(
                        ErrorKind::Eval,
                        "the contents of the HOME environment variable are needed to resolve this path".into(),
                        span,
                    ))
                }
            };
            canon_join(&[home.as_str(), rest])
        } else if text.starts_with('/') {
            canon_path(text)
        } else {
            canon_join(&[self.base_dir.as_str(), text])
        };
        let mut s = abs;
        if trailing_slash && s != "/" {
            s.push('/');
        }
        Ok(Value::Path(s.into()))
    }

    // ----- functions -------------------------------------------------------------------------

    fn lambda(&mut self, lambda: &ast::Lambda, name: Option<Symbol>) -> LResult<Expr> {
        let pos = self.pos_of(lambda.span);
        match &lambda.param {
            ast::Param::Ident(..) => {
                // `x: y: z: body`: the lambdas whose body is the next one share a frame.
                let mut len = 1u32;
                let mut l = lambda;
                while let ast::Expr::Lambda(inner) = &l.body {
                    if !matches!(inner.param, ast::Param::Ident(..)) {
                        break;
                    }
                    len += 1;
                    l = inner;
                }
                let frame = Names::with_capacity(len as usize);
                self.scopes.push(Scope::Frame(frame));
                let def = self.chain_lambda(lambda, name, 0, len);
                self.scopes.pop();
                let mut def = def?;
                // Which parameters are only forced: one walk over the innermost body.
                let mut innermost: &LambdaDef = &def;
                while let Expr::Lambda(inner) = &innermost.body {
                    if inner.chain_slot == 0 {
                        break;
                    }
                    innermost = inner;
                }
                let forced = super::escape::params_only_forced(&innermost.body, len as usize);
                def.eager = super::escape::strict_prefix(&innermost.body);
                let mut d = &mut def;
                loop {
                    d.strict_param = forced[d.chain_slot as usize];
                    match &mut d.body {
                        Expr::Lambda(inner) if inner.chain_slot > 0 => d = inner,
                        _ => break,
                    }
                }
                Ok(Expr::Lambda(Box::new(def)))
            }
            ast::Param::Pattern { entries, ellipsis, bind } => {
                let mut frame = Names::with_capacity(entries.len() + 1);
                for entry in entries.iter() {
                    if frame.get(entry.name).is_some() {
                        return Err(self.error(
                            ErrorKind::Parse,
                            format!("duplicate formal function argument '{}'", entry.name),
                            entry.name_span,
                        ));
                    }
                    frame.push(entry.name);
                }
                let at = match bind {
                    Some((n, _)) => {
                        // As CppNix: a clash with the `@` name is shown at the function's start.
                        if frame.get(*n).is_some() {
                            return Err(self.error(
                                ErrorKind::Parse,
                                format!("duplicate formal function argument '{}'", n),
                                lambda.span,
                            ));
                        }
                        debug_assert_eq!(frame.len(), entries.len());
                        frame.push(*n);
                        Some(*n)
                    }
                    None => None,
                };
                if frame.len() > super::env::MAX_SLOTS {
                    let msg = format!("too many formal arguments (at most {})", super::env::MAX_SLOTS);
                    return Err(self.error(ErrorKind::Parse, msg, lambda.span));
                }
                self.scopes.push(Scope::Frame(frame));
                let result = (|| {
                    let mut formals = Vec::with_capacity(entries.len());
                    for entry in entries.iter() {
                        let default = match &entry.default {
                            Some(d) => Some(self.expr(d)?),
                            None => None,
                        };
                        let fpos = self.pos_of(entry.span);
                        formals.push(Formal { name: entry.name, default, pos: fpos });
                    }
                    let body = self.expr(&lambda.body)?;
                    Ok((formals, body))
                })();
                self.scopes.pop();
                let (formals, body) = result?;
                Ok(Expr::Lambda(Box::new(LambdaDef {
                    name,
                    pos,
                    param: Param::Formals { formals: formals.into_boxed_slice(), ellipsis: *ellipsis, at },
                    body,
                    strict_param: false,
                    eager: Default::default(),
                    chain_slot: 0,
                    chain_len: 0,
                })))
            }
        }
    }

    /// Lambda `slot` of a chain of `len` plain-parameter lambdas sharing the frame on top of
    /// the scope stack (see [`LambdaDef::chain_slot`]).
    fn chain_lambda(&mut self, lambda: &ast::Lambda, name: Option<Symbol>, slot: u32, len: u32) -> LResult<LambdaDef> {
        let ast::Param::Ident(arg, _) = &lambda.param else { unreachable!("chains hold plain parameters") };
        match self.scopes.last_mut() {
            Some(Scope::Frame(names)) => {
                debug_assert_eq!(names.len(), slot as usize);
                names.push(*arg);
            }
            _ => unreachable!("the chain's frame is on top"),
        }
        let body = match &lambda.body {
            ast::Expr::Lambda(inner) if slot + 1 < len => Expr::Lambda(Box::new(self.chain_lambda(inner, None, slot + 1, len)?)),
            body => self.expr(body)?,
        };
        let pos = self.pos_of(lambda.span);
        // `strict_param` is set by `lambda` once the whole chain is built.
        Ok(LambdaDef { name, pos, param: Param::Ident(*arg), body, strict_param: false, eager: Default::default(), chain_slot: slot, chain_len: len })
    }

    // ----- attribute sets and let ------------------------------------------------------------

    /// Collects the bindings of a set or `let` (whose span is `let_span`), merging nested paths.
    /// As in CppNix, a dynamic attribute in a `let` is refused once all its bindings are in
    /// (so an earlier clash is reported first), at the `let` keyword.
    fn collect<'x>(&mut self, b: &'x ast::Bindings, rec: bool, let_span: Option<Span>) -> LResult<Pending<'x>> {
        let mut pending = Pending::with_capacity(rec, b.entries.len());
        for entry in b.entries.iter() {
            match entry {
                ast::Binding::Inherit { from, attrs } => {
                    let source = match from {
                        Some(e) => {
                            pending.sources.push(e);
                            Some(pending.sources.len() as u32 - 1)
                        }
                        None => None,
                    };
                    for attr in attrs.iter() {
                        let name = match self.static_attr_name(attr) {
                            Some(s) => s,
                            None => {
                                return Err(self.error(
                                    ErrorKind::Parse,
                                    "dynamic attributes not allowed in inherit".into(),
                                    attr.span(),
                                ))
                            }
                        };
                        let value = match source {
                            Some(i) => PendingValue::InheritFrom(i),
                            None => PendingValue::InheritVar,
                        };
                        let mut path = std::mem::take(&mut self.path_scratch);
                        path.clear();
                        path.push(name);
                        let added = self.add_static(&mut pending, name, value, (attr.span(), attr.span()), &mut path);
                        self.path_scratch = path;
                        added?;
                    }
                }
                ast::Binding::Assign { path, value } => self.add_path(&mut pending, path, value)?,
            }
        }
        if let (false, Some(span)) = (pending.dynamics.is_empty(), let_span) {
            return Err(self.error(ErrorKind::Parse, "dynamic attributes not allowed in let".into(), span));
        }
        Ok(pending)
    }

    fn to_pending_value<'x>(&mut self, value: &'x ast::Expr) -> LResult<PendingValue<'x>> {
        if let ast::Expr::Attrs(set) = value {
            let nested = self.collect(set, set.rec, None)?;
            return Ok(PendingValue::Nested(Box::new(nested)));
        }
        Ok(PendingValue::Expr(value))
    }

    /// The name of an attribute if it is known without evaluation.
    fn static_attr_name(&mut self, attr: &ast::Attr) -> Option<Symbol> {
        match attr {
            ast::Attr::Ident(name, _) => Some(*name),
            ast::Attr::Str(s) => self.static_name(s),
            ast::Attr::Dynamic(inner, _) => match &**inner {
                ast::Expr::Str(s) => self.static_name(s),
                _ => None,
            },
        }
    }

    /// Adds the binding `attrs = value`. As in CppNix, every attribute the binding creates
    /// (the nested sets of its path and the last one) is positioned at the start of the path,
    /// and a clash names the path as written, up to the attribute that clashes.
    fn add_path<'x>(&mut self, pending: &mut Pending<'x>, attrs: &'x [ast::Attr], value: &'x ast::Expr) -> LResult<()> {
        let bind = Span::new(attrs[0].span().start, attrs[attrs.len() - 1].span().end);
        let mut path = std::mem::take(&mut self.path_scratch);
        path.clear();
        let added = self.add_path_at(pending, attrs, value, bind, &mut path);
        self.path_scratch = path;
        added
    }

    fn add_path_at<'x>(
        &mut self,
        pending: &mut Pending<'x>,
        attrs: &'x [ast::Attr],
        value: &'x ast::Expr,
        bind: Span,
        path: &mut Vec<Symbol>,
    ) -> LResult<()> {
        let first = &attrs[0];
        match self.static_attr_name(first) {
            None => {
                // A set under a dynamic name is new: nothing below it can clash here.
                let v = if attrs.len() == 1 {
                    self.to_pending_value(value)?
                } else {
                    let mut nested = Pending::new(false);
                    self.add_path_at(&mut nested, &attrs[1..], value, bind, path)?;
                    PendingValue::Nested(Box::new(nested))
                };
                pending.dynamics.push((first, v, bind));
                Ok(())
            }
            Some(sym) => {
                path.push(sym);
                if attrs.len() == 1 {
                    let v = self.to_pending_value(value)?;
                    return self.add_static(pending, sym, v, (bind, first.span()), path);
                }
                match pending.index.get(sym) {
                    Some(i) => {
                        let i = i as usize;
                        let prev = pending.statics[i].span;
                        match &mut pending.statics[i].value {
                            PendingValue::Nested(nested) => self.add_path_at(nested, &attrs[1..], value, bind, path),
                            _ => Err(self.dup_attr(path, prev, bind)),
                        }
                    }
                    None => {
                        let mut nested = Pending::new(false);
                        self.add_path_at(&mut nested, &attrs[1..], value, bind, path)?;
                        pending.index.push(sym);
                        pending.statics.push(PendingAttr {
                            name: sym,
                            value: PendingValue::Nested(Box::new(nested)),
                            span: bind,
                            name_span: first.span(),
                        });
                        Ok(())
                    }
                }
            }
        }
    }

    /// Adds one static attribute; `path` names it from the binding's start (it ends with
    /// `name`), for the message of a clash.
    fn add_static<'x>(
        &mut self,
        pending: &mut Pending<'x>,
        name: Symbol,
        value: PendingValue<'x>,
        (span, name_span): (Span, Span),
        path: &mut Vec<Symbol>,
    ) -> LResult<()> {
        match pending.index.get(name) {
            None => {
                pending.index.push(name);
                pending.statics.push(PendingAttr { name, value, span, name_span });
                Ok(())
            }
            Some(i) => {
                let i = i as usize;
                // Both literal sets: merge the new one into the existing one.
                let prev_span = pending.statics[i].span;
                match (&mut pending.statics[i].value, value) {
                    (PendingValue::Nested(existing), PendingValue::Nested(new)) => {
                        let existing: &mut Pending = existing;
                        let new = *new;
                        let offset = existing.sources.len() as u32;
                        existing.sources.extend(new.sources);
                        for attr in new.statics {
                            let v = match attr.value {
                                PendingValue::InheritFrom(k) => PendingValue::InheritFrom(k + offset),
                                other => other,
                            };
                            path.push(attr.name);
                            let r = self.add_static(existing, attr.name, v, (attr.span, attr.name_span), path);
                            path.pop();
                            r?;
                        }
                        existing.dynamics.extend(new.dynamics);
                        Ok(())
                    }
                    _ => Err(self.dup_attr(path, prev_span, span)),
                }
            }
        }
    }

    /// `attribute 'a.b' already defined at ...`, the names shown as CppNix shows identifiers.
    fn dup_attr(&mut self, path: &[Symbol], prev: Span, here: Span) -> EvalError {
        let prev_pos = self.pos_of(prev);
        let where_ = match self.map.describe(prev_pos) {
            Some((file, line, col)) => format!("{file}:{line}:{col}"),
            None => "an unknown position".into(),
        };
        let mut shown = String::new();
        for (k, name) in path.iter().enumerate() {
            if k > 0 {
                shown.push('.');
            }
            shown.push_str(&crate::print::attr_name_str(name.as_str()));
        }
        self.error(ErrorKind::Parse, format!("attribute '{shown}' already defined at {where_}"), here)
    }

    /// Lowers a collected attribute set literal.
    fn attrs_def(&mut self, mut pending: Pending) -> LResult<AttrsDef> {
        let rec = pending.rec;
        let opens_frame = rec || !pending.sources.is_empty();
        let n_statics = pending.statics.len() as u32;
        if opens_frame {
            self.check_frame_size(&pending)?;
            let frame = if rec { std::mem::take(&mut pending.index) } else { Names::default() };
            // Sources of a non-rec set are evaluated outside the frame that holds them.
            let sources = if rec {
                Vec::new()
            } else {
                let mut v = Vec::with_capacity(pending.sources.len());
                for s in &pending.sources {
                    v.push(self.expr(s)?);
                }
                v
            };
            self.scopes.push(Scope::Frame(frame));
            let result = self.attrs_body(pending, rec, if rec { n_statics } else { 0 });
            self.scopes.pop();
            let mut def = result?;
            if !rec {
                def.sources = sources.into_boxed_slice();
            }
            def.opens_frame = true;
            Ok(def)
        } else {
            let mut def = self.attrs_body(pending, rec, 0)?;
            def.opens_frame = false;
            Ok(def)
        }
    }

    /// Lowers values, dynamic attributes and (for rec) sources, inside the set's frame if any.
    /// `source_base` is the slot of the first inherit source.
    fn attrs_body(&mut self, pending: Pending, rec: bool, source_base: u32) -> LResult<AttrsDef> {
        let has_frame = matches!(self.scopes.last(), Some(Scope::Frame(_))) && (rec || !pending.sources.is_empty());
        let mut statics = Vec::with_capacity(pending.statics.len());
        let keep_ends = self.map.keep_span_ends;
        for attr in pending.statics {
            let pos = self.pos_of(if keep_ends { attr.name_span } else { attr.span });
            let value = match attr.value {
                PendingValue::Expr(e) => {
                    if let ast::Expr::Lambda(l) = e {
                        AttrValue::Expr(self.lambda(l, Some(attr.name))?)
                    } else {
                        AttrValue::Expr(self.expr(e)?)
                    }
                }
                PendingValue::Nested(nested) => AttrValue::Expr(Expr::Attrs(Box::new(self.attrs_def(*nested)?))),
                PendingValue::InheritVar => {
                    // Resolved in the enclosing scope: skip this set's frame.
                    let saved = if has_frame { self.scopes.pop() } else { None };
                    let resolved = self.inherit_var(attr.name, attr.span);
                    if let Some(s) = saved {
                        self.scopes.push(s);
                    }
                    AttrValue::Inherit(resolved?)
                }
                PendingValue::InheritFrom(k) => AttrValue::Expr(Expr::select(
                    Expr::Var { depth: 0, slot: source_base + k, pos },
                    vec![AttrName::Static(attr.name)].into_boxed_slice(),
                    None,
                    pos,
                )),
            };
            statics.push(StaticAttr { name: attr.name, value, pos });
        }
        let mut dynamics = Vec::with_capacity(pending.dynamics.len());
        for (name_attr, value, span) in pending.dynamics {
            let name = match self.attr_name(name_attr)? {
                AttrName::Dynamic(e) => e,
                AttrName::Static(s) => Expr::Const(Value::str(s.as_str())),
            };
            let value = match value {
                PendingValue::Expr(e) => self.expr(e)?,
                PendingValue::Nested(nested) => Expr::Attrs(Box::new(self.attrs_def(*nested)?)),
                PendingValue::InheritVar | PendingValue::InheritFrom(_) => unreachable!("inherit is always static"),
            };
            let pos = self.pos_of(if keep_ends { name_attr.span() } else { span });
            dynamics.push(DynamicAttr { name, value, pos });
        }
        let mut sources = Vec::new();
        if rec {
            for s in pending.sources {
                sources.push(self.expr(s)?);
            }
        }
        let has_overrides = rec && statics.iter().any(|a| a.name == self.op_names.overrides);
        let mut order: Vec<u32> = (0..statics.len() as u32).collect();
        order.sort_unstable_by_key(|&i| statics[i as usize].name);
        Ok(AttrsDef {
            rec,
            has_overrides,
            order: order.into_boxed_slice(),
            statics: statics.into_boxed_slice(),
            dynamics: dynamics.into_boxed_slice(),
            sources: sources.into_boxed_slice(),
            opens_frame: false,
        })
    }

    fn inherit_var(&mut self, name: Symbol, span: Span) -> LResult<Expr> {
        match self.resolve(name) {
            Resolved::Var(depth, slot) => {
                let pos = self.pos_of(span);
                Ok(Expr::Var { depth, slot, pos })
            }
            Resolved::Global(v) => Ok(Expr::Const(v)),
            Resolved::With(withs) => {
                let pos = self.pos_of(span);
                Ok(Expr::with_var(name, withs, pos))
            }
            Resolved::Undefined => {
                let err = self.error(ErrorKind::UndefinedVariable, format!("undefined variable '{}'", name), span);
                self.undefined.get_or_insert(err);
                Ok(Expr::Const(Value::Null))
            }
        }
    }

    /// A frame holds at most `env::MAX_SLOTS` slots: one per binding and per `inherit (e)`
    /// source. Only a generated file of many megabytes reaches that.
    fn check_frame_size(&mut self, pending: &Pending) -> LResult<()> {
        if pending.statics.len() + pending.sources.len() <= super::env::MAX_SLOTS {
            return Ok(());
        }
        let span = pending.statics.first().map_or(Span::default(), |a| a.span);
        Err(self.error(ErrorKind::Parse, format!("too many bindings in one scope (at most {})", super::env::MAX_SLOTS), span))
    }

    /// Lowers `let` bindings (a recursive frame) and then the body inside that frame.
    fn let_def(&mut self, mut pending: Pending, body: impl FnOnce(&mut Self) -> LResult<Expr>) -> LResult<(AttrsDef, Expr)> {
        self.check_frame_size(&pending)?;
        let n_statics = pending.statics.len() as u32;
        let frame = std::mem::take(&mut pending.index);
        self.scopes.push(Scope::Frame(frame));
        let result = (|| {
            let mut def = self.attrs_body(pending, true, n_statics)?;
            def.opens_frame = true;
            let body = body(self)?;
            Ok((def, body))
        })();
        self.scopes.pop();
        result
    }
}

/// The value of `c.a.b` when `c` is a constant set (`builtins`) holding every name of the path
/// with a value already known: selecting it cannot fail and does nothing else, so a function
/// called as `builtins.f` is selected once here instead of at every call. Only the function of
/// a call is replaced: it is applied, never kept, so that the selected value being a shared
/// object instead of a fresh one (which equality of functions inside lists could see, as in
/// CppNix) cannot be observed. Anything else is left to the evaluator.
fn constant_select(inner: &Expr, path: &[AttrName]) -> Option<Value> {
    let Expr::Const(v) = inner else { return None };
    let mut v = v;
    for name in path {
        let (Value::Attrs(a), AttrName::Static(name)) = (v, name) else { return None };
        v = a.get(*name)?.peek()?;
    }
    Some(v.clone())
}

enum Resolved {
    Var(u32, u32),
    Global(Value),
    With(Box<[u32]>),
    Undefined,
}

/// Unescapes the body of a `"..."` string as CppNix's `unescapeStr` does: `\n`, `\r`, `\t`,
/// any other escaped character stands for itself, and CR / CR LF become LF.
pub fn unescape(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        i += 1;
        if c == b'\\' && i < s.len() {
            let e = s[i];
            i += 1;
            out.push(match e {
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                other => other,
            });
        } else if c == b'\r' {
            out.push(b'\n');
            if i < s.len() && s[i] == b'\n' {
                i += 1;
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A token of an indented string's text, as the reference lexer splits it: text that may
/// carry indentation, text from an escape (`''$`, `'''`, `''\n`, a lone `$` or `'`), or an
/// interpolation.
#[derive(Clone, Copy)]
enum IndTok<'t, 'x> {
    Text(&'t [u8]),
    Escape(&'t [u8]),
    Interp(&'x ast::Expr),
}

/// Calls `f` with the tokens of an indented string, in order.
fn indented_tokens<'t, 'x>(s: &'x ast::StrLit, src: &'t str, f: &mut impl FnMut(IndTok<'t, 'x>)) {
    let mut at_open = true;
    for part in s.parts.iter() {
        match part {
            ast::StrPart::Lit(span) => {
                let mut raw = &src.as_bytes()[span.start as usize..span.end as usize];
                if at_open {
                    // The opening `''` swallows spaces followed by a newline.
                    let spaces = raw.iter().take_while(|&&c| c == b' ').count();
                    if raw.get(spaces) == Some(&b'\n') {
                        raw = &raw[spaces + 1..];
                    }
                }
                lex_indented(raw, f);
            }
            ast::StrPart::Interp(i) => f(IndTok::Interp(i)),
        }
        at_open = false;
    }
}

/// Splits an indented string into CppNix's lexer tokens and strips the indentation following
/// the reference's `stripIndentation`: one pass over the tokens finds the indentation, a second
/// writes the text without it (consecutive texts merged).
fn indented_parts<'x>(s: &'x ast::StrLit, src: &str) -> Vec<Result<Vec<u8>, &'x ast::Expr>> {
    // Minimum indentation, and the number of tokens.
    let mut at_start = true;
    let mut min_indent = usize::MAX;
    let mut cur_indent = 0usize;
    let mut n = 0usize;
    indented_tokens(s, src, &mut |t| {
        n += 1;
        match t {
            IndTok::Text(text) => {
                let mut k = 0;
                while k < text.len() {
                    if at_start {
                        match text[k] {
                            b' ' => cur_indent += 1,
                            b'\n' => cur_indent = 0,
                            _ => {
                                at_start = false;
                                min_indent = min_indent.min(cur_indent);
                            }
                        }
                        k += 1;
                    } else {
                        // Nothing counts up to the end of the line.
                        match text[k..].iter().position(|&c| c == b'\n') {
                            Some(p) => {
                                k += p + 1;
                                at_start = true;
                                cur_indent = 0;
                            }
                            None => k = text.len(),
                        }
                    }
                }
            }
            IndTok::Escape(_) | IndTok::Interp(_) => {
                if at_start {
                    at_start = false;
                    min_indent = min_indent.min(cur_indent);
                }
            }
        }
    });
    if min_indent == usize::MAX {
        min_indent = 1000000;
    }

    // Strip.
    let raw_len = s.parts.iter().map(|p| if let ast::StrPart::Lit(sp) = p { (sp.end - sp.start) as usize } else { 0 }).sum();
    let mut out: Vec<Result<Vec<u8>, &'x ast::Expr>> = Vec::with_capacity(s.parts.len());
    let mut at_start = true;
    let mut cur_dropped = 0usize;
    let mut idx = 0usize;
    indented_tokens(s, src, &mut |t| {
        idx += 1;
        let text = match t {
            IndTok::Interp(i) => {
                at_start = false;
                cur_dropped = 0;
                out.push(Err(i));
                return;
            }
            IndTok::Text(text) | IndTok::Escape(text) => text,
        };
        if !matches!(out.last(), Some(Ok(_))) {
            out.push(Ok(Vec::with_capacity(raw_len)));
        }
        let Some(Ok(buf)) = out.last_mut() else { unreachable!("a text part was just ensured") };
        let base = buf.len();
        let mut k = 0;
        while k < text.len() {
            if at_start {
                match text[k] {
                    b' ' => {
                        if cur_dropped >= min_indent {
                            buf.push(b' ');
                        }
                        cur_dropped += 1;
                    }
                    b'\n' => {
                        cur_dropped = 0;
                        buf.push(b'\n');
                    }
                    _ => {
                        // The line's text starts here: copied below.
                        at_start = false;
                        cur_dropped = 0;
                        continue;
                    }
                }
                k += 1;
            } else {
                // Copied as it is up to the end of the line.
                match text[k..].iter().position(|&c| c == b'\n') {
                    Some(p) => {
                        buf.extend_from_slice(&text[k..k + p + 1]);
                        k += p + 1;
                        at_start = true;
                    }
                    None => {
                        buf.extend_from_slice(&text[k..]);
                        k = text.len();
                    }
                }
            }
        }
        // The last token loses a last line made of spaces only.
        if idx == n {
            if let Some(p) = buf[base..].iter().rposition(|&c| c == b'\n') {
                if buf[base + p + 1..].iter().all(|&c| c == b' ') {
                    buf.truncate(base + p + 1);
                }
            }
        }
    });
    out
}

/// The reference lexer's rules inside `''...''`, applied to the raw text between interpolations.
fn lex_indented<'t, 'x>(raw: &'t [u8], emit: &mut impl FnMut(IndTok<'t, 'x>)) {
    let mut i = 0;
    // The text not emitted yet is `raw[plain..i]` (plain text is always a run of the source).
    let mut plain = 0;
    while i < raw.len() {
        let c = raw[i];
        let next = raw.get(i + 1).copied();
        if c == b'\'' && next == Some(b'\'') {
            let third = raw.get(i + 2).copied();
            if plain < i {
                emit(IndTok::Text(&raw[plain..i]));
            }
            plain = i;
            match third {
                Some(b'$') => {
                    emit(IndTok::Escape(b"$"));
                    i += 3;
                    plain = i;
                }
                Some(b'\'') => {
                    emit(IndTok::Escape(b"''"));
                    i += 3;
                    plain = i;
                }
                Some(b'\\') if i + 3 < raw.len() => {
                    // `''\X`: X is unescaped (a CR LF pair counts as one character).
                    let j = i + 3;
                    let (text, used): (&[u8], usize) = match raw[j] {
                        b'\r' if raw.get(j + 1) == Some(&b'\n') => (&raw[j..j + 2], 2),
                        b'n' => (b"\n", 1),
                        b'r' => (b"\r", 1),
                        b't' => (b"\t", 1),
                        _ => (&raw[j..j + 1], 1),
                    };
                    emit(IndTok::Escape(text));
                    i = j + used;
                    plain = i;
                }
                _ => {
                    // Cannot happen inside a well-formed string (it would close it).
                    i += 2;
                }
            }
        } else if c == b'$' && next != Some(b'{') && next != Some(b'\'') && next.is_some() {
            i += 2;
        } else if c == b'$' {
            // A lone `$` (before `'`, or at the end) is its own token.
            if plain < i {
                emit(IndTok::Text(&raw[plain..i]));
            }
            emit(IndTok::Escape(b"$"));
            i += 1;
            plain = i;
        } else if c == b'\'' {
            // `'` followed by something other than `'` or `$` is plain text; a lone `'` is its
            // own token.
            match next {
                Some(n) if n != b'\'' && n != b'$' => i += 2,
                _ => {
                    if plain < i {
                        emit(IndTok::Text(&raw[plain..i]));
                    }
                    emit(IndTok::Escape(b"'"));
                    i += 1;
                    plain = i;
                }
            }
        } else {
            i += 1;
        }
    }
    if plain < raw.len() {
        emit(IndTok::Text(&raw[plain..]));
    }
}

/// Canonicalises an absolute path like CppNix's `canonPath`: removes `.`, `..`, duplicate and
/// trailing slashes, without touching the file system.
pub fn canon_path(p: &str) -> String {
    canon_join(&[p])
}

/// [`canon_path`] of the pieces joined with `/` (without building the joined string first).
fn canon_join(pieces: &[&str]) -> String {
    let mut out = String::with_capacity(pieces.iter().map(|p| p.len() + 1).sum());
    for piece in pieces {
        for seg in piece.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    let last = out.rfind('/').unwrap_or(0);
                    out.truncate(last);
                }
                s => {
                    out.push('/');
                    out.push_str(s);
                }
            }
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// Renders an expression the way CppNix's `Expr::show` does (used in assertion messages).
fn show(e: &ast::Expr, out: &mut String, l: &mut Lowerer) {
    use ast::Expr as E;
    match e {
        E::Literal(kind, span) => {
            let text = l.text(*span);
            match kind {
                ast::LiteralKind::Int => out.push_str(text),
                ast::LiteralKind::Float => out.push_str(&crate::print::format_float(text.parse().unwrap_or(0.0))),
                ast::LiteralKind::Uri => crate::print::write_string_literal(out, text.as_bytes()),
            }
        }
        E::Ident(name, _) => out.push_str(&crate::print::attr_name_str(name.as_str())),
        E::Str(s) => {
            let parts = l.string_parts(s);
            if parts.len() == 1 {
                if let Ok(t) = &parts[0] {
                    crate::print::write_string_literal(out, t);
                    return;
                }
            }
            if parts.is_empty() {
                out.push_str("\"\"");
                return;
            }
            out.push('(');
            for (k, p) in parts.iter().enumerate() {
                if k > 0 {
                    out.push_str(" + ");
                }
                match p {
                    Ok(t) => crate::print::write_string_literal(out, t),
                    Err(inner) => show(inner, out, l),
                }
            }
            out.push(')');
        }
        E::List(items, _) => {
            out.push_str("[ ");
            for item in items.iter() {
                out.push('(');
                show(item, out, l);
                out.push_str(") ");
            }
            out.push(']');
        }
        E::Apply(func, args, _) => {
            out.push('(');
            show(func, out, l);
            for arg in args.iter() {
                out.push(' ');
                show(arg, out, l);
            }
            out.push(')');
        }
        E::Select(s) => {
            out.push('(');
            show(&s.expr, out, l);
            out.push_str(").");
            show_attrpath(&s.path, out, l);
            if let Some(d) = &s.default {
                out.push_str(" or (");
                show(d, out, l);
                out.push(')');
            }
        }
        E::HasAttr(inner, path, _) => {
            out.push_str("((");
            show(inner, out, l);
            out.push_str(") ? ");
            show_attrpath(path, out, l);
            out.push(')');
        }
        E::Not(inner, _) => {
            out.push_str("(! ");
            show(inner, out, l);
            out.push(')');
        }
        E::Negate(inner, _) => {
            out.push_str("(__sub 0 ");
            show(inner, out, l);
            out.push(')');
        }
        E::Binary(op, operands, _) => {
            use BinOp as K;
            let [lhs, rhs] = &**operands;
            let call = |name: &str, a: &ast::Expr, c: &ast::Expr, out: &mut String, l: &mut Lowerer| {
                out.push('(');
                out.push_str(name);
                out.push(' ');
                show(a, out, l);
                out.push(' ');
                show(c, out, l);
                out.push(')');
            };
            match op {
                K::Sub => call("__sub", lhs, rhs, out, l),
                K::Mul => call("__mul", lhs, rhs, out, l),
                K::Div => call("__div", lhs, rhs, out, l),
                K::Less => call("__lessThan", lhs, rhs, out, l),
                K::Greater => call("__lessThan", rhs, lhs, out, l),
                K::LessEq => {
                    out.push_str("(! ");
                    call("__lessThan", rhs, lhs, out, l);
                    out.push(')');
                }
                K::GreaterEq => {
                    out.push_str("(! ");
                    call("__lessThan", lhs, rhs, out, l);
                    out.push(')');
                }
                op => {
                    let s = match op {
                        K::Concat => "++",
                        K::Update => "//",
                        K::Add => "+",
                        K::And => "&&",
                        K::Eq => "==",
                        K::Impl => "->",
                        K::NotEq => "!=",
                        K::Or => "||",
                        K::PipeRight => "|>",
                        _ => "<|",
                    };
                    out.push('(');
                    show(lhs, out, l);
                    out.push(' ');
                    out.push_str(s);
                    out.push(' ');
                    show(rhs, out, l);
                    out.push(')');
                }
            }
        }
        E::If(parts, _) => {
            let [c, t, f] = &**parts;
            out.push_str("(if ");
            show(c, out, l);
            out.push_str(" then ");
            show(t, out, l);
            out.push_str(" else ");
            show(f, out, l);
            out.push(')');
        }
        E::Lambda(lam) => {
            out.push('(');
            match &lam.param {
                ast::Param::Ident(name, _) => out.push_str(name.as_str()),
                ast::Param::Pattern { entries, ellipsis, bind } => {
                    out.push_str("{ ");
                    let mut sorted: Vec<&ast::PatEntry> = entries.iter().collect();
                    sorted.sort_by(|a, b| a.name.as_str().cmp(b.name.as_str()));
                    let mut first = true;
                    for entry in sorted {
                        if !first {
                            out.push_str(", ");
                        }
                        first = false;
                        out.push_str(entry.name.as_str());
                        if let Some(d) = &entry.default {
                            out.push_str(" ? ");
                            show(d, out, l);
                        }
                    }
                    if *ellipsis {
                        if !first {
                            out.push_str(", ");
                        }
                        out.push_str("...");
                    }
                    out.push_str(" }");
                    if let Some((b, _)) = bind {
                        out.push_str(" @ ");
                        out.push_str(b.as_str());
                    }
                }
            }
            out.push_str(": ");
            show(&lam.body, out, l);
            out.push(')');
        }
        E::CurPos(_) => out.push_str("__curPos"),
        // Paths are shown as written; the rarely shown rest is approximated by the source.
        E::Path(_, span)
        | E::SearchPath(span)
        | E::LetIn(_, _, span)
        | E::Assert(_, span)
        | E::With(_, span) => out.push_str(l.text(*span)),
        E::Attrs(b) => {
            if !show_simple_attrs(b, out, l) {
                out.push_str(l.text(b.span));
            }
        }
        E::LegacyLet(b) => out.push_str(l.text(b.span)),
    }
}

/// A set literal as CppNix shows it (`{ inherit a; b = 1; }`: names sorted, inherited names
/// first, quoted only when they are no identifiers), when every binding is one static name bound once; `false` (nothing
/// written) for the other sets, which are then shown as written.
fn show_simple_attrs(b: &ast::Bindings, out: &mut String, l: &mut Lowerer) -> bool {
    let mut inherited: Vec<String> = Vec::new();
    let mut plain: Vec<(String, &ast::Expr)> = Vec::new();
    for binding in &b.entries {
        match binding {
            ast::Binding::Inherit { from: None, attrs } => {
                for attr in attrs.iter() {
                    match static_attr_name(attr, l) {
                        Some(n) => inherited.push(n),
                        None => return false,
                    }
                }
            }
            ast::Binding::Assign { path, value } if path.len() == 1 => match static_attr_name(&path[0], l) {
                Some(n) => plain.push((n, value)),
                None => return false,
            },
            _ => return false,
        }
    }
    let mut names: Vec<&str> = inherited.iter().map(|n| n.as_str()).chain(plain.iter().map(|(n, _)| n.as_str())).collect();
    names.sort_unstable();
    if names.windows(2).any(|w| w[0] == w[1]) {
        return false;
    }
    inherited.sort();
    plain.sort_by(|x, y| x.0.cmp(&y.0));
    if b.rec {
        out.push_str("rec ");
    }
    out.push_str("{ ");
    if !inherited.is_empty() {
        out.push_str("inherit");
        for n in &inherited {
            out.push(' ');
            out.push_str(&crate::print::attr_name_str(n));
        }
        out.push_str("; ");
    }
    for (n, value) in plain {
        out.push_str(&crate::print::attr_name_str(&n));
        out.push_str(" = ");
        show(value, out, l);
        out.push_str("; ");
    }
    out.push('}');
    true
}

fn static_attr_name(attr: &ast::Attr, l: &mut Lowerer) -> Option<String> {
    match attr {
        ast::Attr::Ident(name, _) => Some(name.as_str().to_string()),
        ast::Attr::Str(s) => l.static_string(s).map(|t| String::from_utf8_lossy(&t).into_owned()),
        ast::Attr::Dynamic(..) => None,
    }
}

fn show_attrpath(path: &[ast::Attr], out: &mut String, l: &mut Lowerer) {
    let mut first = true;
    for attr in path {
        if !first {
            out.push('.');
        }
        first = false;
        match attr {
            ast::Attr::Ident(name, _) => out.push_str(&crate::print::attr_name_str(name.as_str())),
            ast::Attr::Str(s) => match l.static_string(s) {
                Some(t) => out.push_str(&crate::print::attr_name_str(&String::from_utf8_lossy(&t))),
                None => {
                    out.push_str("\"${");
                    out.push_str(l.text(s.span));
                    out.push_str("}\"");
                }
            },
            ast::Attr::Dynamic(inner, _) => {
                out.push_str("\"${");
                show(inner, out, l);
                out.push_str("}\"");
            }
        }
    }
}

/// Whether the C library's `strtod`, which the reference lexer uses, reports a float literal as
/// out of range (`ERANGE`): it overflows to infinity, or underflows to a subnormal number or to
/// zero although its digits are not all zero.
fn float_out_of_range(v: f64, text: &str) -> bool {
    if v.is_infinite() || (v != 0.0 && v.abs() < f64::MIN_POSITIVE) {
        return true;
    }
    v == 0.0 && text.bytes().take_while(|b| !matches!(b, b'e' | b'E')).any(|b| matches!(b, b'1'..=b'9'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_paths() {
        assert_eq!(canon_path("/a/./b/../c/"), "/a/c");
        assert_eq!(canon_path("/.."), "/");
        assert_eq!(canon_path("//x//y"), "/x/y");
    }

    #[test]
    fn selections_from_constant_sets() {
        use super::super::value::{AttrEntry, Attrs, Thunk, ThunkState};
        let (a, b, lazy) = (Symbol::new("lower-test-a"), Symbol::new("lower-test-b"), Symbol::new("lower-test-lazy"));
        let inner = Attrs::from_unsorted(vec![AttrEntry { name: b, pos: Pos::NONE, value: Thunk::Ready(Value::Int(7)) }]);
        let outer = Attrs::from_unsorted(vec![
            AttrEntry { name: a, pos: Pos::NONE, value: Thunk::Ready(Value::attrs(inner)) },
            AttrEntry { name: lazy, pos: Pos::NONE, value: Thunk::Lazy(Thunk::new_cell(ThunkState::Blackhole)) },
        ]);
        let c = Expr::Const(Value::attrs(outer));
        let path = |names: &[Symbol]| names.iter().map(|n| AttrName::Static(*n)).collect::<Vec<_>>();
        assert!(matches!(constant_select(&c, &path(&[a, b])), Some(Value::Int(7))));
        assert!(matches!(constant_select(&c, &path(&[a])), Some(Value::Attrs(_))));
        // Missing names, values not known yet, and non-sets are left to the evaluator.
        assert!(constant_select(&c, &path(&[b])).is_none());
        assert!(constant_select(&c, &path(&[a, b, b])).is_none());
        assert!(constant_select(&c, &path(&[lazy])).is_none());
        assert!(constant_select(&Expr::Const(Value::Int(1)), &path(&[a])).is_none());
    }

    #[test]
    fn unescaping() {
        assert_eq!(unescape(br"a\nb\tc\$\{\\"), b"a\nb\tc${\\");
        assert_eq!(unescape(b"a\r\nb\rc"), b"a\nb\nc");
    }
}
