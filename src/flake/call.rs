//! Calling a flake: from a flake reference to the value `self` has, as CppNix's call-flake does.
//!
//! [`load_flake`] finds the flake ([`super::flakeref`], [`super::source`]), reads and checks its
//! `flake.nix` (allowed attributes, `description`, `inputs`, `outputs` with the reference's
//! messages), reads `flake.lock` and completes it in memory ([`super::lock::build_lock`]: missing
//! or stale entries are resolved as `nix` would lock them; `flake.lock` is never written), then
//! builds the root flake value through the public evaluator API. Every node of the lock graph
//! becomes a lazy thunk: an input is only located, hashed and imported when the outputs being
//! evaluated use it. A node's value is `outputs // sourceInfo // { outPath; inputs; outputs;
//! sourceInfo; _type = "flake"; }` with `self` bound to that same thunk, so `self.overlays.x`
//! inside `outputs` works; a `flake = false` input is `sourceInfo // { sourceInfo; outPath; }`.
//!
//! Sources of inputs, in order: `--override-input` ([`FlakeOptions::overrides`]), local
//! `path:`/`git+file:` inputs (absolute or relative to the parent flake), a locked input whose
//! store path (from its `narHash`) already exists in `/nix/store`, then [`StandIns`] (built-in
//! replacements for inputs that cannot be fetched offline), then, with
//! [`FlakeOptions::opaque_inputs`], an opaque value ([`crate::eval::opaque`]) that knows only
//! the lock information (`rev`, `narHash`, ..., `inputs`) and makes whatever depends on the rest
//! opaque too; else an error naming the input and how to provide it. Local sources are made visible at their store paths by [`FlakeIo`], which
//! maps `/nix/store/<hash>-source` onto the directory on disk (for Git sources, only tracked
//! files), so `outPath`, `./.` and error positions read exactly as with CppNix.
//!
//! Deliberately not done: fetching anything over the network, writing to `/nix/store`, `nixConfig`.

use super::flakeref::{
    canon_path, input_ref_from_spec, parse_flake_ref_with_fragment, Attr, FlakeRef, ParseOptions,
};
use super::lock::{
    build_lock, ChildFlake, Edge, FlakeLocation, InputDecl, InputSource, LockError, LockFile, NodeId,
};
use super::standins::EmbeddedTree;
use super::source::{
    describe_local_source, locked_store_path, tree_attrs, GitWorkdir, LocalSource, SourceKind,
    StoreNarHasher,
};
use crate::error::EvalError;
use crate::eval::expr::Param;
use crate::eval::io::{EvalIo, FileType, RealIo, StoreObject};
use crate::eval::symbol::Symbol;
use crate::eval::value::{AttrEntry, Attrs, Thunk};
use crate::eval::{EvalResult, Evaluator, Value};
use crate::syntax::source::Pos;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;

// ---------------------------------------------------------------------------------------------
// The file system view: store paths of local sources mapped onto their directories
// ---------------------------------------------------------------------------------------------

struct Mount {
    store_path: String,
    root: PathBuf,
    git: Option<Rc<GitWorkdir>>,
    /// A stand-in compiled into nixeval: read from memory instead of `root`.
    embedded: Option<&'static EmbeddedTree>,
}

/// The table of store paths that stand for local directories; shared between [`FlakeIo`] and
/// the flake loader, which adds an entry each time it locates a source.
#[derive(Clone, Default)]
pub struct Mounts(Rc<RefCell<Vec<Mount>>>, Rc<RefCell<rustc_hash::FxHashMap<String, StoreObject>>>);

impl Mounts {
    /// Makes `store_path` (and everything below it) read from `root`; with `git`, only the
    /// files Git tracks are visible.
    pub fn add(&self, store_path: &str, root: &Path, git: Option<Rc<GitWorkdir>>) {
        let mut m = self.0.borrow_mut();
        if !m.iter().any(|x| x.store_path == store_path) {
            m.push(Mount { store_path: store_path.to_string(), root: root.to_path_buf(), git, embedded: None });
        }
    }

    /// Makes `store_path` (and everything below it) read from the embedded `tree`.
    pub fn add_embedded(&self, store_path: &str, tree: &'static EmbeddedTree) {
        let mut m = self.0.borrow_mut();
        if !m.iter().any(|x| x.store_path == store_path) {
            m.push(Mount { store_path: store_path.to_string(), root: PathBuf::new(), git: None, embedded: Some(tree) });
        }
    }
}

enum Mapped {
    Real(String),
    /// A file whose contents nixeval holds (a `builtins.toFile` result).
    Memory(Rc<[u8]>),
    /// Inside a Git source but not tracked (or absent): the error to report on reading it.
    Hidden(String),
    /// Inside an embedded stand-in: the tree and the path relative to its top.
    Embedded(&'static EmbeddedTree, String),
}

/// An [`EvalIo`] over the host file system in which the store paths of located flake sources
/// read from their directories on disk; every other path reads exactly as with [`RealIo`].
pub struct FlakeIo {
    mounts: Mounts,
}

impl FlakeIo {
    pub fn new(mounts: Mounts) -> FlakeIo {
        FlakeIo { mounts }
    }

    fn map(&self, path: &str) -> Mapped {
        let Some(in_store) = path.strip_prefix("/nix/store/") else {
            return Mapped::Real(path.to_string());
        };
        if let Some(m) = self.map_object(in_store) {
            return m;
        }
        for m in self.mounts.0.borrow().iter() {
            let Some(rest) = path.strip_prefix(m.store_path.as_str()) else { continue };
            let rel = match rest.strip_prefix('/') {
                Some(r) => r.trim_end_matches('/'),
                None if rest.is_empty() => "",
                None => continue,
            };
            if let Some(t) = m.embedded {
                return Mapped::Embedded(t, rel.to_string());
            }
            if let Some(g) = &m.git {
                if !g.is_allowed(rel) {
                    return Mapped::Hidden(g.access_error(rel).message().to_string());
                }
            }
            let real = if rel.is_empty() { m.root.clone() } else { m.root.join(rel) };
            return Mapped::Real(real.to_string_lossy().into_owned());
        }
        Mapped::Real(path.to_string())
    }

    /// Store objects nixeval computed (copies of sources, `toFile` results): `in_store` is the
    /// path after `/nix/store/`.
    fn map_object(&self, in_store: &str) -> Option<Mapped> {
        let objects = self.mounts.1.borrow();
        if objects.is_empty() {
            return None;
        }
        let (base, rel) = match in_store.split_once('/') {
            Some((b, r)) => (b, r.trim_matches('/')),
            None => (in_store, ""),
        };
        let shown = || format!("/nix/store/{}", in_store);
        Some(match objects.get(base)? {
            StoreObject::Contents(c) if rel.is_empty() => Mapped::Memory(c.clone()),
            StoreObject::Contents(_) => Mapped::Hidden(missing(&shown())),
            StoreObject::Copy { only: Some(only), .. } if !rel.is_empty() && !only.contains(rel) => {
                Mapped::Hidden(missing(&shown()))
            }
            StoreObject::Copy { source, .. } if rel.is_empty() => Mapped::Real(source.clone()),
            StoreObject::Copy { source, .. } => Mapped::Real(format!("{}/{}", source.trim_end_matches('/'), rel)),
        })
    }

    /// The entries a filtered store object keeps, for the directory `path` inside it.
    fn object_filter(&self, path: &str) -> Option<(Rc<rustc_hash::FxHashSet<String>>, String)> {
        let in_store = path.strip_prefix("/nix/store/")?;
        let (base, rel) = match in_store.split_once('/') {
            Some((b, r)) => (b, r.trim_matches('/')),
            None => (in_store, ""),
        };
        match self.mounts.1.borrow().get(base)? {
            StoreObject::Copy { only: Some(only), .. } => Some((only.clone(), rel.to_string())),
            _ => None,
        }
    }

