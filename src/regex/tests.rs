//! Tests for the regular-expression module.
//!
//! The expected values were printed by `nix-instantiate --eval --strict` (CppNix 2.8, whose
//! regular expressions are libstdc++'s) and are stored here, so they keep testing without it;
//! when `nix-instantiate` is installed, `agrees_with_nix_instantiate` asks it again. The other
//! tests check that every search path (memo, DFA pre-checks) gives the same answers, and that
//! inputs which make the reference take exponential time are handled quickly.

use super::*;
use std::process::Command;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Builtin {
    Match,
    Split,
}
use Builtin::*;

enum Expect {
    /// The value as Nix prints it.
    Value(&'static [u8]),
    /// The error message.
    Error(&'static str),
}
use Expect::*;

#[rustfmt::skip]
const CASES: &[(Builtin, &[u8], &[u8], Expect)] = &[
    (Match, b"ab", b"abc", Value(b"null")),
    (Match, b"abc", b"abc", Value(b"[ ]")),
    (Match, b"a(b)(c)", b"abc", Value(b"[ \"b\" \"c\" ]")),
    (Match, b"[[:space:]]+([[:upper:]]+)[[:space:]]+", b"  FOO   ", Value(b"[ \"FOO\" ]")),
    (Split, b"(a)b", b"abc", Value(b"[ \"\" [ \"a\" ] \"c\" ]")),
    (Split, b"([ac])", b"abc", Value(b"[ \"\" [ \"a\" ] \"b\" [ \"c\" ] \"\" ]")),
    (Split, b"(a)|(c)", b"abc", Value(b"[ \"\" [ \"a\" null ] \"b\" [ null \"c\" ] \"\" ]")),
    (Split, b"([[:upper:]]+)", b" FOO ", Value(b"[ \" \" [ \"FOO\" ] \" \" ]")),
    (Match, b"a|b", b"ab", Value(b"null")),
    (Match, b"a|b", b"b", Value(b"[ ]")),
    (Match, b"a|ab", b"ab", Value(b"[ ]")),
    (Match, b"(a|b)*", b"abba", Value(b"[ \"a\" ]")),
    (Match, b"", b"", Value(b"[ ]")),
    (Match, b"", b"a", Value(b"null")),
    (Split, b"b|bc", b"abcd", Value(b"[ \"a\" [ ] \"d\" ]")),
    (Split, b"a|ab|abc", b"xabcx", Value(b"[ \"x\" [ ] \"x\" ]")),
    (Split, b"(a|ab)(c|bcd)(d*)", b"abcd", Value(b"[ \"\" [ \"a\" \"bcd\" \"\" ] \"\" ]")),
    (Split, b"a*", b"baaac", Value(b"[ \"\" [ ] \"b\" [ ] \"\" [ ] \"c\" [ ] \"\" ]")),
    (Split, b"a*", b"baaa", Value(b"[ \"\" [ ] \"b\" [ ] \"\" [ ] \"\" ]")),
    (Split, b"x*", b"", Value(b"[ \"\" [ ] \"\" ]")),
    (Split, b"", b"abc", Value(b"[ \"\" [ ] \"a\" [ ] \"b\" [ ] \"c\" [ ] \"\" ]")),
    (Split, b"", b"", Value(b"[ \"\" [ ] \"\" ]")),
    (Split, b"a", b"", Value(b"[ \"\" ]")),
    (Split, b"^", b"abc", Value(b"[ \"\" [ ] \"abc\" ]")),
    (Split, b"$", b"abc", Value(b"[ \"abc\" [ ] \"\" ]")),
    (Split, b"^a|b", b"aab", Value(b"[ \"\" [ ] \"a\" [ ] \"\" ]")),
    (Split, b"b*", b"abba", Value(b"[ \"\" [ ] \"a\" [ ] \"\" [ ] \"a\" [ ] \"\" ]")),
    (Match, b"(a)|b", b"b", Value(b"[ null ]")),
    (Match, b"(a)|(b)", b"b", Value(b"[ null \"b\" ]")),
    (Match, b"((a)|(b))*", b"ab", Value(b"[ \"b\" \"a\" \"b\" ]")),
    (Match, b"((a)b)?c", b"c", Value(b"[ null null ]")),
    (Match, b"(a(b)?)+", b"aba", Value(b"[ \"a\" \"b\" ]")),
    (Match, b"(a|(b))*", b"ba", Value(b"[ \"a\" \"b\" ]")),
    (Match, b"(a*)*", b"", Value(b"[ \"\" ]")),
    (Match, b"(a*)*", b"aa", Value(b"[ \"\" ]")),
    (Match, b"(a*)+", b"aa", Value(b"[ \"\" ]")),
    (Match, b"(|a)+", b"aa", Value(b"[ \"\" ]")),
    (Match, b"(a*)+(b)", b"aab", Value(b"[ \"\" \"b\" ]")),
    (Match, b"()", b"", Value(b"[ \"\" ]")),
    (Match, b"(()|a)+", b"aa", Value(b"[ \"\" \"\" ]")),
    (Split, b"(a*)*", b"b", Value(b"[ \"\" [ \"\" ] \"b\" [ \"\" ] \"\" ]")),
    (Split, b"(a|)", b"ab", Value(b"[ \"\" [ \"a\" ] \"\" [ \"\" ] \"b\" [ \"\" ] \"\" ]")),
    (Split, b"a*(ab)?", b"aab", Value(b"[ \"\" [ null ] \"\" [ null ] \"b\" [ null ] \"\" ]")),
    (Match, b"a*(ab)?", b"aab", Value(b"[ \"ab\" ]")),
    (Match, b"(a|ab)(bc|c)", b"abc", Value(b"[ \"a\" \"bc\" ]")),
    (Match, b"(a*)(a*)", b"aaa", Value(b"[ \"aaa\" \"\" ]")),
    (Match, b"(a*)(ab)*(b*)", b"aabb", Value(b"[ \"aa\" null \"bb\" ]")),
    (Split, b"(a+)(a*)", b"aaa", Value(b"[ \"\" [ \"aaa\" \"\" ] \"\" ]")),
    (Match, b".", b"\xc3\xa9", Value(b"null")),
    (Match, b"..", b"\xc3\xa9", Value(b"[ ]")),
    (Match, b"[[:alpha:]]+", b"\xc3\xa9", Value(b"null")),
    (Match, b"[[:print:]]+", b"\xc3\xa9", Value(b"null")),
    (Match, b"[\xc3\xa9]+", b"\xc3\xa9\xc3\xa9", Value(b"[ ]")),
    (Match, b"[\xc3\xa0-\xc3\xbc]+", b"\xc3\xa9", Value(b"[ ]")),
    (Split, b".", b"a\xc3\xa9", Value(b"[ \"\" [ ] \"\" [ ] \"\" [ ] \"\" ]")),
    (Match, b".*", b"a\nb", Value(b"[ ]")),
    (Match, b"a.b", b"a\nb", Value(b"[ ]")),
    (Match, b"[^a]", b"\n", Value(b"[ ]")),
    (Split, b"\n", b"a\nb\n", Value(b"[ \"a\" [ ] \"b\" [ ] \"\" ]")),
    (Match, b"[]a]+", b"]a", Value(b"[ ]")),
    (Match, b"[^]a]", b"b", Value(b"[ ]")),
    (Match, b"[^]a]", b"]", Value(b"null")),
    (Match, b"[a-]+", b"-a", Value(b"[ ]")),
    (Match, b"[-a]+", b"a-", Value(b"[ ]")),
    (Match, b"[\\d]+", b"\\d", Value(b"[ ]")),
    (Match, b"[a\\]+", b"\\a", Value(b"[ ]")),
    (Match, b"[[:alpha:]]+", b"aZ", Value(b"[ ]")),
    (Match, b"[[:ALPHA:]]+", b"aZ", Value(b"[ ]")),
    (Match, b"[[:w:]]+", b"a_1", Value(b"[ ]")),
    (Match, b"[[:d:]]+", b"42", Value(b"[ ]")),
    (Match, b"[[:s:]]+", b" \t\n", Value(b"[ ]")),
    (Match, b"[[:punct:]]+", b"!-~", Value(b"[ ]")),
    (Match, b"[[:xdigit:]]+", b"09afAF", Value(b"[ ]")),
    (Match, b"[[:blank:]]+", b" \t", Value(b"[ ]")),
    (Match, b"[[:cntrl:]]", b"\t", Value(b"[ ]")),
    (Match, b"[^[:alnum:]]+", b"-_ ", Value(b"[ ]")),
    (Match, b"[[.hyphen.]]", b"-", Value(b"[ ]")),
    (Match, b"[[.space.]a]+", b" a", Value(b"[ ]")),
    (Match, b"[[=a=]]+", b"aA", Value(b"[ ]")),
    (Match, b"[[.a.]-c]+", b"abc", Value(b"[ ]")),
    (Match, b"[--/]+", b"-./", Value(b"[ ]")),
    (Match, b"[a-c-]+", b"c-", Value(b"[ ]")),
    (Match, b"[[]", b"[", Value(b"[ ]")),
    (Match, b"[a[]+", b"[a", Value(b"[ ]")),
    (Match, b"\\.", b".", Value(b"[ ]")),
    (Match, b"\\*", b"*", Value(b"[ ]")),
    (Match, b"\\\\", b"\\", Value(b"[ ]")),
    (Match, b"\\(\\)", b"()", Value(b"[ ]")),
    (Match, b"\\{", b"{", Value(b"[ ]")),
    (Match, b"\\|", b"|", Value(b"[ ]")),
    (Match, b"\\^\\$", b"^$", Value(b"[ ]")),
    (Match, b"\\+\\?", b"+?", Value(b"[ ]")),
    (Match, b"\\[", b"[", Value(b"[ ]")),
    (Match, b"}", b"}", Value(b"[ ]")),
    (Match, b"]", b"]", Value(b"[ ]")),
    (Match, b"a}", b"a}", Value(b"[ ]")),
    (Match, b"a{2}", b"aa", Value(b"[ ]")),
    (Match, b"a{2}", b"aaa", Value(b"null")),
    (Match, b"a{2,}", b"aaaa", Value(b"[ ]")),
    (Match, b"a{2,3}", b"aaaa", Value(b"null")),
    (Match, b"a{0}", b"", Value(b"[ ]")),
    (Match, b"a{0,0}b", b"b", Value(b"[ ]")),
    (Match, b"(ab){2}", b"abab", Value(b"[ \"ab\" ]")),
    (Match, b"(a|b){1,2}", b"ba", Value(b"[ \"a\" ]")),
    (Match, b"a{1,2}{2}", b"aaa", Value(b"[ ]")),
    (Match, b"a**", b"aa", Value(b"[ ]")),
    (Match, b"a+?", b"aa", Value(b"[ ]")),
    (Match, b"(a?){3}", b"aa", Value(b"[ \"\" ]")),
    (Match, b"^a", b"a", Value(b"[ ]")),
    (Match, b"a^b", b"ab", Value(b"null")),
    (Match, b"a$b", b"ab", Value(b"null")),
    (Match, b"(^a|b)+", b"ab", Value(b"[ \"b\" ]")),
    (Match, b"(a|^b)+", b"ab", Value(b"null")),
    (Split, b"x*$", b"ab", Value(b"[ \"ab\" [ ] \"\" ]")),
    (Split, b"(^|a)", b"aa", Value(b"[ \"\" [ \"a\" ] \"\" [ \"a\" ] \"\" ]")),
    (Match, b"$", b"", Value(b"[ ]")),
    (Match, b"a|", b"", Value(b"[ ]")),
    (Match, b"a|", b"a", Value(b"[ ]")),
    (Match, b"|a", b"", Value(b"[ ]")),
    (Match, b"(|)", b"", Value(b"[ \"\" ]")),
    (Split, b"a|", b"ba", Value(b"[ \"\" [ ] \"b\" [ ] \"\" [ ] \"\" ]")),
    (Match, b"a()b", b"ab", Value(b"[ \"\" ]")),
    (Split, b"(\\$)", b"a${b}", Value(b"[ \"a\" [ \"$\" ] \"{b}\" ]")),
    (Split, b"\"", b"a\"b", Value(b"[ \"a\" [ ] \"b\" ]")),
    (Split, b"\\\\", b"a\\b", Value(b"[ \"a\" [ ] \"b\" ]")),
    (Split, b"\t", b"a\tb\r", Value(b"[ \"a\" [ ] \"b\\r\" ]")),
    (Match, b"\\s", b"a", Error("invalid regular expression '\\s'")),
    (Match, b"\\d", b"a", Error("invalid regular expression '\\d'")),
    (Match, b"\\w", b"a", Error("invalid regular expression '\\w'")),
    (Match, b"\\1", b"a", Error("invalid regular expression '\\1'")),
    (Match, b"(a)\\1", b"a", Error("invalid regular expression '(a)\\1'")),
    (Match, b"\\/", b"a", Error("invalid regular expression '\\/'")),
    (Match, b"\\]", b"a", Error("invalid regular expression '\\]'")),
    (Match, b"\\}", b"a", Error("invalid regular expression '\\}'")),
    (Match, b"\\n", b"a", Error("invalid regular expression '\\n'")),
    (Match, b"\\", b"a", Error("invalid regular expression '\\'")),
    (Match, b"a{,3}", b"a", Error("invalid regular expression 'a{,3}'")),
    (Match, b"{", b"a", Error("invalid regular expression '{'")),
    (Match, b"{1}", b"a", Error("invalid regular expression '{1}'")),
    (Match, b"a{", b"a", Error("invalid regular expression 'a{'")),
    (Match, b"a{1", b"a", Error("invalid regular expression 'a{1'")),
    (Match, b"a{1,", b"a", Error("invalid regular expression 'a{1,'")),
    (Match, b"a{a}", b"a", Error("invalid regular expression 'a{a}'")),
    (Match, b"a{2,1}", b"a", Error("invalid regular expression 'a{2,1}'")),
    (Match, b"(", b"a", Error("invalid regular expression '('")),
    (Match, b")", b"a", Error("invalid regular expression ')'")),
    (Match, b"a)", b"a", Error("invalid regular expression 'a)'")),
    (Match, b"(a", b"a", Error("invalid regular expression '(a'")),
    (Match, b"[a", b"a", Error("invalid regular expression '[a'")),
    (Match, b"[z-a]", b"a", Error("invalid regular expression '[z-a]'")),
    (Match, b"[[:foo:]]", b"a", Error("invalid regular expression '[[:foo:]]'")),
    (Match, b"[[.foo.]]", b"a", Error("invalid regular expression '[[.foo.]]'")),
    (Match, b"[[:alpha:]", b"a", Error("invalid regular expression '[[:alpha:]'")),
    (Match, b"[[:alpha:]-z]", b"a", Error("invalid regular expression '[[:alpha:]-z]'")),
    (Match, b"[a-z-0]", b"a", Error("invalid regular expression '[a-z-0]'")),
    (Match, b"*a", b"a", Error("invalid regular expression '*a'")),
    (Match, b"+", b"a", Error("invalid regular expression '+'")),
    (Match, b"?", b"a", Error("invalid regular expression '?'")),
    (Match, b"a|*", b"a", Error("invalid regular expression 'a|*'")),
    (Match, b"^*", b"a", Error("invalid regular expression '^*'")),
    (Match, b"(*)", b"a", Error("invalid regular expression '(*)'")),
    (Match, b"[]", b"a", Error("invalid regular expression '[]'")),
    (Match, b"[^]", b"a", Error("invalid regular expression '[^]'")),
    (Match, b"[\\", b"a", Error("invalid regular expression '[\\'")),
    (Match, b"[a-\xc3\xa9]", b"a", Error("invalid regular expression '[a-é]'")),
    (Match, b"a{100000}", b"a", Error("memory limit exceeded by regular expression 'a{100000}'")),
    (Match, b"(a{50000}){2}", b"a", Error("memory limit exceeded by regular expression '(a{50000}){2}'")),
];

/// Appends `s` the way Nix prints a string value.
fn render_string(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    for (i, &c) in s.iter().enumerate() {
        match c {
            b'"' | b'\\' => out.extend_from_slice(&[b'\\', c]),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'$' if s.get(i + 1) == Some(&b'{') => out.extend_from_slice(b"\\$"),
            _ => out.push(c),
        }
    }
    out.push(b'"');
}

fn render_groups(out: &mut Vec<u8>, s: &[u8], groups: &[Option<Range<usize>>]) {
    out.extend_from_slice(b"[ ");
    for g in groups {
        match g {
            None => out.extend_from_slice(b"null"),
            Some(r) => render_string(out, &s[r.clone()]),
        }
        out.push(b' ');
    }
    out.push(b']');
}

/// The result of `builtins.match` as Nix prints it: `null` or `[ "a" null ]`.
fn render_match(s: &[u8], m: Option<Vec<Option<Range<usize>>>>) -> Vec<u8> {
    let mut out = Vec::new();
    match m {
        None => out.extend_from_slice(b"null"),
        Some(groups) => render_groups(&mut out, s, &groups),
    }
    out
}

/// The result of `builtins.split` as Nix prints it: `[ "a" [ "b" null ] "c" ]`.
fn render_split(s: &[u8], pieces: &[SplitPiece]) -> Vec<u8> {
    let mut out = b"[ ".to_vec();
    for piece in pieces {
        match piece {
            SplitPiece::Text(r) => render_string(&mut out, &s[r.clone()]),
            SplitPiece::Groups(groups) => render_groups(&mut out, s, groups),
        }
        out.push(b' ');
    }
    out.push(b']');
    out
}

fn eval(builtin: Builtin, pattern: &[u8], input: &[u8], tuning: Tuning) -> Result<Vec<u8>, String> {
    let re = Regex::new(pattern).map_err(|e| e.to_string())?;
    Ok(match builtin {
        Match => render_match(input, re.full_match_tuned(input, tuning)),
        Split => render_split(input, &re.split_tuned(input, tuning)),
    })
}

/// Every search path switched on from the start.
const EVERYTHING: Tuning = Tuning {
    memo_budget: Some(0),
    split_dfa_after: Some(0),
    full_dfa_min_len: 0,
};

fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn check_cases(tuning: Tuning) {
    let mut failures = Vec::new();
    for (builtin, pattern, input, expect) in CASES {
        let got = eval(*builtin, pattern, input, tuning);
        let ok = match (expect, &got) {
            (Value(v), Ok(g)) => v == g,
            (Error(e), Err(g)) => e == g,
            _ => false,
        };
        if !ok {
            let expected = match expect {
                Value(v) => show(v),
                Error(e) => format!("error: {e}"),
            };
            let got = match got {
                Ok(g) => show(&g),
                Err(e) => format!("error: {e}"),
            };
            failures.push(format!(
                "{builtin:?} {:?} {:?}: expected {expected}, got {got}",
                show(pattern),
                show(input)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn stored_oracle_cases() {
    assert!(CASES.len() >= 80);
    check_cases(Tuning::DEFAULT);
}

#[test]
fn every_search_path_gives_the_same_results() {
    check_cases(EVERYTHING);
    check_cases(Tuning {
        memo_budget: Some(0),
        ..Tuning::DEFAULT
    });
}

/// A Nix string literal for `s`.
fn nix_literal(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    render_string(&mut out, s);
    out
}

fn nix_instantiate(expr: &[u8]) -> Option<std::process::Output> {
    use std::os::unix::ffi::OsStrExt;
    Command::new("nix-instantiate")
        .args(["--eval", "--strict", "-E"])
        .arg(std::ffi::OsStr::from_bytes(expr))
        .env("NIX_REMOTE", "dummy://")
        .output()
        .ok()
}

#[test]
fn agrees_with_nix_instantiate() {
    if nix_instantiate(b"1").is_none_or(|o| !o.status.success()) {
        eprintln!(
            "note: nix-instantiate is not available; only the stored expectations are checked"
        );
        return;
    }
    let call = |builtin: Builtin, pattern: &[u8], input: &[u8]| {
        let mut e = match builtin {
            Match => b"builtins.match ".to_vec(),
            Split => b"builtins.split ".to_vec(),
        };
        e.extend(nix_literal(pattern));
        e.push(b' ');
        e.extend(nix_literal(input));
        e
    };
    // All values in one evaluation.
    let mut expr = b"[ ".to_vec();
    let mut expected = b"[ ".to_vec();
    for (builtin, pattern, input, expect) in CASES {
        if let Value(v) = expect {
            expr.push(b'(');
            expr.extend(call(*builtin, pattern, input));
            expr.extend_from_slice(b") ");
            expected.extend_from_slice(v);
            expected.push(b' ');
        }
    }
    expr.push(b']');
    expected.push(b']');
    let out = nix_instantiate(&expr).unwrap();
    assert!(out.status.success(), "{}", show(&out.stderr));
    assert_eq!(show(out.stdout.trim_ascii_end()), show(&expected));
    // Errors one by one.
    for (builtin, pattern, input, expect) in CASES {
        if let Error(e) = expect {
            let out = nix_instantiate(&call(*builtin, pattern, input)).unwrap();
            assert!(!out.status.success());
            let first = show(out.stderr.split(|&c| c == b'\n').next().unwrap());
            assert_eq!(first, format!("error: {e}"), "pattern {:?}", show(pattern));
        }
    }
}

#[test]
fn errors() {
    let e = Regex::new(b"a{,3}").unwrap_err();
    assert_eq!(e.kind(), RegexErrorKind::Invalid);
    assert_eq!(e.pattern(), b"a{,3}");
    assert_eq!(e.to_string(), "invalid regular expression 'a{,3}'");
    let e = Regex::new(b"a{100000}").unwrap_err();
    assert_eq!(e.kind(), RegexErrorKind::TooLarge);
    assert_eq!(
        e.to_string(),
        "memory limit exceeded by regular expression 'a{100000}'"
    );
    // The state limit is libstdc++'s, counted the same way (checked with nix-instantiate).
    assert!(Regex::new(b"a{99993}").is_ok());
    assert_eq!(
        Regex::new(b"a{99994}").unwrap_err().kind(),
        RegexErrorKind::TooLarge
    );
    // A count that overflows `int` wraps, as in the reference.
    let re = Regex::new(b"a{4294967297}").unwrap();
    assert_eq!(render_match(b"a", re.full_match(b"a")), b"[ ]");
    // A NUL byte cannot be part of a pattern; invalid UTF-8 is displayed lossily.
    assert_eq!(
        Regex::new(b"a\0").unwrap_err().kind(),
        RegexErrorKind::Invalid
    );
    assert_eq!(
        Regex::new(b"\\\xff").unwrap_err().to_string(),
        "invalid regular expression '\\\u{fffd}'"
    );
}

#[test]
fn group_count() {
    let count = |p: &[u8]| Regex::new(p).unwrap().group_count();
    assert_eq!(count(b"abc"), 0);
    assert_eq!(count(b"(a)(b(c))"), 3);
    assert_eq!(count(b"\\(a\\)"), 0);
    assert_eq!(count(b"[(]"), 0);
    // Copies made by `{m,n}` share their group.
    assert_eq!(count(b"(a){3}"), 1);
}

#[test]
fn regex_can_be_shared_between_threads() {
    fn check<T: Send + Sync>() {}
    check::<Regex>();
    let re = std::sync::Arc::new(Regex::new(b"(a+)b").unwrap());
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let re = re.clone();
            std::thread::spawn(move || re.full_match(b"aab").unwrap()[0].clone())
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), Some(0..2));
    }
}

/// Results with default and with all search paths on; both must agree.
fn both(builtin: Builtin, pattern: &[u8], input: &[u8]) -> Vec<u8> {
    let a = eval(builtin, pattern, input, Tuning::DEFAULT).unwrap();
    let b = eval(builtin, pattern, input, EVERYTHING).unwrap();
    assert_eq!(show(&a), show(&b), "{builtin:?} {:?}", show(pattern));
    a
}

#[test]
fn long_inputs() {
    // Counts checked with nix-instantiate.
    let s = b"ab".repeat(50_000);
    for p in [&b"b"[..], b"(a)(b)"] {
        let re = Regex::new(p).unwrap();
        assert_eq!(re.split(&s).len(), 100_001);
        assert_eq!(re.split_tuned(&s, EVERYTHING).len(), 100_001);
    }
    let pieces = Regex::new(b"(a)(b)").unwrap().split(&s);
    assert_eq!(pieces[1], SplitPiece::Groups(vec![Some(0..1), Some(1..2)]));
    assert_eq!(pieces[100_000], SplitPiece::Text(100_000..100_000));

    let a = b"a".repeat(1000);
    assert_eq!(both(Match, b"(a|b){1000}", &a), b"[ \"a\" ]");
    let mut nested = b"(".repeat(2000);
    nested.push(b'a');
    nested.extend(b")".repeat(2000));
    let m = Regex::new(&nested).unwrap().full_match(b"a").unwrap();
    assert_eq!(m.len(), 2000);
    assert!(m.iter().all(|g| g == &Some(0..1)));

    // Long inputs take the DFA paths; sparse and absent matches.
    let mut text = b"x ".repeat(5000);
    text.extend_from_slice(b"key=value");
    text.extend(b" y".repeat(5000));
    assert_eq!(
        both(Split, b"([a-z]+)=([a-z]+)", &text).len(),
        10_000 + 10_000 + b"[ \"\" [ \"key\" \"value\" ] \"\" ]".len()
    );
    assert_eq!(both(Match, b"x.*y", &text), b"[ ]");
    assert_eq!(both(Match, b"x.*z", &text), b"null");
    assert_eq!(both(Split, b"q", &text).len(), text.len() + 6);
}

#[test]
fn reference_worst_cases_are_fast() {
    // The reference backtracks exponentially on these.
    let mut s = b"a".repeat(3000);
    assert_eq!(both(Match, b"(a|a)*b", &s), b"null");
    s.push(b'b');
    assert_eq!(both(Match, b"(a|a)*b", &s), b"[ \"a\" ]");
    assert_eq!(both(Match, b"((a*)*)*b", &s), b"[ \"\" \"\" ]");
    assert_eq!(both(Match, b"(.|\n)*c", &s), b"null");
    let lines = b"ab\n".repeat(3000);
    assert_eq!(both(Match, b"(.|\n)*", &lines), b"[ \"\\n\" ]");
    // Loops that can iterate without consuming, many copies of them.
    assert_eq!(
        both(Split, b"(a**){200}", b"xy"),
        b"[ \"\" [ \"\" ] \"x\" [ \"\" ] \"y\" [ \"\" ] \"\" ]"
    );
    assert_eq!(
        both(Match, b"((()|a?+){3}{2}|^){0,2}b", b"aab"),
        both(Match, b"((()|a?+){3}{2}|^){0,2}b", b"aab")
    );
}

/// A small deterministic generator of patterns and inputs: default and forced search paths must
/// agree (the stored cases pin the semantics; this pins the optimisations to them).
#[test]
fn search_paths_agree_on_generated_cases() {
    const ATOMS: &[&[u8]] = &[
        b"a", b"b", b".", b"[ab]", b"[^a]", b"()", b"(a|)", b"(a|b)", b"^", b"$", b"(a*)", b"(|b)",
    ];
    const QUANTS: &[&[u8]] = &[b"", b"", b"*", b"+", b"?", b"{2}", b"{0,2}", b"{1,}", b"**"];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    for _ in 0..1500 {
        let mut p = Vec::new();
        for _ in 0..1 + next(4) {
            let wrap = next(4) == 0;
            if wrap {
                p.push(b'(');
            }
            for _ in 0..1 + next(3) {
                let atom = ATOMS[next(ATOMS.len())];
                p.extend_from_slice(atom);
                if atom != b"^" && atom != b"$" {
                    p.extend_from_slice(QUANTS[next(QUANTS.len())]);
                }
            }
            if wrap {
                p.extend_from_slice(b")*");
            }
            if next(5) == 0 {
                p.push(b'|');
            }
        }
        let input: Vec<u8> = (0..next(40)).map(|_| b"aab\n"[next(4)]).collect();
        let Ok(re) = Regex::new(&p) else { continue };
        for t in [
            EVERYTHING,
            Tuning {
                memo_budget: Some(0),
                ..Tuning::DEFAULT
            },
        ] {
            assert_eq!(
                re.full_match_tuned(&input, t),
                re.full_match(&input),
                "match {:?} {:?}",
                show(&p),
                show(&input)
            );
            assert_eq!(
                re.split_tuned(&input, t),
                re.split(&input),
                "split {:?} {:?}",
                show(&p),
                show(&input)
            );
        }
    }
}

/// Loops over groups that can match empty, on inputs long enough to switch the memo on.
/// Expectations from nix-instantiate (on repetitions of `unit` cut to `n / unit.len()` copies).
#[test]
fn nested_empty_loops_on_long_inputs() {
    const CASES: &[(&[u8], &[u8], &[u8])] = &[
        (b"(.*)*", b"a", b"[ \"\" ]"),
        (b"(.*)*", b"ab", b"[ \"\" ]"),
        (b"(.*)*", b"abx", b"[ \"\" ]"),
        (b"(a*)*", b"a", b"[ \"\" ]"),
        (b"(a*)*", b"ab", b"null"),
        (b"(a*)*", b"abx", b"null"),
    ];
    for &(pattern, unit, expect) in CASES {
        for n in [256usize, 1000, 5000] {
            let s = unit.repeat(n / unit.len());
            assert_eq!(
                show(&both(Match, pattern, &s)),
                show(expect),
                "{:?} on {n} bytes of {:?}",
                show(pattern),
                show(unit)
            );
        }
    }
}
