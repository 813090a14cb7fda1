//! Local flake sources: finding the flake directory, reading the state of a Git work tree with
//! the `git` command, and describing the source tree the way CppNix's fetchers lock it
//! (`lastModified`, `rev`, `revCount`, `dirtyRev`, `narHash`, store path, locked URL).
//!
//! Two kinds of local source are handled, as `nix` sees them for a flake on disk:
//! - `path:` trees: all files, `lastModified` is the newest modification time (of `lstat`) of
//!   any entry, the root directory included;
//! - Git work trees (`git+file:`, which is what a path inside a Git repository becomes): only
//!   the files Git tracks that exist in the work tree, with their working-tree contents;
//!   clean trees get `ref`, `rev` and `revCount`, dirty ones `dirtyRev`/`dirtyShortRev`;
//!   `lastModified` is the commit time of `HEAD`.
//!
//! The NAR serialisation and hashing of a tree is plugged in through [`NarHasher`];
//! [`StoreNarHasher`] is the store's (`crate::store::nar`). Fetching
//! (remote inputs, a specific `ref`/`rev` of a local repository, submodules, `exportIgnore`)
//! is deliberately out of scope and reported as unsupported. No libgit2: everything Git-related
//! runs `git` (`ls-files -z`, `status --porcelain -z`, `rev-parse`, `rev-list`).

use std::collections::{BTreeSet, HashSet};
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::store::encoding::base64_encode;
use super::flakeref::{fmt_path, Attr, FlakeRef, Input, Scheme};

/// An error while examining a local source, with CppNix's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceError {
    message: String,
    bad_url: bool,
}

impl SourceError {
    pub fn new(message: impl Into<String>) -> Self {
        SourceError { message: message.into(), bad_url: false }
    }

