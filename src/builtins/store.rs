//! Builtins that make store paths without a store: `placeholder`, `toFile`, `path`,
//! `filterSource` and `storePath`, plus the helpers the derivation and fetcher builtins share
//! (strings that must not carry a context, coercion to a path with its context, decoding of
//! string-context elements, NAR hashing of a source tree through `EvalIo` with a filter).
//!
//! Paths are computed exactly as CppNix computes them in read-only mode (`nix-instantiate
//! --eval`): nothing is copied or written, the results are the store paths the sources would
//! get. Importing from derivations or realising string contexts is not supported. Each
//! source copy and `toFile` result is described to the `EvalIo` (`add_store_object`), so
//! that a view mapping store paths can answer reads of it without a store.

use super::{type_err, Builtin};
use crate::error::{ErrorKind, EvalError};
use crate::eval::io::{FileType, StoreObject};
use rustc_hash::FxHashSet;
use std::rc::Rc;
use crate::eval::ops::Coercion;
use crate::eval::symbol::sym;
use crate::eval::value::*;
use crate::eval::Evaluator;
use crate::store::hash::{Hash, HashAlgo, Hasher};
use crate::store::path::{self as spath, ContentAddressMethod};
use crate::store::StoreError;
use crate::syntax::source::Pos;

pub const BUILTINS: &[Builtin] = &[
    Builtin { name: "placeholder", arity: 1, func: placeholder },
    Builtin { name: "toFile", arity: 2, func: to_file },
    Builtin { name: "path", arity: 1, func: path },
    Builtin { name: "filterSource", arity: 2, func: filter_source },
    Builtin { name: "storePath", arity: 1, func: store_path },
];

// ----- shared helpers ------------------------------------------------------------------------

/// Turns an error of the store algorithms into an evaluation error with the same message.
pub fn store_err(e: StoreError) -> EvalError {
    let kind = match e.kind {
        crate::store::ErrorKind::Io => ErrorKind::Io,
        _ => ErrorKind::Eval,
    };
    EvalError::new(kind, e.message)
}

/// CppNix's error for a string with a context where none is allowed.
#[cold]
pub fn context_not_allowed(s: &NixString) -> EvalError {
    let first = s.context().iter().next().unwrap_or("");
    EvalError::eval(format!(
        "the string '{}' is not allowed to refer to a store path (such as '{}')",
        s.to_str_lossy(),
        first
    ))
}

/// Forces a thunk to a string without context (CppNix's `forceStringNoCtx`); `ctx` is the
/// trace frame added on failure (none when empty).
pub fn force_string_no_ctx(ev: &mut Evaluator, t: &Thunk, ctx: &str) -> EvalResult<String> {
    let frame = |e: EvalError| if ctx.is_empty() { e } else { e.frame(Pos::NONE, ctx.to_string()) };
    match ev.force(t).map_err(frame)? {
        Value::String(s) => {
            if s.has_context() {
                return Err(frame(context_not_allowed(&s)));
            }
            Ok(s.to_str_lossy().into_owned())
        }
        other => Err(frame(type_err("a string", &other))),
    }
}

/// Forces a thunk to a string, keeping its context (CppNix's `forceString` with a context).
pub fn force_string_ctx(ev: &mut Evaluator, t: &Thunk, ctx: &str, acc: &mut Vec<Box<str>>) -> EvalResult<NixString> {
    let frame = |e: EvalError| if ctx.is_empty() { e } else { e.frame(Pos::NONE, ctx.to_string()) };
    match ev.force(t).map_err(frame)? {
        Value::String(s) => {
            s.context().extend_into(acc);
            Ok(s)
        }
        other => Err(frame(type_err("a string", &other))),
    }
}

/// CppNix's `coerceToPath`: a path value, or a string holding an absolute path (its context
/// is returned too). The result is canonical (no `.`/`..`, no trailing slash).
pub fn coerce_to_path(ev: &mut Evaluator, v: &Value, ctx: &str) -> EvalResult<(String, Context)> {
    let frame = |e: EvalError| if ctx.is_empty() { e } else { e.frame(Pos::NONE, ctx.to_string()) };
    match v {
        Value::Path(p) => Ok((p.to_string(), Context::default())),
        _ => {
            let s = ev.coerce_to_string(v, Coercion::PLAIN).map_err(frame)?;
            let text = s.to_str_lossy();
            if !text.starts_with('/') {
                return Err(frame(EvalError::eval(format!("string '{}' doesn't represent an absolute path", text))));
            }
            Ok((crate::eval::lower::canon_path(&text), s.context().clone()))
        }
    }
}

