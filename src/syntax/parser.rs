//! The parser: tokens → [`ast::Expr`], by recursive descent with precedence climbing, following
//! the grammar and the operator precedences of CppNix's `parser.y`.
//!
//! Precedence, loosest first: `->` (right), `||`, `&&` (left), `==` `!=` (non-associative),
//! `<` `>` `<=` `>=` (non-associative), `//` (right), prefix `!`, `+` `-` (left), `*` `/`
//! (left), `++` (right), `?` (chains to the left), prefix `-`, application, `.` selection. The pipe
//! operators sit below all of them and do not mix (`<|` right, `|>` left). Lambdas, `let`,
//! `with`, `assert` and `if` appear only where a whole expression may.
//!
//! Errors carry a position and a short message; the evaluation front end reports syntax errors in
//! its established wording by other means (see `syntax::parse_and_lower`), so these messages
//! matter only where that fails. Checks that need names (duplicate attributes or formals, dynamic
//! names in `let` or `inherit`) are lowering's. Recursion is bounded by the native stack budget
//! (`crate::stack`), and long chains of binary operators are parsed iteratively.

use super::ast::*;
use super::lexer::{Lexer, Tok, Token};
use crate::eval::symbol::Symbol;

/// A syntax error: a message and the byte range it points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub start: u32,
    pub end: u32,
}

type PResult<T> = Result<T, ParseError>;

/// Parses a whole file (one expression).
pub fn parse(src: &str) -> PResult<Expr> {
    let mut p = Parser::new(src);
    let e = p.expr()?;
    if p.cur.kind != Tok::Eof {
        return Err(p.unexpected_expecting("end of file"));
    }
    Ok(e)
}

struct Parser<'s> {
    src: &'s str,
    lx: Lexer<'s>,
    cur: Token,
    /// Tokens read ahead, in batches: `ahead[next..]` follow `cur`.
    ahead: Vec<Token>,
    next: usize,
    last_end: u32,
    /// Stacks that lists of children are gathered on (each list on top of the lists still being
    /// gathered around it), so that each list is allocated once, at its final size.
    exprs: Vec<Expr>,
    parts: Vec<StrPart>,
    attrs: Vec<Attr>,
    bindings: Vec<Binding>,
    symbols: SymbolCache,
    /// See `crate::stack::limit`.
    stack_limit: usize,
}

/// The symbols of identifiers met so far in this file, found again without a trip to the
/// interner: a direct-mapped table, indexed by a hash of the identifier's length and its first
/// and last eight bytes. Those determine identifiers of up to 16 bytes, so most are recognised
/// by comparing two words; longer ones compare their text. A miss (or a collision) asks the
/// interner and takes the slot.
struct SymbolCache {
    slots: Box<[CachedSymbol]>,
}

#[derive(Clone, Copy)]
struct CachedSymbol {
    first: u64,
    last: u64,
    /// Where the identifier occurred; `len == 0` marks an empty slot (identifiers are never
    /// empty).
    start: u32,
    len: u32,
    symbol: Symbol,
}

const SYMBOL_CACHE_SIZE: usize = 1024;

impl SymbolCache {
    fn new() -> SymbolCache {
        let empty = CachedSymbol { first: 0, last: 0, start: 0, len: 0, symbol: Symbol(0) };
        SymbolCache { slots: vec![empty; SYMBOL_CACHE_SIZE].into_boxed_slice() }
    }

    /// The symbol of `src[start..end]`.
    #[inline]
    fn get(&mut self, src: &str, start: u32, end: u32) -> Symbol {
        let bytes = src.as_bytes();
        let (start, end) = (start as usize, end as usize);
        let len = end - start;
        // The eight bytes from `at`, little-endian, zero past the end of the text.
        let word = |at: usize| match bytes.get(at..at + 8) {
            Some(b) => u64::from_le_bytes(b.try_into().expect("eight bytes")),
            None => bytes[at.min(bytes.len())..].iter().rev().fold(0u64, |acc, &c| (acc << 8) | c as u64),
        };
        let (first, last) = if len >= 8 {
            (word(start), word(end - 8))
        } else {
            (word(start) & ((1u64 << (8 * len)) - 1), 0)
        };
        let h = (first ^ last.rotate_left(29) ^ len as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let i = (h >> (64 - SYMBOL_CACHE_SIZE.trailing_zeros())) as usize;
        let slot = self.slots[i];
        if slot.first == first
            && slot.last == last
            && slot.len as usize == len
            && len != 0
            && (len <= 16 || bytes[slot.start as usize..slot.start as usize + len] == bytes[start..end])
        {
            return slot.symbol;
        }
        let symbol = Symbol::new(&src[start..end]);
        self.slots[i] = CachedSymbol { first, last, start: start as u32, len: len as u32, symbol };
        symbol
    }
}

/// How many tokens the lexer reads ahead at once.
const BATCH: usize = 128;

/// Moves the top of a gathering stack, from `base`, into a slice of exactly that size.
fn take<T>(stack: &mut Vec<T>, base: usize) -> Box<[T]> {
    let mut items = Vec::with_capacity(stack.len() - base);
    items.extend(stack.drain(base..));
    items.into_boxed_slice()
}

/// Binary operator levels (higher binds tighter) and associativity.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Assoc {
    Left,
    Right,
    None,
}

