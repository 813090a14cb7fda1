//! Opaque values: what a flake input that is neither available offline nor stood in for
//! evaluates to, and everything computed from it that cannot be known.
//!
//! An opaque value ([`Value::Opaque`]) remembers the input it comes from and how it was reached
//! (`crane.mkLib(…).buildPackage(…)`). It behaves as an attribute set in which every attribute
//! exists and is itself opaque, and which can also be called:
//!
//! - selecting (`o.a`, `o.a or d`, `with o; a`, `getAttr`, `intersectAttrs s o`) gives the
//!   opaque `o.a`; `o ? a` and `hasAttr` are true; calling `o x` gives an opaque value without forcing `x`; a function
//!   with formal arguments called with `o` gets `o.name` for each formal;
//! - `o // s` and `s // o` are opaque values that know `s`'s attributes (for `s // o` this
//!   assumes `o` adds attributes rather than replacing them, as overlays and module results
//!   usually do); `o ++ l`, `"${o}/x"`, `o + x` (whatever `x` is: the left operand decides
//!   and it is not a number), `import o` and `toString o` are opaque; `1 + o` fails;
//! - `typeOf o` is `"set"`, `isAttrs o` is true and the other `is*` predicates false; `o == v`
//!   is false for any other value `v` (an opaque value is not null, not empty and not equal to a
//!   known value), true for the same opaque value;
//! - what truly needs the unknown value fails with an error whose message says the value
//!   "depends on unavailable input 'X'" ([`input_of_error`] finds it): a branch or assertion
//!   condition, arithmetic, ordering, attribute names or values, list operations, JSON.
//! - inside `derivationStrict`, an opaque value coerced to a string becomes a placeholder store
//!   path ([`placeholder`]) so that a derivation using it (`mkShell { packages = [ o ]; }`) still
//!   is a derivation; the derivations computed this way are recorded ([`OpaqueState`]).
//!
//! The stand-ins recognise opaque values with `v ? __nixevalOpaque` (true only for them, as no
//! ordinary value has that attribute); selecting that name gives the value without what is
//! known of it.
//!
//! Opaque values are made only by the flake loader for unavailable inputs; ordinary evaluation
//! never sees one, so the language's semantics are untouched. Nothing here guesses what an
//! input would have provided.

use super::expr::Formal;
use super::symbol::Symbol;
use super::value::*;
use super::Evaluator;
use crate::error::EvalError;
use crate::syntax::source::Pos;
use std::collections::BTreeSet;
use std::rc::Rc;

/// What an opaque value stands for.
pub struct OpaqueInfo {
    /// The input it comes from, as a path from the root flake (`crane`, `a/b`).
    pub input: Rc<str>,
    /// How it was reached from the input (`crane.lib.x86_64-linux.buildPackage(…)`).
    pub path: Box<str>,
    /// Attributes known for certain (from `//`), looked up before the unknown rest.
    pub known: Option<Attrs>,
}

/// The phrase every error about an opaque value contains, followed by the input name and `'`.
pub const MARKER: &str = "depends on unavailable input '";

/// Paths longer than this stop growing (they only serve as a description).
const MAX_PATH: usize = 120;

impl OpaqueInfo {
    /// `a value that depends on unavailable input 'crane'` (the value's type in messages).
    pub fn phrase(&self) -> String {
        format!("a value that {}{}'", MARKER, self.input)
    }

    /// `«crane.mkLib(…)»`, how the value is printed.
    pub fn short(&self) -> String {
        format!("«{}»", self.path)
    }
}

/// The opaque value of the unavailable input `input`, knowing `known` (its lock information).
pub fn input_value(input: &str, known: Option<Attrs>) -> Value {
    Value::Opaque(Rc::new(OpaqueInfo {
        input: input.into(),
        path: input.replace('/', ".").into(),
        known: known.filter(|k| !k.is_empty()),
    }))
}

fn derived(o: &OpaqueInfo, suffix: &str) -> Value {
    let path = if o.path.len() >= MAX_PATH || o.path.ends_with('…') {
        if o.path.ends_with('…') {
            o.path.clone()
        } else {
            format!("{}…", o.path).into()
        }
    } else {
        format!("{}{}", o.path, suffix).into()
    };
    Value::Opaque(Rc::new(OpaqueInfo { input: o.input.clone(), path, known: None }))
}

