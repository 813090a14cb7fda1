//! Input and lock hygiene, which `nix flake check` does not look at: inputs declared but not
//! locked (or locked but no longer declared, or locked for another reference), `follows` that
//! lead nowhere, inputs the outputs never use, several nixpkgs revisions in the lock (with the
//! `follows` line that would fix it), lock entries that pin nothing, and inputs that are
//! absolute local paths outside the repository.
//!
//! Declarations are read from the evaluated `flake.nix` (so every finding points at the line
//! that declares the input); the lock is the `flake.lock` on disk, compared through
//! [`check_lock`]. Whether an input is used is decided from the syntax of `outputs`, erring on
//! the side of "used": an input counts as used when its name appears anywhere in the body of
//! `outputs`, when another input follows it, or when the whole inputs set is handed on
//! (`inherit inputs`, `import ./x.nix inputs`, `self.inputs`). Nothing here fetches, locks or
//! writes anything.

use super::{Edit, Finding, Fix, Locator, Span};
use crate::eval::symbol::Symbol;
use crate::eval::value::Attrs;
use crate::eval::{Evaluator, Value};
use crate::flake::call::{declared_inputs, LoadedFlake};
use crate::flake::flakeref::FlakeRef;
use crate::flake::lock::{check_lock, Edge, InputDecl, LockFile, LockIssueKind};
use crate::syntax::source::Pos;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// An input as written in `flake.nix`, with positions.
#[derive(Clone, Debug)]
pub struct DeclaredInput {
    /// `["nixpkgs"]`, or `["home-manager", "nixpkgs"]` for a nested override.
    pub path: Vec<String>,
    /// The position of the input's name.
    pub pos: Pos,
    pub url: Option<(String, Pos)>,
    pub follows: Option<(Vec<String>, Pos)>,
}

fn str_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.to_str_lossy().into_owned()),
        _ => None,
    }
}

fn walk(ev: &mut Evaluator, attrs: &Attrs, prefix: &[String], out: &mut Vec<DeclaredInput>) {
    for e in attrs.sorted_by_name() {
        let mut path = prefix.to_vec();
        path.push(e.name.as_str().to_string());
        let Ok(Value::Attrs(a)) = ev.force(&e.value) else { continue };
        let mut d = DeclaredInput { path: path.clone(), pos: e.pos, url: None, follows: None };
        for f in a.sorted_by_name() {
            match f.name.as_str() {
                "url" => d.url = ev.force(&f.value).ok().as_ref().and_then(str_of).map(|u| (u, f.pos)),
                "follows" => {
                    d.follows = ev.force(&f.value).ok().as_ref().and_then(str_of).map(|s| {
                        (s.split('/').filter(|p| !p.is_empty()).map(String::from).collect(), f.pos)
                    })
                }
                "inputs" => {
                    if let Ok(Value::Attrs(sub)) = ev.force(&f.value) {
                        walk(ev, &sub, &path, out);
                    }
                }
                _ => {}
            }
        }
        out.push(d);
    }
}

/// The inputs declared in the `flake.nix` at `file` (as the evaluator sees it), in order.
pub fn declared(ev: &mut Evaluator, file: &str) -> Vec<DeclaredInput> {
    let mut out = Vec::new();
    let Ok(Value::Attrs(top)) = ev.eval_file(file) else { return out };
    if let Some(t) = top.get(Symbol::new("inputs")).cloned() {
        if let Ok(Value::Attrs(a)) = ev.force(&t) {
            walk(ev, &a, &[], &mut out);
        }
    }
    out
}

fn finding(code: &'static str, path: &[String], message: String, span: Option<Span>) -> Finding {
    let mut f = Finding::new(code, "inputs", format!("inputs.{}", path.join(".inputs.")), message);
    f.span = span;
    f
}

/// A span for the first line of `text` containing `needle` (for files the evaluator did not
/// read, such as `flake.lock`).
fn text_span(file: &str, text: &str, needle: &str) -> Option<Span> {
    for (i, line) in text.lines().enumerate() {
        if let Some(c) = line.find(needle) {
            return Some(Span {
                file: file.to_string(),
                line: i as u32 + 1,
                column: c as u32 + 1,
                end_line: i as u32 + 1,
                end_column: (c + needle.len()) as u32 + 1,
                source_line: line.to_string(),
            });
        }
    }
    None
}

