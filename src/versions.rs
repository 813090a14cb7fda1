//! Version strings and derivation names: `builtins.splitVersion`,
//! `builtins.compareVersions` and `builtins.parseDrvName`.
//!
//! The rules are the reference's (`nextComponent`, `componentsLT` and
//! `DrvName` in libstore's names.cc):
//!
//! * A version is a sequence of components separated by any number of `.`
//!   and `-`. A component is either a maximal run of ASCII digits or a
//!   maximal run of anything else that is not a digit or a separator
//!   (`"1.2pre3"` → `1`, `2`, `pre`, `3`).
//! * Two components compare numerically when both are digit runs that fit a
//!   32-bit signed `int` (longer runs count as non-numeric); otherwise a
//!   missing component (empty) is older than a number, `pre` is older than
//!   anything but `pre`, an alphabetic component is older than a number
//!   (`2.3a` < `2.3.1`), and two non-numeric components compare bytewise.
//! * A derivation name splits at the first `-` that is followed by a
//!   character that is not an ASCII letter; the version is what follows
//!   that dash.
//!
//! Character classes are ASCII-only (the reference uses the C locale's
//! `isdigit`/`isalpha`), so every split point falls on a char boundary and
//! the `&str` functions can return slices of their input. Byte-string
//! variants exist for callers whose strings are not UTF-8. Nothing here
//! allocates except the vector returned by `split_version`.

use std::cmp::Ordering;

#[inline]
fn is_sep(b: u8) -> bool {
    b == b'.' || b == b'-'
}

/// Returns the next component of `s` starting at `*pos` and advances `*pos`
/// past it; returns an empty slice when only separators (or nothing) remain.
fn next_component<'a>(s: &'a [u8], pos: &mut usize) -> &'a [u8] {
    let mut p = *pos;
    while p < s.len() && is_sep(s[p]) {
        p += 1;
    }
    let start = p;
    if p < s.len() {
        if s[p].is_ascii_digit() {
            while p < s.len() && s[p].is_ascii_digit() {
                p += 1;
            }
        } else {
            while p < s.len() && !s[p].is_ascii_digit() && !is_sep(s[p]) {
                p += 1;
            }
        }
    }
    *pos = p;
    &s[start..p]
}

/// The value of a component when it is numeric in the reference's sense:
/// a non-empty run of digits whose value fits an `i32`.
fn as_number(c: &[u8]) -> Option<i32> {
    if c.is_empty() {
        return None;
    }
    let mut n: i32 = 0;
    for &b in c {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(i32::from(b - b'0'))?;
    }
    Some(n)
}

/// Whether component `c1` is older than component `c2`.
fn component_lt(c1: &[u8], c2: &[u8]) -> bool {
    let n1 = as_number(c1);
    let n2 = as_number(c2);
    match (n1, n2) {
        (Some(a), Some(b)) => a < b,
        _ => {
            if (c1.is_empty() && n2.is_some()) || (c1 == b"pre" && c2 != b"pre") {
                true
            } else if c2 == b"pre" {
                false
            } else if n2.is_some() {
                true
            } else if n1.is_some() {
                false
            } else {
                c1 < c2
            }
        }
    }
}

/// `builtins.splitVersion`: the components of a version string.
pub fn split_version(v: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let b = v.as_bytes();
    let mut pos = 0;
    while pos < b.len() {
        let c = next_component(b, &mut pos);
        if c.is_empty() {
            break;
        }
        // Component boundaries sit next to ASCII bytes or at the ends, so
        // they are char boundaries.
        out.push(&v[pos - c.len()..pos]);
    }
    out
}

/// [`split_version`] on a byte string.
pub fn split_version_bytes(v: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < v.len() {
        let c = next_component(v, &mut pos);
        if c.is_empty() {
            break;
        }
        out.push(c);
    }
    out
}

/// `builtins.compareVersions`: `Less` when `a` is older than `b`.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    compare_versions_bytes(a.as_bytes(), b.as_bytes())
}

