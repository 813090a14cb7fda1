//! Runtime values: [`Value`] (always in weak head normal form), [`Thunk`] (the only place where
//! laziness lives), attribute sets, strings with contexts, lists, closures and environments.
//!
//! Layout choices, made for speed: a `Value` is 16 bytes (a tag and one word: numbers inline,
//! everything else behind one thin pointer), so a `Value`, a `Thunk` and an `EvalResult` all
//! travel in two registers; a `Thunk` is either an already-known value (no allocation) or a
//! shared cell that is forced at most once. Attribute sets live in `attrs` (one allocation per
//! set, entries sorted by symbol id). Strings keep short texts inline in their one
//! shared cell, remember the symbol they were last looked up as, and long strings that are
//! appended to grow in place. Reference cycles created by recursive scopes (`rec`, `let`) are
//! broken by `cycles` once unreachable (in large evaluations); what that misses is freed
//! when the process ends.

use super::expr::LambdaDef;
use super::symbol::Symbol;
use super::Evaluator;
use crate::builtins::Builtin;
use crate::error::EvalError;
use std::rc::Rc;

pub type EvalResult<T = Value> = Result<T, EvalError>;

/// A value in weak head normal form.
#[derive(Clone)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(NixString),
    Path(NixPath),
    Attrs(Attrs),
    List(Rc<List>),
    Lambda(Rc<Closure>),
    PrimOp(&'static Builtin),
    PrimOpApp(Rc<PrimOpApp>),
    /// A value from a flake input that is not available (see [`super::opaque`]).
    Opaque(Rc<super::opaque::OpaqueInfo>),
}

const _: () = assert!(std::mem::size_of::<Value>() == 16);
const _: () = assert!(std::mem::size_of::<Thunk>() == 16);
const _: () = assert!(std::mem::size_of::<EvalResult>() == 16);

/// A path value's text (absolute, canonical). A thin pointer, so that `Value` stays two words.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NixPath(Rc<Box<str>>);

impl std::ops::Deref for NixPath {
    type Target = str;
    #[inline]
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for NixPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self)
    }
}

impl std::fmt::Debug for NixPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl From<String> for NixPath {
    fn from(s: String) -> NixPath {
        NixPath(Rc::new(s.into_boxed_str()))
    }
}

impl From<&str> for NixPath {
    fn from(s: &str) -> NixPath {
        NixPath(Rc::new(s.into()))
    }
}

impl From<std::borrow::Cow<'_, str>> for NixPath {
    fn from(s: std::borrow::Cow<'_, str>) -> NixPath {
        NixPath(Rc::new(s.into()))
    }
}

impl Value {
    /// The name `builtins.typeOf` gives this value's type.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::String(_) => "string",
            Value::Path(_) => "path",
            Value::Attrs(_) => "set",
            Value::List(_) => "list",
            Value::Lambda(_) | Value::PrimOp(_) | Value::PrimOpApp(_) => "lambda",
            Value::Opaque(_) => "set",
        }
    }

    /// The phrase CppNix uses in type errors ("a string", "an integer", ...; CppNix's
    /// `showType`).
    pub fn type_phrase(&self) -> std::borrow::Cow<'static, str> {
        use std::borrow::Cow::{Borrowed, Owned};
        match self {
            Value::Null => Borrowed("null"),
            Value::Bool(_) => Borrowed("a Boolean"),
            Value::Int(_) => Borrowed("an integer"),
            Value::Float(_) => Borrowed("a float"),
            Value::String(s) if s.has_context() => Borrowed("a string with context"),
            Value::String(_) => Borrowed("a string"),
            Value::Path(_) => Borrowed("a path"),
            Value::Attrs(_) => Borrowed("a set"),
            Value::List(_) => Borrowed("a list"),
            Value::Lambda(_) => Borrowed("a function"),
            Value::PrimOp(op) => Owned(format!("the built-in function '{}'", op.name)),
            Value::PrimOpApp(app) => Owned(format!("the partially applied built-in function '{}'", app.op.name)),
            Value::Opaque(o) => Owned(o.phrase()),
        }
    }

    pub fn is_function(&self) -> bool {
        matches!(self, Value::Lambda(_) | Value::PrimOp(_) | Value::PrimOpApp(_))
    }

    pub fn string(s: impl Into<Box<[u8]>>) -> Value {
        Value::String(NixString::new(s.into()))
    }

    pub fn str(s: &str) -> Value {
        Value::String(NixString::from_slice(s.as_bytes()))
    }

    pub fn attrs(a: Attrs) -> Value {
        Value::Attrs(a)
    }

    pub fn list(items: Vec<Thunk>) -> Value {
        Value::List(Rc::new(List(items)))
    }

    /// The string of an attribute name (`attrNames`, `mapAttrs`): one shared string per symbol.
    pub fn symbol_str(name: Symbol) -> Value {
        NAME_STRINGS.with(|cache| {
            let mut cache = cache.borrow_mut();
            let i = name.0 as usize;
            if cache.len() <= i {
                cache.resize(i + 1, None);
            }
            Value::String(cache[i].get_or_insert_with(|| NixString::of_symbol(name)).clone())
        })
    }

    pub fn empty_attrs() -> Value {
        Value::Attrs(Attrs::empty())
    }
}

