//! Fetchers without network access: `fetchTree`, `fetchGit`, `fetchurl`, `fetchTarball`,
//! `fetchMercurial` and `fetchClosure`.
//!
//! What can be computed locally is computed exactly as CppNix does: `fetchTree` of a local
//! `path`, `fetchTree`/`fetchGit` of a local git repository (the tracked files of the work
//! tree, or a given `rev`/`ref` read with `git archive`; `rev`, `shortRev`, `revCount`,
//! `lastModified`, `narHash`, dirty revisions), `fetchurl`/`fetchTarball` of `file://` URLs
//! (hashed, unpacked in memory, never stored), and any source whose expected hash names a
//! store path already present in `/nix/store`. Everything else fails with an error naming
//! the source and saying how to provide it. Nothing is written to a store or downloaded;
//! local programs (`git`, decompressors) are run through `EvalIo`.

use super::store::{force_string_no_ctx, store_err, store_path_string};
use super::{make_attrs, type_err, Builtin};
use crate::error::{ErrorKind, EvalError};
use crate::eval::io::FileType;
use crate::eval::ops::Coercion;
use crate::eval::value::*;
use crate::eval::Evaluator;
use crate::store::hash::{Hash, HashAlgo, HashFormat, Hasher};
use crate::store::path::{self as spath, ContentAddressMethod};
use crate::syntax::source::Pos;
use std::collections::{BTreeMap, BTreeSet};

pub const BUILTINS: &[Builtin] = &[
    Builtin { name: "fetchTree", arity: 1, func: fetch_tree },
    Builtin { name: "fetchGit", arity: 1, func: fetch_git },
    Builtin { name: "fetchurl", arity: 1, func: fetchurl },
    Builtin { name: "fetchTarball", arity: 1, func: fetch_tarball },
    Builtin { name: "fetchMercurial", arity: 1, func: fetch_mercurial },
    Builtin { name: "fetchClosure", arity: 1, func: fetch_closure },
];

/// Whether `builtins.fetchTree` exists in this evaluation (CppNix's `fetch-tree` feature,
/// implied by `flakes`).
pub fn fetch_tree_enabled(features: &[String]) -> bool {
    features.iter().any(|f| f == "fetch-tree" || f == "flakes")
}

fn has_feature(ev: &Evaluator, f: &str) -> bool {
    ev.options.experimental_features.iter().any(|x| x == f)
}

#[cold]
fn no_network(what: &str, how: &str) -> EvalError {
    EvalError::eval(format!("nixeval cannot fetch '{what}' (no network access); {how}"))
}

// ----- input attributes ----------------------------------------------------------------------

/// A fetcher input attribute (CppNix's `fetchers::Attr`).
#[derive(Clone, Debug, PartialEq)]
enum Attr {
    Str(String),
    Int(u64),
    Bool(bool),
}

type InputAttrs = BTreeMap<String, Attr>;

fn get_str<'a>(attrs: &'a InputAttrs, key: &str) -> Option<&'a str> {
    match attrs.get(key) {
        Some(Attr::Str(s)) => Some(s),
        _ => None,
    }
}

fn get_bool(attrs: &InputAttrs, key: &str) -> Option<bool> {
    match attrs.get(key) {
        Some(Attr::Bool(b)) => Some(*b),
        _ => None,
    }
}

fn get_int(attrs: &InputAttrs, key: &str) -> Option<u64> {
    match attrs.get(key) {
        Some(Attr::Int(i)) => Some(*i),
        _ => None,
    }
}

/// Reads the argument of `fetchTree`/`fetchGit` into input attributes.
fn input_attrs(ev: &mut Evaluator, args: &[Thunk], fetcher: &str, is_git: bool, allow_name: bool) -> EvalResult<InputAttrs> {
    let v = ev.force(&args[0])?;
    let mut attrs = InputAttrs::new();
    match &v {
        Value::Attrs(set) => {
            let mut ty = if is_git { Some("git".to_string()) } else { None };
            if let Some(t) = set.get(crate::eval::symbol::sym::type_) {
                if ty.is_some() {
                    return Err(EvalError::eval("unexpected argument 'type'"));
                }
                ty = Some(force_string_no_ctx(ev, t, &format!("while evaluating the `type` argument passed to '{fetcher}'"))?);
            }
            let Some(ty) = ty else {
                return Err(EvalError::eval(format!("argument 'type' is missing in call to '{fetcher}'")));
            };
            attrs.insert("type".into(), Attr::Str(ty));
            for entry in set.sorted_by_name() {
                let name = entry.name.as_str();
                if name == "type" {
                    continue;
                }
                let x = ev.force(&entry.value).map_err(|e| e.at(entry.pos))?;
                let a = match &x {
                    Value::String(_) | Value::Path(_) => {
                        let s = ev.coerce_to_string(&x, Coercion::PLAIN).map_err(|e| e.at(entry.pos))?;
                        Attr::Str(s.to_str_lossy().into_owned())
                    }
                    Value::Bool(b) => Attr::Bool(*b),
                    Value::Int(i) => {
                        if *i < 0 {
                            return Err(EvalError::eval(format!(
                                "negative value given for '{fetcher}' argument '{name}': {i}"
                            )));
                        }
                        Attr::Int(*i as u64)
                    }
                    other => {
                        return Err(EvalError::type_error(format!(
                            "argument '{}' to '{}' is {} while a string, Boolean or integer is expected",
                            name,
                            fetcher,
                            other.type_phrase()
                        )))
                    }
                };
                attrs.insert(name.to_string(), a);
            }
        }
        _ => {
            let s = ev
                .coerce_to_string(&v, Coercion::PLAIN)
                .map_err(|e| e.frame(Pos::NONE, format!("while evaluating the first argument passed to '{fetcher}'")))?;
            let url = s.to_str_lossy().into_owned();
            if !is_git {
                if !has_feature(ev, "flakes") {
                    return Err(EvalError::eval(format!(
                        "passing a string argument to '{fetcher}' requires the 'flakes' experimental feature"
                    )));
                }
                return url_to_input(&url);
            }
            attrs.insert("type".into(), Attr::Str("git".into()));
            attrs.insert("url".into(), Attr::Str(url));
        }
    }
    if is_git && !attrs.contains_key("exportIgnore") && !get_bool(&attrs, "submodules").unwrap_or(false) {
        attrs.insert("exportIgnore".into(), Attr::Bool(true));
    }
    if !is_git && get_str(&attrs, "type") == Some("git") && !attrs.contains_key("shallow") {
        attrs.insert("shallow".into(), Attr::Bool(true));
    }
    if !allow_name && attrs.contains_key("name") {
        return Err(EvalError::eval(format!("argument 'name' isn\u{2019}t supported in call to '{fetcher}'")));
    }
    Ok(attrs)
}

