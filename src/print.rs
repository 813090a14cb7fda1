//! Value printers.
//!
//! - [`print_value`]: the output of `nix-instantiate --eval` (CppNix's `printAmbiguous`):
//!   names sorted and quoted when they are not identifiers, `<CODE>` for unevaluated parts,
//!   `<LAMBDA>`, `<PRIMOP>`, `<PRIMOP-APP>`, and `«repeated»` for a non-empty set or list shown
//!   a second time. It forces nothing: `--strict` forces deeply before printing.
//! - [`short`]: the bounded, non-forcing rendering used inside error messages; [`trace_value`]:
//!   the same without bounds, for `builtins.trace`.
//! - helpers shared with lowering and builtins: string literal escaping, attribute-name quoting,
//!   float formatting.

use crate::eval::value::{Thunk, Value};
use rustc_hash::FxHashSet;
use std::rc::Rc;

/// Formats a float as C++ streams do by default (`%g` with 6 significant digits).
pub fn format_float(f: f64) -> String {
    crate::numfmt::format_float(f)
}

/// `toString` of a float (`std::to_string`, i.e. `%f`).
pub fn format_float_to_string(f: f64) -> String {
    crate::numfmt::format_float_tostring(f)
}

/// Writes a Nix string literal with CppNix's escaping.
pub fn write_string_literal(out: &mut String, s: &[u8]) {
    let mut bytes = Vec::with_capacity(s.len() + 2);
    write_string_literal_bytes(&mut bytes, s);
    out.push_str(&String::from_utf8_lossy(&bytes));
}

pub fn write_string_literal_bytes(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        match c {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'$' if s.get(i + 1) == Some(&b'{') => out.extend_from_slice(b"\\$"),
            _ => out.push(c),
        }
        i += 1;
    }
    out.push(b'"');
}

fn is_keyword(s: &str) -> bool {
    matches!(s, "if" | "then" | "else" | "assert" | "with" | "let" | "in" | "rec" | "inherit")
}

/// Whether a name can be written without quotes.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '\'' || c == '-') && !is_keyword(s)
}

/// An attribute name as Nix prints it: bare if it is an identifier, else a quoted string.
pub fn attr_name_str(s: &str) -> String {
    if is_identifier(s) {
        s.to_string()
    } else {
        let mut out = String::new();
        write_string_literal(&mut out, s.as_bytes());
        out
    }
}

/// `nix-instantiate --eval` output of a value (without the trailing newline).
pub fn print_value(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    let mut seen = FxHashSet::default();
    print_inner(v, &mut out, &mut seen, None);
    out
}

/// Lists are identified for «repeated» by the slot that holds them (CppNix compares `Value`
/// pointers for lists and binding pointers for sets): a lazy slot's cell, else the list itself.
fn print_thunk(t: &Thunk, out: &mut Vec<u8>, seen: &mut FxHashSet<usize>) {
    let key = match t {
        Thunk::Lazy(cell) => Some(crate::eval::value::ThunkRef::as_ptr(cell) as usize),
        Thunk::Ready(_) => None,
    };
    match t.value_if_ready() {
        Some(v) => print_inner(&v, out, seen, key),
        None => out.extend_from_slice(b"<CODE>"),
    }
}

fn print_inner(v: &Value, out: &mut Vec<u8>, seen: &mut FxHashSet<usize>, key: Option<usize>) {
    if crate::stack::exhausted() {
        out.extend_from_slice("«too deep to print»".as_bytes());
        return;
    }
    match v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Value::Float(f) => out.extend_from_slice(format_float(*f).as_bytes()),
        Value::String(s) => write_string_literal_bytes(out, s.as_bytes()),
        Value::Path(p) => out.extend_from_slice(p.as_bytes()),
        Value::Attrs(a) => {
            if !a.is_empty() && !seen.insert(a.addr()) {
                out.extend_from_slice("«repeated»".as_bytes());
                return;
            }
            out.extend_from_slice(b"{ ");
            for entry in a.sorted_by_name() {
                out.extend_from_slice(attr_name_str(entry.name.as_str()).as_bytes());
                out.extend_from_slice(b" = ");
                print_thunk(&entry.value, out, seen);
                out.extend_from_slice(b"; ");
            }
            out.push(b'}');
        }
        Value::List(l) => {
            if !l.0.is_empty() && !seen.insert(key.unwrap_or(Rc::as_ptr(l) as usize)) {
                out.extend_from_slice("«repeated»".as_bytes());
                return;
            }
            out.extend_from_slice(b"[ ");
            for t in l.0.iter() {
                print_thunk(t, out, seen);
                out.push(b' ');
            }
            out.push(b']');
        }
        Value::Lambda(_) => out.extend_from_slice(b"<LAMBDA>"),
        Value::PrimOp(_) => out.extend_from_slice(b"<PRIMOP>"),
        Value::PrimOpApp(_) => out.extend_from_slice(b"<PRIMOP-APP>"),
        Value::Opaque(o) => out.extend_from_slice(format!("«{}{}': {}»", crate::eval::opaque::MARKER, o.input, o.path).as_bytes()),
    }
}

