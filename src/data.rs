//! A neutral tree of plain data, produced by the JSON and TOML readers
//! (`builtins.fromJSON`, `builtins.fromTOML`) and turned into Nix values by
//! the evaluator.
//!
//! It holds only what both formats can express and Nix can represent: no
//! paths, functions or string contexts. Strings never contain NUL bytes (the
//! readers reject them, as the reference does, since Nix strings cannot hold
//! them). Attribute sets are kept as a vector of (name, value) pairs with no
//! duplicate names, in the order the names first appear in the input; the
//! evaluator sorts them as it sorts every attribute set.
//!
//! The tree is not meant for deep recursion: readers cap its nesting depth.

/// One value read from JSON or TOML.
#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    List(Vec<Data>),
    /// Names in order of first appearance, without duplicates.
    Attrs(Vec<(String, Data)>),
}

/// The reference's message for a string that would contain a NUL byte
/// (`forceNoNullByte`), with each NUL shown as U+2400.
pub fn null_byte_error(s: &str) -> String {
    format!(
        "input string '{}' cannot be represented as Nix string because it contains null bytes",
        s.replace('\0', "\u{2400}")
    )
}

/// Removes duplicate names from an attribute list: the value written last
/// wins and takes the place of the name's first appearance.
pub fn dedup_last_wins(v: &mut Vec<(String, Data)>) {
    let n = v.len();
    if n < 2 {
        return;
    }
    if n <= 16 {
        // Small sets: a quadratic scan without allocation.
        let mut any = false;
        for i in 1..n {
            if v[..i].iter().any(|(k, _)| *k == v[i].0) {
                any = true;
                break;
            }
        }
        if !any {
            return;
        }
        let mut out: Vec<(String, Data)> = Vec::with_capacity(n);
        for (k, d) in v.drain(..) {
            match out.iter_mut().find(|(k2, _)| *k2 == k) {
                Some(slot) => slot.1 = d,
                None => out.push((k, d)),
            }
        }
        *v = out;
        return;
    }
    let mut idx: Vec<usize> = (0..n).collect();
    // Stable: equal names stay in input order.
    idx.sort_by(|&a, &b| v[a].0.cmp(&v[b].0));
    let mut keep = vec![true; n];
    let mut any = false;
    let mut r = 0;
    while r < n {
        let mut e = r + 1;
        while e < n && v[idx[e]].0 == v[idx[r]].0 {
            e += 1;
        }
        if e - r > 1 {
            any = true;
            let last = std::mem::replace(&mut v[idx[e - 1]].1, Data::Null);
            v[idx[r]].1 = last;
            for &k in &idx[r + 1..e] {
                keep[k] = false;
            }
        }
        r = e;
    }
    if any {
        let mut i = 0;
        v.retain(|_| {
            let k = keep[i];
            i += 1;
            k
        });
    }
}

#[cfg(test)]
pub(crate) mod testutil {
    //! Renders data the way `nix-instantiate --eval --strict` prints the
    //! corresponding Nix value, so tests can compare with the reference.
    use super::Data;