    fn mount_of(&self, path: &str) -> Option<Rc<GitWorkdir>> {
        self.mounts
            .0
            .borrow()
            .iter()
            .find(|m| path == m.store_path || path.starts_with(&format!("{}/", m.store_path)))
            .and_then(|m| m.git.clone())
    }
}

fn restore(err: String, real: &str, shown: &str) -> String {
    if real == shown {
        err
    } else {
        err.replace(real, shown)
    }
}

fn missing(path: &str) -> String {
    format!("path '{}' does not exist", path)
}

/// A path in a located source that is not there: the message also says where on disk it was
/// looked for, since the store path hides which directory the source is.
fn missing_on_disk(path: &str, real: &str) -> String {
    format!("path '{}' does not exist (it was looked for at '{}')", path, real)
}

impl EvalIo for FlakeIo {
    fn add_store_object(&self, store_path: &str, object: StoreObject) {
        let Some(base) = store_path.strip_prefix("/nix/store/") else { return };
        // A copy that comes out identical to a mounted source (a filter that keeps everything)
        // has the source's own store path: the mount already answers for it.
        if self.mounts.0.borrow().iter().any(|m| m.store_path.trim_end_matches('/') == store_path.trim_end_matches('/')) {
            return;
        }
        // A copy of something inside the store is a copy of what that store path reads from.
        let object = match object {
            StoreObject::Copy { source, only } if source.starts_with("/nix/store/") => match self.map(&source) {
                Mapped::Real(real) => StoreObject::Copy { source: real, only },
                // Sources in memory (embedded stand-ins, other objects) or unreadable: reads
                // of the copy are left to the mounts, as before.
                _ => return,
            },
            other => other,
        };
        self.mounts.1.borrow_mut().entry(base.to_string()).or_insert(object);
    }
    fn resolve_import(&self, path: &str) -> Result<String, String> {
        match self.map(path) {
            Mapped::Hidden(e) => Err(e),
            Mapped::Embedded(t, rel) => match t.file_type(&rel) {
                Some(FileType::Directory) => Ok(format!("{}/default.nix", path.trim_end_matches('/'))),
                Some(_) => Ok(path.to_string()),
                None => Err(missing(path)),
            },
            Mapped::Memory(_) => Ok(path.to_string()),
            Mapped::Real(real) if real == path => RealIo.resolve_import(path),
            Mapped::Real(real) => match std::fs::metadata(&real) {
                Ok(m) if m.is_dir() => Ok(format!("{}/default.nix", path.trim_end_matches('/'))),
                Ok(_) => Ok(path.to_string()),
                Err(_) => Err(missing_on_disk(path, &real)),
            },
        }
    }
    fn read_file(&self, path: &str) -> Result<Vec<u8>, String> {
        match self.map(path) {
            Mapped::Hidden(e) => Err(e),
            Mapped::Embedded(t, rel) => match t.file(&rel) {
                Some(c) => Ok(c.as_bytes().to_vec()),
                None if t.file_type(&rel).is_some() => Err(format!("cannot read '{}': it is a directory", path)),
                None => Err(missing(path)),
            },
            Mapped::Memory(c) => Ok(c.to_vec()),
            Mapped::Real(real) if real == path => RealIo.read_file(path),
            Mapped::Real(real) => RealIo.read_file(&real).map_err(|e| {
                if RealIo.file_type(&real).is_none() {
                    missing_on_disk(path, &real)
                } else {
                    restore(e, &real, path)
                }
            }),
        }
    }
    fn file_type(&self, path: &str) -> Option<FileType> {
        match self.map(path) {
            Mapped::Hidden(_) => None,
            Mapped::Embedded(t, rel) => t.file_type(&rel),
            Mapped::Memory(_) => Some(FileType::Regular),
            Mapped::Real(real) => RealIo.file_type(&real),
        }
    }
    fn read_dir(&self, path: &str) -> Result<Vec<(String, FileType)>, String> {
        match self.map(path) {
            Mapped::Hidden(e) => Err(e),
            Mapped::Embedded(t, rel) => t.read_dir(&rel).ok_or_else(|| missing(path)),
            Mapped::Memory(_) => Err(format!("cannot read directory '{}': it is a file", path)),
            Mapped::Real(real) => {
                let mut entries = RealIo.read_dir(&real).map_err(|e| restore(e, &real, path))?;
                if let Some((only, rel)) = self.object_filter(path) {
                    entries.retain(|(name, _)| {
                        only.contains(if rel.is_empty() { name.clone() } else { format!("{}/{}", rel, name) }.as_str())
                    });
                } else if self.mount_of(path).is_some() {
                    let base = path.trim_end_matches('/');
                    entries.retain(|(name, _)| matches!(self.map(&format!("{}/{}", base, name)), Mapped::Real(_)));
                }
                Ok(entries)
            }
        }
    }
    fn read_link(&self, path: &str) -> Result<String, String> {
        match self.map(path) {
            Mapped::Hidden(e) => Err(e),
            Mapped::Embedded(..) | Mapped::Memory(_) => Err(format!("'{}' is not a symlink", path)),
            Mapped::Real(real) => RealIo.read_link(&real).map_err(|e| restore(e, &real, path)),
        }
    }
    fn is_executable(&self, path: &str) -> bool {
        match self.map(path) {
            Mapped::Hidden(_) | Mapped::Embedded(..) | Mapped::Memory(_) => false,
            Mapped::Real(real) => RealIo.is_executable(&real),
        }
    }
    fn mtime(&self, path: &str) -> Option<i64> {
        match self.map(path) {
            Mapped::Hidden(_) | Mapped::Embedded(..) | Mapped::Memory(_) => None,
            Mapped::Real(real) => RealIo.mtime(&real),
        }
    }
    /// Programs run in host directories only: a mapped store path is not a real directory.
    fn run_program(&self, program: &str, dir: &str, args: &[&str]) -> Result<Vec<u8>, String> {
        RealIo.run_program(program, dir, args)
    }
    fn nar_sha256(&self, path: &str) -> Result<[u8; 32], String> {
        let real = match self.map(path) {
            Mapped::Hidden(e) => return Err(e),
            Mapped::Embedded(t, rel) => return t.nar_sha256(&rel).ok_or_else(|| missing(path)),
            Mapped::Memory(c) => {
                let mut h = crate::store::hash::Hasher::new(crate::store::hash::HashAlgo::Sha256);
                crate::store::nar::dump_bytes(&c, &mut h).map_err(|e| e.message)?;
                return Ok(h.finish().sha256_bytes().unwrap_or_default());
            }
            Mapped::Real(real) => real,
        };
        if let Some((only, rel)) = self.object_filter(path) {
            let root = real.trim_end_matches('/').to_string();
            let mut keep = |p: &Path, _: crate::store::nar::FileKind| -> Result<bool, String> {
                let s = p.to_string_lossy();
                let below = s.strip_prefix(root.as_str()).map(|r| r.trim_start_matches('/')).unwrap_or("");
                Ok(below.is_empty() || only.contains(if rel.is_empty() { below.to_string() } else { format!("{}/{}", rel, below) }.as_str()))
            };
            return crate::store::nar::nar_sha256(Path::new(&real), Some(&mut keep))
                .map(|(h, _)| h)
                .map_err(|e| restore(e.message, &real, path));
        }
        let Some(git) = self.mount_of(path) else {
            return RealIo.nar_sha256(&real);
        };
        let root = git.root.to_string_lossy().into_owned();
        let mut filter = |p: &Path, _: crate::store::nar::FileKind| -> Result<bool, String> {
            let s = p.to_string_lossy();
            let rel = s.strip_prefix(root.as_str()).map(|r| r.trim_start_matches('/')).unwrap_or("");
            Ok(git.is_allowed(rel))
        };
        crate::store::nar::nar_sha256(Path::new(&real), Some(&mut filter))
            .map(|(h, _)| h)
            .map_err(|e| restore(e.message, &real, path))
    }
}

// ---------------------------------------------------------------------------------------------
// Options, stand-ins, where inputs come from
// ---------------------------------------------------------------------------------------------

/// A replacement for an input that cannot be fetched offline: a flake that provides what the
/// real input would (for instance nixeval's built-in nixpkgs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StandIn {
    /// Where the stand-in flake is (its `flake.nix` is at the top).
    pub source: StandInSource,
    /// What to call it in `nixeval metadata` (`built-in nixpkgs`).
    pub label: String,
}