thread_local! {
    static NAME_STRINGS: std::cell::RefCell<Vec<Option<NixString>>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A list's elements. Wrapped so that a list value is one thin pointer.
#[derive(Default)]
pub struct List(pub Vec<Thunk>);

/// A Nix string: bytes plus a string context (the store paths it refers to).
#[derive(Clone)]
pub struct NixString(Rc<StrData>);

/// The shared part of a [`NixString`]: short strings keep their bytes inline (one allocation
/// per string), longer ones behind their own box. A string used as an attribute name remembers
/// its symbol, so that looking the same string up again does not hash it.
pub struct StrData {
    bytes: Bytes,
    context: Context,
    symbol: std::cell::Cell<u32>,
}

/// Bytes up to this length are stored inside the string's shared cell (which then takes 64
/// bytes with its counts).
const INLINE: usize = 22;

/// `StrData::symbol` when the symbol is not known yet.
const NO_SYMBOL: u32 = u32::MAX;

enum Bytes {
    Inline { len: u8, buf: [u8; INLINE] },
    Heap(Box<[u8]>),
    /// The first `len` bytes of a buffer with room to grow (see [`AppendBuf`]).
    Shared(Rc<AppendBuf>, usize),
}

/// A byte buffer with room at its end, made when a long string is appended to (`acc + "x"` in
/// a fold), so that appending again to the newest result writes in place instead of copying
/// the whole string. Strings sharing it each see a prefix; bytes below `used` are never written
/// again, and only a string whose end is `used` may append.
struct AppendBuf {
    bytes: Box<[std::cell::Cell<u8>]>,
    used: std::cell::Cell<usize>,
}

/// Results of appending at least this long get a buffer with room to grow.
const APPEND_MIN: usize = 256;

const _: () = assert!(std::mem::size_of::<StrData>() == 48);

impl Bytes {
    #[inline]
    fn from_slice(b: &[u8]) -> Bytes {
        if b.len() <= INLINE {
            let mut buf = [0u8; INLINE];
            buf[..b.len()].copy_from_slice(b);
            Bytes::Inline { len: b.len() as u8, buf }
        } else {
            Bytes::Heap(b.into())
        }
    }
    #[inline]
    fn from_box(b: Box<[u8]>) -> Bytes {
        if b.len() <= INLINE {
            Bytes::from_slice(&b)
        } else {
            Bytes::Heap(b)
        }
    }
    #[inline]
    fn as_slice(&self) -> &[u8] {
        match self {
            Bytes::Inline { len, buf } => &buf[..*len as usize],
            Bytes::Heap(b) => b,
            Bytes::Shared(buf, len) => {
                let prefix = &buf.bytes[..*len];
                // SAFETY: `Cell<u8>` has the layout of `u8`, and bytes below the buffer's `used`
                // mark (where `len` is) are never written again, so they cannot change while
                // this view lives.
                unsafe { std::slice::from_raw_parts(prefix.as_ptr() as *const u8, prefix.len()) }
            }
        }
    }
}

/// A string context: a sorted, duplicate-free set of elements in CppNix's encoding
/// (`/nix/store/...` for a plain path, `=/nix/store/x.drv` for a derivation with all its outputs,
/// `!out!/nix/store/x.drv` for one output of a derivation).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Context(pub Option<Rc<[Box<str>]>>);

impl Context {
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().flat_map(|v| v.iter().map(|s| &**s))
    }
    pub fn from_vec(mut v: Vec<Box<str>>) -> Context {
        if v.is_empty() {
            return Context(None);
        }
        v.sort();
        v.dedup();
        Context(Some(v.into()))
    }
    pub fn single(s: &str) -> Context {
        Context(Some(vec![Box::<str>::from(s)].into()))
    }
    /// Adds `other`'s elements into the accumulator `acc`.
    pub fn extend_into(&self, acc: &mut Vec<Box<str>>) {
        if let Some(v) = &self.0 {
            acc.extend(v.iter().cloned());
        }
    }
    pub fn union(&self, other: &Context) -> Context {
        match (&self.0, &other.0) {
            (None, _) => other.clone(),
            (_, None) => self.clone(),
            (Some(a), Some(b)) => {
                let mut v: Vec<Box<str>> = a.iter().cloned().collect();
                v.extend(b.iter().cloned());
                Context::from_vec(v)
            }
        }
    }
    /// The union of the contexts of `strings`: shared when at most one of them has a context.
    pub fn union_of<'a>(strings: impl Iterator<Item = &'a NixString> + Clone) -> Context {
        let mut with = strings.clone().filter(|s| s.has_context());
        let Some(first) = with.next() else { return Context(None) };
        if with.next().is_none() {
            return first.context().clone();
        }
        let mut acc = Vec::new();
        for s in strings {
            s.context().extend_into(&mut acc);
        }
        Context::from_vec(acc)
    }
}

