//! `flake.lock`: reading, the lock graph, `follows` resolution, writing it back as CppNix
//! does, and comparing it with the inputs declared in `flake.nix`.
//!
//! A lock file is a graph of nodes. The root node stands for the flake itself; every other
//! node records an input's `locked` and `original` references, whether it is a flake, and for
//! relative `path:` inputs the `parent` node the path is relative to. An edge (a node's input)
//! is either a node or a `follows` path of input names, resolved from the root, where every
//! step may itself be a `follows` (see [`LockFile::find_input`]).
//!
//! [`LockFile::to_json_string`] produces exactly the text `nix` writes (node keys assigned in
//! depth-first order with `_2`, `_3` suffixes on clashes, sorted keys, 2-space indentation).
//!
//! [`check_lock`] and [`build_lock`] follow CppNix's `lockFlake`/`computeLocks`: they decide
//! which declared inputs keep their lock entry and which are missing or stale. Nothing is
//! fetched here: [`build_lock`] locks inputs through an [`InputSource`] supplied by the caller
//! (which can lock local paths and read their `flake.nix`); inputs it cannot lock are reported
//! as unfetched and left out of the lock. The module does not write lock files.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::rc::Rc;

use super::flakeref::{attrs_to_json, json_to_attrs, Attrs, FlakeRef};

/// An error about a lock file, with CppNix's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockError {
    message: String,
}

impl LockError {
    pub fn new(message: impl Into<String>) -> Self {
        LockError { message: message.into() }
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for LockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LockError {}

impl From<super::flakeref::FlakeRefError> for LockError {
    fn from(e: super::flakeref::FlakeRefError) -> Self {
        LockError::new(e.message())
    }
}

/// `printInputAttrPath`: `a/b/c`.
pub fn print_input_path(path: &[String]) -> String {
    path.join("/")
}

/// The index of a node in a [`LockFile`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub usize);

/// An input edge: a node, or a `follows` path from the root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edge {
    Node(NodeId),
    Follows(Vec<String>),
}

/// The lock information of a non-root node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockedNode {
    pub locked: FlakeRef,
    pub original: FlakeRef,
    pub is_flake: bool,
    /// For relative path inputs: the input path of the node the path is relative to.
    pub parent: Option<Vec<String>>,
}

/// A node of the lock graph. The root node has no lock information.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Node {
    pub inputs: BTreeMap<String, Edge>,
    pub locked: Option<LockedNode>,
}

/// A lock file: nodes in an arena, the root at [`LockFile::ROOT`].
#[derive(Clone, Debug)]
pub struct LockFile {
    nodes: Vec<Node>,
}

impl Default for LockFile {
    fn default() -> Self {
        LockFile::new()
    }
}

impl PartialEq for LockFile {
    /// Lock files are equal when they serialise to the same JSON (as in CppNix).
    fn eq(&self, other: &Self) -> bool {
        self.to_json().0 == other.to_json().0
    }
}

fn json_str_list(v: &serde_json::Value, what: &str, path: &str) -> Result<Vec<String>, LockError> {
    let arr = v.as_array().ok_or_else(|| {
        LockError::new(format!("lock file '{}' has an invalid {}: expected a list of strings", path, what))
    })?;
    arr.iter()
        .map(|x| {
            x.as_str().map(str::to_string).ok_or_else(|| {
                LockError::new(format!("lock file '{}' has an invalid {}: expected a list of strings", path, what))
            })
        })
        .collect()
}

fn lock_flake_ref(json: &serde_json::Value, attr: &str, info: Option<&str>) -> Result<FlakeRef, LockError> {
    let Some(v) = json.get(attr) else {
        return Err(LockError::new(format!("attribute '{}' missing in lock file", attr)));
    };
    let mut attrs = json_to_attrs(v)?;
    if let Some(info) = info.and_then(|i| json.get(i)) {
        for (k, v) in json_to_attrs(info)? {
            attrs.insert(k, v);
        }
    }
    Ok(FlakeRef::from_attr_map(attrs)?)
}

fn parse_locked_node(
    json: &serde_json::Value,
    path: &str,
    warnings: &mut Vec<String>,
) -> Result<LockedNode, LockError> {
    let locked = lock_flake_ref(json, "locked", Some("info"))?;
    let original = lock_flake_ref(json, "original", None)?;
    let is_flake = match json.get("flake") {
        None => true,
        Some(serde_json::Value::Bool(b)) => *b,
        Some(_) => return Err(LockError::new(format!("lock file '{}' has a non-Boolean 'flake' attribute", path))),
    };
    let parent = match json.get("parent") {
        None => None,
        Some(v) => Some(json_str_list(v, "'parent' attribute", path)?),
    };
    if !locked.input.is_locked() && locked.input.is_relative().is_none() {
        if matches!(locked.input.get_nar_hash(), Ok(Some(_))) {
            warnings.push(format!(
                "Lock file entry '{}' is unlocked (e.g. lacks a Git revision) but is checked by NAR hash. This is not reproducible and will break after garbage collection or when shared.",
                locked
            ));
        } else {
            return Err(LockError::new(format!(
                "Lock file contains unlocked input '{}'. Use '--allow-dirty-locks' to accept this lock file.",
                super::flakeref::attrs_to_json_string(locked.input.attrs())
            )));
        }
    }
    Ok(LockedNode { locked, original, is_flake, parent })
}

impl LockFile {
    /// The root node.
    pub const ROOT: NodeId = NodeId(0);

    /// An empty lock file (what CppNix uses when there is no `flake.lock`).
    pub fn new() -> Self {
        LockFile { nodes: vec![Node::default()] }
    }

    /// Parses `flake.lock` contents; `path` is only used in messages.
    pub fn parse(contents: &str, path: &str) -> Result<LockFile, LockError> {
        let mut warnings = Vec::new();
        LockFile::parse_with_warnings(contents, path, &mut warnings)
    }

    /// Like [`LockFile::parse`], collecting the warnings CppNix prints (entries that are
    /// unlocked but have a NAR hash).
    pub fn parse_with_warnings(contents: &str, path: &str, warnings: &mut Vec<String>) -> Result<LockFile, LockError> {
        let json: serde_json::Value =
            serde_json::from_str(contents).map_err(|e| LockError::new(format!("Could not parse '{}': {}", path, e)))?;
        if !json.is_object() {
            return Err(LockError::new(format!("Could not parse '{}': the lock file is not a JSON object", path)));
        }
        let version = match json.get("version") {
            None => 0,
            Some(v) => v
                .as_i64()
                .or_else(|| v.as_f64().map(|f| f as i64))
                .ok_or_else(|| LockError::new(format!("lock file '{}' has unsupported version {}", path, v)))?,
        };
        if !(5..=7).contains(&version) {
            return Err(LockError::new(format!("lock file '{}' has unsupported version {}", path, version)));
        }
        let root_key = json
            .get("root")
            .and_then(|v| v.as_str())
            .ok_or_else(|| LockError::new(format!("lock file '{}' lacks a string 'root' attribute", path)))?;
        let nodes_json = json.get("nodes");
        let node_json = |key: &str| nodes_json.and_then(|n| n.get(key));

        let mut lock = LockFile::new();
        let mut by_key: BTreeMap<&str, NodeId> = BTreeMap::new();
        by_key.insert(root_key, LockFile::ROOT);
        let mut todo: Vec<(NodeId, &str)> = vec![(LockFile::ROOT, root_key)];
        while let Some((id, key)) = todo.pop() {
            let Some(inputs) = node_json(key).and_then(|n| n.get("inputs")) else {
                continue;
            };
            let Some(inputs) = inputs.as_object() else {
                return Err(LockError::new(format!("lock file '{}' has invalid inputs in node '{}'", path, key)));
            };
            for (name, v) in inputs {
                let edge = if v.is_array() {
                    Edge::Follows(json_str_list(v, "follows path", path)?)
                } else {
                    let Some(child_key) = v.as_str() else {
                        return Err(LockError::new(format!(
                            "lock file '{}' has an invalid input '{}' in node '{}'",
                            path, name, key
                        )));
                    };
                    let child = match by_key.get(child_key) {
                        Some(&c) => c,
                        None => {
                            let Some(child_json) = node_json(child_key) else {
                                return Err(LockError::new(format!(
                                    "lock file references missing node '{}'",
                                    child_key
                                )));
                            };
                            let locked = parse_locked_node(child_json, path, warnings)?;
                            let c = lock.add_node(locked);
                            by_key.insert(child_key, c);
                            todo.push((c, child_key));
                            c
                        }
                    };
                    if child == LockFile::ROOT {
                        return Err(LockError::new("lock file contains cycle to root node"));
                    }
                    Edge::Node(child)
                };
                lock.nodes[id.0].inputs.insert(name.clone(), edge);
            }
        }
        Ok(lock)
    }