/// The file tree of a stand-in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StandInSource {
    /// A directory on disk.
    Dir(PathBuf),
    /// A tree compiled into nixeval ([`super::standins`]).
    Embedded(&'static EmbeddedTree),
}

/// The registry of stand-ins, asked for an input that has no other source. `path` is the
/// input's path from the root (`["nixpkgs"]`, `["utils", "systems"]`), `original` the
/// reference as written (`github:NixOS/nixpkgs/nixos-24.05`, or `flake:nixpkgs` for an
/// undeclared input) and `locked` the lock file's entry, if any.
pub trait StandIns {
    fn lookup(&self, path: &[String], original: &FlakeRef, locked: Option<&FlakeRef>) -> Option<StandIn>;
    /// A sentence added to the error of an input that has no source, when the registry has
    /// something to say about it (a stand-in exists but is switched off).
    fn unavailable_note(&self, _path: &[String], _original: &FlakeRef, _locked: Option<&FlakeRef>) -> Option<String> {
        None
    }
}

/// No stand-ins at all.
pub struct NoStandIns;

impl StandIns for NoStandIns {
    fn lookup(&self, _: &[String], _: &FlakeRef, _: Option<&FlakeRef>) -> Option<StandIn> {
        None
    }
}

/// How to load a flake.
pub struct FlakeOptions {
    /// `--override-input NAME FLAKEREF` pairs: an input path (`nixpkgs`, `a/b`) and a
    /// reference, parsed relative to `base_dir`.
    pub overrides: Vec<(String, String)>,
    /// The directory relative references are resolved against (the working directory).
    pub base_dir: PathBuf,
    pub stand_ins: Rc<dyn StandIns>,
    /// Inputs that cannot be located at all evaluate to opaque values instead of failing.
    pub opaque_inputs: bool,
}

impl FlakeOptions {
    pub fn new(base_dir: PathBuf) -> FlakeOptions {
        FlakeOptions { overrides: Vec::new(), base_dir, stand_ins: Rc::new(NoStandIns), opaque_inputs: false }
    }
}

/// How the error of an input that no source has begins.
const UNFETCHABLE: &str = "cannot fetch input '";

/// Whether a locating error says that no source has the input (rather than that a source
/// is broken).
pub fn is_unfetchable(msg: &str) -> bool {
    msg.starts_with(UNFETCHABLE)
}

/// Where the source of a located input came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The flake itself.
    Root,
    /// `--override-input`, with the reference given there.
    Override(String),
    /// A local directory (`path:` or a Git work tree).
    Local(PathBuf),
    /// A relative `path:` input inside its parent's source, at this directory.
    Relative(PathBuf),
    /// An existing store path.
    Store(String),
    /// A stand-in, by label, read from this directory.
    StandIn(String, PathBuf),
}

impl Origin {
    /// A short phrase for listings.
    pub fn describe(&self) -> String {
        match self {
            Origin::Root => "the flake itself".into(),
            Origin::Override(r) => format!("--override-input {}", r),
            Origin::Local(p) => format!("local {}", p.display()),
            Origin::Relative(p) => format!("relative path {}", p.display()),
            Origin::Store(s) => format!("store {}", s),
            Origin::StandIn(l, _) => format!("stand-in {}", l),
        }
    }
}

/// A located source: its `sourceInfo` attributes and where it came from.
#[derive(Clone, Debug)]
pub struct Located {
    pub locked: FlakeRef,
    /// `outPath` of the tree (store path), without the flake's subdirectory.
    pub store_path: String,
    /// The flake's `outPath` (store path plus subdirectory).
    pub out_path: String,
    /// The flake's directory on disk (where `flake.nix` is read from).
    pub dir: PathBuf,
    pub source_info: Vec<(String, Attr)>,
    pub origin: Origin,
}

// ---------------------------------------------------------------------------------------------
// The loaded flake
// ---------------------------------------------------------------------------------------------

/// What is known about one node of the lock graph.
pub struct NodeInfo {
    /// The input path it was first reached by (empty for the root).
    pub path: Vec<String>,
    /// The `original` reference of the lock entry (`None` for the root).
    pub original: Option<FlakeRef>,
    pub locked: Option<FlakeRef>,
    pub is_flake: bool,
    /// Filled in when the node is located.
    pub located: RefCell<Option<Result<Located, String>>>,
    result: RefCell<Option<Thunk>>,
}

struct Ctx {
    lock: LockFile,
    nodes: Vec<NodeInfo>,
    /// Inputs that could not be locked: (node, input name) -> reference.
    pending: HashMap<(usize, String), FlakeRef>,
    override_paths: BTreeMap<Vec<String>, String>,
    stand_ins: Rc<dyn StandIns>,
    mounts: Mounts,
    warnings: RefCell<Vec<String>>,
    /// One line per input that a stand-in or an opaque value replaces, in the order they
    /// were first used.
    stand_in_notes: RefCell<Vec<(Vec<String>, String)>>,
    opaque_inputs: bool,
    description: Option<String>,
}

/// A loaded flake: the root value and the lock graph behind it.
pub struct LoadedFlake {
    /// The flake's value (`self`): forcing it calls `outputs`.
    pub value: Thunk,
    /// The locked reference of the flake, as `nix flake show` prints it first.
    pub locked_url: String,
    /// The reference as given, after finding `flake.nix`.
    pub original_url: String,
    pub root: LocalSource,
    /// The attribute path after `#` in the reference.
    pub fragment: String,
    /// `description` from `flake.nix`.
    pub description: Option<String>,
    /// Notes printed while finding the flake (`searching up`, dirty Git tree).
    pub notes: Vec<String>,
    ctx: Rc<Ctx>,
}

/// One input in the resolved inputs tree ([`LoadedFlake::input_tree`]).
#[derive(Clone, Debug)]
pub struct InputEntry {
    pub name: String,
    pub path: Vec<String>,
    /// `follows` target, if this input follows another.
    pub follows: Option<Vec<String>>,
    pub original: Option<String>,
    /// The lock entry's locked reference, then (once located) the source's.
    pub locked: Option<String>,
    pub located: Option<Result<Located, String>>,
    /// Not available, and evaluated as an opaque value.
    pub opaque: bool,
    pub children: Vec<InputEntry>,
}

impl LoadedFlake {
    /// Warnings gathered so far (stale local inputs, lock file notes).
    pub fn warnings(&self) -> Vec<String> {
        self.ctx.warnings.borrow().clone()
    }

    /// `using nixeval's stand-in for input 'nixpkgs' (github:NixOS/nixpkgs/...)`, once per
    /// input that a stand-in replaced so far.
    pub fn stand_in_notes(&self) -> Vec<String> {
        self.ctx.stand_in_notes.borrow().iter().map(|(_, n)| n.clone()).collect()
    }

    /// The tree of inputs, locating each (without evaluating any flake) when `locate` is set.
    pub fn input_tree(&self, ev: &mut Evaluator, locate: bool) -> Vec<InputEntry> {
        let mut visiting = vec![0usize];
        input_children(&self.ctx, ev, 0, &[], locate, &mut visiting)
    }

    /// The lock graph as completed in memory, in `flake.lock` form.
    pub fn lock_json(&self) -> serde_json::Value {
        self.ctx.lock.to_json().0
    }
}