impl NixString {
    pub fn new(bytes: Box<[u8]>) -> NixString {
        NixString(Rc::new(StrData { bytes: Bytes::from_box(bytes), context: Context(None), symbol: std::cell::Cell::new(NO_SYMBOL) }))
    }
    pub fn with_context(bytes: Box<[u8]>, context: Context) -> NixString {
        NixString(Rc::new(StrData { bytes: Bytes::from_box(bytes), context, symbol: std::cell::Cell::new(NO_SYMBOL) }))
    }
    /// A string without context holding a copy of `bytes`.
    #[inline]
    pub fn from_slice(bytes: &[u8]) -> NixString {
        NixString(Rc::new(StrData { bytes: Bytes::from_slice(bytes), context: Context(None), symbol: std::cell::Cell::new(NO_SYMBOL) }))
    }
    /// A string holding a copy of `bytes` with the given context.
    pub fn from_slice_ctx(bytes: &[u8], context: Context) -> NixString {
        NixString(Rc::new(StrData { bytes: Bytes::from_slice(bytes), context, symbol: std::cell::Cell::new(NO_SYMBOL) }))
    }
    /// A string from a buffer, with the given context. Short strings are copied inline; a
    /// longer buffer is kept (without a copy when its capacity is exact).
    pub fn from_vec(bytes: Vec<u8>, context: Context) -> NixString {
        let bytes = if bytes.len() <= INLINE { Bytes::from_slice(&bytes) } else { Bytes::Heap(bytes.into_boxed_slice()) };
        NixString(Rc::new(StrData { bytes, context, symbol: std::cell::Cell::new(NO_SYMBOL) }))
    }
    /// The concatenation of `pieces` with the given context, built in one exactly sized
    /// allocation (none beyond the string's cell for short results).
    pub fn concat(pieces: &[&[u8]], context: Context) -> NixString {
        let total: usize = pieces.iter().map(|p| p.len()).sum();
        let bytes = if total <= INLINE {
            let mut buf = [0u8; INLINE];
            let mut at = 0;
            for p in pieces {
                buf[at..at + p.len()].copy_from_slice(p);
                at += p.len();
            }
            Bytes::Inline { len: total as u8, buf }
        } else {
            let mut v = Vec::with_capacity(total);
            for p in pieces {
                v.extend_from_slice(p);
            }
            Bytes::Heap(v.into_boxed_slice())
        };
        NixString(Rc::new(StrData { bytes, context, symbol: std::cell::Cell::new(NO_SYMBOL) }))
    }
    /// `self` followed by `tails`: written in place after `self` when `self` ends a buffer with
    /// room, otherwise copied into a new buffer with as much room again. For long strings that
    /// keep being appended to.
    pub fn append(&self, tails: &[&[u8]], context: Context) -> NixString {
        let extra: usize = tails.iter().map(|t| t.len()).sum();
        if let Bytes::Shared(buf, len) = &self.0.bytes {
            if *len == buf.used.get() && buf.bytes.len() - len >= extra {
                let mut at = *len;
                for t in tails {
                    for (cell, b) in buf.bytes[at..at + t.len()].iter().zip(t.iter()) {
                        cell.set(*b);
                    }
                    at += t.len();
                }
                buf.used.set(at);
                return NixString(Rc::new(StrData {
                    bytes: Bytes::Shared(buf.clone(), at),
                    context,
                    symbol: std::cell::Cell::new(NO_SYMBOL),
                }));
            }
        }
        let total = self.len() + extra;
        let mut v: Vec<std::cell::Cell<u8>> = Vec::with_capacity(total * 2);
        v.extend(self.as_bytes().iter().map(|b| std::cell::Cell::new(*b)));
        for t in tails {
            v.extend(t.iter().map(|b| std::cell::Cell::new(*b)));
        }
        v.resize_with(total * 2, || std::cell::Cell::new(0));
        let buf = Rc::new(AppendBuf { bytes: v.into_boxed_slice(), used: std::cell::Cell::new(total) });
        NixString(Rc::new(StrData { bytes: Bytes::Shared(buf, total), context, symbol: std::cell::Cell::new(NO_SYMBOL) }))
    }
    /// Whether a concatenation starting with `self` and `total` bytes long should append.
    #[inline]
    pub fn should_append(&self, total: usize) -> bool {
        total >= APPEND_MIN && self.len() * 2 >= total
    }

