//! JSON text exactly as CppNix writes it (nlohmann::json's compact `dump()`).
//!
//! Structured attributes (`__structuredAttrs = true`, or a `__json` attribute) are
//! stored in derivations as this text, so every byte matters for the derivation path:
//! object keys sorted by bytes, no whitespace, control characters escaped as `\b \f \n
//! \r \t` or lowercase `\u00xx`, non-ASCII left as UTF-8, and floats in nlohmann's
//! shortest-round-trip format (`1.0`, `1e+20`, `1e-05`, `0.0001`). Integers print
//! as-is; non-finite floats print as `null`. The same writer serves `builtins.toJSON`.
//! It only writes; parsing is left to `serde_json`.

use serde_json::{Number, Value};

/// Appends the JSON text of `v` to `out`.
pub fn write_value(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_number(n, out),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => write_object(map, out),
    }
}

/// Appends the JSON text of an object to `out`, keys in byte order whatever order the
/// map keeps them in.
pub fn write_object(map: &serde_json::Map<String, Value>, out: &mut String) {
    out.push('{');
    let sorted = map.keys().zip(map.keys().skip(1)).all(|(a, b)| a < b);
    if sorted {
        for (i, (k, v)) in map.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_string(k, out);
            out.push(':');
            write_value(v, out);
        }
    } else {
        let mut entries: Vec<(&String, &Value)> = map.iter().collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
        for (i, (k, v)) in entries.into_iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_string(k, out);
            out.push(':');
            write_value(v, out);
        }
    }
    out.push('}');
}

/// The JSON text of `v`.
pub fn to_string(v: &Value) -> String {
    let mut s = String::new();
    write_value(v, &mut s);
    s
}

/// Appends a JSON string literal.
pub fn write_string(s: &str, out: &mut String) {
    out.reserve(s.len() + 2);
    out.push('"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if esc.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 0xf) as usize] as char);
        } else {
            out.push_str(esc);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

fn write_number(n: &Number, out: &mut String) {
    use std::fmt::Write;
    if let Some(i) = n.as_i64() {
        let _ = write!(out, "{i}");
    } else if let Some(u) = n.as_u64() {
        let _ = write!(out, "{u}");
    } else if let Some(f) = n.as_f64() {
        write_float(f, out);
    } else {
        out.push_str("null");
    }
}

/// Appends a float as nlohmann::json prints it.
pub fn write_float(v: f64, out: &mut String) {
    if !v.is_finite() {
        out.push_str("null");
        return;
    }
    if v.is_sign_negative() {
        out.push('-');
    }
    let v = v.abs();
    if v == 0.0 {
        out.push_str("0.0");
        return;
    }
    // Shortest round-trip digits and the decimal exponent of the first digit.
    let sci = format!("{v:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let k = digits.len() as i32;
    // The value is 0.<digits> * 10^n.
    let n = exp + 1;
    const MIN_EXP: i32 = -4;
    const MAX_EXP: i32 = 15;
    if k <= n && n <= MAX_EXP {
        out.push_str(&digits);
        for _ in 0..(n - k) {
            out.push('0');
        }
        out.push_str(".0");
    } else if 0 < n && n <= MAX_EXP {
        out.push_str(&digits[..n as usize]);
        out.push('.');
        out.push_str(&digits[n as usize..]);
    } else if MIN_EXP < n && n <= 0 {
        out.push_str("0.");
        for _ in 0..(-n) {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        let e = n - 1;
        out.push(if e < 0 { '-' } else { '+' });
        let e = e.unsigned_abs();
        if e < 10 {
            out.push('0');
        }
        use std::fmt::Write;
        let _ = write!(out, "{e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn float(v: f64) -> String {
        let mut s = String::new();
        write_float(v, &mut s);
        s
    }

    #[test]
    fn floats_like_nlohmann() {
        assert_eq!(float(1.0), "1.0");
        assert_eq!(float(1.5), "1.5");
        assert_eq!(float(-2.25), "-2.25");
        assert_eq!(float(0.0), "0.0");
        assert_eq!(float(-0.0), "-0.0");
        assert_eq!(float(100.0), "100.0");
        assert_eq!(float(0.1), "0.1");
        assert_eq!(float(0.0001), "0.0001");
        assert_eq!(float(0.00001), "1e-05");
        assert_eq!(float(1e14), "100000000000000.0");
        assert_eq!(float(123456789012345.0), "123456789012345.0");
        assert_eq!(float(1e15), "1e+15");
        assert_eq!(float(1234567890123456.0), "1.234567890123456e+15");
        assert_eq!(float(1.5e300), "1.5e+300");
        assert_eq!(float(123456.789), "123456.789");
        assert_eq!(float(f64::NAN), "null");
        assert_eq!(float(5e-324), "5e-324");
    }

    #[test]
    fn strings_and_structure() {
        let v =
            json!({"b": [1, -2, true, null], "a": "x\"\\\n\r\t\u{8}\u{c}\u{1}\u{7f}é/", "c": {}});
        assert_eq!(
            to_string(&v),
            concat!(
                r#"{"a":"x\"\\\n\r\t\b\f\u0001"#,
                "\u{7f}",
                r#"é/","b":[1,-2,true,null],"c":{}}"#
            )
        );
        assert_eq!(
            to_string(&json!(18446744073709551615u64)),
            "18446744073709551615"
        );
    }
}