/// `o.name`: the known attribute, or an opaque one.
#[cold]
pub fn select(o: &OpaqueInfo, name: Symbol) -> Thunk {
    if let Some(t) = o.known.as_ref().and_then(|k| k.get(name)) {
        return t.clone();
    }
    let n = name.as_str();
    if n == "__nixevalOpaque" {
        // The probe the stand-ins use to recognise opaque values (`v ? __nixevalOpaque`).
        return Thunk::Ready(Value::Opaque(Rc::new(OpaqueInfo { input: o.input.clone(), path: o.path.clone(), known: None })));
    }
    let simple = !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'\'');
    let suffix = if simple { format!(".{}", n) } else { format!(".\"{}\"", n) };
    Thunk::Ready(derived(o, &suffix))
}

/// `o x`.
#[cold]
pub fn call(o: &OpaqueInfo) -> Value {
    derived(o, "(…)")
}

/// A value computed from `o` in a way that keeps nothing known (`o ++ l`, `"${o}"`, `import o`).
#[cold]
pub fn derived_value(o: &OpaqueInfo, how: &str) -> Value {
    derived(o, how)
}

/// `l // r` where at least one side is opaque.
#[cold]
pub fn update(l: &Value, r: &Value) -> EvalResult {
    let (o, known) = match (l, r) {
        (Value::Opaque(o), Value::Attrs(s)) | (Value::Attrs(s), Value::Opaque(o)) => {
            let known = match &o.known {
                Some(k) => {
                    // The right side wins on common names, as in `//`.
                    if matches!(l, Value::Opaque(_)) {
                        k.update(s)
                    } else {
                        s.update(k)
                    }
                }
                None => s.clone(),
            };
            (o, Some(known))
        }
        (Value::Opaque(a), Value::Opaque(b)) => {
            let known = match (&a.known, &b.known) {
                (Some(x), Some(y)) => Some(x.update(y)),
                (Some(x), None) | (None, Some(x)) => Some(x.clone()),
                (None, None) => None,
            };
            (a, known)
        }
        (Value::Opaque(_), other) | (other, _) => {
            return Err(EvalError::type_error(format!(
                "expected a set but found {}: {}",
                other.type_phrase(),
                crate::print::short(other)
            )))
        }
    };
    Ok(Value::Opaque(Rc::new(OpaqueInfo {
        input: o.input.clone(),
        path: o.path.clone(),
        known: known.filter(|k| !k.is_empty()),
    })))
}

/// The argument set a function with formal arguments gets when called with `o`: each formal
/// is `o.name`.
#[cold]
pub fn formals_arg(o: &OpaqueInfo, formals: &[Formal]) -> Value {
    let entries = formals.iter().map(|f| AttrEntry { name: f.name, pos: Pos::NONE, value: select(o, f.name) }).collect();
    Value::attrs(Attrs::from_unsorted(entries))
}

/// The error for an operation that needs the value of `o`.
#[cold]
pub fn needed(o: &OpaqueInfo, what: &str) -> EvalError {
    EvalError::eval(format!("{} needs {} ({})", what, o.phrase(), o.path))
}

/// The input an error says a value depends on, if the error is about an opaque value.
pub fn input_of_error(e: &EvalError) -> Option<String> {
    let m = e.message();
    let i = m.find(MARKER)? + MARKER.len();
    let end = m[i..].find('\'')?;
    Some(m[i..i + end].to_string())
}

/// The store path an opaque value becomes inside a derivation: stable for the same value,
/// named after the input, never a real store object.
pub fn placeholder(o: &OpaqueInfo) -> String {
    let mut text = String::from("nixeval-unavailable-input:");
    text.push_str(&o.input);
    text.push(':');
    text.push_str(&o.path);
    let h = crate::store::hash::Hash::sha256(text.as_bytes());
    let mut hash20 = [0u8; 20];
    for (i, b) in h.iter().enumerate() {
        hash20[i % 20] ^= b;
    }
    let name: String = o
        .input
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || "+-._?=".contains(c) { c } else { '-' })
        .collect();
    format!("/nix/store/{}-unavailable-{}", crate::store::encoding::nix32_encode(&hash20), name)
}

