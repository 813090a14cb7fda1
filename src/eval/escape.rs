//! Which function parameters are only ever *evaluated* by the function's body, never stored.
//!
//! A parameter `x` of `x: body` escapes when a reference to it sits where the evaluator keeps a
//! thunk rather than a value: a list element, an attribute value, a `let` binding, a function
//! argument, a `with` namespace, a default of a formal. A parameter that never escapes is only
//! ever forced, so whether its argument was computed before the call or on first use cannot be
//! observed (not even by printing unevaluated values, which shows `<CODE>` for thunks). The
//! evaluator then computes cheap total arguments, such as `n - 1` on an already known integer,
//! before the call instead of allocating a thunk (see `Evaluator::eager_scalar`).
//!
//! The walk mirrors the frames the evaluator opens: one per lambda, `let`, `with` and attribute
//! set that opens a frame (see [`AttrsDef`]). Where in doubt it answers "escapes".

use super::expr::{AttrName, AttrValue, AttrsDef, BinOp, Expr, Param};

/// For each parameter of a lambda chain of `len` parameters sharing one frame (slots
/// `0..len`, see `LambdaDef::chain_slot`; `len` is 1 for a lone `x: body`) whose innermost
/// body is `body`: whether that parameter is only ever evaluated. One walk answers for the
/// whole chain.
pub fn params_only_forced(body: &Expr, len: usize) -> Vec<bool> {
    let mut walk = Walk { escaped: vec![false; len], left: len };
    walk.escapes(body, 0, false);
    walk.escaped.into_iter().map(|e| !e).collect()
}

/// The parameters looked for: which of the frame's slots were seen stored, and how many were
/// not (the walk stops once every one was).
struct Walk {
    escaped: Vec<bool>,
    left: usize,
}

impl Walk {
    /// Records the parameters `e`, evaluated `depth` frames below the parameters' frame, stores;
    /// true once every parameter is known to be stored (nothing is left to learn). `lazy`: `e`
    /// itself is in a position where a variable would be kept as a thunk.
    fn escapes(&mut self, e: &Expr, depth: u32, lazy: bool) -> bool {
        match e {
            Expr::Const(_) | Expr::CurPos(_) | Expr::WithVar(_) => false,
            Expr::Var { depth: d, slot, .. } => {
                if lazy && *d == depth {
                    if let Some(seen @ false) = self.escaped.get_mut(*slot as usize) {
                        *seen = true;
                        self.left -= 1;
                    }
                }
                self.left == 0
            }
            Expr::Select(s) => {
                self.escapes(&s.expr, depth, false)
                    || self.path_escapes(&s.path, depth)
                    || s.default.as_deref().is_some_and(|d| self.escapes(d, depth, false))
            }
            Expr::HasAttr(h) => self.escapes(&h.expr, depth, false) || self.path_escapes(&h.path, depth),
            Expr::Attrs(def) => self.attrs_escape(def, depth),
            Expr::List(items) => items.iter().any(|i| self.escapes(i, depth, true)),
            Expr::Lambda(def) => {
                // A lambda inside a chain shares its frame with the enclosing one.
                let inner = if def.chain_slot > 0 { depth } else { depth + 1 };
                let defaults = match &def.param {
                    Param::Ident(_) => false,
                    Param::Formals { formals, .. } => {
                        formals.iter().any(|f| f.default.as_ref().is_some_and(|d| self.escapes(d, inner, true)))
                    }
                };
                defaults || self.escapes(&def.body, inner, false)
            }
            Expr::Call(c) => self.escapes(&c.func, depth, false) || c.args.iter().any(|a| self.escapes(a, depth, true)),
            Expr::Let { bindings, body } => self.attrs_escape(bindings, depth) || self.escapes(body, depth + 1, false),
            Expr::With { namespace, body, .. } => self.escapes(namespace, depth, true) || self.escapes(body, depth + 1, false),
            Expr::If(i) => self.escapes(&i.cond, depth, false) || self.escapes(&i.then, depth, false) || self.escapes(&i.else_, depth, false),
            Expr::Assert(a) => self.escapes(&a.cond, depth, false) || self.escapes(&a.body, depth, false),
            Expr::Not { expr, .. } => self.escapes(expr, depth, false),
            Expr::Bin { op, lhs, rhs, .. } => match op {
                // The argument side of a pipe is passed as a thunk.
                BinOp::PipeRight => self.escapes(lhs, depth, true) || self.escapes(rhs, depth, false),
                BinOp::PipeLeft => self.escapes(lhs, depth, false) || self.escapes(rhs, depth, true),
                _ => self.escapes(lhs, depth, false) || self.escapes(rhs, depth, false),
            },
            Expr::Concat { parts, .. } => parts.iter().any(|p| self.escapes(p, depth, false)),
        }
    }