/// A rendering of a value for error messages, bounded as CppNix's `errorPrintOptions`: sets
/// and lists nested at most 10 deep, at most 10 attributes and 10 list items in all (with
/// `type` and `_type` listed first), strings cut after 1024 bytes; «repeated» for a set or
/// list shown a second time. Nothing is forced.
pub fn short(v: &Value) -> String {
    let mut p = Bounded::new(10, 10, 10, 1024);
    p.value(v, 0, None);
    p.out
}

/// The rendering `builtins.trace` shows for a value that is not a string: as [`short`], but
/// without bounds (CppNix's default `PrintOptions`).
pub fn trace_value(v: &Value) -> String {
    let mut p = Bounded::new(usize::MAX, usize::MAX, usize::MAX, usize::MAX);
    p.value(v, 0, None);
    p.out
}

/// The state of one [`short`] or [`trace_value`] rendering. The attribute and item counts run
/// over the whole rendering, as CppNix's printer counts them.
struct Bounded {
    out: String,
    max_depth: usize,
    max_attrs: usize,
    max_items: usize,
    max_string: usize,
    attrs_printed: usize,
    items_printed: usize,
    seen: FxHashSet<usize>,
}

/// The identity every empty set shares for «repeated» (CppNix has one empty binding set).
const EMPTY_SET_KEY: usize = 1;

impl Bounded {
    fn new(max_depth: usize, max_attrs: usize, max_items: usize, max_string: usize) -> Bounded {
        Bounded {
            out: String::new(),
            max_depth,
            max_attrs,
            max_items,
            max_string,
            attrs_printed: 0,
            items_printed: 0,
            seen: FxHashSet::default(),
        }
    }

    fn elided(&mut self, n: usize, one: &str, many: &str) {
        let word = if n == 1 { one } else { many };
        self.out.push_str(&format!("«{n} {word} elided»"));
    }

    fn thunk(&mut self, t: &Thunk, depth: usize) {
        let key = match t {
            Thunk::Lazy(cell) => Some(crate::eval::value::ThunkRef::as_ptr(cell) as usize),
            Thunk::Ready(_) => None,
        };
        match t.value_if_ready() {
            Some(v) => self.value(&v, depth, key),
            None => self.out.push_str("«thunk»"),
        }
    }

