//! Version builtins: `compareVersions`, `splitVersion`, `parseDrvName`. The rules live in
//! `crate::versions`; this file only forces the arguments (strings without context, as CppNix
//! requires) and builds the results.

use super::context::arg_string_no_ctx;
use super::{make_attrs, Builtin};
use crate::eval::value::*;
use crate::eval::Evaluator;
use crate::versions::{compare_versions_bytes, parse_drv_name_bytes, split_version_bytes};
use std::cmp::Ordering;

pub const BUILTINS: &[Builtin] = &[
    Builtin { name: "compareVersions", arity: 2, func: compare_versions },
    Builtin { name: "splitVersion", arity: 1, func: split_version },
    Builtin { name: "parseDrvName", arity: 1, func: parse_drv_name },
];

fn compare_versions(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let a = arg_string_no_ctx(ev, args, 0, "compareVersions")?;
    let b = arg_string_no_ctx(ev, args, 1, "compareVersions")?;
    Ok(Value::Int(match compare_versions_bytes(a.as_bytes(), b.as_bytes()) {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    }))
}

fn split_version(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let v = arg_string_no_ctx(ev, args, 0, "splitVersion")?;
    let items = split_version_bytes(v.as_bytes()).into_iter().map(|c| Thunk::Ready(Value::string(c))).collect();
    Ok(Value::list(items))
}

fn parse_drv_name(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let s = arg_string_no_ctx(ev, args, 0, "parseDrvName")?;
    let (name, version) = parse_drv_name_bytes(s.as_bytes());
    Ok(make_attrs(vec![("name", Value::string(name)), ("version", Value::string(version))]))
}

#[cfg(test)]
mod tests {
    use crate::eval_to_string;

    #[test]
    fn builtins() {
        assert_eq!(eval_to_string(r#"builtins.compareVersions "1.2pre3" "1.2""#).unwrap(), "-1");
        assert_eq!(eval_to_string(r#"builtins.compareVersions "2.3.1" "2.3a""#).unwrap(), "1");
        assert_eq!(eval_to_string(r#"builtins.compareVersions "1.0" "1-0""#).unwrap(), "0");
        assert_eq!(eval_to_string(r#"builtins.splitVersion "1.2pre3-rc..4""#).unwrap(), r#"[ "1" "2" "pre" "3" "rc" "4" ]"#);
        assert_eq!(
            eval_to_string(r#"builtins.parseDrvName "nix-0.12pre12876""#).unwrap(),
            r#"{ name = "nix"; version = "0.12pre12876"; }"#
        );
    }

    #[test]
    fn context_is_refused() {
        let e = eval_to_string(
            r#"builtins.splitVersion (builtins.appendContext "1.0" { "/nix/store/lfngsssysp6h1v4ccqg23c52s9sjl779-x" = { path = true; }; })"#,
        )
        .unwrap_err();
        assert_eq!(
            e.message(),
            "the string '1.0' is not allowed to refer to a store path (such as '/nix/store/lfngsssysp6h1v4ccqg23c52s9sjl779-x')"
        );
    }
}