/// Reports a `follows` that leads nowhere, when loading the flake failed because of it:
/// `message` is the loader's error. The declaration is looked up in the first `flake.nix`
/// the evaluator read (the flake's own).
pub fn follows_error(ev: &mut Evaluator, message: &str) -> Option<Finding> {
    let (_, rest) = message.split_once("input '")?;
    let (from, rest) = rest.split_once("' follows a non-existent input '")?;
    let (to, _) = rest.split_once('\'')?;
    let file = ev.sources.files().map(|(_, f)| f.name()).find(|n| n.ends_with("/flake.nix"))?;
    let prefix = format!("{}/", file.strip_suffix("/flake.nix").unwrap_or(&file));
    let loc = Locator { prefix };
    let decls = declared(ev, &file);
    let from: Vec<String> = from.split('/').map(String::from).collect();
    let to_path: Vec<String> = to.split('/').map(String::from).collect();
    let d = decls.iter().find(|d| d.path == from && d.follows.as_ref().is_some_and(|(t, _)| *t == to_path));
    let span = d.and_then(|d| d.follows.as_ref()).and_then(|(_, p)| loc.span(ev, *p));
    let known: Vec<String> = decls.iter().filter(|d| d.path.len() == 1).map(|d| d.path[0].clone()).collect();
    let mut f = finding("E100", &from, format!("input '{}' follows a non-existent input '{}'", from.join("/"), to), span);
    if let Some(s) = crate::error::did_you_mean(&to_path[0], known.iter().map(String::as_str)) {
        f.fix = Some(Fix { description: format!("did you mean '{}'?", s), edit: None });
    }
    Some(f)
}

/// Reports a lock entry that pins nothing, when loading the flake failed because of it
/// (`Lock file contains unlocked input ...`): the entry is looked up in the `flake.lock` next
/// to the first `flake.nix` the evaluator read.
pub fn unlocked_error(ev: &mut Evaluator, message: &str) -> Option<Finding> {
    let (_, rest) = message.split_once("contains unlocked input '")?;
    let (attrs, _) = rest.rsplit_once("'.")?;
    let wanted: serde_json::Value = serde_json::from_str(attrs).ok()?;
    let file = ev.sources.files().map(|(_, f)| f.name()).find(|n| n.ends_with("/flake.nix"))?;
    let dir = file.strip_suffix("/flake.nix").unwrap_or(&file).to_string();
    let text = String::from_utf8(ev.io.read_file(&format!("{}/flake.lock", dir)).ok()?).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let (key, _) = json.get("nodes")?.as_object()?.iter().find(|(_, n)| n.get("locked") == Some(&wanted))?;
    let decls = declared(ev, &file);
    let loc = Locator { prefix: format!("{}/", dir) };
    let path = vec![key.clone()];
    let span = text_span("flake.lock", &text, &format!("\"{}\": {{", key))
        .or_else(|| decls.iter().find(|d| d.path == path).and_then(|d| loc.span(ev, d.pos)));
    let msg = format!(
        "the lock entry '{}' does not pin its source ({} has no revision or hash), so nix refuses the lock file",
        key, attrs
    );
    let mut f = finding("E106", &path, msg, span);
    f.fix = Some(Fix { description: "run `nix flake lock` (or `nix flake update`) to lock it, and commit flake.lock".into(), edit: None });
    Some(f)
}

fn is_nixpkgs(r: &FlakeRef) -> bool {
    let i = &r.input;
    let get = |k: &str| i.get_str(k).ok().flatten().unwrap_or("");
    match i.input_type() {
        "github" | "gitlab" | "sourcehut" => get("repo") == "nixpkgs",
        "indirect" => get("id") == "nixpkgs",
        "git" | "tarball" | "file" => {
            let u = get("url");
            u.contains("/nixpkgs") || u.contains("channels.nixos.org") || u.contains("nixos.org/channels")
        }
        _ => false,
    }
}