    fn path_escapes(&mut self, path: &[AttrName], depth: u32) -> bool {
        path.iter().any(|n| match n {
            AttrName::Static(_) => false,
            AttrName::Dynamic(e) => self.escapes(e, depth, false),
        })
    }

    /// An attribute set literal or `let` bindings: values and sources are kept as thunks.
    fn attrs_escape(&mut self, def: &AttrsDef, depth: u32) -> bool {
        // `let` always opens a frame; sets do when `opens_frame` says so.
        let inner = if def.opens_frame { depth + 1 } else { depth };
        // Sources of a recursive set live in its frame; those of other sets outside it.
        let sources_at = if def.rec { inner } else { depth };
        def.statics.iter().any(|a| match &a.value {
            AttrValue::Expr(e) => self.escapes(e, inner, true),
            AttrValue::Inherit(e) => self.escapes(e, depth, true),
        }) || def.dynamics.iter().any(|d| self.escapes(&d.name, inner, false) || self.escapes(&d.value, inner, true))
            || def.sources.iter().any(|s| self.escapes(s, sources_at, true))
    }
}

/// The parameters a lambda chain's body forces first, in order, before anything else
/// observable can happen (see [`EagerSlots`]).
pub fn strict_prefix(body: &Expr) -> EagerSlots {
    let mut out = EagerSlots::default();
    out.walk(body, 0);
    out
}

/// Up to four parameter slots of a lambda chain, in the order the body forces them first.
///
/// When the whole chain is applied and its body runs at once, the caller may evaluate these
/// arguments itself, in this order, instead of allocating thunks the body would force first
/// thing anyway: the same evaluations happen in the same order, with nothing observable in
/// between. An argument that fails is handed to the body as a thunk that raises the same
/// error, so the body's own trace frames are added as they would be. Identity is kept: a
/// variable passes its own (now forced) thunk, and a computed value that equality or the
/// printer could tell apart by identity (functions, lists, sets, floats) gets a fresh cell
/// of its own, as the thunk would have been.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct EagerSlots {
    len: u8,
    slots: [u8; 4],
    /// Bit `k` is set when slot `k` is one of `slots`.
    mask: u64,
}

impl EagerSlots {
    #[inline(always)]
    pub fn as_slice(&self) -> &[u8] {
        &self.slots[..self.len as usize]
    }
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// Whether `slot` is one of them.
    #[inline(always)]
    pub fn has(&self, slot: usize) -> bool {
        slot < 64 && self.mask & (1 << slot) != 0
    }
}

impl EagerSlots {
    /// Follows the evaluation of `e` (whose parameters' frame is `depth` frames up) for as
    /// long as it only forces parameters, recording them; returns whether it did nothing else
    /// at all, so that an operand evaluated next is still part of the prefix. Once it returns
    /// false, the whole walk unwinds without looking further.
    fn walk(&mut self, e: &Expr, depth: u32) -> bool {
        match e {
            Expr::Const(_) | Expr::CurPos(_) => true,
            Expr::Var { depth: d, slot, .. } if *d == depth => self.record(*slot as usize),
            // Any other variable is a thunk whose forcing may do anything.
            Expr::Var { .. } | Expr::WithVar(_) => false,
            // Building a frame of thunks evaluates nothing.
            Expr::Let { body, .. } | Expr::With { body, .. } => self.walk(body, depth + 1),
            Expr::Bin { op, lhs, rhs, .. } => {
                let (first, then) = match op {
                    // Both operands are evaluated before anything can fail.
                    BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Less | BinOp::GreaterEq | BinOp::Eq | BinOp::NotEq | BinOp::Concat | BinOp::Update => (lhs, Some(rhs)),
                    // `a > b` and `a <= b` force `b` first.
                    BinOp::Greater | BinOp::LessEq => (rhs, Some(lhs)),
                    // The right operand depends on the left one's value (`+` coerces a
                    // non-number left operand before evaluating the right one).
                    BinOp::Add | BinOp::And | BinOp::Or | BinOp::Impl => (lhs, None),
                    BinOp::PipeRight | BinOp::PipeLeft => return false,
                };
                if self.walk(first, depth) {
                    if let Some(then) = then {
                        self.walk(then, depth);
                    }
                }
                false
            }
            _ => {
                if let Some(first) = evaluated_first(e) {
                    self.walk(first, depth);
                }
                false
            }
        }
    }

