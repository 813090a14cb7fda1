//! The evaluator's intermediate representation.
//!
//! `lower` turns the syntax tree (`syntax::ast`) into this tree once per file, before anything is evaluated:
//! names are interned, variables are resolved to `(depth, slot)` pairs wherever `with` does not
//! get in the way, globals (builtins, `true`, ...) become constants, nested attribute paths are
//! merged, indented strings are stripped, and every node that can fail carries a compact [`Pos`].
//! Once a file's tree is handed to the evaluator it is leaked and referenced as `&'static Expr`,
//! so thunks and closures point into it without reference counting (as CppNix, which never frees
//! parsed code during an evaluation).

pub use super::escape::EagerSlots;
use super::symbol::Symbol;
use super::value::Value;
use crate::syntax::source::Pos;

pub enum Expr {
    /// A literal or a resolved global.
    Const(Value),
    /// A lexically bound variable: `depth` frames up, slot `slot`.
    Var { depth: u32, slot: u32, pos: Pos },
    /// A variable only a `with` can provide.
    WithVar(Box<WithVarDef>),
    /// `e.a.b.c` or `e.a.b or default`.
    Select(Box<SelectDef>),
    /// `e ? a.b.c`.
    HasAttr(Box<HasAttrDef>),
    /// An attribute set literal (`rec` or not).
    Attrs(Box<AttrsDef>),
    List(Box<[Expr]>),
    Lambda(Box<LambdaDef>),
    /// `f a b c`, flattened.
    Call(Box<CallDef>),
    /// `let ... in body` (also the legacy `let { ... }`, whose body is the `body` attribute).
    Let { bindings: Box<AttrsDef>, body: Box<Expr> },
    With { namespace: Box<Expr>, body: Box<Expr>, pos: Pos },
    If(Box<IfDef>),
    Assert(Box<AssertDef>),
    Not { expr: Box<Expr>, pos: Pos },
    Bin { op: BinOp, lhs: Box<Expr>, rhs: Box<Expr>, pos: Pos },
    /// String interpolation or path interpolation: the parts are concatenated with `+`'s rules
    /// after coercion; `force_string` is false for paths like `./${x}`.
    Concat { parts: Box<[Expr]>, force_string: bool, pos: Pos },
    /// `__curPos`.
    CurPos(Pos),
}

// Nodes are three words: variants that would be larger keep their fields behind one box (which
// also holds their first operand inline, so this costs no extra allocation).
const _: () = assert!(std::mem::size_of::<Expr>() == 24);

impl Expr {
    pub fn with_var(name: Symbol, withs: Box<[u32]>, pos: Pos) -> Expr {
        Expr::WithVar(Box::new(WithVarDef { name, withs, pos }))
    }
    pub fn select(expr: Expr, path: Box<[AttrName]>, default: Option<Box<Expr>>, pos: Pos) -> Expr {
        Expr::Select(Box::new(SelectDef { expr, path, default, pos }))
    }
    pub fn has_attr(expr: Expr, path: Box<[AttrName]>) -> Expr {
        Expr::HasAttr(Box::new(HasAttrDef { expr, path }))
    }
    pub fn call(func: Expr, args: Box<[Expr]>, pos: Pos) -> Expr {
        Expr::Call(Box::new(CallDef { func, args, pos }))
    }
}

/// See [`Expr::WithVar`]: the depths of the enclosing `with` frames, innermost first.
pub struct WithVarDef {
    pub name: Symbol,
    pub withs: Box<[u32]>,
    pub pos: Pos,
}

/// See [`Expr::Select`].
pub struct SelectDef {
    pub expr: Expr,
    pub path: Box<[AttrName]>,
    pub default: Option<Box<Expr>>,
    pub pos: Pos,
}

/// See [`Expr::HasAttr`].
pub struct HasAttrDef {
    pub expr: Expr,
    pub path: Box<[AttrName]>,
}