fn revision(r: &FlakeRef) -> String {
    let i = &r.input;
    for k in ["rev", "narHash", "url"] {
        if let Ok(Some(v)) = i.get_str(k) {
            return v.to_string();
        }
    }
    r.to_string()
}

/// The line that makes `path` follow `target`, written where the input at `decl` is declared.
fn follows_edit(loc_span: Option<&Span>, path: &[String], target: &str) -> (String, Option<Edit>) {
    let nested = path.join(".inputs.");
    let top_form = format!("inputs.{}.follows = \"{}\";", nested, target);
    let Some(sp) = loc_span else { return (top_form, None) };
    let before = sp.source_line.get(..sp.column as usize - 1).unwrap_or("");
    let indent: String = sp.source_line.chars().take_while(|c| c.is_whitespace()).collect();
    let line = if before.trim_start().ends_with("inputs.") || before.trim_start().starts_with("inputs.") {
        top_form.clone()
    } else {
        format!("{}.follows = \"{}\";", nested, target)
    };
    let at = Span { column: 1, end_line: sp.line, end_column: 1, ..sp.clone() };
    (top_form, Some(Edit { span: at, replacement: format!("{}{}\n", indent, line) }))
}

/// Everything this module checks, for a loaded flake.
pub fn check_inputs(ev: &mut Evaluator, flake: &LoadedFlake) -> Vec<Finding> {
    let mut out = Vec::new();
    let loc = Locator::new(flake);
    let file = format!("{}/flake.nix", flake.root.out_path());
    let decls = declared(ev, &file);
    let decl_span = |ev: &Evaluator, path: &[String]| -> Option<Span> {
        decls.iter().find(|d| d.path == path).and_then(|d| loc.span(ev, d.pos))
    };
    let rel_dir = if flake.root.subdir.is_empty() { String::new() } else { format!("{}/", flake.root.subdir) };
    let lock_name = format!("{}flake.lock", rel_dir);
    let lock_text = std::fs::read_to_string(flake.root.flake_dir().join("flake.lock")).ok();
    let lock = lock_text.as_deref().and_then(|t| LockFile::parse(t, &lock_name).ok());
    let decl_map: BTreeMap<String, InputDecl> = declared_inputs(ev, &file, &flake.original_url).unwrap_or_default();

    // Absolute local paths outside the repository.
    for d in &decls {
        let Some((url, pos)) = &d.url else { continue };
        let p = url.strip_prefix("path:").or_else(|| url.strip_prefix("git+file://")).or_else(|| url.strip_prefix("git+file:")).unwrap_or(url);
        let p = p.split(['?', '#']).next().unwrap_or(p);
        if p.starts_with('/') && !Path::new(p).starts_with(&flake.root.root) {
            let msg = format!(
                "input '{}' is the absolute path '{}' outside the repository: it is not reproducible on another machine (expected a locked remote reference or a relative path)",
                d.path.join("/"),
                p
            );
            out.push(finding("W107", &d.path, msg, loc.span(ev, *pos)));
        }
    }

    // The lock against the declarations.
    let top_level: Vec<&DeclaredInput> = decls.iter().filter(|d| d.path.len() == 1).collect();
    match &lock {
        None if !decl_map.is_empty() => {
            let names: Vec<&str> = decl_map.keys().map(String::as_str).collect();
            let first = top_level.first().map(|d| d.path.clone()).unwrap_or_default();
            let mut f = finding(
                "W101",
                &first,
                format!("flake.lock is missing: inputs [ {} ] are not locked", names.join(" ")),
                decl_span(ev, &first),
            );
            f.fix = Some(Fix { description: "run `nix flake lock` and commit flake.lock".into(), edit: None });
            out.push(f);
        }
        None => {}
        Some(lock) => {
            if let Ok(issues) = check_lock(&decl_map, lock) {
                for issue in issues {
                    let (code, msg) = match &issue.kind {
                        LockIssueKind::Missing => (
                            "W101",
                            format!("input '{}' is declared in flake.nix but has no entry in flake.lock", issue.path.join("/")),
                        ),
                        LockIssueKind::Unused => (
                            "W102",
                            format!("flake.lock has an entry for input '{}', which flake.nix no longer declares", issue.path.join("/")),
                        ),
                        _ => ("W103", format!("{}; flake.lock is out of date", issue)),
                    };
                    let span = match &issue.kind {
                        LockIssueKind::Unused => {
                            let key = issue.path.last().cloned().unwrap_or_default();
                            lock_text.as_deref().and_then(|t| text_span(&lock_name, t, &format!("\"{}\":", key)))
                        }
                        _ => decl_span(ev, &issue.path).or_else(|| decl_span(ev, &issue.path[..1])),
                    };
                    let mut f = finding(code, &issue.path, msg, span);
                    f.fix = Some(Fix { description: "run `nix flake lock` and commit flake.lock".into(), edit: None });
                    out.push(f);
                }
            }
            check_lock_nodes(ev, lock, lock_text.as_deref().unwrap_or(""), &lock_name, &decls, &loc, &mut out);
        }
    }

    // `follows` that lead nowhere (in the lock as completed in memory).
    if let Ok(completed) = LockFile::parse(&flake.lock_json().to_string(), &lock_name) {
        for d in &decls {
            let Some((target, pos)) = &d.follows else { continue };
            if target.is_empty() {
                continue;
            }
            let root_declared = decl_map.contains_key(&target[0]);
            let locked = completed.find_input(&target[..1]).ok().flatten().is_some();
            if root_declared && !locked {
                continue; // Not locked offline: cannot tell.
            }
            if completed.find_input(target).ok().flatten().is_none() {
                let mut f = finding(
                    "E100",
                    &d.path,
                    format!("input '{}' follows a non-existent input '{}'", d.path.join("/"), target.join("/")),
                    loc.span(ev, *pos),
                );
                let known = decl_map.keys().map(String::as_str);
                if let Some(s) = crate::error::did_you_mean(&target[0], known) {
                    f.fix = Some(Fix { description: format!("did you mean '{}'?", s), edit: None });
                }
                out.push(f);
            }
        }
    }

    // Unused inputs.
    if let Some(text) = std::fs::read_to_string(flake.root.flake_dir().join("flake.nix")).ok() {
        if let Some(usage) = outputs_usage(&text) {
            let followed: BTreeSet<&str> =
                decls.iter().filter_map(|d| d.follows.as_ref()).filter_map(|(t, _)| t.first().map(String::as_str)).collect();
            for d in &top_level {
                let name = d.path[0].as_str();
                if name == "self" || usage.everything || usage.names.contains(name) || followed.contains(name) {
                    continue;
                }
                let msg = format!(
                    "input '{}' is declared but never used: it is not an argument of 'outputs', not used in its body, and no other input follows it",
                    name
                );
                let mut f = finding("W104", &d.path, msg, loc.span(ev, d.pos));
                f.fix = Some(Fix { description: format!("remove input '{}' (and its flake.lock entry with `nix flake lock`)", name), edit: None });
                out.push(f);
            }
        }
    }
    out
}