fn input_children(
    ctx: &Rc<Ctx>,
    ev: &mut Evaluator,
    node: usize,
    prefix: &[String],
    locate: bool,
    visiting: &mut Vec<usize>,
) -> Vec<InputEntry> {
    let mut out = Vec::new();
    let mut names: Vec<String> = ctx.lock.node(NodeId(node)).inputs.keys().cloned().collect();
    for ((n, name), _) in ctx.pending.iter() {
        if *n == node && !names.contains(name) {
            names.push(name.clone());
        }
    }
    names.sort();
    for name in names {
        let mut path = prefix.to_vec();
        path.push(name.clone());
        let edge = ctx.lock.node(NodeId(node)).inputs.get(&name).cloned();
        let mut entry = InputEntry {
            name: name.clone(),
            path: path.clone(),
            follows: None,
            original: None,
            locked: None,
            located: None,
            opaque: false,
            children: Vec::new(),
        };
        match edge {
            None => {
                if let Some(r) = ctx.pending.get(&(node, name.clone())) {
                    entry.original = Some(r.to_string());
                    if locate {
                        entry.located = Some(locate_pending(ctx, &path, r));
                    }
                }
            }
            Some(Edge::Follows(f)) => entry.follows = Some(f),
            Some(Edge::Node(id)) => {
                let info = &ctx.nodes[id.0];
                entry.original = info.original.as_ref().map(|r| r.to_string());
                entry.locked = info.locked.as_ref().map(|r| r.to_string());
                if locate {
                    let l = locate_node(ctx, id.0);
                    if let Ok(l) = &l {
                        entry.locked = Some(l.locked.to_string());
                    }
                    entry.located = Some(l);
                }
                if !visiting.contains(&id.0) {
                    visiting.push(id.0);
                    entry.children = input_children(ctx, ev, id.0, &path, locate, visiting);
                    visiting.pop();
                }
            }
        }
        entry.opaque = ctx.opaque_inputs && matches!(&entry.located, Some(Err(e)) if is_unfetchable(e));
        out.push(entry);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Reading flake.nix
// ---------------------------------------------------------------------------------------------

fn err(msg: impl Into<String>) -> EvalError {
    EvalError::eval(msg)
}

fn pos_text(ev: &Evaluator, pos: Pos) -> String {
    match ev.sources.location(pos) {
        Some(loc) => {
            let file = ev.sources.file(loc.file);
            let (line, col) = file.line_col(loc.start);
            format!("{}:{}:{}", file.name(), line, col)
        }
        None => "«unknown»".into(),
    }
}

fn get(attrs: &Attrs, name: &str) -> Option<AttrEntry> {
    attrs.get_entry(Symbol::new(name)).cloned()
}

/// The parts of a `flake.nix` that matter before calling it.
struct FlakeFile {
    description: Option<String>,
    inputs: BTreeMap<String, InputDecl>,
    outputs: Value,
}

/// Evaluates and checks `flake.nix` at `file` (a path as the evaluator sees it). `shown` is the
/// flake reference used in messages; `flake_dir` is where relative inputs are resolved.
fn read_flake_file(ev: &mut Evaluator, file: &str, shown: &str) -> EvalResult<FlakeFile> {
    if !ev.io.path_exists(file) {
        if let Err(e) = ev.io.read_file(file) {
            if e.contains("not tracked by Git") {
                return Err(err(e));
            }
        }
        let dir = file.strip_suffix("/flake.nix").unwrap_or(file);
        return Err(err(format!("source tree referenced by '{}' does not contain a '{}/flake.nix' file", shown, dir)));
    }
    let v = ev.eval_file(file)?;
    let Value::Attrs(top) = &v else {
        return Err(err(format!("expected a set but got {} at {}:1:1", v.type_name_long(), file)));
    };
    for e in top.iter() {
        let n = e.name.as_str();
        if !matches!(n, "description" | "inputs" | "outputs" | "nixConfig") {
            return Err(err(format!(
                "flake '{}' has an unsupported attribute '{}', at {}",
                shown,
                n,
                pos_text(ev, e.pos)
            ))
            .with_hint("a flake.nix may only have the attributes 'description', 'inputs', 'outputs' and 'nixConfig'".into()));
        }
    }
    let description = match get(top, "description") {
        Some(e) => {
            let d = ev.force(&e.value).map_err(|x| x.frame(e.pos, "while evaluating the attribute 'description'"))?;
            match &d {
                Value::String(s) if !s.has_context() => Some(s.to_str_lossy().into_owned()),
                other => {
                    return Err(err(format!(
                        "expected a string but got {} at {}",
                        other.type_name_long(),
                        pos_text(ev, e.pos)
                    )))
                }
            }
        }
        None => None,
    };
    let mut inputs = match get(top, "inputs") {
        Some(e) => parse_inputs(ev, &e, &[])?,
        None => BTreeMap::new(),
    };
    let Some(out) = get(top, "outputs") else {
        return Err(err(format!("flake '{}' lacks attribute 'outputs'", shown)));
    };
    let outputs = ev.force(&out.value).map_err(|x| x.frame(out.pos, "while evaluating the attribute 'outputs'"))?;
    if !outputs.is_function() {
        return Err(err(format!(
            "expected a function but got {} at {}",
            outputs.type_name_long(),
            pos_text(ev, out.pos)
        )));
    }
    // Formal arguments of `outputs` that are not declared inputs are looked up in the registry.
    if let Value::Lambda(c) = &outputs {
        if let Param::Formals { formals, .. } = &c.def.param {
            for f in formals.iter() {
                let n = f.name.as_str();
                if n != "self" && !inputs.contains_key(n) {
                    inputs.insert(n.to_string(), InputDecl::default());
                }
            }
        }
    }
    Ok(FlakeFile { description, inputs, outputs })
}

/// The inputs the `flake.nix` at `file` declares, as the lock computation sees them (formal
/// arguments of `outputs` that are not declared become registry inputs, as in CppNix).
/// `shown` is the flake reference used in messages.
pub fn declared_inputs(ev: &mut Evaluator, file: &str, shown: &str) -> EvalResult<BTreeMap<String, InputDecl>> {
    read_flake_file(ev, file, shown).map(|f| f.inputs)
}

trait TypeNameLong {
    fn type_name_long(&self) -> std::borrow::Cow<'static, str>;
}

impl TypeNameLong for Value {
    /// CppNix's `showType` ("a set"), with every kind of function shown as "a function".
    fn type_name_long(&self) -> std::borrow::Cow<'static, str> {
        match self {
            Value::Lambda(_) | Value::PrimOp(_) | Value::PrimOpApp(_) => "a function".into(),
            other => other.type_phrase(),
        }
    }
}

fn parse_inputs(ev: &mut Evaluator, entry: &AttrEntry, prefix: &[String]) -> EvalResult<BTreeMap<String, InputDecl>> {
    let v = ev.force(&entry.value)?;
    let Value::Attrs(a) = &v else {
        return Err(err(format!("expected a set but got {} at {}", v.type_name_long(), pos_text(ev, entry.pos))));
    };
    let mut out = BTreeMap::new();
    for e in a.sorted_by_name() {
        let name = e.name.as_str().to_string();
        let mut path = prefix.to_vec();
        path.push(name.clone());
        let decl = parse_input(ev, e, &path)
            .map_err(|x| x.frame(e.pos, format!("while parsing the flake input '{}'", path.join("/"))))?;
        out.insert(name, decl);
    }
    Ok(out)
}

fn parse_input(ev: &mut Evaluator, entry: &AttrEntry, path: &[String]) -> EvalResult<InputDecl> {
    let v = ev.force(&entry.value)?;
    let Value::Attrs(a) = &v else {
        return Err(err(format!("expected a set but got {} at {}", v.type_name_long(), pos_text(ev, entry.pos))));
    };
    let mut decl = InputDecl::default();
    let mut url: Option<String> = None;
    let mut attrs: Vec<(String, Attr)> = Vec::new();
    for e in a.sorted_by_name() {
        let n = e.name.as_str();
        let x = ev.force(&e.value)?;
        match (n, &x) {
            ("url", Value::String(s)) => url = Some(s.to_str_lossy().into_owned()),
            ("flake", Value::Bool(b)) => decl.flake = *b,
            ("follows", Value::String(s)) => {
                decl.follows = Some(s.to_str_lossy().split('/').filter(|p| !p.is_empty()).map(String::from).collect())
            }
            ("inputs", _) => decl.inputs = parse_inputs(ev, e, path)?,
            ("url" | "follows", other) => {
                return Err(err(format!("expected a string but got {} at {}", other.type_name_long(), pos_text(ev, e.pos))))
            }
            ("flake", other) => {
                return Err(err(format!("expected a Boolean but got {} at {}", other.type_name_long(), pos_text(ev, e.pos))))
            }
            (_, Value::String(s)) => attrs.push((n.to_string(), Attr::String(s.to_str_lossy().into_owned()))),
            (_, Value::Bool(b)) => attrs.push((n.to_string(), Attr::Bool(*b))),
            (_, Value::Int(i)) if *i >= 0 => attrs.push((n.to_string(), Attr::Int(*i as u64))),
            (_, other) => {
                return Err(err(format!(
                    "flake input attribute '{}' is {} while a string, Boolean, or integer is expected",
                    n,
                    other.type_phrase()
                ))
                .at(e.pos))
            }
        }
    }
    decl.url = input_ref_from_spec(url.as_deref(), attrs, decl.flake)
        .map_err(|e| err(format!("{}, at {}", e.message(), pos_text(ev, entry.pos))))?;
    Ok(decl)
}

fn read_lock_file(dir: &Path, git: Option<&GitWorkdir>, rel_dir: &str) -> EvalResult<Option<LockFile>> {
    let path = dir.join("flake.lock");
    if let Some(g) = git {
        let rel = if rel_dir.is_empty() { "flake.lock".to_string() } else { format!("{}/flake.lock", rel_dir) };
        if !g.is_allowed(&rel) {
            return Ok(None);
        }
    }
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(err(format!("reading '{}': {}", path.display(), e))),
    };
    let text = String::from_utf8(bytes)
        .map_err(|e| err(format!("lock file '{}' is not valid UTF-8 (invalid byte at offset {})", path.display(), e.utf8_error().valid_up_to())))?;
    LockFile::parse(&text, &path.to_string_lossy()).map(Some).map_err(|e| err(e.message().to_string()))
}

