//! Walking a flake's outputs the way `nix flake show` does, into an [`OutputTree`] that prints
//! as the reference's tree or JSON.
//!
//! The walk follows current CppNix: which paths are recursed into (`packages`, `devShells`,
//! `checks`, `apps` two levels deep, `formatter`, `overlays`, `nixosModules`,
//! `nixosConfigurations`, `templates` one level, `hydraJobs` down to derivations), which leaves
//! get which description, other systems omitted unless asked for, `legacyPackages` omitted
//! unless asked for, empty sets under the known outputs hidden. Only what the reference forces
//! is forced: a derivation's `type`, `name` and `meta.description`; overlays, modules,
//! configurations and unknown outputs are never evaluated. Unlike the reference, an output
//! that fails is kept as an error node and the walk goes on with its siblings.
//!
//! Outputs that depend on an unavailable input ([`crate::eval::opaque`]) are not errors: an
//! opaque value, or an error saying a value depends on an unavailable input, becomes an
//! [`OutputNode::Opaque`] node for just that subtree (`package (depends on unavailable input
//! 'crane')`); a set only partly known (`{ a = ...; } // opaque`) shows its known attributes.
//!
//! Nothing here prints; the CLI renders the tree ([`render_text`], [`render_json`]).

use crate::error::EvalError;
use crate::eval::symbol::Symbol;
use crate::eval::value::{Attrs, Thunk};
use crate::eval::{EvalResult, Evaluator, Value};

/// What to show.
#[derive(Clone, Debug)]
pub struct ShowOptions {
    /// The current system (`x86_64-linux`).
    pub system: String,
    pub all_systems: bool,
    pub legacy: bool,
}