/// See [`Expr::Call`].
pub struct CallDef {
    pub func: Expr,
    pub args: Box<[Expr]>,
    pub pos: Pos,
}

/// See [`Expr::If`].
pub struct IfDef {
    pub cond: Expr,
    pub then: Expr,
    pub else_: Expr,
    pub pos: Pos,
}

/// See [`Expr::Assert`]: `text` is the condition as shown in the error.
pub struct AssertDef {
    pub cond: Expr,
    pub body: Expr,
    pub text: Box<str>,
    pub pos: Pos,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Concat,
    Update,
    Eq,
    NotEq,
    Less,
    LessEq,
    Greater,
    GreaterEq,
    And,
    Or,
    Impl,
    PipeRight,
    PipeLeft,
}

/// One attribute name in a path: known when lowering, or computed.
pub enum AttrName {
    Static(Symbol),
    Dynamic(Expr),
}

/// The value side of a static attribute definition.
pub enum AttrValue {
    /// Evaluated lazily in the scope of the set (the set's own frame when `rec`).
    Expr(Expr),
    /// `inherit x;`: a variable of the enclosing scope (evaluated in the outer frame).
    Inherit(Expr),
}

pub struct StaticAttr {
    pub name: Symbol,
    pub value: AttrValue,
    pub pos: Pos,
}

pub struct DynamicAttr {
    pub name: Expr,
    pub value: Expr,
    pub pos: Pos,
}

/// An attribute set literal or the bindings of a `let`.
///
/// Frames: when `rec` (always for `let`), the definition opens a frame whose slots are the static
/// attributes in order, followed by one slot per `inherit (source)` expression; otherwise a frame
/// is opened only if there are `inherit (source)` expressions, and it holds just those sources.
/// `AttrValue::Inherit` expressions are lowered in the enclosing scope (they skip the frame).
pub struct AttrsDef {
    pub rec: bool,
    pub statics: Box<[StaticAttr]>,
    /// The indices of `statics` in symbol order (the order of the set's entries).
    pub order: Box<[u32]>,
    pub dynamics: Box<[DynamicAttr]>,
    pub sources: Box<[Expr]>,
    /// Whether a frame is opened (see above).
    pub opens_frame: bool,
    /// A `rec` set with the legacy `__overrides` attribute: its frame slots must all be cells.
    pub has_overrides: bool,
}

pub struct LambdaDef {
    pub name: Option<Symbol>,
    pub pos: Pos,
    pub param: Param,
    pub body: Expr,
    /// `x: body` where the body only ever evaluates `x` and never stores it (see `escape`):
    /// cheap arguments may then be computed before the call.
    pub strict_param: bool,
    /// On the outermost lambda of a chain (or a lone `x: body`): the parameters the innermost
    /// body forces first, which a call applying the whole chain evaluates itself (see
    /// [`EagerSlots`]).
    pub eager: EagerSlots,
    /// Curried lambdas `x: y: z: body` (plain parameters, each the whole body of the previous)
    /// share one frame with a slot per parameter: `chain_slot` is this lambda's slot in it (0
    /// for the outermost, and for every lambda outside such a chain) and `chain_len` the
    /// number of slots. Calling the outermost builds the frame; calling an inner closure (a
    /// partial application, whose environment is the partly filled frame) copies the filled
    /// slots into a new frame. Variables of the chain are all at depth 0 in the innermost body.
    pub chain_slot: u32,
    pub chain_len: u32,
}

pub enum Param {
    /// `x: body`: the frame has one slot.
    Ident(Symbol),
    /// `{ a, b ? d, ... } @ x: body`: one slot per formal in order, then one for the `@` name.
    Formals { formals: Box<[Formal]>, ellipsis: bool, at: Option<Symbol> },
}

pub struct Formal {
    pub name: Symbol,
    pub default: Option<Expr>,
    pub pos: Pos,
}