// ---------------------------------------------------------------------------------------------
// Locking local inputs while completing the lock in memory
// ---------------------------------------------------------------------------------------------

struct LocalInputs<'e> {
    ev: &'e mut Evaluator,
    /// Directories of the flakes read so far, by input path (`[]`: the root).
    dirs: HashMap<Vec<String>, PathBuf>,
}

impl InputSource for LocalInputs<'_> {
    fn lock_input(&mut self, _path: &[String], original: &FlakeRef) -> Result<Option<FlakeRef>, LockError> {
        // Local inputs are located (and hashed) only when used; the reference stands for itself.
        Ok(original.input.source_path().map(|_| original.clone()))
    }

    fn read_flake(&mut self, path: &[String], at: FlakeLocation<'_>) -> Result<Option<ChildFlake>, LockError> {
        let dir = match at {
            FlakeLocation::Locked(r) => match r.input.source_path() {
                Some(p) => {
                    if r.subdir.is_empty() {
                        p
                    } else {
                        p.join(&r.subdir)
                    }
                }
                None => return Ok(None),
            },
            FlakeLocation::Relative { parent, path: rel, subdir } => {
                let Some(base) = self.dirs.get(parent) else { return Ok(None) };
                let mut d = base.join(rel);
                if !subdir.is_empty() {
                    d = d.join(subdir);
                }
                d
            }
        };
        let dir = canon_path(&dir, false).unwrap_or(dir);
        let file = dir.join("flake.nix");
        if !file.exists() {
            return Ok(None);
        }
        let shown = format!("path:{}", dir.display());
        let f = read_flake_file(self.ev, &file.to_string_lossy(), &shown)
            .map_err(|e| LockError::new(format!("while reading the flake input '{}': {}", path.join("/"), e.message())))?;
        let lock = read_lock_file(&dir, None, "").map_err(|e| LockError::new(e.message().to_string()))?;
        self.dirs.insert(path.to_vec(), dir);
        Ok(Some(ChildFlake { inputs: f.inputs, lock_file: lock }))
    }
}

fn set_override(decls: &mut BTreeMap<String, InputDecl>, path: &[String], r: FlakeRef) {
    let Some((first, rest)) = path.split_first() else { return };
    let d = decls.entry(first.clone()).or_default();
    if rest.is_empty() {
        d.url = Some(r);
        d.follows = None;
    } else {
        set_override(&mut d.inputs, rest, r);
    }
}

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

/// Loads the flake named by `reference` (`.`, a path, `path:...`, `git+file:...`, with an
/// optional `#fragment`). The evaluator must use a [`FlakeIo`] over `mounts`.
pub fn load_flake(
    ev: &mut Evaluator,
    mounts: &Mounts,
    reference: &str,
    opts: &FlakeOptions,
) -> EvalResult<LoadedFlake> {
    let popts = ParseOptions { base_dir: Some(&opts.base_dir), ..ParseOptions::default() };
    // `dir/sub` would be the flake ID `dir` with ref `sub` (nixeval reads no registry): an
    // existing relative directory is taken as a path, as `./dir/sub`.
    let local;
    let reference = {
        let (path_part, _) = reference.split_once('#').unwrap_or((reference, ""));
        if !path_part.is_empty()
            && !path_part.starts_with(['.', '/', '~'])
            && !path_part.contains(':')
            && opts.base_dir.join(path_part).is_dir()
        {
            local = format!("./{}", reference);
            local.as_str()
        } else {
            reference
        }
    };
    let parsed = parse_flake_ref_with_fragment(reference, &popts).map_err(|e| err(e.message().to_string()))?;
    let mut notes = parsed.notes.clone();
    let flake_ref = parsed.flake_ref;
    if flake_ref.input.source_path().is_none() {
        return Err(err(format!(
            "cannot fetch flake '{}': nixeval works offline and reads local flakes only (a directory, 'path:' or 'git+file:')",
            flake_ref
        )));
    }
    let root = describe_local_source(&flake_ref, &StoreNarHasher).map_err(|e| err(e.message().to_string()))?;
    notes.extend(root.notes.iter().cloned());
    let git = match &root.kind {
        SourceKind::Git(g) => Some(Rc::new((**g).clone())),
        SourceKind::Path => None,
    };
    mounts.add(&root.store_path, &root.root, git.clone());
    let shown = flake_ref.to_string();
    let file = format!("{}/flake.nix", root.out_path());
    let ff = read_flake_file(ev, &file, &shown)?;
    let old_lock = read_lock_file(&root.flake_dir(), git.as_deref(), &root.subdir)?;

    let mut decls = ff.inputs.clone();
    let mut override_paths = BTreeMap::new();
    for (name, r) in &opts.overrides {
        let path: Vec<String> = name.split('/').filter(|p| !p.is_empty()).map(String::from).collect();
        if path.is_empty() {
            return Err(err(format!("invalid input path '{}' for --override-input", name)));
        }
        let fr = super::flakeref::parse_flake_ref(r, &ParseOptions { base_dir: Some(&opts.base_dir), ..ParseOptions::default() })
            .map_err(|e| err(format!("in --override-input {}: {}", name, e.message())))?;
        set_override(&mut decls, &path, fr);
        override_paths.insert(path, r.clone());
    }

    let mut source = LocalInputs { ev, dirs: HashMap::new() };
    source.dirs.insert(Vec::new(), root.flake_dir());
    let outcome = build_lock(&decls, old_lock.as_ref(), &mut source)
        .map_err(|e| err(format!("{}", e.message())).with_hint("the lock is computed in memory; flake.lock is not changed".into()))?;
    let mut warnings = outcome.warnings.clone();
    if old_lock.is_some() {
        for issue in &outcome.issues {
            warnings.push(format!("{} (resolved in memory; flake.lock is left as it is)", issue));
        }
    }
    let lock = outcome.lock;

    // Node information, each node named by the first input path that reaches it.
    let mut nodes: Vec<NodeInfo> = Vec::with_capacity(lock.len());
    for (id, node) in lock.nodes() {
        let _ = id;
        nodes.push(NodeInfo {
            path: Vec::new(),
            original: node.locked.as_ref().map(|l| l.original.clone()),
            locked: node.locked.as_ref().map(|l| l.locked.clone()),
            is_flake: node.locked.as_ref().map_or(true, |l| l.is_flake),
            located: RefCell::new(None),
            result: RefCell::new(None),
        });
    }
    let mut named = vec![false; nodes.len()];
    named[0] = true;
    let mut queue = vec![0usize];
    while let Some(n) = queue.first().copied() {
        queue.remove(0);
        let base = nodes[n].path.clone();
        for (name, e) in &lock.node(NodeId(n)).inputs {
            if let Edge::Node(c) = e {
                if !named[c.0] {
                    named[c.0] = true;
                    let mut p = base.clone();
                    p.push(name.clone());
                    nodes[c.0].path = p;
                    queue.push(c.0);
                }
            }
        }
    }
    let mut pending = HashMap::new();
    for (path, r) in outcome.unfetched {
        let Some((last, parent)) = path.split_last() else { continue };
        let parent_node = if parent.is_empty() { Some(LockFile::ROOT) } else { lock.find_input(parent).ok().flatten() };
        if let Some(pn) = parent_node {
            if !lock.node(pn).inputs.contains_key(last) {
                pending.insert((pn.0, last.clone()), r);
            }
        }
    }
    *nodes[0].located.borrow_mut() = Some(Ok(Located {
        locked: root.locked.clone(),
        store_path: root.store_path.clone(),
        out_path: root.out_path(),
        dir: root.flake_dir(),
        source_info: root.source_info_attrs(),
        origin: Origin::Root,
    }));

    let ctx = Rc::new(Ctx {
        lock,
        nodes,
        pending,
        override_paths,
        stand_ins: opts.stand_ins.clone(),
        mounts: mounts.clone(),
        warnings: RefCell::new(warnings),
        stand_in_notes: RefCell::new(Vec::new()),
        opaque_inputs: opts.opaque_inputs,
        description: ff.description.clone(),
    });
    let value = node_result(&ctx, 0);
    Ok(LoadedFlake {
        value,
        locked_url: root.locked_url(),
        original_url: shown,
        fragment: parsed.fragment,
        description: ctx.description.clone(),
        notes,
        root,
        ctx,
    })
}