/// The few URL-like references that name local sources: `path:/p`, `git+file:///p`,
/// `/p`; query parameters are not supported.
fn url_to_input(url: &str) -> EvalResult<InputAttrs> {
    let mut attrs = InputAttrs::new();
    let (ty, rest) = if let Some(p) = url.strip_prefix("path:") {
        ("path", p)
    } else if let Some(p) = url.strip_prefix("git+file://") {
        ("git", p)
    } else if url.starts_with('/') {
        ("path", url)
    } else {
        return Err(no_network(url, "only local 'path:' and 'git+file:' references can be used"));
    };
    if rest.contains('?') {
        return Err(EvalError::eval(format!("nixeval does not support query parameters in the reference '{url}'")));
    }
    attrs.insert("type".into(), Attr::Str(ty.into()));
    attrs.insert(if ty == "git" { "url" } else { "path" }.into(), Attr::Str(rest.into()));
    if ty == "git" {
        attrs.insert("shallow".into(), Attr::Bool(true));
    }
    Ok(attrs)
}

/// CppNix's `Input::to_string` for the inputs handled here (for messages).
fn input_to_string(attrs: &InputAttrs) -> String {
    let ty = get_str(attrs, "type").unwrap_or("");
    let loc = get_str(attrs, "url").or_else(|| get_str(attrs, "path")).unwrap_or("");
    match ty {
        "path" => format!("path:{loc}"),
        "git" if loc.starts_with('/') => format!("git+file://{loc}"),
        "git" => format!("git+{loc}"),
        _ => format!("{ty}:{loc}"),
    }
}

// ----- results -------------------------------------------------------------------------------

/// What a fetch produced, before it becomes CppNix's tree attributes.
#[derive(Default)]
struct Fetched {
    store_path: String,
    nar_hash: Option<Hash>,
    rev: Option<String>,
    rev_count: Option<u64>,
    dirty_rev: Option<String>,
    last_modified: Option<i64>,
    git: bool,
}