fn check_lock_nodes(
    ev: &Evaluator,
    lock: &LockFile,
    lock_text: &str,
    lock_name: &str,
    decls: &[DeclaredInput],
    loc: &Locator,
    out: &mut Vec<Finding>,
) {
    let keys = lock.node_keys();
    let key_span = |id: usize| keys.get(id).cloned().flatten().and_then(|k| text_span(lock_name, lock_text, &format!("\"{}\": {{", k)));
    let decl_span = |path: &[String]| decls.iter().find(|d| d.path == path).and_then(|d| loc.span(ev, d.pos));
    let all = lock.all_inputs();
    let mut nixpkgs: Vec<(Vec<String>, String)> = Vec::new();
    for (path, edge) in &all {
        let Edge::Node(id) = edge else { continue };
        let Some(node) = &lock.node(*id).locked else { continue };
        if !node.locked.input.is_locked() && node.locked.input.is_relative().is_none() {
            let msg = format!(
                "the lock entry of input '{}' does not pin its source ('{}' has no revision or hash); a build elsewhere may see other contents",
                path.join("/"),
                node.locked
            );
            let mut f = finding("E106", path, msg, key_span(id.0).or_else(|| decl_span(&path[..1])));
            f.fix = Some(Fix { description: "give the input a locked reference (a revision) and run `nix flake lock`".into(), edit: None });
            out.push(f);
        }
        if is_nixpkgs(&node.locked) || is_nixpkgs(&node.original) {
            nixpkgs.push((path.clone(), revision(&node.locked)));
        }
    }
    let root_revs: BTreeSet<&str> = nixpkgs.iter().filter(|(p, _)| p.len() == 1).map(|(_, r)| r.as_str()).collect();
    let distinct: BTreeSet<&str> = nixpkgs.iter().map(|(_, r)| r.as_str()).collect();
    if distinct.len() < 2 {
        return;
    }
    let root_name = nixpkgs
        .iter()
        .filter(|(p, _)| p.len() == 1)
        .map(|(p, _)| p[0].clone())
        .min_by_key(|n| (n != "nixpkgs", n.clone()));
    for (path, rev) in &nixpkgs {
        if path.len() == 1 || root_revs.contains(rev.as_str()) {
            continue;
        }
        let span = decl_span(&path[..1]);
        let mut f = finding(
            "W105",
            path,
            format!(
                "input '{}' locks its own nixpkgs ({}); flake.lock holds {} nixpkgs revisions, each evaluated and downloaded separately",
                path.join("/"),
                short_rev(rev),
                distinct.len()
            ),
            span.clone(),
        );
        f.fix = Some(match &root_name {
            Some(root) => {
                let (line, edit) = follows_edit(span.as_ref(), path, root);
                Fix { description: format!("add `{}` to flake.nix, then run `nix flake lock`", line), edit }
            }
            None => Fix { description: "add a nixpkgs input and make the other inputs follow it".into(), edit: None },
        });
        out.push(f);
    }
}

