//! Interned identifiers.
//!
//! Attribute names and variable names are interned once per thread into a [`Symbol`] (a `u32`),
//! so comparing names is an integer compare and attribute sets can be sorted by symbol id. Interned
//! strings live as long as the thread (they are leaked on purpose: the set of names a program
//! uses is small and bounded by its text and data).

use rustc_hash::FxHashMap;
use std::cell::RefCell;

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Symbol(pub u32);

struct Interner {
    /// Keyed by the name's bytes, so that names computed at run time (dynamic attributes,
    /// `listToAttrs`) are found without validating their UTF-8 first.
    map: FxHashMap<&'static [u8], Symbol>,
    names: Vec<&'static str>,
}

thread_local! {
    static INTERNER: RefCell<Interner> = RefCell::new(Interner::with_known());
}

impl Interner {
    fn with_known() -> Interner {
        let mut i = Interner { map: FxHashMap::default(), names: Vec::new() };
        for name in KNOWN {
            i.intern(name);
        }
        i
    }
    fn intern(&mut self, s: &str) -> Symbol {
        self.intern_bytes(s.as_bytes())
    }
    fn intern_bytes(&mut self, b: &[u8]) -> Symbol {
        if let Some(&sym) = self.map.get(b) {
            return sym;
        }
        // A name that is not UTF-8 keeps its own symbol; it is shown with replacement characters.
        let leaked: &'static str = match std::str::from_utf8(b) {
            Ok(s) => Box::leak(s.to_owned().into_boxed_str()),
            Err(_) => Box::leak(String::from_utf8_lossy(b).into_owned().into_boxed_str()),
        };
        let key: &'static [u8] = if leaked.len() == b.len() && leaked.as_bytes() == b {
            leaked.as_bytes()
        } else {
            Box::leak(b.to_owned().into_boxed_slice())
        };
        let sym = Symbol(self.names.len() as u32);
        self.names.push(leaked);
        self.map.insert(key, sym);
        sym
    }
}

impl Symbol {
    pub fn new(s: &str) -> Symbol {
        INTERNER.with(|i| i.borrow_mut().intern(s))
    }
    pub fn from_bytes(b: &[u8]) -> Symbol {
        INTERNER.with(|i| i.borrow_mut().intern_bytes(b))
    }
    pub fn as_str(self) -> &'static str {
        INTERNER.with(|i| i.borrow().names[self.0 as usize])
    }
    /// Runs `f` with the table of all names (indexed by symbol id), for callers that look up
    /// many names at once. `f` must not intern.
    pub fn with_names<R>(f: impl FnOnce(&[&'static str]) -> R) -> R {
        INTERNER.with(|i| f(&i.borrow().names))
    }
}

impl std::fmt::Display for Symbol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! known_symbols {
    ($($id:ident = $s:expr),* $(,)?) => {
        const KNOWN: &[&str] = &[$($s),*];
        #[allow(non_upper_case_globals, dead_code)]
        pub mod sym {
            use super::Symbol;
            known_symbols!(@consts 0u32, $($id),*);
        }
    };
    (@consts $n:expr, $id:ident $(, $rest:ident)*) => {
        pub const $id: Symbol = Symbol($n);
        known_symbols!(@consts $n + 1u32 $(, $rest)*);
    };
    (@consts $n:expr) => {};
}

known_symbols! {
    outPath = "outPath",
    type_ = "type",
    derivation = "derivation",
    drvPath = "drvPath",
    name = "name",
    value = "value",
    file = "file",
    line = "line",
    column = "column",
    functor = "__functor",
    toString = "__toString",
    body = "body",
    success = "success",
    right = "right",
    wrong = "wrong",
    key = "key",
    outputs = "outputs",
    outputName = "outputName",
    out = "out",
    system = "system",
    builder = "builder",
    args = "args",
    path = "path",
    prefix = "prefix",
    ignoreNulls = "__ignoreNulls",
    structuredAttrs = "__structuredAttrs",
    meta = "meta",
    description = "description",
    startSet = "startSet",
    operator = "operator",
    version = "version",
    data = "data",
    overrideAttrs = "overrideAttrs",
    all = "all",
    drvAttrs = "drvAttrs",
    nixevalMissingAttr = "__nixevalMissingAttr",
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn interning_is_stable() {
        let a = Symbol::new("hello");
        let b = Symbol::new("hello");
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "hello");
        assert_eq!(Symbol::new("outPath"), sym::outPath);
        assert_eq!(sym::functor.as_str(), "__functor");
        assert_ne!(Symbol::new("x"), Symbol::new("y"));
    }
}