    /// The number of nodes (the root included).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes[0].inputs.is_empty()
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0]
    }

    pub fn nodes(&self) -> impl Iterator<Item = (NodeId, &Node)> {
        self.nodes.iter().enumerate().map(|(i, n)| (NodeId(i), n))
    }

    /// Adds a node (not yet connected).
    pub fn add_node(&mut self, locked: LockedNode) -> NodeId {
        self.nodes.push(Node { inputs: BTreeMap::new(), locked: Some(locked) });
        NodeId(self.nodes.len() - 1)
    }

    /// Sets an input of a node.
    pub fn set_input(&mut self, node: NodeId, name: impl Into<String>, edge: Edge) {
        self.nodes[node.0].inputs.insert(name.into(), edge);
    }

    /// `LockFile::findInput`: follows `path` from the root, resolving `follows` edges (from the
    /// root again) on the way. `Ok(None)` when some step does not exist; a `follows` path that
    /// comes back while it is being resolved is an error: `follow cycle detected: [a -> b -> a]`.
    pub fn find_input(&self, path: &[String]) -> Result<Option<NodeId>, LockError> {
        // CppNix's recursive `doFind`, with an explicit stack of (path, next element, node).
        // Every path resolved so far stays in `visited`, as in CppNix.
        let mut visited: Vec<&[String]> = vec![path];
        let mut frames: Vec<(&[String], usize, NodeId)> = vec![(path, 0, LockFile::ROOT)];
        loop {
            let (p, idx, pos) = *frames.last().expect("non-empty");
            if idx == p.len() {
                frames.pop();
                match frames.last_mut() {
                    None => return Ok(Some(pos)),
                    Some(parent) => {
                        parent.1 += 1;
                        parent.2 = pos;
                    }
                }
                continue;
            }
            match self.nodes[pos.0].inputs.get(&p[idx]) {
                None => return Ok(None),
                Some(Edge::Node(n)) => {
                    let top = frames.last_mut().expect("non-empty");
                    top.1 += 1;
                    top.2 = *n;
                }
                Some(Edge::Follows(f)) => {
                    if let Some(i) = visited.iter().position(|v| *v == f.as_slice()) {
                        let mut cycle: Vec<String> = visited[i..].iter().map(|v| print_input_path(v)).collect();
                        cycle.push(print_input_path(f));
                        return Err(LockError::new(format!("follow cycle detected: [{}]", cycle.join(" -> "))));
                    }
                    visited.push(f);
                    frames.push((f, 0, LockFile::ROOT));
                }
            }
        }
    }

    /// The node an edge leads to (call-flake's `resolveInput`).
    pub fn resolve_edge(&self, edge: &Edge) -> Result<Option<NodeId>, LockError> {
        match edge {
            Edge::Node(n) => Ok(Some(*n)),
            Edge::Follows(f) => self.find_input(f),
        }
    }

    /// The node of input `name` of `node`, resolving a `follows`.
    pub fn node_input(&self, node: NodeId, name: &str) -> Result<Option<NodeId>, LockError> {
        match self.nodes[node.0].inputs.get(name) {
            None => Ok(None),
            Some(e) => self.resolve_edge(e),
        }
    }

    /// The node a relative path input is relative to (its `parent`, from the root).
    pub fn parent_node(&self, node: NodeId) -> Result<Option<NodeId>, LockError> {
        match self.nodes[node.0].locked.as_ref().and_then(|l| l.parent.as_ref()) {
            None => Ok(None),
            Some(p) => self.find_input(p),
        }
    }

    /// `LockFile::getAllInputs`: every input path reachable from the root (each node visited
    /// once) with its edge.
    pub fn all_inputs(&self) -> BTreeMap<Vec<String>, Edge> {
        let mut res = BTreeMap::new();
        let mut done = HashSet::new();
        let mut stack: Vec<(Vec<String>, NodeId)> = vec![(Vec::new(), LockFile::ROOT)];
        // Visit in the order of CppNix's recursion, so the first path to a shared node wins.
        while let Some((prefix, node)) = stack.pop() {
            if !done.insert(node) {
                continue;
            }
            let mut children = Vec::new();
            for (id, edge) in &self.nodes[node.0].inputs {
                let mut p = prefix.clone();
                p.push(id.clone());
                res.entry(p.clone()).or_insert_with(|| edge.clone());
                if let Edge::Node(n) = edge {
                    children.push((p, *n));
                }
            }
            stack.extend(children.into_iter().rev());
        }
        res
    }

    /// `LockFile::check`: every non-empty `follows` must lead to an existing input.
    pub fn check(&self) -> Result<(), LockError> {
        for (path, edge) in self.all_inputs() {
            if let Edge::Follows(f) = &edge {
                if !f.is_empty() && self.find_input(f)?.is_none() {
                    return Err(LockError::new(format!(
                        "input '{}' follows a non-existent input '{}'",
                        print_input_path(&path),
                        print_input_path(f)
                    )));
                }
            }
        }
        Ok(())
    }

    /// `LockFile::isUnlocked`: a reachable node whose locked reference is neither locked nor
    /// relative.
    pub fn is_unlocked(&self) -> Option<&FlakeRef> {
        let mut seen = HashSet::new();
        let mut stack = vec![LockFile::ROOT];
        let mut found = None;
        while let Some(n) = stack.pop() {
            if !seen.insert(n) {
                continue;
            }
            if let Some(l) = &self.nodes[n.0].locked {
                if !l.locked.input.is_locked() && l.locked.input.is_relative().is_none() && found.is_none() {
                    found = Some(&l.locked);
                }
            }
            for e in self.nodes[n.0].inputs.values() {
                if let Edge::Node(c) = e {
                    stack.push(*c);
                }
            }
        }
        found
    }

    /// The key of every reachable node in the JSON form (`None` for unreachable nodes), as
    /// `LockFile::toJSON` assigns them: depth-first from the root in input order, the input
    /// name as key, `_2`, `_3`, ... appended on clashes.
    pub fn node_keys(&self) -> Vec<Option<String>> {
        let mut keys: Vec<Option<String>> = vec![None; self.nodes.len()];
        let mut used: HashSet<String> = HashSet::new();
        let mut assign = |id: NodeId, key: &str, keys: &mut Vec<Option<String>>| {
            let mut k = key.to_string();
            if !used.insert(k.clone()) {
                let mut n = 2;
                loop {
                    let candidate = format!("{}_{}", key, n);
                    if used.insert(candidate.clone()) {
                        k = candidate;
                        break;
                    }
                    n += 1;
                }
            }
            keys[id.0] = Some(k);
        };
        assign(LockFile::ROOT, "root", &mut keys);
        // Explicit stack of (node, remaining inputs) to mirror the recursive pre-order walk.
        let mut stack: Vec<(NodeId, std::collections::btree_map::Iter<'_, String, Edge>)> =
            vec![(LockFile::ROOT, self.nodes[0].inputs.iter())];
        while let Some((_, iter)) = stack.last_mut() {
            match iter.next() {
                None => {
                    stack.pop();
                }
                Some((name, Edge::Node(child))) => {
                    if keys[child.0].is_none() {
                        assign(*child, name, &mut keys);
                        stack.push((*child, self.nodes[child.0].inputs.iter()));
                    }
                }
                Some(_) => {}
            }
        }
        keys
    }

    /// `LockFile::toJSON`: the JSON form and the key of every node.
    pub fn to_json(&self) -> (serde_json::Value, Vec<Option<String>>) {
        let keys = self.node_keys();
        let mut nodes: BTreeMap<&str, serde_json::Value> = BTreeMap::new();
        for (i, node) in self.nodes.iter().enumerate() {
            let Some(key) = &keys[i] else { continue };
            // Keys are inserted in sorted order, so the output is sorted with any map type.
            let mut n = serde_json::Map::new();
            if let Some(l) = &node.locked {
                if !l.is_flake {
                    n.insert("flake".into(), serde_json::Value::Bool(false));
                }
            }
            if !node.inputs.is_empty() {
                let mut inputs = serde_json::Map::new();
                for (name, edge) in &node.inputs {
                    let v = match edge {
                        Edge::Node(c) => serde_json::Value::String(keys[c.0].clone().unwrap_or_default()),
                        Edge::Follows(f) => {
                            serde_json::Value::Array(f.iter().map(|s| serde_json::Value::String(s.clone())).collect())
                        }
                    };
                    inputs.insert(name.clone(), v);
                }
                n.insert("inputs".into(), serde_json::Value::Object(inputs));
            }
            if let Some(l) = &node.locked {
                let mut locked: Attrs = l.locked.to_attr_map();
                locked.remove("__final");
                n.insert("locked".into(), attrs_to_json(&locked));
                n.insert("original".into(), attrs_to_json(&l.original.to_attr_map()));
                if let Some(p) = &l.parent {
                    n.insert(
                        "parent".into(),
                        serde_json::Value::Array(p.iter().map(|s| serde_json::Value::String(s.clone())).collect()),
                    );
                }
            }
            nodes.insert(key, serde_json::Value::Object(n));
        }
        let mut nodes_map = serde_json::Map::new();
        for (k, v) in nodes {
            nodes_map.insert(k.to_string(), v);
        }
        let mut top = serde_json::Map::new();
        top.insert("nodes".into(), serde_json::Value::Object(nodes_map));
        top.insert("root".into(), serde_json::Value::String("root".into()));
        top.insert("version".into(), serde_json::Value::from(7u64));
        (serde_json::Value::Object(top), keys)
    }

    /// The lock file text as `nix` writes it (`dump(2)`), without the final newline that
    /// `flake.lock` files end with.
    pub fn to_json_string(&self) -> String {
        serde_json::to_string_pretty(&self.to_json().0).unwrap_or_default()
    }

    /// The contents of a `flake.lock` file: [`LockFile::to_json_string`] plus a newline.
    pub fn to_file_contents(&self) -> String {
        let mut s = self.to_json_string();
        s.push('\n');
        s
    }
}