/// `YYYYmmddHHMMSS` in UTC.
pub fn format_utc(t: i64) -> String {
    let days = t.div_euclid(86400);
    let secs = t.rem_euclid(86400);
    // Civil date from days since 1970-01-01 (proleptic Gregorian calendar).
    let z = days + 719468;
    let era = z.div_euclid(146097);
    let doe = z.rem_euclid(146097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{:04}{:02}{:02}{:02}{:02}{:02}", y, m, d, secs / 3600, secs % 3600 / 60, secs % 60)
}

/// The first seven characters of a revision (never splitting a character).
fn short_rev(rev: &str) -> &str {
    match rev.char_indices().nth(7) {
        Some((i, _)) => &rev[..i],
        None => rev,
    }
}

/// CppNix's `emitTreeAttrs`.
fn tree_attrs(f: &Fetched, input: &InputAttrs, empty_rev_fallback: bool) -> Value {
    let mut pairs: Vec<(&str, Value)> = vec![("outPath", store_path_string(&f.store_path))];
    if let Some(h) = &f.nar_hash {
        pairs.push(("narHash", Value::str(&h.to_sri())));
    }
    if f.git {
        pairs.push(("submodules", Value::Bool(get_bool(input, "submodules").unwrap_or(false))));
    }
    if let Some(rev) = &f.rev {
        pairs.push(("rev", Value::str(rev)));
        pairs.push(("shortRev", Value::str(short_rev(rev))));
    } else if empty_rev_fallback {
        pairs.push(("rev", Value::str("0000000000000000000000000000000000000000")));
        pairs.push(("shortRev", Value::str("0000000")));
    }
    if let Some(n) = f.rev_count {
        pairs.push(("revCount", Value::Int(n as i64)));
    } else if empty_rev_fallback {
        pairs.push(("revCount", Value::Int(0)));
    }
    if let Some(d) = &f.dirty_rev {
        pairs.push(("dirtyRev", Value::str(&format!("{d}-dirty"))));
        pairs.push(("dirtyShortRev", Value::str(&format!("{}-dirty", short_rev(d)))));
    }
    if let Some(t) = f.last_modified {
        pairs.push(("lastModified", Value::Int(t)));
        pairs.push(("lastModifiedDate", Value::str(&format_utc(t))));
    }
    make_attrs(pairs)
}

/// A source already in `/nix/store` under the path its expected NAR hash gives.
fn present_in_store(ev: &Evaluator, name: &str, nar_hash: &Hash) -> EvalResult<Option<String>> {
    let p = spath::make_fixed_output_path(ContentAddressMethod::Nar, nar_hash, name, [], false).map_err(store_err)?;
    Ok(ev.io.path_exists(&p).then_some(p))
}

fn expected_nar_hash(input: &InputAttrs) -> EvalResult<Option<Hash>> {
    match get_str(input, "narHash") {
        Some(s) => Ok(Some(Hash::parse_any(s, Some(HashAlgo::Sha256)).map_err(store_err)?)),
        None => Ok(None),
    }
}

fn check_nar_hash(input: &InputAttrs, got: &Hash) -> EvalResult<()> {
    if let Some(want) = expected_nar_hash(input)? {
        if want != *got {
            return Err(EvalError::eval(format!(
                "NAR hash mismatch in input '{}', expected '{}' but got '{}'",
                input_to_string(input),
                want.to_sri(),
                got.to_sri()
            )));
        }
    }
    Ok(())
}

fn fetch_tree(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let input = input_attrs(ev, args, "fetchTree", false, false)?;
    fetch_input(ev, input, false)
}

fn fetch_git(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let input = input_attrs(ev, args, "fetchGit", true, true)?;
    fetch_input(ev, input, true)
}

fn fetch_input(ev: &mut Evaluator, input: InputAttrs, is_fetch_git: bool) -> EvalResult {
    let fetcher = if is_fetch_git { "fetchGit" } else { "fetchTree" };
    let ty = get_str(&input, "type").unwrap_or("").to_string();
    let locked = match ty.as_str() {
        "path" => input.contains_key("narHash"),
        "git" => input.contains_key("rev"),
        _ => input.contains_key("narHash"),
    };
    if !ev.options.impure && !locked {
        return Err(EvalError::new(
            ErrorKind::Restricted,
            format!("in pure evaluation mode, '{}' doesn't fetch unlocked input '{}'", fetcher, input_to_string(&input)),
        ));
    }
    let fetched = match ty.as_str() {
        "path" => {
            if !has_feature(ev, "flakes") {
                return Err(super::store::store_err(crate::store::StoreError::new(
                    crate::store::ErrorKind::Eval,
                    "experimental Nix feature 'flakes' is disabled; add '--extra-experimental-features flakes' to enable it",
                )));
            }
            fetch_path(ev, &input)?
        }
        "git" => fetch_git_input(ev, &input)?,
        "tarball" | "file" => {
            let url = get_str(&input, "url").unwrap_or("").to_string();
            let mut f = fetch_url_input(ev, &input, &url, ty == "tarball")?;
            f.git = false;
            f
        }
        "" => return Err(EvalError::eval(format!("input '{}' lacks a 'type' attribute", input_to_string(&input)))),
        other => {
            let name = get_str(&input, "name").unwrap_or("source");
            if let Some(h) = expected_nar_hash(&input)? {
                if let Some(p) = present_in_store(ev, name, &h)? {
                    let f = Fetched {
                        store_path: p,
                        nar_hash: Some(h),
                        rev: get_str(&input, "rev").map(str::to_string),
                        rev_count: get_int(&input, "revCount"),
                        last_modified: get_int(&input, "lastModified").map(|t| t as i64),
                        ..Default::default()
                    };
                    return Ok(tree_attrs(&f, &input, is_fetch_git));
                }
            }
            return Err(no_network(
                &input_to_string(&input),
                &format!(
                    "inputs of type '{other}' are only used when already present in /nix/store: add a 'narHash' attribute naming a store path that exists, or use a local 'path' or 'git' input"
                ),
            ));
        }
    };
    Ok(tree_attrs(&fetched, &input, is_fetch_git))
}

// ----- path inputs ---------------------------------------------------------------------------

fn fetch_path(ev: &mut Evaluator, input: &InputAttrs) -> EvalResult<Fetched> {
    let Some(path) = get_str(input, "path") else {
        return Err(EvalError::eval(format!("input attribute 'path' is missing")));
    };
    if !path.starts_with('/') {
        return Err(EvalError::eval(format!(
            "cannot fetch input '{}' because it uses a relative path",
            input_to_string(input)
        )));
    }
    let path = crate::eval::lower::canon_path(path);
    let (store_path, hash) = if !ev.io.path_exists(&path) {
        match expected_nar_hash(input)? {
            Some(h) => match present_in_store(ev, "source", &h)? {
                Some(p) => (p, h),
                None => return Err(EvalError::new(ErrorKind::Io, format!("path '{}' does not exist", path))),
            },
            None => return Err(EvalError::new(ErrorKind::Io, format!("path '{}' does not exist", path))),
        }
    } else {
        let h = ev.io.nar_sha256(&path).map_err(|e| EvalError::new(ErrorKind::Io, e))?;
        let h = Hash::from_bytes(HashAlgo::Sha256, &h).map_err(store_err)?;
        (spath::source_path("source", &h.sha256_bytes().unwrap_or_default()).map_err(store_err)?, h)
    };
    check_nar_hash(input, &hash)?;
    let last_modified = match get_int(input, "lastModified") {
        Some(t) => t as i64,
        None => max_mtime(ev, &path, 0),
    };
    Ok(Fetched {
        store_path,
        nar_hash: Some(hash),
        rev: get_str(input, "rev").map(str::to_string),
        rev_count: get_int(input, "revCount"),
        dirty_rev: None,
        last_modified: Some(last_modified),
        git: false,
    })
}

/// The newest modification time in a tree (CppNix's `dumpPathAndGetMtime`).
fn max_mtime(ev: &Evaluator, path: &str, depth: usize) -> i64 {
    let mut t = ev.io.mtime(path).unwrap_or(0);
    if depth < crate::store::nar::MAX_DEPTH && ev.io.file_type(path) == Some(FileType::Directory) {
        if let Ok(entries) = ev.io.read_dir(path) {
            for (name, _) in entries {
                t = t.max(max_mtime(ev, &format!("{}/{}", path.trim_end_matches('/'), name), depth + 1));
            }
        }
    }
    t
}

// ----- git inputs ----------------------------------------------------------------------------

fn git(ev: &Evaluator, dir: &str, args: &[&str]) -> EvalResult<Vec<u8>> {
    ev.io.run_program("git", dir, args).map_err(EvalError::eval)
}

fn git_line(ev: &Evaluator, dir: &str, args: &[&str]) -> EvalResult<String> {
    Ok(String::from_utf8_lossy(&git(ev, dir, args)?).trim().to_string())
}

/// The local directory of a git URL, if it is local.
fn local_git_dir(url: &str) -> Option<String> {
    let p = url.strip_prefix("git+file://").or_else(|| url.strip_prefix("file://")).unwrap_or(url);
    p.starts_with('/').then(|| crate::eval::lower::canon_path(p))
}

fn fetch_git_input(ev: &mut Evaluator, input: &InputAttrs) -> EvalResult<Fetched> {
    let Some(url) = get_str(input, "url").map(str::to_string) else {
        return Err(EvalError::eval("input attribute 'url' is missing"));
    };
    let name = get_str(input, "name").unwrap_or("source").to_string();
    let shallow = get_bool(input, "shallow").unwrap_or(false);
    let export_ignore = get_bool(input, "exportIgnore").unwrap_or(false);
    let submodules = get_bool(input, "submodules").unwrap_or(false);
    if submodules && (input.contains_key("rev") || input.contains_key("ref")) {
        return Err(EvalError::eval(format!(
            "nixeval does not support 'submodules = true' with a given 'rev' or 'ref' when fetching '{}'",
            input_to_string(input)
        )));
    }
    let Some(dir) = local_git_dir(&url).filter(|d| ev.io.path_exists(d)) else {
        // Remote: only usable when the result is already in the store.
        if let Some(h) = expected_nar_hash(input)? {
            if let Some(p) = present_in_store(ev, &name, &h)? {
                return Ok(Fetched {
                    store_path: p,
                    nar_hash: Some(h),
                    rev: get_str(input, "rev").map(str::to_string),
                    rev_count: get_int(input, "revCount"),
                    last_modified: get_int(input, "lastModified").map(|t| t as i64),
                    git: true,
                    ..Default::default()
                });
            }
        }
        return Err(no_network(
            &url,
            "provide it locally: clone the repository and pass its local path as 'url', or add the 'narHash' of a copy already in /nix/store",
        ));
    };
    let fetched = if input.contains_key("rev") || input.contains_key("ref") {
        git_from_commit(ev, input, &dir, &name, shallow)?
    } else {
        git_from_workdir(ev, input, &dir, &name, shallow, export_ignore, submodules)?
    };
    if let Some(h) = &fetched.nar_hash {
        check_nar_hash(input, h)?;
    }
    Ok(fetched)
}

fn git_rev_count(ev: &Evaluator, dir: &str, rev: &str) -> EvalResult<u64> {
    let s = git_line(ev, dir, &["rev-list", "--count", rev])?;
    s.parse().map_err(|_| EvalError::eval(format!("cannot count the commits of '{rev}' in '{dir}'")))
}

fn git_commit_time(ev: &Evaluator, dir: &str, rev: &str) -> EvalResult<i64> {
    let s = git_line(ev, dir, &["log", "-1", "--format=%ct", rev])?;
    s.parse().map_err(|_| EvalError::eval(format!("cannot read the commit time of '{rev}' in '{dir}'")))
}

fn split_z(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    bytes.split(|&b| b == 0).filter(|s| !s.is_empty())
}

/// Adds the tracked files of the work tree at `dir` to `files`, each prefixed with `prefix`;
/// with `submodules`, the files of checked-out submodules too (recursively).
fn workdir_files(
    ev: &mut Evaluator,
    dir: &str,
    prefix: &str,
    submodules: bool,
    files: &mut BTreeSet<String>,
    depth: usize,
) -> EvalResult<()> {
    let listed = git(ev, dir, &["ls-files", "-z", "--cached"])?;
    let deleted = git(ev, dir, &["ls-files", "-z", "--deleted"])?;
    let deleted: BTreeSet<&[u8]> = split_z(&deleted).collect();
    files.extend(
        split_z(&listed).filter(|f| !deleted.contains(f)).map(|f| format!("{}{}", prefix, String::from_utf8_lossy(f))),
    );
    if !submodules || depth > 32 {
        return Ok(());
    }
    let staged = git(ev, dir, &["ls-files", "-z", "--stage"])?;
    for entry in split_z(&staged) {
        // "<mode> <object> <stage>\t<path>"; gitlinks (mode 160000) are submodules.
        let Some(tab) = entry.iter().position(|&b| b == b'\t') else { continue };
        if !entry.starts_with(b"160000 ") {
            continue;
        }
        let sub = String::from_utf8_lossy(&entry[tab + 1..]).into_owned();
        let sub_dir = format!("{}/{}", dir.trim_end_matches('/'), sub);
        if ev.io.path_exists(&format!("{}/.git", sub_dir)) {
            workdir_files(ev, &sub_dir, &format!("{}{}/", prefix, sub), true, files, depth + 1)?;
        }
    }
    Ok(())
}

/// The tracked files of the work tree (CppNix's `getAccessorFromWorkdir`).
fn git_from_workdir(
    ev: &mut Evaluator,
    input: &InputAttrs,
    dir: &str,
    name: &str,
    shallow: bool,
    export_ignore: bool,
    submodules: bool,
) -> EvalResult<Fetched> {
    let head = git_line(ev, dir, &["rev-parse", "--verify", "-q", "HEAD"]).ok().filter(|s| s.len() == 40);
    let mut files = BTreeSet::new();
    workdir_files(ev, dir, "", submodules, &mut files, 0)?;
    if export_ignore && files.iter().any(|f| f == ".gitattributes" || f.ends_with("/.gitattributes")) {
        let mut args: Vec<&str> = vec!["check-attr", "-z", "export-ignore", "--"];
        args.extend(files.iter().map(String::as_str));
        let out = git(ev, dir, &args)?;
        let fields: Vec<&[u8]> = out.split(|&b| b == 0).collect();
        let mut ignored = Vec::new();
        for rec in fields.chunks(3) {
            if rec.len() == 3 && rec[2] == b"set" {
                ignored.push(String::from_utf8_lossy(rec[0]).into_owned());
            }
        }
        for f in ignored {
            files.remove(&f);
        }
    }
    let status = git(ev, dir, &["status", "--porcelain", "-z", "--untracked-files=no", "--ignore-submodules"])?;
    let dirty = head.is_none() && !files.is_empty() || !status.is_empty();
    // Directories holding tracked files.
    let mut dirs: BTreeSet<String> = BTreeSet::new();
    for f in &files {
        let mut p = f.as_str();
        while let Some(i) = p.rfind('/') {
            p = &p[..i];
            if !dirs.insert(p.to_string()) {
                break;
            }
        }
    }
    let root = dir.trim_end_matches('/').to_string();
    let mut keep = |_: &mut Evaluator, abs: &str, _: FileType| -> EvalResult<bool> {
        let rel = abs.get(root.len() + 1..).unwrap_or("");
        Ok(files.contains(rel) || dirs.contains(rel))
    };
    let (hash, kept) = super::store::nar_hash_filtered_kept(ev, dir, &mut keep)?;
    let store_path = spath::source_path(name, &hash.sha256_bytes().unwrap_or_default()).map_err(store_err)?;
    super::store::register_copy(ev, &store_path, dir, Some(kept));
    let mut f = Fetched { store_path, nar_hash: Some(hash), git: true, ..Default::default() };
    if !dirty {
        let rev = head.clone().unwrap_or_else(|| "0".repeat(40));
        if !shallow {
            f.rev_count = Some(if head.is_some() { git_rev_count(ev, dir, &rev)? } else { 0 });
        }
        f.rev = Some(rev);
    } else {
        eprintln!("warning: Git tree '{}' is dirty", dir);
        f.dirty_rev = head.clone();
    }
    f.last_modified = Some(match get_int(input, "lastModified") {
        Some(t) => t as i64,
        None => match &head {
            Some(h) => git_commit_time(ev, dir, h)?,
            None => 0,
        },
    });
    Ok(f)
}

/// A given `rev` or `ref` (CppNix's `getAccessorFromCommit` on a local repository).
fn git_from_commit(ev: &mut Evaluator, input: &InputAttrs, dir: &str, name: &str, shallow: bool) -> EvalResult<Fetched> {
    let rev = match get_str(input, "rev") {
        Some(r) => {
            if git(ev, dir, &["cat-file", "-e", &format!("{r}^{{commit}}")]).is_err() {
                let r#ref = get_str(input, "ref").unwrap_or("HEAD");
                return Err(EvalError::eval(format!(
                    "Cannot find Git revision '{}' in ref '{}' of repository '{}'! Please make sure that the rev exists on the ref you've specified or add allRefs = true; to fetchGit.",
                    r, r#ref, dir
                )));
            }
            r.to_string()
        }
        None => {
            let r = get_str(input, "ref").unwrap_or("HEAD");
            let full = if r == "HEAD" || r.starts_with("refs/") { r.to_string() } else { format!("refs/heads/{r}") };
            git_line(ev, dir, &["rev-parse", "--verify", "-q", &format!("{full}^{{commit}}")])
                .map_err(|_| EvalError::eval(format!("cannot find the Git reference '{}' in '{}'", r, dir)))?
        }
    };
    let export_ignore = get_bool(input, "exportIgnore").unwrap_or(false);
    let tar = git(ev, dir, &["archive", "--format=tar", &rev])?;
    let mut tree = parse_tar(&tar)?;
    if !export_ignore {
        // `git archive` always drops export-ignore members: put them back from the tree.
        let listing = git(ev, dir, &["ls-tree", "-r", "-z", &rev])?;
        for rec in split_z(&listing) {
            let Some(tab) = rec.iter().position(|&b| b == b'\t') else { continue };
            let (meta, p) = (&rec[..tab], &rec[tab + 1..]);
            let mode = meta.split(|&b| b == b' ').next().unwrap_or(b"");
            if mode == b"160000" || tree.lookup(p).is_some() {
                continue;
            }
            let blob = git(ev, dir, &["show", &format!("{}:{}", rev, String::from_utf8_lossy(p))])?;
            let node = match mode {
                b"120000" => MemNode::Symlink(blob),
                b"100755" => MemNode::File { exec: true, contents: blob },
                _ => MemNode::File { exec: false, contents: blob },
            };
            tree.insert(p, node)?;
        }
    }
    let hash = tree.nar_hash();
    let store_path = spath::source_path(name, &hash.sha256_bytes().unwrap_or_default()).map_err(store_err)?;
    let mut f = Fetched { store_path, nar_hash: Some(hash), git: true, ..Default::default() };
    f.last_modified = Some(match get_int(input, "lastModified") {
        Some(t) => t as i64,
        None => git_commit_time(ev, dir, &rev)?,
    });
    if !shallow {
        f.rev_count = Some(match get_int(input, "revCount") {
            Some(n) => n,
            None => git_rev_count(ev, dir, &rev)?,
        });
    }
    f.rev = Some(rev);
    Ok(f)
}

// ----- in-memory trees and tar archives ------------------------------------------------------

/// A file system tree held in memory (an unpacked archive or a git commit).
#[derive(Debug, PartialEq)]
pub enum MemNode {
    File { exec: bool, contents: Vec<u8> },
    Symlink(Vec<u8>),
    Dir(BTreeMap<Vec<u8>, MemNode>),
}

impl MemNode {
    fn lookup(&self, path: &[u8]) -> Option<&MemNode> {
        let mut node = self;
        for part in path.split(|&b| b == b'/').filter(|p| !p.is_empty()) {
            match node {
                MemNode::Dir(entries) => node = entries.get(part)?,
                _ => return None,
            }
        }
        Some(node)
    }

    /// Inserts a node at `path`, creating parent directories.
    pub fn insert(&mut self, path: &[u8], new: MemNode) -> EvalResult<()> {
        let parts: Vec<&[u8]> = path.split(|&b| b == b'/').filter(|p| !p.is_empty() && *p != b".").collect();
        if parts.iter().any(|p| *p == b"..") {
            return Err(EvalError::eval(format!("archive member '{}' escapes the archive", String::from_utf8_lossy(path))));
        }
        let Some((last, parents)) = parts.split_last() else {
            if matches!(new, MemNode::Dir(_)) {
                return Ok(());
            }
            return Err(EvalError::eval("archive member with an empty name"));
        };
        let mut node = self;
        for p in parents {
            let MemNode::Dir(entries) = node else {
                return Err(EvalError::eval(format!("archive member '{}' is inside a file", String::from_utf8_lossy(path))));
            };
            node = entries.entry(p.to_vec()).or_insert_with(|| MemNode::Dir(BTreeMap::new()));
        }
        let MemNode::Dir(entries) = node else {
            return Err(EvalError::eval(format!("archive member '{}' is inside a file", String::from_utf8_lossy(path))));
        };
        match (entries.get_mut(*last), new) {
            (Some(MemNode::Dir(_)), MemNode::Dir(_)) => {}
            (_, new) => {
                entries.insert(last.to_vec(), new);
            }
        }
        Ok(())
    }

    /// The SHA-256 of the NAR serialisation.
    pub fn nar_hash(&self) -> Hash {
        fn tok(h: &mut Hasher, b: &[u8]) {
            h.update(&(b.len() as u64).to_le_bytes());
            h.update(b);
            let pad = (8 - b.len() % 8) % 8;
            h.update(&[0u8; 8][..pad]);
        }
        fn node(h: &mut Hasher, n: &MemNode) {
            tok(h, b"(");
            tok(h, b"type");
            match n {
                MemNode::File { exec, contents } => {
                    tok(h, b"regular");
                    if *exec {
                        tok(h, b"executable");
                        tok(h, b"");
                    }
                    tok(h, b"contents");
                    tok(h, contents);
                }
                MemNode::Symlink(t) => {
                    tok(h, b"symlink");
                    tok(h, b"target");
                    tok(h, t);
                }
                MemNode::Dir(entries) => {
                    tok(h, b"directory");
                    for (name, child) in entries {
                        tok(h, b"entry");
                        tok(h, b"(");
                        tok(h, b"name");
                        tok(h, name);
                        tok(h, b"node");
                        node(h, child);
                        tok(h, b")");
                    }
                }
            }
            tok(h, b")");
        }
        let mut h = Hasher::new(HashAlgo::Sha256);
        tok(&mut h, crate::store::nar::NAR_MAGIC.as_bytes());
        node(&mut h, self);
        h.finish()
    }
}

fn tar_field(b: &[u8]) -> &[u8] {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    &b[..end]
}

fn tar_octal(b: &[u8]) -> EvalResult<u64> {
    if b.first().is_some_and(|&c| c & 0x80 != 0) {
        // Base-256 (GNU) for large values.
        let mut v: u64 = u64::from(b[0] & 0x7f);
        for &c in &b[1..] {
            v = v.checked_mul(256).and_then(|v| v.checked_add(u64::from(c))).ok_or_else(bad_tar)?;
        }
        return Ok(v);
    }
    let s = String::from_utf8_lossy(tar_field(b));
    let s = s.trim_matches(|c: char| c == ' ' || c == '\0');
    if s.is_empty() {
        return Ok(0);
    }
    u64::from_str_radix(s, 8).map_err(|_| bad_tar())
}

#[cold]
fn bad_tar() -> EvalError {
    EvalError::eval("the archive is not a valid tar file")
}

/// Parses pax extended header records (`len key=value\n`).
fn pax_records(data: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut out = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let Some(sp) = rest.iter().position(|&c| c == b' ') else { break };
        let Ok(len) = String::from_utf8_lossy(&rest[..sp]).parse::<usize>() else { break };
        if len <= sp + 1 || len > rest.len() {
            break;
        }
        let rec = &rest[sp + 1..len];
        let rec = rec.strip_suffix(b"\n").unwrap_or(rec);
        if let Some(eq) = rec.iter().position(|&c| c == b'=') {
            out.push((rec[..eq].to_vec(), rec[eq + 1..].to_vec()));
        }
        rest = &rest[len..];
    }
    out
}

