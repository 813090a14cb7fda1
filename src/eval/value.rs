//! Runtime values: [`Value`] (always in weak head normal form), [`Thunk`] (the only place where
//! laziness lives), attribute sets, strings with contexts, lists, closures and environments.
//!
//! Layout choices, made for speed: a `Value` is 16 bytes (a tag and one word: numbers inline,
//! everything else behind one thin pointer), so a `Value`, a `Thunk` and an `EvalResult` all
//! travel in two registers; a `Thunk` is either an already-known value (no allocation) or a
//! shared cell that is forced at most once. Attribute sets are vectors sorted by symbol id
//! (binary search for lookups, a linear merge for `//`); iteration in name order (printing,
//! `attrNames`) sorts on demand. Reference cycles created by recursive scopes (`rec`, `let`) are
//! not collected: an evaluation is short-lived and frees everything when the process ends.

use super::expr::LambdaDef;
use super::symbol::Symbol;
use super::Evaluator;
use crate::builtins::Builtin;
use crate::error::EvalError;
use crate::syntax::source::Pos;
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
    Attrs(Rc<Attrs>),
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
        Value::String(NixString::new(s.as_bytes().into()))
    }

    pub fn attrs(a: Attrs) -> Value {
        Value::Attrs(Rc::new(a))
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
            Value::String(cache[i].get_or_insert_with(|| NixString::new(name.as_str().as_bytes().into())).clone())
        })
    }

    pub fn empty_attrs() -> Value {
        EMPTY_ATTRS.with(|e| Value::Attrs(e.clone()))
    }
}

thread_local! {
    static EMPTY_ATTRS: Rc<Attrs> = Rc::new(Attrs::default());
    static NAME_STRINGS: std::cell::RefCell<Vec<Option<NixString>>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A list's elements. Wrapped so that a list value is one thin pointer.
#[derive(Default)]
pub struct List(pub Vec<Thunk>);

/// A Nix string: bytes plus a string context (the store paths it refers to).
#[derive(Clone)]
pub struct NixString(Rc<StrData>);

pub struct StrData {
    pub bytes: Box<[u8]>,
    pub context: Context,
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
}

impl NixString {
    pub fn new(bytes: Box<[u8]>) -> NixString {
        NixString(Rc::new(StrData { bytes, context: Context(None) }))
    }
    pub fn with_context(bytes: Box<[u8]>, context: Context) -> NixString {
        NixString(Rc::new(StrData { bytes, context }))
    }
    pub fn as_bytes(&self) -> &[u8] {
        &self.0.bytes
    }
    /// The text, with invalid UTF-8 replaced (for messages and names).
    pub fn to_str_lossy(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.0.bytes)
    }
    pub fn context(&self) -> &Context {
        &self.0.context
    }
    pub fn has_context(&self) -> bool {
        !self.0.context.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.bytes.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.bytes.is_empty()
    }
}

/// One attribute: its name, where it was defined, and its (possibly lazy) value.
#[derive(Clone)]
pub struct AttrEntry {
    pub name: Symbol,
    pub pos: Pos,
    pub value: Thunk,
}

/// An attribute set, sorted by symbol id.
#[derive(Clone, Default)]
pub struct Attrs {
    entries: Vec<AttrEntry>,
}

impl Attrs {
    pub fn with_capacity(n: usize) -> Attrs {
        Attrs { entries: Vec::with_capacity(n) }
    }

    /// Builds a set from entries in any order. On duplicate names the first one is kept.
    pub fn from_unsorted(mut entries: Vec<AttrEntry>) -> Attrs {
        entries.sort_by_key(|e| e.name);
        entries.dedup_by_key(|e| e.name);
        Attrs { entries }
    }