    /// The decimal text of an integer.
    pub fn from_int(i: i64) -> NixString {
        let mut buf = [0u8; 20];
        let text = format_int(i, &mut buf);
        NixString::from_slice(text)
    }
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        self.0.bytes.as_slice()
    }
    /// The text, with invalid UTF-8 replaced (for messages and names).
    pub fn to_str_lossy(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(self.as_bytes())
    }
    #[inline]
    pub fn context(&self) -> &Context {
        &self.0.context
    }
    #[inline]
    pub fn has_context(&self) -> bool {
        !self.0.context.is_empty()
    }
    #[inline]
    pub fn len(&self) -> usize {
        self.as_bytes().len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The attribute name this string denotes (interned on first use, then remembered).
    #[inline]
    pub fn to_symbol(&self) -> Symbol {
        let known = self.0.symbol.get();
        if known != NO_SYMBOL {
            return Symbol(known);
        }
        let sym = Symbol::from_bytes(self.as_bytes());
        self.0.symbol.set(sym.0);
        sym
    }

    /// The string of a symbol's name, knowing its symbol.
    fn of_symbol(name: Symbol) -> NixString {
        let s = NixString::from_slice(name.as_str().as_bytes());
        s.0.symbol.set(name.0);
        s
    }

    /// The same bytes without a context (shared when there is none).
    pub fn without_context(&self) -> NixString {
        if !self.has_context() {
            return self.clone();
        }
        NixString::from_slice(self.as_bytes())
    }
}

/// Writes the decimal text of `i` at the end of `buf` and returns it.
pub fn format_int(i: i64, buf: &mut [u8; 20]) -> &[u8] {
    const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819202122232425262728293031323334353637383940414243444546474849\
5051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";
    let mut n = i.unsigned_abs();
    let mut at = buf.len();
    while n >= 100 {
        let k = (n % 100) as usize * 2;
        n /= 100;
        at -= 2;
        buf[at..at + 2].copy_from_slice(&PAIRS[k..k + 2]);
    }
    if n >= 10 {
        let k = n as usize * 2;
        at -= 2;
        buf[at..at + 2].copy_from_slice(&PAIRS[k..k + 2]);
    } else {
        at -= 1;
        buf[at] = b'0' + n as u8;
    }
    if i < 0 {
        at -= 1;
        buf[at] = b'-';
    }
    &buf[at..]
}