/// One node of the outputs tree.
pub enum OutputNode {
    /// A set shown with its children (sorted by name).
    Set(Vec<(String, OutputNode)>),
    /// A derivation: what it is called in the listing (`package`, `development environment`,
    /// `derivation`), its name and `meta.description`.
    Derivation { what: &'static str, name: String, description: Option<String> },
    App { description: Option<String> },
    Template { description: String },
    /// A leaf that is not evaluated: (JSON type, text): `nixpkgs-overlay`/`Nixpkgs overlay`, ...
    Leaf { json_type: &'static str, text: &'static str },
    /// Not shown: the flag that would show it (`--all-systems`, `--legacy`).
    Omitted(&'static str),
    /// Expected a derivation but found something else: shown with a warning, no line.
    NotDerivation,
    /// Evaluating this output failed.
    Error(EvalError),
    /// What this output is depends on an unavailable input. `what` is what it should be
    /// (`package`, `app`, ...) when its place says so; `detail` is how it depends on it.
    Opaque { what: Option<&'static str>, input: String, detail: String },
    /// A set whose known attributes are `children` and which may have more from `input`.
    PartialSet { children: Vec<(String, OutputNode)>, input: String },
}

/// The outputs of a flake as `nix flake show` lists them.
pub struct OutputTree {
    pub root: OutputNode,
}

impl OutputTree {
    /// Every error in the tree with its attribute path.
    pub fn errors(&self) -> Vec<(String, &EvalError)> {
        let mut out = Vec::new();
        collect(&self.root, &mut Vec::new(), &mut |path, n| {
            if let OutputNode::Error(e) = n {
                out.push((path.join("."), e));
            }
        });
        out
    }

    /// The outputs that depend on unavailable inputs: path, input and how.
    pub fn opaque(&self) -> Vec<(String, &str, &str)> {
        let mut out = Vec::new();
        collect(&self.root, &mut Vec::new(), &mut |path, n| {
            if let OutputNode::Opaque { input, detail, .. } = n {
                out.push((path.join("."), input.as_str(), detail.as_str()));
            }
        });
        out
    }

    /// Warnings about the tree (outputs that should be derivations but are not).
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        collect(&self.root, &mut Vec::new(), &mut |path, n| match n {
            OutputNode::NotDerivation => {
                out.push(format!("flake output '{}' is not a derivation", path.join(".")))
            }
            OutputNode::Omitted(_) => {}
            _ => {}
        });
        out
    }
}

fn collect<'a>(n: &'a OutputNode, path: &mut Vec<String>, f: &mut dyn FnMut(&[String], &'a OutputNode)) {
    f(path, n);
    if let OutputNode::Set(children) | OutputNode::PartialSet { children, .. } = n {
        for (name, c) in children {
            path.push(name.clone());
            collect(c, path, f);
            path.pop();
        }
    }
}

fn sym(s: &str) -> Symbol {
    Symbol::new(s)
}

fn force_attrs(ev: &mut Evaluator, t: &Thunk) -> EvalResult<Attrs> {
    match ev.force(t)? {
        Value::Attrs(a) => Ok(a),
        other => Err(EvalError::type_error(format!(
            "expected a set but found {}: {}",
            other.type_phrase(),
            crate::print::short(&other)
        ))),
    }
}

fn force_string(ev: &mut Evaluator, t: &Thunk) -> EvalResult<String> {
    match ev.force(t)? {
        Value::String(s) => Ok(s.to_str_lossy().into_owned()),
        other => Err(EvalError::type_error(format!(
            "expected a string but found {}: {}",
            other.type_phrase(),
            crate::print::short(&other)
        ))),
    }
}

/// Whether a value is a derivation (`type = "derivation"`), forcing only `type`.
fn is_derivation(ev: &mut Evaluator, a: &Attrs) -> EvalResult<bool> {
    match a.get(sym("type")) {
        Some(t) => {
            let t = t.clone();
            Ok(matches!(ev.force(&t)?, Value::String(s) if s.as_bytes() == b"derivation"))
        }
        None => Ok(false),
    }
}

fn meta_description(ev: &mut Evaluator, a: &Attrs) -> EvalResult<Option<String>> {
    let Some(meta) = a.get(sym("meta")).cloned() else { return Ok(None) };
    let meta = force_attrs(ev, &meta)?;
    match meta.get(sym("description")).cloned() {
        Some(d) => force_string(ev, &d).map(Some),
        None => Ok(None),
    }
}

/// Whether the child `name` of `parent_path` is worth showing (the reference's `hasContent`):
/// under the known outputs, sets with nothing to show are hidden.
fn has_content(ev: &mut Evaluator, path: &[&str], value: &Thunk) -> bool {
    let first = path[0];
    let deep = matches!(first, "apps" | "checks" | "devShells" | "legacyPackages" | "packages") && path.len() <= 2;
    let shallow = path.len() == 1 && matches!(first, "formatter" | "nixosConfigurations" | "nixosModules" | "overlays");
    if !(deep || shallow) {
        return true;
    }
    let Ok(a) = force_attrs(ev, value) else { return true };
    let mut p = path.to_vec();
    for e in a.iter() {
        p.push(e.name.as_str());
        let c = has_content(ev, &p, &e.value);
        p.pop();
        if c {
            return true;
        }
    }
    false
}

/// Walks the outputs of a flake value (its `outputs` attribute).
pub fn show_outputs(ev: &mut Evaluator, flake: &Value, opts: &ShowOptions) -> OutputTree {
    let outputs = match flake {
        Value::Attrs(a) => match a.get(sym("outputs")) {
            Some(t) => t.clone(),
            None => return OutputTree { root: OutputNode::Error(EvalError::eval("the flake has no 'outputs'")) },
        },
        Value::Opaque(o) => crate::eval::opaque::select(o, sym("outputs")),
        _ => return OutputTree { root: OutputNode::Error(EvalError::eval("the flake is not a set")) },
    };
    let root = visit(ev, &[], &outputs, opts);
    OutputTree { root }
}

fn recurse(ev: &mut Evaluator, path: &[&str], value: &Thunk, opts: &ShowOptions) -> OutputNode {
    let a = match ev.force(value) {
        Ok(Value::Opaque(o)) => match &o.known {
            Some(k) => {
                let known = k.clone();
                let children = match recurse(ev, path, &Thunk::Ready(Value::Attrs(known)), opts) {
                    OutputNode::Set(c) => c,
                    other => return other,
                };
                return OutputNode::PartialSet { children, input: o.input.to_string() };
            }
            None => return opaque_node(path, &o.input, &o.path),
        },
        Ok(_) => match force_attrs(ev, value) {
            Ok(a) => a,
            Err(e) => return error_node(path, e),
        },
        Err(e) => return error_node(path, e),
    };
    let mut children = Vec::new();
    for e in a.sorted_by_name() {
        let mut p = path.to_vec();
        p.push(e.name.as_str());
        if !has_content(ev, &p, &e.value) {
            continue;
        }
        let node = visit(ev, &p, &e.value, opts);
        children.push((e.name.as_str().to_string(), node));
    }
    OutputNode::Set(children)
}

fn derivation_node(ev: &mut Evaluator, path: &[&str], a: &Attrs) -> EvalResult<OutputNode> {
    let name = match a.get(sym("name")).cloned() {
        Some(t) => force_string(ev, &t)?,
        None => return Err(EvalError::eval("the derivation has no attribute 'name'")),
    };
    let description = meta_description(ev, a)?;
    let what = match (path.len(), path[0]) {
        (2, "devShell") => "development environment",
        (n, "devShells") if n >= 2 => "development environment",
        (3, "checks") => "derivation",
        (_, "hydraJobs") => "derivation",
        _ => "package",
    };
    Ok(OutputNode::Derivation { what, name, description })
}

fn visit(ev: &mut Evaluator, path: &[&str], value: &Thunk, opts: &ShowOptions) -> OutputNode {
    match visit_inner(ev, path, value, opts) {
        Ok(n) => n,
        Err(e) => error_node(path, e),
    }
}

/// What the output at `path` should be, for an opaque one (`package`, `app`, ...).
fn expected_kind(path: &[&str]) -> Option<&'static str> {
    let n = path.len();
    let first = path.first().copied().unwrap_or("");
    match (n, first) {
        (2, "devShell") | (3, "devShells") => Some("development environment"),
        (2, "defaultPackage" | "formatter") | (3, "packages") => Some("package"),
        (3, "checks") => Some("derivation"),
        (2, "defaultApp") | (3, "apps") => Some("app"),
        (1, "defaultTemplate") | (2, "templates") => Some("template"),
        _ => None,
    }
}

fn opaque_node(path: &[&str], input: &str, detail: &str) -> OutputNode {
    OutputNode::Opaque { what: expected_kind(path), input: input.to_string(), detail: detail.to_string() }
}

/// An error, or an opaque node when the error is about a value of an unavailable input.
fn error_node(path: &[&str], e: EvalError) -> OutputNode {
    match crate::eval::opaque::input_of_error(&e) {
        Some(input) => opaque_node(path, &input, e.message()),
        None => OutputNode::Error(e),
    }
}

fn visit_inner(ev: &mut Evaluator, path: &[&str], value: &Thunk, opts: &ShowOptions) -> EvalResult<OutputNode> {
    let n = path.len();
    let first = path.first().copied().unwrap_or("");
    if n == 0
        || (n == 1
            && matches!(
                first,
                "defaultPackage" | "devShell" | "formatter" | "nixosConfigurations" | "nixosModules" | "defaultApp" | "templates" | "overlays"
            ))
        || ((n == 1 || n == 2) && matches!(first, "checks" | "packages" | "devShells" | "apps"))
    {
        return Ok(recurse(ev, path, value, opts));
    }
    if (n == 2 && matches!(first, "defaultPackage" | "devShell" | "formatter"))
        || (n == 3 && matches!(first, "checks" | "packages" | "devShells"))
    {
        if !opts.all_systems && path[1] != opts.system {
            return Ok(OutputNode::Omitted("--all-systems"));
        }
        let a = force_attrs(ev, value)?;
        if is_derivation(ev, &a)? {
            return derivation_node(ev, path, &a);
        }
        return Ok(OutputNode::NotDerivation);
    }
    if n > 0 && first == "hydraJobs" {
        let a = force_attrs(ev, value)?;
        if is_derivation(ev, &a)? {
            return derivation_node(ev, path, &a);
        }
        return Ok(recurse(ev, path, value, opts));
    }
    if n > 0 && first == "legacyPackages" {
        if n == 1 {
            return Ok(recurse(ev, path, value, opts));
        }
        if !opts.legacy {
            return Ok(OutputNode::Omitted("--legacy"));
        }
        if !opts.all_systems && path[1] != opts.system {
            return Ok(OutputNode::Omitted("--all-systems"));
        }
        let a = force_attrs(ev, value)?;
        if is_derivation(ev, &a)? {
            return derivation_node(ev, path, &a);
        }
        if n <= 2 {
            return Ok(recurse(ev, path, value, opts));
        }
        return Ok(OutputNode::Set(Vec::new()));
    }
    if (n == 2 && first == "defaultApp") || (n == 3 && first == "apps") {
        let a = force_attrs(ev, value)?;
        let description = meta_description(ev, &a)?;
        let ty = match a.get(sym("type")).cloned() {
            Some(t) => Some(force_string(ev, &t)?),
            None => None,
        };
        if ty.as_deref() != Some("app") {
            return Err(EvalError::eval("not an app definition"));
        }
        return Ok(OutputNode::App { description });
    }
    if (n == 1 && first == "defaultTemplate") || (n == 2 && first == "templates") {
        let a = force_attrs(ev, value)?;
        let description = match a.get(sym("description")).cloned() {
            Some(t) => force_string(ev, &t)?,
            None => return Err(EvalError::eval("attribute 'description' missing")),
        };
        return Ok(OutputNode::Template { description });
    }
    let (json_type, text) = if (n == 1 && first == "overlay") || (n == 2 && first == "overlays") {
        ("nixpkgs-overlay", "Nixpkgs overlay")
    } else if n == 2 && first == "nixosConfigurations" {
        ("nixos-configuration", "NixOS configuration")
    } else if (n == 1 && first == "nixosModule") || (n == 2 && first == "nixosModules") {
        ("nixos-module", "NixOS module")
    } else {
        ("unknown", "unknown")
    };
    Ok(OutputNode::Leaf { json_type, text })
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

const CONN: &str = "├───";
const LAST: &str = "└───";
const LINE: &str = "│   ";
const NULL: &str = "    ";

struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{}m{}\x1b[0m", code, s)
        } else {
            s.to_string()
        }
    }
}

