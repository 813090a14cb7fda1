//! Builtins that read files or work on paths: `import`, `scopedImport`, `baseNameOf`, `dirOf`,
//! `toPath`, `pathExists`, `readFile`, `readDir`, `readFileType`, `findFile`; and the store path
//! a source path gets when it is used in a string. All file access goes through `EvalIo`.

use super::{arg_frame, Builtin};
use crate::error::{ErrorKind, EvalError};
use crate::eval::ops::Coercion;
use crate::eval::symbol::{sym, Symbol};
use crate::eval::value::*;
use crate::eval::Evaluator;
use crate::syntax::source::Pos;

pub const BUILTINS: &[Builtin] = &[
    Builtin { name: "import", arity: 1, func: import },
    Builtin { name: "scopedImport", arity: 2, func: scoped_import },
    Builtin { name: "baseNameOf", arity: 1, func: base_name_of },
    Builtin { name: "dirOf", arity: 1, func: dir_of },
    Builtin { name: "toPath", arity: 1, func: to_path },
    Builtin { name: "pathExists", arity: 1, func: path_exists },
    Builtin { name: "readFile", arity: 1, func: read_file },
    Builtin { name: "readDir", arity: 1, func: read_dir },
    Builtin { name: "readFileType", arity: 1, func: read_file_type },
    Builtin { name: "findFile", arity: 2, func: find_file },
];

/// The file-system path a value designates (a path, or a string holding an absolute path).
pub fn real_path(ev: &mut Evaluator, args: &[Thunk], idx: usize, name: &str) -> EvalResult<String> {
    let v = ev.arg(args, idx, name)?;
    value_to_path(ev, &v).map_err(|e| arg_frame(e, idx, name))
}

pub fn value_to_path(ev: &mut Evaluator, v: &Value) -> EvalResult<String> {
    match v {
        Value::Path(p) => Ok(p.to_string()),
        _ => {
            let s = ev.coerce_to_string(v, Coercion::PLAIN)?;
            let str = s.to_str_lossy();
            if !str.starts_with('/') {
                return Err(EvalError::eval(format!("string '{}' doesn't represent an absolute path", str)));
            }
            let path = crate::eval::lower::canon_path(&str);
            if let Some(msg) = unbuilt_output(ev, &s, &path) {
                return Err(EvalError::eval(msg));
            }
            Ok(path)
        }
    }
}

/// Why `path` cannot be read, when `s` (the string naming it) depends on a derivation and
/// nothing exists at `path`: an output would need a build (import from derivation), and
/// derivation files are computed, never written.
fn unbuilt_output(ev: &Evaluator, s: &NixString, path: &str) -> Option<String> {
    if !s.has_context() {
        return None;
    }
    let (drv, output) = s.context().iter().find_map(|c| {
        if let Some(d) = c.strip_prefix('=') {
            Some((d, None))
        } else if let Some(rest) = c.strip_prefix('!') {
            rest.split_once('!').map(|(o, d)| (d, Some(o)))
        } else {
            None
        }
    })?;
    if ev.io.file_type(path).is_some() {
        return None;
    }
    Some(match output {
        Some(_) => format!(
            "cannot read '{}' during evaluation: it is an output of the derivation '{}', which would have to be built first (import from derivation), and nixeval does not build derivations",
            path, drv
        ),
        None if path == drv => format!(
            "cannot read '{}' during evaluation: it is a derivation file, which nixeval computes without writing it to the store",
            path
        ),
        None => format!(
            "cannot read '{}' during evaluation: it depends on the derivation '{}', which nixeval computes without writing it to the store",
            path, drv
        ),
    })
}

fn import(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    if let Value::Opaque(o) = ev.arg(args, 0, "import")? {
        return Ok(crate::eval::opaque::derived_value(&o, "(import)"));
    }
    let path = real_path(ev, args, 0, "import")?;
    ev.import_path(&path).map_err(|e| e.frame(Pos::NONE, format!("while importing '{}'", path)))
}

fn scoped_import(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let scope = ev.arg_attrs(args, 0, "scopedImport")?;
    let path = real_path(ev, args, 1, "scopedImport")?;
    ev.scoped_import(&scope, &path)
}

/// CppNix's `baseNameOf` on text.
pub fn base_name(path: &[u8]) -> &[u8] {
    if path.is_empty() {
        return path;
    }
    let mut last = path.len() - 1;
    if path[last] == b'/' && last > 0 {
        last -= 1;
    }
    let start = match path[..=last].iter().rposition(|&c| c == b'/') {
        Some(p) => p + 1,
        None => 0,
    };
    &path[start..=last]
}

/// CppNix's `dirOf` on text.
pub fn dir_name(path: &[u8]) -> &[u8] {
    match path.iter().rposition(|&c| c == b'/') {
        None => b".",
        Some(0) => b"/",
        Some(p) => &path[..p],
    }
}