const NOT_LEVEL: u8 = 7;
const HAS_ATTR_LEVEL: u8 = 11;
const NEGATE_LEVEL: u8 = 12;

fn binary(kind: Tok) -> Option<(u8, Assoc, BinOp)> {
    use Assoc::*;
    Some(match kind {
        Tok::Impl => (1, Right, BinOp::Impl),
        Tok::Or => (2, Left, BinOp::Or),
        Tok::And => (3, Left, BinOp::And),
        Tok::Eq => (4, None, BinOp::Eq),
        Tok::NotEq => (4, None, BinOp::NotEq),
        Tok::Less => (5, None, BinOp::Less),
        Tok::Greater => (5, None, BinOp::Greater),
        Tok::LessEq => (5, None, BinOp::LessEq),
        Tok::GreaterEq => (5, None, BinOp::GreaterEq),
        Tok::Update => (6, Right, BinOp::Update),
        Tok::Plus => (8, Left, BinOp::Add),
        Tok::Minus => (8, Left, BinOp::Sub),
        Tok::Star => (9, Left, BinOp::Mul),
        Tok::Slash => (9, Left, BinOp::Div),
        Tok::Concat => (10, Right, BinOp::Concat),
        _ => return Option::None,
    })
}

/// Whether a token ends an expression wherever it follows one: a one-token operand followed
/// by one is the whole expression (the operator levels between have nothing to do).
fn ends_expr(kind: Tok) -> bool {
    matches!(
        kind,
        Tok::Semi | Tok::RParen | Tok::RBrace | Tok::Comma | Tok::Then | Tok::Else | Tok::In | Tok::Eof
    )
}

/// Whether a token can start an argument of a function application (CppNix's `expr_select`).
fn starts_select(kind: Tok) -> bool {
    matches!(
        kind,
        Tok::Ident
            | Tok::Int
            | Tok::Float
            | Tok::Uri
            | Tok::Path
            | Tok::SearchPath
            | Tok::StrOpen
            | Tok::IndOpen
            | Tok::LParen
            | Tok::LBrace
            | Tok::LBrack
            | Tok::Rec
    )
}