/// What the evaluation did with opaque values: placeholders put into derivations.
#[derive(Default)]
pub struct OpaqueState {
    /// Where each `derivationStrict` under way started in `pending` (placeholders are made
    /// only inside one).
    marks: Vec<usize>,
    /// Inputs whose placeholders went into the derivations under way, in order of use.
    pending: Vec<Rc<str>>,
    /// Derivations (by `.drv` path) computed with placeholders, and the inputs involved
    /// (including those of their input derivations).
    tainted: rustc_hash::FxHashMap<String, BTreeSet<Rc<str>>>,
}

impl OpaqueState {
    /// Called when `derivationStrict` starts; returns the mark to give to [`Self::end`].
    pub fn begin(&mut self) -> usize {
        let m = self.pending.len();
        self.marks.push(m);
        m
    }

    /// Called when `derivationStrict` ends (also on failure).
    pub fn end(&mut self, mark: usize) {
        while let Some(m) = self.marks.pop() {
            if m == mark {
                break;
            }
        }
        if self.marks.is_empty() {
            self.pending.clear();
        }
    }

    /// Records the derivation `drv_path` of the innermost `derivationStrict` under way, whose
    /// string context is `context` (CppNix's encoding: `=x.drv`, `!out!x.drv`, paths).
    pub fn record<'a>(&mut self, drv_path: &str, context: impl Iterator<Item = &'a str>) {
        let mark = self.marks.last().copied().unwrap_or(self.pending.len());
        let mut set: BTreeSet<Rc<str>> = self.pending.get(mark..).unwrap_or(&[]).iter().cloned().collect();
        if !self.tainted.is_empty() {
            for elem in context {
                let d = match elem.strip_prefix('=') {
                    Some(d) => d,
                    None if elem.starts_with('!') => elem.rsplit('!').next().unwrap_or(elem),
                    None => elem,
                };
                if let Some(t) = self.tainted.get(d) {
                    set.extend(t.iter().cloned());
                }
            }
        }
        if !set.is_empty() {
            self.tainted.insert(drv_path.to_string(), set);
        }
    }

    /// The unavailable inputs a derivation was computed with placeholders for.
    pub fn tainted(&self, drv_path: &str) -> Vec<String> {
        self.tainted.get(drv_path).map(|s| s.iter().map(|x| x.to_string()).collect()).unwrap_or_default()
    }

    /// Every input a placeholder was made for so far.
    pub fn all_tainting_inputs(&self) -> BTreeSet<String> {
        self.tainted.values().flat_map(|s| s.iter().map(|x| x.to_string())).collect()
    }

    pub fn in_derivation(&self) -> bool {
        !self.marks.is_empty()
    }
}

