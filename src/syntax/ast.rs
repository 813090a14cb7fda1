//! The syntax tree the parser builds and lowering consumes (then drops).
//!
//! It is small on purpose: identifiers are interned [`Symbol`]s, literals are byte spans of the
//! source (lowering unescapes strings, strips indentation and converts numbers), parentheses leave
//! no node, and `f a b` is one [`Expr::Apply`]. Every node that lowering may need to point at
//! carries a [`Span`]: the bytes from its first token to its last (parentheses around operands
//! included, as in the source).
//! It holds no semantic information: scopes, duplicates and the like are lowering's business.

use crate::eval::symbol::Symbol;

/// A byte range of the source.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: u32, end: u32) -> Span {
        Span { start, end }
    }
}

/// Binary operators are the IR's: the parser and the evaluator name them alike.
pub use crate::eval::expr::BinOp;

/// Which kind of literal a [`Expr::Literal`] is (its text is the span).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LiteralKind {
    Int,
    Float,
    Uri,
}

pub enum Expr {
    Literal(LiteralKind, Span),
    Ident(Symbol, Span),
    CurPos(Span),
    Str(Box<StrLit>),
    /// A path literal: the first part is the literal start (`./a/`, `/x`, `~/y`), then
    /// interpolations and further literal text.
    Path(Box<[StrPart]>, Span),
    /// `<name>`: the span includes the angle brackets.
    SearchPath(Span),
    List(Box<[Expr]>, Span),
    Attrs(Box<Bindings>),
    LetIn(Box<Bindings>, Box<Expr>, Span),
    /// `let { ... }`.
    LegacyLet(Box<Bindings>),
    Lambda(Box<Lambda>),
    /// `f a b`: at least one argument.
    Apply(Box<Expr>, Box<[Expr]>, Span),
    Select(Box<Select>),
    HasAttr(Box<Expr>, Box<[Attr]>, Span),
    If(Box<[Expr; 3]>, Span),
    Assert(Box<[Expr; 2]>, Span),
    With(Box<[Expr; 2]>, Span),
    Not(Box<Expr>, Span),
    Negate(Box<Expr>, Span),
    Binary(BinOp, Box<[Expr; 2]>, Span),
}

impl Expr {
    /// The node's span.
    pub fn span(&self) -> Span {
        match self {
            Expr::Literal(_, s)
            | Expr::Ident(_, s)
            | Expr::CurPos(s)
            | Expr::Path(_, s)
            | Expr::SearchPath(s)
            | Expr::List(_, s)
            | Expr::LetIn(_, _, s)
            | Expr::Apply(_, _, s)
            | Expr::HasAttr(_, _, s)
            | Expr::If(_, s)
            | Expr::Assert(_, s)
            | Expr::With(_, s)
            | Expr::Not(_, s)
            | Expr::Negate(_, s)
            | Expr::Binary(_, _, s) => *s,
            Expr::Str(s) => s.span,
            Expr::Attrs(b) | Expr::LegacyLet(b) => b.span,
            Expr::Lambda(l) => l.span,
            Expr::Select(s) => s.span,
        }
    }
}

/// A `"..."` or `''...''` string.
pub struct StrLit {
    pub indented: bool,
    pub parts: Box<[StrPart]>,
    /// The whole literal, quotes included.
    pub span: Span,
}

pub enum StrPart {
    /// Raw source text (escapes not yet interpreted).
    Lit(Span),
    Interp(Expr),
}

pub struct Select {
    pub expr: Expr,
    pub path: Box<[Attr]>,
    pub default: Option<Expr>,
    pub span: Span,
}

/// One name of an attribute path.
pub enum Attr {
    /// An identifier (or `or`).
    Ident(Symbol, Span),
    Str(Box<StrLit>),
    /// `${e}`: the span covers `${` to `}`.
    Dynamic(Box<Expr>, Span),
}

impl Attr {
    pub fn span(&self) -> Span {
        match self {
            Attr::Ident(_, s) | Attr::Dynamic(_, s) => *s,
            Attr::Str(s) => s.span,
        }
    }
}

/// The bindings of a set, a `let` or a legacy `let { }`.
pub struct Bindings {
    pub rec: bool,
    pub entries: Vec<Binding>,
    /// For sets: the whole set (`rec` included); for `let`: the whole expression.
    pub span: Span,
}

pub enum Binding {
    /// `inherit (from) a b;`
    Inherit { from: Option<Expr>, attrs: Box<[Attr]> },
    /// `a.b.c = value;`
    Assign { path: Box<[Attr]>, value: Expr },
}

pub struct Lambda {
    pub param: Param,
    pub body: Expr,
    pub span: Span,
}

pub enum Param {
    Ident(Symbol, Span),
    Pattern { entries: Box<[PatEntry]>, ellipsis: bool, bind: Option<(Symbol, Span)> },
}

pub struct PatEntry {
    pub name: Symbol,
    /// The identifier alone.
    pub name_span: Span,
    pub default: Option<Expr>,
    /// The identifier and its default.
    pub span: Span,
}