/// Unpacks a tar archive (ustar, pax and GNU long names) into a tree; also returns the
/// newest member modification time.
pub fn parse_tar_with_mtime(data: &[u8]) -> EvalResult<(MemNode, i64)> {
    let mut root = MemNode::Dir(BTreeMap::new());
    let mut pos = 0usize;
    let mut long_name: Option<Vec<u8>> = None;
    let mut long_link: Option<Vec<u8>> = None;
    let mut max_mtime = 0i64;
    while pos + 512 <= data.len() {
        let h = &data[pos..pos + 512];
        if h.iter().all(|&b| b == 0) {
            break;
        }
        let size = tar_octal(&h[124..136])? as usize;
        let mtime = tar_octal(&h[136..148])? as i64;
        let mode = tar_octal(&h[100..108])?;
        let kind = h[156];
        let body_start = pos + 512;
        let body_end = body_start.checked_add(size).filter(|&e| e <= data.len()).ok_or_else(bad_tar)?;
        let body = &data[body_start..body_end];
        pos = body_start + size.div_ceil(512) * 512;
        match kind {
            b'x' => {
                for (k, v) in pax_records(body) {
                    match &k[..] {
                        b"path" => long_name = Some(v),
                        b"linkpath" => long_link = Some(v),
                        _ => {}
                    }
                }
                continue;
            }
            b'g' => continue,
            b'L' => {
                long_name = Some(tar_field(body).to_vec());
                continue;
            }
            b'K' => {
                long_link = Some(tar_field(body).to_vec());
                continue;
            }
            _ => {}
        }
        let name = match long_name.take() {
            Some(n) => n,
            None => {
                let n = tar_field(&h[0..100]);
                let prefix = if &h[257..262] == b"ustar" { tar_field(&h[345..500]) } else { &[] };
                if prefix.is_empty() {
                    n.to_vec()
                } else {
                    [prefix, b"/", n].concat()
                }
            }
        };
        let link = long_link.take().unwrap_or_else(|| tar_field(&h[157..257]).to_vec());
        max_mtime = max_mtime.max(mtime);
        match kind {
            b'0' | 0 | b'7' => root.insert(&name, MemNode::File { exec: mode & 0o100 != 0, contents: body.to_vec() })?,
            b'5' => root.insert(&name, MemNode::Dir(BTreeMap::new()))?,
            b'2' => root.insert(&name, MemNode::Symlink(link))?,
            b'1' => {
                let target = match root.lookup(&link) {
                    Some(MemNode::File { exec, contents }) => MemNode::File { exec: *exec, contents: contents.clone() },
                    _ => {
                        return Err(EvalError::eval(format!(
                            "hard link '{}' in the archive points to a missing file",
                            String::from_utf8_lossy(&name)
                        )))
                    }
                };
                root.insert(&name, target)?;
            }
            _ => {} // devices, FIFOs: not representable, skipped
        }
    }
    Ok((root, max_mtime))
}