fn base_name_of(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let v = ev.arg(args, 0, "baseNameOf")?;
    let s = ev.coerce_to_string(&v, Coercion::PLAIN).map_err(|e| arg_frame(e, 0, "baseNameOf"))?;
    Ok(Value::String(NixString::with_context(base_name(s.as_bytes()).into(), s.context().clone())))
}

fn dir_of(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let v = ev.arg(args, 0, "dirOf")?;
    match &v {
        Value::Path(p) => {
            let d = dir_name(p.as_bytes());
            Ok(Value::Path(String::from_utf8_lossy(d).into()))
        }
        _ => {
            let s = ev.coerce_to_string(&v, Coercion::PLAIN).map_err(|e| arg_frame(e, 0, "dirOf"))?;
            Ok(Value::String(NixString::with_context(dir_name(s.as_bytes()).into(), s.context().clone())))
        }
    }
}

fn to_path(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let p = real_path(ev, args, 0, "toPath")?;
    Ok(Value::str(&p))
}

fn path_exists(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let v = ev.arg(args, 0, "pathExists")?;
    let must_be_dir = match &v {
        Value::String(s) => s.as_bytes().ends_with(b"/") || s.as_bytes().ends_with(b"/."),
        _ => false,
    };
    let p = value_to_path(ev, &v).map_err(|e| arg_frame(e, 0, "pathExists"))?;
    let exists = match ev.io.file_type(&p) {
        Some(crate::eval::io::FileType::Directory) => true,
        // A symlink exists even when it dangles (`lstat`); only a trailing slash asks for a
        // directory behind it.
        Some(crate::eval::io::FileType::Symlink) => {
            !must_be_dir || std::fs::metadata(&p).map(|m| m.is_dir()).unwrap_or(false)
        }
        Some(_) => !must_be_dir,
        None => false,
    };
    Ok(Value::Bool(exists))
}

fn read_file(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let p = real_path(ev, args, 0, "readFile")?;
    let bytes = ev.io.read_file(&p).map_err(|e| EvalError::new(ErrorKind::Io, e))?;
    if bytes.contains(&0) {
        return Err(EvalError::eval(format!("the contents of the file '{}' cannot be represented as a Nix string", p)));
    }
    let context = read_file_context(ev, &p, &bytes);
    Ok(Value::String(NixString::with_context(bytes.into(), context)))
}

/// The context of a file read from the store: the references of the store object it lies in
/// that occur in its contents (CppNix rescans the references it knows); only the references
/// nixeval recorded (`builtins.toFile` results) are known.
fn read_file_context(ev: &Evaluator, path: &str, contents: &[u8]) -> Context {
    let Some(rest) = path.strip_prefix("/nix/store/") else { return Context(None) };
    let base_len = rest.find('/').unwrap_or(rest.len());
    let refs = ev.caches.drv_hashes.path_references(&path[..path.len() - rest.len() + base_len]);
    if refs.is_empty() {
        return Context(None);
    }
    let found: Vec<Box<str>> = refs
        .iter()
        .filter(|r| {
            let hash = r.strip_prefix("/nix/store/").map(|b| b.get(..32).unwrap_or(b)).unwrap_or(r);
            contents.windows(hash.len()).any(|w| w == hash.as_bytes())
        })
        .map(|r| r.as_str().into())
        .collect();
    Context::from_vec(found)
}

fn read_dir(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let p = real_path(ev, args, 0, "readDir")?;
    let entries = ev.io.read_dir(&p).map_err(|e| EvalError::new(ErrorKind::Io, e))?;
    let entries = entries
        .into_iter()
        .map(|(name, t)| AttrEntry { name: Symbol::new(&name), pos: Pos::NONE, value: Value::str(t.as_str()).into() })
        .collect();
    Ok(Value::attrs(Attrs::from_unsorted(entries)))
}

fn read_file_type(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let p = real_path(ev, args, 0, "readFileType")?;
    match ev.io.file_type(&p) {
        Some(t) => Ok(Value::str(t.as_str())),
        None => Err(EvalError::new(ErrorKind::Io, format!("path '{}' does not exist", p))),
    }
}