/// One element of a string context, decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContextElem<'a> {
    /// A plain store path.
    Opaque(&'a str),
    /// `=<drv>`: a derivation with its whole closure (`drvPath`).
    DrvDeep(&'a str),
    /// `!<output>!<drv>`: one output of a derivation.
    Built { drv: &'a str, output: &'a str },
}

/// Decodes CppNix's string-context encoding.
pub fn decode_context(elem: &str) -> ContextElem<'_> {
    if let Some(d) = elem.strip_prefix('=') {
        ContextElem::DrvDeep(d)
    } else if let Some(rest) = elem.strip_prefix('!') {
        match rest.split_once('!') {
            Some((output, drv)) => ContextElem::Built { drv, output },
            None => ContextElem::Opaque(elem),
        }
    } else {
        ContextElem::Opaque(elem)
    }
}

/// A string value with a single-path context (CppNix's `allowAndSetStorePathString`).
pub fn store_path_string(path: &str) -> Value {
    Value::String(NixString::with_context(path.as_bytes().into(), Context::single(path)))
}

/// Follows symbolic links at `path` itself until it names a non-link (CppNix's
/// `resolveSymlinks`; links in ancestors are followed by the file system when reading).
pub fn resolve_symlinks(ev: &Evaluator, path: &str) -> EvalResult<String> {
    let mut p = path.to_string();
    for _ in 0..40 {
        if ev.io.file_type(&p) != Some(FileType::Symlink) {
            return Ok(p);
        }
        let target = ev.io.read_link(&p).map_err(|e| EvalError::new(ErrorKind::Io, e))?;
        p = if target.starts_with('/') {
            crate::eval::lower::canon_path(&target)
        } else {
            let dir = String::from_utf8_lossy(super::paths::dir_name(p.as_bytes())).into_owned();
            crate::eval::lower::canon_path(&format!("{}/{}", dir, target))
        };
    }
    Err(EvalError::new(ErrorKind::Io, format!("too many symbolic links encountered while traversing the path '{}'", path)))
}

/// One node of a source tree in NAR order, relative to the root ("" for the root).
struct Node {
    rel: String,
    kind: FileType,
}

/// Lists the tree at `root` in NAR order (entries sorted by name, depth first), asking
/// `filter` (with the absolute path and the type) about every entry below the root; a
/// rejected directory is skipped whole. The filter is called in the same order as CppNix.
fn walk_tree(
    ev: &mut Evaluator,
    root: &str,
    filter: &mut dyn FnMut(&mut Evaluator, &str, FileType) -> EvalResult<bool>,
) -> EvalResult<Vec<Node>> {
    let Some(kind) = ev.io.file_type(root) else {
        return Err(EvalError::new(ErrorKind::Io, format!("path '{}' does not exist", root)));
    };
    let mut nodes = vec![Node { rel: String::new(), kind }];
    if kind == FileType::Directory {
        walk_dir(ev, root, "", filter, &mut nodes, 0)?;
    }
    Ok(nodes)
}

fn walk_dir(
    ev: &mut Evaluator,
    root: &str,
    rel: &str,
    filter: &mut dyn FnMut(&mut Evaluator, &str, FileType) -> EvalResult<bool>,
    nodes: &mut Vec<Node>,
    depth: usize,
) -> EvalResult<()> {
    if depth >= crate::store::nar::MAX_DEPTH {
        return Err(EvalError::eval(format!("NAR directory nesting too deep at '{}{}'", root, rel)));
    }
    let dir = if rel.is_empty() { root.to_string() } else { format!("{}/{}", root, rel) };
    let mut entries = ev.io.read_dir(&dir).map_err(|e| EvalError::new(ErrorKind::Io, e))?;
    entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    for (name, kind) in entries {
        let child_rel = if rel.is_empty() { name } else { format!("{}/{}", rel, name) };
        let abs = format!("{}/{}", root.trim_end_matches('/'), child_rel);
        if !filter(ev, &abs, kind)? {
            continue;
        }
        nodes.push(Node { rel: child_rel.clone(), kind });
        if kind == FileType::Directory {
            walk_dir(ev, root, &child_rel, filter, nodes, depth + 1)?;
        }
    }
    Ok(())
}