fn parse_tar(data: &[u8]) -> EvalResult<MemNode> {
    Ok(parse_tar_with_mtime(data)?.0)
}

// ----- fetchurl / fetchTarball ---------------------------------------------------------------

fn fetchurl(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    fetch_plain(ev, args, "fetchurl", false, "")
}

fn fetch_tarball(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    fetch_plain(ev, args, "fetchTarball", true, "source")
}

/// CppNix's `fetch` helper shared by `fetchurl` and `fetchTarball`.
fn fetch_plain(ev: &mut Evaluator, args: &[Thunk], who: &str, unpack: bool, default_name: &str) -> EvalResult {
    let v = ev.force(&args[0])?;
    let mut url: Option<String> = None;
    let mut expected: Option<Hash> = None;
    let mut name = default_name.to_string();
    let is_attrs = matches!(v, Value::Attrs(_));
    let mut name_passed = false;
    if let Value::Attrs(set) = &v {
        for entry in set.iter() {
            match entry.name.as_str() {
                "url" => url = Some(force_string_no_ctx(ev, &entry.value, "while evaluating the url we should fetch")?),
                "sha256" => {
                    let s = force_string_no_ctx(ev, &entry.value, "while evaluating the sha256 of the content we should fetch")?;
                    expected = Some(Hash::parse_allow_empty(&s, Some(HashAlgo::Sha256)).map_err(store_err)?.0);
                }
                "name" => {
                    name_passed = true;
                    name = force_string_no_ctx(ev, &entry.value, "while evaluating the name of the content we should fetch")?;
                }
                n => return Err(EvalError::eval(format!("unsupported argument '{n}' to '{who}'"))),
            }
        }
    } else {
        url = Some(force_string_no_ctx(ev, &args[0], "while evaluating the url we should fetch")?);
    }
    let Some(url) = url else { return Err(EvalError::eval("'url' argument required")) };
    if name.is_empty() {
        name = String::from_utf8_lossy(super::paths::base_name(url.as_bytes())).into_owned();
    }
    if let Err(e) = spath::check_name(&name) {
        let resolution = if name_passed {
            format!("Please change the value for the 'name' attribute passed to '{who}', so that it can create a valid store path.")
        } else if is_attrs {
            format!("Please add a valid 'name' attribute to the argument for '{who}', so that it can create a valid store path.")
        } else {
            format!("Please pass an attribute set with 'url' and 'name' attributes to '{who}',  so that it can create a valid store path.")
        };
        return Err(EvalError::eval(format!(
            "invalid store path name when fetching URL '{}': {}. {}",
            url, e.message, resolution
        )));
    }
    if !ev.options.impure && expected.is_none() {
        return Err(EvalError::new(
            ErrorKind::Restricted,
            format!("in pure evaluation mode, '{who}' requires a 'sha256' argument"),
        ));
    }
    let method = if unpack { ContentAddressMethod::Nar } else { ContentAddressMethod::Flat };
    if let Some(h) = expected.as_ref().filter(|h| h.algo == HashAlgo::Sha256) {
        let p = spath::make_fixed_output_path(method, h, &name, [], false).map_err(store_err)?;
        if ev.io.path_exists(&p) {
            return Ok(store_path_string(&p));
        }
    }
    let Some(local) = url.strip_prefix("file://") else {
        let how = if expected.is_some() {
            "provide it locally: download it yourself and use a 'file://' URL, or add it to /nix/store (nix-store --add-fixed)"
        } else {
            "provide it locally: download it yourself and use a 'file://' URL, or give its 'sha256' and add it to /nix/store"
        };
        return Err(no_network(&url, how));
    };
    let local = crate::eval::lower::canon_path(local);
    let f = if unpack {
        let (tree, _) = unpack_archive(ev, &local)?;
        let hash = tree.nar_hash();
        let p = spath::make_fixed_output_path(method, &hash, &name, [], false).map_err(store_err)?;
        (p, hash)
    } else {
        let contents = ev.io.read_file(&local).map_err(|e| EvalError::new(ErrorKind::Io, e))?;
        let hash = Hash::of(HashAlgo::Sha256, &contents);
        let p = spath::make_fixed_output_path(method, &hash, &name, [], false).map_err(store_err)?;
        (p, hash)
    };
    if let Some(want) = &expected {
        let got = &f.1;
        if want != got {
            return Err(EvalError::eval(format!(
                "hash mismatch in file downloaded from '{}':\n  specified: {}\n  got:       {}",
                url,
                want.to_string_as(HashFormat::Nix32, true),
                got.to_string_as(HashFormat::Nix32, true)
            )));
        }
    }
    Ok(store_path_string(&f.0))
}