impl Evaluator {
    /// An opaque value coerced to a string: a placeholder inside a derivation, else an error.
    #[cold]
    pub fn coerce_opaque(&mut self, o: &OpaqueInfo) -> EvalResult<NixString> {
        let st = &mut self.caches.opaque;
        if st.in_derivation() {
            st.pending.push(o.input.clone());
            return Ok(NixString::new(placeholder(o).into_bytes().into_boxed_slice()));
        }
        Err(EvalError::type_error(format!("cannot coerce {} to a string: {}", o.phrase(), o.short())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(v: &Value) -> &OpaqueInfo {
        match v {
            Value::Opaque(o) => o,
            _ => panic!("not opaque"),
        }
    }

    /// Applies the Nix function `code` to the opaque input `crane` and prints the result.
    fn apply(code: &str) -> Result<String, String> {
        let mut ev = Evaluator::new(super::super::EvalOptions::default(), Box::new(super::super::io::MemIo::default()));
        ev.reset_stack_base();
        let f = ev.eval_str(code, "/").map_err(|e| e.message().to_string())?;
        let arg = Thunk::Ready(input_value("crane", None));
        let v = ev.call_value(f, arg, Pos::NONE).map_err(|e| e.message().to_string())?;
        ev.force_deep(&v).map_err(|e| e.message().to_string())?;
        Ok(String::from_utf8_lossy(&crate::print::print_value(&v)).into_owned())
    }

    #[test]
    fn what_propagates() {
        let shown = |p: &str| format!("«depends on unavailable input 'crane': {}»", p);
        assert_eq!(apply("o: o.lib.mkLib").unwrap(), shown("crane.lib.mkLib"));
        assert_eq!(apply("o: (o.mkLib 1).buildPackage { }").unwrap(), shown("crane.mkLib(…).buildPackage(…)"));
        assert_eq!(apply("o: o.x or 5").unwrap(), shown("crane.x"));
        assert_eq!(apply("o: with o; foo").unwrap(), shown("crane.foo"));
        assert_eq!(apply("o: ({ a, b ? 2 }: [ a b ]) o").unwrap(), format!("[ {} {} ]", shown("crane.a"), shown("crane.b")));
        assert_eq!(apply(r#"o: "${o}/lib.nix""#).unwrap(), shown(r#"crane+"…""#));
        assert_eq!(apply(r#"o: import "${o}/lib.nix""#).unwrap(), shown(r#"crane+"…"(import)"#));
        assert_eq!(apply("o: [ 1 ] ++ o").unwrap(), shown("crane ++ […]"));
        assert_eq!(apply("o: (o // { x = 1; }).x").unwrap(), "1");
        assert_eq!(apply("o: ({ y = 2; } // o).y").unwrap(), "2");
        assert_eq!(apply("o: ({ y = 2; } // o).z").unwrap(), shown("crane.z"));
        assert_eq!(apply(r#"o: builtins.getAttr "q" o"#).unwrap(), shown("crane.q"));
        assert_eq!(apply("o: builtins.intersectAttrs { a = 1; } ({ a = 2; } // o)").unwrap(), "{ a = 2; }");
        assert_eq!(apply("o: builtins.intersectAttrs { b = 1; } o").unwrap(), format!("{{ b = {}; }}", shown("crane.b")));
    }

    #[test]
    fn what_it_answers() {
        assert_eq!(apply("o: [ (o ? a) (o ? __nixevalOpaque) (builtins.hasAttr \"a\" o) ]").unwrap(), "[ true true true ]");
        assert_eq!(apply("o: [ (builtins.typeOf o) (builtins.isAttrs o) (builtins.isFunction o) (builtins.isString o) ]").unwrap(),
            "[ \"set\" true false false ]");
        assert_eq!(apply("o: [ (o == null) (o == { }) (o != \"\") (o == o) (o.a == o.a) ]").unwrap(), "[ false false true true false ]");
    }

    #[test]
    fn what_needs_the_value() {
        for code in [
            "o: if o then 1 else 2",
            "o: builtins.attrNames o",
            "o: o - 1",
            "o: o * 2",
            "o: 1 + o",
            "o: o < 1",
            "o: builtins.length o",
            "o: builtins.toJSON o",
            "o: assert o; 1",
            "o: !o",
            "o: builtins.mapAttrs (n: v: v) o",
        ] {
            let e = apply(code).expect_err(code);
            assert!(e.contains("depends on unavailable input 'crane'"), "{code}: {e}");
        }
    }

    #[test]
    fn derivations_get_placeholders() {
        let code = "o: (derivation { name = \"x\"; system = \"s\"; builder = \"/b\"; dep = o.pkg; deps = [ o ]; }).drvPath";
        let mut ev = Evaluator::new(super::super::EvalOptions::default(), Box::new(super::super::io::MemIo::default()));
        ev.reset_stack_base();
        let f = ev.eval_str(code, "/").map_err(|e| e.message().to_string()).unwrap();
        let v = ev.call_value(f, Thunk::Ready(input_value("crane", None)), Pos::NONE).map_err(|e| e.message().to_string()).unwrap();
        let Value::String(drv) = v else { panic!("not a string") };
        assert_eq!(ev.caches.opaque.tainted(&drv.to_str_lossy()), vec!["crane".to_string()]);
        assert!(!ev.caches.opaque.in_derivation());
        // Outside a derivation, an opaque value still cannot become a string.
        let e = apply("o: builtins.substring 0 1 o").expect_err("substring");
        assert!(e.contains("depends on unavailable input 'crane'"), "{e}");
    }

    #[test]
    fn paths_grow_and_stop() {
        let v = input_value("crane", None);
        let o = info(&v);
        let s = select(o, Symbol::new("mkLib"));
        let s = match s {
            Thunk::Ready(v) => v,
            _ => panic!(),
        };
        assert_eq!(&*info(&s).path, "crane.mkLib");
        let c = call(info(&s));
        assert_eq!(&*info(&c).path, "crane.mkLib(…)");
        let weird = select(info(&c), Symbol::new("a b"));
        let Thunk::Ready(w) = weird else { panic!() };
        assert_eq!(&*info(&w).path, "crane.mkLib(…).\"a b\"");
        let mut long = w;
        for _ in 0..100 {
            long = call(info(&long));
        }
        assert!(info(&long).path.len() <= MAX_PATH + 8, "{}", info(&long).path);
        assert!(info(&long).path.ends_with('…'));
    }

    #[test]
    fn known_attributes_win() {
        let known = Attrs::from_unsorted(vec![AttrEntry { name: Symbol::new("rev"), pos: Pos::NONE, value: Value::Int(1).into() }]);
        let v = input_value("a/b", Some(known));
        let o = info(&v);
        assert_eq!(&*o.path, "a.b");
        assert!(matches!(select(o, Symbol::new("rev")), Thunk::Ready(Value::Int(1))));
        assert!(matches!(select(o, Symbol::new("x")), Thunk::Ready(Value::Opaque(_))));
    }

    #[test]
    fn update_keeps_the_known_side() {
        let s = Value::attrs(Attrs::from_unsorted(vec![AttrEntry { name: Symbol::new("x"), pos: Pos::NONE, value: Value::Int(2).into() }]));
        let o = input_value("i", None);
        for v in [update(&o, &s).unwrap(), update(&s, &o).unwrap()] {
            assert!(matches!(select(info(&v), Symbol::new("x")), Thunk::Ready(Value::Int(2))));
        }
        assert!(update(&o, &Value::Int(1)).is_err());
        let Err(e) = update(&Value::Int(1), &o) else { panic!("an integer merged") };
        assert!(e.message().contains("expected a set but found an integer"), "{}", e.message());
    }

    #[test]
    fn errors_name_the_input() {
        let v = input_value("treefmt-nix", None);
        let e = needed(info(&v), "a branch condition");
        assert_eq!(input_of_error(&e).as_deref(), Some("treefmt-nix"));
        assert_eq!(input_of_error(&EvalError::eval("plain")), None);
    }

    #[test]
    fn placeholders_are_stable_store_paths() {
        let v = input_value("rust-overlay", None);
        let p = placeholder(info(&v));
        assert!(p.starts_with("/nix/store/") && p.ends_with("-unavailable-rust-overlay"), "{p}");
        assert_eq!(p.len(), "/nix/store/".len() + 32 + "-unavailable-rust-overlay".len());
        assert_eq!(p, placeholder(info(&v)));
        let w = input_value("crane", None);
        assert_ne!(p, placeholder(info(&w)));
    }

    #[test]
    fn taint_follows_input_derivations() {
        let mut st = OpaqueState::default();
        let m = st.begin();
        st.pending.push("crane".into());
        st.record("/nix/store/a.drv", std::iter::empty());
        st.end(m);
        let m = st.begin();
        st.record("/nix/store/b.drv", ["!out!/nix/store/a.drv"].into_iter());
        st.record("/nix/store/c.drv", ["/nix/store/x-src"].into_iter());
        st.end(m);
        let m = st.begin();
        st.record("/nix/store/d.drv", ["=/nix/store/b.drv"].into_iter());
        st.end(m);
        assert_eq!(st.tainted("/nix/store/d.drv"), vec!["crane".to_string()]);
        assert_eq!(st.tainted("/nix/store/b.drv"), vec!["crane".to_string()]);
        assert!(st.tainted("/nix/store/c.drv").is_empty());
        assert!(!st.in_derivation());
    }
}