fn short_rev(r: &str) -> String {
    if r.len() == 40 && r.bytes().all(|b| b.is_ascii_hexdigit()) {
        r[..12].to_string()
    } else {
        r.to_string()
    }
}

/// What the body of `outputs` uses.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Every identifier and attribute name in the function (formals included only if used).
    pub names: BTreeSet<String>,
    /// The whole set of inputs escapes (`inherit inputs`, `f inputs`, `self.inputs`).
    pub everything: bool,
}

/// Which names the `outputs` function of the flake source `text` uses. `None` when `outputs`
/// is not a function written in `flake.nix` (then nothing is known).
pub fn outputs_usage(text: &str) -> Option<Usage> {
    use rnix::ast::{self, HasEntry};
    use rowan::ast::AstNode;
    use rnix::SyntaxKind;
    let root = rnix::Root::parse(text).tree();
    let ast::Expr::AttrSet(set) = strip(root.expr()?) else { return None };
    let mut lambda = None;
    for e in set.entries() {
        if let ast::Entry::AttrpathValue(apv) = e {
            let attrs: Vec<ast::Attr> = apv.attrpath()?.attrs().collect();
            if attrs.len() == 1 && attr_text(&attrs[0]).as_deref() == Some("outputs") {
                if let Some(ast::Expr::Lambda(l)) = apv.value().map(strip) {
                    lambda = Some(l);
                }
            }
        }
    }
    let lambda = lambda?;
    let whole = match lambda.param()? {
        ast::Param::IdentParam(p) => p.ident().and_then(|i| i.ident_token()).map(|t| t.text().to_string()),
        ast::Param::Pattern(p) => p.pat_bind().and_then(|b| b.ident()).and_then(|i| i.ident_token()).map(|t| t.text().to_string()),
    };
    let body = lambda.body()?;
    let mut usage = Usage::default();
    for n in body.syntax().descendants() {
        match n.kind() {
            SyntaxKind::NODE_IDENT => {
                let Some(tok) = n.first_token() else { continue };
                let name = tok.text().to_string();
                let parent = n.parent().map(|p| p.kind());
                if Some(&name) == whole.as_ref() {
                    // `inputs.x` uses `x`; any other use hands on everything.
                    let selected = parent == Some(SyntaxKind::NODE_SELECT)
                        && n.parent().and_then(|p| p.first_child()).is_some_and(|c| c == n);
                    let attr_name = parent == Some(SyntaxKind::NODE_ATTRPATH);
                    if !selected && !attr_name {
                        usage.everything = true;
                    }
                }
                usage.names.insert(name);
            }
            SyntaxKind::NODE_SELECT => {
                if let Some(sel) = ast::Select::cast(n.clone()) {
                    let last = sel.attrpath().and_then(|p| p.attrs().last()).and_then(|a| attr_text(&a));
                    if last.as_deref() == Some("inputs") {
                        usage.everything = true;
                    }
                }
            }
            SyntaxKind::NODE_STRING => {
                // `inputs."name"` and `"${name}"`-free strings name attributes too.
                if let Some(s) = ast::Str::cast(n.clone()) {
                    for part in s.normalized_parts() {
                        if let ast::InterpolPart::Literal(l) = part {
                            usage.names.insert(l);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Some(usage)
}

fn strip(e: rnix::ast::Expr) -> rnix::ast::Expr {
    match e {
        rnix::ast::Expr::Paren(p) => p.expr().map(strip).unwrap_or(rnix::ast::Expr::Paren(p)),
        other => other,
    }
}

fn attr_text(a: &rnix::ast::Attr) -> Option<String> {
    match a {
        rnix::ast::Attr::Ident(i) => i.ident_token().map(|t| t.text().to_string()),
        rnix::ast::Attr::Str(s) => {
            let mut out = String::new();
            for p in s.normalized_parts() {
                match p {
                    rnix::ast::InterpolPart::Literal(l) => out.push_str(&l),
                    _ => return None,
                }
            }
            Some(out)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(src: &str) -> Usage {
        outputs_usage(src).expect("outputs is a lambda")
    }

    #[test]
    fn formals_used_in_the_body_count() {
        let u = usage("{ inputs.a.url = \"x\"; outputs = { self, a, b }: { x = a.lib; }; }");
        assert!(u.names.contains("a"));
        assert!(!u.names.contains("b"));
        assert!(!u.everything);
    }

    #[test]
    fn selecting_from_the_at_binding_uses_only_that_input() {
        let u = usage("{ outputs = { self, ... }@inputs: { x = inputs.foo.lib; }; }");
        assert!(u.names.contains("foo"));
        assert!(!u.everything);
    }

    #[test]
    fn handing_on_the_inputs_uses_everything() {
        assert!(usage("{ outputs = inputs: import ./o.nix inputs; }").everything);
        assert!(usage("{ outputs = { self, ... }@inputs: f { inherit inputs; }; }").everything);
        assert!(usage("{ outputs = { self }: builtins.attrNames self.inputs; }").everything);
    }

    #[test]
    fn outputs_that_are_not_a_lambda_are_unknown() {
        assert_eq!(outputs_usage("{ outputs = import ./outputs.nix; }"), None);
        assert_eq!(outputs_usage("{ outputs = "), None);
    }

    #[test]
    fn follows_lines_match_the_declaration_style() {
        let sp = Span { file: "flake.nix".into(), line: 3, column: 12, end_line: 3, end_column: 16, source_line: "    inputs.home.url = \"x\";".into() };
        let (line, edit) = follows_edit(Some(&sp), &["home".into(), "nixpkgs".into()], "nixpkgs");
        assert_eq!(line, "inputs.home.inputs.nixpkgs.follows = \"nixpkgs\";");
        assert_eq!(edit.unwrap().replacement, "    inputs.home.inputs.nixpkgs.follows = \"nixpkgs\";\n");
        let sp = Span { column: 5, end_column: 9, source_line: "    home.url = \"x\";".into(), ..sp };
        let (_, edit) = follows_edit(Some(&sp), &["home".into(), "nixpkgs".into()], "nixpkgs");
        assert_eq!(edit.unwrap().replacement, "    home.inputs.nixpkgs.follows = \"nixpkgs\";\n");
    }
}