/// Reads a (possibly compressed) tar archive and strips a single top-level directory, as
/// CppNix's tarball unpacking does. Returns the tree and the newest member time.
fn unpack_archive(ev: &Evaluator, path: &str) -> EvalResult<(MemNode, i64)> {
    let raw = ev.io.read_file(path).map_err(|e| EvalError::new(ErrorKind::Io, e))?;
    let decompressor = match raw.get(..6) {
        Some([0x1f, 0x8b, ..]) => Some("gzip"),
        Some([0xfd, b'7', b'z', b'X', b'Z', 0]) => Some("xz"),
        Some([b'B', b'Z', b'h', ..]) => Some("bzip2"),
        Some([0x28, 0xb5, 0x2f, 0xfd, ..]) => Some("zstd"),
        _ => None,
    };
    let tar = match decompressor {
        Some(prog) => {
            let dir = String::from_utf8_lossy(super::paths::dir_name(path.as_bytes())).into_owned();
            ev.io.run_program(prog, &dir, &["-dc", path]).map_err(EvalError::eval)?
        }
        None => raw,
    };
    let (tree, mtime) = parse_tar_with_mtime(&tar)?;
    let tree = match tree {
        MemNode::Dir(mut entries) if entries.len() == 1 && matches!(entries.values().next(), Some(MemNode::Dir(_))) => {
            entries.pop_first().map(|(_, n)| n).unwrap_or(MemNode::Dir(BTreeMap::new()))
        }
        other => other,
    };
    Ok((tree, mtime))
}

