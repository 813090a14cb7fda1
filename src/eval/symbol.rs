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
    /// The symbols in name order, brought up to date on demand.
    order: NameOrder,
}

/// The interned names in byte order of their texts, for sorting large sets by name without
/// comparing strings. Covers the first `rank.len()` symbols; later ones are merged in when
/// asked for.
#[derive(Default)]
struct NameOrder {
    /// Symbol ids sorted by name.
    sorted: Vec<u32>,
    /// Each symbol's position in `sorted`.
    rank: Vec<u32>,
}

thread_local! {
    static INTERNER: RefCell<Interner> = RefCell::new(Interner::with_known());
}

impl Interner {
    fn with_known() -> Interner {
        let mut i = Interner { map: FxHashMap::default(), names: Vec::new(), order: NameOrder::default() };
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

impl Interner {
    /// Merges the symbols interned since the last call into the name order.
    fn refresh_order(&mut self) {
        let (known, total) = (self.order.rank.len(), self.names.len());
        if known == total {
            return;
        }
        let names = &self.names;
        let name = |s: u32| names[s as usize];
        let mut new: Vec<u32> = (known as u32..total as u32).collect();
        new.sort_unstable_by(|&a, &b| name(a).cmp(name(b)));
        let old = std::mem::take(&mut self.order.sorted);
        let mut merged = Vec::with_capacity(total);
        let (mut i, mut j) = (0, 0);
        while i < old.len() && j < new.len() {
            if name(new[j]) < name(old[i]) {
                merged.push(new[j]);
                j += 1;
            } else {
                merged.push(old[i]);
                i += 1;
            }
        }
        merged.extend_from_slice(&old[i..]);
        merged.extend_from_slice(&new[j..]);
        let rank = &mut self.order.rank;
        rank.resize(total, 0);
        for (r, &s) in merged.iter().enumerate() {
            rank[s as usize] = r as u32;
        }
        self.order.sorted = merged;
    }
}

impl Symbol {
    /// How many symbols have been interned.
    pub fn count() -> usize {
        INTERNER.with(|i| i.borrow().names.len())
    }
    /// Runs `f` with every symbol's rank in the byte order of the names (indexed by symbol
    /// id; ranks are `0..count()`). `f` must not intern.
    pub fn with_name_ranks<R>(f: impl FnOnce(&[u32]) -> R) -> R {
        INTERNER.with(|i| {
            let mut i = i.borrow_mut();
            i.refresh_order();
            f(&i.order.rank)
        })
    }

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

    #[test]
    fn name_ranks_follow_byte_order_as_symbols_are_added() {
        let first: Vec<Symbol> = ["rank-b", "rank-a10", "rank-a2"].iter().map(|n| Symbol::new(n)).collect();
        // The table is copied out: `with_name_ranks` holds the interner.
        let check = || {
            let rank = Symbol::with_name_ranks(|rank| rank.to_vec());
            assert_eq!(rank.len(), Symbol::count());
            let mut by_rank: Vec<u32> = (0..rank.len() as u32).collect();
            by_rank.sort_by_key(|&s| rank[s as usize]);
            let names: Vec<&str> = by_rank.iter().map(|&s| Symbol(s).as_str()).collect();
            assert!(names.windows(2).all(|w| w[0] < w[1]), "{names:?}");
            rank
        };
        check();
        let later: Vec<Symbol> = ["rank-a1", "rank-c", "rank-", "rank-a10x"].iter().map(|n| Symbol::new(n)).collect();
        let rank = check();
        let r = |s: Symbol| rank[s.0 as usize];
        assert!(r(later[2]) < r(later[0]) && r(later[0]) < r(first[1]) && r(first[1]) < r(later[3]));
        assert!(r(later[3]) < r(first[2]) && r(first[2]) < r(first[0]) && r(first[0]) < r(later[1]));
    }
}