// ---------------------------------------------------------------------------------------------
// Locating inputs
// ---------------------------------------------------------------------------------------------

fn strip_lock_attrs(r: &FlakeRef) -> FlakeRef {
    let mut r = r.clone();
    for a in ["narHash", "lastModified", "rev", "revCount", "ref", "dirtyRev", "dirtyShortRev"] {
        r.input.remove_attr(a);
    }
    r
}

fn locate_local(ctx: &Ctx, path: &[String], r: &FlakeRef, origin: Origin) -> Result<Located, String> {
    let fresh = strip_lock_attrs(r);
    let src = describe_local_source(&fresh, &StoreNarHasher).map_err(|e| e.message().to_string())?;
    if let Ok(Some(h)) = r.input.get_nar_hash() {
        if h.to_sri() != src.nar_hash {
            ctx.warnings.borrow_mut().push(format!(
                "input '{}' has changed since it was locked (flake.lock has {}, the directory now has {}); using the directory as it is",
                path.join("/"),
                h.to_sri(),
                src.nar_hash
            ));
        }
    }
    let git = match &src.kind {
        SourceKind::Git(g) => Some(Rc::new((**g).clone())),
        SourceKind::Path => None,
    };
    ctx.mounts.add(&src.store_path, &src.root, git);
    let origin = match origin {
        Origin::Local(_) => Origin::Local(src.flake_dir()),
        o => o,
    };
    Ok(Located {
        source_info: src.source_info_attrs(),
        out_path: src.out_path(),
        dir: src.flake_dir(),
        store_path: src.store_path,
        locked: src.locked,
        origin,
    })
}

fn how_to_provide(path: &[String]) -> String {
    let p = path.join("/");
    format!(
        "nixeval reads inputs offline: provide it with '--override-input {} PATH' (a local checkout), or add it to /nix/store",
        p
    )
}

fn locate_remote(ctx: &Ctx, path: &[String], original: &FlakeRef, locked: Option<&FlakeRef>) -> Result<Located, String> {
    if let Some(l) = locked {
        if let Ok(sp) = locked_store_path(&l.input) {
            if Path::new(&sp).exists() {
                let out = if l.subdir.is_empty() { sp.clone() } else { format!("{}/{}", sp, l.subdir) };
                return Ok(Located {
                    source_info: tree_attrs(&l.input, &sp),
                    dir: PathBuf::from(&out),
                    out_path: out,
                    store_path: sp.clone(),
                    locked: l.clone(),
                    origin: Origin::Store(sp),
                });
            }
        }
    }
    if let Some(s) = ctx.stand_ins.lookup(path, original, locked) {
        // The stand-in appears at the store path the real input would have, or else at the
        // store path of its own tree.
        let real_sp = match locked.map(|l| locked_store_path(&l.input)) {
            Some(Ok(sp)) => Some(sp),
            _ => None,
        };
        let (sp, dir) = match &s.source {
            StandInSource::Dir(d) => {
                let dir = canon_path(d, false).unwrap_or(d.clone());
                let sp = match real_sp {
                    Some(sp) => sp,
                    None => {
                        let h = crate::store::nar::nar_sha256(&dir, None).map_err(|e| e.message)?.0;
                        super::source::source_store_path("source", &h).map_err(|e| e.message().to_string())?
                    }
                };
                ctx.mounts.add(&sp, &dir, None);
                (sp, dir)
            }
            StandInSource::Embedded(t) => {
                let sp = real_sp.unwrap_or_else(|| t.store_path());
                ctx.mounts.add_embedded(&sp, t);
                (sp.clone(), PathBuf::from(format!("<nixeval stand-in {}>", t.name)))
            }
        };
        {
            let mut notes = ctx.stand_in_notes.borrow_mut();
            if !notes.iter().any(|(p, _)| p == path) {
                notes.push((
                    path.to_vec(),
                    format!("using nixeval's stand-in for input '{}' ({})", path.join("/"), original),
                ));
            }
        }
        let locked = locked.cloned().unwrap_or_else(|| original.clone());
        return Ok(Located {
            source_info: tree_attrs(&locked.input, &sp),
            dir: dir.clone(),
            out_path: sp.clone(),
            store_path: sp,
            locked,
            origin: Origin::StandIn(s.label.clone(), dir),
        });
    }
    let what = match locked {
        Some(l) => l.to_string(),
        None => original.to_string(),
    };
    let mut msg = format!("{}{}' ({}): {}", UNFETCHABLE, path.join("/"), what, how_to_provide(path));
    if let Some(n) = ctx.stand_ins.unavailable_note(path, original, locked) {
        msg.push_str("; ");
        msg.push_str(&n);
    }
    Err(msg)
}

fn locate_pending(ctx: &Ctx, path: &[String], r: &FlakeRef) -> Result<Located, String> {
    locate_remote(ctx, path, r, None)
}