/// Writes NAR tokens into a hasher.
struct NarHash(Hasher);

impl NarHash {
    fn tok(&mut self, b: &[u8]) {
        self.0.update(&(b.len() as u64).to_le_bytes());
        self.0.update(b);
        let pad = (8 - b.len() % 8) % 8;
        if pad > 0 {
            self.0.update(&[0u8; 8][..pad]);
        }
    }
}

/// The NAR hash of a tree listed by [`walk_tree`], reading contents through `EvalIo`.
fn hash_nodes(ev: &Evaluator, root: &str, nodes: &[Node], algo: HashAlgo) -> EvalResult<Hash> {
    let io_err = |e: String| EvalError::new(ErrorKind::Io, e);
    let mut h = NarHash(Hasher::new(algo));
    h.tok(crate::store::nar::NAR_MAGIC.as_bytes());
    // Open directories, as relative paths; closing one emits ")" for the node and ")" for
    // its enclosing entry.
    let mut open: Vec<&str> = Vec::new();
    for node in nodes {
        if !node.rel.is_empty() {
            let parent = match node.rel.rfind('/') {
                Some(i) => &node.rel[..i],
                None => "",
            };
            while open.last().is_some_and(|d| *d != parent) {
                open.pop();
                h.tok(b")");
                h.tok(b")");
            }
            let name = &node.rel[parent.len() + usize::from(!parent.is_empty())..];
            h.tok(b"entry");
            h.tok(b"(");
            h.tok(b"name");
            h.tok(name.as_bytes());
            h.tok(b"node");
        }
        let abs = if node.rel.is_empty() { root.to_string() } else { format!("{}/{}", root.trim_end_matches('/'), node.rel) };
        h.tok(b"(");
        match node.kind {
            FileType::Regular => {
                h.tok(b"type");
                h.tok(b"regular");
                if ev.io.is_executable(&abs) {
                    h.tok(b"executable");
                    h.tok(b"");
                }
                let contents = ev.io.read_file(&abs).map_err(io_err)?;
                h.tok(b"contents");
                h.tok(&contents);
                h.tok(b")");
                if !node.rel.is_empty() {
                    h.tok(b")");
                }
            }
            FileType::Symlink => {
                let target = ev.io.read_link(&abs).map_err(io_err)?;
                h.tok(b"type");
                h.tok(b"symlink");
                h.tok(b"target");
                h.tok(target.as_bytes());
                h.tok(b")");
                if !node.rel.is_empty() {
                    h.tok(b")");
                }
            }
            FileType::Directory => {
                h.tok(b"type");
                h.tok(b"directory");
                open.push(&node.rel);
            }
            FileType::Unknown => {
                return Err(EvalError::eval(format!("file '{}' has an unsupported type", abs)));
            }
        }
    }
    while let Some(d) = open.pop() {
        h.tok(b")");
        if !d.is_empty() {
            h.tok(b")");
        }
    }
    Ok(h.0.finish())
}

/// The NAR SHA-256 of the tree at `root`, keeping only what `filter` accepts.
pub fn nar_hash_filtered(
    ev: &mut Evaluator,
    root: &str,
    filter: &mut dyn FnMut(&mut Evaluator, &str, FileType) -> EvalResult<bool>,
) -> EvalResult<Hash> {
    let nodes = walk_tree(ev, root, filter)?;
    hash_nodes(ev, root, &nodes, HashAlgo::Sha256)
}

/// [`nar_hash_filtered`], also returning the entries kept (relative paths, without the root),
/// which describe the store object for [`StoreObject::Copy`].
pub fn nar_hash_filtered_kept(
    ev: &mut Evaluator,
    root: &str,
    filter: &mut dyn FnMut(&mut Evaluator, &str, FileType) -> EvalResult<bool>,
) -> EvalResult<(Hash, Rc<FxHashSet<String>>)> {
    let nodes = walk_tree(ev, root, filter)?;
    let hash = hash_nodes(ev, root, &nodes, HashAlgo::Sha256)?;
    let kept = nodes.into_iter().map(|n| n.rel).filter(|r| !r.is_empty()).collect();
    Ok((hash, Rc::new(kept)))
}