/// `fetchTree { type = "tarball" | "file"; url = "file://..."; }`.
fn fetch_url_input(ev: &mut Evaluator, input: &InputAttrs, url: &str, unpack: bool) -> EvalResult<Fetched> {
    let name = get_str(input, "name").unwrap_or("source").to_string();
    if let Some(h) = expected_nar_hash(input)? {
        if let Some(p) = present_in_store(ev, &name, &h)? {
            return Ok(Fetched {
                store_path: p,
                nar_hash: Some(h),
                last_modified: get_int(input, "lastModified").map(|t| t as i64),
                ..Default::default()
            });
        }
    }
    let Some(local) = url.strip_prefix("file://") else {
        return Err(no_network(url, "provide it locally with a 'file://' URL, or add a 'narHash' naming a copy already in /nix/store"));
    };
    let local = crate::eval::lower::canon_path(local);
    let (tree, mtime) = if unpack {
        let (t, m) = unpack_archive(ev, &local)?;
        (t, Some(m))
    } else {
        let contents = ev.io.read_file(&local).map_err(|e| EvalError::new(ErrorKind::Io, e))?;
        (MemNode::File { exec: false, contents }, None)
    };
    let hash = tree.nar_hash();
    check_nar_hash(input, &hash)?;
    let store_path = spath::source_path(&name, &hash.sha256_bytes().unwrap_or_default()).map_err(store_err)?;
    Ok(Fetched {
        store_path,
        nar_hash: Some(hash),
        last_modified: get_int(input, "lastModified").map(|t| t as i64).or(mtime),
        ..Default::default()
    })
}

// ----- unsupported fetchers ------------------------------------------------------------------

fn fetch_mercurial(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let v = ev.force(&args[0])?;
    let url = match &v {
        Value::Attrs(a) => match a.get(crate::eval::symbol::Symbol::new("url")) {
            Some(t) => {
                let t = t.clone();
                let u = ev.force(&t)?;
                ev.coerce_to_string(&u, Coercion::PLAIN)?.to_str_lossy().into_owned()
            }
            None => return Err(EvalError::eval("'url' argument required")),
        },
        other => ev.coerce_to_string(other, Coercion::PLAIN)?.to_str_lossy().into_owned(),
    };
    Err(EvalError::eval(format!(
        "nixeval cannot fetch the Mercurial repository '{url}'; convert it to git or fetch it with another tool and use 'builtins.path'"
    )))
}