impl<'s> Parser<'s> {
    fn new(src: &'s str) -> Parser<'s> {
        let mut lx = Lexer::new(src);
        let cur = lx.next_token();
        Parser {
            src,
            lx,
            cur,
            ahead: Vec::with_capacity(BATCH),
            next: 0,
            last_end: 0,
            exprs: Vec::new(),
            parts: Vec::new(),
            attrs: Vec::new(),
            bindings: Vec::new(),
            symbols: SymbolCache::new(),
            stack_limit: crate::stack::limit(),
        }
    }

    #[inline]
    fn bump(&mut self) -> Token {
        let t = self.cur;
        self.last_end = t.end;
        if self.next == self.ahead.len() {
            self.read_ahead();
        }
        self.cur = self.ahead[self.next];
        self.next += 1;
        t
    }

    /// Reads the next batch of tokens, keeping those not consumed yet.
    #[inline(never)]
    fn read_ahead(&mut self) {
        self.ahead.drain(..self.next);
        self.next = 0;
        self.lx.fill(&mut self.ahead, BATCH);
    }

    /// The kind of the token `n` places after the current one.
    #[inline]
    fn nth(&mut self, n: usize) -> Tok {
        while self.ahead.len() - self.next < n {
            self.read_ahead();
        }
        self.ahead[self.next + n - 1].kind
    }

    fn unexpected(&self) -> ParseError {
        let t = self.cur;
        let message = match t.kind {
            Tok::Error => self.lx.error.to_string(),
            Tok::Eof => "syntax error, unexpected end of file".to_string(),
            k => format!("syntax error, unexpected {}", k.describe()),
        };
        ParseError { message, start: t.start, end: t.end }
    }

    /// `unexpected X, expecting ...` (CppNix lists the expected tokens when there are at most
    /// four).
    fn unexpected_expecting(&self, expected: &str) -> ParseError {
        let mut e = self.unexpected();
        if self.cur.kind != Tok::Error {
            e.message.push_str(", expecting ");
            e.message.push_str(expected);
        }
        e
    }

    fn expect(&mut self, kind: Tok) -> PResult<Token> {
        if self.cur.kind == kind {
            Ok(self.bump())
        } else {
            let mut e = self.unexpected();
            if self.cur.kind != Tok::Error {
                e.message.push_str(", expecting ");
                e.message.push_str(kind.describe());
            }
            Err(e)
        }
    }

    fn symbol(&mut self, t: Token) -> Symbol {
        self.symbols.get(self.src, t.start, t.end)
    }

    fn span_from(&self, start: u32) -> Span {
        Span::new(start, self.last_end)
    }

    fn too_deep(&self) -> ParseError {
        ParseError { message: "expression nested too deeply".into(), start: self.cur.start, end: self.cur.end }
    }

    // ----- expressions -----------------------------------------------------------------------

    /// A whole expression: lambdas, `assert`, `with`, `let`, `if`, pipes, operators.
    fn expr(&mut self) -> PResult<Expr> {
        if crate::stack::past(self.stack_limit) {
            return Err(self.too_deep());
        }
        let start = self.cur.start;
        let kind = self.cur.kind;
        match kind {
            Tok::Ident => match self.nth(1) {
                Tok::Colon => {
                    let t = self.bump();
                    let name = self.symbol(t);
                    self.bump();
                    let body = self.expr()?;
                    let param = Param::Ident(name, Span::new(t.start, t.end));
                    Ok(Expr::Lambda(Box::new(Lambda { param, body, span: self.span_from(start) })))
                }
                Tok::At => {
                    let t = self.bump();
                    let bind = (self.symbol(t), Span::new(t.start, t.end));
                    self.bump();
                    self.expect(Tok::LBrace)?;
                    self.pattern_lambda(start, Some(bind))
                }
                next if ends_expr(next) => Ok(self.simple()?.0),
                _ => self.pipes(),
            },
            Tok::Int | Tok::Float | Tok::Uri | Tok::SearchPath if ends_expr(self.nth(1)) => Ok(self.simple()?.0),
            Tok::LBrace if self.looks_like_pattern() => {
                self.bump();
                self.pattern_lambda(start, None)
            }
            Tok::Assert | Tok::With => {
                let kw = self.bump().kind;
                let first = self.expr()?;
                self.expect(Tok::Semi)?;
                let body = self.expr()?;
                let span = self.span_from(start);
                let pair = Box::new([first, body]);
                Ok(if kw == Tok::Assert { Expr::Assert(pair, span) } else { Expr::With(pair, span) })
            }
            Tok::Let if self.nth(1) != Tok::LBrace => {
                self.bump();
                let entries = self.bindings(Tok::In)?;
                self.bump();
                let body = self.expr()?;
                let span = self.span_from(start);
                let bindings = Box::new(Bindings { rec: true, entries, span });
                Ok(Expr::LetIn(bindings, Box::new(body), span))
            }
            Tok::If => {
                self.bump();
                let cond = self.expr()?;
                self.expect(Tok::Then)?;
                let then = self.expr()?;
                self.expect(Tok::Else)?;
                let else_ = self.expr()?;
                Ok(Expr::If(Box::new([cond, then, else_]), self.span_from(start)))
            }
            _ => self.pipes(),
        }
    }

    /// After `{`: whether formals follow (the same two-token look-ahead the reference grammar
    /// resolves by itself).
    fn looks_like_pattern(&mut self) -> bool {
        matches!(
            (self.nth(1), self.nth(2)),
            (Tok::Ident, Tok::Comma | Tok::Question | Tok::RBrace)
                | (Tok::Ellipsis, _)
                | (Tok::RBrace, Tok::Colon | Tok::At)
        )
    }

    /// The formals after `{`, an optional `@ name`, `:` and the body.
    fn pattern_lambda(&mut self, start: u32, mut bind: Option<(Symbol, Span)>) -> PResult<Expr> {
        let mut entries = Vec::new();
        let mut ellipsis = false;
        loop {
            match self.cur.kind {
                Tok::RBrace => {
                    self.bump();
                    break;
                }
                Tok::Ellipsis => {
                    self.bump();
                    ellipsis = true;
                    self.expect(Tok::RBrace)?;
                    break;
                }
                Tok::Ident => {
                    let t = self.bump();
                    let default = if self.cur.kind == Tok::Question {
                        self.bump();
                        Some(self.expr()?)
                    } else {
                        None
                    };
                    entries.push(PatEntry {
                        name: self.symbol(t),
                        name_span: Span::new(t.start, t.end),
                        default,
                        span: self.span_from(t.start),
                    });
                    if self.cur.kind == Tok::Comma {
                        self.bump();
                    } else {
                        self.expect(Tok::RBrace)?;
                        break;
                    }
                }
                _ => return Err(self.unexpected()),
            }
        }
        if self.cur.kind == Tok::At {
            if bind.is_some() {
                return Err(self.unexpected_expecting("':'"));
            }
            self.bump();
            let t = self.expect(Tok::Ident)?;
            bind = Some((self.symbol(t), Span::new(t.start, t.end)));
        }
        self.expect(Tok::Colon)?;
        let body = self.expr()?;
        let param = Param::Pattern { entries: entries.into_boxed_slice(), ellipsis, bind };
        Ok(Expr::Lambda(Box::new(Lambda { param, body, span: self.span_from(start) })))
    }

    /// Operators, then `<|` (right-associative) or `|>` (left-associative) chains, which do not
    /// mix.
    #[inline]
    fn pipes(&mut self) -> PResult<Expr> {
        let start = self.cur.start;
        let first = self.op(0)?;
        match self.cur.kind {
            Tok::PipeInto => {
                let mut lhs = first;
                while self.cur.kind == Tok::PipeInto {
                    self.bump();
                    let rhs = self.op(0)?;
                    lhs = Expr::Binary(BinOp::PipeRight, Box::new([lhs, rhs]), self.span_from(start));
                }
                if self.cur.kind == Tok::PipeFrom {
                    return Err(self.unexpected());
                }
                Ok(lhs)
            }
            Tok::PipeFrom => {
                let mut operands = vec![(first, start)];
                while self.cur.kind == Tok::PipeFrom {
                    self.bump();
                    let s = self.cur.start;
                    operands.push((self.op(0)?, s));
                }
                if self.cur.kind == Tok::PipeInto {
                    return Err(self.unexpected());
                }
                Ok(self.fold_right(BinOp::PipeLeft, operands))
            }
            _ => Ok(first),
        }
    }

    /// `a op (b op (c ...))` from the operands and where each starts.
    fn fold_right(&mut self, op: BinOp, mut operands: Vec<(Expr, u32)>) -> Expr {
        let end = self.last_end;
        let (mut acc, _) = operands.pop().expect("at least two operands");
        while let Some((lhs, s)) = operands.pop() {
            acc = Expr::Binary(op, Box::new([lhs, acc]), Span::new(s, end));
        }
        acc
    }

    /// Operators binding at least as tightly as level `min`, with the prefix operators.
    fn op(&mut self, min: u8) -> PResult<Expr> {
        let start = self.cur.start;
        let mut lhs = match self.cur.kind {
            Tok::Not | Tok::Minus => {
                if crate::stack::past(self.stack_limit) {
                    return Err(self.too_deep());
                }
                let not = self.cur.kind == Tok::Not;
                self.bump();
                let e = Box::new(self.op(if not { NOT_LEVEL } else { NEGATE_LEVEL } + 1)?);
                let span = self.span_from(start);
                if not {
                    Expr::Not(e, span)
                } else {
                    Expr::Negate(e, span)
                }
            }
            _ => self.app()?,
        };
        // The level of the non-associative operator just applied at this level, if any.
        let mut last_nonassoc = 0u8;
        loop {
            let kind = self.cur.kind;
            if kind == Tok::Question {
                // Its right side is an attribute path, so `a ? b ? c` chains to the left.
                if HAS_ATTR_LEVEL < min {
                    break;
                }
                self.bump();
                let path = self.attrpath(true)?;
                lhs = Expr::HasAttr(Box::new(lhs), path, self.span_from(start));
                continue;
            }
            let Some((level, assoc, op)) = binary(kind) else { break };
            if level < min {
                break;
            }
            match assoc {
                Assoc::Left => {
                    self.bump();
                    let rhs = self.op(level + 1)?;
                    lhs = Expr::Binary(op, Box::new([lhs, rhs]), self.span_from(start));
                    last_nonassoc = 0;
                }
                Assoc::None => {
                    if last_nonassoc == level {
                        return Err(self.unexpected());
                    }
                    self.bump();
                    let rhs = self.op(level + 1)?;
                    lhs = Expr::Binary(op, Box::new([lhs, rhs]), self.span_from(start));
                    last_nonassoc = level;
                }
                Assoc::Right => {
                    self.bump();
                    let s = self.cur.start;
                    let rhs = self.op(level + 1)?;
                    if self.cur.kind != kind {
                        lhs = Expr::Binary(op, Box::new([lhs, rhs]), self.span_from(start));
                    } else {
                        // Collect the whole chain, then nest from the right.
                        let mut operands = vec![(lhs, start), (rhs, s)];
                        while self.cur.kind == kind {
                            self.bump();
                            let s = self.cur.start;
                            operands.push((self.op(level + 1)?, s));
                        }
                        lhs = self.fold_right(op, operands);
                    }
                    last_nonassoc = 0;
                }
            }
        }
        Ok(lhs)
    }

    /// Function application: `f a b` (arguments are selections).
    #[inline]
    fn app(&mut self) -> PResult<Expr> {
        let start = self.cur.start;
        let (func, paren) = self.select()?;
        if !starts_select(self.cur.kind) && !(self.cur.kind == Tok::Let && self.nth(1) == Tok::LBrace) {
            return Ok(func);
        }
        // `b or c` continues the call `b or` (the reference's `or` quirk), unless parenthesized.
        let base = self.exprs.len();
        let func = match func {
            Expr::Apply(f, a, _) if !paren => {
                self.exprs.extend(a.into_vec());
                *f
            }
            f => f,
        };
        while starts_select(self.cur.kind) || (self.cur.kind == Tok::Let && self.nth(1) == Tok::LBrace) {
            let arg = self.select()?.0;
            self.exprs.push(arg);
        }
        let args = take(&mut self.exprs, base);
        Ok(Expr::Apply(Box::new(func), args, self.span_from(start)))
    }

    /// `e`, `e.a.b`, `e.a.b or d`, and `e or` (a call of `e` with the variable `or`). Also says
    /// whether the expression was parenthesized.
    fn select(&mut self) -> PResult<(Expr, bool)> {
        let start = self.cur.start;
        let (e, paren) = self.simple()?;
        match self.cur.kind {
            Tok::Dot => {
                self.bump();
                let path = self.attrpath(true)?;
                let default = if self.cur.kind == Tok::OrKw {
                    self.bump();
                    Some(self.select()?.0)
                } else {
                    None
                };
                let span = self.span_from(start);
                Ok((Expr::Select(Box::new(Select { expr: e, path, default, span })), false))
            }
            Tok::OrKw => {
                let t = self.bump();
                let or = Expr::Ident(self.symbol(t), Span::new(t.start, t.end));
                Ok((Expr::Apply(Box::new(e), Box::new([or]), self.span_from(start)), false))
            }
            _ => Ok((e, paren)),
        }
    }

    /// Literals, variables, strings, paths, parenthesized expressions, sets, lists.
    fn simple(&mut self) -> PResult<(Expr, bool)> {
        let start = self.cur.start;
        let t = self.cur;
        let kind = t.kind;
        let e = match kind {
            Tok::Ident => {
                self.bump();
                let text = &self.src[t.start as usize..t.end as usize];
                let span = Span::new(t.start, t.end);
                if text == "__curPos" {
                    Expr::CurPos(span)
                } else {
                    Expr::Ident(self.symbol(t), span)
                }
            }
            Tok::Int | Tok::Float | Tok::Uri => {
                self.bump();
                let kind = match t.kind {
                    Tok::Int => LiteralKind::Int,
                    Tok::Float => LiteralKind::Float,
                    _ => LiteralKind::Uri,
                };
                Expr::Literal(kind, Span::new(t.start, t.end))
            }
            Tok::StrOpen | Tok::IndOpen => Expr::Str(Box::new(self.string()?)),
            Tok::Path => {
                self.bump();
                let base = self.parts.len();
                self.parts.push(StrPart::Lit(Span::new(t.start, t.end)));
                loop {
                    match self.cur.kind {
                        Tok::PathPart => {
                            let p = self.bump();
                            self.parts.push(StrPart::Lit(Span::new(p.start, p.end)));
                        }
                        Tok::Interp => {
                            self.bump();
                            let e = self.expr()?;
                            self.expect(Tok::RBrace)?;
                            self.parts.push(StrPart::Interp(e));
                        }
                        Tok::PathEnd => {
                            self.bump();
                            break;
                        }
                        _ => return Err(self.unexpected()),
                    }
                }
                Expr::Path(take(&mut self.parts, base), self.span_from(start))
            }
            Tok::SearchPath => {
                self.bump();
                Expr::SearchPath(Span::new(t.start, t.end))
            }
            Tok::LParen => {
                self.bump();
                let e = self.expr()?;
                self.expect(Tok::RParen)?;
                return Ok((e, true));
            }
            Tok::Let if self.nth(1) == Tok::LBrace => {
                self.bump();
                self.bump();
                let entries = self.bindings(Tok::RBrace)?;
                self.bump();
                Expr::LegacyLet(Box::new(Bindings { rec: true, entries, span: self.span_from(start) }))
            }
            Tok::Rec => {
                self.bump();
                self.expect(Tok::LBrace)?;
                let entries = self.bindings(Tok::RBrace)?;
                self.bump();
                Expr::Attrs(Box::new(Bindings { rec: true, entries, span: self.span_from(start) }))
            }
            Tok::LBrace => {
                self.bump();
                let entries = self.bindings(Tok::RBrace)?;
                self.bump();
                Expr::Attrs(Box::new(Bindings { rec: false, entries, span: self.span_from(start) }))
            }
            Tok::LBrack => {
                self.bump();
                let base = self.exprs.len();
                while self.cur.kind != Tok::RBrack {
                    if !starts_select(self.cur.kind) && !(self.cur.kind == Tok::Let && self.nth(1) == Tok::LBrace) {
                        return Err(self.unexpected());
                    }
                    let item = self.select()?.0;
                    self.exprs.push(item);
                }
                self.bump();
                Expr::List(take(&mut self.exprs, base), self.span_from(start))
            }
            _ => return Err(self.unexpected()),
        };
        Ok((e, false))
    }

    /// A `"..."` or `''...''` string, at its opening token.
    fn string(&mut self) -> PResult<StrLit> {
        let open = self.bump();
        let indented = open.kind == Tok::IndOpen;
        let (part, close) = if indented { (Tok::IndPart, Tok::IndClose) } else { (Tok::StrPart, Tok::StrClose) };
        let base = self.parts.len();
        loop {
            let k = self.cur.kind;
            if k == part {
                let p = self.bump();
                self.parts.push(StrPart::Lit(Span::new(p.start, p.end)));
            } else if k == Tok::Interp {
                self.bump();
                let e = self.expr()?;
                self.expect(Tok::RBrace)?;
                self.parts.push(StrPart::Interp(e));
            } else if k == close {
                self.bump();
                break;
            } else {
                return Err(self.unexpected());
            }
        }
        Ok(StrLit { indented, parts: take(&mut self.parts, base), span: self.span_from(open.start) })
    }

    /// Bindings up to (not including) `until` (`}` or `in`).
    fn bindings(&mut self, until: Tok) -> PResult<Vec<Binding>> {
        let base = self.bindings.len();
        loop {
            let k = self.cur.kind;
            if k == until {
                let mut entries = Vec::with_capacity(self.bindings.len() - base);
                entries.extend(self.bindings.drain(base..));
                return Ok(entries);
            }
            if k == Tok::Inherit {
                self.bump();
                let from = if self.cur.kind == Tok::LParen {
                    self.bump();
                    let e = self.expr()?;
                    self.expect(Tok::RParen)?;
                    Some(e)
                } else {
                    None
                };
                let attrs_base = self.attrs.len();
                while self.cur.kind != Tok::Semi {
                    let attr = self.attr(false)?;
                    self.attrs.push(attr);
                }
                self.bump();
                let attrs = take(&mut self.attrs, attrs_base);
                self.bindings.push(Binding::Inherit { from, attrs });
            } else {
                let path = self.attrpath(false)?;
                if self.cur.kind != Tok::Assign {
                    return Err(self.unexpected_expecting("'.' or '='"));
                }
                self.bump();
                let value = self.expr()?;
                self.expect(Tok::Semi)?;
                self.bindings.push(Binding::Assign { path, value });
            }
        }
    }

    /// An attribute path; `after_dot` when it follows `.` or `?` (where only an attribute name
    /// can come, and a syntax error lists what could).
    fn attrpath(&mut self, after_dot: bool) -> PResult<Box<[Attr]>> {
        let first = self.attr(after_dot)?;
        if self.cur.kind != Tok::Dot {
            return Ok(Box::new([first]));
        }
        let base = self.attrs.len();
        self.attrs.push(first);
        while self.cur.kind == Tok::Dot {
            self.bump();
            let attr = self.attr(true)?;
            self.attrs.push(attr);
        }
        Ok(take(&mut self.attrs, base))
    }

    fn attr(&mut self, list_expected: bool) -> PResult<Attr> {
        let t = self.cur;
        match t.kind {
            Tok::Ident | Tok::OrKw => {
                self.bump();
                Ok(Attr::Ident(self.symbol(t), Span::new(t.start, t.end)))
            }
            Tok::StrOpen => Ok(Attr::Str(Box::new(self.string()?))),
            Tok::Interp => {
                self.bump();
                let e = self.expr()?;
                self.expect(Tok::RBrace)?;
                Ok(Attr::Dynamic(Box::new(e), self.span_from(t.start)))
            }
            _ if list_expected => Err(self.unexpected_expecting("ID or OR_KW or DOLLAR_CURLY or '\"'")),
            _ => Err(self.unexpected()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::tests_support::corpus;

    fn shape(src: &str) -> String {
        fn go(e: &Expr, out: &mut String) {
            match e {
                Expr::Ident(s, _) => out.push_str(s.as_str()),
                Expr::Literal(_, _) => out.push('n'),
                Expr::Binary(op, ops, _) => {
                    out.push('(');
                    go(&ops[0], out);
                    out.push_str(&format!(" {op:?} "));
                    go(&ops[1], out);
                    out.push(')');
                }
                Expr::Not(x, _) => {
                    out.push_str("!(");
                    go(x, out);
                    out.push(')');
                }
                Expr::Negate(x, _) => {
                    out.push_str("-(");
                    go(x, out);
                    out.push(')');
                }
                Expr::HasAttr(x, _, _) => {
                    out.push('(');
                    go(x, out);
                    out.push_str(" ?)");
                }
                Expr::Apply(f, args, _) => {
                    out.push('<');
                    go(f, out);
                    for a in args.iter() {
                        out.push(' ');
                        go(a, out);
                    }
                    out.push('>');
                }
                Expr::Select(s) => {
                    go(&s.expr, out);
                    out.push_str(".x");
                    if let Some(d) = &s.default {
                        out.push_str(" or ");
                        go(d, out);
                    }
                }
                _ => out.push('?'),
            }
        }
        let mut out = String::new();
        go(&parse(src).expect(src), &mut out);
        out
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(shape("a + b * c"), "(a Add (b Mul c))");
        assert_eq!(shape("a - b - c"), "((a Sub b) Sub c)");
        assert_eq!(shape("a ++ b ++ c"), "(a Concat (b Concat c))");
        assert_eq!(shape("a // b // c"), "(a Update (b Update c))");
        assert_eq!(shape("a -> b -> c"), "(a Impl (b Impl c))");
        assert_eq!(shape("!a && b"), "(!(a) And b)");
        assert_eq!(shape("!a + b"), "!((a Add b))");
        assert_eq!(shape("a * !b + c"), "(a Mul !((b Add c)))");
        assert_eq!(shape("-a ? b"), "(-(a) ?)");
        assert_eq!(shape("-f x"), "-(<f x>)");
        assert_eq!(shape("a ? b ? c"), "((a ?) ?)");
        assert_eq!(shape("a < b == c < d"), "((a Less b) Eq (c Less d))");
        assert_eq!(shape("a b or c"), "<a <b or> c>");
        assert_eq!(shape("(f a) b"), "<<f a> b>");
        assert_eq!(shape("a.b or c.d"), "a.x or c.x");
        assert_eq!(shape("f <| g <| x"), "(f PipeLeft (g PipeLeft x))");
        assert_eq!(shape("x |> f |> g"), "((x PipeRight f) PipeRight g)");
    }

    #[test]
    fn what_the_grammar_rejects() {
        for src in [
            "1 < 2 < 3",
            "a == b != c",
            "a |> b <| c",
            "f x: x",
            "a + if a then b else c",
            "[ x: x ]",
            "{ ..., a }: a",
            "a@{ x }@b: x",
            "let ${a} = 1 in a",
            "",
            "{ a = 1 }",
            "./a/",
            "\"abc",
            "''abc",
            "(1",
            "let { a = 1; ",
        ] {
            assert!(parse(src).is_err(), "{src:?} was accepted");
        }
        for src in [
            "let { body = 1; }",
            "{ a, b ? 1, ... } @ args: a",
            "args @ { a, }: a",
            "{ }: 1",
            "{ inherit (x) a \"b\"; inherit c; \"d\".e = 1; ${f} = 2; or = 3; }",
            "rec { a = 1; }.a",
            "./${x}.nix",
            "~/a/b",
            "<nixpkgs/lib>",
            "http://example.org/x",
            "a.${b}.\"c\" or 1",
            "assert a; with b; let c = 1; in if c then d else e",
            "map or [ ]",
            "__curPos",
        ] {
            assert!(parse(src).is_ok(), "{src:?}: {:?}", parse(src).err());
        }
    }

    #[test]
    fn invalid_tokens_as_cppnix_reports_them() {
        let msg = |src: &str| parse(src).err().map(|e| (e.message, e.start));
        let invalid = "syntax error, unexpected invalid token";
        assert_eq!(msg("1 + \x01 2"), Some((invalid.to_string(), 4)));
        assert_eq!(msg("1 + é"), Some((invalid.to_string(), 4)));
        // The grammar's expectations are listed, as for any unexpected token.
        assert_eq!(msg("1 ` 2"), Some((format!("{invalid}, expecting end of file"), 2)));
        assert_eq!(msg("{ a ' = 1; }"), Some((format!("{invalid}, expecting '.' or '='"), 4)));
        // A NUL byte ends the input.
        assert!(parse("1 \0 ) garbage").is_ok());
        assert_eq!(msg("1 + \0 2"), Some(("syntax error, unexpected end of file".to_string(), 4)));
    }

    /// The parser accepts exactly the files rnix (a second opinion on the grammar) accepts, but
    /// for the files listed here, where rnix's lexer is not CppNix's (CppNix reads `1.5e` as a
    /// float followed by an identifier, and ends the input at a NUL byte; their expectations
    /// come from CppNix itself).
    #[test]
    fn accepts_what_rnix_accepts_on_the_corpus() {
        const RNIX_LEXES_DIFFERENTLY: &[&str] = &["eval-okay-float-then-ident.nix", "eval-okay-nul-ends-input.nix"];
        let files = corpus();
        assert!(files.len() > 500, "only {} files found", files.len());
        let disagreeing: Vec<String> = files
            .iter()
            .filter(|(p, _)| !RNIX_LEXES_DIFFERENTLY.iter().any(|n| p.ends_with(n)))
            .filter(|(_, text)| crate::syntax::parsers_disagree(text))
            .map(|(p, _)| p.display().to_string())
            .collect();
        assert!(disagreeing.is_empty(), "parsers disagree on {disagreeing:#?}");
    }

    /// Truncated files and random byte changes: the parser (and lowering of what it accepts)
    /// return a result, never panic.
    #[test]
    fn never_panics() {
        let mut ev = crate::eval::Evaluator::new(Default::default(), Box::new(crate::eval::io::RealIo));
        let globals = crate::builtins::globals(&mut ev);
        let options = crate::eval::lower::LowerOptions::default();
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut rand = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let check = |text: &str| {
            let text = crate::syntax::normalise_line_ends(text);
            if crate::syntax::quick_nesting_depth(text.as_bytes()) > 1000 {
                return;
            }
            if let Ok(root) = parse(&text) {
                let mut map = crate::syntax::source::SourceMap::new();
                let file = map.add(crate::syntax::source::Origin::String, text.as_ref().into());
                let mut warnings = Vec::new();
                let _ = crate::eval::lower::lower_root(
                    &root, &text, file, "/".into(), &globals, &mut map, &options, None, &mut warnings,
                );
            }
        };
        const NOISE: &[u8] = b"${}()[]\"'\\/.:;=?@,~<>|&!-+*#\n ax1";
        for (_, text) in corpus() {
            let bytes = text.as_bytes();
            let step = (bytes.len() / 40).max(1);
            for cut in (0..bytes.len()).step_by(step) {
                check(&String::from_utf8_lossy(&bytes[..cut]));
            }
            for _ in 0..8 {
                let mut b = bytes.to_vec();
                for _ in 0..1 + rand() % 3 {
                    if b.is_empty() {
                        break;
                    }
                    let at = (rand() % b.len() as u64) as usize;
                    let c = NOISE[(rand() % NOISE.len() as u64) as usize];
                    match rand() % 3 {
                        0 => b[at] = c,
                        1 => b.insert(at, c),
                        _ => {
                            b.remove(at);
                        }
                    }
                }
                check(&String::from_utf8_lossy(&b));
            }
        }
    }

    /// 5000 levels of nesting (the most `check_nesting` lets through) parse and lower within the
    /// stack the evaluator runs on, for every kind of bracket and for chains that nest without
    /// brackets.
    #[test]
    fn deep_nesting_fits_the_stack() {
        const STACK: usize = 256 << 20;
        crate::eval::with_big_stack(STACK, || {
            crate::stack::set_base(STACK - (16 << 20));
            let mut ev = crate::eval::Evaluator::new(Default::default(), Box::new(crate::eval::io::RealIo));
            let globals = crate::builtins::globals(&mut ev);
            let n = crate::syntax::MAX_NESTING;
            let cases = [
                format!("{}1{}", "(".repeat(n), ")".repeat(n)),
                format!("{}1{}", "[".repeat(n), "]".repeat(n)),
                format!("{}1{}", "{ a = ".repeat(n), "; }".repeat(n)),
                format!("{}1{}", "\"${".repeat(n), "}\"".repeat(n)),
                format!("{}x", "x: ".repeat(n)),
                format!("{}1", "let a = 1; in ".repeat(n)),
                format!("{}1", "- ".repeat(n)),
                format!("{}1", "1 ++ ".repeat(n * 4)),
            ];
            for text in cases {
                let root = parse(&text).unwrap_or_else(|e| panic!("{}: {e:?}", &text[..20]));
                let mut map = crate::syntax::source::SourceMap::new();
                let file = map.add(crate::syntax::source::Origin::String, text.as_str().into());
                let mut warnings = Vec::new();
                let options = crate::eval::lower::LowerOptions::default();
                crate::eval::lower::lower_root(&root, &text, file, "/".into(), &globals, &mut map, &options, None, &mut warnings)
                    .unwrap_or_else(|e| panic!("{}: {}", &text[..20], e.message()));
                // The tree is dropped recursively too.
                drop(root);
            }
        });
    }
}