// ---------------------------------------------------------------------------------------------
// Comparing declared inputs with the lock
// ---------------------------------------------------------------------------------------------

/// An input as declared in `flake.nix`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputDecl {
    /// The reference (`url`, or the attribute form); `None` means the registry entry of the
    /// input's name, unless `follows` is set.
    pub url: Option<FlakeRef>,
    /// `flake = false` inputs are plain source trees.
    pub flake: bool,
    /// `follows`, split on `/`, relative to the flake that declares it (for the top-level
    /// flake: to the root of the lock file).
    pub follows: Option<Vec<String>>,
    /// Overrides of this input's own inputs (`inputs.foo.inputs.bar...`).
    pub inputs: BTreeMap<String, InputDecl>,
}

impl Default for InputDecl {
    fn default() -> Self {
        InputDecl { url: None, flake: true, follows: None, inputs: BTreeMap::new() }
    }
}

impl InputDecl {
    /// An input with a reference.
    pub fn with_url(url: FlakeRef) -> Self {
        InputDecl { url: Some(url), ..InputDecl::default() }
    }

    /// An input that follows another.
    pub fn following(path: Vec<String>) -> Self {
        InputDecl { follows: Some(path), ..InputDecl::default() }
    }

    fn prefix_follows(&mut self, prefix: &[String]) {
        if prefix.is_empty() {
            return;
        }
        if let Some(f) = &mut self.follows {
            let mut p = prefix.to_vec();
            p.append(f);
            *f = p;
        }
        for d in self.inputs.values_mut() {
            d.prefix_follows(prefix);
        }
    }
}

/// What an input's lock entry used to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PreviousEdge {
    /// A locked node with this original reference.
    Locked { original: FlakeRef, parent: Option<Vec<String>> },
    /// A `follows`.
    Follows(Vec<String>),
}

/// A difference between the declared inputs and the lock file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LockIssueKind {
    /// The input has no entry in the lock file.
    Missing,
    /// The lock entry was made for a different reference (or a different `follows`).
    Stale { previous: PreviousEdge },
    /// The input is declared as `follows` but the lock file has something else.
    FollowsChanged { previous: Option<PreviousEdge> },
    /// The lock file has an entry for an input that is no longer declared.
    Unused,
}

/// A lock file discrepancy at an input path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockIssue {
    pub path: Vec<String>,
    pub kind: LockIssueKind,
}

impl fmt::Display for LockIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = print_input_path(&self.path);
        match &self.kind {
            LockIssueKind::Missing => write!(f, "input '{}' is not in the lock file", p),
            LockIssueKind::Stale { previous: PreviousEdge::Locked { original, .. } } => {
                write!(f, "input '{}' has changed (the lock file has '{}')", p, original)
            }
            LockIssueKind::Stale { previous: PreviousEdge::Follows(t) } => {
                write!(f, "input '{}' has changed (the lock file has it follow '{}')", p, print_input_path(t))
            }
            LockIssueKind::FollowsChanged { .. } => write!(f, "input '{}' now follows another input", p),
            LockIssueKind::Unused => write!(f, "the lock file entry for input '{}' is unused", p),
        }
    }
}