fn fetch_closure(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let a = ev.arg_attrs(args, 0, "fetchClosure")?;
    let from = match a.get(crate::eval::symbol::Symbol::new("fromStore")) {
        Some(t) => {
            let t = t.clone();
            match ev.force(&t)? {
                Value::String(s) => s.to_str_lossy().into_owned(),
                other => return Err(type_err("a string", &other)),
            }
        }
        None => "the binary cache".to_string(),
    };
    Err(no_network(&from, "fetchClosure needs a binary cache; copy the closure into /nix/store and use 'builtins.storePath'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tar_header(name: &str, kind: u8, size: usize, mode: u32, link: &str) -> Vec<u8> {
        let mut h = vec![0u8; 512];
        h[..name.len()].copy_from_slice(name.as_bytes());
        let m = format!("{:07o}\0", mode);
        h[100..108].copy_from_slice(m.as_bytes());
        let s = format!("{:011o}\0", size);
        h[124..136].copy_from_slice(s.as_bytes());
        h[136..148].copy_from_slice(b"00000000012\0");
        h[156] = kind;
        h[157..157 + link.len()].copy_from_slice(link.as_bytes());
        h[257..263].copy_from_slice(b"ustar\0");
        h
    }

    fn member(out: &mut Vec<u8>, name: &str, kind: u8, mode: u32, body: &[u8], link: &str) {
        out.extend(tar_header(name, kind, body.len(), mode, link));
        out.extend_from_slice(body);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }

    #[test]
    fn short_revs_never_split_characters() {
        assert_eq!(short_rev("ecc253b15df3"), "ecc253b");
        assert_eq!(short_rev("éééééééé"), "ééééééé");
        assert_eq!(short_rev("ab"), "ab");
    }

    #[test]
    fn utc_dates() {
        assert_eq!(format_utc(0), "19700101000000");
        assert_eq!(format_utc(1622550896), "20210601123456");
        assert_eq!(format_utc(951782400), "20000229000000");
        assert_eq!(format_utc(-1), "19691231235959");
    }

    #[test]
    fn tar_round_trip_matches_on_disk_nar() {
        let mut t = Vec::new();
        member(&mut t, "top/", b'5', 0o755, b"", "");
        member(&mut t, "top/a.txt", b'0', 0o644, b"a\n", "");
        member(&mut t, "top/run", b'0', 0o755, b"#!/bin/sh\n", "");
        member(&mut t, "top/sub/b.txt", b'0', 0o644, b"b\n", "");
        member(&mut t, "top/link", b'2', 0o777, b"", "a.txt");
        member(&mut t, "top/hard", b'1', 0o644, b"", "top/a.txt");
        t.extend(vec![0u8; 1024]);
        let (tree, mtime) = parse_tar_with_mtime(&t).unwrap();
        assert_eq!(mtime, 10);
        let MemNode::Dir(entries) = tree else { panic!("not a dir") };
        let top = entries.get(&b"top"[..]).unwrap();
        // Build the same tree on disk and compare NAR hashes.
        let dir = std::env::temp_dir().join(format!("nixeval-tar-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("a.txt"), "a\n").unwrap();
        std::fs::write(dir.join("hard"), "a\n").unwrap();
        std::fs::write(dir.join("run"), "#!/bin/sh\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.join("run"), std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(dir.join("a.txt"), std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::set_permissions(dir.join("hard"), std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::write(dir.join("sub/b.txt"), "b\n").unwrap();
        std::fs::set_permissions(dir.join("sub/b.txt"), std::fs::Permissions::from_mode(0o644)).unwrap();
        std::os::unix::fs::symlink("a.txt", dir.join("link")).unwrap();
        let (want, _) = crate::store::nar::nar_sha256(&dir, None).unwrap();
        assert_eq!(top.nar_hash().sha256_bytes().unwrap(), want);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn bad_archives_are_errors() {
        let mut t = Vec::new();
        member(&mut t, "../evil", b'0', 0o644, b"x", "");
        assert!(parse_tar(&t).is_err());
        let mut t = tar_header("big", b'0', 4096, 0o644, "");
        t.extend(vec![0u8; 100]);
        assert!(parse_tar(&t).is_err());
        assert!(parse_tar(&[1u8; 512]).is_err() || parse_tar(&[1u8; 512]).is_ok());
        assert_eq!(parse_tar(&[]).unwrap(), MemNode::Dir(BTreeMap::new()));
    }

    /// Runs git in `dir` with fixed identities and dates; false when git is missing.
    fn sh_git(dir: &std::path::Path, args: &[&str], date: &str) -> bool {
        std::process::Command::new("git")
            .current_dir(dir)
            .args(["-c", "user.name=T", "-c", "user.email=t@e", "-c", "init.defaultBranch=main"])
            .args(args)
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    }

    fn eval_real(expr: &str) -> Result<String, String> {
        let opts = crate::eval::EvalOptions { impure: true, ..Default::default() };
        let mut ev = Evaluator::new(opts, Box::new(crate::eval::io::RealIo));
        ev.reset_stack_base();
        let v = ev.eval_str(expr, "/").map_err(|e| e.message().to_string())?;
        ev.force_deep(&v).map_err(|e| e.message().to_string())?;
        Ok(String::from_utf8_lossy(&crate::print::print_value(&v)).into_owned())
    }

    /// A local repository fetched like the reference does; the expected values were produced
    /// by nix-instantiate on a repository made by the same commands.
    #[test]
    fn fetch_git_local_repository() {
        use std::fs;
        let dir = std::env::temp_dir().join(format!("nixeval-git-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("sub")).unwrap();
        if !sh_git(&dir, &["init", "-q"], "2020-01-01T00:00:00Z") {
            println!("note: git is not installed; skipping");
            return;
        }
        use std::os::unix::fs::PermissionsExt;
        fs::write(dir.join("a.txt"), "a\n").unwrap();
        fs::write(dir.join("sub/b.txt"), "b\n").unwrap();
        fs::write(dir.join("run.sh"), "#!/bin/sh\n").unwrap();
        fs::set_permissions(dir.join("run.sh"), fs::Permissions::from_mode(0o755)).unwrap();
        fs::set_permissions(dir.join("a.txt"), fs::Permissions::from_mode(0o644)).unwrap();
        fs::set_permissions(dir.join("sub/b.txt"), fs::Permissions::from_mode(0o644)).unwrap();
        std::os::unix::fs::symlink("a.txt", dir.join("link")).unwrap();
        assert!(sh_git(&dir, &["add", "-A"], "2020-01-01T00:00:00Z"));
        assert!(sh_git(&dir, &["commit", "-qm", "one"], "2020-01-01T00:00:00Z"));
        fs::write(dir.join("a.txt"), "a2\n").unwrap();
        assert!(sh_git(&dir, &["commit", "-qam", "two"], "2021-06-01T12:34:56Z"));
        fs::write(dir.join("untracked.txt"), "u\n").unwrap();
        let d = dir.display();
        let clean = eval_real(&format!("builtins.fetchGit {d}")).unwrap();
        assert_eq!(
            clean,
            r#"{ lastModified = 1622550896; lastModifiedDate = "20210601123456"; narHash = "sha256-mU8WVgsa+38fH86ph/3XCo4TK14HUvtV4AqOlDWmhhI="; outPath = "/nix/store/plfdjn9rl2iks999223psxka863zddsc-source"; rev = "ecc253b15df358359aa9ade7598bede7463c4d6a"; revCount = 2; shortRev = "ecc253b"; submodules = false; }"#
        );
        let first = eval_real(&format!(
            "builtins.fetchGit {{ url = \"{d}\"; rev = \"4ccfc7f3fa8bffe6ea316efe9fad4c8571198209\"; }}"
        ))
        .unwrap();
        assert!(first.contains(r#"outPath = "/nix/store/9mn84v784n3kd2qg34shm2mfawj09a9l-source""#), "{first}");
        assert!(first.contains("revCount = 1;"), "{first}");
        let named = eval_real(&format!("(builtins.fetchGit {{ url = \"file://{d}\"; ref = \"main\"; name = \"named\"; }}).outPath")).unwrap();
        assert_eq!(named, r#""/nix/store/86281jn9xr8b1y7pshryf3dkw27l5szk-named""#);
        fs::write(dir.join("a.txt"), "dirty\n").unwrap();
        let dirty = eval_real(&format!("builtins.fetchGit {d}")).unwrap();
        assert!(dirty.contains(r#"dirtyRev = "ecc253b15df358359aa9ade7598bede7463c4d6a-dirty""#), "{dirty}");
        assert!(dirty.contains(r#"rev = "0000000000000000000000000000000000000000"; revCount = 0;"#), "{dirty}");
        let missing = eval_real(&format!("builtins.fetchGit {{ url = \"{d}\"; rev = \"{}\"; }}", "1".repeat(40)));
        assert!(missing.unwrap_err().contains("Cannot find Git revision"));
        let remote = eval_real("builtins.fetchGit \"https://example.org/x.git\"").unwrap_err();
        assert!(remote.contains("no network access"), "{remote}");
        let _ = fs::remove_dir_all(&dir);
    }

    /// `submodules = true` on a work tree includes the tracked files of checked-out
    /// submodules; the store path was checked against nix-instantiate (and against
    /// `nix-store --add` of a directory holding the same files).
    #[test]
    fn fetch_git_local_submodules() {
        use std::fs;
        let top = std::env::temp_dir().join(format!("nixeval-git-sm-{}", std::process::id()));
        let _ = fs::remove_dir_all(&top);
        let (main, sub) = (top.join("main"), top.join("sub"));
        fs::create_dir_all(&main).unwrap();
        fs::create_dir_all(&sub).unwrap();
        let date = "2020-01-01T00:00:00Z";
        if !sh_git(&sub, &["init", "-q"], date) {
            println!("note: git is not installed; skipping");
            return;
        }
        fs::write(sub.join("s.txt"), "s\n").unwrap();
        fs::write(main.join("m.txt"), "m\n").unwrap();
        assert!(sh_git(&sub, &["add", "-A"], date) && sh_git(&sub, &["commit", "-qm", "s"], date));
        assert!(sh_git(&main, &["init", "-q"], date));
        assert!(sh_git(&main, &["add", "-A"], date) && sh_git(&main, &["commit", "-qm", "m"], date));
        let added = sh_git(&main, &["-c", "protocol.file.allow=always", "submodule", "add", "-q", "../sub", "sub"], date);
        assert!(added && sh_git(&main, &["commit", "-qam", "sub"], date));
        let d = main.display();
        let with = eval_real(&format!("(builtins.fetchGit {{ url = {d}; submodules = true; }}).outPath")).unwrap();
        assert_eq!(with, r#""/nix/store/87hqvh1n66vhhc7ibgkjzpn83awmprk4-source""#);
        let without = eval_real(&format!("(builtins.fetchGit {d}).outPath")).unwrap();
        assert_eq!(without, r#""/nix/store/ml72dgaxjcjk95ry1qcgx1131phcjwm4-source""#);
        let _ = fs::remove_dir_all(&top);
    }

    #[test]
    fn local_git_urls() {
        assert_eq!(local_git_dir("/a/b/"), Some("/a/b".to_string()));
        assert_eq!(local_git_dir("file:///a/b"), Some("/a/b".to_string()));
        assert_eq!(local_git_dir("git+file:///a"), Some("/a".to_string()));
        assert_eq!(local_git_dir("https://example.org/r.git"), None);
        assert_eq!(local_git_dir("git@github.com:o/r"), None);
    }
}