pub use super::attrs::{AttrEntry, Attrs};

/// A function value: a lambda and the environment it closes over.
pub struct Closure {
    pub def: &'static LambdaDef,
    pub env: Env,
}

/// A partially applied builtin.
pub struct PrimOpApp {
    pub op: &'static Builtin,
    pub args: Vec<Thunk>,
}

/// A possibly unevaluated value.
pub enum Thunk {
    Ready(Value),
    Lazy(ThunkRef),
}

impl Clone for Thunk {
    #[inline(always)]
    fn clone(&self) -> Thunk {
        match self {
            Thunk::Ready(v) => Thunk::Ready(v.clone()),
            Thunk::Lazy(c) => Thunk::Lazy(c.clone()),
        }
    }
}

/// A shared thunk: a reference count and the state, in one 32-byte block.
pub struct ThunkCell {
    count: std::cell::Cell<usize>,
    pub state: StateCell,
}

/// A counted reference to a [`ThunkCell`]: like `Rc<ThunkCell>` without the weak count
/// nothing uses (a smaller block, and no second counter to check when the last reference goes).
pub struct ThunkRef(std::ptr::NonNull<ThunkCell>);

const _: () = assert!(std::mem::size_of::<ThunkState>() == 24);
const _: () = assert!(std::mem::size_of::<ThunkCell>() == 32);

impl ThunkRef {
    /// A new cell holding `state`, with one reference.
    #[inline]
    pub fn new(state: ThunkState) -> ThunkRef {
        let b = Box::new(ThunkCell { count: std::cell::Cell::new(1), state: StateCell::new(state) });
        // SAFETY: `Box::into_raw` never returns null.
        ThunkRef(unsafe { std::ptr::NonNull::new_unchecked(Box::into_raw(b)) })
    }
    /// Whether both refer to the same cell.
    #[inline]
    pub fn ptr_eq(a: &ThunkRef, b: &ThunkRef) -> bool {
        a.0 == b.0
    }
    /// The cell's address (identity only).
    #[inline]
    pub fn as_ptr(this: &ThunkRef) -> *const ThunkCell {
        this.0.as_ptr()
    }
    /// How many references the cell has.
    #[inline]
    pub fn strong_count(this: &ThunkRef) -> usize {
        this.count.get()
    }
    /// Frees the cell whose last reference is gone.
    #[inline(never)]
    fn drop_slow(&mut self) {
        // SAFETY: the count reached zero, so this was the last reference to a block made by
        // `Box::new` in `new`.
        drop(unsafe { Box::from_raw(self.0.as_ptr()) });
    }
}

impl std::ops::Deref for ThunkRef {
    type Target = ThunkCell;
    #[inline(always)]
    fn deref(&self) -> &ThunkCell {
        // SAFETY: a reference keeps the cell alive.
        unsafe { self.0.as_ref() }
    }
}

impl Clone for ThunkRef {
    #[inline(always)]
    fn clone(&self) -> ThunkRef {
        super::env::retain(&self.count);
        ThunkRef(self.0)
    }
}

impl Drop for ThunkRef {
    #[inline(always)]
    fn drop(&mut self) {
        let n = self.count.get() - 1;
        self.count.set(n);
        if n == 0 {
            self.drop_slow();
        }
    }
}

/// The state of a thunk cell. Like a `RefCell` without the borrow flag: the evaluator only
/// ever looks at or replaces a state for an instant (it moves the state out before evaluating
/// it), so no reference into a cell is ever held while another one is taken. Single-threaded.
pub struct StateCell(std::cell::UnsafeCell<ThunkState>);