/// Where an input's flake lives, for [`InputSource::read_flake`].
#[derive(Clone, Copy, Debug)]
pub enum FlakeLocation<'a> {
    /// A locked reference (local or not).
    Locked(&'a FlakeRef),
    /// A relative path input: `path` (and then `subdir`) relative to the directory of the
    /// flake of the input at `parent` (`[]`: the top-level flake).
    Relative { parent: &'a [String], path: &'a str, subdir: &'a str },
}

/// A flake read from its source: its declared inputs and its own lock file.
#[derive(Clone, Debug, Default)]
pub struct ChildFlake {
    pub inputs: BTreeMap<String, InputDecl>,
    pub lock_file: Option<LockFile>,
}

/// What lock computation needs from the outside world.
pub trait InputSource {
    /// Locks an input that is neither locked nor relative (for example a local path:
    /// `path:/x` plus `narHash` and `lastModified`). `Ok(None)` if it would need fetching.
    fn lock_input(&mut self, input_path: &[String], original: &FlakeRef) -> Result<Option<FlakeRef>, LockError>;

    /// Reads the `flake.nix` inputs and `flake.lock` of an input's flake. `Ok(None)` if its
    /// source is not available without fetching.
    fn read_flake(&mut self, input_path: &[String], at: FlakeLocation<'_>) -> Result<Option<ChildFlake>, LockError>;
}

/// An [`InputSource`] that can neither lock nor read anything.
pub struct NoInputSource;

impl InputSource for NoInputSource {
    fn lock_input(&mut self, _: &[String], _: &FlakeRef) -> Result<Option<FlakeRef>, LockError> {
        Ok(None)
    }

    fn read_flake(&mut self, _: &[String], _: FlakeLocation<'_>) -> Result<Option<ChildFlake>, LockError> {
        Ok(None)
    }
}

/// The result of [`build_lock`].
#[derive(Clone, Debug)]
pub struct LockOutcome {
    /// The new lock graph (inputs that could not be locked are absent).
    pub lock: LockFile,
    /// How the declared inputs differ from the previous lock file.
    pub issues: Vec<LockIssue>,
    /// Inputs that need fetching: their path and reference. Inputs that could not be locked
    /// are absent from `lock`; flake inputs that were locked but whose `flake.nix` could not
    /// be read are present without their own inputs.
    pub unfetched: Vec<(Vec<String>, FlakeRef)>,
    /// Warnings CppNix prints (`input 'x' has an override for a non-existent input 'y'`).
    pub warnings: Vec<String>,
    /// Whether the new lock differs from the previous one.
    pub changed: bool,
}

#[derive(Clone)]
struct Override {
    input: InputDecl,
    parent: Vec<String>,
}

type OldNode = (Rc<LockFile>, NodeId);

struct Locker<'s> {
    new: LockFile,
    overrides: BTreeMap<Vec<String>, Override>,
    parents: Vec<FlakeRef>,
    /// Old nodes being copied on the current path (a malformed lock file may have cycles).
    copying: Vec<(*const LockFile, NodeId)>,
    issues: Vec<LockIssue>,
    unfetched: Vec<(Vec<String>, FlakeRef)>,
    warnings: Vec<String>,
    source: &'s mut dyn InputSource,
}

fn previous_edge(lock: &LockFile, edge: &Edge) -> PreviousEdge {
    match edge {
        Edge::Node(n) => match &lock.node(*n).locked {
            Some(l) => PreviousEdge::Locked { original: l.original.clone(), parent: l.parent.clone() },
            // An edge to the root node is what an empty `follows` means.
            None => PreviousEdge::Follows(Vec::new()),
        },
        Edge::Follows(f) => PreviousEdge::Follows(f.clone()),
    }
}

/// The lock information of a node reached through an edge (never the root).
fn locked_of(lock: &LockFile, n: NodeId) -> Result<&LockedNode, LockError> {
    lock.node(n).locked.as_ref().ok_or_else(|| LockError::new("lock file contains cycle to root node"))
}

/// The inputs of an old lock node as declarations (CppNix's "fake inputs"): nodes by their
/// original reference, `follows` made absolute with `follows_prefix`.
fn lock_inputs_as_decls(
    lock: &LockFile,
    node: NodeId,
    follows_prefix: &[String],
) -> Result<BTreeMap<String, InputDecl>, LockError> {
    let mut res = BTreeMap::new();
    for (i, e) in &lock.node(node).inputs {
        let d = match e {
            Edge::Node(c) => {
                let cl = locked_of(lock, *c)?;
                InputDecl { url: Some(cl.original.clone()), flake: cl.is_flake, ..InputDecl::default() }
            }
            Edge::Follows(f) => {
                let mut abs = follows_prefix.to_vec();
                abs.extend(f.iter().cloned());
                InputDecl::following(abs)
            }
        };
        res.insert(i.clone(), d);
    }
    Ok(res)
}

impl Locker<'_> {
    fn add_overrides(&mut self, input: &InputDecl, path: &[String], prefix: &[String]) {
        for (id, o) in &input.inputs {
            let mut p = path.to_vec();
            p.push(id.clone());
            if o.url.is_some() || o.follows.is_some() {
                self.overrides
                    .entry(p.clone())
                    .or_insert_with(|| Override { input: o.clone(), parent: prefix.to_vec() });
            }
            self.add_overrides(o, &p, prefix);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn compute(
        &mut self,
        inputs: &BTreeMap<String, InputDecl>,
        node: NodeId,
        prefix: &[String],
        old: Option<OldNode>,
        follows_prefix: &[String],
        trust_lock: bool,
        report: bool,
    ) -> Result<(), LockError> {
        for (id, input) in inputs {
            let mut p = prefix.to_vec();
            p.push(id.clone());
            self.add_overrides(input, &p, prefix);
        }
        for path in self.overrides.keys() {
            if path.len() == prefix.len() + 1
                && path[..prefix.len()] == *prefix
                && !inputs.contains_key(&path[prefix.len()])
            {
                self.warnings.push(format!(
                    "input '{}' has an override for a non-existent input '{}'",
                    print_input_path(prefix),
                    path[prefix.len()]
                ));
            }
        }

        for (id, input2) in inputs {
            let mut path = prefix.to_vec();
            path.push(id.clone());
            let ov = self.overrides.get(&path).cloned();
            let mut input = ov.as_ref().map_or_else(|| input2.clone(), |o| o.input.clone());
            if ov.is_some() {
                input.flake = input2.flake;
            }
            let old_edge = old.as_ref().and_then(|(l, n)| l.node(*n).inputs.get(id).map(|e| (l.clone(), e.clone())));

            if let Some(target) = input.follows.clone() {
                if report {
                    match &old_edge {
                        Some((_, Edge::Follows(f))) if *f == target => {}
                        other => self.issues.push(LockIssue {
                            path: path.clone(),
                            kind: LockIssueKind::FollowsChanged {
                                previous: other.as_ref().map(|(l, e)| previous_edge(l, e)),
                            },
                        }),
                    }
                }
                self.new.set_input(node, id.clone(), Edge::Follows(target));
                continue;
            }

            let reference = match input.url.clone() {
                Some(r) => r,
                None => FlakeRef::indirect(id)?,
            };
            let parent_path: Option<Vec<String>> = reference
                .input
                .is_relative()
                .map(|_| ov.as_ref().map_or_else(|| prefix.to_vec(), |o| o.parent.clone()));

            let old_lock: Option<(Rc<LockFile>, NodeId)> = match &old_edge {
                Some((l, Edge::Node(n))) => Some((l.clone(), *n)),
                _ => None,
            };
            let mut kept = None;
            if let Some((ol, on)) = old_lock {
                let ln = locked_of(&ol, on)?;
                if ln.original.canonicalize() == reference.canonicalize() && ln.parent == parent_path {
                    kept = Some((ol.clone(), on, ln.clone()));
                }
            }

            if let Some((ol, on, ln)) = kept {
                let key = (Rc::as_ptr(&ol), on);
                if self.copying.contains(&key) {
                    return Err(LockError::new(format!(
                        "lock file contains a cycle at input '{}'",
                        print_input_path(&path)
                    )));
                }
                let child = self.new.add_node(ln.clone());
                self.new.set_input(node, id.clone(), Edge::Node(child));

                // A `follows` in the lock that no override explains came from the input's own
                // flake.nix: CppNix then reads that flake again.
                let must_refetch = !trust_lock
                    && ol.node(on).inputs.iter().any(|(i, e)| {
                        let mut op = path.clone();
                        op.push(i.clone());
                        matches!(e, Edge::Follows(_)) && !self.overrides.contains_key(&op)
                    });
                let refetched = if must_refetch {
                    let at = match (&ln.parent, ln.locked.input.is_relative()) {
                        (Some(parent), Some(rel)) => {
                            FlakeLocation::Relative { parent, path: rel, subdir: &ln.locked.subdir }
                        }
                        _ => FlakeLocation::Locked(&ln.locked),
                    };
                    self.source.read_flake(&path, at)?
                } else {
                    None
                };
                self.copying.push(key);
                let res = match refetched {
                    Some(cf) => {
                        let mut decls = cf.inputs;
                        for d in decls.values_mut() {
                            d.prefix_follows(&path);
                        }
                        self.compute(&decls, child, &path, Some((ol.clone(), on)), follows_prefix, false, report)
                    }
                    // Not refetched (or not readable here): the lock entry is trusted as is.
                    None => lock_inputs_as_decls(&ol, on, follows_prefix).and_then(|fake| {
                        self.compute(&fake, child, &path, Some((ol.clone(), on)), follows_prefix, true, report)
                    }),
                };
                self.copying.pop();
                res?;
                continue;
            }

            // A new lock entry is needed.
            if report {
                self.issues.push(LockIssue {
                    path: path.clone(),
                    kind: match &old_edge {
                        None => LockIssueKind::Missing,
                        Some((l, e)) => LockIssueKind::Stale { previous: previous_edge(l, e) },
                    },
                });
            }
            let locked = if reference.input.is_relative().is_some() {
                Some(reference.clone())
            } else {
                self.source.lock_input(&path, &reference)?
            };
            let Some(locked) = locked else {
                self.unfetched.push((path, reference));
                continue;
            };
            let child = self.new.add_node(LockedNode {
                locked: locked.clone(),
                original: reference.clone(),
                is_flake: input.flake,
                parent: parent_path.clone(),
            });
            self.new.set_input(node, id.clone(), Edge::Node(child));
            if input.flake {
                if self.parents.contains(&reference) {
                    return Err(LockError::new(format!("found circular import of flake '{}'", reference)));
                }
                let at = match (&parent_path, reference.input.is_relative()) {
                    (Some(parent), Some(rel)) => {
                        FlakeLocation::Relative { parent, path: rel, subdir: &reference.subdir }
                    }
                    _ => FlakeLocation::Locked(&locked),
                };
                let Some(cf) = self.source.read_flake(&path, at)? else {
                    self.unfetched.push((path, reference));
                    continue;
                };
                self.parents.push(reference);
                let mut decls = cf.inputs;
                for d in decls.values_mut() {
                    d.prefix_follows(&path);
                }
                let child_old = cf.lock_file.map(|l| (Rc::new(l), LockFile::ROOT));
                let r = self.compute(&decls, child, &path, child_old, &path, false, false);
                self.parents.pop();
                r?;
            }
        }

        if report {
            if let Some((l, n)) = &old {
                for name in l.node(*n).inputs.keys() {
                    if !inputs.contains_key(name) {
                        let mut path = prefix.to_vec();
                        path.push(name.clone());
                        self.issues.push(LockIssue { path, kind: LockIssueKind::Unused });
                    }
                }
            }
        }
        Ok(())
    }
}

/// Computes the lock of a flake from its declared `inputs` and its previous lock file, as
/// CppNix's `lockFlake` does: entries whose `original` still matches the declaration are kept
/// (with the overrides of nested inputs applied), others are locked through `source`.
/// Relative path inputs are locked as themselves with their `parent`. Inputs `source` cannot
/// lock go to [`LockOutcome::unfetched`]. The `follows` of the result are checked
/// ([`LockFile::check`]) when nothing is unfetched.
pub fn build_lock(
    inputs: &BTreeMap<String, InputDecl>,
    old: Option<&LockFile>,
    source: &mut dyn InputSource,
) -> Result<LockOutcome, LockError> {
    let old_rc = old.map(|l| Rc::new(l.clone()));
    let mut locker = Locker {
        new: LockFile::new(),
        overrides: BTreeMap::new(),
        parents: Vec::new(),
        copying: Vec::new(),
        issues: Vec::new(),
        unfetched: Vec::new(),
        warnings: Vec::new(),
        source,
    };
    locker.compute(inputs, LockFile::ROOT, &[], old_rc.map(|l| (l, LockFile::ROOT)), &[], false, true)?;
    let Locker { new, issues, unfetched, warnings, .. } = locker;
    if unfetched.is_empty() {
        new.check()?;
    }
    // Without a lock file CppNix compares with an empty one.
    let changed = match old {
        Some(o) => *o != new,
        None => LockFile::new() != new,
    };
    Ok(LockOutcome { lock: new, issues, unfetched, warnings, changed })
}

/// Which declared inputs are missing from the lock file or stale, without locking anything.
/// An empty result means the lock file is up to date as far as can be told without reading
/// the inputs' own `flake.nix` files.
pub fn check_lock(inputs: &BTreeMap<String, InputDecl>, lock: &LockFile) -> Result<Vec<LockIssue>, LockError> {
    let mut none = NoInputSource;
    Ok(build_lock(inputs, Some(lock), &mut none)?.issues)
}

#[cfg(test)]
mod tests {
    use super::super::flakeref::{parse_input_url, Attr};
    use super::*;

    fn p(s: &str) -> Vec<String> {
        s.split('/').filter(|x| !x.is_empty()).map(String::from).collect()
    }

    const NARH: &str = "sha256-aW2W1EDP5jxhXanaeRn9P/g4ILDh+uos5mESPGVbD54=";

    fn gh_node(owner: &str, repo: &str, rev_digit: char) -> String {
        format!(
            r#"{{
      "locked": {{ "lastModified": 1700000000, "narHash": "{}", "owner": "{}", "repo": "{}", "rev": "{}", "type": "github" }},
      "original": {{ "owner": "{}", "repo": "{}", "type": "github" }}
    }}"#,
            NARH,
            owner,
            repo,
            rev_digit.to_string().repeat(40),
            owner,
            repo
        )
    }

    /// A lock file in the exact format nix writes (sorted keys, 2-space indentation).
    const WRITTEN: &str = r#"{
  "nodes": {
    "flake-utils": {
      "inputs": {
        "systems": "systems"
      },
      "locked": {
        "lastModified": 1731533236,
        "narHash": "sha256-l0KFg5HjrsfsO/JpG+r7fRrqm12kzFHyUHqHCVpMMbI=",
        "owner": "numtide",
        "repo": "flake-utils",
        "rev": "11707dc2f618dd54ca8739b309ec4fc024de578b",
        "type": "github"
      },
      "original": {
        "owner": "numtide",
        "repo": "flake-utils",
        "type": "github"
      }
    },
    "local": {
      "flake": false,
      "locked": {
        "path": "./sub",
        "type": "path"
      },
      "original": {
        "path": "./sub",
        "type": "path"
      },
      "parent": []
    },
    "nixpkgs": {
      "locked": {
        "lastModified": 1736012469,
        "narHash": "sha256-/qlNWm/IEVVH7GfgAIyP6EsVZI6zjAx1cV5zNyrs+rI=",
        "owner": "NixOS",
        "repo": "nixpkgs",
        "rev": "8f3e1f807051e32d8c95cd12b9b421623850a34d",
        "type": "github"
      },
      "original": {
        "owner": "NixOS",
        "ref": "nixos-unstable",
        "repo": "nixpkgs",
        "type": "github"
      }
    },
    "other": {
      "inputs": {
        "nixpkgs": [
          "nixpkgs"
        ]
      },
      "locked": {
        "lastModified": 1700000000,
        "narHash": "sha256-aW2W1EDP5jxhXanaeRn9P/g4ILDh+uos5mESPGVbD54=",
        "ref": "refs/heads/main",
        "rev": "1111111111111111111111111111111111111111",
        "revCount": 12,
        "type": "git",
        "url": "https://example.org/other"
      },
      "original": {
        "type": "git",
        "url": "https://example.org/other"
      }
    },
    "root": {
      "inputs": {
        "flake-utils": "flake-utils",
        "local": "local",
        "nixpkgs": "nixpkgs",
        "other": "other"
      }
    },
    "systems": {
      "locked": {
        "lastModified": 1681028828,
        "narHash": "sha256-Vy1rq5AaRuLzOxct8nz4T6wlgyUR7zLU309k9mBC768=",
        "owner": "nix-systems",
        "repo": "default",
        "rev": "da67096a3b9bf56a91d16901293e51ba5b49a27e",
        "type": "github"
      },
      "original": {
        "owner": "nix-systems",
        "repo": "default",
        "type": "github"
      }
    }
  },
  "root": "root",
  "version": 7
}
"#;

    #[test]
    fn round_trips_exactly() {
        let lock = LockFile::parse(WRITTEN, "flake.lock").unwrap();
        assert_eq!(lock.to_file_contents(), WRITTEN);
        assert_eq!(lock.len(), 6);
        assert!(lock.check().is_ok());
        assert_eq!(lock.is_unlocked(), None);
        let other = lock.find_input(&p("other")).unwrap().unwrap();
        assert_eq!(lock.node_input(other, "nixpkgs").unwrap(), lock.find_input(&p("nixpkgs")).unwrap());
        let local = lock.find_input(&p("local")).unwrap().unwrap();
        assert_eq!(lock.parent_node(local).unwrap(), Some(LockFile::ROOT));
        assert!(!lock.node(local).locked.as_ref().unwrap().is_flake);
        assert_eq!(
            lock.find_input(&p("flake-utils/systems")).unwrap(),
            lock.find_input(&p("flake-utils")).unwrap().and_then(|n| lock.node_input(n, "systems").unwrap())
        );
    }

    #[test]
    fn empty_lock_file_text() {
        assert_eq!(
            LockFile::new().to_file_contents(),
            "{\n  \"nodes\": {\n    \"root\": {}\n  },\n  \"root\": \"root\",\n  \"version\": 7\n}\n"
        );
        // What `nix flake metadata --json` 2.8 printed for a flake without inputs.
        assert_eq!(LockFile::new().to_json().0.to_string(), r#"{"nodes":{"root":{}},"root":"root","version":7}"#);
    }

    #[test]
    fn versions() {
        let body = |v: &str| format!(r#"{{ "nodes": {{ "r": {{}} }}, "root": "r"{} }}"#, v);
        for ok in ["5", "6", "7"] {
            assert!(LockFile::parse(&body(&format!(r#", "version": {}"#, ok)), "f").is_ok(), "{}", ok);
        }
        assert_eq!(
            LockFile::parse(&body(r#", "version": 4"#), "/x/flake.lock").unwrap_err().message(),
            "lock file '/x/flake.lock' has unsupported version 4"
        );
        assert_eq!(
            LockFile::parse(&body(r#", "version": 8"#), "f").unwrap_err().message(),
            "lock file 'f' has unsupported version 8"
        );
        assert_eq!(LockFile::parse(&body(""), "f").unwrap_err().message(), "lock file 'f' has unsupported version 0");
        assert!(LockFile::parse("{", "f").unwrap_err().message().starts_with("Could not parse 'f': "));
        // The root key need not be "root"; writing renames it.
        let l = LockFile::parse(&body(r#", "version": 7"#), "f").unwrap();
        assert_eq!(l.to_json().0.to_string(), r#"{"nodes":{"root":{}},"root":"root","version":7}"#);
    }

    #[test]
    fn version_5_info_is_merged() {
        let text = format!(
            r#"{{ "version": 5, "root": "root", "nodes": {{
              "root": {{ "inputs": {{ "a": "a" }} }},
              "a": {{ "info": {{ "lastModified": 5, "narHash": "{}" }},
                     "locked": {{ "owner": "o", "repo": "r", "rev": "{}", "type": "github" }},
                     "original": {{ "owner": "o", "repo": "r", "type": "github" }} }} }} }}"#,
            NARH,
            "a".repeat(40)
        );
        let l = LockFile::parse(&text, "f").unwrap();
        let a = l.find_input(&p("a")).unwrap().unwrap();
        let locked = &l.node(a).locked.as_ref().unwrap().locked;
        assert_eq!(locked.input.get_last_modified(), Some(5));
        assert_eq!(locked.input.attrs().get("narHash"), Some(&Attr::String(NARH.into())));
    }

    #[test]
    fn malformed_lock_files() {
        let missing = r#"{ "version": 7, "root": "root", "nodes": { "root": { "inputs": { "a": "nope" } } } }"#;
        assert_eq!(LockFile::parse(missing, "f").unwrap_err().message(), "lock file references missing node 'nope'");
        let to_root = format!(
            r#"{{ "version": 7, "root": "root", "nodes": {{ "root": {{ "inputs": {{ "a": "a" }} }}, "a": {}, "b": {{}} }} }}"#,
            gh_node("o", "r", 'a').replace("\"locked\"", "\"inputs\": { \"back\": \"root\" }, \"locked\"")
        );
        assert_eq!(LockFile::parse(&to_root, "f").unwrap_err().message(), "lock file contains cycle to root node");
        let no_original = r#"{ "version": 7, "root": "root", "nodes": { "root": { "inputs": { "a": "a" } }, "a": { "locked": { "type": "path", "path": "./x" } } } }"#;
        assert_eq!(
            LockFile::parse(no_original, "f").unwrap_err().message(),
            "attribute 'original' missing in lock file"
        );
        let unlocked = r#"{ "version": 7, "root": "root", "nodes": { "root": { "inputs": { "a": "a" } }, "a": { "locked": { "owner": "o", "repo": "r", "type": "github" }, "original": { "owner": "o", "repo": "r", "type": "github" } } } }"#;
        assert_eq!(
            LockFile::parse(unlocked, "f").unwrap_err().message(),
            "Lock file contains unlocked input '{\"owner\":\"o\",\"repo\":\"r\",\"type\":\"github\"}'. Use '--allow-dirty-locks' to accept this lock file."
        );
        let nar_only = format!(
            r#"{{ "version": 7, "root": "root", "nodes": {{ "root": {{ "inputs": {{ "a": "a" }} }}, "a": {{ "locked": {{ "owner": "o", "repo": "r", "type": "github", "narHash": "{}" }}, "original": {{ "owner": "o", "repo": "r", "type": "github" }} }} }} }}"#,
            NARH
        );
        let mut warnings = Vec::new();
        LockFile::parse_with_warnings(&nar_only, "f", &mut warnings).unwrap();
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].starts_with("Lock file entry 'github:o/r?narHash="), "{}", warnings[0]);
        let bad_attr = r#"{ "version": 7, "root": "root", "nodes": { "root": { "inputs": { "a": "a" } }, "a": { "locked": { "type": "path", "path": ["x"] }, "original": {} } } }"#;
        assert_eq!(
            LockFile::parse(bad_attr, "f").unwrap_err().message(),
            "unsupported input attribute type in lock file"
        );
    }

    fn follows_lock(root_inputs: &str, extra_nodes: &str) -> LockFile {
        let text = format!(
            r#"{{ "version": 7, "root": "root", "nodes": {{
              "root": {{ "inputs": {{ {} }} }},
              "a": {},
              "b": {}
              {} }} }}"#,
            root_inputs,
            gh_node("o", "a", 'a')
                .replace("\"locked\"", "\"inputs\": { \"x\": [\"b\"], \"y\": [\"c\", \"z\"] }, \"locked\""),
            gh_node("o", "b", 'b'),
            extra_nodes
        );
        LockFile::parse(&text, "f").unwrap()
    }

    #[test]
    fn follows_chains() {
        let l = follows_lock(r#""a": "a", "b": "b", "c": ["a"], "d": ["c", "x"]"#, "");
        let a = l.find_input(&p("a")).unwrap();
        let b = l.find_input(&p("b")).unwrap();
        assert!(a.is_some() && b.is_some());
        // c follows a; d follows c/x, and a's x follows b: step by step from the root.
        assert_eq!(l.find_input(&p("c")).unwrap(), a);
        assert_eq!(l.find_input(&p("d")).unwrap(), b);
        assert_eq!(l.find_input(&p("c/x")).unwrap(), b);
        assert_eq!(l.find_input(&p("a/x")).unwrap(), b);
        assert_eq!(l.find_input(&p("")).unwrap(), Some(LockFile::ROOT));
        assert_eq!(l.find_input(&p("nope")).unwrap(), None);
        assert_eq!(l.find_input(&p("b/nope")).unwrap(), None);
        // a/y follows c/z: c is a, and a has no input z.
        assert_eq!(l.find_input(&p("a/y")).unwrap(), None);
        assert_eq!(l.check().unwrap_err().message(), "input 'a/y' follows a non-existent input 'c/z'");
        let all: Vec<String> = l.all_inputs().keys().map(|k| print_input_path(k)).collect();
        assert_eq!(all, ["a", "a/x", "a/y", "b", "c", "d"]);
    }

    #[test]
    fn follows_cycles() {
        let l = follows_lock(r#""a": "a", "b": "b", "c": ["d"], "d": ["c"]"#, "");
        assert_eq!(l.find_input(&p("c")).unwrap_err().message(), "follow cycle detected: [c -> d -> c]");
        assert_eq!(l.find_input(&p("d/q")).unwrap_err().message(), "follow cycle detected: [c -> d -> c]");
        let l = follows_lock(r#""a": "a", "b": "b", "c": ["c", "x"]"#, "");
        assert_eq!(l.find_input(&p("c")).unwrap_err().message(), "follow cycle detected: [c/x -> c/x]");
        assert!(l.check().is_err());
        // An empty follows is allowed and means the root flake.
        let l = follows_lock(r#""a": "a", "b": "b", "c": []"#, "");
        assert_eq!(l.find_input(&p("c")).unwrap(), Some(LockFile::ROOT));
    }

    #[test]
    fn node_keys_dedupe_in_depth_first_order() {
        // Two distinct nodes both reached as "nixpkgs" get nixpkgs and nixpkgs_2.
        let mut l = LockFile::new();
        let mk = |owner: &str| LockedNode {
            locked: FlakeRef::from_attrs(vec![
                ("type".to_string(), Attr::from("github")),
                ("owner".to_string(), Attr::from(owner)),
                ("repo".to_string(), Attr::from("nixpkgs")),
                ("rev".to_string(), Attr::from("a".repeat(40))),
                ("narHash".to_string(), Attr::from(NARH)),
            ])
            .unwrap(),
            original: parse_input_url(&format!("github:{}/nixpkgs", owner), true).unwrap(),
            is_flake: true,
            parent: None,
        };
        let n1 = l.add_node(mk("one"));
        let n2 = l.add_node(mk("two"));
        let dep = l.add_node(mk("dep"));
        l.set_input(LockFile::ROOT, "nixpkgs", Edge::Node(n1));
        l.set_input(LockFile::ROOT, "dep", Edge::Node(dep));
        l.set_input(dep, "nixpkgs", Edge::Node(n2));
        l.set_input(dep, "shared", Edge::Node(n1));
        let keys = l.node_keys();
        // "dep" sorts before "nixpkgs", so dep's own nixpkgs is seen first.
        assert_eq!(keys[dep.0].as_deref(), Some("dep"));
        assert_eq!(keys[n2.0].as_deref(), Some("nixpkgs"));
        assert_eq!(keys[n1.0].as_deref(), Some("shared"));
        let reparsed = LockFile::parse(&l.to_json_string(), "f").unwrap();
        assert_eq!(reparsed, l);
        assert_eq!(reparsed.to_json_string(), l.to_json_string());
        // An input named root clashes with the root node's key.
        let mut l = LockFile::new();
        let r = l.add_node(mk("x"));
        l.set_input(LockFile::ROOT, "root", Edge::Node(r));
        assert_eq!(l.node_keys()[r.0].as_deref(), Some("root_2"));
    }

    fn decls(pairs: Vec<(&str, InputDecl)>) -> BTreeMap<String, InputDecl> {
        pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }

    fn url(u: &str) -> InputDecl {
        InputDecl::with_url(parse_input_url(u, true).unwrap())
    }

    #[test]
    fn check_against_declared_inputs() {
        let lock = LockFile::parse(WRITTEN, "flake.lock").unwrap();
        let mut other = url("git+https://example.org/other");
        other.inputs.insert("nixpkgs".into(), InputDecl::following(p("nixpkgs")));
        let mut local = url("path:./sub");
        local.flake = false;
        let declared = decls(vec![
            ("nixpkgs", url("github:NixOS/nixpkgs/nixos-unstable")),
            ("flake-utils", url("github:numtide/flake-utils")),
            ("other", other.clone()),
            ("local", local.clone()),
        ]);
        assert_eq!(check_lock(&declared, &lock).unwrap(), vec![]);
        let out = build_lock(&declared, Some(&lock), &mut NoInputSource).unwrap();
        assert!(!out.changed);
        assert_eq!(out.lock.to_file_contents(), WRITTEN);

        // A changed branch makes nixpkgs stale; a new input is missing; removing one leaves
        // its entry unused.
        let declared2 = decls(vec![
            ("nixpkgs", url("github:NixOS/nixpkgs/nixos-24.05")),
            ("flake-utils", url("github:numtide/flake-utils")),
            ("other", other),
            ("home-manager", url("github:nix-community/home-manager")),
        ]);
        let issues = check_lock(&declared2, &lock).unwrap();
        let summary: Vec<String> = issues.iter().map(|i| i.to_string()).collect();
        assert_eq!(
            summary,
            [
                "input 'home-manager' is not in the lock file",
                "input 'nixpkgs' has changed (the lock file has 'github:NixOS/nixpkgs/nixos-unstable')",
                "the lock file entry for input 'local' is unused",
            ]
        );
        let out = build_lock(&declared2, Some(&lock), &mut NoInputSource).unwrap();
        assert!(out.changed);
        let unfetched: Vec<String> = out.unfetched.iter().map(|(p, _)| print_input_path(p)).collect();
        assert_eq!(unfetched, ["home-manager", "nixpkgs"]);

        // Dropping the override: the lock's follows came from the root flake, so nix would
        // re-read other's flake.nix; without it, the entry is trusted.
        let declared3 = decls(vec![
            ("nixpkgs", url("github:NixOS/nixpkgs/nixos-unstable")),
            ("flake-utils", url("github:numtide/flake-utils")),
            ("other", url("git+https://example.org/other")),
            ("local", local),
        ]);
        assert_eq!(check_lock(&declared3, &lock).unwrap(), vec![]);

        // Changing what a nested input follows is reported at its path.
        let mut other4 = url("git+https://example.org/other");
        other4.inputs.insert("nixpkgs".into(), InputDecl::following(p("flake-utils")));
        let declared4 = decls(vec![
            ("nixpkgs", url("github:NixOS/nixpkgs/nixos-unstable")),
            ("flake-utils", url("github:numtide/flake-utils")),
            ("other", other4),
        ]);
        let issues = check_lock(&declared4, &lock).unwrap();
        assert_eq!(
            issues[0],
            LockIssue {
                path: p("other/nixpkgs"),
                kind: LockIssueKind::FollowsChanged { previous: Some(PreviousEdge::Follows(p("nixpkgs"))) }
            }
        );
        // An override of an input the locked flake does not have is a warning.
        let mut fu = url("github:numtide/flake-utils");
        fu.inputs.insert("nope".into(), InputDecl::following(p("nixpkgs")));
        let out = build_lock(&decls(vec![("flake-utils", fu)]), Some(&lock), &mut NoInputSource).unwrap();
        assert_eq!(out.warnings, ["input 'flake-utils' has an override for a non-existent input 'nope'"]);
        // An implicit input (no url) is the registry entry of its name.
        let issues = check_lock(&decls(vec![("nixpkgs", InputDecl::default())]), &lock).unwrap();
        assert_eq!(
            issues.iter().find(|i| i.path == p("nixpkgs")).unwrap().kind,
            LockIssueKind::Stale {
                previous: PreviousEdge::Locked {
                    original: parse_input_url("github:NixOS/nixpkgs/nixos-unstable", true).unwrap(),
                    parent: None
                }
            }
        );
    }

    /// Locks local inputs and serves their flake.nix inputs from a table.
    struct LocalTable {
        flakes: BTreeMap<String, ChildFlake>,
        read: Vec<String>,
    }

    impl InputSource for LocalTable {
        fn lock_input(&mut self, _: &[String], original: &FlakeRef) -> Result<Option<FlakeRef>, LockError> {
            if original.input.input_type() != "path" {
                return Ok(None);
            }
            let mut l = original.clone();
            l.input.set_attr("lastModified", Attr::Int(1));
            l.input.set_attr("narHash", Attr::from(NARH));
            Ok(Some(l))
        }

        fn read_flake(&mut self, path: &[String], at: FlakeLocation<'_>) -> Result<Option<ChildFlake>, LockError> {
            let key = match at {
                FlakeLocation::Locked(r) => {
                    r.input.attrs().get("path").and_then(Attr::as_str).unwrap_or("?").to_string()
                }
                FlakeLocation::Relative { parent, path, .. } => format!("{}:{}", print_input_path(parent), path),
            };
            self.read.push(format!("{} @ {}", print_input_path(path), key));
            Ok(self.flakes.get(&key).cloned())
        }
    }

    #[test]
    fn in_memory_lock_of_local_inputs() {
        let mut flakes = BTreeMap::new();
        // /abs/lib is a flake with a relative input of its own and a follows.
        flakes.insert(
            "/abs/lib".to_string(),
            ChildFlake {
                inputs: decls(vec![("helper", url("path:./helper")), ("nixpkgs", InputDecl::following(p("helper")))]),
                lock_file: None,
            },
        );
        flakes.insert("lib:./helper".to_string(), ChildFlake::default());
        flakes.insert(":./sub".to_string(), ChildFlake::default());
        let mut src = LocalTable { flakes, read: Vec::new() };
        let declared =
            decls(vec![("lib", url("path:/abs/lib")), ("sub", url("path:./sub")), ("remote", url("github:o/r"))]);
        let out = build_lock(&declared, None, &mut src).unwrap();
        assert_eq!(out.issues.len(), 3);
        assert!(out.issues.iter().all(|i| i.kind == LockIssueKind::Missing));
        assert_eq!(out.unfetched.len(), 1);
        assert_eq!(print_input_path(&out.unfetched[0].0), "remote");
        assert_eq!(src.read, ["lib @ /abs/lib", "lib/helper @ lib:./helper", "sub @ :./sub"]);
        let l = &out.lock;
        let lib = l.find_input(&p("lib")).unwrap().unwrap();
        let ln = l.node(lib).locked.as_ref().unwrap();
        assert_eq!(ln.locked.input.get_last_modified(), Some(1));
        assert_eq!(ln.parent, None);
        let helper = l.find_input(&p("lib/helper")).unwrap().unwrap();
        assert_eq!(l.node(helper).locked.as_ref().unwrap().parent, Some(p("lib")));
        assert_eq!(l.parent_node(helper).unwrap(), Some(lib));
        // The child's follows is relative to the child: lib/nixpkgs follows lib/helper.
        assert_eq!(l.node(lib).inputs.get("nixpkgs"), Some(&Edge::Follows(p("lib/helper"))));
        assert_eq!(l.find_input(&p("lib/nixpkgs")).unwrap(), Some(helper));
        let sub = l.find_input(&p("sub")).unwrap().unwrap();
        assert_eq!(l.node(sub).locked.as_ref().unwrap().parent, Some(vec![]));
        // The in-memory lock serialises like a nix-written one.
        let text = l.to_json_string();
        assert!(text.contains("\"parent\": [\n        \"lib\"\n      ]"), "{}", text);
        assert_eq!(LockFile::parse(&text, "mem").unwrap(), *l);
        // Locking again against it keeps everything without reading flakes.
        let mut src2 = LocalTable { flakes: BTreeMap::new(), read: Vec::new() };
        let declared2 = decls(vec![("lib", url("path:/abs/lib")), ("sub", url("path:./sub"))]);
        let again = build_lock(&declared2, Some(l), &mut src2).unwrap();
        assert_eq!(again.issues, vec![]);
        assert!(!again.changed);
        // lib's follows came from its own flake.nix, so it is read again (as nix refetches it).
        assert_eq!(src2.read, ["lib @ /abs/lib"]);
    }

    #[test]
    fn circular_imports() {
        let mut flakes = BTreeMap::new();
        flakes.insert("/a".to_string(), ChildFlake { inputs: decls(vec![("b", url("path:/b"))]), lock_file: None });
        flakes.insert("/b".to_string(), ChildFlake { inputs: decls(vec![("a", url("path:/a"))]), lock_file: None });
        let mut src = LocalTable { flakes, read: Vec::new() };
        let e = build_lock(&decls(vec![("a", url("path:/a"))]), None, &mut src).unwrap_err();
        assert_eq!(e.message(), "found circular import of flake 'path:/a'");
    }

    #[test]
    fn node_cycles_in_lock_files_are_errors() {
        let text = format!(
            r#"{{ "version": 7, "root": "root", "nodes": {{ "root": {{ "inputs": {{ "a": "a" }} }}, "a": {}, "b": {} }} }}"#,
            gh_node("o", "a", 'a').replace("\"locked\"", "\"inputs\": { \"x\": \"b\" }, \"locked\""),
            gh_node("o", "b", 'b').replace("\"locked\"", "\"inputs\": { \"y\": \"a\" }, \"locked\"")
        );
        let l = LockFile::parse(&text, "f").unwrap();
        // Walking and printing terminate.
        assert_eq!(l.all_inputs().len(), 3);
        assert_eq!(l.find_input(&p("a/x/y/x/y")).unwrap(), l.find_input(&p("a")).unwrap());
        assert!(LockFile::parse(&l.to_json_string(), "f").is_ok());
        let e = check_lock(&decls(vec![("a", url("github:o/a"))]), &l).unwrap_err();
        assert_eq!(e.message(), "lock file contains a cycle at input 'a/x/y'");
    }

    #[test]
    fn follows_into_missing_inputs_fail_the_check() {
        let mut flakes = BTreeMap::new();
        flakes.insert("/a".to_string(), ChildFlake::default());
        let mut src = LocalTable { flakes, read: Vec::new() };
        let e = build_lock(&decls(vec![("a", url("path:/a")), ("b", InputDecl::following(p("a/zz")))]), None, &mut src)
            .unwrap_err();
        assert_eq!(e.message(), "input 'b' follows a non-existent input 'a/zz'");
    }
}