/// [`compare_versions`] on byte strings.
pub fn compare_versions_bytes(a: &[u8], b: &[u8]) -> Ordering {
    let mut p1 = 0;
    let mut p2 = 0;
    while p1 < a.len() || p2 < b.len() {
        let c1 = next_component(a, &mut p1);
        let c2 = next_component(b, &mut p2);
        if component_lt(c1, c2) {
            return Ordering::Less;
        }
        if component_lt(c2, c1) {
            return Ordering::Greater;
        }
    }
    Ordering::Equal
}

/// `builtins.parseDrvName`: `(name, version)`. The name is everything before
/// the first `-` followed by a non-letter, the version everything after that
/// dash; without such a dash the version is empty.
pub fn parse_drv_name(s: &str) -> (&str, &str) {
    let (n, v) = split_drv_name_at(s.as_bytes());
    match n {
        // Split points are next to an ASCII '-', hence char boundaries.
        Some(i) => (&s[..i], &s[v..]),
        None => (s, ""),
    }
}

/// [`parse_drv_name`] on a byte string.
pub fn parse_drv_name_bytes(s: &[u8]) -> (&[u8], &[u8]) {
    match split_drv_name_at(s) {
        (Some(i), v) => (&s[..i], &s[v..]),
        (None, _) => (s, b""),
    }
}