    fn push_string(s: &str, out: &mut String) {
        out.push('"');
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
                c => out.push(c),
            }
        }
        out.push('"');
    }

    fn is_plain_name(s: &str) -> bool {
        let mut it = s.bytes();
        match it.next() {
            Some(b) if b.is_ascii_alphabetic() || b == b'_' => {}
            _ => return false,
        }
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'\'' || b == b'-')
            && !matches!(
                s,
                "if" | "then"
                    | "else"
                    | "assert"
                    | "with"
                    | "let"
                    | "in"
                    | "rec"
                    | "inherit"
                    | "or"
            )
    }

    pub fn render(d: &Data, out: &mut String) {
        match d {
            Data::Null => out.push_str("null"),
            Data::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Data::Int(i) => out.push_str(&i.to_string()),
            Data::Float(f) => out.push_str(&crate::numfmt::format_float(*f)),
            Data::String(s) => push_string(s, out),
            Data::List(items) => {
                out.push('[');
                for i in items {
                    out.push(' ');
                    render(i, out);
                }
                out.push_str(" ]");
            }
            Data::Attrs(attrs) => {
                let mut sorted: Vec<&(String, Data)> = attrs.iter().collect();
                sorted.sort_by(|a, b| a.0.cmp(&b.0));
                out.push('{');
                for (k, v) in sorted {
                    out.push(' ');
                    if is_plain_name(k) {
                        out.push_str(k);
                    } else {
                        push_string(k, out);
                    }
                    out.push_str(" = ");
                    render(v, out);
                    out.push(';');
                }
                out.push_str(" }");
            }
        }
    }

    /// A Nix string literal holding exactly the bytes `s` (raw bytes are
    /// allowed inside Nix strings; `"`, `\`, `${` and CR, which the lexer
    /// would turn into LF, need escapes).
    pub fn nix_lit(s: &[u8]) -> Vec<u8> {
        let mut out = vec![b'"'];
        for (i, &b) in s.iter().enumerate() {
            match b {
                b'"' | b'\\' => out.extend_from_slice(&[b'\\', b]),
                b'$' if s.get(i + 1) == Some(&b'{') => out.extend_from_slice(b"\\$"),
                b'\r' => out.extend_from_slice(b"\\r"),
                _ => out.push(b),
            }
        }
        out.push(b'"');
        out
    }

    pub fn show(d: &Data) -> String {
        let mut s = String::new();
        render(d, &mut s);
        s
    }

    /// Evaluates `expr` with the installed reference evaluator, if any:
    /// `Some(Ok(stdout))`, `Some(Err(stderr))`, or `None` when it is absent.
    pub fn oracle(expr: &[u8]) -> Option<Result<String, String>> {
        use std::os::unix::ffi::OsStrExt;
        let out = std::process::Command::new("nix-instantiate")
            .args(["--eval", "--strict", "-E"])
            .arg(std::ffi::OsStr::from_bytes(expr))
            .env("NIX_REMOTE", "dummy://")
            .output()
            .ok()?;
        let text = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
        Some(if out.status.success() {
            Ok(text(out.stdout))
        } else {
            Err(text(out.stderr))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(pairs: &[(&str, i64)]) -> Vec<(String, Data)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Data::Int(*v)))
            .collect()
    }

    #[test]
    fn dedup_small() {
        let mut v = attrs(&[("b", 1), ("a", 2), ("b", 3)]);
        dedup_last_wins(&mut v);
        assert_eq!(v, attrs(&[("b", 3), ("a", 2)]));
        let mut v = attrs(&[("x", 1), ("y", 2)]);
        dedup_last_wins(&mut v);
        assert_eq!(v, attrs(&[("x", 1), ("y", 2)]));
    }

    #[test]
    fn dedup_large() {
        let mut v: Vec<(String, Data)> = (0..40)
            .map(|i| (format!("k{}", i % 25), Data::Int(i)))
            .collect();
        dedup_last_wins(&mut v);
        assert_eq!(v.len(), 25);
        for (i, (k, d)) in v.iter().enumerate() {
            assert_eq!(*k, format!("k{i}"));
            let want = if i < 15 { i as i64 + 25 } else { i as i64 };
            assert_eq!(*d, Data::Int(want));
        }
    }

    #[test]
    fn null_byte_message() {
        assert_eq!(
            null_byte_error("a\0b"),
            "input string 'a\u{2400}b' cannot be represented as Nix string because it contains null bytes"
        );
    }

    #[test]
    fn render_like_nix() {
        let d = Data::Attrs(vec![
            (
                "b".into(),
                Data::List(vec![Data::Int(1), Data::Float(1.5), Data::Null]),
            ),
            ("a b".into(), Data::String("x\"${y}\n".into())),
            ("a".into(), Data::List(vec![])),
        ]);
        assert_eq!(
            testutil::show(&d),
            r#"{ a = [ ]; "a b" = "x\"\${y}\n"; b = [ 1 1.5 null ]; }"#
        );
    }
}