    /// Parameter `slot` is forced: recorded unless already seen; false (stop) when the list is
    /// full.
    fn record(&mut self, slot: usize) -> bool {
        if self.has(slot) {
            return true;
        }
        let fits = slot < 64 && (self.len as usize) < self.slots.len();
        if fits {
            self.slots[self.len as usize] = slot as u8;
            self.len += 1;
            self.mask |= 1 << slot;
        }
        fits
    }
}

/// The part of `e` evaluated before anything else `e` does, for the expressions that evaluate
/// one part and then act on its value (which may fail): a condition, the set of a selection,
/// the function of a call (its arguments are thunks), the first part of an interpolation
/// (coerced before the next is evaluated). `None` for values built without evaluating anything.
fn evaluated_first(e: &Expr) -> Option<&Expr> {
    match e {
        Expr::If(i) => Some(&i.cond),
        Expr::Assert(a) => Some(&a.cond),
        Expr::Select(s) => Some(&s.expr),
        Expr::HasAttr(h) => Some(&h.expr),
        Expr::Not { expr, .. } => Some(expr),
        Expr::Call(c) => Some(&c.func),
        Expr::Concat { parts, .. } => parts.first(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::eval::expr::{Expr, Param};
    use crate::eval::{EvalOptions, Evaluator};
    use crate::syntax::source::Origin;

    /// Whether the outermost lambda of `src` has a parameter that is only forced.
    fn only_forced(src: &str) -> bool {
        let mut ev = Evaluator::new(EvalOptions::default(), Box::new(crate::eval::io::MemIo::default()));
        let e = ev.compile(Origin::String, src.into(), "/".into()).expect("parses");
        match e {
            Expr::Lambda(def) => {
                assert!(matches!(def.param, Param::Ident(_)));
                def.strict_param
            }
            _ => panic!("not a lambda: {src}"),
        }
    }

    /// `strict_param` of each lambda of the chain `src` starts with.
    fn chain_forced(src: &str) -> Vec<bool> {
        let mut ev = Evaluator::new(EvalOptions::default(), Box::new(crate::eval::io::MemIo::default()));
        let mut e = ev.compile(Origin::String, src.into(), "/".into()).expect("parses");
        let mut out = Vec::new();
        while let Expr::Lambda(def) = e {
            out.push(def.strict_param);
            e = &def.body;
            if !matches!(e, Expr::Lambda(inner) if inner.chain_slot > 0) {
                break;
            }
        }
        out
    }

    /// The eager slots of the chain `src` starts with.
    fn eager(src: &str) -> Vec<u8> {
        let mut ev = Evaluator::new(EvalOptions::default(), Box::new(crate::eval::io::MemIo::default()));
        match ev.compile(Origin::String, src.into(), "/".into()).expect("parses") {
            Expr::Lambda(def) => def.eager.as_slice().to_vec(),
            _ => panic!("not a lambda: {src}"),
        }
    }

    #[test]
    fn forced_first() {
        assert_eq!(eager("x: y: z: if y < x then z else x"), [1, 0]);
        assert_eq!(eager("x: y: if x > y then 1 else 2"), [1, 0]);
        assert_eq!(eager("x: y: y <= x"), [0, 1]);
        assert_eq!(eager("n: if n < 2 then n else n - 1"), [0]);
        assert_eq!(eager("x: y: x - y"), [0, 1]);
        assert_eq!(eager("x: y: x == y"), [0, 1]);
        assert_eq!(eager("x: y: x ++ y"), [0, 1]);
        assert_eq!(eager("x: y: x // y"), [0, 1]);
        // Stored parameters are fine: identity is kept by the call.
        assert_eq!(eager("x: y: [ x ] ++ y"), [0u8; 0]);
        assert_eq!(eager("x: y: x ++ [ y ]"), [0]);
        assert_eq!(eager("f: x: f x"), [0]);
        assert_eq!(eager("x: x.a.b"), [0]);
        assert_eq!(eager("x: x ? a"), [0]);
        assert_eq!(eager("x: !x"), [0]);
        assert_eq!(eager("x: assert x; 1"), [0]);
        assert_eq!(eager("x: let a = 1; in x - a"), [0]);
        assert_eq!(eager("x: with { }; x"), [0]);
        assert_eq!(eager("x: y: \"${x}${y}\""), [0]);
        // The same parameter twice counts once.
        assert_eq!(eager("x: y: x * x - y"), [0]);
        // `(a - b) - c`: the inner subtraction may fail before `c` is forced.
        assert_eq!(eager("a: b: c: a - b - c"), [0, 1]);
        assert_eq!(eager("a: b: c: d: e: if [ e d c b a ] == [ ] then 1 else 2"), [0u8; 0]);
        assert_eq!(eager("a: b: c: d: e: if e == d then c == b else a"), [4, 3]);
    }

    #[test]
    fn not_forced_first() {
        // The right operand depends on the left one's value.
        assert_eq!(eager("x: y: x + y"), [0]);
        assert_eq!(eager("x: y: x && y"), [0]);
        assert_eq!(eager("x: y: x || y"), [0]);
        assert_eq!(eager("x: y: x -> y"), [0]);
        // Something else is forced (or built, or called) first.
        let outer = "let g = 1; in x: g - x";
        let mut ev = Evaluator::new(EvalOptions::default(), Box::new(crate::eval::io::MemIo::default()));
        let e = ev.compile(Origin::String, outer.into(), "/".into()).expect("parses");
        let Expr::Let { body, .. } = e else { panic!("a let") };
        let Expr::Lambda(def) = &**body else { panic!("a lambda") };
        assert!(def.eager.is_empty());
        assert_eq!(eager("x: builtins.seq x x"), [0u8; 0]);
        assert_eq!(eager("x: [ x ]"), [0u8; 0]);
        assert_eq!(eager("x: { a = x; }.a"), [0u8; 0]);
        assert_eq!(eager("x: y: if true then x else y"), [0u8; 0]);
        assert_eq!(eager("x: with x; 1"), [0u8; 0]);
        assert_eq!(eager("x: with { }; a - x"), [0u8; 0]);
        assert_eq!(eager("x: y: z: if z then x else y"), [2]);
        assert_eq!(eager("x: y: x.${y}"), [0]);
        // Formals are bound from a set, not from separate arguments.
        assert_eq!(eager("{ a }: a"), [0u8; 0]);
    }

    #[test]
    fn each_parameter_of_a_chain() {
        assert_eq!(chain_forced("x: y: z: if y < x then z else x"), [true, true, true]);
        assert_eq!(chain_forced("x: y: z: [ y ] ++ [ (z + x) ]"), [true, false, true]);
        assert_eq!(chain_forced("x: y: { a = x; b = y; }"), [false, false]);
        assert_eq!(chain_forced("x: y: let f = a: a + y; in f x"), [false, true]);
        // Shadowing: the inner `x` is the one stored.
        assert_eq!(chain_forced("x: x: [ x ]"), [true, false]);
        // A chain stops at a lambda with formals, which has a frame of its own.
        assert_eq!(chain_forced("x: { a }: [ x ]"), [false]);
    }

    #[test]
    fn forced_only() {
        assert!(only_forced("n: if n < 2 then n else n - 1"));
        assert!(only_forced("n: n + 1"));
        assert!(only_forced("x: y: x * y"));
        assert!(only_forced("x: let a = 1; in a + x"));
        assert!(only_forced("x: { a = 1; }.${x}"));
        assert!(!only_forced("x: { a = 1; }.${toString x}"));
        assert!(only_forced("x: with { }; x + 1"));
    }

    #[test]
    fn stored() {
        assert!(!only_forced("x: [ x ]"));
        assert!(!only_forced("x: { a = x; }"));
        assert!(!only_forced("x: { inherit x; }"));
        assert!(!only_forced("x: rec { a = x; }"));
        assert!(!only_forced("x: let a = x; in a"));
        assert!(!only_forced("x: f: f x"));
        assert!(!only_forced("x: y: [ x ]"));
        assert!(!only_forced("x: with x; 1"));
        assert!(!only_forced("x: { a ? x }: a"));
        assert!(!only_forced("x: let y = 1; in { inherit x y; }"));
        assert!(!only_forced("x: with { }; [ x ]"));
        assert!(!only_forced("x: { inherit ({ a = x; }) a; }"));
        assert!(!only_forced("x: rec { inherit ({ a = x; }) a; }"));
    }
}
