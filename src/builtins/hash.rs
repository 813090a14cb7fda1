//! Hashing builtins: `hashString`, `hashFile` (base-16 digests of a string or a file's bytes)
//! and `convertHash` (any textual form of a hash to another).
//!
//! Algorithm names are checked as current CppNix checks them: an unknown name is an error
//! listing the accepted ones, and `blake3` needs the `blake3-hashes` experimental feature. BLAKE3
//! itself is not implemented: with the feature enabled, using it is an error saying so. Hash
//! parsing and printing are `crate::store::hash`'s.

use super::context::{arg_string_no_ctx, force_string_no_ctx};
use super::Builtin;
use crate::error::{ErrorKind, EvalError};
use crate::eval::symbol::Symbol;
use crate::eval::value::*;
use crate::eval::Evaluator;
use crate::store::hash::{Hash, HashAlgo, HashFormat};
use crate::syntax::source::Pos;

pub const BUILTINS: &[Builtin] = &[
    Builtin { name: "hashString", arity: 2, func: hash_string },
    Builtin { name: "hashFile", arity: 2, func: hash_file },
    Builtin { name: "convertHash", arity: 1, func: convert_hash },
];

fn feature_enabled(ev: &Evaluator, name: &str) -> bool {
    ev.options.experimental_features.iter().any(|f| f == name)
}

/// CppNix's `parseHashAlgo` with its messages.
pub fn parse_algo(ev: &Evaluator, name: &[u8]) -> Result<HashAlgo, EvalError> {
    let text = String::from_utf8_lossy(name);
    if let Some(a) = HashAlgo::parse_opt(&text) {
        return Ok(a);
    }
    if name == b"blake3" {
        if !feature_enabled(ev, "blake3-hashes") {
            return Err(EvalError::eval(
                "experimental Nix feature 'blake3-hashes' is disabled; add '--extra-experimental-features blake3-hashes' to enable it",
            ));
        }
        return Err(EvalError::eval("BLAKE3 hashes are not supported by nixeval"));
    }
    Err(EvalError::eval(format!(
        "unknown hash algorithm '{text}', expect 'blake3', 'md5', 'sha1', 'sha256', or 'sha512'"
    )))
}

fn hash_string(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let algo = arg_string_no_ctx(ev, args, 0, "hashString")?;
    let algo = parse_algo(ev, algo.as_bytes())?;
    let s = ev.arg_string(args, 1, "hashString")?;
    Ok(Value::str(&Hash::of(algo, s.as_bytes()).to_base16()))
}

fn hash_file(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let algo = arg_string_no_ctx(ev, args, 0, "hashFile")?;
    let algo = parse_algo(ev, algo.as_bytes())?;
    let v = ev.force(&args[1])?;
    let path = super::paths::value_to_path(ev, &v)
        .map_err(|e| e.frame(Pos::NONE, "while realising the context of a path"))?;
    let bytes = ev.io.read_file(&path).map_err(|e| EvalError::new(ErrorKind::Io, e))?;
    Ok(Value::str(&Hash::of(algo, &bytes).to_base16()))
}

fn store_err(e: crate::store::StoreError) -> EvalError {
    EvalError::eval(e.message)
}

/// Checks the `algo:` or `algo-` prefix of a hash string the way CppNix's `parseAny` does
/// (`:` wins over `-`), so that its errors carry the current messages.
fn check_prefix(ev: &Evaluator, hash: &str) -> Result<(), EvalError> {
    let prefix = match hash.split_once(':') {
        Some((p, _)) => Some(p),
        None => hash.split_once('-').map(|(p, _)| p),
    };
    match prefix {
        Some(p) => parse_algo(ev, p.as_bytes()).map(|_| ()),
        None => Ok(()),
    }
}

fn required_attr(attrs: &Attrs, name: &str) -> EvalResult<Thunk> {
    match attrs.get(Symbol::new(name)) {
        Some(t) => Ok(t.clone()),
        None => Err(EvalError::type_error(format!("attribute '{name}' missing"))
            .frame(Pos::NONE, format!("while locating the attribute '{name}'"))),
    }
}

fn convert_hash(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let attrs = ev.force_attrs(&args[0], "while evaluating the first argument passed to builtins.convertHash")?;
    let hash_t = required_attr(&attrs, "hash")?;
    let hash = force_string_no_ctx(ev, &hash_t, "while evaluating the attribute 'hash'")?;
    let algo = match attrs.get(Symbol::new("hashAlgo")) {
        Some(t) => {
            let t = t.clone();
            let name = force_string_no_ctx(ev, &t, "while evaluating the attribute 'hashAlgo'")?;
            Some(parse_algo(ev, name.as_bytes())?)
        }
        None => None,
    };
    let format_t = required_attr(&attrs, "toHashFormat")?;
    let format = force_string_no_ctx(ev, &format_t, "while evaluating the attribute 'toHashFormat'")?;
    let format = HashFormat::parse(&format.to_str_lossy()).map_err(store_err)?;
    let hash = hash.to_str_lossy();
    check_prefix(ev, &hash)?;
    let parsed = Hash::parse_any(&hash, algo).map_err(store_err)?;
    Ok(Value::str(&parsed.to_string_as(format, format == HashFormat::Sri)))
}

#[cfg(test)]
mod tests {
    use crate::eval_to_string;

    fn err(expr: &str) -> String {
        eval_to_string(expr).err().map(|e| e.message().to_string()).unwrap_or_default()
    }

    #[test]
    fn digests() {
        assert_eq!(
            eval_to_string(r#"builtins.hashString "sha256" "abc""#).unwrap(),
            "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\""
        );
        assert_eq!(
            eval_to_string(r#"builtins.hashString "md5" """#).unwrap(),
            "\"d41d8cd98f00b204e9800998ecf8427e\""
        );
    }

    #[test]
    fn algorithm_errors() {
        assert_eq!(
            err(r#"builtins.hashString "sha3" (throw "not forced")"#),
            "unknown hash algorithm 'sha3', expect 'blake3', 'md5', 'sha1', 'sha256', or 'sha512'"
        );
        assert!(err(r#"builtins.hashString "blake3" "x""#).contains("'blake3-hashes' is disabled"));
    }

    #[test]
    fn conversions() {
        let sri = r#"builtins.convertHash { hash = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"; toHashFormat = "sri"; }"#;
        assert_eq!(eval_to_string(sri).unwrap(), "\"sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\"");
        let b16 = r#"builtins.convertHash { hash = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="; toHashFormat = "base16"; }"#;
        assert_eq!(eval_to_string(b16).unwrap(), "\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"");
        assert_eq!(err(r#"builtins.convertHash { hash = "x"; }"#), "attribute 'toHashFormat' missing");
        assert_eq!(
            err(r#"builtins.convertHash { hash = "x"; toHashFormat = "hex"; }"#),
            "unknown hash format 'hex', expect 'base16', 'base32', 'base64', or 'sri'"
        );
        assert_eq!(
            err(r#"builtins.convertHash { hash = "foo:x"; toHashFormat = "sri"; }"#),
            "unknown hash algorithm 'foo', expect 'blake3', 'md5', 'sha1', 'sha256', or 'sha512'"
        );
        assert_eq!(
            err(r#"builtins.convertHash { hash = "abc"; toHashFormat = "sri"; }"#),
            "hash 'abc' does not include a type, nor is the type otherwise known from context"
        );
    }
}