    fn value(&mut self, v: &Value, depth: usize, key: Option<usize>) {
        if crate::stack::exhausted() {
            self.out.push_str("«too deep to print»");
            return;
        }
        match v {
            Value::String(s) => {
                let bytes = s.as_bytes();
                if bytes.len() > self.max_string {
                    write_string_literal(&mut self.out, &bytes[..self.max_string]);
                    self.out.push(' ');
                    self.elided(bytes.len() - self.max_string, "byte", "bytes");
                } else {
                    write_string_literal(&mut self.out, bytes);
                }
            }
            Value::Attrs(a) => {
                let id = if a.is_empty() { EMPTY_SET_KEY } else { a.addr() };
                if !self.seen.insert(id) {
                    self.out.push_str("«repeated»");
                    return;
                }
                if depth >= self.max_depth {
                    self.out.push_str("{ ... }");
                    return;
                }
                let mut sorted = a.sorted_by_name();
                if self.max_attrs != usize::MAX {
                    // Stable: `type` and `_type` first, the rest stay sorted by name.
                    sorted.sort_by_key(|e| !matches!(e.name.as_str(), "type" | "_type"));
                }
                self.out.push('{');
                for (i, entry) in sorted.iter().enumerate() {
                    self.out.push(' ');
                    if self.attrs_printed >= self.max_attrs {
                        self.elided(sorted.len() - i, "attribute", "attributes");
                        break;
                    }
                    self.out.push_str(&attr_name_str(entry.name.as_str()));
                    self.out.push_str(" = ");
                    self.thunk(&entry.value, depth + 1);
                    self.out.push(';');
                    self.attrs_printed += 1;
                }
                self.out.push_str(" }");
            }
            Value::List(l) => {
                if !l.0.is_empty() && !self.seen.insert(key.unwrap_or(Rc::as_ptr(l) as usize)) {
                    self.out.push_str("«repeated»");
                    return;
                }
                if depth >= self.max_depth {
                    self.out.push_str("[ ... ]");
                    return;
                }
                self.out.push('[');
                for (i, t) in l.0.iter().enumerate() {
                    self.out.push(' ');
                    if self.items_printed >= self.max_items {
                        self.elided(l.0.len() - i, "item", "items");
                        break;
                    }
                    self.thunk(t, depth + 1);
                    self.items_printed += 1;
                }
                self.out.push_str(" ]");
            }
            Value::Lambda(c) => {
                // As CppNix: the name, then where the function is defined.
                self.out.push_str("«lambda");
                if let Some(n) = c.def.name {
                    self.out.push(' ');
                    self.out.push_str(n.as_str());
                }
                if let Some(at) = crate::syntax::source::describe_shown(c.def.pos) {
                    self.out.push_str(" @ ");
                    self.out.push_str(&at);
                }
                self.out.push('»');
            }
            Value::PrimOp(op) => self.out.push_str(&format!("«primop {}»", op.name)),
            Value::PrimOpApp(app) => self.out.push_str(&format!("«partially applied primop {}»", app.op.name)),
            Value::Opaque(o) => self.out.push_str(&o.short()),
            other => self.out.push_str(&String::from_utf8_lossy(&print_value(other))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert!(is_identifier("a-b'"));
        assert!(is_identifier("_x"));
        assert!(!is_identifier("1a"));
        assert!(!is_identifier("if"));
        assert!(!is_identifier(""));
        assert_eq!(attr_name_str("a b"), "\"a b\"");
    }

    #[test]
    fn string_escapes() {
        let mut s = String::new();
        write_string_literal(&mut s, b"a\"b\\c\nd${e}$f");
        assert_eq!(s, r#""a\"b\\c\nd\${e}$f""#);
    }

    fn error_of(expr: &str) -> String {
        crate::eval_to_string(expr).unwrap_err().message().to_string()
    }

    #[test]
    fn error_values_nest_ten_deep() {
        let m = error_of("let n = k: if k == 0 then 1 else { x = n (k - 1); }; v = n 12; in builtins.deepSeq v (v + 1)");
        assert_eq!(m.matches("{ x =").count(), 10, "{m}");
        assert!(m.ends_with("{ x = { ... }; }; }; }; }; }; }; }; }; }; }"), "{m}");
    }

    #[test]
    fn error_values_count_items_and_attributes_over_the_whole_value() {
        let m = error_of("let v = { z = [ [ 1 2 3 4 5 6 ] [ 7 8 9 10 11 12 ] ]; type = \"t\"; }; in builtins.deepSeq v (v + 1)");
        assert!(m.ends_with(": { type = \"t\"; z = [ [ 1 2 3 4 5 6 ] [ 7 8 9 «3 items elided» ] ]; }"), "{m}");
        let m = error_of("let v = builtins.listToAttrs (builtins.genList (i: { name = \"a${toString i}\"; value = i; }) 11); in builtins.deepSeq v (v + 1)");
        assert!(m.ends_with("a8 = 8; «1 attribute elided» }"), "{m}");
    }

    #[test]
    fn error_values_mark_repeats_and_cut_long_strings() {
        let m = error_of("let s = { a = 1; }; v = [ s s { } { } ]; in builtins.deepSeq v (v + 1)");
        assert!(m.ends_with(": [ { a = 1; } «repeated» { } «repeated» ]"), "{m}");
        let m = error_of("let s = builtins.concatStringsSep \"\" (builtins.genList (i: \"a\") 1026); in builtins.deepSeq [ s ] ([ s ] + 1)");
        assert!(m.ends_with("aaa\" «2 bytes elided» ]"), "{m}");
    }
}