impl StateCell {
    pub fn new(state: ThunkState) -> StateCell {
        StateCell(std::cell::UnsafeCell::new(state))
    }
    /// A short-lived shared view of the state; it must not be held across evaluation.
    #[inline(always)]
    pub fn borrow(&self) -> &ThunkState {
        // SAFETY: see the type's documentation: no mutable access overlaps this one.
        unsafe { &*self.0.get() }
    }
    /// Replaces a state that is expected to be [`ThunkState::Blackhole`] (which owns nothing)
    /// without dropping it. Were it anything else, its contents would only be leaked.
    #[inline(always)]
    pub fn set_over_blackhole(&self, state: ThunkState) {
        debug_assert!(matches!(self.borrow(), ThunkState::Blackhole));
        // SAFETY: as `borrow_mut`: no other access overlaps this write, and the pointer is valid
        // and aligned; the old state is overwritten without being dropped.
        unsafe { self.0.get().write(state) }
    }
    /// A short-lived mutable view of the state; it must not be held across evaluation.
    #[inline(always)]
    #[allow(clippy::mut_from_ref)]
    pub fn borrow_mut(&self) -> &mut ThunkState {
        // SAFETY: see the type's documentation: no other access overlaps this one.
        unsafe { &mut *self.0.get() }
    }
}

/// Native deferred computations (used by builtins such as `map` to stay lazy).
pub type NativeFn = Rc<dyn Fn(&mut Evaluator) -> EvalResult>;