/// Lets later reads of `store_path` see `object` (see [`crate::eval::io::EvalIo::add_store_object`]).
pub fn register_copy(ev: &Evaluator, store_path: &str, source: &str, only: Option<Rc<FxHashSet<String>>>) {
    ev.io.add_store_object(store_path, StoreObject::Copy { source: source.to_string(), only });
}

/// The store path of `path` added as `name` with `method` (`nar` or `flat`), filtered:
/// CppNix's `addPath` in read-only mode.
pub fn add_path(
    ev: &mut Evaluator,
    name: &str,
    path: &str,
    filter: Option<&Value>,
    method: ContentAddressMethod,
    expected: Option<&Hash>,
) -> EvalResult<String> {
    let run = |ev: &mut Evaluator| -> EvalResult<String> {
        let expected_path = match expected {
            Some(h) => Some(spath::make_fixed_output_path(method, h, name, [], false).map_err(store_err)?),
            None => None,
        };
        if let Some(p) = &expected_path {
            // Already present: no need to read (or even have) the source.
            if !ev.io.path_exists(path) && ev.io.path_exists(p) {
                return Ok(p.clone());
            }
        }
        let resolved = resolve_symlinks(ev, path)?;
        let dst = if method == ContentAddressMethod::Flat {
            if ev.io.file_type(&resolved) != Some(FileType::Regular) {
                return Err(EvalError::eval(format!("file '{}' is not a regular file", resolved)));
            }
            let contents = ev.io.read_file(&resolved).map_err(|e| EvalError::new(ErrorKind::Io, e))?;
            let h = Hash::of(HashAlgo::Sha256, &contents);
            let dst = spath::make_fixed_output_path(method, &h, name, [], false).map_err(store_err)?;
            register_copy(ev, &dst, &resolved, None);
            dst
        } else if let Some(f) = filter {
            let f = f.clone();
            let mut call = |ev: &mut Evaluator, p: &str, kind: FileType| -> EvalResult<bool> {
                let r = ev.call2(&f, Value::str(p).into(), Value::str(kind.as_str()).into())?;
                match r {
                    Value::Bool(b) => Ok(b),
                    other => Err(type_err("a Boolean", &other)
                        .frame(Pos::NONE, "while evaluating the return value of the path filter function")),
                }
            };
            let (h, kept) = nar_hash_filtered_kept(ev, &resolved, &mut call)?;
            let dst = spath::make_fixed_output_path(method, &h, name, [], false).map_err(store_err)?;
            register_copy(ev, &dst, &resolved, Some(kept));
            dst
        } else {
            let h = ev.io.nar_sha256(&resolved).map_err(|e| EvalError::new(ErrorKind::Io, e))?;
            let dst = spath::source_path(name, &h).map_err(store_err)?;
            register_copy(ev, &dst, &resolved, None);
            dst
        };
        if let Some(p) = expected_path {
            if p != dst {
                return Err(EvalError::eval(format!(
                    "store path mismatch in (possibly filtered) path added from '{}'",
                    path
                )));
            }
        }
        Ok(dst)
    };
    run(ev).map_err(|e| e.frame(Pos::NONE, format!("while adding path '{}'", path)))
}

// ----- the builtins --------------------------------------------------------------------------

fn placeholder(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let out = force_string_no_ctx(ev, &args[0], "while evaluating the first argument passed to builtins.placeholder")?;
    Ok(Value::str(&spath::hash_placeholder(&out)))
}

fn to_file(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let name = force_string_no_ctx(ev, &args[0], "while evaluating the first argument passed to builtins.toFile")?;
    let mut ctx = Vec::new();
    let contents =
        force_string_ctx(ev, &args[1], "while evaluating the second argument passed to builtins.toFile", &mut ctx)?;
    let mut refs: Vec<String> = Vec::with_capacity(ctx.len());
    for c in &ctx {
        match decode_context(c) {
            ContextElem::Opaque(p) => refs.push(p.to_string()),
            _ => {
                return Err(EvalError::eval(format!(
                    "files created by builtins.toFile may not reference derivations, but {} references {}",
                    name, c
                )))
            }
        }
    }
    let path = spath::to_file_path(&name, contents.as_bytes(), refs.iter().map(String::as_str)).map_err(store_err)?;
    ev.io.add_store_object(&path, StoreObject::Contents(contents.as_bytes().into()));
    ev.caches.drv_hashes.add_path_references(path.clone(), refs);
    Ok(store_path_string(&path))
}