fn locate_node(ctx: &Rc<Ctx>, n: usize) -> Result<Located, String> {
    if let Some(l) = ctx.nodes[n].located.borrow().clone() {
        return l;
    }
    let info = &ctx.nodes[n];
    let path = info.path.clone();
    let (Some(original), Some(locked)) = (info.original.clone(), info.locked.clone()) else {
        return Err("internal error: node without lock information".into());
    };
    let result = if let Some(rel) = locked.input.is_relative().map(str::to_string) {
        // A relative path input lives inside its parent's source.
        let parent_path = ctx.lock.node(NodeId(n)).locked.as_ref().and_then(|l| l.parent.clone()).unwrap_or_default();
        let parent = if parent_path.is_empty() {
            Ok(Some(LockFile::ROOT))
        } else {
            ctx.lock.find_input(&parent_path).map_err(|e| e.message().to_string())
        };
        match parent {
            Ok(Some(p)) => locate_node(ctx, p.0).and_then(|pl| {
                let mut out = if rel.is_empty() || rel == "." { pl.out_path.clone() } else { format!("{}/{}", pl.out_path, rel) };
                let mut dir = pl.dir.join(&rel);
                if !locked.subdir.is_empty() {
                    out = format!("{}/{}", out, locked.subdir);
                    dir = dir.join(&locked.subdir);
                }
                let out = crate::eval::lower::canon_path(&out);
                let dir = canon_path(&dir, false).unwrap_or(dir);
                let inside = out == pl.store_path || out.starts_with(&format!("{}/", pl.store_path));
                let parent_local = matches!(pl.origin, Origin::Root | Origin::Local(_) | Origin::Override(_) | Origin::Relative(_));
                if !inside && parent_local && dir.is_dir() {
                    // Outside the parent's source but next to it on disk (`path:../sibling`):
                    // read it as a local flake of its own, as CppNix 2.8 did.
                    let mut abs = locked.clone();
                    abs.input.set_attr("path", Attr::String(dir.to_string_lossy().into_owned()));
                    abs.subdir = String::new();
                    return locate_local(ctx, &path, &abs, Origin::Relative(dir.clone()));
                }
                if !inside {
                    return Err(format!(
                        "relative path input '{}' ('{}') points outside the source tree of its parent",
                        path.join("/"),
                        rel
                    ));
                }
                Ok(Located {
                    locked: locked.clone(),
                    store_path: pl.store_path.clone(),
                    out_path: out,
                    dir: dir.clone(),
                    source_info: pl.source_info.clone(),
                    origin: Origin::Relative(dir),
                })
            }),
            Ok(None) => Err(format!("cannot find the parent of relative input '{}'", path.join("/"))),
            Err(e) => Err(e),
        }
    } else if let Some(o) = ctx.override_paths.get(&path) {
        if locked.input.source_path().is_some() {
            locate_local(ctx, &path, &locked, Origin::Override(o.clone()))
        } else {
            locate_remote(ctx, &path, &original, Some(&locked)).map(|mut l| {
                l.origin = Origin::Override(o.clone());
                l
            })
        }
    } else if let Some(sp) = locked.input.source_path() {
        locate_local(ctx, &path, &locked, Origin::Local(PathBuf::new())).or_else(|e| {
            // A lock made by resolving a registry name (`nixpkgs`) may point at a store path
            // this machine lacks: the input is then looked for like a remote one.
            if sp.starts_with("/nix/store/") {
                locate_remote(ctx, &path, &original, Some(&locked)).map_err(|_| e)
            } else {
                Err(e)
            }
        })
    } else {
        locate_remote(ctx, &path, &original, Some(&locked))
    };
    *ctx.nodes[n].located.borrow_mut() = Some(result.clone());
    result
}

// ---------------------------------------------------------------------------------------------
// Building values
// ---------------------------------------------------------------------------------------------

fn attr_value(a: &Attr) -> Value {
    match a {
        Attr::String(s) => Value::str(s),
        Attr::Int(i) => Value::Int(*i as i64),
        Attr::Bool(b) => Value::Bool(*b),
    }
}

fn entry(name: &str, value: Thunk) -> AttrEntry {
    AttrEntry { name: Symbol::new(name), pos: Pos::NONE, value }
}

/// The `sourceInfo` set of a located source, with `outPath` = the tree's store path.
fn source_info_value(l: &Located) -> Attrs {
    let mut entries = Vec::with_capacity(l.source_info.len());
    for (k, v) in &l.source_info {
        let value = if k == "outPath" {
            Value::String(crate::eval::NixString::with_context(
                v.as_str().unwrap_or_default().as_bytes().into(),
                crate::eval::value::Context::single(&l.store_path),
            ))
        } else {
            attr_value(v)
        };
        entries.push(entry(k, Thunk::Ready(value)));
    }
    Attrs::from_unsorted(entries)
}

fn store_string(s: &str, store_path: &str) -> Value {
    Value::String(crate::eval::NixString::with_context(
        s.as_bytes().into(),
        crate::eval::value::Context::single(store_path),
    ))
}

/// The (shared, lazy) value of node `n`.
fn node_result(ctx: &Rc<Ctx>, n: usize) -> Thunk {
    if let Some(t) = ctx.nodes[n].result.borrow().as_ref() {
        return t.clone();
    }
    let cell = Thunk::new_cell(crate::eval::value::ThunkState::Blackhole);
    let me = Thunk::Lazy(cell.clone());
    *ctx.nodes[n].result.borrow_mut() = Some(me.clone());
    let ctx2 = ctx.clone();
    let self_thunk = me.clone();
    *cell.state.borrow_mut() = crate::eval::value::ThunkState::Native(Rc::new(move |ev: &mut Evaluator| {
        build_node(ev, &ctx2, n, self_thunk.clone())
    }));
    me
}

fn input_name_of(ctx: &Ctx, n: usize) -> String {
    let p = &ctx.nodes[n].path;
    if p.is_empty() {
        "self".into()
    } else {
        p.join("/")
    }
}

fn build_node(ev: &mut Evaluator, ctx: &Rc<Ctx>, n: usize, self_thunk: Thunk) -> EvalResult {
    let located = match locate_node(ctx, n) {
        Ok(l) => l,
        Err(msg) if n != 0 && ctx.opaque_inputs && is_unfetchable(&msg) => return Ok(opaque_node(ctx, n)),
        Err(msg) => return Err(err(msg)),
    };
    let source_info = source_info_value(&located);
    let out_path = Thunk::Ready(store_string(&located.out_path, &located.store_path));
    let si_value = Thunk::Ready(Value::Attrs(source_info.clone()));
    if !ctx.nodes[n].is_flake {
        let extra = Attrs::from_unsorted(vec![entry("sourceInfo", si_value), entry("outPath", out_path)]);
        return Ok(Value::attrs(source_info.update(&extra)));
    }
    let inputs = node_inputs(ctx, n);
    let file = format!("{}/flake.nix", located.out_path);
    let shown = located.locked.to_string();
    let outputs_fn = if n == 0 || ev.io.path_exists(&file) {
        read_flake_file(ev, &file, &shown)?.outputs
    } else {
        return Err(err(format!(
            "input '{}' has no flake.nix at {} (declare it with 'flake = false' if it is not a flake)",
            input_name_of(ctx, n),
            located.out_path
        )));
    };
    let mut arg = inputs.clone();
    arg.insert(entry("self", self_thunk));
    let outputs = ev
        .call_value(outputs_fn, Thunk::Ready(Value::attrs(arg)), Pos::NONE)
        .map_err(|e| e.frame(Pos::NONE, format!("while calling the 'outputs' function of flake '{}'", shown)))?;
    let extra = Attrs::from_unsorted(vec![
        entry("outPath", out_path),
        entry("inputs", Thunk::Ready(Value::Attrs(inputs))),
        entry("outputs", Thunk::Ready(outputs.clone())),
        entry("sourceInfo", si_value),
        entry("_type", Thunk::Ready(Value::str("flake"))),
    ]);
    if let Value::Opaque(_) = &outputs {
        // `outputs` is computed by an unavailable input (`inputs.x.lib.mkFlake { ... }`).
        return crate::eval::opaque::update(&outputs, &Value::attrs(source_info.update(&extra)));
    }
    let Value::Attrs(out_attrs) = &outputs else {
        return Err(err(format!(
            "expected the 'outputs' function of flake '{}' to return a set but it returned {}",
            shown,
            outputs.type_phrase()
        )));
    };
    Ok(Value::attrs(out_attrs.update(&source_info).update(&extra)))
}

