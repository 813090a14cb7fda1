//! Regular-expression builtins: `match` and `split`, with POSIX extended regular expressions
//! as CppNix's `std::regex` reads them (the engine is `crate::regex`). Compiled patterns are
//! cached for the whole evaluation; patterns that fail to compile are not.
//!
//! As in CppNix, the pattern must be a string without context, and the results are new strings
//! without context — except `split` without any match, which returns the input string itself
//! (context included) as its only element.

use super::context::arg_string_no_ctx;
use super::Builtin;
use crate::error::EvalError;
use crate::eval::value::*;
use crate::eval::Evaluator;
use crate::regex::{Regex, SplitPiece};
use std::ops::Range;
use std::rc::Rc;

pub const BUILTINS: &[Builtin] = &[
    Builtin { name: "match", arity: 2, func: match_ },
    Builtin { name: "split", arity: 2, func: split },
];

/// The compiled form of argument 0 (the pattern), from the cache when possible.
fn pattern(ev: &mut Evaluator, args: &[Thunk], name: &str) -> EvalResult<Rc<Regex>> {
    let re = arg_string_no_ctx(ev, args, 0, name)?;
    if let Some(r) = ev.caches.regexes.get(re.as_bytes()) {
        return Ok(r.clone());
    }
    let r = Rc::new(Regex::new(re.as_bytes()).map_err(|e| EvalError::eval(e.to_string()))?);
    ev.caches.regexes.insert(re.as_bytes().to_vec(), r.clone());
    Ok(r)
}

fn groups_value(s: &[u8], groups: Vec<Option<Range<usize>>>) -> Value {
    let items = groups
        .into_iter()
        .map(|g| match g {
            Some(r) => Thunk::Ready(Value::string(&s[r])),
            None => Thunk::Ready(Value::Null),
        })
        .collect();
    Value::list(items)
}

fn match_(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let re = pattern(ev, args, "match")?;
    let s = ev.arg_string(args, 1, "match")?;
    let bytes = s.as_bytes();
    Ok(match re.full_match(bytes) {
        None => Value::Null,
        Some(groups) => groups_value(bytes, groups),
    })
}

fn split(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let re = pattern(ev, args, "split")?;
    let s = ev.arg_string(args, 1, "split")?;
    let bytes = s.as_bytes();
    let pieces = re.split(bytes);
    if pieces.len() <= 1 {
        return Ok(Value::list(vec![Thunk::Ready(Value::String(s))]));
    }
    let items = pieces
        .into_iter()
        .map(|p| {
            Thunk::Ready(match p {
                SplitPiece::Text(r) => Value::string(&bytes[r]),
                SplitPiece::Groups(groups) => groups_value(bytes, groups),
            })
        })
        .collect();
    Ok(Value::list(items))
}

#[cfg(test)]
mod tests {
    use crate::eval_to_string;

    fn ok(expr: &str) -> String {
        eval_to_string(expr).unwrap_or_else(|e| panic!("{expr}: {}", e.message()))
    }

    #[test]
    fn matches() {
        assert_eq!(ok(r#"builtins.match "ab" "abc""#), "null");
        assert_eq!(ok(r#"builtins.match "abc" "abc""#), "[ ]");
        assert_eq!(ok(r#"builtins.match "a(b)(c)" "abc""#), r#"[ "b" "c" ]"#);
        assert_eq!(ok(r#"builtins.match "(a)|(b)" "b""#), r#"[ null "b" ]"#);
        assert_eq!(ok(r#"builtins.match "[[:space:]]+([[:upper:]]+)[[:space:]]+" "  FOO   ""#), r#"[ "FOO" ]"#);
    }

    #[test]
    fn splits() {
        assert_eq!(ok(r#"builtins.split "(a)b" "abc""#), r#"[ "" [ "a" ] "c" ]"#);
        assert_eq!(ok(r#"builtins.split "([ac])" "abc""#), r#"[ "" [ "a" ] "b" [ "c" ] "" ]"#);
        assert_eq!(ok(r#"builtins.split "(a)|(c)" "abc""#), r#"[ "" [ "a" null ] "b" [ null "c" ] "" ]"#);
        assert_eq!(ok(r#"builtins.split "x" "abc""#), r#"[ "abc" ]"#);
    }

    #[test]
    fn contexts() {
        let s = r#"(builtins.appendContext "abc" { "/nix/store/lfngsssysp6h1v4ccqg23c52s9sjl779-x" = { path = true; }; })"#;
        assert_eq!(ok(&format!("map builtins.hasContext (builtins.match \"(a)(.*)\" {s})")), "[ false false ]");
        assert_eq!(ok(&format!("builtins.hasContext (builtins.head (builtins.split \"x\" {s}))")), "true");
        assert_eq!(ok(&format!("builtins.hasContext (builtins.head (builtins.split \"b\" {s}))")), "false");
        let e = eval_to_string(&format!("builtins.match {s} \"\"")).unwrap_err();
        assert!(e.message().starts_with("the string 'abc' is not allowed to refer to a store path"));
    }

    #[test]
    fn invalid_patterns_fail_before_the_string_is_forced() {
        let e = eval_to_string(r#"builtins.match "(" (throw "not forced")"#).unwrap_err();
        assert_eq!(e.message(), "invalid regular expression '('");
        let e = eval_to_string(r#"builtins.split "a{1" (throw "not forced")"#).unwrap_err();
        assert_eq!(e.message(), "invalid regular expression 'a{1'");
    }
}