    fn bad_url(message: impl Into<String>) -> Self {
        SourceError { message: message.into(), bad_url: true }
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether CppNix raises this as a `BadURL` error.
    pub fn is_bad_url(&self) -> bool {
        self.bad_url
    }
}

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SourceError {}

/// The text of an I/O error as `strerror` gives it (without Rust's ` (os error N)`).
pub fn io_error_text(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn sys_error(what: String, e: &io::Error) -> SourceError {
    SourceError::new(format!("{}: {}", what, io_error_text(e)))
}

/// Whether a path exists (without following a final symlink), like CppNix's `pathExists`.
pub fn path_exists(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok()
}

// ---------------------------------------------------------------------------------------------
// Finding the flake
// ---------------------------------------------------------------------------------------------

/// The directory holding `flake.nix`, and the notes printed on the way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundFlake {
    pub dir: PathBuf,
    pub notes: Vec<String>,
}

/// Looks for `flake.nix` in `start` (an absolute, canonical directory) and then upwards, as
/// CppNix does for command line flake references. The search stops with an error at a Git
/// repository root (a directory with `.git`) and at a file system boundary.
pub fn find_flake_dir(start: &Path) -> Result<FoundFlake, SourceError> {
    if path_exists(&start.join("flake.nix")) {
        return Ok(FoundFlake { dir: start.to_path_buf(), notes: Vec::new() });
    }
    let notes = vec![format!("path {} does not contain a 'flake.nix', searching up", fmt_path(start))];
    let lstat = |p: &Path| {
        std::fs::symlink_metadata(p).map_err(|e| sys_error(format!("getting status of {}", fmt_path(p)), &e))
    };
    let device = lstat(start)?.dev();
    let mut path = start.to_path_buf();
    while let Some(parent) = path.parent() {
        if path_exists(&path.join("flake.nix")) {
            return Ok(FoundFlake { dir: path, notes });
        }
        if path_exists(&path.join(".git")) {
            return Err(SourceError::new(format!(
                "path {} is not part of a flake (neither it nor its parent directories contain a 'flake.nix' file)",
                fmt_path(&path)
            )));
        }
        if lstat(&path)?.dev() != device {
            return Err(SourceError::new(format!(
                "unable to find a flake before encountering filesystem boundary at {}",
                fmt_path(&path)
            )));
        }
        path = parent.to_path_buf();
    }
    Err(SourceError::bad_url("could not find a flake.nix file"))
}

/// The root of the Git repository containing `dir` (the nearest directory, `dir` included,
/// with a `.git` entry; `/` itself is not considered) and the path of `dir` below it.
pub fn find_git_root(dir: &Path) -> Option<(PathBuf, String)> {
    let mut root = dir.to_path_buf();
    let mut subdir = String::new();
    while let Some(parent) = root.parent() {
        if path_exists(&root.join(".git")) {
            return Some((root, subdir));
        }
        let name = root.file_name()?.to_string_lossy().into_owned();
        subdir = if subdir.is_empty() { name } else { format!("{}/{}", name, subdir) };
        root = parent.to_path_buf();
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Git
// ---------------------------------------------------------------------------------------------

/// Whether a usable `git` command is installed.
pub fn git_available() -> bool {
    static AVAILABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVAILABLE
        .get_or_init(|| Command::new("git").arg("--version").output().map(|o| o.status.success()).unwrap_or(false))
}

fn git(root: &Path, args: &[&str]) -> Result<std::process::Output, SourceError> {
    Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .output()
        .map_err(|e| SourceError::new(format!("cannot run 'git': {}", io_error_text(&e))))
}

fn git_ok(root: &Path, args: &[&str]) -> Result<Vec<u8>, SourceError> {
    let out = git(root, args)?;
    if !out.status.success() {
        return Err(SourceError::new(format!(
            "'git {}' failed in {}: {}",
            args.join(" "),
            fmt_path(root),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(out.stdout)
}

fn trimmed(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes).trim().to_string()
}

fn nul_fields(bytes: &[u8]) -> impl Iterator<Item = String> + '_ {
    bytes.split(|&b| b == 0).filter(|f| !f.is_empty()).map(|f| String::from_utf8_lossy(f).into_owned())
}

/// The state of a Git work tree, as CppNix's `getWorkdirInfo` computes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GitWorkdir {
    /// The repository root (the work tree top directory).
    pub root: PathBuf,
    /// Tracked files present in the work tree (relative, `/`-separated), without submodules.
    pub files: BTreeSet<String>,
    /// Tracked files whose work tree or index state differs from `HEAD`.
    pub dirty_files: BTreeSet<String>,
    /// Tracked files missing from the work tree or removed from the index.
    pub deleted_files: BTreeSet<String>,
    /// Paths of submodules (not part of the tree unless submodules are requested).
    pub submodules: BTreeSet<String>,
    /// Whether anything tracked differs from `HEAD` (untracked files do not count).
    pub dirty: bool,
    /// The commit `HEAD` points to, if any.
    pub head_rev: Option<String>,
    /// The branch `HEAD` points to (`refs/heads/main`), if `HEAD` is symbolic.
    pub head_ref: Option<String>,
    /// Whether the repository is a shallow clone.
    pub shallow: bool,
    dirs: HashSet<String>,
}

/// Reads the state of the Git work tree at `root` (its top directory).
pub fn git_workdir(root: &Path) -> Result<GitWorkdir, SourceError> {
    let head_rev = {
        let out = git(root, &["rev-parse", "--verify", "-q", "HEAD^{commit}"])?;
        if out.status.success() {
            Some(trimmed(out.stdout))
        } else {
            None
        }
    };
    let head_ref = {
        let out = git(root, &["symbolic-ref", "-q", "HEAD"])?;
        if out.status.success() {
            Some(trimmed(out.stdout))
        } else {
            None
        }
    };
    let shallow = trimmed(git_ok(root, &["rev-parse", "--is-shallow-repository"])?) == "true";

    let mut files = BTreeSet::new();
    let mut submodules = BTreeSet::new();
    for entry in nul_fields(&git_ok(root, &["ls-files", "-z", "--stage"])?) {
        // "<mode> <object> <stage>\t<path>"
        let Some(tab) = entry.find('\t') else { continue };
        let path = entry[tab + 1..].to_string();
        if entry.starts_with("160000 ") {
            submodules.insert(path);
        } else {
            files.insert(path);
        }
    }
    let mut deleted_files = BTreeSet::new();
    for path in nul_fields(&git_ok(root, &["ls-files", "-z", "--deleted"])?) {
        if !submodules.contains(&path) {
            files.remove(&path);
            deleted_files.insert(path);
        }
    }

    let status = git_ok(root, &["status", "--porcelain=v1", "-z", "--untracked-files=no", "--ignore-submodules=all"])?;
    let mut dirty = false;
    let mut dirty_files = BTreeSet::new();
    let mut fields = status.split(|&b| b == 0).filter(|f| !f.is_empty());
    while let Some(f) = fields.next() {
        if f.len() < 4 {
            continue;
        }
        dirty = true;
        let (x, y) = (f[0], f[1]);
        let path = String::from_utf8_lossy(&f[3..]).into_owned();
        if matches!(x, b'R' | b'C') || matches!(y, b'R' | b'C') {
            // The source path of a rename follows in its own field; it is gone from the index.
            if let Some(orig) = fields.next() {
                let orig = String::from_utf8_lossy(orig).into_owned();
                if x == b'R' && !files.contains(&orig) {
                    deleted_files.insert(orig);
                }
            }
        }
        if files.contains(&path) {
            dirty_files.insert(path);
        } else if !submodules.contains(&path) {
            deleted_files.insert(path);
        }
    }

    let mut dirs = HashSet::new();
    for f in &files {
        let mut p = f.as_str();
        while let Some(i) = p.rfind('/') {
            p = &p[..i];
            if !dirs.insert(p.to_string()) {
                break;
            }
        }
    }

    Ok(GitWorkdir {
        root: root.to_path_buf(),
        files,
        dirty_files,
        deleted_files,
        submodules,
        dirty,
        head_rev,
        head_ref,
        shallow,
        dirs,
    })
}

impl GitWorkdir {
    /// Whether the entry at `rel` (relative to the root, `/`-separated, `""` for the root) is
    /// visible in the source tree: a tracked file, a directory on the way to one, or below one.
    pub fn is_allowed(&self, rel: &str) -> bool {
        if rel.is_empty() || self.files.contains(rel) || self.dirs.contains(rel) {
            return true;
        }
        let mut p = rel;
        while let Some(i) = p.rfind('/') {
            p = &p[..i];
            if self.files.contains(p) {
                return true;
            }
        }
        false
    }

    /// The error for reading `rel` (relative path) when it is not part of the tree: untracked
    /// (with the `git add -N` hint) or missing, as CppNix words it.
    pub fn access_error(&self, rel: &str) -> SourceError {
        if path_exists(&self.root.join(rel)) {
            SourceError::new(format!(
                "Path '{0}' in the repository {1} is not tracked by Git.\n\nTo make it visible to Nix, run:\n\ngit -C {1} add -N \"{0}\"",
                rel,
                fmt_path(&self.root)
            ))
        } else {
            SourceError::new(format!("Path '{}' does not exist in Git repository {}.", rel, fmt_path(&self.root)))
        }
    }

    /// The number of commits reachable from `rev` (`revCount`).
    pub fn rev_count(&self, rev: &str) -> Result<u64, SourceError> {
        if self.shallow {
            return Err(SourceError::new(format!(
                "'{}' is a shallow Git repository, so 'revCount' is not available",
                self.root.display()
            )));
        }
        let s = trimmed(git_ok(&self.root, &["rev-list", "--count", rev])?);
        s.parse().map_err(|_| SourceError::new(format!("unexpected output of 'git rev-list': '{}'", s)))
    }

    /// The commit time of `rev` (`lastModified`).
    pub fn commit_time(&self, rev: &str) -> Result<u64, SourceError> {
        let s = trimmed(git_ok(&self.root, &["show", "-s", "--format=%ct", rev])?);
        s.parse().map_err(|_| SourceError::new(format!("unexpected output of 'git show': '{}'", s)))
    }
}

// ---------------------------------------------------------------------------------------------
// Describing a local source
// ---------------------------------------------------------------------------------------------

/// Computes the NAR hash of a directory tree; implemented by the store.
pub trait NarHasher {
    /// The SHA-256 of the NAR serialisation of `root`, where only entries whose path relative
    /// to `root` (`/`-separated, no leading slash) passes `filter` are included; a directory
    /// that does not pass is left out with everything below it. The root is always included.
    fn nar_sha256(&self, root: &Path, filter: &dyn Fn(&str) -> bool) -> Result<[u8; 32], String>;
}

/// The [`NarHasher`] of the store: streams the NAR of the tree into SHA-256
/// (`crate::store::nar`).
pub struct StoreNarHasher;

impl NarHasher for StoreNarHasher {
    fn nar_sha256(&self, root: &Path, filter: &dyn Fn(&str) -> bool) -> Result<[u8; 32], String> {
        let prefix_len = root.as_os_str().len() + 1;
        let mut f = |p: &Path, _kind: crate::store::nar::FileKind| -> Result<bool, String> {
            let bytes = p.as_os_str().as_encoded_bytes();
            let rel = bytes.get(prefix_len..).unwrap_or_default();
            Ok(filter(&String::from_utf8_lossy(rel)))
        };
        crate::store::nar::nar_sha256(root, Some(&mut f)).map(|(h, _)| h).map_err(|e| e.message)
    }
}

/// The store path of a source tree with the given NAR hash: a fixed-output path made with the
/// `source` type, `/nix/store/<hash>-<name>` (the store directory is always `/nix/store`).
pub fn source_store_path(name: &str, nar_sha256: &[u8; 32]) -> Result<String, SourceError> {
    crate::store::path::source_path(name, nar_sha256).map_err(|e| SourceError::new(e.message))
}

/// Formats a Unix time as `%Y%m%d%H%M%S` in UTC (`lastModifiedDate`).
pub fn format_utc_timestamp(t: u64) -> String {
    let days = (t / 86400) as i64;
    let secs = t % 86400;
    // Civil date from days since 1970-01-01 (proleptic Gregorian).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!("{:04}{:02}{:02}{:02}{:02}{:02}", y, m, d, secs / 3600, secs / 60 % 60, secs % 60)
}

/// The newest modification time (seconds, from `lstat`) of `root` and everything below it.
pub fn newest_mtime(root: &Path) -> Result<u64, SourceError> {
    let mut newest = 0i64;
    let mut stack = vec![root.to_path_buf()];
    while let Some(p) = stack.pop() {
        let md =
            std::fs::symlink_metadata(&p).map_err(|e| sys_error(format!("getting status of {}", fmt_path(&p)), &e))?;
        newest = newest.max(md.mtime());
        if md.is_dir() {
            let rd = std::fs::read_dir(&p).map_err(|e| sys_error(format!("opening directory {}", fmt_path(&p)), &e))?;
            for entry in rd {
                let entry = entry.map_err(|e| sys_error(format!("reading directory {}", fmt_path(&p)), &e))?;
                stack.push(entry.path());
            }
        }
    }
    Ok(newest.max(0) as u64)
}

/// The kind of a local source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceKind {
    /// A `path:` tree.
    Path,
    /// A Git work tree.
    Git(Box<GitWorkdir>),
}

/// A local flake source as CppNix locks it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalSource {
    /// The top of the source tree (the path, or the Git work tree root).
    pub root: PathBuf,
    /// The flake's directory below `root` (`dir`).
    pub subdir: String,
    pub kind: SourceKind,
    /// The locked reference: the input plus `lastModified`, `narHash` and, for Git, `ref`,
    /// `rev`, `revCount` or `dirtyRev`/`dirtyShortRev`.
    pub locked: FlakeRef,
    /// `sha256-...` of the NAR serialisation of the tree.
    pub nar_hash: String,
    /// `/nix/store/<hash>-source` (the tree's store path).
    pub store_path: String,
    pub last_modified: u64,
    /// The commit of a clean Git tree (all zeros for a repository without commits).
    pub rev: Option<String>,
    /// The number of commits of a clean Git tree, or why it is not available (shallow clones).
    pub rev_count: Option<Result<u64, SourceError>>,
    /// `<rev>-dirty` for a dirty Git tree with a `HEAD` commit.
    pub dirty_rev: Option<String>,
    /// Warnings CppNix prints (`Git tree '/x' is dirty`).
    pub notes: Vec<String>,
}

impl LocalSource {
    /// The first 7 characters of `rev`.
    pub fn short_rev(&self) -> Option<&str> {
        self.rev.as_deref().map(|r| &r[..r.len().min(7)])
    }

    /// `<short rev>-dirty`.
    pub fn dirty_short_rev(&self) -> Option<String> {
        self.dirty_rev.as_ref().map(|r| format!("{}-dirty", &r[..7.min(r.len())]))
    }

    /// `lastModifiedDate`.
    pub fn last_modified_date(&self) -> String {
        format_utc_timestamp(self.last_modified)
    }

    /// The flake's directory on disk.
    pub fn flake_dir(&self) -> PathBuf {
        if self.subdir.is_empty() {
            self.root.clone()
        } else {
            self.root.join(&self.subdir)
        }
    }

    /// The flake's `outPath`: the store path plus the subdirectory.
    pub fn out_path(&self) -> String {
        if self.subdir.is_empty() {
            self.store_path.clone()
        } else {
            format!("{}/{}", self.store_path, self.subdir)
        }
    }

    /// The locked flake reference as a URL: what `nix flake show` prints first and
    /// `nix flake metadata` calls the locked URL.
    pub fn locked_url(&self) -> String {
        self.locked.to_string()
    }

    /// The `sourceInfo` attributes of the flake (see [`tree_attrs`]); `outPath` is the tree's
    /// store path, without the subdirectory.
    pub fn source_info_attrs(&self) -> Vec<(String, Attr)> {
        tree_attrs(&self.locked.input, &self.store_path)
    }
}

/// The attributes of a fetched tree (`emitTreeAttrs`, as `sourceInfo` of a flake or the result
/// of `fetchTree`), from its locked input and store path, sorted by name: `outPath`,
/// `narHash`, for Git `submodules`, `rev`/`shortRev`, `revCount`, `dirtyRev`/`dirtyShortRev`,
/// `lastModified`/`lastModifiedDate` — each when the input has it.
pub fn tree_attrs(input: &Input, out_path: &str) -> Vec<(String, Attr)> {
    let mut v: Vec<(String, Attr)> = vec![("outPath".into(), Attr::String(out_path.to_string()))];
    if let Ok(Some(h)) = input.get_nar_hash() {
        v.push(("narHash".into(), Attr::String(h.to_sri())));
    }
    if input.input_type() == "git" {
        let sub = matches!(input.attrs().get("submodules"), Some(Attr::Bool(true)));
        v.push(("submodules".into(), Attr::Bool(sub)));
    }
    if let Ok(Some(rev)) = input.get_rev() {
        let hex = rev.to_base16();
        v.push(("shortRev".into(), Attr::String(hex[..7.min(hex.len())].to_string())));
        v.push(("rev".into(), Attr::String(hex)));
    }
    if let Some(n) = input.get_rev_count() {
        v.push(("revCount".into(), Attr::Int(n)));
    }
    if let Some(Attr::String(d)) = input.attrs().get("dirtyRev") {
        v.push(("dirtyRev".into(), Attr::String(d.clone())));
        let short = input.attrs().get("dirtyShortRev").and_then(Attr::as_str).unwrap_or_default();
        v.push(("dirtyShortRev".into(), Attr::String(short.to_string())));
    }
    if let Some(t) = input.get_last_modified() {
        v.push(("lastModified".into(), Attr::Int(t)));
        v.push(("lastModifiedDate".into(), Attr::String(format_utc_timestamp(t))));
    }
    v.sort();
    v
}

/// The store path of a locked input (`Input::computeStorePath`): needs its `narHash`.
pub fn locked_store_path(input: &Input) -> Result<String, SourceError> {
    match input.get_nar_hash() {
        Ok(Some(h)) if h.sha256_bytes().is_some() => {
            let arr = h.sha256_bytes().unwrap_or_default();
            source_store_path(input.get_name(), &arr)
        }
        Ok(_) => Err(SourceError::new(format!(
            "cannot compute store path for unlocked input '{}'",
            input.to_url_string().unwrap_or_else(|_| super::flakeref::attrs_to_json_string(input.attrs()))
        ))),
        Err(e) => Err(SourceError::new(e.message())),
    }
}

/// Locks a local input without fetching: an absolute `path:` input or a `git+file:` work
/// tree (no `ref`/`rev`) is described with [`describe_local_source`] and its locked reference
/// returned; anything else gives `Ok(None)`. Meant for implementing
/// [`super::lock::InputSource::lock_input`].
pub fn lock_local_input(
    original: &FlakeRef,
    hasher: &dyn NarHasher,
) -> Result<Option<FlakeRef>, SourceError> {
    let input = &original.input;
    let local = match input.scheme() {
        Some(Scheme::Path) => input.is_relative().is_none(),
        Some(Scheme::Git) => {
            input.source_path().is_some() && input.get_ref().is_none() && !input.attrs().contains_key("rev")
        }
        _ => false,
    };
    if !local {
        return Ok(None);
    }
    Ok(Some(describe_local_source(original, hasher)?.locked))
}

/// Describes the local source of a `path:` or local `git+file:` flake reference (as produced
/// by parsing a command line reference with a base directory): reads the tree state, computes
/// its NAR hash with `hasher` and its store path in `/nix/store`, and
/// builds the locked reference.
pub fn describe_local_source(
    flake_ref: &FlakeRef,
    hasher: &dyn NarHasher,
) -> Result<LocalSource, SourceError> {
    let input = &flake_ref.input;
    let shown = || flake_ref.input.to_url_string().unwrap_or_else(|_| flake_ref.to_string());
    let mut locked = flake_ref.clone();
    let mut notes = Vec::new();
    let (root, kind, last_modified, rev, rev_count, dirty_rev);
    match input.scheme() {
        Some(Scheme::Path) => {
            if input.is_relative().is_some() {
                return Err(SourceError::new(format!(
                    "cannot fetch input '{}' because it uses a relative path",
                    shown()
                )));
            }
            let p = input.source_path().ok_or_else(|| SourceError::new("input attribute 'path' is missing"))?;
            root = super::flakeref::canon_path(&p, false).map_err(|e| SourceError::new(e.message()))?;
            let mtime = newest_mtime(&root)?;
            // A lastModified given by the user is trusted.
            last_modified = input.get_last_modified().unwrap_or(mtime);
            locked.input.set_attr("lastModified", Attr::Int(last_modified));
            kind = SourceKind::Path;
            rev = None;
            rev_count = None;
            dirty_rev = None;
        }
        Some(Scheme::Git) => {
            let Some(p) = input.source_path() else {
                return Err(SourceError::new(format!("input '{}' is not a local Git repository", shown())));
            };
            if input.get_ref().is_some() || input.attrs().contains_key("rev") {
                return Err(SourceError::new(format!(
                    "fetching a branch or revision of the local Git repository '{}' is not supported",
                    p.display()
                )));
            }
            for unsupported in ["submodules", "exportIgnore", "lfs"] {
                if matches!(input.attrs().get(unsupported), Some(Attr::Bool(true))) {
                    return Err(SourceError::new(format!(
                        "the Git input attribute '{}' is not supported for local repositories",
                        unsupported
                    )));
                }
            }
            if !git_available() {
                return Err(SourceError::new("cannot run 'git': it is not installed"));
            }
            let wd = git_workdir(&p)?;
            let shallow_attr = matches!(input.attrs().get("shallow"), Some(Attr::Bool(true)));
            let commit_time = match &wd.head_rev {
                Some(r) => wd.commit_time(r)?,
                None => 0,
            };
            if !wd.dirty {
                if let Some(r) = &wd.head_ref {
                    locked.input.set_attr("ref", Attr::String(r.clone()));
                }
                let r = wd.head_rev.clone().unwrap_or_else(|| "0".repeat(40));
                locked.input.set_attr("rev", Attr::String(r.clone()));
                rev_count = if shallow_attr {
                    None
                } else if wd.head_rev.is_none() {
                    Some(Ok(0))
                } else {
                    Some(wd.rev_count(&r))
                };
                if let Some(Ok(n)) = &rev_count {
                    locked.input.set_attr("revCount", Attr::Int(*n));
                }
                rev = Some(r);
                dirty_rev = None;
            } else {
                notes.push(format!("Git tree '{}' is dirty", p.display()));
                if let Some(r) = &wd.head_rev {
                    locked.input.set_attr("dirtyRev", Attr::String(format!("{}-dirty", r)));
                    locked.input.set_attr("dirtyShortRev", Attr::String(format!("{}-dirty", &r[..7.min(r.len())])));
                }
                dirty_rev = wd.head_rev.as_ref().map(|r| format!("{}-dirty", r));
                rev = None;
                rev_count = None;
            }
            last_modified = commit_time;
            locked.input.set_attr("lastModified", Attr::Int(last_modified));
            root = p;
            kind = SourceKind::Git(Box::new(wd));
        }
        _ => return Err(SourceError::new(format!("input '{}' is not a local source", shown()))),
    }

    let nar = match &kind {
        SourceKind::Path => hasher.nar_sha256(&root, &|_| true),
        SourceKind::Git(wd) => hasher.nar_sha256(&root, &|rel| wd.is_allowed(rel)),
    }
    .map_err(SourceError::new)?;
    let nar_hash = format!("sha256-{}", base64_encode(&nar));
    if let Ok(Some(expected)) = input.get_nar_hash() {
        if expected.as_bytes() != nar {
            return Err(SourceError::new(format!(
                "NAR hash mismatch in input '{}', expected '{}' but got '{}'",
                shown(),
                expected.to_sri(),
                nar_hash
            )));
        }
    }
    locked.input.set_attr("narHash", Attr::String(nar_hash.clone()));
    let store_path = source_store_path(input.get_name(), &nar)?;
    Ok(LocalSource {
        root,
        subdir: flake_ref.subdir.clone(),
        kind,
        locked,
        nar_hash,
        store_path,
        last_modified,
        rev,
        rev_count,
        dirty_rev,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::super::flakeref::{parse_flake_ref_with_fragment, ParseOptions};
    use super::*;
    use std::fs;

    struct TempDir(PathBuf);

    impl TempDir {
        fn new(tag: &str) -> TempDir {
            let p = std::env::temp_dir().join(format!("nixeval-source-{}-{}", tag, std::process::id()));
            let _ = fs::remove_dir_all(&p);
            fs::create_dir_all(&p).unwrap();
            TempDir(super::super::flakeref::canon_path(&p, true).unwrap())
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn set_mtime(p: &Path, t: u64) {
        let f = fs::File::options().write(true).open(p).or_else(|_| fs::File::open(p)).unwrap();
        f.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(t)).unwrap();
    }

    fn run_git(dir: &Path, args: &[&str], date: &str) {
        let out = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@e",
                "-c",
                "commit.gpgsign=false",
                "-c",
                "init.defaultBranch=main",
            ])
            .args(args)
            .env("GIT_AUTHOR_DATE", "2020-01-01T00:00:00Z")
            .env("GIT_COMMITTER_DATE", date)
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .output()
            .unwrap();
        assert!(out.status.success(), "git {:?}: {}", args, String::from_utf8_lossy(&out.stderr));
    }

    fn parse_here(dir: &Path, url: &str) -> FlakeRef {
        parse_flake_ref_with_fragment(url, &ParseOptions { base_dir: Some(dir), ..ParseOptions::default() })
            .unwrap()
            .flake_ref
    }

    #[test]
    fn dates() {
        assert_eq!(format_utc_timestamp(0), "19700101000000");
        assert_eq!(format_utc_timestamp(1704164645), "20240102030405");
        assert_eq!(format_utc_timestamp(951782400), "20000229000000");
        assert_eq!(format_utc_timestamp(4102444799), "20991231235959");
        assert_eq!(format_utc_timestamp(1709615167), "20240305050607");
    }

    #[test]
    fn store_paths() {
        // Checked with nix 2.8 (`nix flake metadata --json` of a path flake).
        let h = super::super::flakeref::hash::Hash::parse_sri("sha256-aW2W1EDP5jxhXanaeRn9P/g4ILDh+uos5mESPGVbD54=")
            .unwrap();
        let arr: [u8; 32] = h.sha256_bytes().unwrap();
        assert_eq!(
            source_store_path("source", &arr).unwrap(),
            "/nix/store/lmnha3r2imvw67zpl3q3xr8fzvc2m43r-source"
        );
    }

    #[test]
    fn path_flake_matches_nix_2_8() {
        // The same tree as one checked with nix 2.8: lastModified 1704164645,
        // narHash sha256-aW2W1EDP5jxhXanaeRn9P/g4ILDh+uos5mESPGVbD54=.
        let t = TempDir::new("path");
        let dir = t.0.join("p1");
        fs::create_dir(&dir).unwrap();
        fs::write(dir.join("flake.nix"), "{ description = \"test\"; outputs = { self }: { x = 1; }; }\n").unwrap();
        set_mtime(&dir.join("flake.nix"), 1704164645);
        set_mtime(&dir, 1672531200);
        let r = parse_here(&t.0, "./p1");
        assert_eq!(r.to_url_string().unwrap(), format!("path:{}", dir.display()));
        let src = describe_local_source(&r, &StoreNarHasher).unwrap();
        assert_eq!(src.last_modified, 1704164645);
        assert_eq!(src.last_modified_date(), "20240102030405");
        assert_eq!(src.nar_hash, "sha256-aW2W1EDP5jxhXanaeRn9P/g4ILDh+uos5mESPGVbD54=");
        assert_eq!(src.store_path, "/nix/store/lmnha3r2imvw67zpl3q3xr8fzvc2m43r-source");
        assert_eq!(locked_store_path(&src.locked.input).unwrap(), src.store_path);
        assert_eq!(lock_local_input(&r, &StoreNarHasher).unwrap(), Some(src.locked.clone()));
        assert_eq!(
            src.locked_url(),
            format!(
                "path:{}?lastModified=1704164645&narHash=sha256-aW2W1EDP5jxhXanaeRn9P/g4ILDh%2Buos5mESPGVbD54%3D",
                dir.display()
            )
        );
        let names: Vec<String> = src.source_info_attrs().into_iter().map(|(k, _)| k).collect();
        assert_eq!(names, ["lastModified", "lastModifiedDate", "narHash", "outPath"]);
        // The root directory and symlinks count for lastModified.
        set_mtime(&dir, 1767225600);
        assert_eq!(describe_local_source(&r, &StoreNarHasher).unwrap().last_modified, 1767225600);
        std::os::unix::fs::symlink("nowhere", dir.join("lnk")).unwrap();
        set_mtime(&dir, 1600000000);
        let newest = newest_mtime(&dir).unwrap();
        assert!(newest > 1704164645, "symlink creation time counts");
        // A user-supplied lastModified is kept; a wrong narHash is an error.
        let r2 = parse_here(&t.0, "path:./p1?lastModified=5");
        assert_eq!(describe_local_source(&r2, &StoreNarHasher).unwrap().last_modified, 5);
        let r3 = parse_here(&t.0, "path:./p1?narHash=sha256-aW2W1EDP5jxhXanaeRn9P/g4ILDh%2Buos5mESPGVbD54%3D");
        let e = describe_local_source(&r3, &StoreNarHasher).unwrap_err();
        assert!(e.message().starts_with("NAR hash mismatch in input"), "{}", e);
    }

    #[test]
    fn tree_attrs_of_locked_inputs() {
        let r = FlakeRef::from_attrs(vec![
            ("type".to_string(), Attr::from("github")),
            ("owner".to_string(), Attr::from("NixOS")),
            ("repo".to_string(), Attr::from("nixpkgs")),
            ("rev".to_string(), Attr::from("8F3E1F807051E32D8C95CD12B9B421623850A34D")),
            ("lastModified".to_string(), Attr::Int(1736012469)),
            ("narHash".to_string(), Attr::from("sha256-aW2W1EDP5jxhXanaeRn9P/g4ILDh+uos5mESPGVbD54=")),
        ])
        .unwrap();
        let out = locked_store_path(&r.input).unwrap();
        assert_eq!(out, "/nix/store/lmnha3r2imvw67zpl3q3xr8fzvc2m43r-source");
        let attrs = tree_attrs(&r.input, &out);
        let get = |k: &str| attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        assert_eq!(get("rev"), Some(Attr::from("8f3e1f807051e32d8c95cd12b9b421623850a34d")));
        assert_eq!(get("shortRev"), Some(Attr::from("8f3e1f8")));
        assert_eq!(get("lastModifiedDate"), Some(Attr::from("20250104174109")));
        assert_eq!(get("submodules"), None);
        assert_eq!(attrs.len(), 6);
        let unlocked = super::super::flakeref::parse_input_url("github:a/b", true).unwrap();
        assert_eq!(
            locked_store_path(&unlocked.input).unwrap_err().message(),
            "cannot compute store path for unlocked input 'github:a/b'"
        );
        // A named input keeps its name in the store path.
        let mut named = r.input.clone();
        named.set_attr("type", Attr::from("tarball"));
        named.set_attr("url", Attr::from("https://e.org/x.tar.gz"));
        named.set_attr("name", Attr::from("foo"));
        assert!(locked_store_path(&named).unwrap().ends_with("-foo"));
        // Only local inputs are locked without fetching.
        assert_eq!(lock_local_input(&unlocked, &StoreNarHasher).unwrap(), None);
        let rel = super::super::flakeref::parse_input_url("path:./x", true).unwrap();
        assert_eq!(lock_local_input(&rel, &StoreNarHasher).unwrap(), None);
    }

    #[test]
    fn search_up_and_git_root() {
        let t = TempDir::new("search");
        fs::create_dir_all(t.0.join("repo/sub/deeper")).unwrap();
        fs::create_dir_all(t.0.join("repo/.git")).unwrap();
        fs::write(t.0.join("repo/sub/flake.nix"), "{}").unwrap();
        let found = find_flake_dir(&t.0.join("repo/sub/deeper")).unwrap();
        assert_eq!(found.dir, t.0.join("repo/sub"));
        assert_eq!(
            found.notes,
            vec![format!("path \"{}/repo/sub/deeper\" does not contain a 'flake.nix', searching up", t.0.display())]
        );
        assert_eq!(find_flake_dir(&t.0.join("repo/sub")).unwrap().notes, Vec::<String>::new());
        assert_eq!(find_git_root(&t.0.join("repo/sub/deeper")), Some((t.0.join("repo"), "sub/deeper".to_string())));
        assert_eq!(find_git_root(&t.0.join("repo")), Some((t.0.join("repo"), String::new())));
        fs::create_dir_all(t.0.join("repo/other")).unwrap();
        let e = find_flake_dir(&t.0.join("repo/other")).unwrap_err();
        assert_eq!(
            e.message(),
            format!(
                "path \"{}/repo\" is not part of a flake (neither it nor its parent directories contain a 'flake.nix' file)",
                t.0.display()
            )
        );
        // Outside any repository the search ends at the root or a file system boundary.
        fs::create_dir_all(t.0.join("plain/a")).unwrap();
        let e = find_flake_dir(&t.0.join("plain/a")).unwrap_err();
        assert!(
            e.message() == "could not find a flake.nix file"
                || e.message().starts_with("unable to find a flake before encountering filesystem boundary at")
                || e.message().ends_with("contain a 'flake.nix' file)"),
            "{}",
            e
        );
    }

    #[test]
    fn git_flakes() {
        if !git_available() {
            eprintln!("note: git is not installed; skipping the Git source tests");
            return;
        }
        let t = TempDir::new("git");
        let repo = t.0.join("g1");
        fs::create_dir_all(repo.join("sub")).unwrap();
        run_git(&repo, &["init", "-q"], "2024-03-04T05:06:07Z");
        fs::write(repo.join("sub/flake.nix"), "{ outputs = { self }: { }; }\n").unwrap();
        fs::write(repo.join("README"), "x\n").unwrap();
        run_git(&repo, &["add", "."], "2024-03-04T05:06:07Z");
        run_git(&repo, &["commit", "-qm", "one"], "2024-03-04T05:06:07Z");
        fs::copy(repo.join("sub/flake.nix"), repo.join("flake.nix")).unwrap();
        run_git(&repo, &["add", "flake.nix"], "2024-03-05T05:06:07Z");
        run_git(&repo, &["commit", "-qm", "two"], "2024-03-05T05:06:07Z");
        fs::write(repo.join("untracked"), "u").unwrap();

        let r = parse_here(&repo, ".");
        assert_eq!(r.to_url_string().unwrap(), format!("git+file://{}", repo.display()));
        let src = describe_local_source(&r, &StoreNarHasher).unwrap();
        let SourceKind::Git(wd) = &src.kind else { panic!() };
        assert!(!wd.dirty);
        assert_eq!(wd.files.iter().cloned().collect::<Vec<_>>(), ["README", "flake.nix", "sub/flake.nix"]);
        assert!(wd.is_allowed("sub") && wd.is_allowed("sub/flake.nix") && !wd.is_allowed("untracked"));
        assert_eq!(
            wd.access_error("untracked").message(),
            format!(
                "Path 'untracked' in the repository \"{0}\" is not tracked by Git.\n\nTo make it visible to Nix, run:\n\ngit -C \"{0}\" add -N \"untracked\"",
                repo.display()
            )
        );
        assert_eq!(
            wd.access_error("nope").message(),
            format!("Path 'nope' does not exist in Git repository \"{}\".", repo.display())
        );
        let rev = src.rev.clone().unwrap();
        assert_eq!(rev.len(), 40);
        assert_eq!(src.short_rev(), Some(&rev[..7]));
        assert_eq!(src.rev_count, Some(Ok(2)));
        assert_eq!(src.last_modified, 1709615167);
        assert_eq!(src.last_modified_date(), "20240305050607");
        assert_eq!(src.locked_url(), format!("git+file://{}?ref=refs/heads/main&rev={}", repo.display(), rev));
        // The same tree (tracked files only) was hashed by nix 2.8 to this value.
        assert_eq!(src.nar_hash, "sha256-gfkO1CgFjy9AGr1b+HTmHLsjzUFnv1m9+2qjL1AHyTE=");
        assert_eq!(src.store_path, "/nix/store/fi6mk8qz7nck2af2ql3h23cyk3bhxb74-source");
        let names: Vec<String> = src.source_info_attrs().into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            names,
            ["lastModified", "lastModifiedDate", "narHash", "outPath", "rev", "revCount", "shortRev", "submodules"]
        );

        // A flake in a subdirectory, found by searching up from below it.
        fs::create_dir_all(repo.join("sub/deeper")).unwrap();
        let p = parse_flake_ref_with_fragment(
            ".",
            &ParseOptions { base_dir: Some(&repo.join("sub/deeper")), ..ParseOptions::default() },
        )
        .unwrap();
        assert_eq!(p.notes.len(), 1);
        assert_eq!(p.flake_ref.to_url_string().unwrap(), format!("git+file://{}?dir=sub", repo.display()));
        let sub = describe_local_source(&p.flake_ref, &StoreNarHasher).unwrap();
        assert_eq!(sub.nar_hash, src.nar_hash);
        assert_eq!(sub.out_path(), format!("{}/sub", src.store_path));
        assert_eq!(sub.locked_url(), format!("git+file://{}?dir=sub&ref=refs/heads/main&rev={}", repo.display(), rev));

        // A modified tracked file makes the tree dirty.
        fs::write(repo.join("README"), "x\nchange\n").unwrap();
        let dirty = describe_local_source(&r, &StoreNarHasher).unwrap();
        assert_eq!(dirty.rev, None);
        assert_eq!(dirty.rev_count, None);
        assert_eq!(dirty.dirty_rev, Some(format!("{}-dirty", rev)));
        assert_eq!(dirty.dirty_short_rev(), Some(format!("{}-dirty", &rev[..7])));
        assert_eq!(dirty.notes, vec![format!("Git tree '{}' is dirty", repo.display())]);
        assert_eq!(dirty.locked_url(), format!("git+file://{}", repo.display()));
        assert_eq!(dirty.last_modified, 1709615167);
        assert_eq!(
            dirty.locked.input.attrs().get("dirtyShortRev"),
            Some(&Attr::String(format!("{}-dirty", &rev[..7])))
        );
        // nix 2.8 gave this hash for the same dirty tree.
        assert_eq!(dirty.nar_hash, "sha256-DbTns/FH+HefWwa+9FOYpT+UODy+L9cem4FJ5MydarI=");
        let SourceKind::Git(wd) = &dirty.kind else { panic!() };
        assert!(wd.dirty_files.contains("README"));
        let names: Vec<String> = dirty.source_info_attrs().into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            names,
            ["dirtyRev", "dirtyShortRev", "lastModified", "lastModifiedDate", "narHash", "outPath", "submodules"]
        );
        run_git(&repo, &["checkout", "-q", "README"], "2024-03-05T05:06:07Z");

        // A file added with intent-to-add is part of the (dirty) tree; nix 2.8 agrees.
        fs::write(repo.join("newfile"), "untracked\n").unwrap();
        run_git(&repo, &["add", "-N", "newfile"], "2024-03-05T05:06:07Z");
        let added = describe_local_source(&r, &StoreNarHasher).unwrap();
        assert!(added.dirty_rev.is_some());
        assert_eq!(added.nar_hash, "sha256-OOOJ8UP2uvNipJMeG16YN3fgPB54PGk87BEA+cnC1ts=");
        run_git(&repo, &["rm", "-q", "--cached", "newfile"], "2024-03-05T05:06:07Z");
        fs::remove_file(repo.join("newfile")).unwrap();

        // A file removed from the index is gone from the tree; nix 2.8 agrees.
        run_git(&repo, &["rm", "-q", "--cached", "README"], "2024-03-05T05:06:07Z");
        let removed = describe_local_source(&r, &StoreNarHasher).unwrap();
        let SourceKind::Git(wd) = &removed.kind else { panic!() };
        assert!(wd.dirty && wd.deleted_files.contains("README") && !wd.files.contains("README"));
        assert_eq!(removed.nar_hash, "sha256-vrxy9UCj9yd1bwj2cgQB/684onULvRjrNp/0+0yaqWA=");
        run_git(&repo, &["reset", "-q"], "2024-03-05T05:06:07Z");

        // A tracked file deleted from the work tree.
        fs::remove_file(repo.join("README")).unwrap();
        let gone = describe_local_source(&r, &StoreNarHasher).unwrap();
        let SourceKind::Git(wd) = &gone.kind else { panic!() };
        assert!(wd.dirty && wd.deleted_files.contains("README") && !wd.is_allowed("README"));
        run_git(&repo, &["checkout", "-q", "README"], "2024-03-05T05:06:07Z");

        // Explicit revisions of local repositories need fetching, which is not supported.
        let e = describe_local_source(&parse_here(&repo, "git+file:.?ref=main"), &StoreNarHasher).unwrap_err();
        assert!(e.message().contains("is not supported"), "{}", e);
    }

    #[test]
    fn empty_git_repositories() {
        if !git_available() {
            eprintln!("note: git is not installed; skipping the Git source tests");
            return;
        }
        let t = TempDir::new("empty");
        run_git(&t.0, &["init", "-q"], "2024-01-01T00:00:00Z");
        fs::write(t.0.join("flake.nix"), "{}").unwrap();
        let r = parse_here(&t.0, ".");
        // Nothing tracked, nothing committed: clean, with the null revision.
        let src = describe_local_source(&r, &StoreNarHasher).unwrap();
        assert_eq!(src.rev.as_deref(), Some("0000000000000000000000000000000000000000"));
        assert_eq!(src.rev_count, Some(Ok(0)));
        assert_eq!(src.last_modified, 0);
        assert!(!src.locked.input.is_locked());
        // Staged but not committed: dirty without a dirtyRev.
        run_git(&t.0, &["add", "flake.nix"], "2024-01-01T00:00:00Z");
        let src = describe_local_source(&r, &StoreNarHasher).unwrap();
        assert_eq!((src.rev.clone(), src.dirty_rev.clone()), (None, None));
        let SourceKind::Git(wd) = &src.kind else { panic!() };
        assert!(wd.dirty && wd.files.contains("flake.nix"));
    }
}