fn path(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let attrs = ev.force_attrs(&args[0], "while evaluating the argument passed to 'builtins.path'")?;
    let mut path: Option<String> = None;
    let mut name = String::new();
    let mut filter: Option<Value> = None;
    let mut method = ContentAddressMethod::Nar;
    let mut expected: Option<Hash> = None;
    for entry in attrs.iter() {
        let n = entry.name.as_str();
        let at = |e: EvalError| e.at(entry.pos);
        match n {
            "path" => {
                let v = ev.force(&entry.value).map_err(at)?;
                let (p, _ctx) = coerce_to_path(ev, &v, "while evaluating the 'path' attribute passed to 'builtins.path'")
                    .map_err(at)?;
                path = Some(p);
            }
            "name" => {
                name = force_string_no_ctx(ev, &entry.value, "while evaluating the `name` attribute passed to builtins.path")
                    .map_err(at)?;
            }
            "filter" => {
                let v = ev.force(&entry.value).map_err(at)?;
                if !v.is_function() && !matches!(&v, Value::Attrs(a) if a.contains(sym::functor)) {
                    return Err(at(type_err("a function", &v)
                        .frame(entry.pos, "while evaluating the `filter` parameter passed to builtins.path")));
                }
                filter = Some(v);
            }
            "recursive" => {
                let b = ev
                    .force_bool(&entry.value, "while evaluating the `recursive` attribute passed to builtins.path")
                    .map_err(at)?;
                method = if b { ContentAddressMethod::Nar } else { ContentAddressMethod::Flat };
            }
            "sha256" => {
                let s = force_string_no_ctx(ev, &entry.value, "while evaluating the `sha256` attribute passed to builtins.path")
                    .map_err(at)?;
                let (h, _warning) = Hash::parse_allow_empty(&s, Some(HashAlgo::Sha256)).map_err(store_err).map_err(at)?;
                expected = Some(h);
            }
            _ => {
                return Err(EvalError::eval(format!("unsupported argument '{}' to 'builtins.path'", n)).at(entry.pos));
            }
        }
    }
    let Some(path) = path else {
        return Err(EvalError::eval("missing required 'path' attribute in the first argument to 'builtins.path'"));
    };
    if name.is_empty() {
        name = String::from_utf8_lossy(super::paths::base_name(path.as_bytes())).into_owned();
    }
    let dst = add_path(ev, &name, &path, filter.as_ref(), method, expected.as_ref())?;
    Ok(store_path_string(&dst))
}

fn filter_source(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let v = ev.force(&args[1])?;
    let (path, _ctx) = coerce_to_path(
        ev,
        &v,
        "while evaluating the second argument (the path to filter) passed to 'builtins.filterSource'",
    )?;
    let f = ev.arg_function(args, 0, "filterSource")?;
    let name = String::from_utf8_lossy(super::paths::base_name(path.as_bytes())).into_owned();
    let dst = add_path(ev, &name, &path, Some(&f), ContentAddressMethod::Nar, None)?;
    Ok(store_path_string(&dst))
}

