//! Value printers.
//!
//! - [`print_value`]: the output of `nix-instantiate --eval` (CppNix's `printAmbiguous`):
//!   names sorted and quoted when they are not identifiers, `<CODE>` for unevaluated parts,
//!   `<LAMBDA>`, `<PRIMOP>`, `<PRIMOP-APP>`, and `«repeated»` for a non-empty set or list shown
//!   a second time. It forces nothing: `--strict` forces deeply before printing.
//! - [`short`]: the bounded, non-forcing rendering used inside error messages.
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

/// A short rendering of a value for error messages: bounded depth and width, nothing forced.
pub fn short(v: &Value) -> String {
    let mut out = String::new();
    short_inner(v, &mut out, 0);
    out
}

fn short_thunk(t: &Thunk, out: &mut String, depth: usize) {
    match t.value_if_ready() {
        Some(v) => short_inner(&v, out, depth),
        None => out.push_str("«thunk»"),
    }
}

fn short_inner(v: &Value, out: &mut String, depth: usize) {
    match v {
        Value::String(s) => {
            let bytes = s.as_bytes();
            if bytes.len() > 1024 {
                write_string_literal(out, &bytes[..1024]);
                out.push_str("«");
                out.push_str(&format!("{} bytes elided", bytes.len() - 1024));
                out.push_str("»");
            } else {
                write_string_literal(out, bytes);
            }
        }
        Value::Attrs(a) => {
            if depth >= 2 {
                out.push_str("{ ... }");
                return;
            }
            if a.is_empty() {
                out.push_str("{ }");
                return;
            }
            out.push_str("{ ");
            let sorted = a.sorted_by_name();
            for (i, entry) in sorted.iter().enumerate() {
                if i >= 10 {
                    out.push_str(&format!("«{} attributes elided» ", sorted.len() - 10));
                    break;
                }
                out.push_str(&attr_name_str(entry.name.as_str()));
                out.push_str(" = ");
                short_thunk(&entry.value, out, depth + 1);
                out.push_str("; ");
            }
            out.push('}');
        }
        Value::List(l) => {
            if depth >= 2 {
                out.push_str("[ ... ]");
                return;
            }
            if l.0.is_empty() {
                out.push_str("[ ]");
                return;
            }
            out.push_str("[ ");
            for (i, t) in l.0.iter().enumerate() {
                if i >= 10 {
                    out.push_str(&format!("«{} items elided» ", l.0.len() - 10));
                    break;
                }
                short_thunk(t, out, depth + 1);
                out.push(' ');
            }
            out.push(']');
        }
        Value::Lambda(c) => match c.def.name {
            Some(n) => out.push_str(&format!("«lambda {}»", n)),
            None => out.push_str("«lambda»"),
        },
        Value::PrimOp(op) => out.push_str(&format!("«primop {}»", op.name)),
        Value::PrimOpApp(app) => out.push_str(&format!("«partially applied primop {}»", app.op.name)),
        Value::Opaque(o) => out.push_str(&o.short()),
        other => out.push_str(&String::from_utf8_lossy(&print_value(other))),
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
}
