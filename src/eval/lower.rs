//! Lowering: rnix syntax tree → [`Expr`] IR, with scope resolution and the checks the parser
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
use crate::syntax::source::{FileId, Pos, SourceMap};
use rnix::ast::{self, AstToken, HasEntry};
use rowan::ast::AstNode;
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
    /// A runtime frame whose visible names map to slots. Hidden slots (inherit sources) have no
    /// names.
    Frame(FxHashMap<Symbol, u32>),
    With,
}

pub struct Lowerer<'a> {
    scopes: Vec<Scope>,
    globals: &'a Globals,
    map: &'a mut SourceMap,
    file: FileId,
    /// Directory that relative paths are resolved against.
    base_dir: String,
    options: &'a LowerOptions,
    warnings: &'a mut Vec<EvalError>,
    /// The first undefined variable met. CppNix finds these only after parsing the whole
    /// file, so every parse-time error (duplicate attributes, ...) takes precedence.
    undefined: Option<EvalError>,
}

type LResult<T> = Result<T, EvalError>;

/// Lowers a parsed file. `extra_scope` names an outermost frame (used by `scopedImport`).
pub fn lower_root(
    root: &ast::Root,
    file: FileId,
    base_dir: String,
    globals: &Globals,
    map: &mut SourceMap,
    options: &LowerOptions,
    extra_scope: Option<&[Symbol]>,
    warnings: &mut Vec<EvalError>,
) -> LResult<Expr> {
    let mut lowerer = Lowerer { scopes: Vec::new(), globals, map, file, base_dir, options, warnings, undefined: None };
    if let Some(names) = extra_scope {
        let frame = names.iter().enumerate().map(|(i, s)| (*s, i as u32)).collect();
        lowerer.scopes.push(Scope::Frame(frame));
    }
    let lowered = match root.expr() {
        Some(e) => lowerer.expr(e),
        None => Err(lowerer.error(ErrorKind::Parse, "syntax error, unexpected end of file".into(), root.syntax())),
    }?;
    match lowerer.undefined.take() {
        Some(err) => Err(err),
        None => Ok(lowered),
    }
}

/// Renders a parsed file the way `nix-instantiate --parse` shows an expression.
pub fn show_root(root: &ast::Root, file: FileId, globals: &Globals, map: &mut SourceMap, options: &LowerOptions) -> String {
    let mut warnings = Vec::new();
    let mut lowerer =
        Lowerer { scopes: Vec::new(), globals, map, file, base_dir: "/".into(), options, warnings: &mut warnings, undefined: None };
    let mut out = String::new();
    if let Some(e) = root.expr() {
        show(&e, &mut out, &mut lowerer);
    }
    out
}

/// A static attribute while bindings are being collected and merged.
enum PendingValue {
    Expr(ast::Expr),
    Nested(Box<Pending>),
    InheritVar,
    InheritFrom(u32),
}

struct PendingAttr {
    name: Symbol,
    value: PendingValue,
    range: rowan::TextRange,
}

struct Pending {
    rec: bool,
    statics: Vec<PendingAttr>,
    index: FxHashMap<Symbol, usize>,
    dynamics: Vec<(ast::Attr, PendingValue, rowan::TextRange)>,
    sources: Vec<ast::Expr>,
}

impl Pending {
    fn new(rec: bool) -> Pending {
        Pending { rec, statics: Vec::new(), index: FxHashMap::default(), dynamics: Vec::new(), sources: Vec::new() }
    }
}

fn strip_parens(mut e: ast::Expr) -> ast::Expr {
    while let ast::Expr::Paren(p) = &e {
        match p.expr() {
            Some(inner) => e = inner,
            None => break,
        }
    }
    e
}

impl<'a> Lowerer<'a> {
    fn pos_of(&mut self, node: &rnix::SyntaxNode) -> Pos {
        let r = node.text_range();
        self.map.pos(self.file, r.start().into(), r.end().into())
    }

    fn pos_range(&mut self, r: rowan::TextRange) -> Pos {
        self.map.pos(self.file, r.start().into(), r.end().into())
    }

    fn error(&mut self, kind: ErrorKind, msg: String, node: &rnix::SyntaxNode) -> EvalError {
        let pos = self.pos_of(node);
        EvalError::new(kind, msg).at(pos)
    }

    fn error_range(&mut self, kind: ErrorKind, msg: String, r: rowan::TextRange) -> EvalError {
        let pos = self.pos_range(r);
        EvalError::new(kind, msg).at(pos)
    }

    /// Reports a lint finding: an error when fatal, a warning otherwise.
    fn lint(&mut self, lint: Lint, node: &rnix::SyntaxNode, msg: impl FnOnce(bool) -> String) -> LResult<()> {
        match lint {
            Lint::Ignore => Ok(()),
            Lint::Warn => {
                let e = self.error(ErrorKind::Parse, msg(false), node);
                self.warnings.push(e);
                Ok(())
            }
            Lint::Fatal => Err(self.error(ErrorKind::Parse, msg(true), node)),
        }
    }

    fn missing(&mut self, node: &rnix::SyntaxNode) -> EvalError {
        self.error(ErrorKind::Parse, "syntax error, unexpected end of input".into(), node)
    }

    // ----- variables -------------------------------------------------------------------------