pub enum ThunkState {
    /// An expression to evaluate in an environment.
    Suspended(&'static super::expr::Expr, Env),
    /// `f x` for a function `f`, applied when forced (the elements of `map` and `genList`).
    Apply(Rc<Closure>, Thunk),
    /// `f x` for any other value `f` (boxed, so that a state stays three words).
    ApplyValue(Box<(Value, Thunk)>),
    /// A native computation.
    Native(NativeFn),
    /// Being forced right now: forcing it again is infinite recursion.
    Blackhole,
    Done(Value),
}

impl ThunkState {
    #[inline(always)]
    pub fn is_done(&self) -> bool {
        matches!(self, ThunkState::Done(_))
    }
}

impl Thunk {
    pub fn new_suspended(expr: &'static super::expr::Expr, env: Env) -> Thunk {
        Thunk::Lazy(ThunkRef::new(ThunkState::Suspended(expr, env)))
    }
    pub fn new_apply(f: Value, arg: Thunk) -> Thunk {
        Thunk::Lazy(ThunkRef::new(match f {
            Value::Lambda(c) => ThunkState::Apply(c, arg),
            f => ThunkState::ApplyValue(Box::new((f, arg))),
        }))
    }
    /// `new_apply` for a function.
    #[inline]
    pub fn new_apply_lambda(f: Rc<Closure>, arg: Thunk) -> Thunk {
        Thunk::Lazy(ThunkRef::new(ThunkState::Apply(f, arg)))
    }
    pub fn new_native(f: impl Fn(&mut Evaluator) -> EvalResult + 'static) -> Thunk {
        Thunk::Lazy(ThunkRef::new(ThunkState::Native(Rc::new(f))))
    }
    pub fn new_cell(state: ThunkState) -> ThunkRef {
        ThunkRef::new(state)
    }
    /// The value if it is already known, without forcing.
    pub fn value_if_ready(&self) -> Option<Value> {
        match self {
            Thunk::Ready(v) => Some(v.clone()),
            Thunk::Lazy(cell) => match &*cell.state.borrow() {
                ThunkState::Done(v) => Some(v.clone()),
                _ => None,
            },
        }
    }
    /// A view of the value if it is already known, without forcing or cloning. The view must
    /// be dropped before anything is evaluated.
    #[inline]
    pub fn peek(&self) -> Option<&Value> {
        match self {
            Thunk::Ready(v) => Some(v),
            Thunk::Lazy(cell) => match cell.state.borrow() {
                ThunkState::Done(v) => Some(v),
                _ => None,
            },
        }
    }
    pub fn is_ready(&self) -> bool {
        match self {
            Thunk::Ready(_) => true,
            Thunk::Lazy(cell) => matches!(&*cell.state.borrow(), ThunkState::Done(_)),
        }
    }
    /// Whether two thunks are the same shared cell (used by the printer's «repeated» and by
    /// pointer equality on attribute members).
    pub fn same_cell(&self, other: &Thunk) -> bool {
        match (self, other) {
            (Thunk::Lazy(a), Thunk::Lazy(b)) => ThunkRef::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl From<Value> for Thunk {
    fn from(v: Value) -> Thunk {
        Thunk::Ready(v)
    }
}

pub use super::env::{Env, WeakEnv};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_format_like_to_string() {
        for i in [0, 7, -7, 10, 99, 100, -100, 12345, 9999999, i64::MAX, i64::MIN, -1, 1000000000000] {
            let mut buf = [0u8; 20];
            assert_eq!(format_int(i, &mut buf), i.to_string().as_bytes(), "{i}");
        }
    }

    #[test]
    fn strings_short_and_long() {
        let short = NixString::from_slice(b"abc");
        assert_eq!(short.as_bytes(), b"abc");
        let long: Vec<u8> = (0..100u8).collect();
        assert_eq!(NixString::from_slice(&long).as_bytes(), &long[..]);
        assert_eq!(NixString::from_vec(long.clone(), Context(None)).as_bytes(), &long[..]);
        assert_eq!(NixString::new(long.clone().into()).as_bytes(), &long[..]);
        let exactly = vec![b'x'; INLINE];
        assert_eq!(NixString::from_slice(&exactly).len(), INLINE);
        let joined = NixString::concat(&[b"ab", &long, b"", b"cd"], Context(None));
        assert_eq!(joined.len(), 104);
        assert_eq!(&joined.as_bytes()[..2], b"ab");
        assert_eq!(&joined.as_bytes()[102..], b"cd");
        assert_eq!(NixString::concat(&[b"ab", b"cd"], Context(None)).as_bytes(), b"abcd");
        assert_eq!(NixString::concat(&[], Context(None)).as_bytes(), b"");
    }

    #[test]
    fn strings_remember_their_symbol() {
        let s = NixString::from_slice(b"some-attribute-name");
        assert_eq!(s.to_symbol(), Symbol::new("some-attribute-name"));
        assert_eq!(s.to_symbol(), Symbol::new("some-attribute-name"));
        let Value::String(n) = Value::symbol_str(Symbol::new("other")) else { panic!("not a string") };
        assert_eq!(n.to_symbol(), Symbol::new("other"));
        assert_eq!(n.as_bytes(), b"other");
    }

    #[test]
    fn appending_in_place_keeps_earlier_strings() {
        let base = NixString::from_slice(&[b'a'; 300]);
        let one = base.append(&[b"x"], Context(None));
        let two = one.append(&[b"y", b"z"], Context(None));
        // Appending to `one` again must not overwrite what `two` sees.
        let other = one.append(&[b"Q"], Context(None));
        let three = two.append(&[b"w"], Context(None));
        assert_eq!(&one.as_bytes()[298..], b"aax");
        assert_eq!(&two.as_bytes()[298..], b"aaxyz");
        assert_eq!(&other.as_bytes()[298..], b"aaxQ");
        assert_eq!(&three.as_bytes()[298..], b"aaxyzw");
        assert_eq!(three.len(), 304);
        // Growing past the room copies into a bigger buffer.
        let mut s = three.clone();
        for _ in 0..1000 {
            s = s.append(&[b"0123456789"], Context(None));
        }
        assert_eq!(s.len(), 304 + 10_000);
        assert_eq!(&s.as_bytes()[s.len() - 12..], b"890123456789");
        assert_eq!(&three.as_bytes()[298..], b"aaxyzw");
        assert!(base.as_bytes().iter().all(|b| *b == b'a'));
    }

    #[test]
    fn context_union_shares_a_single_context() {
        let a = NixString::from_slice_ctx(b"a", Context::single("/nix/store/b"));
        let b = NixString::from_slice(b"b");
        let c = NixString::from_slice_ctx(b"c", Context::single("/nix/store/a"));
        let one = Context::union_of([&a, &b].into_iter());
        assert!(one == *a.context());
        let both = Context::union_of([&a, &b, &c, &a].into_iter());
        assert_eq!(both.iter().collect::<Vec<_>>(), vec!["/nix/store/a", "/nix/store/b"]);
        assert!(Context::union_of([&b].into_iter()).is_empty());
    }
}