/// The tree as `nix flake show` prints it, headed by `header` (the locked reference). Errors
/// are shown on their node as `error: <first line>`.
pub fn render_text(tree: &OutputTree, header: &str, color: bool) -> String {
    let st = Style { color };
    let mut out = String::new();
    out.push_str(&st.paint("1", header));
    out.push('\n');
    match &tree.root {
        OutputNode::Set(children) => render_children(&st, children, "", &mut out),
        OutputNode::PartialSet { children, input } => {
            render_children(&st, children, "", &mut out);
            out.push_str(&format!("{}\n", st.paint("35;1", &format!("(more outputs may come from unavailable input '{}')", input))));
        }
        OutputNode::Error(e) => {
            out.push_str(&format!("{} {}\n", st.paint("31;1", "error:"), first_line(e.message())));
        }
        OutputNode::Opaque { input, .. } => {
            out.push_str(&format!("{}\n", st.paint("35;1", &format!("(the outputs depend on unavailable input '{}')", input))));
        }
        _ => {}
    }
    out
}

/// `package (depends on unavailable input 'crane')`.
fn opaque_text(what: Option<&str>, input: &str) -> String {
    match what {
        Some(w) => format!("{} (depends on unavailable input '{}')", w, input),
        None => format!("depends on unavailable input '{}'", input),
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

fn render_children(st: &Style, children: &[(String, OutputNode)], prefix: &str, out: &mut String) {
    // Nodes that print nothing (non-derivations) still count for the connectors, as in the
    // reference.
    for (i, (name, node)) in children.iter().enumerate() {
        let last = i + 1 == children.len();
        let head = format!(
            "{}{}",
            st.paint("32;1", &format!("{}{}", prefix, if last { LAST } else { CONN })),
            st.paint("1", name)
        );
        let next = format!("{}{}", prefix, if last { NULL } else { LINE });
        match node {
            OutputNode::Set(c) => {
                out.push_str(&head);
                out.push('\n');
                render_children(st, c, &next, out);
            }
            OutputNode::Derivation { what, name, .. } => {
                out.push_str(&format!("{}: {} '{}'\n", head, what, name));
            }
            OutputNode::App { description } => {
                let d = description.as_deref().unwrap_or("no description");
                out.push_str(&format!("{}: app: {}\n", head, st.paint("1", d)));
            }
            OutputNode::Template { description } => {
                out.push_str(&format!("{}: template: {}\n", head, st.paint("1", description)));
            }
            OutputNode::Leaf { text, .. } => {
                out.push_str(&format!("{}: {}\n", head, st.paint("35;1", text)));
            }
            OutputNode::Omitted(flag) => {
                out.push_str(&format!("{} {} (use '{}' to show)\n", head, st.paint("35;1", "omitted"), flag));
            }
            OutputNode::NotDerivation => {}
            OutputNode::Opaque { what, input, .. } => {
                out.push_str(&format!("{}: {}\n", head, st.paint("35;1", &opaque_text(*what, input))));
            }
            OutputNode::PartialSet { children, input } => {
                out.push_str(&head);
                out.push('\n');
                render_children(st, children, &next, out);
                let more = format!("{}{}", next, LAST);
                out.push_str(&format!(
                    "{}{}\n",
                    st.paint("32;1", &more),
                    st.paint("35;1", &format!("(more attributes may come from unavailable input '{}')", input))
                ));
            }
            OutputNode::Error(e) => {
                out.push_str(&format!("{}: {} {}\n", head, st.paint("31;1", "error:"), first_line(e.message())));
            }
        }
    }
}

/// The reference's `--json` form: nested objects, sorted keys, leaves with their `type`.
pub fn to_json(tree: &OutputTree) -> serde_json::Value {
    node_json(&tree.root)
}

fn node_json(n: &OutputNode) -> serde_json::Value {
    use serde_json::{json, Map, Value as J};
    match n {
        OutputNode::Set(children) => {
            let mut m = Map::new();
            for (name, c) in children {
                m.insert(name.clone(), node_json(c));
            }
            J::Object(m)
        }
        OutputNode::Derivation { name, description, .. } => {
            json!({ "type": "derivation", "name": name, "description": description.clone().unwrap_or_default() })
        }
        OutputNode::App { description } => match description {
            Some(d) => json!({ "type": "app", "description": d }),
            None => json!({ "type": "app" }),
        },
        OutputNode::Template { description } => json!({ "type": "template", "description": description }),
        OutputNode::Leaf { json_type, .. } => json!({ "type": json_type }),
        OutputNode::Omitted(_) | OutputNode::NotDerivation => J::Object(Map::new()),
        OutputNode::Error(e) => json!({ "type": "error", "error": e.message() }),
        OutputNode::Opaque { what, input, .. } => {
            let ty = match what {
                Some("app") => "app",
                Some("template") => "template",
                Some(_) => "derivation",
                None => "unknown",
            };
            json!({ "type": ty, "unavailableInput": input })
        }
        OutputNode::PartialSet { children, .. } => {
            let mut m = Map::new();
            for (name, c) in children {
                m.insert(name.clone(), node_json(c));
            }
            J::Object(m)
        }
    }
}

/// Paths omitted from the listing, with the flag that shows them (the reference warns about
/// each in `--json` mode).
pub fn omitted(tree: &OutputTree) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    collect(&tree.root, &mut Vec::new(), &mut |path, n| {
        if let OutputNode::Omitted(f) = n {
            out.push((path.join("."), *f));
        }
    });
    out
}