/// Records (once) that the input at `path` (`reference`) is opaque.
fn note_opaque(ctx: &Ctx, path: &[String], reference: &str) {
    let mut notes = ctx.stand_in_notes.borrow_mut();
    if !notes.iter().any(|(p, _)| p == path) {
        notes.push((
            path.to_vec(),
            format!(
                "input '{}' ({}) is not available offline and has no stand-in; what depends on it is opaque (provide it with '--override-input {} PATH')",
                path.join("/"),
                reference,
                path.join("/")
            ),
        ));
    }
}

/// The opaque value of the unavailable node `n`: its lock information (`rev`, `narHash`,
/// `lastModified`, ...), `inputs` for a flake and `_type`; everything else is unknown.
fn opaque_node(ctx: &Rc<Ctx>, n: usize) -> Value {
    let info = &ctx.nodes[n];
    let mut known = Vec::new();
    if let Some(l) = &info.locked {
        for (k, v) in tree_attrs(&l.input, "") {
            if k != "outPath" {
                known.push(entry(&k, Thunk::Ready(attr_value(&v))));
            }
        }
        let shown = info.original.as_ref().unwrap_or(l).to_string();
        note_opaque(ctx, &info.path, &shown);
    }
    if info.is_flake {
        known.push(entry("inputs", Thunk::Ready(Value::Attrs(node_inputs(ctx, n)))));
        known.push(entry("_type", Thunk::Ready(Value::str("flake"))));
    }
    crate::eval::opaque::input_value(&info.path.join("/"), Some(Attrs::from_unsorted(known)))
}

/// The `inputs` set of node `n`:
/// `mapAttrs (_: spec: allNodes.${resolveInput spec}.result) node.inputs`, plus the inputs that
/// could not be locked.
fn node_inputs(ctx: &Rc<Ctx>, n: usize) -> Attrs {
    let mut input_entries = Vec::new();
    for (name, edge) in &ctx.lock.node(NodeId(n)).inputs {
        let t = match ctx.lock.resolve_edge(edge) {
            Ok(Some(id)) => node_result(ctx, id.0),
            Ok(None) => {
                let msg = match edge {
                    Edge::Follows(f) => format!(
                        "input '{}' follows a non-existent input '{}'",
                        if ctx.nodes[n].path.is_empty() { name.clone() } else { format!("{}/{}", ctx.nodes[n].path.join("/"), name) },
                        f.join("/")
                    ),
                    Edge::Node(_) => format!("input '{}' is missing from the lock graph", name),
                };
                Thunk::new_native(move |_| Err(err(msg.clone())))
            }
            Err(e) => {
                let msg = e.message().to_string();
                Thunk::new_native(move |_| Err(err(msg.clone())))
            }
        };
        input_entries.push(entry(name, t));
    }
    for ((pn, name), r) in &ctx.pending {
        if *pn != n {
            continue;
        }
        let mut path = ctx.nodes[n].path.clone();
        path.push(name.clone());
        let ctx3 = ctx.clone();
        let r = r.clone();
        let t = Thunk::new_native(move |ev| pending_result(ev, &ctx3, &path, &r));
        input_entries.push(entry(name, t));
    }
    Attrs::from_unsorted(input_entries)
}

/// The value of an input that is not in the lock (could not be locked offline): located
/// through the stand-ins when forced, evaluated as a flake without inputs of its own.
fn pending_result(ev: &mut Evaluator, ctx: &Rc<Ctx>, path: &[String], r: &FlakeRef) -> EvalResult {
    let l = match locate_pending(ctx, path, r) {
        Ok(l) => l,
        Err(msg) if ctx.opaque_inputs && is_unfetchable(&msg) => {
            note_opaque(ctx, path, &r.to_string());
            let known = Attrs::from_unsorted(vec![entry("_type", Thunk::Ready(Value::str("flake")))]);
            return Ok(crate::eval::opaque::input_value(&path.join("/"), Some(known)));
        }
        Err(msg) => return Err(err(msg)),
    };
    let source_info = source_info_value(&l);
    let out_path = Thunk::Ready(store_string(&l.out_path, &l.store_path));
    let file = format!("{}/flake.nix", l.out_path);
    let shown = l.locked.to_string();
    let ff = read_flake_file(ev, &file, &shown)?;
    let cell = Thunk::new_cell(crate::eval::value::ThunkState::Blackhole);
    let me = Thunk::Lazy(cell.clone());
    let mut arg = Attrs::default();
    arg.insert(entry("self", me.clone()));
    let outputs = ev.call_value(ff.outputs, Thunk::Ready(Value::attrs(arg)), Pos::NONE)?;
    let Value::Attrs(out_attrs) = &outputs else {
        return Err(err(format!("expected the 'outputs' function of flake '{}' to return a set", shown)));
    };
    let extra = Attrs::from_unsorted(vec![
        entry("outPath", out_path),
        entry("inputs", Thunk::Ready(Value::empty_attrs())),
        entry("outputs", Thunk::Ready(outputs.clone())),
        entry("sourceInfo", Thunk::Ready(Value::Attrs(source_info.clone()))),
        entry("_type", Thunk::Ready(Value::str("flake"))),
    ]);
    let v = Value::attrs(out_attrs.update(&source_info).update(&extra));
    *cell.state.borrow_mut() = crate::eval::value::ThunkState::Done(v.clone());
    Ok(v)
}

impl LoadedFlake {
    /// The lock graph in `flake.lock` form, with the `locked` entries of inputs located so far
    /// replaced by what locating them found (local inputs get their `narHash` and
    /// `lastModified` this way, as `nix` would have locked them).
    pub fn located_lock_json(&self) -> serde_json::Value {
        let (mut j, keys) = self.ctx.lock.to_json();
        for (i, key) in keys.iter().enumerate() {
            let (Some(key), Some(info)) = (key, self.ctx.nodes.get(i)) else { continue };
            if i == 0 {
                continue;
            }
            let Some(Ok(l)) = info.located.borrow().clone() else { continue };
            if !matches!(l.origin, Origin::Local(_) | Origin::Override(_)) {
                continue;
            }
            if let Some(node) = j.get_mut("nodes").and_then(|n| n.get_mut(key.as_str())) {
                node["locked"] = super::flakeref::attrs_to_json(&l.locked.to_attr_map());
            }
        }
        j
    }
}

#[cfg(test)]
mod tests {
    use super::{FlakeIo, Mounts};
    use crate::eval::io::EvalIo;

    #[test]
    fn a_missing_file_in_a_source_says_where_it_was_looked_for() {
        let dir = std::env::temp_dir().join(format!("nixeval-call-missing-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("present.nix"), "1").unwrap();
        let mounts = Mounts::default();
        let store = "/nix/store/00000000000000000000000000000000-source";
        mounts.add(store, &dir, None);
        let io = FlakeIo::new(mounts);
        assert_eq!(io.resolve_import(&format!("{store}/present.nix")).unwrap(), format!("{store}/present.nix"));
        let want = format!(
            "path '{store}/absent.nix' does not exist (it was looked for at '{}')",
            dir.join("absent.nix").display()
        );
        assert_eq!(io.resolve_import(&format!("{store}/absent.nix")).unwrap_err(), want);
        assert_eq!(io.read_file(&format!("{store}/absent.nix")).unwrap_err(), want);
        assert_eq!(io.read_file(&format!("{store}/present.nix")).unwrap(), b"1");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