    /// Resolves a name: lexical frames first, then globals, then `with`s.
    fn resolve(&self, name: Symbol) -> Resolved {
        let mut withs = Vec::new();
        for (depth, scope) in self.scopes.iter().rev().enumerate() {
            match scope {
                Scope::Frame(names) => {
                    if let Some(&slot) = names.get(&name) {
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

    fn var(&mut self, name: Symbol, node: &rnix::SyntaxNode) -> LResult<Expr> {
        match self.resolve(name) {
            Resolved::Var(depth, slot) => {
                let pos = self.pos_of(node);
                Ok(Expr::Var { depth, slot, pos })
            }
            Resolved::Global(v) => Ok(Expr::Const(v)),
            Resolved::With(withs) => {
                let pos = self.pos_of(node);
                Ok(Expr::WithVar { name, withs, pos })
            }
            Resolved::Undefined => {
                let suggestions = self.visible_names();
                let mut err = self.error(
                    ErrorKind::UndefinedVariable,
                    format!("undefined variable '{}'", name),
                    node,
                );
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
                v.extend(names.keys().copied());
            }
        }
        v.extend(self.globals.keys().copied().filter(|s| !s.as_str().starts_with("__")));
        v
    }

    /// A call to a global builtin that a user may have shadowed (CppNix desugars some operators
    /// to calls of `__sub`, `__lessThan`, ...). Returns `None` when the builtin is not shadowed.
    fn shadowed_op(&mut self, name: &str, node: &rnix::SyntaxNode) -> LResult<Option<Expr>> {
        let sym = Symbol::new(name);
        match self.resolve(sym) {
            Resolved::Global(_) => Ok(None),
            Resolved::Var(..) | Resolved::With(_) | Resolved::Undefined => self.var(sym, node).map(Some),
        }
    }

    fn ident_name(ident: &ast::Ident) -> Symbol {
        match ident.ident_token() {
            Some(t) => Symbol::new(t.text()),
            // `or` used as an identifier.
            None => Symbol::new(ident.syntax().text().to_string().trim()),
        }
    }

    // ----- expressions -----------------------------------------------------------------------

    pub fn expr(&mut self, e: ast::Expr) -> LResult<Expr> {
        use ast::Expr as E;
        if crate::stack::exhausted() {
            return Err(self.error(ErrorKind::StackOverflow, "expression nested too deeply".into(), e.syntax()));
        }
        match e {
            E::Paren(p) => match p.expr() {
                Some(inner) => self.expr(inner),
                None => Err(self.missing(p.syntax())),
            },
            E::Root(r) => match r.expr() {
                Some(inner) => self.expr(inner),
                None => Err(self.missing(r.syntax())),
            },
            E::Literal(lit) => self.literal(&lit),
            E::Ident(ident) => {
                let name = Self::ident_name(&ident);
                self.var(name, ident.syntax())
            }
            E::Str(s) => self.string(&s),
            E::PathAbs(_) | E::PathRel(_) | E::PathHome(_) | E::PathSearch(_) => {
                let node = e.syntax().clone();
                let path = ast::Path::cast(node.clone()).ok_or_else(|| self.missing(&node))?;
                self.path(&path)
            }
            E::List(list) => {
                let mut items = Vec::new();
                for item in list.items() {
                    items.push(self.expr(item)?);
                }
                Ok(Expr::List(items.into_boxed_slice()))
            }
            E::AttrSet(set) => {
                let rec = set.rec_token().is_some();
                let pending = self.collect(&set, rec, false)?;
                let def = self.attrs_def(pending)?;
                Ok(Expr::Attrs(Box::new(def)))
            }
            E::LetIn(let_in) => {
                let pending = self.collect(&let_in, true, true)?;
                let body_ast = let_in.body().ok_or_else(|| self.missing(let_in.syntax()))?;
                let (def, body) = self.let_def(pending, |l| l.expr(body_ast))?;
                Ok(Expr::Let { bindings: Box::new(def), body: Box::new(body) })
            }
            E::LegacyLet(legacy) => {
                let pending = self.collect(&legacy, true, false)?;
                let def = self.attrs_def(pending)?;
                let pos = self.pos_of(legacy.syntax());
                Ok(Expr::Select {
                    expr: Box::new(Expr::Attrs(Box::new(def))),
                    path: vec![AttrName::Static(super::symbol::sym::body)].into_boxed_slice(),
                    default: None,
                    pos,
                })
            }
            E::Lambda(lambda) => self.lambda(&lambda, None),
            E::Apply(apply) => {
                // Flatten `f a b c` into one call.
                let mut args = Vec::new();
                let mut cur = ast::Expr::Apply(apply.clone());
                while let ast::Expr::Apply(a) = &cur {
                    let arg = a.argument().ok_or_else(|| self.missing(a.syntax()))?;
                    args.push(arg);
                    let f = a.lambda().ok_or_else(|| self.missing(a.syntax()))?;
                    cur = f;
                }
                let func = self.expr(cur)?;
                let mut lowered = Vec::with_capacity(args.len());
                for arg in args.into_iter().rev() {
                    lowered.push(self.expr(arg)?);
                }
                let pos = self.pos_of(apply.syntax());
                Ok(Expr::Call { func: Box::new(func), args: lowered.into_boxed_slice(), pos })
            }
            E::Select(sel) => {
                let inner = sel.expr().ok_or_else(|| self.missing(sel.syntax()))?;
                let inner = self.expr(inner)?;
                let attrpath = sel.attrpath().ok_or_else(|| self.missing(sel.syntax()))?;
                let path = self.attr_path(&attrpath)?;
                let default = match sel.default_expr() {
                    Some(d) => Some(Box::new(self.expr(d)?)),
                    None => None,
                };
                let pos = self.pos_of(sel.syntax());
                Ok(Expr::Select { expr: Box::new(inner), path, default, pos })
            }
            E::HasAttr(has) => {
                let inner = has.expr().ok_or_else(|| self.missing(has.syntax()))?;
                let inner = self.expr(inner)?;
                let attrpath = has.attrpath().ok_or_else(|| self.missing(has.syntax()))?;
                let path = self.attr_path(&attrpath)?;
                Ok(Expr::HasAttr { expr: Box::new(inner), path })
            }
            E::IfElse(ife) => {
                let cond = ife.condition().ok_or_else(|| self.missing(ife.syntax()))?;
                let then = ife.body().ok_or_else(|| self.missing(ife.syntax()))?;
                let else_ = ife.else_body().ok_or_else(|| self.missing(ife.syntax()))?;
                let pos = self.pos_of(ife.syntax());
                Ok(Expr::If {
                    cond: Box::new(self.expr(cond)?),
                    then: Box::new(self.expr(then)?),
                    else_: Box::new(self.expr(else_)?),
                    pos,
                })
            }
            E::Assert(a) => {
                let cond = a.condition().ok_or_else(|| self.missing(a.syntax()))?;
                let body = a.body().ok_or_else(|| self.missing(a.syntax()))?;
                let mut text = String::new();
                show(&cond, &mut text, self);
                let pos = self.pos_of(a.syntax());
                Ok(Expr::Assert {
                    cond: Box::new(self.expr(cond)?),
                    body: Box::new(self.expr(body)?),
                    text: text.into_boxed_str(),
                    pos,
                })
            }
            E::With(w) => {
                let ns = w.namespace().ok_or_else(|| self.missing(w.syntax()))?;
                let body = w.body().ok_or_else(|| self.missing(w.syntax()))?;
                let namespace = self.expr(ns)?;
                self.scopes.push(Scope::With);
                let body = self.expr(body);
                self.scopes.pop();
                let pos = self.pos_of(w.syntax());
                Ok(Expr::With { namespace: Box::new(namespace), body: Box::new(body?), pos })
            }
            E::UnaryOp(u) => {
                let operand = u.expr().ok_or_else(|| self.missing(u.syntax()))?;
                let pos = self.pos_of(u.syntax());
                match u.operator() {
                    Some(ast::UnaryOpKind::Invert) => {
                        Ok(Expr::Not { expr: Box::new(self.expr(operand)?), pos })
                    }
                    Some(ast::UnaryOpKind::Negate) => {
                        let operand = self.expr(operand)?;
                        match self.shadowed_op("__sub", u.syntax())? {
                            Some(f) => Ok(Expr::Call {
                                func: Box::new(f),
                                args: vec![Expr::Const(Value::Int(0)), operand].into_boxed_slice(),
                                pos,
                            }),
                            None => Ok(Expr::Bin {
                                op: BinOp::Sub,
                                lhs: Box::new(Expr::Const(Value::Int(0))),
                                rhs: Box::new(operand),
                                pos,
                            }),
                        }
                    }
                    None => Err(self.missing(u.syntax())),
                }
            }
            E::BinOp(b) => self.binop(&b),
            E::CurPos(c) => {
                let pos = self.pos_of(c.syntax());
                Ok(Expr::CurPos(pos))
            }
            E::Error(err) => Err(self.error(ErrorKind::Parse, "syntax error".into(), err.syntax())),
        }
    }

    fn literal(&mut self, lit: &ast::Literal) -> LResult<Expr> {
        match lit.kind() {
            ast::LiteralKind::Integer(i) => match i.value() {
                Ok(v) => Ok(Expr::Const(Value::Int(v))),
                Err(_) => Err(self.error(
                    ErrorKind::Parse,
                    format!("invalid integer '{}'", i.syntax().text()),
                    lit.syntax(),
                )),
            },
            ast::LiteralKind::Float(f) => match f.value() {
                Ok(v) if !float_out_of_range(v, f.syntax().text()) => Ok(Expr::Const(Value::Float(v))),
                _ => Err(self.error(
                    ErrorKind::Parse,
                    format!("invalid float '{}'", f.syntax().text()),
                    lit.syntax(),
                )),
            },
            ast::LiteralKind::Uri(u) => {
                let text = u.syntax().text().to_string();
                self.lint(self.options.lint_url_literals, lit.syntax(), |fatal| {
                    format!(
                        "URL literals are {}. Consider using a string literal \"{}\" instead",
                        if fatal { "disallowed" } else { "discouraged" },
                        text
                    )
                })?;
                Ok(Expr::Const(Value::str(u.syntax().text())))
            }
        }
    }

    fn binop(&mut self, b: &ast::BinOp) -> LResult<Expr> {
        use ast::BinOpKind as K;
        let kind = b.operator().ok_or_else(|| self.missing(b.syntax()))?;
        let lhs = b.lhs().ok_or_else(|| self.missing(b.syntax()))?;
        let rhs = b.rhs().ok_or_else(|| self.missing(b.syntax()))?;
        let pos = self.pos_of(b.syntax());
        let op = match kind {
            K::Concat => BinOp::Concat,
            K::Update => BinOp::Update,
            K::Add => BinOp::Add,
            K::Sub => BinOp::Sub,
            K::Mul => BinOp::Mul,
            K::Div => BinOp::Div,
            K::And => BinOp::And,
            K::Equal => BinOp::Eq,
            K::Implication => BinOp::Impl,
            K::Less => BinOp::Less,
            K::LessOrEq => BinOp::LessEq,
            K::More => BinOp::Greater,
            K::MoreOrEq => BinOp::GreaterEq,
            K::NotEqual => BinOp::NotEq,
            K::Or => BinOp::Or,
            K::PipeRight | K::PipeLeft => {
                if !self.options.pipe_operators {
                    return Err(self.error(
                        ErrorKind::Parse,
                        "experimental Nix feature 'pipe-operators' is disabled; add '--extra-experimental-features pipe-operators' to enable it".into(),
                        b.syntax(),
                    ));
                }
                if kind == K::PipeRight {
                    BinOp::PipeRight
                } else {
                    BinOp::PipeLeft
                }
            }
        };
        let l = self.expr(lhs)?;
        let r = self.expr(rhs)?;
        // Operators CppNix implements as calls to (shadowable) builtins.
        let via = match op {
            BinOp::Sub => Some("__sub"),
            BinOp::Mul => Some("__mul"),
            BinOp::Div => Some("__div"),
            BinOp::Less | BinOp::LessEq | BinOp::Greater | BinOp::GreaterEq => Some("__lessThan"),
            _ => None,
        };
        if let Some(name) = via {
            if let Some(f) = self.shadowed_op(name, b.syntax())? {
                let call = |func: Expr, a: Expr, c: Expr| Expr::Call {
                    func: Box::new(func),
                    args: vec![a, c].into_boxed_slice(),
                    pos,
                };
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

    fn attr_path(&mut self, path: &ast::Attrpath) -> LResult<Box<[AttrName]>> {
        let mut names = Vec::new();
        for attr in path.attrs() {
            names.push(self.attr_name(&attr)?);
        }
        Ok(names.into_boxed_slice())
    }

    /// A name in an attribute path: static when it is an identifier or a string without
    /// interpolation.
    fn attr_name(&mut self, attr: &ast::Attr) -> LResult<AttrName> {
        match attr {
            ast::Attr::Ident(i) => Ok(AttrName::Static(Self::ident_name(i))),
            ast::Attr::Str(s) => match self.static_string(s) {
                Some(text) => Ok(AttrName::Static(Symbol::from_bytes(&text))),
                None => Ok(AttrName::Dynamic(self.string(s)?)),
            },
            ast::Attr::Dynamic(d) => {
                let inner = d.expr().ok_or_else(|| self.missing(d.syntax()))?;
                // `${"a"}` is static too.
                if let ast::Expr::Str(s) = strip_parens(inner.clone()) {
                    if let Some(text) = self.static_string(&s) {
                        return Ok(AttrName::Static(Symbol::from_bytes(&text)));
                    }
                }
                Ok(AttrName::Dynamic(self.expr(inner)?))
            }
        }
    }

    // ----- strings and paths -----------------------------------------------------------------

    /// The literal parts of a string, with interpolations as `Err(expr)`.
    fn string_parts(&mut self, s: &ast::Str) -> Vec<Result<Vec<u8>, ast::Interpol>> {
        let indented = s.syntax().first_token().map(|t| t.text() == "''").unwrap_or(false);
        if indented {
            return indented_parts(s);
        }
        let mut out: Vec<Result<Vec<u8>, ast::Interpol>> = Vec::new();
        for part in s.parts() {
            match part {
                ast::InterpolPart::Literal(lit) => {
                    let text = unescape(lit.syntax().text().as_bytes());
                    match out.last_mut() {
                        Some(Ok(prev)) => prev.extend_from_slice(&text),
                        _ => out.push(Ok(text)),
                    }
                }
                ast::InterpolPart::Interpolation(i) => out.push(Err(i)),
            }
        }
        out
    }

    fn static_string(&mut self, s: &ast::Str) -> Option<Vec<u8>> {
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

    fn string(&mut self, s: &ast::Str) -> LResult<Expr> {
        let parts = self.string_parts(s);
        for p in parts.iter().flatten() {
            if p.contains(&0) {
                let shown = String::from_utf8_lossy(p).replace('\0', "␀");
                return Err(self.error(
                    ErrorKind::Parse,
                    format!("input string '{shown}' cannot be represented as Nix string because it contains null bytes"),
                    s.syntax(),
                ));
            }
        }
        if parts.iter().all(|p| p.is_ok()) {
            let mut text = Vec::new();
            for p in parts.into_iter().flatten() {
                text.extend_from_slice(&p);
            }
            return Ok(Expr::Const(Value::string(text)));
        }
        let mut lowered = Vec::with_capacity(parts.len());
        for p in parts {
            match p {
                Ok(t) => lowered.push(Expr::Const(Value::string(t))),
                Err(interp) => {
                    let inner = interp.expr().ok_or_else(|| self.missing(interp.syntax()))?;
                    lowered.push(self.expr(inner)?);
                }
            }
        }
        let pos = self.pos_of(s.syntax());
        Ok(Expr::Concat { parts: lowered.into_boxed_slice(), force_string: true, pos })
    }

    fn path(&mut self, path: &ast::Path) -> LResult<Expr> {
        let node = path.syntax().clone();
        if let ast::Path::PathSearch(search) = path {
            let content = search.content().ok_or_else(|| self.missing(&node))?;
            let text = content.text();
            let name = &text[1..text.len() - 1];
            let pos = self.pos_of(&node);
            let find_file = self.var(Symbol::new("__findFile"), &node)?;
            let nix_path = self.var(Symbol::new("__nixPath"), &node)?;
            return Ok(Expr::Call {
                func: Box::new(find_file),
                args: vec![nix_path, Expr::Const(Value::str(name))].into_boxed_slice(),
                pos,
            });
        }
        let parts = path.parts();
        let mut lowered = Vec::new();
        let mut first = true;
        for part in parts {
            match part {
                ast::InterpolPart::Literal(lit) => {
                    let text = lit.text();
                    if first {
                        let resolved = self.resolve_path_literal(text, &node)?;
                        lowered.push(Expr::Const(resolved));
                    } else {
                        lowered.push(Expr::Const(Value::str(text)));
                    }
                }
                ast::InterpolPart::Interpolation(i) => {
                    let inner = i.expr().ok_or_else(|| self.missing(i.syntax()))?;
                    lowered.push(self.expr(inner)?);
                }
            }
            first = false;
        }
        if lowered.len() == 1 {
            return Ok(lowered.pop().unwrap());
        }
        let pos = self.pos_of(&node);
        Ok(Expr::Concat { parts: lowered.into_boxed_slice(), force_string: false, pos })
    }

    fn resolve_path_literal(&mut self, text: &str, node: &rnix::SyntaxNode) -> LResult<Value> {
        let trailing_slash = text.len() > 1 && text.ends_with('/');
        if text.starts_with("~/") {
            self.lint(self.options.lint_absolute_paths, node, |_| {
                format!("home path literals are not portable. Consider replacing path literal '{text}' by a string, relative path, or parameter")
            })?;
        } else if text.starts_with('/') {
            self.lint(self.options.lint_absolute_paths, node, |_| {
                format!("absolute path literals are not portable. Consider replacing path literal '{text}' by a string, relative path, or parameter")
            })?;
        } else if !text.starts_with('.') {
            self.lint(self.options.lint_short_paths, node, |_| {
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
                        node,
                    ))
                }
            };
            canon_path(&format!("{home}/{rest}"))
        } else if text.starts_with('/') {
            canon_path(text)
        } else {
            canon_path(&format!("{}/{}", self.base_dir, text))
        };
        let mut s = abs;
        if trailing_slash && s != "/" {
            s.push('/');
        }
        Ok(Value::Path(s.into()))
    }

    // ----- functions -------------------------------------------------------------------------

    fn lambda(&mut self, lambda: &ast::Lambda, name: Option<Symbol>) -> LResult<Expr> {
        let param = lambda.param().ok_or_else(|| self.missing(lambda.syntax()))?;
        let body_ast = lambda.body().ok_or_else(|| self.missing(lambda.syntax()))?;
        let pos = self.pos_of(lambda.syntax());
        match param {
            ast::Param::IdentParam(ip) => {
                let ident = ip.ident().ok_or_else(|| self.missing(ip.syntax()))?;
                let arg = Self::ident_name(&ident);
                let mut frame = FxHashMap::default();
                frame.insert(arg, 0);
                self.scopes.push(Scope::Frame(frame));
                let body = self.expr(body_ast);
                self.scopes.pop();
                let body = body?;
                let strict_param = super::escape::param_only_forced(&body);
                Ok(Expr::Lambda(Box::new(LambdaDef { name, pos, param: Param::Ident(arg), body, strict_param })))
            }
            ast::Param::Pattern(pat) => {
                let mut names: Vec<(Symbol, Option<ast::Expr>, rowan::TextRange)> = Vec::new();
                let mut frame = FxHashMap::default();
                for entry in pat.pat_entries() {
                    let ident = entry.ident().ok_or_else(|| self.missing(entry.syntax()))?;
                    let n = Self::ident_name(&ident);
                    if frame.contains_key(&n) {
                        return Err(self.error(
                            ErrorKind::Parse,
                            format!("duplicate formal function argument '{}'", n),
                            ident.syntax(),
                        ));
                    }
                    frame.insert(n, names.len() as u32);
                    names.push((n, entry.default(), entry.syntax().text_range()));
                }
                let at = match pat.pat_bind() {
                    Some(bind) => {
                        let ident = bind.ident().ok_or_else(|| self.missing(bind.syntax()))?;
                        let n = Self::ident_name(&ident);
                        if frame.contains_key(&n) {
                            return Err(self.error(
                                ErrorKind::Parse,
                                format!("duplicate formal function argument '{}'", n),
                                ident.syntax(),
                            ));
                        }
                        frame.insert(n, names.len() as u32);
                        Some(n)
                    }
                    None => None,
                };
                let ellipsis = pat.ellipsis_token().is_some();
                self.scopes.push(Scope::Frame(frame));
                let result = (|| {
                    let mut formals = Vec::with_capacity(names.len());
                    for (n, default, range) in names {
                        let default = match default {
                            Some(d) => Some(self.expr(d)?),
                            None => None,
                        };
                        let fpos = self.pos_range(range);
                        formals.push(Formal { name: n, default, pos: fpos });
                    }
                    let body = self.expr(body_ast)?;
                    Ok((formals, body))
                })();
                self.scopes.pop();
                let (formals, body) = result?;
                Ok(Expr::Lambda(Box::new(LambdaDef {
                    name,
                    pos,
                    param: Param::Formals { formals: formals.into_boxed_slice(), ellipsis, at },
                    body,
                    strict_param: false,
                })))
            }
        }
    }

    // ----- attribute sets and let ------------------------------------------------------------

    /// Collects the bindings of a set or `let`, merging nested paths.
    fn collect(&mut self, node: &impl HasEntry, rec: bool, is_let: bool) -> LResult<Pending> {
        let mut pending = Pending::new(rec);
        self.collect_into(&mut pending, node, is_let)?;
        Ok(pending)
    }

    fn collect_into(&mut self, pending: &mut Pending, node: &impl HasEntry, is_let: bool) -> LResult<()> {
        for entry in node.entries() {
            match entry {
                ast::Entry::Inherit(inh) => {
                    let source = match inh.from() {
                        Some(from) => {
                            let e = from.expr().ok_or_else(|| self.missing(from.syntax()))?;
                            pending.sources.push(e);
                            Some(pending.sources.len() as u32 - 1)
                        }
                        None => None,
                    };
                    for attr in inh.attrs() {
                        let name = match self.static_attr_name(&attr) {
                            Some(s) => s,
                            None => {
                                return Err(self.error(
                                    ErrorKind::Parse,
                                    "dynamic attributes not allowed in inherit".into(),
                                    attr.syntax(),
                                ))
                            }
                        };
                        let value = match source {
                            Some(i) => PendingValue::InheritFrom(i),
                            None => PendingValue::InheritVar,
                        };
                        let range = attr.syntax().text_range();
                        self.add_static(pending, name, value, range)?;
                    }
                }
                ast::Entry::AttrpathValue(apv) => {
                    let path = apv.attrpath().ok_or_else(|| self.missing(apv.syntax()))?;
                    let value = apv.value().ok_or_else(|| self.missing(apv.syntax()))?;
                    let attrs: Vec<ast::Attr> = path.attrs().collect();
                    self.add_path(pending, &attrs, value, is_let)?;
                }
            }
        }
        Ok(())
    }

    fn to_pending_value(&mut self, value: ast::Expr) -> LResult<PendingValue> {
        let value = strip_parens(value);
        if let ast::Expr::AttrSet(set) = &value {
            let nested = self.collect(set, set.rec_token().is_some(), false)?;
            return Ok(PendingValue::Nested(Box::new(nested)));
        }
        Ok(PendingValue::Expr(value))
    }

    /// The name of an attribute if it is known without evaluation.
    fn static_attr_name(&mut self, attr: &ast::Attr) -> Option<Symbol> {
        match attr {
            ast::Attr::Ident(i) => Some(Self::ident_name(i)),
            ast::Attr::Str(s) => self.static_string(s).map(|t| Symbol::from_bytes(&t)),
            ast::Attr::Dynamic(d) => match d.expr().map(strip_parens) {
                Some(ast::Expr::Str(s)) => self.static_string(&s).map(|t| Symbol::from_bytes(&t)),
                _ => None,
            },
        }
    }

    fn add_path(&mut self, pending: &mut Pending, attrs: &[ast::Attr], value: ast::Expr, is_let: bool) -> LResult<()> {
        let first = &attrs[0];
        let name = match self.static_attr_name(first) {
            Some(s) => AttrName::Static(s),
            None => AttrName::Dynamic(Expr::Const(Value::Null)),
        };
        let range = first.syntax().text_range();
        match name {
            AttrName::Dynamic(_) => {
                if is_let {
                    return Err(self.error(
                        ErrorKind::Parse,
                        "dynamic attributes not allowed in let".into(),
                        first.syntax(),
                    ));
                }
                let v = if attrs.len() == 1 {
                    self.to_pending_value(value)?
                } else {
                    let mut nested = Pending::new(false);
                    self.add_path(&mut nested, &attrs[1..], value, false)?;
                    PendingValue::Nested(Box::new(nested))
                };
                let full_range = first.syntax().text_range();
                pending.dynamics.push((first.clone(), v, full_range));
                Ok(())
            }
            AttrName::Static(sym) => {
                if attrs.len() == 1 {
                    let v = self.to_pending_value(value)?;
                    self.add_static(pending, sym, v, range)
                } else {
                    match pending.index.get(&sym) {
                        Some(&i) => {
                            let prev = pending.statics[i].range;
                            match &mut pending.statics[i].value {
                                PendingValue::Nested(nested) => self.add_path(nested, &attrs[1..], value, false),
                                _ => Err(self.dup_attr(sym, prev, range)),
                            }
                        }
                        None => {
                            let mut nested = Pending::new(false);
                            self.add_path(&mut nested, &attrs[1..], value, false)?;
                            pending.index.insert(sym, pending.statics.len());
                            pending.statics.push(PendingAttr {
                                name: sym,
                                value: PendingValue::Nested(Box::new(nested)),
                                range,
                            });
                            Ok(())
                        }
                    }
                }
            }
        }
    }

    fn add_static(&mut self, pending: &mut Pending, name: Symbol, value: PendingValue, range: rowan::TextRange) -> LResult<()> {
        match pending.index.get(&name) {
            None => {
                pending.index.insert(name, pending.statics.len());
                pending.statics.push(PendingAttr { name, value, range });
                Ok(())
            }
            Some(&i) => {
                // Both literal sets: merge the new one into the existing one.
                let prev_range = pending.statics[i].range;
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
                            self.add_static(existing, attr.name, v, attr.range)?;
                        }
                        existing.dynamics.extend(new.dynamics);
                        Ok(())
                    }
                    _ => Err(self.dup_attr(name, prev_range, range)),
                }
            }
        }
    }

    fn dup_attr(&mut self, name: Symbol, prev: rowan::TextRange, here: rowan::TextRange) -> EvalError {
        let prev_pos = self.pos_range(prev);
        let where_ = match self.map.describe(prev_pos) {
            Some((file, line, col)) => format!("{file}:{line}:{col}"),
            None => "an unknown position".into(),
        };
        self.error_range(
            ErrorKind::Parse,
            format!("attribute '{}' already defined at {}", crate::print::attr_name_str(name.as_str()), where_),
            here,
        )
    }

    /// Lowers a collected attribute set literal.
    fn attrs_def(&mut self, pending: Pending) -> LResult<AttrsDef> {
        let rec = pending.rec;
        let opens_frame = rec || !pending.sources.is_empty();
        let n_statics = pending.statics.len() as u32;
        if opens_frame {
            let mut frame = FxHashMap::default();
            if rec {
                for (i, a) in pending.statics.iter().enumerate() {
                    frame.insert(a.name, i as u32);
                }
            }
            // Sources of a non-rec set are evaluated outside the frame that holds them.
            let sources = if rec {
                Vec::new()
            } else {
                let mut v = Vec::new();
                for s in &pending.sources {
                    v.push(self.expr(s.clone())?);
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
        for attr in pending.statics {
            let pos = self.pos_range(attr.range);
            let value = match attr.value {
                PendingValue::Expr(e) => {
                    let e = strip_parens(e);
                    if let ast::Expr::Lambda(l) = &e {
                        AttrValue::Expr(self.lambda(l, Some(attr.name))?)
                    } else {
                        AttrValue::Expr(self.expr(e)?)
                    }
                }
                PendingValue::Nested(nested) => AttrValue::Expr(Expr::Attrs(Box::new(self.attrs_def(*nested)?))),
                PendingValue::InheritVar => {
                    // Resolved in the enclosing scope: skip this set's frame.
                    let node_range = attr.range;
                    let saved = if has_frame { self.scopes.pop() } else { None };
                    let resolved = self.inherit_var(attr.name, node_range);
                    if let Some(s) = saved {
                        self.scopes.push(s);
                    }
                    AttrValue::Inherit(resolved?)
                }
                PendingValue::InheritFrom(k) => AttrValue::Expr(Expr::Select {
                    expr: Box::new(Expr::Var { depth: 0, slot: source_base + k, pos }),
                    path: vec![AttrName::Static(attr.name)].into_boxed_slice(),
                    default: None,
                    pos,
                }),
            };
            statics.push(StaticAttr { name: attr.name, value, pos });
        }
        let mut dynamics = Vec::with_capacity(pending.dynamics.len());
        for (name_attr, value, range) in pending.dynamics {
            let name = match self.attr_name(&name_attr)? {
                AttrName::Dynamic(e) => e,
                AttrName::Static(s) => Expr::Const(Value::str(s.as_str())),
            };
            let value = match value {
                PendingValue::Expr(e) => self.expr(e)?,
                PendingValue::Nested(nested) => Expr::Attrs(Box::new(self.attrs_def(*nested)?)),
                PendingValue::InheritVar | PendingValue::InheritFrom(_) => unreachable!("inherit is always static"),
            };
            let pos = self.pos_range(range);
            dynamics.push(DynamicAttr { name, value, pos });
        }
        let mut sources = Vec::new();
        if rec {
            for s in pending.sources {
                sources.push(self.expr(s)?);
            }
        }
        let has_overrides = rec && statics.iter().any(|a| a.name.as_str() == "__overrides");
        Ok(AttrsDef {
            rec,
            has_overrides,
            statics: statics.into_boxed_slice(),
            dynamics: dynamics.into_boxed_slice(),
            sources: sources.into_boxed_slice(),
            opens_frame: false,
        })
    }

    fn inherit_var(&mut self, name: Symbol, range: rowan::TextRange) -> LResult<Expr> {
        match self.resolve(name) {
            Resolved::Var(depth, slot) => {
                let pos = self.pos_range(range);
                Ok(Expr::Var { depth, slot, pos })
            }
            Resolved::Global(v) => Ok(Expr::Const(v)),
            Resolved::With(withs) => {
                let pos = self.pos_range(range);
                Ok(Expr::WithVar { name, withs, pos })
            }
            Resolved::Undefined => {
                let err = self.error_range(ErrorKind::UndefinedVariable, format!("undefined variable '{}'", name), range);
                self.undefined.get_or_insert(err);
                Ok(Expr::Const(Value::Null))
            }
        }
    }

    /// Lowers `let` bindings (a recursive frame) and then the body inside that frame.
    fn let_def(
        &mut self,
        pending: Pending,
        body: impl FnOnce(&mut Self) -> LResult<Expr>,
    ) -> LResult<(AttrsDef, Expr)> {
        let n_statics = pending.statics.len() as u32;
        let mut frame = FxHashMap::default();
        for (i, a) in pending.statics.iter().enumerate() {
            frame.insert(a.name, i as u32);
        }
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

/// Splits an indented string into CppNix's lexer tokens and strips the indentation following
/// the reference's `stripIndentation`.
fn indented_parts(s: &ast::Str) -> Vec<Result<Vec<u8>, ast::Interpol>> {
    // Tokens: (text, has_indentation) or an interpolation.
    enum Tok {
        Str(Vec<u8>, bool),
        Interp(ast::Interpol),
    }
    let mut toks: Vec<Tok> = Vec::new();
    let mut at_open = true;
    for part in s.parts() {
        match part {
            ast::InterpolPart::Literal(lit) => {
                let mut raw = lit.syntax().text().as_bytes();
                if at_open {
                    // The opening `''` swallows spaces followed by a newline.
                    let spaces = raw.iter().take_while(|&&c| c == b' ').count();
                    if raw.get(spaces) == Some(&b'\n') {
                        raw = &raw[spaces + 1..];
                    }
                }
                lex_indented(raw, &mut |text, ind| toks.push(Tok::Str(text, ind)));
            }
            ast::InterpolPart::Interpolation(i) => toks.push(Tok::Interp(i)),
        }
        at_open = false;
    }

    // Minimum indentation.
    let mut at_start = true;
    let mut min_indent = usize::MAX;
    let mut cur_indent = 0usize;
    for t in &toks {
        match t {
            Tok::Str(text, true) => {
                for &c in text {
                    if at_start {
                        if c == b' ' {
                            cur_indent += 1;
                        } else if c == b'\n' {
                            cur_indent = 0;
                        } else {
                            at_start = false;
                            min_indent = min_indent.min(cur_indent);
                        }
                    } else if c == b'\n' {
                        at_start = true;
                        cur_indent = 0;
                    }
                }
            }
            _ => {
                if at_start {
                    at_start = false;
                    min_indent = min_indent.min(cur_indent);
                }
            }
        }
    }
    if min_indent == usize::MAX {
        min_indent = 1000000;
    }

    // Strip.
    let mut out: Vec<Result<Vec<u8>, ast::Interpol>> = Vec::new();
    let mut at_start = true;
    let mut cur_dropped = 0usize;
    let n = toks.len();
    for (idx, t) in toks.into_iter().enumerate() {
        match t {
            Tok::Interp(i) => {
                at_start = false;
                cur_dropped = 0;
                out.push(Err(i));
            }
            Tok::Str(text, _) => {
                let mut s2 = Vec::with_capacity(text.len());
                for &c in &text {
                    if at_start {
                        if c == b' ' {
                            if cur_dropped >= min_indent {
                                s2.push(c);
                            }
                            cur_dropped += 1;
                        } else if c == b'\n' {
                            cur_dropped = 0;
                            s2.push(c);
                        } else {
                            at_start = false;
                            cur_dropped = 0;
                            s2.push(c);
                        }
                    } else {
                        s2.push(c);
                        if c == b'\n' {
                            at_start = true;
                        }
                    }
                }
                if idx == n - 1 {
                    if let Some(p) = s2.iter().rposition(|&c| c == b'\n') {
                        if s2[p + 1..].iter().all(|&c| c == b' ') {
                            s2.truncate(p + 1);
                        }
                    }
                }
                match out.last_mut() {
                    Some(Ok(prev)) => prev.extend_from_slice(&s2),
                    _ => out.push(Ok(s2)),
                }
            }
        }
    }
    out
}

/// The reference lexer's rules inside `''...''`, applied to the raw text between interpolations.
fn lex_indented(raw: &[u8], emit: &mut dyn FnMut(Vec<u8>, bool)) {
    let mut i = 0;
    let mut plain: Vec<u8> = Vec::new();
    while i < raw.len() {
        let c = raw[i];
        let next = raw.get(i + 1).copied();
        if c == b'\'' && next == Some(b'\'') {
            let third = raw.get(i + 2).copied();
            if !plain.is_empty() {
                emit(std::mem::take(&mut plain), true);
            }
            match third {
                Some(b'$') => {
                    emit(b"$".to_vec(), false);
                    i += 3;
                }
                Some(b'\'') => {
                    emit(b"''".to_vec(), false);
                    i += 3;
                }
                Some(b'\\') if i + 3 < raw.len() => {
                    // `''\X`: X is unescaped (a CR LF pair counts as one character).
                    let mut j = i + 3;
                    let mut esc = vec![b'\\', raw[j]];
                    if raw[j] == b'\r' && raw.get(j + 1) == Some(&b'\n') {
                        esc.push(b'\n');
                        j += 1;
                    }
                    emit(unescape(&esc), false);
                    i = j + 1;
                }
                _ => {
                    // Cannot happen inside a well-formed string (it would close it).
                    plain.extend_from_slice(b"''");
                    i += 2;
                }
            }
        } else if c == b'$' && next != Some(b'{') && next != Some(b'\'') && next.is_some() {
            plain.push(c);
            plain.push(next.unwrap());
            i += 2;
        } else if c == b'$' {
            // A lone `$` (before `'`, or at the end) is its own token.
            if !plain.is_empty() {
                emit(std::mem::take(&mut plain), true);
            }
            emit(b"$".to_vec(), false);
            i += 1;
        } else if c == b'\'' {
            // `'` followed by something other than `'` or `$` is plain text; a lone `'` is its
            // own token.
            match next {
                Some(n) if n != b'\'' && n != b'$' => {
                    plain.push(c);
                    plain.push(n);
                    i += 2;
                }
                _ => {
                    if !plain.is_empty() {
                        emit(std::mem::take(&mut plain), true);
                    }
                    emit(b"'".to_vec(), false);
                    i += 1;
                }
            }
        } else {
            plain.push(c);
            i += 1;
        }
    }
    if !plain.is_empty() {
        emit(plain, true);
    }
}

/// Canonicalises an absolute path like CppNix's `canonPath`: removes `.`, `..`, duplicate and
/// trailing slashes, without touching the file system.
pub fn canon_path(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    if parts.is_empty() {
        return "/".into();
    }
    let mut out = String::with_capacity(p.len());
    for s in parts {
        out.push('/');
        out.push_str(s);
    }
    out
}

/// Renders an expression the way CppNix's `Expr::show` does (used in assertion messages).
fn show(e: &ast::Expr, out: &mut String, l: &mut Lowerer) {
    use ast::Expr as E;
    match e {
        E::Paren(p) => {
            if let Some(i) = p.expr() {
                show(&i, out, l)
            }
        }
        E::Root(r) => {
            if let Some(i) = r.expr() {
                show(&i, out, l)
            }
        }
        E::Literal(lit) => match lit.kind() {
            ast::LiteralKind::Integer(i) => out.push_str(i.syntax().text()),
            ast::LiteralKind::Float(f) => {
                out.push_str(&crate::print::format_float(f.value().unwrap_or(0.0)));
            }
            ast::LiteralKind::Uri(u) => {
                crate::print::write_string_literal(out, u.syntax().text().as_bytes());
            }
        },
        E::Ident(i) => out.push_str(&crate::print::attr_name_str(Lowerer::ident_name(i).as_str())),
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
                    Err(i) => {
                        if let Some(inner) = i.expr() {
                            show(&inner, out, l)
                        }
                    }
                }
            }
            out.push(')');
        }
        E::PathAbs(_) | E::PathRel(_) | E::PathHome(_) | E::PathSearch(_) => {
            out.push_str(&e.syntax().text().to_string());
        }
        E::List(list) => {
            out.push_str("[ ");
            for item in list.items() {
                out.push('(');
                show(&item, out, l);
                out.push_str(") ");
            }
            out.push(']');
        }
        E::Apply(a) => {
            let mut args = Vec::new();
            let mut cur = E::Apply(a.clone());
            while let E::Apply(x) = &cur {
                if let Some(arg) = x.argument() {
                    args.push(arg);
                }
                match x.lambda() {
                    Some(f) => cur = f,
                    None => break,
                }
            }
            out.push('(');
            show(&cur, out, l);
            for arg in args.iter().rev() {
                out.push(' ');
                show(arg, out, l);
            }
            out.push(')');
        }
        E::Select(s) => {
            out.push('(');
            if let Some(i) = s.expr() {
                show(&i, out, l);
            }
            out.push_str(").");
            if let Some(p) = s.attrpath() {
                show_attrpath(&p, out, l);
            }
            if let Some(d) = s.default_expr() {
                out.push_str(" or (");
                show(&d, out, l);
                out.push(')');
            }
        }
        E::HasAttr(h) => {
            out.push_str("((");
            if let Some(i) = h.expr() {
                show(&i, out, l);
            }
            out.push_str(") ? ");
            if let Some(p) = h.attrpath() {
                show_attrpath(&p, out, l);
            }
            out.push(')');
        }
        E::UnaryOp(u) => {
            let inner = u.expr();
            match u.operator() {
                Some(ast::UnaryOpKind::Invert) => {
                    out.push_str("(! ");
                    if let Some(i) = inner {
                        show(&i, out, l);
                    }
                    out.push(')');
                }
                _ => {
                    out.push_str("(__sub 0 ");
                    if let Some(i) = inner {
                        show(&i, out, l);
                    }
                    out.push(')');
                }
            }
        }
        E::BinOp(b) => {
            use ast::BinOpKind as K;
            let (lhs, rhs) = match (b.lhs(), b.rhs()) {
                (Some(x), Some(y)) => (x, y),
                _ => return,
            };
            let call = |name: &str, a: &ast::Expr, c: &ast::Expr, out: &mut String, l: &mut Lowerer| {
                out.push('(');
                out.push_str(name);
                out.push(' ');
                show(a, out, l);
                out.push(' ');
                show(c, out, l);
                out.push(')');
            };
            match b.operator() {
                Some(K::Sub) => call("__sub", &lhs, &rhs, out, l),
                Some(K::Mul) => call("__mul", &lhs, &rhs, out, l),
                Some(K::Div) => call("__div", &lhs, &rhs, out, l),
                Some(K::Less) => call("__lessThan", &lhs, &rhs, out, l),
                Some(K::More) => call("__lessThan", &rhs, &lhs, out, l),
                Some(K::LessOrEq) => {
                    out.push_str("(! ");
                    call("__lessThan", &rhs, &lhs, out, l);
                    out.push(')');
                }
                Some(K::MoreOrEq) => {
                    out.push_str("(! ");
                    call("__lessThan", &lhs, &rhs, out, l);
                    out.push(')');
                }
                Some(op) => {
                    let s = match op {
                        K::Concat => "++",
                        K::Update => "//",
                        K::Add => "+",
                        K::And => "&&",
                        K::Equal => "==",
                        K::Implication => "->",
                        K::NotEqual => "!=",
                        K::Or => "||",
                        K::PipeRight => "|>",
                        K::PipeLeft => "<|",
                        _ => "?",
                    };
                    out.push('(');
                    show(&lhs, out, l);
                    out.push(' ');
                    out.push_str(s);
                    out.push(' ');
                    show(&rhs, out, l);
                    out.push(')');
                }
                None => {}
            }
        }
        E::IfElse(i) => {
            out.push_str("(if ");
            if let Some(c) = i.condition() {
                show(&c, out, l);
            }
            out.push_str(" then ");
            if let Some(c) = i.body() {
                show(&c, out, l);
            }
            out.push_str(" else ");
            if let Some(c) = i.else_body() {
                show(&c, out, l);
            }
            out.push(')');
        }
        E::Lambda(lam) => {
            out.push('(');
            match lam.param() {
                Some(ast::Param::IdentParam(ip)) => {
                    if let Some(i) = ip.ident() {
                        out.push_str(Lowerer::ident_name(&i).as_str());
                    }
                }
                Some(ast::Param::Pattern(p)) => {
                    out.push_str("{ ");
                    let mut entries: Vec<(String, Option<ast::Expr>)> = p
                        .pat_entries()
                        .filter_map(|e| e.ident().map(|i| (Lowerer::ident_name(&i).as_str().to_string(), e.default())))
                        .collect();
                    entries.sort_by(|a, b| a.0.cmp(&b.0));
                    let mut first = true;
                    for (n, d) in &entries {
                        if !first {
                            out.push_str(", ");
                        }
                        first = false;
                        out.push_str(n);
                        if let Some(d) = d {
                            out.push_str(" ? ");
                            show(d, out, l);
                        }
                    }
                    if p.ellipsis_token().is_some() {
                        if !first {
                            out.push_str(", ");
                        }
                        out.push_str("...");
                    }
                    out.push_str(" }");
                    if let Some(b) = p.pat_bind().and_then(|b| b.ident()) {
                        out.push_str(" @ ");
                        out.push_str(Lowerer::ident_name(&b).as_str());
                    }
                }
                None => {}
            }
            out.push_str(": ");
            if let Some(b) = lam.body() {
                show(&b, out, l);
            }
            out.push(')');
        }
        E::CurPos(_) => out.push_str("__curPos"),
        // Rarely used in assertions; CppNix's rendering of these is approximated by the source.
        other => out.push_str(&other.syntax().text().to_string()),
    }
}

fn show_attrpath(p: &ast::Attrpath, out: &mut String, l: &mut Lowerer) {
    let mut first = true;
    for attr in p.attrs() {
        if !first {
            out.push('.');
        }
        first = false;
        match &attr {
            ast::Attr::Ident(i) => out.push_str(&crate::print::attr_name_str(Lowerer::ident_name(i).as_str())),
            ast::Attr::Str(s) => match l.static_string(s) {
                Some(t) => out.push_str(&crate::print::attr_name_str(&String::from_utf8_lossy(&t))),
                None => {
                    out.push_str("\"${");
                    out.push_str(&s.syntax().text().to_string());
                    out.push_str("}\"");
                }
            },
            ast::Attr::Dynamic(d) => {
                out.push_str("\"${");
                if let Some(e) = d.expr() {
                    show(&e, out, l);
                }
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
    fn unescaping() {
        assert_eq!(unescape(br"a\nb\tc\$\{\\"), b"a\nb\tc${\\");
        assert_eq!(unescape(b"a\r\nb\rc"), b"a\nb\nc");
    }
}