fn split_drv_name_at(s: &[u8]) -> (Option<usize>, usize) {
    for i in 0..s.len() {
        if s[i] == b'-' && i + 1 < s.len() && !s[i + 1].is_ascii_alphabetic() {
            return (Some(i), i + 1);
        }
    }
    (None, s.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oracle(expr: &str) -> Option<Result<String, String>> {
        crate::data::testutil::oracle(expr.as_bytes())
    }
    /// Renders a Nix string literal for the test expressions (the inputs
    /// here need no escapes beyond these).
    fn lit(s: &str) -> String {
        format!(
            "\"{}\"",
            s.replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('$', "\\$")
        )
    }

    /// `builtins.splitVersion` results from `nix-instantiate` 2.8.
    const SPLIT: &[(&str, &[&str])] = &[
        ("1.2.3", &["1", "2", "3"]),
        ("", &[]),
        ("1..2", &["1", "2"]),
        ("-1.2-", &["1", "2"]),
        ("1.2pre3", &["1", "2", "pre", "3"]),
        ("a1b2c3", &["a", "1", "b", "2", "c", "3"]),
        ("2.3a", &["2", "3", "a"]),
        ("...", &[]),
        ("1.2.3-rc1", &["1", "2", "3", "rc", "1"]),
        ("foo-1.0_beta.2", &["foo", "1", "0", "_beta", "2"]),
        ("12345678901234567890", &["12345678901234567890"]),
        ("1.0+git", &["1", "0", "+git"]),
        ("ü1", &["ü", "1"]),
    ];

    /// `builtins.compareVersions a b` results from `nix-instantiate` 2.8
    /// (names.cc is unchanged in current releases).
    const COMPARE: &[(&str, &str, i32)] = &[
        ("1.0", "2.3", -1),
        ("2.3", "2.3", 0),
        ("2.3.1", "2.3", 1),
        ("2.3.1", "2.3a", 1),
        ("2.3pre1", "2.3", -1),
        ("2.3pre3", "2.3pre12", -1),
        ("2.3a", "2.3c", -1),
        ("2.3pre1", "2.3c", -1),
        ("", "", 0),
        ("", "1", -1),
        ("1", "", 1),
        ("a", "", 1),
        ("", "a", -1),
        ("pre", "", -1),
        ("", "pre", 1),
        ("1.0", "1.0.0", -1),
        ("1.0", "1-0", 0),
        ("2147483648", "3", -1),
        ("2147483647", "3", 1),
        ("01", "1", 0),
        ("1.a", "1.1", -1),
        ("1.b", "1.a", 1),
        ("pre", "pre", 0),
        ("1pre", "1a", -1),
        ("1a", "1pre", 1),
        ("a", "b", -1),
        ("B", "a", -1),
        ("1.2.3", "1.2.3", 0),
        ("1.0alpha", "1.0", 1),
        ("1.0", "1.0alpha", -1),
        ("99999999999", "99999999998", 1),
        ("1_2", "1.2", -1),
        ("1.2", "1_2", 1),
    ];

    /// `builtins.parseDrvName` results from `nix-instantiate` 2.8.
    const DRV: &[(&str, &str, &str)] = &[
        ("hello-1.0.2", "hello", "1.0.2"),
        ("hello", "hello", ""),
        ("915resolution-0.5.2", "915resolution", "0.5.2"),
        ("xf86-video-i810-1.7.4", "xf86-video-i810", "1.7.4"),
        (
            "name-that-ends-with-dash--1.0",
            "name-that-ends-with-dash",
            "-1.0",
        ),
        ("foo-", "foo-", ""),
        ("-1.0", "", "1.0"),
        ("foo-bar", "foo-bar", ""),
        ("foo-_1", "foo", "_1"),
        ("foo-.1", "foo", ".1"),
        ("a-b-c-1", "a-b-c", "1"),
        ("nix-0.12pre12876", "nix", "0.12pre12876"),
        ("foo-ü", "foo", "ü"),
        ("", "", ""),
        ("-", "-", ""),
        ("foo--bar", "foo", "-bar"),
        ("foo-1-bar", "foo", "1-bar"),
    ];

    fn ord_int(o: Ordering) -> i32 {
        match o {
            Ordering::Less => -1,
            Ordering::Equal => 0,
            Ordering::Greater => 1,
        }
    }

    #[test]
    fn split_matches_reference() {
        for &(v, want) in SPLIT {
            assert_eq!(split_version(v), want, "splitVersion {v:?}");
            let bytes: Vec<&[u8]> = want.iter().map(|s| s.as_bytes()).collect();
            assert_eq!(split_version_bytes(v.as_bytes()), bytes);
        }
        // Non-UTF-8 bytes are ordinary non-digit characters.
        assert_eq!(
            split_version_bytes(b"1\xff2"),
            vec![&b"1"[..], b"\xff", b"2"]
        );
    }

    #[test]
    fn compare_matches_reference() {
        for &(a, b, want) in COMPARE {
            assert_eq!(
                ord_int(compare_versions(a, b)),
                want,
                "compareVersions {a:?} {b:?}"
            );
            // Antisymmetry, as the reference's own test suite checks.
            assert_eq!(
                ord_int(compare_versions(b, a)),
                -want,
                "compareVersions {b:?} {a:?}"
            );
        }
    }

    #[test]
    fn parse_drv_name_matches_reference() {
        for &(s, name, version) in DRV {
            assert_eq!(parse_drv_name(s), (name, version), "parseDrvName {s:?}");
            assert_eq!(
                parse_drv_name_bytes(s.as_bytes()),
                (name.as_bytes(), version.as_bytes())
            );
        }
    }

    #[test]
    fn oracle_agrees() {
        let list = |items: Vec<String>| format!("[ {} ]", items.join(" "));
        let split_expr = format!(
            "map builtins.splitVersion {}",
            list(SPLIT.iter().map(|(v, _)| lit(v)).collect())
        );
        let split_want = list(
            SPLIT
                .iter()
                .map(|(_, w)| list(w.iter().map(|s| lit(s)).collect()).replace("[  ]", "[ ]"))
                .collect(),
        );
        let cmp_expr = format!(
            "map (p: builtins.compareVersions (builtins.elemAt p 0) (builtins.elemAt p 1)) {}",
            list(
                COMPARE
                    .iter()
                    .map(|(a, b, _)| format!("[ {} {} ]", lit(a), lit(b)))
                    .collect()
            )
        );
        let cmp_want = list(COMPARE.iter().map(|(_, _, w)| w.to_string()).collect());
        let drv_expr = format!(
            "map builtins.parseDrvName {}",
            list(DRV.iter().map(|(s, _, _)| lit(s)).collect())
        );
        let drv_want = list(
            DRV.iter()
                .map(|(_, n, v)| format!("{{ name = {}; version = {}; }}", lit(n), lit(v)))
                .collect(),
        );
        for (expr, want) in [
            (split_expr, split_want),
            (cmp_expr, cmp_want),
            (drv_expr, drv_want),
        ] {
            match oracle(&expr) {
                Some(got) => assert_eq!(got.expect("oracle evaluates").trim(), want, "{expr}"),
                None => {
                    eprintln!("note: nix-instantiate not installed; oracle comparison skipped");
                    return;
                }
            }
        }
    }
}