fn find_file(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let search = ev.arg_list(args, 0, "findFile")?;
    let name = ev.arg_string(args, 1, "findFile")?;
    let name = name.to_str_lossy().into_owned();
    for t in search.0.iter() {
        let entry = ev.force_attrs(t, "while evaluating an element of the list passed to builtins.findFile")?;
        let prefix = match entry.get(sym::prefix) {
            Some(p) => {
                let p = p.clone();
                ev.force_str(&p, "while evaluating the `prefix` attribute of an element of the list passed to builtins.findFile")?
                    .to_str_lossy()
                    .into_owned()
            }
            None => String::new(),
        };
        let path_t = match entry.get(sym::path) {
            Some(p) => p.clone(),
            None => return Err(super::attrs::missing_attr(sym::path, &entry)),
        };
        let path_v = ev.force(&path_t)?;
        let base = ev.coerce_to_string(&path_v, Coercion::PLAIN)?.to_str_lossy().into_owned();
        let rest = if prefix.is_empty() {
            Some(name.as_str())
        } else if name == prefix {
            Some("")
        } else {
            name.strip_prefix(&prefix).and_then(|r| r.strip_prefix('/'))
        };
        let Some(rest) = rest else { continue };
        let candidate = if rest.is_empty() { base.clone() } else { format!("{}/{}", base.trim_end_matches('/'), rest) };
        let candidate = if candidate.starts_with('/') { crate::eval::lower::canon_path(&candidate) } else { candidate };
        if ev.io.path_exists(&candidate) {
            return Ok(Value::Path(candidate.into()));
        }
    }
    if let Some(rest) = name.strip_prefix("nix/") {
        if crate::builtins::corepkgs::file(rest).is_some() {
            return Ok(Value::Path(format!("{}{}", crate::builtins::corepkgs::PREFIX, rest).into()));
        }
    }
    // A thrown error, as in CppNix: `tryEval <missing>` is false.
    Err(EvalError::new(
        ErrorKind::Throw,
        format!("file '{}' was not found in the Nix search path (add it using $NIX_PATH or -I)", name),
    ))
}

/// The store path `/nix/store/<hash>-<name>` of a source path, as if it were added to the
/// store: the NAR serialisation of the file or tree is hashed; nothing is written.
pub fn store_path_of_source(ev: &mut Evaluator, path: &str) -> EvalResult<String> {
    if let Some(p) = ev.caches.source_paths.get(path) {
        return Ok(p.clone());
    }
    if !ev.io.path_exists(path) {
        return Err(EvalError::new(ErrorKind::Io, format!("path '{}' does not exist", path)));
    }
    let name = String::from_utf8_lossy(base_name(path.as_bytes())).into_owned();
    let hash = ev.io.nar_sha256(path).map_err(|e| EvalError::new(ErrorKind::Io, e))?;
    let store_path = crate::store::path::source_path(&name, &hash).map_err(|e| EvalError::eval(e.to_string()))?;
    ev.caches.source_paths.insert(path.to_string(), store_path.clone());
    super::store::register_copy(ev, &store_path, path, None);
    Ok(store_path)
}

#[cfg(test)]
mod tests {
    use crate::eval_to_string;

    fn err(expr: &str) -> String {
        match eval_to_string(expr) {
            Ok(v) => panic!("{expr}: expected an error, got {v}"),
            Err(e) => e.message().to_string(),
        }
    }

    /// Evaluates `expr` strictly through the file view of `nixeval eval`, which answers reads of `toFile` results.
    fn ok_with_store(expr: &str) -> String {
        use crate::flake::call::{FlakeIo, Mounts};
        let mut ev = crate::Evaluator::new(crate::EvalOptions::default(), Box::new(FlakeIo::new(Mounts::default())));
        ev.reset_stack_base();
        let v = ev.eval_str(expr, "/").and_then(|v| ev.force_deep(&v).map(|_| v));
        match v {
            Ok(v) => String::from_utf8_lossy(&crate::print::print_value(&v)).into_owned(),
            Err(e) => panic!("{expr}: {}", e.message()),
        }
    }

    #[test]
    fn read_file_keeps_only_references_that_occur() {
        let y = r#"builtins.toFile "y" "a""#;
        let z = r#"builtins.toFile "z" "b""#;
        let both = format!(r#"builtins.readFile (builtins.toFile "x" "${{{y}}} ${{{z}}}")"#);
        assert_eq!(ok_with_store(&format!("builtins.length (builtins.attrNames (builtins.getContext ({both})))")), "2");
        let one = format!(r#"builtins.readFile (builtins.toFile "x" (builtins.substring 0 44 "${{{y}}}${{{z}}}"))"#);
        assert_eq!(ok_with_store(&format!("builtins.attrNames (builtins.getContext ({one})) == [ ({y}) ]")), "true");
        assert_eq!(ok_with_store(r#"builtins.hasContext (builtins.readFile (builtins.toFile "p" "plain"))"#), "false");
    }

    #[test]
    fn reading_an_unbuilt_output_names_the_derivation() {
        let drv = r#"derivation { name = "gen"; builder = "/bin/sh"; system = "x86_64-linux"; }"#;
        let e = err(&format!("import ({drv})"));
        assert!(e.contains("import from derivation") && e.contains("-gen.drv'"), "{e}");
        let e = err(&format!("builtins.readFile ({drv}).drvPath"));
        assert!(e.contains("it is a derivation file"), "{e}");
        // Without a derivation in the context, a missing store path is an ordinary missing path.
        let e = err(r#"builtins.readFile "/nix/store/00000000000000000000000000000000-none""#);
        assert!(e.contains("does not exist"), "{e}");
    }
}