fn store_path(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    if !ev.options.impure {
        return Err(EvalError::new(
            ErrorKind::Restricted,
            "'builtins.storePath' is not allowed in pure evaluation mode",
        ));
    }
    let v = ev.arg(args, 0, "storePath")?;
    let (mut p, ctx) = coerce_to_path(ev, &v, "while evaluating the first argument passed to 'builtins.storePath'")?;
    if !spath::is_store_path(&p) {
        p = resolve_symlinks(ev, &p)?;
    }
    if !spath::is_in_store(&p) {
        return Err(EvalError::eval(format!("path '{}' is not in the Nix store", p)));
    }
    let parts = spath::parse_store_path(&p).map_err(store_err)?;
    let base = format!("{}/{}", spath::STORE_DIR, parts.base_name);
    let mut acc: Vec<Box<str>> = Vec::new();
    ctx.extend_into(&mut acc);
    acc.push(base.into());
    Ok(Value::String(NixString::with_context(p.into_bytes().into_boxed_slice(), Context::from_vec(acc))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::io::MemIo;
    use crate::eval::EvalOptions;

    fn eval_mem(files: &[(&str, &str)], expr: &str) -> Result<String, String> {
        let mut ev = Evaluator::new(EvalOptions::default(), Box::new(MemIo::with(files)));
        ev.reset_stack_base();
        let v = ev.eval_str(expr, "/").map_err(|e| e.message().to_string())?;
        ev.force_deep(&v).map_err(|e| e.message().to_string())?;
        Ok(String::from_utf8_lossy(&crate::print::print_value(&v)).into_owned())
    }

    #[test]
    fn context_decoding() {
        assert_eq!(decode_context("/nix/store/abc-x"), ContextElem::Opaque("/nix/store/abc-x"));
        assert_eq!(decode_context("=/nix/store/abc-x.drv"), ContextElem::DrvDeep("/nix/store/abc-x.drv"));
        assert_eq!(
            decode_context("!dev!/nix/store/abc-x.drv"),
            ContextElem::Built { drv: "/nix/store/abc-x.drv", output: "dev" }
        );
    }

    #[test]
    fn placeholder_and_to_file() {
        // Values checked against nix-instantiate.
        assert_eq!(
            eval_mem(&[], "builtins.placeholder \"out\"").unwrap(),
            "\"/1rz4g4znpzjwh1xymhjpm42vipw92pr73vdgl6xs1hycac8kf2n9\""
        );
        assert_eq!(
            eval_mem(&[], "builtins.toFile \"x\" \"y\"").unwrap(),
            "\"/nix/store/lfngsssysp6h1v4ccqg23c52s9sjl779-x\""
        );
        let e = eval_mem(&[], "builtins.toFile \"x\" (builtins.placeholder (builtins.toFile \"a\" \"b\"))").unwrap_err();
        assert!(e.contains("not allowed to refer to a store path"), "{e}");
    }

    #[test]
    fn filtered_nar_matches_unfiltered_hash() {
        let files = [("/src/a.txt", "a\n"), ("/src/sub/b.txt", "b\n"), ("/src/sub/c/d", "d")];
        let mut ev = Evaluator::new(EvalOptions::default(), Box::new(MemIo::with(&files)));
        let mut all = |_: &mut Evaluator, _: &str, _: FileType| Ok(true);
        let h = nar_hash_filtered(&mut ev, "/src/a.txt", &mut all).unwrap();
        assert_eq!(h.sha256_bytes().unwrap(), ev.io.nar_sha256("/src/a.txt").unwrap());
        // A directory tree, compared with the on-disk NAR writer of the store module.
        let dir = std::env::temp_dir().join(format!("nixeval-nar-filter-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub/c")).unwrap();
        std::fs::write(dir.join("a.txt"), "a\n").unwrap();
        std::fs::write(dir.join("sub/b.txt"), "b\n").unwrap();
        std::fs::write(dir.join("sub/c/d"), "d").unwrap();
        std::os::unix::fs::symlink("a.txt", dir.join("link")).unwrap();
        let root = dir.to_string_lossy().into_owned();
        let mut real = Evaluator::new(EvalOptions::default(), Box::new(crate::eval::io::RealIo));
        let h = nar_hash_filtered(&mut real, &root, &mut all).unwrap();
        let (want, _) = crate::store::nar::nar_sha256(&dir, None).unwrap();
        assert_eq!(h.sha256_bytes().unwrap(), want);
        let mut seen = Vec::new();
        let mut no_sub = |_: &mut Evaluator, p: &str, k: FileType| {
            seen.push((p.to_string(), k));
            Ok(!p.ends_with("/sub"))
        };
        let h = nar_hash_filtered(&mut real, &root, &mut no_sub).unwrap();
        let mut keep = |p: &std::path::Path, _: crate::store::nar::FileKind| Ok(!p.ends_with("sub"));
        let (want, _) = crate::store::nar::nar_sha256(&dir, Some(&mut keep)).unwrap();
        assert_eq!(h.sha256_bytes().unwrap(), want);
        let names: Vec<&str> = seen.iter().map(|(p, _)| &p[root.len()..]).collect();
        assert_eq!(names, ["/a.txt", "/link", "/sub"]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