    /// Builds a set from entries already sorted by symbol without duplicates.
    pub fn from_sorted(entries: Vec<AttrEntry>) -> Attrs {
        debug_assert!(entries.windows(2).all(|w| w[0].name < w[1].name));
        Attrs { entries }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    pub fn get(&self, name: Symbol) -> Option<&Thunk> {
        self.get_entry(name).map(|e| &e.value)
    }
    pub fn get_entry(&self, name: Symbol) -> Option<&AttrEntry> {
        // Small sets: a linear scan beats binary search.
        if self.entries.len() <= 8 {
            return self.entries.iter().find(|e| e.name == name);
        }
        self.entries.binary_search_by_key(&name, |e| e.name).ok().map(|i| &self.entries[i])
    }
    pub fn contains(&self, name: Symbol) -> bool {
        self.get_entry(name).is_some()
    }
    /// Entries in symbol order (not name order).
    pub fn iter(&self) -> std::slice::Iter<'_, AttrEntry> {
        self.entries.iter()
    }
    /// Entries in lexicographic order of their names, as Nix shows them.
    pub fn sorted_by_name(&self) -> Vec<&AttrEntry> {
        // Look every name up once, then sort on its first eight bytes (a big-endian integer
        // orders like the bytes) and on the whole name only when those are equal.
        let mut keyed: Vec<(u64, &'static str, &AttrEntry)> = self
            .entries
            .iter()
            .map(|e| {
                let name = e.name.as_str();
                let mut prefix = [0u8; 8];
                let n = name.len().min(8);
                prefix[..n].copy_from_slice(&name.as_bytes()[..n]);
                (u64::from_be_bytes(prefix), name, e)
            })
            .collect();
        keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
        keyed.into_iter().map(|(_, _, e)| e).collect()
    }
    /// Inserts or replaces an entry.
    pub fn insert(&mut self, entry: AttrEntry) {
        match self.entries.binary_search_by_key(&entry.name, |e| e.name) {
            Ok(i) => self.entries[i] = entry,
            Err(i) => self.entries.insert(i, entry),
        }
    }
    /// `self // other`: a linear merge; `other` wins.
    pub fn update(&self, other: &Attrs) -> Attrs {
        let (a, b) = (&self.entries, &other.entries);
        let mut out = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            match a[i].name.cmp(&b[j].name) {
                std::cmp::Ordering::Less => {
                    out.push(a[i].clone());
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    out.push(b[j].clone());
                    j += 1;
                }
                std::cmp::Ordering::Equal => {
                    out.push(b[j].clone());
                    i += 1;
                    j += 1;
                }
            }
        }
        out.extend_from_slice(&a[i..]);
        out.extend_from_slice(&b[j..]);
        Attrs { entries: out }
    }
    pub fn into_entries(self) -> Vec<AttrEntry> {
        self.entries
    }
}

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
#[derive(Clone)]
pub enum Thunk {
    Ready(Value),
    Lazy(Rc<ThunkCell>),
}

pub struct ThunkCell {
    pub state: StateCell,
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
    /// `f x`, applied when forced.
    Apply(Value, Thunk),
    /// A native computation.
    Native(NativeFn),
    /// Being forced right now: forcing it again is infinite recursion.
    Blackhole,
    Done(Value),
}

impl Thunk {
    pub fn new_suspended(expr: &'static super::expr::Expr, env: Env) -> Thunk {
        Thunk::Lazy(Rc::new(ThunkCell { state: StateCell::new(ThunkState::Suspended(expr, env)) }))
    }
    pub fn new_apply(f: Value, arg: Thunk) -> Thunk {
        Thunk::Lazy(Rc::new(ThunkCell { state: StateCell::new(ThunkState::Apply(f, arg)) }))
    }
    pub fn new_native(f: impl Fn(&mut Evaluator) -> EvalResult + 'static) -> Thunk {
        Thunk::Lazy(Rc::new(ThunkCell { state: StateCell::new(ThunkState::Native(Rc::new(f))) }))
    }
    pub fn new_cell(state: ThunkState) -> Rc<ThunkCell> {
        Rc::new(ThunkCell { state: StateCell::new(state) })
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
            (Thunk::Lazy(a), Thunk::Lazy(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl From<Value> for Thunk {
    fn from(v: Value) -> Thunk {
        Thunk::Ready(v)
    }
}

/// A runtime scope: one frame of slots, and the enclosing frame.
pub struct EnvData {
    pub slots: Slots,
    pub parent: Option<Env>,
}

/// The slots of a frame. Single-slot frames (`x: ...`, `with`) are the most common and need no
/// second allocation.
pub enum Slots {
    One(Thunk),
    Many(Box<[Thunk]>),
}

impl Slots {
    #[inline]
    pub fn get(&self, slot: usize) -> &Thunk {
        match self {
            Slots::One(t) => t,
            Slots::Many(v) => &v[slot],
        }
    }
}

pub type Env = Rc<EnvData>;

pub fn new_env(slots: Box<[Thunk]>, parent: &Env) -> Env {
    Rc::new(EnvData { slots: Slots::Many(slots), parent: Some(parent.clone()) })
}

/// A frame with one slot.
#[inline]
pub fn new_env1(slot: Thunk, parent: &Env) -> Env {
    Rc::new(EnvData { slots: Slots::One(slot), parent: Some(parent.clone()) })
}
